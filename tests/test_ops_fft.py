"""The op table's Fourier-transform rows: each op built on a complex signal made from real
inputs (so the table's float draws and central differences apply) and read back as real parts;
NumPy's ``numpy.fft`` is the reference. TF's RFFT2D/RFFT3D/RFFTND have no gradient here
("lookup": TF's RFFT3D has none either; see the notes in ops/fft_ops.py). Side by side with TF:
test_fft_vs_tf.py."""

from __future__ import annotations

import numpy as np
from op_table import FLOATS, Row, table_tests

import tflite_core as tf


def draw_k(k):
    def draw(ctx):
        shape = list(ctx.shape(min_dims=k + 1, max_dims=k + 1, max_side=3))
        shape = [max(d, 1) for d in shape]
        return [ctx.values(tuple(shape)), ctx.values(tuple(shape))], {}

    return draw


def cplx(m, a, b):
    return m.complex(a, b)


def c2c(fn, npfn, k):
    def build(a, b):
        y = fn(tf.complex(a, b * 0.5))
        return [tf.real(y), tf.imag(y)]

    def ref(a, b):
        y = npfn((a + 0.5j * b).astype(np.complex128), axes=tuple(range(a.ndim - k, a.ndim)))
        return [y.real.astype(a.dtype), y.imag.astype(a.dtype)]

    return build, ref


def real_in(fn, k):
    def build(a, b):
        y = fn(a + b * 0.25)
        return [tf.real(y), tf.imag(y)]

    def ref(a, b):
        x = (a + b * 0.25).astype(np.float64)
        y = np.fft.rfftn(x, axes=tuple(range(a.ndim - k, a.ndim)))
        return [y.real.astype(a.dtype), y.imag.astype(a.dtype)]

    return build, ref


def real_out(fn, k):
    def build(a, b):
        return fn(tf.complex(a, b))

    def ref(a, b):
        n = 2 * (a.shape[-1] - 1)
        x = (a + 1j * b).astype(np.complex128)
        s = [*a.shape[a.ndim - k : -1], n]
        return np.fft.irfftn(x, s=s, axes=tuple(range(a.ndim - k, a.ndim))).astype(a.dtype)

    return build, ref


def draw_irfft(k):
    def draw(ctx):
        shape = [max(d, 1) for d in ctx.shape(min_dims=k + 1, max_dims=k + 1, max_side=3)]
        shape[-1] = max(shape[-1], 2)  # (an fft_length of 2 * (m - 1) >= 2)
        return [ctx.values(tuple(shape)), ctx.values(tuple(shape))], {}

    return draw


def nd(fn, npfn, kind):
    if kind == "c2c":

        def build(a, b):
            y = fn(tf.complex(a, b), a.shape.as_list()[-1:], [-1])
            return [tf.real(y), tf.imag(y)]

        def ref(a, b):
            y = npfn((a + 1j * b).astype(np.complex128), axes=(-1,))
            return [y.real.astype(a.dtype), y.imag.astype(a.dtype)]

        return build, ref
    if kind == "r2c":

        def build(a, b):
            y = fn(a + b, a.shape.as_list()[-1:], [-1])
            return [tf.real(y), tf.imag(y)]

        def ref(a, b):
            y = np.fft.rfftn((a + b).astype(np.float64), axes=(-1,))
            return [y.real.astype(a.dtype), y.imag.astype(a.dtype)]

        return build, ref

    def build(a, b):
        n = 2 * (a.shape.as_list()[-1] - 1)
        return fn(tf.complex(a, b), [n], [-1])

    def ref(a, b):
        n = 2 * (a.shape[-1] - 1)
        x = (a + 1j * b).astype(np.complex128)
        return np.fft.irfftn(x, s=[n], axes=(-1,)).astype(a.dtype)

    return build, ref


TOL = {"rtol": 1e-4, "atol": 1e-4}  # (float32 transforms: sums of n products)
S = tf.signal
ROWS = [
    Row("FFT", *c2c(tf.fft, np.fft.fftn, 1), draw_k(1), FLOATS, tol=TOL),
    Row("IFFT", *c2c(tf.ifft, np.fft.ifftn, 1), draw_k(1), FLOATS, tol=TOL),
    Row("FFT2D", *c2c(tf.fft2d, np.fft.fftn, 2), draw_k(2), FLOATS, tol=TOL),
    Row("IFFT2D", *c2c(tf.ifft2d, np.fft.ifftn, 2), draw_k(2), FLOATS, tol=TOL),
    Row("FFT3D", *c2c(tf.fft3d, np.fft.fftn, 3), draw_k(3), FLOATS, tol=TOL),
    Row("IFFT3D", *c2c(tf.ifft3d, np.fft.ifftn, 3), draw_k(3), FLOATS, tol=TOL),
    Row("FFTND", *nd(tf.fftnd, np.fft.fftn, "c2c"), draw_k(2), FLOATS, tol=TOL),
    Row("IFFTND", *nd(tf.ifftnd, np.fft.ifftn, "c2c"), draw_k(2), FLOATS, tol=TOL),
    Row("RFFT", *real_in(S.rfft, 1), draw_k(1), FLOATS, tol=TOL),
    Row("RFFT2D", *real_in(S.rfft2d, 2), draw_k(2), FLOATS, "lookup", tol=TOL),
    Row("RFFT3D", *real_in(S.rfft3d, 3), draw_k(3), FLOATS, "lookup", tol=TOL),
    Row("RFFTND", *nd(tf.rfftnd, None, "r2c"), draw_k(2), FLOATS, "lookup", tol=TOL),
    Row("IRFFT", *real_out(S.irfft, 1), draw_irfft(1), FLOATS, tol=TOL),
    Row("IRFFT2D", *real_out(S.irfft2d, 2), draw_irfft(2), FLOATS, tol=TOL),
    Row("IRFFT3D", *real_out(S.irfft3d, 3), draw_irfft(3), FLOATS, tol=TOL),
    Row("IRFFTND", *nd(tf.irfftnd, None, "c2r"), draw_irfft(2), FLOATS, tol=TOL),
]
globals().update(table_tests(ROWS))
