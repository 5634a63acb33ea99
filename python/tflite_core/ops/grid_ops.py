"""Grids, bins and masks: ``linspace`` (LinSpace), ``meshgrid``, ``unravel_index``,
``searchsorted`` (LowerBound / UpperBound), ``histogram_fixed_width`` and
``histogram_fixed_width_bins``, ``sequence_mask`` and ``repeat``; kernels in ``cpp/grid.cc``,
the rest composed as TF composes them.

>>> with tf.Session() as sess:
...     print(sess.run(tf.linspace(0.0, 1.0, 5)))
[0.   0.25 0.5  0.75 1.  ]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope, shape_error
from ..framework.op_util import NUMERIC, check_dtype_in, make_tensor
from ..framework.registry import NotDifferentiable, RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import broadcast_to, cast, expand_dims, reshape, shape, size, stack
from .indexing_ops import INDEX_DTYPES, gather, range
from .math_ops import floor, less, maximum, minimum, multiply, reduce_max, reduce_sum, subtract
from .partition_ops import boolean_mask

if TYPE_CHECKING:
    from ..framework.type_aliases import DTypeLike, TensorLike


def _scalar(v) -> int | None:
    return None if v is None else int(np.asarray(v).reshape(-1)[0])


# ---- LinSpace ---------------------------------------------------------------------------------
def _lin_space_shape(op, in_shapes, value_of):
    for s in in_shapes:
        if s.ndims not in (None, 0):
            raise shape_error(
                "LinSpace", op.name, f"Shape must be rank 0 but is rank {s.ndims}", in_shapes
            )
    n = _scalar(value_of(2))
    if n is not None and n < 0:
        raise ValueError(f"[LinSpace] Requires num >= 0: {n} for '{op.name}'")
    return [TensorShape([n])]


register_op("LinSpace", _lin_space_shape, "lin_space", kernel_inputs=(0, 1), value_inputs=(2,))


@RegisterGradient("LinSpace")
def _lin_space_grad(op, grad):
    # out[i] = start + (stop - start) * w[i], w = linspace(0, 1, num): d/dstop = sum(grad * w),
    # d/dstart = sum(grad) - that (tf.linspace is a differentiable composite in TF)
    start = op.inputs[0]
    zero, one = constant(0, start.dtype), constant(1, start.dtype)
    w = lin_space(zero, one, op.inputs[2])
    d_stop = reduce_sum(multiply(grad, w))
    return [subtract(reduce_sum(grad), d_stop), d_stop, None]


def lin_space(start: TensorLike, stop: TensorLike, num: Any, name: str | None = None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (both included; float32 or
    float64 scalars): ``np.linspace``.

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.lin_space(1.0, 2.0, 3)))
    [1.  1.5 2. ]
    """
    with name_scope(name, "LinSpace", []) as scope:
        s = convert_to_tensor(start, name="start")
        e = convert_to_tensor(stop, dtype=s.dtype, name="stop")
        check_dtype_in("LinSpace", s, (_dt.float32, _dt.float64), "start")
        if s.shape.ndims != 0 or e.shape.ndims != 0 or axis != 0:
            raise ValueError(
                "tflite_core's linspace takes scalar start and stop (axis 0); got shapes "
                f"{s.shape} and {e.shape}"
            )
        n = num if isinstance(num, Tensor) else constant(np.int32(num), name="num")
        check_dtype_in("LinSpace", n, INDEX_DTYPES, "num")
        return make_tensor("LinSpace", [s, e, n], s.dtype, {"T": s.dtype, "Tidx": n.dtype}, scope)


linspace = lin_space


# ---- meshgrid ---------------------------------------------------------------------------------
def meshgrid(*args: TensorLike, **kwargs: Any) -> list[Tensor]:
    """Coordinate grids from 1-D ``args``: ``np.meshgrid(*args, indexing=...)`` (``indexing``
    "xy", the default, or "ij"); built as TF builds it (reshape, times ones).

    >>> x, y = tf.meshgrid([1, 2, 3], [4, 5])
    >>> with tf.Session() as sess:
    ...     print(sess.run(x).tolist(), sess.run(y).tolist())
    [[1, 2, 3], [1, 2, 3]] [[4, 4, 4], [5, 5, 5]]
    """
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        key = next(iter(kwargs))
        raise TypeError(f"'{key}' is an invalid keyword argument for this function")
    if indexing not in ("xy", "ij"):
        raise ValueError(
            f"Argument `indexing` parameter must be either 'xy' or 'ij', got '{indexing}'"
        )
    with name_scope(name, "meshgrid", []):
        ndim = len(args)
        if not ndim:
            return []
        ts = [convert_to_tensor(a) for a in args]
        ones1 = (1,) * ndim
        output = [reshape(t, list((*ones1[:i], -1, *ones1[i + 1 :]))) for i, t in enumerate(ts)]
        shapes = [size(t) for t in ts]
        if indexing == "xy" and ndim > 1:
            output[0] = reshape(output[0], [1, -1, *([1] * (ndim - 2))])
            output[1] = reshape(output[1], [-1, 1, *([1] * (ndim - 2))])
            shapes[0], shapes[1] = shapes[1], shapes[0]
        full = stack(shapes)
        return [broadcast_to(x, full) for x in output]


