"""3-D convolution (``tf.nn.conv3d``, ``conv3d_transpose``, ``conv3d_backprop_filter(_v2)``)
composed of 2-D ones, NDHWC (NCDHW through transposes, as TF's CPU runs it).

``Conv3D`` with a filter of depth ``KD`` is the sum over ``kd`` of a ``Conv2D`` of the input's
depth slices ``kd * dilation_d + od * stride_d`` (the input padded in depth as TF pads SAME),
each with ``filter[kd]``: the batch and the output depths share one ``Conv2D`` call. Its
transpose (the gradient with respect to the input) sends each ``Conv2DBackpropInput`` back to
those slices; the filter's gradient is the stack over ``kd`` of ``Conv2DBackpropFilter``. Every
piece has its gradient, so all three differentiate to any order. The filter's shape must be
known when the graph is built. Where the depth is known only when run, the convolution is
instead the height-width patches of every depth slice (``extract_image_patches``) through one
``Conv2D`` over the depth (its transpose and filter gradient likewise); the height and width
must then be known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope, shape_error
from ..framework.op_util import FLOATS, check_dtype_in, check_same_dtype
from ..framework.tensor_shape import TensorShape
from ..ops.array_ops import expand_dims, identity, reshape, shape, stack, transpose, zeros
from ..ops.gradients import gradients
from ..ops.math_ops import add_n
from ..ops.permute_ops import extract_image_patches
from ..ops.slicing_ops import pad
from .conv_ops import conv2d, conv2d_backprop_filter, conv2d_backprop_input
from .conv_util import check_padding, dims, get_sequence, out_size, static_ints

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike

_FLOATS_3D = "float16, bfloat16, float32, float64"
_TO_NDHWC, _TO_NCDHW = [0, 2, 3, 4, 1], [0, 4, 1, 2, 3]


def _lists(op_type, name, strides, dilations, data_format):
    """The (depth, height, width) strides and dilations of TF's 5-element lists."""
    if data_format not in ("NDHWC", "NCDHW"):
        raise ValueError(f"data_format must be NDHWC or NCDHW, got {data_format!r}")
    out = []
    for what, v in (("strides", strides), ("dilations", dilations)):
        v = [int(a) for a in v]
        if len(v) < 5:
            raise ValueError(
                f"Attr '{what}' of '{op_type}' Op passed list of length {len(v)} less than "
                "minimum 5."
            )
        if len(v) != 5:
            raise errors.InvalidArgumentError(
                None, None, f"{what} must have 5 elements, got {len(v)} ({name or op_type})"
            )
        c = 1 if data_format == "NCDHW" else 4
        if v[0] != 1 or v[c] != 1:
            raise errors.UnimplementedError(
                None,
                None,
                f"Current implementation does not yet support {what} in the batch and depth "
                "dimensions.",
            )
        if min(v) < 1:
            raise errors.InvalidArgumentError(None, None, f"{what} must be positive, got {v}")
        out.append(v[2:] if c == 1 else v[1:4])
    return out


def _check_ranks(op_type, name, tensors, ranks):
    shapes = [t.shape for t in tensors]
    for t, r in zip(tensors, ranks):
        if t.shape.ndims is not None and t.shape.ndims != r:
            raise shape_error(
                op_type, name, f"Shape must be rank {r} but is rank {t.shape.ndims}", shapes
            )


def _floats(op_type, values, names):
    ts = [convert_to_tensor(values[0], name=names[0])]
    ts += [convert_to_tensor(v, dtype=ts[0].dtype, name=n) for v, n in zip(values[1:], names[1:])]
    check_same_dtype(op_type, ts, names)
    for t, n in zip(ts, names):
        check_dtype_in(op_type, t, FLOATS, n)
    return ts


def _known(op_type, name, what, value, shapes):
    if value is None:
        raise shape_error(
            op_type,
            name,
            f"the {what} must be known when the graph is built (composite 3-D op)",
            shapes,
        )
    return int(value)


def _depth_plan(op_type, name, d, kd, sd, dd, padding, shapes):
    """(output depth, pad front, pad back) of the depth dimension."""
    return out_size(d, kd, sd, dd, padding, op_type, name, shapes)


