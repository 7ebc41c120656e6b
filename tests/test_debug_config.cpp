// The debugging switches of xjax::config: debug_nans/debug_infs, disable_jit, check_tracer_leaks and
// log_compiles, each set in code and by its environment variable.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {
// Sets a config switch for one scope.
struct Switch {
  std::atomic<bool>& flag;
  bool saved;
  explicit Switch(std::atomic<bool>& f) : flag(f), saved(f.exchange(true)) {}
  ~Switch() { flag = saved; }
};

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The FloatingPointError f throws (fails the test if it throws nothing or something else).
template <class F>
xj::FloatingPointError floating_error(F f) {
  try {
    f();
  } catch (const xj::FloatingPointError& e) {
    return e;
  }
  FAIL("expected xjax::FloatingPointError");
  return xj::FloatingPointError("", "");
}

Array leaked;  // where the leak tests keep a tracer
const double inf = std::numeric_limits<double>::infinity();
}  // namespace

TEST_CASE("debug_nans: an eager primitive that makes a NaN is named with its input types") {
  Array x = xj::array({4.f, -1.f});
  CHECK(std::isnan(xj::test::values(xj::log(x))[1]));  // off by default: NaN is a value like any other
  Switch on(xj::config.debug_nans);
  auto e = floating_error([&] { xj::log(x); });
  CHECK(e.op() == "log");
  CHECK(contains(e.what(), "debug_nans: NaN in output 0 (f32[2]) at flat index 1, computed from inputs (f32[2])"));
  e = floating_error([&] { xj::array({1.0, 2.0}) * xj::array({inf, 0.0}) - inf; });
  CHECK(e.op() == "sub");  // inf is not a NaN: the subtraction that makes inf - inf is blamed
  // Infinities pass unless debug_infs is on; integers are never checked.
  CHECK((xj::array({1.f}) / xj::array({0.f})).item<float>() == INFINITY);
  CHECK(xj::floor_divide(xj::array({1}), xj::array({0})).item<int>() == 0);
  // State is intact: the input is unchanged and the next call works.
  CHECK(xj::test::values(x) == std::vector<double>{4.0, -1.0});
  CHECK(xj::log(xj::array({1.f})).item<float>() == 0.f);
}

TEST_CASE("debug_infs: division by zero is named; negative infinity too") {
  Switch on(xj::config.debug_infs);
  auto e = floating_error([] { xj::array({1.0, 2.0}) / xj::array({1.0, 0.0}); });
  CHECK(e.op() == "div");
  CHECK(contains(e.what(), "debug_infs: inf in output 0 (f64[2]) at flat index 1"));
  e = floating_error([] { xj::log(xj::array(0.0)); });
  CHECK(contains(e.what(), "debug_infs: -inf"));
  CHECK(std::isnan(xj::log(xj::array(-1.0)).item<double>()));  // NaNs are debug_nans' business
}

TEST_CASE("debug_nans: a NaN made inside a jitted, vmapped function is traced to its primitive") {
  auto f = [](const Array& x) { return xj::sum(xj::sqrt(x - 1.0) * 2.0 + x); };
  auto jf = xj::jit(xj::vmap(f));
  Array ok = jf(xj::array({{2.f, 5.f}, {1.f, 10.f}}));
  Array bad = xj::array({{2.f, 5.f}, {0.f, 10.f}});
  CHECK(std::isnan(xj::test::values(jf(bad))[1]));
  Switch on(xj::config.debug_nans);
  auto e = floating_error([&] { jf(bad); });
  CHECK(e.op() == "sqrt");
  CHECK(contains(e.what(), "NaN in output 0 (f32[2,2]) at flat index 2"));
  CHECK(contains(e.what(), "found by running the jitted"));
  CHECK(contains(e.what(), "without jit: equation 2 of "));
  // The same under grad, eagerly: the NaN of the cotangent is found where it is made.
  e = floating_error([&] { xj::grad([](const Array& x) { return xj::sum(xj::sqrt(x)); })(xj::array({-1.0})); });
  CHECK(e.op() == "sqrt");
  // Earlier results are intact and clean inputs still run.
  CHECK(xj::test::values(ok) == (std::vector<double>{13.0, 17.0}));
  CHECK(xj::test::values(jf(xj::array({{2.f}, {5.f}}))) == std::vector<double>{4.0, 9.0});
}

