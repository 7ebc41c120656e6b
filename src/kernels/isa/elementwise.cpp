// The elementwise primitives' tile kernels, compiled once per instruction set (see kernels/isa.hpp):
// one functor per operation, run over contiguous operands by kernels/loops.hpp. Functors whose `simd`
// member is true also take xsimd batches (floating types); the others run element by element.
#include <immintrin.h>

#include <bit>
#include <cmath>
#include <functional>
#include <limits>

#include "kernels/dispatch.hpp"
#include "kernels/loops.hpp"
#include "kernels/unary_math.hpp"
#include "kernels/special.hpp"
#include "kernels/tables.hpp"

namespace xjax::kernels::XJAX_ISA {
namespace {

// Which element types an operation accepts (the primitive's shape rule has checked the operands).
enum class Kinds : std::uint8_t { any, numeric, floating, integer, boolean_or_integer };
template <class T>
constexpr bool accepts(Kinds k) {
  constexpr bool b = std::is_same_v<T, bool>, f = std::is_floating_point_v<T>;
  switch (k) {
    case Kinds::any: return true;
    case Kinds::numeric: return !b;
    case Kinds::floating: return f;
    case Kinds::integer: return !b && !f;
    case Kinds::boolean_or_integer: return !f;
  }
  return false;
}

template <class F, Kinds K, bool BoolOut = false>
void unary_tile(const TileArgs& a) {
  dispatch_dtype(a.in_dtype[0], [&](auto tag) {
    using T = typename decltype(tag)::type;
    using U = std::conditional_t<BoolOut, bool, T>;
    if constexpr (accepts<T>(K)) unary_loop(F{}, reinterpret_cast<const T*>(a.in[0]), reinterpret_cast<U*>(a.out), a.n);
  });
}

template <class F, Kinds K, bool BoolOut = false>
void binary_tile(const TileArgs& a) {
  dispatch_dtype(a.in_dtype[0], [&](auto tag) {
    using T = typename decltype(tag)::type;
    using U = std::conditional_t<BoolOut, bool, T>;
    if constexpr (accepts<T>(K))
      binary_loop(F{}, reinterpret_cast<const T*>(a.in[0]), a.in_size[0], reinterpret_cast<const T*>(a.in[1]),
                  a.in_size[1], reinterpret_cast<U*>(a.out), a.n);
  });
}

// --- unary --- (the floating-point functors are in kernels/unary_math.hpp)

struct Neg {
  static constexpr bool simd = true;
  template <class V>
  V operator()(const V& x) const {
    if constexpr (is_int_v<V>) return int_op(V(0), x, std::minus<>{});
    else if constexpr (std::is_floating_point_v<V>) return -x;
    else return x ^ V(typename V::value_type(-0.0));  // flips the sign bit: xsimd's avx512f -x is 0 - x, +0 for +0
  }
};
struct Abs {
  static constexpr bool simd = true;
  template <class V>
  V operator()(const V& x) const {
    if constexpr (std::is_unsigned_v<V>) return x;
    else if constexpr (is_int_v<V>) return x < 0 ? int_op(V(0), x, std::minus<>{}) : x;
    else return xsimd::abs(x);
  }
};
struct Sign {
  static constexpr bool simd = false;
  template <class V>
  V operator()(const V& x) const {
    if constexpr (std::is_floating_point_v<V>) return x != x ? x : V((x > 0) - (x < 0));
    else if constexpr (std::is_unsigned_v<V>) return V(x > 0);
    else return V((x > 0) - (x < 0));
  }
};
// libm, not xsimd, for these: xsimd 8.1's double erfc loses ~1e-12 relative accuracy and its lgamma
// returns NaN at poles (libm: inf) and does not terminate for some inputs.
#define XJAX_SCALAR(Name, Out, body)             \
  struct Name {                                  \
    static constexpr bool simd = false;          \
    template <class V>                           \
    Out operator()(const V& x) const { body; }   \
  };
XJAX_SCALAR(Erf, V, return std::erf(x))
XJAX_SCALAR(Erfc, V, return std::erfc(x))
XJAX_SCALAR(ErfInv, V, return erf_inv(x))
XJAX_SCALAR(Digamma, V, return polygamma(0, x))
XJAX_SCALAR(IsFinite, bool, return std::isfinite(x))
XJAX_SCALAR(Not, V, if constexpr (std::is_same_v<V, bool>) return !x; else return static_cast<V>(~x))
#undef XJAX_SCALAR
struct Lgamma {
  static constexpr bool simd = false;
  template <class V>
  V operator()(const V& x) const {
    int sign;  // lgamma_r: std::lgamma writes the global signgam, a data race between threads
    if constexpr (std::is_same_v<V, float>) return ::lgammaf_r(x, &sign);
    else return ::lgamma_r(x, &sign);
  }
};

// polygamma[n]: the order comes from the equation's parameters.
void polygamma_tile(const TileArgs& a) {
  const int n = static_cast<int>(a.params->get_int("n"));
  dispatch_dtype(a.in_dtype[0], [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* x = reinterpret_cast<const T*>(a.in[0]);
      for (std::int64_t i = 0; i < a.n; ++i) reinterpret_cast<T*>(a.out)[i] = polygamma(n, x[i]);
    }
  });
}

// --- binary ---

#define XJAX_BINARY(Name, is_simd, body)                    \
  struct Name {                                             \
    static constexpr bool simd = is_simd;                   \
    template <class V>                                      \
    auto operator()(const V& a, const V& b) const { body; } \
  };
XJAX_BINARY(Add, true, if constexpr (is_int_v<V>) return int_op(a, b, std::plus<>{}); else return V(a + b))
XJAX_BINARY(Sub, true, if constexpr (is_int_v<V>) return int_op(a, b, std::minus<>{}); else return V(a - b))
XJAX_BINARY(Mul, true, if constexpr (is_int_v<V>) return int_op(a, b, std::multiplies<>{}); else return V(a * b))
XJAX_BINARY(Max, true, if constexpr (std::is_floating_point_v<V>) return a != a || b != b ? a + b : (a > b ? a : b);
            else if constexpr (is_int_v<V> || std::is_same_v<V, bool>) return a > b ? a : b;
            else return xsimd::select(xsimd::isnan(a) | xsimd::isnan(b), a + b, xsimd::max(a, b)))  // NaN propagates
XJAX_BINARY(Min, true, if constexpr (std::is_floating_point_v<V>) return a != a || b != b ? a + b : (a < b ? a : b);
            else if constexpr (is_int_v<V> || std::is_same_v<V, bool>) return a < b ? a : b;
            else return xsimd::select(xsimd::isnan(a) | xsimd::isnan(b), a + b, xsimd::min(a, b)))
XJAX_BINARY(Atan2, false, return std::atan2(a, b))  // libm: xsimd 8.1 gets atan2(0, 0) and infinities wrong
XJAX_BINARY(NextAfter, false, return std::nextafter(a, b))
XJAX_BINARY(And, false, if constexpr (std::is_same_v<V, bool>) return a && b; else return V(a & b))
XJAX_BINARY(Or, false, if constexpr (std::is_same_v<V, bool>) return a || b; else return V(a | b))
XJAX_BINARY(Xor, false, if constexpr (std::is_same_v<V, bool>) return a != b; else return V(a ^ b))
XJAX_BINARY(Eq, false, return a == b)
XJAX_BINARY(Ne, false, return a != b)
XJAX_BINARY(Lt, false, return a < b)
XJAX_BINARY(Le, false, return a <= b)
XJAX_BINARY(Gt, false, return a > b)
XJAX_BINARY(Ge, false, return a >= b)
#undef XJAX_BINARY

// libm for floats: xsimd 8.1's pow gets C99's special cases wrong (pow(0, 0), infinities).
// Integers: square and multiply, wrapping; negative exponents give 0 unless the base is +-1 (as XLA).
struct Pow {
  static constexpr bool simd = false;
  template <class V>
  V operator()(const V& a, const V& b) const {
    if constexpr (std::is_floating_point_v<V>) {
      return std::pow(a, b);
    } else {
      if constexpr (std::is_signed_v<V>)
        if (b < 0) return a == 1 ? V(1) : a == -1 ? (b % 2 ? V(-1) : V(1)) : V(0);
      V acc = 1, base = a;
      for (auto e = static_cast<std::make_unsigned_t<V>>(b); e; e >>= 1) {
        if (e & 1) acc = int_op(acc, base, std::multiplies<>{});
        if (e > 1) base = int_op(base, base, std::multiplies<>{});
      }
      return acc;
    }
  }
};
struct Div {  // integers: truncating; x / 0 = 0 and INT_MIN / -1 wraps (never undefined behaviour)
  static constexpr bool simd = true;
  template <class V>
  V operator()(const V& a, const V& b) const {
    if constexpr (is_int_v<V>) {
      if (b == 0) return 0;
      if constexpr (std::is_signed_v<V>)
        if (b == -1) return int_op(V(0), a, std::minus<>{});
      return a / b;
    } else {
      return a / b;
    }
  }
};
struct Rem {  // C fmod semantics (sign of the dividend); integer x % 0 = 0
  static constexpr bool simd = false;
  template <class V>
  V operator()(const V& a, const V& b) const {
    if constexpr (is_int_v<V>) {
      if (b == 0) return 0;
      if constexpr (std::is_signed_v<V>)
        if (b == -1) return 0;
      return a % b;
    } else {
      return std::fmod(a, b);
    }
  }
};
template <int Kind>  // 0: left, 1: right arithmetic, 2: right logical; out-of-range amounts are defined
struct Shift {
  static constexpr bool simd = false;
  template <class V>
  V operator()(const V& a, const V& b) const {
    using U = std::make_unsigned_t<V>;
    constexpr V bits = sizeof(V) * 8;
    bool out = b < 0 || b >= bits;
    if constexpr (Kind == 0) return out ? V(0) : V(U(a) << U(b));
    else if constexpr (Kind == 1) return out ? (a < 0 ? V(-1) : V(0)) : V(a >> b);
    else return out ? V(0) : V(U(a) >> U(b));
  }
};

constexpr Kinds N = Kinds::numeric, F = Kinds::floating, A = Kinds::any, BI = Kinds::boolean_or_integer,
                I = Kinds::integer;

void widen_half(DType d, const void* in, float* out, std::int64_t n) {
  const auto* h = static_cast<const std::uint16_t*>(in);
  std::int64_t i = 0;
  if (d == bfloat16) {
    for (; i < n; ++i) out[i] = std::bit_cast<float>(static_cast<std::uint32_t>(h[i]) << 16);
    return;
  }
#ifdef __F16C__
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i))));
#endif
  for (; i < n; ++i) out[i] = detail::half_bits_to_float(h[i]);
}

