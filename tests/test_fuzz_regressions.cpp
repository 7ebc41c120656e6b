// Inputs found by tests/fuzz/fuzz_ops.cpp, reduced to direct calls of the public API. Each case
// names what went wrong before the fix; the raw input is kept in tests/fuzz/corpus/ as well.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

TEST_CASE("fuzz regression: pow of bools has one dtype, concrete or traced exponent") {
  // Eager gave int32 (exact integer power for a concrete exponent), jit gave float32.
  Array t = xj::array(true);
  auto f = [](const Array& x, const Array& y) { return xj::pow(x, y); };
  CHECK(f(t, t).dtype() == xj::int32);
  CHECK(xj::jit(f)(t, t).dtype() == xj::int32);
  CHECK(f(t, t).item<int>() == 1);
  CHECK(xj::jit(f)(xj::array({true, false}), t).dtype() == xj::int32);
  CHECK(xj::test::values(xj::jit(f)(xj::array({true, false}), t)) == std::vector<double>{1, 0});
}

TEST_CASE("fuzz regression: an integer power beyond int's range is not truncated") {
  // The exponent 2^32 was cast to int (0), so 2 ** 2^32 gave 1.
  Array two = xj::array(std::int64_t{2}), big = xj::array(std::int64_t{1} << 32);
  CHECK(xj::pow(xj::array(std::int64_t{1}), big).item<std::int64_t>() == 1);
  CHECK(xj::pow(two, big).item<std::int64_t>() == xj::jit([](const Array& x, const Array& y) { return xj::pow(x, y); })(two, big).item<std::int64_t>());
  CHECK(xj::pow(xj::array(std::int64_t{-1}), big + 1).item<std::int64_t>() == -1);
}
