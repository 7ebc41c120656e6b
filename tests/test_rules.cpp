// The per-primitive rule table test: every registered primitive, through every interpreter.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "table.hpp"
#include "testing.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Arrays;

namespace {

// Deterministic values in [-1, 1] so failures reproduce.
struct Lcg {
  std::uint64_t s = 0x9e3779b97f4a7c15ULL;
  double next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) / static_cast<double>(1ULL << 53) * 2 - 1;
  }
  Array like(const Array& x) {
    std::vector<double> v(static_cast<std::size_t>(x.size()));
    for (double& e : v) e = next();
    return xj::array(v, x.shape()).astype(x.dtype());
  }
};

using xj::test::values;

// |a - b| <= atol + rtol |b| elementwise, same shape and dtype; NaNs must match.
bool allclose(const Array& a, const Array& b, double rtol, double atol, std::string& why) {
  std::ostringstream s;
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) {
    s << "type " << a.aval() << " vs " << b.aval();
    why = s.str();
    return false;
  }
  std::vector<double> x = values(a), y = values(b);
  for (std::size_t i = 0; i < x.size(); ++i) {
    bool nan_x = std::isnan(x[i]), nan_y = std::isnan(y[i]);
    if (nan_x || nan_y) {
      if (nan_x != nan_y) {
        s << "element " << i << ": " << x[i] << " vs " << y[i];
        why = s.str();
        return false;
      }
      continue;
    }
    if (x[i] == y[i]) continue;
    if (!(std::abs(x[i] - y[i]) <= atol + rtol * std::abs(y[i]))) {
      s << "element " << i << ": " << x[i] << " vs " << y[i];
      why = s.str();
      return false;
    }
  }
  return true;
}

#define CHECK_CLOSE(a, b, rtol, atol)                \
  do {                                               \
    std::string why_;                                \
    bool ok_ = allclose((a), (b), (rtol), (atol), why_); \
    INFO(why_);                                      \
    CHECK(ok_);                                      \
  } while (0)

xj::FlatFn flat(const xj::test::PrimCase& c) {
  return [&c](const Arrays& a) -> Arrays { return {c.fn(a)}; };
}

Arrays scaled_batch(const Array& x, int b, Lcg& rng) {
  Arrays items;
  for (int i = 0; i < b; ++i)
    items.push_back(xj::is_floating(x.dtype()) && i > 0 ? x + rng.like(x) * 0.01 : x);
  return items;
}

// vmap(f) over `b` examples with argument k mapped at axis in_axes[k], against a loop.
void check_vmap(const xj::test::PrimCase& c, const std::vector<xj::BatchDim>& in_axes, int out_axis, Lcg& rng) {
  const int b = 3;
  std::vector<Arrays> examples(b, Arrays(c.args.size()));
  Arrays batched;
  for (std::size_t k = 0; k < c.args.size(); ++k) {
    if (!in_axes[k]) {
      for (int i = 0; i < b; ++i) examples[static_cast<std::size_t>(i)][k] = c.args[k];
      batched.push_back(c.args[k]);
      continue;
    }
    Arrays items = scaled_batch(c.args[k], b, rng);
    for (int i = 0; i < b; ++i) examples[static_cast<std::size_t>(i)][k] = items[static_cast<std::size_t>(i)];
    batched.push_back(xj::stack(items, *in_axes[k]));
  }
  Arrays expected_items;
  for (const Arrays& e : examples) expected_items.push_back(c.fn(e));
  Array expected = xj::stack(expected_items, out_axis);
  Array got = xj::vmap_flat(flat(c), batched, in_axes, {out_axis})[0];
  CHECK_CLOSE(got, expected, 1e-6, 1e-6);
}

int axis_for(const Array& x, int wanted) { return x.ndim() + 1 > std::abs(wanted) ? wanted : 0; }

}  // namespace

TEST_CASE("rules: every registered primitive has a case in the table") {
  std::set<std::string> covered;
  for (const auto& c : xj::test::prim_cases()) covered.insert(c.prim);
  for (const xj::Primitive* p : xj::all_primitives()) {
    CAPTURE(p->name);
    CHECK(covered.count(p->name) == 1);
    CHECK(p->shape);
    CHECK(p->eval);
    CHECK(p->jvp);
    CHECK(p->batch);
  }
}

TEST_CASE("rules: eval_jaxpr(make_jaxpr(f)) and jit(f) on both tiers equal eager f, bit for bit") {
  for (const auto& c : xj::test::prim_cases()) {
    CAPTURE(c.prim);
    CAPTURE(c.label);
    Array eager = c.fn(c.args);
    xj::Avals avals;
    for (const Array& a : c.args) avals.push_back(a.aval());
    xj::ClosedJaxpr j = xj::trace_to_jaxpr(flat(c), avals);
    CHECK_CLOSE(xj::eval_jaxpr(j, c.args)[0], eager, 0, 0);
    auto jitted = xj::jit([&c](const Arrays& a) { return c.fn(a); });
    CHECK_CLOSE(jitted(c.args), eager, 0, 0);
    CHECK_CLOSE(jitted(c.args), eager, 0, 0);  // the cached program
    Array native;
    {
      xj::test::TierScope tier;
      native = xj::jit([&c](const Arrays& a) { return c.fn(a); })(c.args);
    }
    CHECK_CLOSE(native, eager, 0, 0);
  }
}

