// jit's cache: hits and misses with their explanations, static arguments, LRU eviction by entries
// and bytes, the compile log, and one jitted function called from many threads at once.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "testing.hpp"
#include "xjax/config.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

Array ramp(std::int64_t n, xj::DType d = xj::float32) {
  return (xj::arange(0, static_cast<double>(n), 1, xj::float64) / static_cast<double>(n) * 4.0 - 2.0).astype(d);
}
bool same(const Array& a, const Array& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() && xj::all(a == b).item<bool>();
}
bool close(const Array& a, const Array& b, double tol) {
  return a.shape() == b.shape() && xj::all(xj::abs(a.astype(xj::float64) - b.astype(xj::float64)) <= tol).item<bool>();
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A user type usable as a static argument: std::hash and ==.
struct Scale {
  double factor;
  bool operator==(const Scale&) const = default;
};

// Collects the compile log while alive.
struct LogCapture {
  xj::test::QuietTier tier;
  std::mutex mu;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> previous;
  LogCapture() {
    previous = xj::config.set_log_sink([this](const std::string& l) {
      std::lock_guard lock(mu);
      lines.push_back(l);
    });
    xj::config.log_compiles = true;
  }
  ~LogCapture() {
    xj::config.log_compiles = false;
    xj::config.set_log_sink(previous);
  }
};

}  // namespace

template <>
struct std::hash<Scale> {
  std::size_t operator()(const Scale& s) const { return std::hash<double>{}(s.factor); }
};

TEST_CASE("jit cache: same signature hits; a new shape, dtype, weak type or structure misses and says why") {
  int traces = 0;
  auto jf = xj::jit([&](const Array& x, const Array& y) {
    ++traces;
    return x * y;
  });
  CHECK(jf.explain_miss(ramp(4), ramp(4)) == "cache miss: the cache is empty");
  jf(ramp(4), ramp(4));
  CHECK(jf.explain_miss(ramp(4), ramp(4)) == "cache hit");
  CHECK(same(jf(ramp(4), ramp(4)), ramp(4) * ramp(4)));
  CHECK(traces == 1);
  CHECK(jf.stats().hits == 1);
  CHECK(jf.stats().misses == 1);

  CHECK(jf.explain_miss(ramp(5), ramp(4)) ==
        "cache miss: argument 0 is f32[5] where the cached program has f32[4]: extent of axis 0 5 vs 4");
  CHECK(jf.explain_miss(ramp(4), ramp(4, xj::float64)) ==
        "cache miss: argument 1 is f64[4] where the cached program has f32[4]: dtype float64 vs float32");
  CHECK(jf.explain_miss(xj::reshape(ramp(4), {2, 2}), ramp(4)) ==
        "cache miss: argument 0 is f32[2,2] where the cached program has f32[4]: rank 2 vs 1");
  // Two leaves differ: both are named.
  std::string both = jf.explain_miss(ramp(3), ramp(3, xj::int32));
  CHECK(contains(both, "argument 0 is f32[3] where the cached program has f32[4]: extent of axis 0 3 vs 4"));
  CHECK(contains(both, "argument 1 is i32[3] where the cached program has f32[4]: dtype int32 vs float32, extent of axis 0 3 vs 4"));

  // Weak types: a C++ scalar against a typed 0-d array of the same dtype.
  jf(ramp(4), xj::array(2.0));
  CHECK(jf.explain_miss(ramp(4), 2.0) ==
        "cache miss: argument 1 is weak f64[] where the cached program has f64[]: weak type (a C++ scalar) vs a typed "
        "array (closest of 2 cached signatures)");
  CHECK(traces == 2);
  CHECK(same(jf(ramp(4), 2.0), ramp(4) * 2.0));
  CHECK(traces == 3);

  // The closest of several entries is the one compared against.
  jf(ramp(8), ramp(8));
  CHECK(contains(jf.explain_miss(ramp(8), ramp(7)), "argument 1 is f32[7] where the cached program has f32[8]"));
}

TEST_CASE("jit cache: pytree arguments are named by path; a new structure misses") {
  auto jf = xj::jit([](const std::map<std::string, Array>& p, const std::vector<Array>& xs) {
    Array s = p.at("b");
    for (const Array& x : xs) s = s + xj::sum(x * p.at("w"));
    return s;
  });
  std::map<std::string, Array> p{{"w", ramp(3)}, {"b", ramp(2)}};
  jf(p, std::vector<Array>{ramp(3), ramp(3)});
  std::map<std::string, Array> q{{"w", ramp(3)}, {"b", ramp(5)}};
  CHECK(jf.explain_miss(q, std::vector<Array>{ramp(3), ramp(3)}) ==
        "cache miss: argument 0['b'] is f32[5] where the cached program has f32[2]: extent of axis 0 5 vs 2");
  CHECK(jf.explain_miss(p, std::vector<Array>{ramp(3), ramp(3), ramp(3)}) ==
        "cache miss: argument 1 is [f32[3], f32[3], f32[3]] where the cached program has [f32[3], f32[3]]: structure "
        "differs");
  CHECK(jf.explain_miss(p, std::vector<Array>{ramp(3), ramp(3, xj::float64)}) ==
        "cache miss: argument 1[1] is f64[3] where the cached program has f32[3]: dtype float64 vs float32");
}

