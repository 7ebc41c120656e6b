// config.debug_nans / debug_infs: scanning a primitive's floating outputs for NaN and infinity.
#include <cmath>
#include <sstream>

#include "kernels/dispatch.hpp"
#include "trace/trace.hpp"
#include "xjax/config.hpp"

namespace xjax {
namespace {

template <class T>
std::int64_t first_bad(const T* data, std::int64_t n, bool nans, bool infs) {
  for (std::int64_t i = 0; i < n; ++i)
    if ((nans && std::isnan(data[i])) || (infs && std::isinf(data[i]))) return i;
  return -1;
}

}  // namespace

bool checking_floats() {
  return config.debug_nans.load(std::memory_order_relaxed) || config.debug_infs.load(std::memory_order_relaxed);
}

std::int64_t first_bad_float(const Array& x, bool nans, bool infs) {
  if (x.is_tracer()) return -1;
  if (x.dtype() == float32) return first_bad(x.data<float>(), x.size(), nans, infs);
  if (x.dtype() == float64) return first_bad(x.data<double>(), x.size(), nans, infs);
  if (x.dtype() == float16) return first_bad(x.data<float16_t>(), x.size(), nans, infs);
  if (x.dtype() == bfloat16) return first_bad(x.data<bfloat16_t>(), x.size(), nans, infs);
  // A complex element is bad when either part is.
  if (x.dtype() == complex64) return first_bad(static_cast<const float*>(x.raw_data()), 2 * x.size(), nans, infs) / 2;
  if (x.dtype() == complex128) return first_bad(static_cast<const double*>(x.raw_data()), 2 * x.size(), nans, infs) / 2;
  return -1;
}

void check_floats(const std::string& op, const Arrays& inputs, const Arrays& outputs) {
  const bool nans = config.debug_nans.load(std::memory_order_relaxed);
  const bool infs = config.debug_infs.load(std::memory_order_relaxed);
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    std::int64_t at = first_bad_float(outputs[k], nans, infs);
    if (at < 0) continue;
    const double value = dispatch_any_dtype(outputs[k].dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T v = static_cast<const T*>(outputs[k].raw_data())[at];
      if constexpr (is_complex_v<T>) return static_cast<double>(std::isfinite(v.real()) ? v.imag() : v.real());
      else return static_cast<double>(v);
    });
    std::ostringstream in;
    for (std::size_t i = 0; i < inputs.size(); ++i) in << (i ? ", " : "") << inputs[i].aval();
    throw FloatingPointError(op, std::isnan(value) ? "debug_nans: NaN" : value > 0 ? "debug_infs: inf" : "debug_infs: -inf",
                             " in output ", k, " (", outputs[k].aval(), ") at flat index ", at,
                             ", computed from inputs (", in.str(), ")");
  }
}

}  // namespace xjax
