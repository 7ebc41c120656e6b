#!/usr/bin/env python3
"""Writes tests/golden/numpy_sets.inc: the inputs and the results of numpy's unique, nonzero, bincount,
compress, set operations and trim_zeros (eager, exact sizes), and of jax.numpy's sized forms under jit
(size= / fill_value= padding), as C++ literals read by tests/test_numpy_sets.cpp.

usage: python3 scripts/make_sets_golden.py [OUTPUT]   (needs numpy and jax[cpu]; the tests do not)
"""
import pathlib
import sys

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # golden_cpp, however this is run
from golden_cpp import named_entries, output_path, write_inc  # noqa: E402

nan = np.nan
IN = {
    "u": np.array([[3.0, 1.0, nan], [2.0, 1.0, nan], [3.0, -0.5, 2.0]]),
    "ui": np.array([[4, 1, 4], [0, 1, 7]]),
    "rows": np.array([[1.0, 2.0, 3.0], [0.0, 5.0, 1.0], [1.0, 2.0, 3.0], [0.0, 5.0, 0.0]]),
    "nz": np.array([[[0.0, 1.5], [0.0, 0.0], [2.0, 0.0]], [[0.0, 0.0], [-1.0, 3.0], [0.0, 0.0]]]),
    "bc": np.array([0, 3, 1, 3, 3, 7]),
    "bw": np.array([0.5, 1.0, 2.0, -1.0, 0.25, 4.0]),
    "a": np.arange(12.0).reshape(3, 4) - 5.0,
    "cond": np.array([1, 0, 1, 1]),
    "s1": np.array([5.0, 1.0, 3.0, 3.0, 7.0, 1.0, 9.0]),
    "s2": np.array([[3.0, 4.0], [9.0, 10.0], [1.0, 0.0]]),
    "tz": np.array([0.0, 0.0, 1.5, 0.0, 2.0, 0.0, 0.0]),
    "tz2": np.array([[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0]]),
}
u, ui, rows, nz = IN["u"], IN["ui"], IN["rows"], IN["nz"]
s1, s2 = IN["s1"], IN["s2"]
ua = np.unique_all(u)
OUT = {
    "unique": np.unique(u),
    "unique_int": np.unique(ui),
    "unique_nan_distinct": np.unique(u, equal_nan=False),
    "unique_axis0": np.unique(rows, axis=0),
    "unique_axis1": np.unique(rows.T, axis=1),
    "unique_all_values": ua.values,
    "unique_all_indices": ua.indices,
    "unique_all_inverse": ua.inverse_indices,
    "unique_all_counts": ua.counts,
    "nonzero_0": np.nonzero(nz)[0],
    "nonzero_1": np.nonzero(nz)[1],
    "nonzero_2": np.nonzero(nz)[2],
    "flatnonzero": np.flatnonzero(nz),
    "argwhere": np.argwhere(nz),
    "bincount": np.bincount(IN["bc"]),
    "bincount_w": np.bincount(IN["bc"], IN["bw"]),
    "bincount_min": np.bincount(IN["bc"], minlength=11),
    "compress_1": np.compress(IN["cond"], IN["a"], axis=1),
    "compress_0": np.compress(IN["cond"][:2], IN["a"], axis=0),
    "compress_flat": np.compress(IN["cond"], IN["a"]),
    "extract": np.extract(IN["a"] > 1.5, IN["a"]),
    "intersect1d": np.intersect1d(s1, s2),
    "setdiff1d": np.setdiff1d(s1, s2),
    "setdiff1d_unique": np.setdiff1d(np.array([5.0, 1.0, 3.0, 7.0]), s2, assume_unique=True),
    "setxor1d": np.setxor1d(s1, s2),
    "union1d": np.union1d(s1, s2),
    "trim_fb": np.trim_zeros(IN["tz"]),
    "trim_f": np.trim_zeros(IN["tz"], "f"),
    "trim_b": np.trim_zeros(IN["tz"], "b"),
    "trim_2d": np.trim_zeros(IN["tz2"]),
}
# jax.numpy's sized forms under jit: padding and truncation.
def jitted(f, *args):
    return np.asarray(jax.jit(f)(*args))
SIZED = {
    "sized_unique_8": jitted(lambda x: jnp.unique(x, size=8), u),
    "sized_unique_2": jitted(lambda x: jnp.unique(x, size=2), u),
    "sized_unique_fill": jitted(lambda x: jnp.unique(x, size=7, fill_value=-9.0), u),
    "sized_unique_axis0": jitted(lambda x: jnp.unique(x, axis=0, size=4), rows),
    "sized_unique_all_indices": jitted(lambda x: jnp.unique_all(x, size=10).indices, u),
    "sized_unique_all_counts": jitted(lambda x: jnp.unique_all(x, size=10).counts, u),
    "sized_unique_all_values": jitted(lambda x: jnp.unique_all(x, size=10).values, u),
    "sized_unique_counts_3": jitted(lambda x: jnp.unique_counts(x, size=3).counts, u),
    "sized_nonzero_1": jitted(lambda x: jnp.nonzero(x, size=6)[1], nz),
    "sized_nonzero_fill": jitted(lambda x: jnp.nonzero(x, size=6, fill_value=-1)[2], nz),
    "sized_argwhere": jitted(lambda x: jnp.argwhere(x, size=5), nz),
    "sized_flatnonzero_2": jitted(lambda x: jnp.flatnonzero(x, size=2), nz),
    "sized_bincount_5": jitted(lambda x: jnp.bincount(x, length=5), IN["bc"]),
    "sized_compress": jitted(lambda c, a: jnp.compress(c, a, axis=1, size=4, fill_value=7.0), IN["cond"], IN["a"]),
    "sized_extract": jitted(lambda a: jnp.extract(a > 1.5, a, size=12), IN["a"]),
    "sized_intersect1d": jitted(lambda a, b: jnp.intersect1d(a, b, size=6), s1, s2),
    "sized_intersect1d_fill": jitted(lambda a, b: jnp.intersect1d(a, b, size=6, fill_value=-2.0), s1, s2),
    "sized_setdiff1d": jitted(lambda a, b: jnp.setdiff1d(a, b, size=5), s1, s2),
    "sized_setxor1d": jitted(lambda a, b: jnp.setxor1d(a, b, size=9), s1, s2),
    "sized_union1d": jitted(lambda a, b: jnp.union1d(a, b, size=12), s1, s2),
    "sized_union1d_3": jitted(lambda a, b: jnp.union1d(a, b, size=3), s1, s2),
}


def main():
    out = output_path("tests/golden/numpy_sets.inc")
    lines = [f"// Written by scripts/make_sets_golden.py (numpy {np.__version__}, jax {jax.__version__}); do not edit.",
             "// in_*: inputs; sized_*: jax.numpy under jit with size=; the rest: numpy, eager."]
    lines += named_entries(IN, OUT, SIZED)
    write_inc(out, lines)


if __name__ == "__main__":
    main()
