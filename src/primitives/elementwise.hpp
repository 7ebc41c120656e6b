// Building blocks for elementwise primitives: typed kernels from functors, and the common rules.
#pragma once
#include <type_traits>

#include "kernels/dispatch.hpp"
#include "kernels/loops.hpp"
#include "primitives/common.hpp"

namespace xjax {

template <class T>
constexpr bool type_in(DTypes k) {
  constexpr bool b = std::is_same_v<T, bool>, f = std::is_floating_point_v<T>;
  switch (k) {
    case DTypes::any: return true;
    case DTypes::numeric: case DTypes::signed_numeric: return !b;
    case DTypes::floating: return f;
    case DTypes::integer: return !b && !f;
    case DTypes::boolean_or_integer: return !f;
  }
  return false;
}

// Integer arithmetic that wraps instead of overflowing (signed overflow is undefined in C++).
template <class T>
T wrap(auto v) {
  return static_cast<T>(v);
}
template <class T, class Op>
inline T int_op(T a, T b, Op op) {
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T> && !std::is_same_v<T, bool>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(op(static_cast<U>(a), static_cast<U>(b)));
  } else {
    return op(a, b);
  }
}

// Tile kernel for a unary functor F over the dtypes in Kinds; the output is bool when BoolOut.
template <class F, DTypes Kinds, bool BoolOut = false>
void unary_tile(const TileArgs& a) {
  dispatch_dtype(a.in_dtype[0], [&](auto tag) {
    using T = typename decltype(tag)::type;
    using U = std::conditional_t<BoolOut, bool, T>;
    if constexpr (type_in<T>(Kinds))
      kernels::unary_loop(F{}, reinterpret_cast<const T*>(a.in[0]), reinterpret_cast<U*>(a.out), a.n);
  });
}

// Tile kernel for a binary functor F (operands of n elements or 1).
template <class F, DTypes Kinds, bool BoolOut = false>
void binary_tile(const TileArgs& a) {
  dispatch_dtype(a.in_dtype[0], [&](auto tag) {
    using T = typename decltype(tag)::type;
    using U = std::conditional_t<BoolOut, bool, T>;
    if constexpr (type_in<T>(Kinds))
      kernels::binary_loop(F{}, reinterpret_cast<const T*>(a.in[0]), a.in_size[0], reinterpret_cast<const T*>(a.in[1]),
                           a.in_size[1], reinterpret_cast<U*>(a.out), a.n);
  });
}

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
