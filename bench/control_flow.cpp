// Control flow: a 1000-step fori_loop (a scan) eagerly and under jit, against the same steps as an
// unrolled C++ loop of eager ops and a hand-written scalar loop; a cond eagerly and under jit.
#include <cstdio>

#include <xjax/core.hpp>

#include "bench_util.hpp"

namespace xj = xjax;
using xj::Array;

int main() {
  bench::print_machine();
  const int steps = 1000;
  Array x = xj::array(1.0);
  auto body = [](const Array&, const Array& c) { return c * 0.99 + 0.01; };
  auto loop = [&](const Array& x0) { return xj::fori_loop(0, steps, body, x0); };
  auto jloop = xj::jit(loop);
  auto eager = bench::time_it([&] { bench::keep(loop(x)); }, 3, 21);
  auto jitted = bench::time_it([&] { bench::keep(jloop(x)); }, 3, 21);
  auto unrolled = bench::time_it(
      [&] {
        Array c = x;
        for (int i = 0; i < steps; ++i) c = c * 0.99 + 0.01;
        bench::keep(c);
      },
      3, 21);
  auto hand = bench::time_it(
      [&] {
        volatile double c = 1.0;
        for (int i = 0; i < steps; ++i) c = c * 0.99 + 0.01;
        bench::keep(c);
      },
      3, 21, 100);
  std::printf("fori_loop steps=%d eager_us_per_step=%.3f jit_us_per_step=%.3f unrolled_eager_us_per_step=%.3f "
              "hand_loop_us_per_step=%.4f\n",
              steps, eager.median_ms * 1e3 / steps, jitted.median_ms * 1e3 / steps, unrolled.median_ms * 1e3 / steps,
              hand.median_ms * 1e3 / steps);
  auto branch = [](const Array& v) {
    return xj::cond(v > 0, [](const Array& u) { return u * 2.0; }, [](const Array& u) { return -u; }, v);
  };
  auto jbranch = xj::jit(branch);
  auto ce = bench::time_it([&] { bench::keep(branch(x)); }, 10, 21, 100);
  auto cj = bench::time_it([&] { bench::keep(jbranch(x)); }, 10, 21, 100);
  std::printf("cond eager_us=%.3f jit_us=%.3f\n", ce.median_ms * 1e3, cj.median_ms * 1e3);
}
