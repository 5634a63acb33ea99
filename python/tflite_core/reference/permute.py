"""Kernels that move elements (``cpp/permute.cc``): reverse (ints = a flag per dim), roll (ints
= a shift per dim), reverse_sequence (ints = [seq_dim, batch_dim]), space_to_depth and
depth_to_space (NHWC; ints = [block]), space_to_batch_nd and batch_to_space_nd (ints = [M,
block[M], before/after per block dim]).
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel, _store


@_kernel("reverse")
def _reverse(inputs, outputs, ints, floats):
    (x,) = inputs
    if len(ints) != x.ndim:
        raise KernelError("[ReverseV2] expects one flag per dimension")
    axes = tuple(d for d, f in enumerate(ints) if f)
    _store(outputs[0], np.flip(x, axes) if axes else x)


@_kernel("roll")
def _roll(inputs, outputs, ints, floats):
    (x,) = inputs
    if len(ints) != x.ndim:
        raise KernelError("[Roll] expects one shift per dimension")
    for s, n in zip(ints, x.shape):
        if s < 0 or (n and s >= n):
            raise KernelError("[Roll] shift out of range")
    _store(outputs[0], np.roll(x, ints, tuple(range(x.ndim))) if x.ndim else x)


@_kernel("reverse_sequence")
def _reverse_sequence(inputs, outputs, ints, floats):
    x, lens = inputs
    sd, bd = ints
    if not (0 <= sd < x.ndim and 0 <= bd < x.ndim) or sd == bd:
        raise KernelError("[ReverseSequence] seq_dim and batch_dim must be distinct dims")
    if lens.ndim != 1 or lens.shape[0] != x.shape[bd]:
        raise KernelError("[ReverseSequence] Length of seq_lengths != input.dims(batch_dim)")
    for b, v in enumerate(lens):
        if v < 0:
            raise KernelError(f"[ReverseSequence] seq_lengths({b}) < 0")
        if v > x.shape[sd]:
            raise KernelError(f"[ReverseSequence] seq_lengths({b}) > input.dims({sd})")
    out = x.copy()
    for b, n in enumerate(lens):
        src: list = [slice(None)] * x.ndim
        src[bd] = b
        src[sd] = slice(0, int(n))
        out[tuple(src)] = np.flip(x[tuple(src)], sd - (bd < sd))
    _store(outputs[0], out)


@_kernel("space_to_depth")
def _space_to_depth(inputs, outputs, ints, floats):
    (x,) = inputs
    b = ints[0]
    if x.ndim != 4 or b < 2 or x.shape[1] % b or x.shape[2] % b:
        raise KernelError("[SpaceToDepth] bad input or block size")
    n, h, w, c = x.shape
    y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    _store(outputs[0], y.reshape(n, h // b, w // b, b * b * c))


@_kernel("depth_to_space")
def _depth_to_space(inputs, outputs, ints, floats):
    (x,) = inputs
    b = ints[0]
    if x.ndim != 4 or b < 2 or x.shape[3] % (b * b):
        raise KernelError("[DepthToSpace] bad input or block size")
    n, h, w, d = x.shape
    c = d // (b * b)
    y = x.reshape(n, h, w, b, b, c).transpose(0, 1, 3, 2, 4, 5)
    _store(outputs[0], y.reshape(n, h * b, w * b, c))


def _blocks(op, ints, rank):
    m = ints[0] if ints else 0
    if m < 1 or m >= rank or len(ints) != 1 + 3 * m:
        raise KernelError(f"[{op}] block_shape must have between 1 and rank - 1 elements")
    block = list(ints[1 : 1 + m])
    pads = np.asarray(ints[1 + m :]).reshape(m, 2)
    if min(block) < 1 or (pads < 0).any():
        raise KernelError(f"[{op}] block_shape must be positive and pads non-negative")
    return m, block, pads


def _s2b(x, block, pads):
    """TF's SpaceToBatchND: pad, split each spatial dim into (out, block), move blocks first."""
    m = len(block)
    x = np.pad(x, [(0, 0), *[tuple(p) for p in pads], *[(0, 0)] * (x.ndim - 1 - m)])
    b = x.shape[0]
    shp = [b]
    for i, k in enumerate(block):
        if x.shape[1 + i] % k:
            raise KernelError("[SpaceToBatchND] padded shape not divisible by block_shape")
        shp += [x.shape[1 + i] // k, k]
    rest = list(x.shape[1 + m :])
    y = x.reshape(shp + rest)
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)]
    perm += list(range(1 + 2 * m, y.ndim))
    y = y.transpose(perm)
    return y.reshape([b * int(np.prod(block)), *[shp[1 + 2 * i] for i in range(m)], *rest])


