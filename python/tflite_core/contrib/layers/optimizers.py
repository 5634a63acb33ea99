"""``tf.contrib.layers.optimize_loss`` (TF 1.x ``contrib/layers/python/layers/optimizers.py``):
one call that builds the training op for a loss.

In variable scope ``OptimizeLoss`` (``name``): the UPDATE_OPS run before the loss is used; a
float ``learning_rate`` becomes the non-trainable variable ``OptimizeLoss/learning_rate`` (a
scalar tensor is used as it is); ``optimizer`` is a name of ``OPTIMIZER_CLS_NAMES`` ('SGD',
'Adam', 'Adagrad', 'Ftrl', 'Momentum' (momentum 0.9), 'RMSProp'), an Optimizer class (called with
``learning_rate=``), an instance, or a function of the learning rate returning one. Gradients
may be multiplied, clipped by global norm (a float ``clip_gradients``) or by a function of the
``(gradient, variable)`` list; ``summaries`` (default loss, learning_rate,
global_gradient_norm) are written as TF writes them. Returns the loss, run after the update.
"""

from __future__ import annotations

from typing import Any

from ...framework.constant_op import convert_to_tensor
from ...framework.graph import GraphKeys, Tensor, control_dependencies, get_collection
from ...nn.clip_ops import clip_by_global_norm, global_norm
from ...ops.array_ops import identity
from ...ops.indexing_ops import IndexedSlices
from ...ops.init_ops import constant_initializer
from ...ops.math_ops import multiply
from ...ops.random_ops import truncated_normal
from ...ops.summary_ops import histogram, scalar
from ...ops.variable_scope import get_variable, variable_scope
from ...ops.variables import Variable, trainable_variables
from ...training.optimizer import GradientDescentOptimizer, Optimizer
from ...training.optimizers import (
    AdagradOptimizer,
    AdamOptimizer,
    MomentumOptimizer,
    RMSPropOptimizer,
)
from ...training.proximal_optimizers import FtrlOptimizer
from ...training.training_util import get_global_step

OPTIMIZER_CLS_NAMES: dict[str, Any] = {
    "Adagrad": AdagradOptimizer,
    "Adam": AdamOptimizer,
    "Ftrl": FtrlOptimizer,
    "Momentum": lambda learning_rate: MomentumOptimizer(learning_rate, momentum=0.9),
    "RMSProp": RMSPropOptimizer,
    "SGD": GradientDescentOptimizer,
}

OPTIMIZER_SUMMARIES = [
    "learning_rate",
    "loss",
    "gradients",
    "gradient_norm",
    "global_gradient_norm",
]


def _with_dependencies(deps: list[Any], output: Tensor) -> Tensor:
    with control_dependencies(deps):
        return identity(output)


def _multiply_gradients(grads_and_vars, gradient_multipliers):
    out = []
    for grad, var in grads_and_vars:
        if grad is not None and (var in gradient_multipliers or var.name in gradient_multipliers):
            key = var if var in gradient_multipliers else var.name
            m = convert_to_tensor(gradient_multipliers[key], dtype=grad.dtype)
            if isinstance(grad, IndexedSlices):
                grad = IndexedSlices(grad.values * m, grad.indices, grad.dense_shape)
            else:
                grad = multiply(grad, m)
        out.append((grad, var))
    return out


def _add_scaled_noise_to_gradients(grads_and_vars, gradient_noise_scale):
    """Each gradient plus ``truncated_normal(its shape) * gradient_noise_scale``."""
    out = []
    for grad, var in grads_and_vars:
        if grad is None:
            out.append((None, var))
            continue
        shape: Any = grad.dense_shape if isinstance(grad, IndexedSlices) else grad.get_shape()
        out.append((grad + truncated_normal(shape) * gradient_noise_scale, var))
    return out


def _clip_gradients_by_norm(grads_and_vars, clip_gradients):
    grads, variables = zip(*grads_and_vars)
    clipped, _ = clip_by_global_norm(list(grads), clip_gradients)
    return list(zip(clipped, variables))


def _make_optimizer(optimizer, lr, learning_rate):
    if isinstance(optimizer, str):
        if lr is None:
            raise ValueError(
                "Learning rate is None, but should be specified if optimizer is string "
                f"({optimizer})."
            )
        if optimizer not in OPTIMIZER_CLS_NAMES:
            raise ValueError(
                f"Optimizer name should be one of [{', '.join(OPTIMIZER_CLS_NAMES)}], you "
                f"provided {optimizer}."
            )
        return OPTIMIZER_CLS_NAMES[optimizer](learning_rate=lr)
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        if lr is None:
            raise ValueError(
                "Learning rate is None, but should be specified if optimizer is class "
                f"({optimizer})."
            )
        cls: Any = optimizer
        return cls(learning_rate=lr)
    if isinstance(optimizer, Optimizer):
        return optimizer
    if callable(optimizer):
        opt = optimizer(lr) if learning_rate is not None else optimizer()
        if not isinstance(opt, Optimizer):
            raise ValueError(
                f"Unrecognized optimizer: function should return subclass of Optimizer. Got {opt}."
            )
        return opt
    raise ValueError(
        "Unrecognized optimizer: should be string, subclass of Optimizer, instance of "
        f"subclass of Optimizer or function with one argument. Got {optimizer}."
    )


