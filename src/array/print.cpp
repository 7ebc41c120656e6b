// Printing arrays as numpy's str() and repr() do, under numpy's print options (xjax/host_io.hpp):
// one float format chosen for the whole array (positional, or scientific when the magnitudes call for
// it, with at most `precision` fractional digits of the shortest round-trip representation), rows
// wrapped at `linewidth` columns, and arrays of more than `threshold` elements summarised by the first
// and last `edgeitems` items along each axis.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "array/array_impl.hpp"
#include "xjax/host_io.hpp"
#include "kernels/dispatch.hpp"

namespace xjax {
namespace {

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
  if constexpr (is_half_v<T>) {  // the fewest correctly rounded digits that round back to v's bits
    const double a = std::fabs(static_cast<double>(v));
    for (int p = 0; p < 17; ++p) {
      std::snprintf(buf, sizeof buf, "%.*e", p, a);
      if (T(std::strtod(buf, nullptr)).bits == T(a).bits) break;
    }
    split_scientific(buf, digits, exponent);
  } else {
    auto end = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific).ptr;
    split_scientific(std::string(buf, end), digits, exponent);
  }
}

// bfloat16 elements as ml_dtypes (and so JAX) prints them: each on its own, with six significant
// digits, numpy's layout without alignment.
std::string bfloat16_str(bfloat16_t v) {
  const float f = v;
  if (std::isnan(f)) return "nan";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(f));
  return buf;
}

std::string trim_zeros(std::string s) {
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}

// Positional: the shortest representation, rounded to at most max_frac fractional digits (any
// number when max_frac < 0), trailing zeros dropped; keep_zeros: exactly max_frac digits.
template <class T>
Parts positional(T v, int max_frac, bool keep_zeros = false) {
  Parts p;
  p.negative = std::signbit(v);
  std::string digits;
  int exponent = 0;
  shortest_digits(v, digits, exponent);
  int frac_count = std::max(0, static_cast<int>(digits.size()) - 1 - exponent);
  if (max_frac >= 0 && (frac_count > max_frac || keep_zeros)) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", max_frac, std::fabs(static_cast<double>(v)));
    std::string s(buf);
    std::size_t dot = s.find('.');
    p.integer = s.substr(0, dot);
    p.fraction = dot == std::string::npos ? "" : s.substr(dot + 1);
    if (!keep_zeros) p.fraction = trim_zeros(p.fraction);
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

// Scientific: the shortest mantissa, rounded to at most max_frac fractional digits (keep_zeros:
// exactly max_frac).
template <class T>
Parts scientific(T v, int max_frac, bool keep_zeros = false) {
  Parts p;
  p.negative = std::signbit(v);
  std::string digits;
  shortest_digits(v, digits, p.exponent);
  if (max_frac >= 0 && (static_cast<int>(digits.size()) - 1 > max_frac || keep_zeros)) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%.*e", max_frac, std::fabs(static_cast<double>(v)));
    split_scientific(buf, digits, p.exponent);
  }
  p.integer = digits.substr(0, 1);
  p.fraction = keep_zeros ? digits.substr(1) : trim_zeros(digits.substr(1));
  return p;
}

std::string exponent_str(int exponent, std::size_t min_digits) {
  std::string d = std::to_string(std::abs(exponent));
  return std::string(exponent < 0 ? "e-" : "e+") + std::string(min_digits > d.size() ? min_digits - d.size() : 0, '0') + d;
}

