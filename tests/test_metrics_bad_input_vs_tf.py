"""``tf.metrics`` on bad input and dynamic shapes, side by side with TF 2.21 ``compat.v1``:
labels of the wrong shape or dtype, weights that cannot broadcast (caught when the graph is
built when the static shapes show it, else InvalidArgumentError at run time), predictions
outside [0, 1], ids out of range and bad arguments get TF's error class and message; placeholders
of unknown batch size (the dynamic squeeze and broadcast checks) give TF's values."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(7)


def _outcome(m, build: Callable[[Any], tuple[Any, dict]]):
    """Builds in a fresh graph of ``m`` and runs the update op on the feed build returns; the
    result, or the exception raised."""
    g = m.Graph()
    try:
        with g.as_default():
            if m is T:
                with T.variable_scope(
                    T.get_variable_scope(), use_resource=False, auxiliary_name_scope=False
                ):
                    (value, update), feed = build(m)
            else:
                (value, update), feed = build(m)
            init = m.local_variables_initializer()
        with m.Session(graph=g) as sess:
            sess.run(init)
            return sess.run(update, feed), sess.run(value)
    except Exception as e:  # the error is the result compared
        return e


def _same_error(build, key: str | None = None):
    theirs, ours = _outcome(T, build), _outcome(tf, build)
    assert isinstance(theirs, Exception), theirs
    assert isinstance(ours, Exception), ours
    assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)
    if key is not None:
        assert key in str(theirs), theirs
        assert key in str(ours), ours
    return ours


def _same_value(build):
    theirs, ours = _outcome(T, build), _outcome(tf, build)
    assert not isinstance(theirs, Exception), theirs
    assert not isinstance(ours, Exception), ours
    for w, g in zip(theirs, ours):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


P6 = RNG.random(6).astype(np.float32)
L6 = RNG.integers(0, 2, 6).astype(np.int64)
V43 = RNG.random((4, 3)).astype(np.float32)
S45 = RNG.random((4, 5)).astype(np.float32)
IDS = RNG.integers(0, 5, (4, 2)).astype(np.int64)
PRED6 = RNG.integers(0, 2, 6).astype(np.int64)


@pytest.mark.bad_input
def test_labels_shape_mismatch_static():
    e = _same_error(lambda m: (m.metrics.accuracy(L6[:5], L6), {}))
    assert "(6,)" in str(e) and "(5,)" in str(e)


@pytest.mark.bad_input
def test_labels_shape_mismatch_at_run_time():
    def build(m):
        lab = m.placeholder(m.int64, [None])
        pred = m.placeholder(m.int64, [None])
        return m.metrics.accuracy(lab, pred), {lab: L6[:5], pred: L6}

    _same_error(build)


@pytest.mark.bad_input
def test_weights_not_broadcastable_static():
    e = _same_error(
        lambda m: (m.metrics.mean(V43, np.ones(3, np.float32)), {}),
        "weights can not be broadcast to values. Mismatch at dim 0. values.shape=[4 3], "
        "weights.shape=[3 1].",
    )
    assert "Received weights=" in str(e)


@pytest.mark.bad_input
def test_weights_rank_mismatch_static():
    _same_error(
        lambda m: (m.metrics.mean_tensor(V43, np.ones((1, 4, 3, 1, 1), np.float32)), {}),
        "weights can not be broadcast to values. values.rank=2. weights.rank=5.",
    )


@pytest.mark.bad_input
def test_weights_not_broadcastable_at_run_time():
    def build(m):
        v = m.placeholder(m.float32, [None, None])
        w = m.placeholder(m.float32, [None, None])
        return m.metrics.mean(v, w), {v: V43, w: np.ones((2, 3), np.float32)}

    # TF's Assert fires first; tflite_core's Session checks the fed shapes when it compiles the
    # run, so the same InvalidArgumentError names the broadcasting op instead
    e = _same_error(build)
    assert "broadcast_weights" in str(e) and "[2,3], [4,3]" in str(e)


@pytest.mark.bad_input
def test_predictions_outside_unit_interval():
    _same_error(
        lambda m: (m.metrics.auc(L6, P6 * 3), {}),
        "predictions must be in [0, 1]",
    )


@pytest.mark.bad_input
def test_mean_iou_ids_out_of_range():
    _same_error(
        lambda m: (m.metrics.mean_iou(m.constant(L6 + 3), m.constant(L6), 4), {}),
        "`labels` out of bound",
    )


@pytest.mark.bad_input
def test_mean_iou_negative_ids():
    _same_error(
        lambda m: (m.metrics.mean_iou(m.constant(L6), m.constant(L6 - 1), 4), {}),
        "`predictions` contains negative values",
    )


@pytest.mark.bad_input
@pytest.mark.parametrize("fn", ["precision_at_k", "recall_at_k"])
def test_at_k_int32_labels(fn):
    _same_error(
        lambda m: (getattr(m.metrics, fn)(IDS.astype(np.int32), S45, 2), {}),
        "Types don't match",
    )


@pytest.mark.bad_input
def test_average_precision_int32_labels():
    _same_error(
        lambda m: (m.metrics.average_precision_at_k(IDS.astype(np.int32), S45, 2), {}),
        "Input 'y' of 'GreaterEqual' Op has type int64 that does not match type int32",
    )


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "fn", ["precision_at_k", "recall_at_k", "average_precision_at_k", "sparse_precision_at_k"]
)
def test_at_k_labels_rank(fn):
    _same_error(
        lambda m: (getattr(m.metrics, fn)(IDS[:, :1, None], S45, 2), {}),
        "Unexpected labels shape (4, 1, 1) for predictions shape (4, 2). Predictions rank "
        "should be the same rank as labels rank or labels rank plus one .",
    )


@pytest.mark.bad_input
def test_at_k_weights_not_broadcastable():
    _same_error(
        lambda m: (m.metrics.precision_at_k(IDS, S45, 2, weights=np.ones((4, 1), np.float32)), {}),
        "weights can not be broadcast to values.",
    )


@pytest.mark.bad_input
def test_bad_arguments():
    _same_error(lambda m: (m.metrics.auc(L6, P6, curve="XY"), {}), "Curve must be either ROC")
    _same_error(
        lambda m: (m.metrics.auc(L6, P6, summation_method="mid"), {}),
        "Invalid summation_method: mid",
    )
    _same_error(
        lambda m: (m.metrics.sensitivity_at_specificity(L6, P6, 1.5), {}),
        "`specificity` must be in the range [0, 1]. Currently, `specificity` got 1.5.",
    )
    _same_error(
        lambda m: (m.metrics.specificity_at_sensitivity(L6, P6, -0.1), {}),
        "`sensitivity` must be in the range [0, 1]. Currently, `sensitivity` is -0.1.",
    )
    _same_error(
        lambda m: (m.metrics.average_precision_at_k(IDS, S45, 0), {}),
        "Invalid k=0. `k` should be >= 1.",
    )


def test_dynamic_batch_squeeze_and_broadcast():
    """Unknown batch sizes: the trailing size-1 dimension of labels is squeezed and weights
    broadcast at run time, as TF's."""

    def build(m):
        lab = m.placeholder(m.int64, [None, 1])
        pred = m.placeholder(m.int64, [None])
        w = m.placeholder(m.float32, [None])
        feed = {lab: L6[:, None], pred: PRED6, w: P6}
        return m.metrics.accuracy(lab, pred, w), feed

    _same_value(build)

    def build_mean(m):
        v = m.placeholder(m.float32, [None, 3])
        w = m.placeholder(m.float32, [None, 1])
        return m.metrics.mean(v, w), {v: V43, w: V43[:, :1]}

    _same_value(build_mean)

    def build_tensor(m):
        v = m.placeholder(m.float32, [4, 3])
        w = m.placeholder(m.float32, [None, None])
        return m.metrics.mean_tensor(v, w), {v: V43, w: np.ones((1, 3), np.float32)}

    _same_value(build_tensor)


