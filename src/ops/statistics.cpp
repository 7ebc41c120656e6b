// Reductions composed from the primitives: mean, var, std, logsumexp, and logaddexp.
#include <algorithm>
#include <limits>

#include "primitives/common.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {
std::int64_t count(const Array& x, const Ints& axes) {
  std::int64_t n = 1;
  for (std::int64_t a : axes) n *= x.shape()[static_cast<std::size_t>(a)];
  return n;
}
}  // namespace

// As jnp: float16 and bfloat16 statistics are computed in float32 and rounded once at the end (a
// 16-bit sum of 10^6 values overflows or stalls where their mean is an ordinary number).
Array mean(const Array& x, AxisSpec axes, bool keepdims) {
  if (is_half(x.dtype())) return mean(x.astype(float32), std::move(axes), keepdims).astype(x.dtype());
  Ints ax = axes.resolve("mean", x.ndim());
  return sum(inexact(x), ax, keepdims) / static_cast<double>(count(x, ax));  // empty: 0/0 = nan, as numpy
}

Array var(const Array& x, AxisSpec axes, bool keepdims, int ddof) {
  if (is_half(x.dtype())) return var(x.astype(float32), std::move(axes), keepdims, ddof).astype(x.dtype());
  Ints ax = axes.resolve("var", x.ndim());
  Array xf = inexact(x);
  Array centered = xf - mean(xf, ax, true);
  // numpy clamps the divisor at 0 (giving inf or nan) when ddof >= the number of elements.
  std::int64_t divisor = std::max<std::int64_t>(count(x, ax) - ddof, 0);
  // Of complex values, the mean squared modulus (real), as numpy.
  Array squared = is_complex(xf.dtype()) ? real(centered * conj(centered)) : square(centered);
  return sum(squared, ax, keepdims) / static_cast<double>(divisor);
}

Array std(const Array& x, AxisSpec axes, bool keepdims, int ddof) { return sqrt(var(x, axes, keepdims, ddof)); }

// log(sum(exp(x))) shifted by the (non-differentiated) max; a non-finite max shifts by 0, so all -inf
// gives -inf and any +inf gives +inf, as JAX. An empty reduction gives -inf.
Array logsumexp(const Array& x, AxisSpec axes, bool keepdims) {
  Ints ax = axes.resolve("logsumexp", x.ndim());
  Array xf = inexact(x);
  if (count(x, ax) == 0) {
    Shape s;
    for (int i = 0; i < x.ndim(); ++i)
      if (std::find(ax.begin(), ax.end(), i) == ax.end()) s.push_back(x.shape()[static_cast<std::size_t>(i)]);
      else if (keepdims) s.push_back(1);
    return full(s, -std::numeric_limits<double>::infinity(), xf.dtype());
  }
  Array m = max(xf, ax, true);
  Array shift = stop_gradient(where(isfinite(m), m, 0.0));
  Array r = log(sum(exp(xf - shift), ax, true)) + shift;
  return keepdims ? r : squeeze(r, ax);
}

Array logaddexp(const Array& x0, const Array& y0) {
  Array x = x0, y = y0;
  DType d = promote_types(x.dtype(), x.weak_type(), y.dtype(), y.weak_type()).dtype;
  if (!is_floating(d)) {
    DType f = d == int64 ? float64 : float32;
    x = x.astype(f);
    y = y.astype(f);
  }
  Array delta = x - y;
  // Equal infinities make delta nan; then x + y is the answer (inf or -inf).
  return where(isnan(delta), x + y, maximum(x, y) + log1p(exp(-abs(delta))));
}

}  // namespace xjax
