// Choosing the instruction set of the kernels: the CPU's features, capped by XJAX_CPU_ISA.
#include "kernels/isa.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "xjax/config.hpp"
#include "xjax/errors.hpp"

namespace xjax::kernels {
namespace {

// What each set is compiled with (CMakeLists.txt): x86-64-v2, -v3 and -v4, whose features the
// compiler may use anywhere in those files; the operating system must also save the wide registers,
// which __builtin_cpu_supports checks.
bool detect(Isa isa) {
  __builtin_cpu_init();
  switch (isa) {
    case Isa::sse4:
      return __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt");
    case Isa::avx2:
      return detect(Isa::sse4) && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
             __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
    case Isa::avx512:
      return detect(Isa::avx2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512cd");
  }
  return false;
}

std::string supported_list() {
  std::string s;
  for (int i = 0; i < num_isas; ++i)
    if (cpu_supports(Isa(i))) s += (s.empty() ? "" : ", ") + std::string(isa_name(Isa(i)));
  return s.empty() ? "none of them" : s;
}

std::atomic<int> active{-1};

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::sse4: return "sse4";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
  }
  return "?";
}

bool cpu_supports(Isa isa) {
  static const bool has[num_isas] = {detect(Isa::sse4), detect(Isa::avx2), detect(Isa::avx512)};
  return has[static_cast<int>(isa)];
}

Isa choose_isa(const char* cap) {
  if (cap && *cap) {
    for (int i = 0; i < num_isas; ++i)
      if (std::strcmp(cap, isa_name(Isa(i))) == 0) {
        if (!cpu_supports(Isa(i)))
          throw ValueError("XJAX_CPU_ISA", "'", cap, "' asks for more than this CPU has; it supports: ", supported_list());
        return Isa(i);
      }
    throw ValueError("XJAX_CPU_ISA", "unknown instruction set '", cap, "'; use sse4, avx2 or avx512 (this CPU supports: ",
                     supported_list(), ")");
  }
  for (int i = num_isas; i-- > 0;)
    if (cpu_supports(Isa(i))) return Isa(i);
  throw ValueError("xjax", "this CPU lacks SSE4.2 and POPCNT (x86-64-v2), the least xjax's kernels need");
}

Isa active_isa() {
  int a = active.load(std::memory_order_acquire);
  if (a >= 0) return Isa(a);
  Isa chosen = choose_isa(std::getenv("XJAX_CPU_ISA"));  // throws on a bad cap, every time it is asked
  int expected = -1;
  active.compare_exchange_strong(expected, static_cast<int>(chosen), std::memory_order_acq_rel);
  return Isa(active.load(std::memory_order_acquire));
}

void set_active_isa(Isa isa) {
  if (!cpu_supports(isa))
    throw ValueError("set_active_isa", "'", isa_name(isa), "' is not supported by this CPU; it supports: ", supported_list());
  active.store(static_cast<int>(isa), std::memory_order_release);
}

}  // namespace xjax::kernels

namespace xjax {
std::string cpu_isa() { return kernels::isa_name(kernels::active_isa()); }
}  // namespace xjax
