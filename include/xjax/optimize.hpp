// Minimisation, nonlinear least squares and root finding written on xjax operations
// (jax.scipy.optimize.minimize, scipy.optimize.least_squares/root, jax.lax.custom_root). Every
// solver's loop is a while_loop, so a whole solve runs under jit and vmap (batched solves), and the
// derivative of a solution w.r.t. the problem's parameters comes from the implicit function theorem
// (custom_root: one linear solve), not from differentiating the iterations.
#pragma once
#include <boost/hana/adapt_struct.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "xjax/array.hpp"
#include "xjax/transforms.hpp"

namespace xjax {

using ArrayFn = std::function<Array(const Array&)>;
// solve(g, x0) -> x with g(x) = 0; tangent_solve(g, y) -> v with g(v) = y for the linear map g.
using RootSolveFn = std::function<Array(const ArrayFn&, const Array&)>;
using TangentSolveFn = std::function<Array(const ArrayFn&, const Array&)>;

namespace optimize_detail {
// f(x, params) and a solver solve(x0, params) -> {x, aux...}; aux outputs are not differentiated.
using ParamFn = std::function<Array(const Array&, const Arrays&)>;
using FlatSolveFn = std::function<Arrays(const Array&, const Arrays&)>;
// {x, aux...} where x solves f(x, params) = 0; the derivative of x w.r.t. params is
// -(df/dx)^-1 (df/dparams), with the inverse applied by tangent_solve.
Arrays custom_root_flat(const ParamFn& f, const Array& initial_guess, const Arrays& params, const FlatSolveFn& solve,
                        const TangentSolveFn& tangent_solve);

template <class F, std::size_t... I>
ParamFn bind_params(F f, std::index_sequence<I...>) {
  return [f](const Array& x, const Arrays& p) { return Array(f(x, p[I]...)); };
}
template <class F, class... P>
ParamFn param_fn(F f) {
  return bind_params(std::move(f), std::index_sequence_for<P...>{});
}
}  // namespace optimize_detail

// jax.lax.custom_root: the x solving f(x, params...) = 0 found by solve(g, initial_guess) with
// g(x) = f(x, params...), differentiable w.r.t. params by implicit differentiation: tangent_solve(h, y)
// solves the linear system h(v) = y for h(v) = (df/dx) v. The parameters to differentiate are passed
// explicitly (JAX finds them among f's closed-over values; C++ closures are opaque, so captured arrays
// are constants). solve's iterations are never differentiated.
template <class F, class S, class T, class... P>
Array custom_root(F f, const Array& initial_guess, S solve, T tangent_solve, const P&... params) {
  optimize_detail::ParamFn pf = optimize_detail::param_fn<F, P...>(std::move(f));
  optimize_detail::FlatSolveFn fs = [solve, pf](const Array& x0, const Arrays& p) {
    ArrayFn g = [pf, p](const Array& x) { return pf(x, p); };
    return Arrays{Array(solve(g, x0))};
  };
  return optimize_detail::custom_root_flat(pf, initial_guess, Arrays{Array(params)...}, fs,
                                           TangentSolveFn(std::move(tangent_solve)))[0];
}

namespace optimize {

// tangent_solve for custom_root: builds the matrix of the linear map g (one column per element of y,
// by vmap) and solves with linalg::solve; a 0-d y is divided by g(1).
Array dense_tangent_solve(const ArrayFn& g, const Array& y);

// Status codes shared by the solvers: 0 converged; 1 max_iter reached; 2 the line search (or
// damping) found no acceptable step; 3 a non-finite function value. success is status == 0.
struct MinimizeOptions {
  std::string method = "BFGS";   // "BFGS" or "L-BFGS" (case-insensitive)
  double tol = 1e-5;             // converged when max |gradient| <= tol (jax's gtol)
  std::int64_t max_iter = 0;     // 0: 200 * len(x0)
  std::int64_t history = 10;     // L-BFGS: stored (s, y) pairs
  std::int64_t line_search_max_iter = 30;
};
// jax.scipy.optimize.OptimizeResults: the solution, f and its gradient there, iterations, status.
struct OptimizeResults {
  Array x, fun, jac, nit, status, success;
};

struct LeastSquaresOptions {
  double tol = 1e-10;          // stop when the step or the relative cost decrease is below tol
  double gtol = 1e-10;         // or when max |J^T r| <= gtol
  std::int64_t max_iter = 100;
  bool geodesic = true;        // geodesic acceleration (second-order correction along the step)
};
// scipy.optimize.least_squares's result: cost = |r|^2 / 2, fun = residuals, jac = dr/dx, grad = J^T r.
struct LeastSquaresResult {
  Array x, cost, fun, jac, grad, nit, status, success;
};

struct RootOptions {
  double tol = 1e-10;          // converged when max |f(x)| <= tol
  std::int64_t max_iter = 50;
  std::int64_t line_search_max_iter = 30;  // halvings of the Newton step
};
struct RootResults {
  Array x, fun, nit, status, success;
};

namespace detail {
// x0 checked (1-D, finite where concrete; integers become float64) for the solver `op`.
Array checked_start(const char* op, const Array& x0);
void check_tolerance(const char* op, const char* name, double tol);
void check_max_iter(const char* op, const char* name, std::int64_t n);
OptimizeResults minimize_flat(const optimize_detail::ParamFn& f, const Array& x0, const Arrays& args,
                              const MinimizeOptions& options);
LeastSquaresResult least_squares_flat(const optimize_detail::ParamFn& f, const Array& x0, const Arrays& args,
                                      const LeastSquaresOptions& options);
RootResults root_flat(const optimize_detail::ParamFn& f, const Array& x0, const Arrays& args, const RootOptions& options);
}  // namespace detail

// minimize(f, x0, {.method = "L-BFGS"}, args...): minimises the scalar f(x, args...) over the 1-D x
// by BFGS or L-BFGS with a strong-Wolfe line search. x is differentiable w.r.t. the floating args
// through the stationarity condition grad_x f = 0 (a Hessian solve); x0 gets no derivative.
template <class F, class... A>
OptimizeResults minimize(F f, const Array& x0, const MinimizeOptions& options = {}, const A&... args) {
  return detail::minimize_flat(optimize_detail::param_fn<F, A...>(std::move(f)), x0, Arrays{Array(args)...}, options);
}
// least_squares(r, x0, options, args...): minimises |r(x, args...)|^2 / 2 by Levenberg-Marquardt.
template <class F, class... A>
LeastSquaresResult least_squares(F f, const Array& x0, const LeastSquaresOptions& options = {}, const A&... args) {
  return detail::least_squares_flat(optimize_detail::param_fn<F, A...>(std::move(f)), x0, Arrays{Array(args)...},
                                    options);
}
// root(f, x0, options, args...): solves f(x, args...) = 0 (f maps R^n to R^n) by Newton's method
// with a backtracking line search on |f|^2 / 2.
template <class F, class... A>
RootResults root(F f, const Array& x0, const RootOptions& options = {}, const A&... args) {
  return detail::root_flat(optimize_detail::param_fn<F, A...>(std::move(f)), x0, Arrays{Array(args)...}, options);
}

}  // namespace optimize
}  // namespace xjax

BOOST_HANA_ADAPT_STRUCT(xjax::optimize::OptimizeResults, x, fun, jac, nit, status, success);
BOOST_HANA_ADAPT_STRUCT(xjax::optimize::LeastSquaresResult, x, cost, fun, jac, grad, nit, status, success);
BOOST_HANA_ADAPT_STRUCT(xjax::optimize::RootResults, x, fun, nit, status, success);
