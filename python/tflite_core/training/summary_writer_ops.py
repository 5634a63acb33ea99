"""The summary writer op of ``tf.contrib.summary`` (TF's ``SummaryWriter`` resource and its
``CreateSummaryFileWriter``, ``Write*Summary``, ``ImportEvent``, ``FlushSummaryWriter`` and
``CloseSummaryWriter`` kernels), as one plan-step op type, ``SummaryWriterCall``, whose ``action``
attribute says what it does.

As in TF, a writer is a per-session resource named by its shared name: ``create`` makes it (an
event file ``events.out.tfevents.<time>.<host>.<pid>.<n><suffix>`` in ``logdir``; nothing when it
exists), the write actions append one ``Event`` to its file, ``close`` deletes it; an action on a
writer the session does not hold is TF's ``NotFoundError``. The op runs in the plan as a Python
callback (``OpKind.CALLBACK``), so it takes part in control dependencies and ``tf.cond`` branches.
Events are written through to the file at once (TF queues up to ``max_queue`` of them for up to
``flush_millis``, and flushes when the writer is flushed, closed or its session ends): a reader
sees at least what it would see with TF.

String inputs (a generic summary's string tensor, a serialized graph or event) must be constants
(strings have no kernels); the tag, log directory, suffix and metadata are attributes.
"""

from __future__ import annotations

import itertools
import os
import socket
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, BinaryIO

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.graph import Operation, constant_value
from ..framework.protos import protos
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..io.event_writer import tfrecord
from ..ops.summary_media_ops import (
    _audio_summary_value,
    _image_summary_value,
    _normalize_image,
    encode_png,
    tensor_proto_of,
)
from ..ops.summary_ops import histogram_proto

_COUNTER = itertools.count()  # TF's process-wide event file counter
_LOCK = threading.Lock()
# Event.source_metadata (field 10) = SourceMetadata(writer=...), as TF's EventsWriter writes it
_WRITER_NAME = b"tensorflow.core.util.events_writer"
_SOURCE_METADATA = (
    b"\x52" + bytes([len(_WRITER_NAME) + 2]) + b"\x0a" + bytes([len(_WRITER_NAME)]) + _WRITER_NAME
)
_DEFAULT_BAD_COLOR = np.array([255, 0, 0, 255], np.uint8)
_PAYLOADS: dict[int, bytes] = {}  # token -> serialized graph (tf.summary.initialize)
_TOKENS = itertools.count()


class EventSink:
    """One writer resource: an open event file."""

    def __init__(self, logdir: str, suffix: str) -> None:
        os.makedirs(logdir, exist_ok=True)
        now = time.time()
        name = (
            f"events.out.tfevents.{int(now):010d}.{socket.gethostname()}."
            f"{os.getpid()}.{next(_COUNTER)}{suffix}"
        )
        self.path = os.path.join(logdir, name)
        self._file: BinaryIO | None = open(self.path, "wb")  # noqa: SIM115 - closed by close()
        self._finalizer = weakref.finalize(self, self._file.close)
        first = protos().Event(wall_time=float(int(now)), file_version="brain.Event:2")
        self.write(first.SerializeToString() + _SOURCE_METADATA)

    def write(self, event: bytes) -> None:
        if self._file is not None:
            self._file.write(tfrecord(event))
            self._file.flush()

    def close(self) -> None:
        self._finalizer()
        self._file = None


_SINKS: weakref.WeakKeyDictionary[Any, dict[str, EventSink]] = weakref.WeakKeyDictionary()
_CONTAINERS: weakref.WeakSet[Any] = weakref.WeakSet()  # sessions that made a writer


def session_sinks(sess: Any) -> dict[str, EventSink]:
    """The writer resources ``sess`` holds, by shared name."""
    with _LOCK:
        return _SINKS.setdefault(sess, {})


def register_payload(data: bytes) -> int:
    """A token for ``data`` that a ``graph`` action reads (kept out of the GraphDef)."""
    token = next(_TOKENS)
    _PAYLOADS[token] = data
    return token


def _not_found(op: Operation, sess: Any, shared_name: str) -> errors.NotFoundError:
    """TF's error for a writer the session does not hold: the resource container ``localhost``
    exists once the session made a resource (a writer, or a variable: resource variables in TF
    2.21's graph mode)."""
    if sess in _CONTAINERS or getattr(sess, "_initialized", None):
        message = (
            f"Resource localhost/{shared_name}/N10tensorflow22SummaryWriterInterfaceE does not "
            "exist."
        )
    else:
        message = (
            "Container localhost does not exist. (Could not find resource: "
            f"localhost/{shared_name})"
        )
    return errors.NotFoundError(None, op, f"{message}\n\t [[node {op.name}]]")


def _tag_array(tag: str) -> np.ndarray:
    out = np.empty((), dtype=object)
    out[()] = tag.encode()
    return out


def _const_string(op: Operation, i: int) -> Any:
    v = constant_value(op._inputs[i])
    if v is None:
        raise TypeError(
            f"{op.name} ({op.type}): string tensor {op._inputs[i].name} must be a constant "
            "(strings have no kernels)"
        )
    return v


def _event(step: int, **fields: Any) -> Any:
    e = protos().Event(wall_time=time.time(), **fields)
    if step:
        e.step = step
    return e


