"""``tf.nn`` ops beyond the op table: the composite activations (values over the whole float
range, gradients by central differences and at the kinks), dropout (exact masks from the Philox
reference, statistics, scaling, seeds), moments, batch_normalization, bias_add's data formats, and
the behaviour of top_k, in_top_k and the sparse cross-entropy that the table cannot express
(ties, non-finite scores, errors). TensorFlow itself is the reference where its rules are subtle.
"""

from __future__ import annotations

import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest
import tensorflow as real_tf  # the test extra, as in test_checkpoint_tf_interop
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import grad_check

import tflite_core as tf
from tflite_core import errors
from tflite_core import reference as kernel_twins

DEFAULT_GRAPH_SEED = 87654321
SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 6.0, 1e-30, -1e-30, 88.0, -88.0, 1e30, -1e30]


def run(fetches, feeds=None):
    with tf.Session() as sess:
        return sess.run(fetches, feeds)


def eval_fn(fn, x):
    with tf.Graph().as_default():
        return run(fn(tf.constant(x)))


# ---- relu6, elu, softplus ------------------------------------------------------------------------
ACTIVATIONS = {
    "relu6": (tf.nn.relu6, lambda x: np.minimum(np.maximum(x, 0), 6)),
    "elu": (tf.nn.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    "softplus": (tf.nn.softplus, lambda x: np.logaddexp(x.dtype.type(0), x)),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_match_numpy_everywhere(name, dtype):
    fn, ref = ACTIVATIONS[name]
    x = np.concatenate([np.linspace(-100, 100, 4001), SPECIAL]).astype(dtype)
    got = eval_fn(fn, x)
    with np.errstate(all="ignore"):
        want = ref(x).astype(dtype)
    assert got.dtype == dtype
    tol = {"rtol": 2e-6, "atol": 1e-7} if dtype == np.float32 else {"rtol": 1e-13, "atol": 1e-15}
    np.testing.assert_allclose(got, want, equal_nan=True, **tol)


def test_softplus_keeps_relative_accuracy_for_tiny_results():
    x = np.array([-20.0, -40.0, -80.0, -700.0])
    got = eval_fn(tf.nn.softplus, x)
    np.testing.assert_allclose(got, np.log1p(np.exp(x)), rtol=1e-14, atol=0)
    got32 = eval_fn(tf.nn.softplus, x[:3].astype(np.float32))
    np.testing.assert_allclose(got32, np.log1p(np.exp(x[:3])), rtol=1e-6, atol=0)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradients(name):
    fn = ACTIVATIONS[name][0]
    grid = np.concatenate([np.linspace(-7.9, -0.1, 9), np.linspace(0.1, 5.9, 9), [7.0, 30.0]])
    grad_check(fn, [grid])


def test_gradients_at_kinks_follow_tensorflow():
    x = np.array([0.0, 6.0, -1e-3, 1e-3], np.float32)
    with tf.Graph().as_default():
        t = tf.constant(x)
        ours = run([tf.gradients(f(t), t)[0] for f in (tf.nn.relu6, tf.nn.elu, tf.nn.softplus)])
    theirs = []
    for f in (real_tf.nn.relu6, real_tf.nn.elu, real_tf.nn.softplus):
        v = real_tf.constant(x)
        with real_tf.GradientTape() as tape:
            tape.watch(v)
            y = f(v)
        theirs.append(tape.gradient(y, v).numpy())
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_array_equal(ours[0][:2], [0.0, 0.0])  # relu6: 0 at 0 and at 6
    assert ours[1][0] == 1.0 and ours[2][0] == 0.5  # elu: 1 at 0; softplus: sigmoid(0)


@pytest.mark.bad_input
def test_activation_dtype_checks():
    with tf.Graph().as_default():
        assert run(tf.nn.relu6(tf.constant([-3, 4, 9]))).tolist() == [0, 4, 6]
        with pytest.raises(TypeError, match="'Elu' has DataType int32"):
            tf.nn.elu(tf.constant([1, 2]))
        with pytest.raises(TypeError, match="'Softplus' has DataType int32"):
            tf.nn.softplus(tf.constant([1, 2]))


# ---- dropout ---------------------------------------------------------------------------------
def uniform_run(shape, seed, run_index, dtype=np.float32):
    out = np.empty(shape, dtype)
    counter = np.array([run_index], np.int64)
    kernel_twins.run_kernel("random_uniform", [counter], [out], [DEFAULT_GRAPH_SEED, seed])
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dropout_masks_are_tf_1x_formula_with_philox_numbers(dtype):
    x = np.random.default_rng(0).normal(size=(5, 7)).astype(dtype)
    kp = dtype(0.6)
    with tf.Graph().as_default():
        y = tf.nn.dropout(tf.constant(x), keep_prob=0.6, seed=11)
        with tf.Session() as sess:
            runs = [sess.run(y) for _ in range(3)]
        with tf.Session() as sess:
            again = sess.run(y)
    for r, got in enumerate(runs):  # run r draws the r-th numbers: a new mask every run
        want = (x / kp) * np.floor(kp + uniform_run(x.shape, 11, r, dtype))
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(again, runs[0])  # a new session starts again
    assert not np.array_equal(runs[0] != 0, runs[1] != 0)


def test_dropout_statistics_and_scaling():
    n = 200_000
    with tf.Graph().as_default():
        y = tf.nn.dropout(tf.ones([n]), 0.3)
        a, b = run([y, y])  # one run: the same mask twice
        c = run(y)
    kept = a != 0
    assert abs(kept.mean() - 0.3) < 5 * math.sqrt(0.3 * 0.7 / n)
    np.testing.assert_array_equal(a[kept], np.float32(1.0) / np.float32(0.3))
    np.testing.assert_array_equal(a, b)
    assert abs((c != 0).mean() - 0.3) < 5 * math.sqrt(0.21 / n) and not np.array_equal(a, c)


def test_dropout_noise_shape_rate_placeholder_and_gradient():
    x = np.arange(1.0, 13.0, dtype=np.float32).reshape(3, 4)
    with tf.Graph().as_default():
        t = tf.constant(x)
        rows = tf.nn.dropout(t, 0.5, noise_shape=[3, 1], seed=3)
        by_rate = tf.nn.dropout(t, rate=0.5, noise_shape=[3, 1], seed=3)
        kp = tf.placeholder(tf.float32, [])
        fed = tf.nn.dropout(t, kp, seed=4)
        d = tf.nn.dropout(t, 0.25, seed=5)
        (grad,) = tf.gradients(d, t)
        with tf.Session() as sess:
            r, r2 = sess.run([rows, by_rate])
            f1 = sess.run(fed, {kp: 1.0})
            dv, gv = sess.run([d, grad])
        assert tf.nn.dropout(t, 1.0) is t  # keep everything: x itself, as TF
    mask = np.floor(np.float32(0.5) + uniform_run((3, 1), 3, 0))
    np.testing.assert_array_equal(r, x / np.float32(0.5) * mask)  # whole rows kept or dropped
    np.testing.assert_array_equal(r2, r)
    np.testing.assert_array_equal(f1, x)
    np.testing.assert_array_equal(gv, (dv != 0) / np.float32(0.25))  # d out / dx = mask / kp


@pytest.mark.bad_input
def test_dropout_errors():
    with tf.Graph().as_default():
        x = tf.zeros([3])
        with pytest.raises(ValueError, match=r"range \(0, 1\], got 0"):
            tf.nn.dropout(x, 0.0)
        with pytest.raises(ValueError, match=r"range \(0, 1\], got 1.5"):
            tf.nn.dropout(x, 1.5)
        with pytest.raises(ValueError, match="Cannot specify both"):
            tf.nn.dropout(x, 0.5, rate=0.5)
        with pytest.raises(ValueError, match="You must provide a rate"):
            tf.nn.dropout(x)
        with pytest.raises(ValueError, match="floating point tensor"):
            tf.nn.dropout(tf.zeros([3], tf.int32), 0.5)
        with pytest.raises(ValueError, match=r"incompatible|must have rank 0"):
            tf.nn.dropout(x, tf.constant([0.5, 0.5]))


# ---- moments, batch_normalization, bias_add -----------------------------------------------------
@given(
    x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
                 elements=st.floats(-10, 10)),
    data=st.data(),
)  # fmt: skip
def test_moments_match_numpy(x, data):
    axes = data.draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, unique=True))
    keep = data.draw(st.booleans())
    with tf.Graph().as_default():
        mean, var = tf.nn.moments(tf.constant(x), axes, keep_dims=keep)
        got = run([mean, var])
        assert [mean.shape.as_list(), var.shape.as_list()] == [list(np.shape(g)) for g in got]
    ax = tuple(axes)
    np.testing.assert_allclose(got[0], np.mean(x, ax, keepdims=keep), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got[1], np.var(x, ax, keepdims=keep), rtol=1e-10, atol=1e-10)


