// Indexing (indexing family): take, take_along_axis, one_hot, at(x, i).set/add/multiply/min/max/get,
// and the gather/scatter primitives' own checks, against plain-loop references.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "primitives/indexing.hpp"
#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

using xj::test::values;

using xj::test::coords;
std::int64_t flat_index(const std::vector<std::int64_t>& c, const xj::Shape& s) {
  std::int64_t f = 0;
  for (std::size_t d = 0; d < s.size(); ++d) f = f * s[d] + c[d];
  return f;
}

// 0, 1, 2, ... as dtype d (bool alternates), in shape s.
Array counting(const xj::Shape& s, xj::DType d) {
  Array r = xj::reshape(xj::arange(0, static_cast<double>(xj::shape_size(s)), 1, xj::float64), s);
  return d == xj::bool_ ? (r % 2.0 == 1.0) : r.astype(d);
}

std::int64_t clamp_ref(std::int64_t i, std::int64_t n) { return std::clamp<std::int64_t>(i < 0 ? i + n : i, 0, n - 1); }

// numpy take with JAX's clamping, by loops.
std::vector<double> take_ref(const Array& x, const std::vector<double>& idx, const xj::Shape& idx_shape, int axis) {
  std::vector<double> v = values(x), out;
  xj::Shape s = x.shape(), os(s.begin(), s.begin() + axis);
  os.insert(os.end(), idx_shape.begin(), idx_shape.end());
  os.insert(os.end(), s.begin() + axis + 1, s.end());
  for (std::int64_t i = 0; i < xj::shape_size(os); ++i) {
    std::vector<std::int64_t> c = coords(i, os), src(c.begin(), c.begin() + axis);
    std::vector<std::int64_t> ic(c.begin() + axis, c.begin() + axis + static_cast<std::ptrdiff_t>(idx_shape.size()));
    src.push_back(clamp_ref(static_cast<std::int64_t>(idx[static_cast<std::size_t>(flat_index(ic, idx_shape))]),
                            s[static_cast<std::size_t>(axis)]));
    src.insert(src.end(), c.begin() + axis + static_cast<std::ptrdiff_t>(idx_shape.size()), c.end());
    out.push_back(v[static_cast<std::size_t>(flat_index(src, s))]);
  }
  return out;
}

const xj::DType index_dtypes[] = {xj::int32, xj::int64, xj::uint32};

}  // namespace

TEST_CASE("indexing: take along every axis, every dtype, clamped and wrapped") {
  std::vector<double> raw = {2, -1, 0, 7, -9, 1};  // -1 wraps; 7 and -9 clamp
  for (xj::DType d : xj::all_dtypes)
    for (xj::DType id : index_dtypes) {
      Array x = counting({3, 4, 2}, d);
      for (int axis = 0; axis < 3; ++axis)
        for (const xj::Shape& is : {xj::Shape{}, xj::Shape{6}, xj::Shape{2, 3}, xj::Shape{0}}) {
          CAPTURE(d);
          CAPTURE(id);
          CAPTURE(axis);
          std::vector<double> iv(raw.begin(), raw.begin() + xj::shape_size(is));
          if (id == xj::uint32)
            for (double& e : iv) e = std::abs(e);  // unsigned: no wrapping, large ones clamp
          Array idx = xj::array(iv, is).astype(id);
          Array r = xj::take(x, idx, axis);
          CHECK(r.dtype() == d);
          CHECK(values(r) == take_ref(x, iv, is, axis));
        }
    }
  Array x = counting({2, 3}, xj::float32);
  CHECK(xj::take(x, xj::array({-1, 5, 0})).shape() == xj::Shape{3});
  CHECK(values(xj::take(x, xj::array({-1, 5, 0}))) == std::vector<double>{5, 5, 0});  // flattened
  CHECK(values(xj::take(x, xj::array(-2), -1)) == std::vector<double>{1, 4});
  CHECK(xj::take(xj::zeros({0, 3}), xj::zeros({0}, xj::int32), 0).shape() == xj::Shape{0, 3});
  CHECK(xj::take(xj::zeros({2, 0}), xj::array({1, 0}), 0).shape() == xj::Shape{2, 0});
}

TEST_CASE("indexing: take errors") {
  Array x = counting({2, 3}, xj::float32);
  CHECK_THROWS_AS(xj::take(x, xj::array({0.0, 1.0}), 0), xj::DTypeError);
  CHECK_THROWS_AS(xj::take(x, xj::array({true}), 0), xj::DTypeError);
  CHECK_THROWS_AS(xj::take(x, xj::array({0}), 2), xj::IndexError);
  CHECK_THROWS_AS(xj::take(x, xj::array({0}), -3), xj::IndexError);
  CHECK_THROWS_AS(xj::take(xj::array(1.0), xj::array({0}), 0), xj::IndexError);
  CHECK_THROWS_AS(xj::take(xj::zeros({0, 3}), xj::array({0}), 0), xj::IndexError);
  CHECK_THROWS_AS(xj::lax::gather(x, xj::array({0.5}), 0), xj::DTypeError);
}

