"""Clipping (TF 1.x ``clip_ops``): by value, by norm and by global norm, built from existing ops
as TensorFlow builds them, so their gradients come for free.

>>> grads, norm = tf.clip_by_global_norm([tf.constant([3.0, 4.0]), None], 1.0)
>>> with tf.Session() as sess:
...     clipped, n = sess.run([grads[0], norm])
>>> print(clipped, n, grads[1])
[0.6 0.8] 5.0 None
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..ops.array_ops import cast, identity, ones_like, size
from ..ops.indexing_ops import where
from ..ops.math_extra_ops import rsqrt
from ..ops.math_ops import add_n, maximum, minimum, multiply, reduce_sum, sqrt
from .nn_ops import l2_loss

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        AxisLike,
        TensorLike,
    )


def clip_by_value(
    t: TensorLike, clip_value_min: Any, clip_value_max: Any, name: str | None = None
) -> Tensor:
    """``min(max(t, clip_value_min), clip_value_max)``; the clip values must not broadcast ``t``
    to a bigger shape (ValueError)."""
    with name_scope(name, "clip_by_value", [t, clip_value_min, clip_value_max]) as scope:
        t = convert_to_tensor(t, name="t")
        t_min = minimum(t, clip_value_max)
        t.shape.merge_with(t_min.shape)  # no unintended broadcasting
        t_max = maximum(t_min, clip_value_min, name=scope)
        t.shape.merge_with(t_max.shape)
    return t_max


def clip_by_norm(
    t: TensorLike, clip_norm: TensorLike, axes: AxisLike | None = None, name: str | None = None
) -> Tensor:
    """``t * clip_norm / max(l2norm(t), clip_norm)``, the L2 norm taken over ``axes`` (all by
    default); a zero tensor stays zero (its gradient is finite)."""
    with name_scope(name, "clip_by_norm", [t, clip_norm]) as scope:
        t = convert_to_tensor(t, name="t")
        l2sum = reduce_sum(t * t, axes, keepdims=True)
        pred = l2sum > 0
        l2sum_safe = where(pred, l2sum, ones_like(l2sum))  # sqrt's gradient is infinite at 0
        l2norm = where(pred, sqrt(l2sum_safe), l2sum)
        intermediate = t * clip_norm
        t.shape.merge_with(intermediate.shape)
        return identity(intermediate / maximum(l2norm, clip_norm), name=scope)


def _as_list(t_list):
    if not isinstance(t_list, Sequence) or isinstance(t_list, str):
        raise TypeError("t_list should be a sequence")
    return list(t_list)


def global_norm(t_list: Sequence[TensorLike], name: str | None = None) -> Tensor:
    """``sqrt(sum(l2norm(t) ** 2 for t in t_list))``; None entries are ignored."""
    t_list = _as_list(t_list)
    values = [convert_to_tensor(t) for t in t_list if t is not None]
    if not values:
        raise ValueError("global_norm needs at least one tensor")
    with name_scope(name, "global_norm", values):
        half_squared_norm = add_n([l2_loss(v) for v in values])
        two = constant(2.0, dtype=half_squared_norm.dtype)
        return sqrt(half_squared_norm * two, name="global_norm")


def clip_by_global_norm(
    t_list: Sequence[TensorLike],
    clip_norm: TensorLike,
    use_norm: TensorLike | None = None,
    name: str | None = None,
) -> tuple[list[Tensor | None], Tensor]:
    """Scales every tensor by ``clip_norm / max(global_norm, clip_norm)``.

    Returns ``(clipped list, global norm)``; None entries stay None. ``use_norm`` replaces the
    computed global norm. As TF: an infinite or NaN norm makes every clipped value NaN.
    """
    t_list = _as_list(t_list)
    if use_norm is None:
        use_norm = global_norm(t_list, name)
    use_norm = convert_to_tensor(use_norm)
    with name_scope(name, "clip_by_global_norm", [t for t in t_list if t is not None]) as scope:
        clip_norm = convert_to_tensor(clip_norm, dtype=use_norm.dtype, name="clip_norm")
        one = constant(1.0, dtype=use_norm.dtype)
        scale = clip_norm * minimum(one / use_norm, one / clip_norm)
        scale = scale + (use_norm - use_norm)  # NaN when the norm is not finite
        base = scope.rstrip("/")
        out = []
        for i, t in enumerate(t_list):
            if t is None:
                out.append(None)
                continue
            v = convert_to_tensor(t, name=f"t_{i}")
            out.append(identity(multiply(v, scale), name=f"{base}_{i}"))
    return out, use_norm  # type: ignore[return-value]  # list[Tensor | None]: None stays None


def clip_by_average_norm(t: TensorLike, clip_norm: TensorLike, name: str | None = None) -> Tensor:
    """``t * clip_norm / max(l2norm(t) / size(t), clip_norm)``: clipped so that its L2 norm
    averaged over its elements is at most ``clip_norm`` (TF 1.x's, computed as TF does:
    ``t * clip_norm * min(size / l2norm, 1 / clip_norm)``, sizes in float32)."""
    with name_scope(name, "clip_by_average_norm", [t, clip_norm]) as scope:
        t = convert_to_tensor(t, name="t")
        n = cast(size(t), _dt.float32)
        l2norm_inv = rsqrt(reduce_sum(t * t))
        factor = minimum(l2norm_inv * n, constant(1.0) / clip_norm)
        return identity(t * clip_norm * factor, name=scope)
