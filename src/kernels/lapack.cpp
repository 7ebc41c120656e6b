// Batched dense factorisations and triangular solves through LAPACK and CBLAS (OpenBLAS).
// LAPACK is column-major: a row-major matrix read column-major is its transpose, which either
// serves directly (symmetric inputs, the SVD of the transpose) or is undone by a transposed copy.
#include "kernels/lapack.hpp"

#include <algorithm>
#include <complex>
#include <cstring>
#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>
#include <vector>

#include "kernels/lapack_support.hpp"

namespace xjax::kernels {
namespace {

using namespace lapack;

// The optimal workspace size a query (lwork = -1) reported. A float holds integers exactly only up
// to 2^24, and LAPACK before 3.11 rounds larger sizes to nearest, often below what the routine then
// demands (ssyevd at n >= ~2900 rejects its own answer): take the next float up, as sroundup_lwork.
template <class T>
blasint workspace_size(T query) {
  auto reported = std::real(query);  // complex routines report it in the real part
  using R = decltype(reported);
  if (reported >= R(1 << 24)) reported = std::nextafter(reported, std::numeric_limits<R>::infinity());
  return std::max<blasint>(1, static_cast<blasint>(std::ceil(reported)));
}

template <class T>
bool lower_finite(const T* a, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j <= i; ++j)
      if (!finite(a[i * n + j])) return false;
  return true;
}

// dst (column-major, leading dimension rows) = src (row-major [rows, cols]), or the reverse.
template <class T>
void to_column_major(const T* src, T* dst, std::int64_t rows, std::int64_t cols) {
  for_blocks(rows, cols, [&](std::int64_t i, std::int64_t j) { dst[i + j * rows] = src[i * cols + j]; });
}
template <class T>
void from_column_major(const T* src, T* dst, std::int64_t rows, std::int64_t cols) {
  for_blocks(rows, cols, [&](std::int64_t i, std::int64_t j) { dst[i * cols + j] = src[i + j * rows]; });
}

template <class T>
void set_identity(T* p, std::int64_t n) {
  std::fill(p, p + n * n, T(0));
  for (std::int64_t i = 0; i < n; ++i) p[i * n + i] = T(1);
}

// ---- kernels, by element type ----

// The factorisation of a row-major matrix: potrf on the column-major upper triangle is potrf on
// the row-major lower one, in place. From n = 32 it runs on the column-major lower triangle instead
// (OpenBLAS's potrf is about 1.6x faster there at n = 256), the row-major upper one, and the factor,
// L^T in row-major order, moves to the lower triangle afterwards. One pass writes the symmetric
// matrix ((a + a^T) / 2 when symmetrize, the bits of the separate ops; else the one a's lower
// triangle defines) and zeroes the other triangle.
constexpr std::int64_t factor_transposed_from = 32;

template <class T>
void cholesky_typed(const T* a, T* l, std::int64_t batch, std::int64_t n, bool symmetrize) {
  const blasint bn = blas_dim("cholesky", n);
  const std::int64_t nn = n * n;
  const bool transposed = n >= factor_transposed_from;
  for_batches(batch, n, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t b = begin; b < end; ++b) {
      const T* src = a + b * nn;
      T* dst = l + b * nn;
      for_upper_triangle(n, [&](std::int64_t i, std::int64_t j) {  // element (j, i) of the lower triangle
        const T v = symmetrize ? (src[j * n + i] + conj_of(src[i * n + j])) * Real<T>(0.5) : src[j * n + i];
        if (transposed) {
          dst[i * n + j] = v;
        } else {
          dst[j * n + i] = v;
          if (j != i) dst[i * n + j] = T(0);
        }
      });
      bool finite = true;
      for (std::int64_t i = 0; i < n; ++i)
        finite = finite && (transposed ? all_finite(dst + i * n + i, n - i) : all_finite(dst + i * n, i + 1));
      blasint info = 0;
      if (!finite) info = -1;
      else if (n > 0) potrf(transposed ? 'L' : 'U', bn, dst, &info);
      if (info != 0) {
        fill_nan(dst, nn);
        continue;
      }
      if (transposed)
        for_upper_triangle(n, [&](std::int64_t i, std::int64_t j) {
          if (j == i) return;
          dst[j * n + i] = dst[i * n + j];
          dst[i * n + j] = T(0);
        });
    }
  });
}

