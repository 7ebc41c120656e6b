// Binary elementwise primitives (add, mul, max, comparisons, ...; kernels in
// src/kernels/isa/elementwise.cpp), select_n, integer_pow and
// convert_element_type, with their rules; and the numpy-style wrappers that promote and broadcast.
#include <cmath>
#include <functional>
#include <limits>

#include "trace/rules.hpp"
#include "primitives/elementwise.hpp"
#include "trace/lowering.hpp"
#include "trace/trace.hpp"

namespace xjax {
namespace {

using BinaryJvp = std::function<Tangents(const Arrays& x, const Tangents& t, const Array& out)>;

const Primitive& binary(const char* name, DTypes kinds, TileKernel tile, BinaryJvp jvp,
                        decltype(Primitive::transpose) transpose = nullptr, bool bool_out = false,
                        LowerFn lower = nullptr) {
  Primitive p{.name = name, .arity = 2, .shape = elementwise_shape(name, kinds, bool_out), .eval = tile_eval(tile), .tile = tile};
  p.lower = lower;
  if (jvp)
    p.jvp = [jvp](const Arrays& x, const Tangents& t, const Arrays& y, const Params&) -> Tangents {
      Tangents r = jvp(x, t, y[0]);
      // A 0-d operand's tangent alone (x + v with x 0-d) has the operand's shape: broadcast it.
      if (r[0] && r[0]->shape() != y[0].shape()) r[0] = broadcast_to(*r[0], y[0].shape());
      return r;
    };
  else
    p.jvp = [](const Arrays&, const Tangents&, const Arrays&, const Params&) -> Tangents { return {std::nullopt}; };
  p.transpose = std::move(transpose);
  p.batch = elementwise_batch;
  return def_primitive(std::move(p));
}

// t * f applied only where the tangent is not a symbolic zero.
Tangent scaled(const Tangent& t, const std::function<Array(const Array&)>& f) {
  return t ? Tangent(f(*t)) : std::nullopt;
}
// The transpose of an op linear in each operand separately: ct_i = unbroadcast(f_i(ct)).
Tangent ct_for(const LinearArg& a, const Tangent& ct, const std::function<Array(const Array&)>& f) {
  if (!a.is_linear() || !ct) return std::nullopt;
  return unbroadcast(f(*ct), a.aval);
}
Array id(const Array& x) { return x; }

constexpr DTypes N = DTypes::numeric, NC = DTypes::number, A = DTypes::any, BI = DTypes::boolean_or_integer;
using lowering::lower_op;
using lowering::Op;

}  // namespace

const Primitive& add_p = binary(
    "add", NC, with_complex<&Kernels::add, &ComplexKernels::add>,
    [](const Arrays&, const Tangents& t, const Array&) -> Tangents { return {add_tangents(t[0], t[1])}; },
    [](const Tangents& ct, const LinearArgs& a, const Params&) -> Tangents {
      return {ct_for(a[0], ct[0], id), ct_for(a[1], ct[0], id)};
    },
    false, lower_op<Op::add>);
const Primitive& sub_p = binary(
    "sub", NC, with_complex<&Kernels::sub, &ComplexKernels::sub>,
    [](const Arrays&, const Tangents& t, const Array&) -> Tangents {
      return {add_tangents(t[0], scaled(t[1], [](const Array& u) { return neg(u); }))};
    },
    [](const Tangents& ct, const LinearArgs& a, const Params&) -> Tangents {
      return {ct_for(a[0], ct[0], id), ct_for(a[1], ct[0], [](const Array& c) { return neg(c); })};
    },
    false, lower_op<Op::sub>);
const Primitive& mul_p = binary(
    "mul", NC, with_complex<&Kernels::mul, &ComplexKernels::mul>,
    [](const Arrays& x, const Tangents& t, const Array&) -> Tangents {
      return {add_tangents(scaled(t[0], [&](const Array& u) { return u * x[1]; }),
                           scaled(t[1], [&](const Array& u) { return x[0] * u; }))};
    },
    [](const Tangents& ct, const LinearArgs& a, const Params&) -> Tangents {
      if (a[0].is_linear() && a[1].is_linear()) throw TransformError("mul", "transpose of a product of two linear values");
      return {ct_for(a[0], ct[0], [&](const Array& c) { return c * *a[1].value; }),
              ct_for(a[1], ct[0], [&](const Array& c) { return *a[0].value * c; })};
    },
    false, lower_op<Op::mul>);
const Primitive& div_p = binary(
    "div", NC, with_complex<&Kernels::div, &ComplexKernels::div>,
    [](const Arrays& x, const Tangents& t, const Array& out) -> Tangents {
      return {add_tangents(scaled(t[0], [&](const Array& u) { return u / x[1]; }),
                           scaled(t[1], [&](const Array& u) { return -(u * (out / x[1])); }))};
    },
    [](const Tangents& ct, const LinearArgs& a, const Params&) -> Tangents {
      if (a[1].is_linear()) throw TransformError("div", "transpose with a linear divisor");
      return {ct_for(a[0], ct[0], [&](const Array& c) { return c / *a[1].value; }), std::nullopt};
    },
    false, lower_op<Op::div>);
const Primitive& rem_p = binary("rem", N, isa_tile<&Kernels::rem>,
                                [](const Arrays& x, const Tangents& t, const Array&) -> Tangents {
                                  return {add_tangents(t[0], scaled(t[1], [&](const Array& u) {
                                    Array q = x[0] / x[1];
                                    return -(u * (sign(q) * floor(abs(q))));
                                  }))};
                                },
                                nullptr, false, lower_op<Op::rem>);
const Primitive& pow_p = binary(
    "pow", NC, with_complex<&Kernels::pow, &ComplexKernels::pow>,
    [](const Arrays& x, const Tangents& t, const Array& out) -> Tangents {
      return {add_tangents(scaled(t[0],
                                  [&](const Array& u) {
                                    Array d = where(x[1] == 0.0, 0.0, x[1] * pow(x[0], x[1] - 1.0));
                                    return u * d;
                                  }),
                           scaled(t[1], [&](const Array& u) {
                             return u * (log(where(x[0] == 0.0, 1.0, x[0])) * out);
                           }))};
    });
const Primitive& max_p = binary("max", A, isa_tile<&Kernels::max>, [](const Arrays& x, const Tangents& t, const Array&) {
  // Ties split the derivative evenly, as JAX does.
  auto pick = [&](int i) {
    return scaled(t[i], [&](const Array& u) {
      const Array &me = x[i], &other = x[1 - i];
      return u * where(me > other, 1.0, where(me == other, 0.5, 0.0)).astype(u.dtype());
    });
  };
  return Tangents{add_tangents(pick(0), pick(1))};
}, nullptr, false, lower_op<Op::max>);
const Primitive& min_p = binary("min", A, isa_tile<&Kernels::min>, [](const Arrays& x, const Tangents& t, const Array&) {
  auto pick = [&](int i) {
    return scaled(t[i], [&](const Array& u) {
      const Array &me = x[i], &other = x[1 - i];
      return u * where(me < other, 1.0, where(me == other, 0.5, 0.0)).astype(u.dtype());
    });
  };
  return Tangents{add_tangents(pick(0), pick(1))};
}, nullptr, false, lower_op<Op::min>);
const Primitive& atan2_p = binary("atan2", DTypes::floating, isa_tile<&Kernels::atan2>,
                                  [](const Arrays& x, const Tangents& t, const Array&) -> Tangents {
                                    Array denom = x[0] * x[0] + x[1] * x[1];
                                    return {add_tangents(scaled(t[0], [&](const Array& u) { return u * x[1] / denom; }),
                                                         scaled(t[1], [&](const Array& u) { return -(u * x[0] / denom); }))};
                                  });
namespace {
// float16 and bfloat16 step through their own bits (a float32 step would round back to x).
template <class T>
T half_nextafter(T x, T y) {
  const float fx = x, fy = y;
  if (fx != fx || fy != fy) return T(fx + fy);
  if (fx == fy) return y;
  if (fx == 0) return T::from_bits(static_cast<std::uint16_t>((y.bits & 0x8000) | 1));
  const bool away_from_zero = (fx < fy) == (fx > 0);
  return T::from_bits(static_cast<std::uint16_t>(away_from_zero ? x.bits + 1 : x.bits - 1));
}
void nextafter_tile(const TileArgs& a) {
  if (!is_half(a.in_dtype[0])) return isa_tile<&Kernels::nextafter>(a);
  dispatch_any_dtype(a.in_dtype[0], [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (is_half_v<T>) {
      const T* x = reinterpret_cast<const T*>(a.in[0]);
      const T* y = reinterpret_cast<const T*>(a.in[1]);
      const std::int64_t sx = a.in_size[0] == 1 ? 0 : 1, sy = a.in_size[1] == 1 ? 0 : 1;
      T* o = reinterpret_cast<T*>(a.out);
      for (std::int64_t i = 0; i < a.n; ++i) o[i] = half_nextafter(x[i * sx], y[i * sy]);
    }
  });
}
}  // namespace

// The neighbouring representable value: a step function, so its derivative is zero.
const Primitive& nextafter_p = []() -> const Primitive& {
  Primitive p{.name = "nextafter", .arity = 2, .shape = elementwise_shape("nextafter", DTypes::floating, false),
              .eval = tile_eval(nextafter_tile), .tile = nextafter_tile, .handles_half = true};
  p.jvp = [](const Arrays&, const Tangents&, const Arrays&, const Params&) -> Tangents { return {std::nullopt}; };
  p.batch = elementwise_batch;
  return def_primitive(std::move(p));
}();
const Primitive& and_p = binary("and", BI, isa_tile<&Kernels::bit_and>, nullptr, nullptr, false, lower_op<Op::bit_and>);
const Primitive& or_p = binary("or", BI, isa_tile<&Kernels::bit_or>, nullptr, nullptr, false, lower_op<Op::bit_or>);
const Primitive& xor_p = binary("xor", BI, isa_tile<&Kernels::bit_xor>, nullptr, nullptr, false, lower_op<Op::bit_xor>);
const Primitive& shift_left_p = binary("shift_left", DTypes::integer, isa_tile<&Kernels::shift_left>, nullptr);
const Primitive& shift_right_arithmetic_p =
    binary("shift_right_arithmetic", DTypes::integer, isa_tile<&Kernels::shift_right_arithmetic>, nullptr);
const Primitive& shift_right_logical_p =
    binary("shift_right_logical", DTypes::integer, isa_tile<&Kernels::shift_right_logical>, nullptr);
const Primitive& eq_p = binary("eq", DTypes::anything, with_complex<&Kernels::eq, &ComplexKernels::eq>, nullptr, nullptr, true, lower_op<Op::eq>);
const Primitive& ne_p = binary("ne", DTypes::anything, with_complex<&Kernels::ne, &ComplexKernels::ne>, nullptr, nullptr, true, lower_op<Op::ne>);
const Primitive& lt_p = binary("lt", A, isa_tile<&Kernels::lt>, nullptr, nullptr, true, lower_op<Op::lt>);
const Primitive& le_p = binary("le", A, isa_tile<&Kernels::le>, nullptr, nullptr, true, lower_op<Op::le>);
const Primitive& gt_p = binary("gt", A, isa_tile<&Kernels::gt>, nullptr, nullptr, true, lower_op<Op::gt>);
const Primitive& ge_p = binary("ge", A, isa_tile<&Kernels::ge>, nullptr, nullptr, true, lower_op<Op::ge>);

// x ** n for a static integer n (negative n needs a float x).
const Primitive& integer_pow_p = []() -> const Primitive& {
  Primitive p{.name = "integer_pow", .arity = 1, .shape = [](const Avals& in, const Params& params) -> Avals {
                if (params.get_int("y") < 0 && !is_inexact(in[0].dtype))
                  throw DTypeError("integer_pow", "negative power ", params.get_int("y"), " of ", in[0]);
                return {elementwise_aval("integer_pow", in, DTypes::number)};
              }};
  p.tile = [](const TileArgs& a) {
    if (is_complex(a.in_dtype[0])) return kernels::complex_kernels.integer_pow(a);
    std::int64_t n = a.params->get_int("y");
    dispatch_dtype(a.in_dtype[0], [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (!std::is_same_v<T, bool>) {
        const T* x = reinterpret_cast<const T*>(a.in[0]);
        std::uint64_t m = n < 0 ? static_cast<std::uint64_t>(-n) : static_cast<std::uint64_t>(n);
        for (std::int64_t i = 0; i < a.n; ++i) {
          T acc = 1, base = x[i];
          for (std::uint64_t e = m; e; e >>= 1) {  // square and multiply, wrapping for integers
            if (e & 1) acc = int_op(acc, base, std::multiplies<>{});
            if (e > 1) base = int_op(base, base, std::multiplies<>{});
          }
          if constexpr (std::is_floating_point_v<T>)
            if (n < 0) acc = T(1) / acc;
          reinterpret_cast<T*>(a.out)[i] = acc;
        }
      }
    });
  };
  p.eval = tile_eval(p.tile);
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
    std::int64_t n = params.get_int("y");
    if (n == 0) return {std::nullopt};
    Array d = n == 1 ? ones_like(x[0]) : integer_pow(x[0], static_cast<int>(n - 1)) * static_cast<double>(n);
    return {*t[0] * d};
  };
  p.batch = elementwise_batch;
  return def_primitive(std::move(p));
}();

