// Allocation failure under an address-space limit: one case of each primitive family, eager and
// under jit, must fail with AllocationError (never std::bad_alloc, a crash or an abort), and the
// process must stay usable afterwards. The cases are skipped unless asked for: the CTest entry
// xjax_address_limit runs `xjax_tests --no-skip "--test-case=address limit:*"` in its own process
// (not under the sanitizers, which reserve terabytes of address space).
//
// Each case first warms up the process (thread pool, OpenBLAS, LAPACK, the jit and the native tier,
// once), then lowers the soft RLIMIT_AS to the address space in use plus `margin` for its own
// duration. Most failing calls need about three margins of output: more than the limit leaves, less
// than physical memory (xjax's own size limit, XJAX_MAX_BUFFER_BYTES unset, would refuse more), so it
// is the allocation itself that fails, before any of that memory is touched. Calls marked "scratch"
// have outputs that fit and a kernel's own scratch (argmax, cumsum, sort, LAPACK's copies and
// workspace) that does not. Large inputs are read-only views of never-written pages (zero_pages),
// which cost address space but no memory. XJAX_TEST_VERBOSE=1 prints which allocation failed.
#include <doctest/doctest.h>

#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <tuple>
#include <typeinfo>
#include <utility>
#include <vector>

#include "array/buffer_pool.hpp"
#include "primitives/indexing.hpp"
#include "primitives/linalg.hpp"
#include "testing.hpp"
#include "xjax/core.hpp"
#include "xjax/jit.hpp"

namespace xj = xjax;
using xj::Array;
using xj::test::values;

namespace {

constexpr std::int64_t MiB = std::int64_t{1} << 20;
constexpr std::int64_t margin = 512 * MiB;  // address space left to each case
// The large f32 operand and outputs: [rows, cols], three margins.
constexpr std::int64_t cols = 4096;
constexpr std::int64_t rows = 3 * margin / 4 / cols;
constexpr std::int64_t big_bytes = rows * cols * 4;
// Vectors of n whose outer product ([n, n] f32) is a little over three margins.
constexpr std::int64_t n_outer = 20480;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif
#else
constexpr bool sanitized = false;
#endif

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The process's address space (VmSize of /proc/self/status) in bytes; 0 when unreadable.
std::int64_t address_space_in_use() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmSize:") {
      std::int64_t kib = 0;
      status >> kib;
      return kib * 1024;
    }
    std::getline(status, key);
  }
  return 0;
}

std::int64_t physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<std::int64_t>(pages) * page : 0;
}

// Whether a failing call of `bytes` may run here: below physical memory (xjax's size limit).
bool below_memory(std::int64_t bytes, const char* what) {
  if (bytes < physical_memory()) return true;
  MESSAGE("skipped (needs " << bytes / MiB << " MiB, more than physical memory): " << what);
  return false;
}

// A read-only mapping of pages never written: arrays over it read as zeros and use no memory. Made
// before any limit is lowered; arrays of any shape (up to its size) may share it.
constexpr std::int64_t zero_bytes = 4 * margin;
const void* zero_pages() {
  static void* p = [] {
    void* m = ::mmap(nullptr, static_cast<std::size_t>(zero_bytes), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                     -1, 0);
    return m == MAP_FAILED ? nullptr : m;
  }();
  return p;
}

Array zeros_view(const xj::Shape& shape, xj::DType dtype = xj::float32) {
  std::int64_t n = 1;
  for (std::int64_t e : shape) n *= e;
  REQUIRE(zero_pages() != nullptr);
  REQUIRE(n * static_cast<std::int64_t>(xj::itemsize(dtype)) <= zero_bytes);
  return xj::from_external(zero_pages(), dtype, shape, nullptr);
}

// The side of a square f32 matrix of about `fraction` margins (a multiple of 64).
std::int64_t square_side(double fraction) {
  auto n = static_cast<std::int64_t>(std::sqrt(fraction * static_cast<double>(margin) / 4.0));
  return n / 64 * 64;
}

Array vec(std::vector<float> v) { return xj::array(v); }

