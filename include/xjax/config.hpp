// Process-wide runtime settings: the number of threads kernels may use, and the xjax::config
// object (switches such as the compile log, and where log lines go).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace xjax {

// Threads that large kernels (eager elementwise ops and reductions, jit's fused kernels) split their
// work over, the calling thread included. The default is the environment variable
// XJAX_NUM_THREADS when it holds a positive integer, else the hardware's concurrency. Results do
// not depend on it: work is cut into chunks fixed by the array size alone. set_num_threads(n)
// throws ValueError unless 1 <= n <= 1024; it applies to calls that start after it.
void set_num_threads(int n);
int num_threads();

// The instruction set the vectorised kernels use in this process: "sse4", "avx2" or "avx512". One
// library holds all three and picks the widest the CPU supports when first used, capped by the
// environment variable XJAX_CPU_ISA (same names); a cap that names an unknown set or one this CPU
// lacks makes cpu_isa() and every operation throw ValueError naming what the CPU has. Results have
// the same bits under every set (README, "Portability and reproducibility").
std::string cpu_isa();

// Stops running computations: every thread's next check (between operations, between the steps and
// loop iterations of a compiled program, between the chunks of a large kernel) throws
// InterruptedError, once per interrupt; the state stays usable and the next call runs normally. A
// thread that was idle answers at its next operation. Async-signal-safe: callable from any thread
// and from a signal handler.
void interrupt() noexcept;
// Installs a SIGINT handler that calls interrupt(), so Ctrl-C stops a long computation with
// InterruptedError instead of ending the process.
void install_interrupt_handler();

// The memory held by arrays' buffers (as JAX's device.memory_stats()): in use now, the most in use
// at once so far, and allocated in all since the process started, in bytes and in buffers. A
// jitted program keeps the memory of the buffers its calls freed for its next calls (its reserve):
// a buffer taken from it again is in use but not a new allocation.
struct MemoryStats {
  std::size_t bytes_in_use = 0, peak_bytes_in_use = 0, bytes_allocated = 0, num_allocs = 0;
};
MemoryStats memory_stats();

// Which code runs a jitted program. `interpreter`: the plan's steps run as calls of the eager
// kernels and fused loops of tile kernels, compiled in about a millisecond. `native`: the program is
// compiled to machine code with LLVM before its first run (fused loops, loops and small programs
// with their values in registers). `automatic`: the interpreter runs at once while the native code
// is compiled on a background thread, for programs called a second time or that contain a loop, and
// takes over when ready. Every tier gives the same bits. Without LLVM the interpreter runs always.
enum class JitTier : std::uint8_t { interpreter, native, automatic };

// Whether this library was built with the native jit tier (LLVM) and it works on this CPU.
bool has_native_jit();

// Switches read by the library at run time; safe to change from any thread.
struct Config {
  Config();
  // One line per jit compilation: the function, its argument signature, the time taken and why
  // the cache missed. Default: on when the environment variable XJAX_LOG_COMPILES is 1.
  std::atomic<bool> log_compiles{false};
  // After every primitive run eagerly, and after every compiled program (then re-run without jit to
  // find the culprit), a NaN (debug_nans) or an infinity (debug_infs) in a floating output throws
  // FloatingPointError naming the primitive and its input types. Costs a pass over each output.
  // Defaults: XJAX_DEBUG_NANS=1, XJAX_DEBUG_INFS=1.
  std::atomic<bool> debug_nans{false};
  std::atomic<bool> debug_infs{false};
  // jit(f) calls f directly on the concrete arguments, and cond/switch_/while_loop/fori_loop/scan/
  // map outside any transformation run their C++ functions in a plain loop on concrete values, so
  // a debugger steps through user code and item() works there. Default: XJAX_DISABLE_JIT=1.
  std::atomic<bool> disable_jit{false};
  // At the end of each transformation, a tracer of it that is still alive (kept in a global, a
  // static or a captured reference) throws TransformError saying which operation made it.
  // Default: XJAX_CHECK_TRACER_LEAKS=1.
  std::atomic<bool> check_tracer_leaks{false};
  // jit's tier for programs compiled from now on. Default: XJAX_JIT_TIER=interpreter|native|auto,
  // else automatic; another value makes jit throw ValueError naming the three.
  std::atomic<JitTier> jit_tier{JitTier::automatic};
  // The XJAX_JIT_TIER value that named no tier ("" when it was valid or unset).
  std::string bad_jit_tier;
  // The persistent compilation cache: native code compiled by jit is stored in this directory
  // (created when missing) and loaded by later processes, and by later programs of this one, in
  // place of compiling it again; log_compiles says when code was loaded. An entry is keyed by a hash
  // of the generated program, the CPU's instruction sets and the library's version; a stale or
  // damaged entry, or a directory that cannot be written, only means compiling (and a log line).
  // "" turns it off. Default: XJAX_COMPILATION_CACHE_DIR, else off.
  void set_compilation_cache_dir(std::string dir);
  std::string compilation_cache_dir() const;
  // The cache's size bound: beyond it, the least recently used entries are deleted.
  // Default: XJAX_COMPILATION_CACHE_MAX_BYTES, else 1 GiB.
  std::atomic<std::int64_t> compilation_cache_max_bytes{std::int64_t{1} << 30};

  // Sends a line to the log sink (standard error unless replaced; its lines are never interleaved).
  // The sink is called without any library lock held, so it may call xjax, set_log_sink included; a
  // sink called from several threads at once serialises its own output.
  void log(const std::string& line);
  // Replaces the sink (an empty function restores standard error); returns the previous one.
  std::function<void(const std::string&)> set_log_sink(std::function<void(const std::string&)> sink);

 private:
  std::mutex log_mu_;
  mutable std::mutex cache_dir_mu_;
  std::string cache_dir_;
  std::shared_ptr<const std::function<void(const std::string&)>> sink_;
};
extern Config config;

}  // namespace xjax
