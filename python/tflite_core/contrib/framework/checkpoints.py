"""Restoring variables from a checkpoint, slim's way (TF 1.x
``contrib/framework/python/ops/variables.py``): ``assign_from_checkpoint_fn`` returns a
function of a session that restores ``var_list`` with a ``Saver``; ``assign_from_checkpoint``
returns an assign op and the feed dict of the checkpoint's values. ``var_list`` is a list of
variables (found under their op names) or a dict ``{checkpoint name: variable}``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...framework.tf_logging import get_logger
from ...ops.array_ops import placeholder
from ...ops.control_flow_ops import group
from ...training.checkpoint_utils import NewCheckpointReader
from ...training.saver import Saver


def assign_from_checkpoint_fn(
    model_path: str,
    var_list: Any,
    ignore_missing_vars: bool = False,
    reshape_variables: bool = False,
) -> Callable[[Any], None] | None:
    """``fn(session)`` restoring ``var_list`` from ``model_path``; with
    ``ignore_missing_vars`` the variables the checkpoint lacks are skipped (a warning each),
    and None is returned when none is left. ValueError for an empty ``var_list``."""
    if not var_list:
        raise ValueError("var_list cannot be empty")
    if ignore_missing_vars:
        reader = NewCheckpointReader(model_path)
        var_dict = var_list if isinstance(var_list, dict) else {v.op.name: v for v in var_list}
        available = {}
        for name, var in var_dict.items():
            if reader.has_tensor(name):
                available[name] = var
            else:
                get_logger().warning("Variable %s missing in checkpoint %s", name, model_path)
        var_list = available
    if not var_list:
        get_logger().warning("No Variables to restore")
        return None
    saver = Saver(var_list, reshape=reshape_variables)

    def callback(session):
        saver.restore(session, model_path)

    return callback


def assign_from_checkpoint(
    model_path: str, var_list: Any, ignore_missing_vars: bool = False
) -> tuple[Any, dict]:
    """``(assign_op, feed_dict)``: running ``assign_op`` with ``feed_dict`` sets each variable
    of ``var_list`` to its checkpoint value. ValueError for a missing checkpoint entry (unless
    ``ignore_missing_vars``) or a shape that differs, as TF."""
    grouped: dict[str, list[Any]] = {}
    if isinstance(var_list, (tuple, list)):
        for var in var_list:
            grouped.setdefault(var.op.name, []).append(var)
    else:
        for name, value in var_list.items():
            grouped[name] = list(value) if isinstance(value, (tuple, list)) else [value]
    reader = NewCheckpointReader(model_path)
    feed_dict: dict[Any, Any] = {}
    assign_ops = []
    for name, variables in grouped.items():
        if not reader.has_tensor(name):
            msg = f"Checkpoint is missing variable [{name}]"
            if ignore_missing_vars:
                get_logger().warning(msg)
                continue
            raise ValueError(msg)
        value = reader.get_tensor(name)
        for var in variables:
            ph = placeholder(
                var.dtype.base_dtype, shape=var.get_shape(), name="placeholder/" + var.op.name
            )
            assign_ops.append(var.assign(ph))
            if var.get_shape().as_list() != list(getattr(value, "shape", ())):
                raise ValueError(
                    f"Total size of new array must be unchanged for {name} lh_shape: "
                    f"[{getattr(value, 'shape', ())}], rh_shape: [{var.get_shape()}]"
                )
            feed_dict[ph] = value
    return group(*assign_ops), feed_dict