template <class T>
void triangular_solve_typed(const T* a, const T* b, T* x, const TriangularSolveShape& s) {
  const std::int64_t k = s.left_side ? s.m : s.n;
  const blasint bm = blas_dim("triangular_solve", s.m), bn = blas_dim("triangular_solve", s.n);
  const std::int64_t a_size = k * k, b_size = s.m * s.n;
  // CBLAS has no conjugate-only op: conj(a) x = b is a conj(x) = conj(b).
  const bool conjugate = is_complex_v<T> && s.conjugate_a, conj_only = conjugate && !s.transpose_a;
  const CBLAS_TRANSPOSE op = !s.transpose_a ? CblasNoTrans : conjugate ? CblasConjTrans : CblasTrans;
  std::copy(b, b + s.batch * b_size, x);
  if (b_size == 0) return;
  for_batches(s.batch, k, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      T* xi = x + i * b_size;
      if (conj_only) std::transform(xi, xi + b_size, xi, conj_of<T>);
      trsm(s.left_side ? CblasLeft : CblasRight, s.lower ? CblasLower : CblasUpper, op,
           s.unit_diagonal ? CblasUnit : CblasNonUnit, bm, bn, a + i * a_size, static_cast<blasint>(k), xi);
      if (conj_only) std::transform(xi, xi + b_size, xi, conj_of<T>);
    }
  });
}

template <class T>
void lu_typed(const T* a, T* out, std::int32_t* pivots, std::int32_t* permutation, std::int64_t batch,
              std::int64_t m, std::int64_t n) {
  const blasint bm = blas_dim("lu", m), bn = blas_dim("lu", n);
  const std::int64_t k = std::min(m, n);
  for_batches(batch, std::max(m, n), [&](std::int64_t begin, std::int64_t end) {
    std::vector<T> work(static_cast<std::size_t>(m * n));
    std::vector<blasint> ipiv(static_cast<std::size_t>(std::max<std::int64_t>(k, 1)));
    for (std::int64_t b = begin; b < end; ++b) {
      to_column_major(a + b * m * n, work.data(), m, n);
      blasint info = 0;  // info > 0 (an exact zero pivot) still completes the factorisation
      if (k > 0) getrf(bm, bn, work.data(), ipiv.data(), &info);
      from_column_major(work.data(), out + b * m * n, m, n);
      std::int32_t* piv = pivots + b * k;
      std::int32_t* perm = permutation + b * m;
      std::iota(perm, perm + m, std::int32_t{0});
      for (std::int64_t i = 0; i < k; ++i) {
        piv[i] = static_cast<std::int32_t>(ipiv[static_cast<std::size_t>(i)] - 1);
        std::swap(perm[i], perm[piv[i]]);
      }
    }
  });
}

// syevd (heevd) on the column-major upper triangle reads the row-major lower one, of a^T = conj(a):
// its eigenvectors, column-major columns, are transposed back and conjugated here.
template <class T>
void eigh_typed(const T* a, T* vectors, Real<T>* values, std::int64_t batch, std::int64_t n) {
  if (n == 0) return;
  const blasint bn = blas_dim("eigh", n);
  T work_query = 0;
  Real<T> rwork_query = 0;
  blasint iwork_query = 0, info = 0;
  syevd_upper(bn, nullptr, nullptr, &work_query, -1, &rwork_query, -1, &iwork_query, -1, &info);
  const blasint lwork = workspace_size(work_query), lrwork = workspace_size(rwork_query),
                liwork = std::max<blasint>(1, iwork_query);
  for_batches(batch, n, [&](std::int64_t begin, std::int64_t end) {
    std::vector<T> matrix(static_cast<std::size_t>(n * n + column_slack<T>(n))),
        work(static_cast<std::size_t>(lwork + column_slack<T>(n)));
    std::vector<Real<T>> rwork(static_cast<std::size_t>(is_complex_v<T> ? lrwork : 0));
    std::vector<blasint> iwork(static_cast<std::size_t>(liwork));
    for (std::int64_t b = begin; b < end; ++b) {
      const T* src = a + b * n * n;
      T* v = vectors + b * n * n;
      Real<T>* w = values + b * n;
      blasint status = -1;
      if (lower_finite(src, n)) {
        std::copy(src, src + n * n, matrix.data());
        syevd_upper(bn, matrix.data(), w, work.data(), lwork, rwork.data(), lrwork, iwork.data(), liwork, &status);
      }
      if (status != 0) {
        fill_nan(v, n * n);
        fill_nan(w, n);
        continue;
      }
      from_column_major(matrix.data(), v, n, n);
      if constexpr (is_complex_v<T>) std::transform(v, v + n * n, v, conj_of<T>);
    }
  });
}

