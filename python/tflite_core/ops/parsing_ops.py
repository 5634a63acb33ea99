"""Parsing ``tf.train.Example`` records: ``tf.io.parse_example`` / ``parse_single_example`` with
``FixedLenFeature`` and ``VarLenFeature`` (TF's ``ParseExampleV2``), and ``tf.io.decode_raw``.

They are host ops on string tensors (``client/string_ops_on_host.py``): the records are parsed by
C++ straight from protobuf's wire format (``_core.parse_examples``, cpp/example_parse.cc), with
the GIL released; the numbers they give are fed to the plan. A ``FixedLenFeature``
gives a dense ``[batch, *shape]`` tensor (the default where a record lacks the key), a
``VarLenFeature`` a ``SparseTensor`` of ``[batch, longest]``. TF's checks and messages: a key of
the wrong type or length, or missing without a default, is an InvalidArgumentError naming it.
"""

from __future__ import annotations

import math
from collections import namedtuple
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, name_scope
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.runtime import core
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_shape import TensorShape, as_shape
from .array_ops import expand_dims, reshape
from .slicing_ops import slice as slice_
from .sparse_ops import sparse_merge

FixedLenFeature = namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"])
FixedLenFeature.__new__.__defaults__ = (None,)
FixedLenFeature.__doc__ = "A dense input feature of a fixed shape (``tf.io.FixedLenFeature``)."
VarLenFeature = namedtuple("VarLenFeature", ["dtype"])
VarLenFeature.__doc__ = "A variable-length input feature, parsed to a SparseTensor."

SparseFeature = namedtuple(
    "SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"]
)
SparseFeature.__new__.__defaults__ = (False,)
SparseFeature.__doc__ = (
    "A sparse feature from an index feature (or a list of them) and a value feature: a "
    "SparseTensor of dense shape [batch, size...] (``sparse_merge`` of the two)."
)

_KINDS = {"bytes_list": "string", "float_list": "float", "int64_list": "int64"}
_WANT = {_dt.string: "bytes_list", _dt.float32: "float_list", _dt.int64: "int64_list"}


def _check_dtype(key: str, dtype: Any) -> _dt.DType:
    dt = _dt.as_dtype(dtype)
    if dt not in _WANT:
        raise ValueError(
            f"Unsupported dtype {dt.name} for feature {key!r}: only float32, int64 and string"
        )
    return dt


def _values(feature: Any, key: str, dtype: _dt.DType, index: int) -> np.ndarray | None:
    """The values of one record's feature (a protobuf ``Feature``, as SequenceExample parsing
    reads them), TF's error if their type is not ``dtype``'s."""
    kind = feature.WhichOneof("kind")
    if kind is None:
        return None
    if kind != _WANT[dtype]:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Name: <unknown>, Key: {key}, Index: {index}.  Data types don't match. "
            f"Data type: {_KINDS[kind]} but expected type: {_KINDS[_WANT[dtype]]}",
        )
    vals = list(getattr(feature, kind).value)
    if dtype is _dt.string:
        return np.array(vals, dtype=object).reshape(-1)
    return np.asarray(vals, dtype.np)


_KIND_CODE = {_dt.string: 1, _dt.float32: 2, _dt.int64: 3}
_KIND_NAME = {1: "string", 2: "float", 3: "int64"}


def _parse_records(serialized: np.ndarray, *args: Any) -> tuple[np.ndarray, tuple]:
    """``_core.parse_examples`` of the records (a contiguous object array of bytes; str and
    NumPy bytes converted where the parser refuses them) and the records it read."""
    records = np.ascontiguousarray(np.asarray(serialized, dtype=object).reshape(-1))
    try:
        return records, core.parse_examples(records, *args)
    except TypeError:
        records = np.array([bytes(r) for r in records] + [None], dtype=object)[:-1]
        return records, core.parse_examples(records, *args)


def _parse(op: Operation, serialized: np.ndarray, *defaults: np.ndarray) -> list:
    """ParseExampleV2's outputs: per sparse key (indices, values, dense_shape), then per dense
    key the values, from the C++ parser (``_core.parse_examples``; protobuf's wire format)."""
    sparse = list(zip(op.get_attr("sparse_keys"), op.get_attr("sparse_types")))
    dense = list(zip(op.get_attr("dense_keys"), op.get_attr("dense_types"),
                     op.get_attr("dense_shapes"), defaults))  # fmt: skip
    keys = [k for k, _ in sparse] + [k for k, *_ in dense]
    dtypes = [d for _, d in sparse] + [d for _, d, *_ in dense]
    sizes = [-1] * len(sparse) + [math.prod(shape) for _, _, shape, _ in dense]
    required = [False] * len(sparse) + [np.size(default) == 0 for *_, default in dense]
    kinds = [_KIND_CODE[d] for d in dtypes]
    records, (error, results) = _parse_records(serialized, keys, kinds, sizes, required)
    n = len(records)
    if error is not None:
        raise _parse_error(op, error, records, keys, dtypes, dense)
    out: list = []
    for (indices, values, longest), (_, dtype) in zip(results, sparse):
        out += [indices, values.astype(dtype.np, copy=False), np.array([n, longest], np.int64)]
    for (values, missing), (_, dtype, shape, default) in zip(results[len(sparse) :], dense):
        arr = values.astype(dtype.np, copy=False).reshape((n, *shape))
        if missing.any():
            arr[missing] = np.broadcast_to(np.asarray(default, dtype.np), tuple(shape))
        out.append(arr)
    return out


