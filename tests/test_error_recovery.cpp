// After any error, the library is intact: earlier arrays keep their values, no transformation is
// left active, and the next call (eager or transformed) gives the right answer. One check per
// error path: eager kernels, each transformation, control-flow bodies, linalg and random.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

// A fixed workload touching every interpreter; its result is known.
void check_library_works() {
  auto f = [](const Array& x) { return xj::sum(xj::sin(x) * x); };
  Array x = xj::array({0.5, 1.0});
  double want = std::sin(0.5) * 0.5 + std::sin(1.0);
  CHECK(f(x).item<double>() == doctest::Approx(want));
  CHECK(xj::jit(f)(x).item<double>() == doctest::Approx(want));
  CHECK(xj::test::values(xj::grad(f)(x))[1] == doctest::Approx(std::cos(1.0) + std::sin(1.0)));
  CHECK(xj::test::values(xj::vmap([](const Array& v) { return v * 2.0; })(x)) == std::vector<double>{1.0, 2.0});
  CHECK(xj::make_jaxpr(f)(x).jaxpr->eqns.size() == 3);
  CHECK(xj::scan([](const Array& c, const Array& e) { return std::pair{c + e, c}; }, xj::array(0.0), x).first.item<double>() ==
        1.5);
}

struct Case {
  const char* name;
  std::function<void()> bad;
};

}  // namespace

TEST_CASE("errors: every failing call leaves earlier results and later calls intact") {
  Array kept = xj::array({{1.0, 2.0}, {3.0, 4.0}});
  Array three = xj::array({1.0, 2.0, 3.0}), two = xj::array({1.0, 2.0});
  auto mismatch = [&](const Array& v) { return xj::sum(v + three); };
  std::vector<Case> cases{
      {"eager broadcast", [&] { (void)(two + three); }},
      {"reshape", [&] { (void)xj::reshape(kept, {3}); }},
      {"transpose", [&] { (void)xj::transpose(kept, {0, 0}); }},
      {"axis", [&] { (void)xj::sum(kept, {5}); }},
      {"matmul", [&] { (void)xj::matmul(kept, three); }},
      {"jit", [&] { (void)xj::jit(mismatch)(two); }},
      {"grad", [&] { (void)xj::grad(mismatch)(two); }},
      {"grad of a vector", [&] { (void)xj::grad([](const Array& v) { return v * 2.0; })(two); }},
      {"vmap", [&] { (void)xj::vmap(mismatch)(kept); }},
      {"make_jaxpr", [&] { (void)xj::make_jaxpr(mismatch)(two); }},
      {"jit of grad of vmap", [&] { (void)xj::jit(xj::grad([&](const Array& v) { return xj::sum(xj::vmap(mismatch)(v)); }))(kept); }},
      {"traced if", [&] { (void)xj::jit([](const Array& v) { return v > 0 ? v : -v; })(xj::array(1.0)); }},
      {"scan body", [&] { (void)xj::scan([&](const Array& c, const Array& e) { return std::pair{c + e * three, c}; }, xj::array(0.0), two); }},
      {"cond branch", [&] { (void)xj::cond(xj::array(true), mismatch, mismatch, two); }},
      {"while body", [&] { (void)xj::while_loop([](const Array& c) { return xj::sum(c) < 10.0; }, [&](const Array& c) { return c + three; }, two); }},
      {"grad through while without a bound",
       [&] { (void)xj::grad([](const Array& v) { return xj::while_loop([](const Array& c) { return c < 5.0; }, [](const Array& c) { return c * 2.0; }, v); })(xj::array(1.0)); }},
      {"linalg", [&] { (void)xj::linalg::cholesky(three); }},
      {"random key", [&] { (void)xj::random::uniform(three, {2}); }},
      {"debug format", [&] { xj::debug::print("{} {}", two); }},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.name));
    CHECK_THROWS_AS(c.bad(), xj::Error);
    CHECK(xj::test::values(kept) == std::vector<double>{1.0, 2.0, 3.0, 4.0});
    CHECK(xj::test::values(three) == std::vector<double>{1.0, 2.0, 3.0});
    check_library_works();
  }
}
