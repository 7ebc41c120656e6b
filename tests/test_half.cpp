// float16 and bfloat16: rounding to nearest even, JAX's promotion, float32 arithmetic rounded once per
// primitive, reductions and products that accumulate in float32, printing as numpy and ml_dtypes
// print (tests/golden/print_half.inc, made by make_print_half_golden.py), .npy files, jit on both
// tiers and vmap against eager, gradients, random numbers, finfo and typed errors.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"
#include "xjax/host_io.hpp"
#include "xjax/interop.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Arrays;
using xj::DType;

namespace {

const DType halves[] = {xj::float16, xj::bfloat16};

// The value of a float16 or bfloat16 bit pattern, decoded from its fields (independent of half.hpp).
double decode(DType d, std::uint16_t bits) {
  const int nmant = d == xj::float16 ? 10 : 7, nexp = d == xj::float16 ? 5 : 8, bias = (1 << (nexp - 1)) - 1;
  const int e = (bits >> nmant) & ((1 << nexp) - 1);
  const int m = bits & ((1 << nmant) - 1);
  const double sign = bits & 0x8000 ? -1 : 1;
  if (e == (1 << nexp) - 1) return m ? std::nan("") : sign * std::numeric_limits<double>::infinity();
  if (e == 0) return sign * std::ldexp(m, 1 - bias - nmant);
  return sign * std::ldexp(m + (1 << nmant), e - bias - nmant);
}

// The bits v rounds to, from double and from float (two code paths): they must agree.
std::uint16_t bits_of(DType d, double v) {
  const std::uint16_t from_double = d == xj::float16 ? xj::float16_t(v).bits : xj::bfloat16_t(v).bits;
  const auto f = static_cast<float>(v);
  if (static_cast<double>(f) == v || std::isnan(v)) {
    const std::uint16_t from_float = d == xj::float16 ? xj::float16_t(f).bits : xj::bfloat16_t(f).bits;
    CHECK(from_float == from_double);
  }
  return from_double;
}

// The 16-bit patterns of an array of dtype d.
std::vector<std::uint16_t> bit_patterns(const Array& x) {
  const auto* p = static_cast<const std::uint16_t*>(x.raw_data());
  return {p, p + x.size()};
}

Array from_bits(DType d, const std::vector<std::uint16_t>& bits) {
  std::vector<double> v;
  for (std::uint16_t b : bits) v.push_back(decode(d, b));
  return xj::array(v).astype(d);
}

}  // namespace

TEST_CASE("half: every finite pattern decodes, converts back exactly, and midpoints round to even") {
  for (DType d : halves) {
    CAPTURE(d);
    int checked = 0;
    for (std::uint32_t b = 0; b < 0x10000; ++b) {
      const double v = decode(d, static_cast<std::uint16_t>(b));
      if (std::isnan(v)) {
        CHECK(std::isnan(static_cast<float>(d == xj::float16 ? static_cast<float>(xj::float16_t::from_bits(b))
                                                              : static_cast<float>(xj::bfloat16_t::from_bits(b)))));
        continue;
      }
      const float f = d == xj::float16 ? static_cast<float>(xj::float16_t::from_bits(b))
                                       : static_cast<float>(xj::bfloat16_t::from_bits(b));
      REQUIRE(static_cast<double>(f) == v);
      REQUIRE(bits_of(d, v) == b);
      // The midpoint to the next pattern away from zero rounds to the even one of the two.
      const std::uint16_t next = static_cast<std::uint16_t>(b + 1);
      const double w = decode(d, next);
      if ((b & 0x7fff) == 0x7fff || std::isnan(w)) continue;
      const double mid = (v + w) / 2;
      if (std::isinf(w)) {  // half an ulp above the largest finite value overflows
        REQUIRE(bits_of(d, mid) == next);
        continue;
      }
      REQUIRE(bits_of(d, mid) == ((b & 1) ? next : b));
      REQUIRE(bits_of(d, std::nextafter(mid, 0.0)) == b);
      REQUIRE(bits_of(d, std::nextafter(mid, v + 2 * (w - v))) == next);
      REQUIRE(bits_of(d, std::nextafter(static_cast<float>(mid), 0.0f)) == b);
      REQUIRE(bits_of(d, std::nextafter(static_cast<float>(mid), static_cast<float>(v + 2 * (w - v)))) == next);
      ++checked;
    }
    CHECK(checked > 60000);
  }
  // float32 inputs round the same way (through the conversion kernel too).
  Array x = xj::array({1.0f + 0x1p-11f, 1.0f + 3 * 0x1p-11f, 65519.0f, 65520.0f, 0x1p-25f, 0x1.8p-25f, -0.0f});
  CHECK(bit_patterns(x.astype(xj::float16)) == std::vector<std::uint16_t>{0x3c00, 0x3c02, 0x7bff, 0x7c00, 0x0000, 0x0001, 0x8000});
  Array y = xj::array({1.0f + 0x1p-8f, 1.0f + 3 * 0x1p-8f, 3.4e38f, std::numeric_limits<float>::infinity()});
  CHECK(bit_patterns(y.astype(xj::bfloat16)) == std::vector<std::uint16_t>{0x3f80, 0x3f82, 0x7f80, 0x7f80});
  CHECK(std::isnan(xj::array(std::nanf("")).astype(xj::bfloat16).item<float>()));
}

