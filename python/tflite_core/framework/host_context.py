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
