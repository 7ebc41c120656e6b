// The rejection and composition samplers of xjax::random against jax's draws (golden values written
// by scripts/make_random_dists_golden.py), their distributions (moments within a few standard errors,
// a Kolmogorov-Smirnov statistic against the exact gamma CDF), gamma's reparameterisation gradient
// against finite differences of the inverse CDF, vmap against a loop, jit against eager, and typed
// errors for bad input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"
#include "xjax/jit.hpp"

namespace xj = xjax;
namespace xr = xjax::random;
using xj::Array;
using xj::test::values;

namespace {

struct GoldenCase {
  const char* name;
  xj::DType dtype;
  xj::Shape shape;
  std::vector<std::uint64_t> values;
};

const std::vector<GoldenCase>& golden() {
  static const std::vector<GoldenCase> cases = {
#include "golden/random_dists.inc"
  };
  return cases;
}

// A golden case's values as doubles (floats are stored as bit patterns).
std::vector<double> decode(const GoldenCase& c) {
  std::vector<double> out;
  for (std::uint64_t v : c.values) {
    if (c.dtype == xj::float32) {
      auto bits = static_cast<std::uint32_t>(v);
      float f;
      std::memcpy(&f, &bits, sizeof f);
      out.push_back(f);
    } else if (c.dtype == xj::float64) {
      double d;
      std::memcpy(&d, &v, sizeof d);
      out.push_back(d);
    } else {
      out.push_back(static_cast<double>(static_cast<std::int64_t>(v)));
    }
  }
  return out;
}

Array vec(std::vector<double> v, xj::DType dt) { return xj::array(v).astype(dt); }
Array scalar(double v, xj::DType dt) { return xj::array(v).astype(dt); }

// The xjax call that mirrors each golden case (name without its "/seed/dtype" suffix).
Array compute(const std::string& kind, const Array& k, xj::DType f) {
  const std::vector<std::vector<double>> cov = {{2.0, 0.6, -0.3}, {0.6, 1.0, 0.2}, {-0.3, 0.2, 0.5}};
  Array cov_a = xj::stack({vec(cov[0], f), vec(cov[1], f), vec(cov[2], f)});
  Array mean = vec({1.0, -1.0, 0.5}, f);
  if (kind == "gamma/vector") return xr::gamma(k, vec({0.3, 1.0, 2.5, 10.0, 0.05}, f), std::nullopt, f);
  if (kind == "gamma/shape") return xr::gamma(k, scalar(0.7, f), xj::Shape{2, 3}, f);
  if (kind == "loggamma") return xr::loggamma(k, vec({0.01, 0.5, 3.0}, f), std::nullopt, f);
  if (kind == "beta") return xr::beta(k, vec({0.5, 2.0}, f), scalar(3.0, f), xj::Shape{3, 2}, f);
  if (kind == "dirichlet") return xr::dirichlet(k, vec({0.5, 1.0, 2.0}, f), xj::Shape{2}, f);
  if (kind == "chisquare") return xr::chisquare(k, vec({1.0, 4.5}, f), std::nullopt, f);
  if (kind == "f") return xr::f(k, scalar(3.0, f), scalar(7.0, f), xj::Shape{4}, f);
  if (kind == "t") return xr::t(k, scalar(3.0, f), xj::Shape{5}, f);
  if (kind == "generalized_normal") return xr::generalized_normal(k, 1.5, {5}, f);
  if (kind == "ball") return xr::ball(k, 3, 2.0, {4}, f);
  if (kind == "binomial")
    return xr::binomial(k, vec({5.0, 20.0, 100.0, 1000.0}, f), vec({0.3, 0.7, 0.5, 0.1}, f), std::nullopt, f);
  if (kind == "multinomial")
    return xr::multinomial(k, scalar(20.0, f), xj::stack({vec({0.2, 0.3, 0.5}, f), vec({0.6, 0.0, 0.4}, f)}),
                           std::nullopt, f);
  for (const char* method : {"cholesky", "svd"})
    if (kind == std::string("multivariate_normal/") + method)
      return xr::multivariate_normal(k, mean, cov_a, xj::Shape{4}, f, method);
  if (kind == "orthogonal/square") return xr::orthogonal(k, 3, {2}, f);
  if (kind == "orthogonal/wide") return xr::orthogonal(k, 2, {}, f, 4);
  Array a = vec({0.3, 1.0, 2.5, 10.0, 50.0}, f);
  if (kind == "gamma_grad") return xj::grad([&](const Array& x) { return xj::sum(xr::gamma(k, x, std::nullopt, f)); })(a);
  if (kind == "loggamma_grad")
    return xj::grad([&](const Array& x) { return xj::sum(xr::loggamma(k, x, std::nullopt, f)); })(a);
  if (kind == "poisson/vector") return xr::poisson(k, xj::array({0.5f, 3.0f, 9.9f, 10.0f, 50.0f, 1000.0f, 0.0f}));
  if (kind == "poisson/shape") return xr::poisson(k, 4.0, xj::Shape{8});
  FAIL("no xjax call for golden case ", kind);
  return {};
}

// Relative tolerance per case: gamma-family draws go through log/pow, whose last ulps differ from
// XLA's; matrix factorisations and the gradient loops differ in summation order.
double tolerance(const std::string& kind, xj::DType f) {
  bool f32 = f == xj::float32;
  if (kind.starts_with("multivariate_normal") || kind.starts_with("orthogonal")) return f32 ? 2e-5 : 1e-12;
  if (kind.ends_with("grad")) return f32 ? 2e-5 : 1e-11;
  return f32 ? 4e-6 : 1e-13;
}

// Regularised lower incomplete gamma P(a, x) in double precision (series, or continued fraction for Q).
double gamma_p(double a, double x) {
  if (x <= 0) return 0;
  double log_front = a * std::log(x) - x - std::lgamma(a);
  if (x < a + 1) {
    double term = 1 / a, total = term;
    for (int n = 1; n < 100000 && term > total * 1e-17; ++n) total += term *= x / (a + n);
    return std::exp(log_front) * total;
  }
  double b = x + 1 - a, c = 1e300, d = 1 / b, h = d;  // modified Lentz
  for (int n = 1; n < 100000; ++n) {
    double an = -n * (n - a);
    b += 2;
    d = an * d + b;
    d = 1 / (std::abs(d) < 1e-300 ? 1e-300 : d);
    c = b + an / c;
    if (std::abs(c) < 1e-300) c = 1e-300;
    double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) < 1e-16) break;
  }
  return 1 - std::exp(log_front) * h;
}

