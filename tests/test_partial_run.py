"""``Session.partial_run_setup`` / ``partial_run`` side by side with TF 2.21 ``compat.v1``:
values over several steps, ops run once per partial run, and TF's errors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


def _graph(m):
    a = m.placeholder(m.float32, shape=[], name="a")
    b = m.placeholder(m.float32, shape=[], name="b")
    c = m.placeholder(m.float32, shape=[], name="c")
    r1 = m.add(a, b, name="r1")
    r2 = m.multiply(r1, c, name="r2")
    rnd = m.random_uniform([], name="rnd")
    r3 = r1 + rnd
    r4 = r3 * c
    return a, b, c, r1, r2, r3, r4


def test_steps_match_tf_and_random_values_are_drawn_once():
    outs = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            a, b, c, r1, r2, r3, r4 = _graph(mod)
            with mod.Session(graph=graph) as sess:
                h = sess.partial_run_setup([r1, r2, r3, r4], [a, b, c])
                first = sess.partial_run(h, r1, feed_dict={a: 1, b: 2})
                second = sess.partial_run(h, [r2, {"r4": r4}], feed_dict={c: first})
                h2 = sess.partial_run_setup([r3, r4], [a, b, c])
                x3 = sess.partial_run(h2, r3, {a: 1, b: 2})
                x4 = sess.partial_run(h2, r4, {c: 2.0})
                assert np.float32(x3) * 2 == x4  # the same draw in both steps
                outs.append((first, second[0], x3 > 3.0))
    assert outs[0] == outs[1] == (3.0, 9.0, True)


def test_py_func_runs_once_per_partial_run():
    calls = []
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [], name="a")
        c = tf.placeholder(tf.float32, [], name="c")
        y = tf.py_func(lambda v: calls.append(1) or v * 2, [a], tf.float32)
        z = y * c
        with tf.Session() as sess:
            h = sess.partial_run_setup([y, z], [a, c])
            assert sess.partial_run(h, y, {a: 3.0}) == 6.0
            assert sess.partial_run(h, z, {c: 2.0}) == 12.0
    assert len(calls) == 1


@pytest.mark.bad_input
def test_errors_match_tf():
    msgs = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        got = []
        with graph.as_default():
            a, b, c, r1, r2, r3, _ = _graph(mod)
            with mod.Session(graph=graph) as sess:
                h = sess.partial_run_setup([r1, r2], [a, b, c])
                for handle, fetch, feed in (
                    (h, r3, {a: 1, b: 2}),
                    (h, r1, {a: 1}),
                    ("nohandle", r1, {a: 1}),
                ):
                    with pytest.raises(mod.errors.InvalidArgumentError) as e:
                        sess.partial_run(handle, fetch, feed)
                    got.append(str(e.value).split("\n")[-1])
                assert sess.partial_run(h, r2, {a: 1, b: 2, c: 3}) == 9.0
                with pytest.raises(mod.errors.InvalidArgumentError) as e:
                    sess.partial_run(h, r2, {a: 1})
                got.append(str(e.value).split("\n")[-1])
        msgs.append(got)
    assert msgs[0] == msgs[1]
