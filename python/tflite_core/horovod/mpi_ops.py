"""Horovod's collective graph ops (``horovod.tensorflow.mpi_ops``): ``HorovodAllreduce``,
``HorovodGroupedAllreduce``, ``HorovodBroadcast`` and ``HorovodAllgather``, with Horovod's
gradients.

The allreduce and broadcast ops are plan steps (``OpKind.CALLBACK``): their outputs have their
inputs' shapes, so the compiled plan holds them, and the step runs the collective through the
engine (``basics``: negotiated, then MPI with the GIL released). When every rank runs on this
machine, an allreduce goes through a shared-memory window (``shared_memory``). Otherwise a
grouped allreduce packs its small tensors into one buffer per dtype (Horovod's tensor fusion),
reduced by one MPI call; a large tensor goes from its input buffer straight into its output
buffer.
``HorovodAllgather``'s first dimension is the sum of the ranks' ones, known only when it runs: it
is a host op whose result is fed to the plan (as ``tf.py_func``'s are).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor
from ..framework.op_util import graph_of
from ..framework.registry import OpKind, RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from ..ops import array_ops, math_ops
from ..ops.slicing_ops import slice as _slice
from . import basics, shared_memory
from .basics import REDUCE_OPS, Average, Sum, engine, mpi_buffer, mpi_op, scale

FUSE_BELOW_BYTES = 256 * 1024  # tensors smaller than this are packed into a fusion buffer


def normalize_name(name: str) -> str:
    """A tensor's name as an op name (Horovod's ``_normalize_name``)."""
    return re.sub("[^a-zA-Z0-9_]", "_", name)


def _dtype_names(op: Operation) -> str:
    """The dtypes of ``op``'s inputs, as the negotiation's ``meta`` names them."""
    return ",".join(sorted({t.dtype.name for t in op.inputs})) or "-"


# ---- allreduce -----------------------------------------------------------------------------------
class _Allreduce:
    """The plan step of a (grouped) allreduce: ``(inputs, outputs)`` NumPy arrays over the step's
    buffers. Tensor fusion: the small tensors of a dtype share one buffer (kept from run to run,
    as Horovod's) and one MPI call; a large one is reduced from its input into its output (the
    copies would cost more than the call they save)."""

    def __init__(self, op: Operation, sess: Any):
        self.op = op
        self.reduce_op = op.get_attr("reduce_op")
        self.pre = float(op.get_attr("prescale_factor"))
        self.post = float(op.get_attr("postscale_factor"))
        self.dtypes = _dtype_names(op)
        self.fused: dict = {}  # dtype -> fusion buffer

    def __call__(self, ins: list, outs: list) -> None:
        e = engine()
        meta = (
            "allreduce",
            self.op.name,
            self.dtypes,
            tuple(x.shape for x in ins),
            ("op", self.reduce_op),
            ("pre", self.pre),
            ("post", self.post),
        )
        factor = self.post / e.size if self.reduce_op == Average else self.post
        _run(e, self.op, meta, lambda: self._work(e, ins, outs, factor))

    def _work(self, e: Any, ins: list, outs: list, factor: float) -> None:
        shared = _shared(e) if e.size > 1 else None
        for group in _by_dtype(ins, outs):
            if shared is not None and shared.supports(group[0][0].dtype):
                shared.allreduce(group, self.reduce_op, self.pre, factor)
                continue
            small = [(x, out) for x, out in group if x.nbytes < FUSE_BELOW_BYTES]
            for x, out in group:
                if x.nbytes >= FUSE_BELOW_BYTES or len(small) == 1:
                    self._one(e, x, out, factor)
            if len(small) > 1:
                self._fused(e, small, factor)

    def _one(self, e: Any, x: np.ndarray, out: np.ndarray, factor: float) -> None:
        """One tensor, straight from its input buffer into its output buffer."""
        if e.size == 1:
            out[...] = x
            scale(out, self.pre * factor)
            return
        mpi = mpi_op(e, self.reduce_op, x.dtype)
        if self.pre != 1.0:
            out[...] = x
            scale(out, self.pre)
            e.comm.Allreduce(e.mpi.IN_PLACE, mpi_buffer(e, out.reshape(-1)), op=mpi)
        else:
            e.comm.Allreduce(mpi_buffer(e, x.reshape(-1)), mpi_buffer(e, out.reshape(-1)), op=mpi)
        scale(out, factor)

    def _fused(self, e: Any, group: list, factor: float) -> None:
        """Small tensors of one dtype: packed into one buffer, reduced by one call."""
        n = sum(x.size for x, _ in group)
        buf = self.fused.get(group[0][0].dtype)
        if buf is None or buf.size != n:
            buf = self.fused[group[0][0].dtype] = np.empty(n, group[0][0].dtype)
        at = 0
        for x, _ in group:
            buf[at : at + x.size] = x.reshape(-1)
            at += x.size
        scale(buf, self.pre)
        if e.size > 1:
            op = mpi_op(e, self.reduce_op, buf.dtype)
            e.comm.Allreduce(e.mpi.IN_PLACE, mpi_buffer(e, buf), op=op)
        scale(buf, factor)
        at = 0
        for _, out in group:
            out.reshape(-1)[...] = buf[at : at + out.size]
            at += out.size


def _shared(e: Any) -> Any:
    """The engine's shared-memory allreduce when every rank runs on this machine, else None;
    decided (and the window built, on every rank at once) by the job's first allreduce."""
    if e.shared is None:
        wanted = e.local_size == e.size and shared_memory.wanted()
        e.shared = shared_memory.SharedAllreduce(e.local, e.mpi) if wanted else False
    return e.shared or None