def _out(y: Tensor, data_format: str, scope: str) -> Tensor:
    """The result, back in ``data_format`` and named after the op's scope (as TF's op)."""
    if data_format == "NCDHW":
        return transpose(y, _TO_NCDHW, name=scope)
    return identity(y, name=scope)


def _merge(t: Tensor) -> Tensor:
    """[B, D, H, W, C] -> [B * D, H, W, C]."""
    _, _, h, w, c = dims(t)
    return reshape(t, [-1, h, w, c])


def _split(t: Tensor, b: Any, d: int) -> Tensor:
    """[B * D, H, W, C] -> [B, D, H, W, C]."""
    _, h, w, c = dims(t)
    return reshape(t, [b, d, h, w, c])


def _conv3d(x, f, padding, s, r, op_type, name):
    """The NDHWC forward convolution (``s``, ``r``: the depth, height and width lists)."""
    shapes = [x.shape, f.shape]
    xd, fd = x.shape.as_list(), f.shape.as_list()
    if xd[4] is not None and fd[3] is not None and xd[4] != fd[3]:
        if xd[4] % fd[3]:
            raise shape_error(
                op_type,
                name,
                f"Depth of input ({xd[4]}) is not a multiple of input depth of filter ({fd[3]})",
                shapes,
            )
        raise errors.InvalidArgumentError(
            None, None, f"input and filter must have the same depth: {xd[4]} vs {fd[3]}"
        )
    for i in (1, 2):  # (VALID's negative sizes: TF's message, before any op exists)
        if xd[i + 1] is not None and fd[i] is not None:
            out_size(xd[i + 1], fd[i], s[i], r[i], padding, op_type, name, shapes)
    if xd[1] is None:
        return _conv3d_patches(x, f, padding, s, r, op_type, name)
    d = _known(op_type, name, "input depth", xd[1], shapes)
    kd = _known(op_type, name, "filter depth", fd[0], shapes)
    od, front, back = _depth_plan(op_type, name, d, kd, s[0], r[0], padding, shapes)
    if front or back:
        x = pad(x, [[0, 0], [front, back], [0, 0], [0, 0], [0, 0]])
    parts = []
    span = (od - 1) * s[0] + 1
    for k in range(kd):
        start = k * r[0]
        xs = x[:, start : start + span : s[0]]
        parts.append(
            conv2d(_merge(xs), f[k], [1, s[1], s[2], 1], padding, dilations=[1, *r[1:], 1])
        )
    y = parts[0] if kd == 1 else add_n(parts)
    return _split(y, -1 if xd[0] is None else xd[0], od)


def _patch_outs(h, w, kh, kw, s, r, padding, op_type, name, shapes) -> tuple[int, int]:
    """The output height and width of the patches path (a SAME window smaller than its stride
    pads the patches otherwise than the convolution: refused)."""
    outs = []
    for size, k, st, rt in ((h, kh, s[1], r[1]), (w, kw, s[2], r[2])):
        out, _, _ = out_size(size, k, st, rt, padding, op_type, name, shapes)
        if padding == "SAME" and (out - 1) * st + (k - 1) * rt + 1 - size < -1:
            raise shape_error(
                op_type,
                name,
                "a depth unknown at graph build with a SAME window smaller than its stride is "
                "not supported (composite 3-D op)",
                shapes,
            )
        outs.append(out)
    return outs[0], outs[1]


def _patches(x, h, w, kh, kw, fc, s, r, padding, ho, wo) -> Tensor:
    """[B, D, H, W, C] -> the height-width patches of every depth slice, [B, D, ho * wo, K]."""
    xs = dims(x)
    win = ([1, kh, kw, 1], [1, s[1], s[2], 1], [1, r[1], r[2], 1], padding)
    p = extract_image_patches(reshape(x, [-1, h, w, fc]), *win)
    return reshape(p, [xs[0], xs[1], ho * wo, kh * kw * fc])


