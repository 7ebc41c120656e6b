// Shape family: eager results against plain loops (every dtype, 0-d, zero-size), zero-copy views,
// numpy slicing semantics, clamped dynamic windows, batched-index vmap, and every error path.
#include <doctest/doctest.h>

#include <functional>

#include "primitives/shape.hpp"
#include "xjax/core.hpp"
#include "xjax/transforms.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Arrays;
using xj::Ints;
using xj::Shape;

namespace {

std::vector<double> vals(const Array& x) {
  Array d = x.astype(xj::float64);
  const double* p = d.data<double>();
  return {p, p + d.size()};
}

// Distinct-enough values in any dtype (bool gets a mix of true and false).
Array pattern(const Shape& s, xj::DType d) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < xj::shape_size(s); ++i) v.push_back(static_cast<double>((i * 7 + 3) % 11));
  return xj::array(v, s).astype(d);
}

void for_each_index(const Shape& s, const std::function<void(const Ints&)>& f) {
  if (xj::shape_size(s) == 0) return;
  Ints idx(s.size(), 0);
  for (;;) {
    f(idx);
    int k = static_cast<int>(s.size()) - 1;
    for (; k >= 0; --k) {
      if (++idx[static_cast<std::size_t>(k)] < s[static_cast<std::size_t>(k)]) break;
      idx[static_cast<std::size_t>(k)] = 0;
    }
    if (k < 0) return;
  }
}

std::int64_t flat_index(const Shape& s, const Ints& idx) {
  std::int64_t f = 0;
  for (std::size_t i = 0; i < s.size(); ++i) f = f * s[i] + idx[i];
  return f;
}

// got[o] == x[src(o)] for every index o of `out`, or == fill where src returns -1.
void check_map(const Array& got, const Array& x, const Shape& out, const std::function<std::int64_t(const Ints&)>& src,
               double fill = 0) {
  REQUIRE(got.shape() == out);
  CHECK(got.dtype() == x.dtype());
  std::vector<double> g = vals(got), v = vals(x);
  std::int64_t k = 0;
  bool all_ok = true;
  for_each_index(out, [&](const Ints& o) {
    std::int64_t i = src(o);
    double want = i < 0 ? fill : v[static_cast<std::size_t>(i)];
    if (g[static_cast<std::size_t>(k++)] != want) all_ok = false;
  });
  CHECK(all_ok);
}

// Python's range(*slice(start, stop, step).indices(n)), written out independently.
Ints py_range(std::int64_t n, std::int64_t start, std::int64_t stop, std::int64_t step) {
  auto fix = [&](std::int64_t v, bool is_start) {
    if (v < 0) v += n;
    if (step > 0) return std::max<std::int64_t>(0, std::min(v, n));
    (void)is_start;
    return std::max<std::int64_t>(-1, std::min(v, n - 1));
  };
  Ints r;
  for (std::int64_t i = fix(start, true); step > 0 ? i < fix(stop, false) : i > fix(stop, false); i += step) r.push_back(i);
  return r;
}

const xj::DType kAll[] = {xj::bool_, xj::int32, xj::int64, xj::uint32, xj::float32, xj::float64};

}  // namespace

