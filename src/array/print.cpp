// Printing arrays as numpy's str() does with its default options: one float format chosen for the
// whole array (positional, or scientific when the magnitudes call for it, with at most 8 fractional
// digits of the shortest round-trip representation), rows wrapped at 75 columns, and arrays of more
// than 1000 elements summarised by the first and last 3 items along each axis.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "array/array_impl.hpp"
#include "kernels/dispatch.hpp"

namespace xjax {
namespace {

constexpr int max_precision = 8;      // fractional digits
constexpr std::int64_t threshold = 1000;  // more elements than this are summarised
constexpr std::int64_t edge_items = 3;
constexpr std::size_t line_width = 75;

// A finite float as sign, integer part, fractional digits and (scientific only) decimal exponent.
struct Parts {
  bool negative = false;
  std::string integer, fraction;
  int exponent = 0;
};

// "d.ddde+XX" as its digits without the point and its exponent.
void split_scientific(const std::string& s, std::string& digits, int& exponent) {
  std::size_t e = s.find('e');
  exponent = std::stoi(s.substr(e + 1));
  digits = s.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
}

// The shortest digits that read back as v: value = digits[0].digits[1..] * 10^exponent.
template <class T>
void shortest_digits(T v, std::string& digits, int& exponent) {
  char buf[64];
  auto end = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific).ptr;
  split_scientific(std::string(buf, end), digits, exponent);
}

std::string trim_zeros(std::string s) {
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}

// Positional: the shortest representation, rounded to at most max_frac fractional digits (any
// number when max_frac < 0), trailing zeros dropped.
template <class T>
Parts positional(T v, int max_frac) {
  Parts p;
  p.negative = std::signbit(v);
  std::string digits;
  int exponent = 0;
  shortest_digits(v, digits, exponent);
  int frac_count = std::max(0, static_cast<int>(digits.size()) - 1 - exponent);
  if (max_frac >= 0 && frac_count > max_frac) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", max_frac, std::fabs(static_cast<double>(v)));
    std::string s(buf);
    std::size_t dot = s.find('.');
    p.integer = s.substr(0, dot);
    p.fraction = dot == std::string::npos ? "" : trim_zeros(s.substr(dot + 1));
    return p;
  }
  if (exponent >= 0) {
    std::size_t int_len = static_cast<std::size_t>(exponent) + 1;
    p.integer = digits.substr(0, std::min(int_len, digits.size()));
    p.integer.append(int_len > digits.size() ? int_len - digits.size() : 0, '0');
    p.fraction = digits.size() > int_len ? digits.substr(int_len) : "";
  } else {
    p.integer = "0";
    p.fraction = std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  }
  p.fraction = trim_zeros(p.fraction);
  return p;
}

// Scientific: the shortest mantissa, rounded to at most max_frac fractional digits.
template <class T>
Parts scientific(T v, int max_frac) {
  Parts p;
  p.negative = std::signbit(v);
  std::string digits;
  shortest_digits(v, digits, p.exponent);
  if (max_frac >= 0 && static_cast<int>(digits.size()) - 1 > max_frac) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*e", max_frac, std::fabs(static_cast<double>(v)));
    split_scientific(buf, digits, p.exponent);
  }
  p.integer = digits.substr(0, 1);
  p.fraction = trim_zeros(digits.substr(1));
  return p;
}

std::string exponent_str(int exponent, std::size_t min_digits) {
  std::string d = std::to_string(std::abs(exponent));
  return std::string(exponent < 0 ? "e-" : "e+") + std::string(min_digits > d.size() ? min_digits - d.size() : 0, '0') + d;
}

