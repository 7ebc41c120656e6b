// W2 (gradient of W1, n = 1e6), W3 (MLP training step, 784-512-512-10, batches 64, 256 and 1024,
// tanh, softmax cross-entropy, SGD) and W4 (per-example gradients of a linear model, 128 x 1000):
// xjax eager and jit against hand-written C++ in the same binary, ratios printed; workloads as
// ../shared/peers. OpenBLAS gets XJAX_NUM_THREADS threads, for xjax and the hand step alike; the
// hand loops of W2 and W4 are single-threaded, so compare those rows with XJAX_NUM_THREADS=1.
#include <cblas.h>

#include <chrono>
#include <cmath>
#include <random>
#include <vector>

#include <xjax/config.hpp>
#include <xjax/core.hpp>

#include "bench_util.hpp"

namespace xj = xjax;
using xj::Array;
using xj::JitOptions;

namespace {
void report(const char* w, const char* what, const char* impl, const bench::Stats& s, double base_ms, double check) {
  char head[200], extra[160];
  std::snprintf(head, sizeof head, "%s %s impl=%s threads=%d", w, what, impl, xj::num_threads());
  std::snprintf(extra, sizeof extra, "check=%.7g ratio_vs_hand=%.2f", check, s.median_ms / base_ms);
  bench::print(head, s, extra);
}

void w2() {
  const long n = 1000000;
  std::vector<float> host(n), g(n);
  for (long i = 0; i < n; ++i) host[static_cast<std::size_t>(i)] = static_cast<float>(i % 1000) / 250.0f - 2.0f;
  auto hand = [&] {  // analytic derivative: cos(x) x + sin(x) - 2x exp(-x^2)
    for (long i = 0; i < n; ++i) {
      float x = host[static_cast<std::size_t>(i)];
      g[static_cast<std::size_t>(i)] = std::cos(x) * x + std::sin(x) - 2 * x * std::exp(-x * x);
    }
  };
  Array x = xj::array(host);
  auto f = [](const Array& v) { return xj::sum(xj::sin(v) * v + xj::exp(-(v * v))); };
  auto gf = xj::grad(f);
  auto jgf = xj::jit(gf);
  Array out;
  auto h = bench::time_it([&] { hand(); bench::keep(g); }, 3, 30);
  auto fwd = bench::time_it([&] { out = f(x); }, 3, 30);
  auto e = bench::time_it([&] { out = gf(x); }, 3, 30);
  auto j = bench::time_it([&] { out = jgf(x); }, 3, 30);
  double check = xj::sum(out.astype(xj::float64)).item<double>();
  report("W2", "n=1000000", "cpp_analytic_strict", h, h.median_ms, 0);
  report("W2", "n=1000000", "xjax_forward_only", fwd, h.median_ms, 0);
  report("W2", "n=1000000", "xjax_grad_eager", e, h.median_ms, check);
  report("W2", "n=1000000", "xjax_grad_jit", j, h.median_ms, check);
  std::printf("W2 grad/forward ratio (eager) = %.2f\n", e.median_ms / fwd.median_ms);
}

struct Mlp {
  Array w1, b1, w2, b2, w3, b3;
};

void w3(const int B) {
  const int D0 = 784, D1 = 512, D2 = 512, D3 = 10;
  char batch[32];
  std::snprintf(batch, sizeof batch, "batch=%d", B);
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
  // xjax: the step as a user writes it
  Array x = xj::array(X, {B, D0}), y = xj::one_hot(xj::array(labels), D3);
  Mlp p{xj::array(W1, {D0, D1}), xj::zeros({D1}), xj::array(W2, {D1, D2}), xj::zeros({D2}), xj::array(W3, {D2, D3}),
        xj::zeros({D3})};
  auto loss = [](const std::tuple<Array, Array, Array, Array, Array, Array>& q, const Array& xb, const Array& yb) {
    auto& [w1, b1, w2, b2, w3, b3] = q;
    Array h1 = xj::tanh(xj::matmul(xb, w1) + b1);
    Array h2 = xj::tanh(xj::matmul(h1, w2) + b2);
    Array logits = xj::matmul(h2, w3) + b3;
    return -xj::mean(xj::sum(xj::nn::log_softmax(logits) * yb, -1));
  };
  auto params = std::tuple{p.w1, p.b1, p.w2, p.b2, p.w3, p.b3};
  auto step = [&](const auto& q) {
    auto [l, g] = xj::value_and_grad(loss)(q, x, y);
    return std::pair{l, xj::tree_map([](const Array& a, const Array& b) { return a - 0.01f * b; }, q, g)};
  };
  auto jstep = xj::jit([&](const std::tuple<Array, Array, Array, Array, Array, Array>& q) { return step(q); });
  float lval = 0;
  auto fwd = bench::time_it([&] { lval = loss(params, x, y).item<float>(); }, 2, 20);
  auto e = bench::time_it([&] { auto r = step(params); lval = r.first.item<float>(); }, 2, 20);
  auto j = bench::time_it([&] { auto r = jstep(params); lval = r.first.item<float>(); }, 2, 20);
  // hand-written step on the same sgemm (forward + backward + update, as peers/cpp/w3_cpp_step.cpp)
  std::vector<float> H1(B * D1), H2(B * D2), Z3(B * D3), dZ3(B * D3), dH2(B * D2), dH1(B * D1), gW1(D0 * D1),
      gW2(D1 * D2), gW3(D2 * D3);
  auto gemm = [](bool ta, bool tb, int M, int N, int K, const float* A, const float* Bm, float* C) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1.f, A,
                ta ? M : K, Bm, tb ? K : N, 0.f, C, N);
  };
  auto hand = [&] {
    gemm(false, false, B, D1, D0, X.data(), W1.data(), H1.data());
    for (auto& v : H1) v = std::tanh(v);
    gemm(false, false, B, D2, D1, H1.data(), W2.data(), H2.data());
    for (auto& v : H2) v = std::tanh(v);
    gemm(false, false, B, D3, D2, H2.data(), W3.data(), Z3.data());
    for (int r = 0; r < B; ++r) {
      float* z = &Z3[static_cast<std::size_t>(r * D3)];
      float m = z[0], s = 0;
      for (int c = 0; c < D3; ++c) m = std::max(m, z[c]);
      for (int c = 0; c < D3; ++c) s += std::exp(z[c] - m);
      float lse = m + std::log(s);
      for (int c = 0; c < D3; ++c)
        dZ3[static_cast<std::size_t>(r * D3 + c)] = (std::exp(z[c] - lse) - (c == labels[static_cast<std::size_t>(r)])) / B;
    }
    gemm(true, false, D2, D3, B, H2.data(), dZ3.data(), gW3.data());
    gemm(false, true, B, D2, D3, dZ3.data(), W3.data(), dH2.data());
    for (std::size_t i = 0; i < dH2.size(); ++i) dH2[i] *= 1.f - H2[i] * H2[i];
    gemm(true, false, D1, D2, B, H1.data(), dH2.data(), gW2.data());
    gemm(false, true, B, D1, D2, dH2.data(), W2.data(), dH1.data());
    for (std::size_t i = 0; i < dH1.size(); ++i) dH1[i] *= 1.f - H1[i] * H1[i];
    gemm(true, false, D0, D1, B, X.data(), dH1.data(), gW1.data());
    bench::keep(gW1);
  };
  auto gemms_only = [&] {  // the step's six matrix products, nothing else
    gemm(false, false, B, D1, D0, X.data(), W1.data(), H1.data());
    gemm(false, false, B, D2, D1, H1.data(), W2.data(), H2.data());
    gemm(false, false, B, D3, D2, H2.data(), W3.data(), Z3.data());
    gemm(true, false, D2, D3, B, H2.data(), dZ3.data(), gW3.data());
    gemm(false, true, B, D2, D3, dZ3.data(), W3.data(), dH2.data());
    gemm(true, false, D1, D2, B, H1.data(), dH2.data(), gW2.data());
    gemm(false, true, B, D1, D2, dH2.data(), W2.data(), dH1.data());
    gemm(true, false, D0, D1, B, X.data(), dH1.data(), gW1.data());
    bench::keep(gW1);
  };
  auto h = bench::time_it(hand, 2, 20);
  auto g = bench::time_it(gemms_only, 2, 20);
  // The same eight products through xjax's dot_general, jitted: the library calls the step makes
  // (oneDNN for float32 where the build has it, docs/threads.md).
  auto products = xj::jit([](const Array& xb, const Array& w1, const Array& w2, const Array& w3, const Array& h1,
                             const Array& h2, const Array& dz3, const Array& dh2, const Array& dh1) {
    return std::tuple{xj::matmul(xb, w1),
                      xj::matmul(h1, w2),
                      xj::matmul(h2, w3),
                      xj::dot_general(h2, dz3, {0}, {0}),
                      xj::dot_general(dz3, w3, {1}, {1}),
                      xj::dot_general(h1, dh2, {0}, {0}),
                      xj::dot_general(dh2, w2, {1}, {1}),
                      xj::dot_general(xb, dh1, {0}, {0})};
  });
  const Array h1a = xj::array(H1, {B, D1}), h2a = xj::array(H2, {B, D2}), dz3a = xj::array(dZ3, {B, D3}),
              dh2a = xj::array(dH2, {B, D2}), dh1a = xj::array(dH1, {B, D1});
  auto own = bench::time_it([&] { bench::keep(std::get<7>(products(x, p.w1, p.w2, p.w3, h1a, h2a, dz3a, dh2a, dh1a))); }, 2, 20);
  report("W3", batch, "cpp_step_openblas", h, h.median_ms, 0);
  report("W3", batch, "sgemm_calls_only", g, h.median_ms, 0);
  report("W3", batch, "xjax_products_only_jit", own, h.median_ms, 0);
  report("W3", batch, "xjax_forward_only_eager", fwd, h.median_ms, lval);
  report("W3", batch, "xjax_value_and_grad_eager", e, h.median_ms, lval);
  std::printf("W3 %s value_and_grad/forward ratio (eager) = %.2f\n", batch, e.median_ms / fwd.median_ms);
  report("W3", batch, "xjax_value_and_grad_jit", j, h.median_ms, lval);
  std::printf("W3 %s jit step / the same products on sgemm = %.2f, / its own products (xjax_products_only_jit) = %.2f\n",
              batch, j.median_ms / g.median_ms, j.median_ms / own.median_ms);
  // A 200-step training loop feeding its parameters back in, without and with donation: time per
  // step, and bytes of array buffers allocated per step (xj::memory_stats).
  using Params6 = std::tuple<Array, Array, Array, Array, Array, Array>;
  for (bool donate : {false, true}) {
    JitOptions options;
    if (donate) options.donate_argnums = {0};
    auto train = xj::jit([&](const Params6& q) { return step(q); }, options);
    Params6 q = xj::tree_map([](const Array& a) { return a * 1.0f; }, params);
    for (int i = 0; i < 3; ++i) q = train(q).second;  // compiled, and buffers of this size recycled
    const xj::MemoryStats m0 = xj::memory_stats();
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 200; ++i) {
      auto r = train(q);
      q = r.second;
      lval = r.first.item<float>();
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / 200;
    const xj::MemoryStats m1 = xj::memory_stats();
    std::printf("W3 %s training loop of 200 steps impl=xjax_jit donation=%s ms_per_step=%.3f steps_per_s=%.0f "
                "bytes_allocated_per_step=%.0f buffers_per_step=%.1f ratio_vs_hand=%.2f check=%.7g\n",
                batch, donate ? "on" : "off", ms, 1e3 / ms, static_cast<double>(m1.bytes_allocated - m0.bytes_allocated) / 200,
                static_cast<double>(m1.num_allocs - m0.num_allocs) / 200, ms / h.median_ms, lval);
  }
  if (B != 256) return;
  // W6: the first call of a new jitted step: trace, optimise, compile and run once.
  auto first = bench::time_it([&] {
    auto fresh = xj::jit([&](const std::tuple<Array, Array, Array, Array, Array, Array>& q) { return step(q); });
    lval = fresh(params).first.item<float>();
  }, 1, 10);
  auto lower = bench::time_it([&] {
    auto fresh = xj::jit([&](const std::tuple<Array, Array, Array, Array, Array, Array>& q) { return step(q); });
    bench::keep(fresh.lower(params));
  }, 1, 10);
  report("W6", "W3 step", "xjax_jit_first_call", first, j.median_ms, lval);
  report("W6", "W3 step", "xjax_jit_trace_and_compile_only", lower, j.median_ms, 0);
}

