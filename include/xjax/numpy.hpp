// The rest of jax.numpy under NumPy's names and positional argument order: aliases of the lax-named
// ops, constants, stacking and tiling, grids, comparisons, statistics and nan-reductions. All are
// composites of public ops, so each is traceable, differentiable and batchable (docs/numpy_coverage.md).
#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "xjax/ops.hpp"

namespace xjax {

// ---- constants (numpy.pi, numpy.e, ...) ----
inline constexpr double pi = 3.141592653589793238462643383279502884;
inline constexpr double e = 2.718281828459045235360287471352662498;
inline constexpr double euler_gamma = 0.577215664901532860606512090082402431;
inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// ---- NumPy names of ops xjax spells as lax does ----
inline Array arccos(const Array& x) { return acos(x); }
inline Array arcsin(const Array& x) { return asin(x); }
inline Array arctan(const Array& x) { return atan(x); }
inline Array arccosh(const Array& x) { return acosh(x); }
inline Array arcsinh(const Array& x) { return asinh(x); }
inline Array arctanh(const Array& x) { return atanh(x); }
inline Array arctan2(const Array& x1, const Array& x2) { return atan2(x1, x2); }
inline Array power(const Array& x1, const Array& x2) { return pow(x1, x2); }
inline Array absolute(const Array& x) { return abs(x); }
inline Array negative(const Array& x) { return neg(x); }
inline Array positive(const Array& x) { return x; }
inline Array true_divide(const Array& x1, const Array& x2) { return divide(x1, x2); }
inline Array mod(const Array& x1, const Array& x2) { return remainder(x1, x2); }
inline Array invert(const Array& x) { return bitwise_not(x); }
inline Array bitwise_invert(const Array& x) { return bitwise_not(x); }
inline Array left_shift(const Array& x1, const Array& x2) { return shift_left(x1, x2); }
inline Array right_shift(const Array& x1, const Array& x2) { return shift_right(x1, x2); }
inline Array bitwise_left_shift(const Array& x1, const Array& x2) { return shift_left(x1, x2); }
inline Array bitwise_right_shift(const Array& x1, const Array& x2) { return shift_right(x1, x2); }
inline Array around(const Array& x) { return round(x); }
inline Array rint(const Array& x) { return round(x); }
inline Array amax(const Array& x, AxisSpec axis = {}, bool keepdims = false) { return max(x, std::move(axis), keepdims); }
inline Array amin(const Array& x, AxisSpec axis = {}, bool keepdims = false) { return min(x, std::move(axis), keepdims); }
inline Array concat(const std::vector<Array>& xs, int axis = 0) { return concatenate(xs, axis); }
inline Array permute_dims(const Array& x, const Ints& axes = {}) { return transpose(x, axes); }
inline Array matrix_transpose(const Array& x) { return swapaxes(x, -1, -2); }

// ---- elementwise ----
Array log10(const Array& x);
Array log2(const Array& x);
Array fabs(const Array& x);  // float result, as numpy
Array trunc(const Array& x);
Array fix(const Array& x);  // round towards zero (same as trunc)
Array signbit(const Array& x);  // x < 0 or x is -0.0 (the sign of a NaN is not read)
Array copysign(const Array& x1, const Array& x2);
Array deg2rad(const Array& x);
Array rad2deg(const Array& x);
Array degrees(const Array& x);
Array radians(const Array& x);
Array hypot(const Array& x1, const Array& x2);
Array logaddexp2(const Array& x1, const Array& x2);
Array sinc(const Array& x);  // sin(pi x) / (pi x), 1 at 0
Array heaviside(const Array& x1, const Array& x2);
Array fmod(const Array& x1, const Array& x2);  // sign of the dividend (C's fmod)
Array fmax(const Array& x1, const Array& x2);  // ignores NaN unless both are NaN
Array fmin(const Array& x1, const Array& x2);
Array float_power(const Array& x1, const Array& x2);  // computes in floating point
Array isposinf(const Array& x);
Array isneginf(const Array& x);
Array isclose(const Array& a, const Array& b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false);

// ---- comparisons of whole arrays (0-d bool results) ----
Array allclose(const Array& a, const Array& b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false);
Array array_equal(const Array& a1, const Array& a2, bool equal_nan = false);  // false for different shapes
Array array_equiv(const Array& a1, const Array& a2);  // equal after broadcasting; false if they do not broadcast

// ---- creation ----
Array logspace(double start, double stop, std::int64_t num = 50, bool endpoint = true, double base = 10.0,
               DType dtype = float32);
Array geomspace(double start, double stop, std::int64_t num = 50, bool endpoint = true, DType dtype = float32);
// dtype is optional so that a caller's own identity(n, DType) helper is not made ambiguous by ADL.
Array identity(std::int64_t n, std::optional<DType> dtype = std::nullopt);  // float32 by default
Array tri(std::int64_t n, std::optional<std::int64_t> m = std::nullopt, std::int64_t k = 0, DType dtype = float32);
// Coordinate arrays from 1-d vectors (others are flattened); "xy" (Cartesian) swaps the first two output axes.
std::vector<Array> meshgrid(const std::vector<Array>& xs, const std::string& indexing = "xy");

// ---- shapes ----
Array atleast_1d(const Array& x);
Array atleast_2d(const Array& x);
Array atleast_3d(const Array& x);
Array hstack(const std::vector<Array>& tup);
Array vstack(const std::vector<Array>& tup);
Array dstack(const std::vector<Array>& tup);
Array column_stack(const std::vector<Array>& tup);
Array roll(const Array& x, std::int64_t shift, std::optional<int> axis = std::nullopt);  // no axis: of the flat array
Array tile(const Array& x, const Ints& reps);
Array repeat(const Array& x, std::int64_t repeats, std::optional<int> axis = std::nullopt);
Array repeat(const Array& x, const Ints& repeats, std::optional<int> axis = std::nullopt);  // one count per element
Array fliplr(const Array& x);
Array flipud(const Array& x);
Array rot90(const Array& m, int k = 1, std::pair<int, int> axes = {0, 1});
Array diag(const Array& v, std::int64_t k = 0);  // 1-d: a matrix with v on diagonal k; 2-d: diagonal k
Array diagflat(const Array& v, std::int64_t k = 0);

// ---- differences, products, integrals ----
Array diff(const Array& x, int n = 1, int axis = -1);
Array ediff1d(const Array& ary);
// Cross product of vectors of 2 or 3 components on axisa / axisb (2-vectors get a zero z); the
// result's components are on axisc, or a scalar z when both are 2-vectors.
Array cross(const Array& a, const Array& b, int axisa = -1, int axisb = -1, int axisc = -1);
Array kron(const Array& a, const Array& b);
// Linear interpolation of (xp, fp) at x; xp increasing. Below xp[0]: left (default fp[0]); above xp[-1]: right.
Array interp(const Array& x, const Array& xp, const Array& fp, std::optional<Array> left = std::nullopt,
             std::optional<Array> right = std::nullopt);
// Trapezoidal rule along axis, with sample points x (1-d along axis, or y's shape) or spacing dx.
Array trapezoid(const Array& y, std::optional<Array> x = std::nullopt, double dx = 1.0, int axis = -1);
// Indices (int32) where v would be inserted into the sorted 1-d `a`: side "left" (a[i-1] < v <= a[i]) or "right".
Array searchsorted(const Array& a, const Array& v, const std::string& side = "left");

// ---- statistics ----
// q in [0, 1] (0-d or 1-d; a 1-d q adds its axis in front). method: linear, lower, higher, midpoint, nearest.
Array quantile(const Array& x, const Array& q, std::optional<int> axis = std::nullopt,
               const std::string& method = "linear", bool keepdims = false);
Array percentile(const Array& x, const Array& q, std::optional<int> axis = std::nullopt,
                 const std::string& method = "linear", bool keepdims = false);
Array median(const Array& x, std::optional<int> axis = std::nullopt, bool keepdims = false);
// The same over the non-NaN values of each slice (NaN for an all-NaN slice).
Array nanquantile(const Array& x, const Array& q, std::optional<int> axis = std::nullopt,
                  const std::string& method = "linear", bool keepdims = false);
Array nanpercentile(const Array& x, const Array& q, std::optional<int> axis = std::nullopt,
                    const std::string& method = "linear", bool keepdims = false);
Array nanmedian(const Array& x, std::optional<int> axis = std::nullopt, bool keepdims = false);
// Weighted mean; 1-d weights run along a single axis, otherwise weights have x's shape.
Array average(const Array& x, AxisSpec axis = {}, std::optional<Array> weights = std::nullopt, bool keepdims = false);
// Covariance of the variables in the rows of m (columns when !rowvar), y adding more; ddof defaults to !bias.
Array cov(const Array& m, std::optional<Array> y = std::nullopt, bool rowvar = true, bool bias = false,
          std::optional<int> ddof = std::nullopt);
Array corrcoef(const Array& x, std::optional<Array> y = std::nullopt, bool rowvar = true);
// Counts (x's floating dtype, as JAX's) and bins + 1 edges. Without `range` it is [min(x), max(x)],
// which needs a concrete x (ConcretizationError under jit: pass range); values outside it are not counted.
std::pair<Array, Array> histogram(const Array& x, std::int64_t bins = 10,
                                  std::optional<std::pair<double, double>> range = std::nullopt, bool density = false,
                                  std::optional<Array> weights = std::nullopt);
std::pair<Array, Array> histogram(const Array& x, const Array& bin_edges, bool density = false,
                                  std::optional<Array> weights = std::nullopt);
Array count_nonzero(const Array& x, AxisSpec axis = {}, bool keepdims = false);
Array ptp(const Array& x, AxisSpec axis = {}, bool keepdims = false);

// ---- reductions that ignore NaN (an all-NaN slice gives NaN, and -1 for nanargmax/nanargmin, as JAX) ----
Array nansum(const Array& x, AxisSpec axis = {}, bool keepdims = false);
Array nanprod(const Array& x, AxisSpec axis = {}, bool keepdims = false);
Array nanmax(const Array& x, AxisSpec axis = {}, bool keepdims = false);
Array nanmin(const Array& x, AxisSpec axis = {}, bool keepdims = false);
Array nanmean(const Array& x, AxisSpec axis = {}, bool keepdims = false);
Array nanvar(const Array& x, AxisSpec axis = {}, bool keepdims = false, int ddof = 0);
Array nanstd(const Array& x, AxisSpec axis = {}, bool keepdims = false, int ddof = 0);
Array nanargmax(const Array& x, std::optional<int> axis = std::nullopt, bool keepdims = false);
Array nanargmin(const Array& x, std::optional<int> axis = std::nullopt, bool keepdims = false);
Array nancumsum(const Array& x, std::optional<int> axis = std::nullopt);
Array nancumprod(const Array& x, std::optional<int> axis = std::nullopt);

// ---- real-dtype forms of the complex helpers (xjax has no complex dtype yet) ----
inline Array conj(const Array& x) { return x; }
inline Array conjugate(const Array& x) { return x; }
inline Array real(const Array& x) { return x; }
Array imag(const Array& x);   // zeros
Array angle(const Array& x);  // 0 for x >= 0, pi for x < 0 (and -0.0), as numpy for reals
Array iscomplex(const Array& x);  // all false
Array isreal(const Array& x);     // all true
inline bool iscomplexobj(const Array&) { return false; }
inline bool isrealobj(const Array&) { return true; }

// ---- small utilities ----
inline Array copy(const Array& x) { return x; }  // arrays are immutable: the same value
inline Array empty(const Shape& shape, DType dtype = float32) { return zeros(shape, dtype); }
inline Array empty_like(const Array& x, std::optional<DType> dtype = std::nullopt) { return zeros_like(x, dtype); }
// NaN -> nan, +inf -> posinf (default: the largest finite value), -inf -> neginf (default: the lowest).
Array nan_to_num(const Array& x, double nan = 0.0, std::optional<double> posinf = std::nullopt,
                 std::optional<double> neginf = std::nullopt);
std::pair<Array, Array> modf(const Array& x);  // (fractional part, integral part), both with x's sign
std::pair<Array, Array> divmod(const Array& x1, const Array& x2);  // (floor_divide, remainder)
// Cumulative sum/product along axis (needed when x has more than one dimension), optionally starting with 0 / 1.
Array cumulative_sum(const Array& x, std::optional<int> axis = std::nullopt, bool include_initial = false);
Array cumulative_prod(const Array& x, std::optional<int> axis = std::nullopt, bool include_initial = false);
std::vector<Array> unstack(const Array& x, int axis = 0);
std::vector<Array> array_split(const Array& x, std::int64_t sections, int axis = 0);  // sizes may differ by one
std::vector<Array> hsplit(const Array& x, std::int64_t sections);
std::vector<Array> vsplit(const Array& x, std::int64_t sections);
std::vector<Array> dsplit(const Array& x, std::int64_t sections);
Array append(const Array& arr, const Array& values, std::optional<int> axis = std::nullopt);
Array rollaxis(const Array& a, int axis, int start = 0);
Array resize(const Array& a, const Shape& new_shape);  // repeats the flat array to fill new_shape
// Open-mesh index arrays: the i-th of n 1-d inputs reshaped to extent 1 on every other axis.
std::vector<Array> ix_(const std::vector<Array>& args);
Array indices(const Ints& dimensions, DType dtype = int32);  // shape (len(dimensions), *dimensions)
std::pair<Array, Array> tril_indices(std::int64_t n, std::int64_t k = 0, std::optional<std::int64_t> m = std::nullopt);
std::pair<Array, Array> triu_indices(std::int64_t n, std::int64_t k = 0, std::optional<std::int64_t> m = std::nullopt);
std::pair<Array, Array> tril_indices_from(const Array& arr, std::int64_t k = 0);
std::pair<Array, Array> triu_indices_from(const Array& arr, std::int64_t k = 0);
std::vector<Array> diag_indices(std::int64_t n, int ndim = 2);
std::vector<Array> diag_indices_from(const Array& arr);
// A copy of a with its main diagonal set to val (a scalar, or one value per diagonal entry); jnp's inplace=False.
Array fill_diagonal(const Array& a, const Array& val);
// choicelist[i] where condlist[i] is the first true condition, else default_ (numpy.select; xj::select(c, x, y) is lax.select).
Array select(const std::vector<Array>& condlist, const std::vector<Array>& choicelist, const Array& default_ = 0);
Array isin(const Array& element, const Array& test_elements, bool invert = false);
// Bin indices of x in the monotonic 1-d bins (int32), as numpy.digitize.
Array digitize(const Array& x, const Array& bins, bool right = false);
Array histogram_bin_edges(const Array& a, std::int64_t bins = 10,
                          std::optional<std::pair<double, double>> range = std::nullopt);
// Sorting satisfies partition's contract (k-th element in place, smaller before, larger after).
Array partition(const Array& a, std::int64_t kth, int axis = -1);
Array argpartition(const Array& a, std::int64_t kth, int axis = -1);
// Flat indices -> coordinates; out-of-range indices are clamped (negative ones count from the end), as JAX.
std::vector<Array> unravel_index(const Array& indices, const Shape& shape);
// Coordinates -> flat indices; mode "raise" (checked when concrete), "clip" or "wrap".
Array ravel_multi_index(const std::vector<Array>& multi_index, const Shape& dims, const std::string& mode = "raise");
Array unwrap(const Array& p, std::optional<double> discont = std::nullopt, int axis = -1, double period = 2 * pi);
// Second-order central differences inside, one-sided at the ends, with uniform spacing dx; one array per axis.
std::vector<Array> gradient(const Array& f, double dx = 1.0, std::optional<int> axis = std::nullopt);

// ---- windows, polynomials, convolution ----
Array bartlett(std::int64_t m, DType dtype = float32);
Array blackman(std::int64_t m, DType dtype = float32);
Array hamming(std::int64_t m, DType dtype = float32);
Array hanning(std::int64_t m, DType dtype = float32);
Array vander(const Array& x, std::optional<std::int64_t> n = std::nullopt, bool increasing = false);
Array polyval(const Array& p, const Array& x);  // p: 1-d coefficients, highest power first
Array polyadd(const Array& a1, const Array& a2);
Array polysub(const Array& a1, const Array& a2);
Array polymul(const Array& a1, const Array& a2);
Array polyder(const Array& p, int m = 1);
Array polyint(const Array& p, int m = 1, double k = 0.0);
// 1-d discrete convolution / cross-correlation; mode "full", "same" or "valid".
Array convolve(const Array& a, const Array& v, const std::string& mode = "full");
Array correlate(const Array& a, const Array& v, const std::string& mode = "valid");

// ---- contractions ----
Array tensordot(const Array& a, const Array& b, int axes = 2);  // the last `axes` of a with the first of b
Array tensordot(const Array& a, const Array& b, const std::pair<Ints, Ints>& axes);
Array vecdot(const Array& x1, const Array& x2, int axis = -1);
Array matvec(const Array& x1, const Array& x2);
Array vecmat(const Array& x1, const Array& x2);

namespace linalg {
// The array-API forms in jax.numpy.linalg.
Array cross(const Array& x1, const Array& x2, int axis = -1);  // 3-vectors only
Array diagonal(const Array& x, std::int64_t offset = 0);       // of the last two axes
inline Array matmul(const Array& x1, const Array& x2) { return xjax::matmul(x1, x2); }
Array outer(const Array& x1, const Array& x2);  // 1-d inputs only
inline Array matrix_transpose(const Array& x) { return xjax::matrix_transpose(x); }
inline Array tensordot(const Array& a, const Array& b, int axes = 2) { return xjax::tensordot(a, b, axes); }
inline Array vecdot(const Array& x1, const Array& x2, int axis = -1) { return xjax::vecdot(x1, x2, axis); }
Array multi_dot(const std::vector<Array>& arrays);
// Number of singular values above rtol * largest (default rtol: max(M, N) * eps of the dtype).
Array matrix_rank(const Array& m, std::optional<double> rtol = std::nullopt);
Array cond(const Array& x);  // 2-norm condition number: largest over smallest singular value
// The inverse of a with respect to tensordot over `ind` axes: shape a.shape[ind:] + a.shape[:ind].
Array tensorinv(const Array& a, int ind = 2);
// x with tensordot(a, x, x.ndim) == b; x has shape a.shape[b.ndim:].
Array tensorsolve(const Array& a, const Array& b);
}  // namespace linalg

}  // namespace xjax
