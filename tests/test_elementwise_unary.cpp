// Eager checks of the unary elementwise ops against std:: references, on every shape and dtype.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "elementwise_testing.hpp"

using namespace elementwise_testing;

namespace {

using Op = std::function<Array(const Array&)>;
using Ref = std::function<double(double)>;

// A floating-point function: its reference, an input domain, and how many float32/float64 units of
// relative error (against max(|want|, floor)) it may have.
struct FloatFn {
  const char* name;
  Op op;
  Ref ref;
  double lo, hi;
  double floor = 1;
  double rtol32 = 5e-7, rtol64 = 2e-15;
  // lgamma: -inf next to finite values made xsimd's SIMD lgamma loop forever, so the shared sweep
  // leaves it out; lgamma's own test checks -inf in ways that cannot hang.
  double neg_inf = -std::numeric_limits<double>::infinity();
};

double logistic_ref(double x) { return 1 / (1 + std::exp(-x)); }

const std::vector<FloatFn>& float_fns() {
  static const std::vector<FloatFn> fns = {
      {"exp", [](const Array& x) { return xj::exp(x); }, [](double x) { return std::exp(x); }, -80, 80, 0},
      {"exp2", [](const Array& x) { return xj::exp2(x); }, [](double x) { return std::exp2(x); }, -100, 100, 0},
      {"log", [](const Array& x) { return xj::log(x); }, [](double x) { return std::log(x); }, 1e-3, 1e4},
      {"log1p", [](const Array& x) { return xj::log1p(x); }, [](double x) { return std::log1p(x); }, -0.9, 10, 0},
      {"expm1", [](const Array& x) { return xj::expm1(x); }, [](double x) { return std::expm1(x); }, -5, 5, 0},
      {"sqrt", [](const Array& x) { return xj::sqrt(x); }, [](double x) { return std::sqrt(x); }, 0, 1e6, 0},
      {"rsqrt", [](const Array& x) { return xj::rsqrt(x); }, [](double x) { return 1 / std::sqrt(x); }, 1e-3, 1e6, 0},
      {"cbrt", [](const Array& x) { return xj::cbrt(x); }, [](double x) { return std::cbrt(x); }, -1e3, 1e3, 0},
      {"sin", [](const Array& x) { return xj::sin(x); }, [](double x) { return std::sin(x); }, -20, 20},
      {"cos", [](const Array& x) { return xj::cos(x); }, [](double x) { return std::cos(x); }, -20, 20},
      {"tan", [](const Array& x) { return xj::tan(x); }, [](double x) { return std::tan(x); }, -1.4, 1.4},
      {"asin", [](const Array& x) { return xj::asin(x); }, [](double x) { return std::asin(x); }, -1, 1},
      {"acos", [](const Array& x) { return xj::acos(x); }, [](double x) { return std::acos(x); }, -1, 1},
      {"atan", [](const Array& x) { return xj::atan(x); }, [](double x) { return std::atan(x); }, -50, 50},
      {"sinh", [](const Array& x) { return xj::sinh(x); }, [](double x) { return std::sinh(x); }, -20, 20},
      {"cosh", [](const Array& x) { return xj::cosh(x); }, [](double x) { return std::cosh(x); }, -20, 20},
      {"tanh", [](const Array& x) { return xj::tanh(x); }, [](double x) { return std::tanh(x); }, -10, 10},
      {"asinh", [](const Array& x) { return xj::asinh(x); }, [](double x) { return std::asinh(x); }, -100, 100, 0},
      {"acosh", [](const Array& x) { return xj::acosh(x); }, [](double x) { return std::acosh(x); }, 1, 100},
      {"atanh", [](const Array& x) { return xj::atanh(x); }, [](double x) { return std::atanh(x); }, -0.99, 0.99, 0},
      {"logistic", [](const Array& x) { return xj::logistic(x); }, logistic_ref, -30, 30, 0},
      {"sigmoid", [](const Array& x) { return xj::sigmoid(x); }, logistic_ref, -30, 30, 0},
      // erf/erfc: xsimd's are some tens of ulps off; erfc's float64 tail has its own, strict test.
      {"erf", [](const Array& x) { return xj::erf(x); }, [](double x) { return std::erf(x); }, -4, 4, 1, 5e-7, 1e-14},
      {"erfc", [](const Array& x) { return xj::erfc(x); }, [](double x) { return std::erfc(x); }, -3, 5, 0, 2e-6,
       1e-11},
      {"lgamma", [](const Array& x) { return xj::lgamma(x); }, [](double x) { return std::lgamma(x); }, 0.1, 50, 1,
       5e-7, 2e-15, -2.5},
  };
  return fns;
}

// In-domain values with NaN, +-inf, +-0 at positions in the SIMD body (< 32) and in the tail.
template <class T>
std::vector<T> float_inputs(const FloatFn& f, std::int64_t n) {
  std::vector<double> v = spread(n, f.lo, f.hi);
  const double specials[] = {qnan, inf, f.neg_inf, 0.0, -0.0};
  for (std::size_t k = 0; k < 5; ++k) {
    std::size_t body = 1 + 6 * k, tail = static_cast<std::size_t>(n) - 1 - k;
    if (body < v.size()) v[body] = specials[k];
    if (n > 32 && tail >= 32) v[tail] = specials[k];
  }
  return std::vector<T>(v.begin(), v.end());
}

template <class T>
void check_float_fn(const FloatFn& f, const Shape& s) {
  CAPTURE(xj::dtype_of<T>());
  std::vector<T> in = float_inputs<T>(f, xj::shape_size(s));
  Array y = f.op(xj::array(in, s));
  CHECK(y.shape() == s);
  std::vector<double> want(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) want[i] = f.ref(static_cast<double>(in[i]));
  check_close(elements<T>(y), want, std::is_same_v<T, float> ? f.rtol32 : f.rtol64, f.floor);
}

}  // namespace

