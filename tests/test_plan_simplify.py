"""Constant folding and common-subexpression elimination (``client/simplify.py``): each test runs
the same graph with the rewrites on (the default) and off (TF's switches,
``RewriterConfig(constant_folding=OFF, arithmetic_optimization=OFF)``); the values must be the
same bits and the traced run (``RunMetadata`` step stats: one entry per plan step) must show
the steps that went away."""

from __future__ import annotations

import numpy as np
import pytest

import tflite_core as tf
from tflite_core.client import simplify
from tflite_core.client.config_options import RewriterConfig


def _config(on: bool) -> tf.ConfigProto:
    config = tf.ConfigProto()
    if not on:
        rw = config.graph_options.rewrite_options
        rw.constant_folding = RewriterConfig.OFF
        rw.arithmetic_optimization = RewriterConfig.OFF
    return config


def _run(build, feeds=None, on=True, steps=1):
    """(values of ``steps`` runs, the traced run's step names) of ``build()``'s fetches."""
    with tf.Graph().as_default():
        tf.set_random_seed(5)
        fetches = build()
        with tf.Session(config=_config(on)) as sess:
            sess.run(tf.global_variables_initializer())
            vals = [sess.run(fetches, feeds) for _ in range(steps)]
            md = tf.RunMetadata()
            opts = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
            sess.run(fetches, feeds, options=opts, run_metadata=md)
    return vals, [s.node_name for s in md.step_stats.dev_stats[0].node_stats]


def _on_and_off(build, feeds=None, steps=1):
    (a, on), (b, off) = _run(build, feeds, True, steps), _run(build, feeds, False, steps)
    for x, y in zip(np.asarray(a, dtype=object).ravel(), np.asarray(b, dtype=object).ravel()):
        assert np.asarray(x).tobytes() == np.asarray(y).tobytes()
    return a, on, off


def test_a_constant_subgraph_is_computed_once():
    rng = np.random.default_rng(0)
    c_val = rng.normal(size=(32, 32)).astype(np.float32)

    def build():
        x = tf.placeholder(tf.float32, [32, 32], name="x")
        c = tf.constant(c_val)
        k = tf.matmul(tf.exp(c * 0.1), tf.transpose(c), name="k")  # known at compile time
        norm = tf.reduce_sum(k * k, name="norm")
        return tf.matmul(x, k) / norm

    x_val = rng.normal(size=(32, 32)).astype(np.float32)
    (out,), on, off = _on_and_off(build, {"x:0": x_val})
    k = np.exp(c_val * 0.1) @ c_val.T
    np.testing.assert_allclose(out, x_val @ k / (k * k).sum(), rtol=1e-4, atol=1e-7)
    assert "k" in off and "norm" in off
    assert "k" not in on and "norm" not in on and len(on) < len(off)


def test_a_kernel_error_in_a_constant_subgraph_still_raises_when_run():
    def build():
        return tf.constant([4, 7]) // tf.constant([2, 0])

    for on in (True, False):
        with tf.Graph().as_default():
            y = build()
            with tf.Session(config=_config(on)) as sess:
                with pytest.raises(tf.errors.InvalidArgumentError, match="division by zero"):
                    sess.run(y)
                assert sess.run(tf.constant(3) * 2) == 6  # (the session keeps working)


def test_large_constant_results_are_not_folded():
    n = 1 + int(np.sqrt(simplify.MAX_FOLDED_BYTES / 4))  # a result over the limit

    def build():
        return tf.reduce_sum(tf.fill([n, n], 0.5) * 2.0, name="big_sum")

    (out,), on, _ = _on_and_off(build)
    assert out == n * n
    assert "big_sum" in on


def test_identical_products_run_once():
    rng = np.random.default_rng(1)
    x_val = rng.normal(size=(16, 16)).astype(np.float32)

    def build():
        x = tf.placeholder(tf.float32, [16, 16], name="x")
        a = tf.matmul(tf.reshape(x, [16, 16]), x, name="first")
        b = tf.matmul(tf.reshape(x, [16, 16]), x, name="second")  # the same, built again
        c = tf.matmul(x, x, transpose_a=True, name="other")  # attributes differ: kept
        return [a + b, c]

    ((s, c),), on, off = _on_and_off(build, {"x:0": x_val})
    np.testing.assert_allclose(s, 2 * x_val @ x_val, rtol=1e-5)
    np.testing.assert_allclose(c, x_val.T @ x_val, rtol=1e-5)
    assert {"first", "second", "other"} <= set(off)
    assert "first" in on and "second" not in on and "other" in on


