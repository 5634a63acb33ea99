"""Dynamic-range (hybrid) kernels: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with int8
weights and float inputs, as TF's converter writes them with ``optimizations=[Optimize.DEFAULT]``
and no representative dataset, computed as LiteRT's hybrid kernels compute them.

Each batch (each row, for FULLY_CONNECTED) of the float input is quantized to int8 at run time,
asymmetrically (TFLite's ``AsymmetricQuantizeFloats``: the range widened to hold 0, scale
``(max - min) / 255``, the zero point from whichever end is nearer, values ``round(zp + x / s)``
half away from zero); the int8 product of ``q - zp`` and the weights is exact (it is computed
in float32 on integers, exact below 2^24); the output is ``sum * weight scale * input scale +
bias``, then the fused activation. FULLY_CONNECTED's symmetric input quantization
(``asymmetric_quantize_inputs`` false) is refused.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant
from ..ops import array_ops, indexing_ops, math_extra_ops, math_ops
from .lite_errors import ModelUnimplementedError

INT8 = 9


def hybrid_weights(b: Any, op: Any, i: int = 1) -> tuple[np.ndarray, np.ndarray] | None:
    """The int8 weights of a hybrid operator as float32 integers and their float32 scales (one,
    or one per channel of the quantized dimension); None for a float operator."""
    t = b.tensor(op.inputs[i])
    if t.type != INT8 or not len(t.quantization.scales):
        return None
    v = b.value(op, i)
    if v is None:
        raise ModelUnimplementedError(f"{b.where(op)}: int8 weights that are not a constant")
    return v.astype(np.float32), t.quantization.scales.astype(np.float32)


def _round_half_away(v: Any) -> Any:
    """std::round: ties away from zero (tf.round rounds them to even)."""
    whole = math_ops.sign(v) * math_ops.floor(math_ops.abs(v))
    tie = math_ops.equal(math_ops.abs(v - whole), 0.5)
    return indexing_ops.where(tie, whole + math_ops.sign(v), math_extra_ops.round(v))


def asymmetric_quantize(x: Any, axes: list[int]) -> tuple[Any, Any]:
    """``x`` quantized per slice (reducing ``axes``) as TFLite's AsymmetricQuantizeFloats does:
    ``(q - zero point)`` as float32 integers, and the float32 scale of each slice (shaped to
    broadcast against ``x``)."""
    f64 = _dt.float64
    lo = math_ops.minimum(math_ops.reduce_min(x, axes, keepdims=True), 0.0)
    hi = math_ops.maximum(math_ops.reduce_max(x, axes, keepdims=True), 0.0)
    rmin, rmax = array_ops.cast(lo, f64), array_ops.cast(hi, f64)
    flat = math_ops.equal(rmin, rmax)
    scale = indexing_ops.where(flat, array_ops.ones_like(rmin), (rmax - rmin) / 255.0)
    from_min, from_max = -128.0 - rmin / scale, 127.0 - rmax / scale
    nearer_min = math_ops.less(
        128.0 + math_ops.abs(rmin / scale), 127.0 + math_ops.abs(rmax / scale)
    )
    zp = indexing_ops.where(nearer_min, from_min, from_max)
    zp = math_ops.minimum(math_ops.maximum(_round_half_away(zp), -128.0), 127.0)
    zp = indexing_ops.where(flat, array_ops.zeros_like(zp), zp)
    scale32, zp32 = array_ops.cast(scale, _dt.float32), array_ops.cast(zp, _dt.float32)
    q = _round_half_away(zp32 + x * (1.0 / scale32))
    q = math_ops.minimum(math_ops.maximum(q, -128.0), 127.0)
    shifted = indexing_ops.where(
        array_ops.broadcast_to(flat, array_ops.shape(x)), array_ops.zeros_like(x), q - zp32
    )
    return shifted, scale32


def scaled(acc: Any, weight_scales: np.ndarray, input_scale: Any, bias: Any, conv: bool) -> Any:
    """``acc * weight scale * input scale + bias`` in the hybrid kernels' order: the conv
    kernels multiply left to right, FULLY_CONNECTED multiplies the two scales first."""
    ws = constant(weight_scales)
    y = acc * ws * input_scale if conv else acc * (input_scale * ws)
    return y if bias is None else y + bias
