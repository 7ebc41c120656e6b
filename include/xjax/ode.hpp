// Ordinary differential equations, as jax.experimental.ode: odeint integrates dy/dt = f(y, t, args...)
// and returns y at each time of ts. Dormand-Prince 5(4) with adaptive steps by default (gradients by
// the adjoint method), an L-stable Rosenbrock 2(3) method for stiff problems, and fixed-step RK4.
// Every solver is a loop of public ops (while_loop / scan), so it runs under jit, vmap and grad.
// docs/ode.md describes the algorithms.
#pragma once
#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <tuple>
#include <utility>
#include <vector>

#include "xjax/control_flow.hpp"
#include "xjax/transforms.hpp"

namespace xjax::ode {

enum class Method : std::uint8_t {
  dopri5,        // Dormand-Prince 5(4), adaptive, 4th-order dense output (jax.experimental.ode.odeint)
  rosenbrock23,  // L-stable Rosenbrock-W 2(3) of Shampine & Reichelt (MATLAB's ode23s), adaptive, for stiff f
  rk4,           // classical Runge-Kutta, `substeps` fixed steps between consecutive times of ts
};

struct Options {
  double rtol = 1.4e-8;  // relative and absolute tolerances of the local error (adaptive methods)
  double atol = 1.4e-8;
  // Attempted steps (accepted and rejected) over the whole solve; once reached, the remaining
  // outputs are NaN and the status says so.
  std::int64_t max_steps = 100000;
  double h_max = std::numeric_limits<double>::infinity();  // largest step size
  Method method = Method::dopri5;
  std::int64_t substeps = 1;  // rk4 only
};

// Solution::status values.
enum class Status : std::int32_t {
  success = 0,
  max_steps = 1,            // Options::max_steps reached before the last time of ts
  step_size_underflow = 2,  // the step size fell below the spacing of t (a solution blowing up)
  ts_decreasing = 3,        // ts was not non-decreasing (found while solving, e.g. under jit)
};

// The outputs of a solve with its counters (int32 arrays, batched under vmap). Outputs at and
// after a failure are NaN.
template <class Y>
struct Solution {
  Y ys;            // y at each time of ts, stacked along a new leading axis
  Array steps;     // steps attempted
  Array rejected;  // of which rejected by the error test
  Array status;    // a Status value
};

namespace detail {
// A vector field on the flattened state: f(y [n], t [], args) -> dy/dt [n].
using VectorField = std::function<Array(const Array& y, const Array& t, const Arrays& args)>;
// {ys [len(ts), n], info [3] = (steps, rejected, status) in y0's dtype}. Adaptive methods carry
// an adjoint custom_vjp with respect to y0, ts and the floating-point args.
Arrays solve_flat(const Options& options, const VectorField& f, const Array& y0, const Array& ts, const Arrays& args);
// The dtype the state is integrated in: y0's floating leaves promoted (float32 if there are none).
DType state_dtype(const Arrays& leaves);
Array ravel_leaves(const Arrays& leaves, DType dtype);
// flat [..., n] -> one array [..., *shape] per shape.
Arrays unravel_leaves(const Array& flat, const std::vector<Shape>& shapes);
void check_derivative(const Arrays& dy, const std::vector<Shape>& shapes, bool same_structure);
}  // namespace detail

// solve(options, f, y0, ts, args...): odeint's outputs with the step counters and a status.
// y0 and args are pytrees; f(y, t, args...) returns dy/dt with y's structure.
template <class F, class Y, class... A>
Solution<array_tree_t<Y>> solve(const Options& options, F f, const Y& y0, const Array& ts, const A&... args) {
  using Args = std::tuple<A...>;
  Arrays y_leaves, a_leaves;
  TreeDef y_def, a_def;
  std::tie(y_leaves, y_def) = tree_flatten(y0);
  std::tie(a_leaves, a_def) = tree_flatten(Args{args...});
  std::vector<Shape> shapes;
  for (const Array& l : y_leaves) shapes.push_back(l.shape());
  const DType dtype = detail::state_dtype(y_leaves);
  // Captures by value: reverse mode calls it again after solve has returned.
  detail::VectorField vf = [f, y_def, a_def, shapes, dtype](const Array& y, const Array& t, const Arrays& a) {
    auto state = tree_unflatten<Y>(y_def, detail::unravel_leaves(y, shapes));
    auto dy = std::apply([&](const auto&... xs) { return f(state, t, xs...); }, tree_unflatten<Args>(a_def, a));
    auto [dy_leaves, dy_def] = tree_flatten(dy);
    detail::check_derivative(dy_leaves, shapes, dy_def == y_def);
    return detail::ravel_leaves(dy_leaves, dtype);
  };
  Arrays out = detail::solve_flat(options, vf, detail::ravel_leaves(y_leaves, dtype), ts, a_leaves);
  return {tree_unflatten<Y>(y_def, detail::unravel_leaves(out[0], shapes)), out[1][0].astype(int32),
          out[1][1].astype(int32), out[1][2].astype(int32)};
}
template <class F, class Y, class... A>
  requires(!std::same_as<std::remove_cvref_t<F>, Options>)
auto solve(F f, const Y& y0, const Array& ts, const A&... args) {
  return solve(Options{}, std::move(f), y0, ts, args...);
}

// odeint(f, y0, ts, args...): y at each time of ts (ts[0] is y0's time), along a new leading axis.
template <class F, class Y, class... A>
array_tree_t<Y> odeint(const Options& options, F f, const Y& y0, const Array& ts, const A&... args) {
  return solve(options, std::move(f), y0, ts, args...).ys;
}
template <class F, class Y, class... A>
  requires(!std::same_as<std::remove_cvref_t<F>, Options>)
array_tree_t<Y> odeint(F f, const Y& y0, const Array& ts, const A&... args) {
  return solve(Options{}, std::move(f), y0, ts, args...).ys;
}

// rk4(f, y0, ts, args...): one classical Runge-Kutta step between consecutive times of ts.
// Differentiated through its steps (no adjoint).
template <class F, class Y, class... A>
array_tree_t<Y> rk4(F f, const Y& y0, const Array& ts, const A&... args) {
  return solve(Options{.method = Method::rk4}, std::move(f), y0, ts, args...).ys;
}

}  // namespace xjax::ode