// The Kolmogorov-Smirnov distance between samples and a CDF.
double ks_statistic(std::vector<double> xs, const std::function<double(double)>& cdf) {
  std::sort(xs.begin(), xs.end());
  double n = static_cast<double>(xs.size()), d = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    double c = cdf(xs[i]);
    d = std::max({d, (static_cast<double>(i) + 1) / n - c, c - static_cast<double>(i) / n});
  }
  return d;
}

struct Moments {
  double mean, var;
};
Moments moments(const std::vector<double>& xs) {
  double n = static_cast<double>(xs.size()), m = 0, v = 0;
  for (double x : xs) m += x;
  m /= n;
  for (double x : xs) v += (x - m) * (x - m);
  return {m, v / (n - 1)};
}

// The sample mean and variance lie within 5 standard errors of the exact ones (the variance's
// standard error from the fourth central moment mu4).
void check_moments(const std::vector<double>& xs, double mean, double var, double mu4) {
  Moments m = moments(xs);
  double n = static_cast<double>(xs.size());
  CHECK(std::abs(m.mean - mean) < 5 * std::sqrt(var / n));
  CHECK(std::abs(m.var - var) < 5 * std::sqrt((mu4 - var * var) / n));
}

}  // namespace

TEST_CASE("random dists: draws match jax") {
  for (const GoldenCase& c : golden()) {
    std::string name = c.name;
    CAPTURE(name);
    auto seed_at = name.rfind('/', name.rfind('/') - 1);
    std::string kind = name.substr(0, seed_at);
    std::string rest = name.substr(seed_at + 1);
    int seed = std::stoi(rest.substr(0, rest.find('/')));
    xj::DType f = rest.ends_with("f64") ? xj::float64 : xj::float32;
    Array got = compute(kind, xr::key(seed), f);
    REQUIRE(got.dtype() == c.dtype);
    REQUIRE(got.shape() == c.shape);
    std::vector<double> want = decode(c), have = values(got);
    double tol = tolerance(kind, f);
    for (std::size_t i = 0; i < want.size(); ++i) {
      CAPTURE(i);
      CHECK(std::abs(have[i] - want[i]) <= tol * std::max(1.0, std::abs(want[i])));
    }
  }
}

