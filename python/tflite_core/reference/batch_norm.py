"""Fused batch normalization (``cpp/batch_norm.cc``): ``fused_batch_norm`` (x, scale, offset,
mean, variance -> y, batch_mean, batch_variance, reserve_1, reserve_2, reserve_3) and
``fused_batch_norm_grad`` (dy, x, scale, reserve_1, reserve_2 -> dx, dscale, doffset, reserve_4,
reserve_5); ints ``[is_training, channels_last]``, floats ``[epsilon, exponential_avg_factor]``.

The channel axis is the last one (channels_last) or the second; statistics in float64 over the
other axes; an empty batch's statistics are NaN in training.
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _float_only, _kernel, _store


def _axes(op: str, x: np.ndarray, channels_last: bool) -> tuple[int, tuple[int, ...]]:
    if x.ndim < 2:
        raise KernelError(f"[{op}] input must have rank >= 2, got {list(x.shape)}")
    c = x.ndim - 1 if channels_last else 1
    return c, tuple(a for a in range(x.ndim) if a != c)


def _vector(op: str, v: np.ndarray, n: int, dtype, what: str) -> None:
    if v.dtype != dtype or v.shape != (n,):
        raise KernelError(f"[{op}] {what} must be a vector of {n} channels")


@_kernel("fused_batch_norm")
def _fused_batch_norm(inputs, outputs, ints, floats):
    op = "FusedBatchNormV3"
    x, scale, offset, mean_in, var_in = inputs
    _float_only(op, x)
    training, last = bool(ints[0]), bool(ints[1])
    eps, factor = floats[0], floats[1]
    c, axes = _axes(op, x, last)
    depth = x.shape[c]
    for v, what in ((scale, "scale"), (offset, "offset")):
        _vector(op, v, depth, x.dtype, what)
    if not training or factor != 1.0:
        _vector(op, mean_in, depth, x.dtype, "mean")
        _vector(op, var_in, depth, x.dtype, "variance")
    n = int(np.prod([x.shape[a] for a in axes]))
    if training and n == 0:
        for out in outputs[1:5]:
            out[...] = np.nan
        return
    bshape = [-1 if a == c else 1 for a in range(x.ndim)]
    x64 = x.astype(np.float64)
    if training:
        mean = x64.mean(axes)
        var = ((x64 - mean.astype(x.dtype).reshape(bshape)) ** 2).mean(axes)
    else:
        mean, var = mean_in.astype(np.float64), var_in.astype(np.float64)
    r = (1 / np.sqrt(var.astype(x.dtype) + x.dtype.type(eps))).astype(x.dtype)
    mul = (r * scale).astype(np.float64)
    add = (offset - mean.astype(x.dtype) * mul.astype(x.dtype)).astype(np.float64)
    _store(
        outputs[0], x * mul.astype(x.dtype).reshape(bshape) + add.astype(x.dtype).reshape(bshape)
    )
    bessel = n / max(n - 1, 1)
    _store(outputs[3], mean)
    _store(outputs[4], var)
    if not training:
        _store(outputs[1], mean)
        _store(outputs[2], var)
    elif factor == 1.0 or mean_in.size == 0:
        _store(outputs[1], mean)
        _store(outputs[2], var * bessel)
    else:
        f = x.dtype.type(factor)
        keep = x.dtype.type(1) - f
        _store(outputs[1], keep * mean_in + f * mean.astype(x.dtype))
        _store(outputs[2], keep * var_in + f * (var * bessel).astype(x.dtype))


@_kernel("fused_batch_norm_grad")
def _fused_batch_norm_grad(inputs, outputs, ints, floats):
    op = "FusedBatchNormGradV3"
    dy, x, scale, mean, var = inputs
    _float_only(op, x)
    if dy.shape != x.shape or dy.dtype != x.dtype:
        raise KernelError(f"[{op}] shape mismatch")
    training, last = bool(ints[0]), bool(ints[1])
    c, axes = _axes(op, x, last)
    depth = x.shape[c]
    for v, what in ((scale, "scale"), (mean, "reserve_space_1"), (var, "reserve_space_2")):
        _vector(op, v, depth, x.dtype, what)
    n = int(np.prod([x.shape[a] for a in axes]))
    bshape = [-1 if a == c else 1 for a in range(x.ndim)]
    dy64 = dy.astype(np.float64)
    s_dy = dy64.sum(axes)
    s_dyxc = (dy64 * (x - mean.reshape(bshape)).astype(np.float64)).sum(axes)
    r = 1.0 / np.sqrt(var.astype(np.float64) + floats[0])
    _store(outputs[2], s_dy)
    _store(outputs[1], s_dyxc * r)
    sc = scale.astype(np.float64) * r
    k1 = sc.astype(x.dtype)
    if training and n > 0:
        c2 = -sc * r * r * s_dyxc / n
        k2, k3 = c2.astype(x.dtype), (-sc * s_dy / n - c2 * mean.astype(np.float64)).astype(x.dtype)
        _store(outputs[0], k1.reshape(bshape) * dy + k2.reshape(bshape) * x + k3.reshape(bshape))
    else:
        _store(outputs[0], k1.reshape(bshape) * dy)
