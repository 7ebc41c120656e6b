// Process-wide runtime settings: the number of threads kernels may use, and the xjax::config
// object (switches such as the compile log, and where log lines go).
#pragma once
#include <atomic>
#include <functional>
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

// Switches read by the library at run time; safe to change from any thread.
struct Config {
  Config();
  // One line per jit compilation: the function, its argument signature, the time taken and why
  // the cache missed. Default: on when the environment variable XJAX_LOG_COMPILES is 1.
  std::atomic<bool> log_compiles{false};

  // Sends a line to the log sink (standard error unless replaced). Lines are never interleaved.
  void log(const std::string& line);
  // Replaces the sink (an empty function restores standard error); returns the previous one.
  std::function<void(const std::string&)> set_log_sink(std::function<void(const std::string&)> sink);

 private:
  std::mutex log_mu_;
  std::function<void(const std::string&)> sink_;
};
extern Config config;

}  // namespace xjax
