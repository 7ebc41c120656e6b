// W3 (MLP training step, 784-512-512-10, batch 256, tanh, softmax cross-entropy, SGD) data-parallel
// over MPI ranks: run with mpirun -np 1 and -np 2. Reports the jitted data-parallel step, the same
// step's local work alone (this rank's share of the batch, no communication), and the all-reduce of
// the gradients by itself (psum of arrays shaped like the six parameter leaves).
#include <cblas.h>

#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include <xjax/config.hpp>
#include <xjax/core.hpp>
#include <xjax/distributed.hpp>

#include "bench_util.hpp"

namespace xj = xjax;
namespace xd = xjax::distributed;
using xj::Array;
using Params = std::tuple<Array, Array, Array, Array, Array, Array>;

namespace {

Array loss(const Params& q, const Array& xb, const Array& yb) {
  auto& [w1, b1, w2, b2, w3, b3] = q;
  Array h1 = xj::tanh(xj::matmul(xb, w1) + b1);
  Array h2 = xj::tanh(xj::matmul(h1, w2) + b2);
  Array logits = xj::matmul(h2, w3) + b3;
  return -xj::mean(xj::sum(xj::nn::log_softmax(logits) * yb, -1));
}

std::pair<Array, Params> sgd(const Array& value, const Params& q, const Params& g) {
  return {value, xj::tree_map([](const Array& a, const Array& b) { return a - 0.01f * b; }, q, g)};
}

void report(const char* impl, const bench::Stats& s, const char* extra) {
  char head[200];
  std::snprintf(head, sizeof head, "W3 batch=256 impl=%s ranks=%d threads=1", impl, xd::size());
  if (xd::rank() == 0) bench::print(head, s, extra);
}

}  // namespace

int main(int argc, char** argv) {
  xd::Session session(argc, argv);
  if (xd::rank() == 0) bench::print_machine();
  openblas_set_num_threads(1);
  xj::set_num_threads(1);
  const int B = 256, D0 = 784, D1 = 512, D2 = 512, D3 = 10;
  const int ranks = xd::size(), rank = xd::rank();
  std::mt19937 rng(0);
  std::normal_distribution<float> nd(0.f, 1.f);
  auto init = [&](std::vector<float>& v, float sc) { for (auto& e : v) e = nd(rng) * sc; };
  std::vector<float> X(B * D0), W1(D0 * D1), W2(D1 * D2), W3(D2 * D3);
  init(X, 1.f);
  init(W1, 1.f / std::sqrt(float(D0)));
  init(W2, 1.f / std::sqrt(float(D1)));
  init(W3, 1.f / std::sqrt(float(D2)));
  std::vector<int> labels(B);
  for (auto& y : labels) y = static_cast<int>(rng() % D3);
  Array x = xj::array(X, {B, D0}), y = xj::one_hot(xj::array(labels), D3);
  Params params{xj::array(W1, {D0, D1}), xj::zeros({D1}), xj::array(W2, {D1, D2}), xj::zeros({D2}),
                xj::array(W3, {D2, D3}), xj::zeros({D3})};

  // The data-parallel step: each rank differentiates its share; shard_map sums the gradients.
  auto dp_step = xj::jit([&](const Params& q) {
    auto sharded = xd::shard_map(loss, {.in_specs = {std::nullopt, 0, 0}, .out_specs = {xd::OutSpec::mean()}});
    auto [value, g] = xj::value_and_grad(sharded)(q, x, y);
    return sgd(value, q, g);
  });
  // The same rank's work without communication: its rows only.
  const int share = B / ranks;
  Array x_mine = xj::slice_in_dim(x, rank * share, (rank + 1) * share), y_mine = xj::slice_in_dim(y, rank * share, (rank + 1) * share);
  auto local_step = xj::jit([&](const Params& q) {
    auto [value, g] = xj::value_and_grad(loss)(q, x_mine, y_mine);
    return sgd(value, q, g);
  });
  auto single_step = xj::jit([&](const Params& q) {
    auto [value, g] = xj::value_and_grad(loss)(q, x, y);
    return sgd(value, q, g);
  });
  std::vector<Array> leaves = xj::tree_flatten(params).first;
  Array sink;

  float dp_loss = 0;
  auto dp = bench::time_it([&] { dp_loss = dp_step(params).first.item<float>(); }, 2, 20);
  auto local = bench::time_it([&] { sink = local_step(params).first; }, 2, 20);
  auto allreduce = bench::time_it([&] { for (const Array& g : leaves) sink = xd::psum(g, "ranks"); }, 2, 20);
  xd::world().barrier();
  const float single_loss = single_step(params).first.item<float>();

  char extra[160];
  std::snprintf(extra, sizeof extra, "check=%.7g single_process_check=%.7g", dp_loss, single_loss);
  report("xjax_data_parallel_step_jit", dp, extra);
  std::snprintf(extra, sizeof extra, "rows_per_rank=%d", share);
  report("xjax_local_share_step_jit", local, extra);
  std::snprintf(extra, sizeof extra, "floats=%lld (the 6 gradient leaves, one psum each)",
                static_cast<long long>(D0 * D1 + D1 + D1 * D2 + D2 + D2 * D3 + D3));
  report("gradient_allreduce", allreduce, extra);
  return 0;
}
