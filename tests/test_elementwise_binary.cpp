// Eager checks of the binary arithmetic ops (add ... atan2, pow, integer_pow) against plain loops:
// broadcasting, every dtype, integer wrap-around and division by zero, numpy's floor/remainder signs.
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

// Operand shape pairs: equal, 0-d on either side, broadcasting, rank extension and zero-size.
const std::vector<std::pair<Shape, Shape>> shape_pairs = {
    {{}, {}},         {{37}, {37}},     {{1003}, {1003}}, {{37}, {}},        {{}, {1003}},
    {{3, 1}, {1, 4}}, {{4}, {2, 3, 4}}, {{2, 3, 4}, {4}}, {{2, 3, 4}, {2, 3, 4}}, {{2, 1, 4}, {3, 1}},
    {{0, 3}, {3}},    {{0, 3}, {}},     {{1, 3}, {0, 3}}, {{1}, {5}},
};

// z = op(x, y) against want[i] = ref(x[i'], y[i'']) over the broadcast shape; R is the result type.
template <class R, class T, class Ref>
void check_binary(const Op2& op, Ref ref, const std::vector<T>& xv, const Shape& xs, const std::vector<T>& yv,
                  const Shape& ys, double rtol = 0) {
  CAPTURE(xj::shape_str(xs));
  CAPTURE(xj::shape_str(ys));
  Array z = op(xj::array(xv, xs), xj::array(yv, ys));
  Shape os = xj::broadcast_shapes(xs, ys);
  CHECK(z.shape() == os);
  std::vector<R> want(static_cast<std::size_t>(xj::shape_size(os)));
  for (std::size_t i = 0; i < want.size(); ++i) {
    auto f = static_cast<std::int64_t>(i);
    want[i] = static_cast<R>(ref(xv[static_cast<std::size_t>(source_index(os, xs, f))],
                                 yv[static_cast<std::size_t>(source_index(os, ys, f))]));
  }
  if (rtol == 0) {
    check_equal(elements<R>(z), want);
  } else {
    std::vector<double> w(want.begin(), want.end());
    check_close(elements<R>(z), w, rtol);
  }
}

// numpy's float floor division and remainder (npy_divmod): the quotient is consistent with the
// remainder, whose sign is the divisor's.
template <class T>
T np_remainder(T a, T b) {
  T mod = std::fmod(a, b);
  if (b == 0) return mod;
  if (mod != 0 && ((b < 0) != (mod < 0))) mod += b;
  return mod;
}
template <class T>
T np_floor_divide(T a, T b) {
  if (b == 0) return a / b;
  T mod = std::fmod(a, b);
  T div = (a - mod) / b;
  if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;
  if (div == 0) return std::copysign(T(0), a / b);
  T fl = std::floor(div);
  if (div - fl > T(0.5)) fl += 1;
  return fl;
}

// Integer references with wrap-around and the library's documented x / 0 == 0, x % 0 == 0.
template <class T>
T wrap(T a, T b, int op) {
  using U = std::make_unsigned_t<T>;
  U ua = static_cast<U>(a), ub = static_cast<U>(b);
  return static_cast<T>(op == 0 ? U(ua + ub) : op == 1 ? U(ua - ub) : U(ua * ub));
}
template <class T>
T int_floor_divide(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_signed_v<T>) {
    if (b == -1) return wrap(T(0), a, 1);
    T q = a / b, r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? T(q - 1) : q;
  }
  return a / b;
}
template <class T>
T int_remainder(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_signed_v<T>) {
    if (b == -1) return 0;
    T r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? T(r + b) : r;
  }
  return a % b;
}

template <class T>
std::vector<T> float_values(std::int64_t n, double lo, double hi, std::size_t salt) {
  std::vector<double> v = spread(n + static_cast<std::int64_t>(salt), lo, hi);
  return std::vector<T>(v.begin() + static_cast<std::ptrdiff_t>(salt), v.end());
}

}  // namespace

