"""``tf.contrib.training.create_train_op`` and the gradient helpers of slim's learning module
(TF 1.x ``contrib/training/python/training/training.py``, ``contrib/slim/python/slim/
learning.py``).

``create_train_op(total_loss, optimizer)`` returns ``total_loss`` (checked for inf/NaN, in name
scope ``train_op``) run after the optimizer's update, which itself runs after the UPDATE_OPS;
the global step (made if missing) is incremented; the op is added to the TRAIN_OP collection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...framework.constant_op import constant
from ...framework.graph import (
    GraphKeys,
    Tensor,
    control_dependencies,
    get_collection,
    get_collection_ref,
    name_scope,
)
from ...framework.tf_logging import get_logger
from ...nn.clip_ops import clip_by_norm, global_norm
from ...ops.array_ops import identity
from ...ops.control_flow_ops import no_op
from ...ops.indexing_ops import IndexedSlices
from ...ops.logging_ops import check_numerics as _check_numerics
from ...ops.summary_ops import histogram, scalar
from ...ops.variables import trainable_variables
from ...training.optimizer import Optimizer
from ...training.training_util import get_or_create_global_step

_USE_GLOBAL_STEP = 0


def add_gradients_summaries(grads_and_vars: list) -> list:
    """A histogram ``<var>_gradient`` and a scalar ``<var>_gradient_norm`` per gradient."""
    out = []
    for grad, var in grads_and_vars:
        if grad is None:
            get_logger().info("Var %s has no gradient", var.op.name)
            continue
        values = grad.values if isinstance(grad, IndexedSlices) else grad
        out.append(histogram(var.op.name + "_gradient", values))
        out.append(scalar(var.op.name + "_gradient_norm", global_norm([values])))
    return out


def multiply_gradients(grads_and_vars: list, gradient_multipliers: dict) -> list:
    """Each gradient of a variable named in ``gradient_multipliers`` (by the variable or its op
    name) times its multiplier; ValueError for bad arguments or a None gradient, as TF."""
    if not isinstance(grads_and_vars, list):
        raise ValueError("`grads_and_vars` must be a list.")
    if not gradient_multipliers:
        raise ValueError("`gradient_multipliers` is empty.")
    if not isinstance(gradient_multipliers, dict):
        raise ValueError("`gradient_multipliers` must be a dict.")
    out = []
    for grad, var in grads_and_vars:
        if var in gradient_multipliers or var.op.name in gradient_multipliers:
            key = var if var in gradient_multipliers else var.op.name
            if grad is None:
                raise ValueError("Requested multiple of `None` gradient.")
            m = gradient_multipliers[key]
            if not isinstance(m, Tensor):
                m = constant(m, dtype=grad.dtype)
            if isinstance(grad, IndexedSlices):
                grad = IndexedSlices(grad.values * m, grad.indices, grad.dense_shape)
            else:
                grad = grad * m
        out.append((grad, var))
    return out


def clip_gradient_norms(gradients_to_variables: list, max_norm: float) -> list:
    """Each gradient clipped to norm ``max_norm`` on its own (``clip_by_norm``)."""
    out = []
    for grad, var in gradients_to_variables:
        if grad is not None:
            if isinstance(grad, IndexedSlices):
                grad = IndexedSlices(
                    clip_by_norm(grad.values, max_norm), grad.indices, grad.dense_shape
                )
            else:
                grad = clip_by_norm(grad, max_norm)
        out.append((grad, var))
    return out


def create_train_op(
    total_loss: Any,
    optimizer: Optimizer,
    global_step: Any = _USE_GLOBAL_STEP,
    update_ops: Any = None,
    variables_to_train: Any = None,
    transform_grads_fn: Callable[[list], list] | None = None,
    summarize_gradients: bool = False,
    gate_gradients: int = Optimizer.GATE_OP,
    aggregation_method: Any = None,
    colocate_gradients_with_ops: bool = False,
    check_numerics: bool = True,
) -> Tensor:
    """The training op for ``total_loss`` (see the module doc)."""
    if global_step is _USE_GLOBAL_STEP:
        global_step = get_or_create_global_step()
    global_update_ops = list(dict.fromkeys(get_collection(GraphKeys.UPDATE_OPS)))
    update_ops = global_update_ops if update_ops is None else list(dict.fromkeys(update_ops))
    if not all(any(u is v for v in update_ops) for u in global_update_ops):
        get_logger().warning(
            "update_ops in create_train_op does not contain all the update_ops in "
            "GraphKeys.UPDATE_OPS"
        )
    if update_ops:
        with control_dependencies(update_ops):
            barrier = no_op(name="update_barrier")
        with control_dependencies([barrier]):
            total_loss = identity(total_loss)
    if variables_to_train is None:
        variables_to_train = trainable_variables()
    if not variables_to_train:
        raise ValueError("No variables to optimize.")
    grads = optimizer.compute_gradients(
        total_loss,
        variables_to_train,
        gate_gradients=gate_gradients,
        aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops,
    )
    if transform_grads_fn:
        grads = transform_grads_fn(grads)
    if summarize_gradients:
        with name_scope("summarize_grads"):
            add_gradients_summaries(grads)
    grad_updates = optimizer.apply_gradients(grads, global_step=global_step)
    with name_scope("train_op"):
        if check_numerics:
            total_loss = _check_numerics(total_loss, "LossTensor is inf or nan")
        with control_dependencies([grad_updates]):
            train_op = identity(total_loss)
    train_ops = get_collection_ref(GraphKeys.TRAIN_OP)
    if not any(t is train_op for t in train_ops):
        train_ops.append(train_op)
    return train_op


def slim_create_train_op(
    total_loss: Any,
    optimizer: Optimizer,
    global_step: Any = _USE_GLOBAL_STEP,
    update_ops: Any = None,
    variables_to_train: Any = None,
    clip_gradient_norm: float = 0,
    summarize_gradients: bool = False,
    gate_gradients: int = Optimizer.GATE_OP,
    aggregation_method: Any = None,
    colocate_gradients_with_ops: bool = False,
    gradient_multipliers: dict | None = None,
    check_numerics: bool = True,
) -> Tensor:
    """``slim.learning.create_train_op``: ``create_train_op`` with the gradients multiplied
    (``gradient_multipliers``) and each clipped to ``clip_gradient_norm`` (when > 0)."""

    def transform_grads_fn(grads):
        if gradient_multipliers:
            with name_scope("multiply_grads"):
                grads = multiply_gradients(grads, gradient_multipliers)
        if clip_gradient_norm > 0:
            with name_scope("clip_grads"):
                grads = clip_gradient_norms(grads, clip_gradient_norm)
        return grads

    return create_train_op(
        total_loss,
        optimizer,
        global_step=global_step,
        update_ops=update_ops,
        variables_to_train=variables_to_train,
        transform_grads_fn=transform_grads_fn,
        summarize_gradients=summarize_gradients,
        gate_gradients=gate_gradients,
        aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops,
        check_numerics=check_numerics,
    )
