// Collectives that move data between members: all_gather, psum_scatter (its transpose), all_to_all,
// ppermute, and axis_index, with all their rules.
#include "distributed/collective.hpp"

namespace xjax::distributed {

extern const Primitive& psum_p;

namespace {

// Output avals; n is the number of members of the axis.
ShapedArray gathered(const ShapedArray& x, const Params& params, std::int64_t n) {
  const bool tiled = params.get<bool>("tiled");
  const std::int64_t axis = params.get_int("axis");
  ShapedArray out = x;
  out.weak_type = false;
  if (tiled) out.shape[static_cast<std::size_t>(checked_axis("all_gather", axis, x.ndim(), x))] *= n;
  else if (axis < 0 || axis > x.ndim()) throw IndexError("all_gather", "axis ", axis, " out of range for ", x);
  else out.shape.insert(out.shape.begin() + axis, n);
  return out;
}

ShapedArray scattered(const ShapedArray& x, const Params& params, std::int64_t n) {
  const bool tiled = params.get<bool>("tiled");
  const auto dim = static_cast<std::size_t>(checked_axis("psum_scatter", params.get_int("scatter_dimension"), x.ndim(), x));
  if (x.dtype == bool_) throw DTypeError("psum_scatter", "cannot sum ", x);
  ShapedArray out = x;
  out.weak_type = false;
  if (tiled ? x.shape[dim] % n != 0 : x.shape[dim] != n)
    throw ShapeError("psum_scatter", "dimension ", dim, " of ", x, tiled ? " is not a multiple of " : " is not ",
                     "the axis size ", n);
  if (tiled) out.shape[dim] /= n;
  else out.shape.erase(out.shape.begin() + static_cast<std::ptrdiff_t>(dim));
  return out;
}

ShapedArray all_to_all_aval(const ShapedArray& x, const Params& params, std::int64_t n) {
  const auto split = static_cast<std::size_t>(checked_axis("all_to_all", params.get_int("split_axis"), x.ndim(), x));
  const auto concat = static_cast<std::size_t>(checked_axis("all_to_all", params.get_int("concat_axis"), x.ndim(), x));
  if (x.shape[split] % n != 0)
    throw ShapeError("all_to_all", "split axis ", split, " of ", x, " is not a multiple of the axis size ", n);
  ShapedArray out = x;
  out.weak_type = false;
  out.shape[split] /= n;
  out.shape[concat] *= n;
  return out;
}

// The (src, dst) pairs of a ppermute, flattened; every src and every dst at most once, all in range.
void check_perm(const Ints& perm, std::int64_t n) {
  if (perm.size() % 2 != 0) throw ValueError("ppermute", "perm must hold (source, destination) pairs");
  std::vector<bool> sent(static_cast<std::size_t>(n)), received(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < perm.size(); i += 2) {
    const std::int64_t s = perm[i], d = perm[i + 1];
    if (s < 0 || s >= n || d < 0 || d >= n)
      throw IndexError("ppermute", "pair (", s, ", ", d, ") is out of range for an axis of size ", n);
    if (sent[static_cast<std::size_t>(s)] || received[static_cast<std::size_t>(d)])
      throw ValueError("ppermute", "member ", sent[static_cast<std::size_t>(s)] ? s : d,
                       " appears twice as a source or twice as a destination");
    sent[static_cast<std::size_t>(s)] = received[static_cast<std::size_t>(d)] = true;
  }
}

Ints inverted(const Ints& perm) {
  Ints out(perm.size());
  for (std::size_t i = 0; i < perm.size(); i += 2) {
    out[i] = perm[i + 1];
    out[i + 1] = perm[i];
  }
  return out;
}

std::int64_t members(const Communicator::Impl& c, const Avals& out, const ShapedArray& expected, const char* op) {
  if (out[0].shape != expected.shape)
    throw DistributedError(op, "traced for ", out[0], " but the communicator's ", c.size, " ranks give ", expected);
  return c.size;
}

}  // namespace

extern const Primitive& all_gather_p;
extern const Primitive& psum_scatter_p;

const Primitive& all_gather_p = def_primitive(Primitive{
    .name = "all_gather",
    .shape = [](const Avals& in, const Params& params) -> Avals {
      return {gathered(in[0], params, axis_extent(params, "all_gather"))};
    },
    .eval = [](const Arrays& in, const Params& params, const Avals& out) -> Arrays {
      Communicator::Impl& c = comm_for(all_gather_p, params, in[0].aval());
      const std::int64_t n = members(c, out, gathered(in[0].aval(), params, c.size), "all_gather");
      const Shape& s = in[0].shape();
      const auto axis = static_cast<std::size_t>(params.get_int("axis"));
      const std::int64_t bytes = in[0].size() * static_cast<std::int64_t>(itemsize(in[0].dtype()));
      NewBuffer o = new_buffer(out[0]);
      const std::int64_t outer = prod(s, 0, axis);
      if (outer == 1) {
        allgather(c, "all_gather", buffer_of(in[0]).data(), o.data, bytes, {in[0], o.array});
        return {o.array};
      }
      NewBuffer stacked = new_buffer(ShapedArray{{n * in[0].size()}, in[0].dtype(), false});
      allgather(c, "all_gather", buffer_of(in[0]).data(), stacked.data, bytes, {in[0], stacked.array});
      swap_blocks(stacked.data, o.data, n, outer, outer == 0 ? 0 : bytes / outer);
      return {o.array};
    },
    .jvp = [](const Arrays&, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
      return {xjax::bind1(all_gather_p, {*t[0]}, params)};
    },
    .transpose = [](const Tangents& ct, const LinearArgs&, const Params& params) -> Tangents {
      if (!ct[0]) return {std::nullopt};
      Params q{{"scatter_dimension", params.get_int("axis")}, {"tiled", params.get<bool>("tiled")}};
      for (const char* key : {"axis_name", "comm"})
        if (params.contains(key)) q = q.with(key, params.at(key));
      return {xjax::bind1(psum_scatter_p, {*ct[0]}, q)};  // the cotangent of a gather is a reduce-scatter
    },
    .batch = [](const Primitive& p, const Arrays& v, const BatchDims& d, const Params& params) {
      return batch_front(p, v, d, params, {"axis"});
    },
    .collective_axis = axis_name_of,
    .collective_batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params,
                           const AxisFrame& frame) -> std::pair<Arrays, BatchDims> {
      // Over the vmap axis: every example sees the whole stack.
      const std::int64_t n = frame.size;
      const int axis = static_cast<int>(params.get_int("axis"));
      ShapedArray one = v[0].aval();
      if (d[0]) one.shape.erase(one.shape.begin() + *d[0]);
      ShapedArray out = gathered(one, params, n);
      Array stacked = moveaxis(move_batch_axis(v[0], d[0], 0, n), 0, axis);
      return {{reshape(stacked, out.shape)}, {std::nullopt}};
    },
});

