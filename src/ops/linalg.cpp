// xjax::linalg: the numpy-style surface over the factorisation primitives (cholesky,
// triangular_solve, lu, eigh, qr, svd). Everything here composes public ops and those primitives,
// so derivatives, batching and jit come from their rules.
#include "xjax/linalg.hpp"

#include <cmath>
#include <limits>

#include "primitives/indexing.hpp"
#include "primitives/linalg.hpp"
#include "xjax/transforms.hpp"

namespace xjax::linalg {
namespace {

double epsilon(DType d) { return finfo(real_dtype(d)).eps; }

Shape batch_shape(const Array& x) { return Shape(x.shape().begin(), x.shape().end() - 2); }

Shape with_matrix(Shape batch, std::int64_t rows, std::int64_t cols) {
  batch.push_back(rows);
  batch.push_back(cols);
  return batch;
}

// A right-hand side: float or complex, in a's dtype after promotion (DTypeError for integers).
std::pair<Array, Array> promoted(const char* op, const Array& a, const Array& b) {
  if (!is_inexact(a.dtype()) || !is_inexact(b.dtype()))
    throw DTypeError(op, "needs float or complex operands, got ", a.aval(), " and ", b.aval());
  const DType d = promote_types(a.dtype(), a.weak_type(), b.dtype(), b.weak_type()).dtype;
  return {a.dtype() == d ? a : a.astype(d), b.dtype() == d ? b : b.astype(d)};
}

// a and b as stacks with one broadcast batch shape (ShapeError naming op when they clash).
std::pair<Array, Array> broadcast_batches(const char* op, const Array& a, const Array& b) {
  const Shape ba = batch_shape(a), bb = batch_shape(b);
  if (ba == bb) return {a, b};
  Shape batch(std::max(ba.size(), bb.size()), 1);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::int64_t x = i < ba.size() ? ba[ba.size() - 1 - i] : 1, y = i < bb.size() ? bb[bb.size() - 1 - i] : 1;
    if (x != y && x != 1 && y != 1)
      throw ShapeError(op, "batch dimensions of ", a.aval(), " and ", b.aval(), " do not broadcast");
    batch[batch.size() - 1 - i] = x == 1 ? y : x;
  }
  auto expand = [&](const Array& x) {
    Shape s = with_matrix(batch, matrix_rows(x.aval()), matrix_cols(x.aval()));
    return x.shape() == s ? x : broadcast_to(x, s);
  };
  return {expand(a), expand(b)};
}

// (-1)^(number of row swaps) of each LU factorisation, in dtype d.
Array permutation_sign(const Array& pivots, DType d) {
  Array swaps = sum((pivots != iota(int32, pivots.shape(), pivots.ndim() - 1)).astype(int32), -1);
  return (1 - 2 * (swaps % 2)).astype(d);
}

Array symmetrized(const Array& a) { return (a + matrix_adjoint(a)) * 0.5; }

// V diag(1/s) U^H with singular values at or below rtol * max(s) dropped.
Array pinv_from_svd(const Array& a, double rtol) {
  Arrays f = lax::svd(a, false, true);
  const Array &s = f[0], &u = f[1], &vh = f[2];
  Array kept = s > rtol * max(s, -1, true);
  Array s_inv = where(kept, 1.0 / where(kept, s, 1.0), 0.0);
  return matmul(matrix_adjoint(vh) * expand_dims(s_inv, -2), matrix_adjoint(u));
}

}  // namespace

Array cholesky(const Array& a, bool upper) {
  check_matrix_stack("cholesky", a.aval(), true);
  Array l = lax::cholesky(a, /*symmetrize_input=*/true);
  return upper ? matrix_adjoint(l) : l;
}

LuResult lu(const Array& a) {
  check_matrix_stack("lu", a.aval(), false);
  Arrays f = lax::lu(a);
  return {f[0], f[1], f[2]};
}

EighResult eigh(const Array& a) {
  check_matrix_stack("eigh", a.aval(), true);
  Arrays f = lax::eigh(symmetrized(a));
  return {f[1], f[0]};
}

Array eigvalsh(const Array& a) { return eigh(a).eigenvalues; }

EigResult eig(const Array& a, bool enable_eigvec_derivs) {
  Array x = inexact(a);
  check_matrix_stack("eig", x.aval(), true);
  Arrays f = lax::eig(x, true, enable_eigvec_derivs);
  return {f[0], f[1]};
}

Array eigvals(const Array& a) {
  Array x = inexact(a);
  check_matrix_stack("eigvals", x.aval(), true);
  return lax::eig(x, false)[0];
}

QrResult qr(const Array& a, QrMode mode) {
  check_matrix_stack("qr", a.aval(), false);
  Arrays f = lax::qr(a, mode == QrMode::complete);
  return {f[0], f[1]};
}

SvdResult svd(const Array& a, bool full_matrices) {
  check_matrix_stack("svd", a.aval(), false);
  Arrays f = lax::svd(a, full_matrices, true);
  return {f[1], f[0], f[2]};
}

Array svdvals(const Array& a) {
  check_matrix_stack("svdvals", a.aval(), false);
  return lax::svd(a, false, false)[0];
}

Array triangular_solve(const Array& a, const Array& b, TriangularSolveOptions options) {
  check_matrix_stack("triangular_solve", a.aval(), true);
  auto [ap, bp] = promoted("triangular_solve", a, b);
  const bool vector = bp.ndim() == ap.ndim() - 1;
  Array rhs = vector ? expand_dims(bp, options.left_side ? -1 : -2) : bp;
  check_matrix_stack("triangular_solve", rhs.aval(), false);
  auto [am, bm] = broadcast_batches("triangular_solve", ap, rhs);
  Array x = lax::triangular_solve(
      am, bm, {options.left_side, options.lower, options.transpose_a, options.unit_diagonal, options.conjugate_a});
  return vector ? squeeze(x, {options.left_side ? x.ndim() - 1 : x.ndim() - 2}) : x;
}

