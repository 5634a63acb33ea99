"""TF 1.x's ``tf.contrib.summary`` (TF 2's ``summary_ops_v2`` legacy API, in graph mode) and
``tf.summary.initialize``.

A writer from ``create_file_writer(logdir)`` is a per-session resource: its init op (in the
``_SUMMARY_WRITER_V2`` collection, ``summary_writer_initializer_op()``) opens an event file.
Summary functions called while a writer is the default (``writer.as_default()``) and recording is
on (``always_record_summaries()``, ``record_summaries_every_n_global_steps(n)``; off by default,
as in contrib) build a write op that appends an ``Event`` (``step``: the global step unless given)
when it runs; they return a bool tensor (in the ``_SUMMARY_V2`` collection,
``all_summary_ops()``), True when the summary was written. Without a default writer they return a
``NoOp``. The tag is the summary's name scope (with ``family/`` in front, as ``tf.summary``).

>>> import tempfile
>>> with tf.Graph().as_default():
...     step = tf.train.get_or_create_global_step()
...     writer = tf.contrib.summary.create_file_writer(tempfile.mkdtemp())
...     with writer.as_default(), tf.contrib.summary.always_record_summaries():
...         s = tf.contrib.summary.scalar("loss", 0.5)
...     with tf.Session() as sess:
...         sess.run(step.initializer)
...         _ = sess.run(tf.contrib.summary.summary_writer_initializer_op())
...         bool(sess.run(s))
True
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any, Literal

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import (
    Graph,
    Operation,
    Tensor,
    constant_value,
    control_dependencies,
    get_collection,
    get_default_graph,
    get_default_session,
    name_scope,
)
from ..framework.op_util import make_op
from ..ops.array_ops import identity
from ..ops.cond import cond
from ..ops.control_flow_ops import no_op
from ..ops.math_extra_ops import logical_and
from ..ops.math_ops import equal
from ..ops.summary_media_ops import _string_or_tensor, _SummaryScope
from ..ops.summary_ops import _string_const
from .summary_writer_ops import register_payload
from .training_util import get_or_create_global_step

SUMMARY_COLLECTION = "_SUMMARY_V2"  # TF's GraphKeys._SUMMARY_COLLECTION
WRITER_INIT_COLLECTION = "_SUMMARY_WRITER_V2"
_REAL = (
    _dt.float32,
    _dt.float64,
    _dt.int32,
    _dt.uint8,
    _dt.int16,
    _dt.int8,
    _dt.int64,
    _dt.bfloat16,
    _dt.uint16,
    _dt.float16,
    _dt.uint32,
    _dt.uint64,
)


class _SummaryState(threading.local):
    def __init__(self) -> None:
        super().__init__()
        self.is_recording: Any = None
        self.writer: SummaryWriter | None = None
        self.step: Any = None


_state = _SummaryState()


def _call(action: str, inputs: list, attrs: dict, name: str | None) -> Operation:
    writer = attrs.pop("writer")
    attrs = {"action": action, "shared_name": writer._shared_name, **attrs}
    return make_op("SummaryWriterCall", inputs, [], attrs, name or "SummaryWriterCall")


# ---- writers ------------------------------------------------------------------------------------
class _DefaultWriter:
    """``writer.as_default(step)``: the default writer (and step) until exit; on exit the writer's
    ``flush()`` op is built, as in TF (legacy graph mode does not run it)."""

    def __init__(self, writer: SummaryWriter, step: Any = None) -> None:
        self._writer, self._step = writer, step
        self._old_writer: SummaryWriter | None = None
        self._old_step: Any = None

    def __enter__(self) -> SummaryWriter:
        self._old_writer, _state.writer = _state.writer, self._writer
        if self._step is not None:
            self._old_step, _state.step = _state.step, self._step
        return self._writer

    def __exit__(self, *exc: object) -> Literal[False]:
        assert _state.writer is not None
        _state.writer.flush()
        _state.writer = self._old_writer
        if self._step is not None:
            _state.step = self._old_step
        return False


class SummaryWriter:
    """A stateful summary writer (``tf.contrib.summary.SummaryWriter``): the interface of the
    writers ``create_file_writer`` returns."""

    _shared_name = ""

    def set_as_default(self, step: Any = None) -> None:
        """Makes this writer the thread's default (for the rest of the thread)."""
        self.as_default(step).__enter__()

    def as_default(self, step: Any = None) -> Any:
        """A context manager making this writer the default for the summaries built in it."""
        return _DefaultWriter(self, step)

    def init(self) -> Any:
        """The op that creates the writer's resource."""
        raise NotImplementedError()

    def flush(self) -> Any:
        """The op that flushes the writer."""
        raise NotImplementedError()

    def close(self) -> Any:
        """The op that flushes and closes the writer."""
        raise NotImplementedError()


