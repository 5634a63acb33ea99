"""Convolutions TF builds from its 2-D ops (``nn_ops.py``/``nn_impl.py``): ``conv1d`` and
``conv1d_transpose`` (a 2-D op on an inserted height of 1), ``conv2d_transpose`` (TF's
``Conv2DBackpropInput``), ``conv_transpose`` and ``convolution`` (by the number of spatial
dimensions), ``atrous_conv2d`` and its transpose (dilated ``Conv2D``), ``separable_conv2d``
(depthwise then pointwise) and ``with_space_to_batch``.

>>> import numpy as np
>>> import tflite_core as tf
>>> x = tf.constant(np.ones((1, 4, 1), np.float32))
>>> k = tf.constant(np.ones((2, 1, 1), np.float32))
>>> with tf.Session() as sess:
...     print(sess.run(tf.nn.conv1d(x, k, 1, "VALID")).ravel())
[2. 2. 2.]
"""

from __future__ import annotations

import collections.abc
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..ops.array_ops import concat, expand_dims, reshape, shape, squeeze
from ..ops.permute_ops import (
    batch_to_space_nd,
    required_space_to_batch_paddings,
    space_to_batch_nd,
)
from .conv3d_ops import conv3d, conv3d_transpose
from .conv_ops import conv2d, conv2d_backprop_input, depthwise_conv2d_native
from .conv_util import dims, get_sequence, static_ints

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


def _nwc(data_format: str | None, what: str) -> tuple[str, int, int]:
    """(2-D data format, the inserted dimension, the channel index) of a 1-D data format."""
    if data_format in (None, "NHWC", "NWC"):
        return "NHWC", 1, 2
    if data_format in ("NCHW", "NCW"):
        return "NCHW", 2, 1
    raise ValueError(f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}")


def conv1d(
    value: TensorLike | None = None,
    filters: TensorLike | None = None,
    stride: Any = None,
    padding: str | None = None,
    use_cudnn_on_gpu: Any = None,
    data_format: str | None = None,
    name: str | None = None,
    input: TensorLike | None = None,
    dilations: Any = None,
) -> Tensor:
    """1-D convolution of ``value`` ``[B, W, C]`` (NWC) with ``filters`` ``[K, C, O]``: TF's
    ``Conv2D`` (named ``name``, default ``conv1d``) of the input with a height of 1 inserted,
    squeezed back. ``stride``/``dilations``: an int, 1 or 3 ints."""
    value = value if input is None else input
    if value is None or filters is None:
        raise ValueError("conv1d needs value (or input) and filters")
    with name_scope(name, "conv1d", [value, filters]) as scope:
        fmt, at, c = _nwc(data_format, "conv1d")
        strides = [1, *get_sequence(stride, 1, c, "stride")]
        dil = [1, *get_sequence(dilations, 1, c, "dilations")]
        value = convert_to_tensor(value, name="value")
        rank = value.shape.ndims
        x = expand_dims(value, -3 if at == 1 else -2)
        f = expand_dims(filters, 0)
        if rank is not None and rank > 3:  # extra batch dimensions: folded into one, as TF
            inner = dims(x)[-3:]
            y = conv2d(
                reshape(x, [-1, *inner]), f, strides, padding, data_format=fmt, dilations=dil
            )
            outer = dims(value)[:-2]
            y = reshape(y, [*outer, *dims(y)[1:]], name=scope)
        else:
            y = conv2d(x, f, strides, padding, data_format=fmt, dilations=dil, name=scope)
        return squeeze(y, [-3 if at == 1 else -2])


def _output_shape_tensor(output_shape: Any) -> Tensor:
    if isinstance(output_shape, Tensor):
        return output_shape
    parts = list(output_shape)
    if any(isinstance(p, Tensor) for p in parts):
        return convert_to_tensor(parts)
    return convert_to_tensor(np.asarray(parts, np.int32))


