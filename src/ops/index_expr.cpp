// NumPy index expressions on every axis: x(i, xj::all, xj::Slice(...), xj::newaxis, xj::ellipsis,
// idx, mask), x.index({...}) and x.at(...).set/add/...; lowered to slice/reshape/dynamic_slice and
// gather/scatter, so grad, vmap and jit apply unchanged.
#include <algorithm>
#include <limits>
#include <variant>

#include "primitives/indexing.hpp"
#include "primitives/shape.hpp"
#include "xjax/ops.hpp"

namespace xjax {
namespace {

// One axis of x with the newaxis axes inserted ("ext" axes).
struct AxisIndex {
  enum Kind : std::uint8_t { slice, integer, array, newaxis } kind = slice;
  std::int64_t lo = 0, count = 0, step = 1;  // slice: first element, element count, step
  std::int64_t i = 0;                        // integer: in [0, n)
  Array idx;                                 // array: integer indices (any rank; 0-d is a dynamic index)
};
AxisIndex make_axis(AxisIndex::Kind kind, std::int64_t i = 0, Array idx = {}) {
  AxisIndex a;
  a.kind = kind;
  a.i = i;
  a.count = kind == AxisIndex::newaxis ? 1 : 0;
  a.idx = std::move(idx);
  return a;
}

struct Expr {
  std::vector<AxisIndex> axes;  // one per ext axis
  Shape ext_shape;              // x's shape with 1s where newaxis stand
  bool advanced = false;        // an index array of rank >= 1: then integers count as advanced (numpy)
};

// Python's slice.indices(n): the first element, how many, and the step.
AxisIndex normalize_slice(const Slice& s, std::int64_t n) {
  std::int64_t step = s.step.value_or(1);
  if (step == 0) throw ValueError("index", "slice step cannot be zero");
  AxisIndex r = make_axis(AxisIndex::slice);
  r.step = step;
  auto clamp = [&](std::int64_t v, std::int64_t lo, std::int64_t hi) { return std::clamp(v < 0 ? v + n : v, lo, hi); };
  if (step > 0) {
    std::int64_t a = s.start ? clamp(*s.start, 0, n) : 0, b = s.stop ? clamp(*s.stop, 0, n) : n;
    r.lo = a;
    r.count = b > a ? (b - a) / step + ((b - a) % step != 0) : 0;
  } else {
    std::int64_t a = s.start ? clamp(*s.start, -1, n - 1) : n - 1, b = s.stop ? clamp(*s.stop, -1, n - 1) : -1;
    std::int64_t mag = step == std::numeric_limits<std::int64_t>::min() ? std::numeric_limits<std::int64_t>::max() : -step;
    r.lo = a;
    r.count = a > b ? (a - b) / mag + ((a - b) % mag != 0) : 0;
  }
  return r;
}

// A concrete boolean mask's nonzero coordinates, one int64 array per mask axis (row-major order).
// A 0-d mask gives one array: [0] when true, [] when false (numpy's x[True], x[False]).
Arrays mask_to_indices(const Array& mask) {
  Array c;
  try {
    c = to_concrete(mask, "index");
  } catch (const ConcretizationError&) {
    throw ConcretizationError("index", "a boolean mask index ", mask.aval(),
                              " needs a concrete value, but it is traced (under jit, vmap or make_jaxpr): the "
                              "result's size would depend on the data. Use xj::where(mask, x, y) instead.");
  }
  const auto* p = reinterpret_cast<const std::uint8_t*>(buffer_of(c).data());
  if (c.ndim() == 0) return {array(std::vector<std::int64_t>(p[0] ? 1 : 0, 0))};
  std::vector<std::vector<std::int64_t>> coords(static_cast<std::size_t>(c.ndim()));
  const Shape& s = c.shape();
  for (std::int64_t f = 0; f < c.size(); ++f) {
    if (!p[f]) continue;
    std::int64_t rest = f;
    for (std::size_t d = s.size(); d-- > 0;) {
      coords[d].push_back(rest % s[d]);
      rest /= s[d];
    }
  }
  Arrays out;
  for (const auto& v : coords) out.push_back(array(v));
  return out;
}

Expr parse(const Array& x, const std::vector<IndexItem>& items) {
  int consumed = 0, ellipses = 0;
  for (const IndexItem& it : items) {
    const IndexItem::Value& v = it.value();
    if (std::holds_alternative<Ellipsis>(v)) ++ellipses;
    else if (std::holds_alternative<NewAxis>(v)) continue;
    else if (const Array* a = std::get_if<Array>(&v)) {
      if (!a->defined()) throw ValueError("index", "use of an empty (default-constructed) Array as an index");
      if (a->dtype() == bool_) consumed += a->ndim();
      else if (is_integer(a->dtype())) ++consumed;
      else throw DTypeError("index", "index arrays must be integers or booleans, got ", a->aval());
    } else {
      ++consumed;
    }
  }
  if (ellipses > 1) throw IndexError("index", "an index can only have a single ellipsis, got ", ellipses);
  if (consumed > x.ndim())
    throw IndexError("index", "too many indices for ", x.aval(), ": ", x.ndim(), " axes, but ", consumed, " indexed");
  Expr e;
  int d = 0;
  auto full = [&] {
    e.axes.push_back(normalize_slice(Slice(), x.shape()[static_cast<std::size_t>(d)]));
    e.ext_shape.push_back(x.shape()[static_cast<std::size_t>(d++)]);
  };
  auto adv = [&](Array idx, std::int64_t n) {
    e.axes.push_back(make_axis(AxisIndex::array, 0, std::move(idx)));
    e.ext_shape.push_back(n);
  };
  for (const IndexItem& it : items) {
    const IndexItem::Value& v = it.value();
    std::int64_t n = d < x.ndim() ? x.shape()[static_cast<std::size_t>(d)] : 0;
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
      if (*i < -n || *i >= n) throw IndexError("index", "index ", *i, " is out of bounds for axis ", d, " of ", x.aval());
      e.axes.push_back(make_axis(AxisIndex::integer, *i < 0 ? *i + n : *i));
      e.ext_shape.push_back(n);
      ++d;
    } else if (const auto* s = std::get_if<Slice>(&v)) {
      e.axes.push_back(normalize_slice(*s, n));
      e.ext_shape.push_back(n);
      ++d;
    } else if (std::holds_alternative<All>(v)) {
      full();
    } else if (std::holds_alternative<NewAxis>(v)) {
      e.axes.push_back(make_axis(AxisIndex::newaxis));
      e.ext_shape.push_back(1);
    } else if (std::holds_alternative<Ellipsis>(v)) {
      for (int k = 0; k < x.ndim() - consumed; ++k) full();
    } else {
      const Array& a = std::get<Array>(v);
      if (a.dtype() != bool_) {
        e.advanced = e.advanced || a.ndim() > 0;
        adv(a, n);
        ++d;
      } else if (a.ndim() == 0) {  // numpy: x[True] is x[newaxis] indexed by [0], x[False] by []
        e.advanced = true;
        adv(mask_to_indices(a)[0], 1);
      } else {
        for (int k = 0; k < a.ndim(); ++k)
          if (a.shape()[static_cast<std::size_t>(k)] != x.shape()[static_cast<std::size_t>(d + k)])
            throw IndexError("index", "boolean index ", a.aval(), " does not match ", x.aval(), " at axis ", d + k);
        e.advanced = true;
        for (Array& ix : mask_to_indices(a)) adv(std::move(ix), x.shape()[static_cast<std::size_t>(d++)]);
      }
    }
  }
  while (d < x.ndim()) full();
  return e;
}

bool is_advanced(const Expr& e, const AxisIndex& a) {
  return a.kind == AxisIndex::array || (e.advanced && a.kind == AxisIndex::integer);
}

// The index array of an integer or array axis, as int64 with negatives counted from the end once.
Array axis_indices(const AxisIndex& a, std::int64_t n) {
  if (a.kind == AxisIndex::integer) return array(a.i);
  Array i = a.idx.astype(int64);
  return is_signed(a.idx.dtype()) ? where(i < 0, i + n, i) : i;
}

// Where the broadcast advanced block goes (numpy): in place when the advanced axes are adjacent,
// else first. Returns (advanced ext axes, their broadcast shape, the block's position among the
// kept axes).
struct Layout {
  std::vector<std::size_t> adv;
  Shape block;
  bool adjacent = true;
};
Layout layout(const Expr& e) {
  Layout l;
  for (std::size_t k = 0; k < e.axes.size(); ++k)
    if (is_advanced(e, e.axes[k])) {
      if (!l.adv.empty() && l.adv.back() + 1 != k) l.adjacent = false;
      l.adv.push_back(k);
    }
  for (std::size_t k : l.adv) {
    const AxisIndex& a = e.axes[k];
    Shape s = a.kind == AxisIndex::integer ? Shape{} : a.idx.shape();
    try {
      l.block = broadcast_shapes(l.block, s);
    } catch (const ShapeError&) {
      throw IndexError("index", "shape mismatch: index arrays cannot be broadcast together: ", shape_str(l.block),
                       " and ", shape_str(s));
    }
  }
  return l;
}

// C++ integers as 0-d index arrays: out of range, they then follow the index mode instead of raising.
std::vector<IndexItem> integers_as_arrays(const std::vector<IndexItem>& items) {
  std::vector<IndexItem> r;
  r.reserve(items.size());
  for (const IndexItem& item : items)
    if (const auto* i = std::get_if<std::int64_t>(&item.value())) r.emplace_back(array(*i));
    else r.push_back(item);
  return r;
}

Array read_expr(Array xe, const Expr& e);

Array read(const Array& x, const std::vector<IndexItem>& items) {
  Expr e = parse(x, items);
  return read_expr(e.ext_shape == x.shape() ? x : lax::reshape(x, e.ext_shape), e);
}

// IndexMode::fill: each index-array axis gets one more entry holding the fill value, and the
// out-of-range indices point at it; the clamped read then gives the fill value there.
Array read_filled(const Array& x, const std::vector<IndexItem>& items, std::optional<double> fill_value) {
  Expr e = parse(x, integers_as_arrays(items));
  Array xe = e.ext_shape == x.shape() ? x : lax::reshape(x, e.ext_shape);
  Array fill;
  if (fill_value) fill = astype(array(*fill_value), x.dtype());
  else if (x.dtype() == bool_) fill = array(true);
  else if (is_floating(x.dtype())) fill = astype(array(std::numeric_limits<double>::quiet_NaN()), x.dtype());
  else if (is_signed(x.dtype())) fill = x.dtype() == int32 ? array(std::numeric_limits<std::int32_t>::min())
                                                               : array(std::numeric_limits<std::int64_t>::min());
  else fill = array(std::numeric_limits<std::uint32_t>::max());
  for (std::size_t k = 0; k < e.axes.size(); ++k) {
    AxisIndex& a = e.axes[k];
    if (a.kind != AxisIndex::array) continue;
    std::int64_t n = e.ext_shape[k];
    Array i = axis_indices(a, n);
    a.idx = where((i >= 0) & (i < n), i, array(n));
    Shape slab = xe.shape();
    slab[k] = 1;
    xe = lax::concatenate({xe, full(slab, fill, x.dtype())}, static_cast<int>(k));
    e.ext_shape[k] = n + 1;
  }
  return read_expr(xe, e);
}

Array read_expr(Array xe, const Expr& e) {
  // Static slices (integers as one-element slices when basic); negative steps slice forward, then rev.
  Ints lo, hi, st, rev, drop, dyn_axes;
  for (std::size_t k = 0; k < e.axes.size(); ++k) {
    const AxisIndex& a = e.axes[k];
    std::int64_t n = e.ext_shape[k];
    if (a.kind == AxisIndex::slice) {
      std::int64_t first = a.step > 0 ? a.lo : a.lo + (a.count - 1) * a.step;
      std::int64_t mag = a.step > 0 ? a.step : (a.step == std::numeric_limits<std::int64_t>::min() ? n + 1 : -a.step);
      lo.push_back(a.count ? first : 0);
      hi.push_back(a.count ? first + (a.count - 1) * mag + 1 : 0);
      st.push_back(a.count ? mag : 1);
      if (a.step < 0 && a.count > 1) rev.push_back(static_cast<std::int64_t>(k));
      continue;
    }
    bool basic_int = a.kind == AxisIndex::integer && !e.advanced;
    lo.push_back(basic_int ? a.i : 0);
    hi.push_back(basic_int ? a.i + 1 : n);
    st.push_back(1);
    if (basic_int) drop.push_back(static_cast<std::int64_t>(k));
    if (a.kind == AxisIndex::array && !e.advanced) dyn_axes.push_back(static_cast<std::int64_t>(k));
  }
  Array xs = lax::rev(lax::slice(xe, lo, hi, st), rev);
  if (!e.advanced) {
    if (!dyn_axes.empty()) {  // 0-d (possibly traced) integers: a window of 1, start clamped as JAX
      Arrays start(e.axes.size(), array(std::int64_t{0}));
      Ints sizes = xs.shape();
      for (std::int64_t k : dyn_axes) {
        start[static_cast<std::size_t>(k)] = e.axes[static_cast<std::size_t>(k)].idx;
        sizes[static_cast<std::size_t>(k)] = 1;
        drop.push_back(k);
      }
      xs = dynamic_slice(xs, start, sizes);
      std::sort(drop.begin(), drop.end());
    }
    return drop.empty() ? xs : lax::squeeze(xs, drop);
  }
  // Advanced: make the advanced axes adjacent (first, if numpy puts the block first), merge them
  // into one axis, and gather along it with the clamped row-major linear index.
  Layout l = layout(e);
  for (std::size_t k : l.adv)
    if (xs.shape()[k] == 0 && shape_size(l.block) > 0)
      throw IndexError("index", "cannot index axis ", k, " of extent 0 of ", xe.aval());
  if (l.adv.size() == 1)
    return lax::gather(xs, clamp_indices(axis_indices(e.axes[l.adv[0]], xs.shape()[l.adv[0]]), xs.shape()[l.adv[0]]),
                       static_cast<int>(l.adv[0]));
  std::size_t p0 = l.adjacent ? l.adv[0] : 0;
  if (!l.adjacent) {
    Ints perm(l.adv.begin(), l.adv.end());
    for (std::size_t k = 0; k < e.axes.size(); ++k)
      if (!is_advanced(e, e.axes[k])) perm.push_back(static_cast<std::int64_t>(k));
    xs = lax::transpose(xs, perm);
  }
  Shape merged(xs.shape().begin(), xs.shape().begin() + static_cast<std::ptrdiff_t>(p0));
  std::int64_t block = 1;
  for (std::size_t k : l.adv) block *= e.ext_shape[k];
  merged.push_back(block);
  merged.insert(merged.end(), xs.shape().begin() + static_cast<std::ptrdiff_t>(p0 + l.adv.size()), xs.shape().end());
  Array linear = zeros(l.block, int64);
  std::int64_t stride = 1;
  for (std::size_t j = l.adv.size(); j-- > 0;) {
    std::int64_t n = e.ext_shape[l.adv[j]];
    linear = linear + clamp_indices(axis_indices(e.axes[l.adv[j]], n), n) * stride;
    stride *= n;
  }
  return lax::gather(lax::reshape(xs, merged), linear, static_cast<int>(p0));
}

using ScatterFn = Array (*)(const Array&, const Array&, const Array&, int);

// Every update scatters into x flattened: each ext axis contributes an index array shaped to
// broadcast over the indexed shape; an out-of-range entry maps to size(x), which scatter drops.
Array update(const char* op, ScatterFn scatter, const Array& x, const std::vector<IndexItem>& items, const Array& v,
             IndexMode mode) {
  Expr e = parse(x, integers_as_arrays(items));
  Layout l = layout(e);
  // The indexed shape: slice/newaxis axes in order, the block in place (or first).
  std::vector<std::size_t> out_pos(e.axes.size());
  Shape indexed;
  std::size_t block_pos = 0;
  bool placed = false;
  auto place_block = [&] {
    block_pos = indexed.size();
    indexed.insert(indexed.end(), l.block.begin(), l.block.end());
    placed = true;
  };
  if (!l.adjacent) place_block();
  for (std::size_t k = 0; k < e.axes.size(); ++k) {
    const AxisIndex& a = e.axes[k];
    if (a.kind == AxisIndex::slice || a.kind == AxisIndex::newaxis) {
      out_pos[k] = indexed.size();
      indexed.push_back(a.kind == AxisIndex::slice ? a.count : 1);
    } else if (!placed) {
      place_block();
    }
  }
  std::int64_t total = shape_size(e.ext_shape);
  Array linear = zeros(Shape(indexed.size(), 1), int64), valid = array(true);
  Ints strides(e.axes.size(), 1);
  for (std::size_t k = e.axes.size(); k-- > 1;) strides[k - 1] = strides[k] * e.ext_shape[k];
  for (std::size_t k = 0; k < e.axes.size(); ++k) {
    const AxisIndex& a = e.axes[k];
    if (a.kind == AxisIndex::newaxis || strides[k] == 0) continue;
    if (a.kind == AxisIndex::slice) {
      Shape s(indexed.size(), 1);
      s[out_pos[k]] = a.count;
      linear = linear + (iota(int64, s, static_cast<int>(out_pos[k])) * a.step + a.lo) * strides[k];
      continue;
    }
    Array i = axis_indices(a, e.ext_shape[k]);
    Shape s(indexed.size(), 1);  // the block's extents at its place, 1 elsewhere
    std::copy(l.block.begin(), l.block.end(), s.begin() + static_cast<std::ptrdiff_t>(block_pos));
    i = reshape(broadcast_to(i, l.block), s);
    if (mode == IndexMode::clip) i = clamp_indices(i, e.ext_shape[k]);
    linear = linear + i * strides[k];
    valid = valid & (i >= 0) & (i < e.ext_shape[k]);
  }
  linear = broadcast_to(where(valid, linear, total), indexed);
  bool fits = v.ndim() <= static_cast<int>(indexed.size());
  try {
    fits = fits && broadcast_shapes(v.shape(), indexed) == indexed;
  } catch (const ShapeError&) {
    fits = false;
  }
  if (!fits)
    throw ShapeError(op, "cannot broadcast the update ", v.aval(), " to the indexed shape ", shape_str(indexed),
                     " of ", x.aval());
  Array u = broadcast_to(convert(v, x.dtype(), false), indexed);
  return reshape(scatter(ravel(x), linear, u, 0), x.shape());
}

}  // namespace

