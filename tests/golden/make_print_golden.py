#!/usr/bin/python3
# Writes print.inc: arrays and the text numpy's str() gives for them (numpy 2: `pip install numpy`).
# Each array is v[i] = ((i * a) % m - c) * scale in float64, cast to the dtype, with some elements
# replaced by specials; the test builds the same values and compares xjax's printing.
import numpy as np

DTYPES = {"f4": np.float32, "f8": np.float64, "i4": np.int32, "i8": np.int64, "u4": np.uint32, "b1": np.bool_}
cases = []
def case(dtype, shape, a=37, m=101, c=50, scale=1.0, specials=()):
    cases.append((dtype, shape, a, m, c, scale, specials))

for dtype in ("f4", "f8"):
    for scale in (1.0, 0.1, 0.25, 1e-3, 1e-5, 1e3, 1e7, 1e9, 3.7e-12, 1 / 3):
        case(dtype, (7,), scale=scale)
    case(dtype, (3, 4), scale=0.01)
    case(dtype, (2, 3, 4), scale=1.5)
    case(dtype, (2, 2, 2, 3), c=0, scale=2.0)
    case(dtype, (40,), scale=0.123)
    case(dtype, (40,), scale=1e-6)
    case(dtype, (12, 9), scale=1 / 7)
    case(dtype, (1001,), scale=0.5)
    case(dtype, (40, 30), scale=1e4)
    case(dtype, (3, 400), scale=1e-2)
    case(dtype, (5, 5, 50), scale=1.0)
    case(dtype, (6,), scale=1.0, specials=((1, "nan"),))
    case(dtype, (6,), scale=1e-9, specials=((0, "nan"), (5, "-inf")))
    case(dtype, (4,), scale=0.5, specials=((0, "nan"), (1, "inf"), (2, "-inf"), (3, "nan")))
    case(dtype, (5,), scale=1.0, specials=((2, "-0"),))
    case(dtype, (3,), m=1, c=0, scale=1.0)  # zeros
    case(dtype, (2, 2), scale=1e20)
    for value in (0.0, 1.0, -2.5, 1e-5, 1e-4, 3.14159265358979, 1e16, 1.5e300, 123456789.0, 0.1):
        case(dtype, (), a=0, m=1, c=-1, scale=value)
    case(dtype, (), a=0, m=1, c=0, specials=((0, "nan"),))
    case(dtype, (0,))
    case(dtype, (2, 0, 3))
for dtype in ("i4", "i8", "u4"):
    case(dtype, (7,), c=0)
    case(dtype, (3, 5), m=100000, c=0)
    case(dtype, (30, 40), m=1000, c=0)
    case(dtype, (), a=0, m=1, c=-42)
case("i4", (6,), m=20, c=10)
case("i8", (4,), a=123456789, m=10**12, c=0)
case("b1", (5,), m=2, c=0)
case("b1", (2, 3), m=3, c=0)
case("b1", (), a=0, m=1, c=-1)

def values(dtype, shape, a, m, c, scale, specials):
    n = int(np.prod(shape))
    ints = [(i * a) % m - c for i in range(n)]
    if dtype == "b1":
        return np.array([k > 0 for k in ints], dtype=np.bool_).reshape(shape)
    if dtype in ("i4", "i8", "u4"):
        return np.array(ints, dtype=np.int64).astype(DTYPES[dtype]).reshape(shape)
    v = np.array([float(k) * scale for k in ints], dtype=np.float64)
    for index, kind in specials:
        v[index] = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf, "-0": -0.0}[kind]
    return v.astype(DTYPES[dtype]).reshape(shape)

with open("print.inc", "w") as out:
    out.write("// Made by make_print_golden.py with numpy %s. Do not edit.\n" % np.__version__)
    for dtype, shape, a, m, c, scale, specials in cases:
        text = str(values(dtype, shape, a, m, c, scale, specials))
        sp = ", ".join('{%d, "%s"}' % s for s in specials)
        out.write('{"%s", {%s}, %d, %d, %d, %r, {%s}, R"xjax(%s)xjax"},\n'
                  % (dtype, ", ".join(map(str, shape)), a, m, c, scale, sp, text))
