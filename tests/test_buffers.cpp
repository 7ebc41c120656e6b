// Buffers: large blocks freed by one op are handed to the next allocation of the same size, and
// never while an array still holds them.
#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

TEST_CASE("buffers: a freed large buffer is reused by the next op of that size; live arrays keep theirs") {
  const std::int64_t n = 1 << 20;  // 4 MiB of float32: pooled
  Array x = xj::arange(0, n, 1, xj::float32);
  Array kept = x * 2.0;
  const void* freed_memory = nullptr;
  {
    Array temporary = x + 1.0;
    freed_memory = temporary.raw_data();
    CHECK(freed_memory != kept.raw_data());
  }
  Array next = x * 3.0;  // same size as the freed temporary
#if !defined(__SANITIZE_ADDRESS__)
  CHECK(next.raw_data() == freed_memory);
#endif
  Array other = x - 1.0;  // nothing free of that size now: fresh memory
  CHECK(other.raw_data() != next.raw_data());
  CHECK(other.raw_data() != kept.raw_data());
  for (std::int64_t i : {std::int64_t{0}, std::int64_t{12345}, n - 1}) {
    CHECK(kept.data<float>()[i] == static_cast<float>(2 * i));
    CHECK(next.data<float>()[i] == static_cast<float>(3 * i));
    CHECK(other.data<float>()[i] == static_cast<float>(i - 1));
  }
  // Many sizes and threads at once stay correct (the pool is shared).
  std::vector<std::thread> threads;
  std::vector<double> sums(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      double s = 0;
      for (int k = 0; k < 20; ++k) s += xj::sum(xj::ones({(1 << 18) + 1024 * ((t + k) % 3)}, xj::float64) * 2.0).item<double>();
      sums[static_cast<std::size_t>(t)] = s;
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    double expected = 0;
    for (int k = 0; k < 20; ++k) expected += 2.0 * ((1 << 18) + 1024 * ((t + k) % 3));
    CHECK(sums[static_cast<std::size_t>(t)] == expected);
  }
}
