// complex64 and complex128: JAX's promotion, creation and conversion, elementwise functions against
// std::complex, reductions, matrix products, printing as numpy prints, .npy files, gradients in
// JAX's convention (conjugate Wirtinger form; holomorphic), jit on both tiers, vmap and typed errors.
#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"
#include "xjax/host_io.hpp"
#include "xjax/interop.hpp"

namespace xj = xjax;
using xj::Array;
using xj::DType;
using c64 = std::complex<float>;
using c128 = std::complex<double>;

namespace {

template <class C>
std::vector<C> elements(const Array& x) {
  const C* p = x.data<C>();
  return std::vector<C>(p, p + x.size());
}

// |a - b| within rel * max(1, |b|), element by element.
template <class C>
void check_close(const Array& got, const std::vector<C>& want, double rel) {
  REQUIRE(got.size() == static_cast<std::int64_t>(want.size()));
  std::vector<C> g = elements<C>(got);
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("element " << i << ": got " << g[i] << ", want " << want[i]);
    if (!std::isfinite(std::abs(c128(want[i])))) {
      CHECK(c128(g[i]) == c128(want[i]));
      continue;
    }
    CHECK(std::abs(c128(g[i]) - c128(want[i])) <= rel * std::max(1.0, std::abs(c128(want[i]))));
  }
}

std::string str(const Array& x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

const std::vector<c128> samples{{0.5, 0.25}, {-1.5, 2.0}, {3.0, -0.75}, {-0.2, -0.4}, {0.0, 1.0}, {2.0, 0.0}};

}  // namespace

TEST_CASE("complex: dtypes and JAX's promotion") {
  using xj::promote_types;
  CHECK(promote_types(xj::float32, xj::complex64) == xj::complex64);
  CHECK(promote_types(xj::float64, xj::complex64) == xj::complex128);
  CHECK(promote_types(xj::int32, xj::complex64) == xj::complex64);
  CHECK(promote_types(xj::int64, xj::complex64) == xj::complex64);
  CHECK(promote_types(xj::bfloat16, xj::complex64) == xj::complex64);
  CHECK(promote_types(xj::complex64, xj::complex128) == xj::complex128);
  CHECK(promote_types(xj::bool_, xj::complex128) == xj::complex128);
  // A C++ std::complex is weakly typed: it adopts the other operand's precision.
  Array x = xj::ones({3}, xj::float32);
  CHECK((x * c128(0, 1)).dtype() == xj::complex64);
  CHECK((xj::ones({3}, xj::float64) * c128(0, 1)).dtype() == xj::complex128);
  CHECK((xj::ones({3}, xj::int32) + c64(1, 1)).dtype() == xj::complex128);  // as a weak float gives float64
  CHECK((xj::ones({3}, xj::int32) + xj::array(c64(1, 1))).dtype() == xj::complex64);
  CHECK((xj::ones({3}, xj::complex64) * 2.0).dtype() == xj::complex64);
  Array weak = Array(c128(1, 2));
  CHECK(weak.weak_type());
  CHECK(weak.dtype() == xj::complex128);
  CHECK(xj::itemsize(xj::complex64) == 8);
  CHECK(xj::itemsize(xj::complex128) == 16);
  CHECK(std::string(xj::dtype_name(xj::complex64)) == "complex64");
  CHECK(std::string(xj::short_name(xj::complex128)) == "c128");
  CHECK(xj::real_dtype(xj::complex64) == xj::float32);
}

