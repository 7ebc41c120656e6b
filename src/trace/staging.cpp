// Staging trace: builds jaxprs (make_jaxpr, jit, the linear part of vjp).
#include "trace/staging.hpp"

namespace xjax {

VarPtr StagingTrace::new_var(const ShapedArray& aval) { return std::make_shared<const Var>(Var{next_id_++, aval}); }

Array StagingTrace::new_arg(const ShapedArray& aval) {
  VarPtr v = new_var(aval);
  invars_.push_back(v);
  return Array(std::make_shared<StagedTracer>(aval, main_ptr(), v));
}

Atom StagingTrace::atom_of(const Array& x) {
  if (owns(x)) return static_cast<const StagedTracer&>(*x.impl()).var();
  if (!x.is_tracer() && x.ndim() == 0) return Literal{x};
  // A concrete array or a tracer of an outer transformation: closure-converted into a constant input.
  auto [it, fresh] = const_index_.try_emplace(x.impl().get());
  if (fresh) {
    it->second = new_var(x.aval());
    constvars_.push_back(it->second);
    consts_.push_back(x);
  }
  return it->second;
}

Arrays StagingTrace::process(const Primitive& p, const Arrays& inputs, const Params& params) {
  Avals in_avals;
  in_avals.reserve(inputs.size());
  for (const Array& x : inputs) in_avals.push_back(x.aval());
  Avals out_avals = p.shape(in_avals, params);
  Equation eqn{&p, params, {}, {}};
  for (const Array& x : inputs) eqn.inputs.push_back(atom_of(x));
  Arrays outs;
  for (const ShapedArray& a : out_avals) {
    VarPtr v = new_var(a);
    eqn.outputs.push_back(v);
    outs.emplace_back(std::make_shared<StagedTracer>(a, main_ptr(), v));
  }
  eqns_.push_back(std::move(eqn));
  return outs;
}

ClosedJaxpr StagingTrace::build(const Arrays& outs) {
  auto j = std::make_shared<Jaxpr>();
  for (const Array& x : outs) {
    if (!x.defined()) throw ValueError("trace", "the traced function returned an empty Array");
    j->outvars.push_back(atom_of(x));
  }
  j->constvars = constvars_;
  j->invars = invars_;
  j->eqns = eqns_;
  return ClosedJaxpr{std::move(j), consts_};
}

ClosedJaxpr trace_to_jaxpr(const std::function<Arrays(const Arrays&)>& f, const Avals& in_avals) {
  return in_new_trace<StagingTrace>(/*dynamic=*/true, [&](StagingTrace& st) {
    Arrays args;
    for (const ShapedArray& a : in_avals) args.push_back(st.new_arg(a));
    return st.build(f(args));
  });
}

}  // namespace xjax