# ---- UnravelIndex ------------------------------------------------------------------------------
def _unravel_shape(op, in_shapes, value_of):
    i, d = in_shapes
    if i.ndims not in (None, 0, 1):
        raise shape_error("UnravelIndex", op.name, "indices must be a scalar or vector", in_shapes)
    if d.ndims not in (None, 1):
        raise shape_error("UnravelIndex", op.name, "dims must be a vector", in_shapes)
    n = d.as_list()[0] if d.ndims == 1 else None
    if i.ndims == 0:
        return [TensorShape([n])]
    if i.ndims == 1:
        return [TensorShape([n, i.as_list()[0]])]
    return [TensorShape(None)]


register_op("UnravelIndex", _unravel_shape, "unravel_index")
NotDifferentiable("UnravelIndex")


def unravel_index(indices: TensorLike, dims: TensorLike, name: str | None = None) -> Tensor:
    """The coordinates of flat ``indices`` in an array of shape ``dims``:
    ``np.unravel_index`` stacked (``[len(dims)]`` or ``[len(dims), n]``).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.unravel_index([2, 5, 7], [3, 3])))
    [[0 1 2]
     [2 2 1]]
    """
    i = convert_to_tensor(indices)
    check_dtype_in("UnravelIndex", i, INDEX_DTYPES, "indices")
    d = convert_to_tensor(dims, dtype=i.dtype)
    return make_tensor("UnravelIndex", [i, d], i.dtype, {"Tidx": i.dtype}, name or "UnravelIndex")


# ---- LowerBound / UpperBound -------------------------------------------------------------------
def _bound_shape(op, in_shapes, value_of):
    s, v = in_shapes
    for x in (s, v):
        if x.ndims not in (None, 2):
            raise shape_error(
                op.type, op.name, f"Shape must be rank 2 but is rank {x.ndims}", in_shapes
            )
    if s.ndims == 2 and v.ndims == 2 and not s[0].is_compatible_with(v[0]):
        raise shape_error(
            op.type, op.name, "Leading dim_size of both tensors must match.", in_shapes
        )
    return [v]


for _t, _upper in (("LowerBound", 0), ("UpperBound", 1)):
    register_op(
        _t,
        _bound_shape,
        "search_sorted",
        attrs_fn=(lambda u: lambda op, i, o, v: ([u], []))(_upper),
    )
    NotDifferentiable(_t)


def searchsorted(
    sorted_sequence: TensorLike,
    values: TensorLike,
    side: str = "left",
    out_type: DTypeLike = _dt.int32,
    name: str | None = None,
) -> Tensor:
    """Where ``values`` would go in the rows of ``sorted_sequence`` (sorted along the last
    dimension; both share the leading ones): ``np.searchsorted`` per row, ``side`` "left"
    (LowerBound) or "right" (UpperBound).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.searchsorted([[0, 3, 9, 10]], [[2, 9, 11]])))
    [[1 2 4]]
    """
    if side not in ("left", "right"):
        raise ValueError(
            f"Argument `side` must be either 'right' or 'left'. Received: `side` = '{side}'."
        )
    op_type = "LowerBound" if side == "left" else "UpperBound"
    out = _dt.as_dtype(out_type)
    with name_scope(name, "searchsorted", []):
        s = convert_to_tensor(sorted_sequence)
        v = convert_to_tensor(values, dtype=s.dtype)
        check_dtype_in(op_type, s, NUMERIC, "sorted_inputs")
        s2 = reshape(s, [-1, shape(s)[-1]])
        v2 = reshape(v, [-1, shape(v)[-1]])
        res = make_tensor(op_type, [s2, v2], out, {"T": s.dtype, "out_type": out}, op_type)
        return reshape(res, shape(v))


# ---- HistogramFixedWidth -----------------------------------------------------------------------
def _histogram_shape(op, in_shapes, value_of):
    r = in_shapes[1]
    if r.ndims not in (None, 1) or (r.ndims == 1 and r.as_list()[0] not in (None, 2)):
        raise shape_error(
            "HistogramFixedWidth", op.name, "value_range must be a vector of 2 elements", in_shapes
        )
    n = _scalar(value_of(2))
    if n is not None and n <= 0:
        raise ValueError(
            f"[HistogramFixedWidth] nbins should be a positive number, but got '{n}' for "
            f"'{op.name}'"
        )
    return [TensorShape([n])]


register_op(
    "HistogramFixedWidth",
    _histogram_shape,
    "histogram_fixed_width",
    kernel_inputs=(0, 1),
    value_inputs=(2,),
)
NotDifferentiable("HistogramFixedWidth")


