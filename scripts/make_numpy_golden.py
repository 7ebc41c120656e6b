#!/usr/bin/env python3
"""Regenerates the golden block of tests/test_numpy_extra.cpp: the inputs and numpy's results for the
functions of include/xjax/numpy.hpp, as C++ literals between the lines "// BEGIN GOLDEN" and
"// END GOLDEN". Run it with numpy installed (`pip install numpy`); the tests only read the literals.

usage: make_numpy_golden.py [TEST_SOURCE]
"""
import math
import pathlib
import sys

import numpy as np

rng = np.random.default_rng(27)
IN = {
    "a": np.round(rng.uniform(-2, 2, (3, 4)), 3),
    "b": np.round(rng.uniform(-2, 2, (3, 4)), 3),
    "pos": np.round(rng.uniform(0.1, 5, (3, 4)), 3),
    "v": np.array([1.5, -2.0, 0.25, 3.0, -0.5]),
    "u3": np.round(rng.uniform(-1, 1, (4, 3)), 3),
    "w3": np.round(rng.uniform(-1, 1, (4, 3)), 3),
    "xp": np.array([0.0, 0.5, 1.5, 2.0, 3.5, 4.0]),
    "fp": np.array([1.0, -1.0, 2.0, 0.5, 0.0, 3.0]),
    "xq": np.array([-1.0, 0.0, 0.25, 0.5, 1.0, 2.0, 3.9, 4.0, 5.0]),
    "w4": np.array([1.0, 2.0, 0.5, 3.0]),
    "h": np.round(rng.normal(0, 1, 20), 3),
    "nanx": np.array([[1.0, np.nan, 3.0, -2.0], [np.nan, 0.5, 0.25, 4.0], [2.0, 2.0, np.nan, np.nan]]),
    "ints": np.array([[0, 3, 0, -1], [2, 0, 0, 5]]),
    "sorted": np.array([-1.0, 0.0, 0.0, 1.5, 2.0, 7.0]),
    "probe": np.array([-2.0, 0.0, 1.0, 1.5, 7.0, 8.0]),
    "sq4": np.round(rng.uniform(-1, 1, (4, 4)), 3) + 3 * np.eye(4),
    "phase": np.array([0.0, 1.5, 3.0, 4.5, 6.0, 7.5, 2.0, -4.0]),
}
a, b, pos, v = IN["a"], IN["b"], IN["pos"], IN["v"]
OUT = {
    "log10": np.log10(pos),
    "log2": np.log2(pos),
    "deg2rad": np.deg2rad(a),
    "rad2deg": np.rad2deg(a),
    "hypot": np.hypot(a, b),
    "logaddexp2": np.logaddexp2(a, b),
    "sinc": np.sinc(a),
    "heaviside": np.heaviside(np.round(a), 0.5),
    "fmod": np.fmod(a, 0.7),
    "fmod_neg": np.fmod(a, -0.7),
    "copysign": np.copysign(a, b),
    "fmax": np.fmax(IN["nanx"], 1.0),
    "trunc": np.trunc(a),
    "isclose": np.isclose(a, a + np.array([0.0, 1e-6, 1e-3, 1e-9]), rtol=1e-4, atol=1e-7),
    "roll_1": np.roll(a, 2, 1),
    "roll_flat": np.roll(a, -3),
    "tile": np.tile(v[:3], (2, 2)),
    "tile_2d": np.tile(a[:2, :2], 2),
    "repeat_0": np.repeat(a, 2, 0),
    "repeat_flat": np.repeat(v, 3),
    "repeat_counts": np.repeat(a, [1, 0, 2], 0),
    "diag_v1": np.diag(v, 1),
    "diag_vm2": np.diag(v, -2),
    "diag_a1": np.diag(a, 1),
    "diagflat": np.diagflat(a[:2, :2]),
    "tri": np.tri(3, 4, 1),
    "hstack": np.hstack([a, b]),
    "hstack_1d": np.hstack([v, v[:2]]),
    "vstack": np.vstack([v, v]),
    "dstack": np.dstack([a, b]),
    "column_stack": np.column_stack([v, v]),
    "meshgrid_xy0": np.meshgrid(v[:3], v[:2])[0],
    "meshgrid_xy1": np.meshgrid(v[:3], v[:2])[1],
    "meshgrid_ij0": np.meshgrid(v[:3], v[:2], indexing="ij")[0],
    "logspace": np.logspace(0, 2, 5),
    "logspace_base2": np.logspace(0, 3, 4, base=2.0),
    "geomspace": np.geomspace(1, 1000, 4),
    "diff_2_1": np.diff(a, 2, 1),
    "diff_1_0": np.diff(a, 1, 0),
    "ediff1d": np.ediff1d(a),
    "cross": np.cross(IN["u3"], IN["w3"]),
    "cross_2d": np.cross(IN["u3"][:, :2], IN["w3"][:, :2]),
    "cross_23": np.cross(IN["u3"][:, :2], IN["w3"]),
    "kron": np.kron(a[:2, :2], a[1:, 1:3]),
    "kron_1d": np.kron(v[:2], v[:3]),
    "interp": np.interp(IN["xq"], IN["xp"], IN["fp"]),
    "interp_lr": np.interp(IN["xq"], IN["xp"], IN["fp"], left=-9.0, right=9.0),
    "trapezoid_x": np.trapezoid(a, IN["w4"].cumsum(), axis=1),
    "trapezoid_dx": np.trapezoid(a, dx=0.5, axis=0),
    "median": np.median(a),
    "median_1": np.median(a, axis=1),
    "median_0": np.median(a, axis=0),
    "quantile_0": np.quantile(a, [0.1, 0.5, 0.9], axis=0),
    "quantile_lower": np.quantile(a, 0.3, axis=1, method="lower"),
    "quantile_higher": np.quantile(a, 0.3, axis=1, method="higher"),
    "quantile_midpoint": np.quantile(a, 0.3, axis=1, method="midpoint"),
    "quantile_nearest": np.quantile(a, 0.3, axis=1, method="nearest"),
    "percentile": np.percentile(a, 37.5),
    "average_w": np.average(a, 1, IN["w4"]),
    "average_full": np.average(a, None, pos),
    "cov": np.cov(a),
    "cov_cols": np.cov(a, rowvar=False),
    "cov_xy": np.cov(v, v[::-1]),
    "cov_bias": np.cov(a, bias=True),
    "corrcoef": np.corrcoef(a),
    "hist_counts": np.histogram(IN["h"], 5)[0],
    "hist_edges": np.histogram(IN["h"], 5)[1],
    "hist_range": np.histogram(IN["h"], 4, range=(-1.0, 1.0))[0],
    "hist_density": np.histogram(IN["h"], 5, density=True)[0],
    "searchsorted_left": np.searchsorted(IN["sorted"], IN["probe"], "left"),
    "searchsorted_right": np.searchsorted(IN["sorted"], IN["probe"], "right"),
    "nansum_1": np.nansum(IN["nanx"], 1),
    "nanprod_0": np.nanprod(IN["nanx"], 0),
    "nanmax_1": np.nanmax(IN["nanx"], 1),
    "nanmin_1": np.nanmin(IN["nanx"], 1),
    "nanmean_1": np.nanmean(IN["nanx"], 1),
    "nanvar_1": np.nanvar(IN["nanx"], 1),
    "nanstd_0_ddof1": np.nanstd(IN["nanx"], 0, ddof=1),
    "nanargmax_1": np.nanargmax(IN["nanx"], 1),
    "nanargmin_0": np.nanargmin(IN["nanx"], 0),
    "nancumsum_1": np.nancumsum(IN["nanx"], 1),
    "count_nonzero_0": np.count_nonzero(IN["ints"], 0),
    "ptp_1": np.ptp(a, 1),
    "rot90_1": np.rot90(a),
    "rot90_2": np.rot90(a, 2),
    "rot90_3": np.rot90(a, 3),
    "fliplr": np.fliplr(a),
    "flipud": np.flipud(a),
    # second batch
    "nanquantile_1": np.nanquantile(IN["nanx"], [0.25, 0.5], axis=1),
    "nanmedian_0": np.nanmedian(IN["nanx"], 0),
    "nanpercentile": np.nanpercentile(IN["nanx"], 40.0),
    "modf_frac": np.modf(a)[0],
    "modf_int": np.modf(a)[1],
    "divmod_q": np.divmod(a, 0.7)[0],
    "divmod_r": np.divmod(a, 0.7)[1],
    "cumulative_sum": np.cumulative_sum(a, axis=1, include_initial=True),
    "cumulative_prod": np.cumulative_prod(a, axis=0),
    "array_split_0": np.array_split(v, 3)[0],
    "array_split_2": np.array_split(v, 3)[2],
    "append_flat": np.append(a, v),
    "append_0": np.append(a, b, 0),
    "resize": np.resize(a, (5, 3)),
    "indices": np.indices((2, 3)),
    "tril_indices_r": np.tril_indices(3, 0, 4)[0],
    "tril_indices_c": np.tril_indices(3, 0, 4)[1],
    "triu_indices_r": np.triu_indices(3, 1)[0],
    "triu_indices_c": np.triu_indices(3, 1)[1],
    "fill_diagonal": (lambda t: (np.fill_diagonal(t, 9.0), t)[1])(a.copy()),
    "fill_diagonal_v": (lambda t: (np.fill_diagonal(t, [7.0, 8.0, 9.0]), t)[1])(a.copy()),
    "select": np.select([a > 0.5, a < -0.5], [a, -a], 0.25),
    "isin": np.isin(IN["ints"], [0, 5]),
    "digitize": np.digitize(IN["h"], [-1.0, 0.0, 0.5, 1.0]),
    "digitize_right": np.digitize(IN["h"], [-1.0, 0.0, 0.5, 1.0], right=True),
    "digitize_decreasing": np.digitize(IN["h"], [1.0, 0.5, 0.0, -1.0]),
    "unravel_r": np.unravel_index([3, 7, 11], (3, 4))[0],
    "unravel_c": np.unravel_index([3, 7, 11], (3, 4))[1],
    "ravel_multi_index": np.ravel_multi_index(([0, 2, 1], [3, 1, 0]), (3, 4)),
    "unwrap": np.unwrap(IN["phase"]),
    "gradient_0": np.gradient(a)[0],
    "gradient_1": np.gradient(a)[1],
    "gradient_v": np.gradient(v, 0.5),
    "bartlett": np.bartlett(5),
    "blackman": np.blackman(6),
    "hamming": np.hamming(7),
    "hanning": np.hanning(5),
    "vander": np.vander(v[:4]),
    "vander_inc": np.vander(v[:3], 4, True),
    "polyval": np.polyval(v[:3], a),
    "polyadd": np.polyadd(v[:3], v[:2]),
    "polysub": np.polysub(v[:2], v[:3]),
    "polymul": np.polymul(v[:3], v[:2]),
    "polyder": np.polyder(v, 2),
    "polyint": np.polyint(v[:3], 1, 2.0),
    "convolve_full": np.convolve(v, IN["w4"]),
    "convolve_same": np.convolve(v, IN["w4"], "same"),
    "convolve_valid": np.convolve(v, IN["w4"], "valid"),
    "convolve_same_short": np.convolve(IN["w4"][:2], v, "same"),
    "correlate_valid": np.correlate(v, IN["w4"]),
    "correlate_full": np.correlate(v, IN["w4"], "full"),
    "correlate_same_swap": np.correlate(IN["w4"][:2], v, "same"),
    "tensordot_pair": np.tensordot(a, b, ([1], [1])),
    "tensordot_2": np.tensordot(a, b, 2),
    "vecdot": np.vecdot(a, b),
    "matvec": np.matvec(a, IN["w4"]),
    "vecmat": np.vecmat(v[:3], a),
    "linalg_cross": np.linalg.cross(IN["u3"], IN["w3"]),
    "linalg_diagonal": np.linalg.diagonal(a, offset=1),
    "linalg_outer": np.linalg.outer(v, v[:2]),
    "multi_dot": np.linalg.multi_dot([a, b.T, a]),
    "matrix_rank": np.linalg.matrix_rank(a),
    "matrix_rank_deficient": np.linalg.matrix_rank(np.outer(v, v)),
}
sq4 = IN["sq4"]
OUT["cond"] = np.linalg.cond(sq4)
OUT["tensorinv"] = np.linalg.tensorinv(sq4.reshape(2, 2, 4), 2)
OUT["tensorsolve"] = np.linalg.tensorsolve(sq4.reshape(2, 2, 2, 2), a[:2, :2])


