"""``tf.ConditionalAccumulator`` and ``tf.SparseConditionalAccumulator`` side by side with TF
2.21 ``compat.v1``: means and sums of the gradients applied, stale gradients dropped, the time
step advanced by ``take_grad`` and set by ``set_global_step``, ``num_accumulated``, a shape
mismatch's error, and a ``take_grad`` waiting for another thread's gradients."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


def _both(script):
    out = []
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            out.append(script(m))
    return out


def _same(a, b):
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        x, y = np.asarray(a), np.asarray(b)
        assert x.dtype == y.dtype and x.shape == y.shape, (x, y)
        np.testing.assert_allclose(y, x, rtol=1e-6)


@pytest.mark.parametrize("reduction", ["MEAN", "SUM"])
def test_dense_accumulator_as_tf(reduction):
    def script(m):
        acc = m.ConditionalAccumulator(m.float32, shape=[2], reduction_type=reduction)
        g = m.placeholder(m.float32, [2])
        step = m.placeholder(m.int64, [])
        apply = acc.apply_grad(g, local_step=step)
        take = acc.take_grad(2)
        out = []
        with m.Session() as s:
            s.run(apply, {g: [1.0, 2.0], step: 0})
            s.run(apply, {g: [3.0, 5.0], step: 0})
            out.append(s.run(acc.num_accumulated()))
            out.append(s.run(take))  # (time step now 1)
            s.run(apply, {g: [100.0, 100.0], step: 0})  # stale: dropped
            s.run(apply, {g: [1.0, 1.0], step: 1})
            s.run(apply, {g: [2.0, 4.0], step: 5})
            out.append(s.run(acc.num_accumulated()))
            out.append(s.run(take))
            s.run(acc.set_global_step(10))
            s.run(apply, {g: [7.0, 7.0], step: 9})  # stale after set_global_step
            out.append(s.run(acc.num_accumulated()))
        return out

    theirs, ours = _both(script)
    _same(theirs, ours)


@pytest.mark.parametrize("reduction", ["MEAN", "SUM"])
def test_sparse_accumulator_as_tf(reduction):
    def script(m):
        acc = m.SparseConditionalAccumulator(m.float32, shape=[4, 2], reduction_type=reduction)
        a = acc.apply_grad([0, 2], [[1.0, 1.0], [2.0, 4.0]], [4, 2], local_step=0)
        b = acc.apply_indexed_slices_grad(
            m.IndexedSlices(
                m.constant([[6.0, 8.0], [3.0, 3.0]]),  # (TF merges sorted indices)
                m.constant([2, 3], m.int64),
                m.constant([4, 2], m.int64),
            )
        )
        take = acc.take_grad(2)
        with m.Session() as s:
            s.run(a)
            s.run(b)
            n = s.run(acc.num_accumulated())
            return [n, *s.run(list(take))]

    theirs, ours = _both(script)
    _same(theirs, ours)


def test_errors_as_tf():
    def script(m):
        acc = m.ConditionalAccumulator(m.float32, shape=[2])
        g = m.placeholder(m.float32)
        apply = acc.apply_grad(g)
        take0 = acc.take_grad(0)
        names = []
        with m.Session() as s:
            for fetch, feed in ((apply, {g: [1.0, 2.0, 3.0]}), (take0, None)):
                try:
                    s.run(fetch, feed)
                    names.append(None)
                except m.errors.OpError as e:
                    names.append(type(e).__name__)
        try:
            acc.apply_grad(m.constant([1.0, 2.0, 3.0]))
            names.append(None)
        except ValueError as e:
            names.append(type(e).__name__)
        return names

    theirs, ours = _both(script)
    assert ours == theirs == ["InvalidArgumentError", "InvalidArgumentError", "ValueError"]


def test_take_grad_waits_for_another_threads_gradients():
    acc = tf.ConditionalAccumulator(tf.float32, shape=[])
    apply = acc.apply_grad(tf.constant(4.0))
    take = acc.take_grad(3)
    with tf.Session() as s:

        def feed():
            for _ in range(3):
                time.sleep(0.05)
                s.run(apply)

        t = threading.Thread(target=feed)
        t.start()
        assert s.run(take) == 4.0
        t.join()
