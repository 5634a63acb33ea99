"""TF's ``SparseApply*`` updates and the log-uniform candidate sampler
(``cpp/sparse.cc``).
"""

from __future__ import annotations

import numpy as np

from .optim import (
    _check_prox_hyper,
    _global_step,
    _prox,
    adadelta_step,
    adagrad_da_step,
    ftrl_step,
    proximal_adagrad_step,
    rms_prop_step,
)
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


def _rows_update(op: str, outputs, values, ids, step) -> None:
    """Applies ``step(views of the slots' rows..., summed gradient rows)`` to the distinct ids."""
    var = outputs[0]
    _float_only(op, var)
    for o in outputs[1:]:
        if o.shape != var.shape or o.dtype != var.dtype:
            raise KernelError(f"[{op}] var and slot shapes differ")
    rows, g = _sparse_rows(op, var, values, ids)
    views = [o[rows] for o in outputs]
    step(*views, g)
    for o, v in zip(outputs, views):
        o[rows] = v


@_kernel("sparse_apply_adadelta")
def _sparse_apply_adadelta(inputs, outputs, ints, floats):
    op = "SparseApplyAdadelta"
    lr, rho, eps = (_scalar(op, t, "hyper-parameter") for t in inputs[:3])
    _rows_update(
        op,
        outputs,
        inputs[3],
        inputs[4],
        lambda v, a, u, g: adadelta_step(v, a, u, g, lr, rho, eps),
    )


@_kernel("sparse_apply_proximal_gradient_descent")
def _sparse_apply_proximal_gd(inputs, outputs, ints, floats):
    op = "SparseApplyProximalGradientDescent"
    lr, l1, l2 = (_scalar(op, t, "hyper-parameter") for t in inputs[:3])

    def step(v, g):
        v[...] = _prox(v - g * lr, lr, l1, l2)

    _rows_update(op, outputs, inputs[3], inputs[4], step)


@_kernel("sparse_apply_proximal_adagrad")
def _sparse_apply_proximal_adagrad(inputs, outputs, ints, floats):
    op = "SparseApplyProximalAdagrad"
    lr, l1, l2 = (_scalar(op, t, "hyper-parameter") for t in inputs[:3])
    _check_prox_hyper(op, lr, l1, l2)
    _rows_update(
        op,
        outputs,
        inputs[3],
        inputs[4],
        lambda v, a, g: proximal_adagrad_step(v, a, g, lr, l1, l2),
    )


@_kernel("sparse_apply_adagrad_da")
def _sparse_apply_adagrad_da(inputs, outputs, ints, floats):
    op = "SparseApplyAdagradDA"
    lr, l1, l2 = (_scalar(op, t, "hyper-parameter") for t in inputs[2:5])
    t = _global_step(op, inputs[5])
    _rows_update(
        op,
        outputs,
        inputs[0],
        inputs[1],
        lambda v, a, b, g: adagrad_da_step(v, a, b, g, lr, l1, l2, t),
    )


def _make_sparse_ftrl(op: str, v2: bool):
    def kernel(inputs, outputs, ints, floats):
        h = [_scalar(op, t, "hyper-parameter") for t in inputs[2:]]
        lr, l1, l2, power = h[0], h[1], h[2], h[-1]
        shrink = h[3] if v2 else outputs[0].dtype.type(0)
        if not (lr > 0 and l1 >= 0 and l2 >= 0 and shrink >= 0 and power <= 0):
            raise KernelError(
                f"[{op}] lr must be positive, l1, l2 and l2_shrinkage non-negative, "
                "lr_power non-positive"
            )

        def step(v, a, lin, g):
            ftrl_step(v, a, lin, g, lr, l1, l2, shrink, power)

        _rows_update(op, outputs, inputs[0], inputs[1], step)

    return kernel


_kernel("sparse_apply_ftrl")(_make_sparse_ftrl("SparseApplyFtrl", False))
_kernel("sparse_apply_ftrl_v2")(_make_sparse_ftrl("SparseApplyFtrlV2", True))


def _make_sparse_rms_prop(op: str, centered: bool):
    def kernel(inputs, outputs, ints, floats):
        lr, rho, momentum, eps = (_scalar(op, t, "hyper-parameter") for t in inputs[:4])

        def step(v, *slots):
            *state, g = slots
            mg, ms, mom = state if centered else (None, *state)
            rms_prop_step(v, ms, mom, mg, g, lr, rho, momentum, eps)

        _rows_update(op, outputs, inputs[4], inputs[5], step)

    return kernel


_kernel("sparse_apply_rms_prop")(_make_sparse_rms_prop("SparseApplyRMSProp", False))
_kernel("sparse_apply_centered_rms_prop")(_make_sparse_rms_prop("SparseApplyCenteredRMSProp", True))