TEST_CASE("random dists: gamma and loggamma follow the gamma CDF") {
  for (double a : {0.3, 1.0, 4.0, 30.0}) {
    for (xj::DType f : {xj::float32, xj::float64}) {
      CAPTURE(a);
      CAPTURE(f);
      const int n = 3000;
      Array g = xr::gamma(xr::key(7), scalar(a, f), xj::Shape{n}, f);
      CHECK(g.dtype() == f);
      // 1.73 / sqrt(n) is the 0.5% critical value; a wrong a (say 1.1 a) gives several times more.
      CHECK(ks_statistic(values(g), [a](double x) { return gamma_p(a, x); }) < 1.73 / std::sqrt(n));
      std::vector<double> lg = values(xr::loggamma(xr::key(8), scalar(a, f), xj::Shape{n}, f));
      CHECK(ks_statistic(lg, [a](double y) { return gamma_p(a, std::exp(y)); }) < 1.73 / std::sqrt(n));
    }
  }
  // Tiny a: gamma underflows in float32, loggamma keeps the right distribution.
  std::vector<double> lg = values(xr::loggamma(xr::key(9), 0.01, xj::Shape{2000}));
  CHECK(ks_statistic(lg, [](double y) { return gamma_p(0.01, std::exp(y)); }) < 1.73 / std::sqrt(2000.0));
}

TEST_CASE("random dists: moments of the composed samplers") {
  const int n = 4000;
  double a = 2.0, b = 5.0;  // Beta(a, b)
  double beta_var = a * b / ((a + b) * (a + b) * (a + b + 1));
  check_moments(values(xr::beta(xr::key(1), a, b, xj::Shape{n})), a / (a + b), beta_var, 3 * beta_var * beta_var);
  check_moments(values(xr::chisquare(xr::key(2), 6.0, xj::Shape{n}, xj::float64)), 6, 12, 12 * 12 * (3 + 12.0 / 6));
  // Student t with 9 degrees of freedom: variance 9/7, kurtosis 3 + 6/(df - 4).
  double tv = 9.0 / 7.0;
  check_moments(values(xr::t(xr::key(3), 9.0, xj::Shape{n})), 0, tv, tv * tv * (3 + 6.0 / 5));
  // F(10, 20): mean 20/18.
  Moments fm = moments(values(xr::f(xr::key(4), 10.0, 20.0, xj::Shape{n})));
  double f_var = 2 * 20.0 * 20 * 28 / (10 * 18.0 * 18 * 16);
  CHECK(std::abs(fm.mean - 20.0 / 18) < 5 * std::sqrt(f_var / n));
  // Generalized normal with p = 2 is N(0, 1/2).
  check_moments(values(xr::generalized_normal(xr::key(5), 2.0, {n})), 0, 0.5, 3 * 0.25);
  // Dirichlet: each coordinate is Beta(alpha_i, sum - alpha_i); rows sum to 1.
  Array d = xr::dirichlet(xr::key(6), xj::array({1.0f, 2.0f, 3.0f}), xj::Shape{n});
  CHECK(xj::max(xj::abs(xj::sum(d, -1) - 1.0f)).item<float>() < 1e-5f);
  double d_var = 3.0 * 3.0 / (36 * 7);
  check_moments(values(d.index({xj::all, 2})), 0.5, d_var, 3 * d_var * d_var);
}

