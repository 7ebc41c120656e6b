// xjax::random samplers, composed from the key operations and public ops the way jax/_src/random.py
// composes them, so that a key gives the numbers JAX gives.
#include <cmath>
#include <cstdint>
#include <limits>

#include "primitives/indexing.hpp"
#include "primitives/random.hpp"

namespace xjax::random {
namespace {

using detail::check_key;
using detail::check_shape;
using detail::check_floating;
using detail::constant;
using detail::sample_shape;

// JAX turns Python floats into float32 (its default dtype); xjax's weak float scalars are float64.
DType float_dtype_of(const Array& x) { return x.weak_type() && is_floating(x.dtype()) ? float32 : x.dtype(); }

// Uniform in [0, 1): the top mantissa bits of the random word over 1.0, minus 1. Written as an
// integer times a power of two, which is the same number exactly (no bitcast needed); float64
// takes its 52 bits from the word pair (w0 << 32 | w1), as JAX's 64-bit random bits. float16 and
// bfloat16 take the top 10 or 7 bits of the float32 word (JAX draws 16-bit words for them, so their
// values differ from JAX's).
Array unit_interval(const Array& key, const Shape& shape, DType dtype) {
  auto [w0, w1] = detail::hash_positions(key, shape);
  if (dtype != float64) {
    const int nmant = finfo(dtype).nmant;
    Array u = ((w0 ^ w1) >> (32 - nmant)).astype(float32) * constant(std::ldexp(1.0, -nmant), float32);
    return u.astype(dtype);  // exact: a multiple of 2^-nmant below one
  }
  Array mantissa = w0.astype(float64) * std::ldexp(1.0, 20) + (w1 >> 12).astype(float64);
  return mantissa * std::ldexp(1.0, -52);
}

// erf_inv as XLA computes it for float32 (Giles' single-precision polynomial, evaluated in
// float32), which jax.random.normal draws through: xjax's erf_inv is more accurate, and so
// differs from JAX's numbers in the last ulps. float64 keeps xjax's erf_inv.
Array jax_erf_inv(const Array& x) {
  if (x.dtype() != float32) return erf_inv(x);
  static constexpr float central[] = {2.81022636e-08f,  3.43273939e-07f, -3.5233877e-06f,
                                      -4.39150654e-06f, 0.00021858087f,  -0.00125372503f,
                                      -0.00417768164f,  0.246640727f,    1.50140941f};
  static constexpr float tail[] = {-0.000200214257f, 0.000100950558f, 0.00134934322f,
                                   -0.00367342844f,  0.00573950773f,  -0.0076224613f,
                                   0.00943887047f,   1.00167406f,     2.83297682f};
  Array w = -log1p(-(x * x));
  Array central_part = w < 5.0f;
  Array t = where(central_part, w - 2.5f, sqrt(w) - 3.0f);
  auto coefficient = [&](int i) { return where(central_part, array(central[i]), array(tail[i])); };
  Array p = coefficient(0);
  for (int i = 1; i < 9; ++i) p = coefficient(i) + p * t;
  return where(abs(x) == 1.0f, x * std::numeric_limits<float>::infinity(), p * x);
}

// XLA's unsigned remainder: x % 0 is x (xjax's integer x % 0 is 0).
Array xla_rem(const Array& x, const Array& y) { return where(y == 0, x, x % y); }

// A row-major sort of x along `axis` by fresh random keys, repeated until collisions of the
// 32-bit keys are unlikely to bias the result (JAX's _shuffle).
Array shuffle(Array key, Array x, int axis) {
  double size = static_cast<double>(std::max<std::int64_t>(1, x.size()));
  auto rounds = static_cast<int>(std::ceil(3 * std::log(size) / std::log(4294967295.0)));
  for (int r = 0; r < rounds; ++r) {
    Array keys = split(key);
    key = keys[0];
    x = lax::sort({bits(keys[1], x.shape()), x}, axis)[1];
  }
  return x;
}

}  // namespace

Array uniform(const Array& key, const Shape& shape, DType dtype, const Array& minval, const Array& maxval) {
  check_key("random.uniform", key);
  check_floating("random.uniform", dtype);
  sample_shape("random.uniform", shape, {minval.shape(), maxval.shape()});
  Array lo = minval.astype(dtype), hi = maxval.astype(dtype);
  Array r = maximum(lo, unit_interval(key, shape, dtype) * (hi - lo) + lo);
  return r.shape() == shape ? r : broadcast_to(r, shape);
}

// sqrt(2) erf_inv(u) for u uniform in (-1, 1): the open interval keeps erf_inv finite.
Array normal(const Array& key, const Shape& shape, DType dtype) {
  check_floating("random.normal", dtype);
  double lo = std::ldexp(1.0, -finfo(dtype).nmant - 1) - 1.0;  // the float above -1
  Array u = uniform(key, shape, dtype, constant(lo, dtype), 1.0);
  return constant(std::sqrt(2.0), dtype) * jax_erf_inv(u);
}

// Inverse-CDF sampling between the bounds' CDF values, clamped into the open interval.
Array truncated_normal(const Array& key, const Array& lower, const Array& upper, std::optional<Shape> shape,
                       DType dtype) {
  check_floating("random.truncated_normal", dtype);
  Shape s = sample_shape("random.truncated_normal", shape, {lower.shape(), upper.shape()});
  Array sqrt2 = constant(std::sqrt(2.0), dtype);
  Array lo = lower.astype(dtype), hi = upper.astype(dtype);
  Array u = uniform(key, s, dtype, erf(lo / sqrt2), erf(hi / sqrt2));
  Array out = sqrt2 * jax_erf_inv(u);
  double inf = std::numeric_limits<double>::infinity();
  return clip(out, nextafter(stop_gradient(lo), constant(inf, dtype)), nextafter(stop_gradient(hi), constant(-inf, dtype)));
}

Array bernoulli(const Array& key, const Array& p, std::optional<Shape> shape) {
  DType dtype = float_dtype_of(p);
  if (!is_floating(dtype)) throw DTypeError("random.bernoulli", "p must have a floating dtype, got ", p.aval());
  Shape s = sample_shape("random.bernoulli", shape, {p.shape()});
  return uniform(key, s, dtype) < p.astype(dtype);
}

// The Gumbel-max trick: argmax of logits plus Gumbel noise along `axis`.
Array categorical(const Array& key, const Array& logits, int axis, std::optional<Shape> shape) {
  DType dtype = float_dtype_of(logits);
  if (!is_floating(dtype)) throw DTypeError("random.categorical", "logits must be floating, got ", logits.aval());
  if (logits.ndim() == 0) throw ShapeError("random.categorical", "logits must have at least one dimension");
  int ax = normalize_axis("random.categorical", axis, logits.ndim());
  Shape batch = logits.shape();
  batch.erase(batch.begin() + ax);
  Shape s = shape.value_or(batch);
  if (s.size() < batch.size() || broadcast_shapes(s, batch) != s)
    throw ShapeError("random.categorical", "shape ", shape_str(s), " does not end with the batch shape ", shape_str(batch));
  check_shape("random.categorical", s);
  auto prefix = static_cast<std::ptrdiff_t>(s.size() - batch.size());
  Shape noise_shape = s;  // the sample prefix, then the logits' shape with s's batch extents
  noise_shape.insert(noise_shape.begin() + prefix + ax, logits.shape()[static_cast<std::size_t>(ax)]);
  Shape expanded(static_cast<std::size_t>(prefix), 1);
  expanded.insert(expanded.end(), logits.shape().begin(), logits.shape().end());
  Array scores = gumbel(key, noise_shape, dtype) + reshape(logits.astype(dtype), expanded);
  return argmax(scores, static_cast<int>(prefix) + ax);
}

// Two independent words per element reduced modulo the span (JAX's double-width remainder trick
// limits the bias for spans that are not powers of two).
Array randint(const Array& key, const Shape& shape, const Array& minval, const Array& maxval, DType dtype) {
  check_key("random.randint", key);
  if (dtype != int32 && dtype != uint32) throw DTypeError("random.randint", "dtype must be int32 or uint32, got ", dtype);
  sample_shape("random.randint", shape, {minval.shape(), maxval.shape()});
  auto wide = [](const Array& v) { return v.astype(int64); };  // exact for every integer dtype here
  double lowest = dtype == int32 ? std::numeric_limits<std::int32_t>::min() : 0.0;
  double highest = dtype == int32 ? std::numeric_limits<std::int32_t>::max() : std::numeric_limits<std::uint32_t>::max();
  Array hi_limit = array(static_cast<std::int64_t>(highest)), lo_limit = array(static_cast<std::int64_t>(lowest));
  Array out_of_range = wide(maxval) > hi_limit;
  Array lo = clip(wide(minval), lo_limit, hi_limit).astype(dtype);
  Array hi = clip(wide(maxval), lo_limit, hi_limit).astype(dtype);
  Array keys = split(key);
  Array higher_bits = bits(keys[0], shape), lower_bits = bits(keys[1], shape);
  Array span = (hi - lo).astype(uint32);
  span = where(hi <= lo, array(std::uint32_t{1}), span);
  span = where(logical_and(out_of_range, hi > lo), span + 1, span);  // may wrap to 0: the full range
  Array multiplier = xla_rem(array(std::uint32_t{1} << 16), span);   // 2^32 mod span, in two halves
  multiplier = xla_rem(multiplier * multiplier, span);
  Array offset = xla_rem(xla_rem(higher_bits, span) * multiplier + xla_rem(lower_bits, span), span);
  Array r = lo + offset.astype(dtype);
  return r.shape() == shape ? r : broadcast_to(r, shape);
}

namespace {
// 0, 1, ..., n - 1 as int32, or int64 where int32 cannot hold n - 1 (never wrapped values).
Array index_range(std::int64_t n) {
  return arange(static_cast<double>(n), n - 1 <= std::numeric_limits<std::int32_t>::max() ? int32 : int64);
}
}  // namespace

Array permutation(const Array& key, std::int64_t n) {
  check_key("random.permutation", key);
  if (n < 0) throw ValueError("random.permutation", "n must be non-negative, got ", n);
  return shuffle(key, index_range(n), 0);
}

Array permutation(const Array& key, const Array& x, int axis, bool independent) {
  check_key("random.permutation", key);
  if (x.ndim() == 0) {
    if (!is_integer(x.dtype())) throw DTypeError("random.permutation", "x must be an integer or an array, got ", x.aval());
    return permutation(key, x.item<std::int64_t>());  // ConcretizationError when traced, as in JAX
  }
  int ax = normalize_axis("random.permutation", axis, x.ndim());
  if (independent || x.ndim() == 1) return shuffle(key, x, ax);
  Array order = shuffle(key, index_range(x.shape()[static_cast<std::size_t>(ax)]), 0);
  return take(x, order, ax);
}

}  // namespace xjax::random
