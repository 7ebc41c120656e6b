// The triangular linear-algebra primitives with all their rules: triangular_solve and lu (partial
// pivoting); and the matrix helpers every linalg rule uses.
#include "kernels/lapack.hpp"
#include "primitives/indexing.hpp"
#include "primitives/linalg.hpp"
#include "primitives/shape.hpp"
#include "xjax/numpy.hpp"

namespace xjax {

void check_matrix_stack(const char* op, const ShapedArray& a, bool square) {
  if (!is_inexact(a.dtype)) throw DTypeError(op, "needs float or complex matrices, got ", a);
  if (a.ndim() < 2) throw ShapeError(op, "needs a stack of matrices [..., m, n], got ", a);
  if (square && a.shape[a.shape.size() - 1] != a.shape[a.shape.size() - 2])
    throw ShapeError(op, "needs square matrices [..., n, n], got ", a);
}

std::int64_t matrix_count(const ShapedArray& a) { return shape_size(Shape(a.shape.begin(), a.shape.end() - 2)); }

Array matrix_adjoint(const Array& x) { return conj(matrix_transpose(x)); }

Array abs_squared(const Array& x) { return is_complex(x.dtype()) ? real(x * conj(x)) : square(x); }

Array symmetrize_lower(const Array& x) {
  if (!is_complex(x.dtype())) return tril(x) + matrix_transpose(tril(x, -1));
  Array strict = tril(x, -1);
  return strict + matrix_adjoint(strict) + triu(tril(real(x)));
}

Array identity_like(const Array& x, std::int64_t n) { return eye(n, std::nullopt, 0, x.dtype()); }

Array reciprocal_differences(const Array& x) {
  Array i = identity_like(x, x.shape().back());
  return reciprocal(expand_dims(x, -2) - expand_dims(x, -1) + i) - i;
}

std::pair<Arrays, BatchDims> matrix_stack_batch(const Primitive& p, const Arrays& v, const BatchDims& d,
                                                const Params& params) {
  Arrays outs = xjax::bind(p, {move_batch_axis(v[0], d[0], 0, batch_size(v, d))}, params);
  return {outs, BatchDims(outs.size(), 0)};
}

namespace {

// ---- triangular_solve ----

// conjugate_a may be absent: programs exported before complex matrices existed lack it.
lax::TriangularSolve how_of(const Params& p) {
  return {p.get<bool>("left_side"), p.get<bool>("lower"), p.get<bool>("transpose_a"), p.get<bool>("unit_diagonal"),
          p.contains("conjugate_a") && p.get<bool>("conjugate_a")};
}

Params params_of(const lax::TriangularSolve& how) {
  return {{"left_side", how.left_side},
          {"lower", how.lower},
          {"transpose_a", how.transpose_a},
          {"conjugate_a", how.conjugate_a},
          {"unit_diagonal", how.unit_diagonal}};
}

Avals triangular_solve_shape(const Avals& in, const Params& p) {
  const ShapedArray &a = in[0], &b = in[1];
  check_matrix_stack("triangular_solve", a, true);
  check_matrix_stack("triangular_solve", b, false);
  if (a.dtype != b.dtype) throw DTypeError("triangular_solve", "operands must share a dtype, got ", a, " and ", b);
  if (Shape(a.shape.begin(), a.shape.end() - 2) != Shape(b.shape.begin(), b.shape.end() - 2))
    throw ShapeError("triangular_solve", "batch dimensions of ", a, " and ", b, " differ");
  const bool left = how_of(p).left_side;
  if ((left ? matrix_rows(b) : matrix_cols(b)) != matrix_cols(a))
    throw ShapeError("triangular_solve", left ? "rows" : "columns", " of ", b, " do not match ", a);
  return {ShapedArray{b.shape, b.dtype, false}};
}

Arrays triangular_solve_eval(const Arrays& in, const Params& p, const Avals& out) {
  const lax::TriangularSolve how = how_of(p);
  NewBuffer x = new_buffer(out[0]);
  kernels::triangular_solve(in[0].dtype(), buffer_of(in[0]).data(), buffer_of(in[1]).data(), x.data,
                            {.batch = matrix_count(out[0]),
                             .m = matrix_rows(out[0]),
                             .n = matrix_cols(out[0]),
                             .left_side = how.left_side,
                             .lower = how.lower,
                             .transpose_a = how.transpose_a,
                             .unit_diagonal = how.unit_diagonal,
                             .conjugate_a = how.conjugate_a});
  return {x.array};
}

// Linear in b. In a: op(A) X = B gives op(A) dX = -op(dA) X (left; X op(dA) on the right), where
// dA keeps only the triangle the primitive reads.
Tangents triangular_solve_jvp(const Arrays& in, const Tangents& t, const Arrays& out, const Params& p) {
  const lax::TriangularSolve how = how_of(p);
  Tangent from_b = t[1] ? Tangent(lax::triangular_solve(in[0], *t[1], how)) : std::nullopt;
  Tangent from_a;
  if (t[0]) {
    const std::int64_t k = how.unit_diagonal ? 1 : 0;
    Array da = how.lower ? tril(*t[0], -k) : triu(*t[0], k);
    if (how.transpose_a) da = matrix_transpose(da);
    if (how.conjugate_a) da = conj(da);
    Array product = how.left_side ? matmul(da, out[0]) : matmul(out[0], da);
    from_a = -lax::triangular_solve(in[0], product, how);
  }
  return {add_tangents(from_a, from_b)};
}

// The transpose of b -> op(A)^-1 b is c -> op(A)^-T c (on the same side; no conjugation, as JAX's
// linear transposes).
Tangents triangular_solve_transpose(const Tangents& ct, const LinearArgs& a, const Params& p) {
  if (a[0].is_linear()) throw TransformError("triangular_solve", "transpose with a linear matrix operand");
  if (!ct[0]) return {std::nullopt, std::nullopt};
  lax::TriangularSolve how = how_of(p);
  how.transpose_a = !how.transpose_a;
  return {std::nullopt, lax::triangular_solve(*a[0].value, *ct[0], how)};
}

// With one matrix for the whole batch, the batch joins b's columns (left side) or rows (right
// side): one solve with a wider right-hand side.
std::pair<Arrays, BatchDims> triangular_solve_batch(const Primitive&, const Arrays& v, const BatchDims& d,
                                                    const Params& p) {
  const lax::TriangularSolve how = how_of(p);
  if (d[0]) {
    const std::int64_t size = batch_size(v, d);
    return {{lax::triangular_solve(move_batch_axis(v[0], d[0], 0, size), move_batch_axis(v[1], d[1], 0, size), how)},
            {0}};
  }
  const int nd = v[1].ndim();
  const int at = how.left_side ? nd - 1 : nd - 3;  // beside the axis the batch merges with
  Array b = moveaxis(v[1], *d[1], at);
  Shape merged(b.shape().begin(), b.shape().end());
  if (how.left_side) {
    merged[static_cast<std::size_t>(nd - 2)] *= merged.back();
    merged.pop_back();
  } else {
    merged[static_cast<std::size_t>(nd - 3)] *= merged[static_cast<std::size_t>(nd - 2)];
    merged.erase(merged.begin() + nd - 2);
  }
  Array x = lax::triangular_solve(v[0], lax::reshape(b, merged), how);
  return {{lax::reshape(x, b.shape())}, {at}};
}

const Primitive& triangular_solve_p = def_primitive({.name = "triangular_solve",
                                                     .arity = 2,
                                                     .shape = triangular_solve_shape,
                                                     .eval = triangular_solve_eval,
                                                     .jvp = triangular_solve_jvp,
                                                     .transpose = triangular_solve_transpose,
                                                     .batch = triangular_solve_batch});

// ---- lu ----

Avals lu_shape(const Avals& in, const Params&) {
  const ShapedArray& a = in[0];
  check_matrix_stack("lu", a, false);
  if (matrix_rows(a) > index_max(int32)) throw ValueError("lu", "too many rows for int32 pivots in ", a);
  Shape batch(a.shape.begin(), a.shape.end() - 2), pivots = batch, permutation = batch;
  pivots.push_back(std::min(matrix_rows(a), matrix_cols(a)));
  permutation.push_back(matrix_rows(a));
  return {ShapedArray{a.shape, a.dtype, false}, ShapedArray{pivots, int32, false},
          ShapedArray{permutation, int32, false}};
}

Arrays lu_eval(const Arrays& in, const Params&, const Avals& out) {
  NewBuffer lu = new_buffer(out[0]), pivots = new_buffer(out[1]), permutation = new_buffer(out[2]);
  kernels::lu(in[0].dtype(), buffer_of(in[0]).data(), lu.data, pivots.as<std::int32_t>(),
              permutation.as<std::int32_t>(), matrix_count(out[0]), matrix_rows(out[0]), matrix_cols(out[0]));
  return {lu.array, pivots.array, permutation.array};
}

// P dA = dL U + L dU, so L^-1 P dA U^-1 = L^-1 dL + dU U^-1: its strictly lower part is L^-1 dL and
// the rest dU U^-1. Rectangular factors are completed to square ones (L with identity columns, U
// with an identity block) so that both solves are square.
Tangents lu_jvp(const Arrays&, const Tangents& t, const Arrays& out, const Params&) {
  const Array& packed = out[0];
  const std::int64_t m = matrix_rows(packed.aval()), n = matrix_cols(packed.aval()), k = std::min(m, n);
  const int nd = packed.ndim();
  auto padding = [&](std::int64_t extra_rows, std::int64_t extra_cols) {
    std::vector<std::pair<std::int64_t, std::int64_t>> widths(static_cast<std::size_t>(nd), {0, 0});
    widths[static_cast<std::size_t>(nd - 2)] = {0, extra_rows};
    widths[static_cast<std::size_t>(nd - 1)] = {0, extra_cols};
    return widths;
  };
  Array l = pad(tril(slice_in_dim(packed, 0, k, 1, nd - 1), -1), padding(0, m - k)) + identity_like(packed, m);
  Array u = pad(triu(slice_in_dim(packed, 0, k, 1, nd - 2)), padding(n - k, 0)) +
            pad(identity_like(packed, n - k), {{k, 0}, {k, 0}});
  Array rows_of = broadcast_to(expand_dims(out[2], -1), packed.shape());
  Array pda = lax::take_along_axis(*t[0], rows_of, nd - 2);
  Array la = lax::triangular_solve(l, pda, {.left_side = true, .lower = true, .unit_diagonal = true});
  Array lau = lax::triangular_solve(u, la, {.left_side = false, .lower = false});
  return {matmul(l, tril(lau, -1)) + matmul(triu(lau), u), std::nullopt, std::nullopt};
}

const Primitive& lu_p =
    def_primitive({.name = "lu", .arity = 1, .shape = lu_shape, .eval = lu_eval, .jvp = lu_jvp, .batch = matrix_stack_batch});

}  // namespace

Array lax::triangular_solve(const Array& a, const Array& b, const TriangularSolve& how) {
  return bind1(triangular_solve_p, {a, b}, params_of(how));
}

Arrays lax::lu(const Array& a) { return xjax::bind(lu_p, {a}); }

}  // namespace xjax
