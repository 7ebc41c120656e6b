// Gaussian-process regression: the log marginal likelihood through cholesky and triangular_solve,
// its value_and_grad against the hand-derived gradient, and fitting the kernel hyperparameters.
#include <doctest/doctest.h>

#include <cmath>
#include <tuple>
#include <vector>

#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

// Hyperparameters of k(x, x') = signal^2 exp(-(x - x')^2 / (2 length^2)) + noise^2 [x == x'], in logs.
struct Hyper {
  BOOST_HANA_DEFINE_STRUCT(Hyper, (Array, log_signal), (Array, log_length), (Array, log_noise));
};

const double log_2pi = std::log(2 * 3.14159265358979323846);

// log p(y | x) = -y^T K^-1 y / 2 - log det K / 2 - n log(2 pi) / 2, with K = L L^T.
Array log_marginal_likelihood(const Hyper& h, const Array& x, const Array& y) {
  const std::int64_t n = x.shape()[0];
  Array d2 = xj::square(xj::expand_dims(x, 1) - xj::expand_dims(x, 0));
  Array k = xj::exp(2.0 * h.log_signal) * xj::exp(-0.5 * d2 / xj::exp(2.0 * h.log_length)) +
            xj::exp(2.0 * h.log_noise) * xj::eye(n, std::nullopt, 0, x.dtype());
  Array l = xj::linalg::cholesky(k);
  Array z = xj::linalg::triangular_solve(l, y);  // L^-1 y
  return -0.5 * xj::sum(xj::square(z)) - xj::sum(xj::log(xj::diagonal(l))) - 0.5 * static_cast<double>(n) * log_2pi;
}

using Matrix = std::vector<std::vector<double>>;

// Gauss-Jordan inverse with partial pivoting, and log det from the pivots (K is positive definite).
Matrix inverse(Matrix a, double& logdet) {
  const std::size_t n = a.size();
  Matrix inv(n, std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i) inv[i][i] = 1;
  logdet = 0;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r][c]) > std::abs(a[p][c])) p = r;
    std::swap(a[p], a[c]);
    std::swap(inv[p], inv[c]);
    const double pivot = a[c][c];
    logdet += std::log(std::abs(pivot));
    for (std::size_t j = 0; j < n; ++j) {
      a[c][j] /= pivot;
      inv[c][j] /= pivot;
    }
    for (std::size_t r = 0; r < n; ++r)
      if (r != c) {
        const double f = a[r][c];
        for (std::size_t j = 0; j < n; ++j) {
          a[r][j] -= f * a[c][j];
          inv[r][j] -= f * inv[c][j];
        }
      }
  }
  return inv;
}

// The textbook gradient (Rasmussen & Williams, eq. 5.9): d/dtheta = tr((alpha alpha^T - K^-1) dK/dtheta) / 2,
// alpha = K^-1 y; returns {value, d/dlog_signal, d/dlog_length, d/dlog_noise}.
std::vector<double> by_hand(double log_signal, double log_length, double log_noise, const std::vector<double>& x,
                            const std::vector<double>& y) {
  const std::size_t n = x.size();
  const double s2 = std::exp(2 * log_signal), l2 = std::exp(2 * log_length), n2 = std::exp(2 * log_noise);
  Matrix kf(n, std::vector<double>(n)), d2(n, std::vector<double>(n)), k(n, std::vector<double>(n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      d2[i][j] = (x[i] - x[j]) * (x[i] - x[j]);
      kf[i][j] = s2 * std::exp(-0.5 * d2[i][j] / l2);
      k[i][j] = kf[i][j] + (i == j ? n2 : 0.0);
    }
  double logdet = 0;
  Matrix kinv = inverse(k, logdet);
  std::vector<double> alpha(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) alpha[i] += kinv[i][j] * y[j];
  double value = -0.5 * logdet - 0.5 * static_cast<double>(n) * log_2pi;
  for (std::size_t i = 0; i < n; ++i) value -= 0.5 * y[i] * alpha[i];
  double g_signal = 0, g_length = 0, g_noise = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const double w = alpha[i] * alpha[j] - kinv[i][j];  // W is symmetric: tr(W dK) = sum W o dK
      g_signal += 0.5 * w * 2 * kf[j][i];
      g_length += 0.5 * w * kf[j][i] * d2[j][i] / l2;
      g_noise += 0.5 * w * (i == j ? 2 * n2 : 0.0);
    }
  return {value, g_signal, g_length, g_noise};
}

