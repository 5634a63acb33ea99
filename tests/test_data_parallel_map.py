"""``Dataset.map(num_parallel_calls=N)`` (``data/parallel_map.py``): the order and values of the
serial map, errors at the element where they happen (from the function and from upstream),
and no worker thread left once the iterator is re-initialised or the session closed."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import tflite_core as tf


def _workers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("tflite_core-map-")]


def _no_workers_within(seconds: float) -> bool:
    end = time.monotonic() + seconds
    while _workers() and time.monotonic() < end:
        time.sleep(0.01)
    return not _workers()


def _jittery(x):
    """x * 3 + 1 after a pseudo-random pause, so that workers finish out of order."""
    time.sleep(((int(x) * 7919) % 5) * 2e-4)
    return np.int64(x * 3 + 1)


@pytest.mark.parametrize("width", [2, 3, -1])
def test_order_and_values_are_the_serial_maps(width):
    def values(parallel):
        with tf.Graph().as_default():
            ds = tf.data.Dataset.range(300).map(
                lambda x: tf.py_func(_jittery, [x], tf.int64) * 2, num_parallel_calls=parallel
            )
            nxt = tf.data.make_one_shot_iterator(ds.batch(7)).get_next()
            out = []
            with tf.Session() as sess, pytest.raises(tf.errors.OutOfRangeError):
                while True:
                    out.append(sess.run(nxt))
            return np.concatenate(out)

    got = values(width)
    np.testing.assert_array_equal(got, (np.arange(300) * 3 + 1) * 2)
    np.testing.assert_array_equal(got, values(None))
    assert _no_workers_within(10.0)


def _fails_at_37(x):
    if x == 37:
        raise ValueError("element 37 is bad")
    return x


@pytest.mark.parametrize("parallel", [None, 2])
def test_a_function_error_reaches_the_consumer_at_its_element(parallel):
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(100).map(
            lambda x: tf.py_func(_fails_at_37, [x], tf.int64), num_parallel_calls=parallel
        )
        it = tf.data.make_initializable_iterator(ds)
        nxt = it.get_next()
        with tf.Session() as sess:
            sess.run(it.initializer)
            assert [int(sess.run(nxt)) for _ in range(37)] == list(range(37))
            with pytest.raises(tf.errors.InvalidArgumentError, match="element 37 is bad") as e:
                sess.run(nxt)
            assert "on input element 37" in str(e.value)
            sess.run(it.initializer)  # (usable again after re-initialisation)
            assert int(sess.run(nxt)) == 0
    assert _no_workers_within(10.0)


def test_an_upstream_error_reaches_the_consumer_at_its_element():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(50).map(lambda x: tf.py_func(_fails_at_37, [x], tf.int64))
        ds = ds.map(lambda x: x + 1, num_parallel_calls=2)
        nxt = tf.data.make_one_shot_iterator(ds).get_next()
        with tf.Session() as sess:
            assert [int(sess.run(nxt)) for _ in range(37)] == list(range(1, 38))
            with pytest.raises(tf.errors.InvalidArgumentError, match="element 37 is bad"):
                sess.run(nxt)
    assert _no_workers_within(10.0)


def test_workers_stop_when_the_iterator_is_reinitialised_or_the_session_closes():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(10**9).map(lambda x: x * 2, num_parallel_calls=2)
        it = tf.data.make_initializable_iterator(ds)
        nxt = it.get_next()
        sess = tf.Session()
        for _ in range(3):
            sess.run(it.initializer)
            assert [int(sess.run(nxt)) for _ in range(5)] == [0, 2, 4, 6, 8]
            assert 1 <= len(_workers()) <= 2  # (the previous iterator's workers are gone)
        sess.close()
    assert _no_workers_within(10.0)