// One small computation of every family, eagerly and under jit, so that whatever starts lazily (the
// thread pool's workers, OpenBLAS's threads and buffers, LAPACK, the jit, LLVM and the background
// compile thread, per-thread malloc arenas) has started before any limit is lowered.
void warm_up_once() {
  static const bool done = [] {
    (void)zero_pages();
    const Array big = xj::ones({1 << 22});  // enough chunks for every pool worker
    (void)xj::sum(xj::exp(big)).item<float>();
    const Array a = xj::reshape(xj::arange(0.0, 64.0 * 64.0, 1.0, xj::float32), {64, 64}) / 4096.f;
    auto families = [](const Array& x) {
      Array spd = xj::matmul(x, xj::transpose(x)) + xj::eye(x.shape()[0]);
      Array r = xj::sum(xj::sin(x) * 2.f) + xj::sum(xj::max(x, 0)) + xj::sum(xj::cumsum(x, 0)) +
                xj::sum(xj::argmax(x, 1).astype(xj::float32)) + xj::sum(xj::sort(x, 0)) +
                xj::sum(xj::take(x, xj::array({0, 1}), 0)) + xj::sum(xj::at(x, xj::array({1})).add(1.f)) +
                xj::sum(xj::pad(xj::transpose(x), {{1, 1}, {0, 0}})) + xj::sum(xj::concatenate({x, x})) +
                xj::sum(xj::dynamic_slice(x, {xj::array(1), xj::array(0)}, {2, 2})) +
                xj::sum(xj::linalg::cholesky(spd)) + xj::sum(xj::linalg::solve(spd, x)) +
                xj::sum(xj::linalg::eigh(spd).eigenvalues) + xj::sum(xj::linalg::svd(x).s) +
                xj::sum(xj::linalg::qr(x).r) + xj::sum(xj::random::normal(xj::random::key(0), {64})) +
                xj::sum(xj::random::permutation(xj::random::key(1), 64).astype(xj::float32));
      Array loop = xj::fori_loop(0, 3, [](const Array&, const Array& c) { return c * 0.5f + 1.f; }, r);
      auto [c, ys] = xj::scan([](const Array& c, const Array& row) { return std::pair{c + row, c}; },
                              xj::zeros({64}), x);
      Array mapped = xj::vmap([](const Array& row) { return xj::outer(row, row); })(x);
      return loop + xj::sum(ys) + xj::sum(mapped);
    };
    (void)families(a).item<float>();
    (void)xj::sum(xj::matmul(xj::ones({256, 256}), xj::ones({256, 256}))).item<float>();  // OpenBLAS's threads
    (void)xj::sum(xj::matmul(xj::ones({256, 256}, xj::float64), xj::ones({256, 256}, xj::float64))).item<double>();
    {
      xj::test::TierScope interpreter(xj::JitTier::interpreter);
      (void)xj::jit(families)(a).item<float>();
    }
    if (xj::has_native_jit()) {
      {
        xj::test::TierScope native(xj::JitTier::native);
        (void)xj::jit(families)(a).item<float>();
      }
      xj::test::TierScope automatic(xj::JitTier::automatic);  // starts the background compile thread
      auto f = xj::jit([](const Array& x) { return xj::fori_loop(0, 3, [](const Array&, const Array& c) { return c + 1.f; }, x); });
      (void)xj::sum(f(a)).item<float>();
      (void)xj::sum(f(a)).item<float>();
      xj::native::wait_for_background_compiles();
    }
    return true;
  }();
  (void)done;
}

// The buffer pool (src/array/buffer_pool.cpp) keeps up to 256 MiB of freed buffers, which count in
// the address space, and lets the oldest go when more come back: the space a case has would grow.
// A freed block larger than the pool holds sends everything back to the system.
void drain_buffer_pool() { (void)xj::allocate_buffer(std::size_t{257} * MiB); }

// While it lives, the soft RLIMIT_AS is the address space in use plus `margin` (restored after).
class AddressLimit {
 public:
  AddressLimit() {
    warm_up_once();
    xj::native::wait_for_background_compiles();  // no compile racing with the cases
    drain_buffer_pool();
    REQUIRE(::getrlimit(RLIMIT_AS, &saved_) == 0);
    active_ = true;
    lower();
    // glibc retries a failed malloc in another arena, made (64 MiB of address space) the first time
    // this thread fails: let that happen now, then measure again.
    void* (*volatile alloc)(std::size_t) = std::malloc;
    std::free(alloc(static_cast<std::size_t>(2 * margin)));
    lower();
  }
  ~AddressLimit() {
    if (active_) ::setrlimit(RLIMIT_AS, &saved_);
  }
  AddressLimit(const AddressLimit&) = delete;
  AddressLimit& operator=(const AddressLimit&) = delete;

 private:
  void lower() {
    const std::int64_t used = address_space_in_use();
    REQUIRE(used > 0);
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(used + margin);
    if (saved_.rlim_max != RLIM_INFINITY && lowered.rlim_cur > saved_.rlim_max) lowered.rlim_cur = saved_.rlim_max;
    REQUIRE(::setrlimit(RLIMIT_AS, &lowered) == 0);
  }
  rlimit saved_{};
  bool active_ = false;
};

