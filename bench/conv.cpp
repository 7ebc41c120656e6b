// xj::conv against libtorch's conv2d in one run, on a ResNet 3x3 layer: NCHW input [32, 64, 56, 56],
// OIHW kernel [64, 64, 3, 3], stride 1, SAME padding, float32. Forward, and forward + backward of
// sum(conv(x, k)^2) with respect to both operands; xjax eager and jitted, libtorch as ATen picks
// (oneDNN) and with oneDNN disabled (its im2col + GEMM on the same OpenBLAS). Both sides run
// XJAX_NUM_THREADS threads (OpenBLAS too); the outputs are checked against float64 references.
// Built only where libtorch is installed (apt-get install libtorch-dev); the libtorch code is in
// bench/hand/conv_libtorch.cpp. BENCH_RUNS sets the timed repeats (default 11).
// Usage: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE XJAX_NUM_THREADS=1 ./build/conv
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <xjax/config.hpp>
#include <xjax/core.hpp>

#include "bench_util.hpp"
#include "hand/conv_libtorch.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

constexpr std::int64_t N = 32, C = 64, H = 56, W = 56, O = 64, K = 3;
// Multiply-adds of the forward pass, twice: the backward pass does twice that again.
constexpr double forward_flops = 2.0 * N * O * H * W * C * K * K;

