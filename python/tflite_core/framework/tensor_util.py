"""``tf.get_static_value``: a tensor's value when it is known at graph build, by TF's rules.

As TF's ``constant_value``, only these ops are evaluated: constants, ``Shape`` / ``Size`` /
``Rank`` of fully known shapes, and ``Cast``, ``ConcatV2``, ``Pack``, ``Fill``, ``Range``,
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
        "Pack",
        "Fill",
        "Range",
        "Identity",
        "StopGradient",
    }
)


def _static(t: Tensor) -> np.ndarray | None:
    op = t.op
    if op.type not in _EVALUATED:
        return None
    derived = ("Cast", "ConcatV2", "Pack", "Fill", "Range", "Identity", "StopGradient")
    if op.type in derived and any(_static(i) is None for i in op._inputs):
        return None
    if op.type == "ReductionSize" and op._attrs.get("axis") is not None:
        return None  # (a reduction's helper, not tf.size)
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
