// NumPy index expressions for Array::operator()/index/at: Slice, all, newaxis, ellipsis, IndexItem,
// and the functional updater x.at(...).set/add/...; included at the end of array.hpp.
#pragma once
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <variant>
#include <vector>

#include "xjax/array.hpp"

namespace xjax {

class AxisSpec;  // ops.hpp

// Python's slice(start, stop, step) in libtorch's argument order; nullopt omits a bound.
struct Slice {
  std::optional<std::int64_t> start, stop, step;
  Slice(std::optional<std::int64_t> start_ = std::nullopt, std::optional<std::int64_t> stop_ = std::nullopt,
        std::optional<std::int64_t> step_ = std::nullopt)
      : start(start_), stop(stop_), step(step_) {}
};

// `xj::all` is both numpy's all() reduction (xj::all(x == y)) and the full-slice index token
// (x(xj::all, 0), numpy's x[:, 0]): one object serves both, so existing calls keep compiling.
struct All {
  Array operator()(const Array& x) const;
  Array operator()(const Array& x, const AxisSpec& axes, bool keepdims = false) const;
};
struct NewAxis {};
struct Ellipsis {};
inline constexpr All all{};
inline constexpr NewAxis newaxis{};
inline constexpr Ellipsis ellipsis{};

// One item of an index expression: an integer (negative counts from the end), Slice, all,
// newaxis, ellipsis, or an integer/bool Array.
class IndexItem {
 public:
  using Value = std::variant<std::int64_t, Slice, All, NewAxis, Ellipsis, Array>;
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  IndexItem(I i) : v_(to_int64(i)) {}  // NOLINT(google-explicit-constructor)
  template <std::floating_point F>
  IndexItem(F) = delete;  // a float is not an index (numpy and JAX reject it too)
  IndexItem(bool) = delete;
  IndexItem(Slice s) : v_(s) {}           // NOLINT
  IndexItem(All a) : v_(a) {}             // NOLINT
  IndexItem(NewAxis n) : v_(n) {}         // NOLINT
  IndexItem(Ellipsis e) : v_(e) {}        // NOLINT
  IndexItem(const Array& a) : v_(a) {}    // NOLINT
  const Value& value() const { return v_; }

 private:
  template <class I>
  static std::int64_t to_int64(I i) {
    if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(std::int64_t))
      if (i > static_cast<I>(std::numeric_limits<std::int64_t>::max()))
        throw IndexError("index", "index ", i, " does not fit int64");
    return static_cast<std::int64_t>(i);
  }
  Value v_;
};

// JAX's mode= of x.at[...]: what out-of-range indices do.
//  - promise_in_bounds (the default): a get clamps them (as x(...) does), an update drops them;
//  - clip: both clamp them into range;
//  - fill and drop (JAX's FILL_OR_DROP): a get gives fill_value there, an update skips them.
enum class IndexMode : std::uint8_t { promise_in_bounds, clip, fill, drop };

// x.at(...): JAX's x.at[...]. Updates broadcast v to the indexed shape and cast it to x's dtype;
// duplicates all apply (add accumulates, as np.add.at). Integers out of range follow the mode too.
class AtIndices {
 public:
  AtIndices(Array x, std::vector<IndexItem> items) : x_(std::move(x)), items_(std::move(items)) {}
  // fill_value (IndexMode::fill/drop only) defaults as JAX's: NaN for floats, the lowest value of a
  // signed integer type, the highest of an unsigned one, true for bool.
  Array get(IndexMode mode = IndexMode::promise_in_bounds, std::optional<double> fill_value = std::nullopt) const;
  Array set(const Array& v, IndexMode mode = IndexMode::promise_in_bounds) const;
  Array add(const Array& v, IndexMode mode = IndexMode::promise_in_bounds) const;
  Array multiply(const Array& v, IndexMode mode = IndexMode::promise_in_bounds) const;
  Array divide(const Array& v, IndexMode mode = IndexMode::promise_in_bounds) const;
  Array min(const Array& v, IndexMode mode = IndexMode::promise_in_bounds) const;
  Array max(const Array& v, IndexMode mode = IndexMode::promise_in_bounds) const;

 private:
  Array x_;
  std::vector<IndexItem> items_;
};

template <class... I>
  requires(std::constructible_from<IndexItem, const I&> && ...)
Array Array::operator()(const I&... items) const {
  return index(std::vector<IndexItem>{IndexItem(items)...});
}
template <class... I>
  requires(std::constructible_from<IndexItem, const I&> && ...)
AtIndices Array::at(const I&... items) const {
  return at(std::vector<IndexItem>{IndexItem(items)...});
}

}  // namespace xjax
