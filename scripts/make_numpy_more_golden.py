#!/usr/bin/env python3
"""Writes tests/golden/numpy_more.inc: numpy's values for the integer/bit, update, dtype, polynomial
and multi-dimensional histogram functions tested by tests/test_numpy_more.cpp. Each entry is
{"name|dtype", {{shape}, {values}}}: inputs are "in_NAME" (float64 values, cast by the test), results
"CASE|f64", "CASE|f32", "CASE|i32", ... computed by numpy from the inputs cast to that dtype.

Run with numpy >= 2 and scipy installed (`pip install numpy scipy`):  python3 scripts/make_numpy_more_golden.py
The tests only read the committed literals.
"""
import pathlib
import sys

import numpy as np
import scipy.special

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # golden_cpp, however this is run
from golden_cpp import ROOT, entry, write_inc  # noqa: E402

rng = np.random.default_rng(5)
IN = {
    "a": np.round(rng.uniform(-2, 2, (3, 4)), 3),
    "b": np.round(rng.uniform(-2, 2, (3, 4)), 3),
    "i1": np.array([[12, -18, 0, 7], [35, 100, -64, 1], [0, 9, 27, -5]]),
    "i2": np.array([[8, 27, 5, 0], [21, -75, 48, 1], [0, 6, -81, 15]]),
    "p1": np.array([[12, 18, 0, 7], [35, 100, 4294967295, 1], [0, 9, 27, 2147483648]]),
    "p2": np.array([[8, 27, 5, 0], [21, 75, 48, 1], [0, 6, 81, 6]]),
    "fx": np.array([0.0, 1.0, -3.5, 0.75, 1e-3, 123456.789, -1e20, 5e-30, np.inf, -np.inf, np.nan, -0.0]),
    "fsub64": np.array([1e-310, -4e-320, 5e-324, 1e300, 1.7976931348623157e308, 2.2250738585072014e-308]),
    "fsub32": np.array([float(np.float32(v)) for v in [1e-40, -3e-45, 1.4e-45, 3e38, 3.4028234663852886e38,
                                                       1.1754943508222875e-38]]),
    "kn": np.array([[0, 1, -1, 10], [-20, 3, -126, 5], [2, -3, 100, -1000]]),
    "xedge": np.array([1.0, 1.5, 1.0, 0.75, 3.0, -1.0]),
    "kedge64": np.array([-1074, -1075, 1023, 1025, -1070, -1076]),
    "kedge32": np.array([-149, -150, 127, 129, -147, -151]),
    # full-precision values near the subnormal range, scaled further down: rounding happens once in ldexp
    "xtiny64": np.ldexp(rng.uniform(1, 2, 40), -1000),
    "ktiny64": rng.integers(-80, -20, 40),
    "xtiny32": np.ldexp(rng.uniform(1, 2, 40).astype(np.float32), -120).astype(np.float64),
    "ktiny32": rng.integers(-35, -5, 40),
    "ix": np.array([0.0, 0.5, -1.0, 3.7, 10.0, -19.9, 20.0, 20.5, 35.0, 80.0]),
    "iwide": np.concatenate([np.linspace(-700.0, 700.0, 71), np.linspace(-25.0, 25.0, 101)]),
    "kidx": np.array([[0, 1, 2, 1], [2, 0, 1, 0], [1, 1, 0, 2]]),
    "kwide": np.array([[3, -1, 5, 1], [2, 0, -4, 7], [1, 9, 0, -2]]),
    "v3": np.array([1.0, 2.0, 3.0]),
    "v4": np.array([7.0, 8.0, 9.0, 10.0]),
    "col3": np.array([[1.0], [2.0], [3.0]]),
    "kput": np.array([0, 5, -1]),
    "kputw": np.array([13, -15, 2]),
    "kputc": np.array([20, -3]),
    "kax1": np.array([[0], [2], [1]]),
    "kax0": np.array([[2, 0, 1, 2]]),
    "lk1": np.array([[1.0, 0.0, 1.0, 0.0, 2.0, 1.0], [3.0, 3.0, 1.0, 1.0, 2.0, 2.0]]),
    "lk2": np.array([[2.0, 2.0, 1.0, 1.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0, 0.0, 1.0]]),
    "roots": np.array([1.5, -2.0, 0.25, 3.0]),
    "sq3": np.array([[0.5, -1.0, 0.25], [1.0, 0.0, 2.0], [-0.75, 0.5, 2.0]]),
    "u": np.array([2.0, -3.0, 0.5, 4.0, 1.0]),
    "dv": np.array([1.5, 0.5, -2.0]),
    "px": np.linspace(-2.0, 3.0, 9),
    "py": np.round(rng.normal(0, 1, 9), 3),
    "py2": np.round(rng.normal(0, 1, (9, 2)), 3),
    "pw": np.round(rng.uniform(0.5, 2.0, 9), 3),
    "hx": np.round(rng.normal(0, 1, 20), 3),
    "hy": np.round(rng.normal(0, 1.5, 20), 3),
    "hw": np.round(rng.uniform(0.1, 2.0, 20), 3),
    "hs": np.round(rng.normal(0, 1, (20, 3)), 3),
    "he0": np.array([-2.0, -0.5, 0.0, 2.0]),
    "he1": np.array([-1.0, 1.0]),
    "he2": np.array([-3.0, -1.0, 0.0, 0.5, 3.0]),
}
INDEX = {"ktiny64", "ktiny32", "kidx", "kwide", "kn", "kedge64", "kedge32", "kput", "kputw", "kputc", "kax1", "kax0"}  # stay int32
NP = {"f64": np.float64, "f32": np.float32, "i32": np.int32, "i64": np.int64, "u32": np.uint32}
F, I, U = ["f64", "f32"], ["i32", "i64"], ["u32"]


