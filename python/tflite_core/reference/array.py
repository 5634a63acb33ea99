"""Data movement (``cpp/array.cc``): transpose, strided slices, concat and split.

``strided_slice`` takes ``ints = begin[nd] + strides[nd] + sizes[nd]`` (per input
dimension); ``strided_slice_grad`` uses the same encoding against its output's shape.
``concat``/``split`` take ``ints = [axis]``; ``split`` writes the pieces in the given
outputs.
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel, _store


@_kernel("transpose")
def _transpose(inputs, outputs, ints, floats):
    (x,) = inputs
    if sorted(ints) != list(range(x.ndim)):
        raise KernelError(f"[Transpose] perm {ints} is not a permutation of 0..{x.ndim - 1}")
    r = np.transpose(x, ints)
    if r.shape != outputs[0].shape:
        raise KernelError("[Transpose] output shape mismatch")
    outputs[0][...] = r


def _slice_index(op: str, shape: tuple, ints: list) -> tuple:
    """Index arrays (for ``np.ix_``) from ``begin + strides + sizes`` against ``shape``."""
    nd = len(shape)
    if len(ints) != 3 * nd:
        raise KernelError(f"[{op}] expects begin, strides and sizes for {nd} dims")
    idx = []
    for d in range(nd):
        b, s, n = ints[d], ints[nd + d], ints[2 * nd + d]
        if n < 0:
            raise KernelError(f"[{op}] negative size in dim {d}")
        if n > 0:
            last = b + (n - 1) * s
            if not (0 <= b < shape[d] and 0 <= last < shape[d]):
                raise KernelError(f"[{op}] slice out of bounds in dim {d} of {shape}")
        idx.append(b + s * np.arange(n, dtype=np.int64))
    return np.ix_(*idx) if nd else ()


def _runtime_begin(x, begin, ints: list) -> list:
    """``ints`` with Slice's begin taken from ``begin`` (read when it runs), checked in TF's
    words (the size part stays)."""
    nd = x.ndim
    if begin.ndim != 1 or begin.shape[0] != nd:
        raise KernelError(
            f"[Slice] Expected begin and size arguments to be 1-D tensors of size {nd}, but got "
            f"shape {list(begin.shape)} for begin"
        )
    if begin.dtype not in (np.int32, np.int64):
        raise KernelError(f"[Slice] begin must be int32 or int64, got {begin.dtype}")
    if len(ints) != 3 * nd:
        raise KernelError(f"[Slice] expects begin, strides and sizes for {nd} dims")
    b = [int(v) for v in begin]
    for d in range(nd):
        n = ints[2 * nd + d]
        if not 0 <= b[d] <= x.shape[d]:
            raise KernelError(f"[Slice] Expected begin[{d}] in [0, {x.shape[d]}], but got {b[d]}")
        if n > x.shape[d] - b[d]:
            raise KernelError(
                f"[Slice] Expected size[{d}] in [0, {x.shape[d] - b[d]}], but got {n}"
            )
    return b + list(ints[nd:])


@_kernel("strided_slice")
def _strided_slice(inputs, outputs, ints, floats):
    x = inputs[0]
    op = "StridedSlice"
    if len(inputs) == 2:  # (Slice with its begin known only when it runs)
        ints, op = _runtime_begin(x, inputs[1], ints), "Slice"
    elif len(inputs) != 1:
        raise KernelError(f"[StridedSlice] expects 1 or 2 inputs, got {len(inputs)}")
    _store(outputs[0], x[_slice_index(op, x.shape, ints)])


@_kernel("strided_slice_grad")
def _strided_slice_grad(inputs, outputs, ints, floats):
    # dx = zeros(dx.shape); dx[begin::stride] = dy. inputs[0] = dy, outputs[0] = dx.
    (dy,) = inputs
    dx = outputs[0]
    idx = _slice_index("StridedSliceGrad", dx.shape, ints)
    sizes = ints[2 * dx.ndim :]
    if dy.size != int(np.prod(sizes)):
        raise KernelError("[StridedSliceGrad] dy does not hold the slice")
    dx[...] = 0
    dx[idx] = dy.reshape(sizes)


def _axis(op: str, ints: list, rank: int) -> int:
    if not ints:
        raise KernelError(f"[{op}] missing integer attribute 0")
    a = ints[0] + rank if ints[0] < 0 else ints[0]
    if not 0 <= a < rank:
        raise KernelError(f"[{op}] axis out of range for rank {rank}")
    return a


@_kernel("concat")
def _concat(inputs, outputs, ints, floats):
    out = outputs[0]
    a = _axis("ConcatV2", ints, out.ndim)
    try:
        r = np.concatenate(inputs, axis=a)
    except ValueError as e:
        raise KernelError(f"[ConcatV2] {e}") from None
    if r.shape != out.shape or r.dtype != out.dtype:
        raise KernelError("[ConcatV2] pieces do not add up to the output")
    out[...] = r


@_kernel("split")
def _split(inputs, outputs, ints, floats):
    (x,) = inputs
    a = _axis("Split", ints, x.ndim)
    if sum(o.shape[a] for o in outputs) != x.shape[a]:
        raise KernelError("[Split] pieces do not add up to the input")
    cuts = np.cumsum([o.shape[a] for o in outputs])[:-1]
    for o, piece in zip(outputs, np.split(x, cuts, axis=a)):
        if o.shape != piece.shape or o.dtype != x.dtype:
            raise KernelError(f"[Split] output {o.shape} does not match piece {piece.shape}")
        o[...] = piece


@_kernel("tile")
def _tile(inputs, outputs, ints, floats):
    (x,) = inputs
    if len(ints) != x.ndim:
        raise KernelError(f"[Tile] expects multiples for each of the {x.ndim} dimensions")
    for d, m in enumerate(ints):
        if m < 0:
            raise KernelError(f"[Tile] Expected multiples[{d}] >= 0, but got {m}")
    r = np.tile(x, ints) if x.ndim else x.copy()
    if r.shape != outputs[0].shape:
        raise KernelError("[Tile] output shape mismatch")
    outputs[0][...] = r


@_kernel("invert_permutation")
def _invert_permutation(inputs, outputs, ints, floats):
    (x,) = inputs
    n = x.size
    seen = np.zeros(n, bool)
    for v in x.reshape(-1):
        if not 0 <= v < n:
            raise KernelError(f"[InvertPermutation] {v} is not between 0 and {n}")
        if seen[v]:
            raise KernelError(f"[InvertPermutation] {v} is duplicated in the input.")
        seen[v] = True
    outputs[0][...] = np.argsort(x).astype(x.dtype)


@_kernel("identity_n")
def _identity_n(inputs, outputs, ints, floats):
    if len(inputs) != len(outputs):
        raise KernelError("[IdentityN] expects as many outputs as inputs")
    for x, out in zip(inputs, outputs):
        if x.dtype != out.dtype or x.shape != out.shape:
            raise KernelError("[IdentityN] shape or dtype mismatch")
        out[...] = x
