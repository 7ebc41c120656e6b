// jax.numpy's window functions, polynomials, 1-d convolution, tensordot and vector products, and the
// array-API forms in jax.numpy.linalg, composed from public ops.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "primitives/common.hpp"
#include "trace/trace.hpp"
#include "xjax/linalg.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {

// A window of m points: ones for m == 1, empty for m < 1, else f(n) over n = 0 .. m-1 (float64, then cast).
template <class F>
Array window(const char* op, std::int64_t m, DType dtype, F f) {
  if (!is_floating(dtype)) throw DTypeError(op, "dtype must be float32 or float64, got ", dtype);
  if (m < 1) return zeros({0}, dtype);
  if (m == 1) return ones({1}, dtype);
  return f(arange(0, static_cast<double>(m), 1, float64), static_cast<double>(m - 1)).astype(dtype);
}
void check_1d(const char* op, const Array& a, const char* what) {
  if (a.ndim() != 1) throw ShapeError(op, what, " must be 1-d, got ", a.aval());
}
}  // namespace

Array bartlett(std::int64_t m, DType dtype) {
  return window("bartlett", m, dtype, [](const Array& n, double d) { return 1.0 - abs(2.0 * n / d - 1.0); });
}
Array blackman(std::int64_t m, DType dtype) {
  return window("blackman", m, dtype, [](const Array& n, double d) {
    return 0.42 - 0.5 * cos(2 * pi * n / d) + 0.08 * cos(4 * pi * n / d);
  });
}
Array hamming(std::int64_t m, DType dtype) {
  return window("hamming", m, dtype, [](const Array& n, double d) { return 0.54 - 0.46 * cos(2 * pi * n / d); });
}
Array hanning(std::int64_t m, DType dtype) {
  return window("hanning", m, dtype, [](const Array& n, double d) { return 0.5 - 0.5 * cos(2 * pi * n / d); });
}

// Kaiser window: I0(beta sqrt(1 - (2n / (m - 1) - 1)^2)) / I0(beta).
Array kaiser(std::int64_t m, double beta, DType dtype) {
  return window("kaiser", m, dtype, [beta](const Array& n, double d) {
    Array t = 2.0 * n / d - 1.0;
    return i0(beta * sqrt(maximum(1.0 - t * t, 0.0))) / i0(full({}, beta, float64));
  });
}

// Columns x^0, x^1, ... by a running product (exact for integers, differentiable, no pow of negatives).
Array vander(const Array& x, std::optional<std::int64_t> n, bool increasing) {
  check_1d("vander", x, "x");
  std::int64_t cols = n.value_or(x.shape()[0]);
  if (cols < 0) throw ValueError("vander", "number of columns must be non-negative, got ", cols);
  Array col = expand_dims(x, 1);
  Array v = cols == 0 ? zeros({x.shape()[0], 0}, x.dtype())
                      : cumprod(concatenate({ones_like(col), broadcast_to(col, {x.shape()[0], cols - 1})}, 1), 1);
  return increasing ? v : flip(v, 1);
}

Array polyval(const Array& p, const Array& x) {
  check_1d("polyval", p, "coefficients");
  DType d = promote_types(p.dtype(), p.weak_type(), x.dtype(), x.weak_type()).dtype;
  Array y = zeros(x.shape(), d);
  for (std::int64_t i = 0; i < p.shape()[0]; ++i) y = y * x + squeeze(slice_in_dim(p, i, i + 1), 0);
  return y;
}

namespace {
// Both coefficient vectors padded in front to a common length.
std::pair<Array, Array> aligned(const char* op, const Array& a1, const Array& a2) {
  check_1d(op, a1, "a1");
  check_1d(op, a2, "a2");
  std::int64_t n1 = a1.shape()[0], n2 = a2.shape()[0], n = std::max(n1, n2);
  return {pad(a1, {{n - n1, 0}}), pad(a2, {{n - n2, 0}})};
}
}  // namespace