def cast(name, d):
    x = IN[name]
    return x.astype(np.int32) if name in INDEX else x.astype(NP[d])


def put(a, ind, v, mode="raise"):
    a = a.copy()
    np.put(a, ind, v, mode=mode)
    return a


def place(a, mask, vals):
    a = a.copy()
    np.place(a, mask, vals)
    return a


def put_along(a, idx, v, axis):
    a = a.copy()
    np.put_along_axis(a, idx, v, axis)
    return a


def polydiv_r(u, v):
    r = np.polydiv(u, v)[1]
    return np.concatenate([np.zeros(len(u) - len(r), r.dtype), r])  # JAX keeps u's length


CASES = [
    ("gcd", ["i1", "i2"], np.gcd, I),
    ("gcd_u", ["p1", "p2"], np.gcd, U),
    ("lcm", ["i1", "i2"], np.lcm, I),
    ("lcm_u", ["p1", "p2"], np.lcm, U),
    ("bitwise_count", ["i1"], np.bitwise_count, I),
    ("bitwise_count_u", ["p1"], np.bitwise_count, U),
    ("frexp_m", ["fx"], lambda x: np.frexp(x)[0], F),
    ("frexp_e", ["fx"], lambda x: np.frexp(x)[1], F),
    ("frexp_sub_m", ["fsub64"], lambda x: np.frexp(x)[0], ["f64"]),
    ("frexp_sub_e", ["fsub64"], lambda x: np.frexp(x)[1], ["f64"]),
    ("frexp_sub32_m", ["fsub32"], lambda x: np.frexp(x)[0], ["f32"]),
    ("frexp_sub32_e", ["fsub32"], lambda x: np.frexp(x)[1], ["f32"]),
    ("ldexp", ["a", "kn"], np.ldexp, F),
    ("ldexp_edge64", ["xedge", "kedge64"], np.ldexp, ["f64"]),
    ("ldexp_edge32", ["xedge", "kedge32"], np.ldexp, ["f32"]),
    ("ldexp_tiny64", ["xtiny64", "ktiny64"], np.ldexp, ["f64"]),
    ("ldexp_tiny32", ["xtiny32", "ktiny32"], np.ldexp, ["f32"]),
    ("spacing", ["fx"], np.spacing, F),
    ("spacing_sub64", ["fsub64"], np.spacing, ["f64"]),
    ("spacing_sub32", ["fsub32"], np.spacing, ["f32"]),
    ("i0", ["ix"], np.i0, F),
    ("i1", ["ix"], lambda x: scipy.special.i1(x), ["f64"]),  # the derivative of i0
    ("i0_wide", ["iwide"], lambda x: scipy.special.i0(x), ["f64"]),  # accurate reference values
    ("i0_wide32", ["iwide"], lambda x: scipy.special.i0(np.clip(x, -85, 85).astype(np.float64)), ["f32"]),
    ("kaiser", [], lambda: np.kaiser(7, 4.5), F),
    ("kaiser_2", [], lambda: np.kaiser(2, 1.0), F),
    ("choose", ["kidx", "a", "b"], lambda k, a, b: np.choose(k, [a, b, a.dtype.type(0.5)]), F),
    ("choose_i", ["kidx", "i1", "i2"], lambda k, a, b: np.choose(k, [a, b, a.dtype.type(3)]), I),
    ("choose_wrap", ["kwide", "a", "b"], lambda k, a, b: np.choose(k, [a, b, a.dtype.type(0.5)], mode="wrap"), F),
    ("choose_clip", ["kwide", "a", "b"], lambda k, a, b: np.choose(k, [a, b, a.dtype.type(0.5)], mode="clip"), F),
    ("delete_flat", ["a"], lambda a: np.delete(a, 5), F),
    ("delete_ax1", ["a"], lambda a: np.delete(a, [0, -1], axis=1), F),
    ("delete_mask", ["i1"], lambda a: np.delete(a, [True, False, True], axis=0), I),
    ("insert_flat", ["a"], lambda a: np.insert(a, 3, 9.5), F),
    ("insert_block", ["a", "v3"], lambda a, v: np.insert(a, 1, v, axis=1), F),
    ("insert_multi", ["a", "v4"], lambda a, v: np.insert(a, [0, 2, 2, 4], v, axis=1), F),
    ("insert_list1", ["a", "col3"], lambda a, v: np.insert(a, [1], v, axis=1), F),
    ("insert_rows", ["i1"], lambda a: np.insert(a, [-1, 0], 4, axis=0), I),
    ("place", ["a"], lambda a: place(a, a > 0, [10, 20, 30]), F),
    ("place_i", ["i1"], lambda a: place(a, a > 0, [-7, -8]), I),
    ("put", ["a", "kput"], lambda a, k: put(a, k, [1.5, 2.5]), F),
    ("put_wrap", ["a", "kputw"], lambda a, k: put(a, k, [1.5, 2.5, 3.5], "wrap"), F),
    ("put_clip", ["i1", "kputc"], lambda a, k: put(a, k, [40, 50], "clip"), I),
    ("put_along_1", ["a", "kax1"], lambda a, k: put_along(a, k, 9.0, 1), F),
    ("put_along_0", ["a", "kax0", "b"], lambda a, k, b: put_along(a, k, b[0:1], 0), F),
    ("block2", ["a", "b"], lambda a, b: np.block([[a, b], [b[:, :2], a, a[:, :2]]]), F),
    ("block1", ["v3", "v4"], lambda a, b: np.block([a, b]), F),
    ("block_mixed", ["a", "v4"], lambda a, b: np.block([[a], [b]]), F),
    ("lexsort", ["lk1", "lk2"], lambda a, b: np.lexsort((a, b)), F + I),
    ("lexsort_0", ["lk1", "lk2"], lambda a, b: np.lexsort((a, b), axis=0), F),
    ("poly_roots", ["roots"], np.poly, F),
    ("poly_matrix", ["sq3"], np.poly, F),
    ("polydiv_q", ["u", "dv"], lambda u, v: np.polydiv(u, v)[0], F),
    ("polydiv_r", ["u", "dv"], polydiv_r, F),
    ("polyfit", ["px", "py"], lambda x, y: np.polyfit(x, y, 2), F),
    ("polyfit_2d", ["px", "py2"], lambda x, y: np.polyfit(x, y, 3), F),
    ("polyfit_w", ["px", "py", "pw"], lambda x, y, w: np.polyfit(x, y, 1, w=w), F),
    ("hist2d", ["hx", "hy"], lambda x, y: np.histogram2d(x, y, bins=(3, 4))[0], F),
    ("hist2d_xedges", ["hx", "hy"], lambda x, y: np.histogram2d(x, y, bins=(3, 4))[1], F),
    ("hist2d_yedges", ["hx", "hy"], lambda x, y: np.histogram2d(x, y, bins=(3, 4))[2], F),
    ("hist2d_range", ["hx", "hy", "hw"],
     lambda x, y, w: np.histogram2d(x, y, 3, [[-1, 1], [-2, 2]], density=True, weights=w)[0], F),
    ("histdd", ["hs"], lambda s: np.histogramdd(s, bins=(2, 3, 2))[0], F),
    ("histdd_edges1", ["hs"], lambda s: np.histogramdd(s, bins=(2, 3, 2))[1][1], F),
    ("histdd_given", ["hs", "he0", "he1", "he2"],
     lambda s, e0, e1, e2: np.histogramdd(s, bins=[e0, e1, e2], density=True)[0], F),
]

