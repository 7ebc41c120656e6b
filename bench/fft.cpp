// xj::fft against numpy.fft, in one run: n = 2^20 and n = 10^6 + 3 (a prime: Bluestein's algorithm),
// complex-to-complex in both precisions and real-to-complex and back. numpy runs as a child process
// (BENCH_PYTHON, default python3; it needs numpy) right after xjax's measurements of the same case.
// Usage: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE XJAX_NUM_THREADS=1 BENCH_PYTHON=python3 ./build/fft
#include <cstdio>
#include <cstdlib>
#include <string>

#include <xjax/core.hpp>

#include "bench_util.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

// numpy's best time (ms) for `call` on x = the same signal as here, of dtype `dtype`; -1 if unavailable.
double numpy_ms(const std::string& python, std::int64_t n, const char* dtype, const char* call) {
  const std::string script =
      "import numpy as np, timeit\n"
      "n = " + std::to_string(n) + "\n"
      "t = np.arange(n)\n"
      "x = (np.sin(t * 0.001) + 1j * np.cos(t * 0.37)).astype('" + dtype + "')\n"
      "if x.dtype.kind == 'f': x = np.sin(t * 0.001).astype('" + dtype + "')\n"
      "f = lambda: " + call + "\n"
      "f()\n"
      "print(min(timeit.repeat(f, number=1, repeat=15)) * 1e3)\n";
  const std::string command = python + " -c \"" + [&] {
    std::string escaped;
    for (char c : script) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
    return escaped;
  }() + "\" 2>/dev/null";
  FILE* p = popen(command.c_str(), "r");
  if (!p) return -1;
  double ms = -1;
  if (std::fscanf(p, "%lf", &ms) != 1) ms = -1;
  pclose(p);
  return ms;
}

}  // namespace

int main() {
  bench::print_machine();
  const char* env = std::getenv("BENCH_PYTHON");
  const std::string python = env ? env : "python3";
  for (std::int64_t n : {std::int64_t{1} << 20, std::int64_t{1000003}}) {
    const Array t = xj::arange(n, xj::float64);
    const Array signal = xj::complex(xj::sin(t * 0.001), xj::cos(t * 0.37));
    const Array real_signal = xj::sin(t * 0.001);
    struct Case {
      const char* name;
      Array x;
      Array (*fn)(const Array&);
      const char* dtype;
      const char* numpy_call;
    };
    const Case cases[] = {
        {"fft c64", signal.astype(xj::complex64), [](const Array& v) { return xj::fft::fft(v); }, "complex64",
         "np.fft.fft(x)"},
        {"fft c128", signal, [](const Array& v) { return xj::fft::fft(v); }, "complex128", "np.fft.fft(x)"},
        {"rfft f32", real_signal.astype(xj::float32), [](const Array& v) { return xj::fft::rfft(v); }, "float32",
         "np.fft.rfft(x)"},
        {"rfft f64", real_signal, [](const Array& v) { return xj::fft::rfft(v); }, "float64", "np.fft.rfft(x)"},
        {"irfft(rfft) f64", real_signal, [](const Array& v) { return xj::fft::irfft(xj::fft::rfft(v), v.shape()[0]); },
         "float64", "np.fft.irfft(np.fft.rfft(x), n)"},
    };
    for (const Case& c : cases) {
      const bench::Stats s = bench::time_it([&] { bench::keep(c.fn(c.x)); }, 2, 15);
      const double np_ms = numpy_ms(python, n, c.dtype, c.numpy_call);
      char extra[128];
      if (np_ms > 0) std::snprintf(extra, sizeof extra, "numpy_min_ms=%.4g xjax/numpy=%.2f", np_ms, s.min_ms / np_ms);
      else std::snprintf(extra, sizeof extra, "numpy: unavailable (%s)", python.c_str());
      bench::print("fft n=" + std::to_string(n) + " " + c.name, s, extra);
    }
  }
}
