"""``tf.nn.compute_average_loss`` and ``tf.nn.scale_regularization_loss``: TF's per-replica loss
scaling for distributed training, here with one replica (tflite_core runs no distribution
strategy, so the replica count is always 1, as under TF's default strategy)."""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, control_dependencies
from ..ops import check_ops
from ..ops.array_ops import cast, expand_dims, rank, shape, squeeze
from ..ops.math_extra_ops import div_no_nan
from ..ops.math_ops import reduce_sum

_NUM_REPLICAS = 1


def _scale_by_sample_weight(losses: Tensor, sample_weight: Tensor) -> Tensor:
    """TF's ``scale_losses_by_sample_weight``: both in float32; a weight with one dimension more
    (or less) than the losses loses (or gains) its last one."""
    losses = cast(losses, _dt.float32)
    sample_weight = cast(sample_weight, _dt.float32)
    lr, wr = losses.shape.ndims, sample_weight.shape.ndims
    if lr is not None and wr is not None and wr != 0:
        if wr - lr == 1:
            sample_weight = squeeze(sample_weight, [-1])
        elif wr - lr == -1:
            sample_weight = expand_dims(sample_weight, -1)
    return losses * sample_weight


def compute_average_loss(
    per_example_loss: Any, sample_weight: Any = None, global_batch_size: Any = None
) -> Tensor:
    """``sum(per_example_loss * sample_weight) / global_batch_size`` (``div_no_nan``: 0 for a
    batch size of 0); the batch size defaults to the loss's first dimension times the number of
    replicas (1 here). A scalar loss is a ``ValueError``; a batch size that is not an integer
    scalar a ``TypeError``/``ValueError``, as in TF."""
    per_example_loss = convert_to_tensor(per_example_loss)
    input_dtype = per_example_loss.dtype
    loss_rank = per_example_loss.shape.ndims
    if loss_rank == 0:
        raise ValueError(
            "Invalid value passed for `per_example_loss`. Expected a tensor with at least rank "
            f"1. Received per_example_loss={per_example_loss} with rank {loss_rank}"
        )
    deps = []
    if loss_rank is None:
        deps.append(
            check_ops.assert_greater_equal(
                rank(per_example_loss),
                convert_to_tensor(1, dtype=_dt.int32),
                message="Invalid value passed for `per_example_loss`. Expected a tensor with at "
                "least rank 1.",
            )
        )
    with control_dependencies(deps):
        if sample_weight is not None:
            sample_weight = convert_to_tensor(sample_weight)
            per_example_loss = _scale_by_sample_weight(per_example_loss, sample_weight)
        per_example_loss = cast(per_example_loss, input_dtype)
        if global_batch_size is None:
            global_batch_size = shape(per_example_loss)[0] * _NUM_REPLICAS
        check_ops.assert_scalar(global_batch_size, message="global_batch_size must be scalar.")
        check_ops.assert_integer(global_batch_size, message="global_batch_size must be an integer.")
        # (as in TF's graph mode, nothing waits on this assert: it only fails a known value)
        check_ops.assert_non_negative(
            global_batch_size, message="global_batch_size must be non-negative."
        )
        loss = reduce_sum(per_example_loss)
        global_batch_size = cast(global_batch_size, input_dtype)
        return div_no_nan(loss, global_batch_size)


def scale_regularization_loss(regularization_loss: Any) -> Tensor:
    """``reduce_sum(regularization_loss) / num_replicas`` (1 replica here)."""
    return reduce_sum(regularization_loss) / _NUM_REPLICAS
