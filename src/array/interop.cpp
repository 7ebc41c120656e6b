// The non-template half of the xtensor interop: converting copies out of concrete arrays.
#include "xjax/interop.hpp"

#include "array/array_impl.hpp"
#include "kernels/dispatch.hpp"

namespace xjax::detail {

void copy_converted(const Array& x, DType dtype, void* out) {
  const Array c = to_concrete(x, "to_xarray");
  const std::byte* src = buffer_of(c).data();
  const std::int64_t n = c.size();
  dispatch_any_dtype(c.dtype(), [&](auto from) {
    using From = typename decltype(from)::type;
    dispatch_any_dtype(dtype, [&](auto to) {
      using To = typename decltype(to)::type;
      const From* s = reinterpret_cast<const From*>(src);
      To* d = static_cast<To*>(out);
      for (std::int64_t i = 0; i < n; ++i) d[i] = convert_checked<To>(s[i], "to_xarray");
    });
  });
}

}  // namespace xjax::detail