TEST_CASE("debug_nans: a NaN in a jitted function's argument is blamed on the first primitive that uses it") {
  auto jf = xj::jit([](const Array& x) { return x * 2.0 + 1.0; });
  Switch on(xj::config.debug_nans);
  auto e = floating_error([&] { jf(xj::array({std::nan(""), 1.0})); });
  CHECK(e.op() == "mul");
  CHECK(contains(e.what(), "equation 1 of 2"));
}

TEST_CASE("disable_jit: jit(f) runs f on concrete values at every call") {
  int calls = 0;
  auto jf = xj::jit([&](const Array& x) {
    ++calls;
    return x * 2.0;
  });
  jf(xj::array({2.0, 3.0}));
  jf(xj::array({2.0, 3.0}));
  CHECK(calls == 1);  // traced once, then the compiled program ran
  Switch off(xj::config.disable_jit);
  jf(xj::array({2.0, 3.0}));
  jf(xj::array({2.0, 3.0}));
  CHECK(calls == 3);
  CHECK(jf.stats().misses == 1);  // the cache is untouched
  // f sees concrete values, so it can read them; results keep their structure and static
  // arguments reach f as their C++ values.
  auto g = xj::jit<1>([](const Array& x, int k) { return std::pair{x * x.data<double>()[0], x * static_cast<double>(k)}; });
  auto [a, b] = g(xj::array({2.0, 3.0}), 3);
  CHECK(xj::test::values(a) == std::vector<double>{4.0, 6.0});
  CHECK(xj::test::values(b) == std::vector<double>{6.0, 9.0});
}

TEST_CASE("disable_jit: control flow runs the C++ functions in a plain loop on concrete values") {
  std::vector<double> seen;
  auto body = [&](const Array& c, const Array& x) {
    seen.push_back(x.item<double>());  // item() on a traced value would throw
    return std::pair{c + x, c * x};
  };
  Array xs = xj::array({1.0, 2.0, 3.0});
  auto [traced_c, traced_ys] = xj::scan([](const Array& c, const Array& x) { return std::pair{c + x, c * x}; }, 0.0, xs,
                                        {.reverse = true});
  Switch off(xj::config.disable_jit);
  auto [c, ys] = xj::scan(body, 0.0, xs, {.reverse = true});
  CHECK(seen == std::vector<double>{3.0, 2.0, 1.0});
  CHECK(c.item<double>() == traced_c.item<double>());
  CHECK(c.dtype() == traced_c.dtype());
  CHECK(xj::test::values(ys) == xj::test::values(traced_ys));

  int steps = 0;
  Array w = xj::while_loop([&](const Array& v) { return v < 100.0; },
                           [&](const Array& v) {
                             ++steps;
                             return v * 3.0;
                           },
                           xj::array(1.0));
  CHECK(w.item<double>() == 243.0);
  CHECK(steps == 5);
  Array bounded = xj::while_loop([](const Array& v) { return v < 100.0; }, [](const Array& v) { return v * 3.0; },
                                 xj::array(1.0), {.max_iterations = 2});
  CHECK(bounded.item<double>() == 9.0);

  std::vector<std::int64_t> indices;
  Array sum = xj::fori_loop(0, 4, [&](const Array& i, const Array& acc) {
    indices.push_back(i.item<std::int64_t>());
    return acc + i;
  }, xj::array(0));
  CHECK(indices == std::vector<std::int64_t>{0, 1, 2, 3});
  CHECK(sum.item<int>() == 6);

  int branch_calls = 0;
  auto r = xj::cond(xj::array(true), [&](const Array& v) { ++branch_calls; return v + 1.0; },
                    [&](const Array& v) { ++branch_calls; return v - 1.0; }, xj::array(1.0));
  CHECK(r.item<double>() == 2.0);
  CHECK(branch_calls == 1);  // only the branch taken runs
  CHECK(xj::test::values(xj::map([](const Array& v) { return v * v; }, xs)) == std::vector<double>{1, 4, 9});

  // A carry whose type changes is the same error as when traced; under a transformation the
  // primitives are used as usual.
  CHECK_THROWS_AS(xj::while_loop([](const Array& v) { return xj::sum(v) < 10.0; },
                                 [](const Array& v) { return xj::concatenate({v, v}); }, xj::array({1.0})),
                  xj::TransformError);
  Array g = xj::grad([](const Array& k) {
    return xj::scan([&](const Array& c, const Array& x) { return std::pair{c * k + x, std::tuple<>{}}; }, 1.0,
                    xj::array({1.0, 1.0})).first;
  })(xj::array(2.0));
  CHECK(g.item<double>() == doctest::Approx(5.0));  // c = k^2 + k + 1
}