const Primitive& psum_scatter_p = def_primitive(Primitive{
    .name = "psum_scatter",
    .shape = [](const Avals& in, const Params& params) -> Avals {
      return {scattered(in[0], params, axis_extent(params, "psum_scatter"))};
    },
    .eval = [](const Arrays& in, const Params& params, const Avals& out) -> Arrays {
      Communicator::Impl& c = comm_for(psum_scatter_p, params, in[0].aval());
      const std::int64_t n = members(c, out, scattered(in[0].aval(), params, c.size), "psum_scatter");
      const auto dim = static_cast<std::size_t>(params.get_int("scatter_dimension"));
      const std::int64_t outer = prod(in[0].shape(), 0, dim);
      const std::int64_t block = out[0].size() * static_cast<std::int64_t>(itemsize(in[0].dtype()));
      // Member i's part of every outer slice, contiguous: [outer][n][part] -> [n][outer][part].
      NewBuffer send = new_buffer(ShapedArray{{in[0].size()}, in[0].dtype(), false});
      swap_blocks(buffer_of(in[0]).data(), send.data, outer, n, outer == 0 ? 0 : block / outer);
      NewBuffer o = new_buffer(out[0]);
      reduce_scatter(c, "psum_scatter", in[0].dtype(), send.data, o.data, out[0].size(), {send.array, o.array});
      return {o.array};
    },
    .jvp = [](const Arrays&, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
      return {xjax::bind1(psum_scatter_p, {*t[0]}, params)};
    },
    .transpose = [](const Tangents& ct, const LinearArgs&, const Params& params) -> Tangents {
      if (!ct[0]) return {std::nullopt};
      Params q{{"axis", params.get_int("scatter_dimension")}, {"tiled", params.get<bool>("tiled")}};
      for (const char* key : {"axis_name", "comm"})
        if (params.contains(key)) q = q.with(key, params.at(key));
      return {xjax::bind1(all_gather_p, {*ct[0]}, q)};
    },
    .batch = [](const Primitive& p, const Arrays& v, const BatchDims& d, const Params& params) {
      return batch_front(p, v, d, params, {"scatter_dimension"});
    },
    .collective_axis = axis_name_of,
    .collective_batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params,
                           const AxisFrame& frame) -> std::pair<Arrays, BatchDims> {
      const std::int64_t n = frame.size;
      // Over the vmap axis: the sum over examples, example i keeping part i of scatter_dimension.
      const int dim = static_cast<int>(params.get_int("scatter_dimension"));
      ShapedArray one = v[0].aval();
      if (d[0]) one.shape.erase(one.shape.begin() + *d[0]);
      (void)scattered(one, params, n);
      Array total = astype(sum(move_batch_axis(v[0], d[0], 0, n), 0), v[0].dtype());
      Shape parts = total.shape();
      parts[static_cast<std::size_t>(dim)] = n;
      if (params.get<bool>("tiled"))
        parts.insert(parts.begin() + dim + 1, total.shape()[static_cast<std::size_t>(dim)] / n);
      return {{reshape(total, parts)}, {dim}};
    },
});

