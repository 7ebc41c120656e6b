// Windows at data-dependent offsets (dynamic_slice, dynamic_update_slice) with all their rules,
// and their wrappers. Start indices are clamped so the window fits, as in JAX.
#include <algorithm>
#include <cstring>

#include "kernels/copy.hpp"
#include "kernels/dispatch.hpp"
#include "primitives/shape.hpp"

namespace xjax {
namespace {

using kernels::CopyDim;

void check_indices(const char* op, const Avals& in, std::size_t first, const ShapedArray& x) {
  if (in.size() - first != static_cast<std::size_t>(x.ndim()))
    throw ShapeError(op, "needs one start index per axis of ", x, ", got ", in.size() - first);
  for (std::size_t i = first; i < in.size(); ++i) {
    if (in[i].ndim() != 0) throw ShapeError(op, "start indices must be 0-d, got ", in[i]);
    if (!is_integer(in[i].dtype)) throw DTypeError(op, "start indices must be integers, got ", in[i]);
  }
}

// Where a window of extent w starts along an axis of extent n, from the concrete 0-d index.
std::int64_t clamped_start(const Array& index, std::int64_t n, std::int64_t w) {
  const std::byte* p = buffer_of(index).data();
  std::int64_t v = dispatch_dtype(index.dtype(), [&](auto tag) -> std::int64_t {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) return static_cast<std::int64_t>(*reinterpret_cast<const T*>(p));
    else throw DTypeError("dynamic_slice", "start indices must be integers");
  });
  return std::clamp<std::int64_t>(v, 0, n - w);
}

// The copy of a window: its dims (strides of the whole array on one side, of the window on the
// other) and where it starts in the whole array.
std::pair<std::vector<CopyDim>, std::int64_t> window(const Shape& whole, const Shape& win, const Arrays& indices,
                                                     bool whole_is_src) {
  Ints ws = kernels::row_major_strides(whole), ns = kernels::row_major_strides(win);
  std::vector<CopyDim> dims;
  std::int64_t offset = 0;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    offset += clamped_start(indices[i], whole[i], win[i]) * ws[i];
    dims.push_back(whole_is_src ? CopyDim{win[i], ws[i], ns[i]} : CopyDim{win[i], ns[i], ws[i]});
  }
  return {dims, offset};
}

Arrays tail(const Arrays& v, std::size_t first) { return Arrays(v.begin() + static_cast<std::ptrdiff_t>(first), v.end()); }

// ---- batching with batched start indices, gather-free: one-hot masks built from iota ----

// m[b, j, p] = (p == start[b] + j) for a window of extent w along an axis of extent n; start is [B].
Array window_onehot(const Array& start, std::int64_t w, std::int64_t n) {
  std::int64_t b = start.shape()[0];
  return iota(int64, {b, w, n}, 2) == lax::reshape(start, {b, 1, 1}) + iota(int64, {b, w, n}, 1);
}

// The window start as int64 [B], clamped as the kernels clamp; `index` is 0-d or [B].
Array batched_start(const Array& index, std::int64_t batch, std::int64_t n, std::int64_t w) {
  Array s = clip(index.astype(int64), std::int64_t{0}, n - w);
  return s.ndim() == 0 ? broadcast_to(s, {batch}) : s;
}

// y[b, .., j, ..] = x[b, .., start[b] + j, ..] along `axis` of x = [B, ...].
Array take_window(const Array& x, int axis, const Array& start, std::int64_t w) {
  std::int64_t n = x.shape()[static_cast<std::size_t>(axis)];
  Shape s = x.shape(), xe = x.shape();
  s.insert(s.begin() + axis, w);  // [B, .., w, n, ..]
  xe.insert(xe.begin() + axis, 1);
  Array m = broadcast_in_dim(window_onehot(start, w, n), s, {0, axis, axis + 1});
  Array picked = where(m, lax::reshape(x, xe), zeros({}, x.dtype()));
  return sum(picked, axis + 1).astype(x.dtype());  // exactly one term per sum: exact for every dtype
}

// y[b, .., p, ..] = u[b, .., p - start[b], ..] inside the window along `axis`, 0 outside; extent n.
Array place_window(const Array& u, int axis, const Array& start, std::int64_t n) {
  std::int64_t w = u.shape()[static_cast<std::size_t>(axis)];
  Shape s = u.shape(), ue = u.shape();
  s.insert(s.begin() + axis + 1, n);  // [B, .., w, n, ..]
  ue.insert(ue.begin() + axis + 1, 1);
  Array m = broadcast_in_dim(window_onehot(start, w, n), s, {0, axis, axis + 1});
  Array placed = where(m, lax::reshape(u, ue), zeros({}, u.dtype()));
  return sum(placed, axis).astype(u.dtype());
}

