// The kernels of the derivative and solve primitives: cholesky's cotangent map, and the solve of a
// general system that keeps its factorisation for the system's derivatives (transposed solves).
#include <algorithm>
#include <vector>

#include "kernels/lapack.hpp"
#include "kernels/lapack_support.hpp"

namespace xjax::kernels {
namespace {

using namespace lapack;

// Inverts a row-major lower triangular matrix in place (leading dimension lda): [L11 0; L21 L22]^-1
// = [X11 0; -X22 L21 X11 X22], by halves down to LAPACK's trtri. OpenBLAS's own trtri runs
// matrix-vector products and its trsm is slow at these sizes, while trmm is not: 0.13 ms against
// 0.58 ms at n = 256 (float64, one core). False if a diagonal entry is zero.
template <class T>
bool invert_lower(T* a, blasint n, blasint lda) {
  if (n <= 16) {
    blasint info = 0;
    if (n > 0) trtri('U', n, a, lda, &info);  // column-major, a row-major lower triangle is upper
    return info == 0;
  }
  const blasint n1 = n / 2, n2 = n - n1;
  T *x11 = a, *l21 = a + std::int64_t{n1} * lda, *x22 = l21 + n1;
  if (!invert_lower(x11, n1, lda) || !invert_lower(x22, n2, lda)) return false;
  trmm(CblasRight, CblasLower, CblasNoTrans, n2, n1, T(-1), x11, lda, l21, lda);
  trmm(CblasLeft, CblasLower, CblasNoTrans, n2, n1, T(1), x22, lda, l21, lda);
  return true;
}

// The transpose of cholesky's tangent map dA -> dL = L phi(L^-1 dA L^-H) (symmetrize_lower of dA):
// with K = L^T tril(c) and W = K~ + K~^H (K~: K's lower triangle, diagonal halved), the cotangent is
// the lower triangle of H = L^-T W conj(L)^-1 = Z^T W conj(Z) with Z = L^-1, diagonal halved (and
// real). Products with Z (trmm) are three times faster here than solves with L (trsm). A diagonal
// c (the cotangent of a log-determinant) gives a diagonal W: when its entries share a sign s,
// H = s (sqrt|W| Z)^T conj(sqrt|W| Z), which lauum computes in a third of two products' flops.
template <class T>
bool diagonal_cotangent(const T* l, const T* c, std::int64_t n, std::vector<Real<T>>& w) {
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < i; ++j)
      if (c[i * n + j] != T(0)) return false;
  bool positive = false, negative = false;
  for (std::int64_t i = 0; i < n; ++i) {
    w[static_cast<std::size_t>(i)] = std::real(l[i * n + i] * c[i * n + i]);
    positive = positive || w[static_cast<std::size_t>(i)] > 0;
    negative = negative || w[static_cast<std::size_t>(i)] < 0;
  }
  return !(positive && negative);
}

// Row-major results of the column-major-minded steps below hold H^T = conj(H) (H is Hermitian) in
// their lower triangle. One pass takes s H back, halves its diagonal and zeroes the upper triangle,
// or with symmetrize applies the transpose of a -> (a + a^H) / 2.
template <class T>
void finish_cotangent(T* h, std::int64_t n, Real<T> sign, bool symmetrize) {
  for_upper_triangle(n, [&](std::int64_t i, std::int64_t j) {  // element (j, i) of the lower triangle
    T& lower = h[j * n + i];
    if (j == i) {
      lower = sign * Real<T>(0.5) * std::real(lower);
      return;
    }
    lower = (symmetrize ? sign * Real<T>(0.5) : sign) * conj_of(lower);
    h[i * n + j] = symmetrize ? conj_of(lower) : T(0);
  });
}

template <class T>
void cholesky_cotangent_typed(const T* l, const T* c, T* out, std::int64_t batch, std::int64_t n, bool symmetrize) {
  const blasint bn = blas_dim("cholesky_cotangent", n);
  const std::int64_t nn = n * n;
  for_batches(batch, n, [&](std::int64_t begin, std::int64_t end) {
    std::vector<Real<T>> w(static_cast<std::size_t>(n));
    std::vector<T> z;
    for (std::int64_t b = begin; b < end; ++b) {
      const T *lb = l + b * nn, *cb = c + b * nn;
      T* h = out + b * nn;
      if (diagonal_cotangent(lb, cb, n, w)) {
        // h = sqrt|W| Z; read column-major it is its transpose, upper, and lauum('U') gives
        // (sqrt|W| Z)^T conj(sqrt|W| Z) = s H there.
        std::copy(lb, lb + nn, h);
        bool ok = invert_lower(h, bn, bn);
        const bool negative = std::any_of(w.begin(), w.end(), [](Real<T> v) { return v < 0; });
        for (std::int64_t i = 0; i < n; ++i) {
          const Real<T> scale = std::sqrt(std::abs(w[static_cast<std::size_t>(i)]));
          std::transform(h + i * n, h + i * n + i + 1, h + i * n, [&](T v) { return v * scale; });
        }
        blasint info = 0;
        if (ok && n > 0) lauum('U', bn, h, &info);
        if (!ok || info != 0) fill_nan(h, nn);
        finish_cotangent(h, n, Real<T>(negative ? -1 : 1), symmetrize);
      } else {
        z.assign(lb, lb + nn);
        for (std::int64_t i = 0; i < n; ++i)
          for (std::int64_t j = 0; j < n; ++j) h[i * n + j] = j <= i ? cb[i * n + j] : T(0);
        if (n > 0) trmm(CblasLeft, CblasLower, CblasTrans, bn, bn, T(1), lb, bn, h, bn);  // K = L^T tril(c)
        for (std::int64_t i = 0; i < n; ++i) {  // conj(W), Hermitian: H^T = Z^H conj(W) Z
          h[i * n + i] = std::real(h[i * n + i]);
          for (std::int64_t j = 0; j < i; ++j) {
            h[j * n + i] = h[i * n + j];
            h[i * n + j] = conj_of(h[i * n + j]);
          }
        }
        if (!invert_lower(z.data(), bn, bn)) {
          fill_nan(h, nn);
        } else if (n > 0) {
          trmm(CblasRight, CblasLower, CblasNoTrans, bn, bn, T(1), z.data(), bn, h, bn);
          trmm(CblasLeft, CblasLower, is_complex_v<T> ? CblasConjTrans : CblasTrans, bn, bn, T(1), z.data(), bn, h, bn);
        }
        finish_cotangent(h, n, Real<T>(1), symmetrize);
      }
    }
  });
}

// solve's factorisation is getrf of a row-major a read column-major: a^T = P L U, with no
// transposed copy. Read row-major, the factors hold U^T in their lower triangle and L^T (unit
// diagonal) strictly above it, so a = U^T L^T P^T: a x = b is x = P L^-T U^-T b, and a^T x = c is
// x = U^-1 L^-1 P^T c. P is the row swaps (i, pivots[i]) in order.
template <class T>
void apply_factors(const T* f, const std::int32_t* pivots, T* x, blasint n, blasint k, bool transpose) {
  if (n == 0 || k == 0) return;
  // One column goes through trsv (OpenBLAS's trsm is slow for it), whose complex kernels pass the
  // end of x to gemv as its x: a copy with column_slack.
  std::vector<T> padded;
  if (k == 1 && is_complex_v<T>) {
    padded.resize(static_cast<std::size_t>(n + column_slack<T>(1)));
    std::copy(x, x + n, padded.begin());
  }
  T* v = padded.empty() ? x : padded.data();
  auto solve = [&](CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag) {
    if (k == 1) trsv(uplo, trans, diag, n, f, v);
    else trsm(CblasLeft, uplo, trans, diag, n, k, f, n, v);
  };
  auto swap_row = [&](std::int64_t i) {
    if (pivots[i] != i) std::swap_ranges(v + i * k, v + (i + 1) * k, v + std::int64_t{pivots[i]} * k);
  };
  if (!transpose) {
    solve(CblasLower, CblasNoTrans, CblasNonUnit);
    solve(CblasUpper, CblasNoTrans, CblasUnit);
    for (std::int64_t i = n - 1; i >= 0; --i) swap_row(i);
  } else {
    for (std::int64_t i = 0; i < n; ++i) swap_row(i);
    solve(CblasUpper, CblasTrans, CblasUnit);
    solve(CblasLower, CblasTrans, CblasNonUnit);
  }
  if (!padded.empty()) std::copy(padded.begin(), padded.begin() + n, x);
}

template <class T>
void solve_typed(const T* a, const T* b, T* x, T* factors, std::int32_t* pivots, std::int64_t batch, std::int64_t n,
                 std::int64_t k) {
  const blasint bn = blas_dim("solve", n), bk = blas_dim("solve", k);
  std::copy(a, a + batch * n * n, factors);
  std::copy(b, b + batch * n * k, x);
  for_batches(batch, n, [&](std::int64_t begin, std::int64_t end) {
    std::vector<blasint> ipiv(static_cast<std::size_t>(std::max<std::int64_t>(n, 1)));
    for (std::int64_t m = begin; m < end; ++m) {
      T* f = factors + m * n * n;
      std::int32_t* p = pivots + m * n;
      blasint info = 0;  // info > 0 (an exact zero pivot): the solves divide by it, inf or NaN as JAX
      if (n > 0) getrf(bn, bn, f, ipiv.data(), &info);
      for (std::int64_t i = 0; i < n; ++i) p[i] = static_cast<std::int32_t>(ipiv[static_cast<std::size_t>(i)] - 1);
      apply_factors(f, p, x + m * n * k, bn, bk, false);
    }
  });
}

template <class T>
void solve_factored_typed(const T* factors, const std::int32_t* pivots, const T* c, T* x, std::int64_t batch,
                          std::int64_t n, std::int64_t k, bool transpose) {
  const blasint bn = blas_dim("solve", n), bk = blas_dim("solve", k);
  std::copy(c, c + batch * n * k, x);
  for_batches(batch, n, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t m = begin; m < end; ++m)
      apply_factors(factors + m * n * n, pivots + m * n, x + m * n * k, bn, bk, transpose);
  });
}

}  // namespace

