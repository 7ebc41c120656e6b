// jax.scipy.stats: densities and distribution functions under scipy's names and argument order
// (docs/special.md). Arguments broadcast and promote to a floating dtype; loc/scale shift and scale
// the standard distribution, x -> (x - loc) / scale. Outside the support logpdf is -inf (pdf 0);
// invalid parameters (scale <= 0, df <= 0, ...) follow jax: NaN where jax's formulas give NaN.
#pragma once
#include "xjax/ops.hpp"

namespace xjax::stats {

namespace norm {
Array logpdf(const Array& x, const Array& loc = 0.0, const Array& scale = 1.0);
Array pdf(const Array& x, const Array& loc = 0.0, const Array& scale = 1.0);
Array cdf(const Array& x, const Array& loc = 0.0, const Array& scale = 1.0);
Array logcdf(const Array& x, const Array& loc = 0.0, const Array& scale = 1.0);  // accurate far in the lower tail
Array sf(const Array& x, const Array& loc = 0.0, const Array& scale = 1.0);      // 1 - cdf
Array ppf(const Array& q, const Array& loc = 0.0, const Array& scale = 1.0);     // inverse of cdf
}  // namespace norm

// Student's t with df degrees of freedom.
namespace t {
Array logpdf(const Array& x, const Array& df, const Array& loc = 0.0, const Array& scale = 1.0);
Array pdf(const Array& x, const Array& df, const Array& loc = 0.0, const Array& scale = 1.0);
Array cdf(const Array& x, const Array& df, const Array& loc = 0.0, const Array& scale = 1.0);  // scipy's; not in jax
}  // namespace t

// Gamma with shape a (density x^(a-1) e^-x / Gamma(a) on x >= 0).
namespace gamma {
Array logpdf(const Array& x, const Array& a, const Array& loc = 0.0, const Array& scale = 1.0);
Array pdf(const Array& x, const Array& a, const Array& loc = 0.0, const Array& scale = 1.0);
Array cdf(const Array& x, const Array& a, const Array& loc = 0.0, const Array& scale = 1.0);
Array logcdf(const Array& x, const Array& a, const Array& loc = 0.0, const Array& scale = 1.0);
Array sf(const Array& x, const Array& a, const Array& loc = 0.0, const Array& scale = 1.0);
}  // namespace gamma

// Beta with shapes a, b on [0, 1].
namespace beta {
Array logpdf(const Array& x, const Array& a, const Array& b, const Array& loc = 0.0, const Array& scale = 1.0);
Array pdf(const Array& x, const Array& a, const Array& b, const Array& loc = 0.0, const Array& scale = 1.0);
Array cdf(const Array& x, const Array& a, const Array& b, const Array& loc = 0.0, const Array& scale = 1.0);
Array logcdf(const Array& x, const Array& a, const Array& b, const Array& loc = 0.0, const Array& scale = 1.0);
Array sf(const Array& x, const Array& a, const Array& b, const Array& loc = 0.0, const Array& scale = 1.0);
}  // namespace beta

// Poisson with mean mu; k is a float or integer array, -inf log-probability off the integers >= loc.
namespace poisson {
Array logpmf(const Array& k, const Array& mu, const Array& loc = 0.0);
Array pmf(const Array& k, const Array& mu, const Array& loc = 0.0);
Array cdf(const Array& k, const Array& mu, const Array& loc = 0.0);
}  // namespace poisson

// Multivariate normal: x [..., n], mean [..., n] (or 0-d), cov [..., n, n] (or 0-d: cov * I);
// batch axes broadcast. A 0-d mean makes the distribution univariate. cov must be positive definite.
namespace multivariate_normal {
Array logpdf(const Array& x, const Array& mean, const Array& cov);
Array pdf(const Array& x, const Array& mean, const Array& cov);
}  // namespace multivariate_normal

}  // namespace xjax::stats
