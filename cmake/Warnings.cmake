# Warning flags for xjax targets.
#
#   xjax_set_warnings(<target>)
#
# Adds -Wall -Wextra -Wno-missing-field-initializers (PRIVATE, so they never leak to consumers).
# With XJAX_WERROR=ON, warnings become errors.

include_guard(GLOBAL)

function(xjax_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-missing-field-initializers)
    if(XJAX_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4)
    if(XJAX_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  endif()
endfunction()
