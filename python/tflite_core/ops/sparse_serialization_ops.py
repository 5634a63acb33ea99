"""``tf.serialize_sparse``, ``tf.serialize_many_sparse`` and ``tf.deserialize_many_sparse``: a
SparseTensor as three serialized ``TensorProto``s (indices, values, dense shape), as TF's
``SerializeSparse`` kernels write them (so TF reads ours and the reverse); for a minibatch, one
row of three per entry of the first dimension."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, name_scope
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.sparse_tensor import SparseTensor, convert_to_tensor_or_sparse_tensor
from ..framework.tensor_shape import TensorShape
from .serialization_ops import _parse_tensor_bytes, tensor_proto_bytes


def _triple(indices: np.ndarray, values: np.ndarray, shape: np.ndarray, dt: _dt.DType) -> list:
    return [
        tensor_proto_bytes(np.asarray(indices, np.int64), _dt.int64),
        tensor_proto_bytes(values, dt, content=True),
        tensor_proto_bytes(np.asarray(shape, np.int64), _dt.int64),
    ]


def _serialize_fn(op: Operation, indices: Any, values: Any, shape: Any) -> list:
    dt = op.get_attr("T")
    return [np.array(_triple(indices, np.asarray(values), shape, dt), dtype=object)]


def _serialize_many_fn(op: Operation, indices: Any, values: Any, shape: Any) -> list:
    dt = op.get_attr("T")
    ind, val, shp = np.asarray(indices, np.int64), np.asarray(values), np.asarray(shape, np.int64)
    if shp.size < 2:
        raise errors.InvalidArgumentError(
            None,
            op,
            f"SparseTensor must have rank at least 2 (got {shp.size})"
            f"\n\t [[{{{{node {op.name}}}}}]]",
        )
    n = int(shp[0])
    out = np.empty((n, 3), dtype=object)
    rows = ind[:, 0] if ind.size else np.zeros(0, np.int64)
    for b in range(n):
        mask = rows == b
        out[b] = _triple(ind[mask][:, 1:].reshape(-1, shp.size - 1), val[mask], shp[1:], dt)
    return [out]


def _deserialize_many_fn(op: Operation, serialized: Any) -> list:
    dt = op.get_attr("dtype")
    s = np.asarray(serialized, dtype=object)
    if s.ndim != 2 or s.shape[1] != 3:
        raise errors.InvalidArgumentError(
            None,
            op,
            f"Serialized sparse should be a matrix with 3 columns, got shape {list(s.shape)}"
            f"\n\t [[{{{{node {op.name}}}}}]]",
        )
    all_ind, all_val, shapes = [], [], []
    rank = None
    for b in range(s.shape[0]):
        try:
            ind = _parse_tensor_bytes(s[b, 0], _dt.int64)
            val = _parse_tensor_bytes(s[b, 1], dt)
            shp = _parse_tensor_bytes(s[b, 2], _dt.int64)
        except ValueError as e:
            raise errors.InvalidArgumentError(
                None, op, f"{e} (element {b})\n\t [[{{{{node {op.name}}}}}]]"
            ) from None
        if rank is None:
            rank = shp.size
        elif shp.size != rank:
            raise errors.InvalidArgumentError(
                None,
                op,
                f"Inconsistent rank across SparseTensors: rank prior to SparseTensor[{b}] was: "
                f"{rank + 1} but rank of SparseTensor[{b}] is: {shp.size + 1}"
                f"\n\t [[{{{{node {op.name}}}}}]]",
            )
        ind = ind.reshape(-1, shp.size)
        all_ind.append(np.concatenate([np.full((len(ind), 1), b, np.int64), ind], axis=1))
        all_val.append(val.reshape(-1))
        shapes.append(shp)
    r = (rank + 1) if rank is not None else (op.get_attr("_rank") or 1)
    indices = np.concatenate(all_ind) if all_ind else np.zeros((0, r), np.int64)
    values = (
        np.concatenate(all_val) if all_val else np.zeros(0, dt.np if dt != _dt.string else object)
    )
    widest = np.max(shapes, axis=0) if shapes else np.zeros(r - 1, np.int64)
    dense = np.concatenate([[s.shape[0]], widest]).astype(np.int64)
    if dt == _dt.string:
        values = np.asarray(values, dtype=object)
    return [indices, values, dense]


register_op(
    "SerializeSparse", lambda op, s, v: [TensorShape([3])], kind=OpKind.HOST, host_fn=_serialize_fn
)
register_op(
    "SerializeManySparse",
    lambda op, s, v: [TensorShape([None, 3])],
    kind=OpKind.HOST,
    host_fn=_serialize_many_fn,
)
register_op(
    "DeserializeManySparse",
    lambda op, s, v: [
        TensorShape([None, op.get_attr("_rank")]),
        TensorShape([None]),
        TensorShape([op.get_attr("_rank")]),
    ],
    kind=OpKind.HOST,
    host_fn=_deserialize_many_fn,
    feeds_plan=True,
)
for _t in ("SerializeSparse", "SerializeManySparse", "DeserializeManySparse"):
    NotDifferentiable(_t)


def _sparse(sp_input: Any) -> SparseTensor:
    sp = convert_to_tensor_or_sparse_tensor(sp_input)
    if not isinstance(sp, SparseTensor):
        raise TypeError(f"Input must be a SparseTensor, got {type(sp_input).__name__}")
    return sp


def _out_type(out_type: Any) -> None:
    if _dt.as_dtype(out_type) != _dt.string:
        raise TypeError(f"out_type must be tf.string here (got {out_type!r}: no variant tensors)")


def serialize_sparse(sp_input: Any, name: str | None = None, out_type: Any = _dt.string) -> Any:
    """``sp_input`` as a string vector of 3 serialized TensorProtos."""
    _out_type(out_type)
    sp = _sparse(sp_input)
    g = graph_of(sp.indices)
    with g.as_default(), name_scope(name, "SerializeSparse") as scope:
        return g.create_op(
            "SerializeSparse",
            [sp.indices, sp.values, sp.dense_shape],
            [_dt.string],
            {"T": sp.values.dtype, "out_type": _dt.string},
            scope,
        ).outputs[0]


def serialize_many_sparse(
    sp_input: Any, name: str | None = None, out_type: Any = _dt.string
) -> Any:
    """A minibatch ``sp_input`` (rank >= 2) as an [N, 3] string matrix, a row per entry."""
    _out_type(out_type)
    sp = _sparse(sp_input)
    g = graph_of(sp.indices)
    with g.as_default(), name_scope(name, "SerializeManySparse") as scope:
        return g.create_op(
            "SerializeManySparse",
            [sp.indices, sp.values, sp.dense_shape],
            [_dt.string],
            {"T": sp.values.dtype, "out_type": _dt.string},
            scope,
        ).outputs[0]


def deserialize_many_sparse(
    serialized_sparse: Any, dtype: Any, rank: int | None = None, name: str | None = None
) -> SparseTensor:
    """The minibatch SparseTensor of the rows of ``serialized_sparse`` ([N, 3]): the first index
    is the row; the dense shape is N and the largest of each dimension."""
    dt = _dt.as_dtype(dtype)
    g = graph_of(serialized_sparse)
    with g.as_default(), name_scope(name, "DeserializeManySparse") as scope:
        from_ = serialized_sparse
        op = g.create_op(
            "DeserializeManySparse",
            [convert_to_tensor(from_, dtype=_dt.string)],
            [_dt.int64, dt, _dt.int64],
            {"dtype": dt, "_rank": rank},
            scope,
        )
        return SparseTensor(*op.outputs)
