// The thread pool: set_num_threads, parallel_for (nesting, exceptions, concurrent callers), and
// results of large eager and jitted kernels that do not depend on the number of threads.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include "kernels/thread_pool.hpp"
#include "xjax/config.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

// Restores the thread setting when a test ends.
struct ThreadsGuard {
  int saved = xj::num_threads();
  ~ThreadsGuard() { xj::set_num_threads(saved); }
};

bool same_bits(const Array& a, const Array& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         std::memcmp(a.raw_data(), b.raw_data(), static_cast<std::size_t>(a.size()) * xj::itemsize(a.dtype())) == 0;
}

// Irregular values in [-3, 3): a few million elements spread over many chunks (not a multiple of one).
Array wavy(std::int64_t n, xj::DType d = xj::float32) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = std::fmod(static_cast<double>(i) * 0.6180339887, 6.0) - 3.0;
  return xj::array(v).astype(d);
}

// Runs f with 1, 2 and 3 threads and checks every result is bit-identical to the one-thread result.
template <class F>
void check_independent_of_threads(F f) {
  ThreadsGuard guard;
  xj::set_num_threads(1);
  std::vector<Array> serial = f();
  for (int t : {2, 3}) {
    CAPTURE(t);
    xj::set_num_threads(t);
    std::vector<Array> parallel = f();
    REQUIRE(parallel.size() == serial.size());
    for (std::size_t i = 0; i < serial.size(); ++i) {
      CAPTURE(i);
      CHECK(same_bits(parallel[i], serial[i]));
    }
  }
}

double sum_f64(const Array& x) {
  Array d = x.astype(xj::float64);
  double s = 0;
  for (std::int64_t i = 0; i < d.size(); ++i) s += d.data<double>()[i];
  return s;
}

}  // namespace

TEST_CASE("threads: set_num_threads validates and num_threads reads it back") {
  ThreadsGuard guard;
  CHECK(xj::num_threads() >= 1);
  xj::set_num_threads(3);
  CHECK(xj::num_threads() == 3);
  CHECK_THROWS_AS(xj::set_num_threads(0), xj::ValueError);
  CHECK_THROWS_AS(xj::set_num_threads(-2), xj::ValueError);
  CHECK_THROWS_AS(xj::set_num_threads(100000), xj::ValueError);
  CHECK(xj::num_threads() == 3);
}

TEST_CASE("threads: parallel_for covers the range once in fixed chunks, nests, and rethrows") {
  namespace k = xj::kernels;
  ThreadsGuard guard;
  xj::set_num_threads(3);
  for (std::int64_t n : {0, 1, 99, 100, 101, 1000, 12345}) {
    CAPTURE(n);
    std::vector<std::atomic<int>> hits(static_cast<std::size_t>(n));
    std::atomic<int> calls{0}, misplaced{0};
    k::parallel_for(n, 100, [&](std::int64_t b, std::int64_t e) {  // no CHECK off the test's thread
      ++calls;
      if (b % 100 != 0 || e != std::min(n, b + 100)) ++misplaced;
      for (std::int64_t i = b; i < e; ++i) ++hits[static_cast<std::size_t>(i)];
    });
    CHECK(calls == k::num_chunks(n, 100));
    CHECK(misplaced == 0);
    int wrong = 0;
    for (auto& h : hits) wrong += h != 1;
    CHECK(wrong == 0);
  }
  // Nested calls (run inline on the worker) and an exception thrown by one chunk.
  std::atomic<std::int64_t> total{0};
  k::parallel_for(64, 1, [&](std::int64_t, std::int64_t) {
    k::parallel_for(1000, 10, [&](std::int64_t b, std::int64_t e) { total += e - b; });
  });
  CHECK(total == 64 * 1000);
  CHECK_THROWS_AS(k::parallel_for(1000, 10,
                                  [](std::int64_t b, std::int64_t) {
                                    if (b == 370) throw std::runtime_error("chunk 37");
                                  }),
                  std::runtime_error);
  std::atomic<std::int64_t> after{0};  // the pool still works
  k::parallel_for(1000, 10, [&](std::int64_t b, std::int64_t e) { after += e - b; });
  CHECK(after == 1000);
}