def conv1d_transpose(
    input: TensorLike,
    filters: TensorLike,
    output_shape: Any,
    strides: Any,
    padding: str = "SAME",
    data_format: str = "NWC",
    dilations: Any = None,
    name: str | None = None,
) -> Tensor:
    """The transpose of ``conv1d`` (its gradient with respect to the input): TF's
    ``Conv2DBackpropInput`` (named ``name``, default ``conv1d_transpose``) on a height of 1.
    ``filters`` is ``[K, C_out, C_in]``; ``output_shape`` ``[B, W, C_out]``."""
    with name_scope(name, "conv1d_transpose", [input, filters, output_shape]) as scope:
        fmt, at, c = _nwc(data_format, "conv1d_transpose")
        s = [1, *get_sequence(strides, 1, c, "stride")]
        dil = [1, *get_sequence(dilations, 1, c, "dilations")]
        x = expand_dims(input, at)
        f = expand_dims(filters, 0)
        known = static_ints(output_shape) if isinstance(output_shape, Tensor) else None
        if isinstance(output_shape, Tensor) and known is None:
            sizes = concat([output_shape[:at], [1], output_shape[at:]], 0)
        else:  # packed with the 1 inside, so its known entries stay known
            if known is not None:
                parts: list[Any] = [
                    v if v is not None else output_shape[i] for i, v in enumerate(known)
                ]
            else:
                parts = list(output_shape)
            sizes = _output_shape_tensor([*parts[:at], 1, *parts[at:]])
        y = conv2d_backprop_input(
            sizes, f, x, s, padding, data_format=fmt, dilations=dil, name=scope
        )
        return squeeze(y, [at])


def conv2d_transpose(
    value: TensorLike | None = None,
    filter: TensorLike | None = None,
    output_shape: Any = None,
    strides: Any = None,
    padding: str = "SAME",
    data_format: str = "NHWC",
    name: str | None = None,
    input: TensorLike | None = None,
    filters: TensorLike | None = None,
    dilations: Any = None,
) -> Tensor:
    """The transpose of ``conv2d`` (TF's ``Conv2DBackpropInput``, named ``name``, default
    ``conv2d_transpose``): ``value`` ``[B, H', W', O]`` through an ``[KH, KW, C, O]`` filter into
    ``output_shape`` ``[B, H, W, C]``. ``strides``/``dilations``: an int, 2 or 4 ints."""
    f = filters if filter is None else filter
    v = value if input is None else input
    with name_scope(name, "conv2d_transpose", [v, f, output_shape]) as scope:
        fmt = data_format or "NHWC"
        c = 1 if fmt.startswith("NC") else 3
        s = get_sequence(strides, 2, c, "strides")
        dil = get_sequence(dilations, 2, c, "dilations")
        sizes = _output_shape_tensor(output_shape)
        return conv2d_backprop_input(
            sizes, f, v, s, padding, data_format=fmt, dilations=dil, name=scope
        )


def conv_transpose(
    input: TensorLike,
    filters: TensorLike,
    output_shape: Any,
    strides: Any,
    padding: str = "SAME",
    data_format: str | None = None,
    dilations: Any = None,
    name: str | None = None,
) -> Tensor:
    """``conv1d_transpose``, ``conv2d_transpose`` or ``conv3d_transpose`` by the length of
    ``output_shape`` (3, 4 or 5)."""
    with name_scope(name, "conv_transpose", [input, filters, output_shape]) as scope:
        if isinstance(output_shape, Tensor):
            n = (output_shape.shape.as_list()[0] or 0) - 2
        elif isinstance(output_shape, collections.abc.Sized):
            n = len(output_shape) - 2
        else:
            raise ValueError(
                "`output_shape` must be a tensor or sized collection. Received: "
                f"output_shape={output_shape}"
            )
        if not 1 <= n <= 3:
            raise ValueError(
                "`output_shape` must be of length 3, 4 or 5. Received: "
                f"output_shape={output_shape} of length {n + 2}."
            )
        if n == 1:
            return conv1d_transpose(
                input,
                filters,
                output_shape,
                strides,
                padding,
                data_format or "NWC",
                dilations,
                scope,
            )
        if n == 2:
            return conv2d_transpose(
                input,
                filters,
                output_shape,
                strides,
                padding,
                data_format or "NHWC",
                scope,
                dilations=dilations,
            )
        return conv3d_transpose(
            input,
            filters,
            output_shape,
            strides,
            padding,
            data_format or "NDHWC",
            scope,
            dilations=dilations,
        )


