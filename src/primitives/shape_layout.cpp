// Layout primitives (reshape, squeeze, broadcast_in_dim, transpose) with all their rules, and the
// numpy-style reshaping, broadcasting and axis-permuting wrappers.
#include <algorithm>
#include <numeric>

#include "trace/rules.hpp"
#include "kernels/copy.hpp"
#include "primitives/shape.hpp"
#include "trace/lowering.hpp"

namespace xjax {

Array view_as(const Array& x, const ShapedArray& aval, std::int64_t offset) {
  const Buffer& b = buffer_of(x);
  return Array(std::make_shared<Buffer>(aval, b.owner(), b.data() + offset * static_cast<std::int64_t>(itemsize(aval.dtype))));
}

void check_dimensions(const char* op, const char* what, const Ints& dims, const ShapedArray& a) {
  std::vector<bool> seen(static_cast<std::size_t>(a.ndim()), false);
  for (std::int64_t d : dims) {
    if (d < 0 || d >= a.ndim()) throw IndexError(op, what, ' ', shape_str(dims), " out of range for ", a);
    if (seen[static_cast<std::size_t>(d)]) throw ValueError(op, "repeated axis in ", what, ' ', shape_str(dims));
    seen[static_cast<std::size_t>(d)] = true;
  }
}

namespace {

// Axis `d` of the unbatched value is axis d + 1 of the batched one when the batch axis is at or before it.
std::int64_t shift_past(std::int64_t d, int bdim) { return d >= bdim ? d + 1 : d; }

const Primitive& reshape_p = []() -> const Primitive& {
  Primitive p{.name = "reshape", .arity = 1, .shape = [](const Avals& in, const Params& params) -> Avals {
                const Shape& s = params.get_ints("new_sizes");
                for (std::int64_t d : s)
                  if (d < 0) throw ValueError("reshape", "negative extent in new_sizes ", shape_str(s));
                if (shape_size(s) != in[0].size())
                  throw ShapeError("reshape", "cannot reshape ", in[0], " into shape ", shape_str(s));
                return {ShapedArray{s, in[0].dtype, in[0].weak_type}};
              }};
  p.eval = [](const Arrays& in, const Params&, const Avals& out) -> Arrays { return {view_as(in[0], out[0])}; };
  p.jvp = [](const Arrays&, const Tangents& t, const Arrays& out, const Params& params) -> Tangents {
    if (!differentiable(out[0].aval())) return {std::nullopt};
    return {lax::reshape(*t[0], params.get_ints("new_sizes"))};
  };
  p.transpose = [](const Tangents& ct, const LinearArgs& a, const Params&) -> Tangents {
    if (!ct[0]) return {std::nullopt};
    return {lax::reshape(*ct[0], a[0].aval.shape)};
  };
  p.batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params) {
    std::int64_t n = batch_size(v, d);
    Shape s = params.get_ints("new_sizes");
    s.insert(s.begin(), n);
    return std::pair{Arrays{lax::reshape(move_batch_axis(v[0], d[0], 0, n), s)}, BatchDims{0}};
  };
  p.lower = lowering::lower_same_elements;
  return def_primitive(std::move(p));
}();

const Primitive& squeeze_p = []() -> const Primitive& {
  Primitive p{.name = "squeeze", .arity = 1, .shape = [](const Avals& in, const Params& params) -> Avals {
                const Ints& dims = params.get_ints("dimensions");
                check_dimensions("squeeze", "dimensions", dims, in[0]);
                Shape s;
                for (int i = 0; i < in[0].ndim(); ++i) {
                  bool dropped = std::find(dims.begin(), dims.end(), i) != dims.end();
                  if (dropped && in[0].shape[static_cast<std::size_t>(i)] != 1)
                    throw ShapeError("squeeze", "cannot squeeze axis ", i, " of ", in[0], ": its extent is not 1");
                  if (!dropped) s.push_back(in[0].shape[static_cast<std::size_t>(i)]);
                }
                return {ShapedArray{s, in[0].dtype, in[0].weak_type}};
              }};
  p.eval = [](const Arrays& in, const Params&, const Avals& out) -> Arrays { return {view_as(in[0], out[0])}; };
  p.jvp = [](const Arrays&, const Tangents& t, const Arrays& out, const Params& params) -> Tangents {
    if (!differentiable(out[0].aval())) return {std::nullopt};
    return {lax::squeeze(*t[0], params.get_ints("dimensions"))};
  };
  p.transpose = [](const Tangents& ct, const LinearArgs& a, const Params&) -> Tangents {
    if (!ct[0]) return {std::nullopt};
    return {lax::reshape(*ct[0], a[0].aval.shape)};
  };
  p.batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params) {
    int b = *d[0];
    Ints dims;
    int before = 0;  // squeezed axes in front of the batch axis move it left
    for (std::int64_t a : params.get_ints("dimensions")) {
      dims.push_back(shift_past(a, b));
      if (a < b) ++before;
    }
    return std::pair{Arrays{lax::squeeze(v[0], dims)}, BatchDims{b - before}};
  };
  p.lower = lowering::lower_same_elements;
  return def_primitive(std::move(p));
}();

