// jax.numpy's integer and bit functions (gcd, lcm, bitwise_count), the exact float decompositions
// (frexp, ldexp, spacing), the Bessel function i0 and the dtype queries, composed from public ops.
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "primitives/common.hpp"
#include "xjax/control_flow.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {

// The promoted integer dtype of two operands, or DTypeError naming op.
DType integer_operands(const char* op, const Array& x1, const Array& x2) {
  DType d = promote_types(x1.dtype(), x1.weak_type(), x2.dtype(), x2.weak_type()).dtype;
  if (!is_integer(d)) throw DTypeError(op, "needs integer arguments, got ", x1.aval(), " and ", x2.aval());
  return d;
}
Array magnitude(const Array& x) { return is_signed(x.dtype()) ? abs(x) : x; }
}  // namespace

// ---- integers and bits ----
// Euclid's algorithm on every element at once; the loop stops when every remainder is zero (at most
// ~93 steps for int64, the Fibonacci worst case).
Array gcd(const Array& x1, const Array& x2) {
  DType d = integer_operands("gcd", x1, x2);
  Shape s = broadcast_shapes(x1.shape(), x2.shape());
  Array a = broadcast_to(magnitude(x1.astype(d)), s), b = broadcast_to(magnitude(x2.astype(d)), s);
  using Carry = std::tuple<Array, Array>;
  return std::get<0>(while_loop([](const Carry& c) { return any(std::get<1>(c) != 0); },
                              [](const Carry& c) -> Carry {
                                const auto& [p, q] = c;
                                Array nz = q != 0;
                                Array r = remainder(p, where(nz, q, ones_like(q)));
                                return {where(nz, q, p), where(nz, r, zeros_like(q))};
                              },
                              Carry{a, b}, {.max_iterations = 100}));
}

Array lcm(const Array& x1, const Array& x2) {
  DType d = integer_operands("lcm", x1, x2);
  Array a = magnitude(x1.astype(d)), b = magnitude(x2.astype(d));
  Array g = gcd(a, b);
  Array zero = g == 0;
  return where(zero, zeros_like(g), floor_divide(a, where(zero, ones_like(g), g)) * b);
}

// Bit counting by parallel sums of bit fields in int64; every mask leaves bit 63 clear, so the
// arithmetic right shift acts as a logical one.
Array bitwise_count(const Array& x) {
  if (!is_integer(x.dtype()) && x.dtype() != bool_)
    throw DTypeError("bitwise_count", "needs an integer or bool argument, got ", x.aval());
  if (x.dtype() == bool_) return x.astype(int32);
  Array v = magnitude(x).astype(int64);
  if (x.dtype() != int64) v = v & Array(std::int64_t{0xFFFFFFFF});  // abs(INT32_MIN) is still negative
  auto c = [](std::uint64_t m) { return Array(static_cast<std::int64_t>(m)); };
  v = v - ((v >> 1) & c(0x5555555555555555ULL));
  v = (v & c(0x3333333333333333ULL)) + ((v >> 2) & c(0x3333333333333333ULL));
  v = (v + (v >> 4)) & c(0x0F0F0F0F0F0F0F0FULL);
  v = v + (v >> 8);
  v = v + (v >> 16);
  v = v + (v >> 32);
  return (v & c(0x7F)).astype(int32);
}

// ---- exact float decompositions ----
namespace {
struct FloatFormat {
  int max_exp;     // 2^max_exp overflows
  int min_normal;  // 2^min_normal is the smallest normal
  int mantissa;    // bits of the significand, the implicit one included
  int steps;       // 2^(2^(steps - 1)) is the largest power of two used in a step
};
FloatFormat format_of(DType d) {
  return d == float32 ? FloatFormat{128, -126, 24, 7} : FloatFormat{1024, -1022, 53, 10};
}
// 2^n exactly for integer n with |n| < 2^steps whose 2^n is representable (subnormal included), as a
// product of exact powers 2^(+-2^k) chosen by n's bits: every partial product is a representable
// power of two, so none rounds.
Array exact_pow2(const Array& n, DType d, int steps) {
  Array m = abs(n);
  Array up = ones(n.shape(), d), down = ones(n.shape(), d);
  for (int k = 0; k < steps; ++k) {
    Array bit = (m >> k & 1) != 0;
    up = where(bit, up * std::ldexp(1.0, 1 << k), up);
    down = where(bit, down * std::ldexp(1.0, -(1 << k)), down);
  }
  return where(n < 0, down, up);
}
}  // namespace

