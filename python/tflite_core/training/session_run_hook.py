"""The hook protocol of ``MonitoredSession`` (``tf.train.SessionRunHook`` and the values passed to
its methods), as TF 1.x defines it.

A hook sees a training loop at five points: ``begin`` (the graph can still change), then
``after_create_session`` (the session exists and is initialised or restored), then around every
``run`` call ``before_run`` (may add fetches, feeds and run options) and ``after_run`` (gets
their values), and ``end`` when the session closes without an exception.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class SessionRunHook:
    """Base class of the hooks of ``MonitoredSession``: every method does nothing by default."""

    def begin(self) -> None:
        """Called once before the session is created; the graph may still be changed here."""

    def after_create_session(self, session: Any, coord: Any) -> None:
        """Called once the session is created and initialised (the graph is finalised)."""

    def before_run(self, run_context: SessionRunContext) -> SessionRunArgs | None:
        """Called before each ``run``; may return ``SessionRunArgs`` to add to the call."""
        return None

    def after_run(self, run_context: SessionRunContext, run_values: SessionRunValues) -> None:
        """Called after each ``run`` with the values of what ``before_run`` asked for."""

    def end(self, session: Any) -> None:
        """Called when the session closes, unless it closes because of an exception."""


class SessionRunArgs(NamedTuple):
    """What a hook adds to a ``run`` call: fetches (any structure ``Session.run`` accepts),
    a feed dict and ``RunOptions``."""

    fetches: Any
    feed_dict: Any = None
    options: Any = None


class SessionRunValues(NamedTuple):
    """What a hook gets back: ``results`` in the structure of its fetches (None without
    fetches), the ``RunOptions`` used and the call's ``RunMetadata``."""

    results: Any
    options: Any
    run_metadata: Any


class SessionRunContext:
    """One ``run`` call as hooks see it: the caller's arguments, the session (for extra runs),
    and ``request_stop`` to end the loop after this call."""

    def __init__(self, original_args: SessionRunArgs, session: Any) -> None:
        self._original_args = original_args
        self._session = session
        self._stop_requested = False

    @property
    def original_args(self) -> SessionRunArgs:
        return self._original_args

    @property
    def session(self) -> Any:
        return self._session

    @property
    def stop_requested(self) -> bool:
        return self._stop_requested

    def request_stop(self) -> None:
        """Makes ``should_stop()`` of the monitored session return True after this call."""
        self._stop_requested = True
