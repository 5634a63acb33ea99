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