def _conv3d_patches(x, f, padding, s, r, op_type, name):
    """``_conv3d`` for an input whose depth is known only when run: the height-width patches of
    every depth slice (``extract_image_patches``) convolved over the depth by one ``Conv2D``
    (its height the depth, its width the patch positions); needs a known height, width and
    filter."""
    shapes = [x.shape, f.shape]
    _, _, h, w, _ = x.shape.as_list()
    kd, kh, kw, fc, o = f.shape.as_list()
    if None in (h, w, kd, kh, kw, fc, o):
        raise shape_error(
            op_type,
            name,
            "an input of unknown depth needs its height and width and the filter's shape known "
            "when the graph is built (composite 3-D op)",
            shapes,
        )
    ho, wo = _patch_outs(h, w, kh, kw, s, r, padding, op_type, name, shapes)
    p = _patches(x, h, w, kh, kw, fc, s, r, padding, ho, wo)
    y = conv2d(
        p,
        reshape(f, [kd, 1, kh * kw * fc, o]),
        [1, s[0], 1, 1],
        padding,
        dilations=[1, r[0], 1, 1],
    )
    ys = dims(y)
    return reshape(y, [ys[0], ys[1], ho, wo, o])


def _conv3d_input_grad(sizes, f, dy, padding, s, r, op_type, name):
    """The transpose of ``_conv3d``: ``dy`` sent back to an input of shape ``sizes`` (a list
    whose depth is an int, the other entries ints or scalar tensors)."""
    shapes = [TensorShape(None), f.shape, dy.shape]
    fd = f.shape.as_list()
    b, d, h, w, c = sizes
    kd = _known(op_type, name, "filter depth", fd[0], shapes)
    d = _known(op_type, name, "output depth", d if isinstance(d, int) else None, shapes)
    od, front, back = _depth_plan(op_type, name, d, kd, s[0], r[0], padding, shapes)
    dyd = dy.shape.as_list()
    if dyd[1] is not None and dyd[1] != od:
        raise ValueError(
            f"Conv3DBackpropInputV2 ({name}): out_backprop depth {dyd[1]} does not match the "
            f"computed output depth {od} of an input of depth {d}"
        )
    dy2 = _merge(dy)
    bd = shape(dy2)[0]
    in2 = stack([bd, *(convert_to_tensor(v) if isinstance(v, Tensor) else v for v in (h, w, c))])
    total = d + front + back
    span = (od - 1) * s[0] + 1
    parts = []
    for k in range(kd):
        z = conv2d_backprop_input(
            in2, f[k], dy2, [1, s[1], s[2], 1], padding, dilations=[1, *r[1:], 1]
        )
        z = _split(z, b, od)
        if s[0] > 1:  # od slices s apart: interleave s - 1 zero slices after each one
            z = pad(expand_dims(z, 2), [[0, 0], [0, 0], [0, s[0] - 1], [0, 0], [0, 0], [0, 0]])
            z = reshape(z, [b, od * s[0], h, w, c])[:, :span]
        start = k * r[0]
        parts.append(pad(z, [[0, 0], [start, total - start - span], [0, 0], [0, 0], [0, 0]]))
    dx = parts[0] if kd == 1 else add_n(parts)
    return dx[:, front : front + d] if front or back else dx


def _conv3d_input_grad_patches(sizes, f, dy, padding, s, r, op_type, name):
    """``_conv3d_input_grad`` for an output of depth known only when run: the transpose of
    ``_conv3d_patches`` (``Conv2DBackpropInput`` over the depth, then the patches' gradient back
    into the pixels); needs a known output height, width and channels and a known filter."""
    shapes = [TensorShape(None), f.shape, dy.shape]
    b, d, h, w, c = sizes
    kd, kh, kw, fc, o = f.shape.as_list()
    if not all(isinstance(v, int) for v in (h, w, c)) or None in (kd, kh, kw, fc, o):
        raise shape_error(
            op_type,
            name,
            "an output of unknown depth needs its height, width and channels and the filter's "
            "shape known when the graph is built (composite 3-D op)",
            shapes,
        )
    ho, wo = _patch_outs(h, w, kh, kw, s, r, padding, op_type, name, shapes)
    k = kh * kw * fc
    bt = shape(dy)[0]
    dt = convert_to_tensor(d)
    z = zeros(stack([bt * dt, h, w, fc]), dtype=dy.dtype)  # (only its shape is used)
    p = extract_image_patches(z, [1, kh, kw, 1], [1, s[1], s[2], 1], [1, r[1], r[2], 1], padding)
    dy2 = reshape(dy, [bt, -1, ho * wo, o])
    dp = conv2d_backprop_input(
        stack([bt, dt, ho * wo, k]),
        reshape(f, [kd, 1, k, o]),
        dy2,
        [1, s[0], 1, 1],
        padding,
        dilations=[1, r[0], 1, 1],
    )
    (dz,) = gradients(p, [z], grad_ys=[reshape(dp, stack([bt * dt, ho, wo, k]))])
    return reshape(dz, [b, d, h, w, c])


