// jax.numpy.fft over the fft primitive (src/primitives/fft.cpp): axes moved last, lengths cropped or
// zero-padded, numpy's norm modes.
#include <algorithm>
#include <cmath>

#include "primitives/fft.hpp"
#include "xjax/fft.hpp"
#include "xjax/numpy.hpp"

namespace xjax::fft {
namespace {

using Kind = lax::FftType;

// The scale numpy's norm puts on top of the primitive (whose inverses already divide by n).
double norm_scale(const char* op, const std::string& norm, bool inverse, double n) {
  if (norm == "backward") return 1;
  if (norm == "ortho") return inverse ? std::sqrt(n) : 1 / std::sqrt(n);
  if (norm == "forward") return inverse ? n : 1 / n;
  throw ValueError(op, "norm must be \"backward\", \"ortho\" or \"forward\", got \"", norm, "\"");
}

// The input as the transform reads it: complex (real for rfft), float64 and int64 in double precision.
Array prepared(const char* op, const Array& x, Kind kind) {
  const DType d = x.dtype();
  const bool wide = d == float64 || d == int64 || d == complex128;
  if (kind == Kind::rfft) {
    if (is_complex(d)) throw DTypeError(op, "needs real input, got ", x.aval());
    return x.astype(wide ? float64 : float32);
  }
  return x.astype(wide ? complex128 : complex64);
}

// x cropped or zero-padded to n along axis.
Array fit(const Array& x, int axis, std::int64_t n) {
  const std::int64_t have = x.shape()[static_cast<std::size_t>(axis)];
  if (have == n) return x;
  if (have > n) return slice_in_dim(x, 0, n, 1, axis);
  std::vector<std::pair<std::int64_t, std::int64_t>> widths(static_cast<std::size_t>(x.ndim()), {0, 0});
  widths[static_cast<std::size_t>(axis)].second = n - have;
  return pad(x, widths, 0.0);
}

Array transform(const char* op, const Array& input, Kind kind, std::optional<Shape> s, std::optional<std::vector<int>> axes_in,
                const std::string& norm) {
  Array x = prepared(op, input, kind);
  std::vector<int> axes;
  if (axes_in) {
    for (int a : *axes_in) axes.push_back(normalize_axis(op, a, x.ndim()));
  } else {
    const int count = s ? static_cast<int>(s->size()) : x.ndim();
    if (count > x.ndim()) throw ValueError(op, "s ", shape_str(*s), " has more entries than ", x.aval(), " has axes");
    for (int a = x.ndim() - count; a < x.ndim(); ++a) axes.push_back(a);
  }
  if (axes.empty()) return x;
  for (std::size_t i = 0; i < axes.size(); ++i)
    if (std::count(axes.begin(), axes.end(), axes[i]) > 1) throw ValueError(op, "axis ", axes[i], " appears twice");
  if (s && s->size() != axes.size()) throw ValueError(op, "s ", shape_str(*s), " and the axes differ in length");
  Ints lengths;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const std::int64_t have = x.shape()[static_cast<std::size_t>(axes[i])];
    const bool half_axis = kind == Kind::irfft && i + 1 == axes.size();
    const std::int64_t n = s ? (*s)[i] : half_axis ? 2 * (have - 1) : have;
    if (n < 1) throw ValueError(op, "invalid number of data points (", n, ") along axis ", axes[i], " of ", input.aval());
    lengths.push_back(n);
    x = fit(x, axes[i], half_axis ? n / 2 + 1 : n);
  }
  // The transformed axes last, in the given order; the others keep theirs.
  Ints perm;
  for (int a = 0; a < x.ndim(); ++a)
    if (std::find(axes.begin(), axes.end(), a) == axes.end()) perm.push_back(a);
  for (int a : axes) perm.push_back(a);
  Ints inverse(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) inverse[static_cast<std::size_t>(perm[i])] = static_cast<std::int64_t>(i);
  Array y = transpose(lax::fft(transpose(x, perm), kind, lengths), inverse);
  double n = 1;
  for (std::int64_t l : lengths) n *= static_cast<double>(l);
  const double scale = norm_scale(op, norm, kind == Kind::ifft || kind == Kind::irfft, n);
  return scale == 1 ? y : y * scale;  // a weak scalar keeps y's dtype
}

std::optional<Shape> one(std::optional<std::int64_t> n) { return n ? std::optional<Shape>(Shape{*n}) : std::nullopt; }

Array frequencies(const char* op, std::int64_t n, double d, DType dtype, bool half) {
  if (n < 1) throw ValueError(op, "n must be positive, got ", n);
  if (!is_floating(dtype)) throw DTypeError(op, "dtype must be floating, got ", dtype);
  Array k = iota(int64, {half ? n / 2 + 1 : n});
  if (!half) k = where(k < (n + 1) / 2, k, k - n);
  return (k.astype(float64) / (d * static_cast<double>(n))).astype(dtype);
}

Array shifted(const Array& x, const std::optional<std::vector<int>>& axes, bool inverse) {
  Array r = x;
  std::vector<int> all;
  if (!axes)
    for (int a = 0; a < x.ndim(); ++a) all.push_back(a);
  for (int a : axes ? *axes : all) {
    const int axis = normalize_axis("fftshift", a, x.ndim());
    const std::int64_t n = x.shape()[static_cast<std::size_t>(axis)];
    r = roll(r, inverse ? -(n / 2) : n / 2, axis);
  }
  return r;
}

}  // namespace

