"""The convolution layers of ``tf.contrib.layers`` / ``tf.contrib.slim`` (TF 1.x
``tensorflow/contrib/layers/python/layers/layers.py``): ``convolution`` (and
``convolution1d/2d/3d``, ``conv1d/2d/3d``) in variable scope ``Conv``, weights
``[*kernel_size, in, out]`` and ``biases``, ``stride`` 1, ``padding='SAME'``, ``rate``
(dilation); ``conv2d_transpose`` in ``Conv2d_transpose`` with weights ``[kh, kw, out, in]``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...framework.constant_op import convert_to_tensor
from ...nn.conv3d_ops import conv3d as _conv3d
from ...nn.conv_composites import conv1d as _conv1d
from ...nn.conv_composites import conv2d_transpose as _conv2d_transpose
from ...nn.conv_ops import conv2d as _conv2d
from ...nn.nn_ops import bias_add, relu
from ...ops.array_ops import shape
from ...ops.array_ops import stack as _stack
from ...ops.variable_scope import variable_scope
from ..framework.arg_scope import add_arg_scope
from .layer_variables import XAVIER as _XAVIER
from .layer_variables import ZEROS as _ZEROS
from .layer_variables import finish, weights_and_biases
from .utils import n_ints

DATA_FORMAT_NCHW = "NCHW"
DATA_FORMAT_NHWC = "NHWC"


_FORMATS = (None, "NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW")


def _conv_checks(data_format, padding):
    if data_format not in _FORMATS:
        raise ValueError(f"Invalid data_format: {data_format!r}")
    if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
        raise ValueError(
            'The `padding` argument must be one of "valid", "same" (or "causal", only for '
            f"`Conv1D). Received: {padding}"
        )


def _conv(x, w, n, strides, rates, padding, data_format):
    """The N-d convolution op (N = 1, 2, 3) as the layer classes call it."""
    if n == 1:
        return _conv1d(
            x,
            w,
            stride=strides[0],
            padding=padding,
            data_format=data_format or "NWC",
            dilations=rates[0],
        )
    if n == 2:
        return _conv2d(
            x,
            w,
            strides=strides,
            padding=padding,
            data_format=data_format or "NHWC",
            dilations=rates,
        )
    return _conv3d(
        x,
        w,
        strides=[1, *strides, 1],
        padding=padding,
        data_format=data_format or "NDHWC",
        dilations=[1, *rates, 1],
    )


@add_arg_scope
def convolution(
    inputs: Any,
    num_outputs: int,
    kernel_size: Any,
    stride: Any = 1,
    padding: str = "SAME",
    data_format: str | None = None,
    rate: Any = 1,
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
    conv_dims: int | None = None,
):
    """An N-d convolution layer for inputs of rank N + 2 (N = 1, 2, 3):
    ``activation_fn(conv(inputs, weights, stride, padding, dilations=rate) + biases)``.
    ValueError for a rank ``conv_dims`` does not allow, a rank outside 3..5, strides and rates
    both above 1, or an unknown channel count, as TF."""
    _conv_checks(data_format, padding)
    with variable_scope(scope, "Conv", [inputs], reuse=reuse) as sc:
        x = convert_to_tensor(inputs)
        rank = x.shape.ndims
        if conv_dims is not None and rank is not None and conv_dims + 2 != rank:
            raise ValueError(f"Convolution expects input with rank {conv_dims + 2}, got {rank}")
        if rank not in (3, 4, 5):
            raise ValueError(f"Convolution not supported for input with rank {rank}")
        n = rank - 2
        ks = n_ints(kernel_size, n, "kernel_size")
        ss = n_ints(stride, n, "strides")
        rs = n_ints(rate, n, "dilation_rate")
        if max(ss) > 1 and max(rs) > 1:
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
        channels_first = bool(data_format) and str(data_format).startswith("NC")
        c_in = x.shape.as_list()[1 if channels_first else -1]
        if c_in is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
        use_bias = not normalizer_fn and biases_initializer is not None
        w, b = weights_and_biases(
            [*ks, c_in, num_outputs],
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
        y = _conv(x, w, n, ss, rs, padding.upper(), data_format)
        if b is not None:
            y = bias_add(y, b, data_format="NCHW" if channels_first else None)
        return finish(y, normalizer_fn, normalizer_params, activation_fn, outputs_collections, sc)


def _fixed_dims(conv_dims: int, name: str) -> Callable[..., Any]:
    def conv(
        inputs: Any,
        num_outputs: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: str = "SAME",
        data_format: str | None = None,
        rate: Any = 1,
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
        return convolution(
            inputs,
            num_outputs,
            kernel_size,
            stride,
            padding,
            data_format,
            rate,
            activation_fn,
            normalizer_fn,
            normalizer_params,
            weights_initializer,
            weights_regularizer,
            biases_initializer,
            biases_regularizer,
            reuse,
            variables_collections,
            outputs_collections,
            trainable,
            scope,
            conv_dims=conv_dims,
        )

    conv.__name__ = conv.__qualname__ = name
    conv.__doc__ = f"``convolution`` of a rank-{conv_dims + 2} input (``conv_dims={conv_dims}``)."
    return add_arg_scope(conv)


convolution1d = _fixed_dims(1, "convolution1d")
convolution2d = _fixed_dims(2, "convolution2d")
convolution3d = _fixed_dims(3, "convolution3d")
conv1d, conv2d, conv3d = convolution1d, convolution2d, convolution3d


def _deconv_length(n, k, padding, s):
    if n is None:
        return None
    n *= s
    return n + max(k - s, 0) if padding == "VALID" else n


@add_arg_scope
def convolution2d_transpose(
    inputs: Any,
    num_outputs: int,
    kernel_size: Any,
    stride: Any = 1,
    padding: str = "SAME",
    data_format: str = DATA_FORMAT_NHWC,
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
    """The transposed 2-D convolution: ``Conv2d_transpose/weights`` ``[kh, kw, out, in]``;
    output size ``in * stride`` (SAME) or ``in * stride + max(k - stride, 0)`` (VALID)."""
    with variable_scope(scope, "Conv2d_transpose", [inputs], reuse=reuse) as sc:
        if data_format not in (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC):
            raise ValueError("data_format has to be either NCHW or NHWC.")
        _conv_checks(data_format, padding)
        x = convert_to_tensor(inputs)
        if x.shape.ndims != 4:
            raise ValueError(
                f"Input 0 of layer {sc.name} is incompatible with the layer: expected ndim=4, "
                f"found ndim={x.shape.ndims}. Full shape received: {x.shape}"
            )
        kh, kw = n_ints(kernel_size, 2, "kernel_size")
        sh, sw = n_ints(stride, 2, "strides")
        nchw = data_format == DATA_FORMAT_NCHW
        dims = x.shape.as_list()
        c_in = dims[1 if nchw else 3]
        if c_in is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
        use_bias = not normalizer_fn and biases_initializer is not None
        w, b = weights_and_biases(
            [kh, kw, num_outputs, c_in],
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
        pad = padding.upper()
        h_ax, w_ax = (2, 3) if nchw else (1, 2)
        dyn = shape(x)
        out_h = _deconv_length(dims[h_ax], kh, pad, sh)
        out_w = _deconv_length(dims[w_ax], kw, pad, sw)
        oh = out_h if out_h is not None else _deconv_length(dyn[h_ax], kh, pad, sh)
        ow = out_w if out_w is not None else _deconv_length(dyn[w_ax], kw, pad, sw)
        parts = [dyn[0], num_outputs, oh, ow] if nchw else [dyn[0], oh, ow, num_outputs]
        y = _conv2d_transpose(
            x,
            w,
            _stack(parts),
            strides=[1, sh, sw, 1] if not nchw else [1, 1, sh, sw],
            padding=pad,
            data_format=data_format,
        )
        y.set_shape(
            [dims[0], num_outputs, out_h, out_w] if nchw else [dims[0], out_h, out_w, num_outputs]
        )
        if b is not None:
            y = bias_add(y, b, data_format=data_format)
        return finish(y, normalizer_fn, normalizer_params, activation_fn, outputs_collections, sc)


conv2d_transpose = convolution2d_transpose
