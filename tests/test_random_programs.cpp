// Random well-typed programs over the primitive set, evaluated eagerly, under jit, under vmap
// against a loop over examples, and differentiated against finite differences. A program is a
// seed: the ops it applies depend only on the seed and the shapes, so every interpreter sees the
// same program. XJAX_RANDOM_PROGRAMS=n runs n programs (default 2000).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Arrays;

namespace {

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return s >> 33;
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
};

struct Signature {
  xj::Shape shape;
  xj::DType dtype;
  int inputs;
};

Signature signature_of(std::uint64_t seed) {
  Rng r{seed * 7919 + 1};
  xj::Shape s;
  int rank = r.below(4);
  for (int i = 0; i < rank; ++i) s.push_back(r.below(4) + (r.below(8) == 0 ? 0 : 1));  // zero-size now and then
  const xj::DType dtypes[] = {xj::float32, xj::float64, xj::int32};
  return {s, dtypes[r.below(3)], 1 + r.below(3)};
}

Array input(const Signature& sig, int k, std::uint64_t seed) {
  std::int64_t n = xj::shape_size(sig.shape);
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    v[static_cast<std::size_t>(i)] = std::sin(1.3 * static_cast<double>(i) + 0.7 * k + 0.11 * static_cast<double>(seed)) * 2.0;
  Array x = xj::array(v, sig.shape);
  return sig.dtype == xj::int32 ? xj::round(x * 3.0).astype(xj::int32) : x.astype(sig.dtype);
}

// Bounded ops only, so float32 stays well inside its range and tolerances mean something.
Array unary(const Array& x, int op, bool smooth) {
  bool floating = xj::is_floating(x.dtype());
  if (!floating) {
    switch (op % 4) {
      case 0: return -x;
      case 1: return xj::abs(x);
      case 2: return xj::clip(x * x, -50, 50);
      default: return x.astype(xj::float32) * 0.5;
    }
  }
  switch (op % (smooth ? 7 : 10)) {
    case 0: return xj::sin(x);
    case 1: return xj::tanh(x) * 1.5;
    case 2: return xj::nn::sigmoid(x);
    case 3: return xj::exp(-x * x);
    case 4: return xj::log1p(x * x);
    case 5: return x * 0.75 + 0.25;
    case 6: return xj::cos(x) * x;
    case 7: return xj::abs(x);
    case 8: return xj::sqrt(xj::abs(x));
    default: return xj::floor(x);
  }
}

Array binary(const Array& a, const Array& b, int op, bool smooth) {
  switch (op % (smooth ? 3 : 6)) {
    case 0: return a + b;
    case 1: return a - b * 0.5;
    case 2: return xj::tanh(a * b);
    case 3: return xj::maximum(a, b);
    case 4: return xj::minimum(a, b);
    default: return xj::where(a > b, a, b * 0.5);
  }
}

Array reduce(const Array& x, int op, int axis) {
  if (x.ndim() == 0) return x;
  int ax = axis % x.ndim();
  switch (op % 3) {
    case 0: return xj::sum(x, {ax}, true) * 0.25;
    case 1: return xj::mean(x, {ax}, true);
    default: return x.size() == 0 ? xj::sum(x, {ax}, true) : xj::max(x, {ax}, true);
  }
}

// The program of `seed` over the given inputs (all of one signature, or its batch slices).
Array run_program(std::uint64_t seed, const Arrays& in, bool smooth) {
  Rng r{seed};
  Arrays pool = in;
  int steps = 3 + r.below(8);
  for (int s = 0; s < steps; ++s) {
    const Array& a = pool[static_cast<std::size_t>(r.below(static_cast<int>(pool.size())))];
    const Array& b = pool[static_cast<std::size_t>(r.below(static_cast<int>(pool.size())))];
    int kind = r.below(10), op = r.below(60), axis = r.below(3);
    if (kind < 4) pool.push_back(unary(a, op, smooth));
    else if (kind < 8) pool.push_back(binary(a, b, op, smooth));
    else if (kind < 9) pool.push_back(reduce(a, op, axis));
    else pool.push_back(a * 2.0 - 1.0);
  }
  Array out = pool.back();
  for (std::size_t i = in.size(); i + 1 < pool.size(); ++i)  // every value contributes
    if (r.below(2) == 0) out = out + xj::sum(pool[i]).astype(out.dtype()) * 0.01;
  return out;
}

// Float64 programs stay in float64; others may pass through float32 values (whose sums jit folds in
// double, eagerly in float) even when their result is float64.
bool close(const Array& got, const Array& want, const Signature& sig, std::string& why) {
  if (got.shape() != want.shape() || got.dtype() != want.dtype()) {
    why = "type mismatch";
    return false;
  }
  double rtol = !xj::is_floating(want.dtype()) ? 0 : sig.dtype == xj::float64 ? 1e-9 : 2e-4;
  std::vector<double> g = xj::test::values(got), w = xj::test::values(want);
  for (std::size_t i = 0; i < g.size(); ++i) {
    bool both_nan = std::isnan(g[i]) && std::isnan(w[i]);
    if (!both_nan && !(std::abs(g[i] - w[i]) <= rtol * (1 + std::abs(w[i])))) {
      why = "element " + std::to_string(i) + ": " + std::to_string(g[i]) + " vs " + std::to_string(w[i]);
      return false;
    }
  }
  return true;
}