// Runs f, which must fail with AllocationError because an allocation failed ("out of memory ...",
// not xjax's size limit). XJAX_TEST_VERBOSE=1 prints which allocation it was.
template <class F>
void check_out_of_memory(const char* what, F&& f) {
  INFO(std::string(what));
  std::string message;
  drain_buffer_pool();  // the whole margin for each call
  auto run = [&] {
    try {
      f();
    } catch (const xj::AllocationError& e) {
      message = e.what();
      throw;
    } catch (const std::exception& e) {
      message = std::string("a ") + xj::demangle(typeid(e).name()) + ": " + e.what();
      throw;
    }
  };
  CHECK_THROWS_AS(run(), xj::AllocationError);
  if (!message.empty()) CHECK_MESSAGE(contains(message, "out of memory"), message);
  if (const char* v = std::getenv("XJAX_TEST_VERBOSE"); v && *v == '1') {
    rlimit r{};
    ::getrlimit(RLIMIT_AS, &r);
    MESSAGE(std::string(what) << " -> " << message << " (address space " << address_space_in_use() / MiB << " MiB of "
                              << static_cast<std::int64_t>(r.rlim_cur) / MiB << ")");
  }
}

bool all_close(const std::vector<double>& got, const std::vector<double>& want, double tol = 1e-5) {
  if (got.size() != want.size()) return false;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (!(std::abs(got[i] - want[i]) <= tol * (1.0 + std::abs(want[i])))) return false;
  return true;
}

// Starts each case: nothing here runs in a sanitized build; jit compiles for the interpreter tier
// unless a case says otherwise (no background compile racing with the limit); then the limit.
#define XJAX_ADDRESS_LIMIT_CASE                                                                  \
  if (sanitized) {                                                                               \
    MESSAGE("skipped: a sanitizer reserves more address space than any limit this test sets");   \
    return;                                                                                      \
  }                                                                                              \
  xj::test::TierScope interpreter_tier(xj::JitTier::interpreter);                                \
  AddressLimit address_limit

}  // namespace

TEST_CASE("address limit: elementwise unary and binary" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  const Array x = zeros_view({rows, cols});
  const Array a = xj::reshape(xj::ones({n_outer}), {n_outer, 1}), b = xj::reshape(xj::ones({n_outer}), {1, n_outer});
  if (below_memory(big_bytes, "unary")) {
    check_out_of_memory("exp(x)", [&] { (void)xj::exp(x); });
    check_out_of_memory("jit(sin)(x)", [&] { (void)xj::jit([](const Array& v) { return xj::sin(v) * 2.f; })(x); });
  }
  if (below_memory(n_outer * n_outer * 4, "binary")) {
    check_out_of_memory("a + b (outer)", [&] { (void)(a + b); });
    check_out_of_memory("where(a < b, a, b)", [&] { (void)xj::where(a < b, a, b); });
    check_out_of_memory("jit(a * b + 1)", [&] {
      (void)xj::jit([](const Array& u, const Array& v) { return u * v + 1.f; })(a, b);
    });
  }
  CHECK(all_close(values(xj::exp(vec({0.f, 1.f}))), {1.0, std::exp(1.0)}));
  CHECK(all_close(values(vec({1.f, 2.f}) + vec({3.f, 4.f})), {4.0, 6.0}));
  CHECK(all_close(values(xj::jit([](const Array& u, const Array& v) { return u * v + 1.f; })(vec({2.f}), vec({3.f}))), {7.0}));
}

TEST_CASE("address limit: convert_element_type" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  const Array x = zeros_view({rows, cols});
  if (below_memory(big_bytes, "astype")) {
    check_out_of_memory("x.astype(int32)", [&] { (void)x.astype(xj::int32); });
    check_out_of_memory("jit(astype)(x)", [&] { (void)xj::jit([](const Array& v) { return v.astype(xj::uint32); })(x); });
  }
  CHECK(values(vec({1.5f, -2.5f}).astype(xj::int32)) == std::vector<double>{1.0, -2.0});
}