const Primitive& dynamic_slice_p = []() -> const Primitive& {
  Primitive p{.name = "dynamic_slice", .shape = [](const Avals& in, const Params& params) -> Avals {
                if (in.empty()) throw ValueError("dynamic_slice", "needs an operand");
                const ShapedArray& x = in[0];
                check_indices("dynamic_slice", in, 1, x);
                const Shape& sizes = params.get_ints("slice_sizes");
                if (sizes.size() != static_cast<std::size_t>(x.ndim()))
                  throw ShapeError("dynamic_slice", "slice_sizes ", shape_str(sizes), " need one entry per axis of ", x);
                for (std::size_t i = 0; i < sizes.size(); ++i)
                  if (sizes[i] < 0 || sizes[i] > x.shape[i])
                    throw ShapeError("dynamic_slice", "slice_sizes ", shape_str(sizes), " do not fit in ", x);
                return {ShapedArray{sizes, x.dtype, x.weak_type}};
              }};
  p.eval = [](const Arrays& in, const Params&, const Avals& out) -> Arrays {
    if (out[0].size() == 0) return {view_as(in[0], out[0])};
    auto [dims, offset] = window(in[0].shape(), out[0].shape, tail(in, 1), true);
    std::size_t item = itemsize(out[0].dtype);
    NewBuffer o = new_buffer(out[0]);
    kernels::strided_copy(std::move(dims), item, buffer_of(in[0]).data() + offset * static_cast<std::int64_t>(item), o.data);
    return {o.array};
  };
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays& out, const Params& params) -> Tangents {
    if (!differentiable(out[0].aval()) || !t[0]) return {std::nullopt};
    return {lax::dynamic_slice(*t[0], tail(x, 1), params.get_ints("slice_sizes"))};
  };
  p.transpose = [](const Tangents& ct, const LinearArgs& a, const Params&) -> Tangents {
    Tangents out(a.size());
    if (!ct[0]) return out;
    Arrays indices;
    for (std::size_t i = 1; i < a.size(); ++i) indices.push_back(*a[i].value);
    out[0] = lax::dynamic_update_slice(zeros_for(a[0].aval), *ct[0], indices);
    return out;
  };
  // Unbatched indices: the batch axis is one more axis sliced whole. Batched indices: slice the
  // other axes, then pick each batched axis's window with one-hot masks.
  p.batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params) {
    const Shape& sizes = params.get_ints("slice_sizes");
    std::int64_t n = batch_size(v, d);
    Array zero(std::int64_t{0});
    if (std::all_of(d.begin() + 1, d.end(), [](const BatchDim& b) { return !b; })) {
      int b = *d[0];
      Arrays idx = tail(v, 1);
      idx.insert(idx.begin() + b, zero);
      Shape s = sizes;
      s.insert(s.begin() + b, n);
      return std::pair{Arrays{lax::dynamic_slice(v[0], idx, s)}, BatchDims{b}};
    }
    Array x = move_batch_axis(v[0], d[0], 0, n);
    Arrays idx{zero};
    Shape s{n};
    for (std::size_t k = 1; k < v.size(); ++k) {
      idx.push_back(d[k] ? zero : v[k]);
      s.push_back(d[k] ? x.shape()[k] : sizes[k - 1]);
    }
    Array y = lax::dynamic_slice(x, idx, s);
    for (std::size_t k = 1; k < v.size(); ++k)
      if (d[k]) y = take_window(y, static_cast<int>(k), batched_start(v[k], n, x.shape()[k], sizes[k - 1]), sizes[k - 1]);
    return std::pair{Arrays{y}, BatchDims{0}};
  };
  return def_primitive(std::move(p));
}();

