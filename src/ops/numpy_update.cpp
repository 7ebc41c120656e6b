// Functional forms of numpy's indexing helpers and in-place updates (choose, delete, insert, place,
// put, put_along_axis), numpy.block and lexsort, composed from public ops: each returns a new array.
#include <algorithm>
#include <numeric>
#include <string>

#include "primitives/common.hpp"
#include "primitives/indexing.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {
void check_mode(const char* op, const std::string& mode) {
  if (mode != "raise" && mode != "wrap" && mode != "clip")
    throw ValueError(op, "mode must be raise, wrap or clip, got \"", mode, "\"");
}
std::vector<std::int64_t> concrete_ints(const char* op, const Array& x) {
  if (x.is_tracer()) throw ConcretizationError(op, "needs concrete indices, got a traced ", x.aval());
  // Read directly: an astype here would be staged (and traced) under jit.
  std::vector<std::int64_t> v(static_cast<std::size_t>(x.size()));
  auto read = [&](const auto* p) { std::copy(p, p + v.size(), v.begin()); };
  switch (x.dtype()) {
    case int64: read(x.data<std::int64_t>()); break;
    case int32: read(x.data<std::int32_t>()); break;
    case uint32: read(x.data<std::uint32_t>()); break;
    case bool_: read(static_cast<const unsigned char*>(x.raw_data())); break;
    default: throw DTypeError(op, "indices must be integers or booleans, got ", x.aval());
  }
  return v;
}
// Integer indices into an extent n by numpy's mode; "raise" checks concrete indices (negative ones
// count from the end) and lets traced ones through clamped, as the rest of xjax's "raise" modes.
Array resolve_indices(const char* op, const Array& idx, std::int64_t n, const std::string& mode) {
  if (!is_integer(idx.dtype())) throw DTypeError(op, "indices must be integers, got ", idx.aval());
  if (mode == "wrap") return remainder(idx, n);
  if (mode == "clip") return clip(idx, 0, n - 1);
  if (!idx.is_tracer())
    for (std::int64_t i : concrete_ints(op, idx))
      if (i < -n || i >= n) throw IndexError(op, "index ", i, " is out of bounds for size ", n);
  return clip(where(idx < 0, idx + n, idx), 0, n - 1);
}
// arr flattened when axis is nullopt, with the axis it is worked on.
std::pair<Array, int> along(const char* op, const Array& arr, std::optional<int> axis) {
  if (!axis) return {ravel(arr), 0};
  return {arr, normalize_axis(op, *axis, arr.ndim())};
}
}  // namespace

Array choose(const Array& a, const std::vector<Array>& choices, const std::string& mode) {
  check_mode("choose", mode);
  if (choices.empty()) throw ValueError("choose", "needs at least one choice");
  auto n = static_cast<std::int64_t>(choices.size());
  Array idx = resolve_indices("choose", a, n, mode);
  std::vector<DTypeOperand> kinds(choices.begin(), choices.end());
  DType d = result_type(kinds);
  std::vector<Array> all_args;
  for (const Array& c : choices) all_args.push_back(c.astype(d));
  all_args.push_back(idx);
  std::vector<Array> b;
  try {
    b = broadcast_arrays(all_args);
  } catch (const ShapeError&) {
    throw ShapeError("choose", "the index ", a.aval(), " and the ", n, " choices do not broadcast together");
  }
  Array picked = expand_dims(b.back(), 0);
  b.pop_back();
  return squeeze(take_along_axis(stack(b), picked, 0), 0);
}

namespace {
Array delete_positions(const Array& arr, std::vector<std::int64_t> drop, std::optional<int> axis) {
  auto [x, ax] = along("delete", arr, axis);
  std::int64_t n = x.shape()[static_cast<std::size_t>(ax)];
  std::vector<bool> gone(static_cast<std::size_t>(n), false);
  for (std::int64_t i : drop) {
    if (i < -n || i >= n) throw IndexError("delete", "index ", i, " is out of bounds for axis ", ax, " of size ", n);
    gone[static_cast<std::size_t>(i < 0 ? i + n : i)] = true;
  }
  std::vector<std::int64_t> keep;
  for (std::int64_t i = 0; i < n; ++i)
    if (!gone[static_cast<std::size_t>(i)]) keep.push_back(i);
  return take(x, array(keep).astype(int32), ax);
}
}  // namespace

Array delete_(const Array& arr, std::int64_t obj, std::optional<int> axis) { return delete_positions(arr, {obj}, axis); }
Array delete_(const Array& arr, const Ints& obj, std::optional<int> axis) { return delete_positions(arr, obj, axis); }
Array delete_(const Array& arr, const Array& obj, std::optional<int> axis) {
  if (obj.dtype() == bool_) {
    auto [x, ax] = along("delete", arr, axis);
    std::int64_t n = x.shape()[static_cast<std::size_t>(ax)];
    if (obj.ndim() != 1 || obj.shape()[0] != n)
      throw ShapeError("delete", "a boolean mask must be 1-d of the axis' length ", n, ", got ", obj.aval());
    std::vector<std::int64_t> mask = concrete_ints("delete", obj), drop;
    for (std::int64_t i = 0; i < n; ++i)
      if (mask[static_cast<std::size_t>(i)]) drop.push_back(i);
    return delete_positions(x, drop, ax);
  }
  if (!is_integer(obj.dtype())) throw DTypeError("delete", "indices must be integers or booleans, got ", obj.aval());
  return delete_positions(arr, concrete_ints("delete", obj), axis);
}