TEST_CASE("complex: creation, conversion, parts") {
  Array z = xj::array({c64(1, 2), c64(-3, 0.5f)});
  CHECK(z.dtype() == xj::complex64);
  CHECK(z[1].item<c64>() == c64(-3, 0.5f));
  CHECK(xj::array(c128(1, -1)).dtype() == xj::complex128);
  CHECK(xj::real(z).dtype() == xj::float32);
  CHECK(xj::test::values(xj::real(z)) == std::vector<double>{1, -3});
  CHECK(xj::test::values(xj::imag(z)) == std::vector<double>{2, 0.5});
  CHECK(elements<c64>(xj::conj(z)) == std::vector<c64>{{1, -2}, {-3, -0.5f}});
  Array made = xj::complex(xj::array({1.0, 2.0}), xj::array({3.0, -4.0}));
  CHECK(made.dtype() == xj::complex128);
  CHECK(elements<c128>(made) == std::vector<c128>{{1, 3}, {2, -4}});
  CHECK(xj::complex(xj::array({1.f, 2.f}), 0.0).dtype() == xj::complex64);
  // Conversions: real -> complex has a zero imaginary part; complex -> real keeps the real part.
  CHECK(elements<c128>(xj::array({1.5f, -2.f}).astype(xj::complex128)) == std::vector<c128>{{1.5, 0}, {-2, 0}});
  CHECK(xj::test::values(z.astype(xj::float64)) == std::vector<double>{1, -3});
  CHECK(xj::test::values(z.astype(xj::int32)) == std::vector<double>{1, -3});
  CHECK(xj::test::values(xj::array({c64(0, 0), c64(0, 1)}).astype(xj::bool_)) == std::vector<double>{0, 1});
  CHECK(elements<c64>(xj::array({c128(1e300, 1)}).astype(xj::complex64))[0].real() == INFINITY);
  // Shape primitives move 8- and 16-byte elements.
  Array m = xj::complex(xj::reshape(xj::arange(6, xj::float64), {2, 3}), 1.0);
  CHECK(elements<c128>(xj::transpose(m)) == std::vector<c128>{{0, 1}, {3, 1}, {1, 1}, {4, 1}, {2, 1}, {5, 1}});
  CHECK(elements<c128>(xj::concatenate({m, m}, 0)).size() == 12);
  CHECK(elements<c128>(xj::where(xj::array({true, false}), xj::array({c128(1, 1), c128(2, 2)}), c128(0, 9))) ==
        std::vector<c128>{{1, 1}, {0, 9}});
  CHECK(xj::test::values(xj::abs(xj::array({c64(3, 4)}))) == std::vector<double>{5});
  CHECK(xj::abs(z).dtype() == xj::float32);
  CHECK(xj::test::values(xj::angle(xj::array({c128(0, 1)})))[0] == doctest::Approx(M_PI / 2));
  CHECK(xj::iscomplexobj(z));
  CHECK(xj::test::values(xj::iscomplex(z)) == std::vector<double>{1, 1});
  CHECK(xj::test::values(xj::isfinite(xj::array({c64(1, INFINITY), c64(1, 1)}))) == std::vector<double>{0, 1});
  CHECK(xj::test::values(xj::isnan(xj::array({c64(NAN, 0), c64(1, 1)}))) == std::vector<double>{1, 0});
  CHECK(xj::test::values(z == xj::array({c64(1, 2), c64(-3, 0)})) == std::vector<double>{1, 0});
}

