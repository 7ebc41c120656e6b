// xjax::linalg: numpy.linalg (as jax.numpy.linalg defines it) with derivatives. Matrices are the
// last two axes of float32, float64, complex64 or complex128 arrays; leading axes are batch axes,
// mapped over. For complex matrices read "Hermitian" for symmetric, "unitary" for orthonormal and
// x^H for x^T below; eigenvalues and singular values are real. Every function
// is a primitive or a composition of primitives, so grad, vmap and jit apply to all of them.
#pragma once
#include <boost/hana/adapt_struct.hpp>
#include <cstdint>
#include <optional>

#include "xjax/array.hpp"
#include "xjax/ops.hpp"

namespace xjax::linalg {

// Results are pytrees (they can be returned from jit, vmap, ...) and support structured bindings:
// `auto [w, v] = linalg::eigh(a);`.
struct LuResult {
  Array lu, pivots, permutation;  // see lu()
};
struct SlogdetResult {
  Array sign, logabsdet;
};
struct EighResult {
  Array eigenvalues, eigenvectors;
};
struct EigResult {
  Array eigenvalues, eigenvectors;
};
struct QrResult {
  Array q, r;
};
struct SvdResult {
  Array u, s, vh;
};
struct LstsqResult {
  Array solution, residuals, rank, singular_values;
};
// scipy.linalg.lu_factor's (lu, piv): lu as in lu(), piv (int32) the row swaps (row i was swapped with piv[i]).
struct LuFactor {
  Array lu, piv;
};

// ---- factorisations ----
// The Cholesky factor L (lower; U = L^T when upper) of symmetric positive-definite matrices, a = L L^T.
// a is symmetrised first, (a + a^T) / 2, as JAX does; a matrix that is not positive definite gives NaNs.
Array cholesky(const Array& a, bool upper = false);
// Partial-pivoting LU, P a = L U, of [..., m, n] matrices (jax.lax.linalg.lu): lu holds L strictly
// below the diagonal (its unit diagonal implied) and U on and above it; pivots (int32, [..., min(m, n)])
// are the row swaps in order; row i of P a is row permutation[i] (int32, [..., m]) of a.
LuResult lu(const Array& a);
// Eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices; a is symmetrised first.
// Derivatives need distinct eigenvalues (they are undefined, and come out inf/NaN, at repeated ones).
EighResult eigh(const Array& a);
Array eigvalsh(const Array& a);
// Eigenvalues and right eigenvectors (columns, each of unit norm with its largest component real) of
// general square matrices, complex for real input too, in LAPACK's order (unsorted, as numpy).
// Integer input is converted to floating point. Derivatives need distinct eigenvalues. An
// eigenvector's derivative is defined up to its phase, so it holds only for functions that do not
// depend on the phases (|v|, projectors): as JAX, differentiating eig raises TransformError unless
// enable_eigvec_derivs is true (eigvals differentiates without it).
EigResult eig(const Array& a, bool enable_eigvec_derivs = false);
Array eigvals(const Array& a);
// a = q r with orthonormal columns in q and r upper triangular. reduced: q [..., m, k], r [..., k, n],
// k = min(m, n); complete: q [..., m, m], r [..., m, n].
enum class QrMode { reduced, complete };
QrResult qr(const Array& a, QrMode mode = QrMode::reduced);
// a = u diag(s) vh with s descending. full_matrices (numpy's default): u [..., m, m], vh [..., n, n];
// otherwise u [..., m, k], vh [..., k, n]. Derivatives of u and vh need distinct non-zero singular values.
SvdResult svd(const Array& a, bool full_matrices = true);
Array svdvals(const Array& a);  // the singular values alone, [..., k]

// ---- solving ----
// x with op(a) x = b (left_side) or x op(a) = b, for triangular a: only its lower (or upper)
// triangle is read, and its diagonal is taken as ones when unit_diagonal; op(a) = a^T when transpose_a.
// b is [..., m, n] with a's batch dimensions, or a vector [..., m] when b.ndim == a.ndim - 1.
struct TriangularSolveOptions {
  bool left_side = true;
  bool lower = true;
  bool transpose_a = false;
  bool unit_diagonal = false;
  bool conjugate_a = false;  // op(a) = conj(a), or a^H with transpose_a (complex a)
};
Array triangular_solve(const Array& a, const Array& b, TriangularSolveOptions options = {});
// x with a x = b. As numpy 2: b is a vector [m] when b.ndim == 1, otherwise a stack [..., m, k]
// whose batch dimensions broadcast with a's. Singular a gives inf/NaN, as LAPACK's solves do.
Array solve(const Array& a, const Array& b);
Array inv(const Array& a);
Array det(const Array& a);
// det(a) = sign * exp(logabsdet), without overflow; singular matrices give sign 0, logabsdet -inf.
SlogdetResult slogdet(const Array& a);
// Least squares through the SVD: solution minimises |a x - b| (minimum norm when a is rank
// deficient), singular values below rcond * max(s) count as zero (default: eps * max(m, n));
// residuals = |b - a x|^2 per column (always computed, as JAX does), rank (int32), singular values.
LstsqResult lstsq(const Array& a, const Array& b, std::optional<double> rcond = std::nullopt);
// The Moore-Penrose pseudo-inverse; singular values below rtol * max(s) count as zero (default:
// 10 * max(m, n) * eps, as JAX). Its derivative (Golub and Pereyra) holds where the rank is constant.
Array pinv(const Array& a, std::optional<double> rtol = std::nullopt);

// ---- scipy.linalg solvers (jax.scipy.linalg) ----
// x with a x = b given the Cholesky factor c of a: lower (a = c c^T), or upper (a = c^T c) when
// lower is false. b is [..., n, k], or a vector [..., n] when b.ndim == c.ndim - 1; batch axes broadcast.
Array cho_solve(const Array& c, const Array& b, bool lower = true);
// The pivoted LU factorisation of [..., m, n] matrices, packed as scipy.linalg.lu_factor returns it.
LuFactor lu_factor(const Array& a);
// x with op(a) x = b from a's lu_factor: op(a) = a (trans 0), a^T (1) or a^H (2, the same for reals).
// b as for cho_solve.
Array lu_solve(const LuFactor& lu_and_piv, const Array& b, int trans = 0);

// ---- matrix functions ----
Array matrix_power(const Array& a, std::int64_t n);  // n < 0 inverts; n == 0 gives identities
Array trace(const Array& a, std::int64_t offset = 0);  // of the last two axes
// The matrix exponential of [..., n, n] matrices: scaling and squaring with Pade approximants
// (Higham 2005; degrees 3-13 in float64, 3-7 in float32), at most 16 squarings (NaN beyond, as JAX).
// Both modes of differentiation run through the approximant and the (masked, fixed-length) squarings.
Array expm(const Array& a);

// numpy's `ord` of norm: a number (p-norms, including +-inf and 0) or "fro" / "nuc".
class NormOrd {
 public:
  enum class Kind : std::uint8_t { number, fro, nuc };
  NormOrd(double p) : kind_(Kind::number), p_(p) {}  // NOLINT(google-explicit-constructor)
  NormOrd(const char* name);                          // NOLINT: "fro" or "nuc", else ValueError
  Kind kind() const { return kind_; }
  double p() const { return p_; }

