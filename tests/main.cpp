// doctest's main for the xjax test binaries. With XJAX_TEST_ISA=sse4|avx2|avx512 the run uses that
// instruction set (as XJAX_CPU_ISA would), and exits with 77, which CTest reports as skipped, when
// this CPU lacks it.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernels/isa.hpp"

int main(int argc, char** argv) {
  if (const char* isa = std::getenv("XJAX_TEST_ISA"); isa && *isa) {
    bool known = false;
    for (int i = 0; i < xjax::kernels::num_isas; ++i) {
      const auto set = static_cast<xjax::kernels::Isa>(i);
      if (std::strcmp(isa, xjax::kernels::isa_name(set)) != 0) continue;
      known = true;
      if (!xjax::kernels::cpu_supports(set)) {
        std::printf("XJAX_TEST_ISA=%s: this CPU lacks it; skipped\n", isa);
        return 77;
      }
      xjax::kernels::set_active_isa(set);
    }
    if (!known) {
      std::fprintf(stderr, "XJAX_TEST_ISA=%s: not an instruction set (sse4, avx2, avx512)\n", isa);
      return 2;
    }
  }
  return doctest::Context(argc, argv).run();
}
