// Shared shape rules and the elementwise batching rule of primitive definitions.
#include "kernels/thread_pool.hpp"
#include "primitives/elementwise.hpp"

namespace xjax {

bool accepts(DTypes kinds, DType d) {
  switch (kinds) {
    case DTypes::number: return d != bool_;
    case DTypes::inexact: return is_inexact(d);
    case DTypes::anything: return true;
    default: break;
  }
  if (is_complex(d)) return false;
  switch (kinds) {
    case DTypes::any: return true;
    case DTypes::numeric: return d != bool_;
    case DTypes::floating: return is_floating(d);
    case DTypes::integer: return is_integer(d);
    case DTypes::boolean_or_integer: return !is_floating(d);
    case DTypes::signed_numeric: return d != bool_;
    default: return false;
  }
}

void check_dtype(const char* op, DTypes kinds, const ShapedArray& a) {
  if (accepts(kinds, a.dtype)) return;
  if (is_complex(a.dtype)) throw DTypeError(op, "does not accept complex values, got ", a);
  const char* want = kinds == DTypes::floating ? "a floating dtype"
                     : kinds == DTypes::integer ? "an integer dtype"
                     : kinds == DTypes::boolean_or_integer ? "a bool or integer dtype"
                     : kinds == DTypes::inexact ? "a floating or complex dtype"
                                                           : "a numeric dtype";
  throw DTypeError(op, "needs ", want, ", got ", a);
}

DType inexact_dtype(DType d) { return is_inexact(d) ? d : d == int64 ? float64 : float32; }
Array inexact(const Array& x) { return is_inexact(x.dtype()) ? x : convert(x, inexact_dtype(x.dtype()), x.weak_type()); }

ShapedArray elementwise_aval(const char* op, const Avals& in, DTypes kinds) {
  const ShapedArray* full = nullptr;
  bool weak = true;
  for (const ShapedArray& a : in) {
    check_dtype(op, kinds, a);
    if (a.dtype != in[0].dtype) throw DTypeError(op, "operands must share a dtype, got ", in[0], " and ", a);
    weak = weak && a.weak_type;
    if (a.ndim() == 0) continue;
    if (full && full->shape != a.shape) throw ShapeError(op, "incompatible shapes ", *full, " and ", a);
    full = &a;
  }
  return {full ? full->shape : Shape{}, in[0].dtype, weak};
}

int normalize_axis(const char* op, std::int64_t axis, int ndim) {
  if (axis < -ndim || axis >= ndim) throw IndexError(op, "axis ", axis, " out of range for rank ", ndim);
  return static_cast<int>(axis < 0 ? axis + ndim : axis);
}

std::pair<Arrays, BatchDims> elementwise_batch(const Primitive& p, const Arrays& vals, const BatchDims& dims,
                                               const Params& params) {
  std::int64_t size = batch_size(vals, dims);
  Shape example;  // the per-example result shape (operands are equal-shaped or 0-d)
  for (std::size_t i = 0; i < vals.size(); ++i)
    if (vals[i].ndim() - (dims[i] ? 1 : 0) > 0) {
      example = vals[i].shape();
      if (dims[i]) example.erase(example.begin() + *dims[i]);
    }
  Shape full = example;
  full.insert(full.begin(), size);
  Arrays moved;
  for (std::size_t i = 0; i < vals.size(); ++i) {
    const Array& x = vals[i];
    if (!dims[i] && x.ndim() == 0) {
      moved.push_back(x);  // unmapped scalars broadcast inside the primitive
    } else if (!dims[i]) {
      moved.push_back(move_batch_axis(x, std::nullopt, 0, size));
    } else {
      Array m = move_batch_axis(x, dims[i], 0, size);
      moved.push_back(m.ndim() == static_cast<int>(full.size()) ? m : broadcast_in_dim(m, full, {0}));
    }
  }
  Arrays outs = xjax::bind(p, moved, params);
  return {outs, BatchDims(outs.size(), 0)};
}

Arrays run_tile(TileKernel tile, const Arrays& in, const Params& params, const Avals& out) {
  NewBuffer o = new_buffer(out[0]);
  const std::int64_t n = out[0].size();
  std::vector<const std::byte*> base;
  std::vector<std::int64_t> sizes;
  std::vector<DType> dtypes;
  for (const Array& x : in) {
    base.push_back(buffer_of(x).data());
    sizes.push_back(x.size());
    dtypes.push_back(x.dtype());
  }
  // Elements are independent, so large arrays are cut into chunks run on several threads; 0-d
  // operands (size 1) are broadcast and keep their address.
  if (n <= kernels::parallel_grain) {
    tile({base.data(), sizes.data(), dtypes.data(), o.data, n, &params});
    return {o.array};
  }
  const std::size_t out_item = itemsize(out[0].dtype);
  kernels::parallel_for(n, kernels::parallel_grain, [&](std::int64_t begin, std::int64_t end) {
    std::vector<const std::byte*> ptrs(base);
    std::vector<std::int64_t> part(sizes);
    for (std::size_t i = 0; i < ptrs.size(); ++i)
      if (sizes[i] == n) {
        ptrs[i] += static_cast<std::size_t>(begin) * itemsize(dtypes[i]);
        part[i] = end - begin;
      }
    tile({ptrs.data(), part.data(), dtypes.data(), o.data + static_cast<std::size_t>(begin) * out_item, end - begin,
          &params});
  });
  return {o.array};
}

}  // namespace xjax
