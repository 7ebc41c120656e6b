// The windowed reductions reduce_window_sum, reduce_window_max and reduce_window_min (jax.lax's
// monoid reduce_window primitives) with their kernels and rules, and the window geometry they share
// with select_and_gather_add / select_and_scatter_add.
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/dispatch.hpp"
#include "primitives/elementwise.hpp"
#include "primitives/reduce_window.hpp"
#include "primitives/shape.hpp"

namespace xjax::window {

Params to_params(const Config& c) {
  return {{"window_dimensions", c.window}, {"window_strides", c.strides}, {"padding_lo", c.lo},
          {"padding_hi", c.hi},            {"base_dilation", c.base_dilation}, {"window_dilation", c.window_dilation}};
}

Config from_params(const Params& p) {
  return {p.get_ints("window_dimensions"), p.get_ints("window_strides"), p.get_ints("padding_lo"),
          p.get_ints("padding_hi"),        p.get_ints("base_dilation"),  p.get_ints("window_dilation")};
}

namespace {
// Extent of n elements with d - 1 holes between neighbours.
std::int64_t dilated(std::int64_t n, std::int64_t d) { return n == 0 ? 0 : (n - 1) * d + 1; }
}  // namespace

Shape output_shape(const char* op, const Shape& in, const Config& c) {
  const std::size_t n = in.size();
  const std::pair<const char*, const Ints*> fields[] = {{"window_dimensions", &c.window}, {"window_strides", &c.strides},
                                                        {"padding low", &c.lo},           {"padding high", &c.hi},
                                                        {"base_dilation", &c.base_dilation},
                                                        {"window_dilation", &c.window_dilation}};
  for (const auto& [name, v] : fields)
    if (v->size() != n)
      throw ShapeError(op, name, " ", shape_str(*v), " needs one entry per axis of an operand of shape ",
                       shape_str(in));
  for (const auto& [name, v] : fields) {
    if (v == &c.lo || v == &c.hi) continue;
    for (std::int64_t e : *v)
      if (e < 1) throw ValueError(op, name, " ", shape_str(*v), " must be positive (operand shape ", shape_str(in), ")");
  }
  Shape out(n);
  for (std::size_t d = 0; d < n; ++d) {
    const std::int64_t padded = dilated(in[d], c.base_dilation[d]) + c.lo[d] + c.hi[d];
    if (padded < 0)
      throw ShapeError(op, "padding (", c.lo[d], ", ", c.hi[d], ") crops more than axis ", d, " of an operand of shape ",
                       shape_str(in), " holds");
    const std::int64_t w = dilated(c.window[d], c.window_dilation[d]);
    out[d] = padded < w ? 0 : (padded - w) / c.strides[d] + 1;
  }
  return out;
}

Config with_unit_dim(const Config& c, int axis) {
  Config r = c;
  auto ins = [axis](Ints& v, std::int64_t e) { v.insert(v.begin() + axis, e); };
  ins(r.window, 1), ins(r.strides, 1), ins(r.lo, 0), ins(r.hi, 0), ins(r.base_dilation, 1), ins(r.window_dilation, 1);
  return r;
}

Plan plan(const Shape& in, const Shape& out, const Config& c) {
  std::size_t m = in.size();  // trailing untouched dimensions become the contiguous inner block
  while (m > 0 && c.window[m - 1] == 1 && c.strides[m - 1] == 1 && c.lo[m - 1] == 0 && c.hi[m - 1] == 0 &&
         c.base_dilation[m - 1] == 1)
    --m;
  Plan p;
  for (std::size_t d = m; d < in.size(); ++d) p.inner *= in[d];
  p.in_stride.assign(m, 1);
  for (std::size_t d = m; d-- > 1;) p.in_stride[d - 1] = p.in_stride[d] * in[d];
  for (std::size_t d = 0; d < m; ++d) {
    p.out.push_back(out[d]);
    p.window.push_back(c.window[d]);
    p.out_blocks *= out[d];
    p.per_window *= c.window[d];
    Ints t(static_cast<std::size_t>(out[d] * c.window[d]));
    const std::int64_t extent = dilated(in[d], c.base_dilation[d]);
    for (std::int64_t o = 0; o < out[d]; ++o)
      for (std::int64_t k = 0; k < c.window[d]; ++k) {
        const std::int64_t pos = o * c.strides[d] + k * c.window_dilation[d] - c.lo[d];
        const bool real = pos >= 0 && pos < extent && pos % c.base_dilation[d] == 0;
        t[static_cast<std::size_t>(o * c.window[d] + k)] = real ? pos / c.base_dilation[d] : -1;
      }
    p.table.push_back(std::move(t));
  }
  return p;
}

namespace {

// The identity of op for element type T, the value every window starts from.
template <class T>
T identity(WindowOp op) {
  if (op == WindowOp::sum) return T{};
  const bool lowest = op == WindowOp::max;
  if constexpr (std::is_same_v<T, bool>) return !lowest;
  else if constexpr (std::is_floating_point_v<T>)
    return lowest ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
  else return lowest ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
}

// max/min propagate NaN, as lax.max and lax.min; integer sums wrap.
template <class T>
T combine(WindowOp op, T a, T b) {
  if (op == WindowOp::sum) return int_op(a, b, std::plus<>{});
  if (op == WindowOp::max) return (b > a || b != b) ? b : a;  // NOLINT(misc-redundant-expression)
  return (b < a || b != b) ? b : a;                          // NOLINT(misc-redundant-expression)
}

const char* op_name(WindowOp op) {
  return op == WindowOp::sum ? "reduce_window_sum" : op == WindowOp::max ? "reduce_window_max" : "reduce_window_min";
}

template <WindowOp Op>
Arrays reduce_eval(const Arrays& in, const Params& params, const Avals& out) {
  NewBuffer o = new_buffer(out[0]);
  const Plan p = plan(in[0].shape(), out[0].shape, from_params(params));
  dispatch_dtype(in[0].dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_arithmetic_v<T>) {
      const T* x = reinterpret_cast<const T*>(buffer_of(in[0]).data());
      T* y = o.as<T>();
      const T init = identity<T>(Op);
      visit(p, [&](std::int64_t ob, const std::int64_t* offsets) {
        T* yo = y + ob * p.inner;
        std::fill(yo, yo + p.inner, init);
        for (std::int64_t w = 0; w < p.per_window; ++w) {
          if (offsets[w] < 0) continue;
          const T* xi = x + offsets[w];
          for (std::int64_t i = 0; i < p.inner; ++i) yo[i] = combine(Op, yo[i], xi[i]);
        }
      });
    } else {
      throw DTypeError(op_name(Op), "unsupported dtype ", in[0].aval());
    }
  });
  return {o.array};
}

