// Lax-style entry points of the shape primitives (canonical params, no numpy conveniences), shared
// by the shape family's files and usable by other families' rules.
#pragma once
#include "primitives/common.hpp"

namespace xjax::lax {

Array reshape(const Array& x, const Shape& new_sizes);  // same size; no -1
Array squeeze(const Array& x, const Ints& dimensions);  // normalised axes, each of extent 1
Array transpose(const Array& x, const Ints& permutation);
// Pads by lo/hi (negative: crops) and `interior` elements between neighbours, with the 0-d value.
Array pad(const Array& x, const Array& value, const Ints& lo, const Ints& hi, const Ints& interior);
Array slice(const Array& x, const Ints& start, const Ints& limit, const Ints& strides);  // 0 <= start <= limit
Array rev(const Array& x, const Ints& dimensions);
Array concatenate(const Arrays& xs, int dimension);  // same dtype
// Start indices are 0-d integers, clamped so that the window fits (negative ones are not wrapped here).
Array dynamic_slice(const Array& x, const Arrays& start, const Ints& sizes);
Array dynamic_update_slice(const Array& x, const Array& update, const Arrays& start);

}  // namespace xjax::lax

namespace xjax {
// A zero-copy view of x's buffer with another aval of the same dtype, starting `offset` elements in.
Array view_as(const Array& x, const ShapedArray& aval, std::int64_t offset = 0);
// Canonical axis params of a primitive: each in [0, ndim), none repeated.
void check_dimensions(const char* op, const char* what, const Ints& dims, const ShapedArray& a);
// Whether a tangent of this aval can be non-zero (integer and bool values have zero derivative).
inline bool differentiable(const ShapedArray& a) { return is_inexact(a.dtype); }
}  // namespace xjax
