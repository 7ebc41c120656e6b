// The reproducibility promise: reductions give the same bits eager, jitted and through eval_jaxpr,
// for 1 and 2 threads and under every instruction set the CPU supports; elementwise kernels give the
// same bits under every instruction set.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>

#include <doctest/doctest.h>

#include "kernels/isa.hpp"
#include "xjax/config.hpp"
#include "xjax/core.hpp"
#include "xjax/linalg.hpp"

namespace xj = xjax;
using xj::Array;
using xj::kernels::Isa;

namespace {

bool same_bits(const Array& a, const Array& b) {
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) return false;
  const std::size_t bytes = static_cast<std::size_t>(a.size()) * (a.dtype() == xj::float32 ? 4 : 8);
  return a.dtype() == xj::float32 ? std::memcmp(a.data<float>(), b.data<float>(), bytes) == 0
                                  : std::memcmp(a.data<double>(), b.data<double>(), bytes) == 0;
}

std::vector<Isa> supported_isas() {
  std::vector<Isa> r;
  for (int i = 0; i < xj::kernels::num_isas; ++i)
    if (xj::kernels::cpu_supports(Isa(i))) r.push_back(Isa(i));
  return r;
}

// Restores the instruction set and thread count a test case found.
struct PathGuard {
  Isa isa = xj::kernels::active_isa();
  int threads = xj::num_threads();
  ~PathGuard() {
    xj::kernels::set_active_isa(isa);
    xj::set_num_threads(threads);
  }
};

using Fn = std::function<Array(const Array&)>;
struct Case {
  std::string name;
  Fn f;
};

std::vector<Case> reductions(int ndim) {
  std::vector<Case> c = {
      {"sum", [](const Array& x) { return xj::sum(x); }},
      {"mean", [](const Array& x) { return xj::mean(x); }},
      {"var", [](const Array& x) { return xj::var(x); }},
      {"std", [](const Array& x) { return xj::std(x); }},
      {"logsumexp", [](const Array& x) { return xj::logsumexp(x); }},
      {"prod", [](const Array& x) { return xj::prod(x * 0.001 + 1.0); }},
      {"cumsum", [](const Array& x) { return xj::cumsum(x); }},
      {"max", [](const Array& x) { return xj::max(x); }},
      {"norm", [](const Array& x) { return xj::linalg::norm(x); }},
      {"sum of squares (fused)", [](const Array& x) { return xj::sum(x * x + 1.0); }},
  };
  if (ndim == 2)
    for (int axis : {0, 1}) {
      const std::string a = " axis " + std::to_string(axis);
      c.push_back({"sum" + a, [axis](const Array& x) { return xj::sum(x, axis); }});
      c.push_back({"mean" + a, [axis](const Array& x) { return xj::mean(x, axis); }});
      c.push_back({"var" + a, [axis](const Array& x) { return xj::var(x, axis); }});
      c.push_back({"logsumexp" + a, [axis](const Array& x) { return xj::logsumexp(x, axis); }});
      c.push_back({"cumsum" + a, [axis](const Array& x) { return xj::cumsum(x, axis); }});
      c.push_back({"max" + a, [axis](const Array& x) { return xj::max(x, axis); }});
    }
  return c;
}

}  // namespace

