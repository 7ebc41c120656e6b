// Inputs found by tests/fuzz/fuzz_ops.cpp, reduced to direct calls of the public API. Each case
// names what went wrong before the fix; the raw input is kept in tests/fuzz/corpus/ as well.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <tuple>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"
#include "xjax/linalg.hpp"

namespace xj = xjax;
using xj::Array;

namespace {
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
}  // namespace

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

TEST_CASE("fuzz regression: split of a zero-size axis into absurdly many sections") {
  // Every section count divides 0, so 2^40 empty pieces were being made (a hang, then OOM).
  CHECK_THROWS_AS(xj::split(xj::zeros({0}), std::int64_t{1} << 40), xj::AllocationError);
  CHECK(xj::split(xj::zeros({0}), 3).size() == 3);
}

TEST_CASE("fuzz regression: iota of a zero-size shape with a huge extent returns at once") {
  // The fill loop ran over the 2^40 rows of a (2^40, 0) array.
  Array r = xj::iota(xj::int32, {std::int64_t{1} << 40, 0}, 0);
  CHECK(r.shape() == xj::Shape{std::int64_t{1} << 40, 0});
  CHECK(r.size() == 0);
}

TEST_CASE("fuzz regression: scan whose stacked outputs cannot fit fails before running") {
  // A per-step vector of `length` handles was made first: std::length_error escaped for 2^63 - 1.
  auto step = [](const Array& c, std::tuple<>) { return std::pair{c + 1.0f, c}; };
  CHECK_THROWS_AS(xj::scan(step, xj::array(0.0f), std::tuple<>{}, {.length = kMax}), xj::AllocationError);
  auto grad_of_bounded_while = [] {
    return xj::grad([](const Array& x) {
      return xj::while_loop([](const Array& c) { return c < 5.0f; }, [](const Array& c) { return c + 1.0f; }, x,
                            {.max_iterations = kMax});
    })(xj::array(0.0f));
  };
  CHECK_THROWS_AS(grad_of_bounded_while(), xj::AllocationError);
  // Ordinary scans still stack their outputs, in either direction.
  auto [c, ys] = xj::scan(step, xj::array(0.0f), std::tuple<>{}, {.length = 3, .reverse = true});
  CHECK(c.item<float>() == 3.0f);
  CHECK(xj::test::values(ys) == std::vector<double>{2, 1, 0});
}

TEST_CASE("fuzz regression: fori_loop bounds whose difference overflows int64") {
  // hi - lo was computed in int64: signed overflow (undefined behaviour) for INT64_MIN..INT64_MAX.
  auto body = [](const Array&, const Array& c) { return c + 1.0f; };
  CHECK_THROWS_AS(xj::fori_loop(kMin, kMax, body, xj::array(0.0f)), xj::ValueError);
  CHECK(xj::fori_loop(kMax, kMin, body, xj::array(0.0f)).item<float>() == 0.0f);
  CHECK(xj::fori_loop(kMax - 2, kMax, body, xj::array(0.0f)).item<float>() == 2.0f);
}

TEST_CASE("fuzz regression: ops on an empty array with a huge extent return at once") {
  // Kernels looped over the 2^40 rows of a (2^40, 0) operand (argmax, cumulative ops, sort,
  // take_along_axis, batched linalg), or sized scratch by them (sort: a 2^43-byte request).
  // Now any primitive whose outputs have no elements skips its kernel.
  constexpr std::int64_t kHuge = std::int64_t{1} << 40;
  Array z = xj::zeros({kHuge, 0});
  CHECK(xj::argmax(z, 0).shape() == xj::Shape{0});
  CHECK(xj::cumsum(z, 0).shape() == z.shape());
  CHECK(xj::cummax(z, 1).shape() == z.shape());
  CHECK(xj::sort(z, 0).shape() == z.shape());
  CHECK(xj::argsort(z, 1).shape() == z.shape());
  CHECK(xj::take_along_axis(z, xj::zeros({kHuge, 0}, xj::int32), 0).shape() == z.shape());
  CHECK(xj::linalg::inv(xj::zeros({kHuge, 0, 0})).shape() == xj::Shape{kHuge, 0, 0});
  CHECK(xj::jit([](const Array& x) { return xj::cumsum(x, 0) * 2.0f; })(z).shape() == z.shape());
  CHECK_THROWS_AS(xj::linalg::det(xj::zeros({kHuge, 0, 0})), xj::AllocationError);  // 2^40 results
  CHECK(xj::sum(z, 0).shape() == xj::Shape{0});
  // Printing follows numpy: an array without elements prints as [] (was 2^40 pairs of brackets).
  std::ostringstream s;
  s << z;
  CHECK(s.str() == "[]");
}

