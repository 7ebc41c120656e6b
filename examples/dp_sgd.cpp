// Differentially private SGD (Abadi et al., 2016) for logistic regression on synthetic data: the
// gradient of every example separately, by vmap(grad(...)), each clipped to norm C, summed, and
// Gaussian noise of standard deviation sigma C added before the step. Compared with plain SGD.
// (How much privacy a run buys, its (epsilon, delta), needs a privacy accountant, not done here.)
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>

#include <xjax/core.hpp>

#include "common.hpp"

namespace xj = xjax;
namespace xr = xjax::random;
using xj::Array;
using xj::Slice;

const std::int64_t dim = 20;

// The logistic loss of one example; w holds the weights and, last, the bias.
Array example_loss(const Array& w, const Array& x, const Array& y) {
  Array z = xj::vdot(w(Slice(0, dim)), x) + w[dim];
  return xj::nn::softplus(z) - y * z;  // -log sigmoid(z) if y = 1, -log(1 - sigmoid(z)) if y = 0
}

Array mean_loss(const Array& w, const Array& x, const Array& y) {
  return xj::mean(xj::vmap(example_loss, {std::nullopt, 0, 0})(w, x, y));
}

Array accuracy(const Array& w, const Array& x, const Array& y) {
  Array z = xj::matmul(x, w(Slice(0, dim))) + w[dim];
  return xj::mean(((z > 0).astype(xj::float32) == y).astype(xj::float32));
}

// One step on a batch: per-example gradients [batch, dim + 1], each clipped to norm `clip`, summed,
// Gaussian noise of standard deviation `noise` added, averaged. Passing clip and noise as arguments
// (not as captured constants) lets one compiled program serve DP-SGD and plain SGD (clip = inf,
// noise = 0).
Array dp_step(const Array& w, const Array& x, const Array& y, const Array& key, const Array& clip, const Array& noise) {
  const double lr = 0.1;
  Array g = xj::vmap(xj::grad(example_loss), {std::nullopt, 0, 0})(w, x, y);
  Array norms = xj::sqrt(xj::sum(g * g, 1, true));
  Array clipped = g * xj::minimum(1.0, clip / norms);
  Array noisy = xj::sum(clipped, 0) + noise * xr::normal(key, w.shape(), w.dtype());
  return w - lr * noisy / static_cast<double>(x.shape()[0]);
}

int main(int argc, char** argv) {
  example::Options opt = example::parse_options(argc, argv);
  const std::int64_t n_train = 4000, n_test = 1000, batch = 100;
  const int epochs = 10;
  const float clip = 1.0f, sigma = 1.0f;  // C and the noise multiplier: the noise has sd sigma C
  // (float, as the weights: a float64 argument would promote the weights and compile a second program)

  // Synthetic data: Gaussian features, labels drawn from a logistic model with known weights.
  Array ks = xr::split(xr::key(7), 6);  // true weights, train, test, probe, shuffling, noise
  Array w_true = 4.0 * xr::normal(ks[0], {dim}) / std::sqrt(static_cast<double>(dim));
  auto make = [&](const Array& k, std::int64_t n) {
    Array kk = xr::split(k);
    Array x = xr::normal(kk[0], {n, dim});
    Array y = xr::bernoulli(kk[1], xj::sigmoid(xj::matmul(x, w_true) + 0.5)).astype(xj::float32);
    return std::pair{x, y};
  };
  auto [x_train, y_train] = make(ks[1], n_train);
  auto [x_test, y_test] = make(ks[2], n_test);
  // The model that generated the labels: its test accuracy is the best one can expect.
  const double ceiling = accuracy(xj::concatenate({w_true, xj::array({0.5f})}), x_test, y_test).item<double>();
  std::printf("logistic regression: %lld features, %lld training examples; the true model scores %.1f %% on the "
              "test set\n", static_cast<long long>(dim), static_cast<long long>(n_train), 100 * ceiling);

  // Per-example gradients: row i of vmap(grad) is the gradient on example i alone.
  Array w_probe = 0.1 * xr::normal(ks[3], {dim + 1});
  Array per_example = xj::vmap(xj::grad(example_loss), {std::nullopt, 0, 0})(w_probe, x_train, y_train);
  Array one = xj::grad(example_loss)(w_probe, x_train[17], y_train[17]);
  const double diff = xj::max(xj::abs(per_example[17] - one)).item<double>();
  std::cout << "per-example gradients " << per_example.aval() << "; example 17 against grad on it alone: max "
            << "difference " << diff << "\n";

  auto step = xj::jit(dp_step);
  auto loss = xj::jit(mean_loss);
  auto acc = xj::jit(accuracy);
  example::Csv csv(opt, "dp_sgd.csv", "epoch,dp_loss,dp_test_accuracy,sgd_loss,sgd_test_accuracy");
  Array w_dp = xj::zeros({dim + 1}), w_sgd = xj::zeros({dim + 1});
  std::printf("\nDP-SGD (C = %.1f, sigma = %.1f) against plain SGD, batches of %lld:\n", clip, sigma,
              static_cast<long long>(batch));
  std::printf("epoch   DP-SGD loss  test acc    SGD loss  test acc\n");
  double a_dp = 0;
  for (int epoch = 1, count = 0; epoch <= epochs; ++epoch) {
    Array perm = xr::permutation(xr::fold_in(ks[4], epoch), n_train);
    for (std::int64_t b = 0; b < n_train / batch; ++b, ++count) {
      Array idx = perm(Slice(b * batch, (b + 1) * batch));
      Array xb = x_train(idx), yb = y_train(idx);
      Array noise_key = xr::fold_in(ks[5], count);
      w_dp = step(w_dp, xb, yb, noise_key, xj::array(clip), xj::array(sigma * clip));
      w_sgd = step(w_sgd, xb, yb, noise_key, xj::array(std::numeric_limits<float>::infinity()), xj::array(0.f));
    }
    const double l_dp = loss(w_dp, x_train, y_train).item<double>();
    const double l_sgd = loss(w_sgd, x_train, y_train).item<double>(), a_sgd = acc(w_sgd, x_test, y_test).item<double>();
    a_dp = acc(w_dp, x_test, y_test).item<double>();
    std::printf("%5d   %11.4f  %6.1f %%  %10.4f  %6.1f %%\n", epoch, l_dp, 100 * a_dp, l_sgd, 100 * a_sgd);
    csv.row({static_cast<double>(epoch), l_dp, a_dp, l_sgd, a_sgd});
  }
  std::printf("compilations of the step: %zu (one program for both runs)\n", step.stats().misses);
  std::printf("DP-SGD test accuracy %.1f %%; the true model's %.1f %%\n", 100 * a_dp, 100 * ceiling);
  return example::report(diff < 1e-6 && a_dp >= ceiling - 0.03,
                         "per-example gradients match, DP-SGD within 3 points of the true model");
}