void w4() {
  const int B = 128, F = 1000;
  std::vector<float> X(B * F), y(B), w(F);
  std::mt19937 rng(1);
  std::normal_distribution<float> nd(0.f, 1.f);
  for (auto& v : X) v = nd(rng);
  for (auto& v : y) v = nd(rng);
  for (auto& v : w) v = nd(rng) * 0.01f;
  float b = 0.1f;
  std::vector<float> grads(B * F);
  auto hand = [&] {  // g_i = (x_i . w + b - y_i) x_i
    for (int i = 0; i < B; ++i) {
      const float* xi = &X[static_cast<std::size_t>(i * F)];
      float dot = 0;
      for (int k = 0; k < F; ++k) dot += xi[k] * w[static_cast<std::size_t>(k)];
      float r = dot + b - y[static_cast<std::size_t>(i)];
      for (int k = 0; k < F; ++k) grads[static_cast<std::size_t>(i * F + k)] = r * xi[k];
    }
  };
  Array xs = xj::array(X, {B, F}), ys = xj::array(y), wa = xj::array(w), ba = xj::array(b);
  auto loss = [](const Array& wv, const Array& bv, const Array& x, const Array& t) {
    return 0.5f * xj::square(xj::dot(x, wv) + bv - t);
  };
  auto per_example = xj::vmap(xj::grad(loss), {std::nullopt, std::nullopt, 0, 0});
  auto jper = xj::jit(per_example);
  Array out;
  auto h = bench::time_it([&] { hand(); bench::keep(grads); }, 10, 200);
  auto e = bench::time_it([&] { out = per_example(wa, ba, xs, ys); }, 10, 200);
  auto j = bench::time_it([&] { out = jper(wa, ba, xs, ys); }, 10, 200);
  double check = xj::sum(out.astype(xj::float64)).item<double>();
  report("W4", "batch=128 features=1000", "cpp_analytic", h, h.median_ms, 0);
  report("W4", "batch=128 features=1000", "xjax_vmap_grad_eager", e, h.median_ms, check);
  report("W4", "batch=128 features=1000", "xjax_vmap_grad_jit", j, h.median_ms, check);
}
}  // namespace

int main() {
  bench::print_machine();
  openblas_set_num_threads(xj::num_threads());
  w2();
  for (int batch : {256, 64, 1024}) w3(batch);
  w4();
}
