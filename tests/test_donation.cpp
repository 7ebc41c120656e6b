// Buffer donation (JitOptions::donate_argnums): outputs written into donated arguments' memory on
// both tiers, donated arrays raising DonatedArrayError, and the cases where nothing is donated.
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "testing.hpp"
#include "xjax/config.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

constexpr std::int64_t n = 100000;  // beyond the native tier's whole-program regions: fused kernels

Array ramp(double scale = 1.0) { return xj::arange(0, static_cast<double>(n), 1, xj::float32) * (scale / n); }

bool same(const Array& a, const Array& b) { return a.shape() == b.shape() && xj::all(a == b).item<bool>(); }

std::string donated_message(const Array& x) {
  try {
    (void)x.sum();
  } catch (const xj::DonatedArrayError& e) {
    return e.what();
  }
  return "";
}

// Runs `check` under the interpreter tier and, where the build has one, the native tier.
template <class F>
void on_each_tier(F check) {
  std::vector<xj::JitTier> tiers{xj::JitTier::interpreter};
  if (xj::has_native_jit()) tiers.push_back(xj::JitTier::native);
  for (xj::JitTier t : tiers) {
    xj::test::TierScope tier(t);
    CAPTURE(static_cast<int>(t));
    check();
  }
}

struct Params {
  BOOST_HANA_DEFINE_STRUCT(Params, (Array, w), (Array, b));
};

}  // namespace

TEST_CASE("donation: a step that feeds its result back in reuses the donated memory and gives the same values") {
  on_each_tier([] {
    auto step = xj::jit([](const Array& p, const Array& g) { return p - 0.5 * g; }, {.donate_argnums = {0}});
    const Array g = ramp(2.0);
    Array p = ramp();
    Array expected = ramp();
    const float* memory = p.data<float>();
    for (int i = 0; i < 5; ++i) {
      expected = expected - 0.5 * g;
      Array before = p;
      const std::size_t allocations = xj::memory_stats().num_allocs;
      p = step(p, g);
      if (i > 0) CHECK(xj::memory_stats().num_allocs == allocations);  // no buffer at all, after the first call
      CHECK(p.data<float>() == memory);  // written in place
      CHECK(before.shape() == xj::Shape{n});  // its shape and dtype can still be asked
      const std::string message = donated_message(before);
      CHECK(message.find("argument 0 of") != std::string::npos);
      CHECK(message.find("donate_argnums") != std::string::npos);
      CHECK_THROWS_AS((void)before.data<float>(), xj::DonatedArrayError);
    }
    CHECK(same(p, expected));
    CHECK(same(g, ramp(2.0)));  // not donated: untouched and readable
  });
}

TEST_CASE("donation: every leaf of a pytree argument, with its leaf named; optimizer-like steps with two outputs") {
  on_each_tier([] {
    auto step = xj::jit(
        [](const Params& p, const Params& m, const Array& lr) {
          Params m2{m.w * 0.9 + p.w, m.b * 0.9 + p.b};
          return std::make_tuple(Params{p.w - lr * m2.w, p.b - lr * m2.b}, m2);
        },
        {.donate_argnums = {0, 1}});
    Params p{ramp(), ramp(3.0)}, m{ramp(0.5), ramp(0.25)};
    const Params p0 = p;
    Params rp{ramp(), ramp(3.0)}, rm{ramp(0.5), ramp(0.25)};
    for (int i = 0; i < 3; ++i) {
      rm = Params{rm.w * 0.9 + rp.w, rm.b * 0.9 + rp.b};
      rp = Params{rp.w - 0.1 * rm.w, rp.b - 0.1 * rm.b};
      std::tie(p, m) = step(p, m, xj::array(0.1f));
    }
    CHECK(same(p.w, rp.w));
    CHECK(same(p.b, rp.b));
    CHECK(same(m.w, rm.w));
    CHECK(same(m.b, rm.b));
    CHECK(donated_message(p0.b).find("argument 0 (leaf 1 of 2) of") != std::string::npos);
  });
}

TEST_CASE("donation: an output is written over a donated argument only once every element of it was read") {
  on_each_tier([] {
    // The first output's op runs before the second reads x again, and the sum reads x after both:
    // the values must be those of the undonated program.
    auto f = [](const Array& x) { return std::make_tuple(x * 2.0, x + 1.0, xj::sum(x), xj::flip(x, 0) * 3.0); };
    auto donating = xj::jit(f, {.donate_argnums = {0}});
    const auto [a, b, s, r] = xj::jit(f)(ramp());
    Array x = ramp();
    const auto [da, db, ds, dr] = donating(x);
    CHECK(same(da, a));
    CHECK(same(db, b));
    CHECK(same(ds, s));
    CHECK(same(dr, r));
    CHECK_THROWS_AS((void)x.sum(), xj::DonatedArrayError);
  });
}

