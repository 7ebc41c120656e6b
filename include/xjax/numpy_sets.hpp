// jax.numpy's functions whose result size depends on the values: unique, nonzero, bincount, compress
// and the 1-d set operations. Eagerly the exact NumPy result is returned; under jit/vmap pass a static
// size (xj::nonzero(x, {.size = 3})): the result is then truncated or padded with fill_value, as JAX's
// size= / fill_value= (ConcretizationError otherwise).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "xjax/ops.hpp"

namespace xjax {

// JAX's size= and fill_value= keywords: a static output length, and what pads a shorter result
// (each function documents its default padding).
struct SizeOptions {
  std::optional<std::int64_t> size;
  std::optional<double> fill_value;
};

// ---- unique values (NaNs compare equal when equal_nan; axis = nullopt flattens) ----
// Sorted unique values, or the unique slices along `axis`; padding defaults to the smallest value.
Array unique(const Array& ar, std::optional<int> axis = std::nullopt, bool equal_nan = true, SizeOptions opts = {});
// The array-API forms (NaNs are all distinct, as NumPy's): values, the index of each value's first
// occurrence, for every element of x the index of its value (x's shape), and each value's count.
// Padding: values as unique; indices with the smallest value's index; counts with 0.
struct UniqueAllResult {
  Array values, indices, inverse_indices, counts;
};
struct UniqueCountsResult {
  Array values, counts;
};
struct UniqueInverseResult {
  Array values, inverse_indices;
};
UniqueAllResult unique_all(const Array& x, SizeOptions opts = {});
UniqueCountsResult unique_counts(const Array& x, SizeOptions opts = {});
UniqueInverseResult unique_inverse(const Array& x, SizeOptions opts = {});
Array unique_values(const Array& x, SizeOptions opts = {});

// ---- positions of nonzero elements (int32; padding defaults to index 0) ----
std::vector<Array> nonzero(const Array& a, SizeOptions opts = {});  // one index array per axis of a
Array flatnonzero(const Array& a, SizeOptions opts = {});           // indices into ravel(a)
Array argwhere(const Array& a, SizeOptions opts = {});              // shape (count, a.ndim)
std::vector<Array> where(const Array& condition, SizeOptions opts = {});  // one argument: nonzero

// ---- counting and selection ----
// Occurrences of each value 0, 1, ... of the non-negative integer 1-d x (weighted sums with weights);
// length max(x) + 1, at least minlength. .size fixes the length (JAX's length=; larger values are
// dropped; minlength is then ignored); fill_value does not apply. A negative value is a ValueError when
// x is concrete (as NumPy) and counts in bin 0 when it is traced (as JAX).
Array bincount(const Array& x, const std::optional<Array>& weights = std::nullopt, std::int64_t minlength = 0,
               SizeOptions opts = {});
// The slices of a along axis (of ravel(a) when nullopt) where the 1-d condition is true; a shorter
// condition counts as false. .size (at most the axis extent) keeps that many, padding with fill_value (0).
Array compress(const Array& condition, const Array& a, std::optional<int> axis = std::nullopt, SizeOptions opts = {});
Array extract(const Array& condition, const Array& arr, SizeOptions opts = {});  // compress of the flattened arrays

// ---- 1-d set operations on the flattened inputs (sorted results) ----
// Values in both; padding defaults to the smallest value of the intersection.
Array intersect1d(const Array& ar1, const Array& ar2, bool assume_unique = false, SizeOptions opts = {});
// Unique values of ar1 not in ar2 (in ar1's order when assume_unique); padding defaults to 0, as JAX.
Array setdiff1d(const Array& ar1, const Array& ar2, bool assume_unique = false, SizeOptions opts = {});
// Values in exactly one; padding defaults to the smallest value of the result.
Array setxor1d(const Array& ar1, const Array& ar2, bool assume_unique = false, SizeOptions opts = {});
// Values in either; padding defaults to the smallest value.
Array union1d(const Array& ar1, const Array& ar2, SizeOptions opts = {});
// filt without its leading ("f") and/or trailing ("b") zeros, on every axis (the smallest bounding box
// of the nonzero values); needs a concrete filt.
Array trim_zeros(const Array& filt, const std::string& trim = "fb");

}  // namespace xjax
