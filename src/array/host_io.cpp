// The process-wide print options, and arrays from host bytes and text: frombuffer, fromstring
// (declared in xjax/host_io.hpp; printing itself is in print.cpp).
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "xjax/host_io.hpp"

namespace xjax {
namespace {

std::mutex options_mutex;
PrintOptions current_options;  // guarded by options_mutex

// The printer formats with snprintf into fixed buffers: this bound keeps every result inside them.
constexpr int max_print_precision = 100;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The items of `text`: separated by whitespace when the separator is only whitespace, else by the
// separator with whitespace around it ignored.
std::vector<std::string_view> split_items(std::string_view text, std::string_view sep) {
  std::vector<std::string_view> items;
  const std::string_view core = trim(sep);
  if (core.empty()) {
    std::size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && is_space(text[i])) ++i;
      std::size_t start = i;
      while (i < text.size() && !is_space(text[i])) ++i;
      if (i > start) items.push_back(text.substr(start, i - start));
    }
    return items;
  }
  if (trim(text).empty()) return items;
  std::size_t start = 0;
  while (true) {
    std::size_t at = text.find(core, start);
    items.push_back(trim(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start)));
    if (at == std::string_view::npos) break;
    start = at + core.size();
  }
  return items;
}

[[noreturn]] void malformed(std::string_view item, std::size_t k, DType dtype) {
  throw ValueError("fromstring", "item ", k, " '", std::string(item), "' is not a valid ", dtype_name(dtype),
                   " value");
}

// After an optional '+' (numpy accepts it, from_chars does not), a sign must not follow.
std::string_view unsigned_plus(std::string_view item, std::size_t k, DType dtype) {
  if (item.empty() || item.front() != '+') return item;
  const std::string_view body = item.substr(1);
  if (body.empty() || body.front() == '+' || body.front() == '-') malformed(item, k, dtype);
  return body;
}

double parse_float(std::string_view item, std::size_t k, DType dtype) {
  const std::string_view body = unsigned_plus(item, k, dtype);
  double v = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec == std::errc::invalid_argument || end != body.data() + body.size()) malformed(item, k, dtype);
  if (ec == std::errc::result_out_of_range) {  // overflow reads as inf and underflow as 0, as strtod
    const std::string copy(body);
    v = std::strtod(copy.c_str(), nullptr);
  }
  return v;
}

std::int64_t parse_int(std::string_view item, std::size_t k, DType dtype) {
  const std::string_view body = unsigned_plus(item, k, dtype);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec == std::errc::invalid_argument || end != body.data() + body.size()) malformed(item, k, dtype);
  if (ec == std::errc::result_out_of_range)
    throw OverflowError("fromstring", "item ", k, " '", std::string(item), "' does not fit in ", dtype_name(dtype));
  return v;
}

template <class T>
Array parse_items(const std::vector<std::string_view>& items, DType dtype) {
  std::vector<T> values;
  for (std::size_t k = 0; k < items.size(); ++k) {
    if constexpr (std::is_floating_point_v<T> || is_half_v<T>) {
      values.push_back(static_cast<T>(parse_float(items[k], k, dtype)));
    } else {
      const std::int64_t v = parse_int(items[k], k, dtype);
      if constexpr (std::is_same_v<T, bool>) {
        values.push_back(v != 0);
      } else {
        if (v < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
            (sizeof(T) < sizeof(std::int64_t) && v > static_cast<std::int64_t>(std::numeric_limits<T>::max())))
          throw OverflowError("fromstring", "item ", k, " '", std::string(items[k]), "' does not fit in ",
                              dtype_name(dtype));
        values.push_back(static_cast<T>(v));
      }
    }
  }
  return array(values);
}

}  // namespace

