"""Reductions (``cpp/reduce.cc``).

``reduce_*`` take one 0/1 flag per input dimension in ``ints`` (1: reduced); the output may
keep the reduced dimensions or drop them (only its size is fixed). ``argmax``/``argmin``
take ``ints = [axis]`` and write int64 (first index on ties, a NaN wins). Sums and products
run in float64 for floats and int64 for integers, then are cast to the output dtype.
"""

from __future__ import annotations

import numpy as np

from .registry import Kernel, KernelError, _float_only, _kernel, _store


def _mask_axes(op: str, x: np.ndarray, ints: list) -> tuple:
    if len(ints) != x.ndim:
        raise KernelError(f"[{op}] axis mask has {len(ints)} entries for input of rank {x.ndim}")
    return tuple(i for i, m in enumerate(ints) if m)


def _acc_dtype(dt: np.dtype):
    return np.float64 if dt.kind == "f" else np.int64


def _trunc_div(a: np.ndarray, n: int) -> np.ndarray:
    """C++ integer division (toward zero) of an int64 array by a positive count."""
    q = np.abs(a) // n
    return np.where(a < 0, -q, q)


def _make_reduce(name: str) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        (x,) = inputs
        out = outputs[0]
        axes = _mask_axes(name, x, ints)
        if x.dtype != out.dtype:
            raise KernelError(f"[{name}] dtype mismatch")
        acc = _acc_dtype(x.dtype)
        count = int(np.prod([x.shape[a] for a in axes])) if x.size else 0
        if name in ("reduce_max", "reduce_min"):
            fn = np.max if name == "reduce_max" else np.min
            if x.size:
                r = fn(x, axis=axes, keepdims=True)
            else:  # the identity over an empty axis, as TF: -inf/lowest for max, +inf/highest
                info = np.finfo(x.dtype) if x.dtype.kind == "f" else np.iinfo(x.dtype)
                big = np.inf if x.dtype.kind == "f" else info.max
                low = -np.inf if x.dtype.kind == "f" else info.min
                r = np.full(out.shape, low if name == "reduce_max" else big, x.dtype)
        elif name == "reduce_sum":
            r = np.sum(x, axis=axes, dtype=acc, keepdims=True)
        elif name == "reduce_prod":
            r = np.prod(x, axis=axes, dtype=acc, keepdims=True)
        else:  # reduce_mean: the sum over the count of reduced elements
            s = np.sum(x, axis=axes, dtype=acc, keepdims=True)
            if x.dtype.kind == "f":
                r = s / count if count else np.full(s.shape, np.nan)
            else:
                r = _trunc_div(s, count) if count else np.zeros(s.shape, np.int64)
        _store(out, r)

    return kernel


for _n in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod"):
    _kernel(_n)(_make_reduce(_n))


def _make_arg(name: str, fn) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        (x,) = inputs
        out = outputs[0]
        if out.dtype != np.int64:
            raise KernelError(f"[{name}] output must be int64")
        if not ints:
            raise KernelError(f"[{name}] missing integer attribute 0")
        axis = ints[0] + x.ndim if ints[0] < 0 else ints[0]
        if not 0 <= axis < x.ndim:
            raise KernelError(f"[{name}] axis {ints[0]} out of range for rank {x.ndim}")
        if x.shape[axis] == 0:
            if out.size:
                raise KernelError(f"[{name}] reduction over an empty axis")
            return
        _store(out, fn(x, axis=axis))  # NumPy: first index on ties, the first NaN wins

    return kernel


_kernel("argmax")(_make_arg("argmax", np.argmax))
_kernel("argmin")(_make_arg("argmin", np.argmin))


@_kernel("reduce_prod_grad")
def _reduce_prod_grad(inputs, outputs, ints, floats):
    # dx = dy * prod of the other elements of x's group, exact where x has zeros.
    x, dy = inputs
    out = outputs[0]
    _float_only("ProdGrad", x)
    axes = _mask_axes("ProdGrad", x, ints)
    kept = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    if dy.size != int(np.prod(kept)):
        raise KernelError("[ProdGrad] dy does not match x reduced")
    xd = x.astype(np.float64)
    g = dy.astype(np.float64).reshape(kept)
    is_zero = xd == 0
    zeros = np.sum(is_zero, axis=axes, keepdims=True)
    nonzero = np.prod(np.where(is_zero, 1.0, xd), axis=axes, keepdims=True)
    safe_x = np.where(is_zero, 1.0, xd)
    v = np.where(
        zeros == 0, nonzero / safe_x, np.where(zeros == 1, np.where(is_zero, nonzero, 0.0), 0.0)
    )
    out[...] = (g * v).astype(out.dtype)
