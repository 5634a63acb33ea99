"""Joins of strings along axes and segments, as HOST ops with TF's kernel semantics:
``ReduceJoin`` (``tf.strings.reduce_join``: the first listed axis varies fastest in the joined
order; ``axis=None`` lists the axes last to first, so that the join is row-major) and
``UnsortedSegmentJoin`` (``tf.strings.unsorted_segment_join``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, shape_error
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import rank as _rank
from .indexing_ops import range as _range
from .string_ops import bytes_array, make_string_op, op_error, string_input

# ---- ReduceJoin ----------------------------------------------------------------------------------


def _reduce_join_shape(op, in_shapes, value_of):
    x = in_shapes[0]
    keep = op.get_attr("keep_dims")
    axes = value_of(1)
    if axes is None:
        if keep and x.ndims is not None:
            return [TensorShape([None] * x.ndims)]
        return [TensorShape(None)]
    axes = [int(a) for a in np.asarray(axes).reshape(-1)]
    if x.ndims is None:
        return [TensorShape(None)]
    dims = x.as_list()
    for a in axes:
        if not -len(dims) <= a < len(dims):
            raise shape_error(
                op.type,
                op.name,
                f"Invalid reduction dimension {a} for input with {len(dims)} dimensions.",
                in_shapes,
            )
    reduced = {a % len(dims) for a in axes}
    if keep:
        return [TensorShape([1 if i in reduced else d for i, d in enumerate(dims)])]
    return [TensorShape([d for i, d in enumerate(dims) if i not in reduced])]


def _reduce_join(op, values, axes):
    arr = bytes_array(values)
    sep = op.get_attr("separator").encode()
    axes_list = [int(a) for a in np.asarray(axes).reshape(-1)]
    seen: list[int] = []
    for a in axes_list:
        if not -arr.ndim <= a < arr.ndim:  # (TF's class and words when the graph runs)
            raise errors.OutOfRangeError(
                None,
                op,
                f"Invalid reduction dimension {a} for input with {arr.ndim} dimension(s)"
                f"\n\t [[node {op.name}]]",
            )
        if a % arr.ndim in seen:
            raise op_error(op, f"Duplicate reduction dimension {a}")
        seen.append(a % arr.ndim)
    kept = [i for i in range(arr.ndim) if i not in seen]
    moved = np.transpose(arr, kept + seen[::-1]) if arr.ndim else arr
    kept_shape = [arr.shape[i] for i in kept]
    joined = int(np.prod([arr.shape[a] for a in seen], dtype=np.int64))
    out = np.empty(kept_shape, object)
    flat = out.reshape(-1)
    flat_rows = moved.reshape(flat.size, joined)
    for i in range(flat.size):
        flat[i] = sep.join(flat_rows[i])
    if op.get_attr("keep_dims"):
        out = out.reshape([1 if i in seen else d for i, d in enumerate(arr.shape)])
    return [out]


register_op(
    "ReduceJoin",
    _reduce_join_shape,
    kind=OpKind.HOST,
    host_fn=_reduce_join,
    feeds_plan=True,
    graphdef_dtype=lambda op: None,
)
NotDifferentiable("ReduceJoin")


def reduce_join(
    inputs: Any,
    axis: Any = None,
    keep_dims: bool | None = None,
    separator: str = "",
    name: str | None = None,
    reduction_indices: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Joins the strings of ``inputs`` along ``axis`` (all axes when None) with ``separator``
    (TF's ``ReduceJoin``; ``reduction_indices``/``keep_dims`` are the older names).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.strings.reduce_join([["a", "b"], ["c", "d"]], 1, separator=",")))
    [b'a,b' b'c,d']
    """
    if axis is not None and reduction_indices is not None:
        raise ValueError("Cannot specify both 'axis' and 'reduction_indices'.")
    axis = axis if axis is not None else reduction_indices
    if keep_dims is not None and keepdims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'.")
    keep = bool(keepdims if keepdims is not None else keep_dims)
    t = string_input(inputs, "ReduceJoin", "inputs", name="inputs")
    g = graph_of(t, axis)
    with g.as_default():
        if axis is None:
            if t.shape.ndims is not None:
                axes = convert_to_tensor(list(range(t.shape.ndims - 1, -1, -1)), _dt.int32)
            else:
                axes = _range(_rank(t) - 1, -1, -1)
        elif isinstance(axis, Tensor):
            axes = axis
        else:
            axes = convert_to_tensor(axis, _dt.int32, name="reduction_indices")
    attrs = {"keep_dims": keep, "separator": separator}
    return make_string_op("ReduceJoin", [t, axes], _dt.string, attrs, name)


