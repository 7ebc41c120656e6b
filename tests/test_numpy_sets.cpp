// The value-sized functions of include/xjax/numpy_sets.hpp: eager results against numpy's
// (tests/golden/numpy_sets.inc, written by scripts/make_sets_golden.py) in several dtypes, sized
// results under jit against jax.numpy's padding, vmap against a loop, gradients, the
// ConcretizationError of an unsized call under jit, and typed errors for bad input.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "golden.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Arrays;
using namespace xjax::test;

namespace {
const std::map<std::string, Golden>& golden_table() {
  static const std::map<std::string, Golden> table = {
#include "golden/numpy_sets.inc"
  };
  return table;
}
const Golden& golden(const std::string& name) { return golden_entry(golden_table(), name); }
Array in(const std::string& name, xj::DType d = xj::float64) { return golden_array(golden("in_" + name), d); }

using Fn = std::function<Array(xj::DType)>;
struct Case {
  std::string name;
  Fn f;
  std::vector<xj::DType> dtypes;
};
const std::vector<xj::DType> kFloats = {xj::float32, xj::float64};
const std::vector<xj::DType> kAll = {xj::float32, xj::float64, xj::int32, xj::int64};
const std::vector<xj::DType> kInts = {xj::int32, xj::int64, xj::uint32};
const std::vector<xj::DType> kNonNegative = {xj::float32, xj::float64, xj::int32, xj::int64, xj::uint32};

std::vector<Case> eager_cases() {
  using D = xj::DType;
  return {
      {"unique", [](D d) { return xj::unique(in("u", d)); }, kFloats},
      {"unique_int", [](D d) { return xj::unique(in("ui", d)); }, kNonNegative},
      {"unique_nan_distinct", [](D d) { return xj::unique(in("u", d), std::nullopt, false); }, kFloats},
      {"unique_axis0", [](D d) { return xj::unique(in("rows", d), 0); }, kNonNegative},
      {"unique_axis1", [](D d) { return xj::unique(xj::transpose(in("rows", d)), -1); }, kNonNegative},
      {"unique_all_values", [](D d) { return xj::unique_all(in("u", d)).values; }, kFloats},
      {"unique_all_values", [](D d) { return xj::unique_values(in("u", d)); }, kFloats},
      {"unique_all_indices", [](D d) { return xj::unique_all(in("u", d)).indices; }, kFloats},
      {"unique_all_inverse", [](D d) { return xj::unique_all(in("u", d)).inverse_indices; }, kFloats},
      {"unique_all_inverse", [](D d) { return xj::unique_inverse(in("u", d)).inverse_indices; }, kFloats},
      {"unique_all_counts", [](D d) { return xj::unique_all(in("u", d)).counts; }, kFloats},
      {"unique_all_counts", [](D d) { return xj::unique_counts(in("u", d)).counts; }, kFloats},
      {"nonzero_0", [](D d) { return xj::nonzero(in("nz", d))[0]; }, kAll},
      {"nonzero_1", [](D d) { return xj::nonzero(in("nz", d))[1]; }, kAll},
      {"nonzero_2", [](D d) { return xj::where(in("nz", d))[2]; }, kAll},
      {"nonzero_2", [](D d) { return xj::nonzero(in("nz", d) != 0)[2]; }, kAll},
      {"flatnonzero", [](D d) { return xj::flatnonzero(in("nz", d)); }, kAll},
      {"argwhere", [](D d) { return xj::argwhere(in("nz", d)); }, kAll},
      {"bincount", [](D d) { return xj::bincount(in("bc", d)); }, kInts},
      {"bincount_w", [](D d) { return xj::bincount(in("bc", d), in("bw")); }, kInts},
      {"bincount_min", [](D d) { return xj::bincount(in("bc", d), std::nullopt, 11); }, kInts},
      {"compress_1", [](D d) { return xj::compress(in("cond"), in("a", d), 1); }, kAll},
      {"compress_0", [](D d) { return xj::compress(xj::array({true, false}), in("a", d), 0); }, kAll},
      {"compress_flat", [](D d) { return xj::compress(in("cond", d), in("a", d)); }, kAll},
      {"extract", [](D d) { return xj::extract(in("a") > 1.5, in("a", d)); }, kAll},
      {"intersect1d", [](D d) { return xj::intersect1d(in("s1", d), in("s2", d)); }, kNonNegative},
      {"setdiff1d", [](D d) { return xj::setdiff1d(in("s1", d), in("s2", d)); }, kNonNegative},
      {"setdiff1d_unique",
       [](D d) { return xj::setdiff1d(xj::array({5.0, 1.0, 3.0, 7.0}).astype(d), in("s2", d), true); }, kNonNegative},
      {"setxor1d", [](D d) { return xj::setxor1d(in("s1", d), in("s2", d)); }, kNonNegative},
      {"union1d", [](D d) { return xj::union1d(in("s1", d), in("s2", d)); }, kNonNegative},
      {"trim_fb", [](D d) { return xj::trim_zeros(in("tz", d)); }, kFloats},
      {"trim_f", [](D d) { return xj::trim_zeros(in("tz", d), "f"); }, kFloats},
      {"trim_b", [](D d) { return xj::trim_zeros(in("tz", d), "B"); }, kFloats},
      {"trim_2d", [](D d) { return xj::trim_zeros(in("tz2", d)); }, kNonNegative},
  };
}

// jax.numpy's sized forms; each runs under jit (the input as an argument) and eagerly.
struct SizedCase {
  std::string name;
  std::vector<std::string> inputs;
  std::function<Array(const Arrays&)> f;
};
std::vector<SizedCase> sized_cases() {
  using A = const Arrays&;
  return {
      {"sized_unique_8", {"u"}, [](A x) { return xj::unique(x[0], std::nullopt, true, {.size = 8}); }},
      {"sized_unique_2", {"u"}, [](A x) { return xj::unique(x[0], std::nullopt, true, {.size = 2}); }},
      {"sized_unique_fill", {"u"},
       [](A x) { return xj::unique(x[0], std::nullopt, true, {.size = 7, .fill_value = -9}); }},
      {"sized_unique_axis0", {"rows"}, [](A x) { return xj::unique(x[0], 0, true, {.size = 4}); }},
      {"sized_unique_all_indices", {"u"}, [](A x) { return xj::unique_all(x[0], {.size = 10}).indices; }},
      {"sized_unique_all_counts", {"u"}, [](A x) { return xj::unique_all(x[0], {.size = 10}).counts; }},
      {"sized_unique_all_values", {"u"}, [](A x) { return xj::unique_all(x[0], {.size = 10}).values; }},
      {"sized_unique_counts_3", {"u"}, [](A x) { return xj::unique_counts(x[0], {.size = 3}).counts; }},
      {"sized_nonzero_1", {"nz"}, [](A x) { return xj::nonzero(x[0], {.size = 6})[1]; }},
      {"sized_nonzero_fill", {"nz"}, [](A x) { return xj::nonzero(x[0], {.size = 6, .fill_value = -1})[2]; }},
      {"sized_argwhere", {"nz"}, [](A x) { return xj::argwhere(x[0], {.size = 5}); }},
      {"sized_flatnonzero_2", {"nz"}, [](A x) { return xj::flatnonzero(x[0], {.size = 2}); }},
      {"sized_bincount_5", {"bc"}, [](A x) { return xj::bincount(x[0].astype(xj::int32), std::nullopt, 0, {.size = 5}); }},
      {"sized_compress", {"cond", "a"},
       [](A x) { return xj::compress(x[0], x[1], 1, {.size = 4, .fill_value = 7}); }},
      {"sized_extract", {"a"}, [](A x) { return xj::extract(x[0] > 1.5, x[0], {.size = 12}); }},
      {"sized_intersect1d", {"s1", "s2"}, [](A x) { return xj::intersect1d(x[0], x[1], false, {.size = 6}); }},
      {"sized_intersect1d_fill", {"s1", "s2"},
       [](A x) { return xj::intersect1d(x[0], x[1], false, {.size = 6, .fill_value = -2}); }},
      {"sized_setdiff1d", {"s1", "s2"}, [](A x) { return xj::setdiff1d(x[0], x[1], false, {.size = 5}); }},
      {"sized_setxor1d", {"s1", "s2"}, [](A x) { return xj::setxor1d(x[0], x[1], false, {.size = 9}); }},
      {"sized_union1d", {"s1", "s2"}, [](A x) { return xj::union1d(x[0], x[1], {.size = 12}); }},
      {"sized_union1d_3", {"s1", "s2"}, [](A x) { return xj::union1d(x[0], x[1], {.size = 3}); }},
  };
}
}  // namespace

