// The IR: primitives with all their rules, params, typed variables, equations and (closed) jaxprs.
#pragma once
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "xjax/array.hpp"

namespace xjax {

struct ClosedJaxpr;
using Ints = std::vector<std::int64_t>;
// A param that is not plain data (a user's function in custom_jvp, ...): compared by identity.
struct OpaqueParam {
  virtual ~OpaqueParam() = default;
  virtual std::string describe() const = 0;
};
using ParamValue = std::variant<bool, std::int64_t, double, Ints, DType, std::string,
                                std::shared_ptr<const ClosedJaxpr>, std::shared_ptr<const OpaqueParam>>;

// A small sorted map of named, hashable, comparable, printable values (axes, shapes, dtypes, sub-jaxprs).
class Params {
 public:
  Params() = default;
  Params(std::initializer_list<std::pair<std::string, ParamValue>> items);
  const ParamValue& at(std::string_view key) const;  // throws ValueError naming the key when absent
  bool contains(std::string_view key) const;
  template <class T>
  const T& get(std::string_view key) const {
    const ParamValue& v = at(key);
    if (const T* p = std::get_if<T>(&v)) return *p;
    throw ValueError("params", "param '", key, "' has another type");
  }
  std::int64_t get_int(std::string_view key) const { return get<std::int64_t>(key); }
  const Ints& get_ints(std::string_view key) const { return get<Ints>(key); }
  Params with(std::string key, ParamValue v) const;
  const std::vector<std::pair<std::string, ParamValue>>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  bool operator==(const Params& o) const;
  std::size_t hash() const;