namespace {
// The joined [x, new values] along ax, reordered by a static gather: out[j] = joined[order[j]].
Array insert_impl(const Array& arr, const std::vector<std::int64_t>& at, bool block, const Array& values,
                  std::optional<int> axis) {
  auto [x, ax] = along("insert", arr, axis);
  auto uax = static_cast<std::size_t>(ax);
  std::int64_t n = x.shape()[uax];
  std::vector<std::int64_t> pos;
  for (std::int64_t i : at) {
    if (i < -n || i > n) throw IndexError("insert", "index ", i, " is out of bounds for axis ", ax, " of size ", n);
    pos.push_back(i < 0 ? i + n : i);
  }
  Array v = values.astype(x.dtype());
  if (v.ndim() > x.ndim())
    throw ShapeError("insert", "values ", values.aval(), " have more dimensions than the array ", x.aval());
  Shape padded(static_cast<std::size_t>(x.ndim() - v.ndim()), 1);
  padded.insert(padded.end(), v.shape().begin(), v.shape().end());
  v = reshape(v, padded);
  std::int64_t count;
  if (block) {  // one index: a block of values (numpy moves the first axis of a 0-d obj's values to axis)
    v = moveaxis(v, 0, ax);
    count = v.shape()[uax];
  } else {
    count = static_cast<std::int64_t>(pos.size());
  }
  Shape target = x.shape();
  target[uax] = count;
  try {
    v = broadcast_to(v, target);
  } catch (const ShapeError&) {
    throw ShapeError("insert", "values ", values.aval(), " do not broadcast to ", shape_str(target));
  }
  // Each new value goes right before original entry pos; ties keep their given order (stable).
  std::vector<std::int64_t> new_at(static_cast<std::size_t>(count));
  for (std::int64_t k = 0; k < count; ++k) new_at[static_cast<std::size_t>(k)] = block ? pos[0] : pos[static_cast<std::size_t>(k)];
  std::vector<std::int64_t> by_pos(static_cast<std::size_t>(count));
  std::iota(by_pos.begin(), by_pos.end(), 0);
  std::stable_sort(by_pos.begin(), by_pos.end(), [&](std::int64_t l, std::int64_t r) {
    return new_at[static_cast<std::size_t>(l)] < new_at[static_cast<std::size_t>(r)];
  });
  std::vector<std::int64_t> order;
  std::size_t next = 0;
  for (std::int64_t i = 0; i <= n; ++i) {
    while (next < by_pos.size() && new_at[static_cast<std::size_t>(by_pos[next])] == i) order.push_back(n + by_pos[next++]);
    if (i < n) order.push_back(i);
  }
  return take(concatenate({x, v}, ax), array(order).astype(int32), ax);
}
}  // namespace

Array insert(const Array& arr, std::int64_t obj, const Array& values, std::optional<int> axis) {
  return insert_impl(arr, {obj}, true, values, axis);
}
Array insert(const Array& arr, const Ints& obj, const Array& values, std::optional<int> axis) {
  // numpy treats a single index in a list as a block too, without moving the values' axes.
  if (obj.size() == 1) {
    Array v = values;
    auto [x, ax] = along("insert", arr, axis);
    if (v.ndim() < x.ndim()) {  // leading 1s up to x's rank
      Shape s(static_cast<std::size_t>(x.ndim() - v.ndim()), 1);
      s.insert(s.end(), v.shape().begin(), v.shape().end());
      v = reshape(v, s);
    }
    return insert_impl(x, obj, true, moveaxis(v, ax, 0), ax);  // insert_impl moves axis 0 back to ax
  }
  return insert_impl(arr, obj, false, values, axis);
}

Array place(const Array& arr, const Array& mask, const Array& vals) {
  if (mask.shape() != arr.shape())
    throw ShapeError("place", "mask ", mask.aval(), " must have the shape of arr ", arr.aval());
  Array m = ravel(mask.astype(bool_));
  Array v = ravel(vals).astype(arr.dtype());
  if (v.size() == 0) {
    if (!m.is_tracer() && any(m).item<bool>()) throw ValueError("place", "cannot place from an empty vals into ", arr.aval());
    return arr;
  }
  Array k = remainder(cumsum(m.astype(int32)) - 1, v.size());  // the running count of true entries
  return reshape(where(m, take(v, clip(k, 0, v.size() - 1)), ravel(arr)), arr.shape());
}

Array put(const Array& a, const Array& ind, const Array& v, const std::string& mode) {
  check_mode("put", mode);
  if (a.size() == 0) throw IndexError("put", "cannot put into the empty ", a.aval());
  Array idx = resolve_indices("put", ravel(ind), a.size(), mode);
  Array vals = ravel(v).astype(a.dtype());
  if (idx.size() == 0) return a;
  if (vals.size() == 0) throw ValueError("put", "v is empty but ", idx.size(), " indices were given");
  vals = take(vals, remainder(iota(int32, {idx.size()}), vals.size()));  // v repeats to the indices' count
  return reshape(at(ravel(a), idx).set(vals), a.shape());
}