const char* non_finite(double v) { return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"; }

// Decimal digits of precision (numpy's finfo(T).precision), which set numpy's cut-offs for
// scientific notation.
template <class T>
constexpr int decimal_precision() {
  return std::is_same_v<T, double> ? 15 : std::is_same_v<T, float> ? 6 : 3;
}

// A 0-d float: positional from 1e-4 up to 10^precision (1e16 for float64), and for zero, with at
// least one fractional digit; else scientific without trailing zeros (numpy 2).
template <class T>
std::string scalar_str(T v) {
  if (!std::isfinite(v)) return non_finite(static_cast<double>(v));
  double a = std::fabs(static_cast<double>(v));
  const double cutoff = std::is_same_v<T, double> ? 1e16 : std::pow(10.0, decimal_precision<T>());
  if (a == 0 || (a >= 1e-4 && a < cutoff)) {
    Parts p = positional(v, -1);
    return (p.negative ? "-" : "") + p.integer + "." + (p.fraction.empty() ? "0" : p.fraction);
  }
  Parts p = scientific(v, -1);
  return (p.negative ? "-" : "") + p.integer + (p.fraction.empty() ? "" : "." + p.fraction) + exponent_str(p.exponent, 2);
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

// The sign written before a non-negative number: none, '+' or ' ' (numpy's sign option).
std::string plus_sign(const PrintOptions& o) { return o.sign == '+' ? "+" : ""; }

// One format for all elements shown, as numpy's FloatingFormat (numpy 2: the cut-off for
// scientific notation follows the dtype's precision).
template <class T>
class FloatFormat {
 public:
  FloatFormat(const std::vector<T>& shown, const PrintOptions& o)
      : o_(o), max_frac_(o.floatmode == FloatMode::unique ? -1 : o.precision), fixed_(o.floatmode == FloatMode::fixed) {
    std::vector<T> finite;
    bool negative_inf = false, any_non_finite = false, any_signbit = false;
    for (T v : shown) {
      if (std::isfinite(v)) {
        finite.push_back(v);
        any_signbit = any_signbit || std::signbit(v);
      } else {
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
    const double cutoff = std::pow(10.0, std::min(8, decimal_precision<T>()));
    exp_ = max_abs != 0 && (max_abs >= cutoff || (!o.suppress && (min_abs < 1e-4 || max_abs / min_abs > 1000.)));
    for (T v : finite) {
      Parts p = parts(v, max_frac_);
      pad_left_ = std::max(pad_left_, p.integer.size() + (p.negative || o.sign == '+'));
      precision_ = std::max(precision_, p.fraction.size());
      if (exp_) exp_digits_ = std::max(exp_digits_, std::to_string(std::abs(p.exponent)).size());
    }
    pad_right_ = exp_ ? exp_digits_ + 2 + precision_ : precision_;
    zero_pad_ = exp_ || fixed_ || o.floatmode == FloatMode::maxprec_equal;
    if (o.sign == ' ' && !finite.empty() && !any_signbit) ++pad_left_;
    if (any_non_finite) {
      const std::size_t offset = pad_right_ + 1;
      for (std::size_t len : {o.nanstr.size(), o.infstr.size() + (o.sign != '-' || negative_inf)})
        if (len > offset) pad_left_ = std::max(pad_left_, len - offset);
    }
  }

  std::string operator()(T v) const {
    if (std::isnan(v)) return pad_left(plus_sign(o_) + o_.nanstr, pad_left_ + pad_right_ + 1);
    if (std::isinf(v)) return pad_left((v < 0 ? "-" : plus_sign(o_)) + o_.infstr, pad_left_ + pad_right_ + 1);
    Parts p = parts(v, static_cast<int>(precision_));
    std::string s = pad_left((p.negative ? "-" : plus_sign(o_)) + p.integer, pad_left_) + "." + p.fraction;
    if (zero_pad_) s += std::string(precision_ - p.fraction.size(), '0');
    if (exp_) return s + exponent_str(p.exponent, exp_digits_);
    return s + std::string(pad_right_ - std::max(p.fraction.size(), zero_pad_ ? precision_ : 0), ' ');
  }

 private:
  Parts parts(T v, int max_frac) const {
    return exp_ ? scientific(v, max_frac, fixed_) : positional(v, max_frac, fixed_);
  }
  const PrintOptions& o_;
  int max_frac_;
  bool fixed_, exp_ = false, zero_pad_ = false;
  std::size_t pad_left_ = 0, pad_right_ = 0, precision_ = 0, exp_digits_ = 2;
};

// Positions shown along an axis of extent n: all, or the first and last edge_items.
std::vector<std::int64_t> shown_positions(std::int64_t n, bool summarise, std::int64_t edge_items) {
  std::vector<std::int64_t> r;
  bool cut = summarise && 2 * edge_items < n;
  for (std::int64_t i = 0; i < n; ++i)
    if (!cut || i < edge_items || i >= n - edge_items) r.push_back(i);
  return r;
}

std::string rstrip(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// numpy's ComplexFloatingFormat: one format for the real parts (with the sign option), one for the
// imaginary parts (always signed), and "j" before the imaginary part's padding.
template <class R>
class ComplexFormat {
 public:
  ComplexFormat(const std::vector<std::complex<R>>& shown, const PrintOptions& o) : real_options_(o), imag_options_(o) {
    imag_options_.sign = '+';
    std::vector<R> re, im;
    for (const auto& z : shown) {
      re.push_back(z.real());
      im.push_back(z.imag());
    }
    real_ = std::make_unique<FloatFormat<R>>(re, real_options_);
    imag_ = std::make_unique<FloatFormat<R>>(im, imag_options_);
  }
  std::string operator()(std::complex<R> z) const {
    const std::string i = (*imag_)(z.imag());
    const std::size_t end = rstrip(i).size();
    return (*real_)(z.real()) + i.substr(0, end) + "j" + i.substr(end);
  }

 private:
  PrintOptions real_options_, imag_options_;  // the formats keep references to these
  std::unique_ptr<FloatFormat<R>> real_, imag_;
};

// A 0-d complex as numpy's scalar str: "(1+2j)", or "2j" when the real part is +0.
template <class R>
std::string complex_scalar_str(std::complex<R> z) {
  auto part = [](R v) {
    std::string s = scalar_str(v);
    if (s.ends_with(".0")) s.resize(s.size() - 2);
    return s;
  };
  if (z.real() == 0 && !std::signbit(z.real())) return part(z.imag()) + "j";
  std::string i = part(z.imag());
  return "(" + part(z.real()) + (i[0] == '-' ? "" : "+") + i + "j)";
}

// How the elements are laid out: numpy's array2string separator, prefix and suffix.
struct Style {
  std::string separator = " ";
  std::size_t prefix = 0;  // characters before the first '[' ("Array(" for repr)
  std::size_t suffix = 0;  // characters after the last ']' that count towards the line width
};

// numpy's _formatArray: nested brackets, rows wrapped at the line width, "..." for the summary.
class Layout {
 public:
  Layout(const Shape& shape, bool summarise, const PrintOptions& o, const Style& style,
         std::function<std::string(std::int64_t)> element)
      : shape_(shape), summarise_(summarise), edge_items_(o.edgeitems), style_(style), element_(std::move(element)) {
    strides_.assign(shape.size(), 1);
    for (std::size_t d = shape.size(); d-- > 1;) strides_[d - 1] = strides_[d] * shape[d];
    const auto width = o.linewidth - static_cast<std::int64_t>(style.suffix);
    line_width_ = static_cast<std::size_t>(std::max<std::int64_t>(width, 0));
  }
  std::string str() const { return recurse(0, 0, std::string(1 + style_.prefix, ' '), line_width_); }

 private:
  std::string recurse(std::size_t axis, std::int64_t offset, const std::string& indent, std::size_t width) const {
    if (axis == shape_.size()) return element_(offset);
    const std::string& sep = style_.separator;
    std::string next_indent = indent + " ";
    std::size_t next_width = width > 0 ? width - 1 : 0;
    std::int64_t n = shape_[axis];
    bool summary = summarise_ && 2 * edge_items_ < n;
    std::vector<std::int64_t> items = shown_positions(n, summarise_, edge_items_);
    std::string s;
    if (axis + 1 == shape_.size()) {
      const std::size_t closing = std::max<std::size_t>(rstrip(sep).size(), 1);
      std::size_t elem_width = width > closing ? width - closing : 0;
      std::string line = indent;
      auto extend = [&](const std::string& word, std::size_t limit) {
        if (line.size() + word.size() > limit && line.size() > indent.size()) {
          s += rstrip(line) + "\n";
          line = indent;
        }
        line += word;
      };
      for (std::size_t k = 0; k < items.size(); ++k) {
        if (summary && items[k] == n - edge_items_) {
          extend("...", elem_width);
          line += sep;
        }
        extend(recurse(axis + 1, offset + items[k] * strides_[axis], next_indent, next_width), elem_width);
        if (k + 1 < items.size()) line += sep;
      }
      s += line;
    } else {
      std::string separator = rstrip(sep) + std::string(shape_.size() - axis - 1, '\n');
      for (std::size_t k = 0; k < items.size(); ++k) {
        if (summary && items[k] == n - edge_items_) s += indent + "..." + separator;
        s += indent + recurse(axis + 1, offset + items[k] * strides_[axis], next_indent, next_width);
        if (k + 1 < items.size()) s += separator;
      }
    }
    return "[" + s.substr(indent.size()) + "]";
  }

  Shape shape_;
  bool summarise_;
  std::int64_t edge_items_;
  Style style_;
  std::size_t line_width_ = 0;
  std::function<std::string(std::int64_t)> element_;
  std::vector<std::int64_t> strides_;
};

// The flat positions of the elements shown (all, or the summary's edges).
std::vector<std::int64_t> shown_elements(const Shape& shape, bool summarise, std::int64_t edge_items) {
  std::vector<std::int64_t> flat{0};
  for (std::int64_t extent : shape) {
    std::vector<std::int64_t> next;
    for (std::int64_t base : flat)
      for (std::int64_t i : shown_positions(extent, summarise, edge_items)) next.push_back(base * extent + i);
    flat = std::move(next);
  }
  return flat;
}

// numpy's IntegerFormat: right-aligned to the widest of the extremes, with the sign option.
template <class T>
bool is_negative(T v) {
  if constexpr (std::is_signed_v<T>) return v < 0;
  else return false;
}
template <class T>
std::function<std::string(std::int64_t)> integer_format(const T* v, const std::vector<T>& shown, char sign) {
  T lo = *std::min_element(shown.begin(), shown.end()), hi = *std::max_element(shown.begin(), shown.end());
  if (sign == ' ' && is_negative(lo)) sign = '-';
  const std::size_t hi_width = std::to_string(+hi).size() + (!is_negative(hi) && sign != '-');
  const std::size_t width = std::max(hi_width, std::to_string(+lo).size());
  return [v, width, sign](std::int64_t i) {
    std::string s = std::to_string(+v[i]);
    if (!is_negative(v[i]) && sign != '-') s = std::string(1, sign) + s;
    return pad_left(s, width);
  };
}

// array2string of a concrete array (repr's 0-d arrays included): a format for the elements shown,
// laid out in nested brackets.
std::string array_to_string(const Array& c, const PrintOptions& o, const Style& style) {
  std::string out;
  const std::byte* data = buffer_of(c).data();
  dispatch_any_dtype(c.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* v = reinterpret_cast<const T*>(data);
    bool summarise = c.size() > o.threshold;
    std::vector<T> shown;
    for (std::int64_t i : shown_elements(c.shape(), summarise, o.edgeitems)) shown.push_back(v[i]);
    std::function<std::string(std::int64_t)> element;
    if constexpr (std::is_same_v<T, bool>) {
      const bool zero_d = c.ndim() == 0;
      element = [v, zero_d](std::int64_t i) { return std::string(v[i] ? (zero_d ? "True" : " True") : "False"); };
    } else if constexpr (std::is_same_v<T, bfloat16_t>) {
      element = [v](std::int64_t i) { return bfloat16_str(v[i]); };
    } else if constexpr (std::is_floating_point_v<T> || is_half_v<T>) {
      element = [v, format = std::make_shared<FloatFormat<T>>(shown, o)](std::int64_t i) { return (*format)(v[i]); };
    } else if constexpr (is_complex_v<T>) {
      element = [v, format = std::make_shared<ComplexFormat<typename T::value_type>>(shown, o)](std::int64_t i) {
        return (*format)(v[i]);
      };
    } else {
      element = integer_format(v, shown, o.sign);
    }
    out = Layout(c.shape(), summarise, o, style, element).str();
  });
  return out;
}

// numpy's str(): 0-d arrays print as numpy scalars, ignoring the options.
std::string str_of(const Array& x, const PrintOptions& o) {
  Array c = to_concrete(x, "print");
  if (c.size() == 0 && c.ndim() > 0) return "[]";
  if (c.ndim() > 0) return array_to_string(c, o, Style{});
  std::string out;
  dispatch_any_dtype(c.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = *reinterpret_cast<const T*>(buffer_of(c).data());
    if constexpr (std::is_same_v<T, bool>) out = v ? "True" : "False";
    else if constexpr (std::is_same_v<T, bfloat16_t>) out = bfloat16_str(v);
    else if constexpr (std::is_floating_point_v<T> || is_half_v<T>) out = scalar_str(v);
    else if constexpr (is_complex_v<T>) out = complex_scalar_str(v);
    else out = std::to_string(+v);
  });
  return out;
}

PrintOptions overridden(std::optional<std::int64_t> max_line_width, std::optional<int> precision,
                        std::optional<bool> suppress_small) {
  PrintOptions o = get_printoptions();
  if (max_line_width) o.linewidth = *max_line_width;
  if (precision) o.precision = *precision;
  if (suppress_small) o.suppress = *suppress_small;
  return o;
}

// Python's repr of a shape tuple: (3,) or (2, 3).
std::string tuple_str(const Shape& s) {
  std::string r = "(";
  for (std::size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + (s.size() == 1 ? ",)" : ")");
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Array& x) {
  if (!x.defined()) return os << "Array(<empty>)";
  return os << str_of(x, get_printoptions());
}

std::string array_str(const Array& x, std::optional<std::int64_t> max_line_width, std::optional<int> precision,
                      std::optional<bool> suppress_small) {
  if (!x.defined()) throw ValueError("array_str", "the Array is empty (default-constructed)");
  PrintOptions o = overridden(max_line_width, precision, suppress_small);
  detail::validate_print_options("array_str", o);
  return str_of(x, o);
}

// As jax.Array.__repr__: the elements as numpy's array2string with separator ", " after the prefix
// "Array(", then the dtype on the same line.
std::string array_repr(const Array& x, std::optional<std::int64_t> max_line_width, std::optional<int> precision,
                       std::optional<bool> suppress_small) {
  if (!x.defined()) throw ValueError("array_repr", "the Array is empty (default-constructed)");
  PrintOptions o = overridden(max_line_width, precision, suppress_small);
  detail::validate_print_options("array_repr", o);
  Array c = to_concrete(x, "array_repr");
  const std::string prefix = "Array(";
  const std::string dtype = std::string("dtype=") + dtype_name(c.dtype()) + (c.weak_type() ? ", weak_type=True" : "");
  std::string s = c.size() == 0 ? "[], shape=" + tuple_str(c.shape())
                                : array_to_string(c, o, Style{", ", prefix.size(), 1});
  const std::size_t newline = s.rfind('\n');
  const std::size_t last_line = newline == std::string::npos ? s.size() + 2 : s.size() - newline + 1;
  const bool long_line = static_cast<std::int64_t>(last_line + dtype.size() + 2) > o.linewidth;
  return prefix + s + "," + (long_line ? std::string(prefix.size(), ' ') : " ") + dtype + ")";
}

}  // namespace xjax
