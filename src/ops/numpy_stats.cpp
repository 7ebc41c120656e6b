// jax.numpy's order statistics (quantile, median), weighted averages, covariance, histograms and the
// NaN-ignoring reductions, composed from public ops.
#include <algorithm>
#include <cmath>
#include <limits>

#include "primitives/common.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {

// The values of a concrete (non-traced) array, read without binding ops (which a jit trace would stage).
std::vector<double> concrete_values(const Array& x) {
  std::vector<double> v(static_cast<std::size_t>(x.size()));
  auto read = [&](const auto* p) {
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(p[i]);
  };
  switch (x.dtype()) {
    case float64: read(x.data<double>()); break;
    case float32: read(x.data<float>()); break;
    case float16: read(x.data<float16_t>()); break;
    case bfloat16: read(x.data<bfloat16_t>()); break;
    case int64: read(x.data<std::int64_t>()); break;
    case int32: read(x.data<std::int32_t>()); break;
    case uint32: read(x.data<std::uint32_t>()); break;
    default: read(static_cast<const unsigned char*>(x.raw_data())); break;
  }
  return v;
}
}  // namespace

// ---- quantiles ----
namespace {
// Sorted along the last axis (NaN last), the order statistics at q * (count - 1), count being the
// slice length, or its number of non-NaN values when ignore_nan.
Array quantile_impl(const char* op, const Array& x0, const Array& q0, std::optional<int> axis,
                    const std::string& method, bool keepdims, bool ignore_nan) {
  if (method != "linear" && method != "lower" && method != "higher" && method != "midpoint" && method != "nearest")
    throw ValueError(op, "method must be linear, lower, higher, midpoint or nearest, got \"", method, "\"");
  if (q0.ndim() > 1) throw ShapeError(op, "q must be 0-d or 1-d, got ", q0.aval());
  if (!q0.is_tracer())
    for (double qi : concrete_values(q0))
      if (!(qi >= 0 && qi <= 1)) throw ValueError(op, "q must be in [0, 1], got ", qi);
  Array x = inexact(x0);
  int ax = axis ? normalize_axis(op, *axis, x.ndim()) : 0;
  Shape kept_shape = x.shape();
  if (!axis) {
    kept_shape.assign(kept_shape.size(), 1);
    x = ravel(x);
  } else {
    kept_shape[static_cast<std::size_t>(ax)] = 1;
    x = moveaxis(x, ax, -1);
  }
  std::int64_t n = x.shape().back();
  if (n == 0) throw ValueError(op, "cannot take a quantile of an empty axis of ", x0.aval());
  Array q = ravel(q0.astype(x.dtype()));  // (k,)
  Array s = sort(x, -1);
  Array valid = ignore_nan ? sum(!isnan(x), -1, true).astype(x.dtype()) : full({}, static_cast<double>(n), x.dtype());
  Array pos = q * (valid - 1.0);  // rest + (k,)
  Shape idx_shape = x.shape();
  idx_shape.back() = q.shape()[0];
  pos = broadcast_to(pos, idx_shape);
  Array lo = floor(pos), hi = ceil(pos);
  auto at = [&](const Array& i) {
    return take_along_axis(s, clip(i, 0.0, static_cast<double>(n - 1)).astype(int32), -1);
  };
  Array r;
  if (method == "lower") r = at(lo);
  else if (method == "higher") r = at(hi);
  else if (method == "nearest") r = at(round(pos));
  else if (method == "midpoint") r = (at(lo) + at(hi)) * 0.5;
  else r = at(lo) + (at(hi) - at(lo)) * (pos - lo);  // floor has zero derivative: d/dq is right
  // NaN in a slice makes its quantile NaN (quantile); an all-NaN slice does (nanquantile).
  Array bad = ignore_nan ? valid == 0.0 : any(isnan(x), -1, true);
  r = where(bad, nan, r);
  if (q0.ndim() == 0) r = squeeze(r, -1);
  else r = moveaxis(r, -1, 0);  // q's axis in front
  if (keepdims) {
    Shape s2 = kept_shape;
    if (q0.ndim()) s2.insert(s2.begin(), q.shape()[0]);
    r = reshape(r, s2);
  }
  return r;
}

void check_percent(const char* op, const Array& q) {
  if (!q.is_tracer())  // checked here so the message names the function and its scale
    for (double qi : concrete_values(q))
      if (!(qi >= 0 && qi <= 100)) throw ValueError(op, "q must be in [0, 100], got ", qi);
}
}  // namespace

