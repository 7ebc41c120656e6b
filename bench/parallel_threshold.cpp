// Where splitting kernels over threads starts to pay: eager add, eager sin, eager sum and jitted W1
// on float32 arrays around the chunk size (kernels::parallel_grain = 32768 elements; arrays of one
// chunk run on the calling thread), each with 1 and 2 threads. Usage: parallel_threshold [runs]
#include <cstdlib>
#include <functional>
#include <vector>

#include <xjax/config.hpp>
#include <xjax/core.hpp>

#include "bench_util.hpp"

namespace xj = xjax;

int main(int argc, char** argv) {
  bench::print_machine();
  const int runs = argc > 1 ? std::atoi(argv[1]) : 200;
  auto w1 = xj::jit([](const xj::Array& x) { return xj::sum(xj::sin(x) * x + xj::exp(-(x * x))); });
  struct Work {
    const char* name;
    std::function<void(const xj::Array&)> run;
  };
  std::vector<Work> work = {
      {"eager_add", [](const xj::Array& x) { bench::keep(x + 1.0); }},
      {"eager_sin", [](const xj::Array& x) { bench::keep(xj::sin(x)); }},
      {"eager_sum", [](const xj::Array& x) { bench::keep(xj::sum(x)); }},
      {"jit_w1", [&](const xj::Array& x) { bench::keep(w1(x)); }},
  };
  for (long n : {16384L, 32768L, 65536L, 98304L, 131072L, 262144L, 1048576L}) {
    std::vector<float> host(static_cast<std::size_t>(n));
    for (long i = 0; i < n; ++i) host[static_cast<std::size_t>(i)] = static_cast<float>(i % 1000) / 250.0f - 2.0f;
    xj::Array x = xj::array(host);
    for (const Work& w : work) {
      double t1 = 0;
      for (int threads : {1, 2}) {
        xj::set_num_threads(threads);
        auto s = bench::time_it([&] { w.run(x); }, 5, runs);
        if (threads == 1) t1 = s.median_ms;
        char head[160], extra[64];
        std::snprintf(head, sizeof head, "threshold %s n=%ld threads=%d", w.name, n, threads);
        std::snprintf(extra, sizeof extra, "speedup_vs_1=%.2f", t1 / s.median_ms);
        bench::print(head, s, extra);
      }
    }
  }
}
