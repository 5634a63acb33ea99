"""Elementwise kernels write over an input buffer when nothing else reads it (the plan's
in-place reuse): the values must be those of running every op into a fresh buffer, checked
against NumPy where a view of the buffer, a fetch, a later reader or a fused chain still needs
the input."""

from __future__ import annotations

import numpy as np

import tflite_core as tf

RNG = np.random.default_rng(11)
X = RNG.standard_normal((4, 5)).astype(np.float32)


def _run(fetches, feed):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_a_view_of_the_buffer_keeps_its_values():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 5])
        a = x + 1.0  # a fresh buffer of the plan
        view = tf.reshape(a, [-1])  # shares a's memory
        neg = -a  # may not overwrite a: the view is read later
        out = view * 2.0
        got_out, got_neg = _run([out, neg], {x: X})
    np.testing.assert_array_equal(got_out, ((X + 1.0) * 2.0).reshape(-1))
    np.testing.assert_array_equal(got_neg, -(X + 1.0))


def test_fetched_and_later_read_inputs_are_not_overwritten():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [4, 5])
        a = x * 3.0
        r = tf.nn.relu(a)  # a is fetched: relu writes a buffer of its own
        t = tf.tanh(r)  # r is read again below
        s = r + t
        got = _run([a, r, t, s], {x: X})
    a_ = X * 3.0
    np.testing.assert_array_equal(got[0], a_)
    np.testing.assert_array_equal(got[1], np.maximum(a_, 0))
    np.testing.assert_allclose(got[2], np.tanh(np.maximum(a_, 0)), rtol=1e-6)
    np.testing.assert_allclose(got[3], np.maximum(a_, 0) + np.tanh(np.maximum(a_, 0)), rtol=1e-6)


def test_a_fused_conv_chain_reads_its_input_before_an_in_place_op_overwrites_it():
    img = RNG.standard_normal((2, 6, 6, 3)).astype(np.float32)
    w = RNG.standard_normal((3, 3, 3, 4)).astype(np.float32)
    b = RNG.standard_normal(4).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 6, 6, 3])
        h = x + 0.5  # a plan buffer both the chain and the Neg below read
        conv = tf.nn.conv2d(h, tf.constant(w), [1, 1, 1, 1], "SAME")
        neg = tf.negative(h)  # between the conv and the end of its conv+bias+relu chain
        out = tf.nn.relu(tf.nn.bias_add(conv, tf.constant(b)))
        got_out, got_neg = _run([out, neg], {x: img})
    with tf.Graph().as_default():  # the reference: the same conv on a fed input
        x = tf.placeholder(tf.float32, [2, 6, 6, 3])
        want = _run(tf.nn.conv2d(x, tf.constant(w), [1, 1, 1, 1], "SAME"), {x: img + 0.5})
    np.testing.assert_allclose(got_out, np.maximum(want + b, 0), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(got_neg, -(img + 0.5))


def test_an_op_reading_one_buffer_twice_writes_over_it_correctly():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [4, 5])
        a = x - 0.25
        sq = a * a  # both inputs are a; a is read by nothing else
        got = _run(tf.sqrt(sq + 1.0), {x: X})
    np.testing.assert_allclose(got, np.sqrt((X - 0.25) ** 2 + 1.0), rtol=1e-6)
