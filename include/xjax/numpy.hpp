// The rest of jax.numpy under NumPy's names and positional argument order: aliases of the lax-named
// ops, constants, stacking and tiling, grids, comparisons, statistics and nan-reductions. All are
// composites of public ops, so each is traceable, differentiable and batchable (docs/numpy_coverage.md).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
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
// Greatest common divisor / least common multiple of integers (non-negative results, gcd(0, 0) = 0).
Array gcd(const Array& x1, const Array& x2);
Array lcm(const Array& x1, const Array& x2);
// The number of 1 bits of |x| for integers (numpy returns uint8; xjax has none, so int32).
Array bitwise_count(const Array& x);
// (mantissa, exponent) with x = mantissa * 2^exponent, |mantissa| in [0.5, 1), exponent int32; 0, inf
// and NaN give (x, 0). Exact, with no bit access: scaling by powers of two only.
std::pair<Array, Array> frexp(const Array& x);
Array ldexp(const Array& x1, const Array& x2);  // x1 * 2^x2 (x2 integer), exact and rounded once
Array spacing(const Array& x);                 // distance to the next representable value away from 0
Array i0(const Array& x);                      // modified Bessel function of the first kind, order 0

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
// Counts of the rows of sample (N, D) in a D-dimensional grid, and the D edge vectors. bins: one
// count for every axis, one per axis, or the edges themselves; range per axis as in histogram.
std::pair<Array, std::vector<Array>> histogramdd(
    const Array& sample, std::int64_t bins = 10,
    std::optional<std::vector<std::pair<double, double>>> range = std::nullopt, bool density = false,
    std::optional<Array> weights = std::nullopt);
std::pair<Array, std::vector<Array>> histogramdd(
    const Array& sample, const Ints& bins, std::optional<std::vector<std::pair<double, double>>> range = std::nullopt,
    bool density = false, std::optional<Array> weights = std::nullopt);
std::pair<Array, std::vector<Array>> histogramdd(const Array& sample, const std::vector<Array>& bins,
                                                 bool density = false, std::optional<Array> weights = std::nullopt);
inline std::pair<Array, std::vector<Array>> histogramdd(  // histogramdd(s, {2, 3}): counts, not edges
    const Array& sample, std::initializer_list<std::int64_t> bins,
    std::optional<std::vector<std::pair<double, double>>> range = std::nullopt, bool density = false,
    std::optional<Array> weights = std::nullopt) {
  return histogramdd(sample, Ints(bins), std::move(range), density, std::move(weights));
}
// (counts, x edges, y edges) of the points (x[i], y[i]); bins as histogramdd's for two axes.
std::tuple<Array, Array, Array> histogram2d(
    const Array& x, const Array& y, std::int64_t bins = 10,
    std::optional<std::vector<std::pair<double, double>>> range = std::nullopt, bool density = false,
    std::optional<Array> weights = std::nullopt);
std::tuple<Array, Array, Array> histogram2d(
    const Array& x, const Array& y, const Ints& bins,
    std::optional<std::vector<std::pair<double, double>>> range = std::nullopt, bool density = false,
    std::optional<Array> weights = std::nullopt);
std::tuple<Array, Array, Array> histogram2d(const Array& x, const Array& y, const std::vector<Array>& bins,
                                            bool density = false, std::optional<Array> weights = std::nullopt);
inline std::tuple<Array, Array, Array> histogram2d(  // histogram2d(x, y, {3, 4}): counts, not edges
    const Array& x, const Array& y, std::initializer_list<std::int64_t> bins,
    std::optional<std::vector<std::pair<double, double>>> range = std::nullopt, bool density = false,
    std::optional<Array> weights = std::nullopt) {
  return histogram2d(x, y, Ints(bins), std::move(range), density, std::move(weights));
}
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

// ---- complex numbers (complex64, complex128) ----
Array real(const Array& x);       // the real part (x itself for a real x)
Array imag(const Array& x);       // the imaginary part (zeros for a real x)
Array conj(const Array& x);       // the complex conjugate (x itself for a real x)
Array conjugate(const Array& x);  // conj
// re + i im (lax.complex): float32 parts make complex64, float64 parts complex128.
Array complex(const Array& re, const Array& im);
Array angle(const Array& x);  // atan2(imag, real): for reals 0 for x >= 0, pi for x < 0 (and -0.0)
Array iscomplex(const Array& x);  // elementwise: a non-zero imaginary part
Array isreal(const Array& x);     // elementwise: a zero imaginary part
inline bool iscomplexobj(const Array& x) { return is_complex(x.dtype()); }
inline bool isrealobj(const Array& x) { return !is_complex(x.dtype()); }

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
// choices[a] elementwise, all broadcast together; mode "raise" (checked when a is concrete), "wrap" or "clip".
Array choose(const Array& a, const std::vector<Array>& choices, const std::string& mode = "raise");
// numpy.delete (a C++ keyword, hence the underscore): arr without the entries obj along axis (the
// flattened arr when axis is nullopt). obj is static: an index, a list of indices, or a concrete
// integer or boolean Array (ConcretizationError under jit).
Array delete_(const Array& arr, std::int64_t obj, std::optional<int> axis = std::nullopt);
Array delete_(const Array& arr, const Ints& obj, std::optional<int> axis = std::nullopt);
Array delete_(const Array& arr, const Array& obj, std::optional<int> axis = std::nullopt);
// arr with values inserted before index obj (a block, numpy's broadcasting) or before each of the
// indices obj (one value each) along axis; the flattened arr when axis is nullopt.
Array insert(const Array& arr, std::int64_t obj, const Array& values, std::optional<int> axis = std::nullopt);
Array insert(const Array& arr, const Ints& obj, const Array& values, std::optional<int> axis = std::nullopt);
// Functional forms of numpy's in-place updates (JAX's inplace=False): the updated copy of arr.
// place: the entries where mask is true, in flat order, take vals[0], vals[1], ... (repeated as needed).
Array place(const Array& arr, const Array& mask, const Array& vals);
// put: flat entries ind of a take v (repeated as needed); mode "raise" (checked when concrete;
// negative indices count from the end), "wrap" or "clip".
Array put(const Array& a, const Array& ind, const Array& v, const std::string& mode = "raise");
// put_along_axis: arr with the entries take_along_axis(arr, indices, axis) would read set to values.
Array put_along_axis(const Array& arr, const Array& indices, const Array& values, int axis);
// numpy.block for a 1-d list (joined on the last axis) and a 2-d layout (rows on the last axis, then
// stacked on the second last); arrays are first given at least the layout's number of axes.
Array block(const std::vector<Array>& arrays);
Array block(const std::vector<std::vector<Array>>& arrays);
inline Array block(std::initializer_list<std::vector<Array>> rows) {  // {{a}, {b}} is a 2-d layout
  return block(std::vector<std::vector<Array>>(rows));
}
// numpy.sort_complex: sorted along the last axis by real part, then imaginary part (as sort orders
// complex values), always complex.
Array sort_complex(const Array& a);
// Indirect stable sort on several keys, the last key primary (int32 indices along axis).
Array lexsort(const std::vector<Array>& keys, int axis = -1);
Array lexsort(const Array& keys, int axis = -1);  // the keys are keys[0], keys[1], ...

