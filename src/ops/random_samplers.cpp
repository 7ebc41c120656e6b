// xjax::random samplers that transform uniform or normal draws (exponential, gumbel, ..., choice),
// written with the same key usage and the same sequence of float operations as jax/_src/random.py,
// so that a key gives JAX's numbers.
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <numbers>
#include <optional>
#include <string>

#include "primitives/indexing.hpp"
#include "primitives/random.hpp"
#include "xjax/numpy.hpp"

namespace xjax::random {
namespace {

using detail::check_key;
using detail::check_shape;
using detail::check_floating;
using detail::constant;
using detail::eps;
using detail::sample_shape;
using detail::tiny;

// The checks every sampler makes before drawing: a key, a valid shape, a float dtype.
void check_float_draw(const char* op, const Array& key, const Shape& shape, DType dtype) {
  check_key(op, key);
  check_shape(op, shape);
  check_floating(op, dtype);
}

// JAX refuses parameters that cannot be converted to dtype without loss of type (a float64
// array for float32 draws); weak scalars always convert.
void check_safe_cast(const char* op, DType dtype, const Array& param) {
  if (!param.weak_type() && promote_types(param.dtype(), dtype) != dtype)
    throw DTypeError(op, "cannot safely cast parameter ", param.aval(), " to ", dtype);
}

int mantissa_bits(DType d) { return finfo(d).nmant; }

// JAX turns Python floats (and integers, for samplers that need floats) into its default float32.
DType float_dtype_of(const Array& x) { return is_floating(x.dtype()) && !x.weak_type() ? x.dtype() : float32; }

// Leading zero bits of each uint32 (32 for 0), by halving the search window.
Array count_leading_zeros(const Array& x) {
  Array n = zeros_like(x), y = x;
  for (int s : {16, 8, 4, 2, 1}) {
    Array top_clear = (y >> (32 - s)) == 0;
    n = where(top_clear, n + s, n);
    y = where(top_clear, y << s, y);
  }
  return where(x == 0, array(std::uint32_t{32}), n);
}

// The 64-bit fixed-point fraction (hi, lo) / 2^64 rounded down to float32, keeping 24
// significant bits wherever the leading one is (JAX's _safe_int_to_float, which bitcasts; here
// the significand times a power of two, the same number exactly).
Array fixed_point_to_float32(const Array& hi, const Array& lo) {
  Array hi_clz = count_leading_zeros(hi), lo_clz = count_leading_zeros(lo);
  Array zero = array(std::uint32_t{0});
  Array hi_part = where(hi_clz == 32, zero, hi << hi_clz);  // shifts of 32 give 0, as in XLA
  Array lo_part = where(hi_clz == 32, lo << lo_clz, where(hi_clz == 0, zero, lo >> (32 - hi_clz)));
  Array significand = ((hi_part | lo_part) >> 8) | array(std::uint32_t{1} << 23);
  Array clz = where(hi_clz == 32, 32 + lo_clz, hi_clz);
  // The value is significand * 2^-(24 + clz); the scale is built from exact powers of two.
  Array scale = constant(std::ldexp(1.0, -24), float32);
  for (int b = 0; b < 7; ++b)
    scale = where((clz & array(std::uint32_t{1} << b)) != 0, scale * constant(std::ldexp(1.0, -(1 << b)), float32), scale);
  return significand.astype(float32) * scale;
}

Array gumbel_unchecked(const Array& key, const Shape& shape, DType dtype, const std::string& mode) {
  if (mode == "low") return -log(-log(uniform(key, shape, dtype, tiny(dtype), 1.0)));
  if (mode != "high" && mode != "highest")
    throw ValueError("random.gumbel", "mode must be \"low\", \"high\" or \"highest\", got \"", mode, "\"");
  Shape two = shape;
  two.insert(two.begin(), 2);
  if (mode == "highest" && dtype == float32) {
    // 64 random bits as a fraction u: below 1/2 take u, above it 1 - u (the 64-bit negation),
    // so that both tails keep full float32 precision.
    Array words = bits(key, two);
    Array hi = words[0], lo = words[1];
    Array neg_hi = ~hi + (lo == 0).astype(uint32), neg_lo = ~lo + array(std::uint32_t{1});
    Array below_half = hi < array(std::uint32_t{1} << 31);
    Array x = fixed_point_to_float32(where(below_half, hi, neg_hi), where(below_half, lo, neg_lo));
    return where(below_half, -log(-log1p(-x)), -log(-log(x)));
  }
  // Below 1/2 a second uniform fills in the bits under the first one's resolution.
  Array u = uniform(key, two, dtype);
  Array high = u[0], low = u[1];
  Array x = where(high >= 0.5, high, high + low * std::ldexp(1.0, -mantissa_bits(dtype)) + tiny(dtype));
  return -log(-log1p(-x));
}

// The Bernoulli(1/2) draw behind rademacher: JAX compares a uniform in the default float dtype,
// float64 under x64, which 64-bit results stand for here.
Array fair_coin(const Array& key, const Shape& shape, DType dtype) {
  DType u = itemsize(dtype) == 8 ? float64 : float32;
  return uniform(key, shape, u) < 0.5;
}

Array maxwell_unchecked(const Array& key, Shape shape, DType dtype) {
  shape.push_back(3);
  Array n = normal(key, shape, dtype);
  return sqrt(sum(n * n, -1));
}

// Indices of the k largest values of the 1-d x, largest first, ties in index order (lax.top_k).
Array top_k_indices(const Array& x, std::int64_t k) {
  Array order = lax::sort({x, iota(int32, x.shape())}, 0, 1, true)[1];
  return slice_in_dim(order, 0, k);
}

}  // namespace

Array exponential(const Array& key, const Shape& shape, DType dtype) {
  check_float_draw("random.exponential", key, shape, dtype);
  return -log1p(-uniform(key, shape, dtype));  // log of 1 - u, in (0, 1]
}

Array gumbel(const Array& key, const Shape& shape, DType dtype, const std::string& mode) {
  check_float_draw("random.gumbel", key, shape, dtype);
  return gumbel_unchecked(key, shape, dtype, mode);
}

Array laplace(const Array& key, const Shape& shape, DType dtype) {
  check_float_draw("random.laplace", key, shape, dtype);
  // u in (-1, 1): the smallest step above -1 keeps log1p finite.
  double epsneg = eps(dtype) / 2;
  Array u = uniform(key, shape, dtype, -1.0 + epsneg, 1.0);
  return sign(u) * log1p(-abs(u));
}

Array logistic(const Array& key, const Shape& shape, DType dtype) {
  check_float_draw("random.logistic", key, shape, dtype);
  Array x = uniform(key, shape, dtype, tiny(dtype), 1.0);
  return log(x) - log1p(-x);
}

Array cauchy(const Array& key, const Shape& shape, DType dtype) {
  check_float_draw("random.cauchy", key, shape, dtype);
  Array u = uniform(key, shape, dtype, eps(dtype), 1.0);
  return tan(constant(std::numbers::pi, dtype) * (u - 0.5));
}

Array rademacher(const Array& key, const Shape& shape, DType dtype) {
  check_key("random.rademacher", key);
  check_shape("random.rademacher", shape);
  if (dtype == bool_) throw DTypeError("random.rademacher", "dtype must be an integer or float dtype, got ", dtype);
  Array b = fair_coin(key, shape, dtype).astype(dtype);
  return (2 * b - 1).astype(dtype);
}

Array choice(const Array& key, const Array& a, const Shape& shape, bool replace, const std::optional<Array>& p,
             int axis, const std::string& mode) {
  const char* op = "random.choice";
  check_key(op, key);
  check_shape(op, shape);
  if (mode != "low" && mode != "high" && mode != "highest")
    throw ValueError(op, "mode must be \"low\", \"high\" or \"highest\", got \"", mode, "\"");
  bool count = a.ndim() == 0;
  std::int64_t n = 0;
  if (count) {
    if (!is_integer(a.dtype())) throw DTypeError(op, "a must be an integer count or an array, got ", a.aval());
    n = a.item<std::int64_t>();  // ConcretizationError when traced, as in JAX
  } else {
    axis = normalize_axis(op, axis, a.ndim());
    n = a.shape()[static_cast<std::size_t>(axis)];
  }
  // The result: `shape` for a count, else `shape` in place of the sampled axis.
  Shape out_shape = shape;
  if (!count) {
    out_shape.insert(out_shape.begin(), a.shape().begin(), a.shape().begin() + axis);
    out_shape.insert(out_shape.end(), a.shape().begin() + axis + 1, a.shape().end());
  }
  std::int64_t draws = shape_size(shape);
  if (draws == 0) return zeros(out_shape, count ? int32 : a.dtype());
  if (n <= 0) throw ValueError(op, "a must be greater than 0 unless no samples are taken, got ", a.aval());
  if (!replace && draws > n)
    throw ValueError(op, "cannot take a larger sample (size ", draws, ") than the population (size ", n,
                     ") when replace is false");
  Array indices;
  if (!p) {
    if (replace) {
      indices = randint(key, shape, 0, n);
    } else {  // the first draws of a random permutation
      Array perm = count ? permutation(key, n) : permutation(key, a, axis);
      Array taken = slice_in_dim(perm, 0, draws, 1, count ? 0 : axis);
      return reshape(taken, out_shape);
    }
  } else {
    DType pdtype = float_dtype_of(*p);
    if (p->shape() != Shape{n})
      throw ShapeError(op, "p must be a 1-d vector of the length of a's axis (", n, "), got ", p->aval());
    Array probs = p->astype(pdtype);
    if (replace) {  // inverse CDF by binary search of the cumulative weights
      Array cumulative = cumsum(probs);
      Array r = cumulative[-1] * (1 - uniform(key, shape, pdtype));
      indices = searchsorted(cumulative, r).astype(int32);
    } else {  // Gumbel top-k: the k largest perturbed log-weights
      Array scores = gumbel_unchecked(key, {n}, pdtype, mode) + log(probs);
      indices = top_k_indices(scores, draws);
    }
  }
  Array r = count ? indices : take(a, indices, axis);
  return reshape(r, out_shape);
}

Array rayleigh(const Array& key, const Array& scale, std::optional<Shape> shape, DType dtype) {
  const char* op = "random.rayleigh";
  Shape s = sample_shape(op, shape, {scale.shape()});
  check_float_draw(op, key, s, dtype);
  check_safe_cast(op, dtype, scale);
  Array u = uniform(key, s, dtype);
  return broadcast_to(scale.astype(dtype), s) * sqrt(log(u) * -2.0);
}

Array maxwell(const Array& key, const Shape& shape, DType dtype) {
  check_float_draw("random.maxwell", key, shape, dtype);
  return maxwell_unchecked(key, shape, dtype);
}

Array double_sided_maxwell(const Array& key, const Array& loc, const Array& scale, const Shape& shape, DType dtype) {
  const char* op = "random.double_sided_maxwell";
  check_float_draw(op, key, shape, dtype);
  Shape params = sample_shape(op, std::nullopt, {loc.shape(), scale.shape()});
  // JAX appends the parameters' shape even after an empty shape became it.
  Shape s = shape.empty() ? params : shape;
  s.insert(s.end(), params.begin(), params.end());
  check_shape(op, s);
  auto [maxwell_key, sign_key] = split(key);
  Array magnitude = maxwell_unchecked(maxwell_key, s, dtype);
  Array sign = (2 * fair_coin(sign_key, s, dtype).astype(dtype) - 1).astype(dtype);
  return sign * magnitude * scale + loc;
}

Array weibull_min(const Array& key, const Array& scale, const Array& concentration, const Shape& shape, DType dtype) {
  check_float_draw("random.weibull_min", key, shape, dtype);
  Array u = uniform(key, shape, dtype);
  return pow(-log1p(-u), 1.0 / concentration) * scale;  // the inverse CDF
}

Array pareto(const Array& key, const Array& b, std::optional<Shape> shape, DType dtype) {
  const char* op = "random.pareto";
  Shape s = sample_shape(op, shape, {b.shape()});
  check_float_draw(op, key, s, dtype);
  check_safe_cast(op, dtype, b);
  return exp(exponential(key, s, dtype) / b.astype(dtype));
}

Array lognormal(const Array& key, const Array& sigma, std::optional<Shape> shape, DType dtype) {
  const char* op = "random.lognormal";
  Shape s = sample_shape(op, shape, {sigma.shape()});
  check_float_draw(op, key, s, dtype);
  check_safe_cast(op, dtype, sigma);
  return exp(normal(key, s, dtype) * sigma.astype(dtype));
}

Array triangular(const Array& key, const Array& left, const Array& mode, const Array& right,
                 std::optional<Shape> shape, DType dtype) {
  const char* op = "random.triangular";
  Shape s = sample_shape(op, shape, {left.shape(), mode.shape(), right.shape()});
  check_float_draw(op, key, s, dtype);
  for (const Array* p : {&left, &mode, &right}) check_safe_cast(op, dtype, *p);
  Array lo = broadcast_to(left.astype(dtype), s), hi = broadcast_to(right.astype(dtype), s);
  Array peak = broadcast_to(mode.astype(dtype), s);
  Array below_peak = (peak - lo) / (hi - lo);  // the CDF at the peak
  Array u = uniform(key, s, dtype);
  Array rising = lo + sqrt(u * (hi - lo) * (peak - lo));
  Array falling = hi - sqrt((1 - u) * (hi - lo) * (hi - peak));
  return where(u < below_peak, rising, falling);
}

// Michael, Schucany and Haas (1976): a chi-square(1) draw gives two roots; a uniform picks one.
Array wald(const Array& key, const Array& mean, std::optional<Shape> shape, DType dtype) {
  const char* op = "random.wald";
  Shape s = sample_shape(op, shape, {mean.shape()});
  check_float_draw(op, key, s, dtype);
  check_safe_cast(op, dtype, mean);
  auto [k1, k2] = split(key);
  Array mu = broadcast_to(mean.astype(dtype), s);
  Array v = normal(k1, s, dtype);
  Array z = uniform(k2, s, dtype);
  Array y = v * v;
  Array y_sq = y * y;
  Array mu_sq = mu * mu;
  Array sqrt_term = sqrt(4 * mu * y + mu_sq * y_sq);
  Array x = mu + mu_sq * y / 2 - mu / 2 * sqrt_term;
  return where(z <= mu / (mu + x), x, mu_sq / x);
}

Array geometric(const Array& key, const Array& p, std::optional<Shape> shape, DType dtype) {
  const char* op = "random.geometric";
  check_key(op, key);
  if (!is_integer(dtype)) throw DTypeError(op, "dtype must be an integer dtype, got ", dtype);
  if (p.dtype() == bool_) throw DTypeError(op, "p must be a float, got ", p.aval());
  Shape s = sample_shape(op, shape, {p.shape()});
  DType pdtype = float_dtype_of(p);
  Array u = uniform(key, s, pdtype);
  u = where(u == 0, constant(1.0, pdtype), u);  // JAX maps 0 to 1 to keep the log finite
  Array log_one_minus_p = broadcast_to(log1p(-p.astype(pdtype)), s);
  return (floor(log(u) / log_one_minus_p) + 1).astype(dtype);
}

}  // namespace xjax::random
