"""Convolution and pooling (``tf.nn.conv2d``, ``depthwise_conv2d``, ``max_pool``, ``avg_pool`` and
the gradient ops), NHWC, with their shape functions, kernels and gradients side by side.

Padding follows TensorFlow: ``VALID`` uses no padding (``out = (in - k_eff) // stride + 1`` with
``k_eff = (k - 1) * dilation + 1``); ``SAME`` gives ``out = ceil(in / stride)`` and pads
``max((out - 1) * stride + k_eff - in, 0)`` elements, half before and the extra one after. The
shape functions compute the paddings; the kernels receive them explicitly (``cpp/conv.h``).

>>> import numpy as np
>>> import tflite_core as tf
>>> x = tf.constant(np.arange(16.0).reshape(1, 4, 4, 1))
>>> y = tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID")
>>> with tf.Session() as sess:
...     print(sess.run(y)[0, :, :, 0])
[[ 5.  7.]
 [13. 15.]]
"""

from __future__ import annotations

import collections.abc
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import rank4_dims, shape_error
from ..framework.op_util import FLOATS, check_dtype_in, check_same_dtype, make_tensor, shape_input
from ..framework.registry import RegisterGradient, at_run_time, register_op
from ..framework.tensor_shape import TensorShape, shape_str
from ..ops.array_ops import shape, shape_tensor

if TYPE_CHECKING:
    from ..framework.graph import Tensor
    from ..framework.type_aliases import (
        TensorLike,
    )

_PADDINGS = ("SAME", "VALID")


# ---- geometry ------------------------------------------------------------------------------------
def _out_and_pads(op, in_shapes, size, k, stride, dilation, padding, run_time=False):
    """(output length, pad before, pad after) along one dim; ``size`` None gives Nones.

    VALID windows larger than the input: at graph build TF's static rule (a ValueError), in a
    plan (``run_time``) TF's kernel rule, ``(size - ek + stride) / stride`` rounded toward zero:
    an empty output, or TF's InvalidArgumentError where that is negative.
    """
    if size is None or k is None:
        return None, None, None
    ek = (k - 1) * dilation + 1
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + ek - size, 0)
        return out, total // 2, total - total // 2
    if run_time and size < ek:
        n = size - ek + stride
        out = n // stride if n >= 0 else -(-n // stride)  # C's division, toward zero
        if out < 0:
            raise ValueError(
                f"[{op.type}] Computed output size would be negative: {out} [input_size: "
                f"{size}, effective_filter_size: {ek}, stride: {stride}]"
            )
        return out, 0, 0
    if size < ek:
        raise shape_error(
            op.type,
            op.name,
            f"Negative dimension size caused by subtracting {ek} from {size}",
            in_shapes,
        )
    return (size - ek) // stride + 1, 0, 0


def _window(op):
    """(kh, kw, sh, sw, dh, dw) of a conv op (kh, kw None: from the filter) or a pool op."""
    _, sh, sw, _ = op.get_attr("strides")
    if op.type in _POOLS:
        _, kh, kw, _ = op.get_attr("ksize")
        return kh, kw, sh, sw, 1, 1
    _, dh, dw, _ = op.get_attr("dilations")
    return None, None, sh, sw, dh, dw


def _geometry(op, in_shapes, x, f, run_time=False):
    """Output dims and paddings for input dims ``x`` (NHWC) and filter dims ``f`` (None: pool)."""
    kh, kw, sh, sw, dh, dw = _window(op)
    if f is not None:
        kh, kw = f[0], f[1]
    pad = op.get_attr("padding")
    oh, pt, pb = _out_and_pads(op, in_shapes, x[1], kh, sh, dh, pad, run_time)
    ow, pl, pr = _out_and_pads(op, in_shapes, x[2], kw, sw, dw, pad, run_time)
    return oh, ow, [pt, pb, pl, pr]


