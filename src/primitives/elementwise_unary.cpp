// Unary elementwise primitives (sin, exp, neg, ...) with their kernels and all their rules.
#include <cmath>
#include <functional>

#include "kernels/special.hpp"
#include "primitives/elementwise.hpp"

namespace xjax {
namespace {

template <class V>
constexpr bool is_int_v = std::is_integral_v<V> && !std::is_same_v<V, bool>;

// xsimd's exp family converts the reduced argument to an integer even in lanes it then replaces by
// 0, inf or NaN, and for NaN or beyond the integer range that conversion is undefined behaviour.
// On batches, clamp to a range where every member already saturates (|x| <= 200 for float, 1500
// for double) and put NaN lanes back afterwards. Scalars go through the C library, which is defined.
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

// Functors: `simd` says the body also runs on xsimd batches (floating types only).
#define XJAX_FUNCTOR(Name, body)                     \
  struct Name {                                      \
    static constexpr bool simd = true;               \
    template <class V>                               \
    V operator()(const V& x) const { body; }         \
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
XJAX_FUNCTOR(Atan, return xsimd::atan(x))
XJAX_FUNCTOR(Sinh, return exp_family(x, [](const V& a) { return xsimd::sinh(a); }))
XJAX_FUNCTOR(Cosh, return exp_family(x, [](const V& a) { return xsimd::cosh(a); }))
XJAX_FUNCTOR(Tanh, return exp_family(x, [](const V& a) { return xsimd::tanh(a); }))
XJAX_FUNCTOR(Asinh, return xsimd::asinh(x))
XJAX_FUNCTOR(Acosh, return xsimd::acosh(x))
XJAX_FUNCTOR(Atanh, return xsimd::atanh(x))
XJAX_FUNCTOR(Logistic, return exp_family(x, [](const V& a) { return V(1) / (V(1) + xsimd::exp(-a)); }))
XJAX_FUNCTOR(Identity, return x)
#undef XJAX_FUNCTOR

struct Neg {
  static constexpr bool simd = true;
  template <class V>
  V operator()(const V& x) const {
    if constexpr (is_int_v<V>) return int_op(V(0), x, std::minus<>{});
    else return -x;
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
struct Erf {
  static constexpr bool simd = false;
  template <class V>
  V operator()(const V& x) const { return std::erf(x); }
};
struct Erfc {
  static constexpr bool simd = false;
  template <class V>
  V operator()(const V& x) const { return std::erfc(x); }
};
struct Lgamma {
  static constexpr bool simd = false;
  template <class V>
  V operator()(const V& x) const {
    int sign;  // lgamma_r: std::lgamma writes the global signgam, a data race between threads
    if constexpr (std::is_same_v<V, float>) return ::lgammaf_r(x, &sign);
    else return ::lgamma_r(x, &sign);
  }
};
struct ErfInv {
  static constexpr bool simd = false;
  template <class V>
  V operator()(const V& x) const { return kernels::erf_inv(x); }
};
struct Digamma {
  static constexpr bool simd = false;
  template <class V>
  V operator()(const V& x) const { return kernels::polygamma(0, x); }
};
struct IsFinite {
  static constexpr bool simd = false;
  template <class V>
  bool operator()(const V& x) const { return std::isfinite(x); }
};
struct Not {
  static constexpr bool simd = false;
  template <class V>
  V operator()(const V& x) const {
    if constexpr (std::is_same_v<V, bool>) return !x;
    else return static_cast<V>(~x);
  }
};

using UnaryJvp = Array (*)(const Array& x, const Array& y, const Array& t);

const Primitive& unary(const char* name, DTypes kinds, TileKernel tile, UnaryJvp jvp, bool bool_out = false) {
  Primitive p{.name = name, .shape = elementwise_shape(name, kinds, bool_out), .eval = tile_eval(tile), .tile = tile};
  if (jvp)
    p.jvp = [jvp](const Arrays& x, const Tangents& t, const Arrays& y, const Params&) -> Tangents {
      return {jvp(x[0], y[0], *t[0])};
    };
  else  // piecewise constant: the derivative is zero almost everywhere
    p.jvp = [](const Arrays&, const Tangents&, const Arrays&, const Params&) -> Tangents { return {std::nullopt}; };
  p.batch = elementwise_batch;
  p.fusion = FusionKind::elementwise;
  return def_primitive(std::move(p));
}

constexpr DTypes F = DTypes::floating;
const double pi = 3.141592653589793;

}  // namespace

const Primitive& neg_p = []() -> const Primitive& {
  Primitive p{.name = "neg", .shape = elementwise_shape("neg", DTypes::numeric),
              .eval = tile_eval(unary_tile<Neg, DTypes::numeric>), .tile = unary_tile<Neg, DTypes::numeric>};
  p.jvp = [](const Arrays&, const Tangents& t, const Arrays&, const Params&) -> Tangents { return {neg(*t[0])}; };
  p.transpose = [](const Tangents& ct, const LinearArgs&, const Params&) -> Tangents { return {neg(*ct[0])}; };
  p.batch = elementwise_batch;
  p.fusion = FusionKind::elementwise;
  return def_primitive(std::move(p));
}();
const Primitive& abs_p = unary("abs", DTypes::numeric, unary_tile<Abs, DTypes::numeric>,
                               [](const Array& x, const Array&, const Array& t) { return t * sign(x); });
const Primitive& sign_p = unary("sign", DTypes::numeric, unary_tile<Sign, DTypes::numeric>, nullptr);
const Primitive& floor_p = unary("floor", F, unary_tile<Floor, F>, nullptr);
const Primitive& ceil_p = unary("ceil", F, unary_tile<Ceil, F>, nullptr);
const Primitive& round_p = unary("round", F, unary_tile<Round, F>, nullptr);
const Primitive& exp_p = unary("exp", F, unary_tile<Exp, F>, [](const Array&, const Array& y, const Array& t) {
  return t * y;
});
const Primitive& exp2_p = unary("exp2", F, unary_tile<Exp2, F>, [](const Array&, const Array& y, const Array& t) {
  return t * (y * std::log(2.0));
});
const Primitive& log_p = unary("log", F, unary_tile<Log, F>, [](const Array& x, const Array&, const Array& t) {
  return t / x;
});
const Primitive& log1p_p = unary("log1p", F, unary_tile<Log1p, F>,
                                 [](const Array& x, const Array&, const Array& t) { return t / (x + 1.0); });
const Primitive& expm1_p = unary("expm1", F, unary_tile<Expm1, F>,
                                 [](const Array&, const Array& y, const Array& t) { return t * (y + 1.0); });
const Primitive& sqrt_p = unary("sqrt", F, unary_tile<Sqrt, F>, [](const Array&, const Array& y, const Array& t) {
  return t / (y * 2.0);
});
const Primitive& rsqrt_p = unary("rsqrt", F, unary_tile<Rsqrt, F>,
                                 [](const Array& x, const Array& y, const Array& t) { return t * (y / x * -0.5); });
const Primitive& cbrt_p = unary("cbrt", F, unary_tile<Cbrt, F>, [](const Array&, const Array& y, const Array& t) {
  return t / (y * y * 3.0);
});
const Primitive& sin_p = unary("sin", F, unary_tile<Sin, F>, [](const Array& x, const Array&, const Array& t) {
  return t * cos(x);
});
const Primitive& cos_p = unary("cos", F, unary_tile<Cos, F>, [](const Array& x, const Array&, const Array& t) {
  return t * -sin(x);
});
const Primitive& tan_p = unary("tan", F, unary_tile<Tan, F>, [](const Array&, const Array& y, const Array& t) {
  return t * (y * y + 1.0);
});
const Primitive& asin_p = unary("asin", F, unary_tile<Asin, F>, [](const Array& x, const Array&, const Array& t) {
  return t * rsqrt(1.0 - x * x);
});
const Primitive& acos_p = unary("acos", F, unary_tile<Acos, F>, [](const Array& x, const Array&, const Array& t) {
  return t * -rsqrt(1.0 - x * x);
});
const Primitive& atan_p = unary("atan", F, unary_tile<Atan, F>, [](const Array& x, const Array&, const Array& t) {
  return t / (x * x + 1.0);
});
const Primitive& sinh_p = unary("sinh", F, unary_tile<Sinh, F>, [](const Array& x, const Array&, const Array& t) {
  return t * cosh(x);
});
const Primitive& cosh_p = unary("cosh", F, unary_tile<Cosh, F>, [](const Array& x, const Array&, const Array& t) {
  return t * sinh(x);
});
const Primitive& tanh_p = unary("tanh", F, unary_tile<Tanh, F>, [](const Array&, const Array& y, const Array& t) {
  return t * (1.0 - y * y);
});
const Primitive& asinh_p = unary("asinh", F, unary_tile<Asinh, F>,
                                 [](const Array& x, const Array&, const Array& t) { return t * rsqrt(x * x + 1.0); });
const Primitive& acosh_p = unary("acosh", F, unary_tile<Acosh, F>, [](const Array& x, const Array&, const Array& t) {
  return t * rsqrt((x - 1.0) * (x + 1.0));
});
const Primitive& atanh_p = unary("atanh", F, unary_tile<Atanh, F>,
                                 [](const Array& x, const Array&, const Array& t) { return t / (1.0 - x * x); });
const Primitive& logistic_p = unary("logistic", F, unary_tile<Logistic, F>,
                                    [](const Array&, const Array& y, const Array& t) { return t * (y * (1.0 - y)); });
const Primitive& erf_p = unary("erf", F, unary_tile<Erf, F>, [](const Array& x, const Array&, const Array& t) {
  return t * (exp(-(x * x)) * (2.0 / std::sqrt(pi)));
});
const Primitive& erfc_p = unary("erfc", F, unary_tile<Erfc, F>, [](const Array& x, const Array&, const Array& t) {
  return t * (exp(-(x * x)) * (-2.0 / std::sqrt(pi)));
});
const Primitive& erf_inv_p = unary("erf_inv", F, unary_tile<ErfInv, F>,
                                   [](const Array&, const Array& y, const Array& t) {
                                     return t * (exp(y * y) * (std::sqrt(pi) / 2.0));
                                   });
const Primitive& lgamma_p = unary("lgamma", F, unary_tile<Lgamma, F>,
                                  [](const Array& x, const Array&, const Array& t) { return t * digamma(x); });
const Primitive& digamma_p = unary("digamma", F, unary_tile<Digamma, F>,
                                   [](const Array& x, const Array&, const Array& t) { return t * polygamma(1, x); });
const Primitive& is_finite_p = unary("is_finite", F, unary_tile<IsFinite, F, true>, nullptr, true);
const Primitive& not_p = unary("not", DTypes::boolean_or_integer, unary_tile<Not, DTypes::boolean_or_integer>,
                               nullptr);
const Primitive& stop_gradient_p = unary("stop_gradient", DTypes::any, unary_tile<Identity, DTypes::any>, nullptr);

// polygamma(n, x) for integer n >= 1 (n = 0 is digamma); the derivative raises n by one.
const Primitive& polygamma_p = []() -> const Primitive& {
  Primitive p{.name = "polygamma", .shape = [](const Avals& in, const Params& params) -> Avals {
                if (params.get_int("n") < 0) throw ValueError("polygamma", "order n must be >= 0");
                return {elementwise_aval("polygamma", in, DTypes::floating)};
              }};
  p.tile = [](const TileArgs& a) {
    int n = static_cast<int>(a.params->get_int("n"));
    dispatch_dtype(a.in_dtype[0], [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_floating_point_v<T>) {
        const T* x = reinterpret_cast<const T*>(a.in[0]);
        for (std::int64_t i = 0; i < a.n; ++i) reinterpret_cast<T*>(a.out)[i] = kernels::polygamma(n, x[i]);
      }
    });
  };
  p.eval = tile_eval(p.tile);
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
    return {*t[0] * polygamma(static_cast<int>(params.get_int("n")) + 1, x[0])};
  };
  p.batch = elementwise_batch;
  p.fusion = FusionKind::elementwise;
  return def_primitive(std::move(p));
}();

namespace {
// Unary float functions promote integer and bool inputs, as jnp does (int64 -> float64, else float32).
Array inexact(const Array& x) {
  if (is_floating(x.dtype())) return x;
  return convert(x, x.dtype() == int64 ? float64 : float32, x.weak_type());  // a weak int stays weak
}
Array f(const Primitive& p, const Array& x) { return bind1(p, {inexact(x)}); }
}  // namespace

Array neg(const Array& x) { return bind1(neg_p, {x.dtype() == bool_ ? x.astype(int32) : x}); }
Array abs(const Array& x) { return x.dtype() == bool_ ? x : bind1(abs_p, {x}); }
Array sign(const Array& x) { return x.dtype() == bool_ ? x : bind1(sign_p, {x}); }
Array floor(const Array& x) { return is_floating(x.dtype()) ? bind1(floor_p, {x}) : x; }
Array ceil(const Array& x) { return is_floating(x.dtype()) ? bind1(ceil_p, {x}) : x; }
Array round(const Array& x) { return is_floating(x.dtype()) ? bind1(round_p, {x}) : x; }
Array exp(const Array& x) { return f(exp_p, x); }
Array exp2(const Array& x) { return f(exp2_p, x); }
Array log(const Array& x) { return f(log_p, x); }
Array log1p(const Array& x) { return f(log1p_p, x); }
Array expm1(const Array& x) { return f(expm1_p, x); }
Array sqrt(const Array& x) { return f(sqrt_p, x); }
Array rsqrt(const Array& x) { return f(rsqrt_p, x); }
Array cbrt(const Array& x) { return f(cbrt_p, x); }
Array sin(const Array& x) { return f(sin_p, x); }
Array cos(const Array& x) { return f(cos_p, x); }
Array tan(const Array& x) { return f(tan_p, x); }
Array asin(const Array& x) { return f(asin_p, x); }
Array acos(const Array& x) { return f(acos_p, x); }
Array atan(const Array& x) { return f(atan_p, x); }
Array sinh(const Array& x) { return f(sinh_p, x); }
Array cosh(const Array& x) { return f(cosh_p, x); }
Array tanh(const Array& x) { return f(tanh_p, x); }
Array asinh(const Array& x) { return f(asinh_p, x); }
Array acosh(const Array& x) { return f(acosh_p, x); }
Array atanh(const Array& x) { return f(atanh_p, x); }
Array logistic(const Array& x) { return f(logistic_p, x); }
Array sigmoid(const Array& x) { return logistic(x); }
Array erf(const Array& x) { return f(erf_p, x); }
Array erfc(const Array& x) { return f(erfc_p, x); }
Array erf_inv(const Array& x) { return f(erf_inv_p, x); }
Array lgamma(const Array& x) { return f(lgamma_p, x); }
Array digamma(const Array& x) { return f(digamma_p, x); }
Array polygamma(int n, const Array& x) { return bind1(polygamma_p, {inexact(x)}, {{"n", std::int64_t{n}}}); }
Array isfinite(const Array& x) { return is_floating(x.dtype()) ? bind1(is_finite_p, {x}) : full_like(x, true, bool_); }
Array isnan(const Array& x) { return is_floating(x.dtype()) ? x != x : full_like(x, false, bool_); }
Array isinf(const Array& x) {
  return is_floating(x.dtype()) ? logical_and(logical_not(isfinite(x)), x == x) : full_like(x, false, bool_);
}
Array logical_not(const Array& x) { return bind1(not_p, {x.dtype() == bool_ ? x : x != 0}); }
Array bitwise_not(const Array& x) { return bind1(not_p, {x}); }
Array stop_gradient(const Array& x) { return bind1(stop_gradient_p, {x}); }
Array square(const Array& x) { return integer_pow(x, 2); }
Array reciprocal(const Array& x) { return 1.0 / inexact(x); }

}  // namespace xjax
