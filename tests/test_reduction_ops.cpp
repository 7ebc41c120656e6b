// Cumulative ops, xjax::nn, the primitives' param/dtype validation, and their JVP, transpose and
// batching rules called directly.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>

#include "reduction_testing.hpp"

using namespace reduction_testing;

namespace {
// Inclusive scan along `axis` by plain loops.
template <class F>
std::vector<double> ref_scan(const std::vector<double>& x, const Shape& s, int axis, bool reverse, F f) {
  std::int64_t outer = 1, inner = 1, n = s[static_cast<std::size_t>(axis)];
  for (int i = 0; i < axis; ++i) outer *= s[static_cast<std::size_t>(i)];
  for (std::size_t i = static_cast<std::size_t>(axis) + 1; i < s.size(); ++i) inner *= s[i];
  std::vector<double> out(x.size());
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t j = 0; j < inner; ++j)
      for (std::int64_t step = 0; step < n; ++step) {
        std::int64_t k = reverse ? n - 1 - step : step, prev = reverse ? k + 1 : k - 1;
        auto at = [&](std::int64_t kk) { return static_cast<std::size_t>((o * n + kk) * inner + j); };
        out[at(k)] = step == 0 ? x[at(k)] : f(out[at(prev)], x[at(k)]);
      }
  return out;
}
}  // namespace

TEST_CASE("reduction: cumsum, cumprod, cummax, cummin along every axis, both directions, every dtype") {
  for (const Shape& s : std::vector<Shape>{{6}, {2, 3, 4}, {3, 0, 2}, {1, 5, 1}})
    for (xj::DType d : numeric)
      for (int axis = 0; axis < static_cast<int>(s.size()); ++axis)
        for (bool rev : {false, true}) {
          CAPTURE(xj::shape_str(s));
          CAPTURE(d);
          CAPTURE(axis);
          CAPTURE(rev);
          Array x = sample(s, d);
          std::vector<double> v = values(x);
          Array c = xj::cumsum(x, axis, rev);
          CHECK(c.dtype() == d);
          CHECK(c.shape() == s);
          check_values(c, ref_scan(v, s, axis, rev, [](double a, double b) { return a + b; }), tol(d));
          check_values(xj::cumprod(x, axis, rev), ref_scan(v, s, axis, rev, [](double a, double b) { return a * b; }),
                       tol(d));
          check_values(xj::cummax(x, axis, rev),
                       ref_scan(v, s, axis, rev, [](double a, double b) { return std::max(a, b); }));
          check_values(xj::cummin(x, axis, rev),
                       ref_scan(v, s, axis, rev, [](double a, double b) { return std::min(a, b); }));
        }
  Array b = xj::array({true, false, true, true});
  CHECK(xj::cumsum(b).dtype() == xj::int32);
  check_values(xj::cumsum(b), {1, 1, 2, 3});
  check_values(xj::cumprod(b, 0, true), {0, 0, 1, 1});
  CHECK(xj::cummax(b).dtype() == xj::bool_);
  check_values(xj::cummax(xj::array({false, true, false})), {0, 1, 1});
  // axis nullopt scans the flattened array; a 0-d array becomes 1-d
  check_values(xj::cumsum(xj::array({{1, 2}, {3, 4}})), {1, 3, 6, 10});
  CHECK(xj::cumsum(xj::array(2.0)).shape() == Shape{1});
  check_values(xj::cummax(xj::array({1.0, qnan, 3.0})), {1, qnan, qnan});
  check_values(xj::cummin(xj::array({1.0, qnan, 3.0}), 0, true), {qnan, qnan, 3});
  const std::int32_t big = std::numeric_limits<std::int32_t>::max();
  check_values(xj::cumsum(xj::array({big, 1})), {double(big), double(std::numeric_limits<std::int32_t>::min())});
  CHECK_THROWS_AS(xj::cumsum(xj::array(1.0), 0), xj::IndexError);
  CHECK_THROWS_AS(xj::cumprod(xj::zeros({2, 2}), -3), xj::IndexError);
}

