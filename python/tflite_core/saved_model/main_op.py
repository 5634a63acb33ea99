"""The op a SavedModel's loader runs last (``tf.saved_model.main_op``, TF 1.x): after the
variables are restored, with the asset tensors fed with the assets' paths in the SavedModel.

``main_op()`` initializes every variable (global ones too: values restored from the
checkpoint are overwritten, as in TF 2.21), the local variables and the tables;
``main_op_with_restore(op)`` runs ``op`` after that.

>>> import tflite_core as tf
>>> with tf.Graph().as_default():
...     op = tf.saved_model.main_op.main_op()
...     print(op.type, [c.type for c in op.control_inputs])
NoOp ['NoOp', 'NoOp', 'NoOp']
"""

from __future__ import annotations

from typing import Any

from ..framework.graph import Operation, Tensor, get_default_graph
from ..ops.control_flow_ops import group
from ..ops.lookup_ops import tables_initializer
from ..ops.variables import global_variables_initializer, local_variables_initializer


def main_op() -> Operation:
    """One op that initializes the global and local variables and the tables."""
    init = global_variables_initializer()
    init_local = local_variables_initializer()
    init_tables = tables_initializer()
    return group(init, init_local, init_tables)


def main_op_with_restore(restore_op_name: Any) -> Operation:
    """One op that runs ``restore_op_name`` (an op or tensor) after ``main_op()``.

    Raises:
        TypeError: ``restore_op_name`` is not an op or a tensor (TF 2.21 groups it, so a
            name, as the argument's name suggests, is refused there too).
    """
    if not isinstance(restore_op_name, (Operation, Tensor)):
        raise TypeError(
            "'inputs' should be zero or more (nested) Tensors. Received "
            f"{restore_op_name!r} with type '{type(restore_op_name)}'."
        )
    with get_default_graph().control_dependencies([main_op()]):
        return group(restore_op_name)
