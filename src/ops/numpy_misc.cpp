// jax.numpy's small utilities: nan_to_num, splits and joins, index
// builders, select/isin/digitize, partition, unravel/ravel of indices, unwrap and gradient.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "primitives/common.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {
std::int64_t extent(const Array& x, int axis) { return x.shape()[static_cast<std::size_t>(axis)]; }
Array int_array(const std::vector<std::int32_t>& v) { return array(v); }
}  // namespace

Array nan_to_num(const Array& x, double nan_value, std::optional<double> posinf, std::optional<double> neginf) {
  if (is_complex(x.dtype()))  // each part on its own, as numpy
    return complex(nan_to_num(real(x), nan_value, posinf, neginf), nan_to_num(imag(x), nan_value, posinf, neginf));
  if (!is_floating(x.dtype())) return x;
  double big = finfo(x.dtype()).max;
  Array r = where(isnan(x), nan_value, x);
  r = where(r == inf, posinf.value_or(big), r);
  return where(r == -inf, neginf.value_or(-big), r);
}

std::pair<Array, Array> modf(const Array& x) {
  Array xf = inexact(x);
  Array i = trunc(xf);
  return {where(isinf(xf), copysign(zeros_like(xf), xf), xf - i), i};
}

std::pair<Array, Array> divmod(const Array& x1, const Array& x2) { return {floor_divide(x1, x2), remainder(x1, x2)}; }

namespace {
Array cumulative(const char* op, const Array& x, std::optional<int> axis, bool include_initial, bool is_sum) {
  if (x.ndim() == 0) throw ValueError(op, "needs at least 1 dimension, got ", x.aval());
  if (!axis && x.ndim() > 1) throw ValueError(op, "axis is required for ", x.aval());
  int ax = normalize_axis(op, axis.value_or(0), x.ndim());
  Array r = is_sum ? cumsum(x, ax) : cumprod(x, ax);
  if (!include_initial) return r;
  Shape s = r.shape();
  s[static_cast<std::size_t>(ax)] = 1;
  return concatenate({full(s, is_sum ? 0 : 1, r.dtype()), r}, ax);
}
}  // namespace

Array cumulative_sum(const Array& x, std::optional<int> axis, bool include_initial) {
  return cumulative("cumulative_sum", x, axis, include_initial, true);
}
Array cumulative_prod(const Array& x, std::optional<int> axis, bool include_initial) {
  return cumulative("cumulative_prod", x, axis, include_initial, false);
}

std::vector<Array> unstack(const Array& x, int axis) {
  if (x.ndim() == 0) throw ValueError("unstack", "needs at least 1 dimension, got ", x.aval());
  int ax = normalize_axis("unstack", axis, x.ndim());
  std::vector<Array> out;
  for (std::int64_t i = 0; i < extent(x, ax); ++i) out.push_back(squeeze(slice_in_dim(x, i, i + 1, 1, ax), ax));
  return out;
}

std::vector<Array> array_split(const Array& x, std::int64_t sections, int axis) {
  if (sections <= 0) throw ValueError("array_split", "number of sections must be positive, got ", sections);
  int ax = normalize_axis("array_split", axis, x.ndim());
  std::int64_t n = extent(x, ax), each = n / sections, extra = n % sections;
  Ints cuts;
  for (std::int64_t i = 1, at = 0; i < sections; ++i) {
    at += each + (i - 1 < extra ? 1 : 0);
    cuts.push_back(at);
  }
  return split(x, cuts, ax);
}
std::vector<Array> hsplit(const Array& x, std::int64_t sections) {
  if (x.ndim() == 0) throw ValueError("hsplit", "needs at least 1 dimension, got ", x.aval());
  return split(x, sections, x.ndim() > 1 ? 1 : 0);
}
std::vector<Array> vsplit(const Array& x, std::int64_t sections) {
  if (x.ndim() < 2) throw ValueError("vsplit", "needs at least 2 dimensions, got ", x.aval());
  return split(x, sections, 0);
}
std::vector<Array> dsplit(const Array& x, std::int64_t sections) {
  if (x.ndim() < 3) throw ValueError("dsplit", "needs at least 3 dimensions, got ", x.aval());
  return split(x, sections, 2);
}