std::pair<Array, Array> frexp(const Array& x0) {
  Array x = inexact(x0);
  DType d = x.dtype();
  if (is_half(d)) {  // every float16 and bfloat16 value is a normal float32 with the same mantissa
    auto [m, e] = frexp(x.astype(float32));
    return {m.astype(d), e};
  }
  FloatFormat f = format_of(d);
  Array special = (x == 0.0) | isinf(x) | isnan(x);
  Array y = where(special, ones_like(x), abs(x));
  // Subnormals first become normal, then y is brought into [1, 2) by steps of 2^(2^k).
  Array sub = y < std::ldexp(1.0, f.min_normal);
  y = where(sub, y * std::ldexp(1.0, f.mantissa), y);
  Array e = where(sub, full(x.shape(), -f.mantissa, int32), zeros(x.shape(), int32));
  for (int k = f.steps - 1; k >= 0; --k) {
    double p = std::ldexp(1.0, 1 << k);
    Array big = y >= p;
    y = where(big, y * (1.0 / p), y);
    e = where(big, e + (1 << k), e);
  }
  for (int k = f.steps - 1; k >= 0; --k) {
    double p = std::ldexp(1.0, 1 << k);
    Array small = y * p < 2.0;
    y = where(small, y * p, y);
    e = where(small, e - (1 << k), e);
  }
  Array mant = where(special, x, copysign(y * 0.5, x));
  return {mant, where(special, zeros_like(e), e + 1)};
}

// x1 = m 2^e exactly (frexp), then m 2^a (a in [-2, 2], exact) times 2^b, a power of two that is
// itself exact (normal or subnormal): the one product that can round is the last, so the result is
// rounded once, as numpy's.
Array ldexp(const Array& x1, const Array& x2) {
  if (!is_integer(x2.dtype()) && x2.dtype() != bool_)
    throw DTypeError("ldexp", "the exponent must be an integer array, got ", x2.aval());
  Array x = inexact(x1);
  DType d = x.dtype();
  // Exact in float32 wherever the 16-bit result is not zero, so rounded once.
  if (is_half(d)) return ldexp(x.astype(float32), x2).astype(d);
  FloatFormat f = format_of(d);
  int min_sub = f.min_normal - f.mantissa + 1;  // 2^min_sub is the smallest subnormal
  Shape s = broadcast_shapes(x.shape(), x2.shape());
  auto [m, e] = frexp(broadcast_to(x, s));
  // Beyond these bounds the result is 0 or inf whatever m is.
  Array k = clip(e.astype(int64) + broadcast_to(x2.astype(int64), s), min_sub - 2, f.max_exp + 1);
  Array b = clip(k, min_sub, f.max_exp - 1);
  return m * exact_pow2(k - b, d, 2) * exact_pow2(b, d, f.steps + 1);
}

Array spacing(const Array& x0) {
  Array x = inexact(x0);
  // Away from zero; numpy steps up from -0.0 as from +0.0.
  return nextafter(x, where(x < 0.0, full_like(x, -inf), full_like(x, inf))) - x;
}