// broadcast_in_dim: operand axis i becomes result axis broadcast_dimensions[i]; an operand extent
// of 1 may broadcast to any extent.
const Primitive& broadcast_in_dim_p = []() -> const Primitive& {
  Primitive p{.name = "broadcast_in_dim", .arity = 1, .shape = [](const Avals& in, const Params& params) -> Avals {
                const Shape& s = params.get_ints("shape");
                const Ints& bd = params.get_ints("broadcast_dimensions");
                const ShapedArray& x = in[0];
                for (std::int64_t e : s)
                  if (e < 0) throw ValueError("broadcast_in_dim", "negative extent in shape ", shape_str(s));
                if (static_cast<int>(bd.size()) != x.ndim())
                  throw ShapeError("broadcast_in_dim", "broadcast_dimensions ", shape_str(bd), " must have one entry per axis of ", x);
                for (std::size_t i = 0; i < bd.size(); ++i) {
                  if (bd[i] < 0 || bd[i] >= static_cast<std::int64_t>(s.size()))
                    throw IndexError("broadcast_in_dim", "broadcast_dimensions ", shape_str(bd), " out of range for shape ", shape_str(s));
                  if (i > 0 && bd[i] <= bd[i - 1])
                    throw ValueError("broadcast_in_dim", "broadcast_dimensions ", shape_str(bd), " must be strictly increasing");
                  std::int64_t e = x.shape[i];
                  if (e != 1 && e != s[static_cast<std::size_t>(bd[i])])
                    throw ShapeError("broadcast_in_dim", "cannot broadcast ", x, " to shape ", shape_str(s), " with broadcast_dimensions ",
                                     shape_str(bd));
                }
                shape_size(s);  // overflow check
                return {ShapedArray{s, x.dtype, x.weak_type}};
              }};
  p.eval = [](const Arrays& in, const Params& params, const Avals& out) -> Arrays {
    const Array& x = in[0];
    if (out[0].size() == x.size()) return {view_as(x, out[0])};  // only extents of 1 were added
    const Ints& bd = params.get_ints("broadcast_dimensions");
    Ints xs = kernels::row_major_strides(x.shape()), os = kernels::row_major_strides(out[0].shape);
    std::vector<kernels::CopyDim> dims;
    for (std::size_t j = 0; j < out[0].shape.size(); ++j) dims.push_back({out[0].shape[j], 0, os[j]});
    for (std::size_t i = 0; i < bd.size(); ++i)
      if (x.shape()[i] != 1) dims[static_cast<std::size_t>(bd[i])].src_stride = xs[i];
    NewBuffer o = new_buffer(out[0]);
    kernels::strided_copy(std::move(dims), itemsize(x.dtype()), buffer_of(x).data(), o.data);
    return {o.array};
  };
  p.jvp = [](const Arrays&, const Tangents& t, const Arrays& out, const Params& params) -> Tangents {
    if (!differentiable(out[0].aval())) return {std::nullopt};
    return {broadcast_in_dim(*t[0], params.get_ints("shape"), params.get_ints("broadcast_dimensions"))};
  };
  // Sum over the new axes and over the axes where an extent of 1 was broadcast, then restore the 1s.
  p.transpose = [](const Tangents& ct, const LinearArgs& a, const Params& params) -> Tangents {
    if (!ct[0]) return {std::nullopt};
    const Shape& s = params.get_ints("shape");
    const Ints& bd = params.get_ints("broadcast_dimensions");
    const ShapedArray& x = a[0].aval;
    Ints summed;
    for (std::int64_t j = 0; j < static_cast<std::int64_t>(s.size()); ++j) {
      auto it = std::find(bd.begin(), bd.end(), j);
      if (it == bd.end() || (x.shape[static_cast<std::size_t>(it - bd.begin())] == 1 && s[static_cast<std::size_t>(j)] != 1))
        summed.push_back(j);
    }
    Array r = summed.empty() ? *ct[0] : sum(*ct[0], summed);
    if (r.dtype() != x.dtype) r = r.astype(x.dtype);
    return {lax::reshape(r, x.shape)};
  };
  // The batch axis stays where it is in the operand; in the result it goes just after the result
  // axis of the operand axis before it, which keeps broadcast_dimensions increasing.
  p.batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params) {
    int b = *d[0];
    std::int64_t n = v[0].shape()[static_cast<std::size_t>(b)];
    ShapedArray example = v[0].aval();  // check the parameters first: bd is indexed by operand axis below
    example.shape.erase(example.shape.begin() + b);
    broadcast_in_dim_p.shape({example}, params);
    const Ints& bd = params.get_ints("broadcast_dimensions");
    std::int64_t pos = b == 0 ? 0 : bd[static_cast<std::size_t>(b - 1)] + 1;
    Shape s = params.get_ints("shape");
    s.insert(s.begin() + pos, n);
    Ints dims;
    for (std::size_t i = 0; i < bd.size(); ++i) {
      if (static_cast<int>(i) == b) dims.push_back(pos);
      dims.push_back(bd[i] >= pos ? bd[i] + 1 : bd[i]);
    }
    if (static_cast<int>(bd.size()) == b) dims.push_back(pos);
    return std::pair{Arrays{broadcast_in_dim(v[0], s, dims)}, BatchDims{static_cast<int>(pos)}};
  };
  p.lower = [](lowering::Builder& b, const lowering::Values& in, const Equation& e) -> lowering::Values {
    const ShapedArray &x = in[0].aval, &out = e.outputs[0]->aval;
    const Ints& bd = e.params.get_ints("broadcast_dimensions");
    Ints xs = lowering::strides_of(x.shape), strides(out.shape.size(), 0);
    for (std::size_t i = 0; i < bd.size(); ++i)
      if (x.shape[i] != 1) strides[static_cast<std::size_t>(bd[i])] = xs[i];
    return {b.gather(in, lowering::strided_index(out.shape, strides), out)};
  };
  return def_primitive(std::move(p));
}();