TEST_CASE("elementwise: float add subtract multiply divide maximum minimum are exact IEEE, every shape pair") {
  for_types<f32, f64>(
      [](auto tag) {
        using T = decltype(tag);
        CAPTURE(xj::dtype_of<T>());
        auto ops = std::vector<std::pair<Op2, std::function<T(T, T)>>>{
            {[](const Array& a, const Array& b) { return xj::add(a, b); }, [](T a, T b) { return a + b; }},
            {[](const Array& a, const Array& b) { return xj::subtract(a, b); }, [](T a, T b) { return a - b; }},
            {[](const Array& a, const Array& b) { return xj::multiply(a, b); }, [](T a, T b) { return a * b; }},
            {[](const Array& a, const Array& b) { return xj::divide(a, b); }, [](T a, T b) { return a / b; }},
            {[](const Array& a, const Array& b) { return xj::maximum(a, b); }, [](T a, T b) { return a > b ? a : b; }},
            {[](const Array& a, const Array& b) { return xj::minimum(a, b); }, [](T a, T b) { return a < b ? a : b; }},
        };
        for (const auto& [op, ref] : ops)
          for (const auto& [xs, ys] : shape_pairs)
            check_binary<T>(op, ref, float_values<T>(xj::shape_size(xs), -100, 100, 0), xs,
                            float_values<T>(xj::shape_size(ys), -7, 9, 3), ys);
      });
}

TEST_CASE("elementwise: pow, atan2, remainder, floor_divide on floats, every shape pair") {
  for_types<f32, f64>(
      [](auto tag) {
        using T = decltype(tag);
        CAPTURE(xj::dtype_of<T>());
        // xsimd's pow is some tens of ulps off (libm's is < 1): 4e-6 / 1e-14 relative.
        double rtol = std::is_same_v<T, float> ? 4e-6 : 1e-14;
        for (const auto& [xs, ys] : shape_pairs) {
          std::int64_t nx = xj::shape_size(xs), ny = xj::shape_size(ys);
          check_binary<T>([](const Array& a, const Array& b) { return xj::pow(a, b); },
                          [](T a, T b) { return std::pow(static_cast<double>(a), static_cast<double>(b)); },
                          float_values<T>(nx, 0.01, 10, 0), xs, float_values<T>(ny, -8, 8, 5), ys, rtol);
          check_binary<T>([](const Array& a, const Array& b) { return xj::atan2(a, b); },
                          [](T a, T b) { return std::atan2(static_cast<double>(a), static_cast<double>(b)); },
                          float_values<T>(nx, -5, 5, 0), xs, float_values<T>(ny, -5, 5, 7), ys, rtol);
          // Quarter-integers: exact in both precisions, so the numpy reference is exact too.
          auto quarters = [](std::int64_t n, std::size_t salt) {
            std::vector<T> v = float_values<T>(n, -80, 80, salt);
            for (T& e : v) e = std::round(e * 4) / 4 == 0 ? T(0.25) : std::round(e * 4) / 4;
            return v;
          };
          check_binary<T>([](const Array& a, const Array& b) { return xj::remainder(a, b); }, np_remainder<T>,
                          quarters(nx, 0), xs, quarters(ny, 11), ys);
          check_binary<T>([](const Array& a, const Array& b) { return xj::floor_divide(a, b); },
                          np_floor_divide<T>, quarters(nx, 0), xs, quarters(ny, 11), ys);
        }
      });
}

