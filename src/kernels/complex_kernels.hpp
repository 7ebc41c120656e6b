// Kernels of complex64 and complex128: elementwise tile kernels and reductions. They are scalar
// loops over std::complex, compiled once for the baseline instruction set, so every CPU computes
// the same bits; the transcendental functions are glibc's complex functions.
#pragma once
#include <cstdint>
#include <vector>

#include "xjax/dtype.hpp"
#include "xjax/ir.hpp"

namespace xjax::kernels {

struct ComplexKernels {
  // Complex operands, complex results (abs: real results).
  TileKernel neg, abs, sign, exp, exp2, log, log1p, expm1, sqrt, rsqrt, sin, cos, tan, asin, acos, atan, sinh, cosh,
      tanh, asinh, acosh, atanh, logistic, identity;
  TileKernel add, sub, mul, div, pow, eq, ne;
  // real, imag: complex -> real; conj: complex -> complex; make_complex: (re, im) real -> complex.
  TileKernel real, imag, conj, make_complex;
  // x ** params["y"] for a static integer y, by squaring.
  TileKernel integer_pow;
};
extern const ComplexKernels complex_kernels;

// out = x summed (prod = false) or multiplied over the axes where `reduced` is true; x is row-major.
// Sums accumulate in std::complex<double>, pairwise over 1,024-element tiles.
void complex_reduce(bool prod, DType d, const void* x, const Shape& shape, const std::vector<bool>& reduced, void* out);

// Inclusive running sum (prod = false) or product of x viewed as [outer, n, inner], along the
// middle axis (from the end if reverse).
void complex_scan(bool prod, DType d, const void* x, std::int64_t outer, std::int64_t n, std::int64_t inner,
                  bool reverse, void* out);

// The tile kernel for an elementwise primitive that also takes complex operands: the real kernel R
// for real operands, the complex kernel C otherwise (by the first operand's dtype).
template <TileKernel R, TileKernel ComplexKernels::*C>
void real_or_complex_tile(const TileArgs& a) {
  if (is_complex(a.in_dtype[0])) (complex_kernels.*C)(a);
  else R(a);
}

}  // namespace xjax::kernels