TEST_CASE("numpy_sets: eager results against numpy's, in several dtypes") {
  for (const Case& c : eager_cases())
    for (xj::DType d : c.dtypes) {
      CAPTURE(c.name);
      CAPTURE(d);
      check_equal(c.f(d), golden(c.name));
    }
}

TEST_CASE("numpy_sets: result dtypes") {
  Array u32 = in("u", xj::float32);
  CHECK(xj::unique(u32).dtype() == xj::float32);
  CHECK(xj::unique(in("ui", xj::int64)).dtype() == xj::int64);
  xj::UniqueAllResult r = xj::unique_all(u32);
  CHECK(r.indices.dtype() == xj::int32);
  CHECK(r.inverse_indices.dtype() == xj::int32);
  CHECK(r.counts.dtype() == xj::int32);
  for (const Array& i : xj::nonzero(in("nz"))) CHECK(i.dtype() == xj::int32);
  CHECK(xj::argwhere(in("nz")).dtype() == xj::int32);
  CHECK(xj::bincount(in("bc", xj::int32)).dtype() == xj::int32);
  CHECK(xj::bincount(in("bc", xj::int32), in("bw", xj::float32)).dtype() == xj::float32);
  CHECK(xj::intersect1d(in("s1", xj::int32), in("s2", xj::float32)).dtype() == xj::float32);
}

