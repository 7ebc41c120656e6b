// The xjax::random samplers that transform uniform or normal bits against draws printed by JAX
// (tests/golden/random_samplers.inc, written by scripts/make_random_golden.py), vmap against a
// loop, jit against eager, gradients against finite differences, bad input; and split's
// structured bindings.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <numbers>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
namespace xr = xjax::random;
using xj::Array;
using xj::DType;
using xj::Shape;

namespace {

struct Golden {
  std::string name;
  DType dtype;
  Shape shape;
  std::vector<std::uint64_t> values;  // float bit patterns, or integers
};

const std::vector<Golden>& golden_cases() {
  static const std::vector<Golden> cases = {
#include "golden/random_samplers.inc"
  };
  return cases;
}

Array k(std::int64_t seed) { return xr::key(seed); }

// The draws of scripts/make_random_golden.py, by name. `f` is the float dtype, `sfx` its suffix.
void add_float_draws(std::map<std::string, std::function<Array()>>& r, DType f, const std::string& sfx) {
  for (int s : {0, 42}) {
    std::string tail = "/" + std::to_string(s) + "/" + sfx;
    r["exponential" + tail] = [=] { return xr::exponential(k(s), {3, 4}, f); };
    r["gumbel_low" + tail] = [=] { return xr::gumbel(k(s), {6}, f, "low"); };
    r["gumbel_high" + tail] = [=] { return xr::gumbel(k(s), {2, 3}, f, "high"); };
    r["gumbel_highest" + tail] = [=] { return xr::gumbel(k(s), {2, 3}, f, "highest"); };
    r["laplace" + tail] = [=] { return xr::laplace(k(s), {7}, f); };
    r["logistic" + tail] = [=] { return xr::logistic(k(s), {7}, f); };
    r["cauchy" + tail] = [=] { return xr::cauchy(k(s), {7}, f); };
    r["rayleigh" + tail] = [=] { return xr::rayleigh(k(s), 2.0, Shape{5}, f); };
    r["maxwell" + tail] = [=] { return xr::maxwell(k(s), {2, 3}, f); };
    r["double_sided_maxwell" + tail] = [=] { return xr::double_sided_maxwell(k(s), 1.0, 2.0, {5}, f); };
    r["weibull_min" + tail] = [=] { return xr::weibull_min(k(s), 2.0, 1.5, {6}, f); };
    r["pareto" + tail] = [=] { return xr::pareto(k(s), 3.0, Shape{5}, f); };
    r["lognormal" + tail] = [=] { return xr::lognormal(k(s), 0.5, Shape{5}, f); };
    r["triangular" + tail] = [=] { return xr::triangular(k(s), 0.0, 0.3, 1.0, Shape{6}, f); };
    r["wald" + tail] = [=] { return xr::wald(k(s), 1.5, Shape{6}, f); };
  }
  Array vec = xj::array({0.5, 1.0, 2.0}).astype(f);
  std::string tail = "/" + sfx;
  r["rayleigh_vec" + tail] = [=] { return xr::rayleigh(k(3), vec, std::nullopt, f); };
  r["pareto_vec" + tail] = [=] { return xr::pareto(k(3), vec, std::nullopt, f); };
  r["lognormal_vec" + tail] = [=] { return xr::lognormal(k(3), vec, std::nullopt, f); };
  r["wald_vec" + tail] = [=] { return xr::wald(k(3), vec, std::nullopt, f); };
  r["weibull_min_vec" + tail] = [=] {
    return xr::weibull_min(k(3), vec, xj::reshape(xj::array({0.5, 3.0}), {2, 1}).astype(f), {2, 3}, f);
  };
  r["triangular_vec" + tail] = [=] { return xr::triangular(k(3), -vec, xj::zeros({3}, f), vec, std::nullopt, f); };
  Array half = xj::array(0.5).astype(f);
  r["double_sided_maxwell_vec" + tail] = [=] { return xr::double_sided_maxwell(k(3), vec, half, {}, f); };
  r["double_sided_maxwell_vec2" + tail] = [=] { return xr::double_sided_maxwell(k(3), vec, half, {2}, f); };
  r["rademacher_float" + tail] = [=] { return xr::rademacher(k(5), {9}, f); };
  r["exponential_big" + tail] = [=] { return xr::exponential(k(7), {300}, f); };
  r["gumbel_big" + tail] = [=] { return xr::gumbel(k(7), {300}, f); };
  r["gumbel_highest_big" + tail] = [=] { return xr::gumbel(k(7), {300}, f, "highest"); };
  r["lognormal_big" + tail] = [=] { return xr::lognormal(k(7), xj::array(0.7).astype(f), Shape{300}, f); };
  Array p = xj::array({0.1, 0.2, 0.3, 0.15, 0.05, 0.2}).astype(f);
  Array m = xj::reshape(xj::arange(12.0, f), {3, 4});
  Array p4 = xj::slice_in_dim(p, 0, 4);
  r["geometric" + tail] = [=] { return xr::geometric(k(8), xj::array(0.3).astype(f), Shape{12}); };
  r["geometric_vec" + tail] = [=] { return xr::geometric(k(8), xj::array({0.9, 0.5, 0.05}).astype(f)); };
  r["choice_p" + tail] = [=] { return xr::choice(k(9), 6, {10}, true, p); };
  r["choice_p_noreplace" + tail] = [=] { return xr::choice(k(9), 6, {4}, false, p); };
  r["choice_p_matrix" + tail] = [=] { return xr::choice(k(10), m, {2, 2}, true, p4, 1); };
  r["choice_p_noreplace_matrix" + tail] = [=] { return xr::choice(k(10), m, {3}, false, p4, 1); };
}

const std::map<std::string, std::function<Array()>>& recipes() {
  static const auto table = [] {
    std::map<std::string, std::function<Array()>> r;
    add_float_draws(r, xj::float32, "f32");
    add_float_draws(r, xj::float64, "f64");
    for (int s : {0, 42}) {
      std::string tail = "/" + std::to_string(s);
      r["rademacher" + tail] = [=] { return xr::rademacher(k(s), {10}); };
      r["choice" + tail] = [=] { return xr::choice(k(s), 10, {4}); };
      r["choice_noreplace" + tail] = [=] { return xr::choice(k(s), 10, {2, 3}, false); };
    }
    Array m = xj::reshape(xj::arange(20.0, xj::float32), {4, 5});
    r["choice_matrix"] = [=] { return xr::choice(k(11), m, {2, 3}); };
    r["choice_matrix_axis1"] = [=] { return xr::choice(k(11), m, {3}, true, std::nullopt, 1); };
    r["choice_noreplace_matrix"] = [=] { return xr::choice(k(11), m, {3}, false); };
    r["choice_noreplace_matrix_axis1"] = [=] { return xr::choice(k(11), m, {5}, false, std::nullopt, 1); };
    r["choice_noreplace_all"] = [=] { return xr::choice(k(12), 1000, {1000}, false); };
    return r;
  }();
  return table;
}

// The same float bit pattern (a value read back from float64 into the case's dtype).
bool same_bits(double a, double b, DType d) {
  if (d == xj::float32) {
    float x = static_cast<float>(a), y = static_cast<float>(b);
    return std::memcmp(&x, &y, 4) == 0;
  }
  return std::memcmp(&a, &b, 8) == 0;
}

double from_bits(std::uint64_t v, DType d) {
  if (d == xj::float32) {
    auto w = static_cast<std::uint32_t>(v);
    float f;
    std::memcpy(&f, &w, 4);
    return f;
  }
  double x;
  std::memcpy(&x, &v, 8);
  return x;
}

// How far from JAX a case may land, in units of eps(dtype) * max(|value|, 1) (relative error,
// absolute near zero where gumbel and laplace cancel). Arithmetic on uniforms (+, -, *, /, sqrt,
// comparisons) is correctly rounded in both libraries, so triangular, rademacher, geometric,
// choice and every integer result must match bit for bit (budget 0). log, log1p, exp, tan, pow
// and erf_inv are not correctly rounded: float32 results land within 4 eps of JAX's (2 at worst
// when this was written). In float64, XLA's log1p is off the true value by up to ~100 eps
// (JAX's own draws recomputed with numpy from the same uniforms differ from it by 92.5 eps for
// gumbel_highest_big; xjax matches numpy to an ulp) and XLA's erf_inv differs from xjax's, so
// float64 results get 128 eps.
double allowed_error(const std::string& name, DType d) {
  static const std::set<std::string> transcendental = {
      "exponential", "gumbel_low", "gumbel_high", "gumbel_highest", "gumbel",  "laplace",     "logistic", "cauchy",
      "rayleigh",    "maxwell",    "double_sided_maxwell",  "weibull_min", "pareto",   "lognormal", "wald"};
  std::string base = name.substr(0, name.find('/'));
  for (const char* suffix : {"_vec2", "_vec", "_big"})
    if (base.size() > std::strlen(suffix) && base.ends_with(suffix)) base.resize(base.size() - std::strlen(suffix));
  if (!transcendental.contains(base)) return 0;
  return d == xj::float32 ? 4 : 128;
}

bool same(const Array& a, const Array& b) { return xj::test::identical(a, b); }

}  // namespace

