// Rule-table rows for the factorisation primitives: cholesky, triangular_solve, lu, eigh, qr, svd,
// through xjax::linalg. Inputs are well conditioned (a a^T + n I where positive definiteness is
// needed), and factors with arbitrary signs are normalised so finite differences are meaningful.
#include <cmath>

#include "primitives/linalg.hpp"
#include "table.hpp"
#include "xjax/transforms.hpp"

namespace xjax::test {
namespace {

// Deterministic pseudo-random float64 values in [-1, 1] (no low-rank structure, unlike smooth
// functions of the flat index).
Array vals(const Shape& s, int seed) {
  std::uint64_t state = 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(seed + 1);
  std::vector<double> v(static_cast<std::size_t>(shape_size(s)));
  for (double& e : v) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    e = static_cast<double>(state >> 11) / static_cast<double>(1ULL << 53) * 2 - 1;
  }
  return array(v, s);
}

Array mT(const Array& x) { return swapaxes(x, -1, -2); }
std::int64_t last(const Array& x) { return x.shape().back(); }

// Symmetric positive definite, from any square stack.
Array spd(const Array& a) {
  return matmul(a, mT(a)) + eye(last(a), std::nullopt, 0, a.dtype()) * static_cast<double>(last(a));
}
// Triangular solves need a diagonal well away from zero.
Array dominant(const Array& a) { return a + eye(last(a), std::nullopt, 0, a.dtype()) * 3.0; }

// Columns scaled by the sign of a row of `by` (positive entries): a sign-invariant choice of factor.
Array signs_of_row(const Array& by, std::int64_t row) {
  return sign(slice_in_dim(by, row, row + 1, 1, by.ndim() - 2));
}

PrimCase tri(const char* label, Shape as, Shape bs, linalg::TriangularSolveOptions o) {
  return {"triangular_solve",
          [o](const Arrays& a) { return linalg::triangular_solve(dominant(a[0]), a[1], o); },
          {vals(as, 1), vals(bs, 2)},
          true,
          label};
}

PrimCase lu_case(const char* label, Shape s) {
  return {"lu", [](const Arrays& a) { return linalg::lu(a[0]).lu; }, {vals(s, 3)}, true, label};
}

// Q D and D R with D = sign(diag R): the QR factorisation whose R has a positive diagonal.
Array qr_q(const Array& a, linalg::QrMode mode) {
  auto [q, r] = linalg::qr(a, mode);
  std::int64_t k = std::min(a.shape()[a.shape().size() - 2], last(a));
  Array d = sign(diagonal(r, 0, -2, -1));
  return slice_in_dim(q, 0, k, 1, -1) * expand_dims(d, -2);
}
Array qr_r(const Array& a, linalg::QrMode mode) {
  Array r = linalg::qr(a, mode).r;
  Array d = sign(diagonal(r, 0, -2, -1));
  std::int64_t extra = r.shape()[r.shape().size() - 2] - d.shape().back();  // zero rows of a complete r
  std::vector<std::pair<std::int64_t, std::int64_t>> widths(static_cast<std::size_t>(d.ndim()), {0, 0});
  widths.back() = {0, extra};
  return r * expand_dims(pad(d, widths, 1.0), -1);
}

// The singular vectors with the sign of u's first row made positive (u and vh change sign together).
Array svd_u(const Array& a, bool full) {
  auto [u, s, vh] = linalg::svd(a, full);
  std::int64_t k = s.shape().back();
  Array uk = slice_in_dim(u, 0, k, 1, -1);
  return uk * signs_of_row(uk, 0);
}
Array svd_vh(const Array& a, bool full) {
  auto [u, s, vh] = linalg::svd(a, full);
  std::int64_t k = s.shape().back();
  Array d = mT(signs_of_row(slice_in_dim(u, 0, k, 1, -1), 0));
  return slice_in_dim(vh, 0, k, 1, -2) * d;
}
// The projector onto the span of the columns [k, m) of a complete factor: independent of which
// orthonormal basis of that complement the factorisation chose.
Array complement_projector(const Array& q, std::int64_t k) {
  Array c = slice_in_dim(q, k, last(q), 1, -1);
  return matmul(c, mT(c));
}

// cholesky's derivative maps at spd(a): the tangent along t and the pullback of c, through the
// public cholesky (symmetrised input) or lax's (lower triangle read).
Array cholesky_of(const Array& a, bool symmetrize) {
  return symmetrize ? linalg::cholesky(a) : lax::cholesky(a);
}
Array cholesky_tangent(const Array& a, const Array& t, bool symmetrize = true) {
  auto f = [symmetrize](const Arrays& x) -> Arrays { return {cholesky_of(x[0], symmetrize)}; };
  return *jvp_flat(f, {spd(a)}, {t}).second[0];
}
Array cholesky_cotangent(const Array& a, const Array& c, bool symmetrize = true) {
  auto f = [symmetrize](const Arrays& x) -> Arrays { return {cholesky_of(x[0], symmetrize)}; };
  return vjp_flat(f, {spd(a)}).pullback({c})[0];
}

const bool registered = add_cases({
    // cholesky
    {"cholesky", [](const Arrays& a) { return linalg::cholesky(spd(a[0])); }, {vals({3, 3}, 1)}, true, "3x3"},
    {"cholesky", [](const Arrays& a) { return linalg::cholesky(spd(a[0])); }, {vals({2, 4, 4}, 2)}, true, "batched"},
    {"cholesky", [](const Arrays& a) { return linalg::cholesky(spd(a[0]), true); }, {vals({3, 3}, 3)}, true, "upper"},
    {"cholesky", [](const Arrays& a) { return linalg::cholesky(spd(a[0])); }, {vals({1, 1}, 4)}, true, "1x1"},
    {"cholesky", [](const Arrays& a) { return linalg::cholesky(a[0]); }, {vals({0, 0}, 1)}, true, "0x0"},
    // a non-symmetric input: the factor of (a + a^T) / 2, the symmetrisation fused into the kernel
    {"cholesky", [](const Arrays& a) { return linalg::cholesky(spd(a[0]) + 0.3 * triu(a[0], 1)); }, {vals({2, 3, 3}, 5)},
     true, "non-symmetric input"},
    {"cholesky_tangent", [](const Arrays& a) { return cholesky_tangent(a[0], a[1]); }, {vals({3, 3}, 6), vals({3, 3}, 7)},
     true, "symmetrised"},
    {"cholesky_tangent", [](const Arrays& a) { return cholesky_tangent(a[0], a[1], false); },
     {vals({2, 4, 4}, 8), vals({2, 4, 4}, 9)}, true, "lower triangle, batched"},
    {"cholesky_cotangent", [](const Arrays& a) { return cholesky_cotangent(a[0], a[1]); },
     {vals({3, 3}, 10), vals({3, 3}, 11)}, true, "symmetrised"},
    {"cholesky_cotangent", [](const Arrays& a) { return cholesky_cotangent(a[0], a[1], false); },
     {vals({2, 4, 4}, 12), vals({2, 4, 4}, 13)}, true, "lower triangle, batched"},
    // a diagonal cotangent (trtri and lauum), of one sign and of mixed signs (the general path)
    {"cholesky_cotangent", [](const Arrays& a) { return cholesky_cotangent(a[0], diag(a[1] * a[1] + 0.5)); },
     {vals({4, 4}, 14), vals({4}, 15)}, true, "diagonal"},
    {"cholesky_cotangent", [](const Arrays& a) { return cholesky_cotangent(a[0], diag(-(a[1] * a[1]) - 0.5), false); },
     {vals({4, 4}, 16), vals({4}, 17)}, true, "diagonal, negative"},
    {"cholesky_cotangent", [](const Arrays& a) { return cholesky_cotangent(a[0], diag(a[1])); },
     {vals({4, 4}, 18), array({0.5, -0.3, 0.8, 0.0})}, true, "diagonal, mixed signs"},
    {"cholesky_cotangent",
     [](const Arrays& a) {
       return grad([](const Array& x) { return 2.0 * sum(log(diagonal(linalg::cholesky(x)))); })(spd(a[0]));
     },
     {vals({5, 5}, 19)}, true, "log determinant"},
    // solve, and solve_factored through its derivatives (a general matrix: rows swap)
    {"solve", [](const Arrays& a) { return linalg::solve(a[0] + 2.0 * eye(4), a[1]); }, {vals({4, 4}, 20), vals({4}, 21)},
     true, "vector"},
    {"solve", [](const Arrays& a) { return linalg::solve(a[0] + 2.0 * eye(3), a[1]); },
     {vals({2, 3, 3}, 22), vals({2, 3, 2}, 23)}, true, "batched matrices"},
    {"solve", [](const Arrays& a) { return linalg::solve(a[0], a[1]); }, {vals({0, 0}, 1), vals({0, 2}, 1)}, true, "0x0"},
    {"solve_factored",
     [](const Arrays& a) {
       auto f = [](const Arrays& x) -> Arrays { return {linalg::solve(x[0] + 2.0 * eye(3), x[1])}; };
       return *jvp_flat(f, {a[0], a[1]}, {a[0] * a[0], a[1]}).second[0];
     },
     {vals({3, 3}, 24), vals({3}, 25)}, true, "tangent"},
    {"solve_factored",
     [](const Arrays& a) {
       auto f = [](const Arrays& x) -> Arrays { return {linalg::solve(x[0] + 2.0 * eye(3), x[1])}; };
       Linearized v = vjp_flat(f, {a[0], a[1]});
       return v.pullback({v.outs[0]})[0];
     },
     {vals({3, 3}, 26), vals({3, 2}, 27)}, true, "transposed"},
    // triangular_solve, every option
    tri("left lower", {3, 3}, {3, 2}, {}),
    tri("left upper transposed", {3, 3}, {3, 2}, {.lower = false, .transpose_a = true}),
    tri("right lower", {3, 3}, {2, 3}, {.left_side = false}),
    tri("right upper transposed unit", {3, 3}, {4, 3},
        {.left_side = false, .lower = false, .transpose_a = true, .unit_diagonal = true}),
    tri("left lower unit", {4, 4}, {4, 1}, {.unit_diagonal = true}),
    tri("vector rhs", {3, 3}, {3}, {}),
    tri("batched", {2, 3, 3}, {2, 3, 2}, {.lower = false}),
    tri("broadcast batch", {3, 3}, {2, 3, 2}, {}),
    tri("empty rhs", {3, 3}, {3, 0}, {}),
    // lu: the packed factors (pivots are piecewise constant)
    lu_case("3x3", {3, 3}),
    lu_case("4x4", {4, 4}),
    lu_case("tall 5x3", {5, 3}),
    lu_case("wide 3x5", {3, 5}),
    lu_case("batched", {2, 3, 3}),
    lu_case("0x0", {0, 0}),
    lu_case("empty batch", {0, 3, 3}),
    {"lu", [](const Arrays& a) { return linalg::lu(a[0]).permutation; }, {vals({4, 4}, 5)}, false, "permutation"},
    {"lu", [](const Arrays& a) { return linalg::lu(a[0]).pivots; }, {vals({2, 3, 3}, 6)}, false, "pivots"},
    // eigh: eigenvalues, and eigenvectors with a fixed sign
    {"eigh", [](const Arrays& a) { return linalg::eigh(a[0]).eigenvalues; }, {vals({4, 4}, 1)}, true, "eigenvalues"},
    {"eigh",
     [](const Arrays& a) {
       Array v = linalg::eigh(a[0]).eigenvectors;
       return v * signs_of_row(v, 0);
     },
     {vals({3, 3}, 2)},
     true,
     "eigenvectors"},
    {"eigh", [](const Arrays& a) { return linalg::eigvalsh(a[0]); }, {vals({2, 3, 3}, 3)}, true, "batched"},
    {"eigh",
     [](const Arrays& a) {
       auto [w, v] = linalg::eigh(a[0]);
       return matmul(v * expand_dims(exp(w), -2), mT(v));  // expm of a symmetric matrix: sign-free
     },
     {vals({2, 4, 4}, 4)},
     true,
     "matrix exponential"},
    {"eigh", [](const Arrays& a) { return linalg::eigvalsh(a[0]); }, {vals({1, 1}, 5)}, true, "1x1"},
    {"eigh", [](const Arrays& a) { return linalg::eigh(a[0]).eigenvectors; }, {vals({0, 0}, 6)}, true, "0x0"},
    // eig of real matrices (mostly antisymmetric: complex eigenvalue pairs); both parts of the values,
    // and |v|^2, which does not depend on the eigenvectors' phases.
    {"eig",
     [](const Arrays& a) {
       Array w = linalg::eigvals(a[0] - mT(a[0]) * 1.5);
       return real(w) + imag(w) * 0.5;
     },
     {vals({2, 4, 4}, 7)},
     true,
     "real eigenvalues"},
    {"eig",
     [](const Arrays& a) { return square(abs(linalg::eig(a[0] - mT(a[0]) * 1.5, true).eigenvectors)); },
     {vals({3, 3}, 8)},
     true,
     "real |v|"},
    {"eig", [](const Arrays& a) { return real(linalg::eigvals(a[0])); }, {vals({0, 0}, 6)}, true, "0x0"},
    // qr
    {"qr", [](const Arrays& a) { return qr_q(a[0], linalg::QrMode::reduced); }, {vals({5, 3}, 1)}, true, "tall q"},
    {"qr", [](const Arrays& a) { return qr_r(a[0], linalg::QrMode::reduced); }, {vals({5, 3}, 2)}, true, "tall r"},
    {"qr", [](const Arrays& a) { return qr_q(a[0], linalg::QrMode::reduced); }, {vals({3, 3}, 3)}, true, "square q"},
    {"qr", [](const Arrays& a) { return qr_q(a[0], linalg::QrMode::reduced); }, {vals({3, 5}, 4)}, true, "wide q"},
    {"qr", [](const Arrays& a) { return qr_r(a[0], linalg::QrMode::reduced); }, {vals({3, 5}, 5)}, true, "wide r"},
    {"qr", [](const Arrays& a) { return qr_r(a[0], linalg::QrMode::complete); }, {vals({5, 3}, 6)}, true,
     "complete r"},
    {"qr",
     [](const Arrays& a) { return complement_projector(linalg::qr(a[0], linalg::QrMode::complete).q, 3); },
     {vals({5, 3}, 7)},
     true,
     "complete q complement"},
    {"qr", [](const Arrays& a) { return qr_q(a[0], linalg::QrMode::complete); }, {vals({2, 4, 3}, 8)}, true,
     "batched complete q"},
    {"qr", [](const Arrays& a) { return linalg::qr(a[0], linalg::QrMode::complete).q; }, {vals({3, 0}, 9)}, true,
     "no columns"},
    {"qr", [](const Arrays& a) { return linalg::qr(a[0]).r; }, {vals({0, 3}, 10)}, true, "no rows"},
    // svd
    {"svd", [](const Arrays& a) { return linalg::svdvals(a[0]); }, {vals({4, 3}, 1)}, true, "values"},
    {"svd", [](const Arrays& a) { return linalg::svd(a[0]).s; }, {vals({2, 3, 4}, 2)}, true, "values batched"},
    {"svd", [](const Arrays& a) { return svd_u(a[0], false); }, {vals({5, 3}, 3)}, true, "tall u"},
    {"svd", [](const Arrays& a) { return svd_vh(a[0], false); }, {vals({5, 3}, 4)}, true, "tall vh"},
    {"svd", [](const Arrays& a) { return svd_u(a[0], false); }, {vals({3, 5}, 5)}, true, "wide u"},
    {"svd", [](const Arrays& a) { return svd_vh(a[0], false); }, {vals({3, 5}, 6)}, true, "wide vh"},
    {"svd", [](const Arrays& a) { return svd_vh(a[0], true); }, {vals({3, 3}, 7)}, true, "square vh"},
    {"svd", [](const Arrays& a) { return complement_projector(linalg::svd(a[0]).u, 3); }, {vals({5, 3}, 8)}, true,
     "full u complement"},
    {"svd", [](const Arrays& a) { return complement_projector(mT(linalg::svd(a[0]).vh), 3); }, {vals({3, 5}, 9)},
     true, "full vh complement"},
    {"svd", [](const Arrays& a) { return svd_u(a[0], true); }, {vals({2, 4, 3}, 10)}, true, "batched full u"},
    {"svd", [](const Arrays& a) { return linalg::svd(a[0]).vh; }, {vals({0, 2}, 11)}, true, "no rows"},
    {"svd", [](const Arrays& a) { return linalg::svdvals(a[0]); }, {vals({3, 0}, 12)}, true, "no columns"},
});

}  // namespace
}  // namespace xjax::test
