"""Buffer planning (``client/compiler.py``): a plan's tensors whose lifetimes do not overlap share
buffers. Each test runs the same graph in a session with the sharing on (the default) and one
with TF's memory optimizer turned off (``RewriterConfig.NO_MEM_OPT``), which keeps a buffer per
tensor: the values must be identical bit for bit, and the shared plan must be smaller."""

from __future__ import annotations

import numpy as np
import pytest

import tflite_core as tf
from tflite_core.client.config_options import RewriterConfig


def _config(share: bool) -> tf.ConfigProto:
    config = tf.ConfigProto()
    # (constant folding off: most inputs here are constants, which it would compute once)
    config.graph_options.rewrite_options.constant_folding = RewriterConfig.OFF
    if not share:
        config.graph_options.rewrite_options.memory_optimization = RewriterConfig.NO_MEM_OPT
    return config


def _both(build, steps: int = 3, feeds=None):
    """``build()`` (in a fresh graph) returns fetches; runs them ``steps`` times in a session
    with sharing and one without, from the same variable values; returns (values with,
    values without, plan bytes with, plan bytes without)."""
    out = []
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        fetches = build()
        init = None
        for share in (True, False):
            with tf.Session(config=_config(share)) as sess:
                sess.run(tf.global_variables_initializer())
                if init is None:
                    init = [sess.run(v) for v in tf.global_variables()]
                else:
                    for v, x in zip(tf.global_variables(), init):
                        v.load(x, sess)
                vals = [sess.run(fetches, feeds) for _ in range(steps)]
                out.append((vals, sess._plans.nbytes))
    (a, na), (b, nb) = out
    return a, b, na, nb


def _assert_identical(a, b) -> None:
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_identical(x, y)
    elif a is None:
        assert b is None
    else:
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_the_config_switch_is_tf_memory_optimizer_field():
    assert tf.Session()._share_buffers
    assert not tf.Session(config=_config(False))._share_buffers
    config = tf.ConfigProto(graph_options=tf.GraphOptions(rewrite_options=RewriterConfig()))
    assert config.graph_options.rewrite_options.memory_optimization == 0  # DEFAULT_MEM_OPT
    assert tf.Session(config=config)._share_buffers


def test_mlp_train_steps_identical_and_the_plan_smaller():
    rng = np.random.default_rng(0)
    x_val = rng.normal(size=(64, 100)).astype(np.float32)
    y_val = rng.integers(0, 10, 64)

    def build():
        x = tf.constant(x_val)
        h = x
        for width in (256, 256, 128):
            h = tf.layers.dense(h, width, activation=tf.nn.relu)
        logits = tf.layers.dense(h, 10)
        loss = tf.losses.sparse_softmax_cross_entropy(y_val, logits)
        train = tf.train.AdamOptimizer(0.01).minimize(loss)
        with tf.control_dependencies([train]):
            return [tf.identity(loss), logits]

    a, b, shared, separate = _both(build)
    _assert_identical(a, b)
    assert shared < separate, (shared, separate)


def _product_chain(x_val, ws) -> tuple[int, int]:
    """x @ ws[0] @ ws[1] ... (x fed) in both sessions, identical and as NumPy's; the bytes of the
    shared plan's and the separate plan's buffers beside the constant ws."""

    def build():
        h = tf.placeholder(tf.float32, x_val.shape, name="x")
        for w in ws:
            h = tf.matmul(h, tf.constant(w))
        return h

    a, b, shared, separate = _both(build, steps=2, feeds={"x:0": x_val})
    _assert_identical(a, b)
    expected = x_val
    for w in ws:
        expected = expected @ w
    np.testing.assert_allclose(a[0], expected, rtol=1e-4, atol=1e-4)
    constants = sum(w.nbytes for w in ws)
    return shared - constants, separate - constants


def test_a_chain_of_products_needs_two_buffers():
    """x @ w1 @ w2 ... : each product's input is dead once it ran, so two buffers take turns."""
    rng = np.random.default_rng(1)
    ws = [rng.normal(0, 0.1, (256, 256)).astype(np.float32) for _ in range(8)]
    shared, separate = _product_chain(rng.normal(size=(256, 256)).astype(np.float32), ws)
    product = 256 * 256 * 4
    assert separate >= 8 * product  # a buffer per product
    assert shared <= 2 * product + 4096  # two, taking turns


def test_buffers_of_different_sizes_pack_into_one_arena():
    """x [64,256] -> a [64,1024] -> b [64,256] -> c [64,256] -> d [64,1024]: reusing freed buffers
    alone gives c a's buffer and d a new one (9 units of 64x256 floats); packing the plan's
    buffers into one arena by their steps (``Plan.pack_groups``) needs at most 6."""
    rng = np.random.default_rng(4)
    shapes = [(256, 1024), (1024, 256), (256, 256), (256, 1024)]
    ws = [rng.normal(0, 0.05, s).astype(np.float32) for s in shapes]
    shared, separate = _product_chain(rng.normal(size=(64, 256)).astype(np.float32), ws)
    unit = 64 * 256 * 4
    assert separate >= 10 * unit  # a buffer per product
    assert shared <= 6 * unit + 4096