TEST_CASE("random dists: poisson, binomial and multinomial counts") {
  const int n = 4000;
  for (double lam : {0.7, 4.0, 25.0, 300.0}) {  // Knuth below 10, rejection above
    CAPTURE(lam);
    Array k = xr::poisson(xr::key(11), lam, xj::Shape{n});
    CHECK(k.dtype() == xj::int32);
    check_moments(values(k), lam, lam, lam * (1 + 3 * lam));
  }
  CHECK(xr::poisson(xr::key(1), 3.0, xj::Shape{4}, xj::int64).dtype() == xj::int64);
  CHECK(xj::all(xr::poisson(xr::key(1), xj::zeros({5}), std::nullopt) == 0).item<bool>());
  for (auto tp : {std::pair{20.0, 0.3}, std::pair{30.0, 0.9}, std::pair{400.0, 0.4}}) {  // inversion, reflected, BTRS
    const double trials = tp.first, p = tp.second;
    CAPTURE(trials);
    double var = trials * p * (1 - p);
    std::vector<double> k = values(xr::binomial(xr::key(12), trials, p, xj::Shape{n}));
    CHECK(*std::min_element(k.begin(), k.end()) >= 0);
    CHECK(*std::max_element(k.begin(), k.end()) <= trials);
    check_moments(k, trials * p, var, 3 * var * var + var * (1 - 6 * p * (1 - p)));
  }
  Array bad = xr::binomial(xr::key(1), xj::array({-1.0f, 5.0f}), xj::array({0.5f, -0.2f}));
  CHECK(xj::all(xj::isnan(bad)).item<bool>());
  Array m = xr::multinomial(xr::key(13), 50.0, xj::array({0.1f, 0.6f, 0.3f}), xj::Shape{n, 3});
  CHECK(xj::all(xj::sum(m, -1) == 50.0f).item<bool>());
  check_moments(values(m.index({xj::all, 1})), 30, 12, 3 * 144 + 12 * (1 - 6 * 0.24));
}

TEST_CASE("random dists: matrices and the ball") {
  const int n = 4000;
  Array cov = xj::array({{2.0, 0.6}, {0.6, 1.0}});
  for (const char* method : {"cholesky", "eigh", "svd"}) {
    CAPTURE(method);
    Array x = xr::multivariate_normal(xr::key(21), xj::array({1.0, -2.0}), cov, xj::Shape{n}, std::nullopt, method);
    CHECK(x.dtype() == xj::float64);
    Array c = x - xj::mean(x, 0);
    Array sample_cov = xj::matmul(xj::transpose(c), c) / (n - 1.0);
    CHECK(xj::max(xj::abs(sample_cov - cov)).item<double>() < 0.15);  // standard error about 0.045
    CHECK(xj::max(xj::abs(xj::mean(x, 0) - xj::array({1.0, -2.0}))).item<double>() < 0.12);
  }
  // A singular covariance works with eigh and svd: the draws stay on its line.
  Array line = xr::multivariate_normal(xr::key(22), xj::zeros({2}), xj::array({{1.0, 1.0}, {1.0, 1.0}}), xj::Shape{50},
                                       xj::float64, "svd");
  CHECK(xj::max(xj::abs(line.index({xj::all, 0}) - line.index({xj::all, 1}))).item<double>() < 1e-6);
  for (auto [rows, cols] : {std::pair{4, 4}, std::pair{2, 5}, std::pair{5, 2}}) {
    Array q = xr::orthogonal(xr::key(23), rows, {3}, xj::float64, cols);
    CHECK(q.shape() == xj::Shape{3, rows, cols});
    Array gram = rows <= cols ? xj::matmul(q, xj::swapaxes(q, -1, -2)) : xj::matmul(xj::swapaxes(q, -1, -2), q);
    CHECK(xj::max(xj::abs(gram - xj::eye(std::min(rows, cols), std::nullopt, 0, xj::float64))).item<double>() < 1e-12);
  }
  // Haar measure: the top-left entry of a random 3x3 rotation has mean 0 and variance 1/3.
  check_moments(values(xr::orthogonal(xr::key(24), 3, {n}).index({xj::all, 0, 0})), 0, 1.0 / 3, 1.0 / 5);
  for (double p : {1.0, 2.0, 3.5}) {
    CAPTURE(p);
    Array pts = xr::ball(xr::key(25), 2, p, {n});
    Array norms = xj::pow(xj::sum(xj::pow(xj::abs(pts), p), -1), 1.0 / p);
    CHECK(xj::max(norms).item<float>() <= 1.0f);
    // Uniform in the ball: the fraction within radius 1/2 is (1/2)^d = 1/4.
    double inner = xj::mean((norms < 0.5f).astype(xj::float32)).item<float>();
    CHECK(std::abs(inner - 0.25) < 5 * std::sqrt(0.25 * 0.75 / n));
  }
}

