"""``tf.nn``'s composite names side by side with TF 2.21 ``compat.v1``: crelu, swish/silu,
xw_plus_b, relu_layer, weighted_cross_entropy_with_logits, log_poisson_loss (with the full loss),
sufficient_statistics + normalize_moments (shifted, unshifted, unknown batch size) and
weighted_moments; values and gradients, and the output tensor names where TF names them."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(16)
X = RNG.standard_normal((4, 5)).astype(np.float32)
W = RNG.standard_normal((5, 3)).astype(np.float32)
B = RNG.standard_normal(3).astype(np.float32)
Z = (RNG.random((4, 5)) > 0.5).astype(np.float32)
COUNTS = RNG.integers(0, 4, (4, 5)).astype(np.float32)
FREQ = RNG.random((4, 1)).astype(np.float32)

CASES = {
    "crelu": (lambda m, x: [m.nn.crelu(x), m.nn.crelu(x, axis=0, name="c0")], True),
    "swish": (lambda m, x: [m.nn.swish(x), m.nn.silu(x, beta=0.7)], False),
    "xw_plus_b": (lambda m, x: [m.nn.xw_plus_b(x, W, B, name="dense")], True),
    "relu_layer": (lambda m, x: [m.nn.relu_layer(x, W, B)], True),
    "weighted_cross_entropy": (
        lambda m, x: [m.nn.weighted_cross_entropy_with_logits(labels=Z, logits=x, pos_weight=2.5)],
        True,
    ),
    "log_poisson_loss": (
        lambda m, x: [
            m.nn.log_poisson_loss(COUNTS, x),
            m.nn.log_poisson_loss(COUNTS, x, compute_full_loss=True),
        ],
        False,
    ),
    "moments_from_statistics": (
        lambda m, x: [
            *m.nn.normalize_moments(*m.nn.sufficient_statistics(x, [0])),
            *m.nn.normalize_moments(*m.nn.sufficient_statistics(x, [0, 1], shift=0.3)),
            *m.nn.sufficient_statistics(x, [1], keepdims=True)[:3],
        ],
        True,
    ),
    "weighted_moments": (
        lambda m, x: [
            *m.nn.weighted_moments(x, [0], FREQ),
            *m.nn.weighted_moments(x, [1], FREQ, keep_dims=True),
        ],
        True,
    ),
}


def _run(mod, graph, build, dynamic):
    with graph.as_default():
        p = mod.placeholder(mod.float32, (None, 5) if dynamic else (4, 5))
        outs = build(mod, p)
        grads = [mod.gradients(mod.reduce_sum(o * o), p)[0] for o in outs]
        some = [g for g in grads if g is not None]  # (a count does not depend on x)
        with mod.Session(graph=graph) as sess:
            v, g = sess.run([outs, some], {p: X})
            return [o.name for o in outs], (v, [g.pop(0) if t is not None else None for t in grads])


@pytest.mark.parametrize("name", sorted(CASES))
def test_nn_composite_matches_tf(name):
    build, same_names = CASES[name]
    for dynamic in (False, True):
        n_ours, (v_ours, g_ours) = _run(tf, tf.Graph(), build, dynamic)
        n_tf, (v_tf, g_tf) = _run(T, real_tf.Graph(), build, dynamic)
        if same_names:
            assert n_ours == n_tf
        assert [g is None for g in g_ours] == [g is None for g in g_tf], name
        for a, b in zip(v_ours + g_ours, v_tf + g_tf):
            if a is None:
                continue
            assert np.shape(a) == np.shape(b), name
            np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5, err_msg=name)


def test_shape_mismatches_raise_tfs_value_errors():
    for mod in (tf, T):
        with pytest.raises(ValueError, match="must have the same shape"):
            mod.nn.weighted_cross_entropy_with_logits(labels=Z[:, :2], logits=X, pos_weight=2.0)
        with pytest.raises(ValueError, match="must have the same shape"):
            mod.nn.log_poisson_loss(COUNTS[:2], X)
