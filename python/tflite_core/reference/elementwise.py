"""Elementwise kernels (``cpp/elementwise.cc``): broadcasting binary ops and comparisons,
unary maths, cast, copy, fill, add_n and broadcast_to.

``broadcast_to`` ignores its attributes: the output's shape is the target (the C++ kernel
never reads the ``ints`` that ``kernels.h`` mentions).
"""

from __future__ import annotations

import numpy as np

from .registry import InternalKernelError, Kernel, KernelError, _float_only, _kernel, _store


def _int_pow(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """C++ ``ipow``: exact (wrapping on overflow) for y >= 0; negative exponents are refused."""
    if np.any(y < 0):
        raise KernelError("[Pow] Integers to negative integer powers are not allowed")
    return np.power(x, y)


def _pow(x, y):
    if x.dtype.kind in "iu":
        return _int_pow(x, y)
    # C's pow, as the kernel: NumPy computes x ** 0.5 as sqrt(x), which gives NaN for -inf
    # where pow(-inf, 0.5) is +inf.
    return np.where((y == 0.5) & (x == -np.inf), np.inf, np.power(x, y)).astype(x.dtype)


def _c_div_mod(x: np.ndarray, y: np.ndarray):
    """C's integer ``x / y`` and ``x % y`` (toward zero), with ``x / -1`` wrapping and
    ``x % -1 = 0`` (the kernel never traps on INT_MIN / -1); ``y`` has no zeros."""
    x, y = np.asarray(x), np.asarray(y)
    y1 = np.where(y == -1, np.ones_like(y), y)
    r = np.fmod(x, y1)  # the dividend's sign: C's %
    q = (x - r) // y1  # exact
    q = np.where(y == -1, np.zeros_like(x) - x, q)  # (wraps for INT_MIN, as the kernel)
    return q, r


def _division(kind: str):
    """FloorDiv, FloorMod, TruncateDiv and TruncateMod as TF's kernels (``cwise_ops.h``)."""
    op = {"fd": "FloorDiv", "fm": "FloorMod", "td": "TruncateDiv", "tm": "TruncateMod"}[kind]

    def fn(x, y):
        if x.dtype.kind == "f":
            with np.errstate(all="ignore"):
                if kind == "fd":
                    return np.floor(x / y)
                if kind == "td":
                    return np.trunc(x / y)
                r = np.fmod(x, y)
                if kind == "tm":
                    return r
                return np.where((r != 0) & ((r < 0) != (y < 0)), r + y, r)
        if x.size and y.size and np.any(y == 0):  # (an empty output divides nothing)
            if kind in ("fd", "fm"):
                raise KernelError(f"[{op}] Integer division by zero")
            raise InternalKernelError(
                f"[{op}] Unexpected error in binary operator (only integer div and mod should "
                "have errors)"
            )
        q, r = _c_div_mod(x, y)
        if kind == "td":
            return q
        if kind == "tm":
            return r
        adjust = (r != 0) & ((r < 0) != (y < 0))
        return q - adjust.astype(q.dtype) if kind == "fd" else np.where(adjust, r + y, r)

    return fn


_BINARY = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.true_divide,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "pow": _pow,
    "relu_grad": lambda g, f: np.where(f > 0, g, np.zeros_like(g)),  # (gradient, features)
    "sigmoid_grad": lambda y, dy: dy * y * (1 - y),  # (y, dy)
    "tanh_grad": lambda y, dy: dy * (1 - y * y),  # (y, dy)
    "floor_div": _division("fd"),
    "floor_mod": _division("fm"),
    "truncate_div": _division("td"),
    "truncate_mod": _division("tm"),
}
_FLOAT_BINARY = {"div", "sigmoid_grad", "tanh_grad"}


