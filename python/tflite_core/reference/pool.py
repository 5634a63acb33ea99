"""Max and average pooling and their gradients (``cpp/pool.cc``)."""

from __future__ import annotations

import numpy as np

from .conv import _float_check, _out_len, _taps
from .registry import Kernel, KernelError, _kernel


def _pool_geom(op, x, y, ints):
    if len(x) != 4 or len(y) != 4 or len(ints) != 8:
        raise KernelError(f"[{op}] input and output must be 4-D, with 8 integer attributes")
    kh, kw, sh, sw, pt, pb, pl, pr = (int(i) for i in ints)
    if min(kh, kw, sh, sw) < 1 or min(pt, pb, pl, pr) < 0 or max(pt, pb) >= kh or max(pl, pr) >= kw:
        raise KernelError(f"[{op}] bad window, strides or paddings {list(ints)}")
    oh, ow = _out_len(x[1], kh, sh, 1, pt, pb), _out_len(x[2], kw, sw, 1, pl, pr)
    if oh * ow > 0 and (x[1] == 0 or x[2] == 0):
        raise KernelError(f"[{op}] windows over an empty input")
    if tuple(y) != (x[0], oh, ow, x[3]):
        raise KernelError(f"[{op}] output shape {tuple(y)} should be {(x[0], oh, ow, x[3])}")
    return dict(k_hw=(kh, kw), strides=(sh, sw), dilations=(1, 1), out_hw=(oh, ow)), (
        (0, 0),
        (pt, pb),
        (pl, pr),
        (0, 0),
    )


def _first_max(x, taps, pads):
    """Per output element: the index of the tap holding the window's first maximum."""
    xp = np.pad(x.astype(np.float64), pads)
    valid = np.pad(np.ones(x.shape, bool), pads)
    best = np.zeros(xp[taps[0][2]].shape)
    arg = np.full(best.shape, -1)
    seen = np.zeros(best.shape, bool)
    for k, (_, _, idx) in enumerate(taps):
        v, ok = xp[idx], valid[idx]
        take = ok & (~seen | (v > best))
        best, arg, seen = np.where(take, v, best), np.where(take, k, arg), seen | ok
    return best, arg


def _make_pool(op: str) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        out = outputs[0]
        if op == "MaxPoolGrad":
            x, y, g = inputs
            geo, pads = _pool_geom(op, x.shape, y.shape, ints)
            if g.shape != y.shape or out.shape != x.shape:
                raise KernelError(f"[{op}] shape mismatch")
        elif op == "MaxPoolGradGrad":
            x, y, g = inputs
            geo, pads = _pool_geom(op, x.shape, y.shape, ints)
            if g.shape != x.shape or out.shape != y.shape:
                raise KernelError(f"[{op}] shape mismatch")
        elif op == "AvgPoolGrad":
            (g,) = inputs
            x = out
            geo, pads = _pool_geom(op, out.shape, g.shape, ints)
        else:
            (x,) = inputs
            geo, pads = _pool_geom(op, x.shape, out.shape, ints)
        _float_check(op, *inputs, out)
        if out.size == 0:
            return
        taps = list(_taps(**geo))
        if geo["out_hw"][0] * geo["out_hw"][1] == 0:
            out[...] = 0
            return
        ones = np.pad(np.ones(x.shape), pads)
        count = sum(ones[idx] for _, _, idx in taps)
        _n, h, w, _ = x.shape
        pt, pl = pads[1][0], pads[2][0]
        if op == "MaxPool":
            out[...] = _first_max(x, taps, pads)[0]
        elif op == "AvgPool":
            xp = np.pad(x.astype(np.float64), pads)
            out[...] = sum(xp[idx] for _, _, idx in taps) / count
        elif op == "MaxPoolGradGrad":
            _, arg = _first_max(x, taps, pads)
            gp = np.pad(g.astype(np.float64), pads)
            out[...] = sum(np.where(arg == k, gp[idx], 0.0) for k, (_, _, idx) in enumerate(taps))
        else:
            dxp = np.zeros(ones.shape)
            gd = g.astype(np.float64)
            if op == "MaxPoolGrad":
                _, arg = _first_max(x, taps, pads)
                for k, (_, _, idx) in enumerate(taps):
                    dxp[idx] += np.where(arg == k, gd, 0.0)
            else:
                for _, _, idx in taps:
                    dxp[idx] += gd / count
            out[...] = dxp[:, pt : pt + h, pl : pl + w]

    return kernel


for _name, _op in (
    ("max_pool", "MaxPool"),
    ("avg_pool", "AvgPool"),
    ("max_pool_grad", "MaxPoolGrad"),
    ("max_pool_grad_grad", "MaxPoolGradGrad"),
    ("avg_pool_grad", "AvgPoolGrad"),
):
    _kernel(_name)(_make_pool(_op))
