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
