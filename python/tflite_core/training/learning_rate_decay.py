"""Learning-rate schedules (``tf.train.exponential_decay``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..ops.array_ops import cast
from ..ops.math_ops import floor, multiply, pow

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


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
    if global_step is None:
        raise ValueError("global_step is required for exponential_decay.")
    with name_scope(name, "ExponentialDecay") as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        p = cast(global_step, dtype) / cast(decay_steps, dtype)
        if staircase:
            p = floor(p)
        return multiply(lr, pow(cast(decay_rate, dtype), p), name=scope)
