"""Learning-rate schedules of ``tf.train`` (TF 1.x's ``learning_rate_decay``): each builds, in
graph mode, the decayed rate at ``global_step`` as a tensor of the learning rate's dtype, inside a
name scope named as TF names it (``ExponentialDecay``, ``PolynomialDecay``, ``SGDRDecay``, ...).
A ``global_step`` of None is a ValueError."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..ops.array_ops import cast, identity
from ..ops.indexing_ops import where_v2
from ..ops.math_extra_ops import ceil, cos
from ..ops.math_ops import (
    add,
    divide,
    equal,
    exp,
    floor,
    greater,
    log,
    minimum,
    multiply,
    negative,
    pow,
    sqrt,
)
from ..ops.random_ops import random_normal

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


def _require_step(global_step, fn: str) -> None:
    if global_step is None:
        raise ValueError(f"global_step is required for {fn}.")


def _start(learning_rate, global_step, fn: str):
    """(learning rate tensor, its dtype, global step cast to it)."""
    _require_step(global_step, fn)
    lr = convert_to_tensor(learning_rate, name="initial_learning_rate")
    return lr, lr.dtype, cast(global_step, lr.dtype)


def exponential_decay(
    learning_rate: TensorLike,
    global_step: TensorLike,
    decay_steps: TensorLike,
    decay_rate: TensorLike,
    staircase: bool = False,
    name: str | None = None,
) -> Tensor:
    """``learning_rate * decay_rate ** (global_step / decay_steps)``; with ``staircase`` the
    exponent is floored, so the rate drops every ``decay_steps`` steps.

    >>> with tf.Graph().as_default():
    ...     lr = tf.train.exponential_decay(0.1, 25, 10, 0.5, staircase=True)
    ...     print(round(float(tf.Session().run(lr)), 6))
    0.025
    """
    _require_step(global_step, "exponential_decay")
    with name_scope(name, "ExponentialDecay") as scope:
        lr, dtype, step = _start(learning_rate, global_step, "exponential_decay")
        p = step / cast(decay_steps, dtype)
        if staircase:
            p = floor(p)
        return multiply(lr, pow(cast(decay_rate, dtype), p), name=scope)


def natural_exp_decay(
    learning_rate: TensorLike,
    global_step: TensorLike,
    decay_steps: TensorLike,
    decay_rate: TensorLike,
    staircase: bool = False,
    name: str | None = None,
) -> Tensor:
    """``learning_rate * exp(-decay_rate * global_step / decay_steps)`` (exponent floored with
    ``staircase``): ``exponential_decay`` at the rate ``exp(-decay_rate)``."""
    _require_step(global_step, "natural_exp_decay")
    rate = exp(negative(decay_rate))
    return exponential_decay(learning_rate, global_step, decay_steps, rate, staircase, name)


def inverse_time_decay(
    learning_rate: TensorLike,
    global_step: TensorLike,
    decay_steps: TensorLike,
    decay_rate: TensorLike,
    staircase: bool = False,
    name: str | None = None,
) -> Tensor:
    """``learning_rate / (1 + decay_rate * global_step / decay_steps)`` (the quotient floored
    with ``staircase``)."""
    _require_step(global_step, "inverse_time_decay")
    with name_scope(name, "InverseTimeDecay") as scope:
        lr, dtype, step = _start(learning_rate, global_step, "inverse_time_decay")
        p = step / cast(decay_steps, dtype)
        if staircase:
            p = floor(p)
        denom = add(cast(1, dtype), multiply(cast(decay_rate, dtype), p))
        return divide(lr, denom, name=scope)


def polynomial_decay(
    learning_rate: TensorLike,
    global_step: TensorLike,
    decay_steps: TensorLike,
    end_learning_rate: TensorLike = 0.0001,
    power: TensorLike = 1.0,
    cycle: bool = False,
    name: str | None = None,
) -> Tensor:
    """``(learning_rate - end) * (1 - step / decay_steps) ** power + end`` with the step capped
    at ``decay_steps``; with ``cycle`` the horizon is ``decay_steps * ceil(step / decay_steps)``
    (``decay_steps`` at step 0) instead, so the rate restarts every ``decay_steps``."""
    _require_step(global_step, "polynomial_decay")
    with name_scope(name, "PolynomialDecay") as scope:
        lr, dtype, step = _start(learning_rate, global_step, "polynomial_decay")
        end = cast(end_learning_rate, dtype)
        power_t = cast(power, dtype)
        horizon = cast(decay_steps, dtype)
        if cycle:
            one = convert_to_tensor(1.0, dtype=dtype)
            multiplier = where_v2(equal(step, 0), one, ceil(step / horizon))
            horizon = multiply(horizon, multiplier)
        else:
            step = minimum(step, horizon)
        p = divide(step, horizon)
        return add(multiply(lr - end, pow(1 - p, power_t)), end, name=scope)


def _shown(dtype) -> str:
    """A dtype as TF's messages print it."""
    return f"<dtype: '{dtype.name}'>"


