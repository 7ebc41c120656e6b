// Small helpers shared by the test files.
#pragma once
#include <cstdint>
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

}  // namespace xjax::test
