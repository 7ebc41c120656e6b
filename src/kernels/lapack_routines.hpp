// The LAPACK and CBLAS routines of src/kernels/lapack.cpp as overloads by element type (float,
// double, std::complex<float>, std::complex<double>), so its kernels are one template each.
// Leading dimensions are the row counts of column-major matrices. The Hermitian and complex SVD
// routines need a real workspace (rwork) the real ones do not: the real overloads ignore it.
#pragma once
#include <cblas.h>

#include <algorithm>
#include <complex>
#include <cstddef>

namespace xjax::kernels::lapack {

using c64 = std::complex<float>;
using c128 = std::complex<double>;

// The Fortran routines libopenblas exports. The trailing size_t arguments are the hidden lengths of
// character arguments in gfortran's calling convention; Fortran COMPLEX is layout-compatible with
// std::complex.
extern "C" {
#define XJAX_POTRF(p, T) void p##potrf_(const char*, const blasint*, T*, const blasint*, blasint*, std::size_t);
#define XJAX_GETRF(p, T) void p##getrf_(const blasint*, const blasint*, T*, const blasint*, blasint*, blasint*);
#define XJAX_GEQRF(p, T) \
  void p##geqrf_(const blasint*, const blasint*, T*, const blasint*, T*, T*, const blasint*, blasint*);
XJAX_POTRF(s, float) XJAX_POTRF(d, double) XJAX_POTRF(c, c64) XJAX_POTRF(z, c128)
XJAX_GETRF(s, float) XJAX_GETRF(d, double) XJAX_GETRF(c, c64) XJAX_GETRF(z, c128)
XJAX_GEQRF(s, float) XJAX_GEQRF(d, double) XJAX_GEQRF(c, c64) XJAX_GEQRF(z, c128)
#define XJAX_TRTRI(p, T) \
  void p##trtri_(const char*, const char*, const blasint*, T*, const blasint*, blasint*, std::size_t, std::size_t);
#define XJAX_LAUUM(p, T) void p##lauum_(const char*, const blasint*, T*, const blasint*, blasint*, std::size_t);
XJAX_TRTRI(s, float) XJAX_TRTRI(d, double) XJAX_TRTRI(c, c64) XJAX_TRTRI(z, c128)
XJAX_LAUUM(s, float) XJAX_LAUUM(d, double) XJAX_LAUUM(c, c64) XJAX_LAUUM(z, c128)
#undef XJAX_TRTRI
#undef XJAX_LAUUM
#undef XJAX_POTRF
#undef XJAX_GETRF
#undef XJAX_GEQRF
void sorgqr_(const blasint*, const blasint*, const blasint*, float*, const blasint*, const float*, float*,
             const blasint*, blasint*);
void dorgqr_(const blasint*, const blasint*, const blasint*, double*, const blasint*, const double*, double*,
             const blasint*, blasint*);
void cungqr_(const blasint*, const blasint*, const blasint*, c64*, const blasint*, const c64*, c64*, const blasint*,
             blasint*);
void zungqr_(const blasint*, const blasint*, const blasint*, c128*, const blasint*, const c128*, c128*,
             const blasint*, blasint*);
void ssyevd_(const char*, const char*, const blasint*, float*, const blasint*, float*, float*, const blasint*,
             blasint*, const blasint*, blasint*, std::size_t, std::size_t);
void dsyevd_(const char*, const char*, const blasint*, double*, const blasint*, double*, double*, const blasint*,
             blasint*, const blasint*, blasint*, std::size_t, std::size_t);
void cheevd_(const char*, const char*, const blasint*, c64*, const blasint*, float*, c64*, const blasint*, float*,
             const blasint*, blasint*, const blasint*, blasint*, std::size_t, std::size_t);
void zheevd_(const char*, const char*, const blasint*, c128*, const blasint*, double*, c128*, const blasint*,
             double*, const blasint*, blasint*, const blasint*, blasint*, std::size_t, std::size_t);
void sgesdd_(const char*, const blasint*, const blasint*, float*, const blasint*, float*, float*, const blasint*,
             float*, const blasint*, float*, const blasint*, blasint*, blasint*, std::size_t);
void dgesdd_(const char*, const blasint*, const blasint*, double*, const blasint*, double*, double*,
             const blasint*, double*, const blasint*, double*, const blasint*, blasint*, blasint*, std::size_t);
void cgesdd_(const char*, const blasint*, const blasint*, c64*, const blasint*, float*, c64*, const blasint*, c64*,
             const blasint*, c64*, const blasint*, float*, blasint*, blasint*, std::size_t);
void zgesdd_(const char*, const blasint*, const blasint*, c128*, const blasint*, double*, c128*, const blasint*,
             c128*, const blasint*, c128*, const blasint*, double*, blasint*, blasint*, std::size_t);
void sgeev_(const char*, const char*, const blasint*, float*, const blasint*, float*, float*, float*, const blasint*,
            float*, const blasint*, float*, const blasint*, blasint*, std::size_t, std::size_t);
void dgeev_(const char*, const char*, const blasint*, double*, const blasint*, double*, double*, double*,
            const blasint*, double*, const blasint*, double*, const blasint*, blasint*, std::size_t, std::size_t);
void cgeev_(const char*, const char*, const blasint*, c64*, const blasint*, c64*, c64*, const blasint*, c64*,
            const blasint*, c64*, const blasint*, float*, blasint*, std::size_t, std::size_t);
void zgeev_(const char*, const char*, const blasint*, c128*, const blasint*, c128*, c128*, const blasint*, c128*,
            const blasint*, c128*, const blasint*, double*, blasint*, std::size_t, std::size_t);
}

inline blasint leading(blasint rows) { return std::max<blasint>(1, rows); }

// ---- potrf: the Cholesky factor in place, of the upper ('U') or lower ('L') triangle ----
inline void potrf(char uplo, blasint n, float* a, blasint* info) { spotrf_(&uplo, &n, a, &n, info, 1); }
inline void potrf(char uplo, blasint n, double* a, blasint* info) { dpotrf_(&uplo, &n, a, &n, info, 1); }
inline void potrf(char uplo, blasint n, c64* a, blasint* info) { cpotrf_(&uplo, &n, a, &n, info, 1); }
inline void potrf(char uplo, blasint n, c128* a, blasint* info) { zpotrf_(&uplo, &n, a, &n, info, 1); }

// ---- trtri: a triangular matrix's inverse in place; lauum: u u^H ('U') or l^H l ('L') in place ----
#define XJAX_TRTRI_LAUUM(p, T)                                                            \
  inline void trtri(char uplo, blasint n, T* a, blasint lda, blasint* info) {             \
    p##trtri_(&uplo, "N", &n, a, &lda, info, 1, 1);                                        \
  }                                                                                       \
  inline void lauum(char uplo, blasint n, T* a, blasint* info) {                          \
    const blasint lda = leading(n);                                                       \
    p##lauum_(&uplo, &n, a, &lda, info, 1);                                                \
  }
XJAX_TRTRI_LAUUM(s, float)
XJAX_TRTRI_LAUUM(d, double)
XJAX_TRTRI_LAUUM(c, c64)
XJAX_TRTRI_LAUUM(z, c128)
#undef XJAX_TRTRI_LAUUM

// ---- getrf: partial-pivoting LU in place ----
#define XJAX_GETRF(p, T)                                                     \
  inline void getrf(blasint m, blasint n, T* a, blasint* ipiv, blasint* info) { \
    const blasint lda = leading(m);                                          \
    p##getrf_(&m, &n, a, &lda, ipiv, info);                                  \
  }
XJAX_GETRF(s, float)
XJAX_GETRF(d, double)
XJAX_GETRF(c, c64)
XJAX_GETRF(z, c128)
#undef XJAX_GETRF

// ---- geqrf / orgqr (ungqr): Householder QR and its q ----
#define XJAX_QR(p, q, T)                                                                                    \
  inline void geqrf(blasint m, blasint n, T* a, T* tau, T* work, blasint lwork, blasint* info) {           \
    const blasint lda = leading(m);                                                                         \
    p##geqrf_(&m, &n, a, &lda, tau, work, &lwork, info);                                                    \
  }                                                                                                         \
  inline void orgqr(blasint m, blasint n, blasint k, T* a, const T* tau, T* work, blasint lwork, blasint* info) { \
    const blasint lda = leading(m);                                                                         \
    q(&m, &n, &k, a, &lda, tau, work, &lwork, info);                                                        \
  }
XJAX_QR(s, sorgqr_, float)
XJAX_QR(d, dorgqr_, double)
XJAX_QR(c, cungqr_, c64)
XJAX_QR(z, zungqr_, c128)
#undef XJAX_QR

// ---- syevd / heevd: eigenvalues and eigenvectors of the upper triangle ----
inline void syevd_upper(blasint n, float* a, float* w, float* work, blasint lwork, float*, blasint, blasint* iwork,
                        blasint liwork, blasint* info) {
  const blasint lda = leading(n);
  ssyevd_("V", "U", &n, a, &lda, w, work, &lwork, iwork, &liwork, info, 1, 1);
}
inline void syevd_upper(blasint n, double* a, double* w, double* work, blasint lwork, double*, blasint,
                        blasint* iwork, blasint liwork, blasint* info) {
  const blasint lda = leading(n);
  dsyevd_("V", "U", &n, a, &lda, w, work, &lwork, iwork, &liwork, info, 1, 1);
}
inline void syevd_upper(blasint n, c64* a, float* w, c64* work, blasint lwork, float* rwork, blasint lrwork,
                        blasint* iwork, blasint liwork, blasint* info) {
  const blasint lda = leading(n);
  cheevd_("V", "U", &n, a, &lda, w, work, &lwork, rwork, &lrwork, iwork, &liwork, info, 1, 1);
}
inline void syevd_upper(blasint n, c128* a, double* w, c128* work, blasint lwork, double* rwork, blasint lrwork,
                        blasint* iwork, blasint liwork, blasint* info) {
  const blasint lda = leading(n);
  zheevd_("V", "U", &n, a, &lda, w, work, &lwork, rwork, &lrwork, iwork, &liwork, info, 1, 1);
}

// ---- gesdd: divide-and-conquer SVD ----
inline void gesdd(char jobz, blasint m, blasint n, float* a, float* s, float* u, blasint ldu, float* vt, blasint ldvt,
                  float* work, blasint lwork, float*, blasint* iwork, blasint* info) {
  const blasint lda = leading(m);
  sgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, info, 1);
}
inline void gesdd(char jobz, blasint m, blasint n, double* a, double* s, double* u, blasint ldu, double* vt,
                  blasint ldvt, double* work, blasint lwork, double*, blasint* iwork, blasint* info) {
  const blasint lda = leading(m);
  dgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, info, 1);
}
inline void gesdd(char jobz, blasint m, blasint n, c64* a, float* s, c64* u, blasint ldu, c64* vt, blasint ldvt,
                  c64* work, blasint lwork, float* rwork, blasint* iwork, blasint* info) {
  const blasint lda = leading(m);
  cgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, rwork, iwork, info, 1);
}
inline void gesdd(char jobz, blasint m, blasint n, c128* a, double* s, c128* u, blasint ldu, c128* vt, blasint ldvt,
                  c128* work, blasint lwork, double* rwork, blasint* iwork, blasint* info) {
  const blasint lda = leading(m);
  zgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, rwork, iwork, info, 1);
}
// The real workspace complex gesdd needs (LAPACK 3.7's bound; jobz 'N' needs 7 min(m, n)).
inline std::int64_t gesdd_rwork(char jobz, std::int64_t m, std::int64_t n) {
  const std::int64_t mn = std::min(m, n), mx = std::max(m, n);
  if (jobz == 'N') return std::max<std::int64_t>(1, 7 * mn);
  return std::max<std::int64_t>(1, mn * std::max(5 * mn + 7, 2 * mx + 2 * mn + 1));
}