def test_moments_and_batch_normalization_gradients():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(4, 3))
    grad_check(lambda t: list(tf.nn.moments(t, [0])), [x])
    mean, var = rng.normal(size=3), rng.uniform(0.5, 2.0, size=3)
    offset, scale = rng.normal(size=3), rng.normal(size=3)
    grad_check(
        lambda *a: tf.nn.batch_normalization(*a, variance_epsilon=1e-3),
        [x, mean, var, offset, scale],
    )
    with tf.Graph().as_default():
        got = run(
            [
                tf.nn.batch_normalization(x, mean, var, offset, scale, 1e-3),
                tf.nn.batch_normalization(x, mean, var, None, None, 1e-3),
            ]
        )
    norm = (x - mean) / np.sqrt(var + 1e-3)
    np.testing.assert_allclose(got[0], norm * scale + offset, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got[1], norm, rtol=1e-12, atol=1e-12)


@pytest.mark.bad_input
def test_bias_add_data_formats():
    rng = np.random.default_rng(9)
    v, b = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=3)
    with tf.Graph().as_default():
        nchw = tf.nn.bias_add(v, b, data_format="NCHW")
        nhwc = tf.nn.bias_add(v, rng.normal(size=5) * 0 + 1.0)
        got = run([nchw, nhwc])
        with pytest.raises(ValueError, match=r"\[BiasAdd\] Dimensions must be equal, but are 1 "
                           r"and 3 for 'BiasAdd' \(op: 'BiasAdd'\) with input shapes: \[2,1\], "
                           r"\[3\]\."):  # fmt: skip
            tf.nn.bias_add(tf.zeros([2, 1]), tf.zeros([3]))
        with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 2"):
            tf.nn.bias_add(tf.zeros([2, 3]), tf.zeros([1, 3]))
        with pytest.raises(ValueError, match="at least rank 2"):
            tf.nn.bias_add(tf.zeros([3]), tf.zeros([3]))
        with pytest.raises(ValueError, match="data_format"):
            tf.nn.bias_add(tf.zeros([2, 3]), tf.zeros([3]), data_format="NWC")
    np.testing.assert_allclose(got[0], v + b[None, :, None, None], rtol=1e-15)
    np.testing.assert_allclose(got[1], v + 1.0, rtol=1e-15)
    grad_check(lambda a, c: tf.nn.bias_add(a, c, data_format="NCHW"), [v[:, :, :2, :2], b])


