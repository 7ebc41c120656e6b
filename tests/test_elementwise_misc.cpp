// Eager checks of the Array operators with arrays and C++ scalars, astype conversions, error paths
// (exact exception types, state intact afterwards) and numpy-style printing.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "elementwise_testing.hpp"

using namespace elementwise_testing;

TEST_CASE("elementwise: arithmetic operators with arrays and C++ scalars on either side") {
  Array x = xj::array({1.0f, 2.0f, 4.0f});
  auto f32 = [](const Array& a) {
    CHECK(a.dtype() == xj::float32);
    CHECK(!a.weak_type());
    return elements<float>(a);
  };
  check_equal(f32(x + 1), {2, 3, 5});
  check_equal(f32(1 + x), {2, 3, 5});
  check_equal(f32(x + 2.5), {3.5f, 4.5f, 6.5f});
  check_equal(f32(x - 1.5f), {-0.5f, 0.5f, 2.5f});
  check_equal(f32(10LL - x), {9, 8, 6});
  check_equal(f32(x * 2u), {2, 4, 8});
  check_equal(f32(0.5 * x), {0.5f, 1, 2});
  check_equal(f32(x / 2), {0.5f, 1, 2});
  check_equal(f32(8 / x), {8, 4, 2});
  check_equal(f32(x % 3), {1, 2, 1});
  check_equal(f32(7.0 % x), {0, 1, 3});
  check_equal(f32(-x), {-1, -2, -4});
  check_equal(f32(+x), {1, 2, 4});
  check_equal(f32(x * true), {1, 2, 4});
  check_equal(f32(x + x * x), {2, 6, 20});
  Array i = xj::array({5, -3, 12});
  check_equal(elements<std::int32_t>(i % 4), {1, 1, 0});
  check_equal(elements<std::int32_t>(-7 % i), {3, -1, 5});
  check_equal(elements<std::int32_t>(i - 1), {4, -4, 11});
  check_equal(elements<std::int32_t>(2 * i), {10, -6, 24});
  check_equal(elements<std::int32_t>(~i), {-6, 2, -13});
  check_equal(elements<bool>(!i), {false, false, false});
  check_equal(elements<bool>(!(i - 5)), {true, false, false});
  check_equal(elements<std::int32_t>(i & 6), {4, 4, 4});
  check_equal(elements<std::int32_t>(6 | i), {7, -1, 14});
  check_equal(elements<std::int32_t>(i ^ 1), {4, -4, 13});
  check_equal(elements<std::int32_t>(-i), {-5, 3, -12});
  check_equal(elements<float>(i / 2), {2.5f, -1.5f, 6});
  // Broadcasting between array operands.
  Array col = xj::array({{1.0}, {2.0}, {3.0}}), row = xj::array({{10.0, 20.0, 30.0, 40.0}});
  Array sum = col + row;
  CHECK(sum.shape() == Shape{3, 4});
  check_equal(elements<double>(sum), {11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43});
  check_equal(elements<double>(row - col), {9, 19, 29, 39, 8, 18, 28, 38, 7, 17, 27, 37});
}

TEST_CASE("elementwise: comparison operators with C++ scalars on either side") {
  Array x = xj::array({1.0f, 2.0f, 3.0f});
  auto b = [](const Array& a) {
    CHECK(a.dtype() == xj::bool_);
    return elements<bool>(a);
  };
  check_equal(b(x == 2), {false, true, false});
  check_equal(b(2 == x), {false, true, false});
  check_equal(b(x != 2), {true, false, true});
  check_equal(b(2.0 != x), {true, false, true});
  check_equal(b(x < 2), {true, false, false});
  check_equal(b(2 < x), {false, false, true});
  check_equal(b(x <= 2), {true, true, false});
  check_equal(b(2 <= x), {false, true, true});
  check_equal(b(x > 2), {false, false, true});
  check_equal(b(2 > x), {true, false, false});
  check_equal(b(x >= 2.5f), {false, false, true});
  check_equal(b(2.5 >= x), {true, true, false});
  check_equal(b(x == x), {true, true, true});
  Array n = xj::array({std::numeric_limits<double>::quiet_NaN()});
  check_equal(b(n == n), {false});
  check_equal(b(n != n), {true});
  check_equal(b(n < 1), {false});
  check_equal(b(n >= 1), {false});
}

