// Walks over a jaxpr's equations that several rewrites share.
#include "trace/walk.hpp"

#include <algorithm>

namespace xjax {

std::vector<Equation> needed_equations(const std::vector<Equation>& eqns, std::unordered_set<const Var*>& live,
                                       const std::function<bool(const Equation&)>& keep) {
  std::vector<Equation> kept;
  for (auto it = eqns.rbegin(); it != eqns.rend(); ++it) {
    bool needed = keep && keep(*it);
    for (const VarPtr& o : it->outputs) needed = needed || live.count(o.get());
    if (!needed) continue;
    for (const Atom& a : it->inputs)
      if (const Var* v = var_of(a)) live.insert(v);
    kept.push_back(*it);
  }
  std::reverse(kept.begin(), kept.end());
  return kept;
}

std::vector<bool> depends_on(const Jaxpr& j, const std::vector<bool>& inputs) {
  std::unordered_set<const Var*> reached;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i]) reached.insert(j.invars[i].get());
  auto hit = [&](const Atom& a) { return reached.count(var_of(a)) > 0; };
  for (const Equation& e : j.eqns)
    if (std::any_of(e.inputs.begin(), e.inputs.end(), hit))
      for (const VarPtr& o : e.outputs) reached.insert(o.get());
  std::vector<bool> out;
  for (const Atom& a : j.outvars) out.push_back(hit(a));
  return out;
}

}  // namespace xjax
