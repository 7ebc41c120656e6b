// The callable-taking functions of xjax/vectorize.hpp (vectorize, apply_along_axis, apply_over_axes,
// fromfunction, piecewise, mask_indices, frompyfunc) against numpy's values (the golden block below is written by
// scripts/make_host_io_golden.py), in float32 and float64, eager against jit, gradients against
// finite differences, vmap against a loop, and a typed error for bad input of each.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "golden.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Arrays;
using namespace xjax::test;

namespace {
// BEGIN GOLDEN
// numpy 2.4.6; inputs are the in_* entries.
const std::map<std::string, Golden>& golden_table() {
  static const std::map<std::string, Golden> table = {
    {"in_a", {{2, 3, 4}, {1.22, 1.232, 0.061, -0.857, -1.784, -0.467, -0.366, -1.819, -1.805, 1.997, 0.609, -1.062, -0.26, 1.897, 1.591, 1.377, -0.43, -0.028, 0.707, -1.757, 0.222, -0.914, 1.519, -1.743}}},
    {"in_x", {{7}, {-2.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0}}},
    {"in_m", {{2, 3, 2}, {0.076, -0.313, -0.262, -0.251, 0.975, 0.266, 0.349, -0.34, 0.36, -0.754, -0.897, 0.7}}},
    {"in_w", {{2}, {0.5, -1.5}}},
    {"along_sum_max_0", {{2, 3, 4}, {0.96, 3.129, 1.652, 0.52, -2.214, -0.49500000000000005, 0.34099999999999997, -3.5759999999999996, -1.583, 1.0830000000000002, 2.128, -2.805, 1.22, 1.897, 1.591, 1.377, -0.43, -0.028, 0.707, -1.757, 0.222, 1.997, 1.519, -1.062}}},
    {"along_sum_max_1", {{2, 2, 4}, {-2.3689999999999998, 2.762, 0.304, -3.7380000000000004, 1.22, 1.997, 0.609, -0.857, -0.46799999999999997, 0.955, 3.817, -2.123, 0.222, 1.897, 1.591, 1.377}}},
    {"along_sum_max_2", {{2, 3, 2}, {1.656, 1.232, -4.436, -0.366, -0.2609999999999999, 1.997, 4.6049999999999995, 1.897, -1.508, 0.707, -0.9160000000000003, 1.519}}},
    {"along_sumsq_1", {{2, 4}, {7.929081, 5.723922, 0.508558, 5.171054, 0.301784, 4.434789, 5.338490999999999, 8.021227}}},
    {"along_outer_1", {{2, 3, 2, 4}, {1.4884, 1.517824, 0.003721, 0.734449, -2.17648, -0.5753440000000001, -0.022326, 1.558883, -2.17648, -0.5753440000000001, -0.022326, 1.558883, 3.182656, 0.21808900000000003, 0.133956, 3.3087609999999996, -2.2020999999999997, 2.4603040000000003, 0.037149, 0.910134, 3.22012, -0.9325990000000001, -0.22289399999999998, 1.931778, 0.06760000000000001, 3.598609, 2.531281, 1.896129, 0.1118, -0.053116000000000003, 1.1248369999999999, -2.419389, 0.1118, -0.053116000000000003, 1.1248369999999999, -2.419389, 0.18489999999999998, 0.0007840000000000001, 0.49984899999999993, 3.0870489999999995, -0.05772, -1.7338580000000001, 2.4167289999999997, -2.4001110000000003, -0.09546, 0.025592, 1.0739329999999998, 3.062451}}},
    {"over_sum_02", {{1, 3, 1}, {6.261000000000001, -5.944, -1.1769999999999998}}},
    {"over_max_1m1", {{2, 1, 1}, {1.997, 1.897}}},
    {"fromfunction_ij", {{3, 4}, {0.0, 1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 13.0, 20.0, 21.0, 22.0, 23.0}}},
    {"fromfunction_ijk", {{2, 3, 2}, {0.5, 0.5, 0.5, -0.5, 0.5, -1.5, 1.5, 1.5, 1.5, 0.5, 1.5, -0.5}}},
    {"piecewise_default", {{7}, {2.0, 0.5, 0.5, 0.5, 0.5, 2.25, 9.0}}},
    {"piecewise_overlap", {{7}, {-20.0, -5.0, 0.0, -99.5, -99.0, -98.5, -97.0}}},
    {"piecewise_int", {{9}, {-12.0, -9.0, -6.0, -3.0, -1.0, 0.0, 1.0, 1.0, 2.0}}},
    {"vectorize_where", {{2, 3, 4}, {-2.44, -0.616, 0.0, -1.357, 3.568, 0.2335, -0.366, -2.319, 3.61, -0.9985, 0.0, -1.562, 0.52, -0.9485, 0.0, 0.6885, 0.86, 0.014, 0.0, -2.2569999999999997, -0.444, -0.41400000000000003, 0.0, -2.2430000000000003}}},
    {"vectorize_matvec", {{2, 3}, {0.5075000000000001, 0.2455, 0.08849999999999997, 0.6845, 1.311, -1.4985}}},
    {"ufunc_outer", {{3, 2, 4}, {-1.44, -1.464, 0.878, 2.714, 4.568, 1.9340000000000002, 1.732, 4.638, 0.39, 0.384, 0.9695, 1.4285, 1.892, 1.2335, 1.183, 1.9095, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0}}},
    {"ufunc_reduce_1", {{2, 4}, {3.1235464000000004, 1.8480380319999998, 1.595403466, -1.717533746, 1.2468196, 0.134548024, 4.227627403, 3.473995027}}},
    {"ufunc_reduce_none_keep", {{1, 1}, {-3.066702209249368}}},
    {"ufunc_reduce_initial_0", {{3, 4}, {0.5814, 4.065552, 2.6395255, 1.7869555, 0.95356, 0.978538, 1.5776189999999999, 0.8409915, 1.021645, -0.8266290000000001, 2.9815354999999997, 0.18253299999999995}}},
    {"ufunc_accumulate_2", {{2, 3, 4}, {1.22, 2.50304, 1.15268544, 0.012148577920000014, -1.784, 1.833128, 0.3290751519999999, 0.4014122985120001, -1.805, -2.604585, -0.586192265, 1.62253618543, -0.26, 0.50678, 1.8062869799999999, 3.48725717146, -0.43, 1.01204, 1.71551228, -2.0141550759599998, 0.222, 0.797092, 2.2107827479999997, -2.853394329764}}},
    {"ufunc_accumulate_m2", {{2, 3, 4}, {1.22, 1.232, 0.061, -0.857, -1.1764800000000002, 0.4246559999999999, 0.977674, 2.558883, 3.1235464000000004, 1.8480380319999998, 1.595403466, -1.717533746, -0.26, 1.897, 1.591, 1.377, 1.1118, 0.946884, 2.124837, -1.4193889999999998, 1.2468196, 0.134548024, 4.227627403, 3.473995027}}},
    {"mask_triu_1_rows", {{6}, {0.0, 0.0, 0.0, 1.0, 1.0, 2.0}}},
    {"mask_triu_1_cols", {{6}, {1.0, 2.0, 3.0, 2.0, 3.0, 3.0}}},
    {"mask_tril_m1_rows", {{3}, {1.0, 2.0, 2.0}}},
    {"mask_tril_m1_cols", {{3}, {0.0, 0.0, 1.0}}},
  };
  return table;
}
// END GOLDEN

const Golden& golden(const std::string& name) { return golden_entry(golden_table(), name); }
Array in(const std::string& name, xj::DType d = xj::float64) { return golden_array(golden("in_" + name), d); }

Array sum_max(const Array& r) { return xj::stack({xj::sum(r), xj::max(r)}); }
Array where_fn(const Array& p, const Array& q) { return xj::where(p > q, p * q, p - q); }
Array matvec(const Array& m, const Array& w) { return xj::matmul(m, w); }
Array mul_add(const Array& p, const Array& q) { return p * q + 1.0; }
const auto ufunc = xj::frompyfunc(mul_add, 2, 1);

// name -> f(inputs) for the golden entries; each is checked eager and under jit, in f32 and f64.
std::vector<std::pair<std::string, std::function<Array(const Arrays&)>>> cases() {
  using A = const Arrays&;
  return {
      {"along_sum_max_0", [](A x) { return xj::apply_along_axis(sum_max, 0, x[0]); }},
      {"along_sum_max_1", [](A x) { return xj::apply_along_axis(sum_max, 1, x[0]); }},
      {"along_sum_max_2", [](A x) { return xj::apply_along_axis(sum_max, -1, x[0]); }},
      {"along_sumsq_1", [](A x) { return xj::apply_along_axis([](const Array& r) { return xj::sum(r * r); }, 1, x[0]); }},
      {"along_outer_1",
       [](A x) { return xj::apply_along_axis([](const Array& r) { return xj::outer(r, r(xj::Slice(0, 2))); }, 1, x[0]); }},
      {"over_sum_02", [](A x) { return xj::apply_over_axes([](const Array& v, int ax) { return xj::sum(v, ax); }, x[0], {0, 2}); }},
      {"over_max_1m1", [](A x) { return xj::apply_over_axes([](const Array& v, int ax) { return xj::max(v, ax, true); }, x[0], {1, -1}); }},
      {"piecewise_default",
       [](A x) {
         return xj::piecewise(x[1], {x[1] < 0, x[1] > 1},
                              {[](const Array& v) { return -v; }, [](const Array& v) { return v * v; }, 0.5});
       }},
      {"piecewise_overlap",
       [](A x) {
         return xj::piecewise(x[1], {x[1] < 1, x[1] > 0},
                              {[](const Array& v) { return v * 10.0; }, [](const Array& v) { return v - 100.0; }});
       }},
      {"vectorize_where", [](A x) { return xj::vectorize(where_fn)(x[0], x[1](xj::Slice(0, 4))); }},
      {"vectorize_matvec", [](A x) { return xj::vectorize(matvec, "(m,n),(n)->(m)")(x[2], x[3]); }},
      {"ufunc_outer", [](A x) { return ufunc.outer(x[1](xj::Slice(0, 3)), x[0](0, xj::Slice(0, 2))); }},
      {"ufunc_reduce_1", [](A x) { return ufunc.reduce(x[0], 1); }},
      {"ufunc_reduce_none_keep", [](A x) { return ufunc.reduce(x[0][0], std::nullopt, true); }},
      {"ufunc_reduce_initial_0", [](A x) { return ufunc.reduce(x[0], 0, false, Array(0.5)); }},
      {"ufunc_accumulate_2", [](A x) { return ufunc.accumulate(x[0], 2); }},
      {"ufunc_accumulate_m2", [](A x) { return ufunc.accumulate(x[0], -2); }},
  };
}
}  // namespace

