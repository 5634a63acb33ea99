"""Checkpoints move both ways between TF 2.21 ``compat.v1`` and tflite_core for a ``tf.layers``
CNN with batch normalization trained by Adam: one side trains a few steps and saves, the other
restores (every variable by TF's name: kernels, biases, gamma/beta, moving statistics, Adam's
slots and beta powers, the global step) and trains on; its losses equal the first side's own
continuation within 1e-5."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
# TF warns that tf.layers is deprecated on every call
pytestmark = pytest.mark.filterwarnings(
    "ignore:`tf.layers:UserWarning", "ignore::DeprecationWarning"
)
RNG = np.random.default_rng(15)
BATCHES = [
    (
        RNG.random((16, 12, 12, 1), dtype=np.float32),
        RNG.integers(0, 5, 16).astype(np.int64),
    )
    for _ in range(6)
]


def _model(m):
    """conv-bn-relu-pool twice, dense; Adam after the UPDATE_OPS; returns feeds, loss, train."""
    images = m.placeholder(m.float32, [None, 12, 12, 1], name="images")
    labels = m.placeholder(m.int64, [None], name="labels")
    h = images
    for filters in (4, 8):
        h = m.layers.conv2d(h, filters, 3, padding="same", use_bias=False)
        h = m.layers.batch_normalization(h, training=True)
        h = m.layers.max_pooling2d(m.nn.relu(h), 2, 2)
    logits = m.layers.dense(m.layers.flatten(h), 5)
    loss = m.losses.sparse_softmax_cross_entropy(labels, logits)
    step = m.train.get_or_create_global_step()
    with m.control_dependencies(m.get_collection(m.GraphKeys.UPDATE_OPS)):
        train = m.train.AdamOptimizer(0.01).minimize(loss, global_step=step)
    return images, labels, loss, train


def _train(m, graph, restore_from, save_to, batches):
    """Builds the model in ``graph``, initializes or restores it, runs one step per batch and
    saves; returns the losses and the variable names."""
    with graph.as_default():
        images, labels, loss, train = _model(m)
        saver = m.train.Saver()
        with m.Session(graph=graph) as sess:
            if restore_from:
                saver.restore(sess, restore_from)
            else:
                sess.run(m.global_variables_initializer())
            losses = [sess.run([loss, train], {images: x, labels: y})[0] for x, y in batches]
            if save_to:
                saver.save(sess, save_to)
        names = sorted(v.op.name for v in m.global_variables())
    return np.array(losses), names


@pytest.mark.parametrize("first", ["tf", "ours"])
def test_checkpoints_move_both_ways(first, tmp_path):
    mods = {"tf": (T, real_tf.Graph), "ours": (tf, tf.Graph)}
    second = "ours" if first == "tf" else "tf"
    m1, graph1 = mods[first]
    m2, graph2 = mods[second]
    ckpt = str(tmp_path / "model.ckpt")
    _, names1 = _train(m1, graph1(), None, ckpt, BATCHES[:3])
    # the first side continues from its own checkpoint; the second restores the same file
    own, _ = _train(m1, graph1(), ckpt, None, BATCHES[3:])
    other, names2 = _train(m2, graph2(), ckpt, None, BATCHES[3:])
    assert names1 == names2
    assert "batch_normalization_1/moving_variance" in names1
    assert "conv2d/kernel/Adam_1" in names1
    np.testing.assert_allclose(other, own, rtol=1e-5, atol=1e-5)
