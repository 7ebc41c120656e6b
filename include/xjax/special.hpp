// jax.scipy.special: special functions under scipy's names and argument order (docs/special.md).
// Every function promotes its arguments as jax does (integers and bool become floats), broadcasts
// them, and is a composite of public ops, so it works under jit, vmap and grad. Derivatives with a
// closed form are custom_jvp rules; the rest differentiate through the series that computes them.
#pragma once
#include "xjax/ops.hpp"

namespace xjax::special {

// ---- error function and gamma family (forwarded to the core ops, made floating first) ----
Array erf(const Array& x);
Array erfc(const Array& x);
Array erfinv(const Array& x);  // inverse of erf on (-1, 1); +-inf at +-1, NaN outside
Array gammaln(const Array& x);  // log |Gamma(x)|
Array digamma(const Array& x);
Array polygamma(int n, const Array& x);
// polygamma with an integer-dtype array n (broadcast with x): (-1)^(n+1) n! zeta(n+1, x) for n >= 1.
Array polygamma(const Array& n, const Array& x);

// ---- incomplete gamma and beta (regularized) ----
// P(a, x) = gamma(a, x) / Gamma(a), a > 0, x >= 0 (NaN outside). Derivatives in x and a.
Array gammainc(const Array& a, const Array& x);
// Q(a, x) = 1 - P(a, x), computed directly (no cancellation for large x).
Array gammaincc(const Array& a, const Array& x);
// I_x(a, b) = B(x; a, b) / B(a, b), a, b > 0, 0 <= x <= 1 (NaN outside). Derivatives in x, a and b.
Array betainc(const Array& a, const Array& b, const Array& x);

// ---- logs and logistic ----
Array xlogy(const Array& x, const Array& y);    // x * log(y), 0 where x == 0 (even for y == 0)
Array xlog1py(const Array& x, const Array& y);  // x * log1p(y), 0 where x == 0
Array logit(const Array& p);                    // log(p / (1 - p))
Array expit(const Array& x);                    // 1 / (1 + exp(-x))

// ---- Bessel and zeta ----
Array i0e(const Array& x);  // exp(-|x|) I0(x)
Array i1e(const Array& x);  // exp(-|x|) I1(x)
// Hurwitz zeta sum_k (k + q)^-x for x > 1, q > 0 (inf at x == 1, NaN for x < 1). jax has no derivative
// in x; xjax differentiates its Euler-Maclaurin sum in both arguments.
Array zeta(const Array& x, const Array& q);
Array zeta(const Array& x);  // Riemann zeta, q = 1 (scipy's default)

}  // namespace xjax::special