// I0 by its power series in (x/2)^2 (all terms positive, Horner with exact-ish 1/(k!)^2) up to
// |x| = 20, and by its asymptotic series e^x / sqrt(2 pi x) * sum a_k x^-k above. Both branches see
// clamped arguments so that neither produces inf or NaN where it is not used (nor in its gradient).
Array i0(const Array& x0) {
  Array x = inexact(x0);
  constexpr double split = 20.0;
  Array ax = abs(x);
  // The series reads x itself (not |x|), so that every derivative is right at 0 too.
  Array xs = clip(x, -split, split), xl = maximum(ax, split);
  Array q = square(xs) * 0.25;
  constexpr int n_small = 44, n_large = 36;
  std::array<long double, n_small> c{};
  long double fact = 1;
  for (int k = 0; k < n_small; ++k) {
    if (k > 0) fact *= k;
    c[static_cast<std::size_t>(k)] = 1.0L / (fact * fact);
  }
  Array s = full_like(q, static_cast<double>(c[n_small - 1]));
  for (int k = n_small - 2; k >= 0; --k) s = s * q + static_cast<double>(c[static_cast<std::size_t>(k)]);
  // a_k = ((2k-1)!!)^2 / (k! 8^k)
  std::array<long double, n_large> a{};
  a[0] = 1;
  for (int k = 1; k < n_large; ++k)
    a[static_cast<std::size_t>(k)] = a[static_cast<std::size_t>(k - 1)] * (2.0L * k - 1) * (2.0L * k - 1) / (8.0L * k);
  Array r = 1.0 / xl;
  Array t = full_like(r, static_cast<double>(a[n_large - 1]));
  for (int k = n_large - 2; k >= 0; --k) t = t * r + static_cast<double>(a[static_cast<std::size_t>(k)]);
  Array half = exp(xl * 0.5);  // e^x as two halves: I0 itself fits where e^x alone would overflow
  Array large = half * (half * t * rsqrt(xl * (2 * pi)));
  return where(ax <= split, s, large);
}

// ---- dtype queries ----
namespace {
// numpy's kinds in their same_kind order: b < u < i < f (u to i is same_kind, i to u is not).
int kind_rank(DType d) {
  switch (d) {
    case bool_: return 0;
    case uint32: return 1;
    case int32:
    case int64: return 2;
    default: return 3;
  }
}
bool safe_cast(DType from, DType to) {
  if (from == to || from == bool_) return true;
  switch (from) {
    case int32: return to == int64 || to == float64;
    case int64: return to == float64;
    case uint32: return to == int64 || to == float64;
    case float32: return to == float64;
    case float16:
    case bfloat16: return to == float32 || to == float64;
    default: return false;
  }
}
}  // namespace

bool can_cast(DType from, DType to, const std::string& casting) {
  if (casting == "no" || casting == "equiv") return from == to;
  if (casting == "safe") return safe_cast(from, to);
  if (casting == "same_kind") return safe_cast(from, to) || kind_rank(from) <= kind_rank(to);
  if (casting == "unsafe") return true;
  throw ValueError("can_cast", "casting must be no, equiv, safe, same_kind or unsafe, got \"", casting, "\"");
}

DType result_type(const std::vector<DTypeOperand>& operands) {
  if (operands.empty()) throw ValueError("result_type", "needs at least one dtype or array");
  PromotedType t{operands[0].dtype, operands[0].weak};
  for (std::size_t i = 1; i < operands.size(); ++i)
    t = promote_types(t.dtype, t.weak_type, operands[i].dtype, operands[i].weak);
  return t.dtype;
}

bool isdtype(DType dtype, const std::string& kind) {
  if (kind == "bool") return dtype == bool_;
  if (kind == "signed integer") return dtype == int32 || dtype == int64;
  if (kind == "unsigned integer") return dtype == uint32;
  if (kind == "integral") return is_integer(dtype);
  if (kind == "real floating") return is_floating(dtype);
  if (kind == "complex floating") return false;  // xjax has no complex dtype
  if (kind == "numeric") return dtype != bool_;
  throw ValueError("isdtype", "kind must be bool, signed integer, unsigned integer, integral, real floating, ",
                   "complex floating, numeric or a dtype, got \"", kind, "\"");
}
bool isdtype(DType dtype, DType kind) { return dtype == kind; }
bool isdtype(DType dtype, const std::vector<std::string>& kinds) {
  bool any_match = false;
  for (const std::string& k : kinds) any_match = isdtype(dtype, k) || any_match;  // every kind is validated
  return any_match;
}

bool issubdtype(DType dtype, DTypeKind category) {
  switch (category) {
    case DTypeKind::generic: return true;
    case DTypeKind::bool_: return dtype == bool_;
    case DTypeKind::number: return dtype != bool_;
    case DTypeKind::integer: return is_integer(dtype);
    case DTypeKind::signedinteger: return dtype == int32 || dtype == int64;
    case DTypeKind::unsignedinteger: return dtype == uint32;
    case DTypeKind::inexact:
    case DTypeKind::floating: return is_floating(dtype);
    case DTypeKind::complexfloating: return false;
  }
  return false;
}

}  // namespace xjax
