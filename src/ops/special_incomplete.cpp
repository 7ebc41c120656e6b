// The regularized incomplete gamma and beta functions: a power series or a continued fraction
// (modified Lentz) iterated in a while_loop until every element has converged, wrapped in a
// custom_jvp whose x-derivative is the closed-form density and whose parameter derivatives are
// forward-mode derivatives of the same iteration (computed as primal values, so reverse mode works).
#include <utility>

#include "xjax/control_flow.hpp"
#include "xjax/errors.hpp"
#include "xjax/numpy.hpp"
#include "ops/scipy_args.hpp"
#include "xjax/special.hpp"
#include "xjax/transforms.hpp"

namespace xjax::special {
namespace {
using scipy_detail::inexact_dtype;
// The arguments broadcast to one shape in their common floating dtype (ShapeError naming op).
Arrays promote_broadcast(const char* op, const Arrays& xs) { return scipy_detail::promote(op, xs, true); }

// The bound also lets reverse mode run through the loop (second derivatives of the custom rules).
constexpr int kMaxIterations = 2000;
// Relative size of the last term (or last continued-fraction factor's distance to 1) that stops the iteration.
double tolerance(DType d) { return d == float64 ? 1.1e-16 : 6.0e-8; }
// Keeps Lentz's denominators away from zero.
double tiny(DType d) { return d == float64 ? 1e-300 : 1e-30; }
Array away_from_zero(const Array& v, double t) { return where(abs(v) < t, full_like(v, t), v); }

Array lbeta(const Array& a, const Array& b) { return lgamma(a) + lgamma(b) - lgamma(a + b); }

// sum_{n>=0} x^n / ((a+1)...(a+n)), for P(a, x) = x^a e^-x / Gamma(a+1) * sum.
Array gamma_series(const Array& a, const Array& x) {
  const double eps = tolerance(a.dtype());
  Arrays init{Array(0), ones_like(a), ones_like(a)};  // n, term, sum
  Arrays r = while_loop(
      [&](const Arrays& c) { return (c[0] < kMaxIterations) & any(abs(c[1]) > eps * abs(c[2])); },
      [&](const Arrays& c) {
        Array n = c[0] + 1;
        Array term = c[1] * x / (a + n.astype(a.dtype()));
        return Arrays{n, term, c[2] + term};
      },
      init, WhileOptions{.max_iterations = kMaxIterations});
  return r[2];
}

// The continued fraction h with Q(a, x) = x^a e^-x / Gamma(a) * h, for x > 1 and x > a.
Array gamma_fraction(const Array& a, const Array& x) {
  const double eps = tolerance(a.dtype()), t = tiny(a.dtype());
  Array b = x + 1.0 - a;
  Array d = reciprocal(away_from_zero(b, t));
  Arrays init{Array(0), b, full_like(a, 1.0 / t), d, d, full_like(a, 2.0)};  // i, b, c, d, h, delta
  Arrays r = while_loop(
      [&](const Arrays& s) { return (s[0] < kMaxIterations) & any(abs(s[5] - 1.0) > eps); },
      [&](const Arrays& s) {
        Array i = s[0] + 1;
        Array fi = i.astype(a.dtype());
        Array an = -fi * (fi - a), bn = s[1] + 2.0;
        Array dn = reciprocal(away_from_zero(an * s[3] + bn, t));
        Array cn = away_from_zero(bn + an / s[2], t);
        Array delta = dn * cn;
        return Arrays{i, bn, cn, dn, s[4] * delta, delta};
      },
      init, WhileOptions{.max_iterations = kMaxIterations});
  return r[4];
}

// P(a, x) (upper = false) or Q(a, x), with scipy's values at the edges of the domain.
Array igamma_raw(const Array& a, const Array& x, bool upper) {
  Array inside = (a > 0.0) & (x > 0.0) & isfinite(a) & isfinite(x);
  Array use_fraction = inside & (x > 1.0) & (x > a);
  Array use_series = inside & logical_not(use_fraction);
  // Each method runs on safe stand-in values where it is not used, so it converges at once there.
  Array as = where(use_series, a, ones_like(a)), xs = where(use_series, x, full_like(x, 0.5));
  Array af = where(use_fraction, a, ones_like(a)), xf = where(use_fraction, x, full_like(x, 2.0));
  Array p_series = exp(as * log(xs) - xs - lgamma(as + 1.0)) * gamma_series(as, xs);
  Array q_fraction = exp(af * log(xf) - xf - lgamma(af)) * gamma_fraction(af, xf);
  Array p = where(use_fraction, 1.0 - q_fraction, p_series);
  Array q = where(use_fraction, q_fraction, 1.0 - p_series);
  Array r = upper ? q : p;
  Array one = upper ? zeros_like(r) : ones_like(r), zero = upper ? ones_like(r) : zeros_like(r);
  // Edges as scipy and jax: P = 0 at x = 0, P = 1 at x = inf or a = 0 < x; NaN for a = inf (as jax).
  Array edge_zero = (x == 0.0) & (a > 0.0);
  Array edge_one = (a >= 0.0) & (x > 0.0) & ((x == inf) | (a == 0.0));
  r = where(edge_zero, zero, where(edge_one, one, r));
  return where((inside | edge_zero | edge_one) & (a != inf), r, full_like(r, nan));
}

// The continued fraction h with I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * h, for x < (a+1)/(a+b+2).
Array beta_fraction(const Array& a, const Array& b, const Array& x) {
  const double eps = tolerance(a.dtype()), t = tiny(a.dtype());
  Array qab = a + b, qap = a + 1.0, qam = a - 1.0;
  Array d = reciprocal(away_from_zero(1.0 - qab * x / qap, t));
  Arrays init{Array(0), ones_like(a), d, d, full_like(a, 2.0)};  // m, c, d, h, delta
  Arrays r = while_loop(
      [&](const Arrays& s) { return (s[0] < kMaxIterations) & any(abs(s[4] - 1.0) > eps); },
      [&](const Arrays& s) {
        Array m = s[0] + 1;
        Array fm = m.astype(a.dtype()), m2 = fm * 2.0;
        // Even step, then odd step, of the fraction's recurrence.
        Array num = fm * (b - fm) * x / ((qam + m2) * (a + m2));
        Array dn = reciprocal(away_from_zero(1.0 + num * s[2], t));
        Array cn = away_from_zero(1.0 + num / s[1], t);
        Array h = s[3] * dn * cn;
        num = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2));
        dn = reciprocal(away_from_zero(1.0 + num * dn, t));
        cn = away_from_zero(1.0 + num / cn, t);
        Array delta = dn * cn;
        return Arrays{m, cn, dn, h * delta, delta};
      },
      init, WhileOptions{.max_iterations = kMaxIterations});
  return r[3];
}

