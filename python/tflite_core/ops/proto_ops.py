"""``tf.io.decode_proto`` and ``tf.io.encode_proto``: fields of protocol buffer messages as
tensors and back, as TF's ``DecodeProtoV2`` / ``EncodeProto``.

``message_type`` is found in the protobuf descriptor pool (``descriptor_source="local://"``:
protobuf's default pool, then this package's own messages: ``tensorflow.Example``,
``tensorflow.TensorProto``, ...), in a serialized ``FileDescriptorSet`` (``"bytes://..."``) or in a
file holding one. A field's count is its number of values on the wire (a proto3 scalar at its
default counts 0); values are padded to the batch's largest count with the field's default;
string and bytes fields are ``tf.string``, sub-messages their serialized bytes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.example_protos import example_protos
from ..framework.graph import Operation, name_scope
from ..framework.meta_graph_protos import meta_protos
from ..framework.op_util import graph_of
from ..framework.protos import protos
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape

_F = descriptor_pb2.FieldDescriptorProto


def _pools(source: str) -> list:
    if source == "local://":
        own = [example_protos().Example, protos().TensorProto, meta_protos().MetaGraphDef]
        return [descriptor_pool.Default(), *dict.fromkeys(m.DESCRIPTOR.file.pool for m in own)]
    if source.startswith("bytes://"):
        data = source[len("bytes://") :].encode("latin-1")
    else:
        try:
            with open(source, "rb") as f:
                data = f.read()
        except OSError as e:
            raise errors.NotFoundError(None, None, f"{source}: {e.strerror}") from None
    fds = descriptor_pb2.FileDescriptorSet()
    fds.ParseFromString(data)
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:
        pool.Add(file)
    return [pool]


def _message_class(op: Operation) -> Any:
    name, source = op.get_attr("message_type"), op.get_attr("descriptor_source")
    names = [name]
    if source == "local://" and name.startswith("tensorflow."):
        # (TF's own messages here are tensorboardX's copies: same fields, another package)
        names.append("tensorboardX." + name[len("tensorflow.") :])
    for pool in _pools(source):
        for n in names:
            try:
                return message_factory.GetMessageClass(pool.FindMessageTypeByName(n))
            except KeyError:
                continue
    raise errors.InvalidArgumentError(
        None, op, f"No descriptor found for message type {name}\n\t [[{{{{node {op.name}}}}}]]"
    )


def _repeated(fd: Any) -> bool:
    flag = getattr(fd, "is_repeated", None)  # (protobuf >= 5.29; older: the label)
    if flag is not None:
        return bool(flag)
    return fd.label == _F.LABEL_REPEATED


def _as_value(fd: Any, v: Any) -> Any:
    if fd.type == _F.TYPE_MESSAGE or fd.type == _F.TYPE_GROUP:
        return v.SerializeToString()
    if fd.type == _F.TYPE_STRING:
        return v.encode("utf-8")
    return v


def _default(fd: Any) -> Any:
    """The padding of a field: its declared default (a repeated field's: its type's zero)."""
    if fd.type in (_F.TYPE_MESSAGE, _F.TYPE_GROUP, _F.TYPE_STRING, _F.TYPE_BYTES):
        if _repeated(fd) or fd.type in (_F.TYPE_MESSAGE, _F.TYPE_GROUP):
            return b""
        return _as_value(fd, fd.default_value)
    if _repeated(fd):
        return False if fd.type == _F.TYPE_BOOL else 0
    return fd.default_value


def _fields(op: Operation, cls: Any) -> list:
    out = []
    for name in op.get_attr("field_names"):
        fd = cls.DESCRIPTOR.fields_by_name.get(name)
        if fd is None:
            raise errors.InvalidArgumentError(
                None,
                op,
                f"Unknown field: {name} in message type {cls.DESCRIPTOR.full_name}"
                f"\n\t [[{{{{node {op.name}}}}}]]",
            )
        out.append(fd)
    return out


def _decode_fn(op: Operation, data: Any) -> list:
    cls = _message_class(op)
    fields = _fields(op, cls)
    arr = np.asarray(data, dtype=object)
    found: list[list] = [[] for _ in fields]  # per field: the values of each message
    for text in arr.reshape(-1):
        msg = cls()
        try:
            msg.ParseFromString(bytes(text))
        except Exception:  # (protobuf's DecodeError)
            raise errors.DataLossError(
                None, op, f"Unable to parse binary protobuf\n\t [[{{{{node {op.name}}}}}]]"
            ) from None
        present = {fd.name: v for fd, v in msg.ListFields()}
        for k, fd in enumerate(fields):
            v = present.get(fd.name)
            if v is None:
                found[k].append([])
            elif _repeated(fd):
                found[k].append([_as_value(fd, x) for x in v])
            else:
                found[k].append([_as_value(fd, v)])
    sizes = np.array([[len(f[i]) for f in found] for i in range(arr.size)], np.int32).reshape(
        *arr.shape, len(fields)
    )
    outs = [sizes]
    for k, (fd, t) in enumerate(zip(fields, op.outputs[1:])):
        longest = max((len(v) for v in found[k]), default=0)
        dt = object if t.dtype == _dt.string else t.dtype.np
        values = np.empty((arr.size, longest), dtype=dt)
        values[...] = _default(fd)
        for i, v in enumerate(found[k]):
            if v:
                values[i, : len(v)] = v
        outs.append(values.reshape(*arr.shape, longest))
    return outs


def _encode_fn(op: Operation, sizes: Any, *values: Any) -> list:
    cls = _message_class(op)
    fields = _fields(op, cls)
    sz = np.asarray(sizes)
    batch = sz.shape[:-1]
    n = int(np.prod(batch, dtype=np.int64))
    flat_sizes = sz.reshape(n, len(fields))
    flat_values = [np.asarray(v).reshape(n, -1) for v in values]
    out = np.empty(n, dtype=object)
    for i in range(n):
        msg = cls()
        for k, fd in enumerate(fields):
            count = int(flat_sizes[i, k])
            items = flat_values[k][i, :count]
            if not _repeated(fd) and count > 1:
                raise errors.InvalidArgumentError(
                    None,
                    op,
                    f"Field {fd.name} is not repeated but has {count} values"
                    f"\n\t [[{{{{node {op.name}}}}}]]",
                )
            for item in items:
                if fd.type in (_F.TYPE_MESSAGE, _F.TYPE_GROUP):
                    target = getattr(msg, fd.name).add() if _repeated(fd) else getattr(msg, fd.name)
                    target.ParseFromString(bytes(item))
                    continue
                value: Any
                if fd.type == _F.TYPE_STRING:
                    value = bytes(item).decode("utf-8")
                elif fd.type == _F.TYPE_BYTES:
                    value = bytes(item)
                else:
                    value = item.item()
                if _repeated(fd):
                    getattr(msg, fd.name).append(value)
                else:
                    setattr(msg, fd.name, value)
        out[i] = msg.SerializeToString()
    return [out.reshape(batch)]


def _decode_shapes(op: Any, in_shapes: Any, value_of: Any) -> list:
    batch = in_shapes[0]
    n = len(op.get_attr("field_names"))
    if batch.rank is None:
        return [TensorShape(None) for _ in range(n + 1)]
    return [batch.concatenate([n])] + [batch.concatenate([None]) for _ in range(n)]


def _encode_shapes(op: Any, in_shapes: Any, value_of: Any) -> list:
    s = in_shapes[0]
    return [s[:-1] if s.rank is not None else TensorShape(None)]


register_op("DecodeProtoV2", _decode_shapes, kind=OpKind.HOST, host_fn=_decode_fn, feeds_plan=True)
register_op("EncodeProto", _encode_shapes, kind=OpKind.HOST, host_fn=_encode_fn)
NotDifferentiable("DecodeProtoV2")
NotDifferentiable("EncodeProto")


def decode_proto(
    bytes: Any,
    message_type: str,
    field_names: list,
    output_types: list,
    descriptor_source: str = "local://",
    message_format: str = "binary",
    sanitize: bool = False,
    name: str | None = None,
) -> tuple:
    """(sizes, values): each field's count per message ([batch..., fields] int32) and its values
    ([batch..., largest count] of its output type, padded with the field's default)."""
    if message_format != "binary":
        raise ValueError(f"message_format must be 'binary' here, got {message_format!r}")
    if len(field_names) != len(output_types):
        raise ValueError("field_names and output_types must have the same length")
    g = graph_of(bytes)
    with g.as_default(), name_scope(name, "DecodeProtoV2") as scope:
        t = convert_to_tensor(bytes, dtype=_dt.string, name="bytes")
        types = [_dt.as_dtype(d) for d in output_types]
        op = g.create_op(
            "DecodeProtoV2",
            [t],
            [_dt.int32, *types],
            {
                "message_type": message_type,
                "field_names": list(field_names),
                "output_types": types,
                "descriptor_source": descriptor_source,
                "message_format": message_format,
                "sanitize": bool(sanitize),
            },
            scope,
        )
        return op.outputs[0], list(op.outputs[1:])


def encode_proto(
    sizes: Any,
    values: list,
    field_names: list,
    message_type: str,
    descriptor_source: str = "local://",
    name: str | None = None,
) -> Any:
    """Serialized messages ([batch...] strings) whose fields take ``sizes[..., i]`` values of
    ``values[i]``."""
    if len(field_names) != len(values):
        raise ValueError("field_names and values must have the same length")
    g = graph_of(sizes)
    with g.as_default(), name_scope(name, "EncodeProto") as scope:
        s = convert_to_tensor(sizes, dtype=_dt.int32, name="sizes")
        vs = [convert_to_tensor(v) for v in values]
        return g.create_op(
            "EncodeProto",
            [s, *vs],
            [_dt.string],
            {
                "field_names": list(field_names),
                "message_type": message_type,
                "descriptor_source": descriptor_source,
                "Tinput_types": [v.dtype for v in vs],
            },
            scope,
        ).outputs[0]
