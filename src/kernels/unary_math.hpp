// The unary floating-point functions of the elementwise kernels as functors over scalars and xsimd
// batches, for the instruction set of the including file: the eager kernels run them over arrays
// (src/kernels/isa/elementwise.cpp), and jit's native tier inlines the same functors compiled to
// LLVM bitcode (transforms/jit/native/math.cpp), so both compute the same bits.
#pragma once
#include <cmath>
#include <functional>
#include <immintrin.h>
#include <type_traits>

#include "kernels/loops.hpp"

namespace xjax::kernels::XJAX_ISA {
namespace {

template <class V>
constexpr bool is_int_v = std::is_integral_v<V> && !std::is_same_v<V, bool>;

// Integer arithmetic wraps (signed overflow is undefined in C++).
template <class T, class Op>
T int_op(T a, T b, Op op) {
  if constexpr (is_int_v<T> && std::is_signed_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(op(static_cast<U>(a), static_cast<U>(b)));
  } else {
    return op(a, b);
  }
}

// xsimd's exp family converts the reduced argument to an integer even in lanes it then replaces by
// 0, inf or NaN, and for NaN or beyond the integer range that conversion is undefined behaviour. On
// batches, clamp to a range where every member already saturates (|x| <= 200 for float, 1500 for
// double) and put NaN lanes back afterwards.
template <class V, class F>
V exp_family(const V& x, F f) {
  if constexpr (std::is_floating_point_v<V>) {
    return f(x);
  } else {
    using T = typename V::value_type;
    const V lim(sizeof(T) == 4 ? T(200) : T(1500));
    auto nan = xsimd::isnan(x);  // not x != x: xsimd compares ordered, so that is false for NaN
    V safe = xsimd::select(nan, V(T(0)), xsimd::select(xsimd::abs(x) > lim, xsimd::copysign(lim, x), x));
    return xsimd::select(nan, x, f(safe));
  }
}

// a * b + c rounded once, on every instruction set: the FMA instruction where the set has one; on
// SSE4 the exact product in double plus c, rounded to odd, then rounded to float (53 >= 2 * 24 + 2
// bits, so the double rounding is exact: Boldo and Melquiond, 2008).
template <class A>  // a template, so that only the branch of this set's architecture is compiled
xsimd::batch<float, A> fused_multiply_add(const xsimd::batch<float, A>& a, const xsimd::batch<float, A>& b,
                                          const xsimd::batch<float, A>& c) {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<A, xsimd::avx512f>) return _mm512_fmadd_ps(a.data, b.data, c.data);
  else
#endif
#if defined(__FMA__)
  if constexpr (std::is_same_v<A, xsimd::avx2>) return _mm256_fmadd_ps(a.data, b.data, c.data);
  else
#endif
  {
    auto odd_sum = [](__m128d pa, __m128d pb, __m128d pc) {
      __m128d p = _mm_mul_pd(pa, pb), s = _mm_add_pd(p, pc), bb = _mm_sub_pd(s, p);
      __m128d err = _mm_add_pd(_mm_sub_pd(p, _mm_sub_pd(s, bb)), _mm_sub_pd(pc, bb));  // p + c - s, exactly
      // Inexact (err is NaN for an infinite or NaN sum: compares false): truncate s toward zero, one
      // ulp down when err points the other way, then set its last bit.
      __m128i inexact = _mm_castpd_si128(_mm_cmpneq_pd(err, _mm_setzero_pd()));
      inexact = _mm_and_si128(inexact, _mm_castpd_si128(_mm_cmpord_pd(err, err)));
      __m128i over = _mm_shuffle_epi32(_mm_srai_epi32(_mm_castpd_si128(_mm_xor_pd(s, err)), 31), 0xF5);
      const __m128i one = _mm_set1_epi64x(1);
      __m128i si = _mm_sub_epi64(_mm_castpd_si128(s), _mm_and_si128(_mm_and_si128(over, inexact), one));
      return _mm_castsi128_pd(_mm_or_si128(si, _mm_and_si128(inexact, one)));
    };
    const __m128 va = a.data, vb = b.data, vc = c.data;
    __m128d lo = odd_sum(_mm_cvtps_pd(va), _mm_cvtps_pd(vb), _mm_cvtps_pd(vc));
    __m128d hi = odd_sum(_mm_cvtps_pd(_mm_movehl_ps(va, va)), _mm_cvtps_pd(_mm_movehl_ps(vb, vb)),
                         _mm_cvtps_pd(_mm_movehl_ps(vc, vc)));
    return _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi));
  }
}