// select_n(pred, on_false, on_true): pred is bool, of the cases' shape or 0-d.
const Primitive& select_n_p = []() -> const Primitive& {
  Primitive p{.name = "select_n", .arity = 3, .shape = [](const Avals& in, const Params&) -> Avals {
                if (in[0].dtype != bool_) throw DTypeError("select_n", "predicate must be bool, got ", in[0]);
                ShapedArray r = elementwise_aval("select_n", {in[1], in[2]}, DTypes::anything);
                if (in[0].ndim() != 0 && r.ndim() != 0 && in[0].shape != r.shape)
                  throw ShapeError("select_n", "predicate ", in[0], " does not match cases ", in[1], " and ", in[2]);
                if (in[0].ndim() != 0) r.shape = in[0].shape;
                return {r};
              }};
  p.tile = [](const TileArgs& a) {
    const bool* c = reinterpret_cast<const bool*>(a.in[0]);
    std::int64_t sc = a.in_size[0] == 1 ? 0 : 1, sf = a.in_size[1] == 1 ? 0 : 1, st = a.in_size[2] == 1 ? 0 : 1;
    dispatch_any_dtype(a.in_dtype[1], [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* f = reinterpret_cast<const T*>(a.in[1]);
      const T* t = reinterpret_cast<const T*>(a.in[2]);
      T* o = reinterpret_cast<T*>(a.out);
      for (std::int64_t i = 0; i < a.n; ++i) o[i] = c[i * sc] ? t[i * st] : f[i * sf];
    });
  };
  p.eval = tile_eval(p.tile);
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays& out, const Params&) -> Tangents {
    if (!t[1] && !t[2]) return {std::nullopt};
    ShapedArray ta{out[0].shape(), out[0].dtype(), false};
    auto inst = [&](const Tangent& u, const Array& primal) {
      return u ? *u : zeros_for({primal.shape(), primal.dtype(), false});
    };
    return {select(x[0], inst(t[2], x[2]), inst(t[1], x[1]))};
  };
  p.transpose = [](const Tangents& ct, const LinearArgs& a, const Params&) -> Tangents {
    if (!ct[0]) return {std::nullopt, std::nullopt, std::nullopt};
    const Array& pred = *a[0].value;
    Array zero = zeros_like(*ct[0]);
    Tangent f = a[1].is_linear() ? Tangent(unbroadcast(select(pred, zero, *ct[0]), a[1].aval)) : std::nullopt;
    Tangent t = a[2].is_linear() ? Tangent(unbroadcast(select(pred, *ct[0], zero), a[2].aval)) : std::nullopt;
    return {std::nullopt, f, t};
  };
  p.batch = elementwise_batch;
  p.lower = lower_op<Op::select>;
  return def_primitive(std::move(p));
}();

