"""``tf.contrib.opt.AdamWOptimizer`` / ``MomentumWOptimizer`` side by side with TF 2.21
``compat.v1`` Adam/Momentum preceded by the decay ``var -= weight_decay * var`` (TF 1.15's
contrib/opt/python/training/weight_decay_optimizers.py: the decay runs before each variable's
update), over several steps; slot names; ``decay_var_list``. The loss is linear in the
variables so its gradients do not depend on the order of the decay and the gradient reads."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
W0 = np.random.default_rng(2).standard_normal((3, 2)).astype(np.float32)
B0 = np.array([0.5, -1.0], np.float32)
C = np.arange(6, dtype=np.float32).reshape(3, 2) / 5


def _model(mod):
    w = mod.get_variable("w", initializer=mod.constant(W0))
    b = mod.get_variable("b", initializer=mod.constant(B0))
    return w, b, mod.reduce_sum(w * C) + mod.reduce_sum(b)


@pytest.mark.parametrize("kind", ["adam", "momentum"])
@pytest.mark.parametrize("decay_only_w", [False, True])
def test_weight_decay_optimizers_match_tf(kind, decay_only_w):
    with tf.Graph().as_default():
        w, b, loss = _model(tf)
        if kind == "adam":
            opt = tf.contrib.opt.AdamWOptimizer(0.1, learning_rate=0.05)
        else:
            opt = tf.contrib.opt.MomentumWOptimizer(0.1, learning_rate=0.05, momentum=0.9)
        grads = opt.compute_gradients(loss)
        train = opt.apply_gradients(grads, decay_var_list=[w] if decay_only_w else None)
        slot_names = sorted(v.op.name for v in tf.global_variables())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            ours = sess.run([w, b])
    with real_tf.Graph().as_default():
        w, b, loss = _model(T)
        if kind == "adam":
            opt = T.train.AdamOptimizer(0.05, name="AdamW")
        else:
            opt = T.train.MomentumOptimizer(0.05, 0.9, name="MomentumW")
        grads = opt.compute_gradients(loss)
        decayed = [w] if decay_only_w else [w, b]
        decay = [v.assign_sub(0.1 * v) for v in decayed]
        with T.control_dependencies(decay):
            train = opt.apply_gradients(grads)
        tf_names = sorted(v.op.name for v in T.global_variables())
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            theirs = sess.run([w, b])
    assert slot_names == tf_names
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-5, atol=1e-6)


def test_adamw_sparse_gradient_decays_only_the_rows():
    table0 = np.random.default_rng(3).standard_normal((5, 2)).astype(np.float32)
    ids = np.array([1, 3, 1], np.int32)

    def model(mod):
        table = mod.get_variable("emb", initializer=mod.constant(table0))
        return table, mod.reduce_sum(mod.gather(table, ids) * np.float32(0.5))

    with tf.Graph().as_default():
        table, loss = model(tf)
        opt = tf.contrib.opt.AdamWOptimizer(0.2, learning_rate=0.1)
        train = opt.apply_gradients(opt.compute_gradients(loss))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
            sess.run(train)
            ours = sess.run(table)
    with real_tf.Graph().as_default():
        table, loss = model(T)
        opt = T.train.AdamOptimizer(0.1, name="AdamW")
        grads = opt.compute_gradients(loss)
        rows, _ = T.unique(grads[0][0].indices)  # TF deduplicates before _apply_sparse
        decay = T.scatter_add(table, rows, -0.2 * T.gather(table, rows))
        with T.control_dependencies([decay]):
            train = opt.apply_gradients(grads)
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            sess.run(train)
            sess.run(train)
            theirs = sess.run(table)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ours[[0, 2, 4]], table0[[0, 2, 4]])  # rows never seen
