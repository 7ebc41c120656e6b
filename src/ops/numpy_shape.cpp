// jax.numpy's stacking, tiling, rolling, rotating and diagonal builders, differences, cross and
// Kronecker products, interpolation, the trapezoidal rule and searchsorted, composed from public ops.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "primitives/common.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {

std::vector<Array> each(const char* op, const std::vector<Array>& xs, Array (*f)(const Array&)) {
  if (xs.empty()) throw ValueError(op, "need at least one array to stack");
  std::vector<Array> out;
  for (const Array& x : xs) out.push_back(f(x));
  return out;
}
// concatenate, with a ShapeError naming the stacking function `op` and every shape.
Array join(const char* op, const std::vector<Array>& xs, int axis) {
  try {
    return concatenate(xs, axis);
  } catch (const ShapeError&) {
    std::string shapes;
    for (const Array& x : xs) shapes += (shapes.empty() ? "" : ", ") + shape_str(x.shape());
    throw ShapeError(op, "cannot join arrays of shapes ", shapes, " along axis ", axis);
  }
}
std::int64_t extent(const Array& x, int axis) { return x.shape()[static_cast<std::size_t>(axis)]; }
}  // namespace

Array atleast_1d(const Array& x) { return x.ndim() >= 1 ? x : reshape(x, {1}); }
Array atleast_2d(const Array& x) {
  if (x.ndim() >= 2) return x;
  return x.ndim() == 0 ? reshape(x, {1, 1}) : reshape(x, {1, x.shape()[0]});
}
Array atleast_3d(const Array& x) {
  if (x.ndim() == 0) return reshape(x, {1, 1, 1});
  if (x.ndim() == 1) return reshape(x, {1, x.shape()[0], 1});
  if (x.ndim() == 2) return reshape(x, {x.shape()[0], x.shape()[1], 1});
  return x;
}

Array hstack(const std::vector<Array>& tup) {
  std::vector<Array> xs = each("hstack", tup, atleast_1d);
  return join("hstack", xs, xs[0].ndim() == 1 ? 0 : 1);
}
Array vstack(const std::vector<Array>& tup) { return join("vstack", each("vstack", tup, atleast_2d), 0); }
Array dstack(const std::vector<Array>& tup) { return join("dstack", each("dstack", tup, atleast_3d), 2); }
Array column_stack(const std::vector<Array>& tup) {
  std::vector<Array> xs = each("column_stack", tup, [](const Array& x) {
    return x.ndim() < 2 ? reshape(x, {x.size(), 1}) : x;
  });
  return join("column_stack", xs, 1);
}

Array roll(const Array& x, std::int64_t shift, std::optional<int> axis) {
  if (!axis) return reshape(roll(ravel(x), shift, 0), x.shape());
  int ax = normalize_axis("roll", *axis, x.ndim());
  std::int64_t n = extent(x, ax);
  if (n == 0) return x;
  std::int64_t s = ((shift % n) + n) % n;
  if (s == 0) return x;
  return concatenate({slice_in_dim(x, n - s, n, 1, ax), slice_in_dim(x, 0, n - s, 1, ax)}, ax);
}

// x reshaped to (1, s0, 1, s1, ...), broadcast to (r0, s0, r1, s1, ...), merged pairwise.
Array tile(const Array& x, const Ints& reps) {
  for (std::int64_t r : reps)
    if (r < 0) throw ValueError("tile", "negative repetition count ", r, " for ", x.aval());
  std::size_t d = std::max<std::size_t>(static_cast<std::size_t>(x.ndim()), reps.size());
  Shape s(d - static_cast<std::size_t>(x.ndim()), 1), r(d - reps.size(), 1);
  s.insert(s.end(), x.shape().begin(), x.shape().end());
  r.insert(r.end(), reps.begin(), reps.end());
  Shape inter, wide, out;
  for (std::size_t i = 0; i < d; ++i) {
    inter.insert(inter.end(), {1, s[i]});
    wide.insert(wide.end(), {r[i], s[i]});
    out.push_back(r[i] * s[i]);
  }
  return reshape(broadcast_to(reshape(x, inter), wide), out);
}

Array repeat(const Array& x, std::int64_t repeats, std::optional<int> axis) {
  if (repeats < 0) throw ValueError("repeat", "negative repeat count ", repeats, " for ", x.aval());
  if (!axis) return repeat(ravel(x), repeats, 0);
  int ax = normalize_axis("repeat", *axis, x.ndim());
  Shape wide = x.shape(), out = x.shape();
  wide.insert(wide.begin() + ax + 1, repeats);
  out[static_cast<std::size_t>(ax)] *= repeats;
  return reshape(broadcast_to(expand_dims(x, ax + 1), wide), out);
}