class _FileWriter(SummaryWriter):
    """A writer resource named ``shared_name`` writing to ``logdir`` (TF's
    ``_LegacyResourceSummaryWriter``); its init op joins ``_SUMMARY_WRITER_V2``."""

    def __init__(self, shared_name: str, logdir: str, queue: Tensor, millis: Tensor, suffix: str):
        self._shared_name, self._logdir = shared_name, logdir
        self._args = [queue, millis]
        self._suffix = suffix
        get_default_graph().add_to_collection(WRITER_INIT_COLLECTION, self.init())

    def init(self) -> Operation:
        attrs = {"writer": self, "logdir": self._logdir, "filename_suffix": self._suffix}
        return _call("create", self._args, attrs, "CreateSummaryFileWriter")

    def flush(self) -> Operation:
        return _call("flush", [], {"writer": self}, "FlushSummaryWriter")

    def close(self) -> Operation:
        with control_dependencies([self.flush()]):
            return _call("close", [], {"writer": self}, "CloseSummaryWriter")


class _NoopWriter(SummaryWriter):
    """``create_file_writer(None)``: a writer that does nothing."""

    def set_as_default(self, step: Any = None) -> None:
        pass

    @contextlib.contextmanager
    def as_default(self, step: Any = None) -> Iterator[None]:
        yield

    def init(self) -> None:
        pass

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def create_file_writer(
    logdir: Any,
    max_queue: Any = None,
    flush_millis: Any = None,
    filename_suffix: Any = None,
    name: str | None = None,
) -> SummaryWriter:
    """A summary file writer for ``logdir`` (a no-op writer when ``logdir`` is None). ``name`` is
    the resource's shared name (default ``logdir:<logdir>``): writers sharing it share the
    resource in a session, and the first init wins. ``filename_suffix`` defaults to ``.v2``."""
    if logdir is None:
        return _NoopWriter()
    logdir = str(logdir)
    queue = constant(10) if max_queue is None else convert_to_tensor(max_queue, _dt.int32)
    millis = (
        constant(120000) if flush_millis is None else convert_to_tensor(flush_millis, _dt.int32)
    )
    if filename_suffix is None:
        suffix = ".v2"
    else:
        value = constant_value(filename_suffix) if isinstance(filename_suffix, Tensor) else None
        raw = filename_suffix if value is None else value[()]
        suffix = raw.decode() if isinstance(raw, bytes) else str(raw)
    return _FileWriter(
        name if name is not None else "logdir:" + logdir, logdir, queue, millis, suffix
    )


def create_summary_file_writer(*args: Any, **kwargs: Any) -> SummaryWriter:
    """Deprecated name of ``create_file_writer`` (logs a warning, as TF)."""
    logging.getLogger("tensorflow").warning(
        "Deprecation Warning: create_summary_file_writer was renamed to create_file_writer"
    )
    return create_file_writer(*args, **kwargs)


# ---- recording conditions -----------------------------------------------------------------------
@contextlib.contextmanager
def _record_if(condition: Any) -> Iterator[None]:
    old = _state.is_recording
    try:
        _state.is_recording = condition
        yield
    finally:
        _state.is_recording = old


def always_record_summaries() -> Any:
    """Summaries built in this context are written when they run."""
    return _record_if(True)


def never_record_summaries() -> Any:
    """Summaries built in this context are never written."""
    return _record_if(False)


def record_summaries_every_n_global_steps(n: int, global_step: Any = None) -> Any:
    """Summaries built in this context are written when ``global_step % n == 0``."""
    if global_step is None:
        global_step = get_or_create_global_step()
    return _record_if(equal(global_step % n, 0))


def _static_condition() -> Any:
    """The recording condition: a Python bool where known when the graph is built (contrib's
    default: False), else a bool tensor."""
    if _state.writer is None:
        return False
    c = _state.is_recording
    c = c() if callable(c) else c
    if c is None:
        return False
    if isinstance(c, Tensor):
        v = constant_value(c)
        return c if v is None else bool(v)
    return bool(c)


def should_record_summaries() -> Tensor:
    """A bool tensor: whether summaries are recorded here (False without a default writer or a
    recording condition)."""
    if _state.writer is None:
        return constant(False)
    c = _state.is_recording
    c = c() if callable(c) else c
    if c is not None and not isinstance(c, Tensor) and not c:
        return constant(False)
    return logical_and(constant(True), False if c is None else c)