// float32 exp in fused multiply-adds (<= 1 ulp, the same bits on every set; bench/ulp_errors.cpp):
// x = k ln2 + r with |r| <= ln2 / 2 (Cody and Waite), e^r by a degree-7 minimax polynomial
// (Cephes' expf coefficients) in Horner form, times 2^k rounded once (AVX-512's scalef, else
// 2^(k/2) exactly and then 2^(k - k/2)). The clamp keeps NaN (x86 min/max return their second
// operand when one is NaN), so a NaN comes back as it went in, and saturates to 0 and inf
// through the scaling.
template <class A>
xsimd::batch<float, A> exp_f32(const xsimd::batch<float, A>& x) {
  using V = xsimd::batch<float, A>;
  using VI = xsimd::batch<std::int32_t, A>;
  V xc;
  if constexpr (std::is_same_v<A, xsimd::avx512f>) xc = _mm512_min_ps(V(89.f).data, _mm512_max_ps(V(-104.f).data, x.data));
  else if constexpr (std::is_same_v<A, xsimd::avx2>) xc = _mm256_min_ps(V(89.f).data, _mm256_max_ps(V(-104.f).data, x.data));
  else xc = _mm_min_ps(V(89.f).data, _mm_max_ps(V(-104.f).data, x.data));
  const V k = xsimd::nearbyint(xc * V(1.44269504088896341f));
  V r = fused_multiply_add(k, V(-0.693145751953125f), xc);
  r = fused_multiply_add(k, V(-1.428606765330187045e-06f), r);
  V p(1.9875691500e-4f);
  for (float c : {1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f, 1.f, 1.f})
    p = fused_multiply_add(p, r, V(c));
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<A, xsimd::avx512f>) return _mm512_scalef_ps(p.data, k.data);
#endif
  const VI ki = xsimd::batch_cast<std::int32_t>(k), k1 = ki >> 1;
  return p * xsimd::bitwise_cast<V>((k1 + VI(127)) << 23) * xsimd::bitwise_cast<V>((ki - k1 + VI(127)) << 23);
}

// exp with the float32 batches above (every other type through xsimd's exp).
template <class V>
V exp_any(const V& x) {
  if constexpr (std::is_same_v<V, Batch<float>>) return exp_f32(x);
  else return exp_family(x, [](const V& a) { return xsimd::exp(a); });
}

// float32 sin and cos in fused multiply-adds (<= 1.54 ulp, the same bits on every set;
// bench/ulp_errors.cpp): x = q pi/2 + r with |r| <= pi/4, reduced in three float parts of pi/2
// (the first product is exact for |x| <= 2^17), then Cephes' sinf or cosf polynomial on r by the
// quadrant q. Lanes beyond 2^17 are reduced in double with 29-bit parts of pi/2, whose products
// with q < 2^24 are exact; lanes beyond 2^24 and inf go through xsimd (a NaN stays NaN on the fast
// path, whose polynomial propagates it). Exhaustively checked
// below 2^24 in both paths.
template <class A>
xsimd::batch<float, A> sin_cos_f32(const xsimd::batch<float, A>& x, bool cosine) {
  using V = xsimd::batch<float, A>;
  using VI = xsimd::batch<std::int32_t, A>;
  const V q = xsimd::nearbyint(x * V(0.636619772367581343f));
  V r = fused_multiply_add(q, V(-0x1.921fb6p+0f), x);
  r = fused_multiply_add(q, V(0x1.777a5cp-25f), r);
  r = fused_multiply_add(q, V(0x1.ee59dap-50f), r);
  VI quadrant = xsimd::batch_cast<std::int32_t>(q);
  const V far = xsimd::abs(x);
  const bool any_far = xsimd::any(far > V(131072.f));  // NaN lanes give NaN on the fast path
  if (any_far) {  // rare: per lane, so a lane's bits never depend on its neighbours
    alignas(64) float xs[V::size], rs[V::size];
    alignas(64) std::int32_t qs[V::size];
    x.store_aligned(xs);
    r.store_aligned(rs);
    quadrant.store_aligned(qs);
    for (std::size_t i = 0; i < V::size; ++i) {
      const float a = std::fabs(xs[i]);
      if (!(a > 131072.f && a < 16777216.f)) continue;
      const double xd = xs[i], qd = std::nearbyint(xd * 0.63661977236758134308);
      rs[i] = static_cast<float>(((xd - qd * 0x1.921fb54p+0) - qd * 0x1.10b4611p-30) - qd * 0x1.4c4c6628b80dcp-59);
      qs[i] = static_cast<std::int32_t>(qd);
    }
    r = V::load_aligned(rs);
    quadrant = VI::load_aligned(qs);
  }
  if (cosine) quadrant = quadrant + VI(1);
  const V z = r * r;
  V s = fused_multiply_add(V(-1.9515295891e-4f), z, V(8.3321608736e-3f));
  s = fused_multiply_add(s, z, V(-1.6666654611e-1f));
  s = fused_multiply_add(s * z, r, r);
  V c = fused_multiply_add(V(2.443315711809948e-5f), z, V(-1.388731625493765e-3f));
  for (float k : {4.166664568298827e-2f, -0.5f, 1.f}) c = fused_multiply_add(c, z, V(k));
  const V odd = xsimd::bitwise_cast<V>(VI(0) - (quadrant & VI(1)));  // all ones in odd quadrants
  V y = s ^ ((s ^ c) & odd);
  y = y ^ xsimd::bitwise_cast<V>((quadrant & VI(2)) << 30);  // quadrants 2 and 3: negated
  if (any_far) {
    const auto slow = !(far < V(16777216.f));  // beyond 2^24, inf, NaN
    if (xsimd::any(slow)) y = xsimd::select(slow, cosine ? xsimd::cos(x) : xsimd::sin(x), y);
  }
  return y;
}
template <class V>
V sin_any(const V& x) {
  if constexpr (std::is_same_v<V, Batch<float>>) return sin_cos_f32(x, false);
  else return xsimd::sin(x);
}
template <class V>
V cos_any(const V& x) {
  if constexpr (std::is_same_v<V, Batch<float>>) return sin_cos_f32(x, true);
  else return xsimd::cos(x);
}