TEST_CASE("numpy_sets: sized results under jit equal jax.numpy's padded results") {
  for (const SizedCase& c : sized_cases()) {
    CAPTURE(c.name);
    Arrays args;
    for (const std::string& n : c.inputs) args.push_back(in(n));
    check_equal(c.f(args), golden(c.name));
    auto jitted = xj::jit([&](const Arrays& xs) { return c.f(xs); });
    check_equal(jitted(args), golden(c.name));
    for (Array& a : args) a = a.astype(xj::float32);
    check_equal(jitted(args), golden(c.name));
  }
}

TEST_CASE("numpy_sets: edge cases: empty inputs, 0-d inputs, all-zero trims") {
  Array empty = xj::zeros({0});
  CHECK(xj::unique(empty).shape() == xj::Shape{0});
  CHECK(xj::unique_all(empty).counts.shape() == xj::Shape{0});
  check_equal(xj::unique(empty, std::nullopt, true, {.size = 2, .fill_value = 4}), Golden{{2}, {4, 4}});
  CHECK(xj::nonzero(xj::zeros({2, 0}))[1].shape() == xj::Shape{0});
  CHECK(xj::argwhere(xj::zeros({3})).shape() == xj::Shape{0, 1});
  CHECK(xj::argwhere(Array(true)).shape() == xj::Shape{1, 0});
  CHECK(xj::argwhere(Array(0.0)).shape() == xj::Shape{0, 0});
  check_equal(xj::bincount(xj::zeros({0}, xj::int32), std::nullopt, 3), Golden{{3}, {0, 0, 0}});
  check_equal(xj::bincount(xj::array({true, false, true})), Golden{{2}, {1, 2}});
  CHECK(xj::intersect1d(empty, in("s1")).shape() == xj::Shape{0});
  check_equal(xj::union1d(empty, xj::array({2.0, 1.0, 2.0})), Golden{{2}, {1, 2}});
  check_equal(xj::setxor1d(in("s1"), empty), Golden{{5}, {1, 3, 5, 7, 9}});
  check_equal(xj::setdiff1d(empty, in("s1"), false, {.size = 2}), Golden{{2}, {0, 0}});
  CHECK(xj::trim_zeros(xj::zeros({3, 2})).shape() == xj::Shape{0, 0});
  check_equal(xj::trim_zeros(xj::array({0.0, 2.0}), ""), Golden{{2}, {0, 2}});
  check_equal(xj::unique(Array(3.0)), Golden{{1}, {3}});
  check_equal(xj::compress(xj::array({true, false, true, false, false}), xj::array({1, 2, 3})), Golden{{2}, {1, 3}});
}