void narrow_half(DType d, const float* in, void* out, std::int64_t n) {
  auto* h = static_cast<std::uint16_t*>(out);
  std::int64_t i = 0;
  if (d == bfloat16) {
    for (; i < n; ++i) h[i] = detail::float_to_bfloat16_bits(in[i]);
    return;
  }
#ifdef __F16C__
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(h + i), _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT));
#endif
  for (; i < n; ++i) h[i] = detail::float_to_half_bits(in[i]);
}

}  // namespace

extern const ElementwiseKernels elementwise;
const ElementwiseKernels elementwise{
    .neg = unary_tile<Neg, N>,
    .abs = unary_tile<Abs, N>,
    .sign = unary_tile<Sign, N>,
    .floor = unary_tile<Floor, F>,
    .ceil = unary_tile<Ceil, F>,
    .round = unary_tile<Round, F>,
    .exp = unary_tile<Exp, F>,
    .exp2 = unary_tile<Exp2, F>,
    .log = unary_tile<Log, F>,
    .log1p = unary_tile<Log1p, F>,
    .expm1 = unary_tile<Expm1, F>,
    .sqrt = unary_tile<Sqrt, F>,
    .rsqrt = unary_tile<Rsqrt, F>,
    .cbrt = unary_tile<Cbrt, F>,
    .sin = unary_tile<Sin, F>,
    .cos = unary_tile<Cos, F>,
    .tan = unary_tile<Tan, F>,
    .asin = unary_tile<Asin, F>,
    .acos = unary_tile<Acos, F>,
    .atan = unary_tile<Atan, F>,
    .sinh = unary_tile<Sinh, F>,
    .cosh = unary_tile<Cosh, F>,
    .tanh = unary_tile<Tanh, F>,
    .asinh = unary_tile<Asinh, F>,
    .acosh = unary_tile<Acosh, F>,
    .atanh = unary_tile<Atanh, F>,
    .logistic = unary_tile<Logistic, F>,
    .erf = unary_tile<Erf, F>,
    .erfc = unary_tile<Erfc, F>,
    .erf_inv = unary_tile<ErfInv, F>,
    .lgamma = unary_tile<Lgamma, F>,
    .digamma = unary_tile<Digamma, F>,
    .polygamma = polygamma_tile,
    .is_finite = unary_tile<IsFinite, F, true>,
    .logical_not = unary_tile<Not, BI>,
    .identity = unary_tile<Identity, A>,
    .add = binary_tile<Add, N>,
    .sub = binary_tile<Sub, N>,
    .mul = binary_tile<Mul, N>,
    .div = binary_tile<Div, N>,
    .rem = binary_tile<Rem, N>,
    .pow = binary_tile<Pow, N>,
    .max = binary_tile<Max, A>,
    .min = binary_tile<Min, A>,
    .atan2 = binary_tile<Atan2, F>,
    .nextafter = binary_tile<NextAfter, F>,
    .bit_and = binary_tile<And, BI>,
    .bit_or = binary_tile<Or, BI>,
    .bit_xor = binary_tile<Xor, BI>,
    .shift_left = binary_tile<Shift<0>, I>,
    .shift_right_arithmetic = binary_tile<Shift<1>, I>,
    .shift_right_logical = binary_tile<Shift<2>, I>,
    .eq = binary_tile<Eq, A, true>,
    .ne = binary_tile<Ne, A, true>,
    .lt = binary_tile<Lt, A, true>,
    .le = binary_tile<Le, A, true>,
    .gt = binary_tile<Gt, A, true>,
    .ge = binary_tile<Ge, A, true>,
    .widen_half = widen_half,
    .narrow_half = narrow_half,
};

}  // namespace xjax::kernels::XJAX_ISA