TEST_CASE("threads: many user threads share the pool concurrently, with nesting") {
  ThreadsGuard guard;
  xj::set_num_threads(4);
  Array x = wavy(300001);
  const Array expected_sin = xj::sin(x);
  const double expected_sum = xj::sum(x.astype(xj::float64)).item<double>();
  std::atomic<int> failures{0};
  std::vector<std::thread> users;
  for (int u = 0; u < 8; ++u)
    users.emplace_back([&, u] {
      for (int rep = 0; rep < 3; ++rep) {
        if (!same_bits(xj::sin(x), expected_sin)) ++failures;
        if (xj::sum(x.astype(xj::float64)).item<double>() != expected_sum) ++failures;
        std::atomic<std::int64_t> seen{0};
        xj::kernels::parallel_for(50, 1, [&](std::int64_t, std::int64_t) {
          xj::kernels::parallel_for(1000 + u, 7, [&](std::int64_t b, std::int64_t e) { seen += e - b; });
        });
        if (seen != 50 * (1000 + u)) ++failures;
      }
    });
  for (std::thread& t : users) t.join();
  CHECK(failures == 0);
}

TEST_CASE("threads: large eager elementwise results equal the serial kernel on pieces") {
  ThreadsGuard guard;
  xj::set_num_threads(2);
  Array x = wavy(1000003);
  Array y = xj::sin(x) * x + xj::exp(-(x * x));
  // The same kernels on slices short enough to run on one thread, stitched together.
  std::vector<Array> pieces;
  for (std::int64_t s = 0; s < x.size(); s += 20000) {
    Array p = xj::slice(x, {s}, {std::min(x.size(), s + 20000)});
    pieces.push_back(xj::sin(p) * p + xj::exp(-(p * p)));
  }
  CHECK(same_bits(y, xj::concatenate(pieces)));
}

TEST_CASE("threads: eager kernels give bit-identical results on 1, 2 and 3 threads") {
  Array x = wavy(1000003);
  Array m = xj::reshape(wavy(1003 * 1001), {1003, 1001});
  Array c = xj::reshape(wavy(64 * 33 * 500, xj::float64), {64, 33, 500});
  Array ints = xj::reshape(wavy(1 << 20), {1 << 10, 1 << 10}).astype(xj::int32);
  Array with_nan = xj::where(xj::arange(0, 1000003, 1, xj::int32) == 777777, xj::array(std::nanf("")), x);
  check_independent_of_threads([&] {
    return std::vector<Array>{xj::sin(x),
                              x * 2.0 + 1.0,
                              xj::where(x > 0.5, x, -x),
                              x.astype(xj::int32),
                              xj::sum(x),
                              xj::sum(m, {0}),
                              xj::sum(m, {1}),
                              xj::max(m, {0}),
                              xj::sum(c, {0, 2}),
                              xj::mean(c, {1}),
                              xj::sum(ints),
                              xj::max(with_nan),
                              xj::argmax(x),
                              xj::any(x > 2.999)};
  });
  // And they are right: sums against a float64 loop.
  xj::set_num_threads(2);
  // (float32 tile sums: the error scales with the sum of magnitudes, ~1.5e6 here, not with the result)
  CHECK(std::abs(xj::sum(x).item<float>() - sum_f64(x)) < 1e-8 * sum_f64(xj::abs(x)));
  CHECK(std::isnan(xj::max(with_nan).item<float>()));
  Array col = xj::sum(m, {0});
  CHECK(col[5].item<float>() == doctest::Approx(sum_f64(xj::slice(m, {0, 5}, {1003, 6}))).epsilon(1e-6));
}

TEST_CASE("threads: jit's fused kernels give bit-identical results on 1, 2 and 3 threads") {
  auto w1 = xj::jit([](const Array& x) { return xj::sum(xj::sin(x) * x + xj::exp(-(x * x))); });
  auto both = xj::jit([](const Array& x) {
    Array h = xj::tanh(x) * 3.0;
    return std::tuple{h, xj::max(h), xj::sum(h * h)};
  });
  Array x = wavy(2000003);
  Array x64 = wavy(300007, xj::float64);
  check_independent_of_threads([&] {
    auto [h, mx, ss] = both(x);
    return std::vector<Array>{w1(x), w1(x64), h, mx, ss};
  });
  // And they agree with eager evaluation.
  xj::set_num_threads(2);
  auto f = [](const Array& v) { return xj::sum(xj::sin(v) * v + xj::exp(-(v * v))); };
  CHECK(w1(x).item<float>() == doctest::Approx(f(x).item<float>()).epsilon(1e-6));
  CHECK(w1(x64).item<double>() == doctest::Approx(f(x64).item<double>()).epsilon(1e-12));
  auto [h, mx, ss] = both(x);
  CHECK(same_bits(h, xj::tanh(x) * 3.0));
  CHECK(same_bits(mx, xj::max(xj::tanh(x) * 3.0)));
}