TEST_CASE("half: the conversion kernels (F16C) and generated code round every float as half.hpp does") {
  for (DType d : halves) {
    CAPTURE(d);
    std::vector<float> floats;  // every pattern, the midpoints to its neighbour, and one float either side
    for (std::uint32_t b = 0; b < 0x10000; ++b) {
      const double v = decode(d, static_cast<std::uint16_t>(b)), w = decode(d, static_cast<std::uint16_t>(b + 1));
      floats.push_back(static_cast<float>(v));
      if (std::isnan(v) || std::isnan(w) || (b & 0x7fff) == 0x7fff) continue;
      const auto mid = static_cast<float>((v + w) / 2);
      floats.insert(floats.end(), {mid, std::nextafter(mid, -INFINITY), std::nextafter(mid, INFINITY)});
    }
    floats.insert(floats.end(), {1e-45f, -1e-40f, 3e38f, -INFINITY, std::nanf("")});
    std::vector<std::uint16_t> want;
    for (float f : floats) want.push_back(d == xj::float16 ? xj::float16_t(f).bits : xj::bfloat16_t(f).bits);
    Array x = xj::array(floats);
    CHECK(bit_patterns(x.astype(d)) == want);
    auto round_trip = [d](const Array& v) { return v.astype(d).astype(xj::float32) * 1.0f; };
    Array eager = round_trip(x);
    for (xj::JitTier tier : {xj::JitTier::interpreter, xj::JitTier::native}) {
      xj::test::TierScope scope(tier);
      auto jf = xj::jit(round_trip);
      CHECK(xj::test::identical(jf(x), eager));
      CHECK(xj::test::identical(jf(x.astype(d).astype(xj::float32)), x.astype(d).astype(xj::float32)));
#if XJAX_TEST_HAS_LLVM
      if (tier == xj::JitTier::native) CHECK(jf.lower(x).as_text().find("tier: native: 1 fused loop") != std::string::npos);
#endif
    }
  }
}