TEST_CASE("address limit: reductions and argmax" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  // Pairs reduced along the last axis: an output of half the operand, 1.5 margins.
  const Array pairs = zeros_view({rows * cols / 2, 2});
  // Reduced along the first axis of [2, n]: outputs of 0.6 margins (they fit), and argmax's scratch
  // of another 0.6 margins (it does not).
  const std::int64_t n = 6 * margin / 10 / 4;
  const Array two_rows = zeros_view({2, n});
  if (below_memory(big_bytes / 2, "reductions")) {
    check_out_of_memory("sum(pairs, 1)", [&] { (void)xj::sum(pairs, 1); });
    check_out_of_memory("max(pairs, 1)", [&] { (void)xj::max(pairs, 1); });
    check_out_of_memory("argmax(pairs, 1)", [&] { (void)xj::argmax(pairs, 1); });
    check_out_of_memory("jit(mean(pairs, 1))", [&] { (void)xj::jit([](const Array& v) { return xj::mean(v, 1); })(pairs); });
    check_out_of_memory("jit(argmin(pairs, 1))", [&] { (void)xj::jit([](const Array& v) { return xj::argmin(v, 1); })(pairs); });
  }
  check_out_of_memory("argmax(two_rows, 0) (scratch)", [&] { (void)xj::argmax(two_rows, 0); });
  check_out_of_memory("jit(argmax(two_rows, 0)) (scratch)", [&] { (void)xj::jit([](const Array& v) { return xj::argmax(v, 0); })(two_rows); });
  const Array m = xj::array({{1.f, 5.f}, {3.f, 2.f}});
  CHECK(values(xj::sum(m, 1)) == std::vector<double>{6.0, 5.0});
  CHECK(values(xj::argmax(m, 0)) == std::vector<double>{1.0, 0.0});
  CHECK(values(xj::jit([](const Array& v) { return xj::argmax(v, 0); })(m)) == std::vector<double>{1.0, 0.0});
}

TEST_CASE("address limit: cumulative ops" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  const Array x = zeros_view({rows, cols});
  // cumsum along the first axis of f32[2, n] accumulates a row in double: an output of 0.65 margins
  // (it fits) and a scratch row of as much (it does not).
  const std::int64_t n = 65 * margin / 100 / 8;
  const Array two_rows = zeros_view({2, n});
  if (below_memory(big_bytes, "cumulative")) {
    check_out_of_memory("cumsum(x, 0)", [&] { (void)xj::cumsum(x, 0); });
    check_out_of_memory("cummax(x, 1)", [&] { (void)xj::cummax(x, 1); });
    check_out_of_memory("jit(cumprod(x, 0))", [&] { (void)xj::jit([](const Array& v) { return xj::cumprod(v, 0); })(x); });
  }
  check_out_of_memory("cumsum(two_rows, 0) (scratch)", [&] { (void)xj::cumsum(two_rows, 0); });
  check_out_of_memory("jit(cumsum(two_rows, 0)) (scratch)", [&] { (void)xj::jit([](const Array& v) { return xj::cumsum(v, 0); })(two_rows); });
  CHECK(values(xj::cumsum(vec({1.f, 2.f, 3.f}))) == std::vector<double>{1.0, 3.0, 6.0});
  CHECK(values(xj::jit([](const Array& v) { return xj::cummax(v); })(vec({1.f, 3.f, 2.f}))) == std::vector<double>{1.0, 3.0, 3.0});
}

TEST_CASE("address limit: reshape, broadcast, transpose, concatenate, pad, slice, rev" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  const Array x = zeros_view({rows, cols});
  const Array row = xj::ones({1, cols});
  if (below_memory(big_bytes + MiB, "shapes")) {
    // reshape of a contiguous array is a view: no memory, under the limit too.
    CHECK(xj::reshape(x, {cols, rows}).shape() == xj::Shape{cols, rows});
    check_out_of_memory("broadcast_to(row, [rows, cols])", [&] { (void)xj::broadcast_to(row, {rows, cols}); });
    check_out_of_memory("transpose(x)", [&] { (void)xj::transpose(x); });
    check_out_of_memory("concatenate({x, row})", [&] { (void)xj::concatenate({x, row}); });
    check_out_of_memory("pad(x)", [&] { (void)xj::pad(x, {{1, 1}, {0, 0}}); });
    check_out_of_memory("slice(x) without column 0", [&] { (void)xj::slice(x, {0, 1}, {rows, cols}); });
    check_out_of_memory("flip(x, 0)", [&] { (void)xj::flip(x, 0); });
    check_out_of_memory("jit(transpose(x))", [&] { (void)xj::jit([](const Array& v) { return xj::transpose(v); })(x); });
    check_out_of_memory("jit(broadcast_to)", [&] {
      (void)xj::jit([](const Array& r) { return xj::broadcast_to(r, {rows, cols}) * 2.f; })(row);
    });
    check_out_of_memory("jit(concatenate)", [&] {
      (void)xj::jit([](const Array& v, const Array& r) { return xj::concatenate({v, r}); })(x, row);
    });
    check_out_of_memory("jit(reshape(transpose(x)))", [&] {
      (void)xj::jit([](const Array& v) { return xj::reshape(xj::transpose(v), {-1}); })(x);
    });
  }
  const Array m = xj::array({{1.f, 2.f}, {3.f, 4.f}});
  CHECK(values(xj::transpose(m)) == std::vector<double>{1.0, 3.0, 2.0, 4.0});
  CHECK(values(xj::pad(vec({1.f}), {{1, 0}})) == std::vector<double>{0.0, 1.0});
  CHECK(values(xj::jit([](const Array& v) { return xj::concatenate({v, v}, 1); })(m)) ==
        std::vector<double>{1.0, 2.0, 1.0, 2.0, 3.0, 4.0, 3.0, 4.0});
}

