// Eager checks of comparisons, logical/bitwise ops, shifts, where/select/clip and NaN-propagating
// maximum/minimum against plain loops, on every dtype they accept.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <type_traits>
#include <vector>

#include "elementwise_testing.hpp"

using namespace elementwise_testing;

namespace {

using Op2 = std::function<Array(const Array&, const Array&)>;

// All pairs of x and y (x as a column, y as a row): out[i][j] = ref(x[i], y[j]).
template <class R, class T, class Ref>
void check_pairs(const Op2& op, Ref ref, const std::vector<T>& x, const std::vector<T>& y) {
  auto nx = static_cast<std::int64_t>(x.size()), ny = static_cast<std::int64_t>(y.size());
  Array z = op(xj::array(x, {nx, 1}), xj::array(y, {1, ny}));
  CHECK(z.shape() == Shape{nx, ny});
  std::vector<R> want;
  for (const T& a : x)
    for (const T& b : y) want.push_back(static_cast<R>(ref(a, b)));
  check_equal(elements<R>(z), want);
}

template <class T>
void check_comparisons(const std::vector<T>& v) {
  check_pairs<bool>([](const Array& a, const Array& b) { return a == b; }, std::equal_to<T>{}, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return a != b; }, std::not_equal_to<T>{}, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return a < b; }, std::less<T>{}, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return a <= b; }, std::less_equal<T>{}, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return a > b; }, std::greater<T>{}, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return a >= b; }, std::greater_equal<T>{}, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return xj::equal(a, b); }, std::equal_to<T>{}, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return xj::not_equal(a, b); }, std::not_equal_to<T>{}, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return xj::less(a, b); }, std::less<T>{}, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return xj::less_equal(a, b); }, std::less_equal<T>{}, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return xj::greater(a, b); }, std::greater<T>{}, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return xj::greater_equal(a, b); }, std::greater_equal<T>{},
                    v, v);
  auto truth = [](T a) { return a != T(0); };
  check_pairs<bool>([](const Array& a, const Array& b) { return xj::logical_and(a, b); },
                    [&](T a, T b) { return truth(a) && truth(b); }, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return xj::logical_or(a, b); },
                    [&](T a, T b) { return truth(a) || truth(b); }, v, v);
  check_pairs<bool>([](const Array& a, const Array& b) { return xj::logical_xor(a, b); },
                    [&](T a, T b) { return truth(a) != truth(b); }, v, v);
}

}  // namespace

TEST_CASE("elementwise: comparisons and logical ops on all value pairs of every dtype give bool") {
  for_types<bool_t, i32, i64, u32, f32, f64>([](auto tag) { check_comparisons(sample<decltype(tag)>(24)); });
  // Shapes: 0-d, long (SIMD-sized) against a 0-d array, 3-d, zero-size.
  for (const Shape& s : unary_shapes) {
    CAPTURE(xj::shape_str(s));
    std::vector<double> v = sample<double>(xj::shape_size(s));
    Array x = xj::array(v, s);
    Array lt = x < 2.5, ge = 2.5 <= x;
    CHECK(lt.dtype() == xj::bool_);
    CHECK(lt.shape() == s);
    std::vector<bool> want_lt, want_ge;
    for (double e : v) {
      want_lt.push_back(e < 2.5);
      want_ge.push_back(2.5 <= e);
    }
    check_equal(elements<bool>(lt), want_lt);
    check_equal(elements<bool>(ge), want_ge);
  }
}

TEST_CASE("elementwise: comparisons across dtypes compare the promoted values") {
  // int32 -1 and uint32 0 compare as int64: -1 < 0, and 4294967295u != -1.
  CHECK(xj::less(xj::array(-1), xj::array(0u)).item<bool>());
  CHECK(xj::not_equal(xj::array(4294967295u), xj::array(-1)).item<bool>());
  check_equal(elements<bool>(xj::array({1, 2, 3}) == 2.0), {false, true, false});
  check_equal(elements<bool>(xj::array({2, 3}) < 2.5), {true, false});
  // int32 and float32 compare in float32 (as JAX), where 2^24 + 1 rounds to 2^24.
  check_equal(elements<bool>(xj::array({16777217}) == xj::array(16777216.0f)), {true});
  check_equal(elements<bool>(xj::array(std::vector<bool>{true, false}) == 1), {true, false});
  check_equal(elements<bool>(xj::logical_and(xj::array({0.5, 0.0}), xj::array({2, 2}))), {true, false});
}