// ---- geev: eigenvalues and right eigenvectors of a general matrix ----
// Real matrices give eigenvalues as (wr, wi) and complex-conjugate eigenvector pairs packed in two
// real columns; complex ones take a real workspace of 2 n.
inline void geev(char jobvr, blasint n, float* a, float* wr, float* wi, float* vr, float* work, blasint lwork,
                 blasint* info) {
  const blasint lda = leading(n), ldvr = jobvr == 'V' ? lda : 1, ldvl = 1;
  sgeev_("N", &jobvr, &n, a, &lda, wr, wi, nullptr, &ldvl, vr, &ldvr, work, &lwork, info, 1, 1);
}
inline void geev(char jobvr, blasint n, double* a, double* wr, double* wi, double* vr, double* work, blasint lwork,
                 blasint* info) {
  const blasint lda = leading(n), ldvr = jobvr == 'V' ? lda : 1, ldvl = 1;
  dgeev_("N", &jobvr, &n, a, &lda, wr, wi, nullptr, &ldvl, vr, &ldvr, work, &lwork, info, 1, 1);
}
inline void geev(char jobvr, blasint n, c64* a, c64* w, c64* vr, c64* work, blasint lwork, float* rwork,
                 blasint* info) {
  const blasint lda = leading(n), ldvr = jobvr == 'V' ? lda : 1, ldvl = 1;
  cgeev_("N", &jobvr, &n, a, &lda, w, nullptr, &ldvl, vr, &ldvr, work, &lwork, rwork, info, 1, 1);
}
inline void geev(char jobvr, blasint n, c128* a, c128* w, c128* vr, c128* work, blasint lwork, double* rwork,
                 blasint* info) {
  const blasint lda = leading(n), ldvr = jobvr == 'V' ? lda : 1, ldvl = 1;
  zgeev_("N", &jobvr, &n, a, &lda, w, nullptr, &ldvl, vr, &ldvr, work, &lwork, rwork, info, 1, 1);
}