TEST_CASE("shape: reshape, ravel and squeeze are zero-copy views with the right layout") {
  for (xj::DType d : kAll) {
    CAPTURE(d);
    Array x = pattern({2, 3, 4}, d);
    Array r = xj::reshape(x, {4, -1});
    check_map(r, x, {4, 6}, [](const Ints& o) { return o[0] * 6 + o[1]; });
    CHECK(r.raw_data() == x.raw_data());
    check_map(xj::ravel(x), x, {24}, [](const Ints& o) { return o[0]; });
    Array s = pattern({}, d);
    check_map(xj::reshape(s, {1, 1, 1}), s, {1, 1, 1}, [](const Ints&) { return 0; });
    check_map(xj::squeeze(xj::reshape(s, {1, 1})), s, {}, [](const Ints&) { return 0; });
    Array z = pattern({0, 3}, d);
    CHECK(xj::reshape(z, {3, 0, 5}).shape() == Shape{3, 0, 5});
    CHECK(xj::reshape(z, {-1, 3}).shape() == Shape{0, 3});
  }
  Array x = pattern({1, 3, 1}, xj::float32);
  CHECK(xj::squeeze(x).shape() == Shape{3});
  CHECK(xj::squeeze(x, {-1}).shape() == Shape{1, 3});
  CHECK(xj::squeeze(x, {0, 2}).shape() == Shape{3});
  CHECK(xj::squeeze(x).raw_data() == x.raw_data());
  CHECK(xj::expand_dims(pattern({3}, xj::int32), {0, -1}).shape() == Shape{1, 3, 1});
  CHECK(xj::expand_dims(pattern({2, 3}, xj::int32), {1}).shape() == Shape{2, 1, 3});
  CHECK(xj::expand_dims(pattern({}, xj::int32), {0}).shape() == Shape{1});
  Array w = xj::reshape(pattern({6}, xj::float32), {2, 3});
  CHECK(w.weak_type() == false);
  CHECK(xj::reshape(Array(2.5), {1}).weak_type());  // reshape keeps a C++ scalar's weak type
}

TEST_CASE("shape: reshape, squeeze and expand_dims errors") {
  Array x = pattern({2, 3}, xj::float32);
  CHECK_THROWS_AS(xj::reshape(x, {4}), xj::ShapeError);
  CHECK_THROWS_AS(xj::reshape(x, {-1, 4}), xj::ShapeError);
  CHECK_THROWS_AS(xj::reshape(x, {-1, -1}), xj::ValueError);
  CHECK_THROWS_AS(xj::reshape(x, {-2, -3}), xj::ValueError);
  CHECK_THROWS_AS(xj::reshape(pattern({0, 3}, xj::float32), {-1, 0}), xj::ShapeError);
  CHECK_THROWS_AS(xj::reshape(x, {INT64_MAX, 4}), xj::ShapeError);
  CHECK_THROWS_AS(xj::squeeze(x, {0}), xj::ShapeError);
  CHECK_THROWS_AS(xj::squeeze(x, {2}), xj::IndexError);
  CHECK_THROWS_AS(xj::squeeze(pattern({1, 1}, xj::int32), {0, -2}), xj::ValueError);
  CHECK_THROWS_AS(xj::expand_dims(x, {3}), xj::IndexError);
  CHECK_THROWS_AS(xj::expand_dims(x, {0, 0}), xj::ValueError);
  CHECK_THROWS_AS(xj::expand_dims(x, {}), xj::ValueError);
  CHECK_THROWS_AS(xj::lax::squeeze(x, {-1}), xj::IndexError);  // the primitive takes normalised axes only
}

