"""The checking kernels (``cpp/logging.cc``): ``assert`` (in[0] a bool scalar condition, or one
element; the data inputs are only read by Python for the message; no outputs) and
``check_numerics`` (a copy of a float tensor that fails naming NaN and/or Inf)."""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel


@_kernel("assert")
def _assert(inputs, outputs, ints, floats):
    if not inputs or outputs:
        raise KernelError("[Assert] expects a condition and no outputs")
    cond = inputs[0]
    if cond.dtype != np.bool_:
        raise KernelError("[Assert] condition must be bool")
    if not (cond.ndim == 0 or (cond.ndim == 1 and cond.shape[0] == 1)):
        raise KernelError(f"[Assert] In[0] should be a scalar: [{','.join(map(str, cond.shape))}]")
    if not bool(cond.reshape(-1)[0]):
        raise KernelError("[Assert] assertion failed")


@_kernel("check_numerics")
def _check_numerics(inputs, outputs, ints, floats):
    (x,), (out,) = inputs, outputs
    if x.dtype.kind != "f" or x.dtype.itemsize not in (4, 8):
        raise KernelError("[CheckNumerics] input must be a float tensor")
    if out.dtype != x.dtype or out.shape != x.shape:
        raise KernelError("[CheckNumerics] shape or dtype mismatch")
    nan, inf = bool(np.isnan(x).any()), bool(np.isinf(x).any())
    if nan or inf:
        what = "Inf and NaN" if nan and inf else "NaN" if nan else "Inf"
        raise KernelError(f"[CheckNumerics] Tensor had {what} values")
    out[...] = x
