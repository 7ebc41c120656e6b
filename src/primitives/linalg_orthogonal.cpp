// The orthogonal decompositions with all their rules: eigh (symmetric eigendecomposition), qr and
// svd. Their JVPs are the classic perturbation formulas, valid where eigenvalues (singular values)
// are distinct; factors that are not unique (the extra columns of complete/full factors) move by
// the smallest rotation that keeps them orthonormal. Complex matrices follow the same formulas with
// conjugate transposes; the phase of a complex eigen- or singular vector is fixed by the convention
// that its tangent is orthogonal to it (V^H dV has a zero diagonal), as JAX's rules fix it.
#include "kernels/lapack.hpp"
#include "primitives/linalg.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {

Shape batch_of(const ShapedArray& a) { return Shape(a.shape.begin(), a.shape.end() - 2); }

ShapedArray stacked(const ShapedArray& a, std::initializer_list<std::int64_t> tail) {
  Shape s = batch_of(a);
  s.insert(s.end(), tail);
  return {s, a.dtype, false};
}
// Eigenvalues and singular values are real for complex matrices too.
ShapedArray stacked_real(const ShapedArray& a, std::initializer_list<std::int64_t> tail) {
  ShapedArray out = stacked(a, tail);
  out.dtype = real_dtype(a.dtype);
  return out;
}

// The columns [begin, end) / rows [begin, end) of a stack of matrices.
Array columns(const Array& x, std::int64_t begin, std::int64_t end) { return slice_in_dim(x, begin, end, 1, -1); }
Array rows(const Array& x, std::int64_t begin, std::int64_t end) { return slice_in_dim(x, begin, end, 1, -2); }

// d(complement) of an orthonormal [basis | complement] whose basis moved by d_basis: the smallest
// change keeping the columns orthonormal, -basis (d_basis^H complement).
Array complement_tangent(const Array& basis, const Array& d_basis, const Array& complement) {
  return -matmul(basis, matmul(matrix_adjoint(d_basis), complement));
}

// i Im(x_jj) on the diagonal of each complex matrix x [..., k, k], zero elsewhere: the phase terms
// of the complex rules.
Array imaginary_diagonal(const Array& x) {
  Array im = triu(tril(imag(x)));
  return complex(zeros_like(im), im);
}

// ---- eigh ----

Avals eigh_shape(const Avals& in, const Params&) {
  check_matrix_stack("eigh", in[0], true);
  const std::int64_t n = matrix_cols(in[0]);
  return {stacked(in[0], {n, n}), stacked_real(in[0], {n})};
}

Arrays eigh_eval(const Arrays& in, const Params&, const Avals& out) {
  NewBuffer v = new_buffer(out[0]), w = new_buffer(out[1]);
  kernels::eigh(in[0].dtype(), buffer_of(in[0]).data(), v.data, w.data, matrix_count(out[0]), matrix_cols(out[0]));
  return {v.array, w.array};
}

// With C = V^H dA V: dw = diag(C) (real), dV = V (F o C), F_ij = 1 / (w_j - w_i) off the diagonal.
Tangents eigh_jvp(const Arrays&, const Tangents& t, const Arrays& out, const Params&) {
  const Array &v = out[0], &w = out[1];
  Array c = matmul(matrix_adjoint(v), matmul(symmetrize_lower(*t[0]), v));
  return {matmul(v, reciprocal_differences(w) * c), real(diagonal(c, 0, -2, -1))};
}

const Primitive& eigh_p = def_primitive(
    {.name = "eigh", .arity = 1, .shape = eigh_shape, .eval = eigh_eval, .jvp = eigh_jvp, .batch = matrix_stack_batch});

// ---- qr ----

Avals qr_shape(const Avals& in, const Params& p) {
  check_matrix_stack("qr", in[0], false);
  const std::int64_t m = matrix_rows(in[0]), n = matrix_cols(in[0]);
  const std::int64_t k = p.get<bool>("complete") ? m : std::min(m, n);
  return {stacked(in[0], {m, k}), stacked(in[0], {k, n})};
}

Arrays qr_eval(const Arrays& in, const Params& p, const Avals& out) {
  NewBuffer q = new_buffer(out[0]), r = new_buffer(out[1]);
  kernels::qr(in[0].dtype(), buffer_of(in[0]).data(), q.data, r.data, matrix_count(out[0]), matrix_rows(in[0].aval()),
              matrix_cols(in[0].aval()), p.get<bool>("complete"));
  return {q.array, r.array};
}

// Square or tall a = q r (q [m, n], r [n, n]): with B = q^H da r^-1 and Omega the skew-Hermitian
// matrix whose strictly lower part is B's (and whose diagonal is i Im(B)'s, so r's stays real),
// dq = da r^-1 - q (B - Omega) and dr = (B - Omega) r.
std::pair<Array, Array> tall_qr_tangent(const Array& q, const Array& r, const Array& da) {
  Array da_rinv = lax::triangular_solve(r, da, {.left_side = false, .lower = false});
  Array b = matmul(matrix_adjoint(q), da_rinv);
  Array lower = tril(b, -1);
  Array omega = lower - matrix_adjoint(lower);
  if (is_complex(b.dtype())) omega = omega + imaginary_diagonal(b);
  Array upper_part = b - omega;  // upper triangular
  return {da_rinv - matmul(q, upper_part), matmul(upper_part, r)};
}

