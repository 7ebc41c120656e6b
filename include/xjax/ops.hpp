// The numpy-style op surface. Each op is a primitive or a composition of primitives, so every op
// is traceable, differentiable and batchable.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "xjax/array.hpp"

namespace xjax {

using Ints = std::vector<std::int64_t>;

// Which axes a reduction covers: all (default), one int, or a list; negative axes count from the end.
class AxisSpec {
 public:
  AxisSpec() = default;
  AxisSpec(int axis) : axes_(Ints{axis}) {}  // NOLINT
  AxisSpec(std::initializer_list<std::int64_t> axes) : axes_(Ints(axes)) {}
  AxisSpec(Ints axes) : axes_(std::move(axes)) {}  // NOLINT
  // Normalised, sorted axes for an array of rank ndim (IndexError naming `op` when out of range,
  // ValueError on duplicates).
  Ints resolve(const char* op, int ndim) const;
  // The axes as given, unnormalised; nullopt when none were given (ops choose their default).
  const std::optional<Ints>& given() const { return axes_; }

 private:
  std::optional<Ints> axes_;
};

// ---- creation ----
Array zeros(const Shape& shape, DType dtype = float32);
Array ones(const Shape& shape, DType dtype = float32);
Array full(const Shape& shape, const Array& value, std::optional<DType> dtype = std::nullopt);
Array zeros_like(const Array& x, std::optional<DType> dtype = std::nullopt);
Array ones_like(const Array& x, std::optional<DType> dtype = std::nullopt);
Array full_like(const Array& x, const Array& value, std::optional<DType> dtype = std::nullopt);
Array arange(double stop, DType dtype = int32);
Array arange(double start, double stop, double step = 1, DType dtype = int32);
Array linspace(double start, double stop, std::int64_t num = 50, bool endpoint = true, DType dtype = float32);
Array eye(std::int64_t n, std::optional<std::int64_t> m = std::nullopt, std::int64_t k = 0, DType dtype = float32);
Array iota(DType dtype, const Shape& shape, int dimension = 0);

// ---- elementwise, unary ----
Array neg(const Array& x);
Array abs(const Array& x);
Array sign(const Array& x);
Array floor(const Array& x);
Array ceil(const Array& x);
Array round(const Array& x);  // half to even, as numpy
Array exp(const Array& x);
Array exp2(const Array& x);
Array log(const Array& x);
Array log1p(const Array& x);
Array expm1(const Array& x);
Array sqrt(const Array& x);
Array rsqrt(const Array& x);
Array cbrt(const Array& x);
Array square(const Array& x);
Array reciprocal(const Array& x);
Array sin(const Array& x);
Array cos(const Array& x);
Array tan(const Array& x);
Array asin(const Array& x);
Array acos(const Array& x);
Array atan(const Array& x);
Array sinh(const Array& x);
Array cosh(const Array& x);
Array tanh(const Array& x);
Array asinh(const Array& x);
Array acosh(const Array& x);
Array atanh(const Array& x);
Array logistic(const Array& x);
Array sigmoid(const Array& x);
Array erf(const Array& x);
Array erfc(const Array& x);
Array erf_inv(const Array& x);
Array lgamma(const Array& x);
Array digamma(const Array& x);
Array polygamma(int n, const Array& x);  // n-th derivative of digamma
Array isfinite(const Array& x);
Array isnan(const Array& x);
Array isinf(const Array& x);
Array logical_not(const Array& x);
Array bitwise_not(const Array& x);
Array stop_gradient(const Array& x);

// ---- elementwise, binary (numpy broadcasting and JAX type promotion) ----
Array add(const Array& x, const Array& y);
Array subtract(const Array& x, const Array& y);
Array multiply(const Array& x, const Array& y);
Array divide(const Array& x, const Array& y);  // true division: integers give floats
Array floor_divide(const Array& x, const Array& y);
Array remainder(const Array& x, const Array& y);  // sign of the divisor, as numpy
Array pow(const Array& x, const Array& y);
Array integer_pow(const Array& x, int n);
Array maximum(const Array& x, const Array& y);
Array minimum(const Array& x, const Array& y);
Array atan2(const Array& y, const Array& x);
Array nextafter(const Array& x, const Array& y);  // the next representable value after x towards y
Array logical_and(const Array& x, const Array& y);
Array logical_or(const Array& x, const Array& y);
Array logical_xor(const Array& x, const Array& y);
Array bitwise_and(const Array& x, const Array& y);
Array bitwise_or(const Array& x, const Array& y);
Array bitwise_xor(const Array& x, const Array& y);
Array shift_left(const Array& x, const Array& y);
Array shift_right(const Array& x, const Array& y);
Array equal(const Array& x, const Array& y);
Array not_equal(const Array& x, const Array& y);
Array less(const Array& x, const Array& y);
Array less_equal(const Array& x, const Array& y);
Array greater(const Array& x, const Array& y);
Array greater_equal(const Array& x, const Array& y);
Array where(const Array& cond, const Array& x, const Array& y);
Array select(const Array& cond, const Array& x, const Array& y);  // same as where
Array clip(const Array& x, const Array& lo, const Array& hi);
Array astype(const Array& x, DType dtype);

// ---- reductions ----
Array sum(const Array& x, AxisSpec axes = {}, bool keepdims = false);
Array prod(const Array& x, AxisSpec axes = {}, bool keepdims = false);
Array max(const Array& x, AxisSpec axes = {}, bool keepdims = false);
Array min(const Array& x, AxisSpec axes = {}, bool keepdims = false);
Array any(const Array& x, AxisSpec axes = {}, bool keepdims = false);
// all(x, axes = {}, keepdims = false): xjax::all is an object that is also the full-slice index token (index.hpp).
Array mean(const Array& x, AxisSpec axes = {}, bool keepdims = false);
Array var(const Array& x, AxisSpec axes = {}, bool keepdims = false, int ddof = 0);
Array std(const Array& x, AxisSpec axes = {}, bool keepdims = false, int ddof = 0);
Array logsumexp(const Array& x, AxisSpec axes = {}, bool keepdims = false);
Array argmax(const Array& x, std::optional<int> axis = std::nullopt, bool keepdims = false);
Array argmin(const Array& x, std::optional<int> axis = std::nullopt, bool keepdims = false);
Array cumsum(const Array& x, std::optional<int> axis = std::nullopt, bool reverse = false);
Array cumprod(const Array& x, std::optional<int> axis = std::nullopt, bool reverse = false);
Array cummax(const Array& x, std::optional<int> axis = std::nullopt, bool reverse = false);
Array cummin(const Array& x, std::optional<int> axis = std::nullopt, bool reverse = false);
Array logaddexp(const Array& x, const Array& y);  // log(exp(x) + exp(y)), without overflow

// ---- shapes ----
Array reshape(const Array& x, const Shape& shape);  // one extent may be -1
Array ravel(const Array& x);
Array broadcast_to(const Array& x, const Shape& shape);
Array broadcast_in_dim(const Array& x, const Shape& shape, const Ints& broadcast_dimensions);
std::vector<Array> broadcast_arrays(const std::vector<Array>& xs);
Shape broadcast_shapes(const Shape& a, const Shape& b);  // numpy rules; throws ShapeError
Array expand_dims(const Array& x, AxisSpec axes);
Array squeeze(const Array& x, AxisSpec axes = {});
Array transpose(const Array& x, const Ints& perm = {});  // default: reverse the axes
Array moveaxis(const Array& x, int source, int destination);
Array swapaxes(const Array& x, int a, int b);
Array slice(const Array& x, const Ints& start, const Ints& stop, const Ints& step = {});
Array slice_in_dim(const Array& x, std::int64_t start, std::int64_t stop, std::int64_t step = 1, int axis = 0);
Array dynamic_slice(const Array& x, const std::vector<Array>& start, const Ints& sizes);
Array dynamic_update_slice(const Array& x, const Array& update, const std::vector<Array>& start);
Array concatenate(const std::vector<Array>& xs, int axis = 0);
Array stack(const std::vector<Array>& xs, int axis = 0);
std::vector<Array> split(const Array& x, std::int64_t sections, int axis = 0);
std::vector<Array> split(const Array& x, const Ints& indices, int axis = 0);
Array pad(const Array& x, const std::vector<std::pair<std::int64_t, std::int64_t>>& widths, const Array& value = 0);
Array flip(const Array& x, AxisSpec axes = {});
Array diagonal(const Array& x, std::int64_t offset = 0, int axis1 = 0, int axis2 = 1);
Array trace(const Array& x, std::int64_t offset = 0, int axis1 = 0, int axis2 = 1);
Array tril(const Array& x, std::int64_t k = 0);
Array triu(const Array& x, std::int64_t k = 0);

// ---- indexing ----
Array take(const Array& x, const Array& indices, std::optional<int> axis = std::nullopt);  // clamps out-of-range, as JAX
Array take_along_axis(const Array& x, const Array& indices, int axis);
Array one_hot(const Array& indices, std::int64_t num_classes, DType dtype = float32);
// Functional updates: at(x, idx).set(v) / .add(v) / .multiply(v) / .min(v) / .max(v) / .get().
class AtIndex {
 public:
  AtIndex(Array x, Array indices) : x_(std::move(x)), idx_(std::move(indices)) {}
  Array set(const Array& v) const;
  Array add(const Array& v) const;
  Array multiply(const Array& v) const;
  Array min(const Array& v) const;
  Array max(const Array& v) const;
  Array get() const;

