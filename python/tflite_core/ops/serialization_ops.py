"""Strings into tensors and back: ``tf.io.decode_csv`` (DecodeCSV), ``tf.io.decode_compressed``
(DecodeCompressed), ``tf.io.serialize_tensor`` / ``tf.io.parse_tensor`` (SerializeTensor /
ParseTensor: a ``TensorProto`` with its values as raw little-endian bytes, as TF writes it).
Host ops on string tensors, with TF's checks and messages."""

from __future__ import annotations

import gzip
import zlib
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, name_scope
from ..framework.op_util import graph_of
from ..framework.protos import protos
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_protos import make_ndarray
from ..framework.tensor_shape import TensorShape

_CSV_TYPES = (_dt.float32, _dt.float64, _dt.int32, _dt.int64, _dt.string)


def _fields(op: Operation, record: bytes, delim: bytes, quotes: bool, index: int) -> list[bytes]:
    """The fields of one CSV record (quoted fields with ``""`` escapes where ``quotes``)."""
    out: list[bytes] = []
    i, n = 0, len(record)
    while True:
        if quotes and i < n and record[i : i + 1] == b'"':
            j, field = i + 1, bytearray()
            while True:
                if j >= n:
                    raise errors.InvalidArgumentError(
                        None,
                        op,
                        f"Quoted field has to end with quote followed by delim or end "
                        f"in record {index}",
                    )
                if record[j : j + 1] == b'"':
                    if record[j + 1 : j + 2] == b'"':
                        field += b'"'
                        j += 2
                        continue
                    j += 1
                    break
                field += record[j : j + 1]
                j += 1
            if j < n and record[j : j + 1] != delim:
                raise errors.InvalidArgumentError(
                    None,
                    op,
                    f"Quote inside a string has to be escaped by another quote in record {index}",
                )
            out.append(bytes(field))
            i = j
        else:
            j = record.find(delim, i)
            j = n if j < 0 else j
            field_b = record[i:j]
            if quotes and (b'"' in field_b or b"\r" in field_b or b"\n" in field_b):
                raise errors.InvalidArgumentError(
                    None, op, "Unquoted fields cannot have quotes/CRLFs inside"
                )
            out.append(field_b)
            i = j
        if i >= n:
            return out
        i += 1  # (past the delimiter: a trailing one gives an empty last field)
        if i == n:
            out.append(b"")
            return out


def _convert(op, text: bytes, dtype: _dt.DType, default: np.ndarray, f: int, r: int, na: bytes):
    if text == b"" or text == na:
        if np.size(default) == 0:
            raise errors.InvalidArgumentError(
                None, op, f"Field {f} is required but missing in record {r}!"
            )
        return np.asarray(default).reshape(-1)[0]
    if dtype is _dt.string:
        return text
    try:
        if dtype.is_integer:
            v = int(text.decode().strip())
            info = np.iinfo(dtype.np)
            if not info.min <= v <= info.max:
                raise ValueError
            return v
        return float(text.decode().strip())
    except ValueError:
        kind = {"int32": "int32", "int64": "int64", "float32": "float", "float64": "double"}
        raise errors.InvalidArgumentError(
            None,
            op,
            f"Field {f} in record {r} is not a valid {kind[dtype.name]}: {text.decode('latin-1')}",
        ) from None


def _decode_csv(op: Operation, records: Any, *defaults: Any) -> list:
    recs = np.asarray(records, dtype=object)
    delim = op.get_attr("field_delim").encode()
    quotes = op.get_attr("use_quote_delim")
    na = op.get_attr("na_value").encode()
    cols = list(op.get_attr("select_cols"))
    types = op.get_attr("OUT_TYPE")
    outs = [np.empty(recs.shape, t.np) for t in types]
    flat = [o.reshape(-1) for o in outs]
    for r, rec in enumerate(recs.reshape(-1)):
        fields = _fields(op, bytes(rec), delim, quotes, r)
        if cols:
            if len(fields) <= cols[-1]:
                raise errors.InvalidArgumentError(
                    None, op, f"Expect {cols[-1] + 1} fields but have {len(fields)} in record {r}"
                )
            fields = [fields[c] for c in cols]
        elif len(fields) != len(types):
            raise errors.InvalidArgumentError(
                None, op, f"Expect {len(types)} fields but have {len(fields)} in record {r}"
            )
        for f, (text, t, d) in enumerate(zip(fields, types, defaults)):
            flat[f][r] = _convert(op, text, t, d, f, r, na)
    return outs