# ---- top_k and in_top_k against TensorFlow -------------------------------------------------------
@given(
    x=hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5),
                 elements=st.sampled_from([-1.0, 0.0, 2.0, 2.5])),
    data=st.data(),
)  # fmt: skip
def test_top_k_ties_match_tensorflow(x, data):
    k = data.draw(st.integers(0, x.shape[-1]))
    want_v, want_i = real_tf.math.top_k(x, k)
    with tf.Graph().as_default():
        kt = tf.placeholder(tf.int32, [])
        v, i = tf.nn.top_k(tf.constant(x), kt)
        got_v, got_i = run([v, i], {kt: k})
    np.testing.assert_array_equal(got_v, want_v.numpy())
    np.testing.assert_array_equal(got_i, want_i.numpy())


@pytest.mark.bad_input
def test_top_k_gradient_errors_and_nan():
    x = np.array([[1.0, 3.0, 3.0, -1.0], [0.0, 0.0, 5.0, 4.0]])
    with tf.Graph().as_default():
        t = tf.constant(x)
        v, _ = tf.nn.top_k(t, 2)
        (g,) = run(tf.gradients(v * [[1.0, 10.0]], t))
        np.testing.assert_array_equal(g, [[0, 1, 10, 0], [0, 0, 1, 10]])  # ties: lower index
        with pytest.raises(ValueError, match=r"\[TopKV2\] input must have at least k columns. "
                           r"Had 4, needed 5 for 'TopKV2"):  # fmt: skip
            tf.nn.top_k(t, 5)
        with pytest.raises(ValueError, match="at least rank 1"):
            tf.nn.top_k(tf.constant(1.0))
        with pytest.raises(ValueError, match="Need k >= 0, got -1"):
            tf.nn.top_k(t, -1)
        kt = tf.placeholder(tf.int32, [])
        with pytest.raises(errors.InvalidArgumentError, match="at least k columns"):
            run(tf.nn.top_k(t, kt), {kt: 9})
        vs, ix = run(tf.nn.top_k(tf.constant([2.0, np.nan, 3.0]), 2))
    assert np.isnan(vs[0]) and vs[1] == 3.0 and ix.tolist() == [1, 2]  # NaN first, as TF's CPU