def _check_broadcast(name: str, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        shape = None
    if shape != out.shape:
        raise KernelError(
            f"[{name}] incompatible shapes {a.shape}, {b.shape} and output {out.shape}"
        )


def _make_binary(name: str, fn) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        a, b = inputs
        if a.dtype != b.dtype or a.dtype != outputs[0].dtype:
            raise KernelError(f"[{name}] dtype mismatch: {a.dtype} vs {b.dtype}")
        if name in _FLOAT_BINARY:
            _float_only(name, a)
        _check_broadcast(name, a, b, outputs[0])
        outputs[0][...] = fn(a, b)

    return kernel


for _n, _f in _BINARY.items():
    _kernel(_n)(_make_binary(_n, _f))

_COMPARE = {
    "equal": np.equal,
    "not_equal": np.not_equal,
    "less": np.less,
    "less_equal": np.less_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
}


def _make_compare(name: str, fn) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        a, b = inputs
        if a.dtype != b.dtype or outputs[0].dtype != np.bool_:
            raise KernelError(f"[{name}] dtype mismatch")
        _check_broadcast(name, a, b, outputs[0])
        outputs[0][...] = fn(a, b)

    return kernel


for _n, _f in _COMPARE.items():
    _kernel(_n)(_make_compare(_n, _f))


# ---- elementwise: unary -------------------------------------------------------------------------
def _sigmoid(x):
    # The C++ kernel's two branches: 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) otherwise.
    pos = 1 / (1 + np.exp(-x))
    e = np.exp(x)
    return np.where(x >= 0, pos, e / (1 + e))


def _relu(x):
    # x > 0 ? x : (NaN ? x : 0): NaN propagates.
    return np.where((x > 0) | np.isnan(x), x, np.zeros_like(x))


def _abs(x):
    return np.where(x < 0, -x, x)  # wraps for the most negative integer, as C++


def _sign(x):
    one = np.ones_like(x)
    return np.where(x > 0, one, np.where(x < 0, -one, x))  # sign(NaN) = NaN, sign(0) = 0


_UNARY = {
    "neg": np.negative,
    "abs": _abs,
    "relu": _relu,
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "square": lambda x: x * x,
    "reciprocal": lambda x: 1 / x,
    "sign": _sign,
    "floor": np.floor,
}
_FLOAT_UNARY = {"sigmoid", "tanh", "exp", "log", "sqrt", "reciprocal"}


def _make_unary(name: str, fn) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        (x,) = inputs
        if x.dtype != outputs[0].dtype or x.shape != outputs[0].shape:
            raise KernelError(f"[{name}] input and output differ in dtype or shape")
        if name in _FLOAT_UNARY:
            _float_only(name, x)
        outputs[0][...] = fn(x).astype(x.dtype, copy=False)

    return kernel


for _n, _f in _UNARY.items():
    _kernel(_n)(_make_unary(_n, _f))


# ---- cast, copy, fill, add_n, broadcast_to ------------------------------------------------------
@_kernel("cast")
def _cast(inputs, outputs, ints, floats):
    (x,) = inputs
    if x.shape != outputs[0].shape:
        raise KernelError("[Cast] shape mismatch")
    dst = outputs[0].dtype
    if x.dtype.kind == "f" and dst.kind == "i":
        # truncates toward zero; NaN, infinities and out-of-range values give the lowest value
        lo = np.iinfo(dst).min
        ok = (x >= lo) & (x < -float(lo))
        out = np.full(x.shape, lo, dst)
        out[ok] = x[ok].astype(dst)
        outputs[0][...] = out
    elif x.dtype.kind == "c" and dst.kind == "b":  # TF's Cast reads the real part only
        outputs[0][...] = x.real != 0
    else:
        outputs[0][...] = x.astype(dst)


@_kernel("copy")
def _copy(inputs, outputs, ints, floats):
    (x,) = inputs
    if x.dtype != outputs[0].dtype:
        raise KernelError("[Identity] dtype mismatch")
    _store(outputs[0], x)


@_kernel("fill")
def _fill(inputs, outputs, ints, floats):
    (v,) = inputs  # a one-element value of the output's dtype
    if v.size != 1 or v.dtype != outputs[0].dtype:
        raise KernelError("[Fill] value must be a scalar of the output's dtype")
    outputs[0][...] = v.reshape(())


@_kernel("add_n")
def _add_n(inputs, outputs, ints, floats):
    out = outputs[0]
    if not inputs or any(x.shape != out.shape or x.dtype != out.dtype for x in inputs):
        raise KernelError("[AddN] inputs must match the output's shape and dtype")
    acc = inputs[0].copy()
    for x in inputs[1:]:
        acc = acc + x  # summed in order, in the output's dtype
    out[...] = acc


@_kernel("broadcast_to")
def _broadcast_to(inputs, outputs, ints, floats):
    (x,) = inputs
    try:
        outputs[0][...] = np.broadcast_to(x, outputs[0].shape)
    except ValueError as e:
        raise KernelError(f"[BroadcastTo] {e}") from None
