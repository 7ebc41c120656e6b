// Storage for array buffers (see buffer_pool.cpp for why large ones are recycled).
#pragma once
#include <cstddef>
#include <memory>

namespace xjax {

// At least `bytes` of 64-byte aligned memory, freed (or kept for reuse) when the last owner goes;
// nullptr when the system has none.
std::shared_ptr<void> allocate_buffer(std::size_t bytes);

}  // namespace xjax