namespace detail {
void validate_print_options(const char* op, const PrintOptions& o) {
  if (o.precision < 0 || o.precision > max_print_precision)
    throw ValueError(op, "precision must be between 0 and ", max_print_precision, ", got ", o.precision);
  // numpy accepts 0 but then still prints the last item of each axis; xjax asks for at least one.
  if (o.edgeitems < 1) throw ValueError(op, "edgeitems must be at least 1, got ", o.edgeitems);
  if (o.linewidth < 1) throw ValueError(op, "linewidth must be positive, got ", o.linewidth);
  if (o.sign != '-' && o.sign != '+' && o.sign != ' ')
    throw ValueError(op, "sign must be one of '-', '+' or ' ', got '", o.sign, "'");
  if (o.floatmode > FloatMode::unique)
    throw ValueError(op, "floatmode must be maxprec, maxprec_equal, fixed or unique");
}
}  // namespace detail

void set_printoptions(const PrintOptions& options) {
  detail::validate_print_options("set_printoptions", options);
  std::lock_guard<std::mutex> lock(options_mutex);
  current_options = options;
}

PrintOptions get_printoptions() {
  std::lock_guard<std::mutex> lock(options_mutex);
  return current_options;
}

Array frombuffer(std::span<const std::byte> buffer, DType dtype, std::int64_t count, std::int64_t offset) {
  const auto size = static_cast<std::int64_t>(buffer.size());
  const auto item = static_cast<std::int64_t>(itemsize(dtype));
  if (offset < 0 || offset > size)
    throw ValueError("frombuffer", "offset must be non-negative and no greater than the buffer length (", size,
                     "), got ", offset);
  if (count < -1) throw ValueError("frombuffer", "count must be -1 or non-negative, got ", count);
  const std::int64_t available = size - offset;
  if (count == -1) {
    if (available % item != 0)
      throw ValueError("frombuffer", "buffer size ", available, " after offset ", offset,
                       " must be a multiple of the element size ", item, " of ", dtype_name(dtype));
    count = available / item;
  } else if (count > available / item) {
    throw ValueError("frombuffer", "buffer is smaller than requested: ", count, " ", dtype_name(dtype), " items need ",
                     count * item, " bytes, ", available, " available after offset ", offset);
  }
  const std::byte* start = buffer.data() + offset;
  if (dtype != bool_) return from_data(count ? start : nullptr, dtype, {count});
  std::vector<unsigned char> bools(static_cast<std::size_t>(count));  // any non-zero byte is True
  for (std::int64_t i = 0; i < count; ++i) bools[static_cast<std::size_t>(i)] = start[i] != std::byte{0};
  return from_data(count ? bools.data() : nullptr, bool_, {count});
}

Array frombuffer(const void* data, std::size_t size, DType dtype, std::int64_t count, std::int64_t offset) {
  if (!data && size) throw ValueError("frombuffer", "null data with a size of ", size, " bytes");
  return frombuffer(std::span<const std::byte>(static_cast<const std::byte*>(data), size), dtype, count, offset);
}

Array fromstring(std::string_view text, DType dtype, std::string_view sep, std::int64_t count) {
  if (sep.empty())
    throw ValueError("fromstring",
                     "an empty separator reads binary data, which fromstring does not do; use frombuffer");
  if (count < -1) throw ValueError("fromstring", "count must be -1 or non-negative, got ", count);
  std::vector<std::string_view> items = split_items(text, sep);
  if (count >= 0) {
    if (static_cast<std::int64_t>(items.size()) < count)
      throw ValueError("fromstring", "the text holds ", items.size(), " items, fewer than the ", count, " requested");
    items.resize(static_cast<std::size_t>(count));
  }
  switch (dtype) {
    case DType::bool_:
      return parse_items<bool>(items, dtype);
    case DType::int32:
      return parse_items<std::int32_t>(items, dtype);
    case DType::int64:
      return parse_items<std::int64_t>(items, dtype);
    case DType::uint32:
      return parse_items<std::uint32_t>(items, dtype);
    case DType::float32:
      return parse_items<float>(items, dtype);
    case DType::float64:
      return parse_items<double>(items, dtype);
    case DType::float16:
      return parse_items<float16_t>(items, dtype);
    case DType::bfloat16:
      return parse_items<bfloat16_t>(items, dtype);
    case DType::complex64:
    case DType::complex128:
      throw DTypeError("fromstring", "reads real numbers; for ", dtype, " read the real and imaginary parts and use complex()");
  }
  throw DTypeError("fromstring", "unknown dtype");
}

}  // namespace xjax
