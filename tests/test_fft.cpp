// xj::fft against numpy.fft (tests/golden/fft.inc, made by make_fft_golden.py) in float64 and
// float32, lengths that are not powers of two, gradients through the transforms, vmap and jit, and
// typed errors. The primitive's rules are in the rule table (tests/table_complex.cpp).
#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <functional>
#include <string>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;
using c64 = std::complex<float>;
using c128 = std::complex<double>;

namespace {

struct Golden {
  const char* name;
  xj::Shape in_shape;
  bool in_complex;
  std::vector<double> in;
  xj::Shape out_shape;
  bool out_complex;
  std::vector<double> out;
  std::function<Array(const Array&)> call;
};

const std::vector<Golden>& goldens() {
  static const std::vector<Golden> g = {
#include "golden/fft.inc"
  };
  return g;
}

Array make(const xj::Shape& shape, bool is_complex, const std::vector<double>& v) {
  if (!is_complex) return xj::array(v, shape);
  std::vector<c128> z;
  for (std::size_t i = 0; i < v.size(); i += 2) z.emplace_back(v[i], v[i + 1]);
  return xj::array(z, shape);
}

// The elements of x as (real, imaginary) pairs, or reals.
std::vector<double> flat(const Array& x) {
  if (!xj::is_complex(x.dtype())) return xj::test::values(x);
  Array c = x.astype(xj::complex128);
  std::vector<double> r;
  for (std::int64_t i = 0; i < c.size(); ++i) r.push_back(c.data<c128>()[i].real()), r.push_back(c.data<c128>()[i].imag());
  return r;
}

// max |got - want| <= tol * max(1, max |want|).
void check_close(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  REQUIRE(got.size() == want.size());
  double scale = 1, err = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    scale = std::max(scale, std::abs(want[i]));
    err = std::max(err, std::abs(got[i] - want[i]));
  }
  CHECK(err <= tol * scale);
}

}  // namespace

TEST_CASE("fft: numpy.fft's results in float64 and float32") {
  for (const Golden& g : goldens()) {
    CAPTURE(g.name);
    const Array x = make(g.in_shape, g.in_complex, g.in);
    const Array y = g.call(x);
    CHECK(y.shape() == g.out_shape);
    CHECK(xj::is_complex(y.dtype()) == g.out_complex);
    CHECK((y.dtype() == xj::float64 || y.dtype() == xj::complex128));
    check_close(flat(y), g.out, 1e-13);
    // The same in single precision (frequencies keep their requested dtype).
    const Array y32 = g.call(x.astype(g.in_complex ? xj::complex64 : xj::float32));
    if (std::string(g.name).find("freq") == std::string::npos)
      CHECK((y32.dtype() == xj::float32 || y32.dtype() == xj::complex64));
    check_close(flat(y32), g.out, 2e-6);
  }
}

TEST_CASE("fft: round trips, integer input, a prime length near 10^6, Parseval") {
  Array x = xj::sin(xj::arange(1000003, xj::float64) * 0.001) + xj::cos(xj::arange(1000003, xj::float64) * 0.37);
  Array back = xj::fft::ifft(xj::fft::fft(x));
  CHECK(back.dtype() == xj::complex128);
  CHECK(xj::max(xj::abs(back - x)).item<double>() < 1e-9);
  CHECK(xj::max(xj::abs(xj::fft::irfft(xj::fft::rfft(x), 1000003) - x)).item<double>() < 1e-9);
  // Parseval: sum |X|^2 = n sum |x|^2.
  const double energy = xj::sum(x * x).item<double>();
  CHECK(xj::sum(xj::square(xj::abs(xj::fft::fft(x)))).item<double>() == doctest::Approx(1000003 * energy).epsilon(1e-10));
  // Integers transform in complex64 (int64: complex128), as the library's float functions do.
  CHECK(xj::fft::fft(xj::arange(8, xj::int32)).dtype() == xj::complex64);
  CHECK(xj::fft::rfft(xj::arange(8, xj::int64)).dtype() == xj::complex128);
  CHECK(xj::fft::fft(xj::ones({4}, xj::float16)).dtype() == xj::complex64);
  CHECK(flat(xj::fft::fft(xj::arange(4, xj::int32))) == std::vector<double>{6, 0, -2, 2, -2, 0, -2, -2});
}

