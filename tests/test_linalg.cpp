// xjax::linalg: reconstruction identities over sizes, batch shapes and both float dtypes; every
// triangular_solve option; known answers (numpy's values); vmap against loops, jit against eager,
// a Hessian through solve; degenerate inputs and bad inputs with their exact exception types.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
namespace la = xjax::linalg;
using xj::Array;

namespace {

using xj::test::values;

// Deterministic pseudo-random values in [-1, 1].
Array rand(const xj::Shape& s, int seed, xj::DType d = xj::float64) {
  std::uint64_t state = 0x2545f4914f6cdd1dULL * static_cast<std::uint64_t>(seed + 7);
  std::vector<double> v(static_cast<std::size_t>(xj::shape_size(s)));
  for (double& e : v) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    e = static_cast<double>(state >> 11) / static_cast<double>(1ULL << 53) * 2 - 1;
  }
  return xj::array(v, s).astype(d);
}

xj::Shape with(xj::Shape batch, std::int64_t m, std::int64_t n) {
  batch.push_back(m);
  batch.push_back(n);
  return batch;
}
Array mT(const Array& x) { return xj::swapaxes(x, -1, -2); }
Array identity(std::int64_t n, xj::DType d) { return xj::eye(n, std::nullopt, 0, d); }

double max_abs(const Array& x) {
  double m = 0;
  for (double v : values(x)) m = std::max(m, std::isnan(v) ? std::numeric_limits<double>::infinity() : std::abs(v));
  return m;
}
// Tolerance for identities on O(1) entries of n x n products.
double tol(xj::DType d, std::int64_t n) { return (d == xj::float32 ? 2e-5 : 1e-12) * static_cast<double>(n + 4); }

// Whether every row of w [..., n] is non-decreasing.
bool ascending(const Array& w) {
  const std::int64_t n = w.shape().back();
  if (n < 2) return true;
  return xj::all(xj::slice_in_dim(w, 1, n, 1, -1) >= xj::slice_in_dim(w, 0, n - 1, 1, -1)).item<bool>();
}

#define CHECK_NEAR(a, b, t)                          \
  do {                                               \
    double err_ = max_abs((a) - (b));                \
    INFO("max error " << err_ << " > " << (t));      \
    CHECK(err_ <= (t));                              \
  } while (0)

const std::vector<xj::Shape> batches = {{}, {2}, {2, 3}};
const std::vector<xj::DType> dtypes = {xj::float32, xj::float64};

}  // namespace

TEST_CASE("linalg: square factorisations reconstruct their input (sizes, batch shapes, float32/float64)") {
  int seed = 0;
  for (xj::DType d : dtypes)
    for (const xj::Shape& batch : batches)
      for (std::int64_t n : {1, 3, 8}) {
        CAPTURE(xj::dtype_name(d));
        CAPTURE(batch.size());
        CAPTURE(n);
        const double t = tol(d, n);
        Array a = rand(with(batch, n, n), ++seed, d);
        Array spd = xj::matmul(a, mT(a)) + identity(n, d) * static_cast<double>(n);
        Array well = a + identity(n, d) * static_cast<double>(n);  // diagonally dominant
        // cholesky: lower triangular, L L^T = A
        Array l = la::cholesky(spd);
        CHECK(l.dtype() == d);
        CHECK_NEAR(xj::matmul(l, mT(l)), spd, t * n);
        CHECK(max_abs(xj::triu(l, 1)) == 0);
        CHECK_NEAR(la::cholesky(spd, true), mT(l), 0);
        // solve and inv: A x = b for vector and matrix right-hand sides
        Array b = rand({n}, ++seed, d), bs = rand(with(batch, n, 2), ++seed, d);
        Array column = xj::broadcast_to(xj::expand_dims(b, -1), with(batch, n, 1));
        CHECK_NEAR(xj::matmul(well, xj::expand_dims(la::solve(well, b), -1)), column, t);
        CHECK_NEAR(xj::matmul(well, la::solve(well, bs)), bs, t);
        CHECK_NEAR(xj::matmul(well, la::inv(well)), xj::broadcast_to(identity(n, d), well.shape()), t);
        // lu: P A = L U with unit lower L
        auto [lu, pivots, perm] = la::lu(well);
        CHECK(pivots.dtype() == xj::int32);
        Array lower = xj::tril(lu, -1) + identity(n, d), upper = xj::triu(lu);
        Array pa = xj::take_along_axis(well, xj::broadcast_to(xj::expand_dims(perm, -1), well.shape()), -2);
        CHECK_NEAR(xj::matmul(lower, upper), pa, t);
        // eigh: V diag(w) V^T = A, V orthonormal, w ascending
        auto [w, v] = la::eigh(spd);
        CHECK_NEAR(xj::matmul(v * xj::expand_dims(w, -2), mT(v)), spd, t * n);
        CHECK_NEAR(xj::matmul(mT(v), v), xj::broadcast_to(identity(n, d), v.shape()), t);
        CHECK(ascending(w));
        CHECK_NEAR(la::eigvalsh(spd), w, 0);
        // det and slogdet against the eigenvalues of the SPD matrix
        Array logdet = xj::sum(xj::log(w), -1);
        auto [sign, logabs] = la::slogdet(spd);
        CHECK_NEAR(sign, xj::ones_like(sign), 0);
        CHECK_NEAR(logabs, logdet, t * n);
        CHECK_NEAR(xj::log(la::det(spd)), logdet, t * n);
      }
}

