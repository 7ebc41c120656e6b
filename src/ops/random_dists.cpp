// xjax::random samplers built by rejection (gamma, Poisson, binomial) and by composing other
// samplers (beta, Dirichlet, chi-square, F, t, generalized normal, ball, multinomial, multivariate
// normal, orthogonal), drawing from their keys the way jax/_src/random does.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "primitives/random.hpp"
#include "xjax/control_flow.hpp"
#include "xjax/linalg.hpp"
#include "xjax/transforms.hpp"

namespace xjax::random {
namespace {

using detail::check_key;
using detail::check_shape;
using detail::check_floating;
using detail::constant;
using detail::eps;
using detail::sample_shape;
using detail::tiny;
using Carry4 = std::tuple<Array, Array, Array, Array>;

// One Gamma(alpha) variate from one key (Marsaglia and Tsang). For alpha < 1 it samples
// Gamma(alpha + 1) and multiplies by U^(1/alpha) (in log space: adds log(U) / alpha).
Array gamma_one(const Array& key, const Array& alpha, bool log_space) {
  DType dt = alpha.dtype();
  auto c = [dt](double v) { return constant(v, dt); };
  Array boost_mask = alpha >= c(1);
  Array a = where(boost_mask, alpha, alpha + c(1));
  Array d = a - c(1.0 / 3.0);
  Array scale = c(1.0 / 3.0) / sqrt(d);
  auto rejected = [&](const Carry4& s) {
    const auto& [k, X, V, U] = s;
    return logical_and(U >= c(1) - c(0.0331) * (X * X), log(U) >= X * c(0.5) + d * ((c(1) - V) + log(V)));
  };
  auto propose = [&](const Carry4& s) -> Carry4 {
    Array keys = random::split(std::get<0>(s), 3);
    using Kxv = std::tuple<Array, Array, Array>;
    auto nonpositive = [&](const Kxv& kxv) { return std::get<2>(kxv) <= c(0); };
    auto draw = [&](const Kxv& kxv) -> Kxv {
      Array ks = random::split(std::get<0>(kxv));
      Array x = normal(ks[1], {}, dt);
      return {ks[0], x, c(1) + x * scale};
    };
    auto [unused, x, v] = while_loop(nonpositive, draw, Kxv{keys[1], c(0), c(-1)});
    return {keys[0], x * x, (v * v) * v, uniform(keys[2], {}, dt)};
  };
  Array ks = random::split(key);
  Array V = std::get<2>(while_loop(rejected, propose, Carry4{ks[0], c(0), c(1), c(2)}));
  if (log_space) {
    Array log_u = -exponential(ks[1], {}, dt);
    Array log_boost = where(logical_or(boost_mask, log_u == c(0)), c(0), log_u * (c(1) / alpha));
    return (log(d) + log(V)) + log_boost;
  }
  Array u = c(1) - uniform(ks[1], {}, dt);
  Array boost = where(boost_mask, c(1), pow(u, c(1) / alpha));
  return (d * V) * boost;
}

// One key per element of a (split from `key` in row-major order), each element sampled alone.
Array gamma_impl(const Array& key, const Array& a, bool log_space) {
  if (a.size() == 0) return a;
  Array keys = random::split(key, a.size());
  Array samples = vmap([log_space](const Array& k, const Array& al) { return gamma_one(k, al, log_space); })(keys, ravel(a));
  return reshape(samples, a.shape());
}

// d sample / d a for a Gamma(a) sample x at a fixed CDF value: -(dP(a, x)/da) / p(x; a), where P
// is the regularised lower incomplete gamma function. Its a-derivative is carried along the power
// series of P (where x <= max(1, a)) or Cephes' continued fraction of Q = 1 - P (elsewhere), each
// iterated elementwise until converged, as XLA's random_gamma_grad does.
Array gamma_sample_grad(const Array& a, const Array& sample) {
  DType dt = a.dtype();
  auto c = [dt](double v) { return constant(v, dt); };
  Array x = maximum(sample, c(tiny(dt)));
  Array tol = c(eps(dt));
  Array use_cf = logical_and(x > c(1), x > a);
  constexpr int max_iterations = 2000;
  auto more = [](const Arrays& s) { return logical_and(any(s[1]), s[0] < max_iterations); };
  auto keep = [](const Array& on, Arrays next, const Arrays& prev) {
    for (std::size_t j = 2; j < next.size(); ++j) next[j] = where(on, next[j], prev[j]);
    return next;
  };
  Array zero = zeros_like(x), one = ones_like(x);

  // Series: P = x^a e^-x / Gamma(a + 1) * sum_n c_n with c_0 = 1, c_n = c_{n-1} x / (a + n).
  auto series_step = [&](const Arrays& s) -> Arrays {
    const Array &on = s[1], &r = s[2], &cn = s[3], &dc = s[4], &ans = s[5], &dans = s[6];
    Array r1 = r + c(1);
    Array dc1 = dc * (x / r1) - (cn * x) / (r1 * r1);
    Array cn1 = cn * (x / r1);
    Array ans1 = ans + cn1, dans1 = dans + dc1;
    Array still = logical_and(on, logical_or(abs(cn1) > tol * abs(ans1), abs(dc1) > tol * abs(dans1)));
    return keep(on, {s[0] + 1, still, r1, cn1, dc1, ans1, dans1}, s);
  };
  Arrays series = while_loop(more, series_step, Arrays{array(0), logical_not(use_cf), a, one, zero, one, zero});
  Array series_grad = -(series[6] + series[5] * (log(x) - digamma(a + c(1)))) * (x / a);

  // Continued fraction: Q = x^a e^-x / Gamma(a) * lim p_n / q_n; the state holds the last two
  // convergents' numerators and denominators and their a-derivatives.
  Array big = c(4503599627370496.0);
  auto cf_step = [&](const Arrays& s) -> Arrays {
    const Array &on = s[1], &y = s[2], &z = s[3], &n = s[4], &ans = s[13], &dans = s[14];
    const Array &pm1 = s[5], &qm1 = s[6], &pm2 = s[7], &qm2 = s[8];
    const Array &dpm1 = s[9], &dqm1 = s[10], &dpm2 = s[11], &dqm2 = s[12];
    Array y1 = y + c(1), z1 = z + c(2), n1 = n + c(1);
    Array yc = y1 * n1;
    Array pk = pm1 * z1 - pm2 * yc, qk = qm1 * z1 - qm2 * yc;
    Array dpk = dpm1 * z1 - pm1 - dpm2 * yc + pm2 * n1;  // dz/da = -1, d(yc)/da = -n
    Array dqk = dqm1 * z1 - qm1 - dqm2 * yc + qm2 * n1;
    Array nonzero = qk != c(0);
    Array q_safe = where(nonzero, qk, one);
    Array ratio = pk / q_safe;
    Array ans1 = where(nonzero, ratio, ans);
    Array dans1 = where(nonzero, (dpk - ratio * dqk) / q_safe, dans);
    Array converged = logical_and(nonzero, logical_and(abs(ans1 - ans) <= tol * abs(ans1),
                                                       abs(dans1 - dans) <= tol * abs(dans1)));
    Array rescale = where(abs(pk) > big, c(1) / big, one);  // keeps the convergents finite
    return keep(on,
                {s[0] + 1, logical_and(on, logical_not(converged)), y1, z1, n1, pk * rescale, qk * rescale,
                 pm1 * rescale, qm1 * rescale, dpk * rescale, dqk * rescale, dpm1 * rescale, dqm1 * rescale, ans1,
                 dans1},
                s);
  };
  Array y0 = c(1) - a, z0 = x + y0 + c(1);
  Array pm1 = x + c(1), qm1 = z0 * x, dqm1 = -x;
  Array ans0 = pm1 / qm1;
  Array dans0 = -ans0 * dqm1 / qm1;
  Arrays cf = while_loop(
      more, cf_step, Arrays{array(0), use_cf, y0, z0, zero, pm1, qm1, one, x, zero, dqm1, zero, zero, ans0, dans0});
  Array cf_grad = x * ((log(x) - digamma(a)) * cf[13] + cf[14]);
  return where(use_cf, cf_grad, series_grad);
}

// Gamma (or log-gamma) samples differentiable in a: the tangent is da * d sample / d a.
Array gamma_sampler(const Array& key, const Array& a, bool log_space) {
  auto impl = [log_space](const Array& k, const Array& al) { return gamma_impl(k, al, log_space); };
  auto rule = [log_space](const Arrays& p, const Arrays& t) {
    Array out = gamma_impl(p[0], p[1], log_space);
    Array g;
    if (log_space) {
      Array s = maximum(exp(out), constant(tiny(out.dtype()), out.dtype()));
      g = gamma_sample_grad(p[1], s) / s;
    } else {
      g = gamma_sample_grad(p[1], out);
    }
    return std::pair{out, t[1] * g};
  };
  return custom_jvp(impl, rule)(key, a);
}

Array gamma_family(const char* op, const Array& key, const Array& a, const std::optional<Shape>& shape, DType dtype,
                   bool log_space) {
  check_key(op, key);
  check_floating(op, dtype);
  Shape s = sample_shape(op, shape, {a.shape()});
  Array al = a.astype(dtype);
  if (al.shape() != s) al = broadcast_to(al, s);
  return gamma_sampler(key, al, log_space);
}

}  // namespace

Array gamma(const Array& key, const Array& a, std::optional<Shape> shape, DType dtype) {
  return gamma_family("random.gamma", key, a, shape, dtype, false);
}

Array loggamma(const Array& key, const Array& a, std::optional<Shape> shape, DType dtype) {
  return gamma_family("random.loggamma", key, a, shape, dtype, true);
}

// a / (a + b) from two log-gamma draws, scaled by their maximum so neither underflows.
Array beta(const Array& key, const Array& a, const Array& b, std::optional<Shape> shape, DType dtype) {
  check_key("random.beta", key);
  check_floating("random.beta", dtype);
  Shape s = sample_shape("random.beta", shape, {a.shape(), b.shape()});
  Array keys = random::split(key);
  Array log_a = loggamma(keys[0], broadcast_to(a.astype(dtype), s), s, dtype);
  Array log_b = loggamma(keys[1], broadcast_to(b.astype(dtype), s), s, dtype);
  Array log_max = maximum(log_a, log_b);
  Array ga = exp(log_a - log_max), gb = exp(log_b - log_max);
  return ga / (ga + gb);
}

// Normalised gamma draws, in log space (softmax) so that small alpha keeps its precision.
Array dirichlet(const Array& key, const Array& alpha, std::optional<Shape> shape, DType dtype) {
  check_key("random.dirichlet", key);
  check_floating("random.dirichlet", dtype);
  if (alpha.ndim() < 1) throw ShapeError("random.dirichlet", "alpha must have at least one dimension, got ", alpha.aval());
  Shape batch(alpha.shape().begin(), alpha.shape().end() - 1);
  Shape s = sample_shape("random.dirichlet", shape, {batch});
  s.push_back(alpha.shape().back());
  return nn::softmax(loggamma(key, alpha.astype(dtype), s, dtype), -1);
}

Array chisquare(const Array& key, const Array& df, std::optional<Shape> shape, DType dtype) {
  check_key("random.chisquare", key);
  check_floating("random.chisquare", dtype);
  Shape s = sample_shape("random.chisquare", shape, {df.shape()});
  Array two = constant(2, dtype);
  return exp(loggamma(key, df.astype(dtype) / two, s, dtype)) * two;
}

Array f(const Array& key, const Array& dfnum, const Array& dfden, std::optional<Shape> shape, DType dtype) {
  check_key("random.f", key);
  check_floating("random.f", dtype);
  Shape s = sample_shape("random.f", shape, {dfnum.shape(), dfden.shape()});
  Array keys = random::split(key);
  Array num = dfnum.astype(dtype), den = dfden.astype(dtype);
  Array chi_num = chisquare(keys[1], num, s, dtype), chi_den = chisquare(keys[0], den, s, dtype);
  return (chi_num / num) / (chi_den / den);
}

Array t(const Array& key, const Array& df, std::optional<Shape> shape, DType dtype) {
  check_key("random.t", key);
  check_floating("random.t", dtype);
  Shape s = sample_shape("random.t", shape, {df.shape()});
  Array keys = random::split(key);
  Array z = normal(keys[0], s, dtype);
  Array half_df = df.astype(dtype) / constant(2, dtype);
  Array g = gamma(keys[1], half_df, s, dtype);
  return z * sqrt(half_df / g);
}

// A random sign times Gamma(1/p)^(1/p).
Array generalized_normal(const Array& key, double p, const Shape& shape, DType dtype) {
  check_key("random.generalized_normal", key);
  check_floating("random.generalized_normal", dtype);
  check_shape("random.generalized_normal", shape);
  if (!(p > 0)) throw ValueError("random.generalized_normal", "p must be positive, got ", p);
  Array keys = random::split(key);
  Array inv_p = constant(1.0 / p, dtype);
  Array g = gamma(keys[0], inv_p, shape, dtype);
  return rademacher(keys[1], shape, dtype) * pow(g, inv_p);
}

// Generalized-normal coordinates divided by the p-norm of (coordinates, an exponential draw).
Array ball(const Array& key, std::int64_t d, double p, const Shape& shape, DType dtype) {
  check_key("random.ball", key);
  check_floating("random.ball", dtype);
  check_shape("random.ball", shape);
  if (d < 0) throw ValueError("random.ball", "d must be non-negative, got ", d);
  if (!(p > 0)) throw ValueError("random.ball", "p must be positive, got ", p);
  Array keys = random::split(key);
  Shape points = shape;
  points.push_back(d);
  Array g = generalized_normal(keys[0], p, points, dtype);
  Array e = exponential(keys[1], shape, dtype);
  return g / expand_dims(pow(sum(pow(abs(g), constant(p, dtype)), -1) + e, constant(1.0 / p, dtype)), -1);
}

namespace {

// Knuth: count uniforms until their product falls below exp(-lam) (every element advances with
// the same keys; finished elements stop counting).
Array poisson_knuth(const Array& key, const Array& lam, const Shape& shape) {
  auto more = [&](const Carry4& s) { return any(std::get<3>(s) > -lam); };
  auto step = [&](const Carry4& s) -> Carry4 {
    const auto& [i, k, rng, log_prod] = s;
    Array keys = random::split(rng);
    Array k1 = where(log_prod > -lam, k + 1, k);
    return {i + 1, k1, keys[0], log_prod + log(uniform(keys[1], shape, float32))};
  };
  Carry4 init{array(0), zeros(shape, int32), key, zeros(shape, float32)};
  return std::get<1>(while_loop(more, step, init)) - 1;
}

// Hormann's transformed rejection (PTRS) for lam >= 10.
Array poisson_rejection(const Array& key, const Array& lam, const Shape& shape) {
  Array log_lam = log(lam);
  Array b = 0.931f + 2.53f * sqrt(lam);
  Array a = -0.059f + 0.02483f * b;
  Array inv_alpha = 1.1239f + 1.1328f / (b - 3.4f);
  Array v_r = 0.9277f - 3.6224f / (b - 2.0f);
  auto more = [](const Carry4& s) { return any(logical_not(std::get<2>(s))); };
  auto step = [&](const Carry4& s) -> Carry4 {
    const auto& [i, k_out, accepted, rng] = s;
    Array keys = random::split(rng, 3);
    Array u = uniform(keys[1], shape, float32) - 0.5f;
    Array v = uniform(keys[2], shape, float32);
    Array us = 0.5f - abs(u);
    Array k = floor((2.0f * a / us + b) * u + lam + 0.43f);
    Array lhs = log(v * inv_alpha / (a / (us * us) + b));
    Array rhs = -lam + k * log_lam - lgamma(k + 1.0f);
    Array accept1 = logical_and(us >= 0.07f, v <= v_r);
    Array reject = logical_or(k < 0.0f, logical_and(us < 0.013f, v > us));
    Array accept = logical_or(accept1, logical_and(logical_not(reject), lhs <= rhs));
    return {i + 1, where(accept, k, k_out), logical_or(accepted, accept), keys[0]};
  };
  Carry4 init{array(0), full(shape, -1.0f, float32), zeros(shape, bool_), key};
  return std::get<1>(while_loop(more, step, init)).astype(int32);
}

// Stirling's series remainder log(k!) - (log(sqrt(2 pi)) + (k + 1/2) log(k + 1) - (k + 1)), tabled below 10.
Array stirling_tail(const Array& k) {
  static const std::vector<double> table = {0.0810614667953272,  0.0413406959554092,  0.0276779256849983,
                                            0.02079067210376509, 0.0166446911898211,  0.0138761288230707,
                                            0.0118967099458917,  0.0104112652619720,  0.00925546218271273,
                                            0.00833056343336287};
  DType dt = k.dtype();
  Array small = k <= constant(9, dt);
  Array kc = clip(k, constant(0, dt), constant(9, dt));
  Array kp1sq = (kc + 1) * (kc + 1);
  Array approx = (constant(1.0 / 12, dt) - (constant(1.0 / 360, dt) - constant(1.0 / 1260, dt) / kp1sq) / kp1sq) / (kc + 1);
  Array tabled = take(array(table, {10}).astype(dt), floor(kc).astype(int32));
  return where(small, tabled, approx);
}

// Inversion by geometric waiting times, for count * p <= 10.
Array binomial_inversion(const Array& key, const Array& count, const Array& p, const Shape& shape) {
  Array log1m_p = log1p(-p);
  auto more = [&](const Carry4& s) { return any(std::get<2>(s) <= count); };
  auto step = [&](const Carry4& s) -> Carry4 {
    const auto& [i, num_geom, geom_sum, rng] = s;
    Array keys = random::split(rng);
    Array n1 = where(geom_sum <= count, num_geom + 1, num_geom);
    // p = 0 never succeeds: an infinite wait (log1p(-p) is -0 there, its sign decides the limit).
    Array geom = where(p == constant(0, p.dtype()), constant(std::numeric_limits<double>::infinity(), p.dtype()),
                       ceil(log(uniform(keys[0], shape, p.dtype())) / log1m_p));
    return {i + 1, n1, geom_sum + geom, keys[1]};
  };
  Carry4 init{array(0), zeros(shape, p.dtype()), zeros(shape, p.dtype()), key};
  return std::get<1>(while_loop(more, step, init)) - 1;
}

// Hormann's BTRS transformed rejection, for count * p > 10.
Array binomial_btrs(const Array& key, const Array& count, const Array& p, const Shape& shape) {
  DType dt = p.dtype();
  auto c = [dt](double v) { return constant(v, dt); };
  Array stddev = sqrt(count * p * (c(1) - p));
  Array b = c(1.15) + c(2.53) * stddev;
  Array a = c(-0.0873) + c(0.0248) * b + c(0.01) * p;
  Array mid = count * p + c(0.5);
  Array v_r = c(0.92) - c(4.2) / b;
  Array r = p / (c(1) - p);
  Array alpha = (c(2.83) + c(5.1) / b) * stddev;
  Array m = floor((count + c(1)) * p);
  auto more = [](const Carry4& s) { return any(logical_not(std::get<2>(s))); };
  auto step = [&](const Carry4& s) -> Carry4 {
    const auto& [i, k_out, accepted, rng] = s;
    Array keys = random::split(rng, 3);
    Array u = uniform(keys[1], shape, dt) - c(0.5);
    Array v = uniform(keys[2], shape, dt);
    Array us = c(0.5) - abs(u);
    Array accept1 = logical_and(us >= c(0.07), v <= v_r);
    Array k = floor((c(2) * a / us + b) * u + mid);
    Array reject = logical_or(k < c(0), k > count);
    Array lv = log(v * alpha / (a / (us * us) + b));
    Array bound = (m + c(0.5)) * log((m + c(1)) / (r * (count - m + c(1)))) +
                  (count + c(1)) * log((count - m + c(1)) / (count - k + c(1))) +
                  (k + c(0.5)) * log(r * (count - k + c(1)) / (k + c(1))) + stirling_tail(m) +
                  stirling_tail(count - m) - stirling_tail(k) - stirling_tail(count - k);
    Array accept = logical_or(accept1, logical_and(logical_not(reject), lv <= bound));
    return {i + 1, where(accept, k, k_out), logical_or(accepted, accept), keys[0]};
  };
  Carry4 init{array(0), full(shape, c(-1), dt), zeros(shape, bool_), key};
  return std::get<1>(while_loop(more, step, init));
}

}  // namespace

// Both samplers run on every element (with the same key, as JAX) and each element takes its own;
// the other sampler sees a harmless stand-in parameter.
Array poisson(const Array& key, const Array& lam, std::optional<Shape> shape, DType dtype) {
  check_key("random.poisson", key);
  if (dtype != int32 && dtype != int64)
    throw DTypeError("random.poisson", "dtype must be int32 or int64, got ", dtype);
  if (!is_floating(lam.dtype()) && !is_integer(lam.dtype()))
    throw DTypeError("random.poisson", "lam must be a real number, got ", lam.aval());
  Shape s = sample_shape("random.poisson", shape, {lam.shape()});
  Array l = broadcast_to(lam.astype(float32), s);
  Array use_knuth = logical_or(isnan(l), l < 10.0f);
  Array lam_knuth = where(use_knuth, l, 0.0f), lam_rejection = where(use_knuth, 1e5f, l);
  Array k = where(use_knuth, poisson_knuth(key, lam_knuth, s), poisson_rejection(key, lam_rejection, s));
  return where(l == 0.0f, 0, k).astype(dtype);
}

// Works with q = min(p, 1 - p) and reflects, as JAX; NaN for count < 0 or p outside [0, 1].
Array binomial(const Array& key, const Array& n, const Array& p, std::optional<Shape> shape, DType dtype) {
  check_key("random.binomial", key);
  check_floating("random.binomial", dtype);
  Shape s = sample_shape("random.binomial", shape, {n.shape(), p.shape()});
  DType pt = is_floating(p.dtype()) && !p.weak_type() ? p.dtype() : dtype;
  auto c = [pt](double v) { return constant(v, pt); };
  Array prob = broadcast_to(p.astype(pt), s);
  Array count = broadcast_to(n.astype(pt), s);
  Array p_lt_half = prob < c(0.5);
  Array q = where(p_lt_half, prob, c(1) - prob);
  Array count_bad = logical_or(isnan(count), count < c(0));
  Array count_inf = isinf(count);
  Array q_nan = isnan(q), q_neg = q < c(0);
  q = where(logical_or(q_nan, q_neg), c(0.01), q);
  Array use_inversion = logical_or(count_bad, count * q <= c(10));
  count = floor(count);
  Array count_inv = where(use_inversion, count, c(0));
  Array count_btrs = where(use_inversion, c(1e4), count);
  Array q_btrs = where(use_inversion, c(0.5), q);
  Array k = where(use_inversion, binomial_inversion(key, count_inv, q, s), binomial_btrs(key, count_btrs, q_btrs, s))
                .astype(dtype);
  Array invalid = logical_or(logical_or(q_neg, q_nan), count_bad);
  double inf = std::numeric_limits<double>::infinity();
  k = where(invalid, constant(std::nan(""), dtype), k);
  k = where(logical_and(count_inf, logical_not(invalid)), constant(inf, dtype), k);
  Array keep_k = logical_or(logical_or(p_lt_half, count_bad), logical_or(q_nan, count_inf));
  return where(keep_k, k, count.astype(dtype) - k);
}

// One binomial per outcome on the trials not yet assigned, with the outcome's share of the
// remaining probability.
Array multinomial(const Array& key, const Array& n, const Array& p, std::optional<Shape> shape, DType dtype) {
  check_key("random.multinomial", key);
  check_floating("random.multinomial", dtype);
  if (p.ndim() < 1) throw ShapeError("random.multinomial", "p must have at least one dimension, got ", p.aval());
  Shape s = shape.value_or(p.shape());
  check_shape("random.multinomial", s);
  if (s.empty()) throw ShapeError("random.multinomial", "shape must have at least one dimension (the outcomes)");
  sample_shape("random.multinomial", s, {p.shape()});
  Shape batch(s.begin(), s.end() - 1);
  sample_shape("random.multinomial", batch, {n.shape()});
  DType pt = promote_types(is_floating(n.dtype()) ? n.dtype() : float32, is_floating(p.dtype()) ? p.dtype() : float32);
  if (p.weak_type() && n.weak_type()) pt = dtype;
  Array trials = broadcast_to(n.astype(pt), batch);
  Array probs = moveaxis(broadcast_to(p.astype(pt), s), -1, 0);
  Array remaining = cumsum(probs, 0, true);
  Array ratios = probs / where(remaining == constant(0, pt), constant(1, pt), remaining);
  Array keys = random::split(key, s.back());
  using Xs = std::tuple<Array, Array>;
  auto step = [pt](const Array& left, const Xs& x) {
    Array count = binomial(std::get<1>(x), left, clip(std::get<0>(x), constant(0, pt), constant(1, pt)), std::nullopt, pt);
    return std::pair{left - count, count};
  };
  auto [unused, counts] = scan(step, trials, Xs{ratios, keys});
  return moveaxis(counts, 0, -1).astype(dtype);
}

// mean + factor @ z for standard normal z, with cov = factor factor^T.
Array multivariate_normal(const Array& key, const Array& mean, const Array& cov, std::optional<Shape> shape,
                          std::optional<DType> dtype, const std::string& method) {
  const char* op = "random.multivariate_normal";
  check_key(op, key);
  if (method != "cholesky" && method != "eigh" && method != "svd")
    throw ValueError(op, "method must be one of cholesky, eigh, svd, got '", method, "'");
  if (mean.ndim() < 1) throw ShapeError(op, "mean must have at least one dimension, got ", mean.aval());
  std::int64_t n = mean.shape().back();
  if (cov.ndim() < 2 || cov.shape()[cov.ndim() - 1] != n || cov.shape()[cov.ndim() - 2] != n)
    throw ShapeError(op, "cov must have shape (..., n, n) with n = ", n, " from mean ", mean.aval(), ", got ", cov.aval());
  auto inexact = [](const Array& x) { return is_floating(x.dtype()) ? x.dtype() : float32; };
  DType pt = promote_types(inexact(mean), mean.weak_type(), inexact(cov), cov.weak_type()).dtype;
  DType dt = dtype.value_or(pt);
  check_floating(op, dt);
  Shape s = sample_shape(op, shape, {Shape(mean.shape().begin(), mean.shape().end() - 1),
                                     Shape(cov.shape().begin(), cov.shape().end() - 2)});
  Array m = mean.astype(pt), sigma = cov.astype(pt);
  Array factor;
  if (method == "svd") {
    auto [u, sv, vh] = linalg::svd(sigma);
    factor = u * expand_dims(sqrt(sv), -2);
  } else if (method == "eigh") {
    auto [w, v] = linalg::eigh(sigma);
    factor = v * expand_dims(sqrt(w), -2);
  } else {
    factor = linalg::cholesky(sigma);
  }
  Shape zs = s;
  zs.push_back(n);
  Array z = normal(key, zs, dt);
  return m + squeeze(matmul(factor, expand_dims(z, -1)), -1);
}

// QR of a Gaussian matrix with the signs of R's diagonal folded into Q (Mezzadri's recipe).
Array orthogonal(const Array& key, std::int64_t n, const Shape& shape, DType dtype, std::optional<std::int64_t> m) {
  check_key("random.orthogonal", key);
  check_floating("random.orthogonal", dtype);
  check_shape("random.orthogonal", shape);
  std::int64_t cols = m.value_or(n);
  if (n < 0 || cols < 0) throw ValueError("random.orthogonal", "n and m must be non-negative, got ", n, " and ", cols);
  Shape zs = shape;
  zs.push_back(std::max(n, cols));
  zs.push_back(std::min(n, cols));
  Array z = normal(key, zs, dtype);
  auto [q, r] = linalg::qr(z);
  Array x = q * expand_dims(sign(diagonal(r, 0, -2, -1)), -2);
  return n < cols ? swapaxes(x, -1, -2) : x;
}

}  // namespace xjax::random
