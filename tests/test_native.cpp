// jit's native tier: which programs it compiles, that they give the interpreter's bits, tiering,
// interruption of native loops, and the switch.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "testing.hpp"
#include "xjax/config.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;
using xj::test::TierScope;
using xj::test::identical;

namespace {

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// f jitted on each tier; the native program must have compiled (its as_text says so).
template <class F, class... Args>
void check_tiers(const F& f, const std::string& expect_tier, const Args&... args) {
  Array interpreted, native;
  std::string text;
  {
    TierScope tier(xj::JitTier::interpreter);
    interpreted = xj::jit(f)(args...);
  }
  {
    TierScope tier;
    auto jf = xj::jit(f);
    native = jf(args...);
    text = jf.lower(args...).as_text();
  }
  INFO(text);
  CHECK(contains(text, "tier: native: " + expect_tier));
  CHECK(identical(native, interpreted));
}

// Calls `call(thread, round)` `rounds` times on each of `threads` threads; no call may return false
// (a result unlike the expected one) or throw. Then waits for background compiles.
template <class F>
void call_from_threads(int threads, int rounds, const F& call) {
  std::atomic<int> wrong{0}, errors{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      try {
        for (int r = 0; r < rounds; ++r) wrong += !call(t, r);
      } catch (...) {
        ++errors;
      }
    });
  for (std::thread& th : pool) th.join();
  xj::native::wait_for_background_compiles();
  CHECK(wrong.load() == 0);
  CHECK(errors.load() == 0);
}

Array logistic(const Array& r, const Array& x0) {
  return xj::fori_loop(0, 1000, [&](const Array&, const Array& x) { return r * x * (1.0 - x); }, x0);
}

}  // namespace

#if XJAX_TEST_HAS_LLVM
TEST_CASE("native: the tier is available in a build with LLVM") { CHECK(xj::has_native_jit()); }
#endif

TEST_CASE("native: a fori_loop of a scalar body runs as one register region") {
  if (!xj::has_native_jit()) return;
  check_tiers(logistic, "the whole program", xj::array(3.7f), xj::array(0.25f));
  check_tiers(logistic, "the whole program", xj::array(3.7), xj::array(0.25));
}

TEST_CASE("native: while_loop with integer and bool carries, a cond inside, clamped cond indices") {
  if (!xj::has_native_jit()) return;
  auto collatz = [](const Array& n0) {
    auto state = std::make_tuple(n0, xj::array(0), xj::array(false));
    auto [n, steps, odd] = xj::while_loop(
        [](const auto& s) { return std::get<0>(s) != 1; },
        [](const auto& s) {
          const Array& n = std::get<0>(s);
          Array is_odd = (n % 2) == 1;
          Array next = xj::cond(
              is_odd, [](const Array& m) { return m * 3 + 1; }, [](const Array& m) { return xj::floor_divide(m, xj::array(2)); }, n);
          return std::make_tuple(next, std::get<1>(s) + 1, is_odd);
        },
        state);
    return xj::stack({n, steps, odd.astype(xj::int32)});
  };
  check_tiers(collatz, "the whole program", xj::array(27));
  auto pick = [](const Array& i, const Array& x) {
    return xj::switch_(i,
                       std::tuple{[](const Array& v) { return v + 1.0; }, [](const Array& v) { return v * 2.0; },
                                  [](const Array& v) { return -v; }},
                       x);
  };
  for (int i : {-5, 0, 1, 2, 9}) {
    CAPTURE(i);
    check_tiers(pick, "the whole program", xj::array(i), xj::array({1.5f, -2.0f, 3.0f}));
  }
}

TEST_CASE("native: an RK4 step on a 3-vector with slices, concatenation and transcendental functions") {
  if (!xj::has_native_jit()) return;
  auto rhs = [](const Array& y) {  // a damped pendulum with a third, decaying coordinate
    Array a = xj::slice_in_dim(y, 0, 1), b = xj::slice_in_dim(y, 1, 2), c = xj::slice_in_dim(y, 2, 3);
    return xj::concatenate({b, -xj::sin(a) - 0.1 * b, -0.5 * c});
  };
  auto solve = [rhs](const Array& y0) {
    double h = 0.01;
    return xj::fori_loop(0, 500, [&](const Array&, const Array& y) {
      Array k1 = rhs(y), k2 = rhs(y + (h / 2) * k1), k3 = rhs(y + (h / 2) * k2), k4 = rhs(y + h * k3);
      return y + (h / 6) * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    }, y0);
  };
  check_tiers(solve, "the whole program", xj::array({1.0f, 0.0f, 2.0f}));
  check_tiers(solve, "the whole program", xj::array({1.0, 0.0, 2.0}));
}

