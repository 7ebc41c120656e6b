// Argument handling shared by xjax::special and xjax::stats (jax.scipy's functions).
#pragma once
#include "xjax/array.hpp"

namespace xjax::scipy_detail {

// jnp's promotion to a floating dtype: floats stay, int64 -> float64, other ints and bool -> float32.
DType inexact_dtype(DType d);
Array inexact(const Array& x);
// The arguments in their common floating dtype (broadcast to one shape when `broadcast`); a
// ShapeError naming op unless they broadcast.
Arrays promote(const char* op, const Arrays& xs, bool broadcast = false);

}  // namespace xjax::scipy_detail
