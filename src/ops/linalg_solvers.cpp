// jax.scipy.linalg's cho_solve, lu_factor, lu_solve and expm, composed of public ops (triangular
// solves, lu, matmul, where, fori_loop), so jit, vmap and both modes of differentiation apply.
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "primitives/linalg.hpp"
#include "xjax/control_flow.hpp"
#include "xjax/linalg.hpp"
#include "xjax/numpy.hpp"

namespace xjax::linalg {
namespace {

// A square float stack and a right-hand side in one dtype, as {a, b as a matrix stack, was a vector}.
struct Operands {
  Array a, b;
  bool vector;
};
Operands solve_operands(const char* op, const Array& a_in, const Array& b_in) {
  Array a = inexact(a_in), b = inexact(b_in);
  check_matrix_stack(op, a.aval(), true);
  const std::int64_t n = matrix_rows(a.aval());
  const bool vector = b.ndim() == a.ndim() - 1;
  if (b.ndim() == 0 || (!vector && b.ndim() < 2))
    throw ShapeError(op, "right-hand side ", b_in.aval(), " is not a vector or matrix stack for ", a_in.aval());
  const std::int64_t rows = vector ? b.shape().back() : b.shape()[b.shape().size() - 2];
  if (rows != n) throw ShapeError(op, "right-hand side ", b_in.aval(), " does not match ", a_in.aval());
  const DType d = promote_types(a.dtype(), a.weak_type(), b.dtype(), b.weak_type()).dtype;
  a = a.dtype() == d ? a : a.astype(d);
  b = b.dtype() == d ? b : b.astype(d);
  if (vector) b = expand_dims(b, -1);
  // One broadcast batch shape for both (ShapeError naming op when they clash).
  const Shape ba(a.shape().begin(), a.shape().end() - 2), bb(b.shape().begin(), b.shape().end() - 2);
  Shape batch;
  try {
    batch = broadcast_shapes(ba, bb);
  } catch (const ShapeError&) {
    throw ShapeError(op, "batch dimensions of ", a_in.aval(), " and ", b_in.aval(), " do not broadcast");
  }
  auto expand = [&](const Array& x) {
    Shape s = batch;
    s.push_back(x.shape()[x.shape().size() - 2]);
    s.push_back(x.shape().back());
    return x.shape() == s ? x : broadcast_to(x, s);
  };
  return {expand(a), expand(b), vector};
}

Array finish(const Array& x, bool vector) { return vector ? squeeze(x, {x.ndim() - 1}) : x; }

// The permutation (row i of P a is row perm[i] of a) that LAPACK's row swaps piv [..., k] make of m rows.
Array permutation_of(const Array& piv, std::int64_t m) {
  Shape batch(piv.shape().begin(), piv.shape().end() - 1), one = batch, rows = batch;
  one.push_back(1);
  rows.push_back(m);
  Array idx = iota(int32, rows, static_cast<int>(batch.size()));
  const std::int64_t k = piv.shape().back();
  return fori_loop(0, k, [&](const Array& i, const Array& perm) {
    Array at_i = broadcast_to(i.astype(int32), one);
    Array p = take_along_axis(piv, at_i, -1), vi = take_along_axis(perm, at_i, -1), vp = take_along_axis(perm, p, -1);
    return where(idx == at_i, vp, where(idx == p, vi, perm));
  }, idx);
}

Array rows_taken(const Array& b, const Array& perm) {
  return take_along_axis(b, broadcast_to(expand_dims(perm, -1), b.shape()), b.ndim() - 2);
}

}  // namespace

Array cho_solve(const Array& c, const Array& b, bool lower) {
  auto [cm, bm, vector] = solve_operands("cho_solve", c, b);
  // a = L L^H: solve L y = b, then L^H x = y; with an upper factor U = L^H the same two solves.
  Array y = lax::triangular_solve(cm, bm, {.lower = lower, .transpose_a = !lower, .conjugate_a = !lower});
  Array x = lax::triangular_solve(cm, y, {.lower = lower, .transpose_a = lower, .conjugate_a = lower});
  return finish(x, vector);
}

LuFactor lu_factor(const Array& a) {
  Array f = inexact(a);
  check_matrix_stack("lu_factor", f.aval(), false);
  Arrays r = lax::lu(f);
  return {r[0], r[1]};
}

Array lu_solve(const LuFactor& lu_and_piv, const Array& b, int trans) {
  if (trans < 0 || trans > 2) throw ValueError("lu_solve", "trans must be 0, 1 or 2, got ", trans);
  const Array& piv = lu_and_piv.piv;
  auto [lu, bm, vector] = solve_operands("lu_solve", lu_and_piv.lu, b);
  const std::int64_t n = matrix_rows(lu.aval());
  const Shape lu_batch(lu_and_piv.lu.shape().begin(), lu_and_piv.lu.shape().end() - 2);
  Shape want = lu_batch;
  want.push_back(n);
  if (!is_integer(piv.dtype()) || piv.shape() != want)
    throw ShapeError("lu_solve", "pivots ", piv.aval(), " do not match the factor ", lu_and_piv.lu.aval());
  Shape perm_shape(lu.shape().begin(), lu.shape().end() - 1);
  Array perm = broadcast_to(permutation_of(piv.astype(int32), n), perm_shape);
  Array x;
  if (trans == 0) {  // P a = L U: L U x = P b
    Array y = lax::triangular_solve(lu, rows_taken(bm, perm), {.lower = true, .unit_diagonal = true});
    x = lax::triangular_solve(lu, y, {.lower = false});
  } else {  // a^T = U^T L^T P: U^T L^T z = b, then x = P^T z (conjugated for a^H)
    const bool conjugate = trans == 2;
    Array y = lax::triangular_solve(lu, bm, {.lower = false, .transpose_a = true, .conjugate_a = conjugate});
    Array z = lax::triangular_solve(
        lu, y, {.lower = true, .transpose_a = true, .unit_diagonal = true, .conjugate_a = conjugate});
    x = rows_taken(z, argsort(perm, -1));
  }
  return finish(x, vector);
}

namespace {

// Numerator and denominator parts (U odd, V even) of the degree-m Pade approximant of exp.
struct Pade {
  Array u, v;
};

// Higham (2005), table 2.3: coefficients b_0..b_m of the [m/m] Pade approximants.
constexpr std::array<double, 4> b3 = {120., 60., 12., 1.};
constexpr std::array<double, 6> b5 = {30240., 15120., 3360., 420., 30., 1.};
constexpr std::array<double, 8> b7 = {17297280., 8648640., 1995840., 277200., 25200., 1512., 56., 1.};
constexpr std::array<double, 10> b9 = {17643225600., 8821612800., 2075673600., 302702400., 30270240.,
                                       2162160.,     110880.,     3960.,       90.,        1.};
constexpr std::array<double, 14> b13 = {64764752532480000., 32382376266240000., 7771770303897600.,
                                        1187353796428800.,  129060195264000.,   10559470521600.,
                                        670442572800.,      33522128640.,       1323241920.,
                                        40840800.,          960960.,            16380.,
                                        182.,               1.};

// Degrees up to 9 from the even powers [I, A^2, A^4, ...]: U = A sum b_{2k+1} A^{2k}, V = sum b_{2k} A^{2k}.
template <std::size_t N>
Pade pade_low(const Array& a, const std::vector<Array>& even, const std::array<double, N>& b) {
  Array u = even[0] * b[1], v = even[0] * b[0];
  for (std::size_t k = 1; 2 * k < N; ++k) {
    u = u + even[k] * b[2 * k + 1];
    v = v + even[k] * b[2 * k];
  }
  return {xjax::matmul(a, u), v};
}

Pade pade13(const Array& a, const std::vector<Array>& e) {
  const auto& b = b13;
  Array u = xjax::matmul(e[3], e[3] * b[13] + e[2] * b[11] + e[1] * b[9]) + e[3] * b[7] + e[2] * b[5] + e[1] * b[3] +
            e[0] * b[1];
  Array v = xjax::matmul(e[3], e[3] * b[12] + e[2] * b[10] + e[1] * b[8]) + e[3] * b[6] + e[2] * b[4] + e[1] * b[2] +
            e[0] * b[0];
  return {xjax::matmul(a, u), v};
}

constexpr std::int64_t max_squarings = 16;

}  // namespace

Array expm(const Array& a_in) {
  Array a = inexact(a_in);
  check_matrix_stack("expm", a.aval(), true);
  const std::int64_t n = matrix_rows(a.aval());
  if (n == 0) return a;
  const bool f64 = real_dtype(a.dtype()) == float64;
  // The number of squarings and the degree are piecewise constant in a: no derivative flows through them.
  Array norm1 = max(sum(abs(stop_gradient(a)), -2), -1);
  const double theta = f64 ? 5.371920351148152 : 3.925724783138660;
  Array s = maximum(floor(log2(norm1 / theta)), 0.0);
  Array s_mat = expand_dims(s, {-2, -1});
  Array scaled = a / exp2(s_mat);

  std::vector<Array> even = {broadcast_to(identity_like(a, n), a.shape())};
  Array a2 = xjax::matmul(scaled, scaled);
  even.push_back(a2);
  even.push_back(xjax::matmul(a2, a2));
  even.push_back(xjax::matmul(even[2], a2));
  std::vector<Pade> cands = {pade_low(scaled, even, b3), pade_low(scaled, even, b5), pade_low(scaled, even, b7)};
  std::vector<double> bounds;  // the degree is chosen by the norm against these bounds (Higham's theta_m)
  if (f64) {
    even.push_back(xjax::matmul(even[2], even[2]));
    cands.push_back(pade_low(scaled, even, b9));
    cands.push_back(pade13(scaled, even));
    bounds = {1.495585217958292e-2, 2.539398330063230e-1, 9.504178996162932e-1, 2.097847961257068e0};
  } else {
    bounds = {4.258730016922831e-1, 1.880152677804762e0};
  }
  Array which = zeros_like(s_mat, int32);
  Array norm_mat = expand_dims(norm1, {-2, -1});
  for (double t : bounds) which = which + (norm_mat >= t).astype(int32);
  Array u = cands.back().u, v = cands.back().v;
  for (std::size_t k = cands.size() - 1; k-- > 0;) {
    u = where(which == static_cast<int>(k), cands[k].u, u);
    v = where(which == static_cast<int>(k), cands[k].v, v);
  }
  Array r = solve(v - u, v + u);
  // Undo the scaling: a fixed number of steps, each squaring only where it is still due, so the
  // loop is a scan (reverse-mode differentiable) and every matrix of a batch takes its own count.
  auto square_if_due = [&](const Array& i, const Array& x) { return where(i < s_mat, xjax::matmul(x, x), x); };
  r = fori_loop(0, max_squarings, square_if_due, r);
  return where(s_mat > static_cast<double>(max_squarings), full_like(r, std::numeric_limits<double>::quiet_NaN()), r);
}

}  // namespace xjax::linalg
