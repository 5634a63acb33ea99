"""Parsing ``tf.train.SequenceExample`` records: ``tf.io.parse_single_sequence_example`` and
``tf.io.parse_sequence_example`` with ``FixedLenSequenceFeature`` and ``VarLenFeature`` feature
lists and the context's ``FixedLenFeature`` / ``VarLenFeature`` keys (TF's
``ParseSequenceExampleV2``, a host op on string tensors like ``parsing_ops``'s ParseExampleV2).

A batch pads each dense feature list to its longest record with the feature's default (zeros or
empty strings) and reports each record's length; a ``VarLenFeature`` list is a SparseTensor of
``[batch, steps, longest]``. TF's checks and messages name the key.
"""

from __future__ import annotations

import math
from collections import namedtuple
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.example_protos import example_protos
from ..framework.graph import Operation, name_scope
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_shape import TensorShape, as_shape
from .array_ops import expand_dims, reshape, squeeze
from .parsing_ops import FixedLenFeature, VarLenFeature, _check_dtype, _values
from .slicing_ops import slice as slice_

FixedLenSequenceFeature = namedtuple(
    "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"]
)
FixedLenSequenceFeature.__new__.__defaults__ = (False, None)
FixedLenSequenceFeature.__doc__ = "A dense feature list: one value of ``shape`` per step."


def _dense_context(op, examples, key, dtype, shape, default):
    rows = []
    for b, ex in enumerate(examples):
        f = ex.context.feature.get(key)
        v = None if f is None else _values(f, key, dtype, b)
        if v is None:
            if np.size(default) == 0:
                raise errors.InvalidArgumentError(
                    None,
                    op,
                    f"Name: <unknown>, Context feature '{key}' is required but could not be found.",
                )
            v = np.broadcast_to(np.asarray(default, dtype.np), shape).reshape(-1)
        elif v.size != math.prod(shape):
            raise errors.InvalidArgumentError(
                None,
                op,
                f"Name: <unknown>, Key: {key}, Index: {b}.  Number of values != expected.  "
                f"values size: {v.size} but output shape: {list(shape)}",
            )
        rows.append(v)
    return np.array(rows, dtype.np).reshape((len(examples), *shape))


def _sparse(values_per_row: list, dtype: _dt.DType, batch_dims: int) -> list:
    """indices, values, dense_shape of a ragged [batch(, steps), n] list of value vectors."""
    idx, vals = [], []
    longest = [0] * batch_dims
    for pos, v in values_per_row:
        for d, p in enumerate(pos):
            longest[d] = max(longest[d], p + 1)
        if v.size:
            idx.append(np.column_stack([np.tile(pos, (v.size, 1)), np.arange(v.size)]))
            vals.append(v)
    longest_vals = max((v.size for _, v in values_per_row), default=0)
    indices = np.concatenate(idx).astype(np.int64) if idx else np.zeros((0, batch_dims + 1))
    values = np.concatenate(vals) if vals else np.zeros(0, dtype.np)
    return [indices.astype(np.int64), values.astype(dtype.np), np.array([*longest, longest_vals])]


