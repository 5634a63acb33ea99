"""Iterators over datasets, and the host ops the Session runs for them.

An iterator is an op whose output is its string handle (``IteratorV2``, ``OneShotIterator``);
its state (the pipeline's position, its prefetch threads) lives in each session's resources
under that handle, as TF's resource manager holds it. ``MakeIterator`` (an iterator's
``initializer``, or ``make_initializer(dataset)``) takes the values of the dataset's graph inputs
and starts a new pass, stopping the old one; ``IteratorGetNext`` gives the next element (a
one-shot iterator starts its pass there, the first time in each session), OutOfRangeError at the
end; ``IteratorFromStringHandle`` iterators find the state by the handle fed to them.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator as PyIterator
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.host_context import at_node, output_values, running_session
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from . import structure
from .context import Context
from .node import Node

_HANDLES = itertools.count()


class IteratorState:
    """One pass of a dataset in one session."""

    def __init__(self, node: Node, ctx: Context) -> None:
        self.ctx = ctx
        self.elements: PyIterator[list] = node.iterate(ctx)
        self.lock = threading.Lock()

    def close(self) -> None:
        self.ctx.close()
        close = getattr(self.elements, "close", None)
        if close is not None:
            # (a generator running in another thread cannot be closed from this one)
            with contextlib.suppress(RuntimeError, ValueError):
                close()


def _key(handle: Any) -> tuple[str, bytes]:
    h = handle if isinstance(handle, bytes) else np.asarray(handle, dtype=object).item()
    return ("iterator", h if isinstance(h, bytes) else str(h).encode())


def _start(sess: Any, node: Node, inputs: list[Tensor], values: list, key: Any) -> IteratorState:
    res = sess.resources()
    old = res.pop(key, None)
    if old is not None:
        old.close()
    state = IteratorState(node, Context(sess, dict(zip(inputs, values))))
    res[key] = state
    return state


def _handle_fn(op: Operation) -> list:
    return [np.asarray(op.get_attr("shared_name").encode(), dtype=object)]


def _one_shot_fn(op: Operation) -> list:
    """A one-shot iterator's handle; the first time in a session, its pass starts (the values
    of its dataset's inputs computed by the session)."""
    out = _handle_fn(op)
    sess = running_session()
    key = _key(out[0])
    if key not in sess.resources():
        node, inputs = op.get_attr("_dataset")
        values = sess.run(inputs) if inputs else []
        if key not in sess.resources():
            _start(sess, node, inputs, list(values), key)
    return out


def _make_iterator_fn(op: Operation, handle: Any, *values: Any) -> list:
    node, inputs = op.get_attr("_dataset")
    _start(running_session(), node, inputs, list(values), _key(handle))
    return []


def _get_next_fn(op: Operation, handle: Any) -> list:
    sess = running_session()
    key = _key(handle)
    res = sess.resources()
    state = res.get(key)
    if state is None:
        raise errors.FailedPreconditionError(
            None,
            op,
            "GetNext() failed because the iterator has not been initialized. Ensure that you "
            "have run the initializer operation for this iterator before getting the next "
            f"element.\n\t [[{{{{node {op.name}}}}}]]",
        )
    with state.lock:
        try:
            element = next(state.elements)
        except StopIteration:
            raise errors.OutOfRangeError(
                None, op, f"End of sequence\n\t [[{{{{node {op.name}}}}}]]"
            ) from None
        except errors.OpError as e:
            raise at_node(e, op) from None
    return output_values(op, element)


def _out_shapes(op: Any, in_shapes: Any, value_of: Any) -> list:
    return [TensorShape(s) for s in op.get_attr("output_shapes")]


def _scalar(op: Any, in_shapes: Any, value_of: Any) -> list:
    return [TensorShape([])]


def _none(op: Any, in_shapes: Any, value_of: Any) -> list:
    return []


register_op("IteratorV2", _scalar, kind=OpKind.HOST, host_fn=_handle_fn, stateful=True)
register_op("OneShotIterator", _scalar, kind=OpKind.HOST, host_fn=_one_shot_fn, stateful=True)
for _t in ("IteratorV2", "OneShotIterator"):
    NotDifferentiable(_t)
register_op("MakeIterator", _none, kind=OpKind.HOST, host_fn=_make_iterator_fn, stateful=True)
register_op(
    "IteratorGetNext",
    _out_shapes,
    kind=OpKind.HOST,
    host_fn=_get_next_fn,
    feeds_plan=True,
    stateful=True,
)
register_op(
    "IteratorToStringHandle", _scalar, kind=OpKind.HOST, host_fn=lambda op, h: [h], stateful=True
)
for _t in ("MakeIterator", "IteratorGetNext", "IteratorToStringHandle"):
    NotDifferentiable(_t)


def _flat_attrs(spec: Any) -> dict:
    flat = structure.flatten(spec)
    return {
        "output_types": [s.dtype for s in flat],
        "output_shapes": [s.shape.as_list() if s.shape.rank is not None else None for s in flat],
    }