// geev on the column-major copy. A real matrix's complex eigenvalues come in conjugate pairs (wr, +-wi),
// their eigenvectors packed as vr[:, j] +- i vr[:, j + 1].
template <class T>
void eig_typed(const T* a, std::complex<Real<T>>* values, std::complex<Real<T>>* vectors, std::int64_t batch,
               std::int64_t n) {
  using C = std::complex<Real<T>>;
  if (n == 0) return;
  const blasint bn = blas_dim("eig", n);
  const char jobvr = vectors ? 'V' : 'N';
  // The query writes the real workspace's first element too (LAPACK 3.11's ztrevc3): give it one.
  T query = 0;
  Real<T> rwork_query[2] = {0, 0};
  blasint info = 0;
  if constexpr (is_complex_v<T>) geev(jobvr, bn, nullptr, nullptr, nullptr, &query, -1, rwork_query, &info);
  else geev(jobvr, bn, nullptr, nullptr, nullptr, nullptr, &query, -1, &info);
  const blasint lwork = workspace_size(query);
  for_batches(batch, n, [&](std::int64_t begin, std::int64_t end) {
    std::vector<T> matrix(static_cast<std::size_t>(n * n + column_slack<T>(n))),
        vr(static_cast<std::size_t>(vectors ? n * n + column_slack<T>(n) : 1)),
        work(static_cast<std::size_t>(lwork + column_slack<T>(n)));
    std::vector<Real<T>> wr(static_cast<std::size_t>(n)), wi(static_cast<std::size_t>(n)),
        rwork(static_cast<std::size_t>(2 * n));
    for (std::int64_t b = begin; b < end; ++b) {
      const T* src = a + b * n * n;
      C* w = values + b * n;
      C* v = vectors ? vectors + b * n * n : nullptr;
      blasint status = -1;  // non-finite input: LAPACK's iterations are not guaranteed to stop
      if (all_finite(src, n * n)) {
        to_column_major(src, matrix.data(), n, n);
        if constexpr (is_complex_v<T>) {
          geev(jobvr, bn, matrix.data(), w, vr.data(), work.data(), lwork, rwork.data(), &status);
        } else {
          geev(jobvr, bn, matrix.data(), wr.data(), wi.data(), vr.data(), work.data(), lwork, &status);
          for (std::int64_t j = 0; j < n; ++j) w[j] = C(wr[static_cast<std::size_t>(j)], wi[static_cast<std::size_t>(j)]);
        }
      }
      if (status != 0) {
        fill_nan(w, n);
        if (v) fill_nan(v, n * n);
        continue;
      }
      if (!v) continue;
      for (std::int64_t j = 0; j < n; ++j) {
        const T* column = vr.data() + j * n;
        if constexpr (is_complex_v<T>) {
          for (std::int64_t r = 0; r < n; ++r) v[r * n + j] = column[r];
        } else if (wi[static_cast<std::size_t>(j)] == 0) {
          for (std::int64_t r = 0; r < n; ++r) v[r * n + j] = C(column[r]);
        } else {  // the pair j, j + 1
          for (std::int64_t r = 0; r < n; ++r) {
            v[r * n + j] = C(column[r], column[r + n]);
            v[r * n + j + 1] = C(column[r], -column[r + n]);
          }
          ++j;
        }
      }
    }
  });
}

