// Window primitives (slice, pad, concatenate, rev) with all their rules, and the numpy-style
// slicing, padding, joining, splitting and flipping wrappers.
#include <algorithm>
#include <cstdint>

#include "kernels/copy.hpp"
#include "primitives/shape.hpp"
#include "trace/lowering.hpp"

namespace xjax {
namespace {

using kernels::CopyDim;

std::int64_t checked_add(const char* op, std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) throw ShapeError(op, "extent overflows");
  return r;
}
std::int64_t checked_mul(const char* op, std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw ShapeError(op, "extent overflows");
  return r;
}

std::int64_t slice_extent(std::int64_t start, std::int64_t limit, std::int64_t stride) {
  return limit <= start ? 0 : (limit - start - 1) / stride + 1;
}

const Primitive& slice_p = []() -> const Primitive& {
  Primitive p{.name = "slice", .arity = 1, .shape = [](const Avals& in, const Params& params) -> Avals {
                const ShapedArray& x = in[0];
                const Ints &start = params.get_ints("start_indices"), &limit = params.get_ints("limit_indices"),
                           &strides = params.get_ints("strides");
                auto n = static_cast<std::size_t>(x.ndim());
                if (start.size() != n || limit.size() != n || strides.size() != n)
                  throw ShapeError("slice", "start_indices ", shape_str(start), ", limit_indices ", shape_str(limit),
                                   " and strides ", shape_str(strides), " need one entry per axis of ", x);
                Shape s;
                for (std::size_t i = 0; i < n; ++i) {
                  if (start[i] < 0 || start[i] > limit[i] || limit[i] > x.shape[i])
                    throw IndexError("slice", "window [", start[i], ", ", limit[i], ") out of range for axis ", i, " of ", x);
                  if (strides[i] < 1) throw ValueError("slice", "strides must be positive, got ", shape_str(strides));
                  s.push_back(slice_extent(start[i], limit[i], strides[i]));
                }
                return {ShapedArray{s, x.dtype, x.weak_type}};
              }};
  p.eval = [](const Arrays& in, const Params& params, const Avals& out) -> Arrays {
    const Ints &start = params.get_ints("start_indices"), &strides = params.get_ints("strides");
    Ints xs = kernels::row_major_strides(in[0].shape()), os = kernels::row_major_strides(out[0].shape);
    std::int64_t offset = 0;
    bool contiguous = true;  // the window is one run of the buffer: a view suffices
    std::vector<CopyDim> dims;
    for (std::size_t i = 0; i < start.size(); ++i) {
      offset += start[i] * xs[i];
      // With one pick or none the stride never applies (and may be huge enough to overflow).
      std::int64_t step = out[0].shape[i] <= 1 ? 0 : xs[i] * strides[i];
      dims.push_back({out[0].shape[i], step, os[i]});
      contiguous = contiguous && (out[0].shape[i] == 1 || step == os[i]);
    }
    if (out[0].size() == 0) return {view_as(in[0], out[0])};
    if (contiguous) return {view_as(in[0], out[0], offset)};
    NewBuffer o = new_buffer(out[0]);
    std::size_t item = itemsize(out[0].dtype);
    kernels::strided_copy(std::move(dims), item, buffer_of(in[0]).data() + offset * static_cast<std::int64_t>(item), o.data);
    return {o.array};
  };
  p.jvp = [](const Arrays&, const Tangents& t, const Arrays& out, const Params& params) -> Tangents {
    if (!differentiable(out[0].aval())) return {std::nullopt};
    return {lax::slice(*t[0], params.get_ints("start_indices"), params.get_ints("limit_indices"), params.get_ints("strides"))};
  };
  // Zeros around the window and between strided picks.
  p.transpose = [](const Tangents& ct, const LinearArgs& a, const Params& params) -> Tangents {
    if (!ct[0]) return {std::nullopt};
    const Ints &start = params.get_ints("start_indices"), &strides = params.get_ints("strides");
    const Shape& xs = a[0].aval.shape;
    Ints lo = start, hi, interior;
    for (std::size_t i = 0; i < start.size(); ++i) {
      std::int64_t n = ct[0]->shape()[i];
      hi.push_back(xs[i] - start[i] - (n == 0 ? 0 : (n - 1) * strides[i] + 1));
      interior.push_back(strides[i] - 1);
    }
    return {lax::pad(*ct[0], zeros({}, ct[0]->dtype()), lo, hi, interior)};
  };
  p.batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params) {
    int b = *d[0];
    Ints start = params.get_ints("start_indices"), limit = params.get_ints("limit_indices"), strides = params.get_ints("strides");
    start.insert(start.begin() + b, 0);
    limit.insert(limit.begin() + b, v[0].shape()[static_cast<std::size_t>(b)]);
    strides.insert(strides.begin() + b, 1);
    return std::pair{Arrays{lax::slice(v[0], start, limit, strides)}, BatchDims{b}};
  };
  p.lower = [](lowering::Builder& b, const lowering::Values& in, const Equation& e) -> lowering::Values {
    const Ints &start = e.params.get_ints("start_indices"), &step = e.params.get_ints("strides");
    Ints xs = lowering::strides_of(in[0].aval.shape), strides;
    std::int64_t offset = 0;
    for (std::size_t d = 0; d < xs.size(); ++d) {
      offset += start[d] * xs[d];
      strides.push_back(xs[d] * (step.empty() ? 1 : step[d]));
    }
    return {b.gather(in, lowering::strided_index(e.outputs[0]->aval.shape, strides, offset), e.outputs[0]->aval)};
  };
  return def_primitive(std::move(p));
}();