TEST_CASE("donation: nothing is donated when the memory is shared, an argument repeats, or under debug_nans") {
  on_each_tier([] {
    auto step = xj::jit([](const Array& p, const Array& g) { return p - 0.5 * g; }, {.donate_argnums = {0}});
    const Array expected = ramp() - 0.5 * ramp();
    // The same array twice: donating the first would overwrite the second while it is read.
    Array p = ramp();
    CHECK(same(step(p, p), expected));
    CHECK(same(p, ramp()));
    // A reshaped view shares the buffer.
    Array q = ramp();
    Array view = q.reshape({n / 2, 2});
    CHECK(same(step(q, ramp()), expected));
    CHECK(same(view.reshape({n}), ramp()));
    // Memory that xjax does not own (from_external): the caller's.
    std::vector<float> host(static_cast<std::size_t>(n), 1.0f);
    Array external = xj::from_external(host.data(), xj::float32, {n}, nullptr);
    CHECK(same(step(external, ramp()), 1.0f - 0.5 * ramp()));
    CHECK(host[7] == 1.0f);
    CHECK(same(external, xj::ones({n})));
    // A constant of the program (captured) passed as the donated argument too.
    const Array c = ramp();
    auto with_constant = xj::jit([c](const Array& x) { return x + c; }, {.donate_argnums = {0}});
    CHECK(same(with_constant(c), ramp() * 2.0));
    CHECK(same(with_constant(ramp()), ramp() * 2.0));
    // debug_nans replays the call on its arguments when it finds a NaN: they are kept.
    xj::config.debug_nans = true;
    Array kept = ramp();
    CHECK(same(step(kept, ramp()), expected));
    xj::config.debug_nans = false;
    CHECK(same(kept, ramp()));
  });
}

TEST_CASE("donation: copies of a donated handle are donated with it; transformations ignore donation") {
  auto step = xj::jit([](const Array& p, const Array& g) { return p - 0.5 * g; }, {.donate_argnums = {0}});
  Array p = ramp();
  Array copy = p;  // the same array: JAX's donated jax.Array is deleted for every reference
  (void)step(p, ramp());
  CHECK_THROWS_AS((void)xj::sum(copy), xj::DonatedArrayError);
  // Under grad and vmap the call is traced: nothing is donated, the arguments stay usable.
  Array x = ramp();
  const Array g = xj::grad([&](const Array& v) { return xj::sum(step(v, ramp())); })(x);
  CHECK(same(g, xj::ones({n})));
  CHECK(same(x, ramp()));
  Array rows = ramp().reshape({4, n / 4});
  const Array mapped = xj::vmap([&](const Array& r) { return step(r, r); })(rows);
  CHECK(same(mapped, ramp().reshape({4, n / 4}) * 0.5));
  CHECK(same(rows, ramp().reshape({4, n / 4})));
}

TEST_CASE("donation: a static argument cannot be donated, nor one beyond the arguments") {
  auto f = [](const Array& x, double s) { return x * s; };
  CHECK_THROWS_AS((xj::jit<1>(f, {.donate_argnums = {1}})), xj::ValueError);
  auto g = xj::jit([](const Array& x) { return x * 2.0; }, {.donate_argnums = {1}});
  Array x = ramp();
  try {
    (void)g(x);
    FAIL("expected a ValueError");
  } catch (const xj::ValueError& e) {
    CHECK(std::string(e.what()).find("donate_argnums names argument 1") != std::string::npos);
  }
  CHECK(same(x, ramp()));
}