struct Data {
  std::vector<double> x, y;
};

// y = sin(x) + uniform noise of half-width 0.1 (standard deviation 0.1 / sqrt(3)), deterministic.
Data sine_data(int n) {
  Data d;
  std::uint64_t state = 12345;
  for (int i = 0; i < n; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double e = static_cast<double>(state >> 11) / static_cast<double>(1ULL << 53) * 2 - 1;
    const double x = -3 + 6.0 * i / (n - 1);
    d.x.push_back(x);
    d.y.push_back(std::sin(x) + 0.1 * e);
  }
  return d;
}

}  // namespace

TEST_CASE("linalg: GP log marginal likelihood and its gradient through cholesky match the hand derivation") {
  const Data d = sine_data(15);
  Array x = xj::array(d.x, {15}), y = xj::array(d.y, {15});
  const std::vector<std::tuple<double, double, double>> points{{0.0, 0.0, -1.0}, {0.3, -0.4, -2.0}, {-0.5, 0.7, -0.2}};
  for (auto [s, l, n] : points) {
    CAPTURE(s);
    CAPTURE(l);
    CAPTURE(n);
    auto [value, grad] =
        xj::value_and_grad(log_marginal_likelihood)(Hyper{xj::array(s), xj::array(l), xj::array(n)}, x, y);
    std::vector<double> want = by_hand(s, l, n, d.x, d.y);
    CHECK(value.item<double>() == doctest::Approx(want[0]).epsilon(1e-10));
    CHECK(grad.log_signal.item<double>() == doctest::Approx(want[1]).epsilon(1e-8));
    CHECK(grad.log_length.item<double>() == doctest::Approx(want[2]).epsilon(1e-8));
    CHECK(grad.log_noise.item<double>() == doctest::Approx(want[3]).epsilon(1e-8));
  }
}

TEST_CASE("linalg: fitting GP hyperparameters by gradient ascent on the log marginal likelihood") {
  const Data d = sine_data(20);
  Array x = xj::array(d.x, {20}), y = xj::array(d.y, {20});
  Hyper h{xj::array(0.0), xj::array(0.0), xj::array(-1.0)};
  auto step = xj::jit(xj::value_and_grad(log_marginal_likelihood));
  double first = 0, last = 0, previous = -1e300;
  bool increasing = true;
  for (int it = 0; it < 300; ++it) {
    auto [value, g] = step(h, x, y);
    last = value.item<double>();
    if (it == 0) first = last;
    increasing = increasing && last >= previous - 1e-12;
    previous = last;
    h = Hyper{h.log_signal + 0.02 * g.log_signal, h.log_length + 0.02 * g.log_length,
              h.log_noise + 0.02 * g.log_noise};
  }
  CHECK(increasing);
  CHECK(last > first + 20);  // from about -8.7 to about 12.8
  // At the optimum the hand-derived gradient vanishes, and the noise level is the data's.
  std::vector<double> at = by_hand(h.log_signal.item<double>(), h.log_length.item<double>(),
                                   h.log_noise.item<double>(), d.x, d.y);
  CHECK(at[0] == doctest::Approx(last).epsilon(1e-10));
  for (int i = 1; i < 4; ++i) CHECK(std::abs(at[static_cast<std::size_t>(i)]) < 1e-5);
  CHECK(std::exp(h.log_noise.item<double>()) == doctest::Approx(0.1 / std::sqrt(3.0)).epsilon(0.3));
}
