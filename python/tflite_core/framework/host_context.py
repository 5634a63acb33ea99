"""The session whose host ops run on this thread, for host ops that keep per-session state.

TF keeps such state (an iterator's position, a queue's elements) in each session's resource
manager. Here a host op's ``host_fn`` asks ``running_session()`` for the session that runs it
(set by the client around its host steps) and keeps its state in that session's ``resources()``
(a dict freed, each value's ``close()`` called, when the session closes).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

_local = threading.local()


@contextlib.contextmanager
def running(session: Any) -> Iterator[None]:
    """Marks ``session`` as the one running host ops on this thread (nests)."""
    saved = getattr(_local, "session", None)
    _local.session = session
    try:
        yield
    finally:
        _local.session = saved


def running_session() -> Any:
    """The session running host ops on this thread; RuntimeError outside of a run."""
    s = getattr(_local, "session", None)
    if s is None:
        raise RuntimeError("no session is running host ops on this thread")
    return s


def at_node(e: Any, op: Any) -> Any:
    """``e`` (an ``OpError`` raised by a host op's Python state, naming no op) as TF reports
    it: the same class, naming ``op``; an error that names its op already stays as it is."""
    if e.op is not None:
        return e
    return type(e)(None, op, f"{e.message}\n\t [[{{{{node {op.name}}}}}]]")


def output_values(op: Any, values: Any) -> list:
    """``values`` as arrays of the dtypes of ``op``'s outputs (object arrays for strings)."""
    return [
        np.asarray(v, dtype=object) if t.dtype.name == "string" else np.asarray(v, t.dtype.np)
        for v, t in zip(values, op.outputs)
    ]
