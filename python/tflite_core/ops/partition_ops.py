"""Ops whose output sizes depend on their inputs' values: ``unique``, ``unique_with_counts``,
``setdiff1d`` (ListDiff), ``dynamic_partition``, ``dynamic_stitch`` and ``boolean_mask``
(built as TF builds it, from ``where``'s coordinates and ``gather``); kernels in
``cpp/partition.cc``.

The plan holds fixed shapes, so a run compiles (and caches) a plan for the values that decide
them: each op lists those inputs as ``value_inputs``; a fed one's value becomes part of the
plan's key, one computed in the graph is computed first by a pre-plan. The shape functions count
the sizes from those values only when a plan is compiled: at graph build, as in TF, the sizes
are unknown.

>>> with tf.Session() as sess:
...     print(sess.run(tf.boolean_mask([1, 2, 3, 4], [True, False, True, False])))
[1 3]
"""

from __future__ import annotations

import builtins
from collections import namedtuple
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, constant_value, name_scope, shape_error
from ..framework.op_util import check_dtype_in, make_op, make_tensor
from ..framework.registry import NotDifferentiable, RegisterGradient, at_run_time, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import cast, concat, reshape, shape, squeeze, zeros_like
from .indexing_ops import INDEX_DTYPES, gather, num_elements, range, where

if TYPE_CHECKING:
    from ..framework.type_aliases import DTypeLike, TensorLike

_pyrange = builtins.range  # this module uses tf.range too
UniqueOutput = namedtuple("UniqueOutput", ["y", "idx"])
UniqueWithCountsOutput = namedtuple("UniqueWithCountsOutput", ["y", "idx", "count"])
ListDiffOutput = namedtuple("ListDiffOutput", ["out", "idx"])


def _run_value(value_of, i: int):
    """Input ``i``'s value when a plan is compiled (None at graph build: sizes unknown there,
    as TF's static shapes)."""
    return np.asarray(value_of(i)) if at_run_time(value_of) and value_of(i) is not None else None


def _count_unique(x: np.ndarray) -> int:
    """How many distinct values the kernel finds: -0.0 equals 0.0, every NaN is distinct."""
    if x.dtype.kind == "f":
        nan = np.isnan(x)
        return int(np.unique(x[~nan]).size + nan.sum())
    return int(np.unique(x).size)


def _vector(op, s: TensorShape, what: str, in_shapes):
    if s.ndims not in (None, 1):
        raise shape_error(
            op.type, op.name, f"{what} must be a vector, got rank {s.ndims}", in_shapes
        )


# ---- Unique, UniqueWithCounts ------------------------------------------------------------------
def _unique_shape(op, in_shapes, value_of):
    x = in_shapes[0]
    _vector(op, x, "x", in_shapes)
    v = _run_value(value_of, 0)
    y = TensorShape([None if v is None else _count_unique(v.reshape(-1))])
    n = TensorShape([x.as_list()[0]] if x.ndims == 1 else [None])
    return [y, n] + ([y] if op.type == "UniqueWithCounts" else [])


for _t in ("Unique", "UniqueWithCounts"):
    register_op(_t, _unique_shape, "unique", value_inputs=(0,))
    NotDifferentiable(_t)


def _unique_op(op_type, x, out_idx, name, n_out):
    t = convert_to_tensor(x)
    idx = _dt.as_dtype(out_idx)
    if idx not in INDEX_DTYPES:
        raise TypeError(f"out_idx must be int32 or int64, got {idx.name}")
    attrs = {"T": t.dtype, "out_idx": idx}
    return make_op(op_type, [t], [t.dtype] + [idx] * (n_out - 1), attrs, name or op_type).outputs


def unique(x: TensorLike, out_idx: DTypeLike = _dt.int32, name: str | None = None) -> UniqueOutput:
    """The distinct values of the 1-D ``x`` in order of first appearance, and for each element
    of ``x`` its position among them: ``(y, idx)`` with ``x == y[idx]``.

    >>> y, idx = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
    >>> with tf.Session() as sess:
    ...     print(sess.run(y), sess.run(idx))
    [1 2 4 7 8] [0 0 1 2 2 2 3 4 4]
    """
    return UniqueOutput(*_unique_op("Unique", x, out_idx, name, 2))


def unique_with_counts(
    x: TensorLike, out_idx: DTypeLike = _dt.int32, name: str | None = None
) -> UniqueWithCountsOutput:
    """``unique`` and how often each distinct value occurs: ``(y, idx, count)``."""
    return UniqueWithCountsOutput(*_unique_op("UniqueWithCounts", x, out_idx, name, 3))


