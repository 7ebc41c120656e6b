// Unary elementwise primitives (sin, exp, neg, ...) with all their rules; their kernels are in
// src/kernels/isa/elementwise.cpp.
#include <cmath>
#include <functional>
#include <numbers>

#include "primitives/elementwise.hpp"
#include "xjax/numpy.hpp"
#include "trace/lowering.hpp"

namespace xjax {
namespace {

using UnaryJvp = Array (*)(const Array& x, const Array& y, const Array& t);

const Primitive& unary(const char* name, DTypes kinds, TileKernel tile, UnaryJvp jvp, bool bool_out = false,
                       LowerFn lower = nullptr) {
  Primitive p{.name = name, .arity = 1, .shape = elementwise_shape(name, kinds, bool_out), .eval = tile_eval(tile), .tile = tile};
  // Floating functions run the eager kernel's vector code inlined in native code when it exists
  // under the primitive's name (transforms/jit/native/bitcode/math.cpp), else their tile kernel.
  p.lower = lower ? lower : (kinds == DTypes::floating || kinds == DTypes::inexact) && !bool_out ? lowering::lower_math : nullptr;
  if (jvp)
    p.jvp = [jvp](const Arrays& x, const Tangents& t, const Arrays& y, const Params&) -> Tangents {
      return {jvp(x[0], y[0], *t[0])};
    };
  else  // piecewise constant: the derivative is zero almost everywhere
    p.jvp = [](const Arrays&, const Tangents&, const Arrays&, const Params&) -> Tangents { return {std::nullopt}; };
  p.batch = elementwise_batch;
  return def_primitive(std::move(p));
}

constexpr DTypes F = DTypes::floating, FC = DTypes::inexact;
using lowering::lower_op;
using lowering::Op;

}  // namespace

const Primitive& neg_p = []() -> const Primitive& {
  constexpr TileKernel tile = with_complex<&Kernels::neg, &ComplexKernels::neg>;
  Primitive p{.name = "neg", .arity = 1, .shape = elementwise_shape("neg", DTypes::number), .eval = tile_eval(tile),
              .tile = tile};
  p.jvp = [](const Arrays&, const Tangents& t, const Arrays&, const Params&) -> Tangents { return {neg(*t[0])}; };
  p.transpose = [](const Tangents& ct, const LinearArgs&, const Params&) -> Tangents { return {neg(*ct[0])}; };
  p.batch = elementwise_batch;
  p.lower = lower_op<Op::neg>;
  return def_primitive(std::move(p));
}();
// |x|; of a complex x, the real modulus, whose derivative is Re(conj(x) t) / |x| (0 at x = 0, as JAX).
const Primitive& abs_p = []() -> const Primitive& {
  constexpr TileKernel tile = with_complex<&Kernels::abs, &ComplexKernels::abs>;
  Primitive p{.name = "abs", .arity = 1, .shape = [](const Avals& in, const Params&) -> Avals {
                ShapedArray r = elementwise_aval("abs", in, DTypes::number);
                r.dtype = real_dtype(r.dtype);
                return {r};
              },
              .eval = tile_eval(tile), .tile = tile};
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays& y, const Params&) -> Tangents {
    if (!is_complex(x[0].dtype())) return {*t[0] * sign(x[0])};
    return {where(x[0] == 0.0, 0.0, real(conj(x[0]) * *t[0]) / where(y[0] == 0.0, 1.0, y[0]))};
  };
  p.batch = elementwise_batch;
  p.lower = lower_op<Op::abs>;
  return def_primitive(std::move(p));
}();
const Primitive& sign_p = unary("sign", DTypes::number, with_complex<&Kernels::sign, &ComplexKernels::sign>, nullptr);
const Primitive& floor_p = unary("floor", F, isa_tile<&Kernels::floor>, nullptr);
const Primitive& ceil_p = unary("ceil", F, isa_tile<&Kernels::ceil>, nullptr);
const Primitive& round_p = unary("round", F, isa_tile<&Kernels::round>, nullptr);
const Primitive& exp_p = unary("exp", FC, with_complex<&Kernels::exp, &ComplexKernels::exp>, [](const Array&, const Array& y, const Array& t) {
  return t * y;
});
const Primitive& exp2_p = unary("exp2", FC, with_complex<&Kernels::exp2, &ComplexKernels::exp2>, [](const Array&, const Array& y, const Array& t) {
  return t * (y * std::log(2.0));
});
const Primitive& log_p = unary("log", FC, with_complex<&Kernels::log, &ComplexKernels::log>, [](const Array& x, const Array&, const Array& t) {
  return t / x;
});
const Primitive& log1p_p = unary("log1p", FC, with_complex<&Kernels::log1p, &ComplexKernels::log1p>,
                                 [](const Array& x, const Array&, const Array& t) { return t / (x + 1.0); });