Array append(const Array& arr, const Array& values, std::optional<int> axis) {
  if (!axis) return concatenate({ravel(arr), ravel(values)}, 0);
  return concatenate({arr, values}, *axis);
}

Array rollaxis(const Array& a, int axis, int start) {
  int n = a.ndim();
  int ax = normalize_axis("rollaxis", axis, n);
  int st = start < 0 ? start + n : start;
  if (st < 0 || st > n) throw IndexError("rollaxis", "start ", start, " out of range for ", a.aval());
  if (ax < st) --st;
  return ax == st ? a : moveaxis(a, ax, st);
}

Array resize(const Array& a, const Shape& new_shape) {
  std::int64_t total = 1;
  for (std::int64_t d : new_shape) {
    if (d < 0) throw ValueError("resize", "negative extent in new shape ", shape_str(new_shape));
    total *= d;
  }
  if (a.size() == 0 || total == 0) return zeros(new_shape, a.dtype());
  std::int64_t reps = (total + a.size() - 1) / a.size();
  return reshape(slice_in_dim(tile(ravel(a), {reps}), 0, total), new_shape);
}

std::vector<Array> ix_(const std::vector<Array>& args) {
  std::vector<Array> out;
  std::size_t n = args.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (args[i].ndim() != 1) throw ShapeError("ix_", "arguments must be 1-d, argument ", i, " is ", args[i].aval());
    Shape s(n, 1);
    s[i] = args[i].shape()[0];
    out.push_back(reshape(args[i], s));
  }
  return out;
}

Array indices(const Ints& dimensions, DType dtype) {
  if (!is_integer(dtype) && !is_floating(dtype)) throw DTypeError("indices", "needs a numeric dtype, got ", dtype);
  for (std::int64_t d : dimensions)
    if (d < 0) throw ValueError("indices", "negative dimension ", d);
  std::vector<Array> grids;
  for (std::size_t i = 0; i < dimensions.size(); ++i)
    grids.push_back(iota(dtype, Shape(dimensions.begin(), dimensions.end()), static_cast<int>(i)));
  if (grids.empty()) return zeros({0}, dtype);
  return stack(grids, 0);
}

namespace {
std::pair<Array, Array> tri_indices(const char* op, std::int64_t n, std::int64_t k, std::optional<std::int64_t> m,
                                    bool lower) {
  std::int64_t cols = m.value_or(n);
  if (n < 0 || cols < 0) throw ValueError(op, "negative dimensions ", n, "x", cols);
  std::vector<std::int32_t> r, c;
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < cols; ++j)
      if (lower ? j - i <= k : j - i >= k) {
        r.push_back(static_cast<std::int32_t>(i));
        c.push_back(static_cast<std::int32_t>(j));
      }
  return {int_array(r), int_array(c)};
}
void check_2d(const char* op, const Array& a) {
  if (a.ndim() != 2) throw ShapeError(op, "needs a 2-d array, got ", a.aval());
}
}  // namespace

std::pair<Array, Array> tril_indices(std::int64_t n, std::int64_t k, std::optional<std::int64_t> m) {
  return tri_indices("tril_indices", n, k, m, true);
}
std::pair<Array, Array> triu_indices(std::int64_t n, std::int64_t k, std::optional<std::int64_t> m) {
  return tri_indices("triu_indices", n, k, m, false);
}
std::pair<Array, Array> tril_indices_from(const Array& arr, std::int64_t k) {
  check_2d("tril_indices_from", arr);
  return tri_indices("tril_indices_from", arr.shape()[0], k, arr.shape()[1], true);
}
std::pair<Array, Array> triu_indices_from(const Array& arr, std::int64_t k) {
  check_2d("triu_indices_from", arr);
  return tri_indices("triu_indices_from", arr.shape()[0], k, arr.shape()[1], false);
}

std::vector<Array> diag_indices(std::int64_t n, int ndim) {
  if (n < 0 || ndim < 0) throw ValueError("diag_indices", "negative size ", n, " or rank ", ndim);
  return std::vector<Array>(static_cast<std::size_t>(ndim), arange(0, static_cast<double>(n), 1, int32));
}
std::vector<Array> diag_indices_from(const Array& arr) {
  if (arr.ndim() < 2) throw ShapeError("diag_indices_from", "needs at least 2 dimensions, got ", arr.aval());
  for (std::int64_t d : arr.shape())
    if (d != arr.shape()[0]) throw ShapeError("diag_indices_from", "all dimensions must be equal, got ", arr.aval());
  return diag_indices(arr.shape()[0], arr.ndim());
}

