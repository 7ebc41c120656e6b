// Reduction primitives (reduce_sum/max/min/prod/and/or, argmax/argmin) with all their rules, and
// the numpy-style wrappers over them (sum, prod, max, min, any, all, argmax, argmin).
#include <algorithm>

#include "trace/rules.hpp"
#include "primitives/elementwise.hpp"

namespace xjax {
namespace {

std::vector<bool> reduced_mask(int ndim, const Ints& axes) {
  std::vector<bool> m(static_cast<std::size_t>(ndim), false);
  for (std::int64_t a : axes) m[static_cast<std::size_t>(a)] = true;
  return m;
}

// The operand dims that survive a reduction over axes (broadcast_dimensions to go back).
Ints kept_dims(int ndim, const Ints& axes) {
  std::vector<bool> m = reduced_mask(ndim, axes);
  Ints kept;
  for (int i = 0; i < ndim; ++i)
    if (!m[static_cast<std::size_t>(i)]) kept.push_back(i);
  return kept;
}

// Validates axes (in range, no duplicates; `nonempty`: no zero-size axis) and drops them from x.
ShapedArray reduced_aval(const std::string& op, const ShapedArray& x, const Ints& axes, bool nonempty) {
  std::vector<bool> seen(static_cast<std::size_t>(x.ndim()), false);
  for (std::int64_t a : axes) {
    if (a < 0 || a >= x.ndim()) throw IndexError(op, "axis ", a, " out of range for ", x);
    if (seen[static_cast<std::size_t>(a)]) throw ValueError(op, "duplicate axis ", a, " for ", x);
    seen[static_cast<std::size_t>(a)] = true;
    if (nonempty && x.shape[static_cast<std::size_t>(a)] == 0)
      throw ValueError(op, "zero-size axis ", a, " of ", x, ": the reduction has no identity");
  }
  Shape s;
  for (int i = 0; i < x.ndim(); ++i)
    if (!seen[static_cast<std::size_t>(i)]) s.push_back(x.shape[static_cast<std::size_t>(i)]);
  return {s, x.dtype, x.weak_type};
}

template <kernels::ReduceOp Op>
Arrays reduce_kernel(const Arrays& in, const Params& params, const Avals& out) {
  NewBuffer o = new_buffer(out[0]);
  const ShapedArray& a = in[0].aval();
  if constexpr (Op == kernels::ReduceOp::sum || Op == kernels::ReduceOp::prod)
    if (is_complex(a.dtype)) {
      kernels::complex_reduce(Op == kernels::ReduceOp::prod, a.dtype, buffer_of(in[0]).data(), a.shape,
                              reduced_mask(a.ndim(), params.get_ints("axes")), o.data);
      return {o.array};
    }
  kernels::reduction().reduce(Op, a.dtype, buffer_of(in[0]).data(), a.shape,
                              reduced_mask(a.ndim(), params.get_ints("axes")), o.data);
  return {o.array};
}

// Reductions keep the batch axis: the reduced axes shift past it.
std::pair<Arrays, BatchDims> reduce_batch(const Primitive& p, const Arrays& v, const BatchDims& d,
                                          const Params& params) {
  const int b = *d[0];
  Ints axes;
  int before = 0;
  for (std::int64_t a : params.get_ints("axes")) {
    axes.push_back(a >= b ? a + 1 : a);
    before += a < b;
  }
  return {xjax::bind(p, v, params.with("axes", axes)), {b - before}};
}

const Primitive& reduce_primitive(const char* name, DTypes kinds, bool nonempty,
                                  decltype(Primitive::eval) eval, decltype(Primitive::jvp) jvp) {
  Primitive p{.name = name, .arity = 1, .shape = [name, kinds, nonempty](const Avals& in, const Params& params) -> Avals {
                check_dtype(name, kinds, in[0]);
                return {reduced_aval(name, in[0], params.get_ints("axes"), nonempty)};
              }};
  p.eval = std::move(eval);
  p.jvp = std::move(jvp);
  p.batch = reduce_batch;
  return def_primitive(std::move(p));
}

Tangents no_tangent(const Arrays&, const Tangents&, const Arrays&, const Params&) { return {std::nullopt}; }

constexpr DTypes NC = DTypes::number, A = DTypes::any, BI = DTypes::boolean_or_integer;

}  // namespace

const Primitive& reduce_sum_p = []() -> const Primitive& {
  Primitive p{.name = "reduce_sum", .arity = 1, .shape = [](const Avals& in, const Params& params) -> Avals {
                check_dtype("reduce_sum", NC, in[0]);
                return {reduced_aval("reduce_sum", in[0], params.get_ints("axes"), false)};
              }};
  p.eval = reduce_kernel<kernels::ReduceOp::sum>;
  p.jvp = [](const Arrays&, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
    return {bind1(reduce_sum_p, {*t[0]}, params)};
  };
  // Linear: the cotangent is broadcast back over the reduced axes.
  p.transpose = [](const Tangents& ct, const LinearArgs& a, const Params& params) -> Tangents {
    if (!ct[0]) return {std::nullopt};
    const ShapedArray& x = a[0].aval;
    return {broadcast_in_dim(*ct[0], x.shape, kept_dims(x.ndim(), params.get_ints("axes")))};
  };
  p.batch = reduce_batch;
  return def_primitive(std::move(p));
}();

namespace {
Array reduce_sum_axes(const Array& x, const Ints& axes) { return bind1(reduce_sum_p, {x}, {{"axes", axes}}); }

// Max/min: the tangent at the locations of the extremum, averaged over ties (as JAX).
Tangents extremum_jvp(const Arrays& x, const Tangents& t, const Arrays& y, const Params& params) {
  if (!is_floating(x[0].dtype())) return {std::nullopt};
  const Ints& axes = params.get_ints("axes");
  Array at_extremum = x[0] == broadcast_in_dim(y[0], x[0].shape(), kept_dims(x[0].ndim(), axes));
  Array mask = at_extremum.astype(t[0]->dtype());
  return {reduce_sum_axes(*t[0] * mask, axes) / reduce_sum_axes(mask, axes)};
}

// d prod(x) = sum_k t_k prod_{j<k} x_j prod_{j>k} x_j: exclusive products from both ends are exact
// when x has zeros (dividing prod(x) by x_k is not).
Tangents prod_jvp(const Arrays& x, const Tangents& t, const Arrays&, const Params& params) {
  if (!is_inexact(x[0].dtype())) return {std::nullopt};
  const Ints& axes = params.get_ints("axes");
  const Shape& shape = x[0].shape();
  std::int64_t n = 1;
  for (std::int64_t a : axes) n *= shape[static_cast<std::size_t>(a)];
  if (n <= 1) return {reduce_sum_axes(*t[0], axes)};
  Ints perm = kept_dims(x[0].ndim(), axes);
  Shape flat;
  for (std::int64_t d : perm) flat.push_back(shape[static_cast<std::size_t>(d)]);
  perm.insert(perm.end(), axes.begin(), axes.end());
  flat.push_back(n);
  const int last = static_cast<int>(flat.size()) - 1;
  auto lay_out = [&](const Array& v) { return reshape(transpose(v, perm), flat); };
  Array xs = lay_out(x[0]), ts = lay_out(*t[0]);
  std::vector<std::pair<std::int64_t, std::int64_t>> pad_front(flat.size(), {0, 0}), pad_back = pad_front;
  pad_front.back() = {1, 0};
  pad_back.back() = {0, 1};
  Array before = pad(slice_in_dim(cumprod(xs, last), 0, n - 1, 1, last), pad_front, 1);
  Array after = pad(slice_in_dim(cumprod(xs, last, true), 1, n, 1, last), pad_back, 1);
  return {reduce_sum_axes(ts * (before * after), {last})};
}

}  // namespace

const Primitive& reduce_max_p =
    reduce_primitive("reduce_max", A, true, reduce_kernel<kernels::ReduceOp::max>, extremum_jvp);
const Primitive& reduce_min_p =
    reduce_primitive("reduce_min", A, true, reduce_kernel<kernels::ReduceOp::min>, extremum_jvp);
const Primitive& reduce_prod_p =
    reduce_primitive("reduce_prod", NC, false, reduce_kernel<kernels::ReduceOp::prod>, prod_jvp);
const Primitive& reduce_and_p =
    reduce_primitive("reduce_and", BI, false, reduce_kernel<kernels::ReduceOp::logical_and>, no_tangent);
const Primitive& reduce_or_p =
    reduce_primitive("reduce_or", BI, false, reduce_kernel<kernels::ReduceOp::logical_or>, no_tangent);

namespace {
// argmax[axes=(k,), index_dtype]: first index of the extremum along one non-empty axis.
template <bool IsMax>
const Primitive& arg_primitive(const char* name) {
  Primitive p{.name = name, .arity = 1, .shape = [name](const Avals& in, const Params& params) -> Avals {
                const Ints& axes = params.get_ints("axes");
                if (axes.size() != 1) throw ValueError(name, "needs exactly one axis, got ", axes.size());
                DType index = params.get<DType>("index_dtype");
                if (index != int32 && index != int64)
                  throw DTypeError(name, "index_dtype must be int32 or int64, got ", index);
                check_dtype(name, DTypes::any, in[0]);  // an order: not complex
                ShapedArray r = reduced_aval(name, in[0], axes, true);
                return {ShapedArray{r.shape, index, false}};
              }};
  p.eval = [](const Arrays& in, const Params& params, const Avals& out) -> Arrays {
    NewBuffer o = new_buffer(out[0]);
    const Shape& s = in[0].shape();
    const auto axis = static_cast<std::size_t>(params.get_ints("axes")[0]);
    std::int64_t outer = 1, inner = 1;
    for (std::size_t i = 0; i < axis; ++i) outer *= s[i];
    for (std::size_t i = axis + 1; i < s.size(); ++i) inner *= s[i];
    kernels::reduction().arg_reduce(IsMax, in[0].dtype(), out[0].dtype, buffer_of(in[0]).data(), outer, s[axis], inner,
                                    o.data);
    return {o.array};
  };
  p.jvp = no_tangent;
  p.batch = reduce_batch;
  return def_primitive(std::move(p));
}
}  // namespace

const Primitive& argmax_p = arg_primitive<true>("argmax");
const Primitive& argmin_p = arg_primitive<false>("argmin");

// ---- numpy-style wrappers ----

Ints AxisSpec::resolve(const char* op, int ndim) const {
  Ints r;
  if (!axes_) {
    for (int i = 0; i < ndim; ++i) r.push_back(i);
    return r;
  }
  for (std::int64_t a : *axes_) r.push_back(normalize_axis(op, a, ndim));
  std::sort(r.begin(), r.end());
  if (std::adjacent_find(r.begin(), r.end()) != r.end())
    throw ValueError(op, "duplicate axis ", *std::adjacent_find(r.begin(), r.end()), " for rank ", ndim);
  return r;
}

namespace {
Array keep_dims(const Array& r, const Shape& in_shape, const Ints& axes, bool keepdims) {
  if (!keepdims) return r;
  Shape s = in_shape;
  for (std::int64_t a : axes) s[static_cast<std::size_t>(a)] = 1;
  return reshape(r, s);
}

// `no_identity`: max and min of an empty axis are errors, as in numpy.
Array reduce(const char* op, const Primitive& p, const Array& x, const AxisSpec& axes, bool keepdims,
             bool no_identity = false) {
  Ints ax = axes.resolve(op, x.ndim());
  for (std::int64_t a : ax)
    if (no_identity && x.shape()[static_cast<std::size_t>(a)] == 0)
      throw ValueError(op, "zero-size array to reduction operation ", op, " which has no identity: ", x.aval());
  return keep_dims(bind1(p, {x}, {{"axes", ax}}), x.shape(), ax, keepdims);
}

// Sums and products of bools count in the default integer type; other dtypes keep theirs.
Array counting(const Array& x) { return x.dtype() == bool_ ? x.astype(int32) : x; }

Array arg(const char* op, const Primitive& p, const Array& x, std::optional<int> axis, bool keepdims) {
  const int ax = axis ? normalize_axis(op, *axis, x.ndim()) : 0;
  Array r = bind1(p, {axis ? x : ravel(x)}, {{"axes", Ints{ax}}, {"index_dtype", int32}});
  if (!keepdims) return r;
  if (axis) return keep_dims(r, x.shape(), {ax}, true);
  return reshape(r, Shape(static_cast<std::size_t>(x.ndim()), 1));
}
}  // namespace

Array sum(const Array& x, AxisSpec axes, bool keepdims) {
  return reduce("sum", reduce_sum_p, counting(x), axes, keepdims);
}
Array prod(const Array& x, AxisSpec axes, bool keepdims) {
  return reduce("prod", reduce_prod_p, counting(x), axes, keepdims);
}
Array max(const Array& x, AxisSpec axes, bool keepdims) {
  return reduce("max", reduce_max_p, x, axes, keepdims, true);
}
Array min(const Array& x, AxisSpec axes, bool keepdims) {
  return reduce("min", reduce_min_p, x, axes, keepdims, true);
}
Array any(const Array& x, AxisSpec axes, bool keepdims) {
  return reduce("any", reduce_or_p, x.dtype() == bool_ ? x : x != 0, axes, keepdims);
}
Array All::operator()(const Array& x) const { return (*this)(x, AxisSpec{}); }
Array All::operator()(const Array& x, const AxisSpec& axes, bool keepdims) const {
  return reduce("all", reduce_and_p, x.dtype() == bool_ ? x : x != 0, axes, keepdims);
}
Array argmax(const Array& x, std::optional<int> axis, bool keepdims) {
  return arg("argmax", argmax_p, x, axis, keepdims);
}
Array argmin(const Array& x, std::optional<int> axis, bool keepdims) {
  return arg("argmin", argmin_p, x, axis, keepdims);
}

const Primitive& prims::reduce_sum() { return reduce_sum_p; }
const Primitive& prims::reduce_max() { return reduce_max_p; }
const Primitive& prims::reduce_min() { return reduce_min_p; }

}  // namespace xjax
