// xjax::random: known answers (Random123 vectors and numbers printed by JAX), statistics of the
// samplers, jit and vmap, and bad input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
namespace xr = xjax::random;
using xj::Array;
using xj::Arrays;

namespace {

Array u32s(std::vector<std::uint32_t> v) { return xj::array(v); }
std::vector<std::uint32_t> words(const Array& x) {
  const std::uint32_t* p = x.data<std::uint32_t>();
  return {p, p + x.size()};
}
std::vector<double> vals(const Array& x) { return xj::test::values(x); }
double mean_of(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }
double var_of(const std::vector<double>& v) {
  double m = mean_of(v), s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size());
}
bool same(const Array& a, const Array& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() && xj::all(a == b).item<bool>();
}

}  // namespace

TEST_CASE("random: threefry2x32 matches the Random123 known-answer vectors (20 rounds)") {
  // Random123's tests/kat_vectors ("threefry2x32 20" lines: counter, key, expected), the same
  // three vectors JAX checks in tests/random_test.py, testThreefry2x32.
  CHECK(words(xr::threefry2x32(u32s({0, 0}), u32s({0, 0}))) == std::vector<std::uint32_t>{0x6b200159u, 0x99ba4efeu});
  CHECK(words(xr::threefry2x32(u32s({0xffffffffu, 0xffffffffu}), u32s({0xffffffffu, 0xffffffffu}))) ==
        std::vector<std::uint32_t>{0x1cb996fcu, 0xbb002be7u});
  CHECK(words(xr::threefry2x32(u32s({0x13198a2eu, 0x03707344u}), u32s({0x243f6a88u, 0x85a308d3u}))) ==
        std::vector<std::uint32_t>{0xc4923a9cu, 0x483df7a0u});
}

TEST_CASE("random: threefry2x32 on longer counts matches JAX's recorded values") {
  // JAX tests/random_test.py, testPRNGValues: with the original (pre-0.5) layout, split(PRNGKey(0), 4)
  // was threefry_2x32(key, iota(8)) reshaped to (4, 2); these are its recorded values.
  Array h = xr::threefry2x32(xr::key(0), xj::iota(xj::uint32, {8}));
  CHECK(words(h) == std::vector<std::uint32_t>{2285895361u, 1501764800u, 1518642379u, 4090693311u, 433833334u,
                                               4221794875u, 839183663u, 3740430601u});
  // JAX tests/random_test.py, testRngRandomBits: original-layout 32-bit bits of PRNGKey(1701) were
  // threefry_2x32(key, iota(3)) (an odd count, padded), and with x64 the 64-bit bits joined the
  // halves of threefry_2x32(key, iota(6)) as (first << 32) | second.
  CHECK(words(xr::threefry2x32(xr::key(1701), xj::iota(xj::uint32, {3}))) ==
        std::vector<std::uint32_t>{56197195u, 4200222568u, 961309823u});
  std::vector<std::uint32_t> six = words(xr::threefry2x32(xr::key(1701), xj::iota(xj::uint32, {6})));
  const std::uint64_t expected64[] = {3982329540505020460ull, 16822122385914693683ull, 7882654074788531506ull};
  for (int i = 0; i < 3; ++i) CHECK(((std::uint64_t{six[i]} << 32) | six[i + 3]) == expected64[i]);
  // The result keeps the counts' shape, including zero-size ones.
  CHECK(xr::threefry2x32(xr::key(3), xj::zeros({2, 0, 3}, xj::uint32)).shape() == xj::Shape{2, 0, 3});
  CHECK(xr::threefry2x32(xr::key(3), xj::zeros({2, 3}, xj::uint32)).shape() == xj::Shape{2, 3});
}

