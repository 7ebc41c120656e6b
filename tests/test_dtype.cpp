// dtype metadata, shape helpers, and JAX's type-promotion lattice: the table itself and the dtypes
// that ops actually produce.
#include <doctest/doctest.h>

#include <complex>

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "elementwise_testing.hpp"

using namespace elementwise_testing;

TEST_CASE("dtype: names, short names, item sizes and kinds of every dtype") {
  struct Row {
    DType d;
    const char* name;
    const char* short_name;
    std::size_t size;
    bool floating, integer, is_signed;
  };
  const Row rows[] = {
      {xj::bool_, "bool", "bool", 1, false, false, false},     {xj::int32, "int32", "i32", 4, false, true, true},
      {xj::int64, "int64", "i64", 8, false, true, true},       {xj::uint32, "uint32", "u32", 4, false, true, false},
      {xj::float32, "float32", "f32", 4, true, false, true}, {xj::float64, "float64", "f64", 8, true, false, true},
      {xj::float16, "float16", "f16", 2, true, false, true}, {xj::bfloat16, "bfloat16", "bf16", 2, true, false, true},
      {xj::complex64, "complex64", "c64", 8, false, false, true},
      {xj::complex128, "complex128", "c128", 16, false, false, true},
  };
  for (const Row& r : rows) {
    CAPTURE(r.name);
    CHECK(std::string(xj::dtype_name(r.d)) == r.name);
    CHECK(std::string(xj::short_name(r.d)) == r.short_name);
    CHECK(xj::itemsize(r.d) == r.size);
    CHECK(xj::is_floating(r.d) == r.floating);
    CHECK(xj::is_integer(r.d) == r.integer);
    CHECK(xj::is_signed(r.d) == r.is_signed);
    std::ostringstream s;
    s << r.d;
    CHECK(s.str() == r.name);
  }
  CHECK(xj::dtype_of<bool>() == xj::bool_);
  CHECK(xj::dtype_of<int>() == xj::int32);
  CHECK(xj::dtype_of<long long>() == xj::int64);
  CHECK(xj::dtype_of<std::uint32_t>() == xj::uint32);
  CHECK(xj::dtype_of<float>() == xj::float32);
  CHECK(xj::dtype_of<double>() == xj::float64);
  CHECK(xj::dtype_of<xj::float16_t>() == xj::float16);
  CHECK(xj::dtype_of<xj::bfloat16_t>() == xj::bfloat16);
  CHECK(xj::dtype_of<std::complex<float>>() == xj::complex64);
  CHECK(xj::dtype_of<std::complex<double>>() == xj::complex128);
  CHECK(std::size(xj::all_dtypes) == 10);
}

TEST_CASE("dtype: shape_size, shape_str and abstract value printing") {
  CHECK(xj::shape_size({}) == 1);
  CHECK(xj::shape_size({0, 3}) == 0);
  CHECK(xj::shape_size({2, 3, 4}) == 24);
  CHECK(xj::shape_size({std::int64_t{1} << 62, 1}) == std::int64_t{1} << 62);
  CHECK(xj::shape_size({std::int64_t{1} << 31, std::int64_t{1} << 31}) == std::int64_t{1} << 62);
  CHECK_THROWS_AS(xj::shape_size({std::int64_t{1} << 32, std::int64_t{1} << 32}), xj::ShapeError);
  CHECK_THROWS_AS(xj::shape_size({std::int64_t{1} << 62, 2}), xj::ShapeError);
  CHECK_THROWS_AS(xj::shape_size({3, std::numeric_limits<std::int64_t>::max()}), xj::ShapeError);
  CHECK_THROWS_AS(xj::shape_size({2, -1}), xj::ValueError);  // as every op reports a negative extent
  CHECK(xj::shape_str({}) == "()");
  CHECK(xj::shape_str({3}) == "(3,)");
  CHECK(xj::shape_str({3, 4}) == "(3, 4)");
  std::ostringstream s;
  s << xj::ShapedArray{{3, 4}, xj::float32, false} << ' ' << xj::ShapedArray{{}, xj::bool_, false};
  CHECK(s.str() == "f32[3,4] bool[]");
  // Arrays whose size overflows cannot be made.
  CHECK_THROWS_AS(xj::zeros({std::int64_t{1} << 40, std::int64_t{1} << 40}), xj::ShapeError);
}

