"""``tf.ConditionalAccumulator`` and ``tf.SparseConditionalAccumulator``: gradients summed
until ``take_grad`` has the number it needs, as TF 1.x's synchronous replicas aggregate them.

A gradient computed at a ``local_step`` below the accumulator's time step is stale and dropped;
``take_grad(n)`` blocks until ``n`` gradients are in, returns their mean (``reduction_type``
"MEAN"; for the sparse accumulator, per index: the mean of the gradients that had that index) or
sum ("SUM"), empties the accumulator and advances its time step by one; ``set_global_step``
sets it. The state lives in each session's resources (host ops, as the queues)."""

from __future__ import annotations

import itertools
import threading
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.host_context import at_node, running_session
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape, as_shape
from ..framework.tf_logging import warning
from .indexing_ops import IndexedSlices

_IDS = itertools.count()
_WAIT = 0.05


class _State:
    def __init__(self, cfg: dict) -> None:
        self.cfg = cfg
        self.shape = cfg["shape"]  # a list (None entries unknown) or None
        self.mean = cfg["reduction_type"] == "MEAN"
        self.cond = threading.Condition()
        self.step = 0
        self.count = 0
        self.accum: Any = None
        self.counts: dict = {}  # (sparse) index -> how many gradients had it
        self.closed = False

    def close(self) -> None:  # (the session closed: waiting take_grads are cancelled)
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def check_shape(self, got: tuple, what: str, inner: bool = False) -> None:
        want = self.shape[1:] if inner and self.shape is not None else self.shape
        if want is None:
            return
        if len(want) != len(got) or any(w is not None and w != g for w, g in zip(want, got)):
            w = "[" + ",".join("?" if d is None else str(d) for d in want) + "]"
            raise errors.InvalidArgumentError(
                None, None, f"Shape mismatch: expected {w}, got {list(got)} for {what}"
            )

    def set_step(self, new: int) -> None:
        with self.cond:
            if new < self.step:
                warning(
                    "Attempt to set current_global_step_ to smaller value: "
                    "current_global_step_ = %d >= new_global_step = %d.",
                    self.step,
                    new,
                )
            self.step = new

    def wait_for(self, n: int) -> None:
        if n < 1:
            raise errors.InvalidArgumentError(
                None, None, f"Argument num_required must be positive, but was {n}"
            )
        while self.count < n:
            if self.closed:
                raise errors.CancelledError(None, None, "Session has been closed.")
            self.cond.wait(_WAIT)

    def finish(self) -> None:
        self.count = 0
        self.accum = None
        self.counts = {}
        self.step += 1


def _handle_fn(op: Operation) -> list:
    cfg = op.get_attr("_accumulator")
    key = ("accumulator", cfg["name"].encode())
    res = running_session().resources()
    if key not in res:
        res.setdefault(key, _State(cfg))
    return [np.asarray(key[1], dtype=object)]


def _state(op: Operation, handle: Any) -> _State:
    return running_session().resources()[("accumulator", np.asarray(handle, dtype=object).item())]


def _apply_fn(op: Operation, handle: Any, local_step: Any, *grad: Any) -> list:
    s = _state(op, handle)
    try:
        with s.cond:
            if int(local_step) < s.step:
                return []  # (a stale gradient: dropped)
            if op.type == "AccumulatorApplyGradient":
                g = np.asarray(grad[0])
                s.check_shape(g.shape, "the gradient")
                if s.accum is not None and s.accum.shape != g.shape:
                    raise errors.InvalidArgumentError(
                        None,
                        None,
                        f"Shape mismatch: expected {list(s.accum.shape)}, got {list(g.shape)}",
                    )
                s.accum = g.copy() if s.accum is None else s.accum + g
            else:
                indices, values = np.asarray(grad[0], np.int64), np.asarray(grad[1])
                s.check_shape(values.shape[1:], "the gradient's values", inner=True)
                if s.accum is None:
                    s.accum = {}
                for i, v in zip(indices.tolist(), values):
                    if i in s.accum:
                        s.accum[i] = s.accum[i] + v
                        s.counts[i] += 1
                    else:
                        s.accum[i] = np.array(v, copy=True)
                        s.counts[i] = 1
                if len(grad) > 2 and np.asarray(grad[2]).size:
                    s.cfg["_last_shape"] = np.asarray(grad[2], np.int64)
            s.count += 1
            s.cond.notify_all()
    except errors.OpError as e:
        raise at_node(e, op) from None
    return []


