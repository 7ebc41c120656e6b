// xjax::linalg on complex64 and complex128 matrices: every factorisation reconstructs its input with
// the properties numpy documents (unitary factors, real eigen- and singular values, triangles),
// solvers against their equations, det against the cofactor formula, and gradients against
// jax.grad's values (tests/golden/make_linalg_complex_golden.py), plus jit, vmap and typed errors.
#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <functional>
#include <string>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;
using xj::DType;
using c128 = std::complex<double>;

namespace {

// The golden inputs: sin(1.3 k + seed) + i cos(0.7 k^2 + 2 seed) + 2 [k == 0] at flat index k.
Array matrix(std::int64_t rows, std::int64_t cols, int seed, DType d = xj::complex128) {
  std::vector<c128> v(static_cast<std::size_t>(rows * cols));
  for (std::size_t k = 0; k < v.size(); ++k) {
    const double x = static_cast<double>(k);
    v[k] = c128(std::sin(1.3 * x + seed) + (k == 0 ? 2.0 : 0.0), std::cos(0.7 * x * x + 2 * seed));
  }
  return xj::array(v, {rows, cols}).astype(d);
}

double max_error(const Array& got, const Array& want) {
  return xj::max(xj::abs(got.astype(xj::complex128) - want.astype(xj::complex128))).item<double>();
}

double tolerance(DType d) { return d == xj::complex64 ? 2e-4 : 1e-11; }

Array adjoint(const Array& x) { return xj::conj(xj::swapaxes(x, -1, -2)); }
Array identity(std::int64_t n, DType d) { return xj::eye(n, std::nullopt, 0, d); }
Array hermitian_pd(const Array& a) {
  return xj::matmul(a, adjoint(a)) + identity(a.shape().back(), a.dtype()) * static_cast<double>(a.shape().back());
}

const DType complex_dtypes[] = {xj::complex64, xj::complex128};

}  // namespace

TEST_CASE("linalg complex: cholesky is lower with a real positive diagonal and reconstructs a Hermitian matrix") {
  for (DType d : complex_dtypes) {
    CAPTURE(d);
    const double tol = tolerance(d);
    Array a = hermitian_pd(matrix(5, 5, 1, d));
    Array l = xj::linalg::cholesky(a);
    CHECK(l.dtype() == d);
    CHECK(max_error(xj::triu(l, 1), xj::zeros_like(l)) == 0);
    Array diag = xj::diagonal(l);
    CHECK(max_error(xj::imag(diag), xj::zeros_like(xj::imag(diag))) == 0);
    CHECK(xj::min(xj::real(diag)).item<double>() > 0);
    CHECK(max_error(xj::matmul(l, adjoint(l)), a) < tol * 30);
    CHECK(max_error(xj::linalg::cholesky(a, true), adjoint(l)) == 0);
    // Only the Hermitian part is read: a skew-Hermitian term changes nothing.
    Array skew = matrix(5, 5, 2, d) - adjoint(matrix(5, 5, 2, d));
    CHECK(max_error(xj::linalg::cholesky(a + skew), l) < tol * 10);
    // Not positive definite: NaN, not an exception.
    Array bad = xj::linalg::cholesky(-a);
    CHECK(xj::all(xj::isnan(xj::real(bad)) & xj::isnan(xj::imag(bad))).item<bool>());
  }
}

TEST_CASE("linalg complex: triangular_solve with op(a) = a, a^T, conj(a), a^H on either side") {
  for (DType d : complex_dtypes) {
    const double tol = tolerance(d);
    Array a = matrix(4, 4, 1, d) + identity(4, d) * 3.0;
    for (bool lower : {true, false})
      for (bool left : {true, false})
        for (bool transpose : {false, true})
          for (bool conjugate : {false, true}) {
            CAPTURE(d);
            CAPTURE(lower);
            CAPTURE(left);
            CAPTURE(transpose);
            CAPTURE(conjugate);
            Array tri = lower ? xj::tril(a) : xj::triu(a);
            Array op = transpose ? xj::swapaxes(tri, 0, 1) : tri;
            if (conjugate) op = xj::conj(op);
            Array b = left ? matrix(4, 3, 3, d) : matrix(3, 4, 3, d);
            Array x = xj::linalg::triangular_solve(a, b, {.left_side = left, .lower = lower, .transpose_a = transpose,
                                                          .conjugate_a = conjugate});
            CHECK(max_error(left ? xj::matmul(op, x) : xj::matmul(x, op), b) < tol * 10);
          }
  }
}