TEST_CASE("elementwise: float binary ops on every pair of NaN/inf/zero/finite specials follow C99 and numpy") {
  for_types<f32, f64>(
      [](auto tag) {
        using T = decltype(tag);
        CAPTURE(xj::dtype_of<T>());
        std::vector<T> sp = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                             -std::numeric_limits<T>::infinity(), T(0), T(-0.0), T(1), T(-1), T(2.5), T(-3),
                             T(0.5), T(1e30), T(7), T(-0.75)};
        const Shape col{13, 1}, row{1, 13};  // 169 pairs: SIMD body and a scalar tail
        double rtol = std::is_same_v<T, float> ? 4e-6 : 1e-14;
        auto pow_ref = [](T a, T b) { return std::pow(a, b); };
        check_binary<T>([](const Array& a, const Array& b) { return xj::add(a, b); }, std::plus<T>{}, sp, col, sp, row);
        check_binary<T>([](const Array& a, const Array& b) { return xj::subtract(a, b); }, std::minus<T>{}, sp, col, sp,
                        row);
        check_binary<T>([](const Array& a, const Array& b) { return xj::multiply(a, b); }, std::multiplies<T>{}, sp,
                        col, sp, row);
        check_binary<T>([](const Array& a, const Array& b) { return xj::divide(a, b); }, std::divides<T>{}, sp, col,
                        sp, row);
        check_binary<T>([](const Array& a, const Array& b) { return xj::pow(a, b); }, pow_ref, sp, col, sp, row, rtol);
        check_binary<T>([](const Array& a, const Array& b) { return xj::atan2(a, b); },
                        [](T a, T b) { return std::atan2(a, b); }, sp, col, sp, row, rtol);
        check_binary<T>([](const Array& a, const Array& b) { return xj::remainder(a, b); }, np_remainder<T>, sp, col,
                        sp, row);
        check_binary<T>([](const Array& a, const Array& b) { return xj::floor_divide(a, b); }, np_floor_divide<T>, sp,
                        col, sp, row);
      });
}

TEST_CASE("elementwise: pow(x, 0) == 1 and atan2 of zeros and infinities, on SIMD-sized arrays") {
  for (DType d : {xj::float32, xj::float64}) {
    CAPTURE(d);
    std::vector<double> x(16, 0.0);
    x[1] = qnan;
    x[2] = inf;
    x[3] = -inf;
    check_equal(elements<double>(xj::pow(xj::array(x).astype(d), 0.0).astype(xj::float64)), std::vector<double>(16, 1));
    check_equal(elements<double>(xj::pow(xj::ones({16}, d), inf).astype(xj::float64)), std::vector<double>(16, 1));
    check_equal(elements<double>(xj::atan2(xj::zeros({16}, d), xj::zeros({16}, d)).astype(xj::float64)),
                std::vector<double>(16, 0));
    check_close(elements<double>(xj::atan2(xj::full({16}, inf, d), xj::full({16}, -inf, d)).astype(xj::float64)),
                std::vector<double>(16, 3 * 0.7853981633974483), 1e-7);
  }
}

TEST_CASE("elementwise: float floor_divide agrees with remainder (x == (x // y) * y + x % y), as numpy") {
  // numpy: 1.0 // 0.1 == 9.0 and 1.0 % 0.1 == 0.09999999999999995; floor(1.0 / 0.1) would be 10.
  CHECK(xj::floor_divide(xj::array(1.0), xj::array(0.1)).item<double>() == 9.0);
  CHECK(xj::remainder(xj::array(1.0), xj::array(0.1)).item<double>() == doctest::Approx(0.09999999999999995));
  CHECK(xj::floor_divide(xj::array(-3.0), xj::array(inf)).item<double>() == -1.0);
  CHECK(std::isnan(xj::floor_divide(xj::array(inf), xj::array(3.0)).item<double>()));
}