TEST_CASE("indexing: take_along_axis against loops, with broadcasting") {
  for (xj::DType d : xj::all_dtypes)
    for (xj::DType id : index_dtypes) {
      Array x = counting({3, 4, 2}, d);
      for (int axis = 0; axis < 3; ++axis) {
        CAPTURE(d);
        CAPTURE(id);
        CAPTURE(axis);
        xj::Shape is = x.shape();
        is[static_cast<std::size_t>(axis)] = 5;
        std::vector<double> iv;
        for (std::int64_t i = 0; i < xj::shape_size(is); ++i) iv.push_back(static_cast<double>((i * 7) % 9) - (id == xj::uint32 ? 0 : 3));
        Array r = xj::take_along_axis(x, xj::array(iv, is).astype(id), axis);
        CHECK(r.shape() == is);
        CHECK(r.dtype() == d);
        std::vector<double> xv = values(x), rv = values(r);
        for (std::int64_t i = 0; i < r.size(); ++i) {
          std::vector<std::int64_t> c = coords(i, is);
          c[static_cast<std::size_t>(axis)] =
              clamp_ref(static_cast<std::int64_t>(iv[static_cast<std::size_t>(i)]), x.shape()[static_cast<std::size_t>(axis)]);
          CHECK(rv[static_cast<std::size_t>(i)] == xv[static_cast<std::size_t>(flat_index(c, x.shape()))]);
        }
      }
    }
  // numpy broadcasting of the other axes: x (3, 1) against indices (1, 2) along axis 0.
  Array x = xj::array({{10.0}, {20.0}, {30.0}});
  Array r = xj::take_along_axis(x, xj::array({{2, -3}}), 0);
  CHECK(r.shape() == xj::Shape{1, 2});
  CHECK(values(r) == std::vector<double>{30, 10});
  Array m = counting({2, 3}, xj::int64);
  CHECK(values(xj::take_along_axis(m, xj::array({{2}, {0}}), 1)) == std::vector<double>{2, 3});
  CHECK(xj::take_along_axis(m, xj::zeros({2, 0}, xj::int32), 1).shape() == xj::Shape{2, 0});
  CHECK_THROWS_AS(xj::take_along_axis(m, xj::array({1, 0}), 1), xj::ShapeError);
  CHECK_THROWS_AS(xj::take_along_axis(m, xj::zeros({3, 1}, xj::int32), 1), xj::ShapeError);
  CHECK_THROWS_AS(xj::take_along_axis(m, xj::zeros({2, 1}, xj::int32), 2), xj::IndexError);
  CHECK_THROWS_AS(xj::take_along_axis(m, xj::zeros({2, 1}), 1), xj::DTypeError);
  CHECK_THROWS_AS(xj::take_along_axis(xj::array(1.0), xj::array(0), 0), xj::IndexError);
  CHECK_THROWS_AS(xj::lax::take_along_axis(m, xj::zeros({1, 3}, xj::int32), 1), xj::ShapeError);
}

TEST_CASE("indexing: one_hot") {
  Array r = xj::one_hot(xj::array({2, 0, 5, -1}), 3);
  CHECK(r.shape() == xj::Shape{4, 3});
  CHECK(r.dtype() == xj::float32);
  CHECK(values(r) == std::vector<double>{0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0});
  for (xj::DType d : xj::all_dtypes)
    for (xj::DType id : index_dtypes) {
      Array h = xj::one_hot(xj::array({{1, 0}, {3, 1}}).astype(id), 4, d);
      CHECK(h.dtype() == d);
      CHECK(h.shape() == xj::Shape{2, 2, 4});
      CHECK(values(h) == std::vector<double>{0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0});
    }
  CHECK(values(xj::one_hot(xj::array(1), 2)) == std::vector<double>{0, 1});
  CHECK(xj::one_hot(xj::array({1, 2}), 0).shape() == xj::Shape{2, 0});
  CHECK(xj::one_hot(xj::zeros({0}, xj::int32), 3).shape() == xj::Shape{0, 3});
  CHECK_THROWS_AS(xj::one_hot(xj::array({1.0}), 3), xj::DTypeError);
  CHECK_THROWS_AS(xj::one_hot(xj::array({1}), -1), xj::ValueError);
}

