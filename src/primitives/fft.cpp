// The fft primitive (lax.fft): FFT, IFFT, RFFT or IRFFT over the trailing len(fft_lengths) axes,
// with its rules; kernels in src/kernels/fft.cpp. IFFT and IRFFT include the 1/N of the inverse.
#include <cstring>
#include <numeric>

#include "primitives/fft.hpp"

#include "kernels/fft.hpp"
#include "primitives/elementwise.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
extern const Primitive& fft_p;
namespace {

using lax::FftType;

FftType type_of(const Params& p) {
  const std::string& t = p.get<std::string>("fft_type");
  if (t == "FFT") return FftType::fft;
  if (t == "IFFT") return FftType::ifft;
  if (t == "RFFT") return FftType::rfft;
  if (t == "IRFFT") return FftType::irfft;
  throw ValueError("fft", "fft_type must be FFT, IFFT, RFFT or IRFFT, got '", t, "'");
}
const char* type_name(FftType t) {
  switch (t) {
    case FftType::fft: return "FFT";
    case FftType::ifft: return "IFFT";
    case FftType::rfft: return "RFFT";
    case FftType::irfft: return "IRFFT";
  }
  return "";
}

Avals fft_shape(const Avals& in, const Params& p) {
  const ShapedArray& x = in[0];
  const FftType type = type_of(p);
  const Ints& lengths = p.get_ints("fft_lengths");
  if (lengths.empty() || static_cast<int>(lengths.size()) > x.ndim())
    throw ShapeError("fft", "fft_lengths ", shape_str(lengths), " must name 1 to ", x.ndim(), " trailing axes of ", x);
  for (std::int64_t n : lengths)
    if (n < 1) throw ValueError("fft", "fft_lengths must be positive, got ", shape_str(lengths));
  const bool real_in = type == FftType::rfft;
  if (real_in ? !(x.dtype == float32 || x.dtype == float64) : !is_complex(x.dtype))
    throw DTypeError("fft", type_name(type), " needs ", real_in ? "float32 or float64" : "complex", " input, got ", x);
  const std::size_t first = x.shape.size() - lengths.size();
  Shape out = x.shape;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    const bool last = i + 1 == lengths.size();
    const std::int64_t want = type == FftType::irfft && last ? lengths[i] / 2 + 1 : lengths[i];
    if (x.shape[first + i] != want)
      throw ShapeError("fft", type_name(type), " with fft_lengths ", shape_str(lengths), " needs trailing extents ",
                       type == FftType::irfft ? "(..., n / 2 + 1)" : "equal to them", ", got ", x);
  }
  if (type == FftType::rfft) out.back() = lengths.back() / 2 + 1;
  if (type == FftType::irfft) out.back() = lengths.back();
  const DType d = type == FftType::rfft ? complex_dtype(x.dtype) : type == FftType::irfft ? real_dtype(x.dtype) : x.dtype;
  return {ShapedArray{out, d, false}};
}

// [outer, n, inner] around axis k of shape s.
struct Lines {
  std::int64_t outer = 1, n = 1, inner = 1;
};
Lines lines(const Shape& s, std::size_t k) {
  Lines l;
  for (std::size_t i = 0; i < k; ++i) l.outer *= s[i];
  l.n = s[k];
  for (std::size_t i = k + 1; i < s.size(); ++i) l.inner *= s[i];
  return l;
}

template <class R>
void run_fft(FftType type, const Ints& lengths, const void* in, const Shape& in_shape, void* out,
             const Shape& out_shape) {
  using C = std::complex<R>;
  const std::size_t first = in_shape.size() - lengths.size();
  const std::int64_t total = shape_size(out_shape);
  std::vector<C> scratch;
  // Complex-to-complex passes along axes [begin, end), from src into out (ping-ponging in place via a copy).
  auto c2c_axes = [&](const C* src, const Shape& shape, std::size_t begin, std::size_t end, bool inverse) {
    C* dst = static_cast<C*>(out);
    for (std::size_t k = begin; k < end; ++k) {
      const Lines l = lines(shape, first + k);
      if (src == dst) {
        scratch.assign(src, src + shape_size(shape));
        src = scratch.data();
      }
      kernels::fft_c2c<R>(src, dst, l.outer, l.n, l.inner, inverse);
      src = dst;
    }
    return src;
  };
  const std::size_t m = lengths.size();
  if (type == FftType::fft || type == FftType::ifft) {
    const C* r = c2c_axes(static_cast<const C*>(in), in_shape, 0, m, type == FftType::ifft);
    if (r != out) std::copy(r, r + total, static_cast<C*>(out));
  } else if (type == FftType::rfft) {
    const Lines l = lines(in_shape, first + m - 1);
    kernels::fft_r2c<R>(static_cast<const R*>(in), static_cast<C*>(out), l.outer, l.n, l.inner);
    c2c_axes(static_cast<const C*>(out), out_shape, 0, m - 1, false);
  } else {  // IRFFT: the full axes first, then the real one
    std::vector<C> staged(static_cast<const C*>(in), static_cast<const C*>(in) + shape_size(in_shape));
    for (std::size_t k = 0; k + 1 < m; ++k) {
      const Lines l = lines(in_shape, first + k);
      scratch = staged;
      kernels::fft_c2c<R>(scratch.data(), staged.data(), l.outer, l.n, l.inner, true);
    }
    const Lines l = lines(out_shape, first + m - 1);
    kernels::fft_c2r<R>(staged.data(), static_cast<R*>(out), l.outer, l.n, l.inner);
  }
  if (type == FftType::ifft || type == FftType::irfft) {
    const double scale = 1.0 / static_cast<double>(std::accumulate(lengths.begin(), lengths.end(), std::int64_t{1},
                                                                   std::multiplies<>{}));
    if (type == FftType::ifft)
      for (C* p = static_cast<C*>(out); p != static_cast<C*>(out) + total; ++p) *p *= static_cast<R>(scale);
    else
      for (R* p = static_cast<R*>(out); p != static_cast<R*>(out) + total; ++p) *p *= static_cast<R>(scale);
  }
}

