"""Horovod's process model on MPI: ``init``, ``rank``, ``size`` and the engine that runs the
collectives (``mpi4py`` over an MPI from PyPI, e.g. the ``mpich`` wheel: ``pip install
'tflite_core[mpi]'``; launch with ``mpiexec -n N python train.py``).

A collective runs on the thread of the plan step that asks for it, one at a time per process,
in the order the plan's steps ask (the same on every rank: the ranks run the same graph), with
the GIL released inside MPI. Before its data moves, each collective is *negotiated*: one small
allreduce checks that every rank submitted the same name, kind, dtype and shapes; where they
disagree every rank gathers what the others sent and raises the same error naming the tensor
and the ranks, instead of deadlocking or reducing mismatched buffers.

A rank that dies ends the job: the MPI launcher (Hydra's ``mpiexec``) kills the other ranks and
reports the dead one; a rank whose program raises aborts the job at exit (``MPI_Abort``), as
``python -m mpi4py`` does. A rank that stops submitting collectives (it hangs, or takes another
branch) stalls the others: a watchdog thread warns once after
``HOROVOD_STALL_CHECK_TIME_SECONDS`` (60) and, after ``HOROVOD_STALL_SHUTDOWN_TIME_SECONDS``
(0: never, as in Horovod), prints an ``UnavailableError`` naming the collective and aborts the
job (the MPI call a stalled rank is in cannot be cancelled).
"""

from __future__ import annotations

import atexit
import hashlib
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors

_MPI_HINT = (
    "tflite_core.horovod runs on MPI through mpi4py: pip install 'tflite_core[mpi]' (mpi4py and "
    "the mpich wheel), then launch with `mpiexec -n N python train.py`"
)


class _Watchdog:
    """Watches the collective in flight: warns once when it has waited ``check`` seconds and,
    when ``shutdown`` is set, aborts the job after that many (Horovod's stall inspector). It
    looks every fifth of the shorter period, so that a collective costs it nothing."""

    def __init__(self, engine: _Engine, check: float, shutdown: float):
        self.engine = engine
        self.check = check
        self.shutdown = shutdown
        self.current: tuple | None = None  # (sequence number, name, start time)
        periods = [t for t in (check, shutdown) if t > 0]
        if periods:
            self.every = min(periods) / 5
            threading.Thread(target=self._loop, name="horovod-watchdog", daemon=True).start()

    def begin(self, seq: int, name: str) -> None:
        self.current = (seq, name, time.monotonic())

    def end(self) -> None:
        self.current = None

    def _loop(self) -> None:
        warned = 0
        e = self.engine
        while True:
            time.sleep(self.every)
            current = self.current
            if current is None:
                continue
            seq, name, start = current
            waited = time.monotonic() - start
            if warned != seq and 0 < self.check <= waited:
                warned = seq
                _say(
                    f"Horovod (rank {e.rank}): '{name}' (collective #{seq}) has waited "
                    f"{waited:.0f} s for the other ranks: one of them has stopped, hangs, "
                    "or submits its collectives in another order"
                )
            if 0 < self.shutdown <= waited:
                e.broken = (
                    f"Horovod (rank {e.rank}): '{name}' (collective #{seq}) waited "
                    f"{waited:.0f} s (HOROVOD_STALL_SHUTDOWN_TIME_SECONDS) for the other "
                    f"{e.size - 1} rank(s) and was given up; the job is aborted"
                )
                _say(f"UnavailableError: {e.broken}")
                _abort(e)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _abort(e: _Engine) -> None:
    """Ends the job (Hydra ends the other ranks), after the launcher had time to forward what
    this rank wrote."""
    sys.stdout.flush()
    sys.stderr.flush()
    time.sleep(0.25)
    e.mpi.COMM_WORLD.Abort(1)


