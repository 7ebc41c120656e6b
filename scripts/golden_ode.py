#!/usr/bin/env python3
"""Writes tests/golden/ode.inc: reference solutions for tests/test_ode.cpp.

- Lotka-Volterra and a damped pendulum by jax.experimental.ode.odeint (Dormand-Prince, float64;
  tight, default and loose tolerances), with the pendulum loss's gradient with respect to y0, ts and the parameters.
- Robertson's stiff chemical kinetics by scipy.integrate.solve_ivp (Radau, tight tolerances).

usage: /path/to/python-with-jax-and-scipy scripts/golden_ode.py [OUTPUT]
"""
import pathlib
import sys

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import scipy  # noqa: E402
from jax.experimental.ode import odeint  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # golden_cpp, however this is run
from golden_cpp import entry, output_path, table, write_inc  # noqa: E402


def lotka_volterra(y, t, a, b, c, d):
    return jnp.stack([a * y[0] - b * y[0] * y[1], c * y[0] * y[1] - d * y[1]])


def pendulum(y, t, b, c):
    return jnp.stack([y[1], -b * y[1] - c * jnp.sin(y[0])])


def robertson(t, y):
    return [-0.04 * y[0] + 1e4 * y[1] * y[2], 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] ** 2, 3e7 * y[1] ** 2]


def main():
    out = {}
    ts = jnp.linspace(0.0, 5.0, 11)
    lv_args = (1.5, 1.0, 1.0, 3.0)
    out["lv_ts"] = ts
    out["lv_ys"] = odeint(lotka_volterra, jnp.array([10.0, 5.0]), ts, *lv_args, rtol=1e-11, atol=1e-11)
    # At the default tolerances: the same step sequence gives the same values up to rounding.
    out["lv_ys_default"] = odeint(lotka_volterra, jnp.array([10.0, 5.0]), ts, *lv_args)
    out["lv_ys_loose"] = odeint(lotka_volterra, jnp.array([10.0, 5.0]), ts, *lv_args, rtol=1e-4, atol=1e-6)

    pts = jnp.linspace(0.0, 4.0, 9)
    y0 = jnp.array([jnp.pi - 0.1, 0.0])
    b, c = 0.25, 5.0

    def loss(y0, ts, b, c):
        return jnp.sum(odeint(pendulum, y0, ts, b, c, rtol=1e-10, atol=1e-10)[:, 0] ** 2)

    out["pend_ts"] = pts
    out["pend_ys"] = odeint(pendulum, y0, pts, b, c, rtol=1e-11, atol=1e-11)
    gy0, gts, gb, gc = jax.grad(loss, argnums=(0, 1, 2, 3))(y0, pts, b, c)
    out["pend_loss"] = loss(y0, pts, b, c)
    out["pend_grad_y0"], out["pend_grad_ts"] = gy0, gts
    out["pend_grad_bc"] = jnp.stack([gb, gc])

    rts = np.array([0.0, 0.04, 0.4, 4.0, 40.0, 400.0, 4000.0, 40000.0])
    sol = solve_ivp(robertson, (0.0, rts[-1]), [1.0, 0.0, 0.0], method="Radau", t_eval=rts, rtol=1e-11,
                    atol=[1e-14, 1e-18, 1e-14])
    out["rober_ts"], out["rober_ys"] = rts, sol.y.T

    header = (f"// Written by scripts/golden_ode.py (jax {jax.__version__}, scipy {scipy.__version__}); "
              "do not edit.")
    write_inc(output_path("tests/golden/ode.inc"), table(header, [entry(k, np.asarray(v)) for k, v in out.items()]))


main()
