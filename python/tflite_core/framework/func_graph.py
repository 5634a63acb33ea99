"""Graphs of function bodies: the branches of ``tf.cond``, the cond and body of ``tf.while_loop``.

A ``FuncGraph`` is built while its enclosing graph is; a tensor of an enclosing graph used inside
it is *captured*: it becomes a placeholder of the body, fed by the enclosing op (If or While) from
the outer tensor each time the body runs. Op ids are drawn from the outermost graph, so that ops of
a body and of its enclosing graph never share a random stream; collections are the outermost
graph's (variables created in a body are created there, as TF's ``init_scope`` does).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .graph import Graph, Operation, Tensor, get_default_graph
from .registry import OpKind


class FuncGraph(Graph):
    """The graph of one function body, nested in ``outer_graph``."""

    def __init__(self, name: str, outer_graph: Graph) -> None:
        super().__init__()
        self.name = name
        self.outer_graph = outer_graph
        self.seed = outer_graph.seed
        self._collections = outer_graph._collections
        self.inputs: list[Tensor] = []  # the params, in order (loop vars, then captures...)
        self.outputs: list[Tensor] = []
        self.captures: dict[Tensor, Tensor] = {}  # a tensor of an enclosing graph -> placeholder
        self.outer_control: list[Operation] = []  # control inputs on ops of enclosing graphs

    def _next_id(self) -> int:
        return self.outer_graph._next_id()

    def _encloses(self, other: Graph) -> bool:
        return other is self or self.outer_graph._encloses(other)

    def outermost(self) -> Graph:
        g: Graph = self
        while isinstance(g, FuncGraph):
            g = g.outer_graph
        return g

    def add_param(self, dtype: Any, shape: Any, name: str) -> Tensor:
        """A new placeholder param of this body."""
        with self.control_dependencies(None):
            ph = self.create_op(
                "Placeholder", [], [dtype], {"dtype": dtype, "shape": shape}, name
            )._outputs[0]
        ph._shape = shape
        return ph

    def _capture(self, t: Tensor) -> Tensor:
        """The placeholder standing for ``t`` (a tensor of an enclosing graph) in this body."""
        ph = self.captures.get(t)
        if ph is None:
            if t.graph is not self.outer_graph:  # capture it in each graph in between first
                assert isinstance(self.outer_graph, FuncGraph)
                self.outer_graph._capture(t)
            ph = self.add_param(t.dtype, t.shape, "capture_" + t.op.name.replace("/", "_"))
            self.captures[t] = ph
        return ph

    def outer_tensor(self, t: Tensor) -> Tensor:
        """What the enclosing graph feeds for captured tensor ``t``: ``t`` itself, or the
        enclosing body's own placeholder for it."""
        if t.graph is self.outer_graph:
            return t
        assert isinstance(self.outer_graph, FuncGraph)
        return self.outer_graph.captures[t]

    def _control_from_outside(self, op: Operation) -> None:
        if op not in self.outer_control:
            self.outer_control.append(op)


def sinks(g: Graph, since: int = 0) -> list[Operation]:
    """Ops of body ``g`` (created after op id ``since``) that run for their effect: nothing
    reads them, and they assign, group control inputs or are stateful (an assert, a print)."""
    out = []
    for op in g.get_operations():
        if op._id <= since or any(t._consumers for t in op._outputs):
            continue
        d = op._def
        if d.kind in (OpKind.ASSIGN, OpKind.NOOP) or (
            d.stateful and d.kind not in (OpKind.VARIABLE, OpKind.RANDOM)
        ):
            out.append(op)
    return out


def outermost_graph(g: Graph) -> Graph:
    """``g`` itself, or the graph a function body ``g`` is (transitively) nested in."""
    return g.outermost() if isinstance(g, FuncGraph) else g


@contextlib.contextmanager
def outside_function_bodies() -> Iterator[Graph]:
    """Builds in the outermost graph when the default graph is a function body (variables
    created inside ``tf.while_loop`` or ``tf.cond`` functions live outside them, as TF's
    ``init_scope``), keeping the current name scope; else in the default graph."""
    g = get_default_graph()
    if not isinstance(g, FuncGraph):
        yield g
        return
    outer = g.outermost()
    scope = g._name_stack
    with outer.as_default(), outer.control_dependencies(None):
        saved = outer._name_stack
        outer._name_stack = scope
        try:
            yield outer
        finally:
            outer._name_stack = saved