TEST_CASE("linalg: qr, svd, pinv and lstsq on tall, wide and square matrices") {
  int seed = 100;
  for (xj::DType d : dtypes)
    for (const xj::Shape& batch : batches)
      for (auto [m, n] : std::vector<std::pair<std::int64_t, std::int64_t>>{{5, 3}, {3, 5}, {4, 4}, {1, 3}, {6, 1}}) {
        CAPTURE(xj::dtype_name(d));
        CAPTURE(batch.size());
        CAPTURE(m);
        CAPTURE(n);
        const std::int64_t k = std::min(m, n);
        const double t = tol(d, std::max(m, n));
        Array a = rand(with(batch, m, n), ++seed, d);
        for (la::QrMode mode : {la::QrMode::reduced, la::QrMode::complete}) {
          auto [q, r] = la::qr(a, mode);
          const std::int64_t cols = mode == la::QrMode::complete ? m : k;
          CHECK(q.shape() == with(batch, m, cols));
          CHECK(r.shape() == with(batch, cols, n));
          CHECK_NEAR(xj::matmul(q, r), a, t);
          CHECK_NEAR(xj::matmul(mT(q), q), xj::broadcast_to(identity(cols, d), with(batch, cols, cols)), t);
          CHECK(max_abs(xj::tril(r, -1)) == 0);
        }
        for (bool full : {false, true}) {
          auto [u, s, vh] = la::svd(a, full);
          const std::int64_t ucols = full ? m : k, vrows = full ? n : k;
          CHECK(u.shape() == with(batch, m, ucols));
          CHECK(vh.shape() == with(batch, vrows, n));
          Array uk = xj::slice_in_dim(u, 0, k, 1, -1), vk = xj::slice_in_dim(vh, 0, k, 1, -2);
          CHECK_NEAR(xj::matmul(uk * xj::expand_dims(s, -2), vk), a, t);
          CHECK_NEAR(xj::matmul(mT(u), u), xj::broadcast_to(identity(ucols, d), with(batch, ucols, ucols)), t);
          CHECK_NEAR(xj::matmul(vh, mT(vh)), xj::broadcast_to(identity(vrows, d), with(batch, vrows, vrows)), t);
          CHECK(xj::all(s >= 0).item<bool>());
          CHECK(ascending(xj::flip(s, -1)));
          CHECK_NEAR(la::svdvals(a), s, t);
        }
        // Moore-Penrose conditions
        Array p = la::pinv(a);
        CHECK(p.shape() == with(batch, n, m));
        CHECK_NEAR(xj::matmul(a, xj::matmul(p, a)), a, t * 10);
        CHECK_NEAR(xj::matmul(p, xj::matmul(a, p)), p, t * 10);
        Array ap = xj::matmul(a, p), pa = xj::matmul(p, a);
        CHECK_NEAR(ap, mT(ap), t * 10);
        CHECK_NEAR(pa, mT(pa), t * 10);
        // lstsq: the normal equations a^T (a x - b) = 0 and the minimum-norm solution pinv(a) b
        Array b = rand(with(batch, m, 2), ++seed, d);
        auto [x, residuals, rank, sv] = la::lstsq(a, b);
        CHECK_NEAR(xj::matmul(mT(a), xj::matmul(a, x) - b), xj::zeros(with(batch, n, 2), d), t * 10);
        CHECK_NEAR(x, xj::matmul(p, b), t * 10);
        CHECK_NEAR(residuals, xj::sum(xj::square(xj::matmul(a, x) - b), -2), t * 10);
        CHECK(rank.dtype() == xj::int32);
        CHECK(xj::all(rank == k).item<bool>());
        CHECK_NEAR(sv, la::svdvals(a), 0);
      }
}