TEST_CASE("vectorize: every function against numpy's values, float32 and float64, eager and jit") {
  for (xj::DType d : {xj::float32, xj::float64}) {
    const Arrays inputs{in("a", d), in("x", d), in("m", d), in("w", d)};
    const double rtol = d == xj::float32 ? 2e-6 : 1e-12;
    for (const auto& c : cases()) {
      const auto& name = c.first;
      const auto& f = c.second;
      CAPTURE(name);
      CAPTURE(d);
      Array eager = f(inputs);
      CHECK(eager.dtype() == d);
      check_close(eager, golden(name), rtol);
      check_close(xj::jit(f)(inputs), golden(name), rtol);
    }
  }
}

TEST_CASE("vectorize: fromfunction, piecewise on integers and mask_indices") {
  check_close(xj::fromfunction([](const Array& i, const Array& j) { return i * 10 + j; }, {3, 4}),
              golden("fromfunction_ij"), 0);
  Array ijk = xj::fromfunction([](const auto& i, const auto& j, const auto& k) { return i - j * k + 0.5; }, {2, 3, 2},
                               xj::float64);
  CHECK(ijk.dtype() == xj::float64);
  check_close(ijk, golden("fromfunction_ijk"), 0);
  Array ints = xj::fromfunction([](const Array& i, const Array& j) { return i * 10 + j; }, {3, 4}, xj::int32);
  CHECK(ints.dtype() == xj::int32);
  check_close(ints, golden("fromfunction_ij"), 0);
  // A variadic generic lambda serves every rank.
  auto total = [](const auto&... idx) { return (Array(0) + ... + idx); };
  check_same(xj::fromfunction(total, {2, 3}, xj::int32), xj::fromfunction([](const Array& i, const Array& j) { return i + j; }, {2, 3}, xj::int32));
  CHECK(xj::fromfunction(total, {}, xj::int32).item<int>() == 0);

  Array r = xj::arange(-4, 5);
  Array p = xj::piecewise(r, {r < 0, r > 0}, {[](const Array& v) { return v * 3; }, [](const Array& v) { return xj::floor_divide(v, 2); }, -1});
  CHECK(p.dtype() == xj::int32);
  check_close(p, golden("piecewise_int"), 0);
  // Constants are cast to x's dtype; a single scalar condition broadcasts.
  check_same(xj::piecewise(r, {Array(true)}, {2.7}), xj::full({9}, 2, xj::int32));

  auto [rows, cols] = xj::mask_indices(4, xj::triu, 1);
  CHECK(rows.dtype() == xj::int32);
  check_close(rows, golden("mask_triu_1_rows"), 0);
  check_close(cols, golden("mask_triu_1_cols"), 0);
  auto [lrows, lcols] = xj::mask_indices(3, [](const Array& m, std::int64_t k) { return xj::tril(m, k); }, -1);
  check_close(lrows, golden("mask_tril_m1_rows"), 0);
  check_close(lcols, golden("mask_tril_m1_cols"), 0);
  CHECK(xj::mask_indices(0, xj::triu).first.shape() == xj::Shape{0});
}

