"""A dataset's pipeline node: what a ``Dataset`` is, underneath its methods.

A node knows its element structure (``spec``: ``TensorSpec``s), the graph tensors it reads
(``inputs``: its own; ``graph_inputs``: with its upstream nodes' and functions'), its upstream
nodes, and how to iterate: ``iterate(ctx)`` yields each element as a flat list of NumPy arrays,
given the values the iterator's context holds for the graph inputs. ``cardinality(ctx)`` is the
number of elements (``INFINITE``/``UNKNOWN`` as TF's constants)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor
from .context import Context
from .functions import StructuredFunction

INFINITE = -1
UNKNOWN = -2


class Node:
    spec: Any
    upstream: tuple[Node, ...] = ()
    functions: tuple[StructuredFunction, ...] = ()

    def inputs(self) -> list[Tensor]:
        """The graph tensors this node itself reads."""
        return []

    def graph_inputs(self) -> list[Tensor]:
        out: list[Tensor] = []
        for u in self.upstream:
            out += u.graph_inputs()
        out += self.inputs()
        for f in self.functions:
            out += f.graph_inputs()
        return list(dict.fromkeys(out))

    def iterate(self, ctx: Context) -> Iterator[list]:
        raise NotImplementedError

    def cardinality(self, ctx: Context) -> int:
        return UNKNOWN


def scalar_input(value: Any, dtype: Any, name: str) -> Tensor:
    """A scalar argument (``batch_size``, ``count``...) as a graph tensor of ``dtype``."""
    t = convert_to_tensor(value, dtype=dtype, name=name)
    if t.shape.rank not in (None, 0):
        raise ValueError(f"`{name}` must be a scalar, got shape {t.shape}")
    return t


def bool_input(value: Any, name: str) -> Tensor:
    return scalar_input(value, _dt.bool, name)


def as_bytes_list(value: Any) -> list[bytes]:
    arr = np.asarray(value, dtype=object).reshape(-1)
    return [x if isinstance(x, bytes) else str(x).encode() for x in arr]