def test_fetched_intermediates_keep_their_values():
    """A fetched tensor lives to the end of the plan: no later output is written over it."""
    rng = np.random.default_rng(2)
    x_val = rng.normal(size=(32, 32)).astype(np.float32)

    def build():
        x = tf.constant(x_val)
        h1 = tf.matmul(x, x)
        h2 = tf.matmul(h1, x)
        h3 = tf.matmul(h2, x)
        return [h1, h3, tf.matmul(h3, x)]

    a, b, _, _ = _both(build, steps=1)
    _assert_identical(a, b)
    h1 = x_val @ x_val
    h3 = h1 @ x_val @ x_val
    np.testing.assert_allclose(a[0][0], h1, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(a[0][1], h3, rtol=1e-4, atol=1e-3)


def test_a_view_keeps_its_buffer_alive():
    """A reshape is a view of its input's buffer: the buffer is free only when the view's readers
    have run too."""
    rng = np.random.default_rng(3)
    x_val = rng.normal(size=(16, 64)).astype(np.float32)

    def build():
        x = tf.constant(x_val)
        y = tf.matmul(x, x, transpose_b=True)  # [16, 16]
        flat = tf.reshape(y, [256])  # a view of y's buffer
        z = tf.matmul(x, x, transpose_b=True) * 2.0  # written while flat is still needed
        return tf.reduce_sum(flat) + tf.reduce_sum(tf.reshape(z, [256]) * tf.sin(flat))

    a, b, _, _ = _both(build, steps=1)
    _assert_identical(a, b)
    y = x_val @ x_val.T
    expected = y.sum() + (2 * y * np.sin(y)).sum()
    np.testing.assert_allclose(a[0], expected, rtol=1e-4)


@pytest.mark.parametrize("cell", ["dynamic_rnn", "while_loop"])
def test_recurrent_forward_and_backward_identical(cell):
    rng = np.random.default_rng(4)
    x_val = rng.normal(size=(8, 12, 16)).astype(np.float32)

    def build():
        x = tf.constant(x_val)
        lstm = tf.nn.rnn_cell.BasicLSTMCell(32)
        if cell == "dynamic_rnn":
            out, _ = tf.nn.dynamic_rnn(lstm, x, dtype=tf.float32)
        else:
            xs = tf.unstack(tf.transpose(x, [1, 0, 2]))
            ta = tf.TensorArray(tf.float32, size=len(xs)).unstack(tf.stack(xs))

            def body(t, state, acc):
                h, state = lstm(ta.read(t), state)
                return t + 1, state, acc.write(t, h)

            state0 = lstm.zero_state(8, tf.float32)
            acc0 = tf.TensorArray(tf.float32, size=len(xs))
            _, _, acc = tf.while_loop(lambda t, *_: t < len(xs), body, (0, state0, acc0))
            out = acc.stack()
        loss = tf.reduce_sum(tf.tanh(out) ** 2)
        grads = tf.gradients(loss, [*tf.trainable_variables(), x])
        return [loss, *grads]

    a, b, shared, separate = _both(build, steps=2)
    _assert_identical(a, b)
    assert shared < separate


def test_cnn_train_steps_identical():
    rng = np.random.default_rng(5)
    x_val = rng.normal(size=(8, 16, 16, 3)).astype(np.float32)
    y_val = rng.integers(0, 4, 8)

    def build():
        x = tf.constant(x_val)
        h = tf.layers.conv2d(x, 8, 3, padding="same", activation=tf.nn.relu)
        h = tf.layers.max_pooling2d(h, 2, 2)
        h = tf.layers.conv2d(h, 16, 3, padding="same", activation=tf.nn.relu)
        h = tf.layers.batch_normalization(h, training=True)
        logits = tf.layers.dense(tf.layers.flatten(h), 4)
        loss = tf.losses.sparse_softmax_cross_entropy(y_val, logits)
        update = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update):
            train = tf.train.MomentumOptimizer(0.05, 0.9).minimize(loss)
        with tf.control_dependencies([train]):
            return [tf.identity(loss), logits]

    a, b, shared, separate = _both(build)
    _assert_identical(a, b)
    assert shared < separate


def test_cond_branches_identical():
    rng = np.random.default_rng(6)
    x_val = rng.normal(size=(32, 32)).astype(np.float32)

    def build():
        x = tf.constant(x_val)
        p = tf.placeholder(tf.bool, [], name="p")
        y = tf.cond(p, lambda: tf.matmul(tf.tanh(x), x), lambda: tf.matmul(x, tf.sigmoid(x)))
        return [y, tf.gradients(tf.reduce_sum(y * y), x)[0]]

    for pv in (True, False):
        a, b, _, _ = _both(build, steps=1, feeds={"p:0": pv})
        _assert_identical(a, b)