# ---- ListDiff ----------------------------------------------------------------------------------
def _list_diff_shape(op, in_shapes, value_of):
    x, y = in_shapes
    _vector(op, x, "x", in_shapes)
    _vector(op, y, "y", in_shapes)
    xv, yv = _run_value(value_of, 0), _run_value(value_of, 1)
    n = None if xv is None or yv is None else int((~np.isin(xv, yv)).sum())
    return [TensorShape([n]), TensorShape([n])]


register_op("ListDiff", _list_diff_shape, "list_diff", value_inputs=(0, 1))
NotDifferentiable("ListDiff")


def setdiff1d(
    x: TensorLike, y: TensorLike, index_dtype: DTypeLike = _dt.int32, name: str | None = None
) -> ListDiffOutput:
    """The values of the 1-D ``x`` that are not in ``y`` (order and repeats kept) and their
    positions in ``x``: ``(out, idx)``.

    >>> out, idx = tf.setdiff1d([1, 2, 3, 4, 5, 6], [1, 3, 5])
    >>> with tf.Session() as sess:
    ...     print(sess.run(out), sess.run(idx))
    [2 4 6] [1 3 5]
    """
    xt = convert_to_tensor(x)
    yt = convert_to_tensor(y, dtype=xt.dtype)
    idx = _dt.as_dtype(index_dtype)
    if idx not in INDEX_DTYPES:
        raise TypeError(f"index_dtype must be int32 or int64, got {idx.name}")
    attrs = {"T": xt.dtype, "out_idx": idx}
    op = make_op("ListDiff", [xt, yt], [xt.dtype, idx], attrs, name or "ListDiff")
    return ListDiffOutput(*op.outputs)


# ---- DynamicPartition, DynamicStitch ------------------------------------------------------------
def _dynamic_partition_shape(op, in_shapes, value_of):
    data, parts = in_shapes
    n = op.get_attr("num_partitions")
    if (
        data.ndims is not None
        and parts.ndims is not None
        and (
            parts.ndims > data.ndims
            or not TensorShape(data.as_list()[: parts.ndims]).is_compatible_with(parts)
        )
    ):
        raise shape_error(
            "DynamicPartition",
            op.name,
            "data.shape must start with partitions.shape",
            in_shapes,
        )
    rest = (
        data.as_list()[parts.ndims :]
        if data.ndims is not None and parts.ndims is not None
        else None
    )
    v = _run_value(value_of, 1)
    counts: list[int | None] = [None] * n
    if v is not None:  # (ids out of range: the kernel names them)
        ok = v[(v >= 0) & (v < n)]
        counts = [int(c) for c in np.bincount(ok.reshape(-1), minlength=n)[:n]]
    if rest is None:
        return [TensorShape(None)] * n
    return [TensorShape([c, *rest]) for c in counts]


register_op("DynamicPartition", _dynamic_partition_shape, "dynamic_partition", value_inputs=(1,))


@RegisterGradient("DynamicPartition")
def _dynamic_partition_grad(op, *grads):
    # each partition's gradient goes back to the rows it came from
    data, parts = op.inputs
    n = op.get_attr("num_partitions")
    positions = reshape(range(num_elements(parts)), shape(parts))
    back = dynamic_partition(positions, parts, n)
    gs = [g if g is not None else zeros_like(o) for g, o in zip(grads, op.outputs)]
    return [reshape(dynamic_stitch(back, gs), shape(data)), None]


def dynamic_partition(
    data: TensorLike, partitions: TensorLike, num_partitions: int, name: str | None = None
) -> list[Tensor]:
    """Splits ``data`` into ``num_partitions`` tensors: output ``p`` holds, in order, the rows
    ``data[i...]`` with ``partitions[i...] == p`` (``partitions`` int32, its shape a prefix of
    ``data``'s).

    >>> parts = tf.dynamic_partition([10, 20, 30, 40], [0, 1, 0, 1], 2)
    >>> with tf.Session() as sess:
    ...     print(sess.run(parts))
    [array([10, 30], dtype=int32), array([20, 40], dtype=int32)]
    """
    d = convert_to_tensor(data)
    p = convert_to_tensor(partitions)
    check_dtype_in("DynamicPartition", p, (_dt.int32,), "partitions")
    n = int(num_partitions)
    if n < 1:
        raise ValueError(f"num_partitions must be at least 1, got {n}")
    attrs = {"num_partitions": n, "T": d.dtype}
    return list(make_op("DynamicPartition", [d, p], [d.dtype] * n, attrs, name).outputs)


def _stitch_n(op) -> int:
    return len(op._inputs) // 2


