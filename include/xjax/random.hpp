// xjax::random: JAX's functional, counter-based PRNG (threefry2x32, "partitionable" layout, the
// default since JAX 0.5). A key is a uint32[2] array, as jax.random.PRNGKey returns; every function
// is a pure function of its key, so it works under jit, grad and vmap (a vmapped batch of keys
// gives independent streams).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "xjax/ops.hpp"

namespace xjax::random {

// The key for an integer seed: its high and low 32-bit words (jax.random.PRNGKey with 64-bit seeds;
// seeds in [0, 2^31) give the same key in every JAX mode).
Array key(std::int64_t seed);
Array key(const Array& seed);  // an integer 0-d array, possibly traced; 32-bit seeds have a zero high word

// num new keys, shape (num, 2); split(k, n)[i] equals fold_in(k, i).
Array split(const Array& key, std::int64_t num);

// The (N, 2) array of split(key, N) that also unpacks into N keys: auto [k1, k2] = split(key).
// It is an Array, so it can be indexed, passed and stored as one.
template <std::size_t N>
class SplitKeys : public Array {
 public:
  explicit SplitKeys(Array keys) : Array(std::move(keys)) {
    if (shape() != Shape{static_cast<std::int64_t>(N), 2})
      throw ShapeError("random.split", "expected ", N, " keys of shape (", N, ", 2), got ", aval());
  }
  SplitKeys(const SplitKeys&) = default;
  SplitKeys(SplitKeys&&) noexcept = default;
  SplitKeys& operator=(const SplitKeys&) & = default;
  SplitKeys& operator=(SplitKeys&&) & noexcept = default;
  SplitKeys& operator=(const SplitKeys&) && = delete;  // as Array: forbid f(x) = y
  template <std::size_t I>
  Array get() const {
    static_assert(I < N, "xjax: SplitKeys index out of range");
    return (*this)[static_cast<std::int64_t>(I)];
  }
};
// N new keys (split(key, N)) that unpack: auto [a, b, c] = split<3>(key).
template <std::size_t N>
SplitKeys<N> split(const Array& key) {
  return SplitKeys<N>(random::split(key, static_cast<std::int64_t>(N)));
}
// Two new keys, as split(key, 2): auto [k1, k2] = split(key), or split(key)[i].
inline SplitKeys<2> split(const Array& key) { return split<2>(key); }

// A new key that depends on `data` (an integer scalar, taken modulo 2^32).
Array fold_in(const Array& key, const Array& data);

// Uniform random bits. xjax has one unsigned dtype, so dtype must be uint32.
Array bits(const Array& key, const Shape& shape = {}, DType dtype = uint32);
// Uniform in [minval, maxval); float32 or float64 (float64 draws 64 bits per element, as JAX with x64).
Array uniform(const Array& key, const Shape& shape = {}, DType dtype = float32, const Array& minval = 0.0,
              const Array& maxval = 1.0);
Array normal(const Array& key, const Shape& shape = {}, DType dtype = float32);
// Standard normal truncated to the open interval (lower, upper); shape defaults to their broadcast.
Array truncated_normal(const Array& key, const Array& lower, const Array& upper,
                       std::optional<Shape> shape = std::nullopt, DType dtype = float32);
// True with probability p (a float array); shape defaults to p's shape.
Array bernoulli(const Array& key, const Array& p = 0.5, std::optional<Shape> shape = std::nullopt);
// Indices drawn with probabilities softmax(logits) along `axis` (int32); shape defaults to logits'
// shape without `axis`, and may add leading sample dimensions.
Array categorical(const Array& key, const Array& logits, int axis = -1, std::optional<Shape> shape = std::nullopt);
// Integers in [minval, maxval) (int32 or uint32); maxval <= minval gives minval.
Array randint(const Array& key, const Shape& shape, const Array& minval, const Array& maxval, DType dtype = int32);
// A random permutation of arange(n) (int32), or of x along `axis` (each 1-d slice independently
// when `independent`).
Array permutation(const Array& key, std::int64_t n);
Array permutation(const Array& key, const Array& x, int axis = 0, bool independent = false);

// The Threefry-2x32 hash (20 rounds) of uint32 `counts` under a uint32[2] key, as
// jax.prng.threefry_2x32: the flattened counts (padded to even length) are split in halves that
// form the counter pairs; the result has the shape of `counts`.
Array threefry2x32(const Array& key_pair, const Array& counts);

// ---- samplers that transform uniform or normal bits (bit-identical to JAX) ----
// The same draws and the same float operations as JAX: exact where those are arithmetic and
// sqrt, within a few ulps where they go through log, exp, tan or pow (whose last bits differ
// from XLA's). Float samplers take dtype float32 or float64 (float64 draws 64-bit uniforms, as
// JAX with x64); parameters are converted to dtype (for rayleigh, pareto, lognormal, triangular
// and wald a non-weak parameter of a wider dtype is a DTypeError, as in JAX), and an optional
// shape defaults to the parameters' broadcast shape.

// Exponential(1): -log1p(-u).
Array exponential(const Array& key, const Shape& shape = {}, DType dtype = float32);
// Standard Gumbel. mode "low" draws one uniform per value; "high" two, reaching twice as far
// into the upper tail; "highest" (float32) 64 random bits, for both tails.
Array gumbel(const Array& key, const Shape& shape = {}, DType dtype = float32, const std::string& mode = "low");
// Laplace(0, 1).
Array laplace(const Array& key, const Shape& shape = {}, DType dtype = float32);
// Standard logistic.
Array logistic(const Array& key, const Shape& shape = {}, DType dtype = float32);
// Standard Cauchy: tan(pi (u - 1/2)).
Array cauchy(const Array& key, const Shape& shape = {}, DType dtype = float32);
// -1 or +1 with equal probability in an integer or float dtype (64-bit dtypes draw 64-bit
// uniforms, as JAX with x64).
Array rademacher(const Array& key, const Shape& shape = {}, DType dtype = int32);
// Samples from arange(a) (a a 0-d integer: a count) or from a's slices along `axis`, with or
// without replacement, uniformly or with probabilities p (1-d, length n). The result has shape
// `shape` for a count, else a.shape[:axis] + shape + a.shape[axis+1:]; indices are int32. Draws
// with p are made in p's float dtype (float32 for a weak or integer p); mode is gumbel's, used
// with p and without replacement.
Array choice(const Array& key, const Array& a, const Shape& shape = {}, bool replace = true,
             const std::optional<Array>& p = std::nullopt, int axis = 0, const std::string& mode = "low");
// Rayleigh with the given scale.
Array rayleigh(const Array& key, const Array& scale, std::optional<Shape> shape = std::nullopt, DType dtype = float32);
// One-sided Maxwell: the norm of three standard normals.
Array maxwell(const Array& key, const Shape& shape = {}, DType dtype = float32);
// Maxwell magnitude with a random sign, times scale, plus loc. As in JAX the result's shape is
// shape + broadcast(loc, scale), an empty shape first becoming broadcast(loc, scale).
Array double_sided_maxwell(const Array& key, const Array& loc, const Array& scale, const Shape& shape = {},
                           DType dtype = float32);
// Weibull by inverse CDF; shape is the uniforms' shape (default a scalar), parameters broadcast against it.
Array weibull_min(const Array& key, const Array& scale, const Array& concentration, const Shape& shape = {},
                  DType dtype = float32);
// Pareto(b) on [1, inf): exp(exponential / b).
Array pareto(const Array& key, const Array& b, std::optional<Shape> shape = std::nullopt, DType dtype = float32);
// exp(sigma * normal).
Array lognormal(const Array& key, const Array& sigma = 1.0, std::optional<Shape> shape = std::nullopt,
                DType dtype = float32);
// Triangular on [left, right] with peak at mode.
Array triangular(const Array& key, const Array& left, const Array& mode, const Array& right,
                 std::optional<Shape> shape = std::nullopt, DType dtype = float32);
// Wald (inverse Gaussian) with the given mean and unit shape parameter.
Array wald(const Array& key, const Array& mean, std::optional<Shape> shape = std::nullopt, DType dtype = float32);
// Number of Bernoulli(p) trials up to the first success (>= 1), in an integer dtype; drawn in p's
// float dtype (a weak p as float32).
Array geometric(const Array& key, const Array& p, std::optional<Shape> shape = std::nullopt, DType dtype = int32);


// ---- samplers by rejection and composition (gamma family, counts, matrices) ----
// Float parameters broadcast to `shape` (default: their broadcast shape); the result has `dtype`.
// Gamma variates follow JAX exactly (one split key per element, Marsaglia-Tsang, boosted for a < 1)
// and are differentiable in `a` by implicit reparameterisation, as jax.random.gamma.

// Gamma(a, 1) variates.
Array gamma(const Array& key, const Array& a, std::optional<Shape> shape = std::nullopt, DType dtype = float32);
// log of Gamma(a, 1) variates, computed in log space (accurate for tiny a).
Array loggamma(const Array& key, const Array& a, std::optional<Shape> shape = std::nullopt, DType dtype = float32);
Array beta(const Array& key, const Array& a, const Array& b, std::optional<Shape> shape = std::nullopt,
           DType dtype = float32);
// alpha is [..., k]; shape is the batch shape (default alpha's without the last axis); result shape + [k].
Array dirichlet(const Array& key, const Array& alpha, std::optional<Shape> shape = std::nullopt, DType dtype = float32);
Array chisquare(const Array& key, const Array& df, std::optional<Shape> shape = std::nullopt, DType dtype = float32);
// Snedecor's F with dfnum and dfden degrees of freedom.
Array f(const Array& key, const Array& dfnum, const Array& dfden, std::optional<Shape> shape = std::nullopt,
        DType dtype = float32);
// Student's t with df degrees of freedom.
Array t(const Array& key, const Array& df, std::optional<Shape> shape = std::nullopt, DType dtype = float32);
// Density proportional to exp(-|x|^p).
Array generalized_normal(const Array& key, double p, const Shape& shape = {}, DType dtype = float32);
// Poisson counts with rate lam (drawn in float32 as JAX; Knuth below lam = 10, transformed rejection above).
Array poisson(const Array& key, const Array& lam, std::optional<Shape> shape = std::nullopt, DType dtype = int32);
// Binomial counts as floats (n may be fractional: it is floored; invalid n or p give NaN).
Array binomial(const Array& key, const Array& n, const Array& p, std::optional<Shape> shape = std::nullopt,
               DType dtype = float32);
// Counts of n trials over the outcomes along p's last axis; shape is the full result shape
// (default p's shape, as jax.random.multinomial), n broadcasts to shape without its last axis.
Array multinomial(const Array& key, const Array& n, const Array& p, std::optional<Shape> shape = std::nullopt,
                  DType dtype = float32);
// mean [..., n], cov [..., n, n]; shape is the batch shape (default the broadcast of their batch
// shapes); method "cholesky", "eigh" or "svd" (the last two accept singular cov); dtype defaults
// to the parameters' float dtype.
Array multivariate_normal(const Array& key, const Array& mean, const Array& cov, std::optional<Shape> shape = std::nullopt,
                          std::optional<DType> dtype = std::nullopt, const std::string& method = "cholesky");
// Haar-random orthogonal n x n matrices, shape + [n, n]; with m, n x m with orthonormal rows
// (n <= m) or columns (n > m).
Array orthogonal(const Array& key, std::int64_t n, const Shape& shape = {}, DType dtype = float32,
                 std::optional<std::int64_t> m = std::nullopt);
// Uniform points of the unit Lp ball in d dimensions, shape + [d].
Array ball(const Array& key, std::int64_t d, double p = 2, const Shape& shape = {}, DType dtype = float32);

}  // namespace xjax::random

// Structured bindings for split(key) and split<N>(key).
namespace std {
template <size_t N>
struct tuple_size<xjax::random::SplitKeys<N>> : integral_constant<size_t, N> {};
template <size_t I, size_t N>
struct tuple_element<I, xjax::random::SplitKeys<N>> {
  using type = xjax::Array;
};
}  // namespace std
