"""``Dataset.map(num_parallel_calls=N)`` (``data/parallel_map.py``): the order and values of the
serial map, errors at the element where they happen (from the function and from upstream),
and no worker thread left once the iterator is re-initialised or the session closed."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import tflite_core as tf
from tflite_core.data import parallel_map

N = 3 * parallel_map.PROBE + 20  # (past the serial probe, the workers' probe and the choice)


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


@pytest.fixture(params=["workers kept", "serial kept"])
def choice(request, monkeypatch):
    """Both outcomes of the probe, whatever this machine's timings."""
    keep = request.param == "workers kept"
    monkeypatch.setattr(parallel_map, "keep_workers", lambda serial, workers: keep)
    return keep


@pytest.mark.parametrize("width", [2, 3, -1])
def test_order_and_values_are_the_serial_maps(width, choice):
    def values(parallel):
        with tf.Graph().as_default():
            ds = tf.data.Dataset.range(N).map(
                lambda x: tf.py_func(_jittery, [x], tf.int64) * 2, num_parallel_calls=parallel
            )
            nxt = tf.data.make_one_shot_iterator(ds.batch(7)).get_next()
            out = []
            with tf.Session() as sess, pytest.raises(tf.errors.OutOfRangeError):
                while True:
                    out.append(sess.run(nxt))
            return np.concatenate(out)

    got = values(width)
    np.testing.assert_array_equal(got, (np.arange(N) * 3 + 1) * 2)
    np.testing.assert_array_equal(got, values(None))
    assert _no_workers_within(10.0)


def _failing_at(bad):
    def f(x):
        if x == bad:
            raise ValueError(f"element {bad} is bad")
        return x

    return f


# (in the serial probe, in the workers' probe, and after the choice)
BAD = [37, parallel_map.PROBE + 10, 2 * parallel_map.PROBE + 10]


@pytest.mark.parametrize("parallel", [None, 2])
@pytest.mark.parametrize("bad", BAD)
def test_a_function_error_reaches_the_consumer_at_its_element(parallel, bad, choice):
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(N).map(
            lambda x: tf.py_func(_failing_at(bad), [x], tf.int64), num_parallel_calls=parallel
        )
        it = tf.data.make_initializable_iterator(ds)
        nxt = it.get_next()
        with tf.Session() as sess:
            sess.run(it.initializer)
            assert [int(sess.run(nxt)) for _ in range(bad)] == list(range(bad))
            with pytest.raises(tf.errors.InvalidArgumentError, match=f"element {bad} is bad") as e:
                sess.run(nxt)
            assert f"on input element {bad}" in str(e.value)
            sess.run(it.initializer)  # (usable again after re-initialisation)
            assert int(sess.run(nxt)) == 0
    assert _no_workers_within(10.0)


@pytest.mark.parametrize("bad", BAD)
def test_an_upstream_error_reaches_the_consumer_at_its_element(bad, choice):
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(N).map(lambda x: tf.py_func(_failing_at(bad), [x], tf.int64))
        ds = ds.map(lambda x: x + 1, num_parallel_calls=2)
        nxt = tf.data.make_one_shot_iterator(ds).get_next()
        with tf.Session() as sess:
            assert [int(sess.run(nxt)) for _ in range(bad)] == list(range(1, bad + 1))
            with pytest.raises(tf.errors.InvalidArgumentError, match=f"element {bad} is bad"):
                sess.run(nxt)
    assert _no_workers_within(10.0)


def test_workers_stop_when_the_iterator_is_reinitialised_or_the_session_closes():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(10**9).map(lambda x: x * 2, num_parallel_calls=2)
        it = tf.data.make_initializable_iterator(ds)
        nxt = it.get_next()
        sess = tf.Session()
        n = parallel_map.PROBE + 5  # (into the workers' probe)
        for _ in range(3):
            sess.run(it.initializer)
            assert [int(sess.run(nxt)) for _ in range(n)] == list(range(0, 2 * n, 2))
            assert 1 <= len(_workers()) <= 2  # (the previous iterator's workers are gone)
        sess.close()
    assert _no_workers_within(10.0)
