"""The functions given to ``map``, ``filter``, ``flat_map``, ``interleave``...: traced once into a
function body (a ``FuncGraph`` nested in the graph the dataset is built in), run for each element
by a session of that body which the running session owns (``Session.function_session``).

Tensors of the enclosing graph the function uses are *captured*: their values are taken when the
iterator is initialised (TF's captured inputs of a dataset op) and fed with each call. Stateful
ops of the body that nothing reads (``tf.print``, an ``assign``) run with every call, as in TF.
A function returning a ``Dataset`` (``flat_map``, ``interleave``) has that dataset's graph inputs
as its outputs: each call gives them values, and the dataset is iterated with them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..framework import errors
from ..framework.func_graph import FuncGraph, sinks
from ..framework.graph import Tensor, get_default_graph
from . import structure

_NAMES = itertools.count()


def _fn_name(func: Callable[..., Any]) -> str:
    name = getattr(func, "__name__", type(func).__name__)
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)


class StructuredFunction:
    """``func`` traced on placeholders of ``input_spec`` (a ``TensorSpec`` structure)."""

    def __init__(
        self,
        func: Callable[..., Any],
        transformation: str,
        input_spec: Any,
        returns_dataset: bool = False,
    ) -> None:
        if not callable(func):
            raise TypeError(f"`{transformation}` expects a callable, got {type(func).__name__}")
        self.transformation = transformation
        outer = get_default_graph()
        fg = FuncGraph(f"{_fn_name(func)}_{next(_NAMES)}", outer)
        self.graph = fg
        with fg.as_default():
            flat_in = structure.flatten(input_spec)
            self.params = [
                fg.add_param(s.dtype, s.shape, f"args_{i}") for i, s in enumerate(flat_in)
            ]
            args = structure.pack(input_spec, self.params)
            # (a tuple is unpacked; a namedtuple or dict is one arg)
            ret = func(*args) if type(args) is tuple else func(args)
            self.dataset = None
            if returns_dataset:
                from_ = getattr(ret, "_graph_inputs", None)
                if from_ is None:
                    raise TypeError(
                        f"`{transformation}` function must return a `tf.data.Dataset`, got "
                        f"{type(ret).__name__}"
                    )
                self.dataset = ret
                self.output_spec = ret.element_spec
                self.outputs: list[Tensor] = list(ret._graph_inputs())
            else:
                ret = structure.to_tensors(
                    structure.normalize_returned(ret), f"the value `{transformation}` returned"
                )
                self.output_spec = structure.spec_of(ret)
                self.outputs = structure.flatten(ret)
            self.effects = sinks(fg)
        # the enclosing graph's tensors the body reads: inputs of the dataset
        self.captured = list(fg.captures)
        self.capture_params = [fg.captures[t] for t in self.captured]

    def graph_inputs(self) -> list[Tensor]:
        """The enclosing graph's tensors whose values each call needs."""
        return [self.graph.outer_tensor(t) for t in self.captured]

    def bind(self, ctx: Any) -> Callable[..., list]:
        """A callable: flat input values -> flat output values, for the iterator context ``ctx``
        (the running session and the values of the dataset's graph inputs)."""
        sub = ctx.session.function_session(self.graph)
        captured = {ph: ctx.values[t] for ph, t in zip(self.capture_params, self.graph_inputs())}
        fetches = (self.outputs, self.effects) if self.effects else self.outputs
        params = self.params

        what = self.transformation

        def call(values: list, index: int | None = None) -> list:
            feed = dict(captured)
            feed.update(zip(params, values))
            try:
                out = sub.run(fetches, feed)
            except errors.OpError as e:  # (named: the transformation and the element)
                at = "" if index is None else f", on input element {index}"
                raise type(e)(
                    None, e.op, f"{e.message}\n\t (in the `{what}` function{at})"
                ) from None
            if self.effects:
                out = out[0]
            return [np.asarray(v) for v in out]

        return call
