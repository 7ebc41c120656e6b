// Shared by the distributed tests: per-rank inputs, the same inputs stacked as one process would
// hold them, and closeness checks.
#pragma once
#include <doctest/doctest.h>

#include <cmath>

#include "xjax/distributed.hpp"

namespace dist_test {
namespace xj = xjax;
namespace xd = xjax::distributed;

// Every rank's input, deterministic in (rank, seed): equal shapes, different values.
inline xj::Array rank_input(int rank, const xj::Shape& shape, double seed = 0) {
  const std::int64_t n = xj::shape_size(shape);
  xj::Array base = xj::arange(static_cast<double>(n), xj::float64);
  return xj::reshape(xj::sin(base * (0.7 + 0.13 * seed) + 1.3 * rank + seed) * (1.0 + 0.5 * rank), shape);
}
// All ranks' inputs stacked along a new leading axis: what a named vmap sees on one process.
inline xj::Array stacked_inputs(int ranks, const xj::Shape& shape, double seed = 0) {
  xj::Arrays all;
  for (int r = 0; r < ranks; ++r) all.push_back(rank_input(r, shape, seed));
  return xj::stack(all, 0);
}

inline double max_abs_diff(const xj::Array& a, const xj::Array& b) {
  REQUIRE(a.shape() == b.shape());
  if (a.size() == 0) return 0;
  return xj::max(xj::abs(xj::astype(a, xj::float64) - xj::astype(b, xj::float64))).item<double>();
}
inline void check_close(const xj::Array& a, const xj::Array& b, double tol = 1e-9) {
  CAPTURE(a.aval());
  CAPTURE(b.aval());
  CHECK(max_abs_diff(a, b) <= tol);
}

}  // namespace dist_test