// ---- dtype queries ----
// numpy's casting rules between dtypes: "no", "equiv", "safe", "same_kind" or "unsafe".
bool can_cast(DType from, DType to, const std::string& casting = "safe");
inline bool can_cast(const Array& from, DType to, const std::string& casting = "safe") {
  return can_cast(from.dtype(), to, casting);
}
// JAX's promotion of the arguments' dtypes: DTypes, Arrays (weak scalars adopt the others) and C++ scalars.
struct DTypeOperand {
  DType dtype;
  bool weak;
  DTypeOperand(DType d) : dtype(d), weak(false) {}                             // NOLINT
  DTypeOperand(const Array& a) : dtype(a.dtype()), weak(a.weak_type()) {}      // NOLINT
  template <Scalar T>
  DTypeOperand(T v) : DTypeOperand(Array(v)) {}  // NOLINT
};
DType result_type(const std::vector<DTypeOperand>& operands);
template <class... Ts>
DType result_type(const Ts&... operands) {
  return result_type(std::vector<DTypeOperand>{DTypeOperand(operands)...});
}
// The array API's kinds: "bool", "signed integer", "unsigned integer", "integral", "real floating",
// "complex floating" or "numeric"; a DType kind matches only itself; a list matches any of its kinds.
bool isdtype(DType dtype, const std::string& kind);
bool isdtype(DType dtype, DType kind);
bool isdtype(DType dtype, const std::vector<std::string>& kinds);
// numpy's abstract scalar types, for issubdtype: np.generic, np.bool_, np.number, np.integer,
// np.signedinteger, np.unsignedinteger, np.inexact, np.floating, np.complexfloating.
enum class DTypeKind : std::uint8_t {
  generic, bool_, number, integer, signedinteger, unsignedinteger, inexact, floating, complexfloating
};
bool issubdtype(DType dtype, DTypeKind category);
inline bool issubdtype(DType dtype, DType other) { return dtype == other; }

// ---- windows, polynomials, convolution ----
Array bartlett(std::int64_t m, DType dtype = float32);
Array blackman(std::int64_t m, DType dtype = float32);
Array hamming(std::int64_t m, DType dtype = float32);
Array hanning(std::int64_t m, DType dtype = float32);
Array kaiser(std::int64_t m, double beta, DType dtype = float32);
Array vander(const Array& x, std::optional<std::int64_t> n = std::nullopt, bool increasing = false);
Array polyval(const Array& p, const Array& x);  // p: 1-d coefficients, highest power first
Array polyadd(const Array& a1, const Array& a2);
Array polysub(const Array& a1, const Array& a2);
Array polymul(const Array& a1, const Array& a2);
Array polyder(const Array& p, int m = 1);
Array polyint(const Array& p, int m = 1, double k = 0.0);
// Coefficients of the monic polynomial with the given 1-d roots, or the characteristic polynomial of
// a square matrix (by Faddeev-LeVerrier, so real for every real matrix, complex eigenvalues included).
Array poly(const Array& seq_of_zeros);
// The roots (complex, as JAX) of the polynomial with 1-d coefficients p, highest power first: the
// eigenvalues of its companion matrix, as numpy. strip_zeros drops leading zero coefficients and
// returns a zero root per trailing zero, which needs p's values (ConcretizationError under jit);
// without it, p's length fixes the number of roots and a leading zero gives NaN roots.
Array roots(const Array& p, bool strip_zeros = true);
// (quotient, remainder) of u / v; as JAX, the remainder keeps u's length (leading zeros are not trimmed).
std::pair<Array, Array> polydiv(const Array& u, const Array& v);
// Least-squares coefficients (highest power first) of degree deg fitting y (1-d, or 2-d with one
// fit per column) at x, optionally weighted by w (applied to the residuals, as numpy).
Array polyfit(const Array& x, const Array& y, int deg, std::optional<double> rcond = std::nullopt,
              std::optional<Array> w = std::nullopt);
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