// pad(operand, padding_value): per axis, padding_lo/padding_hi elements before/after (negative:
// cropped) and padding_interior elements between neighbours.
const Primitive& pad_p = []() -> const Primitive& {
  Primitive p{.name = "pad", .arity = 2, .shape = [](const Avals& in, const Params& params) -> Avals {
                const ShapedArray &x = in[0], &v = in[1];
                if (v.ndim() != 0) throw ShapeError("pad", "padding value must be 0-d, got ", v);
                if (v.dtype != x.dtype) throw DTypeError("pad", "padding value ", v, " does not match operand ", x);
                const Ints &lo = params.get_ints("padding_lo"), &hi = params.get_ints("padding_hi"),
                           &interior = params.get_ints("padding_interior");
                auto n = static_cast<std::size_t>(x.ndim());
                if (lo.size() != n || hi.size() != n || interior.size() != n)
                  throw ShapeError("pad", "padding_lo ", shape_str(lo), ", padding_hi ", shape_str(hi), " and padding_interior ",
                                   shape_str(interior), " need one entry per axis of ", x);
                Shape s;
                for (std::size_t i = 0; i < n; ++i) {
                  if (interior[i] < 0 || interior[i] == INT64_MAX)
                    throw ValueError("pad", "interior padding must be >= 0, got ", shape_str(interior));
                  if (lo[i] == INT64_MIN || hi[i] == INT64_MIN) throw ValueError("pad", "padding out of range");
                  std::int64_t e = x.shape[i] == 0 ? 0 : checked_add("pad", x.shape[i], checked_mul("pad", x.shape[i] - 1, interior[i]));
                  e = checked_add("pad", checked_add("pad", e, lo[i]), hi[i]);
                  if (e < 0)
                    throw ShapeError("pad", "padding (", lo[i], ", ", hi[i], ", ", interior[i], ") of axis ", i, " of ", x,
                                     " leaves a negative extent");
                  s.push_back(e);
                }
                shape_size(s);
                return {ShapedArray{s, x.dtype, x.weak_type}};
              }};
  p.eval = [](const Arrays& in, const Params& params, const Avals& out) -> Arrays {
    const Ints &lo = params.get_ints("padding_lo"), &interior = params.get_ints("padding_interior");
    std::size_t item = itemsize(out[0].dtype);
    NewBuffer o = new_buffer(out[0]);
    kernels::fill(o.data, out[0].size(), buffer_of(in[1]).data(), item);
    // Operand element i lands at lo + i * (interior + 1); keep those inside the result.
    Ints xs = kernels::row_major_strides(in[0].shape()), os = kernels::row_major_strides(out[0].shape);
    std::int64_t src_off = 0, dst_off = 0;
    std::vector<CopyDim> dims;
    for (std::size_t i = 0; i < lo.size(); ++i) {
      std::int64_t step = interior[i] + 1, n = in[0].shape()[i];
      // 128-bit: huge cropping amounts must not overflow; the results fit in [0, n].
      __int128 last_pos = static_cast<__int128>(out[0].shape[i]) - 1 - lo[i];
      auto first = static_cast<std::int64_t>(lo[i] >= 0 ? 0 : (-static_cast<__int128>(lo[i]) + step - 1) / step);
      auto end = static_cast<std::int64_t>(last_pos < 0 ? 0 : std::min<__int128>(n, last_pos / step + 1));
      std::int64_t count = std::max<std::int64_t>(0, end - first);
      if (count == 0) return {o.array};
      src_off += first * xs[i];
      dst_off += (lo[i] + first * step) * os[i];
      dims.push_back({count, xs[i], os[i] * step});
    }
    auto bytes = static_cast<std::int64_t>(item);
    kernels::strided_copy(std::move(dims), item, buffer_of(in[0]).data() + src_off * bytes, o.data + dst_off * bytes);
    return {o.array};
  };
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays& out, const Params& params) -> Tangents {
    if (!differentiable(out[0].aval())) return {std::nullopt};
    return {lax::pad(instantiate(t[0], x[0].aval()), instantiate(t[1], x[1].aval()), params.get_ints("padding_lo"),
                     params.get_ints("padding_hi"), params.get_ints("padding_interior"))};
  };
  // Operand: undo the edges (a pad by -lo, -hi restores cropped parts as zeros), then pick every
  // (interior + 1)-th element. Padding value: everything that did not come from the operand.
  p.transpose = [](const Tangents& ct, const LinearArgs& a, const Params& params) -> Tangents {
    if (!ct[0]) return {std::nullopt, std::nullopt};
    const Ints &lo = params.get_ints("padding_lo"), &hi = params.get_ints("padding_hi"),
               &interior = params.get_ints("padding_interior");
    Ints neg_lo, neg_hi, zero(lo.size(), 0), step;
    for (std::size_t i = 0; i < lo.size(); ++i) {
      neg_lo.push_back(-lo[i]);
      neg_hi.push_back(-hi[i]);
      step.push_back(interior[i] + 1);
    }
    Array unpadded = lax::pad(*ct[0], zeros({}, ct[0]->dtype()), neg_lo, neg_hi, zero);
    Array t_operand = lax::slice(unpadded, zero, unpadded.shape(), step);
    Tangent t_value;
    if (a[1].is_linear()) t_value = (sum(*ct[0]) - sum(t_operand)).astype(a[1].aval.dtype);
    return {a[0].is_linear() ? Tangent(t_operand) : std::nullopt, t_value};
  };
  // A batched padding value: pad with zeros, then select the value where nothing came from the operand.
  p.batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params) {
    Ints lo = params.get_ints("padding_lo"), hi = params.get_ints("padding_hi"), interior = params.get_ints("padding_interior");
    if (!d[1]) {
      int b = *d[0];
      lo.insert(lo.begin() + b, 0);
      hi.insert(hi.begin() + b, 0);
      interior.insert(interior.begin() + b, 0);
      return std::pair{Arrays{lax::pad(v[0], v[1], lo, hi, interior)}, BatchDims{b}};
    }
    std::int64_t n = batch_size(v, d);
    Array x = move_batch_axis(v[0], d[0], 0, n);
    Shape example(x.shape().begin() + 1, x.shape().end());
    Array mask = lax::pad(ones(example, bool_), zeros({}, bool_), lo, hi, interior);
    lo.insert(lo.begin(), 0);
    hi.insert(hi.begin(), 0);
    interior.insert(interior.begin(), 0);
    Array padded = lax::pad(x, zeros({}, x.dtype()), lo, hi, interior);
    Shape vs(padded.shape().size(), 1);
    vs[0] = n;
    Array value = lax::reshape(v[1], vs);
    return std::pair{Arrays{where(mask, padded, value)}, BatchDims{0}};
  };
  return def_primitive(std::move(p));
}();

