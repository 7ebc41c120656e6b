// TEMPORARY link stubs for the indexing family: delete each stub as its real definition lands, then this file.
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "xjax/ops.hpp"

namespace xjax {
Array zeros(const Shape& shape, DType dtype) { throw ValueError("zeros", "not implemented yet"); }
Array ones(const Shape& shape, DType dtype) { throw ValueError("ones", "not implemented yet"); }
Array full(const Shape& shape, const Array& value, std::optional<DType> dtype) { throw ValueError("full", "not implemented yet"); }
Array zeros_like(const Array& x, std::optional<DType> dtype) { throw ValueError("zeros_like", "not implemented yet"); }
Array ones_like(const Array& x, std::optional<DType> dtype) { throw ValueError("ones_like", "not implemented yet"); }
Array full_like(const Array& x, const Array& value, std::optional<DType> dtype) { throw ValueError("full_like", "not implemented yet"); }
Array arange(double stop, DType dtype) { throw ValueError("arange", "not implemented yet"); }
Array arange(double start, double stop, double step, DType dtype) { throw ValueError("arange", "not implemented yet"); }
Array linspace(double start, double stop, std::int64_t num, bool endpoint, DType dtype) { throw ValueError("linspace", "not implemented yet"); }
Array eye(std::int64_t n, std::optional<std::int64_t> m, std::int64_t k, DType dtype) { throw ValueError("eye", "not implemented yet"); }
Array iota(DType dtype, const Shape& shape, int dimension) { throw ValueError("iota", "not implemented yet"); }
Array diagonal(const Array& x, std::int64_t offset, int axis1, int axis2) { throw ValueError("diagonal", "not implemented yet"); }
Array trace(const Array& x, std::int64_t offset, int axis1, int axis2) { throw ValueError("trace", "not implemented yet"); }
Array tril(const Array& x, std::int64_t k) { throw ValueError("tril", "not implemented yet"); }
Array triu(const Array& x, std::int64_t k) { throw ValueError("triu", "not implemented yet"); }
Array take(const Array& x, const Array& indices, std::optional<int> axis) { throw ValueError("take", "not implemented yet"); }
Array take_along_axis(const Array& x, const Array& indices, int axis) { throw ValueError("take_along_axis", "not implemented yet"); }
Array one_hot(const Array& indices, std::int64_t num_classes, DType dtype) { throw ValueError("one_hot", "not implemented yet"); }
AtIndex at(const Array& x, const Array& indices) { throw ValueError("at", "not implemented yet"); }
Array sort(const Array& x, int axis, bool descending) { throw ValueError("sort", "not implemented yet"); }
Array argsort(const Array& x, int axis, bool descending) { throw ValueError("argsort", "not implemented yet"); }
Array AtIndex::set(const Array&) const { throw ValueError("at", "not implemented yet"); }
Array AtIndex::add(const Array&) const { throw ValueError("at", "not implemented yet"); }
Array AtIndex::multiply(const Array&) const { throw ValueError("at", "not implemented yet"); }
Array AtIndex::min(const Array&) const { throw ValueError("at", "not implemented yet"); }
Array AtIndex::max(const Array&) const { throw ValueError("at", "not implemented yet"); }
Array AtIndex::get() const { throw ValueError("at", "not implemented yet"); }
namespace nn {
Array relu(const Array&) { throw ValueError("nn", "not implemented yet"); }
Array softplus(const Array&) { throw ValueError("nn", "not implemented yet"); }
Array sigmoid(const Array&) { throw ValueError("nn", "not implemented yet"); }
Array gelu(const Array&, bool) { throw ValueError("nn", "not implemented yet"); }
Array softmax(const Array&, int) { throw ValueError("nn", "not implemented yet"); }
Array log_softmax(const Array&, int) { throw ValueError("nn", "not implemented yet"); }
}  // namespace nn
}  // namespace xjax
