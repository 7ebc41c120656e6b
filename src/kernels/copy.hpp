// Strided n-d copies and fills over raw bytes: the one kernel behind every shape primitive.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "xjax/dtype.hpp"

namespace xjax::kernels {

// One axis of a copy: its extent and the element strides (0 or negative allowed) on each side.
struct CopyDim {
  std::int64_t size, src_stride, dst_stride;
};

// dst[i . dst_stride] = src[i . src_stride] for every index i of the dims, elements of `itemsize`
// bytes. Adjacent axes contiguous on both sides merge into one; contiguous rows are memcpy'd, a
// stride-0 source fills, and a source contiguous along another axis is copied in cache tiles.
void strided_copy(std::vector<CopyDim> dims, std::size_t itemsize, const std::byte* src, std::byte* dst);

// dst[0..n) = *value, elements of `itemsize` bytes.
void fill(std::byte* dst, std::int64_t n, const std::byte* value, std::size_t itemsize);

// Element strides of a contiguous row-major array.
std::vector<std::int64_t> row_major_strides(const Shape& shape);

}  // namespace xjax::kernels
