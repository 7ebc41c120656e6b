// linalg family (interop): .npy files — numpy-written fixtures (tests/data, made by
// scripts/make_npy_fixtures.py), save/load round trips for every dtype, and bad files.
#include <doctest/doctest.h>

#include <complex>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "golden.hpp"
#include "xjax/xjax.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Shape;
using xjax::test::fixture;
using xjax::test::Scratch;

namespace {

template <class T>
std::vector<T> elements(const Array& x) {
  const T* p = x.data<T>();
  return std::vector<T>(p, p + x.size());
}

// A version 1.0 file with the given header dict and raw data bytes.
std::string npy_bytes(const std::string& dict, const std::string& data) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

}  // namespace

TEST_CASE("linalg npy: numpy-written fixtures load with their values") {
  Array a = xj::load(fixture("f8_2x3.npy"));
  CHECK(a.dtype() == xj::float64);
  CHECK(a.shape() == Shape{2, 3});
  CHECK(elements<double>(a) == std::vector<double>{-1.0, -0.5, 0.0, 0.5, 1.0, 1.5});

  Array b = xj::load(fixture("i4_big_endian.npy"));
  CHECK(b.dtype() == xj::int32);
  CHECK(elements<std::int32_t>(b) == std::vector<std::int32_t>{1, -2, 300000, INT32_MIN, INT32_MAX});

  Array f = xj::load(fixture("f4_fortran_3x4.npy"));
  CHECK(f.dtype() == xj::float32);
  REQUIRE(f.shape() == Shape{3, 4});
  std::vector<float> want_f;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) want_f.push_back(static_cast<float>(10 * i + j));
  CHECK(elements<float>(f) == want_f);

  Array g = xj::load(fixture("f8_big_fortran_2x3x2.npy"));
  REQUIRE(g.shape() == Shape{2, 3, 2});
  std::vector<double> want_g;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k) want_g.push_back(100 * i + 10 * j + k);
  CHECK(elements<double>(g) == want_g);

  Array s = xj::load(fixture("f8_scalar.npy"));
  CHECK(s.ndim() == 0);
  CHECK(s.item<double>() == 3.25);

  Array t = xj::load(fixture("bool_2x2.npy"));
  CHECK(t.dtype() == xj::bool_);
  CHECK(elements<bool>(t) == std::vector<bool>{true, false, false, true});

  Array e = xj::load(fixture("u4_empty_0x3.npy"));
  CHECK(e.dtype() == xj::uint32);
  CHECK(e.shape() == Shape{0, 3});

  Array l = xj::load(fixture("i8_big.npy"));
  CHECK(elements<std::int64_t>(l) == std::vector<std::int64_t>{1LL << 40, -(1LL << 40) - 1, 7});

  Array v2 = xj::load(fixture("f4_version2.npy"));
  CHECK(elements<float>(v2) == std::vector<float>{0.5f, 1.5f, 2.5f});
}

TEST_CASE("linalg npy: save then load round-trips every dtype, 0-d and zero-size") {
  Scratch scratch("npy");
  const std::vector<Array> cases = {
      xj::array({true, false, true}),
      xj::array(std::vector<std::int32_t>{INT32_MIN, -1, 0, INT32_MAX}, {2, 2}),
      xj::array(std::vector<std::int64_t>{INT64_MIN, 5, INT64_MAX}),
      xj::array(std::vector<std::uint32_t>{0, 7, 0xffffffffu}),
      xj::array({{1.5f, -2.25f, 3.0f}, {0.0f, -0.0f, 1e-30f}}),
      xj::array(std::vector<double>{1e300, -1e-300, 0.1, 2, 3, 4, 5, 6}, {2, 2, 2}),
      xj::array(2.5),
      xj::array(std::vector<float>{}, {0, 3}),
      xj::array(std::vector<std::int32_t>{}, {4, 0, 2}),
  };
  for (const Array& x : cases) {
    CAPTURE(x.aval());
    const std::string path = scratch.path("roundtrip.npy");
    xj::save(path, x);
    CHECK(std::filesystem::file_size(path) % 64 ==
          (x.size() * static_cast<std::int64_t>(xj::itemsize(x.dtype()))) % 64);
    const Array y = xj::load(path);
    CHECK(y.aval() == x.aval());
    const auto bytes = static_cast<std::size_t>(x.size()) * xj::itemsize(x.dtype());
    CHECK(std::memcmp(x.raw_data(), y.raw_data(), bytes) == 0);
  }
}

