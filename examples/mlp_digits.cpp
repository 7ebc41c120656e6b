// A two-layer perceptron classifying the 8x8 handwritten digits (UCI, as scikit-learn ships them),
// trained on minibatches by xjax::optim's Adam with a warm-up cosine learning-rate schedule; the
// training step is jit(value_and_grad) plus the update, one compiled program, which writes the new
// parameters and optimizer state over the old ones (donate_argnums). Initialisation and shuffling
// use xjax::random.
#include <zlib.h>  // the data set is gzipped (read in mlp_digits.hpp)

#include <chrono>
#include <cstdio>
#include <string>

#include "common.hpp"
#include "mlp_digits.hpp"

using xj::Slice;

int main(int argc, char** argv) {
  example::Options opt = example::parse_options(argc, argv);
  const int epochs = 30;
  const std::int64_t batch = 64, hidden = 64;

  auto [x, y] = load_digits(example::data_path("digits.csv.gz"));
  const std::int64_t n = x.shape()[0], n_test = n / 5, n_train = n - n_test;
  Array key = xr::key(0);
  Array order = xr::permutation(xr::fold_in(key, 1), n);  // a fixed random split, 80 % / 20 %
  Array train_idx = order(Slice(0, n_train)), test_idx = order(Slice(n_train));
  Array x_train = x(train_idx), y_train = y(train_idx);
  Array x_test = x(test_idx), y_test = y(test_idx);
  std::printf("digits: %lld training and %lld test images of 8x8 pixels, 10 classes\n",
              static_cast<long long>(n_train), static_cast<long long>(n_test));

  Mlp params = init(xr::fold_in(key, 2), hidden);
  Adam state = adam_init(params);
  auto step = xj::jit(train_step, {.donate_argnums = {0, 1}});  // params and state: updated in place
  auto evaluate = xj::jit(accuracy);
  example::Csv csv(opt, "mlp_digits.csv", "epoch,loss,train_accuracy,test_accuracy");

  const std::int64_t steps = n_train / batch;  // the last partial batch is dropped: one shape, one compilation
  double test_acc = 0, step_seconds = 0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    Array perm = xr::permutation(xr::fold_in(key, 100 + epoch), n_train);
    double total = 0;
    for (std::int64_t b = 0; b < steps; ++b) {
      Array idx = perm(Slice(b * batch, (b + 1) * batch));
      Array xb = x_train(idx), yb = y_train(idx);
      const auto start = std::chrono::steady_clock::now();
      auto [next, s, value] = step(params, state, xb, yb);
      params = next;  // the old params and state were donated: rebind the names to the results
      state = s;
      total += value.item<double>();
      step_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
  std::printf("compilations of the training step: %zu; a step takes %.3f ms on average\n", step.stats().misses,
              1e3 * step_seconds / static_cast<double>(epochs * steps));
  std::printf("final test accuracy %.1f %%\n", 100 * test_acc);
  return example::report(test_acc >= 0.95, "test accuracy at least 95 %");
}
