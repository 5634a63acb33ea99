"""The op table's rows of the resizing kernels: ResizeBilinear (``tf.image.resize_bilinear``, a C++
kernel) and ResizeBilinearGrad (its gradient, through ``tf.gradients``), against per-element NumPy
loops that round as TF's kernels do. Gradients are checked on quarters and sizes whose scales are
powers of two, where every lerp and sum is exact in float32 (the op computes in float32 for any
input dtype, so central differences elsewhere would measure its rounding). Every row gets the
table's checks (``op_table.table_tests``); side by side with TF: test_image_resize_vs_tf.py.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_table import F32, F64, I32, I64, Row, table_tests

import tflite_core as tf

MODES = [(False, False), (True, False), (False, True)]  # (align_corners, half_pixel_centers)


# ---- NumPy references: TF's loops, element by element, in float32 --------------------------------
def _axis(out, size, align, half):
    f = np.float32
    scale = f(size - 1) / f(out - 1) if align and out > 1 else f(size) / f(out)
    res = []
    for i in range(out):
        pos = (f(i) + f(0.5)) * scale - f(0.5) if half else f(i) * scale
        lo = max(int(np.floor(pos)), 0)
        hi = min(int(np.ceil(pos)), size - 1)
        res.append((lo, hi, f(pos - np.floor(pos))))
    return res


def np_resize_bilinear(x, size, align_corners, half_pixel_centers):
    x = x.astype(np.float32)
    n, h, w, c = x.shape
    oh, ow = size
    if (oh, ow) == (h, w):
        return x
    out = np.empty((n, oh, ow, c), np.float32)
    xs = _axis(ow, w, align_corners, half_pixel_centers)
    for i, (y0, y1, yl) in enumerate(_axis(oh, h, align_corners, half_pixel_centers)):
        for j, (x0, x1, xl) in enumerate(xs):
            tl, tr, bl, br = x[:, y0, x0], x[:, y0, x1], x[:, y1, x0], x[:, y1, x1]
            top = tl + (tr - tl) * xl
            bottom = bl + (br - bl) * xl
            out[:, i, j] = top + (bottom - top) * yl
    return out


def np_resize_bilinear_grad(x, dy, size, align_corners, half_pixel_centers):
    """The gradient into ``x`` (TF's ResizeBilinearGrad, then the cast back to x's dtype)."""
    n, h, w, c = x.shape
    oh, ow = size
    f = np.float32
    dx = np.zeros((n, h, w, c), np.float32)
    ys = _axis(oh, h, align_corners and h > 1, half_pixel_centers)
    xs = _axis(ow, w, align_corners and w > 1, half_pixel_centers)
    for b in range(n):
        for i, (y0, y1, yl) in enumerate(ys):
            for j, (x0, x1, xl) in enumerate(xs):
                g = dy[b, i, j]
                dx[b, y0, x0] += g * (f(1) - yl) * (f(1) - xl)
                dx[b, y0, x1] += g * (f(1) - yl) * xl
                dx[b, y1, x0] += g * yl * (f(1) - xl)
                dx[b, y1, x1] += g * yl * xl
    return dx.astype(x.dtype)


# ---- draws ---------------------------------------------------------------------------------------
def _dyadic_out(ctx, size, align):
    """An output length whose scale (and so every position and lerp) is a power of two."""
    if align and size > 1:
        options = [size, 2 * size - 1, 4 * size - 3] + ([(size + 1) // 2] if size % 2 else [])
    else:
        options = [size, 2 * size, 4 * size] + ([size // 2] if size % 2 == 0 else [])
    return ctx.draw(st.sampled_from(options))


def _draw(ctx, with_grad):
    align, half = ctx.draw(st.sampled_from(MODES))
    lo = 0 if ctx.mode == "forward" else 1
    n, c = ctx.draw(st.integers(lo, 2)), ctx.draw(st.integers(1, 3))
    h, w = ctx.draw(st.integers(1, 5)), ctx.draw(st.integers(1, 5))
    if ctx.grad:
        oh, ow = _dyadic_out(ctx, h, align), _dyadic_out(ctx, w, align)
        x = ctx.grid((n, h, w, c), -8, 8) * 0.25  # quarters: exact sums, exact +-eps
    else:
        oh, ow = ctx.draw(st.integers(1, 7)), ctx.draw(st.integers(1, 7))
        x = ctx.values((n, h, w, c))
    kw = {"size": [oh, ow], "align_corners": align, "half_pixel_centers": half}
    if not with_grad:
        return [x], kw
    dy = ctx.values((n, oh, ow, c), dtype=np.float32)
    return [x, dy], kw


def build_grad(x, dy, size, align_corners, half_pixel_centers):
    y = tf.image.resize_bilinear(x, size, align_corners, half_pixel_centers=half_pixel_centers)
    return tf.gradients(y, x, grad_ys=dy)[0]


ROWS = [
    Row(
        "ResizeBilinear",
        lambda x, size, align_corners, half_pixel_centers: tf.image.resize_bilinear(
            x, size, align_corners, half_pixel_centers=half_pixel_centers
        ),
        np_resize_bilinear,
        lambda ctx: _draw(ctx, False),
        (F32, F64, I32, I64),
        eps=0.25,
    ),
    Row(
        "ResizeBilinearGrad",
        build_grad,
        np_resize_bilinear_grad,
        lambda ctx: _draw(ctx, True),
        (F32, F64),
        grad="none",
    ),
]
globals().update(table_tests(ROWS))
