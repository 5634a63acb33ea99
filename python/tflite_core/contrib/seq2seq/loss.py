"""``tf.contrib.seq2seq.sequence_loss`` (TF 1.x ``contrib/seq2seq/python/ops/loss.py``): the
weighted cross-entropy of ``logits`` ``[batch, time, classes]`` against int ``targets``
``[batch, time]``, averaged (divided by the sum of ``weights``) or summed-and-divided by the
count of non-zero weights, over time, batch, both or neither."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...framework import dtypes as _dt
from ...framework.constant_op import convert_to_tensor
from ...framework.graph import name_scope
from ...nn.nn_ops import sparse_softmax_cross_entropy_with_logits
from ...ops.array_ops import cast, reshape, shape
from ...ops.math_extra_ops import count_nonzero, div_no_nan
from ...ops.math_ops import reduce_sum


def sequence_loss(
    logits: Any,
    targets: Any,
    weights: Any,
    average_across_timesteps: bool = True,
    average_across_batch: bool = True,
    sum_over_timesteps: bool = False,
    sum_over_batch: bool = False,
    softmax_loss_function: Callable[..., Any] | None = None,
    name: str | None = None,
):
    """The sequence loss (see the module doc); ValueError for wrong ranks or both an average
    and a sum over the same axis, as TF."""
    logits, targets, weights = (convert_to_tensor(t) for t in (logits, targets, weights))
    if logits.shape.ndims != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if targets.shape.ndims != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if weights.shape.ndims != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError(
            "average_across_timesteps and sum_over_timesteps cannot be set to True at same time."
        )
    if average_across_batch and sum_over_batch:
        raise ValueError(
            "average_across_batch and sum_over_batch cannot be set to True at same time."
        )
    with name_scope(name, "sequence_loss", [logits, targets, weights]):
        num_classes = shape(logits)[2]
        logits_flat = reshape(logits, [-1, num_classes])
        flat_targets = reshape(targets, [-1])
        if softmax_loss_function is None:
            crossent = sparse_softmax_cross_entropy_with_logits(
                labels=flat_targets, logits=logits_flat
            )
        else:
            crossent = softmax_loss_function(labels=flat_targets, logits=logits_flat)
        crossent *= reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return div_no_nan(reduce_sum(crossent), reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            count = cast(count_nonzero(weights), _dt.float32)
            return div_no_nan(reduce_sum(crossent), count)
        crossent = reshape(crossent, shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return div_no_nan(reduce_sum(crossent, axis=axis), reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            count = cast(count_nonzero(weights, axis=axis), _dt.float32)
            return div_no_nan(reduce_sum(crossent, axis=axis), count)
        return crossent
