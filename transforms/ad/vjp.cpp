// Reverse mode: linearize (JVP with tangents staged into a linear jaxpr) and transpose it.
#include <unordered_map>
#include <unordered_set>

#include "ad/ad.hpp"
#include "trace/staging.hpp"

namespace xjax {

Linearized vjp_flat(const FlatFn& f, const Arrays& primals) {
  std::vector<int> tangent_slot(primals.size(), -1);  // which linear-jaxpr input each primal feeds
  Arrays outs;
  // The tangent level sits below the JVP level: ops on primals alone run (or stage) as usual.
  ClosedJaxpr linear = in_new_trace<StagingTrace>(false, [&](StagingTrace& tangents) {
    Arrays tangent_args;
    for (std::size_t i = 0; i < primals.size(); ++i)
      if (is_inexact(primals[i].dtype())) {
        tangent_slot[i] = static_cast<int>(tangent_args.size());
        tangent_args.push_back(tangents.new_arg({primals[i].shape(), primals[i].dtype(), false}));
      }
    Tangents touts = in_new_trace<JvpTrace>(false, [&](JvpTrace& jvp) {
      Arrays ins;
      for (std::size_t i = 0; i < primals.size(); ++i)
        ins.push_back(tangent_slot[i] < 0 ? primals[i]
                                          : jvp.wrap(primals[i], tangent_args[static_cast<std::size_t>(tangent_slot[i])]));
      Tangents ts;
      for (const Array& y : f(ins)) {
        auto [pr, t] = jvp.unwrap(y);
        outs.push_back(std::move(pr));
        ts.push_back(std::move(t));
      }
      return ts;
    });
    Arrays linear_outs;
    for (std::size_t i = 0; i < outs.size(); ++i)
      linear_outs.push_back(touts[i] ? *touts[i] : zeros_for({outs[i].shape(), outs[i].dtype(), false}));
    return tangents.build(linear_outs);  // the staged tangents die with this level
  });
  Avals in_avals, out_avals;
  for (const Array& p : primals) in_avals.push_back({p.shape(), p.dtype(), false});
  for (const Array& o : outs) out_avals.push_back({o.shape(), o.dtype(), false});
  auto pullback = [linear, tangent_slot, in_avals, out_avals](const Tangents& cts) -> Arrays {
    if (cts.size() != out_avals.size())
      throw TransformError("vjp", "pullback expects ", out_avals.size(), " cotangents, got ", cts.size());
    Tangents checked;
    for (std::size_t i = 0; i < cts.size(); ++i) {
      const bool floating = is_inexact(out_avals[i].dtype);
      if (cts[i] && (cts[i]->shape() != out_avals[i].shape || (floating && cts[i]->dtype() != out_avals[i].dtype)))
        throw TransformError("vjp", "cotangent ", cts[i]->aval(), " does not match output ", out_avals[i],
                             ": shapes and dtypes must be equal");
      checked.push_back(floating ? cts[i] : std::nullopt);
    }
    Tangents in_cts = backward_pass(*linear.jaxpr, linear.consts, checked);
    Arrays result;
    for (std::size_t i = 0; i < in_avals.size(); ++i) {
      int slot = tangent_slot[i];
      result.push_back(slot < 0 ? zeros_for(in_avals[i]) : instantiate(in_cts[static_cast<std::size_t>(slot)], in_avals[i]));
    }
    return result;
  };
  auto pushforward = [linear, tangent_slot, in_avals, out_avals](const Tangents& ts) -> Arrays {
    if (ts.size() != in_avals.size())
      throw TransformError("linearize", "expects ", in_avals.size(), " tangents, got ", ts.size());
    Arrays args;
    for (std::size_t i = 0; i < ts.size(); ++i) {
      if (ts[i] && (ts[i]->shape() != in_avals[i].shape || (tangent_slot[i] >= 0 && ts[i]->dtype() != in_avals[i].dtype)))
        throw TransformError("linearize", "tangent ", ts[i]->aval(), " does not match input ", in_avals[i],
                             ": shapes and dtypes must be equal");
      if (tangent_slot[i] >= 0) args.push_back(ts[i] ? *ts[i] : zeros_for(in_avals[i]));
    }
    return eval_jaxpr(linear, args);
  };
  return {outs, pullback, pushforward};
}

Tangents backward_pass(const Jaxpr& j, const Arrays& consts, const Tangents& cts_out) {
  std::unordered_set<const Var*> linear;
  for (const VarPtr& v : j.invars) linear.insert(v.get());
  std::unordered_map<const Var*, Array> values;  // non-linear values (constants, forward results)
  for (std::size_t i = 0; i < consts.size(); ++i) values[j.constvars[i].get()] = consts[i];
  auto is_linear = [&](const Atom& a) {
    const VarPtr* v = std::get_if<VarPtr>(&a);
    return v && linear.count(v->get());
  };
  auto value_of = [&](const Atom& a) -> Array {
    if (const VarPtr* v = std::get_if<VarPtr>(&a)) return values.at(v->get());
    return std::get<Literal>(a).value;
  };
  std::vector<const Equation*> linear_eqns;
  for (const Equation& e : j.eqns) {
    bool lin = false;
    for (const Atom& a : e.inputs) lin = lin || is_linear(a);
    if (lin) {
      for (const VarPtr& o : e.outputs) linear.insert(o.get());
      linear_eqns.push_back(&e);
    } else {  // depends on constants only: evaluate forward
      Arrays ins;
      for (const Atom& a : e.inputs) ins.push_back(value_of(a));
      Arrays outs = xjax::bind(*e.prim, ins, e.params);
      for (std::size_t k = 0; k < outs.size(); ++k) values[e.outputs[k].get()] = outs[k];
    }
  }
  std::unordered_map<const Var*, Array> ct;
  auto accumulate = [&](const Var* v, const Tangent& c) {
    if (!c) return;
    auto [it, fresh] = ct.try_emplace(v, *c);
    if (!fresh) it->second = add(it->second, *c);
  };
  for (std::size_t i = 0; i < j.outvars.size(); ++i)
    if (is_linear(j.outvars[i])) accumulate(std::get<VarPtr>(j.outvars[i]).get(), cts_out[i]);
  for (auto it = linear_eqns.rbegin(); it != linear_eqns.rend(); ++it) {
    const Equation& e = **it;
    Tangents cts;
    bool any = false;
    for (const VarPtr& o : e.outputs) {
      auto found = ct.find(o.get());
      cts.push_back(found == ct.end() ? Tangent() : Tangent(found->second));
      any = any || found != ct.end();
      if (found != ct.end()) ct.erase(found);  // free cotangents as soon as they are used
    }
    if (!any) continue;
    if (!e.prim->transpose) throw TransformError("vjp", "no transpose rule for primitive '", e.prim->name, "'");
    LinearArgs args;
    for (const Atom& a : e.inputs)
      args.push_back(is_linear(a) ? LinearArg{std::nullopt, atom_aval(a)} : LinearArg{value_of(a), atom_aval(a)});
    Tangents in_cts = e.prim->transpose(cts, args, e.params);
    for (std::size_t k = 0; k < e.inputs.size(); ++k)
      if (is_linear(e.inputs[k])) {
        const Tangent& c = in_cts.at(k);
        if (c && (c->shape() != args[k].aval.shape || c->dtype() != args[k].aval.dtype))
          throw TransformError("vjp", "transpose of '", e.prim->name, "' gave ", c->aval(), " for input ", args[k].aval);
        accumulate(std::get<VarPtr>(e.inputs[k]).get(), c);
      }
  }
  Tangents result;
  for (const VarPtr& v : j.invars) {
    auto found = ct.find(v.get());
    result.push_back(found == ct.end() ? Tangent() : Tangent(found->second));
  }
  return result;
}

}  // namespace xjax