def _conv_out(op, in_shapes, x, f, run_time=False):
    """The output shape of a conv op with input dims ``x`` and filter dims ``f``."""
    depthwise = op.type.startswith("Depthwise")
    if x[3] is not None and f[2] is not None and x[3] != f[2]:
        raise shape_error(
            op.type, op.name, f"Dimensions must be equal, but are {x[3]} and {f[2]}", in_shapes
        )
    oh, ow, _ = _geometry(op, in_shapes, x, f, run_time)
    if depthwise:
        c = x[3] if x[3] is not None else f[2]
        oc = None if c is None or f[3] is None else c * f[3]
    else:
        oc = f[3]
    return [x[0], oh, ow, oc]


def _check_backprop(op, in_shapes, want, dy):
    """Checks ``out_backprop``'s dims against the forward output ``want`` where both are known."""
    for a, b in zip(want, dy):
        if a is not None and b is not None and a != b:
            raise shape_error(
                op.type,
                op.name,
                f"out_backprop has shape {shape_str(TensorShape(dy))}, but the forward "
                f"convolution gives {shape_str(TensorShape(want))}",
                in_shapes,
            )


def _conv_ints(op, x, f):  # (kernel attributes: computed for a plan, at run time)
    _, _, sh, sw, dh, dw = _window(op)
    _, _, pads = _geometry(op, [TensorShape(x), TensorShape(f)], list(x), list(f), True)
    return [sh, sw, dh, dw, *pads], []


def _pool_ints(op, x):
    kh, kw, sh, sw, _, _ = _window(op)
    _, _, pads = _geometry(op, [TensorShape(x)], list(x), None, True)
    return [kh, kw, sh, sw, *pads], []


# ---- Conv2D and DepthwiseConv2dNative, with their gradients -------------------------------------
def _conv_shape(op, in_shapes, value_of):
    x, f = (rank4_dims(op, s, in_shapes) for s in in_shapes)
    return [TensorShape(_conv_out(op, in_shapes, x, f, at_run_time(value_of)))]


def _bwd_input_shape(op, in_shapes, value_of):  # (input_sizes, filter, out_backprop) -> dx
    x = rank4_dims(op, shape_input(op, 0, in_shapes, value_of), in_shapes)
    f, dy = rank4_dims(op, in_shapes[1], in_shapes), rank4_dims(op, in_shapes[2], in_shapes)
    if op.type == "Conv2DBackpropInput":  # TF's shape function: the batch is out_backprop's
        if x[0] is not None and dy[0] is not None and x[0] != dy[0]:
            raise shape_error(
                op.type, op.name, f"Dimensions must be equal, but are {x[0]} and {dy[0]}", in_shapes
            )
        x = [dy[0], *x[1:]]
    _check_backprop(op, in_shapes, _conv_out(op, in_shapes, x, f, at_run_time(value_of)), dy)
    return [TensorShape(x)]


def _bwd_filter_shape(op, in_shapes, value_of):  # (input, filter_sizes, out_backprop) -> dfilter
    x = rank4_dims(op, in_shapes[0], in_shapes)
    f = rank4_dims(op, shape_input(op, 1, in_shapes, value_of), in_shapes)
    dy = rank4_dims(op, in_shapes[2], in_shapes)
    _check_backprop(op, in_shapes, _conv_out(op, in_shapes, x, f, at_run_time(value_of)), dy)
    return [TensorShape(f)]


for _prefix, _kernel in (("Conv2D", "conv2d"), ("DepthwiseConv2dNative", "depthwise_conv2d")):
    register_op(_prefix, _conv_shape, _kernel, attrs_fn=lambda op, i, o, v: _conv_ints(op, *i))
    register_op(
        _prefix + "BackpropInput",
        _bwd_input_shape,
        _kernel + "_backprop_input",
        kernel_inputs=(1, 2),
        value_inputs=(0,),
        attrs_fn=lambda op, i, o, v: _conv_ints(op, o[0], i[1]),
    )
    register_op(
        _prefix + "BackpropFilter",
        _bwd_filter_shape,
        _kernel + "_backprop_filter",
        kernel_inputs=(0, 2),
        value_inputs=(1,),
        attrs_fn=lambda op, i, o, v: _conv_ints(op, i[0], o[0]),
    )


def _conv_attrs(op):
    return {k: op.get_attr(k) for k in ("strides", "padding", "dilations")}


