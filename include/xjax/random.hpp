// xjax::random: JAX's functional, counter-based PRNG (threefry2x32, "partitionable" layout, the
// default since JAX 0.5). A key is a uint32[2] array, as jax.random.PRNGKey returns; every function
// is a pure function of its key, so it works under jit, grad and vmap (a vmapped batch of keys
// gives independent streams).
#pragma once
#include <cstdint>
#include <optional>

#include "xjax/ops.hpp"

namespace xjax::random {

// The key for an integer seed: its high and low 32-bit words (jax.random.PRNGKey with 64-bit seeds;
// seeds in [0, 2^31) give the same key in every JAX mode).
Array key(std::int64_t seed);
Array key(const Array& seed);  // an integer 0-d array, possibly traced; 32-bit seeds have a zero high word

// num new keys, shape (num, 2); split(k, n)[i] equals fold_in(k, i).
Array split(const Array& key, std::int64_t num = 2);
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

}  // namespace xjax::random