TEST_CASE("random: keys from seeds") {
  CHECK(words(xr::key(0)) == std::vector<std::uint32_t>{0, 0});
  CHECK(words(xr::key(1701)) == std::vector<std::uint32_t>{0, 1701});
  // 64-bit seeds split into their high and low words (jax.random.PRNGKey with 64-bit integers).
  CHECK(words(xr::key((std::int64_t{1} << 32) + 5)) == std::vector<std::uint32_t>{1, 5});
  CHECK(words(xr::key(-1)) == std::vector<std::uint32_t>{0xffffffffu, 0xffffffffu});
  CHECK(same(xr::key(xj::array(std::int64_t{-1})), xr::key(-1)));
  CHECK(same(xr::key(xj::array(std::int64_t{1701})), xr::key(1701)));
  CHECK(words(xr::key(xj::array(-1))) == std::vector<std::uint32_t>{0, 0xffffffffu});  // int32: no high word
  CHECK(xr::key(0).dtype() == xj::uint32);
}

TEST_CASE("random: split, fold_in and bits match values printed by JAX >= 0.5 (partitionable threefry)") {
  // JAX tests/random_test.py, testPRNGValues: fold_in(PRNGKey(0), 4) == [2285895361, 433833334]
  // (fold_in's algorithm is the same in both layouts). jax-ml/jax#13341 makes split(key, n)[i]
  // equal fold_in(key, i) under partitionable threefry, so split(PRNGKey(0), 5)[4] is that too.
  CHECK(words(xr::fold_in(xr::key(0), 4)) == std::vector<std::uint32_t>{2285895361u, 433833334u});
  CHECK(words(xr::split(xr::key(0), 5)[4]) == std::vector<std::uint32_t>{2285895361u, 433833334u});
  // ekzhang/jax-js test/random.test.ts ("random split is consistent with jax"): values printed by
  // jax.random.split(jax.random.key(0), 3) and jax.random.bits(key(0)), bits(key(10), (4,)).
  Array s3 = xr::split(xr::key(0), 3);
  CHECK(s3.shape() == xj::Shape{3, 2});
  CHECK(words(s3) ==
        std::vector<std::uint32_t>{1797259609u, 2579123966u, 928981903u, 3453687069u, 4146024105u, 2718843009u});
  CHECK(words(xr::bits(xr::key(0))) == std::vector<std::uint32_t>{4070199207u});
  CHECK(words(xr::bits(xr::key(10), {4})) == std::vector<std::uint32_t>{169096361u, 1572511259u, 2689743692u, 2228103506u});
  // NVIDIA/TensorRT-Incubator mlir-tensorrt/integrations/PJRT/test/JAX/test_random.py: split(PRNGKey(s))
  // for s = 0, 1, 2 as JAX computes it.
  CHECK(words(xr::split(xr::key(1))) == std::vector<std::uint32_t>{507451445u, 1853169794u, 1948878966u, 4237131848u});
  CHECK(words(xr::split(xr::key(2))) == std::vector<std::uint32_t>{1821159224u, 3364244817u, 637334850u, 3278974502u});
  // split(k, n)[i] == fold_in(k, i) for every i (jax-ml/jax#13341).
  Array k = xr::key(123456789);
  Array many = xr::split(k, 6);
  for (int i = 0; i < 6; ++i) CHECK(same(many[i], xr::fold_in(k, i)));
  // bits of a shape are the bits of the flattened shape (the counter is the row-major position).
  CHECK(same(xr::bits(k, {2, 3}), xj::reshape(xr::bits(k, {6}), {2, 3})));
}

