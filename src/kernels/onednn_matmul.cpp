// oneDNN's matmul primitive, made once per shape and thread count and kept in a small cache (making
// one costs far more than a product of the sizes it is used for). oneDNN runs on OpenMP's threads,
// as OpenBLAS and the worker pool then do (docs/threads.md).
#include "kernels/onednn_matmul.hpp"

#include <oneapi/dnnl/dnnl.hpp>

#include <compare>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "xjax/config.hpp"

namespace xjax::kernels {
namespace {

// On one thread, below this many multiply-adds oneDNN's fixed cost per call loses to OpenBLAS on some
// shapes (h2ᵀ dz3 of the W3 step at batch 64: 11 µs against 6 µs). On more threads oneDNN wins on
// every shape measured, and OpenBLAS's own threads would compete with OpenMP's.
constexpr std::int64_t min_multiply_adds = std::int64_t{1} << 20;
// Shapes beyond this many are dropped together: a program sweeping shapes must not grow the cache.
constexpr std::size_t max_cached = 256;

struct Key {
  std::int64_t batch, m, n, k;
  bool trans_a, trans_b;
  int threads;
  auto operator<=>(const Key&) const = default;
};

struct Product {
  dnnl::matmul primitive;
  dnnl::memory::desc a, b, c, scratchpad;
};

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

// A transposed operand is the same row-major memory read with its last two axes swapped (tag ba/acb).
std::shared_ptr<const Product> make_product(const Key& key) {
  using tag = dnnl::memory::format_tag;
  const bool batched = key.batch > 1;
  auto desc = [&](std::int64_t rows, std::int64_t cols, bool transposed) {
    dnnl::memory::dims dims = batched ? dnnl::memory::dims{key.batch, rows, cols} : dnnl::memory::dims{rows, cols};
    const tag layout = batched ? (transposed ? tag::acb : tag::abc) : (transposed ? tag::ba : tag::ab);
    return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, layout);
  };
  const dnnl::memory::desc a = desc(key.m, key.k, key.trans_a), b = desc(key.k, key.n, key.trans_b),
                           c = desc(key.m, key.n, false);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);  // ours, per thread: calls may run concurrently
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), attr, engine());
  return std::make_shared<const Product>(Product{dnnl::matmul(pd), a, b, c, pd.scratchpad_desc()});
}

// nullptr: oneDNN has no implementation for this shape (OpenBLAS computes it).
std::shared_ptr<const Product> product_for(const Key& key) {
  static std::shared_mutex mu;
  static std::map<Key, std::shared_ptr<const Product>> cache;
  {
    std::shared_lock lock(mu);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  std::shared_ptr<const Product> made;
  try {
    made = make_product(key);
  } catch (const dnnl::error&) {
  }
  std::unique_lock lock(mu);
  if (cache.size() >= max_cached) cache.clear();
  return cache.emplace(key, std::move(made)).first->second;
}

}  // namespace

bool onednn_matmul(const float* a, const float* b, float* c, const MatmulShape& s) {
  const int threads = num_threads();  // batched_matmul has made it this thread's OpenMP setting
  if (s.m == 1 || s.n == 1 || (threads == 1 && s.batch * s.m * s.n * s.k < min_multiply_adds)) return false;
  const std::shared_ptr<const Product> p = product_for({s.batch, s.m, s.n, s.k, s.trans_a, s.trans_b, threads});
  if (!p) return false;
  thread_local dnnl::stream stream(engine());
  thread_local std::vector<std::byte> scratchpad;
  if (scratchpad.size() < p->scratchpad.get_size()) scratchpad.resize(p->scratchpad.get_size());
  try {
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, dnnl::memory(p->a, engine(), const_cast<float*>(a))},
                                               {DNNL_ARG_WEIGHTS, dnnl::memory(p->b, engine(), const_cast<float*>(b))},
                                               {DNNL_ARG_DST, dnnl::memory(p->c, engine(), c)}};
    if (p->scratchpad.get_size() > 0)
      args.emplace(DNNL_ARG_SCRATCHPAD, dnnl::memory(p->scratchpad, engine(), scratchpad.data()));
    p->primitive.execute(stream, args);
    stream.wait();
  } catch (const dnnl::error&) {
    return false;  // out of memory for oneDNN's own buffers: OpenBLAS computes the whole product
  }
  return true;
}

}  // namespace xjax::kernels