const Primitive& convert_element_type_p = []() -> const Primitive& {
  Primitive p{.name = "convert_element_type", .arity = 1, .shape = [](const Avals& in, const Params& params) -> Avals {
                return {ShapedArray{in[0].shape, params.get<DType>("new_dtype"), params.get<bool>("weak_type")}};
              }};
  p.handles_half = true;
  p.tile = [](const TileArgs& a) {
    const DType from_dtype = a.in_dtype[0], to_dtype = a.params->get<DType>("new_dtype");
    if (is_half(from_dtype) && to_dtype == float32)
      return kernels::elementwise().widen_half(from_dtype, a.in[0], reinterpret_cast<float*>(a.out), a.n);
    if (from_dtype == float32 && is_half(to_dtype))
      return kernels::elementwise().narrow_half(to_dtype, reinterpret_cast<const float*>(a.in[0]), a.out, a.n);
    dispatch_any_dtype(a.in_dtype[0], [&](auto from) {
      using From = typename decltype(from)::type;
      dispatch_any_dtype(a.params->get<DType>("new_dtype"), [&](auto to) {
        using To = typename decltype(to)::type;
        const From* x = reinterpret_cast<const From*>(a.in[0]);
        To* o = reinterpret_cast<To*>(a.out);
        for (std::int64_t i = 0; i < a.n; ++i) o[i] = convert_value<To>(x[i]);
      });
    });
  };
  p.eval = [](const Arrays& in, const Params& params, const Avals& out) -> Arrays {
    if (in[0].dtype() == out[0].dtype)  // only the weak type changes: share the buffer
      return {Array(std::make_shared<Buffer>(out[0], buffer_of(in[0]).owner(), buffer_of(in[0]).data()))};
    return run_tile(convert_element_type_p.tile, in, params, out);
  };
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays& out, const Params&) -> Tangents {
    if (!is_inexact(x[0].dtype()) || !is_inexact(out[0].dtype())) return {std::nullopt};
    return {t[0]->astype(out[0].dtype())};
  };
  p.transpose = [](const Tangents& ct, const LinearArgs& a, const Params&) -> Tangents {
    return {ct[0] ? Tangent(ct[0]->astype(a[0].aval.dtype)) : std::nullopt};
  };
  p.batch = elementwise_batch;
  p.lower = lower_op<Op::convert>;
  return def_primitive(std::move(p));
}();

