// xjax::nn: activation functions and (log-)softmax, composed from public ops as jax.nn defines them.
#include <cmath>

#include "primitives/common.hpp"
#include "xjax/ops.hpp"

namespace xjax::nn {
namespace {
// Over an empty axis there is nothing to normalise: the (empty) input comes back, as in JAX.
bool empty_axis(const char* op, const Array& x, int axis) {
  return x.shape()[static_cast<std::size_t>(normalize_axis(op, axis, x.ndim()))] == 0;
}
}  // namespace

// where, not maximum: the derivative at 0 is 0 (as jax.nn.relu), and nan stays nan.
Array relu(const Array& x) { return where(x <= 0, 0, x); }

Array gelu(const Array& x, bool approximate) {
  Array xf = inexact(x);
  if (approximate) {
    const double sqrt_2_over_pi = std::sqrt(2.0 / 3.141592653589793);
    return xf * (0.5 * (1.0 + tanh(sqrt_2_over_pi * (xf + 0.044715 * integer_pow(xf, 3)))));
  }
  return xf * (erf(xf / std::sqrt(2.0)) + 1.0) / 2.0;
}

Array softplus(const Array& x) { return logaddexp(inexact(x), 0.0); }

Array sigmoid(const Array& x) { return logistic(x); }

// Shifted by the row max (not differentiated: the result does not depend on it) so exp cannot overflow.
Array softmax(const Array& x, int axis) {
  Array xf = inexact(x);
  if (empty_axis("softmax", xf, axis)) return xf;
  Array unnormalized = exp(xf - stop_gradient(max(xf, axis, true)));
  return unnormalized / sum(unnormalized, axis, true);
}

Array log_softmax(const Array& x, int axis) {
  Array xf = inexact(x);
  if (empty_axis("log_softmax", xf, axis)) return xf;
  Array shifted = xf - stop_gradient(max(xf, axis, true));
  return shifted - log(sum(exp(shifted), axis, true));
}

}  // namespace xjax::nn
