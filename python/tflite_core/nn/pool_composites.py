"""Poolings TF builds from its 2-D ones or that we compose of them: ``max_pool1d``/``avg_pool1d``
(a 2-D pooling on an inserted height of 1, as TF), ``max_pool3d``/``avg_pool3d``, the rank-generic
``max_pool_v2``/``avg_pool_v2`` and ``pool`` (dilated through ``with_space_to_batch``, as TF).

A 3-D window's maximum is the maximum over its depth of the maxima of its height-width slices,
and its mean over the unpadded elements is the mean over depth of the slices' means (every
slice of a window has the same unpadded height-width part): so ``MaxPool3D``/``AvgPool3D`` are a
2-D pooling of every depth slice followed by a 2-D pooling over the depth, with TF's padding
rule applied to each dimension on its own. Their gradients are those of the 2-D poolings.

>>> import numpy as np
>>> import tflite_core as tf
>>> x = tf.constant(np.arange(8.0).reshape(1, 2, 2, 2, 1))
>>> with tf.Session() as sess:
...     print(sess.run(tf.nn.max_pool3d(x, 2, 2, "VALID")).ravel())
[7.]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope, shape_error
from ..ops.array_ops import cast, expand_dims, reshape, shape, squeeze, stop_gradient, transpose
from ..ops.indexing_ops import gather
from ..ops.indexing_ops import range as _range
from ..ops.math_ops import add, argmax, multiply
from ..ops.permute_ops import extract_image_patches
from .conv_composites import with_space_to_batch
from .conv_ops import avg_pool, max_pool
from .conv_util import check_padding, dims, get_sequence, out_size

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


def _pool1d(pool2d, input, ksize, strides, padding, data_format, name, scope_name):
    with name_scope(name, scope_name, [input]) as scope:
        fmt = data_format or "NWC"
        c = 1 if fmt.startswith("NC") else 2
        k = [1, *get_sequence(ksize, 1, c, "ksize")]
        s = [1, *get_sequence(strides, 1, c, "strides")]
        at = 1 if fmt == "NWC" else 2
        x = expand_dims(input, at)
        y = pool2d(x, k, s, padding, "NHWC" if fmt == "NWC" else "NCHW", name=scope)
        return squeeze(y, [at])


def max_pool1d(
    input: TensorLike,
    ksize: Any,
    strides: Any,
    padding: str,
    data_format: str = "NWC",
    name: str | None = None,
) -> Tensor:
    """The maximum of each ``ksize`` window along the width of ``input`` ``[B, W, C]``: TF's
    ``MaxPool`` (named ``name``, default ``MaxPool1d``) on a height of 1."""
    return _pool1d(max_pool, input, ksize, strides, padding, data_format, name, "MaxPool1d")


def avg_pool1d(
    input: TensorLike,
    ksize: Any,
    strides: Any,
    padding: str,
    data_format: str = "NWC",
    name: str | None = None,
) -> Tensor:
    """The mean of each ``ksize`` window (unpadded elements) along the width of ``input``
    ``[B, W, C]``: TF's ``AvgPool`` (named ``name``, default ``AvgPool1D``) on a height of 1."""
    return _pool1d(avg_pool, input, ksize, strides, padding, data_format, name, "AvgPool1D")


