"""Nd indexing kernels (``cpp/scatter.cc``): gather_nd, scatter_nd, tensor_scatter (ints =
[mode]) and scatter_ref (in place on outputs[0]; ints = [mode, nd]). Modes: 0 update, 1 add,
2 sub, 3 max, 4 min, 5 mul, 6 div; duplicates are applied in index order.
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _check_ids, _kernel, _store

_TENSOR_SCATTER = tuple(f"TensorScatter{k}" for k in ("Update", "Add", "Sub", "Max", "Min"))
_REF = ("Update", "Add", "Sub", "Max", "Min", "Mul", "Div")


def _rows(op: str, indices: np.ndarray, shape: tuple, what: str) -> list[tuple]:
    """The nd index rows of ``indices`` as tuples, each checked against ``shape``."""
    if indices.dtype.kind != "i":
        raise KernelError(f"[{op}] indices must be int32 or int64")
    if indices.ndim < 1:
        raise KernelError(f"[{op}] indices must be at least 1-D")
    depth = indices.shape[-1]
    if depth > len(shape):
        raise KernelError(f"[{op}] index innermost dimension length must be <= params rank")
    flat = indices.reshape(int(np.prod(indices.shape[:-1])), depth)
    out = []
    for r, row in enumerate(flat):
        if any(v < 0 or v >= shape[j] for j, v in enumerate(row)):
            at = ",".join(str(int(i)) for i in np.unravel_index(r, indices.shape[:-1]))
            vals = ", ".join(str(int(v)) for v in row)
            dims = ",".join(str(d) for d in shape)
            raise KernelError(
                f"[{op}] indices[{at}] = [{vals}] does not index into {what} [{dims}]"
            )
        out.append(tuple(int(v) for v in row))
    return out


@_kernel("gather_nd")
def _gather_nd(inputs, outputs, ints, floats):
    params, indices = inputs
    rows = _rows("GatherNd", indices, params.shape, "param shape")
    depth = indices.shape[-1]
    slices = [params[r] for r in rows]
    res = np.stack(slices) if slices else np.empty((0, *params.shape[depth:]), params.dtype)
    _store(outputs[0], res)


def _combine(op, dst, v, mode):
    if mode == 0:
        return v
    if mode == 1:
        return dst + v
    if mode == 2:
        return dst - v
    if mode == 3:
        return np.maximum(dst, v)
    if mode == 4:
        return np.minimum(dst, v)
    if mode == 5:
        return dst * v
    if mode == 6:
        if dst.dtype.kind == "i":
            if np.any(v == 0):
                raise KernelError(f"[{op}] division by zero")
            q = np.abs(dst) // np.abs(v)  # C's truncating division
            return (np.sign(dst) * np.sign(v) * q).astype(dst.dtype)
        return dst / v
    raise KernelError(f"[{op}] unknown scatter mode {mode}")


def _scatter(op, target, indices, updates, mode, what="shape", scalar=False):
    rows = _rows(op, indices, target.shape, what)
    depth = indices.shape[-1]
    inner = target.shape[depth:]
    if not scalar and updates.size != len(rows) * int(np.prod(inner, dtype=np.int64)):
        raise KernelError(f"[{op}] updates {updates.shape} has the wrong size")
    if target.dtype == np.bool_ and mode != 0:
        raise KernelError(f"[{op}] unsupported dtype bool")
    u = updates.reshape(-1) if scalar else updates.reshape((len(rows), *inner))
    for k, r in enumerate(rows):
        target[r] = _combine(op, target[r], u[0] if scalar else u[k], mode)


def _check_not_empty(op, indices, updates, target):
    """As TF: updates need indices (index depth 0 included) and a non-empty target."""
    some = indices.size > 0 or updates.size > 0
    if (target.size == 0 and some) or (indices.size == 0 and updates.size > 0):
        raise KernelError(f"[{op}] Indices and updates specified for empty output shape")


@_kernel("scatter_nd")
def _scatter_nd(inputs, outputs, ints, floats):
    indices, updates = inputs
    out = outputs[0]
    _check_not_empty("ScatterNd", indices, updates, out)
    if out.dtype == np.bool_:
        raise KernelError("[ScatterNd] unsupported dtype bool")
    acc = np.zeros(out.shape, out.dtype)
    _scatter("ScatterNd", acc, indices, updates, 1)
    out[...] = acc


@_kernel("tensor_scatter")
def _tensor_scatter(inputs, outputs, ints, floats):
    tensor, indices, updates = inputs
    mode = int(ints[0])
    op = _TENSOR_SCATTER[mode] if 0 <= mode < 5 else "TensorScatter"
    _check_not_empty(op, indices, updates, tensor)
    acc = tensor.copy()
    _scatter(op, acc, indices, updates, mode)
    outputs[0][...] = acc


@_kernel("scatter_ref")
def _scatter_ref(inputs, outputs, ints, floats):
    indices, updates = inputs
    mode, nd = int(ints[0]), int(ints[1])
    op = ("ScatterNd" if nd else "Scatter") + (_REF[mode] if 0 <= mode < 7 else "")
    ref = outputs[0]
    if nd:
        acc = ref.copy()
        _scatter(op, acc, indices, updates, mode)
        ref[...] = acc
        return
    if ref.ndim < 1:
        raise KernelError(f"[{op}] params must be at least 1-D")
    _check_ids(op, indices, ref.shape[0], "indices")
    scalar = updates.ndim == 0
    acc = ref.copy()
    _scatter(op, acc, indices.reshape(-1, 1), updates, mode, scalar=scalar)
    ref[...] = acc
