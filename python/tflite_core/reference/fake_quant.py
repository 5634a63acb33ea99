"""Fake quantization kernels (``cpp/fake_quant.cc``): ``fake_quant`` (x; floats [min, max], ints
[num_bits, narrow_range]), ``fake_quant_grad`` (dy, x), ``fake_quant_vars`` (x, min, max: scalars
or one per last-dimension channel), ``fake_quant_vars_grad`` (dy, x, min, max -> dx, dmin, dmax).
The range is nudged so that 0 is a level; values are clamped and rounded half up, in float32.
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel

F = np.float32


def _nudge(mn, mx, bits, narrow):
    qmin, qmax = F(1.0 if narrow else 0.0), F((1 << bits) - 1)
    mn, mx = F(mn), F(mx)
    scale = F((mx - mn) / (qmax - qmin))
    zp_from_min = F(qmin - mn / scale)
    if zp_from_min < qmin:
        zp = qmin
    elif zp_from_min > qmax:
        zp = qmax
    else:
        zp = F(np.sign(zp_from_min) * np.floor(np.abs(zp_from_min) + F(0.5)))  # std::round
    return F((qmin - zp) * scale), F((qmax - zp) * scale), scale


def _bits(op, ints):
    bits = int(ints[0])
    if not 2 <= bits <= 16:
        raise KernelError(f"[{op}] num_bits must be between 2 and 16, inclusive")
    return bits, bool(ints[1])


def _quant(x, lo, hi, scale):
    c = (np.minimum(np.maximum(x, lo), hi) - lo).astype(F)
    return (np.floor(c * (F(1.0) / scale) + F(0.5)) * scale + lo).astype(F)


def _ranges(op, x, mn, mx):
    if x.dtype != F or mn.dtype != F or mx.dtype != F:
        raise KernelError(f"[{op}] inputs, min and max must be float32")
    ch = mn.size
    if mx.size != ch:
        raise KernelError(f"[{op}] min and max must have the same shape")
    if ch != 1 or mn.ndim == 1:
        depth = x.shape[-1] if x.ndim else 1
        if mn.ndim != 1 or depth != ch:
            raise KernelError(f"[{op}] min and max must be vectors of the inputs' last dimension")
    return mn.reshape(-1), mx.reshape(-1)


@_kernel("fake_quant")
def _fake_quant(inputs, outputs, ints, floats):
    (x,) = inputs
    op = "FakeQuantWithMinMaxArgs"
    bits, narrow = _bits(op, ints)
    if x.dtype != F:
        raise KernelError(f"[{op}] inputs must be float32")
    if not floats[0] < floats[1]:
        raise KernelError(f"[{op}] min has to be smaller than max")
    outputs[0][...] = _quant(x, *_nudge(floats[0], floats[1], bits, narrow))


@_kernel("fake_quant_grad")
def _fake_quant_grad(inputs, outputs, ints, floats):
    dy, x = inputs
    op = "FakeQuantWithMinMaxArgsGradient"
    bits, narrow = _bits(op, ints)
    if dy.dtype != F or dy.shape != x.shape:
        raise KernelError(f"[{op}] gradients and inputs must be float32 of one shape")
    if not floats[0] < floats[1]:
        raise KernelError(f"[{op}] min has to be smaller than max")
    lo, hi, _ = _nudge(floats[0], floats[1], bits, narrow)
    outputs[0][...] = np.where((x >= lo) & (x <= hi), dy, F(0))


def _per_channel(mn, mx, bits, narrow, op):
    out = [(F(0), F(0), F(1))] if not mn.size else []  # (no channels: nothing to quantize)
    for a, b in zip(mn, mx):
        if a > b:
            raise KernelError(f"[{op}] min has to be smaller than max")
        out.append(_nudge(a, b, bits, narrow))
    lo, hi, scale = (np.array(v, F) for v in zip(*out))
    return lo, hi, scale


@_kernel("fake_quant_vars")
def _fake_quant_vars(inputs, outputs, ints, floats):
    x, mn, mx = inputs
    op = "FakeQuantWithMinMaxVars"
    mn, mx = _ranges(op, x, mn, mx)
    bits, narrow = _bits(op, ints)
    lo, hi, scale = _per_channel(mn, mx, bits, narrow, op)
    if mn.size == 1:
        lo, hi, scale = lo[0], hi[0], scale[0]
    outputs[0][...] = _quant(x, lo, hi, scale)


@_kernel("fake_quant_vars_grad")
def _fake_quant_vars_grad(inputs, outputs, ints, floats):
    dy, x, mn, mx = inputs
    op = "FakeQuantWithMinMaxVarsGradient"
    if dy.shape != x.shape:
        raise KernelError(f"[{op}] gradients and inputs must have one shape")
    mn, mx = _ranges(op, x, mn, mx)
    bits, narrow = _bits(op, ints)
    lo, hi, _ = _per_channel(mn, mx, bits, narrow, op)
    ch = mn.size
    if ch == 0 or x.size == 0:
        outputs[0][...] = 0
        outputs[1][...] = 0
        outputs[2][...] = 0
        return
    flat_x, flat_dy = x.reshape(-1, ch), dy.reshape(-1, ch)
    below, above = flat_x < lo, flat_x > hi
    outputs[0][...] = np.where(below | above, F(0), flat_dy).reshape(x.shape)
    outputs[1][...] = (
        (flat_dy.astype(np.float64) * below).sum(0).astype(F).reshape(outputs[1].shape)
    )
    outputs[2][...] = (
        (flat_dy.astype(np.float64) * above).sum(0).astype(F).reshape(outputs[2].shape)
    )
