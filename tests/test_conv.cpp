// xj::conv_general_dilated, conv and conv_transpose against jax.lax's values and gradients
// (tests/golden/conv.inc, written by scripts/golden_conv.py) in float32 and float64, jit against
// eager, vmap against a loop, finite-difference gradients, and typed errors for bad input.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "golden.hpp"
#include "xjax/conv.hpp"
#include "xjax/einsum.hpp"
#include "xjax/jit.hpp"
#include "xjax/transforms.hpp"

namespace xj = xjax;
using xj::Array;
using namespace xjax::test;

namespace {
const std::map<std::string, Golden>& golden_table() {
  static const std::map<std::string, Golden> table = {
#include "golden/conv.inc"
  };
  return table;
}
const Golden& golden(const std::string& name) { return golden_entry(golden_table(), name); }
Array in(const std::string& name, xj::DType d = xj::float64) { return golden_array(golden(name), d); }

using Conv = std::function<Array(const Array&, const Array&)>;
using P = std::vector<std::pair<std::int64_t, std::int64_t>>;

// The configurations of scripts/golden_conv.py, with the same arguments.
const std::vector<std::pair<std::string, Conv>>& cases() {
  static const std::vector<std::pair<std::string, Conv>> list = {
      {"c1d", [](const Array& a, const Array& b) { return xj::conv_general_dilated(a, b, {1}, "VALID"); }},
      {"c1d_same_s2", [](const Array& a, const Array& b) { return xj::conv_general_dilated(a, b, {2}, "SAME"); }},
      {"c1d_lower", [](const Array& a, const Array& b) { return xj::conv_general_dilated(a, b, {1}, "SAME_LOWER"); }},
      {"c2d_same",
       [](const Array& a, const Array& b) {
         return xj::conv(a, b, {1, 1}, "SAME");
       }},
      {"c2d_valid_s",
       [](const Array& a, const Array& b) {
         return xj::conv(a, b, {2, 3}, "VALID");
       }},
      {"c2d_pad",
       [](const Array& a, const Array& b) {
         return xj::conv(a, b, {1, 2}, P{{2, 1}, {0, 3}});
       }},
      {"c2d_negpad",
       [](const Array& a, const Array& b) {
         return xj::conv(a, b, {1, 1}, P{{-1, 2}, {1, -2}});
       }},
      {"c2d_lhsdil",
       [](const Array& a, const Array& b) {
         return xj::conv_general_dilated(a, b, {1, 1}, P{{1, 1}, {2, 0}}, {2, 3});
       }},
      {"c2d_rhsdil",
       [](const Array& a, const Array& b) {
         return xj::conv_general_dilated(a, b, {1, 2}, "SAME", {}, {2, 3});
       }},
      {"c2d_both_dil",
       [](const Array& a, const Array& b) {
         return xj::conv_general_dilated(a, b, {2, 1}, P{{1, 2}, {0, 1}}, {2, 1}, {1, 2});
       }},
      {"c2d_groups",
       [](const Array& a, const Array& b) {
         return xj::conv_general_dilated(a, b, {1, 1}, "SAME", {}, {}, {}, 2);
       }},
      {"c2d_depthwise",
       [](const Array& a, const Array& b) {
         return xj::conv_general_dilated(a, b, {1, 1}, "SAME", {}, {}, {}, 3);
       }},
      {"c2d_batch_groups",
       [](const Array& a, const Array& b) {
         return xj::conv_general_dilated(a, b, {1, 1}, "VALID", {}, {}, {}, 1, 2);
       }},
      {"c2d_nhwc",
       [](const Array& a, const Array& b) {
         return xj::conv_general_dilated(a, b, {2, 1}, "SAME", {}, {}, {"NHWC", "HWIO", "NHWC"});
       }},
      {"c2d_mixed_layout",
       [](const Array& a, const Array& b) {
         return xj::conv_general_dilated(a, b, {1, 1}, P{{1, 0}, {1, 1}}, {}, {}, {"HNWC", "WIHO", "CHNW"});
       }},
      {"c3d",
       [](const Array& a, const Array& b) {
         return xj::conv(a, b, {1, 2, 1}, "SAME");
       }},
      {"c3d_ndhwc",
       [](const Array& a, const Array& b) {
         return xj::conv_general_dilated(a, b, {2, 1, 1}, "VALID", {}, {1, 1, 2}, {"NDHWC", "DHWIO", "NDHWC"});
       }},
      {"c0d", [](const Array& a, const Array& b) { return xj::conv_general_dilated(a, b, {}, "VALID"); }},
      {"c2d_big_window",
       [](const Array& a, const Array& b) {
         return xj::conv(a, b, {1, 1}, "VALID");
       }},
  };
  return list;
}
}  // namespace