TEST_CASE("elementwise: integer arithmetic on all value pairs wraps and never divides by zero") {
  for_types<i32, i64, u32>(
      [](auto tag) {
        using T = decltype(tag);
        CAPTURE(xj::dtype_of<T>());
        std::vector<T> v = sample<T>(24);
        const Shape col{24, 1}, row{1, 24};
        check_binary<T>([](const Array& a, const Array& b) { return xj::add(a, b); },
                        [](T a, T b) { return wrap(a, b, 0); }, v, col, v, row);
        check_binary<T>([](const Array& a, const Array& b) { return xj::subtract(a, b); },
                        [](T a, T b) { return wrap(a, b, 1); }, v, col, v, row);
        check_binary<T>([](const Array& a, const Array& b) { return xj::multiply(a, b); },
                        [](T a, T b) { return wrap(a, b, 2); }, v, col, v, row);
        check_binary<T>([](const Array& a, const Array& b) { return xj::floor_divide(a, b); }, int_floor_divide<T>, v,
                        col, v, row);
        check_binary<T>([](const Array& a, const Array& b) { return xj::remainder(a, b); }, int_remainder<T>, v, col,
                        v, row);
        check_binary<T>([](const Array& a, const Array& b) { return xj::maximum(a, b); },
                        [](T a, T b) { return a > b ? a : b; }, v, col, v, row);
        check_binary<T>([](const Array& a, const Array& b) { return xj::minimum(a, b); },
                        [](T a, T b) { return a < b ? a : b; }, v, col, v, row);
        // True division gives floats: float32 for 32-bit integers, float64 for int64.
        using F = std::conditional_t<std::is_same_v<T, std::int64_t>, double, float>;
        check_binary<F>([](const Array& a, const Array& b) { return xj::divide(a, b); },
                        [](T a, T b) { return static_cast<F>(a) / static_cast<F>(b); }, v, col, v, row);
        for (const auto& [xs, ys] : shape_pairs) {
          std::vector<T> x = sample<T>(xj::shape_size(xs)), y = sample<T>(xj::shape_size(ys));
          check_binary<T>([](const Array& a, const Array& b) { return xj::add(a, b); },
                          [](T a, T b) { return wrap(a, b, 0); }, x, xs, y, ys);
          check_binary<T>([](const Array& a, const Array& b) { return xj::remainder(a, b); }, int_remainder<T>, x, xs,
                          y, ys);
        }
      });
}

TEST_CASE("elementwise: integer division edge cases as numpy: signs, x/0 == 0, INT_MIN / -1 wraps") {
  Array a = xj::array({7, -7, 7, -7, 6, -6, 0, 5});
  Array b = xj::array({2, 2, -2, -2, 3, -4, 3, 0});
  check_equal(elements<std::int32_t>(xj::floor_divide(a, b)), {3, -4, -4, 3, 2, 1, 0, 0});
  check_equal(elements<std::int32_t>(xj::remainder(a, b)), {1, 1, -1, -1, 0, -2, 0, 0});
  check_equal(elements<std::int32_t>(a % b), {1, 1, -1, -1, 0, -2, 0, 0});
  const std::int32_t lo = std::numeric_limits<std::int32_t>::min();
  CHECK(xj::floor_divide(xj::array(lo), xj::array(-1)).item<std::int32_t>() == lo);
  CHECK(xj::remainder(xj::array(lo), xj::array(-1)).item<std::int32_t>() == 0);
  const std::int64_t lo64 = std::numeric_limits<std::int64_t>::min();
  CHECK(xj::floor_divide(xj::array(lo64), xj::array(std::int64_t{-1})).item<std::int64_t>() == lo64);
  CHECK(xj::remainder(xj::array(lo64), xj::array(std::int64_t{-1})).item<std::int64_t>() == 0);
  Array u = xj::array({7u, 0u, 4294967295u});
  check_equal(elements<std::uint32_t>(xj::floor_divide(u, xj::array({2u, 5u, 0u}))), {3u, 0u, 0u});
  check_equal(elements<std::uint32_t>(xj::remainder(u, xj::array({2u, 5u, 0u}))), {1u, 0u, 0u});
  check_equal(elements<std::uint32_t>(xj::array({0u, 1u}) - xj::array({1u, 3u})), {4294967295u, 4294967294u});
  check_equal(elements<std::int32_t>(xj::array({2147483647}) + 1), {lo});
  check_equal(elements<std::int32_t>(xj::array({65536}) * 65536), {0});
  // True division of integers by zero is a float division.
  check_equal(elements<float>(xj::divide(xj::array({1, -1, 0}), xj::array({0, 0, 0}))),
              {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
               std::numeric_limits<float>::quiet_NaN()});
  CHECK_THROWS_AS(xj::floor_divide(xj::array(std::vector<bool>{true}), xj::array(std::vector<bool>{true})),
                  xj::DTypeError);
  CHECK_THROWS_AS(xj::remainder(xj::array(std::vector<bool>{true}), xj::array(std::vector<bool>{true})),
                  xj::DTypeError);
}

