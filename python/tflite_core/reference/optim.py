"""Variable updates (``cpp/optim.cc``): ``assign*`` and TF's dense ``Apply*`` training ops,
writing the variable (``outputs[0]``) and its slots in place.
"""

from __future__ import annotations

import numpy as np

from .registry import Kernel, KernelError, _float_only, _kernel


def _make_assign(name: str, fn) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        (v,) = inputs
        var = outputs[0]  # the variable's own buffer, written in place
        if v.shape != var.shape or v.dtype != var.dtype:
            raise KernelError(f"[{name}] value and variable differ in shape or dtype")
        if var.dtype == np.bool_ and name != "assign":
            raise KernelError(f"[{name}] unsupported dtype bool")
        var[...] = fn(var, v)

    return kernel


_kernel("assign")(_make_assign("assign", lambda var, v: v))
_kernel("assign_add")(_make_assign("assign_add", lambda var, v: var + v))
_kernel("assign_sub")(_make_assign("assign_sub", lambda var, v: var - v))


@_kernel("apply_gradient_descent")
def _apply_gradient_descent(inputs, outputs, ints, floats):
    # var -= alpha * delta, in place; inputs = [alpha (one element), delta].
    alpha, delta = inputs
    var = outputs[0]
    _float_only("ApplyGradientDescent", var)
    if alpha.size != 1 or delta.shape != var.shape:
        raise KernelError("[ApplyGradientDescent] alpha must be a scalar and delta match var")
    var -= alpha.reshape(()) * delta


def _scalars(op: str, arrays) -> list:
    if any(a.size != 1 for a in arrays):
        raise KernelError(f"[{op}] hyper-parameters must be scalars")
    return [a.reshape(()) for a in arrays]


@_kernel("apply_momentum")
def _apply_momentum(inputs, outputs, ints, floats):
    # accum = accum * momentum + grad; var -= lr * accum (Nesterov: lr * grad + lr * m * accum)
    lr, grad, momentum = inputs
    var, accum = outputs
    lr, momentum = _scalars("ApplyMomentum", [lr, momentum])
    accum[...] = accum * momentum + grad
    var -= grad * lr + accum * momentum * lr if ints and ints[0] else accum * lr


@_kernel("apply_adam")
def _apply_adam(inputs, outputs, ints, floats):
    *hyper, grad = inputs
    var, m, v = outputs
    b1p, b2p, lr, b1, b2, eps = _scalars("ApplyAdam", hyper)
    one = var.dtype.type(1)
    lr_t = lr * np.sqrt(one - b2p) / (one - b1p)
    m += (grad - m) * (one - b1)
    v += (grad * grad - v) * (one - b2)
    mm = m * b1 + (one - b1) * grad if ints and ints[0] else m
    var -= lr_t * mm / (np.sqrt(v) + eps)


@_kernel("apply_adagrad")
def _apply_adagrad(inputs, outputs, ints, floats):
    lr, grad = inputs
    var, accum = outputs
    (lr,) = _scalars("ApplyAdagrad", [lr])
    accum += grad * grad
    var -= lr * grad / np.sqrt(accum)


@_kernel("apply_rms_prop")
def _apply_rms_prop(inputs, outputs, ints, floats):
    *hyper, grad = inputs
    var, ms, mom = outputs
    lr, rho, momentum, eps = _scalars("ApplyRMSProp", hyper)
    ms += (grad * grad - ms) * (var.dtype.type(1) - rho)
    mom[...] = mom * momentum + lr * grad / np.sqrt(ms + eps)
    var -= mom


def _sgn(x):
    return np.sign(x).astype(x.dtype)


def _prox(v, rate, l1, l2):
    """The proximal (FOBOS) step of ``v = var - rate * grad``."""
    one = v.dtype.type(1)
    if l1 > 0:
        return _sgn(v) * np.maximum(np.abs(v) - rate * l1, 0).astype(v.dtype) / (one + l2 * rate)
    return v / (one + l2 * rate)


def _check_prox_hyper(op: str, lr, l1, l2) -> None:
    if not lr > 0 or not l1 >= 0 or not l2 >= 0:
        raise KernelError(f"[{op}] lr must be positive and l1, l2 non-negative")


def _global_step(op: str, t: np.ndarray) -> int:
    if t.dtype.kind != "i" or t.size != 1:
        raise KernelError(f"[{op}] global_step is not an integer scalar")
    return int(t.reshape(()))


def adadelta_step(var, accum, upd, g, lr, rho, eps) -> None:
    """Adadelta in place on (views of) var, accum, accum_update."""
    one = var.dtype.type(1)
    accum[...] = accum * rho + g * g * (one - rho)
    update = np.sqrt(upd + eps) / np.sqrt(accum + eps) * g
    var -= update * lr
    upd[...] = upd * rho + update * update * (one - rho)