def test_no_merge_across_a_variable_update():
    def build():
        v = tf.Variable(np.float32(1.0))
        before = tf.multiply(v, 3.0, name="before")
        with tf.control_dependencies([before]):
            up = tf.assign_add(v, 1.0)
        with tf.control_dependencies([up]):
            after = tf.multiply(v, 3.0, name="after")  # the same op, after the update
        return [before, after]

    vals, on, _ = _on_and_off(build, steps=2)
    assert [list(map(float, v)) for v in vals] == [[3.0, 6.0], [6.0, 9.0]]
    assert "before" in on and "after" in on


def test_random_and_stateful_ops_are_never_merged():
    def build():
        a = tf.random_uniform([1000])
        b = tf.random_uniform([1000])  # the same op built twice: two ops, two draws
        v = tf.Variable(0.0)
        u1 = tf.assign_add(v, 1.0)
        with tf.control_dependencies([u1]):
            u2 = tf.assign_add(v, 1.0)
        return [a, b, u2]

    with tf.Graph().as_default():
        tf.set_random_seed(2)
        a, b, u2 = build()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            va, vb, vu = sess.run([a, b, u2])
    assert not np.array_equal(va, vb)
    assert vu == 2.0


def test_a_training_loop_is_unchanged():
    rng = np.random.default_rng(3)
    x_val = rng.normal(size=(32, 10)).astype(np.float32)
    y_val = rng.integers(0, 3, 32)

    def build():
        x = tf.placeholder(tf.float32, [32, 10], name="x")
        h = tf.layers.dense(x, 16, activation=tf.nn.relu)
        h2 = tf.layers.dense(x, 16, activation=tf.nn.relu, name="twin")
        logits = tf.layers.dense(h + h2, 3)
        loss = tf.losses.sparse_softmax_cross_entropy(y_val, logits)
        scale = tf.sqrt(tf.constant(4.0)) * tf.constant(0.005)  # folded
        train = tf.train.MomentumOptimizer(scale, 0.9).minimize(loss)
        with tf.control_dependencies([train]):
            return tf.identity(loss)

    losses, _, _ = _on_and_off(build, {"x:0": x_val}, steps=5)
    assert losses[-1] < losses[0]


def test_every_rewrite_off_by_config_or_environment(monkeypatch):
    names = ("_share_buffers", "_fuse_ops", "_fold_constants", "_dedup_ops")
    assert all(getattr(tf.Session(), n) for n in names)
    config = tf.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True  # TF's switch for all
    assert not any(getattr(tf.Session(config=config), n) for n in names)
    monkeypatch.setenv("TFLITE_CORE_GRAPH_REWRITES", "off")
    assert not any(getattr(tf.Session(), n) for n in names)


_SPECIALS = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.5, -2.25, 3e-39], np.float32)


def test_ops_that_give_an_input_back_become_views():
    def build():
        x = tf.placeholder(tf.float32, [8], name="x")
        i = tf.placeholder(tf.int32, [8], name="i")
        a = tf.multiply(x, -1.0, name="a")  # (a kernel's output: views of it need no copy)
        return [
            tf.multiply(a, 1.0, name="times_one"),
            tf.multiply(tf.ones([8]), a, name="one_times"),
            tf.divide(a, 1.0, name="over_one"),
            tf.subtract(a, 0.0, name="minus_zero"),
            tf.add(a, tf.constant(-0.0), name="plus_neg_zero"),
            tf.add(i * 3, 0, name="int_plus_zero"),
            tf.floordiv(i * 3, 1, name="int_floordiv_one"),
        ]

    feeds = {"x:0": _SPECIALS, "i:0": np.arange(-4, 4)}
    (vals,), on, off = _on_and_off(build, feeds)
    a = -_SPECIALS  # (-0.0, NaN and infinities among them; on and off: the same bits)
    for v in vals[:5]:
        np.testing.assert_array_equal(v, a)
        np.testing.assert_array_equal(np.signbit(v[:4]), np.signbit(a[:4]))
    np.testing.assert_array_equal(vals[5], np.arange(-4, 4) * 3)
    np.testing.assert_array_equal(vals[6], np.arange(-4, 4) * 3)
    gone = {"times_one", "one_times", "over_one", "minus_zero", "plus_neg_zero"}
    gone |= {"int_plus_zero", "int_floordiv_one"}
    assert gone <= set(off) and not gone & set(on)