def _parse_error(op: Operation, error: tuple, records, keys, dtypes, dense) -> Exception:
    """TF's InvalidArgumentError for the parser's first problem."""
    code, b, j, found, count = error
    if code == 1:
        return errors.InvalidArgumentError(
            None, op, f"Could not parse example input, value: '{bytes(records[b])[:60]!r}'"
        )
    key, want = keys[j], _KIND_NAME[_KIND_CODE[dtypes[j]]]
    if code == 2:
        return errors.InvalidArgumentError(
            None,
            None,
            f"Name: <unknown>, Key: {key}, Index: {b}.  Data types don't match. "
            f"Data type: {_KIND_NAME[found]} but expected type: {want}",
        )
    if code == 4:
        return errors.InvalidArgumentError(
            None,
            op,
            f"Name: <unknown>, Feature: {key} (data type: {dtypes[j].name}) is required "
            "but could not be found.",
        )
    shape = dense[j - (len(keys) - len(dense))][2]
    return errors.InvalidArgumentError(
        None,
        op,
        f"Name: <unknown>, Key: {key}, Index: {b}.  Number of {want} values != expected.  "
        f"Values size: {count} but output shape: {list(shape)}",
    )


def _parse_shapes(op: Operation, in_shapes: list, value_of) -> list:
    s = in_shapes[0]
    if s.ndims is not None and s.ndims != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {s.ndims} for '{op.name}'")
    batch = s[0] if s.ndims == 1 else None
    out = []
    for _ in op.get_attr("sparse_keys"):
        out += [TensorShape([None, 2]), TensorShape([None]), TensorShape([2])]
    for shape in op.get_attr("dense_shapes"):
        out.append(TensorShape([batch, *shape]))
    return out


register_op(
    "ParseExampleV2",
    _parse_shapes,
    kind=OpKind.HOST,
    host_fn=_parse,
    feeds_plan=True,
    graphdef_dtype=lambda op: None,
)
NotDifferentiable("ParseExampleV2")


def _split_features(features: dict) -> tuple[list, list]:
    if not features:
        raise ValueError("Missing: features was empty.")
    sparse, dense = [], []
    for key in sorted(features):
        f = features[key]
        if isinstance(f, VarLenFeature):
            sparse.append((key, _check_dtype(key, f.dtype)))
        elif isinstance(f, FixedLenFeature):
            shape = as_shape(f.shape).as_list()
            if any(d is None for d in shape):
                raise ValueError(f"All dimensions of shape for feature {key} need to be known")
            dense.append((key, _check_dtype(key, f.dtype), tuple(shape), f.default_value))
        else:
            raise ValueError(f"Unsupported feature type: {type(f).__name__}")
    return sparse, dense


def _raw_features(features: dict) -> dict:
    """``features`` with each ``SparseFeature`` replaced by the VarLenFeatures it reads."""
    raw = {k: f for k, f in features.items() if not isinstance(f, SparseFeature)}
    for key, f in features.items():
        if not isinstance(f, SparseFeature):
            continue
        index_keys = [f.index_key] if isinstance(f.index_key, str) else list(f.index_key)
        for k, want in [(ik, VarLenFeature(_dt.int64)) for ik in index_keys] + [
            (f.value_key, VarLenFeature(f.dtype))
        ]:
            have = raw.get(k)
            if have is not None and have != want:
                raise ValueError(
                    f"Conflicting type {have} vs {want} for feature {k} (of SparseFeature {key})."
                )
            raw[k] = want
    return raw


def _merge_sparse_features(features: dict, parsed: dict) -> dict:
    out = dict(parsed)
    for key, f in features.items():
        if isinstance(f, SparseFeature):
            index_keys = [f.index_key] if isinstance(f.index_key, str) else list(f.index_key)
            ids = [parsed[k] for k in index_keys]
            sizes = [f.size] if isinstance(f.index_key, str) else list(f.size)
            out[key] = sparse_merge(
                ids if len(ids) > 1 else ids[0],
                parsed[f.value_key],
                sizes if len(sizes) > 1 else sizes[0],
                already_sorted=f.already_sorted,
            )
    return {k: out[k] for k in features}