def _by_dtype(ins: list, outs: list) -> list:
    groups: dict = {}
    for x, out in zip(ins, outs):
        groups.setdefault(x.dtype, []).append((x, out))
    return list(groups.values())


def _run(e: Any, op: Operation, meta: tuple, work: Any) -> Any:
    """Runs ``work`` as the collective of ``op``, its errors naming the node."""
    try:
        return e.execute(op.name, meta, work)
    except errors.OpError as err:
        raise type(err)(None, op, f"{err.message}\n\t [[node {op.name}]]") from None
    except e.mpi.Exception as err:  # (an MPI failure: a peer gone, a transport error)
        raise errors.UnavailableError(
            None, op, f"Horovod: MPI failed in '{op.name}': {err}\n\t [[node {op.name}]]"
        ) from None


def _same_shapes(op: Operation, in_shapes: list, value_of: Any) -> list:
    return [TensorShape(s) for s in in_shapes]


for _type in ("HorovodAllreduce", "HorovodGroupedAllreduce"):
    register_op(
        _type,
        _same_shapes,
        kind=OpKind.CALLBACK,
        callback_fn=_Allreduce,
        stateful=True,
    )


def _check_op(op: str | None, average: bool | None) -> str:
    if op is not None and average is not None:
        raise ValueError("The op parameter supersedes average. Please provide only one of them.")
    if op is None:
        op = Sum if average is False else Average
    if op not in REDUCE_OPS:
        raise ValueError(f"Horovod: unknown reduction {op!r}; one of {', '.join(REDUCE_OPS)}")
    return op


def _allreduce(
    tensors: list[Tensor],
    op: str,
    prescale_factor: float,
    postscale_factor: float,
    name: str | None,
    grouped: bool,
) -> list[Tensor]:
    for t in tensors:
        if t.dtype is _dt.string:
            raise TypeError(f"Horovod: {t.name} is a string tensor; allreduce takes numbers")
        if op in (Average, Sum, "Product") and t.dtype is _dt.bool:
            raise TypeError(f"Horovod: {op} of the bool tensor {t.name}")
    op_type = "HorovodGroupedAllreduce" if grouped else "HorovodAllreduce"
    if name is None:
        base = tensors[0].name if tensors else "empty"
        name = f"{op_type}_{normalize_name(base)}"
    attrs = {
        "reduce_op": op,
        "prescale_factor": float(prescale_factor),
        "postscale_factor": float(postscale_factor),
        "num_tensors": len(tensors),
        "T": [t.dtype for t in tensors],
    }
    g = graph_of(*tensors)
    res = g.create_op(op_type, tensors, [t.dtype for t in tensors], attrs, name)
    return list(res.outputs)


@RegisterGradient("HorovodAllreduce")
def _allreduce_grad(op: Operation, *grads: Tensor) -> list:
    """The gradient of an allreduce is the same allreduce of the gradient (Horovod's)."""
    return _grouped_grad(op, grads, grouped=False)


@RegisterGradient("HorovodGroupedAllreduce")
def _grouped_allreduce_grad(op: Operation, *grads: Tensor) -> list:
    return _grouped_grad(op, grads, grouped=True)


def _grouped_grad(op: Operation, grads: Any, grouped: bool) -> list:
    ins = [
        array_ops.zeros_like(x) if g is None else convert_to_tensor(g)
        for x, g in zip(op.inputs, grads)
    ]
    return _allreduce(
        ins,
        op.get_attr("reduce_op"),
        op.get_attr("prescale_factor"),
        op.get_attr("postscale_factor"),
        None,
        grouped,
    )