register_op(
    "DecodeCSV",
    lambda op, s, v: [s[0]] * len(op.get_attr("OUT_TYPE")),
    kind=OpKind.HOST,
    host_fn=_decode_csv,
    feeds_plan=True,
)
NotDifferentiable("DecodeCSV")


def decode_csv(
    records: Any,
    record_defaults: Any,
    field_delim: str = ",",
    use_quote_delim: bool = True,
    name: str | None = None,
    na_value: str = "",
    select_cols: Any = None,
) -> list:
    """The columns of CSV ``records`` (a string tensor), one tensor each of its default's dtype
    (``record_defaults``: a scalar or 1-element default per column, or an empty one for a
    required column)."""
    if select_cols is not None:
        cols = [int(c) for c in select_cols]
        if any(b <= a for a, b in zip(cols, cols[1:])):
            raise ValueError("select_cols is not strictly increasing.")
        if cols and cols[0] < 0:
            raise ValueError("select_cols contains negative values.")
        if len(cols) != len(record_defaults):
            raise ValueError("Length of select_cols and record_defaults do not match.")
    else:
        cols = []
    if len(field_delim) != 1:
        raise errors.InvalidArgumentError(None, None, "field_delim should be only 1 char")
    g = graph_of(records)
    with g.as_default(), name_scope(name, "DecodeCSV", [records]) as scope:
        rec = convert_to_tensor(records, dtype=_dt.string, name="records")
        defaults = [convert_to_tensor(d, name="record_defaults") for d in record_defaults]
        for d in defaults:
            if d.dtype not in _CSV_TYPES:
                raise TypeError(
                    f"Value passed to parameter 'record_defaults' has DataType {d.dtype.name} "
                    "not in list of allowed values: float32, float64, int32, int64, string"
                )
        attrs = {
            "OUT_TYPE": [d.dtype for d in defaults],
            "field_delim": field_delim,
            "use_quote_delim": bool(use_quote_delim),
            "na_value": na_value,
            "select_cols": cols,
        }
        op = g.create_op("DecodeCSV", [rec, *defaults], [d.dtype for d in defaults], attrs, scope)
        return list(op.outputs)


def _decode_compressed(op: Operation, data: Any) -> list:
    kind = op.get_attr("compression_type")
    arr = np.asarray(data, dtype=object)
    out = np.empty(arr.shape, object)
    for i, b in enumerate(arr.reshape(-1)):
        try:
            if kind == "GZIP":
                v = gzip.decompress(bytes(b))
            elif kind == "ZLIB":
                v = zlib.decompress(bytes(b))
            else:
                v = bytes(b)
        except (OSError, EOFError, zlib.error) as e:
            raise errors.DataLossError(None, op, f"{kind} stream of element {i}: {e}") from None
        out.reshape(-1)[i] = v
    return [out]


register_op(
    "DecodeCompressed",
    lambda op, s, v: [s[0]],
    kind=OpKind.HOST,
    host_fn=_decode_compressed,
    feeds_plan=True,
)
NotDifferentiable("DecodeCompressed")


def decode_compressed(bytes: Any, compression_type: str = "", name: str | None = None) -> Any:
    """Each string of ``bytes`` decompressed (``compression_type`` "", "ZLIB" or "GZIP")."""
    if compression_type not in ("", "ZLIB", "GZIP"):
        raise errors.InvalidArgumentError(
            None, None, f"Only ZLIB, GZIP or NONE are supported compressions: {compression_type}"
        )
    g = graph_of(bytes)
    with g.as_default(), name_scope(name, "DecodeCompressed", [bytes]) as scope:
        t = convert_to_tensor(bytes, dtype=_dt.string, name="bytes")
        attrs = {"compression_type": compression_type}
        return g.create_op("DecodeCompressed", [t], [_dt.string], attrs, scope).outputs[0]


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _strings_content(items: list) -> bytes:
    """TF's ``EncodeStringList``: every length as a varint, then the bytes one after another."""
    return b"".join(_varint(len(b)) for b in items) + b"".join(items)


