// Pytrees: flatten/unflatten round trips for every container kind, structs, tree_map, and
// transformations over pytree arguments.
#include <doctest/doctest.h>

#include <sstream>

#include "xjax/core.hpp"

namespace xj = xjax;

namespace demo {
struct Layer {
  xj::Array w, b;
};
struct Params {
  std::vector<Layer> layers;
  std::map<std::string, xj::Array> extra;
  double scale = 1.0;
};
}  // namespace demo
BOOST_HANA_ADAPT_STRUCT(demo::Layer, w, b);
BOOST_HANA_ADAPT_STRUCT(demo::Params, layers, extra, scale);

namespace {
struct Pair {
  BOOST_HANA_DEFINE_STRUCT(Pair, (xj::Array, first), (std::optional<xj::Array>, second));
};
double value(const xj::Array& a) { return a.item<double>(); }
}  // namespace

TEST_CASE("pytree: round trip of every container kind") {
  auto a = xj::array(1.0), b = xj::array(2.0), c = xj::array(3.0);
  std::tuple<xj::Array, std::pair<xj::Array, xj::Array>, std::vector<xj::Array>, std::array<xj::Array, 1>,
             std::map<std::string, xj::Array>, std::optional<xj::Array>, std::optional<xj::Array>>
      tree{a, {b, c}, {a, b}, {c}, {{"y", b}, {"x", a}}, c, std::nullopt};
  auto [leaves, def] = xj::tree_flatten(tree);
  REQUIRE(leaves.size() == 9);
  CHECK(def.num_leaves() == 9);
  // map leaves come in key order: x before y
  std::vector<double> got;
  for (const auto& l : leaves) got.push_back(value(l));
  CHECK(got == std::vector<double>{1, 2, 3, 1, 2, 3, 1, 2, 3});
  std::ostringstream s;
  s << def;
  CHECK(s.str() == "(*, (*, *), [*, *], array[*], {'x': *, 'y': *}, Some(*), None)");
  auto back = xj::tree_unflatten<decltype(tree)>(def, leaves);
  CHECK(value(std::get<1>(back).second) == 3);
  CHECK(value(std::get<4>(back).at("y")) == 2);
  CHECK(!std::get<6>(back).has_value());
  CHECK(def == xj::tree_flatten(back).second);
  CHECK(def.hash() == xj::tree_flatten(back).second.hash());
}

TEST_CASE("pytree: structs, nesting and scalar leaves") {
  demo::Params p{{{xj::array(1.0), xj::array(2.0)}, {xj::array(3.0), xj::array(4.0)}}, {{"t", xj::array(5.0)}}, 0.5};
  auto [leaves, def] = xj::tree_flatten(p);
  CHECK(leaves.size() == 6);
  std::ostringstream s;
  s << def;
  CHECK(s.str() == "struct{'layers': [struct{'w': *, 'b': *}, struct{'w': *, 'b': *}], 'extra': {'t': *}, 'scale': *}");
  demo::Params q = xj::tree_unflatten<demo::Params>(def, leaves);
  CHECK(value(q.layers[1].b) == 4);
  CHECK(q.scale == 0.5);
  Pair pr{xj::array(1.0), std::nullopt};
  auto [pl, pd] = xj::tree_flatten(pr);
  CHECK(pl.size() == 1);
  CHECK(!xj::tree_unflatten<Pair>(pd, pl).second.has_value());
}

TEST_CASE("pytree: tree_map and mismatches") {
  std::vector<xj::Array> v{xj::array(1.0), xj::array(2.0)};
  auto doubled = xj::tree_map([](const xj::Array& x) { return x * 2.0; }, v);
  CHECK(value(doubled[1]) == 4);
  auto summed = xj::tree_map([](const xj::Array& x, const xj::Array& y) { return x + y; }, v, doubled);
  CHECK(value(summed[0]) == 3);
  auto [leaves, def] = xj::tree_flatten(v);
  using Two = std::tuple<xj::Array, xj::Array>;
  CHECK_THROWS_AS(xj::tree_unflatten<Two>(def, leaves), xj::ValueError);
  leaves.pop_back();
  CHECK_THROWS_AS(xj::tree_unflatten<std::vector<xj::Array>>(def, leaves), xj::ValueError);
}

TEST_CASE("pytree: grad of a function of a struct returns a struct of gradients") {
  auto loss = [](const demo::Layer& l, const xj::Array& x) { return l.w * x * x + l.b * x; };
  demo::Layer l{xj::array(3.0), xj::array(-1.0)};
  demo::Layer g = xj::grad(loss)(l, xj::array(2.0));
  CHECK(value(g.w) == 4.0);
  CHECK(value(g.b) == 2.0);
  auto [gl, gx] = xj::grad<0, 1>(loss)(l, xj::array(2.0));
  CHECK(value(gx) == doctest::Approx(2 * 3.0 * 2.0 - 1.0));
  CHECK(value(gl.w) == 4.0);
}