TEST_CASE("conv_general_dilated matches jax.lax in float64 and float32, eager and under jit") {
  for (const auto& [name, f] : cases()) {
    CAPTURE(name);
    for (xj::DType d : {xj::float64, xj::float32}) {
      CAPTURE(d);
      const double tol = d == xj::float64 ? 1e-12 : 1e-5;
      const Array a = in(name + "_lhs", d), b = in(name + "_rhs", d);
      const Array y = f(a, b);
      CHECK(y.dtype() == d);
      check_close(y, golden(name + "_out"), tol);
      check_same(xj::jit([&](const Array& p, const Array& q) { return f(p, q); })(a, b), y, tol);
    }
  }
}

TEST_CASE("conv_general_dilated's gradients match jax's (both transposed convolutions)") {
  for (const auto& [name, f] : cases()) {
    CAPTURE(name);
    const Array a = in(name + "_lhs"), b = in(name + "_rhs"), ct = in(name + "_ct");
    auto [y, pullback] = xj::vjp(f, a, b);
    auto [ga, gb] = pullback(ct);
    check_close(ga, golden(name + "_glhs"), 1e-12);
    check_close(gb, golden(name + "_grhs"), 1e-12);
    // The same through jit(grad) of a scalar function.
    auto loss = [&](const Array& p, const Array& q) { return xj::sum(f(p, q) * ct); };
    check_close(xj::jit(xj::grad(loss))(a, b), golden(name + "_glhs"), 1e-12);
  }
}

TEST_CASE("conv_general_dilated's derivatives match finite differences to second order") {
  for (const auto& [name, f] : cases()) {
    CAPTURE(name);
    xj::check_grads(f, std::tuple{in(name + "_lhs"), in(name + "_rhs")}, 2);
  }
}

TEST_CASE("vmap of conv_general_dilated matches a loop (batched lhs, rhs, both)") {
  for (const auto& [name, f] : cases()) {
    CAPTURE(name);
    const Array a = in(name + "_lhs"), b = in(name + "_rhs");
    const Array as = xj::stack({a, a * 0.5 + 0.25, -a}, 1), bs = xj::stack({b, b * -1.5, b + 0.5}, 0);
    auto loop = [&](bool map_a, bool map_b) {
      std::vector<Array> ys;
      for (int i = 0; i < 3; ++i) ys.push_back(f(map_a ? xj::take(as, i, 1) : a, map_b ? xj::take(bs, i, 0) : b));
      return xj::stack(ys, 0);
    };
    check_same(xj::vmap(f, {1, std::nullopt})(as, b), loop(true, false), 1e-12);
    check_same(xj::vmap(f, {std::nullopt, 0})(a, bs), loop(false, true), 1e-12);
    check_same(xj::vmap(f, {1, 0})(as, bs), loop(true, true), 1e-12);
    // vmap of grad: the batching rule applied to both transposed convolutions.
    auto g = [&](const Array& p, const Array& q) {
      return xj::grad([&](const Array& r) { return xj::sum(f(r, q)); })(p);
    };
    std::vector<Array> gs;
    for (int i = 0; i < 3; ++i) gs.push_back(g(xj::take(as, i, 1), xj::take(bs, i, 0)));
    check_same(xj::vmap(g, {1, 0})(as, bs), xj::stack(gs, 0), 1e-12);
  }
}

TEST_CASE("conv_transpose matches jax.lax.conv_transpose") {
  const Array x = in("tr_lhs");
  check_close(xj::conv_transpose(x, in("tr_same_kernel"), {2, 1}, "SAME"), golden("tr_same"), 1e-12);
  check_close(xj::conv_transpose(x, in("tr_valid_kernel"), {2, 1}, "VALID"), golden("tr_valid"), 1e-12);
  check_close(xj::conv_transpose(x, in("tr_pairs_kernel"), {2, 1}, P{{1, 2}, {0, 1}}), golden("tr_pairs"), 1e-12);
  check_close(xj::conv_transpose(x, in("tr_kernel_kernel"), {2, 1}, "SAME", {}, {}, true), golden("tr_kernel"), 1e-12);
}

