// jit's plan of a program: the steps the executor runs (fused kernels over large arrays, calls of
// other primitives) and where their operands live. Both tiers run the same plan: the interpreter
// tile by tile (executable.cpp), the native tier as generated loops (native/).
#pragma once
#include <cstdint>
#include <variant>
#include <vector>

#include "xjax/ir.hpp"

namespace xjax::plan {

// Where a kernel operand lives: a program slot (a whole array, or a 0-d one broadcast), a literal,
// or a scratch tile of the kernel.
struct Operand {
  enum Kind : std::uint8_t { slot, literal, scratch } kind;
  int index = -1;
  Array value;  // literals
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

struct Call {
  const Equation* eqn;
  std::vector<Operand> ins;
  std::vector<int> outs;
};

struct Step {
  std::variant<Kernel, Call> body;
  std::vector<int> release;  // slots whose last use is this step
};

}  // namespace xjax::plan
