#!/usr/bin/env python3
"""Regenerates the golden block of tests/test_einsum.cpp: the inputs, numpy.einsum's results for
the examples of numpy's einsum documentation (and a few more) and numpy.einsum_path's optimal
orders, as C++ literals between the lines "// BEGIN GOLDEN" and "// END GOLDEN". Run it with
numpy installed (`pip install numpy`); the tests only read the literals.

usage: make_einsum_golden.py [TEST_SOURCE]
"""
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # golden_cpp, however this is run
from golden_cpp import golden, output_path, replace_block, table  # noqa: E402

IN = {
    "a": np.arange(25).reshape(5, 5),
    "b": np.arange(5),
    "c": np.arange(6).reshape(2, 3),
    "s": np.array(3),
    "t3": np.arange(60).reshape(3, 4, 5),
    "t4": np.arange(24).reshape(4, 3, 2),
    "bat1": np.arange(24).reshape(2, 3, 4) % 7 - 3,
    "bat2": np.arange(40).reshape(2, 4, 5) % 5 - 2,
    "m1": np.arange(6).reshape(2, 3) - 2,
    "m2": np.arange(12).reshape(3, 4) % 5,
    "m3": np.arange(20).reshape(4, 5) % 3 - 1,
    "row": np.array([[1, -2, 3]]),
    "cube": np.arange(27).reshape(3, 3, 3),
    "stack": np.arange(18).reshape(2, 3, 3),
}

# (name, subscripts, inputs); numpy's own einsum computes each result.
CASES = [
    ("trace", "ii", ["a"]),
    ("trace_explicit", "ii->", ["a"]),
    ("diagonal", "ii->i", ["a"]),
    ("sum_axis", "ij->i", ["a"]),
    ("sum_ellipsis", "...j->...", ["a"]),
    ("transpose", "ji", ["c"]),
    ("transpose_explicit", "ij->ji", ["c"]),
    ("inner", "i,i", ["b", "b"]),
    ("matvec", "ij,j", ["a", "b"]),
    ("matvec_ellipsis", "...j,j", ["a", "b"]),
    ("scalar_times", "..., ...", ["s", "c"]),
    ("scalar_times_ij", ",ij", ["s", "c"]),
    ("outer", "i,j", ["b", "b"]),
    ("tensordot", "ijk,jil->kl", ["t3", "t4"]),
    ("matmul", "ij,jk->ik", ["m1", "m2"]),
    ("matmul_implicit", "ij,jk", ["m1", "m2"]),
    ("batched_matmul", "bij,bjk->bik", ["bat1", "bat2"]),
    ("batched_ellipsis", "...ij,...jk->...ik", ["bat1", "bat2"]),
    ("three", "ij,jk,kl->il", ["m1", "m2", "m3"]),
    ("three_sum", "ij,jk,kl->", ["m1", "m2", "m3"]),
    ("three_reordered", "kl,ij,jk->li", ["m3", "m1", "m2"]),
    ("broadcast_one", "ij,ij->ij", ["row", "m1"]),
    ("broadcast_contract", "ij,ij->i", ["row", "m1"]),
    ("implicit_sorted", "ba", ["c"]),
    ("uppercase", "Ab,bC->CA", ["m1", "m2"]),
    ("triple_diagonal", "iii->i", ["cube"]),
    ("batched_diagonal", "...ii->...i", ["stack"]),
    ("batched_trace", "bii->b", ["stack"]),
    ("diag_then_contract", "ii,i->i", ["a", "b"]),
    ("sum_all", "ij->", ["m1"]),
    ("mixed_keep", "ij,jk->ijk", ["m1", "m2"]),
]

# Optimal contraction orders (numpy's convention: positions in the current operand list).
PATHS = [
    ("path_chain", "ij,jk,kl->il", [(30, 2), (2, 30), (30, 3)]),
    ("path_chain4", "ij,jk,kl,lm->im", [(2, 40), (40, 2), (2, 40), (40, 3)]),
    ("path_outer_last", "i,ij,jk->k", [(50,), (50, 4), (4, 60)]),
]


def main():
    path = output_path("tests/test_einsum.cpp")
    lines = table(f"// numpy {np.__version__}.", [f'    {{"{k}", {golden(v)}}},' for k, v in IN.items()], "inputs")
    lines += ["const std::vector<EinsumCase>& cases() {", "  static const std::vector<EinsumCase> table = {"]
    for name, subs, ins in CASES:
        want = np.einsum(subs, *[IN[i] for i in ins])
        names = ", ".join(f'"{i}"' for i in ins)
        lines.append(f'    {{"{name}", "{subs}", {{{names}}}, {golden(want)}}},')
    lines += ["  };", "  return table;", "}", "const std::vector<PathCase>& paths() {",
              "  static const std::vector<PathCase> table = {"]
    for name, subs, shapes in PATHS:
        ops = [np.ones(s) for s in shapes]
        order = np.einsum_path(subs, *ops, optimize="optimal")[0][1:]
        shp = ", ".join("{" + ", ".join(map(str, s)) + "}" for s in shapes)
        pairs = ", ".join("{" + ", ".join(map(str, p)) + "}" for p in order)
        lines.append(f'    {{"{name}", "{subs}", {{{shp}}}, {{{pairs}}}}},')
    lines += ["  };", "  return table;", "}"]
    replace_block(path, lines)
    print(f"wrote {len(IN)} inputs, {len(CASES)} results and {len(PATHS)} paths into {path}")


if __name__ == "__main__":
    main()
