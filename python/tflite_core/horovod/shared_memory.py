"""The allreduce of ranks on one machine through MPI-3 shared memory (``MPI_Win_allocate_shared``
on the ranks' node communicator), Horovod's intra-node allreduce without the copies of a
point-to-point protocol.

Each rank owns two *slots* of ``SLOT_BYTES`` in the window (two phases, used in turn). A round
copies up to a slot of this rank's tensors into its slot of the phase, meets the other ranks at
one barrier, then reads every rank's slot and writes the reduction straight into this rank's
output buffers. The next round writes the other phase's slots, so its barrier also tells that
every rank has finished reading this round's: one barrier per round, and tensors larger than a
slot stream through it in rounds that stay in cache. Every rank reduces the slots in rank order,
so all ranks hold the same result, bit for bit.

Used when every rank of the job runs on one machine; 16-bit brain floats and bools go through
MPI (``mpi_ops``). ``TFLITE_CORE_HOROVOD_SHARED_MEMORY=0`` turns it off.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from .basics import Average, Max, Min, Product, Sum, scale

SLOT_BYTES = 1 << 20
SWITCH = "TFLITE_CORE_HOROVOD_SHARED_MEMORY"

_UFUNC = {Sum: np.add, Average: np.add, Min: np.minimum, Max: np.maximum, Product: np.multiply}


_SPREAD = 4096  # (slots start at different offsets modulo a page: see _start)


def _start(rank: int, phase: int, slot_bytes: int) -> int:
    """Where slot ``phase`` of ``rank`` starts in the rank's segment: 9 cache lines apart for
    each (rank, phase) modulo a page, so that the reduction's loads from two slots and its
    stores do not alias in the store buffer (4K aliasing) as page-aligned slots would."""
    return phase * slot_bytes + (2 * rank + phase) * 576 % _SPREAD


def wanted() -> bool:
    """Whether the environment allows the shared-memory allreduce (it does unless the switch
    is ``0``)."""
    return os.environ.get(SWITCH, "1") != "0"


class SharedAllreduce:
    """The window, its slots and the phase of the next round, over the node communicator
    ``comm`` (collective: every rank of ``comm`` builds one)."""

    def __init__(self, comm: Any, mpi: Any, slot_bytes: int | None = None):
        slot_bytes = SLOT_BYTES if slot_bytes is None else slot_bytes
        self.comm = comm
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()
        self.slot_bytes = slot_bytes
        self.win = mpi.Win.Allocate_shared(2 * slot_bytes + _SPREAD, 1, comm=comm)
        self.win.Lock_all(mpi.MODE_NOCHECK)  # (a passive epoch, for Win.Sync's fences)
        segments = []
        for k in range(self.size):
            buf, _ = self.win.Shared_query(k)
            segments.append(np.frombuffer(buf, np.uint8, 2 * slot_bytes + _SPREAD))
        self.slots = [
            [s[_start(k, p, slot_bytes) :][:slot_bytes] for k, s in enumerate(segments)]
            for p in (0, 1)
        ]
        self.phase = 0

    @staticmethod
    def supports(dtype: np.dtype) -> bool:
        return dtype.kind in "fiu"

    def allreduce(self, group: list, op: str, pre: float, post: float) -> None:
        """``group``: ``(input, output)`` arrays of one dtype; each output becomes the reduction
        ``op`` over the ranks of ``input * pre``, times ``post``."""
        dtype = group[0][0].dtype
        cap = self.slot_bytes // dtype.itemsize
        pieces: list = []  # (input, output, offset, count, place in the slot)
        fill = 0
        for x, out in group:
            xf, of = x.reshape(-1), out.reshape(-1)
            at = 0
            while at < xf.size:
                n = min(cap - fill, xf.size - at)
                pieces.append((xf, of, at, n, fill))
                fill += n
                at += n
                if fill == cap:
                    self._round(pieces, dtype, op, pre, post)
                    pieces, fill = [], 0
        if pieces:
            self._round(pieces, dtype, op, pre, post)

    def _round(self, pieces: list, dtype: np.dtype, op: str, pre: float, post: float) -> None:
        slots = [s.view(dtype) for s in self.slots[self.phase]]
        self.phase ^= 1
        mine = slots[self.rank]
        for xf, _, at, n, place in pieces:
            dst = mine[place : place + n]
            dst[...] = xf[at : at + n]
            scale(dst, pre)
        self.win.Sync()
        self.comm.Barrier()
        self.win.Sync()
        ufunc = _UFUNC[op]
        for _, of, at, n, place in pieces:
            o = of[at : at + n]
            ufunc(slots[0][place : place + n], slots[1][place : place + n], out=o)
            for s in slots[2:]:
                ufunc(o, s[place : place + n], out=o)
            scale(o, post)

    def free(self) -> None:
        self.win.Unlock_all()
        self.win.Free()
