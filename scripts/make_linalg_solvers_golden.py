#!/usr/bin/env python3
"""Regenerates the golden block of tests/test_linalg_solvers.cpp: the inputs and scipy.linalg's
results for cho_solve, lu_factor/lu_solve and expm, as C++ literals between the lines
"// BEGIN GOLDEN" and "// END GOLDEN". Run it with numpy and scipy installed
(`pip install numpy scipy`); the tests only read the literals.

usage: make_linalg_solvers_golden.py [TEST_SOURCE]
"""
import pathlib
import sys

import numpy as np
import scipy
import scipy.linalg as sl

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # golden_cpp, however this is run
from golden_cpp import named_entries, output_path, replace_block, table  # noqa: E402

rng = np.random.default_rng(20261206)


def rand(*shape, scale=1.0):
    return np.round(rng.uniform(-1, 1, shape) * scale, 3)


IN, OUT = {}, {}

# Symmetric positive-definite matrices (one, and a batch of two) with right-hand sides.
m4 = rand(4, 4)
IN["spd4"] = spd4 = np.round(m4 @ m4.T + 4 * np.eye(4), 3)
m3 = rand(2, 3, 3)
IN["spd23"] = spd23 = np.round(m3 @ m3.transpose(0, 2, 1) + 3 * np.eye(3), 3)
IN["b4"] = b4 = rand(4)
IN["b42"] = b42 = rand(4, 2)
IN["b232"] = b232 = rand(2, 3, 2)
L4 = np.linalg.cholesky(spd4)
OUT["cho_vec"] = sl.cho_solve((L4, True), b4)
OUT["cho_mat"] = sl.cho_solve((L4, True), b42)
OUT["cho_upper"] = sl.cho_solve((L4.T, False), b42)
OUT["cho_batch"] = np.stack([sl.cho_solve((np.linalg.cholesky(spd23[i]), True), b232[i]) for i in range(2)])

# General square matrices for LU.
IN["g4"] = g4 = rand(4, 4)
IN["g23"] = g23 = rand(2, 3, 3)
IN["g34"] = g34 = rand(3, 4)
lu, piv = sl.lu_factor(g4)
OUT["lu4"], OUT["piv4"] = lu, piv
lu, piv = sl.lu_factor(g34)
OUT["lu34"], OUT["piv34"] = lu, piv
for t in (0, 1, 2):
    OUT[f"lu_solve_vec_t{t}"] = sl.lu_solve(sl.lu_factor(g4), b4, trans=t)
    OUT[f"lu_solve_mat_t{t}"] = sl.lu_solve(sl.lu_factor(g4), b42, trans=t)
OUT["lu_solve_batch"] = np.stack([sl.lu_solve(sl.lu_factor(g23[i]), b232[i]) for i in range(2)])
OUT["lu_solve_batch_t1"] = np.stack([sl.lu_solve(sl.lu_factor(g23[i]), b232[i], trans=1) for i in range(2)])

# expm: norms that reach every Pade degree and several squarings, a nilpotent and a batch.
base = rand(3, 3)
base = base / np.abs(base).sum(axis=0).max()  # 1-norm one
for name, norm in [("e_tiny", 0.01), ("e_small", 0.2), ("e_mid", 0.8), ("e_two", 1.9), ("e_five", 4.0),
                   ("e_big", 40.0), ("e_huge", 300.0)]:
    IN[name] = a = np.round(base * norm, 6)
    OUT["expm_" + name] = sl.expm(a)
IN["e_nil"] = nil = np.triu(rand(4, 4, scale=3.0), 1)
OUT["expm_e_nil"] = sl.expm(nil)
IN["e_batch"] = eb = np.stack([rand(2, 2, scale=0.1), rand(2, 2, scale=2.0), rand(2, 2, scale=30.0)]).reshape(3, 1, 2, 2)
OUT["expm_e_batch"] = np.stack([sl.expm(eb[i, 0]) for i in range(3)]).reshape(3, 1, 2, 2)
IN["e_one"] = e1 = np.array([[2.5]])
OUT["expm_e_one"] = sl.expm(e1)


def main():
    path = output_path("tests/test_linalg_solvers.cpp")
    replace_block(path, table(f"// scipy {scipy.__version__}; inputs are the in_* entries.", named_entries(IN, OUT)))
    print(f"wrote {len(IN)} inputs and {len(OUT)} results into {path}")


if __name__ == "__main__":
    main()