// ---- numpy-style wrappers: JAX type promotion, numpy broadcasting (0-d operands stay scalars) ----

Array convert(const Array& x, DType d, bool weak) {
  if (x.dtype() == d && x.weak_type() == weak) return x;
  Params params{{"new_dtype", d}, {"weak_type", weak}};
  // Concrete values (C++ scalars above all) convert now, so jaxprs show literals of the right type.
  if (!x.is_tracer()) return eval_eager(convert_element_type_p, {x}, params)[0];
  return bind1(convert_element_type_p, {x}, params);
}

namespace {
// numpy broadcasting, failing with the user's op and both operand types.
Shape broadcast_for(const char* op, const Array& x, const Array& y) {
  try {
    return broadcast_shapes(x.shape(), y.shape());
  } catch (const ShapeError&) {
    throw ShapeError(op, "cannot broadcast ", x.aval(), " with ", y.aval());
  }
}

std::pair<Array, Array> promote(const char* op, const Array& x, const Array& y, std::optional<DType> force = std::nullopt) {
  PromotedType t = promote_types(x.dtype(), x.weak_type(), y.dtype(), y.weak_type());
  DType d = force ? *force : t.dtype;
  Array a = convert(x, d, t.weak_type), b = convert(y, d, t.weak_type);
  if (a.ndim() == 0 || b.ndim() == 0 || a.shape() == b.shape()) return {a, b};
  Shape s = broadcast_for(op, x, y);
  return {a.shape() == s ? a : broadcast_to(a, s), b.shape() == s ? b : broadcast_to(b, s)};
}

Array apply(const Primitive& p, const Array& x, const Array& y, std::optional<DType> force = std::nullopt) {
  auto [a, b] = promote(p.name.c_str(), x, y, force);
  return bind1(p, {a, b});
}
DType inexact_of(const Array& x, const Array& y) {
  DType d = promote_types(x.dtype(), x.weak_type(), y.dtype(), y.weak_type()).dtype;
  return is_inexact(d) ? d : (d == int64 ? float64 : float32);
}
}  // namespace