TEST_CASE("linalg: triangular_solve with every side, triangle, transpose and diagonal option") {
  int seed = 200;
  for (xj::DType d : dtypes)
    for (bool left : {true, false})
      for (bool lower : {true, false})
        for (bool trans : {false, true})
          for (bool unit : {false, true}) {
            CAPTURE(xj::dtype_name(d));
            CAPTURE(left);
            CAPTURE(lower);
            CAPTURE(trans);
            CAPTURE(unit);
            // The other triangle (and the diagonal when unit) hold garbage that must not be read.
            Array garbage = rand({2, 4, 4}, ++seed, d) * 100.0, small = rand({2, 4, 4}, ++seed, d) * 0.5;
            Array read = lower ? xj::tril(small, -1) : xj::triu(small, 1);
            Array unread = lower ? xj::triu(garbage, 1) : xj::tril(garbage, -1);
            Array eye = identity(4, d);
            Array a = read + unread + (unit ? garbage * eye : eye * 3.0);
            Array effective = read + (unit ? eye : eye * 3.0);
            Array op = trans ? mT(effective) : effective;
            Array b = rand(left ? xj::Shape{2, 4, 3} : xj::Shape{2, 3, 4}, ++seed, d);
            Array x = la::triangular_solve(a, b, {left, lower, trans, unit});
            CHECK_NEAR(left ? xj::matmul(op, x) : xj::matmul(x, op), b, tol(d, 4));
          }
  // a vector right-hand side, and one matrix for a batch of right-hand sides
  Array a = xj::array({{2.0, 0.0}, {1.0, 4.0}}), b = xj::array({2.0, 9.0});
  CHECK_NEAR(la::triangular_solve(a, b), xj::array({1.0, 2.0}), 1e-15);
  CHECK_NEAR(la::triangular_solve(a, xj::stack({b, b * 2.0}), {.left_side = false, .transpose_a = true}),
             xj::array({{1.0, 2.0}, {2.0, 4.0}}), 1e-15);
}

TEST_CASE("linalg: known answers (numpy's values)") {
  Array m = xj::array({{1.0, 2.0}, {3.0, 4.0}});
  CHECK(la::det(m).item<double>() == doctest::Approx(-2.0));
  CHECK_NEAR(la::inv(m), xj::array({{-2.0, 1.0}, {1.5, -0.5}}), 1e-15);
  CHECK_NEAR(la::solve(m, xj::array({5.0, 11.0})), xj::array({1.0, 2.0}), 1e-14);
  auto [sign, logabs] = la::slogdet(xj::array({{0.0, 1.0}, {1.0, 0.0}}));
  CHECK(sign.item<double>() == -1.0);
  CHECK(logabs.item<double>() == 0.0);
  CHECK_NEAR(la::eigvalsh(xj::array({{2.0, 1.0}, {1.0, 2.0}})), xj::array({1.0, 3.0}), 1e-15);
  CHECK_NEAR(la::svdvals(xj::array({{3.0, 0.0}, {4.0, 5.0}})), xj::array({std::sqrt(45.0), std::sqrt(5.0)}), 1e-14);
  CHECK_NEAR(la::cholesky(xj::array({{4.0, 2.0}, {2.0, 5.0}})), xj::array({{2.0, 0.0}, {1.0, 2.0}}), 1e-15);
  Array fib = xj::array({{1, 1}, {1, 0}});
  CHECK(xj::all(la::matrix_power(fib, 10) == xj::array({{89, 55}, {55, 34}})).item<bool>());
  CHECK(xj::all(la::matrix_power(fib, 0) == xj::array({{1, 0}, {0, 1}})).item<bool>());
  CHECK_NEAR(la::matrix_power(m, -2), xj::matmul(la::inv(m), la::inv(m)), 1e-14);
  CHECK_NEAR(la::matrix_power(m, 3), xj::matmul(m, xj::matmul(m, m)), 0);
  CHECK(la::trace(m).item<double>() == 5.0);
  CHECK_NEAR(la::trace(xj::stack({m, m * 2.0}), 1), xj::array({2.0, 4.0}), 0);
  auto [lu, pivots, perm] = la::lu(m);  // LAPACK pivots on the 3 first
  CHECK(xj::all(pivots == xj::array({1, 1})).item<bool>());
  CHECK(xj::all(perm == xj::array({1, 0})).item<bool>());
  CHECK_NEAR(lu, xj::array({{3.0, 4.0}, {1.0 / 3.0, 2.0 / 3.0}}), 1e-15);
}