const char* non_finite(double v) { return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"; }

// A 0-d float: positional between 1e-4 and 1e16 (and for zero) with at least one fractional
// digit, else scientific without trailing zeros.
template <class T>
std::string scalar_str(T v) {
  if (!std::isfinite(v)) return non_finite(static_cast<double>(v));
  double a = std::fabs(static_cast<double>(v));
  if (a == 0 || (a >= 1e-4 && a < 1e16)) {
    Parts p = positional(v, -1);
    return (p.negative ? "-" : "") + p.integer + "." + (p.fraction.empty() ? "0" : p.fraction);
  }
  Parts p = scientific(v, -1);
  return (p.negative ? "-" : "") + p.integer + (p.fraction.empty() ? "" : "." + p.fraction) + exponent_str(p.exponent, 2);
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

// One format for all elements shown, as numpy's FloatingFormat with precision 8 and 'maxprec'.
template <class T>
class FloatFormat {
 public:
  explicit FloatFormat(const std::vector<T>& shown) {
    std::vector<T> finite;
    bool negative_inf = false, any_non_finite = false;
    for (T v : shown) {
      if (std::isfinite(v)) finite.push_back(v);
      else {
        any_non_finite = true;
        negative_inf = negative_inf || (std::isinf(v) && v < 0);
      }
    }
    double max_abs = 0, min_abs = 0;
    for (T v : finite) {
      double a = std::fabs(static_cast<double>(v));
      if (a == 0) continue;
      max_abs = std::max(max_abs, a);
      min_abs = min_abs == 0 ? a : std::min(min_abs, a);
    }
    exp_ = max_abs != 0 && (max_abs >= 1e8 || min_abs < 1e-4 || max_abs / min_abs > 1000.);
    for (T v : finite) {
      Parts p = exp_ ? scientific(v, max_precision) : positional(v, max_precision);
      pad_left_ = std::max(pad_left_, p.integer.size() + p.negative);
      precision_ = std::max(precision_, p.fraction.size());
      if (exp_) exp_digits_ = std::max(exp_digits_, std::to_string(std::abs(p.exponent)).size());
    }
    pad_right_ = exp_ ? exp_digits_ + 2 + precision_ : precision_;
    if (any_non_finite) {
      std::size_t offset = pad_right_ + 1;
      for (std::size_t len : {std::size_t{3}, std::size_t{3} + negative_inf})
        if (len > offset) pad_left_ = std::max(pad_left_, len - offset);
    }
  }

  std::string operator()(T v) const {
    if (!std::isfinite(v)) return pad_left(non_finite(static_cast<double>(v)), pad_left_ + pad_right_ + 1);
    Parts p = exp_ ? scientific(v, static_cast<int>(precision_)) : positional(v, static_cast<int>(precision_));
    std::string s = pad_left((p.negative ? "-" : "") + p.integer, pad_left_) + "." + p.fraction;
    if (exp_) return s + std::string(precision_ - p.fraction.size(), '0') + exponent_str(p.exponent, exp_digits_);
    return s + std::string(pad_right_ - p.fraction.size(), ' ');
  }

 private:
  bool exp_ = false;
  std::size_t pad_left_ = 0, pad_right_ = 0, precision_ = 0, exp_digits_ = 2;
};

// Positions shown along an axis of extent n: all, or the first and last edge_items.
std::vector<std::int64_t> shown_positions(std::int64_t n, bool summarise) {
  std::vector<std::int64_t> r;
  bool cut = summarise && 2 * edge_items < n;
  for (std::int64_t i = 0; i < n; ++i)
    if (!cut || i < edge_items || i >= n - edge_items) r.push_back(i);
  return r;
}

// numpy's _formatArray: nested brackets, rows wrapped at the line width, "..." for the summary.
class Layout {
 public:
  Layout(const Shape& shape, bool summarise, std::function<std::string(std::int64_t)> element)
      : shape_(shape), summarise_(summarise), element_(std::move(element)) {
    strides_.assign(shape.size(), 1);
    for (std::size_t d = shape.size(); d-- > 1;) strides_[d - 1] = strides_[d] * shape[d];
  }
  std::string str() const { return recurse(0, 0, " ", line_width); }

 private:
  std::string recurse(std::size_t axis, std::int64_t offset, const std::string& indent, std::size_t width) const {
    if (axis == shape_.size()) return element_(offset);
    std::string next_indent = indent + " ";
    std::size_t next_width = width - 1;
    std::int64_t n = shape_[axis];
    bool summary = summarise_ && 2 * edge_items < n;
    std::vector<std::int64_t> items = shown_positions(n, summarise_);
    std::string s;
    if (axis + 1 == shape_.size()) {
      std::size_t elem_width = width - 1;
      std::string line = indent;
      auto extend = [&](const std::string& word, std::size_t limit) {
        if (line.size() + word.size() > limit && line.size() > indent.size()) {
          while (!line.empty() && line.back() == ' ') line.pop_back();
          s += line + "\n";
          line = indent;
        }
        line += word;
      };
      for (std::size_t k = 0; k < items.size(); ++k) {
        if (summary && items[k] == n - edge_items) {
          extend("...", elem_width);
          line += " ";
        }
        extend(recurse(axis + 1, offset + items[k] * strides_[axis], next_indent, next_width), elem_width);
        if (k + 1 < items.size()) line += " ";
      }
      s += line;
    } else {
      std::string separator = std::string(shape_.size() - axis - 1, '\n');
      for (std::size_t k = 0; k < items.size(); ++k) {
        if (summary && items[k] == n - edge_items) s += indent + "..." + separator;
        s += indent + recurse(axis + 1, offset + items[k] * strides_[axis], next_indent, next_width);
        if (k + 1 < items.size()) s += separator;
      }
    }
    return "[" + s.substr(indent.size()) + "]";
  }

  Shape shape_;
  bool summarise_;
  std::function<std::string(std::int64_t)> element_;
  std::vector<std::int64_t> strides_;
};

// The flat positions of the elements shown (all, or the summary's edges).
std::vector<std::int64_t> shown_elements(const Shape& shape, bool summarise) {
  std::vector<std::int64_t> flat{0};
  for (std::int64_t extent : shape) {
    std::vector<std::int64_t> next;
    for (std::int64_t base : flat)
      for (std::int64_t i : shown_positions(extent, summarise)) next.push_back(base * extent + i);
    flat = std::move(next);
  }
  return flat;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Array& x) {
  if (!x.defined()) return os << "Array(<empty>)";
  Array c = to_concrete(x, "print");
  const std::byte* data = buffer_of(c).data();
  dispatch_dtype(c.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* v = reinterpret_cast<const T*>(data);
    if (c.ndim() == 0) {
      if constexpr (std::is_same_v<T, bool>) os << (v[0] ? "True" : "False");
      else if constexpr (std::is_floating_point_v<T>) os << scalar_str(v[0]);
      else os << +v[0];
      return;
    }
    if (c.size() == 0) {
      os << "[]";
      return;
    }
    bool summarise = c.size() > threshold;
    std::vector<T> shown;
    for (std::int64_t i : shown_elements(c.shape(), summarise)) shown.push_back(v[i]);
    std::function<std::string(std::int64_t)> element;
    if constexpr (std::is_same_v<T, bool>) {
      element = [v](std::int64_t i) { return std::string(v[i] ? " True" : "False"); };
    } else if constexpr (std::is_floating_point_v<T>) {
      element = [v, format = FloatFormat<T>(shown)](std::int64_t i) { return format(v[i]); };
    } else {
      std::size_t width = 0;
      for (T e : shown) width = std::max(width, std::to_string(+e).size());
      element = [v, width](std::int64_t i) { return pad_left(std::to_string(+v[i]), width); };
    }
    os << Layout(c.shape(), summarise, element).str();
  });
  return os;
}

}  // namespace xjax
