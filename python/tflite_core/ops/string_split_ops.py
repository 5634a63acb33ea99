"""Splitting strings into a SparseTensor of tokens, as HOST ops with TF's kernel semantics:

* ``StringSplit`` (``tf.string_split``, TF 1.x): each byte of ``delimiter`` splits (an empty
  delimiter: every byte is a token); ``skip_empty`` drops empty tokens; an empty string has
  none;
* ``StringSplitV2`` (``tf.strings.split``): Python's ``bytes.split(sep, maxsplit)``: ``sep``
  whole, or runs of ASCII whitespace when ``sep`` is empty or None.

Each op takes a vector and gives ``indices`` [N, 2] (row, position), ``values`` [N] and
``shape`` [2] (rows, most tokens), int64 as TF's. ``tf.compat.v1.strings.split`` takes any rank
(TF goes through a RaggedTensor): here the input is flattened and the rows' indices unravelled.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.graph import Operation, Tensor, shape_error
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_shape import TensorShape
from . import array_ops, math_extra_ops, math_ops
from .string_ops import bytes_array, check_choice, op_error, string_input


def _tokens_to_sparse(rows: list[list[bytes]]) -> list:
    n = sum(len(r) for r in rows)
    indices = np.zeros((n, 2), np.int64)
    values = np.empty((n,), object)
    k = 0
    for i, row in enumerate(rows):
        for j, tok in enumerate(row):
            indices[k] = (i, j)
            values[k] = tok
            k += 1
    width = max((len(r) for r in rows), default=0)
    return [indices, values, np.array([len(rows), width], np.int64)]


def _split_shape(op: Operation, in_shapes: list, value_of) -> list:
    for k, want in ((0, 1), (1, 0)):
        if in_shapes[k].ndims not in (None, want):
            raise shape_error(
                op.type,
                op.name,
                f"Shape must be rank {want} but is rank {in_shapes[k].ndims}",
                in_shapes,
            )
    return [TensorShape([None, 2]), TensorShape([None]), TensorShape([2])]


def _check_vector(op: Operation, arr: np.ndarray, delim: np.ndarray) -> None:
    if arr.ndim != 1:
        raise op_error(op, f"input must be a vector, got shape: {TensorShape(arr.shape)}")
    if delim.ndim != 0:
        raise op_error(op, f"delimiter must be a scalar, got shape: {TensorShape(delim.shape)}")


def _split_v1(op, values, delimiter):
    arr, delim = bytes_array(values), bytes_array(delimiter)
    _check_vector(op, arr, delim)
    d = bytes(delim[()])
    skip = op.get_attr("skip_empty")
    rows: list[list[bytes]] = []
    for s in arr:
        if not s:
            rows.append([])
            continue
        if not d:
            rows.append([bytes([b]) for b in s])
            continue
        toks, start = [], 0
        for i, b in enumerate(s):
            if b in d:
                toks.append(s[start:i])
                start = i + 1
        toks.append(s[start:])
        rows.append([t for t in toks if t] if skip else toks)
    return _tokens_to_sparse(rows)


def _split_v2(op, values, sep):
    arr, delim = bytes_array(values), bytes_array(sep)
    _check_vector(op, arr, delim)
    d = bytes(delim[()]) or None
    maxsplit = op.get_attr("maxsplit")
    return _tokens_to_sparse([s.split(d, maxsplit) for s in arr])


for _type, _fn in (("StringSplit", _split_v1), ("StringSplitV2", _split_v2)):
    register_op(
        _type,
        _split_shape,
        kind=OpKind.HOST,
        host_fn=_fn,
        feeds_plan=True,
        graphdef_dtype=lambda op: None,
    )
    NotDifferentiable(_type)


def _split_op(op_type: str, t: Tensor, d: Tensor, attrs: dict, name: str | None) -> SparseTensor:
    g = graph_of(t, d)
    with g.as_default():
        op = g.create_op(
            op_type, [t, d], [_dt.int64, _dt.string, _dt.int64], attrs, name or op_type
        )
    return SparseTensor(*op.outputs)


def string_split(
    source: Any,
    sep: Any = None,
    skip_empty: bool = True,
    delimiter: Any = None,
    result_type: str = "SparseTensor",
    name: str | None = None,
) -> SparseTensor:
    """Splits each string of the vector ``source`` at every byte of ``delimiter`` (default
    ``" "``; ``sep`` is its newer name; empty: into single bytes) into a SparseTensor of tokens
    (TF 1.x's ``StringSplit``).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.string_split(["a b", "c"])).values)
    [b'a' b'b' b'c']
    """
    check_choice("string_split", "result_type", result_type, ("SparseTensor",))
    if sep is not None and delimiter is not None:
        raise ValueError("Cannot specify both 'sep' and 'delimiter'.")
    delim = sep if sep is not None else delimiter
    t = string_input(source, "StringSplit", "input")
    g = graph_of(t, delim)
    with g.as_default():
        d = string_input(" " if delim is None else delim, "StringSplit", "delimiter", "delimiter")
    return _split_op("StringSplit", t, d, {"skip_empty": bool(skip_empty)}, name)


def strings_split(
    input: Any = None,
    sep: Any = None,
    maxsplit: int = -1,
    result_type: str = "SparseTensor",
    source: Any = None,
    name: str | None = None,
) -> SparseTensor:
    """Splits each string of ``input`` (any rank) at ``sep`` (whole; runs of whitespace when
    None) as Python's ``split`` does, at most ``maxsplit`` times: a SparseTensor of tokens with
    one more dimension than ``input`` (``tf.compat.v1.strings.split``, TF's ``StringSplitV2``).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.strings.split(["a,b", "c"], ",")).values)
    [b'a' b'b' b'c']
    """
    check_choice("split", "result_type", result_type, ("SparseTensor",))
    if input is not None and source is not None:
        raise ValueError("Cannot specify both 'input' and 'source'.")
    value = input if input is not None else source
    if isinstance(value, Tensor) and value.dtype != _dt.string:  # (TF's ragged conversion)
        raise ValueError(
            f"input: Tensor conversion requested dtype string for Tensor with dtype "
            f"{value.dtype.name}: {value!r}"
        )
    t = string_input(value, "StringSplitV2", "input")
    g = graph_of(t, sep)
    with g.as_default(), g.name_scope(name or "StringSplit"):
        d = string_input("" if sep is None else sep, "StringSplitV2", "sep", "sep")
        rank = t.shape.ndims
        flat = t if rank == 1 else array_ops.reshape(t, [-1])
        out = _split_op("StringSplitV2", flat, d, {"maxsplit": int(maxsplit)}, None)
        if rank in (0, 1):  # (a scalar: one row, as TF)
            return out
        # unravel each token's row into the input's dimensions
        dims = array_ops.shape(t, out_type=_dt.int64)
        strides = math_extra_ops.cumprod(dims, exclusive=True, reverse=True)
        rows = array_ops.expand_dims(out.indices[:, 0], 1)
        multi = math_ops.floormod(math_ops.floordiv(rows, strides), dims)
        indices = array_ops.concat([multi, out.indices[:, 1:]], 1)
        shape = array_ops.concat([dims, out.dense_shape[1:]], 0)
        return SparseTensor(indices, out.values, shape)