class _Engine:
    """The communicator, the rank facts, and the collectives' lock, counter and watchdog."""

    def __init__(self, comm: Any, mpi: Any):
        self.mpi = mpi
        self.comm = comm.Dup()
        self.comm.Set_errhandler(mpi.ERRORS_RETURN)  # (an MPI failure raises, never aborts)
        self.rank = self.comm.Get_rank()
        self.size = self.comm.Get_size()
        self.local = self.comm.Split_type(mpi.COMM_TYPE_SHARED, key=self.rank)
        self.local_rank = self.local.Get_rank()
        self.local_size = self.local.Get_size()
        hosts = self.comm.allgather(socket.gethostname())
        nodes = sorted(set(hosts), key=hosts.index)
        self.cross_rank = nodes.index(hosts[self.rank])
        self.cross_size = len(nodes)
        self.threads_supported = mpi.Query_thread() == mpi.THREAD_MULTIPLE
        self.lock = threading.Lock()
        self.broken: str | None = None  # why the engine cannot go on (a stall shutdown)
        self.count = 0  # collectives run (their sequence numbers name them in stall messages)
        self.ops: dict = {}
        self.digests: dict = {}  # meta -> its digest (the negotiation's)
        # the shared-memory allreduce (False: MPI's), decided by the first allreduce
        self.shared: Any = None
        self.watchdog = _Watchdog(
            self,
            _env_seconds("HOROVOD_STALL_CHECK_TIME_SECONDS", 60.0),
            _env_seconds("HOROVOD_STALL_SHUTDOWN_TIME_SECONDS", 0.0),
        )

    def _negotiate(self, name: str, meta: tuple) -> None:
        """Checks that every rank submitted this collective with the same ``meta``: one small
        allreduce of its digest (the max of d and of -d equal d everywhere only if all agree);
        where they differ, every rank gathers the ranks' ``meta`` and raises the same error."""
        digest = self.digests.get(meta)
        if digest is None:
            if len(self.digests) > 4096:  # (shapes that change from run to run)
                self.digests.clear()
            h = hashlib.blake2b(repr(meta).encode(), digest_size=7).digest()
            digest = self.digests[meta] = int.from_bytes(h, "little")
        both = np.array([digest, -digest], np.int64)
        try:
            self.comm.Allreduce(self.mpi.IN_PLACE, both, op=self.mpi.MAX)
            if both[0] == digest and both[1] == -digest:
                return
            metas = self.comm.allgather(meta)
        except self.mpi.Exception as e:
            raise errors.UnavailableError(
                None, None, f"Horovod: MPI failed negotiating '{name}': {e}"
            ) from None
        raise errors.InvalidArgumentError(None, None, _mismatch_message(name, metas))

    def execute(self, name: str, meta: tuple, work: Callable[[], Any]) -> Any:
        """Runs a collective: the negotiation of ``meta``, then ``work()`` (which moves the
        data), watched for stalls."""
        if self.broken is not None:
            raise errors.UnavailableError(None, None, self.broken)
        with self.lock:
            self.count += 1
            self.watchdog.begin(self.count, name)
            try:
                if self.size > 1:
                    self._negotiate(name, meta)
                return work()
            finally:
                self.watchdog.end()

    def stop(self) -> None:
        if self.shared:
            self.shared.free()
        self.local.Free()
        self.comm.Free()


