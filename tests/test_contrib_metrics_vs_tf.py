"""``tf.contrib.metrics`` (= ``tf.contrib.slim.metrics``) side by side with TF 2.21
``compat.v1.metrics`` (TF 1.15's contrib/metrics/python/ops/metric_ops.py, not installable,
forwards each ``streaming_*`` to ``tf.metrics`` with ``predictions`` first): values after two
update batches, the local variables' names, and ``aggregate_metric_map``."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(8)
BATCHES = [
    (RNG.random((6, 3)).astype(np.float32), (RNG.random((6, 3)) > 0.5).astype(np.float32))
    for _ in range(2)
]

# name -> (ours(M, p, l), theirs(T, p, l))
CASES = {
    "accuracy": (
        lambda M, p, y: M.streaming_accuracy(p > 0.5, y > 0.5),
        lambda p, y: T.metrics.accuracy(y > 0.5, p > 0.5),
    ),
    "precision": (
        lambda M, p, y: M.streaming_precision(p > 0.5, y > 0.5),
        lambda p, y: T.metrics.precision(y > 0.5, p > 0.5),
    ),
    "recall": (
        lambda M, p, y: M.streaming_recall(p > 0.5, y > 0.5),
        lambda p, y: T.metrics.recall(y > 0.5, p > 0.5),
    ),
    "auc": (
        lambda M, p, y: M.streaming_auc(p, y > 0.5, num_thresholds=50),
        lambda p, y: T.metrics.auc(y > 0.5, p, num_thresholds=50),
    ),
    "mean": (
        lambda M, p, y: M.streaming_mean(p, weights=y),
        lambda p, y: T.metrics.mean(p, weights=y),
    ),
    "mean_absolute_error": (
        lambda M, p, y: M.streaming_mean_absolute_error(p, y),
        lambda p, y: T.metrics.mean_absolute_error(y, p),
    ),
    "root_mean_squared_error": (
        lambda M, p, y: M.streaming_root_mean_squared_error(p, y),
        lambda p, y: T.metrics.root_mean_squared_error(y, p),
    ),
    "mean_relative_error": (
        lambda M, p, y: M.streaming_mean_relative_error(p, y, y + 1.0),
        lambda p, y: T.metrics.mean_relative_error(y, p, y + 1.0),
    ),
    "percentage_less": (
        lambda M, p, y: M.streaming_percentage_less(p, 0.3),
        lambda p, y: T.metrics.percentage_below(p, 0.3),
    ),
    "true_positives": (
        lambda M, p, y: M.streaming_true_positives(p > 0.5, y > 0.5),
        lambda p, y: T.metrics.true_positives(y > 0.5, p > 0.5),
    ),
    "recall_at_thresholds": (
        lambda M, p, y: M.streaming_recall_at_thresholds(p, y > 0.5, [0.2, 0.6]),
        lambda p, y: T.metrics.recall_at_thresholds(y > 0.5, p, [0.2, 0.6]),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_streaming_metrics_match_tf_metrics(name):
    ours_fn, theirs_fn = CASES[name]
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [6, 3])
        y = tf.placeholder(tf.float32, [6, 3])
        value, update = ours_fn(tf.contrib.metrics, p, y)
        local_names = sorted(v.op.name for v in tf.local_variables())
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            for pv, yv in BATCHES:
                sess.run(update, {p: pv, y: yv})
            ours = sess.run(value)
    with real_tf.Graph().as_default():
        p = T.placeholder(T.float32, [6, 3])
        y = T.placeholder(T.float32, [6, 3])
        value, update = theirs_fn(p, y)
        tf_names = sorted(v.op.name for v in T.local_variables())
        with T.Session() as sess:
            sess.run(T.local_variables_initializer())
            for pv, yv in BATCHES:
                sess.run(update, {p: pv, y: yv})
            theirs = sess.run(value)
    assert local_names == tf_names
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_aggregate_metric_map_and_errors():
    with tf.Graph().as_default():
        p = tf.constant([0.2, 0.8])
        y = tf.constant([0.0, 1.0])
        values, updates = tf.contrib.slim.metrics.aggregate_metric_map(
            {
                "acc": tf.contrib.slim.metrics.streaming_accuracy(p > 0.5, y > 0.5),
                "mae": tf.contrib.slim.metrics.streaming_mean_absolute_error(p, y),
            }
        )
        assert sorted(values) == ["acc", "mae"] and sorted(updates) == ["acc", "mae"]
        vals, ups = tf.contrib.metrics.aggregate_metrics(tf.contrib.metrics.streaming_mean(p))
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            sess.run([*updates.values(), *ups])
            got = sess.run([values["acc"], values["mae"], vals[0]])
        np.testing.assert_allclose(got, [1.0, 0.2, 0.5], rtol=1e-6)
        with pytest.raises(ValueError, match="Expected at least one value_tensor/update_op pair"):
            tf.contrib.metrics.aggregate_metrics()