const Primitive& transpose_p = []() -> const Primitive& {
  Primitive p{.name = "transpose", .arity = 1, .shape = [](const Avals& in, const Params& params) -> Avals {
                const Ints& perm = params.get_ints("permutation");
                if (static_cast<int>(perm.size()) != in[0].ndim())
                  throw ShapeError("transpose", "permutation ", shape_str(perm), " does not match ", in[0]);
                check_dimensions("transpose", "permutation", perm, in[0]);
                Shape s;
                for (std::int64_t a : perm) s.push_back(in[0].shape[static_cast<std::size_t>(a)]);
                return {ShapedArray{s, in[0].dtype, in[0].weak_type}};
              }};
  p.eval = [](const Arrays& in, const Params& params, const Avals& out) -> Arrays {
    const Ints& perm = params.get_ints("permutation");
    Ints xs = kernels::row_major_strides(in[0].shape()), os = kernels::row_major_strides(out[0].shape);
    std::vector<kernels::CopyDim> dims;
    bool identity = true;
    for (std::size_t i = 0; i < perm.size(); ++i) {
      dims.push_back({out[0].shape[i], xs[static_cast<std::size_t>(perm[i])], os[i]});
      identity = identity && perm[i] == static_cast<std::int64_t>(i);
    }
    if (identity) return {view_as(in[0], out[0])};
    NewBuffer o = new_buffer(out[0]);
    kernels::strided_copy(std::move(dims), itemsize(out[0].dtype), buffer_of(in[0]).data(), o.data);
    return {o.array};
  };
  p.jvp = [](const Arrays&, const Tangents& t, const Arrays& out, const Params& params) -> Tangents {
    if (!differentiable(out[0].aval())) return {std::nullopt};
    return {lax::transpose(*t[0], params.get_ints("permutation"))};
  };
  p.transpose = [](const Tangents& ct, const LinearArgs&, const Params& params) -> Tangents {
    if (!ct[0]) return {std::nullopt};
    const Ints& perm = params.get_ints("permutation");
    Ints inverse(perm.size());
    for (std::size_t i = 0; i < perm.size(); ++i) inverse[static_cast<std::size_t>(perm[i])] = static_cast<std::int64_t>(i);
    return {lax::transpose(*ct[0], inverse)};
  };
  // The batch axis stays in place in the result; the other axes permute around it.
  p.batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params) {
    int b = *d[0];
    Ints perm;
    for (std::int64_t a : params.get_ints("permutation")) perm.push_back(shift_past(a, b));
    perm.insert(perm.begin() + b, b);
    return std::pair{Arrays{lax::transpose(v[0], perm)}, BatchDims{b}};
  };
  p.lower = [](lowering::Builder& b, const lowering::Values& in, const Equation& e) -> lowering::Values {
    const Ints& perm = e.params.get_ints("permutation");
    Ints xs = lowering::strides_of(in[0].aval.shape), strides;
    for (std::int64_t a : perm) strides.push_back(xs[static_cast<std::size_t>(a)]);
    return {b.gather(in, lowering::strided_index(e.outputs[0]->aval.shape, strides), e.outputs[0]->aval)};
  };
  return def_primitive(std::move(p));
}();

}  // namespace