Array ibeta_raw(const Array& a, const Array& b, const Array& x) {
  Array inside = (a > 0.0) & (b > 0.0) & (x > 0.0) & (x < 1.0) & isfinite(a) & isfinite(b);
  // The fraction converges fast below the mean (a+1)/(a+b+2); above it, I_x(a, b) = 1 - I_{1-x}(b, a).
  Array swap = inside & (x * (a + b + 2.0) > a + 1.0);
  Array aa = where(inside, where(swap, b, a), ones_like(a)), bb = where(inside, where(swap, a, b), ones_like(b));
  Array xs = where(inside, x, full_like(x, 0.5));
  Array lx = log(xs), l1x = log1p(-xs);
  Array xx = where(swap, 1.0 - xs, xs);
  Array lxx = where(swap, l1x, lx), l1xx = where(swap, lx, l1x);
  Array front = exp(aa * lxx + bb * l1xx - lbeta(aa, bb)) / aa;
  Array r = front * beta_fraction(aa, bb, xx);
  r = where(swap, 1.0 - r, r);
  // Edges as scipy: I_0 = 0, I_1 = 1, a = 0 gives 1 and b = 0 gives 0 inside (0, 1).
  Array ab_ok = (a >= 0.0) & (b >= 0.0) & logical_not((a == 0.0) & (b == 0.0));
  r = where(ab_ok & (x == 0.0), zeros_like(r), r);
  r = where(ab_ok & (x == 1.0), ones_like(r), r);
  Array open = (x > 0.0) & (x < 1.0);
  r = where(open & (a == 0.0) & (b > 0.0), ones_like(r), r);
  r = where(open & (b == 0.0) & (a > 0.0), zeros_like(r), r);
  Array defined = inside | (ab_ok & ((x == 0.0) | (x == 1.0))) | (open & ab_ok & ((a == 0.0) | (b == 0.0)));
  return where(defined, r, full_like(r, nan));
}

// d f / d arg at the primals, as a primal value: the forward-mode derivative of the iteration.
template <class F>
Array partial(F f, const Arrays& p, std::size_t arg) {
  Tangents t(p.size());  // symbolic zeros but for arg
  t[arg] = ones_like(p[arg]);
  Tangent d = jvp_flat([&](const Arrays& q) { return Arrays{f(q)}; }, p, t).second[0];
  return d ? *d : zeros_like(p[arg]);
}

Array igamma(const char* op, const Array& a0, const Array& x0, bool upper) {
  Arrays p = promote_broadcast(op, {a0, x0});
  auto raw = [upper](const Arrays& q) { return igamma_raw(q[0], q[1], upper); };
  auto rule = [raw, upper](const Arrays& q, const Arrays& t) {
    const Array &a = q[0], &x = q[1];
    // dP/dx = x^(a-1) e^-x / Gamma(a); xlogy keeps a = 1, x = 0 finite.
    Array density = exp(xlogy(a - 1.0, x) - x - lgamma(a));
    Array dx = upper ? -density : density;
    Array da = partial(raw, q, 0);
    return std::pair{raw(q), t[0] * da + t[1] * dx};
  };
  auto f = custom_jvp([raw](const Array& a, const Array& x) { return raw({a, x}); }, rule);
  return f(p[0], p[1]);
}
}  // namespace

Array gammainc(const Array& a, const Array& x) { return igamma("gammainc", a, x, false); }
Array gammaincc(const Array& a, const Array& x) { return igamma("gammaincc", a, x, true); }

Array betainc(const Array& a0, const Array& b0, const Array& x0) {
  Arrays p = promote_broadcast("betainc", {a0, b0, x0});
  auto raw = [](const Arrays& q) { return ibeta_raw(q[0], q[1], q[2]); };
  auto rule = [raw](const Arrays& q, const Arrays& t) {
    const Array &a = q[0], &b = q[1], &x = q[2];
    Array dx = exp(xlogy(a - 1.0, x) + xlog1py(b - 1.0, -x) - lbeta(a, b));
    return std::pair{raw(q), t[0] * partial(raw, q, 0) + t[1] * partial(raw, q, 1) + t[2] * dx};
  };
  auto f = custom_jvp([raw](const Array& a, const Array& b, const Array& x) { return raw({a, b, x}); }, rule);
  return f(p[0], p[1], p[2]);
}

}  // namespace xjax::special