namespace {
enum class Op { set, add, mul, min, max };

// x.at[idx] <op> v by loops: negative indices wrap once, out-of-range ones are dropped, in order.
std::vector<double> update_ref(const Array& x, const std::vector<double>& idx, const std::vector<double>& v,
                               std::int64_t row, Op op, xj::DType d) {
  std::vector<double> out = values(x);
  std::int64_t n = x.shape()[0];
  for (std::size_t k = 0; k < idx.size(); ++k) {
    auto i = static_cast<std::int64_t>(idx[k]);
    if (i < 0) i += n;
    if (i < 0 || i >= n) continue;
    for (std::int64_t j = 0; j < row; ++j) {
      double& o = out[static_cast<std::size_t>(i * row + j)];
      double u = v[k * static_cast<std::size_t>(row) + static_cast<std::size_t>(j)];
      if (d == xj::bool_) u = u != 0;
      switch (op) {
        case Op::set: o = u; break;
        case Op::add: o = d == xj::bool_ ? double(o || u) : o + u; break;
        case Op::mul: o = d == xj::bool_ ? double(o && u) : o * u; break;
        case Op::min: o = std::min(o, u); break;
        case Op::max: o = std::max(o, u); break;
      }
    }
  }
  return out;
}

Array apply(const xj::AtIndex& at, Op op, const Array& v) {
  switch (op) {
    case Op::set: return at.set(v);
    case Op::add: return at.add(v);
    case Op::mul: return at.multiply(v);
    case Op::min: return at.min(v);
    case Op::max: return at.max(v);
  }
  return at.get();
}
}  // namespace

TEST_CASE("indexing: at().set/add/multiply/min/max, duplicates, negative and dropped indices") {
  std::vector<double> iv = {1, -1, 1, 9, -7, 0};  // duplicate 1; -1 -> 3; 9 and -7 dropped
  for (xj::DType d : xj::all_dtypes)
    for (Op op : {Op::set, Op::add, Op::mul, Op::min, Op::max}) {
      if (xj::is_complex(d) && (op == Op::min || op == Op::max)) {  // complex values have no order
        CHECK_THROWS_AS(apply(xj::at(xj::zeros({4, 3}, d), xj::array({1})), op, xj::ones({1, 3}, d)), xj::DTypeError);
        continue;
      }
      CAPTURE(d);
      CAPTURE(static_cast<int>(op));
      Array x = counting({4, 3}, d);
      std::vector<double> v;
      for (std::size_t i = 0; i < iv.size() * 3; ++i) v.push_back(static_cast<double>((i * 5) % 7));
      Array vals = xj::array(v, {6, 3}).astype(d);
      if (d == xj::bool_) vals = xj::array(v, {6, 3}) > 3.0;
      std::vector<double> vv = values(vals);
      for (xj::DType id : index_dtypes) {
        std::vector<double> ii = iv;
        if (id == xj::uint32) ii = {1, 3, 1, 9, 7, 0};
        Array r = apply(xj::at(x, xj::array(ii, {6}).astype(id)), op, vals);
        CHECK(r.dtype() == d);
        CHECK(r.shape() == x.shape());
        CHECK(values(r) == update_ref(x, ii, vv, 3, op, d));
      }
      // n-d indices: the update has the indices' shape followed by a row.
      Array r2 = apply(xj::at(x, xj::array(iv, {2, 3}).astype(xj::int32)), op, xj::reshape(vals, {2, 3, 3}));
      CHECK(values(r2) == update_ref(x, iv, vv, 3, op, d));
    }
}