Arrays fft_eval(const Arrays& in, const Params& p, const Avals& out) {
  NewBuffer o = new_buffer(out[0]);
  if (out[0].size() == 0 || in[0].size() == 0) {
    if (out[0].size()) std::memset(o.data, 0, static_cast<std::size_t>(out[0].size()) * itemsize(out[0].dtype));
    return {o.array};
  }
  const DType real = real_dtype(in[0].dtype());
  if (real == float64) run_fft<double>(type_of(p), p.get_ints("fft_lengths"), buffer_of(in[0]).data(), in[0].shape(), o.data, out[0].shape);
  else run_fft<float>(type_of(p), p.get_ints("fft_lengths"), buffer_of(in[0]).data(), in[0].shape(), o.data, out[0].shape);
  return {o.array};
}


// The transpose of RFFT: the transpose of "FFT of the real input, keep the first n / 2 + 1": zeros
// for the dropped frequencies, the FFT, the real part.
Array rfft_transpose(const Array& ct, const Ints& lengths) {
  std::vector<std::pair<std::int64_t, std::int64_t>> widths(static_cast<std::size_t>(ct.ndim()), {0, 0});
  widths.back().second = lengths.back() - ct.shape().back();
  return real(lax::fft(pad(ct, widths, 0.0), FftType::fft, lengths));
}

// The transpose of IRFFT (as JAX): the RFFT of the cotangent with the frequencies that stand for a
// conjugate pair counted twice, scaled by 1/N and conjugated (JAX's convention for complex values).
Array irfft_transpose(const Array& ct, const Ints& lengths) {
  const Array x = lax::fft(ct, FftType::rfft, lengths);
  const std::int64_t m = x.shape().back(), n = lengths.back();
  const Array k = iota(int32, {m});
  const Array doubled = logical_and(k > 0, n % 2 == 0 ? k < m - 1 : k < m);
  const double scale = 1.0 / static_cast<double>(std::accumulate(lengths.begin(), lengths.end(), std::int64_t{1},
                                                                 std::multiplies<>{}));
  return conj(x * (where(doubled, 2.0, 1.0) * scale).astype(real_dtype(x.dtype())));
}

}  // namespace

const Primitive& fft_p = []() -> const Primitive& {
  Primitive p{.name = "fft", .arity = 1, .shape = fft_shape, .eval = fft_eval};
  p.jvp = [](const Arrays&, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
    return {bind1(fft_p, {*t[0]}, params)};
  };
  // The DFT matrix is symmetric: FFT and IFFT are their own transposes (no conjugate, as JAX).
  p.transpose = [](const Tangents& ct, const LinearArgs&, const Params& params) -> Tangents {
    if (!ct[0]) return {std::nullopt};
    const Ints& lengths = params.get_ints("fft_lengths");
    switch (type_of(params)) {
      case FftType::rfft: return {rfft_transpose(*ct[0], lengths)};
      case FftType::irfft: return {irfft_transpose(*ct[0], lengths)};
      default: return {bind1(fft_p, {*ct[0]}, params)};
    }
  };
  // The transformed axes are trailing: a leading batch axis is just one more line.
  p.batch = [](const Primitive&, const Arrays& v, const BatchDims& d, const Params& params) {
    return std::pair{Arrays{bind1(fft_p, {moveaxis(v[0], *d[0], 0)}, params)}, BatchDims{0}};
  };
  return def_primitive(std::move(p));
}();

Array lax::fft(const Array& x, FftType type, const Ints& lengths) {
  return bind1(fft_p, {x}, {{"fft_type", std::string(type_name(type))}, {"fft_lengths", lengths}});
}

}  // namespace xjax