TEST_CASE("random: uniform and normal match values printed by JAX >= 0.5") {
  // uniform(key(0)) from the published bits 4070199207 (above): (bits >> 9) / 2^23.
  CHECK(xr::uniform(xr::key(0)).item<float>() == 7949607.0f / 8388608.0f);
  // NVIDIA/TensorRT-Incubator mlir-tensorrt/integrations/PJRT/test/JAX/test_random.py: with
  // key1, key2 = split(PRNGKey(0)), normal(key1, (4, 4)) and uniform(key2, (4, 4)) as JAX printed them.
  Array ks = xr::split(xr::key(0));
  const std::vector<double> normal_expected = {1.0040143,  -0.9063372, -0.7481722, -1.1713669, -0.8712328, 0.58883816,
                                               0.72392994, -1.0255982, 1.661628,   -1.8910251, -1.2889339, 0.13360691,
                                               -1.1530392, 0.23929629, 1.7448071,  0.5050189};
  const std::vector<double> uniform_expected = {0.00729382, 0.02089119, 0.5814265, 0.36183798, 0.22303772, 0.11928833,
                                                0.12543893, 0.61683,    0.0950073, 0.9834225,  0.4248221,  0.8324801,
                                                0.0966121,  0.22702086, 0.3545748, 0.67104137};
  std::vector<double> n = vals(xr::normal(ks[0], {4, 4})), u = vals(xr::uniform(ks[1], {4, 4}));
  for (std::size_t i = 0; i < 16; ++i) {
    CAPTURE(i);
    // numpy prints the shortest decimal that reads back as the same float32, cut at 8 decimals:
    // each printed value must read back as our float32, or (when the cut removed digits of a
    // small value) agree to those 8 decimals.
    CHECK((static_cast<float>(u[i]) == static_cast<float>(uniform_expected[i]) ||
           std::abs(u[i] - uniform_expected[i]) <= 5.0001e-9));
    CHECK(static_cast<float>(n[i]) == static_cast<float>(normal_expected[i]));
  }
}

TEST_CASE("random: randint matches JAX") {
  // jax-ml/jax#21061: under partitionable threefry, randint(key(72), (), 0, 10) printed 7 (1 + 7 = 8).
  CHECK(xr::randint(xr::key(72), {}, 0, 10).item<int>() == 7);
  // The full uint32 range: the span wraps to 0 and JAX's remainders return the low draw itself.
  Array k = xr::key(5);
  Array full = xr::randint(k, {64}, 0, std::int64_t{1} << 32, xj::uint32);
  CHECK(same(full, xr::bits(xr::split(k)[1], {64})));
  // maxval <= minval gives minval.
  CHECK(xj::all(xr::randint(k, {10}, 4, 4) == 4).item<bool>());
  CHECK(xj::all(xr::randint(k, {10}, 9, 2) == 9).item<bool>());
}

TEST_CASE("random: uniform statistics, range, bounds and float64") {
  const std::int64_t n = 200000;
  for (xj::DType d : {xj::float32, xj::float64}) {
    CAPTURE(d);
    Array x = xr::uniform(xr::key(11), {n}, d);
    CHECK(x.dtype() == d);
    std::vector<double> v = vals(x);
    CHECK(*std::min_element(v.begin(), v.end()) >= 0.0);
    CHECK(*std::max_element(v.begin(), v.end()) < 1.0);
    double se = std::sqrt(1.0 / 12 / n);
    CHECK(std::abs(mean_of(v) - 0.5) < 5 * se);
    CHECK(std::abs(var_of(v) - 1.0 / 12) < 0.002);
    std::vector<double> w = vals(xr::uniform(xr::key(11), {n}, d, -3.0, 5.0));
    CHECK(*std::min_element(w.begin(), w.end()) >= -3.0);
    CHECK(*std::max_element(w.begin(), w.end()) < 5.0);
    CHECK(std::abs(mean_of(w) - 1.0) < 8 * 5 * se);
  }
  // float64 uses all 52 mantissa bits: values are not all float32-representable.
  std::vector<double> v64 = vals(xr::uniform(xr::key(2), {1000}, xj::float64));
  CHECK(std::any_of(v64.begin(), v64.end(), [](double x) { return static_cast<double>(static_cast<float>(x)) != x; }));
  // Per-element bounds broadcast against the shape.
  Array lo = xj::array({0.0f, 10.0f, 100.0f});
  Array b = xr::uniform(xr::key(1), {4, 3}, xj::float32, lo, lo + 1.0f);
  CHECK(xj::all(b >= lo).item<bool>());
  CHECK(xj::all(b < lo + 1.0f).item<bool>());
  CHECK(xr::uniform(xr::key(1), {0, 3}).shape() == xj::Shape{0, 3});
}

