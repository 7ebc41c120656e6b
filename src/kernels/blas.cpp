// Batched matrix products: CBLAS (OpenBLAS) for float32/float64, oneDNN for the float32 shapes it is faster
// on, plain wrapping loops for integers and bool.
#include "kernels/blas.hpp"

#include <cblas.h>

#include <algorithm>
#include <complex>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "kernels/dispatch.hpp"
#include "kernels/thread_pool.hpp"
#ifdef XJAX_HAS_ONEDNN
#include "kernels/onednn_matmul.hpp"
#endif

namespace xjax::kernels {
namespace {

// Signed integers accumulate in their unsigned twin: wrap-around without undefined behaviour.
// bool accumulates in a byte (std::vector<bool> packs bits).
template <class T>
struct AccumulatorOf {
  using type = T;
};
template <>
struct AccumulatorOf<bool> {
  using type = unsigned char;
};
template <>
struct AccumulatorOf<std::int32_t> {
  using type = std::uint32_t;
};
template <>
struct AccumulatorOf<std::int64_t> {
  using type = std::uint64_t;
};
template <class T>
using Accumulator = typename AccumulatorOf<T>::type;

template <class T>
void loop_matmul(const T* a, const T* b, T* c, const MatmulShape& s) {
  using Acc = Accumulator<T>;
  const std::int64_t a_m = s.trans_a ? 1 : s.k, a_k = s.trans_a ? s.m : 1;
  const std::int64_t b_k = s.trans_b ? 1 : s.n, b_n = s.trans_b ? s.k : 1;
  std::vector<Acc> row(static_cast<std::size_t>(s.n));
  for (std::int64_t p = 0; p < s.batch; ++p, a += s.m * s.k, b += s.k * s.n, c += s.m * s.n) {
    for (std::int64_t i = 0; i < s.m; ++i) {
      if (s.trans_b) {  // rows of b are contiguous along k: dot products
        for (std::int64_t j = 0; j < s.n; ++j) {
          Acc acc{};
          for (std::int64_t q = 0; q < s.k; ++q) {
            if constexpr (std::is_same_v<T, bool>)
              acc = acc || (a[i * a_m + q * a_k] && b[j * b_n + q]);
            else
              acc += static_cast<Acc>(a[i * a_m + q * a_k]) * static_cast<Acc>(b[j * b_n + q]);
          }
          c[i * s.n + j] = static_cast<T>(acc);
        }
        continue;
      }
      std::fill(row.begin(), row.end(), Acc{});  // rows of b are contiguous along n: axpy per k
      for (std::int64_t q = 0; q < s.k; ++q) {
        const Acc av = static_cast<Acc>(a[i * a_m + q * a_k]);
        const T* bq = b + q * b_k;
        if constexpr (std::is_same_v<T, bool>) {
          if (av)
            for (std::int64_t j = 0; j < s.n; ++j) row[static_cast<std::size_t>(j)] |= bq[j];
        } else {
          for (std::int64_t j = 0; j < s.n; ++j) row[static_cast<std::size_t>(j)] += av * static_cast<Acc>(bq[j]);
        }
      }
      for (std::int64_t j = 0; j < s.n; ++j) c[i * s.n + j] = static_cast<T>(row[static_cast<std::size_t>(j)]);
    }
  }
}

// Overloads of the CBLAS entry points by element type.
void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n, blasint k, const float* a, blasint lda,
          const float* b, blasint ldb, float* c, blasint ldc) {
  cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
}
void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n, blasint k, const double* a, blasint lda,
          const double* b, blasint ldb, double* c, blasint ldc) {
  cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, ldc);
}
void gemv(CBLAS_TRANSPOSE t, blasint rows, blasint cols, const float* a, blasint lda, const float* x, float* y) {
  cblas_sgemv(CblasRowMajor, t, rows, cols, 1.0f, a, lda, x, 1, 0.0f, y, 1);
}
void gemv(CBLAS_TRANSPOSE t, blasint rows, blasint cols, const double* a, blasint lda, const double* x, double* y) {
  cblas_dgemv(CblasRowMajor, t, rows, cols, 1.0, a, lda, x, 1, 0.0, y, 1);
}
template <class R>
void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n, blasint k, const std::complex<R>* a, blasint lda,
          const std::complex<R>* b, blasint ldb, std::complex<R>* c, blasint ldc) {
  const std::complex<R> one(1), zero(0);
  if constexpr (std::is_same_v<R, float>) cblas_cgemm(CblasRowMajor, ta, tb, m, n, k, &one, a, lda, b, ldb, &zero, c, ldc);
  else cblas_zgemm(CblasRowMajor, ta, tb, m, n, k, &one, a, lda, b, ldb, &zero, c, ldc);
}
// OpenBLAS 0.3.21's complex gemv kernel for column-major 'N' (row-major 'T') reads past the end of
// x when the row count is 2 mod 4 (a few elements), which faults where x ends at an unmapped page:
// x goes through a copy with slack (O(rows) next to the product's O(rows cols)).
constexpr std::size_t gemv_x_slack = 8;
template <class R>
void gemv(CBLAS_TRANSPOSE t, blasint rows, blasint cols, const std::complex<R>* a, blasint lda, const std::complex<R>* x,
          std::complex<R>* y) {
  const std::complex<R> one(1), zero(0);
  std::vector<std::complex<R>> padded;
  if (t != CblasNoTrans) {
    padded.assign(static_cast<std::size_t>(rows) + gemv_x_slack, std::complex<R>{});
    std::copy(x, x + rows, padded.begin());
    x = padded.data();
  }
  if constexpr (std::is_same_v<R, float>) cblas_cgemv(CblasRowMajor, t, rows, cols, &one, a, lda, x, 1, &zero, y, 1);
  else cblas_zgemv(CblasRowMajor, t, rows, cols, &one, a, lda, x, 1, &zero, y, 1);
}
template <class R>
std::complex<R> blas_dot(blasint n, const std::complex<R>* x, const std::complex<R>* y) {
  std::complex<R> r;  // the unconjugated dot product, as dot_general
  if constexpr (std::is_same_v<R, float>) cblas_cdotu_sub(n, x, 1, y, 1, &r);
  else cblas_zdotu_sub(n, x, 1, y, 1, &r);
  return r;
}
float blas_dot(blasint n, const float* x, const float* y) { return cblas_sdot(n, x, 1, y, 1); }
double blas_dot(blasint n, const double* x, const double* y) { return cblas_ddot(n, x, 1, y, 1); }