# ---- UnsortedSegmentJoin -------------------------------------------------------------------------
def _segment_join_shape(op, in_shapes, value_of):
    data, ids, _ = in_shapes
    num = value_of(2)
    lead = [None if num is None else int(np.asarray(num))]
    if data.ndims is None or ids.ndims is None:
        return [TensorShape(None)]
    for p, q in zip(data.as_list(), ids.as_list()):
        if p is not None and q is not None and p != q:
            raise shape_error(
                op.type, op.name, f"Dimensions must be equal, but are {p} and {q}", in_shapes
            )
    return [TensorShape(lead + data.as_list()[ids.ndims :])]


def _segment_join(op, values, ids, num):
    arr, ids, n = bytes_array(values), np.asarray(ids), int(np.asarray(num))
    if ids.ndim > arr.ndim:
        raise op_error(op, "Input must have rank at least as large as segment_ids")
    for k, (d, e) in enumerate(zip(ids.shape, arr.shape)):
        if d != e:  # (TF's words, the input's rank among them)
            raise op_error(
                op, f"Segment dimension is {d} while input dimension is {arr.ndim} in rank {k}"
            )
    rest = arr.shape[ids.ndim :]
    rows = arr.reshape(ids.size, -1) if arr.size else np.empty((ids.size, 0), object)
    parts: list[list] = [[] for _ in range(n)]
    for i, s in enumerate(ids.reshape(-1)):
        if not 0 <= s < n:
            raise op_error(
                op,
                "segment_ids are not allowed to exceed num_segments or to have negative values.",
            )
        parts[int(s)].append(rows[i])
    sep = op.get_attr("separator").encode()
    width = int(np.prod(rest, dtype=np.int64))
    out = np.empty((n, width), object)
    for k, got in enumerate(parts):
        for j in range(width):
            acc = b""
            for r in got:  # (TF's kernel: an empty result so far takes the next string alone)
                acc = r[j] if not acc else acc + sep + r[j]
            out[k, j] = acc
    return [out.reshape((n, *rest))]


register_op(
    "UnsortedSegmentJoin",
    _segment_join_shape,
    kind=OpKind.HOST,
    host_fn=_segment_join,
    feeds_plan=True,
    graphdef_dtype=lambda op: None,
)
NotDifferentiable("UnsortedSegmentJoin")


def unsorted_segment_join(
    inputs: Any, segment_ids: Any, num_segments: Any, separator: str = "", name: str | None = None
) -> Tensor:
    """Joins the strings of ``inputs`` whose ``segment_ids`` (a prefix of its shape) are equal,
    in order, into ``num_segments`` rows (TF's ``UnsortedSegmentJoin``; an id outside
    ``[0, num_segments)`` is an InvalidArgumentError)."""
    t = string_input(inputs, "UnsortedSegmentJoin", "inputs", name="inputs")
    g = graph_of(t, segment_ids, num_segments)
    with g.as_default():
        ids = _int_input(segment_ids, "segment_ids")
        num = _int_input(num_segments, "num_segments")
    attrs = {"separator": separator, "Tindices": ids.dtype, "Tnumsegments": num.dtype}
    return make_string_op("UnsortedSegmentJoin", [t, ids, num], _dt.string, attrs, name)


def _int_input(v: Any, param: str) -> Tensor:
    t = v if isinstance(v, Tensor) else convert_to_tensor(v, name=param)
    if t.dtype not in (_dt.int32, _dt.int64):
        raise TypeError(
            f"Value passed to parameter '{param}' has DataType {t.dtype.name} not in list of "
            "allowed values: int32, int64"
        )
    return t
