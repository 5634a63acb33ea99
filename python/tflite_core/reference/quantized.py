"""TFLite's int8 kernels (``cpp/quantized.cc``), with TFLite's integer arithmetic: each real
multiplier (scale_in * scale_filter / scale_out) becomes a Q31 multiplier and a shift
(``QuantizeMultiplier``), and products are rounded by ``SaturatingRoundingDoublingHighMul`` and
``RoundingDivideByPOT`` (``qconv2d``'s full convolutions and ``qfully_connected`` round the last
shift half up, as ruy's GEMM does), here in int64 NumPy.

``quantize`` (float32 -> int8; ints [zp, qmin, qmax], floats [scale]: x * (1 / scale) rounded
half to even, as TFLite's optimized kernel), ``dequantize`` (int8 ->
float32; ints [zp], floats [scale]), ``qconv2d`` (x, filter OHWI or depthwise [1, KH, KW, OC],
int32 bias; ints [strides h,w, dilations h,w, pads t,b,l,r, depthwise, x_zp, y_zp, act_min,
act_max], floats [a multiplier per output channel, or one]), ``qfully_connected`` (x [rows, in],
w [out, in], bias; ints [x_zp, w_zp, y_zp, act_min, act_max], floats [multipliers]), ``qadd``
(ints [a_zp, b_zp, y_zp, act_min, act_max], floats [a, b and y scales]), ``qmean`` (ints
[x_zp, y_zp, a 0/1 flag per input dimension], floats [x and y scales]), ``qsoftmax`` (ints
[y_zp], floats [x_scale * beta, y_scale]), ``qmax_pool`` (ints [window h,w, strides h,w, pads
t,b,l,r, act_min, act_max]).
"""

from __future__ import annotations

import math

import numpy as np

from .registry import KernelError, _kernel

I8, I32, F32 = np.dtype(np.int8), np.dtype(np.int32), np.dtype(np.float32)
INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def _check(op: str, arr: np.ndarray, dtype: np.dtype, what: str) -> None:
    if arr.dtype != dtype:
        raise KernelError(f"[{op}] {what} must be {dtype}, got {arr.dtype}")


def _bounds(op: str, lo: int, hi: int) -> None:
    if lo < -128 or hi > 127 or lo > hi:
        raise KernelError(f"[{op}] activation bounds [{lo}, {hi}] must lie in [-128, 127]")


def _zp(op: str, z: int) -> int:
    if not -128 <= z <= 127:
        raise KernelError(f"[{op}] zero point {z} is outside int8")
    return int(z)


def quantize_multiplier(real: float) -> tuple[int, int]:
    """TFLite's QuantizeMultiplier: real = m / 2^31 * 2^shift."""
    if real == 0.0 or not math.isfinite(real):
        return 0, 0
    q, shift = math.frexp(real)
    q_fixed = math.floor(q * (1 << 31) + 0.5)  # (llround; exact: q * 2^31 < 2^31)
    if q_fixed == 1 << 31:
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return INT32_MAX, 30
    return q_fixed, shift


