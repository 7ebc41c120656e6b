// The complex primitives real, imag, conj and complex (kernels in src/kernels/complex_kernels.cpp),
// with their rules, and jax.numpy's complex helpers.
//
// Transposes follow JAX's convention: a cotangent c pairs with a tangent v as Re(c v), without a
// conjugate, so the transpose of multiplying by w is multiplying by w, and grad of a real-valued f
// of z = x + iy is df/dx - i df/dy.
#include <numbers>

#include "primitives/elementwise.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {

using LinearRule = Array (*)(const Array&);

// A linear elementwise primitive: its JVP applies it to the tangent, its transpose is `transpose`.
const Primitive& linear_unary(const char* name, DTypes kinds, DType (*out_dtype)(DType), TileKernel tile,
                              LinearRule apply, LinearRule transpose) {
  Primitive p{.name = name, .arity = 1, .shape = [name, kinds, out_dtype](const Avals& in, const Params&) -> Avals {
                ShapedArray r = elementwise_aval(name, in, kinds);
                r.dtype = out_dtype(r.dtype);
                return {r};
              },
              .eval = tile_eval(tile), .tile = tile};
  p.jvp = [apply](const Arrays&, const Tangents& t, const Arrays&, const Params&) -> Tangents { return {apply(*t[0])}; };
  p.transpose = [transpose](const Tangents& ct, const LinearArgs&, const Params&) -> Tangents {
    return {ct[0] ? Tangent(transpose(*ct[0])) : std::nullopt};
  };
  p.batch = elementwise_batch;
  return def_primitive(std::move(p));
}

DType same(DType d) { return d; }
Array zero_of(const Array& x) { return zeros_like(x); }

}  // namespace

const Primitive& real_p = linear_unary("real", DTypes::inexact, real_dtype, kernels::complex_kernels.real,
                                       [](const Array& t) { return real(t); },
                                       [](const Array& c) { return complex(c, zero_of(c)); });
const Primitive& imag_p = linear_unary("imag", DTypes::inexact, real_dtype, kernels::complex_kernels.imag,
                                       [](const Array& t) { return imag(t); },
                                       [](const Array& c) { return complex(zero_of(c), -c); });
const Primitive& conj_p = linear_unary("conj", DTypes::inexact, same, kernels::complex_kernels.conj,
                                       [](const Array& t) { return conj(t); }, [](const Array& c) { return conj(c); });

// complex(x, y) = x + iy of two real operands of one dtype (float32 -> complex64, float64 -> complex128).
const Primitive& complex_p = []() -> const Primitive& {
  Primitive p{.name = "complex", .arity = 2, .shape = [](const Avals& in, const Params&) -> Avals {
                ShapedArray r = elementwise_aval("complex", in, DTypes::floating);
                if (is_half(r.dtype))
                  throw DTypeError("complex", "needs float32 or float64 parts, got ", in[0], " and ", in[1]);
                r.dtype = complex_dtype(r.dtype);
                return {r};
              },
              .eval = tile_eval(kernels::complex_kernels.make_complex), .tile = kernels::complex_kernels.make_complex};
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays&, const Params&) -> Tangents {
    auto part = [&](int i) { return t[i] ? *t[i] : zeros_like(x[i]); };
    return {complex(part(0), part(1))};
  };
  p.transpose = [](const Tangents& ct, const LinearArgs& a, const Params&) -> Tangents {
    if (!ct[0]) return {std::nullopt, std::nullopt};
    auto part = [&](int i, const Array& v) { return a[i].is_linear() ? Tangent(unbroadcast(v, a[i].aval)) : std::nullopt; };
    return {part(0, real(*ct[0])), part(1, -imag(*ct[0]))};
  };
  p.batch = elementwise_batch;
  return def_primitive(std::move(p));
}();

Array real(const Array& x) { return is_complex(x.dtype()) ? bind1(real_p, {x}) : x; }
Array imag(const Array& x) { return is_complex(x.dtype()) ? bind1(imag_p, {x}) : zeros_like(x); }
Array conj(const Array& x) { return is_complex(x.dtype()) ? bind1(conj_p, {x}) : x; }
Array conjugate(const Array& x) { return conj(x); }

Array complex(const Array& re, const Array& im) {
  // The parts promote as for x + y, then widen to a float dtype complex can hold.
  PromotedType t = promote_types(re.dtype(), re.weak_type(), im.dtype(), im.weak_type());
  if (is_complex(t.dtype)) throw DTypeError("complex", "needs real parts, got ", re.aval(), " and ", im.aval());
  const DType part = t.dtype == float64 || t.dtype == int64 ? float64 : float32;
  Array a = convert(re, part, false), b = convert(im, part, false);
  if (a.ndim() != 0 && b.ndim() != 0 && a.shape() != b.shape()) {
    const Shape s = broadcast_shapes(a.shape(), b.shape());
    a = broadcast_to(a, s);
    b = broadcast_to(b, s);
  }
  return bind1(complex_p, {a, b});
}

Array angle(const Array& x) {
  if (is_complex(x.dtype())) return atan2(imag(x), real(x));
  const Array xf = is_floating(x.dtype()) ? x : x.astype(x.dtype() == int64 ? float64 : float32);
  return atan2(zeros_like(xf), xf);
}
Array iscomplex(const Array& x) { return is_complex(x.dtype()) ? imag(x) != 0 : zeros_like(x, bool_); }
Array isreal(const Array& x) { return is_complex(x.dtype()) ? imag(x) == 0 : ones_like(x, bool_); }

}  // namespace xjax