TEST_CASE("conv_general_dilated on integers wraps as jax's, with no gradient") {
  const Array y = xj::conv(in("int_lhs", xj::int32), in("int_rhs", xj::int32), {1, 1}, "SAME");
  CHECK(y.dtype() == xj::int32);
  check_equal(y, golden("int_out"));
}

TEST_CASE("conv_general_dilated on bool is any(x and w), as jax's") {
  const Array x = xj::reshape(xj::array({true, false, true, true, false, true}), {1, 1, 6});
  const Array w = xj::reshape(xj::array({false, true}), {1, 1, 2});
  const Array y = xj::conv(x, w, {1}, "VALID");
  CHECK(y.dtype() == xj::bool_);
  CHECK(xj::array_equal(y, xj::reshape(xj::array({false, true, true, false, true}), {1, 1, 5})).item<bool>());
}

TEST_CASE("conv_general_dilated with zero features or an empty batch") {
  const Array x = xj::zeros({2, 0, 4, 4}, xj::float64), w = xj::ones({3, 0, 3, 3}, xj::float64);
  check_same(xj::conv(x, w, {1, 1}, "SAME"), xj::zeros({2, 3, 4, 4}, xj::float64), 0);
  auto [gx, gw] = xj::grad<0, 1>([&](const Array& a, const Array& b) {
    return xj::sum(xj::conv(a, b, {1, 1}, "SAME"));
  })(x, w);
  CHECK(gx.shape() == x.shape());
  CHECK(gw.shape() == w.shape());
  const Array e = xj::zeros({0, 2, 4, 4}, xj::float64), k = xj::ones({3, 2, 3, 3}, xj::float64);
  CHECK(xj::conv(e, k, {1, 1}, "SAME").shape() == xj::Shape{0, 3, 4, 4});
  CHECK(xj::grad([&](const Array& b) { return xj::sum(xj::conv(e, b, {1, 1}, "SAME")); })(k).shape() == k.shape());
}

TEST_CASE("conv_general_dilated's dimension numbers: strings and explicit numbers agree") {
  const Array a = in("c2d_nhwc_lhs"), b = in("c2d_nhwc_rhs");
  const xj::ConvDimensionNumbers dn{{0, 3, 1, 2}, {3, 2, 0, 1}, {0, 3, 1, 2}};
  check_close(xj::conv_general_dilated(a, b, {2, 1}, "SAME", {}, {}, dn), golden("c2d_nhwc_out"), 1e-12);
  // lax's defaults are NCHW / OIHW / NCHW.
  const Array c = in("c2d_same_lhs"), w = in("c2d_same_rhs");
  check_same(xj::conv_general_dilated(c, w, {1, 1}, "SAME", {}, {}, {"NCHW", "OIHW", "NCHW"}),
             xj::conv(c, w, {1, 1}, "SAME"), 0);
}