def piecewise_constant(
    x: TensorLike,
    boundaries: Sequence[TensorLike],
    values: Sequence[TensorLike],
    name: str | None = None,
) -> Tensor:
    """``values[0]`` while ``x <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < x <= boundaries[i]``, ``values[-1]`` after the last boundary.
    Boundaries must have ``x``'s dtype (int32 ones are cast to an int64 ``x``) and the values one
    dtype, else ValueError; ``len(values)`` must be ``len(boundaries) + 1``."""
    bounds = [convert_to_tensor(b) for b in boundaries]
    vals = [convert_to_tensor(v) for v in values]
    xt = convert_to_tensor(x)
    for i, b in enumerate(bounds):
        if b.dtype != xt.dtype:
            if b.dtype == _dt.int32 and xt.dtype == _dt.int64:
                bounds[i] = cast(b, _dt.int64)
            else:
                raise ValueError(
                    f"Boundaries ({_shown(b.dtype)}) must have the same dtype as x "
                    f"({_shown(xt.dtype)})."
                )
    for v in vals[1:]:
        if v.dtype != vals[0].dtype:
            raise ValueError(
                "Values must have elements all with the same dtype "
                f"({_shown(vals[0].dtype)} vs {_shown(v.dtype)})."
            )
    if len(bounds) != len(vals) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    with name_scope(name, "PiecewiseConstant") as scope:
        out = vals[0]
        for i, b in enumerate(bounds):  # boundaries ascending: the last one passed wins
            last = i == len(bounds) - 1
            out = where_v2(greater(xt, b), vals[i + 1], out, name=scope if last else None)
        return out if bounds else identity(out, name=scope)


piecewise_constant_decay = piecewise_constant


def cosine_decay(
    learning_rate: TensorLike,
    global_step: TensorLike,
    decay_steps: TensorLike,
    alpha: float = 0.0,
    name: str | None = None,
) -> Tensor:
    """``learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)`` with
    ``s`` the step capped at ``decay_steps`` (Loshchilov and Hutter, SGDR, without restarts)."""
    _require_step(global_step, "cosine_decay")
    with name_scope(name, "CosineDecay"):
        lr, dtype, step = _start(learning_rate, global_step, "cosine_decay")
        steps = cast(decay_steps, dtype)
        fraction = minimum(step, steps) / steps
        cosine = 0.5 * (1.0 + cos(convert_to_tensor(math.pi, dtype=dtype) * fraction))
        return multiply(lr, (1 - alpha) * cosine + alpha)