TEST_CASE("address limit: gather, scatter, dynamic_slice" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  const Array x = zeros_view({rows, cols});
  const Array first_rows = xj::zeros({rows}, xj::int32);  // rows copies of row 0
  if (below_memory(big_bytes, "indexing")) {
    check_out_of_memory("take(x, idx, 0)", [&] { (void)xj::take(x, first_rows, 0); });
    // take_along_axis's indices have its output's shape: zeros read from the same untouched pages.
    check_out_of_memory("lax::take_along_axis", [&] { (void)xj::lax::take_along_axis(x, zeros_view({rows, cols}, xj::int32), 1); });
    check_out_of_memory("at(x, idx).set", [&] { (void)xj::at(x, xj::array({0, 5})).set(1.f); });
    check_out_of_memory("at(x, idx).add", [&] { (void)xj::at(x, xj::array({0})).add(xj::ones({cols})); });
    check_out_of_memory("dynamic_slice(x)", [&] { (void)xj::dynamic_slice(x, {xj::array(1), xj::array(0)}, {rows - 1, cols}); });
    check_out_of_memory("dynamic_update_slice(x)", [&] {
      (void)xj::dynamic_update_slice(x, xj::ones({1, 2}), {xj::array(3), xj::array(4)});
    });
    check_out_of_memory("jit(take)", [&] {
      (void)xj::jit([](const Array& v, const Array& i) { return xj::take(v, i, 0); })(x, first_rows);
    });
    check_out_of_memory("jit(at.set)", [&] {
      (void)xj::jit([](const Array& v) { return xj::at(v, xj::array({2})).set(3.f); })(x);
    });
    check_out_of_memory("jit(dynamic_slice)", [&] {
      (void)xj::jit([](const Array& v, const Array& s) { return xj::dynamic_slice(v, {s, xj::array(0)}, {rows - 1, cols}); })(x, xj::array(1));
    });
  }
  const Array v = vec({1.f, 2.f, 3.f});
  CHECK(values(xj::take(v, xj::array({2, 0}))) == std::vector<double>{3.0, 1.0});
  CHECK(values(xj::at(v, xj::array({1})).add(10.f)) == std::vector<double>{1.0, 12.0, 3.0});
  CHECK(values(xj::jit([](const Array& u) { return xj::dynamic_slice(u, {xj::array(1)}, {2}); })(v)) == std::vector<double>{2.0, 3.0});
}

TEST_CASE("address limit: sort and argsort" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  const Array x = zeros_view({rows, cols});
  // A 1-d sort of 0.4 margins: its output fits, its int64 permutation (0.8 margins) does not.
  const Array line = zeros_view({4 * margin / 10 / 4});
  if (below_memory(big_bytes, "sort")) {
    check_out_of_memory("sort(x, 0)", [&] { (void)xj::sort(x, 0); });
    check_out_of_memory("argsort(x, 1)", [&] { (void)xj::argsort(x, 1); });
    check_out_of_memory("jit(sort(x, 1, descending))", [&] { (void)xj::jit([](const Array& v) { return xj::sort(v, 1, true); })(x); });
  }
  check_out_of_memory("sort(line) (scratch)", [&] { (void)xj::sort(line); });
  check_out_of_memory("jit(sort(line)) (scratch)", [&] { (void)xj::jit([](const Array& v) { return xj::sort(v); })(line); });
  CHECK(values(xj::sort(vec({3.f, 1.f, 2.f}))) == std::vector<double>{1.0, 2.0, 3.0});
  CHECK(values(xj::jit([](const Array& v) { return xj::argsort(v); })(vec({3.f, 1.f, 2.f}))) == std::vector<double>{1.0, 2.0, 0.0});
}