TEST_CASE("elementwise: float functions match std:: on every shape, float32 and float64, with NaN/inf/0") {
  for (const FloatFn& f : float_fns())
    for (const Shape& s : unary_shapes) {
      CAPTURE(std::string(f.name));
      CAPTURE(xj::shape_str(s));
      check_float_fn<float>(f, s);
      check_float_fn<double>(f, s);
    }
}

TEST_CASE("elementwise: float functions of bool and integer inputs compute in float32 (int64: float64)") {
  for (const FloatFn& f : float_fns()) {
    CAPTURE(std::string(f.name));
    std::vector<int> v = {0, 1, 2, 3, 5, 8, 1, 0};
    for (DType d : {xj::bool_, xj::int32, xj::uint32, xj::int64}) {
      CAPTURE(d);
      Array x = make<std::int64_t>(v, {2, 4}).astype(d);
      DType want_dtype = d == xj::int64 ? xj::float64 : xj::float32;
      Array y = f.op(x);
      CHECK(y.dtype() == want_dtype);
      CHECK(y.shape() == Shape{2, 4});
      Array ref = f.op(x.astype(want_dtype));
      if (want_dtype == xj::float32) check_equal(elements<float>(y), elements<float>(ref));
      else check_equal(elements<double>(y), elements<double>(ref));
    }
  }
}

TEST_CASE("elementwise: round is half-to-even and floor/ceil/round keep the float dtype") {
  std::vector<double> in = {0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 0.49999997, -0.49999997, 2.5000003, 1e10, -7.25};
  std::vector<double> want = {0, 2, 2, 4, -0, -2, -2, 0, -0, 3, 1e10, -7};
  check_equal(elements<double>(xj::round(xj::array(in))), want);
  check_equal(elements<float>(xj::round(make<float>(in, {12}))), std::vector<float>(want.begin(), want.end()));
  // numpy keeps the sign of zero: round(-0.4) is -0.
  CHECK(std::signbit(xj::round(xj::array(-0.4)).item<double>()));
  check_equal(elements<double>(xj::floor(xj::array(in))),
              {0, 1, 2, 3, -1, -2, -3, 0, -1, 2, 1e10, -8});
  check_equal(elements<double>(xj::ceil(xj::array(in))), {1, 2, 3, 4, -0, -1, -2, 1, -0, 3, 1e10, -7});
}