// Householder QR of the column-major copy; q is formed from the reflectors by orgqr.
template <class T>
void qr_typed(const T* a, T* q, T* r, std::int64_t batch, std::int64_t m, std::int64_t n, bool complete) {
  const std::int64_t k = std::min(m, n), q_cols = complete ? m : k, r_rows = complete ? m : k;
  if (k == 0) {  // no reflectors: q is the identity (complete) or empty, r is all zeros
    for (std::int64_t b = 0; b < batch; ++b) {
      if (complete) set_identity(q + b * m * m, m);
      std::fill(r + b * r_rows * n, r + (b + 1) * r_rows * n, T(0));
    }
    return;
  }
  const blasint bm = blas_dim("qr", m), bn = blas_dim("qr", n), bk = static_cast<blasint>(k),
                bq = static_cast<blasint>(q_cols);
  T query = 0;
  blasint info = 0;
  geqrf(bm, bn, nullptr, nullptr, &query, -1, &info);
  blasint lwork = workspace_size(query);
  orgqr(bm, bq, bk, nullptr, nullptr, &query, -1, &info);
  lwork = std::max(lwork, workspace_size(query));
  for_batches(batch, std::max(m, n), [&](std::int64_t begin, std::int64_t end) {
    // Column-major m x max(n, q_cols): the reflectors, then room for the columns of a complete q.
    std::vector<T> matrix(static_cast<std::size_t>(m * std::max(n, q_cols) + column_slack<T>(m)));
    std::vector<T> tau(static_cast<std::size_t>(k)), work(static_cast<std::size_t>(lwork + column_slack<T>(m)));
    for (std::int64_t b = begin; b < end; ++b) {
      to_column_major(a + b * m * n, matrix.data(), m, n);
      blasint status = 0;
      geqrf(bm, bn, matrix.data(), tau.data(), work.data(), lwork, &status);
      T* rb = r + b * r_rows * n;
      for (std::int64_t i = 0; i < r_rows; ++i)
        for (std::int64_t j = 0; j < n; ++j) rb[i * n + j] = j >= i ? matrix[static_cast<std::size_t>(i + j * m)] : T(0);
      std::fill(matrix.begin() + m * n, matrix.end(), T(0));
      if (status == 0) orgqr(bm, bq, bk, matrix.data(), tau.data(), work.data(), lwork, &status);
      T* qb = q + b * m * q_cols;
      if (status != 0) {
        fill_nan(qb, m * q_cols);
        fill_nan(rb, r_rows * n);
        continue;
      }
      from_column_major(matrix.data(), qb, m, q_cols);
    }
  });
}

// The row-major [m, n] matrix read column-major is its transpose [n, m] = U' S V'^T, so u = V' and
// vh = U'^T: gesdd's U' written column-major is vh row-major, and its V'^T is u. No transposes.
// Complex: a = conj(V') S U'^T, and V'^H read row-major is conj(V') = u: the same buffers serve.
template <class T>
void svd_typed(const T* a, Real<T>* s, T* u, T* vh, std::int64_t batch, std::int64_t m, std::int64_t n,
               bool full_matrices) {
  const std::int64_t k = std::min(m, n);
  const bool vectors = u != nullptr;
  const std::int64_t u_cols = full_matrices ? m : k, vh_rows = full_matrices ? n : k;
  if (k == 0) {  // no singular values: the full unitary factors are identities
    for (std::int64_t b = 0; vectors && full_matrices && b < batch; ++b) {
      set_identity(u + b * m * m, m);
      set_identity(vh + b * n * n, n);
    }
    return;
  }
  const char jobz = !vectors ? 'N' : full_matrices ? 'A' : 'S';
  // The row-major buffer read column-major is a^T, whose SVD serves (its vectors are vh and u). For
  // tall a that transpose is wide, where gesdd takes a path 10-15 % slower (256 x 128: 4.1 against
  // 3.7 ms): there a column-major copy of a itself is factored and its vectors copied back.
  const bool tall = m > n;
  const blasint rows = blas_dim("svd", tall ? m : n), cols = blas_dim("svd", tall ? n : m);
  const blasint ldu = rows, ldvt = static_cast<blasint>(!vectors ? 1 : tall ? vh_rows : u_cols);
  T query = 0;
  blasint info = 0;
  std::vector<blasint> iwork_probe(static_cast<std::size_t>(8 * k));
  gesdd(jobz, rows, cols, nullptr, nullptr, nullptr, ldu, nullptr, ldvt, &query, -1, nullptr, iwork_probe.data(),
        &info);
  const blasint lwork = workspace_size(query);
  const std::int64_t lrwork = is_complex_v<T> ? gesdd_rwork(jobz, m, n) : 0;
  // Real vectors are written straight into u and vh unless a's own copy was factored (tall), whose
  // vectors are column-major; complex ones always go through arrays with column_slack.
  const bool staged = vectors && (tall || is_complex_v<T>);
  const std::int64_t left_cols = tall ? u_cols : vh_rows;
  for_batches(batch, std::max(m, n), [&](std::int64_t begin, std::int64_t end) {
    std::vector<T> matrix(static_cast<std::size_t>(m * n + column_slack<T>(rows))),
        work(static_cast<std::size_t>(lwork + column_slack<T>(std::max(m, n))));
    std::vector<T> left(staged ? static_cast<std::size_t>(rows * left_cols + column_slack<T>(ldu)) : 0),
        right(staged ? static_cast<std::size_t>(ldvt * cols + column_slack<T>(ldvt)) : 0);
    std::vector<Real<T>> rwork(static_cast<std::size_t>(lrwork));
    std::vector<blasint> iwork(static_cast<std::size_t>(8 * k));
    T unused = 0;  // gesdd's vector arguments when only singular values are wanted
    for (std::int64_t b = begin; b < end; ++b) {
      const T* src = a + b * m * n;
      Real<T>* sb = s + b * k;
      T* ub = vectors ? u + b * m * u_cols : &unused;
      T* vhb = vectors ? vh + b * vh_rows * n : &unused;
      blasint status = -1;  // non-finite input: LAPACK's iterations are not guaranteed to stop
      if (all_finite(src, m * n)) {
        if (tall) to_column_major(src, matrix.data(), m, n);
        else std::copy(src, src + m * n, matrix.data());
        gesdd(jobz, rows, cols, matrix.data(), sb, staged ? left.data() : vhb, ldu, staged ? right.data() : ub, ldvt,
              work.data(), lwork, rwork.data(), iwork.data(), &status);
        if (status == 0 && staged && tall) {
          from_column_major(left.data(), ub, m, u_cols);
          from_column_major(right.data(), vhb, vh_rows, n);
        } else if (status == 0 && staged) {
          std::copy(left.data(), left.data() + vh_rows * n, vhb);
          std::copy(right.data(), right.data() + m * u_cols, ub);
        }
      }
      if (status != 0) {
        fill_nan(sb, k);
        if (vectors) {
          fill_nan(ub, m * u_cols);
          fill_nan(vhb, vh_rows * n);
        }
      }
    }
  });
}

}  // namespace

