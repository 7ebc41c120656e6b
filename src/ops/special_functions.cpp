// jax.scipy.special's elementwise functions: forwards to the core ops, xlogy and friends, the
// exponentially scaled Bessel functions and the Hurwitz zeta function, as composites of public ops.
#include <array>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "ops/scipy_args.hpp"
#include "xjax/control_flow.hpp"
#include "xjax/errors.hpp"
#include "xjax/numpy.hpp"
#include "xjax/special.hpp"
#include "xjax/transforms.hpp"

namespace xjax::scipy_detail {

Arrays promote(const char* op, const Arrays& xs, bool broadcast) {
  std::vector<DTypeOperand> ds(xs.begin(), xs.end());
  DType d = inexact_dtype(result_type(ds));
  Shape s;
  for (const Array& x : xs) try {
      s = broadcast_shapes(s, x.shape());
    } catch (const ShapeError&) {
      std::ostringstream shapes;
      for (const Array& y : xs) shapes << ' ' << y.aval();
      throw ShapeError(op, "cannot broadcast the arguments", shapes.str());
    }
  Arrays out;
  for (const Array& x : xs) {
    Array y = x.dtype() == d ? x : x.astype(d);
    out.push_back(broadcast ? broadcast_to(y, s) : y);
  }
  return out;
}
}  // namespace xjax::scipy_detail