TEST_CASE("vectorize: broadcasting, scalars, integers, empty loops and pytree outputs") {
  auto f = xj::vectorize([](const Array& p, const Array& q) { return xj::where(p > q, p, q * 2); });
  Array col = xj::reshape(xj::arange(3), {3, 1}), row = xj::arange(4);
  check_same(f(col, row), xj::where(col > row, col + row * 0, row * 2 + col * 0));
  CHECK(f(col, row).dtype() == xj::int32);
  CHECK(f(2.0, 1.0).item<double>() == 2.0);  // C++ scalars are 0-d arrays
  CHECK(f(2.0, 1.0).ndim() == 0);
  CHECK(f(xj::zeros({0, 3}), 1.0).shape() == xj::Shape{0, 3});
  // The callable sees 0-d elements: a reduction inside it does not mix elements.
  auto centred = xj::vectorize([](const Array& v) { return v - xj::mean(v); });
  check_same(centred(xj::array({1.0, 5.0})), xj::zeros({2}, xj::float64));

  auto two = xj::vectorize([](const Array& v) { return std::pair{v + 1, v * v}; });
  auto [plus, sq] = two(xj::array({{1.f, 2.f}, {3.f, 4.f}}));
  check_same(plus, xj::array({{2.f, 3.f}, {4.f, 5.f}}));
  check_same(sq, xj::array({{1.f, 4.f}, {9.f, 16.f}}));
  auto split = xj::vectorize([](const Array& v) { return std::tuple{xj::sum(v), xj::max(v)}; }, "(n)->(),()");
  auto [s, m] = split(xj::reshape(xj::arange(6.0, xj::float32), {2, 3}));
  check_same(s, xj::array({3.f, 12.f}));
  check_same(m, xj::array({2.f, 5.f}));

  // Core dimensions named by the signature only for outputs take the output's size.
  auto pairs = xj::vectorize([](const Array& v) { return xj::stack({v, v * 2}); }, "()->(k)");
  CHECK(pairs(xj::arange(3)).shape() == xj::Shape{3, 2});
  // Loop dimensions broadcast across arguments with different core ranks.
  auto mv = xj::vectorize(matvec, "(m,n),(n)->(m)");
  Array M = xj::reshape(xj::arange(24.0), {2, 1, 3, 4}), W = xj::reshape(xj::arange(20.0), {5, 4});
  Array got = mv(M, W);
  CHECK(got.shape() == xj::Shape{2, 5, 3});
  check_same(got(1, 2), xj::matmul(M(1, 0), W(2)));
}