 private:
  Kind kind_;
  double p_ = 0;
};
// As numpy.linalg.norm: no axis and no ord gives the 2-norm of the flattened array; one axis a
// vector norm, two axes a matrix norm (ord 1, -1, 2, -2, +-inf, "fro", "nuc"); no axis with ord
// given needs a 1-d or 2-d x. Integer inputs are converted to floating point.
Array norm(const Array& x, std::optional<NormOrd> ord = std::nullopt, AxisSpec axis = {}, bool keepdims = false);
Array vector_norm(const Array& x, double ord = 2, AxisSpec axis = {}, bool keepdims = false);
Array matrix_norm(const Array& x, NormOrd ord = "fro", bool keepdims = false);  // of the last two axes

}  // namespace xjax::linalg

BOOST_HANA_ADAPT_STRUCT(xjax::linalg::LuResult, lu, pivots, permutation);
BOOST_HANA_ADAPT_STRUCT(xjax::linalg::SlogdetResult, sign, logabsdet);
BOOST_HANA_ADAPT_STRUCT(xjax::linalg::EighResult, eigenvalues, eigenvectors);
BOOST_HANA_ADAPT_STRUCT(xjax::linalg::EigResult, eigenvalues, eigenvectors);
BOOST_HANA_ADAPT_STRUCT(xjax::linalg::QrResult, q, r);
BOOST_HANA_ADAPT_STRUCT(xjax::linalg::SvdResult, u, s, vh);
BOOST_HANA_ADAPT_STRUCT(xjax::linalg::LuFactor, lu, piv);
BOOST_HANA_ADAPT_STRUCT(xjax::linalg::LstsqResult, solution, residuals, rank, singular_values);
