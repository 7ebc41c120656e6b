// iota, the one creation primitive, and the creation functions built on it and on broadcasting:
// zeros/ones/full(_like), arange, linspace, eye, and the matrix helpers diagonal, trace, tril, triu.
#include <algorithm>
#include <cmath>

#include "primitives/indexing.hpp"
#include "trace/lowering.hpp"
#include "trace/trace.hpp"

namespace xjax {
namespace {

void check_extents(const char* op, const Shape& s) {
  for (std::int64_t e : s)
    if (e < 0) throw ValueError(op, "negative extent in shape ", shape_str(s));
  shape_size(s);  // throws ShapeError on overflow
}

int dimension_param(const Params& p, int ndim) { return normalize_axis("iota", p.get_int("dimension"), ndim); }

Avals iota_shape(const Avals&, const Params& p) {
  DType d = p.get<DType>("dtype");
  const Ints& s = p.get_ints("shape");
  if (d == bool_) throw DTypeError("iota", "needs a numeric dtype, got bool");
  check_extents("iota", s);
  dimension_param(p, static_cast<int>(s.size()));
  return {ShapedArray{s, d, false}};
}

Arrays iota_eval(const Arrays&, const Params& p, const Avals& out) {
  AxisSplit s = split_at_axis(out[0].shape, dimension_param(p, out[0].ndim()));
  NewBuffer o = new_buffer(out[0]);
  if (out[0].size() == 0) return {o.array};  // else a zero-size shape like (2^40, 0) loops 2^40 times
  auto fill = [&](auto tag) {  // complex: the index as the real part, as jnp.arange
    using T = typename decltype(tag)::type;
    for (std::int64_t a = 0; a < s.outer; ++a)
      for (std::int64_t j = 0; j < s.n; ++j) std::fill_n(o.as<T>() + (a * s.n + j) * s.inner, s.inner, static_cast<T>(j));
  };
  is_complex(out[0].dtype) ? dispatch_complex(out[0].dtype, fill) : dispatch_dtype(out[0].dtype, fill);
  return {o.array};
}

// No inputs: under jit it is staged; under grad and vmap it is a constant (no tangent, unmapped).
const Primitive& iota_p = def_primitive(
    {.name = "iota",
     .arity = 0,
     .shape = iota_shape,
     .eval = iota_eval,
     .jvp = [](const Arrays&, const Tangents&, const Arrays&, const Params&) -> Tangents { return {std::nullopt}; },
     .batch = [](const Primitive& p, const Arrays&, const BatchDims&, const Params& params)
         -> std::pair<Arrays, BatchDims> { return {xjax::bind(p, {}, params), {std::nullopt}}; },
     // A constant of the generated code (it has no inputs).
     .lower = [](lowering::Builder& b, const lowering::Values&, const Equation& e) -> lowering::Values {
       return {b.constant(iota_eval({}, e.params, {e.outputs[0]->aval})[0])};
     }});

// The dtype jnp.full gives a fill value: its own, but weak floats become float32 and weak ints int32.
DType fill_dtype(const Array& v) {
  if (!v.weak_type()) return v.dtype();
  return is_floating(v.dtype()) ? float32 : is_integer(v.dtype()) ? int32 : v.dtype();
}

Array filled(const char* op, const Shape& shape, const Array& value, DType d, bool weak) {
  check_extents(op, shape);
  Array v = convert(value, d, weak);
  if (v.shape() == shape) return v;
  if (v.ndim() == 0) return broadcast_in_dim(v, shape, {});
  return broadcast_to(v, shape);
}

Array triangle(const char* op, const Array& x, std::int64_t k, bool lower) {
  if (x.ndim() < 2) throw ValueError(op, "needs at least 2 dimensions, got ", x.aval());
  Shape s(x.shape().end() - 2, x.shape().end());
  Array band = iota(int64, s, 1) - iota(int64, s, 0);  // column - row
  return where(lower ? band <= k : band >= k, x, convert(0, x.dtype(), x.weak_type()));
}

}  // namespace

Array iota(DType dtype, const Shape& shape, int dimension) {
  return bind1(iota_p, {},
               {{"dtype", dtype},
                {"shape", shape},
                {"dimension", std::int64_t{normalize_axis("iota", dimension, static_cast<int>(shape.size()))}}});
}

Array zeros(const Shape& shape, DType dtype) { return filled("zeros", shape, 0, dtype, false); }
Array ones(const Shape& shape, DType dtype) { return filled("ones", shape, 1, dtype, false); }
Array full(const Shape& shape, const Array& value, std::optional<DType> dtype) {
  return filled("full", shape, value, dtype.value_or(fill_dtype(value)), false);
}
// As in JAX, the *_like functions keep x's weak type unless a dtype is given.
Array full_like(const Array& x, const Array& value, std::optional<DType> dtype) {
  return filled("full_like", x.shape(), value, dtype.value_or(x.dtype()), !dtype && x.weak_type());
}
Array zeros_like(const Array& x, std::optional<DType> dtype) { return full_like(x, 0, dtype); }
Array ones_like(const Array& x, std::optional<DType> dtype) { return full_like(x, 1, dtype); }

Array arange(double stop, DType dtype) { return arange(0, stop, 1, dtype); }

Array arange(double start, double stop, double step, DType dtype) {
  if (step == 0) throw ValueError("arange", "step must not be zero");
  if (!std::isfinite(start) || !std::isfinite(stop) || !std::isfinite(step))
    throw ValueError("arange", "start, stop and step must be finite, got ", start, ", ", stop, ", ", step);
  if (dtype == bool_) throw DTypeError("arange", "needs a numeric dtype, got bool");
  constexpr double limit = 9.2e18;  // below 2^63: the count and integral arguments fit int64
  double count = std::ceil((stop - start) / step);
  if (!(count < limit)) throw ValueError("arange", "too many elements for start ", start, ", stop ", stop, ", step ", step);
  Shape shape{count > 0 ? static_cast<std::int64_t>(count) : 0};
  bool integral = start == std::trunc(start) && step == std::trunc(step) && std::abs(start) < limit &&
                  std::abs(step) < limit;
  if (is_integer(dtype) && integral) {  // exact integer arithmetic (wrapping, as the dtype does)
    Array r = iota(dtype, shape, 0);
    if (step != 1) r = r * static_cast<std::int64_t>(step);
    return start == 0 ? r : r + static_cast<std::int64_t>(start);
  }
  return (iota(float64, shape, 0) * step + start).astype(dtype);
}

// Computed in float64 (integer dtypes take the floor, as JAX does); with endpoint, the last
// element is exactly `stop`.
Array linspace(double start, double stop, std::int64_t num, bool endpoint, DType dtype) {
  if (num < 0) throw ValueError("linspace", "num must be non-negative, got ", num);
  std::int64_t intervals = endpoint ? num - 1 : num;
  Array i = iota(float64, {num}, 0);
  Array r = intervals > 0 ? i * ((stop - start) / static_cast<double>(intervals)) + start : full({num}, start, float64);
  if (endpoint && num > 1) r = where(i == static_cast<double>(num - 1), stop, r);
  if (is_integer(dtype)) r = floor(r);
  return r.astype(dtype);
}

Array eye(std::int64_t n, std::optional<std::int64_t> m, std::int64_t k, DType dtype) {
  std::int64_t cols = m.value_or(n);
  if (n < 0 || cols < 0) throw ValueError("eye", "negative dimension in ", n, " x ", cols);
  Shape s{n, cols};
  return (iota(int64, s, 1) - iota(int64, s, 0) == k).astype(dtype);
}

// As numpy: axis1 and axis2 are removed and the diagonal becomes the last axis.
Array diagonal(const Array& x, std::int64_t offset, int axis1, int axis2) {
  if (x.ndim() < 2) throw ValueError("diagonal", "needs at least 2 dimensions, got ", x.aval());
  int a1 = normalize_axis("diagonal", axis1, x.ndim()), a2 = normalize_axis("diagonal", axis2, x.ndim());
  if (a1 == a2) throw ValueError("diagonal", "axis1 and axis2 must differ, both are ", a1, " for ", x.aval());
  Ints perm;
  for (int d = 0; d < x.ndim(); ++d)
    if (d != a1 && d != a2) perm.push_back(d);
  perm.push_back(a1);
  perm.push_back(a2);
  std::int64_t rows = x.shape()[static_cast<std::size_t>(a1)], cols = x.shape()[static_cast<std::size_t>(a2)];
  // Element i of the diagonal is at (i + row0, i + col0) of each rows x cols matrix.
  std::int64_t row0 = 0, col0 = 0, len = 0;
  if (offset >= 0 ? offset < cols : offset > -rows) {
    row0 = offset < 0 ? -offset : 0;
    col0 = offset > 0 ? offset : 0;
    len = std::min(rows - row0, cols - col0);
  }
  Shape flat(static_cast<std::size_t>(x.ndim() - 1), 0);  // the other axes, then rows * cols
  for (std::size_t d = 0; d + 1 < flat.size(); ++d) flat[d] = x.shape()[static_cast<std::size_t>(perm[d])];
  flat.back() = shape_size({rows, cols});
  Array matrices = reshape(transpose(x, perm), flat);
  Array idx = iota(int64, {len}, 0) * (cols + 1) + (row0 * cols + col0);
  return lax::gather(matrices, idx, static_cast<int>(flat.size()) - 1);
}

Array trace(const Array& x, std::int64_t offset, int axis1, int axis2) {
  return sum(diagonal(x, offset, axis1, axis2), -1);
}

Array tril(const Array& x, std::int64_t k) { return triangle("tril", x, k, true); }
Array triu(const Array& x, std::int64_t k) { return triangle("triu", x, k, false); }

}  // namespace xjax