auto reduce_shape(WindowOp op) {
  return [op](const Avals& in, const Params& params) -> Avals {
    const char* name = op_name(op);
    if (in.size() != 1) throw ValueError(name, "takes one operand, got ", in.size());
    check_dtype(name, op == WindowOp::sum ? DTypes::numeric : DTypes::any, in[0]);
    return {ShapedArray{output_shape(name, in[0].shape, from_params(params)), in[0].dtype, false}};
  };
}

// A batch axis is one more window dimension of extent 1.
std::pair<Arrays, BatchDims> reduce_batch(const Primitive& p, const Arrays& v, const BatchDims& d, const Params& params) {
  const int b = *d[0];
  return {xjax::bind(p, v, to_params(with_unit_dim(from_params(params), b))), {b}};
}

// The cotangent of a window sum spreads each output back over its window: the cotangent, strided
// out by the window strides and padded so that every input position sees exactly the outputs whose
// windows cover it, summed over (dilated) windows stepping by the base dilation.
Array reduce_window_sum_transpose(const Array& ct, const Shape& in, const Config& c) {
  const std::size_t n = in.size();
  Ints lo(n), hi(n), interior(n);
  for (std::size_t d = 0; d < n; ++d) {
    const std::int64_t lhs = dilated(in[d], c.base_dilation[d]), rhs = dilated(c.window[d], c.window_dilation[d]);
    const std::int64_t outs = dilated(ct.shape()[d], c.strides[d]);
    lo[d] = rhs - c.lo[d] - 1;
    hi[d] = lhs + rhs - 1 - outs - lo[d];
    interior[d] = c.strides[d] - 1;
  }
  Array spread = lax::pad(ct, zeros({}, ct.dtype()), lo, hi, interior);
  Config back{c.window, c.base_dilation, Ints(n, 0), Ints(n, 0), Ints(n, 1), c.window_dilation};
  return reduce(WindowOp::sum, spread, back);
}

const Primitive& reduce_primitive(WindowOp op) {
  Primitive p{.name = op_name(op), .arity = 1, .shape = reduce_shape(op)};
  p.batch = reduce_batch;
  if (op == WindowOp::sum) {
    p.eval = reduce_eval<WindowOp::sum>;
    p.jvp = [](const Arrays&, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
      return {reduce(WindowOp::sum, *t[0], from_params(params))};
    };
    p.transpose = [](const Tangents& ct, const LinearArgs& args, const Params& params) -> Tangents {
      if (!ct[0]) return {std::nullopt};
      return {reduce_window_sum_transpose(*ct[0], args[0].aval.shape, from_params(params))};
    };
  } else {
    p.eval = op == WindowOp::max ? reduce_eval<WindowOp::max> : reduce_eval<WindowOp::min>;
    // The tangent of each window's (first) extremal element.
    p.jvp = [op](const Arrays& x, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
      if (!is_floating(x[0].dtype())) return {std::nullopt};
      return {select_and_gather_add(*t[0], x[0], op == WindowOp::max, from_params(params))};
    };
  }
  return def_primitive(std::move(p));
}

const Primitive& reduce_window_sum_p = reduce_primitive(WindowOp::sum);
const Primitive& reduce_window_max_p = reduce_primitive(WindowOp::max);
const Primitive& reduce_window_min_p = reduce_primitive(WindowOp::min);

}  // namespace

Array reduce(WindowOp op, const Array& x, const Config& c) {
  const Primitive& p = op == WindowOp::sum ? reduce_window_sum_p : op == WindowOp::max ? reduce_window_max_p
                                                                                       : reduce_window_min_p;
  return bind1(p, {x}, to_params(c));
}

}  // namespace xjax::window