def proximal_adagrad_step(var, accum, g, lr, l1, l2) -> None:
    accum += g * g
    rate = lr / np.sqrt(accum)
    var[...] = _prox(var - g * rate, rate, l1, l2)


def adagrad_da_step(var, ga, gg, g, lr, l1, l2, step: int) -> None:
    ga += g
    gg += g * g
    t = var.dtype.type(np.float32(step))
    denom = l2 * (t * lr) + np.sqrt(gg)
    num = _sgn(ga) * np.maximum(np.abs(ga) - t * l1, 0).astype(var.dtype) if l1 > 0 else ga
    var[...] = lr * var.dtype.type(-1) * num / denom


def ftrl_step(var, accum, linear, g, lr, l1, l2, shrinkage, power) -> None:
    gs = g + var.dtype.type(2) * shrinkage * var
    fresh = accum + g * g
    half = power == var.dtype.type(-0.5)
    p_new = np.sqrt(fresh) if half else np.power(fresh, -power)
    p_old = np.sqrt(accum) if half else np.power(accum, -power)
    linear += gs - (p_new - p_old) / lr * var
    quadratic = p_new / lr + var.dtype.type(2) * l2
    var[...] = np.where(np.abs(linear) > l1, (l1 * _sgn(linear) - linear) / quadratic, 0)
    accum[...] = fresh


def _dense_check(op: str, outputs, grad) -> None:
    _float_only(op, outputs[0])
    for o in (*outputs[1:], grad):
        if o.shape != outputs[0].shape or o.dtype != outputs[0].dtype:
            raise KernelError(f"[{op}] slots and grad must match var")


@_kernel("apply_adadelta")
def _apply_adadelta(inputs, outputs, ints, floats):
    *hyper, grad = inputs
    _dense_check("ApplyAdadelta", outputs, grad)
    var, accum, upd = outputs
    lr, rho, eps = _scalars("ApplyAdadelta", hyper)
    adadelta_step(var, accum, upd, grad, lr, rho, eps)


@_kernel("apply_proximal_gradient_descent")
def _apply_proximal_gd(inputs, outputs, ints, floats):
    *hyper, grad = inputs
    (var,) = outputs
    _dense_check("ApplyProximalGradientDescent", outputs, grad)
    lr, l1, l2 = _scalars("ApplyProximalGradientDescent", hyper)
    var[...] = _prox(var - grad * lr, lr, l1, l2)


@_kernel("apply_proximal_adagrad")
def _apply_proximal_adagrad(inputs, outputs, ints, floats):
    *hyper, grad = inputs
    _dense_check("ApplyProximalAdagrad", outputs, grad)
    lr, l1, l2 = _scalars("ApplyProximalAdagrad", hyper)
    _check_prox_hyper("ApplyProximalAdagrad", lr, l1, l2)
    var, accum = outputs
    proximal_adagrad_step(var, accum, grad, lr, l1, l2)


@_kernel("apply_adagrad_da")
def _apply_adagrad_da(inputs, outputs, ints, floats):
    grad, lr, l1, l2, step = inputs
    _dense_check("ApplyAdagradDA", outputs, grad)
    lr, l1, l2 = _scalars("ApplyAdagradDA", [lr, l1, l2])
    var, ga, gg = outputs
    adagrad_da_step(var, ga, gg, grad, lr, l1, l2, _global_step("ApplyAdagradDA", step))


def _make_ftrl(op: str, v2: bool):
    def kernel(inputs, outputs, ints, floats):
        grad, *hyper = inputs
        _dense_check(op, outputs, grad)
        h = _scalars(op, hyper)
        shrink = h[3] if v2 else outputs[0].dtype.type(0)
        var, accum, linear = outputs
        ftrl_step(var, accum, linear, grad, h[0], h[1], h[2], shrink, h[-1])

    return kernel


_kernel("apply_ftrl")(_make_ftrl("ApplyFtrl", False))
_kernel("apply_ftrl_v2")(_make_ftrl("ApplyFtrlV2", True))


def rms_prop_step(var, ms, mom, mg, g, lr, rho, momentum, eps) -> None:
    """RMSProp in place (centered when ``mg`` is given)."""
    one = var.dtype.type(1)
    ms += (g * g - ms) * (one - rho)
    denom = ms + eps
    if mg is not None:
        mg += (g - mg) * (one - rho)
        denom = ms - mg * mg + eps
    mom[...] = mom * momentum + lr * g / np.sqrt(denom)
    var -= mom


@_kernel("apply_centered_rms_prop")
def _apply_centered_rms_prop(inputs, outputs, ints, floats):
    *hyper, grad = inputs
    _dense_check("ApplyCenteredRMSProp", outputs, grad)
    lr, rho, momentum, eps = _scalars("ApplyCenteredRMSProp", hyper)
    var, mg, ms, mom = outputs
    rms_prop_step(var, ms, mom, mg, grad, lr, rho, momentum, eps)