#define XJAX_FUNCTOR(Name, body)             \
  struct Name {                              \
    static constexpr bool simd = true;       \
    template <class V>                       \
    V operator()(const V& x) const { body; } \
  };
XJAX_FUNCTOR(Floor, return xsimd::floor(x))
XJAX_FUNCTOR(Ceil, return xsimd::ceil(x))
XJAX_FUNCTOR(Round, return xsimd::nearbyint(x))  // half to even in the default rounding mode
XJAX_FUNCTOR(Exp, return exp_any(x))
XJAX_FUNCTOR(Exp2, return exp_family(x, [](const V& a) { return xsimd::exp2(a); }))
XJAX_FUNCTOR(Log, return xsimd::log(x))
XJAX_FUNCTOR(Log1p, return xsimd::log1p(x))
XJAX_FUNCTOR(Expm1, return exp_family(x, [](const V& a) { return xsimd::expm1(a); }))
XJAX_FUNCTOR(Sqrt, return xsimd::sqrt(x))
XJAX_FUNCTOR(Rsqrt, return V(1) / xsimd::sqrt(x))  // not xsimd::rsqrt: that one is approximate
XJAX_FUNCTOR(Cbrt, return xsimd::cbrt(x))
XJAX_FUNCTOR(Sin, return sin_any(x))
XJAX_FUNCTOR(Cos, return cos_any(x))
XJAX_FUNCTOR(Tan, return xsimd::tan(x))
XJAX_FUNCTOR(Asin, return xsimd::asin(x))
XJAX_FUNCTOR(Acos, return xsimd::acos(x))
// NaN comes back as it went in: xsimd's atan flips its sign bit on some instruction sets.
XJAX_FUNCTOR(Atan, if constexpr (std::is_floating_point_v<V>) return std::atan(x);
             else return xsimd::select(xsimd::isnan(x), x, xsimd::atan(x)))
XJAX_FUNCTOR(Sinh, return exp_family(x, [](const V& a) { return xsimd::sinh(a); }))
XJAX_FUNCTOR(Cosh, return exp_family(x, [](const V& a) { return xsimd::cosh(a); }))
XJAX_FUNCTOR(Tanh, return exp_family(x, [](const V& a) { return xsimd::tanh(a); }))
XJAX_FUNCTOR(Asinh, return xsimd::asinh(x))
XJAX_FUNCTOR(Acosh, return xsimd::acosh(x))
XJAX_FUNCTOR(Atanh, return xsimd::atanh(x))
XJAX_FUNCTOR(Logistic, if constexpr (std::is_same_v<V, Batch<float>>) return xsimd::select(xsimd::isnan(x), x, V(1) / (V(1) + exp_f32(-x)));
             else return exp_family(x, [](const V& a) { return V(1) / (V(1) + xsimd::exp(-a)); }))
XJAX_FUNCTOR(Identity, return x)
#undef XJAX_FUNCTOR

}  // namespace
}  // namespace xjax::kernels::XJAX_ISA