const Primitive& rev_p = []() -> const Primitive& {
  Primitive p{.name = "rev", .arity = 1, .shape = [](const Avals& in, const Params& params) -> Avals {
                check_dimensions("rev", "dimensions", params.get_ints("dimensions"), in[0]);
                return {in[0]};
              }};
  p.eval = [](const Arrays& in, const Params& params, const Avals& out) -> Arrays {
    Ints xs = kernels::row_major_strides(in[0].shape());
    std::vector<CopyDim> dims;
    for (std::size_t i = 0; i < xs.size(); ++i) dims.push_back({in[0].shape()[i], xs[i], xs[i]});
    std::int64_t offset = 0;
    bool moves = false;
    for (std::int64_t a : params.get_ints("dimensions")) {
      CopyDim& c = dims[static_cast<std::size_t>(a)];
      offset += (c.size - 1) * c.src_stride;
      c.src_stride = -c.src_stride;
      moves = moves || c.size > 1;
    }
    if (!moves || out[0].size() == 0) return {view_as(in[0], out[0])};
    NewBuffer o = new_buffer(out[0]);
    std::size_t item = itemsize(out[0].dtype);
    kernels::strided_copy(std::move(dims), item, buffer_of(in[0]).data() + offset * static_cast<std::int64_t>(item), o.data);
    return {o.array};
  };
  p.jvp = [](const Arrays&, const Tangents& t, const Arrays& out, const Params& params) -> Tangents {
    if (!differentiable(out[0].aval())) return {std::nullopt};
    return {lax::rev(*t[0], params.get_ints("dimensions"))};
  };
  p.transpose = [](const Tangents& ct, const LinearArgs&, const Params& params) -> Tangents {
    if (!ct[0]) return {std::nullopt};
    return {lax::rev(*ct[0], params.get_ints("dimensions"))};
  };
  p.batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params) {
    int b = *d[0];
    Ints dims;
    for (std::int64_t a : params.get_ints("dimensions")) dims.push_back(a >= b ? a + 1 : a);
    return std::pair{Arrays{lax::rev(v[0], dims)}, BatchDims{b}};
  };
  p.lower = [](lowering::Builder& b, const lowering::Values& in, const Equation& e) -> lowering::Values {
    const Shape& shape = in[0].aval.shape;
    Ints strides = lowering::strides_of(shape);
    std::int64_t offset = 0;
    for (std::int64_t a : e.params.get_ints("dimensions")) {
      std::size_t d = static_cast<std::size_t>(a);
      offset += (shape[d] - 1) * strides[d];
      strides[d] = -strides[d];
    }
    return {b.gather(in, lowering::strided_index(shape, strides, offset), e.outputs[0]->aval)};
  };
  return def_primitive(std::move(p));
}();

