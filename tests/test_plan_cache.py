"""A Session's compiled plans are bounded (client/plan_cache.py): least recently used feed-shape
signatures go first, beyond ``MAX_SIGNATURES`` signatures or ``MAX_BYTES`` of plan buffers, so a
program feeding ever new shapes keeps bounded memory; an evicted signature compiles again."""

from __future__ import annotations

import gc
import threading

import numpy as np
import psutil
import pytest

import tflite_core as tf
from tflite_core.client import plan_cache


def _rss_mb() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


def _net():
    x = tf.placeholder(tf.float32, [None, None])
    w = tf.constant(np.linspace(-1, 1, 7, dtype=np.float32).reshape(1, 7))
    y = tf.reduce_sum(tf.nn.relu(tf.expand_dims(x, -1) * w), axis=1)  # [rows, 7]
    return x, y


def _want(a: np.ndarray) -> np.ndarray:
    w = np.linspace(-1, 1, 7, dtype=np.float32).reshape(1, 7)
    return np.maximum(a[:, :, None] * w, 0).sum(axis=1)


def test_ten_thousand_distinct_shapes_keep_memory_bounded(g):
    x, y = _net()
    shapes = [(1 + i % 97, 1 + i // 97) for i in range(10_000)]  # 10,000 distinct shapes
    rng = np.random.default_rng(0)
    with tf.Session() as sess:
        for s in shapes[:300]:  # warm up: allocator arenas, caches of the libraries
            sess.run(y, {x: np.ones(s, np.float32)})
        before = _rss_mb()
        for i, s in enumerate(shapes):
            a = rng.standard_normal(s).astype(np.float32)
            got = sess.run(y, {x: a})
            if i % 997 == 0:  # the answers stay right while plans come and go
                np.testing.assert_allclose(got, _want(a), rtol=1e-5, atol=1e-5)
        grown = _rss_mb() - before
        assert len(sess._plans) <= plan_cache.MAX_SIGNATURES
        assert sess._plans.nbytes <= plan_cache.MAX_BYTES
        assert grown < 50, f"RSS grew by {grown:.1f} MB over 10,000 feed shapes"


def test_least_recently_used_signature_is_evicted_and_recompiled(g):
    x, y = _net()
    with tf.Session() as sess:
        sess._plans.max_signatures = 3
        for rows in (1, 2, 3):
            sess.run(y, {x: np.ones((rows, 2), np.float32)})
        exe = next(iter(sess._cache.values()))
        assert sorted(s[0][0] for s in exe.pools) == [1, 2, 3]
        sess.run(y, {x: np.ones((1, 2), np.float32)})  # 1 is now the most recently used
        sess.run(y, {x: np.ones((4, 2), np.float32)})  # evicts 2, the least recently used
        assert sorted(s[0][0] for s in exe.pools) == [1, 3, 4]
        a = np.arange(4, dtype=np.float32).reshape(2, 2)
        np.testing.assert_allclose(sess.run(y, {x: a}), _want(a), rtol=1e-6)  # recompiled
        assert sorted(s[0][0] for s in exe.pools) == [1, 2, 4]


def test_byte_bound_keeps_at_least_the_newest_plan(g):
    x, y = _net()
    with tf.Session() as sess:
        sess._plans.max_bytes = 1  # every plan is over it
        for rows in (5, 6, 7):
            a = np.full((rows, 3), 2.0, np.float32)
            np.testing.assert_allclose(sess.run(y, {x: a}), _want(a), rtol=1e-6)
        assert len(sess._plans) == 1
        assert sess._plans.nbytes > 0


def test_plans_evicted_while_running_in_other_threads(g):
    x, y = _net()
    errors: list = []
    with tf.Session() as sess:
        sess._plans.max_signatures = 2

        def work(seed):
            rng = np.random.default_rng(seed)
            try:
                for _ in range(300):
                    a = rng.standard_normal((int(rng.integers(1, 9)), 3)).astype(np.float32)
                    np.testing.assert_allclose(sess.run(y, {x: a}), _want(a), rtol=1e-5, atol=1e-6)
            except Exception as e:  # reported below, in the main thread
                errors.append(e)

        threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(sess._plans) <= 2


@pytest.mark.parametrize("close", [True, False])
def test_closing_frees_the_plans(g, close):
    x, y = _net()
    sess = tf.Session()
    sess.run(y, {x: np.ones((2, 2), np.float32)})
    assert len(sess._plans) == 1
    if close:
        sess.close()
        assert len(sess._plans) == 0 and sess._plans.nbytes == 0
    else:
        sess._plans.clear()
        a = np.ones((2, 2), np.float32)
        np.testing.assert_allclose(sess.run(y, {x: a}), _want(a))
