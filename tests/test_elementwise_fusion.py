"""Elementwise fusion (``client/elementwise_fusion.py``, ``cpp/elementwise_fused.cc``): trees of
float32 elementwise ops run as one plan step. Each test runs the same graph with the fused
steps on (the default) and off (``RewriterConfig(remapping=OFF)``, TF's switch for its own
remapper's fusions): the values must be the same bits (NaNs: in the same places), and the
traced run (``RunMetadata`` step stats, one entry per plan step) must show fewer steps with
fusion on."""

from __future__ import annotations

import numpy as np
import pytest

import tflite_core as tf
from tflite_core import _core
from tflite_core.client.config_options import RewriterConfig


def _run(build, feeds=None, fuse=True, steps=1):
    """(values of ``steps`` runs, node names of the last traced run's steps) of ``build()``."""
    config = tf.ConfigProto()
    # (constant folding off: most inputs here are constants, which it would compute once)
    config.graph_options.rewrite_options.constant_folding = RewriterConfig.OFF
    if not fuse:
        config.graph_options.rewrite_options.remapping = RewriterConfig.OFF
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        fetches = build()
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            vals = [sess.run(fetches, feeds) for _ in range(steps)]
            md = tf.RunMetadata()
            opts = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
            sess.run(fetches, feeds, options=opts, run_metadata=md)
            nodes = [s.node_name for s in md.step_stats.dev_stats[0].node_stats]
    return vals, nodes


def _on_and_off(build, feeds=None, steps=1):
    (a, fused), (b, plain) = _run(build, feeds, True, steps), _run(build, feeds, False, steps)
    _same_bits(a, b)
    return a, fused, plain


def _same_bits(a, b) -> None:
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same_bits(x, y)
    elif a is not None:
        x, y = np.asarray(a), np.asarray(b)
        assert x.dtype == y.dtype and x.shape == y.shape
        if x.dtype.kind == "f":  # (a NaN's sign and payload depend on operand order: not compared)
            nan = np.isnan(x)
            assert (nan == np.isnan(y)).all()
            x, y = np.where(nan, 0, x), np.where(nan, 0, y)
        assert x.tobytes() == y.tobytes()


def test_a_chain_with_scalars_and_a_bias_is_one_step():
    rng = np.random.default_rng(0)
    x_val = rng.normal(size=(64, 33)).astype(np.float32)
    b_val = rng.normal(size=(33,)).astype(np.float32)

    def build():
        x = tf.placeholder(tf.float32, [64, 33], name="x")
        b = tf.constant(b_val)
        y = tf.tanh(x * 2.0 + b) * tf.sigmoid(x) - tf.exp(-x * x) / (1.0 + tf.abs(x))
        return tf.identity(tf.sqrt(tf.square(y) + 1e-3), name="out")

    (out,), fused, plain = _on_and_off(build, {"x:0": x_val})
    y = np.tanh(x_val * 2 + b_val) / (1 + np.exp(-x_val)) - np.exp(-x_val * x_val) / (
        1 + np.abs(x_val)
    )
    np.testing.assert_allclose(out, np.sqrt(y * y + 1e-3), rtol=2e-6, atol=1e-6)
    # 15 elementwise ops became one step (the identity is a view, not a step)
    assert len(plain) == 15 and fused == ["Sqrt"], (plain, fused)


def test_every_fused_op_type_gives_the_unfused_bits():
    """Each op type of the step, on values with NaN, infinities, zeros and negatives, inside a
    chain of two or more ops."""
    rng = np.random.default_rng(1)
    vals = rng.normal(0, 3, size=(7, 50)).astype(np.float32)
    vals[0, :5] = [np.nan, np.inf, -np.inf, 0.0, -0.0]
    other = rng.normal(0, 3, size=(7, 50)).astype(np.float32)
    other[1, :4] = [0.0, np.nan, -1.0, 2.0]
    unary = [tf.negative, tf.abs, tf.nn.relu, tf.sigmoid, tf.tanh, tf.exp, tf.log, tf.sqrt]
    unary += [tf.square, tf.reciprocal, tf.sign, tf.floor]
    binary = [tf.add, tf.subtract, tf.multiply, tf.realdiv, tf.maximum, tf.minimum, tf.pow]

    def build():
        x = tf.placeholder(tf.float32, [7, 50], name="x")
        z = tf.placeholder(tf.float32, [7, 50], name="z")
        outs = []
        for fn in unary:
            outs.append(fn(x * 1.5) + 0.25)
        for fn in binary:
            outs.append(fn(x - 0.5, z * 0.5) * 2.0)
        gx = tf.abs(z) + 0.5  # (positive: the gradients' own ops on the chain)
        for fn in (tf.nn.relu, tf.sigmoid, tf.tanh):
            outs.append(tf.gradients(tf.reduce_sum(fn(x * 1.0) * gx), x)[0] * 3.0)
        return outs

    out, fused, plain = _on_and_off(build, {"x:0": vals, "z:0": other})
    assert len(fused) < len(plain)
    assert np.isnan(out[0][0]).any()  # (the specials went through)


