// Padding of windowed ops (conv_general_dilated, reduce_window and the pools), as jax.lax.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "xjax/array.hpp"

namespace xjax {

// Explicit (low, high) padding, one pair per padded dimension; negative values crop.
using PadPairs = std::vector<std::pair<std::int64_t, std::int64_t>>;

// "VALID" (none), "SAME" (output extent ceil(n / stride), the odd element on the high side),
// "SAME_LOWER" (the odd element on the low side), in any case, or explicit pairs:
// reduce_window(x, 0.0, WindowOp::sum, {3, 3}, {1, 1}, {{1, 1}, {0, 2}}).
class Padding {
 public:
  Padding(const char* mode) : mode_(mode) {}                                      // NOLINT(google-explicit-constructor)
  Padding(std::string mode) : mode_(std::move(mode)) {}                           // NOLINT(google-explicit-constructor)
  Padding(PadPairs pairs) : pairs_(std::move(pairs)), explicit_(true) {}          // NOLINT(google-explicit-constructor)
  Padding(std::initializer_list<std::pair<std::int64_t, std::int64_t>> pairs)    // NOLINT(google-explicit-constructor)
      : pairs_(pairs), explicit_(true) {}
  bool is_explicit() const { return explicit_; }
  const std::string& mode() const { return mode_; }  // empty for explicit pairs
  const PadPairs& pairs() const { return pairs_; }

 private:
  std::string mode_;
  PadPairs pairs_;
  bool explicit_ = false;
};

// lax.padtype_to_pads: the explicit pairs of `padding` for these extents, (dilated) window sizes
// and strides. A wrong number of pairs is a ShapeError, an unknown mode a ValueError (naming op).
PadPairs padding_pairs(const char* op, const Padding& padding, const Shape& in_sizes, const Shape& window,
                       const std::vector<std::int64_t>& strides);

}  // namespace xjax