extern const Primitive& all_to_all_p;
const Primitive& all_to_all_p = def_primitive(Primitive{
    .name = "all_to_all",
    .shape = [](const Avals& in, const Params& params) -> Avals {
      return {all_to_all_aval(in[0], params, axis_extent(params, "all_to_all"))};
    },
    .eval = [](const Arrays& in, const Params& params, const Avals& out) -> Arrays {
      Communicator::Impl& c = comm_for(all_to_all_p, params, in[0].aval());
      const std::int64_t n = members(c, out, all_to_all_aval(in[0].aval(), params, c.size), "all_to_all");
      const auto split = static_cast<std::size_t>(params.get_int("split_axis"));
      const auto concat = static_cast<std::size_t>(params.get_int("concat_axis"));
      const std::int64_t bytes = in[0].size() * static_cast<std::int64_t>(itemsize(in[0].dtype()));
      const std::int64_t block = bytes / std::max<std::int64_t>(n, 1);  // what each member receives from one
      Shape part = in[0].shape();
      part[split] /= n;
      const std::int64_t outer_split = prod(in[0].shape(), 0, split), outer_concat = prod(part, 0, concat);
      NewBuffer send = new_buffer(ShapedArray{{in[0].size()}, in[0].dtype(), false});
      swap_blocks(buffer_of(in[0]).data(), send.data, outer_split, n, outer_split == 0 ? 0 : block / outer_split);
      NewBuffer recv = new_buffer(ShapedArray{{in[0].size()}, in[0].dtype(), false});
      alltoall(c, "all_to_all", send.data, recv.data, block, {send.array, recv.array});
      NewBuffer o = new_buffer(out[0]);
      swap_blocks(recv.data, o.data, n, outer_concat, outer_concat == 0 ? 0 : block / outer_concat);
      return {o.array};
    },
    .jvp = [](const Arrays&, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
      return {xjax::bind1(all_to_all_p, {*t[0]}, params)};
    },
    .transpose = [](const Tangents& ct, const LinearArgs&, const Params& params) -> Tangents {
      if (!ct[0]) return {std::nullopt};
      return {xjax::bind1(all_to_all_p, {*ct[0]},
                          params.with("split_axis", params.get_int("concat_axis"))
                              .with("concat_axis", params.get_int("split_axis")))};
    },
    .batch = [](const Primitive& p, const Arrays& v, const BatchDims& d, const Params& params) {
      return batch_front(p, v, d, params, {"split_axis", "concat_axis"});
    },
    .collective_axis = axis_name_of,
    .collective_batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params,
                           const AxisFrame& frame) -> std::pair<Arrays, BatchDims> {
      const std::int64_t n = frame.size;
      // Over the vmap axis: y[r, ...] is member r's x; example b receives block b of every member.
      const auto split = static_cast<int>(params.get_int("split_axis"));
      const auto concat = static_cast<int>(params.get_int("concat_axis"));
      Array y = move_batch_axis(v[0], d[0], 0, n);
      ShapedArray one = v[0].aval();
      if (d[0]) one.shape.erase(one.shape.begin() + *d[0]);
      ShapedArray out = all_to_all_aval(one, params, n);
      Shape blocks = y.shape();  // [r, ..., b, part, ...]
      blocks[static_cast<std::size_t>(split) + 1] /= n;
      blocks.insert(blocks.begin() + split + 1, n);
      Array by_dest = moveaxis(reshape(y, blocks), split + 1, 0);           // [b, r, ...part...]
      Array ordered = moveaxis(by_dest, 1, concat + 1);                      // r just before concat
      Shape final_shape = out.shape;
      final_shape.insert(final_shape.begin(), n);
      return {{reshape(ordered, final_shape)}, {0}};
    },
});