// ---- trsm: row-major triangular solve in place, b <- op(a)^-1 b or b op(a)^-1 ----
inline void trsm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, blasint m, blasint n,
                 const float* a, blasint lda, float* b) {
  cblas_strsm(CblasRowMajor, side, uplo, trans, diag, m, n, 1.0f, a, lda, b, n);
}
inline void trsm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, blasint m, blasint n,
                 const double* a, blasint lda, double* b) {
  cblas_dtrsm(CblasRowMajor, side, uplo, trans, diag, m, n, 1.0, a, lda, b, n);
}
inline void trsm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, blasint m, blasint n,
                 const c64* a, blasint lda, c64* b) {
  const c64 one(1);
  cblas_ctrsm(CblasRowMajor, side, uplo, trans, diag, m, n, &one, a, lda, b, n);
}
inline void trsm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, blasint m, blasint n,
                 const c128* a, blasint lda, c128* b) {
  const c128 one(1);
  cblas_ztrsm(CblasRowMajor, side, uplo, trans, diag, m, n, &one, a, lda, b, n);
}

// ---- trsv: row-major triangular solve of one vector in place, x <- op(a)^-1 x ----
inline void trsv(CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, blasint n, const float* a, float* x) {
  cblas_strsv(CblasRowMajor, uplo, trans, diag, n, a, n, x, 1);
}
inline void trsv(CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, blasint n, const double* a, double* x) {
  cblas_dtrsv(CblasRowMajor, uplo, trans, diag, n, a, n, x, 1);
}
inline void trsv(CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, blasint n, const c64* a, c64* x) {
  cblas_ctrsv(CblasRowMajor, uplo, trans, diag, n, a, n, x, 1);
}
inline void trsv(CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, blasint n, const c128* a, c128* x) {
  cblas_ztrsv(CblasRowMajor, uplo, trans, diag, n, a, n, x, 1);
}

// ---- trmm: row-major triangular product in place, b <- alpha op(a) b or alpha b op(a) ----
inline void trmm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, blasint m, blasint n, float alpha,
                 const float* a, blasint lda, float* b, blasint ldb) {
  cblas_strmm(CblasRowMajor, side, uplo, trans, CblasNonUnit, m, n, alpha, a, lda, b, ldb);
}
inline void trmm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, blasint m, blasint n, double alpha,
                 const double* a, blasint lda, double* b, blasint ldb) {
  cblas_dtrmm(CblasRowMajor, side, uplo, trans, CblasNonUnit, m, n, alpha, a, lda, b, ldb);
}
inline void trmm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, blasint m, blasint n, c64 alpha,
                 const c64* a, blasint lda, c64* b, blasint ldb) {
  cblas_ctrmm(CblasRowMajor, side, uplo, trans, CblasNonUnit, m, n, &alpha, a, lda, b, ldb);
}
inline void trmm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, blasint m, blasint n, c128 alpha,
                 const c128* a, blasint lda, c128* b, blasint ldb) {
  cblas_ztrmm(CblasRowMajor, side, uplo, trans, CblasNonUnit, m, n, &alpha, a, lda, b, ldb);
}

}  // namespace xjax::kernels::lapack
