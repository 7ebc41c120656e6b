// The scatter primitives (scatter, scatter_add, scatter_mul, scatter_min, scatter_max): functional
// updates along one axis, with their kernels and rules. Out-of-range indices are dropped.
#include <cstring>
#include <functional>

#include "primitives/elementwise.hpp"
#include "primitives/indexing.hpp"

namespace xjax {
namespace {

enum class Combine : std::uint8_t { set, add, mul, min, max };

// How an update meets the element already there (bool: add/max are "or", mul/min are "and").
template <Combine C, class T>
T combine(T old, T u) {
  if constexpr (C == Combine::set) {
    return u;
  } else if constexpr (std::is_same_v<T, bool>) {
    return (C == Combine::add || C == Combine::max) ? (old || u) : (old && u);
  } else if constexpr (C == Combine::add) {
    return int_op(old, u, std::plus<>{});  // integers wrap
  } else if constexpr (C == Combine::mul) {
    return int_op(old, u, std::multiplies<>{});
  } else if constexpr (is_complex_v<T>) {
    throw DTypeError("scatter", "min and max do not order complex values");
  } else {
    if constexpr (std::is_floating_point_v<T>)
      if (old != old || u != u) return old + u;  // NaN propagates, as in minimum/maximum
    return (C == Combine::min) == (u < old) ? u : old;
  }
}

int axis_param(const Params& params, int ndim) { return normalize_axis("scatter", params.get_int("axis"), ndim); }

// kinds: the operand dtypes the combination takes (min and max need an order: real dtypes only).
auto scatter_shape(const char* name, DTypes kinds) {
  return [name, kinds](const Avals& in, const Params& p) -> Avals {
    const ShapedArray &x = in[0], &idx = in[1], &upd = in[2];
    check_indices(name, idx);
    int axis = normalize_axis(name, p.get_int("axis"), x.ndim());
    if (upd.dtype != x.dtype) throw DTypeError(name, "updates ", upd, " must have the operand's dtype, ", x);
    check_dtype(name, kinds, x);
    Shape want = gathered_shape(x.shape, idx.shape, axis);
    if (upd.shape != want)
      throw ShapeError(name, "updates ", upd, " must have shape ", shape_str(want), " for operand ", x, " and indices ",
                       idx, " along axis ", axis);
    return {x};
  };
}

template <Combine C>
Arrays scatter_eval(const Arrays& in, const Params& p, const Avals& out) {
  const Array &x = in[0], &idx = in[1], &upd = in[2];
  AxisSplit s = split_at_axis(x.shape(), axis_param(p, x.ndim()));
  std::int64_t k = idx.size();
  NewBuffer o = new_buffer(out[0]);
  std::size_t bytes = static_cast<std::size_t>(x.size()) * itemsize(x.dtype());
  if (bytes) std::memcpy(o.data, buffer_of(x).data(), bytes);
  auto run = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* u = reinterpret_cast<const T*>(buffer_of(upd).data());
    dispatch_index(idx.dtype(), [&](auto it) {
      using I = typename decltype(it)::type;
      const I* ix = reinterpret_cast<const I*>(buffer_of(idx).data());
      for (std::int64_t a = 0; a < s.outer; ++a)
        for (std::int64_t b = 0; b < k; ++b) {  // in order, so the last duplicate wins a set
          std::int64_t j = static_cast<std::int64_t>(ix[b]);
          if (j < 0 || j >= s.n) continue;
          T* row = o.as<T>() + (a * s.n + j) * s.inner;
          const T* ur = u + (a * k + b) * s.inner;
          for (std::int64_t i = 0; i < s.inner; ++i) row[i] = combine<C>(row[i], ur[i]);
        }
    });
  };
  if (is_complex(x.dtype())) dispatch_complex(x.dtype(), run);
  else dispatch_dtype(x.dtype(), run);
  return {o.array};
}

// A mask of the indices' shape spread over the updates (indices occupy axes [axis, axis + ndim)).
Array over_updates(const Array& mask, const Shape& updates_shape, int axis) {
  Ints dims;
  for (int d = 0; d < mask.ndim(); ++d) dims.push_back(axis + d);
  return broadcast_in_dim(mask, updates_shape, dims);
}

// x where each update lands, shaped as the updates; zero for dropped updates.
Array landing(const Array& x, const Array& idx, int axis, const Shape& updates_shape) {
  std::int64_t n = x.shape()[static_cast<std::size_t>(axis)];
  if (n == 0) return zeros(updates_shape, x.dtype());
  Array valid = over_updates(valid_indices(idx, n), updates_shape, axis);
  return where(valid, lax::gather(x, idx, axis), zeros({}, x.dtype()));
}

// Which updates a scatter keeps (the last one at each index), as a mask of the indices' shape;
// dropped updates are never kept. Needs n > 0.
Array winners(const Array& idx, std::int64_t n) {
  Array ids = reshape(iota(int64, {idx.size()}, 0), idx.shape());
  Array last = lax::scatter(full({n}, -1, int64), idx, ids, 0);
  return lax::gather(last, idx, 0) == ids;
}

// ---- rules ----

Tangents scatter_jvp(const Arrays& x, const Tangents& t, const Arrays& y, const Params& p) {
  if (!is_inexact(y[0].dtype()) || (!t[0] && !t[2])) return {std::nullopt};
  return {lax::scatter(instantiate(t[0], x[0].aval()), x[1], instantiate(t[2], x[2].aval()),
                       axis_param(p, x[0].ndim()))};
}

// Linear in (operand, updates) jointly: the operand keeps the cotangent of the slots nothing
// wrote; each kept update takes the cotangent of its slot, overwritten ones get zero.
Tangents scatter_transpose(const Tangents& ct, const LinearArgs& a, const Params& p) {
  if (!ct[0]) return {std::nullopt, std::nullopt, std::nullopt};
  const Array& idx = *a[1].value;
  int axis = axis_param(p, a[0].aval.ndim());
  const ShapedArray& ua = a[2].aval;
  Tangent c_x, c_u;
  if (a[0].is_linear()) c_x = lax::scatter(*ct[0], idx, zeros_for(ua), axis);
  if (a[2].is_linear()) {
    std::int64_t n = a[0].aval.shape[static_cast<std::size_t>(axis)];
    c_u = n == 0 ? zeros_for(ua)
                 : where(over_updates(winners(idx, n), ua.shape, axis), lax::gather(*ct[0], idx, axis),
                         zeros({}, ua.dtype));
  }
  return {c_x, std::nullopt, c_u};
}

Tangents scatter_add_jvp(const Arrays& x, const Tangents& t, const Arrays& y, const Params& p) {
  if (!is_inexact(y[0].dtype()) || (!t[0] && !t[2])) return {std::nullopt};
  return {lax::scatter_add(instantiate(t[0], x[0].aval()), x[1], instantiate(t[2], x[2].aval()),
                           axis_param(p, x[0].ndim()))};
}

Tangents scatter_add_transpose(const Tangents& ct, const LinearArgs& a, const Params& p) {
  if (!ct[0]) return {std::nullopt, std::nullopt, std::nullopt};
  int axis = axis_param(p, a[0].aval.ndim());
  Tangent c_u;
  if (a[2].is_linear()) c_u = landing(*ct[0], *a[1].value, axis, a[2].aval.shape);
  return {a[0].is_linear() ? ct[0] : std::nullopt, std::nullopt, c_u};
}

// out = x * P with P the product of the updates landing on each slot. d/du_j is x times the
// product of the *other* updates at u_j's slot, exact with duplicates and zeros: the product of
// the non-zero ones divided by u_j, or zero when another of them is zero.
Tangents scatter_mul_jvp(const Arrays& x, const Tangents& t, const Arrays& y, const Params& p) {
  if (!is_inexact(y[0].dtype())) return {std::nullopt};
  const Array &op = x[0], &idx = x[1], &u = x[2];
  int axis = axis_param(p, op.ndim());
  Tangent r;
  if (t[0]) r = *t[0] * lax::scatter_mul(ones_like(op), idx, u, axis);
  if (t[2]) {
    Array is_zero = (u == 0).astype(u.dtype());
    Array nonzero = where(u == 0, ones_like(u), u);
    Array zeros_at = landing(lax::scatter_add(zeros_like(op), idx, is_zero, axis), idx, axis, u.shape());
    Array product_at = landing(lax::scatter_mul(ones_like(op), idx, nonzero, axis), idx, axis, u.shape());
    Array others = where(zeros_at - is_zero == 0, product_at / nonzero, zeros_like(u));
    r = add_tangents(r, op * lax::scatter_add(zeros_like(op), idx, *t[2] * others, axis));
  }
  return {r};
}

// min/max: ties share the derivative evenly between x's element (when it equals the result) and
// every update equal to the result, as JAX does.
Tangents scatter_extremum_jvp(const Arrays& x, const Tangents& t, const Arrays& y, const Params& p) {
  if (!is_inexact(y[0].dtype()) || (!t[0] && !t[2])) return {std::nullopt};
  const Array &op = x[0], &idx = x[1], &u = x[2], &out = y[0];
  int axis = axis_param(p, op.ndim());
  std::int64_t n = op.shape()[static_cast<std::size_t>(axis)];
  Array won = n == 0 ? zeros_like(u)
                     : (over_updates(valid_indices(idx, n), u.shape(), axis) & (u == lax::gather(out, idx, axis)))
                           .astype(u.dtype());
  Array kept = (op == out).astype(op.dtype());
  Array count = kept + lax::scatter_add(zeros_like(op), idx, won, axis);
  count = where(count == 0, ones_like(count), count);  // NaN results: no contributor, zero tangent
  Tangent r;
  if (t[0]) r = *t[0] * kept;
  if (t[2]) r = add_tangents(r, lax::scatter_add(zeros_for(op.aval()), idx, *t[2] * won, axis));
  return {*r / count};
}

std::pair<Arrays, BatchDims> scatter_batch(const Primitive& p, const Arrays& v, const BatchDims& d,
                                           const Params& params) {
  std::int64_t size = batch_size(v, d);
  int axis = axis_param(params, v[0].ndim() - (d[0] ? 1 : 0));
  if (!d[1]) {  // one index set for every example: update one axis further in
    Array x = move_batch_axis(v[0], d[0], 0, size), u = move_batch_axis(v[2], d[2], 0, size);
    return {xjax::bind(p, {x, v[1], u}, params.with("axis", std::int64_t{axis + 1})), {0}};
  }
  // Per-example indices: put the batch beside the updated axis, merge the two, and offset example
  // b's indices by b * n (dropped ones stay dropped), so each example updates only its own rows.
  Array x = move_batch_axis(v[0], d[0], axis, size);
  Shape merged = x.shape();
  std::int64_t n = merged[static_cast<std::size_t>(axis) + 1];
  merged[static_cast<std::size_t>(axis)] = shape_size({size, n});
  merged.erase(merged.begin() + axis + 1);
  Array idx = move_batch_axis(v[1], d[1], 0, size);
  Array flat = where(valid_indices(idx, n), idx.astype(int64) + iota(int64, idx.shape(), 0) * n, -1);
  Array u = move_batch_axis(v[2], d[2], axis, size);
  Array r = xjax::bind1(p, {reshape(x, merged), flat, u}, params.with("axis", std::int64_t{axis}));
  return {{reshape(r, x.shape())}, {axis}};
}

const Primitive& scatter_primitive(const char* name, DTypes kinds, decltype(Primitive::eval) eval,
                                   decltype(Primitive::jvp) jvp, decltype(Primitive::transpose) transpose = nullptr) {
  return def_primitive({.name = name,
                        .arity = 3,
                        .shape = scatter_shape(name, kinds),
                        .eval = std::move(eval),
                        .jvp = std::move(jvp),
                        .transpose = std::move(transpose),
                        .batch = scatter_batch});
}

const Primitive& scatter_p =
    scatter_primitive("scatter", DTypes::anything, scatter_eval<Combine::set>, scatter_jvp, scatter_transpose);
const Primitive& scatter_add_p = scatter_primitive("scatter_add", DTypes::anything, scatter_eval<Combine::add>,
                                                   scatter_add_jvp, scatter_add_transpose);
const Primitive& scatter_mul_p =
    scatter_primitive("scatter_mul", DTypes::anything, scatter_eval<Combine::mul>, scatter_mul_jvp);
const Primitive& scatter_min_p =
    scatter_primitive("scatter_min", DTypes::any, scatter_eval<Combine::min>, scatter_extremum_jvp);
const Primitive& scatter_max_p =
    scatter_primitive("scatter_max", DTypes::any, scatter_eval<Combine::max>, scatter_extremum_jvp);

Array bind_scatter(const Primitive& p, const Array& x, const Array& indices, const Array& updates, int axis) {
  return bind1(p, {x, indices, updates}, {{"axis", std::int64_t{normalize_axis(p.name.c_str(), axis, x.ndim())}}});
}

}  // namespace

Array lax::scatter(const Array& x, const Array& i, const Array& u, int axis) { return bind_scatter(scatter_p, x, i, u, axis); }
Array lax::scatter_add(const Array& x, const Array& i, const Array& u, int axis) {
  return bind_scatter(scatter_add_p, x, i, u, axis);
}
Array lax::scatter_mul(const Array& x, const Array& i, const Array& u, int axis) {
  return bind_scatter(scatter_mul_p, x, i, u, axis);
}
Array lax::scatter_min(const Array& x, const Array& i, const Array& u, int axis) {
  return bind_scatter(scatter_min_p, x, i, u, axis);
}
Array lax::scatter_max(const Array& x, const Array& i, const Array& u, int axis) {
  return bind_scatter(scatter_max_p, x, i, u, axis);
}

}  // namespace xjax