Array fill_diagonal(const Array& a, const Array& val) {
  if (a.ndim() < 2) throw ShapeError("fill_diagonal", "needs at least 2 dimensions, got ", a.aval());
  if (a.ndim() > 2)
    for (std::int64_t d : a.shape())
      if (d != a.shape()[0]) throw ShapeError("fill_diagonal", "all dimensions must be equal, got ", a.aval());
  Array mask = ones(a.shape(), bool_);
  for (int i = 1; i < a.ndim(); ++i) mask = mask & (iota(int64, a.shape(), i) == iota(int64, a.shape(), 0));
  int short_axis = a.shape()[0] <= a.shape()[1] ? 0 : 1;
  std::int64_t len = a.shape()[static_cast<std::size_t>(short_axis)];
  Array v = val.astype(a.dtype());
  if (v.ndim() == 1) {
    if (v.shape()[0] != len)
      throw ShapeError("fill_diagonal", "val ", val.aval(), " must have one value per diagonal entry of ", a.aval());
    v = broadcast_in_dim(v, a.shape(), {short_axis});
  } else if (v.ndim() != 0) {
    throw ShapeError("fill_diagonal", "val must be a scalar or 1-d, got ", val.aval());
  }
  return where(mask, v, a);
}

Array select(const std::vector<Array>& condlist, const std::vector<Array>& choicelist, const Array& default_) {
  if (condlist.size() != choicelist.size())
    throw ValueError("select", "condlist has ", condlist.size(), " entries but choicelist has ", choicelist.size());
  if (condlist.empty()) throw ValueError("select", "condlist must not be empty");
  Array r = default_;
  for (std::size_t i = condlist.size(); i-- > 0;) {
    if (condlist[i].dtype() != bool_)
      throw DTypeError("select", "conditions must be bool, condition ", i, " is ", condlist[i].aval());
    r = where(condlist[i], choicelist[i], r);
  }
  return r;
}

Array isin(const Array& element, const Array& test_elements, bool invert) {
  Array hit = any(expand_dims(element, -1) == ravel(test_elements), -1);
  return invert ? !hit : hit;
}

Array digitize(const Array& x, const Array& bins, bool right) {
  if (bins.ndim() != 1) throw ShapeError("digitize", "bins must be 1-d, got ", bins.aval());
  std::int64_t n = bins.shape()[0];
  if (n == 0) return zeros_like(x, int32);
  std::string side = right ? "left" : "right";
  Array increasing = squeeze(slice_in_dim(bins, n - 1, n), 0) >= squeeze(slice_in_dim(bins, 0, 1), 0);
  return where(increasing, searchsorted(bins, x, side),
               static_cast<std::int64_t>(n) - searchsorted(flip(bins), x, side));
}

Array histogram_bin_edges(const Array& a, std::int64_t bins, std::optional<std::pair<double, double>> range) {
  return histogram(a, bins, range).second;
}

Array partition(const Array& a, std::int64_t kth, int axis) {
  int ax = normalize_axis("partition", axis, a.ndim());
  if (kth < -extent(a, ax) || kth >= extent(a, ax))
    throw IndexError("partition", "kth ", kth, " out of range for ", a.aval());
  return sort(a, ax);
}
Array argpartition(const Array& a, std::int64_t kth, int axis) {
  int ax = normalize_axis("argpartition", axis, a.ndim());
  if (kth < -extent(a, ax) || kth >= extent(a, ax))
    throw IndexError("argpartition", "kth ", kth, " out of range for ", a.aval());
  return argsort(a, ax);
}

