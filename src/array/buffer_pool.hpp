// Storage for array buffers (see buffer_pool.cpp for why large ones are recycled).
#pragma once
#include <cstddef>
#include <memory>

namespace xjax {

// At least `bytes` of 64-byte aligned memory, freed (or kept for reuse) when the last owner goes;
// nullptr when the system has none.
std::shared_ptr<void> allocate_buffer(std::size_t bytes);

// A compiled program's own memory: the blocks its calls' buffers (temporaries and outputs) had, kept
// when they are freed and handed to its later calls' buffers of the same size, as a hand-written
// step keeps its work arrays. A block taken again is not an allocation for memory_stats, so a
// training step allocates nothing once it has run. Idle blocks of all programs together stay under
// a bound (beyond it they go back as any buffer does); a program's go when it and its arrays are gone.
class BufferReserve;
std::shared_ptr<BufferReserve> make_buffer_reserve();

// While it lives, buffers allocated on this thread come from `reserve` (nullptr: from anywhere).
class ReserveScope {
 public:
  explicit ReserveScope(BufferReserve* reserve);
  ~ReserveScope();
  ReserveScope(const ReserveScope&) = delete;
  ReserveScope& operator=(const ReserveScope&) = delete;

 private:
  BufferReserve* saved_;
};

}  // namespace xjax
