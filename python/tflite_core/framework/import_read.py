"""What a reader of ``import_forms`` may return besides an op: ``Read``, for a node whose outputs
are not the outputs of one op of ours (a TF op of several outputs read as several ops, or one
whose outputs ours orders otherwise); and helpers the readers share: ``const``, and
``joined_split`` (a ``ConcatV2`` of a whole ``Split`` is its input)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import dtypes as _dt


@dataclass
class Read:
    """A node read as ``outputs`` (its outputs in TF's order); ``op`` carries its name (control
    inputs and ``return_elements`` name it)."""

    op: Any
    outputs: list


def op_and_outputs(result: Any) -> tuple[Any, list]:
    """``(op, outputs)`` of what a reader returned (an op, or a ``Read``)."""
    if isinstance(result, Read):
        return result.op, list(result.outputs)
    return result, list(result.outputs)


def const(make: Any, name: str, value: Any, dtype: _dt.DType) -> Any:
    """A ``Const`` op's output (``make`` as the readers get it)."""
    arr = np.asarray(value, dtype.np)
    return make("Const", [], [dtype], {"value": arr, "dtype": dtype}, name).outputs[0]


def joined_split(parts: list) -> tuple | None:
    """``(x, axis)`` where ``parts`` are all the outputs, in order, of one ``Split`` of ``x``
    along ``axis`` (non-negative; None where not known); else None. (``concat(split(x)) = x``.)"""
    op = parts[0].op
    if op.type != "Split" or len(parts) != len(op.outputs):
        return None
    if any(p.op is not op or p.value_index != k for k, p in enumerate(parts)):
        return None
    x = op.inputs[0]
    axis = op._attrs.get("axis")
    if axis is None and len(op.inputs) > 1 and op.inputs[1].op.type == "Const":
        axis = int(np.asarray(op.inputs[1].op._attrs["value"]))
    if axis is not None and x.shape.ndims is not None:
        axis %= x.shape.ndims
    return x, axis
