// float32 matrix products on oneDNN's matmul, for the shapes it computes faster than OpenBLAS
// (bench/gemm_backends.cpp, docs/threads.md). Built when CMake finds oneDNN (libdnnl-dev).
#pragma once
#include "kernels/blas.hpp"

namespace xjax::kernels {

// Computes c = op(a) @ op(b) as batched_matmul does and returns true, or returns false for a shape
// OpenBLAS is faster on (vectors, products of under about a million multiply-adds).
bool onednn_matmul(const float* a, const float* b, float* c, const MatmulShape& s);

}  // namespace xjax::kernels
