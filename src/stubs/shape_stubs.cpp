// TEMPORARY link stubs for the shape family: delete each stub as its real definition lands, then this file.
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "xjax/ops.hpp"

namespace xjax {
Array reshape(const Array& x, const Shape& shape) { throw ValueError("reshape", "not implemented yet"); }
Array ravel(const Array& x) { throw ValueError("ravel", "not implemented yet"); }
Array broadcast_to(const Array& x, const Shape& shape) { throw ValueError("broadcast_to", "not implemented yet"); }
Array broadcast_in_dim(const Array& x, const Shape& shape, const Ints& broadcast_dimensions) { throw ValueError("broadcast_in_dim", "not implemented yet"); }
std::vector<Array> broadcast_arrays(const std::vector<Array>& xs) { throw ValueError("broadcast_arrays", "not implemented yet"); }
Shape broadcast_shapes(const Shape& a, const Shape& b) { throw ValueError("broadcast_shapes", "not implemented yet"); }
Array expand_dims(const Array& x, AxisSpec axes) { throw ValueError("expand_dims", "not implemented yet"); }
Array squeeze(const Array& x, AxisSpec axes) { throw ValueError("squeeze", "not implemented yet"); }
Array transpose(const Array& x, const Ints& perm) { throw ValueError("transpose", "not implemented yet"); }
Array moveaxis(const Array& x, int source, int destination) { throw ValueError("moveaxis", "not implemented yet"); }
Array swapaxes(const Array& x, int a, int b) { throw ValueError("swapaxes", "not implemented yet"); }
Array slice(const Array& x, const Ints& start, const Ints& stop, const Ints& step) { throw ValueError("slice", "not implemented yet"); }
Array slice_in_dim(const Array& x, std::int64_t start, std::int64_t stop, std::int64_t step, int axis) { throw ValueError("slice_in_dim", "not implemented yet"); }
Array dynamic_slice(const Array& x, const std::vector<Array>& start, const Ints& sizes) { throw ValueError("dynamic_slice", "not implemented yet"); }
Array dynamic_update_slice(const Array& x, const Array& update, const std::vector<Array>& start) { throw ValueError("dynamic_update_slice", "not implemented yet"); }
Array concatenate(const std::vector<Array>& xs, int axis) { throw ValueError("concatenate", "not implemented yet"); }
Array stack(const std::vector<Array>& xs, int axis) { throw ValueError("stack", "not implemented yet"); }
std::vector<Array> split(const Array& x, std::int64_t sections, int axis) { throw ValueError("split", "not implemented yet"); }
std::vector<Array> split(const Array& x, const Ints& indices, int axis) { throw ValueError("split", "not implemented yet"); }
Array pad(const Array& x, const std::vector<std::pair<std::int64_t, std::int64_t>>& widths, const Array& value) { throw ValueError("pad", "not implemented yet"); }
Array flip(const Array& x, AxisSpec axes) { throw ValueError("flip", "not implemented yet"); }
}  // namespace xjax