Array Array::index(std::initializer_list<IndexItem> items) const { return read(*this, std::vector<IndexItem>(items)); }
Array Array::index(const std::vector<IndexItem>& items) const { return read(*this, items); }
AtIndices Array::at(std::initializer_list<IndexItem> items) const { return {*this, std::vector<IndexItem>(items)}; }
AtIndices Array::at(std::vector<IndexItem> items) const { return {*this, std::move(items)}; }

Array AtIndices::get(IndexMode mode, std::optional<double> fill_value) const {
  if (mode == IndexMode::fill || mode == IndexMode::drop) return read_filled(x_, items_, fill_value);
  if (fill_value) throw ValueError("at.get", "fill_value needs IndexMode::fill or IndexMode::drop");
  return mode == IndexMode::clip ? read(x_, integers_as_arrays(items_)) : read(x_, items_);
}
Array AtIndices::set(const Array& v, IndexMode mode) const { return update("at.set", lax::scatter, x_, items_, v, mode); }
Array AtIndices::add(const Array& v, IndexMode mode) const {
  return update("at.add", lax::scatter_add, x_, items_, v, mode);
}
Array AtIndices::multiply(const Array& v, IndexMode mode) const {
  return update("at.multiply", lax::scatter_mul, x_, items_, v, mode);
}
Array AtIndices::min(const Array& v, IndexMode mode) const {
  return update("at.min", lax::scatter_min, x_, items_, v, mode);
}
Array AtIndices::max(const Array& v, IndexMode mode) const {
  return update("at.max", lax::scatter_max, x_, items_, v, mode);
}
// As JAX: x / (ones scatter-multiplied by v), so duplicate indices divide by every update; v is cast
// to x's dtype first, and an integer x gives a float result (true division).
Array AtIndices::divide(const Array& v, IndexMode mode) const {
  if (x_.dtype() == bool_) throw DTypeError("at.divide", "cannot divide a bool array, got ", x_.aval());
  return x_ / update("at.divide", lax::scatter_mul, ones_like(x_), items_, v, mode);
}

}  // namespace xjax
