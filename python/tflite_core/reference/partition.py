"""Kernels whose output sizes depend on the values (``cpp/partition.cc``): where
(np.argwhere), unique (y, idx [, count]; first appearance order, every NaN distinct),
list_diff, dynamic_partition and dynamic_stitch.
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel, _store


@_kernel("where")
def _where(inputs, outputs, ints, floats):
    (x,) = inputs
    if outputs[0].dtype != np.int64:
        raise KernelError("[Where] output must be int64")
    _store(outputs[0], np.argwhere(x).astype(np.int64))


def _key(v):
    return ("nan", object()) if isinstance(v, float) and v != v else (0.0 if v == 0 else v)


@_kernel("unique")
def _unique(inputs, outputs, ints, floats):
    (x,) = inputs
    op = "UniqueWithCounts" if len(outputs) == 3 else "Unique"
    if x.ndim != 1:
        raise KernelError(f"[{op}] unique expects a 1D vector.")
    seen: dict = {}
    ys: list = []
    idx: list[int] = []
    counts: list[int] = []
    for v in x.tolist():
        k = _key(v)
        j = seen.get(k)
        if j is None:
            j = seen[k] = len(ys)
            ys.append(v)
            counts.append(0)
        counts[j] += 1
        idx.append(j)
    if len(ys) != outputs[0].size:
        raise KernelError(f"[{op}] the output holds {outputs[0].size} values, found {len(ys)}")
    _store(outputs[0], np.array(ys, x.dtype))
    _store(outputs[1], np.array(idx, np.int64))
    if len(outputs) == 3:
        _store(outputs[2], np.array(counts, np.int64))


@_kernel("list_diff")
def _list_diff(inputs, outputs, ints, floats):
    x, y = inputs
    if x.ndim != 1 or y.ndim != 1:
        raise KernelError("[ListDiff] x and y should be 1D vectors.")
    keep = ~np.isin(x, y)
    if int(keep.sum()) != outputs[0].size:
        raise KernelError("[ListDiff] the output has the wrong size")
    _store(outputs[0], x[keep])
    _store(outputs[1], np.flatnonzero(keep))


@_kernel("dynamic_partition")
def _dynamic_partition(inputs, outputs, ints, floats):
    data, parts = inputs
    n = len(outputs)
    if parts.dtype != np.int32 or data.shape[: parts.ndim] != parts.shape:
        raise KernelError("[DynamicPartition] partitions must be int32, a prefix of data's shape")
    flat = parts.reshape(-1)
    bad = (flat < 0) | (flat >= n)
    if bad.any():
        k = int(np.argmax(bad))
        raise KernelError(f"[DynamicPartition] partitions[{k}] = {flat[k]} is not in [0, {n})")
    rows = data.reshape((flat.size, *data.shape[parts.ndim :]))
    for p in range(n):
        _store(outputs[p], rows[flat == p])


@_kernel("dynamic_stitch")
def _dynamic_stitch(inputs, outputs, ints, floats):
    n = len(inputs) // 2
    out = outputs[0]
    acc = np.zeros(out.shape, out.dtype)
    for m in range(n):
        ids, d = inputs[m], inputs[n + m]
        if ids.dtype != np.int32:
            raise KernelError("[DynamicStitch] indices must be int32")
        flat = ids.reshape(-1)
        for i, v in enumerate(flat):
            if v < 0 or v >= out.shape[0]:
                raise KernelError(
                    f"[DynamicStitch] indices[{m}][{i}] = {v} is not in [0, {out.shape[0]})"
                )
        rows = d.reshape((flat.size, *out.shape[1:]))
        for i, v in enumerate(flat):
            acc[v] = rows[i]
    out[...] = acc
