"""Bitwise kernels (``cpp/bitwise.cc``): bitwise_and / bitwise_or / bitwise_xor / left_shift /
right_shift (integers, broadcasting; shift counts clamped to ``[0, bits - 1]``, as TF), invert,
and bitcast (the input's bytes as the output's dtype; the byte sizes must agree).
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel, _store


def _check_ints(op: str, *arrays: np.ndarray) -> None:
    for a in arrays:
        if a.dtype.kind not in "iu":
            raise KernelError(f"[{op}] unsupported dtype {a.dtype}")


def _shift_count(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.clip(y.astype(np.int64), 0, 8 * x.dtype.itemsize - 1).astype(x.dtype)


_BINARY = {
    "bitwise_and": ("BitwiseAnd", np.bitwise_and),
    "bitwise_or": ("BitwiseOr", np.bitwise_or),
    "bitwise_xor": ("BitwiseXor", np.bitwise_xor),
    "left_shift": ("LeftShift", lambda x, y: np.left_shift(x, _shift_count(x, y))),
    "right_shift": ("RightShift", lambda x, y: np.right_shift(x, _shift_count(x, y))),
}


def _make_binary(op: str, fn):
    def kernel(inputs, outputs, ints, floats):
        x, y = inputs
        _check_ints(op, x, y)
        _store(outputs[0], fn(x, y).astype(x.dtype))

    return kernel


for _name, (_op, _fn) in _BINARY.items():
    _kernel(_name)(_make_binary(_op, _fn))


@_kernel("invert")
def invert(inputs, outputs, ints, floats):
    _check_ints("Invert", inputs[0])
    _store(outputs[0], np.invert(inputs[0]))


@_kernel("bitcast")
def bitcast(inputs, outputs, ints, floats):
    x, out = inputs[0], outputs[0]
    if x.nbytes != out.nbytes:
        raise KernelError(f"[Bitcast] input {x.shape} and output {out.shape} differ in size")
    out.reshape(-1).view(np.uint8)[...] = np.ascontiguousarray(x).reshape(-1).view(np.uint8)
