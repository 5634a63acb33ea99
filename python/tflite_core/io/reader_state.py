"""The state of one reader (``tf.TFRecordReader`` & co., ``data/reader_ops.py``) in one
session: the file (work unit) it is reading, taken from a
queue of file names when the last one ends, and its counters; the record formats of TF's
readers (keys as TF's: ``file:line`` for text, ``file:offset`` for TFRecords, ``file:index``
for fixed-length records, the file name for whole files)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import lmdb

from ..framework import errors
from .tf_record import _read, records


def text_lines(path: str, skip: int) -> Iterator[tuple[bytes, bytes]]:
    data = _read(path, "")
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for i, line in enumerate(lines, 1):
        if i <= skip:
            continue
        yield f"{path}:{i}".encode(), line[:-1] if line.endswith(b"\r") else line


def tf_records(path: str, kind: str) -> Iterator[tuple[bytes, bytes]]:
    offset = 0
    for r in records(_read(path, kind), path):
        yield f"{path}:{offset}".encode(), r
        offset += len(r) + 16


def fixed_records(path: str, cfg: dict) -> Iterator[tuple[bytes, bytes]]:
    data = _read(path, cfg.get("encoding") or "")
    record, header, footer = cfg["record_bytes"], cfg["header_bytes"], cfg["footer_bytes"]
    hop = cfg["hop_bytes"] or record
    end = len(data) - footer
    pos, k = header, 0
    while pos + record <= end:
        yield f"{path}:{k}".encode(), data[pos : pos + record]
        pos += hop
        k += 1


def lmdb_records(path: str) -> Iterator[tuple[bytes, bytes]]:
    """The (key, value) pairs of the LMDB database file ``path``, in key order (opened as TF's
    reader opens it: read-only, no lock, no subdirectory)."""
    try:
        env = lmdb.open(path, subdir=False, readonly=True, lock=False)
    except lmdb.Error as e:
        if "No such file" in str(e):
            raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
        raise errors.InvalidArgumentError(
            None, None, f"{path}: not an LMDB database ({e})"
        ) from None
    try:
        with env.begin() as txn:
            pairs = list(txn.cursor())
    finally:
        env.close()
    yield from ((bytes(k), bytes(v)) for k, v in pairs)


def whole_file(path: str) -> Iterator[tuple[bytes, bytes]]:
    yield path.encode(), _read(path, "")


class ReaderState:
    def __init__(self, kind: str, cfg: dict) -> None:
        self.kind = kind
        self.cfg = cfg
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.work: bytes | None = None
        self.records: Iterator[tuple[bytes, bytes]] | None = None
        self.produced = 0
        self.completed = 0

    def _start(self, work: bytes) -> None:
        path = work.decode()
        k = self.kind
        if k == "TextLineReader":
            self.records = text_lines(path, self.cfg.get("skip_header_lines") or 0)
        elif k == "TFRecordReader":
            self.records = tf_records(path, self.cfg.get("compression") or "")
        elif k == "FixedLengthRecordReader":
            self.records = fixed_records(path, self.cfg)
        elif k == "WholeFileReader":
            self.records = whole_file(path)
        elif k == "LMDBReader":
            self.records = lmdb_records(path)
        else:  # IdentityReader
            self.records = iter([(work, work)])
        self.work = work

    def _next_work(self, queue: Any) -> None:
        value = queue.dequeue(None)[0]
        work = value.item() if hasattr(value, "item") else value
        self._start(work if isinstance(work, bytes) else str(work).encode())

    def read_up_to(self, queue: Any, n: int) -> list[tuple[bytes, bytes]]:
        """Up to ``n`` records of the current file (the next one's when it has ended); blocks
        on the queue (a ``QueueState``) for a file; OutOfRangeError when it is closed and empty."""
        with self.lock:
            while True:
                if self.records is None:
                    self._next_work(queue)
                out: list[tuple[bytes, bytes]] = []
                assert self.records is not None
                for rec in self.records:
                    out.append(rec)
                    if len(out) == n:
                        break
                else:
                    self.records = None
                    self.work = None
                    self.completed += 1
                if out:
                    self.produced += len(out)
                    if self.kind in ("WholeFileReader", "IdentityReader"):
                        # (a one-record work unit ends with its record, as TF counts it)
                        self.records = None
                        self.work = None
                        self.completed += 1
                    return out

    def read(self, queue: Any) -> tuple[bytes, bytes]:
        return self.read_up_to(queue, 1)[0]
