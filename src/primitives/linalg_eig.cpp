// The eig primitive: eigenvalues and right eigenvectors of general square matrices (LAPACK's geev),
// complex for real and complex inputs alike, with its JVP (distinct eigenvalues) and batching rules.
#include "kernels/lapack.hpp"
#include "primitives/linalg.hpp"
#include "xjax/linalg.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {

bool computes_vectors(const Params& p) { return p.get<bool>("compute_right_eigenvectors"); }
bool derives_vectors(const Params& p) { return p.get<bool>("enable_eigvec_derivs"); }

Avals eig_shape(const Avals& in, const Params& p) {
  const ShapedArray& a = in[0];
  check_matrix_stack("eig", a, true);
  const DType c = complex_dtype(a.dtype);
  Avals out{ShapedArray{Shape(a.shape.begin(), a.shape.end() - 1), c, false}};
  if (computes_vectors(p)) out.push_back(ShapedArray{a.shape, c, false});
  return out;
}

Arrays eig_eval(const Arrays& in, const Params& p, const Avals& out) {
  const bool vectors = computes_vectors(p);
  NewBuffer w = new_buffer(out[0]), v = vectors ? new_buffer(out[1]) : NewBuffer{};
  kernels::eig(in[0].dtype(), buffer_of(in[0]).data(), w.data, v.data, matrix_count(in[0].aval()),
               matrix_cols(in[0].aval()));
  if (!vectors) return {w.array};
  return {w.array, v.array};
}

// With C = V^-1 dA V: dw = diag(C) and dV = V (F o C), F_ij = 1 / (w_j - w_i) off the diagonal,
// less the part of each column that would change its norm (geev's eigenvectors have unit norm):
// dv_j -= v_j Re(v_j^H dv_j). Their phase is left as this tangent moves it, so the derivative is
// only meaningful for functions that do not depend on it: as JAX, it must be asked for.
Tangents eig_jvp(const Arrays& in, const Tangents& t, const Arrays& out, const Params& p) {
  const bool vectors = computes_vectors(p);
  if (vectors && !derives_vectors(p))
    throw TransformError("eig", "derivatives of non-symmetric eigenvectors hold only for functions that do not "
                                "depend on their phases: differentiate eigvals, or pass enable_eigvec_derivs = true");
  const Arrays full = vectors ? out : lax::eig(in[0], true, true);
  const Array &w = full[0], &v = full[1];
  Array c = linalg::solve(v, matmul(t[0]->astype(v.dtype()), v));
  Array dw = diagonal(c, 0, -2, -1);
  if (!vectors) return {dw};
  Array dv = matmul(v, reciprocal_differences(w) * c);
  dv = dv - v * expand_dims(real(sum(conj(v) * dv, -2)), -2);
  return {dw, dv};
}

const Primitive& eig_p = def_primitive(
    {.name = "eig", .arity = 1, .shape = eig_shape, .eval = eig_eval, .jvp = eig_jvp, .batch = matrix_stack_batch});

}  // namespace

Arrays lax::eig(const Array& a, bool compute_right_eigenvectors, bool enable_eigvec_derivs) {
  return xjax::bind(eig_p, {a},
                    {{"compute_right_eigenvectors", compute_right_eigenvectors},
                     {"enable_eigvec_derivs", enable_eigvec_derivs}});
}

}  // namespace xjax
