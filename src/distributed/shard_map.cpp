// shard_map and pmap: run a function on each rank's block of the inputs and assemble the outputs.
// Two identity primitives mark the boundary so that reverse mode yields the global gradient.
#include "distributed/collective.hpp"

namespace xjax::distributed {

extern const Primitive& psum_p;

namespace {

// Params of the boundary primitives. They do not use the key axis_name: a vmap of that name must not
// take them for collectives over its axis.
Params boundary_params(const std::string& axis_name, const Communicator& comm) {
  return {{"replica_axis", axis_name},
          {"comm", std::shared_ptr<const OpaqueParam>(comm.impl())},
          {"replicas", std::int64_t{comm.size()}}};
}

// pvary: a value every rank holds whole, used by each rank's part of the computation. Each rank's
// cotangent covers only its own use, so the cotangent of the global value is their sum.
extern const Primitive& pvary_p;
const Primitive& pvary_p = def_primitive(Primitive{
    .name = "pvary",
    .shape = [](const Avals& in, const Params&) -> Avals { return {in[0]}; },
    .eval = [](const Arrays& in, const Params&, const Avals&) -> Arrays { return {in[0]}; },
    .jvp = [](const Arrays&, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
      return {xjax::bind1(pvary_p, {*t[0]}, params)};
    },
    .transpose = [](const Tangents& ct, const LinearArgs&, const Params& params) -> Tangents {
      if (!ct[0]) return {std::nullopt};
      Params sum{{"axis_name", params.at("replica_axis")}, {"comm", params.at("comm")}};
      return {xjax::bind1(psum_p, {*ct[0]}, sum)};
    },
    .batch = [](const Primitive& p, const Arrays& v, const BatchDims& d, const Params& params)
        -> std::pair<Arrays, BatchDims> { return {xjax::bind(p, v, params), {d[0]}}; },
});

// replicated_out: an output equal on every rank, i.e. one global value held `replicas` times. Its
// cotangent reaches every rank; each copy carries a 1/replicas share, so the per-rank sums that
// collectives' VJPs form add up to the global cotangent exactly once.
extern const Primitive& replicated_out_p;
const Primitive& replicated_out_p = def_primitive(Primitive{
    .name = "replicated_out",
    .shape = [](const Avals& in, const Params&) -> Avals { return {in[0]}; },
    .eval = [](const Arrays& in, const Params&, const Avals&) -> Arrays { return {in[0]}; },
    .jvp = [](const Arrays&, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
      return {xjax::bind1(replicated_out_p, {*t[0]}, params)};
    },
    .transpose = [](const Tangents& ct, const LinearArgs&, const Params& params) -> Tangents {
      if (!ct[0]) return {std::nullopt};
      return {*ct[0] / static_cast<double>(params.get_int("replicas"))};
    },
    .batch = [](const Primitive& p, const Arrays& v, const BatchDims& d, const Params& params)
        -> std::pair<Arrays, BatchDims> { return {xjax::bind(p, v, params), {d[0]}}; },
});

int normalized_axis(const char* op, BatchDim axis, const Array& x, std::size_t arg) {
  const int nd = x.ndim();
  if (*axis < -nd || *axis >= nd)
    throw IndexError(op, "in_specs axis ", *axis, " is out of range for argument ", arg, " of type ", x.aval());
  return *axis < 0 ? *axis + nd : *axis;
}

}  // namespace

Arrays shard_map_flat(const FlatFn& f, const Arrays& args, const std::vector<BatchDim>& in_specs,
                      const std::vector<OutSpec>& out_specs, const std::string& axis_name, const Communicator& comm) {
  if (in_specs.size() != args.size())
    throw TransformError("shard_map", "in_specs has ", in_specs.size(), " entries for ", args.size(), " arguments");
  if (axis_name.empty()) throw ValueError("shard_map", "the axis name is empty");
  require_initialized("shard_map");
  const std::int64_t n = comm.size(), r = comm.rank();
  const Params boundary = boundary_params(axis_name, comm);
  AxisScope binding(axis_name, comm);
  Arrays local;
  for (std::size_t i = 0; i < args.size(); ++i) {
    Array x = xjax::bind1(pvary_p, {args[i]}, boundary);
    if (!in_specs[i]) {
      local.push_back(x);
      continue;
    }
    const int axis = normalized_axis("shard_map", in_specs[i], x, i);
    const std::int64_t extent = x.shape()[static_cast<std::size_t>(axis)];
    if (extent % n != 0)
      throw ShapeError("shard_map", "argument ", i, " of type ", x.aval(), " has extent ", extent, " along axis ", axis,
                       ", not a multiple of the ", n, " ranks");
    const std::int64_t block = extent / n;
    local.push_back(slice_in_dim(x, r * block, (r + 1) * block, 1, axis));
  }
  Arrays outs = f(local);
  if (out_specs.size() != 1 && out_specs.size() != outs.size())
    throw TransformError("shard_map", "out_specs has ", out_specs.size(), " entries for ", outs.size(), " outputs");
  Arrays result;
  for (std::size_t i = 0; i < outs.size(); ++i) {
    const OutSpec& spec = out_specs.size() == 1 ? out_specs[0] : out_specs[i];
    Array y = outs[i];
    switch (spec.kind) {
      case OutSpec::Kind::gather: {
        const int nd = y.ndim();
        if (spec.axis < -nd || spec.axis >= nd)
          throw IndexError("shard_map", "out_specs axis ", spec.axis, " is out of range for output ", i, " of type ",
                           y.aval(), " (a replicated output takes std::nullopt)");
        y = all_gather(y, axis_name, spec.axis < 0 ? spec.axis + nd : spec.axis, /*tiled=*/true);
        break;
      }
      case OutSpec::Kind::replicated: break;
      case OutSpec::Kind::sum: y = psum(y, axis_name); break;
      case OutSpec::Kind::mean: y = pmean(y, axis_name); break;
    }
    result.push_back(xjax::bind1(replicated_out_p, {y}, boundary));
  }
  return result;
}

Arrays pmap_flat(const FlatFn& f, const Arrays& args, const std::string& axis_name, const Communicator& comm) {
  for (std::size_t i = 0; i < args.size(); ++i)
    if (args[i].ndim() == 0 || args[i].shape()[0] != comm.size())
      throw ShapeError("pmap", "argument ", i, " of type ", args[i].aval(), " needs a leading axis of ", comm.size(),
                       " entries, one per rank");
  auto per_rank = [&f](const Arrays& blocks) {
    Arrays mine;
    for (const Array& b : blocks) mine.push_back(b[0]);
    Arrays outs;
    for (const Array& y : f(mine)) outs.push_back(expand_dims(y, 0));
    return outs;
  };
  return shard_map_flat(per_rank, args, std::vector<BatchDim>(args.size(), 0), {OutSpec(0)}, axis_name, comm);
}

}  // namespace xjax::distributed
