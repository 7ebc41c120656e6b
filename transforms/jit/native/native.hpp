// jit's native tier: parts of a plan compiled to machine code with LLVM (ORC LLJIT). No LLVM
// header is visible here; without LLVM (XJAX_LLVM=OFF) `available()` is false and nothing compiles.
#pragma once
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "jit/plan.hpp"
#include "xjax/ir.hpp"

namespace llvm {
class Function;
}

namespace xjax::native {

class Emitter;

// Errors raised inside generated code (a tile kernel that throws, an interrupt): the first is kept
// and rethrown by the caller once the code has returned. Generated loops stop when `failed` is set.
struct Status {
  std::atomic<std::int32_t> failed{0};
  std::exception_ptr error;
  void fail(std::exception_ptr e) noexcept {
    std::int32_t expected = 0;
    if (failed.compare_exchange_strong(expected, 1)) error = std::move(e);
  }
  void rethrow_if_failed() {
    if (failed.load()) std::rethrow_exception(error);
  }
};

// A region: small values in registers. Reads its inputs' buffers, writes its outputs' buffers.
using RegionFn = void (*)(const void* const* ins, void* const* outs, Status* status);
// A fused loop over elements [begin, end) of a plan::Kernel; `slots` holds the data pointer of every
// program slot the kernel reads or writes, `acc` the chunk's partial reductions (as the
// interpreter's run_chunk).
// interpreter's run_chunk). A row kernel's LoopFn runs rows [begin, end), and `acc` is scratch memory
// of row_buffer_bytes.
using LoopFn = void (*)(void* const* slots, std::int64_t begin, std::int64_t end, double* acc, Status* status);
std::size_t row_buffer_bytes(const plan::RowKernel& kernel);

// Machine code of one compiled unit; freed with it.
class Code {
 public:
  virtual ~Code() = default;
};

// What UnitBuilder::compile made: the code, the address of each function added (by its index),
// whether the compilation cache gave or took the code, and lines for the log (a cache entry that
// could not be used or stored).
struct Compiled {
  std::unique_ptr<Code> code;
  std::vector<void*> addresses;
  std::size_t parts = 1;  // object files, compiled on as many threads
  std::string cache;
  std::vector<std::string> log;
};

// Elements of one block of a fused loop.
constexpr std::int64_t loop_lanes = 64;

// Arrays up to this many elements live in registers inside regions.
constexpr std::int64_t max_region_elements = 64;

// Whether this build has the native tier (cheap), and whether LLVM also accepted the host: the
// latter makes the JIT on first use (tens of milliseconds, once per process) on the calling thread,
// so a process never exits while the background thread makes it (see unit.cpp, stop_compiling).
bool built();
bool available();

// Collects functions for one unit of code, then compiles them together. Each add_* returns an index
// for `address` after `compile`, or throws lowering::Unsupported (the unit stays usable).
class UnitBuilder {
 public:
  UnitBuilder();
  ~UnitBuilder();
  UnitBuilder(const UnitBuilder&) = delete;
  UnitBuilder& operator=(const UnitBuilder&) = delete;

  // A region computing `outs` from `ins` with the equations of `body`, in order (each input is an
  // array of its aval in memory); the constants of `consts` are embedded.
  std::size_t add_region(const std::vector<const Var*>& ins, const std::vector<Atom>& outs,
                         const std::vector<Equation>& body, const std::vector<std::pair<const Var*, Array>>& consts);
  // A plan kernel as a loop over blocks of elements (loops.cpp).
  std::size_t add_loop(const plan::Kernel& kernel);
  // A row kernel as a loop over rows [begin, end) (a LoopFn whose `acc` is unused).
  std::size_t add_rows(const plan::RowKernel& kernel);
  bool empty() const;
  // Optimises and compiles everything added, or loads its code from the compilation cache
  // (disk_cache.hpp); with `cache_only`, only loads it (no code when the cache has none).
  Compiled compile(bool cache_only = false);

 private:
  // A new LoopFn of the unit, its body emitted by `emit` with an Emitter of loop_lanes lanes.
  std::size_t add_loop_function(const std::function<void(llvm::Function*, Emitter&)>& emit);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs `job` on the native tier's compile thread (started on first use, joined at exit).
void compile_in_background(std::function<void()> job);
// Returns once every job queued so far has finished.
void wait_for_background_compiles();

}  // namespace xjax::native
