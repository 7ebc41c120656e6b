// Elementwise loops over contiguous buffers: SIMD body + scalar tail, one functor for both.
#pragma once
#include <cstdint>
#include <type_traits>

// g++ 12 warns inside its own AVX-512 intrinsics (_mm512_undefined_*) when xsimd inlines them.
#pragma GCC diagnostic ignored "-Wuninitialized"
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <xsimd/xsimd.hpp>

namespace xjax::kernels {

// xsimd 8.1's avx512bw/avx512dq kernels do not compile with g++ 12; its avx512f ones do.
#if XSIMD_WITH_AVX512F
using simd_arch = xsimd::avx512f;
#else
using simd_arch = xsimd::default_arch;
#endif
template <class T>
using Batch = xsimd::batch<T, simd_arch>;

template <class T>
inline constexpr bool simd_type = std::is_same_v<T, float> || std::is_same_v<T, double>;

// out[i] = f(in[i]). Functors whose `simd` member is true also accept xsimd batches.
template <class F, class T, class U>
void unary_loop(F f, const T* in, U* out, std::int64_t n) {
  std::int64_t i = 0;
  if constexpr (simd_type<T> && std::is_same_v<T, U> && F::simd) {
    using B = Batch<T>;
    constexpr std::int64_t w = B::size;
    for (; i + w <= n; i += w) f(B::load_unaligned(in + i)).store_unaligned(out + i);
  }
  for (; i < n; ++i) out[i] = f(in[i]);
}

// out[i] = f(a[i], b[i]); a 0-d operand (na == 1 or nb == 1) is broadcast.
template <class F, class T, class U>
void binary_loop(F f, const T* a, std::int64_t na, const T* b, std::int64_t nb, U* out, std::int64_t n) {
  std::int64_t i = 0;
  if constexpr (simd_type<T> && std::is_same_v<T, U> && F::simd) {
    using B = Batch<T>;
    constexpr std::int64_t w = B::size;
    if (na == n && nb == n) {
      for (; i + w <= n; i += w) f(B::load_unaligned(a + i), B::load_unaligned(b + i)).store_unaligned(out + i);
    } else if (na == n) {
      B vb(b[0]);
      for (; i + w <= n; i += w) f(B::load_unaligned(a + i), vb).store_unaligned(out + i);
    } else if (nb == n) {
      B va(a[0]);
      for (; i + w <= n; i += w) f(va, B::load_unaligned(b + i)).store_unaligned(out + i);
    }
  }
  const std::int64_t sa = na == 1 ? 0 : 1, sb = nb == 1 ? 0 : 1;
  for (; i < n; ++i) out[i] = f(a[i * sa], b[i * sb]);
}

}  // namespace xjax::kernels