TEST_CASE("elementwise: bitwise and/or/xor on integers and bool, all value pairs") {
  for_types<bool_t, i32, i64, u32>(
      [](auto tag) {
        using T = decltype(tag);
        CAPTURE(xj::dtype_of<T>());
        std::vector<T> v = sample<T>(24);
        if constexpr (std::is_same_v<T, bool>) {
          check_pairs<T>([](const Array& a, const Array& b) { return a & b; }, std::logical_and<T>{}, v, v);
          check_pairs<T>([](const Array& a, const Array& b) { return a | b; }, std::logical_or<T>{}, v, v);
          check_pairs<T>([](const Array& a, const Array& b) { return a ^ b; }, std::not_equal_to<T>{}, v, v);
        } else {
          check_pairs<T>([](const Array& a, const Array& b) { return xj::bitwise_and(a, b); }, std::bit_and<T>{}, v, v);
          check_pairs<T>([](const Array& a, const Array& b) { return xj::bitwise_or(a, b); }, std::bit_or<T>{}, v, v);
          check_pairs<T>([](const Array& a, const Array& b) { return xj::bitwise_xor(a, b); }, std::bit_xor<T>{}, v, v);
          check_pairs<T>([](const Array& a, const Array& b) { return a & b; }, std::bit_and<T>{}, v, v);
          check_pairs<T>([](const Array& a, const Array& b) { return a | b; }, std::bit_or<T>{}, v, v);
          check_pairs<T>([](const Array& a, const Array& b) { return a ^ b; }, std::bit_xor<T>{}, v, v);
        }
      });
  check_equal(elements<std::int32_t>(xj::array({12, -1}) & 10), {8, 10});
  check_equal(elements<std::int32_t>(3 | xj::array({4, 8})), {7, 11});
  check_equal(elements<std::uint32_t>(xj::array({0xF0F0F0F0u}) ^ 0xFFFFFFFFu), {0x0F0F0F0Fu});
  for (DType d : {xj::float32, xj::float64}) {
    Array f = xj::ones({3}, d);
    CHECK_THROWS_AS(xj::bitwise_and(f, f), xj::DTypeError);
    CHECK_THROWS_AS(xj::bitwise_or(f, xj::array({1, 2, 3})), xj::DTypeError);
    CHECK_THROWS_AS(f ^ 1, xj::DTypeError);
  }
}

namespace {
template <class T>
T shift_left_ref(T a, std::int64_t b) {
  using U = std::make_unsigned_t<T>;
  if (b < 0 || b >= static_cast<std::int64_t>(sizeof(T) * 8)) return 0;
  return static_cast<T>(static_cast<U>(static_cast<U>(a) << b));
}
template <class T>
T shift_right_ref(T a, std::int64_t b) {
  if (b < 0 || b >= static_cast<std::int64_t>(sizeof(T) * 8)) return std::is_signed_v<T> && a < 0 ? T(-1) : T(0);
  return static_cast<T>(a >> b);
}
}  // namespace

