"""Bilinear resizing and its gradient (``cpp/image_resize.cc``): TF's ResizeBilinear and
ResizeBilinearGrad, NHWC; ints = [align_corners, half_pixel_centers].

Every step rounds to float32 as TF's kernels do: the scale ``(in - 1) / (out - 1)`` (aligned
corners, more than one output) or ``in / out``, the source position ``i * scale`` or
``(i + 0.5) * scale - 0.5`` (half-pixel centres), ``lower = max(floor, 0)``, ``upper =
min(ceil, in - 1)``, ``lerp = pos - floor``; then ``top = tl + (tr - tl) * x_lerp``, ``bottom =
bl + (br - bl) * x_lerp``, ``top + (bottom - top) * y_lerp``. An output of the input's size is
a copy. The gradient adds ``g * (1 - y_lerp) * (1 - x_lerp)`` (and the other three corners) in
TF's order, rows, then columns, then top-left, top-right, bottom-left, bottom-right, rounding
each sum to the output's dtype; a 1-pixel side spreads it as without ``align_corners``, as
TF 2.21's kernel does.
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel

F32 = np.float32


def _weights(out: int, size: int, align: bool, half: bool):
    """lower, upper (int64) and lerp (float32) of each output index along one axis."""
    scale = F32(size - 1) / F32(out - 1) if align and out > 1 else F32(size) / F32(out)
    i = np.arange(out).astype(F32)
    pos = (i + F32(0.5)) * scale - F32(0.5) if half else i * scale
    fl = np.floor(pos)
    lower = np.maximum(fl.astype(np.int64), 0)
    upper = np.minimum(np.ceil(pos).astype(np.int64), size - 1)
    return lower, upper, (pos - fl).astype(F32)


def _flags(op, ints):
    if len(ints) != 2:
        raise KernelError(f"[{op}] expects 2 integer attributes, got {len(ints)}")
    align, half = bool(ints[0]), bool(ints[1])
    if align and half:
        raise KernelError(f"[{op}] If half_pixel_centers is True, align_corners must be False.")
    return align, half


def _check_sides(op, image, resized, what):
    if image.ndim != 4 or resized.ndim != 4:
        raise KernelError(f"[{op}] {what} must be 4-dimensional")
    n, h, w, c = image.shape
    if resized.shape[0] != n or resized.shape[3] != c:
        raise KernelError(f"[{op}] batch and channels of {image.shape} and {resized.shape} differ")
    if h <= 0 or w <= 0 or resized.shape[1] <= 0 or resized.shape[2] <= 0:
        raise KernelError(f"[{op}] dimensions must be positive")


@_kernel("resize_bilinear")
def _resize_bilinear(inputs, outputs, ints, floats):
    op = "ResizeBilinear"
    align, half = _flags(op, ints)
    (x,), (y,) = inputs, outputs
    _check_sides(op, x, y, "input and output")
    if x.shape[3] <= 0:
        raise KernelError(f"[{op}] image must have at least one channel")
    if x.dtype != F32 or y.dtype != F32:
        raise KernelError(f"[{op}] images and output must be float32")
    _, h, w, _ = x.shape
    _, oh, ow, _ = y.shape
    if y.size == 0:
        return
    if (oh, ow) == (h, w):
        y[...] = x
        return
    y0, y1, yl = _weights(oh, h, align, half)
    x0, x1, xl = _weights(ow, w, align, half)
    xl = xl.reshape(1, 1, -1, 1)
    top, bottom = x[:, y0], x[:, y1]
    t = top[:, :, x0] + (top[:, :, x1] - top[:, :, x0]) * xl
    b = bottom[:, :, x0] + (bottom[:, :, x1] - bottom[:, :, x0]) * xl
    y[...] = t + (b - t) * yl.reshape(1, -1, 1, 1)


@_kernel("resize_bilinear_grad")
def _resize_bilinear_grad(inputs, outputs, ints, floats):
    op = "ResizeBilinearGrad"
    align, half = _flags(op, ints)
    (g,), (dx,) = inputs, outputs
    _check_sides(op, dx, g, "input_grad and original_image")
    if g.dtype != F32 or dx.dtype.kind != "f" or dx.dtype.itemsize not in (4, 8):
        raise KernelError(f"[{op}] unsupported dtype")
    n, h, w, c = dx.shape
    _, oh, ow, _ = g.shape
    if dx.size == 0:
        return
    y0, y1, yl = _weights(oh, h, align and h > 1, half)
    x0, x1, xl = _weights(ow, w, align and w > 1, half)
    iyl, ixl = F32(1) - yl, F32(1) - xl
    # every contribution, in TF's order: [n, oh, ow, corner, c]
    rows = np.stack([y0, y0, y1, y1], axis=-1)[None, :, None, :]  # [1, oh, 1, 4]
    cols = np.stack([x0, x1, x0, x1], axis=-1)[None, None, :, :]  # [1, 1, ow, 4]
    wy = np.stack([iyl, iyl, yl, yl], axis=-1)[None, :, None, :, None]
    wx = np.stack([ixl, xl, ixl, xl], axis=-1)[None, None, :, :, None]
    vals = (g[:, :, :, None, :] * wy) * wx  # float32, (g * y weight) * x weight
    b = np.arange(n).reshape(-1, 1, 1, 1)
    flat = ((b * h + rows) * w + cols)[..., None] * c + np.arange(c)  # [n, oh, ow, 4, c]
    flat = np.broadcast_to(flat, vals.shape)
    out = np.zeros(dx.size, dx.dtype)
    np.add.at(out, flat.reshape(-1), vals.reshape(-1).astype(dx.dtype))
    dx[...] = out.reshape(dx.shape)