TEST_CASE("complex: elementwise functions agree with std::complex") {
  Array z128 = xj::array(samples);
  Array z64 = z128.astype(xj::complex64);
  auto check_unary = [&](std::string name, Array (*f)(const Array&), c128 (*ref)(c128)) {
    INFO(name);
    std::vector<c128> want;
    for (c128 v : samples) want.push_back(ref(v));
    check_close<c128>(f(z128), want, 1e-14);
    check_close<c64>(f(z64), std::vector<c64>(want.begin(), want.end()), 2e-6);
  };
  check_unary("exp", xj::exp, [](c128 v) { return std::exp(v); });
  check_unary("log", xj::log, [](c128 v) { return std::log(v); });
  check_unary("sqrt", xj::sqrt, [](c128 v) { return std::sqrt(v); });
  check_unary("rsqrt", xj::rsqrt, [](c128 v) { return 1.0 / std::sqrt(v); });
  check_unary("sin", xj::sin, [](c128 v) { return std::sin(v); });
  check_unary("cos", xj::cos, [](c128 v) { return std::cos(v); });
  check_unary("tan", xj::tan, [](c128 v) { return std::tan(v); });
  check_unary("sinh", xj::sinh, [](c128 v) { return std::sinh(v); });
  check_unary("cosh", xj::cosh, [](c128 v) { return std::cosh(v); });
  check_unary("tanh", xj::tanh, [](c128 v) { return std::tanh(v); });
  check_unary("asin", xj::asin, [](c128 v) { return std::asin(v); });
  check_unary("acos", xj::acos, [](c128 v) { return std::acos(v); });
  check_unary("atan", xj::atan, [](c128 v) { return std::atan(v); });
  check_unary("asinh", xj::asinh, [](c128 v) { return std::asinh(v); });
  check_unary("acosh", xj::acosh, [](c128 v) { return std::acosh(v); });
  check_unary("atanh", xj::atanh, [](c128 v) { return std::atanh(v); });
  check_unary("log1p", xj::log1p, [](c128 v) { return std::log(1.0 + v); });
  check_unary("expm1", xj::expm1, [](c128 v) { return std::exp(v) - 1.0; });
  check_unary("exp2", xj::exp2, [](c128 v) { return std::pow(2.0, v); });
  check_unary("logistic", xj::logistic, [](c128 v) { return 1.0 / (1.0 + std::exp(-v)); });
  check_unary("neg", xj::neg, [](c128 v) { return -v; });
  check_unary("sign", xj::sign, [](c128 v) { return v / std::abs(v); });
  check_unary("square", xj::square, [](c128 v) { return v * v; });
  check_unary("reciprocal", xj::reciprocal, [](c128 v) { return 1.0 / v; });
  // log1p and expm1 keep their precision near 0, where log(1 + z) and exp(z) - 1 cancel.
  check_close<c128>(xj::log1p(xj::array({c128(1e-10, 1e-10)})), {c128(1e-10 + 0.0, 1e-10 - 1e-20)}, 1e-15);
  check_close<c128>(xj::expm1(xj::array({c128(1e-10, 1e-10)})), {c128(1e-10, 1e-10 + 1e-20)}, 1e-15);

  std::vector<c128> other{{1.5, -0.5}, {0.25, 0.75}, {-2.0, 1.0}, {1.0, 1.0}, {0.5, 0.0}, {-1.0, -3.0}};
  Array w128 = xj::array(other);
  auto check_binary = [&](std::string name, Array (*f)(const Array&, const Array&), c128 (*ref)(c128, c128)) {
    INFO(name);
    std::vector<c128> want;
    for (std::size_t i = 0; i < samples.size(); ++i) want.push_back(ref(samples[i], other[i]));
    check_close<c128>(f(z128, w128), want, 1e-14);
    check_close<c64>(f(z64, w128.astype(xj::complex64)), std::vector<c64>(want.begin(), want.end()), 2e-6);
  };
  check_binary("add", xj::add, [](c128 a, c128 b) { return a + b; });
  check_binary("subtract", xj::subtract, [](c128 a, c128 b) { return a - b; });
  check_binary("multiply", xj::multiply, [](c128 a, c128 b) { return a * b; });
  check_binary("divide", xj::divide, [](c128 a, c128 b) { return a / b; });
  check_binary("pow", xj::pow, [](c128 a, c128 b) { return std::pow(a, b); });
  check_close<c128>(xj::integer_pow(z128, 3), {std::pow(samples[0], 3), std::pow(samples[1], 3), std::pow(samples[2], 3),
                                               std::pow(samples[3], 3), std::pow(samples[4], 3), std::pow(samples[5], 3)},
                    1e-14);
  check_close<c128>(xj::pow(xj::array({c128(0, 0), c128(0, 0)}), xj::array({c128(0, 0), c128(2, 0)})), {1.0, 0.0}, 0);
}

