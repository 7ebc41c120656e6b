// dot_general, the contraction primitive (batched matrix products through BLAS), with all its rules;
// and numpy's dot, matmul, outer, inner and vdot built on it.
#include <algorithm>
#include <numeric>

#include "trace/rules.hpp"
#include "kernels/blas.hpp"
#include "kernels/copy.hpp"
#include "primitives/common.hpp"

namespace xjax {
namespace {

// lax's dimension numbers: contracting[i] of lhs pairs with contracting[i] of rhs, likewise batch.
struct DimNumbers {
  Ints lhs_contract, rhs_contract, lhs_batch, rhs_batch;
};

DimNumbers dims_of(const Params& p) {
  return {p.get_ints("lhs_contracting_dimensions"), p.get_ints("rhs_contracting_dimensions"),
          p.get_ints("lhs_batch_dimensions"), p.get_ints("rhs_batch_dimensions")};
}

Params params_of(const DimNumbers& d) {
  return {{"lhs_contracting_dimensions", d.lhs_contract},
          {"rhs_contracting_dimensions", d.rhs_contract},
          {"lhs_batch_dimensions", d.lhs_batch},
          {"rhs_batch_dimensions", d.rhs_batch}};
}

Ints iota_ints(std::int64_t start, std::size_t n) {
  Ints r(n);
  std::iota(r.begin(), r.end(), start);
  return r;
}

// The axes of an operand that are neither contracted nor batch, in increasing order (the order in
// which they appear in the result).
Ints free_axes(int ndim, const Ints& contract, const Ints& batch) {
  Ints r;
  for (std::int64_t a = 0; a < ndim; ++a)
    if (std::find(contract.begin(), contract.end(), a) == contract.end() &&
        std::find(batch.begin(), batch.end(), a) == batch.end())
      r.push_back(a);
  return r;
}

std::int64_t extent(const Shape& s, const Ints& axes) {
  std::int64_t n = 1;
  for (std::int64_t a : axes) n *= s[static_cast<std::size_t>(a)];
  return n;
}

// Each listed axis is in range and used once per operand.
void check_axes(const ShapedArray& x, const Ints& contract, const Ints& batch) {
  std::vector<bool> used(static_cast<std::size_t>(x.ndim()), false);
  for (const Ints* list : {&contract, &batch})
    for (std::int64_t a : *list) {
      if (a < 0 || a >= x.ndim()) throw IndexError("dot_general", "dimension ", a, " out of range for ", x);
      if (used[static_cast<std::size_t>(a)]) throw ValueError("dot_general", "dimension ", a, " of ", x, " used twice");
      used[static_cast<std::size_t>(a)] = true;
    }
}

Avals dot_general_shape(const Avals& in, const Params& params) {
  const ShapedArray &x = in[0], &y = in[1];
  const DimNumbers d = dims_of(params);
  if (x.dtype != y.dtype) throw DTypeError("dot_general", "operands must share a dtype, got ", x, " and ", y);
  if (d.lhs_contract.size() != d.rhs_contract.size() || d.lhs_batch.size() != d.rhs_batch.size())
    throw ValueError("dot_general", "lhs and rhs need as many contracting and batch dimensions, got ", params);
  check_axes(x, d.lhs_contract, d.lhs_batch);
  check_axes(y, d.rhs_contract, d.rhs_batch);
  auto check_pairs = [&](const Ints& xs, const Ints& ys, const char* kind) {
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const std::int64_t n = x.shape[static_cast<std::size_t>(xs[i])], m = y.shape[static_cast<std::size_t>(ys[i])];
      if (n != m)
        throw ShapeError("dot_general", kind, " dimension ", xs[i], " of ", x, " (", n, ") does not match dimension ",
                         ys[i], " of ", y, " (", m, ")");
    }
  };
  check_pairs(d.lhs_contract, d.rhs_contract, "contracting");
  check_pairs(d.lhs_batch, d.rhs_batch, "batch");
  Shape out;
  for (std::int64_t a : d.lhs_batch) out.push_back(x.shape[static_cast<std::size_t>(a)]);
  for (std::int64_t a : free_axes(x.ndim(), d.lhs_contract, d.lhs_batch))
    out.push_back(x.shape[static_cast<std::size_t>(a)]);
  for (std::int64_t a : free_axes(y.ndim(), d.rhs_contract, d.rhs_batch))
    out.push_back(y.shape[static_cast<std::size_t>(a)]);
  return {ShapedArray{out, x.dtype, x.weak_type && y.weak_type}};
}

// An operand seen as a stack of matrices [batch, rows, cols] (each a group of its axes).
struct MatrixStack {
  Array storage;  // row-major [batch, rows, cols], or [batch, cols, rows] when `trans`
  bool trans;
};

// Zero-copy when the operand's layout already is the stack (or the stack of transposes, which
// BLAS reads with a flag); otherwise one permuted copy.
MatrixStack as_matrix_stack(const Array& x, const Ints& batch, const Ints& rows, const Ints& cols) {
  const Shape& s = x.shape();
  auto laid_out_as = [&](std::initializer_list<const Ints*> groups) {
    Ints order;  // axes of extent 1 do not affect the layout
    for (const Ints* g : groups)
      for (std::int64_t a : *g)
        if (s[static_cast<std::size_t>(a)] != 1) order.push_back(a);
    return std::is_sorted(order.begin(), order.end());
  };
  if (laid_out_as({&batch, &rows, &cols})) return {x, false};
  if (laid_out_as({&batch, &cols, &rows})) return {x, true};
  Ints perm = batch;
  perm.insert(perm.end(), rows.begin(), rows.end());
  perm.insert(perm.end(), cols.begin(), cols.end());
  Shape permuted;
  for (std::int64_t a : perm) permuted.push_back(s[static_cast<std::size_t>(a)]);
  const std::vector<std::int64_t> src_strides = kernels::row_major_strides(s),
                                  dst_strides = kernels::row_major_strides(permuted);
  std::vector<kernels::CopyDim> dims;
  for (std::size_t i = 0; i < perm.size(); ++i)
    dims.push_back({permuted[i], src_strides[static_cast<std::size_t>(perm[i])], dst_strides[i]});
  NewBuffer o = new_buffer({permuted, x.dtype(), false});
  kernels::strided_copy(std::move(dims), itemsize(x.dtype()), buffer_of(x).data(), o.data);
  return {o.array, false};
}

Arrays dot_general_eval(const Arrays& in, const Params& params, const Avals& out) {
  const DimNumbers d = dims_of(params);
  const Array &x = in[0], &y = in[1];
  const Ints x_free = free_axes(x.ndim(), d.lhs_contract, d.lhs_batch);
  const Ints y_free = free_axes(y.ndim(), d.rhs_contract, d.rhs_batch);
  kernels::MatmulShape s{.batch = extent(x.shape(), d.lhs_batch),
                         .m = extent(x.shape(), x_free),
                         .n = extent(y.shape(), y_free),
                         .k = extent(x.shape(), d.lhs_contract)};
  NewBuffer o = new_buffer(out[0]);
  if (out[0].size() == 0 || s.k == 0) {  // nothing to read: no operand copies
    kernels::batched_matmul(x.dtype(), nullptr, nullptr, o.data, s);
    return {o.array};
  }
  const MatrixStack a = as_matrix_stack(x, d.lhs_batch, x_free, d.lhs_contract);
  const MatrixStack b = as_matrix_stack(y, d.rhs_batch, d.rhs_contract, y_free);
  s.trans_a = a.trans;
  s.trans_b = b.trans;
  kernels::batched_matmul(x.dtype(), buffer_of(a.storage).data(), buffer_of(b.storage).data(), o.data, s);
  return {o.array};
}

Array bind_dot(const Array& x, const Array& y, const DimNumbers& d);

// The cotangent of one operand ("mine") from the result's cotangent g = [batch, lhs free, rhs free]:
// contract g with the other operand over the other's free axes. That gives my axes in the order
// (batch, my free, my contracted ones ordered as the other's contracted axes they pair with), which
// one transpose puts back in my order.
Array transpose_operand(const Array& g, const Array& other, const ShapedArray& mine, bool mine_is_lhs,
                        const DimNumbers& d) {
  const Ints& my_contract = mine_is_lhs ? d.lhs_contract : d.rhs_contract;
  const Ints& my_batch = mine_is_lhs ? d.lhs_batch : d.rhs_batch;
  const Ints& other_contract = mine_is_lhs ? d.rhs_contract : d.lhs_contract;
  const Ints& other_batch = mine_is_lhs ? d.rhs_batch : d.lhs_batch;
  const Ints my_free = free_axes(mine.ndim(), my_contract, my_batch);
  const Ints other_free = free_axes(other.ndim(), other_contract, other_batch);
  const std::size_t nb = my_batch.size();
  const auto other_start = static_cast<std::int64_t>(nb + (mine_is_lhs ? my_free.size() : 0));
  Array r = bind_dot(g, other, {iota_ints(other_start, other_free.size()), other_free, iota_ints(0, nb), other_batch});
  Ints source = my_batch;  // source[i]: which of my axes r's axis i is
  source.insert(source.end(), my_free.begin(), my_free.end());
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;  // (other's contracted axis, mine)
  for (std::size_t i = 0; i < my_contract.size(); ++i) pairs.emplace_back(other_contract[i], my_contract[i]);
  std::sort(pairs.begin(), pairs.end());
  for (const auto& p : pairs) source.push_back(p.second);
  Ints perm(source.size());
  for (std::size_t i = 0; i < source.size(); ++i)
    perm[static_cast<std::size_t>(source[i])] = static_cast<std::int64_t>(i);
  return std::is_sorted(perm.begin(), perm.end()) ? r : transpose(r, perm);
}

Tangents dot_general_transpose(const Tangents& ct, const LinearArgs& a, const Params& params) {
  if (a[0].is_linear() && a[1].is_linear())
    throw TransformError("dot_general", "transpose of a product of two linear values");
  if (!ct[0]) return {std::nullopt, std::nullopt};
  const DimNumbers d = dims_of(params);
  if (a[0].is_linear()) return {transpose_operand(*ct[0], *a[1].value, a[0].aval, true, d), std::nullopt};
  return {std::nullopt, transpose_operand(*ct[0], *a[0].value, a[1].aval, false, d)};
}

// A mapped axis becomes one more batch dimension when both operands are mapped, else a free axis of
// the mapped operand; either way no data moves here.
std::pair<Arrays, BatchDims> dot_general_batch(const Primitive&, const Arrays& v, const BatchDims& bd,
                                               const Params& params) {
  auto shift = [](Ints axes, const BatchDim& b) {  // unbatched axis numbers -> batched ones
    if (b)
      for (std::int64_t& a : axes)
        if (a >= *b) ++a;
    return axes;
  };
  const DimNumbers d0 = dims_of(params);
  DimNumbers d{shift(d0.lhs_contract, bd[0]), shift(d0.rhs_contract, bd[1]), shift(d0.lhs_batch, bd[0]),
               shift(d0.rhs_batch, bd[1])};
  if (bd[0] && bd[1]) {
    d.lhs_batch.insert(d.lhs_batch.begin(), *bd[0]);
    d.rhs_batch.insert(d.rhs_batch.begin(), *bd[1]);
    return {{bind_dot(v[0], v[1], d)}, {0}};
  }
  const Ints x_free = free_axes(v[0].ndim(), d.lhs_contract, d.lhs_batch);
  auto position = static_cast<std::int64_t>(d.lhs_batch.size());
  if (bd[0]) {
    position += std::find(x_free.begin(), x_free.end(), *bd[0]) - x_free.begin();
  } else {
    const Ints y_free = free_axes(v[1].ndim(), d.rhs_contract, d.rhs_batch);
    position +=
        static_cast<std::int64_t>(x_free.size()) + (std::find(y_free.begin(), y_free.end(), *bd[1]) - y_free.begin());
  }
  return {{bind_dot(v[0], v[1], d)}, {static_cast<int>(position)}};
}

}  // namespace

