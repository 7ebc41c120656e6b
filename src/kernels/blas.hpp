// Batched matrix products: CBLAS (OpenBLAS) for float32/float64, plain wrapping loops for integers and bool.
#pragma once
#include <cstdint>

#include "xjax/dtype.hpp"

namespace xjax::kernels {

// c[b] = op(a[b]) @ op(b[b]) for every b < batch, all operands contiguous and row-major.
// a[b] is [m, k] ([k, m] when trans_a), b[b] is [k, n] ([n, k] when trans_b), c[b] is [m, n].
struct MatmulShape {
  std::int64_t batch = 1, m = 1, n = 1, k = 1;
  bool trans_a = false, trans_b = false;
};

// Any dtype; integers accumulate with wrap-around, bool is any(a and b). k == 0 gives zeros.
void batched_matmul(DType dtype, const void* a, const void* b, void* c, const MatmulShape& s);

}  // namespace xjax::kernels
