"""Plan rewrites that remove work, as TF's grappler does before a graph runs:

- **constant folding** (``foldable_ops``): a pure op whose inputs are all known when the plan
  compiles (constants, shape values, and outputs of ops folded before it) is computed once, by
  its own kernel, and its outputs become constant buffers of the plan instead of a step that
  recomputes them every run (outputs of at most ``MAX_FOLDED_BYTES``, TF's limit);
- **common subexpression elimination** (``duplicate_ops``): a pure op with the same type,
  attributes, output dtypes and (deduplicated) inputs as an earlier one reuses the earlier
  one's outputs; constants of the same value count as the same input. No variable update may
  run between the two (the later one would read a changed variable).

Neither changes a value: a folded op runs the same kernel, a duplicate computes the same bits.
``RewriterConfig(constant_folding=OFF)`` and ``RewriterConfig(arithmetic_optimization=OFF)``
(TF's switches for its own folding and deduplication) turn them off.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.compute_dtypes import widening
from ..framework.graph import Operation, Tensor
from ..framework.registry import OpKind
from .op_kinds import foldable, is_mutation

MAX_FOLDED_BYTES = 10 * 1024 * 1024  # TF's grappler folds constants of at most 10 MiB
MAX_CONST_KEY_BYTES = 4096  # constants compared by value up to this size


def foldable_ops(exec_order, fed, keep_out, nbytes_of_output) -> set:
    """The ops of ``exec_order`` whose outputs the compile step computes once: pure kernels
    whose inputs are constants, shape values or outputs of ops folded before them.
    ``keep_out``: ops other rewrites claim; ``nbytes_of_output(t)``: a tensor's size (None when
    unknown)."""
    folded: set = set()
    known: set = set()  # tensors whose values the compile step knows
    for op in exec_order:
        d = op._def
        if d.kind in (OpKind.CONST, OpKind.SHAPE) and not any(t in fed for t in op._outputs):
            known.update(op._outputs)
            continue
        if (
            op in keep_out
            or d.kind is not OpKind.KERNEL
            or not foldable(op)
            or not op._inputs
            # (constants outside the order count too: those that give only shapes or axes)
            or any(t not in known and t.op._def.kind is not OpKind.CONST for t in op._inputs)
            or any(t in fed or t.dtype is _dt.string for t in op._outputs)
            or any(t.dtype in widening(op.type) for t in (*op._inputs, *op._outputs))
        ):
            continue  # (a widened op runs its kernel on float32 copies: left to its step)
        sizes = [nbytes_of_output(t) for t in op._outputs]
        if any(s is None or s > MAX_FOLDED_BYTES for s in sizes):
            continue
        folded.add(op)
        known.update(op._outputs)
    return folded


def _frozen(v: Any) -> Any:
    """A hashable stand-in for an attribute value (TypeError for values that have none)."""
    if isinstance(v, np.ndarray):
        if v.dtype == object:
            raise TypeError("object array")
        return ("ndarray", v.dtype.str, v.shape, v.tobytes())
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, *(_frozen(x) for x in v))
    if isinstance(v, dict):
        return ("dict", *sorted((k, _frozen(x)) for k, x in v.items()))
    hash(v)
    return v


def _key(op: Operation, canon: dict) -> tuple | None:
    """What makes ``op``'s outputs what they are, or None for an op never deduplicated."""
    d = op._def
    if d.stateful or d.kind not in (OpKind.KERNEL, OpKind.ALIAS, OpKind.CONST):
        return None
    if any(t.dtype is _dt.string for t in (*op._inputs, *op._outputs)):
        return None
    try:
        if d.kind is OpKind.CONST:  # (by value: equal constants are the same input)
            value = np.asarray(op.get_attr("value"))
            if value.dtype == object or value.nbytes > MAX_CONST_KEY_BYTES:
                return None
            return ("Const", value.dtype.str, value.shape, value.tobytes())
        attrs = tuple(
            sorted((k, _frozen(v)) for k, v in op._attrs.items() if not k.startswith("_"))
        )
    except TypeError:  # (an attribute with no value to compare: a function, a graph)
        return None
    ins = tuple(_input_key(t, canon) for t in op._inputs)
    return (op.type, ins, attrs, tuple(t.dtype for t in op._outputs))


def _input_key(t: Tensor, canon: dict) -> Any:
    """An input as the key sees it: a small constant by its value (constants that only give
    shapes or axes are not in the plan's order), another tensor by its deduplicated self."""
    t = canon.get(t, t)
    if t.op._def.kind is OpKind.CONST:
        key = _key(t.op, canon)
        if key is not None:
            return key
    return t


def duplicate_ops(exec_order, fed, keep_out) -> dict[Operation, Operation]:
    """{op: the earlier op whose outputs it reuses} among ``exec_order`` (``keep_out``: ops
    other rewrites claim, never merged either way)."""
    canon: dict[Tensor, Tensor] = {}
    first: dict[tuple, Operation] = {}
    position: dict[Operation, int] = {}
    mutations: list[int] = []  # positions of variable updates
    dups: dict[Operation, Operation] = {}
    for i, op in enumerate(exec_order):
        position[op] = i
        if is_mutation(op):
            mutations.append(i)
            continue
        if op in keep_out or any(t in fed for t in op._outputs) or not op._outputs:
            continue
        key = _key(op, canon)
        if key is None:
            continue
        earlier = first.get(key)
        if earlier is None or (mutations and mutations[-1] > position[earlier]):
            first[key] = op  # (after an update: later duplicates read the new values)
            continue
        dups[op] = earlier
        for a, b in zip(op._outputs, earlier._outputs):
            canon[a] = canon.get(b, b)
    return dups
