"""``tf.contrib.seq2seq.sequence_loss`` side by side with the same reduction written in TF 2.21
``compat.v1`` ops (TF 1.15's contrib/seq2seq/python/ops/loss.py: weighted sparse softmax
cross-entropy, divided by the summed weights when averaging, by the count of non-zero weights
when summing), every averaging/summing combination, with gradients."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(5)
LOGITS = RNG.standard_normal((3, 4, 5)).astype(np.float32)
TARGETS = RNG.integers(0, 5, (3, 4)).astype(np.int32)
WEIGHTS = (RNG.random((3, 4)) > 0.3).astype(np.float32) * RNG.random((3, 4)).astype(np.float32)

COMBOS = [
    c
    for c in itertools.product([True, False], repeat=4)
    if not (c[0] and c[2]) and not (c[1] and c[3])
]


def _ref(avg_t, avg_b, sum_t, sum_b):
    logits = T.constant(LOGITS)
    ce = T.nn.sparse_softmax_cross_entropy_with_logits(labels=TARGETS, logits=logits) * WEIGHTS
    if avg_t and avg_b:
        out = T.reduce_sum(ce) / WEIGHTS.sum()
    elif sum_t and sum_b:
        out = T.reduce_sum(ce) / float(np.count_nonzero(WEIGHTS))
    elif avg_t or avg_b:
        axis = 0 if avg_b else 1
        out = T.reduce_sum(ce, axis) / WEIGHTS.sum(axis)
    elif sum_t or sum_b:
        axis = 0 if sum_b else 1
        out = T.reduce_sum(ce, axis) / np.count_nonzero(WEIGHTS, axis).astype(np.float32)
    else:
        out = ce
    return [out, T.gradients(T.reduce_sum(out), [logits])[0]]


@pytest.mark.parametrize("avg_t,avg_b,sum_t,sum_b", COMBOS)
def test_sequence_loss_matches_tf(avg_t, avg_b, sum_t, sum_b):
    with tf.Graph().as_default():
        logits = tf.constant(LOGITS)
        loss = tf.contrib.seq2seq.sequence_loss(
            logits,
            TARGETS,
            WEIGHTS,
            average_across_timesteps=avg_t,
            average_across_batch=avg_b,
            sum_over_timesteps=sum_t,
            sum_over_batch=sum_b,
        )
        assert loss.op.name.startswith("sequence_loss/")
        ours = tf.Session().run([loss, tf.gradients(tf.reduce_sum(loss), [logits])[0]])
    with real_tf.Graph().as_default():
        theirs = T.Session().run(_ref(avg_t, avg_b, sum_t, sum_b))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-5, atol=1e-6)


@pytest.mark.bad_input
def test_sequence_loss_errors():
    f = tf.contrib.seq2seq.sequence_loss
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Logits must be a"):
            f(LOGITS[0], TARGETS, WEIGHTS)
        with pytest.raises(ValueError, match="Targets must be a"):
            f(LOGITS, TARGETS[0], WEIGHTS)
        with pytest.raises(ValueError, match="cannot be set to True at same time"):
            f(LOGITS, TARGETS, WEIGHTS, sum_over_timesteps=True)
