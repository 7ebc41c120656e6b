// Convolutions as jax.lax: conv_general_dilated (N-d, strides, padding, lhs/rhs dilation, feature
// and batch groups, dimension numbers) and the conv / conv_transpose conveniences built on it.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "xjax/ops.hpp"
#include "xjax/padding.hpp"

namespace xjax {

// lax.ConvDimensionNumbers: lhs_spec = (batch, feature, spatial...), rhs_spec = (out feature,
// in feature, spatial...), out_spec = (batch, feature, spatial...), each a list of axis numbers.
struct ConvDimensionNumbers {
  Ints lhs_spec, rhs_spec, out_spec;
};

// Dimension numbers as lax accepts them: the default (NCHW, OIHW, NCHW), explicit axis numbers, or
// three layout strings such as {"NHWC", "HWIO", "NHWC"} (N/C, O/I name batch and feature axes; any
// other letters are spatial, matched between the strings by letter).
class ConvDimensions {
 public:
  ConvDimensions() = default;
  ConvDimensions(ConvDimensionNumbers numbers) : numbers_(std::move(numbers)), given_(true) {}
  ConvDimensions(std::string lhs, std::string rhs, std::string out)
      : strings_{std::move(lhs), std::move(rhs), std::move(out)}, from_strings_(true) {}
  // The axis numbers for operands of these ranks; ValueError naming `op` when they do not fit.
  ConvDimensionNumbers resolve(const char* op, int lhs_ndim, int rhs_ndim) const;
  bool is_default() const { return !given_ && !from_strings_; }

 private:
  ConvDimensionNumbers numbers_;
  std::array<std::string, 3> strings_;
  bool given_ = false, from_strings_ = false;
};

// jax.lax.conv_general_dilated. Empty strides/dilations mean 1 on every spatial axis. Operands share
// one dtype (a DTypeError otherwise, as lax); integers are accepted and wrap.
Array conv_general_dilated(const Array& lhs, const Array& rhs, const Ints& window_strides, const Padding& padding,
                           const Ints& lhs_dilation = {}, const Ints& rhs_dilation = {},
                           const ConvDimensions& dimension_numbers = {}, std::int64_t feature_group_count = 1,
                           std::int64_t batch_group_count = 1);

// jax.lax.conv: NCHW input, OIHW kernel, no dilation or groups.
Array conv(const Array& lhs, const Array& rhs, const Ints& window_strides, const Padding& padding);

// jax.lax.conv_transpose (transpose_kernel = false): the gradient-of-conv shaped convolution, the
// input dilated by `strides`; dimension numbers default to NC.../IO.../NC... for these ranks.
Array conv_transpose(const Array& lhs, const Array& rhs, const Ints& strides, const Padding& padding,
                     const Ints& rhs_dilation = {}, const ConvDimensions& dimension_numbers = {},
                     bool transpose_kernel = false);

}  // namespace xjax
