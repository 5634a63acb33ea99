"""Shapes as values: ``shape_n``, ``broadcast_dynamic_shape`` (BroadcastArgs, a value the plan
computes when it is compiled), ``broadcast_static_shape``, and ``parallel_stack``.

>>> with tf.Session() as sess:
...     print(sess.run(tf.broadcast_dynamic_shape([2, 1, 3], [4, 1])))
[2 4 3]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope, shape_error
from ..framework.op_util import check_dtype_in, make_tensor
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape, as_shape
from .array_ops import shape, stack
from .indexing_ops import INDEX_DTYPES

if TYPE_CHECKING:
    from ..framework.type_aliases import DTypeLike, TensorLike


def shape_n(
    input: Sequence[TensorLike], out_type: DTypeLike = _dt.int32, name: str | None = None
) -> list[Tensor]:
    """The shapes of the tensors ``input``, one 1-D tensor each."""
    with name_scope(name, "ShapeN", []):
        return [shape(x, out_type=out_type) for x in input]


def _broadcast(op_name: str, x: list[int], y: list[int]) -> list[int]:
    n = max(len(x), len(y))
    x, y = [1] * (n - len(x)) + x, [1] * (n - len(y)) + y
    out = []
    for p, q in zip(x, y):
        if p != q and p != 1 and q != 1:
            raise ValueError(
                f"[BroadcastArgs] Incompatible shapes: [{','.join(map(str, x))}] vs. "
                f"[{','.join(map(str, y))}] for '{op_name}'"
            )
        out.append(q if p == 1 else p)
    return out


def _broadcast_args_value(op, shapes, value_of):
    a, b = value_of(0), value_of(1)
    if a is None or b is None:
        return None
    out = _broadcast(op.name, [int(d) for d in np.ravel(a)], [int(d) for d in np.ravel(b)])
    return np.array(out, dtype=op.outputs[0].dtype.np)


def _broadcast_args_shape(op, in_shapes, value_of):
    a, b = in_shapes
    for s in (a, b):
        if s.ndims not in (None, 1):
            raise shape_error(
                "BroadcastArgs", op.name, f"Shape must be rank 1 but is rank {s.ndims}", in_shapes
            )
    if a.ndims == 1 and b.ndims == 1 and a[0].value is not None and b[0].value is not None:
        return [TensorShape([max(a[0].value, b[0].value)])]
    return [TensorShape([None])]


register_op(
    "BroadcastArgs",
    _broadcast_args_shape,
    kind=OpKind.SHAPE,
    value_fn=_broadcast_args_value,
    value_inputs=(0, 1),
)
NotDifferentiable("BroadcastArgs")


def broadcast_dynamic_shape(shape_x: TensorLike, shape_y: TensorLike) -> Tensor:
    """The shape that broadcasting shapes ``shape_x`` and ``shape_y`` (1-D int tensors) gives
    (op BroadcastArgs; incompatible shapes are an InvalidArgumentError when run)."""
    x = convert_to_tensor(shape_x)
    check_dtype_in("BroadcastArgs", x, INDEX_DTYPES, "s0")
    y = convert_to_tensor(shape_y, dtype=x.dtype)
    return make_tensor("BroadcastArgs", [x, y], x.dtype, {"T": x.dtype}, "BroadcastArgs")


def broadcast_static_shape(shape_x, shape_y) -> TensorShape:
    """The static shape that broadcasting ``shape_x`` and ``shape_y`` (TensorShapes) gives;
    ValueError when they are incompatible."""
    a, b = as_shape(shape_x), as_shape(shape_y)
    if a.ndims is None or b.ndims is None:
        return TensorShape(None)
    x: list[int | None] = a.as_list()
    y: list[int | None] = b.as_list()
    n = max(len(x), len(y))
    one: list[int | None] = [1]
    x, y = one * (n - len(x)) + x, one * (n - len(y)) + y
    out: list[int | None] = []
    for p, q in zip(x, y):
        if p == 1:
            out.append(q)
        elif q == 1:
            out.append(p)
        elif p is None or q is None:
            out.append(p if q is None else q)
        elif p == q:
            out.append(p)
        else:
            raise ValueError(
                "Incompatible shapes for broadcasting. Two shapes are compatible if for each "
                "dimension pair they are either equal or one of them is 1. Received: "
                f"{a} and {b}."
            )
    return TensorShape(out)


def parallel_stack(values: Sequence[TensorLike], name: str = "parallel_stack") -> Tensor:
    """``stack(values)`` along a new first dimension (TF copies the inputs in parallel; here it
    is one concatenation, computed as ``stack``). The shapes must be fully known, as TF's."""
    ts = [convert_to_tensor(v) for v in values]
    for t in ts:
        if not t.shape.is_fully_defined():
            raise ValueError(
                f"Cannot infer the shape of {t.name}: parallel_stack needs known shapes"
            )
    return stack(ts, 0, name=name)


