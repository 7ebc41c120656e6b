"""Golden values of jax.lax.reduce_window and flax-style max/avg pooling for tests/test_pooling.cpp.

Run: /path/to/python-with-jax scripts/golden_pooling.py [output]   (default tests/golden/pooling.inc)
Each case records its input, the window configuration, jax's output and, where jax differentiates
it, the gradient of sum(output * cotangent) for a fixed cotangent.
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from golden_cpp import output_path, shape_list, value_list

jax.config.update("jax_enable_x64", True)

OPS = {"sum": (lax.add, 0.0), "max": (lax.max, -np.inf), "min": (lax.min, np.inf)}


def inputs(shape, kind):
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.float64)
    if kind == "ties":  # few distinct values: many windows hold several maxima
        v = np.round(2 * np.sin(0.9 * i))
    elif kind == "int":
        v = np.round(7 * np.sin(1.7 * i))
    elif kind == "bool":
        v = (np.sin(2.1 * i) > 0.2).astype(np.float64)
    else:
        v = np.round(2 * np.sin(1.3 * i + 0.4), 3)
    return v.reshape(shape)


def cotangent(shape):
    return np.round(np.cos(0.7 * np.arange(int(np.prod(shape)))) + 1.1, 3).reshape(shape)


def flax_pool(x, init, op, window, strides, padding):
    """flax.linen.pooling.pool on (batch..., spatial..., features) input."""
    nb = x.ndim - len(window) - 1
    dims = (1,) * nb + tuple(window) + (1,)
    st = (1,) * nb + tuple(strides or (1,) * len(window)) + (1,)
    if not isinstance(padding, str):
        padding = ((0, 0),) * nb + tuple(padding) + ((0, 0),)
    return lax.reduce_window(x, init, op, dims, st, padding)


CASES = [
    # name, function, shape, input kind, op, init, window, strides, padding, base dil, window dil
    ("sum_1d_valid", "rw", (7,), "real", "sum", None, (3,), (1,), "VALID", (1,), (1,)),
    ("max_1d_stride", "rw", (8,), "real", "max", None, (3,), (2,), "VALID", (1,), (1,)),
    ("min_1d_same", "rw", (7,), "real", "min", None, (4,), (2,), "SAME", (1,), (1,)),
    ("max_1d_same_lower", "rw", (7,), "real", "max", None, (4,), (2,), "SAME_LOWER", (1,), (1,)),
    ("sum_1d_explicit", "rw", (6,), "real", "sum", None, (3,), (1,), ((2, 1),), (1,), (1,)),
    ("max_1d_pad_inf", "rw", (5,), "real", "max", None, (3,), (1,), ((2, 2),), (1,), (1,)),
    ("sum_1d_negative_pad", "rw", (8,), "real", "sum", None, (2,), (1,), ((-2, 1),), (1,), (1,)),
    ("sum_1d_base_dil", "rw", (5,), "real", "sum", None, (3,), (1,), ((1, 1),), (2,), (1,)),
    ("max_1d_base_dil", "rw", (5,), "real", "max", None, (2,), (1,), "VALID", (3,), (1,)),
    ("sum_1d_win_dil", "rw", (9,), "real", "sum", None, (3,), (2,), "VALID", (1,), (2,)),
    ("max_1d_win_dil", "rw", (9,), "real", "max", None, (2,), (1,), "SAME", (1,), (3,)),
    ("sum_1d_init", "rw", (6,), "real", "sum", 1.5, (3,), (1,), ((1, 1),), (1,), (1,)),
    ("max_1d_init", "rw", (6,), "real", "max", 0.5, (2,), (1,), ((1, 0),), (1,), (1,)),
    ("sum_2d_all", "rw", (5, 6), "real", "sum", None, (2, 3), (2, 1), ((1, 0), (2, 1)), (1, 2), (2, 1)),
    ("max_2d_same", "rw", (5, 6), "real", "max", None, (3, 3), (2, 2), "SAME", (1, 1), (1, 1)),
    ("min_2d_dil", "rw", (6, 5), "real", "min", None, (2, 2), (1, 2), ((0, 1), (1, 0)), (2, 1), (1, 2)),
    ("max_2d_ties", "rw", (6, 6), "ties", "max", None, (3, 3), (1, 1), "VALID", (1, 1), (1, 1)),
    ("min_2d_ties", "rw", (5, 6), "ties", "min", None, (2, 3), (1, 2), "SAME", (1, 1), (1, 1)),
    ("sum_3d", "rw", (3, 4, 5), "real", "sum", None, (2, 2, 3), (1, 2, 1), "SAME", (1, 1, 1), (1, 1, 1)),
    ("max_3d", "rw", (4, 3, 5), "real", "max", None, (2, 1, 2), (2, 1, 2), ((0, 1), (0, 0), (1, 1)), (1, 1, 1), (1, 1, 1)),
    ("max_nhwc_2x2", "rw", (2, 4, 4, 3), "real", "max", None, (1, 2, 2, 1), (1, 2, 2, 1), "VALID", (1,) * 4, (1,) * 4),
    ("sum_int", "rw", (4, 5), "int", "sum", None, (2, 2), (1, 1), "SAME", (1, 1), (1, 1)),
    ("max_int", "rw", (4, 5), "int", "max", None, (3, 2), (1, 2), ((1, 1), (0, 1)), (1, 1), (1, 1)),
    ("min_int_init", "rw", (6,), "int", "min", 2, (2,), (2,), "VALID", (1,), (1,)),
    ("max_bool", "rw", (7,), "bool", "max", None, (3,), (1,), "SAME", (1,), (1,)),
    ("min_bool", "rw", (7,), "bool", "min", None, (2,), (2,), "VALID", (1,), (1,)),
    ("max_pool_2x2", "max_pool", (2, 4, 6, 3), "real", "max", None, (2, 2), (2, 2), "VALID", None, None),
    ("max_pool_3x3_same", "max_pool", (1, 5, 5, 2), "real", "max", None, (3, 3), (2, 2), "SAME", None, None),
    ("max_pool_explicit", "max_pool", (2, 4, 5, 1), "ties", "max", None, (2, 3), (1, 1), ((1, 0), (1, 1)), None, None),
    ("max_pool_unbatched", "max_pool", (5, 4, 2), "real", "max", None, (2, 2), None, "VALID", None, None),
    ("avg_pool_2x2", "avg_pool", (2, 4, 6, 3), "real", "sum", None, (2, 2), (2, 2), "VALID", None, None),
    ("avg_pool_3x3_same", "avg_pool", (1, 5, 5, 2), "real", "sum", None, (3, 3), (1, 1), "SAME", None, None),
    ("avg_pool_1d", "avg_pool", (2, 7, 2), "real", "sum", None, (3,), (2,), ((1, 1),), None, None),
]

DTYPES = {"real": np.float64, "ties": np.float64, "int": np.int32, "bool": np.bool_}


def pads_literal(padding, n):
    if isinstance(padding, str):
        return f'"{padding}"', "{}"
    return '""', "{" + ", ".join(f"{{{lo}, {hi}}}" for lo, hi in padding) + "}"


def ints(v):
    return "{" + ", ".join(str(int(e)) for e in v) + "}" if v is not None else "{}"


def run(case):
    name, fn, shape, kind, opname, init, window, strides, padding, bd, wd = case
    x = jnp.asarray(inputs(shape, kind).astype(DTYPES[kind]))
    op, ident = OPS[opname]
    if kind == "int" and init is None:
        ident = {"sum": 0, "max": np.iinfo(np.int32).min, "min": np.iinfo(np.int32).max}[opname]
    if kind == "bool":
        ident = opname == "min"
    start = ident if init is None else init
    if fn == "rw":
        def f(a):
            return lax.reduce_window(a, jnp.asarray(start, a.dtype), op, window, strides, padding, bd, wd)
    elif fn == "max_pool":
        def f(a):
            return flax_pool(a, -jnp.inf, lax.max, window, strides, padding)
    else:
        def f(a):
            return flax_pool(a, 0.0, lax.add, window, strides, padding) / np.prod(window)
    y = f(x)
    grad = None
    if kind in ("real", "ties"):
        ct = cotangent(y.shape)
        try:
            grad = jax.grad(lambda a: jnp.sum(f(a) * ct))(x)
        except (NotImplementedError, ValueError):  # no VJP: max with window dilation, generic init
            grad = None
    g = lambda a: "{{" + shape_list(np.shape(a)) + "}, {" + value_list(a) + "}}"
    lo_hi = pads_literal(padding, len(shape))
    return (f'  {{"{name}", "{fn}", "{opname}", "{kind}", {"true" if init is not None else "false"}, '
            f'{float(init) if init is not None else 0.0}, {ints(window)}, {ints(strides)}, {lo_hi[0]}, {lo_hi[1]}, '
            f'{ints(bd)}, {ints(wd)},\n   {g(np.asarray(x, np.float64))},\n   {g(np.asarray(y, np.float64))},\n   '
            + (f"{g(grad)}" if grad is not None else "{}") + "},")


def main():
    lines = ["// Written by scripts/golden_pooling.py (jax " + jax.__version__ + "); do not edit.",
             "const std::vector<WindowCase> kWindowCases = {"]
    lines += [run(c) for c in CASES]
    lines.append("};")
    output_path("tests/golden/pooling.inc").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