Array polyadd(const Array& a1, const Array& a2) {
  auto [x, y] = aligned("polyadd", a1, a2);
  return x + y;
}
Array polysub(const Array& a1, const Array& a2) {
  auto [x, y] = aligned("polysub", a1, a2);
  return x - y;
}
Array polymul(const Array& a1, const Array& a2) {
  check_1d("polymul", a1, "a1");
  check_1d("polymul", a2, "a2");
  return convolve(a1, a2);
}
Array polyder(const Array& p, int m) {
  check_1d("polyder", p, "coefficients");
  if (m < 0) throw ValueError("polyder", "order must be non-negative, got ", m);
  Array r = p;
  for (int i = 0; i < m; ++i) {
    std::int64_t n = r.shape()[0];
    if (n <= 1) return zeros({0}, r.dtype());
    r = slice_in_dim(r, 0, n - 1) * arange(static_cast<double>(n - 1), 0, -1, r.dtype());
  }
  return r;
}
Array polyint(const Array& p, int m, double k) {
  check_1d("polyint", p, "coefficients");
  if (m < 0) throw ValueError("polyint", "order must be non-negative, got ", m);
  Array r = inexact(p);
  for (int i = 0; i < m; ++i) {
    std::int64_t n = r.shape()[0];
    Array scaled = n ? r / arange(static_cast<double>(n), 0, -1, r.dtype()) : r;
    r = concatenate({scaled, full({1}, k, r.dtype())}, 0);
  }
  return r;
}

Array roots(const Array& p, bool strip_zeros) {
  if (p.ndim() != 1) throw ShapeError("roots", "needs 1-d coefficients, got ", p.aval());
  Array c = inexact(p);
  const DType out = complex_dtype(c.dtype());
  std::int64_t lead = 0, trail = 0, n = c.shape()[0];
  if (strip_zeros) {
    std::vector<double> v;
    try {
      Array concrete = to_concrete(c, "roots");
      EagerScope eager;  // reads the values even inside an enclosing jit
      Array magnitude = abs(concrete).astype(float64);
      v.assign(magnitude.data<double>(), magnitude.data<double>() + n);
    } catch (const ConcretizationError&) {
      throw ConcretizationError("roots", "strip_zeros needs the values of ", p.aval(),
                                ", which is traced: pass strip_zeros = false");
    }
    while (lead < n && v[static_cast<std::size_t>(lead)] == 0) ++lead;
    while (trail < n - lead && v[static_cast<std::size_t>(n - 1 - trail)] == 0) ++trail;
  }
  Array core = slice_in_dim(c, lead, n - trail);
  const std::int64_t degree = core.shape()[0] - 1;
  Array found = zeros({0}, out);
  if (degree >= 1) {  // the companion matrix: -p[1:] / p[0] on the first row, ones below the diagonal
    Array top = expand_dims(-slice_in_dim(core, 1, degree + 1) / slice_in_dim(core, 0, 1), 0);
    Array companion = concatenate({top, eye(degree - 1, degree, 0, core.dtype())}, 0);
    found = linalg::eigvals(companion);
  }
  return trail ? concatenate({found, zeros({trail}, out)}, 0) : found;
}

// From roots: (x - r0)(x - r1)... one factor at a time. From a matrix: Faddeev-LeVerrier,
// M_k = A M_{k-1} + c_{k-1} I, c_k = -tr(A M_k) / k, which needs no (possibly complex) eigenvalues.
Array poly(const Array& seq_of_zeros) {
  const Array& z = seq_of_zeros;
  bool square = z.ndim() == 2 && z.shape()[0] == z.shape()[1] && z.shape()[0] > 0;
  if (z.ndim() != 1 && !square)
    throw ShapeError("poly", "needs 1-d roots or a non-empty square matrix, got ", z.aval());
  Array a = inexact(z);
  DType d = a.dtype();
  if (!square) {
    Array c = ones({1}, d);
    for (std::int64_t i = 0; i < a.shape()[0]; ++i) {
      Array r = squeeze(slice_in_dim(a, i, i + 1), 0);
      c = pad(c, {{0, 1}}) - r * pad(c, {{1, 0}});
    }
    return c;
  }
  std::int64_t n = a.shape()[0];
  Array id = eye(n, std::nullopt, 0, d);
  std::vector<Array> coeffs{ones({1}, d)};
  Array m = zeros({n, n}, d), c = ones({}, d);
  for (std::int64_t k = 1; k <= n; ++k) {
    m = matmul(a, m) + c * id;
    c = -trace(matmul(a, m)) / static_cast<double>(k);
    coeffs.push_back(reshape(c, {1}));
  }
  return concatenate(coeffs, 0);
}

