// jit: cached compilation, optimisation passes, fused kernels, and jit inside other transforms.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
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
bool close(const Array& a, const Array& b, double tol) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         xj::all(xj::abs(a.astype(xj::float64) - b.astype(xj::float64)) <= tol).item<bool>();
}
std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("jit: W1 fuses into one kernel with no intermediate arrays and matches eager") {
  auto f = [](const Array& x) { return xj::sum(xj::sin(x) * x + xj::exp(-(x * x))); };
  auto jf = xj::jit(f);
  for (std::int64_t n : {1, 7, 1000, 1024, 1025, 100000}) {
    CAPTURE(n);
    Array x = ramp(n);
    CHECK(close(jf(x), f(x), 1e-6 * static_cast<double>(n)));
    Array x64 = ramp(n, xj::float64);
    CHECK(close(jf(x64), f(x64), 1e-9 * static_cast<double>(n)));
  }
  std::string text = jf.lower(ramp(1000)).as_text();
  CHECK(count(text, "\nfused kernel ") == 1);
  std::string kernel = text.substr(text.find("\nfused kernel "));
  kernel = kernel.substr(0, kernel.find('\n', 1));
  CHECK(kernel.find('*') == std::string::npos);  // nothing written to memory but the sum
  CHECK(kernel.find("sin, mul") != std::string::npos);
  CHECK(kernel.find("reduce_sum") != std::string::npos);
}

TEST_CASE("jit: the cache is keyed on shapes, dtypes and structure") {
  int traces = 0;
  auto jf = xj::jit([&](const Array& x) {
    ++traces;
    return x * 2.0 + 1.0;
  });
  jf(ramp(4));
  jf(ramp(4));
  CHECK(traces == 1);
  jf(ramp(5));
  jf(ramp(4, xj::float64));
  CHECK(traces == 3);
  CHECK(jf.stats().hits == 1);
  CHECK(jf.stats().misses == 3);
  CHECK(jf.stats().entries == 3);
}

TEST_CASE("jit: intermediate values that escape are materialised; other primitives run as calls") {
  auto f = [](const Array& x, const Array& w) {
    Array h = xj::tanh(xj::matmul(x, w) + 1.0);
    Array s = xj::sin(h) * h;
    return std::tuple{s, xj::sum(s, 0), xj::max(h)};
  };
  Array x = xj::reshape(ramp(12, xj::float64), {3, 4}), w = xj::reshape(ramp(8, xj::float64), {4, 2});
  auto [a, b, c] = f(x, w);
  auto [ja, jb, jc] = xj::jit(f)(x, w);
  CHECK(close(ja, a, 1e-12));
  CHECK(close(jb, b, 1e-12));
  CHECK(close(jc, c, 0));
}

TEST_CASE("jit: CSE, DCE, constant folding and x*1 simplification") {
  auto f = [](const Array& x) {
    Array unused = xj::exp(x) * 3.0;
    Array k = xj::array(2.0) * xj::array(3.0);  // folded
    return xj::sin(x) * 1.0 + xj::sin(x) * k;
  };
  xj::Lowered low = xj::jit(f).lower(ramp(8, xj::float64));
  const xj::Jaxpr& opt = *low.executable->jaxpr().jaxpr;
  std::size_t sins = 0, exps = 0;
  for (const auto& e : opt.eqns) {
    sins += e.prim->name == "sin";
    exps += e.prim->name == "exp";
  }
  CHECK(sins == 1);
  CHECK(exps == 0);
  CHECK(opt.eqns.size() == 3);  // sin, mul by 6, add
  Array x = ramp(8, xj::float64);
  CHECK(close(xj::jit(f)(x), f(x), 1e-12));
}

TEST_CASE("jit: products with an array of broadcast ones (reverse mode's seed) are dropped, and grad fuses into one kernel") {
  const std::int64_t n = 100000;  // too large to fold the ones into a constant
  auto f = [](const Array& v) { return xj::sum(xj::sin(v) * v + xj::exp(-(v * v))); };
  const Array x = ramp(n);
  xj::Lowered low = xj::jit(xj::grad(f)).lower(x);
  for (const auto& e : low.executable->jaxpr().jaxpr->eqns) {
    CAPTURE(e.prim->name);
    CHECK(e.prim->name != "broadcast_in_dim");
  }
  CHECK(low.as_text().find("(1 fused kernels;") != std::string::npos);
  CHECK(close(xj::jit(xj::grad(f))(x), xj::grad(f)(x), 0));
  // Filled with anything but one, or added as zeros (x + 0 is not x for x = -0): kept.
  auto g = [](const Array& v) {
    return std::make_tuple(v * xj::full(v.shape(), 2.0), v + xj::zeros(v.shape()), v * xj::ones(v.shape()));
  };
  const Array signed_zeros = xj::zeros({n}) * -1.0;
  const auto [twice, plus_zero, times_one] = xj::jit(g)(signed_zeros);
  CHECK(close(twice, signed_zeros * 2.0, 0));
  CHECK(xj::all(xj::signbit(plus_zero) == xj::signbit(signed_zeros + 0.0)).item<bool>());
  CHECK(xj::all(xj::signbit(times_one)).item<bool>());
}