void cholesky(DType dtype, const void* a, void* l, std::int64_t batch, std::int64_t n, bool symmetrize) {
  dispatch_lapack("cholesky", dtype, [&](auto t) {
    using T = decltype(t);
    cholesky_typed(static_cast<const T*>(a), static_cast<T*>(l), batch, n, symmetrize);
  });
}

void triangular_solve(DType dtype, const void* a, const void* b, void* x, const TriangularSolveShape& s) {
  dispatch_lapack("triangular_solve", dtype, [&](auto t) {
    using T = decltype(t);
    triangular_solve_typed(static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(x), s);
  });
}

void lu(DType dtype, const void* a, void* out, std::int32_t* pivots, std::int32_t* permutation, std::int64_t batch,
        std::int64_t m, std::int64_t n) {
  dispatch_lapack("lu", dtype, [&](auto t) {
    using T = decltype(t);
    lu_typed(static_cast<const T*>(a), static_cast<T*>(out), pivots, permutation, batch, m, n);
  });
}

void eigh(DType dtype, const void* a, void* eigenvectors, void* eigenvalues, std::int64_t batch, std::int64_t n) {
  dispatch_lapack("eigh", dtype, [&](auto t) {
    using T = decltype(t);
    eigh_typed(static_cast<const T*>(a), static_cast<T*>(eigenvectors), static_cast<Real<T>*>(eigenvalues), batch, n);
  });
}

void eig(DType dtype, const void* a, void* eigenvalues, void* eigenvectors, std::int64_t batch, std::int64_t n) {
  dispatch_lapack("eig", dtype, [&](auto t) {
    using T = decltype(t);
    using C = std::complex<Real<T>>;
    eig_typed(static_cast<const T*>(a), static_cast<C*>(eigenvalues), static_cast<C*>(eigenvectors), batch, n);
  });
}

void qr(DType dtype, const void* a, void* q, void* r, std::int64_t batch, std::int64_t m, std::int64_t n,
        bool complete) {
  dispatch_lapack("qr", dtype, [&](auto t) {
    using T = decltype(t);
    qr_typed(static_cast<const T*>(a), static_cast<T*>(q), static_cast<T*>(r), batch, m, n, complete);
  });
}

void svd(DType dtype, const void* a, void* s, void* u, void* vh, std::int64_t batch, std::int64_t m,
         std::int64_t n, bool full_matrices) {
  dispatch_lapack("svd", dtype, [&](auto t) {
    using T = decltype(t);
    svd_typed(static_cast<const T*>(a), static_cast<Real<T>*>(s), static_cast<T*>(u), static_cast<T*>(vh), batch, m, n,
              full_matrices);
  });
}

}  // namespace xjax::kernels
