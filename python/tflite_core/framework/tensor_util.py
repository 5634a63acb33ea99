"""``tf.get_static_value``: a tensor's value when it is known at graph build, by TF's rules.

As TF's ``constant_value``, only these ops are evaluated: constants, ``Shape`` / ``Size`` /
``Rank`` of fully known shapes, and ``Cast``, ``ConcatV2`` (and ``tf.stack``), ``Fill``, ``Range``,
``Identity`` and ``StopGradient`` of known values (arithmetic is not folded: ``tf.constant(3) +
1`` has no static value, as in TF).

>>> tf.get_static_value(tf.shape(tf.zeros([2, 3])))
array([2, 3], dtype=int32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .graph import Tensor, constant_value
from .op_util import partial_value

_EVALUATED = frozenset(
    {
        "Const",
        "Shape",
        "ReductionSize",
        "Cast",
        "ConcatV2",
        "Fill",
        "Range",
        "Identity",
        "StopGradient",
    }
)


def _static(t: Tensor, in_pack: bool = False) -> np.ndarray | None:
    op = t.op
    if in_pack and op.type == "ExpandDims":  # (tf.stack is ConcatV2 of ExpandDims here)
        v, axis = _static(op._inputs[0]), constant_value(op._inputs[1])
        if v is None or axis is None:
            return None
        return np.expand_dims(v, int(np.asarray(axis).reshape(-1)[0]))
    if op.type not in _EVALUATED:
        return None
    if op.type == "ReductionSize" and op._attrs.get("axis") is not None:
        return None  # (a reduction's helper, not tf.size)
    if op.type in ("Identity", "StopGradient"):
        return _static(op._inputs[0])
    if op.type == "Cast":
        src = _static(op._inputs[0])
        return None if src is None else np.asarray(src).astype(t.dtype.np)
    if op.type == "ConcatV2":
        axis = op._attrs.get("axis")
        parts = [_static(i, in_pack=True) for i in op._inputs]
        known = [p for p in parts if p is not None]
        if axis is None or len(known) != len(parts):
            return None
        return np.concatenate(known, axis=int(axis)).astype(t.dtype.np)
    if op.type in ("Fill", "Range"):
        args = [_static(i) for i in op._inputs]
        if any(a is None for a in args):
            return None
        if op.type == "Fill":
            return np.full([int(d) for d in np.asarray(args[0]).reshape(-1)], args[1], t.dtype.np)
        start, limit, delta = (np.asarray(a).item() for a in args)
        return np.arange(start, limit, delta, dtype=t.dtype.np)
    v = constant_value(t)
    return None if v is None else np.asarray(v)


def get_static_value(tensor: Any, partial: bool = False) -> Any:
    """``tensor``'s value if it is known without running the graph, else None; a value that
    is no tensor is returned as it is. ``partial``: for a shape-like int tensor, an object array
    with ``None`` where elements are unknown."""
    if hasattr(tensor, "_tflite_as_tensor"):
        return None  # a variable's value is only known when run
    if not isinstance(tensor, Tensor):
        return tensor
    v = _static(tensor)
    if v is None and partial:
        p = partial_value(tensor)
        if p is not None and any(e is not None for e in np.asarray(p).reshape(-1)):
            return p
    return v