TEST_CASE("half: conversions to and from every dtype follow numpy's astype") {
  for (DType d : halves) {
    CAPTURE(d);
    Array h = xj::array({-2.5, -0.75, 0.0, 1.5, 300.0}).astype(d);
    CHECK(xj::test::values(h.astype(xj::int32)) == std::vector<double>{-2, 0, 0, 1, 300});
    CHECK(xj::test::values(h.astype(xj::uint32)) == std::vector<double>{0, 0, 0, 1, 300});
    CHECK(xj::test::values(h.astype(xj::bool_)) == std::vector<double>{1, 1, 0, 1, 1});
    CHECK(xj::test::values(h.astype(xj::float64)) == std::vector<double>{-2.5, -0.75, 0, 1.5, 300});
    CHECK(xj::test::values(xj::array({true, false}).astype(d)) == std::vector<double>{1, 0});
    CHECK(xj::test::values(xj::array({std::int64_t{1} << 40}).astype(d)) ==
          std::vector<double>{d == xj::float16 ? std::numeric_limits<double>::infinity() : std::ldexp(1.0, 40)});
    CHECK(h[0].item<double>() == -2.5);
    CHECK(h[3].item<float>() == 1.5f);
  }
  CHECK(xj::array(std::vector<xj::float16_t>{xj::float16_t(0.5), xj::float16_t(2)}).dtype() == xj::float16);
  CHECK(xj::array({xj::bfloat16_t(0.5)}).dtype() == xj::bfloat16);
  CHECK(xj::array({1.0f, 2.0f}).astype(xj::bfloat16).data<xj::bfloat16_t>()[1].bits == 0x4000);
  CHECK((xj::array({1.0f}).astype(xj::float16) + xj::array({1.0f}).astype(xj::bfloat16)).dtype() == xj::float32);
  CHECK((xj::array({1.0f}).astype(xj::float16) + 1.5).dtype() == xj::float16);
  CHECK((xj::array({1, 2}) * xj::array({1.0f}).astype(xj::bfloat16)).dtype() == xj::bfloat16);
  CHECK(xj::can_cast(xj::float16, xj::float32));
  CHECK(xj::can_cast(xj::bfloat16, xj::float64));
  CHECK_FALSE(xj::can_cast(xj::float32, xj::float16));
  CHECK_FALSE(xj::can_cast(xj::float16, xj::bfloat16));
  CHECK(xj::can_cast(xj::float32, xj::bfloat16, "same_kind"));
  CHECK(xj::isdtype(xj::bfloat16, "real floating"));
  CHECK(xj::issubdtype(xj::float16, xj::DTypeKind::floating));
}

TEST_CASE("half: every elementwise op is its float32 op rounded once") {
  using Unary = Array (*)(const Array&);
  const std::pair<const char*, Unary> unary[] = {
      {"exp", xj::exp},     {"log", xj::log},   {"sin", xj::sin},     {"cos", xj::cos},   {"tanh", xj::tanh},
      {"sqrt", xj::sqrt},   {"abs", xj::abs},   {"negative", xj::negative}, {"floor", xj::floor},
      {"erf", xj::erf},     {"log1p", xj::log1p}, {"expm1", xj::expm1}, {"sigmoid", xj::sigmoid}, {"rsqrt", xj::rsqrt},
      {"square", xj::square}, {"sign", xj::sign}, {"round", xj::round}, {"arctan", xj::arctan}, {"lgamma", xj::lgamma}};
  for (DType d : halves) {
    CAPTURE(d);
    Array x = xj::linspace(0.01, 6.0, 97).astype(d);
    Array y = xj::linspace(-3.0, 3.0, 97).astype(d);
    for (const auto& [name, f] : unary) {
      CAPTURE(name);
      Array got = f(x);
      CHECK(got.dtype() == d);
      CHECK(xj::test::identical(got, f(x.astype(xj::float32)).astype(d)));
    }
    CHECK(xj::test::identical(x * y, (x.astype(xj::float32) * y.astype(xj::float32)).astype(d)));
    CHECK(xj::test::identical(x / y, (x.astype(xj::float32) / y.astype(xj::float32)).astype(d)));
    CHECK(xj::test::identical(xj::power(x, y), xj::power(x.astype(xj::float32), y.astype(xj::float32)).astype(d)));
    CHECK(xj::test::identical(xj::arctan2(y, x), xj::arctan2(y.astype(xj::float32), x.astype(xj::float32)).astype(d)));
    CHECK(xj::test::identical(x < y, x.astype(xj::float32) < y.astype(xj::float32)));
    CHECK(xj::test::identical(xj::maximum(x, y), xj::maximum(x.astype(xj::float32), y.astype(xj::float32)).astype(d)));
  }
}