def _pool3d(op_type, pool2d, input, ksize, strides, padding, data_format, name):
    with name_scope(name, op_type, [input]) as scope:
        x = convert_to_tensor(input, name="input")
        fmt = data_format or "NDHWC"
        if fmt not in ("NDHWC", "NCDHW"):
            raise ValueError(f"data_format must be NDHWC or NCDHW, got {fmt!r}")
        c = 1 if fmt == "NCDHW" else 4
        k = get_sequence(ksize, 3, c, "ksize")
        s = get_sequence(strides, 3, c, "strides")
        padding = check_padding(padding, op_type, op_type, [x])
        if x.shape.ndims is not None and x.shape.ndims != 5:
            raise shape_error(
                op_type, op_type, f"Shape must be rank 5 but is rank {x.shape.ndims}", [x.shape]
            )
        for v in (k, s):
            if v[0] != 1 or v[c] != 1:
                raise errors.UnimplementedError(
                    None,
                    None,
                    "Pooling is not yet supported on the batch dimension."
                    if v[0] != 1
                    else "MaxPooling3D/AvgPooling3D is not yet supported on the depth dimension.",
                )
        if fmt == "NCDHW":
            x = transpose(x, [0, 2, 3, 4, 1])
        sp = [1, 2, 3] if c == 4 else [2, 3, 4]
        k3, s3 = [k[i] for i in sp], [s[i] for i in sp]
        static = x.shape.as_list() if x.shape.ndims is not None else [None] * 5
        for i in range(3):
            size = static[i + 1]
            if size is not None:
                out_size(size, k3[i], s3[i], 1, padding, op_type, op_type, [x.shape])
        b, d, h, w, ch = dims(x)
        y = pool2d(reshape(x, [-1, h, w, ch]), [1, k3[1], k3[2], 1], [1, s3[1], s3[2], 1], padding)
        _, ho, wo, _ = dims(y)
        hw = ho * wo if isinstance(ho, int) and isinstance(wo, int) else -1
        y = reshape(y, [b, d, hw, ch])
        y = pool2d(y, [1, k3[0], 1, 1], [1, s3[0], 1, 1], padding)
        _, do, _, _ = dims(y)
        y = reshape(y, [b, do, ho, wo, ch], name=None if fmt == "NCDHW" else scope)
        return transpose(y, [0, 4, 1, 2, 3], name=scope) if fmt == "NCDHW" else y


def max_pool3d(
    input: TensorLike,
    ksize: Any,
    strides: Any,
    padding: str,
    data_format: str = "NDHWC",
    name: str | None = None,
) -> Tensor:
    """The maximum of each ``ksize`` window (an int, 3 or 5 ints) of an NDHWC ``input``
    (TF's ``MaxPool3D``), composed of 2-D max poolings; the result is named ``name`` (default
    ``MaxPool3D``)."""
    return _pool3d("MaxPool3D", max_pool, input, ksize, strides, padding, data_format, name)


def avg_pool3d(
    input: TensorLike,
    ksize: Any,
    strides: Any,
    padding: str,
    data_format: str = "NDHWC",
    name: str | None = None,
) -> Tensor:
    """The mean over the unpadded elements of each ``ksize`` window of an NDHWC ``input`` (TF's
    ``AvgPool3D``), composed of 2-D average poolings; named ``name`` (default ``AvgPool3D``)."""
    return _pool3d("AvgPool3D", avg_pool, input, ksize, strides, padding, data_format, name)


def _pool_v2(
    ops: dict[int, Callable[..., Tensor]], input, ksize, strides, padding, data_format, name
):
    x = convert_to_tensor(input, name="input")
    if x.shape.ndims is not None:
        n = x.shape.ndims - 2
    elif data_format is not None:
        n = len(data_format) - 2
    else:
        raise ValueError(
            "`input` must have a static shape or a data format. Received: "
            f"input.shape={x.shape} and data_format={data_format}"
        )
    if not 1 <= n <= 3:
        raise ValueError(
            "`input.shape.rank` must be 3, 4 or 5. Received: "
            f"input.shape={x.shape} of rank {n + 2}."
        )
    c = n + 1 if data_format is None or not data_format.startswith("NC") else 1
    k = get_sequence(ksize, n, c, "ksize")
    s = get_sequence(strides, n, c, "strides")
    if n == 1:
        return ops[1](x, k, s, padding, data_format or "NWC", name)
    if n == 2:
        return ops[2](x, k, s, padding, data_format or "NHWC", name)
    return ops[3](x, k, s, padding, data_format or "NDHWC", name)


def _max2(x, k, s, padding, fmt, name):
    return max_pool(x, k, s, padding, fmt, name)


def _avg2(x, k, s, padding, fmt, name):
    return avg_pool(x, k, s, padding, fmt, name)


def max_pool_v2(
    input: TensorLike,
    ksize: Any,
    strides: Any,
    padding: str,
    data_format: str | None = None,
    name: str | None = None,
) -> Tensor:
    """``max_pool1d``, ``max_pool`` or ``max_pool3d`` by the rank of ``input`` (3, 4 or 5)."""
    ops = {1: max_pool1d, 2: _max2, 3: max_pool3d}
    return _pool_v2(ops, input, ksize, strides, padding, data_format, name)


def avg_pool_v2(
    input: TensorLike,
    ksize: Any,
    strides: Any,
    padding: str,
    data_format: str | None = None,
    name: str | None = None,
) -> Tensor:
    """``avg_pool1d``, ``avg_pool`` or ``avg_pool3d`` by the rank of ``input`` (3, 4 or 5)."""
    ops = {1: avg_pool1d, 2: _avg2, 3: avg_pool3d}
    return _pool_v2(ops, input, ksize, strides, padding, data_format, name)