TEST_CASE("address limit: dot_general and matmul (BLAS)" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  const Array a = xj::ones({n_outer, 1}), b = xj::ones({1, n_outer});
  constexpr std::int64_t batch = 16, side = 5120;  // [16, 5120, 5120] f32: 1.6 GiB
  if (below_memory(n_outer * n_outer * 4, "matmul")) {
    check_out_of_memory("matmul(a, b)", [&] { (void)xj::matmul(a, b); });
    check_out_of_memory("matmul(a, b) int32", [&] { (void)xj::matmul(a.astype(xj::int32), b.astype(xj::int32)); });
    check_out_of_memory("batched matmul", [&] { (void)xj::matmul(xj::ones({batch, side, 1}), xj::ones({batch, 1, side})); });
    check_out_of_memory("jit(dot_general)", [&] {
      (void)xj::jit([](const Array& u, const Array& v) { return xj::dot_general(u, v, {1}, {0}); })(a, b);
    });
  }
  if (below_memory(n_outer * n_outer * 8, "matmul f64"))
    check_out_of_memory("matmul(a, b) f64", [&] { (void)xj::matmul(a.astype(xj::float64), b.astype(xj::float64)); });
  // OpenBLAS still works under the limit, multi-threaded.
  const Array m = xj::ones({300, 300});
  CHECK(xj::max(xj::abs(xj::matmul(m, m) - 300.f)).item<float>() == 0.f);
  CHECK(values(xj::matmul(xj::array({{1.0, 2.0}, {3.0, 4.0}}), xj::array({5.0, 6.0}))) == std::vector<double>{17, 39});
}

TEST_CASE("address limit: linalg (cholesky, lu, solve, eigh, qr, svd) and LAPACK workspace" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  // Outputs larger than the limit leaves.
  const std::int64_t n_big = square_side(2.0);  // f32[n, n] of two margins
  const Array a_big = zeros_view({n_big, n_big});
  if (below_memory(n_big * n_big * 8, "linalg outputs")) {  // inv's identity is an int64 comparison
    check_out_of_memory("lax::cholesky", [&] { (void)xj::lax::cholesky(a_big); });
    check_out_of_memory("linalg::cholesky", [&] { (void)xj::linalg::cholesky(a_big); });
    check_out_of_memory("linalg::solve", [&] { (void)xj::linalg::solve(a_big, xj::ones({n_big})); });
    check_out_of_memory("lax::triangular_solve", [&] {
      (void)xj::lax::triangular_solve(zeros_view({64, 64}), zeros_view({64, n_big * n_big / 64}), {});
    });
    check_out_of_memory("jit(linalg::inv)", [&] { (void)xj::jit([](const Array& m) { return xj::linalg::inv(m); })(a_big); });
  }
  // Outputs that fit, LAPACK's copies and workspace that do not.
  const std::int64_t n_lu = square_side(0.6);     // lu: output 0.6 margins, its column-major copy 0.6
  const std::int64_t n_eigh = square_side(0.3);   // eigh: vectors 0.3, copy 0.3, syevd's work 0.6
  const std::int64_t n_qr = square_side(0.38);    // qr: q and r 0.76, copy 0.38
  const std::int64_t n_svd = square_side(1.2);    // singular values only: copy 1.2
  check_out_of_memory("lax::lu (copy)", [&] { (void)xj::lax::lu(zeros_view({n_lu, n_lu})); });
  check_out_of_memory("lax::eigh (workspace)", [&] { (void)xj::lax::eigh(zeros_view({n_eigh, n_eigh})); });
  check_out_of_memory("lax::qr (copy)", [&] { (void)xj::lax::qr(zeros_view({n_qr, n_qr}), false); });
  check_out_of_memory("lax::svd without vectors (copy)", [&] { (void)xj::lax::svd(zeros_view({n_svd, n_svd}), false, false); });
  check_out_of_memory("jit(lax::eigh) (workspace)", [&] {
    (void)xj::jit([](const Array& m) { return xj::lax::eigh(m); })(zeros_view({n_eigh, n_eigh}));
  });
  // LAPACK still works under the limit.
  const Array spd = xj::array({{4.0, 2.0}, {2.0, 3.0}});
  CHECK(all_close(values(xj::linalg::cholesky(spd)), {2.0, 0.0, 1.0, std::sqrt(2.0)}));
  CHECK(all_close(values(xj::linalg::solve(spd, xj::array({8.0, 7.0}))), {1.25, 1.5}));
  CHECK(all_close(values(xj::linalg::eigh(xj::array({{2.0, 0.0}, {0.0, 1.0}})).eigenvalues), {1.0, 2.0}));
  CHECK(all_close(values(xj::linalg::svd(xj::array({{3.0, 0.0}, {0.0, -4.0}})).s), {4.0, 3.0}));
  auto [q, r] = xj::linalg::qr(spd);
  CHECK(all_close(values(xj::matmul(q, r)), values(spd)));
}