TEST_CASE("half: sums, means and matrix products accumulate in float32") {
  for (DType d : halves) {
    CAPTURE(d);
    // 4096 ones: a 16-bit accumulator stops at 2048 (float16) or 256 (bfloat16).
    Array ones = xj::ones({4096}, d);
    CHECK(xj::sum(ones).dtype() == d);
    CHECK(xj::sum(ones).item<double>() == 4096);
    CHECK(xj::mean(ones).item<double>() == 1);
    // As jnp, statistics of 16-bit arrays run in float32: the mean of 10^5 values near 100 is
    // finite though their float16 sum overflows.
    Array big = xj::full({100000}, 100.0, d);
    CHECK(xj::mean(big).item<double>() == 100);
    CHECK(xj::var(big).item<double>() == 0);
    CHECK(xj::nanmean(big).item<double>() == 100);
    CHECK(xj::mean(big).dtype() == d);
    CHECK(xj::cumsum(ones)[4095].item<double>() == 4096);
    Array a = xj::ones({4, 1024}, d), b = xj::ones({1024, 3}, d);
    Array p = xj::matmul(a, b);
    CHECK(p.dtype() == d);
    CHECK(xj::test::values(p) == std::vector<double>(12, 1024));
    Array m = xj::reshape(xj::arange(12.0), {3, 4}).astype(d);
    CHECK(xj::test::values(xj::max(m, 1)) == std::vector<double>{3, 7, 11});
    CHECK(xj::test::values(xj::argmax(m, 0)) == std::vector<double>{2, 2, 2, 2});
    CHECK(xj::test::values(xj::sort(xj::array({3.0, -1.0, 2.0}).astype(d))) == std::vector<double>{-1, 2, 3});
  }
}

TEST_CASE("half: jit on both tiers and vmap give eager's bits; gradients keep the dtype") {
  auto f = [](const Array& x, const Array& w) {
    Array h = xj::tanh(xj::matmul(x, w) + 0.5);
    return xj::sum(xj::exp(h - xj::max(h, 1, true)) * h);
  };
  for (DType d : halves) {
    CAPTURE(d);
    Array k = xj::random::key(3);
    Array x = xj::random::normal(k, {8, 5}, d);
    Array w = xj::random::normal(xj::random::fold_in(k, 1), {5, 3}, d);
    Array eager = f(x, w);
    CHECK(eager.dtype() == d);
    CHECK(xj::test::identical(xj::jit(f)(x, w), eager));
    {
      xj::test::TierScope native;
      CHECK(xj::test::identical(xj::jit(f)(x, w), eager));
    }
    auto [value, grads] = xj::value_and_grad<0, 1>(f)(x, w);
    CHECK(xj::test::identical(value, eager));
    CHECK(std::get<0>(grads).dtype() == d);
    CHECK(std::get<1>(grads).dtype() == d);
    auto grad32 = xj::grad<0, 1>(f)(x.astype(xj::float32), w.astype(xj::float32));
    const double tol = d == xj::float16 ? 0.05 : 0.3;
    CHECK(xj::allclose(std::get<1>(grads).astype(xj::float32), std::get<1>(grad32), tol, tol).item<bool>());
    Array g_jit = std::get<1>(xj::jit(xj::grad<0, 1>(f))(x, w));
    CHECK(xj::test::identical(g_jit, std::get<1>(grads)));
    Array batched = xj::vmap([&](const Array& row) { return f(xj::reshape(row, {1, 5}), w); })(x);
    for (int i = 0; i < 8; ++i) CHECK(xj::test::identical(batched[i], f(xj::reshape(x[i], {1, 5}), w)));
  }
}