TEST_CASE("linalg: norm follows numpy's ord and axis rules") {
  const double inf = std::numeric_limits<double>::infinity();
  Array v = xj::array({3.0, -4.0});
  CHECK(la::norm(v).item<double>() == doctest::Approx(5.0));
  CHECK(la::norm(v, inf).item<double>() == 4.0);
  CHECK(la::norm(v, -inf).item<double>() == 3.0);
  CHECK(la::norm(v, 0).item<double>() == 2.0);
  CHECK(la::norm(v, 1).item<double>() == 7.0);
  CHECK(la::norm(v, 3).item<double>() == doctest::Approx(std::cbrt(91.0)));
  CHECK(la::norm(v, -1).item<double>() == doctest::Approx(12.0 / 7.0));
  Array m = xj::array({{1.0, 2.0}, {3.0, 4.0}});
  CHECK(la::norm(m).item<double>() == doctest::Approx(std::sqrt(30.0)));
  CHECK(la::norm(m, "fro").item<double>() == doctest::Approx(std::sqrt(30.0)));
  CHECK(la::norm(m, 1).item<double>() == 6.0);
  CHECK(la::norm(m, -1).item<double>() == 4.0);
  CHECK(la::norm(m, inf).item<double>() == 7.0);
  CHECK(la::norm(m, -inf).item<double>() == 3.0);
  CHECK(la::norm(m, 2).item<double>() == doctest::Approx(5.4649857042190426));
  CHECK(la::norm(m, -2).item<double>() == doctest::Approx(0.36596619062625746));
  CHECK(la::norm(m, "nuc").item<double>() == doctest::Approx(5.8309518948453007));
  CHECK(la::norm(m, 1, {1, 0}).item<double>() == 7.0);  // the axes in that order: m transposed
  CHECK_NEAR(la::norm(m, std::nullopt, 1), xj::array({std::sqrt(5.0), 5.0}), 1e-15);
  CHECK_NEAR(la::norm(m, 1, 0), xj::array({4.0, 6.0}), 0);
  Array x = xj::reshape(xj::arange(24, xj::float64), {2, 3, 4});
  CHECK(la::norm(x).shape() == xj::Shape{});
  CHECK(la::norm(x, std::nullopt, {}, true).shape() == xj::Shape{1, 1, 1});
  CHECK(la::norm(x, 2, {0, 2}, true).shape() == xj::Shape{1, 3, 1});
  CHECK(la::norm(x, "nuc", {2, 0}).shape() == xj::Shape{3});
  CHECK(la::norm(xj::array({3, 4})).dtype() == xj::float32);  // integers are measured in floating point
  CHECK(la::vector_norm(x, 1).item<double>() == 276.0);
  CHECK_NEAR(la::matrix_norm(x, inf), xj::array({38.0, 86.0}), 0);
  CHECK(la::matrix_norm(x, "fro", true).shape() == xj::Shape{2, 1, 1});
}

