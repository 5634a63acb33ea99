"""Horovod's user-level ``allreduce`` and ``grouped_allreduce`` (``horovod.tensorflow``):
compression, averaging, and ``IndexedSlices`` gradients reduced as an allgather of their rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..ops import array_ops
from ..ops.indexing_ops import IndexedSlices
from . import basics
from .compression import Compression
from .mpi_ops import _allreduce, _check_op, allgather


def allreduce(
    tensor: Any,
    average: bool | None = None,
    device_dense: str = "",
    device_sparse: str = "",
    compression: Any = Compression.none,
    op: str | None = None,
    prescale_factor: float = 1.0,
    postscale_factor: float = 1.0,
    name: str | None = None,
) -> Any:
    """The sum or average (``op``: ``hvd.Average``, the default, ``Sum``, ``Min``, ``Max``,
    ``Product``) of ``tensor`` over the ranks. An ``IndexedSlices`` is gathered instead: the
    ranks' rows concatenated (values divided by ``size()`` for an average)."""
    op = _check_op(op, average)
    if isinstance(tensor, IndexedSlices):
        if op not in (basics.Average, basics.Sum):
            raise NotImplementedError(f"Horovod: {op} of IndexedSlices is not supported")
        with name_scope("HorovodAllgather"):
            values = allgather(tensor.values)
            indices = allgather(tensor.indices)
        if op == basics.Average:
            values = values / array_ops.cast(basics.size(), values.dtype)
        return IndexedSlices(values, indices, dense_shape=tensor.dense_shape)
    t = convert_to_tensor(tensor)
    compressed, ctx = compression.compress(t)
    reduced = _allreduce([compressed], op, prescale_factor, postscale_factor, name, False)[0]
    return compression.decompress(reduced, ctx)


def grouped_allreduce(
    tensors: Sequence[Any],
    average: bool | None = None,
    device_dense: str = "",
    device_sparse: str = "",
    compression: Any = Compression.none,
    op: str | None = None,
    prescale_factor: float = 1.0,
    postscale_factor: float = 1.0,
    name: str | None = None,
) -> list[Tensor]:
    """``allreduce`` of several dense tensors as one fused collective (one MPI call per dtype)."""
    op = _check_op(op, average)
    if not tensors:
        return []
    pairs = [compression.compress(convert_to_tensor(t)) for t in tensors]
    reduced = _allreduce([p[0] for p in pairs], op, prescale_factor, postscale_factor, name, True)
    return [compression.decompress(r, ctx) for r, (_, ctx) in zip(reduced, pairs)]
