"""The layer functions of ``tf.contrib.layers`` / ``tf.contrib.slim`` (TF 1.x
``tensorflow/contrib/layers/python/layers/layers.py``), written over ``get_variable`` and
``tf.nn``, with TF 1.x's scopes and variable names (the convolutions are in
:mod:`convolutional`):

* ``fully_connected``: ``fully_connected/weights`` ``[depth, num_outputs]`` and
  ``fully_connected/biases`` (none when a ``normalizer_fn`` is given), then the normalizer,
  then ``activation_fn`` (default ``relu``); inputs of rank > 2 keep their leading dimensions.
* ``max_pool2d`` / ``avg_pool2d`` (``stride=2``, ``padding='VALID'``), the 3-D forms, ``dropout``
  (``keep_prob=0.5``), ``flatten``, ``one_hot_encoding``, ``repeat``, ``stack``, ``maxout``.

Weights and biases go to GLOBAL_VARIABLES, MODEL_VARIABLES, TRAINABLE_VARIABLES (when
``trainable``) and ``variables_collections``; the output to ``outputs_collections`` with the
scope's name as alias. Every function takes defaults from ``arg_scope``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ...framework.constant_op import convert_to_tensor
from ...framework.graph import name_scope
from ...nn.conv_ops import avg_pool, max_pool
from ...nn.nn_ops import bias_add, relu, relu6
from ...nn.nn_ops import dropout as _dropout
from ...nn.pool_composites import avg_pool3d as _avg_pool3d
from ...nn.pool_composites import max_pool3d as _max_pool3d
from ...ops.array_ops import identity, reshape, shape
from ...ops.array_ops import stack as _stack
from ...ops.indexing_ops import one_hot
from ...ops.linalg_ops import tensordot
from ...ops.math_ops import matmul, reduce_max
from ...ops.variable_scope import variable_scope
from ..framework.arg_scope import add_arg_scope
from .layer_variables import XAVIER as _XAVIER
from .layer_variables import ZEROS as _ZEROS
from .layer_variables import finish, weights_and_biases
from .utils import collect_named_outputs, n_ints, smart_cond

DATA_FORMAT_NCHW = "NCHW"
DATA_FORMAT_NHWC = "NHWC"


@add_arg_scope
def fully_connected(
    inputs: Any,
    num_outputs: int,
    activation_fn: Callable[..., Any] | None = relu,
    normalizer_fn: Callable[..., Any] | None = None,
    normalizer_params: dict | None = None,
    weights_initializer: Any = _XAVIER,
    weights_regularizer: Any = None,
    biases_initializer: Any = _ZEROS,
    biases_regularizer: Any = None,
    reuse: Any = None,
    variables_collections: Any = None,
    outputs_collections: Any = None,
    trainable: bool = True,
    scope: Any = None,
):
    """``activation_fn(normalizer_fn(inputs @ weights) or inputs @ weights + biases)``.

    >>> with tf.Graph().as_default():
    ...     y = tf.contrib.layers.fully_connected(tf.ones([2, 3]), 4, scope="fc")
    ...     [v.op.name for v in tf.global_variables()], y.shape.as_list()
    (['fc/weights', 'fc/biases'], [2, 4])
    """
    if not isinstance(num_outputs, int) or isinstance(num_outputs, bool):
        raise ValueError(f"num_outputs should be int or long, got {num_outputs}.")
    with variable_scope(scope, "fully_connected", [inputs], reuse=reuse) as sc:
        x = convert_to_tensor(inputs)
        rank = x.shape.ndims
        depth = x.shape.as_list()[-1] if rank else None
        if rank is not None and rank < 2:
            raise ValueError(
                f"Input 0 of layer {sc.name} is incompatible with the layer: : expected "
                f"min_ndim=2, found ndim={rank}. Full shape received: {x.shape.as_list()}"
            )
        if depth is None:
            raise ValueError(
                "The last dimension of the inputs to `Dense` should be defined. Found `None`."
            )
        use_bias = not normalizer_fn and biases_initializer is not None
        w, b = weights_and_biases(
            [depth, num_outputs],
            num_outputs,
            x.dtype.base_dtype,
            use_bias,
            weights_initializer,
            weights_regularizer,
            biases_initializer,
            biases_regularizer,
            variables_collections,
            trainable,
        )
        assert rank is not None  # (a known depth implies a known rank)
        if rank == 2:
            y = matmul(x, w)
        else:
            y = tensordot(x, w, [[rank - 1], [0]])
            y.set_shape([*x.shape.as_list()[:-1], num_outputs])
        if b is not None:
            y = bias_add(y, b)
        return finish(y, normalizer_fn, normalizer_params, activation_fn, outputs_collections, sc)


def _pool2d(
    pool, default, inputs, kernel_size, stride, padding, data_format, outputs_collections, scope
):
    if data_format not in (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with name_scope(scope, default, [inputs]) as sc:
        x = convert_to_tensor(inputs)
        kh, kw = n_ints(kernel_size, 2, "pool_size")
        sh, sw = n_ints(stride, 2, "strides")
        if data_format == DATA_FORMAT_NCHW:
            ksize, strides = [1, 1, kh, kw], [1, 1, sh, sw]
        else:
            ksize, strides = [1, kh, kw, 1], [1, sh, sw, 1]
        y = pool(x, ksize, strides, padding.upper(), data_format=data_format)
        return collect_named_outputs(outputs_collections, sc, y)


@add_arg_scope
def max_pool2d(
    inputs: Any,
    kernel_size: Any,
    stride: Any = 2,
    padding: str = "VALID",
    data_format: str = DATA_FORMAT_NHWC,
    outputs_collections: Any = None,
    scope: Any = None,
):
    """2-D max pooling in name scope ``MaxPool2D`` (op ``MaxPool2D/MaxPool``)."""
    return _pool2d(
        max_pool,
        "MaxPool2D",
        inputs,
        kernel_size,
        stride,
        padding,
        data_format,
        outputs_collections,
        scope,
    )


@add_arg_scope
def avg_pool2d(
    inputs: Any,
    kernel_size: Any,
    stride: Any = 2,
    padding: str = "VALID",
    data_format: str = DATA_FORMAT_NHWC,
    outputs_collections: Any = None,
    scope: Any = None,
):
    """2-D average pooling in name scope ``AvgPool2D`` (op ``AvgPool2D/AvgPool``)."""
    return _pool2d(
        avg_pool,
        "AvgPool2D",
        inputs,
        kernel_size,
        stride,
        padding,
        data_format,
        outputs_collections,
        scope,
    )


def _pool3d(pool, default, inputs, kernel_size, stride, padding, data_format, outputs, scope):
    if data_format not in ("NCDHW", "NDHWC"):
        raise ValueError("data_format has to be either NCDHW or NDHWC.")
    with name_scope(scope, default, [inputs]) as sc:
        x = convert_to_tensor(inputs)
        ks = n_ints(kernel_size, 3, "pool_size")
        ss = n_ints(stride, 3, "strides")
        if data_format == "NCDHW":
            ksize, strides = [1, 1, *ks], [1, 1, *ss]
        else:
            ksize, strides = [1, *ks, 1], [1, *ss, 1]
        y = pool(x, ksize, strides, padding.upper(), data_format=data_format)
        return collect_named_outputs(outputs, sc, y)


@add_arg_scope
def max_pool3d(
    inputs: Any,
    kernel_size: Any,
    stride: Any = 2,
    padding: str = "VALID",
    data_format: str = "NDHWC",
    outputs_collections: Any = None,
    scope: Any = None,
):
    """3-D max pooling in name scope ``MaxPool3D``."""
    return _pool3d(
        _max_pool3d,
        "MaxPool3D",
        inputs,
        kernel_size,
        stride,
        padding,
        data_format,
        outputs_collections,
        scope,
    )


@add_arg_scope
def avg_pool3d(
    inputs: Any,
    kernel_size: Any,
    stride: Any = 2,
    padding: str = "VALID",
    data_format: str = "NDHWC",
    outputs_collections: Any = None,
    scope: Any = None,
):
    """3-D average pooling in name scope ``AvgPool3D``."""
    return _pool3d(
        _avg_pool3d,
        "AvgPool3D",
        inputs,
        kernel_size,
        stride,
        padding,
        data_format,
        outputs_collections,
        scope,
    )


@add_arg_scope
def dropout(
    inputs: Any,
    keep_prob: Any = 0.5,
    noise_shape: Any = None,
    is_training: Any = True,
    outputs_collections: Any = None,
    scope: Any = None,
    seed: int | None = None,
):
    """``tf.nn.dropout(inputs, rate=1 - keep_prob)`` when ``is_training`` (a bool or a bool
    tensor), else ``inputs`` unchanged; in variable scope ``Dropout``."""
    with variable_scope(scope, "Dropout", [inputs]) as sc:
        x = convert_to_tensor(inputs)
        y = smart_cond(
            is_training,
            lambda: _dropout(x, noise_shape=noise_shape, seed=seed, rate=1 - keep_prob),
            lambda: identity(x),
        )
        return collect_named_outputs(outputs_collections, sc.name, y)


@add_arg_scope
def flatten(inputs: Any, outputs_collections: Any = None, scope: Any = None):
    """``[batch, ...] -> [batch, k]`` in name scope ``Flatten``; ValueError for a rank below 2
    or unknown, as TF 1.x's contrib flatten."""
    with name_scope(scope, "Flatten", [inputs]) as sc:
        x = convert_to_tensor(inputs)
        rank = x.shape.ndims
        if rank is None or rank < 2:
            raise ValueError("Inputs must have a least 2 dimensions.")
        dims = x.shape.as_list()
        inner: int | None = 1
        for d in dims[1:]:
            inner = None if d is None or inner is None else inner * d
        batch = dims[0] if dims[0] is not None else shape(x)[0]
        y = reshape(x, _stack([batch, -1]) if dims[0] is None else [batch, -1])
        y.set_shape([dims[0], inner])
        return collect_named_outputs(outputs_collections, sc, y)


