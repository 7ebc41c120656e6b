// The lowering::Builder over LLVM IR. A value is an LLVM vector: all elements of a small array in a
// register region, or one block of `lanes` consecutive elements in a fused loop. Bools are i1 in
// registers and one byte in memory.
#pragma once
#include <llvm/IR/IRBuilder.h>

#include <functional>
#include <string>
#include <unordered_map>

#include "jit/native/native.hpp"
#include "trace/lowering.hpp"

namespace xjax::native {

using lowering::Value;
using lowering::Values;

// Called from generated code, through the first entries of each unit's table (their order).
enum class Helper : std::size_t { tile, poll, answered, interrupt_counter, count };

class Emitter final : public lowering::Builder {
 public:
  // lanes == 0: a register region; else a fused loop whose blocks hold `lanes` elements.
  Emitter(llvm::IRBuilder<>& b, llvm::Function* fn, llvm::Value* status, std::int64_t lanes);

  Value op(lowering::Op op, const Values& in, const ShapedArray& out) override;
  Value tile(const Equation& e, const Values& in) override;
  Value constant(const Array& value) override;
  Value math(const std::string& name, const Value& x, const ShapedArray& out) override;
  Value gather(const Values& parts, const Ints& index, const ShapedArray& out) override;
  Values inline_jaxpr(const ClosedJaxpr& j, const Values& args) override;
  Values loop(const Values& init, std::int64_t max_trips, const CondFn& cond, const BodyFn& body) override;
  Values switch_(const Value& index, std::size_t n, const std::function<Values(std::size_t)>& branch,
                 const Avals& out) override;

  // The equation by its primitive's lower rule, else its tile kernel; Unsupported otherwise.
  Values lower_equation(const Equation& e, const Values& in);
  // Runs equations over an environment of values (atoms not in it must be literals).
  void run(const std::vector<Equation>& eqns, std::unordered_map<const Var*, Value>& env);
  Value atom(const Atom& a, const std::unordered_map<const Var*, Value>& env);

  // Memory: an array's elements (a block at `offset` in a loop; `mask` limits a partial block).
  Value load(llvm::Value* base, const ShapedArray& aval, llvm::Value* offset = nullptr, llvm::Value* mask = nullptr);
  Value load_splat(llvm::Value* base, const ShapedArray& aval);  // element 0 in every lane
  void store(const Value& v, llvm::Value* base, llvm::Value* offset = nullptr, llvm::Value* mask = nullptr);

  llvm::Type* element_type(DType d, bool in_memory = false) const;
  // float16 and bfloat16 values are floats in registers: loads widen their bits, stores round.
  // Integer IR with the bits of xjax/half.hpp (no F16C or library call needed).
  llvm::Value* half_to_float(llvm::Value* bits, DType d);
  llvm::Value* float_to_half(llvm::Value* x, DType d);
  llvm::FixedVectorType* vector_type(const ShapedArray& a, bool in_memory = false) const;
  std::int64_t width(const ShapedArray& a) const;
  llvm::AllocaInst* stack(llvm::Type* t);  // in the entry block, so loops do not grow the stack
  // Calls a helper of the library through the unit's table (unit.cpp), which holds every address
  // generated code uses: its machine code depends on no address of this process, so it can be
  // stored on disk and loaded by another (the compilation cache).
  llvm::Value* call(Helper helper, llvm::Type* result, const std::vector<llvm::Value*>& args);
  llvm::Value* table_entry(std::size_t index);

  llvm::IRBuilder<>& builder() { return b_; }

  // Loops: the active lanes of the current block (a loop), the interrupts answered at entry.
  llvm::Value* active_lanes = nullptr;
  llvm::Value* seen_interrupts = nullptr;
  // The unit's inlinable math functions: a declaration by name (nullptr: no such function), and
  // the bytes of the batch each call processes.
  std::function<llvm::Function*(const std::string&)> math_function;
  std::int64_t math_batch_bytes = 0;
  // Whether math calls may be inlined: not in a loop's rarely run partial blocks, which call the
  // function instead (a fraction of the code to compile).
  bool inline_math = true;
  // The unit's table of addresses (Helper entries first), and the entry of an equation in it.
  llvm::Value* table = nullptr;
  std::function<std::size_t(const Equation*)> equation_entry;

 private:
  llvm::Value* widen(const Value& v, std::int64_t w);  // a 1-element value splat to w lanes
  llvm::IRBuilder<>& b_;
  llvm::Function* fn_;
  llvm::Value* status_;
  std::int64_t lanes_;
};

extern "C" {
void xjax_native_tile(const Equation* e, const void* const* ins, const std::int64_t* sizes, void* out, std::int64_t n,
                      Status* status);
void xjax_native_poll(Status* status);
std::uint64_t xjax_native_answered();
}

}  // namespace xjax::native
