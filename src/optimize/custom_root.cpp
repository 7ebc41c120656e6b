// custom_root (implicit differentiation of a solver's solution) and the input checks the solvers share.
#include <cmath>

#include "trace/trace.hpp"
#include "xjax/linalg.hpp"
#include "xjax/optimize.hpp"

namespace xjax {
namespace optimize_detail {

Arrays custom_root_flat(const ParamFn& f, const Array& initial_guess, const Arrays& params, const FlatSolveFn& solve,
                        const TangentSolveFn& tangent_solve) {
  Arrays args{initial_guess};
  args.insert(args.end(), params.begin(), params.end());
  FlatFn fun = [solve](const Arrays& a) { return solve(a[0], Arrays(a.begin() + 1, a.end())); };
  // At the solution, f(x(p), p) = 0, so (df/dx) dx = -(df/dp) dp: one linear solve per tangent, and
  // nothing depends on the iterations (the initial guess gets no derivative).
  CustomJvpRule rule = [f, solve, tangent_solve](const Arrays& p, const Arrays& t) {
    Arrays prm(p.begin() + 1, p.end());
    Arrays outs = solve(p[0], prm);
    Array x = outs[0];
    Array rhs = zeros_like(x);
    if (!prm.empty()) {
      auto [o, to] = jvp_flat([&](const Arrays& q) { return Arrays{f(x, q)}; }, prm, Tangents(t.begin() + 1, t.end()));
      if (to[0]) rhs = *to[0];
    }
    ArrayFn g = [f, x, prm](const Array& v) {
      auto [o, to] = jvp_flat([&](const Arrays& q) { return Arrays{f(q[0], prm)}; }, Arrays{x}, Tangents{v});
      return to[0] ? *to[0] : zeros_like(o[0]);
    };
    Arrays touts{tangent_solve(g, -rhs)};
    for (std::size_t i = 1; i < outs.size(); ++i) touts.push_back(zeros_like(outs[i]));
    return std::pair{outs, touts};
  };
  return custom_jvp_call(fun, rule, args);
}

}  // namespace optimize_detail

namespace optimize {

Array dense_tangent_solve(const ArrayFn& g, const Array& y) {
  if (y.ndim() == 0) return y / g(ones_like(y));
  if (y.ndim() != 1) throw ShapeError("dense_tangent_solve", "expects a 0-d or 1-d right-hand side, got ", y.aval());
  // Row i of `cols` is g(e_i), the i-th column of g's matrix.
  Array cols = vmap([&g](const Array& e) { return g(e); })(eye(y.shape()[0], std::nullopt, 0, y.dtype()));
  return linalg::solve(transpose(cols), y);
}

namespace detail {

Array checked_start(const char* op, const Array& x0) {
  if (x0.ndim() != 1) throw ShapeError(op, "x0 must be 1-D, got ", x0.aval());
  if (x0.shape()[0] == 0) throw ValueError(op, "x0 is empty: ", x0.aval());
  Array x = is_floating(x0.dtype()) ? x0 : astype(x0, float64);
  // Read from the buffer, not with ops: under jit those would be traced even for a concrete x0.
  if (!x0.is_tracer() && is_floating(x0.dtype())) {
    if (first_bad_float(x0, true, true) >= 0) throw ValueError(op, "x0 has non-finite values: ", x0.aval());
  }
  return x;
}
void check_tolerance(const char* op, const char* name, double tol) {
  if (!(tol > 0) || !std::isfinite(tol)) throw ValueError(op, name, " must be positive and finite, got ", tol);
}
void check_max_iter(const char* op, const char* name, std::int64_t n) {
  if (n <= 0) throw ValueError(op, name, " must be positive, got ", n);
}

}  // namespace detail
}  // namespace optimize
}  // namespace xjax
