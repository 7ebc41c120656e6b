// jit's row kernels: regions joined by reductions over trailing axes (softmax, layer norm) run row by
// row and give the eager bits, whatever values leave the kernel and whatever the tier.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "testing.hpp"
#include "xjax/config.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;
using xj::test::identical;
using xj::test::TierScope;

namespace {

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

Array layer_norm(const Array& x, const Array& gamma, const Array& beta) {
  Array m = xj::mean(x, -1, true);
  Array d = x - m;
  Array v = xj::mean(d * d, -1, true);
  return d * xj::rsqrt(v + 1e-5) * gamma + beta;
}

// jit(f) on every tier gives eager's bits, and its plan has a row kernel (or not, `rows` false).
template <class F, class... Args>
void check_rows(const F& f, bool rows, const Args&... args) {
  auto want = f(args...);
  for (xj::JitTier t : {xj::JitTier::interpreter, xj::JitTier::native}) {
    if (t == xj::JitTier::native && !xj::has_native_jit()) continue;
    TierScope tier(t);
    auto jf = xj::jit(f);
    auto got = jf(args...);
    std::string text = jf.lower(args...).as_text();
    INFO(text);
    CHECK(contains(text, "row by row") == rows);
    if constexpr (std::is_same_v<decltype(want), Array>) {
      CHECK(identical(got, want));
    } else {
      CHECK(identical(std::get<0>(got), std::get<0>(want)));
      CHECK(identical(std::get<1>(got), std::get<1>(want)));
    }
  }
}

Array normal(std::uint32_t seed, const xj::Shape& shape, xj::DType d = xj::float32) {
  return xj::random::normal(xj::random::key(seed), shape, d);
}

}  // namespace

TEST_CASE("jit rows: softmax, log_softmax and logsumexp over the last axis, float32 and float64") {
  for (xj::DType d : {xj::float32, xj::float64}) {
    Array x = normal(1, {16, 300}, d) * 4.0;
    check_rows([](const Array& v) { return xj::nn::softmax(v, -1); }, true, x);
    check_rows([](const Array& v) { return xj::nn::log_softmax(v, -1); }, true, x);
    check_rows([](const Array& v) { return xj::logsumexp(v, -1); }, true, x);
  }
}

TEST_CASE("jit rows: layer norm with a scale and shift broadcast over the rows") {
  Array x = normal(2, {32, 512}) * 3.0 + 1.0;
  Array gamma = normal(3, {512}), beta = normal(4, {512});
  check_rows(layer_norm, true, x, gamma, beta);
}

TEST_CASE("jit rows: rows longer than a tile, of odd lengths, one row, several trailing axes") {
  check_rows([](const Array& v) { return xj::nn::softmax(v, -1); }, true, normal(5, {3, 3001}));
  check_rows([](const Array& v) { return xj::nn::softmax(v, -1); }, true, normal(6, {1, 2048}));
  check_rows([](const Array& v) { return v / xj::sum(v * v, {1, 2}, true); }, true, normal(7, {4, 8, 33}));
  check_rows([](const Array& v) { return v - xj::max(v, {}, true); }, true, normal(8, {700}));
  // 3-d, reduced over the last axis only: rows are the first two axes.
  check_rows([](const Array& v) { return xj::nn::softmax(v, -1); }, true, normal(9, {2, 5, 200}));
}

TEST_CASE("jit rows: values leaving the kernel, per row and whole, and broadcasts read outside") {
  Array x = normal(10, {8, 256});
  auto two = [](const Array& v) {
    Array m = xj::max(v, -1, true);
    Array e = xj::exp(v - m);
    return std::make_tuple(e / xj::sum(e, -1, true), m);
  };
  check_rows(two, true, x);
  auto broadcast_out = [](const Array& v) {
    Array b = xj::broadcast_to(xj::sum(v, -1, true), v.shape());
    return std::make_tuple(v * b, b);
  };
  check_rows(broadcast_out, false, x);  // a broadcast read outside is materialised: no kernel is left
  auto exp_out = [](const Array& v) {
    Array e = xj::exp(v);
    return std::make_tuple(e / xj::sum(e, -1, true), e);
  };
  check_rows(exp_out, true, x);
}

TEST_CASE("jit rows: NaN, infinities and signed zeros in reductions and per-row arithmetic") {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  Array x = normal(11, {4, 256});
  Array special = xj::array({nan, inf, -inf, -0.0}).astype(xj::float32);
  Array col = xj::broadcast_to(xj::reshape(special, {4, 1}), {4, 256});
  Array mixed = xj::where(xj::iota(xj::int32, {4, 256}, 1) == 100, col, x);
  check_rows([](const Array& v) { return v - xj::max(v, -1, true); }, true, mixed);
  check_rows([](const Array& v) { return v * xj::min(v, -1, true); }, true, mixed);
  check_rows([](const Array& v) { return v + xj::sum(v, -1, true) * -0.0; }, true, mixed);
}

TEST_CASE("jit rows: short rows, integer reductions and row kernels under grad and vmap") {
  check_rows([](const Array& v) { return xj::nn::softmax(v, -1); }, false, normal(12, {64, 8}));
  Array ints = xj::iota(xj::int32, {4, 200}, 1);
  check_rows([](const Array& v) { return v - xj::max(v, -1, true); }, false, ints);
  auto loss = [](const Array& w) { return xj::sum(xj::nn::log_softmax(w, -1) * w); };
  Array w = normal(13, {8, 256});
  auto g_eager = xj::grad(loss)(w);
  for (xj::JitTier t : {xj::JitTier::interpreter, xj::JitTier::native}) {
    if (t == xj::JitTier::native && !xj::has_native_jit()) continue;
    TierScope tier(t);
    CHECK(identical(xj::jit(xj::grad(loss))(w), g_eager));
    Array batch = normal(14, {3, 8, 256});
    auto per = xj::vmap([](const Array& v) { return xj::nn::softmax(v, -1); });
    CHECK(identical(xj::jit(per)(batch), per(batch)));
  }
}