def test_sparse_labels_of_unknown_rank():
    """A sparse_placeholder without a shape (unknown rank) as labels of rank-1 ids."""

    def build(m):
        sp = m.sparse_placeholder(m.int64)
        feed = {sp: (np.array([[0], [1], [2], [3]]), np.array([1, 4, 0, 2]), np.array([4]))}
        return m.metrics.recall_at_k(sp, S45, 3), feed

    _same_value(build)


W4 = RNG.random(4).astype(np.float32)
B4 = np.array([1, 0, 1, 1], np.int64)
UNKNOWN_RANK = {
    "mean_w4": (lambda m, v, w: m.metrics.mean(v, w), [V43, W4]),
    "mean_w41": (lambda m, v, w: m.metrics.mean(v, w), [V43, W4[:, None]]),
    "mean_w43": (lambda m, v, w: m.metrics.mean(v, w), [V43, V43]),
    "mean_scalar_w": (lambda m, v, w: m.metrics.mean(v, w), [V43, np.float32(2)]),
    "accuracy_squeeze": (
        lambda m, lab, p: m.metrics.accuracy(lab, p),
        [np.array([[1], [2], [3], [0]]), np.array([1, 2, 0, 0])],
    ),
    "true_positives_w": (
        lambda m, lab, p, w: m.metrics.true_positives(lab, p, w),
        [B4, B4 * 0 + 1, W4],
    ),
    "auc_w": (lambda m, lab, p, w: m.metrics.auc(lab, p, w), [B4, W4 / 2, W4]),
    "mse_bad_w": (
        lambda m, lab, p, w: m.metrics.mean_squared_error(lab, p, w),
        [V43, V43 * 2, np.ones((2, 3), np.float32)],
    ),
}