// Long division, one leading coefficient of the remainder cancelled per step.
std::pair<Array, Array> polydiv(const Array& u, const Array& v) {
  check_1d("polydiv", u, "u");
  check_1d("polydiv", v, "v");
  if (v.shape()[0] == 0) throw ValueError("polydiv", "the divisor v must not be empty");
  DType d = inexact_dtype(promote_types(u.dtype(), v.dtype()));
  Array r = u.astype(d), w = v.astype(d);
  std::int64_t m = u.shape()[0] - 1, n = v.shape()[0] - 1;
  Array scale = 1.0 / squeeze(slice_in_dim(w, 0, 1), 0);
  std::vector<Array> q;
  for (std::int64_t k = 0; k <= m - n; ++k) {
    Array coef = scale * squeeze(slice_in_dim(r, k, k + 1), 0);
    q.push_back(reshape(coef, {1}));
    r = r - pad(coef * w, {{k, m - n - k}});
  }
  return {q.empty() ? zeros({1}, d) : concatenate(q, 0), r};
}

// numpy's recipe: the Vandermonde columns are scaled to unit norm before the SVD least squares, and
// rcond defaults to len(x) * eps.
Array polyfit(const Array& x, const Array& y, int deg, std::optional<double> rcond, std::optional<Array> w) {
  check_1d("polyfit", x, "x");
  if (deg < 0) throw ValueError("polyfit", "deg must be non-negative, got ", deg);
  if (y.ndim() < 1 || y.ndim() > 2 || y.shape()[0] != x.shape()[0])
    throw ShapeError("polyfit", "y must be 1-d or 2-d with x's length, got x ", x.aval(), " and y ", y.aval());
  if (x.shape()[0] == 0) throw ValueError("polyfit", "needs at least one point");
  DType d = inexact_dtype(promote_types(x.dtype(), y.dtype()));
  Array lhs = vander(x.astype(d), deg + 1), rhs = y.astype(d);
  if (w) {
    if (w->ndim() != 1 || w->shape()[0] != x.shape()[0])
      throw ShapeError("polyfit", "w must be 1-d with x's length, got ", w->aval());
    Array wd = w->astype(d);
    lhs = lhs * expand_dims(wd, 1);
    rhs = y.ndim() == 2 ? rhs * expand_dims(wd, 1) : rhs * wd;
  }
  double eps = finfo(d).eps;
  double rc = rcond.value_or(static_cast<double>(x.shape()[0]) * eps);
  Array scale = sqrt(sum(lhs * lhs, 0));
  scale = where(scale == 0.0, ones_like(scale), scale);
  Array b = y.ndim() == 1 ? expand_dims(rhs, 1) : rhs;
  Array c = linalg::lstsq(lhs / scale, b, rc).solution / expand_dims(scale, 1);
  return y.ndim() == 1 ? squeeze(c, 1) : c;
}