TEST_CASE("random: normal and truncated_normal statistics") {
  const std::int64_t n = 200000;
  for (xj::DType d : {xj::float32, xj::float64}) {
    CAPTURE(d);
    std::vector<double> v = vals(xr::normal(xr::key(3), {n}, d));
    CHECK(std::abs(mean_of(v)) < 5 / std::sqrt(double(n)));
    CHECK(std::abs(var_of(v) - 1) < 0.02);
    CHECK(std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); }));
    Array t = xr::truncated_normal(xr::key(4), -0.3, 0.3, xj::Shape{n}, d);
    CHECK(t.dtype() == d);
    std::vector<double> tv = vals(t);
    CHECK(*std::min_element(tv.begin(), tv.end()) > -0.3);
    CHECK(*std::max_element(tv.begin(), tv.end()) < 0.3);
    CHECK(std::abs(mean_of(tv)) < 0.01);
    // Variance of N(0, 1) truncated to (-a, a): 1 - 2a phi(a) / erf(a / sqrt 2) = 0.029641 for a = 0.3.
    CHECK(std::abs(var_of(tv) - 0.029641) < 0.0005);
  }
  // One-sided: on (1, inf) the mean is phi(1) / (1 - Phi(1)) = 1.5251.
  std::vector<double> tail = vals(xr::truncated_normal(xr::key(5), 1.0, INFINITY, xj::Shape{n}));
  CHECK(*std::min_element(tail.begin(), tail.end()) > 1.0);
  CHECK(std::abs(mean_of(tail) - 1.5251) < 0.01);
  // The shape defaults to the bounds' broadcast.
  CHECK(xr::truncated_normal(xr::key(5), xj::array({-1.0f, 0.0f}), 2.0f).shape() == xj::Shape{2});
}

TEST_CASE("random: bernoulli, categorical and randint frequencies") {
  const std::int64_t n = 100000;
  for (double p : {0.1, 0.5, 0.9}) {
    Array b = xr::bernoulli(xr::key(6), p, xj::Shape{n});
    CHECK(b.dtype() == xj::bool_);
    double freq = mean_of(vals(b));
    CHECK(std::abs(freq - p) < 5 * std::sqrt(p * (1 - p) / n));
  }
  CHECK(xr::bernoulli(xr::key(6), xj::array({0.2, 0.3})).shape() == xj::Shape{2});
  CHECK(xr::bernoulli(xr::key(6), xj::array({0.2, 0.3}), xj::Shape{3, 2}).shape() == xj::Shape{3, 2});

  const std::vector<double> probs = {0.1, 0.2, 0.3, 0.4};
  Array logits = xj::log(xj::array(probs)) - 42.0;  // unnormalised, as in JAX's test
  Array c = xr::categorical(xr::key(7), logits, -1, xj::Shape{n});
  CHECK(c.dtype() == xj::int32);
  std::vector<double> cv = vals(c);
  for (int k = 0; k < 4; ++k) {
    double freq = static_cast<double>(std::count(cv.begin(), cv.end(), double(k))) / n;
    CHECK(std::abs(freq - probs[static_cast<std::size_t>(k)]) < 0.01);
  }
  // Axis 0 of a (2, 3) matrix: categories along rows, one draw per column, with a sample prefix.
  Array m = xj::log(xj::array({{0.999, 0.001, 0.5}, {0.001, 0.999, 0.5}}));
  Array c2 = xr::categorical(xr::key(8), m, 0, xj::Shape{1000, 3});
  CHECK(c2.shape() == xj::Shape{1000, 3});
  std::vector<double> col = vals(xj::mean(c2.astype(xj::float64), 0));
  CHECK(col[0] < 0.02);
  CHECK(col[1] > 0.98);
  CHECK(std::abs(col[2] - 0.5) < 0.08);
  CHECK(xr::categorical(xr::key(8), m, 0).shape() == xj::Shape{3});

  Array r = xr::randint(xr::key(9), {n}, 5, 12);
  CHECK(r.dtype() == xj::int32);
  std::vector<double> rv = vals(r);
  CHECK(*std::min_element(rv.begin(), rv.end()) == 5);
  CHECK(*std::max_element(rv.begin(), rv.end()) == 11);
  for (int k = 5; k < 12; ++k)
    CHECK(std::abs(static_cast<double>(std::count(rv.begin(), rv.end(), double(k))) / n - 1.0 / 7) < 0.01);
  // Negative and per-element bounds, uint32.
  Array neg = xr::randint(xr::key(9), {1000}, -20, -10);
  CHECK(xj::all(neg >= -20).item<bool>());
  CHECK(xj::all(neg < -10).item<bool>());
  Array per = xr::randint(xr::key(9), {100, 2}, xj::array({0, 100}), xj::array({10, 1000}), xj::uint32);
  CHECK(per.dtype() == xj::uint32);
  CHECK(xj::all(per < xj::array({10u, 1000u})).item<bool>());
  CHECK(xj::all(per >= xj::array({0u, 100u})).item<bool>());
}