TEST_CASE("random dists: gamma's gradient is the inverse-CDF derivative") {
  // d x / d a at fixed u = P(a, x): solve P(a +- h, x') = u by bisection and difference.
  auto inverse_cdf = [](double a, double u) {
    double lo = 0, hi = a + 50 * std::sqrt(a) + 50;
    for (int i = 0; i < 200; ++i) {
      double mid = (lo + hi) / 2;
      (gamma_p(a, mid) < u ? lo : hi) = mid;
    }
    return (lo + hi) / 2;
  };
  std::vector<double> as = {0.2, 0.9, 1.7, 6.0, 40.0};
  Array a = xj::array(as);
  Array k = xr::key(31);
  std::vector<double> x = values(xr::gamma(k, a, std::nullopt, xj::float64));
  std::vector<double> g = values(xj::grad([&](const Array& al) { return xj::sum(xr::gamma(k, al, std::nullopt, xj::float64)); })(a));
  std::vector<double> lg =
      values(xj::grad([&](const Array& al) { return xj::sum(xr::loggamma(k, al, std::nullopt, xj::float64)); })(a));
  for (std::size_t i = 0; i < as.size(); ++i) {
    CAPTURE(as[i]);
    double u = gamma_p(as[i], x[i]), h = 1e-5 * as[i];
    double fd = (inverse_cdf(as[i] + h, u) - inverse_cdf(as[i] - h, u)) / (2 * h);
    CHECK(g[i] == doctest::Approx(fd).epsilon(1e-5));
    CHECK(lg[i] == doctest::Approx(fd / x[i]).epsilon(1e-5));
  }
  // Composites differentiate through it: d/da of the mean of Beta(a, 2) draws is positive.
  double db = xj::grad([](const Array& al) { return xj::mean(xr::beta(xr::key(32), al, 2.0, xj::Shape{500})); })(
                  xj::array(1.5f)).item<float>();
  CHECK(db > 0);
}