@RegisterGradient("Conv2D")
@RegisterGradient("DepthwiseConv2dNative")
def _conv_grad(op, grad):
    # y = x * f: dx = conv_transpose(dy, f), df = correlate(x, dy)
    x, f = op.inputs
    p, a = op.type, _conv_attrs(op)
    return [
        _make(p + "BackpropInput", [shape(x), f, grad], a),
        _make(p + "BackpropFilter", [x, shape(f), grad], a),
    ]


@RegisterGradient("Conv2DBackpropInput")
@RegisterGradient("DepthwiseConv2dNativeBackpropInput")
def _conv_bwd_input_grad(op, grad):
    # dx = B_in(f, dy) is bilinear: d/df = B_filter(grad, dy), d/d dy = conv(grad, f)
    _, f, dy = op.inputs
    p, a = op.type[: -len("BackpropInput")], _conv_attrs(op)
    return [None, _make(p + "BackpropFilter", [grad, shape(f), dy], a), _make(p, [grad, f], a)]


@RegisterGradient("Conv2DBackpropFilter")
@RegisterGradient("DepthwiseConv2dNativeBackpropFilter")
def _conv_bwd_filter_grad(op, grad):
    # df = B_filter(x, dy) is bilinear: d/dx = B_in(grad, dy), d/d dy = conv(x, grad)
    x, _, dy = op.inputs
    p, a = op.type[: -len("BackpropFilter")], _conv_attrs(op)
    return [_make(p + "BackpropInput", [shape(x), grad, dy], a), None, _make(p, [x, grad], a)]


# ---- MaxPool, AvgPool and their gradients --------------------------------------------------------
_POOLS = ("MaxPool", "AvgPool", "MaxPoolGrad", "AvgPoolGrad", "MaxPoolGradGrad")


def _pool_shape(op, in_shapes, value_of):
    x = rank4_dims(op, in_shapes[0], in_shapes)
    oh, ow, _ = _geometry(op, in_shapes, x, None, at_run_time(value_of))
    return [TensorShape([x[0], oh, ow, x[3]])]


def _max_pool_grad_shape(op, in_shapes, value_of):  # (x, y, dy) -> dx
    (y,) = _pool_shape(op, in_shapes, value_of)
    for s in in_shapes[1:]:
        if not s.is_compatible_with(y):
            raise shape_error(op.type, op.name, f"Expected pooled shape {shape_str(y)}", in_shapes)
    return [in_shapes[0]]


def _max_pool_grad_grad_shape(op, in_shapes, value_of):  # (x, y, gx) -> gy
    (y,) = _pool_shape(op, in_shapes, value_of)
    if not in_shapes[1].is_compatible_with(y) or not in_shapes[2].is_compatible_with(in_shapes[0]):
        raise shape_error(op.type, op.name, "Shapes of the pooling do not match", in_shapes)
    return [y.merge_with(in_shapes[1])]


def _avg_pool_grad_shape(op, in_shapes, value_of):  # (orig_input_shape, dy) -> dx
    x = shape_input(op, 0, in_shapes, value_of)
    (y,) = _pool_shape(op, [x], value_of)
    if not in_shapes[1].is_compatible_with(y):
        raise shape_error(op.type, op.name, f"Expected pooled shape {shape_str(y)}", in_shapes)
    return [x]


register_op("MaxPool", _pool_shape, "max_pool", attrs_fn=lambda op, i, o, v: _pool_ints(op, i[0]))
register_op("AvgPool", _pool_shape, "avg_pool", attrs_fn=lambda op, i, o, v: _pool_ints(op, i[0]))
register_op(
    "MaxPoolGrad",
    _max_pool_grad_shape,
    "max_pool_grad",
    attrs_fn=lambda op, i, o, v: _pool_ints(op, i[0]),
)
register_op(
    "MaxPoolGradGrad",
    _max_pool_grad_grad_shape,
    "max_pool_grad_grad",
    attrs_fn=lambda op, i, o, v: _pool_ints(op, i[0]),
)
register_op(
    "AvgPoolGrad",
    _avg_pool_grad_shape,
    "avg_pool_grad",
    kernel_inputs=(1,),
    value_inputs=(0,),
    attrs_fn=lambda op, i, o, v: _pool_ints(op, o[0]),
)


