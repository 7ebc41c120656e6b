// The pjit primitive: a call of a jitted function inside a transformation (grad(jit(f)),
// vmap(jit(f)), jit inside jit), so the transformation keeps it a call of one compiled program
// instead of replaying it equation by equation. Inputs: the program's inputs (its closed-over
// constants first); params: name, jaxpr (without consts). Its rules transform the inner jaxpr and
// bind pjit again; the jaxprs they derive are kept per source jaxpr, so a transformed call made
// again runs the program compiled the first time.
#include <algorithm>
#include <map>
#include <mutex>

#include "trace/rules.hpp"
#include "primitives/control_flow.hpp"
#include "trace/lowering.hpp"

namespace xjax {
namespace control_flow {
namespace {

const Primitive& pjit_primitive();

Params pjit_params(const std::string& name, const JaxprPtr& j) { return {{"name", name}, {"jaxpr", j}}; }

// Derived jaxprs (forward mode, transpose, batched) and the masks that go with them, keyed by their
// source and how they were derived; an entry lives while its source does, at most `limit` kept.
struct Derivation {
  JaxprPtr jaxpr;
  Mask mask;  // which outputs have tangents (forward mode) or are batched (batching)
};
class Derived {
 public:
  template <class F>
  Derivation get(const JaxprPtr& source, const std::string& how, const F& derive) {
    Key key{source.get(), how};
    {
      std::lock_guard lock(mu_);
      if (auto it = map_.find(key); it != map_.end() && it->second.source.lock() == source) return it->second.derived;
    }
    Derivation d = derive();  // outside the lock: deriving traces, which may bind pjit again
    std::lock_guard lock(mu_);
    std::erase_if(map_, [](const auto& kv) { return kv.second.source.expired(); });
    if (map_.size() >= limit) map_.clear();
    map_[key] = {source, d};
    return d;
  }

 private:
  static constexpr std::size_t limit = 4096;
  using Key = std::pair<const ClosedJaxpr*, std::string>;
  struct Entry {
    std::weak_ptr<const ClosedJaxpr> source;
    Derivation derived;
  };
  std::mutex mu_;
  std::map<Key, Entry> map_;
};
Derived& derived() {
  static Derived d;
  return d;
}
std::string mask_str(const Mask& m) {
  std::string s;
  for (bool b : m) s += b ? '1' : '0';
  return s;
}

Avals pjit_shape(const Avals& in, const Params& p) {
  const JaxprPtr& j = jaxpr_param(p, "jaxpr");
  if (!same_types(j->in_avals(), in))
    throw TransformError("pjit", p.get<std::string>("name"), " takes ", avals_str(j->in_avals()), " but is given ",
                         avals_str(in));
  return j->out_avals();
}

Arrays pjit_eval(const Arrays& in, const Params& p, const Avals& out_avals) {
  Arrays outs = compiled(jaxpr_param(p, "jaxpr"))->run(in);
  for (std::size_t i = 0; i < outs.size(); ++i)
    if (outs[i].weak_type() != out_avals[i].weak_type) outs[i] = convert(outs[i], out_avals[i].dtype, out_avals[i].weak_type);
  return outs;
}

// Tangents: pjit of the program's forward mode, restricted to its tangent outputs.
Tangents pjit_jvp(const Arrays& in, const Tangents& t, const Arrays& outs, const Params& p) {
  const JaxprPtr& j = jaxpr_param(p, "jaxpr");
  Mask nz_in = mask_of(t);
  Derivation forward = derived().get(j, "jvp" + mask_str(nz_in), [&] {
    Mask nz_out = jvp_jaxpr(j, nz_in, Mask(outs.size(), false)).nz_out;
    Mask tangent_outputs(outs.size(), false);
    tangent_outputs.resize(outs.size() + static_cast<std::size_t>(std::count(nz_out.begin(), nz_out.end(), true)), true);
    return Derivation{keep_outputs(jvp_jaxpr(j, nz_in, nz_out).jaxpr, tangent_outputs), nz_out};
  });
  Arrays args = in;
  for (const Tangent& x : t)
    if (x) args.push_back(*x);
  Arrays touts = xjax::bind(pjit_primitive(), args, pjit_params(p.get<std::string>("name") + "_jvp", forward.jaxpr));
  return with_zeros(touts, forward.mask);
}

// Cotangents of the linear inputs: pjit of the program's transpose.
Tangents pjit_transpose(const Tangents& cts, const LinearArgs& args, const Params& p) {
  const JaxprPtr& j = jaxpr_param(p, "jaxpr");
  TransposeCall call(args, cts);
  JaxprPtr backward = derived().get(j, "transpose" + mask_str(call.linear) + "/" + mask_str(call.ct_nz), [&] {
    return Derivation{call.trace(*j), {}};
  }).jaxpr;
  return call.cotangents(xjax::bind(pjit_primitive(), call.operands(),
                                    pjit_params(p.get<std::string>("name") + "_transpose", backward)));
}

// Batching: pjit of the batched program, batch axes moved to the front.
std::pair<Arrays, BatchDims> pjit_batch(const Primitive& self, const Arrays& vals, const BatchDims& dims, const Params& p) {
  const JaxprPtr& j = jaxpr_param(p, "jaxpr");
  std::int64_t size = batch_size(vals, dims);
  Mask batched = mask_of(dims);
  Derivation b = derived().get(j, "batch" + mask_str(batched) + "/" + std::to_string(size), [&] {
    BatchedJaxpr bj = batch_jaxpr(j, batched, size, Mask(j->out_avals().size(), false));
    return Derivation{bj.jaxpr, bj.batched_out};
  });
  Arrays outs = xjax::bind(self, mapped_to_front(vals, dims, size), pjit_params(p.get<std::string>("name"), b.jaxpr));
  BatchDims out_dims;
  for (bool m : b.mask) out_dims.push_back(m ? BatchDim(0) : std::nullopt);
  return {outs, out_dims};
}

// Native code: the program inlined.
lowering::Values pjit_lower(lowering::Builder& b, const lowering::Values& in, const Equation& e) {
  return b.inline_jaxpr(*jaxpr_param(e.params, "jaxpr"), in);
}

const Primitive& pjit_p = def_primitive({.name = "pjit",
                                         .shape = pjit_shape,
                                         .eval = pjit_eval,
                                         .jvp = pjit_jvp,
                                         .transpose = pjit_transpose,
                                         .batch = pjit_batch,
                                         .lower = pjit_lower});
const Primitive& pjit_primitive() { return pjit_p; }

}  // namespace
}  // namespace control_flow

Arrays jit_call(const std::string& name, const std::shared_ptr<const ClosedJaxpr>& jaxpr, const Arrays& args) {
  return xjax::bind(control_flow::pjit_primitive(), args, control_flow::pjit_params(name, jaxpr));
}

const Primitive& prims::pjit() { return control_flow::pjit_primitive(); }

}  // namespace xjax