def convolution(
    input: TensorLike,
    filter: TensorLike | None = None,
    padding: str | None = None,
    strides: Any = None,
    dilation_rate: Any = None,
    name: str | None = None,
    data_format: str | None = None,
    filters: TensorLike | None = None,
    dilations: Any = None,
) -> Tensor:
    """N-D convolution, N = the filter's rank - 2 (1, 2 or 3): ``conv1d``, ``conv2d`` or
    ``conv3d`` under the name scope ``name`` (default ``convolution``). ``strides`` and
    ``dilation_rate`` (or ``dilations``) are N ints (or one); TF's ValueError when both have an
    entry above 1. Dilation is native (TF builds it with ``with_space_to_batch``: the values are
    the same)."""
    f = filters if filter is None else filter
    if f is None:
        raise ValueError("convolution needs a filter (filter= or filters=)")
    rate = dilations if dilation_rate is None else dilation_rate
    with name_scope(name, "convolution", [input, f]) as scope:
        x = convert_to_tensor(input, name="input")
        f = convert_to_tensor(f, name="filter", dtype=x.dtype)
        fr, xr = f.shape.ndims, x.shape.ndims
        if fr:
            n = fr - 2
        elif xr:
            n = xr - 2
        else:
            raise ValueError(
                "When `num_spatial_dims` is not set, one of `input.shape.rank` or "
                f"`filters.shape.rank` must be known. Received: input.shape={x.shape} of rank "
                f"{xr} and filters.shape={f.shape} of rank {fr}"
            )
        if n not in (1, 2, 3):
            raise ValueError(
                f"`num_spatial_dims` must be 1, 2, or 3. Received: num_spatial_dims={n}."
            )
        if xr is not None and xr != n + 2:
            raise ValueError(
                f"`input.shape.rank` must be {n + 2} (the filter's rank); got {xr} "
                f"(input.shape={x.shape})"
            )
        channels_first = data_format is not None and data_format.startswith("NC")
        c = 1 if channels_first else n + 1
        s = get_sequence(strides, n, c, "strides")
        r = get_sequence(rate, n, c, "dilations")
        if any(v > 1 for v in s) and any(v > 1 for v in r):
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={s[1:-1] if not channels_first else s[2:]} and "
                f"dilation_rate={r[1:-1] if not channels_first else r[2:]}"
            )
        if n == 1:
            return conv1d(
                x,
                f,
                s[1:2] if not channels_first else s[2:],
                padding,
                data_format="NCW" if channels_first else "NWC",
                dilations=r[1:2] if not channels_first else r[2:],
                name=scope,
            )
        if n == 2:
            return conv2d(
                x, f, s, padding, data_format=data_format or "NHWC", dilations=r, name=scope
            )
        return conv3d(x, f, s, padding, data_format or "NDHWC", r, name=scope)


def atrous_conv2d(
    value: TensorLike, filters: TensorLike, rate: int, padding: str, name: str | None = None
) -> Tensor:
    """``Conv2D`` with the filter dilated by ``rate`` (holes between its taps), unit strides:
    ``convolution(value, filters, padding, dilation_rate=[rate, rate])``."""
    return convolution(value, filters, padding, dilation_rate=[rate, rate], name=name)


def atrous_conv2d_transpose(
    value: TensorLike,
    filters: TensorLike,
    output_shape: Any,
    rate: int,
    padding: str,
    name: str | None = None,
) -> Tensor:
    """The transpose of ``atrous_conv2d``: ``Conv2DBackpropInput`` with the filter dilated by
    ``rate``, unit strides, into ``output_shape``. ``rate`` must be a positive int and
    ``padding`` "SAME" or "VALID" (TF's ValueErrors); under the name scope
    ``atrous_conv2d_transpose``."""
    with name_scope(name, "atrous_conv2d_transpose", [value, filters, output_shape]) as scope:
        v = convert_to_tensor(value, name="value")
        f = convert_to_tensor(filters, name="filters", dtype=v.dtype)
        if v.shape.ndims is not None and f.shape.ndims is not None:
            a, b = v.shape.as_list()[3], f.shape.as_list()[3]
            if a is not None and b is not None and a != b:
                raise ValueError(
                    "`value` channel count must be compatible with `filters` input channel "
                    f"count. Received: value.shape={v.shape} with channel count {a} and "
                    f"filters.shape={f.shape} with input channel count {b}."
                )
        if int(rate) < 1:
            raise ValueError(f"`rate` cannot be less than one. Received: rate={rate}")
        if padding not in ("SAME", "VALID"):
            raise ValueError(
                f"`padding` must be either 'VALID' or 'SAME'. Received: padding={padding}"
            )
        sizes = _output_shape_tensor(output_shape)
        return conv2d_backprop_input(
            sizes, f, v, [1, 1, 1, 1], padding, dilations=[1, int(rate), int(rate), 1], name=scope
        )