const Primitive& dot_general_p = def_primitive(
    Primitive{.name = "dot_general",
              .arity = 2,
              .shape = dot_general_shape,
              .eval = dot_general_eval,
              .jvp = [](const Arrays& x, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
                if (!is_inexact(x[0].dtype())) return {std::nullopt};
                Tangent from_x = t[0] ? Tangent(bind1(dot_general_p, {*t[0], x[1]}, params)) : std::nullopt;
                Tangent from_y = t[1] ? Tangent(bind1(dot_general_p, {x[0], *t[1]}, params)) : std::nullopt;
                return {add_tangents(from_x, from_y)};
              },
              .transpose = dot_general_transpose,
              .batch = dot_general_batch});

namespace {
Array bind_dot(const Array& x, const Array& y, const DimNumbers& d) {
  return bind1(dot_general_p, {x, y}, params_of(d));
}

Ints normalized(const char* op, const Ints& axes, int ndim) {
  Ints r;
  for (std::int64_t a : axes) r.push_back(normalize_axis(op, a, ndim));
  return r;
}

// numpy-style operands: JAX type promotion to one dtype.
std::pair<Array, Array> promoted(const Array& x, const Array& y) {
  const DType d = promote_types(x.dtype(), x.weak_type(), y.dtype(), y.weak_type()).dtype;
  return {x.dtype() == d ? x : astype(x, d), y.dtype() == d ? y : astype(y, d)};
}

std::int64_t dim(const Array& x, int axis) { return x.shape()[static_cast<std::size_t>(axis)]; }

// The broadcast of matmul's batch shapes (numpy rules), naming both operands when they clash.
Shape matmul_batch_shape(const Array& x, const Array& y, const Shape& bx, const Shape& by) {
  Shape out(std::max(bx.size(), by.size()), 1);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int64_t a = i < bx.size() ? bx[bx.size() - 1 - i] : 1, b = i < by.size() ? by[by.size() - 1 - i] : 1;
    if (a != b && a != 1 && b != 1)
      throw ShapeError("matmul", "batch dimensions of ", x.aval(), " and ", y.aval(), " do not broadcast");
    out[out.size() - 1 - i] = a == 1 ? b : a;
  }
  return out;
}
}  // namespace

