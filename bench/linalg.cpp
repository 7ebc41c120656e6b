// xjax::linalg against direct LAPACK calls on the same OpenBLAS (float64): the cost of the
// row-major/column-major handling and of the op layer, the batched path for many small matrices,
// and reverse mode through cholesky.
#include <cblas.h>

#include <cstdio>
#include <vector>

#include <xjax/core.hpp>

#include "bench_util.hpp"

extern "C" {
void dpotrf_(const char*, const blasint*, double*, const blasint*, blasint*, std::size_t);
void dgesv_(const blasint*, const blasint*, double*, const blasint*, blasint*, double*, const blasint*, blasint*);
void dsyevd_(const char*, const char*, const blasint*, double*, const blasint*, double*, double*, const blasint*,
             blasint*, const blasint*, blasint*, std::size_t, std::size_t);
void dgesdd_(const char*, const blasint*, const blasint*, double*, const blasint*, double*, double*, const blasint*,
             double*, const blasint*, double*, const blasint*, blasint*, blasint*, std::size_t);
}

namespace xj = xjax;
namespace la = xjax::linalg;

namespace {

std::vector<double> random_values(std::int64_t n, std::uint64_t seed) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (double& e : v) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    e = static_cast<double>(seed >> 11) / static_cast<double>(1ULL << 53) * 2 - 1;
  }
  return v;
}

xj::Array spd(std::int64_t batch, std::int64_t n) {
  xj::Array a = xj::array(random_values(batch * n * n, 1), {batch, n, n});
  return xj::matmul(a, xj::swapaxes(a, -1, -2)) + xj::eye(n, std::nullopt, 0, xj::float64) * static_cast<double>(n);
}

std::vector<double> copy_of(const xj::Array& a) { return {a.data<double>(), a.data<double>() + a.size()}; }

void row(const char* what, const bench::Stats& xjax, const bench::Stats& lapack) {
  std::printf("%-38s xjax %9.3f ms   lapack %9.3f ms   ratio %.2f\n", what, xjax.median_ms, lapack.median_ms,
              xjax.median_ms / lapack.median_ms);
  std::fflush(stdout);
}

}  // namespace

int main() {
  bench::print_machine();
  const blasint n = 256, one = 1;
  xj::Array k = spd(1, n)[0];
  const std::vector<double> kv = copy_of(k);
  {
    auto x = bench::time_it([&] { bench::keep(la::cholesky(k)); }, 3, 21);
    auto l = bench::time_it(
        [&] {
          std::vector<double> w = kv;
          blasint info = 0;
          dpotrf_("L", &n, w.data(), &n, &info, 1);
          bench::keep(w);
        },
        3, 21);
    row("cholesky 256x256", x, l);
  }
  {
    xj::Array b = xj::array(random_values(n, 2), {n});
    auto x = bench::time_it([&] { bench::keep(la::solve(k, b)); }, 3, 21);
    auto l = bench::time_it(
        [&] {
          std::vector<double> w = kv, rhs = copy_of(b);
          std::vector<blasint> piv(static_cast<std::size_t>(n));
          blasint info = 0;
          dgesv_(&n, &one, w.data(), &n, piv.data(), rhs.data(), &n, &info);
          bench::keep(rhs);
        },
        3, 21);
    row("solve 256x256, one right-hand side", x, l);
  }
  {
    const blasint m = 128;
    xj::Array s = spd(1, m)[0];
    const std::vector<double> sv = copy_of(s);
    auto x = bench::time_it([&] { bench::keep(la::eigh(s)); }, 3, 21);
    auto l = bench::time_it(
        [&] {
          std::vector<double> w = sv, values(static_cast<std::size_t>(m));
          double query = 0;
          blasint iquery = 0, info = 0, minus = -1;
          dsyevd_("V", "L", &m, w.data(), &m, values.data(), &query, &minus, &iquery, &minus, &info, 1, 1);
          blasint lwork = static_cast<blasint>(query), liwork = iquery;
          std::vector<double> work(static_cast<std::size_t>(lwork));
          std::vector<blasint> iwork(static_cast<std::size_t>(liwork));
          dsyevd_("V", "L", &m, w.data(), &m, values.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
          bench::keep(w);
        },
        3, 21);
    row("eigh 128x128", x, l);
  }
  {
    const blasint rows = 256, cols = 128;
    xj::Array a = xj::array(random_values(rows * cols, 3), {rows, cols});
    const std::vector<double> av = copy_of(xj::transpose(a));  // column-major: the matrix xjax factors
    auto x = bench::time_it([&] { bench::keep(la::svd(a, false)); }, 3, 21);
    auto l = bench::time_it(
        [&] {
          std::vector<double> w = av, s(cols), u(static_cast<std::size_t>(rows * cols)), vt(cols * cols);
          std::vector<blasint> iwork(8 * cols);
          double query = 0;
          blasint info = 0, minus = -1;
          dgesdd_("S", &rows, &cols, w.data(), &rows, s.data(), u.data(), &rows, vt.data(), &cols, &query, &minus,
                  iwork.data(), &info, 1);
          blasint lwork = static_cast<blasint>(query);
          std::vector<double> work(static_cast<std::size_t>(lwork));
          dgesdd_("S", &rows, &cols, w.data(), &rows, s.data(), u.data(), &rows, vt.data(), &cols, work.data(),
                  &lwork, iwork.data(), &info, 1);
          bench::keep(u);
        },
        3, 21);
    row("svd 256x128 (reduced)", x, l);
  }
  {
    const std::int64_t batch = 20000;
    const blasint m = 8;
    xj::Array ks = spd(batch, m);
    const std::vector<double> kvs = copy_of(ks);
    auto x = bench::time_it([&] { bench::keep(la::cholesky(ks)); }, 3, 21);
    auto l = bench::time_it(
        [&] {
          std::vector<double> w = kvs;
          blasint info = 0;
          for (std::int64_t i = 0; i < batch; ++i) dpotrf_("L", &m, w.data() + i * m * m, &m, &info, 1);
          bench::keep(w);
        },
        3, 21);
    row("cholesky 20000 x 8x8 (loop of dpotrf)", x, l);
  }
  {
    auto logdet = [](const xj::Array& a) { return 2.0 * xj::sum(xj::log(xj::diagonal(la::cholesky(a)))); };
    auto f = bench::time_it([&] { bench::keep(logdet(k)); }, 3, 21);
    auto g = bench::time_it([&] { bench::keep(xj::value_and_grad(logdet)(k)); }, 3, 21);
    std::printf("log det through cholesky, 256x256: forward %.3f ms, value_and_grad %.3f ms (%.1fx)\n", f.median_ms,
                g.median_ms, g.median_ms / f.median_ms);
  }
}
