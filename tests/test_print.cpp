// Printing: xjax's `std::cout << x` against numpy's str() of the same array, for every dtype,
// positional and scientific float formats, NaN/inf, wrapping at 75 columns, summaries of large
// arrays, 0-d and zero-size arrays (tests/golden/print.inc, made by make_print_golden.py).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "xjax/core.hpp"

namespace xj = xjax;

namespace {
struct Golden {
  const char* dtype;
  std::vector<std::int64_t> shape;
  std::int64_t a, m, c;
  double scale;
  std::vector<std::pair<int, const char*>> specials;
  const char* text;
};
const Golden goldens[] = {
#include "golden/print.inc"
};

xj::DType dtype_named(const std::string& name) {
  if (name == "f4") return xj::float32;
  if (name == "f8") return xj::float64;
  if (name == "i4") return xj::int32;
  if (name == "i8") return xj::int64;
  if (name == "u4") return xj::uint32;
  return xj::bool_;
}

// The golden's array: v[i] = ((i * a) % m - c) * scale in float64 (integers: without the scale),
// cast to the dtype as numpy's astype does.
xj::Array build(const Golden& g) {
  xj::Shape shape(g.shape.begin(), g.shape.end());
  std::int64_t n = 1;
  for (auto e : shape) n *= e;
  std::vector<std::int64_t> ints;
  for (std::int64_t i = 0; i < n; ++i) ints.push_back((i * g.a) % g.m - g.c);
  std::string d = g.dtype;
  if (d == "b1") return xj::reshape(xj::array(ints), shape) > 0;
  if (d[0] != 'f') return xj::reshape(xj::array(ints), shape).astype(dtype_named(d));
  std::vector<double> v;
  for (std::int64_t k : ints) v.push_back(static_cast<double>(k) * g.scale);
  const double inf = std::numeric_limits<double>::infinity();
  for (const auto& [index, kind] : g.specials) {
    std::string s = kind;
    v[static_cast<std::size_t>(index)] = s == "nan" ? std::nan("") : s == "inf" ? inf : s == "-inf" ? -inf : -0.0;
  }
  return xj::reshape(xj::array(v), shape).astype(dtype_named(d));
}
}  // namespace

TEST_CASE("print: std::cout << x matches numpy's str(x) on every golden array") {
  int checked = 0;
  for (const Golden& g : goldens) {
    xj::Array x = build(g);
    std::ostringstream s;
    s << x;
    INFO("dtype ", g.dtype, " shape ", x.aval(), " scale ", g.scale);
    CHECK(s.str() == g.text);
    ++checked;
  }
  CHECK(checked == 95);  // every line of print.inc
}