def test_mlp_and_lstm_training_are_the_same_bits_with_fewer_steps():
    rng = np.random.default_rng(2)
    x_val = rng.normal(size=(16, 10, 8)).astype(np.float32)
    y_val = rng.integers(0, 4, 16)

    def build():
        x = tf.constant(x_val)
        cell = tf.nn.rnn_cell.BasicLSTMCell(12)
        xs = tf.unstack(x, axis=1)
        outs, _ = tf.nn.static_rnn(cell, xs, dtype=tf.float32)
        h = tf.layers.dense(outs[-1], 16, activation=tf.nn.tanh)
        logits = tf.layers.dense(h, 4)
        loss = tf.losses.sparse_softmax_cross_entropy(y_val, logits) + 1e-3 * tf.add_n(
            [tf.nn.l2_loss(v) for v in tf.trainable_variables()]
        )
        train = tf.train.AdamOptimizer(0.01).minimize(loss)
        with tf.control_dependencies([train]):
            return tf.identity(loss)

    losses, fused, plain = _on_and_off(build, steps=4)
    assert losses[-1] < losses[0]
    assert len(fused) < len(plain)


def test_a_fetched_or_twice_read_tensor_keeps_its_own_step():
    rng = np.random.default_rng(3)
    x_val = rng.normal(size=(10, 10)).astype(np.float32)

    def build():
        x = tf.constant(x_val)
        a = tf.tanh(x, name="a")  # fetched: computed in a step of its own
        b = tf.exp(a * 0.5, name="b")  # read twice: its own step too
        c = tf.identity(b * b + b, name="c")
        return [a, c]

    ((a, c),), fused, _ = _on_and_off(build)
    ta = np.tanh(x_val)
    tb = np.exp(ta * 0.5)
    np.testing.assert_allclose(a, ta, rtol=1e-6)
    np.testing.assert_allclose(c, tb * tb + tb, rtol=1e-5)
    assert "a" in fused and "b" in fused


def test_column_broadcasts_are_not_fused_and_stay_correct():
    """A [n, 1] operand is not a repeated row of the output: the op runs on its own."""
    rng = np.random.default_rng(4)
    x_val = rng.normal(size=(6, 5)).astype(np.float32)
    col = rng.normal(size=(6, 1)).astype(np.float32)

    def build():
        x = tf.constant(x_val)
        return tf.tanh(tf.exp(x * 0.1) * tf.constant(col))

    (out,), fused, plain = _on_and_off(build)
    np.testing.assert_allclose(out, np.tanh(np.exp(x_val * 0.1) * col), rtol=1e-6)
    assert len(fused) == len(plain) - 1  # (x * 0.1 and its exp; not the product or the tanh)


def test_no_step_spans_a_variable_update():
    """An op before an update of a variable it reads, and its consumer after: both read the
    value they would read one by one."""

    def build():
        v = tf.Variable(np.full((4, 4), 2.0, np.float32))
        y = tf.exp(v * 0.5)
        with tf.control_dependencies([y]):
            up = tf.assign_add(v, tf.ones([4, 4]))
        with tf.control_dependencies([up]):
            z = tf.identity(tf.sqrt(y) + 0.0)
        return z

    vals, _, _ = _on_and_off(build, steps=2)
    np.testing.assert_allclose(vals[0], np.sqrt(np.exp(np.full((4, 4), 1.0))), rtol=1e-6)
    np.testing.assert_allclose(vals[1], np.sqrt(np.exp(np.full((4, 4), 1.5))), rtol=1e-6)


def test_large_tensors_split_across_threads_match():
    rng = np.random.default_rng(5)
    x_val = rng.normal(size=(1000, 777)).astype(np.float32)

    def build():
        x = tf.constant(x_val)
        return tf.sigmoid(x * x - 0.5) * tf.tanh(x) + tf.exp(-tf.abs(x))

    (out,), fused, plain = _on_and_off(build)
    want = (
        1 / (1 + np.exp(-(x_val * x_val - 0.5))) * np.tanh(x_val) + np.exp(-np.abs(x_val))
    ).astype(np.float32)
    np.testing.assert_allclose(out, want, rtol=2e-6, atol=2e-7)
    assert len(fused) == 1 < len(plain)


@pytest.mark.bad_input
def test_the_kernel_refuses_bad_programs():
    x = np.ones((3, 4), np.float32)
    out = [np.empty((3, 4), np.float32)]
    bad = {
        "no instructions": [0],
        "a code it lacks": [1, 99, 1, 0, 0],
        "a register written twice": [1, 0, 0, 0, 0],
        "a register not yet written": [1, 0, 1, 0, 5],
        "too short": [2, 0, 1, 0, 0],
    }
    for why, ints in bad.items():
        with pytest.raises(_core.KernelError, match="FusedElementwise"):
            _core.run_kernel("fused_elementwise", [x], out, ints, [])
        assert why
    with pytest.raises(_core.KernelError, match="do not tile"):
        _core.run_kernel("fused_elementwise", [x, np.ones(5, np.float32)], out, [1, 0, 2, 0, 1], [])
    with pytest.raises(_core.KernelError, match="dtype"):
        _core.run_kernel("fused_elementwise", [x.astype(np.float64)], out, [1, 16, 1, 0, 0], [])


def test_add_n_joins_as_adds_in_its_order():
    """AddN sums left to right; the step adds its inputs in that order (the same bits)."""
    rng = np.random.default_rng(6)
    x_val = (rng.normal(size=(300, 17)) * 1e4).astype(np.float32)

    def build():
        x = tf.constant(x_val)
        return tf.add_n([tf.tanh(x * 1e-4), x * 3.0, -x, tf.exp(x * -1e-4), x * 1e-3])

    (out,), fused, plain = _on_and_off(build)
    parts = [np.tanh(x_val * 1e-4), x_val * 3, -x_val, np.exp(x_val * -1e-4), x_val * 1e-3]
    want = parts[0]
    for p in parts[1:]:
        want = (want + p).astype(np.float32)
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-3)
    assert fused == ["AddN"] and len(plain) == 8, (fused, plain)