 private:
  std::vector<std::pair<std::string, ParamValue>> items_;
};
std::ostream& operator<<(std::ostream& os, const Params& p);  // [axes=(0,), keepdims=False]

// Rule signatures. A tangent or cotangent may be a symbolic zero (nullopt): it costs nothing.
using Avals = std::vector<ShapedArray>;
using Tangent = std::optional<Array>;
using Tangents = std::vector<Tangent>;
using BatchDim = std::optional<int>;  // nullopt: not mapped
using BatchDims = std::vector<BatchDim>;
// An input of a linear equation during transposition: a known value, or the linear unknown.
struct LinearArg {
  std::optional<Array> value;  // nullopt: the linear input (only its aval is known)
  ShapedArray aval;
  bool is_linear() const { return !value.has_value(); }
};
using LinearArgs = std::vector<LinearArg>;

struct Equation;
// Native code generation (src/trace/lowering.hpp): a primitive's `lower` rule emits its equation.
namespace lowering {
struct Value;
class Builder;
using Values = std::vector<Value>;
}  // namespace lowering
using LowerFn = lowering::Values (*)(lowering::Builder& b, const lowering::Values& in, const Equation& e);

// Contiguous operands of an elementwise kernel over n elements; an operand of size 1 is broadcast.
struct TileArgs {
  const std::byte* const* in;
  const std::int64_t* in_size;
  const DType* in_dtype;
  std::byte* out;
  std::int64_t n;
  const Params* params;
};
using TileKernel = void (*)(const TileArgs&);

// A named axis that a vmap maps (vmap(f, ..., axis_name)): what a collective's rule needs of it.
struct AxisFrame {
  std::string name;
  std::int64_t size;
};

// A primitive: every rule in one place. Rules are written with public ops, so they trace again.
struct Primitive {
  std::string name;
  // How many operands the shape rule reads; -1: any number (the rule checks what it reads).
  // def_primitive makes the shape rule raise ValueError for another count.
  int arity = -1;
  // Output avals from input avals; throws a typed Error for bad input (runs before every kernel).
  std::function<Avals(const Avals&, const Params&)> shape;
  // Eager kernel on concrete inputs whose avals passed `shape`; outputs have exactly `out_avals`.
  std::function<Arrays(const Arrays&, const Params&, const Avals& out_avals)> eval;
  // Output tangents given primals, their tangents (at least one non-zero) and the primal outputs.
  std::function<Tangents(const Arrays&, const Tangents&, const Arrays&, const Params&)> jvp;
  // Linear primitives only: cotangents of the linear inputs (nullopt elsewhere).
  std::function<Tangents(const Tangents& cts, const LinearArgs&, const Params&)> transpose;
  // Batched outputs and their batch dims, given inputs of which at least one is mapped. Generic
  // rules (elementwise, reductions) receive the primitive they serve.
  std::function<std::pair<Arrays, BatchDims>(const Primitive&, const Arrays&, const BatchDims&, const Params&)> batch;
  // Collectives only: the named axis they communicate over (read from their params). A vmap of that
  // name processes them even when no input is mapped, with `collective_batch`, which receives the
  // axis; vmaps of other axes use `batch`.
  std::function<std::string(const Params&)> collective_axis;
  std::function<std::pair<Arrays, BatchDims>(const Primitive&, const Arrays&, const BatchDims&, const Params&,
                                             const AxisFrame& axis)>
      collective_batch;
  // The equation in generated code (jit's native tier). Elementwise primitives without one are
  // compiled as calls of their tile kernel; an equation with neither runs through `eval`.
  LowerFn lower = nullptr;
  // Elementwise primitives: the kernel on contiguous pointers. The eager kernel runs it over whole
  // arrays; jit runs it tile by tile inside fused loops.
  TileKernel tile = nullptr;
  // Has an effect besides its outputs (debug callbacks): jit never folds, shares or drops it.
  bool effectful = false;
  // Its kernels take float16 and bfloat16 operands as they are. Other primitives receive them
  // widened to float32 and round their float32 results back (computes_in_float32 in rules.hpp).
  bool handles_half = false;
};

// Registers a primitive for the lifetime of the program; its address is its identity.
const Primitive& def_primitive(Primitive p);
const std::vector<const Primitive*>& all_primitives();
const Primitive* find_primitive(std::string_view name);

// Apply a primitive: eagerly, or recorded/transformed by the innermost trace among the inputs.
Arrays bind(const Primitive& p, const Arrays& inputs, const Params& params = {});
Array bind1(const Primitive& p, const Arrays& inputs, const Params& params = {});

// Typed variables, literals, equations, jaxprs.
struct Var {
  std::int64_t id;
  ShapedArray aval;
};
using VarPtr = std::shared_ptr<const Var>;
struct Literal {
  Array value;  // concrete, 0-d
};
using Atom = std::variant<VarPtr, Literal>;
const ShapedArray& atom_aval(const Atom& a);

struct Equation {
  const Primitive* prim;
  Params params;
  std::vector<Atom> inputs;
  std::vector<VarPtr> outputs;
};

struct Jaxpr {
  std::vector<VarPtr> constvars;
  std::vector<VarPtr> invars;
  std::vector<Equation> eqns;
  std::vector<Atom> outvars;
};

struct ClosedJaxpr {
  std::shared_ptr<const Jaxpr> jaxpr;
  Arrays consts;  // values of jaxpr->constvars
  Avals in_avals() const;
  Avals out_avals() const;
  bool operator==(const ClosedJaxpr& o) const { return jaxpr == o.jaxpr; }  // identity: cheap and sound
};
std::ostream& operator<<(std::ostream& os, const Jaxpr& j);
std::ostream& operator<<(std::ostream& os, const ClosedJaxpr& j);
std::string to_string(const ClosedJaxpr& j);
std::string to_dot(const ClosedJaxpr& j);  // Graphviz

// Evaluates by binding each equation: eagerly, or under whatever traces are active.
Arrays eval_jaxpr(const Jaxpr& j, const Arrays& consts, const Arrays& args);
Arrays eval_jaxpr(const ClosedJaxpr& j, const Arrays& args);

// Traces a flat function of arrays with the given input avals into a closed jaxpr.
ClosedJaxpr trace_to_jaxpr(const std::function<Arrays(const Arrays&)>& f, const Avals& in_avals);

}  // namespace xjax
