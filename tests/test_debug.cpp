// Debugging aids: debug::print and debug::callback eagerly and under jit, vmap, grad and scan;
// eval_shape.
#include <doctest/doctest.h>

#include <iostream>
#include <sstream>
#include <string>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {
// What f writes to std::cout.
template <class F>
std::string printed(F f) {
  std::ostringstream text;
  std::streambuf* saved = std::cout.rdbuf(text.rdbuf());
  try {
    f();
  } catch (...) {
    std::cout.rdbuf(saved);
    throw;
  }
  std::cout.rdbuf(saved);
  return text.str();
}
}  // namespace

TEST_CASE("debug: print shows concrete values eagerly and each time a jitted program runs") {
  auto f = [](const Array& x) {
    Array y = x * 2.0;
    xj::debug::print("y = {}", y);
    return y + 1.0;
  };
  CHECK(printed([&] { f(xj::array({1.0, 2.0})); }) == "y = [2. 4.]\n");
  auto jf = xj::jit(f);
  CHECK(printed([&] {
          jf(xj::array({1.0, 2.0}));
          jf(xj::array({3.0, 4.0}));
        }) == "y = [2. 4.]\ny = [6. 8.]\n");  // at run time, not at trace time
  CHECK(jf.lower(xj::array({1.0, 2.0})).as_text().find("debug_callback") != std::string::npos);
  Array g;
  CHECK(printed([&] { g = xj::grad([&](const Array& x) { return xj::sum(f(x)); })(xj::array({1.0, 2.0})); }) ==
        "y = [2. 4.]\n");  // the primal values, once
  CHECK(xj::test::values(g) == std::vector<double>{2.0, 2.0});
  CHECK(printed([&] { xj::vmap(f)(xj::array({1.0, 2.0, 3.0})); }) == "y = 2.0\ny = 4.0\ny = 6.0\n");  // per example
  CHECK(printed([&] { xj::jit(xj::vmap(f))(xj::array({1.0, 2.0})); }) == "y = 2.0\ny = 4.0\n");
}

TEST_CASE("debug: callback receives concrete values inside loops and transformations") {
  std::vector<double> seen;
  auto record = [&](const Array& v) { seen.push_back(v.item<double>()); };
  auto body = [&](const Array& c, const Array& x) {
    xj::debug::callback(record, c);
    return std::pair{c * x, std::tuple<>{}};
  };
  auto f = [&](const Array& c0) { return xj::scan(body, c0, xj::array({2.0, 3.0, 4.0})).first; };
  CHECK(f(xj::array(1.0)).item<double>() == 24.0);
  CHECK(seen == std::vector<double>{1.0, 2.0, 6.0});
  seen.clear();
  xj::jit(f)(xj::array(1.0));
  CHECK(seen == std::vector<double>{1.0, 2.0, 6.0});
  seen.clear();
  CHECK(xj::grad(f)(xj::array(1.0)).item<double>() == 24.0);
  CHECK(seen == std::vector<double>{1.0, 2.0, 6.0});  // not repeated by the derivative's loops
  seen.clear();
  xj::jit(xj::grad(f))(xj::array(1.0));
  std::string got;
  for (double v : seen) got += std::to_string(v) + " ";
  INFO(got);
  CHECK(seen == std::vector<double>{1.0, 2.0, 6.0});
}

TEST_CASE("debug: bad formats are errors when the print is written") {
  CHECK_THROWS_AS(xj::debug::print("{} {}", xj::array(1.0)), xj::ValueError);
  CHECK_THROWS_AS(xj::debug::print("none", xj::array(1.0)), xj::ValueError);
  CHECK_THROWS_AS(xj::jit([](const Array& x) { xj::debug::print("{}{}", x); return x; })(xj::array(1.0)), xj::ValueError);
}

TEST_CASE("debug: eval_shape gives output shapes and dtypes without computing") {
  int calls = 0;
  auto f = [&](const Array& x, const std::map<std::string, Array>& p) {
    xj::debug::callback([&](const Array&) { ++calls; }, x);
    return std::pair{xj::matmul(x, p.at("w")), xj::sum(x).astype(xj::int32)};
  };
  auto s = xj::eval_shape(f)(xj::zeros({4, 3}), std::map<std::string, Array>{{"w", xj::zeros({3, 5})}});
  CHECK(s.first.shape == xj::Shape{4, 5});
  CHECK(s.first.dtype == xj::float32);
  CHECK(s.second.shape == xj::Shape{});
  CHECK(s.second.dtype == xj::int32);
  CHECK(calls == 0);
  xj::ShapedArray one = xj::eval_shape([](const Array& x) { return x * 2.0; })(xj::zeros({2}, xj::float64));
  CHECK(one == xj::ShapedArray{{2}, xj::float64, false});
}
