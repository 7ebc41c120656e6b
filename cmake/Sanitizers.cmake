# Sanitizers for the whole build.
#
#   xjax_enable_sanitizers()          AddressSanitizer + UndefinedBehaviorSanitizer (XJAX_SANITIZE)
#   xjax_enable_thread_sanitizer()    ThreadSanitizer (XJAX_TSAN; cannot be combined with ASan)
#   xjax_enable_fuzzing()             ASan + UBSan + libFuzzer coverage instrumentation (XJAX_FUZZ, Clang)
#
# Each adds the flags as directory-wide compile *and* link options, so every target
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

function(xjax_enable_thread_sanitizer)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "XJAX_TSAN=ON needs GCC or Clang (got ${CMAKE_CXX_COMPILER_ID})")
  endif()
  set(_xjax_tsan_flags -fsanitize=thread -fno-omit-frame-pointer)
  add_compile_options(${_xjax_tsan_flags})
  add_link_options(${_xjax_tsan_flags})
  message(STATUS "xjax: thread sanitizer enabled: ${_xjax_tsan_flags}")
endfunction()

# Everything is instrumented for libFuzzer's coverage feedback (fuzzer-no-link); only the fuzz
# target itself links libFuzzer's main (-fsanitize=fuzzer on that target).
function(xjax_enable_fuzzing)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "XJAX_FUZZ=ON needs Clang (e.g. CXX=clang++-14; got ${CMAKE_CXX_COMPILER_ID})")
  endif()
  set(_xjax_san_flags -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_compile_options(${_xjax_san_flags} -fsanitize=fuzzer-no-link)
  add_link_options(${_xjax_san_flags})
  message(STATUS "xjax: fuzzing build: ${_xjax_san_flags} -fsanitize=fuzzer-no-link")
endfunction()