TEST_CASE("numpy_sets: vmap of sized functions against a loop") {
  Array X = xj::array({{3.0, 1.0, 3.0, 0.0, 2.0}, {0.0, 0.0, 5.0, 5.0, 5.0}, {1.0, 2.0, 3.0, 4.0, 1.0}});
  Array Y = xj::array({{1.0, 9.0}, {5.0, 0.0}, {4.0, 4.0}});
  std::vector<std::function<Array(const Array&, const Array&)>> fs = {
      [](const Array& x, const Array&) { return xj::unique(x, std::nullopt, true, {.size = 4}); },
      [](const Array& x, const Array&) { return xj::unique_all(x, {.size = 3}).counts; },
      [](const Array& x, const Array&) { return xj::unique_all(x, {.size = 3}).indices; },
      [](const Array& x, const Array&) { return xj::unique_inverse(x, {.size = 3}).inverse_indices; },
      [](const Array& x, const Array&) { return xj::nonzero(x, {.size = 4, .fill_value = -1})[0]; },
      [](const Array& x, const Array&) { return xj::bincount(x.astype(xj::int32), std::nullopt, 0, {.size = 6}); },
      [](const Array& x, const Array&) { return xj::bincount(x.astype(xj::int32), x, 0, {.size = 6}); },
      [](const Array& x, const Array&) { return xj::compress(x > 1.5, x, 0, {.size = 3}); },
      [](const Array& x, const Array& y) { return xj::intersect1d(x, y, false, {.size = 2}); },
      [](const Array& x, const Array& y) { return xj::setdiff1d(x, y, false, {.size = 4}); },
      [](const Array& x, const Array& y) { return xj::setxor1d(x, y, false, {.size = 5}); },
      [](const Array& x, const Array& y) { return xj::union1d(x, y, {.size = 5, .fill_value = -1}); },
  };
  for (std::size_t k = 0; k < fs.size(); ++k) {
    CAPTURE(k);
    Arrays rows;
    for (std::int64_t i = 0; i < X.shape()[0]; ++i) rows.push_back(fs[k](X[i], Y[i]));
    check_same(xj::vmap(fs[k])(X, Y), xj::stack(rows), 0);
    check_same(xj::jit(xj::vmap(fs[k]))(X, Y), xj::stack(rows), 0);
  }
  Array R = xj::stack({in("rows"), xj::flipud(in("rows")), xj::zeros({4, 3})});
  auto rows_unique = [](const Array& r) { return xj::unique(r, 0, true, {.size = 3, .fill_value = -1}); };
  check_same(xj::vmap(rows_unique)(R), xj::stack({rows_unique(R[0]), rows_unique(R[1]), rows_unique(R[2])}), 0);
}

TEST_CASE("numpy_sets: gradients flow through the selected values") {
  Array x = xj::array({0.5, -1.0, 2.0, 0.25});
  xj::check_grads([](const Array& v) { return xj::square(xj::unique(v, std::nullopt, true, {.size = 5})); },
                  std::tuple{x});
  xj::check_grads([](const Array& v) { return xj::compress(v > 0.0, v * v, 0, {.size = 2}); }, std::tuple{x});
  // Eagerly, the unsized form differentiates too: the size comes from the concrete primal.
  Array g = xj::grad([](const Array& v) { return xj::sum(xj::square(xj::unique(v))); })(x);
  check_equal(g, Golden{{4}, {1.0, -2.0, 4.0, 0.5}});
}

TEST_CASE("numpy_sets: without a size, a traced input raises ConcretizationError naming the function") {
  Array v = in("s1"), w = in("s2");
  std::vector<std::pair<std::string, std::function<Array(const Array&)>>> fs = {
      {"unique", [](const Array& x) { return xj::unique(x); }},
      {"unique_all", [](const Array& x) { return xj::unique_all(x).values; }},
      {"unique_counts", [](const Array& x) { return xj::unique_counts(x).counts; }},
      {"unique_inverse", [](const Array& x) { return xj::unique_inverse(x).values; }},
      {"unique_values", [](const Array& x) { return xj::unique_values(x); }},
      {"nonzero", [](const Array& x) { return xj::nonzero(x)[0]; }},
      {"where", [](const Array& x) { return xj::where(x)[0]; }},
      {"flatnonzero", [](const Array& x) { return xj::flatnonzero(x); }},
      {"argwhere", [](const Array& x) { return xj::argwhere(x); }},
      {"bincount", [](const Array& x) { return xj::bincount(x.astype(xj::int32)); }},
      {"compress", [](const Array& x) { return xj::compress(x > 2.0, x); }},
      {"extract", [](const Array& x) { return xj::extract(x > 2.0, x); }},
      {"intersect1d", [w](const Array& x) { return xj::intersect1d(x, w); }},
      {"setdiff1d", [w](const Array& x) { return xj::setdiff1d(x, w); }},
      {"setxor1d", [w](const Array& x) { return xj::setxor1d(w, x); }},
      {"union1d", [w](const Array& x) { return xj::union1d(x, w); }},
      {"trim_zeros", [](const Array& x) { return xj::trim_zeros(x); }},
  };
  for (const auto& entry : fs) {
    const auto& name = entry.first;
    const auto& f = entry.second;
    CAPTURE(name);
    CHECK_THROWS_AS(xj::jit(f)(v), xj::ConcretizationError);
    CHECK(op_of([&] { xj::jit(f)(v); }) == name);
    CHECK_THROWS_AS(xj::vmap(f)(xj::stack({v, v})), xj::ConcretizationError);
  }
  try {
    xj::jit([](const Array& x) { return xj::unique(x); })(v);
  } catch (const xj::ConcretizationError& e) {
    CHECK(std::string(e.what()).find("{.size = n}") != std::string::npos);
  }
  // Only the inputs that decide the size must be concrete.
  auto by_condition = xj::jit([](const Array& a) { return xj::compress(xj::array({true, false, true}), a); });
  check_equal(by_condition(xj::array({1.0, 2.0, 3.0})), Golden{{2}, {1, 3}});
  auto from_constants = xj::jit([](const Array& a) {
    Array c = xj::array({0.0, 2.0, 0.0, 2.0, 1.0, 0.0});
    return a * xj::sum(xj::unique(c)) + xj::sum(xj::nonzero(c)[0]) + xj::sum(xj::trim_zeros(c)) +
           xj::sum(xj::bincount(xj::array({0, 2, 0, 2, 1, 0}))) + xj::sum(xj::union1d(c, c));
  });
  check_equal(from_constants(Array(1.0)), Golden{{}, {3.0 + 8.0 + 5.0 + 6.0 + 3.0}});
}