namespace {
// JAX's lattice (x64): b < i* < {u32, i32} < i64 < f* < {f16, bf16} < f32 < f64, f* < c* < c64 < c128,
// f32 < c64, f64 < c128. Nodes in the order below; i*, f* and c* are the weak int (int64, weak),
// weak float (float64, weak) and weak complex (complex128, weak) of C++ scalars.
enum Node { B, I32, I64, U32, F32, F64, F16, BF16, C64, C128, IW, FW, CW };
constexpr Node join_table[13][13] = {
    //         B     I32   I64   U32   F32  F64   F16   BF16  C64   C128  IW    FW    CW
    /* B    */ {B,    I32,  I64,  U32,  F32, F64,  F16,  BF16, C64,  C128, IW,   FW,   CW},
    /* I32  */ {I32,  I32,  I64,  I64,  F32, F64,  F16,  BF16, C64,  C128, I32,  FW,   CW},
    /* I64  */ {I64,  I64,  I64,  I64,  F32, F64,  F16,  BF16, C64,  C128, I64,  FW,   CW},
    /* U32  */ {U32,  I64,  I64,  U32,  F32, F64,  F16,  BF16, C64,  C128, U32,  FW,   CW},
    /* F32  */ {F32,  F32,  F32,  F32,  F32, F64,  F32,  F32,  C64,  C128, F32,  F32,  C64},
    /* F64  */ {F64,  F64,  F64,  F64,  F64, F64,  F64,  F64,  C128, C128, F64,  F64,  C128},
    /* F16  */ {F16,  F16,  F16,  F16,  F32, F64,  F16,  F32,  C64,  C128, F16,  F16,  C64},
    /* BF16 */ {BF16, BF16, BF16, BF16, F32, F64,  F32,  BF16, C64,  C128, BF16, BF16, C64},
    /* C64  */ {C64,  C64,  C64,  C64,  C64, C128, C64,  C64,  C64,  C128, C64,  C64,  C64},
    /* C128 */ {C128, C128, C128, C128, C128, C128, C128, C128, C128, C128, C128, C128, C128},
    /* IW   */ {IW,   I32,  I64,  U32,  F32, F64,  F16,  BF16, C64,  C128, IW,   FW,   CW},
    /* FW   */ {FW,   FW,   FW,   FW,   F32, F64,  F16,  BF16, C64,  C128, FW,   FW,   CW},
    /* CW   */ {CW,   CW,   CW,   CW,   C64, C128, C64,  C64,  C64,  C128, CW,   CW,   CW},
};
Node node(DType d, bool weak) {
  if (weak && xj::is_integer(d)) return IW;
  if (weak && xj::is_floating(d)) return FW;
  if (weak && xj::is_complex(d)) return CW;
  const Node strong[] = {B, I32, I64, U32, F32, F64, F16, BF16, C64, C128};
  return strong[static_cast<int>(d)];
}
xj::PromotedType result(Node n) {
  const xj::PromotedType r[] = {{xj::bool_, false},    {xj::int32, false},      {xj::int64, false},
                                {xj::uint32, false},   {xj::float32, false},    {xj::float64, false},
                                {xj::float16, false},  {xj::bfloat16, false},   {xj::complex64, false},
                                {xj::complex128, false}, {xj::int64, true},     {xj::float64, true},
                                {xj::complex128, true}};
  return r[n];
}
}  // namespace