// One gather of the zero-padded longer input into an (n + m - 1, m) Toeplitz matrix, times the shorter one.
Array convolve(const Array& a0, const Array& v0, const std::string& mode) {
  if (mode != "full" && mode != "same" && mode != "valid")
    throw ValueError("convolve", "mode must be full, same or valid, got \"", mode, "\"");
  check_1d("convolve", a0, "a");
  check_1d("convolve", v0, "v");
  if (a0.shape()[0] == 0 || v0.shape()[0] == 0) throw ValueError("convolve", "inputs must not be empty");
  DType d = promote_types(a0.dtype(), a0.weak_type(), v0.dtype(), v0.weak_type()).dtype;
  if (d == bool_) d = int32;
  bool swap = v0.shape()[0] > a0.shape()[0];
  Array a = (swap ? v0 : a0).astype(d), v = (swap ? a0 : v0).astype(d);
  std::int64_t n = a.shape()[0], m = v.shape()[0], len = n + m - 1;
  Array ap = pad(a, {{m - 1, m - 1}});
  Array idx = iota(int32, {len, m}, 0) - iota(int32, {len, m}, 1) + static_cast<std::int64_t>(m - 1);
  Array full_conv = matmul(take(ap, idx), v);
  if (mode == "full") return full_conv;
  if (mode == "same") {
    std::int64_t start = (m - 1) / 2;
    return slice_in_dim(full_conv, start, start + n);
  }
  return slice_in_dim(full_conv, m - 1, n);
}

Array correlate(const Array& a, const Array& v, const std::string& mode) {
  if (mode != "full" && mode != "same" && mode != "valid")
    throw ValueError("correlate", "mode must be full, same or valid, got \"", mode, "\"");
  check_1d("correlate", a, "a");
  check_1d("correlate", v, "v");
  // numpy correlates a longer v by swapping the inputs and reversing the result ("same" differs otherwise).
  if (v.shape()[0] > a.shape()[0]) return flip(convolve(v, flip(a), mode));
  return convolve(a, flip(v), mode);
}

Array tensordot(const Array& a, const Array& b, int axes) {
  if (axes < 0 || axes > a.ndim() || axes > b.ndim())
    throw ValueError("tensordot", "cannot contract ", axes, " axes of ", a.aval(), " and ", b.aval());
  Ints ca, cb;
  for (int i = 0; i < axes; ++i) {
    ca.push_back(a.ndim() - axes + i);
    cb.push_back(i);
  }
  return tensordot(a, b, {ca, cb});
}
Array tensordot(const Array& a, const Array& b, const std::pair<Ints, Ints>& axes) {
  if (axes.first.size() != axes.second.size())
    throw ValueError("tensordot", "axes lists differ in length: ", axes.first.size(), " and ", axes.second.size());
  Ints ca, cb;
  for (std::size_t i = 0; i < axes.first.size(); ++i) {
    int x = normalize_axis("tensordot", axes.first[i], a.ndim());
    int y = normalize_axis("tensordot", axes.second[i], b.ndim());
    if (a.shape()[static_cast<std::size_t>(x)] != b.shape()[static_cast<std::size_t>(y)])
      throw ShapeError("tensordot", "axis ", x, " of ", a.aval(), " does not match axis ", y, " of ", b.aval());
    ca.push_back(x);
    cb.push_back(y);
  }
  return dot_general(a, b, ca, cb);
}

Array vecdot(const Array& x1, const Array& x2, int axis) {
  Shape s;
  try {
    s = broadcast_shapes(x1.shape(), x2.shape());
  } catch (const ShapeError&) {
    throw ShapeError("vecdot", "cannot broadcast ", x1.aval(), " with ", x2.aval());
  }
  int ax = normalize_axis("vecdot", axis, static_cast<int>(s.size()));
  return sum(x1 * x2, ax);
}
Array matvec(const Array& x1, const Array& x2) {
  if (x1.ndim() < 2 || x2.ndim() < 1)
    throw ShapeError("matvec", "needs a matrix and a vector, got ", x1.aval(), " and ", x2.aval());
  return squeeze(matmul(x1, expand_dims(x2, -1)), -1);
}
Array vecmat(const Array& x1, const Array& x2) {
  if (x1.ndim() < 1 || x2.ndim() < 2)
    throw ShapeError("vecmat", "needs a vector and a matrix, got ", x1.aval(), " and ", x2.aval());
  return squeeze(matmul(expand_dims(x1, -2), x2), -2);
}