@_kernel("space_to_batch_nd")
def _space_to_batch_nd(inputs, outputs, ints, floats):
    (x,) = inputs
    _, block, pads = _blocks("SpaceToBatchND", ints, x.ndim)
    _store(outputs[0], _s2b(x, block, pads))


@_kernel("extract_image_patches")
def _extract_image_patches(inputs, outputs, ints, floats):
    (x,) = inputs
    out = outputs[0]
    if x.ndim != 4 or len(ints) != 8 or min(ints[:6]) < 1:
        raise KernelError("[ExtractImagePatches] bad input or attributes")
    kr, kc, sr, sc, rr, rc, top, left = ints
    b, h, w, d = x.shape
    _, orows, ocols, depth = out.shape
    if depth != kr * kc * d or out.shape[0] != b:
        raise KernelError("[ExtractImagePatches] output does not match the input")
    res = np.zeros((b, orows, ocols, kr, kc, d), x.dtype)
    for i in range(kr):
        for j in range(kc):
            for r in range(orows):
                for c in range(ocols):
                    y, xx = r * sr + i * rr - top, c * sc + j * rc - left
                    if 0 <= y < h and 0 <= xx < w:
                        res[:, r, c, i, j] = x[:, y, xx]
    _store(out, res)


@_kernel("extract_volume_patches")
def _extract_volume_patches(inputs, outputs, ints, floats):
    (x,) = inputs
    out = outputs[0]
    if x.ndim != 5 or len(ints) != 9 or min(ints[:6]) < 1:
        raise KernelError("[ExtractVolumePatches] bad input or attributes")
    k, s, before = ints[:3], ints[3:6], ints[6:]
    dims = x.shape[1:4]
    outs = out.shape[1:4]
    if out.shape[4] != k[0] * k[1] * k[2] * x.shape[4] or out.shape[0] != x.shape[0]:
        raise KernelError("[ExtractVolumePatches] output does not match the input")
    res = np.zeros((x.shape[0], *outs, *k, x.shape[4]), x.dtype)
    for o in np.ndindex(*outs):
        for w in np.ndindex(*k):
            pos = [o[a] * s[a] + w[a] - before[a] for a in range(3)]
            if all(0 <= pos[a] < dims[a] for a in range(3)):
                dst, src = (slice(None), *o, *w), (slice(None), *pos)
                res[dst] = x[src]
    _store(out, res)


@_kernel("batch_to_space_nd")
def _batch_to_space_nd(inputs, outputs, ints, floats):
    (x,) = inputs
    m, block, crops = _blocks("BatchToSpaceND", ints, x.ndim)
    out = outputs[0]
    n = int(np.prod(block))
    if x.shape[0] % n or out.shape[0] * n != x.shape[0]:
        raise KernelError("[BatchToSpaceND] batch not divisible by the blocks")
    b = x.shape[0] // n
    rest = list(x.shape[1 + m :])
    y = x.reshape([*block, b, *x.shape[1 : 1 + m], *rest])
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(2 * m + 1, y.ndim))
    y = y.transpose(perm).reshape([b, *[x.shape[1 + i] * block[i] for i in range(m)], *rest])
    sl = [slice(None)] + [
        slice(int(crops[i, 0]), y.shape[1 + i] - int(crops[i, 1])) for i in range(m)
    ]
    y = y[tuple(sl)]
    if y.shape != out.shape:
        raise KernelError("[BatchToSpaceND] output shape does not match the crops")
    _store(out, y)
