"""``tf.import_graph_def``'s reading of TF's shape ops that graphs written by TF's gradients
(and by ``own_op_forms``) hold: ``Size`` and ``Rank`` (our ``ReductionSize``, a value the plan
computes when it compiles; the rank of a variable: ``VariableRank``), and
``BroadcastGradientArgs`` and ``ConcatOffset``, whose outputs become one ``ShapeOpOutput`` op
each (``ops/shape_ops.py``: values computed when the plan compiles, from the shapes given)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import dtypes as _dt
from .import_read import Read, const


def _size(node: Any, make: Callable):
    dtype = node.out_dtypes[0]
    attrs = {"axis": None, "T": dtype}
    return make("ReductionSize", node.inputs[:1], [dtype], attrs, node.name)


def _rank(node: Any, make: Callable):
    x = node.inputs[0]
    if x.op.type == "VariableV2":  # (fails while the variable is uninitialised, as TF's)
        return make("VariableRank", [x], [_dt.int32], {}, node.name)
    if x.shape.ndims is not None:
        return const(make, node.name, x.shape.ndims, _dt.int32).op
    attrs = {"out_type": _dt.int32}
    shape = make("Shape", [x], [_dt.int32], attrs, f"{node.name}/Shape").outputs[0]
    return make("ReductionSize", [shape], [_dt.int32], {"axis": None, "T": _dt.int32}, node.name)


def _outputs(node: Any, make: Callable):
    """One ``ShapeOpOutput`` per output (the first carries the node's name)."""
    ops = []
    for k, dtype in enumerate(node.out_dtypes):
        attrs = {**node.attrs, "tf_type": node.type, "index": k}
        name = node.name if k == 0 else f"{node.name}/output_{k}"
        ops.append(make("ShapeOpOutput", node.inputs, [dtype], attrs, name))
    return Read(ops[0], [op.outputs[0] for op in ops])


SHAPE_READERS: dict[str, Callable[[Any, Callable], Any]] = {
    "Size": _size,
    "Rank": _rank,
    "BroadcastGradientArgs": _outputs,
    "ConcatOffset": _outputs,
}
