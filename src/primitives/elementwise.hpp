// Building blocks for elementwise primitives: their dispatched kernels and the common rules.
#pragma once
#include <type_traits>

#include "kernels/complex_kernels.hpp"
#include "kernels/dispatch.hpp"
#include "kernels/tables.hpp"
#include "primitives/common.hpp"

namespace xjax {

// Integer arithmetic that wraps instead of overflowing (signed overflow is undefined in C++).
template <class T, class Op>
inline T int_op(T a, T b, Op op) {
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T> && !std::is_same_v<T, bool>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(op(static_cast<U>(a), static_cast<U>(b)));
  } else {
    return op(a, b);
  }
}

// An elementwise primitive's tile kernel: its entry in the active instruction set's table.
using Kernels = kernels::ElementwiseKernels;
template <TileKernel Kernels::*M>
inline constexpr TileKernel isa_tile = kernels::elementwise_tile<M>;

// The tile kernel of a primitive that also computes on complex operands: the active set's member M
// for real ones, the complex kernel C otherwise.
using ComplexKernels = kernels::ComplexKernels;
template <TileKernel Kernels::*M, TileKernel ComplexKernels::*C>
inline constexpr TileKernel with_complex = kernels::real_or_complex_tile<isa_tile<M>, C>;

// The eager kernel of an elementwise primitive: its tile kernel over whole arrays.
Arrays run_tile(TileKernel tile, const Arrays& in, const Params& params, const Avals& out);
inline auto tile_eval(TileKernel tile) {
  return [tile](const Arrays& in, const Params& params, const Avals& out) { return run_tile(tile, in, params, out); };
}

// Shape rule of an elementwise primitive: operands agree (0-d broadcast), result dtype as operands or bool.
inline auto elementwise_shape(const char* name, DTypes kinds, bool bool_out = false) {
  return [name, kinds, bool_out](const Avals& in, const Params&) -> Avals {
    ShapedArray r = elementwise_aval(name, in, kinds);
    if (bool_out) r = {r.shape, bool_, false};
    return {r};
  };
}

}  // namespace xjax
