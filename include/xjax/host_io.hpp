// Arrays to and from host text and bytes, as numpy: print options (set_printoptions,
// get_printoptions, the printoptions guard), array_str and array_repr, frombuffer, fromstring,
// fromiter, and the isscalar/iterable predicates.
#pragma once
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "xjax/array.hpp"
#include "xjax/ops.hpp"

namespace xjax {

// How floats get their fractional digits (numpy's floatmode): maxprec prints at most `precision`
// digits, each value as few as it needs; maxprec_equal the same but every value with as many as the
// longest; fixed always exactly `precision`; unique the shortest round-trip digits, ignoring precision.
enum class FloatMode : std::uint8_t { maxprec, maxprec_equal, fixed, unique };

// numpy.set_printoptions' keywords that xjax's printer honours; the defaults are numpy's. 0-d arrays
// print as numpy scalars (shortest digits) whatever the options, as numpy's str() does.
struct PrintOptions {
  int precision = 8;                   // fractional digits of floats
  std::int64_t threshold = 1000;       // arrays with more elements are summarised with "..."
  std::int64_t edgeitems = 3;          // items shown at each end of a summarised axis
  std::int64_t linewidth = 75;         // characters per line before wrapping
  bool suppress = false;               // never scientific notation for small values (tiny ones print as 0.)
  std::string nanstr = "nan";
  std::string infstr = "inf";
  char sign = '-';                     // '-': sign of negatives only; '+': always; ' ': a space for positives
  FloatMode floatmode = FloatMode::maxprec;
};

// Replaces every print option (ValueError naming set_printoptions for a precision outside [0, 100],
// an edgeitems or linewidth below 1, or a sign other than '-', '+', ' '). One process-wide
// setting, read and written under a lock. To change one option, start from get_printoptions().
void set_printoptions(const PrintOptions& options);
PrintOptions get_printoptions();
namespace detail {
// The checks of set_printoptions, for the functions that take options one by one (ValueError naming op).
void validate_print_options(const char* op, const PrintOptions& options);
}  // namespace detail

// numpy.printoptions as an RAII guard: the options hold until the guard is destroyed.
//   { xj::printoptions guard({.precision = 3}); std::cout << x; }
class printoptions {
 public:
  explicit printoptions(const PrintOptions& options) : saved_(get_printoptions()) { set_printoptions(options); }
  ~printoptions() { set_printoptions(saved_); }
  printoptions(const printoptions&) = delete;
  printoptions& operator=(const printoptions&) = delete;

 private:
  PrintOptions saved_;
};

// numpy.array_str: what `std::cout << x` prints, with these options overriding the current ones.
std::string array_str(const Array& x, std::optional<std::int64_t> max_line_width = std::nullopt,
                      std::optional<int> precision = std::nullopt, std::optional<bool> suppress_small = std::nullopt);
// As jax prints repr(x): "Array([1., 2.], dtype=float32)" (", weak_type=True" for weakly typed values).
std::string array_repr(const Array& x, std::optional<std::int64_t> max_line_width = std::nullopt,
                       std::optional<int> precision = std::nullopt, std::optional<bool> suppress_small = std::nullopt);

// numpy.frombuffer: a 1-d copy of `count` elements of `dtype` (-1: as many as the bytes after
// `offset` hold, which must then be a multiple of the item size), in native byte order. Bool bytes
// read any non-zero byte as True. ValueError naming frombuffer when the buffer is too short.
Array frombuffer(std::span<const std::byte> buffer, DType dtype = float32, std::int64_t count = -1,
                 std::int64_t offset = 0);
Array frombuffer(const void* data, std::size_t size, DType dtype = float32, std::int64_t count = -1,
                 std::int64_t offset = 0);

// numpy.fromstring (text mode): numbers separated by `sep` (whitespace around it is ignored; a
// separator of spaces matches any whitespace). Floats accept nan and inf; integer dtypes need
// integers in range; bool reads integers (non-zero is True). count -1 reads all. ValueError naming
// fromstring on malformed text, an empty separator (numpy's binary mode: use frombuffer) or too few items.
Array fromstring(std::string_view text, DType dtype = float32, std::string_view sep = " ", std::int64_t count = -1);

// numpy.fromiter: a 1-d array of the arithmetic values of [first, last) (or of a range), converted
// to `dtype` as astype converts; count >= 0 reads exactly that many (ValueError if fewer).
template <std::input_iterator It, std::sentinel_for<It> S>
  requires Scalar<std::iter_value_t<It>>
Array fromiter(It first, S last, DType dtype, std::int64_t count = -1) {
  using V = std::iter_value_t<It>;
  std::vector<V> values;
  while (count != 0 && first != last) {  // no step past the last item read (single-pass iterators)
    values.push_back(*first);
    if (static_cast<std::int64_t>(values.size()) == count) break;
    ++first;
  }
  if (count >= 0 && static_cast<std::int64_t>(values.size()) < count)
    throw ValueError("fromiter", "iterator too short: expected ", count, " items but it had only ", values.size());
  return astype(array(values), dtype);
}
template <std::ranges::input_range R>
  requires Scalar<std::ranges::range_value_t<R>>
Array fromiter(R&& range, DType dtype, std::int64_t count = -1) {
  return fromiter(std::ranges::begin(range), std::ranges::end(range), dtype, count);
}

// numpy.isscalar as a compile-time question about a C++ type: true for arithmetic types. For an
// Array it is a run-time property, answered as jax.numpy does (a 0-d array is a scalar).
template <class T>
constexpr bool isscalar(const T&) noexcept {
  return Scalar<std::remove_cvref_t<T>>;
}
inline bool isscalar(const Array& x) { return x.ndim() == 0; }
// numpy.iterable: true for C++ ranges (anything std::ranges::begin/end accept). An Array can be
// iterated along its first axis unless it is 0-d, as numpy's iterable answers for arrays.
template <class T>
constexpr bool iterable(const T&) noexcept {
  return std::ranges::range<const T&>;
}
inline bool iterable(const Array& x) { return x.ndim() > 0; }

}  // namespace xjax
