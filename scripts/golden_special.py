#!/usr/bin/env python3
"""Writes tests/golden/special.inc: scipy.special and scipy.stats values for tests/test_special.cpp
and tests/test_stats.cpp (xjax::special, xjax::stats).

Each case has inputs in_<case>_<i> (float64, already broadcast against each other) and two results:
<case> at the float64 inputs and <case>/f32 at the inputs rounded to float32 (so the float32 tests
measure the function's error, not the rounding of its inputs). Edge-of-domain values follow
jax.scipy, which agrees with scipy at every point used here (they differ at gammainc(inf, x), NaN in
jax, and xjax follows jax).

usage: /path/to/python-with-scipy scripts/golden_special.py [OUTPUT]   (pip install scipy)
"""
import pathlib
import sys

import numpy as np
import scipy
import scipy.special as sp
import scipy.stats as st

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # golden_cpp, however this is run
from golden_cpp import entry, output_path, table, write_inc  # noqa: E402

ENTRIES = []
NAN, INF = np.nan, np.inf


def grid(*axes):
    """Every combination of the axes' values, as flat arrays of equal length."""
    return [g.ravel() for g in np.meshgrid(*[np.asarray(a, dtype=np.float64) for a in axes], indexing="ij")]


def case(name, f, *inputs):
    xs = np.broadcast_arrays(*[np.asarray(x, dtype=np.float64) for x in inputs])
    for i, x in enumerate(xs):
        ENTRIES.append(entry(f"in_{name}_{i}", x))
    with np.errstate(all="ignore"):
        ENTRIES.append(entry(name, f(*xs)))
        ENTRIES.append(entry(name + "/f32", f(*[x.astype(np.float32).astype(np.float64) for x in xs])))


# ---- special ----
case("gammainc", sp.gammainc, *grid([0.1, 0.5, 1.0, 2.5, 7.0, 20.0, 60.0, 150.0],
                                    [1e-3, 0.1, 0.9, 1.5, 5.0, 18.0, 25.0, 70.0, 200.0]))
case("gammaincc", sp.gammaincc, *grid([0.1, 0.5, 1.0, 2.5, 7.0, 20.0, 60.0, 150.0],
                                      [1e-3, 0.1, 0.9, 1.5, 5.0, 18.0, 25.0, 70.0, 200.0]))
EDGE_A = [0.0, 0.0, 1.0, -1.0, 1.0, 1.0, 2.0, NAN, 3.0]
EDGE_X = [0.0, 1.0, 0.0, 1.0, -1.0, INF, NAN, 1.0, 1e-30]
case("gammainc_edges", sp.gammainc, EDGE_A, EDGE_X)
case("gammaincc_edges", sp.gammaincc, EDGE_A, EDGE_X)
case("betainc", sp.betainc, *grid([0.3, 1.0, 2.5, 10.0, 40.0], [0.5, 1.0, 3.0, 25.0], [0.01, 0.2, 0.5, 0.77, 0.99]))
case("betainc_edges", sp.betainc, [0.0, 1.0, 1.0, 1.0, -1.0, 2.0, 1.0, 2.0], [1.0, 0.0, 1.0, 1.0, 1.0, 2.0, 1.0, NAN],
     [0.5, 0.5, 0.0, 1.0, 0.5, 1.5, -0.1, 0.5])
case("xlogy", sp.xlogy, [0.0, 0.0, 2.0, -1.5, 3.0, 0.5], [0.0, 2.0, 3.0, 0.25, 0.0, 1e-200])
case("xlog1py", sp.xlog1py, [0.0, 0.0, 2.0, -1.5, 3.0, 0.5], [-1.0, 2.0, 3.0, 1e-10, -1.0, -0.75])
case("logit", sp.logit, [0.0, 1e-12, 0.2, 0.5, 0.9, 1.0, 1.5])
case("expit", sp.expit, [-800.0, -30.0, -2.0, 0.0, 0.3, 15.0, 800.0])
BESSEL_X = [-60.0, -20.5, -19.9, -5.0, -0.5, 0.0, 1e-3, 0.7, 3.0, 15.0, 19.99, 20.0, 20.01, 35.0, 100.0, 1e4]
case("i0e", sp.i0e, BESSEL_X)
case("i1e", sp.i1e, BESSEL_X)
case("zeta", sp.zeta, *grid([1.1, 1.5, 2.0, 3.3, 8.0, 30.0], [0.1, 0.5, 1.0, 2.7, 30.0, 1e3]))
case("zeta_edges", sp.zeta, [1.0, 0.5, 2.0, 2.0, NAN, 3.0, 2.5, 4.0, 6.0], [1.0, 1.0, 0.0, -3.0, 1.0, -0.5, -1.5, -7.3, -60.2])
case("polygamma", lambda n, x: sp.polygamma(n.astype(np.int64), x), *grid([0, 1, 2, 3, 4], [-3.7, -1.5, 0.05, 0.3, 1.0, 2.5, 7.0]))
case("erf", sp.erf, [-3.0, -0.5, 0.0, 1e-8, 0.7, 2.0, 6.0])
case("erfc", sp.erfc, [-3.0, -0.5, 0.0, 0.7, 2.0, 6.0, 9.0])
case("erfinv", sp.erfinv, [-1.0, -0.999, -0.5, 0.0, 1e-6, 0.3, 0.9, 1.0])
case("gammaln", sp.gammaln, [-2.5, 0.1, 0.5, 1.0, 3.7, 40.0, 1e5])
case("digamma", sp.digamma, [-2.5, 0.1, 0.5, 1.0, 3.7, 40.0, 1e5])