TEST_CASE("reduction: nn activations and softmax") {
  Array x = xj::array({-3.0, -0.5, 0.0, 0.5, 3.0});
  std::vector<double> v = values(x);
  std::vector<double> relu, gelu_t, gelu_e, softplus, sig;
  for (double e : v) {
    relu.push_back(e > 0 ? e : 0);
    gelu_t.push_back(0.5 * e * (1 + std::tanh(std::sqrt(2 / M_PI) * (e + 0.044715 * e * e * e))));
    gelu_e.push_back(0.5 * e * (1 + std::erf(e / std::sqrt(2.0))));
    softplus.push_back(std::log1p(std::exp(e)));
    sig.push_back(1 / (1 + std::exp(-e)));
  }
  check_values(xj::nn::relu(x), relu);
  check_values(xj::nn::gelu(x), gelu_t, 1e-14);
  check_values(xj::nn::gelu(x, false), gelu_e, 1e-14);
  check_values(xj::nn::softplus(x), softplus, 1e-14);
  check_values(xj::nn::sigmoid(x), sig, 1e-14);
  CHECK(xj::nn::relu(xj::array({-2, 3})).dtype() == xj::int32);
  check_values(xj::nn::relu(xj::array({-2, 3})), {0, 3});
  CHECK(std::isnan(xj::nn::relu(xj::array(qnan)).item<double>()));
  CHECK(xj::nn::gelu(xj::array({1, 2})).dtype() == xj::float32);
  CHECK(xj::nn::softplus(xj::array(1000.0)).item<double>() == 1000.0);
  CHECK(xj::nn::softplus(xj::array(-1000.0)).item<double>() == 0.0);
  CHECK(xj::nn::softplus(xj::array(-50.0f)).item<float>() == doctest::Approx(std::exp(-50.0)).epsilon(1e-5));
  CHECK(xj::nn::softplus(xj::array(inf)).item<double>() == inf);
  CHECK(xj::nn::softplus(xj::array(-inf)).item<double>() == 0.0);

  Array m = xj::array({{1.0, 2.0, 3.0}, {1000.0, 1000.0, -inf}});
  std::vector<double> sm = values(xj::nn::softmax(m));
  double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  std::vector<double> want = {std::exp(1.0) / z, std::exp(2.0) / z, std::exp(3.0) / z, 0.5, 0.5, 0};
  for (std::size_t i = 0; i < 6; ++i) CHECK(sm[i] == doctest::Approx(want[i]).epsilon(1e-14));
  std::vector<double> lsm = values(xj::nn::log_softmax(m, 1));
  for (std::size_t i = 0; i < 5; ++i) CHECK(lsm[i] == doctest::Approx(std::log(want[i])).epsilon(1e-14));
  CHECK(lsm[5] == -inf);
  check_values(xj::sum(xj::nn::softmax(m, 0), 0), {1, 1, 1}, 1e-15);
  CHECK(xj::nn::softmax(xj::array({1, 2})).dtype() == xj::float32);
  CHECK(xj::nn::softmax(xj::zeros({2, 3}), -1).shape() == Shape{2, 3});
  CHECK_THROWS_AS(xj::nn::softmax(m, 2), xj::IndexError);
}