TEST_CASE("complex: reductions, scans and matrix products") {
  Array z = xj::array(samples);
  c128 total = 0, product = 1;
  for (c128 v : samples) total += v, product *= v;
  check_close<c128>(xj::sum(z), {total}, 1e-15);
  check_close<c128>(xj::prod(z), {product}, 1e-15);
  check_close<c128>(xj::mean(z), {total / 6.0}, 1e-15);
  double squares = 0;
  for (c128 v : samples) squares += std::norm(v - total / 6.0);
  CHECK(xj::var(z).dtype() == xj::float64);
  CHECK(xj::var(z).item<double>() == doctest::Approx(squares / 6.0));
  Array m = xj::reshape(z, {2, 3});
  check_close<c128>(xj::sum(m, 0), {samples[0] + samples[3], samples[1] + samples[4], samples[2] + samples[5]}, 1e-15);
  check_close<c128>(xj::sum(m, 1), {samples[0] + samples[1] + samples[2], samples[3] + samples[4] + samples[5]}, 1e-15);
  check_close<c128>(xj::cumsum(z)[2], {samples[0] + samples[1] + samples[2]}, 1e-15);
  check_close<c128>(xj::cumprod(z)[1], {samples[0] * samples[1]}, 1e-15);
  // A complex64 sum of 10^5 equal terms accumulates in double precision.
  check_close<c64>(xj::sum(xj::full({100000}, xj::array(c64(0.1f, -0.3f)))), {c64(0.1f, -0.3f) * 100000.f}, 1e-7);
  // Products through cgemm/zgemm, gemv and dot, against a loop; no conjugation.
  Array a = xj::reshape(z, {2, 3}), b = xj::reshape(xj::array({c128(1, 1), c128(0, 2), c128(-1, 0), c128(3, 0.5),
                                                                 c128(2, -2), c128(0, 0)}),
                                                     {3, 2});
  std::vector<c128> av = elements<c128>(a), bv = elements<c128>(b), want(4);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 3; ++k) want[static_cast<std::size_t>(i * 2 + j)] += av[static_cast<std::size_t>(i * 3 + k)] * bv[static_cast<std::size_t>(k * 2 + j)];
  check_close<c128>(xj::matmul(a, b), want, 1e-15);
  check_close<c64>(xj::matmul(a.astype(xj::complex64), b.astype(xj::complex64)),
                   std::vector<c64>(want.begin(), want.end()), 1e-6);
  check_close<c128>(xj::matmul(a, xj::array({c128(1, 0), c128(0, 1), c128(1, 1)})),
                    {av[0] + av[1] * c128(0, 1) + av[2] * c128(1, 1), av[3] + av[4] * c128(0, 1) + av[5] * c128(1, 1)},
                    1e-15);
  check_close<c128>(xj::dot(z, z), {[&] {
                      c128 s = 0;
                      for (c128 v : samples) s += v * v;
                      return s;
                    }()},
                    1e-15);
}

