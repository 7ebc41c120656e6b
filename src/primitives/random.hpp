// Internal pieces of xjax::random shared by the key operations and the samplers.
#pragma once
#include <initializer_list>
#include <optional>
#include <utility>

#include "xjax/random.hpp"

namespace xjax::random::detail {

// Throws unless `key` is a raw threefry key: uint32 with shape (2,).
void check_key(const char* op, const Array& key);
// Throws ValueError naming `op` for a negative extent.
void check_shape(const char* op, const Shape& shape);
// Throws DTypeError naming `op` unless dtype is float32 or float64.
void check_floating(const char* op, DType dtype);
// The shape of a draw: `shape` when given (each parameter shape must broadcast to it unchanged),
// else the parameters' broadcast; a ShapeError or ValueError names `op`.
Shape sample_shape(const char* op, const std::optional<Shape>& shape, std::initializer_list<Shape> params);
// A C++ constant as a strongly typed 0-d array of `dtype`.
Array constant(double v, DType dtype);
// finfo(dtype).tiny and .eps of a float dtype: the bounds JAX's samplers keep their draws within.
double tiny(DType dtype);
double eps(DType dtype);
// The two threefry words hashed from each element's 64-bit position in `shape`: JAX's
// partitionable counter layout (iota_2x32_shape). split keys and random bits are built from them.
std::pair<Array, Array> hash_positions(const Array& key, const Shape& shape);

}  // namespace xjax::random::detail