Array put_along_axis(const Array& arr, const Array& indices, const Array& values, int axis) {
  int ax = normalize_axis("put_along_axis", axis, arr.ndim());
  if (!is_integer(indices.dtype())) throw DTypeError("put_along_axis", "indices must be integers, got ", indices.aval());
  if (indices.ndim() != arr.ndim())
    throw ShapeError("put_along_axis", "indices ", indices.aval(), " must have as many dimensions as arr ", arr.aval());
  Shape s(indices.shape());
  for (int d = 0; d < arr.ndim(); ++d) {
    auto ud = static_cast<std::size_t>(d);
    if (d == ax) continue;
    if (s[ud] != arr.shape()[ud] && s[ud] != 1 && arr.shape()[ud] != 1)
      throw ShapeError("put_along_axis", "indices ", indices.aval(), " do not broadcast with arr ", arr.aval());
    s[ud] = std::max(s[ud], arr.shape()[ud]);
  }
  // One flat (row-major) position per index entry; out-of-range indices are dropped by the scatter.
  std::int64_t n = arr.shape()[static_cast<std::size_t>(ax)];
  Array idx = indices.astype(int64), flat = zeros(s, int64), bad = zeros(s, bool_);
  for (int d = 0; d < arr.ndim(); ++d) {
    Array coord = d == ax ? broadcast_to(where(idx < 0, idx + n, idx), s) : iota(int64, s, d);
    if (d == ax) bad = (coord < 0) | (coord >= n);
    flat = flat * arr.shape()[static_cast<std::size_t>(d)] + coord;
  }
  flat = where(bad, arr.size(), flat);
  Array v;
  try {
    v = broadcast_to(values.astype(arr.dtype()), s);
  } catch (const ShapeError&) {
    throw ShapeError("put_along_axis", "values ", values.aval(), " do not broadcast to ", shape_str(s));
  }
  return reshape(at(ravel(arr), ravel(flat)).set(ravel(v)), arr.shape());
}

namespace {
Array lift(const Array& a, int ndim) {
  Shape s(static_cast<std::size_t>(std::max(0, ndim - a.ndim())), 1);
  s.insert(s.end(), a.shape().begin(), a.shape().end());
  return reshape(a, s);
}
DType common_dtype(const std::vector<Array>& xs) {
  std::vector<DTypeOperand> ops(xs.begin(), xs.end());
  return result_type(ops);
}
Array join(const char* op, const std::vector<Array>& xs, int axis) {
  try {
    return concatenate(xs, axis);
  } catch (const ShapeError& e) {
    throw ShapeError(op, "blocks do not fit together: ", e.what());
  }
}
}  // namespace

Array block(const std::vector<Array>& arrays) {
  if (arrays.empty()) throw ValueError("block", "needs at least one array");
  int nd = 1;
  for (const Array& a : arrays) nd = std::max(nd, a.ndim());
  DType d = common_dtype(arrays);
  std::vector<Array> parts;
  for (const Array& a : arrays) parts.push_back(lift(a.astype(d), nd));
  return join("block", parts, nd - 1);
}
Array block(const std::vector<std::vector<Array>>& arrays) {
  if (arrays.empty()) throw ValueError("block", "needs at least one row");
  int nd = 2;
  std::vector<Array> flat;
  for (const auto& row : arrays) {
    if (row.empty()) throw ValueError("block", "rows must not be empty");
    for (const Array& a : row) {
      nd = std::max(nd, a.ndim());
      flat.push_back(a);
    }
  }
  DType d = common_dtype(flat);
  std::vector<Array> rows;
  for (const auto& row : arrays) {
    std::vector<Array> parts;
    for (const Array& a : row) parts.push_back(lift(a.astype(d), nd));
    rows.push_back(join("block", parts, nd - 1));
  }
  return join("block", rows, nd - 2);
}

Array lexsort(const std::vector<Array>& keys, int axis) {
  if (keys.empty()) throw ValueError("lexsort", "needs at least one key");
  for (const Array& k : keys)
    if (k.shape() != keys[0].shape())
      throw ShapeError("lexsort", "keys must share one shape, got ", keys[0].aval(), " and ", k.aval());
  if (keys[0].ndim() == 0) throw ShapeError("lexsort", "keys must have at least one dimension, got ", keys[0].aval());
  int ax = normalize_axis("lexsort", axis, keys[0].ndim());
  Arrays operands(keys.rbegin(), keys.rend());  // the last key is the primary one
  operands.push_back(iota(int32, keys[0].shape(), ax));
  return lax::sort(operands, ax, static_cast<int>(keys.size())).back();
}
Array lexsort(const Array& keys, int axis) {
  if (keys.ndim() < 1) throw ShapeError("lexsort", "keys must have at least one dimension, got ", keys.aval());
  return lexsort(unstack(keys, 0), axis);
}

}  // namespace xjax