def _trunc_div(x: np.ndarray, d: int) -> np.ndarray:
    """C's integer division (toward zero) of int64 x by d > 0."""
    return np.where(x >= 0, x // d, -((-x) // d))


def _high_mul(x, m, shift) -> tuple[np.ndarray, np.ndarray]:
    """x shifted left by max(shift, 0), then SaturatingRoundingDoublingHighMul by m; and the
    right shift still to apply (max(-shift, 0))."""
    x, m, shift = (np.asarray(v, np.int64) for v in (x, m, shift))
    left, right = np.maximum(shift, 0), np.maximum(-shift, 0)
    xs = np.clip(x * (np.int64(1) << left), INT32_MIN, INT32_MAX)
    saturate = (xs == INT32_MIN) & (m == INT32_MIN)
    ab = xs * m
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    return np.where(saturate, INT32_MAX, _trunc_div(ab + nudge, 1 << 31)), right


def multiply(x: np.ndarray, m: np.ndarray | int, shift: np.ndarray | int) -> np.ndarray:
    """TFLite's MultiplyByQuantizedMultiplier, elementwise on int64 arrays (int32 values): the
    right shift is RoundingDivideByPOT (half away from zero)."""
    high, right = _high_mul(x, m, shift)
    mask = (np.int64(1) << right) - 1
    remainder = high & mask
    threshold = (mask >> 1) + (high < 0)
    return (high >> right) + (remainder > threshold)


def multiply_ruy(x: np.ndarray, m: np.ndarray | int, shift: np.ndarray | int) -> np.ndarray:
    """The product as ruy's GEMM output stage rounds it (CONV_2D, FULLY_CONNECTED): the right
    shift rounds half up."""
    high, right = _high_mul(x, m, shift)
    half = np.where(right > 0, np.int64(1) << np.maximum(right - 1, 0), 0)
    return (high + half) >> right


def _multipliers(op: str, floats, channels: int) -> tuple[np.ndarray, np.ndarray]:
    if len(floats) not in (1, channels):
        raise KernelError(f"[{op}] expects 1 or {channels} multipliers, got {len(floats)}")
    for f in floats:
        if not (f >= 0 and math.isfinite(f)):
            raise KernelError(f"[{op}] multiplier {f} must be finite and >= 0")
    pairs = [quantize_multiplier(float(f)) for f in floats] * (channels if len(floats) == 1 else 1)
    m = np.array([p[0] for p in pairs], np.int64)
    s = np.array([p[1] for p in pairs], np.int64)
    return m, s


def _round_away(q: np.ndarray) -> np.ndarray:
    """std::round (half away from zero), exact in q's own precision."""
    r = np.trunc(q)
    return r + np.where(np.abs(q - r) >= 0.5, np.sign(q), 0).astype(q.dtype)


def _store(out: np.ndarray, v: np.ndarray, lo: int, hi: int) -> None:
    out[...] = np.clip(v, lo, hi).astype(out.dtype)


@_kernel("quantize")
def _quantize(inputs, outputs, ints, floats):
    op = "Quantize"
    (x,), (y,) = inputs, outputs
    _check(op, x, F32, "input")
    _check(op, y, I8, "output")
    if x.shape != y.shape:
        raise KernelError(f"[{op}] output shape {y.shape} differs")
    if len(ints) < 3 or not floats:
        raise KernelError(f"[{op}] missing integer attribute 0")
    zp, lo, hi = _zp(op, ints[0]), int(ints[1]), int(ints[2])
    _bounds(op, lo, hi)
    scale = np.float32(floats[0])
    if not (scale > 0 and np.isfinite(scale)):
        raise KernelError(f"[{op}] scale must be finite and > 0")
    with np.errstate(all="ignore"):
        v = np.round((x * (np.float32(1) / scale)).astype(F32)) + np.float32(zp)  # (half even)
        v = np.minimum(np.maximum(v, np.float32(lo)), np.float32(hi))
    y[...] = np.where(np.isnan(v), lo, v).astype(I8)


@_kernel("dequantize")
def _dequantize(inputs, outputs, ints, floats):
    op = "Dequantize"
    (x,), (y,) = inputs, outputs
    _check(op, x, I8, "input")
    _check(op, y, F32, "output")
    if x.shape != y.shape:
        raise KernelError(f"[{op}] output shape {y.shape} differs")
    if not ints or not floats:
        raise KernelError(f"[{op}] missing integer attribute 0")
    zp = _zp(op, ints[0])
    y[...] = np.float32(floats[0]) * (x.astype(np.int32) - zp).astype(F32)


def _weighted_operands(op, inputs, outputs, ints, n_ints, weights):
    """(x, weights, bias, y) of an int8 product op, their counts, dtypes and attributes checked."""
    if len(inputs) != 3 or len(outputs) != 1:
        raise KernelError(f"[{op}] expects 3 inputs and 1 output")
    (x, w, bias), (y,) = inputs, outputs
    if len(ints) != n_ints:
        raise KernelError(f"[{op}] expects {n_ints} integer attributes, got {len(ints)}")
    _check(op, x, I8, "input")
    _check(op, w, I8, weights)
    _check(op, bias, I32, "bias")
    _check(op, y, I8, "output")
    return x, w, bias, y


def _out_len(n, k, s, d, p0, p1):
    span = n + p0 + p1 - (k - 1) * d
    return 0 if span <= 0 else (span - 1) // s + 1


@_kernel("qconv2d")
def _qconv2d(inputs, outputs, ints, floats):
    op = "QuantizedConv2D"
    x, f, bias, y = _weighted_operands(op, inputs, outputs, ints, 13, "filter")
    if x.ndim != 4 or f.ndim != 4 or y.ndim != 4:
        raise KernelError(f"[{op}] input, filter and output must be 4-D")
    sh, sw, dh, dw, pt, pb, pl, pr, depthwise, xzp, yzp, lo, hi = (int(i) for i in ints)
    _zp(op, xzp)
    _zp(op, yzp)
    _bounds(op, lo, hi)
    if min(sh, sw, dh, dw) < 1 or min(pt, pb, pl, pr) < 0:
        raise KernelError(f"[{op}] strides and dilations must be >= 1, paddings >= 0")
    n, h, w, c = x.shape
    kh, kw = f.shape[1:3]
    oc = f.shape[3] if depthwise else f.shape[0]
    if (f.shape[0] != 1 or c == 0 or oc % c) if depthwise else f.shape[3] != c:
        raise KernelError(f"[{op}] filter {f.shape} does not fit input {x.shape}")
    if bias.shape != (oc,):
        raise KernelError(f"[{op}] bias must be [{oc}]")
    if c > 65536:
        raise KernelError(f"[{op}] more than 65536 input channels: {c}")
    oh, ow = _out_len(h, kh, sh, dh, pt, pb), _out_len(w, kw, sw, dw, pl, pr)
    if y.shape != (n, oh, ow, oc):
        raise KernelError(f"[{op}] output shape {y.shape} should be {(n, oh, ow, oc)}")
    m, s = _multipliers(op, floats, oc)
    if y.size == 0:
        return
    xc = np.pad(x.astype(np.int64) - xzp, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    acc = np.broadcast_to(bias.astype(np.int64), (n, oh, ow, oc)).copy()
    for a in range(kh):
        for b in range(kw):
            rows = slice(a * dh, a * dh + (oh - 1) * sh + 1, sh)
            cols = slice(b * dw, b * dw + (ow - 1) * sw + 1, sw)
            tap = xc[:, rows, cols]
            if depthwise:
                acc += np.repeat(tap, oc // c, axis=3) * f[0, a, b].astype(np.int64)
            else:
                acc += tap @ f[:, a, b, :].astype(np.int64).T
    acc = ((acc + (1 << 31)) % (1 << 32)) - (1 << 31)  # (int32 arithmetic)
    _store(y, (multiply if depthwise else multiply_ruy)(acc, m, s) + yzp, lo, hi)


@_kernel("qfully_connected")
def _qfully_connected(inputs, outputs, ints, floats):
    op = "QuantizedFullyConnected"
    x, w, bias, y = _weighted_operands(op, inputs, outputs, ints, 5, "weights")
    if x.ndim != 2 or w.ndim != 2 or y.ndim != 2:
        raise KernelError(f"[{op}] input, weights, output must be 2-D")
    if w.shape[1] != x.shape[1] or y.shape != (x.shape[0], w.shape[0]):
        raise KernelError(f"[{op}] shapes {x.shape} x {w.shape}^T -> {y.shape} disagree")
    if bias.shape != (w.shape[0],):
        raise KernelError(f"[{op}] bias must be [{w.shape[0]}]")
    xzp, wzp, yzp, lo, hi = (int(i) for i in ints)
    _zp(op, xzp)
    _zp(op, wzp)
    _zp(op, yzp)
    _bounds(op, lo, hi)
    m, s = _multipliers(op, floats, w.shape[0])
    acc = (x.astype(np.int64) - xzp) @ (w.astype(np.int64) - wzp).T + bias
    acc = ((acc + (1 << 31)) % (1 << 32)) - (1 << 31)
    _store(y, multiply_ruy(acc, m, s) + yzp, lo, hi)


@_kernel("qadd")
def _qadd(inputs, outputs, ints, floats):
    op = "QuantizedAdd"
    if len(inputs) != 2 or len(outputs) != 1:
        raise KernelError(f"[{op}] expects 2 inputs and 1 output")
    (a, b), (y,) = inputs, outputs
    for arr, what in ((a, "input 0"), (b, "input 1"), (y, "output")):
        _check(op, arr, I8, what)
    if a.shape != b.shape or a.shape != y.shape:
        raise KernelError(f"[{op}] inputs and output must have one shape")
    if len(ints) != 5 or len(floats) != 3:
        raise KernelError(f"[{op}] expects 5 integer and 3 real attributes")
    za, zb, zy, lo, hi = (int(i) for i in ints)
    _zp(op, za)
    _zp(op, zb)
    _zp(op, zy)
    _bounds(op, lo, hi)
    sa, sb, sy = (float(f) for f in floats)
    if not (sa > 0 and sb > 0 and sy > 0):
        raise KernelError(f"[{op}] scales must be > 0")
    twice_max = 2 * max(sa, sb)
    qa, qb = quantize_multiplier(sa / twice_max), quantize_multiplier(sb / twice_max)
    qy = quantize_multiplier(twice_max / ((1 << 20) * sy))
    va = multiply((a.astype(np.int64) - za) << 20, qa[0], qa[1])
    vb = multiply((b.astype(np.int64) - zb) << 20, qb[0], qb[1])
    _store(y, multiply(va + vb, qy[0], qy[1]) + zy, lo, hi)


@_kernel("qmean")
def _qmean(inputs, outputs, ints, floats):
    """LiteRT's QuantizedMeanOrSum: the sums of x - x_zp times the multiplier of
    x_scale / y_scale with the count folded in (one rounding multiply)."""
    op = "QuantizedMean"
    (x,), (y,) = inputs, outputs
    _check(op, x, I8, "input")
    _check(op, y, I8, "output")
    if len(ints) != 2 + x.ndim or len(floats) != 2:
        raise KernelError(f"[{op}] expects 2 + rank integer attributes and 2 scales")
    zx, zy = _zp(op, ints[0]), _zp(op, ints[1])
    axes = tuple(d for d in range(x.ndim) if ints[2 + d])
    count = int(np.prod([x.shape[d] for d in axes]))
    out_size = int(np.prod([x.shape[d] for d in range(x.ndim) if d not in axes]))
    if y.size != out_size:
        raise KernelError(f"[{op}] output has {y.size} elements, not {out_size}")
    if count == 0:
        raise KernelError(f"[{op}] mean over an empty axis")
    if not (floats[0] > 0 and floats[1] > 0):
        raise KernelError(f"[{op}] scales must be > 0")
    qm, qs = quantize_multiplier(float(floats[0]) / float(floats[1]))
    up = min(count.bit_length() - 1, 32, 31 + qs)
    qm, qs = (qm << up) // count, qs - up
    acc = np.clip(np.sum(x.astype(np.int64) - zx, axis=axes), INT32_MIN, INT32_MAX)
    _store(y, (multiply(acc, qm, qs) + zy).reshape(y.shape), -128, 127)


@_kernel("qsoftmax")
def _qsoftmax(inputs, outputs, ints, floats):
    op = "QuantizedSoftmax"
    (x,), (y,) = inputs, outputs
    _check(op, x, I8, "input")
    _check(op, y, I8, "output")
    if x.shape != y.shape or x.ndim < 1:
        raise KernelError(f"[{op}] input and output shapes differ")
    if not ints or len(floats) < 2:
        raise KernelError(f"[{op}] missing integer attribute 0")
    zy = _zp(op, ints[0])
    s, sy = np.float32(floats[0]), np.float32(floats[1])
    if not (sy > 0 and np.isfinite(sy) and np.isfinite(s)):
        raise KernelError(f"[{op}] scales must be finite, the output's > 0")
    if x.size == 0:
        return
    rows = x.reshape(-1, x.shape[-1]).astype(np.int64)
    table = np.exp(s * (np.arange(256) - 255).astype(F32)).astype(F32)
    t = table[255 - rows.max(axis=1, keepdims=True) + rows]  # exp(s (x - max))
    total = np.cumsum(t, axis=1, dtype=F32)[:, -1:]  # (summed in order, in float32)
    inv = (np.float32(1) / (total * sy)).astype(F32)
    p = np.minimum(_round_away((t * inv).astype(F32)), np.float32(1e9))
    v = np.where(np.isnan(p), np.float32(1e9), p).astype(np.int64) + zy
    _store(y, v.reshape(y.shape), -128, 127)


@_kernel("qmax_pool")
def _qmax_pool(inputs, outputs, ints, floats):
    op = "QuantizedMaxPool"
    (x,), (y,) = inputs, outputs
    _check(op, x, I8, "input")
    _check(op, y, I8, "output")
    if len(ints) != 10:
        raise KernelError(f"[{op}] expects 10 integer attributes")
    if x.ndim != 4 or y.ndim != 4:
        raise KernelError(f"[{op}] input and output must be 4-D")
    kh, kw, sh, sw, pt, pb, pl, pr, lo, hi = (int(i) for i in ints)
    _bounds(op, lo, hi)
    if min(kh, kw, sh, sw) < 1 or min(pt, pb, pl, pr) < 0 or max(pt, pb) >= kh or max(pl, pr) >= kw:
        raise KernelError(f"[{op}] bad window, strides or paddings")
    n, h, w, c = x.shape
    oh = max(0, (h + pt + pb - kh) // sh + 1) if h + pt + pb - kh >= 0 else 0
    ow = max(0, (w + pl + pr - kw) // sw + 1) if w + pl + pr - kw >= 0 else 0
    if y.shape != (n, oh, ow, c):
        raise KernelError(f"[{op}] output shape {y.shape} should be {(n, oh, ow, c)}")
    if y.size == 0:
        return
    xp = np.pad(x.astype(np.int64), ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=-128)
    out = np.full((n, oh, ow, c), -128, np.int64)
    for a in range(kh):
        for b in range(kw):
            rows, cols = slice(a, a + (oh - 1) * sh + 1, sh), slice(b, b + (ow - 1) * sw + 1, sw)
            out = np.maximum(out, xp[:, rows, cols])
    _store(y, out, lo, hi)
