"""``tf.contrib.training.create_train_op`` and ``tf.contrib.slim.learning.create_train_op`` side
by side with the same training step written with TF 2.21 ``compat.v1`` optimizers (TF 1.15's
contrib is not installable; semantics from TF 1.15's contrib/training/python/training/
training.py and contrib/slim/python/slim/learning.py): the UPDATE_OPS run first, gradients
multiplied and clipped per variable, the global step incremented, the TRAIN_OP collection."""

from __future__ import annotations

import os

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
W0 = np.random.default_rng(3).standard_normal((3, 2)).astype(np.float32)
X = np.arange(12, dtype=np.float32).reshape(4, 3) / 10


def _model(mod):
    w = mod.get_variable("w", initializer=mod.constant(W0))
    b = mod.get_variable("b", initializer=mod.constant(np.zeros(2, np.float32)))
    return w, b, mod.reduce_sum(mod.square(mod.matmul(mod.constant(X), w) + b - 1.0))


def test_slim_create_train_op_matches_tf():
    with tf.Graph().as_default():
        w, b, loss = _model(tf)
        op = tf.contrib.slim.learning.create_train_op(
            loss,
            tf.train.MomentumOptimizer(0.05, 0.9),
            clip_gradient_norm=2.0,
            gradient_multipliers={"b": 3.0},
            summarize_gradients=True,
        )
        assert op.op.name.startswith("train_op/")
        assert any(t is op for t in tf.get_collection(tf.GraphKeys.TRAIN_OP))
        tags = [t.op.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)]
        assert tags == [
            "summarize_grads/w_gradient",
            "summarize_grads/w_gradient_norm",
            "summarize_grads/b_gradient",
            "summarize_grads/b_gradient_norm",
        ]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = [sess.run(op) for _ in range(4)]
            ours += sess.run([w, b, tf.train.get_global_step()])
    with real_tf.Graph().as_default():
        step = T.train.get_or_create_global_step()
        w, b, loss = _model(T)
        opt = T.train.MomentumOptimizer(0.05, 0.9)
        grads = opt.compute_gradients(loss, [w, b])
        grads = [(g * 3.0 if v is b else g, v) for g, v in grads]
        grads = [(T.clip_by_norm(g, 2.0), v) for g, v in grads]
        update = opt.apply_gradients(grads, global_step=step)
        with T.control_dependencies([update]):
            train = T.identity(loss)
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            theirs = [sess.run(train) for _ in range(4)]
            theirs += sess.run([w, b, step])
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-6)


def test_create_train_op_runs_update_ops_and_transform():
    with tf.Graph().as_default():
        w, _, loss = _model(tf)
        counter = tf.Variable(0.0, trainable=False, name="counter")
        tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.assign_add(counter, 1.0))
        op = tf.contrib.training.create_train_op(
            loss,
            tf.train.GradientDescentOptimizer(0.01),
            global_step=None,
            transform_grads_fn=lambda gv: [(g * 0.0, v) for g, v in gv],
        )
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(op)
            sess.run(op)
            assert sess.run(counter) == 2.0
            np.testing.assert_array_equal(sess.run(w), W0)  # zeroed gradients: no change
        assert tf.train.get_global_step() is None


@pytest.mark.bad_input
def test_multiply_gradients_errors():
    mult = tf.contrib.training.multiply_gradients
    with pytest.raises(ValueError, match=r"`grads_and_vars` must be a list\."):
        mult((), {"w": 1.0})
    with pytest.raises(ValueError, match=r"`gradient_multipliers` is empty\."):
        mult([], {})
    with tf.Graph().as_default():
        w = tf.Variable(1.0, name="w")
        with pytest.raises(ValueError, match=r"Requested multiple of `None` gradient\."):
            mult([(None, w)], {"w": 2.0})


def test_slim_learning_train_loop_matches_tf_and_writes_checkpoints(tmp_path):
    # TF 1.15 slim/learning.py train: Supervisor-managed loop until global_step reaches
    # number_of_steps, a final checkpoint <logdir>/model.ckpt-<step>; returns the last loss
    logdir = str(tmp_path)
    with tf.Graph().as_default():
        _, _, loss = _model(tf)
        tf.summary.scalar("loss", loss)
        op = tf.contrib.slim.learning.create_train_op(loss, tf.train.GradientDescentOptimizer(0.01))
        # (no timed checkpoint thread: its first save, at step 0, can land after the final one
        # on a loaded machine, in TF as here)
        final = tf.contrib.slim.learning.train(
            op, logdir, number_of_steps=5, log_every_n_steps=2, save_interval_secs=0
        )
    with real_tf.Graph().as_default():
        step = T.train.get_or_create_global_step()
        w, _, loss = _model(T)
        train = T.train.GradientDescentOptimizer(0.01).minimize(loss, global_step=step)
        with T.control_dependencies([train]):
            train = T.identity(loss)
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            losses = [sess.run(train) for _ in range(5)]
            w_tf = sess.run(w)
    np.testing.assert_allclose(final, losses[-1], rtol=1e-5)
    ckpt = T.train.latest_checkpoint(logdir)  # TF reads what the loop wrote
    assert ckpt.endswith("model.ckpt-5")
    assert T.train.load_variable(ckpt, "global_step") == 5
    np.testing.assert_allclose(T.train.load_variable(ckpt, "w"), w_tf, rtol=1e-5)
    assert any(name.startswith("events.out.tfevents") for name in os.listdir(logdir))


@pytest.mark.bad_input
def test_slim_learning_train_errors(tmp_path):
    train = tf.contrib.slim.learning.train
    with pytest.raises(ValueError, match=r"train_op cannot be None\."):
        train(None, str(tmp_path))
    with pytest.raises(ValueError, match="`number_of_steps` must be either None or a positive"):
        train(tf.constant(1.0), str(tmp_path), number_of_steps=0)
    with tf.Graph().as_default(), pytest.raises(ValueError, match="Cannot provide saver"):
        train(tf.constant(1.0), None, saver=object())
