"""Event files for TensorBoard: ``tf.summary.FileWriter`` (``tf.train.SummaryWriter`` in the
tutorial's TensorFlow 0.x).

A file ``events.out.tfevents.<time>.<host>`` holds ``Event`` protobufs in TFRecord framing: for
each record, the little-endian uint64 length, the masked CRC-32C of those 8 bytes, the data, and the
masked CRC-32C of the data (computed in C++). The first event carries
``file_version = "brain.Event:2"``. Events are queued and written by ``flush()``, when the queue
holds ``max_queue`` events, or every ``flush_secs`` seconds by a background thread.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any, BinaryIO, ClassVar, Literal, SupportsInt, TypeVar

from google.protobuf import text_format

from ..framework.graph import Graph
from ..framework.protos import protos
from .tf_record import tf_record_iterator, tfrecord


class _EventFile:
    """The open file and the queue of serialized events not yet written to it."""

    def __init__(self, path: str):
        self.path = path
        self.lock = threading.Lock()
        self.queue: list[bytes] = []
        self.file: BinaryIO | None = open(path, "xb")  # noqa: SIM115 - closed by close()

    def write_queued(self) -> None:
        with self.lock:
            if self.file is None:
                return
            if self.queue:
                self.file.write(b"".join(tfrecord(e) for e in self.queue))
                self.queue.clear()
            self.file.flush()

    def close(self) -> None:
        self.write_queued()
        with self.lock:
            if self.file is not None:
                self.file.close()
                self.file = None


def _event_file_path(logdir: str, suffix: str) -> str:
    base = f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}{suffix}"
    path, n = os.path.join(logdir, base), 0
    while os.path.exists(path):  # two writers in one second: keep both files
        n += 1
        path = os.path.join(logdir, f"{base}.{os.getpid()}.{n}")
    return path


_W = TypeVar("_W", bound="FileWriter")


class FileWriter:
    """Writes ``Summary`` protobufs, graphs and other events to an event file in ``logdir``.

    ``graph`` (a ``tf.Graph`` such as ``sess.graph``, or a ``GraphDef`` such as the tutorial's
    ``sess.graph_def``) is written as the first event after the file version.

    >>> import tempfile
    >>> logdir = tempfile.mkdtemp()
    >>> with tf.summary.FileWriter(logdir) as writer:
    ...     writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="x", simple_value=1.0)]), 3)
    >>> len(os.listdir(logdir))
    1
    """

    def __init__(
        self,
        logdir: str,
        graph: Any = None,
        max_queue: int = 10,
        flush_secs: float = 120,
        graph_def: Any = None,
        filename_suffix: str | None = None,
        session: Any = None,
    ) -> None:
        self._logdir = str(logdir)
        self._max_queue = max(int(max_queue), 1)
        self._flush_secs = float(flush_secs)
        self._suffix = filename_suffix or ""
        self._file: _EventFile | None = None
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._open()
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    # -- opening and closing --------------------------------------------------------------------
    def _open(self) -> None:
        os.makedirs(self._logdir, exist_ok=True)
        f = _EventFile(_event_file_path(self._logdir, self._suffix))
        self._file = f
        self._finalizer = weakref.finalize(self, f.close)  # flush at exit or when collected
        first = protos().Event(wall_time=time.time(), file_version="brain.Event:2")
        f.queue.append(first.SerializeToString())
        f.write_queued()
        self._stop = False
        self._thread = threading.Thread(
            target=_flush_loop, args=(weakref.ref(self), self._cond, self._flush_secs), daemon=True
        )
        self._thread.start()

    def get_logdir(self) -> str:
        return self._logdir

    def flush(self) -> None:
        """Writes every queued event to disk."""
        if self._file is not None:
            self._file.write_queued()

    def close(self) -> None:
        """Flushes and closes the file; later events are dropped until ``reopen()``."""
        if self._file is None:
            return
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self._finalizer()
        self._file = None

    def reopen(self) -> None:
        """Opens a new event file in the same directory after ``close()``."""
        if self._file is None:
            self._open()

    def __enter__(self: _W) -> _W:
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        self.close()
        return False

    # -- events ---------------------------------------------------------------------------------
    def add_event(self, event: Any) -> None:
        """Queues one ``Event`` protobuf."""
        f = self._file
        if f is None:
            return
        with f.lock:
            f.queue.append(event.SerializeToString())
            full = len(f.queue) >= self._max_queue
        if full:
            f.write_queued()

    def _add(self, global_step: SupportsInt | None, **fields: Any) -> None:
        event = protos().Event(wall_time=time.time(), **fields)
        if global_step is not None:
            event.step = int(global_step)
        self.add_event(event)

    def add_summary(self, summary: Any, global_step: SupportsInt | None = None) -> None:
        """Adds a ``Summary``: the protobuf or its serialized bytes (what ``sess.run`` of a
        summary op returns)."""
        Summary = protos().Summary
        if isinstance(summary, (bytes, bytearray)):
            summary = Summary.FromString(bytes(summary))
        elif not isinstance(summary, Summary):  # e.g. TensorFlow's own tf.Summary class
            summary = Summary.FromString(summary.SerializeToString())
        self._add(global_step, summary=summary)

    def add_graph(
        self, graph: Any = None, global_step: SupportsInt | None = None, graph_def: Any = None
    ) -> None:
        """Adds the graph for TensorBoard's graph view: a ``tf.Graph`` (``sess.graph``; written
        with each node's output shapes) or a ``GraphDef`` (``sess.graph_def``)."""
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph or graph_def (deprecated), but not both.")
        if isinstance(graph, Graph):
            graph_def = graph.as_graph_def(add_shapes=True)
        elif graph is not None:
            graph_def = graph
        if graph_def is None:
            raise TypeError("add_graph needs a tf.Graph or a GraphDef")
        if not isinstance(graph_def, (bytes, bytearray)):
            if not hasattr(graph_def, "SerializeToString") or not hasattr(graph_def, "node"):
                raise TypeError(f"graph must be a tf.Graph or a GraphDef, not {type(graph_def)}")
            graph_def = graph_def.SerializeToString()
        self._add(global_step, graph_def=bytes(graph_def))

    def add_session_log(self, session_log: Any, global_step: SupportsInt | None = None) -> None:
        """Adds a ``SessionLog`` (for example ``SessionLog(status=SessionLog.START)``)."""
        self._add(global_step, session_log=session_log)

    def add_run_metadata(
        self, run_metadata: Any, tag: str, global_step: SupportsInt | None = None
    ) -> None:
        """Adds serialized ``RunMetadata`` under ``tag``."""
        data = run_metadata if isinstance(run_metadata, bytes) else run_metadata.SerializeToString()
        tagged = protos().TaggedRunMetadata(tag=tag, run_metadata=data)
        self._add(global_step, tagged_run_metadata=tagged)