TEST_CASE("half: printing matches numpy (float16) and ml_dtypes (bfloat16) on every golden array") {
  struct Golden {
    const char* dtype;
    std::vector<std::int64_t> shape;
    std::int64_t a, m, c;
    double scale;
    std::vector<std::pair<int, const char*>> specials;
    const char* text;
  };
  const Golden goldens[] = {
#include "golden/print_half.inc"
  };
  int checked = 0;
  for (const Golden& g : goldens) {
    xj::Shape shape(g.shape.begin(), g.shape.end());
    std::int64_t n = 1;
    for (auto e : shape) n *= e;
    std::vector<double> v;
    for (std::int64_t i = 0; i < n; ++i) v.push_back(static_cast<double>((i * g.a) % g.m - g.c) * g.scale);
    for (const auto& [index, kind] : g.specials) {
      const std::string s = kind;
      const double inf = std::numeric_limits<double>::infinity();
      v[static_cast<std::size_t>(index)] = s == "nan" ? std::nan("") : s == "inf" ? inf : s == "-inf" ? -inf : -0.0;
    }
    Array x = xj::reshape(xj::array(v), shape).astype(std::string(g.dtype) == "f2" ? xj::float16 : xj::bfloat16);
    std::ostringstream s;
    s << x;
    INFO("dtype ", g.dtype, " shape ", x.aval(), " scale ", g.scale);
    CHECK(s.str() == g.text);
    ++checked;
  }
  CHECK(checked == 52);  // every line of print_half.inc
  CHECK(xj::array_repr(xj::array({0.1, 2.0}).astype(xj::float16)) == "Array([0.1, 2. ], dtype=float16)");
  CHECK(xj::array_repr(xj::array({0.1, 2.0}).astype(xj::bfloat16)) == "Array([0.100098, 2], dtype=bfloat16)");
  std::ostringstream jaxpr;
  jaxpr << xj::make_jaxpr([](const Array& x) { return x * 2.0; })(xj::ones({3}, xj::bfloat16));
  CHECK(jaxpr.str().find("a:bf16[3]") != std::string::npos);
}

TEST_CASE("half: .npy files keep float16 as <f2 and bfloat16 as ml_dtypes' <V2") {
  const auto dir = std::filesystem::temp_directory_path();
  for (DType d : halves) {
    CAPTURE(d);
    Array x = from_bits(d, {0x0000, 0x8001, 0x3c00, 0x7bff, 0x7c00, 0xfc00, 0x1234});
    const auto path = dir / (std::string("xjax_half_") + xj::dtype_name(d) + ".npy");
    xj::save(path.string(), x);
    Array back = xj::load(path.string());
    CHECK(back.dtype() == d);
    CHECK(bit_patterns(back) == bit_patterns(x));
    std::ifstream in(path, std::ios::binary);
    std::string header(128, '\0');
    in.read(header.data(), 128);
    CHECK(header.find(d == xj::float16 ? "'<f2'" : "'<V2'") != std::string::npos);
    std::filesystem::remove(path);
  }
  // numpy's other layouts: Fortran order and big-endian bytes.
  auto write_npy = [&](const std::string& descr, bool fortran, const std::vector<std::uint8_t>& data) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (2, 3), }";
    header.append(64 - (10 + header.size() + 1) % 64, ' ');
    header += '\n';
    const auto path = dir / "xjax_half_layout.npy";
    std::ofstream out(path, std::ios::binary);
    out << "\x93NUMPY" << '\x01' << '\x00' << static_cast<char>(header.size() & 0xff) << static_cast<char>(header.size() >> 8)
        << header;
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    out.close();
    Array x = xj::load(path.string());
    std::filesystem::remove(path);
    return x;
  };
  const std::vector<std::uint8_t> column_major = {0x00, 0x3c, 0x00, 0x44, 0x00, 0x40, 0x00, 0x45, 0x00, 0x42, 0x00, 0x46};
  Array f = write_npy("<f2", true, column_major);  // 1 2 3 / 4 5 6 stored by columns
  CHECK(f.dtype() == xj::float16);
  CHECK(xj::test::values(f) == std::vector<double>{1, 2, 3, 4, 5, 6});
  Array big = write_npy(">f2", false, {0x3c, 0x00, 0x40, 0x00, 0x42, 0x00, 0x44, 0x00, 0x45, 0x00, 0x46, 0x00});
  CHECK(xj::test::values(big) == std::vector<double>{1, 2, 3, 4, 5, 6});
  CHECK(xj::test::values(xj::fromstring("1.5 -2 1e5", xj::float16, " ")) ==
        std::vector<double>{1.5, -2, std::numeric_limits<double>::infinity()});
}

