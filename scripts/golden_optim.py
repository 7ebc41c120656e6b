"""Golden values of tests/test_optim.cpp from optax: five steps of each optimizer on a fixed problem
and the schedules at steps 0..12, in float64.

Run: /tmp/jaxvenv/bin/python scripts/golden_optim.py [output]   (needs jax and optax; writes
tests/golden/optim.inc by default). The C++ test repeats the same problem: parameters p0 (3 values)
and p1 (2x2), gradient at step k (k = 0, 1, ...) g = 0.5 (k + 1) cos(p) + 0.3 p, leaf by leaf; the
entry opt/<name> holds the concatenated flattened parameters after each step (5 x 7).
"""
import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

from golden_cpp import entry, output_path  # noqa: E402

P0 = np.array([0.5, -1.0, 2.0])
P1 = np.array([[1.5, -0.25], [0.75, -2.0]])
STEPS = 5


def f64(schedule):
    """The schedule read at a float64 step: jax divides an int32 count in float32, xjax in float64."""
    return lambda count: schedule(jnp.asarray(count, jnp.float64))


def grads(params, k):
    return [0.5 * (k + 1) * jnp.cos(p) + 0.3 * p for p in params]


def trajectory(opt):
    params = [jnp.asarray(P0), jnp.asarray(P1)]
    state = opt.init(params)
    rows = []
    for k in range(STEPS):
        updates, state = opt.update(grads(params, k), state, params)
        params = optax.apply_updates(params, updates)
        rows.append(np.concatenate([np.ravel(p) for p in params]))
    return np.stack(rows)


OPTIMIZERS = {
    "sgd": optax.sgd(0.1),
    "sgd_momentum": optax.sgd(0.1, momentum=0.9),
    "sgd_nesterov": optax.sgd(0.1, momentum=0.9, nesterov=True),
    "adam": optax.adam(0.1),
    "adam_eps_root": optax.adam(0.1, b1=0.8, b2=0.99, eps=1e-6, eps_root=1e-8),
    "adamw": optax.adamw(0.1, weight_decay=0.05),
    "rmsprop": optax.rmsprop(0.05),
    "rmsprop_centered_momentum": optax.rmsprop(0.05, centered=True, momentum=0.5),
    "rmsprop_eps_outside": optax.rmsprop(0.05, decay=0.8, eps=1e-3, initial_scale=0.1, eps_in_sqrt=False,
                                         momentum=0.9, nesterov=True),
    "adagrad": optax.adagrad(0.2),
    "lion": optax.lion(0.05, weight_decay=0.1),
    "lamb": optax.lamb(0.05, weight_decay=0.01),
    "clip_adam_exponential": optax.chain(optax.clip_by_global_norm(0.5),
                                         optax.adam(f64(optax.exponential_decay(0.1, 2, 0.5)))),
    "adam_warmup_cosine": optax.adam(f64(optax.warmup_cosine_decay_schedule(0.0, 0.2, 2, 5, 0.01))),
    "sgd_piecewise": optax.sgd(f64(optax.piecewise_constant_schedule(0.1, {2: 0.5, 4: 0.1})), momentum=0.9),
    "adamw_scheduled_decay": optax.adamw(0.1, weight_decay=f64(optax.linear_schedule(0.1, 0.0, 4))),
}

SCHEDULES = {
    "constant": optax.constant_schedule(0.3),
    "exponential": optax.exponential_decay(1.0, 3, 0.5),
    "exponential_staircase": optax.exponential_decay(1.0, 3, 0.5, transition_begin=2, staircase=True,
                                                     end_value=0.2),
    "exponential_growth": optax.exponential_decay(0.1, 4, 1.5, end_value=0.3),
    "warmup_cosine": optax.warmup_cosine_decay_schedule(0.0, 1.0, 3, 10, 0.1),
    "warmup_cosine_nowarmup": optax.warmup_cosine_decay_schedule(0.1, 1.0, 0, 8, 0.0, exponent=2.0),
    "piecewise": optax.piecewise_constant_schedule(0.5, {3: 0.5, 7: 0.2}),
    "polynomial": optax.polynomial_schedule(1.0, 0.1, 2.0, 6, 2),
    "cosine": optax.cosine_decay_schedule(1.0, 7, 0.1, 1.5),
    "linear": optax.linear_schedule(0.2, 1.0, 5),
}


def main():
    lines = [f"// Written by scripts/golden_optim.py (optax {optax.__version__}, jax {jax.__version__}); "
             "do not edit.",
             "// {name, {{shape}, {values}}}: opt/* are parameters after each step, sched/* values at 0..12."]
    for name, opt in OPTIMIZERS.items():
        lines.append(entry("opt/" + name, trajectory(opt), indent=""))
    counts = jnp.arange(13, dtype=jnp.float64)
    for name, sched in SCHEDULES.items():
        lines.append(entry("sched/" + name, np.array([float(sched(c)) for c in counts]), indent=""))
    path = output_path("tests/golden/optim.inc")
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