TEST_CASE("shape: broadcast_to, broadcast_in_dim, broadcast_shapes and broadcast_arrays") {
  for (xj::DType d : kAll) {
    CAPTURE(d);
    Array v = pattern({3}, d);
    check_map(xj::broadcast_to(v, {2, 3}), v, {2, 3}, [](const Ints& o) { return o[1]; });
    Array c = pattern({3, 1}, d);
    check_map(xj::broadcast_to(c, {2, 3, 4}), c, {2, 3, 4}, [](const Ints& o) { return o[1]; });
    Array s = pattern({}, d);
    check_map(xj::broadcast_to(s, {2, 2}), s, {2, 2}, [](const Ints&) { return 0; });
    Array m = pattern({2, 1, 3}, d);  // an extent-1 operand axis maps to a result axis of extent 4
    check_map(xj::broadcast_in_dim(m, {2, 5, 4, 3}, {0, 2, 3}), m, {2, 5, 4, 3},
              [](const Ints& o) { return o[0] * 3 + o[3]; });
    CHECK(xj::broadcast_to(pattern({0, 1}, d), {0, 4}).shape() == Shape{0, 4});
    CHECK(xj::broadcast_to(pattern({3}, d), {0, 3}).shape() == Shape{0, 3});
  }
  Array v = pattern({3}, xj::float32);
  CHECK(xj::broadcast_in_dim(v, {1, 3}, {1}).raw_data() == v.raw_data());  // no new data: a view
  CHECK(xj::broadcast_shapes({2, 1, 3}, {4, 1}) == Shape{2, 4, 3});
  CHECK(xj::broadcast_shapes({}, {2, 0}) == Shape{2, 0});
  CHECK(xj::broadcast_shapes({0}, {1}) == Shape{0});
  CHECK_THROWS_AS(xj::broadcast_shapes({2, 3}, {4, 3}), xj::ShapeError);
  auto bs = xj::broadcast_arrays({pattern({3, 1}, xj::int32), pattern({4}, xj::float32), pattern({}, xj::bool_)});
  REQUIRE(bs.size() == 3);
  for (const Array& b : bs) CHECK(b.shape() == Shape{3, 4});
  CHECK(bs[1].dtype() == xj::float32);
  CHECK(xj::broadcast_arrays({}).empty());

  CHECK_THROWS_AS(xj::broadcast_to(v, {4}), xj::ShapeError);
  CHECK_THROWS_AS(xj::broadcast_to(pattern({2, 3}, xj::float32), {3}), xj::ShapeError);
  CHECK_THROWS_AS(xj::broadcast_to(v, {-1, 3}), xj::ValueError);
  CHECK_THROWS_AS(xj::broadcast_in_dim(v, {3, 3}, {0, 1}), xj::ShapeError);   // one entry per operand axis
  CHECK_THROWS_AS(xj::broadcast_in_dim(v, {3, 4}, {1}), xj::ShapeError);      // 3 vs 4
  CHECK_THROWS_AS(xj::broadcast_in_dim(v, {3, 4}, {2}), xj::IndexError);
  CHECK_THROWS_AS(xj::broadcast_in_dim(pattern({1, 1}, xj::int32), {2, 2}, {1, 0}), xj::ValueError);
  CHECK_THROWS_AS(xj::broadcast_in_dim(v, {3, -1}, {0}), xj::ValueError);
  CHECK_THROWS_AS(xj::broadcast_in_dim(v, {3, INT64_MAX, 4}, {0}), xj::ShapeError);
}

TEST_CASE("shape: transpose, moveaxis and swapaxes against loops (tiled 2-d path, every dtype)") {
  for (xj::DType d : kAll) {
    CAPTURE(d);
    Array m = pattern({67, 45}, d);
    check_map(xj::transpose(m), m, {45, 67}, [](const Ints& o) { return o[1] * 45 + o[0]; });
    Array t = pattern({5, 33, 40}, d);
    Ints perms[] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (const Ints& p : perms) {
      CAPTURE(xj::shape_str(p));
      Shape out{t.shape()[static_cast<std::size_t>(p[0])], t.shape()[static_cast<std::size_t>(p[1])],
                t.shape()[static_cast<std::size_t>(p[2])]};
      check_map(xj::transpose(t, p), t, out, [&](const Ints& o) {
        Ints i(3);
        for (std::size_t k = 0; k < 3; ++k) i[static_cast<std::size_t>(p[k])] = o[k];
        return flat_index(t.shape(), i);
      });
    }
  }
  Array t = pattern({2, 3, 4}, xj::int32);
  CHECK(xj::transpose(t).shape() == Shape{4, 3, 2});
  CHECK(xj::transpose(t, {-1, 0, 1}).shape() == Shape{4, 2, 3});
  CHECK(xj::moveaxis(t, 0, -1).shape() == Shape{3, 4, 2});
  check_map(xj::moveaxis(t, 2, 0), t, {4, 2, 3}, [](const Ints& o) { return o[1] * 12 + o[2] * 4 + o[0]; });
  check_map(xj::swapaxes(t, 0, 2), t, {4, 3, 2}, [](const Ints& o) { return o[2] * 12 + o[1] * 4 + o[0]; });
  CHECK(xj::transpose(pattern({}, xj::float32)).shape() == Shape{});
  CHECK(xj::transpose(pattern({0, 3}, xj::float32)).shape() == Shape{3, 0});
  CHECK_THROWS_AS(xj::transpose(t, {0, 1}), xj::ValueError);
  CHECK_THROWS_AS(xj::transpose(t, {0, 1, 1}), xj::ValueError);
  CHECK_THROWS_AS(xj::transpose(t, {0, 1, 3}), xj::IndexError);
  CHECK_THROWS_AS(xj::moveaxis(t, 3, 0), xj::IndexError);
  CHECK_THROWS_AS(xj::swapaxes(t, 0, -4), xj::IndexError);
}

