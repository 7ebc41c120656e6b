// Lax-style entry points of the linear-algebra primitives (no symmetrisation, broadcasting or
// vector right-hand sides), shared by their rules and by xjax::linalg, and the matrix helpers
// their rules use. Operands are stacks of matrices [..., m, n] of float32 or float64.
#pragma once
#include "primitives/common.hpp"

namespace xjax::lax {

// The lower Cholesky factor of the symmetric matrices given by their lower triangles (the upper
// triangle is not read), or of (a + a^T) / 2 with symmetrize_input; NaN-filled where a matrix is not
// positive definite.
Array cholesky(const Array& a, bool symmetrize_input = false);
// x with op(a) x = b (left_side) or x op(a) = b, a triangular (only the `lower` or upper triangle
// read; its diagonal taken as ones when unit_diagonal), op(a) = a^T when transpose_a. a and b share
// their batch dimensions.
struct TriangularSolve {
  bool left_side = true, lower = true, transpose_a = false, unit_diagonal = false;
};
Array triangular_solve(const Array& a, const Array& b, const TriangularSolve& how);
// Partial-pivoting LU, P a = L U: {lu (L below the unit diagonal, U on and above), pivots (int32,
// row swaps in order), permutation (int32, row i of P a is row permutation[i] of a)}.
Arrays lu(const Array& a);
// {eigenvectors (columns), eigenvalues ascending} of the symmetric matrices given by their lower triangles.
Arrays eigh(const Array& a);
// {q, r}: reduced ([m, k], [k, n], k = min(m, n)) or complete ([m, m], [m, n]).
Arrays qr(const Array& a, bool complete);
// {s descending, u, vh}, reduced or full; {s} alone without vectors.
Arrays svd(const Array& a, bool full_matrices, bool compute_uv);

}  // namespace xjax::lax

namespace xjax {
// Shape-rule checks shared by the linalg primitives: a float32/float64 stack of matrices
// (DTypeError, ShapeError), square when asked.
void check_matrix_stack(const char* op, const ShapedArray& a, bool square);
std::int64_t matrix_count(const ShapedArray& a);  // the product of the batch dimensions
inline std::int64_t matrix_rows(const ShapedArray& a) { return a.shape[a.shape.size() - 2]; }
inline std::int64_t matrix_cols(const ShapedArray& a) { return a.shape[a.shape.size() - 1]; }
// The batching rule of the one-operand linalg primitives: the batch axis moves to the front, where
// their kernels loop over it.
std::pair<Arrays, BatchDims> matrix_stack_batch(const Primitive& p, const Arrays& v, const BatchDims& d,
                                                const Params& params);
// Matrix helpers over the last two axes.
Array matrix_transpose(const Array& x);  // swaps the last two axes
Array symmetrize_lower(const Array& x);  // the symmetric matrix x's lower triangle defines
// The [n, n] identity in x's dtype; it broadcasts against stacks of matrices.
Array identity_like(const Array& x, std::int64_t n);
}  // namespace xjax