TEST_CASE("elementwise: shifts by every amount, including >= bit width and negative, never UB") {
  for_types<i32, i64, u32>(
      [](auto tag) {
        using T = decltype(tag);
        CAPTURE(xj::dtype_of<T>());
        std::vector<T> v = sample<T>(24), amounts;
        const int bits = static_cast<int>(sizeof(T) * 8);
        for (int k = std::is_signed_v<T> ? -3 : 0; k <= bits + 3; ++k) amounts.push_back(static_cast<T>(k));
        amounts.push_back(std::numeric_limits<T>::max());
        if constexpr (std::is_signed_v<T>) amounts.push_back(std::numeric_limits<T>::min());
        check_pairs<T>([](const Array& a, const Array& b) { return xj::shift_left(a, b); },
                       [](T a, T b) { return shift_left_ref(a, static_cast<std::int64_t>(b)); }, v, amounts);
        check_pairs<T>([](const Array& a, const Array& b) { return xj::shift_right(a, b); },
                       [](T a, T b) { return shift_right_ref(a, static_cast<std::int64_t>(b)); }, v, amounts);
      });
  CHECK(xj::shift_left(xj::array(1), xj::array(32)).item<std::int32_t>() == 0);
  CHECK(xj::shift_left(xj::array(-1), xj::array(31)).item<std::int32_t>() == std::numeric_limits<std::int32_t>::min());
  CHECK(xj::shift_right(xj::array(-8), xj::array(40)).item<std::int32_t>() == -1);
  CHECK(xj::shift_right(xj::array(-8), xj::array(1)).item<std::int32_t>() == -4);
  CHECK(xj::shift_right(xj::array(-8), xj::array(-1)).item<std::int32_t>() == -1);
  CHECK(xj::shift_right(xj::array(0x80000000u), xj::array(31u)).item<std::uint32_t>() == 1u);
  CHECK(xj::shift_right(xj::array(0x80000000u), xj::array(32u)).item<std::uint32_t>() == 0u);
  Array s = xj::shift_left(xj::array({1, 2, 3}), 2);  // weak scalar amount keeps int32
  CHECK(s.dtype() == xj::int32);
  check_equal(elements<std::int32_t>(s), {4, 8, 12});
  CHECK_THROWS_AS(xj::shift_left(xj::array({1.0f}), xj::array({1.0f})), xj::DTypeError);
  CHECK_THROWS_AS(xj::shift_right(xj::array({1.0}), 1), xj::DTypeError);
  CHECK_THROWS_AS(xj::shift_left(xj::array(std::vector<bool>{true}), xj::array(std::vector<bool>{true})),
                  xj::DTypeError);
}

TEST_CASE("elementwise: maximum/minimum propagate NaN wherever it sits in long arrays (SIMD path)") {
  for_types<f32, f64>(
      [](auto tag) {
        using T = decltype(tag);
        const T nan = std::numeric_limits<T>::quiet_NaN();
        for (std::int64_t n : {64, 100, 1003}) {
          CAPTURE(xj::dtype_of<T>());
          CAPTURE(n);
          std::vector<T> x(static_cast<std::size_t>(n)), y(x.size());
          for (std::size_t i = 0; i < x.size(); ++i) {
            x[i] = static_cast<T>(std::sin(static_cast<double>(i)) * 10);
            y[i] = static_cast<T>(std::cos(static_cast<double>(i)) * 10);
          }
          for (std::size_t i : {0, 1, 7, 8, 15, 16, 31, 33, 63}) x[i] = nan;
          for (std::size_t i : {2, 9, 17, 40, 62}) y[i] = nan;
          x.back() = nan;
          y[y.size() - 2] = nan;
          std::vector<T> mx(x.size()), mn(x.size());
          for (std::size_t i = 0; i < x.size(); ++i) {
            bool any_nan = std::isnan(x[i]) || std::isnan(y[i]);
            mx[i] = any_nan ? nan : std::max(x[i], y[i]);
            mn[i] = any_nan ? nan : std::min(x[i], y[i]);
          }
          Array ax = xj::array(x), ay = xj::array(y);
          check_equal(elements<T>(xj::maximum(ax, ay)), mx);
          check_equal(elements<T>(xj::minimum(ax, ay)), mn);
          check_equal(elements<T>(xj::maximum(ay, ax)), mx);
          check_equal(elements<T>(xj::minimum(ay, ax)), mn);
          // A NaN scalar poisons every element; a finite scalar keeps the array's NaNs.
          for (const Array& r : {xj::maximum(ax, xj::array(nan)), xj::minimum(xj::array(nan), ay)})
            for (T e : elements<T>(r)) CHECK(std::isnan(e));
          std::vector<T> m0(x.size());
          for (std::size_t i = 0; i < x.size(); ++i) m0[i] = std::isnan(x[i]) ? nan : std::max(x[i], T(0));
          check_equal(elements<T>(xj::maximum(ax, xj::array(T(0)))), m0);
          check_equal(elements<T>(xj::maximum(xj::array(T(0)), ax)), m0);
        }
      });
}