def _strings_from_content(data: bytes, n: int) -> list:
    lengths, pos = [], 0
    for _ in range(n):
        v = shift = 0
        while True:
            if pos >= len(data):
                raise ValueError("Could not parse `serialized` as TensorProto")
            b = data[pos]
            pos += 1
            v |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        lengths.append(v)
    out = []
    for k in lengths:
        out.append(bytes(data[pos : pos + k]))
        pos += k
    if pos != len(data):
        raise ValueError("Could not parse `serialized` as TensorProto")
    return out


def tensor_proto_bytes(value: Any, dt: _dt.DType, content: bool = False) -> bytes:
    """``value`` (of dtype ``dt``) as a serialized ``TensorProto``, as TF writes it (strings in
    ``string_val``; with ``content``, in ``tensor_content`` as TF's ``AsProtoTensorContent``)."""
    arr = np.asarray(value)
    p = protos().TensorProto(dtype=dt.as_datatype_enum)
    p.tensor_shape.SetInParent()  # (a scalar's empty shape is written too, as TF's)
    for d in arr.shape:
        p.tensor_shape.dim.add(size=d)
    if dt is _dt.string and content:
        if arr.size:
            p.tensor_content = _strings_content([bytes(b) for b in arr.reshape(-1)])
    elif dt is _dt.string:
        p.string_val.extend(bytes(b) for b in arr.reshape(-1))
    elif arr.size:
        arr = arr.astype(dt.np, copy=False)
        p.tensor_content = np.ascontiguousarray(arr, arr.dtype.newbyteorder("<")).tobytes()
    return p.SerializeToString()


def _parse_tensor_bytes(data: Any, want: _dt.DType) -> np.ndarray:
    """The array a serialized ``TensorProto`` holds; ValueError when it is no TensorProto or
    not of dtype ``want``."""
    p = protos().TensorProto()
    try:
        p.ParseFromString(bytes(data))
    except Exception:  # (protobuf's DecodeError)
        raise ValueError("Could not parse `serialized` as TensorProto") from None
    got = _dt.as_dtype(p.dtype) if p.dtype else None
    if got is not want:
        raise ValueError(
            f"Type mismatch between parsed tensor ({got.name if got else 'invalid'}) and dtype "
            f"({want.name})"
        )
    if got is _dt.string and p.tensor_content:
        shape = [d.size for d in p.tensor_shape.dim]
        items = _strings_from_content(p.tensor_content, int(np.prod(shape, dtype=np.int64)))
        return np.array(items, dtype=object).reshape(shape)
    return make_ndarray(p)


def _serialize(op: Operation, value: Any) -> list:
    return [np.array(tensor_proto_bytes(value, op.get_attr("T")), dtype=object)]


def _parse_tensor(op: Operation, data: Any) -> list:
    b = np.asarray(data, dtype=object)
    if b.ndim != 0:
        raise errors.InvalidArgumentError(
            None, op, f"Expected `serialized` to be a scalar, got shape: {list(b.shape)}"
        )
    try:
        return [_parse_tensor_bytes(b[()], op.get_attr("out_type"))]
    except ValueError as e:
        raise errors.InvalidArgumentError(None, op, str(e)) from None


register_op(
    "SerializeTensor", lambda op, s, v: [TensorShape([])], kind=OpKind.HOST, host_fn=_serialize
)
register_op(
    "ParseTensor",
    lambda op, s, v: [TensorShape(None)],
    kind=OpKind.HOST,
    host_fn=_parse_tensor,
    feeds_plan=True,
)
NotDifferentiable("SerializeTensor")
NotDifferentiable("ParseTensor")


def serialize_tensor(tensor: Any, name: str | None = None) -> Any:
    """``tensor`` as a serialized ``TensorProto`` (a scalar string)."""
    g = graph_of(tensor)
    with g.as_default(), name_scope(name, "SerializeTensor", [tensor]) as scope:
        t = convert_to_tensor(tensor, name="tensor")
        return g.create_op("SerializeTensor", [t], [_dt.string], {"T": t.dtype}, scope).outputs[0]


def parse_tensor(serialized: Any, out_type: Any, name: str | None = None) -> Any:
    """The tensor a serialized ``TensorProto`` holds (its dtype must be ``out_type``)."""
    dt = _dt.as_dtype(out_type)
    g = graph_of(serialized)
    with g.as_default(), name_scope(name, "ParseTensor", [serialized]) as scope:
        s = convert_to_tensor(serialized, dtype=_dt.string, name="serialized")
        return g.create_op("ParseTensor", [s], [dt], {"out_type": dt}, scope).outputs[0]
