"""String tensors in a Session: they never enter a C++ plan (whose buffers hold numbers); ops
that read or produce them run in Python, on NumPy object arrays of ``bytes``.

- HOST ops (``OpDef.host_fn``: decoders, string functions, summaries) run as always.
- The array ops TF registers for strings (identity, reshape, expand/squeeze, concat/stack,
  gather, transpose, tile, slicing, reverse, split, select, equal/not_equal, fill) run here: an
  alias op reshapes its input; a kernel op runs its NumPy twin (``tflite_core.reference``, the
  same semantics and attribute encoding as the C++ kernel) on object arrays, with the shapes and
  attributes the plan compiler would give it.

``runs_on_host(op)`` tells the Executable which ops these are; ``run_on_host(op, values)`` computes
one. A numeric output of such an op that a kernel reads is computed before the plan and fed to it
(``Executable.host_values``), as a ``tf.py_func``'s.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import reference
from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.graph import Operation
from ..framework.registry import OpKind, RunTimeValues
from ..framework.tensor_shape import TensorShape

# the array kernels whose NumPy twins move elements without computing on them (strings: any)
_MOVERS = frozenset(
    {
        "ConcatV2",
        "GatherV2",
        "Transpose",
        "Tile",
        "StridedSlice",
        "ReverseV2",
        "Split",
        "SplitV",
        "Select",
        "SelectV2",
        "Fill",
        "Equal",
        "NotEqual",
        "Pack",
        "Slice",
    }
)


def is_string_op(op: Operation) -> bool:
    """Whether ``op`` reads or produces a string tensor."""
    return any(t.dtype is _dt.string for t in op._outputs) or any(
        t.dtype is _dt.string for t in op._inputs
    )


def runs_on_host(op: Operation) -> bool:
    """Whether the Session runs ``op`` in Python (a HOST op, a string constant, or an array op
    on strings) rather than in the plan."""
    d = op._def
    if d.kind is OpKind.HOST:
        return True
    if d.kind is OpKind.CONST:
        return op._outputs[0].dtype is _dt.string
    if not is_string_op(op):
        return False
    return d.kind is OpKind.ALIAS or (d.kind is OpKind.KERNEL and op.type in _MOVERS)


def feeds_plan(op: Operation) -> bool:
    """Whether kernels may read ``op``'s outputs (computed first, then fed to the plan)."""
    return op._def.feeds_plan or (op._def.kind is not OpKind.HOST and runs_on_host(op))


def string_feed(value) -> np.ndarray:
    """A fed value of a string tensor: an object array of ``bytes`` (``str`` encoded as UTF-8);
    another element type is TF's InternalError."""
    arr = np.array(value, dtype=object)  # (a copy: the caller's array stays as it is)
    flat = arr.reshape(-1)
    if set(map(type, flat)) <= {bytes}:  # (the usual case, without a Python loop)
        return arr
    for i, x in enumerate(flat):
        if isinstance(x, str):
            flat[i] = x.encode("utf-8")
        elif isinstance(x, bytes):
            flat[i] = bytes(x)  # (np.bytes_ too)
        else:  # (TF's class and words: its feed conversion is internal)
            raise errors.InternalError(None, None, f"Unsupported object type {type(x).__name__}")
    return arr


_SMALL = 64  # numeric inputs up to this size (shapes, axes, indices) key the cache by value


def _shapes_and_attrs(op: Operation, arrays: list) -> tuple:
    """The output shapes and kernel attributes of string op ``op`` for these inputs, kept per
    op for the input shapes and the values of its small numeric inputs (an element-by-element
    ``Dataset.map`` runs the same ops on the same shapes over and over); not kept where a
    numeric input is larger (its values might matter and are costly to key on)."""
    key = None
    if all(a.dtype.kind == "O" or a.size <= _SMALL for a in arrays):
        key = tuple((a.shape, None if a.dtype.kind == "O" else a.tobytes()) for a in arrays)
        cache = op.__dict__.setdefault("_host_shapes", {})
        hit = cache.get(key)
        if hit is not None:
            return hit
    d = op._def
    in_shapes = [TensorShape(a.shape) for a in arrays]
    value_of = RunTimeValues(lambda i: arrays[i])
    try:
        shapes = d.shape_fn(op, in_shapes, value_of)
    except ValueError as e:
        raise errors.InvalidArgumentError(None, op, f"{e}\n\t [[node {op.name}]]") from None
    out_shapes = [tuple(s.as_list()) for s in shapes]
    ints: list[Any] = []
    floats: list[Any] = []
    if d.attrs_fn is not None and d.kind is not OpKind.ALIAS:
        ints, floats = d.attrs_fn(op, [a.shape for a in arrays], out_shapes, value_of)
    out = (out_shapes, ints, floats)
    if key is not None:
        if len(cache) > 64:  # (shapes that keep changing)
            cache.clear()
        cache[key] = out
    return out


def run_on_host(op: Operation, values: list) -> list:
    """The output values of a host-run op from its input values."""
    d = op._def
    if d.kind is OpKind.HOST:
        assert d.host_fn is not None  # (OpDef.check)
        return list(d.host_fn(op, *values))
    if d.kind is OpKind.CONST:
        return [op.get_attr("value")]
    arrays = [np.asarray(v) for v in values]
    out_shapes, ints, floats = _shapes_and_attrs(op, arrays)
    if d.kind is OpKind.ALIAS:
        return [arrays[0].reshape(out_shapes[0])]
    outs = [np.empty(s, t.dtype.np) for s, t in zip(out_shapes, op._outputs)]
    ins = [arrays[i] for i in d.kernel_input_indices(op)]
    assert d.kernel is not None  # (a KERNEL op: OpDef.check)
    try:
        reference.run_kernel(
            d.kernel, ins, outs, [int(i) for i in ints], [float(f) for f in floats]
        )
    except (reference.KernelError, ValueError, IndexError) as e:
        msg = str(e).split("] ", 1)[-1]  # (the twin's "[kernel] " prefix: the node is named)
        raise errors.InvalidArgumentError(None, op, f"{msg}\n\t [[node {op.name}]]") from None
    return outs