def _conv3d_filter_grad(x, fsizes, dy, padding, s, r, op_type, name):
    """The filter's gradient of ``_conv3d``, of shape ``fsizes`` (ints)."""
    shapes = [x.shape, TensorShape(fsizes), dy.shape]
    kd, kh, kw, c, o = fsizes
    if x.shape.as_list()[1] is None:  # the patches path's filter gradient
        _, _, h, w, _ = x.shape.as_list()
        if h is None or w is None:
            raise shape_error(
                op_type,
                name,
                "an input of unknown depth needs its height and width known when the graph is "
                "built (composite 3-D op)",
                shapes,
            )
        ho, wo = _patch_outs(h, w, kh, kw, s, r, padding, op_type, name, shapes)
        p = _patches(x, h, w, kh, kw, c, s, r, padding, ho, wo)
        dys = dims(dy)
        dy2 = reshape(dy, [dys[0], dys[1], ho * wo, o])
        df = conv2d_backprop_filter(
            p, [kd, 1, kh * kw * c, o], dy2, [1, s[0], 1, 1], padding, dilations=[1, r[0], 1, 1]
        )
        return reshape(df, fsizes)
    d = _known(op_type, name, "input depth", x.shape.as_list()[1], shapes)
    od, front, back = _depth_plan(op_type, name, d, kd, s[0], r[0], padding, shapes)
    if front or back:
        x = pad(x, [[0, 0], [front, back], [0, 0], [0, 0], [0, 0]])
    dy2 = _merge(dy)
    span = (od - 1) * s[0] + 1
    parts = []
    for k in range(kd):
        xs = x[:, k * r[0] : k * r[0] + span : s[0]]
        parts.append(
            conv2d_backprop_filter(
                _merge(xs),
                [kh, kw, c, o],
                dy2,
                [1, s[1], s[2], 1],
                padding,
                dilations=[1, *r[1:], 1],
            )
        )
    return stack(parts)


def conv3d(
    input: TensorLike,
    filter: TensorLike | None = None,
    strides: Any = None,
    padding: str | None = None,
    data_format: str = "NDHWC",
    dilations: Any = (1, 1, 1, 1, 1),
    name: str | None = None,
    filters: TensorLike | None = None,
) -> Tensor:
    """3-D convolution (cross-correlation, as TF's ``Conv3D``) of an NDHWC ``input`` with a
    ``[KD, KH, KW, C, O]`` filter; ``strides`` and ``dilations`` are lists of 5 ints with 1 in
    the batch and channel positions; ``padding`` "SAME" or "VALID". The result is named ``name``
    (default ``Conv3D``).

    >>> import numpy as np
    >>> import tflite_core as tf
    >>> x = tf.constant(np.ones((1, 2, 2, 2, 1), np.float32))
    >>> k = tf.constant(np.ones((2, 2, 2, 1, 1), np.float32))
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.nn.conv3d(x, k, [1, 1, 1, 1, 1], "VALID")).ravel())
    [8.]
    """
    f = filters if filter is None else filter
    op = "Conv3D"
    with name_scope(name, op, [input, f]) as scope:
        x, f = _floats(op, [input, f], ["input", "filter"])
        padding = check_padding(padding, op, scope, [x, f])
        _check_ranks(op, op, [x, f], [5, 5])
        s, r = _lists(op, name, strides, dilations, data_format)
        if data_format == "NCDHW":
            x = transpose(x, _TO_NDHWC)
        y = _conv3d(x, f, padding, s, r, op, op)
        return _out(y, data_format, scope)


def _sizes5(value: Any, what: str) -> list[int | None]:
    v = static_ints(value)
    if v is None or len(v) != 5:
        raise ValueError(f"{what} must be a 1-D tensor of 5 elements, got {value!r}")
    return v


