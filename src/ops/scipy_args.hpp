// Argument handling shared by xjax::special and xjax::stats (jax.scipy's functions).
#pragma once
#include "primitives/common.hpp"

namespace xjax::scipy_detail {

using xjax::inexact;
using xjax::inexact_dtype;
// The arguments in their common floating dtype (broadcast to one shape when `broadcast`); a
// ShapeError naming op unless they broadcast.
Arrays promote(const char* op, const Arrays& xs, bool broadcast = false);

}  // namespace xjax::scipy_detail