def lit(x):
    if math.isnan(x):
        return "kNan"
    if math.isinf(x):
        return "kInf" if x > 0 else "-kInf"
    return repr(float(x))


def entry(name, arr):
    arr = np.asarray(arr, dtype=np.float64)
    shape = ", ".join(str(s) for s in arr.shape)
    data = ", ".join(lit(x) for x in arr.ravel())
    return f'    {{"{name}", {{{{{shape}}}, {{{data}}}}}}},'


def main():
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else \
        pathlib.Path(__file__).resolve().parent.parent / "tests" / "test_numpy_extra.cpp"
    lines = [f"// numpy {np.__version__}; inputs are the in_* entries.",
             "const std::map<std::string, Golden>& golden_table() {",
             "  static const std::map<std::string, Golden> table = {"]
    lines += [entry("in_" + k, val) for k, val in IN.items()]
    lines += [entry(k, val) for k, val in OUT.items()]
    lines += ["  };", "  return table;", "}"]
    text = path.read_text()
    begin, end = text.index("// BEGIN GOLDEN\n"), text.index("// END GOLDEN")
    path.write_text(text[:begin] + "// BEGIN GOLDEN\n" + "\n".join(lines) + "\n" + text[end:])
    print(f"wrote {len(IN)} inputs and {len(OUT)} results into {path}")


if __name__ == "__main__":
    main()
