// linalg family (interop): xtensor <-> Array conversions (zero-copy moves, copies, dtype conversion).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <xtensor/xmath.hpp>

#include "xjax/xjax.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Shape;

namespace {
template <class T>
std::vector<T> elements(const Array& x) {
  const T* p = x.data<T>();
  return std::vector<T>(p, p + x.size());
}
}  // namespace

TEST_CASE("linalg interop: asarray of a moved xarray/xtensor adopts its buffer") {
  xt::xarray<float> a = {{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}};
  const float* storage = a.data();
  Array x = xj::asarray(std::move(a));
  CHECK(x.raw_data() == storage);
  CHECK(x.dtype() == xj::float32);
  CHECK(x.shape() == Shape{2, 3});
  CHECK(elements<float>(x) == std::vector<float>{1, 2, 3, 4, 5, 6});

  Array kept = x;  // the buffer lives as long as any handle
  x = Array();
  CHECK(elements<float>(kept * 2.0f) == std::vector<float>{2, 4, 6, 8, 10, 12});

  xt::xtensor<double, 2> t = {{1.5, 2.5}, {3.5, 4.5}};
  const double* tdata = t.data();
  Array y = xj::asarray(std::move(t));
  CHECK(y.raw_data() == tdata);
  CHECK(y.shape() == Shape{2, 2});
  CHECK(elements<double>(y) == std::vector<double>{1.5, 2.5, 3.5, 4.5});

  xt::xtensor<std::int64_t, 0> s = xt::xtensor<std::int64_t, 0>::from_shape({});
  s() = -7;
  Array z = xj::asarray(std::move(s));
  CHECK(z.ndim() == 0);
  CHECK(z.dtype() == xj::int64);
  CHECK(z.item<std::int64_t>() == -7);

  Array b = xj::asarray(xt::xarray<bool>{true, false, true});
  CHECK(b.dtype() == xj::bool_);
  CHECK(elements<bool>(b) == std::vector<bool>{true, false, true});

  Array u = xj::asarray(xt::xarray<std::uint32_t>::from_shape({0, 4}));
  CHECK(u.dtype() == xj::uint32);
  CHECK(u.shape() == Shape{0, 4});
}

TEST_CASE("linalg interop: asarray of const containers and expressions copies") {
  xt::xarray<double> a = {{1.0, 2.0}, {3.0, 4.0}};
  Array x = xj::asarray(a);  // lvalue: copied
  CHECK(x.raw_data() != static_cast<const void*>(a.data()));
  a(0, 0) = 100.0;
  CHECK(elements<double>(x) == std::vector<double>{1, 2, 3, 4});

  const xt::xtensor<std::int32_t, 1> c = {5, 6, 7};
  Array y = xj::asarray(c);
  CHECK(y.dtype() == xj::int32);
  CHECK(elements<std::int32_t>(y) == std::vector<std::int32_t>{5, 6, 7});

  Array e = xj::asarray(xt::xarray<double>{1.0, 2.0, 3.0} * 2.0 + 1.0);  // an unevaluated expression
  CHECK(e.dtype() == xj::float64);
  CHECK(elements<double>(e) == std::vector<double>{3, 5, 7});

  Array s = xj::asarray(xt::xarray<short>{{1, -2}, {3, -4}});  // not an xjax element type: converted
  CHECK(s.dtype() == xj::int32);
  CHECK(s.shape() == Shape{2, 2});
  CHECK(elements<std::int32_t>(s) == std::vector<std::int32_t>{1, -2, 3, -4});

  Array l = xj::asarray(xt::xarray<long long>{1LL << 40});
  CHECK(l.dtype() == xj::int64);
  CHECK(l.item<std::int64_t>() == (1LL << 40));

  xt::xarray<float, xt::layout_type::column_major> f = {{1.f, 2.f}, {3.f, 4.f}};
  Array fc = xj::asarray(std::move(f));  // not row-major: copied in row-major order
  CHECK(elements<float>(fc) == std::vector<float>{1, 2, 3, 4});
}