TEST_CASE("elementwise: expm1 and log1p keep full relative accuracy near zero") {
  std::vector<double> tiny = {1e-300, -1e-20, 3e-10, -2.5e-8, 1e-5, -1e-5};
  Array x64 = xj::array(tiny);
  std::vector<double> e = elements<double>(xj::expm1(x64)), l = elements<double>(xj::log1p(x64));
  for (std::size_t i = 0; i < tiny.size(); ++i) {
    CAPTURE(tiny[i]);
    CHECK(close(e[i], std::expm1(tiny[i]), 2e-15, 0));
    CHECK(close(l[i], std::log1p(tiny[i]), 2e-15, 0));
  }
  std::vector<float> ef = elements<float>(xj::expm1(make<float>(tiny, {6})));
  for (std::size_t i = 1; i < tiny.size(); ++i) CHECK(close(ef[i], std::expm1(static_cast<float>(tiny[i])), 5e-7, 0));
}

TEST_CASE("elementwise: lgamma of negative non-integers and poles, in the SIMD body and the tail") {
  std::vector<double> in = {-0.5, -1.5, -2.5, -3.7, -10.2, 1, 2, 0};
  std::vector<double> want(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) want[i] = std::lgamma(in[i]);
  check_close(elements<double>(xj::lgamma(xj::array(in))), want, 1e-13);
  check_close(elements<float>(xj::lgamma(make<float>(in, {8}))), want, 2e-6);
  // Poles and -inf give +inf (C99, scipy.special.gammaln, lax.lgamma): 0-d (scalar path) and
  // whole SIMD vectors of 16 floats / 8 doubles, alone or next to ordinary values.
  CHECK(xj::lgamma(xj::array(-inf)).item<double>() == inf);
  for (DType d : {xj::float32, xj::float64}) {
    CAPTURE(d);
    std::vector<double> all_neg_inf = elements<double>(xj::lgamma(xj::full({16}, -inf, d)).astype(xj::float64));
    for (double e : all_neg_inf) CHECK(e == inf);
    std::vector<double> mixed(16, 25.05);
    mixed[1] = -35;
    mixed[2] = -1000;
    mixed[3] = -3;
    std::vector<double> got = elements<double>(xj::lgamma(xj::array(mixed).astype(d)).astype(xj::float64));
    CHECK(got[1] == inf);
    CHECK(got[2] == inf);
    CHECK(got[3] == inf);
    CHECK(got[0] == doctest::Approx(std::lgamma(d == xj::float32 ? double(25.05f) : 25.05)).epsilon(1e-6));
  }
}

TEST_CASE("elementwise: erfc keeps full relative accuracy in its tail") {
  std::vector<double> in = {0.5, 2.2, 3.0, 5.0, 10.0, 20.0, 26.0};
  std::vector<double> want(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) want[i] = std::erfc(in[i]);
  check_close(elements<double>(xj::erfc(xj::array(in))), want, 1e-14, 0);
  std::vector<double> inf32 = {0.5, 2.2, 3.0, 5.0, 9.0};
  std::vector<double> want32(inf32.size());
  for (std::size_t i = 0; i < inf32.size(); ++i) want32[i] = std::erfc(static_cast<double>(static_cast<float>(inf32[i])));
  check_close(elements<float>(xj::erfc(make<float>(inf32, {5}))), want32, 2e-6, 0);
}

TEST_CASE("elementwise: erf_inv inverts erf and has the right special values") {
  for (std::int64_t n : {37, 1003}) {
    std::vector<double> x = spread(n, -0.9999, 0.9999);
    std::vector<double> y = elements<double>(xj::erf_inv(xj::array(x)));
    std::vector<float> yf = elements<float>(xj::erf_inv(make<float>(x, {n})));
    for (std::size_t i = 0; i < x.size(); ++i) {
      CAPTURE(x[i]);
      CHECK(std::abs(std::erf(y[i]) - x[i]) <= 1e-15);
      CHECK(std::abs(std::erf(static_cast<double>(yf[i])) - static_cast<double>(static_cast<float>(x[i]))) <= 4e-7);
    }
  }
  std::vector<double> s = elements<double>(xj::erf_inv(xj::array({0.0, 1.0, -1.0, 1.5, -2.0, qnan, 0.5})));
  CHECK(s[0] == 0);
  CHECK(s[1] == inf);
  CHECK(s[2] == -inf);
  CHECK(std::isnan(s[3]));
  CHECK(std::isnan(s[4]));
  CHECK(std::isnan(s[5]));
  CHECK(s[6] == doctest::Approx(0.4769362762044699).epsilon(1e-14));
  CHECK(xj::erf_inv(xj::array(0.5f)).dtype() == xj::float32);
}

