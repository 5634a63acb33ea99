"""Plan rewrites that remove work, as TF's grappler does before a graph runs:

- **constant folding** (``foldable_ops``): a pure op whose inputs are all known when the plan
  compiles (constants, shape values, and outputs of ops folded before it) is computed once, by
  its own kernel, and its outputs become constant buffers of the plan instead of a step that
  recomputes them every run (outputs of at most ``MAX_FOLDED_BYTES``, TF's limit);
- **common subexpression elimination** (``duplicate_ops``): a pure op with the same type,
  attributes, output dtypes and (deduplicated) inputs as an earlier one reuses the earlier
  one's outputs; constants of the same value count as the same input. No variable update may
  run between the two (the later one would read a changed variable);
- **arithmetic simplification** (``identity_ops``): an op that gives one of its inputs back
  bit for bit becomes a view of that input: ``x * 1``, ``1 * x``, ``x / 1``, ``x - 0``,
  ``x + (-0.0)`` (``x + 0`` for integers; a float ``x + 0.0`` turns ``-0.0`` into ``+0.0``, so
  it stays) and ``x // 1`` for integers, where the output has ``x``'s shape (the constant
  broadcasts nothing). (Involutions such as ``-(-x)`` are left: their ``x`` is not an input of
  the outer op, so its buffer's lifetime and fused producers would not account for the view.)

None of them changes a value: a folded op runs the same kernel, a duplicate computes the same bits.
``RewriterConfig(constant_folding=OFF)`` and ``RewriterConfig(arithmetic_optimization=OFF)``
(TF's switches for its own folding and deduplication) turn them off; the second also turns
off the arithmetic simplification (TF's arithmetic optimizer, whose switch it is).
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


def _constant_fill(t: Tensor, fed) -> np.ndarray | None:
    """The value of ``t`` when it is a constant (not fed) of at least one element, else None."""
    if t.op._def.kind is not OpKind.CONST or t in fed:
        return None
    value = np.asarray(t.op.get_attr("value"))
    return value if value.size and value.dtype != object else None


def _is_unit(v: np.ndarray | None, kind: str) -> bool:
    """Whether every element of ``v`` is the identity of ``kind`` bit for bit: "one" (1),
    "zero" (+0, integers' 0), "negzero" (-0.0 for floats, 0 for integers)."""
    if v is None or (v.dtype.kind not in "iuf" and v.dtype.name != "bfloat16"):
        return False
    if kind == "one":
        return bool(np.all(v == 1))
    if not np.all(v == 0):
        return False
    if v.dtype.kind in "iu":
        return True
    sign = np.signbit(v.astype(np.float32))
    return bool(np.all(sign)) if kind == "negzero" else not bool(np.any(sign))


# op type -> (the identity a constant operand must be, whether it may be the left operand)
_UNITS = {
    "Mul": ("one", True),
    "Add": ("negzero", True),
    "Sub": ("zero", False),
    "RealDiv": ("one", False),
    "FloorDiv": ("one", False),
}


def _forwarded_input(op: Operation, fed) -> Tensor | None:
    """The input ``op`` gives back bit for bit (shapes aside), or None."""
    unit = _UNITS.get(op.type)
    if unit is None or len(op._inputs) != 2:
        return None
    kind, commutes = unit
    x, y = op._inputs
    if op.type == "FloorDiv" and x.dtype.np.kind not in "iu":
        return None  # (floor(x / 1) is not x for floats)
    if _is_unit(_constant_fill(y, fed), kind):
        return x
    return y if commutes and _is_unit(_constant_fill(x, fed), kind) else None


_STABLE_KINDS = (OpKind.KERNEL, OpKind.RANDOM, OpKind.CONST, OpKind.PLACEHOLDER, OpKind.SHAPE)


def _immutable(t: Tensor) -> bool:
    """Whether ``t``'s buffer keeps its value for the whole run: it is (a view of) a kernel's
    output, a constant or a feed, not a variable's buffer, which an assignment later in the
    run may change (``v * 1`` is a copy of the value it read, ``tf.identity(v)`` is not)."""
    while t.op._def.kind is OpKind.ALIAS or t.op._def.alias_if is not None:
        t = t.op._inputs[0]
    return t.op._def.kind in _STABLE_KINDS


def identity_ops(exec_order, fed, keep_out, shape_of) -> dict[Operation, Tensor]:
    """{op: the input whose value ``op``'s output is} among ``exec_order``: ops that give an
    input back unchanged (see the module docstring) and whose output has that input's shape
    and dtype (``shape_of(t)``: a tensor's shape in this plan; ValueError when only known at
    run time). ``keep_out``: ops other rewrites claim."""
    found: dict[Operation, Tensor] = {}
    for op in exec_order:
        if op in keep_out or op._def.kind is not OpKind.KERNEL or len(op._outputs) != 1:
            continue
        out = op._outputs[0]
        if out in fed:
            continue
        src = _forwarded_input(op, fed)
        if src is None or src.dtype != out.dtype or not _immutable(src):
            continue
        try:
            if tuple(shape_of(src)) != tuple(shape_of(out)):
                continue
        except ValueError:
            continue
        found[op] = src
    return found