const Primitive& concatenate_p = []() -> const Primitive& {
  Primitive p{.name = "concatenate", .shape = [](const Avals& in, const Params& params) -> Avals {
                if (in.empty()) throw ValueError("concatenate", "needs at least one operand");
                std::int64_t dim = params.get_int("dimension");
                const ShapedArray& first = in[0];
                if (first.ndim() == 0) throw ShapeError("concatenate", "cannot concatenate 0-d operands, got ", first);
                if (dim < 0 || dim >= first.ndim()) throw IndexError("concatenate", "dimension ", dim, " out of range for ", first);
                ShapedArray r = first;
                r.shape[static_cast<std::size_t>(dim)] = 0;
                for (const ShapedArray& a : in) {
                  if (a.dtype != first.dtype) throw DTypeError("concatenate", "operands must share a dtype, got ", first, " and ", a);
                  bool same = a.ndim() == first.ndim();
                  for (int i = 0; same && i < a.ndim(); ++i)
                    same = i == dim || a.shape[static_cast<std::size_t>(i)] == first.shape[static_cast<std::size_t>(i)];
                  if (!same)
                    throw ShapeError("concatenate", "operands ", first, " and ", a, " differ outside dimension ", dim);
                  auto& e = r.shape[static_cast<std::size_t>(dim)];
                  e = checked_add("concatenate", e, a.shape[static_cast<std::size_t>(dim)]);
                  r.weak_type = r.weak_type && a.weak_type;
                }
                shape_size(r.shape);
                return {r};
              }};
  p.eval = [](const Arrays& in, const Params& params, const Avals& out) -> Arrays {
    if (in.size() == 1) return {view_as(in[0], out[0])};
    auto dim = static_cast<std::size_t>(params.get_int("dimension"));
    Ints os = kernels::row_major_strides(out[0].shape);
    std::size_t item = itemsize(out[0].dtype);
    NewBuffer o = new_buffer(out[0]);
    std::int64_t at = 0;
    for (const Array& x : in) {
      Ints xs = kernels::row_major_strides(x.shape());
      std::vector<CopyDim> dims;
      for (std::size_t i = 0; i < xs.size(); ++i) dims.push_back({x.shape()[i], xs[i], os[i]});
      kernels::strided_copy(std::move(dims), item, buffer_of(x).data(), o.data + at * os[dim] * static_cast<std::int64_t>(item));
      at += x.shape()[dim];
    }
    return {o.array};
  };
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays& out, const Params& params) -> Tangents {
    if (!differentiable(out[0].aval())) return {std::nullopt};
    Arrays ts;
    for (std::size_t i = 0; i < x.size(); ++i) ts.push_back(instantiate(t[i], x[i].aval()));
    return {lax::concatenate(ts, static_cast<int>(params.get_int("dimension")))};
  };
  p.transpose = [](const Tangents& ct, const LinearArgs& a, const Params& params) -> Tangents {
    Tangents out(a.size());
    if (!ct[0]) return out;
    auto dim = static_cast<std::size_t>(params.get_int("dimension"));
    Ints start(ct[0]->shape().size(), 0), strides(start.size(), 1);
    Shape limit = ct[0]->shape();
    std::int64_t at = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      std::int64_t e = a[i].aval.shape[dim];
      start[dim] = at;
      limit[dim] = at + e;
      if (a[i].is_linear()) out[i] = lax::slice(*ct[0], start, limit, strides);
      at += e;
    }
    return out;
  };
  // All operands get the batch axis of the first mapped one (unmapped ones are broadcast).
  p.batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params) {
    std::int64_t n = batch_size(v, d);
    int b = 0;
    for (const BatchDim& x : d)
      if (x) {
        b = *x;
        break;
      }
    for (std::size_t i = 1; i < v.size(); ++i)  // per example, the operands' ranks must agree
      if (v[i].ndim() - (d[i] ? 1 : 0) != v[0].ndim() - (d[0] ? 1 : 0))
        throw ShapeError("concatenate", "operands of different ranks under vmap: ", v[0].aval(), " and ", v[i].aval());
    Arrays moved;
    for (std::size_t i = 0; i < v.size(); ++i) moved.push_back(move_batch_axis(v[i], d[i], b, n));
    std::int64_t dim = params.get_int("dimension");
    return std::pair{Arrays{lax::concatenate(moved, static_cast<int>(dim >= b ? dim + 1 : dim))}, BatchDims{b}};
  };
  // Element by element: which operand along `dimension`, and where in it (operands laid end to end).
  p.lower = [](lowering::Builder& b, const lowering::Values& in, const Equation& e) -> lowering::Values {
    const ShapedArray& out = e.outputs[0]->aval;
    std::size_t dim = static_cast<std::size_t>(e.params.get_int("dimension"));
    Ints index = lowering::strided_index(out.shape, lowering::strides_of(out.shape));  // 0, 1, 2, ...
    Ints out_strides = lowering::strides_of(out.shape);
    for (std::int64_t& at : index) {
      std::int64_t rest = at, along = (at / out_strides[dim]) % out.shape[dim], base = 0;
      std::size_t k = 0;
      for (; along >= in[k].aval.shape[dim]; ++k) {
        along -= in[k].aval.shape[dim];
        base += in[k].aval.size();
      }
      const Shape& s = in[k].aval.shape;
      Ints ks = lowering::strides_of(s);
      std::int64_t local = 0;
      for (std::size_t d = 0; d < s.size(); ++d) {
        std::int64_t c = (rest / out_strides[d]) % out.shape[d];
        local += (d == dim ? along : c) * ks[d];
      }
      at = base + local;
    }
    return {b.gather(in, index, out)};
  };
  return def_primitive(std::move(p));
}();

}  // namespace