# ---- TF's shape ops of several outputs, as GraphDefs hold them (import_shape_ops.py) ----------
def _grad_reduce_indices(op_name: str, x: list[int], y: list[int]) -> tuple[list, list]:
    """``BroadcastGradientArgs``: the dimensions of the broadcast shape to sum the gradient
    over for ``x`` and for ``y`` (TF's ``BCast``: none for equal shapes; a dimension where
    both are 1 is in both lists)."""
    if x == y:
        return [], []
    n = max(len(x), len(y))
    px, py = [1] * (n - len(x)) + x, [1] * (n - len(y)) + y
    rx: list[int] = []
    ry: list[int] = []
    for k, (p, q) in enumerate(zip(px, py)):
        if p != q and p != 1 and q != 1:
            raise ValueError(
                f"Incompatible shapes: [{','.join(map(str, x))}] vs. [{','.join(map(str, y))}] "
                f"for '{op_name}'"
            )
        if p == 1:
            rx.append(k)
        if q == 1:
            ry.append(k)
    return rx, ry


def _concat_offset(op_name: str, dim: int, shapes: list[list[int]]) -> list[list[int]]:
    """``ConcatOffset``: where each input starts in the concatenation along ``dim``."""
    rank = len(shapes[0])
    if not -rank <= dim < rank:
        raise ValueError(f"Concat dim is out of range: {dim} vs. {rank} for '{op_name}'")
    dim %= rank
    out, at = [], 0
    for s in shapes:
        if len(s) != rank or any(a != b for i, (a, b) in enumerate(zip(s, shapes[0])) if i != dim):
            raise ValueError(
                f"input dimensions must match: {shapes[0]} vs. {s} (dim {dim}) for '{op_name}'"
            )
        out.append([at if i == dim else 0 for i in range(rank)])
        at += s[dim]
    return out


def _shape_op_output_value(op, shapes, value_of):
    values = [value_of(i) for i in range(len(op._inputs))]
    if any(v is None for v in values):
        return None
    ints = [[int(d) for d in np.ravel(v)] for v in values]
    k = int(op.get_attr("index"))
    if op.get_attr("tf_type") == "BroadcastGradientArgs":
        out = _grad_reduce_indices(op.name, ints[0], ints[1])[k]
    else:  # ConcatOffset
        out = _concat_offset(op.name, ints[0][0], ints[1:])[k]
    return np.array(out, dtype=op.outputs[0].dtype.np)


def _shape_op_output_shape(op, in_shapes, value_of):
    if op.get_attr("tf_type") == "ConcatOffset":
        return [in_shapes[1 + int(op.get_attr("index"))]]
    value = _shape_op_output_value(op, in_shapes, value_of)  # (its length: the values')
    return [TensorShape([None if value is None else len(value)])]


register_op(
    "ShapeOpOutput",
    _shape_op_output_shape,
    kind=OpKind.SHAPE,
    value_fn=_shape_op_output_value,
    value_inputs=lambda op: range(len(op._inputs)),
)
NotDifferentiable("ShapeOpOutput")
