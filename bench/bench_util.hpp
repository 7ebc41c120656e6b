// Timing helpers shared by the benchmarks: medians over repeated calls, one line per measurement
// in the format of the peer baselines (../shared/peers), so results can be compared side by side.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <xjax/config.hpp>

namespace bench {

struct Stats {
  double median_ms, min_ms;
  int runs;
};

template <class F>
Stats time_it(F&& fn, int warmup, int runs, int inner = 1) {
  using clk = std::chrono::steady_clock;
  for (int i = 0; i < warmup; ++i) fn();
  std::vector<double> t(static_cast<std::size_t>(runs));
  for (auto& s : t) {
    auto t0 = clk::now();
    for (int i = 0; i < inner; ++i) fn();
    s = std::chrono::duration<double, std::milli>(clk::now() - t0).count() / inner;
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t[0], runs};
}

template <class T>
inline void keep(const T& v) {
  asm volatile("" : : "g"(&v) : "memory");
}

inline void print(const std::string& head, const Stats& s, const std::string& extra = "") {
  std::printf("%s median_ms=%.6g min_ms=%.6g runs=%d %s\n", head.c_str(), s.median_ms, s.min_ms, s.runs,
              extra.c_str());
  std::fflush(stdout);
}

// One line saying where the figures come from: the CPU model, the kernels' instruction set and the
// thread count (figures from different machines are not comparable).
inline void print_machine() {
  std::string model = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  std::printf("# machine: %s; xjax kernels: %s; threads: %d\n", model.c_str(), xjax::cpu_isa().c_str(),
              xjax::num_threads());
  std::fflush(stdout);
}

}  // namespace bench