def _pool_attrs(op):
    return {k: op.get_attr(k) for k in ("ksize", "strides", "padding")}


@RegisterGradient("MaxPool")
def _max_pool_grad(op, grad):
    # dy goes to each window's first maximum
    return [_make("MaxPoolGrad", [op.inputs[0], op.outputs[0], grad], _pool_attrs(op))]


@RegisterGradient("MaxPoolGrad")
def _max_pool_grad_grad(op, grad):
    # linear in dy (the maxima's positions are piecewise constant in x): d/d dy picks grad at them
    x, y, _ = op.inputs
    return [None, None, _make("MaxPoolGradGrad", [x, y, grad], _pool_attrs(op))]


@RegisterGradient("MaxPoolGradGrad")
def _max_pool_grad_grad_grad(op, grad):
    # the adjoint of picking gx at the maxima is sending grad to them
    x, y, _ = op.inputs
    return [None, None, _make("MaxPoolGrad", [x, y, grad], _pool_attrs(op))]


@RegisterGradient("AvgPool")
def _avg_pool_grad(op, grad):
    # each window's mean spreads dy / count over its unpadded elements
    return [_make("AvgPoolGrad", [shape(op.inputs[0]), grad], _pool_attrs(op))]


@RegisterGradient("AvgPoolGrad")
def _avg_pool_grad_grad(op, grad):
    # AvgPoolGrad is linear in dy and its adjoint is AvgPool
    return [None, _make("AvgPool", [grad], _pool_attrs(op))]


# ---- building ops --------------------------------------------------------------------------------
_DEFAULTS = {"data_format": "NHWC"}
_CONV_TYPES = ("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter")


def _make(op_type, inputs, attrs, name=None):
    """Creates one op with TF's attributes (``T``, ``data_format``, ...) and returns its output."""
    dtype = inputs[-1].dtype  # the last input is always a float tensor of the op's type
    full = {"T": dtype, **attrs, **_DEFAULTS}
    if op_type in _CONV_TYPES:
        full.update(use_cudnn_on_gpu=True, explicit_paddings=[])
    return make_tensor(op_type, inputs, dtype, full, name or op_type)


def _build_error(op_type, name, msg, tensors):
    """A graph-build ValueError naming the op and its inputs' shapes, before the op exists."""
    return shape_error(op_type, name or op_type, msg, [t.shape for t in tensors])


def _sequence(value, what, op_type, name, tensors):
    """TF's ``_get_sequence``: an int or a list of 1, 2 or 4 ints -> the 4-element NHWC list."""
    if value is None:
        value = [1]
    elif not isinstance(value, collections.abc.Sized):
        value = [value]
    v = [int(d) for d in value]
    if len(v) == 1:
        v = [1, v[0], v[0], 1]
    elif len(v) == 2:
        v = [1, *v, 1]
    elif len(v) != 4:
        raise _build_error(
            op_type, name, f"{what} should be of length 1, 2 or 4 but was {len(v)} ({v})", tensors
        )
    if v[0] != 1 or v[3] != 1:
        raise _build_error(
            op_type,
            name,
            f"{what} in the batch and depth dimensions must be 1, got {v}",
            tensors,
        )
    if min(v) < 1:
        raise _build_error(op_type, name, f"{what} must be positive, got {v}", tensors)
    return v


def _check_common(op_type, name, tensors, padding, data_format):
    if isinstance(padding, bytes):
        padding = padding.decode()
    if padding not in _PADDINGS:
        raise _build_error(
            op_type, name, f"padding must be 'SAME' or 'VALID', got {padding!r}", tensors
        )
    if data_format not in (None, "NHWC"):
        raise _build_error(
            op_type,
            name,
            f"data_format {data_format!r} is not supported: only NHWC (as TF's CPU kernels)",
            tensors,
        )
    return padding