TEST_CASE("linalg complex: lu, solve, inv, det and slogdet") {
  for (DType d : complex_dtypes) {
    CAPTURE(d);
    const double tol = tolerance(d);
    Array a = matrix(3, 3, 1, d);
    auto [lu, pivots, permutation] = xj::linalg::lu(a);
    Array l = xj::tril(lu, -1) + identity(3, d), u = xj::triu(lu);
    CHECK(max_error(xj::matmul(l, u), xj::take(a, permutation, 0)) < tol * 10);

    Array b = matrix(3, 2, 3, d);
    CHECK(max_error(xj::matmul(a, xj::linalg::solve(a, b)), b) < tol * 10);
    CHECK(max_error(xj::matmul(a, xj::linalg::inv(a)), identity(3, d)) < tol * 10);
    for (int trans : {0, 1, 2}) {
      CAPTURE(trans);
      Array op = trans == 0 ? a : trans == 1 ? xj::swapaxes(a, 0, 1) : adjoint(a);
      Array x = xj::linalg::lu_solve(xj::linalg::lu_factor(a), b, trans);
      CHECK(max_error(xj::matmul(op, x), b) < tol * 10);
    }
    Array h = hermitian_pd(matrix(3, 3, 4, d));
    for (bool lower : {true, false}) {
      Array c = xj::linalg::cholesky(h, !lower);
      CHECK(max_error(xj::matmul(h, xj::linalg::cho_solve(c, b, lower)), b) < tol * 30);
    }

    // The cofactor expansion in complex128.
    std::vector<c128> m(9);
    Array a128 = a.astype(xj::complex128);
    for (int i = 0; i < 9; ++i) m[static_cast<std::size_t>(i)] = a128.data<c128>()[i];
    const c128 det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                     m[2] * (m[3] * m[7] - m[4] * m[6]);
    Array got = xj::linalg::det(a);
    CHECK(got.dtype() == d);
    CHECK(std::abs(got.astype(xj::complex128).item<c128>() - det) < tol * 10 * std::abs(det));
    auto [sign, logabsdet] = xj::linalg::slogdet(a);
    CHECK(sign.dtype() == d);
    CHECK(logabsdet.dtype() == xj::real_dtype(d));
    CHECK(std::abs(sign.astype(xj::complex128).item<c128>() - det / std::abs(det)) < tol * 10);
    CHECK(std::abs(logabsdet.astype(xj::float64).item<double>() - std::log(std::abs(det))) < tol * 10);
  }
}

TEST_CASE("linalg complex: eigh gives real ascending eigenvalues and unitary eigenvectors") {
  for (DType d : complex_dtypes) {
    CAPTURE(d);
    const double tol = tolerance(d);
    // [[2, i], [-i, 2]] has eigenvalues 1 and 3.
    Array small = xj::array({{c128(2, 0), c128(0, 1)}, {c128(0, -1), c128(2, 0)}}).astype(d);
    Array w_small = xj::linalg::eigvalsh(small);
    CHECK(w_small.dtype() == xj::real_dtype(d));
    CHECK(max_error(w_small, xj::array({1.0, 3.0})) < tol * 10);

    Array a = matrix(2, 25, 1, d).reshape({2, 5, 5});  // a batch of two
    Array h = (a + adjoint(a)) * 0.5;
    auto [w, v] = xj::linalg::eigh(a);  // symmetrised as h
    CHECK(w.dtype() == xj::real_dtype(d));
    CHECK(v.dtype() == d);
    CHECK(xj::all(xj::diff(w, 1, -1) > 0.0).item<bool>());
    CHECK(max_error(xj::matmul(h, v), v * xj::expand_dims(w, -2)) < tol * 30);
    CHECK(max_error(xj::matmul(adjoint(v), v), xj::broadcast_to(identity(5, d), {2, 5, 5})) < tol * 30);
  }
}