TEST_CASE("elementwise: where/select on every dtype, broadcasting the condition and both cases") {
  for_types<bool_t, i32, i64, u32, f32, f64>(
      [](auto tag) {
        using T = decltype(tag);
        CAPTURE(xj::dtype_of<T>());
        std::vector<T> xv = sample<T>(12), yv = sample<T>(4);
        std::vector<bool> cv = {true, false, true};
        // cond (3,1), x (3,4), y (4,) -> (3,4).
        Array r = xj::where(xj::array(cv, {3, 1}), xj::array(xv, {3, 4}), xj::array(yv));
        CHECK(r.shape() == Shape{3, 4});
        std::vector<T> want;
        for (std::size_t i = 0; i < 3; ++i)
          for (std::size_t j = 0; j < 4; ++j) want.push_back(cv[i] ? xv[i * 4 + j] : yv[j]);
        check_equal(elements<T>(r), want);
        check_equal(elements<T>(xj::select(xj::array(cv, {3, 1}), xj::array(xv, {3, 4}), xj::array(yv))), want);
        // 0-d condition and 0-d cases; a 0-d case broadcast against the other; zero-size condition.
        check_equal(elements<T>(xj::where(xj::array(true), xj::array(T(xv[0])), xj::array(T(yv[0])))), {xv[0]});
        Array z = xj::where(xj::array(false), xj::array(xv, {3, 4}), xj::array(T(yv[1])));
        CHECK(z.shape() == Shape{3, 4});
        check_equal(elements<T>(z), std::vector<T>(12, yv[1]));
        std::vector<T> y3(yv.begin(), yv.begin() + 3);
        Array e = xj::where(xj::zeros({0, 3}, xj::bool_), xj::array(T(xv[0])), xj::array(y3));
        CHECK(e.shape() == Shape{0, 3});
        CHECK(e.dtype() == xj::dtype_of<T>());
      });
  // Non-bool conditions mean "!= 0"; long arrays; a zero-size condition.
  std::vector<double> c = spread(1003, -1, 1);
  for (std::size_t i = 0; i < c.size(); i += 3) c[i] = 0;
  Array x = xj::arange(1003).astype(xj::float64);
  std::vector<double> want(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) want[i] = c[i] != 0 ? static_cast<double>(i) : -1.0;
  check_equal(elements<double>(xj::where(xj::array(c), x, -1.0)), want);
  CHECK(xj::where(xj::zeros({0, 3}, xj::bool_), 1.0, xj::zeros({1, 3})).shape() == Shape{0, 3});
  // Cases of different dtypes promote: int32 with a weak float gives float64 (weak).
  Array m = xj::where(xj::array(std::vector<bool>{true, false}), xj::array({1, 2}), 0.5);
  CHECK(m.dtype() == xj::float64);
  check_equal(elements<double>(m), {1.0, 0.5});
  CHECK_THROWS_AS(xj::where(xj::array(std::vector<bool>{true, false, true}), xj::zeros({2}), xj::zeros({2})),
                  xj::ShapeError);
}

TEST_CASE("elementwise: clip with scalar and broadcast bounds, NaN and integers") {
  std::vector<double> v = sample<double>(37);
  std::vector<double> want(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) want[i] = std::isnan(v[i]) ? v[i] : std::min(std::max(v[i], -2.0), 3.0);
  check_equal(elements<double>(xj::clip(xj::array(v), -2.0, 3.0)), want);
  std::vector<float> vf(v.begin(), v.end()), wf(want.begin(), want.end());
  Array cf = xj::clip(xj::array(vf), -2, 3);  // weak bounds keep float32
  CHECK(cf.dtype() == xj::float32);
  check_equal(elements<float>(cf), wf);
  Array ci = xj::clip(xj::array({-5, 0, 5, 10}), 0, 6);
  CHECK(ci.dtype() == xj::int32);
  check_equal(elements<std::int32_t>(ci), {0, 0, 5, 6});
  // Per-row bounds (3,1) against a (3,4) array.
  Array x = xj::arange(12).astype(xj::float32);
  x = xj::reshape(x, {3, 4});
  Array c = xj::clip(x, xj::array({{1.0f}, {5.0f}, {9.0f}}), xj::array({{2.0f}, {6.0f}, {10.0f}}));
  CHECK(c.shape() == Shape{3, 4});
  check_equal(elements<float>(c), {1, 1, 2, 2, 5, 5, 6, 6, 9, 9, 10, 10});
  CHECK(xj::clip(xj::zeros({0, 3}), 0, 1).shape() == Shape{0, 3});
  CHECK(xj::clip(xj::array(7u), 1u, 5u).item<std::uint32_t>() == 5u);
}
