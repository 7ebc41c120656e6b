#!/usr/bin/python3
"""Writes the .npy fixtures that tests/test_npy.cpp loads (tests/data/*.npy), with numpy.

Usage:
  scripts/make_npy_fixtures.py            # (re)write the fixtures into tests/data
  scripts/make_npy_fixtures.py --check F  # load .npy files (e.g. written by xjax::save) with numpy, print them
The values are simple formulas that the C++ test recomputes; keep the two in sync.
"""
import pathlib
import sys

import numpy as np


def fixtures():
    return {
        # little-endian float64, C order
        "f8_2x3.npy": np.arange(6, dtype="<f8").reshape(2, 3) * 0.5 - 1.0,
        # big-endian int32, including the extremes
        "i4_big_endian.npy": np.array([1, -2, 300000, -2147483648, 2147483647], dtype=">i4"),
        # float32 in Fortran order: value 10 * i + j at [i, j]
        "f4_fortran_3x4.npy": np.asfortranarray(
            (10 * np.arange(3)[:, None] + np.arange(4)[None, :]).astype("<f4")),
        # big-endian float64 in Fortran order, 3-d: value 100 * i + 10 * j + k at [i, j, k]
        "f8_big_fortran_2x3x2.npy": np.asfortranarray(
            (100 * np.arange(2)[:, None, None] + 10 * np.arange(3)[None, :, None]
             + np.arange(2)[None, None, :]).astype(">f8")),
        # 0-d
        "f8_scalar.npy": np.array(3.25, dtype="<f8"),
        # bool
        "bool_2x2.npy": np.array([[True, False], [False, True]]),
        # zero-size uint32
        "u4_empty_0x3.npy": np.zeros((0, 3), dtype="<u4"),
        # int64 beyond 32 bits
        "i8_big.npy": np.array([2**40, -(2**40) - 1, 7], dtype="<i8"),
        # format version 2.0 (4-byte header length): float32 [0.5, 1.5, 2.5]
        "f4_version2.npy": (np.array([0.5, 1.5, 2.5], dtype="<f4"), (2, 0)),
        # an unsupported dtype (complex): loading must throw IOError
        "c16.npy": np.array([1 + 2j], dtype="<c16"),
    }


def write(out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, value in fixtures().items():
        value, version = value if isinstance(value, tuple) else (value, None)
        with open(out_dir / name, "wb") as f:
            np.lib.format.write_array(f, value, version=version)
        print(f"wrote {out_dir / name}: {value.dtype.str} {value.shape} fortran={np.isfortran(value)}")


def check(paths):
    ok = True
    for p in paths:
        try:
            a = np.load(p)
            print(f"{p}: {a.dtype.str} {a.shape}\n{a}")
        except Exception as e:  # noqa: BLE001 - report every unreadable file
            print(f"{p}: FAILED: {e}")
            ok = False
    return ok


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        sys.exit(0 if check(sys.argv[2:]) else 1)
    write(pathlib.Path(__file__).resolve().parent.parent / "tests" / "data")
