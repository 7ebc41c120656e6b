// The public convolutions: dimension-number strings and padding modes resolved as jax.lax does,
// then one conv_general_dilated equation.
#include "primitives/conv.hpp"

#include <algorithm>

#include "primitives/shape.hpp"

namespace xjax {
namespace {

// One layout string's axis numbers: the two named letters first, then the spatial letters in the
// order they appear in the kernel's string (lax.conv_general_permutations).
Ints spec_of(const char* op, const std::string& s, char first, char second, const std::string& kernel, int ndim) {
  if (static_cast<int>(s.size()) != ndim)
    throw ValueError(op, "dimension numbers '", s, "' need one letter per axis of a rank-", ndim, " operand");
  for (char ch : s)
    if (std::count(s.begin(), s.end(), ch) != 1)
      throw ValueError(op, "dimension numbers '", s, "' repeat the letter '", ch, "'");
  const auto first_at = s.find(first), second_at = s.find(second);
  if (first_at == std::string::npos || second_at == std::string::npos)
    throw ValueError(op, "dimension numbers '", s, "' must contain '", first, "' and '", second, "' once");
  Ints spec{static_cast<std::int64_t>(first_at), static_cast<std::int64_t>(second_at)};
  for (char ch : kernel) {
    if (ch == 'O' || ch == 'I') continue;
    const auto at = s.find(ch);
    if (at == std::string::npos || ch == 'N' || ch == 'C')
      throw ValueError(op, "dimension numbers '", s, "' lack the kernel's spatial letter '", ch, "' (kernel '", kernel,
                       "')");
    spec.push_back(static_cast<std::int64_t>(at));
  }
  return spec;
}

Ints ones_if_empty(const char* op, const char* what, const Ints& v, std::size_t nd) {
  if (v.empty()) return Ints(nd, 1);
  if (v.size() != nd)
    throw ValueError(op, what, " needs one entry per spatial axis (", nd, "), got ", conv_detail::str(v));
  for (std::int64_t x : v)
    if (x <= 0) throw ValueError(op, what, " must be positive, got ", conv_detail::str(v));
  return v;
}

std::int64_t dim(const Array& x, std::int64_t a) { return x.shape()[static_cast<std::size_t>(a)]; }

}  // namespace

ConvDimensionNumbers ConvDimensions::resolve(const char* op, int lhs_ndim, int rhs_ndim) const {
  if (lhs_ndim != rhs_ndim) throw ShapeError(op, "lhs and rhs need the same rank, got ", lhs_ndim, " and ", rhs_ndim);
  if (given_) return numbers_;
  if (!from_strings_) {
    Ints iota(static_cast<std::size_t>(lhs_ndim));
    for (std::size_t i = 0; i < iota.size(); ++i) iota[i] = static_cast<std::int64_t>(i);
    return {iota, iota, iota};
  }
  const std::string& kernel = strings_[1];
  return {spec_of(op, strings_[0], 'N', 'C', kernel, lhs_ndim), spec_of(op, kernel, 'O', 'I', kernel, rhs_ndim),
          spec_of(op, strings_[2], 'N', 'C', kernel, lhs_ndim)};
}

Array conv_general_dilated(const Array& lhs, const Array& rhs, const Ints& window_strides, const Padding& padding,
                           const Ints& lhs_dilation, const Ints& rhs_dilation, const ConvDimensions& dimension_numbers,
                           std::int64_t feature_group_count, std::int64_t batch_group_count) {
  const char* op = "conv_general_dilated";
  conv_detail::ConvParams c;
  c.dn = dimension_numbers.resolve(op, lhs.ndim(), rhs.ndim());
  if (lhs.ndim() < 2 || c.dn.lhs_spec.size() != static_cast<std::size_t>(lhs.ndim()) ||
      c.dn.rhs_spec.size() != static_cast<std::size_t>(rhs.ndim()))
    throw ShapeError(op, "operands need a batch and a feature axis and dimension numbers of their rank, got ",
                     lhs.aval(), " and ", rhs.aval());
  const std::size_t nd = static_cast<std::size_t>(lhs.ndim() - 2);
  c.strides = ones_if_empty(op, "window_strides", window_strides, nd);
  c.lhs_dilation = ones_if_empty(op, "lhs_dilation", lhs_dilation, nd);
  c.rhs_dilation = ones_if_empty(op, "rhs_dilation", rhs_dilation, nd);
  c.feature_groups = feature_group_count;
  c.batch_groups = batch_group_count;
  Shape in_sizes, window;
  for (std::size_t d = 0; d < nd; ++d) {
    const std::int64_t la = c.dn.lhs_spec[d + 2], ra = c.dn.rhs_spec[d + 2];
    if (la < 0 || la >= lhs.ndim() || ra < 0 || ra >= rhs.ndim())
      throw ValueError(op, "dimension numbers out of range for ", lhs.aval(), " and ", rhs.aval());
    in_sizes.push_back(dim(lhs, la));  // lax pads the undilated input (padtype_to_pads)
    window.push_back(conv_detail::dilated(dim(rhs, ra), c.rhs_dilation[d]));
  }
  for (const auto& [lo, hi] : padding_pairs(op, padding, in_sizes, window, c.strides)) {
    c.pad_lo.push_back(lo);
    c.pad_hi.push_back(hi);
  }
  return conv_detail::bind_conv(lhs, rhs, c);
}

Array conv(const Array& lhs, const Array& rhs, const Ints& window_strides, const Padding& padding) {
  return conv_general_dilated(lhs, rhs, window_strides, padding);
}

Array conv_transpose(const Array& lhs, const Array& rhs, const Ints& strides, const Padding& padding,
                     const Ints& rhs_dilation, const ConvDimensions& dimension_numbers, bool transpose_kernel) {
  const char* op = "conv_transpose";
  if (lhs.ndim() != rhs.ndim() || lhs.ndim() < 2)
    throw ShapeError(op, "operands need one rank of at least 2, got ", lhs.aval(), " and ", rhs.aval());
  const ConvDimensionNumbers dn = [&] {
    static const char* const layouts[4][3] = {
        {"NC", "IO", "NC"}, {"NHC", "HIO", "NHC"}, {"NHWC", "HWIO", "NHWC"}, {"NHWDC", "HWDIO", "NHWDC"}};
    ConvDimensionNumbers given = dimension_numbers.resolve(op, lhs.ndim(), rhs.ndim());
    if (!dimension_numbers.is_default()) return given;
    if (lhs.ndim() > 5) throw ValueError(op, "no default dimension numbers for rank ", lhs.ndim(), "; pass them");
    const auto* l = layouts[lhs.ndim() - 2];
    return ConvDimensions(l[0], l[1], l[2]).resolve(op, lhs.ndim(), rhs.ndim());
  }();
  const std::size_t nd = static_cast<std::size_t>(lhs.ndim() - 2);
  const Ints rd = ones_if_empty(op, "rhs_dilation", rhs_dilation, nd);
  const Ints st = ones_if_empty(op, "strides", strides, nd);
  Padding pads = padding;
  std::string mode = padding.mode();
  if (mode == "SAME" || mode == "VALID") {
    PadPairs p;
    for (std::size_t d = 0; d < nd; ++d) {
      const std::int64_t k = conv_detail::dilated(dim(rhs, dn.rhs_spec[d + 2]), rd[d]), s = st[d];
      // The padding that makes this the gradient of a forward conv with this mode.
      const std::int64_t total = mode == "SAME" ? k + s - 2 : k + s - 2 + std::max<std::int64_t>(k - s, 0);
      const std::int64_t lo = mode == "SAME" && s <= k - 1 ? (total + 1) / 2 : k - 1;
      p.emplace_back(lo, total - lo);
    }
    pads = Padding(p);
  }
  Array w = rhs;
  if (transpose_kernel) {
    w = lax::rev(w, Ints(dn.rhs_spec.begin() + 2, dn.rhs_spec.end()));
    w = swapaxes(w, static_cast<int>(dn.rhs_spec[0]), static_cast<int>(dn.rhs_spec[1]));
  }
  return conv_general_dilated(lhs, w, Ints(nd, 1), pads, st, rd, dn);
}

}  // namespace xjax
