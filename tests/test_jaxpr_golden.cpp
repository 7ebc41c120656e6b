// Golden tests: jaxprs printed in JAX's text form for a dozen kinds of function.
#include <doctest/doctest.h>

#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {
struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params, (Array, w), (Array, b));
};
template <class F, class... A>
std::string jaxpr_of(F f, const A&... args) {
  return xj::to_string(xj::make_jaxpr(f)(args...));
}
const Array v3 = xj::array({1.f, 2.f, 3.f});
const Array m23 = xj::ones({2, 3});
}  // namespace

TEST_CASE("jaxpr golden: printed programs") {
  std::vector<std::pair<std::string, std::string>> cases = {
      {jaxpr_of([](const Array& x) { return xj::cos(xj::sin(x)); }, v3), "chain"},
      {jaxpr_of([](const Array& x) { return xj::sum(x); }, m23), "reduce all"},
      {jaxpr_of([](const Array& x) { return xj::max(x, 1, true); }, m23), "reduce axis keepdims"},
      {jaxpr_of([](const Array& a, const Array& b) { return xj::matmul(a, b); }, m23, xj::ones({3, 4})), "matmul"},
      {jaxpr_of([](const Array& a, const Array& b) { return a + b; }, m23, v3), "broadcasting"},
      {jaxpr_of([](const Array& x) { return x * 2.0 + 1; }, v3), "literals"},
      {jaxpr_of([](const Array& x) { return x * v3; }, v3), "captured constant"},
      {jaxpr_of([](const Array& x) { return std::tuple{x + 1.0f, xj::exp(x)}; }, v3), "multiple outputs"},
      {jaxpr_of([](const Params& p, const Array& x) { return xj::tanh(p.w * x + p.b); }, Params{v3, v3}, v3), "pytree"},
      {jaxpr_of([](const Array& x) { return xj::grad([](const Array& y) { return xj::sum(xj::sin(y)); })(x); }, v3),
       "grad inside"},
      {jaxpr_of([](const Array& x) { return xj::vmap([](const Array& r) { return xj::sum(r * r); })(x); }, m23), "vmap inside"},
      {jaxpr_of([](const Array& x) { return xj::where(x > 1.5f, x, 0.0f).astype(xj::int32); }, v3), "where + astype"},
  };
  std::vector<std::string> want = {
#include "golden/jaxprs.inc"
  };
  REQUIRE(want.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(cases[i].second);
    CHECK(cases[i].first == want[i]);
  }
}
