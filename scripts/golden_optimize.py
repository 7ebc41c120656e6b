"""Golden values of tests/test_optimize.cpp, from scipy.optimize.

Run: /path/to/python scripts/golden_optimize.py [OUT]   (numpy and scipy; OUT defaults to
tests/golden/optimize.inc). Writes the entries of a std::map<std::string, Golden>:
  curve_fit/x, curve_fit/cost  scipy.optimize.least_squares (method="lm") on y = a exp(-b t) + c with
                               t = linspace(0, 5, 51), y = 2.5 exp(-1.3 t) + 0.4 + 0.01 sin(7 t),
                               from (1, 0.1, 0)
  system/x                     scipy.optimize.root (hybr) of x0^2 + x1^2 = 4, exp(x0) + x1 = 1 from (1, 1)
  system_b/x                   the same with the right-hand sides 4 -> 5 and 1 -> 0.5, from (-1, 1)
"""
import numpy as np
import scipy
import scipy.optimize as so

from golden_cpp import entry, output_path, write_inc

t = np.linspace(0.0, 5.0, 51)
y = 2.5 * np.exp(-1.3 * t) + 0.4 + 0.01 * np.sin(7.0 * t)
fit = so.least_squares(lambda p: p[0] * np.exp(-p[1] * t) + p[2] - y, [1.0, 0.1, 0.0], method="lm",
                       xtol=1e-15, ftol=1e-15, gtol=1e-15)


def system(r2, c):
    return lambda x: [x[0] ** 2 + x[1] ** 2 - r2, np.exp(x[0]) + x[1] - c]


sol = so.root(system(4.0, 1.0), [1.0, 1.0], tol=1e-14)
sol_b = so.root(system(5.0, 0.5), [-1.0, 1.0], tol=1e-14)
lines = [f"// Written by scripts/golden_optimize.py (scipy {scipy.__version__}); do not edit.",
         entry("curve_fit/x", fit.x, ""), entry("curve_fit/cost", fit.cost, ""),
         entry("system/x", sol.x, ""), entry("system_b/x", sol_b.x, "")]
write_inc(output_path("tests/golden/optimize.inc"), lines)