TEST_CASE("address limit: random" * doctest::skip()) {
  const Array key = xj::random::key(42);
  const std::vector<double> before = values(xj::random::uniform(key, {4}));
  XJAX_ADDRESS_LIMIT_CASE;
  if (below_memory(big_bytes, "random")) {
    check_out_of_memory("uniform", [&] { (void)xj::random::uniform(key, {rows, cols}); });
    check_out_of_memory("normal", [&] { (void)xj::random::normal(key, {rows, cols}); });
    check_out_of_memory("permutation", [&] { (void)xj::random::permutation(key, rows * cols); });
    check_out_of_memory("jit(normal)", [&] { (void)xj::jit([](const Array& k) { return xj::random::normal(k, {rows, cols}); })(key); });
  }
  CHECK(values(xj::random::uniform(key, {4})) == before);
  CHECK(values(xj::jit([](const Array& k) { return xj::random::uniform(k, {4}); })(key)) == before);
  CHECK(values(xj::sort(xj::random::permutation(key, 5))) == std::vector<double>{0, 1, 2, 3, 4});
}

TEST_CASE("address limit: control flow (scan, while_loop, fori_loop, cond)" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  // A scan that stacks a row per step: its ys are allocated before the first step.
  auto stack_rows = [](const Array& c, std::tuple<>) { return std::pair{c + 1.f, xj::broadcast_to(c, {cols})}; };
  // A loop whose body sorts a broadcast (a buffer the fused kernels cannot avoid).
  auto big_body = [](const Array& c) { return c + xj::sort(xj::broadcast_to(c, {rows, cols}), 0)[0][0] + 1.f; };
  if (below_memory(big_bytes, "control flow")) {
    check_out_of_memory("scan stacking [rows, cols]", [&] {
      (void)xj::scan(stack_rows, xj::array(0.f), std::tuple<>{}, {.length = rows});
    });
    check_out_of_memory("jit(scan)", [&] {
      (void)xj::jit([&](const Array& c0) { return xj::scan(stack_rows, c0, std::tuple<>{}, {.length = rows}).second; })(xj::array(0.f));
    });
    check_out_of_memory("while_loop", [&] {
      (void)xj::while_loop([](const Array& c) { return c < 2.f; }, big_body, xj::array(0.f));
    });
    check_out_of_memory("fori_loop under jit", [&] {
      (void)xj::jit([&](const Array& c0) { return xj::fori_loop(0, 2, [&](const Array&, const Array& c) { return big_body(c); }, c0); })(xj::array(0.f));
    });
    check_out_of_memory("cond", [&] {
      (void)xj::cond(xj::array(true), [&](const Array& c) { return big_body(c); }, [](const Array& c) { return c; }, xj::array(0.f));
    });
  }
  auto [c, ys] = xj::scan(stack_rows, xj::array(0.f), std::tuple<>{}, {.length = 3});
  CHECK(c.item<float>() == 3.f);
  CHECK(ys.shape() == xj::Shape{3, cols});
  CHECK(xj::while_loop([](const Array& v) { return v < 5.f; }, [](const Array& v) { return v + 2.f; }, xj::array(0.f)).item<float>() == 6.f);
  CHECK(xj::jit([](const Array& v) { return xj::fori_loop(0, 4, [](const Array& i, const Array& s) { return s + i.astype(xj::float32); }, v); })(xj::array(0.f))
            .item<float>() == 6.f);
}

TEST_CASE("address limit: iota and creation" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  // eye compares two int64 iotas, linspace computes in float64: their intermediates are twice the
  // output (three margins).
  const std::int64_t n_eye = square_side(1.5);
  if (below_memory(big_bytes, "creation")) {
    check_out_of_memory("zeros", [&] { (void)xj::zeros({rows, cols}); });
    check_out_of_memory("full", [&] { (void)xj::full({rows, cols}, 2.f); });
    check_out_of_memory("arange", [&] { (void)xj::arange(static_cast<double>(rows * cols)); });
    check_out_of_memory("linspace", [&] { (void)xj::linspace(0.0, 1.0, rows * cols / 2); });
    check_out_of_memory("eye", [&] { (void)xj::eye(n_eye); });
    check_out_of_memory("iota", [&] { (void)xj::iota(xj::int32, {rows, cols}, 1); });
    check_out_of_memory("jit(full)", [&] { (void)xj::jit([](const Array& v) { return xj::full({rows, cols}, v); })(xj::array(2.f)); });
    check_out_of_memory("jit(eye * v)", [&] { (void)xj::jit([n_eye](const Array& v) { return xj::eye(n_eye) * v; })(xj::array(2.f)); });
  }
  CHECK(values(xj::arange(3.0)) == std::vector<double>{0, 1, 2});
  CHECK(values(xj::eye(2)) == std::vector<double>{1, 0, 0, 1});
  CHECK(values(xj::jit([](const Array& v) { return xj::full({2}, v); })(xj::array(2.f))) == std::vector<double>{2, 2});
}