TEST_CASE("shape: slice follows Python slicing (clamps, negative indices and steps)") {
  Array v = pattern({7}, xj::float64);
  struct C {
    std::int64_t start, stop, step;
  };
  C cases[] = {{0, 7, 1},   {2, 5, 1},    {-3, 7, 1},  {-100, 100, 2}, {5, 2, 1},  {6, -8, -1}, {-1, -5, -2},
               {100, 0, -3}, {3, 3, 1},   {1, 7, 10},  {0, -1, 3},     {-2, -1, -1}, {4, INT64_MIN, -2}, {6, 0, INT64_MIN}};
  for (const C& c : cases) {
    CAPTURE(c.start);
    CAPTURE(c.stop);
    CAPTURE(c.step);
    Ints want = py_range(7, c.start, c.stop, c.step);
    Array got = xj::slice(v, {c.start}, {c.stop}, {c.step});
    check_map(got, v, {static_cast<std::int64_t>(want.size())}, [&](const Ints& o) { return want[static_cast<std::size_t>(o[0])]; });
  }
  CHECK(vals(xj::slice(v, {-1}, {INT64_MIN}, {-1})) == std::vector<double>{1, 5, 9, 2, 6, 10, 3});  // x[::-1]
  for (xj::DType d : kAll) {
    CAPTURE(d);
    Array t = pattern({4, 5, 6}, d);
    Ints a = py_range(4, 3, 0, -2), b = py_range(5, 1, 5, 1), c = py_range(6, 0, 6, 4);
    check_map(xj::slice(t, {3, 1, 0}, {0, 5, 6}, {-2, 1, 4}), t,
              {static_cast<std::int64_t>(a.size()), static_cast<std::int64_t>(b.size()), static_cast<std::int64_t>(c.size())},
              [&](const Ints& o) {
                return flat_index(t.shape(), {a[static_cast<std::size_t>(o[0])], b[static_cast<std::size_t>(o[1])],
                                              c[static_cast<std::size_t>(o[2])]});
              });
    check_map(xj::slice_in_dim(t, 1, 3, 1, -1), t, {4, 5, 2}, [&](const Ints& o) { return flat_index(t.shape(), {o[0], o[1], o[2] + 1}); });
    CHECK(xj::slice(t, {0, 0, 0}, {4, 0, 6}).shape() == Shape{4, 0, 6});
  }
  Array t = pattern({4, 5, 6}, xj::float32);
  Array rows = xj::slice_in_dim(t, 1, 3);
  CHECK(rows.raw_data() == static_cast<const float*>(t.raw_data()) + 30);  // a contiguous window is a view
  CHECK(xj::slice(pattern({}, xj::int32), {}, {}).shape() == Shape{});
  CHECK_THROWS_AS(xj::slice(t, {0}, {1}), xj::ValueError);
  CHECK_THROWS_AS(xj::slice(v, {0}, {3}, {0}), xj::ValueError);
  CHECK_THROWS_AS(xj::slice_in_dim(t, 0, 1, 1, 3), xj::IndexError);
  CHECK_THROWS_AS(xj::lax::slice(v, {2}, {8}, {1}), xj::IndexError);
  CHECK_THROWS_AS(xj::lax::slice(v, {3}, {2}, {1}), xj::IndexError);
  CHECK_THROWS_AS(xj::lax::slice(v, {0}, {2}, {0}), xj::ValueError);
  CHECK_THROWS_AS(xj::lax::slice(v, {0, 0}, {2, 2}, {1, 1}), xj::ShapeError);
}

