"""nce_loss, sampled_softmax_loss, sigmoid_cross_entropy_with_logits and the log-uniform
candidate sampler against TensorFlow 2.21's compat.v1 and TF's formulas; the deck's slide-32
word2vec code as written."""

import math

import numpy as np
import pytest

import tflite_core as tf


@pytest.fixture(scope="module")
def T():
    import tensorflow

    return tensorflow


RNG = np.random.default_rng(21)
V, D, B = 30, 5, 6
W = RNG.standard_normal((V, D)).astype(np.float32) * 0.5
BIAS = RNG.standard_normal(V).astype(np.float32) * 0.1
X = RNG.standard_normal((B, D)).astype(np.float32)


def _sampled(num_true, num_sampled=7):
    labels = RNG.integers(0, V, (B, num_true)).astype(np.int64)
    # distinct, as the samplers draw them (TF removes one hit per distinct id), with a hit
    others = np.setdiff1d(np.arange(V), labels[0, :1])
    sampled = RNG.choice(others, num_sampled, replace=False).astype(np.int64)
    sampled[0] = labels[0, 0]  # an accidental hit
    tec = RNG.uniform(0.05, 0.9, (B, num_true)).astype(np.float32)
    sec = RNG.uniform(0.05, 0.9, num_sampled).astype(np.float32)
    return labels, (sampled, tec, sec)


def _loss(lib, v1, fn, labels, sv, num_true, hits):
    g = lib.Graph()
    with g.as_default():
        w, b, x = lib.constant(W), lib.constant(BIAS), lib.constant(X)
        f = getattr(v1.nn, fn)
        per = f(
            w,
            b,
            lib.constant(labels),
            x,
            len(sv[0]),
            V,
            num_true=num_true,
            sampled_values=tuple(lib.constant(s) for s in sv),
            remove_accidental_hits=hits,
        )
        grads = v1.gradients(
            lib.reduce_sum(per * lib.constant(np.arange(1.0, B + 1, dtype=np.float32))), [w, b, x]
        )
        with v1.Session() as sess:
            return sess.run(
                [per, v1.convert_to_tensor(grads[0]), v1.convert_to_tensor(grads[1]), grads[2]]
            )


@pytest.mark.parametrize("fn", ["nce_loss", "sampled_softmax_loss"])
@pytest.mark.parametrize("num_true", [1, 2])
@pytest.mark.parametrize("hits", [False, True])
def test_sampled_losses_match_tensorflow(T, fn, num_true, hits):
    labels, sv = _sampled(num_true)
    got = _loss(tf, tf, fn, labels, sv, num_true, hits)
    want = _loss(T, T.compat.v1, fn, labels, sv, num_true, hits)
    for name, a, b in zip(["loss", "d_weights", "d_biases", "d_inputs"], got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5, err_msg=name)


def test_sigmoid_cross_entropy_matches_tensorflow(T):
    x = np.array([[-40.0, -2.0, 0.0], [0.5, 3.0, 40.0]], np.float32)
    z = np.array([[1.0, 0.0, 0.3], [1.0, 0.25, 0.0]], np.float32)
    with tf.Graph().as_default(), tf.Session() as sess:
        got = sess.run(tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x))
    want = T.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6)


def _p(c, range_max):
    return (np.log(c + 2.0) - np.log(c + 1.0)) / np.log(range_max + 1.0)


def test_sampler_distribution_follows_the_log_uniform_formula():
    range_max, n, runs = 20, 50, 200
    with tf.Graph().as_default(), tf.Session() as sess:
        s, _, _ = tf.nn.log_uniform_candidate_sampler(
            tf.constant([[0]], tf.int64), 1, n, False, range_max, seed=4
        )
        draws = np.concatenate([sess.run(s) for _ in range(runs)])
    counts = np.bincount(draws, minlength=range_max)
    expected = _p(np.arange(range_max), range_max) * draws.size
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 45.3  # the 0.9995 quantile of chi-square with 19 degrees of freedom


def test_expected_counts_match_tensorflow(T):
    truth = np.array([[0, 7], [19, 3]], np.int64)
    with tf.Graph().as_default(), tf.Session() as sess:
        ops = tf.nn.log_uniform_candidate_sampler(truth, 2, 6, False, 20, seed=1)
        uops = tf.nn.log_uniform_candidate_sampler(truth, 2, 6, True, 20, seed=1)
        s, tec, sec = sess.run(ops)
        us, utec, usec = sess.run(uops)
    _t_s, t_tec, _t_sec = T.random.log_uniform_candidate_sampler(truth, 2, 6, False, 20, seed=1)
    np.testing.assert_allclose(tec, t_tec.numpy(), rtol=1e-6)  # P(c) * num_sampled
    np.testing.assert_allclose(sec, _p(s, 20) * 6, rtol=1e-6)
    # unique: -expm1(num_tries * log1p(-P(c))) for one num_tries >= num_sampled
    assert len(set(us.tolist())) == 6
    tries = np.log1p(-utec.astype(np.float64)) / np.log1p(-_p(truth, 20))
    assert tries.min() >= 6 - 1e-3 and np.ptp(tries) < 1e-3 * tries.max()
    np.testing.assert_allclose(usec, -np.expm1(tries.mean() * np.log1p(-_p(us, 20))), rtol=1e-5)


def test_sampler_draws_anew_each_run_and_repeats_with_the_seeds():
    def runs():
        with tf.Graph().as_default(), tf.Session() as sess:
            tf.set_random_seed(9)
            s, _, _ = tf.nn.log_uniform_candidate_sampler([[1]], 1, 8, True, 1000)
            return [sess.run(s).tolist() for _ in range(3)]

    a, b = runs(), runs()
    assert a == b
    assert a[0] != a[1] != a[2]


def test_slide_32_word2vec_code_runs_as_written():
    vocabulary_size, embedding_size, batch_size, num_sampled = 200, 16, 32, 8
    rng = np.random.default_rng(0)
    inputs = rng.integers(0, vocabulary_size, batch_size).astype(np.int32)
    labels = ((inputs + 1) % vocabulary_size).reshape(batch_size, 1).astype(np.int32)
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        train_inputs = tf.placeholder(tf.int32, shape=[batch_size])
        train_labels = tf.placeholder(tf.int32, shape=[batch_size, 1])
        embeddings = tf.Variable(tf.random_uniform([vocabulary_size, embedding_size], -1.0, 1.0))
        embed = tf.nn.embedding_lookup(embeddings, train_inputs)
        nce_weights = tf.Variable(
            tf.truncated_normal(
                [vocabulary_size, embedding_size], stddev=1.0 / math.sqrt(embedding_size)
            )
        )
        nce_biases = tf.Variable(tf.zeros([vocabulary_size]))
        loss = tf.reduce_mean(
            tf.nn.nce_loss(
                nce_weights, nce_biases, embed, train_labels, num_sampled, vocabulary_size
            )
        )
        optimizer = tf.train.GradientDescentOptimizer(learning_rate=1.0).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            before = sess.run(embeddings)
            feed = {train_inputs: inputs, train_labels: labels}
            losses = [sess.run([optimizer, loss], feed)[1] for _ in range(60)]
            after = sess.run(embeddings)
    assert np.isfinite(losses).all()
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:10])
    untouched = np.setdiff1d(np.arange(vocabulary_size), inputs)
    assert after[untouched].tobytes() == before[untouched].tobytes()
    assert not np.array_equal(after[inputs], before[inputs])