TEST_CASE("random samplers: every golden case matches JAX's draws") {
  const auto& table = recipes();
  CHECK(golden_cases().size() == table.size());
  for (const Golden& g : golden_cases()) {
    CAPTURE(g.name);
    auto it = table.find(g.name);
    REQUIRE_MESSAGE(it != table.end(), "no recipe for ", g.name);
    Array got = it->second();
    REQUIRE(got.shape() == g.shape);
    std::vector<double> v = xj::test::values(got);
    if (!xj::is_floating(g.dtype)) {
      // JAX with x64 returns int64 indices and counts where xjax keeps int32: the values agree.
      for (std::size_t i = 0; i < v.size(); ++i) CHECK(v[i] == static_cast<double>(static_cast<std::int64_t>(g.values[i])));
      continue;
    }
    CHECK(got.dtype() == g.dtype);
    double budget = allowed_error(g.name, g.dtype), worst = 0;
    double eps = g.dtype == xj::float32 ? 0x1p-23 : 0x1p-52;
    for (std::size_t i = 0; i < v.size(); ++i) {
      double want = from_bits(g.values[i], g.dtype);
      if (budget == 0 || !std::isfinite(want)) {
        CHECK_MESSAGE(same_bits(v[i], want, g.dtype), g.name, "[", i, "]: ", v[i], " != ", want);
        continue;
      }
      worst = std::max(worst, std::abs(v[i] - want) / (eps * std::max(std::abs(want), 1.0)));
    }
    CHECK_MESSAGE(worst <= budget, g.name, ": error ", worst, " eps, allowed ", budget);
  }
}