def conv3d_transpose(
    value: TensorLike | None = None,
    filter: TensorLike | None = None,
    output_shape: Any = None,
    strides: Any = None,
    padding: str = "SAME",
    data_format: str = "NDHWC",
    name: str | None = None,
    input: TensorLike | None = None,
    filters: TensorLike | None = None,
    dilations: Any = None,
) -> Tensor:
    """The transpose of ``conv3d`` (its gradient with respect to the input, TF's
    ``Conv3DBackpropInputV2``): ``value`` ``[B, D', H', W', O]`` through a ``[KD, KH, KW, C, O]``
    filter into ``output_shape`` ``[B, D, H, W, C]``. ``strides``/``dilations``: an int, 3 or 5
    ints. Ops under the name scope ``conv3d_transpose``; the output depth must be known when the
    graph is built."""
    f = filters if filter is None else filter
    v = value if input is None else input
    op = "Conv3DBackpropInputV2"
    with name_scope(name, "conv3d_transpose", [v, f, output_shape]) as scope:
        dy, f = _floats(op, [v, f], ["out_backprop", "filter"])
        padding = check_padding(padding, op, name, [f, dy])
        _check_ranks(op, op, [f, dy], [5, 5])
        c = 1 if data_format == "NCDHW" else 4
        s5 = get_sequence(strides, 3, c, "strides")
        r5 = get_sequence(dilations, 3, c, "dilations")
        s, r = _lists(op, name, s5, r5, data_format)
        sizes = _sizes5(output_shape, "output_shape")
        if data_format == "NCDHW":
            dy = transpose(dy, _TO_NDHWC)
            sizes = [sizes[i] for i in _TO_NDHWC]
        fc, fo, yc = f.shape.as_list()[4], f.shape.as_list()[3], dy.shape.as_list()[4]
        if fc is not None and yc is not None and fc != yc:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Conv3DBackpropInputOpV2: filter and out_backprop must have the same out_depth "
                f"({fc} vs {yc})",
            )
        if fo is not None and sizes[4] is not None and fo != sizes[4]:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Conv3DBackpropInputOpV2: input and filter must have the same depth ({sizes[4]} "
                f"vs {fo})",
            )
        dyn = dims(dy)
        order = _TO_NDHWC if data_format == "NCDHW" else list(range(5))
        full: list[Any] = [dyn[0] if sizes[0] is None else sizes[0]]
        full += [
            shape_of(output_shape, order[i]) if sizes[i] is None else sizes[i] for i in (1, 2, 3, 4)
        ]
        if sizes[1] is None:
            dx = _conv3d_input_grad_patches(full, f, dy, padding, s, r, op, op)
        else:
            dx = _conv3d_input_grad(full, f, dy, padding, s, r, op, op)
        return _out(dx, data_format, scope)


def shape_of(output_shape: Any, i: int) -> Tensor:
    """Element ``i`` of a shape argument, as a scalar int32 tensor."""
    return convert_to_tensor(output_shape)[i]


def conv3d_backprop_filter_v2(
    input: TensorLike,
    filter_sizes: Any,
    out_backprop: TensorLike,
    strides: Any,
    padding: str,
    data_format: str = "NDHWC",
    dilations: Any = (1, 1, 1, 1, 1),
    name: str | None = None,
) -> Tensor:
    """The gradient of ``conv3d`` with respect to its filter, of shape ``filter_sizes`` (which
    must be known when the graph is built); ``strides``/``dilations``: 5 ints."""
    op = "Conv3DBackpropFilterV2"
    with name_scope(name, op, [input, filter_sizes, out_backprop]) as scope:
        x, dy = _floats(op, [input, out_backprop], ["input", "out_backprop"])
        padding = check_padding(padding, op, name, [x, dy])
        _check_ranks(op, op, [x, dy], [5, 5])
        s, r = _lists(op, name, strides, dilations, data_format)
        sizes = _sizes5(filter_sizes, "filter_sizes")
        if any(d is None for d in sizes):
            raise ValueError(f"{op}: filter_sizes must be known when the graph is built")
        if data_format == "NCDHW":
            x, dy = transpose(x, _TO_NDHWC), transpose(dy, _TO_NDHWC)
        df = _conv3d_filter_grad(x, [int(d or 0) for d in sizes], dy, padding, s, r, op, op)
        return identity(df, name=scope)


conv3d_backprop_filter = conv3d_backprop_filter_v2

__all__ = ["conv3d", "conv3d_backprop_filter", "conv3d_backprop_filter_v2", "conv3d_transpose"]
