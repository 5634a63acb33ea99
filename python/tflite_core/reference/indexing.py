"""Indexing kernels (``cpp/indexing.cc``): select, gather, unsorted_segment_sum, pad and
range.
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _check_ids, _kernel, _store


@_kernel("select")
def _select(inputs, outputs, ints, floats):
    cond, x, y = inputs
    if cond.dtype != np.bool_ or x.dtype != y.dtype:
        raise KernelError("[Select] condition must be bool and x, y of one dtype")
    try:
        outputs[0][...] = np.where(*np.broadcast_arrays(cond, x, y))
    except ValueError as e:
        raise KernelError(f"[Select] {e}") from None


@_kernel("gather")
def _gather(inputs, outputs, ints, floats):
    params, ids = inputs
    axis = int(ints[0])
    if not 0 <= axis < params.ndim:
        raise KernelError(f"[GatherV2] axis {axis} out of range")
    _check_ids("GatherV2", ids, params.shape[axis], "indices")
    _store(outputs[0], np.take(params, ids, axis=axis))


@_kernel("unsorted_segment_sum")
def _unsorted_segment_sum(inputs, outputs, ints, floats):
    data, ids = inputs
    out = outputs[0]
    if data.shape[: ids.ndim] != ids.shape:
        raise KernelError("[UnsortedSegmentSum] segment_ids must be a prefix of data's shape")
    if ids.dtype.kind != "i":
        raise KernelError("[UnsortedSegmentSum] segment_ids must be int32 or int64")
    big = np.argwhere(ids >= out.shape[0])
    if len(big):  # TF's message, the id's position as a multi-index
        at = ",".join(str(int(i)) for i in big[0])
        raise KernelError(
            f"[UnsortedSegmentSum] segment_ids[{at}] = {ids[tuple(big[0])]} is out of range "
            f"[0, {out.shape[0]})"
        )
    acc = np.zeros(out.shape, out.dtype)
    flat, rows = ids.reshape(-1), data.reshape((ids.size, *out.shape[1:]))
    keep = flat >= 0  # negative ids drop their rows, as TF
    np.add.at(acc, flat[keep], rows[keep])
    out[...] = acc


@_kernel("pad")
def _pad(inputs, outputs, ints, floats):
    (x,) = inputs
    if len(ints) != 2 * x.ndim or min(ints, default=0) < 0:
        raise KernelError(f"[Pad] paddings must be non-negative, shape [{x.ndim}, 2]")
    value = floats[0] if floats else 0
    if x.ndim == 0:
        outputs[0][...] = x
        return
    pads = [(int(ints[2 * d]), int(ints[2 * d + 1])) for d in range(x.ndim)]
    outputs[0][...] = np.pad(x, pads, constant_values=np.array(value).astype(x.dtype))


@_kernel("range")
def _range(inputs, outputs, ints, floats):
    start, limit, delta = (a.reshape(()) for a in inputs)
    if delta == 0:
        raise KernelError("[Range] Requires delta != 0")
    if (delta > 0 and start > limit) or (delta < 0 and start < limit):
        raise KernelError("[Range] Requires start <= limit when delta > 0 (>= when delta < 0)")
    out = outputs[0]
    i = np.arange(out.size).astype(out.dtype)
    out[...] = (start + i * delta).astype(out.dtype)