void cholesky_cotangent(DType dtype, const void* l, const void* c, void* out, std::int64_t batch, std::int64_t n,
                        bool symmetrize) {
  dispatch_lapack("cholesky_cotangent", dtype, [&](auto t) {
    using T = decltype(t);
    cholesky_cotangent_typed(static_cast<const T*>(l), static_cast<const T*>(c), static_cast<T*>(out), batch, n,
                             symmetrize);
  });
}

void solve(DType dtype, const void* a, const void* b, void* x, void* factors, std::int32_t* pivots, std::int64_t batch,
           std::int64_t n, std::int64_t k) {
  dispatch_lapack("solve", dtype, [&](auto t) {
    using T = decltype(t);
    solve_typed(static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(x), static_cast<T*>(factors),
                pivots, batch, n, k);
  });
}

void solve_factored(DType dtype, const void* factors, const std::int32_t* pivots, const void* c, void* x,
                    std::int64_t batch, std::int64_t n, std::int64_t k, bool transpose) {
  dispatch_lapack("solve", dtype, [&](auto t) {
    using T = decltype(t);
    solve_factored_typed(static_cast<const T*>(factors), pivots, static_cast<const T*>(c), static_cast<T*>(x), batch,
                         n, k, transpose);
  });
}

}  // namespace xjax::kernels