def separable_conv2d(
    input: TensorLike,
    depthwise_filter: TensorLike,
    pointwise_filter: TensorLike,
    strides: Any,
    padding: str,
    rate: Any = None,
    name: str | None = None,
    data_format: str | None = None,
    dilations: Any = None,
) -> Tensor:
    """Depthwise convolution (``depthwise_filter`` ``[KH, KW, C, M]``, op ``depthwise``), then a
    1x1 ``Conv2D`` with ``pointwise_filter`` ``[1, 1, C * M, O]`` (named ``name``, default
    ``separable_conv2d``). ``rate`` (or ``dilations``): the depthwise dilation ``[rh, rw]``."""
    rate = dilations if rate is None else rate
    with name_scope(name, "separable_conv2d", [input, depthwise_filter, pointwise_filter]) as scope:
        x = convert_to_tensor(input, name="tensor_in")
        dw = convert_to_tensor(depthwise_filter, name="depthwise_filter", dtype=x.dtype)
        pw = convert_to_tensor(pointwise_filter, name="pointwise_filter", dtype=x.dtype)
        ps = pw.shape
        if ps.ndims is not None and ps.ndims != 4:
            raise ValueError(f"Shape {ps} must have rank 4")
        for i in (0, 1):
            d = ps.as_list()[i] if ps.ndims else None
            if d is not None and d != 1:
                raise ValueError(f"Dimensions {d} and 1 are not compatible")
        r = [1, 1] if rate is None else [int(a) for a in np.asarray(rate).reshape(-1)]
        if len(r) == 1:
            r = r * 2
        s = strides if isinstance(strides, (list, tuple)) else [strides]
        if max(r) > 1 and any(int(a) > 1 for a in s):
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={list(s)} and dilation_rate={r}"
            )
        depthwise = depthwise_conv2d_native(
            x, dw, strides, padding, data_format or "NHWC", [1, *r, 1], name="depthwise"
        )
        return conv2d(
            depthwise,
            pw,
            [1, 1, 1, 1],
            padding="VALID",
            data_format=data_format or "NHWC",
            name=scope,
        )


def with_space_to_batch(
    input: TensorLike,
    dilation_rate: Any,
    padding: str,
    op: Callable[[Tensor, int, str], Tensor],
    filter_shape: Any = None,
    spatial_dims: Any = None,
    data_format: str | None = None,
) -> Tensor:
    """Runs ``op(converted_input, num_spatial_dims, padding)`` as if dilated by
    ``dilation_rate``: the input's spatial dimensions moved into the batch by
    ``space_to_batch_nd`` (padded for "SAME" by ``(filter_shape - 1) * rate``, split evenly, plus
    what makes each divisible by the rate), ``op`` run with "VALID", the result moved back by
    ``batch_to_space_nd``. A rate of all ones runs ``op(input, n, padding)`` directly."""
    x = convert_to_tensor(input, name="input")
    rate = [int(a) for a in np.asarray(dilation_rate).reshape(-1)]
    n = len(rate)
    if min(rate, default=1) < 1:
        raise ValueError(f"`dilation_rate` must be positive. Received: dilation_rate={rate}")
    if all(a == 1 for a in rate):
        return op(x, n, padding)
    if spatial_dims is None:
        first = 2 if data_format is not None and data_format.startswith("NC") else 1
        sd = list(range(first, first + n))
    else:
        sd = sorted(int(a) for a in spatial_dims)
        if len(sd) != n or len(set(sd)) != n:
            raise ValueError("`spatial_dims` must be a list of distinct dims, one per rate")
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("`filter_shape` must be specified for `padding='SAME'`.")
        k = static_ints(filter_shape)
        if k is None or any(a is None for a in k[:n]):
            raise ValueError("`filter_shape` must be known when the graph is built")
        extra = [(int(a or 0) - 1) * b for a, b in zip(k[:n], rate)]
        base = [[e // 2, e - e // 2] for e in extra]
    elif padding == "VALID":
        base = [[0, 0]] * n
    else:
        raise ValueError(f"`padding` must be either 'VALID' or 'SAME'. Received: padding={padding}")
    # a block of 1 for the dimensions between the spatial ones, as TF
    first, last = sd[0], sd[-1]
    block = [1] * (last - first + 1)
    pads = [[0, 0]] * (last - first + 1)
    for d, a, b in zip(sd, rate, base):
        block[d - first], pads[d - first] = a, b
    static = x.shape.as_list()[first : last + 1] if x.shape.ndims is not None else None
    if static is not None and all(v is not None for v in static):
        in_shape: Any = static
    else:
        in_shape = shape(x)[first : last + 1]
    paddings, crops = required_space_to_batch_paddings(in_shape, block, pads)
    if first != 1:
        raise ValueError("with_space_to_batch: the spatial dimensions must follow the batch")
    y = space_to_batch_nd(x, block, paddings)
    y = op(y, n, "VALID")
    return batch_to_space_nd(y, block, crops)


__all__ = [
    "atrous_conv2d",
    "atrous_conv2d_transpose",
    "conv1d",
    "conv1d_transpose",
    "conv2d_transpose",
    "conv_transpose",
    "convolution",
    "separable_conv2d",
    "with_space_to_batch",
]