Array quantile(const Array& x, const Array& q, std::optional<int> axis, const std::string& method, bool keepdims) {
  return quantile_impl("quantile", x, q, axis, method, keepdims, false);
}
Array nanquantile(const Array& x, const Array& q, std::optional<int> axis, const std::string& method, bool keepdims) {
  return quantile_impl("nanquantile", x, q, axis, method, keepdims, true);
}
Array nanpercentile(const Array& x, const Array& q, std::optional<int> axis, const std::string& method,
                    bool keepdims) {
  check_percent("nanpercentile", q);
  return quantile_impl("nanpercentile", x, inexact(q) / 100.0, axis, method, keepdims, true);
}
Array nanmedian(const Array& x, std::optional<int> axis, bool keepdims) {
  return quantile_impl("nanmedian", x, 0.5, axis, "midpoint", keepdims, true);
}

Array percentile(const Array& x, const Array& q, std::optional<int> axis, const std::string& method, bool keepdims) {
  check_percent("percentile", q);
  return quantile_impl("percentile", x, inexact(q) / 100.0, axis, method, keepdims, false);
}

Array median(const Array& x, std::optional<int> axis, bool keepdims) {
  return quantile_impl("median", x, 0.5, axis, "midpoint", keepdims, false);
}

// ---- averages, covariance ----
Array average(const Array& x0, AxisSpec axis, std::optional<Array> weights, bool keepdims) {
  if (!weights) return mean(x0, axis, keepdims);
  Array x = inexact(x0);
  Array w = *weights;
  Ints ax = axis.resolve("average", x.ndim());
  if (w.shape() != x.shape()) {
    if (w.ndim() != 1 || !axis.given() || ax.size() != 1 || w.shape()[0] != x.shape()[static_cast<std::size_t>(ax[0])])
      throw ShapeError("average", "weights ", w.aval(), " must have the shape of x ", x0.aval(),
                       ", or be 1-d along the one axis averaged");
    Shape s(static_cast<std::size_t>(x.ndim()), 1);
    s[static_cast<std::size_t>(ax[0])] = w.shape()[0];
    w = reshape(w, s);
  }
  DType d = inexact_dtype(promote_types(x.dtype(), x.weak_type(), w.dtype(), w.weak_type()).dtype);
  x = x.astype(d);
  w = w.astype(d);
  return sum(x * w, ax, keepdims) / sum(broadcast_to(w, x.shape()), ax, keepdims);
}

Array cov(const Array& m, std::optional<Array> y, bool rowvar, bool bias, std::optional<int> ddof) {
  if (m.ndim() > 2) throw ShapeError("cov", "m must be 1-d or 2-d, got ", m.aval());
  Array x = atleast_2d(inexact(m));
  if (!rowvar && x.shape()[0] != 1) x = transpose(x);
  if (y) {
    if (y->ndim() > 2) throw ShapeError("cov", "y must be 1-d or 2-d, got ", y->aval());
    Array yy = atleast_2d(inexact(*y));
    if (!rowvar && yy.shape()[0] != 1) yy = transpose(yy);
    if (yy.shape()[1] != x.shape()[1])
      throw ShapeError("cov", "m ", m.aval(), " and y ", y->aval(), " have different numbers of observations");
    DType d = promote_types(x.dtype(), yy.dtype());
    x = concatenate({x.astype(d), yy.astype(d)}, 0);
  }
  std::int64_t n = x.shape()[1];
  int dd = ddof.value_or(bias ? 0 : 1);
  Array xc = x - mean(x, 1, true);
  // numpy clamps the divisor at 0 (inf or nan) when ddof >= the number of observations.
  Array c = matmul(xc, transpose(xc)) / static_cast<double>(std::max<std::int64_t>(n - dd, 0));
  return squeeze(c);
}

