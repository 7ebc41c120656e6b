// cholesky and the two linear maps of its derivatives, each a primitive: cholesky_tangent
// (dA -> dL) and its transpose cholesky_cotangent (the cotangent of L -> the cotangent of a), so
// reverse mode runs one LAPACK kernel instead of transposing a chain of generic ops (whose matrix
// product, two solves and masks cost twelve times the factorisation). Both also exist as
// compositions of generic ops, which their JVP rules differentiate (higher derivatives).
#include "kernels/lapack.hpp"
#include "primitives/linalg.hpp"
#include "xjax/numpy.hpp"
#include "xjax/transforms.hpp"

namespace xjax {
namespace {

// symmetrize_input (present and true): the factor of (a + a^T) / 2, as JAX's cholesky, computed in
// the kernel's one pass over a instead of three ops before it.
bool symmetrizes(const Params& p) { return p.contains("symmetrize_input") && p.get<bool>("symmetrize_input"); }
Array halve_diagonal(const Array& x) { return x * (1.0 - 0.5 * identity_like(x, x.shape().back())); }

// dA = L dL^H + dL L^H gives L^-1 dA L^-H = X + X^H with X = L^-1 dL lower triangular, so
// dL = L phi(L^-1 dA L^-H), phi taking the lower triangle with its (real) diagonal halved. The
// primitive reads only the lower triangle, so the tangent's lower triangle defines the Hermitian dA
// (of the symmetrised tangent under symmetrize_input).
Array tangent_of(const Array& l, const Array& t, bool symmetrize) {
  Array da = symmetrize_lower(symmetrize ? (t + matrix_adjoint(t)) * 0.5 : t);
  Array right =
      lax::triangular_solve(l, da, {.left_side = false, .lower = true, .transpose_a = true, .conjugate_a = true});
  return matmul(l, halve_diagonal(tril(lax::triangular_solve(l, right, {.left_side = true, .lower = true}))));
}

// tangent_of transposed step by step (no conjugation, as JAX's linear transposes): with
// K = phi(L^T c), the cotangent is the lower triangle of H = L^-T (K + K^H) conj(L)^-1, its real
// diagonal halved; then the transpose of symmetrize_input's (a + a^H) / 2.
Array cotangent_of(const Array& l, const Array& c, bool symmetrize) {
  Array k = halve_diagonal(tril(matmul(matrix_transpose(tril(l)), tril(c))));
  Array left = lax::triangular_solve(l, k + matrix_adjoint(k), {.left_side = true, .lower = true, .transpose_a = true});
  Array h = lax::triangular_solve(l, left, {.left_side = false, .lower = true, .conjugate_a = true});
  Array r = tril(h, -1) + 0.5 * triu(tril(real(h)));
  return symmetrize ? (r + matrix_adjoint(r)) * 0.5 : r;
}

Avals cholesky_shape(const Avals& in, const Params&) {
  check_matrix_stack("cholesky", in[0], true);
  return {ShapedArray{in[0].shape, in[0].dtype, false}};
}

Arrays cholesky_eval(const Arrays& in, const Params& p, const Avals& out) {
  NewBuffer l = new_buffer(out[0]);
  kernels::cholesky(in[0].dtype(), buffer_of(in[0]).data(), l.data, matrix_count(out[0]), matrix_cols(out[0]),
                    symmetrizes(p));
  return {l.array};
}

extern const Primitive& cholesky_tangent_p;
extern const Primitive& cholesky_cotangent_p;

const Primitive& cholesky_p = def_primitive(
    {.name = "cholesky",
     .arity = 1,
     .shape = cholesky_shape,
     .eval = cholesky_eval,
     .jvp = [](const Arrays&, const Tangents& t, const Arrays& out, const Params& p) -> Tangents {
       return {bind1(cholesky_tangent_p, {out[0], *t[0]}, p)};
     },
     .batch = matrix_stack_batch});

// ---- the derivative maps: operands (l, x), linear in x ----

Avals derivative_shape(const char* op, const Avals& in) {
  check_matrix_stack(op, in[0], true);
  if (in[1].shape != in[0].shape || in[1].dtype != in[0].dtype)
    throw ShapeError(op, "needs a factor and a matrix of one shape and dtype, got ", in[0], " and ", in[1]);
  return {ShapedArray{in[0].shape, in[0].dtype, false}};
}

// Linear in x: a tangent of x alone goes through the primitive itself; one of l through the
// composition's JVP.
using Composition = Array (*)(const Array&, const Array&, bool);
Tangents derivative_jvp(const Primitive& self, Composition of, const Arrays& in, const Tangents& t, const Params& p) {
  if (!t[0]) return {bind1(self, {in[0], *t[1]}, p)};
  const bool symmetrize = symmetrizes(p);
  auto f = [&](const Arrays& a) -> Arrays { return {of(a[0], a[1], symmetrize)}; };
  return {jvp_flat(f, in, t).second[0]};
}

std::pair<Arrays, BatchDims> derivative_batch(const Primitive& self, const Arrays& v, const BatchDims& d,
                                              const Params& p) {
  const std::int64_t size = batch_size(v, d);
  return {{bind1(self, {move_batch_axis(v[0], d[0], 0, size), move_batch_axis(v[1], d[1], 0, size)}, p)}, {0}};
}

// Each map's transpose is the other, in x (l is a constant of the linear map).
Tangents derivative_transpose(const char* op, const Primitive& other, const Tangents& ct, const LinearArgs& a,
                              const Params& p) {
  if (a[0].is_linear()) throw TransformError(op, "transpose with a linear factor operand");
  if (!ct[0]) return {std::nullopt, std::nullopt};
  return {std::nullopt, bind1(other, {*a[0].value, *ct[0]}, p)};
}

const Primitive& cholesky_tangent_p = def_primitive(
    {.name = "cholesky_tangent",
     .arity = 2,
     .shape = [](const Avals& in, const Params&) { return derivative_shape("cholesky_tangent", in); },
     .eval = [](const Arrays& in, const Params& p, const Avals&) -> Arrays {
       return {tangent_of(in[0], in[1], symmetrizes(p))};
     },
     .jvp = [](const Arrays& in, const Tangents& t, const Arrays&, const Params& p) {
       return derivative_jvp(cholesky_tangent_p, tangent_of, in, t, p);
     },
     .transpose = [](const Tangents& ct, const LinearArgs& a, const Params& p) {
       return derivative_transpose("cholesky_tangent", cholesky_cotangent_p, ct, a, p);
     },
     .batch = derivative_batch});

const Primitive& cholesky_cotangent_p = def_primitive(
    {.name = "cholesky_cotangent",
     .arity = 2,
     .shape = [](const Avals& in, const Params&) { return derivative_shape("cholesky_cotangent", in); },
     .eval = [](const Arrays& in, const Params& p, const Avals& out) -> Arrays {
       NewBuffer r = new_buffer(out[0]);
       kernels::cholesky_cotangent(in[0].dtype(), buffer_of(in[0]).data(), buffer_of(in[1]).data(), r.data,
                                   matrix_count(out[0]), matrix_cols(out[0]), symmetrizes(p));
       return {r.array};
     },
     .jvp = [](const Arrays& in, const Tangents& t, const Arrays&, const Params& p) {
       return derivative_jvp(cholesky_cotangent_p, cotangent_of, in, t, p);
     },
     .transpose = [](const Tangents& ct, const LinearArgs& a, const Params& p) {
       return derivative_transpose("cholesky_cotangent", cholesky_tangent_p, ct, a, p);
     },
     .batch = derivative_batch});

}  // namespace

Array lax::cholesky(const Array& a, bool symmetrize_input) {
  return symmetrize_input ? bind1(cholesky_p, {a}, {{"symmetrize_input", true}}) : bind1(cholesky_p, {a});
}

}  // namespace xjax
