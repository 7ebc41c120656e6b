// Index maps for layout rules in register regions (src/trace/lowering.hpp).
#include "trace/lowering.hpp"

namespace xjax::lowering {

Ints strides_of(const Shape& shape) {
  Ints s(shape.size(), 1);
  for (std::size_t i = shape.size(); i-- > 1;) s[i - 1] = s[i] * shape[i];
  return s;
}

Ints strided_index(const Shape& out, const Ints& src_strides, std::int64_t offset) {
  Ints index(static_cast<std::size_t>(shape_size(out)));
  Ints coord(out.size(), 0);
  for (std::int64_t& at : index) {
    std::int64_t src = offset;
    for (std::size_t d = 0; d < out.size(); ++d) src += coord[d] * src_strides[d];
    at = src;
    for (std::size_t d = out.size(); d-- > 0;) {
      if (++coord[d] < out[d]) break;
      coord[d] = 0;
    }
  }
  return index;
}

}  // namespace xjax::lowering