class Iterator:
    """``tf.data.Iterator``: ``get_next()`` gives the next element each time the graph runs it.

    Made by ``make_one_shot_iterator`` (starts by itself in each session), by
    ``make_initializable_iterator`` (run ``initializer`` first, with the feeds its dataset
    needs), by ``Iterator.from_structure`` (any dataset of that structure, through
    ``make_initializer``) or ``Iterator.from_string_handle`` (the iterator whose
    ``string_handle()`` value is fed)."""

    def __init__(
        self,
        handle: Tensor,
        spec: Any,
        initializer: Operation | None = None,
        node: Node | None = None,
    ) -> None:
        self._handle = handle
        self._spec = spec
        self._initializer = initializer
        self._node = node

    @staticmethod
    def _make(
        spec: Any, kind: str, shared_name: str | None, name: str | None, extra: Any = None
    ) -> tuple[Tensor, str]:
        g = get_default_graph()
        attrs = {"shared_name": shared_name or "", "container": "", **_flat_attrs(spec)}
        if extra is not None:
            attrs["_dataset"] = extra
        with g.control_dependencies(None):
            op = g.create_op(kind, [], [_dt.string], attrs, name or kind.replace("V2", ""))
        handle_name = shared_name or f"{op.name}_{next(_HANDLES)}"
        op._attrs["shared_name"] = handle_name
        return op.outputs[0], handle_name

    @staticmethod
    def from_structure(
        output_types: Any,
        output_shapes: Any = None,
        shared_name: str | None = None,
        output_classes: Any = None,
    ) -> Iterator:
        """A reinitializable iterator for datasets of this structure (``make_initializer``)."""
        spec = structure.spec_from(output_types, output_shapes)
        handle, _ = Iterator._make(spec, "IteratorV2", shared_name, None)
        return Iterator(handle, spec)

    @staticmethod
    def from_string_handle(
        string_handle: Any,
        output_types: Any,
        output_shapes: Any = None,
        output_classes: Any = None,
    ) -> Iterator:
        """An iterator whose handle is ``string_handle`` (a fed ``tf.string`` scalar): it gets
        the next element of the iterator whose ``string_handle()`` value that is."""
        spec = structure.spec_from(output_types, output_shapes)
        h = structure.to_tensors(string_handle, "string_handle")
        if h.dtype != _dt.string:
            raise TypeError(f"string_handle must be a tf.string tensor, got {h.dtype!r}")
        return Iterator(h, spec)

    @property
    def initializer(self) -> Operation:
        if self._initializer is None:
            raise ValueError("The iterator does not have an initializer.")
        return self._initializer

    def make_initializer(self, dataset: Any, name: str | None = None) -> Operation:
        """An op that starts this iterator on ``dataset`` (of the same types; compatible
        shapes)."""
        spec = dataset.element_spec
        mine = self._spec
        if not structure.same_structure(mine, spec):
            raise TypeError(
                "Expected output types "
                f"{structure.types_of(mine)} but got dataset with output types "
                f"{structure.types_of(spec)}."
            )
        for a, b in zip(structure.flatten(mine), structure.flatten(spec)):
            if a.dtype != b.dtype:
                raise TypeError(
                    f"Expected output types {structure.types_of(mine)} but got dataset with "
                    f"output types {structure.types_of(spec)}."
                )
            if not a.shape.is_compatible_with(b.shape):
                raise TypeError(
                    f"Expected output shapes compatible with {structure.shapes_of(mine)} but "
                    f"got dataset with output shapes {structure.shapes_of(spec)}."
                )
        node = dataset._node
        inputs = node.graph_inputs()
        g = get_default_graph()
        with g.control_dependencies(None):
            return g.create_op(
                "MakeIterator",
                [self._handle, *inputs],
                [],
                {"_dataset": (node, inputs)},
                name or "MakeIterator",
            )

    def get_next(self, name: str | None = None) -> Any:
        """The next element, as tensors in the element's structure."""
        g = get_default_graph()
        flat = structure.flatten(self._spec)
        op = g.create_op(
            "IteratorGetNext",
            [self._handle],
            [s.dtype for s in flat],
            _flat_attrs(self._spec),
            name or "IteratorGetNext",
        )
        for t, s in zip(op.outputs, flat):
            t._shape = s.shape
        return structure.pack(self._spec, list(op.outputs))

    def string_handle(self, name: str | None = None) -> Tensor:
        """This iterator's handle as a string tensor (feed it to a ``from_string_handle``
        iterator)."""
        g = get_default_graph()
        return g.create_op(
            "IteratorToStringHandle",
            [self._handle],
            [_dt.string],
            {},
            name or "IteratorToStringHandle",
        ).outputs[0]

    @property
    def element_spec(self) -> Any:
        return self._spec

    @property
    def output_types(self) -> Any:
        return structure.types_of(self._spec)

    @property
    def output_shapes(self) -> Any:
        return structure.shapes_of(self._spec)

    @property
    def output_classes(self) -> Any:
        return structure.classes_of(self._spec)


def one_shot_iterator(dataset: Any) -> Iterator:
    spec = dataset.element_spec
    node = dataset._node
    handle, _ = Iterator._make(spec, "OneShotIterator", None, None, (node, node.graph_inputs()))
    return Iterator(handle, spec, node=node)


def initializable_iterator(dataset: Any, shared_name: str | None = None) -> Iterator:
    spec = dataset.element_spec
    handle, _ = Iterator._make(spec, "IteratorV2", shared_name, None)
    it = Iterator(handle, spec)
    it._initializer = it.make_initializer(dataset)
    return it
