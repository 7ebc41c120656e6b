// Cumulative primitives (cumsum, cumprod, cummax, cummin along one axis) with all their rules, and
// their numpy-style wrappers.
#include "primitives/elementwise.hpp"

namespace xjax {
namespace {

template <kernels::ReduceOp Op>
Arrays scan_kernel(const Arrays& in, const Params& params, const Avals& out) {
  NewBuffer o = new_buffer(out[0]);
  const Shape& s = in[0].shape();
  const auto axis = static_cast<std::size_t>(params.get_int("axis"));
  std::int64_t outer = 1, inner = 1;
  for (std::size_t i = 0; i < axis; ++i) outer *= s[i];
  for (std::size_t i = axis + 1; i < s.size(); ++i) inner *= s[i];
  if constexpr (Op == kernels::ReduceOp::sum || Op == kernels::ReduceOp::prod)
    if (is_complex(in[0].dtype())) {
      kernels::complex_scan(Op == kernels::ReduceOp::prod, in[0].dtype(), buffer_of(in[0]).data(), outer, s[axis], inner,
                            params.get<bool>("reverse"), o.data);
      return {o.array};
    }
  kernels::reduction().scan(Op, in[0].dtype(), buffer_of(in[0]).data(), outer, s[axis], inner,
                            params.get<bool>("reverse"), o.data);
  return {o.array};
}

// Cumulative ops map each batch element separately: their axis shifts past the batch axis.
std::pair<Arrays, BatchDims> scan_batch(const Primitive& p, const Arrays& v, const BatchDims& d, const Params& params) {
  const int b = *d[0];
  const std::int64_t axis = params.get_int("axis");
  return {xjax::bind(p, v, params.with("axis", axis >= b ? axis + 1 : axis)), {b}};
}

const Primitive& scan_primitive(const char* name, DTypes kinds, decltype(Primitive::eval) eval,
                                decltype(Primitive::jvp) jvp, decltype(Primitive::transpose) transpose = nullptr) {
  Primitive p{.name = name, .arity = 1, .shape = [name, kinds](const Avals& in, const Params& params) -> Avals {
                check_dtype(name, kinds, in[0]);
                const std::int64_t axis = params.get_int("axis");
                if (axis < 0 || axis >= in[0].ndim())
                  throw IndexError(name, "axis ", axis, " out of range for ", in[0]);
                (void)params.get<bool>("reverse");  // present and a bool
                return {in[0]};
              }};
  p.eval = std::move(eval);
  p.jvp = std::move(jvp);
  p.transpose = std::move(transpose);
  p.batch = scan_batch;
  return def_primitive(std::move(p));
}

Params scan_params(int axis, bool reverse) { return {{"axis", std::int64_t{axis}}, {"reverse", reverse}}; }

// x shifted by s along axis towards the scan direction, the vacated slots filled with `fill`.
Array shifted(const Array& x, std::int64_t s, int axis, bool reverse, double fill) {
  const std::int64_t n = x.shape()[static_cast<std::size_t>(axis)];
  std::vector<std::pair<std::int64_t, std::int64_t>> widths(static_cast<std::size_t>(x.ndim()), {0, 0});
  widths[static_cast<std::size_t>(axis)] = reverse ? std::pair<std::int64_t, std::int64_t>{0, s}
                                                   : std::pair<std::int64_t, std::int64_t>{s, 0};
  Array kept = reverse ? slice_in_dim(x, s, n, 1, axis) : slice_in_dim(x, 0, n - s, 1, axis);
  return pad(kept, widths, fill);
}

// The JVP of a Hillis-Steele product scan: log2(n) steps of (y, dy) <- (y * y', dy * y' + y * dy'),
// where ' is the shift by 2^k. Only products and sums, so it is exact when x has zeros and it
// differentiates again; O(n log n) work where a masked formulation would need O(n^2) memory.
Tangents cumprod_jvp(const Arrays& x, const Tangents& t, const Arrays&, const Params& params) {
  if (!is_inexact(x[0].dtype())) return {std::nullopt};
  const int axis = static_cast<int>(params.get_int("axis"));
  const bool reverse = params.get<bool>("reverse");
  const std::int64_t n = x[0].shape()[static_cast<std::size_t>(axis)];
  Array y = x[0], dy = *t[0];
  for (std::int64_t s = 1; s < n; s *= 2) {
    Array ys = shifted(y, s, axis, reverse, 1.0);
    dy = dy * ys + y * shifted(dy, s, axis, reverse, 0.0);
    if (2 * s < n) y = y * ys;
  }
  return {dy};
}

// Running max/min: the tangent of the element where the running extremum was last attained. That
// element's index is itself a running max (min when reversed) of the indices where x equals the
// output, so the tangent is gathered with take_along_axis; position 0 (n-1) is always a candidate.
Tangents running_extremum_jvp(const Arrays& x, const Tangents& t, const Arrays& y, const Params& params) {
  if (!is_floating(x[0].dtype())) return {std::nullopt};
  const int axis = static_cast<int>(params.get_int("axis"));
  const bool reverse = params.get<bool>("reverse");
  const std::int64_t n = x[0].shape()[static_cast<std::size_t>(axis)];
  DType index = n <= 0x7fffffff ? int32 : int64;
  Array idx = iota(index, x[0].shape(), axis);
  Array candidates = where(x[0] == y[0], idx, reverse ? n - 1 : 0);
  Array at = reverse ? cummin(candidates, axis, true) : cummax(candidates, axis, false);
  return {take_along_axis(*t[0], at, axis)};
}

constexpr DTypes N = DTypes::number, A = DTypes::any;

}  // namespace

const Primitive& cumsum_p = scan_primitive(
    "cumsum", N, scan_kernel<kernels::ReduceOp::sum>,
    [](const Arrays&, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
      return {bind1(cumsum_p, {*t[0]}, params)};
    },
    // Linear: each input feeds every later prefix, so the cotangent is the cumsum run the other way.
    [](const Tangents& ct, const LinearArgs&, const Params& params) -> Tangents {
      if (!ct[0]) return {std::nullopt};
      return {bind1(cumsum_p, {*ct[0]}, params.with("reverse", !params.get<bool>("reverse")))};
    });
const Primitive& cumprod_p = scan_primitive("cumprod", N, scan_kernel<kernels::ReduceOp::prod>, cumprod_jvp);
const Primitive& cummax_p = scan_primitive("cummax", A, scan_kernel<kernels::ReduceOp::max>, running_extremum_jvp);
const Primitive& cummin_p = scan_primitive("cummin", A, scan_kernel<kernels::ReduceOp::min>, running_extremum_jvp);

namespace {
// axis nullopt scans the flattened array, as numpy.
Array scan_op(const char* op, const Primitive& p, const Array& x, std::optional<int> axis, bool reverse) {
  const int ax = axis ? normalize_axis(op, *axis, x.ndim()) : 0;
  return bind1(p, {axis ? x : ravel(x)}, scan_params(ax, reverse));
}
// Sums and products of bools count in the default integer type; other dtypes keep theirs.
Array counting(const Array& x) { return x.dtype() == bool_ ? x.astype(int32) : x; }
}  // namespace

Array cumsum(const Array& x, std::optional<int> axis, bool reverse) {
  return scan_op("cumsum", cumsum_p, counting(x), axis, reverse);
}
Array cumprod(const Array& x, std::optional<int> axis, bool reverse) {
  return scan_op("cumprod", cumprod_p, counting(x), axis, reverse);
}
Array cummax(const Array& x, std::optional<int> axis, bool reverse) {
  return scan_op("cummax", cummax_p, x, axis, reverse);
}
Array cummin(const Array& x, std::optional<int> axis, bool reverse) {
  return scan_op("cummin", cummin_p, x, axis, reverse);
}

}  // namespace xjax