# ---- stats ----
NORM_X = [-40.0, -25.0, -12.0, -3.0, 0.0, 1e-3, 1.5, 7.0, 9.0]
case("norm.logpdf", st.norm.logpdf, NORM_X, 0.5, 2.0)
case("norm.pdf", st.norm.pdf, NORM_X, 0.5, 2.0)
case("norm.cdf", st.norm.cdf, NORM_X)
case("norm.logcdf", st.norm.logcdf, NORM_X)
case("norm.sf", st.norm.sf, NORM_X)
case("norm.logcdf_scaled", st.norm.logcdf, NORM_X, -1.0, 3.0)
case("norm.ppf", st.norm.ppf, [0.0, 1e-300, 1e-20, 1e-8, 0.01, 0.1, 0.3, 0.5, 0.5 + 1e-9, 0.77, 0.95, 1 - 1e-12, 1.0, 1.5])
case("norm.ppf_scaled", st.norm.ppf, [0.02, 0.5, 0.97], 3.0, 0.5)
T_GRID = grid([-30.0, -3.0, -0.5, 0.0, 0.2, 2.0, 50.0], [0.7, 1.0, 3.5, 30.0])
case("t.logpdf", lambda x, df: st.t.logpdf(x, df, 0.5, 1.5), *T_GRID)
case("t.pdf", st.t.pdf, *T_GRID)
case("t.cdf", lambda x, df: st.t.cdf(x, df, 0.5, 1.5), *T_GRID)
G_GRID = grid([-1.0, 0.0, 0.3, 1.0, 4.0, 30.0], [0.5, 1.0, 2.5, 12.0])
case("gamma.logpdf", lambda x, a: st.gamma.logpdf(x, a, 0.2, 1.5), *G_GRID)
case("gamma.pdf", st.gamma.pdf, *G_GRID)
case("gamma.cdf", lambda x, a: st.gamma.cdf(x, a, 0.2, 1.5), *G_GRID)
case("gamma.logcdf", st.gamma.logcdf, *G_GRID)
case("gamma.sf", st.gamma.sf, *G_GRID)
B_GRID = grid([-0.5, 0.0, 0.1, 0.5, 0.93, 1.0, 1.2], [0.5, 1.0, 4.0], [0.7, 2.0, 9.0])
case("beta.logpdf", st.beta.logpdf, *B_GRID)
case("beta.pdf", st.beta.pdf, *B_GRID)
case("beta.cdf", st.beta.cdf, *B_GRID)
case("beta.logcdf", st.beta.logcdf, *B_GRID)
case("beta.sf", st.beta.sf, *B_GRID)
case("beta.logpdf_scaled", lambda x, a, b: st.beta.logpdf(x, a, b, -1.0, 3.0), *B_GRID)
P_GRID = grid([-1.0, 0.0, 1.0, 2.5, 3.0, 10.0, 40.0], [0.5, 4.0, 30.0])
case("poisson.logpmf", st.poisson.logpmf, *P_GRID)
case("poisson.pmf", st.poisson.pmf, *P_GRID)
case("poisson.cdf", st.poisson.cdf, *P_GRID)
case("poisson.logpmf_loc", lambda k, mu: st.poisson.logpmf(k, mu, 2.0), *P_GRID)

rng = np.random.default_rng(21)
MVN_X = np.round(rng.normal(size=(4, 3)), 3)
MVN_MEAN = np.array([0.5, -0.25, 1.0])
A = np.round(rng.normal(size=(3, 3)), 3)
MVN_COV = A @ A.T + 0.5 * np.eye(3)
B = np.round(rng.normal(size=(2, 3, 3)), 3)
MVN_COVS = B @ np.swapaxes(B, -1, -2) + 0.7 * np.eye(3)
ENTRIES += [entry("in_mvn_x", MVN_X), entry("in_mvn_mean", MVN_MEAN), entry("in_mvn_cov", MVN_COV),
            entry("in_mvn_covs", MVN_COVS),
            entry("mvn.logpdf", st.multivariate_normal.logpdf(MVN_X, MVN_MEAN, MVN_COV)),
            entry("mvn.pdf", st.multivariate_normal.pdf(MVN_X, MVN_MEAN, MVN_COV)),
            entry("mvn.logpdf_iso", st.multivariate_normal.logpdf(MVN_X, MVN_MEAN, 1.7)),
            entry("mvn.logpdf_1d", st.norm.logpdf(MVN_X[:, 0], 0.5, np.sqrt(1.7))),
            # batched covariances [2, 3, 3] against x [4, 1, 3]: a [4, 2] result
            entry("mvn.logpdf_batched", np.array([[st.multivariate_normal.logpdf(x, MVN_MEAN, c) for c in MVN_COVS]
                                                  for x in MVN_X]))]

if __name__ == "__main__":
    header = f"// Written by scripts/golden_special.py (scipy {scipy.__version__}); do not edit."
    write_inc(output_path("tests/golden/special.inc"), table(header, ENTRIES, "special_golden"))
