// Storage for array buffers. Large buffers that are freed are kept for a while and handed to the
// next allocation of the same size: the operating system maps a fresh large allocation page by page
// on first touch, which costs more than an elementwise pass over it (W1 eager at n = 1e7 was 2.2x
// the hand loop with fresh buffers per op), so a chain of eager ops reuses its intermediates' memory.
#include "array/buffer_pool.hpp"

#include "xjax/config.hpp"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace xjax {
namespace {

// Smaller blocks: malloc reuses them well. Larger ones glibc maps afresh or returns when its heap
// top is trimmed: the W3 step's 512 KiB activations page-faulted 130 times a step, 10 % of its time.
constexpr std::size_t pooled_from = std::size_t{1} << 18;
constexpr std::size_t pool_bytes = std::size_t{256} << 20;  // idle memory kept at most
constexpr std::size_t page = 4096;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool pooling = false;  // AddressSanitizer must see every buffer freed
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool pooling = false;
#else
constexpr bool pooling = true;
#endif
#else
constexpr bool pooling = true;
#endif

class Pool {
 public:
  void* take(std::size_t bytes) {
    std::lock_guard lock(mu_);
    for (std::size_t i = idle_.size(); i-- > 0;)  // the most recently freed first: still in cache
      if (idle_[i].bytes == bytes) {
        void* p = idle_[i].data;
        held_ -= bytes;
        idle_.erase(idle_.begin() + static_cast<std::ptrdiff_t>(i));
        return p;
      }
    return nullptr;
  }
  void give(void* p, std::size_t bytes) {
    std::vector<void*> dropped;
    {
      std::lock_guard lock(mu_);
      idle_.push_back({p, bytes});
      held_ += bytes;
      while (held_ > pool_bytes) {  // the oldest go back to the system
        dropped.push_back(idle_.front().data);
        held_ -= idle_.front().bytes;
        idle_.erase(idle_.begin());
      }
    }
    for (void* d : dropped) std::free(d);
  }

 private:
  struct Block {
    void* data;
    std::size_t bytes;
  };
  std::mutex mu_;
  std::vector<Block> idle_;
  std::size_t held_ = 0;
};

// Never destroyed: buffers owned by static arrays may be freed after other statics are gone.
Pool& pool() {
  static Pool* p = new Pool;
  return *p;
}

// memory_stats(): counted where buffers are handed out and given back.
std::atomic<std::size_t> in_use{0}, peak{0}, allocated{0}, allocations{0};

void count_allocation(std::size_t bytes) {
  const std::size_t now = in_use.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  allocated.fetch_add(bytes, std::memory_order_relaxed);
  allocations.fetch_add(1, std::memory_order_relaxed);
  std::size_t seen = peak.load(std::memory_order_relaxed);
  while (now > seen && !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
  }
}

}  // namespace

std::shared_ptr<void> allocate_buffer(std::size_t bytes) {
  if (!pooling || bytes < pooled_from) {
    const std::size_t size = (bytes + 63) / 64 * 64;
    void* mem = std::aligned_alloc(64, size);
    if (!mem) return nullptr;
    count_allocation(size);
    return std::shared_ptr<void>(mem, [size](void* m) {
      in_use.fetch_sub(size, std::memory_order_relaxed);
      std::free(m);
    });
  }
  std::size_t rounded = (bytes + page - 1) / page * page;
  void* mem = pool().take(rounded);
  if (!mem) mem = std::aligned_alloc(page, rounded);
  if (!mem) return nullptr;
  count_allocation(rounded);
  return std::shared_ptr<void>(mem, [rounded](void* m) {
    in_use.fetch_sub(rounded, std::memory_order_relaxed);
    pool().give(m, rounded);
  });
}

MemoryStats memory_stats() {
  return {in_use.load(std::memory_order_relaxed), peak.load(std::memory_order_relaxed),
          allocated.load(std::memory_order_relaxed), allocations.load(std::memory_order_relaxed)};
}

}  // namespace xjax