Array dot_general(const Array& x, const Array& y, const Ints& contract_x, const Ints& contract_y, const Ints& batch_x,
                  const Ints& batch_y) {
  return bind_dot(x, y,
                  {normalized("dot_general", contract_x, x.ndim()), normalized("dot_general", contract_y, y.ndim()),
                   normalized("dot_general", batch_x, x.ndim()), normalized("dot_general", batch_y, y.ndim())});
}

// numpy.dot: the last axis of x with the only (1-d y) or second-to-last axis of y.
Array dot(const Array& x, const Array& y) {
  if (x.ndim() == 0 || y.ndim() == 0) return multiply(x, y);
  auto [a, b] = promoted(x, y);
  const int cx = a.ndim() - 1, cy = b.ndim() == 1 ? 0 : b.ndim() - 2;
  if (dim(a, cx) != dim(b, cy))
    throw ShapeError("dot", "shapes ", x.aval(), " and ", y.aval(), " not aligned: ", dim(a, cx), " != ", dim(b, cy));
  return bind_dot(a, b, {{cx}, {cy}, {}, {}});
}

// numpy.matmul: stacks of matrices with broadcast batch axes; a 1-d operand is a vector whose
// axis does not appear in the result. Layouts that dot_general produces directly need no copies.
Array matmul(const Array& x, const Array& y) {
  if (x.ndim() == 0 || y.ndim() == 0)
    throw ShapeError("matmul", "operands must be at least 1-d, got ", x.aval(), " and ", y.aval());
  auto [a, b] = promoted(x, y);
  const int nx = a.ndim(), ny = b.ndim(), cx = nx - 1, cy = ny == 1 ? 0 : ny - 2;
  if (dim(a, cx) != dim(b, cy))
    throw ShapeError("matmul", "contracting dimensions differ: ", x.aval(), " and ", y.aval(), " (", dim(a, cx),
                     " != ", dim(b, cy), ")");
  // y a vector or one matrix: x's batch axes are free axes, already in place.
  if (ny <= 2) return bind_dot(a, b, {{cx}, {cy}, {}, {}});
  if (nx == 1) return bind_dot(a, b, {{0}, {cy}, {}, {}});
  if (nx == 2) return moveaxis(bind_dot(a, b, {{1}, {cy}, {}, {}}), 0, -2);  // (m, batch..., n)
  const Shape bx(a.shape().begin(), a.shape().end() - 2), by(b.shape().begin(), b.shape().end() - 2);
  if (bx != by) {
    const Shape batch = matmul_batch_shape(x, y, bx, by);
    auto expand = [&](const Array& z) {
      Shape s = batch;
      s.insert(s.end(), z.shape().end() - 2, z.shape().end());
      return z.shape() == s ? z : broadcast_to(z, s);
    };
    a = expand(a);
    b = expand(b);
  }
  const Ints batch_axes = iota_ints(0, static_cast<std::size_t>(a.ndim() - 2));
  return bind_dot(a, b, {{a.ndim() - 1}, {b.ndim() - 2}, batch_axes, batch_axes});
}