TEST_CASE("fft: gradients, vmap and jit") {
  // d/dx sum |fft(x)|^2 = 2 n x (Parseval), through RFFT-free complex code.
  Array x = xj::array({0.5, -1.0, 2.0, 0.25, 1.5});
  Array g = xj::grad([](const Array& v) { return xj::sum(xj::square(xj::abs(xj::fft::fft(v)))); })(x);
  check_close(xj::test::values(g), xj::test::values(x * 10.0), 1e-14);
  // A circular convolution by the FFT is linear: its gradient against a loop's.
  Array k = xj::array({1.0, 0.5, 0.0, 0.0, -0.25});
  auto conv = [&](const Array& v) { return xj::fft::irfft(xj::fft::rfft(v) * xj::fft::rfft(k), 5); };
  Array c = conv(x);
  for (int i = 0; i < 5; ++i) {
    double want = 0;
    for (int j = 0; j < 5; ++j) want += x[j].item<double>() * k[(i - j + 5) % 5].item<double>();
    CHECK(c[i].item<double>() == doctest::Approx(want).epsilon(1e-12));
  }
  Array w = xj::array({0.3, -0.2, 1.0, 0.7, 0.1});
  Array gc = xj::grad([&](const Array& v) { return xj::sum(conv(v) * w); })(x);
  for (int j = 0; j < 5; ++j) {  // d/dx_j sum_i w_i k_{i-j}
    double want = 0;
    for (int i = 0; i < 5; ++i) want += w[i].item<double>() * k[(i - j + 5) % 5].item<double>();
    CHECK(gc[j].item<double>() == doctest::Approx(want).epsilon(1e-12));
  }
  // vmap over rows equals the 2-d call along the last axis; jit equals eager.
  Array m = xj::reshape(xj::sin(xj::arange(24, xj::float64)), {4, 6});
  Array rows = xj::vmap([](const Array& r) { return xj::fft::rfft(r); })(m);
  CHECK(xj::test::identical(rows, xj::fft::rfft(m)));
  Array cols = xj::vmap([](const Array& r) { return xj::fft::fft(r); }, {.in_axes = {1}, .out_axes = 1})(m);
  CHECK(xj::test::identical(cols, xj::fft::fft(m, std::nullopt, 0)));
  auto spectrum = xj::jit([](const Array& v) { return xj::fft::fftshift(xj::abs(xj::fft::fft2(v))); });
  CHECK(xj::test::identical(spectrum(m), xj::fft::fftshift(xj::abs(xj::fft::fft2(m)))));
}

TEST_CASE("fft: typed errors name the op") {
  Array x = xj::ones({4});
  CHECK_THROWS_WITH_AS(xj::fft::fft(x, 0), doctest::Contains("fft"), xj::ValueError);
  CHECK_THROWS_AS(xj::fft::irfft(x, -2), xj::ValueError);
  CHECK_THROWS_WITH_AS(xj::fft::rfft(x.astype(xj::complex64)), doctest::Contains("rfft"), xj::DTypeError);
  CHECK_THROWS_WITH_AS(xj::fft::fft(x, std::nullopt, -1, "none"), doctest::Contains("norm"), xj::ValueError);
  CHECK_THROWS_AS(xj::fft::fft(x, std::nullopt, 1), xj::IndexError);
  CHECK_THROWS_AS(xj::fft::fftn(xj::ones({2, 2}), std::nullopt, std::vector<int>{0, 0}), xj::ValueError);
  CHECK_THROWS_AS(xj::fft::fftn(xj::ones({2, 2}), xj::Shape{2, 2, 2}), xj::ValueError);
  CHECK_THROWS_AS(xj::fft::fftfreq(0), xj::ValueError);
  CHECK_THROWS_AS(xj::fft::fft(xj::array(1.0)), xj::IndexError);
}