def _float_inputs(op_type, values, names):
    ts = [convert_to_tensor(values[0])]
    ts += [convert_to_tensor(v, dtype=ts[0].dtype) for v in values[1:]]
    check_same_dtype(op_type, ts, names)
    check_dtype_in(op_type, ts[0], FLOATS, names[0])
    return ts


def _conv_op(op_type, inputs, names, strides, padding, data_format, dilations, name):
    """A conv op (forward or backprop) with checked attributes; ``inputs`` are the float ones."""
    ts = _float_inputs(op_type, inputs, names)
    padding = _check_common(op_type, name, ts, padding, data_format)
    attrs = {
        "strides": _sequence(strides, "strides", op_type, name, ts),
        "padding": padding,
        "dilations": _sequence(dilations, "dilations", op_type, name, ts),
    }
    return ts, attrs


def conv2d(
    input: TensorLike,
    filter: TensorLike | None = None,
    strides: int | Sequence[int] | None = None,
    padding: str | None = None,
    use_cudnn_on_gpu: Any = True,
    data_format: str = "NHWC",
    dilations: int | Sequence[int] | None = None,
    name: str | None = None,
    filters: TensorLike | None = None,
) -> Tensor:
    """2-D convolution (cross-correlation, as TF) of an NHWC ``input`` with an HWIO ``filter``.

    ``out[n, i, j, o] = sum over (di, dj, c) of input[n, i*sh + di*dh - pad_top, j*sw + dj*dw -
    pad_left, c] * filter[di, dj, c, o]``. ``strides`` and ``dilations`` are an int or lists of
    1, 2 or 4 ints; ``padding`` is ``"SAME"`` or ``"VALID"``; ``filters`` is TF2's name for
    ``filter``. Only ``data_format="NHWC"`` is supported (TF's CPU kernels support only that too).

    >>> import numpy as np
    >>> import tflite_core as tf
    >>> x = tf.constant(np.ones((1, 3, 3, 1), np.float32))
    >>> k = tf.constant(np.ones((2, 2, 1, 1), np.float32))
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.nn.conv2d(x, k, strides=1, padding="SAME"))[0, :, :, 0])
    [[4. 4. 2.]
     [4. 4. 2.]
     [2. 2. 1.]]
    """
    f = filters if filter is None else filter
    if f is None:
        raise ValueError("conv2d needs a filter (filter= or filters=)")
    (x, f), attrs = _conv_op(
        "Conv2D", [input, f], ("input", "filter"), strides, padding, data_format, dilations, name
    )
    return _make("Conv2D", [x, f], attrs, name)


def conv2d_backprop_input(
    input_sizes: Any,
    filter: TensorLike | None = None,
    out_backprop: TensorLike | None = None,
    strides: int | Sequence[int] | None = None,
    padding: str | None = None,
    use_cudnn_on_gpu: Any = True,
    data_format: str = "NHWC",
    dilations: int | Sequence[int] = (1, 1, 1, 1),
    name: str | None = None,
    filters: TensorLike | None = None,
) -> Tensor:
    """The gradient of ``conv2d`` with respect to its input, of shape ``input_sizes``."""
    f = filters if filter is None else filter
    (f, dy), attrs = _conv_op(
        "Conv2DBackpropInput",
        [f, out_backprop],
        ("filter", "out_backprop"),
        strides,
        padding,
        data_format,
        dilations,
        name,
    )
    sizes = shape_tensor(input_sizes, "input_sizes")
    return _make("Conv2DBackpropInput", [sizes, f, dy], attrs, name)


def conv2d_backprop_filter(
    input: TensorLike,
    filter_sizes: Any,
    out_backprop: TensorLike,
    strides: int | Sequence[int],
    padding: str,
    use_cudnn_on_gpu: Any = True,
    data_format: str = "NHWC",
    dilations: int | Sequence[int] = (1, 1, 1, 1),
    name: str | None = None,
) -> Tensor:
    """The gradient of ``conv2d`` with respect to its filter, of shape ``filter_sizes``."""
    (x, dy), attrs = _conv_op(
        "Conv2DBackpropFilter",
        [input, out_backprop],
        ("input", "out_backprop"),
        strides,
        padding,
        data_format,
        dilations,
        name,
    )
    sizes = shape_tensor(filter_sizes, "filter_sizes")
    return _make("Conv2DBackpropFilter", [x, sizes, dy], attrs, name)


