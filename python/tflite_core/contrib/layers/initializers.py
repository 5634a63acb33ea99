"""``tf.contrib.layers`` initializers (TF 1.x
``tensorflow/contrib/layers/python/layers/initializers.py``).

``variance_scaling_initializer(factor=2.0, mode='FAN_IN', uniform=False)`` draws from
``truncated_normal(0, sqrt(1.3 * factor / n))`` or ``uniform(-sqrt(3 * factor / n), +...)``,
``n`` being fan-in, fan-out or their mean, with fans as TF's contrib counts them: ``shape[-2]``
(``shape[-1]`` for a vector) and ``shape[-1]``, both times the product of ``shape[:-2]``. These
defaults (He) differ from ``tf.variance_scaling_initializer``'s. ``xavier_initializer`` is
``factor=1.0, mode='FAN_AVG'`` (uniform by default).
"""

from __future__ import annotations

import math
from typing import Any

from ...framework import dtypes as _dt
from ...ops.random_ops import random_uniform, truncated_normal


def xavier_initializer(uniform: bool = True, seed: int | None = None, dtype: Any = _dt.float32):
    """Glorot's initializer: ``variance_scaling_initializer(1.0, 'FAN_AVG', uniform)``."""
    return variance_scaling_initializer(
        factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed, dtype=dtype
    )


xavier_initializer_conv2d = xavier_initializer


def variance_scaling_initializer(
    factor: float = 2.0,
    mode: str = "FAN_IN",
    uniform: bool = False,
    seed: int | None = None,
    dtype: Any = _dt.float32,
):
    """An initializer ``(shape, dtype=dtype, partition_info=None) -> Tensor`` whose values have
    variance ``factor / n``. TypeError for a non-float dtype or an unknown mode, as TF."""
    dtype = _dt.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ["FAN_IN", "FAN_OUT", "FAN_AVG"]:
        # TF passes the mode as a second exception argument (no % formatting)
        raise TypeError("Unknown mode %s [FAN_IN, FAN_OUT, FAN_AVG]", mode)

    def _initializer(shape, dtype=dtype, partition_info=None):
        dtype = _dt.as_dtype(dtype)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        if partition_info is not None:
            shape = partition_info.full_shape
        dims = [int(d) for d in shape]
        if dims:
            fan_in = float(dims[-2]) if len(dims) > 1 else float(dims[-1])
            fan_out = float(dims[-1])
        else:
            fan_in = fan_out = 1.0
        for d in dims[:-2]:
            fan_in *= float(d)
            fan_out *= float(d)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return random_uniform(dims, -limit, limit, dtype, seed=seed)
        stddev = math.sqrt(1.3 * factor / n)
        return truncated_normal(dims, 0.0, stddev, dtype, seed=seed)

    return _initializer
