"""Complex-number kernels (``cpp/complex.cc``): complex (real and imaginary parts, broadcasting;
float32 -> complex64, float64 -> complex128), real, imag, conj, angle, complex_abs.
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel, _store


@_kernel("complex")
def complex_(inputs, outputs, ints, floats):
    re, im = inputs
    if re.dtype != im.dtype or re.dtype.kind != "f":
        raise KernelError(f"[Complex] unsupported dtype {re.dtype}")
    z = np.empty(np.broadcast_shapes(re.shape, im.shape), outputs[0].dtype)
    z.real, z.imag = re, im  # (not re + 1j * im: 1j * inf has a NaN real part)
    _store(outputs[0], z)


def _make_part(name: str, op: str, fn):
    def kernel(inputs, outputs, ints, floats):
        x = inputs[0]
        if x.dtype.kind != "c":
            raise KernelError(f"[{op}] unsupported dtype {x.dtype}")
        _store(outputs[0], fn(x))

    _kernel(name)(kernel)


_make_part("real", "Real", np.real)
_make_part("imag", "Imag", np.imag)
_make_part("conj", "Conj", np.conj)
_make_part("angle", "Angle", np.angle)
_make_part("complex_abs", "ComplexAbs", np.abs)
