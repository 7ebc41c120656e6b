// jax.numpy's elementwise functions, whole-array comparisons and spaced grids, composed from public ops.
#include <cmath>
#include <limits>

#include "primitives/common.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {
// jnp's promotion to a floating dtype: floats stay, int64 -> float64, other ints and bool -> float32.
// A ShapeError naming `op` unless x and y broadcast together.
void check_broadcast(const char* op, const Array& x, const Array& y) {
  try {
    broadcast_shapes(x.shape(), y.shape());
  } catch (const ShapeError&) {
    throw ShapeError(op, "cannot broadcast ", x.aval(), " with ", y.aval());
  }
}
// Both operands in their common dtype, made floating.
std::pair<Array, Array> inexact2(const char* op, const Array& x, const Array& y) {
  check_broadcast(op, x, y);
  PromotedType p = promote_types(x.dtype(), x.weak_type(), y.dtype(), y.weak_type());
  DType d = inexact_dtype(p.dtype);
  return {x.dtype() == d ? x : x.astype(d), y.dtype() == d ? y : y.astype(d)};
}
constexpr double kLn2 = 0.693147180559945309417232121458176568;
constexpr double kLn10 = 2.302585092994045684017991454684364208;
}  // namespace

Array log10(const Array& x) { return log(inexact(x)) * (1.0 / kLn10); }
Array log2(const Array& x) { return log(inexact(x)) * (1.0 / kLn2); }
Array fabs(const Array& x) { return abs(inexact(x)); }

Array trunc(const Array& x) {
  if (!is_floating(x.dtype())) return x;
  return where(x < 0.0, ceil(x), floor(x));
}
Array fix(const Array& x) { return trunc(x); }

Array signbit(const Array& x) {
  if (x.dtype() == bool_ || x.dtype() == uint32) return zeros_like(x, bool_);
  if (!is_floating(x.dtype())) return x < 0;
  // -0.0 compares equal to 0; its reciprocal is -inf. stop_gradient: the test is not differentiable.
  Array s = stop_gradient(x);
  return (s < 0.0) | ((s == 0.0) & (reciprocal(s) < 0.0));
}

Array copysign(const Array& x1, const Array& x2) {
  auto [a, b] = inexact2("copysign", x1, x2);
  Array m = abs(a);
  return where(signbit(b), -m, m);
}

Array deg2rad(const Array& x) { return inexact(x) * (pi / 180.0); }
Array rad2deg(const Array& x) { return inexact(x) * (180.0 / pi); }
Array degrees(const Array& x) { return rad2deg(x); }
Array radians(const Array& x) { return deg2rad(x); }

// As jnp.hypot: scaled by the larger magnitude (no overflow), +inf wins over NaN.
Array hypot(const Array& x1, const Array& x2) {
  auto [a0, b0] = inexact2("hypot", x1, x2);
  Array a = abs(a0), b = abs(b0);
  Array big = maximum(a, b), small = minimum(a, b);
  Array zero = big == 0.0;
  Array safe = where(zero, 1.0, big);
  Array r = where(zero, 0.0, big * sqrt(1.0 + square(small / safe)));
  return where(isinf(a) | isinf(b), inf, r);
}

Array logaddexp2(const Array& x1, const Array& x2) {
  auto [a, b] = inexact2("logaddexp2", x1, x2);
  return logaddexp(a * kLn2, b * kLn2) * (1.0 / kLn2);
}

// The branch at 0 keeps gradients finite (d sinc / dx = 0 there).
Array sinc(const Array& x) {
  Array xf = inexact(x);
  Array zero = xf == 0.0;
  Array px = where(zero, 1.0, xf) * pi;
  return where(zero, 1.0, sin(px) / px);
}

Array heaviside(const Array& x1, const Array& x2) {
  auto [a, b] = inexact2("heaviside", x1, x2);
  Array r = where(a < 0.0, zeros_like(b), where(a > 0.0, ones_like(b), b));
  return where(isnan(a), a, r);
}

// remainder has the divisor's sign; fmod has the dividend's: step back by one divisor where they differ.
Array fmod(const Array& x1, const Array& x2) {
  check_broadcast("fmod", x1, x2);
  PromotedType p = promote_types(x1.dtype(), x1.weak_type(), x2.dtype(), x2.weak_type());
  if (p.dtype == bool_) throw DTypeError("fmod", "not defined for bool operands");
  Array a = x1.dtype() == p.dtype ? x1 : x1.astype(p.dtype);
  Array b = x2.dtype() == p.dtype ? x2 : x2.astype(p.dtype);
  Array r = remainder(a, b);
  Array differ = (r != 0) & ((r < 0) != (a < 0));
  return where(differ, r - b, r);
}

