"""The global step: the variable ``global_step`` (int64) in the ``GLOBAL_STEP`` collection."""

from __future__ import annotations

from typing import Any, Union

from ..framework import dtypes as _dt
from ..framework.graph import Graph, GraphKeys, Tensor, get_default_graph, name_scope
from ..ops.variables import Variable

GlobalStep = Union[Variable, Tensor]
"""The global step: the ``global_step`` variable (or a tensor of that name in an imported graph)."""


def get_global_step(graph: Graph | None = None) -> GlobalStep | None:
    """The global step variable of ``graph`` (None when it has none)."""
    graph = graph or get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) > 1:
        raise TypeError("There are multiple items in the global_step collection.")
    if found:
        return found[0]
    try:
        return graph.get_tensor_by_name("global_step:0")
    except (KeyError, ValueError):
        return None


def create_global_step(graph: Graph | None = None) -> Variable:
    """Creates the global step variable (0, int64, not trainable); ValueError if one exists."""
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), name_scope(None):
        return Variable(
            0,
            dtype=_dt.int64,
            trainable=False,
            name="global_step",
            collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP],
        )


def get_or_create_global_step(graph: Graph | None = None) -> GlobalStep:
    """The global step variable, created if the graph has none.

    >>> with tf.Graph().as_default():
    ...     step = tf.train.get_or_create_global_step()
    ...     step is tf.train.get_or_create_global_step(), step.op.name, step.dtype
    (True, 'global_step', tf.int64)
    """
    step = get_global_step(graph)
    return step if step is not None else create_global_step(graph)


def assert_global_step(global_step_tensor: Any) -> None:
    """TypeError unless ``global_step_tensor`` is a Variable or Tensor of an integer dtype and
    scalar (or of partly unknown shape)."""
    if not isinstance(global_step_tensor, (Variable, Tensor)):
        raise TypeError(
            f'Existing "global_step" must be a Variable or Tensor: {global_step_tensor}.'
        )
    dtype = global_step_tensor.dtype.base_dtype
    if not dtype.is_integer:
        raise TypeError(
            f"Existing \"global_step\" does not have integer type: <dtype: '{dtype.name}'>"
        )
    shape = global_step_tensor.get_shape()
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError(f'Existing "global_step" is not scalar: {shape}')


def global_step(sess: Any, global_step_tensor: Any) -> int:
    """The value of ``global_step_tensor`` in ``sess``, as an int."""
    return int(sess.run(global_step_tensor))