TEST_CASE("elementwise: astype saturates float to int, NaN to 0, and is != 0 for bool") {
  std::vector<double> f = {qnan, inf, -inf, 3e9, -3e9, -3.7, 3.7, -0.5, 2147483647.0, 2147483648.0, -2147483649.0};
  const std::int32_t i32max = std::numeric_limits<std::int32_t>::max(), i32min = std::numeric_limits<std::int32_t>::min();
  std::vector<std::int32_t> want32 = {0, i32max, i32min, i32max, i32min, -3, 3, 0, i32max, i32max, i32min};
  check_equal(elements<std::int32_t>(xj::array(f).astype(xj::int32)), want32);
  check_equal(elements<std::int32_t>(xj::astype(make<float>(f, {11}), xj::int32)), want32);
  const std::int64_t i64max = std::numeric_limits<std::int64_t>::max(), i64min = std::numeric_limits<std::int64_t>::min();
  check_equal(elements<std::int64_t>(xj::array({qnan, inf, -inf, 1e19, -1e19, 9.2233720368547758e18, -2.5}).astype(xj::int64)),
              {0, i64max, i64min, i64max, i64min, i64max, -2});
  check_equal(elements<std::uint32_t>(xj::array({qnan, inf, -inf, -1.0, 5e9, 3.9}).astype(xj::uint32)),
              {0u, 4294967295u, 0u, 0u, 4294967295u, 3u});
  check_equal(elements<bool>(xj::array({0.0, -0.0, 0.5, qnan, -inf, 1e-300}).astype(xj::bool_)),
              {false, false, true, true, true, true});
  check_equal(elements<bool>(xj::array({0, -1, 7}).astype(xj::bool_)), {false, true, true});
  check_equal(elements<double>(xj::array(std::vector<bool>{true, false}).astype(xj::float64)), {1.0, 0.0});
  // Integer narrowing wraps (two's complement), as numpy.
  check_equal(elements<std::int32_t>(xj::array({std::int64_t{4294967301}, std::int64_t{-1}, std::int64_t{2147483648}})
                                         .astype(xj::int32)),
              {5, -1, i32min});
  check_equal(elements<std::uint32_t>(xj::array({-1, 5}).astype(xj::uint32)), {4294967295u, 5u});
  check_equal(elements<std::int32_t>(xj::array({4294967295u}).astype(xj::int32)), {-1});
  check_equal(elements<std::int64_t>(xj::array({4294967295u}).astype(xj::int64)), {4294967295});
  check_equal(elements<float>(xj::array({16777217}).astype(xj::float32)), {16777216.0f});
  check_equal(elements<float>(xj::array({1e300, 1e-300, 0.1}).astype(xj::float32)),
              {std::numeric_limits<float>::infinity(), 0.0f, 0.1f});
}

TEST_CASE("elementwise: astype between every pair of dtypes, on every shape") {
  for (const Shape& s : unary_shapes)
    for (DType from : xj::all_dtypes)
      for (DType to : xj::all_dtypes) {
        CAPTURE(xj::shape_str(s));
        CAPTURE(from);
        CAPTURE(to);
        std::vector<std::int64_t> v(static_cast<std::size_t>(xj::shape_size(s)));
        for (std::size_t k = 0; k < v.size(); ++k) v[k] = from == xj::bool_ ? std::int64_t(k % 3 == 0) : std::int64_t(k % 9);
        Array x = make<std::int64_t>(v, s).astype(from);
        Array y = x.astype(to);
        CHECK(y.dtype() == to);
        CHECK(y.shape() == s);
        CHECK(!y.weak_type());
        check_equal(elements<std::int64_t>(y.astype(xj::int64)), to == xj::bool_ ? [&] {
          std::vector<std::int64_t> b(v.size());
          for (std::size_t k = 0; k < v.size(); ++k) b[k] = v[k] != 0;
          return b;
        }() : v);
      }
  // A weak C++ scalar becomes strong.
  Array w = Array(2.0).astype(xj::float64);
  CHECK(w.dtype() == xj::float64);
  CHECK(!w.weak_type());
  CHECK(Array(3).weak_type());
}

TEST_CASE("elementwise: item and bool conversion") {
  CHECK(xj::array(2.5f).item<float>() == 2.5f);
  CHECK(xj::array({7}).item<std::int64_t>() == 7);
  CHECK(xj::array({{3.75}}).item<int>() == 3);
  CHECK(xj::array(-1).item<std::uint32_t>() == 4294967295u);
  CHECK(xj::array(qnan).item<std::int32_t>() == 0);
  CHECK(static_cast<bool>(xj::array(2) > 1));
  CHECK(!static_cast<bool>(xj::array({{0.0}})));
  Array many = xj::array({1, 2});
  CHECK_THROWS_AS(many.item<int>(), xj::ValueError);
  CHECK_THROWS_AS(xj::zeros({0}).item<float>(), xj::ValueError);
  CHECK_THROWS_AS((void)static_cast<bool>(many == 1), xj::ValueError);
  CHECK_THROWS_AS((void)static_cast<bool>(xj::zeros({0, 3})), xj::ValueError);
  CHECK_THROWS_AS(xj::array({1.0}).data<float>(), xj::DTypeError);
  check_equal(elements<std::int32_t>(many), {1, 2});
  CHECK((many[1] + 1).item<int>() == 3);
}

