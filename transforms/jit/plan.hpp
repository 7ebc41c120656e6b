// jit's plan of a program: the steps the executor runs (fused kernels over large arrays, calls of
// other primitives) and where their operands live. Both tiers run the same plan: the interpreter
// tile by tile (executable.cpp), the native tier as generated loops (native/).
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "xjax/ir.hpp"

namespace xjax::plan {

// How an operand of a row kernel (below) covers the [rows, row_length] iteration space: an element
// per element, one value per row (broadcast along it), one row (broadcast over rows), or one value.
enum class Level : std::uint8_t { full, per_row, per_column, scalar };

// Where a kernel operand lives: a program slot (a whole array, or a 0-d one broadcast), a literal,
// or a scratch tile of the kernel.
struct Operand {
  enum Kind : std::uint8_t { slot, literal, scratch } kind;
  int index = -1;
  Array value;  // literals
  Level level = Level::full;  // row kernels
};

struct FusedOp {
  const Equation* eqn;
  std::vector<Operand> ins;
  int scratch_out = -1;  // -1: written straight into the materialised output slot
  int slot_out = -1;
};

enum class ReduceKind : std::uint8_t { sum, max, min };
struct FusedReduce {
  const Equation* eqn;
  ReduceKind kind;
  Operand src;
  int slot_out;
};

// Elementwise ops over `n` elements of one shape, then full reductions of some of their values.
struct Kernel {
  Shape shape;
  std::int64_t n = 0;
  std::vector<FusedOp> ops;
  std::vector<FusedReduce> reduces;
  int num_scratch = 0;
};

// A region of a program over [rows, row_length] arrays whose reductions over the trailing axes feed
// later operations on the same rows (softmax, layer norm): each row runs every operation in order,
// its values in row-long scratch buffers, so the rows stay in cache. Reductions fold the row's tiles
// in double exactly as the eager kernels do.
struct RowOp {
  const Equation* eqn;
  std::vector<Operand> ins;
  Operand out;  // a scratch buffer or a slot, at the op's level
  Level level;  // full, or per_row: an op of per-row values, or a reduction
  std::optional<ReduceKind> reduce;
};
struct RowKernel {
  Shape shape;
  std::int64_t rows = 0, row_length = 0;
  std::vector<RowOp> ops;
  int num_scratch = 0;
};

struct Call {
  const Equation* eqn;
  std::vector<Operand> ins;
  std::vector<int> outs;
};

struct Step {
  std::variant<Kernel, RowKernel, Call> body;
  std::vector<int> release;  // slots whose last use is this step
};

// Reductions fold partial results in double, in order, NaN propagating, as the eager kernels do.
inline double identity(ReduceKind kind) {
  return kind == ReduceKind::sum   ? 0.0
         : kind == ReduceKind::max ? -std::numeric_limits<double>::infinity()
                                   : std::numeric_limits<double>::infinity();
}
inline double combine(ReduceKind kind, double acc, double v) {
  if (kind == ReduceKind::sum) return acc + v;
  if (acc != acc) return acc;
  if (v != v) return v;
  return kind == ReduceKind::max ? (acc < v ? v : acc) : (v < acc ? v : acc);
}

// The reductions fused kernels fold (sum, max, min), or nullopt.
std::optional<ReduceKind> reduction_kind(const Primitive& p);

// A scratch buffer for a kernel's value: a freed one if any, else a new one.
inline int take_scratch(std::vector<int>& free, int& count) {
  if (free.empty()) return count++;
  int s = free.back();
  free.pop_back();
  return s;
}

// The calling thread's scratch memory, kept from kernel to kernel. Kernels never nest on one thread.
std::byte* thread_scratch(std::size_t bytes);

// Which equations read each variable, and which variables the program returns.
struct Uses {
  std::unordered_map<const Var*, std::vector<std::size_t>> readers;
  std::unordered_set<const Var*> outputs;
};

// A row kernel starting at equation `first`, if one fits there: the kernel and the index of the
// first equation after it. `slot` names the program slot of a variable.
std::optional<std::pair<RowKernel, std::size_t>> plan_rows(const Jaxpr& j, std::size_t first, const Uses& uses,
                                                           const std::function<int(const VarPtr&)>& slot);
// For each of num_slots slots, the last step that reads it (-1: none).
std::vector<int> last_reads(const std::vector<Step>& steps, int num_slots);
// Runs a flat kernel (its programme has num_slots slots): on the interpreter, or with its native
// loop (a native::LoopFn) if not null. Its outputs and reductions go to their slots of env.
void run_kernel(const Kernel& k, std::vector<Array>& env, int num_slots, void* native_loop = nullptr);
// Runs a row kernel: on the interpreter, or with its native loop (a native::LoopFn) if not null.
void run_rows(const RowKernel& k, std::vector<Array>& env, void* native_loop = nullptr);

}  // namespace xjax::plan
