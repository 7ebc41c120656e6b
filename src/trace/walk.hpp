// Walks over a jaxpr's equations that several rewrites share (jit's passes, the control-flow rules).
#pragma once
#include <functional>
#include <unordered_set>
#include <vector>

#include "xjax/ir.hpp"

namespace xjax {

// The variable an atom names, or null for a literal.
inline const Var* var_of(const Atom& a) {
  const VarPtr* v = std::get_if<VarPtr>(&a);
  return v ? v->get() : nullptr;
}

// Dead-code elimination: the equations, in order, that compute a variable of `live` directly or
// through others, and those `keep` holds on to anyway (effects). On return `live` also holds every
// variable they read.
std::vector<Equation> needed_equations(const std::vector<Equation>& eqns, std::unordered_set<const Var*>& live,
                                       const std::function<bool(const Equation&)>& keep = {});

// Which outputs of j depend on the inputs where `inputs` is set.
std::vector<bool> depends_on(const Jaxpr& j, const std::vector<bool>& inputs);

}  // namespace xjax