Array corrcoef(const Array& x, std::optional<Array> y, bool rowvar) {
  Array c = cov(x, y, rowvar);
  if (c.ndim() == 0) return c / c;
  Array sd = sqrt(diagonal(c));
  Array r = c / expand_dims(sd, 1) / expand_dims(sd, 0);
  return clip(r, -1.0, 1.0);
}

// ---- histograms ----
std::pair<Array, Array> histogram(const Array& x, const Array& bin_edges, bool density, std::optional<Array> weights) {
  if (bin_edges.ndim() != 1 || bin_edges.shape()[0] < 2)
    throw ShapeError("histogram", "bin edges must be 1-d with at least 2 entries, got ", bin_edges.aval());
  if (weights && weights->shape() != x.shape())
    throw ShapeError("histogram", "weights ", weights->aval(), " must have the shape of x ", x.aval());
  std::int64_t nb = bin_edges.shape()[0] - 1;
  Array xs = ravel(x);
  DType d = inexact_dtype(weights ? promote_types(x.dtype(), weights->dtype()) : x.dtype());
  Array edges = bin_edges.astype(inexact_dtype(promote_types(x.dtype(), bin_edges.dtype())));
  // Bin i holds edges[i] <= v < edges[i+1]; the last bin also holds its right edge; outside: dropped.
  Array idx = searchsorted(edges, xs, "right");
  Array last = squeeze(slice_in_dim(edges, nb, nb + 1), 0);
  idx = where(xs.astype(edges.dtype()) == last, static_cast<std::int64_t>(nb), idx);
  Array w = weights ? ravel(*weights).astype(d) : ones_like(xs, d);
  Array hits = one_hot(idx, nb + 2, d) * expand_dims(w, 1);
  Array counts = slice_in_dim(sum(hits, 0), 1, nb + 1);
  if (density) counts = counts / (sum(counts) * diff(edges).astype(d));
  return {counts, edges};
}

std::pair<Array, Array> histogram(const Array& x, std::int64_t bins, std::optional<std::pair<double, double>> range,
                                  bool density, std::optional<Array> weights) {
  if (bins < 1) throw ValueError("histogram", "bins must be positive, got ", bins);
  double lo, hi;
  if (range) {
    lo = range->first;
    hi = range->second;
  } else if (x.size() == 0) {
    lo = 0;
    hi = 1;
  } else {
    if (x.is_tracer())
      throw ConcretizationError("histogram", "the range of a traced ", x.aval(), " is unknown: pass range");
    std::vector<double> v = concrete_values(x);
    lo = *std::min_element(v.begin(), v.end());
    hi = *std::max_element(v.begin(), v.end());
    for (double vi : v)
      if (std::isnan(vi)) lo = hi = vi;  // rejected below, as numpy rejects a NaN range
  }
  if (!(lo <= hi) || !std::isfinite(lo) || !std::isfinite(hi))
    throw ValueError("histogram", "range must be finite with min <= max, got [", lo, ", ", hi, "]");
  if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  DType d = inexact_dtype(x.dtype());
  return histogram(x, linspace(lo, hi, bins + 1, true, d), density, std::move(weights));
}

Array count_nonzero(const Array& x, AxisSpec axis, bool keepdims) {
  return sum(x != 0, std::move(axis), keepdims).astype(int32);
}

Array ptp(const Array& x, AxisSpec axis, bool keepdims) {
  Ints ax = axis.resolve("ptp", x.ndim());
  return max(x, ax, keepdims) - min(x, ax, keepdims);
}