const Primitive& expm1_p = unary("expm1", FC, with_complex<&Kernels::expm1, &ComplexKernels::expm1>,
                                 [](const Array&, const Array& y, const Array& t) { return t * (y + 1.0); });
const Primitive& sqrt_p = unary(
    "sqrt", FC, with_complex<&Kernels::sqrt, &ComplexKernels::sqrt>, [](const Array&, const Array& y, const Array& t) { return t / (y * 2.0); }, false,
    lower_op<Op::sqrt>);
const Primitive& rsqrt_p = unary("rsqrt", FC, with_complex<&Kernels::rsqrt, &ComplexKernels::rsqrt>,
                                 [](const Array& x, const Array& y, const Array& t) { return t * (y / x * -0.5); });
const Primitive& cbrt_p = unary("cbrt", F, isa_tile<&Kernels::cbrt>, [](const Array&, const Array& y, const Array& t) {
  return t / (y * y * 3.0);
});
const Primitive& sin_p = unary("sin", FC, with_complex<&Kernels::sin, &ComplexKernels::sin>, [](const Array& x, const Array&, const Array& t) {
  return t * cos(x);
});
const Primitive& cos_p = unary("cos", FC, with_complex<&Kernels::cos, &ComplexKernels::cos>, [](const Array& x, const Array&, const Array& t) {
  return t * -sin(x);
});
const Primitive& tan_p = unary("tan", FC, with_complex<&Kernels::tan, &ComplexKernels::tan>, [](const Array&, const Array& y, const Array& t) {
  return t * (y * y + 1.0);
});
const Primitive& asin_p = unary("asin", FC, with_complex<&Kernels::asin, &ComplexKernels::asin>, [](const Array& x, const Array&, const Array& t) {
  return t * rsqrt(1.0 - x * x);
});
const Primitive& acos_p = unary("acos", FC, with_complex<&Kernels::acos, &ComplexKernels::acos>, [](const Array& x, const Array&, const Array& t) {
  return t * -rsqrt(1.0 - x * x);
});
const Primitive& atan_p = unary("atan", FC, with_complex<&Kernels::atan, &ComplexKernels::atan>, [](const Array& x, const Array&, const Array& t) {
  return t / (x * x + 1.0);
});
const Primitive& sinh_p = unary("sinh", FC, with_complex<&Kernels::sinh, &ComplexKernels::sinh>, [](const Array& x, const Array&, const Array& t) {
  return t * cosh(x);
});
const Primitive& cosh_p = unary("cosh", FC, with_complex<&Kernels::cosh, &ComplexKernels::cosh>, [](const Array& x, const Array&, const Array& t) {
  return t * sinh(x);
});
const Primitive& tanh_p = unary("tanh", FC, with_complex<&Kernels::tanh, &ComplexKernels::tanh>, [](const Array&, const Array& y, const Array& t) {
  return t * (1.0 - y * y);
});
const Primitive& asinh_p = unary("asinh", FC, with_complex<&Kernels::asinh, &ComplexKernels::asinh>,
                                 [](const Array& x, const Array&, const Array& t) { return t * rsqrt(x * x + 1.0); });
const Primitive& acosh_p = unary("acosh", FC, with_complex<&Kernels::acosh, &ComplexKernels::acosh>, [](const Array& x, const Array&, const Array& t) {
  return t * rsqrt((x - 1.0) * (x + 1.0));
});
const Primitive& atanh_p = unary("atanh", FC, with_complex<&Kernels::atanh, &ComplexKernels::atanh>,
                                 [](const Array& x, const Array&, const Array& t) { return t / (1.0 - x * x); });
const Primitive& logistic_p = unary("logistic", FC, with_complex<&Kernels::logistic, &ComplexKernels::logistic>,
                                    [](const Array&, const Array& y, const Array& t) { return t * (y * (1.0 - y)); });