def histogram_fixed_width(
    values: TensorLike,
    value_range: TensorLike,
    nbins: Any = 100,
    dtype: DTypeLike = _dt.int32,
    name: str | None = None,
) -> Tensor:
    """How many ``values`` fall in each of ``nbins`` equal bins over ``value_range = [lo,
    hi]``; values below ``lo`` count in the first bin, at or above ``hi`` in the last.

    >>> v = [-1.0, 0.0, 1.5, 2.0, 5.0, 15.0]
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.histogram_fixed_width(v, [0.0, 5.0], 5)))
    [2 1 1 0 2]
    """
    with name_scope(name, "histogram_fixed_width", []) as scope:
        v = convert_to_tensor(values)
        check_dtype_in("HistogramFixedWidth", v, NUMERIC, "values")
        r = convert_to_tensor(value_range, dtype=v.dtype)
        n = nbins if isinstance(nbins, Tensor) else constant(np.int32(nbins), name="nbins")
        out = _dt.as_dtype(dtype)
        if out not in INDEX_DTYPES:
            raise TypeError(f"dtype must be int32 or int64, got {out.name}")
        attrs = {"T": v.dtype, "dtype": out}
        return make_tensor("HistogramFixedWidth", [v, r, n], out, attrs, scope)


def histogram_fixed_width_bins(
    values: TensorLike,
    value_range: TensorLike,
    nbins: Any = 100,
    dtype: DTypeLike = _dt.int32,
    name: str | None = None,
) -> Tensor:
    """The bin of each of ``values`` among ``nbins`` equal bins over ``value_range``
    (clipped to ``[0, nbins - 1]``), as TF: ``floor(nbins * (v - lo) / (hi - lo))``.

    >>> v = [-1.0, 0.0, 1.5, 2.0, 5.0, 15.0]
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.histogram_fixed_width_bins(v, [0.0, 5.0], 5)))
    [0 0 1 2 4 4]
    """
    with name_scope(name, "histogram_fixed_width_bins", []):
        v = convert_to_tensor(values, name="values")
        dims = shape(v)
        flat = reshape(v, [-1])
        r = convert_to_tensor(value_range, dtype=v.dtype, name="value_range")
        n = convert_to_tensor(nbins, dtype=_dt.int32, name="nbins")
        nf = cast(n, v.dtype)
        scaled = (flat - r[0]) / (r[1] - r[0])
        idx = floor(multiply(nf, scaled), name="indices")
        idx = cast(minimum(maximum(idx, constant(0, v.dtype)), nf - 1), dtype)
        return reshape(idx, dims)


# ---- sequence_mask, repeat -----------------------------------------------------------------------
def sequence_mask(
    lengths: TensorLike,
    maxlen: Any = None,
    dtype: DTypeLike = _dt.bool,
    name: str | None = None,
) -> Tensor:
    """``mask[i..., j] = j < lengths[i...]`` for ``j`` in ``[0, maxlen)`` (default
    ``max(lengths)``), cast to ``dtype``.

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sequence_mask([1, 3, 2], 4)))
    [[ True False False False]
     [ True  True  True False]
     [ True  True False False]]
    """
    with name_scope(name, "SequenceMask", []):
        lens = convert_to_tensor(lengths)
        if maxlen is None:
            m = reduce_max(lens)
            m = maximum(constant(0, m.dtype), m)
        else:
            m = convert_to_tensor(maxlen)
        if m.shape.ndims not in (None, 0):
            raise ValueError(
                f"Argument `maxlen` must be scalar for sequence_mask, received `maxlen` = {m} "
                f"with shape '{m.shape}' instead"
            )
        row = range(constant(0, m.dtype), m, constant(1, m.dtype))
        matrix = cast(expand_dims(lens, -1), m.dtype)
        result = less(row, matrix)
        dtype = _dt.as_dtype(dtype)
        return result if dtype == _dt.bool else cast(result, dtype)


def repeat(input: TensorLike, repeats: Any, axis: int | None = None, name: str | None = None):
    """``np.repeat(input, repeats, axis)``: each slice along ``axis`` (the flattened input when
    None) repeated ``repeats`` times (a scalar, or one count per slice); built from
    ``sequence_mask``, ``boolean_mask`` and ``gather``.

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.repeat([[1, 2], [3, 4]], [1, 2], axis=0)))
    [[1 2]
     [3 4]
     [3 4]]
    """
    with name_scope(name, "Repeat", []):
        x = convert_to_tensor(input, name="input")
        r = convert_to_tensor(repeats, name="repeats")
        check_dtype_in("Repeat", r, INDEX_DTYPES, "repeats")
        if axis is None:
            x = reshape(x, [-1])
            axis = 0
        if x.shape.ndims is None:
            raise ValueError("repeat needs an input of known rank")
        axis = int(axis) % max(x.shape.ndims, 1)
        n = shape(x, out_type=r.dtype)[axis]
        counts = broadcast_to(r, stack([n])) if r.shape.ndims == 0 else r
        mask = sequence_mask(counts)
        rows = broadcast_to(
            expand_dims(range(constant(0, r.dtype), n), 1), shape(mask, out_type=r.dtype)
        )
        return gather(x, boolean_mask(rows, mask), axis=axis)
