"""TF's ``SparseApply*`` updates and the log-uniform candidate sampler
(``cpp/sparse.cc``).
"""

from __future__ import annotations

import numpy as np

from .philox import _philox, _to_unit
from .registry import KernelError, _check_ids, _float_only, _kernel


def _sparse_rows(op: str, var: np.ndarray, values: np.ndarray, ids: np.ndarray):
    """The distinct ids (sorted) and their summed rows; ids checked against var's rows."""
    if ids.dtype.kind != "i":
        raise KernelError(f"[{op}] indices must be int32 or int64")
    if values.dtype != var.dtype:
        raise KernelError(f"[{op}] dtype mismatch")
    if var.ndim < 1 or ids.ndim != 1 or values.shape != ids.shape + var.shape[1:]:
        raise KernelError(f"[{op}] values {values.shape} do not match indices and var")
    _check_ids(op, ids, var.shape[0], "indices")
    uniq, inv = np.unique(ids.astype(np.int64), return_inverse=True)
    summed = np.zeros((uniq.size, *var.shape[1:]), var.dtype)
    for k in np.argsort(ids, kind="stable"):  # in position order within each id, as the C++
        summed[inv[k]] += values[k]
    return uniq, summed


def _scalar(op: str, t: np.ndarray, what: str):
    if t.size != 1:
        raise KernelError(f"[{op}] {what} must be a scalar")
    return t.reshape(())[()]


@_kernel("sparse_apply_gradient_descent")
def _sparse_apply_gd(inputs, outputs, ints, floats):
    op = "SparseApplyGradientDescent"
    lr, values, ids = inputs
    (var,) = outputs
    _float_only(op, var)
    rows, g = _sparse_rows(op, var, values, ids)
    var[rows] -= _scalar(op, lr, "lr") * g


@_kernel("sparse_apply_momentum")
def _sparse_apply_momentum(inputs, outputs, ints, floats):
    op = "SparseApplyMomentum"
    lr, values, ids, mom = inputs
    var, acc = outputs
    _float_only(op, var)
    rows, g = _sparse_rows(op, var, values, ids)
    lr, mom = _scalar(op, lr, "lr"), _scalar(op, mom, "momentum")
    acc[rows] = acc[rows] * mom + g
    if ints and ints[0]:
        var[rows] -= g * lr + acc[rows] * mom * lr
    else:
        var[rows] -= acc[rows] * lr


@_kernel("sparse_apply_adagrad")
def _sparse_apply_adagrad(inputs, outputs, ints, floats):
    op = "SparseApplyAdagrad"
    lr, values, ids = inputs
    var, acc = outputs
    _float_only(op, var)
    rows, g = _sparse_rows(op, var, values, ids)
    acc[rows] += g * g
    var[rows] -= _scalar(op, lr, "lr") * g / np.sqrt(acc[rows])


@_kernel("sparse_apply_adam")
def _sparse_apply_adam(inputs, outputs, ints, floats):
    op = "SparseApplyAdam"
    b1p, b2p, lr, b1, b2, eps, values, ids = (
        _scalar(op, t, "hyper-parameter") if i < 6 else t for i, t in enumerate(inputs)
    )
    var, m, v = outputs
    _float_only(op, var)
    rows, g = _sparse_rows(op, var, values, ids)
    one = var.dtype.type(1)
    lr_t = lr * np.sqrt(one - b2p) / (one - b1p)
    m *= b1
    v *= b2
    m[rows] += g * (one - b1)
    v[rows] += g * g * (one - b2)
    var -= lr_t * m / (np.sqrt(v) + eps)


@_kernel("log_uniform_candidate_sampler")
def _log_uniform_sampler(inputs, outputs, ints, floats):
    op = "LogUniformCandidateSampler"
    counter, truth = inputs
    sampled, true_ec, sampled_ec = outputs
    if counter.dtype != np.int64 or counter.size != 1 or truth.dtype != np.int64:
        raise KernelError(f"[{op}] run counter and true_classes must be int64")
    unique, range_max, n = bool(floats[0]), int(floats[1]), sampled.size
    if range_max < 1 or (unique and n > range_max):
        raise KernelError(f"[{op}] Sampler's range is too small")
    seed, seed2 = (int(ints[0]) & 0xFFFFFFFFFFFFFFFF, int(ints[1]) & 0xFFFFFFFFFFFFFFFF)
    key0 = (seed ^ (seed >> 32)) & 0xFFFFFFFF
    key1 = ((seed2 ^ (seed2 >> 32)) & 0xFFFFFFFF) ^ 0x27D4EB2F
    run = int(counter.reshape(-1)[0]) & 0xFFFFFFFFFFFFFFFF
    counter.reshape(-1)[0] += 1
    log_range = np.log1p(float(range_max))
    got: list[int] = []
    tries = 0
    while len(got) < n:
        w = _philox(key0, key1, tries & 0xFFFFFFFF, tries >> 32, run & 0xFFFFFFFF, run >> 32)
        tries += 1
        u = float(_to_unit(w[0], w[1]))
        c = (int(np.exp(u * log_range)) - 1) % range_max
        if unique and c in got:
            continue
        got.append(c)
    sampled[...] = np.array(got, np.int64).reshape(sampled.shape)

    def expected(c):
        if (c < 0).any() or (c >= range_max).any():
            raise KernelError(f"[{op}] true class out of range")
        p = (np.log(c + 2.0) - np.log(c + 1.0)) / log_range
        return -np.expm1(tries * np.log1p(-p)) if unique else p * n

    true_ec[...] = expected(truth.astype(np.float64)).astype(np.float32)
    sampled_ec[...] = expected(sampled.astype(np.float64)).astype(np.float32)