TEST_CASE("complex: composites (convolution, norms, nan_to_num, isclose) treat both parts") {
  Array re = xj::reshape(xj::sin(xj::arange(16, xj::float64)), {1, 1, 4, 4});
  Array im = xj::reshape(xj::cos(xj::arange(16, xj::float64)), {1, 1, 4, 4});
  Array w = xj::reshape(xj::array({1.0, -0.5, 0.25, 2.0}), {1, 1, 2, 2});
  Array z = xj::complex(re, im);
  Array want = xj::complex(xj::conv(re, w, {1, 1}, "VALID"), xj::conv(im, w, {1, 1}, "VALID"));
  CHECK(xj::max(xj::abs(xj::conv(z, w.astype(xj::complex128), {1, 1}, "VALID") - want)).item<double>() < 1e-14);
  Array v = xj::array({c128(3, 4), c128(0, 0), c128(-1, 0)});
  CHECK(xj::linalg::norm(v).dtype() == xj::float64);
  CHECK(xj::linalg::norm(v).item<double>() == doctest::Approx(std::sqrt(26.0)));
  CHECK(xj::linalg::norm(v, 1.0).item<double>() == doctest::Approx(6.0));
  CHECK(xj::linalg::norm(v, 0.0).item<double>() == 2.0);
  CHECK(elements<c128>(xj::nan_to_num(xj::array({c128(NAN, INFINITY)}), 0.0, 7.0)) == std::vector<c128>{{0, 7}});
  CHECK(xj::test::values(xj::isclose(v, v + c128(0, 1e-12))) == std::vector<double>{1, 1, 1});
  CHECK(xj::test::values(xj::isclose(v, v + c128(0, 1e-3))) == std::vector<double>{0, 0, 0});
}

TEST_CASE("complex: printing as numpy 2 prints") {
  Array a = xj::array({c64(1, 2), c64(3, -4.5f), c64(-0.5f, 0)});
  CHECK(str(a) == "[ 1. +2.j   3. -4.5j -0.5+0.j ]");
  CHECK(xj::array_repr(a) == "Array([ 1. +2.j ,  3. -4.5j, -0.5+0.j ], dtype=complex64)");
  CHECK(str(xj::array(c64(1, 2))) == "(1+2j)");
  CHECK(str(xj::array(c128(0, 2))) == "2j");
  CHECK(str(xj::array(c128(-0.0, 1))) == "(-0+1j)");
  CHECK(str(xj::array(c128(1e20, 1))) == "(1e+20+1j)");
  CHECK(str(xj::array(c128(1.5, NAN))) == "(1.5+nanj)");
  CHECK(str(xj::array({{c128(1e-5, 1), c128(2, 3)}})) == "[[1.e-05+1.j 2.e+00+3.j]]");
  CHECK(str(xj::array({c128(NAN, 1), c128(NAN, INFINITY)})) == "[nan +1.j nan+infj]");
  CHECK(xj::array_repr(xj::array(c64(1, 2))) == "Array(1.+2.j, dtype=complex64)");
}

TEST_CASE("complex: .npy round trip in both byte orders") {
  const auto dir = std::filesystem::temp_directory_path();
  for (DType d : {xj::complex64, xj::complex128}) {
    Array x = xj::reshape(xj::array(samples), {2, 3}).astype(d);
    const std::string path = (dir / ("xjax_complex_" + std::string(xj::dtype_name(d)) + ".npy")).string();
    xj::save(path, x);
    Array back = xj::load(path);
    CHECK(back.dtype() == d);
    CHECK(xj::test::identical(back, x));
    std::filesystem::remove(path);
  }
}