def _no_explicit(explicit_paddings: Sequence[int]) -> None:
    if list(explicit_paddings):
        raise ValueError(
            "padding 'EXPLICIT' (explicit_paddings) is not supported; use SAME or VALID"
        )


def conv2d_backprop_filter_v2(
    input: TensorLike,
    filter: TensorLike,
    out_backprop: TensorLike,
    strides: int | Sequence[int],
    padding: str,
    use_cudnn_on_gpu: Any = True,
    explicit_paddings: Sequence[int] = (),
    data_format: str = "NHWC",
    dilations: int | Sequence[int] = (1, 1, 1, 1),
    name: str | None = None,
) -> Tensor:
    """``conv2d_backprop_filter`` with the filter's shape taken from ``filter``."""
    _no_explicit(explicit_paddings)
    f = convert_to_tensor(filter)
    return conv2d_backprop_filter(
        input,
        shape(f),
        out_backprop,
        strides,
        padding,
        use_cudnn_on_gpu,
        data_format,
        dilations,
        name,
    )


def conv2d_backprop_input_v2(
    input: TensorLike,
    filter: TensorLike,
    out_backprop: TensorLike,
    strides: int | Sequence[int],
    padding: str,
    use_cudnn_on_gpu: Any = True,
    explicit_paddings: Sequence[int] = (),
    data_format: str = "NHWC",
    dilations: int | Sequence[int] = (1, 1, 1, 1),
    name: str | None = None,
) -> Tensor:
    """``conv2d_backprop_input`` with the input's shape taken from ``input``."""
    _no_explicit(explicit_paddings)
    x = convert_to_tensor(input)
    return conv2d_backprop_input(
        shape(x),
        filter,
        out_backprop,
        strides,
        padding,
        use_cudnn_on_gpu,
        data_format,
        dilations,
        name,
    )


def depthwise_conv2d_native(
    input: TensorLike,
    filter: TensorLike,
    strides: int | Sequence[int],
    padding: str,
    data_format: str = "NHWC",
    dilations: int | Sequence[int] = (1, 1, 1, 1),
    name: str | None = None,
) -> Tensor:
    """Depthwise convolution: ``filter[kh, kw, c, m]`` maps input channel ``c`` to output
    channel ``c * multiplier + m``; ``strides`` must have 4 elements as in TF."""
    (x, f), attrs = _conv_op(
        "DepthwiseConv2dNative",
        [input, filter],
        ("input", "filter"),
        strides,
        padding,
        data_format,
        dilations,
        name,
    )
    return _make("DepthwiseConv2dNative", [x, f], attrs, name)


def depthwise_conv2d_native_backprop_input(
    input_sizes: Any,
    filter: TensorLike,
    out_backprop: TensorLike,
    strides: int | Sequence[int],
    padding: str,
    data_format: str = "NHWC",
    dilations: int | Sequence[int] = (1, 1, 1, 1),
    name: str | None = None,
) -> Tensor:
    """The gradient of ``depthwise_conv2d_native`` with respect to its input."""
    (f, dy), attrs = _conv_op(
        "DepthwiseConv2dNativeBackpropInput",
        [filter, out_backprop],
        ("filter", "out_backprop"),
        strides,
        padding,
        data_format,
        dilations,
        name,
    )
    sizes = shape_tensor(input_sizes, "input_sizes")
    return _make("DepthwiseConv2dNativeBackpropInput", [sizes, f, dy], attrs, name)


def depthwise_conv2d_native_backprop_filter(
    input: TensorLike,
    filter_sizes: Any,
    out_backprop: TensorLike,
    strides: int | Sequence[int],
    padding: str,
    data_format: str = "NHWC",
    dilations: int | Sequence[int] = (1, 1, 1, 1),
    name: str | None = None,
) -> Tensor:
    """The gradient of ``depthwise_conv2d_native`` with respect to its filter."""
    (x, dy), attrs = _conv_op(
        "DepthwiseConv2dNativeBackpropFilter",
        [input, out_backprop],
        ("input", "out_backprop"),
        strides,
        padding,
        data_format,
        dilations,
        name,
    )
    sizes = shape_tensor(filter_sizes, "filter_sizes")
    return _make("DepthwiseConv2dNativeBackpropFilter", [x, sizes, dy], attrs, name)