namespace xjax::special {
namespace {
using scipy_detail::inexact;
using scipy_detail::inexact_dtype;
using scipy_detail::promote;

constexpr double kTwoPi = 6.283185307179586476925286766559005768;

// sum_k c[k] t^k by Horner's rule, c given lowest power first.
template <std::size_t N>
Array horner(const Array& t, const std::array<long double, N>& c) {
  Array s = full_like(t, static_cast<double>(c[N - 1]));
  for (std::size_t k = N - 1; k-- > 0;) s = s * t + static_cast<double>(c[k]);
  return s;
}

// exp(-|x|) I_nu(x) for nu = 0, 1 and x >= 0: the power series below `split` (all terms positive,
// so no cancellation), the Hankel asymptotic series above it (its smallest term, near k = 2x, is
// e^-2x, below double precision for x >= 20).
constexpr double kBesselSplit = 20.0;
constexpr int kSeriesTerms = 46, kAsymptoticTerms = 38;

Array bessel_ie(int nu, const Array& ax) {
  Array xs = minimum(ax, kBesselSplit), xl = maximum(ax, kBesselSplit);
  // Series: I_nu(x) = (x/2)^nu sum_k (x^2/4)^k / (k! (k + nu)!).
  std::array<long double, kSeriesTerms> c{};
  long double f = 1, g = 1;  // k! and (k + nu)!
  for (int k = 0; k < kSeriesTerms; ++k) {
    if (k > 0) f *= k, g *= k + nu;
    c[static_cast<std::size_t>(k)] = 1.0L / (f * g);
  }
  Array small = horner(square(xs) * 0.25, c) * exp(-xs);
  if (nu == 1) small = small * xs * 0.5;
  // Asymptotic: e^x / sqrt(2 pi x) sum_k (-1)^k a_k / x^k, a_k = prod_{j<=k} (4 nu^2 - (2j-1)^2) / (k! 8^k).
  std::array<long double, kAsymptoticTerms> a{};
  a[0] = 1;
  for (int k = 1; k < kAsymptoticTerms; ++k) {
    long double m = 2.0L * k - 1;
    a[static_cast<std::size_t>(k)] = -a[static_cast<std::size_t>(k - 1)] * (4.0L * nu * nu - m * m) / (8.0L * k);
  }
  Array large = horner(reciprocal(xl), a) * rsqrt(xl * kTwoPi);
  return where(ax < kBesselSplit, small, large);
}

Array i0e_raw(const Array& x) { return bessel_ie(0, abs(x)); }
Array i1e_raw(const Array& x) { return sign(x) * bessel_ie(1, abs(x)); }

// Bernoulli numbers B_2, B_4, ..., B_24 for the Euler-Maclaurin tail of zeta.
constexpr std::array<long double, 12> kBernoulli = {
    1.0L / 6,         -1.0L / 30,        1.0L / 42,           -1.0L / 30,          5.0L / 66,  -691.0L / 2730,
    7.0L / 6,         -3617.0L / 510,    43867.0L / 798,      -174611.0L / 330,    854513.0L / 138,
    -236364091.0L / 2730};
constexpr int kZetaDirect = 12;  // terms summed directly before the Euler-Maclaurin tail
constexpr int kZetaShift = 64;   // most terms peeled off a negative q
}  // namespace

Array erf(const Array& x) { return xjax::erf(inexact(x)); }
Array erfc(const Array& x) { return xjax::erfc(inexact(x)); }
Array erfinv(const Array& x) { return xjax::erf_inv(inexact(x)); }
Array gammaln(const Array& x) { return xjax::lgamma(inexact(x)); }
Array digamma(const Array& x) { return xjax::digamma(inexact(x)); }
Array polygamma(int n, const Array& x) {
  if (n < 0) throw ValueError("polygamma", "the order n must be non-negative, got ", n);
  return xjax::polygamma(n, inexact(x));
}
Array polygamma(const Array& n, const Array& x) {
  if (!is_integer(n.dtype()))
    throw DTypeError("polygamma", "the order n must have an integer dtype, got ", n.aval());
  DType d = inexact_dtype(x.dtype());
  Arrays p = promote("polygamma", {n.astype(d), x.astype(d)});
  Array nf = p[0], xf = p[1];
  // psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x); n is made at least 1 there so the unused branch stays finite.
  Array m = maximum(nf, 1.0);
  Array sgn = where(remainder(m, 2.0) == 1.0, 1.0, -1.0);
  Array higher = sgn * exp(xjax::lgamma(m + 1.0)) * zeta(m + 1.0, xf);
  Array r = where(nf == 0.0, xjax::digamma(xf), higher);
  return where(nf < 0.0, full_like(r, nan), r);
}

Array xlogy(const Array& x0, const Array& y0) {
  Arrays p = promote("xlogy", {x0, y0});
  static auto f = custom_jvp(
      [](const Array& x, const Array& y) { return where(x == 0.0, zeros_like(x), x * log(y)); },
      [](const Arrays& pr, const Arrays& t) {
        const Array &x = pr[0], &y = pr[1];
        return std::pair{xlogy(x, y), t[0] * log(y) + t[1] * x / y};
      });
  return f(p[0], p[1]);
}

Array xlog1py(const Array& x0, const Array& y0) {
  Arrays p = promote("xlog1py", {x0, y0});
  static auto f = custom_jvp(
      [](const Array& x, const Array& y) { return where(x == 0.0, zeros_like(x), x * log1p(y)); },
      [](const Arrays& pr, const Arrays& t) {
        const Array &x = pr[0], &y = pr[1];
        return std::pair{xlog1py(x, y), t[0] * log1p(y) + t[1] * x / (y + 1.0)};
      });
  return f(p[0], p[1]);
}

Array logit(const Array& p0) {
  Array p = inexact(p0);
  return log(p / (1.0 - p));
}
Array expit(const Array& x) { return xjax::logistic(inexact(x)); }

Array i0e(const Array& x0) {
  static auto f = custom_jvp(i0e_raw, [](const Arrays& p, const Arrays& t) {
    const Array& x = p[0];
    return std::pair{i0e(x), t[0] * (i1e(x) - sign(x) * i0e(x))};
  });
  return f(inexact(x0));
}

Array i1e(const Array& x0) {
  static auto f = custom_jvp(i1e_raw, [](const Arrays& p, const Arrays& t) {
    const Array& x = p[0];
    // (e^-|x| I1)' = e^-|x| (I0 - I1 / x - sign(x) I1), 1/2 at x = 0.
    Array safe = where(x == 0.0, ones_like(x), x);
    Array d = where(x == 0.0, full_like(x, 0.5), i0e(x) - i1e(x) * (sign(x) + reciprocal(safe)));
    return std::pair{i1e(x), t[0] * d};
  });
  return f(inexact(x0));
}

Array zeta(const Array& x0, const Array& q0) {
  Arrays p = promote("zeta", {x0, q0});
  const Array &x = p[0], &q = p[1];
  // A negative non-integer q with an integer x (as scipy and jax) is shifted into (0, 1):
  // zeta(x, q) = sum_{k < m} (q + k)^-x + zeta(x, q + m), m = ceil(-q) <= kZetaShift.
  Array shifted = (q < 0.0) & (q != floor(q)) & (q > -static_cast<double>(kZetaShift)) & (x > 1.0) & (x == floor(x));
  Array m = where(shifted, ceil(-q), zeros_like(q));
  Arrays init{Array(0), zeros_like(x + q)};  // k, sum of the first terms
  Arrays head = while_loop(
      [&](const Arrays& c) { return (c[0] < kZetaShift) & any(c[0].astype(q.dtype()) < m); },
      [&](const Arrays& c) {
        Array fk = c[0].astype(q.dtype());
        Array use = fk < m;
        Array base = where(use, q + fk, ones_like(q));
        return Arrays{c[0] + 1, c[1] + where(use, pow(base, -x), zeros_like(base))};
      },
      init, WhileOptions{.max_iterations = kZetaShift});
  Array qs = q + m;
  // Outside the domain the sum runs at x = 2, q = 1 so that its value and derivatives stay finite.
  Array ok = (x > 1.0) & (qs > 0.0);
  Array s = where(ok, x, full_like(x, 2.0)), a = where(ok, qs, ones_like(qs));
  Array direct = head[1];
  for (int k = 0; k < kZetaDirect; ++k) direct = direct + exp(-s * log(a + static_cast<double>(k)));
  Array w = a + static_cast<double>(kZetaDirect), lw = log(w);
  Array w_s = exp(-s * lw);  // w^-s
  Array tail = w * w_s / (s - 1.0) + 0.5 * w_s;
  // sum_j B_2j / (2j)! * s (s+1) ... (s+2j-2) * w^(-s-2j+1)
  Array rising = s, wpow = w_s / w;  // s^(rising 1), w^(-s-1)
  Array w2 = reciprocal(square(w));
  long double fact = 2;  // (2j)!
  for (std::size_t j = 0; j < kBernoulli.size(); ++j) {
    if (j > 0) {
      double mj = 2.0 * static_cast<double>(j);  // rising factorial grows by (s + 2j - 1)(s + 2j)
      rising = rising * (s + (mj - 1.0)) * (s + mj);
      wpow = wpow * w2;
      fact *= (2.0L * j + 1) * (2.0L * j + 2);
    }
    tail = tail + static_cast<double>(kBernoulli[j] / fact) * rising * wpow;
  }
  Array z = direct + tail;
  // x == 1: pole; q a non-positive integer: pole; other x < 1 or q <= 0 (not shifted): NaN.
  Array pole = (x == 1.0) & (q > 0.0);
  Array q_pole = (q <= 0.0) & (q == floor(q)) & (x > 1.0);
  Array bad = logical_not(ok) & logical_not(pole) & logical_not(q_pole);
  z = where(pole | q_pole, full_like(z, inf), z);
  return where(bad | isnan(x) | isnan(q), full_like(z, nan), z);
}
Array zeta(const Array& x) { return zeta(x, Array(1.0)); }

}  // namespace xjax::special
