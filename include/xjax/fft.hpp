// xj::fft: jax.numpy.fft / numpy.fft. Transforms of any length (not only powers of two) over any
// axes, under jit, grad (JAX's complex convention), vmap and jvp; one `fft` primitive underneath.
// norm: "backward" (default: the inverse scales by 1/n), "ortho" (both by 1/sqrt(n)) or "forward"
// (the forward transform scales by 1/n). Real and integer inputs become complex64 (complex128 from
// float64 and int64); rfft needs real input.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "xjax/ops.hpp"

namespace xjax::fft {

// One axis; n crops or zero-pads the input along it (irfft: n output points, default 2 (m - 1)).
Array fft(const Array& x, std::optional<std::int64_t> n = std::nullopt, int axis = -1, const std::string& norm = "backward");
Array ifft(const Array& x, std::optional<std::int64_t> n = std::nullopt, int axis = -1, const std::string& norm = "backward");
Array rfft(const Array& x, std::optional<std::int64_t> n = std::nullopt, int axis = -1, const std::string& norm = "backward");
Array irfft(const Array& x, std::optional<std::int64_t> n = std::nullopt, int axis = -1, const std::string& norm = "backward");

// Several axes (default: all, or the last s.size() when s is given); s gives the lengths as n does.
using Axes = std::optional<std::vector<int>>;
Array fftn(const Array& x, std::optional<Shape> s = std::nullopt, Axes axes = std::nullopt, const std::string& norm = "backward");
Array ifftn(const Array& x, std::optional<Shape> s = std::nullopt, Axes axes = std::nullopt, const std::string& norm = "backward");
Array rfftn(const Array& x, std::optional<Shape> s = std::nullopt, Axes axes = std::nullopt, const std::string& norm = "backward");
Array irfftn(const Array& x, std::optional<Shape> s = std::nullopt, Axes axes = std::nullopt, const std::string& norm = "backward");
// The last two axes.
Array fft2(const Array& x, std::optional<Shape> s = std::nullopt, std::vector<int> axes = {-2, -1}, const std::string& norm = "backward");
Array ifft2(const Array& x, std::optional<Shape> s = std::nullopt, std::vector<int> axes = {-2, -1}, const std::string& norm = "backward");
Array rfft2(const Array& x, std::optional<Shape> s = std::nullopt, std::vector<int> axes = {-2, -1}, const std::string& norm = "backward");
Array irfft2(const Array& x, std::optional<Shape> s = std::nullopt, std::vector<int> axes = {-2, -1}, const std::string& norm = "backward");

// Sample frequencies (cycles per unit of d): fftfreq [0, 1, ..., -2, -1] / (d n), rfftfreq [0, ..., n/2] / (d n).
Array fftfreq(std::int64_t n, double d = 1.0, DType dtype = float32);
Array rfftfreq(std::int64_t n, double d = 1.0, DType dtype = float32);
// The zero frequency to the centre of the given axes (default: all), and back.
Array fftshift(const Array& x, Axes axes = std::nullopt);
Array ifftshift(const Array& x, Axes axes = std::nullopt);

}  // namespace xjax::fft
