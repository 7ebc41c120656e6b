// Entry points of the vectorised kernels. Each family's table is compiled once per instruction set
// (src/kernels/isa/*.cpp, in namespaces sse4, avx2 and avx512); callers go through the active set's
// table, so one library runs at full width on any x86-64 CPU.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/isa.hpp"
#include "xjax/dtype.hpp"
#include "xjax/ir.hpp"

namespace xjax::kernels {

// Tile kernels (ir.hpp) of the elementwise primitives, over every dtype the primitive accepts.
struct ElementwiseKernels {
  TileKernel neg, abs, sign, floor, ceil, round, exp, exp2, log, log1p, expm1, sqrt, rsqrt, cbrt, sin, cos, tan,
      asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, logistic, erf, erfc, erf_inv, lgamma, digamma,
      polygamma, is_finite, logical_not, identity;
  TileKernel add, sub, mul, div, rem, pow, max, min, atan2, nextafter, bit_and, bit_or, bit_xor, shift_left,
      shift_right_arithmetic, shift_right_logical, eq, ne, lt, le, gt, ge;
  // n float16 or bfloat16 elements (d) to float32 and back, rounding to nearest even (F16C where the
  // set has it); the bits of xjax/half.hpp's conversions.
  void (*widen_half)(DType d, const void* in, float* out, std::int64_t n);
  void (*narrow_half)(DType d, const float* in, void* out, std::int64_t n);
};

enum class ReduceOp : std::uint8_t { sum, prod, max, min, logical_and, logical_or };

// Reductions and scans of contiguous row-major arrays. Float sums accumulate as kernels/reduce.hpp
// describes; the bits of every result are the same under each instruction set and thread count.
struct ReductionKernels {
  // out = x reduced with op over the axes where `reduced` is true.
  void (*reduce)(ReduceOp op, DType d, const void* x, const Shape& shape, const std::vector<bool>& reduced, void* out);
  // One tile (n <= tile_size elements) of a full sum, max or min of floats, as a double: jit's fused
  // kernels fold these exactly as reduce folds its own tiles.
  double (*reduce_tile)(ReduceOp op, DType d, const void* x, std::int64_t n);
  // Inclusive scan of x viewed as [outer, n, inner] along the middle axis (from the end if reverse).
  void (*scan)(ReduceOp op, DType d, const void* x, std::int64_t outer, std::int64_t n, std::int64_t inner,
               bool reverse, void* out);
  // First index of the maximum (is_max) or minimum along the middle axis of [outer, n, inner], n >= 1,
  // written as int32 or int64 (index_dtype).
  void (*arg_reduce)(bool is_max, DType d, DType index_dtype, const void* x, std::int64_t outer, std::int64_t n,
                     std::int64_t inner, void* out);
};
inline constexpr std::int64_t tile_size = 1024;

namespace sse4 {
extern const ElementwiseKernels elementwise;
extern const ReductionKernels reduction;
}  // namespace sse4
namespace avx2 {
extern const ElementwiseKernels elementwise;
extern const ReductionKernels reduction;
}  // namespace avx2
namespace avx512 {
extern const ElementwiseKernels elementwise;
extern const ReductionKernels reduction;
}  // namespace avx512

// The active instruction set's tables.
inline const ElementwiseKernels& elementwise() {
  static constexpr const ElementwiseKernels* tables[num_isas] = {&sse4::elementwise, &avx2::elementwise,
                                                                 &avx512::elementwise};
  return *tables[static_cast<int>(active_isa())];
}
inline const ReductionKernels& reduction() {
  static constexpr const ReductionKernels* tables[num_isas] = {&sse4::reduction, &avx2::reduction, &avx512::reduction};
  return *tables[static_cast<int>(active_isa())];
}

// The tile kernel an elementwise primitive registers: the active set's member M.
template <TileKernel ElementwiseKernels::*M>
void elementwise_tile(const TileArgs& a) {
  (elementwise().*M)(a);
}

}  // namespace xjax::kernels