TEST_CASE("shape: x[i] selects along the leading axis") {
  Array m = xj::array({{1, 2, 3}, {4, 5, 6}});
  CHECK(vals(m[0]) == std::vector<double>{1, 2, 3});
  CHECK(vals(m[-1]) == std::vector<double>{4, 5, 6});
  CHECK(m[1].raw_data() == m.data<int>() + 3);
  Array v = xj::array({1.5f, 2.5f, 3.5f});
  CHECK(v[-1].shape() == Shape{});
  CHECK(v[-1].item<float>() == 3.5f);
  CHECK(m[1][-3].item<int>() == 4);
  CHECK_THROWS_AS(m[2], xj::IndexError);
  CHECK_THROWS_AS(m[-3], xj::IndexError);
  CHECK_THROWS_AS(v[0][0], xj::IndexError);
  CHECK_THROWS_AS(pattern({0, 2}, xj::int32)[0], xj::IndexError);
}

TEST_CASE("shape: pad with edges, interior padding and cropping") {
  for (xj::DType d : kAll) {
    CAPTURE(d);
    Array x = pattern({2, 3}, d);
    Array val = xj::array(1.0).astype(d);
    check_map(xj::pad(x, {{1, 2}, {0, 1}}, val), x, {5, 4}, [](const Ints& o) -> std::int64_t {
      return o[0] >= 1 && o[0] < 3 && o[1] < 3 ? (o[0] - 1) * 3 + o[1] : -1;
    }, 1.0);
    // lo -1 crops the first element, interior 2 puts two values between neighbours, hi -2 crops.
    // axis 1: positions -1, 2, 5 for elements 0, 1, 2 in an extent of 3 + 2*2 - 1 - 2 = 4.
    check_map(xj::lax::pad(x, val, {0, -1}, {1, -2}, {0, 2}), x, {3, 4}, [](const Ints& o) -> std::int64_t {
      if (o[0] >= 2 || (o[1] + 1) % 3 != 0) return -1;
      return o[0] * 3 + (o[1] + 1) / 3;
    }, 1.0);
  }
  Array x = pattern({2, 3}, xj::float32);
  CHECK(xj::pad(x, {{1, 1}}).shape() == Shape{4, 5});
  CHECK(xj::pad(pattern({0, 2}, xj::int32), {{1, 0}, {0, 0}}, 7).shape() == Shape{1, 2});
  CHECK(vals(xj::pad(pattern({0}, xj::int32), {{1, 2}}, 7)) == std::vector<double>{7, 7, 7});
  CHECK(xj::pad(pattern({}, xj::int32), {}).shape() == Shape{});
  CHECK(xj::pad(x, {{1, 1}, {0, 0}}, 2.5).dtype() == xj::float32);  // the value takes x's dtype
  CHECK(xj::lax::pad(x, xj::array(0.f), {-2, -3}, {0, 0}, {0, 0}).shape() == Shape{0, 0});
  CHECK_THROWS_AS(xj::pad(x, {{-1, 0}, {0, 0}}), xj::ValueError);
  CHECK_THROWS_AS(xj::pad(x, {{1, 0}, {0, 0}, {0, 0}}), xj::ValueError);
  CHECK_THROWS_AS(xj::pad(x, {{1, 0}}, xj::array({1.f, 2.f})), xj::ShapeError);
  CHECK_THROWS_AS(xj::lax::pad(x, xj::array(1.0), {0, 0}, {0, 0}, {0, 0}), xj::DTypeError);
  CHECK_THROWS_AS(xj::lax::pad(x, xj::array(1.f), {-3, 0}, {0, 0}, {0, 0}), xj::ShapeError);
  CHECK_THROWS_AS(xj::lax::pad(x, xj::array(1.f), {0, 0}, {0, 0}, {-1, 0}), xj::ValueError);
  CHECK_THROWS_AS(xj::lax::pad(x, xj::array(1.f), {0}, {0}, {0}), xj::ShapeError);
  CHECK_THROWS_AS(xj::lax::pad(x, xj::array(1.f), {INT64_MAX, 0}, {INT64_MAX, 0}, {0, 0}), xj::ShapeError);
}