def _take_fn(op: Operation, handle: Any, n: Any) -> list:
    s = _state(op, handle)
    dt = op.outputs[-1].dtype.np if op.type == "AccumulatorTakeGradient" else op.outputs[1].dtype.np
    try:
        with s.cond:
            s.wait_for(int(n))
            if op.type == "AccumulatorTakeGradient":
                out = s.accum / s.count if s.mean else s.accum
                result = [np.asarray(out).astype(dt)]
            else:
                keys = sorted(s.accum)
                rows = [
                    (s.accum[k] / s.counts[k] if s.mean else s.accum[k]).astype(dt) for k in keys
                ]
                inner = s.shape[1:] if s.shape is not None else None
                values = (
                    np.stack(rows) if rows else np.zeros([0, *[d or 0 for d in (inner or [])]], dt)
                )
                shape = s.cfg.get("_last_shape")
                if shape is None:
                    shape = np.asarray([-1] + [d if d is not None else -1 for d in (s.shape or [])])
                result = [np.asarray(keys, np.int64), values, np.asarray(shape, np.int64)]
            s.finish()
            return result
    except errors.OpError as e:
        raise at_node(e, op) from None


def _set_step_fn(op: Operation, handle: Any, step: Any) -> list:
    _state(op, handle).set_step(int(step))
    return []


def _num_fn(op: Operation, handle: Any) -> list:
    return [np.asarray(_state(op, handle).count, np.int32)]


def _scalar(op: Any, in_shapes: Any, value_of: Any) -> list:
    return [TensorShape([])]


def _none(op: Any, in_shapes: Any, value_of: Any) -> list:
    return []


def _taken(op: Any, in_shapes: Any, value_of: Any) -> list:
    shape = op.get_attr("_shape")
    if op.type == "AccumulatorTakeGradient":
        return [TensorShape(shape)]
    values = TensorShape([None]).concatenate(
        TensorShape(shape[1:]) if shape is not None and len(shape) else TensorShape(None)
    )
    return [TensorShape([None]), values, TensorShape([None])]


for _t in ("ConditionalAccumulator", "SparseConditionalAccumulator"):
    register_op(_t, _scalar, kind=OpKind.HOST, host_fn=_handle_fn, stateful=True)
for _t in ("AccumulatorApplyGradient", "SparseAccumulatorApplyGradient"):
    register_op(_t, _none, kind=OpKind.HOST, host_fn=_apply_fn, stateful=True)
for _t in ("AccumulatorTakeGradient", "SparseAccumulatorTakeGradient"):
    register_op(_t, _taken, kind=OpKind.HOST, host_fn=_take_fn, feeds_plan=True, stateful=True)
register_op(
    "AccumulatorSetGlobalStep", _none, kind=OpKind.HOST, host_fn=_set_step_fn, stateful=True
)
register_op(
    "AccumulatorNumAccumulated",
    _scalar,
    kind=OpKind.HOST,
    host_fn=_num_fn,
    feeds_plan=True,
    stateful=True,
)
for _t in (
    "ConditionalAccumulator",
    "SparseConditionalAccumulator",
    "AccumulatorApplyGradient",
    "SparseAccumulatorApplyGradient",
    "AccumulatorTakeGradient",
    "SparseAccumulatorTakeGradient",
    "AccumulatorSetGlobalStep",
    "AccumulatorNumAccumulated",
):
    NotDifferentiable(_t)


class ConditionalAccumulatorBase:
    """What both accumulators share: their handle, dtype, count and time step."""

    def __init__(self, dtype: Any, shape: Any, accumulator_ref: Tensor) -> None:
        self._dtype = _dt.as_dtype(dtype)
        self._shape = as_shape(shape) if shape is not None else TensorShape(None)
        self._accumulator_ref = accumulator_ref
        self._name = accumulator_ref.op.name.split("/")[-1]

    @property
    def accumulator_ref(self) -> Tensor:
        return self._accumulator_ref

    @property
    def name(self) -> str:
        return self._accumulator_ref.op.name

    @property
    def dtype(self) -> _dt.DType:
        return self._dtype

    def _op(self, op_type: str, ins: list, dtypes: list, name: str, attrs: Any = None) -> Operation:
        return get_default_graph().create_op(
            op_type, [self._accumulator_ref, *ins], dtypes, attrs or {}, name
        )

    def num_accumulated(self, name: str | None = None) -> Tensor:
        """The number of gradients accumulated so far (int32)."""
        return self._op(
            "AccumulatorNumAccumulated", [], [_dt.int32], name or "AccumulatorNumAccumulated"
        ).outputs[0]

    def set_global_step(self, new_global_step: Any, name: str | None = None) -> Operation:
        """An op that sets the time step (a warning when it goes back)."""
        step = convert_to_tensor(new_global_step, dtype=_dt.int64, name="new_global_step")
        return self._op("AccumulatorSetGlobalStep", [step], [], name or "AccumulatorSetGlobalStep")


