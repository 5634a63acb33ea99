"""``tf.contrib.crf`` against the same quantities written directly in TF 2.21 ``compat.v1`` ops
(TF 1.15's contrib/crf/python/ops/crf.py is not installable): each sequence's score, ``log Z``
as the log-sum-exp over every tag sequence (enumerated), the log-likelihood and its gradients,
and the best sequence (the argmax over every tag sequence) for ``crf_decode``/``viterbi_decode``;
sequence lengths shorter than the time dimension and 0 among them."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(21)
BATCH, STEPS, TAGS = 4, 4, 3
X = RNG.standard_normal((BATCH, STEPS, TAGS)).astype(np.float32)
TAG_IDS = RNG.integers(0, TAGS, (BATCH, STEPS)).astype(np.int32)
LENGTHS = np.array([4, 2, 1, 0], np.int32)
TRANS = RNG.standard_normal((TAGS, TAGS)).astype(np.float32)


def _tf_scores(x, trans, b, length, seqs):
    """TF ops: the score of each tag sequence in ``seqs`` for example ``b``."""
    out = []
    for seq in seqs:
        s = T.constant(0.0)
        for t in range(length):
            s += x[b, t, seq[t]]
            if t:
                s += trans[seq[t - 1], seq[t]]
        out.append(s)
    return T.stack(out)


def _tf_reference(x, trans):
    lls, best = [], []
    for b, length in enumerate(LENGTHS):
        if length == 0:
            lls.append(T.constant(0.0))
            continue
        seqs = list(itertools.product(range(TAGS), repeat=int(length)))
        all_scores = _tf_scores(x, trans, b, int(length), seqs)
        given = _tf_scores(x, trans, b, int(length), [tuple(TAG_IDS[b, :length])])[0]
        lls.append(given - T.reduce_logsumexp(all_scores))
        best.append((b, seqs, T.argmax(all_scores), T.reduce_max(all_scores)))
    return T.stack(lls), best


@pytest.mark.parametrize("given_transitions", [False, True])
def test_crf_log_likelihood_values_gradients_and_variable(given_transitions):
    with tf.Graph().as_default():
        x = tf.constant(X)
        if given_transitions:
            trans = tf.constant(TRANS)
        else:
            with tf.variable_scope("crf"):
                _, trans = tf.contrib.crf.crf_log_likelihood(x, TAG_IDS, LENGTHS)
            assert [v.op.name for v in tf.global_variables()] == ["crf/transitions"]
        ll, _ = tf.contrib.crf.crf_log_likelihood(x, TAG_IDS, LENGTHS, trans)
        gx, gt = tf.gradients(tf.reduce_sum(ll), [x, trans])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if not given_transitions:
                sess.run(trans.assign(TRANS))
            ours = sess.run([ll, gx, gt])
    with real_tf.Graph().as_default():
        x, trans = T.constant(X), T.constant(TRANS)
        ll, _ = _tf_reference(x, trans)
        theirs = T.Session().run([ll, *T.gradients(T.reduce_sum(ll), [x, trans])])
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-5)


def test_crf_decode_and_viterbi_decode():
    with tf.Graph().as_default():
        tags, score = tf.contrib.crf.crf_decode(tf.constant(X), tf.constant(TRANS), LENGTHS)
        assert tags.dtype == tf.int32 and tags.shape.as_list() == [BATCH, STEPS]
        tags, score = tf.Session().run([tags, score])
    with real_tf.Graph().as_default():
        _, best = _tf_reference(T.constant(X), T.constant(TRANS))
        values = T.Session().run([(i, s) for _, _, i, s in best])
    for (b, seqs, _, _), (index, best_score) in zip(best, values):
        length = LENGTHS[b]
        assert tuple(tags[b, :length]) == seqs[index]
        np.testing.assert_allclose(score[b], best_score, rtol=1e-5)
        path, vscore = tf.contrib.crf.viterbi_decode(X[b, :length], TRANS)
        assert tuple(path) == seqs[index]
        np.testing.assert_allclose(vscore, best_score, rtol=1e-5)


def test_crf_single_step():
    x1 = X[:, :1]
    with tf.Graph().as_default():
        ll, _ = tf.contrib.crf.crf_log_likelihood(
            tf.constant(x1), TAG_IDS[:, :1], np.array([1, 1, 1, 0], np.int32), TRANS
        )
        tags, _ = tf.contrib.crf.crf_decode(tf.constant(x1), TRANS, np.ones(BATCH, np.int32))
        ll, tags = tf.Session().run([ll, tags])
    with real_tf.Graph().as_default():
        xs = T.constant(x1[:, 0])
        ref = T.gather_nd(xs, np.stack([np.arange(BATCH), TAG_IDS[:, 0]], 1)) - T.reduce_logsumexp(
            xs, 1
        )
        ref = T.Session().run(ref * np.array([1, 1, 1, 0], np.float32))
    np.testing.assert_allclose(ll, ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(tags[:, 0], x1[:, 0].argmax(1))
