#!/usr/bin/env python3
"""Regenerates the golden data of the callable and host-I/O functions:

- the block between "// BEGIN GOLDEN" and "// END GOLDEN" of tests/test_host_io.cpp: numpy's str()
  and jax's repr() of small arrays under print options;
- the same block of tests/test_vectorize.cpp: numpy's apply_along_axis, apply_over_axes,
  fromfunction, piecewise, mask_indices, vectorize and a frompyfunc ufunc on fixed inputs;
- tests/data/numpy_savez.npz (numpy.savez) and tests/data/numpy_savez_compressed.npz.

Run it with numpy and jax installed: `python3 scripts/make_host_io_golden.py` from the repository
root. The tests only read the committed literals and files.
"""
import pathlib
import sys

import numpy as np
import jax
import jax.numpy as jnp

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # golden_cpp, however this is run
from golden_cpp import ROOT, entry, replace_block, shape_list, table, value_list  # noqa: E402

jax.config.update("jax_enable_x64", True)


def cstr(s):
    return 'R"xjax(' + s + ')xjax"'


# ---- printing ----
DTYPES = {"f4": np.float32, "f8": np.float64, "i4": np.int32, "i8": np.int64, "u4": np.uint32, "b1": np.bool_}
DEFAULTS = dict(precision=8, threshold=1000, edgeitems=3, linewidth=75, suppress=False, nanstr="nan",
                infstr="inf", sign="-", floatmode="maxprec")
mixed = [1.123456789, -22.5, 0.0625, 3.0, -0.25]
tiny = [1e-9, 1.5, -2.25, 3e-7]
large = [1.5e10, -2.0, 3.25e-3]
specials = [1.5, float("nan"), -float("inf"), float("inf"), -0.5]
ramp = list(np.arange(-10, 12) * 0.75)
PRINT_CASES = [
    # (dtype, shape, data, weak, options)
    ("f8", [5], mixed, False, {}),
    ("f8", [5], mixed, False, dict(precision=3)),
    ("f4", [5], mixed, False, dict(precision=0)),
    ("f8", [4], tiny, False, {}),
    ("f8", [4], tiny, False, dict(suppress=True)),
    ("f8", [4], tiny, False, dict(suppress=True, precision=4)),
    ("f8", [3], large, False, dict(precision=2)),
    ("f8", [3], large, False, dict(suppress=True)),
    ("f8", [22], ramp, False, dict(threshold=10)),
    ("f8", [22], ramp, False, dict(threshold=10, edgeitems=1)),
    ("f4", [2, 11], ramp, False, dict(threshold=5, edgeitems=2)),
    ("f8", [22], ramp, False, dict(linewidth=30)),
    ("f8", [2, 11], ramp, False, dict(linewidth=40, precision=2)),
    ("f8", [5], specials, False, dict(nanstr="NaN", infstr="Inf")),
    ("f8", [5], specials, False, dict(nanstr="not-a-number", sign="+")),
    ("f8", [5], mixed, False, dict(sign="+")),
    ("f8", [3], [1.5, 2.0, 0.25], False, dict(sign=" ")),
    ("f8", [3], [1.5, -2.0, 0.25], False, dict(sign=" ")),
    ("f8", [5], mixed, False, dict(floatmode="fixed", precision=4)),
    ("f8", [5], mixed, False, dict(floatmode="maxprec_equal", precision=4)),
    ("f8", [5], mixed, False, dict(floatmode="unique", precision=2)),
    ("f8", [4], tiny, False, dict(floatmode="fixed", precision=3)),
    ("f8", [4], tiny, False, dict(floatmode="unique")),
    ("f4", [3], [0.1, 0.2, 0.3], False, dict(floatmode="fixed", precision=10)),
    ("i4", [5], [3, -12, 0, 7, 100], False, {}),
    ("i4", [5], [3, -12, 0, 7, 100], False, dict(sign="+")),
    ("i8", [3], [3, 12, 0], False, dict(sign=" ")),
    ("u4", [30], list(range(0, 300, 10)), False, dict(threshold=20, linewidth=40)),
    ("b1", [2, 3], [1, 0, 1, 0, 0, 1], False, {}),
    ("f4", [40], list(range(40)), False, {}),
    ("f4", [2, 2, 3], [0.5, -1, 2, 3.25, 4, 5, 6, 7, 8, -9, 10, 11], False, {}),
    ("f8", [], [2.5], False, {}),
    ("f8", [], [2.0], True, {}),
    ("f8", [], [1.123456789], False, dict(precision=3)),
    ("i4", [], [7], False, {}),
    ("b1", [], [1], False, {}),
    ("f4", [0, 3], [], False, {}),
    ("i4", [0], [], False, {}),
    ("i4", [3], [0, 1, 2], False, dict(linewidth=1)),
    ("f8", [3], [0, 1, 2], False, dict(linewidth=1)),
    ("f8", [3, 4], ramp[:12], False, dict(threshold=0, edgeitems=1)),
    ("f4", [3, 2, 5], ramp + ramp[:8], False, dict(threshold=10, edgeitems=1, precision=1)),
    ("f8", [5], specials, False, dict(floatmode="fixed", precision=2, infstr="Infinity")),
    ("f8", [4], [0.5, -0.0, 0.0, 2.0], False, dict(sign="+")),
    ("f8", [3], [1e-5, 1e-6, 1e-7], False, dict(sign=" ", floatmode="maxprec_equal")),
]

FLOATMODE = {"maxprec": "maxprec", "maxprec_equal": "maxprec_equal", "fixed": "fixed", "unique": "unique"}


