// The digits MLP of mlp_digits.cpp trained data-parallel over MPI ranks:
//   mpirun -np 2 ./mlp_digits_distributed
// Every rank holds the model and the data set and draws the same minibatches; shard_map gives each
// rank its slice of every minibatch, and the gradient of the mean loss over the whole minibatch is
// assembled by all-reduces (the VJP of shard_map's replicated inputs). The same training runs again
// on one process, and the two loss curves must agree.
#include <zlib.h>  // the data set is gzipped (read in mlp_digits.hpp)

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <xjax/distributed.hpp>

#include "common.hpp"
#include "mlp_digits.hpp"

namespace xd = xjax::distributed;

// The data-parallel step: the loss of each rank's slice, averaged over the ranks (equal slices, so
// this is the loss of the whole minibatch), differentiated through shard_map, then the same update.
std::tuple<Mlp, Adam, Array> distributed_step(const Mlp& p, const Adam& s, const Array& x, const Array& y) {
  auto sharded_loss = xd::shard_map(loss, {.in_specs = {std::nullopt, 0, 0}, .out_specs = {xd::OutSpec::mean()}});
  auto [value, g] = xj::value_and_grad(sharded_loss)(p, x, y);
  return adam_step(p, s, value, g);
}

struct Run {
  std::vector<double> losses;  // mean minibatch loss per epoch
  double test_accuracy = 0;
  double seconds = 0;
};

template <class Step>
Run train(Step step, const Array& x_train, const Array& y_train, const Array& x_test, const Array& y_test,
          int epochs, bool verbose) {
  const std::int64_t batch = 64, hidden = 64, n_train = x_train.shape()[0], steps = n_train / batch;
  const Array key = xr::key(0);
  Mlp params = init(xr::fold_in(key, 2), hidden);
  Adam state = adam_init(params);
  auto evaluate = xj::jit(accuracy);
  Run run;
  const auto t0 = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    Array perm = xr::permutation(xr::fold_in(key, 100 + epoch), n_train);  // the same on every rank
    double total = 0;
    for (std::int64_t b = 0; b < steps; ++b) {
      Array idx = xj::slice_in_dim(perm, b * batch, (b + 1) * batch);
      auto [next, s, value] = step(params, state, xj::take(x_train, idx, 0), xj::take(y_train, idx, 0));
      params = next;
      state = s;
      total += value.template item<double>();
    }
    run.losses.push_back(total / static_cast<double>(steps));
    run.test_accuracy = evaluate(params, x_test, y_test).template item<double>();
    if (verbose)
      std::printf("epoch %2d/%d loss %.6f  test %5.1f %%\n", epoch, epochs, run.losses.back(), 100 * run.test_accuracy);
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return run;
}

int main(int argc, char** argv) {
  xd::Session session(argc, argv);  // MPI_Init: removes mpirun's arguments from argv
  example::Options opt = example::parse_options(argc, argv);
  const bool root = xd::rank() == 0;
  const int epochs = 15;

  auto [x, y] = load_digits(example::data_path("digits.csv.gz"));
  const std::int64_t n = x.shape()[0], n_test = n / 5, n_train = n - n_test;
  Array order = xr::permutation(xr::fold_in(xr::key(0), 1), n);  // the split of mlp_digits.cpp
  Array train_idx = xj::slice_in_dim(order, 0, n_train), test_idx = xj::slice_in_dim(order, n_train, n);
  Array x_train = xj::take(x, train_idx, 0), y_train = xj::take(y, train_idx, 0);
  Array x_test = xj::take(x, test_idx, 0), y_test = xj::take(y, test_idx, 0);
  if (root)
    std::printf("digits on %d rank(s): each rank computes %lld of every 64 examples\n", xd::size(),
                static_cast<long long>(64 / xd::size()));
  if (64 % xd::size() != 0) {
    if (root) std::fprintf(stderr, "the minibatch of 64 must split evenly over the ranks\n");
    return 2;
  }

  if (root) std::printf("data-parallel training:\n");
  Run parallel = train(xj::jit(distributed_step), x_train, y_train, x_test, y_test, epochs, root);
  Run single = train(xj::jit(train_step), x_train, y_train, x_test, y_test, epochs, false);

  example::Csv csv(opt, "mlp_digits_distributed.csv", "epoch,loss_data_parallel,loss_single_process");
  double worst = 0;
  for (std::size_t e = 0; e < parallel.losses.size(); ++e) {
    worst = std::max(worst, std::abs(parallel.losses[e] - single.losses[e]) / single.losses[e]);
    if (root) csv.row({static_cast<double>(e + 1), parallel.losses[e], single.losses[e]});
  }
  if (!root) return worst <= 1e-4 ? 0 : 1;
  std::printf("single process: final loss %.6f, test %.1f %% (%.2f s); data-parallel: %.6f (%.2f s)\n",
              single.losses.back(), 100 * single.test_accuracy, single.seconds, parallel.losses.back(),
              parallel.seconds);
  std::printf("largest relative difference between the loss curves: %.2e\n", worst);
  return example::report(worst <= 1e-4 && parallel.test_accuracy >= 0.95,
                         "same loss curve as one process (relative 1e-4) and test accuracy at least 95 %");
}