TEST_CASE("native: fused loops over large arrays with reductions, every dtype, partial blocks") {
  if (!xj::has_native_jit()) return;
  auto w1 = [](const Array& x) { return xj::sum(xj::sin(x) * x + xj::exp(-(x * x))); };
  auto mixed = [](const Array& x) {
    Array i = (x * 100.0).astype(xj::int32);
    Array u = xj::abs(i).astype(xj::uint32);
    Array picked = xj::where((i % 7) > 3, x * 2.0, -x);
    return xj::stack({xj::sum(picked), xj::max(xj::sqrt(xj::abs(x))), xj::min(i.astype(x.dtype()) / 3.0),
                      xj::sum((u / 3).astype(x.dtype())), xj::sum(((i & 12) ^ 5).astype(x.dtype()))});
  };
  for (std::int64_t n : {1, 63, 64, 65, 1023, 1024, 1025, 100003}) {
    CAPTURE(n);
    for (xj::DType d : {xj::float32, xj::float64}) {
      Array x = (xj::arange(0, static_cast<double>(n), 1, xj::float64) / static_cast<double>(n) * 6.0 - 3.0).astype(d);
      check_tiers(w1, "1 fused loops", x);
      check_tiers(mixed, "", x);
    }
  }
}

TEST_CASE("native: conversions saturate as the eager kernels do, NaN and infinities included") {
  if (!xj::has_native_jit()) return;
  auto convert = [](const Array& x) {
    return xj::stack({x.astype(xj::int32).astype(xj::float64), x.astype(xj::uint32).astype(xj::float64),
                      x.astype(xj::int64).astype(xj::float64), x.astype(xj::bool_).astype(xj::float64)});
  };
  double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  Array x = xj::array({-inf, -1e20, -3.7, -0.0, 0.0, 0.5, 2.5, 3e9, 1e20, inf, nan});
  check_tiers(convert, "", x);
  check_tiers(convert, "", x.astype(xj::float32));
  check_tiers(convert, "", xj::concatenate({x, x, x, x, x, x, x}));  // 77 elements: a fused loop
}

TEST_CASE("native: a native while_loop that never ends stops on interrupt, and the next call works") {
  if (!xj::has_native_jit()) return;
  TierScope tier;
  auto forever = xj::jit([](const Array& x) {
    return xj::while_loop([](const Array& c) { return c > -1.0; }, [](const Array& c) { return c * 0.5 + 1.0; }, x);
  });
  CHECK(contains(forever.lower(xj::array(1.0)).as_text(), "tier: native"));
  std::atomic<bool> done{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    xj::interrupt();
    done = true;
  });
  CHECK_THROWS_AS(forever(xj::array(1.0)), xj::InterruptedError);
  stopper.join();
  CHECK(done.load());
  auto count = xj::jit([](const Array& x) {
    return xj::while_loop([](const Array& c) { return c < 10.0; }, [](const Array& c) { return c + 1.0; }, x);
  });
  CHECK(count(xj::array(0.0)).item<double>() == 10.0);
}