# ---- summary ops --------------------------------------------------------------------------------
def _choose_step(step: Any, graph: Graph) -> Tensor:
    if step is None:
        return convert_to_tensor(get_or_create_global_step(graph))
    step = convert_to_tensor(step, _dt.int64)
    if step.shape.num_elements() != 1:
        raise ValueError(
            f"Argument `step` must be a scalar. Received step with shape {step.shape}."
        )
    return step


def _identity(value: Any) -> Tensor:
    """``identity(value)`` named as TF names it (a Python value: ``Identity/input``)."""
    if isinstance(value, Tensor):
        return identity(value)
    with name_scope("Identity") as scope:
        t = _string_or_tensor(value) if isinstance(value, (str, bytes)) else None
        t = convert_to_tensor(value, name="input") if t is None else t
    return identity(t, name=scope) if t.dtype is not _dt.string else t


def _check_dtype(t: Tensor, param: str, dtypes: tuple = _REAL) -> Tensor:
    if t.dtype.base_dtype not in dtypes:
        allowed = ", ".join(d.name for d in dtypes)
        raise TypeError(
            f"Value passed to parameter '{param}' has DataType {t.dtype.name} not in list of "
            f"allowed values: {allowed}"
        )
    return t


def _summary_writer_function(
    name: str, tensor: Any, function: Callable[[str, str], Operation], family: str | None
) -> Any:
    """TF's ``summary_writer_function``: the write op built under the summary's scope when
    recording (a ``cond`` on a run-time condition), in the ``_SUMMARY_V2`` collection."""
    if _state.writer is None:
        return no_op()
    scope_name = get_default_graph().get_name_scope()
    if scope_name:
        scope_name += "/"

    def record() -> Tensor:
        with (
            name_scope(scope_name),
            _SummaryScope(name, family) as (tag, scope),
            control_dependencies([function(tag, scope)]),
        ):
            return constant(True)

    def nothing() -> Tensor:
        return constant(False)

    should = _static_condition()
    if isinstance(should, Tensor):
        op = cond(logical_and(constant(True), should), record, nothing)
    else:
        op = record() if should else nothing()
    get_default_graph().add_to_collection(SUMMARY_COLLECTION, op)
    return op


def _writer() -> SummaryWriter:
    assert _state.writer is not None
    return _state.writer


def generic(
    name: str, tensor: Any, metadata: Any = None, family: str | None = None, step: Any = None
) -> Any:
    """Writes ``tensor`` whole (a ``TensorProto``) with ``metadata`` (a ``SummaryMetadata`` or
    its bytes)."""
    g = get_default_graph()
    if step is not None:
        _choose_step(step, g)
    meta = metadata.SerializeToString() if hasattr(metadata, "SerializeToString") else metadata

    def function(tag: str, scope: str) -> Operation:
        serialized = _string_const(meta or b"", "Const")
        s = _choose_step(step, g)
        value = _identity(tensor)
        return _call("tensor", [s, value, serialized], {"writer": _writer(), "tag": tag}, scope)

    return _summary_writer_function(name, tensor, function, family)


def scalar(name: str, tensor: Any, family: str | None = None, step: Any = None) -> Any:
    """Writes a scalar summary (``simple_value``) of ``tensor`` (a real number)."""
    g = get_default_graph()
    if step is not None:
        _choose_step(step, g)

    def function(tag: str, scope: str) -> Operation:
        s = _choose_step(step, g)
        value = _check_dtype(_identity(tensor), "value")
        return _call("scalar", [s, value], {"writer": _writer(), "tag": tag}, scope)

    return _summary_writer_function(name, tensor, function, family)


def histogram(name: str, tensor: Any, family: str | None = None, step: Any = None) -> Any:
    """Writes a histogram summary of ``tensor`` with TF's default buckets."""
    g = get_default_graph()
    if step is not None:
        _choose_step(step, g)

    def function(tag: str, scope: str) -> Operation:
        s = _choose_step(step, g)
        values = _check_dtype(_identity(tensor), "values", (*_REAL, _dt.bool))
        return _call("histogram", [s, values], {"writer": _writer(), "tag": tag}, scope)

    return _summary_writer_function(name, tensor, function, family)