def cpp_options(opts):
    o = dict(DEFAULTS, **opts)
    return ("{.precision = %d, .threshold = %d, .edgeitems = %d, .linewidth = %d, .suppress = %s, "
            ".nanstr = \"%s\", .infstr = \"%s\", .sign = '%s', .floatmode = xj::FloatMode::%s}" % (
                o["precision"], o["threshold"], o["edgeitems"], o["linewidth"], "true" if o["suppress"] else "false",
                o["nanstr"], o["infstr"], o["sign"], FLOATMODE[o["floatmode"]]))


def print_lines():
    lines = [f"// numpy {np.__version__}, jax {jax.__version__}: str() under np.printoptions, repr() of the jax array."]
    lines.append("const PrintCase print_cases[] = {")
    for dtype, shape, data, weak, opts in PRINT_CASES:
        a = np.array(data, dtype=np.float64).astype(DTYPES[dtype]).reshape(shape)
        with np.printoptions(**dict(DEFAULTS, **opts)):
            s = str(a)
            j = jax.device_put(a.item()) if weak else jnp.asarray(a)
            if weak:
                assert j.weak_type and j.dtype == np.float64, j
            r = repr(j)
        lines.append(f'  {{"{dtype}", {{{shape_list(shape)}}}, {{{value_list(data)}}}, {"true" if weak else "false"}, '
                     f'{cpp_options(opts)},')
        lines.append(f"   {cstr(s)},")
        lines.append(f"   {cstr(r)}}},")
    lines.append("};")
    return lines


# ---- functions taking callables ----
def vectorize_lines():
    a = np.round(np.random.default_rng(5).uniform(-2, 2, (2, 3, 4)), 3)
    x = np.array([-2.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0])
    m = np.round(np.random.default_rng(6).uniform(-1, 1, (2, 3, 2)), 3)
    w = np.array([0.5, -1.5])
    out = {
        "in_a": a,
        "in_x": x,
        "in_m": m,
        "in_w": w,
        "along_sum_max_0": np.apply_along_axis(lambda r: np.array([r.sum(), r.max()]), 0, a),
        "along_sum_max_1": np.apply_along_axis(lambda r: np.array([r.sum(), r.max()]), 1, a),
        "along_sum_max_2": np.apply_along_axis(lambda r: np.array([r.sum(), r.max()]), 2, a),
        "along_sumsq_1": np.apply_along_axis(lambda r: (r ** 2).sum(), 1, a),
        "along_outer_1": np.apply_along_axis(lambda r: np.outer(r, r[:2]), 1, a),
        "over_sum_02": np.apply_over_axes(np.sum, a, [0, 2]),
        "over_max_1m1": np.apply_over_axes(lambda v, ax: np.max(v, ax), a, [1, -1]),
        "fromfunction_ij": np.fromfunction(lambda i, j: i * 10 + j, (3, 4)),
        "fromfunction_ijk": np.fromfunction(lambda i, j, k: i - j * k + 0.5, (2, 3, 2)),
        "piecewise_default": np.piecewise(x, [x < 0, x > 1], [lambda v: -v, lambda v: v ** 2, 0.5]),
        "piecewise_overlap": np.piecewise(x, [x < 1, x > 0], [lambda v: v * 10, lambda v: v - 100]),
        "piecewise_int": np.asarray(jnp.piecewise(jnp.arange(-4, 5), [jnp.arange(-4, 5) < 0, jnp.arange(-4, 5) > 0],
                                                  [lambda v: v * 3, lambda v: v // 2, -1])),
        "vectorize_where": np.vectorize(lambda p, q: p * q if p > q else p - q)(a, x[:4]),
        "vectorize_matvec": np.vectorize(lambda mm, ww: mm @ ww, signature="(m,n),(n)->(m)")(m, w),
    }
    uf = np.frompyfunc(lambda p, q: p * q + 1.0, 2, 1)
    b = a[0]
    out["ufunc_outer"] = uf.outer(x[:3], b[:2]).astype(np.float64)
    out["ufunc_reduce_1"] = uf.reduce(a, axis=1).astype(np.float64)
    juf = jnp.frompyfunc(lambda p, q: p * q + 1.0, 2, 1)  # numpy reduces such a ufunc over one axis only
    out["ufunc_reduce_none_keep"] = np.asarray(juf.reduce(jnp.asarray(b), axis=None, keepdims=True))
    out["ufunc_reduce_initial_0"] = uf.reduce(a, axis=0, initial=0.5).astype(np.float64)
    out["ufunc_accumulate_2"] = uf.accumulate(a, axis=2).astype(np.float64)
    out["ufunc_accumulate_m2"] = uf.accumulate(a, axis=-2).astype(np.float64)
    for name, (fn, k, n) in {"mask_triu_1": (np.triu, 1, 4), "mask_tril_m1": (np.tril, -1, 3)}.items():
        i, j = np.mask_indices(n, fn, k)
        out[name + "_rows"], out[name + "_cols"] = i, j
    return table(f"// numpy {np.__version__}; inputs are the in_* entries.", [entry(k, v) for k, v in out.items()])


def write_npz():
    data = ROOT / "tests" / "data"
    np.savez(data / "numpy_savez.npz",
             np.arange(6, dtype=np.float32).reshape(2, 3),
             counts=np.array([1, -2, 3], dtype=np.int64),
             flags=np.array([[True, False, True]]),
             scalar=np.float64(2.5),
             empty=np.zeros((0, 2), dtype=np.uint32),
             fortran=np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)))
    np.savez_compressed(data / "numpy_savez_compressed.npz", a=np.arange(3.0))


if __name__ == "__main__":
    replace_block(ROOT / "tests" / "test_host_io.cpp", print_lines())
    replace_block(ROOT / "tests" / "test_vectorize.cpp", vectorize_lines())
    write_npz()
