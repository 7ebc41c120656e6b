# AddressSanitizer + UndefinedBehaviorSanitizer for the whole build.
#
#   xjax_enable_sanitizers()
#
# Adds the flags as directory-wide compile *and* link options, so every target
# defined after the call (library, tests, examples, bench) is instrumented.
# The flags are not exported to the installed package.

include_guard(GLOBAL)

function(xjax_enable_sanitizers)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "XJAX_SANITIZE=ON needs GCC or Clang (got ${CMAKE_CXX_COMPILER_ID})")
  endif()
  set(_xjax_san_flags
      -fsanitize=address,undefined
      -fno-omit-frame-pointer
      -fno-sanitize-recover=all)
  add_compile_options(${_xjax_san_flags})
  add_link_options(${_xjax_san_flags})
  message(STATUS "xjax: sanitizers enabled: ${_xjax_san_flags}")
endfunction()
