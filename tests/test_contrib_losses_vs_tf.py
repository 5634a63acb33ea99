"""``tf.contrib.losses`` (= ``tf.contrib.slim.losses``) side by side with TF 2.21 ``compat.v1``
(TF 1.15's contrib/losses/python/losses/loss_ops.py is not installable): each function equals
the matching ``tf.losses`` function (default reduction SUM_BY_NONZERO_WEIGHTS) with the
arguments in the new order, contrib's ``[batch]`` weights given to TF as ``[batch, 1]``;
values, gradients, the LOSSES collection; ``hinge_loss`` unreduced; TF 1.x's errors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(4)
PRED = (RNG.random((4, 3)) * 0.9 + 0.05).astype(np.float32)
LAB01 = (RNG.random((4, 3)) > 0.5).astype(np.float32)
LOGITS = RNG.standard_normal((4, 3)).astype(np.float32)
ONEHOT = np.eye(3, dtype=np.float32)[[0, 2, 1, 2]]
IDS = np.array([0, 2, 1, 2], np.int32)
UNIT = LOGITS / np.linalg.norm(LOGITS, axis=1, keepdims=True)
UNIT2 = PRED / np.linalg.norm(PRED, axis=1, keepdims=True)
W_BATCH = np.array([1.0, 0.0, 2.0, 0.5], np.float32)

# name -> (ours(m, a, b, w), theirs(T, a, b, w), a, b)
CASES = {
    "absolute_difference": (
        lambda m, a, b, w: m.absolute_difference(a, b, w),
        lambda a, b, w: T.losses.absolute_difference(b, a, w),
        PRED,
        LAB01,
    ),
    "mean_squared_error": (
        lambda m, a, b, w: m.mean_squared_error(a, b, w),
        lambda a, b, w: T.losses.mean_squared_error(b, a, w),
        PRED,
        LAB01,
    ),
    "log_loss": (
        lambda m, a, b, w: m.log_loss(a, b, w),
        lambda a, b, w: T.losses.log_loss(b, a, w),
        PRED,
        LAB01,
    ),
    "sigmoid_cross_entropy": (
        lambda m, a, b, w: m.sigmoid_cross_entropy(a, b, w, label_smoothing=0.1),
        lambda a, b, w: T.losses.sigmoid_cross_entropy(b, a, w, label_smoothing=0.1),
        LOGITS,
        LAB01,
    ),
    "softmax_cross_entropy": (
        lambda m, a, b, w: m.softmax_cross_entropy(a, b, w, label_smoothing=0.2),
        lambda a, b, w: T.losses.softmax_cross_entropy(b, a, w, label_smoothing=0.2),
        LOGITS,
        ONEHOT,
    ),
    "sparse_softmax_cross_entropy": (
        lambda m, a, b, w: m.sparse_softmax_cross_entropy(a, b, w),
        lambda a, b, w: T.losses.sparse_softmax_cross_entropy(b, a, w),
        LOGITS,
        IDS,
    ),
    "cosine_distance": (
        lambda m, a, b, w: m.cosine_distance(a, b, axis=1, weights=w),
        lambda a, b, w: T.losses.cosine_distance(b, a, axis=1, weights=w),
        UNIT,
        UNIT2,
    ),
}


@pytest.mark.parametrize("weights", ["scalar", "batch", "zero"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_contrib_losses_match_tf_losses(name, weights):
    ours_fn, theirs_fn, a, b = CASES[name]
    w_ours = {"scalar": 2.5, "batch": W_BATCH, "zero": 0.0}[weights]
    vector = name in ("softmax_cross_entropy", "sparse_softmax_cross_entropy")
    w_tf = W_BATCH[:, None] if weights == "batch" and not vector else w_ours
    if name == "cosine_distance" and weights == "batch":
        w_tf = W_BATCH[:, None]  # TF's cosine losses keep the reduced axis
    with tf.Graph().as_default():
        at = tf.constant(a)
        loss = ours_fn(tf.contrib.slim.losses, at, b, w_ours)
        assert tf.get_collection(tf.GraphKeys.LOSSES) == [loss]
        (g,) = tf.gradients(loss, [at])
        ours = tf.Session().run([loss, g])
    with real_tf.Graph().as_default():
        at = T.constant(a)
        loss = theirs_fn(at, b, w_tf)
        theirs = T.Session().run([loss, T.gradients(loss, [at])[0]])
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-5, atol=1e-6)


def test_hinge_pairwise_and_total_loss():
    with tf.Graph().as_default():
        hinge = tf.contrib.losses.hinge_loss(tf.constant(LOGITS), LAB01)
        pair = tf.contrib.losses.mean_pairwise_squared_error(tf.constant(PRED), LAB01, W_BATCH)
        tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.constant(0.25))
        total = tf.contrib.losses.get_total_loss()
        ours = tf.Session().run([hinge, pair, total])
    with real_tf.Graph().as_default():
        hinge = T.losses.hinge_loss(LAB01, LOGITS, reduction=T.losses.Reduction.NONE)
        # contrib's normalisation (not tf.losses'): 2 sum(d^2) / n - 2 (sum d)^2 / n^2 per
        # example with a non-zero weight (n = 3 elements), times the weight, summed
        d = T.constant(PRED - LAB01)
        n = 3.0
        per = 2 * T.reduce_sum(d * d, 1) / n - 2 * T.square(T.reduce_sum(d, 1)) / n**2
        pair = T.reduce_sum(per * W_BATCH)
        theirs = T.Session().run([hinge, pair])
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5)
    np.testing.assert_allclose(ours[2], ours[1] + 0.25, rtol=1e-6)


@pytest.mark.bad_input
def test_contrib_losses_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"You must specify 'axis'\."):
            tf.contrib.losses.cosine_distance(tf.constant(UNIT), UNIT2)
        with pytest.raises(ValueError, match=r"are incompatible|not compatible"):
            tf.contrib.losses.mean_squared_error(tf.constant(PRED), LAB01[:, :2])
