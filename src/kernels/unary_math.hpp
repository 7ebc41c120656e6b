// The unary floating-point functions of the elementwise kernels as functors over scalars and xsimd
// batches, for the instruction set of the including file: the eager kernels run them over arrays
// (src/kernels/isa/elementwise.cpp), and jit's native tier inlines the same functors compiled to
// LLVM bitcode (transforms/jit/native/math.cpp), so both compute the same bits.
#pragma once
#include <cmath>
#include <functional>
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

#define XJAX_FUNCTOR(Name, body)             \
  struct Name {                              \
    static constexpr bool simd = true;       \
    template <class V>                       \
    V operator()(const V& x) const { body; } \
  };
XJAX_FUNCTOR(Floor, return xsimd::floor(x))
XJAX_FUNCTOR(Ceil, return xsimd::ceil(x))
XJAX_FUNCTOR(Round, return xsimd::nearbyint(x))  // half to even in the default rounding mode
XJAX_FUNCTOR(Exp, return exp_family(x, [](const V& a) { return xsimd::exp(a); }))
XJAX_FUNCTOR(Exp2, return exp_family(x, [](const V& a) { return xsimd::exp2(a); }))
XJAX_FUNCTOR(Log, return xsimd::log(x))
XJAX_FUNCTOR(Log1p, return xsimd::log1p(x))
XJAX_FUNCTOR(Expm1, return exp_family(x, [](const V& a) { return xsimd::expm1(a); }))
XJAX_FUNCTOR(Sqrt, return xsimd::sqrt(x))
XJAX_FUNCTOR(Rsqrt, return V(1) / xsimd::sqrt(x))  // not xsimd::rsqrt: that one is approximate
XJAX_FUNCTOR(Cbrt, return xsimd::cbrt(x))
XJAX_FUNCTOR(Sin, return xsimd::sin(x))
XJAX_FUNCTOR(Cos, return xsimd::cos(x))
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
XJAX_FUNCTOR(Logistic, return exp_family(x, [](const V& a) { return V(1) / (V(1) + xsimd::exp(-a)); }))
XJAX_FUNCTOR(Identity, return x)
#undef XJAX_FUNCTOR

}  // namespace
}  // namespace xjax::kernels::XJAX_ISA
