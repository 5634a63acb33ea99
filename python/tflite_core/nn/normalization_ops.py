"""Normalization: ``moments``, ``batch_normalization``, the sufficient statistics and weighted
moments (composites of the math ops, whose gradients they take)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..ops.array_ops import cast, shape, squeeze, stop_gradient, zeros_like
from ..ops.indexing_ops import gather
from ..ops.math_extra_ops import div_no_nan, squared_difference
from ..ops.math_ops import (
    add,
    multiply,
    reciprocal,
    reduce_mean,
    reduce_prod,
    reduce_sum,
    sqrt,
    square,
    subtract,
)

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


# ---- moments from sufficient statistics, and weighted moments ------------------------------------
def sufficient_statistics(
    x: TensorLike,
    axes: AxisLike,
    shift: Any = None,
    keep_dims: bool | None = None,
    name: str | None = None,
    keepdims: bool | None = None,
) -> tuple[Tensor, Tensor, Tensor, Tensor | None]:
    """``(count, sum of x - shift, sum of (x - shift)^2, shift)`` over ``axes``; the count is a
    constant where the reduced dimensions are known, else computed from the run-time shape."""
    if keep_dims is not None and keepdims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'.")
    keep = bool(keepdims if keepdims is not None else keep_dims)
    axes = list(set(int(a) for a in np.asarray(axes).reshape(-1)))
    with name_scope(name, "sufficient_statistics", [x, shift]):
        x = convert_to_tensor(x, name="x")
        dims = x.get_shape().as_list() if x.get_shape().ndims is not None else None
        known = [dims[d] for d in axes] if dims is not None else [None]
        if all(k is not None for k in known):
            counts = constant(int(np.prod([int(k) for k in known if k is not None])), x.dtype)
        else:
            sizes = gather(cast(shape(x), x.dtype), [a % len(dims) if dims else a for a in axes])
            counts = reduce_prod(sizes, name="count")
        if shift is not None:
            shift = convert_to_tensor(shift, name="shift")
            m_ss, v_ss = subtract(x, shift), squared_difference(x, shift)
        else:
            m_ss, v_ss = x, square(x)
        m_ss = reduce_sum(m_ss, axes, keepdims=keep, name="mean_ss")
        v_ss = reduce_sum(v_ss, axes, keepdims=keep, name="var_ss")
    return counts, m_ss, v_ss, shift


def normalize_moments(
    counts: TensorLike,
    mean_ss: TensorLike,
    variance_ss: TensorLike,
    shift: TensorLike | None,
    name: str | None = None,
) -> tuple[Tensor, Tensor]:
    """``(mean, variance)`` from :func:`sufficient_statistics`' sums."""
    with name_scope(name, "normalize", [counts, mean_ss, variance_ss, shift]):
        divisor = reciprocal(counts, name="divisor")
        if shift is not None:
            shifted_mean = multiply(mean_ss, divisor, name="shifted_mean")
            mean = add(shifted_mean, shift, name="mean")
        else:
            shifted_mean = multiply(mean_ss, divisor, name="mean")
            mean = shifted_mean
        variance = subtract(multiply(variance_ss, divisor), square(shifted_mean), name="variance")
    return mean, variance


def weighted_moments(
    x: TensorLike,
    axes: AxisLike,
    frequency_weights: TensorLike,
    name: str | None = None,
    keep_dims: bool | None = None,
    keepdims: bool | None = None,
) -> tuple[Tensor, Tensor]:
    """The frequency-weighted mean and variance of ``x`` over ``axes`` (weights broadcast to x;
    0/0 gives 0); float16 is computed in float32."""
    if keep_dims is not None and keepdims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'.")
    keep = bool(keepdims if keepdims is not None else keep_dims)
    axes = [int(a) for a in np.asarray(axes).reshape(-1)]
    with name_scope(name, "weighted_moments", [x, frequency_weights]):
        x = convert_to_tensor(x, name="x")
        w = convert_to_tensor(frequency_weights, name="frequency_weights")
        half = x.dtype == _dt.float16
        if half:
            x = cast(x, _dt.float32)
        if w.dtype != x.dtype:
            w = cast(w, x.dtype)
        w_sum = reduce_sum(w * x, axes, name="weighted_input_sum", keepdims=True)
        total = reduce_sum(w + zeros_like(x), axes, name="sum_of_weights", keepdims=True)
        mean = div_no_nan(w_sum, total)
        dist = reduce_sum(
            w * squared_difference(x, mean), axes, name="weighted_distsq", keepdims=True
        )
        variance = div_no_nan(dist, total)
        if not keep:
            mean, variance = squeeze(mean, axes), squeeze(variance, axes)
        if half:
            mean, variance = cast(mean, _dt.float16), cast(variance, _dt.float16)
        return mean, variance