Array fft(const Array& x, std::optional<std::int64_t> n, int axis, const std::string& norm) {
  return transform("fft", x, Kind::fft, one(n), std::vector<int>{axis}, norm);
}
Array ifft(const Array& x, std::optional<std::int64_t> n, int axis, const std::string& norm) {
  return transform("ifft", x, Kind::ifft, one(n), std::vector<int>{axis}, norm);
}
Array rfft(const Array& x, std::optional<std::int64_t> n, int axis, const std::string& norm) {
  return transform("rfft", x, Kind::rfft, one(n), std::vector<int>{axis}, norm);
}
Array irfft(const Array& x, std::optional<std::int64_t> n, int axis, const std::string& norm) {
  return transform("irfft", x, Kind::irfft, one(n), std::vector<int>{axis}, norm);
}
Array fftn(const Array& x, std::optional<Shape> s, Axes axes, const std::string& norm) {
  return transform("fftn", x, Kind::fft, std::move(s), std::move(axes), norm);
}
Array ifftn(const Array& x, std::optional<Shape> s, Axes axes, const std::string& norm) {
  return transform("ifftn", x, Kind::ifft, std::move(s), std::move(axes), norm);
}
Array rfftn(const Array& x, std::optional<Shape> s, Axes axes, const std::string& norm) {
  return transform("rfftn", x, Kind::rfft, std::move(s), std::move(axes), norm);
}
Array irfftn(const Array& x, std::optional<Shape> s, Axes axes, const std::string& norm) {
  return transform("irfftn", x, Kind::irfft, std::move(s), std::move(axes), norm);
}
Array fft2(const Array& x, std::optional<Shape> s, std::vector<int> axes, const std::string& norm) {
  return transform("fft2", x, Kind::fft, std::move(s), std::move(axes), norm);
}
Array ifft2(const Array& x, std::optional<Shape> s, std::vector<int> axes, const std::string& norm) {
  return transform("ifft2", x, Kind::ifft, std::move(s), std::move(axes), norm);
}
Array rfft2(const Array& x, std::optional<Shape> s, std::vector<int> axes, const std::string& norm) {
  return transform("rfft2", x, Kind::rfft, std::move(s), std::move(axes), norm);
}
Array irfft2(const Array& x, std::optional<Shape> s, std::vector<int> axes, const std::string& norm) {
  return transform("irfft2", x, Kind::irfft, std::move(s), std::move(axes), norm);
}

Array fftfreq(std::int64_t n, double d, DType dtype) { return frequencies("fftfreq", n, d, dtype, false); }
Array rfftfreq(std::int64_t n, double d, DType dtype) { return frequencies("rfftfreq", n, d, dtype, true); }
Array fftshift(const Array& x, Axes axes) { return shifted(x, axes, false); }
Array ifftshift(const Array& x, Axes axes) { return shifted(x, axes, true); }

}  // namespace xjax::fft
