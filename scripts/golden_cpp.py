"""C++ literals for the golden values of the tests, shared by the scripts/make_*_golden.py scripts.

A golden array is written as {{shape}, {values}} (tests/golden.hpp's Golden): float64 values, with
NaN and infinity spelled kNan and kInf. The scripts write them either into a tests/golden/*.inc
file or between the lines "// BEGIN GOLDEN" and "// END GOLDEN" of a test source.
"""
import math
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent


def output_path(default):
    """The path given as the script's first argument, else `default` under the repository root."""
    return pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / default


def num(v):
    """A double as a C++ literal: shortest round-trip digits, or kNan / kInf / -kInf."""
    v = float(v)
    if math.isnan(v):
        return "kNan"
    if math.isinf(v):
        return "kInf" if v > 0 else "-kInf"
    return repr(v)


def shape_list(shape):
    return ", ".join(str(d) for d in shape)


def value_list(x):
    """The elements of x, row-major, as float64 literals separated by commas."""
    return ", ".join(num(v) for v in np.asarray(x, dtype=np.float64).ravel())


def golden(x):
    """{{shape}, {values}}: a Golden initializer."""
    x = np.asarray(x)
    return f"{{{{{shape_list(x.shape)}}}, {{{value_list(x)}}}}}"


def entry(name, x, indent="    "):
    """One {"name", Golden} line of a std::map<std::string, Golden> initializer."""
    return f'{indent}{{"{name}", {golden(x)}}},'


def named_entries(inputs, *results):
    """Entries of the inputs (named in_*), then of each dict of results."""
    return [entry("in_" + k, v) for k, v in inputs.items()] + [entry(k, v) for r in results for k, v in r.items()]


def table(header, entries, function="golden_table"):
    """The lines of `function`, returning a static std::map<std::string, Golden> of the entries."""
    return [header,
            f"const std::map<std::string, Golden>& {function}() {{",
            "  static const std::map<std::string, Golden> table = {",
            *entries,
            "  };", "  return table;", "}"]


def bits(name, x):
    """{"name", xj::dtype, {shape}, {values}}: exact values, float bit patterns in hex and integers in
    decimal (negative ones as their uint64 pattern)."""
    x = np.asarray(x)
    flat = x.reshape(-1)
    if x.dtype == np.float32:
        vals = ["0x%08x" % v for v in flat.view(np.uint32)]
    elif x.dtype == np.float64:
        vals = ["0x%016x" % v for v in flat.view(np.uint64)]
    elif x.dtype in (np.int32, np.int64):
        vals = ["static_cast<std::uint64_t>(%d)" % v if v < 0 else "%d" % v for v in flat]
    else:
        raise TypeError(f"{name}: unexpected dtype {x.dtype}")
    dtype = {np.float32: "float32", np.float64: "float64", np.int32: "int32", np.int64: "int64"}[x.dtype.type]
    return '{"%s", xj::%s, {%s}, {%s}},' % (name, dtype, shape_list(x.shape), ", ".join(vals))


def replace_block(path, lines):
    """Puts lines between "// BEGIN GOLDEN" and "// END GOLDEN" of the file at path."""
    path = pathlib.Path(path)
    text = path.read_text()
    begin, end = text.index("// BEGIN GOLDEN\n"), text.index("// END GOLDEN")
    path.write_text(text[:begin] + "// BEGIN GOLDEN\n" + "\n".join(lines) + "\n" + text[end:])


def write_inc(path, lines):
    """Writes lines as the .inc file at path."""
    pathlib.Path(path).write_text("\n".join(lines) + "\n")
