"""Nodes that read files: ``TFRecordDataset`` (plain, GZIP, ZLIB), ``TextLineDataset``,
``FixedLengthRecordDataset``. A missing file is NotFoundError naming it; a damaged record or
stream DataLossError naming the file and offset (``io/tf_record.py``). ``num_parallel_reads``
above 1 interleaves that many files a record at a time, TF's order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.graph import Tensor
from ..io.tf_record import _read, records
from . import structure
from .context import Context
from .node import Node, as_bytes_list, scalar_input
from .transformations import interleave

_KINDS = {"": "", "GZIP": "GZIP", "ZLIB": "ZLIB"}


def _filenames(filenames: Any) -> Tensor:
    t = structure.to_tensors(filenames, "filenames")
    if t.dtype != _dt.string:
        raise TypeError(f"`filenames` must be a `tf.Tensor` of dtype `tf.string`, got {t.dtype!r}")
    if t.shape.rank not in (None, 0, 1):
        raise TypeError(f"`filenames` must be a `tf.Tensor` of rank 0 or 1, got shape {t.shape}")
    return t


def _compression(kind: Any) -> Tensor:
    return structure.to_tensors("" if kind is None else kind, "compression_type")


class FileNode(Node):
    def __init__(self, filenames: Any, compression_type: Any, num_parallel_reads: Any) -> None:
        self.files = _filenames(filenames)
        self.kind = _compression(compression_type)
        self.parallel = scalar_input(
            1 if num_parallel_reads is None else num_parallel_reads, _dt.int64, "num_parallel_reads"
        )
        self.spec = structure.TensorSpec([], _dt.string)

    def inputs(self) -> list[Tensor]:
        return [self.files, self.kind, self.parallel]

    def _kind(self, ctx: Context) -> str:
        kind = ctx.string(self.kind)
        if kind not in _KINDS:
            raise errors.InvalidArgumentError(None, None, f"Unsupported compression_type: {kind}.")
        return kind

    def _records(self, ctx: Context, path: str, kind: str) -> Iterator[bytes]:
        raise NotImplementedError

    def iterate(self, ctx: Context) -> Iterator[list]:
        paths = [p.decode() for p in as_bytes_list(ctx.value(self.files))]
        kind = self._kind(ctx)
        n = ctx.scalar(self.parallel)
        sources = (
            (([np.asarray(r, dtype=object)] for r in self._records(ctx, p, kind))) for p in paths
        )
        if n <= 1:
            for src in sources:
                yield from src
            return
        yield from interleave(iter(sources), n, 1)


class TFRecordNode(FileNode):
    def _records(self, ctx: Context, path: str, kind: str) -> Iterator[bytes]:
        return records(_read(path, kind), path)


class TextLineNode(FileNode):
    def _records(self, ctx: Context, path: str, kind: str) -> Iterator[bytes]:
        data = _read(path, kind)
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for line in lines:
            yield line[:-1] if line.endswith(b"\r") else line


class FixedLengthNode(FileNode):
    def __init__(
        self,
        filenames: Any,
        record_bytes: Any,
        header_bytes: Any,
        footer_bytes: Any,
        compression_type: Any,
        num_parallel_reads: Any,
    ) -> None:
        super().__init__(filenames, compression_type, num_parallel_reads)
        self.sizes = [
            scalar_input(v or 0, _dt.int64, n)
            for v, n in (
                (record_bytes, "record_bytes"),
                (header_bytes, "header_bytes"),
                (footer_bytes, "footer_bytes"),
            )
        ]

    def inputs(self) -> list[Tensor]:
        return super().inputs() + self.sizes

    def iterate(self, ctx: Context) -> Iterator[list]:
        record, header, footer = (ctx.scalar(t) for t in self.sizes)
        if record <= 0:
            raise errors.InvalidArgumentError(
                None, None, f"record_bytes must be positive, got {record}"
            )
        if header < 0 or footer < 0:
            raise errors.InvalidArgumentError(
                None, None, "header_bytes and footer_bytes must be >= 0"
            )
        yield from super().iterate(ctx)

    def _records(self, ctx: Context, path: str, kind: str) -> Iterator[bytes]:
        record, header, footer = (ctx.scalar(t) for t in self.sizes)
        data = _read(path, kind)
        end = len(data) - footer
        body = end - header
        if body % record:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Excluding the header ({header} bytes) and footer ({footer} bytes), input file "
                f'"{path}" has body length {body} bytes, which is not an exact multiple of the '
                f"record length ({record} bytes).",
            )
        pos = header
        while pos + record <= end:
            yield data[pos : pos + record]
            pos += record
