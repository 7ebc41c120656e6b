// TEMPORARY link stubs for the reduction family: delete each stub as its real definition lands, then this file.
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "xjax/ops.hpp"

namespace xjax {
Array sum(const Array& x, AxisSpec axes, bool keepdims) { throw ValueError("sum", "not implemented yet"); }
Array prod(const Array& x, AxisSpec axes, bool keepdims) { throw ValueError("prod", "not implemented yet"); }
Array max(const Array& x, AxisSpec axes, bool keepdims) { throw ValueError("max", "not implemented yet"); }
Array min(const Array& x, AxisSpec axes, bool keepdims) { throw ValueError("min", "not implemented yet"); }
Array any(const Array& x, AxisSpec axes, bool keepdims) { throw ValueError("any", "not implemented yet"); }
Array all(const Array& x, AxisSpec axes, bool keepdims) { throw ValueError("all", "not implemented yet"); }
Array mean(const Array& x, AxisSpec axes, bool keepdims) { throw ValueError("mean", "not implemented yet"); }
Array var(const Array& x, AxisSpec axes, bool keepdims, int ddof) { throw ValueError("var", "not implemented yet"); }
Array std(const Array& x, AxisSpec axes, bool keepdims, int ddof) { throw ValueError("std", "not implemented yet"); }
Array logsumexp(const Array& x, AxisSpec axes, bool keepdims) { throw ValueError("logsumexp", "not implemented yet"); }
Array argmax(const Array& x, std::optional<int> axis, bool keepdims) { throw ValueError("argmax", "not implemented yet"); }
Array argmin(const Array& x, std::optional<int> axis, bool keepdims) { throw ValueError("argmin", "not implemented yet"); }
Array cumsum(const Array& x, std::optional<int> axis, bool reverse) { throw ValueError("cumsum", "not implemented yet"); }
Array cumprod(const Array& x, std::optional<int> axis, bool reverse) { throw ValueError("cumprod", "not implemented yet"); }
}  // namespace xjax