// Vector shapes go to gemv/dot: OpenBLAS 0.3.21's gemm packs its operands even when n == 1.
template <class T>
void blas_matmul(const T* a, const T* b, T* c, const MatmulShape& s) {
  const auto m = static_cast<blasint>(s.m), n = static_cast<blasint>(s.n), k = static_cast<blasint>(s.k);
  const CBLAS_TRANSPOSE ta = s.trans_a ? CblasTrans : CblasNoTrans, tb = s.trans_b ? CblasTrans : CblasNoTrans;
  for (std::int64_t p = 0; p < s.batch; ++p, a += s.m * s.k, b += s.k * s.n, c += s.m * s.n) {
    if (m == 1 && n == 1)
      *c = blas_dot(k, a, b);  // both are contiguous vectors whatever the flags
    else if (n == 1)
      gemv(ta, s.trans_a ? k : m, s.trans_a ? m : k, a, s.trans_a ? m : k, b, c);
    else if (m == 1)
      gemv(s.trans_b ? CblasNoTrans : CblasTrans, s.trans_b ? n : k, s.trans_b ? k : n, b, s.trans_b ? k : n, a, c);
    else
      gemm(ta, tb, m, n, k, a, s.trans_a ? m : k, b, s.trans_b ? k : n, c, n);
  }
}

bool fits_blas(const MatmulShape& s) {
  constexpr std::int64_t limit = std::numeric_limits<blasint>::max();
  return s.m <= limit && s.n <= limit && s.k <= limit;
}

}  // namespace

void batched_matmul(DType dtype, const void* a, const void* b, void* c, const MatmulShape& s) {
  if (s.batch == 0 || s.m == 0 || s.n == 0) return;
  match_library_threads();
  if (s.k == 0) {  // an empty sum; BLAS would also reject the zero leading dimensions
    std::memset(c, 0, static_cast<std::size_t>(s.batch * s.m * s.n) * itemsize(dtype));
    return;
  }
  if (is_complex(dtype)) {
    if (!fits_blas(s)) throw ShapeError("dot_general", "complex matrices beyond BLAS's index range");
    return dispatch_complex(dtype, [&](auto tag) {
      using C = typename decltype(tag)::type;
      blas_matmul(static_cast<const C*>(a), static_cast<const C*>(b), static_cast<C*>(c), s);
    });
  }
  dispatch_dtype(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pa = static_cast<const T*>(a);
    const T* pb = static_cast<const T*>(b);
    T* pc = static_cast<T*>(c);
    if constexpr (std::is_floating_point_v<T>) {
#ifdef XJAX_HAS_ONEDNN
      if constexpr (std::is_same_v<T, float>)
        if (onednn_matmul(pa, pb, pc, s)) return;
#endif
      if (fits_blas(s)) return blas_matmul(pa, pb, pc, s);
    }
    loop_matmul(pa, pb, pc, s);
  });
}

}  // namespace xjax::kernels