Array solve(const Array& a, const Array& b) {
  check_matrix_stack("solve", a.aval(), true);
  auto [ap, bp] = promoted("solve", a, b);
  const bool vector = bp.ndim() == 1;
  Array rhs = vector ? expand_dims(bp, -1) : bp;
  check_matrix_stack("solve", rhs.aval(), false);
  if (matrix_rows(rhs.aval()) != matrix_rows(ap.aval()))
    throw ShapeError("solve", "right-hand side ", b.aval(), " does not match ", a.aval());
  auto [am, bm] = broadcast_batches("solve", ap, rhs);
  Array x = lax::solve(am, bm);
  return vector ? squeeze(x, {x.ndim() - 1}) : x;
}

Array inv(const Array& a) {
  check_matrix_stack("inv", a.aval(), true);
  return solve(a, broadcast_to(identity_like(a, matrix_rows(a.aval())), a.shape()));
}

Array det(const Array& a) {
  check_matrix_stack("det", a.aval(), true);
  Arrays f = lax::lu(a);
  return permutation_sign(f[1], a.dtype()) * prod(diagonal(f[0], 0, -2, -1), -1);
}

SlogdetResult slogdet(const Array& a) {
  check_matrix_stack("slogdet", a.aval(), true);
  Arrays f = lax::lu(a);
  Array d = diagonal(f[0], 0, -2, -1);
  return {permutation_sign(f[1], a.dtype()) * prod(sign(d), -1), sum(log(abs(d)), -1)};
}

// The derivative of Golub and Pereyra (1973), as JAX: with p = pinv(a),
// dp = -p da p + p p^H da^H (I - a p) + (I - p a) da^H p^H p.
Array pinv(const Array& a, std::optional<double> rtol) {
  check_matrix_stack("pinv", a.aval(), false);
  const std::int64_t m = matrix_rows(a.aval()), n = matrix_cols(a.aval());
  const double cut = rtol.value_or(10.0 * static_cast<double>(std::max(m, n)) * epsilon(a.dtype()));
  if (std::min(m, n) == 0) return zeros(with_matrix(batch_shape(a), n, m), a.dtype());
  auto with_rule = custom_jvp([cut](const Array& x) { return pinv_from_svd(x, cut); },
                              [cut](const Arrays& primals, const Arrays& tangents) {
                                const Array &x = primals[0], &dx = tangents[0];
                                Array p = pinv(x, cut);
                                Array pt = matrix_adjoint(p), dxt = matrix_adjoint(dx);
                                const std::int64_t rows = matrix_rows(x.aval()), cols = matrix_cols(x.aval());
                                Array dp = -matmul(p, matmul(dx, p)) +
                                           matmul(matmul(p, pt), matmul(dxt, identity_like(x, rows) - matmul(x, p))) +
                                           matmul(identity_like(x, cols) - matmul(p, x), matmul(dxt, matmul(pt, p)));
                                return std::pair{p, dp};
                              });
  return with_rule(a);
}

LstsqResult lstsq(const Array& a, const Array& b, std::optional<double> rcond) {
  check_matrix_stack("lstsq", a.aval(), false);
  auto [ap, bp] = promoted("lstsq", a, b);
  const bool vector = bp.ndim() == 1;
  Array rhs = vector ? expand_dims(bp, -1) : bp;
  check_matrix_stack("lstsq", rhs.aval(), false);
  const std::int64_t m = matrix_rows(ap.aval()), n = matrix_cols(ap.aval());
  if (matrix_rows(rhs.aval()) != m)
    throw ShapeError("lstsq", "right-hand side ", b.aval(), " does not match ", a.aval());
  const double cut = rcond.value_or(epsilon(ap.dtype()) * static_cast<double>(std::max(m, n)));
  Array x = matmul(pinv(ap, cut), rhs);
  Array r = rhs - matmul(ap, x);
  Array residuals = sum(abs_squared(r), -2);
  Array s = svdvals(ap);
  Array rank = std::min(m, n) == 0 ? zeros(Shape(s.shape().begin(), s.shape().end() - 1), int32)
                                   : sum((s > cut * max(s, -1, true)).astype(int32), -1);
  if (vector) return {squeeze(x, {x.ndim() - 1}), squeeze(residuals, {residuals.ndim() - 1}), rank, s};
  return {x, residuals, rank, s};
}

// Repeated squaring: ceil(log2 n) products and squarings.
Array matrix_power(const Array& a, std::int64_t n) {
  if (a.ndim() < 2 || matrix_rows(a.aval()) != matrix_cols(a.aval()))
    throw ShapeError("matrix_power", "needs square matrices [..., n, n], got ", a.aval());
  if (n == 0) return broadcast_to(eye(matrix_rows(a.aval()), std::nullopt, 0, a.dtype()), a.shape());
  Array base = n < 0 ? inv(a) : a;
  std::uint64_t e = n < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  std::optional<Array> result;
  for (;;) {
    if (e & 1) result = result ? matmul(*result, base) : base;
    e >>= 1;
    if (e == 0) return *result;
    base = matmul(base, base);
  }
}

Array trace(const Array& a, std::int64_t offset) {
  if (a.ndim() < 2) throw ShapeError("trace", "needs a stack of matrices [..., m, n], got ", a.aval());
  return xjax::trace(a, offset, -2, -1);
}

}  // namespace xjax::linalg