def _summary_event(op: Operation, step: int, action: str, tag: str, ins: list) -> Any:
    """The Event a write action appends (TF's ``summary_converter.cc``)."""
    P = protos()
    s = P.Summary()
    if action == "scalar":
        value = np.asarray(ins[1]).reshape(-1)
        if not value.size:
            raise errors.InvalidArgumentError(
                None, op, f"Empty tensor for scalar summary {tag}\n\t [[node {op.name}]]"
            )
        s.value.add(tag=tag, simple_value=float(np.float32(value[0])))
    elif action == "histogram":
        values = np.asarray(ins[1], dtype=np.float64)
        if not np.isfinite(values).all():
            raise errors.InvalidArgumentError(
                None, op, f"Nan in summary histogram for: {tag}\n\t [[node {op.name}]]"
            )
        s.value.add(tag=tag, histo=histogram_proto(values))
    elif action == "image":
        _image_values(op, s, tag, np.asarray(ins[1]), np.asarray(ins[2]))
    elif action == "audio":
        raw = _audio_summary_value(op, _tag_array(tag), np.asarray(ins[1]), np.asarray(ins[2]))
        s.ParseFromString(raw[0][()])
    else:  # "tensor": WriteSummary
        t = op._inputs[1]
        value = np.asarray(_const_string(op, 1) if t.dtype is _dt.string else ins[1])
        v = s.value.add(tag=tag)
        v.tensor.CopyFrom(tensor_proto_of(value, t.dtype))
        metadata = _const_string(op, 2)[()]
        if metadata:
            v.metadata.ParseFromString(metadata)
    return _event(step, summary=s)


def _image_values(op: Operation, s: Any, tag: str, images: np.ndarray, bad: np.ndarray) -> None:
    """TF's image summary with the ``bad_color`` input (for pixels with a non-finite channel)."""
    if bad.ndim != 1:
        raise errors.InvalidArgumentError(
            None,
            op,
            f"bad_color must be a vector, got shape [{','.join(map(str, bad.shape))}]"
            f"\n\t [[node {op.name}]]",
        )
    # the shape checks and the PNG values: the ImageSummary kernel's
    s.ParseFromString(_image_summary_value(op, _tag_array(tag), images)[0][()])
    if images.dtype == np.uint8 or not len(s.value):
        return
    depth = images.shape[3]
    if bad.shape[0] < depth:
        raise errors.InvalidArgumentError(
            None,
            op,
            f"expected depth <= bad_color.size, got depth = {depth}, bad_color.size = "
            f"{bad.shape[0]}\n\t [[node {op.name}]]",
        )
    if (bad[:depth] == _DEFAULT_BAD_COLOR[:depth]).all():
        return
    h, w = images.shape[1:3]
    for i, v in enumerate(s.value):
        pixels = _normalize_image(images[i].reshape(h * w, depth), bad.astype(np.uint8))
        v.image.encoded_image_string = encode_png(pixels.reshape(h, w, depth))


_WRITES = ("scalar", "histogram", "image", "audio", "tensor")


def _callback(op: Operation, sess: Any) -> Callable[[list, list], None]:
    action = op.get_attr("action")
    name = op.get_attr("shared_name")
    sinks = session_sinks(sess)

    def sink() -> EventSink:
        found = sinks.get(name)
        if found is None:
            raise _not_found(op, sess, name)
        return found

    if action == "create":
        logdir, suffix = op.get_attr("logdir"), op.get_attr("filename_suffix")

        def create(ins: list, outs: list) -> None:
            with _LOCK:
                if name not in sinks:
                    sinks[name] = EventSink(logdir, suffix)
                    _CONTAINERS.add(sess)

        return create
    if action == "flush":  # (written through: only the writer's existence is checked)

        def flush(ins: list, outs: list) -> None:
            sink()

        return flush
    if action == "close":

        def close(ins: list, outs: list) -> None:
            sink().close()
            del sinks[name]

        return close
    if action == "import_event":
        data = _const_string(op, 0)[()]

        def import_event(ins: list, outs: list) -> None:
            target = sink()
            try:
                protos().Event.FromString(data)
            except Exception:  # any parse failure is TF's "Bad Event proto"
                raise errors.DataLossError(
                    None, op, f"Bad Event proto\n\t [[node {op.name}]]"
                ) from None
            target.write(data)

        return import_event
    if action == "graph":
        token = op.get_attr("payload")
        data = _PAYLOADS[token] if token >= 0 else _const_string(op, 1)[()]

        def graph(ins: list, outs: list) -> None:
            target = sink()
            target.write(
                _event(int(np.asarray(ins[0]).reshape(-1)[0]), graph_def=data).SerializeToString()
            )

        return graph
    if action not in _WRITES:
        raise ValueError(f"{op.name}: unknown SummaryWriterCall action {action!r}")
    tag = op.get_attr("tag")

    def write(ins: list, outs: list) -> None:
        target = sink()
        step = int(np.asarray(ins[0]).reshape(-1)[0])
        target.write(_summary_event(op, step, action, tag, ins).SerializeToString())

    return write


def _numeric_inputs(op: Operation) -> list[int]:
    return [i for i, t in enumerate(op._inputs) if t.dtype is not _dt.string]


register_op(
    "SummaryWriterCall",
    lambda op, in_shapes, value_of: [],
    kind=OpKind.CALLBACK,
    kernel_inputs=_numeric_inputs,
    callback_fn=_callback,
    graphdef_dtype=lambda op: None,
    stateful=True,
)
NotDifferentiable("SummaryWriterCall")
