// minimize: BFGS and L-BFGS with a strong-Wolfe line search (Nocedal & Wright, Numerical
// Optimization, 2nd ed.: algorithms 3.5/3.6 for the line search, 6.1 for BFGS, 7.4 for the L-BFGS
// two-loop recursion). Every loop is a while_loop over arrays, so a solve jits and vmaps.
#include <cctype>
#include <string>

#include "xjax/control_flow.hpp"
#include "xjax/optimize.hpp"

namespace xjax::optimize {
namespace {

Array scalar(double v, DType dt) { return full(Shape{}, Array(v), dt); }
Array code(int v) { return full(Shape{}, Array(v), int32); }
Array all_finite(const Array& x) { return all(isfinite(x)); }

using ValueGrad = std::function<std::pair<Array, Array>(const Array&)>;

// The minimiser of the cubic through (a_lo, f_lo, d_lo) and (a_hi, f_hi, d_hi) (N&W eq. 3.59),
// bisection when it is undefined or within 10% of an end of the interval.
Array cubic_step(const Array& a_lo, const Array& f_lo, const Array& d_lo, const Array& a_hi, const Array& f_hi,
                 const Array& d_hi) {
  // Denominators and the square root are guarded so that no NaN is made (config.debug_nans stays quiet).
  auto nonzero = [](const Array& v) { return where(v == 0.0, 1.0, v); };
  Array d1 = d_lo + d_hi - 3.0 * (f_lo - f_hi) / nonzero(a_lo - a_hi);
  Array disc = d1 * d1 - d_lo * d_hi;
  Array d2 = sign(a_hi - a_lo) * sqrt(maximum(disc, 0.0));
  Array den = d_hi - d_lo + 2.0 * d2;
  Array a = a_hi - (a_hi - a_lo) * (d_hi + d2 - d1) / nonzero(den);
  Array lo = minimum(a_lo, a_hi), width = abs(a_hi - a_lo);
  Array defined = logical_and(logical_and(disc >= 0.0, den != 0.0), isfinite(a));
  Array inside = logical_and(defined, logical_and(a >= lo + 0.1 * width, a <= lo + 0.9 * width));
  return where(inside, a, 0.5 * (a_lo + a_hi));
}

struct Step {
  Array alpha, f, g, moved;  // moved: a point with f < f0 was found (the Wolfe point or the best bracket end)
};

// A step length along p satisfying the strong Wolfe conditions with c1 = 1e-4, c2 = 0.9. One trial
// point per iteration; `stage` is 0 while bracketing (alg. 3.5), 1 while zooming (alg. 3.6), 2 done.
Step line_search(const ValueGrad& vg, const Array& x, const Array& f0, const Array& g0, const Array& p,
                 std::int64_t max_iter) {
  const double c1 = 1e-4, c2 = 0.9;
  const DType dt = x.dtype();
  Array d0 = vdot(g0, p), zero = scalar(0, dt);
  // i, stage, (a, f, d, g) of the previous trial, the next bracketing trial, lo, hi, and the result.
  Arrays init{code(0), code(0), zero, f0, d0, g0, scalar(1, dt), zero, f0, d0, g0, zero, f0, d0, zero, f0, g0};
  FlatFn cond = [max_iter](const Arrays& s) { return Arrays{logical_and(s[1] != 2, s[0] < max_iter)}; };
  FlatFn body = [&](const Arrays& s) {
    const Array &i = s[0], &stage = s[1];
    const Array &a_prev = s[2], &f_prev = s[3], &d_prev = s[4], &g_prev = s[5], &a_try = s[6];
    const Array &a_lo = s[7], &f_lo = s[8], &d_lo = s[9], &g_lo = s[10], &a_hi = s[11], &f_hi = s[12], &d_hi = s[13];
    Array zoom = stage == 1;
    Array a_j = where(zoom, cubic_step(a_lo, f_lo, d_lo, a_hi, f_hi, d_hi), a_try);
    auto [f_j, g_j] = vg(x + a_j * p);
    Array d_j = vdot(g_j, p);
    Array armijo_fail = logical_not(f_j <= f0 + c1 * a_j * d0);  // NaN fails too
    Array curvature = abs(d_j) <= -c2 * d0;
    // Bracketing: zoom(prev, j) if j is too high, stop if j is a Wolfe point, zoom(j, prev) if the
    // slope turned up, otherwise double the step.
    Array b_hi_j = logical_or(armijo_fail, logical_and(i > 0, f_j >= f_prev));
    Array b_done = logical_and(logical_not(b_hi_j), curvature);
    Array b_lo_j = logical_and(logical_not(logical_or(b_hi_j, b_done)), d_j >= 0.0);
    // Zooming: j replaces hi if it is too high; otherwise it is a Wolfe point or becomes lo (hi
    // takes the old lo when the slope at j points away from hi).
    Array z_hi_j = logical_or(armijo_fail, f_j >= f_lo);
    Array z_done = logical_and(logical_not(z_hi_j), curvature);
    Array z_lo_j = logical_not(logical_or(z_hi_j, z_done));
    Array z_flip = logical_and(z_lo_j, d_j * (a_hi - a_lo) >= 0.0);
    Array bracket = logical_not(zoom);
    Array set_lo_j = logical_or(logical_and(bracket, b_lo_j), logical_and(zoom, z_lo_j));
    Array set_lo_prev = logical_and(bracket, b_hi_j);
    Array set_hi_j = logical_or(logical_and(bracket, b_hi_j), logical_and(zoom, z_hi_j));
    Array set_hi_prev = logical_and(bracket, b_lo_j);
    Array set_hi_lo = logical_and(zoom, z_flip);
    Array done = where(zoom, z_done, b_done);
    auto pick = [](const Array& c, const Array& a, const Array& b) { return where(c, a, b); };
    Arrays n(s.size());
    n[0] = i + 1;
    n[1] = where(done, code(2), where(logical_or(zoom, logical_or(b_hi_j, b_lo_j)), code(1), code(0)));
    n[2] = pick(bracket, a_j, a_prev), n[3] = pick(bracket, f_j, f_prev), n[4] = pick(bracket, d_j, d_prev);
    n[5] = pick(bracket, g_j, g_prev), n[6] = pick(bracket, 2.0 * a_j, a_try);
    n[7] = pick(set_lo_j, a_j, pick(set_lo_prev, a_prev, a_lo));
    n[8] = pick(set_lo_j, f_j, pick(set_lo_prev, f_prev, f_lo));
    n[9] = pick(set_lo_j, d_j, pick(set_lo_prev, d_prev, d_lo));
    n[10] = pick(set_lo_j, g_j, pick(set_lo_prev, g_prev, g_lo));
    n[11] = pick(set_hi_j, a_j, pick(set_hi_prev, a_prev, pick(set_hi_lo, a_lo, a_hi)));
    n[12] = pick(set_hi_j, f_j, pick(set_hi_prev, f_prev, pick(set_hi_lo, f_lo, f_hi)));
    n[13] = pick(set_hi_j, d_j, pick(set_hi_prev, d_prev, pick(set_hi_lo, d_lo, d_hi)));
    n[14] = pick(done, a_j, s[14]), n[15] = pick(done, f_j, s[15]), n[16] = pick(done, g_j, s[16]);
    return n;
  };
  Arrays r = while_flat(cond, body, init);
  Array found = r[1] == 2;
  // Out of iterations while zooming: lo still gives sufficient decrease; take it if it lowers f
  // (a weaker step, but progress), as SciPy's line search falls back on its best point.
  Array use_lo = logical_and(logical_not(found), logical_and(r[1] == 1, logical_and(r[7] > 0.0, r[8] < f0)));
  return {where(found, r[14], where(use_lo, r[7], zero)), where(found, r[15], where(use_lo, r[8], f0)),
          where(found, r[16], where(use_lo, r[10], g0)), logical_or(found, use_lo)};
}

// The inverse-Hessian model: dense BFGS (H) or the last m pairs of L-BFGS (S, Y, rho; newest last).
struct Memory {
  bool limited;
  std::int64_t m;
  Array direction(const Arrays& mem, const Array& g) const {
    if (!limited) return -matmul(mem[0], g);
    const Array &S = mem[0], &Y = mem[1], &rho = mem[2];
    Array q = g;
    Arrays alpha(static_cast<std::size_t>(m));
    for (std::int64_t i = m - 1; i >= 0; --i) {
      alpha[static_cast<std::size_t>(i)] = rho[i] * vdot(S[i], q);
      q = q - alpha[static_cast<std::size_t>(i)] * Y[i];
    }
    // H0 = (s.y / y.y) I from the newest pair (N&W eq. 7.20); I before the first pair.
    Array yy = vdot(Y[m - 1], Y[m - 1]);
    Array have = rho[m - 1] > 0.0;
    Array r = where(have, vdot(S[m - 1], Y[m - 1]) / where(have, yy, 1.0), 1.0) * q;
    for (std::int64_t i = 0; i < m; ++i) r = r + S[i] * (alpha[static_cast<std::size_t>(i)] - rho[i] * vdot(Y[i], r));
    return -r;
  }
  // The pair (s, y) is stored only when s.y > 0, which keeps the model positive definite.
  Arrays update(const Arrays& mem, const Array& k, const Array& s, const Array& y) const {
    Array sy = vdot(s, y);
    Array ok = logical_and(sy > 0.0, isfinite(sy));
    Array rho = 1.0 / where(ok, sy, 1.0);
    if (limited) {
      auto push = [&](const Array& buf, const Array& v) {
        return where(ok, concatenate({slice_in_dim(buf, 1, m), expand_dims(v, 0)}, 0), buf);
      };
      return {push(mem[0], s), push(mem[1], y), push(mem[2], rho)};
    }
    const Array& h = mem[0];
    Array eye_n = eye(s.shape()[0], std::nullopt, 0, s.dtype());
    // Before the first update, scale the identity by s.y / y.y (N&W eq. 6.20).
    Array h0 = where(k == 0, sy / where(ok, vdot(y, y), 1.0) * eye_n, h);
    Array v = eye_n - rho * outer(s, y);
    return {where(ok, matmul(matmul(v, h0), v.T()) + rho * outer(s, s), h)};
  }
};

// {x, nit, status}
Arrays quasi_newton(const ValueGrad& vg, const Array& x0, const MinimizeOptions& o, const Memory& model) {
  const std::int64_t n = x0.shape()[0];
  const std::int64_t max_iter = o.max_iter > 0 ? o.max_iter : 200 * n;
  const double tol = o.tol;
  auto [f0, g0] = vg(x0);
  Array finite0 = logical_and(isfinite(f0), all_finite(g0));
  Array status0 = where(max(abs(g0)) <= tol, code(0), where(finite0, code(-1), code(3)));
  Arrays mem = model.limited ? Arrays{zeros({model.m, n}, x0.dtype()), zeros({model.m, n}, x0.dtype()),
                                      zeros({model.m}, x0.dtype())}
                             : Arrays{eye(n, std::nullopt, 0, x0.dtype())};
  Arrays init{code(0), x0, f0, g0, status0};
  init.insert(init.end(), mem.begin(), mem.end());
  FlatFn cond = [](const Arrays& s) { return Arrays{s[4] == -1}; };
  FlatFn body = [&](const Arrays& s) {
    const Array &k = s[0], &x = s[1], &f = s[2], &g = s[3];
    Arrays m(s.begin() + 5, s.end());
    Array p = model.direction(m, g);
    p = where(vdot(g, p) < 0.0, p, -g);  // a model that lost definiteness falls back on steepest descent
    Step st = line_search(vg, x, f, g, p, o.line_search_max_iter);
    Array x1 = x + st.alpha * p;
    Arrays m1 = model.update(m, k, x1 - x, st.g - g);
    Array k1 = k + 1;
    Array status = where(max(abs(st.g)) <= tol, code(0),
                         where(logical_not(logical_and(isfinite(st.f), all_finite(st.g))), code(3),
                               where(logical_not(st.moved), code(2), where(k1 >= max_iter, code(1), code(-1)))));
    Arrays out{k1, x1, st.f, st.g, status};
    out.insert(out.end(), m1.begin(), m1.end());
    return out;
  };
  Arrays r = while_flat(cond, body, init);
  return {r[1], r[0], r[4]};
}

}  // namespace

namespace detail {

OptimizeResults minimize_flat(const optimize_detail::ParamFn& f, const Array& x0, const Arrays& args,
                              const MinimizeOptions& options) {
  const char* op = "minimize";
  std::string method = options.method;  // case-insensitive, as SciPy
  for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (method != "BFGS" && method != "L-BFGS")
    throw ValueError(op, "unknown method '", options.method, "'; expected \"BFGS\" or \"L-BFGS\"");
  check_tolerance(op, "tol", options.tol);
  if (options.max_iter < 0) throw ValueError(op, "max_iter must be positive (or 0 for the default), got ", options.max_iter);
  check_max_iter(op, "history", options.history);
  check_max_iter(op, "line_search_max_iter", options.line_search_max_iter);
  Array x = checked_start(op, x0);
  ShapedArray out = eval_shape([&](const Array& z) { return f(z, args); })(x);
  if (out.shape.size() != 0 || !is_floating(out.dtype))
    throw ShapeError(op, "f must return a floating-point scalar, got ", out, " for x0 ", x.aval());
  const Memory model{method == "L-BFGS", options.history};
  optimize_detail::ParamFn grad_f = [f](const Array& z, const Arrays& a) {
    return grad([&](const Array& w) { return f(w, a); })(z);
  };
  optimize_detail::FlatSolveFn solve = [f, options, model](const Array& start, const Arrays& a) {
    ValueGrad vg = [&](const Array& z) { return value_and_grad([&](const Array& w) { return f(w, a); })(z); };
    return quasi_newton(vg, start, options, model);
  };
  Arrays sol = optimize_detail::custom_root_flat(grad_f, x, args, solve, dense_tangent_solve);
  // f and its gradient at the solution, recomputed so that they differentiate like f itself.
  auto [fun, jac] = value_and_grad([&](const Array& w) { return f(w, args); })(sol[0]);
  return {sol[0], fun, jac, sol[1], sol[2], sol[2] == 0};
}

}  // namespace detail
}  // namespace xjax::optimize
