"""Helpers the op families share: creating ops, converting inputs, static shape rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Callable, cast, overload

import numpy as np

from . import dtypes as _dt
from .constant_op import convert_to_tensor
from .graph import Tensor, constant_value, get_default_graph, innermost_graph, shape_error
from .op_dtypes import allowed_dtypes, has_op_def
from .tensor_shape import TensorShape

if TYPE_CHECKING:
    from typing_extensions import TypeGuard  # typing.TypeGuard from Python 3.10

    from .graph import Graph, Operation
    from .type_aliases import DTypeLike, TensorConvertible, TensorLike

ValueOf = Callable[[int], Any]  # a shape function's value_of(i): input i's value, or None


def graph_of(*values: Any) -> Graph:
    for v in values:
        if isinstance(v, Tensor):
            return innermost_graph(v.graph)
        if hasattr(v, "_as_graph_element"):
            return innermost_graph(v._as_graph_element().graph)
    return get_default_graph()


def make_op(
    op_type: str,
    inputs: Sequence[Tensor],
    out_dtypes: Iterable[_dt.DType],
    attrs: dict[str, Any] | None = None,
    name: str | None = None,
) -> Operation:
    g = graph_of(*inputs) if inputs else get_default_graph()
    return g.create_op(op_type, list(inputs), list(out_dtypes), attrs, name)


def make_tensor(
    op_type: str,
    inputs: Sequence[Tensor],
    out_dtype: _dt.DType,
    attrs: dict[str, Any] | None = None,
    name: str | None = None,
) -> Tensor:
    return make_op(op_type, inputs, [out_dtype], attrs, name).outputs[0]


def to_tensors(
    values: Iterable[TensorLike], dtype: DTypeLike | None = None, names: Sequence[str] = ("x", "y")
) -> list[Tensor]:
    """Converts values to tensors of one dtype (from the first Tensor among them)."""
    if dtype is None:
        for v in values:
            if isinstance(v, Tensor) or hasattr(v, "_as_graph_element"):
                dtype = convert_to_tensor(v).dtype
                break
    out = []
    for v in values:
        t = convert_to_tensor(v, dtype=dtype) if not isinstance(v, Tensor) else v
        out.append(t)
    return out


def check_same_dtype(
    op_type: str, tensors: Sequence[Tensor], arg_names: Sequence[str] = ("x", "y")
) -> None:
    first = tensors[0].dtype
    for t, n in zip(tensors[1:], arg_names[1:]):
        if t.dtype != first:
            raise TypeError(
                f"Input '{n}' of '{op_type}' Op has type {t.dtype.name} that does not "
                f"match type {first.name} of argument '{arg_names[0]}'."
            )


def check_dtype_in(op_type: str, t: Tensor, allowed: Iterable[_dt.DType], arg: str = "x") -> None:
    """TypeError unless ``t`` (input ``arg`` of ``op_type``) has a dtype TF allows there: TF's
    type constraint where TF has the op type (none where TF's argument takes any dtype, or is
    named otherwise: ``Graph.create_op`` checks the OpDef then), else ``allowed``."""
    if has_op_def(op_type):
        tf_allowed = allowed_dtypes(op_type, arg)
        if tf_allowed is None:
            return
        allowed = tf_allowed
    else:
        allowed = tuple(allowed)
    if t.dtype not in allowed:
        names = ", ".join(d.name for d in allowed)
        raise TypeError(
            f"Value passed to parameter '{arg}' of '{op_type}' has DataType "
            f"{t.dtype.name} not in list of allowed values: {names}"
        )


FLOATS = (_dt.float32, _dt.float64)
NUMERIC = (_dt.float32, _dt.float64, _dt.int32, _dt.int64)


def broadcast_shapes(op: Operation, a: TensorShape, b: TensorShape) -> TensorShape:
    """NumPy broadcasting of two static shapes; ValueError naming the op when incompatible."""
    if a.ndims is None or b.ndims is None:
        return TensorShape(None)
    x, y = a.as_list(), b.as_list()
    n = max(len(x), len(y))
    one: list[int | None] = [1]
    x = one * (n - len(x)) + x
    y = one * (n - len(y)) + y
    out = []
    for p, q in zip(x, y):
        if p == 1:
            out.append(q)
        elif q == 1:
            out.append(p)
        elif p is None:
            out.append(q)
        elif q is None or p == q:
            out.append(p)
        else:
            raise shape_error(
                op.type, op.name, f"Dimensions must be equal, but are {p} and {q}", [a, b]
            )
    return TensorShape(out)


def same_shape(op: Operation, in_shapes: list[TensorShape], value_of: ValueOf) -> list[TensorShape]:
    return [in_shapes[0]]


@overload
def norm_axes(axis: Any, rank: int, op: Operation | None = None) -> tuple[int, ...]: ...
@overload
def norm_axes(axis: Any, rank: None, op: Operation | None = None) -> tuple[int, ...] | None: ...
def norm_axes(axis: Any, rank: int | None, op: Operation | None = None) -> tuple[int, ...] | None:
    """Normalises ``axis`` (None, int or list) against ``rank`` to a sorted tuple."""
    if axis is None:
        return None if rank is None else tuple(range(rank))
    axes = [
        int(a)
        for a in (
            [axis] if isinstance(axis, (int,)) or getattr(axis, "ndim", 1) == 0 else list(axis)
        )
    ]
    if rank is None:
        return tuple(axes) if all(a >= 0 for a in axes) else None
    out = []
    for a in axes:
        if not -rank <= a < rank:
            where = f" for '{op.name}'" if op is not None else ""
            raise ValueError(
                f"Invalid reduction dimension {a} for input with {rank} dimensions{where}"
            )
        out.append(a % rank)
    return tuple(sorted(set(out)))


def shape_input(
    op: Operation, i: int, in_shapes: list[TensorShape], value_of: ValueOf
) -> TensorShape:
    """The shape that input ``i`` (a 1-D shape tensor) holds, as precisely as it is known.

    Its value when known; for ``tf.shape(x)`` of a partially known ``x``, the static shape of
    ``x`` (as TF's ``constant_value_as_shape``); otherwise one unknown dimension per element.
    """
    v = value_of(i)
    if v is not None:
        return TensorShape([int(d) for d in np.asarray(v).reshape(-1)])
    p = partial_ints(op.inputs[i])
    if p is not None:
        return TensorShape([None if d is None or d < 0 else d for d in p])
    s = in_shapes[i]
    n = s[0].value
    return TensorShape([None] * n) if n is not None and s.is_fully_defined() else TensorShape(None)


def is_symbolic(v: Any) -> TypeGuard[Tensor | TensorConvertible]:
    """Whether ``v`` is a graph value (a Tensor, or a Variable that converts to one)."""
    return isinstance(v, Tensor) or hasattr(v, "_tflite_as_tensor")


def const_ints(value: Any, what: str) -> list[int]:
    """``value`` (a list, an array or a constant tensor) as a flat list of Python ints."""
    if hasattr(value, "_tflite_as_tensor"):
        value = convert_to_tensor(value)
    if isinstance(value, Tensor):
        v = constant_value(value)
        if v is None:
            raise TypeError(
                f"{what} must be known when the graph is built (a list or a constant), got {value}"
            )
        value = v
    arr = np.asarray(value)
    if arr.size and arr.dtype.kind not in "iu":
        raise TypeError(f"{what} must be integers, got {value!r}")
    return [int(v) for v in arr.reshape(-1)]


def scalar_int(v: Any) -> int:
    """The first element of ``v`` (a scalar or a one-element list or array) as a Python int."""
    return int(np.asarray(v).reshape(-1)[0])


# ---- arguments that may be known only when the graph runs ---------------------------------------
def int_arg(value, what: str):
    """An integer argument (an axis, a permutation, multiples, ...) as ``(known, inputs)``:
    ``(ints, [])`` when its value is known at graph build (a scalar as an int, else a list of
    ints), ``(None, [tensor])`` for an int tensor known only when the graph runs (the op takes
    it as an extra input whose value the plan reads when it compiles)."""
    if is_symbolic(value) or (
        isinstance(value, (list, tuple)) and any(is_symbolic(v) for v in _flat(value))
    ):
        t = convert_to_tensor(value)
        if not t.dtype.is_integer:
            raise TypeError(f"{what} must be an int32 or int64 tensor, got {t.dtype.name}")
        c = constant_value(t)
        if c is None:
            return None, [t]
        value = c
    arr = np.asarray(value)
    if arr.size and arr.dtype.kind not in "iu":
        raise TypeError(f"{what} must be integers, got {value!r}")
    return (int(arr) if arr.ndim == 0 else [int(v) for v in arr.reshape(-1)]), []


def _flat(value):
    for v in value:
        if isinstance(v, (list, tuple)):
            yield from _flat(v)
        else:
            yield v


def arg_value(op, attr: str, value_of, index: int):
    """The value of an argument :func:`int_arg` made: attribute ``attr`` of ``op`` when known at
    graph build, else input ``index``'s value as an int array (None while it is unknown)."""
    v = op._attrs.get(attr)
    if v is not None:
        return np.asarray(v)
    if not -len(op._inputs) <= index < len(op._inputs):
        return None
    v = value_of(index)
    return None if v is None else np.asarray(v).astype(np.int64)


def partial_value(t: Tensor) -> np.ndarray | None:
    """The elements of an int tensor as far as they are known at graph build: an object array
    with ``None`` for unknown elements (a stack of scalars, some constant; ``tf.shape`` of a
    partly known shape), or None when even its shape is unknown (TF's partial evaluation)."""
    v = constant_value(t)
    if v is not None:
        return np.asarray(v).astype(object)
    op = t.op
    if op.type == "Shape":
        s = op.inputs[0].shape
        return None if s.ndims is None else np.asarray(s.as_list(), dtype=object)
    if op.type == "ConcatV2" and op._attrs.get("axis") is not None:
        parts = [p for p in (partial_value(i) for i in op.inputs) if p is not None]
        if len(parts) != len(op.inputs):
            return None
        try:
            return np.concatenate(parts, axis=op._attrs["axis"])
        except ValueError:
            return None
    if op.type == "ExpandDims":
        p, a = partial_value(op.inputs[0]), constant_value(op.inputs[1])
        if p is None or a is None:
            return None
        return np.expand_dims(p, int(np.asarray(a).reshape(-1)[0]))
    if op.type in ("Identity", "Cast"):
        return partial_value(op.inputs[0])
    s = t.shape
    if s.is_fully_defined():
        return np.full(cast("list[int]", s.as_list()), None, dtype=object)
    return None


def partial_ints(t: Tensor) -> list | None:
    """The elements of a 1-D int tensor as far as they are known at graph build (``None`` for
    unknown ones; as TF's ``constant_value_as_shape``); None when even its length is unknown."""
    p = partial_value(t)
    if p is None or p.ndim != 1:
        return None
    return [None if d is None else int(d) for d in p]
