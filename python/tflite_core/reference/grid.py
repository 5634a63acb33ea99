"""Grids and bins (``cpp/grid.cc``): search_sorted (ints = [upper]), lin_space, unravel_index
and histogram_fixed_width (TF's binning: ``(max(x, lo) - lo)`` in the values' dtype, divided in
float64 by ``(hi - lo) / nbins``, capped at the last bin).
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel, _store


@_kernel("search_sorted")
def _search_sorted(inputs, outputs, ints, floats):
    s, v = inputs
    op = "UpperBound" if ints[0] else "LowerBound"
    if s.ndim != 2 or v.ndim != 2 or s.shape[0] != v.shape[0]:
        raise KernelError(f"[{op}] Leading dim_size of both tensors must match.")
    res = [np.searchsorted(s[b], v[b], side="right" if ints[0] else "left") for b in range(len(s))]
    _store(outputs[0], np.array(res, np.int64).reshape(v.shape))


@_kernel("lin_space")
def _lin_space(inputs, outputs, ints, floats):
    start, stop = (a.reshape(()) for a in inputs)
    out = outputs[0]
    num = out.size
    if out.dtype.kind != "f":
        raise KernelError("[LinSpace] unsupported dtype")
    if num == 1:
        out[0] = start
    elif num > 1:
        step = (stop - start) / out.dtype.type(num - 1)
        out[:-1] = start + step * np.arange(num - 1).astype(out.dtype)
        out[-1] = stop


@_kernel("unravel_index")
def _unravel_index(inputs, outputs, ints, floats):
    idx, dims = inputs
    if idx.ndim > 1 or dims.ndim != 1:
        raise KernelError("[UnravelIndex] indices must be a scalar or vector, dims a vector")
    if (dims <= 0).any():
        raise KernelError("[UnravelIndex] Input dims must be positive")
    total = int(np.prod(dims.astype(np.int64)))
    flat = idx.reshape(-1)
    bad = (flat < 0) | (flat >= total)
    if bad.any():
        v = int(flat[np.argmax(bad)])
        raise KernelError(
            f"[UnravelIndex] index out of bounds as the index {v} is not in [0, {total})"
        )
    _store(outputs[0], np.stack(np.unravel_index(flat, tuple(dims)), 0) if dims.size else [])


@_kernel("histogram_fixed_width")
def _histogram_fixed_width(inputs, outputs, ints, floats):
    v, r = inputs
    n = outputs[0].size
    if r.shape != (2,):
        raise KernelError("[HistogramFixedWidth] value_range should be a vector of 2 elements")
    lo, hi = r[0], r[1]
    if not lo < hi:
        raise KernelError(
            "[HistogramFixedWidth] value_range should satisfy value_range[0] < value_range[1]"
        )
    if n <= 0:
        raise KernelError("[HistogramFixedWidth] nbins should be a positive number")
    step = float(v.dtype.type(hi - lo)) / n
    above = np.maximum(v, lo).astype(v.dtype) - lo
    b = np.minimum(above.astype(np.float64) / step, n - 1)
    b = np.where(b >= 0, b, 0).astype(np.int64)
    _store(outputs[0], np.bincount(b.reshape(-1), minlength=n)[:n])
