// Newton's method with xjax::hessian: the Rosenbrock function unconstrained, then restricted to a
// box with a log barrier (interior-point method), where the answer is known in closed form.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>

#include <xjax/core.hpp>

#include "common.hpp"

namespace xj = xjax;
namespace la = xjax::linalg;
using xj::Array;

// sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2: minimum 0 at (1, ..., 1), in a curved narrow valley.
Array rosenbrock(const Array& x) {
  Array head = x(xj::Slice(std::nullopt, -1)), tail = x(xj::Slice(1));  // x[:-1], x[1:]
  return xj::sum(100.0 * xj::square(tail - xj::square(head)) + xj::square(1.0 - head));
}

double value(const Array& a) { return a.item<double>(); }

// Minimises f from x by Newton steps with a backtracking line search. Where the Hessian is not
// positive definite, a multiple of the identity is added until the step goes downhill. Infinite
// values (outside a barrier's domain) make the line search step back.
template <class F>
Array newton(const F& f, Array x, double tol, int max_steps, bool verbose, example::Csv* path = nullptr) {
  auto fun = xj::jit(f);
  auto gradient = xj::jit(xj::grad(f));
  auto hess = xj::jit(xj::hessian(f));
  const Array eye = xj::eye(x.shape()[0], std::nullopt, 0, xj::float64);
  for (int it = 0; it < max_steps; ++it) {
    Array g = gradient(x), h = hess(x);
    const double fx = value(fun(x)), gnorm = value(xj::sqrt(xj::sum(g * g)));
    if (verbose)
      std::printf("  step %2d  x = (%9.6f, %9.6f)  f = %.3e  |grad| = %.3e\n", it, value(x[0]), value(x[1]), fx, gnorm);
    if (path) path->row({static_cast<double>(it), value(x[0]), value(x[1]), fx});
    if (gnorm < tol) break;
    Array p;
    for (double shift = 0; ; shift = shift == 0 ? 1e-3 : 10 * shift) {
      p = la::solve(h + shift * eye, g);
      if (value(xj::vdot(g, p)) > 0) break;  // a descent direction
    }
    double t = 1;  // Armijo: accept the first step that decreases f by a fraction of the prediction
    while (!(value(fun(x - t * p)) <= fx - 1e-4 * t * value(xj::vdot(g, p))) && t > 1e-12) t /= 2;
    x = x - t * p;
  }
  return x;
}

int main(int argc, char** argv) {
  example::Options opt = example::parse_options(argc, argv);
  int failures = 0;

  // 1. Unconstrained, from the classic starting point (-1.2, 1).
  std::printf("Newton on the Rosenbrock function from (-1.2, 1):\n");
  example::Csv path(opt, "newton_rosenbrock.csv", "step,x,y,f");
  Array x = newton(rosenbrock, xj::array({-1.2, 1.0}), 1e-10, 100, true, &path);
  std::printf("minimum at (%.8f, %.8f), f = %.3e; expected (1, 1), f = 0\n", value(x[0]), value(x[1]),
              value(rosenbrock(x)));
  std::printf("Hessian there (expected [[802, -400], [-400, 200]]):\n");
  std::cout << xj::hessian(rosenbrock)(x) << "\n";
  failures += example::report(value(xj::max(xj::abs(x - 1.0))) < 1e-8, "unconstrained minimum at (1, 1)");

  // 2. In the box [-2, 0.5] x [-2, 2]. For x <= 0.5, (1 - x)^2 >= 0.25 and the other term is
  // zero when y = x^2, so the constrained minimum is (0.5, 0.25) with f = 0.25 (x's bound active).
  // The barrier problem t f(x) - sum(log(x - lo) + log(hi - x)) is solved for growing t; its
  // minimiser is within m / t of the constrained optimum in f (m = 4 bounds), when f is convex
  // near it.
  std::printf("\nthe same in the box [-2, 0.5] x [-2, 2], by a log barrier:\n");
  const Array lo = xj::array({-2.0, -2.0}), hi = xj::array({0.5, 2.0});
  x = xj::array({-1.2, 1.0});
  example::Csv barrier_csv(opt, "newton_barrier.csv", "t,x,y,f");
  const double t_max = 1e9;
  for (double t = 1; t <= t_max; t *= 10) {
    auto barrier = [t, lo, hi](const Array& z) {
      Array inside = xj::all(z > lo) & xj::all(z < hi);
      Array phi = t * rosenbrock(z) - xj::sum(xj::log(z - lo) + xj::log(hi - z));
      return xj::where(inside, phi, std::numeric_limits<double>::infinity());
    };
    x = newton(barrier, x, 1e-9, 100, false);
    std::printf("  t = %8.0e  x = (%.8f, %.8f)  f = %.8f  (gap <= %.1e)\n", t, value(x[0]), value(x[1]),
                value(rosenbrock(x)), 4 / t);
    barrier_csv.row({t, value(x[0]), value(x[1]), value(rosenbrock(x))});
  }
  std::printf("constrained minimum at (%.6f, %.6f), f = %.6f; expected (0.5, 0.25), f = 0.25\n", value(x[0]),
              value(x[1]), value(rosenbrock(x)));
  const double tol = 10 * 4 / t_max;
  failures += example::report(std::abs(value(rosenbrock(x)) - 0.25) < tol && std::abs(value(x[0]) - 0.5) < 1e-4 &&
                                  std::abs(value(x[1]) - 0.25) < 1e-4,
                              "constrained minimum at (0.5, 0.25)");
  return failures;
}