TEST_CASE("reproducibility: reductions have the same bits eager, jitted, through eval_jaxpr, at 1 and 2 threads, "
          "under every instruction set") {
  PathGuard guard;
  const std::vector<Isa> isas = supported_isas();
  REQUIRE(!isas.empty());
  std::vector<xj::Shape> shapes = {{7}, {100}, {1023}, {1025}, {4099}, {100003}, {7, 3}, {100, 37}, {257, 130}};
#ifndef __SANITIZE_ADDRESS__  // several chunks of 32768 per thread; under ASan a minute more than it adds
  shapes.insert(shapes.end(), {{1000003}, {1000, 1003}, {3, 333335}});
#endif
  xj::Array key = xj::random::key(26);
  for (xj::DType dtype : {xj::float32, xj::float64}) {
    for (const xj::Shape& shape : shapes) {
      key = xj::random::fold_in(key, 1);
      const Array x = xj::random::normal(key, shape, dtype) * 3.0 + 0.25;
      for (const Case& c : reductions(static_cast<int>(shape.size()))) {
        CAPTURE(c.name);
        CAPTURE(x.aval());
        xj::kernels::set_active_isa(isas.front());
        xj::set_num_threads(1);
        const Array reference = c.f(x);
        auto jitted = xj::jit(c.f);
        const xj::ClosedJaxpr jaxpr = xj::make_jaxpr(c.f)(x);
        for (Isa isa : isas)
          for (int threads : {1, 2}) {
            const std::string isa_name = xj::kernels::isa_name(isa);
        CAPTURE(isa_name);
            CAPTURE(threads);
            xj::kernels::set_active_isa(isa);
            xj::set_num_threads(threads);
            CHECK(same_bits(c.f(x), reference));
            CHECK(same_bits(jitted(x), reference));
            CHECK(same_bits(xj::eval_jaxpr(jaxpr, {x})[0], reference));
          }
      }
    }
  }
}

TEST_CASE("reproducibility: elementwise kernels have the same bits under every instruction set") {
  PathGuard guard;
  const std::vector<Isa> isas = supported_isas();
  using Unary = Array (*)(const Array&);
  const std::vector<std::pair<const char*, Unary>> unary = {
      {"exp", xj::exp},     {"exp2", xj::exp2},   {"log", xj::log},       {"log1p", xj::log1p}, {"expm1", xj::expm1},
      {"sqrt", xj::sqrt},   {"rsqrt", xj::rsqrt}, {"cbrt", xj::cbrt},     {"sin", xj::sin},     {"cos", xj::cos},
      {"tan", xj::tan},     {"asin", xj::asin},   {"acos", xj::acos},     {"atan", xj::atan},   {"sinh", xj::sinh},
      {"cosh", xj::cosh},   {"tanh", xj::tanh},   {"asinh", xj::asinh},   {"acosh", xj::acosh}, {"atanh", xj::atanh},
      {"logistic", xj::logistic}, {"floor", xj::floor}, {"round", xj::round}, {"erf", xj::erf}, {"lgamma", xj::lgamma},
      {"abs", xj::abs},     {"neg", xj::neg}};
  xj::Array key = xj::random::key(7);
  for (xj::DType dtype : {xj::float32, xj::float64}) {
    // Values of every magnitude, both signs, and the special ones; 1037 is no multiple of any width.
    Array x = xj::concatenate({xj::random::normal(key, {1000}, dtype) * 4.0,
                               xj::exp(xj::random::uniform(key, {30}, dtype) * 80.0 - 40.0),
                               xj::array(std::vector<double>{0.0, -0.0, 1.0, -1.0, 1e-310, 88.7, -103.0})
                                   .astype(dtype)},
                              0);
    x = xj::concatenate({x, -x, x * x, xj::full({2}, std::numeric_limits<double>::infinity(), dtype),
                         xj::full({1}, std::numeric_limits<double>::quiet_NaN(), dtype)},
                        0);
    for (const auto& [op, f] : unary) {
      const std::string name = op;
      CAPTURE(name);
      CAPTURE(x.aval());
      xj::kernels::set_active_isa(isas.front());
      const Array reference = f(x);
      for (Isa isa : isas) {
        const std::string isa_name = xj::kernels::isa_name(isa);
        CAPTURE(isa_name);
        xj::kernels::set_active_isa(isa);
        CHECK(same_bits(f(x), reference));
        CHECK(same_bits(f(x[5]), reference[5]));  // a 0-d operand takes the same path
      }
    }
    const Array y = xj::flip(x, 0) + 0.5;
    for (Isa isa : isas) {
      const std::string isa_name = xj::kernels::isa_name(isa);
        CAPTURE(isa_name);
      xj::kernels::set_active_isa(isas.front());
      const Array reference = (x * y - x / y) + xj::maximum(x, y) - xj::minimum(x, 2.0);
      xj::kernels::set_active_isa(isa);
      CHECK(same_bits((x * y - x / y) + xj::maximum(x, y) - xj::minimum(x, 2.0), reference));
    }
  }
}

