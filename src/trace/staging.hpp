// The staging trace: records every primitive bound under it as an equation of a new jaxpr.
#pragma once
#include <unordered_map>

#include "trace/trace.hpp"

namespace xjax {

class StagedTracer final : public Tracer {
 public:
  StagedTracer(ShapedArray aval, std::shared_ptr<MainTrace> main, VarPtr var)
      : Tracer(std::move(aval), std::move(main)), var_(std::move(var)) {}
  const VarPtr& var() const { return var_; }
  const char* abstract_reason() const override { return "a traced value (under jit/make_jaxpr)"; }

 private:
  VarPtr var_;
};

class StagingTrace final : public Trace {
 public:
  using Trace::Trace;
  Array new_arg(const ShapedArray& aval);
  Arrays process(const Primitive& p, const Arrays& inputs, const Params& params) override;
  const char* name() const override { return "staging (jit/make_jaxpr)"; }
  // The jaxpr of everything recorded, with `outs` as outputs; values from outside become constvars.
  ClosedJaxpr build(const Arrays& outs);

 private:
  Atom atom_of(const Array& x);
  VarPtr new_var(const ShapedArray& aval);
  std::vector<VarPtr> invars_, constvars_;
  Arrays consts_;
  std::unordered_map<const ArrayImpl*, VarPtr> const_index_;
  std::vector<Equation> eqns_;
  std::int64_t next_id_ = 0;
};

}  // namespace xjax