TEST_CASE("indexing: at() broadcasts and casts the value; 0-d index; get") {
  Array x = xj::zeros({3, 2}, xj::int32);
  CHECK(values(xj::at(x, xj::array(-1)).set(7.9)) == std::vector<double>{0, 0, 0, 0, 7, 7});
  CHECK(xj::at(x, xj::array(-1)).set(7.9).dtype() == xj::int32);
  CHECK(values(xj::at(x, xj::array({0, 0})).add(xj::array({1, 2}))) == std::vector<double>{2, 4, 0, 0, 0, 0});
  CHECK(values(xj::at(xj::array({1.0, 2.0, 3.0}), xj::array(1)).multiply(4)) == std::vector<double>{1, 8, 3});
  Array y = counting({4, 2}, xj::float64);
  CHECK(values(xj::at(y, xj::array({3, -4, 9})).get()) == std::vector<double>{6, 7, 0, 1, 6, 7});
  CHECK(xj::at(y, xj::array(2)).get().shape() == xj::Shape{2});
  CHECK(xj::at(y, xj::zeros({0}, xj::int32)).set(1.0).shape() == xj::Shape{4, 2});
  // Updates into an empty axis are all dropped.
  CHECK(xj::at(xj::zeros({0, 2}), xj::array({0, 1})).add(1.0).shape() == xj::Shape{0, 2});
  // NaN propagates through min/max updates, as in minimum/maximum.
  CHECK(std::isnan(values(xj::at(y, xj::array(0)).min(NAN))[0]));
  CHECK(std::isnan(values(xj::at(xj::full({2}, NAN, xj::float32), xj::array(1)).max(1.0))[1]));
  CHECK_THROWS_AS(xj::at(xj::array(1.0), xj::array(0)), xj::IndexError);
  CHECK_THROWS_AS(xj::at(y, xj::array(0.0)), xj::DTypeError);
  CHECK_THROWS_AS(xj::at(y, xj::array({0, 1})).set(xj::zeros({3})), xj::ShapeError);
  CHECK_THROWS_AS(xj::at(xj::zeros({0, 2}), xj::array({0})).get(), xj::IndexError);
  CHECK_THROWS_AS(xj::AtIndex(y, xj::array({true})).add(1.0), xj::DTypeError);
}

TEST_CASE("indexing: scatter primitives check their operands") {
  Array x = xj::zeros({3, 2});
  CHECK_THROWS_AS(xj::lax::scatter_add(x, xj::array({0}), xj::zeros({1, 2}, xj::float64), 0), xj::DTypeError);
  CHECK_THROWS_AS(xj::lax::scatter(x, xj::array({0}), xj::zeros({2, 2}), 0), xj::ShapeError);
  CHECK_THROWS_AS(xj::lax::scatter_max(x, xj::array({0}), xj::zeros({1, 2}), 2), xj::IndexError);
  CHECK_THROWS_AS(xj::lax::scatter_min(x, xj::array({0.0}), xj::zeros({1, 2}), 0), xj::DTypeError);
  // Along axis 1: updates take the indices' place in the operand's shape.
  Array r = xj::lax::scatter_add(x, xj::array({1, 1, 5}), xj::ones({3, 3}), 1);
  CHECK(values(r) == std::vector<double>{0, 2, 0, 2, 0, 2});
}

TEST_CASE("indexing: gradients of duplicates follow the update semantics") {
  Array x = xj::array({1.0, 2.0, 3.0});
  Array idx = xj::array({1, 1, 7});
  // set: the last duplicate wins, so only it receives the cotangent; dropped updates get none.
  auto set_fn = [&](const Array& v) { return xj::sum(xj::at(x, idx).set(v) * xj::array({1.0, 10.0, 100.0})); };
  CHECK(values(xj::grad(set_fn)(xj::array({5.0, 6.0, 7.0}))) == std::vector<double>{0, 10, 0});
  auto set_x = [&](const Array& y) { return xj::sum(xj::at(y, idx).set(xj::array({5.0, 6.0, 7.0})) * y); };
  CHECK(values(xj::grad(set_x)(x)) == std::vector<double>{2, 6, 6});  // slot 1 was overwritten by 6
  // add: every duplicate receives it.
  auto add_fn = [&](const Array& v) { return xj::sum(xj::at(x, idx).add(v) * xj::array({1.0, 10.0, 100.0})); };
  CHECK(values(xj::grad(add_fn)(xj::array({5.0, 6.0, 7.0}))) == std::vector<double>{10, 10, 0});
  // multiply with duplicates and a zero: d/dv_j = x * product of the others.
  auto mul_fn = [&](const Array& v) { return xj::sum(xj::at(x, xj::array({1, 1, 1})).multiply(v)); };
  CHECK(values(xj::grad(mul_fn)(xj::array({3.0, 0.0, 5.0}))) == std::vector<double>{0, 30, 0});
  CHECK(values(xj::grad(mul_fn)(xj::array({3.0, 4.0, 5.0}))) == std::vector<double>{40, 30, 24});
  // max: a tie between the operand and an update shares the derivative evenly.
  auto max_fn = [&](const Array& v) { return xj::sum(xj::at(x, xj::array({1, 0})).max(v)); };
  CHECK(values(xj::grad(max_fn)(xj::array({2.0, 0.5}))) == std::vector<double>{0.5, 0});
  // gather: clamped reads send their cotangent to the clamped slot.
  auto take_fn = [](const Array& y) { return xj::sum(xj::take(y, xj::array({-1, 9, 0, 0}))); };
  CHECK(values(xj::grad(take_fn)(x)) == std::vector<double>{2, 0, 2});
}