TEST_CASE("random samplers: vmap over keys equals a loop, and jit equals eager") {
  Array keys = xr::split(xr::key(21), 5);
  for (DType f : {xj::float32, xj::float64}) {
    CAPTURE(f);
    auto draw = [f](const Array& key) {
      return std::vector<Array>{
          xr::exponential(key, {3}, f),
          xr::gumbel(key, {3}, f),
          xr::gumbel(key, {3}, f, "high"),
          xr::gumbel(key, {3}, f, "highest"),
          xr::laplace(key, {3}, f),
          xr::logistic(key, {3}, f),
          xr::cauchy(key, {3}, f),
          xr::rademacher(key, {3}),
          xr::rayleigh(key, xj::array({1.0, 2.0, 3.0}).astype(f), std::nullopt, f),
          xr::maxwell(key, {3}, f),
          xr::double_sided_maxwell(key, 0.5, 2.0, {3}, f),
          xr::weibull_min(key, 1.0, 2.0, {3}, f),
          xr::pareto(key, 2.0, Shape{3}, f),
          xr::lognormal(key, 0.3, Shape{3}, f),
          xr::triangular(key, -1.0, 0.0, 2.0, Shape{3}, f),
          xr::wald(key, 1.0, Shape{3}, f),
          xr::geometric(key, xj::array(0.25).astype(f), Shape{3}),
          xr::choice(key, 7, {3}),
          xr::choice(key, 7, {3}, false),
          xr::choice(key, 7, {3}, true, xj::array({1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0}).astype(f)),
          xr::choice(key, 7, {3}, false, xj::array({1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0}).astype(f)),
      };
    };
    auto batched = xj::vmap([&](const Array& key) { return draw(key); })(keys);
    auto jitted = xj::jit([&](const Array& key) { return draw(key); });
    for (int i = 0; i < 5; ++i) {
      std::vector<Array> one = draw(keys[i]);
      std::vector<Array> traced = jitted(keys[i]);
      for (std::size_t s = 0; s < one.size(); ++s) {
        CAPTURE(i);
        CAPTURE(s);
        CHECK(same(batched[s][i], one[s]));
        CHECK(same(traced[s], one[s]));
      }
    }
  }
  // A traced count cannot size the population (JAX raises a concretization error too).
  CHECK_THROWS_AS(xj::jit([](const Array& key, const Array& n) { return xr::choice(key, n, {2}); })(xr::key(0), xj::array(5)),
                  xj::ConcretizationError);
}