TEST_CASE("rules: JVP and VJP match finite differences to second order") {
  Lcg rng;
  for (const auto& c : xj::test::prim_cases()) {
    CAPTURE(c.prim);
    CAPTURE(c.label);
    if (!c.grad) {  // integer-valued or piecewise constant: tangents must be zero
      xj::Tangents v;
      for (const Array& a : c.args) v.push_back(xj::is_floating(a.dtype()) ? xj::Tangent(rng.like(a)) : std::nullopt);
      auto [ys, ts] = xj::jvp_flat(flat(c), c.args, v);
      if (ts[0]) CHECK(xj::all(*ts[0] == 0).item<bool>());
      continue;
    }
    CHECK_NOTHROW(xj::check_grads_flat(flat(c), c.args, 2, c.modes, c.eps, c.rtol, c.rtol / 10));
  }
}

TEST_CASE("rules: vmap equals a loop (mapped/unmapped, in_axes 0, 1, -1, out_axes 0 and 1, nested)") {
  Lcg rng;
  for (const auto& c : xj::test::prim_cases()) {
    CAPTURE(c.prim);
    CAPTURE(c.label);
    std::size_t n = c.args.size();
    int out_rank = c.fn(c.args).ndim();
    check_vmap(c, std::vector<xj::BatchDim>(n, 0), 0, rng);
    if (out_rank >= 1) check_vmap(c, std::vector<xj::BatchDim>(n, 0), 1, rng);
    for (std::size_t k = 0; k < n && n > 1; ++k) {  // only argument k mapped
      std::vector<xj::BatchDim> axes(n, std::nullopt);
      axes[k] = 0;
      check_vmap(c, axes, 0, rng);
    }
    std::vector<xj::BatchDim> ones, lasts;
    for (const Array& a : c.args) {
      ones.push_back(axis_for(a, 1));
      lasts.push_back(-1);
    }
    check_vmap(c, ones, 0, rng);
    check_vmap(c, lasts, 0, rng);
    // nested: vmap(vmap(f)) over a 2 x 3 batch of every argument
    Arrays outer;
    for (std::size_t k = 0; k < n; ++k) {
      Arrays items;
      for (int i = 0; i < 2; ++i) {
        Arrays inner = scaled_batch(c.args[k], 3, rng);
        items.push_back(xj::stack(inner));
      }
      outer.push_back(xj::stack(items));
    }
    xj::FlatFn inner = [&c](const Arrays& a) -> Arrays {
      return xj::vmap_flat([&c](const Arrays& x) -> Arrays { return {c.fn(x)}; }, a,
                           std::vector<xj::BatchDim>(a.size(), 0), {0});
    };
    Array got = xj::vmap_flat(inner, outer, std::vector<xj::BatchDim>(n, 0), {0})[0];
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) {
        Arrays ex;
        for (std::size_t k = 0; k < n; ++k) ex.push_back(outer[k][i][j]);
        CHECK_CLOSE(got[i][j], c.fn(ex), 1e-6, 1e-6);
      }
  }
}

TEST_CASE("rules: float16 and bfloat16 - jit (both tiers) and vmap equal eager; eager is float32 rounded") {
  int checked = 0;
  for (const auto& c : xj::test::prim_cases()) {
    if (std::none_of(c.args.begin(), c.args.end(), [](const Array& a) { return xj::is_floating(a.dtype()); })) continue;
    CAPTURE(c.prim);
    CAPTURE(c.label);
    auto cast = [&](xj::DType d) {
      Arrays r;
      for (const Array& a : c.args) r.push_back(xj::is_floating(a.dtype()) ? a.astype(d) : a);
      return r;
    };
    Array reference;
    try {
      reference = c.fn(cast(xj::float32));
    } catch (const xj::Error&) {  // the case mixes in float64 values of its own (a loop's carry)
      for (xj::DType d : {xj::float16, xj::bfloat16}) CHECK_THROWS_AS(c.fn(cast(d)), xj::Error);
      continue;
    }
    for (xj::DType d : {xj::float16, xj::bfloat16}) {
      CAPTURE(d);
      const Arrays args = cast(d);
      const Array eager = c.fn(args);
      CHECK(eager.shape() == reference.shape());
      // Each primitive rounds its float32 result once; composites round between their primitives.
      const double tol = d == xj::float16 ? 0.02 : 0.12;
      double scale = 0;
      for (double v : values(reference)) scale = std::isfinite(v) ? std::max(scale, std::abs(v)) : scale;
      CHECK_CLOSE(eager.astype(xj::float64), reference.astype(xj::float64), tol, tol * (1 + scale));
      auto jitted = xj::jit([&c](const Arrays& a) { return c.fn(a); });
      CHECK_CLOSE(jitted(args), eager, 0, 0);
      {
        xj::test::TierScope tier;
        CHECK_CLOSE(xj::jit([&c](const Arrays& a) { return c.fn(a); })(args), eager, 0, 0);
      }
      Arrays items(3), batched;
      std::vector<xj::BatchDim> axes;
      for (const Array& a : args) {
        batched.push_back(xj::stack({a, a, a}));
        axes.push_back(0);
      }
      Array got = xj::vmap_flat(flat(c), batched, axes, {0})[0];
      for (int i = 0; i < 3; ++i) CHECK_CLOSE(got[i], eager, 4 * xj::finfo(d).eps, 0);
      ++checked;
    }
  }
  CHECK(checked > 100);
}
