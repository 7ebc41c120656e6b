// lax.fft, the one primitive behind xjax::fft (src/ops/fft.cpp).
#pragma once
#include "primitives/common.hpp"

namespace xjax::lax {

// FFT and IFFT: complex to complex; RFFT: real to the n / 2 + 1 non-negative frequencies of the last
// axis; IRFFT: back. The inverses include the 1/N.
enum class FftType { fft, ifft, rfft, irfft };
// The transform over the trailing lengths.size() axes of x (the logical lengths: IRFFT's last output length).
Array fft(const Array& x, FftType type, const Ints& lengths);

}  // namespace xjax::lax
