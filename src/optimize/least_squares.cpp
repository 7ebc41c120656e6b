// least_squares (Levenberg-Marquardt with Marquardt's diagonal scaling, Nielsen's damping update and
// Transtrum & Sethna's geodesic acceleration) and root (Newton with a backtracking line search).
// Both loops are while_loops; the solutions differentiate by implicit differentiation (custom_root).
#include "xjax/control_flow.hpp"
#include "xjax/linalg.hpp"
#include "xjax/optimize.hpp"

namespace xjax::optimize {
namespace {

Array scalar(double v, DType dt) { return full(Shape{}, Array(v), dt); }
Array code(int v) { return full(Shape{}, Array(v), int32); }
Array all_finite(const Array& x) { return all(isfinite(x)); }

// The residual function's output must be a 1-D floating array (of length n for root).
void check_output(const char* op, const ArrayFn& fn, const Array& x, bool square) {
  ShapedArray out = eval_shape(fn)(x);
  if (out.shape.size() != 1 || !is_floating(out.dtype) || (square && out.shape[0] != x.shape()[0]))
    throw ShapeError(op, "f must return a 1-D floating-point array", square ? " of x's length" : "", ", got ", out,
                     " for x0 ", x.aval());
}

// {x, nit, status} of Levenberg-Marquardt on r.
Arrays levenberg_marquardt(const ArrayFn& r, const Array& x0, const LeastSquaresOptions& o) {
  const DType dt = x0.dtype();
  const double tol = o.tol, gtol = o.gtol;
  auto jac = [&](const Array& x) { return jacfwd(r)(x); };
  Array r0 = r(x0), j0 = jac(x0);
  Array finite0 = logical_and(all_finite(r0), all_finite(j0));
  Array status0 = where(max(abs(matmul(j0.T(), r0))) <= gtol, code(0), where(finite0, code(-1), code(3)));
  // k, x, r, J, lambda, nu, status
  Arrays init{code(0), x0, r0, j0, scalar(1e-3, dt), scalar(2, dt), status0};
  FlatFn cond = [](const Arrays& s) { return Arrays{s[6] == -1}; };
  FlatFn body = [&](const Arrays& s) {
    const Array &k = s[0], &x = s[1], &res = s[2], &J = s[3], &lambda = s[4], &nu = s[5];
    Array a = matmul(J.T(), J), g = matmul(J.T(), res);
    // Marquardt's scaling: damp each parameter by its own curvature (floored so a zero column still damps).
    Array d = diagonal(a);
    d = maximum(d, 1e-12 * maximum(max(d), 1.0));
    Array m = a + lambda * (d * eye(x.shape()[0], std::nullopt, 0, dt));
    Array v = linalg::solve(m, -g);
    Array step = v;
    if (o.geodesic) {
      // The second directional derivative of r along v gives the geodesic correction
      // m acc = -J^T r_vv; it is kept when small against v (|acc| <= 0.75 |v| / 2).
      auto along_v = [&](const Array& z) { return jvp(r, std::tuple{z}, std::tuple{v}).second; };
      Array rvv = jvp(along_v, std::tuple{x}, std::tuple{v}).second;
      Array acc = linalg::solve(m, -matmul(J.T(), rvv));
      Array keep = logical_and(all_finite(acc), 2.0 * sqrt(vdot(acc, acc)) <= 0.75 * sqrt(vdot(v, v)));
      step = where(keep, v + 0.5 * acc, v);
    }
    Array x_try = x + step, r_try = r(x_try);
    Array cost = 0.5 * vdot(res, res), cost_try = 0.5 * vdot(r_try, r_try);
    // Gain ratio: the actual decrease over the decrease of the linear model.
    Array predicted = -(vdot(g, step) + 0.5 * vdot(step, matmul(a, step)));
    Array gain = (cost - cost_try) / where(predicted > 0.0, predicted, 1.0);
    Array accept = logical_and(logical_and(isfinite(cost_try), cost_try < cost), gain > 0.0);
    Array x1 = where(accept, x_try, x), r1 = where(accept, r_try, res);
    Array j1 = jac(x1);
    // Nielsen's update: shrink lambda smoothly by the gain, grow it by a doubling factor on rejection.
    Array t = 2.0 * gain - 1.0;
    Array lambda1 = astype(where(accept, lambda * maximum(1.0 / 3.0, 1.0 - t * t * t), lambda * nu), dt);
    Array nu1 = where(accept, scalar(2, dt), 2.0 * nu);
    Array k1 = k + 1;
    Array small_step = sqrt(vdot(step, step)) <= tol * (sqrt(vdot(x, x)) + tol);
    Array small_decrease = cost - cost_try <= tol * cost;
    Array converged = logical_or(max(abs(matmul(j1.T(), r1))) <= gtol,
                                 logical_and(accept, logical_or(small_step, small_decrease)));
    Array status = where(converged, code(0),
                         where(logical_not(logical_and(all_finite(r1), all_finite(j1))), code(3),
                               where(logical_not(lambda1 < 1e16), code(2), where(k1 >= o.max_iter, code(1), code(-1)))));
    return Arrays{k1, x1, r1, j1, lambda1, nu1, status};
  };
  Arrays out = while_flat(cond, body, init);
  return {out[1], out[0], out[6]};
}

// {x, nit, status} of Newton's method on F with backtracking on |F|^2 / 2 (Armijo, c = 1e-4).
Arrays newton(const ArrayFn& F, const Array& x0, const RootOptions& o) {
  const DType dt = x0.dtype();
  const double tol = o.tol;
  const std::int64_t max_halvings = o.line_search_max_iter;
  Array f0 = F(x0);
  Array status0 = where(max(abs(f0)) <= tol, code(0), where(all_finite(f0), code(-1), code(3)));
  Arrays init{code(0), x0, f0, status0};
  FlatFn cond = [](const Arrays& s) { return Arrays{s[3] == -1}; };
  FlatFn body = [&](const Arrays& s) {
    const Array &k = s[0], &x = s[1], &fx = s[2];
    Array d = linalg::solve(jacfwd(F)(x), -fx);
    Array merit = 0.5 * vdot(fx, fx);
    // Halve t until merit(x + t d) <= (1 - 2 c t) merit(x); the directional derivative is -2 merit.
    FlatFn ls_cond = [&](const Arrays& q) {
      Array too_high = logical_not(0.5 * vdot(q[2], q[2]) <= (1.0 - 2e-4 * q[1]) * merit);
      return Arrays{logical_and(too_high, q[0] < max_halvings)};
    };
    FlatFn ls_body = [&](const Arrays& q) {
      Array t = 0.5 * q[1];
      return Arrays{q[0] + 1, t, F(x + t * d)};
    };
    Arrays ls = while_flat(ls_cond, ls_body, {code(0), scalar(1, dt), F(x + d)});
    Array ok = 0.5 * vdot(ls[2], ls[2]) <= (1.0 - 2e-4 * ls[1]) * merit;
    Array x1 = where(ok, x + ls[1] * d, x), f1 = where(ok, ls[2], fx);
    Array k1 = k + 1;
    Array status = where(max(abs(f1)) <= tol, code(0),
                         where(logical_not(all_finite(f1)), code(3),
                               where(logical_not(ok), code(2), where(k1 >= o.max_iter, code(1), code(-1)))));
    return Arrays{k1, x1, f1, status};
  };
  Arrays out = while_flat(cond, body, init);
  return {out[1], out[0], out[3]};
}

}  // namespace

namespace detail {

LeastSquaresResult least_squares_flat(const optimize_detail::ParamFn& f, const Array& x0, const Arrays& args,
                                      const LeastSquaresOptions& options) {
  const char* op = "least_squares";
  check_tolerance(op, "tol", options.tol);
  check_tolerance(op, "gtol", options.gtol);
  check_max_iter(op, "max_iter", options.max_iter);
  Array x = checked_start(op, x0);
  check_output(op, [&](const Array& z) { return f(z, args); }, x, false);
  // Implicit differentiation through the stationarity condition J^T r = 0.
  optimize_detail::ParamFn grad_cost = [f](const Array& z, const Arrays& a) {
    return grad([&](const Array& w) {
      Array res = f(w, a);
      return 0.5 * vdot(res, res);
    })(z);
  };
  optimize_detail::FlatSolveFn solve = [f, options](const Array& start, const Arrays& a) {
    return levenberg_marquardt([&](const Array& z) { return f(z, a); }, start, options);
  };
  Arrays sol = optimize_detail::custom_root_flat(grad_cost, x, args, solve, dense_tangent_solve);
  ArrayFn res = [&](const Array& z) { return f(z, args); };
  Array r = res(sol[0]), j = jacfwd(res)(sol[0]);
  return {sol[0], 0.5 * vdot(r, r), r, j, matmul(j.T(), r), sol[1], sol[2], sol[2] == 0};
}

RootResults root_flat(const optimize_detail::ParamFn& f, const Array& x0, const Arrays& args, const RootOptions& options) {
  const char* op = "root";
  check_tolerance(op, "tol", options.tol);
  check_max_iter(op, "max_iter", options.max_iter);
  check_max_iter(op, "line_search_max_iter", options.line_search_max_iter);
  Array x = checked_start(op, x0);
  check_output(op, [&](const Array& z) { return f(z, args); }, x, true);
  optimize_detail::FlatSolveFn solve = [f, options](const Array& start, const Arrays& a) {
    return newton([&](const Array& z) { return f(z, a); }, start, options);
  };
  Arrays sol = optimize_detail::custom_root_flat(f, x, args, solve, dense_tangent_solve);
  return {sol[0], f(sol[0], args), sol[1], sol[2], sol[2] == 0};
}

}  // namespace detail
}  // namespace xjax::optimize
