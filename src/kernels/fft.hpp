// Unnormalised discrete Fourier transforms along the middle axis of row-major [outer, n, inner] arrays.
#pragma once
#include <complex>
#include <cstdint>

namespace xjax::kernels {

// All three transform every line [o, :, i] (o < outer, i < inner) of `in` independently, for any n >= 1,
// in O(n log n); n == 0 or outer * inner == 0 does nothing. `in` and `out` must not overlap. Lines are
// spread over the thread pool, each computed by one thread, so results do not depend on the thread
// count. Throws only std::bad_alloc; the caller validates shapes. Instantiated for float and double.

// out[o, k, i] = sum_j in[o, j, i] * exp(-+2 pi i j k / n), sign - forward and + inverse, unscaled.
// in and out are both [outer, n, inner].
template <class T>
void fft_c2c(const std::complex<T>* in, std::complex<T>* out, std::int64_t outer, std::int64_t n,
             std::int64_t inner, bool inverse);

// The n / 2 + 1 non-negative frequencies of real lines (numpy.fft.rfft, unscaled): in is
// [outer, n, inner], out is [outer, n / 2 + 1, inner].
template <class T>
void fft_r2c(const T* in, std::complex<T>* out, std::int64_t outer, std::int64_t n, std::int64_t inner);

// The real lines of length n whose non-negative frequencies are `in` (numpy.fft.irfft times n): in is
// [outer, n / 2 + 1, inner], out is [outer, n, inner]. The imaginary parts of the zero frequency, and
// of the Nyquist frequency n / 2 when n is even, are ignored, as numpy does.
template <class T>
void fft_c2r(const std::complex<T>* in, T* out, std::int64_t outer, std::int64_t n, std::int64_t inner);

}  // namespace xjax::kernels
