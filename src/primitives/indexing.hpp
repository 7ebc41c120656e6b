// Lax-style entry points of the gather, scatter and sort primitives (canonical params, no numpy
// conveniences such as negative-index wrapping), and the small kernel helpers they share.
#pragma once
#include <cstdint>
#include <limits>

#include "kernels/dispatch.hpp"
#include "primitives/common.hpp"

namespace xjax::lax {

// x[..., indices, ...] along `axis`: shape x.shape[:axis] + indices.shape + x.shape[axis+1:].
// Every index is clamped into [0, n) (negative ones included), as XLA's gather does.
Array gather(const Array& x, const Array& indices, int axis);
// numpy's take_along_axis on equal-rank operands whose extents agree except along `axis`; clamped.
Array take_along_axis(const Array& x, const Array& indices, int axis);
// Functional updates of x at `indices` along `axis`, `updates` shaped as gather's result and of
// x's dtype. Out-of-range (and negative) indices are dropped. Duplicates: scatter keeps the last
// update in row-major order; the others combine every update with x's element.
Array scatter(const Array& x, const Array& indices, const Array& updates, int axis);
Array scatter_add(const Array& x, const Array& indices, const Array& updates, int axis);
Array scatter_mul(const Array& x, const Array& indices, const Array& updates, int axis);
Array scatter_min(const Array& x, const Array& indices, const Array& updates, int axis);
Array scatter_max(const Array& x, const Array& indices, const Array& updates, int axis);
// Sorts every operand along `dimension` by the first `num_keys` (lexicographically; stable; NaNs
// after everything else, before it when descending), applying the same permutation to the rest.
Arrays sort(const Arrays& operands, int dimension, int num_keys = 1, bool descending = false);

}  // namespace xjax::lax

namespace xjax {

// An array seen as (outer, n, inner) around one axis: what every gather/scatter/sort kernel walks.
struct AxisSplit {
  std::int64_t outer = 1, n = 1, inner = 1;
};
inline AxisSplit split_at_axis(const Shape& s, int axis) {
  AxisSplit r;
  for (int d = 0; d < static_cast<int>(s.size()); ++d) {
    auto e = s[static_cast<std::size_t>(d)];
    if (d < axis) r.outer *= e;
    else if (d == axis) r.n = e;
    else r.inner *= e;
  }
  return r;
}

// The shape gather gives, and scatter expects of its updates: x.shape with `axis` replaced by idx.shape.
inline Shape gathered_shape(const Shape& x, const Shape& idx, int axis) {
  Shape s(x.begin(), x.begin() + axis);
  s.insert(s.end(), idx.begin(), idx.end());
  s.insert(s.end(), x.begin() + axis + 1, x.end());
  return s;
}

// The largest value an integer index dtype holds.
inline std::int64_t index_max(DType d) {
  return d == int32 ? std::numeric_limits<std::int32_t>::max()
         : d == uint32 ? std::numeric_limits<std::uint32_t>::max()
                       : std::numeric_limits<std::int64_t>::max();
}
// indices clamped into [0, n), as gather reads them (n-1 is never wrapped into a narrow dtype).
Array clamp_indices(const Array& indices, std::int64_t n);
// Whether each index lies in [0, n), as scatter keeps it (bool, of the indices' shape).
Array valid_indices(const Array& indices, std::int64_t n);

// Indices must be integers (bool and floats are rejected, as in JAX).
inline void check_indices(const char* op, const ShapedArray& indices) {
  if (!is_integer(indices.dtype)) throw DTypeError(op, "indices must be integers, got ", indices);
}

// f(TypeTag<I>) for the C++ type of an integer index dtype.
template <class F>
decltype(auto) dispatch_index(DType d, F&& f) {
  switch (d) {
    case DType::int32: return f(TypeTag<std::int32_t>{});
    case DType::int64: return f(TypeTag<std::int64_t>{});
    case DType::uint32: return f(TypeTag<std::uint32_t>{});
    default: throw DTypeError("index", "indices must be integers, got ", d);
  }
}

// A complex128 element, as bits.
struct Bits128 {
  std::uint64_t lo, hi;
};

// f(TypeTag<E>) with an unsigned type of d's item size: all a kernel that only moves elements needs.
template <class F>
decltype(auto) dispatch_bits(DType d, F&& f) {
  switch (itemsize(d)) {
    case 1: return f(TypeTag<std::uint8_t>{});
    case 2: return f(TypeTag<std::uint16_t>{});
    case 16: return f(TypeTag<Bits128>{});
    case 4: return f(TypeTag<std::uint32_t>{});
    case 8: return f(TypeTag<std::uint64_t>{});
    default: throw DTypeError("index", "no element mover for ", d);
  }
}

}  // namespace xjax