const Primitive& dynamic_update_slice_p = []() -> const Primitive& {
  Primitive p{.name = "dynamic_update_slice", .shape = [](const Avals& in, const Params&) -> Avals {
                if (in.size() < 2) throw ValueError("dynamic_update_slice", "needs an operand and an update");
                const ShapedArray &x = in[0], &u = in[1];
                if (u.dtype != x.dtype) throw DTypeError("dynamic_update_slice", "update ", u, " does not match operand ", x);
                bool fits = u.ndim() == x.ndim();
                for (int i = 0; fits && i < x.ndim(); ++i) fits = u.shape[static_cast<std::size_t>(i)] <= x.shape[static_cast<std::size_t>(i)];
                if (!fits) throw ShapeError("dynamic_update_slice", "update ", u, " does not fit in operand ", x);
                check_indices("dynamic_update_slice", in, 2, x);
                return {x};
              }};
  p.eval = [](const Arrays& in, const Params&, const Avals& out) -> Arrays {
    std::size_t item = itemsize(out[0].dtype);
    NewBuffer o = new_buffer(out[0]);
    if (out[0].size() > 0) std::memcpy(o.data, buffer_of(in[0]).data(), static_cast<std::size_t>(out[0].size()) * item);
    if (in[1].size() == 0) return {o.array};
    auto [dims, offset] = window(out[0].shape, in[1].shape(), tail(in, 2), false);
    kernels::strided_copy(std::move(dims), item, buffer_of(in[1]).data(), o.data + offset * static_cast<std::int64_t>(item));
    return {o.array};
  };
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays& out, const Params&) -> Tangents {
    if (!differentiable(out[0].aval()) || (!t[0] && !t[1])) return {std::nullopt};
    return {lax::dynamic_update_slice(instantiate(t[0], x[0].aval()), instantiate(t[1], x[1].aval()), tail(x, 2))};
  };
  p.transpose = [](const Tangents& ct, const LinearArgs& a, const Params&) -> Tangents {
    Tangents out(a.size());
    if (!ct[0]) return out;
    Arrays indices;
    for (std::size_t i = 2; i < a.size(); ++i) indices.push_back(*a[i].value);
    if (a[0].is_linear()) out[0] = lax::dynamic_update_slice(*ct[0], zeros_for(a[1].aval), indices);
    if (a[1].is_linear()) out[1] = lax::dynamic_slice(*ct[0], indices, a[1].aval.shape);
    return out;
  };
  // Unbatched indices: operand and update share a batch axis, updated whole. Batched indices: the
  // update is placed per example with one-hot masks and selected inside the window's region.
  p.batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params&) {
    std::int64_t n = batch_size(v, d);
    Array zero(std::int64_t{0});
    if (std::all_of(d.begin() + 2, d.end(), [](const BatchDim& b) { return !b; })) {
      int b = d[0] ? *d[0] : *d[1];
      Arrays idx = tail(v, 2);
      idx.insert(idx.begin() + b, zero);
      return std::pair{Arrays{lax::dynamic_update_slice(move_batch_axis(v[0], d[0], b, n), move_batch_axis(v[1], d[1], b, n), idx)},
                       BatchDims{b}};
    }
    Array x = move_batch_axis(v[0], d[0], 0, n), u = move_batch_axis(v[1], d[1], 0, n);
    Array region = ones(x.shape(), bool_);
    for (std::size_t k = 1; k < x.shape().size(); ++k) {
      std::int64_t e = x.shape()[k], w = u.shape()[k];
      Array start = batched_start(v[k + 1], n, e, w);
      u = place_window(u, static_cast<int>(k), start, e);
      Array pos = iota(int64, {n, e}, 1), s = lax::reshape(start, {n, 1});
      Array inside = logical_and(pos >= s, pos < s + w);
      region = logical_and(region, broadcast_in_dim(inside, x.shape(), {0, static_cast<std::int64_t>(k)}));
    }
    return std::pair{Arrays{where(region, u, x)}, BatchDims{0}};
  };
  return def_primitive(std::move(p));
}();

// JAX's index convention: a negative start counts from the end (the primitive then clamps).
Array wrap_index(const char* op, const Array& i, std::int64_t n) {
  if (i.ndim() != 0) throw ShapeError(op, "start indices must be 0-d, got ", i.aval());
  if (!is_integer(i.dtype())) throw DTypeError(op, "start indices must be integers, got ", i.aval());
  if (i.dtype() == uint32) return i;
  if (!i.is_tracer()) {
    auto v = i.item<std::int64_t>();
    return v < 0 ? Array(v + n) : i;
  }
  return where(i < 0, i + n, i);
}

Arrays wrap_indices(const char* op, const Array& x, const std::vector<Array>& start) {
  if (start.size() != static_cast<std::size_t>(x.ndim()))
    throw ShapeError(op, "needs one start index per axis of ", x.aval(), ", got ", start.size());
  Arrays out;
  for (std::size_t i = 0; i < start.size(); ++i) out.push_back(wrap_index(op, start[i], x.shape()[i]));
  return out;
}

}  // namespace

Array lax::dynamic_slice(const Array& x, const Arrays& start, const Ints& sizes) {
  Arrays in{x};
  in.insert(in.end(), start.begin(), start.end());
  return bind1(dynamic_slice_p, in, {{"slice_sizes", sizes}});
}
Array lax::dynamic_update_slice(const Array& x, const Array& update, const Arrays& start) {
  Arrays in{x, update};
  in.insert(in.end(), start.begin(), start.end());
  return bind1(dynamic_update_slice_p, in);
}

Array dynamic_slice(const Array& x, const std::vector<Array>& start, const Ints& sizes) {
  return lax::dynamic_slice(x, wrap_indices("dynamic_slice", x, start), sizes);
}

Array dynamic_update_slice(const Array& x, const Array& update, const std::vector<Array>& start) {
  Array u = update.weak_type() && update.dtype() != x.dtype() ? convert(update, x.dtype(), false) : update;
  return lax::dynamic_update_slice(x, u, wrap_indices("dynamic_update_slice", x, start));
}

}  // namespace xjax
