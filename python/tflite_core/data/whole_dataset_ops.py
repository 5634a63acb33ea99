"""Ops that consume a whole dataset when the graph runs: ``Dataset.reduce``,
``get_single_element``, ``cardinality`` (host ops whose inputs are the dataset's graph inputs).
"""

from __future__ import annotations

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
from .functions import StructuredFunction
from .node import Node


def _context(op: Operation, values: tuple) -> tuple[Node, Context]:
    node, inputs = op.get_attr("_dataset")
    return node, Context(running_session(), dict(zip(inputs, values)))


def _reduce_fn(op: Operation, *values: Any) -> list:
    n_state = len(op.outputs)
    node, ctx = _context(op, values[n_state:])
    fn: StructuredFunction = op.get_attr("_fn")
    state = list(values[:n_state])
    try:
        call = fn.bind(ctx)
        for element in node.iterate(ctx):
            state = call(state + element)
    except errors.OpError as e:
        raise at_node(e, op) from None
    finally:
        ctx.close()
    return output_values(op, state)


def _single_fn(op: Operation, *values: Any) -> list:
    node, ctx = _context(op, values)
    try:
        it = node.iterate(ctx)
        first = next(it, None)
        if first is None:
            raise errors.InvalidArgumentError(
                None, op, f"Dataset was empty.\n\t [[{{{{node {op.name}}}}}]]"
            )
        if next(it, None) is not None:
            raise errors.InvalidArgumentError(
                None, op, f"Dataset had more than one element.\n\t [[{{{{node {op.name}}}}}]]"
            )
    except errors.OpError as e:
        raise at_node(e, op) from None
    finally:
        ctx.close()
    return output_values(op, first)


def _cardinality_fn(op: Operation, *values: Any) -> list:
    node, ctx = _context(op, values)
    try:
        return [np.asarray(node.cardinality(ctx), np.int64)]
    except errors.OpError as e:
        raise at_node(e, op) from None


def _from_attr(op: Any, in_shapes: Any, value_of: Any) -> list:
    return [TensorShape(s) for s in op.get_attr("output_shapes")]


for _t, _fn in (
    ("ReduceDataset", _reduce_fn),
    ("DatasetToSingleElement", _single_fn),
    ("DatasetCardinality", _cardinality_fn),
):
    register_op(_t, _from_attr, kind=OpKind.HOST, host_fn=_fn, feeds_plan=True, stateful=True)
    NotDifferentiable(_t)


def _op(op_type: str, inputs: list[Tensor], spec: Any, attrs: dict, name: str) -> Any:
    flat = structure.flatten(spec)
    attrs = {
        **attrs,
        "output_types": [s.dtype for s in flat],
        "output_shapes": [s.shape.as_list() if s.shape.rank is not None else None for s in flat],
    }
    op = get_default_graph().create_op(op_type, inputs, [s.dtype for s in flat], attrs, name)
    return structure.pack(spec, list(op.outputs))


def reduce(dataset: Any, initial_state: Any, reduce_func: Any, name: str | None) -> Any:
    node = dataset._node
    state = structure.to_tensors(structure.normalize_returned(initial_state), "initial_state")
    state_spec = structure.spec_of(state)
    fn = StructuredFunction(lambda *a: reduce_func(*a), "reduce", (state_spec, node.spec))
    out = fn.output_spec
    if not structure.same_structure(state_spec, out) or [
        s.dtype for s in structure.flatten(out)
    ] != [s.dtype for s in structure.flatten(state_spec)]:
        raise TypeError(
            "The element types for the new state must match the initial state. Expected "
            f"{structure.types_of(state_spec)}; got {structure.types_of(out)}."
        )
    spec = structure.pack(
        state_spec,
        [
            structure.TensorSpec(a.shape if a.shape == b.shape else TensorShape(None), a.dtype)
            for a, b in zip(structure.flatten(state_spec), structure.flatten(out))
        ],
    )
    inputs = node.graph_inputs() + fn.graph_inputs()
    inputs = list(dict.fromkeys(inputs))
    return _op(
        "ReduceDataset",
        structure.flatten(state) + inputs,
        spec,
        {"_dataset": (node, inputs), "_fn": fn},
        name or "ReduceDataset",
    )


def get_single_element(dataset: Any, name: str | None) -> Any:
    node = dataset._node
    inputs = node.graph_inputs()
    return _op(
        "DatasetToSingleElement",
        inputs,
        node.spec,
        {"_dataset": (node, inputs)},
        name or "DatasetToSingleElement",
    )


def cardinality(dataset: Any, name: str | None = None) -> Tensor:
    node = dataset._node
    inputs = node.graph_inputs()
    spec = structure.TensorSpec([], _dt.int64)
    return _op(
        "DatasetCardinality",
        inputs,
        spec,
        {"_dataset": (node, inputs)},
        name or "DatasetCardinality",
    )