TEST_CASE("dtype: promote_types for every pair of strong and weak dtypes follows JAX's lattice") {
  for (DType a : xj::all_dtypes)
    for (bool wa : {false, true})
      for (DType b : xj::all_dtypes)
        for (bool wb : {false, true}) {
          CAPTURE(a);
          CAPTURE(wa);
          CAPTURE(b);
          CAPTURE(wb);
          xj::PromotedType want = result(join_table[node(a, wa)][node(b, wb)]);
          xj::PromotedType got = xj::promote_types(a, wa, b, wb);
          CHECK(got.dtype == want.dtype);
          CHECK(got.weak_type == want.weak_type);
          xj::PromotedType swapped = xj::promote_types(b, wb, a, wa);
          CHECK(swapped.dtype == got.dtype);
          CHECK(swapped.weak_type == got.weak_type);
          if (!wa && !wb) CHECK(xj::promote_types(a, b) == want.dtype);
        }
  // Spot checks named in JAX's promotion table.
  CHECK(xj::promote_types(xj::int32, xj::uint32) == xj::int64);
  CHECK(xj::promote_types(xj::int64, xj::float32) == xj::float32);
  CHECK(xj::promote_types(xj::uint32, false, xj::int64, true).dtype == xj::uint32);
  CHECK(xj::promote_types(xj::bool_, false, xj::float64, true).dtype == xj::float64);
  CHECK(xj::promote_types(xj::bool_, false, xj::float64, true).weak_type);
  CHECK(xj::promote_types(xj::float32, false, xj::float64, true).dtype == xj::float32);
  CHECK(!xj::promote_types(xj::float32, false, xj::float64, true).weak_type);
  CHECK(xj::promote_types(xj::bfloat16, xj::float16) == xj::float32);
  CHECK(xj::promote_types(xj::int64, xj::float16) == xj::float16);
  CHECK(xj::promote_types(xj::float16, false, xj::float64, true).dtype == xj::float16);
}

namespace {
// One array per lattice node: strong arrays of each dtype, and C++ scalars for the weak nodes.
std::vector<std::pair<Array, Node>> node_arrays() {
  return {{xj::array(std::vector<bool>{true, false}), B},
          {xj::array({3, 4}), I32},
          {xj::array({std::int64_t{3}, std::int64_t{4}}), I64},
          {xj::array({3u, 4u}), U32},
          {xj::array({3.0f, 4.0f}), F32},
          {xj::array({3.0, 4.0}), F64},
          {xj::array({3.0, 4.0}).astype(xj::float16), F16},
          {xj::array({3.0, 4.0}).astype(xj::bfloat16), BF16},
          {Array(2), IW},
          {Array(2.0), FW}};
}
}  // namespace

TEST_CASE("dtype: binary ops produce the promoted dtype and weak type for every pair of operands") {
  using Op = std::function<Array(const Array&, const Array&)>;
  const std::vector<std::pair<const char*, Op>> ops = {
      {"add", [](const Array& x, const Array& y) { return x + y; }},
      {"multiply", [](const Array& x, const Array& y) { return x * y; }},
      {"maximum", [](const Array& x, const Array& y) { return xj::maximum(x, y); }},
      {"minimum", [](const Array& x, const Array& y) { return xj::minimum(x, y); }},
      {"where", [](const Array& x, const Array& y) { return xj::where(xj::array(true), x, y); }},
  };
  for (const auto& [x, nx] : node_arrays())
    for (const auto& [y, ny] : node_arrays())
      for (const auto& [name, op] : ops) {
        CAPTURE(name);
        CAPTURE(x.aval());
        CAPTURE(y.aval());
        xj::PromotedType want = result(join_table[nx][ny]);
        Array z = op(x, y);
        CHECK(z.dtype() == want.dtype);
        CHECK(z.weak_type() == want.weak_type);
        Array c = x < y;
        CHECK(c.dtype() == xj::bool_);
        CHECK(!c.weak_type());
      }
}