TEST_CASE("shape: concatenate and stack promote and join; split and flip") {
  for (xj::DType d : kAll) {
    CAPTURE(d);
    Array a = pattern({2, 3}, d), b = pattern({1, 3}, d), e = pattern({0, 3}, d);
    Array c = xj::concatenate({a, e, b});
    std::vector<double> want = vals(a), vb = vals(b);
    want.insert(want.end(), vb.begin(), vb.end());
    CHECK(c.shape() == Shape{3, 3});
    CHECK(vals(c) == want);
    Array c1 = xj::concatenate({a, xj::transpose(pattern({2, 2}, d)), a}, -1);
    CHECK(c1.shape() == Shape{2, 8});
    check_map(xj::concatenate({b, b}, 1), b, {1, 6}, [](const Ints& o) { return o[1] % 3; });
    Array s = xj::stack({a, a}, 1);
    check_map(s, a, {2, 2, 3}, [](const Ints& o) { return o[0] * 3 + o[2]; });
    CHECK(xj::stack({pattern({}, d), pattern({}, d)}).shape() == Shape{2});
    Array t = pattern({2, 3, 4}, d);
    check_map(xj::flip(t), t, {2, 3, 4}, [](const Ints& o) { return (1 - o[0]) * 12 + (2 - o[1]) * 4 + (3 - o[2]); });
    check_map(xj::flip(t, {-1, 0}), t, {2, 3, 4}, [](const Ints& o) { return (1 - o[0]) * 12 + o[1] * 4 + (3 - o[2]); });
  }
  Array i = xj::array({1, 2}), f = xj::array({0.5f});
  CHECK(xj::concatenate({i, f}).dtype() == xj::float32);
  CHECK(xj::concatenate({xj::array({true}), i}).dtype() == xj::int32);
  CHECK(xj::concatenate({xj::array({std::uint32_t{1}}), i}).dtype() == xj::int64);
  CHECK(vals(xj::concatenate({i, f})) == std::vector<double>{1, 2, 0.5});
  CHECK(xj::stack({i, i}, -1).shape() == Shape{2, 2});
  CHECK(xj::flip(pattern({}, xj::int32)).shape() == Shape{});

  Array x = pattern({6, 2}, xj::int64);
  auto parts = xj::split(x, 3);
  REQUIRE(parts.size() == 3);
  for (int k = 0; k < 3; ++k)
    check_map(parts[static_cast<std::size_t>(k)], x, {2, 2}, [k](const Ints& o) { return (o[0] + 2 * k) * 2 + o[1]; });
  auto uneven = xj::split(x, Ints{1, 4, 10}, 0);
  REQUIRE(uneven.size() == 4);
  CHECK(uneven[0].shape() == Shape{1, 2});
  CHECK(uneven[1].shape() == Shape{3, 2});
  CHECK(uneven[2].shape() == Shape{2, 2});
  CHECK(uneven[3].shape() == Shape{0, 2});
  CHECK(xj::split(x, Ints{-1}, 0)[1].shape() == Shape{1, 2});
  CHECK(xj::split(x, 2, -1)[1].shape() == Shape{6, 1});

  CHECK_THROWS_AS(xj::concatenate({}), xj::ValueError);
  CHECK_THROWS_AS(xj::concatenate({xj::array(1), xj::array(2)}), xj::ValueError);
  CHECK_THROWS_AS(xj::concatenate({pattern({2, 3}, xj::int32), pattern({2, 4}, xj::int32)}), xj::ShapeError);
  CHECK_THROWS_AS(xj::concatenate({pattern({2, 3}, xj::int32), pattern({3}, xj::int32)}), xj::ShapeError);
  CHECK_THROWS_AS(xj::concatenate({i, i}, 1), xj::IndexError);
  CHECK_THROWS_AS(xj::lax::concatenate({i, f}, 0), xj::DTypeError);
  CHECK_THROWS_AS(xj::stack({}), xj::ValueError);
  CHECK_THROWS_AS(xj::stack({i, f}), xj::ShapeError);
  CHECK_THROWS_AS(xj::stack({i, i}, 2), xj::IndexError);
  CHECK_THROWS_AS(xj::split(x, 4), xj::ValueError);
  CHECK_THROWS_AS(xj::split(x, 0), xj::ValueError);
  CHECK_THROWS_AS(xj::split(x, 2, 2), xj::IndexError);
  CHECK_THROWS_AS(xj::split(pattern({}, xj::int32), 1), xj::IndexError);
  CHECK_THROWS_AS(xj::flip(x, {2}), xj::IndexError);
  CHECK_THROWS_AS(xj::flip(x, {0, -2}), xj::ValueError);
}