TEST_CASE("jit: elementwise ops on broadcast scalars are computed on the scalars, which then fuse as literals") {
  const std::int64_t n = 100000;
  const Array x = ramp(n);
  auto relu_grad = xj::grad([](const Array& v) { return xj::sum(xj::nn::relu(v) * 3.0); });
  auto mixed = [](const Array& v) {
    return xj::where(v > 0.0, v, 0.0) + xj::maximum(v, 0.0) * xj::full(v.shape(), 2.0) + xj::ones(v.shape()) * 3.0 -
           xj::zeros(v.shape()).astype(xj::float32);
  };
  for (xj::JitTier tier : {xj::JitTier::interpreter, xj::JitTier::native}) {
    if (tier == xj::JitTier::native && !xj::has_native_jit()) continue;
    xj::test::TierScope scope(tier);
    xj::Lowered low = xj::jit(relu_grad).lower(x);
    for (const auto& e : low.executable->jaxpr().jaxpr->eqns) {
      CAPTURE(e.prim->name);
      CHECK(e.prim->name != "broadcast_in_dim");  // select_n(x <= 0, 3.0, 0.0): nothing materialised
    }
    CHECK(low.as_text().find("(1 fused kernels;") != std::string::npos);
    CHECK(close(xj::jit(relu_grad)(x), relu_grad(x), 0));
    CHECK(close(xj::jit(mixed)(x), mixed(x), 0));
    CHECK(close(xj::jit(mixed)(x[3]), mixed(x[3]), 0));
    CHECK(xj::jit(mixed).lower(x).as_text().find("broadcast_in_dim") == std::string::npos);
  }
}

TEST_CASE("jit: chains of transposes, reshapes and broadcasts become one equation (or none)") {
  auto names = [](const xj::Lowered& low) {
    std::vector<std::string> r;
    for (const auto& e : low.executable->jaxpr().jaxpr->eqns) r.push_back(e.prim->name);
    return r;
  };
  Array x = xj::reshape(ramp(24, xj::float64), {2, 3, 4});
  auto round_trip = [](const Array& v) { return xj::transpose(xj::transpose(v, {2, 0, 1}), {1, 2, 0}) * 2.0; };
  auto two_transposes = [](const Array& v) { return xj::transpose(xj::transpose(v, {2, 0, 1}), {0, 2, 1}) + 1.0; };
  auto reshapes = [](const Array& v) { return xj::reshape(xj::reshape(xj::reshape(v, {6, 4}), {4, 6}), {24}) - 1.0; };
  auto broadcasts = [](const Array& v) {
    Array row = xj::sum(v, {0, 1});  // (4,)
    return xj::broadcast_in_dim(xj::broadcast_in_dim(row, {3, 4}, {1}), {2, 3, 4}, {1, 2}) * v;
  };
  CHECK(names(xj::jit(round_trip).lower(x)) == std::vector<std::string>{"mul"});
  CHECK(names(xj::jit(two_transposes).lower(x)) == std::vector<std::string>{"transpose", "add"});
  CHECK(names(xj::jit(reshapes).lower(x)) == std::vector<std::string>{"reshape", "sub"});
  CHECK(count(xj::jit(broadcasts).lower(x).as_text(), "broadcast_in_dim") == 1);
  for (auto f : {+round_trip, +two_transposes, +reshapes, +broadcasts}) CHECK(close(xj::jit(f)(x), f(x), 0));
  // A transposed matrix product is the product with its operands swapped, as reverse mode makes
  // for weight gradients; not when the product is used elsewhere too.
  Array a2 = xj::reshape(ramp(12, xj::float64), {3, 4}), b2 = xj::reshape(ramp(15, xj::float64), {3, 5});
  auto weight_grad = [](const Array& u, const Array& w) { return xj::transpose(xj::dot_general(u, w, {0}, {0})); };
  CHECK(names(xj::jit(weight_grad).lower(a2, b2)) == std::vector<std::string>{"dot_general"});
  CHECK(close(xj::jit(weight_grad)(a2, b2), weight_grad(a2, b2), 1e-12));
  auto both = [&](const Array& u, const Array& w) {
    Array p = xj::matmul(xj::transpose(u), w);
    return std::pair{xj::transpose(p), p};
  };
  std::vector<std::string> both_names = names(xj::jit(both).lower(a2, b2));
  CHECK(std::count(both_names.begin(), both_names.end(), "dot_general") == 1);
  auto [t1, p1] = xj::jit(both)(a2, b2);
  CHECK(close(t1, both(a2, b2).first, 1e-12));
  CHECK(close(p1, both(a2, b2).second, 1e-12));
  // The first of two transposes stays when something else uses it.
  auto shared = [](const Array& v) {
    Array t = xj::transpose(v, {2, 0, 1});
    return std::pair{xj::transpose(t, {1, 2, 0}), t * 3.0};
  };
  auto [a, b] = xj::jit(shared)(x);
  CHECK(close(a, x, 0));
  CHECK(close(b, xj::transpose(x, {2, 0, 1}) * 3.0, 0));
}

