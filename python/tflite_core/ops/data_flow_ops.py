"""Queues: ``tf.FIFOQueue``, ``PaddingFIFOQueue``, ``RandomShuffleQueue``, ``PriorityQueue``
(``tf.queue``), as TF 1.x's input pipelines and queue runners use them.

A queue is an op whose output is its string handle (``FIFOQueueV2`` ...); its elements live in
each session's resources under that handle (``queue_state.py``), created the first time the
session runs an op of the queue. ``enqueue``/``dequeue``/``close``/``size`` are host ops: a
dequeue's values feed the plan of what reads them, so ``sess.run(train_op)`` on a model reading
``dequeue_many`` blocks until a batch is there; closing the session cancels every waiting call.

>>> q = tf.FIFOQueue(3, tf.float32)
>>> init = q.enqueue_many(([0.0, 1.0, 2.0],))
>>> x = q.dequeue()
>>> with tf.Session() as sess:
...     sess.run(init)
...     print(sess.run(x + 1), sess.run(q.size()))
1.0 2
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor, get_default_graph, name_scope
from ..framework.host_context import at_node, output_values, running_session
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape, as_shape
from .queue_state import QueueState
from .random_ops import get_seed

_IDS = itertools.count()


def _handle_fn(op: Operation) -> list:
    cfg = op.get_attr("_queue")
    key = ("queue", cfg["name"].encode())
    res = running_session().resources()
    if key not in res:  # (setdefault: threads running the queue's ops at once share one)
        res.setdefault(
            key,
            _SessionQueue(
                QueueState(
                    cfg["kind"],
                    cfg["name"],
                    cfg["capacity"],
                    cfg["n"],
                    cfg["shapes"],
                    cfg["min_after_dequeue"],
                    cfg["seeds"],
                )
            ),
        )
    return [np.asarray(key[1], dtype=object)]


class _SessionQueue:
    """A session resource: the state, closed (pending calls cancelled) with the session."""

    def __init__(self, state: QueueState) -> None:
        self.state = state

    def close(self) -> None:
        self.state.close_session()


def _queue(op: Operation, handle: Any) -> QueueState:
    key = ("queue", np.asarray(handle, dtype=object).item())
    r = running_session().resources().get(key)
    if r is None:
        raise errors.NotFoundError(
            None, op, f"Resource {key[1]!r} not found\n\t [[{{{{node {op.name}}}}}]]"
        )
    return r.state


def _enqueue_fn(op: Operation, handle: Any, *values: Any) -> list:
    try:
        _queue(op, handle).enqueue(list(values), op.type == "QueueEnqueueManyV2")
    except errors.OpError as e:
        raise at_node(e, op) from None
    return []


def _dequeue_fn(op: Operation, handle: Any, *n: Any) -> list:
    q = _queue(op, handle)
    try:
        if op.type == "QueueDequeueV2":
            return output_values(op, q.dequeue(None))
        if q.kind != "PaddingFIFOQueue" and (
            q.shapes is None or any(s is None or None in s for s in q.shapes)
        ):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"{q.kind}'s DequeueMany and DequeueUpTo require the components to have "
                "specified shapes.",
            )
        return output_values(op, q.dequeue(int(n[0]), up_to=op.type == "QueueDequeueUpToV2"))
    except errors.OpError as e:
        raise at_node(e, op) from None


def _close_fn(op: Operation, handle: Any) -> list:
    _queue(op, handle).close(bool(op.get_attr("cancel_pending_enqueues")))
    return []


def _size_fn(op: Operation, handle: Any) -> list:
    return [np.asarray(_queue(op, handle).size(), np.int32)]


def _is_closed_fn(op: Operation, handle: Any) -> list:
    return [np.asarray(_queue(op, handle).closed, np.bool_)]


def _scalar(op: Any, in_shapes: Any, value_of: Any) -> list:
    return [TensorShape([])]


def _none(op: Any, in_shapes: Any, value_of: Any) -> list:
    return []


def _from_attr(op: Any, in_shapes: Any, value_of: Any) -> list:
    return [TensorShape(s) for s in op.get_attr("_out_shapes")]


for _t in ("FIFOQueueV2", "PaddingFIFOQueueV2", "RandomShuffleQueueV2", "PriorityQueueV2"):
    register_op(_t, _scalar, kind=OpKind.HOST, host_fn=_handle_fn, stateful=True)
for _t in ("QueueEnqueueV2", "QueueEnqueueManyV2"):
    register_op(_t, _none, kind=OpKind.HOST, host_fn=_enqueue_fn, stateful=True)
for _t in ("QueueDequeueV2", "QueueDequeueManyV2", "QueueDequeueUpToV2"):
    register_op(
        _t, _from_attr, kind=OpKind.HOST, host_fn=_dequeue_fn, feeds_plan=True, stateful=True
    )
register_op("QueueCloseV2", _none, kind=OpKind.HOST, host_fn=_close_fn, stateful=True)
register_op(
    "QueueSizeV2", _scalar, kind=OpKind.HOST, host_fn=_size_fn, feeds_plan=True, stateful=True
)
register_op(
    "QueueIsClosedV2",
    _scalar,
    kind=OpKind.HOST,
    host_fn=_is_closed_fn,
    feeds_plan=True,
    stateful=True,
)
for _t in (
    "FIFOQueueV2",
    "PaddingFIFOQueueV2",
    "RandomShuffleQueueV2",
    "PriorityQueueV2",
    "QueueEnqueueV2",
    "QueueEnqueueManyV2",
    "QueueDequeueV2",
    "QueueDequeueManyV2",
    "QueueDequeueUpToV2",
    "QueueCloseV2",
    "QueueSizeV2",
    "QueueIsClosedV2",
):
    NotDifferentiable(_t)


def _as_dtypes(dtypes: Any) -> list[_dt.DType]:
    if not isinstance(dtypes, (list, tuple)):
        dtypes = [dtypes]
    return [_dt.as_dtype(d) for d in dtypes]


class QueueBase:
    """A queue of elements (tuples, or dicts with ``names``, of tensors of ``dtypes``)."""

    _KIND = "FIFOQueue"
    _OP = "FIFOQueueV2"

    def __init__(
        self,
        capacity: int,
        dtypes: Any,
        shapes: Any = None,
        names: Any = None,
        shared_name: str | None = None,
        name: str = "fifo_queue",
        min_after_dequeue: int = 0,
        seed: Any = None,
    ) -> None:
        self._dtypes = _as_dtypes(dtypes)
        if shapes is not None:
            if not isinstance(shapes, (list, tuple)) or (
                shapes and not isinstance(shapes[0], (list, tuple, TensorShape)) and shapes != []
            ):
                shapes = [shapes]
            self._shapes = [as_shape(s) for s in shapes]
            if len(self._shapes) != len(self._dtypes):
                raise ValueError("Queue shapes must have the same length as dtypes")
        else:
            self._shapes = [TensorShape(None) for _ in self._dtypes]
        if names is not None:
            names = [names] if isinstance(names, str) else list(names)
            if len(names) != len(self._dtypes):
                raise ValueError("Queue names must have the same length as dtypes")
        self._names = names
        g = get_default_graph()
        known = shapes is not None
        cfg = {
            "kind": self._KIND,
            "name": shared_name or "",  # (set below from the op's name)
            "capacity": int(capacity) if capacity is not None else -1,
            "n": len(self._dtypes),
            "shapes": [s.as_list() if s.rank is not None else None for s in self._shapes]
            if known
            else None,
            "min_after_dequeue": int(min_after_dequeue),
            "seeds": get_seed(seed),
        }
        with g.control_dependencies(None):
            op = g.create_op(
                self._OP,
                [],
                [_dt.string],
                {
                    "component_types": self._dtypes,
                    "shapes": cfg["shapes"] or [],
                    "capacity": cfg["capacity"],
                    "container": "",
                    "shared_name": shared_name or "",
                    "_queue": cfg,
                },
                name,
            )
        if not shared_name:  # (TF's resource name for an unshared queue)
            cfg["name"] = f"_{next(_IDS)}_{op.name}"
        self._queue_ref = op.outputs[0]
        self._name = op.name.split("/")[-1]
        self._op_name = op.name

    # -- properties ----------------------------------------------------------------------------
    @property
    def queue_ref(self) -> Tensor:
        return self._queue_ref

    @property
    def name(self) -> str:
        return self._op_name

    @property
    def dtypes(self) -> list[_dt.DType]:
        return self._dtypes

    @property
    def shapes(self) -> list[TensorShape]:
        return self._shapes

    @property
    def names(self) -> Any:
        return self._names

    @staticmethod
    def from_list(index: Any, queues: Sequence[QueueBase]) -> QueueBase:
        """One of ``queues`` (same dtypes), chosen by ``index`` when the graph runs."""
        if not queues:
            raise ValueError("Expected a non-empty list of queues.")
        first = queues[0]
        for q in queues[1:]:
            if q.dtypes != first.dtypes:
                raise TypeError(f"Queue {q.name} has different dtypes from {first.name}")
        from_list = QueueBase.__new__(type(first))
        from_list.__dict__.update(first.__dict__)
        handles = [q.queue_ref for q in queues]
        g = get_default_graph()
        idx = convert_to_tensor(index, dtype=_dt.int32)
        op = g.create_op("QueueSelect", [idx, *handles], [_dt.string], {}, "RefSelect")
        from_list._queue_ref = op.outputs[0]
        return from_list

    # -- values --------------------------------------------------------------------------------
    def _flat(self, vals: Any, many: bool) -> list[Tensor]:
        if isinstance(vals, Mapping):
            if self._names is None:
                raise ValueError("Queue must have names to enqueue a dictionary")
            if sorted(self._names) != sorted(vals):
                raise ValueError(
                    f"Keys in dictionary to enqueue do not match names of Queue.  Dictionary: "
                    f"{sorted(vals)}, Queue: {sorted(self._names)}"
                )
            vals = [vals[k] for k in self._names]
        elif self._names is not None:
            raise ValueError("You must enqueue a dictionary in a Queue with names")
        elif not isinstance(vals, (list, tuple)):
            vals = [vals]
        if len(vals) != len(self._dtypes):
            raise ValueError(f"Expected {len(self._dtypes)} tensors to enqueue, got {len(vals)}")
        out = []
        for i, (v, d) in enumerate(zip(vals, self._dtypes)):
            t = convert_to_tensor(v, dtype=d, name=f"component_{i}")
            shape = self._shapes[i]
            got = t.shape[1:] if many and t.shape.rank else t.shape
            if many and t.shape.rank == 0:
                raise ValueError(f"Input {i} to enqueue_many must have rank >= 1")
            if not got.is_compatible_with(shape):
                raise ValueError(f"Shapes {got} and {shape} are incompatible")
            out.append(t)
        return out

    def _pack(self, tensors: list[Tensor]) -> Any:
        if self._names is not None:
            return dict(zip(self._names, tensors))
        if len(tensors) == 1:
            return tensors[0]
        return tensors

    def enqueue(self, vals: Any, name: str | None = None) -> Operation:
        """An op that adds one element (blocks while the queue is full)."""
        g = get_default_graph()
        with name_scope(name or f"{self._name}_enqueue") as scope:
            ts = self._flat(vals, False)
            return g.create_op(
                "QueueEnqueueV2",
                [self._queue_ref, *ts],
                [],
                {"Tcomponents": self._dtypes, "timeout_ms": -1},
                scope,
            )

    def enqueue_many(self, vals: Any, name: str | None = None) -> Operation:
        """An op that adds the slices of ``vals`` along their first dimension."""
        g = get_default_graph()
        with name_scope(name or f"{self._name}_EnqueueMany") as scope:
            ts = self._flat(vals, True)
            return g.create_op(
                "QueueEnqueueManyV2",
                [self._queue_ref, *ts],
                [],
                {"Tcomponents": self._dtypes, "timeout_ms": -1},
                scope,
            )

    def _dequeue(self, op_type: str, n: Any, name: str, batch: Any) -> Any:
        g = get_default_graph()
        ins = [self._queue_ref]
        if n is not None:
            ins.append(convert_to_tensor(n, dtype=_dt.int32, name="n"))
        shapes = [
            (TensorShape([batch]).concatenate(s) if s.rank is not None else TensorShape(None))
            if n is not None
            else s
            for s in self._shapes
        ]
        op = g.create_op(
            op_type,
            ins,
            self._dtypes,
            {
                "component_types": self._dtypes,
                "timeout_ms": -1,
                "_out_shapes": [s.as_list() if s.rank is not None else None for s in shapes],
            },
            name,
        )
        for t, s in zip(op.outputs, shapes):
            t._shape = s
        return self._pack(list(op.outputs))

    def dequeue(self, name: str | None = None) -> Any:
        """One element (blocks while the queue is empty; OutOfRangeError once closed and
        empty)."""
        return self._dequeue("QueueDequeueV2", None, name or f"{self._name}_Dequeue", None)

    def dequeue_many(self, n: Any, name: str | None = None) -> Any:
        """``n`` elements stacked (blocks until there are ``n``)."""
        static = n if isinstance(n, (int, np.integer)) else None
        return self._dequeue("QueueDequeueManyV2", n, name or f"{self._name}_DequeueMany", static)

    def dequeue_up_to(self, n: Any, name: str | None = None) -> Any:
        """As ``dequeue_many``, but fewer (at least one) once the queue is closed."""
        return self._dequeue("QueueDequeueUpToV2", n, name or f"{self._name}_DequeueUpTo", None)

    def close(self, cancel_pending_enqueues: bool = False, name: str | None = None) -> Operation:
        """An op that closes the queue: enqueues fail, dequeues take what is left."""
        g = get_default_graph()
        return g.create_op(
            "QueueCloseV2",
            [self._queue_ref],
            [],
            {"cancel_pending_enqueues": bool(cancel_pending_enqueues)},
            name or f"{self._name}_Close",
        )

    def is_closed(self, name: str | None = None) -> Tensor:
        g = get_default_graph()
        return g.create_op(
            "QueueIsClosedV2", [self._queue_ref], [_dt.bool], {}, name or f"{self._name}_IsClosed"
        ).outputs[0]

    def size(self, name: str | None = None) -> Tensor:
        """The number of elements, an int32 scalar."""
        g = get_default_graph()
        return g.create_op(
            "QueueSizeV2", [self._queue_ref], [_dt.int32], {}, name or f"{self._name}_Size"
        ).outputs[0]


class FIFOQueue(QueueBase):
    """Elements in the order they were enqueued."""

    def __init__(
        self,
        capacity: int,
        dtypes: Any,
        shapes: Any = None,
        names: Any = None,
        shared_name: str | None = None,
        name: str = "fifo_queue",
    ) -> None:
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class PaddingFIFOQueue(QueueBase):
    """A FIFO queue whose ``dequeue_many`` pads components (unknown dimensions) to the
    longest of the batch with zeros."""

    _KIND = "PaddingFIFOQueue"
    _OP = "PaddingFIFOQueueV2"

    def __init__(
        self,
        capacity: int,
        dtypes: Any,
        shapes: Any,
        names: Any = None,
        shared_name: str | None = None,
        name: str = "padding_fifo_queue",
    ) -> None:
        if shapes is None or len(_as_dtypes(dtypes)) != len(
            shapes
            if isinstance(shapes, (list, tuple))
            and shapes
            and isinstance(shapes[0], (list, tuple, TensorShape))
            else [shapes]
        ):
            raise ValueError(
                "Shapes must be provided for all components, but received "
                f"{len(_as_dtypes(dtypes))} dtypes and {shapes!r} shapes."
            )
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class RandomShuffleQueue(QueueBase):
    """Elements dequeued in random order, keeping at least ``min_after_dequeue`` until it is
    closed."""

    _KIND = "RandomShuffleQueue"
    _OP = "RandomShuffleQueueV2"

    def __init__(
        self,
        capacity: int,
        min_after_dequeue: int,
        dtypes: Any,
        shapes: Any = None,
        names: Any = None,
        seed: Any = None,
        shared_name: str | None = None,
        name: str = "random_shuffle_queue",
    ) -> None:
        super().__init__(
            capacity, dtypes, shapes, names, shared_name, name, min_after_dequeue, seed
        )


class PriorityQueue(QueueBase):
    """Elements dequeued lowest priority first: each is (an int64 priority, *components)."""

    _KIND = "PriorityQueue"
    _OP = "PriorityQueueV2"

    def __init__(
        self,
        capacity: int,
        types: Any,
        shapes: Any = None,
        names: Any = None,
        shared_name: str | None = None,
        name: str = "priority_queue",
    ) -> None:
        types = [_dt.int64, *_as_dtypes(types)]
        if shapes is not None:
            shapes = [
                [],
                *(
                    shapes
                    if shapes and isinstance(shapes[0], (list, tuple, TensorShape))
                    else [shapes]
                ),
            ]
        super().__init__(capacity, types, shapes, names, shared_name, name)


def _select_fn(op: Operation, index: Any, *handles: Any) -> list:
    i = int(index)
    if not 0 <= i < len(handles):
        raise errors.InvalidArgumentError(
            None, op, f"Queue index {i} out of range [0, {len(handles)})"
        )
    return [handles[i]]


register_op("QueueSelect", _scalar, kind=OpKind.HOST, host_fn=_select_fn, stateful=True)
NotDifferentiable("QueueSelect")
