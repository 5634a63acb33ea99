"""Matrix products and ``tf.linalg`` side by side with TF 2.21 ``compat.v1``: values and
gradients on the same inputs."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(11)


def _both(build, feeds):
    """``sess.run(build(module)(placeholders))`` in tflite_core and in TF on the same feeds."""
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            ps = [mod.placeholder(mod.as_dtype(v.dtype), v.shape) for v in feeds]
            fetch = build(mod, *ps)
            with mod.Session(graph=graph) as sess:
                out.append(sess.run(fetch, dict(zip(ps, feeds))))
    return out


@pytest.mark.parametrize(
    ("sa", "sb", "adj"),
    [
        ((2, 3, 4), (2, 4, 5), (False, False)),
        ((2, 1, 3, 4), (5, 5, 4), (False, True)),  # batch broadcast, b adjoint
        ((4, 3), (2, 4, 6), (True, False)),  # a rank-2 side
        ((3, 2, 4, 3), (3, 2, 5, 4), (True, True)),
    ],
)
def test_batched_matmul_and_gradients(sa, sb, adj):
    a = RNG.standard_normal(sa)
    b = RNG.standard_normal(sb)

    def build(m, x, y):
        z = m.matmul(x, y, adjoint_a=adj[0], adjoint_b=adj[1])
        loss = m.reduce_sum(z * z)
        return [z, *m.gradients(loss, [x, y])]

    ours, theirs = _both(build, [a, b])
    for got, want in zip(ours, theirs):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def test_batched_matmul_shape_errors_at_graph_build():
    for mod in (tf, T):
        g = tf.Graph() if mod is tf else real_tf.Graph()
        with g.as_default():
            with pytest.raises(ValueError, match="Dimensions must be equal"):
                mod.matmul(mod.zeros([2, 3, 4]), mod.zeros([2, 5, 6]))
            with pytest.raises(ValueError):
                mod.matmul(mod.zeros([2, 3, 4]), mod.zeros([3, 4, 6]))  # batch 2 vs 3


def _close(ours, theirs):
    assert len(ours) == len(theirs)
    for got, want in zip(ours, theirs):
        got, want = np.asarray(got), np.asarray(want)
        assert got.shape == want.shape and got.dtype == want.dtype, (got, want)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


M = RNG.standard_normal((2, 3, 4))
SQ = RNG.standard_normal((2, 3, 3))
V = RNG.standard_normal((2, 3))

LINALG = {
    "matrix_transpose": (lambda m, x: m.linalg.matrix_transpose(x), [M]),
    "transpose": (lambda m, x: m.linalg.transpose(x), [M]),
    "adjoint": (lambda m, x: m.linalg.adjoint(x), [M]),
    "diag": (lambda m, v: m.linalg.diag(v), [V]),
    "diag_part (wide)": (lambda m, x: m.linalg.diag_part(x), [M]),
    "diag_part (tall)": (lambda m, x: m.linalg.diag_part(m.linalg.transpose(x)), [M]),
    "trace": (lambda m, x: m.linalg.trace(x), [M]),
    "set_diag": (lambda m, x, v: m.linalg.set_diag(x, v), [SQ, V]),
    "band_part": (lambda m, x: m.linalg.band_part(x, 1, 0), [M]),
    "band_part (all below)": (lambda m, x: m.linalg.band_part(x, -1, 1), [M]),
    "tensordot (int)": (
        lambda m, x, y: m.linalg.tensordot(x, y, 1),
        [M, RNG.standard_normal((4, 5))],
    ),
    "tensordot (pairs)": (
        lambda m, x, y: m.linalg.tensordot(x, y, [[0, 2], [1, 0]]),
        [M, RNG.standard_normal((4, 2, 5))],
    ),
    "matvec": (lambda m, x, v: m.linalg.matvec(x, v), [M, RNG.standard_normal((2, 4))]),
    "cross": (lambda m, x, y: m.linalg.cross(x, y), [V, RNG.standard_normal((2, 3))]),
    "norm": (lambda m, x: m.linalg.norm(x), [M]),
    "norm (1, axis)": (lambda m, x: m.linalg.norm(x, 1, axis=1), [M]),
    "norm (inf, axis)": (lambda m, x: m.linalg.norm(x, np.inf, axis=-1, keepdims=True), [M]),
    "norm (p=3)": (lambda m, x: m.linalg.norm(x, 3, axis=0), [M]),
    "norm (fro)": (lambda m, x: m.linalg.norm(x, "fro", axis=[1, 2]), [M]),
    "norm (matrix 1)": (lambda m, x: m.linalg.norm(x, 1, axis=[-2, -1]), [M]),
    "norm (matrix inf)": (lambda m, x: m.linalg.norm(x, np.inf, axis=[1, 2], keepdims=True), [M]),
    "global_norm": (lambda m, x, v: m.linalg.global_norm([x, v]), [M, V]),
}


@pytest.mark.parametrize("case", list(LINALG), ids=list(LINALG))
def test_linalg_values_and_gradients_match_tensorflow(case):
    fn, feeds = LINALG[case]

    def build(m, *ps):
        y = fn(m, *ps)
        loss = m.reduce_sum(y * y * y)
        grads = [g for g in m.gradients(loss, list(ps)) if g is not None]
        return [y, *grads]

    ours, theirs = _both(build, feeds)
    _close(ours, theirs)


def test_eye_matches_tensorflow():
    def build(m, n):
        return [
            m.linalg.eye(3),
            m.linalg.eye(2, 4, batch_shape=[2], dtype=m.int32),
            m.linalg.eye(n, 2),
        ]

    _close(*_both(build, [np.int32(3)]))


def test_nan_off_the_diagonal_stays_as_tensorflows():
    x = np.array([[1.0, np.nan], [np.inf, 4.0]])
    ours, theirs = _both(lambda m, a: [m.linalg.diag_part(a), m.linalg.band_part(a, 0, 0)], [x])
    for got, want in zip(ours, theirs):
        np.testing.assert_array_equal(got, want)