@given(
    pred=hnp.arrays(np.float32, st.tuples(st.integers(1, 4), st.integers(1, 5)),
                    elements=st.sampled_from([-1.0, 0.0, 1.0, 2.5])),
    data=st.data(),
)  # fmt: skip
def test_in_top_k_ties_match_tensorflow(pred, data):
    b, c = pred.shape
    targets = np.array(data.draw(st.lists(st.integers(-1, c), min_size=b, max_size=b)), np.int32)
    k = data.draw(st.integers(0, c + 1))
    want = real_tf.math.in_top_k(targets, pred, k).numpy()  # out of range: False
    with tf.Graph().as_default():
        got = run(tf.nn.in_top_k(pred, targets, k))
    np.testing.assert_array_equal(got, want)


def in_top_k_both(pred, targets, k):
    want = real_tf.math.in_top_k(np.array(targets, np.int32), np.array(pred, np.float32), k)
    with tf.Graph().as_default():
        got = run(tf.nn.in_top_k(np.array(pred, np.float32), np.array(targets, np.int32), k))
    return got.tolist(), want.numpy().tolist()


def test_in_top_k_non_finite_target_score_is_false():
    rows = [[np.nan, 1.0], [np.inf, 1.0], [-np.inf, 1.0], [1.0, 0.0]]
    got, want = in_top_k_both(rows, [0, 0, 0, 0], 2)
    assert got == want == [False, False, False, True]


def test_in_top_k_any_non_finite_score_in_the_row_is_false():
    got, want = in_top_k_both([[-1.0, -np.inf], [2.0, np.nan], [0.0, np.inf]], [0, 0, 0], 1)
    assert want == [False, False, False]
    assert got == want


# ---- sparse softmax cross-entropy ----------------------------------------------------------------
@pytest.mark.bad_input
def test_sparse_xent_matches_tensorflow_and_its_errors():
    rng = np.random.default_rng(10)
    logits = rng.normal(size=(2, 3, 5)) * 4
    labels = rng.integers(0, 5, size=(2, 3))
    want = real_tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    with tf.Graph().as_default():
        y = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        assert y.shape.as_list() == [2, 3]
        np.testing.assert_allclose(run(y), want.numpy(), rtol=1e-12)
        with pytest.raises(ValueError, match="Only call `sparse_softmax_cross_entropy_with"):
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
        with pytest.raises(ValueError, match=r"Rank mismatch: Rank of labels \(received 2\) should "
                           r"equal rank of logits minus 1 \(received 2\)"):  # fmt: skip
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits[0])
        with pytest.raises(ValueError, match="Shape mismatch"):
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels[:, :2], logits=logits)
        with pytest.raises(TypeError, match=r"'labels'.*float32"):
            tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=tf.zeros([2]), logits=tf.zeros([2, 3])
            )
        lab = tf.placeholder(tf.int64, [2])
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=tf.zeros([2, 3]))
        with pytest.raises(errors.InvalidArgumentError, match=r"Received a label value of 3 which "
                           r"is outside the valid range of \[0, 3\)"):  # fmt: skip
            run(loss, {lab: [0, 3]})
        with pytest.raises(errors.InvalidArgumentError, match="label value of -1"):
            run(loss, {lab: [-1, 0]})


def test_sparse_xent_gradients():
    rng = np.random.default_rng(11)
    logits = rng.normal(size=(4, 3))
    labels = np.array([0, 2, 2, 1])
    with tf.Graph().as_default():
        x = tf.constant(logits)
        y = tf.constant(labels)
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x)
        gx, gy = tf.gradients(loss, [x, y])
        assert gy is None
        got = run(gx)
    soft = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    np.testing.assert_allclose(got, soft - np.eye(3)[labels], rtol=1e-12)

    def first_order(lg, g):  # second derivatives, through the op's backprop output
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=lg)
        return tf.gradients(loss, lg, grad_ys=g)

    grad_check(first_order, [logits, rng.normal(size=4)])