TEST_CASE("elementwise: error paths throw the exact type, name the shapes, and leave arrays usable") {
  Array a = xj::array({1.0f, 2.0f, 3.0f}), b = xj::array({1.0f, 2.0f, 3.0f, 4.0f});
  CHECK_THROWS_AS(xj::add(a, b), xj::ShapeError);
  CHECK_THROWS_AS(a * b, xj::ShapeError);
  CHECK_THROWS_AS(a < b, xj::ShapeError);
  CHECK_THROWS_AS(xj::maximum(xj::zeros({2, 3}), xj::zeros({3, 2})), xj::ShapeError);
  CHECK_THROWS_AS(xj::zeros({0, 3}) + xj::zeros({2, 3}), xj::ShapeError);
  CHECK_THROWS_AS(xj::where(xj::array(std::vector<bool>{true, false}), a, a), xj::ShapeError);
  CHECK_THROWS_AS(xj::clip(a, b, 1), xj::ShapeError);
  try {
    (void)xj::add(a, b);
  } catch (const xj::ShapeError& e) {
    CHECK(std::string(e.what()) == "[add] cannot broadcast f32[3] with f32[4]");
  }
  check_equal(elements<float>(a), {1, 2, 3});
  check_equal(elements<float>(a + b[0]), {2, 3, 4});

  Array t = xj::array(std::vector<bool>{true, false});
  CHECK_THROWS_AS(xj::subtract(t, t), xj::DTypeError);
  CHECK_THROWS_AS(t - t, xj::DTypeError);
  CHECK_THROWS_AS(xj::bitwise_and(a, a), xj::DTypeError);
  CHECK_THROWS_AS(~a, xj::DTypeError);
  CHECK_THROWS_AS(xj::shift_left(a, 1), xj::DTypeError);
  CHECK_THROWS_AS(xj::integer_pow(xj::array({2, 3}), -2), xj::DTypeError);
  try {
    (void)xj::bitwise_or(a, a);
  } catch (const xj::DTypeError& e) {
    CHECK(std::string(e.what()).find("f32") != std::string::npos);
  }
  check_equal(elements<bool>(t), {true, false});
  check_equal(elements<std::int64_t>(t - 1), {0, -1});  // bool with a weak int: int64 (weak)
  check_equal(elements<float>(xj::integer_pow(a, -1)), {1, 0.5f, 1 / 3.0f});

  Array empty;
  CHECK(!empty.defined());
  CHECK_THROWS_AS(xj::add(empty, a), xj::ValueError);
  CHECK_THROWS_AS(a + empty, xj::ValueError);
  CHECK_THROWS_AS(empty * 2, xj::ValueError);
  CHECK_THROWS_AS(-empty, xj::ValueError);
  CHECK_THROWS_AS(xj::sin(empty), xj::ValueError);
  CHECK_THROWS_AS(xj::abs(empty), xj::ValueError);
  CHECK_THROWS_AS(xj::isnan(empty), xj::ValueError);
  CHECK_THROWS_AS(xj::logical_not(empty), xj::ValueError);
  CHECK_THROWS_AS(xj::where(empty, a, a), xj::ValueError);
  CHECK_THROWS_AS(xj::where(a > 1, empty, a), xj::ValueError);
  CHECK_THROWS_AS(empty.astype(xj::int32), xj::ValueError);
  CHECK_THROWS_AS(empty.item<float>(), xj::ValueError);
  CHECK(str(empty) == "Array(<empty>)");
  check_equal(elements<float>(xj::sin(a * 0)), {0, 0, 0});
}

TEST_CASE("elementwise: printing matches numpy for ints, bools, nesting, NaN/inf and zero-size") {
  CHECK(str(xj::array({1.0f, 2.0f, 3.0f})) == "[1. 2. 3.]");
  CHECK(str(xj::array({{1, 2}, {3, 4}})) == "[[1 2]\n [3 4]]");
  CHECK(str(xj::array(true)) == "True");
  CHECK(str(xj::array(std::vector<bool>{true, false})) == "[ True False]");
  CHECK(str(xj::array({-1, 2, 10})) == "[-1  2 10]");
  CHECK(str(xj::array(5)) == "5");
  CHECK(str(xj::reshape(xj::arange(8), {2, 2, 2})) == "[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]");
  CHECK(str(xj::zeros({0, 3})) == "[]");
  CHECK(str(xj::array({qnan, 1.0, -inf})) == "[ nan   1. -inf]");
  CHECK(str(xj::array({4294967295u})) == "[4294967295]");
  CHECK(str(xj::array({0.1, 0.5})) == "[0.1 0.5]");
  CHECK(str(xj::array({-0.0f})) == "[-0.]");
  CHECK(str(xj::array({1.0, 0.5}) > 0.7) == "[ True False]");
}
