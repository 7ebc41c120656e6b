#!/usr/bin/python3
# Writes print_half.inc: float16 and bfloat16 arrays and the text numpy's str() gives for them
# (bfloat16 from ml_dtypes, the type JAX uses; `pip install numpy ml_dtypes`). The values are built
# as in make_print_golden.py: v[i] = ((i * a) % m - c) * scale in float64, cast to the dtype.
import ml_dtypes
import numpy as np

DTYPES = {"f2": np.float16, "bf2": ml_dtypes.bfloat16}
cases = []
def case(dtype, shape, a=37, m=101, c=50, scale=1.0, specials=()):
    cases.append((dtype, shape, a, m, c, scale, specials))

for dtype in DTYPES:
    for scale in (1.0, 0.1, 0.25, 1e-3, 1e-5, 1e3, 1 / 3, 1e-7):
        case(dtype, (7,), scale=scale)
    case(dtype, (3, 4), scale=0.01)
    case(dtype, (2, 3, 4), scale=1.5)
    case(dtype, (40,), scale=0.123)
    case(dtype, (12, 9), scale=1 / 7)
    case(dtype, (1001,), scale=0.5)
    case(dtype, (6,), scale=1e-9, specials=((0, "nan"), (5, "-inf")))
    case(dtype, (4,), scale=0.5, specials=((0, "nan"), (1, "inf"), (2, "-inf"), (3, "nan")))
    case(dtype, (5,), scale=1.0, specials=((2, "-0"),))
    case(dtype, (2, 2), scale=1e4)  # float16 overflows to inf above 65504
    for value in (0.0, 1.0, -2.5, 1e-5, 3.14159265358979, 65504.0, 123456789.0, 0.1):
        case(dtype, (), a=0, m=1, c=-1, scale=value)
    case(dtype, (), a=0, m=1, c=0, specials=((0, "nan"),))

def values(dtype, shape, a, m, c, scale, specials):
    n = int(np.prod(shape))
    v = np.array([float((i * a) % m - c) * scale for i in range(n)], dtype=np.float64)
    for index, kind in specials:
        v[index] = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf, "-0": -0.0}[kind]
    return v.astype(DTYPES[dtype]).reshape(shape)

with open("print_half.inc", "w") as out:
    out.write("// Made by make_print_half_golden.py with numpy %s and ml_dtypes %s. Do not edit.\n"
              % (np.__version__, ml_dtypes.__version__))
    for dtype, shape, a, m, c, scale, specials in cases:
        text = str(values(dtype, shape, a, m, c, scale, specials))
        sp = ", ".join('{%d, "%s"}' % s for s in specials)
        out.write('{"%s", {%s}, %d, %d, %d, %r, {%s}, R"xjax(%s)xjax"},\n'
                  % (dtype, ", ".join(map(str, shape)), a, m, c, scale, sp, text))