TEST_CASE("vectorize: frompyfunc's ufunc calls, outer, reduce and accumulate") {
  auto add = xj::frompyfunc([](const Array& p, const Array& q) { return p + q; }, 2, 1, Array(0));
  CHECK(add.nin() == 2);
  CHECK(add.nout() == 1);
  Array r = xj::arange(4);
  check_same(add(r, 10), xj::arange(10, 14));
  check_same(add.outer(r, r), xj::reshape(r, {4, 1}) + r);
  CHECK(add.reduce(r).item<int>() == 6);
  check_same(add.accumulate(r), xj::array({0, 1, 3, 6}));
  CHECK(add.reduce(xj::zeros({0}, xj::int32)).item<int>() == 0);  // the identity
  check_same(add.reduce(xj::zeros({0, 3}), 0), xj::zeros({3}));
  CHECK(add.accumulate(xj::zeros({2, 0})).shape() == xj::Shape{2, 0});
  CHECK(ufunc.reduce(xj::array({2.0})).item<double>() == 2.0);  // one element: no call of f
  // A unary ufunc with two outputs is called like vectorize.
  auto split = xj::frompyfunc([](const Array& v) { return std::pair{xj::floor(v), v - xj::floor(v)}; }, 1, 2);
  auto [whole, frac] = split(xj::array({1.25, -0.5}));
  check_same(whole, xj::array({1.0, -1.0}));
  check_same(frac, xj::array({0.25, 0.5}));
}

