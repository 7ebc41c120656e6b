# Compiles each program of this directory, which must fail, and checks that the compiler's output holds
# the diagnostic written on its first line ("// expect: ..."): common mistakes get a message saying the fix.
#   cmake -DCXX=<compiler> -DINCLUDE=<xjax include dir> -P check.cmake
file(GLOB programs "${CMAKE_CURRENT_LIST_DIR}/*.cpp")
set(failed 0)
foreach(program ${programs})
  file(STRINGS "${program}" first LIMIT_COUNT 1)
  string(REGEX REPLACE "^// expect: " "" expected "${first}")
  execute_process(COMMAND "${CXX}" -std=c++20 -fsyntax-only "-I${INCLUDE}" "${program}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  get_filename_component(name "${program}" NAME)
  string(FIND "${out}${err}" "${expected}" at)
  if(rc EQUAL 0)
    message(SEND_ERROR "${name}: compiled, but it should fail with \"${expected}\"")
    set(failed 1)
  elseif(at EQUAL -1)
    message(SEND_ERROR "${name}: the compiler did not say \"${expected}\":\n${err}")
    set(failed 1)
  else()
    message(STATUS "${name}: ok")
  endif()
endforeach()