namespace {
// psi^(n)(x) = (-1)^(n+1) n! sum_k 1/(x+k)^(n+1), summed to K terms plus the Euler-Maclaurin tail.
double polygamma_series(int n, double x) {
  const int terms = 2000;
  double s = 0;
  for (int k = 0; k < terms; ++k) s += 1 / std::pow(x + k, n + 1);
  double z = x + terms;
  s += 1 / (n * std::pow(z, n)) + 0.5 / std::pow(z, n + 1) + (n + 1) / (12 * std::pow(z, n + 2));
  return (n % 2 == 1 ? 1 : -1) * std::tgamma(n + 1) * s;
}
}  // namespace

TEST_CASE("elementwise: digamma matches known values and the derivative of lgamma") {
  const double euler = 0.5772156649015329;
  std::vector<double> in = {1, 0.5, 2, 10, -0.5, 0.1, 3.7, 25.5, -2.3};
  std::vector<double> got = elements<double>(xj::digamma(xj::array(in)));
  CHECK(got[0] == doctest::Approx(-euler).epsilon(1e-14));
  CHECK(got[1] == doctest::Approx(-euler - 2 * std::log(2.0)).epsilon(1e-14));
  CHECK(got[2] == doctest::Approx(1 - euler).epsilon(1e-14));
  CHECK(got[4] == doctest::Approx(0.03648997397857652).epsilon(1e-12));
  for (std::size_t i = 0; i < in.size(); ++i) {
    double h = 1e-5, fd = (std::lgamma(in[i] + h) - std::lgamma(in[i] - h)) / (2 * h);
    CAPTURE(in[i]);
    CHECK(std::abs(got[i] - fd) <= 1e-8 * std::max(1.0, std::abs(fd)));
  }
  // float32: the double result at the float-rounded input, to float precision.
  std::vector<float> in32(in.begin(), in.end());
  std::vector<double> want32 = elements<double>(xj::digamma(make<double>(in32, {9})));
  check_close(elements<float>(xj::digamma(xj::array(in32))), want32, 2e-6);
  CHECK(std::isnan(xj::digamma(xj::array(qnan)).item<double>()));
}

TEST_CASE("elementwise: polygamma matches known values and the series definition") {
  const double pi = 3.141592653589793;
  CHECK(xj::polygamma(1, xj::array(1.0)).item<double>() == doctest::Approx(pi * pi / 6).epsilon(1e-14));
  CHECK(xj::polygamma(2, xj::array(1.0)).item<double>() == doctest::Approx(-2.4041138063191885).epsilon(1e-13));
  CHECK(xj::polygamma(3, xj::array(1.0)).item<double>() == doctest::Approx(std::pow(pi, 4) / 15).epsilon(1e-13));
  CHECK(xj::polygamma(1, xj::array(0.5)).item<double>() == doctest::Approx(pi * pi / 2).epsilon(1e-14));
  std::vector<double> in = {0.3, 1, 2.5, 7.75, 12, 40};
  for (int n : {1, 2, 3, 4}) {
    CAPTURE(n);
    std::vector<double> want(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) want[i] = polygamma_series(n, in[i]);
    check_close(elements<double>(xj::polygamma(n, xj::array(in))), want, 1e-11, 0);
    check_close(elements<float>(xj::polygamma(n, make<float>(in, {2, 3}))), want, 2e-6, 0);
  }
  // n = 0 is digamma; integer inputs promote as the other float functions do.
  check_equal(elements<double>(xj::polygamma(0, xj::array(in))), elements<double>(xj::digamma(xj::array(in))));
  CHECK(xj::polygamma(1, xj::array({1, 2})).dtype() == xj::float32);
  CHECK(xj::polygamma(1, xj::zeros({0, 3})).shape() == Shape{0, 3});
  CHECK_THROWS_AS(xj::polygamma(-1, xj::array(1.0)), xj::ValueError);
}