namespace linalg {
Array cross(const Array& x1, const Array& x2, int axis) {
  if (x1.ndim() == 0 || x2.ndim() == 0)
    throw ValueError("linalg.cross", "needs vectors, got ", x1.aval(), " and ", x2.aval());
  if (x1.shape()[static_cast<std::size_t>(normalize_axis("linalg.cross", axis, x1.ndim()))] != 3 ||
      x2.shape()[static_cast<std::size_t>(normalize_axis("linalg.cross", axis, x2.ndim()))] != 3)
    throw ValueError("linalg.cross", "vectors must have 3 components on axis ", axis, ", got ", x1.aval(), " and ",
                     x2.aval());
  return xjax::cross(x1, x2, axis, axis, axis);
}
Array diagonal(const Array& x, std::int64_t offset) {
  if (x.ndim() < 2) throw ShapeError("linalg.diagonal", "needs at least 2 dimensions, got ", x.aval());
  return xjax::diagonal(x, offset, -2, -1);
}
Array outer(const Array& x1, const Array& x2) {
  if (x1.ndim() != 1 || x2.ndim() != 1)
    throw ShapeError("linalg.outer", "needs 1-d inputs, got ", x1.aval(), " and ", x2.aval());
  return xjax::outer(x1, x2);
}
Array multi_dot(const std::vector<Array>& arrays) {
  if (arrays.size() < 2) throw ValueError("linalg.multi_dot", "needs at least 2 arrays, got ", arrays.size());
  Array r = arrays[0];
  for (std::size_t i = 1; i < arrays.size(); ++i) r = xjax::matmul(r, arrays[i]);
  return r;
}
Array matrix_rank(const Array& m, std::optional<double> rtol) {
  if (m.ndim() < 2) throw ShapeError("linalg.matrix_rank", "needs at least 2 dimensions, got ", m.aval());
  Array s = svdvals(inexact(m));
  double eps = finfo(s.dtype()).eps;
  double r = rtol.value_or(static_cast<double>(std::max(m.shape()[m.shape().size() - 2], m.shape().back())) * eps);
  Array tol = max(s, -1, true) * r;
  return sum(s > tol, -1);
}
Array cond(const Array& x) {
  if (x.ndim() < 2) throw ShapeError("linalg.cond", "needs at least 2 dimensions, got ", x.aval());
  Array s = svdvals(inexact(x));
  std::int64_t k = s.shape().back();  // singular values come in descending order
  return squeeze(slice_in_dim(s, 0, 1, 1, -1), -1) / squeeze(slice_in_dim(s, k - 1, k, 1, -1), -1);
}
Array tensorinv(const Array& a, int ind) {
  if (ind <= 0 || ind >= a.ndim())
    throw ValueError("linalg.tensorinv", "ind must be in [1, ", a.ndim() - 1, "], got ", ind, " for ", a.aval());
  Shape head(a.shape().begin(), a.shape().begin() + ind), tail(a.shape().begin() + ind, a.shape().end());
  std::int64_t rows = shape_size(head), cols = shape_size(tail);
  if (rows != cols) throw ShapeError("linalg.tensorinv", "the two halves of ", a.aval(), " are not square");
  Shape out = tail;
  out.insert(out.end(), head.begin(), head.end());
  return reshape(inv(reshape(a, {rows, cols})), out);
}
Array tensorsolve(const Array& a, const Array& b) {
  if (b.ndim() > a.ndim() || !std::equal(b.shape().begin(), b.shape().end(), a.shape().begin()))
    throw ShapeError("linalg.tensorsolve", "b ", b.aval(), " must match the leading axes of a ", a.aval());
  Shape xs(a.shape().begin() + b.ndim(), a.shape().end());
  std::int64_t rows = b.size(), cols = shape_size(xs);
  if (rows != cols) throw ShapeError("linalg.tensorsolve", "a ", a.aval(), " is not square for b ", b.aval());
  return reshape(solve(reshape(a, {rows, cols}), reshape(b, {rows})), xs);
}
}  // namespace linalg

}  // namespace xjax
