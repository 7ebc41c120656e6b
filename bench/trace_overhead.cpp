// Tracing overhead: ns per traced equation (make_jaxpr of a long elementwise chain), and the
// per-call cost of a small eager op (W5: x*2+1 on 10 floats) and of a cached jit call.
#include <cstdio>

#include <xjax/core.hpp>

#include "bench_util.hpp"

namespace xj = xjax;

int main() {
  bench::print_machine();
  const int chain = 1000;
  auto f = [&](const xj::Array& x) {
    xj::Array y = x;
    for (int i = 0; i < chain; ++i) y = xj::sin(y) * 1.5;
    return y;
  };
  xj::Array x = xj::array(std::vector<float>(10, 0.5f));
  std::size_t eqns = xj::make_jaxpr(f)(x).jaxpr->eqns.size();
  auto t = bench::time_it([&] { bench::keep(xj::make_jaxpr(f)(x)); }, 2, 20);
  std::printf("trace make_jaxpr eqns=%zu ns_per_eqn=%.1f\n", eqns, t.median_ms * 1e6 / static_cast<double>(eqns));
  auto w5 = [](const xj::Array& v) { return v * 2.0f + 1.0f; };
  auto e = bench::time_it([&] { bench::keep(w5(x)); }, 100, 20, 10000);
  std::printf("W5 impl=xjax_eager median_us=%.3f\n", e.median_ms * 1e3);
  auto jw5 = xj::jit(w5);
  auto j = bench::time_it([&] { bench::keep(jw5(x)); }, 100, 20, 10000);
  std::printf("W5 impl=xjax_jit median_us=%.3f\n", j.median_ms * 1e3);
}