TEST_CASE("random: permutation") {
  Array p = xr::permutation(xr::key(0), 100);
  CHECK(p.dtype() == xj::int32);
  CHECK(same(xj::sort(p), xj::arange(100)));
  CHECK(!same(p, xj::arange(100)));
  CHECK(same(p, xr::permutation(xr::key(0), xj::array(100))));  // a 0-d integer is a count, as in JAX
  CHECK(!same(p, xr::permutation(xr::key(1), 100)));
  CHECK(xr::permutation(xr::key(0), 0).shape() == xj::Shape{0});
  CHECK(same(xr::permutation(xr::key(0), 1), xj::arange(1)));
  // Arrays: rows of a matrix move together; `independent` shuffles each column on its own.
  Array x = xj::reshape(xj::arange(20.0, xj::float32), {10, 2});
  Array rows = xr::permutation(xr::key(2), x);
  CHECK(same(xj::sort(rows, 0), x));
  CHECK(same(rows.astype(xj::int32) % 2, xj::reshape(xj::array({0, 1}), {1, 2}) * xj::ones({10, 1}, xj::int32)));
  Array cols = xr::permutation(xr::key(2), x, 1);
  CHECK(same(xj::sort(cols, 1), x));
  Array indep = xr::permutation(xr::key(2), x, 0, true);
  CHECK(same(xj::sort(indep, 0), x));
  Array by_column = xj::transpose(indep);  // columns moved apart: pairs (2i, 2i + 1) no longer share rows
  CHECK(!xj::all(by_column[1] - by_column[0] == 1.0f).item<bool>());
  // A 1-d array is shuffled with the same order as its range.
  CHECK(same(xr::permutation(xr::key(4), xj::arange(50) * 3), xr::permutation(xr::key(4), 50) * 3));
}

TEST_CASE("random: split streams are independent and draws are deterministic") {
  Array ks = xr::split(xr::key(42), 2);
  std::vector<double> a = vals(xr::normal(ks[0], {50000})), b = vals(xr::normal(ks[1], {50000}));
  double cov = 0;
  for (std::size_t i = 0; i < a.size(); ++i) cov += a[i] * b[i];
  CHECK(std::abs(cov / a.size()) < 5 / std::sqrt(50000.0));
  CHECK(same(xr::normal(ks[0], {10}), xr::normal(ks[0], {10})));
  CHECK(!same(xr::split(ks[0])[0], xr::split(ks[1])[0]));
}