Array lax::reshape(const Array& x, const Shape& new_sizes) {
  if (x.shape() == new_sizes) return x;
  return bind1(reshape_p, {x}, {{"new_sizes", new_sizes}});
}
Array lax::squeeze(const Array& x, const Ints& dimensions) {
  if (dimensions.empty()) return x;
  return bind1(squeeze_p, {x}, {{"dimensions", dimensions}});
}
Array lax::transpose(const Array& x, const Ints& permutation) {
  Ints identity(permutation.size());
  std::iota(identity.begin(), identity.end(), 0);
  if (permutation == identity && x.ndim() == static_cast<int>(permutation.size())) return x;
  return bind1(transpose_p, {x}, {{"permutation", permutation}});
}

// ---- numpy-style wrappers ----

Array reshape(const Array& x, const Shape& shape) {
  Shape s = shape;
  std::int64_t unknown = -1, known = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == -1) {
      if (unknown >= 0) throw ValueError("reshape", "can only specify one unknown extent (-1), got ", shape_str(shape));
      unknown = static_cast<std::int64_t>(i);
    } else if (s[i] < 0) {
      throw ValueError("reshape", "negative extent in shape ", shape_str(shape));
    } else if (__builtin_mul_overflow(known, s[i], &known)) {
      throw ShapeError("reshape", "size of shape ", shape_str(shape), " overflows");
    }
  }
  if (unknown >= 0) {
    if (known == 0 || x.size() % known != 0)
      throw ShapeError("reshape", "cannot reshape ", x.aval(), " into shape ", shape_str(shape));
    s[static_cast<std::size_t>(unknown)] = x.size() / known;
  } else if (known != x.size()) {
    throw ShapeError("reshape", "cannot reshape ", x.aval(), " into shape ", shape_str(shape));
  }
  return lax::reshape(x, s);
}

Array ravel(const Array& x) { return lax::reshape(x, {x.size()}); }

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  const Shape& longer = a.size() >= b.size() ? a : b;
  const Shape& shorter = a.size() >= b.size() ? b : a;
  Shape out = longer;
  std::size_t off = longer.size() - shorter.size();
  for (std::size_t i = 0; i < shorter.size(); ++i) {
    std::int64_t x = longer[off + i], y = shorter[i];
    if (x != y && x != 1 && y != 1)
      throw ShapeError("broadcast_shapes", "incompatible shapes ", shape_str(a), " and ", shape_str(b));
    out[off + i] = x == 1 ? y : x;
  }
  return out;
}

