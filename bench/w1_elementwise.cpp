// W1: y = sum(sin(x)*x + exp(-x*x)), float32, n = 1e6 and 1e7 — xjax eager and jit against a
// hand-written loop in the same binary (ratios printed), matching ../shared/peers' W1.
#include <cmath>
#include <cstdlib>
#include <vector>

#include <xjax/core.hpp>

#include "bench_util.hpp"

namespace xj = xjax;

namespace {
float hand_loop(const float* x, long n) {
  double s = 0;  // strict IEEE: libm sinf/expf per element, double accumulator
  for (long i = 0; i < n; ++i) s += std::sin(x[i]) * x[i] + std::exp(-x[i] * x[i]);
  return static_cast<float>(s);
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<long> sizes = {1000000, 10000000};
  if (argc > 1) sizes = {std::atol(argv[1])};
  auto f = [](const xj::Array& x) { return xj::sum(xj::sin(x) * x + xj::exp(-(x * x))); };
  auto jf = xj::jit(f);
  for (long n : sizes) {
    std::vector<float> host(static_cast<std::size_t>(n));
    for (long i = 0; i < n; ++i) host[static_cast<std::size_t>(i)] = static_cast<float>(i % 1000) / 250.0f - 2.0f;
    xj::Array x = xj::array(host);
    int runs = n <= 1000000 ? 30 : 10;
    float ref = 0, eager = 0, jitted = 0;
    auto loop = bench::time_it([&] { ref = hand_loop(host.data(), n); bench::keep(ref); }, 3, runs);
    auto e = bench::time_it([&] { eager = f(x).item<float>(); }, 3, runs);
    auto j = bench::time_it([&] { jitted = jf(x).item<float>(); }, 3, runs);
    char head[160], extra[160];
    std::snprintf(head, sizeof head, "W1 n=%ld impl=cpp_loop_strict threads=1", n);
    std::snprintf(extra, sizeof extra, "check=%.7g", static_cast<double>(ref));
    bench::print(head, loop, extra);
    std::snprintf(head, sizeof head, "W1 n=%ld impl=xjax_eager threads=1", n);
    std::snprintf(extra, sizeof extra, "check=%.7g ratio_vs_loop=%.2f", static_cast<double>(eager), e.median_ms / loop.median_ms);
    bench::print(head, e, extra);
    std::snprintf(head, sizeof head, "W1 n=%ld impl=xjax_jit threads=1", n);
    std::snprintf(extra, sizeof extra, "check=%.7g ratio_vs_loop=%.2f", static_cast<double>(jitted), j.median_ms / loop.median_ms);
    bench::print(head, j, extra);
  }
}