TEST_CASE("fuzz regression: exp and its relatives of huge arguments, without undefined conversions") {
  // xsimd's exp turned x / ln 2 into an integer for every lane, which is undefined behaviour (UBSan:
  // "-1.33e+19 is outside the range of representable values of type long") once |x| > 6e18.
  const double inf = std::numeric_limits<double>::infinity();
  for (xj::DType d : {xj::float32, xj::float64}) {
    CAPTURE(d);
    Array x = xj::array(std::vector<double>{-1.33e19, -1e10, 1e10, 1.33e19, -inf, inf, 0.0, 1.0, std::nan(""), 2.0, 3.0,
                                            -4.0, 5.0, 6.0, 7.0, 8.0}).astype(d);  // 16: whole SIMD batches
    for (auto f : {+[](const Array& v) { return xj::exp(v); }, +[](const Array& v) { return xj::jit([](const Array& u) { return xj::exp(u); })(v); }}) {
      std::vector<double> e = xj::test::values(f(x));
      CHECK(e[0] == 0.0);
      CHECK(e[1] == 0.0);
      CHECK(e[2] == inf);
      CHECK(e[3] == inf);
      CHECK(e[4] == 0.0);
      CHECK(e[5] == inf);
      CHECK(e[6] == 1.0);
      CHECK(e[7] == doctest::Approx(std::exp(1.0)));
      CHECK(std::isnan(e[8]));
    }
    std::vector<double> t = xj::test::values(xj::tanh(x)), s = xj::test::values(xj::nn::sigmoid(x));
    CHECK(t[0] == -1.0);
    CHECK(t[3] == 1.0);
    CHECK(s[0] == 0.0);
    CHECK(s[3] == 1.0);
    CHECK(xj::test::values(xj::exp2(x))[3] == inf);
    CHECK(xj::test::values(xj::expm1(x))[0] == -1.0);
    CHECK(xj::test::values(xj::cosh(x))[0] == inf);
    CHECK(xj::test::values(xj::sinh(x))[0] == -inf);
  }
}

TEST_CASE("fuzz regression: broadcast_in_dim under vmap checks its dimensions before using them") {
  // The batching rule read broadcast_dimensions[b - 1] and inserted at that position before any
  // check: a heap-buffer-overflow for dimensions that do not fit the operand.
  Array x = xj::ones({2, 2});
  auto bad_dims = [](const Array& v) { return xj::broadcast_in_dim(v, {2, 3}, {5}); };
  CHECK_THROWS_AS(xj::vmap(bad_dims)(x), xj::IndexError);
  auto too_many = [](const Array& v) { return xj::broadcast_in_dim(v, {2, 3}, {0, 1}); };
  CHECK_THROWS_AS(xj::vmap(too_many, {1})(x), xj::ShapeError);
  auto good = [](const Array& v) { return xj::broadcast_in_dim(v, {2, 3}, {0}); };
  CHECK(xj::vmap(good, {1})(x).shape() == xj::Shape{2, 2, 3});
}

TEST_CASE("fuzz regression: reducing an empty array whose other extents overflow a stride") {
  // 2 * 2^59 * 4 elements fit in int64, but a byte stride of axis 1 (2^61 elements) does not.
  Array x = xj::zeros({2, 0, std::int64_t{1} << 59, 4});
  Array s = xj::sum(x, {1, 2, 3});
  CHECK(s.shape() == xj::Shape{2});
  CHECK(xj::test::values(s) == std::vector<double>{0.0, 0.0});
  CHECK(xj::prod(xj::zeros({3, 0, std::int64_t{1} << 59, 4}), {1, 2, 3}).shape() == xj::Shape{3});
  // Non-zero extents whose product overflows are a ShapeError even beside a zero extent (numpy).
  CHECK_THROWS_AS(xj::zeros({2, 0, std::int64_t{1} << 62, 4}), xj::ShapeError);
}

TEST_CASE("fuzz regression: concatenate under vmap of operands of different ranks is a ShapeError") {
  // The batching rule moved every operand's batch axis to the first mapped one's position before
  // the shape rule ran: inserting past the end of a lower-rank operand's shape overflowed its buffer.
  const Array x = xj::ones({2, 3, 4});  // mapped on axis 2: examples of shape (2, 3)
  const Array y = xj::ones({5});        // unmapped, rank 1: its batch axis would go to position 2
  auto cat = [](const Array& a, const Array& b) { return xj::concatenate({a, b}); };
  CHECK_THROWS_AS(xj::vmap(cat, {2, std::nullopt})(x, y), xj::ShapeError);
  CHECK_THROWS_AS(xj::vmap(cat, {std::nullopt, 0})(y, x), xj::ShapeError);
  CHECK(xj::vmap(cat, {2, std::nullopt})(x, xj::ones({5, 3})).shape() == xj::Shape{4, 7, 3});
}