TEST_CASE("linalg npy: hand-made headers in their accepted variants") {
  Scratch scratch("npy");
  const std::string two_floats("\x00\x00\x80\x3f\x00\x00\x00\x40", 8);  // 1.0f, 2.0f little-endian
  // Extra whitespace, double quotes, no trailing comma, keys in another order.
  Array a = xj::load(
      scratch.write("a.npy", npy_bytes("{ \"shape\" : ( 2 , ) ,'fortran_order':False, 'descr':'<f4' }", two_floats)));
  CHECK(elements<float>(a) == std::vector<float>{1.0f, 2.0f});
  // Bytes other than 0/1 in a bool file read as True.
  Array b = xj::load(scratch.write(
      "b.npy", npy_bytes("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", std::string("\x00\x02\xff", 3))));
  CHECK(elements<bool>(b) == std::vector<bool>{false, true, true});
}

TEST_CASE("linalg npy: bad files throw IOError naming the path") {
  Scratch scratch("npy");
  const std::string ok_dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
  const std::string data(16, '\0');
  auto bad = [&](const char* name, const std::string& bytes) {
    const std::string path = scratch.write(name, bytes);
    CAPTURE(name);
    CHECK_THROWS_AS(xj::load(path), xj::IOError);
    try {
      xj::load(path);
    } catch (const xj::IOError& e) {
      CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
  };
  CHECK_THROWS_AS(xj::load(scratch.path("missing.npy")), xj::IOError);
  CHECK_THROWS_AS(xj::load(scratch.dir.string()), xj::IOError);  // a directory
  bad("empty.npy", "");
  bad("magic.npy", "not a numpy file at all, but long enough");
  bad("short_prefix.npy", std::string("\x93NUMPY\x01", 7));
  bad("version.npy", std::string("\x93NUMPY\x07\x00\x10\x00", 10) + std::string(16, ' '));
  bad("truncated_header.npy", npy_bytes(ok_dict, data).substr(0, 30));
  bad("truncated_data.npy", npy_bytes(ok_dict, data.substr(0, 15)));
  bad("dtype_c32.npy", npy_bytes("{'descr': '<c32', 'fortran_order': False, 'shape': (1,), }", data));
  bad("dtype_i2.npy", npy_bytes("{'descr': '<i2', 'fortran_order': False, 'shape': (1,), }", data));
  bad("dtype_u8.npy", npy_bytes("{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", data));
  bad("dtype_order.npy", npy_bytes("{'descr': '|f8', 'fortran_order': False, 'shape': (1,), }", data));
  bad("structured.npy", npy_bytes("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", data));
  bad("no_brace.npy", npy_bytes("'descr': '<f8', 'fortran_order': False, 'shape': (2,)", data));
  bad("missing_key.npy", npy_bytes("{'descr': '<f8', 'shape': (2,), }", data));
  bad("extra_key.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", data));
  bad("fortran_value.npy", npy_bytes("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }", data));
  bad("negative_shape.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", data));
  bad("huge_shape.npy",
      npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", data));
  bad("huge_shape_after_zero.npy",
      npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296), }", data));
  bad("huge_dim.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", data));
  bad("big_but_truncated.npy",
      npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }", data));
  bad("unterminated.npy", npy_bytes("{'descr': '<f8", data));
  bad("parenthesised_number.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2), }", data));
  {
    std::string ones;
    for (int i = 0; i < 100000; ++i) ones += "1, ";
    bad("rank_100000.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (" + ones + "), }", data));
    ones.clear();
    for (int i = 0; i < 65; ++i) ones += "1, ";
    bad("rank_65.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (" + ones + "), }", data));
  }
  bad("header_len_past_end.npy", std::string("\x93NUMPY\x01\x00\xff\xff", 10) + "{'descr'");
  // numpy's complex128 file loads (it was once an unsupported dtype).
  Array c = xj::load(fixture("c16.npy"));
  CHECK(c.dtype() == xj::complex128);
  CHECK(c.data<std::complex<double>>()[0] == std::complex<double>(1, 2));
  CHECK_THROWS_AS(xj::save((scratch.dir / "no_such_dir" / "x.npy").string(), xj::array(1.0)), xj::IOError);
}
