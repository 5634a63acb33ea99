"""``tf.train.QueueRunner``: threads that run a queue's enqueue ops until it is closed, and
``start_queue_runners`` (TF's ``queue_runner_impl``).

Each enqueue op gets a thread looping ``sess.run(enqueue_op)``; when one ends with the queue's
closed-exception (OutOfRangeError: its input ran out), the last of them closes the queue, so
dequeues drain it and then raise OutOfRangeError. Any other error stops the coordinator
(``coord.request_stop(e)``); a thread also watches the coordinator and, when it stops, cancels
pending enqueues. Closing the session ends every thread (its waiting calls are cancelled).
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from ..framework import errors
from ..framework.graph import GraphKeys, add_to_collection, get_collection, get_default_session
from ..framework.tf_logging import vlog

_CLOSED_SESSION = "closed Session"


class QueueRunner:
    """Holds a queue and the enqueue ops that fill it."""

    def __init__(
        self,
        queue: Any = None,
        enqueue_ops: Any = None,
        close_op: Any = None,
        cancel_op: Any = None,
        queue_closed_exception_types: Any = None,
        queue_runner_def: Any = None,
        import_scope: str | None = None,
    ) -> None:
        if queue_runner_def is not None:
            raise ValueError("tflite_core does not read QueueRunnerDef protos")
        if queue is None or not enqueue_ops:
            raise ValueError("Queue and enqueue_ops must be provided.")
        self._queue = queue
        self._enqueue_ops = list(enqueue_ops)
        self._close_op = close_op if close_op is not None else queue.close()
        self._cancel_op = (
            cancel_op if cancel_op is not None else queue.close(cancel_pending_enqueues=True)
        )
        types = queue_closed_exception_types or (errors.OutOfRangeError,)
        self._queue_closed_exception_types = tuple(types)
        self._lock = threading.Lock()
        self._runs_per_session: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._exceptions_raised: list = []

    @property
    def queue(self) -> Any:
        return self._queue

    @property
    def enqueue_ops(self) -> list:
        return self._enqueue_ops

    @property
    def close_op(self) -> Any:
        return self._close_op

    @property
    def cancel_op(self) -> Any:
        return self._cancel_op

    @property
    def queue_closed_exception_types(self) -> tuple:
        return self._queue_closed_exception_types

    @property
    def exceptions_raised(self) -> list:
        return self._exceptions_raised

    @property
    def name(self) -> str:
        return self._queue.name

    def _run(self, sess: Any, enqueue_op: Any, coord: Any = None) -> None:
        decremented = False
        try:
            while True:
                if coord and coord.should_stop():
                    break
                try:
                    sess.run(enqueue_op)
                except self._queue_closed_exception_types:
                    with self._lock:
                        self._runs_per_session[sess] -= 1
                        decremented = True
                        if self._runs_per_session[sess] == 0:
                            try:
                                sess.run(self._close_op)
                            except Exception as e:
                                vlog(1, "Ignored exception: %s", str(e))
                        return
        except errors.CancelledError:  # (the session closed, or the queue was cancelled)
            return
        except RuntimeError as e:
            if _CLOSED_SESSION in str(e):
                return
            self._report(e, coord)
        except Exception as e:
            self._report(e, coord)
        finally:
            if not decremented:
                with self._lock:
                    self._runs_per_session[sess] -= 1

    def _report(self, e: Exception, coord: Any) -> None:
        if coord:
            coord.request_stop(e)
        else:
            with self._lock:
                self._exceptions_raised.append(e)
            raise e

    def _close_on_stop(self, sess: Any, cancel_op: Any, coord: Any) -> None:
        coord.wait_for_stop()
        try:
            sess.run(cancel_op)
        except Exception as e:
            vlog(1, "Ignored exception: %s", str(e))

    def create_threads(
        self, sess: Any, coord: Any = None, daemon: bool = False, start: bool = False
    ) -> list[threading.Thread]:
        """The threads that run the enqueue ops in ``sess`` (none if they already run there)."""
        with self._lock:
            if self._runs_per_session.get(sess, 0) > 0:
                return []
            self._runs_per_session[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads = [
            threading.Thread(target=self._run, args=(sess, op, coord)) for op in self._enqueue_ops
        ]
        if coord:
            threads.append(
                threading.Thread(
                    target=self._close_on_stop,
                    args=(sess, self._cancel_op, coord),
                    name=f"QueueRunnerThread-{self.name}",
                )
            )
        for t in threads:
            if coord:
                coord.register_thread(t)
            if daemon:
                t.daemon = True
            if start:
                t.start()
        return threads


def add_queue_runner(qr: QueueRunner, collection: str = GraphKeys.QUEUE_RUNNERS) -> None:
    """Adds ``qr`` to the graph's ``collection`` (``start_queue_runners`` starts those)."""
    add_to_collection(collection, qr)


def start_queue_runners(
    sess: Any = None,
    coord: Any = None,
    daemon: bool = True,
    start: bool = True,
    collection: str = GraphKeys.QUEUE_RUNNERS,
) -> list[threading.Thread]:
    """Starts the threads of every queue runner in ``collection`` for ``sess`` (default: the
    default session); returns them."""
    if sess is None:
        sess = get_default_session()
        if not sess:
            raise ValueError(
                "Cannot start queue runners: No default session is registered. Use `with "
                "sess.as_default()` or pass an explicit session to "
                "tf.start_queue_runners(sess=sess)"
            )
    if not hasattr(sess, "run"):
        raise TypeError(f"sess must be a `tf.Session` object. Given class: {type(sess)}")
    graph = getattr(sess, "graph", None)
    runners = graph.get_collection(collection) if graph is not None else get_collection(collection)
    threads: list = []
    for qr in runners:
        threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads
