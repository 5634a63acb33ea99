"""Normalization: ``moments`` and ``batch_normalization`` (composites of the math ops, whose
gradients they take)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..ops.array_ops import cast, squeeze, stop_gradient
from ..ops.math_ops import add, reciprocal, reduce_mean, sqrt, square, subtract

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        AxisLike,
        TensorLike,
    )


# ---- moments and batch normalization -------------------------------------------------------------
def moments(
    x: TensorLike,
    axes: AxisLike,
    shift: Any = None,
    name: str | None = None,
    keep_dims: bool | None = None,
    keepdims: bool | None = None,
) -> tuple[Tensor, Tensor]:
    """``(mean, variance)`` of ``x`` over ``axes`` (``shift`` is ignored, as in TF 1.x)."""
    if keep_dims is not None and keepdims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'.")
    keep = bool(keepdims if keepdims is not None else keep_dims)
    axes = [int(a) for a in np.asarray(axes).reshape(-1)]
    with name_scope(name, "moments", [x]):
        y = convert_to_tensor(x)
        mean = reduce_mean(y, axes, keepdims=True, name="mean")
        # the mean's gradient through the variance is zero: stop it, as TF
        variance = reduce_mean(
            square(subtract(y, stop_gradient(mean))), axes, keepdims=True, name="variance"
        )
        if not keep:
            mean, variance = squeeze(mean, axes), squeeze(variance, axes)
        return mean, variance


def batch_normalization(
    x: TensorLike,
    mean: TensorLike,
    variance: TensorLike,
    offset: TensorLike,
    scale: TensorLike,
    variance_epsilon: Any,
    name: str | None = None,
) -> Tensor:
    """``(x - mean) * scale / sqrt(variance + variance_epsilon) + offset`` (offset and scale may
    be None), computed as TF: ``x * inv + (offset - mean * inv)``."""
    with name_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        x = convert_to_tensor(x)
        inv = reciprocal(sqrt(add(variance, constant(variance_epsilon, dtype=x.dtype))))
        if scale is not None:
            inv = inv * scale
        shift = offset - mean * inv if offset is not None else -(mean * inv)
        return x * cast(inv, x.dtype) + cast(shift, x.dtype)
