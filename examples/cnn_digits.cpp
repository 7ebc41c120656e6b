// A small convolutional network on the 8x8 handwritten digits: two 3x3 convolutions (NHWC images,
// HWIO kernels, as flax writes them) with ReLU, max- and average-pooling, and a dense layer;
// trained on minibatches by xjax::optim's Adam, the whole step (forward, gradient through the
// convolutions and poolings, update) one jitted program.
#include <zlib.h>  // the data set is gzipped (read in mlp_digits.hpp)

#include <cmath>
#include <cstdio>
#include <string>

#include "common.hpp"
#include "mlp_digits.hpp"

using xj::Slice;

struct Cnn {
  BOOST_HANA_DEFINE_STRUCT(Cnn, (Array, k1), (Array, b1), (Array, k2), (Array, b2), (Array, w), (Array, b));
};
using CnnState = xj::optim::State<Cnn>;

const xj::ConvDimensions nhwc{"NHWC", "HWIO", "NHWC"};

Cnn init_cnn(const Array& key) {
  Array k = xr::split(key, 3);
  // He initialisation: variance 2 / fan-in.
  return {xr::normal(k[0], {3, 3, 1, 16}) * std::sqrt(2.0 / 9), xj::zeros({16}),
          xr::normal(k[1], {3, 3, 16, 32}) * std::sqrt(2.0 / 144), xj::zeros({32}),
          xr::normal(k[2], {128, 10}) * std::sqrt(1.0 / 128), xj::zeros({10})};
}

// (batch, 64) pixels -> (batch, 10) logits.
Array cnn_logits(const Cnn& p, const Array& pixels) {
  Array x = xj::reshape(pixels, {-1, 8, 8, 1});
  x = xj::nn::relu(xj::conv_general_dilated(x, p.k1, {1, 1}, "SAME", {}, {}, nhwc) + p.b1);  // 8x8x16
  x = xj::nn::max_pool(x, {2, 2}, {2, 2});                                                      // 4x4x16
  x = xj::nn::relu(xj::conv_general_dilated(x, p.k2, {1, 1}, "SAME", {}, {}, nhwc) + p.b2);  // 4x4x32
  x = xj::nn::avg_pool(x, {2, 2}, {2, 2});                                                      // 2x2x32
  return xj::matmul(xj::reshape(x, {-1, 128}), p.w) + p.b;
}

Array cnn_loss(const Cnn& p, const Array& x, const Array& y) {
  Array logp = xj::nn::log_softmax(cnn_logits(p, x));
  return -xj::mean(xj::take_along_axis(logp, xj::expand_dims(y, 1), 1));
}

Array cnn_accuracy(const Cnn& p, const Array& x, const Array& y) {
  return xj::mean((xj::argmax(cnn_logits(p, x), 1) == y).astype(xj::float32));
}

const xj::optim::GradientTransformation& cnn_optimizer() {
  static const xj::optim::GradientTransformation adam =
      xj::optim::adam(xj::optim::warmup_cosine_decay_schedule(0.0, 1e-2, 30, 440, 2e-4));
  return adam;
}

std::tuple<Cnn, CnnState, Array> cnn_step(const Cnn& p, const CnnState& s, const Array& x, const Array& y) {
  auto [value, g] = xj::value_and_grad(cnn_loss)(p, x, y);
  auto [updates, next] = cnn_optimizer().update(g, s, p);
  return {xj::optim::apply_updates(p, updates), next, value};
}

int main(int argc, char** argv) {
  example::Options opt = example::parse_options(argc, argv);
  const int epochs = 20;
  const std::int64_t batch = 64;

  auto [x, y] = load_digits(example::data_path("digits.csv.gz"));
  const std::int64_t n = x.shape()[0], n_test = n / 5, n_train = n - n_test;
  Array key = xr::key(0);
  Array order = xr::permutation(xr::fold_in(key, 1), n);  // the split of mlp_digits: 80 % / 20 %
  Array train_idx = order(Slice(0, n_train)), test_idx = order(Slice(n_train));
  Array x_train = x(train_idx), y_train = y(train_idx);
  Array x_test = x(test_idx), y_test = y(test_idx);

  Cnn params = init_cnn(xr::fold_in(key, 3));
  CnnState state = cnn_optimizer().init(params);
  auto step = xj::jit(cnn_step);
  auto evaluate = xj::jit(cnn_accuracy);
  example::Csv csv(opt, "cnn_digits.csv", "epoch,loss,train_accuracy,test_accuracy");

  const std::int64_t steps = n_train / batch;
  double test_acc = 0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    Array perm = xr::permutation(xr::fold_in(key, 100 + epoch), n_train);
    double total = 0;
    for (std::int64_t b = 0; b < steps; ++b) {
      Array idx = perm(Slice(b * batch, (b + 1) * batch));
      auto [next, s, value] = step(params, state, x_train(idx), y_train(idx));
      params = next;
      state = s;
      total += value.item<double>();
    }
    const double train_acc = evaluate(params, x_train, y_train).item<double>();
    test_acc = evaluate(params, x_test, y_test).item<double>();
    std::printf("epoch %2d/%d loss %.4f  train %5.1f %%  test %5.1f %%\n", epoch, epochs,
                total / static_cast<double>(steps), 100 * train_acc, 100 * test_acc);
    csv.row({static_cast<double>(epoch), total / static_cast<double>(steps), train_acc, test_acc});
  }
  std::printf("compilations of the training step: %zu\n", step.stats().misses);
  std::printf("final test accuracy %.1f %%\n", 100 * test_acc);
  return example::report(test_acc >= 0.96, "test accuracy at least 96 %");
}