def _flush_loop(writer_ref, cond: threading.Condition, secs: float) -> None:
    """Flushes the writer every ``secs`` seconds until it is closed or collected."""
    while True:
        with cond:
            w = writer_ref()
            if w is None or w._stop:
                return
            del w
            cond.wait(secs)
        w = writer_ref()
        if w is None:
            return
        w.flush()
        del w


class FileWriterCache:
    """One ``FileWriter`` per log directory (``tf.summary.FileWriterCache``)."""

    _cache: ClassVar[dict[str, FileWriter]] = {}
    _lock = threading.Lock()

    @staticmethod
    def get(logdir: str) -> FileWriter:
        with FileWriterCache._lock:
            w = FileWriterCache._cache.get(logdir)
            if w is None:
                w = FileWriterCache._cache[logdir] = FileWriter(logdir)
            return w

    @staticmethod
    def clear() -> None:
        with FileWriterCache._lock:
            for w in FileWriterCache._cache.values():
                w.close()
            FileWriterCache._cache.clear()


def summary_iterator(path: str) -> Iterator[Any]:
    """Yields the ``Event`` protobufs of an event file (``tf.train.summary_iterator``)."""
    Event = protos().Event
    for record in tf_record_iterator(path):
        yield Event.FromString(record)


def write_graph(graph_or_graph_def, logdir: str, name: str, as_text: bool = True) -> str:
    """Writes a graph to ``logdir/name`` as a text (``.pbtxt``) or binary ``GraphDef``
    (``tf.train.write_graph``); returns the path. The write is atomic (temp file + rename)."""
    gd = graph_or_graph_def
    if isinstance(gd, Graph):
        gd = gd.as_graph_def()
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    data = text_format.MessageToString(gd).encode() if as_text else gd.SerializeToString()
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return path