TEST_CASE("random samplers: gradients with respect to the parameters match finite differences") {
  Array key = xr::key(4);
  const DType f = xj::float64;
  Array pos = xj::array({0.7, 1.3, 2.1});
  xj::check_grads([&](const Array& s) { return xr::lognormal(key, s, std::nullopt, f); }, std::tuple{pos});
  xj::check_grads([&](const Array& b) { return xr::pareto(key, b, std::nullopt, f); }, std::tuple{pos});
  xj::check_grads([&](const Array& s) { return xr::rayleigh(key, s, std::nullopt, f); }, std::tuple{pos});
  xj::check_grads([&](const Array& m) { return xr::wald(key, m, std::nullopt, f); }, std::tuple{pos});
  xj::check_grads([&](const Array& s, const Array& c) { return xr::weibull_min(key, s, c, {3}, f); },
                  std::tuple{pos, pos + 0.5});
  xj::check_grads([&](const Array& l, const Array& s) { return xr::double_sided_maxwell(key, l, s, {4}, f); },
                  std::tuple{xj::array(0.3), xj::array(1.7)});
  xj::check_grads([&](const Array& l, const Array& m, const Array& r) { return xr::triangular(key, l, m, r, Shape{6}, f); },
                  std::tuple{xj::array(-1.0), xj::array(0.2), xj::array(1.5)}, 1);
  // d lognormal / d sigma = z exp(sigma z) with z the standard normal draw behind it.
  Array z = xr::normal(key, {3}, f);
  Array g = xj::grad([&](const Array& s) { return xj::sum(xr::lognormal(key, s, std::nullopt, f)); })(pos);
  CHECK(xj::allclose(g, z * xj::exp(pos * z), 1e-12).item<bool>());
}

TEST_CASE("random samplers: shapes, dtypes and edge cases") {
  Array key = xr::key(1);
  CHECK(xr::exponential(key).shape() == Shape{});
  CHECK(xr::exponential(key, {0, 3}).shape() == Shape{0, 3});
  CHECK(xr::rademacher(key, {4}).dtype() == xj::int32);
  CHECK(xr::rademacher(key, {4}, xj::int64).dtype() == xj::int64);
  CHECK(xj::all(xj::abs(xr::rademacher(key, {50}, xj::float32)) == 1.0f).item<bool>());
  CHECK(xr::geometric(key, 0.5).dtype() == xj::int32);
  CHECK(xj::all(xr::geometric(key, 0.5, Shape{200}) >= 1).item<bool>());
  CHECK(xj::all(xr::geometric(key, 1.0, Shape{10}) == 1).item<bool>());
  CHECK(xr::lognormal(key).shape() == Shape{});
  CHECK(xr::pareto(key, xj::array({1.0f, 2.0f}), Shape{3, 2}).shape() == Shape{3, 2});
  // weibull_min draws `shape` uniforms and broadcasts the parameters against them, as JAX.
  CHECK(xr::weibull_min(key, xj::ones({3}), 1.0).shape() == Shape{3});
  // double_sided_maxwell appends the parameters' shape (JAX's rule).
  CHECK(xr::double_sided_maxwell(key, xj::zeros({2}), 1.0).shape() == Shape{2, 2});
  CHECK(xr::double_sided_maxwell(key, xj::zeros({2}), 1.0, {3}).shape() == Shape{3, 2});
  // choice: the population is never exceeded, draws without replacement are distinct.
  Array c = xr::choice(key, 50, {50}, false);
  CHECK(same(xj::sort(c), xj::arange(50)));
  CHECK(xr::choice(key, 5, {0}).shape() == Shape{0});
  CHECK(xr::choice(key, xj::zeros({4, 3}), {0}, true, std::nullopt, 1).shape() == Shape{4, 0});
  Array p = xj::array({0.0f, 0.5f, 0.0f, 0.5f});
  Array picks = xr::choice(key, 4, {200}, true, p);
  CHECK(xj::all((picks == 1) | (picks == 3)).item<bool>());
  CHECK(same(xj::sort(xr::choice(key, 4, {2}, false, p)), xj::array({1, 3})));
  // A weak p draws in float32, as a Python float in JAX.
  CHECK(same(xr::geometric(key, 0.3, Shape{5}), xr::geometric(key, xj::array(0.3f), Shape{5})));
  // Frequencies of the inverse-CDF choice.
  Array many = xr::choice(xr::key(2), 3, {30000}, true, xj::array({0.2f, 0.3f, 0.5f}));
  for (int i = 0; i < 3; ++i) {
    double freq = xj::mean((many == i).astype(xj::float64)).item<double>();
    CHECK(std::abs(freq - std::vector<double>{0.2, 0.3, 0.5}[static_cast<std::size_t>(i)]) < 0.015);
  }
  // Means of a few samplers against their closed forms.
  CHECK(std::abs(xj::mean(xr::exponential(xr::key(3), {40000}, xj::float64)).item<double>() - 1.0) < 0.03);
  CHECK(std::abs(xj::mean(xr::rayleigh(xr::key(3), 2.0, Shape{40000}, xj::float64)).item<double>() - 2.0 * std::sqrt(std::numbers::pi / 2)) < 0.03);
  CHECK(std::abs(xj::mean(xr::wald(xr::key(3), 1.5, Shape{40000}, xj::float64)).item<double>() - 1.5) < 0.05);
  CHECK(std::abs(xj::mean(xr::triangular(xr::key(3), 0.0, 0.3, 1.0, Shape{40000}, xj::float64)).item<double>() - 1.3 / 3) < 0.01);
}