def _env_seconds(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def _mismatch_message(name: str, metas: list) -> str:
    """What the ranks disagree on in collective ``name``, and which rank sent what."""
    fields = ("collective", "name", "dtypes", "shapes")
    differ = [
        fields[i] if i < len(fields) else metas[0][i][0]
        for i in range(max(map(len, metas)))
        if len({m[i] if i < len(m) else None for m in metas}) > 1
    ]
    groups: dict = {}
    for r, m in enumerate(metas):
        groups.setdefault(m, []).append(r)
    parts = []
    for m, ranks in groups.items():
        who = f"rank {ranks[0]}" if len(ranks) == 1 else f"ranks {', '.join(map(str, ranks))}"
        parts.append(f"{who} sent {_describe(m)}")
    return f"Horovod: mismatched {' and '.join(differ)} in '{name}': " + "; ".join(parts)


def _describe(meta: tuple) -> str:
    kind, name, dtype, shapes, *extra = meta
    shown = ", ".join("[" + ", ".join(str(d) for d in s) + "]" for s in shapes)
    more = "".join(f", {k}={v}" for k, v in extra)
    return f"{kind} '{name}' of {dtype} {shown}{more}"


_ENGINE: _Engine | None = None
_LOCK = threading.Lock()


def init(comm: Any = None) -> None:
    """Starts Horovod on MPI (``MPI_COMM_WORLD``, or the mpi4py communicator ``comm``); a second
    call does nothing."""
    global _ENGINE
    with _LOCK:
        if _ENGINE is not None:
            return
        try:
            from mpi4py import MPI
        except ImportError as e:
            raise ImportError(f"{_MPI_HINT} ({e})") from None
        if comm is not None and not isinstance(comm, MPI.Comm):
            raise ValueError(
                f"hvd.init(comm=...) takes an mpi4py communicator, not {type(comm).__name__}"
            )
        _ENGINE = _Engine(MPI.COMM_WORLD if comm is None else comm, MPI)
        _watch_uncaught_exceptions()


_FAILED = False


def _watch_uncaught_exceptions() -> None:
    """An exception that ends this rank's program ends the job (at exit, ``MPI_Abort``), as
    ``python -m mpi4py`` does: the other ranks would otherwise wait for it in their next
    collective."""
    previous = sys.excepthook
    if getattr(previous, "_horovod", False):
        return

    def hook(*args: Any) -> None:
        global _FAILED
        _FAILED = True
        previous(*args)

    hook._horovod = True  # type: ignore[attr-defined]
    sys.excepthook = hook


def shutdown() -> None:
    """Stops the engine (its thread and communicator); ``init`` may start it again."""
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            return
        _ENGINE.stop()
        _ENGINE = None


@atexit.register
def _at_exit() -> None:
    e = _ENGINE
    if e is not None and e.size > 1 and _FAILED:
        # the program failed here while the other ranks may wait for this one in a collective:
        # MPI_Finalize would wait forever, so the job is aborted after the error was shown
        _abort(e)
    shutdown()


def engine() -> _Engine:
    """The running engine; ValueError (Horovod's) before ``init``."""
    if _ENGINE is None:
        raise ValueError("Horovod has not been initialized; use hvd.init().")
    return _ENGINE


def is_initialized() -> bool:
    return _ENGINE is not None


def size() -> int:
    """The number of processes (ranks) in the job."""
    return engine().size


def rank() -> int:
    """This process's rank, 0 .. size() - 1."""
    return engine().rank


def local_size() -> int:
    """The number of ranks on this machine."""
    return engine().local_size


def local_rank() -> int:
    """This process's rank among the ranks on this machine."""
    return engine().local_rank


def cross_size() -> int:
    """The number of machines the job runs on."""
    return engine().cross_size


def cross_rank() -> int:
    """This machine's index among the job's machines."""
    return engine().cross_rank


def mpi_threads_supported() -> bool:
    """Whether MPI was initialised with ``MPI_THREAD_MULTIPLE``."""
    return engine().threads_supported


def mpi_built() -> bool:
    return True


def mpi_enabled() -> bool:
    return is_initialized()


def gloo_built() -> bool:
    return False


def gloo_enabled() -> bool:
    return False


def nccl_built() -> bool:
    return False


def ddl_built() -> bool:
    return False


def ccl_built() -> bool:
    return False


def cuda_built() -> bool:
    return False


def rocm_built() -> bool:
    return False


# ---- reductions ----------------------------------------------------------------------------------
Sum = "Sum"
Average = "Average"
Min = "Min"
Max = "Max"
Product = "Product"
REDUCE_OPS = (Average, Sum, Min, Max, Product)

_HALF = {np.dtype(_dt.float16.np), np.dtype(_dt.bfloat16.np)}  # (reduced by our own MPI ops)


def mpi_op(e: _Engine, op: str, dtype: np.dtype) -> Any:
    """The MPI reduction of ``op`` for ``dtype`` (16-bit floats: our own, computing in float32
    and rounding each sum as Horovod's float16 sum does)."""
    mpi = e.mpi
    base = {Sum: "SUM", Average: "SUM", Min: "MIN", Max: "MAX", Product: "PROD"}[op]
    if dtype not in _HALF:
        return getattr(mpi, base)
    key = (base, dtype)
    if key not in e.ops:
        fn = {"SUM": np.add, "MIN": np.minimum, "MAX": np.maximum, "PROD": np.multiply}[base]

        def reduce(inbuf: Any, inoutbuf: Any, datatype: Any, fn: Any = fn) -> None:
            a = np.frombuffer(inbuf, dtype=dtype)
            b = np.frombuffer(inoutbuf, dtype=dtype)
            b[...] = fn(a.astype(np.float32), b.astype(np.float32)).astype(dtype)

        e.ops[key] = mpi.Op.Create(reduce, commute=True)
    return e.ops[key]


def scale(out: np.ndarray, factor: float) -> None:
    """``out *= factor`` in ``out``'s dtype (integers: floor division by ``1 / factor`` when
    that is a whole number, as an average of integers is taken)."""
    if factor == 1.0:
        return
    if out.dtype.kind in "iu":
        inv = 1.0 / factor
        if inv == round(inv):
            np.floor_divide(out, out.dtype.type(round(inv)), out=out)
        else:
            out[...] = np.floor(out * factor).astype(out.dtype)
        return
    if out.dtype.kind == "b":
        return
    np.multiply(out, out.dtype.type(factor), out=out)


def mpi_buffer(e: _Engine, a: np.ndarray) -> Any:
    """``a`` as an mpi4py buffer spec (16-bit floats travel as 16-bit integers)."""
    if a.dtype in _HALF:
        return [a.view(np.uint16), e.mpi.UINT16_T]
    if a.dtype == np.bool_:
        return [a, e.mpi.C_BOOL]
    return a
