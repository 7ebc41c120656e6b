// Internal pieces of xjax::random shared by the key operations and the samplers.
#pragma once
#include <utility>

#include "xjax/random.hpp"

namespace xjax::random::detail {

// Throws unless `key` is a raw threefry key: uint32 with shape (2,).
void check_key(const char* op, const Array& key);
// Throws ValueError naming `op` for a negative extent.
void check_shape(const char* op, const Shape& shape);
// The two threefry words hashed from each element's 64-bit position in `shape`: JAX's
// partitionable counter layout (iota_2x32_shape). split keys and random bits are built from them.
std::pair<Array, Array> hash_positions(const Array& key, const Shape& shape);

}  // namespace xjax::random::detail