TEST_CASE("random: jit gives the eager values") {
  Array k = xr::key(17);
  auto draws = [](const Array& key) {
    Array ks = xr::split(key, 3);
    return std::tuple{xr::uniform(ks[0], {5}), xr::normal(ks[1], {2, 3}, xj::float64),
                      xr::randint(ks[2], {4}, 0, 100), xr::permutation(key, 8),
                      xr::categorical(key, xj::array({0.1f, 0.5f, 2.0f}), -1, xj::Shape{6}),
                      xr::truncated_normal(key, -1.0f, 1.0f, xj::Shape{3}), xr::bernoulli(key, 0.3, xj::Shape{4}),
                      xr::fold_in(key, 99)};
  };
  auto eager = draws(k);
  auto jitted = xj::jit(draws)(k);
  CHECK(same(std::get<0>(jitted), std::get<0>(eager)));
  CHECK(same(std::get<1>(jitted), std::get<1>(eager)));
  CHECK(same(std::get<2>(jitted), std::get<2>(eager)));
  CHECK(same(std::get<3>(jitted), std::get<3>(eager)));
  CHECK(same(std::get<4>(jitted), std::get<4>(eager)));
  CHECK(same(std::get<5>(jitted), std::get<5>(eager)));
  CHECK(same(std::get<6>(jitted), std::get<6>(eager)));
  CHECK(same(std::get<7>(jitted), std::get<7>(eager)));
  // A traced count cannot size a permutation (JAX raises a concretization error too).
  CHECK_THROWS_AS(xj::jit([](const Array& key, const Array& n) { return xr::permutation(key, n); })(k, xj::array(5)),
                  xj::ConcretizationError);
}

TEST_CASE("random: vmap over keys gives independent streams equal to a loop") {
  Array keys = xr::split(xr::key(0), 4);
  Array batched = xj::vmap([](const Array& k) { return xr::uniform(k, {3}); })(keys);
  Arrays rows;
  for (int i = 0; i < 4; ++i) rows.push_back(xr::uniform(keys[i], {3}));
  CHECK(same(batched, xj::stack(rows)));
  CHECK(!same(batched[0], batched[1]));
  Array split_batched = xj::vmap([](const Array& k) { return xr::split(k, 3); })(keys);
  for (int i = 0; i < 4; ++i) CHECK(same(split_batched[i], xr::split(keys[i], 3)));
  Array n_batched = xj::vmap([](const Array& k) { return xr::normal(k, {2}); })(keys);
  for (int i = 0; i < 4; ++i) CHECK(same(n_batched[i], xr::normal(keys[i], {2})));
  // fold_in mapped over its data, and seeds mapped into keys.
  Array folded = xj::vmap([](const Array& d) { return xr::fold_in(xr::key(3), d); })(xj::arange(4));
  CHECK(same(folded, xr::split(xr::key(3), 4)));
  Array seeded = xj::vmap([](const Array& s) { return xr::key(s); })(xj::array({std::int64_t{1}, std::int64_t{-1}}));
  CHECK(same(seeded[1], xr::key(-1)));
  // jit of vmap.
  auto f = xj::jit(xj::vmap([](const Array& k) { return xr::randint(k, {5}, 0, 1000); }));
  Array r = f(keys);
  for (int i = 0; i < 4; ++i) CHECK(same(r[i], xr::randint(keys[i], {5}, 0, 1000)));
}

