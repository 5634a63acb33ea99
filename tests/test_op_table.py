"""Meta-tests of the op table: every registered op type has a row in one of the family files
(tests/test_ops_<family>.py), a shape function, and a gradient or NotDifferentiable; the row's
gradient mode matches the registration; and the checks themselves can fail.
"""

from __future__ import annotations

import importlib
import pathlib

import numpy as np
import pytest
from op_table import grad_check

import tflite_core as tf
from tflite_core.framework import registry

FAMILIES = sorted(p.stem for p in pathlib.Path(__file__).parent.glob("test_ops_*.py"))
MODULES = [importlib.import_module(name) for name in FAMILIES]
ROWS = [row for module in MODULES for row in module.ROWS]
BY_OP = {r.op: r for r in ROWS}


def table_gaps(ops, rows_by_op):
    """What the op table misses for the op definitions ``ops``: one line per gap."""
    gaps = []
    for name, d in sorted(ops.items()):
        if not callable(d.shape_fn):
            gaps.append(f"{name}: no shape function")
        if d.grad is None and not d.not_differentiable:
            gaps.append(f"{name}: neither a gradient nor NotDifferentiable")
        row = rows_by_op.get(name)
        if row is None:
            gaps.append(f"{name}: no row in the op table")
        elif (row.grad == "none") != d.not_differentiable:
            gaps.append(f"{name}: the row's gradient mode does not match the registration")
    gaps += [f"{name}: a row for an unregistered op" for name in sorted(set(rows_by_op) - set(ops))]
    return gaps


def test_op_table_is_complete():
    assert MODULES, "no family files (tests/test_ops_*.py) found"
    for module in MODULES:  # each family runs the table's checks on its own rows
        assert callable(getattr(module, "test_forward_matches_numpy", None)), module.__name__
    assert len(ROWS) == len(BY_OP), "an op type has two rows"
    assert table_gaps(registry.registered_ops(), BY_OP) == []


def test_table_gaps_flags_each_kind_of_gap():
    probe = registry.OpDef("Probe", shape_fn=None)
    ops = {**registry.registered_ops(), "Probe": probe}
    rows = {**BY_OP, "Ghost": ROWS[0]}
    assert table_gaps(ops, rows) == [
        "Probe: no shape function",
        "Probe: neither a gradient nor NotDifferentiable",
        "Probe: no row in the op table",
        "Ghost: a row for an unregistered op",
    ]
    mismatch = {**BY_OP, "Add": BY_OP["Equal"]}  # a "none" row for a differentiable op
    assert table_gaps(registry.registered_ops(), mismatch) == [
        "Add: the row's gradient mode does not match the registration"
    ]
    for module in MODULES:  # a registered op whose row is gone, from any family file
        dropped = module.ROWS[0].op
        rows = {op: r for op, r in BY_OP.items() if op != dropped}
        assert table_gaps(registry.registered_ops(), rows) == [f"{dropped}: no row in the op table"]


def test_grad_check_detects_a_wrong_gradient():
    """grad_check must fail when the analytical gradient is wrong: x * stop_gradient(x) has
    derivative 2x, but tf.gradients sees only x."""
    with pytest.raises(AssertionError, match="gradient of input 0"):
        grad_check(lambda x: x * tf.stop_gradient(x), [np.array([0.5, 1.5])])
    grad_check(lambda x: x * x, [np.array([0.5, 1.5])])  # and passes on the right one
