// Windowed reductions as jax.lax.reduce_window, and flax-style max/average pooling on NHWC input.
// They are primitives with JVP, transpose and batching rules, so jit, grad (of grad) and vmap apply.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "xjax/ops.hpp"
#include "xjax/padding.hpp"

namespace xjax {

// The monoid a window is reduced with (jax.lax's computations lax.add, lax.max, lax.min).
enum class WindowOp { sum, max, min };

// jax.lax.reduce_window with a monoid: each output element combines `init` with the elements of one
// window of x. Windows step by window_strides over x dilated by base_dilation (base_dilation - 1
// holes between neighbours) and padded; their elements are window_dilation apart. Padding and holes
// contribute nothing, so init counts once per window (as jax computes it); init is a 0-d array of
// x's dtype or a C++ scalar (converted to x's dtype). Empty strides and dilations mean all ones.
// The identity init (0 for sum, -inf or the lowest value for max, +inf or the highest for min)
// gives the plain windowed sum/max/min. Gradients of max/min go to the first extremal element of
// each window in row-major window order. Sum takes numbers; max and min also take bool.
Array reduce_window(const Array& x, const Array& init, WindowOp op, const Ints& window_dimensions,
                    const Ints& window_strides = {}, const Padding& padding = "VALID",
                    const Ints& base_dilation = {}, const Ints& window_dilation = {});

namespace nn {
// flax.linen.max_pool: x is (batch, spatial..., features) or (spatial..., features); window and
// strides (default ones) cover the spatial dimensions only; explicit padding pairs too. Padding
// never wins the max (it is -inf).
Array max_pool(const Array& x, const Ints& window, const Ints& strides = {}, const Padding& padding = "VALID");
// flax.linen.avg_pool with count_include_pad=True: the window sum divided by the full window size,
// padded positions counting as zeros. Integer input is divided as true_divide divides it.
Array avg_pool(const Array& x, const Ints& window, const Ints& strides = {}, const Padding& padding = "VALID");
}  // namespace nn

}  // namespace xjax
