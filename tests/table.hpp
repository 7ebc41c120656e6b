// The per-primitive rule table: cases that exercise each registered primitive through public ops.
// tests/test_rules.cpp checks every case (eval_jaxpr, JVP/VJP against finite differences, vmap
// against a loop, jit against eager) and fails when a registered primitive has no case.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "xjax/core.hpp"

namespace xjax::test {

struct PrimCase {
  std::string prim;                              // name of the primitive this case exercises
  std::function<Array(const Arrays&)> fn;        // built from public ops
  Arrays args;                                   // float64 arguments are differentiated
  bool grad = true;                              // false: integer/bool valued or piecewise constant
  std::string label = "";                        // tells cases of one primitive apart
  double eps = 1e-6, rtol = 1e-5;                // finite-difference step and tolerance
  std::vector<std::string> modes = {"fwd", "rev"};  // custom_vjp functions have reverse mode only
};

// Registers cases at static-initialisation time: `static const bool r = add_cases({...});`
bool add_cases(std::vector<PrimCase> cases);
const std::vector<PrimCase>& prim_cases();

}  // namespace xjax::test
