// Storage for array buffers. Large buffers that are freed are kept for a while and handed to the
// next allocation of the same size: the operating system maps a fresh large allocation page by page
// on first touch, which costs more than an elementwise pass over it (W1 eager at n = 1e7 was 2.2x
// the hand loop with fresh buffers per op), so a chain of eager ops reuses its intermediates' memory.
#include "array/buffer_pool.hpp"

#include "xjax/config.hpp"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <utility>
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

void count_in_use(std::size_t bytes) {
  const std::size_t now = in_use.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  std::size_t seen = peak.load(std::memory_order_relaxed);
  while (now > seen && !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
  }
}
void count_allocation(std::size_t bytes) {
  allocated.fetch_add(bytes, std::memory_order_relaxed);
  allocations.fetch_add(1, std::memory_order_relaxed);
  count_in_use(bytes);
}

// The size of the block a buffer of `bytes` gets: whole pages where the pool keeps it.
std::size_t block_size(std::size_t bytes) {
  return pooling && bytes >= pooled_from ? (bytes + page - 1) / page * page : (bytes + 63) / 64 * 64;
}
void* obtain(std::size_t size) {
  if (!pooling || size < pooled_from) return std::aligned_alloc(64, size);
  void* mem = pool().take(size);
  return mem ? mem : std::aligned_alloc(page, size);
}
void release(void* mem, std::size_t size) {
  if (!pooling || size < pooled_from) std::free(mem);
  else pool().give(mem, size);
}

// Idle memory in all programs' reserves, at most reserve_bytes.
constexpr std::size_t reserve_bytes = std::size_t{256} << 20;
std::atomic<std::size_t> reserved_idle{0};

thread_local BufferReserve* current_reserve = nullptr;

}  // namespace

class BufferReserve : public std::enable_shared_from_this<BufferReserve> {
 public:
  ~BufferReserve() {
    for (const Block& b : idle_) {
      reserved_idle.fetch_sub(b.bytes, std::memory_order_relaxed);
      release(b.data, b.bytes);
    }
  }
  std::shared_ptr<void> allocate(std::size_t size) {
    void* mem = nullptr;
    {
      std::lock_guard lock(mu_);
      for (std::size_t i = idle_.size(); i-- > 0;)  // the most recently freed first: still in cache
        if (idle_[i].bytes == size) {
          mem = idle_[i].data;
          idle_.erase(idle_.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        }
    }
    if (mem) {
      reserved_idle.fetch_sub(size, std::memory_order_relaxed);
      count_in_use(size);
    } else {
      mem = obtain(size);
      if (!mem) return nullptr;
      count_allocation(size);
    }
    return std::shared_ptr<void>(mem, [self = shared_from_this(), size](void* m) {
      in_use.fetch_sub(size, std::memory_order_relaxed);
      self->give(m, size);
    });
  }

 private:
  void give(void* mem, std::size_t size) {
    if (reserved_idle.fetch_add(size, std::memory_order_relaxed) + size <= reserve_bytes) {
      std::lock_guard lock(mu_);
      idle_.push_back({mem, size});
      return;
    }
    reserved_idle.fetch_sub(size, std::memory_order_relaxed);
    release(mem, size);
  }
  struct Block {
    void* data;
    std::size_t bytes;
  };
  std::mutex mu_;
  std::vector<Block> idle_;
};

std::shared_ptr<BufferReserve> make_buffer_reserve() { return std::make_shared<BufferReserve>(); }

ReserveScope::ReserveScope(BufferReserve* reserve) : saved_(std::exchange(current_reserve, reserve)) {}
ReserveScope::~ReserveScope() { current_reserve = saved_; }

std::shared_ptr<void> allocate_buffer(std::size_t bytes) {
  const std::size_t size = block_size(bytes);
  if (pooling && current_reserve) return current_reserve->allocate(size);
  void* mem = obtain(size);
  if (!mem) return nullptr;
  count_allocation(size);
  return std::shared_ptr<void>(mem, [size](void* m) {
    in_use.fetch_sub(size, std::memory_order_relaxed);
    release(m, size);
  });
}

MemoryStats memory_stats() {
  return {in_use.load(std::memory_order_relaxed), peak.load(std::memory_order_relaxed),
          allocated.load(std::memory_order_relaxed), allocations.load(std::memory_order_relaxed)};
}

}  // namespace xjax