// max |a - ref| / max |ref|: the error relative to the reference's scale (an elementwise relative
// error is meaningless where an output is near zero by cancellation).
template <class T>
double rel_err(const T* a, const double* ref, std::size_t n) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < n; ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(a[i]) - ref[i]));
    scale = std::max(scale, std::abs(ref[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

double rel_err_f32(const float* a, const float* b, std::size_t n) {
  std::vector<double> ref(b, b + n);
  return rel_err(a, ref.data(), n);
}

void row(const char* what, const char* impl, int threads, const bench::Stats& s, double flops,
         const bench::Stats* torch = nullptr) {
  char head[160], extra[200];
  std::snprintf(head, sizeof head, "conv %s impl=%s threads=%d", what, impl, threads);
  int used = std::snprintf(extra, sizeof extra, "gflops=%.1f", flops / (s.min_ms * 1e-3) / 1e9);
  if (torch)
    std::snprintf(extra + used, sizeof extra - static_cast<std::size_t>(used),
                  " xjax/libtorch: median %.2f min %.2f", s.median_ms / torch->median_ms, s.min_ms / torch->min_ms);
  bench::print(head, s, extra);
}

}  // namespace

int main() {
  bench::print_machine();
  const int threads = xj::num_threads();
  openblas_set_num_threads(threads);  // xjax's GEMMs and libtorch's own BLAS calls
  torch_side::set_threads(threads);
  const char* runs_env = std::getenv("BENCH_RUNS");
  const int runs = runs_env ? std::max(1, std::atoi(runs_env)) : 11;
  std::printf("# %s; shapes x [%ld, %ld, %ld, %ld], k [%ld, %ld, %ld, %ld], stride 1, SAME\n",
              torch_side::describe().c_str(), long{N}, long{C}, long{H}, long{W}, long{O}, long{C}, long{K}, long{K});

  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> xh(static_cast<std::size_t>(N * C * H * W)), kh(static_cast<std::size_t>(O * C * K * K));
  for (float& v : xh) v = uniform(rng);
  for (float& v : kh) v = uniform(rng) / 24.0f;  // about 1 / sqrt(C K K): outputs of order one
  const std::array<std::int64_t, 4> x_shape{N, C, H, W}, k_shape{O, C, K, K};

  const Array x = xj::array(xh, {N, C, H, W}), k = xj::array(kh, {O, C, K, K});
  auto forward = [](const Array& a, const Array& b) { return xj::conv(a, b, {1, 1}, "SAME"); };
  auto loss = [forward](const Array& a, const Array& b) {
    const Array y = forward(a, b);
    return xj::sum(y * y);
  };
  auto value_and_grads = xj::value_and_grad<0, 1>(loss);
  auto jit_forward = xj::jit(forward);
  auto jit_value_and_grads = xj::jit([&](const Array& a, const Array& b) { return value_and_grads(a, b); });
  torch_side::Conv2d torch_conv(xh.data(), x_shape, kh.data(), k_shape, 1, false);

  // Equal work: every float32 result against float64 references from both libraries (same inputs).
  {
    const Array x64 = x.astype(xj::float64), k64 = k.astype(xj::float64);
    const auto [l64, g64] = value_and_grads(x64, k64);
    const Array y64 = forward(x64, k64);
    const auto& [dx64, dk64] = g64;
    std::vector<double> x64h(xh.begin(), xh.end()), k64h(kh.begin(), kh.end());
    torch_side::Conv2d torch64(x64h.data(), x_shape, k64h.data(), k_shape, 1, true);
    torch64.forward_backward();
    const auto* ty = static_cast<const double*>(torch64.y());
    const auto* tdx = static_cast<const double*>(torch64.dx());
    const auto* tdk = static_cast<const double*>(torch64.dk());
    const std::size_t ny = xh.size(), nk = kh.size();
    const auto [l, g] = value_and_grads(x, k);
    const auto& [dx, dk] = g;
    const Array y = forward(x, k);
    torch_conv.forward_backward();
    const auto* fy = static_cast<const float*>(torch_conv.y());
    const auto* fdx = static_cast<const float*>(torch_conv.dx());
    const auto* fdk = static_cast<const float*>(torch_conv.dk());
    std::printf("# libtorch backends: float32 %s, float64 %s\n", torch_conv.backend().c_str(),
                torch64.backend().c_str());
    std::printf("# check (max |error| / max |reference|): xjax float64 vs libtorch float64: y %.1e dx %.1e dk %.1e\n",
                rel_err(y64.data<double>(), ty, ny), rel_err(dx64.data<double>(), tdx, ny),
                rel_err(dk64.data<double>(), tdk, nk));
    std::printf("# check float32 vs libtorch float64: xjax y %.1e dx %.1e dk %.1e; libtorch y %.1e dx %.1e dk %.1e\n",
                rel_err(y.data<float>(), ty, ny), rel_err(dx.data<float>(), tdx, ny), rel_err(dk.data<float>(), tdk, nk),
                rel_err(fy, ty, ny), rel_err(fdx, tdx, ny), rel_err(fdk, tdk, nk));
    std::printf("# check xjax float32 vs libtorch float32: y %.1e dx %.1e dk %.1e; loss xjax %.7g libtorch %.7g "
                "float64 %.10g\n",
                rel_err_f32(y.data<float>(), fy, ny), rel_err_f32(dx.data<float>(), fdx, ny),
                rel_err_f32(dk.data<float>(), fdk, nk), static_cast<double>(l.item<float>()), torch_conv.loss(),
                l64.item<double>());
    std::fflush(stdout);
  }

  // Forward. The GEMMs of xjax's kernel alone show how much of it is im2col and the copy into the
  // output: per image, [64, 576] x [576, 5 * 56] for every block of 5 output lines (the last one
  // line), as src/primitives/conv.cpp cuts this layer, on buffers that stay in cache.
  {
    const bench::Stats torch_f = bench::time_it([&] { torch_conv.forward(); }, 2, runs);
    const bench::Stats eager = bench::time_it([&] { bench::keep(forward(x, k)); }, 2, runs);
    const bench::Stats jitted = bench::time_it([&] { bench::keep(jit_forward(x, k)); }, 2, runs);
    torch_side::use_onednn(false);
    const bench::Stats torch_slow = bench::time_it([&] { torch_conv.forward(); }, 2, runs);
    torch_side::use_onednn(true);
    const int m = O, kk = C * K * K, block = 5 * W;
    std::vector<float> a(static_cast<std::size_t>(m * kk), 0.5f), b(static_cast<std::size_t>(kk * block), 0.25f),
        c(static_cast<std::size_t>(m * block));
    const bench::Stats gemm = bench::time_it(
        [&] {
          for (std::int64_t i = 0; i < N; ++i)
            for (std::int64_t line = 0; line < H; line += 5) {
              const int n = static_cast<int>(std::min<std::int64_t>(5, H - line) * W);
              cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, kk, 1.f, a.data(), kk, b.data(), n, 0.f,
                          c.data(), n);
            }
          bench::keep(c);
        },
        2, runs);
    row("forward", "libtorch", threads, torch_f, forward_flops);
    row("forward", "libtorch_without_onednn", threads, torch_slow, forward_flops);
    row("forward", "xjax_eager", threads, eager, forward_flops, &torch_f);
    row("forward", "xjax_jit", threads, jitted, forward_flops, &torch_f);
    row("forward", "sgemm_calls_alone", threads, gemm, forward_flops);
  }
  // Forward + backward: y, sum(y * y), and the gradients with respect to x and k.
  {
    const bench::Stats torch_fb = bench::time_it([&] { torch_conv.forward_backward(); }, 1, runs);
    const bench::Stats eager = bench::time_it([&] { bench::keep(value_and_grads(x, k)); }, 1, runs);
    const bench::Stats jitted = bench::time_it([&] { bench::keep(jit_value_and_grads(x, k)); }, 1, runs);
    torch_side::use_onednn(false);
    const bench::Stats torch_slow = bench::time_it([&] { torch_conv.forward_backward(); }, 1, runs);
    torch_side::use_onednn(true);
    row("forward_backward", "libtorch", threads, torch_fb, 3 * forward_flops);
    row("forward_backward", "libtorch_without_onednn", threads, torch_slow, 3 * forward_flops);
    row("forward_backward", "xjax_eager", threads, eager, 3 * forward_flops, &torch_fb);
    row("forward_backward", "xjax_jit", threads, jitted, 3 * forward_flops, &torch_fb);
  }
}
