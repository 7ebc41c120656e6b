// The orthogonal decompositions with all their rules: eigh (symmetric eigendecomposition), qr and
// svd. Their JVPs are the classic perturbation formulas, valid where eigenvalues (singular values)
// are distinct; factors that are not unique (the extra columns of complete/full factors) move by
// the smallest rotation that keeps them orthonormal.
#include "kernels/lapack.hpp"
#include "primitives/linalg.hpp"

namespace xjax {
namespace {

Shape batch_of(const ShapedArray& a) { return Shape(a.shape.begin(), a.shape.end() - 2); }

ShapedArray stacked(const ShapedArray& a, std::initializer_list<std::int64_t> tail) {
  Shape s = batch_of(a);
  s.insert(s.end(), tail);
  return {s, a.dtype, false};
}

// The columns [begin, end) / rows [begin, end) of a stack of matrices.
Array columns(const Array& x, std::int64_t begin, std::int64_t end) { return slice_in_dim(x, begin, end, 1, -1); }
Array rows(const Array& x, std::int64_t begin, std::int64_t end) { return slice_in_dim(x, begin, end, 1, -2); }

// 1 / (x_j - x_i) off the diagonal and 0 on it, for x [..., n] (n x n per matrix). Equal entries
// give inf: the derivative is undefined there.
Array reciprocal_differences(const Array& x) {
  Array i = identity_like(x, x.shape().back());
  return reciprocal(expand_dims(x, -2) - expand_dims(x, -1) + i) - i;
}

// d(complement) of an orthonormal [basis | complement] whose basis moved by d_basis: the smallest
// change keeping the columns orthonormal, -basis (d_basis^T complement).
Array complement_tangent(const Array& basis, const Array& d_basis, const Array& complement) {
  return -matmul(basis, matmul(matrix_transpose(d_basis), complement));
}

// ---- eigh ----

Avals eigh_shape(const Avals& in, const Params&) {
  check_matrix_stack("eigh", in[0], true);
  const std::int64_t n = matrix_cols(in[0]);
  return {stacked(in[0], {n, n}), stacked(in[0], {n})};
}

Arrays eigh_eval(const Arrays& in, const Params&, const Avals& out) {
  NewBuffer v = new_buffer(out[0]), w = new_buffer(out[1]);
  kernels::eigh(in[0].dtype(), buffer_of(in[0]).data(), v.data, w.data, matrix_count(out[0]), matrix_cols(out[0]));
  return {v.array, w.array};
}

// With C = V^T dA V: dw = diag(C), dV = V (F o C), F_ij = 1 / (w_j - w_i) off the diagonal.
Tangents eigh_jvp(const Arrays&, const Tangents& t, const Arrays& out, const Params&) {
  const Array &v = out[0], &w = out[1];
  Array c = matmul(matrix_transpose(v), matmul(symmetrize_lower(*t[0]), v));
  return {matmul(v, reciprocal_differences(w) * c), diagonal(c, 0, -2, -1)};
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

// Square or tall a = q r (q [m, n], r [n, n]): with B = q^T da r^-1 and Omega the skew-symmetric
// matrix whose strictly lower part is B's, dq = da r^-1 - q (B - Omega) and dr = (B - Omega) r.
std::pair<Array, Array> tall_qr_tangent(const Array& q, const Array& r, const Array& da) {
  Array da_rinv = lax::triangular_solve(r, da, {.left_side = false, .lower = false});
  Array b = matmul(matrix_transpose(q), da_rinv);
  Array lower = tril(b, -1);
  Array upper_part = b - (lower - matrix_transpose(lower));  // B - Omega: upper triangular
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
    Array dr_y = matmul(matrix_transpose(dq), y) + matmul(matrix_transpose(q), columns(da, m, n));
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
  Avals out{stacked(in[0], {k})};
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

// With reduced factors u [m, k], v [n, k] and C = u^T da v: ds = diag(C); inside the spans,
// du = u (F o (C S + S C^T)) and dv = v (F o (S C + C^T S)), F_ij = 1 / (s_j^2 - s_i^2); the
// components outside the spans (tall: of u, wide: of v) are (I - u u^T) da v / s and its mirror.
Tangents svd_jvp(const Arrays& in, const Tangents& t, const Arrays& out, const Params& p) {
  const Array &a = in[0], &da = *t[0];
  const std::int64_t m = matrix_rows(a.aval()), n = matrix_cols(a.aval()), k = std::min(m, n);
  const bool vectors = p.get<bool>("compute_uv"), full = vectors && p.get<bool>("full_matrices");
  Arrays reduced = vectors ? Arrays{out[0], columns(out[1], 0, k), rows(out[2], 0, k)} : lax::svd(a, false, true);
  const Array &s = reduced[0], &u = reduced[1], v = matrix_transpose(reduced[2]);
  Array c = matmul(matrix_transpose(u), matmul(da, v));
  Array ds = diagonal(c, 0, -2, -1);
  if (!vectors) return {ds};
  Array s_row = expand_dims(s, -2), s_col = expand_dims(s, -1);
  Array f = reciprocal_differences(square(s));
  Array cs = c * s_row, sc = s_col * c;  // C S and S C
  Array du = matmul(u, f * (cs + matrix_transpose(cs)));
  Array dv = matmul(v, f * (sc + matrix_transpose(sc)));
  if (m > n) {
    Array dav = matmul(da, v);
    du = du + (dav - matmul(u, matmul(matrix_transpose(u), dav))) / s_row;
  }
  if (n > m) {
    Array dau = matmul(matrix_transpose(da), u);
    dv = dv + (dau - matmul(v, matmul(matrix_transpose(v), dau))) / s_row;
  }
  if (full && m > n) du = concatenate({du, complement_tangent(u, du, columns(out[1], k, m))}, -1);
  if (full && n > m) dv = concatenate({dv, complement_tangent(v, dv, matrix_transpose(rows(out[2], k, n)))}, -1);
  return {ds, du, matrix_transpose(dv)};
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