TEST_CASE("address limit: jit on the interpreter and native tiers" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  const Array a = xj::ones({n_outer}), b = xj::ones({n_outer});
  // A fused elementwise kernel, a row kernel (softmax along rows) and a call step (sort) whose outputs
  // are [n, n].
  auto outer = [](const Array& u, const Array& v) { return xj::reshape(u, {-1, 1}) * xj::reshape(v, {1, -1}); };
  auto fused = [=](const Array& u, const Array& v) { return xj::sin(outer(u, v)) * 2.f + 1.f; };
  auto rows_softmax = [=](const Array& u, const Array& v) { return xj::nn::softmax(outer(u, v), 1); };
  auto program = [=](const Array& u, const Array& v) { return xj::sum(xj::sort(outer(u, v) + 1.f, 0), 0); };
  const bool fits = below_memory(n_outer * n_outer * 4, "jit");
  if (fits) {
    check_out_of_memory("interpreter: fused kernel", [&] { (void)xj::jit(fused)(a, b); });
    check_out_of_memory("interpreter: row kernel", [&] { (void)xj::jit(rows_softmax)(a, b); });
    check_out_of_memory("interpreter: call step", [&] { (void)xj::jit(program)(a, b); });
  }
  const Array s = vec({0.f, 1.f});
  CHECK(all_close(values(xj::jit(fused)(s, s)), {1.0, 1.0, 1.0, 2 * std::sin(1.0) + 1}));
  if (!xj::has_native_jit()) {
    MESSAGE("skipped: no native jit tier in this build");
    return;
  }
  // The native tier compiles each program (LLVM, in this process) under the limit, before its run.
  xj::test::TierScope native(xj::JitTier::native);
  if (fits) {
    auto f = xj::jit(fused);
    check_out_of_memory("native: fused kernel", [&] { (void)f(a, b); });
    const std::string text = f.lower(a, b).as_text();
    INFO(text);
    CHECK(contains(text, "tier: native"));  // LLVM compiled it under the limit
    CHECK_FALSE(contains(text, "native compilation failed"));
    check_out_of_memory("native: row kernel", [&] { (void)xj::jit(rows_softmax)(a, b); });
    check_out_of_memory("native: call step", [&] { (void)xj::jit(program)(a, b); });
  }
  CHECK(all_close(values(xj::jit(fused)(s, s)), {1.0, 1.0, 1.0, 2 * std::sin(1.0) + 1}));
  CHECK(all_close(values(xj::jit(rows_softmax)(s, s)), {0.5, 0.5, 1.0 / (1.0 + std::exp(1.0)), 1.0 / (1.0 + std::exp(-1.0))}));
}

TEST_CASE("address limit: vmap, grad and nested jit" * doctest::skip()) {
  XJAX_ADDRESS_LIMIT_CASE;
  constexpr std::int64_t batch = 16, side = 5120;  // [16, 5120, 5120] f32: 1.6 GiB
  const Array vs = xj::ones({batch, side});
  auto outer_self = [](const Array& v) { return xj::outer(v, v); };
  if (below_memory(batch * side * side * 4, "vmap")) {
    check_out_of_memory("vmap(outer)", [&] { (void)xj::vmap(outer_self)(vs); });
    check_out_of_memory("vmap(sort(outer))", [&] { (void)xj::vmap([&](const Array& v) { return xj::sort(outer_self(v), 0); })(vs); });
    check_out_of_memory("jit(vmap(outer))", [&] { (void)xj::jit(xj::vmap(outer_self))(vs); });
    check_out_of_memory("vmap(jit(outer)) (pjit's batching rule)", [&] { (void)xj::vmap(xj::jit(outer_self))(vs); });
    check_out_of_memory("grad(sum(sin(outer)))", [&] {
      (void)xj::grad([](const Array& v) { return xj::sum(xj::sin(xj::outer(v, v))); })(xj::ones({n_outer}));
    });
    check_out_of_memory("grad(jit(sum(sin(outer))))", [&] {
      (void)xj::grad(xj::jit([](const Array& v) { return xj::sum(xj::sin(xj::outer(v, v))); }))(xj::ones({n_outer}));
    });
  }
  CHECK(values(xj::vmap(outer_self)(xj::array({{1.f, 2.f}}))) == std::vector<double>{1, 2, 2, 4});
  CHECK(all_close(values(xj::grad([](const Array& v) { return xj::sum(v * v); })(vec({1.f, 2.f}))), {2.0, 4.0}));
}