std::vector<Array> unravel_index(const Array& idx0, const Shape& shape) {
  if (!is_integer(idx0.dtype())) throw DTypeError("unravel_index", "indices must be integers, got ", idx0.aval());
  std::int64_t size = 1;
  for (std::int64_t d : shape) {
    if (d < 0) throw ValueError("unravel_index", "negative extent in shape ", shape_str(shape));
    size *= d;
  }
  if (size == 0) throw ValueError("unravel_index", "cannot unravel into the empty shape ", shape_str(shape));
  Array idx = where(idx0 < 0, idx0 + size, idx0);
  idx = clip(idx, 0, size - 1);
  std::vector<Array> out(shape.size());
  for (std::size_t i = shape.size(); i-- > 0;) {
    out[i] = remainder(idx, shape[i]);
    idx = floor_divide(idx, shape[i]);
  }
  return out;
}

Array ravel_multi_index(const std::vector<Array>& multi_index, const Shape& dims, const std::string& mode) {
  if (mode != "raise" && mode != "clip" && mode != "wrap")
    throw ValueError("ravel_multi_index", "mode must be raise, clip or wrap, got \"", mode, "\"");
  if (multi_index.size() != dims.size())
    throw ValueError("ravel_multi_index", multi_index.size(), " index arrays for the shape ", shape_str(dims));
  if (dims.empty()) throw ValueError("ravel_multi_index", "needs at least one dimension");
  Array flat = zeros({}, int32);
  for (std::size_t i = 0; i < dims.size(); ++i) {
    Array ix = multi_index[i];
    if (!is_integer(ix.dtype())) throw DTypeError("ravel_multi_index", "indices must be integers, got ", ix.aval());
    if (mode == "raise") {
      if (ix.is_tracer())
        throw ConcretizationError("ravel_multi_index",
                                  "mode \"raise\" needs concrete indices: use mode \"clip\" or \"wrap\"");
      if (any((ix < 0) | (ix >= dims[i])).item<bool>())
        throw IndexError("ravel_multi_index", "index out of bounds for axis ", i, " of extent ", dims[i]);
    } else if (mode == "clip") {
      ix = clip(ix, 0, dims[i] - 1);
    } else {
      ix = remainder(ix, dims[i]);
    }
    flat = flat * dims[i] + ix;
  }
  return flat;
}

Array unwrap(const Array& p0, std::optional<double> discont, int axis, double period) {
  if (p0.ndim() == 0) throw ValueError("unwrap", "needs at least 1 dimension, got ", p0.aval());
  int ax = normalize_axis("unwrap", axis, p0.ndim());
  Array p = inexact(p0);
  std::int64_t n = extent(p, ax);
  if (n < 2) return p;
  double half = period / 2;
  Array dd = diff(p, 1, ax);
  Array ddmod = remainder(dd + half, period) - half;
  ddmod = where((ddmod == -half) & (dd > 0.0), half, ddmod);
  Array correct = where(abs(dd) < std::max(discont.value_or(half), half), 0.0, ddmod - dd);
  Array tail = slice_in_dim(p, 1, n, 1, ax) + cumsum(correct, ax);
  return concatenate({slice_in_dim(p, 0, 1, 1, ax), tail}, ax);
}

std::vector<Array> gradient(const Array& f0, double dx, std::optional<int> axis) {
  if (f0.ndim() == 0) throw ValueError("gradient", "needs at least 1 dimension, got ", f0.aval());
  if (dx == 0) throw ValueError("gradient", "spacing must be non-zero");
  Array f = inexact(f0);
  std::vector<int> axes;
  if (axis) axes.push_back(normalize_axis("gradient", *axis, f.ndim()));
  else
    for (int i = 0; i < f.ndim(); ++i) axes.push_back(i);
  std::vector<Array> out;
  for (int ax : axes) {
    std::int64_t n = extent(f, ax);
    if (n < 2) throw ValueError("gradient", "axis ", ax, " of ", f0.aval(), " needs at least 2 samples");
    auto sl = [&](std::int64_t a, std::int64_t b) { return slice_in_dim(f, a, b, 1, ax); };
    Array first = (sl(1, 2) - sl(0, 1)) / dx, last = (sl(n - 1, n) - sl(n - 2, n - 1)) / dx;
    if (n == 2) {
      out.push_back(concatenate({first, last}, ax));
    } else {
      out.push_back(concatenate({first, (sl(2, n) - sl(0, n - 2)) / (2 * dx), last}, ax));
    }
  }
  return out;
}

}  // namespace xjax