# ---- broadcast -----------------------------------------------------------------------------------
def _broadcast_callback(op: Operation, sess: Any):
    root = int(op.get_attr("root_rank"))
    dtypes = _dtype_names(op)

    def fn(ins: list, outs: list) -> None:
        e = engine()
        if not 0 <= root < e.size:
            raise errors.InvalidArgumentError(
                None,
                op,
                f"Horovod: root_rank {root} of '{op.name}' is not a rank of this job "
                f"(size {e.size})\n\t [[node {op.name}]]",
            )
        meta = ("broadcast", op.name, dtypes, tuple(x.shape for x in ins), ("root", root))

        def work() -> None:
            for x, out in zip(ins, outs):
                out[...] = x
                if e.size > 1 and out.size:
                    e.comm.Bcast(mpi_buffer(e, out.reshape(-1)), root=root)

        _run(e, op, meta, work)

    return fn


register_op(
    "HorovodBroadcast",
    _same_shapes,
    kind=OpKind.CALLBACK,
    callback_fn=_broadcast_callback,
    stateful=True,
)


@RegisterGradient("HorovodBroadcast")
def _broadcast_grad(op: Operation, grad: Tensor) -> list:
    """Horovod's: the sum of the ranks' gradients on the root, zeros elsewhere."""
    reduced = _allreduce([convert_to_tensor(grad)], Sum, 1.0, 1.0, None, False)[0]
    if basics.rank() != op.get_attr("root_rank"):
        return [reduced * 0]
    return [reduced]


def broadcast(tensor: Any, root_rank: int, name: str | None = None) -> Tensor:
    """``tensor`` of rank ``root_rank``, on every rank (all send the same shape and dtype)."""
    t = convert_to_tensor(tensor)
    if name is None:
        name = f"HorovodBroadcast_{normalize_name(t.name)}"
    attrs = {"root_rank": int(root_rank), "T": t.dtype}
    return graph_of(t).create_op("HorovodBroadcast", [t], [t.dtype], attrs, name).outputs[0]


# ---- allgather -----------------------------------------------------------------------------------
def _allgather_host(op: Operation, x: Any) -> list:
    e = engine()
    x = np.ascontiguousarray(x)
    if x.ndim == 0:
        raise errors.InvalidArgumentError(
            None, op, f"Horovod: allgather of the scalar '{op.name}'\n\t [[node {op.name}]]"
        )
    # the ranks agree on everything but the first dimension
    meta = ("allgather", op.name, x.dtype.name, (tuple(int(d) for d in x.shape[1:]),))

    def work() -> np.ndarray:
        rows = e.comm.allgather(int(x.shape[0]))
        out = np.empty((sum(rows), *x.shape[1:]), dtype=x.dtype)
        if e.size == 1:
            out[...] = x
            return out
        row = int(np.prod(x.shape[1:], dtype=np.int64))
        counts = [r * row for r in rows]
        send = mpi_buffer(e, x.reshape(-1))
        recv = mpi_buffer(e, out.reshape(-1))
        recv = [recv[0], counts, recv[1]] if isinstance(recv, list) else [recv, counts]
        e.comm.Allgatherv(send, recv)
        return out

    return [_run(e, op, meta, work)]


def _allgather_shape(op: Operation, in_shapes: list, value_of: Any) -> list:
    s = TensorShape(in_shapes[0])
    if s.rank is None:
        return [TensorShape(None)]
    return [TensorShape([None, *s.as_list()[1:]])]


register_op(
    "HorovodAllgather",
    _allgather_shape,
    kind=OpKind.HOST,
    host_fn=_allgather_host,
    feeds_plan=True,
    stateful=True,
)


@RegisterGradient("HorovodAllgather")
def _allgather_grad(op: Operation, grad: Tensor) -> list:
    """Horovod's: the sum of the ranks' gradients, this rank's rows of it."""
    grad = _allreduce([convert_to_tensor(grad)], Sum, 1.0, 1.0, None, False)[0]
    x = op.inputs[0]
    rows = array_ops.reshape(array_ops.shape(x, out_type=_dt.int64)[0], [1])
    all_rows = allgather(rows)
    # (the same ops on every rank, whatever its rank: the ranks' collectives must match)
    start = math_ops.reduce_sum(_slice(all_rows, [0], [basics.rank()]))
    rest = array_ops.fill(array_ops.reshape(array_ops.rank(x) - 1, [1]), np.int64(0))
    begin = array_ops.concat([array_ops.reshape(start, [1]), rest], 0)
    size = array_ops.concat([rows, rest - 1], 0)
    return [_slice(grad, begin, size)]


def allgather(tensor: Any, name: str | None = None) -> Tensor:
    """The ranks' ``tensor``s concatenated along the first dimension, in rank order (their
    first dimensions may differ)."""
    t = convert_to_tensor(tensor)
    if name is None:
        name = f"HorovodAllgather_{normalize_name(t.name)}"
    attrs = {"T": t.dtype}
    return graph_of(t).create_op("HorovodAllgather", [t], [t.dtype], attrs, name).outputs[0]