extern const Primitive& ppermute_p;
const Primitive& ppermute_p = def_primitive(Primitive{
    .name = "ppermute",
    .shape = [](const Avals& in, const Params& params) -> Avals {
      check_perm(params.get_ints("perm"), axis_extent(params, "ppermute"));
      return {in[0]};
    },
    .eval = [](const Arrays& in, const Params& params, const Avals& out) -> Arrays {
      Communicator::Impl& c = comm_for(ppermute_p, params, in[0].aval());
      const Ints& perm = params.get_ints("perm");
      check_perm(perm, c.size);
      std::vector<int> send_to, recv_from;
      for (std::size_t i = 0; i < perm.size(); i += 2) {
        if (perm[i] == c.rank) send_to.push_back(static_cast<int>(perm[i + 1]));
        if (perm[i + 1] == c.rank) recv_from.push_back(static_cast<int>(perm[i]));
      }
      NewBuffer o = new_buffer(out[0]);
      const std::int64_t bytes = in[0].size() * static_cast<std::int64_t>(itemsize(in[0].dtype()));
      if (recv_from.empty()) std::fill(o.data, o.data + bytes, std::byte{0});
      exchange(c, "ppermute", buffer_of(in[0]).data(), send_to, o.data, recv_from, bytes, {in[0], o.array});
      return {o.array};
    },
    .jvp = [](const Arrays&, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
      return {xjax::bind1(ppermute_p, {*t[0]}, params)};
    },
    .transpose = [](const Tangents& ct, const LinearArgs&, const Params& params) -> Tangents {
      if (!ct[0]) return {std::nullopt};
      return {xjax::bind1(ppermute_p, {*ct[0]}, params.with("perm", inverted(params.get_ints("perm"))))};
    },
    .batch = [](const Primitive& p, const Arrays& v, const BatchDims& d, const Params& params)
        -> std::pair<Arrays, BatchDims> { return {xjax::bind(p, v, params), {d[0]}}; },
    .collective_axis = axis_name_of,
    .collective_batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params,
                           const AxisFrame& frame) -> std::pair<Arrays, BatchDims> {
      const std::int64_t n = frame.size;
      const Ints& perm = params.get_ints("perm");
      check_perm(perm, n);
      Array y = move_batch_axis(v[0], d[0], 0, n);
      Arrays rows(static_cast<std::size_t>(n), zeros_like(y[0]));
      for (std::size_t i = 0; i < perm.size(); i += 2) rows[static_cast<std::size_t>(perm[i + 1])] = y[perm[i]];
      return {{stack(rows, 0)}, {0}};
    },
});

extern const Primitive& axis_index_p;
const Primitive& axis_index_p = def_primitive(Primitive{
    .name = "axis_index",
    .shape = [](const Avals&, const Params& params) -> Avals {
      (void)axis_name_of(params);
      return {ShapedArray{{}, int32, false}};
    },
    .eval = [](const Arrays&, const Params& params, const Avals&) -> Arrays {
      Communicator::Impl& c = comm_for(axis_index_p, params, ShapedArray{{}, int32, false});
      return {Array(c.rank)};
    },
    .collective_axis = axis_name_of,
    .collective_batch = [](const Primitive&, const Arrays&, const BatchDims&, const Params&,
                           const AxisFrame& frame) -> std::pair<Arrays, BatchDims> {
      return {{arange(static_cast<double>(frame.size), int32)}, {0}};
    },
});

Array all_gather(const Array& x, const std::string& axis_name, int axis, bool tiled) {
  return xjax::bind1(all_gather_p, {x},
                     collective_params("all_gather", axis_name, {{"axis", std::int64_t{axis}}, {"tiled", tiled}}));
}
Array psum_scatter(const Array& x, const std::string& axis_name, int scatter_dimension, bool tiled) {
  return xjax::bind1(psum_scatter_p, {x},
                     collective_params("psum_scatter", axis_name,
                                       {{"scatter_dimension", std::int64_t{scatter_dimension}}, {"tiled", tiled}}));
}
Array all_to_all(const Array& x, const std::string& axis_name, int split_axis, int concat_axis) {
  return xjax::bind1(all_to_all_p, {x},
                     collective_params("all_to_all", axis_name,
                                       {{"split_axis", std::int64_t{split_axis}}, {"concat_axis", std::int64_t{concat_axis}}}));
}
Array ppermute(const Array& x, const std::string& axis_name, const std::vector<std::pair<int, int>>& perm) {
  Ints flat;
  for (auto [s, d] : perm) flat.insert(flat.end(), {s, d});
  return xjax::bind1(ppermute_p, {x}, collective_params("ppermute", axis_name, {{"perm", flat}}));
}
Array axis_index(const std::string& axis_name) {
  return xjax::bind1(axis_index_p, {}, collective_params("axis_index", axis_name));
}

}  // namespace xjax::distributed
