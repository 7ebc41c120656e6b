#!/usr/bin/env python3
"""Writes tests/golden/conv.inc: inputs, jax.lax.conv_general_dilated's results and the gradients
(jax.vjp with a fixed cotangent) of many convolution configurations, as C++ literals read by
tests/test_conv.cpp. Run it with jax installed (`pip install jax[cpu]`); the tests only read the
literals.

usage: golden_conv.py [OUTPUT]   (default tests/golden/conv.inc)
"""
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # golden_cpp, however this is run
from golden_cpp import entry, output_path, write_inc  # noqa: E402

import jax  # noqa: E402
from jax import lax  # noqa: E402

jax.config.update("jax_enable_x64", True)

# name: (lhs shape, rhs shape, keyword arguments of conv_general_dilated). Keep in step with
# tests/test_conv.cpp, which repeats the arguments.
CASES = {
    "c1d": ((2, 3, 7), (4, 3, 3), dict(window_strides=(1,), padding="VALID")),
    "c1d_same_s2": ((2, 3, 8), (2, 3, 4), dict(window_strides=(2,), padding="SAME")),
    "c1d_lower": ((1, 2, 6), (3, 2, 4), dict(window_strides=(1,), padding="SAME_LOWER")),
    "c2d_same": ((2, 3, 6, 5), (4, 3, 3, 3), dict(window_strides=(1, 1), padding="SAME")),
    "c2d_valid_s": ((2, 2, 7, 6), (3, 2, 3, 2), dict(window_strides=(2, 3), padding="VALID")),
    "c2d_pad": ((1, 2, 5, 5), (2, 2, 3, 3), dict(window_strides=(1, 2), padding=((2, 1), (0, 3)))),
    "c2d_negpad": ((1, 2, 6, 7), (2, 2, 2, 3), dict(window_strides=(1, 1), padding=((-1, 2), (1, -2)))),
    "c2d_lhsdil": ((1, 2, 4, 3), (3, 2, 3, 2), dict(window_strides=(1, 1), padding=((1, 1), (2, 0)),
                                                    lhs_dilation=(2, 3))),
    "c2d_rhsdil": ((2, 2, 8, 7), (2, 2, 3, 2), dict(window_strides=(1, 2), padding="SAME",
                                                    rhs_dilation=(2, 3))),
    "c2d_both_dil": ((1, 1, 5, 5), (2, 1, 2, 3), dict(window_strides=(2, 1), padding=((1, 2), (0, 1)),
                                                      lhs_dilation=(2, 1), rhs_dilation=(1, 2))),
    "c2d_groups": ((2, 6, 5, 4), (4, 3, 3, 2), dict(window_strides=(1, 1), padding="SAME",
                                                    feature_group_count=2)),
    "c2d_depthwise": ((2, 3, 5, 5), (6, 1, 3, 3), dict(window_strides=(1, 1), padding="SAME",
                                                       feature_group_count=3)),
    "c2d_batch_groups": ((4, 3, 5, 4), (6, 3, 2, 2), dict(window_strides=(1, 1), padding="VALID",
                                                          batch_group_count=2)),
    "c2d_nhwc": ((2, 5, 6, 3), (3, 3, 3, 4), dict(window_strides=(2, 1), padding="SAME",
                                                  dimension_numbers=("NHWC", "HWIO", "NHWC"))),
    "c2d_mixed_layout": ((5, 2, 4, 3), (2, 3, 4, 3), dict(window_strides=(1, 1), padding=((1, 0), (1, 1)),
                                                          dimension_numbers=("HNWC", "WIHO", "CHNW"))),
    "c3d": ((1, 2, 4, 5, 4), (3, 2, 2, 3, 2), dict(window_strides=(1, 2, 1), padding="SAME")),
    "c3d_ndhwc": ((2, 4, 3, 5, 2), (2, 3, 2, 2, 3), dict(window_strides=(2, 1, 1), padding="VALID",
                                                         rhs_dilation=(1, 1, 2),
                                                         dimension_numbers=("NDHWC", "DHWIO", "NDHWC"))),
    "c0d": ((3, 4), (2, 4), dict(window_strides=(), padding="VALID")),
    "c2d_big_window": ((1, 1, 3, 3), (1, 1, 5, 5), dict(window_strides=(1, 1), padding="VALID")),
}


def main():
    rng = np.random.default_rng(20)
    lines = ["// Written by scripts/golden_conv.py (jax %s); do not edit." % jax.__version__]
    for name, (ls, rs, kw) in CASES.items():
        lhs = np.round(rng.uniform(-1, 1, ls), 3)
        rhs = np.round(rng.uniform(-1, 1, rs), 3)
        out, vjp = jax.vjp(lambda a, b: lax.conv_general_dilated(a, b, **kw), lhs, rhs)
        ct = np.round(rng.uniform(-1, 1, out.shape), 3)
        g_lhs, g_rhs = vjp(ct)
        for suffix, v in (("lhs", lhs), ("rhs", rhs), ("out", out), ("ct", ct), ("glhs", g_lhs), ("grhs", g_rhs)):
            lines.append(entry(f"{name}_{suffix}", np.asarray(v), indent=""))
    # conv_transpose with each padding form, and lax.conv_transpose's transpose_kernel.
    lhs = np.round(rng.uniform(-1, 1, (1, 4, 5, 2)), 3)
    rhs = np.round(rng.uniform(-1, 1, (3, 3, 2, 3)), 3)
    lines.append(entry("tr_lhs", lhs, indent=""))
    lines.append(entry("tr_rhs", rhs, indent=""))
    for name, kw in {"tr_same": dict(padding="SAME"), "tr_valid": dict(padding="VALID"),
                     "tr_pairs": dict(padding=((1, 2), (0, 1))),
                     "tr_kernel": dict(padding="SAME", transpose_kernel=True)}.items():
        kernel = rhs if not kw.get("transpose_kernel") else np.round(rng.uniform(-1, 1, (3, 3, 3, 2)), 3)
        out = lax.conv_transpose(lhs, kernel, (2, 1), **kw)
        lines.append(entry(name + "_kernel", kernel, indent=""))
        lines.append(entry(name, np.asarray(out), indent=""))
    # integers wrap as jax's do.
    li = rng.integers(-5, 5, (1, 2, 4, 4)).astype(np.int32)
    ri = rng.integers(-5, 5, (2, 2, 2, 2)).astype(np.int32)
    lines.append(entry("int_lhs", li, indent=""))
    lines.append(entry("int_rhs", ri, indent=""))
    lines.append(entry("int_out", np.asarray(lax.conv_general_dilated(li, ri, (1, 1), "SAME")), indent=""))
    write_inc(output_path("tests/golden/conv.inc"), lines)


if __name__ == "__main__":
    main()