TEST_CASE("vectorize: gradients against finite differences") {
  Array a = in("a"), x = in("x"), m = in("m"), w = in("w");
  xj::check_grads([](const Array& p, const Array& q) { return xj::vectorize(where_fn)(p, q); },
                  std::tuple{a, x(xj::Slice(0, 4))}, 1);
  xj::check_grads([](const Array& p) { return xj::vectorize([](const Array& v) { return xj::sin(v) * v; })(p); },
                  std::tuple{a});
  xj::check_grads([](const Array& p, const Array& q) { return xj::vectorize(matvec, "(m,n),(n)->(m)")(p, q); },
                  std::tuple{m, w});
  xj::check_grads([](const Array& p) { return xj::apply_along_axis(sum_max, 1, p); }, std::tuple{a}, 1);
  xj::check_grads([](const Array& p) { return xj::apply_along_axis([](const Array& r) { return xj::outer(r, r); }, 2, p); },
                  std::tuple{a});
  xj::check_grads([](const Array& p) { return xj::apply_over_axes([](const Array& v, int ax) { return xj::sum(v * v, ax); }, p, {0, 2}); },
                  std::tuple{a});
  xj::check_grads([](const Array& p) {
    return xj::piecewise(p, {p < 0, p > 1}, {[](const Array& v) { return -v * v; }, [](const Array& v) { return xj::exp(v); }, 0.5});
  }, std::tuple{xj::array({-1.5, -0.25, 0.4, 0.9, 1.3, 2.0})});
  xj::check_grads([](const Array& p) { return ufunc.reduce(p, 1) + xj::sum(ufunc.accumulate(p, 0)); }, std::tuple{a});
  xj::check_grads([](const Array& p, const Array& q) { return ufunc.outer(p, q); }, std::tuple{x, w});
  xj::check_grads([](const Array& s) {
    return xj::fromfunction([&](const Array& i, const Array& j) { return xj::sin(s * i) + j * s; }, {3, 2}, xj::float64);
  }, std::tuple{Array(xj::array(0.7))});
}

TEST_CASE("vectorize: vmap against a loop") {
  Array a = in("a");
  std::vector<std::function<Array(const Array&)>> fs = {
      [](const Array& r) { return xj::vectorize([](const Array& v) { return v * v - 1.0; })(r); },
      [](const Array& r) { return xj::vectorize(matvec, "(m,n),(n)->(m)")(r, xj::array({1.0, -1.0, 0.5, 2.0})); },
      [](const Array& r) { return xj::apply_along_axis(sum_max, 0, r); },
      [](const Array& r) { return xj::apply_over_axes([](const Array& v, int ax) { return xj::sum(v, ax); }, r, 1); },
      [](const Array& r) { return xj::piecewise(r, {r > 0}, {[](const Array& v) { return v * 3.0; }, -1.0}); },
      [](const Array& r) { return ufunc.reduce(r, 1); },
      [](const Array& r) { return ufunc.accumulate(r, -1); },
  };
  for (std::size_t k = 0; k < fs.size(); ++k) {
    CAPTURE(k);
    Arrays rows;
    for (std::int64_t i = 0; i < a.shape()[0]; ++i) rows.push_back(fs[k](a[i]));
    check_same(xj::vmap(fs[k])(a), xj::stack(rows));
  }
}