def _dynamic_stitch_shape(op, in_shapes, value_of):
    n = _stitch_n(op)
    ids, data = in_shapes[:n], in_shapes[n:]
    rest = None
    for i, d in zip(ids, data):
        if i.ndims is None or d.ndims is None:
            continue
        if d.ndims < i.ndims or not TensorShape(d.as_list()[: i.ndims]).is_compatible_with(i):
            raise shape_error(
                "DynamicStitch",
                op.name,
                "data[i].shape must start with indices[i].shape",
                in_shapes,
            )
        r = TensorShape(d.as_list()[i.ndims :])
        if rest is not None and not rest.is_compatible_with(r):
            raise shape_error(
                "DynamicStitch", op.name, "the data rows must have one shape", in_shapes
            )
        rest = r if rest is None else rest.merge_with(r)
    values = [value_of(k) for k in _pyrange(n)]
    first = None
    if all(v is not None for v in values):
        first = max([int(np.max(v)) for v in values if np.size(v)], default=-1) + 1
    if rest is None:
        return [TensorShape(None)]
    return [TensorShape([first, *rest.as_list()])]


register_op(
    "DynamicStitch",
    _dynamic_stitch_shape,
    "dynamic_stitch",
    value_inputs=lambda op: list(_pyrange(_stitch_n(op))),
)


@RegisterGradient("DynamicStitch")
def _dynamic_stitch_grad(op, grad):
    n = _stitch_n(op)
    ids = [i if i.dtype == _dt.int32 else cast(i, _dt.int32) for i in op.inputs[:n]]
    return [None] * n + [gather(grad, i) for i in ids]


def dynamic_stitch(
    indices: Sequence[TensorLike], data: Sequence[TensorLike], name: str | None = None
) -> Tensor:
    """``merged[indices[m][i...], ...] = data[m][i..., ...]``, for ``m`` in order (a later
    index wins); the first dimension is ``max(indices) + 1``.

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.dynamic_stitch([[0, 2], [1]], [[1.0, 3.0], [2.0]])))
    [1. 2. 3.]
    """
    ids = [convert_to_tensor(i) for i in indices]
    if not ids or len(ids) != len(data):
        raise ValueError("dynamic_stitch needs as many data tensors as indices, at least one")
    ds = [convert_to_tensor(d) for d in data]
    ds = [d if d.dtype == ds[0].dtype else convert_to_tensor(d, dtype=ds[0].dtype) for d in ds]
    for i in ids:
        check_dtype_in("DynamicStitch", i, (_dt.int32,), "indices")
    attrs = {"N": len(ids), "T": ds[0].dtype}
    return make_tensor("DynamicStitch", [*ids, *ds], ds[0].dtype, attrs, name or "DynamicStitch")


# ---- boolean_mask ---------------------------------------------------------------------------
def boolean_mask(
    tensor: TensorLike, mask: TensorLike, name: str = "boolean_mask", axis: Any = None
) -> Tensor:
    """The elements (or slices) of ``tensor`` where the boolean ``mask`` is true: ``mask``'s
    shape matches ``tensor``'s dimensions ``axis ... axis + mask.ndim`` (TF's composite: those
    dimensions flattened, then ``gather`` at ``where(mask)``).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.boolean_mask([[1, 2], [3, 4], [5, 6]], [True, False, True])))
    [[1 2]
     [5 6]]
    """
    with name_scope(name, "boolean_mask", []):
        t = convert_to_tensor(tensor, name="tensor")
        m = convert_to_tensor(mask, name="mask")
        sm = m.shape
        if sm.ndims == 0:
            raise ValueError("mask cannot be scalar.")
        if sm.ndims is None:
            raise ValueError(
                "Number of mask dimensions must be specified, even if some dimensions are "
                "None.  E.g. shape=[None] is ok, but shape=None is not."
            )
        a = 0 if axis is None else axis
        if isinstance(a, Tensor):
            c = constant_value(a)
            if c is None:
                raise ValueError("boolean_mask needs an axis known when the graph is built")
            a = c
        a = int(np.asarray(a).reshape(()))
        st = t.shape
        if st.ndims is None:
            raise ValueError("boolean_mask needs a tensor of known rank")
        if a < 0:
            a += st.ndims
        k = sm.ndims
        if not TensorShape(st.as_list()[a : a + k]).is_compatible_with(sm) or a + k > st.ndims:
            raise ValueError(f"Shapes {st[a : a + k]} and {sm} are incompatible")
        if k > 1 or a > 0 or a + k < st.ndims:
            dims = shape(t)
            flat = reshape(t, concat([dims[:a], [-1], dims[a + k :]], 0))
        else:
            flat = t
        rows = squeeze(where(reshape(m, [-1])), [1])
        return gather(flat, rows, axis=a)