TEST_CASE("linalg: vmap over systems equals a loop; jit equals eager") {
  Array as = rand({4, 3, 3}, 300) + identity(3, xj::float64) * 3.0, bs = rand({4, 3}, 301), b = rand({3}, 302);
  Array mapped = xj::vmap(la::solve)(as, bs);
  Array one_rhs = xj::vmap(la::solve, {0, std::nullopt})(as, b);
  Array dets = xj::vmap(la::det)(as);
  Array pinvs = xj::vmap([](const Array& a) { return la::pinv(a); }, {1}, 2)(as);
  for (std::int64_t i = 0; i < 4; ++i) {
    CHECK_NEAR(mapped[i], la::solve(as[i], bs[i]), 1e-13);
    CHECK_NEAR(one_rhs[i], la::solve(as[i], b), 1e-13);
    CHECK_NEAR(dets[i], la::det(as[i]), 1e-13);
  }
  for (std::int32_t j = 0; j < 3; ++j)
    CHECK_NEAR(xj::take(pinvs, xj::array(j), 2), la::pinv(xj::take(as, xj::array(j), 1)), 1e-12);
  auto several = [](const Array& a, const Array& rhs) {
    auto [q, r] = la::qr(a);
    auto [w, v] = la::eigh(a);
    return std::tuple{la::solve(a, rhs), la::slogdet(a).logabsdet, xj::matmul(q, r), w, la::lstsq(a, rhs).solution,
                      la::norm(a, 2, {-2, -1})};
  };
  auto eager = several(as, bs[0]);
  auto jitted = xj::jit(several)(as, bs[0]);
  CHECK_NEAR(std::get<0>(jitted), std::get<0>(eager), 0);
  CHECK_NEAR(std::get<1>(jitted), std::get<1>(eager), 0);
  CHECK_NEAR(std::get<2>(jitted), std::get<2>(eager), 0);
  CHECK_NEAR(std::get<3>(jitted), std::get<3>(eager), 0);
  CHECK_NEAR(std::get<4>(jitted), std::get<4>(eager), 0);
  CHECK_NEAR(std::get<5>(jitted), std::get<5>(eager), 0);
  auto [w, v] = xj::jit(la::eigh)(as);  // results are pytrees
  CHECK_NEAR(w, la::eigh(as).eigenvalues, 0);
}

TEST_CASE("linalg: large batches of small matrices (split among threads) match one matrix at a time") {
  Array a = rand({3000, 12, 12}, 400);  // 3000 * 12^3 flops: above the kernels' threading threshold
  Array spd = xj::matmul(a, mT(a)) + identity(12, xj::float64) * 12.0;
  Array l = la::cholesky(spd);
  auto [w, v] = la::eigh(spd);
  Array s = la::svdvals(a);
  Array x = la::solve(spd, a);
  for (std::int64_t i : {0, 1499, 1500, 2999}) {
    CHECK_NEAR(l[i], la::cholesky(spd[i]), 0);
    CHECK_NEAR(w[i], la::eigvalsh(spd[i]), 0);
    CHECK_NEAR(s[i], la::svdvals(a[i]), 0);
    CHECK_NEAR(x[i], la::solve(spd[i], a[i]), 0);
  }
}

