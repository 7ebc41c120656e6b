// Shared pieces of primitive definitions: shape rules and the elementwise batching rule (the tangent
// and batching helpers rules share with the interpreters are in trace/rules.hpp).
#pragma once
#include <string>

#include "array/array_impl.hpp"
#include "trace/rules.hpp"
#include "xjax/ir.hpp"
#include "xjax/ops.hpp"

namespace xjax {

// Which dtypes an op accepts. The first six are real dtypes only; number and inexact add the complex
// dtypes, anything is every dtype.
enum class DTypes : std::uint8_t {
  any, numeric, floating, integer, boolean_or_integer, signed_numeric, number, inexact, anything
};
bool accepts(DTypes kinds, DType d);
void check_dtype(const char* op, DTypes kinds, const ShapedArray& a);

// Elementwise n-ary shape rule: operands share shape and dtype, except that 0-d operands broadcast.
ShapedArray elementwise_aval(const char* op, const Avals& in, DTypes kinds);
int normalize_axis(const char* op, std::int64_t axis, int ndim);  // throws IndexError

// jnp's promotion to an inexact dtype: floating and complex dtypes stay, int64 -> float64, other
// integers and bool -> float32. inexact(x) converts x so, keeping its weak type (a C++ int stays weak).
DType inexact_dtype(DType d);
Array inexact(const Array& x);

// x as dtype d with the given weak type; concrete values convert immediately (no staged equation).
Array convert(const Array& x, DType d, bool weak);

// The rule of every elementwise primitive: batch axes to the front, unmapped operands broadcast
// when the primitive needs equal shapes.
std::pair<Arrays, BatchDims> elementwise_batch(const Primitive& p, const Arrays& vals, const BatchDims& dims,
                                               const Params& params);

}  // namespace xjax
