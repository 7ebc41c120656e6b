// Collective helpers (params, axis sizes, communicators, block moves) and the reductions psum and
// pmax with all their rules.
#include "distributed/collective.hpp"

#include <cstring>

namespace xjax::distributed {

Params collective_params(const char* op, const std::string& axis_name, const Params& extra) {
  if (axis_name.empty()) throw ValueError(op, "the axis name is empty");
  Params p = extra.with("axis_name", axis_name);
  if (auto comm = bound_comm(axis_name)) p = p.with("comm", std::shared_ptr<const OpaqueParam>(comm));
  return p;
}

const std::string& axis_name_of(const Params& params) { return params.get<std::string>("axis_name"); }

namespace {
std::shared_ptr<const Communicator::Impl> comm_param(const Params& params) {
  if (!params.contains("comm")) return nullptr;
  return std::dynamic_pointer_cast<const Communicator::Impl>(params.get<std::shared_ptr<const OpaqueParam>>("comm"));
}

[[noreturn]] void unbound(const char* op, const std::string& name) {
  require_initialized(op);
  throw DistributedError(op, "no vmap axis or communicator is named '", name,
                         "': use the name given to init(), shard_map, pmap or vmap(..., {.axis_name = ...})");
}

// A deterministic code for the collective and its params (never pointers: ranks must agree on it).
std::int64_t op_code(const Primitive& p, const Params& params) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 1099511628211ULL; };
  for (char ch : p.name) mix(static_cast<unsigned char>(ch));
  for (const auto& [key, value] : params.items()) {
    for (char ch : key) mix(static_cast<unsigned char>(ch));
    if (const auto* i = std::get_if<std::int64_t>(&value)) mix(static_cast<std::uint64_t>(*i));
    if (const auto* b = std::get_if<bool>(&value)) mix(*b ? 2 : 1);
    if (const auto* v = std::get_if<Ints>(&value))
      for (std::int64_t i : *v) mix(static_cast<std::uint64_t>(i));
  }
  return static_cast<std::int64_t>(h >> 1);
}
}  // namespace

std::int64_t axis_extent(const Params& params, const char* op) {
  const std::string& name = axis_name_of(params);
  if (auto n = vmap_axis_size(name)) return *n;
  if (auto c = comm_param(params)) return c->size;
  unbound(op, name);
}

Communicator::Impl& comm_for(const Primitive& p, const Params& params, const ShapedArray& aval) {
  const char* op = p.name.c_str();
  require_initialized(op);
  auto c = comm_param(params);
  if (!c) unbound(op, axis_name_of(params));
  auto& comm = const_cast<Communicator::Impl&>(*c);  // MPI calls take non-const handles
  if (comm.broken) throw DistributedError(op, "this communicator is unusable: an earlier collective on it timed out");
  check_agreement(comm, op, Header{op_code(p, params), aval});
  return comm;
}

void swap_blocks(const std::byte* src, std::byte* dst, std::int64_t a, std::int64_t b, std::int64_t block) {
  if (block == 0) return;
  for (std::int64_t i = 0; i < a; ++i)
    for (std::int64_t j = 0; j < b; ++j)
      std::memcpy(dst + (j * a + i) * block, src + (i * b + j) * block, static_cast<std::size_t>(block));
}

std::int64_t prod(const Shape& s, std::size_t from, std::size_t to) {
  std::int64_t n = 1;
  for (std::size_t i = from; i < to && i < s.size(); ++i) n *= s[i];
  return n;
}

int checked_axis(const char* op, std::int64_t axis, std::int64_t ndim, const ShapedArray& x) {
  if (axis < 0 || axis >= ndim) throw IndexError(op, "axis ", axis, " out of range for ", x);
  return static_cast<int>(axis);
}

std::pair<Arrays, BatchDims> batch_front(const Primitive& p, const Arrays& vals, const BatchDims& dims,
                                         const Params& params, std::initializer_list<const char*> axis_params) {
  Params q = params;
  for (const char* key : axis_params) q = q.with(key, params.get_int(key) + 1);
  return {xjax::bind(p, {move_batch_axis(vals[0], dims[0], 0, vals[0].shape()[static_cast<std::size_t>(*dims[0])])}, q),
          {0}};
}