TEST_CASE("linalg complex: qr and svd, reduced and complete, tall and wide") {
  for (DType d : complex_dtypes) {
    const double tol = tolerance(d);
    for (auto [m, n] : {std::pair<std::int64_t, std::int64_t>{5, 3}, {3, 5}, {4, 4}}) {
      CAPTURE(d);
      CAPTURE(m);
      CAPTURE(n);
      const std::int64_t k = std::min(m, n);
      Array a = matrix(m, n, 2, d);
      for (auto mode : {xj::linalg::QrMode::reduced, xj::linalg::QrMode::complete}) {
        auto [q, r] = xj::linalg::qr(a, mode);
        const std::int64_t cols = mode == xj::linalg::QrMode::complete ? m : k;
        CHECK(q.shape() == xj::Shape{m, cols});
        CHECK(max_error(xj::matmul(q, r), a) < tol * 10);
        CHECK(max_error(xj::matmul(adjoint(q), q), identity(cols, d)) < tol * 10);
        CHECK(max_error(xj::tril(r, -1), xj::zeros_like(r)) == 0);
      }
      for (bool full : {false, true}) {
        CAPTURE(full);
        auto [u, s, vh] = xj::linalg::svd(a, full);
        CHECK(s.dtype() == xj::real_dtype(d));
        CHECK(xj::all(xj::diff(s) < 0.0).item<bool>());
        Array uk = xj::slice_in_dim(u, 0, k, 1, 1), vk = xj::slice_in_dim(vh, 0, k, 1, 0);
        CHECK(max_error(xj::matmul(uk * s, vk), a) < tol * 10);
        CHECK(max_error(xj::matmul(adjoint(u), u), identity(u.shape()[1], d)) < tol * 10);
        CHECK(max_error(xj::matmul(vh, adjoint(vh)), identity(vh.shape()[0], d)) < tol * 10);
        CHECK(max_error(xj::linalg::svdvals(a), s) < tol * 10);
      }
      // diag(3i, -2) has singular values 3 and 2.
      Array diag = xj::array({{c128(0, 3), c128(0, 0)}, {c128(0, 0), c128(-2, 0)}}).astype(d);
      CHECK(max_error(xj::linalg::svdvals(diag), xj::array({3.0, 2.0})) < tol);
    }
  }
}

TEST_CASE("linalg complex: pinv, lstsq, expm, norms") {
  for (DType d : complex_dtypes) {
    CAPTURE(d);
    const double tol = tolerance(d);
    Array t = matrix(5, 3, 2, d);
    Array p = xj::linalg::pinv(t);
    CHECK(max_error(xj::matmul(p, t), identity(3, d)) < tol * 10);
    Array b = matrix(5, 2, 7, d);
    auto fit = xj::linalg::lstsq(t, b);
    CHECK(max_error(fit.solution, xj::matmul(p, b)) < tol * 10);
    CHECK(fit.residuals.dtype() == xj::real_dtype(d));
    Array r = b - xj::matmul(t, fit.solution);
    CHECK(max_error(fit.residuals, xj::sum(xj::real(r * xj::conj(r)), 0)) < tol * 10);
    // exp(i theta X) = cos(theta) I + i sin(theta) X for X = [[0, 1], [1, 0]].
    const double theta = 0.7;
    Array x = xj::array({{0.0, 1.0}, {1.0, 0.0}}).astype(d);
    Array e = xj::linalg::expm(x * c128(0, theta));
    Array want = identity(2, d) * std::cos(theta) + x * c128(0, std::sin(theta));
    CHECK(max_error(e, want) < tol * 10);
    Array s = xj::linalg::svdvals(t);
    CHECK(std::abs(xj::linalg::norm(t, 2.0).item<double>() - xj::max(s).item<double>()) < tol * 10);
    CHECK(std::abs(xj::linalg::norm(t, "nuc").item<double>() - xj::sum(s).item<double>()) < tol * 10);
  }
}