TEST_CASE("linalg: derivatives through solve, det, inv, pinv and norms") {
  Array a = rand({3, 3}, 500) + identity(3, xj::float64) * 3.0, b = rand({3}, 501);
  // f(b) = b^T A^-1 b has Hessian A^-1 + A^-T.
  auto quad = [&a](const Array& x) { return xj::vdot(x, la::solve(a, x)); };
  Array ainv = la::inv(a);
  CHECK_NEAR(xj::hessian(quad)(b), ainv + mT(ainv), 1e-12);
  // d log|det A| / dA = A^-T, d det A / dA = det(A) A^-T
  CHECK_NEAR(xj::grad([](const Array& m) { return la::slogdet(m).logabsdet; })(a), mT(ainv), 1e-12);
  CHECK_NEAR(xj::grad(la::det)(a), la::det(a) * mT(ainv), 1e-12);
  // second order through solve (in both arguments), inv, pinv of a tall matrix, and norms
  auto check = [](const xj::FlatFn& f, const xj::Arrays& args) {
    CHECK_NOTHROW(xj::check_grads_flat(f, args, 2, {"fwd", "rev"}, 1e-6, 1e-5, 1e-6));
  };
  check([](const xj::Arrays& x) { return xj::Arrays{la::solve(x[0], x[1])}; }, {a, rand({3, 2}, 502)});
  check([](const xj::Arrays& x) { return xj::Arrays{la::inv(x[0])}; }, {a});
  check([](const xj::Arrays& x) { return xj::Arrays{la::pinv(x[0])}; }, {rand({4, 2}, 503)});
  check([](const xj::Arrays& x) { return xj::Arrays{la::lstsq(x[0], x[1]).solution}; },
        {rand({4, 2}, 504), rand({4}, 505)});
  check([](const xj::Arrays& x) { return xj::Arrays{la::norm(x[0], 2)}; }, {rand({3, 2}, 506)});
  check([](const xj::Arrays& x) { return xj::Arrays{la::norm(x[0], "nuc")}; }, {rand({2, 3}, 507)});
  check([](const xj::Arrays& x) { return xj::Arrays{la::norm(x[0], 3, 1)}; }, {rand({2, 3}, 508)});
  check([](const xj::Arrays& x) { return xj::Arrays{la::matrix_power(x[0], -3)}; }, {a});
  // pinv's rule holds where the singular values repeat (the SVD's rule does not)
  check([](const xj::Arrays& x) { return xj::Arrays{la::pinv(x[0])}; }, {identity(3, xj::float64) * 2.0});
}

TEST_CASE("linalg: degenerate inputs give inf/NaN, not crashes") {
  Array singular = xj::array({{1.0, 2.0}, {2.0, 4.0}});
  CHECK(!xj::all(xj::isfinite(la::solve(singular, xj::array({1.0, 1.0})))).item<bool>());
  CHECK(!xj::all(xj::isfinite(la::inv(singular))).item<bool>());
  CHECK(la::det(singular).item<double>() == 0.0);
  auto [sign, logabs] = la::slogdet(singular);
  CHECK(sign.item<double>() == 0.0);
  CHECK(logabs.item<double>() == -std::numeric_limits<double>::infinity());
  // not positive definite: NaN-filled, as JAX; only that matrix of a batch
  Array batch = xj::stack({xj::array({{1.0, 2.0}, {2.0, 1.0}}), xj::array({{2.0, 0.0}, {0.0, 2.0}})});
  Array l = la::cholesky(batch);
  CHECK(xj::all(xj::isnan(l[0])).item<bool>());
  CHECK_NEAR(l[1], identity(2, xj::float64) * std::sqrt(2.0), 1e-15);
  // non-finite input to the iterative decompositions: NaN results
  Array bad = xj::array({{1.0, std::numeric_limits<double>::quiet_NaN()}, {0.0, 1.0}});
  CHECK(xj::all(xj::isnan(la::eigh(bad).eigenvalues)).item<bool>());
  CHECK(xj::all(xj::isnan(la::svd(bad).u)).item<bool>());
  CHECK(xj::all(xj::isnan(la::svdvals(bad))).item<bool>());
  // rank-deficient least squares: the minimum-norm solution and the rank
  auto r = la::lstsq(singular, xj::array({1.0, 2.0}));
  CHECK(r.rank.item<std::int32_t>() == 1);
  CHECK_NEAR(r.solution, xj::array({0.2, 0.4}), 1e-14);
  // zero-size matrices
  CHECK(la::det(xj::zeros({0, 0}, xj::float64)).item<double>() == 1.0);
  CHECK(la::inv(xj::zeros({2, 0, 0})).shape() == xj::Shape{2, 0, 0});
  CHECK(la::pinv(xj::zeros({3, 0})).shape() == xj::Shape{0, 3});
  CHECK_NEAR(la::qr(xj::zeros({3, 0}), la::QrMode::complete).q, identity(3, xj::float32), 0);
  CHECK_NEAR(la::svd(xj::zeros({0, 2})).vh, identity(2, xj::float32), 0);
}