TEST_CASE("random samplers: bad input raises typed errors naming the function") {
  Array key = xr::key(0);
  Array not_key = xj::array({1, 2});               // int32, not uint32
  Array wide_key = xj::zeros({3}, xj::uint32);     // wrong shape
  auto names = [](const char* op, auto&& f) {
    try {
      f();
      FAIL_CHECK("no error from ", op);
    } catch (const xj::Error& e) {
      CHECK_MESSAGE(std::string(e.what()).find(op) != std::string::npos, e.what());
    }
  };
  names("random.exponential", [&] { (void)xr::exponential(not_key); });
  names("random.gumbel", [&] { (void)xr::gumbel(wide_key); });
  names("random.laplace", [&] { (void)xr::laplace(key, {-1}); });
  names("random.logistic", [&] { (void)xr::logistic(key, {2}, xj::int32); });
  names("random.cauchy", [&] { (void)xr::cauchy(not_key); });
  names("random.rademacher", [&] { (void)xr::rademacher(key, {2}, xj::bool_); });
  names("random.choice", [&] { (void)xr::choice(key, 3, {4}, false); });
  names("random.rayleigh", [&] { (void)xr::rayleigh(key, xj::ones({3}), Shape{2}); });
  names("random.maxwell", [&] { (void)xr::maxwell(wide_key); });
  names("random.double_sided_maxwell", [&] { (void)xr::double_sided_maxwell(key, xj::ones({2}), xj::ones({3})); });
  names("random.weibull_min", [&] { (void)xr::weibull_min(not_key, 1.0, 1.0); });
  names("random.pareto", [&] { (void)xr::pareto(key, xj::ones({2}, xj::float64), std::nullopt, xj::float32); });
  names("random.lognormal", [&] { (void)xr::lognormal(key, 1.0, Shape{-2}); });
  names("random.triangular", [&] { (void)xr::triangular(key, 0.0, xj::ones({2}), xj::ones({3})); });
  names("random.wald", [&] { (void)xr::wald(wide_key, 1.0); });
  names("random.geometric", [&] { (void)xr::geometric(key, 0.5, std::nullopt, xj::float32); });

  CHECK_THROWS_AS(xr::exponential(not_key), xj::DTypeError);
  CHECK_THROWS_AS(xr::exponential(wide_key), xj::ShapeError);
  CHECK_THROWS_AS(xr::laplace(key, {-1}), xj::ValueError);
  CHECK_THROWS_AS(xr::logistic(key, {2}, xj::int32), xj::DTypeError);
  CHECK_THROWS_AS(xr::gumbel(key, {2}, xj::float32, "middle"), xj::ValueError);
  CHECK_THROWS_AS(xr::choice(key, 3, {4}, false), xj::ValueError);
  CHECK_THROWS_AS(xr::choice(key, xj::zeros({3, 2}), {2, 2}, false), xj::ValueError);
  CHECK_THROWS_AS(xr::choice(key, 0, {2}), xj::ValueError);
  CHECK_THROWS_AS(xr::choice(key, 2.5, {2}), xj::DTypeError);
  CHECK_THROWS_AS(xr::choice(key, 4, {2}, true, xj::ones({3})), xj::ShapeError);
  CHECK_THROWS_AS(xr::choice(key, xj::zeros({3, 2}), {1}, true, std::nullopt, 2), xj::IndexError);
  CHECK_THROWS_AS(xr::choice(key, 4, {-2}), xj::ValueError);
  CHECK_THROWS_AS(xr::choice(key, 4, {2}, false, xj::ones({4}), 0, "fast"), xj::ValueError);
  CHECK_THROWS_AS(xr::rayleigh(key, xj::ones({3}), Shape{2}), xj::ShapeError);
  CHECK_THROWS_AS(xr::pareto(key, xj::ones({2}, xj::float64), std::nullopt, xj::float32), xj::DTypeError);
  CHECK_THROWS_AS(xr::geometric(key, 0.5, std::nullopt, xj::float32), xj::DTypeError);
  CHECK_THROWS_AS(xr::geometric(key, xj::array(true)), xj::DTypeError);
  CHECK_THROWS_AS(xr::double_sided_maxwell(key, xj::ones({2}), xj::ones({3})), xj::ShapeError);
}