TEST_CASE("vectorize: bad input raises a typed error naming the function") {
  Array a = in("a"), x = in("x");
  CHECK_THROWS_AS(xj::vectorize(matvec, "(m,n),(n)"), xj::ValueError);
  CHECK_THROWS_AS(xj::vectorize(matvec, "(m,n),(n->(m)"), xj::ValueError);
  CHECK_THROWS_AS(xj::vectorize(matvec, "(m n)->()"), xj::ValueError);
  CHECK(op_of([] { xj::vectorize(matvec, "(m,n)(n)->(m)"); }) == "vectorize");
  auto mv = xj::vectorize(matvec, "(m,n),(n)->(m)");
  CHECK_THROWS_AS(mv(a, x), xj::ShapeError);             // n = 4 vs 7
  CHECK_THROWS_AS(mv(x, x), xj::ShapeError);             // too few core dimensions
  CHECK_THROWS_AS(xj::vectorize(where_fn, "(n)->()")(x, x), xj::ValueError);  // 1 input in the signature, 2 given
  CHECK_THROWS_AS(xj::vectorize([](const Array& v) { return xj::stack({v, v}); })(x), xj::ShapeError);  // not a scalar
  CHECK_THROWS_AS(xj::vectorize([](const Array& v) { return v; }, "(n)->(),()")(x), xj::ValueError);
  CHECK_THROWS_AS(xj::vectorize(where_fn)(a, x), xj::ShapeError);  // (2,3,4) and (7) do not broadcast
  CHECK_THROWS_AS(xj::apply_along_axis(sum_max, 3, a), xj::IndexError);
  CHECK(op_of([&] { xj::apply_along_axis(sum_max, -4, a); }) == "apply_along_axis");
  CHECK_THROWS_AS(xj::apply_along_axis(sum_max, 0, Array(1.0)), xj::IndexError);
  CHECK_THROWS_AS(xj::apply_over_axes([](const Array& v, int) { return xj::sum(v); }, a, {0}), xj::ShapeError);
  CHECK_THROWS_AS(xj::apply_over_axes([](const Array& v, int ax) { return xj::sum(v, ax); }, a, {3}), xj::IndexError);
  CHECK(op_of([&] { xj::apply_over_axes([](const Array& v, int) { return xj::sum(v); }, a, {1}); }) == "apply_over_axes");
  CHECK_THROWS_AS(xj::fromfunction([](const Array& i) { return i; }, {2, 3}), xj::ValueError);
  CHECK(op_of([] { xj::fromfunction([](const Array& i, const Array& j) { return i + j; }, {2}); }) == "fromfunction");
  CHECK_THROWS_AS(xj::fromfunction([](const Array& i) { return i; }, {-1}), xj::ValueError);
  CHECK_THROWS_AS(xj::piecewise(x, {x > 0}, {1.0, 2.0, 3.0}), xj::ValueError);
  CHECK(op_of([&] { xj::piecewise(x, {x > 0, x < 0}, {1.0}); }) == "piecewise");
  CHECK_THROWS_AS(xj::piecewise(x, {a > 0}, {1.0}), xj::ShapeError);
  CHECK_THROWS_AS(xj::mask_indices(-1, xj::triu), xj::ValueError);
  CHECK_THROWS_AS(xj::mask_indices(3, [](const Array& m, std::int64_t) { return m(0); }), xj::ShapeError);
  CHECK(op_of([] { xj::mask_indices(3, [](const Array& m, std::int64_t) { return m(0); }); }) == "mask_indices");
  CHECK_THROWS_AS(xj::frompyfunc(mul_add, 0, 1), xj::ValueError);
  CHECK(op_of([] { xj::frompyfunc(mul_add, 2, 0); }) == "frompyfunc");
  CHECK_THROWS_AS(ufunc(x), xj::ValueError);  // two inputs
  auto unary = xj::frompyfunc([](const Array& p, const Array& q) { return p - q; }, 1, 1);
  CHECK(op_of([&] { unary.reduce(x); }) == "ufunc.reduce");
  CHECK(op_of([&] { unary.outer(x, x); }) == "ufunc.outer");
  CHECK(op_of([&] { unary.accumulate(x); }) == "ufunc.accumulate");
  CHECK_THROWS_AS(ufunc.reduce(xj::zeros({0})), xj::ValueError);  // no identity
  CHECK_THROWS_AS(ufunc.reduce(a, 3), xj::IndexError);
  CHECK_THROWS_AS(ufunc.accumulate(a, -4), xj::IndexError);
  // Under jit the mask may depend on a traced value: its number of entries is unknown.
  auto traced = xj::jit([](const Array& s) {
    auto [i, j] = xj::mask_indices(2, [&](const Array& m, std::int64_t) { return m * s; });
    return i + j;
  });
  CHECK_THROWS_AS(traced(Array(xj::array(1.0))), xj::ConcretizationError);
}
