"""``tf.nn``'s composites of other ops, as TF writes them in ``nn_impl.py``/``nn_ops.py``: the
activations ``crelu``, ``swish``/``silu``, the dense helpers ``xw_plus_b``/``relu_layer``, and
the losses ``weighted_cross_entropy_with_logits`` and ``log_poisson_loss``.

>>> import tflite_core as tf
>>> with tf.Session() as sess:
...     print(sess.run(tf.nn.crelu([[-1.0, 2.0]])))
[[0. 2. 1. 0.]]
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..ops.array_ops import concat, ones_like, zeros_like
from ..ops.indexing_ops import where
from ..ops.math_extra_ops import log1p, logical_and
from ..ops.math_ops import abs as _abs
from ..ops.math_ops import add, exp, log, matmul, multiply, sigmoid
from .nn_ops import bias_add, relu

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


def crelu(features: TensorLike, name: str | None = None, axis: int = -1) -> Tensor:
    """``relu(concat([features, -features], axis))``: twice the channels."""
    with name_scope(name, "CRelu", [features]):
        features = convert_to_tensor(features, name="features")
        c = concat([features, -features], axis, name="concat")
        return relu(c)


def swish(features: TensorLike, beta: float = 1.0, name: str | None = None) -> Tensor:
    """``features * sigmoid(beta * features)`` (SiLU for beta 1)."""
    with name_scope(name, "swish", [features]):
        features = convert_to_tensor(features, name="features")
        b = convert_to_tensor(beta, dtype=features.dtype, name="beta")
        return multiply(features, sigmoid(b * features))


silu = swish


def xw_plus_b(x: TensorLike, weights: TensorLike, biases: TensorLike, name=None) -> Tensor:
    """``matmul(x, weights) + biases``."""
    with name_scope(name, "xw_plus_b", [x, weights, biases]) as name:
        x, weights = convert_to_tensor(x, name="x"), convert_to_tensor(weights, name="weights")
        biases = convert_to_tensor(biases, name="biases")
        return bias_add(matmul(x, weights), biases, name=name)


def relu_layer(x: TensorLike, weights: TensorLike, biases: TensorLike, name=None) -> Tensor:
    """``relu(matmul(x, weights) + biases)``."""
    with name_scope(name, "relu_layer", [x, weights, biases]) as name:
        x, weights = convert_to_tensor(x, name="x"), convert_to_tensor(weights, name="weights")
        biases = convert_to_tensor(biases, name="biases")
        return relu(bias_add(matmul(x, weights), biases), name=name)


def weighted_cross_entropy_with_logits(
    labels=None, logits=None, pos_weight=None, name=None, targets=None
) -> Tensor:
    """Sigmoid cross-entropy whose positive term is weighted by ``pos_weight``, in TF's stable
    form ``(1 - z) x + (1 + (q - 1) z) (log1p(exp(-|x|)) + relu(-x))``."""
    if targets is not None:
        if labels is not None:
            raise ValueError("Cannot specify both 'labels' and 'targets'")
        labels = targets
    with name_scope(name, "logistic_loss", [logits, labels]) as name:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, name="labels")
        try:
            labels.get_shape().assert_is_compatible_with(logits.get_shape())
        except ValueError as e:
            raise ValueError(
                "`logits` and `labels` must have the same shape, received "
                f"({logits.get_shape()} vs {labels.get_shape()})."
            ) from e
        log_weight = 1 + (pos_weight - 1) * labels
        return add(
            (1 - labels) * logits,
            log_weight * (log1p(exp(-_abs(logits))) + relu(-logits)),
            name=name,
        )


def log_poisson_loss(
    targets: TensorLike, log_input: TensorLike, compute_full_loss: bool = False, name=None
) -> Tensor:
    """``exp(log_input) - log_input * targets``, plus Stirling's approximation of
    ``log(targets!)`` for targets above 1 with ``compute_full_loss``."""
    with name_scope(name, "log_poisson_loss", [targets, log_input]):
        log_input = convert_to_tensor(log_input, name="log_input")
        targets = convert_to_tensor(targets, name="targets")
        try:
            targets.get_shape().assert_is_compatible_with(log_input.get_shape())
        except ValueError as e:
            raise ValueError(
                "`log_input` and `targets` must have the same shape, received "
                f"({log_input.get_shape()} vs {targets.get_shape()})."
            ) from e
        result = exp(log_input) - log_input * targets
        if compute_full_loss:
            point_five = constant(0.5, dtype=targets.dtype)
            two_pi = constant(2 * math.pi, dtype=targets.dtype)
            stirling = targets * log(targets) - targets + point_five * log(two_pi * targets)
            zeros, ones = zeros_like(targets), ones_like(targets)
            cond = logical_and(targets >= zeros, targets <= ones)
            result += where(cond, zeros, stirling)
        return result
