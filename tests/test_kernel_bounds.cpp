// The BLAS and LAPACK kernels never touch memory past their operands. OpenBLAS is not built with
// the sanitizers, so an over-read inside it goes unseen until a buffer happens to end at an unmapped
// page. Here every operand ends exactly at a PROT_NONE page, for every float and complex dtype and
// the small shapes where OpenBLAS takes its remainder paths (its complex gemv kernel reads one
// stride past x when m % 4 == 2, which LAPACK's Householder updates hit with x a row of the matrix).
#include <doctest/doctest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "kernels/blas.hpp"
#include "kernels/lapack.hpp"
#include "xjax/dtype.hpp"

namespace xj = xjax;
namespace k = xjax::kernels;

namespace {

// `bytes` of memory ending at an inaccessible page, filled from `values` (doubles widened to the
// dtype's element layout by the caller).
class Guarded {
 public:
  explicit Guarded(std::size_t bytes) {
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    pages_ = (bytes + page - 1) / page + 1;
    base_ = static_cast<char*>(mmap(nullptr, pages_ * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    REQUIRE(base_ != MAP_FAILED);
    REQUIRE(mprotect(base_ + (pages_ - 1) * page, page, PROT_NONE) == 0);
    data_ = base_ + (pages_ - 1) * page - bytes;
  }
  Guarded(Guarded&& other) noexcept
      : base_(std::exchange(other.base_, nullptr)), data_(other.data_), pages_(other.pages_) {}
  Guarded& operator=(Guarded&&) = delete;
  ~Guarded() {
    if (base_) munmap(base_, pages_ * static_cast<std::size_t>(sysconf(_SC_PAGESIZE)));
  }
  void* get() const { return data_; }

 private:
  char* base_ = nullptr;
  char* data_ = nullptr;
  std::size_t pages_ = 0;
};

// An operand of `count` elements of `dtype`: well conditioned values (a dominant diagonal when
// `square_n` > 0, so that factorisations succeed and take their normal paths).
Guarded operand(xj::DType dtype, std::int64_t count, std::int64_t square_n = 0, int seed = 0) {
  const std::size_t width = xj::itemsize(dtype), bytes = static_cast<std::size_t>(count) * width;
  Guarded g(bytes);
  auto* out = static_cast<char*>(g.get());
  const bool complex = xj::is_complex(dtype), single = dtype == xj::float32 || dtype == xj::complex64;
  for (std::int64_t i = 0; i < count; ++i) {
    double re = 0.3 * std::sin(0.9 * static_cast<double>(i) + seed), im = 0.2 * std::cos(1.3 * static_cast<double>(i));
    if (square_n > 0) {
      const std::int64_t j = i % (square_n * square_n);
      if (j / square_n == j % square_n) re += static_cast<double>(square_n) + 1, im = 0;
      else re = 0.1 * std::sin(static_cast<double>(std::min(j / square_n, j % square_n) * 7 + std::max(j / square_n, j % square_n)));
    }
    const double parts[2] = {re, im};
    for (int p = 0; p < (complex ? 2 : 1); ++p) {
      if (single) {
        const auto v = static_cast<float>(parts[p]);
        std::memcpy(out + i * width + p * 4, &v, 4);
      } else {
        std::memcpy(out + i * width + p * 8, &parts[p], 8);
      }
    }
  }
  return g;
}

Guarded ints(std::int64_t count) { return Guarded(static_cast<std::size_t>(count) * 4); }

xj::DType real_of(xj::DType d) { return d == xj::complex64 ? xj::float32 : d == xj::complex128 ? xj::float64 : d; }
xj::DType complex_of(xj::DType d) { return d == xj::float32 || d == xj::complex64 ? xj::complex64 : xj::complex128; }

const xj::DType lapack_dtypes[] = {xj::float32, xj::float64, xj::complex64, xj::complex128};
constexpr std::int64_t max_side = 10;
// Past OpenBLAS's unblocked sizes (its level-2 kernels work on blocks of 64 rows or columns).
const std::int64_t blocked_sides[] = {66, 130};

std::vector<std::int64_t> sides() {
  std::vector<std::int64_t> all;
  for (std::int64_t n = 0; n <= max_side; ++n) all.push_back(n);
  all.insert(all.end(), std::begin(blocked_sides), std::end(blocked_sides));
  return all;
}

}  // namespace

TEST_CASE("kernels: matrix products stay inside their operands") {
  for (xj::DType d : lapack_dtypes)
    for (std::int64_t m = 1; m <= max_side; ++m)
      for (std::int64_t n = 1; n <= max_side; ++n)
        for (std::int64_t kk : {std::int64_t{1}, std::int64_t{2}, std::int64_t{6}})
          for (int t = 0; t < 4; ++t) {
            CAPTURE(xj::dtype_name(d));
            CAPTURE(m);
            CAPTURE(n);
            CAPTURE(kk);
            CAPTURE(t);
            k::MatmulShape s{.batch = 1, .m = m, .n = n, .k = kk, .trans_a = (t & 1) != 0, .trans_b = (t & 2) != 0};
            Guarded a = operand(d, m * kk), b = operand(d, kk * n, 0, 1), c = operand(d, m * n);
            k::batched_matmul(d, a.get(), b.get(), c.get(), s);
          }
}

TEST_CASE("kernels: factorisations stay inside their operands") {
  for (xj::DType d : lapack_dtypes)
    for (std::int64_t n : sides()) {
      CAPTURE(xj::dtype_name(d));
      CAPTURE(n);
      const std::int64_t nn = n * n;
      for (std::int64_t batch : {1, 3}) {
        CAPTURE(batch);
        Guarded spd = operand(d, batch * nn, n), l = operand(d, batch * nn), c = operand(d, batch * nn, 0, 2);
        for (bool sym : {false, true}) {
          k::cholesky(d, spd.get(), l.get(), batch, n, sym);
          Guarded out = operand(d, batch * nn);
          k::cholesky_cotangent(d, l.get(), c.get(), out.get(), batch, n, sym);
          Guarded diagonal = operand(d, batch * nn, n);  // the one-sign diagonal path
          k::cholesky_cotangent(d, l.get(), diagonal.get(), out.get(), batch, n, sym);
        }
        for (std::int64_t rhs : {std::int64_t{1}, std::int64_t{2}, n}) {
          Guarded b = operand(d, batch * n * rhs, 0, 3), x = operand(d, batch * n * rhs), f = operand(d, batch * nn);
          Guarded p = ints(batch * n);
          k::solve(d, spd.get(), b.get(), x.get(), f.get(), static_cast<std::int32_t*>(p.get()), batch, n, rhs);
          for (bool tr : {false, true})
            k::solve_factored(d, f.get(), static_cast<const std::int32_t*>(p.get()), b.get(), x.get(), batch, n, rhs, tr);
        }
        Guarded vecs = operand(d, batch * nn), vals = operand(real_of(d), batch * n);
        k::eigh(d, spd.get(), vecs.get(), vals.get(), batch, n);
        Guarded cvals = operand(complex_of(d), batch * n), cvecs = operand(complex_of(d), batch * nn);
        Guarded general = operand(d, batch * nn, 0, 4);
        k::eig(d, general.get(), cvals.get(), cvecs.get(), batch, n);
        k::eig(d, general.get(), cvals.get(), nullptr, batch, n);
      }
      std::vector<std::int64_t> row_counts;  // every small m, and m = n for the blocked sizes
      for (std::int64_t m = 1; m <= max_side; ++m) row_counts.push_back(m);
      if (n > max_side) row_counts.push_back(n);
      for (std::int64_t m : row_counts) {
        CAPTURE(m);
        const std::int64_t kk = std::min(m, n);
        Guarded b = operand(d, m * n, 0, 5), x = operand(d, m * n);
        for (int o = 0; o < 32; ++o) {
          const bool left = (o & 16) != 0;
          Guarded tri = operand(d, left ? m * m : nn, left ? m : n);
          k::TriangularSolveShape s{.batch = 1, .m = m, .n = n, .left_side = left, .lower = (o & 1) != 0,
                                    .transpose_a = (o & 2) != 0, .unit_diagonal = (o & 4) != 0,
                                    .conjugate_a = (o & 8) != 0 && xj::is_complex(d)};
          k::triangular_solve(d, tri.get(), b.get(), x.get(), s);
        }
        Guarded a = operand(d, m * n, 0, 6), lu = operand(d, m * n), piv = ints(kk), perm = ints(m);
        k::lu(d, a.get(), lu.get(), static_cast<std::int32_t*>(piv.get()), static_cast<std::int32_t*>(perm.get()), 1, m, n);
        for (bool complete : {false, true}) {
          const std::int64_t qc = complete ? m : kk, rr = complete ? m : kk;
          Guarded q = operand(d, m * qc), r = operand(d, rr * n);
          k::qr(d, a.get(), q.get(), r.get(), 1, m, n, complete);
        }
        Guarded s = operand(real_of(d), kk);
        k::svd(d, a.get(), s.get(), nullptr, nullptr, 1, m, n, false);
        for (bool full : {false, true}) {
          Guarded u = operand(d, m * (full ? m : kk)), vh = operand(d, (full ? n : kk) * n);
          k::svd(d, a.get(), s.get(), u.get(), vh.get(), 1, m, n, full);
        }
      }
    }
}
