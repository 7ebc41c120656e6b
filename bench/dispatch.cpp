// The cost of choosing kernels at run time: absolute times of W1 (eager and jit), a float32 sum and a
// last-axis softmax, one thread. Build it twice — the default (kernels per instruction set, the rest
// for x86-64-v2) and -DXJAX_NATIVE=ON — and run the two binaries alternately (bench/RESULTS.md).
#include <cstdio>
#include <vector>

#include <xjax/core.hpp>

#include "bench_util.hpp"

namespace xj = xjax;

int main() {
  bench::print_machine();
  xj::set_num_threads(1);
#ifdef XJAX_BENCH_NATIVE
  const char* build = "XJAX_NATIVE=ON";
#else
  const char* build = "default";
#endif
  const long n = 10000000;
  std::vector<float> host(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) host[static_cast<std::size_t>(i)] = static_cast<float>(i % 1000) / 250.0f - 2.0f;
  const xj::Array x = xj::array(host);
  const xj::Array m = xj::reshape(x, {10000, 1000});
  auto w1 = [](const xj::Array& v) { return xj::sum(xj::sin(v) * v + xj::exp(-(v * v))); };
  auto w1_jit = xj::jit(w1);
  auto sum_jit = xj::jit([](const xj::Array& v) { return xj::sum(v); });
  auto softmax_jit = xj::jit([](const xj::Array& v) { return xj::nn::softmax(v, -1); });
  auto report = [&](const char* what, auto fn) {
    bench::Stats s = bench::time_it(fn, 2, 15);
    char head[128];
    std::snprintf(head, sizeof head, "dispatch build=%s %s", build, what);
    bench::print(head, s);
  };
  report("W1 eager n=1e7", [&] { bench::keep(w1(x)); });
  report("W1 jit n=1e7", [&] { bench::keep(w1_jit(x)); });
  report("sum eager n=1e7", [&] { bench::keep(xj::sum(x)); });
  report("sum jit n=1e7", [&] { bench::keep(sum_jit(x)); });
  report("softmax jit 10000x1000", [&] { bench::keep(softmax_jit(m)); });
  return 0;
}