TEST_CASE("jit cache: static arguments are C++ values, keyed by value") {
  int traces = 0;
  auto power = xj::jit<1>([&](const Array& x, int n) {
    ++traces;
    Array r = x;
    for (int i = 1; i < n; ++i) r = r * x;  // a C++ loop on the static value
    return r;
  });
  Array x = ramp(6);
  CHECK(same(power(x, 3), x * x * x));
  CHECK(same(power(x, 3), x * x * x));
  CHECK(traces == 1);
  CHECK(power.explain_miss(x, 2) ==
        "cache miss: static argument 1 is 2 where the cached program has 3: static value differs");
  CHECK(same(power(x, 2), x * x));
  CHECK(traces == 2);
  CHECK(power.stats().entries == 2);
  // Values of another C++ type are other keys (f receives them converted).
  CHECK(power.explain_miss(x, 2.0) ==
        "cache miss: static argument 1 has type double where the cached program has int: static type differs "
        "(closest of 2 cached signatures)");
  CHECK(same(power(x, 2.0), x * x));
  CHECK(traces == 3);

  // Strings (literals are compared by content), user types with std::hash, several static positions.
  auto act = xj::jit<0, 2>([](const std::string& kind, const Array& x, Scale s) {
    if (kind == "relu") return xj::nn::relu(x) * s.factor;  // C++ control flow on static values
    return xj::tanh(x) * s.factor;
  });
  CHECK(same(act("relu", x, Scale{2}), xj::nn::relu(x) * 2.0));
  CHECK(same(act(std::string("relu"), x, Scale{2}), xj::nn::relu(x) * 2.0));
  CHECK(act.stats().misses == 1);
  CHECK(same(act("tanh", x, Scale{2}), xj::tanh(x) * 2.0));
  CHECK(same(act("tanh", x, Scale{3}), xj::tanh(x) * 3.0));
  CHECK(act.stats().misses == 3);
  CHECK(act.explain_miss("relu", x, Scale{3}) ==
        "cache miss: static argument 0 is \"relu\" where the cached program has \"tanh\": static value differs "
        "(closest of 3 cached signatures)");
  std::string other = act.explain_miss("relu", x, Scale{4});
  CHECK(contains(other, "static argument 2 is a value of type"));
  CHECK(contains(other, "Scale"));
  // A static value used as a traced one would be: if on it is fine, no ConcretizationError.
  auto pick = xj::jit<1>([](const Array& x, bool flip) { return flip ? -x : x; });
  CHECK(same(pick(x, true), -x));
  CHECK(same(pick(x, false), x));
}

TEST_CASE("jit cache: least recently used programs are evicted at the entry bound") {
  auto jf = xj::jit([](const Array& x) { return xj::sin(x) + 1.0; }, xj::JitOptions{.max_entries = 2});
  jf(ramp(1));
  jf(ramp(2));
  jf(ramp(1));  // hit: size 1 is now the most recently used
  jf(ramp(3));  // evicts size 2
  CHECK(jf.stats().entries == 2);
  CHECK(jf.stats().evictions == 1);
  CHECK(jf.explain_miss(ramp(1)) == "cache hit");
  CHECK(jf.explain_miss(ramp(3)) == "cache hit");
  CHECK(jf.explain_miss(ramp(2)) != "cache hit");
  CHECK(same(jf(ramp(2)), xj::sin(ramp(2)) + 1.0));
  CHECK(jf.stats().misses == 4);
  CHECK(jf.stats().entries == 2);

  // No caching at all: every call compiles, and still computes.
  auto never = xj::jit([](const Array& x) { return x * 3.0; }, xj::JitOptions{.max_entries = 0});
  CHECK(same(never(ramp(4)), ramp(4) * 3.0));
  CHECK(same(never(ramp(4)), ramp(4) * 3.0));
  CHECK(never.stats().misses == 2);
  CHECK(never.stats().entries == 0);
}