TEST_CASE("half: finfo, nextafter, random samples and debug_nans in 16 bits") {
  const xj::FloatInfo h = xj::finfo(xj::float16), b = xj::finfo(xj::bfloat16), f = xj::finfo(xj::float32);
  CHECK(h.max == 65504);
  CHECK(h.eps == std::ldexp(1.0, -10));
  CHECK(h.smallest_normal == std::ldexp(1.0, -14));
  CHECK(h.smallest_subnormal == std::ldexp(1.0, -24));
  CHECK(h.nmant == 10);
  CHECK(h.precision == 3);
  CHECK(b.eps == std::ldexp(1.0, -7));
  CHECK(b.max == static_cast<double>(xj::bfloat16_t::from_bits(0x7f7f)));
  CHECK(b.smallest_normal == std::ldexp(1.0, -126));
  CHECK(f.max == std::numeric_limits<float>::max());
  CHECK(f.minexp == -126);
  CHECK(f.maxexp == 128);
  CHECK(xj::finfo(xj::float64).eps == std::numeric_limits<double>::epsilon());
  CHECK_THROWS_AS(xj::finfo(xj::int32), xj::DTypeError);
  for (DType d : halves) {
    CAPTURE(d);
    Array one = xj::ones({}, d);
    CHECK(xj::nextafter(one, one * 2).item<double>() == 1 + xj::finfo(d).eps);
    CHECK(xj::nextafter(one, one * 0).item<double>() == 1 - xj::finfo(d).eps / 2);
    CHECK(xj::nextafter(one * 0, one).item<double>() == xj::finfo(d).smallest_subnormal);
    CHECK((xj::spacing(one) == xj::finfo(d).eps).item<bool>());
    Array u = xj::random::uniform(xj::random::key(7), {10000}, d);
    CHECK(u.dtype() == d);
    CHECK(xj::all((u >= 0) & (u < 1)).item<bool>());
    CHECK(std::abs(xj::mean(u.astype(xj::float32)).item<double>() - 0.5) < 0.02);
    Array z = xj::random::normal(xj::random::key(7), {10000}, d);
    CHECK(xj::all(xj::isfinite(z)).item<bool>());
    CHECK(std::abs(xj::std(z.astype(xj::float32)).item<double>() - 1) < 0.05);
    auto [m, e] = xj::frexp(xj::array({0.75, 48.0, 6e-5}).astype(d));
    CHECK(xj::test::identical(xj::ldexp(m, e), xj::array({0.75, 48.0, 6e-5}).astype(d)));
    xj::config.debug_nans = true;
    CHECK_THROWS_AS(xj::log(-one), xj::FloatingPointError);
    xj::config.debug_nans = false;
  }
}

TEST_CASE("half: ops that have no 16-bit meaning raise typed errors naming the op") {
  Array x = xj::ones({3}, xj::float16);
  CHECK_THROWS_AS(x & x, xj::DTypeError);
  CHECK_THROWS_AS(xj::left_shift(x, x), xj::DTypeError);
  CHECK_THROWS_AS(xj::bitwise_not(xj::ones({2}, xj::bfloat16)), xj::DTypeError);
}