// ---- split's structured bindings ----

// Returning split(key) itself from transformed functions: pytrees take classes derived from Array as
// leaves and give them back as Arrays.
void check_split_returned_from_transforms(const Array& key) {
  static_assert(std::is_same_v<xj::array_tree_t<decltype(xr::split(key))>, Array>);
  auto f = [](const Array& k) { return xr::split(k); };
  CHECK(same(xj::jit(f)(key), xr::split(key, 2)));
  Array batched = xj::vmap(f)(xr::split(key, 3));
  CHECK(batched.shape() == Shape{3, 2, 2});
  CHECK(same(batched[1], xr::split(xr::split(key, 3)[1], 2)));
  auto tree = xj::tree_leaves(std::tuple{xr::split(key), xr::split<3>(key)});
  CHECK(tree.size() == 2);
}

TEST_CASE("random: split(key) unpacks with structured bindings and stays an Array") {
  Array key = xr::key(1701);
  Array two = xr::split(key, 2);
  static_assert(std::is_same_v<decltype(xr::split(key, 2)), Array>);
  static_assert(std::is_base_of_v<Array, decltype(xr::split(key))>);
  static_assert(!std::is_assignable_v<xr::SplitKeys<2>&&, const xr::SplitKeys<2>&>);  // as Array: no f(x) = y
  static_assert(!std::is_assignable_v<xr::SplitKeys<2>&, const Array&>);               // an Array may have any shape

  auto [k1, k2] = xr::split(key);
  CHECK(same(k1, two[0]));
  CHECK(same(k2, two[1]));
  static_assert(std::is_same_v<decltype(k1), Array>);

  auto [a, b, c] = xr::split<3>(key);
  Array three = xr::split(key, 3);
  CHECK(same(a, three[0]));
  CHECK(same(b, three[1]));
  CHECK(same(c, three[2]));
  const auto keys = xr::split<4>(key);
  const auto& [w, x, y, z] = keys;
  CHECK(same(z, xr::split(key, 4)[3]));
  CHECK(!same(w, x));
  CHECK(!same(y, z));

  // Everything an Array does: index, compare, store, pass, reassign.
  Array held = xr::split(key);
  CHECK(held.shape() == Shape{2, 2});
  CHECK(same(xr::split(key)[1], two[1]));
  CHECK(same(xr::split(key), two));
  std::vector<Array> list{xr::split(key), xr::split(key, 3)};
  CHECK(list[0].shape() == Shape{2, 2});
  held = xr::split(held[0]);
  CHECK(same(held, xr::split(two[0], 2)));
  CHECK(same(xj::stack({xr::split(key), xr::split(key)})[1], two));

  // Inside transformations: unpacking traced keys, and returning them as Arrays.
  auto draw = [](const Array& k0) {
    auto [u, v] = xr::split(k0);
    return xr::uniform(u, {2}) + xr::normal(v, {2});
  };
  Array keys4 = xr::split(key, 4);
  Array batched = xj::vmap(draw)(keys4);
  for (int i = 0; i < 4; ++i) CHECK(same(batched[i], draw(keys4[i])));
  CHECK(same(xj::jit(draw)(key), draw(key)));
  CHECK(same(xj::jit([](const Array& k0) -> Array { return xr::split(k0); })(key), two));
  CHECK(same(xj::jit([](const Array& k0) { return Array(xr::split<3>(k0)); })(key), three));
  Array grads = xj::grad([&](const Array& s) {
    auto [u, v] = xr::split(key);
    return xj::sum(xr::lognormal(u, s, Shape{3}, xj::float64) + xr::pareto(v, s, Shape{3}, xj::float64));
  })(xj::array(1.5));
  CHECK(std::isfinite(grads.item<double>()));

  check_split_returned_from_transforms(key);
}