def cosine_decay_restarts(
    learning_rate: TensorLike,
    global_step: TensorLike,
    first_decay_steps: TensorLike,
    t_mul: float = 2.0,
    m_mul: float = 1.0,
    alpha: float = 0.0,
    name: str | None = None,
) -> Tensor:
    """Cosine decay with warm restarts (SGDR): period ``i`` lasts
    ``first_decay_steps * t_mul ** i`` steps and starts at ``learning_rate * m_mul ** i``;
    within a period the rate follows ``cosine_decay`` down to ``alpha`` times its start."""
    _require_step(global_step, "cosine_decay_restarts")
    with name_scope(name, "SGDRDecay") as scope:
        lr, dtype, step = _start(learning_rate, global_step, "cosine_decay_restarts")
        first = cast(first_decay_steps, dtype)
        alpha_t, t_mul_t, m_mul_t = (cast(h, dtype) for h in (alpha, t_mul, m_mul))
        done = step / first
        # equal periods (t_mul == 1) ...
        i_flat = floor(done)
        frac_flat = done - i_flat
        # ... or geometric ones: i = floor(log(1 - done (1 - t_mul)) / log(t_mul))
        i_geo = floor(log(1.0 - done * (1.0 - t_mul_t)) / log(t_mul_t))
        sum_r = (1.0 - pow(t_mul_t, i_geo)) / (1.0 - t_mul_t)
        frac_geo = (done - sum_r) / pow(t_mul_t, i_geo)
        flat = equal(t_mul_t, 1.0)
        i_restart = where_v2(flat, i_flat, i_geo)
        fraction = where_v2(flat, frac_flat, frac_geo)
        cosine = (
            0.5
            * pow(m_mul_t, i_restart)
            * (1.0 + cos(convert_to_tensor(math.pi, dtype=dtype) * fraction))
        )
        return multiply(lr, (1 - alpha_t) * cosine + alpha_t, name=scope)


def _linear_cosine(lr, dtype, step, decay_steps, num_periods, alpha, beta, noise_fn=None):
    steps = cast(decay_steps, dtype)
    step = minimum(step, steps)
    linear = (steps - step) / steps
    if noise_fn is not None:
        linear = linear + noise_fn(step)
    fraction = 2.0 * cast(num_periods, dtype) * (step / steps)
    cosine = 0.5 * (1.0 + cos(convert_to_tensor(math.pi, dtype=dtype) * fraction))
    return (cast(alpha, dtype) + linear) * cosine + cast(beta, dtype)


def linear_cosine_decay(
    learning_rate: TensorLike,
    global_step: TensorLike,
    decay_steps: TensorLike,
    num_periods: float = 0.5,
    alpha: float = 0.0,
    beta: float = 0.001,
    name: str | None = None,
) -> Tensor:
    """``learning_rate * ((alpha + linear) * cosine + beta)`` with, for the step ``s`` capped at
    ``decay_steps``, ``linear = (decay_steps - s) / decay_steps`` and
    ``cosine = 0.5 * (1 + cos(2 pi num_periods s / decay_steps))``."""
    _require_step(global_step, "linear_cosine_decay")
    with name_scope(name, "LinearCosineDecay") as scope:
        lr, dtype, step = _start(learning_rate, global_step, "linear_cosine_decay")
        decayed = _linear_cosine(lr, dtype, step, decay_steps, num_periods, alpha, beta)
        return multiply(lr, decayed, name=scope)


def noisy_linear_cosine_decay(
    learning_rate: TensorLike,
    global_step: TensorLike,
    decay_steps: TensorLike,
    initial_variance: float = 1.0,
    variance_decay: float = 0.55,
    num_periods: float = 0.5,
    alpha: float = 0.0,
    beta: float = 0.001,
    name: str | None = None,
) -> Tensor:
    """``linear_cosine_decay`` with normal noise added to the linear term: standard deviation
    ``sqrt(initial_variance / (1 + s) ** variance_decay)``, drawn afresh at each run (seeded by
    the graph-level seed, as TF's ``random_normal``; the draws are not TF's)."""
    _require_step(global_step, "noisy_linear_cosine_decay")
    with name_scope(name, "NoisyLinearCosineDecay") as scope:
        lr, dtype, step = _start(learning_rate, global_step, "noisy_linear_cosine_decay")

        def noise(s):
            variance = cast(initial_variance, dtype) / pow(1.0 + s, cast(variance_decay, dtype))
            return random_normal([], stddev=sqrt(variance), dtype=dtype)

        decayed = _linear_cosine(lr, dtype, step, decay_steps, num_periods, alpha, beta, noise)
        return multiply(lr, decayed, name=scope)
