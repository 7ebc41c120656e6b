// jax.Array's methods (x.sum(), x.T(), x.reshape(...)): one-line forwarders to the free functions.
#include "xjax/ops.hpp"

namespace xjax {

Array Array::T() const { return xjax::transpose(*this); }
Array Array::mT() const {
  if (ndim() < 2) throw ValueError("mT", "needs at least 2 axes, got ", aval());
  return swapaxes(*this, -1, -2);
}
Array Array::sum() const { return xjax::sum(*this); }
Array Array::sum(const AxisSpec& axes, bool keepdims) const { return xjax::sum(*this, axes, keepdims); }
Array Array::prod() const { return xjax::prod(*this); }
Array Array::prod(const AxisSpec& axes, bool keepdims) const { return xjax::prod(*this, axes, keepdims); }
Array Array::mean() const { return xjax::mean(*this); }
Array Array::mean(const AxisSpec& axes, bool keepdims) const { return xjax::mean(*this, axes, keepdims); }
Array Array::var() const { return xjax::var(*this); }
Array Array::var(const AxisSpec& axes, bool keepdims, int ddof) const { return xjax::var(*this, axes, keepdims, ddof); }
Array Array::std() const { return xjax::std(*this); }
Array Array::std(const AxisSpec& axes, bool keepdims, int ddof) const { return xjax::std(*this, axes, keepdims, ddof); }
Array Array::max() const { return xjax::max(*this); }
Array Array::max(const AxisSpec& axes, bool keepdims) const { return xjax::max(*this, axes, keepdims); }
Array Array::min() const { return xjax::min(*this); }
Array Array::min(const AxisSpec& axes, bool keepdims) const { return xjax::min(*this, axes, keepdims); }
Array Array::argmax(std::optional<int> axis, bool keepdims) const { return xjax::argmax(*this, axis, keepdims); }
Array Array::argmin(std::optional<int> axis, bool keepdims) const { return xjax::argmin(*this, axis, keepdims); }
Array Array::cumsum(std::optional<int> axis, bool reverse) const { return xjax::cumsum(*this, axis, reverse); }
Array Array::reshape(const Shape& shape) const { return xjax::reshape(*this, shape); }
Array Array::transpose(const std::vector<std::int64_t>& perm) const { return xjax::transpose(*this, perm); }
Array Array::ravel() const { return xjax::ravel(*this); }
Array Array::flatten() const { return xjax::ravel(*this); }
Array Array::squeeze() const { return xjax::squeeze(*this); }
Array Array::squeeze(const AxisSpec& axes) const { return xjax::squeeze(*this, axes); }
Array Array::clip(const Array& lo, const Array& hi) const { return xjax::clip(*this, lo, hi); }
Array Array::round() const { return xjax::round(*this); }
Array Array::dot(const Array& y) const { return xjax::dot(*this, y); }

}  // namespace xjax