def parse_example(
    serialized: Any, features: dict, name: str | None = None, example_names: Any = None
) -> dict:
    """Parses a vector of serialized ``Example`` protos into a dict of key -> Tensor (a
    ``FixedLenFeature``) or ``SparseTensor`` (a ``VarLenFeature`` or ``SparseFeature``)."""
    if features and any(isinstance(f, SparseFeature) for f in features.values()):
        with name_scope(name, "ParseExample", [serialized]):
            parsed = parse_example(serialized, _raw_features(features))
            return _merge_sparse_features(features, parsed)
    sparse, dense = _split_features(features)
    g = graph_of(serialized)
    with g.as_default(), name_scope(name, "ParseExample", [serialized]):
        ser = convert_to_tensor(serialized, dtype=_dt.string, name="serialized")
        defaults = []
        for key, dt, _, default in dense:
            value = np.zeros(0, dt.np) if default is None else default
            defaults.append(convert_to_tensor(value, dtype=dt, name=f"key_{key}"))
        attrs = {
            "sparse_keys": [k for k, _ in sparse],
            "sparse_types": [d for _, d in sparse],
            "dense_keys": [k for k, *_ in dense],
            "dense_types": [d for _, d, *_ in dense],
            "dense_shapes": [s for _, _, s, _ in dense],
            "num_sparse": len(sparse),
        }
        out_types = [t for _, d in sparse for t in (_dt.int64, d, _dt.int64)]
        out_types += [d for _, d, *_ in dense]
        op = g.create_op("ParseExampleV2", [ser, *defaults], out_types, attrs, "ParseExampleV2")
    result: dict = {}
    for k, (key, _) in enumerate(sparse):
        i, v, s = op.outputs[3 * k : 3 * k + 3]
        result[key] = SparseTensor(i, v, s)
    for k, (key, *_) in enumerate(dense):
        result[key] = op.outputs[3 * len(sparse) + k]
    return result


def parse_single_example(
    serialized: Any, features: dict, name: str | None = None, example_names: Any = None
) -> dict:
    """Parses one serialized ``Example`` (a scalar string): ``FixedLenFeature`` keys give tensors
    of their shape, ``VarLenFeature`` keys 1-D ``SparseTensor``s."""
    g = graph_of(serialized)
    with g.as_default(), name_scope(name, "ParseSingleExample", [serialized]):
        ser = convert_to_tensor(serialized, dtype=_dt.string, name="serialized")
        if ser.shape.ndims not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {ser.shape.ndims}")
        parsed = parse_example(expand_dims(ser, 0), features)
        out: dict = {}
        for key, t in parsed.items():
            if isinstance(t, SparseTensor):
                idx = slice_(t.indices, [0, 1], [-1, -1])
                out[key] = SparseTensor(idx, t.values, slice_(t.dense_shape, [1], [-1]))
            else:
                out[key] = reshape(t, list(features[key].shape) or [])
        return out


def _decode_raw(op: Operation, data: np.ndarray, *rest: np.ndarray) -> list:
    dt: _dt.DType = op.get_attr("out_type")
    np_dt = np.dtype(dt.np).newbyteorder("<" if op.get_attr("little_endian") else ">")
    strings = np.asarray(data, dtype=object)
    flat = [bytes(b) for b in strings.reshape(-1)]
    width = np_dt.itemsize
    n = None
    for b in flat:
        if len(b) % width:
            raise errors.InvalidArgumentError(
                None,
                op,
                f"Input to DecodeRaw has length {len(b)} that is not a multiple of {width}, "
                f"the size of {dt.name}",
            )
        if n is not None and len(b) // width != n:
            raise errors.InvalidArgumentError(
                None,
                op,
                "DecodeRaw requires input strings to all be the same size, but element 0 has "
                f"size {n * width} != {len(b)}",
            )
        n = len(b) // width
    rows = [np.frombuffer(b, np_dt).astype(dt.np) for b in flat]
    out = np.array(rows, dt.np).reshape((*strings.shape, n or 0))
    return [out]


def _decode_raw_shape(op: Operation, in_shapes: list, value_of) -> list:
    s = in_shapes[0]
    return [TensorShape(None) if s.ndims is None else s.concatenate([None])]


register_op(
    "DecodeRaw",
    _decode_raw_shape,
    kind=OpKind.HOST,
    host_fn=_decode_raw,
    feeds_plan=True,
    graphdef_dtype=lambda op: None,
)
NotDifferentiable("DecodeRaw")


def decode_raw(
    input_bytes: Any = None,
    out_type: Any = None,
    little_endian: bool = True,
    name: str | None = None,
    bytes: Any = None,  # (TF's deprecated argument name)
) -> Any:
    """The bytes of each string reinterpreted as a vector of ``out_type`` (``tf.io.decode_raw``)."""
    if input_bytes is None:
        input_bytes = bytes
    if input_bytes is None or out_type is None:
        raise ValueError("decode_raw needs input_bytes and out_type")
    dt = _dt.as_dtype(out_type)
    g = graph_of(input_bytes)
    with g.as_default(), name_scope(name, "DecodeRaw", [input_bytes]) as scope:
        t = convert_to_tensor(input_bytes, dtype=_dt.string, name="bytes")
        attrs = {"out_type": dt, "little_endian": bool(little_endian)}
        return g.create_op("DecodeRaw", [t], [dt], attrs, scope).outputs[0]