namespace {

struct GradCase {
  const char* name;
  std::vector<std::int64_t> shape;
  std::vector<double> input, grad;
  double value;
};
const GradCase grad_cases[] = {
#include "golden/linalg_complex.inc"
};

Array from_pairs(const std::vector<double>& v, const std::vector<std::int64_t>& shape) {
  std::vector<c128> z(v.size() / 2);
  for (std::size_t i = 0; i < z.size(); ++i) z[i] = c128(v[2 * i], v[2 * i + 1]);
  return xj::array(z, xj::Shape(shape.begin(), shape.end()));
}

// The functions of make_linalg_complex_golden.py, with its fixed weights.
std::function<Array(const Array&)> golden_function(const std::string& name) {
  namespace la = xj::linalg;
  const Array w = matrix(4, 4, 4), wt = matrix(3, 5, 5), wb = matrix(4, 2, 6), b = matrix(4, 2, 3);
  const Array weights = xj::array({1.0, -2.0, 0.5, 3.0});
  auto re_sum = [](const Array& x, const Array& v) { return xj::real(xj::sum(x * v)); };
  auto im_sum = [](const Array& x, const Array& v) { return xj::imag(xj::sum(x * v)); };
  auto hermitian = [](const Array& a) { return xj::matmul(a, adjoint(a)) + identity(4, a.dtype()) * 4.0; };
  auto abs2 = [](const Array& x) { return xj::square(xj::abs(x)); };
  if (name == "logabsdet") return [](const Array& a) { return la::slogdet(a).logabsdet; };
  if (name == "det") return [](const Array& a) { return xj::real(la::det(a)) + xj::imag(la::det(a * 0.5)); };
  if (name == "inv") return [=](const Array& a) { return im_sum(la::inv(a), w); };
  if (name == "solve") return [=](const Array& a) { return re_sum(la::solve(a, b), wb); };
  if (name == "cholesky") return [=](const Array& a) { return re_sum(la::cholesky(hermitian(a)), w); };
  if (name == "cholesky_upper") return [=](const Array& a) { return im_sum(la::cholesky(hermitian(a), true), w); };
  if (name == "cho_solve") return [=](const Array& a) { return re_sum(la::cho_solve(la::cholesky(hermitian(a)), b), wb); };
  if (name == "solve_triangular_C")
    return [=](const Array& a) {
      return re_sum(la::triangular_solve(a, b, {.lower = true, .transpose_a = true, .conjugate_a = true}), wb);
    };
  if (name == "solve_triangular_T")
    return [=](const Array& a) { return im_sum(la::triangular_solve(a, b, {.lower = false, .transpose_a = true}), wb); };
  if (name == "lu") return [=](const Array& a) { return re_sum(la::lu(a).lu, w); };
  if (name == "lu_solve_C") return [=](const Array& a) { return re_sum(la::lu_solve(la::lu_factor(a), b, 2), wb); };
  if (name == "eigvalsh") return [=](const Array& a) { return xj::sum(la::eigvalsh(a) * weights); };
  if (name == "eigh_vectors") return [=](const Array& a) { return xj::sum(abs2(la::eigh(a).eigenvectors) * xj::real(w)); };
  if (name == "eigh_projector")
    return [=](const Array& a) {
      auto [values, vectors] = la::eigh(a);
      return re_sum(xj::matmul(vectors * values, adjoint(vectors)), w);
    };
  if (name == "svdvals") return [=](const Array& a) { return xj::sum(la::svdvals(a) * weights); };
  if (name == "svd_vectors")
    return [=](const Array& a) {
      auto [u, s, vh] = la::svd(a, false);
      return xj::sum(abs2(u) * xj::real(w)) + xj::sum(abs2(vh) * xj::imag(w));
    };
  if (name == "svd_tall")
    return [=](const Array& a) {
      auto [u, s, vh] = la::svd(a, false);
      return re_sum(xj::matmul(u * xj::square(s), vh), xj::transpose(wt));
    };
  if (name == "svd_wide")
    return [=](const Array& a) {
      auto [u, s, vh] = la::svd(a, false);
      return im_sum(xj::matmul(u * xj::sqrt(s), vh), wt);
    };
  const Array w3 = xj::slice(w, {0, 0}, {3, 3});
  if (name == "qr_tall")
    return [=](const Array& a) { return re_sum(la::qr(a).q, xj::transpose(wt)) + im_sum(la::qr(a).r, w3); };
  if (name == "qr_wide") return [=](const Array& a) { return im_sum(la::qr(a).q, w3) + re_sum(la::qr(a).r, wt); };
  if (name == "pinv") return [=](const Array& a) { return re_sum(la::pinv(a), wt); };
  if (name == "lstsq")
    return [=](const Array& a) { return re_sum(la::lstsq(a, matrix(5, 2, 7)).solution, matrix(3, 2, 8)); };
  if (name == "expm") return [=](const Array& a) { return re_sum(la::expm(a * 0.25), w); };
  if (name == "norm2") return [](const Array& a) { return la::norm(a, 2.0) + la::norm(a, "nuc"); };
  const Array w0 = w[0];
  auto eig_vectors = [](const Array& a) { return la::eig(a, true).eigenvectors; };
  if (name == "eigvals") return [=](const Array& a) { return re_sum(la::eigvals(a), w0); };
  if (name == "eig_vectors") return [=](const Array& a) { return xj::sum(abs2(eig_vectors(a)) * xj::real(w)); };
  if (name == "eig_real")
    return [=](const Array& a) { return re_sum(la::eigvals(a), w0) + xj::sum(abs2(eig_vectors(a)) * xj::imag(w)); };
  if (name == "roots") return [=](const Array& p) { return re_sum(xj::roots(p[0], false), w0); };
  FAIL("no function for golden case " << name);
  return {};
}

}  // namespace

