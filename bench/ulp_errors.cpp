// Accuracy of the elementwise functions: the largest error in units in the last place (ulp) over a
// sweep of inputs, float32 against the double-precision C library and float64 against long double,
// under the active instruction set (XJAX_CPU_ISA picks another; every set gives the same bits).
// The table in docs/numerics.md comes from this program.
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include <xjax/core.hpp>

#include "bench_util.hpp"

namespace xj = xjax;

namespace {

template <class T>
double ulp_error(T got, long double want) {
  if (std::isnan(want)) return std::isnan(got) ? 0 : std::numeric_limits<double>::infinity();
  if (std::isinf(want)) return got == static_cast<T>(want) ? 0 : std::numeric_limits<double>::infinity();
  const T w = static_cast<T>(want);
  T ulp = std::nextafter(std::abs(w), std::numeric_limits<T>::infinity()) - std::abs(w);
  if (!std::isfinite(ulp)) ulp = std::abs(w) - std::nextafter(std::abs(w), T(0));
  return static_cast<double>(std::abs(static_cast<long double>(got) - want) / ulp);
}

struct Fn {
  const char* name;
  xj::Array (*f)(const xj::Array&);
  long double (*ref)(long double);
  double lo, hi;  // the sweep
};

template <class T>
void sweep(const Fn& fn, xj::DType dtype) {
  const int n = 200001;
  std::vector<double> xs;
  for (int i = 0; i < n; ++i) xs.push_back(fn.lo + (fn.hi - fn.lo) * i / (n - 1));
  const xj::Array x = xj::array(xs).astype(dtype);
  const xj::Array y = fn.f(x);
  double worst = 0, at = 0;
  for (int i = 0; i < n; ++i) {
    const T xi = x.data<T>()[i];
    const double e = ulp_error<T>(y.data<T>()[i], fn.ref(static_cast<long double>(xi)));
    if (e > worst) worst = e, at = static_cast<double>(xi);
  }
  std::printf("| %s | %s | [%g, %g] | %.2f | %.6g |\n", fn.name, dtype == xj::float32 ? "float32" : "float64", fn.lo,
              fn.hi, worst, at);
}

}  // namespace

int main() {
  bench::print_machine();
  const std::vector<Fn> fns = {
      {"exp", xj::exp, [](long double x) { return std::exp(x); }, -80, 80},
      {"exp2", xj::exp2, [](long double x) { return std::exp2(x); }, -120, 120},
      {"expm1", xj::expm1, [](long double x) { return std::expm1(x); }, -10, 10},
      {"log", xj::log, [](long double x) { return std::log(x); }, 1e-30, 1e4},
      {"log1p", xj::log1p, [](long double x) { return std::log1p(x); }, -0.99, 10},
      {"sqrt", xj::sqrt, [](long double x) { return std::sqrt(x); }, 0, 1e6},
      {"rsqrt", xj::rsqrt, [](long double x) { return 1 / std::sqrt(x); }, 1e-6, 1e6},
      {"cbrt", xj::cbrt, [](long double x) { return std::cbrt(x); }, -1e6, 1e6},
      {"sin", xj::sin, [](long double x) { return std::sin(x); }, -100, 100},
      {"cos", xj::cos, [](long double x) { return std::cos(x); }, -100, 100},
      {"tan", xj::tan, [](long double x) { return std::tan(x); }, -1.5, 1.5},
      {"asin", xj::asin, [](long double x) { return std::asin(x); }, -1, 1},
      {"acos", xj::acos, [](long double x) { return std::acos(x); }, -1, 1},
      {"atan", xj::atan, [](long double x) { return std::atan(x); }, -100, 100},
      {"sinh", xj::sinh, [](long double x) { return std::sinh(x); }, -80, 80},
      {"cosh", xj::cosh, [](long double x) { return std::cosh(x); }, -80, 80},
      {"tanh", xj::tanh, [](long double x) { return std::tanh(x); }, -20, 20},
      {"asinh", xj::asinh, [](long double x) { return std::asinh(x); }, -1e4, 1e4},
      {"acosh", xj::acosh, [](long double x) { return std::acosh(x); }, 1, 1e4},
      {"atanh", xj::atanh, [](long double x) { return std::atanh(x); }, -0.999, 0.999},
      {"logistic", xj::logistic, [](long double x) { return 1 / (1 + std::exp(-x)); }, -80, 80},
      {"erf", xj::erf, [](long double x) { return std::erf(x); }, -5, 5},
      {"erfc", xj::erfc, [](long double x) { return std::erfc(x); }, -5, 9},
      {"lgamma", xj::lgamma, [](long double x) { return std::lgamma(x); }, 0.01, 100},
  };
  std::printf("| function | dtype | inputs | max ulp | at |\n|---|---|---|---|---|\n");
  for (const Fn& fn : fns) {
    sweep<float>(fn, xj::float32);
    sweep<double>(fn, xj::float64);
  }
  return 0;
}