Array broadcast_in_dim(const Array& x, const Shape& shape, const Ints& broadcast_dimensions) {
  Ints identity(static_cast<std::size_t>(x.ndim()));
  std::iota(identity.begin(), identity.end(), 0);
  if (x.shape() == shape && broadcast_dimensions == identity) return x;
  return bind1(broadcast_in_dim_p, {x}, {{"shape", shape}, {"broadcast_dimensions", broadcast_dimensions}});
}

Array broadcast_to(const Array& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  for (std::int64_t e : shape)
    if (e < 0) throw ValueError("broadcast_to", "negative extent in shape ", shape_str(shape));
  if (x.ndim() > static_cast<int>(shape.size()) || broadcast_shapes(x.shape(), shape) != shape)
    throw ShapeError("broadcast_to", "cannot broadcast ", x.aval(), " to shape ", shape_str(shape));
  Ints dims;
  for (int i = 0; i < x.ndim(); ++i) dims.push_back(static_cast<std::int64_t>(shape.size()) - x.ndim() + i);
  return broadcast_in_dim(x, shape, dims);
}

std::vector<Array> broadcast_arrays(const std::vector<Array>& xs) {
  if (xs.empty()) return {};
  Shape s = xs[0].shape();
  for (const Array& x : xs) s = broadcast_shapes(s, x.shape());
  std::vector<Array> out;
  for (const Array& x : xs) out.push_back(broadcast_to(x, s));
  return out;
}

Array expand_dims(const Array& x, AxisSpec axes) {
  if (!axes.given()) throw ValueError("expand_dims", "needs the axes at which to insert extents of 1");
  int out_ndim = x.ndim() + static_cast<int>(axes.given()->size());
  Ints at = axes.resolve("expand_dims", out_ndim);
  Shape s;
  std::size_t next = 0;
  for (int i = 0; i < out_ndim; ++i)
    s.push_back(std::binary_search(at.begin(), at.end(), i) ? 1 : x.shape()[next++]);
  return lax::reshape(x, s);
}

Array squeeze(const Array& x, AxisSpec axes) {
  Ints dims;
  if (!axes.given()) {
    for (int i = 0; i < x.ndim(); ++i)
      if (x.shape()[static_cast<std::size_t>(i)] == 1) dims.push_back(i);
  } else {
    dims = axes.resolve("squeeze", x.ndim());
  }
  return lax::squeeze(x, dims);
}

Array transpose(const Array& x, const Ints& perm) {
  Ints p;
  if (perm.empty()) {
    for (int i = x.ndim() - 1; i >= 0; --i) p.push_back(i);
  } else {
    if (static_cast<int>(perm.size()) != x.ndim())
      throw ValueError("transpose", "axes ", shape_str(perm), " do not match ", x.aval());
    for (std::int64_t a : perm) p.push_back(normalize_axis("transpose", a, x.ndim()));
    check_dimensions("transpose", "axes", p, x.aval());  // rejects repeats
  }
  return lax::transpose(x, p);
}

Array moveaxis(const Array& x, int source, int destination) {
  int s = normalize_axis("moveaxis", source, x.ndim()), d = normalize_axis("moveaxis", destination, x.ndim());
  Ints perm;
  for (int i = 0; i < x.ndim(); ++i)
    if (i != s) perm.push_back(i);
  perm.insert(perm.begin() + d, s);
  return lax::transpose(x, perm);
}

Array swapaxes(const Array& x, int a, int b) {
  int i = normalize_axis("swapaxes", a, x.ndim()), j = normalize_axis("swapaxes", b, x.ndim());
  Ints perm(static_cast<std::size_t>(x.ndim()));
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm[static_cast<std::size_t>(i)], perm[static_cast<std::size_t>(j)]);
  return lax::transpose(x, perm);
}

const Primitive& prims::reshape() { return reshape_p; }
const Primitive& prims::squeeze() { return squeeze_p; }
const Primitive& prims::broadcast_in_dim() { return broadcast_in_dim_p; }
const Primitive& prims::transpose() { return transpose_p; }

}  // namespace xjax
