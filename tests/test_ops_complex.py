"""The op table's rows for the complex-number ops (``ops/complex_ops.py``): each row builds its
op from real inputs through ``tf.complex`` and returns real values, so that the table's forward,
partial-shape and central-difference gradient checks apply (gradients flow through the complex
tensors with TF's conjugate rules). TF's values and gradients: test_dtypes_vs_tf.py.
"""

from __future__ import annotations

import numpy as np
from op_table import Row, table_tests

import tflite_core as tf

TOL = {"rtol": 1e-5, "atol": 1e-5}


def pair_draw(fwd=(-5.0, 5.0), grad_x=((0.5, 3.0),), grad_y=((-3.0, 3.0),)):
    """Two same-shape float arrays, the real and imaginary parts (for gradients: away from the
    origin and from the negative real axis, where angle and |z| have kinks)."""

    def draw(ctx):
        shape = ctx.shape()
        if ctx.grad:
            return [ctx.values(shape, *grad_x), ctx.values(shape, *grad_y)], {}
        return [ctx.values(shape, fwd), ctx.values(shape, fwd)], {}

    return draw


def complex_draw(ctx):
    (sa, sb), _ = ctx.bcast()
    return [ctx.values(sa), ctx.values(sb)], {}


def _z(x, y):
    return tf.complex(x, y)


def _parts(x, y):
    z = _z(x, y)
    return [tf.real(z), tf.imag(z)]


def _parts_ref(x, y):
    a, b = np.broadcast_arrays(x, y)
    return [a.copy(), b.copy()]


ROWS = [
    Row("Complex", _parts, _parts_ref, complex_draw),
    Row(
        "Real",
        lambda x, y: tf.real(_z(x, y) * _z(x, y)),
        lambda x, y: x * x - y * y,
        pair_draw(),
        tol=TOL,
    ),
    Row(
        "Imag",
        lambda x, y: tf.imag(_z(x, y) * _z(y, x)),
        lambda x, y: x * x + y * y,
        pair_draw(),
        tol=TOL,
    ),
    Row(
        "Conj",
        lambda x, y: [tf.imag(tf.conj(_z(x, y))), tf.real(tf.conj(_z(x, y)) * _z(x, y))],
        lambda x, y: [-y, x * x + y * y],
        pair_draw(),
        tol=TOL,
    ),
    Row(
        "Angle",
        lambda x, y: tf.angle(_z(x, y)),
        lambda x, y: np.arctan2(y, x),
        pair_draw(),
        tol=TOL,
    ),
    Row(
        "ComplexAbs",
        lambda x, y: tf.abs(_z(x, y)),
        lambda x, y: np.hypot(x, y),
        pair_draw(),
        tol=TOL,
    ),
]

globals().update(table_tests(ROWS))
