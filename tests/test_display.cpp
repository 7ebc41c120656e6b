// Rich output (xjax/display.hpp): mime bundles of arrays, programs, graphs and plots, and display()
// through a hook or to std::cout.
#include <doctest/doctest.h>

#include <cmath>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "xjax/core.hpp"
#include "xjax/display.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

int count(const std::string& text, const std::string& part) {
  int n = 0;
  for (std::size_t p = text.find(part); p != std::string::npos; p = text.find(part, p + part.size())) ++n;
  return n;
}

std::string str(const Array& x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

struct Point {  // a user type shown through its operator<<
  int x, y;
};
std::ostream& operator<<(std::ostream& os, const Point& p) { return os << "(" << p.x << ", " << p.y << ")"; }

}  // namespace

TEST_CASE("display: an array's bundle is numpy's text and an HTML table, summarised when big") {
  Array m = xj::reshape(xj::arange(6), {2, 3});
  xj::MimeBundle b = xj::mime_bundle(m);
  CHECK(b.at("text/plain") == str(m));
  CHECK(count(b.at("text/html"), "<tr>") == 2);
  CHECK(count(b.at("text/html"), "<td>") == 6);
  CHECK(b.at("text/html").find("i32[2,3]") != std::string::npos);
  Array big = xj::reshape(xj::arange(100 * 100), {100, 100});
  std::string html = xj::mime_bundle(big).at("text/html");
  CHECK(count(html, "<tr>") == 7);  // 3 rows, the gap, 3 rows
  CHECK(count(html, "<td>") == 49);
  CHECK(html.find(">9999<") != std::string::npos);
  CHECK(html.find(">5000<") == std::string::npos);
  CHECK(count(xj::mime_bundle(xj::arange(5.0)).at("text/html"), "<td>") == 5);  // 1-D: one row
  CHECK(xj::mime_bundle(xj::array(2.5)).at("text/html").find("<pre>2.5</pre>") != std::string::npos);
  CHECK(xj::mime_bundle(xj::zeros({2, 2, 2})).at("text/html").find("<pre>") != std::string::npos);
  CHECK(xj::mime_bundle(xj::array({true, false})).at("text/plain") == "[ True False]");
}

TEST_CASE("display: programs as text, graphs as SVG when Graphviz is there") {
  auto f = [](const Array& x) { return xj::sin(x) * 2.0; };
  xj::ClosedJaxpr j = xj::make_jaxpr(f)(xj::zeros({3}));
  CHECK(xj::mime_bundle(j).at("text/plain") == xj::to_string(j));
  xj::MimeBundle g = xj::mime_bundle(xj::graph(j));
  CHECK(g.at("text/plain") == xj::to_dot(j));
  if (std::system("command -v dot > /dev/null 2>&1") == 0) {
    REQUIRE(g.count("image/svg+xml") == 1);
    CHECK(g.at("image/svg+xml").rfind("<svg", 0) == 0);
  } else {
    CHECK(g.count("image/svg+xml") == 0);
  }
}

TEST_CASE("display: plot::line draws the finite points and checks its arguments") {
  Array ys = xj::array({4.0, 2.0, 1.0, 0.5, std::nan("")});
  xj::plot::Figure f = xj::plot::line(ys, {.title = "loss <train>", .xlabel = "step", .log_y = true});
  CHECK(f.svg.rfind("<svg", 0) == 0);
  const std::size_t points = f.svg.find("points=\"");
  REQUIRE(points != std::string::npos);
  const std::string list = f.svg.substr(points + 8, f.svg.find('"', points + 8) - points - 8);
  CHECK(count(list, ",") == 4);  // the NaN is skipped
  CHECK(f.svg.find("loss &lt;train&gt;") != std::string::npos);
  CHECK(mime_bundle(f).count("image/svg+xml") == 1);  // found by ADL
  CHECK(count(xj::plot::line(xj::arange(3), xj::array({1.f, 1.f, 1.f})).svg, "<polyline") == 1);  // flat and int
  CHECK_THROWS_AS(xj::plot::line(xj::zeros({2, 2})), xj::ValueError);
  CHECK_THROWS_AS(xj::plot::line(xj::arange(3.0), xj::arange(4.0)), xj::ValueError);
  CHECK_THROWS_AS(xj::plot::line(xj::array({1.0, -1.0}), {.log_y = true}), xj::ValueError);
  CHECK_THROWS_AS(xj::plot::line(xj::array({true, false})), xj::DTypeError);
  CHECK_THROWS_AS(xj::plot::line(xj::arange(3.0), {.width = 10}), xj::ValueError);
}

TEST_CASE("display: through the hook when one is set, else the text on std::cout") {
  std::vector<xj::MimeBundle> shown;
  xj::DisplayHook previous = xj::set_display_hook([&](const xj::MimeBundle& b) { shown.push_back(b); });
  xj::display(xj::arange(3));
  xj::display(Point{1, 2});
  xj::display(std::string("text"));
  xj::set_display_hook(previous);
  REQUIRE(shown.size() == 3);
  CHECK(shown[0].count("text/html") == 1);
  CHECK(shown[1].at("text/plain") == "(1, 2)");
  CHECK(shown[2].at("text/plain") == "text");
  std::ostringstream captured;
  std::streambuf* saved = std::cout.rdbuf(captured.rdbuf());
  xj::display(xj::arange(3));
  xj::display(xj::MimeBundle{});
  std::cout.rdbuf(saved);
  CHECK(captured.str() == "[0 1 2]\n");
}
