// Forward mode: the JVP trace applies each primitive's JVP rule to (primal, tangent) pairs.
#include "ad/ad.hpp"

namespace xjax {

std::optional<Array> JvpTracer::concrete_value() const {
  if (const Tracer* t = tracer_of(primal_)) return t->concrete_value();
  return primal_;
}

Array JvpTrace::wrap(Array primal, Tangent tangent) {
  if (!tangent) return primal;  // a zero tangent: the value is a constant for this trace
  return Array(std::make_shared<JvpTracer>(main_ptr(), std::move(primal), std::move(tangent)));
}

std::pair<Array, Tangent> JvpTrace::unwrap(const Array& x) const {
  if (!owns(x)) return {x, std::nullopt};
  const auto& t = static_cast<const JvpTracer&>(*x.impl());
  return {t.primal(), t.tangent()};
}

Arrays JvpTrace::process(const Primitive& p, const Arrays& inputs, const Params& params) {
  Arrays primals;
  Tangents tangents;
  bool any = false;
  for (const Array& x : inputs) {
    auto [pr, t] = unwrap(x);
    any = any || t.has_value();
    primals.push_back(std::move(pr));
    tangents.push_back(std::move(t));
  }
  Arrays outs = xjax::bind(p, primals, params);
  if (!any) return outs;
  if (!p.jvp) throw TransformError("jvp", "no differentiation rule for primitive '", p.name, "'");
  Tangents touts = p.jvp(primals, tangents, outs, params);
  Arrays result;
  for (std::size_t i = 0; i < outs.size(); ++i) {
    Tangent t = is_inexact(outs[i].dtype()) ? touts.at(i) : std::nullopt;
    if (t && (t->shape() != outs[i].shape() || t->dtype() != outs[i].dtype()))
      throw TransformError("jvp", "rule of '", p.name, "' gave a tangent ", t->aval(), " for output ", outs[i].aval());
    result.push_back(wrap(std::move(outs[i]), std::move(t)));
  }
  return result;
}

std::pair<Arrays, Tangents> jvp_flat(const FlatFn& f, const Arrays& primals, const Tangents& tangents) {
  if (primals.size() != tangents.size())
    throw TransformError("jvp", "got ", primals.size(), " primals but ", tangents.size(), " tangents");
  return in_new_trace<JvpTrace>(false, [&](JvpTrace& trace) {
    Arrays ins;
    for (std::size_t i = 0; i < primals.size(); ++i) {
      const Tangent& t = tangents[i];
      bool differentiable = is_inexact(primals[i].dtype());
      // As JAX: a floating primal's tangent has its shape and dtype; an integer or bool primal has
      // no tangent space, so whatever is passed for it is ignored (JAX's float0 zeros).
      if (t && (t->shape() != primals[i].shape() || (differentiable && t->dtype() != primals[i].dtype())))
        throw TransformError("jvp", "tangent ", t->aval(), " does not match primal ", primals[i].aval(),
                             ": shapes and dtypes must be equal");
      ins.push_back(trace.wrap(primals[i], differentiable ? t : std::nullopt));
    }
    std::pair<Arrays, Tangents> out;
    for (const Array& y : f(ins)) {
      auto [pr, t] = trace.unwrap(y);
      out.first.push_back(std::move(pr));
      out.second.push_back(std::move(t));
    }
    return out;
  });
}

}  // namespace xjax