TEST_CASE("complex: gradients in JAX's convention") {
  // grad of a real-valued f(z) is df/dx - i df/dy: |z|^2 -> 2 conj(z) (jax.grad gives (2-4j) at 1+2j).
  auto norm2 = [](const Array& z) { return xj::real(z * xj::conj(z)); };
  CHECK(xj::grad(norm2)(xj::array(c64(1, 2))).item<c64>() == c64(2, -4));
  CHECK(xj::grad([](const Array& z) { return xj::real(z) * xj::imag(z); })(xj::array(c128(3, 2))).item<c128>() ==
        c128(2, -3));
  check_close<c128>(xj::grad([](const Array& z) { return xj::abs(z); })(xj::array(c128(3, 4))), {c128(0.6, -0.8)}, 1e-15);
  // jax.grad(lambda z: jnp.real(jnp.sin(z) * jnp.conj(z)))(0.5+0.25j)
  check_close<c128>(xj::grad([](const Array& z) { return xj::real(xj::sin(z) * xj::conj(z)); })(xj::array(c128(0.5, 0.25))),
                    {c128(0.9167836572020455, -0.5085300998113824)}, 1e-14);
  // Holomorphic: f'(z).
  for (c128 z : samples) {
    check_close<c128>(xj::grad([](const Array& v) { return xj::sin(v); }, xj::holomorphic)(xj::array(z)), {std::cos(z)},
                      1e-14);
    check_close<c128>(xj::grad([](const Array& v) { return v * v * v + xj::exp(v); }, xj::holomorphic)(xj::array(z)),
                      {3.0 * z * z + std::exp(z)}, 1e-13);
  }
  // complex(x, y) of real inputs and its transpose.
  auto g = xj::grad<0, 1>([](const Array& x, const Array& y) { return xj::abs(xj::complex(x, y)); })(xj::array(3.0),
                                                                                                   xj::array(4.0));
  CHECK(std::get<0>(g).item<double>() == doctest::Approx(0.6));
  CHECK(std::get<1>(g).item<double>() == doctest::Approx(0.8));
  // A real input through a complex computation: the gradient is real.
  auto through = [](const Array& x) { return xj::real(xj::exp(xj::complex(0.0, x))); };  // cos x
  CHECK(xj::grad(through)(xj::array(0.5)).item<double>() == doctest::Approx(-std::sin(0.5)));
  // jvp of a holomorphic function multiplies the tangent by f'(z).
  auto [y, t] = xj::jvp([](const Array& v) { return xj::exp(v); }, std::tuple{xj::array(c128(0.5, 1))},
                        std::tuple{xj::array(c128(0, 1))});
  check_close<c128>(t, {std::exp(c128(0.5, 1)) * c128(0, 1)}, 1e-15);
  // Reductions and products transpose without conjugation: d/dz sum(w z) = w.
  Array w = xj::array({c128(1, 2), c128(-1, 0.5)});
  check_close<c128>(xj::grad([&](const Array& v) { return xj::sum(w * v); }, xj::holomorphic)(xj::array({c128(0, 0), c128(1, 1)})),
                    {c128(1, 2), c128(-1, 0.5)}, 0);
  check_close<c128>(xj::grad([&](const Array& v) { return xj::dot(w, v); }, xj::holomorphic)(xj::array({c128(0, 0), c128(1, 1)})),
                    {c128(1, 2), c128(-1, 0.5)}, 0);
}

TEST_CASE("complex: jit on both tiers and vmap agree with eager") {
  auto f = [](const Array& z) { return xj::sum(xj::exp(z) * xj::conj(z) + z * 2.0, 0); };
  Array z = xj::reshape(xj::array(samples), {3, 2}).astype(xj::complex64);
  Array eager = f(z);
  for (xj::JitTier tier : {xj::JitTier::interpreter, xj::JitTier::native}) {
    xj::test::TierScope scope(tier);
    CHECK(xj::test::identical(xj::jit(f)(z), eager));
  }
  Array mapped = xj::vmap([](const Array& row) { return xj::sum(xj::exp(row) * xj::conj(row)); })(z);
  for (std::int64_t i = 0; i < 3; ++i)
    check_close<c64>(mapped[i], {xj::sum(xj::exp(z[i]) * xj::conj(z[i])).item<c64>()}, 1e-6);
  auto g = xj::jit(xj::grad([](const Array& v) { return xj::sum(xj::abs(v)); }));
  check_close<c64>(g(z[0]), {c64(std::conj(samples[0] / std::abs(samples[0]))), c64(std::conj(samples[1] / std::abs(samples[1])))},
                   1e-6);
}