Array repeat(const Array& x, const Ints& repeats, std::optional<int> axis) {
  if (!axis) return repeat(ravel(x), repeats, 0);
  int ax = normalize_axis("repeat", *axis, x.ndim());
  if (repeats.size() == 1) return repeat(x, repeats[0], ax);
  if (static_cast<std::int64_t>(repeats.size()) != extent(x, ax))
    throw ShapeError("repeat", repeats.size(), " repeat counts for axis ", ax, " of ", x.aval());
  std::vector<std::int32_t> idx;
  for (std::size_t i = 0; i < repeats.size(); ++i) {
    if (repeats[i] < 0) throw ValueError("repeat", "negative repeat count ", repeats[i], " for ", x.aval());
    idx.insert(idx.end(), static_cast<std::size_t>(repeats[i]), static_cast<std::int32_t>(i));
  }
  return take(x, array(idx), ax);
}

Array fliplr(const Array& x) {
  if (x.ndim() < 2) throw ValueError("fliplr", "needs at least 2 dimensions, got ", x.aval());
  return flip(x, 1);
}
Array flipud(const Array& x) {
  if (x.ndim() < 1) throw ValueError("flipud", "needs at least 1 dimension, got ", x.aval());
  return flip(x, 0);
}

Array rot90(const Array& m, int k, std::pair<int, int> axes) {
  if (m.ndim() < 2) throw ValueError("rot90", "needs at least 2 dimensions, got ", m.aval());
  int a0 = normalize_axis("rot90", axes.first, m.ndim()), a1 = normalize_axis("rot90", axes.second, m.ndim());
  if (a0 == a1) throw ValueError("rot90", "axes must differ, got (", axes.first, ", ", axes.second, ") for ", m.aval());
  switch (((k % 4) + 4) % 4) {
    case 0: return m;
    case 1: return swapaxes(flip(m, a1), a0, a1);
    case 2: return flip(m, {a0, a1});
    default: return flip(swapaxes(m, a0, a1), a1);
  }
}

// v on diagonal k of an (n + |k|)-square matrix, by a mask (no 0 * inf = nan off the diagonal).
Array diag(const Array& v, std::int64_t k) {
  if (v.ndim() == 2) return diagonal(v, k);
  if (v.ndim() != 1) throw ValueError("diag", "input must be 1-d or 2-d, got ", v.aval());
  std::int64_t a = std::abs(k), n = v.shape()[0] + a;
  Array padded = k >= 0 ? pad(v, {{0, a}}) : pad(v, {{a, 0}});
  Array mask = eye(n, n, k) != 0.0;
  return where(mask, expand_dims(padded, 1), zeros({}, v.dtype()));
}
Array diagflat(const Array& v, std::int64_t k) { return diag(ravel(v), k); }

Array diff(const Array& x, int n, int axis) {
  if (n < 0) throw ValueError("diff", "order must be non-negative, got ", n);
  if (x.ndim() == 0) throw ValueError("diff", "needs at least 1 dimension, got ", x.aval());
  int ax = normalize_axis("diff", axis, x.ndim());
  Array r = x;
  for (int i = 0; i < n; ++i) {
    std::int64_t len = extent(r, ax);
    if (len == 0) break;
    Array hi = slice_in_dim(r, 1, len, 1, ax), lo = slice_in_dim(r, 0, len - 1, 1, ax);
    r = r.dtype() == bool_ ? not_equal(hi, lo) : hi - lo;
  }
  return r;
}
Array ediff1d(const Array& ary) { return diff(ravel(ary)); }

Array cross(const Array& a0, const Array& b0, int axisa, int axisb, int axisc) {
  if (a0.ndim() == 0 || b0.ndim() == 0)
    throw ValueError("cross", "needs vectors, got ", a0.aval(), " and ", b0.aval());
  Array a = moveaxis(a0, normalize_axis("cross", axisa, a0.ndim()), -1);
  Array b = moveaxis(b0, normalize_axis("cross", axisb, b0.ndim()), -1);
  std::int64_t na = a.shape().back(), nb = b.shape().back();
  if ((na != 2 && na != 3) || (nb != 2 && nb != 3))
    throw ValueError("cross", "vectors must have 2 or 3 components, got ", a0.aval(), " and ", b0.aval());
  auto comp = [](const Array& v, std::int64_t i) { return squeeze(slice_in_dim(v, i, i + 1, 1, v.ndim() - 1), -1); };
  Array a_x = comp(a, 0), a_y = comp(a, 1), b_x = comp(b, 0), b_y = comp(b, 1);
  try {
    broadcast_shapes(a_x.shape(), b_x.shape());
  } catch (const ShapeError&) {
    throw ShapeError("cross", "cannot broadcast ", a0.aval(), " with ", b0.aval());
  }
  if (na == 2 && nb == 2) return a_x * b_y - a_y * b_x;
  Array a_z = na == 3 ? comp(a, 2) : zeros_like(a_x), b_z = nb == 3 ? comp(b, 2) : zeros_like(b_x);
  Array c = stack({a_y * b_z - a_z * b_y, a_z * b_x - a_x * b_z, a_x * b_y - a_y * b_x}, -1);
  return moveaxis(c, -1, normalize_axis("cross", axisc, c.ndim()));
}

