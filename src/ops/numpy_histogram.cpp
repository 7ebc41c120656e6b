// jax.numpy's multi-dimensional histograms (histogramdd, histogram2d): each sample's bin on every axis
// is found as histogram finds it, and the joint bins are counted by xj::histogram over flat bin numbers.
#include <string>

#include "primitives/common.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {

using Ranges = std::optional<std::vector<std::pair<double, double>>>;

void check_sample(const Array& sample, std::optional<Array>& weights) {
  if (sample.ndim() != 2) throw ShapeError("histogramdd", "sample must be 2-d (N, D), got ", sample.aval());
  if (weights && (weights->ndim() != 1 || weights->shape()[0] != sample.shape()[0]))
    throw ShapeError("histogramdd", "weights ", weights->aval(), " must be 1-d with one entry per sample row of ",
                     sample.aval());
}

std::pair<Array, std::vector<Array>> count(const Array& sample, const std::vector<Array>& edges, bool density,
                                           const std::optional<Array>& weights) {
  std::int64_t n = sample.shape()[0];
  auto dims = static_cast<std::size_t>(sample.shape()[1]);
  if (edges.size() != dims)
    throw ValueError("histogramdd", "got ", edges.size(), " edge vectors for ", dims, "-dimensional samples");
  Shape grid;
  Array flat = zeros({n}, int64), inside = ones({n}, bool_);
  for (std::size_t i = 0; i < dims; ++i) {
    const Array& e = edges[i];
    if (e.ndim() != 1 || e.shape()[0] < 2)
      throw ShapeError("histogramdd", "bin edges must be 1-d with at least 2 entries, got ", e.aval());
    std::int64_t nb = e.shape()[0] - 1;
    Array col = squeeze(slice_in_dim(sample, static_cast<std::int64_t>(i), static_cast<std::int64_t>(i) + 1, 1, 1), 1);
    col = col.astype(promote_types(col.dtype(), e.dtype()));
    // As histogram: bin b holds e[b] <= v < e[b+1], the last bin its right edge too, the rest falls outside.
    Array b = searchsorted(e, col, "right").astype(int64) - 1;
    b = where(col == squeeze(slice_in_dim(e, nb, nb + 1), 0), nb - 1, b);
    inside = inside & (b >= 0) & (b < nb);
    flat = flat * nb + clip(b, 0, nb - 1);
    grid.push_back(nb);
  }
  std::int64_t total = shape_size(grid);
  DType d = inexact_dtype(weights ? promote_types(sample.dtype(), weights->dtype()) : sample.dtype());
  // Flat bin numbers are exact integers in d below 2^24 (float32); bins sit halfway between them.
  DType fd = total < (std::int64_t{1} << 24) ? d : float64;
  Array marks = arange(-0.5, static_cast<double>(total) + 0.25, 1.0, fd);
  Array counts = histogram(where(inside, flat, std::int64_t{-1}).astype(fd), marks, false, weights).first;
  counts = reshape(counts.astype(d), grid);
  if (density) {
    Array c = counts / sum(counts);
    for (std::size_t i = 0; i < dims; ++i) {
      Shape s(dims, 1);
      s[i] = grid[i];
      c = c / reshape(diff(edges[i]).astype(d), s);
    }
    counts = c;
  }
  return {counts, edges};
}

std::vector<Array> uniform_edges(const Array& sample, const Ints& bins, const Ranges& range) {
  auto dims = static_cast<std::size_t>(sample.shape()[1]);
  if (bins.size() != dims)
    throw ValueError("histogramdd", "got ", bins.size(), " bin counts for ", dims, "-dimensional samples");
  if (range && range->size() != dims)
    throw ValueError("histogramdd", "got ", range->size(), " ranges for ", dims, "-dimensional samples");
  std::vector<Array> edges;
  for (std::size_t i = 0; i < dims; ++i) {
    Array col = squeeze(slice_in_dim(sample, static_cast<std::int64_t>(i), static_cast<std::int64_t>(i) + 1, 1, 1), 1);
    if (bins[i] < 1) throw ValueError("histogramdd", "bins must be positive, got ", bins[i]);
    std::optional<std::pair<double, double>> r;
    if (range) r = (*range)[i];
    edges.push_back(histogram_bin_edges(col, bins[i], r));
  }
  return edges;
}
}  // namespace

std::pair<Array, std::vector<Array>> histogramdd(const Array& sample, const Ints& bins, Ranges range, bool density,
                                                 std::optional<Array> weights) {
  check_sample(sample, weights);
  return count(sample, uniform_edges(sample, bins, range), density, weights);
}
std::pair<Array, std::vector<Array>> histogramdd(const Array& sample, std::int64_t bins, Ranges range, bool density,
                                                 std::optional<Array> weights) {
  if (sample.ndim() != 2) throw ShapeError("histogramdd", "sample must be 2-d (N, D), got ", sample.aval());
  return histogramdd(sample, Ints(static_cast<std::size_t>(sample.shape()[1]), bins), std::move(range), density,
                     std::move(weights));
}
std::pair<Array, std::vector<Array>> histogramdd(const Array& sample, const std::vector<Array>& bins, bool density,
                                                 std::optional<Array> weights) {
  check_sample(sample, weights);
  std::vector<Array> edges;
  for (const Array& e : bins) edges.push_back(e.astype(inexact_dtype(promote_types(sample.dtype(), e.dtype()))));
  return count(sample, edges, density, weights);
}

namespace {
Array xy_sample(const Array& x, const Array& y) {
  if (x.ndim() != 1 || x.shape() != y.shape())
    throw ShapeError("histogram2d", "x and y must be 1-d of one length, got ", x.aval(), " and ", y.aval());
  DType d = promote_types(x.dtype(), y.dtype());
  return stack({x.astype(d), y.astype(d)}, 1);
}
std::tuple<Array, Array, Array> unpack(std::pair<Array, std::vector<Array>> r) {
  return {r.first, r.second[0], r.second[1]};
}
}  // namespace

std::tuple<Array, Array, Array> histogram2d(const Array& x, const Array& y, std::int64_t bins, Ranges range,
                                            bool density, std::optional<Array> weights) {
  return histogram2d(x, y, Ints{bins, bins}, std::move(range), density, std::move(weights));
}
std::tuple<Array, Array, Array> histogram2d(const Array& x, const Array& y, const Ints& bins, Ranges range,
                                            bool density, std::optional<Array> weights) {
  if (bins.size() != 2) throw ValueError("histogram2d", "needs 2 bin counts, got ", bins.size());
  return unpack(histogramdd(xy_sample(x, y), bins, std::move(range), density, std::move(weights)));
}
std::tuple<Array, Array, Array> histogram2d(const Array& x, const Array& y, const std::vector<Array>& bins,
                                            bool density, std::optional<Array> weights) {
  if (bins.size() != 2) throw ValueError("histogram2d", "needs 2 edge vectors, got ", bins.size());
  return unpack(histogramdd(xy_sample(x, y), bins, density, std::move(weights)));
}

}  // namespace xjax
