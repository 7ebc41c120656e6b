// Shared machinery of the control-flow primitives (cond, while, scan): sub-functions traced into
// jaxprs whose closed-over values are explicit operands, and rewrites of those jaxprs for the rules.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "primitives/common.hpp"
#include "trace/walk.hpp"
#include "xjax/control_flow.hpp"

namespace xjax::control_flow {

using JaxprPtr = std::shared_ptr<const ClosedJaxpr>;
using Mask = std::vector<bool>;

// A traced sub-function. Its jaxpr has no consts: the values it closes over (concrete arrays or
// tracers of enclosing transformations) are leading inputs, and `consts` holds them, so the
// primitive's params never hold a tracer and every transformation sees the closed-over values.
struct Traced {
  JaxprPtr jaxpr;
  Arrays consts;
};
Traced trace_lifted(const FlatFn& f, const Avals& in_avals);
// Traces f into a jaxpr that must not close over anything (the rules' own sub-functions, built
// from lifted jaxprs whose inputs are all explicit).
JaxprPtr trace_closed(const FlatFn& f, const Avals& in_avals);

// Traces a loop body whose leading inputs are the carry, followed by inputs of types `extra`. A weakly
// typed initial carry (a C++ scalar) takes the dtype the body gives it, as in JAX: such elements of
// `carry` are converted and the body is traced once more.
Traced trace_loop_body(const FlatFn& body, Arrays& carry, const Avals& extra);

// config.disable_jit outside every transformation, on concrete values: the front ends then call the
// user's functions in a plain C++ loop instead of tracing them.
bool run_directly(const Arrays& values);

// The carry after a step run directly: `next`, which must have the types of `carry` (on the first
// step a weakly typed value may take the dtype the body gives it, as when tracing).
Arrays next_carry(const char* op, const Arrays& carry, const Arrays& next, bool first_step);

Avals avals_of(const Arrays& xs);
std::string avals_str(const Avals& avals);  // (f32[3], i32[])
// Shape and dtype agree (weak types may differ: they only steer promotion).
bool same_types(const Avals& a, const Avals& b);
const JaxprPtr& jaxpr_param(const Params& p, const char* key);

// Runs a lifted jaxpr on concrete arrays: eagerly, even while an outer make_jaxpr/jit is tracing.
Arrays eval_concrete(const ClosedJaxpr& j, const Arrays& args);

// Slices and concatenations of flat lists.
Arrays take(const Arrays& xs, std::size_t from, std::size_t count);
Arrays concat(std::initializer_list<Arrays> parts);
Arrays pick(const Arrays& xs, const Mask& keep, bool value = true);  // the xs where keep == value
Tangents with_zeros(const Arrays& nonzero, const Mask& nz);          // nullopt where !nz
Mask mask_of(const Tangents& ts);

// The jaxpr with extra unused inputs of the given types, inserted before input `at`.
JaxprPtr insert_inputs(const JaxprPtr& j, std::size_t at, const Avals& extra);
// Inputs and outputs permuted: new input k is old input inputs[k]; likewise outputs.
JaxprPtr reorder(const JaxprPtr& j, const std::vector<std::size_t>& inputs, const std::vector<std::size_t>& outputs);
// Concatenated index ranges [a, b), for reorder.
std::vector<std::size_t> ranges(std::initializer_list<std::pair<std::size_t, std::size_t>> rs);
// Only the outputs where keep is true, and only the equations they need.
JaxprPtr keep_outputs(const JaxprPtr& j, const Mask& keep);
// Drops inputs where drop is true; they must be unused.
JaxprPtr drop_inputs(const JaxprPtr& j, const Mask& drop);


// Cotangents of a jaxpr's linear inputs (linear[i]) given the values of the others and
// cotangents of its outputs: the body of every control-flow transpose rule. Traceable.
Tangents transpose_jaxpr(const ClosedJaxpr& j, const Mask& linear, const Arrays& nonlinear, const Tangents& cts);

// A transpose rule's call of a sub-program's transpose: built from the rule's arguments, the
// transposed program maps (non-linear operands, non-zero cotangents) -> cotangents of the linear
// operands (zeros instantiated).
struct TransposeCall {
  Mask linear;  // per operand
  Arrays nonlinear, ct_values;
  Avals linear_avals, in_avals;
  Mask ct_nz;
  TransposeCall(const LinearArgs& args, const Tangents& cts);
  JaxprPtr trace(const ClosedJaxpr& j) const;
  Arrays operands() const { return concat({nonlinear, ct_values}); }
  Tangents cotangents(const Arrays& outs) const;  // per operand: nullopt where not linear
};

// Forward mode of a jaxpr: f(primals..., tangents of the inputs where nz_in) -> (outputs...,
// tangents of the outputs where the result's mask is set). Outputs in `force` always get a
// tangent (zeros if symbolic); floating outputs only.
struct JvpJaxpr {
  JaxprPtr jaxpr;
  Mask nz_out;
};
JvpJaxpr jvp_jaxpr(const JaxprPtr& j, const Mask& nz_in, const Mask& force);

// Batching of a jaxpr: inputs with batch axes `dims` (batch at 0 or unmapped); outputs where
// force[i] are batched at 0 even if they do not depend on the batch.
struct BatchedJaxpr {
  JaxprPtr jaxpr;
  Mask batched_out;  // which outputs are batched (at axis 0)
};
BatchedJaxpr batch_jaxpr(const JaxprPtr& j, const Mask& batched_in, std::int64_t size, const Mask& force);
// The batch axis of each mapped value moved to 0; unmapped values stay as they are.
Arrays mapped_to_front(const Arrays& vals, const BatchDims& dims, std::int64_t size);
Mask mask_of(const BatchDims& dims);

}  // namespace xjax::control_flow