namespace {
// The reference of the unary ops that accept every numeric dtype, written with wrap-around
// integer arithmetic (never C++ overflow).
template <class T>
T wrap_neg(T a) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(U(0) - static_cast<U>(a));
}
template <class T>
T wrap_mul(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
}
}  // namespace

TEST_CASE("elementwise: neg abs sign square floor ceil round on integer dtypes, with wrap-around") {
  for_types<i32, i64, u32>(
      [](auto tag) {
        using T = decltype(tag);
        for (const Shape& s : unary_shapes) {
          CAPTURE(xj::dtype_of<T>());
          CAPTURE(xj::shape_str(s));
          std::vector<T> in = sample<T>(xj::shape_size(s));
          Array x = xj::array(in, s);
          std::vector<T> neg(in.size()), abs(in.size()), sign(in.size()), sq(in.size());
          for (std::size_t i = 0; i < in.size(); ++i) {
            neg[i] = wrap_neg(in[i]);
            if constexpr (std::is_signed_v<T>) {
              abs[i] = in[i] < 0 ? wrap_neg(in[i]) : in[i];
              sign[i] = static_cast<T>((in[i] > 0) - (in[i] < 0));
            } else {
              abs[i] = in[i];
              sign[i] = in[i] > 0;
            }
            sq[i] = wrap_mul(in[i], in[i]);
          }
          Array n = xj::neg(x);
          CHECK(n.shape() == s);
          check_equal(elements<T>(n), neg);
          check_equal(elements<T>(-x), neg);
          check_equal(elements<T>(xj::abs(x)), abs);
          check_equal(elements<T>(xj::sign(x)), sign);
          check_equal(elements<T>(xj::square(x)), sq);
          check_equal(elements<T>(xj::floor(x)), in);
          check_equal(elements<T>(xj::ceil(x)), in);
          check_equal(elements<T>(xj::round(x)), in);
        }
      });
  CHECK(xj::neg(xj::array(std::numeric_limits<std::int32_t>::min())).item<std::int32_t>() ==
        std::numeric_limits<std::int32_t>::min());
  CHECK(xj::abs(xj::array(std::numeric_limits<std::int64_t>::min())).item<std::int64_t>() ==
        std::numeric_limits<std::int64_t>::min());
  CHECK(xj::neg(xj::array(std::uint32_t{1})).item<std::uint32_t>() == 4294967295u);
}

TEST_CASE("elementwise: neg abs sign square reciprocal floor ceil on floats, with NaN/inf/-0") {
  for_types<f32, f64>(
      [](auto tag) {
        using T = decltype(tag);
        for (const Shape& s : unary_shapes) {
          CAPTURE(xj::dtype_of<T>());
          CAPTURE(xj::shape_str(s));
          std::vector<T> in = sample<T>(xj::shape_size(s));
          Array x = xj::array(in, s);
          std::vector<T> neg(in.size()), abs(in.size()), sign(in.size()), sq(in.size()), rec(in.size()),
              fl(in.size()), ce(in.size()), ro(in.size());
          for (std::size_t i = 0; i < in.size(); ++i) {
            T v = in[i];
            neg[i] = -v;
            abs[i] = std::fabs(v);
            sign[i] = std::isnan(v) ? v : static_cast<T>((v > 0) - (v < 0));
            sq[i] = v * v;
            rec[i] = T(1) / v;
            fl[i] = std::floor(v);
            ce[i] = std::ceil(v);
            ro[i] = std::nearbyint(v);
          }
          check_equal(elements<T>(xj::neg(x)), neg);
          check_equal(elements<T>(xj::abs(x)), abs);
          check_equal(elements<T>(xj::sign(x)), sign);
          check_equal(elements<T>(xj::square(x)), sq);
          check_equal(elements<T>(xj::reciprocal(x)), rec);
          check_equal(elements<T>(xj::floor(x)), fl);
          check_equal(elements<T>(xj::ceil(x)), ce);
          check_equal(elements<T>(xj::round(x)), ro);
        }
      });
  CHECK(std::signbit(xj::neg(xj::array(0.0f)).item<float>()));
  CHECK(!std::signbit(xj::abs(xj::array(-0.0)).item<double>()));
}

