// jax.scipy.stats for norm, t, gamma, beta, poisson and multivariate_normal, composed from public
// ops and xjax::special, so every function works under jit, vmap and grad.
#include "xjax/stats.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "xjax/errors.hpp"
#include "xjax/linalg.hpp"
#include "xjax/numpy.hpp"
#include "ops/scipy_args.hpp"
#include "xjax/special.hpp"
#include "xjax/transforms.hpp"

namespace xjax::stats {
namespace {
using scipy_detail::inexact_dtype;
using scipy_detail::promote;

constexpr double kLogSqrt2Pi = 0.918938533204672741780329736405617640;  // log(2 pi) / 2
constexpr double kSqrt2 = 1.414213562373095048801688724209698079;

// Phi(z), accurate in both tails (erfc of a positive argument never cancels).
Array ndtr(const Array& z) {
  Array h = z * (1.0 / kSqrt2);
  return where(z < 0.0, 0.5 * erfc(-h), 1.0 - 0.5 * erfc(h));
}

// log Phi(z): log1p(-Phi(-z)) above 0, log(Phi(z)) down to `lower`, and below it (where
// Phi underflows) the asymptotic series log(phi(z) / -z) + log(1 + sum_n (-1)^n (2n-1)!! / z^2n).
Array log_ndtr(const Array& z) {
  const bool f64 = z.dtype() == float64;
  const double lower = f64 ? -20.0 : -10.0, upper = 0.0;
  Array zl = minimum(z, lower), zm = clip(z, lower, upper), zu = maximum(z, upper);
  Array inv2 = reciprocal(square(zl));
  Array series = ones_like(zl), term = ones_like(zl);
  for (int n = 1; n <= 12; ++n) {
    term = term * inv2 * -(2.0 * n - 1.0);
    series = series + term;
  }
  Array low = -0.5 * square(zl) - kLogSqrt2Pi - log(-zl) + log(series);
  Array mid = log(ndtr(zm));
  Array high = log1p(-ndtr(-zu));
  return where(z < lower, low, where(z > upper, high, mid));
}

// The standard normal quantile: sqrt(2) erfinv(2q - 1) in the centre; in the tails Newton steps on
// log Phi(z) = log p from the Abramowitz & Stegun 26.2.23 guess (error < 4.5e-4), which keep full
// relative precision for tiny p where 2q - 1 would round to -1.
Array ndtri_raw(const Array& q) {
  Array p = where(q > 0.5, 1.0 - q, q);  // exact for q > 0.5
  Array ps = clip(p, std::numeric_limits<double>::min(), 0.5);
  Array s = sqrt(-2.0 * log(ps));
  Array z = -(s - (2.515517 + s * (0.802853 + s * 0.010328)) / (1.0 + s * (1.432788 + s * (0.189269 + s * 0.001308))));
  Array lp = log(ps);
  for (int i = 0; i < 4; ++i) {
    Array lphi = -0.5 * square(z) - kLogSqrt2Pi, lcdf = log_ndtr(z);
    z = z - (lcdf - lp) * exp(lcdf - lphi);
  }
  Array tail = where(q > 0.5, -z, z);
  Array centre = kSqrt2 * erf_inv(clip(2.0 * q - 1.0, -0.8, 0.8));
  Array r = where(abs(q - 0.5) < 0.4, centre, tail);
  r = where(q == 0.0, full_like(r, -inf), where(q == 1.0, full_like(r, inf), r));
  return where((q < 0.0) | (q > 1.0) | isnan(q), full_like(r, nan), r);
}

// d ppf / dq = 1 / phi(ppf(q)).
Array ndtri(const Array& q) {
  static auto f = custom_jvp(ndtri_raw, [](const Arrays& p, const Arrays& t) {
    Array z = ndtri(p[0]);
    return std::pair{z, t[0] * exp(0.5 * square(z) + kLogSqrt2Pi)};
  });
  return f(q);
}

Array lbeta(const Array& a, const Array& b) { return lgamma(a) + lgamma(b) - lgamma(a + b); }
}  // namespace

namespace norm {
Array logpdf(const Array& x0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("norm.logpdf", {x0, loc0, scale0});
  Array s2 = square(p[2]);
  return -0.5 * (log(s2) + square(p[0] - p[1]) / s2) - kLogSqrt2Pi;
}
Array pdf(const Array& x, const Array& loc, const Array& scale) { return exp(logpdf(x, loc, scale)); }
Array cdf(const Array& x0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("norm.cdf", {x0, loc0, scale0});
  return ndtr((p[0] - p[1]) / p[2]);
}
Array logcdf(const Array& x0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("norm.logcdf", {x0, loc0, scale0});
  return log_ndtr((p[0] - p[1]) / p[2]);
}
Array sf(const Array& x0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("norm.sf", {x0, loc0, scale0});
  return ndtr((p[1] - p[0]) / p[2]);
}
Array ppf(const Array& q0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("norm.ppf", {q0, loc0, scale0});
  return ndtri(p[0]) * p[2] + p[1];
}
}  // namespace norm

namespace t {
Array logpdf(const Array& x0, const Array& df0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("t.logpdf", {x0, df0, loc0, scale0});
  const Array &df = p[1], &scale = p[3];
  Array z = (p[0] - p[2]) / scale;
  Array norm_const = lgamma((df + 1.0) * 0.5) - lgamma(df * 0.5) - 0.5 * log(df * pi * square(scale));
  return norm_const - (df + 1.0) * 0.5 * log1p(square(z) / df);
}
Array pdf(const Array& x, const Array& df, const Array& loc, const Array& scale) {
  return exp(logpdf(x, df, loc, scale));
}
Array cdf(const Array& x0, const Array& df0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("t.cdf", {x0, df0, loc0, scale0});
  const Array& df = p[1];
  Array z = (p[0] - p[2]) / p[3], z2 = square(z);
  // Near the centre 1/2 + sign(z)/2 I_{z^2/(df+z^2)}(1/2, df/2); in the tails I_{df/(df+z^2)}(df/2, 1/2) / 2
  // gives the small tail probability without cancellation.
  Array centre_in = where(z2 < df, z2 / (df + z2), zeros_like(z2));
  Array centre = 0.5 + 0.5 * sign(z) * special::betainc(full_like(df, 0.5), df * 0.5, centre_in);
  Array tail_in = where(z2 < df, ones_like(z2), df / (df + z2));
  Array tail = 0.5 * special::betainc(df * 0.5, full_like(df, 0.5), tail_in);
  Array r = where(z2 < df, centre, where(z < 0.0, tail, 1.0 - tail));
  return where(isinf(z), where(z > 0.0, ones_like(r), zeros_like(r)), r);
}
}  // namespace t

namespace gamma {
Array logpdf(const Array& x0, const Array& a0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("gamma.logpdf", {x0, a0, loc0, scale0});
  const Array &a = p[1], &scale = p[3];
  Array y = (p[0] - p[2]) / scale;
  Array r = special::xlogy(a - 1.0, y) - y - lgamma(a) - log(scale);
  return where(p[0] < p[2], full_like(r, -inf), r);
}
Array pdf(const Array& x, const Array& a, const Array& loc, const Array& scale) { return exp(logpdf(x, a, loc, scale)); }
Array cdf(const Array& x0, const Array& a0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("gamma.cdf", {x0, a0, loc0, scale0});
  return special::gammainc(p[1], maximum((p[0] - p[2]) / p[3], 0.0));
}
Array logcdf(const Array& x, const Array& a, const Array& loc, const Array& scale) {
  Array c = cdf(x, a, loc, scale);
  return where(c > 0.5, log1p(-sf(x, a, loc, scale)), log(c));  // near 1, log1p(-Q) keeps the small value
}
Array sf(const Array& x0, const Array& a0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("gamma.sf", {x0, a0, loc0, scale0});
  return special::gammaincc(p[1], maximum((p[0] - p[2]) / p[3], 0.0));
}
}  // namespace gamma

namespace beta {
Array logpdf(const Array& x0, const Array& a0, const Array& b0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("beta.logpdf", {x0, a0, b0, loc0, scale0});
  const Array &x = p[0], &a = p[1], &b = p[2], &loc = p[3], &scale = p[4];
  Array y = (x - loc) / scale;
  Array r = special::xlogy(a - 1.0, y) + special::xlog1py(b - 1.0, -y) - lbeta(a, b) - log(scale);
  return where((x < loc) | (x > loc + scale), full_like(r, -inf), r);
}
Array pdf(const Array& x, const Array& a, const Array& b, const Array& loc, const Array& scale) {
  return exp(logpdf(x, a, b, loc, scale));
}
Array cdf(const Array& x0, const Array& a0, const Array& b0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("beta.cdf", {x0, a0, b0, loc0, scale0});
  return special::betainc(p[1], p[2], clip((p[0] - p[3]) / p[4], 0.0, 1.0));
}
Array logcdf(const Array& x, const Array& a, const Array& b, const Array& loc, const Array& scale) {
  Array c = cdf(x, a, b, loc, scale);
  return where(c > 0.5, log1p(-sf(x, a, b, loc, scale)), log(c));
}
Array sf(const Array& x0, const Array& a0, const Array& b0, const Array& loc0, const Array& scale0) {
  Arrays p = promote("beta.sf", {x0, a0, b0, loc0, scale0});
  // 1 - I_y(a, b) = I_{1-y}(b, a), without cancellation near y = 1.
  return special::betainc(p[2], p[1], clip(1.0 - (p[0] - p[3]) / p[4], 0.0, 1.0));
}
}  // namespace beta

namespace poisson {
Array logpmf(const Array& k0, const Array& mu0, const Array& loc0) {
  Arrays p = promote("poisson.logpmf", {k0, mu0, loc0});
  Array k = p[0] - p[2];
  Array r = special::xlogy(k, p[1]) - lgamma(k + 1.0) - p[1];
  return where((k < 0.0) | (k != round(k)), full_like(r, -inf), r);
}
Array pmf(const Array& k, const Array& mu, const Array& loc) { return exp(logpmf(k, mu, loc)); }
Array cdf(const Array& k0, const Array& mu0, const Array& loc0) {
  Arrays p = promote("poisson.cdf", {k0, mu0, loc0});
  Array k = p[0] - p[2];
  // P(K <= k) = Q(floor(k) + 1, mu); the argument is kept positive where the result is 0 anyway.
  Array r = special::gammaincc(maximum(floor(k), 0.0) + 1.0, p[1]);
  return where(k < 0.0, zeros_like(r), r);
}
}  // namespace poisson

namespace multivariate_normal {
Array logpdf(const Array& x0, const Array& mean0, const Array& cov0) {
  Arrays p = promote("multivariate_normal.logpdf", {x0, mean0, cov0.ndim() == 0 ? cov0 : Array(0.0)});
  DType d = p[0].dtype();
  const Array &x = p[0], &mean = p[1];
  Array cov = cov0.dtype() == d ? cov0 : cov0.astype(d);
  if (mean.ndim() == 0) return -0.5 * square(x - mean) / cov - 0.5 * (2.0 * kLogSqrt2Pi + log(cov));
  const std::int64_t n = mean.shape().back();
  Shape vec_batch;
  try {
    Shape xs = x.ndim() == 0 ? Shape{} : x.shape();
    vec_batch = broadcast_shapes(xs, mean.shape());
  } catch (const ShapeError&) {
    throw ShapeError("multivariate_normal.logpdf", "x ", x.aval(), " and mean ", mean.aval(), " do not broadcast");
  }
  if (vec_batch.back() != n)
    throw ShapeError("multivariate_normal.logpdf", "x ", x.aval(), " does not end in mean's length ", n);
  Array dev = broadcast_to(x - mean, vec_batch);
  if (cov.ndim() == 0)
    return -0.5 * sum(square(dev), -1) / cov - 0.5 * static_cast<double>(n) * (2.0 * kLogSqrt2Pi + log(cov));
  const Shape& cs = cov.shape();
  if (cov.ndim() < 2 || cs[cs.size() - 1] != n || cs[cs.size() - 2] != n)
    throw ShapeError("multivariate_normal.logpdf", "cov ", cov.aval(), " is not [..., ", n, ", ", n, "] for mean ",
                     mean.aval());
  Shape batch;
  try {
    batch = broadcast_shapes(Shape(cs.begin(), cs.end() - 2), Shape(vec_batch.begin(), vec_batch.end() - 1));
  } catch (const ShapeError&) {
    throw ShapeError("multivariate_normal.logpdf", "the batch axes of cov ", cov.aval(), " and x - mean ",
                     dev.aval(), " do not broadcast");
  }
  Shape mat = batch, vec = batch;
  mat.insert(mat.end(), {n, n});
  vec.push_back(n);
  Array l = linalg::cholesky(cov);
  // |L^-1 (x - mean)|^2 is the Mahalanobis distance; log det cov = 2 sum log diag L.
  Array y = linalg::triangular_solve(broadcast_to(l, mat), broadcast_to(dev, vec));
  Array half_logdet = sum(log(diagonal(l, 0, -2, -1)), -1);
  return -0.5 * sum(square(y), -1) - static_cast<double>(n) * kLogSqrt2Pi - half_logdet;
}
Array pdf(const Array& x, const Array& mean, const Array& cov) { return exp(logpdf(x, mean, cov)); }
}  // namespace multivariate_normal

}  // namespace xjax::stats
