// Batched dense factorisations and triangular solves through LAPACK and CBLAS (OpenBLAS), float32,
// float64, complex64 and complex128 (Hermitian where real ones are symmetric; eigenvalues and
// singular values in the real dtype). Every operand is a contiguous row-major stack of `batch` matrices; failures
// (non-positive-definite, no convergence, non-finite input) give NaN-filled results, never throw.
#pragma once
#include <cstdint>

#include "xjax/dtype.hpp"

namespace xjax::kernels {

// l = the lower Cholesky factor of each symmetric [n, n] matrix given by its lower triangle, or with
// symmetrize by (a + a^H) / 2 (upper triangle of l zero).
void cholesky(DType dtype, const void* a, void* l, std::int64_t batch, std::int64_t n, bool symmetrize = false);

// The cotangent of a (the transpose of cholesky's tangent map) from the factor l and the cotangent c
// of l, as the composition of cholesky's JVP rule transposes it; lower triangle (upper zero), or
// Hermitian with symmetrize.
void cholesky_cotangent(DType dtype, const void* l, const void* c, void* out, std::int64_t batch, std::int64_t n,
                        bool symmetrize);

// x with a x = b for [n, n] matrices a and [n, k] right-hand sides b (inf or NaN where a is
// singular), keeping the factorisation for solve_factored: factors [n, n] and pivots [n], LAPACK's
// getrf of a^T (no transposed copy).
void solve(DType dtype, const void* a, const void* b, void* x, void* factors, std::int32_t* pivots, std::int64_t batch,
           std::int64_t n, std::int64_t k);
// x with a x = c, or a^T x = c when transpose (no conjugation), from solve's factors of a.
void solve_factored(DType dtype, const void* factors, const std::int32_t* pivots, const void* c, void* x,
                    std::int64_t batch, std::int64_t n, std::int64_t k, bool transpose);

// Solves op(a) x = b (left_side) or x op(a) = b for x, a triangular [k, k], b and x [m, n] with
// k = m (left) or n (right); op transposes when transpose_a and conjugates when conjugate_a (complex
// only); unit_diagonal does not read a's diagonal.
struct TriangularSolveShape {
  std::int64_t batch = 1, m = 0, n = 0;
  bool left_side = true, lower = true, transpose_a = false, unit_diagonal = false, conjugate_a = false;
};
void triangular_solve(DType dtype, const void* a, const void* b, void* x, const TriangularSolveShape& s);

// Partial-pivoting LU of [m, n] matrices: P a = L U, with L (unit diagonal, not stored) and U packed
// in lu. pivots [min(m, n)]: row i was swapped with row pivots[i] (0-based, in order);
// permutation [m]: row i of P a is row permutation[i] of a.
void lu(DType dtype, const void* a, void* lu, std::int32_t* pivots, std::int32_t* permutation, std::int64_t batch,
        std::int64_t m, std::int64_t n);

// Eigenvalues (ascending, [n]) and orthonormal eigenvectors (columns of [n, n]) of each symmetric
// (Hermitian) matrix given by its lower triangle.
void eigh(DType dtype, const void* a, void* eigenvectors, void* eigenvalues, std::int64_t batch, std::int64_t n);

// a = q r for [m, n] matrices, k = min(m, n): q [m, k] and r [k, n], or q [m, m] and r [m, n] when complete.
void qr(DType dtype, const void* a, void* q, void* r, std::int64_t batch, std::int64_t m, std::int64_t n,
        bool complete);

// Eigenvalues [n] and right eigenvectors (columns of [n, n], each of unit norm with its largest
// component real, as LAPACK's geev) of general [n, n] matrices, in LAPACK's order. Both outputs are
// complex of the input's precision; eigenvectors null: eigenvalues only.
void eig(DType dtype, const void* a, void* eigenvalues, void* eigenvectors, std::int64_t batch, std::int64_t n);

// a = u diag(s) vh for [m, n] matrices, s [k] descending (k = min(m, n)). u [m, k] and vh [k, n], or
// u [m, m] and vh [n, n] when full_matrices; u and vh null: singular values only.
void svd(DType dtype, const void* a, void* s, void* u, void* vh, std::int64_t batch, std::int64_t m,
         std::int64_t n, bool full_matrices);

}  // namespace xjax::kernels
