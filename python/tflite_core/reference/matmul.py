"""Matrix products (``cpp/matmul.cc``): ``ints = [transpose_a, transpose_b]``; a gradient loop's
stacked rows summed as one product (``loop_product_sum``)."""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel


@_kernel("matmul")
def _matmul(inputs, outputs, ints, floats):
    a, b = inputs
    out = outputs[0]
    if a.ndim != 2 or b.ndim != 2 or out.ndim != 2:
        raise KernelError("[MatMul] inputs must be 2-D")
    if a.dtype != b.dtype or a.dtype != out.dtype:
        raise KernelError("[MatMul] dtype mismatch")
    ta, tb = bool(ints[0]), bool(ints[1])
    a2, b2 = (a.T if ta else a), (b.T if tb else b)
    if a2.shape[1] != b2.shape[0]:
        raise KernelError(
            f"[MatMul] Dimensions must be equal, but are {a2.shape[1]} and {b2.shape[0]}"
        )
    if out.shape != (a2.shape[0], b2.shape[1]):
        raise KernelError(f"[MatMul] output shape {out.shape} mismatch")
    out[...] = a2 @ b2


@_kernel("matmul_apply_gd")
def _matmul_apply_gd(inputs, outputs, ints, floats):
    a, b, alpha = inputs
    var = outputs[0]
    if var.dtype.kind != "f" or alpha.dtype != var.dtype:
        raise KernelError("[MatMulApplyGradientDescent] dtype mismatch")
    if alpha.size != 1:
        raise KernelError("[MatMulApplyGradientDescent] alpha must be a scalar")
    prod = np.empty_like(var)
    _matmul([a, b], [prod], ints, floats)
    var[...] = var - alpha.reshape(()) * prod


@_kernel("loop_product_sum")
def _loop_product_sum(inputs, outputs, ints, floats):
    p, q = inputs
    out = outputs[0]
    if p.dtype != q.dtype or p.dtype != out.dtype or p.dtype.kind != "f":
        raise KernelError("[LoopProductSum] dtype mismatch")
    if p.ndim != 3 or q.ndim != 3 or p.shape[:2] != q.shape[:2]:
        raise KernelError("[LoopProductSum] stacks of different rows")
    if out.shape != (p.shape[2], q.shape[2]):
        raise KernelError(f"[LoopProductSum] output shape {out.shape} mismatch")
    rows = p.shape[0] * p.shape[1]
    out[...] = p.reshape(rows, p.shape[2]).T @ q.reshape(rows, q.shape[2])


@_kernel("batch_matmul")
def _batch_matmul(inputs, outputs, ints, floats):
    a, b = inputs
    out = outputs[0]
    if a.ndim < 2 or b.ndim < 2:
        raise KernelError("[BatchMatMulV2] In[0] and In[1] must have rank >= 2")
    if a.dtype != b.dtype or a.dtype != out.dtype:
        raise KernelError("[BatchMatMulV2] dtype mismatch")
    a2 = np.swapaxes(a, -1, -2) if ints[0] else a
    b2 = np.swapaxes(b, -1, -2) if ints[1] else b
    if a2.shape[-1] != b2.shape[-2]:
        raise KernelError(f"[BatchMatMulV2] Matrix size-incompatible: {a.shape}, {b.shape}")
    try:
        r = np.matmul(a2, b2)
    except ValueError as e:
        raise KernelError(f"[BatchMatMulV2] {e}") from None
    if r.shape != out.shape:
        raise KernelError(f"[BatchMatMulV2] output shape {out.shape} mismatch")
    out[...] = r