def _make(kind: str, dtype: Any, shape: Any, shared_name: Any, name: str, reduction: str) -> Tensor:
    if reduction not in ("MEAN", "SUM"):
        raise ValueError(f"reduction_type must be MEAN or SUM, got {reduction!r}")
    s = as_shape(shape) if shape is not None else TensorShape(None)
    cfg = {
        "name": shared_name or "",
        "shape": s.as_list() if s.rank is not None else None,
        "reduction_type": reduction,
    }
    g = get_default_graph()
    with g.control_dependencies(None):
        op = g.create_op(
            kind,
            [],
            [_dt.string],
            {
                "dtype": _dt.as_dtype(dtype),
                "shape": cfg["shape"],
                "container": "",
                "shared_name": shared_name or "",
                "reduction_type": reduction,
                "_accumulator": cfg,
            },
            name,
        )
    if not shared_name:
        cfg["name"] = f"_{next(_IDS)}_{op.name}"
    return op.outputs[0]


class ConditionalAccumulator(ConditionalAccumulatorBase):
    """Accumulates dense gradients of ``dtype`` and ``shape``."""

    def __init__(
        self,
        dtype: Any,
        shape: Any = None,
        shared_name: str | None = None,
        name: str = "conditional_accumulator",
        reduction_type: str = "MEAN",
    ) -> None:
        ref = _make("ConditionalAccumulator", dtype, shape, shared_name, name, reduction_type)
        super().__init__(dtype, shape, ref)

    def apply_grad(self, grad: Any, local_step: Any = 0, name: str | None = None) -> Operation:
        """An op that adds ``grad`` unless ``local_step`` is below the time step."""
        grad = convert_to_tensor(grad, dtype=self._dtype)
        grad.shape.assert_is_compatible_with(self._shape)
        step = convert_to_tensor(local_step, dtype=_dt.int64)
        return self._op(
            "AccumulatorApplyGradient", [step, grad], [], name or "AccumulatorApplyGradient"
        )

    def take_grad(self, num_required: Any, name: str | None = None) -> Tensor:
        """The mean (or sum) once ``num_required`` gradients are in (blocks until then)."""
        n = convert_to_tensor(num_required, dtype=_dt.int32)
        op = self._op(
            "AccumulatorTakeGradient",
            [n],
            [self._dtype],
            name or "AccumulatorTakeGradient",
            {"_shape": self._shape.as_list() if self._shape.rank is not None else None},
        )
        return op.outputs[0]


class SparseConditionalAccumulator(ConditionalAccumulatorBase):
    """Accumulates sparse gradients (``IndexedSlices``: indices into the first dimension)."""

    def __init__(
        self,
        dtype: Any,
        shape: Any = None,
        shared_name: str | None = None,
        name: str = "sparse_conditional_accumulator",
        reduction_type: str = "MEAN",
    ) -> None:
        ref = _make("SparseConditionalAccumulator", dtype, shape, shared_name, name, reduction_type)
        super().__init__(dtype, shape, ref)

    def apply_indexed_slices_grad(
        self, grad: IndexedSlices, local_step: Any = 0, name: str | None = None
    ) -> Operation:
        return self.apply_grad(
            grad.indices,
            grad.values,
            grad.dense_shape,
            local_step,
            name=name or "AccumulatorApplyGradient",
        )

    def apply_grad(
        self,
        grad_indices: Any,
        grad_values: Any,
        grad_shape: Any = None,
        local_step: Any = 0,
        name: str | None = None,
    ) -> Operation:
        indices = convert_to_tensor(grad_indices, dtype=_dt.int64)
        values = convert_to_tensor(grad_values, dtype=self._dtype)
        if self._shape.rank is not None and values.shape.rank is not None:
            values.shape[1:].assert_is_compatible_with(self._shape[1:])
        shape = convert_to_tensor([] if grad_shape is None else grad_shape, dtype=_dt.int64)
        step = convert_to_tensor(local_step, dtype=_dt.int64)
        return self._op(
            "SparseAccumulatorApplyGradient",
            [step, indices, values, shape],
            [],
            name or "SparseAccumulatorApplyGradient",
        )

    def _take(self, num_required: Any, name: str | None) -> Operation:
        n = convert_to_tensor(num_required, dtype=_dt.int32)
        return self._op(
            "SparseAccumulatorTakeGradient",
            [n],
            [_dt.int64, self._dtype, _dt.int64],
            name or "SparseAccumulatorTakeGradient",
            {"_shape": self._shape.as_list() if self._shape.rank is not None else None},
        )

    def take_grad(self, num_required: Any, name: str | None = None) -> tuple:
        """(indices, values, shape) of the accumulated gradient, sorted by index."""
        op = self._take(num_required, name)
        return op.outputs[0], op.outputs[1], op.outputs[2]

    def take_indexed_slices_grad(self, num_required: Any, name: str | None = None) -> IndexedSlices:
        op = self._take(num_required, name)
        return IndexedSlices(indices=op.outputs[0], values=op.outputs[1], dense_shape=op.outputs[2])
