// jax.numpy's value-sized functions (numpy_sets.hpp). Each has one traceable path that takes a static
// size (sort, cumsum, scatter-add and gathers); eagerly the size comes from the concrete values and the
// padded result of that path is cut to it, so eager, jit and vmap results agree.
#include <algorithm>
#include <cctype>

#include "primitives/common.hpp"
#include "trace/trace.hpp"
#include "xjax/numpy.hpp"
#include "xjax/numpy_sets.hpp"

namespace xjax {
namespace {

// The concrete value of an input that decides the result's size; a traced one cannot.
Array concrete_input(const char* op, const Array& x, const char* name) {
  try {
    return to_concrete(x, op);
  } catch (const ConcretizationError&) {
    throw ConcretizationError(op, "the size of the result depends on the values of ", name, " ", x.aval(),
                              ", which is traced (under jit, vmap or make_jaxpr): pass a static size, e.g. "
                              "SizeOptions{.size = n}");
  }
}
// x's concrete value when it has one (eagerly, or the primal under grad); nullopt when traced.
std::optional<Array> maybe_concrete(const char* op, const Array& x) {
  try {
    return to_concrete(x, op);
  } catch (const ConcretizationError&) {
    return std::nullopt;
  }
}
std::int64_t concrete_int(const char* op, const Array& n) { return to_concrete(n, op).astype(int64).item<std::int64_t>(); }

// Unsized calls take their size from concrete values: while this lives, ops on concrete arrays run
// now even inside an enclosing jit (its traced arguments are still staged), so the size is readable.
struct EagerUnlessSized {
  std::optional<EagerScope> scope;
  explicit EagerUnlessSized(const SizeOptions& opts) {
    if (!opts.size) scope.emplace();
  }
};

void check_size(const char* op, const SizeOptions& opts) {
  if (opts.size && *opts.size < 0) throw ValueError(op, "size must be non-negative, got ", *opts.size);
}
Array positions(std::int64_t n) { return iota(int32, {n}); }
Array scalar_as(double v, DType d) { return Array(v).astype(d); }
Array head(const Array& x, std::int64_t k) { return slice_in_dim(x, 0, k, 1, 0); }

// Positions (int32) of the first `size` true entries of the 1-d mask, padded with mask.size(): the
// k-th true entry is preceded by exactly the elements whose running count of trues is at most k.
Array first_true(const Array& mask, std::int64_t size) {
  if (size == 0) return zeros({0}, int32);
  Array running = cumsum(mask.astype(int32));
  Array per_count = at(zeros({size}, int32), running).add(1);  // running counts >= size are dropped
  return cumsum(per_count);
}
// The same padded with position 0 (JAX's nonzero padding): a gather with it repeats the first element.
Array first_true_or_zero(const Array& mask, std::int64_t size) {
  Array idx = first_true(mask, size);
  return where(idx == mask.size(), 0, idx);
}
// Entries at positions >= count are replaced by fill.
Array pad_after(const Array& x, const Array& count, const Array& fill) {
  Shape s(static_cast<std::size_t>(x.ndim()), 1);
  s[0] = x.shape()[0];
  Array valid = reshape(positions(x.shape()[0]) < count, s);
  return where(valid, x, fill.astype(x.dtype()));
}

// ---- unique ----
struct UniqueParts {
  Array values, indices, inverse, counts, num;
};
Array differ(const Array& a, const Array& b, bool equal_nan) {
  Array ne = a != b;
  if (equal_nan && is_floating(a.dtype())) ne = ne & !(isnan(a) & isnan(b));
  return ne;
}
// Unique slices along axis 0 of ar, `size` of them (padded with the first, i.e. smallest, one).
UniqueParts unique_sized(const char* op, const Array& ar, bool equal_nan, std::int64_t size,
                         std::optional<double> fill, bool want_counts) {
  std::int64_t n = ar.shape()[0];
  Shape rest(ar.shape().begin() + 1, ar.shape().end());
  Shape out_shape = rest;
  out_shape.insert(out_shape.begin(), size);
  if (n == 0) {
    if (size > 0 && !fill)
      throw ValueError(op, "an empty input ", ar.aval(), " with size ", size, " needs a fill_value");
    return {full(out_shape, fill.value_or(0), ar.dtype()), zeros({size}, int32), zeros({0}, int32),
            zeros({size}, int32), zeros({}, int32)};
  }
  // Stable lexicographic order of the slices: sort by the last column first.
  std::int64_t m = shape_size(rest);
  Array rows = reshape(ar, {n, m});
  Array perm = positions(n);
  for (std::int64_t j = m; j-- > 0;)
    perm = take(perm, argsort(take(squeeze(slice_in_dim(rows, j, j + 1, 1, 1), 1), perm)));
  Array aux = take(ar, perm, 0);
  Array step = differ(slice_in_dim(aux, 1, n, 1, 0), slice_in_dim(aux, 0, n - 1, 1, 0), equal_nan);
  if (step.ndim() > 1) {
    Ints inner;
    for (int d = 1; d < step.ndim(); ++d) inner.push_back(d);
    step = any(step, inner);
  }
  Array mask = concatenate({ones({1}, bool_), step});
  Array ind = first_true_or_zero(mask, size);
  UniqueParts r;
  r.num = sum(mask.astype(int32));
  r.values = take(aux, ind, 0);
  if (fill) r.values = pad_after(r.values, r.num, *fill);
  r.indices = take(perm, ind);
  r.inverse = at(zeros({n}, int32), perm).set(cumsum(mask.astype(int32)) - 1);
  if (want_counts) {
    Array starts = first_true(mask, size + 1);  // padded with n: counts 0 there
    r.counts = slice_in_dim(starts, 1, size + 1) - slice_in_dim(starts, 0, size);
  }
  return r;
}
// Sized, or eagerly cut to the concrete number of unique values.
// `input` is what the caller was given (for the message when it is traced).
UniqueParts unique_along0(const char* op, const Array& input, const Array& ar, bool equal_nan,
                          const SizeOptions& opts, bool want_counts) {
  check_size(op, opts);
  if (opts.size) return unique_sized(op, ar, equal_nan, *opts.size, opts.fill_value, want_counts);
  concrete_input(op, input, "x");
  UniqueParts r = unique_sized(op, ar, equal_nan, ar.shape()[0], std::nullopt, want_counts);
  std::int64_t k = concrete_int(op, r.num);
  r.values = head(r.values, k);
  r.indices = head(r.indices, k);
  if (want_counts) r.counts = head(r.counts, k);
  return r;
}
UniqueParts unique_flat(const char* op, const Array& x, const SizeOptions& opts, bool want_counts) {
  UniqueParts r = unique_along0(op, x, ravel(x), false, opts, want_counts);
  r.inverse = reshape(r.inverse, x.shape());
  return r;
}

// ---- helpers of the set operations ----
std::pair<Array, Array> flat_promoted(const Array& a, const Array& b) {
  DType d = promote_types(a.dtype(), a.weak_type(), b.dtype(), b.weak_type()).dtype;
  return {ravel(a).astype(d), ravel(b).astype(d)};
}
// x's unique values padded to x's length (with its smallest value), and which entries are real.
std::pair<Array, Array> unique_padded(const char* op, const Array& x) {
  std::int64_t n = x.shape()[0];
  if (n == 0) return {x, zeros({0}, bool_)};
  UniqueParts u = unique_sized(op, x, true, n, std::nullopt, false);
  return {u.values, positions(n) < u.num};
}
// The kept entries of `values` in order: `size` of them, or eagerly all. Padding: opts.fill_value,
// else default_fill(result, count).
template <class DefaultFill>
Array select_kept(const char* op, const Array& values, const Array& keep, const SizeOptions& opts,
                  DefaultFill default_fill) {
  std::int64_t n = values.shape()[0];
  std::int64_t size = opts.size.value_or(n);
  if (n == 0) return full({size}, opts.fill_value.value_or(0), values.dtype());
  Array out = take(values, first_true_or_zero(keep, size));
  Array num = sum(keep.astype(int32));
  if (!opts.size) return head(out, concrete_int(op, num));
  return pad_after(out, num, opts.fill_value ? scalar_as(*opts.fill_value, values.dtype()) : default_fill(out, num));
}
// The smallest kept value is the first one: results are sorted. 0 when nothing is kept, as JAX.
Array first_or_zero(const Array& out, const Array& num) {
  return where(num > 0, squeeze(head(out, 1), 0), zeros({}, out.dtype()));
}
void check_set_inputs(const char* op, const Array& a, const Array& b, const SizeOptions& opts) {
  check_size(op, opts);
  if (!opts.size) {
    concrete_input(op, a, "ar1");
    concrete_input(op, b, "ar2");
  }
}

// ---- compress ----
Array compress_impl(const char* op, const Array& condition, const Array& a, std::optional<int> axis,
                    const SizeOptions& opts) {
  check_size(op, opts);
  if (condition.ndim() != 1) throw ShapeError(op, "condition must be 1-d, got ", condition.aval());
  if (!opts.size) concrete_input(op, condition, "condition");
  int ax = axis ? normalize_axis(op, *axis, a.ndim()) : 0;
  Array arr = axis ? moveaxis(a, ax, 0) : ravel(a);
  Array cond = condition.astype(bool_);
  std::int64_t n = arr.shape()[0], len = cond.shape()[0];
  if (len > n) {
    // True entries past the axis are an error (NumPy's IndexError); only checkable on concrete values.
    Array extra = slice_in_dim(cond, n, len);
    std::optional<Array> seen = maybe_concrete(op, extra);
    if (seen && any(*seen).item<bool>())
      throw IndexError(op, "condition ", condition.aval(), " selects beyond the extent ", n, " of ", a.aval(),
                       axis ? " along the axis" : " flattened");
    cond = head(cond, n);
  } else if (len < n) {
    arr = head(arr, len);
  }
  Array count = sum(cond.astype(int32));
  std::int64_t size;
  if (opts.size) {
    size = *opts.size;
    if (size > arr.shape()[0])
      throw ValueError(op, "size ", size, " exceeds the extent ", arr.shape()[0], " of the selected axis of ", a.aval());
  } else {
    size = concrete_int(op, count);
  }
  // Selected slices first (stable), the others replaced by the fill value.
  Shape s(static_cast<std::size_t>(arr.ndim()), 1);
  s[0] = arr.shape()[0];
  Array filled = where(reshape(cond, s), arr, scalar_as(opts.fill_value.value_or(0), arr.dtype()));
  Array order = head(argsort((!cond).astype(int32)), size);
  return moveaxis(take(filled, order, 0), 0, ax);
}

}  // namespace

// ---- unique ----
Array unique(const Array& ar, std::optional<int> axis, bool equal_nan, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  if (!axis) return unique_along0("unique", ar, ravel(ar), equal_nan, opts, false).values;
  int ax = normalize_axis("unique", *axis, ar.ndim());
  return moveaxis(unique_along0("unique", ar, moveaxis(ar, ax, 0), equal_nan, opts, false).values, 0, ax);
}
UniqueAllResult unique_all(const Array& x, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  UniqueParts r = unique_flat("unique_all", x, opts, true);
  return {r.values, r.indices, r.inverse, r.counts};
}
UniqueCountsResult unique_counts(const Array& x, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  UniqueParts r = unique_flat("unique_counts", x, opts, true);
  return {r.values, r.counts};
}
UniqueInverseResult unique_inverse(const Array& x, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  UniqueParts r = unique_flat("unique_inverse", x, opts, false);
  return {r.values, r.inverse};
}
Array unique_values(const Array& x, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  return unique_flat("unique_values", x, opts, false).values;
}

// ---- nonzero ----
namespace {
std::vector<Array> nonzero_impl(const char* op, const Array& a, const SizeOptions& opts) {
  check_size(op, opts);
  if (a.ndim() == 0)
    throw ValueError(op, "needs at least 1 dimension, got ", a.aval(), ": use atleast_1d(x)");
  Array mask = ravel(a.dtype() == bool_ ? a : a != 0);
  Array count = sum(mask.astype(int32));
  std::int64_t size;
  if (opts.size) {
    size = *opts.size;
  } else {
    concrete_input(op, a, "x");
    size = concrete_int(op, count);
  }
  std::vector<Array> out;
  if (a.size() == 0) {
    for (int d = 0; d < a.ndim(); ++d) out.push_back(full({size}, opts.fill_value.value_or(0), int32));
    return out;
  }
  Array flat = first_true(mask, size);  // padded with a.size(), whose coordinates below are all 0
  std::int64_t stride = a.size();
  for (std::int64_t extent : a.shape()) {
    stride /= extent;
    Array coord = remainder(floor_divide(flat, static_cast<std::int64_t>(stride)), extent);
    if (opts.fill_value) coord = pad_after(coord, count, scalar_as(*opts.fill_value, int32));
    out.push_back(coord);
  }
  return out;
}
}  // namespace

std::vector<Array> nonzero(const Array& a, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  return nonzero_impl("nonzero", a, opts);
}
std::vector<Array> where(const Array& condition, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  return nonzero_impl("where", condition, opts);
}
Array flatnonzero(const Array& a, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  return nonzero_impl("flatnonzero", ravel(a), opts)[0];
}
Array argwhere(const Array& a, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  std::vector<Array> idx = nonzero_impl("argwhere", atleast_1d(a), opts);
  if (a.ndim() == 0) return reshape(head(idx[0], 0), {idx[0].shape()[0], 0});
  return stack(idx, 1);
}

// ---- bincount ----
Array bincount(const Array& x0, const std::optional<Array>& weights, std::int64_t minlength, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  const char* op = "bincount";
  check_size(op, opts);
  Array x = x0.dtype() == bool_ ? x0.astype(int32) : x0;
  if (!is_integer(x.dtype())) throw DTypeError(op, "x must be integers, got ", x0.aval());
  if (x.ndim() != 1) throw ShapeError(op, "x must be 1-d, got ", x0.aval());
  if (weights && weights->shape() != x.shape())
    throw ShapeError(op, "weights ", weights->aval(), " must have the shape of x ", x0.aval());
  if (minlength < 0) throw ValueError(op, "minlength must be non-negative, got ", minlength);
  if (opts.fill_value) throw ValueError(op, "takes no fill_value");
  if (!opts.size) concrete_input(op, x0, "x");
  std::optional<Array> concrete = maybe_concrete(op, x);
  // Negative values are an error when they can be seen (as NumPy); traced ones count in bin 0 (as JAX).
  if (concrete && x.size() > 0) {
    EagerScope now;  // a sized call inside jit may still read a concrete x
    if ((min(*concrete) < 0).item<bool>())
      throw ValueError(op, "x must be non-negative, got a negative value in ", x0.aval());
  }
  std::int64_t length;
  if (opts.size) length = *opts.size;
  else length = std::max(minlength, x.size() > 0 ? max(*concrete).astype(int64).item<std::int64_t>() + 1 : 0);
  Array w = weights ? (weights->dtype() == bool_ ? weights->astype(int32) : *weights) : ones(x.shape(), int32);
  return at(zeros({length}, w.dtype()), maximum(x, 0)).add(w);  // bins >= length are dropped
}

// ---- compress, extract ----
Array compress(const Array& condition, const Array& a, std::optional<int> axis, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  return compress_impl("compress", condition, a, axis, opts);
}
Array extract(const Array& condition, const Array& arr, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  return compress_impl("extract", ravel(condition), arr, std::nullopt, opts);
}

// ---- set operations ----
Array intersect1d(const Array& ar1, const Array& ar2, bool assume_unique, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  const char* op = "intersect1d";
  check_set_inputs(op, ar1, ar2, opts);
  auto [a, b] = flat_promoted(ar1, ar2);
  auto [u, valid] = assume_unique ? std::pair{sort(a), ones(a.shape(), bool_)} : unique_padded(op, a);
  return select_kept(op, u, valid & isin(u, b), opts, first_or_zero);
}
Array setdiff1d(const Array& ar1, const Array& ar2, bool assume_unique, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  const char* op = "setdiff1d";
  check_set_inputs(op, ar1, ar2, opts);
  auto [a, b] = flat_promoted(ar1, ar2);
  auto [u, valid] = assume_unique ? std::pair{a, ones(a.shape(), bool_)} : unique_padded(op, a);
  return select_kept(op, u, valid & isin(u, b, true), opts,
                     [](const Array& out, const Array&) { return zeros({}, out.dtype()); });
}
Array setxor1d(const Array& ar1, const Array& ar2, bool assume_unique, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  const char* op = "setxor1d";
  check_set_inputs(op, ar1, ar2, opts);
  auto [a, b] = flat_promoted(ar1, ar2);
  auto [u1, v1] = assume_unique ? std::pair{a, ones(a.shape(), bool_)} : unique_padded(op, a);
  auto [u2, v2] = assume_unique ? std::pair{b, ones(b.shape(), bool_)} : unique_padded(op, b);
  // Padding repeats a real member, so membership against the padded arrays is exact.
  Array values = concatenate({u1, u2});
  Array keep = concatenate({v1 & isin(u1, u2, true), v2 & isin(u2, u1, true)});
  Array order = argsort(values);
  return select_kept(op, take(values, order), take(keep, order), opts, first_or_zero);
}
Array union1d(const Array& ar1, const Array& ar2, SizeOptions opts) {
  EagerUnlessSized eager(opts);
  const char* op = "union1d";
  check_set_inputs(op, ar1, ar2, opts);
  auto [a, b] = flat_promoted(ar1, ar2);
  return unique_along0(op, ar1, concatenate({a, b}), true, opts, false).values;
}

// ---- trim_zeros ----
Array trim_zeros(const Array& filt, const std::string& trim) {
  const char* op = "trim_zeros";
  std::string t = trim;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t.find_first_not_of("fb") != std::string::npos)
    throw ValueError(op, "trim must contain only \"f\" and \"b\", got \"", trim, "\"");
  bool front = t.find('f') != std::string::npos, back = t.find('b') != std::string::npos;
  Array c = concrete_input(op, filt, "filt");
  EagerScope eager;  // reads c's values even inside an enclosing jit
  if (filt.ndim() == 0 || !(front || back)) return filt;
  Array nz = c != 0;
  Ints start(static_cast<std::size_t>(filt.ndim()), 0), stop(filt.shape());
  for (int d = 0; d < filt.ndim(); ++d) {
    Ints others;
    for (int k = 0; k < filt.ndim(); ++k)
      if (k != d) others.push_back(k);
    Array along = others.empty() ? nz : any(nz, others);
    const bool* p = along.data<bool>();
    std::int64_t n = filt.shape()[static_cast<std::size_t>(d)], lo = 0, hi = n;
    while (lo < n && !p[lo]) ++lo;
    if (lo == n) {  // all zero: empty along every axis, as NumPy
      start[static_cast<std::size_t>(d)] = stop[static_cast<std::size_t>(d)] = 0;
      continue;
    }
    while (hi > lo && !p[hi - 1]) --hi;
    if (front) start[static_cast<std::size_t>(d)] = lo;
    if (back) stop[static_cast<std::size_t>(d)] = hi;
  }
  return slice(filt, start, stop);
}

}  // namespace xjax
