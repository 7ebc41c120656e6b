// The interface between primitives and interpreters: what a primitive's rules may call on the
// transformations (src/ declares it, transforms/ defines it), and the tangent and batching helpers
// that rules and interpreters share. Primitives include this, never an interpreter's header; the
// interpreters include this, never a primitive's header.
#pragma once
#include <cstdint>
#include <memory>
#include <utility>

#include "xjax/ir.hpp"
#include "xjax/transforms.hpp"

namespace xjax {

class Executable;

// --- interpreters, for rules that transform a sub-function (control flow, custom rules) ---

// f batched over `size` examples whose batch axes are `dims`: the raw outputs and their batch axes
// (nullopt: the output does not depend on the batch). Called from inside a batching rule, the
// sub-function's axis keeps the name of the vmap axis whose rule is running. (transforms/batching)
std::pair<Arrays, BatchDims> batch_flat(const FlatFn& f, const Arrays& vals, const BatchDims& dims, std::int64_t size);

// Cotangents of a linear jaxpr's inputs from cotangents of its outputs. (transforms/ad)
Tangents backward_pass(const Jaxpr& j, const Arrays& consts, const Tangents& cts_out);

// The compiled program of a jaxpr, from jit's bounded cache, kept while the jaxpr lives: loop bodies
// run it at every iteration. (transforms/jit)
std::shared_ptr<const Executable> compiled(const std::shared_ptr<const ClosedJaxpr>& j);

// A call of a jitted program inside a transformation: binds pjit, which transformations keep a call
// of one compiled program. The jaxpr has no consts (they lead `args`). (src/primitives/jit_call.cpp)
Arrays jit_call(const std::string& name, const std::shared_ptr<const ClosedJaxpr>& jaxpr, const Arrays& args);

// --- float16 and bfloat16: storage types, computed in float32 ---
// Whether an equation of p with these avals computes on float32 copies of its float16/bfloat16
// operands and rounds its results back (every primitive but those with handles_half, effects or
// sub-programs, whose inner equations widen themselves). (src/trace/trace.cpp)
bool computes_in_float32(const Primitive& p, const Avals& in, const Avals& out, const Params& params);
// params with every float16/bfloat16 dtype (iota's, convert's, ...) replaced by float32.
Params float32_params(const Params& params);
// p's params hold a jaxpr or an opaque rule: it runs a sub-program.
bool has_subprogram(const Params& params);

// --- primitives jit's passes and planner recognise (src/primitives) ---
// A primitive is identified by its address (its name is a label for printing): `e.prim == &prims::mul()`.
namespace prims {
const Primitive& add();
const Primitive& sub();
const Primitive& mul();
const Primitive& div();
const Primitive& convert_element_type();
const Primitive& reshape();
const Primitive& squeeze();
const Primitive& broadcast_in_dim();
const Primitive& transpose();
const Primitive& dot_general();
const Primitive& reduce_sum();
const Primitive& reduce_max();
const Primitive& reduce_min();
const Primitive& pjit();
}  // namespace prims

// --- tangent algebra with symbolic zeros (nullopt) ---
Tangent add_tangents(const Tangent& a, const Tangent& b);
Array zeros_for(const ShapedArray& aval);
Array instantiate(const Tangent& t, const ShapedArray& aval);  // zeros where symbolic
// A cotangent for an operand that was 0-d where the result was not: summed back to 0-d.
Array unbroadcast(const Array& ct, const ShapedArray& operand);

// --- batching ---
std::int64_t batch_size(const Arrays& vals, const BatchDims& dims);
// x with its batch axis at `to` (an unmapped x is broadcast to `size` along a new axis `to`).
Array move_batch_axis(const Array& x, BatchDim from, int to, std::int64_t size);

}  // namespace xjax
