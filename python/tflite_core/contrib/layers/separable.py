"""``tf.contrib.layers.separable_conv2d`` (TF 1.x ``contrib/layers/python/layers/layers.py``):
variable scope ``SeparableConv2d``; ``depthwise_weights`` ``[kh, kw, in, depth_multiplier]``,
then (when ``num_outputs`` is given) ``pointwise_weights`` ``[1, 1, in * depth_multiplier,
num_outputs]``; ``biases`` unless a ``normalizer_fn`` is given. With ``num_outputs=None`` only
the depthwise convolution runs (the MobileNet form)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...framework.constant_op import convert_to_tensor
from ...nn.conv_composites import separable_conv2d as _separable_conv2d
from ...nn.conv_ops import depthwise_conv2d
from ...nn.nn_ops import bias_add, relu
from ...ops.variable_scope import variable_scope
from ..framework.arg_scope import add_arg_scope
from .layer_variables import XAVIER as _XAVIER
from .layer_variables import ZEROS as _ZEROS
from .layer_variables import layer_variable
from .utils import collect_named_outputs, n_ints


@add_arg_scope
def separable_convolution2d(
    inputs: Any,
    num_outputs: int | None,
    kernel_size: Any,
    depth_multiplier: int = 1,
    stride: Any = 1,
    padding: str = "SAME",
    data_format: str = "NHWC",
    rate: Any = 1,
    activation_fn: Callable[..., Any] | None = relu,
    normalizer_fn: Callable[..., Any] | None = None,
    normalizer_params: dict | None = None,
    weights_initializer: Any = _XAVIER,
    pointwise_initializer: Any = None,
    weights_regularizer: Any = None,
    biases_initializer: Any = _ZEROS,
    biases_regularizer: Any = None,
    reuse: Any = None,
    variables_collections: Any = None,
    outputs_collections: Any = None,
    trainable: bool = True,
    scope: Any = None,
):
    """A depthwise-separable 2-D convolution layer (see the module doc)."""
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with variable_scope(scope, "SeparableConv2d", [inputs], reuse=reuse) as sc:
        x = convert_to_tensor(inputs)
        if x.shape.ndims != 4:
            raise ValueError(f"Inputs {x.name} must have rank 4 but had {x.shape.ndims}")
        nchw = data_format == "NCHW"
        c_in = x.shape.as_list()[1 if nchw else 3]
        if c_in is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
        kh, kw = n_ints(kernel_size, 2, "kernel_size")
        sh, sw = n_ints(stride, 2, "strides")
        rates = n_ints(rate, 2, "dilation_rate")
        dtype = x.dtype.base_dtype
        strides = [1, 1, sh, sw] if nchw else [1, sh, sw, 1]
        pointwise_initializer = pointwise_initializer or weights_initializer
        dw = layer_variable(
            "depthwise_weights",
            "depthwise_kernel",
            [kh, kw, c_in, depth_multiplier],
            dtype,
            weights_initializer,
            weights_regularizer,
            trainable,
            variables_collections,
            collection_name="weights",
        )
        if num_outputs is not None:
            pw = layer_variable(
                "pointwise_weights",
                "pointwise_kernel",
                [1, 1, c_in * depth_multiplier, num_outputs],
                dtype,
                pointwise_initializer,
                weights_regularizer,
                trainable,
                variables_collections,
                collection_name="weights",
            )
            y = _separable_conv2d(
                x, dw, pw, strides, padding.upper(), rate=rates, data_format=data_format
            )
        else:
            num_outputs = depth_multiplier * c_in
            y = depthwise_conv2d(
                x, dw, strides, padding.upper(), rate=rates, data_format=data_format
            )
        if normalizer_fn is not None:
            y = normalizer_fn(y, **(normalizer_params or {}))
        elif biases_initializer is not None:
            b = layer_variable(
                "biases",
                "bias",
                [num_outputs],
                dtype,
                biases_initializer,
                biases_regularizer,
                trainable,
                variables_collections,
            )
            y = bias_add(y, b, data_format=data_format)
        if activation_fn is not None:
            y = activation_fn(y)
        return collect_named_outputs(outputs_collections, sc.name, y)


separable_conv2d = separable_convolution2d
