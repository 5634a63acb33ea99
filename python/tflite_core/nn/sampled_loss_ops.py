"""Sampled losses for large vocabularies (TF 1.x ``nn_impl``): ``nce_loss``,
``sampled_softmax_loss`` and ``sigmoid_cross_entropy_with_logits``, composed from existing ops
(their gradients come for free; the weights' gradients are ``IndexedSlices``).

>>> x = tf.constant([[1.0, -2.0]])
>>> with tf.Session() as sess:
...     print(sess.run(tf.nn.sigmoid_cross_entropy_with_logits(labels=[[1.0, 0.0]], logits=x)))
[[0.31326166 0.12692805]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import name_scope
from ..framework.op_util import to_tensors
from ..ops.array_ops import cast, concat, expand_dims, ones_like, reshape, stop_gradient, zeros_like
from ..ops.math_ops import abs as _abs
from ..ops.math_ops import equal, exp, log, matmul, reduce_max, reduce_sum
from .candidate_sampling_ops import log_uniform_candidate_sampler
from .embedding_ops import embedding_lookup
from .nn_ops import relu, softmax_cross_entropy_with_logits_v2

if TYPE_CHECKING:
    from ..framework.graph import Tensor
    from ..framework.type_aliases import (
        TensorLike,
    )


def sigmoid_cross_entropy_with_logits(
    _sentinel: Any = None,
    labels: TensorLike | None = None,
    logits: TensorLike | None = None,
    name: str | None = None,
) -> Tensor:
    """Elementwise ``labels * -log(sigmoid(logits)) + (1 - labels) * -log(1 - sigmoid(logits))``,
    computed as TF does: ``max(x, 0) - x * z + log(1 + exp(-|x|))``."""
    if _sentinel is not None:
        raise ValueError("Only call `sigmoid_cross_entropy_with_logits` with named arguments")
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    logits, labels = to_tensors([logits, labels])
    with name_scope(name, "logistic_loss", [logits, labels]):
        if not logits.shape.is_compatible_with(labels.shape):
            raise ValueError(
                f"logits and labels must have the same shape ({logits.shape} vs {labels.shape})"
            )
        return relu(logits) - logits * labels + log(1.0 + exp(-_abs(logits)))


def _compute_sampled_logits(
    weights,
    biases,
    labels,
    inputs,
    num_sampled,
    num_classes,
    num_true,
    sampled_values,
    subtract_log_q,
    remove_accidental_hits,
    partition_strategy,
    name,
    seed=None,
):
    """TF 1.x ``_compute_sampled_logits``: logits ``[batch, num_true + num_sampled]`` and labels
    (``1 / num_true`` for the true classes, 0 for the sampled ones)."""
    if isinstance(weights, (list, tuple)) and len(weights) == 1:
        weights = weights[0]
    with name_scope(name, "compute_sampled_logits", [weights, biases, inputs, labels]):
        labels = convert_to_tensor(labels)
        if labels.dtype != _dt.int64:
            labels = cast(labels, _dt.int64)
        labels_flat = reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(
                labels, num_true, num_sampled, True, num_classes, seed=seed
            )
        sampled, true_expected, sampled_expected = (
            stop_gradient(convert_to_tensor(s)) for s in sampled_values
        )
        if sampled.dtype != _dt.int64:
            sampled = cast(sampled, _dt.int64)
        inputs = convert_to_tensor(inputs)
        dt = inputs.dtype
        true_w = embedding_lookup(weights, labels_flat, partition_strategy)  # [B*T, D]
        sampled_w = embedding_lookup(weights, sampled, partition_strategy)  # [S, D]
        true_b = embedding_lookup(biases, labels_flat)
        sampled_b = embedding_lookup(biases, sampled)
        dim = inputs.shape.as_list()[-1]
        # row-wise dot of each input with its num_true true weights
        true_logits = reduce_sum(
            expand_dims(inputs, 1) * reshape(true_w, [-1, num_true, dim]), axis=2
        ) + reshape(true_b, [-1, num_true])
        sampled_logits = matmul(inputs, sampled_w, transpose_b=True) + sampled_b
        if remove_accidental_hits:
            # a sampled class that is one of the row's true classes gets logit -FLT_MAX
            hit = equal(expand_dims(labels, 2), reshape(sampled, [1, 1, -1]))  # [B, T, S]
            hit = reduce_max(cast(hit, dt), axis=1)
            sampled_logits += hit * float(-np.finfo(np.float32).max)
        if subtract_log_q:
            true_logits -= log(cast(true_expected, dt))
            sampled_logits -= log(cast(sampled_expected, dt))
        out_logits = concat([true_logits, sampled_logits], 1)
        out_labels = concat(
            [ones_like(true_logits) / float(num_true), zeros_like(sampled_logits)], 1
        )
        return out_logits, out_labels


def _labels_inputs(labels, inputs):
    """The deck's ``nce_loss(w, b, embed, labels, ...)`` (TF 0.x order) as well as TF 1.x's
    ``(w, b, labels, inputs, ...)``: told apart by dtype (labels are integer, inputs float)."""
    lt, it = convert_to_tensor(labels), convert_to_tensor(inputs)
    if lt.dtype.is_floating and it.dtype.is_integer:
        return it, lt
    return lt, it


def nce_loss(
    weights: TensorLike,
    biases: TensorLike,
    labels: TensorLike,
    inputs: Any,
    num_sampled: int,
    num_classes: int,
    num_true: int = 1,
    sampled_values: Any = None,
    remove_accidental_hits: bool = False,
    partition_strategy: str = "mod",
    name: str = "nce_loss",
) -> Tensor:
    """Noise-contrastive estimation loss per example, ``[batch]`` (TF 1.x).

    Logistic loss of the true classes (label 1) and ``num_sampled`` classes drawn by
    ``log_uniform_candidate_sampler`` (label 0), each logit ``x . w_c + b_c - log(Q(c))``.
    As the deck's slide 32, ``nce_loss(nce_weights, nce_biases, embed, train_labels,
    num_sampled, vocabulary_size)`` (inputs before labels) is accepted too.

    Args:
        weights: ``[num_classes, dim]`` (a Variable or tensor, or a list holding one).
        biases: ``[num_classes]``.
        labels: int ``[batch, num_true]``.
        inputs: float ``[batch, dim]``.
        sampled_values: ``(sampled, true_expected_count, sampled_expected_count)`` or None.
    """
    labels, inputs = _labels_inputs(labels, inputs)
    logits, lab = _compute_sampled_logits(
        weights,
        biases,
        labels,
        inputs,
        num_sampled,
        num_classes,
        num_true,
        sampled_values,
        True,
        remove_accidental_hits,
        partition_strategy,
        name,
    )
    losses = sigmoid_cross_entropy_with_logits(labels=lab, logits=logits, name="sampled_losses")
    return reduce_sum(losses, axis=1)


def sampled_softmax_loss(
    weights: TensorLike,
    biases: TensorLike,
    labels: TensorLike,
    inputs: Any,
    num_sampled: int,
    num_classes: int,
    num_true: int = 1,
    sampled_values: Any = None,
    remove_accidental_hits: bool = True,
    partition_strategy: str = "mod",
    name: str = "sampled_softmax_loss",
    seed: int | None = None,
) -> Tensor:
    """Sampled softmax loss per example, ``[batch]`` (TF 1.x): softmax cross-entropy over the
    true classes and ``num_sampled`` sampled ones, logits corrected by ``-log(Q(c))``; sampled
    classes equal to a true class are removed by default (``remove_accidental_hits``)."""
    labels, inputs = _labels_inputs(labels, inputs)
    logits, lab = _compute_sampled_logits(
        weights,
        biases,
        labels,
        inputs,
        num_sampled,
        num_classes,
        num_true,
        sampled_values,
        True,
        remove_accidental_hits,
        partition_strategy,
        name,
        seed=seed,
    )
    return softmax_cross_entropy_with_logits_v2(labels=stop_gradient(lab), logits=logits)