TEST_CASE("linalg complex: grad of real functions of complex matrices equals jax.grad's") {
  for (const GradCase& c : grad_cases) {
    CAPTURE(std::string(c.name));
    auto f = golden_function(c.name);
    const bool real_input = std::string(c.name).ends_with("_real");
    Array x = from_pairs(c.input, c.shape);
    Array want = from_pairs(c.grad, c.shape);
    if (real_input) {
      x = xj::real(x);
      want = xj::real(want);
    }
    CHECK(std::abs(f(x).item<double>() - c.value) < 1e-10 * (1 + std::abs(c.value)));
    auto [value, g] = xj::value_and_grad(f)(x);
    CHECK(g.dtype() == x.dtype());
    CHECK(max_error(g, want) < 1e-8 * (1 + xj::max(xj::abs(want)).item<double>()));
    // jit on both tiers, and complex64.
    CHECK(max_error(xj::jit(xj::grad(f))(x), g) < 1e-10 * (1 + xj::max(xj::abs(want)).item<double>()));
    {
      xj::test::TierScope tier;
      CHECK(max_error(xj::jit(xj::grad(f))(x), g) < 1e-10 * (1 + xj::max(xj::abs(want)).item<double>()));
    }
    const DType single = real_input ? xj::float32 : xj::complex64;
    CHECK(max_error(xj::grad(f)(x.astype(single)), want) < 2e-3 * (1 + xj::max(xj::abs(want)).item<double>()));
  }
}