def depthwise_conv2d(
    input: TensorLike,
    filter: TensorLike,
    strides: int | list[int] | tuple[int, ...],
    padding: str,
    rate: int | list[int] | tuple[int, ...] | None = None,
    name: str | None = None,
    data_format: str | None = None,
    dilations: int | list[int] | tuple[int, ...] | None = None,
) -> Tensor:
    """Depthwise 2-D convolution (TF 1.x): one ``filter[:, :, c, :]`` per input channel.

    ``rate`` (or ``dilations``) is the dilation ``[rate_h, rate_w]``; as in TF, a rate above 1
    requires unit strides. The op is named ``name`` (default ``depthwise``).

    >>> import numpy as np
    >>> import tflite_core as tf
    >>> x = tf.constant(np.ones((1, 2, 2, 2), np.float32))
    >>> k = tf.constant(np.stack([np.ones((2, 2)), -np.ones((2, 2))], -1)[..., None])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.nn.depthwise_conv2d(x, tf.cast(k, tf.float32), [1, 1, 1, 1],
    ...                                           "VALID")).reshape(-1))
    [ 4. -4.]
    """
    rate = dilations if rate is None else rate
    if rate is None:
        rate = [1, 1]
    r = [int(d) for d in (rate if isinstance(rate, (list, tuple)) else [rate, rate])]
    if len(r) != 2 or min(r) < 1:
        raise ValueError(f"rate must be two positive integers, got {rate}")
    s = list(strides) if isinstance(strides, (list, tuple)) else [strides]
    if max(r) > 1 and any(int(d) > 1 for d in s):
        raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
    return depthwise_conv2d_native(
        input, filter, strides, padding, data_format or "NHWC", [1, *r, 1], name or "depthwise"
    )


def _pool(op_type, value, ksize, strides, padding, data_format, name):
    (x,) = _float_inputs(op_type, [value], ("input",))
    padding = _check_common(op_type, name, [x], padding, data_format)
    attrs = {
        "ksize": _sequence(ksize, "ksize", op_type, name, [x]),
        "strides": _sequence(strides, "strides", op_type, name, [x]),
        "padding": padding,
    }
    return _make(op_type, [x], attrs, name)


def max_pool(
    value: TensorLike,
    ksize: int | Sequence[int],
    strides: int | Sequence[int],
    padding: str,
    data_format: str = "NHWC",
    name: str | None = None,
    input: TensorLike | None = None,
) -> Tensor:
    """The maximum of each ``ksize`` window (an int or a list of 1, 2 or 4 ints), NHWC.

    With ``SAME`` padding the padded elements take no part. Its gradient goes to each window's
    first maximum (row-major), as TensorFlow's CPU kernel.
    """
    return _pool(
        "MaxPool", value if input is None else input, ksize, strides, padding, data_format, name
    )


def avg_pool(
    value: TensorLike,
    ksize: int | Sequence[int],
    strides: int | Sequence[int],
    padding: str,
    data_format: str = "NHWC",
    name: str | None = None,
    input: TensorLike | None = None,
) -> Tensor:
    """The mean of each ``ksize`` window over its unpadded elements (TF's ``avg_pool``), NHWC."""
    return _pool(
        "AvgPool", value if input is None else input, ksize, strides, padding, data_format, name
    )


max_pool2d = max_pool
avg_pool2d = avg_pool

__all__ = [
    "avg_pool",
    "avg_pool2d",
    "conv2d",
    "conv2d_backprop_filter",
    "conv2d_backprop_input",
    "depthwise_conv2d",
    "depthwise_conv2d_native",
    "depthwise_conv2d_native_backprop_filter",
    "depthwise_conv2d_native_backprop_input",
    "max_pool",
    "max_pool2d",
]
