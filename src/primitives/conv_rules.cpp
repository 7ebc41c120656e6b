// conv_general_dilated's rules: JVP (the product rule of a bilinear map), the transposes for either
// operand (both are convolutions again) and batching (the mapped axis folded into the batch or
// feature axis, with the group counts adjusted). All are written with public ops.
#include <algorithm>

#include "primitives/conv.hpp"
#include "primitives/shape.hpp"

namespace xjax::conv_detail {
namespace {

std::int64_t at(const Shape& s, std::int64_t axis) { return s[static_cast<std::size_t>(axis)]; }

// Splits axis `a` into (k, extent / k), in that order.
Array split_axis(const Array& x, std::int64_t a, std::int64_t k) {
  Shape s = x.shape();
  const std::int64_t n = at(s, a);
  s[static_cast<std::size_t>(a)] = n / k;
  s.insert(s.begin() + a, k);
  return lax::reshape(x, s);
}

// Merges axis `src` into axis `dst` (numbered as if src were removed), src the major part.
Array merge_axis(const Array& x, std::int64_t src, std::int64_t dst) {
  Ints perm;
  for (std::int64_t a = 0; a < x.ndim(); ++a)
    if (a != src) perm.push_back(a);
  perm.insert(perm.begin() + dst, src);
  Shape s;
  for (std::int64_t a : perm) s.push_back(at(x.shape(), a));
  s[static_cast<std::size_t>(dst)] *= s[static_cast<std::size_t>(dst + 1)];
  s.erase(s.begin() + dst + 1);
  const bool identity = std::is_sorted(perm.begin(), perm.end());
  return lax::reshape(identity ? x : lax::transpose(x, perm), s);
}

Ints swapped(Ints spec) {
  std::swap(spec[0], spec[1]);
  return spec;
}

Ints spatial(const Ints& spec) { return Ints(spec.begin() + 2, spec.end()); }

// Whether x has exactly the aval's shape (the transposes below rebuild it by formula).
Array checked(const Array& x, const ShapedArray& want) {
  if (x.shape() != want.shape)
    throw TransformError("conv_general_dilated", "transpose produced ", x.aval(), " for an operand ", want);
  return x;
}

// d lhs from the output cotangent g: a convolution of g (dilated by the strides) with the window
// reversed and its feature axes swapped; groups move from the kernel's output axis to its input axis.
Array transpose_lhs(const Array& g, const Array& rhs, const ShapedArray& lhs, const ConvParams& c) {
  const ConvDimensionNumbers& dn = c.dn;
  const std::int64_t groups = std::max(c.feature_groups, c.batch_groups);
  Array w = rhs;
  if (groups > 1) w = merge_axis(split_axis(w, dn.rhs_spec[0], groups), dn.rhs_spec[0], dn.rhs_spec[1]);
  ConvParams t;
  t.dn = {dn.out_spec, swapped(dn.rhs_spec), dn.lhs_spec};
  t.strides = c.lhs_dilation;
  t.lhs_dilation = c.strides;
  t.rhs_dilation = c.rhs_dilation;
  t.feature_groups = groups;
  for (std::size_t d = 0; d + 2 < dn.lhs_spec.size(); ++d) {
    const std::int64_t k = dilated(at(rhs.shape(), dn.rhs_spec[d + 2]), c.rhs_dilation[d]);
    const std::int64_t in = dilated(at(lhs.shape, dn.lhs_spec[d + 2]), c.lhs_dilation[d]);
    const std::int64_t out = dilated(at(g.shape(), dn.out_spec[d + 2]), c.strides[d]);
    const std::int64_t lo = k - c.pad_lo[d] - 1;
    t.pad_lo.push_back(lo);
    t.pad_hi.push_back(in + k - 1 - out - lo);
  }
  Array r = bind_conv(g, lax::rev(w, spatial(dn.rhs_spec)), t);
  if (c.batch_groups > 1) r = merge_axis(split_axis(r, dn.lhs_spec[1], c.batch_groups), dn.lhs_spec[1], dn.lhs_spec[0]);
  return checked(r, lhs);
}

// d rhs: a convolution of lhs with g as the window (batch and feature roles swapped), dilated by the
// strides; feature groups become batch groups and vice versa.
Array transpose_rhs(const Array& g, const Array& lhs, const ShapedArray& rhs, const ConvParams& c) {
  const ConvDimensionNumbers& dn = c.dn;
  ConvParams t;
  t.dn = {swapped(dn.lhs_spec), swapped(dn.out_spec), swapped(dn.rhs_spec)};
  t.strides = c.rhs_dilation;
  t.lhs_dilation = c.lhs_dilation;
  t.rhs_dilation = c.strides;
  t.feature_groups = c.batch_groups;
  t.batch_groups = c.feature_groups;
  for (std::size_t d = 0; d + 2 < dn.lhs_spec.size(); ++d) {
    const std::int64_t k = dilated(at(rhs.shape, dn.rhs_spec[d + 2]), c.rhs_dilation[d]);
    const std::int64_t in = dilated(at(lhs.shape(), dn.lhs_spec[d + 2]), c.lhs_dilation[d]);
    const std::int64_t out = dilated(at(g.shape(), dn.out_spec[d + 2]), c.strides[d]);
    t.pad_lo.push_back(c.pad_lo[d]);
    t.pad_hi.push_back(out - in + k - c.pad_lo[d] - 1);
  }
  return checked(bind_conv(lhs, g, t), rhs);
}

}  // namespace

Tangents conv_jvp(const Arrays& x, const Tangents& t, const Arrays&, const Params& params) {
  if (!is_inexact(x[0].dtype())) return {std::nullopt};
  const ConvParams c = conv_params_of(params);
  Tangent a = t[0] ? Tangent(bind_conv(*t[0], x[1], c)) : std::nullopt;
  Tangent b = t[1] ? Tangent(bind_conv(x[0], *t[1], c)) : std::nullopt;
  return {add_tangents(a, b)};
}

Tangents conv_transpose_rule(const Tangents& ct, const LinearArgs& a, const Params& params) {
  if (a[0].is_linear() && a[1].is_linear())
    throw TransformError("conv_general_dilated", "transpose of a product of two linear values");
  if (!ct[0]) return {std::nullopt, std::nullopt};
  const ConvParams c = conv_params_of(params);
  if (a[0].is_linear()) return {transpose_lhs(*ct[0], *a[1].value, a[0].aval, c), std::nullopt};
  return {std::nullopt, transpose_rhs(*ct[0], *a[0].value, a[1].aval, c)};
}

// The mapped axes go to the front first; then the specs (numbered without it) locate every axis.
std::pair<Arrays, BatchDims> conv_batch(const Primitive&, const Arrays& v, const BatchDims& bd, const Params& params) {
  const std::int64_t size = batch_size(v, bd);
  ConvParams c = conv_params_of(params);
  const ConvDimensionNumbers dn = c.dn;
  const std::int64_t l0 = dn.lhs_spec[0], l1 = dn.lhs_spec[1], r0 = dn.rhs_spec[0], o0 = dn.out_spec[0],
                     o1 = dn.out_spec[1];
  if (bd[0] && bd[1]) {
    const Array lhs = move_batch_axis(v[0], bd[0], 0, size), rhs = move_batch_axis(v[1], bd[1], 0, size);
    Array x = lhs;
    if (c.batch_groups > 1) {
      x = merge_axis(lhs, 0, l0);  // (map, group, batch): each group is one map entry's group
      c.batch_groups *= size;
    } else {
      x = merge_axis(lhs, 0, l1);
      c.feature_groups *= size;
    }
    const Array out = bind_conv(x, merge_axis(rhs, 0, r0), c);
    return {{split_axis(out, o1, size)}, {static_cast<int>(o1)}};
  }
  if (bd[0]) {
    const Array lhs = move_batch_axis(v[0], bd[0], 0, size);
    Array x;
    if (c.batch_groups == 1) {
      x = merge_axis(lhs, 0, l0);
    } else {  // the map axis goes inside each batch group: (group, map, batch / groups)
      x = split_axis(lhs, l0 + 1, c.batch_groups);
      x = merge_axis(merge_axis(x, 0, l0 + 1), l0, l0);
    }
    return {{split_axis(bind_conv(x, v[1], c), o0, size)}, {static_cast<int>(o0)}};
  }
  const Array rhs = move_batch_axis(v[1], bd[1], 0, size);
  const std::int64_t groups = std::max(c.feature_groups, c.batch_groups);
  if (groups == 1) {
    const Array out = bind_conv(v[0], merge_axis(rhs, 0, r0), c);
    return {{split_axis(out, o1, size)}, {static_cast<int>(o1)}};
  }
  // Output features must stay grouped outermost: (group, map, features / groups).
  Array w = split_axis(rhs, r0 + 1, groups);
  w = merge_axis(merge_axis(w, 0, r0 + 1), r0, r0);
  Array out = split_axis(bind_conv(v[0], w, c), o1, groups);
  out = merge_axis(split_axis(out, o1 + 1, size), o1, o1 + 1);
  return {{out}, {static_cast<int>(o1)}};
}

}  // namespace xjax::conv_detail