TEST_CASE("jit cache: programs holding large constants are evicted at the byte bound") {
  Array table = ramp(100000);  // 400 kB, captured: a constant of every traced program
  auto f = [table](const Array& x) { return x * xj::sum(table * x[0]); };
  auto jf = xj::jit(f, xj::JitOptions{.max_bytes = 1000000});
  jf(ramp(2));
  CHECK(jf.stats().bytes >= 400000);
  jf(ramp(3));
  CHECK(jf.stats().entries == 2);
  jf(ramp(4));  // a third 400 kB program exceeds 1 MB: the oldest goes
  CHECK(jf.stats().entries == 2);
  CHECK(jf.stats().evictions == 1);
  CHECK(jf.stats().bytes <= 1000000);
  CHECK(jf.explain_miss(ramp(2)) != "cache hit");
  CHECK(jf.explain_miss(ramp(4)) == "cache hit");

  // A program larger than the bound alone is not kept, but the call still runs it.
  auto tiny = xj::jit(f, xj::JitOptions{.max_bytes = 1000});
  CHECK(close(tiny(ramp(5)), f(ramp(5)), 1e-2));  // float32 sums of 1e5 terms
  CHECK(tiny.stats().entries == 0);
  CHECK(tiny.stats().bytes == 0);
}

TEST_CASE("jit cache: the compile log has one line per compilation with name, signature and reason") {
  std::vector<std::string> lines;
  {
    LogCapture log;
    auto scaled = xj::jit<1>([](const Array& x, int k) { return x * static_cast<double>(k); },
                             xj::JitOptions{.name = "scaled"});
    scaled(ramp(4), 2);
    scaled(ramp(4), 2);
    scaled(ramp(5), 2);
    scaled(ramp(5), 3);
    auto unnamed = xj::jit([](const Array& x) { return x + 1.0; });
    unnamed(ramp(4));
    lines = log.lines;
  }
  REQUIRE(lines.size() == 4);
  CHECK(contains(lines[0], "[jit] compiled scaled for (f32[4], static 2) in "));
  CHECK(contains(lines[0], " ms: cache miss: the cache is empty"));
  CHECK(contains(lines[1], "[jit] compiled scaled for (f32[5], static 2)"));
  CHECK(contains(lines[1], "argument 0 is f32[5] where the cached program has f32[4]: extent of axis 0 5 vs 4"));
  CHECK(contains(lines[2], "static argument 1 is 3 where the cached program has 2: static value differs"));
  CHECK(contains(lines[3], "lambda"));  // the default name is the function's C++ type
  CHECK(contains(lines[3], "for (f32[4])"));

  // Off by default, and the environment variable turns it on for a fresh config.
  CHECK_FALSE(xj::config.log_compiles.load());
  ::setenv("XJAX_LOG_COMPILES", "1", 1);
  CHECK(xj::Config().log_compiles.load());
  ::setenv("XJAX_LOG_COMPILES", "0", 1);
  CHECK_FALSE(xj::Config().log_compiles.load());
  ::unsetenv("XJAX_LOG_COMPILES");
}

TEST_CASE("jit cache: 8 threads calling one jitted function concurrently get correct results") {
  auto f = [](const Array& x, int k) { return xj::sum(xj::sin(x) * x + xj::exp(-(x * x))) * static_cast<double>(k) + x; };
  std::vector<Array> inputs;
  for (std::int64_t n : {1, 2, 3, 5, 8, 100003}) inputs.push_back(ramp(n));
  std::vector<Array> expected;  // jitted once, serially: the concurrent calls must match bit for bit
  auto reference = xj::jit<1>(f);
  for (const Array& x : inputs) expected.push_back(reference(x, 2));

  for (std::size_t bound : {std::size_t{256}, std::size_t{2}}) {  // roomy, and constantly evicting
    CAPTURE(bound);
    auto jf = xj::jit<1>(f, xj::JitOptions{.max_entries = bound});
    LogCapture log;
    std::atomic<int> wrong{0}, errors{0};
    constexpr int per_thread = 24;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        try {
          for (int r = 0; r < per_thread; ++r) {
            std::size_t i = static_cast<std::size_t>(t + r) % inputs.size();
            if (!same(jf(inputs[i], 2), expected[i])) ++wrong;
          }
        } catch (...) {
          ++errors;
        }
      });
    for (std::thread& th : threads) th.join();
    CHECK(wrong.load() == 0);
    CHECK(errors.load() == 0);
    xj::JitCache::Stats s = jf.stats();
    CHECK(s.hits + s.misses == 8 * per_thread);
    CHECK(s.misses >= inputs.size());
    CHECK(s.entries == std::min(bound, inputs.size()));
    CHECK(log.lines.size() == s.misses);
  }
}