const Primitive& erf_p = unary("erf", F, isa_tile<&Kernels::erf>, [](const Array& x, const Array&, const Array& t) {
  return t * (exp(-(x * x)) * (2.0 / std::sqrt(std::numbers::pi)));
});
const Primitive& erfc_p = unary("erfc", F, isa_tile<&Kernels::erfc>, [](const Array& x, const Array&, const Array& t) {
  return t * (exp(-(x * x)) * (-2.0 / std::sqrt(std::numbers::pi)));
});
const Primitive& erf_inv_p = unary("erf_inv", F, isa_tile<&Kernels::erf_inv>,
                                   [](const Array&, const Array& y, const Array& t) {
                                     return t * (exp(y * y) * (std::sqrt(std::numbers::pi) / 2.0));
                                   });
const Primitive& lgamma_p = unary("lgamma", F, isa_tile<&Kernels::lgamma>,
                                  [](const Array& x, const Array&, const Array& t) { return t * digamma(x); });
const Primitive& digamma_p = unary("digamma", F, isa_tile<&Kernels::digamma>,
                                   [](const Array& x, const Array&, const Array& t) { return t * polygamma(1, x); });
const Primitive& is_finite_p = unary("is_finite", F, isa_tile<&Kernels::is_finite>, nullptr, true);
const Primitive& not_p = unary("not", DTypes::boolean_or_integer, isa_tile<&Kernels::logical_not>,
                               nullptr, false, lower_op<Op::bit_not>);
const Primitive& stop_gradient_p =
    unary("stop_gradient", DTypes::anything, with_complex<&Kernels::identity, &ComplexKernels::identity>, nullptr, false,
          lower_op<Op::identity>);

// polygamma(n, x) for integer n >= 1 (n = 0 is digamma); the derivative raises n by one.
const Primitive& polygamma_p = []() -> const Primitive& {
  Primitive p{.name = "polygamma", .arity = 1, .shape = [](const Avals& in, const Params& params) -> Avals {
                if (params.get_int("n") < 0) throw ValueError("polygamma", "order n must be >= 0");
                return {elementwise_aval("polygamma", in, DTypes::floating)};
              }};
  p.tile = isa_tile<&Kernels::polygamma>;
  p.eval = tile_eval(p.tile);
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
    return {*t[0] * polygamma(static_cast<int>(params.get_int("n")) + 1, x[0])};
  };
  p.batch = elementwise_batch;
  return def_primitive(std::move(p));
}();

namespace {
Array f(const Primitive& p, const Array& x) { return bind1(p, {inexact(x)}); }
}  // namespace

Array neg(const Array& x) { return bind1(neg_p, {x.dtype() == bool_ ? x.astype(int32) : x}); }
Array abs(const Array& x) { return x.dtype() == bool_ ? x : bind1(abs_p, {x}); }
Array sign(const Array& x) { return x.dtype() == bool_ ? x : bind1(sign_p, {x}); }
Array floor(const Array& x) { return is_inexact(x.dtype()) ? bind1(floor_p, {x}) : x; }
Array ceil(const Array& x) { return is_inexact(x.dtype()) ? bind1(ceil_p, {x}) : x; }
Array round(const Array& x) { return is_inexact(x.dtype()) ? bind1(round_p, {x}) : x; }
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
Array isfinite(const Array& x) {
  if (is_complex(x.dtype())) return logical_and(isfinite(real(x)), isfinite(imag(x)));
  return is_floating(x.dtype()) ? bind1(is_finite_p, {x}) : full_like(x, true, bool_);
}
Array isnan(const Array& x) { return is_inexact(x.dtype()) ? x != x : full_like(x, false, bool_); }
Array isinf(const Array& x) {
  if (is_complex(x.dtype())) return logical_or(isinf(real(x)), isinf(imag(x)));
  return is_floating(x.dtype()) ? logical_and(logical_not(isfinite(x)), x == x) : full_like(x, false, bool_);
}
Array logical_not(const Array& x) { return bind1(not_p, {x.dtype() == bool_ ? x : x != 0}); }
Array bitwise_not(const Array& x) { return bind1(not_p, {x}); }
Array stop_gradient(const Array& x) { return bind1(stop_gradient_p, {x}); }
Array square(const Array& x) { return integer_pow(x, 2); }
Array reciprocal(const Array& x) { return 1.0 / inexact(x); }

}  // namespace xjax