// a reshaped to (a0, 1, a1, 1, ...) times b as (1, b0, 1, b1, ...), merged pairwise.
Array kron(const Array& a, const Array& b) {
  std::size_t d = static_cast<std::size_t>(std::max(a.ndim(), b.ndim()));
  Shape sa(d - static_cast<std::size_t>(a.ndim()), 1), sb(d - static_cast<std::size_t>(b.ndim()), 1);
  sa.insert(sa.end(), a.shape().begin(), a.shape().end());
  sb.insert(sb.end(), b.shape().begin(), b.shape().end());
  Shape ia, ib, out;
  for (std::size_t i = 0; i < d; ++i) {
    ia.insert(ia.end(), {sa[i], 1});
    ib.insert(ib.end(), {1, sb[i]});
    out.push_back(sa[i] * sb[i]);
  }
  return reshape(reshape(a, ia) * reshape(b, ib), out);
}

// Comparisons that order NaN last, as numpy's sort does.
Array searchsorted(const Array& a, const Array& v, const std::string& side) {
  if (side != "left" && side != "right")
    throw ValueError("searchsorted", "side must be \"left\" or \"right\", got \"", side, "\"");
  if (a.ndim() != 1) throw ShapeError("searchsorted", "a must be 1-d, got ", a.aval());
  DType d = promote_types(a.dtype(), a.weak_type(), v.dtype(), v.weak_type()).dtype;
  Array as = stop_gradient(a).astype(d), vs = expand_dims(stop_gradient(v).astype(d), -1);
  auto lt = [&](const Array& x, const Array& y) {
    Array r = x < y;
    return is_floating(d) ? r | (isnan(y) & !isnan(x)) : r;
  };
  Array before = side == "left" ? lt(as, vs) : !lt(vs, as);
  return sum(before, -1).astype(int32);
}

// As jnp.interp: segments of (near) zero width take their left value.
Array interp(const Array& x, const Array& xp0, const Array& fp0, std::optional<Array> left,
             std::optional<Array> right) {
  if (xp0.ndim() != 1 || fp0.ndim() != 1 || xp0.shape() != fp0.shape())
    throw ShapeError("interp", "xp and fp must be 1-d of the same length, got ", xp0.aval(), " and ", fp0.aval());
  std::int64_t n = xp0.shape()[0];
  if (n == 0) throw ValueError("interp", "xp and fp must not be empty");
  DType d = inexact_dtype(promote_types(promote_types(x.dtype(), xp0.dtype()), fp0.dtype()));
  Array xf = x.astype(d), xp = xp0.astype(d), fp = fp0.astype(d);
  Array lo_x = slice_in_dim(xp, 0, 1), hi_x = slice_in_dim(xp, n - 1, n);
  Array lo_f = squeeze(slice_in_dim(fp, 0, 1), 0), hi_f = squeeze(slice_in_dim(fp, n - 1, n), 0);
  Array f;
  if (n == 1) {
    f = broadcast_to(lo_f, xf.shape());
  } else {
    Array i = clip(searchsorted(xp, xf, "right"), 1, static_cast<std::int64_t>(n - 1));
    Array x0 = take(xp, i - 1), x1 = take(xp, i), f0 = take(fp, i - 1), f1 = take(fp, i);
    Array dx = x1 - x0;
    double eps = finfo(d).smallest_subnormal;
    Array flat = abs(dx) <= eps;
    f = where(flat, f0, f0 + (xf - x0) / where(flat, 1.0, dx) * (f1 - f0));
  }
  f = where(xf < squeeze(lo_x, 0), left ? left->astype(d) : lo_f, f);
  return where(xf > squeeze(hi_x, 0), right ? right->astype(d) : hi_f, f);
}

Array trapezoid(const Array& y0, std::optional<Array> x, double dx, int axis) {
  if (y0.ndim() == 0) throw ValueError("trapezoid", "needs at least 1 dimension, got ", y0.aval());
  int ax = normalize_axis("trapezoid", axis, y0.ndim());
  Array y = inexact(y0);
  std::int64_t n = extent(y, ax);
  if (n == 0) return sum(y, ax);
  Array avg = (slice_in_dim(y, 1, n, 1, ax) + slice_in_dim(y, 0, n - 1, 1, ax)) * 0.5;
  if (!x) return sum(avg, ax) * dx;
  Array xs = *x;
  if (xs.ndim() == 1) {
    if (xs.shape()[0] != n)
      throw ShapeError("trapezoid", "x ", xs.aval(), " does not match axis ", ax, " of y ", y0.aval());
    Shape s(static_cast<std::size_t>(y.ndim()), 1);
    s[static_cast<std::size_t>(ax)] = n;
    xs = reshape(xs, s);
  } else if (xs.shape() != y.shape()) {
    throw ShapeError("trapezoid", "x ", xs.aval(), " must be 1-d or have the shape of y ", y0.aval());
  }
  return sum(diff(xs, 1, ax) * avg, ax);
}

}  // namespace xjax
