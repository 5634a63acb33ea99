"""Broadcasting variables and Python objects (``horovod.tensorflow.functions`` and the hook of
``horovod.tensorflow``): ranks start from rank 0's initial values, as Horovod's users do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..framework.graph import Operation, get_default_graph
from ..ops import variables as _variables
from ..ops.control_flow_ops import group
from ..training.session_run_hook import SessionRunHook
from . import basics
from .mpi_ops import broadcast


def broadcast_variables(variables: Sequence[Any], root_rank: int) -> Operation:
    """An op that assigns each of ``variables`` the value it has on ``root_rank``."""
    return group(*[_variables.assign(v, broadcast(v, root_rank)) for v in variables])


def broadcast_global_variables(root_rank: int) -> Operation:
    """``broadcast_variables`` of every global variable."""
    return broadcast_variables(_variables.global_variables(), root_rank)


class BroadcastGlobalVariablesHook(SessionRunHook):
    """A hook that broadcasts the global variables from ``root_rank`` once the session is
    created (and restored or initialised): every rank then starts from the same values."""

    def __init__(self, root_rank: int, device: str = "") -> None:
        super().__init__()
        self.root_rank = root_rank
        self.bcast_op: Operation | None = None
        self.device = device

    def begin(self) -> None:
        if self.bcast_op is None or self.bcast_op.graph is not get_default_graph():
            self.bcast_op = broadcast_global_variables(self.root_rank)

    def after_create_session(self, session: Any, coord: Any) -> None:
        session.run(self.bcast_op)


def broadcast_object(
    obj: Any, root_rank: int = 0, session: Any = None, name: str | None = None
) -> Any:
    """``obj`` of rank ``root_rank`` (any picklable object), on every rank."""
    e = basics.engine()
    meta = ("broadcast_object", name or "broadcast_object", "-", (), ("root", root_rank))
    return e.execute(meta[1], meta, lambda: e.comm.bcast(obj, root=root_rank))


def allgather_object(obj: Any, session: Any = None, name: str | None = None) -> list:
    """The list of every rank's ``obj``, in rank order."""
    e = basics.engine()
    meta = ("allgather_object", name or "allgather_object", "-", ())
    return e.execute(meta[1], meta, lambda: e.comm.allgather(obj))