TEST_CASE("reduction: primitives validate their params and dtypes") {
  auto prim = [](const char* name) -> const xj::Primitive& { return *xj::find_primitive(name); };
  Array x = xj::zeros({2, 3});
  for (const char* name : {"reduce_sum", "reduce_max", "reduce_min", "reduce_prod"}) {
    CAPTURE(name);
    CHECK_THROWS_AS(xj::bind1(prim(name), {x}, {{"axes", xj::Ints{2}}}), xj::IndexError);
    CHECK_THROWS_AS(xj::bind1(prim(name), {x}, {{"axes", xj::Ints{-1}}}), xj::IndexError);
    CHECK_THROWS_AS(xj::bind1(prim(name), {x}, {{"axes", xj::Ints{1, 1}}}), xj::ValueError);
    CHECK(xj::bind1(prim(name), {x}, {{"axes", xj::Ints{1}}}).shape() == Shape{2});
  }
  Array flags = x > 1.0;
  CHECK_THROWS_AS(xj::bind1(prim("reduce_sum"), {flags}, {{"axes", xj::Ints{0}}}), xj::DTypeError);
  CHECK_THROWS_AS(xj::bind1(prim("reduce_prod"), {flags}, {{"axes", xj::Ints{0}}}), xj::DTypeError);
  CHECK_THROWS_AS(xj::bind1(prim("reduce_and"), {x}, {{"axes", xj::Ints{0}}}), xj::DTypeError);
  CHECK_THROWS_AS(xj::bind1(prim("reduce_or"), {x}, {{"axes", xj::Ints{0}}}), xj::DTypeError);
  // reduce_and/or on integers are bitwise
  Array bits = xj::array({{6, 3}, {5, 9}});
  check_values(xj::bind1(prim("reduce_and"), {bits}, {{"axes", xj::Ints{0}}}), {4, 1});
  check_values(xj::bind1(prim("reduce_or"), {bits}, {{"axes", xj::Ints{1}}}), {7, 13});
  CHECK_THROWS_AS(xj::bind1(prim("reduce_max"), {xj::zeros({2, 0})}, {{"axes", xj::Ints{1}}}), xj::ValueError);
  CHECK_THROWS_AS(xj::bind1(prim("argmax"), {x}, {{"axes", xj::Ints{0, 1}}, {"index_dtype", xj::int32}}),
                  xj::ValueError);
  CHECK_THROWS_AS(xj::bind1(prim("argmax"), {x}, {{"axes", xj::Ints{0}}, {"index_dtype", xj::float32}}),
                  xj::DTypeError);
  CHECK_THROWS_AS(xj::bind1(prim("argmin"), {x}, {{"axes", xj::Ints{2}}, {"index_dtype", xj::int32}}), xj::IndexError);
  CHECK(xj::bind1(prim("argmin"), {x}, {{"axes", xj::Ints{1}}, {"index_dtype", xj::int64}}).dtype() == xj::int64);
  for (const char* name : {"cumsum", "cumprod", "cummax", "cummin"}) {
    CAPTURE(name);
    CHECK_THROWS_AS(xj::bind1(prim(name), {x}, {{"axis", std::int64_t{2}}, {"reverse", false}}), xj::IndexError);
    CHECK_THROWS_AS(xj::bind1(prim(name), {x}, {{"axis", std::int64_t{-1}}, {"reverse", false}}), xj::IndexError);
    CHECK_THROWS_AS(xj::bind1(prim(name), {xj::array(1.0)}, {{"axis", std::int64_t{0}}, {"reverse", false}}),
                    xj::IndexError);
  }
  CHECK_THROWS_AS(xj::bind1(prim("cumsum"), {flags}, {{"axis", std::int64_t{0}}, {"reverse", false}}), xj::DTypeError);
  CHECK_THROWS_AS(xj::sum(x, 2), xj::IndexError);
  CHECK_THROWS_AS(xj::sum(x, {0, -2}), xj::ValueError);
  CHECK_THROWS_AS(xj::mean(x, -3), xj::IndexError);
  CHECK_THROWS_AS(xj::logsumexp(x, {1, 1}), xj::ValueError);
}