// float32 exp, sin and cos run on fused multiply-adds, emulated on SSE4.2 (kernels/unary_math.hpp):
// 2^20 bit patterns spread over every float, the same bits on every set and within the stated ulp of
// the function in double (sin and cos below 2^24, where their reduction is exact; beyond it, and
// for inf and NaN, only the bits are compared).
TEST_CASE("reproducibility: float32 exp, sin and cos have the same bits on every set and are within their ulp bound") {
  PathGuard guard;
  std::vector<float> host(std::size_t{1} << 20);
  for (std::size_t i = 0; i < host.size(); ++i) {
    const auto bits = static_cast<std::uint32_t>(i * 4093u + (i >> 7));  // strides over all 2^32 patterns
    std::memcpy(&host[i], &bits, 4);
  }
  const Array x = xj::array(host, {static_cast<std::int64_t>(host.size())});
  const std::vector<Isa> isas = supported_isas();
  struct Fn {
    const char* name;
    Array (*f)(const Array&);
    double (*ref)(double);
    int ulps;
    float checked_below;
  };
  const Fn fns[] = {{"exp", xj::exp, [](double v) { return std::exp(v); }, 1, INFINITY},
                    {"sin", xj::sin, [](double v) { return std::sin(v); }, 2, 16777216.f},
                    {"cos", xj::cos, [](double v) { return std::cos(v); }, 2, 16777216.f}};
  for (const Fn& fn : fns) {
    CAPTURE(fn.name);
    xj::kernels::set_active_isa(isas.front());
    const Array reference = fn.f(x);
    for (Isa isa : isas) {
      xj::kernels::set_active_isa(isa);
      CAPTURE(xj::kernels::isa_name(isa));
      CHECK(same_bits(fn.f(x), reference));
    }
    const float* got = reference.data<float>();
    int worse = 0, checked = 0;
    for (std::size_t i = 0; i < host.size(); ++i) {
      if (std::isnan(host[i])) {
        worse += !std::isnan(got[i]);
        continue;
      }
      if (!(std::fabs(host[i]) < fn.checked_below)) continue;
      ++checked;
      float lo = static_cast<float>(fn.ref(static_cast<double>(host[i]))), hi = lo;
      for (int k = 0; k < fn.ulps; ++k) lo = std::nextafter(lo, -INFINITY), hi = std::nextafter(hi, INFINITY);
      worse += !(got[i] >= lo && got[i] <= hi);  // more than `ulps` ulp off
    }
    CHECK(checked > 500000);
    CHECK(worse == 0);
  }
}

TEST_CASE("reproducibility: cpu_isa names the active set, and XJAX_CPU_ISA's names") {
  PathGuard guard;
  const std::string name = xj::cpu_isa();
  CHECK((name == "sse4" || name == "avx2" || name == "avx512"));
  for (Isa isa : supported_isas()) {
    xj::kernels::set_active_isa(isa);
    CHECK(xj::cpu_isa() == xj::kernels::isa_name(isa));
  }
  for (int i = 0; i < xj::kernels::num_isas; ++i)
    if (!xj::kernels::cpu_supports(Isa(i))) CHECK_THROWS_AS(xj::kernels::set_active_isa(Isa(i)), xj::ValueError);
}

TEST_CASE("config: XJAX_CPU_ISA naming no instruction set, or one the CPU lacks, is a ValueError naming what it has") {
  try {
    xj::kernels::choose_isa("avx9");
    FAIL("choose_isa accepted avx9");
  } catch (const xj::ValueError& e) {
    const std::string what = e.what();
    CHECK(what.find("avx9") != std::string::npos);
    CHECK(what.find("this CPU supports: sse4") != std::string::npos);
  }
  for (int i = 0; i < xj::kernels::num_isas; ++i) {
    const Isa isa = Isa(i);
    if (xj::kernels::cpu_supports(isa)) CHECK(xj::kernels::choose_isa(xj::kernels::isa_name(isa)) == isa);
    else CHECK_THROWS_WITH_AS(xj::kernels::choose_isa(xj::kernels::isa_name(isa)),
                              doctest::Contains("asks for more than this CPU has"), xj::ValueError);
  }
  CHECK(xj::kernels::choose_isa(nullptr) == xj::kernels::choose_isa(""));
}
