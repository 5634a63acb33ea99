"""``tf.contrib.layers.batch_norm``, ``layer_norm`` and ``unit_norm`` (TF 1.x
``contrib/layers/python/layers/layers.py``).

Variables in variable scope ``BatchNorm``: ``beta`` (when ``center``), ``gamma`` (only when
``scale=True``), ``moving_mean`` and ``moving_variance`` (not trainable), all model variables.
Training (``is_training`` True or a true bool tensor) normalises with the batch's mean and
(biased) variance over every axis but the channels; inference with the moving statistics.
Each training step updates ``moving -= (moving - batch) * (1 - decay)``; the update ops go to
``updates_collections`` (UPDATE_OPS; run them with the train op), or, with
``updates_collections=None``, run before the output is produced.

As TF 1.15 runs it (the fused kernel whenever it can: rank 2 or 4, no ``batch_weights``,
``fused`` not False), the moving variance takes the batch variance with Bessel's correction
``n / (n - 1)``, and ``epsilon`` is at least ``1.001e-5``; with ``fused=False`` (and for other
ranks) the biased variance and ``epsilon`` as given. ``renorm``, ``adjustment`` and
``zero_debias_moving_mean=True`` are not provided (NotImplementedError).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...framework import dtypes as _dt
from ...framework.constant_op import convert_to_tensor
from ...framework.graph import GraphKeys, add_to_collection, control_dependencies, name_scope
from ...nn.normalization_ops import batch_normalization, moments, weighted_moments
from ...ops.array_ops import cast, identity, reshape, size
from ...ops.init_ops import ones_initializer, zeros_initializer
from ...ops.math_ops import maximum, multiply, reduce_sum, sqrt, square, subtract
from ...ops.variable_scope import variable_scope
from ...ops.variables import assign_sub
from ..framework.arg_scope import add_arg_scope
from ..framework.variables import model_variable
from .utils import collect_named_outputs, constant_value, get_variable_collections, smart_cond

DATA_FORMAT_NCHW = "NCHW"
DATA_FORMAT_NHWC = "NHWC"


def assign_moving_average(variable: Any, value: Any, decay: Any) -> Any:
    """``variable -= (variable - value) * (1 - decay)`` (TF's ``assign_moving_average``
    without zero-debiasing), in name scope ``AssignMovingAvg``."""
    with name_scope(None, "AssignMovingAvg", [variable, value, decay]) as scope:
        d = convert_to_tensor(1.0 - decay, dtype=variable.dtype.base_dtype, name="decay")
        delta = multiply(subtract(variable, value), d)
        return assign_sub(variable, delta, name=scope)


def _params(params_shape, dtype, center, scale, trainable, inits, regs, vcoll, gamma_first):
    def make(name, default_init, trainable_):
        return model_variable(
            name,
            shape=params_shape,
            dtype=dtype,
            initializer=inits.get(name, default_init),
            regularizer=regs.get(name),
            trainable=trainable_,
            collections=get_variable_collections(vcoll, name),
        )

    beta = gamma = None
    if gamma_first and scale:
        gamma = make("gamma", ones_initializer(), trainable)
    if center:
        beta = make("beta", zeros_initializer(), trainable)
    if not gamma_first and scale:
        gamma = make("gamma", ones_initializer(), trainable)
    moving_mean = make("moving_mean", zeros_initializer(), False)
    moving_variance = make("moving_variance", ones_initializer(), False)
    return beta, gamma, moving_mean, moving_variance


@add_arg_scope
def batch_norm(
    inputs: Any,
    decay: float = 0.999,
    center: bool = True,
    scale: bool = False,
    epsilon: float = 0.001,
    activation_fn: Callable[..., Any] | None = None,
    param_initializers: dict | None = None,
    param_regularizers: dict | None = None,
    updates_collections: Any = GraphKeys.UPDATE_OPS,
    is_training: Any = True,
    reuse: Any = None,
    variables_collections: Any = None,
    outputs_collections: Any = None,
    trainable: bool = True,
    batch_weights: Any = None,
    fused: bool | None = None,
    data_format: str = DATA_FORMAT_NHWC,
    zero_debias_moving_mean: bool = False,
    scope: Any = None,
    renorm: bool = False,
    renorm_clipping: Any = None,
    renorm_decay: float = 0.99,
    adjustment: Any = None,
):
    """Batch normalisation (Ioffe and Szegedy) as TF 1.x's contrib ``batch_norm``.

    >>> with tf.Graph().as_default():
    ...     y = tf.contrib.layers.batch_norm(tf.constant([[1.0], [3.0]]))
    ...     with tf.Session() as sess:
    ...         sess.run(tf.global_variables_initializer())
    ...         out, *moving = sess.run([y, *tf.get_collection(tf.GraphKeys.UPDATE_OPS)])
    >>> [f"{v:.4f}" for v in out.ravel()], [f"{m[0]:.4f}" for m in moving]
    (['-0.9995', '0.9995'], ['0.0020', '1.0010'])
    """
    if renorm or adjustment is not None or zero_debias_moving_mean:
        raise NotImplementedError(
            "batch_norm: renorm, adjustment and zero_debias_moving_mean are not supported"
        )
    if data_format not in (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    if fused is None:
        fused = True
    x = convert_to_tensor(inputs)
    rank = x.shape.ndims
    possible_to_fuse = batch_weights is None and rank in (2, 4)
    default_updates = updates_collections == GraphKeys.UPDATE_OPS
    contrib_fused = bool(fused and possible_to_fuse and (rank == 2 or not default_updates))
    layer_path = not contrib_fused and batch_weights is None and default_updates
    bessel = contrib_fused or (layer_path and bool(fused) and rank == 4)
    with variable_scope(scope, "BatchNorm", [x], reuse=reuse) as sc:
        if rank is None:
            raise ValueError(f"Inputs {x.name} has undefined rank.")
        nchw = data_format == DATA_FORMAT_NCHW and rank > 2
        dims = x.shape.as_list()
        c = dims[1] if nchw else dims[-1]
        if c is None:
            shown = [None]
            raise ValueError(f"Inputs {x.name} has undefined channels dimension {shown}.")
        axes = [0, *range(2, rank)] if nchw else list(range(rank - 1))
        dtype = x.dtype.base_dtype
        beta, gamma, moving_mean, moving_variance = _params(
            [c],
            dtype,
            center,
            scale,
            trainable,
            param_initializers or {},
            (param_regularizers or {}) if layer_path else {},
            variables_collections,
            gamma_first=layer_path,
        )
        eps = max(epsilon, 1.001e-5) if bessel else epsilon
        training_value = constant_value(is_training)
        need_updates = training_value is None or bool(training_value)
        bshape = [1, c] + [1] * (rank - 2) if nchw else None

        def bcast(t):
            return t if t is None or bshape is None else reshape(t, bshape)

        if need_updates:
            if batch_weights is None:
                mean, variance = moments(x, axes)
            else:
                w = convert_to_tensor(batch_weights)
                w = reshape(w, [-1] + [1] * (rank - 1))
                mean, variance = weighted_moments(x, axes, w)
            update_variance = variance
            if bessel:
                n_static: int | None = 1
                for a in axes:
                    d = dims[a]
                    n_static = None if n_static is None or d is None else n_static * d
                if n_static is not None:
                    update_variance = variance * (n_static / max(n_static - 1, 1))
                else:
                    n = cast(size(x), dtype) / float(c)
                    update_variance = variance * (n / maximum(n - 1.0, 1.0))

            stats = smart_cond(
                is_training,
                lambda: (mean, variance),
                lambda: (identity(moving_mean), identity(moving_variance)),
            )
            outputs = batch_normalization(
                x, bcast(stats[0]), bcast(stats[1]), bcast(beta), bcast(gamma), eps
            )
            # a bool tensor: the update moves towards the moving value itself (no change) when
            # not training; the same values as TF's update under tf.cond
            targets = smart_cond(
                is_training,
                lambda: (mean, update_variance),
                lambda: (identity(moving_mean), identity(moving_variance)),
            )
            upd = (
                assign_moving_average(moving_mean, targets[0], decay),
                assign_moving_average(moving_variance, targets[1], decay),
            )
            if updates_collections is None:
                with control_dependencies(list(upd)):
                    outputs = identity(outputs)
            else:
                colls = (
                    [updates_collections]
                    if isinstance(updates_collections, str)
                    else list(updates_collections)
                )
                for coll in colls:
                    add_to_collection(coll, upd[0])
                    add_to_collection(coll, upd[1])
        else:
            outputs = batch_normalization(
                x, bcast(moving_mean), bcast(moving_variance), bcast(beta), bcast(gamma), eps
            )
        outputs.set_shape(x.shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def layer_norm(
    inputs: Any,
    center: bool = True,
    scale: bool = True,
    activation_fn: Callable[..., Any] | None = None,
    reuse: Any = None,
    variables_collections: Any = None,
    outputs_collections: Any = None,
    trainable: bool = True,
    begin_norm_axis: int = 1,
    begin_params_axis: int = -1,
    scope: Any = None,
):
    """Layer normalisation (Ba et al.), TF 1.x's contrib ``layer_norm``: the moments over the
    axes from ``begin_norm_axis`` on, ``batch_normalization`` with them (epsilon 1e-12, 1e-3
    for float16) and ``LayerNorm/beta``, ``LayerNorm/gamma`` of shape
    ``inputs.shape[begin_params_axis:]``."""
    with variable_scope(scope, "LayerNorm", [inputs], reuse=reuse) as sc:
        x = convert_to_tensor(inputs)
        rank = x.shape.ndims
        if rank is None:
            raise ValueError(f"Inputs {x.name} has undefined rank.")
        dtype = x.dtype.base_dtype
        if begin_norm_axis < 0:
            begin_norm_axis = rank + begin_norm_axis
        if begin_params_axis >= rank or begin_norm_axis >= rank:
            raise ValueError(
                f"begin_params_axis ({begin_params_axis}) and begin_norm_axis "
                f"({begin_norm_axis}) must be < rank(inputs) ({rank})"
            )
        params_shape = x.shape[begin_params_axis:]
        if not params_shape.is_fully_defined():
            raise ValueError(
                f"Inputs {x.name}: shape(inputs)[{begin_params_axis}:] is not fully defined: "
                f"{x.shape}"
            )
        beta: Any = None
        gamma: Any = None
        if center:
            beta = model_variable(
                "beta",
                shape=params_shape,
                dtype=dtype,
                initializer=zeros_initializer(),
                collections=get_variable_collections(variables_collections, "beta"),
                trainable=trainable,
            )
        if scale:
            gamma = model_variable(
                "gamma",
                shape=params_shape,
                dtype=dtype,
                initializer=ones_initializer(),
                collections=get_variable_collections(variables_collections, "gamma"),
                trainable=trainable,
            )
        mean, variance = moments(x, list(range(begin_norm_axis, rank)), keep_dims=True)
        eps = 1e-3 if dtype == _dt.float16 else 1e-12
        outputs = batch_normalization(x, mean, variance, beta, gamma, eps)
        outputs.set_shape(x.shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def unit_norm(inputs: Any, dim: int, epsilon: float = 1e-7, scope: Any = None):
    """``inputs / sqrt(epsilon + sum(inputs ** 2, dim))`` in variable scope ``UnitNorm``;
    ValueError for an unknown rank or a ``dim`` outside it."""
    with variable_scope(scope, "UnitNorm", [inputs]):
        x = convert_to_tensor(inputs)
        rank = x.shape.ndims
        if rank is None:
            raise ValueError("The input rank must be known.")
        if dim < 0 or dim >= rank:
            raise ValueError("dim must be positive but smaller than the input rank.")
        lengths = sqrt(epsilon + reduce_sum(square(x), dim, keepdims=True))
        return x / lengths