DTYPES = [np.bool_, np.int32, np.int64, np.uint32, np.float32, np.float64]  # xjax's order
KINDS = ["bool", "signed integer", "unsigned integer", "integral", "real floating", "complex floating", "numeric"]
CATEGORIES = [np.generic, np.bool_, np.number, np.integer, np.signedinteger, np.unsignedinteger, np.inexact,
              np.floating, np.complexfloating]


def table(rows):
    return np.array([[float(v) for v in r] for r in rows])


TABLES = {
    "can_cast_" + c: table([[np.can_cast(f, t, casting=c) for t in DTYPES] for f in DTYPES])
    for c in ["no", "equiv", "safe", "same_kind", "unsafe"]
}
TABLES["isdtype"] = table([[np.isdtype(np.dtype(d), k) for k in KINDS] for d in DTYPES])
TABLES["issubdtype"] = table([[np.issubdtype(d, c) for c in CATEGORIES] for d in DTYPES])


def main():
    lines = [f"// Written by scripts/make_numpy_more_golden.py (numpy {np.__version__}); do not edit."]
    for k, v in IN.items():
        lines.append(entry("in_" + k, v, indent=""))
    with np.errstate(all="ignore"):
        for name, inputs, fn, dtypes in CASES:
            for d in dtypes:
                lines.append(entry(f"{name}|{d}", fn(*[cast(i, d) for i in inputs]), indent=""))
    for k, v in TABLES.items():
        lines.append(entry(k, v, indent=""))
    out = ROOT / "tests" / "golden" / "numpy_more.inc"
    write_inc(out, lines)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
