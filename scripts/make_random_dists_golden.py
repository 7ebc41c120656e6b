#!/usr/bin/env python3
"""Writes tests/golden/random_dists.inc: draws of the jax.random samplers built by rejection or
composition (gamma family, poisson, binomial, multinomial, multivariate_normal, orthogonal, ball, ...)
and gamma's reparameterisation gradient, as tests/test_random_dists.cpp recomputes them. Each case
is a name, a dtype, a shape and the values: float bit patterns in hex, integers in decimal.

JAX's configuration is the one xjax reproduces: partitionable threefry, raw uint32 keys from
jax.random.PRNGKey; float32 cases without x64, then float64 cases with jax_enable_x64.

usage: /path/to/python-with-jax scripts/make_random_dists_golden.py [OUTPUT]   (pip install jax)
"""
import pathlib
import sys

import jax

jax.config.update("jax_threefry_partitionable", True)
jax.config.update("jax_enable_x64", False)
import jax.numpy as jnp  # noqa: E402
import jax.random as jr  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # golden_cpp, however this is run
from golden_cpp import bits, output_path, write_inc  # noqa: E402

LINES = []


def emit(name, x):
    LINES.append(bits(name, x))


COV = [[2.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 0.5]]


def cases(f, tag):
    for seed in (0, 42):
        k = jr.PRNGKey(seed)
        p = f"/{seed}/{tag}"
        emit("gamma/vector" + p, jr.gamma(k, jnp.array([0.3, 1.0, 2.5, 10.0, 0.05], f), dtype=f))
        emit("gamma/shape" + p, jr.gamma(k, jnp.array(0.7, f), (2, 3), dtype=f))
        emit("loggamma" + p, jr.loggamma(k, jnp.array([0.01, 0.5, 3.0], f), dtype=f))
        emit("beta" + p, jr.beta(k, jnp.array([0.5, 2.0], f), jnp.array(3.0, f), (3, 2), dtype=f))
        emit("dirichlet" + p, jr.dirichlet(k, jnp.array([0.5, 1.0, 2.0], f), (2,), dtype=f))
        emit("chisquare" + p, jr.chisquare(k, jnp.array([1.0, 4.5], f), dtype=f))
        emit("f" + p, jr.f(k, jnp.array(3.0, f), jnp.array(7.0, f), (4,), dtype=f))
        emit("t" + p, jr.t(k, jnp.array(3.0, f), (5,), dtype=f))
        emit("generalized_normal" + p, jr.generalized_normal(k, 1.5, (5,), dtype=f))
        emit("ball" + p, jr.ball(k, 3, 2.0, (4,), dtype=f))
        emit("binomial" + p, jr.binomial(k, jnp.array([5.0, 20.0, 100.0, 1000.0], f),
                                         jnp.array([0.3, 0.7, 0.5, 0.1], f), dtype=f))
        emit("multinomial" + p, jr.multinomial(k, jnp.array(20.0, f), jnp.array([[0.2, 0.3, 0.5], [0.6, 0.0, 0.4]], f),
                                               dtype=f))
        # Not "eigh": eigenvectors are defined up to sign, and LAPACK's choice is not xjax's.
        for method in ("cholesky", "svd"):
            emit(f"multivariate_normal/{method}" + p,
                 jr.multivariate_normal(k, jnp.array([1.0, -1.0, 0.5], f), jnp.array(COV, f), (4,), f, method))
        emit("orthogonal/square" + p, jr.orthogonal(k, 3, (2,), f))
        emit("orthogonal/wide" + p, jr.orthogonal(k, 2, (), f, m=4))
        a = jnp.array([0.3, 1.0, 2.5, 10.0, 50.0], f)
        emit("gamma_grad" + p, jax.grad(lambda a: jr.gamma(k, a, dtype=f).sum())(a))
        emit("loggamma_grad" + p, jax.grad(lambda a: jr.loggamma(k, a, dtype=f).sum())(a))
        if f == jnp.float32:
            emit("poisson/vector" + p, jr.poisson(k, jnp.array([0.5, 3.0, 9.9, 10.0, 50.0, 1000.0, 0.0]), dtype=jnp.int32))
            emit("poisson/shape" + p, jr.poisson(k, 4.0, (8,), dtype=jnp.int32))


cases(jnp.float32, "f32")
jax.config.update("jax_enable_x64", True)
cases(jnp.float64, "f64")

out = output_path("tests/golden/random_dists.inc")
write_inc(out, [f"// Written by scripts/make_random_dists_golden.py (jax {jax.__version__}); do not edit.",
                "// {name, dtype, shape, values: float bit patterns or integers}", *LINES])