TEST_CASE("shape: dynamic_slice and dynamic_update_slice clamp their windows, as JAX") {
  for (xj::DType d : kAll) {
    CAPTURE(d);
    Array t = pattern({3, 4, 5}, d);
    // Starts (1, 3, -2): 3 is clamped to 4 - 2 = 2; -2 counts from the end (3), then clamps to 5 - 3 = 2.
    Array ds = xj::dynamic_slice(t, {xj::array(1), xj::array(std::int64_t{3}), xj::array(-2)}, {2, 2, 3});
    check_map(ds, t, {2, 2, 3}, [&](const Ints& o) { return flat_index(t.shape(), {o[0] + 1, o[1] + 2, o[2] + 2}); });
    Array u = pattern({2, 3}, d);
    Array x = xj::broadcast_to(xj::array(0).astype(d), {4, 5});
    Array r = xj::dynamic_update_slice(x, u, {xj::array(std::uint32_t{7}), xj::array(1)});
    std::vector<double> got = vals(r), vu = vals(u);
    for (std::int64_t i = 0; i < 4; ++i)
      for (std::int64_t j = 0; j < 5; ++j) {
        bool inside = i >= 2 && j >= 1 && j < 4;
        double want = inside ? vu[static_cast<std::size_t>((i - 2) * 3 + j - 1)] : 0;
        CHECK(got[static_cast<std::size_t>(i * 5 + j)] == want);
      }
    Array s = pattern({}, d);
    CHECK(vals(xj::dynamic_slice(s, {}, {})) == vals(s));
    CHECK(xj::dynamic_slice(t, {xj::array(9), xj::array(9), xj::array(9)}, {0, 4, 0}).shape() == Shape{0, 4, 0});
    CHECK(vals(xj::dynamic_update_slice(t, pattern({0, 2, 2}, d), {xj::array(1), xj::array(1), xj::array(1)})) == vals(t));
  }
  Array v = xj::array({1.f, 2.f, 3.f});
  CHECK(xj::dynamic_update_slice(xj::array(1.f), 9.0, {}).item<float>() == 9.f);  // a C++ scalar takes x's dtype
  CHECK_THROWS_AS(xj::dynamic_update_slice(v, 9.0, {xj::array(0)}), xj::ShapeError);
  CHECK_THROWS_AS(xj::dynamic_slice(v, {xj::array(1.0)}, {1}), xj::DTypeError);
  CHECK_THROWS_AS(xj::dynamic_slice(v, {xj::array({1})}, {1}), xj::ShapeError);
  CHECK_THROWS_AS(xj::dynamic_slice(v, {xj::array(0), xj::array(0)}, {1}), xj::ShapeError);
  CHECK_THROWS_AS(xj::dynamic_slice(v, {xj::array(0)}, {4}), xj::ShapeError);
  CHECK_THROWS_AS(xj::dynamic_slice(v, {xj::array(0)}, {1, 1}), xj::ShapeError);
  CHECK_THROWS_AS(xj::dynamic_update_slice(v, xj::array({1.f, 2.f, 3.f, 4.f}), {xj::array(0)}), xj::ShapeError);
  CHECK_THROWS_AS(xj::dynamic_update_slice(v, xj::array({1.0}), {xj::array(0)}), xj::DTypeError);
  CHECK_THROWS_AS(xj::dynamic_update_slice(v, xj::array({1.f}), {}), xj::ShapeError);
  CHECK_THROWS_AS(xj::dynamic_update_slice(v, xj::array({1.f}), {xj::array(true)}), xj::DTypeError);
}