TEST_CASE("random: bad input throws typed errors") {
  Array k = xr::key(0);
  CHECK_THROWS_AS(xr::uniform(u32s({1, 2, 3})), xj::ShapeError);
  CHECK_THROWS_AS(xr::uniform(xj::array({0, 0})), xj::DTypeError);
  CHECK_THROWS_AS(xr::split(xj::zeros({2, 2}, xj::uint32)), xj::ShapeError);
  CHECK_THROWS_AS(xr::split(k, -1), xj::ValueError);
  CHECK_THROWS_AS(xr::fold_in(k, xj::array({1, 2})), xj::ShapeError);
  CHECK_THROWS_AS(xr::fold_in(k, 1.5), xj::DTypeError);
  CHECK_THROWS_AS(xr::bits(k, {3}, xj::float32), xj::DTypeError);
  CHECK_THROWS_AS(xr::bits(k, {-3}), xj::ValueError);
  CHECK_THROWS_AS(xr::uniform(k, {3}, xj::int32), xj::DTypeError);
  CHECK_THROWS_AS(xr::uniform(k, {3}, xj::float32, xj::zeros({4})), xj::ShapeError);
  CHECK_THROWS_AS(xr::normal(k, {3}, xj::uint32), xj::DTypeError);
  CHECK_THROWS_AS(xr::truncated_normal(k, xj::zeros({2}), xj::ones({3})), xj::ShapeError);
  CHECK_THROWS_AS(xr::bernoulli(k, xj::array({1, 0})), xj::DTypeError);
  CHECK_THROWS_AS(xr::bernoulli(k, xj::array({0.5, 0.5}), xj::Shape{3}), xj::ShapeError);
  CHECK_THROWS_AS(xr::categorical(k, xj::array(1.0f)), xj::ShapeError);
  CHECK_THROWS_AS(xr::categorical(k, xj::zeros({2, 3}), 2), xj::IndexError);
  CHECK_THROWS_AS(xr::categorical(k, xj::zeros({2, 3}), -1, xj::Shape{3}), xj::ShapeError);
  CHECK_THROWS_AS(xr::randint(k, {3}, 0, 10, xj::int64), xj::DTypeError);
  CHECK_THROWS_AS(xr::randint(k, {3}, xj::zeros({4}, xj::int32), 10), xj::ShapeError);
  CHECK_THROWS_AS(xr::permutation(k, -2), xj::ValueError);
  CHECK_THROWS_AS(xr::permutation(k, xj::array(2.5)), xj::DTypeError);
  CHECK_THROWS_AS(xr::permutation(k, xj::zeros({3}), 1), xj::IndexError);
  CHECK_THROWS_AS(xr::threefry2x32(k, xj::array({1, 2})), xj::DTypeError);
  CHECK_THROWS_AS(xr::key(xj::array(1.5)), xj::DTypeError);
  CHECK_THROWS_AS(xr::key(xj::array({1, 2})), xj::ShapeError);
  CHECK_THROWS_AS(xr::uniform(Array()), xj::Error);
}

TEST_CASE("random: an element's value does not depend on where it sits (vmap over many keys equals each key alone)") {
  // Enough keys and values that batched kernels run full vectors and a partial last one, for
  // every sampler whose float arithmetic goes through exp, log, log1p, sin, tanh or erf_inv.
  Array keys = xr::split(xr::key(11), 37);
  for (xj::DType d : {xj::float32, xj::float64}) {
    auto draw = [d](const Array& k) {
      return std::vector<Array>{xr::normal(k, {5}, d), xr::truncated_normal(k, -1.5, 2.0, xj::Shape{5}, d),
                                xr::uniform(k, {5}, d) * 3.0 - 1.0};
    };
    auto batched = xj::vmap([&](const Array& k) { return draw(k); })(keys);
    for (int i = 0; i < 37; ++i) {
      std::vector<Array> one = draw(keys[i]);
      for (std::size_t s = 0; s < one.size(); ++s) {
        CAPTURE(i);
        CAPTURE(s);
        CHECK(same(batched[s][i], one[s]));
      }
    }
    Array x = xr::normal(keys[0], {37, 5}, d);
    for (auto f : {+[](const Array& v) { return xj::exp(v); }, +[](const Array& v) { return xj::log1p(xj::abs(v)); },
                   +[](const Array& v) { return xj::sin(v); }, +[](const Array& v) { return xj::tanh(v); }})
      for (int i = 0; i < 37; ++i) CHECK(same(f(x)[i], f(x[i])));
  }
}
