"""Fourier transforms (``cpp/fft.cc``): ``fft`` (complex; ints [k innermost axes, inverse]),
``rfft`` (real [..., n] -> complex [..., n//2+1] over the k innermost axes) and ``irfft`` (complex
[..., n//2+1] -> real [..., n], n the output's last dimension): ``numpy.fft``'s."""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel


def _axes(op, x, ints):
    k = int(ints[0])
    if not 1 <= k <= x.ndim:
        raise KernelError(f"[{op}] input must have rank at least {k}, got {x.ndim}")
    return tuple(range(x.ndim - k, x.ndim))


@_kernel("fft")
def _fft(inputs, outputs, ints, floats):
    (x,) = inputs
    op = "IFFT" if ints[1] else "FFT"
    if x.dtype.kind != "c":
        raise KernelError(f"[{op}] input must be complex64 or complex128")
    axes = _axes(op, x, ints)
    y = np.fft.ifftn(x, axes=axes) if ints[1] else np.fft.fftn(x, axes=axes)
    outputs[0][...] = y if x.size else 0


@_kernel("rfft")
def _rfft(inputs, outputs, ints, floats):
    (x,) = inputs
    if x.dtype.kind != "f":
        raise KernelError("[RFFT] input must be float32 or float64")
    axes = _axes("RFFT", x, ints)
    outputs[0][...] = np.fft.rfftn(x.astype(np.float64), axes=axes) if x.size else 0


@_kernel("irfft")
def _irfft(inputs, outputs, ints, floats):
    (x,) = inputs
    if x.dtype.kind != "c":
        raise KernelError("[IRFFT] input must be complex64 or complex128")
    axes = _axes("IRFFT", x, ints)
    n = outputs[0].shape[-1]
    if x.shape[-1] != n // 2 + 1:
        raise KernelError("[IRFFT] input's last dimension must be fft_length/2+1")
    s = [*outputs[0].shape[x.ndim - len(axes) : -1], n]
    outputs[0][...] = np.fft.irfftn(x, s=s, axes=axes) if outputs[0].size and x.size else 0