TEST_CASE("shape: vmap of dynamic windows with a different start per example") {
  Array x = xj::reshape(xj::array(std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}), {3, 4});
  Array starts = xj::array({-1, 2, 9});  // -1 -> 3 -> clamped to 2; 9 -> clamped to 2
  auto take2 = [](const Arrays& a) -> Arrays { return {xj::dynamic_slice(a[0], {a[1]}, {2})}; };
  Array got = xj::vmap_flat(take2, {x, starts}, {0, 0}, {0})[0];
  CHECK(vals(got) == std::vector<double>{2, 3, 6, 7, 10, 11});
  Array rows = xj::vmap_flat(take2, {x[0], starts}, {std::nullopt, 0}, {0})[0];
  CHECK(vals(rows) == std::vector<double>{2, 3, 2, 3, 2, 3});
  Array s2 = xj::array({0, 1, 2});
  Array got2 = xj::vmap_flat(take2, {x, s2}, {0, 0}, {0})[0];
  CHECK(vals(got2) == std::vector<double>{0, 1, 5, 6, 10, 11});

  auto put = [](const Arrays& a) -> Arrays { return {xj::dynamic_update_slice(a[0], a[1], {a[2]})}; };
  Array u = xj::array({-1.0, -2.0});
  Array placed = xj::vmap_flat(put, {x, u, s2}, {0, std::nullopt, 0}, {0})[0];
  CHECK(vals(placed) == std::vector<double>{-1, -2, 2, 3, 4, -1, -2, 7, 8, 9, -1, -2});
  // 2-d windows, both starts batched, as a loop would compute them.
  std::vector<double> seq(48);
  for (std::size_t k = 0; k < seq.size(); ++k) seq[k] = static_cast<double>(k);
  Array m = xj::reshape(xj::array(seq), {3, 4, 4});
  Array r0 = xj::array({0, 3, 1}), r1 = xj::array({2, 1, 0});
  auto win = [](const Arrays& a) -> Arrays { return {xj::dynamic_slice(a[0], {a[1], a[2]}, {2, 3})}; };
  Array bw = xj::vmap_flat(win, {m, r0, r1}, {0, 0, 0}, {0})[0];
  for (int b = 0; b < 3; ++b)
    CHECK(vals(bw[b]) == vals(win({m[b], r0[b], r1[b]})[0]));
  auto upd = [](const Arrays& a) -> Arrays { return {xj::dynamic_update_slice(a[0], a[1], {a[2], a[3]})}; };
  Array patch = xj::reshape(xj::array(std::vector<double>{-1, -2, -3, -4, -5, -6}), {2, 3});
  Array bu = xj::vmap_flat(upd, {m, patch, r0, r1}, {0, std::nullopt, 0, 0}, {0})[0];
  for (int b = 0; b < 3; ++b)
    CHECK(vals(bu[b]) == vals(upd({m[b], patch, r0[b], r1[b]})[0]));
}

TEST_CASE("shape: vmap of grad through windows with batched starts and a batched padding value") {
  Array x = xj::reshape(xj::array(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}), {3, 4});
  Array starts = xj::array({3, 0, 1});  // 3 clamps to 2
  auto f = [](const Arrays& a) -> Arrays { return {xj::sum(xj::square(xj::dynamic_slice(a[0], {a[1]}, {2})))}; };
  auto df = [&f](const Arrays& a) -> Arrays { return {xj::vjp_flat(f, a).pullback({xj::Tangent(xj::array(1.0))})[0]}; };
  Array g = xj::vmap_flat(df, {x, starts}, {0, 0}, {0})[0];
  CHECK(vals(g) == std::vector<double>{0, 0, 6, 8, 10, 12, 0, 0, 0, 20, 22, 0});

  auto h = [](const Arrays& a) -> Arrays { return {xj::sum(xj::pad(a[0], {{1, 2}}, a[1]) * xj::array({1.0, 2.0, 3.0, 4.0, 5.0, 6.0}))}; };
  auto dh = [&h](const Arrays& a) -> Arrays { return xj::vjp_flat(h, a).pullback({xj::Tangent(xj::array(1.0))}); };
  Arrays gs = xj::vmap_flat(dh, {xj::array({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}), xj::array({0.5, -0.5})}, {0, 0}, {0});
  CHECK(vals(gs[0]) == std::vector<double>{2, 3, 4, 2, 3, 4});
  CHECK(vals(gs[1]) == std::vector<double>{12, 12});  // positions 0, 4, 5 hold the value: 1 + 5 + 6
}