@pytest.mark.parametrize("name", sorted(UNKNOWN_RANK))
def test_unknown_rank_inputs(name):
    """Placeholders of unknown rank: TF's run-time squeeze/expand of labels and weights and its
    run-time broadcast check (the bad weights: InvalidArgumentError in both)."""
    fn, arrays = UNKNOWN_RANK[name]

    def build(m):
        phs = [m.placeholder(m.as_dtype(a.dtype), None) for a in arrays]
        return fn(m, *phs), dict(zip(phs, arrays))

    if name.endswith("bad_w"):
        _same_error(build)
    else:
        _same_value(build)


LB = np.array([1, 0, 1, 1])
PF = np.array([0.2, 0.7, 0.9, 0.4])
# name -> (build, TF's error key or None where both give the same values)
DTYPES = {
    "auc_int_predictions": (
        lambda m: m.metrics.auc(m.constant(LB), m.constant([0, 1, 1, 0])),
        None,
    ),
    "auc_float64_predictions": (lambda m: m.metrics.auc(m.constant(LB), m.constant(PF)), None),
    "auc_bool_predictions": (
        lambda m: m.metrics.auc(m.constant(LB), m.constant([True, False, True, False])),
        "has DataType bool not in list of allowed values",
    ),
    "precision_float_predictions": (
        lambda m: m.metrics.precision(m.constant(LB), m.constant(PF)),
        None,
    ),
    "mean_per_class_accuracy_float_predictions": (
        lambda m: m.metrics.mean_per_class_accuracy(
            m.constant(LB), m.constant([1.0, 0.0, 0.0, 1.0]), 2
        ),
        None,
    ),
    "mean_int_values_int_weights": (
        lambda m: m.metrics.mean(m.constant([1, 2, 3]), m.constant([1, 2, 0])),
        None,
    ),
    "accuracy_int_labels_float_predictions": (
        lambda m: m.metrics.accuracy(m.constant(LB), m.constant([1.0, 0.0, 0.0, 1.0])),
        None,
    ),
    "mean_squared_error_int64_int32": (
        lambda m: m.metrics.mean_squared_error(m.constant(LB), m.constant([1, 0, 0, 2])),
        "Input 'y' of 'SquaredDifference' Op has type int32 that does not match type int64",
    ),
    "mean_iou_float_ids": (
        lambda m: m.metrics.mean_iou(m.constant([1.0, 0.0]), m.constant([1.0, 1.0]), 2),
        None,
    ),
    "precision_at_k_float_labels": (
        lambda m: m.metrics.precision_at_k(
            m.constant([[1.0], [0.0]]), m.constant([[0.1, 0.9], [0.2, 0.8]]), 1
        ),
        "Types don't match, <dtype: 'int64'> vs <dtype: 'float32'>.",
    ),
    "true_positives_float64_weights": (
        lambda m: m.metrics.true_positives(
            m.constant(LB), m.constant(LB), m.constant([1.0, 2.0, 3.0, 4.0], m.float64)
        ),
        None,
    ),
    "mean_cosine_distance_bad_dim": (
        lambda m: m.metrics.mean_cosine_distance(
            m.constant([[1.0, 0.0]]), m.constant([[1.0, 0.0]]), 2
        ),
        "Invalid reduction dimension 2 for input with 2 dimensions",
    ),
    "mean_relative_error_normalizer_shape": (
        lambda m: m.metrics.mean_relative_error(
            m.constant([1.0, 0.0]), m.constant([1.0, 1.0]), m.constant([1.0, 1.0, 1.0])
        ),
        "Shapes (2,) and (3,) are incompatible",
    ),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("name", sorted(DTYPES))
def test_dtypes(name):
    """Input dtypes: TF's casts where it casts, its TypeError/ValueError where it has one."""
    fn, key = DTYPES[name]

    def build(m):
        return fn(m), {}

    if key is None:
        _same_value(build)
    else:
        _same_error(build, key)


@pytest.mark.bad_input
@pytest.mark.parametrize("fn", ["precision_at_k", "recall_at_k", "average_precision_at_k"])
@pytest.mark.parametrize("dynamic", [False, True], ids=["static", "dynamic"])
def test_at_k_batch_mismatch(fn, dynamic):
    """Labels for 1 row, predictions for 4: TF's set ops reject it when the graph is built
    (static shapes) or when run."""

    def build(m):
        lab = m.placeholder(m.int64, [None, 2] if dynamic else [1, 2])
        s = m.placeholder(m.float32, [None, 5] if dynamic else [4, 5])
        return getattr(m.metrics, fn)(lab, s, 2), {lab: IDS[:1], s: S45}

    key = "Mismatched shapes" if dynamic else "Dimension 0 in both shapes must be equal"
    _same_error(build, key)