def _strides_and_rate(n: int, strides: Any, rate: Any) -> tuple[np.ndarray, np.ndarray]:
    """TF's ``_get_strides_and_dilation_rate``."""
    if rate is None:
        rate = [1] * n
    elif len(rate) != n:
        raise ValueError(
            f"`len(dilation_rate)` should be {n}. Received: dilation_rate={rate} of length "
            f"{len(rate)}"
        )
    r = np.array(rate, dtype=np.int32)
    if np.any(r < 1):
        raise ValueError(
            f"all values of `dilation_rate` must be positive. Received: dilation_rate={r}"
        )
    if strides is None:
        strides = [1] * n
    elif len(strides) != n:
        raise ValueError(
            f"`len(strides)` should be {n}. Received: strides={strides} of length {len(strides)}"
        )
    s = np.array(strides, dtype=np.int32)
    if np.any(s < 1):
        raise ValueError(f"all values of `strides` must be positive. Received: strides={s}")
    if np.any(s > 1) and np.any(r > 1):
        raise ValueError(
            "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
            f"Received: strides={s} and dilation_rate={r}"
        )
    return s, r


def pool(
    input: TensorLike,
    window_shape: Any,
    pooling_type: str,
    padding: str,
    dilation_rate: Any = None,
    strides: Any = None,
    name: str | None = None,
    data_format: str | None = None,
    dilations: Any = None,
) -> Tensor:
    """N-D pooling (``pooling_type`` "MAX" or "AVG", N = ``len(window_shape)`` in 1..3) with
    optional ``dilation_rate`` (VALID only, unit strides: TF's ValueErrors), built as TF: the
    2-D or 3-D pooling, dilated through ``with_space_to_batch``; under the name scope
    ``max_pool``/``avg_pool``."""
    rate = dilations if dilation_rate is None else dilation_rate
    with name_scope(name, f"{pooling_type.lower()}_pool", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        n = len(window_shape)
        if n < 1 or n > 3:
            raise ValueError(
                "`len(window_shape)` must be 1, 2, or 3. Received: "
                f"window_shape={window_shape} of length {len(window_shape)}"
            )
        if x.shape.ndims is not None and x.shape.ndims != n + 2:
            raise ValueError(f"Shape {x.shape} must have rank {n + 2}")
        s, r = _strides_and_rate(n, strides, rate)
        if padding == "SAME" and np.any(r > 1):
            raise ValueError(
                "pooling with 'SAME' padding is not implemented for `dilation_rate` > 1. "
                f"Received: padding={padding} and dilation_rate={r}"
            )
        if np.any(s > np.asarray(window_shape)):
            raise ValueError(
                "`strides` > `window_shape` not supported due to inconsistency between CPU and "
                f"GPU implementations. Received: strides={s} and window_shape={window_shape}"
            )
        if pooling_type not in ("MAX", "AVG"):
            raise ValueError(f"{n}-D {pooling_type} pooling is not supported.")
        first = data_format is not None and data_format.startswith("NC")
        win = [1, 1, *window_shape] if first else [1, *window_shape, 1]
        st = [1, 1, *(int(a) for a in s)] if first else [1, *(int(a) for a in s), 1]
        if n == 1:
            if data_format not in (None, "NWC", "NCW"):
                raise ValueError(
                    "data_format must be either 'NWC' or 'NCW'. Received: "
                    f"data_format={data_format}"
                )
            fmt = "NCHW" if first else "NHWC"
            win, st = [1, *win], [1, *st]
        else:
            fmt = data_format or ("NHWC" if n == 2 else "NDHWC")
        p2 = max_pool if pooling_type == "MAX" else avg_pool
        p3 = max_pool3d if pooling_type == "MAX" else avg_pool3d
        at = 2 if first else 1

        def op(converted: Tensor, _: int, conv_padding: str) -> Tensor:
            if n == 1:
                converted = expand_dims(converted, at)
            if n == 3:
                y = p3(converted, win, st, conv_padding, fmt, name=scope)
            else:
                y = p2(converted, win, st, conv_padding, fmt, name=scope)
            return squeeze(y, [at]) if n == 1 else y

        return with_space_to_batch(
            x, r, padding, op, filter_shape=list(window_shape), data_format=data_format
        )


def _window_table(size: int, k: int, stride: int, padding: str) -> tuple[int, int]:
    """(outputs, padding before) of TF's pooling windows along one dimension."""
    out, before, _ = out_size(size, k, stride, 1, padding, "MaxPoolWithArgmax", "", [])
    return out, before


def max_pool_with_argmax(
    input: TensorLike,
    ksize: Any,
    strides: Any,
    padding: str,
    data_format: str = "NHWC",
    Targmax: Any = None,
    name: str | None = None,
    output_dtype: Any = None,
    include_batch_in_index: bool = False,
) -> tuple[Tensor, Tensor]:
    """``(max_pool(input), argmax)`` (TF's ``MaxPoolWithArgmax``): ``argmax`` is the flattened
    index of each window's first maximum (row-major), ``(y * width + x) * channels + c``, with
    ``+ b * height * width * channels`` when ``include_batch_in_index``; int64 unless
    ``Targmax``/``output_dtype`` says int32. ``ksize``/``strides``: 4 ints; NHWC only (as TF).
    The input's height and width must be known when the graph is built. The gradient flows
    through the maxima, as TF's."""
    if data_format != "NHWC":
        raise ValueError(
            "`data_format` values other  than 'NHWC' are not supported. Received: "
            f"data_format={data_format}"
        )
    t = output_dtype if Targmax is None else Targmax
    out_t = _dt.as_dtype(t) if t is not None else _dt.int64
    op = "MaxPoolWithArgmax"
    for what, v in (("ksize", ksize), ("strides", strides)):
        if len(v) < 4:
            raise ValueError(
                f"Attr '{what}' of '{op}' Op passed list of length {len(v)} less than minimum 4."
            )
    with name_scope(name, op, [input]) as scope:
        x = convert_to_tensor(input, name="input")
        padding = check_padding(padding, op, op, [x])
        y = max_pool(x, ksize, strides, padding, name=scope)  # (its checks and gradient)
        _, hh, ww, _ = x.shape.as_list()
        if hh is None or ww is None:
            raise ValueError(f"{op}: the input's height and width must be known")
        kh, kw, sh, sw = int(ksize[1]), int(ksize[2]), int(strides[1]), int(strides[2])
        ho, top = _window_table(hh, kh, sh, padding)
        wo, left = _window_table(ww, kw, sw, padding)
        oy, ox, i, j = np.meshgrid(
            np.arange(ho), np.arange(wo), np.arange(kh), np.arange(kw), indexing="ij"
        )
        py, px = oy * sh + i - top, ox * sw + j - left
        valid = (py >= 0) & (py < hh) & (px >= 0) & (px < ww)
        penalty = np.where(valid, 0.0, -np.inf).reshape(ho, wo, kh * kw, 1)
        b, _, _, c = dims(x)
        patches = extract_image_patches(x, [1, kh, kw, 1], [1, sh, sw, 1], [1, 1, 1, 1], padding)
        patches = reshape(patches, [b, ho, wo, kh * kw, c])
        masked = add(patches, constant(penalty, dtype=x.dtype))
        k = argmax(stop_gradient(masked), axis=3, output_type=_dt.int64)  # [B, Ho, Wo, C]
        base = ((oy * sh - top) * ww + (ox * sw - left))[:, :, 0, 0].reshape(ho, wo, 1)
        offsets = (np.arange(kh)[:, None] * ww + np.arange(kw)[None, :]).reshape(-1)
        spatial = add(constant(base.astype(np.int64)), gather(constant(offsets, _dt.int64), k))
        cs = cast(c, _dt.int64) if isinstance(c, Tensor) else constant(c, _dt.int64)
        idx = add(multiply(spatial, cs), _range(0, cs, dtype=_dt.int64))
        if include_batch_in_index:
            bs = cast(shape(x)[0], _dt.int64)
            per = multiply(cs, constant(hh * ww, _dt.int64))
            idx = add(idx, reshape(multiply(_range(0, bs, dtype=_dt.int64), per), [-1, 1, 1, 1]))
        return y, cast(idx, out_t) if out_t != _dt.int64 else idx


__all__ = [
    "avg_pool1d",
    "avg_pool3d",
    "avg_pool_v2",
    "max_pool1d",
    "max_pool3d",
    "max_pool_v2",
    "max_pool_with_argmax",
    "pool",
]
