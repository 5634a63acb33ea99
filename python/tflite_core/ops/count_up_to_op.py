"""``tf.count_up_to`` / ``Variable.count_up_to``: increments an integer variable and returns its
old value, OutOfRangeError once it has reached ``limit`` (``tf.train.limit_epochs`` counts
epochs with it). A host op: it updates the session's buffer of the variable in place, under the
session's lock, so that threads counting at once (queue runners) each get their own value."""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.graph import Operation, Tensor
from ..framework.host_context import running_session
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape


def _count_fn(op: Operation, *unused: Any) -> list:
    sess = running_session()
    var_op = op.get_attr("_variable")
    limit = int(op.get_attr("limit"))
    with sess._lock:
        if var_op not in sess._initialized:
            raise errors.FailedPreconditionError(
                None,
                op,
                f"Attempting to use uninitialized value {var_op.name}"
                f"\n\t [[{{{{node {op.name}}}}}]]",
            )
        buf = sess._vars[var_op]
        old = buf.copy()
        if int(old) >= limit:
            raise errors.OutOfRangeError(
                None, op, f"Reached limit of {limit}\n\t [[{{{{node {op.name}}}}}]]"
            )
        buf[...] = old + 1
    return [old]


def _scalar(op: Any, in_shapes: Any, value_of: Any) -> list:
    return [TensorShape([])]


register_op(
    "CountUpTo", _scalar, kind=OpKind.HOST, host_fn=_count_fn, feeds_plan=True, stateful=True
)
NotDifferentiable("CountUpTo")


def count_up_to(ref: Any, limit: int, name: str | None = None) -> Tensor:
    """Increments the int32/int64 scalar variable ``ref``; returns its value before."""
    if _dt.as_dtype(ref.dtype).base_dtype not in (_dt.int32, _dt.int64):
        raise TypeError(
            f"Value passed to parameter 'ref' has DataType {ref.dtype.name} not in list of "
            "allowed values: int32, int64"
        )
    var_op = ref.op
    g = var_op.graph
    op = g.create_op(
        "CountUpTo",
        [],
        [_dt.as_dtype(ref.dtype).base_dtype],
        {"limit": int(limit), "T": _dt.as_dtype(ref.dtype).base_dtype, "_variable": var_op},
        name or "CountUpTo",
    )
    op._add_control_input(var_op)  # (the plan checks the variable is initialised)
    return op.outputs[0]