@add_arg_scope
def one_hot_encoding(
    labels: Any,
    num_classes: int,
    on_value: float = 1.0,
    off_value: float = 0.0,
    outputs_collections: Any = None,
    scope: Any = None,
):
    """``one_hot(labels, num_classes)`` (float32 1.0/0.0 by default) in scope
    ``OneHotEncoding``."""
    with name_scope(scope, "OneHotEncoding", [labels, num_classes]) as sc:
        labels = convert_to_tensor(labels)
        y = one_hot(labels, num_classes, on_value=on_value, off_value=off_value)
        return collect_named_outputs(outputs_collections, sc, y)


def _layer_name(layer: Any) -> str:
    if hasattr(layer, "__name__"):
        return layer.__name__
    if hasattr(layer, "func") and hasattr(layer.func, "__name__"):
        return layer.func.__name__
    return "repeat"


def repeat(inputs: Any, repetitions: int, layer: Callable[..., Any], *args: Any, **kwargs: Any):
    """``layer`` applied ``repetitions`` times, each in scope ``<scope>_<i>`` (``scope``
    defaults to the layer's name) inside variable scope ``scope`` (default ``Repeat``)."""
    scope = kwargs.pop("scope", None)
    with variable_scope(scope, "Repeat", [inputs]):
        outputs = convert_to_tensor(inputs)
        if scope is None:
            scope = _layer_name(layer)
        for i in range(repetitions):
            kwargs["scope"] = scope + "_" + str(i + 1)
            outputs = layer(outputs, *args, **kwargs)
        return outputs