TEST_CASE("conv_general_dilated raises typed errors naming the op") {
  const Array x = xj::zeros({2, 4, 5, 5}, xj::float64), w = xj::zeros({6, 2, 3, 3}, xj::float64);
  auto conv = [&](auto... args) { return [=] { xj::conv_general_dilated(args...); }; };
  const std::string op = "conv_general_dilated";
  CHECK_THROWS_AS(conv(x, xj::zeros({6, 4, 3}, xj::float64), xj::Ints{1, 1}, "SAME")(), xj::ShapeError);  // ranks
  CHECK_THROWS_AS(conv(x, w, xj::Ints{1, 1}, "SAME")(), xj::ShapeError);  // 4 != 2 features
  CHECK(op_of(conv(x, w, xj::Ints{1, 1}, "SAME")) == op);
  CHECK_THROWS_AS(conv(x, w, xj::Ints{1, 1}, "SAME", xj::Ints{}, xj::Ints{}, xj::ConvDimensions{}, 3)(),
                  xj::ShapeError);  // 4 features not divisible by 3
  CHECK_THROWS_AS(conv(x, xj::zeros({5, 2, 3, 3}, xj::float64), xj::Ints{1, 1}, "SAME", xj::Ints{}, xj::Ints{},
                       xj::ConvDimensions{}, 2)(),
                  xj::ShapeError);  // 5 outputs not divisible by 2 groups
  CHECK_THROWS_AS(conv(x, xj::zeros({6, 4, 3, 3}, xj::float64), xj::Ints{1, 1}, "SAME", xj::Ints{}, xj::Ints{},
                       xj::ConvDimensions{}, 1, 4)(),
                  xj::ShapeError);  // batch 2 not divisible by 4 batch groups
  CHECK_THROWS_AS(conv(x, w, xj::Ints{1, 1}, "SAME", xj::Ints{}, xj::Ints{}, xj::ConvDimensions{}, 2, 2)(),
                  xj::ValueError);  // both group counts > 1
  CHECK_THROWS_AS(conv(x, w, xj::Ints{0, 1}, "SAME")(), xj::ValueError);
  CHECK_THROWS_AS(conv(x, w, xj::Ints{1, 1}, "VALID", xj::Ints{1, -1})(), xj::ValueError);
  CHECK_THROWS_AS(conv(x, w, xj::Ints{1, 1}, "VALID", xj::Ints{}, xj::Ints{0, 1})(), xj::ValueError);
  CHECK_THROWS_AS(conv(x, w, xj::Ints{1, 1, 1}, "VALID")(), xj::ValueError);
  CHECK_THROWS_AS(conv(x, w, xj::Ints{1, 1}, "FULL")(), xj::ValueError);
  CHECK_THROWS_AS(conv(x, w, xj::Ints{1, 1}, P{{1, 1}})(), xj::ShapeError);
  CHECK_THROWS_AS(
      conv(x, w, xj::Ints{1, 1}, "SAME", xj::Ints{}, xj::Ints{}, xj::ConvDimensions{"NCHW", "OIH", "NCHW"})(),
      xj::ValueError);
  CHECK_THROWS_AS(
      conv(x, w, xj::Ints{1, 1}, "SAME", xj::Ints{}, xj::Ints{}, xj::ConvDimensions{"NCHW", "OIHW", "NCXW"})(),
      xj::ValueError);  // mismatched spatial letters
  CHECK_THROWS_AS(conv(x, w, xj::Ints{1, 1}, "SAME", xj::Ints{}, xj::Ints{},
                       xj::ConvDimensions{xj::ConvDimensionNumbers{{0, 1, 2, 2}, {0, 1, 2, 3}, {0, 1, 2, 3}}})(),
                  xj::ValueError);  // not a permutation
  CHECK_THROWS_AS(conv(x.astype(xj::float32), xj::zeros({6, 4, 3, 3}, xj::float64), xj::Ints{1, 1}, "SAME")(),
                  xj::DTypeError);  // lax does not promote float32 with float64
  CHECK_THROWS_AS(xj::conv(xj::zeros({4}), xj::zeros({4}), {}, "VALID"), xj::ShapeError);
  CHECK(op_of([&] { xj::conv_transpose(x, xj::zeros({3, 3}, xj::float64), {1, 1}, "SAME"); }) == "conv_transpose");
  CHECK_THROWS_AS(
      xj::conv_transpose(xj::zeros({1, 1, 1, 1, 1, 1}), xj::zeros({1, 1, 1, 1, 1, 1}), {1, 1, 1, 1}, "SAME"),
      xj::ValueError);  // no default layout beyond 3 spatial axes
}