TEST_CASE("numpy_sets: bad input raises a typed error naming the function") {
  Array a = in("a"), ints = in("bc", xj::int32);
  CHECK_THROWS_AS(xj::bincount(xj::array({1, -1, 2})), xj::ValueError);
  CHECK(op_of([] { xj::bincount(xj::array({1, -1, 2})); }) == "bincount");
  CHECK_THROWS_AS(xj::bincount(xj::array({1.0, 2.0})), xj::DTypeError);
  CHECK_THROWS_AS(xj::bincount(xj::zeros({2, 2}, xj::int32)), xj::ShapeError);
  CHECK_THROWS_AS(xj::bincount(ints, xj::ones({2})), xj::ShapeError);
  CHECK_THROWS_AS(xj::bincount(ints, std::nullopt, -1), xj::ValueError);
  CHECK_THROWS_AS(xj::jit([](const Array& w) {
                    return xj::bincount(xj::array({2, -1}), w, 0, {.size = 3});
                  })(xj::ones({2})),
                  xj::ValueError);
  CHECK_THROWS_AS(xj::bincount(ints, std::nullopt, 0, {.size = 3, .fill_value = 1}), xj::ValueError);
  CHECK_THROWS_AS(xj::compress(xj::array({true, false, false, true}), xj::array({1, 2, 3})), xj::IndexError);
  CHECK(op_of([] { xj::compress(xj::array({true, false, false, true}), xj::array({1, 2, 3})); }) == "compress");
  CHECK_THROWS_AS(xj::extract(xj::array({0, 0, 0, 1}), xj::array({1, 2, 3})), xj::IndexError);
  CHECK(op_of([] { xj::extract(xj::array({0, 0, 0, 1}), xj::array({1, 2, 3})); }) == "extract");
  CHECK_THROWS_AS(xj::compress(xj::ones({2, 2}, xj::bool_), a), xj::ShapeError);
  CHECK_THROWS_AS(xj::compress(xj::array({true}), a, 2), xj::IndexError);
  CHECK_THROWS_AS(xj::compress(in("cond"), a, 1, {.size = 5}), xj::ValueError);
  CHECK_THROWS_AS(xj::nonzero(Array(1.0)), xj::ValueError);
  CHECK(op_of([] { xj::nonzero(Array(1.0)); }) == "nonzero");
  CHECK_THROWS_AS(xj::nonzero(a, {.size = -1}), xj::ValueError);
  CHECK_THROWS_AS(xj::unique(xj::zeros({0}), std::nullopt, true, {.size = 2}), xj::ValueError);
  CHECK_THROWS_AS(xj::unique(a, 2), xj::IndexError);
  CHECK(op_of([&] { xj::unique(a, 2); }) == "unique");
  CHECK_THROWS_AS(xj::trim_zeros(a, "fx"), xj::ValueError);
  CHECK(op_of([&] { xj::trim_zeros(a, "fx"); }) == "trim_zeros");
  CHECK_THROWS_AS(xj::union1d(a, a, {.size = -2}), xj::ValueError);
}
