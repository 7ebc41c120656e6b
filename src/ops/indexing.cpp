// numpy-style indexing over the gather/scatter primitives: take, take_along_axis, one_hot and the
// functional updates at(x, i).set/add/multiply/min/max/get. Negative indices count from the end.
#include <algorithm>

#include "primitives/indexing.hpp"

namespace xjax {
namespace {

bool has_negative(const Array& concrete) {
  return dispatch_index(concrete.dtype(), [&](auto tag) {
    using I = typename decltype(tag)::type;
    const I* p = reinterpret_cast<const I*>(buffer_of(concrete).data());
    return std::any_of(p, p + concrete.size(), [](I i) { return i < I(0); });
  });
}

// Negative indices count from the end, once: those below -n stay out of range. Concrete indices
// without negatives (the common case) pass through without the extra ops.
Array wrap_negative(const Array& indices, std::int64_t n) {
  if (!is_signed(indices.dtype()) || (!indices.is_tracer() && !has_negative(indices))) return indices;
  Array i = n > index_max(indices.dtype()) ? indices.astype(int64) : indices;
  return where(i < 0, i + n, i);
}

void check_axis_not_empty(const char* op, const Array& x, int axis, const Array& indices) {
  if (x.shape()[static_cast<std::size_t>(axis)] == 0 && indices.size() > 0)
    throw IndexError(op, "cannot take indices ", indices.aval(), " from axis ", axis, " of extent 0 of ", x.aval());
}

void check_at(const char* op, const Array& x, const Array& indices) {
  if (x.ndim() == 0) throw IndexError(op, "cannot index a 0-d array ", x.aval());
  check_indices(op, indices.aval());
}

using ScatterFn = Array (*)(const Array&, const Array&, const Array&, int);

// x.at[indices] <- v: v cast to x's dtype and broadcast to the selected shape (indices' shape +
// x.shape[1:]); out-of-range indices are dropped.
Array update(const char* op, ScatterFn scatter, const Array& x, const Array& indices, const Array& v) {
  check_at(op, x, indices);
  Shape s = indices.shape();
  s.insert(s.end(), x.shape().begin() + 1, x.shape().end());
  Array u = convert(v, x.dtype(), false);
  return scatter(x, wrap_negative(indices, x.shape()[0]), u.shape() == s ? u : broadcast_to(u, s), 0);
}

}  // namespace

Array take(const Array& x, const Array& indices, std::optional<int> axis) {
  check_indices("take", indices.aval());
  if (!axis) return take(ravel(x), indices, 0);
  int a = normalize_axis("take", *axis, x.ndim());
  check_axis_not_empty("take", x, a, indices);
  return lax::gather(x, wrap_negative(indices, x.shape()[static_cast<std::size_t>(a)]), a);
}

// The non-axis extents of x and indices broadcast against each other, as numpy's do.
Array take_along_axis(const Array& x, const Array& indices, int axis) {
  check_indices("take_along_axis", indices.aval());
  if (indices.ndim() != x.ndim())
    throw ShapeError("take_along_axis", "indices ", indices.aval(), " must have the rank of ", x.aval());
  int a = normalize_axis("take_along_axis", axis, x.ndim());
  Shape xs = x.shape(), is = indices.shape();
  for (std::size_t d = 0; d < xs.size(); ++d) {
    if (static_cast<int>(d) == a || xs[d] == is[d]) continue;
    if (xs[d] != 1 && is[d] != 1)
      throw ShapeError("take_along_axis", "cannot broadcast indices ", indices.aval(), " against ", x.aval());
    xs[d] = is[d] = xs[d] == 1 ? is[d] : xs[d];
  }
  Array xb = xs == x.shape() ? x : broadcast_to(x, xs);
  Array ib = is == indices.shape() ? indices : broadcast_to(indices, is);
  check_axis_not_empty("take_along_axis", xb, a, ib);
  return lax::take_along_axis(xb, wrap_negative(ib, xs[static_cast<std::size_t>(a)]), a);
}

// Rows for out-of-range (and negative) indices are all zero, as in JAX.
Array one_hot(const Array& indices, std::int64_t num_classes, DType dtype) {
  check_indices("one_hot", indices.aval());
  if (num_classes < 0) throw ValueError("one_hot", "num_classes must be non-negative, got ", num_classes);
  Shape s = indices.shape();
  s.push_back(1);
  return (reshape(indices, s) == iota(int64, {num_classes}, 0)).astype(dtype);
}

AtIndex at(const Array& x, const Array& indices) {
  check_at("at", x, indices);
  return AtIndex(x, indices);
}

Array AtIndex::set(const Array& v) const { return update("at.set", lax::scatter, x_, idx_, v); }
Array AtIndex::add(const Array& v) const { return update("at.add", lax::scatter_add, x_, idx_, v); }
Array AtIndex::multiply(const Array& v) const { return update("at.multiply", lax::scatter_mul, x_, idx_, v); }
Array AtIndex::min(const Array& v) const { return update("at.min", lax::scatter_min, x_, idx_, v); }
Array AtIndex::max(const Array& v) const { return update("at.max", lax::scatter_max, x_, idx_, v); }

// Out-of-range reads are clamped, as in JAX's indexing.
Array AtIndex::get() const {
  check_at("at.get", x_, idx_);
  check_axis_not_empty("at.get", x_, 0, idx_);
  return lax::gather(x_, wrap_negative(idx_, x_.shape()[0]), 0);
}

}  // namespace xjax
