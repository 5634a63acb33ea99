"""Lookup tables' graph plumbing: ``tf.tables_initializer`` runs every table initializer in
``GraphKeys.TABLE_INITIALIZERS`` (a ``NoOp`` when there are none, as TF)."""

from __future__ import annotations

from ..framework.graph import GraphKeys, Operation, get_collection
from .control_flow_ops import group, no_op


def tables_initializer(name: str = "init_all_tables") -> Operation:
    """One op that runs every initializer in the ``table_initializer`` collection."""
    initializers = get_collection(GraphKeys.TABLE_INITIALIZERS)
    if initializers:
        return group(*initializers, name=name)
    return no_op(name=name)


def initialize_all_tables(name: str = "init_all_tables") -> Operation:
    """Deprecated alias of ``tables_initializer`` (TF 1.x)."""
    return tables_initializer(name)