TEST_CASE("reduction: JVP rules are exact where the operand has zeros or ties") {
  auto prim = [](const char* name) -> const xj::Primitive& { return *xj::find_primitive(name); };
  // reduce_prod over a row with one zero and a row with two: d prod = sum_k t_k prod_{j != k} x_j
  Array x = xj::array({{2.0, 0.0, 3.0, 5.0}, {0.0, 4.0, 0.0, 1.0}, {1.5, 2.0, -1.0, 0.5}});
  Array t = xj::array({{1.0, 10.0, 100.0, 1000.0}, {1.0, 1.0, 1.0, 1.0}, {1.0, -2.0, 3.0, 0.5}});
  xj::Params p{{"axes", xj::Ints{1}}};
  Array y = xj::bind1(prim("reduce_prod"), {x}, p);
  xj::Tangents dy = prim("reduce_prod").jvp({x}, {t}, {y}, p);
  std::vector<double> xv = values(x), tv = values(t), want;
  for (std::size_t r = 0; r < 3; ++r) {
    double acc = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      double others = 1;
      for (std::size_t j = 0; j < 4; ++j)
        if (j != k) others *= xv[r * 4 + j];
      acc += tv[r * 4 + k] * others;
    }
    want.push_back(acc);
  }
  check_values(*dy[0], want, 1e-15);
  // ... and over a leading and a trailing axis at once
  Array x3 = xj::reshape(x, {3, 2, 2});
  xj::Params p02{{"axes", xj::Ints{0, 2}}};
  Array y3 = xj::bind1(prim("reduce_prod"), {x3}, p02);
  Array d3 = *prim("reduce_prod").jvp({x3}, {xj::reshape(t, {3, 2, 2})}, {y3}, p02)[0];
  CHECK(d3.shape() == Shape{2});
  Array step = xj::reshape(t, {3, 2, 2}) * 1e-6;
  Array fd = (xj::prod(x3 + step, {0, 2}) - xj::prod(x3 - step, {0, 2})) / 2e-6;
  check_values(d3, values(fd), 1e-7);

  // reduce_max: ties share the tangent equally
  Array m = xj::array({1.0, 3.0, 3.0, -2.0});
  xj::Params p0{{"axes", xj::Ints{0}}};
  Array my = xj::bind1(prim("reduce_max"), {m}, p0);
  CHECK(prim("reduce_max").jvp({m}, {xj::array({1.0, 2.0, 4.0, 8.0})}, {my}, p0)[0]->item<double>() == 3.0);

  // cumprod with zeros: dy_i = sum_{k <= i} t_k prod_{j <= i, j != k} x_j, both directions
  Array c = xj::array({2.0, 0.0, 3.0, 0.0, 5.0, 7.0});
  Array ct = xj::array({1.0, 10.0, 100.0, 1000.0, 2.0, 3.0});
  for (bool rev : {false, true}) {
    CAPTURE(rev);
    xj::Params pc{{"axis", std::int64_t{0}}, {"reverse", rev}};
    Array cy = xj::bind1(prim("cumprod"), {c}, pc);
    std::vector<double> cv = values(c), ctv = values(ct), cw(6, 0);
    for (int i = 0; i < 6; ++i)
      for (int k = 0; k < 6; ++k) {
        if (rev ? k < i : k > i) continue;
        double others = 1;
        for (int j = 0; j < 6; ++j)
          if (j != k && (rev ? j >= i : j <= i)) others *= cv[static_cast<std::size_t>(j)];
        cw[static_cast<std::size_t>(i)] += ctv[static_cast<std::size_t>(k)] * others;
      }
    check_values(*prim("cumprod").jvp({c}, {ct}, {cy}, pc)[0], cw, 1e-15);
  }

  // cummax/cummin: the tangent of the element holding the running extremum
  Array r = xj::array({1.0, 3.0, 2.0, 5.0, 4.0});
  Array rt = xj::array({10.0, 20.0, 30.0, 40.0, 50.0});
  auto running = [&](const char* name, bool rev) {
    xj::Params pr{{"axis", std::int64_t{0}}, {"reverse", rev}};
    Array ry = xj::bind1(prim(name), {r}, pr);
    return values(*prim(name).jvp({r}, {rt}, {ry}, pr)[0]);
  };
  CHECK(running("cummax", false) == std::vector<double>{10, 20, 20, 40, 40});
  CHECK(running("cummax", true) == std::vector<double>{40, 40, 40, 40, 50});
  CHECK(running("cummin", false) == std::vector<double>{10, 10, 10, 10, 10});
  CHECK(running("cummin", true) == std::vector<double>{10, 30, 30, 50, 50});

  // argmax and the boolean reductions have no tangent
  xj::Params pa{{"axes", xj::Ints{0}}, {"index_dtype", xj::int32}};
  CHECK(!prim("argmax").jvp({m}, {m}, {xj::argmax(m)}, pa)[0]);
}