TEST_CASE("linalg: bad inputs throw typed errors naming the op") {
  Array sq = xj::ones({3, 3}), rect = xj::ones({3, 2}), ints = xj::ones({3, 3}, xj::int32), vec = xj::ones({3});
  CHECK_THROWS_AS(la::cholesky(rect), xj::ShapeError);
  CHECK_THROWS_AS(la::cholesky(vec), xj::ShapeError);
  CHECK_THROWS_AS(la::cholesky(ints), xj::DTypeError);
  CHECK_THROWS_AS(la::eigh(rect), xj::ShapeError);
  CHECK_THROWS_AS(la::det(rect), xj::ShapeError);
  CHECK_THROWS_AS(la::inv(ints), xj::DTypeError);
  CHECK_THROWS_AS(la::qr(ints), xj::DTypeError);
  CHECK_THROWS_AS(la::svd(vec), xj::ShapeError);
  CHECK_THROWS_AS(la::lu(xj::ones({3, 3}, xj::bool_)), xj::DTypeError);
  CHECK_THROWS_AS(la::solve(sq, xj::ones({4})), xj::ShapeError);
  CHECK_THROWS_AS(la::solve(xj::ones({2, 3, 3}), xj::ones({4, 3, 1})), xj::ShapeError);  // batch shapes
  CHECK_THROWS_AS(la::solve(sq, xj::ones({3}, xj::int32)), xj::DTypeError);
  CHECK_THROWS_AS(la::triangular_solve(sq, xj::ones({2, 3})), xj::ShapeError);
  CHECK_THROWS_AS(la::triangular_solve(xj::ones({2, 3, 3}), xj::ones({4, 3, 3})), xj::ShapeError);
  CHECK_THROWS_AS(la::lstsq(rect, xj::ones({2})), xj::ShapeError);
  CHECK_THROWS_AS(la::matrix_power(rect, 2), xj::ShapeError);
  CHECK_THROWS_AS(la::matrix_power(ints, -1), xj::DTypeError);
  CHECK_THROWS_AS(la::trace(vec), xj::ShapeError);
  CHECK_THROWS_AS(la::norm(vec, "fro"), xj::ValueError);
  CHECK_THROWS_AS(la::norm(sq, 3), xj::ValueError);
  CHECK_THROWS_AS(la::norm(sq, "max"), xj::ValueError);
  CHECK_THROWS_AS(la::norm(xj::ones({2, 2, 2}), 2), xj::ShapeError);
  CHECK_THROWS_AS(la::norm(sq, 2, {0, 0}), xj::ValueError);
  CHECK_THROWS_AS(la::norm(sq, 2, {0, 5}), xj::IndexError);
  // the shape rules run while tracing too
  CHECK_THROWS_AS(xj::jit([](const Array& a) { return la::cholesky(a); })(rect), xj::ShapeError);
  CHECK_THROWS_AS(xj::make_jaxpr([](const Array& a) { return la::eigh(a).eigenvalues; })(ints), xj::DTypeError);
  try {
    la::cholesky(rect);
  } catch (const xj::ShapeError& e) {
    CHECK(std::string(e.what()).find("[cholesky]") != std::string::npos);
    CHECK(std::string(e.what()).find("f32[3,2]") != std::string::npos);
  }
}

TEST_CASE("linalg: float32 eigh where LAPACK's workspace size passes 2^24 (a float query rounds it down)") {
  // ssyevd's own query answers 1 + 6n + 2n^2 rounded to a float; at n = 2900 that is below what it
  // then demands, and without rounding up the call fails (and used to give NaN).
  const std::int64_t n = 2900;
  xj::Array a = xj::eye(n) * 2.0f + xj::eye(n, std::nullopt, 1) * 0.5f + xj::eye(n, std::nullopt, -1) * 0.5f;
  auto r = xj::linalg::eigh(a);
  CHECK(!xj::any(xj::isnan(r.eigenvalues)).item<bool>());
  // The eigenvalues of this tridiagonal Toeplitz matrix are 2 + cos(k pi / (n + 1)), k = 1..n.
  CHECK(r.eigenvalues[0].item<float>() == doctest::Approx(2.0 + std::cos(static_cast<double>(n) * M_PI / (n + 1))).epsilon(1e-5));
  CHECK(r.eigenvalues[n - 1].item<float>() == doctest::Approx(2.0 + std::cos(M_PI / (n + 1))).epsilon(1e-5));
}