TEST_CASE("conv docs example: layouts, padding pairs, depthwise and gradients") {
  const Array x = xj::random::normal(xj::random::key(0), {2, 3, 6, 6}, xj::float64);
  const Array w = xj::random::normal(xj::random::key(1), {4, 3, 3, 3}, xj::float64);
  const Array y = xj::conv(x, w, {1, 1}, "SAME");
  CHECK(y.shape() == xj::Shape{2, 4, 6, 6});
  // The same convolution channels-last, the padding given as braced pairs.
  const Array xh = xj::transpose(x, {0, 2, 3, 1}), wh = xj::transpose(w, {2, 3, 1, 0});
  const Array z = xj::conv_general_dilated(xh, wh, {1, 1}, {{1, 1}, {1, 1}}, {}, {}, {"NHWC", "HWIO", "NHWC"});
  check_same(xj::transpose(z, {0, 3, 1, 2}), y, 1e-12);
  // Depthwise equals each channel convolved alone.
  const Array wd = xj::random::normal(xj::random::key(4), {3, 1, 3, 3}, xj::float64);
  const Array d = xj::conv_general_dilated(x, wd, {1, 1}, "SAME", {}, {}, {}, 3);
  for (int ch = 0; ch < 3; ++ch) {
    const Array xc = xj::take(x, xj::array(std::vector<std::int32_t>{ch}), 1);
    const Array wc = xj::take(wd, xj::array(std::vector<std::int32_t>{ch}), 0);
    check_same(xj::take(d, xj::array(std::vector<std::int32_t>{ch}), 1), xj::conv(xc, wc, {1, 1}, "SAME"), 1e-12);
  }
  auto loss = [&](const Array& xs, const Array& ws) { return xj::sum(xj::square(xj::conv(xs, ws, {1, 1}, "SAME"))); };
  auto [gx, gw] = xj::grad<0, 1>(loss)(x, w);
  CHECK(gx.shape() == x.shape());
  CHECK(gw.shape() == w.shape());
}

TEST_CASE("conv_general_dilated on a large image (batch split over products, gradient summed in blocks)") {
  // 16 x 4 x 64 x 64 makes an im2col matrix above one block, so partial products are summed.
  const Array x = xj::random::normal(xj::random::key(5), {16, 4, 64, 64}, xj::float64);
  const Array w = xj::random::normal(xj::random::key(6), {3, 4, 3, 3}, xj::float64);
  const Array ct = xj::random::normal(xj::random::key(7), {16, 3, 64, 64}, xj::float64);
  auto [y, pullback] = xj::vjp([](const Array& a, const Array& b) { return xj::conv(a, b, {1, 1}, "SAME"); }, x, w);
  const Array gw = std::get<1>(pullback(ct));
  const Array xp = xj::pad(x, {{0, 0}, {0, 0}, {1, 1}, {1, 1}});
  std::vector<Array> taps;
  Array y_want = xj::zeros_like(y);  // the forward pass too: its batch is split over several products
  for (int kh = 0; kh < 3; ++kh)
    for (int kw = 0; kw < 3; ++kw) {
      const Array shifted = xj::slice(xp, {0, 0, kh, kw}, {16, 4, kh + 64, kw + 64});
      taps.push_back(xj::einsum("nohw,nihw->oi", ct, shifted));
      y_want = y_want + xj::einsum("oi,nihw->nohw",
                                   xj::slice(w, {0, 0, kh, kw}, {3, 4, kh + 1, kw + 1}).reshape({3, 4}), shifted);
    }
  check_same(y, y_want, 1e-10);
  check_same(gw, xj::reshape(xj::stack(taps, -1), {3, 4, 3, 3}), 1e-10);
}

TEST_CASE("conv_general_dilated on one large image per product (output lines split over products)") {
  // 16 features x 96 x 96 with a 3 x 3 window is an im2col matrix of 144 x 9216 per image: it goes in
  // blocks of output lines (the last block shorter), float64 and float32, eager and jitted.
  const Array x = xj::random::normal(xj::random::key(8), {2, 16, 96, 96}, xj::float64);
  const Array w = xj::random::normal(xj::random::key(9), {5, 16, 3, 3}, xj::float64);
  auto conv = [](const Array& a, const Array& b) { return xj::conv(a, b, {1, 1}, "SAME"); };
  const Array xp = xj::pad(x, {{0, 0}, {0, 0}, {1, 1}, {1, 1}});
  Array y_want = xj::zeros({2, 5, 96, 96}, xj::float64);
  for (int kh = 0; kh < 3; ++kh)
    for (int kw = 0; kw < 3; ++kw)
      y_want = y_want + xj::einsum("oi,nihw->nohw",
                                   xj::slice(w, {0, 0, kh, kw}, {5, 16, kh + 1, kw + 1}).reshape({5, 16}),
                                   xj::slice(xp, {0, 0, kh, kw}, {2, 16, kh + 96, kw + 96}));
  check_same(conv(x, w), y_want, 1e-10);
  check_same(xj::jit(conv)(x, w), y_want, 1e-10);
  check_same(conv(x.astype(xj::float32), w.astype(xj::float32)).astype(xj::float64), y_want, 1e-4);
}