 private:
  Array x_, idx_;
};
AtIndex at(const Array& x, const Array& indices);  // indices select along axis 0

// ---- contractions ----
Array dot_general(const Array& x, const Array& y, const Ints& contract_x, const Ints& contract_y,
                  const Ints& batch_x = {}, const Ints& batch_y = {});
Array dot(const Array& x, const Array& y);     // numpy.dot
Array matmul(const Array& x, const Array& y);  // numpy.matmul: batched, broadcasting
Array outer(const Array& x, const Array& y);
Array inner(const Array& x, const Array& y);
Array vdot(const Array& x, const Array& y);

// ---- sorting ----
Array sort(const Array& x, int axis = -1, bool descending = false);
Array argsort(const Array& x, int axis = -1, bool descending = false);

// ---- operators (Array with Array or C++ scalar, either side) ----
inline Array operator+(const Array& x, const Array& y) { return add(x, y); }
inline Array operator-(const Array& x, const Array& y) { return subtract(x, y); }
inline Array operator*(const Array& x, const Array& y) { return multiply(x, y); }
inline Array operator/(const Array& x, const Array& y) { return divide(x, y); }
inline Array operator%(const Array& x, const Array& y) { return remainder(x, y); }
inline Array operator-(const Array& x) { return neg(x); }
inline Array operator+(const Array& x) { return x; }
inline Array operator!(const Array& x) { return logical_not(x); }
inline Array operator~(const Array& x) { return bitwise_not(x); }
inline Array operator&(const Array& x, const Array& y) { return bitwise_and(x, y); }
inline Array operator|(const Array& x, const Array& y) { return bitwise_or(x, y); }
inline Array operator^(const Array& x, const Array& y) { return bitwise_xor(x, y); }
inline Array operator<<(const Array& x, const Array& y) { return shift_left(x, y); }
inline Array operator>>(const Array& x, const Array& y) { return shift_right(x, y); }
inline Array operator==(const Array& x, const Array& y) { return equal(x, y); }
inline Array operator!=(const Array& x, const Array& y) { return not_equal(x, y); }
inline Array operator<(const Array& x, const Array& y) { return less(x, y); }
inline Array operator<=(const Array& x, const Array& y) { return less_equal(x, y); }
inline Array operator>(const Array& x, const Array& y) { return greater(x, y); }
inline Array operator>=(const Array& x, const Array& y) { return greater_equal(x, y); }

namespace nn {
Array relu(const Array& x);
Array gelu(const Array& x, bool approximate = true);
Array softplus(const Array& x);
Array sigmoid(const Array& x);
Array softmax(const Array& x, int axis = -1);
Array log_softmax(const Array& x, int axis = -1);
}  // namespace nn

}  // namespace xjax