namespace {

// Reductions over the axis: on ranks through MPI, over a named vmap's axis with a reduction op
// (collective_batch); under a vmap of another axis each example reduces across ranks (batch).
std::pair<Arrays, BatchDims> per_example(const Primitive& p, const Arrays& v, const BatchDims& d, const Params& params) {
  return {xjax::bind(p, v, params), {d[0]}};
}
template <class Reduce>
std::pair<Arrays, BatchDims> reduce_over_axis(const Arrays& v, const BatchDims& d, const AxisFrame& frame, Reduce reduce) {
  return {{astype(reduce(move_batch_axis(v[0], d[0], 0, frame.size)), v[0].dtype())}, {std::nullopt}};
}

Arrays reduce_eval(const Primitive& p, MPI_Op op, const Arrays& in, const Params& params, const Avals& out) {
  Communicator::Impl& c = comm_for(p, params, in[0].aval());
  NewBuffer o = new_buffer(out[0]);
  allreduce(c, p.name.c_str(), op, in[0].dtype(), buffer_of(in[0]).data(), o.data, in[0].size(), {in[0], o.array});
  return {o.array};
}

}  // namespace

extern const Primitive& psum_p;
const Primitive& psum_p = def_primitive(Primitive{
    .name = "psum",
    .shape = [](const Avals& in, const Params& params) -> Avals {
      if (in[0].dtype == bool_) throw DTypeError("psum", "cannot sum ", in[0], ": convert booleans to a number first");
      (void)axis_name_of(params);
      return {in[0]};
    },
    .eval = [](const Arrays& in, const Params& params, const Avals& out) {
      return reduce_eval(psum_p, MPI_SUM, in, params, out);
    },
    .jvp = [](const Arrays&, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
      return {xjax::bind1(psum_p, {*t[0]}, params)};
    },
    .transpose = [](const Tangents& ct, const LinearArgs&, const Params& params) -> Tangents {
      if (!ct[0]) return {std::nullopt};
      return {xjax::bind1(psum_p, {*ct[0]}, params)};  // as pmap: the cotangent of a sum is summed
    },
    .batch = per_example,
    .collective_axis = axis_name_of,
    .collective_batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params&, const AxisFrame& frame) {
      return reduce_over_axis(v, d, frame, [](const Array& x) { return sum(x, {0}); });
    },
});

extern const Primitive& pmax_p;
const Primitive& pmax_p = def_primitive(Primitive{
    .name = "pmax",
    .shape = [](const Avals& in, const Params& params) -> Avals {
      if (in[0].dtype == bool_) throw DTypeError("pmax", "no maximum of ", in[0]);
      (void)axis_name_of(params);
      return {in[0]};
    },
    .eval = [](const Arrays& in, const Params& params, const Avals& out) {
      return reduce_eval(pmax_p, MPI_MAX, in, params, out);
    },
    // The tangent of the members holding the maximum, averaged over ties (as reduce max).
    .jvp = [](const Arrays& x, const Tangents& t, const Arrays& y, const Params& params) -> Tangents {
      if (!is_floating(x[0].dtype())) return {std::nullopt};
      Array at_max = astype(equal(x[0], y[0]), x[0].dtype());
      Array ties = xjax::bind1(psum_p, {at_max}, params);
      return {xjax::bind1(psum_p, {*t[0] * at_max}, params) / ties};
    },
    .batch = per_example,
    .collective_axis = axis_name_of,
    .collective_batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params&, const AxisFrame& frame) {
      return reduce_over_axis(v, d, frame, [](const Array& x) { return max(x, {0}); });
    },
});

Array psum(const Array& x, const std::string& axis_name) {
  return xjax::bind1(psum_p, {x}, collective_params("psum", axis_name));
}
Array pmax(const Array& x, const std::string& axis_name) {
  return xjax::bind1(pmax_p, {x}, collective_params("pmax", axis_name));
}

std::int64_t axis_size(const std::string& axis_name) {
  return axis_extent(collective_params("axis_size", axis_name), "axis_size");
}

Array pmean(const Array& x, const std::string& axis_name) {
  const std::int64_t n = axis_size(axis_name);
  Array total = psum(x, axis_name);
  return is_floating(total.dtype()) ? total / static_cast<double>(n) : astype(total, float32) / static_cast<double>(n);
}

}  // namespace xjax::distributed