TEST_CASE("check_tracer_leaks: a tracer kept past its transformation is reported with its origin") {
  auto leak_sin = [](const Array& x) {
    leaked = xj::sin(x) * 2.0;
    return x + 1.0;
  };
  // Off: the leak goes unnoticed until the tracer is used.
  xj::vmap(leak_sin)(xj::array({1.0, 2.0}));
  CHECK_THROWS_AS(leaked + 1.0, xj::TransformError);
  leaked = Array();

  Switch on(xj::config.check_tracer_leaks);
  try {
    xj::vmap(leak_sin)(xj::array({1.0, 2.0}));
    FAIL("expected a leak report");
  } catch (const xj::TransformError& e) {
    CHECK(e.op() == "vmap");
    CHECK(contains(e.what(), "1 tracer outlived the transformation: f64[] made by 'mul' (operation 2 under it)"));
  }
  leaked = Array();
  auto keep_input = [](const Array& x) {
    leaked = x;
    return x * x;
  };
  try {
    xj::jit(keep_input)(xj::array({1.f}));
    FAIL("expected a leak report");
  } catch (const xj::TransformError& e) {
    CHECK(contains(e.what(), "[staging (jit/make_jaxpr)] 1 tracer outlived"));
    CHECK(contains(e.what(), "f32[1] made as an input of it"));
  }
  leaked = Array();
  CHECK_THROWS_AS(xj::grad([](const Array& x) { leaked = xj::exp(x); return x * 2.0; })(xj::array(1.0)),
                  xj::TransformError);
  leaked = Array();
  // Clean functions, nested transformations and control flow report nothing.
  auto clean = [](const Array& x) {
    return xj::sum(xj::scan([](const Array& c, const Array& v) { return std::pair{c + v, c * v}; }, 0.0, x).second);
  };
  CHECK(xj::jit(xj::vmap(xj::grad(clean)))(xj::array({{1.0, 2.0}, {3.0, 4.0}})).shape() == xj::Shape{2, 2});
  CHECK(xj::hessian(clean)(xj::array({1.0, 2.0})).shape() == xj::Shape{2, 2});
}

TEST_CASE("config: switches start from the environment") {
  for (const char* name : {"XJAX_DEBUG_NANS", "XJAX_DEBUG_INFS", "XJAX_DISABLE_JIT", "XJAX_CHECK_TRACER_LEAKS"}) {
    ::setenv(name, "1", 1);
    xj::Config c;
    std::string n = name;
    CHECK((n == "XJAX_DEBUG_NANS") == c.debug_nans.load());
    CHECK((n == "XJAX_DEBUG_INFS") == c.debug_infs.load());
    CHECK((n == "XJAX_DISABLE_JIT") == c.disable_jit.load());
    CHECK((n == "XJAX_CHECK_TRACER_LEAKS") == c.check_tracer_leaks.load());
    ::unsetenv(name);
  }
}