Array astype(const Array& x, DType dtype) {
  if (x.dtype() == dtype && !x.weak_type()) return x;
  return bind1(convert_element_type_p, {x}, {{"new_dtype", dtype}, {"weak_type", false}});
}

Array add(const Array& x, const Array& y) {
  if (x.dtype() == bool_ && y.dtype() == bool_) return logical_or(x, y);
  return apply(add_p, x, y);
}
Array subtract(const Array& x, const Array& y) {
  if (x.dtype() == bool_ && y.dtype() == bool_) throw DTypeError("subtract", "boolean subtract is not supported");
  return apply(sub_p, x, y);
}
Array multiply(const Array& x, const Array& y) {
  if (x.dtype() == bool_ && y.dtype() == bool_) return logical_and(x, y);
  return apply(mul_p, x, y);
}
Array divide(const Array& x, const Array& y) {
  DType d = inexact_of(x, y);
  PromotedType t = promote_types(x.dtype(), x.weak_type(), y.dtype(), y.weak_type());
  return apply(div_p, convert(x, d, t.weak_type), convert(y, d, t.weak_type));
}
Array floor_divide(const Array& x, const Array& y) {
  auto [a, b] = promote("floor_divide", x, y);
  if (a.dtype() == bool_) throw DTypeError("floor_divide", "not defined for bool");
  if (is_floating(a.dtype())) {  // numpy's divmod rule: consistent with remainder, exact near multiples
    Array mod = bind1(rem_p, {a, b});
    Array div = bind1(div_p, {a - mod, b});
    Array q = round(where(logical_and(mod != 0, sign(b) != sign(mod)), div - 1, div));
    return where(b == 0, bind1(div_p, {a, b}), q);  // x // 0 is +-inf (nan for 0 // 0), as numpy
  }
  Array q = bind1(div_p, {a, b});
  if (a.dtype() == uint32) return q;
  Array r = bind1(rem_p, {a, b});
  return where(logical_and(r != 0, (r < 0) != (b < 0)), q - 1, q);
}
Array remainder(const Array& x, const Array& y) {
  auto [a, b] = promote("remainder", x, y);
  if (a.dtype() == bool_) throw DTypeError("remainder", "not defined for bool");
  Array r = bind1(rem_p, {a, b});
  if (a.dtype() == uint32) return r;
  return where(logical_and(r != 0, (r < 0) != (b < 0)), r + b, r);
}
Array pow(const Array& x_in, const Array& y_in) {
  // Bools count as int32 (as jnp.power), so the result's dtype never depends on whether y is concrete.
  const Array x = x_in.dtype() == bool_ ? x_in.astype(int32) : x_in;
  const Array y = y_in.dtype() == bool_ ? y_in.astype(int32) : y_in;
  if (!is_inexact(x.dtype()) && !is_inexact(y.dtype()) && !y.is_tracer() && y.ndim() == 0) {
    std::int64_t n = y.item<std::int64_t>();  // integer ** small integer scalar: exact
    if (n >= 0 && n <= std::numeric_limits<int>::max())
      return integer_pow(convert(x, promote("pow", x, y).first.dtype(), false), static_cast<int>(n));
  }
  if (!is_inexact(x.dtype()) && !is_inexact(y.dtype())) return apply(pow_p, x, y);
  return apply(pow_p, x, y, inexact_of(x, y));
}
Array integer_pow(const Array& x, int n) {
  Array a = x.dtype() == bool_ ? x.astype(int32) : x;
  return bind1(integer_pow_p, {a}, {{"y", std::int64_t{n}}});
}
Array maximum(const Array& x, const Array& y) { return apply(max_p, x, y); }
Array minimum(const Array& x, const Array& y) { return apply(min_p, x, y); }
Array atan2(const Array& y, const Array& x) { return apply(atan2_p, y, x, inexact_of(y, x)); }
Array nextafter(const Array& x, const Array& y) { return apply(nextafter_p, x, y, inexact_of(x, y)); }
namespace {
Array truth(const Array& x) { return x.dtype() == bool_ ? x : x != 0; }
}  // namespace
Array logical_and(const Array& x, const Array& y) { return apply(and_p, truth(x), truth(y)); }
Array logical_or(const Array& x, const Array& y) { return apply(or_p, truth(x), truth(y)); }
Array logical_xor(const Array& x, const Array& y) { return apply(xor_p, truth(x), truth(y)); }
Array bitwise_and(const Array& x, const Array& y) { return apply(and_p, x, y); }
Array bitwise_or(const Array& x, const Array& y) { return apply(or_p, x, y); }
Array bitwise_xor(const Array& x, const Array& y) { return apply(xor_p, x, y); }
Array shift_left(const Array& x, const Array& y) { return apply(shift_left_p, x, y); }
Array shift_right(const Array& x, const Array& y) {
  auto [a, b] = promote("shift_right", x, y);
  return bind1(a.dtype() == uint32 ? shift_right_logical_p : shift_right_arithmetic_p, {a, b});
}
Array equal(const Array& x, const Array& y) { return apply(eq_p, x, y); }
Array not_equal(const Array& x, const Array& y) { return apply(ne_p, x, y); }
Array less(const Array& x, const Array& y) { return apply(lt_p, x, y); }
Array less_equal(const Array& x, const Array& y) { return apply(le_p, x, y); }
Array greater(const Array& x, const Array& y) { return apply(gt_p, x, y); }
Array greater_equal(const Array& x, const Array& y) { return apply(ge_p, x, y); }

Array where(const Array& cond, const Array& x, const Array& y) {
  auto [a, b] = promote("where", x, y);
  Array c = cond.dtype() == bool_ ? cond : cond != 0;
  const Array& wide = a.ndim() == 0 ? b : a;  // promote broadcast a and b unless one is 0-d
  Shape s = c.ndim() == 0 ? wide.shape() : broadcast_for("where", c, wide);
  if (s != c.shape() && c.ndim() != 0) c = broadcast_to(c, s);
  if (s != a.shape() && a.ndim() != 0) a = broadcast_to(a, s);
  if (s != b.shape() && b.ndim() != 0) b = broadcast_to(b, s);
  return bind1(select_n_p, {c, b, a});
}
Array select(const Array& cond, const Array& x, const Array& y) { return where(cond, x, y); }
Array clip(const Array& x, const Array& lo, const Array& hi) { return minimum(maximum(x, lo), hi); }

const Primitive& prims::add() { return add_p; }
const Primitive& prims::sub() { return sub_p; }
const Primitive& prims::mul() { return mul_p; }
const Primitive& prims::div() { return div_p; }
const Primitive& prims::convert_element_type() { return convert_element_type_p; }

}  // namespace xjax
