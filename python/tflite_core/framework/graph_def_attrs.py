"""``AttrValue`` protobufs read back into the Python values an op keeps as attributes: the
inverse of ``graph_def.attr_value`` (strings, ints, floats, bools, dtypes, shapes, tensors as
NumPy arrays, and lists of each; a function attribute stays a ``NameAttrList``)."""

from __future__ import annotations

from typing import Any

from . import dtypes as _dt
from .tensor_protos import make_ndarray
from .tensor_shape import TensorShape


def shape_value(p: Any) -> TensorShape:
    """A ``TensorShapeProto`` as a ``TensorShape`` (-1 dimensions unknown)."""
    if p.unknown_rank:
        return TensorShape(None)
    return TensorShape([None if d.size < 0 else int(d.size) for d in p.dim])


def _text(s: bytes) -> str | bytes:
    try:
        return s.decode()
    except UnicodeDecodeError:
        return s


def attr_value_of(a: Any) -> Any:
    """The Python value of one ``AttrValue``."""
    kind = a.WhichOneof("value")
    if kind == "s":
        return _text(a.s)
    if kind in ("i", "f", "b"):
        return getattr(a, kind)
    if kind == "type":
        return _dt.as_dtype(a.type)
    if kind == "shape":
        return shape_value(a.shape)
    if kind == "tensor":
        return make_ndarray(a.tensor)
    if kind == "func":
        return a.func
    if kind == "list":
        lst = a.list
        if lst.type:
            return [_dt.as_dtype(t) for t in lst.type]
        if lst.shape:
            return [shape_value(s) for s in lst.shape]
        if lst.tensor:
            return [make_ndarray(t) for t in lst.tensor]
        if lst.func:
            return list(lst.func)
        for field in ("s", "i", "f", "b"):
            values = getattr(lst, field)
            if values:
                return [_text(v) for v in values] if field == "s" else list(values)
        return []
    return None


def attr_values(attr_map: Any) -> dict[str, Any]:
    """A ``NodeDef``'s ``attr`` map as a dict of Python values (unset values left out)."""
    out = {}
    for k in attr_map:
        v = attr_value_of(attr_map[k])
        if v is not None:
            out[k] = v
    return out
