// xj::reduce_window (jax.lax.reduce_window with a monoid) and flax-style nn::max_pool / nn::avg_pool:
// argument checking and padding resolution in front of the reduce_window primitives.
#include "xjax/pooling.hpp"

#include <cmath>
#include <limits>
#include <type_traits>

#include "array/array_impl.hpp"
#include "kernels/dispatch.hpp"
#include "primitives/reduce_window.hpp"

namespace xjax {
namespace {

// Strides and dilations: empty means ones; otherwise one positive entry per axis.
Ints ones_or(const char* op, const char* what, const Ints& v, const Shape& shape) {
  if (v.empty()) return Ints(shape.size(), 1);
  if (v.size() != shape.size())
    throw ShapeError(op, what, " ", shape_str(v), " needs one entry per axis of an operand of shape ", shape_str(shape));
  return v;
}

// jax.lax.padtype_to_pads over the operand's extents and the dilated window.
void resolve_padding(const char* op, const Padding& padding, const Shape& in, window::Config& c) {
  Shape window(in.size());
  for (std::size_t d = 0; d < in.size(); ++d) window[d] = (c.window[d] - 1) * c.window_dilation[d] + 1;
  c.lo.clear();
  c.hi.clear();
  for (const auto& [lo, hi] : padding_pairs(op, padding, in, window, c.strides)) {
    c.lo.push_back(lo);
    c.hi.push_back(hi);
  }
}

window::Config make_config(const char* op, const Shape& in, const Ints& window, const Ints& strides,
                           const Padding& padding, const Ints& base_dilation, const Ints& window_dilation) {
  if (window.size() != in.size())
    throw ShapeError(op, "window_dimensions ", shape_str(window), " need one entry per axis of an operand of shape ",
                     shape_str(in));
  window::Config c;
  c.window = window;
  c.strides = ones_or(op, "window_strides", strides, in);
  c.base_dilation = ones_or(op, "base_dilation", base_dilation, in);
  c.window_dilation = ones_or(op, "window_dilation", window_dilation, in);
  resolve_padding(op, padding, in, c);
  return c;
}

// Whether the concrete 0-d v is op's identity (the value every window starts from anyway).
bool is_identity(WindowOp op, const Array& v) {
  if (is_half(v.dtype())) {
    const double x = v.item<double>();
    if (op == WindowOp::sum) return x == 0 && !std::signbit(x);
    return x == (op == WindowOp::max ? -1 : 1) * std::numeric_limits<double>::infinity();
  }
  return dispatch_dtype(v.dtype(), [&](auto tag) -> bool {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_arithmetic_v<T>) {
      const T x = v.item<T>();
      if (op == WindowOp::sum) return x == T{} && !std::signbit(static_cast<double>(x));
      const bool lowest = op == WindowOp::max;
      if constexpr (std::is_same_v<T, bool>) return x == !lowest;
      else if constexpr (std::is_floating_point_v<T>)
        return x == (lowest ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity());
      else return x == (lowest ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max());
    } else {
      return false;
    }
  });
}

}  // namespace

Array reduce_window(const Array& x, const Array& init, WindowOp op, const Ints& window_dimensions,
                    const Ints& window_strides, const Padding& padding, const Ints& base_dilation,
                    const Ints& window_dilation) {
  const char* name = "reduce_window";
  if (init.ndim() != 0) throw ShapeError(name, "init value ", init.aval(), " must be 0-d (operand ", x.aval(), ")");
  if (!init.weak_type() && init.dtype() != x.dtype())
    throw DTypeError(name, "init value ", init.aval(), " must have the operand's dtype, operand ", x.aval());
  const window::Config c =
      make_config(name, x.shape(), window_dimensions, window_strides, padding, base_dilation, window_dilation);
  Array y = window::reduce(op, x, c);
  const Array start = init.astype(x.dtype());
  // The identity changes nothing: skip the extra equation (the common case, also under jit).
  if (!tracer_of(start) && is_identity(op, start)) return y;
  switch (op) {
    case WindowOp::sum: return y + start;
    case WindowOp::max: return maximum(y, start);
    case WindowOp::min: return minimum(y, start);
  }
  return y;
}

namespace nn {
namespace {
// flax's pool: window, strides and explicit padding cover the spatial axes between the leading
// batch axes (any number) and the trailing feature axis.
window::Config pool_config(const char* op, const Array& x, const Ints& window, const Ints& strides,
                           const Padding& padding) {
  const std::int64_t batch_axes = x.ndim() - static_cast<std::int64_t>(window.size()) - 1;
  if (batch_axes < 0)
    throw ShapeError(op, "window ", shape_str(window), " needs an input of rank at least ", window.size() + 1,
                     " (spatial axes and features), got ", x.aval());
  if (!strides.empty() && strides.size() != window.size())
    throw ShapeError(op, "strides ", shape_str(strides), " and window ", shape_str(window), " differ in length");
  auto widen = [&](const Ints& v, std::int64_t fill) {
    Ints r(static_cast<std::size_t>(batch_axes), fill);
    r.insert(r.end(), v.begin(), v.end());
    r.push_back(fill);
    return r;
  };
  Padding full = padding;
  if (padding.is_explicit()) {
    if (padding.pairs().size() != window.size())
      throw ShapeError(op, "padding has ", padding.pairs().size(), " (low, high) pairs for window ", shape_str(window));
    PadPairs pairs(static_cast<std::size_t>(batch_axes), {0, 0});
    pairs.insert(pairs.end(), padding.pairs().begin(), padding.pairs().end());
    pairs.emplace_back(0, 0);
    full = Padding(pairs);
  }
  return make_config(op, x.shape(), widen(window, 1), strides.empty() ? Ints{} : widen(strides, 1), full, {}, {});
}
}  // namespace

Array max_pool(const Array& x, const Ints& window, const Ints& strides, const Padding& padding) {
  return window::reduce(WindowOp::max, x, pool_config("max_pool", x, window, strides, padding));
}

Array avg_pool(const Array& x, const Ints& window, const Ints& strides, const Padding& padding) {
  std::int64_t count = 1;
  for (std::int64_t w : window) count *= w;
  return window::reduce(WindowOp::sum, x, pool_config("avg_pool", x, window, strides, padding)) / count;
}
}  // namespace nn

}  // namespace xjax
