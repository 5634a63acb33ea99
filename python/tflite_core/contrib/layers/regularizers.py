"""``tf.contrib.layers`` regularizers (TF 1.x
``tensorflow/contrib/layers/python/layers/regularizers.py``): functions ``weights -> scalar``.

``l2_regularizer(scale)(w) = scale * sum(w ** 2) / 2`` (an op named ``.../l2_regularizer``),
``l1_regularizer(scale)(w) = scale * sum(|w|)``; a scale of 0 gives ``lambda _: None``; an
integer or negative scale is a ValueError. ``apply_regularization`` sums a regularizer over a
list of weights (default: the WEIGHTS collection) into REGULARIZATION_LOSSES.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

from ...framework.constant_op import constant, convert_to_tensor
from ...framework.graph import GraphKeys, add_to_collection, get_collection, name_scope
from ...framework.tf_logging import get_logger
from ...nn.nn_ops import l2_loss
from ...ops.math_ops import abs as _abs
from ...ops.math_ops import add_n, multiply, reduce_sum

Regularizer = Callable[[Any], Any]


def _check_scale(scale: Any, what: str = "scale") -> bool:
    """ValueError for an integer or negative scale; True when the scale is 0 (disabled)."""
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"{what} cannot be an integer: {scale}")
    if isinstance(scale, numbers.Real):
        if scale < 0.0:
            raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale:g}.")
        if scale == 0.0:
            get_logger().info("Scale of 0 disables regularizer.")
            return True
    return False


def l1_regularizer(scale: float, scope: str | None = None) -> Regularizer:
    """``weights -> scale * reduce_sum(abs(weights))``."""
    if _check_scale(scale):
        return lambda _: None

    def l1(weights):
        with name_scope(scope, "l1_regularizer", [weights]) as name:
            my_scale = convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return multiply(my_scale, reduce_sum(_abs(weights)), name=name)

    return l1


def l2_regularizer(scale: float, scope: str | None = None) -> Regularizer:
    """``weights -> scale * l2_loss(weights)`` (that is ``scale * sum(weights ** 2) / 2``).

    >>> with tf.Graph().as_default():
    ...     loss = tf.contrib.layers.l2_regularizer(0.5)(tf.constant([1.0, 2.0]))
    ...     loss.op.name, float(tf.Session().run(loss))
    ('l2_regularizer', 1.25)
    """
    if _check_scale(scale):
        return lambda _: None

    def l2(weights):
        with name_scope(scope, "l2_regularizer", [weights]) as name:
            my_scale = convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return multiply(my_scale, l2_loss(weights), name=name)

    return l2


def l1_l2_regularizer(
    scale_l1: float = 1.0, scale_l2: float = 1.0, scope: str | None = None
) -> Regularizer:
    """The sum of ``l1_regularizer(scale_l1)`` and ``l2_regularizer(scale_l2)``."""
    if isinstance(scale_l1, numbers.Integral):
        raise ValueError(f"scale_l1 cannot be an integer: {scale_l1}")
    if isinstance(scale_l2, numbers.Integral):
        raise ValueError(f"scale_l2 cannot be an integer: {scale_l2}")
    scope = scope or "l1_l2_regularizer"
    if scale_l1 == 0.0:
        return l2_regularizer(scale_l2, scope)
    if scale_l2 == 0.0:
        return l1_regularizer(scale_l1, scope)
    reg = sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)
    assert reg is not None
    return reg


def sum_regularizer(
    regularizer_list: Sequence[Regularizer | None], scope: str | None = None
) -> Regularizer | None:
    """A regularizer adding the (non-None) results of ``regularizer_list``; None when the
    list holds no regularizer."""
    regs = [r for r in regularizer_list if r is not None]
    if not regs:
        return None

    def sum_reg(weights):
        with name_scope(scope, "sum_regularizer", [weights]) as name:
            parts = [t for t in (r(weights) for r in regs) if t is not None]
            return add_n(parts, name=name) if parts else None

    return sum_reg


def apply_regularization(regularizer: Regularizer, weights_list: Sequence[Any] | None = None):
    """``add_n`` of ``regularizer`` over ``weights_list`` (default: the WEIGHTS collection),
    added to REGULARIZATION_LOSSES; ValueError with no weights or a non-scalar penalty."""
    if not weights_list:
        weights_list = get_collection(GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with name_scope("get_regularization_penalty", values=weights_list) as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [p if p is not None else constant(0.0) for p in penalties]
        for p in penalties:
            if p.get_shape().ndims != 0:
                raise ValueError(
                    "regularizer must return a scalar Tensor instead of a Tensor with rank "
                    f"{p.get_shape().ndims}."
                )
        summed = add_n(penalties, name=scope)
        add_to_collection(GraphKeys.REGULARIZATION_LOSSES, summed)
        return summed