TEST_CASE("program reserve: a training step allocates no buffer once it has run, with and without donation") {
  // A small MLP step: products (eager kernels), fused loops, reductions, a scalar loss output.
  auto loss = [](const Array& w1, const Array& w2, const Array& x) {
    return xj::mean(xj::square(xj::matmul(xj::tanh(xj::matmul(x, w1)), w2) - 1.0));
  };
  auto step = [loss](const Array& w1, const Array& w2, const Array& x) {
    auto [l, g] = xj::value_and_grad<0, 1>(loss)(w1, w2, x);
    return std::make_tuple(w1 - 0.1 * std::get<0>(g), w2 - 0.1 * std::get<1>(g), l);
  };
  // Products small enough for OpenBLAS to run them on the calling thread (its own threads'
  // synchronisation is invisible to ThreadSanitizer, which runs this file).
  const Array x = xj::reshape(xj::linspace(-1.0f, 1.0f, 16 * 40), {16, 40});
  const Array w1_0 = xj::reshape(xj::linspace(-0.3f, 0.3f, 40 * 24), {40, 24});
  const Array w2_0 = xj::reshape(xj::linspace(0.4f, -0.4f, 24 * 8), {24, 8});
  // Eager reference: three steps.
  Array ew1 = w1_0, ew2 = w2_0, el;
  for (int i = 0; i < 3; ++i) std::tie(ew1, ew2, el) = step(ew1, ew2, x);
  on_each_tier([&] {
    for (bool donate : {false, true}) {
      CAPTURE(donate);
      auto jstep = donate ? xj::jit(step, {.donate_argnums = {0, 1}}) : xj::jit(step);
      Array w1 = w1_0 + 0.0, w2 = w2_0 + 0.0, l;  // copies: the originals are never donated
      std::vector<std::size_t> allocations;
      for (int i = 0; i < 6; ++i) {
        const std::size_t before = xj::memory_stats().num_allocs;
        std::tie(w1, w2, l) = jstep(w1, w2, x);
        allocations.push_back(xj::memory_stats().num_allocs - before);
        if (i == 2) {  // the same values as the eager steps (products as the eager kernels compute them)
          CHECK(xj::allclose(w1, ew1, 1e-6, 1e-7).item<bool>());
          CHECK(xj::allclose(w2, ew2, 1e-6, 1e-7).item<bool>());
          CHECK(xj::allclose(l, el, 1e-6, 1e-7).item<bool>());
        }
      }
      CAPTURE(allocations);
      CHECK(allocations[0] > 0);
#if !defined(__SANITIZE_ADDRESS__)  // AddressSanitizer builds keep no memory: it must see every free
      for (int i = 3; i < 6; ++i) CHECK(allocations[static_cast<std::size_t>(i)] == 0);
#endif
    }
  });
  // Memory a program's reserve holds outlives neither its arrays nor the program: an output kept
  // after its jit object is gone stays valid, and freeing it later is safe.
  Array kept;
  {
    auto jstep = xj::jit(step);
    kept = std::get<2>(jstep(w1_0, w2_0, x));
    kept = std::get<2>(jstep(w1_0, w2_0, x));
  }
  CHECK(kept.item<float>() == doctest::Approx(std::get<2>(step(w1_0, w2_0, x)).item<float>()).epsilon(1e-6));
}

TEST_CASE("memory_stats: counts the buffers arrays hold, in use and allocated in all") {
  xj::native::wait_for_background_compiles();
  const xj::MemoryStats before = xj::memory_stats();
  {
    const Array x = xj::zeros({1000});
    const xj::MemoryStats during = xj::memory_stats();
    CHECK(during.num_allocs >= before.num_allocs + 1);
    CHECK(during.bytes_allocated >= before.bytes_allocated + 4000);
    CHECK(during.bytes_in_use >= 4000);
    CHECK(during.peak_bytes_in_use >= during.bytes_in_use);
  }
  const xj::MemoryStats after = xj::memory_stats();
  CHECK(after.bytes_in_use <= before.bytes_in_use);  // given back
  CHECK(after.peak_bytes_in_use >= before.peak_bytes_in_use);
}

TEST_CASE("donation: threads calling one donating step, each on its own arrays, get their own results") {
  on_each_tier([] {
    auto step = xj::jit([](const Array& p, const Array& g) { return p - 0.5 * g; }, {.donate_argnums = {0}});
    const Array g = ramp(2.0);
    std::vector<Array> results(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < results.size(); ++t)
      threads.emplace_back([&, t] {
        Array p = ramp(static_cast<double>(t));
        for (int i = 0; i < 20; ++i) p = step(p, g);
        results[t] = p;
      });
    for (std::thread& th : threads) th.join();
    for (std::size_t t = 0; t < results.size(); ++t) {
      Array expected = ramp(static_cast<double>(t));
      for (int i = 0; i < 20; ++i) expected = expected - 0.5 * g;  // eager: the same bits
      CHECK(same(results[t], expected));
    }
  });
}