TEST_CASE("linalg interop: to_xarray copies and converts") {
  const Array x = xj::array({{1.5f, -2.5f}, {3.0f, 4.25f}});
  xt::xarray<float> f = xj::to_xarray<float>(x);
  CHECK(f.shape().size() == 2);
  CHECK(f(1, 1) == 4.25f);
  CHECK(f(0, 1) == -2.5f);
  CHECK(static_cast<const void*>(f.data()) != x.raw_data());

  const Array big = xj::array({1e10, -1e10, std::nan(""), -3.7});
  xt::xarray<std::int32_t> i = xj::to_xarray<std::int32_t>(big);  // saturating, NaN -> 0, truncation
  CHECK(i(0) == std::numeric_limits<std::int32_t>::max());
  CHECK(i(1) == std::numeric_limits<std::int32_t>::min());
  CHECK(i(2) == 0);
  CHECK(i(3) == -3);

  xt::xarray<double> d = xj::to_xarray<double>(xj::array({true, false}));
  CHECK(d(0) == 1.0);
  CHECK(d(1) == 0.0);
  xt::xarray<bool> b = xj::to_xarray<bool>(xj::array({0.0, 0.5}));
  CHECK_FALSE(b(0));
  CHECK(b(1));
  xt::xarray<short> s = xj::to_xarray<short>(xj::array(std::vector<std::int32_t>{7, -8}));
  CHECK(s(1) == -8);

  xt::xarray<double> scalar = xj::to_xarray<double>(xj::array(2.5));
  CHECK(scalar.dimension() == 0);
  CHECK(scalar() == 2.5);
  xt::xarray<std::uint32_t> empty = xj::to_xarray<std::uint32_t>(xj::zeros({3, 0}, xj::uint32));
  CHECK(empty.shape()[0] == 3);
  CHECK(empty.size() == 0);

  // Narrow targets: floats saturate, integers that do not fit are an OverflowError.
  xt::xarray<std::uint8_t> u8 = xj::to_xarray<std::uint8_t>(xj::array({300.0, -1.0, 7.9, std::nan("")}));
  CHECK(u8(0) == 255);
  CHECK(u8(1) == 0);
  CHECK(u8(2) == 7);
  CHECK(u8(3) == 0);
  xt::xarray<std::int16_t> i16 = xj::to_xarray<std::int16_t>(xj::array({1e6f, -1e6f}));
  CHECK(i16(0) == 32767);
  CHECK(i16(1) == -32768);
  CHECK_THROWS_AS(xj::to_xarray<std::uint8_t>(xj::array(std::vector<std::int32_t>{1, 300})), xj::OverflowError);
  CHECK_THROWS_AS(xj::to_xarray<std::uint64_t>(xj::array(std::vector<std::int64_t>{-1})), xj::OverflowError);
  CHECK_THROWS_AS(xj::to_xarray<std::int16_t>(xj::array(std::vector<std::uint32_t>{70000})), xj::OverflowError);
  CHECK(xj::to_xarray<std::uint64_t>(xj::array(std::vector<std::uint32_t>{4000000000u}))(0) == 4000000000u);
  // The same rule for xjax's own element types: int64 -> int32 and int32 -> uint32 do not wrap.
  CHECK_THROWS_AS(xj::to_xarray<std::int32_t>(xj::array(std::vector<std::int64_t>{1, std::int64_t{1} << 40})),
                  xj::OverflowError);
  CHECK_THROWS_AS(xj::to_xarray<std::uint32_t>(xj::array(std::vector<std::int32_t>{-1})), xj::OverflowError);
  CHECK_THROWS_AS(xj::to_xarray<std::int32_t>(xj::array(std::vector<std::uint32_t>{3000000000u})), xj::OverflowError);
  CHECK(xj::to_xarray<std::int32_t>(xj::array(std::vector<std::int64_t>{-5, 2147483647}))(1) == 2147483647);
  CHECK(xj::to_xarray<std::uint32_t>(xj::array({1e10, -3.0}))(0) == 4294967295u);  // floats still saturate
  // astype is not a crossing: it wraps integers as numpy does.
  CHECK(xj::array(std::vector<std::int64_t>{std::int64_t{1} << 32 | 7}).astype(xj::int32).item<std::int32_t>() == 7);

  // Round trip through xtensor keeps the values.
  const Array r = xj::asarray(xj::to_xarray<double>(x));
  CHECK(r.dtype() == xj::float64);
  CHECK(elements<double>(r) == std::vector<double>{1.5, -2.5, 3.0, 4.25});
}

TEST_CASE("linalg interop: asarray of integers beyond xjax's dtypes is an OverflowError, never a wrapped value") {
  const xt::xarray<std::uint64_t> big = {std::uint64_t{1} << 63};
  CHECK_THROWS_AS(xj::asarray(big), xj::OverflowError);
  const xt::xarray<std::uint64_t> fits = {std::uint64_t{1} << 62, 5};
  CHECK(xj::asarray(fits).dtype() == xj::int64);
  CHECK(xj::asarray(fits)[0].item<std::int64_t>() == std::int64_t{1} << 62);
  const xt::xarray<std::int16_t> small = {-3, 7};
  CHECK(xj::asarray(small).dtype() == xj::int32);
}

TEST_CASE("linalg interop: to_xarray of an abstract value throws ConcretizationError") {
  auto f = [](const xj::Arrays& a) -> xj::Arrays {
    (void)xj::to_xarray<float>(a[0]);
    return a;
  };
  CHECK_THROWS_AS(xj::trace_to_jaxpr(f, {xj::ShapedArray{{2}, xj::float32, false}}), xj::ConcretizationError);
}
