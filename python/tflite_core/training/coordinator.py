"""``tf.train.Coordinator`` and ``tf.train.LooperThread``: stopping a set of threads together.

Threads poll ``should_stop()``; any of them (or the main loop) calls ``request_stop()``, with an
exception if it failed; ``join()`` waits for the registered threads, gives them
``stop_grace_period_secs`` after the stop request, then re-raises the first reported exception.
Exceptions of the ``clean_stop_exception_types`` (``OutOfRangeError`` by default: an input queue
ran out) stop the threads without being reported.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

from ..framework import errors
from ..framework.tf_logging import info


class Coordinator:
    """Coordinates the termination of a set of threads (TF 1.x semantics)."""

    def __init__(self, clean_stop_exception_types: Any = None) -> None:
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info: tuple | None = None
        self._joined = False
        self._registered_threads: set = set()

    def _as_reportable(self, ex: Any) -> Any:
        """None for a clean-stop exception, else ``ex`` (an exception or an exc_info tuple)."""
        err = ex[1] if isinstance(ex, tuple) else ex
        return None if isinstance(err, self._clean_types) else ex

    def request_stop(self, ex: Any = None) -> None:
        """Asks every thread to stop; ``ex`` (an exception being handled, or a
        ``sys.exc_info()`` tuple) is kept to be re-raised by ``join`` unless one already is.
        After ``join``, an exception passed here is raised at once."""
        with self._lock:
            ex = self._as_reportable(ex)
            if self._joined and ex is not None:
                raise ex[1] if isinstance(ex, tuple) else sys.exc_info()[1] or ex
            if self._stop_event.is_set():
                return
            if ex is not None and self._exc_info is None:
                if isinstance(ex, tuple):
                    info("Error reported to Coordinator: %s", str(ex[1]), exc_info=ex)
                    exc_info = ex
                else:
                    info("Error reported to Coordinator: %s, %s", type(ex), str(ex))
                    exc_info = sys.exc_info()
                if len(exc_info) != 3 or not exc_info[0] or not exc_info[1]:
                    try:
                        raise ValueError(
                            "ex must be a tuple or sys.exc_info must return the current "
                            f"exception: {exc_info}"
                        )
                    except ValueError:
                        exc_info = sys.exc_info()
                self._exc_info = exc_info
            self._stop_event.set()

    def clear_stop(self) -> None:
        """Clears the stop request (and the reported exception), so the threads may restart."""
        with self._lock:
            self._joined = False
            self._exc_info = None
            self._stop_event.clear()

    def should_stop(self) -> bool:
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self) -> Iterator[None]:
        """A context manager that reports any exception raised inside it to ``request_stop``."""
        try:
            yield
        except BaseException:
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout: float | None = None) -> bool:
        """Waits up to ``timeout`` seconds for a stop request; True if one came."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread: threading.Thread) -> None:
        with self._lock:
            self._registered_threads.add(thread)

    def join(
        self,
        threads: Any = None,
        stop_grace_period_secs: float = 120,
        ignore_live_threads: bool = False,
    ) -> None:
        """Waits for the registered threads (and ``threads``) to end; once a stop is requested
        they get ``stop_grace_period_secs`` more. Re-raises the reported exception.

        Raises:
            RuntimeError: threads still alive after the grace period (unless
                ``ignore_live_threads``, which logs them instead).
        """
        with self._lock:
            pending = list(self._registered_threads | set(threads or ()))
        while any(t.is_alive() for t in pending) and not self.wait_for_stop(1.0):
            pass
        wait = 0.001
        while any(t.is_alive() for t in pending) and stop_grace_period_secs >= 0.0:
            time.sleep(wait)
            stop_grace_period_secs -= wait
            wait = max(min(2 * wait, stop_grace_period_secs), 0.001)
        stragglers = [t.name for t in pending if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info:
                raise self._exc_info[1]
            if stragglers:
                msg = "Coordinator stopped with threads still running: " + " ".join(stragglers)
                if not ignore_live_threads:
                    raise RuntimeError(msg)
                info("%s", msg)

    @property
    def joined(self) -> bool:
        return self._joined

    def raise_requested_exception(self) -> None:
        """Raises the exception reported to ``request_stop``, if any."""
        with self._lock:
            if self._exc_info:
                raise self._exc_info[1]


class LooperThread(threading.Thread):
    """A daemon thread that calls ``run_loop`` (by default ``target(*args, **kwargs)``) until the
    coordinator stops, every ``timer_interval_secs`` seconds, or back to back when that is None.
    It registers itself with ``coord``; an exception inside it is reported to ``coord``."""

    def __init__(
        self,
        coord: Coordinator,
        timer_interval_secs: float | None,
        target: Any = None,
        args: Any = None,
        kwargs: Any = None,
    ) -> None:
        if not isinstance(coord, Coordinator):
            raise ValueError(f"'coord' argument must be a Coordinator: {coord}")
        super().__init__()
        self.daemon = True
        self._coord = coord
        self._timer_interval_secs = timer_interval_secs
        self._loop_target = target
        if target is None and (args or kwargs):
            raise ValueError("'args' and 'kwargs' argument require that you also pass 'target'")
        self._loop_args = tuple(args or ())
        self._loop_kwargs = dict(kwargs or {})
        coord.register_thread(self)

    @staticmethod
    def loop(
        coord: Coordinator,
        timer_interval_secs: float | None,
        target: Any,
        args: Any = None,
        kwargs: Any = None,
    ) -> LooperThread:
        """Starts a LooperThread calling ``target`` and returns it."""
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args, kwargs=kwargs)
        looper.start()
        return looper

    def run(self) -> None:
        with self._coord.stop_on_exception():
            self.start_loop()
            if self._timer_interval_secs is None:
                while not self._coord.should_stop():
                    self.run_loop()
            else:
                due = time.time()
                while not self._coord.wait_for_stop(due - time.time()):
                    due += self._timer_interval_secs
                    self.run_loop()
            self.stop_loop()

    def start_loop(self) -> None:
        """Called once when the thread starts."""

    def stop_loop(self) -> None:
        """Called once when the loop ends."""

    def run_loop(self) -> None:
        """One iteration: calls the target."""
        if self._loop_target is not None:
            self._loop_target(*self._loop_args, **self._loop_kwargs)