int program_count() {
  const char* env = std::getenv("XJAX_RANDOM_PROGRAMS");
  return env ? std::max(1, std::atoi(env)) : 2000;
}

// XJAX_TEST_SHARD=k/n runs the k-th of n equal parts of the programs (CTest runs the parts side by side).
std::pair<int, int> program_range(int n) {
  int part = 1, parts = 1;
  if (const char* env = std::getenv("XJAX_TEST_SHARD")) std::sscanf(env, "%d/%d", &part, &parts);
  parts = std::max(1, parts);
  part = std::clamp(part, 1, parts);
  return {n * (part - 1) / parts, n * part / parts};
}

}  // namespace

TEST_CASE("random programs: eager, jit (both tiers) and eval_jaxpr agree") {
  auto [first, last] = program_range(program_count());
  for (int p = first; p < last; ++p) {
    auto seed = static_cast<std::uint64_t>(p);
    Signature sig = signature_of(seed);
    Arrays in;
    for (int k = 0; k < sig.inputs; ++k) in.push_back(input(sig, k, seed));
    auto prog = [seed](const Arrays& a) { return run_program(seed, a, false); };
    Array eager = prog(in);
    Array jitted = xj::jit(prog)(in);
    std::string why;
    CAPTURE(p);
    CAPTURE(why);
    CHECK(close(jitted, eager, sig, why));
    Array native;
    {
      xj::test::TierScope tier;
      native = xj::jit(prog)(in);
    }
    CHECK(close(native, eager, sig, why));
    xj::Avals avals;
    for (const Array& x : in) avals.push_back(x.aval());
    xj::ClosedJaxpr j = xj::trace_to_jaxpr([&](const Arrays& a) { return Arrays{prog(a)}; }, avals);
    CHECK(close(xj::eval_jaxpr(j, in)[0], eager, sig, why));
  }
}

TEST_CASE("random programs over long rows (jit's row kernels): eager and jit (both tiers) agree") {
  int n = program_count() / 20, with_rows = 0;
  for (int p = 0; p < n; ++p) {
    auto seed = static_cast<std::uint64_t>(200000 + p);
    Signature sig = signature_of(seed);
    Rng r{seed};
    sig.shape.resize(static_cast<std::size_t>(1 + r.below(3)));
    for (std::int64_t& d : sig.shape) d = 1 + r.below(4);
    sig.shape.back() = 128 + r.below(1400);
    Arrays in;
    for (int k = 0; k < sig.inputs; ++k) in.push_back(input(sig, k, seed));
    auto prog = [seed](const Arrays& a) { return run_program(seed, a, false); };
    Array eager = prog(in);
    std::string why;
    CAPTURE(p);
    CAPTURE(why);
    auto jitted = xj::jit(prog);
    CHECK(close(jitted(in), eager, sig, why));
    with_rows += jitted.lower(in).as_text().find("row by row") != std::string::npos;
    xj::test::TierScope tier;
    CHECK(close(xj::jit(prog)(in), eager, sig, why));
  }
  CHECK(with_rows >= n / 10);
}

TEST_CASE("random programs: vmap equals the loop over examples; grad matches finite differences") {
  int n = program_count() / 10;
  for (int p = 0; p < n; ++p) {
    auto seed = static_cast<std::uint64_t>(100000 + p);
    Signature sig = signature_of(seed);
    const int b = 3;
    std::vector<Arrays> examples(b);
    Arrays batched;
    for (int k = 0; k < sig.inputs; ++k) {
      Arrays items;
      for (int i = 0; i < b; ++i) items.push_back(input(sig, k, seed + static_cast<std::uint64_t>(i)));
      for (int i = 0; i < b; ++i) examples[static_cast<std::size_t>(i)].push_back(items[static_cast<std::size_t>(i)]);
      batched.push_back(xj::stack(items));
    }
    auto prog = [seed](const Arrays& a) { return run_program(seed, a, false); };
    Arrays loop;
    for (const Arrays& e : examples) loop.push_back(prog(e));
    Array got = xj::vmap_flat([&](const Arrays& a) { return Arrays{prog(a)}; }, batched,
                              std::vector<xj::BatchDim>(batched.size(), 0), {0})[0];
    std::string why;
    CAPTURE(p);
    CAPTURE(why);
    CHECK(close(got, xj::stack(loop), sig, why));
    if (sig.dtype != xj::float64 || xj::shape_size(sig.shape) == 0) continue;
    auto smooth = [seed](const Arrays& a) { return Arrays{xj::sum(run_program(seed, a, true))}; };
    CHECK_NOTHROW(xj::check_grads_flat(smooth, examples[0], 1, {"fwd", "rev"}));
  }
}
