"""Control flow: ``no_op``, ``group`` and ``tuple`` (control dependencies between ops).

>>> a = tf.constant(1.0)
>>> with tf.control_dependencies([tf.no_op(name="first")]):
...     b = tf.identity(a)
>>> [c.name for c in b.op.control_inputs]
['first']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import get_default_graph, name_scope
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from .array_ops import identity

if TYPE_CHECKING:
    from ..framework.graph import Operation, Tensor
    from ..framework.type_aliases import (
        OpOrTensor,
        TensorLike,
    )

# ---- NoOp ----------------------------------------------------------------------------------------
register_op("NoOp", lambda op, s, v: [], kind=OpKind.NOOP)
NotDifferentiable("NoOp")


def no_op(name: str | None = None) -> Operation:
    """An op that does nothing; useful with control dependencies."""
    return get_default_graph().create_op("NoOp", [], [], None, name or "NoOp")


def group(*inputs: Any, **kwargs: Any) -> Operation:
    """An op that runs all ``inputs`` (ops or tensors). As TF's, inputs on several devices are
    grouped per device first (a ``NoOp`` on each, sorted by device, under the group's name
    scope); the group's op goes on the inputs' device when they share one."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"Unknown keyword arguments: {list(kwargs)}")
    flat: list[Any] = []
    for i in inputs:
        if isinstance(i, (list, tuple)):
            flat.extend(i)
        else:
            flat.append(i)
    members = [x for x in flat if x is not None]
    by_device: dict[str, list[Any]] = {}
    for x in members:
        by_device.setdefault(getattr(x, "device", ""), []).append(x)
    g = graph_of(*flat)
    with g.as_default():
        if len(by_device) <= 1:
            device = next(iter(by_device), "")
            with g.control_dependencies(members), g.device(device):
                return g.create_op("NoOp", [], [], None, name or "group_deps")
        with name_scope(name, "group_deps") as scope:
            deps = []
            for device in sorted(by_device):
                with g.control_dependencies(by_device[device]), g.device(device):
                    deps.append(g.create_op("NoOp", [], [], None, "NoOp"))
            with g.control_dependencies(deps):
                return g.create_op("NoOp", [], [], None, scope)


def tuple_(
    tensors: Sequence[TensorLike],
    name: str | None = None,
    control_inputs: Iterable[OpOrTensor] | None = None,
) -> list[Tensor]:
    """Tensors with the same values, available only once all of them are computed."""
    ts = [convert_to_tensor(t) for t in tensors]
    with name_scope(name, "tuple", ts):
        gate = group(*ts, *(control_inputs or []))
        out: list[Tensor] = []
        with get_default_graph().control_dependencies([gate]):
            for t in ts:
                out.append(identity(t))
        return out