TEST_CASE("elementwise: bool add and multiply are logical or/and; maximum/minimum on bool") {
  Array t = xj::array(std::vector<bool>{true, true, false, false});
  Array u = xj::array(std::vector<bool>{true, false, true, false});
  CHECK(xj::add(t, u).dtype() == xj::bool_);
  check_equal(elements<bool>(t + u), {true, true, true, false});
  check_equal(elements<bool>(t * u), {true, false, false, false});
  check_equal(elements<bool>(xj::maximum(t, u)), {true, true, true, false});
  check_equal(elements<bool>(xj::minimum(t, u)), {true, false, false, false});
  check_equal(elements<std::int32_t>(t + xj::array({1, 2, 3, 4})), {2, 3, 3, 4});
}

TEST_CASE("elementwise: integer_pow on every dtype, with wrap-around, 0-d and zero-size") {
  for_types<i32, i64, u32>(
      [](auto tag) {
        using T = decltype(tag);
        CAPTURE(xj::dtype_of<T>());
        for (const Shape& s : unary_shapes) {
          std::vector<T> in = sample<T>(xj::shape_size(s));
          for (int n : {0, 1, 2, 3, 5, 10, 31}) {
            CAPTURE(n);
            std::vector<T> want(in.size());
            for (std::size_t i = 0; i < in.size(); ++i) {
              T acc = 1;
              for (int k = 0; k < n; ++k) acc = wrap(acc, in[i], 2);
              want[i] = acc;
            }
            Array y = xj::integer_pow(xj::array(in, s), n);
            CHECK(y.shape() == s);
            check_equal(elements<T>(y), want);
          }
          CHECK_THROWS_AS(xj::integer_pow(xj::array(in, s), -1), xj::DTypeError);
        }
      });
  CHECK(xj::integer_pow(xj::array(2), 31).item<std::int32_t>() == std::numeric_limits<std::int32_t>::min());
  check_equal(elements<std::int32_t>(xj::integer_pow(xj::array(std::vector<bool>{true, false}), 3)), {1, 0});
  for_types<f32, f64>(
      [](auto tag) {
        using T = decltype(tag);
        CAPTURE(xj::dtype_of<T>());
        std::vector<T> in = float_values<T>(37, -3, 3, 0);
        for (int n : {-3, -2, -1, 0, 1, 2, 3, 7}) {
          CAPTURE(n);
          std::vector<double> want(in.size());
          for (std::size_t i = 0; i < in.size(); ++i) want[i] = std::pow(static_cast<double>(in[i]), n);
          check_close(elements<T>(xj::integer_pow(xj::array(in), n)), want, std::is_same_v<T, float> ? 2e-6 : 1e-14);
        }
        CHECK(xj::integer_pow(xj::array(T(0)), 0).template item<double>() == 1);
        CHECK(xj::integer_pow(xj::array(T(0)), -1).template item<double>() == inf);
      });
}

TEST_CASE("elementwise: pow with integer operands") {
  // An integer array to a non-negative integer scalar is exact integer power.
  Array p = xj::pow(xj::array({2, -3, 5}), 3);
  CHECK(p.dtype() == xj::int32);
  check_equal(elements<std::int32_t>(p), {8, -27, 125});
  check_equal(elements<std::int32_t>(xj::pow(xj::array({46341}), 2)), {-2147479015});  // wraps
  CHECK(xj::pow(xj::array({2.0f, 3.0f}), 2).dtype() == xj::float32);
  check_equal(elements<double>(xj::pow(xj::array({2.0, -3.0}), xj::array({-1.0, 3.0}))), {0.5, -27.0});
  // jnp.power of two integer arrays stays integer (lax.pow is not defined for ints, jnp uses
  // integer exponentiation).
  Array q = xj::pow(xj::array({2, 3, -2}), xj::array({3, 2, 3}));
  CHECK(q.dtype() == xj::int32);
  if (q.dtype() == xj::int32) check_equal(elements<std::int32_t>(q), {8, 9, -8});
}