def _parse(op: Operation, serialized: Any, *defaults: Any) -> list:
    SequenceExample = example_protos().SequenceExample
    examples = []
    for r in np.asarray(serialized, dtype=object).reshape(-1):
        try:
            examples.append(SequenceExample.FromString(bytes(r)))
        except Exception:  # (protobuf's DecodeError)
            raise errors.InvalidArgumentError(
                None, op, "Could not parse example input, value: '<binary>'"
            ) from None
    n = len(examples)
    out: list = []
    # context: sparse, then dense
    for key, dtype in zip(op.get_attr("context_sparse_keys"), op.get_attr("context_sparse_types")):
        rows: list[tuple[tuple[int, ...], np.ndarray]] = []
        for b, ex in enumerate(examples):
            f = ex.context.feature.get(key)
            v = None if f is None else _values(f, key, dtype, b)
            rows.append(((b,), np.zeros(0, dtype.np) if v is None else v))
        ind, val, shp = _sparse(rows, dtype, 1)
        shp[0] = n
        out += [ind, val, shp]
    ctx_dense = zip(
        op.get_attr("context_dense_keys"),
        op.get_attr("context_dense_types"),
        op.get_attr("context_dense_shapes"),
    )
    ctx_defaults = defaults[: len(op.get_attr("context_dense_keys"))]
    for (key, dtype, shape), default in zip(ctx_dense, ctx_defaults):
        out.append(_dense_context(op, examples, key, dtype, shape, default))
    # feature lists: sparse, then dense (values and lengths)
    for key, dtype in zip(op.get_attr("seq_sparse_keys"), op.get_attr("seq_sparse_types")):
        rows = []
        for b, ex in enumerate(examples):
            fl = ex.feature_lists.feature_list.get(key)
            for t, f in enumerate([] if fl is None else fl.feature):
                v = _values(f, key, dtype, b)
                rows.append(((b, t), np.zeros(0, dtype.np) if v is None else v))
        ind, val, shp = _sparse(rows, dtype, 2)
        shp[0] = n
        out += [ind, val, shp]
    seq_dense = zip(
        op.get_attr("seq_dense_keys"),
        op.get_attr("seq_dense_types"),
        op.get_attr("seq_dense_shapes"),
        op.get_attr("seq_dense_allow_missing"),
    )
    lengths = []
    for key, dtype, shape, allow_missing in seq_dense:
        per_record: list[list] = []
        for b, ex in enumerate(examples):
            fl = ex.feature_lists.feature_list.get(key)
            if fl is None:
                if not allow_missing:
                    raise errors.InvalidArgumentError(
                        None,
                        op,
                        f"Name: <unknown>, Feature list '{key}' is required but could not be "
                        "found.  Did you mean to include it in "
                        "feature_list_dense_missing_assumed_empty or feature_list_dense_defaults?",
                    )
                per_record.append([])
                continue
            steps = []
            for t, f in enumerate(fl.feature):
                v = _values(f, key, dtype, b)
                v = np.zeros(0, dtype.np) if v is None else v
                if v.size != math.prod(shape):
                    raise errors.InvalidArgumentError(
                        None,
                        op,
                        f"Name: <unknown>, Key: {key}, Index: {t}.  Number of {dtype.name} "
                        f"values != expected.  values size: {v.size} but output shape: "
                        f"{list(shape)}",
                    )
                steps.append(v.reshape(shape))
            per_record.append(steps)
        longest = max((len(s) for s in per_record), default=0)
        fill = b"" if dtype is _dt.string else 0
        arr = np.full((n, longest, *shape), fill, dtype.np)
        for b, steps in enumerate(per_record):
            for t, v in enumerate(steps):
                arr[b, t] = v
        out.append(arr)
        lengths.append(np.array([len(s) for s in per_record], np.int64))
    return out + lengths


def _shapes(op: Operation, in_shapes: list, value_of) -> list:
    s = in_shapes[0]
    batch = s[0] if s.ndims == 1 else None
    out: list = []
    for _ in op.get_attr("context_sparse_keys"):
        out += [TensorShape([None, 2]), TensorShape([None]), TensorShape([2])]
    for shape in op.get_attr("context_dense_shapes"):
        out.append(TensorShape([batch, *shape]))
    for _ in op.get_attr("seq_sparse_keys"):
        out += [TensorShape([None, 3]), TensorShape([None]), TensorShape([3])]
    for shape in op.get_attr("seq_dense_shapes"):
        out.append(TensorShape([batch, None, *shape]))
    out += [TensorShape([batch])] * len(op.get_attr("seq_dense_keys"))
    return out


register_op(
    "ParseSequenceExampleV2",
    _shapes,
    kind=OpKind.HOST,
    host_fn=_parse,
    feeds_plan=True,
    graphdef_dtype=lambda op: None,
)
NotDifferentiable("ParseSequenceExampleV2")


def _split(features: dict | None, sequence: bool) -> tuple[list, list]:
    sparse, dense = [], []
    for key in sorted(features or {}):
        f = features[key]  # type: ignore[index]
        if isinstance(f, VarLenFeature):
            sparse.append((key, _check_dtype(key, f.dtype)))
        elif sequence and isinstance(f, FixedLenSequenceFeature):
            shape = tuple(as_shape(f.shape).as_list())
            dense.append((key, _check_dtype(key, f.dtype), shape, f.allow_missing))
        elif not sequence and isinstance(f, FixedLenFeature):
            shape = tuple(as_shape(f.shape).as_list())
            dense.append((key, _check_dtype(key, f.dtype), shape, f.default_value))
        else:
            where = "sequence_features" if sequence else "context_features"
            raise ValueError(f"Unsupported feature type in {where}: {type(f).__name__}")
    return sparse, dense