TEST_CASE("native: the automatic tier takes over in the background after the second call") {
  if (!xj::has_native_jit()) return;
  TierScope tier(xj::JitTier::automatic);
  const std::string cache = xj::config.compilation_cache_dir();  // cached code would run at once
  xj::config.set_compilation_cache_dir("");
  auto f = xj::jit([](const Array& x) { return xj::tanh(x) * 2.0 + 1.0; });
  Array x = xj::array({0.5f, -1.0f, 2.0f});
  Array first = f(x);
  CHECK(contains(f.lower(x).as_text(), "tier: interpreter"));
  Array second = f(x);
  std::string text;
  for (int i = 0; i < 2000 && !contains(text, "tier: native"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    text = f.lower(x).as_text();
  }
  INFO(text);
  CHECK(contains(text, "tier: native"));
  CHECK(identical(f(x), first));
  CHECK(identical(second, first));
  xj::config.set_compilation_cache_dir(cache);
}

TEST_CASE("native: the interpreter tier stays the interpreter; a bad XJAX_JIT_TIER is a ValueError") {
  {
    TierScope tier(xj::JitTier::interpreter);
    auto f = xj::jit([](const Array& x) { return x * 2.0; });
    for (int i = 0; i < 3; ++i) f(xj::array(1.0));
    CHECK(contains(f.lower(xj::array(1.0)).as_text(), "tier: interpreter"));
  }
  xj::config.bad_jit_tier = "fastest";
  auto g = xj::jit([](const Array& x) { return x * 3.0; });
  CHECK_THROWS_WITH_AS(g(xj::array(1.0)), doctest::Contains("XJAX_JIT_TIER=fastest"), xj::ValueError);
  xj::config.bad_jit_tier.clear();
  CHECK(g(xj::array(1.0)).item<double>() == 3.0);
}

TEST_CASE("native: integer division and remainder by zero and -1 give the kernels' results") {
  if (!xj::has_native_jit()) return;
  auto f = [](const Array& a, const Array& b) { return xj::stack({xj::floor_divide(a, b), a % b, a * b - a}); };
  std::int32_t lo = std::numeric_limits<std::int32_t>::min();
  Array a = xj::array({7, -7, 7, -7, lo, lo, 0, 5, 3});
  Array b = xj::array({2, 2, -2, -2, -1, 0, 0, -1, 7});
  check_tiers(f, "the whole program", a, b);
  check_tiers(f, "the whole program", a.astype(xj::int64), b.astype(xj::int64));
  check_tiers(f, "the whole program", xj::abs(a).astype(xj::uint32), xj::abs(b).astype(xj::uint32));
  Array big_a = xj::concatenate({a, a, a, a, a, a, a, a}), big_b = xj::concatenate({b, b, b, b, b, b, b, b});
  check_tiers(f, "", big_a, big_b);  // 72 elements: fused loops
}

TEST_CASE("native: threads calling one jitted function while its native code takes over get the same bits") {
  TierScope tier(xj::JitTier::automatic);
  auto f = xj::jit([](const Array& x) {
    Array y = xj::fori_loop(0, 50, [](const Array&, const Array& c) { return xj::sin(c) * 0.9 + 0.1; }, x);
    return xj::sum(y * y);
  });
  Array big = xj::linspace(-1.0f, 1.0f, 5000), small = xj::array({0.25f, 0.5f});
  Array want_big, want_small;
  {
    TierScope interpreted(xj::JitTier::interpreter);
    auto g = xj::jit([](const Array& x) {
      Array y = xj::fori_loop(0, 50, [](const Array&, const Array& c) { return xj::sin(c) * 0.9 + 0.1; }, x);
      return xj::sum(y * y);
    });
    want_big = g(big);
    want_small = g(small);
  }
  call_from_threads(8, 40, [&](int t, int r) {
    bool use_big = (t + r) % 2 == 0;
    return identical(f(use_big ? big : small), use_big ? want_big : want_small);
  });
  if (xj::has_native_jit()) CHECK(contains(f.lower(small).as_text(), "tier: native"));
  CHECK(identical(f(small), want_small));
}

TEST_CASE("native: a program of several large loops compiled in parts on several threads, called from threads") {
  // Four fused loops over arrays of different shapes, each with inlined tanh, exp and logistic.
  auto program = [](const Array& a, const Array& b, const Array& c) {
    auto loop = [](const Array& x) { return xj::nn::sigmoid(xj::tanh(x) * 2.0 - x) * xj::exp(-xj::abs(x)) - x * x; };
    return xj::stack({xj::max(loop(a)), xj::sum(loop(b)), xj::min(loop(c)), xj::mean(xj::tanh(a + 1.0) * xj::exp(a * 0.5))});
  };
  Array a = xj::linspace(-4.0, 4.0, 4001), b = xj::reshape(xj::linspace(-2.0, 3.0, 2400), {60, 40}),
        c = xj::linspace(-1.0, 5.0, 999);
  Array want;
  {
    TierScope interpreted(xj::JitTier::interpreter);
    want = xj::jit(program)(a, b, c);
  }
  {
    TierScope native;
    auto f = xj::jit(program);
    CHECK(identical(f(a, b, c), want));
    const std::string text = f.lower(a, b, c).as_text();
    INFO(text);
    CHECK(contains(text, "4 fused loops"));
    if (std::thread::hardware_concurrency() >= 2) CHECK(contains(text, "parts on as many threads"));
  }
  TierScope automatic(xj::JitTier::automatic);
  auto f = xj::jit(program);
  call_from_threads(4, 20, [&](int, int) { return identical(f(a, b, c), want); });
  CHECK(identical(f(a, b, c), want));
}

TEST_CASE("native: max and min propagate NaN and order zeros as the kernels do") {
  if (!xj::has_native_jit()) return;
  auto f = [](const Array& a, const Array& b) { return xj::stack({xj::maximum(a, b), xj::minimum(a, b)}); };
  double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  Array a = xj::array({0.0, -0.0, nan, 1.0, -inf, 2.0, nan, 3.0});
  Array b = xj::array({-0.0, 0.0, 1.0, nan, inf, 2.0, nan, -3.0});
  check_tiers(f, "the whole program", a, b);
  check_tiers(f, "the whole program", a.astype(xj::float32), b.astype(xj::float32));
  check_tiers(f, "the whole program", xj::array({-5, 7, 0, -1}), xj::array({3, 7, -2, 1}));
  check_tiers(f, "the whole program", xj::array({-5, 7, 0, -1}).astype(xj::uint32), xj::array({3, 7, -2, 1}).astype(xj::uint32));
}
