"""TF 1.x's readers: ``tf.TextLineReader``, ``tf.TFRecordReader``, ``tf.FixedLengthRecordReader``,
``tf.WholeFileReader``, ``tf.IdentityReader`` and their base ``tf.ReaderBase``.

``reader.read(queue)`` gives a (key, value) pair of strings each time it runs, taking a file name
from ``queue`` (a queue of strings, ``string_input_producer``'s) when its current file has ended;
OutOfRangeError once that queue is closed and empty. A reader is an op whose output is its
handle; its position lives in each session's resources (``io/reader_state.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.host_context import at_node, running_session
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from ..io.reader_state import ReaderState
from ..io.tf_record import TFRecordOptions
from ..ops.data_flow_ops import _queue

_KINDS = {
    "WholeFileReaderV2": "WholeFileReader",
    "TextLineReaderV2": "TextLineReader",
    "FixedLengthRecordReaderV2": "FixedLengthRecordReader",
    "TFRecordReaderV2": "TFRecordReader",
    "IdentityReaderV2": "IdentityReader",
    "LMDBReader": "LMDBReader",
}


def _key(handle: Any) -> tuple[str, Any]:
    return ("reader", np.asarray(handle, dtype=object).item())


def _handle_fn(op: Operation) -> list:
    cfg = op.get_attr("_reader")
    key = ("reader", cfg["name"].encode())
    res = running_session().resources()
    if key not in res:  # (setdefault: threads reading at once share one state)
        res.setdefault(key, ReaderState(_KINDS[op.type], cfg))
    return [np.asarray(key[1], dtype=object)]


def _reader(op: Operation, handle: Any) -> ReaderState:
    return running_session().resources()[_key(handle)]


def _read_fn(op: Operation, reader: Any, queue: Any, *n: Any) -> list:
    r, q = _reader(op, reader), _queue(op, queue)
    try:
        if op.type == "ReaderReadV2":
            key, value = r.read(q)
            return [np.asarray(key, dtype=object), np.asarray(value, dtype=object)]
        count = int(n[0])
        if count <= 0:
            raise errors.InvalidArgumentError(
                None, None, f"num_records must be positive, got {count}"
            )
        recs = r.read_up_to(q, count)
    except errors.OpError as e:
        raise at_node(e, op) from None
    keys = np.empty(len(recs), dtype=object)
    values = np.empty(len(recs), dtype=object)
    for i, (k, v) in enumerate(recs):
        keys[i], values[i] = k, v
    return [keys, values]


def _count_fn(op: Operation, reader: Any) -> list:
    r = _reader(op, reader)
    n = r.produced if op.type == "ReaderNumRecordsProducedV2" else r.completed
    return [np.asarray(n, np.int64)]


def _reset_fn(op: Operation, reader: Any) -> list:
    r = _reader(op, reader)
    with r.lock:
        r.reset()
    return []


def _scalar(op: Any, in_shapes: Any, value_of: Any) -> list:
    return [TensorShape([])]


def _pair(op: Any, in_shapes: Any, value_of: Any) -> list:
    return [TensorShape([]), TensorShape([])]


def _vectors(op: Any, in_shapes: Any, value_of: Any) -> list:
    return [TensorShape([None]), TensorShape([None])]


def _none(op: Any, in_shapes: Any, value_of: Any) -> list:
    return []


for _t in _KINDS:
    register_op(_t, _scalar, kind=OpKind.HOST, host_fn=_handle_fn, stateful=True)
register_op(
    "ReaderReadV2", _pair, kind=OpKind.HOST, host_fn=_read_fn, feeds_plan=True, stateful=True
)
register_op(
    "ReaderReadUpToV2", _vectors, kind=OpKind.HOST, host_fn=_read_fn, feeds_plan=True, stateful=True
)
for _t in ("ReaderNumRecordsProducedV2", "ReaderNumWorkUnitsCompletedV2"):
    register_op(_t, _scalar, kind=OpKind.HOST, host_fn=_count_fn, feeds_plan=True, stateful=True)
register_op("ReaderResetV2", _none, kind=OpKind.HOST, host_fn=_reset_fn, stateful=True)
for _t in (
    *_KINDS,
    "ReaderReadV2",
    "ReaderReadUpToV2",
    "ReaderNumRecordsProducedV2",
    "ReaderNumWorkUnitsCompletedV2",
    "ReaderResetV2",
):
    NotDifferentiable(_t)

_NAMES = iter(range(1 << 62))


def _queue_ref(queue: Any) -> Tensor:
    return queue.queue_ref if hasattr(queue, "queue_ref") else convert_to_tensor(queue)


class ReaderBase:
    """A reader of (key, value) records from the files a queue names."""

    _OP = "IdentityReaderV2"

    def __init__(self, name: str | None = None, **cfg: Any) -> None:
        g = get_default_graph()
        attrs = {k: v for k, v in cfg.items() if v is not None}
        attrs.update({"container": "", "shared_name": "", "_reader": cfg})
        with g.control_dependencies(None):
            op = g.create_op(self._OP, [], [_dt.string], attrs, name or self._OP)
        cfg["name"] = f"_{next(_NAMES)}_{op.name}"
        self._reader_ref = op.outputs[0]
        self._name = op.name

    @property
    def reader_ref(self) -> Tensor:
        return self._reader_ref

    @property
    def supports_serialize(self) -> bool:
        """False: these readers do not save their position (no ``serialize_state``)."""
        return False

    def _op(self, op_type: str, ins: list, dtypes: list, name: str) -> Operation:
        return get_default_graph().create_op(op_type, [self._reader_ref, *ins], dtypes, {}, name)

    def read(self, queue: Any, name: str | None = None) -> tuple[Tensor, Tensor]:
        """The next (key, value) record: string scalars."""
        op = self._op(
            "ReaderReadV2", [_queue_ref(queue)], [_dt.string, _dt.string], name or "ReaderReadV2"
        )
        return op.outputs[0], op.outputs[1]

    def read_up_to(
        self, queue: Any, num_records: Any, name: str | None = None
    ) -> tuple[Tensor, Tensor]:
        """Up to ``num_records`` records (string vectors) of the current file."""
        n = convert_to_tensor(num_records, dtype=_dt.int64)
        op = self._op(
            "ReaderReadUpToV2",
            [_queue_ref(queue), n],
            [_dt.string, _dt.string],
            name or "ReaderReadUpToV2",
        )
        return op.outputs[0], op.outputs[1]

    def num_records_produced(self, name: str | None = None) -> Tensor:
        return self._op(
            "ReaderNumRecordsProducedV2", [], [_dt.int64], name or "ReaderNumRecordsProducedV2"
        ).outputs[0]

    def num_work_units_completed(self, name: str | None = None) -> Tensor:
        return self._op(
            "ReaderNumWorkUnitsCompletedV2",
            [],
            [_dt.int64],
            name or "ReaderNumWorkUnitsCompletedV2",
        ).outputs[0]

    def reset(self, name: str | None = None) -> Operation:
        """An op that forgets the current file and the counters."""
        return self._op("ReaderResetV2", [], [], name or "ReaderResetV2")


class IdentityReader(ReaderBase):
    """Records (file name, file name): each work unit itself."""

    _OP = "IdentityReaderV2"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)


class WholeFileReader(ReaderBase):
    """One record per file: (its name, its contents)."""

    _OP = "WholeFileReaderV2"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)


class TextLineReader(ReaderBase):
    """The lines of text files (without their newline), after ``skip_header_lines``."""

    _OP = "TextLineReaderV2"

    def __init__(self, skip_header_lines: int | None = None, name: str | None = None) -> None:
        super().__init__(name, skip_header_lines=skip_header_lines)


class FixedLengthRecordReader(ReaderBase):
    """Records of ``record_bytes`` bytes between a header and a footer (every ``hop_bytes``;
    ``encoding`` "ZLIB"/"GZIP" for compressed files)."""

    _OP = "FixedLengthRecordReaderV2"

    def __init__(
        self,
        record_bytes: int,
        header_bytes: int | None = None,
        footer_bytes: int | None = None,
        hop_bytes: int | None = None,
        name: str | None = None,
        encoding: str | None = None,
    ) -> None:
        super().__init__(
            name,
            record_bytes=int(record_bytes),
            header_bytes=int(header_bytes or 0),
            footer_bytes=int(footer_bytes or 0),
            hop_bytes=int(hop_bytes or 0),
            encoding=encoding or "",
        )


class LMDBReader(ReaderBase):
    """The (key, value) pairs of LMDB database files, in key order."""

    _OP = "LMDBReader"

    def __init__(self, name: str | None = None, options: Any = None) -> None:
        super().__init__(name)


class TFRecordReader(ReaderBase):
    """The records of TFRecord files (``options``: a ``TFRecordOptions`` for compression)."""

    _OP = "TFRecordReaderV2"

    def __init__(self, name: str | None = None, options: Any = None) -> None:
        super().__init__(name, compression=TFRecordOptions.get_compression_type_string(options))
