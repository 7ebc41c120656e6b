// config.debug_nans / debug_infs: scanning a primitive's floating outputs for NaN and infinity.
#include <cmath>
#include <sstream>

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
  return -1;
}

void check_floats(const std::string& op, const Arrays& inputs, const Arrays& outputs) {
  const bool nans = config.debug_nans.load(std::memory_order_relaxed);
  const bool infs = config.debug_infs.load(std::memory_order_relaxed);
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    std::int64_t at = first_bad_float(outputs[k], nans, infs);
    if (at < 0) continue;
    double value = outputs[k].dtype() == float32 ? static_cast<double>(outputs[k].data<float>()[at])
                                                 : outputs[k].data<double>()[at];
    std::ostringstream in;
    for (std::size_t i = 0; i < inputs.size(); ++i) in << (i ? ", " : "") << inputs[i].aval();
    throw FloatingPointError(op, std::isnan(value) ? "debug_nans: NaN" : value > 0 ? "debug_infs: inf" : "debug_infs: -inf",
                             " in output ", k, " (", outputs[k].aval(), ") at flat index ", at,
                             ", computed from inputs (", in.str(), ")");
  }
}

}  // namespace xjax
