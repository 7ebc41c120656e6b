// The tangent algebra and batching helpers that rules and interpreters share.
#include "trace/rules.hpp"

#include "xjax/ops.hpp"

namespace xjax {

Tangent add_tangents(const Tangent& a, const Tangent& b) {
  if (!a) return b;
  if (!b) return a;
  return add(*a, *b);
}

Array zeros_for(const ShapedArray& aval) { return zeros(aval.shape, aval.dtype); }

Array instantiate(const Tangent& t, const ShapedArray& aval) { return t ? *t : zeros_for(aval); }

Array unbroadcast(const Array& ct, const ShapedArray& operand) {
  Array r = (operand.ndim() == 0 && ct.ndim() > 0) ? sum(ct) : ct;
  return r.dtype() == operand.dtype ? r : r.astype(operand.dtype);
}

std::int64_t batch_size(const Arrays& vals, const BatchDims& dims) {
  for (std::size_t i = 0; i < vals.size(); ++i)
    if (dims[i]) return vals[i].shape()[static_cast<std::size_t>(*dims[i])];
  throw TransformError("vmap", "batching rule called without a mapped operand");
}

Array move_batch_axis(const Array& x, BatchDim from, int to, std::int64_t size) {
  // A rule may ask for the axis of another operand; one of a different rank cannot take it.
  if (to < 0 || to > x.ndim() - (from ? 1 : 0))
    throw ShapeError("vmap", "cannot place the batch axis at ", to, " of an operand ", x.aval(),
                     from ? " (mapped)" : " (unmapped): the operands' ranks differ");
  if (from) return *from == to ? x : moveaxis(x, *from, to);
  Shape s = x.shape();
  s.insert(s.begin() + to, size);
  Ints dims;
  for (int i = 0; i < x.ndim(); ++i) dims.push_back(i < to ? i : i + 1);
  return broadcast_in_dim(x, s, dims);
}

}  // namespace xjax