// Run by the CTest entry xjax_environment, which sets the variables before the process starts.
TEST_CASE("config: a process started with XJAX_* variables has every switch on" * doctest::skip()) {
  CHECK(xj::num_threads() == 3);
  CHECK(xj::config.debug_nans.load());
  CHECK(xj::config.debug_infs.load());
  CHECK(xj::config.disable_jit.load());
  CHECK(xj::config.check_tracer_leaks.load());
  CHECK(xj::config.log_compiles.load());
  CHECK_THROWS_AS(xj::log(xj::array({-1.0})), xj::FloatingPointError);
  int calls = 0;
  auto f = xj::jit([&](const Array& x) {
    ++calls;
    return x + 1.0;
  });
  f(xj::array(1.0));
  f(xj::array(1.0));
  CHECK(calls == 2);
  CHECK_THROWS_AS(xj::vmap([](const Array& x) { leaked = x; return x; })(xj::array({1.0})), xj::TransformError);
  leaked = Array();
}

TEST_CASE("log_compiles: a miss caused by a dtype change is explained") {
  xj::test::QuietTier tier;
  std::vector<std::string> lines;
  auto previous = xj::config.set_log_sink([&](const std::string& l) { lines.push_back(l); });
  {
    Switch on(xj::config.log_compiles);
    auto f = xj::jit([](const Array& x) { return x * 2.0; }, xj::JitOptions{.name = "double_it"});
    f(xj::array({1.f, 2.f}));
    f(xj::array({1.0, 2.0}));
  }
  xj::config.set_log_sink(previous);
  REQUIRE(lines.size() == 2);
  CHECK(contains(lines[1], "[jit] compiled double_it for (f64[2])"));
  CHECK(contains(lines[1], "argument 0 is f64[2] where the cached program has f32[2]: dtype float64 vs float32"));
}

TEST_CASE("log sink: a sink may call jitted functions, log, and replace itself without deadlock") {
  xj::test::QuietTier tier;
  std::vector<std::string> lines;
  auto inner = xj::jit([](const Array& x) { return x + 1.0; }, xj::JitOptions{.name = "inner"});
  std::function<void(const std::string&)> previous;
  int calls = 0;
  previous = xj::config.set_log_sink([&](const std::string& l) {
    lines.push_back(l);
    if (++calls == 1) {
      inner(xj::array({1.f}));  // compiles (and logs) from inside the sink
      xj::config.set_log_sink([&](const std::string& again) { lines.push_back("second: " + again); });  // one-shot
    }
  });
  {
    Switch on(xj::config.log_compiles);
    auto outer = xj::jit([](const Array& x) { return x * 2.0; }, xj::JitOptions{.name = "outer"});
    outer(xj::array({1.f, 2.f}));
    xj::config.log("after");
  }
  xj::config.set_log_sink(previous);
  REQUIRE(lines.size() == 3);
  CHECK(contains(lines[0], "compiled outer"));
  CHECK(contains(lines[1], "compiled inner"));
  CHECK(lines[2] == "second: after");
}

TEST_CASE("softmax and log_softmax over an empty axis return the empty input, as in JAX") {
  const Array x = xj::zeros({3, 0});
  CHECK(xj::nn::softmax(x).shape() == xj::Shape{3, 0});
  CHECK(xj::nn::log_softmax(x, 1).shape() == xj::Shape{3, 0});
  CHECK(xj::nn::softmax(xj::zeros({0, 4}, xj::int32), 0).dtype() == xj::float32);
  CHECK_THROWS_AS(xj::nn::softmax(xj::array(1.0f)), xj::IndexError);
}