def optimize_loss(
    loss: Any,
    global_step: Any,
    learning_rate: Any,
    optimizer: Any,
    gradient_noise_scale: float | None = None,
    gradient_multipliers: dict | None = None,
    clip_gradients: Any = None,
    learning_rate_decay_fn: Any = None,
    update_ops: Any = None,
    variables: Any = None,
    name: str | None = None,
    summaries: Any = None,
    colocate_gradients_with_ops: bool = False,
    increment_global_step: bool = True,
) -> Tensor:
    """Builds the training op: returns ``loss`` run after the optimizer's update."""
    loss = convert_to_tensor(loss)
    if loss.shape.ndims not in (None, 0):
        raise ValueError(f"Expected scalar shape for {loss.name}, saw shape: {loss.shape}.")
    if global_step is None:
        global_step = get_global_step()
    elif not isinstance(global_step, (Variable, Tensor)) or not global_step.dtype.is_integer:
        raise TypeError(f'Existing "global_step" does not have integer type: {global_step}')
    with variable_scope(name, "OptimizeLoss", [loss, global_step]):
        if update_ops is None:
            update_ops = list(dict.fromkeys(get_collection(GraphKeys.UPDATE_OPS)))
        if update_ops:
            loss = _with_dependencies(list(update_ops), loss)

        lr = None
        if learning_rate is not None:
            if isinstance(learning_rate, (Tensor, Variable)) and learning_rate.shape.ndims == 0:
                lr = learning_rate
            elif isinstance(learning_rate, float):
                if learning_rate < 0.0:
                    raise ValueError("Invalid learning_rate %s.", learning_rate)
                lr = get_variable(
                    "learning_rate",
                    [],
                    trainable=False,
                    initializer=constant_initializer(learning_rate),
                )
            else:
                raise ValueError(
                    f"Learning rate should be 0d Tensor or float. Got {learning_rate} of type "
                    f"{type(learning_rate)}"
                )
        if summaries is None:
            summaries = ["loss", "learning_rate", "global_gradient_norm"]
        else:
            for summ in summaries:
                if summ not in OPTIMIZER_SUMMARIES:
                    raise ValueError(
                        f"Summaries should be one of [{', '.join(OPTIMIZER_SUMMARIES)}], you "
                        f"provided {summ}."
                    )
        if learning_rate is not None and learning_rate_decay_fn is not None:
            if global_step is None:
                raise ValueError("global_step is required for learning_rate_decay_fn.")
            lr = learning_rate_decay_fn(lr, global_step)
            if "learning_rate" in summaries:
                scalar("learning_rate", lr)

        opt = _make_optimizer(optimizer, lr, learning_rate)
        if variables is None:
            variables = trainable_variables()
        grads = opt.compute_gradients(
            loss, variables, colocate_gradients_with_ops=colocate_gradients_with_ops
        )
        if gradient_noise_scale is not None:
            grads = _add_scaled_noise_to_gradients(grads, gradient_noise_scale)
        if gradient_multipliers is not None:
            grads = _multiply_gradients(grads, gradient_multipliers)
            if not grads:
                raise ValueError(
                    "Empty list of (gradient, var) pairs encountered. This is most likely to be "
                    "caused by an improper value of gradient_multipliers."
                )
        if "global_gradient_norm" in summaries or "gradient_norm" in summaries:
            scalar("global_norm/gradient_norm", global_norm([g for g, _ in grads]))
        if isinstance(clip_gradients, float):
            grads = _clip_gradients_by_norm(grads, clip_gradients)
        elif callable(clip_gradients):
            grads = clip_gradients(grads)
        elif clip_gradients is not None:
            raise ValueError(f"Unknown type {type(clip_gradients)} for clip_gradients")
        if "loss" in summaries:
            scalar("loss", loss)
        for grad, var in grads:
            values = grad.values if isinstance(grad, IndexedSlices) else grad
            if values is not None:
                var_name = var.name.replace(":", "_")
                if "gradients" in summaries:
                    histogram(f"gradients/{var_name}", values)
                if "gradient_norm" in summaries:
                    scalar(f"gradient_norm/{var_name}", global_norm([values]))
        if clip_gradients is not None and (
            "global_gradient_norm" in summaries or "gradient_norm" in summaries
        ):
            scalar("global_norm/clipped_gradient_norm", global_norm([g for g, _ in grads]))
        grad_updates = opt.apply_gradients(
            grads, global_step=global_step if increment_global_step else None, name="train"
        )
        return _with_dependencies([grad_updates], loss)
