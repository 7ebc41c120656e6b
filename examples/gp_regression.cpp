// Gaussian-process regression: fit the kernel's hyperparameters by maximising the log marginal
// likelihood with jit(value_and_grad) through a Cholesky factorisation, then predict.
#include <cmath>
#include <cstdio>
#include <vector>

#include <xjax/core.hpp>

namespace xj = xjax;
namespace la = xjax::linalg;
using xj::Array;

// k(x, x') = signal^2 exp(-(x - x')^2 / (2 length^2)), plus noise^2 on the diagonal; all in logs.
struct Hyper {
  BOOST_HANA_DEFINE_STRUCT(Hyper, (Array, log_signal), (Array, log_length), (Array, log_noise));
};

Array kernel(const Hyper& h, const Array& a, const Array& b) {
  Array d2 = xj::square(a(xj::all, xj::newaxis) - b(xj::newaxis, xj::all));  // a[:, None] - b[None, :]
  return xj::exp(2.0 * h.log_signal) * xj::exp(-0.5 * d2 / xj::exp(2.0 * h.log_length));
}

Array covariance(const Hyper& h, const Array& x) {
  return kernel(h, x, x) + xj::exp(2.0 * h.log_noise) * xj::eye(x.shape()[0], std::nullopt, 0, x.dtype());
}

// log p(y | x) = -|L^-1 y|^2 / 2 - sum(log diag L) - n log(2 pi) / 2, with K = L L^T.
Array log_marginal_likelihood(const Hyper& h, const Array& x, const Array& y) {
  Array l = la::cholesky(covariance(h, x));
  Array z = la::triangular_solve(l, y);
  const double n = static_cast<double>(x.shape()[0]);
  const double log_2pi = std::log(2 * 3.14159265358979323846);
  return -0.5 * xj::sum(xj::square(z)) - xj::sum(xj::log(xj::diagonal(l))) - 0.5 * n * log_2pi;
}

// Posterior mean and standard deviation at new points.
std::pair<Array, Array> predict(const Hyper& h, const Array& x, const Array& y, const Array& at) {
  Array l = la::cholesky(covariance(h, x));
  Array alpha = la::triangular_solve(l, la::triangular_solve(l, y), {.transpose_a = true});  // K^-1 y
  Array cross = kernel(h, at, x);
  Array v = la::triangular_solve(l, cross.T());  // L^-1 k(x, at)
  Array var = xj::exp(2.0 * h.log_signal) - xj::sum(xj::square(v), 0);
  return {xj::matmul(cross, alpha), xj::sqrt(var)};
}

int main() {
  // 25 noisy samples of sin on [-3, 3].
  const int n = 25;
  std::vector<double> xs, ys;
  std::uint64_t state = 42;
  for (int i = 0; i < n; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double noise = static_cast<double>(state >> 11) / static_cast<double>(1ULL << 53) - 0.5;
    xs.push_back(-3.0 + 6.0 * i / (n - 1));
    ys.push_back(std::sin(xs.back()) + 0.2 * noise);
  }
  Array x = xj::array(xs, {n}), y = xj::array(ys, {n});

  Hyper h{xj::array(0.0), xj::array(0.0), xj::array(-1.0)};
  auto step = xj::jit(xj::value_and_grad(log_marginal_likelihood));
  for (int it = 0; it <= 300; ++it) {
    auto [value, g] = step(h, x, y);
    if (it % 50 == 0)
      std::printf("step %3d  log p(y) = %9.4f  signal %.3f  length %.3f  noise %.4f\n", it, value.item<double>(),
                  std::exp(h.log_signal.item<double>()), std::exp(h.log_length.item<double>()),
                  std::exp(h.log_noise.item<double>()));
    h = Hyper{h.log_signal + 0.02 * g.log_signal, h.log_length + 0.02 * g.log_length,
              h.log_noise + 0.02 * g.log_noise};
  }
  std::printf("(the noise added was uniform of width 0.2: standard deviation %.4f)\n\n", 0.2 / std::sqrt(12.0));

  Array at = xj::linspace(-2.5, 2.5, 6, true, xj::float64);
  auto [mean, sd] = predict(h, x, y, at);
  std::printf("     x    sin(x)   mean     sd\n");
  for (int i = 0; i < 6; ++i) {
    const double xi = at[i].item<double>();
    std::printf("%6.2f  %7.4f  %7.4f  %.4f\n", xi, std::sin(xi), mean[i].item<double>(), sd[i].item<double>());
  }
  return 0;
}