Array outer(const Array& x, const Array& y) {
  auto [a, b] = promoted(x, y);
  return bind_dot(a.ndim() == 1 ? a : ravel(a), b.ndim() == 1 ? b : ravel(b), {});
}

// numpy.inner: the last axes of both.
Array inner(const Array& x, const Array& y) {
  if (x.ndim() == 0 || y.ndim() == 0) return multiply(x, y);
  auto [a, b] = promoted(x, y);
  const int cx = a.ndim() - 1, cy = b.ndim() - 1;
  if (dim(a, cx) != dim(b, cy))
    throw ShapeError("inner", "last dimensions of ", x.aval(), " and ", y.aval(), " differ: ", dim(a, cx),
                     " != ", dim(b, cy));
  return bind_dot(a, b, {{cx}, {cy}, {}, {}});
}

// numpy.vdot: the dot product of the flattened operands.
Array vdot(const Array& x, const Array& y) {
  if (x.size() != y.size()) throw ShapeError("vdot", "operands need the same size, got ", x.aval(), " and ", y.aval());
  auto [a, b] = promoted(x, y);
  return bind_dot(a.ndim() == 1 ? a : ravel(a), b.ndim() == 1 ? b : ravel(b), {{0}, {0}, {}, {}});
}

const Primitive& prims::dot_general() { return dot_general_p; }

}  // namespace xjax