TEST_CASE("jit: integer, bool and mixed-dtype chains, zero-size and 0-d inputs") {
  auto f = [](const Array& i, const Array& x) {
    Array m = (i % 3 == 0) & (x > 0.0);
    return std::tuple{xj::where(m, x * 2.0, -x), (i << 2) + i.astype(xj::uint32).astype(xj::int32), m};
  };
  Array i = xj::arange(0, 2000, 1, xj::int32), x = ramp(2000, xj::float32);
  auto [a, b, c] = f(i, x);
  auto [ja, jb, jc] = xj::jit(f)(i, x);
  CHECK(close(ja, a, 0));
  CHECK(close(jb, b, 0));
  CHECK(close(jc, c, 0));
  auto g = [](const Array& v) { return xj::sum(xj::exp(v)); };
  CHECK(close(xj::jit(g)(xj::zeros({0})), g(xj::zeros({0})), 0));
  CHECK(close(xj::jit(g)(xj::array(0.5f)), g(xj::array(0.5f)), 1e-7));
}

TEST_CASE("jit: inside grad and vmap, and grad/vmap inside jit") {
  auto f = [](const Array& x) { return xj::sum(xj::sin(x) * x); };
  Array x = ramp(6, xj::float64);
  CHECK(close(xj::grad(xj::jit(f))(x), xj::grad(f)(x), 1e-12));
  CHECK(close(xj::jit(xj::grad(f))(x), xj::grad(f)(x), 1e-12));
  Array xs = xj::reshape(ramp(12, xj::float64), {2, 6});
  CHECK(close(xj::vmap(xj::jit(f))(xs), xj::vmap(f)(xs), 1e-12));
  CHECK(close(xj::jit(xj::vmap(xj::grad(f)))(xs), xj::vmap(xj::grad(f))(xs), 1e-12));
  // a jitted closure over an outer tracer is right for every outer value
  auto outer = [](const Array& y) { return xj::jit([&](const Array& z) { return z * y; })(xj::array(3.0)); };
  CHECK(xj::grad(outer)(xj::array(2.0)).item<double>() == 3.0);
  CHECK(xj::grad(outer)(xj::array(5.0)).item<double>() == 3.0);
}

TEST_CASE("jit: nested jit compiles once, at the outermost level, and fuses across the boundary") {
  auto inner = xj::jit([](const Array& v) { return xj::sin(v) * v; });
  auto outer = xj::jit([&](const Array& v) { return xj::sum(inner(v) + inner(v * 2.0)); });
  Array x = ramp(1000);
  Array eager = xj::sum(xj::sin(x) * x + xj::sin(x * 2.0) * (x * 2.0));
  CHECK(close(outer(x), eager, 1e-3));
  CHECK(close(outer(x), eager, 1e-3));
  CHECK(outer.stats().compiles == 1);
  CHECK(inner.stats().misses == 1);    // traced once, replayed twice into the outer program
  CHECK(inner.stats().compiles == 0);  // never compiled on its own
  std::string text = outer.lower(x).as_text();
  CHECK(count(text, "(1 fused kernels") == 1);  // both calls and the sum in one kernel
  // grad and vmap of a jitted function replay it too; it compiles when it first runs concretely.
  CHECK(close(xj::grad([&](const Array& v) { return xj::sum(inner(v)); })(x), xj::cos(x) * x + xj::sin(x), 1e-5));
  CHECK(inner.stats().compiles == 0);
  inner(x);
  inner(x);
  CHECK(inner.stats().compiles == 1);
}

