"""``tf.contrib.framework`` / ``slim`` checkpoint helpers with checkpoints written by TF 2.21's
``compat.v1.train.Saver`` (semantics of TF 1.15's contrib/framework/python/ops/variables.py:
``assign_from_checkpoint_fn``, ``assign_from_checkpoint``), and ``tf.contrib.layers.maxout``
side by side with the same reshape-and-max in TF ops."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(9)
W = RNG.standard_normal((3, 4)).astype(np.float32)
B = RNG.standard_normal(4).astype(np.float32)


@pytest.fixture(scope="module")
def tf_checkpoint(tmp_path_factory):
    """A checkpoint TF 2.21 writes: ``fc/weights`` and ``fc/biases``."""
    path = str(tmp_path_factory.mktemp("ckpt") / "model")
    with real_tf.Graph().as_default():
        with T.variable_scope("fc"):
            T.get_variable("weights", initializer=W)
            T.get_variable("biases", initializer=B)
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            return T.train.Saver().save(sess, path)


def test_assign_from_checkpoint_fn_restores_tf_checkpoint(tf_checkpoint):
    slim = tf.contrib.slim
    with tf.Graph().as_default():
        y = slim.fully_connected(tf.ones([1, 3]), 4, scope="fc", activation_fn=None)
        extra = slim.variable("extra", shape=[2])
        init_fn = slim.assign_from_checkpoint_fn(
            tf_checkpoint, [*slim.get_model_variables(), extra], ignore_missing_vars=True
        )
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            init_fn(sess)
            out = sess.run(y)
        assert slim.assign_from_checkpoint_fn(tf_checkpoint, [extra], True) is None
    np.testing.assert_allclose(out, np.ones((1, 3), np.float32) @ W + B, rtol=1e-6)


def test_assign_from_checkpoint_op_and_feed(tf_checkpoint):
    with tf.Graph().as_default():
        w = tf.get_variable("w", [3, 4])
        b = tf.get_variable("b", [4])
        op, feed = tf.contrib.framework.assign_from_checkpoint(
            tf_checkpoint, {"fc/weights": w, "fc/biases": [b]}
        )
        assert sorted(t.op.name for t in feed) == ["placeholder/b", "placeholder/w"]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(op, feed)
            np.testing.assert_array_equal(sess.run(w), W)
            np.testing.assert_array_equal(sess.run(b), B)
        assert tf.contrib.framework.list_variables(tf_checkpoint) == [
            ("fc/biases", [4]),
            ("fc/weights", [3, 4]),
        ]


@pytest.mark.bad_input
def test_checkpoint_helper_errors(tf_checkpoint):
    with tf.Graph().as_default():
        v = tf.get_variable("missing", [2])
        with pytest.raises(ValueError, match=r"Checkpoint is missing variable \[missing\]"):
            tf.contrib.framework.assign_from_checkpoint(tf_checkpoint, [v])
        with pytest.raises(ValueError, match="var_list cannot be empty"):
            tf.contrib.framework.assign_from_checkpoint_fn(tf_checkpoint, [])
        w = tf.get_variable("w", [4, 3])
        with pytest.raises(ValueError, match="Total size of new array must be unchanged"):
            tf.contrib.framework.assign_from_checkpoint(tf_checkpoint, {"fc/weights": w})


def test_maxout_matches_tf():
    x = RNG.standard_normal((2, 3, 6)).astype(np.float32)
    with tf.Graph().as_default():
        xp = tf.placeholder(tf.float32, [None, 3, 6])
        y = tf.contrib.layers.maxout(xp, 2)
        y1 = tf.contrib.layers.maxout(tf.constant(x), 3, axis=1)
        assert y.op.name.startswith("maxout/") and y.shape.as_list() == [None, 3, 2]
        ours = tf.Session().run([y, y1], {xp: x})
    theirs = _tf_maxout(x)
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o, t)
    with tf.Graph().as_default(), pytest.raises(ValueError, match=r"number of features\(6\)"):
        tf.contrib.layers.maxout(tf.constant(x), 4)


def _tf_maxout(x):
    with real_tf.Graph().as_default():
        a = T.reduce_max(T.reshape(x, [2, 3, 2, 3]), -1)
        b = T.reduce_max(T.reshape(x, [2, 3, 6, 1]), -1)
        return T.Session().run([a, b])


def test_contrib_util_constant_value_and_protos():
    def build(mod):
        x = mod.placeholder(mod.float32, [None, 3])
        return [mod.constant([1, 2]), mod.shape(x)[1:], mod.constant([1.0]) + 1.0]

    with tf.Graph().as_default():
        ours = [tf.contrib.util.constant_value(t) for t in build(tf)]
        proto = tf.contrib.util.make_tensor_proto(np.arange(4, dtype=np.int32).reshape(2, 2))
        back = tf.contrib.util.make_ndarray(proto)
    with real_tf.Graph().as_default():
        theirs = [real_tf.get_static_value(t) for t in build(T)]
    for o, t in zip(ours, theirs):
        assert (o is None and t is None) or np.array_equal(o, t)
    np.testing.assert_array_equal(back, np.arange(4).reshape(2, 2))


def test_framework_aliases_match_tf():
    # TF 1.15 contrib/framework/__init__.py re-exports sort, argsort, is_tensor, assert_scalar
    x = np.array([3.0, 1.0, 2.0], np.float32)
    F = tf.contrib.framework
    with tf.Graph().as_default():
        ours = tf.Session().run([F.sort(x, direction="DESCENDING"), F.argsort(x)])
        assert F.is_tensor(tf.constant(1.0)) and not F.is_tensor(x)
        with pytest.raises(ValueError, match="Expected scalar"):
            F.assert_scalar(tf.constant(x))
    with real_tf.Graph().as_default():
        theirs = T.Session().run([real_tf.sort(x, direction="DESCENDING"), real_tf.argsort(x)])
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o, t)
