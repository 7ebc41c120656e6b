// W1: y = sum(sin(x)*x + exp(-x*x)), float32, n = 1e6 and 1e7 — xjax eager and jit on 1 and 2
// threads against a single-threaded hand-written loop in the same binary (ratios printed), matching
// ../shared/peers' W1; and the peak memory a call adds beyond its input (jit must add no array).
#include <sys/resource.h>

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

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

xj::Array input(long n, std::vector<float>& host) {
  host.resize(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) host[static_cast<std::size_t>(i)] = static_cast<float>(i % 1000) / 250.0f - 2.0f;
  return xj::array(host);
}
}  // namespace

int main(int argc, char** argv) {
  bench::print_machine();
  // Usage: w1_elementwise [n]; default n = 1e6 and 1e7.
  std::vector<long> sizes = {1000000, 10000000};
  if (argc > 1) sizes = {std::atol(argv[1])};
  auto f = [](const xj::Array& x) { return xj::sum(xj::sin(x) * x + xj::exp(-(x * x))); };
  auto jf = xj::jit(f);
  {
    // Peak memory first, while the process's high-water mark is only the input's.
    std::vector<float> host;
    xj::Array x = input(sizes.back(), host);
    double base = peak_rss_mb();
    for (int i = 0; i < 3; ++i) bench::keep(jf(x).item<float>());
    double after_jit = peak_rss_mb();
    bench::keep(f(x).item<float>());
    double after_eager = peak_rss_mb();
    std::printf("W1 n=%ld peak memory beyond the input (%.1f MB): jit +%.1f MB, eager +%.1f MB\n", sizes.back(),
                static_cast<double>(sizes.back()) * 4 / 1e6, after_jit - base, after_eager - after_jit);
  }
  for (long n : sizes) {
    std::vector<float> host;
    xj::Array x = input(n, host);
    int runs = n <= 1000000 ? 30 : 10;
    float ref = 0;
    auto loop = bench::time_it([&] { ref = hand_loop(host.data(), n); bench::keep(ref); }, 3, runs);
    char head[160], extra[160];
    std::snprintf(head, sizeof head, "W1 n=%ld impl=cpp_loop_strict threads=1", n);
    std::snprintf(extra, sizeof extra, "check=%.7g", static_cast<double>(ref));
    bench::print(head, loop, extra);
    for (int threads : {1, 2}) {
      xj::set_num_threads(threads);
      float eager = 0, jitted = 0;
      auto e = bench::time_it([&] { eager = f(x).item<float>(); }, 3, runs);
      auto j = bench::time_it([&] { jitted = jf(x).item<float>(); }, 3, runs);
      std::snprintf(head, sizeof head, "W1 n=%ld impl=xjax_eager threads=%d", n, threads);
      std::snprintf(extra, sizeof extra, "check=%.7g ratio_vs_loop=%.2f", static_cast<double>(eager), e.median_ms / loop.median_ms);
      bench::print(head, e, extra);
      std::snprintf(head, sizeof head, "W1 n=%ld impl=xjax_jit threads=%d", n, threads);
      std::snprintf(extra, sizeof extra, "check=%.7g ratio_vs_loop=%.2f", static_cast<double>(jitted), j.median_ms / loop.median_ms);
      bench::print(head, j, extra);
    }
  }
}