TEST_CASE("random dists: vmap equals a loop, jit equals eager") {
  Array keys = xr::split(xr::key(41), 3);
  Array a = xj::array({0.4f, 2.0f, 7.0f});
  Array lam = xj::array({2.0f, 15.0f, 80.0f});
  std::vector<std::function<Array(const Array&, const Array&)>> samplers = {
      [](const Array& k, const Array& p) { return xr::gamma(k, p, xj::Shape{4}); },
      [](const Array& k, const Array& p) { return xr::loggamma(k, p, xj::Shape{4}); },
      [](const Array& k, const Array& p) { return xr::poisson(k, p, xj::Shape{4}); },
      [](const Array& k, const Array& p) { return xr::binomial(k, p, 0.3f, xj::Shape{4}); },
      [](const Array& k, const Array& p) { return xr::t(k, p, xj::Shape{4}); },
      [](const Array& k, const Array& p) { return xr::beta(k, p, 1.5f, xj::Shape{4}); },
  };
  for (std::size_t s = 0; s < samplers.size(); ++s) {
    CAPTURE(s);
    const auto& fn = samplers[s];
    Array params = s == 2 || s == 3 ? lam : a;
    Array over_keys = xj::vmap(fn, {0, std::nullopt})(keys, params[1]);
    Array over_params = xj::vmap(fn, {std::nullopt, 0})(keys[0], params);
    Array over_both = xj::vmap(fn)(keys, params);
    for (std::int64_t i = 0; i < 3; ++i) {
      CHECK(xj::test::identical(over_keys[i], fn(keys[i], params[1])));
      CHECK(xj::test::identical(over_params[i], fn(keys[0], params[i])));
      CHECK(xj::test::identical(over_both[i], fn(keys[i], params[i])));
    }
    CHECK(xj::test::identical(xj::jit(fn)(keys[0], params[2]), fn(keys[0], params[2])));
    CHECK(xj::test::identical(xj::jit(xj::vmap(fn))(keys, params), over_both));
  }
  // Samplers without array parameters, over keys.
  std::vector<std::function<Array(const Array&)>> keyed = {
      [](const Array& k) { return xr::dirichlet(k, xj::array({0.5f, 1.0f, 3.0f}), xj::Shape{2}); },
      [](const Array& k) { return xr::multinomial(k, 12.0f, xj::array({0.25f, 0.75f}), xj::Shape{3, 2}); },
      [](const Array& k) { return xr::orthogonal(k, 3, {2}); },
      [](const Array& k) { return xr::ball(k, 3, 1.5, {2}); },
      [](const Array& k) { return xr::generalized_normal(k, 0.8, {3}); },
      [](const Array& k) { return xr::f(k, 4.0f, xj::array({3.0f, 9.0f})); },
      [](const Array& k) { return xr::chisquare(k, 3.0f, xj::Shape{3}); },
  };
  for (std::size_t s = 0; s < keyed.size(); ++s) {
    CAPTURE(s);
    Array batched = xj::vmap(keyed[s])(keys);
    for (std::int64_t i = 0; i < 3; ++i)
      CHECK(xj::max(xj::abs(batched[i] - keyed[s](keys[i]))).item<float>() < 1e-6f);
    CHECK(xj::max(xj::abs(xj::jit(keyed[s])(keys[1]) - keyed[s](keys[1]))).item<float>() < 1e-6f);
  }
  auto mvn = [](const Array& k, const Array& m) {
    return xr::multivariate_normal(k, m, xj::array({{1.0f, 0.3f}, {0.3f, 2.0f}}), xj::Shape{3});
  };
  Array means = xj::array({{0.0f, 1.0f}, {2.0f, -1.0f}});
  Array batched = xj::vmap(mvn)(xr::split(xr::key(42), 2), means);
  for (std::int64_t i = 0; i < 2; ++i)
    CHECK(xj::max(xj::abs(batched[i] - mvn(xr::split(xr::key(42), 2)[i], means[i]))).item<float>() < 1e-6f);
  CHECK(xj::max(xj::abs(xj::jit(mvn)(xr::key(43), means[0]) - mvn(xr::key(43), means[0]))).item<float>() < 1e-6f);
  auto grad_fn = xj::grad([](const Array& al) { return xj::sum(xr::gamma(xr::key(44), al)); });
  CHECK(xj::test::identical(xj::jit(grad_fn)(a), grad_fn(a)));
  // Per-example gradients: vmap of grad over (key, a) pairs equals the loop.
  auto one_grad = [](const Array& key, const Array& al) {
    return xj::grad([&key](const Array& x) { return xr::gamma(key, x); })(al);
  };
  Array per_example = xj::vmap(one_grad)(keys, a);
  for (std::int64_t i = 0; i < 3; ++i)
    CHECK(std::abs(per_example[i].item<float>() - one_grad(keys[i], a[i]).item<float>()) < 1e-6f);
}

