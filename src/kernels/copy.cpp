// Strided n-d copies and fills over raw bytes (dtype-agnostic: only the element size matters).
#include "kernels/copy.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "xjax/errors.hpp"

namespace xjax::kernels {
namespace {

// Offsets are integers, not pointers, so stepping past the end of an axis is never pointer UB.
template <class T>
void copy_row(std::int64_t n, const T* src, std::int64_t ss, T* dst, std::int64_t ds) {
  if (ss == 1 && ds == 1) {
    std::memcpy(dst, src, static_cast<std::size_t>(n) * sizeof(T));
  } else if (ss == 0) {
    const T v = *src;
    if (ds == 1) std::fill(dst, dst + n, v);
    else
      for (std::int64_t j = 0; j < n; ++j) dst[j * ds] = v;
  } else if (ds == 1) {
    for (std::int64_t j = 0; j < n; ++j) dst[j] = src[j * ss];
  } else {
    for (std::int64_t j = 0; j < n; ++j) dst[j * ds] = src[j * ss];
  }
}

// A 2-d copy in square tiles, so that both the strided reads and the writes stay in cache (transpose).
template <class T>
void copy_tiled(const CopyDim& a, const CopyDim& b, const T* src, T* dst) {
  constexpr std::int64_t tile = 64 / sizeof(T) < 16 ? 16 : 64 / sizeof(T);
  for (std::int64_t i0 = 0; i0 < a.size; i0 += tile) {
    const std::int64_t i1 = std::min(a.size, i0 + tile);
    for (std::int64_t j0 = 0; j0 < b.size; j0 += tile) {
      const std::int64_t j1 = std::min(b.size, j0 + tile);
      for (std::int64_t i = i0; i < i1; ++i) {
        const T* s = src + i * a.src_stride;
        T* d = dst + i * a.dst_stride;
        for (std::int64_t j = j0; j < j1; ++j) d[j * b.dst_stride] = s[j * b.src_stride];
      }
    }
  }
}

// A complex128 element, moved as it is.
struct Bytes16 {
  std::uint64_t lo, hi;
};

template <class T>
void copy_typed(const std::vector<CopyDim>& dims, bool tiled, const T* src, T* dst) {
  const int nd = static_cast<int>(dims.size());
  const int outer = nd - (tiled ? 2 : 1);
  std::vector<std::int64_t> idx(static_cast<std::size_t>(std::max(outer, 0)), 0);
  std::int64_t so = 0, dof = 0;
  const CopyDim& last = dims[static_cast<std::size_t>(nd - 1)];
  for (;;) {
    if (tiled) copy_tiled(dims[static_cast<std::size_t>(nd - 2)], last, src + so, dst + dof);
    else copy_row(last.size, src + so, last.src_stride, dst + dof, last.dst_stride);
    int k = outer - 1;
    for (; k >= 0; --k) {
      const CopyDim& d = dims[static_cast<std::size_t>(k)];
      so += d.src_stride;
      dof += d.dst_stride;
      if (++idx[static_cast<std::size_t>(k)] < d.size) break;
      so -= d.src_stride * d.size;
      dof -= d.dst_stride * d.size;
      idx[static_cast<std::size_t>(k)] = 0;
    }
    if (k < 0) return;
  }
}

template <class T>
void fill_typed(T* dst, std::int64_t n, const std::byte* value) {
  T v;
  std::memcpy(&v, value, sizeof(T));
  std::fill(dst, dst + n, v);
}

}  // namespace

void strided_copy(std::vector<CopyDim> dims, std::size_t itemsize, const std::byte* src, std::byte* dst) {
  // Axes of extent 1 do not move anything; an axis of extent 0 means nothing to copy.
  std::vector<CopyDim> kept;
  for (const CopyDim& d : dims) {
    if (d.size == 0) return;
    if (d.size != 1) kept.push_back(d);
  }
  // Merge axis i into i+1 when stepping i equals a full sweep of i+1 on both sides.
  std::vector<CopyDim> merged;
  for (const CopyDim& d : kept) {
    if (!merged.empty()) {
      CopyDim& prev = merged.back();
      if (prev.src_stride == d.src_stride * d.size && prev.dst_stride == d.dst_stride * d.size) {
        prev = {prev.size * d.size, d.src_stride, d.dst_stride};
        continue;
      }
    }
    merged.push_back(d);
  }
  if (merged.empty()) merged.push_back({1, 1, 1});
  // Strided reads along the row but unit reads along another axis: copy in tiles over those two.
  bool tiled = false;
  const CopyDim& last = merged.back();
  if (merged.size() >= 2 && std::abs(last.src_stride) > 1 && std::abs(last.dst_stride) == 1) {
    for (std::size_t k = 0; k + 1 < merged.size(); ++k)
      if (std::abs(merged[k].src_stride) == 1) {
        std::rotate(merged.begin() + static_cast<std::ptrdiff_t>(k), merged.begin() + static_cast<std::ptrdiff_t>(k) + 1,
                    merged.end() - 1);
        tiled = true;
        break;
      }
  }
  switch (itemsize) {
    case 1: return copy_typed(merged, tiled, reinterpret_cast<const std::uint8_t*>(src), reinterpret_cast<std::uint8_t*>(dst));
    case 2: return copy_typed(merged, tiled, reinterpret_cast<const std::uint16_t*>(src), reinterpret_cast<std::uint16_t*>(dst));
    case 4: return copy_typed(merged, tiled, reinterpret_cast<const std::uint32_t*>(src), reinterpret_cast<std::uint32_t*>(dst));
    case 8: return copy_typed(merged, tiled, reinterpret_cast<const std::uint64_t*>(src), reinterpret_cast<std::uint64_t*>(dst));
    case 16: return copy_typed(merged, tiled, reinterpret_cast<const Bytes16*>(src), reinterpret_cast<Bytes16*>(dst));
    default: throw ValueError("copy", "unsupported element size ", itemsize);
  }
}

void fill(std::byte* dst, std::int64_t n, const std::byte* value, std::size_t itemsize) {
  switch (itemsize) {
    case 1: return fill_typed(reinterpret_cast<std::uint8_t*>(dst), n, value);
    case 2: return fill_typed(reinterpret_cast<std::uint16_t*>(dst), n, value);
    case 4: return fill_typed(reinterpret_cast<std::uint32_t*>(dst), n, value);
    case 8: return fill_typed(reinterpret_cast<std::uint64_t*>(dst), n, value);
    case 16: return fill_typed(reinterpret_cast<Bytes16*>(dst), n, value);
    default:
      throw ValueError("fill", "unsupported element size ", itemsize);
  }
}

std::vector<std::int64_t> row_major_strides(const Shape& shape) {
  std::vector<std::int64_t> s(shape.size(), 1);
  for (std::size_t i = shape.size(); i-- > 1;) s[i - 1] = s[i] * shape[i];
  return s;
}

}  // namespace xjax::kernels