TEST_CASE("dtype: C++ scalars are weak and adopt the array's dtype; values survive promotion") {
  Array f32 = xj::array({1.5f, 2.0f});
  CHECK((f32 * 2.0).dtype() == xj::float32);
  CHECK((2.0 * f32).dtype() == xj::float32);
  CHECK((f32 + 1).dtype() == xj::float32);
  Array i32 = xj::array({1, 2});
  Array m = i32 + 2.5;  // int32 with a weak float: float64, still weak
  CHECK(m.dtype() == xj::float64);
  CHECK(m.weak_type());
  check_equal(elements<double>(m), {3.5, 4.5});
  CHECK((i32 + 2).dtype() == xj::int32);
  CHECK((xj::array({1u}) + 2).dtype() == xj::uint32);
  Array mixed = i32 + xj::array({3u, 4294967295u});
  CHECK(mixed.dtype() == xj::int64);
  check_equal(elements<std::int64_t>(mixed), {4, 4294967297});
  Array lf = xj::array({std::int64_t{1} << 40}) * xj::array({0.5f});
  CHECK(lf.dtype() == xj::float32);
  check_equal(elements<float>(lf), {549755813888.0f});
  Array ws = Array(2) + Array(3);
  CHECK(ws.dtype() == xj::int64);
  CHECK(ws.weak_type());
  CHECK(ws.item<int>() == 5);
  CHECK((Array(2.0) * Array(3)).weak_type());
  CHECK((Array(2.0) * Array(3)).dtype() == xj::float64);
  CHECK(Array(true).dtype() == xj::bool_);
  CHECK(!Array(true).weak_type());
  CHECK((xj::array(std::vector<bool>{true}) + 1).dtype() == xj::int64);
  CHECK((xj::array(std::vector<bool>{true}) * 1.5).dtype() == xj::float64);
}

TEST_CASE("dtype: true division and float functions of integers choose float32, or float64 for int64") {
  Array q = xj::array({1, 2}) / 2;
  CHECK(q.dtype() == xj::float32);
  check_equal(elements<float>(q), {0.5f, 1.0f});
  CHECK((xj::array({std::int64_t{1}}) / 2).dtype() == xj::float64);
  CHECK((xj::array({1u}) / xj::array({2u})).dtype() == xj::float32);
  CHECK((xj::array({1}) / xj::array({std::int64_t{2}})).dtype() == xj::float64);
  CHECK((xj::array({1}) / 2.5).dtype() == xj::float64);
  CHECK((xj::array({1.0f}) / 2).dtype() == xj::float32);
  CHECK(xj::atan2(xj::array({1}), xj::array({1})).dtype() == xj::float32);
  CHECK(xj::sin(xj::array({1})).dtype() == xj::float32);
  CHECK(xj::sin(xj::array({std::int64_t{1}})).dtype() == xj::float64);
  CHECK(xj::sin(xj::array({1u})).dtype() == xj::float32);
  CHECK(xj::sin(xj::array(std::vector<bool>{true})).dtype() == xj::float32);
  CHECK(xj::sqrt(xj::array(2.0f)).dtype() == xj::float32);
  CHECK(xj::sqrt(Array(2.0)).weak_type());
  CHECK((xj::array({1.0f}) + xj::sqrt(Array(2.0))).dtype() == xj::float32);
  for (DType d : xj::all_dtypes) {
    CAPTURE(d);
    Array x = xj::ones({2}, d);
    CHECK((x == x).dtype() == xj::bool_);
    CHECK(xj::isnan(x).dtype() == xj::bool_);
    CHECK(xj::logical_not(x).dtype() == xj::bool_);
    CHECK(xj::logical_and(x, x).dtype() == xj::bool_);
  }
}

TEST_CASE("dtype: a float function of a weak int scalar stays weak, as jnp.sqrt(2) does") {
  // jnp.sqrt(2) is a weak float, so f32 + sqrt(2) stays float32.
  Array r = xj::sqrt(Array(2));
  CHECK(r.weak_type());
  CHECK((xj::array({1.0f}) + xj::sqrt(Array(2))).dtype() == xj::float32);
  CHECK((xj::array({1.0f}) * xj::reciprocal(Array(4))).dtype() == xj::float32);
}
