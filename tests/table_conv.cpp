// Rule-table rows for conv_general_dilated: each padding form, strides, dilations, groups of both
// kinds, channels-last layouts, 1-d to 3-d, empty outputs and integers.
#include <cmath>

#include "table.hpp"
#include "xjax/conv.hpp"

namespace xjax::test {
namespace {

// Deterministic float64 values of a given shape (distinct, of both signs).
Array vals(const Shape& s, int seed) {
  std::vector<double> v(static_cast<std::size_t>(shape_size(s)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::sin(0.7 * static_cast<double>(i) + 0.41 * seed) + 0.05 * seed;
  return array(v, s);
}

using Pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;

PrimCase cv(const char* label, Shape xs, Shape ws, Ints strides, Padding pad, Ints ld = {}, Ints rd = {},
            ConvDimensions dn = {}, std::int64_t fg = 1, std::int64_t bg = 1) {
  return {"conv_general_dilated",
          [=](const Arrays& a) { return conv_general_dilated(a[0], a[1], strides, pad, ld, rd, dn, fg, bg); },
          {vals(xs, 1), vals(ws, 2)},
          true,
          label};
}

const bool registered = add_cases({
    cv("1-d valid", {2, 2, 6}, {3, 2, 3}, {1}, "VALID"),
    cv("2-d same", {2, 2, 4, 4}, {3, 2, 3, 3}, {1, 1}, "SAME"),
    cv("2-d strided same_lower", {1, 2, 5, 6}, {2, 2, 2, 3}, {2, 3}, "SAME_LOWER"),
    cv("2-d explicit and negative padding", {1, 2, 5, 4}, {2, 2, 2, 2}, {1, 1}, Pairs{{2, -1}, {-1, 1}}),
    cv("2-d lhs and rhs dilation", {1, 1, 4, 3}, {2, 1, 2, 2}, {1, 2}, Pairs{{1, 1}, {0, 2}}, {2, 1}, {1, 2}),
    cv("2-d feature groups", {2, 4, 3, 3}, {4, 2, 2, 2}, {1, 1}, "SAME", {}, {}, {}, 2),
    cv("2-d depthwise", {1, 3, 4, 3}, {3, 1, 3, 2}, {1, 1}, "VALID", {}, {}, {}, 3),
    cv("2-d batch groups", {4, 2, 3, 3}, {4, 2, 2, 2}, {1, 1}, "VALID", {}, {}, {}, 1, 2),
    cv("2-d NHWC / HWIO", {2, 4, 3, 2}, {2, 2, 2, 3}, {2, 1}, "SAME", {}, {}, {"NHWC", "HWIO", "NHWC"}),
    cv("2-d NHWC with groups", {1, 3, 3, 4}, {2, 2, 2, 4}, {1, 1}, "SAME", {}, {}, {"NHWC", "HWIO", "NHWC"}, 2),
    cv("2-d batch groups, mixed layouts and strides", {3, 4, 4, 2}, {2, 3, 2, 2}, {2, 1}, "SAME", {}, {},
       {"HNWC", "IHWO", "NCHW"}, 1, 2),
    cv("3-d", {1, 2, 3, 3, 3}, {2, 2, 2, 2, 2}, {1, 1, 2}, "SAME"),
    cv("no spatial axes", {3, 4}, {2, 4}, {}, "VALID"),
    cv("empty output", {1, 2, 2, 2}, {2, 2, 3, 3}, {1, 1}, "VALID"),
    {"conv_general_dilated",
     [](const Arrays& a) { return conv(a[0], a[1], {1}, "SAME"); },
     {array(std::vector<std::int32_t>{1, -2, 3, 4, 5, -6}, {1, 1, 6}),
      array(std::vector<std::int32_t>{2, 0, -1}, {1, 1, 3})},
     false,
     "int32"},
    {"conv_general_dilated",
     [](const Arrays& a) { return conv(a[0], a[1], {1}, "VALID"); },
     {reshape(array({true, false, true, true}), {1, 1, 4}), reshape(array({true, true}), {1, 1, 2})},
     false,
     "bool"},
});

}  // namespace
}  // namespace xjax::test