def image(
    name: str,
    tensor: Any,
    bad_color: Any = None,
    max_images: int = 3,
    family: str | None = None,
    step: Any = None,
) -> Any:
    """Writes up to ``max_images`` PNG images of a 4-D ``[batch, h, w, channels]`` tensor."""
    g = get_default_graph()
    if step is not None:
        _choose_step(step, g)

    def function(tag: str, scope: str) -> Operation:
        s = _choose_step(step, g)
        color = constant([255, 0, 0, 255], _dt.uint8) if bad_color is None else bad_color
        attrs = {"writer": _writer(), "tag": tag, "max_images": int(max_images)}
        return _call("image", [s, _identity(tensor), convert_to_tensor(color)], attrs, scope)

    return _summary_writer_function(name, tensor, function, family)


def audio(
    name: str,
    tensor: Any,
    sample_rate: Any,
    max_outputs: int,
    family: str | None = None,
    step: Any = None,
) -> Any:
    """Writes up to ``max_outputs`` 16-bit WAV clips of a float32 ``[batch, frames(, channels)]``
    tensor."""
    g = get_default_graph()
    if step is not None:
        _choose_step(step, g)

    def function(tag: str, scope: str) -> Operation:
        s = _choose_step(step, g)
        rate = convert_to_tensor(sample_rate, _dt.float32)
        attrs = {"writer": _writer(), "tag": tag, "max_outputs": int(max_outputs)}
        return _call("audio", [s, _identity(tensor), rate], attrs, scope)

    return _summary_writer_function(name, tensor, function, family)


def graph(param: Any, step: Any = None, name: str | None = None) -> Any:
    """Writes a serialized ``GraphDef`` (a string tensor: a constant here) as the event's
    ``graph_def``; recording conditions do not apply. A ``NoOp`` without a default writer."""
    g = get_default_graph()
    if step is not None:
        _choose_step(step, g)
    if not isinstance(param, Tensor):
        raise TypeError(
            "graph() needs a argument `param` to be tf.Tensor (e.g. tf.placeholder) in graph "
            f"mode, but received param={param} of type {type(param).__name__}."
        )
    if _state.writer is None:
        return no_op()
    attrs = {"writer": _state.writer, "payload": -1}
    return _call(
        "graph", [_choose_step(step, g), _identity(param)], attrs, name or "WriteGraphSummary"
    )


def import_event(tensor: Any, name: str | None = None) -> Operation:
    """Writes a serialized ``Event`` (bytes, or a constant string tensor) as it is; recording
    conditions do not apply."""
    if _state.writer is None:
        raise AttributeError("'NoneType' object has no attribute '_resource'")
    t = _string_or_tensor(tensor)
    if t.dtype is not _dt.string:
        raise TypeError(
            f"Input 'event' of 'ImportEvent' Op has type {t.dtype.name} that does not match "
            "expected type of string."
        )
    return _call("import_event", [t], {"writer": _state.writer}, name or "ImportEvent")


def flush(writer: Any = None, name: str | None = None) -> Any:
    """The op that flushes ``writer`` (default: the default writer; a ``NoOp`` without one)."""
    del name
    if writer is None:
        writer = _state.writer
        if writer is None:
            return no_op()
    if isinstance(writer, SummaryWriter):
        return writer.flush()
    raise ValueError(f"Invalid argument to flush(): {writer!r}")


def all_summary_ops() -> list:
    """The graph's contrib summary ops (its ``_SUMMARY_V2`` collection)."""
    return get_collection(SUMMARY_COLLECTION)


def summary_writer_initializer_op() -> list:
    """The init ops of every summary writer of the graph (``_SUMMARY_WRITER_V2``)."""
    return get_collection(WRITER_INIT_COLLECTION)


def eval_dir(model_dir: str, name: str | None = None) -> str:
    """``model_dir/eval`` (``model_dir/eval_<name>``): an eval summary writer's logdir."""
    return os.path.join(model_dir, "eval" if not name else "eval_" + name)


def initialize(graph: Any = None, session: Any = None) -> None:
    """``tf.summary.initialize`` (``tf.contrib.summary.initialize``): runs every writer's init
    op in ``session`` (default: the default session) and, given ``graph`` (a ``tf.Graph`` or a
    ``GraphDef``), writes it to the default writer at step 0. RuntimeError without a default
    writer, ValueError without a session."""
    writer = _state.writer
    if writer is None:
        raise RuntimeError("No default tf.contrib.summary.SummaryWriter found")
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError("Argument `session must be passed if no default session exists")
    session.run(summary_writer_initializer_op())
    if graph is not None:
        if isinstance(graph, Graph):
            data = graph.as_graph_def(add_shapes=True).SerializeToString()
        else:
            data = graph.SerializeToString()
        with session.graph.as_default():
            step = constant(0, _dt.int64)
            attrs = {"writer": writer, "payload": register_payload(data)}
            op = _call("graph", [step], attrs, "WriteGraphSummary")
        session.run(op)