TEST_CASE("reduction: transpose and batching rules") {
  auto prim = [](const char* name) -> const xj::Primitive& { return *xj::find_primitive(name); };
  // reduce_sum transposes to a broadcast back over the reduced axes
  xj::Params p{{"axes", xj::Ints{0, 2}}};
  xj::LinearArgs lin{xj::LinearArg{std::nullopt, xj::ShapedArray{{2, 3, 4}, xj::float64}}};
  Array back = *prim("reduce_sum").transpose({xj::array({1.0, 2.0, 3.0})}, lin, p)[0];
  CHECK(back.shape() == Shape{2, 3, 4});
  std::vector<double> bv = values(back);
  for (std::size_t i = 0; i < bv.size(); ++i) CHECK(bv[i] == double((i / 4) % 3 + 1));
  // cumsum transposes to a cumsum the other way
  xj::Params pc{{"axis", std::int64_t{0}}, {"reverse", false}};
  xj::LinearArgs lin1{xj::LinearArg{std::nullopt, xj::ShapedArray{{3}, xj::float64}}};
  check_values(*prim("cumsum").transpose({xj::array({1.0, 2.0, 4.0})}, lin1, pc)[0], {7, 6, 4});
  CHECK(!prim("cumsum").transpose({std::nullopt}, lin1, pc)[0]);

  // batching: the batch axis survives the reduction, wherever it sits
  Array xb = sample({2, 3, 4}, xj::float64);
  for (int b = 0; b < 3; ++b) {
    CAPTURE(b);
    auto [outs, dims] = prim("reduce_sum").batch(prim("reduce_sum"), {xb}, {b}, {{"axes", xj::Ints{0, 1}}});
    REQUIRE(dims[0].has_value());
    Array got = xj::moveaxis(outs[0], *dims[0], 0);
    for (std::int64_t i = 0; i < xb.shape()[static_cast<std::size_t>(b)]; ++i) {
      Array item = xj::moveaxis(xb, b, 0)[i];
      check_values(got[i], values(xj::sum(item, {0, 1})), 1e-14);
    }
    auto [couts, cdims] =
        prim("cummax").batch(prim("cummax"), {xb}, {b}, {{"axis", std::int64_t{1}}, {"reverse", true}});
    Array cgot = xj::moveaxis(couts[0], *cdims[0], 0);
    for (std::int64_t i = 0; i < xb.shape()[static_cast<std::size_t>(b)]; ++i)
      check_values(cgot[i], values(xj::cummax(xj::moveaxis(xb, b, 0)[i], 1, true)));
    auto [aouts, adims] = prim("argmin").batch(prim("argmin"), {xb}, {b},
                                               {{"axes", xj::Ints{1}}, {"index_dtype", xj::int32}});
    Array agot = xj::moveaxis(aouts[0], *adims[0], 0);
    for (std::int64_t i = 0; i < xb.shape()[static_cast<std::size_t>(b)]; ++i)
      check_values(agot[i], values(xj::argmin(xj::moveaxis(xb, b, 0)[i], 1)));
  }
}
