#!/usr/bin/env python3
"""Writes tests/golden/random_samplers.inc: draws of the jax.random samplers that transform uniform or
normal bits (exponential, gumbel, laplace, ..., choice), for several keys, shapes and parameters, as
tests/test_random_samplers.cpp recomputes them. Each case is a name, a dtype, a shape and the exact
values: float bit patterns in hex, integers in decimal.

JAX's configuration is the one xjax reproduces: partitionable threefry (JAX's default since 0.5),
raw uint32 keys from jax.random.PRNGKey; float32 cases without x64, float64 cases with
jax_enable_x64 (64-bit dtypes draw from 64-bit uniforms there, as in xjax).

usage: /path/to/python-with-jax scripts/make_random_golden.py [OUTPUT]   (pip install jax)
"""
import pathlib
import sys

import jax
import numpy as np

jax.config.update("jax_threefry_partitionable", True)
jax.config.update("jax_enable_x64", False)
import jax.random as jr  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # golden_cpp, however this is run
from golden_cpp import bits, output_path, write_inc  # noqa: E402

CASES = []


def emit(name, x):
    CASES.append(bits(name, x))


def k(seed):
    return jr.PRNGKey(seed)


def draws(f, suffix):
    """Cases whose dtype is `f`: names end in `suffix` (f32 / f64)."""
    for s in (0, 42):
        emit(f"exponential/{s}/{suffix}", jr.exponential(k(s), (3, 4), f))
        emit(f"gumbel_low/{s}/{suffix}", jr.gumbel(k(s), (6,), f, mode="low"))
        emit(f"gumbel_high/{s}/{suffix}", jr.gumbel(k(s), (2, 3), f, mode="high"))
        emit(f"gumbel_highest/{s}/{suffix}", jr.gumbel(k(s), (2, 3), f, mode="highest"))
        emit(f"laplace/{s}/{suffix}", jr.laplace(k(s), (7,), f))
        emit(f"logistic/{s}/{suffix}", jr.logistic(k(s), (7,), f))
        emit(f"cauchy/{s}/{suffix}", jr.cauchy(k(s), (7,), f))
        emit(f"rayleigh/{s}/{suffix}", jr.rayleigh(k(s), 2.0, (5,), f))
        emit(f"maxwell/{s}/{suffix}", jr.maxwell(k(s), (2, 3), f))
        emit(f"double_sided_maxwell/{s}/{suffix}", jr.double_sided_maxwell(k(s), 1.0, 2.0, (5,), f))
        emit(f"weibull_min/{s}/{suffix}", jr.weibull_min(k(s), 2.0, 1.5, (6,), f))
        emit(f"pareto/{s}/{suffix}", jr.pareto(k(s), 3.0, (5,), f))
        emit(f"lognormal/{s}/{suffix}", jr.lognormal(k(s), 0.5, (5,), f))
        emit(f"triangular/{s}/{suffix}", jr.triangular(k(s), 0.0, 0.3, 1.0, (6,), f))
        emit(f"wald/{s}/{suffix}", jr.wald(k(s), 1.5, (6,), f))
    # Array parameters: the shape defaults to theirs (double_sided_maxwell appends them to the shape).
    vec = np.array([0.5, 1.0, 2.0], f)
    emit(f"rayleigh_vec/{suffix}", jr.rayleigh(k(3), vec, dtype=f))
    emit(f"pareto_vec/{suffix}", jr.pareto(k(3), vec, dtype=f))
    emit(f"lognormal_vec/{suffix}", jr.lognormal(k(3), vec, dtype=f))
    emit(f"wald_vec/{suffix}", jr.wald(k(3), vec, dtype=f))
    emit(f"weibull_min_vec/{suffix}", jr.weibull_min(k(3), vec, np.array([[0.5], [3.0]], f), (2, 3), f))
    emit(f"triangular_vec/{suffix}", jr.triangular(k(3), -vec, np.zeros(3, f), vec, dtype=f))
    emit(f"double_sided_maxwell_vec/{suffix}", jr.double_sided_maxwell(k(3), vec, np.array(0.5, f), (), f))
    emit(f"double_sided_maxwell_vec2/{suffix}", jr.double_sided_maxwell(k(3), vec, np.array(0.5, f), (2,), f))
    emit(f"rademacher_float/{suffix}", jr.rademacher(k(5), (9,), f))
    emit(f"exponential_big/{suffix}", jr.exponential(k(7), (300,), f))
    emit(f"gumbel_big/{suffix}", jr.gumbel(k(7), (300,), f))
    emit(f"gumbel_highest_big/{suffix}", jr.gumbel(k(7), (300,), f, mode="highest"))
    emit(f"lognormal_big/{suffix}", jr.lognormal(k(7), np.array(0.7, f), (300,), f))
    p = np.array([0.1, 0.2, 0.3, 0.15, 0.05, 0.2], f)
    emit(f"geometric/{suffix}", jr.geometric(k(8), np.array(0.3, f), (12,)))
    emit(f"geometric_vec/{suffix}", jr.geometric(k(8), np.array([0.9, 0.5, 0.05], f)))
    emit(f"choice_p/{suffix}", jr.choice(k(9), 6, (10,), True, p))
    emit(f"choice_p_noreplace/{suffix}", jr.choice(k(9), 6, (4,), False, p))
    emit(f"choice_p_matrix/{suffix}", jr.choice(k(10), np.arange(12.0, dtype=f).reshape(3, 4), (2, 2), True, p[:4], 1))
    emit(f"choice_p_noreplace_matrix/{suffix}",
         jr.choice(k(10), np.arange(12.0, dtype=f).reshape(3, 4), (3,), False, p[:4], 1))


draws(np.float32, "f32")
# Integer results and choice without p draw 32-bit words in JAX's default mode.
for s in (0, 42):
    emit(f"rademacher/{s}", jr.rademacher(k(s), (10,)))
    emit(f"choice/{s}", jr.choice(k(s), 10, (4,)))
    emit(f"choice_noreplace/{s}", jr.choice(k(s), 10, (2, 3), False))
m = np.arange(20, dtype=np.float32).reshape(4, 5)
emit("choice_matrix", jr.choice(k(11), m, (2, 3)))
emit("choice_matrix_axis1", jr.choice(k(11), m, (3,), True, None, 1))
emit("choice_noreplace_matrix", jr.choice(k(11), m, (3,), False))
emit("choice_noreplace_matrix_axis1", jr.choice(k(11), m, (5,), False, None, 1))
emit("choice_noreplace_all", jr.choice(k(12), 1000, (1000,), False))

jax.config.update("jax_enable_x64", True)
draws(np.float64, "f64")

out = output_path("tests/golden/random_samplers.inc")
write_inc(out, [f"// Written by scripts/make_random_golden.py (jax {jax.__version__}); do not edit.",
                "// {name, dtype, shape, values: float bit patterns or integers}", *CASES])
print(f"{len(CASES)} cases -> {out}")