Array lax::slice(const Array& x, const Ints& start, const Ints& limit, const Ints& strides) {
  bool whole = x.ndim() == static_cast<int>(start.size()) && strides.size() == start.size() && limit == x.shape();
  for (std::size_t i = 0; whole && i < start.size(); ++i) whole = start[i] == 0 && (strides[i] == 1 || x.shape()[i] <= 1);
  if (whole) return x;
  return bind1(slice_p, {x}, {{"start_indices", start}, {"limit_indices", limit}, {"strides", strides}});
}
Array lax::pad(const Array& x, const Array& value, const Ints& lo, const Ints& hi, const Ints& interior) {
  return bind1(pad_p, {x, value}, {{"padding_lo", lo}, {"padding_hi", hi}, {"padding_interior", interior}});
}
Array lax::rev(const Array& x, const Ints& dimensions) {
  if (dimensions.empty()) return x;
  return bind1(rev_p, {x}, {{"dimensions", dimensions}});
}
Array lax::concatenate(const Arrays& xs, int dimension) {
  if (xs.size() == 1 && xs[0].ndim() > dimension && dimension >= 0) return xs[0];
  return bind1(concatenate_p, xs, {{"dimension", std::int64_t{dimension}}});
}

// ---- numpy-style wrappers ----

// Python slicing on each axis: indices clamp, negative ones count from the end, a negative step
// walks backwards (a forward slice over the same elements, then rev).
Array slice(const Array& x, const Ints& start, const Ints& stop, const Ints& step) {
  auto nd = static_cast<std::size_t>(x.ndim());
  if (start.size() != nd || stop.size() != nd || (!step.empty() && step.size() != nd))
    throw ValueError("slice", "start ", shape_str(start), ", stop ", shape_str(stop), " and step ", shape_str(step),
                     " need one entry per axis of ", x.aval());
  Ints lo, hi, strides, reversed;
  for (std::size_t i = 0; i < nd; ++i) {
    std::int64_t n = x.shape()[i], st = step.empty() ? 1 : step[i];
    if (st == 0) throw ValueError("slice", "step cannot be zero");
    auto clamp = [&](std::int64_t v) {
      if (v < 0) v += n;
      return st > 0 ? std::clamp<std::int64_t>(v, 0, n) : std::clamp<std::int64_t>(v, -1, n - 1);
    };
    std::int64_t a = clamp(start[i]), b = clamp(stop[i]);
    if (st > 0) {
      std::int64_t count = slice_extent(a, b, st);
      lo.push_back(a);
      hi.push_back(count == 0 ? a : a + (count - 1) * st + 1);
      strides.push_back(st);
    } else {
      std::int64_t s = st == INT64_MIN ? INT64_MAX : -st;  // any step past the extent picks one element
      std::int64_t count = slice_extent(b, a, s);
      std::int64_t first = count == 0 ? 0 : a - (count - 1) * s;
      lo.push_back(first);
      hi.push_back(count == 0 ? 0 : a + 1);
      strides.push_back(s);
      reversed.push_back(static_cast<std::int64_t>(i));
    }
  }
  return lax::rev(lax::slice(x, lo, hi, strides), reversed);
}

