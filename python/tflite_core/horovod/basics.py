"""Horovod's process model on MPI: ``init``, ``rank``, ``size`` and the engine that runs the
collectives (``mpi4py`` over an MPI from PyPI, e.g. the ``mpich`` wheel: ``pip install
'tflite_core[mpi]'``; launch with ``mpiexec -n N python train.py``).

As in Horovod, every collective runs on one background thread, in the order the ranks submit
them; a graph op (a plan step) submits its request and waits for it with the GIL released, so
the MPI transfer of one gradient bucket overlaps the kernels of the backward pass still
running. Before its data moves, each collective is *negotiated*: the ranks exchange its name,
kind, dtype and shapes (a small ``allgather``), and where they disagree every rank raises the
same error naming the tensor and the ranks, instead of deadlocking or reducing mismatched
buffers.

A rank that dies ends the job: the MPI launcher (Hydra's ``mpiexec``) kills the other ranks and
reports the dead one. A rank that stops submitting collectives (it hangs, or takes another
branch) stalls the others: after ``HOROVOD_STALL_CHECK_TIME_SECONDS`` (60) a waiting rank warns
once, and after ``HOROVOD_STALL_SHUTDOWN_TIME_SECONDS`` (0: never, as in Horovod) it raises
``UnavailableError`` naming the collective; the job is then aborted at exit (the stuck MPI call
cannot be cancelled).
"""

from __future__ import annotations

import atexit
import os
import queue
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ..framework import errors

_MPI_HINT = (
    "tflite_core.horovod runs on MPI through mpi4py: pip install 'tflite_core[mpi]' (mpi4py and "
    "the mpich wheel), then launch with `mpiexec -n N python train.py`"
)


class _Request:
    """A collective waiting to run on the engine's thread: ``meta`` is what the ranks must agree
    on, ``work()`` moves the data (after the negotiation)."""

    __slots__ = ("done", "error", "meta", "name", "result", "work")

    def __init__(self, name: str, meta: tuple, work: Callable[[], Any]):
        self.name = name
        self.meta = meta
        self.work = work
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None


class _Engine:
    """The communicator, the rank facts, and the background thread that runs the collectives."""

    def __init__(self, comm: Any, mpi: Any):
        self.mpi = mpi
        self.comm = comm.Dup()
        self.comm.Set_errhandler(mpi.ERRORS_RETURN)  # (an MPI failure raises, never aborts)
        self.rank = self.comm.Get_rank()
        self.size = self.comm.Get_size()
        local = self.comm.Split_type(mpi.COMM_TYPE_SHARED, key=self.rank)
        self.local_rank = local.Get_rank()
        self.local_size = local.Get_size()
        hosts = self.comm.allgather(socket.gethostname())
        local.Free()
        nodes = sorted(set(hosts), key=hosts.index)
        self.cross_rank = nodes.index(hosts[self.rank])
        self.cross_size = len(nodes)
        self.threads_supported = mpi.Query_thread() == mpi.THREAD_MULTIPLE
        self.requests: queue.Queue = queue.Queue()
        self.broken: str | None = None  # why the engine cannot go on (a stall shutdown)
        self.count = 0  # collectives run (their sequence numbers name them in stall errors)
        self.ops: dict = {}
        self.thread = threading.Thread(target=self._loop, name="horovod-engine", daemon=True)
        self.thread.start()

    # -- the background thread -----------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            req = self.requests.get()
            if req is None:
                return
            try:
                self._negotiate(req)
                req.result = req.work()
            except BaseException as e:  # (handed to the waiting op)
                req.error = e
            req.done.set()

    def _negotiate(self, req: _Request) -> None:
        """Every rank's ``meta`` of this collective; raises the same error on every rank where
        they differ."""
        try:
            metas = self.comm.allgather(req.meta)
        except self.mpi.Exception as e:
            raise errors.UnavailableError(
                None, None, f"Horovod: MPI failed negotiating '{req.name}': {e}"
            ) from None
        if all(m == req.meta for m in metas):
            return
        raise errors.InvalidArgumentError(None, None, _mismatch_message(req.name, metas))

    # -- the caller's side ---------------------------------------------------------------------
    def execute(self, name: str, meta: tuple, work: Callable[[], Any]) -> Any:
        """Runs a collective (``work`` on the engine's thread, after the negotiation) and
        returns its result; waits with the GIL released, warning and giving up on a stall as
        ``HOROVOD_STALL_*_TIME_SECONDS`` say."""
        if self.broken is not None:
            raise errors.UnavailableError(None, None, self.broken)
        req = _Request(name, meta, work)
        self.count += 1
        seq = self.count
        self.requests.put(req)
        check = _env_seconds("HOROVOD_STALL_CHECK_TIME_SECONDS", 60.0)
        shutdown = _env_seconds("HOROVOD_STALL_SHUTDOWN_TIME_SECONDS", 0.0)
        start = time.monotonic()
        warned = False
        while True:
            marks = [t for t in (check if not warned else 0.0, shutdown) if t > 0]
            waited = time.monotonic() - start
            if req.done.wait(max(0.0, min(marks) - waited) if marks else None):
                break
            waited = time.monotonic() - start
            if not warned and 0 < check <= waited:
                warned = True
                print(
                    f"Horovod (rank {self.rank}): '{name}' (collective #{seq}) has waited "
                    f"{waited:.0f} s for the other ranks: one of them has stopped, hangs, or "
                    "submits its collectives in another order",
                    file=sys.stderr,
                    flush=True,
                )
            if 0 < shutdown <= waited:
                self.broken = (
                    f"Horovod (rank {self.rank}): '{name}' (collective #{seq}) waited "
                    f"{waited:.0f} s (HOROVOD_STALL_SHUTDOWN_TIME_SECONDS) for the other "
                    f"{self.size - 1} rank(s) and was given up; this job cannot go on"
                )
                raise errors.UnavailableError(None, None, self.broken)
        if req.error is not None:
            raise req.error
        return req.result

    def stop(self) -> None:
        self.requests.put(None)
        self.thread.join()
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
        if _ENGINE.broken is None:
            _ENGINE.stop()
        _ENGINE = None


@atexit.register
def _at_exit() -> None:
    e = _ENGINE
    if e is not None and e.size > 1 and (e.broken is not None or _FAILED):
        # a collective is stuck in MPI on the engine's thread, or the program failed here while
        # the other ranks may wait for this one: MPI_Finalize would wait forever, so the job is
        # aborted (Hydra ends the other ranks) after the error was shown
        sys.stdout.flush()
        sys.stderr.flush()
        time.sleep(0.25)  # (the launcher forwards what this rank wrote before it ends the job)
        e.mpi.COMM_WORLD.Abort(1)
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

_HALF = {np.dtype(np.float16)}
try:  # bfloat16 (ml_dtypes, a dependency)
    import ml_dtypes

    _HALF.add(np.dtype(ml_dtypes.bfloat16))
except ImportError:  # pragma: no cover
    pass


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


def mpi_buffer(e: _Engine, a: np.ndarray) -> Any:
    """``a`` as an mpi4py buffer spec (16-bit floats travel as 16-bit integers)."""
    if a.dtype in _HALF:
        return [a.view(np.uint16), e.mpi.UINT16_T]
    if a.dtype == np.bool_:
        return [a, e.mpi.C_BOOL]
    return a
