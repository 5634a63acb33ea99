"""Graph-building scopes beyond ``name_scope``: ``tf.init_scope``, ``tf.colocate_with``,
``tf.container``, TF 0.x's ``tf.op_scope``, and ``tf.add_to_collections``.

>>> with tf.control_dependencies([tf.no_op(name="first")]):
...     with tf.init_scope():
...         c = tf.constant(1.0)
>>> c.op.control_inputs
[]
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from .graph import get_default_graph, name_scope


@contextlib.contextmanager
def init_scope() -> Iterator[None]:
    """Builds ops as initialisers are built: outside every control-dependency scope (the name
    scope is kept; graph mode has no outer function graph to lift into)."""
    with get_default_graph().control_dependencies(None):
        yield


def colocate_with(op: Any, ignore_existing: bool = False) -> contextlib.AbstractContextManager:
    """Ops created inside are colocated with ``op`` (``Graph.colocate_with``)."""
    return get_default_graph().colocate_with(op, ignore_existing)


def container(container_name: str) -> contextlib.AbstractContextManager:
    """Stateful ops created inside belong to container ``container_name``."""
    return get_default_graph().container(container_name)


def op_scope(values: Iterable[Any], name: str | None, default_name: str | None = None) -> Any:
    """TF 0.x's ``name_scope(name, default_name, values)`` with the arguments reordered."""
    return name_scope(name, default_name, values)


def add_to_collections(names: str | Iterable[str], value: Any) -> None:
    """Adds ``value`` to each collection of ``names`` of the default graph."""
    get_default_graph().add_to_collections(names, value)
