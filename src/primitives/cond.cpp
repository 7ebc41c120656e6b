// The cond primitive (one of several branches, chosen by an int32 index) with its rules, and
// switch_flat, which traces the branches. Inputs: (index, operands...); params: num_branches and
// the branches as jaxprs branch_0, branch_1, ..., each taking all operands.
#include <algorithm>
#include <string>

#include "primitives/control_flow.hpp"
#include "trace/lowering.hpp"

namespace xjax {
namespace control_flow {
namespace {

const Primitive& cond_primitive();

std::string branch_key(std::size_t k) { return "branch_" + std::to_string(k); }

std::vector<JaxprPtr> branches_of(const Params& p) {
  std::vector<JaxprPtr> r;
  for (std::int64_t k = 0; k < p.get_int("num_branches"); ++k)
    r.push_back(jaxpr_param(p, branch_key(static_cast<std::size_t>(k)).c_str()));
  return r;
}

Params branch_params(const std::vector<JaxprPtr>& branches, bool per_lane) {
  Params p{{"num_branches", static_cast<std::int64_t>(branches.size())}, {"per_lane", per_lane}};
  for (std::size_t k = 0; k < branches.size(); ++k) p = p.with(branch_key(k), branches[k]);
  return p;
}

Avals cond_shape(const Avals& in, const Params& p) {
  std::vector<JaxprPtr> branches = branches_of(p);
  if (branches.empty()) throw ValueError("cond", "needs at least one branch");
  if (in.empty() || in[0].ndim() != 0 || in[0].dtype != int32)
    throw TransformError("cond", "the branch index must be an int32 scalar, got ", in.empty() ? ShapedArray{} : in[0]);
  Avals operands(in.begin() + 1, in.end());
  Avals out = branches[0]->out_avals();
  for (std::size_t k = 0; k < branches.size(); ++k) {
    if (!same_types(branches[k]->in_avals(), operands))
      throw TransformError("cond", "branch ", k, " takes ", avals_str(branches[k]->in_avals()), " but the operands are ",
                           avals_str(operands));
    Avals o = branches[k]->out_avals();
    if (!same_types(o, out))
      throw TransformError("cond", "branch 0 returns ", avals_str(out), " but branch ", k, " returns ", avals_str(o));
    for (std::size_t i = 0; i < out.size(); ++i) out[i].weak_type = out[i].weak_type && o[i].weak_type;
  }
  return out;
}

std::size_t chosen(const Array& index, std::size_t n) {
  auto i = static_cast<std::int64_t>(index.item<std::int32_t>());
  return static_cast<std::size_t>(std::clamp<std::int64_t>(i, 0, static_cast<std::int64_t>(n) - 1));
}

Arrays cond_eval(const Arrays& in, const Params& p, const Avals& out_avals) {
  std::vector<JaxprPtr> branches = branches_of(p);
  Arrays outs = eval_concrete(*branches[chosen(in[0], branches.size())], take(in, 1, in.size() - 1));
  for (std::size_t i = 0; i < outs.size(); ++i)
    if (outs[i].weak_type() != out_avals[i].weak_type) outs[i] = convert(outs[i], out_avals[i].dtype, out_avals[i].weak_type);
  return outs;
}

// Tangents: a cond over the branches' forward-mode jaxprs, restricted to their tangent outputs.
Tangents cond_jvp(const Arrays& in, const Tangents& t, const Arrays& outs, const Params& p) {
  std::vector<JaxprPtr> branches = branches_of(p);
  Arrays operands = take(in, 1, in.size() - 1);
  Mask nz_in = mask_of(Tangents(t.begin() + 1, t.end()));
  Mask nz_out(outs.size(), false);
  for (const JaxprPtr& b : branches) {
    Mask m = jvp_jaxpr(b, nz_in, Mask(outs.size(), false)).nz_out;
    for (std::size_t i = 0; i < m.size(); ++i) nz_out[i] = nz_out[i] || m[i];
  }
  Mask tangent_outputs(outs.size(), false);  // drop the primal outputs, keep every tangent
  tangent_outputs.resize(outs.size() + static_cast<std::size_t>(std::count(nz_out.begin(), nz_out.end(), true)), true);
  std::vector<JaxprPtr> jvps;
  for (const JaxprPtr& b : branches) jvps.push_back(keep_outputs(jvp_jaxpr(b, nz_in, nz_out).jaxpr, tangent_outputs));
  Arrays args = concat({{in[0]}, operands});
  for (std::size_t i = 0; i < nz_in.size(); ++i)
    if (nz_in[i]) args.push_back(*t[i + 1]);
  Arrays touts = xjax::bind(cond_primitive(), args, branch_params(jvps, p.get<bool>("per_lane")));
  return with_zeros(touts, nz_out);
}

// Cotangents of the linear operands: a cond over the branches' transposes.
Tangents cond_transpose(const Tangents& cts, const LinearArgs& args, const Params& p) {
  TransposeCall call(LinearArgs(args.begin() + 1, args.end()), cts);
  std::vector<JaxprPtr> transposed;
  for (const JaxprPtr& b : branches_of(p)) transposed.push_back(call.trace(*b));
  Arrays in_cts = xjax::bind(cond_primitive(), concat({{*args[0].value}, call.operands()}),
                             branch_params(transposed, p.get<bool>("per_lane")));
  Tangents result = call.cotangents(in_cts);
  result.insert(result.begin(), std::nullopt);
  return result;
}

// Each branch batched over just the examples whose (known) index selects it; the results are
// concatenated and put back in example order.
Arrays per_lane(const std::vector<JaxprPtr>& branches, const Array& index, const Arrays& operands, const Mask& batched) {
  const std::int32_t* idx = index.data<std::int32_t>();
  std::vector<std::int64_t> order;
  std::vector<Arrays> parts;
  for (std::size_t k = 0; k < branches.size(); ++k) {
    std::vector<std::int64_t> lanes;
    for (std::int64_t i = 0; i < index.size(); ++i)
      if (idx[i] == static_cast<std::int32_t>(k)) lanes.push_back(i);
    if (lanes.empty()) continue;
    Array at = array(lanes, {static_cast<std::int64_t>(lanes.size())});
    Arrays sub;
    std::vector<BatchDim> axes;
    for (std::size_t i = 0; i < operands.size(); ++i) {
      sub.push_back(batched[i] ? take(operands[i], at, 0) : operands[i]);
      axes.push_back(batched[i] ? BatchDim(0) : std::nullopt);
    }
    const ClosedJaxpr& branch = *branches[k];
    if (std::none_of(batched.begin(), batched.end(), [](bool b) { return b; })) {  // broadcast one result
      sub.push_back(zeros({static_cast<std::int64_t>(lanes.size())}, int32));
      axes.push_back(0);
    }
    std::size_t n = operands.size();
    parts.push_back(vmap_flat([&](const Arrays& a) { return eval_jaxpr(branch, take(a, 0, n)); }, sub, axes, {0}));
    order.insert(order.end(), lanes.begin(), lanes.end());
  }
  std::vector<std::int64_t> inverse(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) inverse[static_cast<std::size_t>(order[i])] = static_cast<std::int64_t>(i);
  Array back = array(inverse, {static_cast<std::int64_t>(inverse.size())});
  Arrays outs;
  for (std::size_t i = 0; i < parts[0].size(); ++i) {
    Arrays pieces;
    for (const Arrays& part : parts) pieces.push_back(part[i]);
    outs.push_back(take(concatenate(pieces, 0), back, 0));
  }
  return outs;
}

// An unbatched index keeps one cond over batched branches; a batched index runs every branch on
// the whole batch and selects per example (as JAX does).
std::pair<Arrays, BatchDims> cond_batch(const Primitive& self, const Arrays& vals, const BatchDims& dims,
                                        const Params& p) {
  std::vector<JaxprPtr> branches = branches_of(p);
  std::int64_t size = batch_size(vals, dims);
  Arrays operands = mapped_to_front(take(vals, 1, vals.size() - 1), BatchDims(dims.begin() + 1, dims.end()), size);
  Mask batched_in = mask_of(BatchDims(dims.begin() + 1, dims.end()));
  std::size_t n_out = branches[0]->out_avals().size();
  Mask force(n_out, dims[0].has_value());
  if (!dims[0])
    for (const JaxprPtr& b : branches) {
      Mask m = batch_jaxpr(b, batched_in, size, Mask(n_out, false)).batched_out;
      for (std::size_t i = 0; i < n_out; ++i) force[i] = force[i] || m[i];
    }
  std::vector<JaxprPtr> batched;
  for (const JaxprPtr& b : branches) batched.push_back(batch_jaxpr(b, batched_in, size, force).jaxpr);
  BatchDims out_dims;
  for (bool f : force) out_dims.push_back(f ? BatchDim(0) : std::nullopt);
  if (!dims[0]) return {xjax::bind(self, concat({{vals[0]}, operands}), branch_params(batched, p.get<bool>("per_lane"))), out_dims};
  Array index = clip(move_batch_axis(vals[0], dims[0], 0, size), 0, static_cast<std::int64_t>(branches.size()) - 1);
  if (p.get<bool>("per_lane") && !index.is_tracer()) return {per_lane(branches, index, operands, batched_in), out_dims};
  Arrays outs = eval_jaxpr(*batched[0], operands);
  for (std::size_t k = 1; k < batched.size(); ++k) {
    Arrays other = eval_jaxpr(*batched[k], operands);
    for (std::size_t i = 0; i < n_out; ++i) {
      Shape s(static_cast<std::size_t>(outs[i].ndim()), 1);
      s[0] = size;
      outs[i] = where(reshape(index == static_cast<std::int64_t>(k), s), other[i], outs[i]);
    }
  }
  return {outs, out_dims};
}

// Native code: a branch per case, the chosen one inlined.
lowering::Values cond_lower(lowering::Builder& b, const lowering::Values& in, const Equation& e) {
  std::vector<JaxprPtr> branches = branches_of(e.params);
  lowering::Values operands(in.begin() + 1, in.end());
  Avals out;
  for (const VarPtr& o : e.outputs) out.push_back(o->aval);
  return b.switch_(
      in[0], branches.size(), [&](std::size_t k) { return b.inline_jaxpr(*branches[k], operands); }, out);
}

const Primitive& cond_p = def_primitive({.name = "cond",
                                         .shape = cond_shape,
                                         .eval = cond_eval,
                                         .jvp = cond_jvp,
                                         .transpose = cond_transpose,
                                         .batch = cond_batch,
                                         .lower = cond_lower});
const Primitive& cond_primitive() { return cond_p; }

}  // namespace
}  // namespace control_flow

Arrays switch_flat(const Array& index, const std::vector<FlatFn>& branches, const Arrays& operands,
                   const CondOptions& options) {
  using namespace control_flow;
  if (branches.empty()) throw ValueError("cond", "needs at least one branch");
  if (index.ndim() != 0 || !(index.dtype() == bool_ || is_integer(index.dtype())))
    throw TransformError("cond", "the predicate or index must be a bool or integer scalar, got ", index.aval());
  if (run_directly(concat({{index}, operands}))) {
    std::int64_t last = static_cast<std::int64_t>(branches.size()) - 1;
    std::int64_t i = std::clamp<std::int64_t>(index.astype(int64).item<std::int64_t>(), 0, last);
    return branches[static_cast<std::size_t>(i)](operands);
  }
  Avals in_avals = avals_of(operands);
  std::vector<Traced> traced;
  Arrays consts;
  for (const FlatFn& f : branches) {
    traced.push_back(trace_lifted(f, in_avals));
    consts.insert(consts.end(), traced.back().consts.begin(), traced.back().consts.end());
  }
  // Every branch takes the closed-over values of all branches, then the operands.
  Avals const_avals = avals_of(consts);
  std::vector<JaxprPtr> jaxprs;
  std::size_t offset = 0;
  for (const Traced& t : traced) {
    std::size_t own = t.consts.size();
    JaxprPtr j = insert_inputs(t.jaxpr, own, Avals(const_avals.begin() + static_cast<std::ptrdiff_t>(offset + own), const_avals.end()));
    jaxprs.push_back(insert_inputs(j, 0, Avals(const_avals.begin(), const_avals.begin() + static_cast<std::ptrdiff_t>(offset))));
    offset += own;
  }
  Array i = index.dtype() == int32 ? index : clip(index.astype(int64), -1, static_cast<std::int64_t>(branches.size())).astype(int32);
  return xjax::bind(cond_p, concat({{i}, consts, operands}), branch_params(jaxprs, options.per_lane));
}

}  // namespace xjax
