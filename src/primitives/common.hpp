// Shared pieces of primitive definitions: shape rules, tangent algebra, batching helpers.
#pragma once
#include <string>

#include "array/array_impl.hpp"
#include "xjax/ir.hpp"
#include "xjax/ops.hpp"

namespace xjax {

// Which dtypes an op accepts.
enum class DTypes : std::uint8_t { any, numeric, floating, integer, boolean_or_integer, signed_numeric };
bool accepts(DTypes kinds, DType d);
void check_dtype(const char* op, DTypes kinds, const ShapedArray& a);

// Elementwise n-ary shape rule: operands share shape and dtype, except that 0-d operands broadcast.
ShapedArray elementwise_aval(const char* op, const Avals& in, DTypes kinds);
int normalize_axis(const char* op, std::int64_t axis, int ndim);  // throws IndexError

// x as dtype d with the given weak type; concrete values convert immediately (no staged equation).
Array convert(const Array& x, DType d, bool weak);

// Tangent algebra with symbolic zeros.
Tangent add_tangents(const Tangent& a, const Tangent& b);
Array instantiate(const Tangent& t, const ShapedArray& aval);  // zeros where symbolic
Array zeros_for(const ShapedArray& aval);
// A cotangent for an operand that was 0-d where the result was not: summed back to 0-d.
Array unbroadcast(const Array& ct, const ShapedArray& operand);

// Batching helpers.
std::int64_t batch_size(const Arrays& vals, const BatchDims& dims);
// x with its batch axis at `to` (an unmapped x is broadcast to `size` along a new axis `to`).
Array move_batch_axis(const Array& x, BatchDim from, int to, std::int64_t size);
// The rule of every elementwise primitive: batch axes to the front, unmapped operands broadcast
// when the primitive needs equal shapes.
std::pair<Arrays, BatchDims> elementwise_batch(const Primitive& p, const Arrays& vals, const BatchDims& dims,
                                               const Params& params);

}  // namespace xjax