TEST_CASE("linalg: eig and eigvals of real and complex matrices, roots") {
  using c64 = std::complex<float>;
  for (DType d : {xj::float32, xj::float64, xj::complex64, xj::complex128}) {
    CAPTURE(d);
    const double tol = d == xj::float32 || d == xj::complex64 ? 2e-4 : 1e-11;
    const DType c = xj::complex_dtype(d);
    // A rotation by 90 degrees: eigenvalues +-i, an exact conjugate pair for real input.
    Array rotation = xj::array({{0.0, -1.0}, {1.0, 0.0}}).astype(d);
    Array w_rot = xj::linalg::eigvals(rotation);
    CHECK(w_rot.dtype() == c);
    CHECK(max_error(xj::sort(xj::imag(w_rot)), xj::array({-1.0, 1.0})) < tol);
    CHECK(max_error(xj::real(w_rot), xj::zeros({2})) < tol);
    // Mostly antisymmetric, so a real matrix has complex eigenvalues.
    Array m = matrix(2, 25, 3).reshape({2, 5, 5});
    m = m - xj::swapaxes(m, 1, 2) * 1.5;
    Array a = xj::is_complex(d) ? m.astype(d) : xj::real(m).astype(d);
    auto [w, v] = xj::linalg::eig(a);
    CHECK(w.dtype() == c);
    CHECK(v.dtype() == c);
    Array ac = a.astype(c);
    CHECK(max_error(xj::matmul(ac, v), v * xj::expand_dims(w, -2)) < tol * 30);
    CHECK(max_error(xj::sum(xj::real(v * xj::conj(v)), -2), xj::ones({2, 5})) < tol * 10);
    CHECK(max_error(xj::linalg::eigvals(a), w) == 0);
    if (!xj::is_complex(d)) {  // complex eigenvalues of a real matrix come in exact conjugate pairs
      Array sorted = xj::sort_complex(w[0]).astype(xj::complex128);
      const c128* p = sorted.data<c128>();
      int pairs = 0;
      for (int i = 0; i + 1 < 5; ++i)
        if (p[i].imag() != 0 && p[i] == std::conj(p[i + 1])) ++pairs;
      CHECK(pairs >= 1);
    }
  }
  // Integers are converted; non-finite input gives NaN; vmap and jit agree with eager.
  CHECK(xj::linalg::eigvals(xj::array({{2, 0}, {0, 3}})).dtype() == xj::complex64);
  Array with_nan = xj::array({{1.0, std::nan("")}, {0.0, 1.0}});
  CHECK(xj::all(xj::isnan(xj::real(xj::linalg::eigvals(with_nan)))).item<bool>());
  Array batch = matrix(3, 16, 5).reshape({3, 4, 4});
  Array mapped = xj::vmap([](const Array& m) { return xj::linalg::eigvals(m); })(batch);
  for (std::int64_t i = 0; i < 3; ++i) CHECK(max_error(mapped[i], xj::linalg::eigvals(batch[i])) == 0);
  CHECK(max_error(xj::jit([](const Array& m) { return xj::linalg::eigvals(m); })(batch), xj::linalg::eigvals(batch)) ==
        0);
  // As JAX: eigenvector derivatives must be asked for.
  CHECK_THROWS_AS(xj::grad([](const Array& m) { return xj::sum(xj::abs(xj::linalg::eig(m).eigenvectors)); })(batch[0]),
                  xj::TransformError);
  CHECK_THROWS_AS(xj::linalg::eig(xj::ones({2, 3})), xj::ShapeError);

  // roots: numpy's companion matrix, so the same order as numpy and JAX.
  Array r = xj::roots(xj::array({1.0, -3.0, 2.0}));
  CHECK(r.dtype() == xj::complex128);
  CHECK(max_error(r, xj::array({c128(2, 0), c128(1, 0)})) < 1e-14);
  Array stripped = xj::roots(xj::array({0.0, 0.0, 1.0, -3.0, 2.0, 0.0}));  // two leading, one trailing zero
  CHECK(max_error(stripped, xj::array({c128(2, 0), c128(1, 0), c128(0, 0)})) < 1e-14);
  CHECK(max_error(xj::sort_complex(xj::roots(xj::array({1.0f, 0.0f, 1.0f}))), xj::array({c64(0, -1), c64(0, 1)})) < 1e-6);
  CHECK(xj::roots(xj::array({5.0})).shape() == xj::Shape{0});
  CHECK(xj::roots(xj::array({0.0, 0.0})).shape() == xj::Shape{0});
  auto fixed = xj::jit([](const Array& p) { return xj::roots(p, false); });
  CHECK(max_error(fixed(xj::array({1.0, -3.0, 2.0})), r) < 1e-14);
  CHECK_THROWS_AS(xj::jit([](const Array& p) { return xj::roots(p); })(xj::array({1.0, -3.0, 2.0})),
                  xj::ConcretizationError);
  CHECK_THROWS_AS(xj::roots(xj::ones({2, 2})), xj::ShapeError);
}

TEST_CASE("linalg complex: vmap over a batch equals the loop") {
  Array a = matrix(3, 16, 1).reshape({3, 4, 4}) + identity(4, xj::complex128) * 3.0;
  auto f = [](const Array& m) {
    auto [u, s, vh] = xj::linalg::svd(m, false);
    Array l = xj::linalg::cholesky(xj::matmul(m, adjoint(m)));
    return xj::linalg::solve(m, l) + xj::matmul(u * s, vh) + xj::linalg::eigh(m).eigenvalues[0];
  };
  Array batched = xj::vmap(f)(a);
  for (std::int64_t i = 0; i < 3; ++i) CHECK(max_error(batched[i], f(a[i])) < 1e-12);
}

TEST_CASE("linalg complex: typed errors") {
  Array z = matrix(3, 3, 1);
  CHECK_THROWS_AS(xj::linalg::cholesky(matrix(3, 2, 1)), xj::ShapeError);
  CHECK_THROWS_AS(xj::linalg::solve(z, matrix(2, 1, 1)), xj::ShapeError);
  CHECK_THROWS_AS(xj::linalg::solve(xj::ones({3, 3}, xj::int32), xj::ones({3}, xj::int32)), xj::DTypeError);
  // A real right-hand side promotes to the complex matrix's dtype.
  Array x = xj::linalg::solve(z, xj::ones({3}));
  CHECK(x.dtype() == xj::complex128);
  CHECK(max_error(xj::matmul(z, x), xj::ones({3})) < 1e-12);
}