namespace xjax {
void check_grad_output(const char* op, const Array& out, bool holomorphic) {
  if (out.ndim() != 0)
    throw TransformError(op, "the function must return a scalar (0-d) array, got ", out.aval(),
                         "; use jacrev/jacfwd or vjp for non-scalar outputs");
  if (holomorphic && !is_complex(out.dtype()))
    throw TransformError(op, "with holomorphic, the function must return a complex scalar, got ", out.aval());
  if (!holomorphic && is_complex(out.dtype()))
    throw TransformError(op, "the function must return a real-valued scalar, got ", out.aval(),
                         "; for holomorphic functions pass xj::holomorphic, for others use vjp");
  if (!is_inexact(out.dtype()))
    throw TransformError(op, "the function must return a floating-point scalar, got ", out.aval());
}
void check_grad_inputs(const char* op, const Arrays& leaves, bool holomorphic) {
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    const DType d = leaves[i].dtype();
    if (holomorphic && !is_complex(d))
      throw TransformError(op, "with holomorphic, every input must be complex, but leaf ", i, " is ", leaves[i].aval());
    if (!is_inexact(d))
      throw TransformError(op, "can only differentiate with respect to floating-point or complex inputs, but leaf ", i,
                           " is ", leaves[i].aval(), " (convert it with astype, or pass it as another argument)");
  }
}
}  // namespace xjax