def test_ops_that_do_not_give_an_input_back_stay():
    def build():
        x = tf.placeholder(tf.float32, [8], name="x")
        one = tf.placeholder_with_default(tf.constant(1.0), [], name="one")
        return [
            tf.add(x, 0.0, name="plus_zero"),  # -0.0 + 0.0 is +0.0
            tf.multiply(x, tf.ones([2, 8]), name="broadcast_up"),  # a larger output
            tf.floordiv(x, 1.0, name="float_floordiv"),  # floor(x)
            tf.multiply(x, 1.0000001, name="near_one"),
            tf.multiply(x, one, name="fed_one"),  # fed below: not a constant
            tf.multiply(tf.complex(x, x), tf.complex(1.0, 0.0), name="complex_one"),
        ]

    feeds = {"x:0": _SPECIALS, "one:0": np.float32(2.0)}
    (vals,), on, _ = _on_and_off(build, feeds)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(np.signbit(vals[0]), np.signbit(_SPECIALS + 0.0))
        np.testing.assert_array_equal(vals[1], np.broadcast_to(_SPECIALS, (2, 8)))
        np.testing.assert_array_equal(vals[2], np.floor(_SPECIALS))
        np.testing.assert_array_equal(vals[4], _SPECIALS * 2)
    kept = {"plus_zero", "broadcast_up", "float_floordiv", "near_one", "fed_one", "complex_one"}
    assert kept <= set(on)


def test_a_variable_times_one_is_the_value_read_before_an_update():
    def build():
        v = tf.Variable(np.arange(4, dtype=np.float32))
        before = tf.multiply(v, 1.0, name="before")  # a copy of the value read (as TF's)
        with tf.control_dependencies([before]):
            up = tf.assign_add(v, tf.ones(4))
        return [before, up]

    vals, _, _ = _on_and_off(build, steps=2)
    np.testing.assert_array_equal(vals[0][0], [0, 1, 2, 3])
    np.testing.assert_array_equal(vals[1][0], [1, 2, 3, 4])


def test_a_view_keeps_its_values_when_later_steps_could_write_in_place():
    rng = np.random.default_rng(4)
    x_val = rng.normal(size=(64, 64)).astype(np.float32)

    def build():
        x = tf.placeholder(tf.float32, [64, 64], name="x")
        a = tf.tanh(x)
        b = a * 1.0  # a view of a's buffer
        c = tf.nn.relu(a)  # a's last reader but one: could write over a in place
        d = tf.sigmoid(c) - b
        return [b, d, tf.reduce_sum(b * d)]

    (vals,), _, _ = _on_and_off(build, {"x:0": x_val})
    a = np.tanh(x_val)
    np.testing.assert_allclose(vals[0], a, rtol=1e-6)
    np.testing.assert_allclose(vals[1], 1 / (1 + np.exp(-np.maximum(a, 0))) - a, atol=1e-6)


def test_loop_variables_swapped_through_forwarded_ops():
    def build():
        a0 = tf.placeholder(tf.float32, [4], name="a0")
        b0 = tf.placeholder(tf.float32, [4], name="b0")
        _, a, b = tf.while_loop(
            lambda i, a, b: i < 3, lambda i, a, b: (i + 1, b * 1.0, a - 0.0), (0, a0, b0)
        )
        return [a, b]

    feeds = {"a0:0": np.arange(4, dtype=np.float32), "b0:0": -np.arange(4, dtype=np.float32)}
    ((a, b),), _, _ = _on_and_off(build, feeds)
    np.testing.assert_array_equal(a, feeds["b0:0"])  # (three swaps)
    np.testing.assert_array_equal(b, feeds["a0:0"])