TEST_CASE("elementwise: unary ops on bool and the integer-to-float reciprocal") {
  Array b = xj::array(std::vector<bool>{true, false, true});
  CHECK(xj::abs(b).dtype() == xj::bool_);
  check_equal(elements<bool>(xj::abs(b)), {true, false, true});
  check_equal(elements<bool>(xj::sign(b)), {true, false, true});
  check_equal(elements<bool>(xj::floor(b)), {true, false, true});
  check_equal(elements<std::int32_t>(xj::neg(b)), {-1, 0, -1});
  check_equal(elements<std::int32_t>(xj::square(b)), {1, 0, 1});
  check_equal(elements<float>(xj::reciprocal(xj::array({2, 0, -4}))), {0.5f, std::numeric_limits<float>::infinity(), -0.25f});
  check_equal(elements<double>(xj::reciprocal(xj::array({std::int64_t{4}}))), {0.25});
  check_equal(elements<float>(xj::reciprocal(b)), {1.0f, std::numeric_limits<float>::infinity(), 1.0f});
}

TEST_CASE("elementwise: isfinite isnan isinf on every dtype give bool of the input's shape") {
  for_types<bool_t, i32, i64, u32, f32, f64>(
      [](auto tag) {
        using T = decltype(tag);
        for (const Shape& s : unary_shapes) {
          CAPTURE(xj::dtype_of<T>());
          CAPTURE(xj::shape_str(s));
          std::vector<T> in = sample<T>(xj::shape_size(s));
          Array x = xj::array(in, s);
          std::vector<bool> fin(in.size()), nan(in.size()), isinf(in.size());
          for (std::size_t i = 0; i < in.size(); ++i) {
            if constexpr (std::is_floating_point_v<T>) {
              fin[i] = std::isfinite(in[i]);
              nan[i] = std::isnan(in[i]);
              isinf[i] = std::isinf(in[i]);
            } else {
              fin[i] = true;
            }
          }
          for (const Array& r : {xj::isfinite(x), xj::isnan(x), xj::isinf(x)}) {
            CHECK(r.dtype() == xj::bool_);
            CHECK(r.shape() == s);
          }
          check_equal(elements<bool>(xj::isfinite(x)), fin);
          check_equal(elements<bool>(xj::isnan(x)), nan);
          check_equal(elements<bool>(xj::isinf(x)), isinf);
        }
      });
}

TEST_CASE("elementwise: logical_not, bitwise_not and stop_gradient on every dtype they accept") {
  for_types<bool_t, i32, i64, u32, f32, f64>(
      [](auto tag) {
        using T = decltype(tag);
        for (const Shape& s : unary_shapes) {
          CAPTURE(xj::dtype_of<T>());
          CAPTURE(xj::shape_str(s));
          std::vector<T> in = sample<T>(xj::shape_size(s));
          Array x = xj::array(in, s);
          std::vector<bool> lnot(in.size());
          for (std::size_t i = 0; i < in.size(); ++i) lnot[i] = in[i] == T(0);
          Array ln = xj::logical_not(x);
          CHECK(ln.dtype() == xj::bool_);
          check_equal(elements<bool>(ln), lnot);
          check_equal(elements<bool>(!x), lnot);
          Array sg = xj::stop_gradient(x);
          CHECK(sg.shape() == s);
          check_equal(elements<T>(sg), in);
          if constexpr (!std::is_floating_point_v<T>) {
            std::vector<T> bnot(in.size());
            for (std::size_t i = 0; i < in.size(); ++i) {
              if constexpr (std::is_same_v<T, bool>) bnot[i] = !in[i];
              else bnot[i] = static_cast<T>(~in[i]);
            }
            check_equal(elements<T>(xj::bitwise_not(x)), bnot);
            check_equal(elements<T>(~x), bnot);
          } else {
            CHECK_THROWS_AS(xj::bitwise_not(x), xj::DTypeError);
          }
        }
      });
}
