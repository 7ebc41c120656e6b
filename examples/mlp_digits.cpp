// A two-layer perceptron classifying the 8x8 handwritten digits (UCI, as scikit-learn ships them),
// trained by Adam on minibatches; the training step is jit(value_and_grad) plus the update, one
// compiled program. Initialisation and shuffling use xjax::random.
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include <xjax/core.hpp>

#include "common.hpp"

namespace xj = xjax;
namespace xr = xjax::random;
using xj::Array;

struct Mlp {
  BOOST_HANA_DEFINE_STRUCT(Mlp, (Array, w1), (Array, b1), (Array, w2), (Array, b2));
};

// Adam's running moments have the parameters' structure.
struct Adam {
  BOOST_HANA_DEFINE_STRUCT(Adam, (Mlp, m), (Mlp, v), (Array, t));
};

// digits.csv.gz: 1797 lines of 64 pixels (0..16) and the label.
std::pair<Array, Array> load_digits(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<float> pixels;
  std::vector<int> labels;
  char line[1024];
  while (gzgets(f, line, sizeof line)) {
    std::vector<int> v;
    for (char* p = line; *p && *p != '\n';) {
      v.push_back(static_cast<int>(std::strtol(p, &p, 10)));
      if (*p == ',') ++p;
    }
    if (v.size() != 65) throw std::runtime_error("bad line in " + path);
    for (int i = 0; i < 64; ++i) pixels.push_back(static_cast<float>(v[static_cast<std::size_t>(i)]) / 16.f);
    labels.push_back(v[64]);
  }
  gzclose(f);
  const auto n = static_cast<std::int64_t>(labels.size());
  return {xj::array(pixels, {n, 64}), xj::array(labels)};
}

Mlp init(const Array& key, std::int64_t hidden) {
  Array k = xr::split(key, 2);
  // He initialisation for the ReLU layer, Glorot-like for the output layer.
  return {xr::normal(k[0], {64, hidden}) * std::sqrt(2.0 / 64), xj::zeros({hidden}),
          xr::normal(k[1], {hidden, 10}) * std::sqrt(1.0 / static_cast<double>(hidden)), xj::zeros({10})};
}

Array logits(const Mlp& p, const Array& x) {
  return xj::matmul(xj::nn::relu(xj::matmul(x, p.w1) + p.b1), p.w2) + p.b2;
}

// Mean cross-entropy of integer labels.
Array loss(const Mlp& p, const Array& x, const Array& y) {
  Array logp = xj::nn::log_softmax(logits(p, x));
  return -xj::mean(xj::take_along_axis(logp, xj::expand_dims(y, 1), 1));
}

Array accuracy(const Mlp& p, const Array& x, const Array& y) {
  return xj::mean((xj::argmax(logits(p, x), 1) == y).astype(xj::float32));
}

// One Adam step (Kingma and Ba, 2015) with bias-corrected moments.
std::tuple<Mlp, Adam, Array> train_step(const Mlp& p, const Adam& s, const Array& x, const Array& y) {
  const double lr = 3e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  auto [value, g] = xj::value_and_grad(loss)(p, x, y);
  Array t = s.t + 1.0;
  Mlp m = xj::tree_map([&](const Array& mi, const Array& gi) { return beta1 * mi + (1 - beta1) * gi; }, s.m, g);
  Mlp v = xj::tree_map([&](const Array& vi, const Array& gi) { return beta2 * vi + (1 - beta2) * gi * gi; }, s.v, g);
  Array m_scale = lr / (1.0 - xj::pow(Array(beta1), t)), v_scale = 1.0 / (1.0 - xj::pow(Array(beta2), t));
  Mlp next = xj::tree_map(
      [&](const Array& w, const Array& mi, const Array& vi) { return w - m_scale * mi / (xj::sqrt(vi * v_scale) + eps); },
      p, m, v);
  return {next, Adam{m, v, t}, value};
}

int main(int argc, char** argv) {
  example::Options opt = example::parse_options(argc, argv);
  const int epochs = 30;
  const std::int64_t batch = 64, hidden = 64;

  auto [x, y] = load_digits(example::data_path("digits.csv.gz"));
  const std::int64_t n = x.shape()[0], n_test = n / 5, n_train = n - n_test;
  Array key = xr::key(0);
  Array order = xr::permutation(xr::fold_in(key, 1), n);  // a fixed random split, 80 % / 20 %
  Array train_idx = xj::slice_in_dim(order, 0, n_train), test_idx = xj::slice_in_dim(order, n_train, n);
  Array x_train = xj::take(x, train_idx, 0), y_train = xj::take(y, train_idx, 0);
  Array x_test = xj::take(x, test_idx, 0), y_test = xj::take(y, test_idx, 0);
  std::printf("digits: %lld training and %lld test images of 8x8 pixels, 10 classes\n",
              static_cast<long long>(n_train), static_cast<long long>(n_test));

  Mlp params = init(xr::fold_in(key, 2), hidden);
  Adam state{xj::tree_map([](const Array& w) { return xj::zeros_like(w); }, params),
             xj::tree_map([](const Array& w) { return xj::zeros_like(w); }, params), xj::array(0.f)};
  auto step = xj::jit(train_step);
  auto evaluate = xj::jit(accuracy);
  example::Csv csv(opt, "mlp_digits.csv", "epoch,loss,train_accuracy,test_accuracy");

  const std::int64_t steps = n_train / batch;  // the last partial batch is dropped: one shape, one compilation
  double test_acc = 0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    Array perm = xr::permutation(xr::fold_in(key, 100 + epoch), n_train);
    double total = 0;
    for (std::int64_t b = 0; b < steps; ++b) {
      Array idx = xj::slice_in_dim(perm, b * batch, (b + 1) * batch);
      auto [next, s, value] = step(params, state, xj::take(x_train, idx, 0), xj::take(y_train, idx, 0));
      params = next;
      state = s;
      total += value.item<double>();
    }
    const double train_acc = evaluate(params, x_train, y_train).item<double>();
    test_acc = evaluate(params, x_test, y_test).item<double>();
    const int done = 20 * epoch / epochs;
    std::printf("epoch %2d/%d [%s%s] loss %.4f  train %5.1f %%  test %5.1f %%\n", epoch, epochs,
                std::string(static_cast<std::size_t>(done), '#').c_str(),
                std::string(static_cast<std::size_t>(20 - done), '.').c_str(), total / static_cast<double>(steps),
                100 * train_acc, 100 * test_acc);
    csv.row({static_cast<double>(epoch), total / static_cast<double>(steps), train_acc, test_acc});
  }
  std::printf("compilations of the training step: %zu\n", step.stats().misses);
  std::printf("final test accuracy %.1f %%\n", 100 * test_acc);
  return example::report(test_acc >= 0.95, "test accuracy at least 95 %");
}