TEST_CASE("jit: one jitted function called from many threads") {
  auto jf = xj::jit([](const Array& x) { return xj::sum(xj::exp(x) - x); });
  Array x = ramp(5000, xj::float64);
  double want = xj::sum(xj::exp(x) - x).item<double>();
  std::vector<std::thread> pool;
  std::vector<double> got(8);
  for (std::size_t t = 0; t < got.size(); ++t)
    pool.emplace_back([&, t] {
      for (int k = 0; k < 20; ++k) got[t] = jf(x).item<double>();
    });
  for (auto& th : pool) th.join();
  for (double g : got) CHECK(g == doctest::Approx(want).epsilon(1e-12));
}

TEST_CASE("jit: wrong argument types for a compiled program are errors") {
  auto jf = xj::jit([](const Array& x) { return x + 1.0; });
  xj::Lowered low = jf.lower(ramp(4));
  CHECK_THROWS_AS(low.compile()->run({ramp(5)}), xj::ShapeError);
  CHECK_THROWS_AS(low.compile()->run({}), xj::ValueError);
  auto branch = xj::jit([](const Array& x) -> Array {
    if (x > 0) return x;
    return -x;
  });
  CHECK_THROWS_AS(branch(xj::array(1.0)), xj::ConcretizationError);
}

TEST_CASE("jit: a fused reduction reads its input after later ops in the same kernel") {
  // sum(c * d) is computed at the end of each tile; the tile of c * d must not be reused by d * -sin(c).
  auto f = [](const xj::Array& a, const xj::Array& c, const xj::Array& d) {
    xj::Array k = c * d, m = d * -xj::sin(c);
    return std::pair{xj::sum(k) + 0.5, d * a + m};
  };
  xj::Array a = xj::array(1.5), c = xj::array({0.1, 0.2, 0.3}), d = xj::array({1.0, 2.0, 3.0});
  auto [s, v] = xj::jit(f)(a, c, d);
  CHECK(s.item<double>() == doctest::Approx(0.1 + 0.4 + 0.9 + 0.5));
  CHECK(v[2].item<double>() == doctest::Approx(4.5 - 3.0 * std::sin(0.3)));
}

TEST_CASE("jit: inside grad, vmap and make_jaxpr a jitted function is one pjit call, compiled once") {
  xj::test::QuietTier tier;
  auto f = xj::jit([](const Array& x) { return xj::sum(xj::sin(x) * x); }, xj::JitOptions{.name = "f"});
  Array x = ramp(8, xj::float64);
  std::string jaxpr = xj::to_string(xj::make_jaxpr(f)(x));
  CHECK(count(jaxpr, "pjit[name=f jaxpr={") == 1);
  std::string grad_jaxpr = xj::to_string(xj::make_jaxpr(xj::grad(f))(x));
  CHECK(count(grad_jaxpr, "pjit[name=f") >= 1);
  CHECK(count(grad_jaxpr, "\n    b:f64[8] = sin") == 0);  // not inlined into the outer program
  std::vector<std::string> lines;
  auto previous = xj::config.set_log_sink([&](const std::string& l) { lines.push_back(l); });
  xj::config.log_compiles = true;
  Array g1 = xj::grad(f)(x);
  std::size_t after_first = lines.size();
  Array g2 = xj::grad(f)(x);
  std::size_t after_grad = lines.size();
  Array xs = xj::reshape(ramp(24, xj::float64), {3, 8});
  Array v1 = xj::vmap(f)(xs);
  std::size_t after_vmap = lines.size();
  Array v2 = xj::vmap(f)(xs);
  xj::config.log_compiles = false;
  xj::config.set_log_sink(previous);
  CHECK(after_first >= 1);
  CHECK(after_grad == after_first);  // the second grad runs the programs compiled by the first
  CHECK(after_vmap > after_grad);
  CHECK(lines.size() == after_vmap);
  CHECK(close(g1, xj::cos(x) * x + xj::sin(x), 1e-12));
  CHECK(close(g2, g1, 0));
  CHECK(close(v2, v1, 0));
  CHECK(close(v1, xj::sum(xj::sin(xs) * xs, 1), 1e-12));
  // jit(grad(jit(f))) compiles one program with the inner call inlined and fused
  auto outer = xj::jit(xj::grad(f));
  CHECK(close(outer(x), g1, 1e-12));
  CHECK(count(outer.lower(x).as_text(), "pjit") == 0);
}