Array slice_in_dim(const Array& x, std::int64_t start, std::int64_t stop, std::int64_t step, int axis) {
  int a = normalize_axis("slice_in_dim", axis, x.ndim());
  Ints lo(static_cast<std::size_t>(x.ndim()), 0), hi = x.shape(), st(lo.size(), 1);
  lo[static_cast<std::size_t>(a)] = start;
  hi[static_cast<std::size_t>(a)] = stop;
  st[static_cast<std::size_t>(a)] = step;
  return slice(x, lo, hi, st);
}

Array concatenate(const std::vector<Array>& xs, int axis) {
  if (xs.empty()) throw ValueError("concatenate", "needs at least one array");
  PromotedType t{xs[0].dtype(), xs[0].weak_type()};
  for (const Array& x : xs) {
    if (x.ndim() == 0) throw ValueError("concatenate", "zero-dimensional arrays cannot be concatenated, got ", x.aval());
    t = promote_types(t.dtype, t.weak_type, x.dtype(), x.weak_type());
  }
  int dim = normalize_axis("concatenate", axis, xs[0].ndim());
  Arrays converted;
  for (const Array& x : xs) converted.push_back(x.dtype() == t.dtype ? x : convert(x, t.dtype, x.weak_type() && t.weak_type));
  return lax::concatenate(converted, dim);
}