// Wide matrices [X | Y] (X square) factor as q [r_X | q^T Y]: the square rule for X, and the
// product rule for q^T Y. Complete q with more rows than columns: the complement columns follow.
Tangents qr_jvp(const Arrays& in, const Tangents& t, const Arrays& out, const Params& p) {
  const Array &q = out[0], &r = out[1], &da = *t[0];
  const std::int64_t m = matrix_rows(in[0].aval()), n = matrix_cols(in[0].aval());
  if (m < n) {
    auto [dq, dr_x] = tall_qr_tangent(q, columns(r, 0, m), columns(da, 0, m));
    Array y = columns(in[0], m, n);
    Array dr_y = matmul(matrix_adjoint(dq), y) + matmul(matrix_adjoint(q), columns(da, m, n));
    return {dq, concatenate({dr_x, dr_y}, -1)};
  }
  if (!p.get<bool>("complete") || m == n) {
    auto [dq, dr] = tall_qr_tangent(q, r, da);
    return {dq, dr};
  }
  Array basis = columns(q, 0, n);
  auto [d_basis, dr] = tall_qr_tangent(basis, rows(r, 0, n), da);
  Array d_complement = complement_tangent(basis, d_basis, columns(q, n, m));
  return {concatenate({d_basis, d_complement}, -1), concatenate({dr, zeros_like(rows(r, n, m))}, -2)};
}

const Primitive& qr_p = def_primitive(
    {.name = "qr", .arity = 1, .shape = qr_shape, .eval = qr_eval, .jvp = qr_jvp, .batch = matrix_stack_batch});

// ---- svd ----

Avals svd_shape(const Avals& in, const Params& p) {
  check_matrix_stack("svd", in[0], false);
  const std::int64_t m = matrix_rows(in[0]), n = matrix_cols(in[0]), k = std::min(m, n);
  Avals out{stacked_real(in[0], {k})};
  if (!p.get<bool>("compute_uv")) return out;
  const bool full = p.get<bool>("full_matrices");
  out.push_back(stacked(in[0], {m, full ? m : k}));
  out.push_back(stacked(in[0], {full ? n : k, n}));
  return out;
}

Arrays svd_eval(const Arrays& in, const Params& p, const Avals& out) {
  NewBuffer s = new_buffer(out[0]);
  const bool vectors = p.get<bool>("compute_uv");
  NewBuffer u = vectors ? new_buffer(out[1]) : NewBuffer{}, vh = vectors ? new_buffer(out[2]) : NewBuffer{};
  kernels::svd(in[0].dtype(), buffer_of(in[0]).data(), s.data, u.data, vh.data, matrix_count(in[0].aval()),
               matrix_rows(in[0].aval()), matrix_cols(in[0].aval()), p.get<bool>("full_matrices"));
  if (!vectors) return {s.array};
  return {s.array, u.array, vh.array};
}

// With reduced factors u [m, k], v [n, k] and C = u^H da v: ds = Re diag(C); inside the spans,
// du = u (F o (C S + S C^H) + i Im diag(C) / S) and dv = v (F o (S C + C^H S)),
// F_ij = 1 / (s_j^2 - s_i^2); the components outside the spans (tall: of u, wide: of v) are
// (I - u u^H) da v / s and its mirror.
Tangents svd_jvp(const Arrays& in, const Tangents& t, const Arrays& out, const Params& p) {
  const Array &a = in[0], &da = *t[0];
  const std::int64_t m = matrix_rows(a.aval()), n = matrix_cols(a.aval()), k = std::min(m, n);
  const bool vectors = p.get<bool>("compute_uv"), full = vectors && p.get<bool>("full_matrices");
  Arrays reduced = vectors ? Arrays{out[0], columns(out[1], 0, k), rows(out[2], 0, k)} : lax::svd(a, false, true);
  const Array &s = reduced[0], &u = reduced[1], v = matrix_adjoint(reduced[2]);
  Array c = matmul(matrix_adjoint(u), matmul(da, v));
  Array ds = real(diagonal(c, 0, -2, -1));
  if (!vectors) return {ds};
  Array s_row = expand_dims(s, -2), s_col = expand_dims(s, -1);
  Array f = reciprocal_differences(square(s));
  Array cs = c * s_row, sc = s_col * c;  // C S and S C
  Array inner_u = f * (cs + matrix_adjoint(cs));
  if (is_complex(c.dtype())) inner_u = inner_u + imaginary_diagonal(c) * where(s_row == 0.0, 0.0, 1.0 / where(s_row == 0.0, 1.0, s_row));
  Array du = matmul(u, inner_u);
  Array dv = matmul(v, f * (sc + matrix_adjoint(sc)));
  if (m > n) {
    Array dav = matmul(da, v);
    du = du + (dav - matmul(u, matmul(matrix_adjoint(u), dav))) / s_row;
  }
  if (n > m) {
    Array dau = matmul(matrix_adjoint(da), u);
    dv = dv + (dau - matmul(v, matmul(matrix_adjoint(v), dau))) / s_row;
  }
  if (full && m > n) du = concatenate({du, complement_tangent(u, du, columns(out[1], k, m))}, -1);
  if (full && n > m) dv = concatenate({dv, complement_tangent(v, dv, matrix_adjoint(rows(out[2], k, n)))}, -1);
  return {ds, du, matrix_adjoint(dv)};
}

const Primitive& svd_p = def_primitive(
    {.name = "svd", .arity = 1, .shape = svd_shape, .eval = svd_eval, .jvp = svd_jvp, .batch = matrix_stack_batch});

}  // namespace

Arrays lax::eigh(const Array& a) { return xjax::bind(eigh_p, {a}); }

Arrays lax::qr(const Array& a, bool complete) { return xjax::bind(qr_p, {a}, {{"complete", complete}}); }

Arrays lax::svd(const Array& a, bool full_matrices, bool compute_uv) {
  return xjax::bind(svd_p, {a}, {{"full_matrices", full_matrices}, {"compute_uv", compute_uv}});
}

}  // namespace xjax