// ---- NaN-ignoring reductions ----
Array nansum(const Array& x, AxisSpec axis, bool keepdims) {
  if (!is_floating(x.dtype())) return sum(x, std::move(axis), keepdims);
  return sum(where(isnan(x), 0.0, x), std::move(axis), keepdims);
}
Array nanprod(const Array& x, AxisSpec axis, bool keepdims) {
  if (!is_floating(x.dtype())) return prod(x, std::move(axis), keepdims);
  return prod(where(isnan(x), 1.0, x), std::move(axis), keepdims);
}
Array nanmax(const Array& x, AxisSpec axis, bool keepdims) {
  if (!is_floating(x.dtype())) return max(x, std::move(axis), keepdims);
  Ints ax = axis.resolve("nanmax", x.ndim());
  Array m = isnan(x);
  return where(all(m, ax, keepdims), nan, max(where(m, -inf, x), ax, keepdims));
}
Array nanmin(const Array& x, AxisSpec axis, bool keepdims) {
  if (!is_floating(x.dtype())) return min(x, std::move(axis), keepdims);
  Ints ax = axis.resolve("nanmin", x.ndim());
  Array m = isnan(x);
  return where(all(m, ax, keepdims), nan, min(where(m, inf, x), ax, keepdims));
}
Array nanmean(const Array& x, AxisSpec axis, bool keepdims) {
  if (!is_floating(x.dtype())) return mean(x, std::move(axis), keepdims);
  if (is_half(x.dtype())) return nanmean(x.astype(float32), std::move(axis), keepdims).astype(x.dtype());
  Ints ax = axis.resolve("nanmean", x.ndim());
  Array count = sum(!isnan(x), ax, keepdims).astype(x.dtype());
  return nansum(x, ax, keepdims) / count;  // all NaN: 0/0 = nan
}
Array nanvar(const Array& x, AxisSpec axis, bool keepdims, int ddof) {
  if (!is_floating(x.dtype())) return var(x, std::move(axis), keepdims, ddof);
  if (is_half(x.dtype())) return nanvar(x.astype(float32), std::move(axis), keepdims, ddof).astype(x.dtype());
  Ints ax = axis.resolve("nanvar", x.ndim());
  Array valid = !isnan(x);
  Array count = sum(valid, ax, keepdims).astype(x.dtype());
  Array centered = where(valid, x - nanmean(x, ax, true), 0.0);
  return sum(square(centered), ax, keepdims) / maximum(count - static_cast<double>(ddof), 0.0);
}
Array nanstd(const Array& x, AxisSpec axis, bool keepdims, int ddof) {
  return sqrt(nanvar(x, std::move(axis), keepdims, ddof));
}

Array nanargmax(const Array& x, std::optional<int> axis, bool keepdims) {
  if (!is_floating(x.dtype())) return argmax(x, axis, keepdims);
  Array m = isnan(x);
  Array all_nan = axis ? all(m, *axis, keepdims) : all(m);
  if (!axis && keepdims) all_nan = reshape(all_nan, Shape(static_cast<std::size_t>(x.ndim()), 1));
  Array i = argmax(where(m, -inf, x), axis, keepdims);
  return where(all_nan, -1, i);
}
Array nanargmin(const Array& x, std::optional<int> axis, bool keepdims) {
  if (!is_floating(x.dtype())) return argmin(x, axis, keepdims);
  Array m = isnan(x);
  Array all_nan = axis ? all(m, *axis, keepdims) : all(m);
  if (!axis && keepdims) all_nan = reshape(all_nan, Shape(static_cast<std::size_t>(x.ndim()), 1));
  Array i = argmin(where(m, inf, x), axis, keepdims);
  return where(all_nan, -1, i);
}
Array nancumsum(const Array& x, std::optional<int> axis) {
  return cumsum(is_floating(x.dtype()) ? where(isnan(x), 0.0, x) : x, axis);
}
Array nancumprod(const Array& x, std::optional<int> axis) {
  return cumprod(is_floating(x.dtype()) ? where(isnan(x), 1.0, x) : x, axis);
}

}  // namespace xjax
