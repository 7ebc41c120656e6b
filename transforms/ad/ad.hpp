// Forward and reverse mode over flat lists of arrays: the JVP trace, linearize, and transposition.
#pragma once
#include <functional>

#include "trace/rules.hpp"
#include "trace/trace.hpp"
#include "xjax/transforms.hpp"

namespace xjax {

// A value inside jvp: its primal and its tangent (nullopt = symbolic zero).
class JvpTracer final : public Tracer {
 public:
  JvpTracer(std::shared_ptr<MainTrace> main, Array primal, Tangent tangent)
      : Tracer(primal.aval(), std::move(main)), primal_(std::move(primal)), tangent_(std::move(tangent)) {}
  const Array& primal() const { return primal_; }
  const Tangent& tangent() const { return tangent_; }
  std::optional<Array> concrete_value() const override;
  const char* abstract_reason() const override { return "a value whose primal is abstract"; }

 private:
  Array primal_;
  Tangent tangent_;
};

class JvpTrace final : public Trace {
 public:
  using Trace::Trace;
  Arrays process(const Primitive& p, const Arrays& inputs, const Params& params) override;
  const char* name() const override { return "jvp/grad"; }
  Array wrap(Array primal, Tangent tangent);
  std::pair<Array, Tangent> unwrap(const Array& x) const;
};


}  // namespace xjax
