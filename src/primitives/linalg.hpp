// Lax-style entry points of the linear-algebra primitives (no symmetrisation, broadcasting or
// vector right-hand sides), shared by their rules and by xjax::linalg, and the matrix helpers
// their rules use. Operands are stacks of matrices [..., m, n] of float32, float64, complex64 or
// complex128; for complex matrices "symmetric" reads Hermitian and a^T in op(a) may be conjugated.
#pragma once
#include "primitives/common.hpp"

namespace xjax::lax {

// The lower Cholesky factor of the symmetric matrices given by their lower triangles (the upper
// triangle is not read), or of (a + a^T) / 2 with symmetrize_input; NaN-filled where a matrix is not
// positive definite.
Array cholesky(const Array& a, bool symmetrize_input = false);
// x with op(a) x = b (left_side) or x op(a) = b, a triangular (only the `lower` or upper triangle
// read; its diagonal taken as ones when unit_diagonal), op(a) = a^T when transpose_a, conjugated
// (a^H, or conj(a) alone) when conjugate_a. a and b share their batch dimensions.
struct TriangularSolve {
  bool left_side = true, lower = true, transpose_a = false, unit_diagonal = false, conjugate_a = false;
};
Array triangular_solve(const Array& a, const Array& b, const TriangularSolve& how);
// x with a x = b, b [..., n, k] with a's batch dimensions; inf or NaN where a is singular.
Array solve(const Array& a, const Array& b);
// Partial-pivoting LU, P a = L U: {lu (L below the unit diagonal, U on and above), pivots (int32,
// row swaps in order), permutation (int32, row i of P a is row permutation[i] of a)}.
Arrays lu(const Array& a);
// {eigenvectors (columns), eigenvalues ascending} of the symmetric matrices given by their lower triangles.
Arrays eigh(const Array& a);
// {eigenvalues, right eigenvectors (columns of unit norm)} of general square matrices, both complex;
// {eigenvalues} alone without vectors. In LAPACK's order (unsorted). The eigenvectors' JVP raises
// TransformError unless enable_eigvec_derivs (it holds for phase-invariant functions only).
Arrays eig(const Array& a, bool compute_right_eigenvectors, bool enable_eigvec_derivs = false);
// {q, r}: reduced ([m, k], [k, n], k = min(m, n)) or complete ([m, m], [m, n]).
Arrays qr(const Array& a, bool complete);
// {s descending, u, vh}, reduced or full; {s} alone without vectors.
Arrays svd(const Array& a, bool full_matrices, bool compute_uv);

}  // namespace xjax::lax

namespace xjax {
// Shape-rule checks shared by the linalg primitives: a float or complex stack of matrices
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
Array matrix_adjoint(const Array& x);    // the conjugate transpose (the transpose for real x)
Array abs_squared(const Array& x);       // |x|^2, real: x^2 for real x, Re(x conj(x)) for complex x
// The symmetric (Hermitian) matrix x's lower triangle defines; a Hermitian matrix's diagonal is real,
// so the imaginary part of x's diagonal is not read, as LAPACK does not read it.
Array symmetrize_lower(const Array& x);
// 1 / (x_j - x_i) off the diagonal and 0 on it, for x [..., n] (n x n per matrix): the factor of
// the eigenvector rules. Equal entries give inf: the derivative is undefined there.
Array reciprocal_differences(const Array& x);
// The [n, n] identity in x's dtype; it broadcasts against stacks of matrices.
Array identity_like(const Array& x, std::int64_t n);
}  // namespace xjax
