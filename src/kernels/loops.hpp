// Elementwise loops over contiguous buffers with xsimd batches of the instruction set this file is
// compiled for. Only src/kernels/isa/*.cpp include it (CMakeLists.txt compiles them once per set,
// defining XJAX_ISA, the namespace, and XJAX_SIMD_ARCH, the xsimd architecture).
#pragma once
#include <algorithm>
#include <cstdint>
#include <type_traits>

#ifndef XJAX_ISA
#error "kernels/loops.hpp belongs to the per-instruction-set kernel files (src/kernels/isa/)"
#endif

// g++ 12 warns inside its own AVX-512 intrinsics (_mm512_undefined_*) when xsimd inlines them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <xsimd/xsimd.hpp>
#pragma GCC diagnostic pop

namespace xjax::kernels::XJAX_ISA {

// Explicit architectures without FMA (sse4_2, avx2, avx512f; xsimd 8.1's avx512bw/dq kernels do not
// compile with g++ 12): xsimd's polynomials then round every step the same way on each set, and
// -ffp-contract=off keeps the compiler from fusing them either, so values never depend on the set.
using simd_arch = XJAX_SIMD_ARCH;
template <class T>
using Batch = xsimd::batch<T, simd_arch>;

template <class T>
inline constexpr bool simd_type = std::is_same_v<T, float> || std::is_same_v<T, double>;

// Functors whose `simd` member is true also accept xsimd batches, and then every element goes
// through the batch code, the last ones too (in a padded batch): a value never depends on where it
// sits in an array or on the vector width.
template <class B, class T>
B load_partial(const T* p, std::int64_t n) {  // n < B::size elements; the rest repeat p[0]
  alignas(64) T buf[B::size];
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(B::size); ++k) buf[k] = p[k < n ? k : 0];
  return B::load_aligned(buf);
}
template <class B, class T>
void store_partial(const B& v, T* p, std::int64_t n) {
  alignas(64) T buf[B::size];
  v.store_aligned(buf);
  for (std::int64_t k = 0; k < n; ++k) p[k] = buf[k];
}

// out[i] = f(in[i]).
template <class F, class T, class U>
void unary_loop(F f, const T* in, U* out, std::int64_t n) {
  std::int64_t i = 0;
  if constexpr (simd_type<T> && std::is_same_v<T, U> && F::simd) {
    using B = Batch<T>;
    constexpr std::int64_t w = B::size;
    for (; i + w <= n; i += w) f(B::load_unaligned(in + i)).store_unaligned(out + i);
    if (i < n) store_partial(f(load_partial<B>(in + i, n - i)), out + i, n - i);
    return;
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
    for (; i < n; i += w) {  // the last elements (or all, if both operands are broadcast)
      const std::int64_t r = std::min(w, n - i);
      B va = na == 1 ? B(a[0]) : load_partial<B>(a + i, r), vb = nb == 1 ? B(b[0]) : load_partial<B>(b + i, r);
      store_partial(f(va, vb), out + i, r);
    }
    return;
  }
  const std::int64_t sa = na == 1 ? 0 : 1, sb = nb == 1 ? 0 : 1;
  for (; i < n; ++i) out[i] = f(a[i * sa], b[i * sb]);
}

}  // namespace xjax::kernels::XJAX_ISA
