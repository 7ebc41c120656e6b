// The gather primitives, gather (take along one axis) and take_along_axis, with their kernels and
// rules. Indices are clamped into range, as XLA's gather (and so JAX's indexing) does.
#include <algorithm>
#include <limits>

#include "primitives/indexing.hpp"

namespace xjax {

Array clamp_indices(const Array& indices, std::int64_t n) {
  Array r = is_signed(indices.dtype()) ? maximum(indices, 0) : indices;
  return n - 1 < index_max(indices.dtype()) ? minimum(r, n - 1) : r;
}

Array valid_indices(const Array& indices, std::int64_t n) {
  Array r = indices >= 0;
  return n <= index_max(indices.dtype()) ? r & (indices < n) : r;
}

namespace {

int axis_param(const char* op, const Params& p, int ndim) { return normalize_axis(op, p.get_int("axis"), ndim); }

void check_axis_not_empty(const char* op, const ShapedArray& x, int axis, const ShapedArray& indices) {
  if (x.shape[static_cast<std::size_t>(axis)] == 0 && indices.size() > 0)
    throw IndexError(op, "cannot index axis ", axis, " of extent 0 of ", x, " with indices ", indices);
}

// ---- gather ----

Avals gather_shape(const Avals& in, const Params& p) {
  const ShapedArray &x = in[0], &idx = in[1];
  check_indices("gather", idx);
  int axis = axis_param("gather", p, x.ndim());
  check_axis_not_empty("gather", x, axis, idx);
  return {ShapedArray{gathered_shape(x.shape, idx.shape, axis), x.dtype, x.weak_type}};
}

Arrays gather_eval(const Arrays& in, const Params& p, const Avals& out) {
  const Array &x = in[0], &idx = in[1];
  AxisSplit s = split_at_axis(x.shape(), axis_param("gather", p, x.ndim()));
  std::int64_t k = idx.size();
  NewBuffer o = new_buffer(out[0]);
  dispatch_bits(x.dtype(), [&](auto e) {
    using E = typename decltype(e)::type;
    const E* src = reinterpret_cast<const E*>(buffer_of(x).data());
    dispatch_index(idx.dtype(), [&](auto t) {
      using I = typename decltype(t)::type;
      const I* ix = reinterpret_cast<const I*>(buffer_of(idx).data());
      for (std::int64_t a = 0; a < s.outer; ++a)
        for (std::int64_t b = 0; b < k; ++b) {  // k > 0 implies n > 0 (shape rule)
          std::int64_t j = std::clamp<std::int64_t>(static_cast<std::int64_t>(ix[b]), 0, s.n - 1);
          std::copy_n(src + (a * s.n + j) * s.inner, s.inner, o.as<E>() + (a * k + b) * s.inner);
        }
    });
  });
  return {o.array};
}

Tangents gather_jvp(const Arrays& x, const Tangents& t, const Arrays&, const Params& p) {
  if (!t[0]) return {std::nullopt};
  return {lax::gather(*t[0], x[1], axis_param("gather", p, x[0].ndim()))};
}

Tangents gather_transpose(const Tangents& ct, const LinearArgs& a, const Params& p) {
  if (!ct[0] || !a[0].is_linear()) return {std::nullopt, std::nullopt};
  int axis = axis_param("gather", p, a[0].aval.ndim());
  // The gather read clamped slots; the cotangent flows back to those same slots.
  Array idx = clamp_indices(*a[1].value, a[0].aval.shape[static_cast<std::size_t>(axis)]);
  return {lax::scatter_add(zeros_for(a[0].aval), idx, *ct[0], axis), std::nullopt};
}

std::pair<Arrays, BatchDims> gather_batch(const Primitive&, const Arrays& v, const BatchDims& d, const Params& p) {
  const Array &x = v[0], &idx = v[1];
  if (!d[1]) {  // one index set for every example: gather one axis further in
    Array xb = move_batch_axis(x, d[0], 0, 0);
    return {{lax::gather(xb, idx, axis_param("gather", p, xb.ndim() - 1) + 1)}, {0}};
  }
  if (!d[0]) {  // one operand: the indices' batch axis lands inside the indices' block of the result
    int axis = axis_param("gather", p, x.ndim());
    return {{lax::gather(x, idx, axis)}, {axis + *d[1]}};
  }
  // Both mapped: put the batch beside the gathered axis, merge the two, and offset example b's
  // (clamped) indices by b * n so that each example reads only its own rows.
  std::int64_t size = batch_size(v, d);
  int axis = axis_param("gather", p, x.ndim() - 1);
  Array xb = move_batch_axis(x, d[0], axis, size);
  Shape merged = xb.shape();
  std::int64_t n = merged[static_cast<std::size_t>(axis) + 1];
  merged[static_cast<std::size_t>(axis)] = shape_size({size, n});
  merged.erase(merged.begin() + axis + 1);
  Array ib = move_batch_axis(idx, d[1], 0, size);
  Array flat = clamp_indices(ib, n).astype(int64) + iota(int64, ib.shape(), 0) * n;
  return {{lax::gather(reshape(xb, merged), flat, axis)}, {axis}};
}

const Primitive& gather_p = def_primitive({.name = "gather",
                                           .arity = 2,
                                           .shape = gather_shape,
                                           .eval = gather_eval,
                                           .jvp = gather_jvp,
                                           .transpose = gather_transpose,
                                           .batch = gather_batch});

// ---- take_along_axis ----

Avals take_along_axis_shape(const Avals& in, const Params& p) {
  const ShapedArray &x = in[0], &idx = in[1];
  check_indices("take_along_axis", idx);
  if (idx.ndim() != x.ndim())
    throw ShapeError("take_along_axis", "indices ", idx, " must have the rank of the operand ", x);
  int axis = axis_param("take_along_axis", p, x.ndim());
  for (int d = 0; d < x.ndim(); ++d)
    if (d != axis && idx.shape[static_cast<std::size_t>(d)] != x.shape[static_cast<std::size_t>(d)])
      throw ShapeError("take_along_axis", "indices ", idx, " and operand ", x, " differ outside axis ", axis);
  check_axis_not_empty("take_along_axis", x, axis, idx);
  return {ShapedArray{idx.shape, x.dtype, x.weak_type}};
}

Arrays take_along_axis_eval(const Arrays& in, const Params& p, const Avals& out) {
  const Array &x = in[0], &idx = in[1];
  int axis = axis_param("take_along_axis", p, x.ndim());
  AxisSplit s = split_at_axis(x.shape(), axis);
  std::int64_t k = idx.shape()[static_cast<std::size_t>(axis)];
  NewBuffer o = new_buffer(out[0]);
  dispatch_bits(x.dtype(), [&](auto e) {
    using E = typename decltype(e)::type;
    const E* src = reinterpret_cast<const E*>(buffer_of(x).data());
    dispatch_index(idx.dtype(), [&](auto t) {
      using I = typename decltype(t)::type;
      const I* ix = reinterpret_cast<const I*>(buffer_of(idx).data());
      E* dst = o.as<E>();
      for (std::int64_t a = 0; a < s.outer; ++a)
        for (std::int64_t b = 0; b < k; ++b) {
          std::int64_t row = (a * k + b) * s.inner;
          for (std::int64_t i = 0; i < s.inner; ++i) {
            std::int64_t j = std::clamp<std::int64_t>(static_cast<std::int64_t>(ix[row + i]), 0, s.n - 1);
            dst[row + i] = src[(a * s.n + j) * s.inner + i];
          }
        }
    });
  });
  return {o.array};
}

Tangents take_along_axis_jvp(const Arrays& x, const Tangents& t, const Arrays&, const Params& p) {
  if (!t[0]) return {std::nullopt};
  return {lax::take_along_axis(*t[0], x[1], axis_param("take_along_axis", p, x[0].ndim()))};
}

// Each result element reads one element of x: its cotangent is scatter-added into x flattened,
// at that element's row-major offset.
Tangents take_along_axis_transpose(const Tangents& ct, const LinearArgs& a, const Params& p) {
  if (!ct[0] || !a[0].is_linear()) return {std::nullopt, std::nullopt};
  const ShapedArray& xa = a[0].aval;
  const Array& idx = *a[1].value;
  int axis = axis_param("take_along_axis", p, xa.ndim());
  std::int64_t stride = 1;
  Array offset = zeros({}, int64);
  for (int d = xa.ndim() - 1; d >= 0; --d) {
    Array coord = d == axis ? clamp_indices(idx, xa.shape[static_cast<std::size_t>(d)]).astype(int64)
                            : iota(int64, idx.shape(), d);
    offset = offset + coord * stride;
    stride *= xa.shape[static_cast<std::size_t>(d)];
  }
  Array flat = lax::scatter_add(zeros({xa.size()}, xa.dtype), ravel(offset), ravel(*ct[0]), 0);
  return {reshape(flat, xa.shape), std::nullopt};
}

std::pair<Arrays, BatchDims> take_along_axis_batch(const Primitive&, const Arrays& v, const BatchDims& d,
                                                   const Params& p) {
  std::int64_t size = batch_size(v, d);
  Array xb = move_batch_axis(v[0], d[0], 0, size), ib = move_batch_axis(v[1], d[1], 0, size);
  return {{lax::take_along_axis(xb, ib, axis_param("take_along_axis", p, xb.ndim() - 1) + 1)}, {0}};
}

const Primitive& take_along_axis_p = def_primitive({.name = "take_along_axis",
                                                    .arity = 2,
                                                    .shape = take_along_axis_shape,
                                                    .eval = take_along_axis_eval,
                                                    .jvp = take_along_axis_jvp,
                                                    .transpose = take_along_axis_transpose,
                                                    .batch = take_along_axis_batch});

}  // namespace

Array lax::gather(const Array& x, const Array& indices, int axis) {
  return bind1(gather_p, {x, indices}, {{"axis", std::int64_t{normalize_axis("gather", axis, x.ndim())}}});
}

Array lax::take_along_axis(const Array& x, const Array& indices, int axis) {
  return bind1(take_along_axis_p, {x, indices},
               {{"axis", std::int64_t{normalize_axis("take_along_axis", axis, x.ndim())}}});
}

}  // namespace xjax
