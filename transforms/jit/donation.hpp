// Buffer donation (JitOptions::donate_argnums): which outputs of a plan may be computed into the
// memory of donated arguments, and taking that memory over from the caller's arrays.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "jit/plan.hpp"

namespace xjax::plan {

// Output slot `slot` (of aval `aval`), written by the fused kernel of step `step`, may take the
// memory of argument `arg`.
struct Reuse {
  std::size_t arg;
  int slot;
  std::size_t step;
  ShapedArray aval;
};

// For each output of the program a fused kernel writes, a donated argument of its shape and dtype
// whose last reader runs before that kernel, or is that kernel and reads it element by element no
// later than the op writing the output (so every element is read before it is overwritten).
// Arguments that are themselves outputs keep their memory.
std::vector<Reuse> plan_donation(const std::vector<Step>& steps, int num_slots, const std::vector<int>& arg_slots,
                                 const std::vector<Operand>& outs, const std::vector<ShapedArray>& arg_avals,
                                 const std::vector<bool>& donated);

}  // namespace xjax::plan

namespace xjax {

// Takes over the memory of each argument with a name in `donate` that can be: a buffer xjax
// allocated, which no other array shares and which is neither another argument nor one of the
// program's constants. Each one taken is replaced by an array the program owns, and the caller's
// handles throw DonatedArrayError (naming donate[i]) when read. Returns the arguments to run with,
// and which were taken.
std::pair<Arrays, std::vector<bool>> take_donations(const Arrays& args, const std::vector<std::string>& donate,
                                                    const Arrays& consts);

}  // namespace xjax