TEST_CASE("complex: holomorphic jacobians are f'(z) in both modes, as jax.jacfwd/jacrev(holomorphic=True)") {
  using c128 = std::complex<double>;
  // f(z) = [z0^2 z1, exp(z0) + sin(z1)]: J = [[2 z0 z1, z0^2], [exp(z0), cos(z1)]].
  auto f = [](const Array& z) {
    Array z0 = z[0], z1 = z[1];
    return xj::stack({z0 * z0 * z1, xj::exp(z0) + xj::sin(z1)});
  };
  const c128 a(0.3, -0.7), b(1.1, 0.4);
  for (DType d : {xj::complex64, xj::complex128}) {
    CAPTURE(d);
    Array z = xj::array({a, b}).astype(d);
    const std::vector<c128> want = {2.0 * a * b, a * a, std::exp(a), std::cos(b)};
    const double tol = d == xj::complex64 ? 1e-5 : 1e-13;
    for (const Array& j : {xj::jacfwd(f, xj::holomorphic)(z), xj::jacrev(f, xj::holomorphic)(z),
                           xj::jit(xj::jacrev(f, xj::holomorphic))(z)}) {
      CHECK(j.dtype() == d);
      CHECK(j.shape() == xj::Shape{2, 2});
      check_close<c128>(j.astype(xj::complex128), want, tol);
    }
  }
  // As JAX: holomorphic needs complex inputs and complex outputs.
  Array z = xj::array({a, b});
  CHECK_THROWS_AS(xj::jacfwd(f, xj::holomorphic)(xj::array({1.0, 2.0})), xj::TransformError);
  CHECK_THROWS_AS(xj::jacrev([](const Array& v) { return xj::abs(v); }, xj::holomorphic)(z), xj::TransformError);
  CHECK_THROWS_AS(xj::jacfwd([](const Array& v) { return xj::real(v); }, xj::holomorphic)(z), xj::TransformError);
}

TEST_CASE("complex: typed errors name the op") {
  Array z = xj::array({c64(1, 2)});
  CHECK_THROWS_AS(z < z, xj::DTypeError);
  CHECK_THROWS_AS(xj::maximum(z, z), xj::DTypeError);
  CHECK_THROWS_AS(xj::max(z), xj::DTypeError);
  CHECK_THROWS_WITH_AS(xj::floor(z), doctest::Contains("floor"), xj::DTypeError);
  CHECK_THROWS_AS(xj::cbrt(z), xj::DTypeError);
  CHECK_THROWS_AS(xj::complex(z, z), xj::DTypeError);
  CHECK_THROWS_AS(xj::bitwise_and(z, z), xj::DTypeError);
  // grad needs a real output unless holomorphic; holomorphic needs complex inputs and outputs.
  CHECK_THROWS_WITH_AS(xj::grad([](const Array& v) { return v * v; })(xj::array(c64(1, 1))),
                       doctest::Contains("holomorphic"), xj::TransformError);
  CHECK_THROWS_AS(xj::grad([](const Array& v) { return xj::sin(v); }, xj::holomorphic)(xj::array(1.0)), xj::TransformError);
  CHECK_THROWS_AS(xj::grad([](const Array& v) { return xj::abs(v); }, xj::holomorphic)(xj::array(c64(1, 1))),
                  xj::TransformError);
  CHECK_THROWS_AS(xj::jacfwd([](const Array& v) { return xj::abs(v); })(z), xj::TransformError);
  CHECK_THROWS_AS(xj::jacrev([](const Array& v) { return v * 2.0; })(z), xj::TransformError);
  CHECK_THROWS_AS(xj::fromstring("1 2", xj::complex64, " "), xj::DTypeError);
  CHECK_THROWS_WITH_AS(xj::argmax(z), doctest::Contains("argmax"), xj::DTypeError);
  CHECK_THROWS_WITH_AS(z.at(xj::array({0})).min(z), doctest::Contains("scatter_min"), xj::DTypeError);
  // iota of a complex dtype counts along the real axis, as jnp.arange.
  check_close<c64>(xj::iota(xj::complex64, {3}, 0), {c64(0), c64(1), c64(2)}, 0);
}