def parse_sequence_example(
    serialized: Any,
    context_features: dict | None = None,
    sequence_features: dict | None = None,
    example_names: Any = None,
    name: str | None = None,
) -> tuple:
    """Parses a vector of serialized ``SequenceExample`` protos: ``(context, feature_lists,
    lengths)`` (dicts of key -> Tensor or SparseTensor; lengths of the dense feature lists)."""
    if not context_features and not sequence_features:
        raise ValueError("Missing features.")
    c_sparse, c_dense = _split(context_features, False)
    s_sparse, s_dense = _split(sequence_features, True)
    g = graph_of(serialized)
    with g.as_default(), name_scope(name, "ParseSequenceExample", [serialized]):
        ser = convert_to_tensor(serialized, dtype=_dt.string, name="serialized")
        defaults = []
        for key, dt, _, default in c_dense:
            value = np.zeros(0, dt.np) if default is None else default
            defaults.append(convert_to_tensor(value, dtype=dt, name=f"context_key_{key}"))
        attrs = {
            "context_sparse_keys": [k for k, _ in c_sparse],
            "context_sparse_types": [d for _, d in c_sparse],
            "context_dense_keys": [k for k, *_ in c_dense],
            "context_dense_types": [d for _, d, *_ in c_dense],
            "context_dense_shapes": [s for _, _, s, _ in c_dense],
            "seq_sparse_keys": [k for k, _ in s_sparse],
            "seq_sparse_types": [d for _, d in s_sparse],
            "seq_dense_keys": [k for k, *_ in s_dense],
            "seq_dense_types": [d for _, d, *_ in s_dense],
            "seq_dense_shapes": [s for _, _, s, _ in s_dense],
            "seq_dense_allow_missing": [bool(a) for *_, a in s_dense],
        }
        types = [t for _, d in c_sparse for t in (_dt.int64, d, _dt.int64)]
        types += [d for _, d, *_ in c_dense]
        types += [t for _, d in s_sparse for t in (_dt.int64, d, _dt.int64)]
        types += [d for _, d, *_ in s_dense] + [_dt.int64] * len(s_dense)
        op = g.create_op(
            "ParseSequenceExampleV2", [ser, *defaults], types, attrs, "ParseSequenceExampleV2"
        )
    outs = list(op.outputs)
    context: dict = {}
    for key, _ in c_sparse:
        context[key] = SparseTensor(*outs[:3])
        outs = outs[3:]
    for key, *_ in c_dense:
        context[key] = outs.pop(0)
    lists: dict = {}
    for key, _ in s_sparse:
        lists[key] = SparseTensor(*outs[:3])
        outs = outs[3:]
    for key, *_ in s_dense:
        lists[key] = outs.pop(0)
    lengths = {key: outs.pop(0) for key, *_ in s_dense}
    return context, lists, lengths


def parse_single_sequence_example(
    serialized: Any,
    context_features: dict | None = None,
    sequence_features: dict | None = None,
    example_name: Any = None,
    name: str | None = None,
) -> tuple:
    """Parses one serialized ``SequenceExample`` (a scalar string): ``(context, feature_lists)``;
    a dense feature list is ``[steps, *shape]``, a VarLenFeature list a ``[steps, longest]``
    SparseTensor."""
    g = graph_of(serialized)
    with g.as_default(), name_scope(name, "ParseSingleSequenceExample", [serialized]):
        ser = convert_to_tensor(serialized, dtype=_dt.string, name="serialized")
        if ser.shape.ndims not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {ser.shape.ndims}")
        context, lists, _ = parse_sequence_example(
            expand_dims(ser, 0), context_features, sequence_features
        )

        def unbatch(t: Any, rank: int) -> Any:
            if isinstance(t, SparseTensor):
                idx = slice_(t.indices, [0, 1], [-1, rank])
                return SparseTensor(idx, t.values, slice_(t.dense_shape, [1], [rank]))
            return squeeze(t, [0])

        ctx = {k: unbatch(v, 1) for k, v in context.items()}
        seq = {k: unbatch(v, 2) for k, v in lists.items()}
        for key, f in (context_features or {}).items():
            if isinstance(f, FixedLenFeature):
                ctx[key] = reshape(ctx[key], list(as_shape(f.shape).as_list()))
        return ctx, seq