Array fmax(const Array& x1, const Array& x2) {
  check_broadcast("fmax", x1, x2);
  Array m = maximum(x1, x2);
  if (!is_floating(m.dtype())) return m;
  return where(isnan(x1), x2.astype(m.dtype()), where(isnan(x2), x1.astype(m.dtype()), m));
}
Array fmin(const Array& x1, const Array& x2) {
  check_broadcast("fmin", x1, x2);
  Array m = minimum(x1, x2);
  if (!is_floating(m.dtype())) return m;
  return where(isnan(x1), x2.astype(m.dtype()), where(isnan(x2), x1.astype(m.dtype()), m));
}

Array float_power(const Array& x1, const Array& x2) {
  auto [a, b] = inexact2("float_power", x1, x2);
  return pow(a, b);
}

Array isposinf(const Array& x) { return is_floating(x.dtype()) ? x == inf : zeros_like(x, bool_); }
Array isneginf(const Array& x) { return is_floating(x.dtype()) ? x == -inf : zeros_like(x, bool_); }

Array isclose(const Array& a0, const Array& b0, double rtol, double atol, bool equal_nan) {
  auto [a, b] = inexact2("isclose", a0, b0);
  Array sa = stop_gradient(a), sb = stop_gradient(b);
  Array finite = isfinite(sa) & isfinite(sb);
  Array close = abs(sa - sb) <= atol + rtol * abs(sb);
  // Infinities are close only to themselves; NaN to nothing unless equal_nan.
  Array r = where(finite, close, sa == sb);
  if (equal_nan) r = r | (isnan(sa) & isnan(sb));
  return r;
}

Array allclose(const Array& a, const Array& b, double rtol, double atol, bool equal_nan) {
  return all(isclose(a, b, rtol, atol, equal_nan));
}

Array array_equal(const Array& a1, const Array& a2, bool equal_nan) {
  if (a1.shape() != a2.shape()) return array(false);
  Array eq = a1 == a2;
  if (equal_nan && is_floating(promote_types(a1.dtype(), a2.dtype()))) eq = eq | (isnan(a1) & isnan(a2));
  return all(eq);
}

Array array_equiv(const Array& a1, const Array& a2) {
  try {
    broadcast_shapes(a1.shape(), a2.shape());
  } catch (const ShapeError&) {
    return array(false);
  }
  return all(a1 == a2);
}

Array logspace(double start, double stop, std::int64_t num, bool endpoint, double base, DType dtype) {
  if (!is_floating(dtype)) throw DTypeError("logspace", "dtype must be float32 or float64, got ", dtype);
  return pow(full({}, base, dtype), linspace(start, stop, num, endpoint, dtype));
}

Array geomspace(double start, double stop, std::int64_t num, bool endpoint, DType dtype) {
  if (!is_floating(dtype)) throw DTypeError("geomspace", "dtype must be float32 or float64, got ", dtype);
  if (start == 0 || stop == 0)
    throw ValueError("geomspace", "start and stop must be non-zero, got ", start, " and ", stop);
  if ((start < 0) != (stop < 0))
    throw ValueError("geomspace", "start and stop must have the same sign, got ", start, " and ", stop);
  double sgn = start < 0 ? -1.0 : 1.0;
  Array r = sgn * exp(linspace(std::log(std::abs(start)), std::log(std::abs(stop)), num, endpoint, float64));
  // The ends exactly, as numpy.
  if (num > 0) r = dynamic_update_slice(r, array(std::vector<double>{start}), {array(0)});
  if (num > 1 && endpoint) r = dynamic_update_slice(r, array(std::vector<double>{stop}), {array(num - 1)});
  return r.astype(dtype);
}

Array identity(std::int64_t n, std::optional<DType> dtype) { return eye(n, std::nullopt, 0, dtype.value_or(float32)); }

Array tri(std::int64_t n, std::optional<std::int64_t> m, std::int64_t k, DType dtype) {
  std::int64_t cols = m.value_or(n);
  if (n < 0 || cols < 0) throw ValueError("tri", "negative dimensions ", n, "x", cols);
  Shape s{n, cols};
  Array rows = iota(int64, s, 0), col = iota(int64, s, 1);
  return (col <= rows + k).astype(dtype);
}

std::vector<Array> meshgrid(const std::vector<Array>& xs, const std::string& indexing) {
  if (indexing != "xy" && indexing != "ij")
    throw ValueError("meshgrid", "indexing must be \"xy\" or \"ij\", got \"", indexing, "\"");
  Shape s;
  for (const Array& x : xs) s.push_back(x.size());
  bool swap = indexing == "xy" && xs.size() >= 2;
  if (swap) std::swap(s[0], s[1]);
  std::vector<Array> out;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    std::int64_t dim = static_cast<std::int64_t>(i);
    if (swap && i < 2) dim = 1 - dim;
    out.push_back(broadcast_in_dim(ravel(xs[i]), s, {dim}));
  }
  return out;
}

}  // namespace xjax