TEST_CASE("random dists: empty shapes and integer parameters") {
  Array k = xr::key(3);
  CHECK(xr::gamma(k, 2.0, xj::Shape{0, 3}).shape() == xj::Shape{0, 3});
  CHECK(xr::poisson(k, 5.0, xj::Shape{0}).shape() == xj::Shape{0});
  CHECK(xr::binomial(k, 5.0, 0.5, xj::Shape{2, 0}).shape() == xj::Shape{2, 0});
  CHECK(xr::dirichlet(k, xj::ones({4}), xj::Shape{0}).shape() == xj::Shape{0, 4});
  CHECK(xr::orthogonal(k, 0).shape() == xj::Shape{0, 0});
  CHECK(xj::jit([](const Array& key) { return xr::gamma(key, 1.0, xj::Shape{0}); })(k).shape() == xj::Shape{0});
  // Parameters outside the support end the rejection loops with NaN instead of looping forever.
  CHECK(xj::all(xj::isnan(xr::gamma(k, xj::array({-1.0f, std::nanf("")})))).item<bool>());
  // Integer parameters are converted to the sampling dtype.
  CHECK(xj::test::identical(xr::gamma(k, xj::array({1, 3}), std::nullopt, xj::float64),
                            xr::gamma(k, xj::array({1.0, 3.0}), std::nullopt, xj::float64)));
  CHECK(xj::test::identical(xr::poisson(k, xj::array({2, 30})), xr::poisson(k, xj::array({2.0f, 30.0f}))));
}

TEST_CASE("random dists: bad input raises typed errors naming the sampler") {
  Array k = xr::key(0);
  auto names = [](const xj::Error& e, const char* op) { return e.op() == op; };
  CHECK_THROWS_AS(xr::gamma(xj::array({1.0f, 2.0f}), 1.0), xj::Error);  // not a key
  CHECK_THROWS_AS(xr::gamma(k, 1.0, std::nullopt, xj::int32), xj::DTypeError);
  CHECK_THROWS_AS(xr::gamma(k, xj::ones({3}), xj::Shape{2}), xj::ShapeError);
  CHECK_THROWS_AS(xr::beta(k, xj::ones({3}), xj::ones({4})), xj::ShapeError);
  CHECK_THROWS_AS(xr::dirichlet(k, 1.0), xj::ShapeError);
  CHECK_THROWS_AS(xr::poisson(k, 2.0, std::nullopt, xj::float32), xj::DTypeError);
  CHECK_THROWS_AS(xr::orthogonal(k, -1), xj::ValueError);
  CHECK_THROWS_AS(xr::ball(k, 2, -1.0), xj::ValueError);
  CHECK_THROWS_AS(xr::generalized_normal(k, 0.0), xj::ValueError);
  CHECK_THROWS_AS(xr::multinomial(k, 5.0, xj::ones({3}), xj::Shape{2, 4}), xj::ShapeError);
  try {
    xr::multivariate_normal(k, xj::zeros({3}), xj::eye(3, 2));
    FAIL("non-square cov accepted");
  } catch (const xj::ShapeError& e) {
    CHECK(names(e, "random.multivariate_normal"));
    CHECK(std::string(e.what()).find("f32[3,2]") != std::string::npos);
  }
  try {
    xr::multivariate_normal(k, xj::zeros({2}), xj::eye(2), std::nullopt, std::nullopt, "qr");
    FAIL("unknown method accepted");
  } catch (const xj::ValueError& e) {
    CHECK(names(e, "random.multivariate_normal"));
  }
  try {
    xr::chisquare(xj::zeros({3}, xj::uint32), 2.0);
    FAIL("bad key accepted");
  } catch (const xj::Error& e) {
    CHECK(names(e, "random.chisquare"));
  }
}
