"""The Fourier transforms side by side with TF 2.21 ``compat.v1``: values and gradients of the
fft family, rfft/irfft with cropping and padding ``fft_length``, the N-D forms and the shifts."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(21)
X = RNG.standard_normal((3, 4, 6))
Y = RNG.standard_normal((3, 4, 6))


def _both(build):
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            a = mod.placeholder(mod.float64, X.shape)
            b = mod.placeholder(mod.float64, Y.shape)
            fetch = build(mod, a, b)
            with mod.Session(graph=graph) as sess:
                out.append(sess.run(fetch, {a: X, b: Y}))
    return out


def _close(ours, theirs):
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name", ["fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d"])
def test_complex_transforms_and_gradients(name):
    def build(m, a, b):
        y = getattr(m.signal, name)(m.complex(a, b))
        loss = m.reduce_sum(m.real(y) * a) + m.reduce_sum(m.imag(y) * m.imag(y))
        return [y, *m.gradients(loss, [a, b])]

    _close(*_both(build))


@pytest.mark.parametrize("length", [None, [4], [9]])
def test_rfft_irfft_with_fft_length_and_gradients(length):
    # (TF's own gradients fail where fft_length crops or pads: values only there)
    def build(m, a, b):
        y = m.signal.rfft(a, length)
        z = m.signal.irfft(m.complex(a, b), length)
        if length is not None:
            return [y, z]
        loss = m.reduce_sum(m.abs(y)) + m.reduce_sum(z * z)
        return [y, z, *m.gradients(loss, [a, b])]

    _close(*_both(build))


@pytest.mark.parametrize("name", ["rfft2d", "rfft3d"])
def test_multi_axis_real_transforms(name):
    _close(*_both(lambda m, a, b: [getattr(m.signal, name)(a), m.signal.irfft2d(m.complex(a, b))]))


def test_shifts_as_tf():
    _close(*_both(lambda m, a, b: [m.signal.fftshift(a), m.signal.ifftshift(a, axes=[1, 2])]))


def test_nd_transforms_as_numpy():  # (TF 2.21 registers no CPU kernel for the FFTND ops)
    c = X + 1j * Y
    with tf.Graph().as_default(), tf.Session() as sess:
        a, b = tf.constant(X), tf.constant(Y)
        z = tf.complex(a, b)
        got = sess.run(
            [
                tf.fftnd(z, [4, 5], [0, 2]),
                tf.ifftnd(z, [2, 6], [1, 2]),
                tf.rfftnd(a, [3, 8], [0, 2]),
                tf.irfftnd(z, [4, 10], [1, 2]),
            ]
        )
    want = [
        np.fft.fftn(c, s=[4, 5], axes=[0, 2]),
        np.fft.ifftn(c, s=[2, 6], axes=[1, 2]),
        np.fft.rfftn(X, s=[3, 8], axes=[0, 2]),
        np.fft.irfftn(c[:, :, :6], s=[4, 10], axes=[1, 2]),
    ]
    _close(got, want)


def test_errors_at_graph_build():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default(), pytest.raises((TypeError, ValueError)):
            mod.fft(mod.zeros([4]))  # a real input
