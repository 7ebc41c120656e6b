// lax.padtype_to_pads for the windowed ops (include/xjax/padding.hpp).
#include "xjax/padding.hpp"

#include <algorithm>
#include <cctype>

#include "xjax/dtype.hpp"
#include "xjax/errors.hpp"

namespace xjax {

PadPairs padding_pairs(const char* op, const Padding& padding, const Shape& in_sizes, const Shape& window,
                       const std::vector<std::int64_t>& strides) {
  const std::size_t nd = in_sizes.size();
  if (padding.is_explicit()) {
    if (padding.pairs().size() != nd)
      throw ShapeError(op, "padding has ", padding.pairs().size(), " (low, high) pairs for the ", nd,
                       " padded axes of extents ", shape_str(in_sizes));
    return padding.pairs();
  }
  std::string mode = padding.mode();
  std::transform(mode.begin(), mode.end(), mode.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (mode == "VALID") return PadPairs(nd, {0, 0});
  if (mode != "SAME" && mode != "SAME_LOWER")
    throw ValueError(op, "padding must be \"SAME\", \"SAME_LOWER\", \"VALID\" or (low, high) pairs, got \"",
                     padding.mode(), "\"");
  PadPairs r;
  for (std::size_t d = 0; d < nd; ++d) {
    if (strides[d] < 1 || window[d] < 1) {  // the op's own checks report these
      r.emplace_back(0, 0);
      continue;
    }
    const std::int64_t out = (in_sizes[d] + strides[d] - 1) / strides[d];
    const std::int64_t total = std::max<std::int64_t>(0, (out - 1) * strides[d] + window[d] - in_sizes[d]);
    r.emplace_back(mode == "SAME" ? total / 2 : total - total / 2, mode == "SAME" ? total - total / 2 : total / 2);
  }
  return r;
}

}  // namespace xjax
