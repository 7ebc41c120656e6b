// User code the library calls back — debug callbacks, custom derivative rules, loop bodies, the log
// sink — may call xjax again, jitted functions included (the one running, too): no library lock is
// held around user code. Each case runs under a deadline, so a deadlock fails instead of hanging.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <string>
#include <vector>

#include "testing.hpp"
#include "xjax/config.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;
using xj::test::within_deadline;

TEST_CASE("reentrancy: a debug callback inside a jitted function calls jitted functions, itself included") {
  within_deadline("debug callback calling jit", 60, [] {
    auto helper = xj::jit([](const Array& v) { return xj::sum(v * v); });
    std::vector<double> seen;
    std::function<Array(const Array&)> outer_fn;
    auto outer = xj::jit([&](const Array& x) {
      xj::debug::callback(
          [&](const Array& v) {
            seen.push_back(helper(v).item<double>());
            if (v.size() == 3) seen.push_back(outer_fn(xj::array({1.0, 2.0})).item<double>());  // itself, another shape
          },
          x);
      return x * 2.0;
    });
    outer_fn = [&](const Array& v) { return xj::sum(outer(v)); };
    Array y = outer(xj::array({1.0, 2.0, 3.0}));
    CHECK(y[2].item<double>() == 6.0);
    CHECK(seen == std::vector<double>{14.0, 5.0, 6.0});
  });
}

TEST_CASE("reentrancy: custom derivative rules call jitted functions") {
  within_deadline("custom rules calling jit", 60, [] {
    auto square = xj::jit([](const Array& v) { return v * v; });
    auto f = xj::custom_jvp([](const Array& x) { return xj::sin(x); },
                            [&](const xj::Arrays& p, const xj::Arrays& t) {
                              return std::pair{xj::sin(p[0]), t[0] * (1.0 - square(xj::sin(p[0])))};  // cos^2 as 1 - sin^2
                            });
    CHECK(xj::grad(f)(xj::array(0.0)).item<double>() == doctest::Approx(1.0));
    CHECK(xj::jit(xj::grad(f))(xj::array(0.0)).item<double>() == doctest::Approx(1.0));
    auto g = xj::custom_vjp([](const Array& x) { return x * 3.0; },
                            [](const Array& x) { return std::pair{x * 3.0, xj::Arrays{x}}; },
                            [&](const xj::Arrays& res, const Array& ct) { return xj::Arrays{square(res[0]) * ct}; });
    CHECK(xj::grad(g)(xj::array(2.0)).item<double>() == 4.0);
  });
}

TEST_CASE("reentrancy: loop bodies and branches call jitted functions, on both tiers") {
  for (xj::JitTier tier : {xj::JitTier::interpreter, xj::JitTier::native, xj::JitTier::automatic}) {
    xj::test::TierScope scope(tier);
    within_deadline("loop bodies calling jit", 120, [] {
      auto step = xj::jit([](const Array& c) { return c * 0.5 + 1.0; });
      auto f = xj::jit([&](const Array& x) {
        Array y = xj::fori_loop(0, 20, [&](const Array&, const Array& c) { return step(c); }, x);
        return xj::cond(y > 1.0, [&](const Array& v) { return step(v); }, [](const Array& v) { return v; }, y);
      });
      for (int i = 0; i < 3; ++i) CHECK(f(xj::array(0.0)).item<double>() == doctest::Approx(2.0).epsilon(1e-5));
    });
  }
}

TEST_CASE("reentrancy: a log sink calls jitted functions while native code is compiled in the background") {
  within_deadline("log sink calling jit", 120, [] {
    xj::test::TierScope scope(xj::JitTier::automatic);
    auto in_sink = xj::jit([](const Array& v) { return v + 1.0; });
    (void)in_sink(xj::array(1.0));  // compiled before the sink is installed: its own log line would recurse
    std::atomic<int> lines{0};
    auto previous = xj::config.set_log_sink([&](const std::string&) {
      ++lines;
      (void)in_sink(xj::array(1.0));
    });
    xj::config.log_compiles = true;
    auto f = xj::jit([](const Array& x) {
      return xj::fori_loop(0, 10, [](const Array&, const Array& c) { return xj::tanh(c) + 0.5; }, x);
    });
    for (int i = 0; i < 3; ++i) (void)f(xj::array({0.1, 0.2}));
    xj::native::wait_for_background_compiles();
    xj::config.log_compiles = false;
    xj::config.set_log_sink(previous);
    CHECK(lines.load() >= 1);
  });
}

TEST_CASE("reentrancy: a log sink calls the function whose native compile it is logging") {
  if (!xj::has_native_jit()) return;
  within_deadline("log sink calling the function being compiled", 120, [] {
    xj::test::TierScope scope(xj::JitTier::native);
    auto f = xj::jit([](const Array& x) { return xj::exp(x) * 2.0; });
    std::atomic<int> lines{0}, calls{0};
    auto previous = xj::config.set_log_sink([&](const std::string& line) {
      ++lines;
      if (line.find("native:") != std::string::npos && calls++ == 0) CHECK(f(xj::array({1.0, 2.0}))[0].item<double>() == doctest::Approx(2 * std::exp(1.0)));
    });
    xj::config.log_compiles = true;
    CHECK(f(xj::array({1.0, 2.0}))[1].item<double>() == doctest::Approx(2 * std::exp(2.0)));
    xj::config.log_compiles = false;
    xj::config.set_log_sink(previous);
    CHECK(calls.load() == 1);
  });
}
