// The conv_general_dilated primitive's params and its rules, shared by the primitive's files
// (conv.cpp: shape rule and kernel; conv_rules.cpp: JVP, transposes and batching).
#pragma once
#include <string>

#include "primitives/common.hpp"
#include "xjax/conv.hpp"

namespace xjax::conv_detail {

// Everything the primitive's params hold, with spatial lists of one entry per spatial axis.
struct ConvParams {
  Ints strides, pad_lo, pad_hi, lhs_dilation, rhs_dilation;
  ConvDimensionNumbers dn;
  std::int64_t feature_groups = 1, batch_groups = 1;
};

ConvParams conv_params_of(const Params& p);
Params params_of(const ConvParams& c);
Array bind_conv(const Array& lhs, const Array& rhs, const ConvParams& c);

// 0 for 0, else (d - 1) * s + 1: the extent of d elements with s - 1 holes between neighbours.
inline std::int64_t dilated(std::int64_t d, std::int64_t s) { return d == 0 ? 0 : (d - 1) * s + 1; }

// "(a, b, c)" for error messages.
inline std::string str(const Ints& v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + ")";
}

Tangents conv_jvp(const Arrays& x, const Tangents& t, const Arrays&, const Params& params);
Tangents conv_transpose_rule(const Tangents& ct, const LinearArgs& a, const Params& params);
std::pair<Arrays, BatchDims> conv_batch(const Primitive&, const Arrays& v, const BatchDims& bd, const Params& params);

}  // namespace xjax::conv_detail