Array stack(const std::vector<Array>& xs, int axis) {
  if (xs.empty()) throw ValueError("stack", "needs at least one array");
  int a = normalize_axis("stack", axis, xs[0].ndim() + 1);
  Arrays expanded;
  for (const Array& x : xs) {
    if (x.shape() != xs[0].shape()) throw ShapeError("stack", "all arrays must have the same shape, got ", xs[0].aval(), " and ", x.aval());
    Shape s = x.shape();
    s.insert(s.begin() + a, 1);
    expanded.push_back(lax::reshape(x, s));
  }
  return concatenate(expanded, a);
}

std::vector<Array> split(const Array& x, std::int64_t sections, int axis) {
  int a = normalize_axis("split", axis, x.ndim());
  std::int64_t n = x.shape()[static_cast<std::size_t>(a)];
  if (sections <= 0) throw ValueError("split", "number of sections must be positive, got ", sections);
  if (n % sections != 0)
    throw ValueError("split", "axis ", a, " of ", x.aval(), " does not divide into ", sections, " equal sections");
  check_allocation("split", sections, sizeof(Array));  // a zero-size axis divides into any number
  Ints points;
  for (std::int64_t i = 1; i < sections; ++i) points.push_back(i * (n / sections));
  return split(x, points, a);
}

std::vector<Array> split(const Array& x, const Ints& indices, int axis) {
  int a = normalize_axis("split", axis, x.ndim());
  std::vector<Array> out;
  std::int64_t prev = 0;
  for (std::int64_t i : indices) {
    out.push_back(slice_in_dim(x, prev, i, 1, a));
    prev = i;
  }
  out.push_back(slice_in_dim(x, prev, x.shape()[static_cast<std::size_t>(a)], 1, a));
  return out;
}

Array pad(const Array& x, const std::vector<std::pair<std::int64_t, std::int64_t>>& widths, const Array& value) {
  auto nd = static_cast<std::size_t>(x.ndim());
  if (widths.size() != nd && widths.size() != 1)
    throw ValueError("pad", "needs one (before, after) pair per axis of ", x.aval(), " (or one for all), got ", widths.size());
  if (value.ndim() != 0) throw ShapeError("pad", "padding value must be 0-d, got ", value.aval());
  Ints lo, hi, interior(nd, 0);
  for (std::size_t i = 0; i < nd; ++i) {
    auto [before, after] = widths.size() == 1 ? widths[0] : widths[i];
    if (before < 0 || after < 0) throw ValueError("pad", "pad widths must be >= 0, got (", before, ", ", after, ")");
    lo.push_back(before);
    hi.push_back(after);
  }
  return lax::pad(x, value.dtype() == x.dtype() ? value : convert(value, x.dtype(), false), lo, hi, interior);
}

Array flip(const Array& x, AxisSpec axes) {
  return lax::rev(x, axes.resolve("flip", x.ndim()));
}

}  // namespace xjax
