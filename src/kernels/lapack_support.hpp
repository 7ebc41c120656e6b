// What the LAPACK kernels (lapack.cpp, lapack_solve.cpp) share: element-type traits, dimension
// checks, the batch loop, NaN fills, finiteness tests, blocked traversals and the dispatch by dtype.
#pragma once
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernels/lapack_routines.hpp"
#include "kernels/thread_pool.hpp"
#include "xjax/dtype.hpp"
#include "xjax/errors.hpp"

namespace xjax::kernels::lapack {

// The real type of T's values, and T's conjugate (the identity for real types).
template <class T>
using Real = typename std::conditional_t<is_complex_v<T>, T, std::complex<T>>::value_type;
template <class T>
T conj_of(T x) {
  if constexpr (is_complex_v<T>) return std::conj(x);
  else return x;
}
template <class T>
bool finite(T x) {
  if constexpr (is_complex_v<T>) return std::isfinite(x.real()) && std::isfinite(x.imag());
  else return std::isfinite(x);
}

inline blasint blas_dim(const char* op, std::int64_t n) {
  if (n > std::numeric_limits<blasint>::max())
    throw ValueError(op, "dimension ", n, " exceeds LAPACK's integer range");
  return static_cast<blasint>(n);
}

// Runs body(begin, end) over [0, batch), split among the pool's threads when the matrices are small
// and there are enough of them (OpenBLAS threads large factorisations itself); chunks of about a
// million flops. Small matrices are factored on one thread whether the batch is split or not, so a
// batch gives the bits of one matrix at a time (OpenBLAS's threaded kernels round differently).
template <class Body>
void for_batches(std::int64_t batch, std::int64_t n, const Body& body) {
  if (n > 128) return body(std::int64_t{0}, batch);
  const SerialLibraryCalls serial;
  const double per_matrix = static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
  if (static_cast<double>(batch) * per_matrix < 4e6) return body(std::int64_t{0}, batch);
  parallel_for(batch, std::max<std::int64_t>(1, static_cast<std::int64_t>(1e6 / per_matrix)), body);
}

// OpenBLAS 0.3.21's complex gemv kernel (column-major 'N', rows 2 mod 4) reads one stride past the
// end of x. Householder updates inside LAPACK pass a row of the matrix they update as x, so complex
// routines may read up to a column past an array: the arrays they update get that much slack.
template <class T>
constexpr std::int64_t column_slack(std::int64_t leading) {
  return is_complex_v<T> ? leading : 0;
}

template <class T>
void fill_nan(T* p, std::int64_t n) {
  const Real<T> nan = std::numeric_limits<Real<T>>::quiet_NaN();
  if constexpr (is_complex_v<T>) std::fill(p, p + n, T(nan, nan));
  else std::fill(p, p + n, nan);
}

// Transposing copies go by 16 x 16 blocks: walking a column of a matrix whose rows are a power of
// two bytes long touches one cache set per element, and unblocked they cost more than getrf itself.
constexpr std::int64_t transpose_block = 16;

// f(i, j) for the [rows, cols] index space, block by block.
template <class F>
void for_blocks(std::int64_t rows, std::int64_t cols, F f) {
  for (std::int64_t i0 = 0; i0 < rows; i0 += transpose_block)
    for (std::int64_t j0 = 0; j0 < cols; j0 += transpose_block)
      for (std::int64_t i = i0; i < std::min(i0 + transpose_block, rows); ++i)
        for (std::int64_t j = j0; j < std::min(j0 + transpose_block, cols); ++j) f(i, j);
}

// Whether no value is inf or NaN, by their exponent bits (a loop the compiler vectorises).
template <class T>
bool all_finite(const T* p, std::int64_t count) {
  if constexpr (is_complex_v<T>) return all_finite(reinterpret_cast<const Real<T>*>(p), 2 * count);
  using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  constexpr Bits exponent = sizeof(T) == 4 ? Bits(0x7f800000u) : Bits(0x7ff0000000000000ull);
  Bits bad = 0;
  for (std::int64_t k = 0; k < count; ++k) {
    Bits b;
    std::memcpy(&b, p + k, sizeof b);
    bad |= Bits((b & exponent) == exponent);
  }
  return bad == 0;
}

template <class F>
void for_upper_triangle(std::int64_t n, F f) {  // f(i, j) for every j >= i, block by block
  for (std::int64_t i0 = 0; i0 < n; i0 += transpose_block)
    for (std::int64_t j0 = i0; j0 < n; j0 += transpose_block)
      for (std::int64_t i = i0; i < std::min(i0 + transpose_block, n); ++i)
        for (std::int64_t j = std::max(j0, i); j < std::min(j0 + transpose_block, n); ++j) f(i, j);
}

template <class F>
void dispatch_lapack(const char* op, DType dtype, F&& f) {
  match_library_threads();
  if (dtype == float32) return f(float{});
  if (dtype == float64) return f(double{});
  if (dtype == complex64) return f(c64{});
  if (dtype == complex128) return f(c128{});
  throw DTypeError(op, "LAPACK kernels take float32, float64, complex64 or complex128, got ", dtype);
}

}  // namespace xjax::kernels::lapack