def stack(inputs: Any, layer: Callable[..., Any], stack_args: Any, **kwargs: Any):
    """``layer`` applied once per element of ``stack_args`` (a tuple is spread as positional
    arguments), each in scope ``<scope>_<i>`` inside variable scope ``scope`` (default
    ``Stack``). ValueError when ``stack_args`` is not a list or tuple."""
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        raise ValueError("stack_args need to be a list or tuple")
    with variable_scope(scope, "Stack", [inputs]):
        outputs = convert_to_tensor(inputs)
        if scope is None:
            scope = _layer_name(layer)
        for i in range(len(stack_args)):
            kwargs["scope"] = scope + "_" + str(i + 1)
            layer_args = stack_args[i]
            if not isinstance(layer_args, (list, tuple)):
                layer_args = [layer_args]
            outputs = layer(outputs, *layer_args, **kwargs)
        return outputs


# TF 1.x: partials of fully_connected (``layer.func.__name__`` is "fully_connected")
linear = functools.partial(fully_connected, activation_fn=None)
relu_layer = functools.partial(fully_connected, activation_fn=relu)
relu6_layer = functools.partial(fully_connected, activation_fn=relu6)


def maxout(inputs: Any, num_units: int, axis: int = -1, name: str | None = None):
    """Maxout (Goodfellow et al.): the channels of ``axis`` split into ``num_units`` groups of
    consecutive ``channels // num_units``, the maximum of each group (TF 1.x's
    ``tf.contrib.layers.maxout``, in name scope ``maxout``). ValueError when the channel count
    is unknown or not a multiple of ``num_units``."""
    with name_scope(name, "maxout", [inputs]):
        x = convert_to_tensor(inputs)
        dims = x.shape.as_list()
        channels = dims[axis]
        if channels is None or channels % num_units:
            raise ValueError(
                f"number of features({channels}) is not a multiple of num_units({num_units})"
            )
        ax = axis + len(dims) if axis < 0 else axis
        new: list[Any] = list(dims)
        new[ax] = num_units
        new.append(channels // num_units)
        target: Any = new
        if any(d is None for d in new):
            dyn = shape(x)
            target = _stack([dyn[i] if d is None else d for i, d in enumerate(new)])
        return reduce_max(reshape(x, target), -1)
