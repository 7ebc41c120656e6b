// Lowering to native code: the interface a primitive's `lower` rule writes against. The jit's
// native tier (transforms/jit/native) implements it over LLVM; nothing here depends on LLVM.
//
// A Value stands for generated code computing an array: in a *register region* (loop bodies and
// programs whose values are all small) it holds every element of its array; in a *fused loop* it
// holds one block of consecutive elements of a large array, so only elementwise rules apply there.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "xjax/ir.hpp"

namespace xjax::lowering {

struct Value {
  void* ir = nullptr;  // the generator's handle
  ShapedArray aval;
};

// Operations with one exact IEEE (or two's-complement) result: generated code gives the same bits
// as the eager kernels. The generator runs an op it cannot express for a dtype through the
// primitive's tile kernel instead, which is also exact.
enum class Op : std::uint8_t {
  add, sub, mul, div, rem, neg, abs, sqrt,            // arithmetic (integer x / 0 = x % 0 = 0, as the kernels)
  max, min,                                           // NaN propagates (as a + b); else a > b ? a : b
  eq, ne, lt, le, gt, ge,                             // comparisons (bool result)
  bit_and, bit_or, bit_xor, bit_not,                  // bitwise / logical
  select,                                             // select(pred, on_false, on_true)
  convert,                                            // to the output's dtype, as convert_value
  identity,
};

class Builder {
 public:
  virtual ~Builder() = default;

  // The op on its inputs, with the given output aval; a Value without `ir` when the generator has
  // no exact form of the op for this dtype.
  virtual Value op(Op op, const Values& in, const ShapedArray& out) = 0;
  // The equation through its primitive's tile kernel (every elementwise primitive has one).
  virtual Value tile(const Equation& e, const Values& in) = 0;
  // A concrete array as a constant.
  virtual Value constant(const Array& value) = 0;
  // The eager kernels' vectorised unary function `name` (sin, exp, tanh, ...: the primitive's name)
  // on a floating value, inlined; a Value without `ir` when the generator does not have it.
  virtual Value math(const std::string& name, const Value& x, const ShapedArray& out) = 0;

  // Register regions only. out element i = element index[i] of the concatenation of `parts`
  // (layout ops: reshape, transpose, broadcast, slice, concatenate, ...).
  virtual Value gather(const Values& parts, const Ints& index, const ShapedArray& out) = 0;
  // A sub-program inlined on the given arguments.
  virtual Values inline_jaxpr(const ClosedJaxpr& j, const Values& args) = 0;
  // while cond(carry) [and fewer than max_trips trips, when max_trips >= 0]: carry = body(carry).
  // An empty cond loops max_trips times. Checks for interruption once per trip.
  using CondFn = std::function<Value(const Values& carry)>;
  using BodyFn = std::function<Values(const Values& carry)>;
  virtual Values loop(const Values& init, std::int64_t max_trips, const CondFn& cond, const BodyFn& body) = 0;
  // branch(clamp(index, 0, n - 1)) for an integer scalar index; every branch returns `out` avals.
  virtual Values switch_(const Value& index, std::size_t n, const std::function<Values(std::size_t)>& branch,
                         const Avals& out) = 0;
};

// Thrown by a rule or the generator for what the native tier does not compile (the program then
// runs on the interpreter tier).
struct Unsupported {
  std::string what;
};

// Rules for the common cases, for Primitive::lower.
// An op the generator cannot express for the operands' dtype gives no values: the equation then
// runs through its tile kernel.
template <Op op>
Values lower_op(Builder& b, const Values& in, const Equation& e) {
  Value v = b.op(op, in, e.outputs[0]->aval);
  if (!v.ir) return {};
  return {v};
}
// Unary floating-point functions: the eager kernel's own vector code, inlined (else the tile kernel).
inline Values lower_math(Builder& b, const Values& in, const Equation& e) {
  Value v = b.math(e.prim->name, in[0], e.outputs[0]->aval);
  if (!v.ir) return {};
  return {v};
}
// Row-major strides of a shape.
Ints strides_of(const Shape& shape);
// For each element of an `out`-shaped array in row-major order: offset + sum(coord[d] * src_strides[d]).
Ints strided_index(const Shape& out, const Ints& src_strides, std::int64_t offset = 0);
// Layout rules: the same elements in the same order (reshape, squeeze, expand_dims).
inline Values lower_same_elements(Builder& b, const Values& in, const Equation& e) {
  return {b.op(Op::identity, in, e.outputs[0]->aval)};
}

}  // namespace xjax::lowering
