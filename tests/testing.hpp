// Small helpers shared by the test files.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "jit/native/native.hpp"
#include "xjax/config.hpp"
#include "xjax/core.hpp"

namespace xjax::test {

// The elements of x as doubles (row-major).
inline std::vector<double> values(const Array& x) {
  Array d = x.astype(float64);
  const double* p = d.data<double>();
  return {p, p + d.size()};
}

// Same dtype, shape and values (NaN equal to NaN, -0 to +0 not: the bits must match).
inline bool identical(const Array& a, const Array& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  if (!is_floating(a.dtype())) return all(a == b).item<bool>();
  Array both_nan = isnan(a) & isnan(b);
  Array equal = (a == b) & ((a != 0.0) | (1.0 / a == 1.0 / b));  // 1 / -0 = -inf
  return all(both_nan | equal).item<bool>();
}

// Row-major coordinates of flat position i in shape s.
inline std::vector<std::int64_t> coords(std::int64_t i, const Shape& s) {
  std::vector<std::int64_t> c(s.size());
  for (std::size_t d = s.size(); d-- > 0;) {
    c[d] = i % s[d];
    i /= s[d];
  }
  return c;
}

// jit compiles with the given tier while this lives (the native tier by default).
struct TierScope {
  explicit TierScope(JitTier tier = JitTier::native) : saved(config.jit_tier.exchange(tier)) {}
  ~TierScope() { config.jit_tier = saved; }
  TierScope(const TierScope&) = delete;
  TierScope& operator=(const TierScope&) = delete;
  JitTier saved;
};

// The interpreter tier with no background compile still running: for tests that count log lines.
struct QuietTier : TierScope {
  QuietTier() : TierScope(JitTier::interpreter) { native::wait_for_background_compiles(); }
};

// Runs fn on another thread and waits up to `seconds`: a test of something that could deadlock or
// hang ends the test run with a message instead of hanging it (the stuck thread cannot be stopped).
inline void within_deadline(const char* what, double seconds, std::function<void()> fn) {
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::exception_ptr error;
  };
  auto state = std::make_shared<State>();
  std::thread([state, fn = std::move(fn)] {
    std::exception_ptr e;
    try {
      fn();
    } catch (...) {
      e = std::current_exception();
    }
    std::lock_guard lock(state->mu);
    state->done = true;
    state->error = e;
    state->cv.notify_all();
  }).detach();
  std::unique_lock lock(state->mu);
  if (!state->cv.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return state->done; })) {
    std::fprintf(stderr, "FATAL: %s did not finish within %.0f s (deadlock or hang)\n", what, seconds);
    std::_Exit(3);
  }
  if (state->error) std::rethrow_exception(state->error);
}

}  // namespace xjax::test
