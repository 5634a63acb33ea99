"""``tf.contrib.layers`` / ``tf.contrib.framework`` / ``tf.contrib.slim`` side by side with TF
2.21 ``compat.v1`` (TF 1.15's contrib is not installable): each layer function is compared with
the same computation written in TF ops on the same weights (values and gradients); batch_norm
with TF's fused batch norm and ``tf.layers.batch_normalization`` over several training steps;
the regularizers with ``l2_loss``; ``optimize_loss`` with TF's optimizers. The variable and scope
names are TF 1.15's, written here from its source (cited per test)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
L = tf.contrib.layers
slim = tf.contrib.slim
RNG = np.random.default_rng(7)


def _names(variables):
    return [v.op.name for v in variables]


def _run_ours(build, feeds=None):
    with tf.Graph().as_default():
        out = build()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return sess.run(out, feeds)


def _run_tf(build):
    with real_tf.Graph().as_default():
        out = build()
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            return sess.run(out)


def _set(sess, var, value):
    sess.run(var.assign(value))


# --- fully_connected ---------------------------------------------------------------------------
# TF 1.15 contrib/layers/python/layers/layers.py: fully_connected opens
# variable_scope(scope, 'fully_connected') and renames the Dense layer's kernel/bias to
# weights/biases (_build_variable_getter({'bias': 'biases', 'kernel': 'weights'})).


def test_fully_connected_names_values_and_gradients():
    x = RNG.standard_normal((4, 5)).astype(np.float32)
    w = RNG.standard_normal((5, 3)).astype(np.float32)
    b = RNG.standard_normal(3).astype(np.float32)
    with tf.Graph().as_default():
        xt = tf.constant(x)
        y = L.fully_connected(xt, 3)
        y2 = L.fully_connected(y, 2, activation_fn=None)
        names = _names(tf.global_variables())
        model = _names(tf.get_collection(tf.GraphKeys.MODEL_VARIABLES))
        trainable = _names(tf.trainable_variables())
        (gx,) = tf.gradients(tf.reduce_sum(y), [xt])
        op_names = (y.op.name, y2.op.name)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            _set(sess, tf.global_variables()[0], w)
            _set(sess, tf.global_variables()[1], b)
            ours = sess.run([y, gx])
    assert names == [
        "fully_connected/weights",
        "fully_connected/biases",
        "fully_connected_1/weights",
        "fully_connected_1/biases",
    ]
    assert model == names and trainable == names
    assert op_names == ("fully_connected/Relu", "fully_connected_1/BiasAdd")

    def ref():
        xt = T.constant(x)
        y = T.nn.relu(T.nn.bias_add(T.matmul(xt, w), b))
        return [y, T.gradients(T.reduce_sum(y), [xt])[0]]

    theirs = _run_tf(ref)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5, atol=1e-6)


def test_fully_connected_rank3_scope_reuse_and_collections():
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    w = RNG.standard_normal((4, 6)).astype(np.float32)
    with tf.Graph().as_default():
        y = L.fully_connected(
            tf.constant(x),
            6,
            scope="fc",
            biases_initializer=None,
            weights_initializer=tf.constant_initializer(w),
            activation_fn=tf.tanh,
            variables_collections=["mine"],
            outputs_collections=["outs"],
        )
        y_again = L.fully_connected(
            tf.constant(x),
            6,
            scope="fc",
            reuse=True,
            biases_initializer=None,
            activation_fn=tf.tanh,
        )
        assert _names(tf.global_variables()) == ["fc/weights"]
        assert _names(tf.get_collection("mine")) == ["fc/weights"]
        assert tf.get_collection("outs") == [y] and y.aliases == ["fc"]
        assert y.shape.as_list() == [2, 3, 6]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            a, b = sess.run([y, y_again])
    expected = _run_tf(lambda: T.tanh(T.tensordot(T.constant(x), w, [[2], [0]])))
    np.testing.assert_allclose(a, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b, expected, rtol=1e-5, atol=1e-6)


def test_fully_connected_with_normalizer_has_no_biases():
    # TF 1.15: use_bias=not normalizer_fn and biases_initializer; batch_norm in
    # variable_scope 'BatchNorm' below the layer's scope; gamma only with scale=True
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 5])
        L.fully_connected(x, 3, normalizer_fn=L.batch_norm)
        L.fully_connected(x, 3, normalizer_fn=L.batch_norm, normalizer_params={"scale": True})
        assert _names(tf.global_variables()) == [
            "fully_connected/weights",
            "fully_connected/BatchNorm/beta",
            "fully_connected/BatchNorm/moving_mean",
            "fully_connected/BatchNorm/moving_variance",
            "fully_connected_1/weights",
            "fully_connected_1/BatchNorm/beta",
            "fully_connected_1/BatchNorm/gamma",
            "fully_connected_1/BatchNorm/moving_mean",
            "fully_connected_1/BatchNorm/moving_variance",
        ]
        assert "fully_connected/BatchNorm/moving_mean" not in _names(tf.trainable_variables())


@pytest.mark.bad_input
def test_fully_connected_bad_num_outputs_and_unknown_depth():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"num_outputs should be int or long, got 3\.0"):
            L.fully_connected(tf.zeros([2, 3]), 3.0)
        with pytest.raises(ValueError, match="last dimension of the inputs to `Dense`"):
            L.fully_connected(tf.placeholder(tf.float32, [2, None]), 3)


# --- conv2d, conv2d_transpose, pools -----------------------------------------------------------
# TF 1.15: convolution2d -> convolution(..., conv_dims=2) in variable_scope(scope, 'Conv');
# conv2d_transpose in 'Conv2d_transpose' with weights [kh, kw, num_outputs, in_channels];
# max_pool2d / avg_pool2d: name_scope 'MaxPool2D' / 'AvgPool2D', stride=2, padding='VALID'.


@pytest.mark.parametrize("stride,rate,padding", [(1, 1, "SAME"), (2, 1, "VALID"), (1, 2, "SAME")])
def test_conv2d_values_names(stride, rate, padding):
    x = RNG.standard_normal((2, 7, 7, 3)).astype(np.float32)
    w = RNG.standard_normal((3, 3, 3, 4)).astype(np.float32)
    b = RNG.standard_normal(4).astype(np.float32)
    with tf.Graph().as_default():
        xt = tf.constant(x)
        y = L.conv2d(
            xt,
            4,
            [3, 3],
            stride=stride,
            rate=rate,
            padding=padding,
            weights_initializer=tf.constant_initializer(w),
            biases_initializer=tf.constant_initializer(b),
        )
        L.conv2d(y, 2, 1)
        names = _names(tf.global_variables())
        (gx,) = tf.gradients(tf.reduce_sum(y * y), [xt])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = sess.run([y, gx])
    assert names == ["Conv/weights", "Conv/biases", "Conv_1/weights", "Conv_1/biases"]

    def ref():
        xt = T.constant(x)
        y = T.nn.relu(
            T.nn.bias_add(
                T.nn.conv2d(xt, w, [1, stride, stride, 1], padding, dilations=[1, rate, rate, 1]), b
            )
        )
        return [y, T.gradients(T.reduce_sum(y * y), [xt])[0]]

    theirs = _run_tf(ref)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_conv2d_transpose_values_names(padding):
    x = RNG.standard_normal((2, 4, 5, 3)).astype(np.float32)
    w = RNG.standard_normal((3, 3, 6, 3)).astype(np.float32)
    with tf.Graph().as_default():
        y = L.conv2d_transpose(
            tf.constant(x),
            6,
            3,
            stride=2,
            padding=padding,
            weights_initializer=tf.constant_initializer(w),
            activation_fn=None,
        )
        names = _names(tf.global_variables())
        static = y.shape.as_list()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = sess.run(y)
    assert names == ["Conv2d_transpose/weights", "Conv2d_transpose/biases"]
    out = [2, 8, 10, 6] if padding == "SAME" else [2, 9, 11, 6]
    assert static == out
    theirs = _run_tf(lambda: T.nn.conv2d_transpose(T.constant(x), w, out, [1, 2, 2, 1], padding))
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


def test_pools_defaults_and_names():
    x = RNG.standard_normal((2, 7, 6, 3)).astype(np.float32)
    with tf.Graph().as_default():
        m = L.max_pool2d(tf.constant(x), [3, 3])
        a = L.avg_pool2d(tf.constant(x), 2, stride=1, padding="SAME", scope="pool")
        assert (m.op.name, a.op.name) == ("MaxPool2D/MaxPool", "pool/AvgPool")
        ours = tf.Session().run([m, a])
    theirs = _run_tf(
        lambda: [
            T.nn.max_pool(T.constant(x), [1, 3, 3, 1], [1, 2, 2, 1], "VALID"),
            T.nn.avg_pool(T.constant(x), [1, 2, 2, 1], [1, 1, 1, 1], "SAME"),
        ]
    )
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-6)


# --- batch_norm --------------------------------------------------------------------------------
# TF 1.15: batch_norm(decay=0.999, center=True, scale=False, epsilon=0.001,
# updates_collections=UPDATE_OPS); rank 4 runs tf.layers' BatchNormalization(fused=True), rank 2
# _fused_batch_norm: both update the moving variance with FusedBatchNorm's Bessel-corrected
# batch variance.


def test_batch_norm_rank4_matches_tf_layers_over_steps():
    xs = [RNG.standard_normal((3, 4, 4, 2)).astype(np.float32) * 2 + 1 for _ in range(3)]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3, 4, 4, 2])
        y = L.batch_norm(x, decay=0.9, scale=True)
        names = _names(tf.global_variables())
        upd = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = [sess.run([y, *upd], {x: v})[0] for v in xs]
            ours_vars = sess.run(tf.global_variables())
    with real_tf.Graph().as_default():
        x = T.placeholder(T.float32, [3, 4, 4, 2])
        with warnings.catch_warnings():  # tf.layers is deprecated in TF 2.21
            warnings.simplefilter("ignore")
            y = T.layers.batch_normalization(
                x, momentum=0.9, epsilon=0.001, training=True, fused=True, name="BatchNorm"
            )
        tf_names = [v.op.name for v in T.global_variables()]
        upd = T.get_collection(T.GraphKeys.UPDATE_OPS)
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            theirs = [sess.run([y, *upd], {x: v})[0] for v in xs]
            theirs_vars = sess.run(T.global_variables())
    assert (
        names
        == tf_names
        == [
            "BatchNorm/gamma",
            "BatchNorm/beta",
            "BatchNorm/moving_mean",
            "BatchNorm/moving_variance",
        ]
    )
    for o, t in zip(ours + ours_vars, theirs + theirs_vars):
        np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("updates", ["collection", "in_place"])
def test_batch_norm_rank2_fused_semantics_tensor_is_training(updates):
    xs = [RNG.standard_normal((5, 3)).astype(np.float32) * 3 - 1 for _ in range(3)]
    decay = 0.8
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [5, 3])
        training = tf.placeholder(tf.bool, [])
        coll = tf.GraphKeys.UPDATE_OPS if updates == "collection" else None
        y = L.batch_norm(x, decay=decay, is_training=training, updates_collections=coll)
        upd = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        assert _names(tf.global_variables()) == [
            "BatchNorm/beta",
            "BatchNorm/moving_mean",
            "BatchNorm/moving_variance",
        ]
        assert len(upd) == (2 if coll else 0)
        mm, mv = tf.global_variables()[1:]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = []
            for v in xs:
                ours.append(sess.run([y, *upd], {x: v, training: True})[0])
            ours.append(sess.run([y, *upd], {x: xs[0], training: False})[0])
            ours += sess.run([mm, mv])
    # the oracle: TF's FusedBatchNorm on the [-1, 1, 1, C] reshape, moving averages by hand
    with real_tf.Graph().as_default():
        x = T.placeholder(T.float32, [5, 3])
        mean_in, var_in = T.placeholder(T.float32, [3]), T.placeholder(T.float32, [3])
        x4 = T.reshape(x, [-1, 1, 1, 3])
        train = T.nn.fused_batch_norm(x4, T.ones([3]), T.zeros([3]), epsilon=0.001)
        infer = T.nn.fused_batch_norm(
            x4, T.ones([3]), T.zeros([3]), mean_in, var_in, epsilon=0.001, is_training=False
        )
        with T.Session() as sess:
            m, v = np.zeros(3, np.float32), np.ones(3, np.float32)
            theirs = []
            for xv in xs:
                yv, bm, bv = sess.run(train, {x: xv})
                theirs.append(yv.reshape(5, 3))
                m, v = m - (m - bm) * (1 - decay), v - (v - bv) * (1 - decay)
            theirs.append(sess.run(infer[0], {x: xs[0], mean_in: m, var_in: v}).reshape(5, 3))
            theirs += [m, v]
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-5)


def test_batch_norm_not_training_uses_moving_stats_and_makes_no_updates():
    x = RNG.standard_normal((2, 3, 3, 2)).astype(np.float32)
    with tf.Graph().as_default():
        y = L.batch_norm(tf.constant(x), is_training=False, center=False, epsilon=0.01)
        assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
        assert _names(tf.global_variables()) == [
            "BatchNorm/moving_mean",
            "BatchNorm/moving_variance",
        ]
        ours = _run_session(y)
    np.testing.assert_allclose(ours, x / np.sqrt(1.01), rtol=1e-5)


def _run_session(t):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(t)


# --- dropout, flatten, one_hot_encoding, embed_sequence ---------------------------------------


def test_dropout_flatten_one_hot_embed_sequence():
    x = RNG.standard_normal((4, 3, 2)).astype(np.float32) + 5
    ids = np.array([[0, 2], [1, 1]], np.int32)
    with tf.Graph().as_default():
        off = L.dropout(tf.constant(x), is_training=False)
        on = L.dropout(tf.constant(x), keep_prob=0.5)
        flat = L.flatten(tf.placeholder(tf.float32, [None, 3, 2]))
        assert flat.shape.as_list() == [None, 6] and flat.op.name.startswith("Flatten/")
        oh = L.one_hot_encoding([0, 2, 1], 3)
        emb = L.embed_sequence(ids, vocab_size=3, embed_dim=4)  # TF 1.15 encoders.py
        assert _names(tf.global_variables()) == ["EmbedSequence/embeddings"]
        assert emb.shape.as_list() == [2, 2, 4]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            o_off, o_on, o_oh, o_emb, table = sess.run([off, on, oh, emb, tf.global_variables()[0]])
    np.testing.assert_array_equal(o_off, x)
    assert set(np.unique(np.round(o_on / x, 5))) <= {0.0, 2.0}
    np.testing.assert_array_equal(o_oh, _run_tf(lambda: T.one_hot([0, 2, 1], 3)))
    np.testing.assert_array_equal(o_emb, table[ids])


@pytest.mark.bad_input
def test_embed_sequence_errors():
    with tf.Graph().as_default(), pytest.raises(ValueError, match="Must specify vocab size"):
        L.embed_sequence([[1]], vocab_size=3)


# --- initializers ------------------------------------------------------------------------------
# TF 1.15 initializers.py: variance_scaling_initializer(factor=2.0, mode='FAN_IN',
# uniform=False) -> truncated_normal(stddev=sqrt(1.3 * factor / n)); xavier: factor=1.0,
# FAN_AVG, uniform -> uniform(+-sqrt(3 * factor / n)). (The random streams differ from TF's,
# so the distributions are compared.)


def test_initializers_distributions_match_tf():
    shape = [200, 300]
    with tf.Graph().as_default():
        he = L.variance_scaling_initializer()(shape)
        xav = L.xavier_initializer()(shape)
        conv = L.variance_scaling_initializer(mode="FAN_AVG", uniform=True)([3, 3, 16, 32])
        ours = tf.Session().run([he, xav, conv])
    theirs = _run_tf(
        lambda: [
            T.truncated_normal(shape, 0.0, np.sqrt(1.3 * 2.0 / 200)),
            T.random_uniform(shape, -np.sqrt(6.0 / 500), np.sqrt(6.0 / 500)),
        ]
    )
    for o, t in zip(ours[:2], theirs):
        assert abs(o.std() - t.std()) < 0.02 * t.std()
        assert abs(np.abs(o).max() - np.abs(t).max()) < 0.05 * np.abs(t).max()
    limit = np.sqrt(3.0 * 2.0 / ((9 * 16 + 9 * 32) / 2))  # fans times the 3x3 receptive field
    assert np.abs(ours[2]).max() <= limit and np.abs(ours[2]).max() > 0.95 * limit


@pytest.mark.bad_input
def test_initializer_errors():
    with pytest.raises(TypeError, match="Cannot create initializer for non-floating point type"):
        L.variance_scaling_initializer(dtype=tf.int32)
    with pytest.raises(TypeError, match="Unknown mode"):
        L.variance_scaling_initializer(mode="FAN_MAX")


# --- regularizers ------------------------------------------------------------------------------
# TF 1.15 regularizers.py: l2 = scale * nn.l2_loss(w) named name_scope(scope, 'l2_regularizer').


def test_regularizers_values_names_and_apply():
    w = RNG.standard_normal((3, 4)).astype(np.float32)
    with tf.Graph().as_default():
        wt = tf.constant(w)
        l1 = L.l1_regularizer(0.3)(wt)
        l2 = L.l2_regularizer(0.5)(wt)
        l12 = L.l1_l2_regularizer(0.3, 0.5)(wt)
        s = L.sum_regularizer([L.l2_regularizer(0.5), None, L.l1_regularizer(0.3)])(wt)
        assert L.l2_regularizer(0.0)(wt) is None
        assert L.sum_regularizer([None]) is None
        penalty = L.apply_regularization(L.l2_regularizer(0.5), [wt, wt])
        assert (l1.op.name, l2.op.name) == ("l1_regularizer", "l2_regularizer")
        assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == [penalty]
        assert penalty.op.name == "get_regularization_penalty"
        ours = tf.Session().run([l1, l2, l12, s, penalty])
    theirs = _run_tf(
        lambda: [
            0.3 * T.reduce_sum(T.abs(w)),
            0.5 * T.nn.l2_loss(w),
            0.3 * T.reduce_sum(T.abs(w)) + 0.5 * T.nn.l2_loss(w),
            0.3 * T.reduce_sum(T.abs(w)) + 0.5 * T.nn.l2_loss(w),
            2 * 0.5 * T.nn.l2_loss(w),
        ]
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)


def test_layer_regularizer_losses_named_as_tf_layers():
    # TF 1.15's layer classes add the loss under <scope>/kernel/Regularizer (the name the
    # layer gives the weight before contrib renames it)
    with tf.Graph().as_default():
        with slim.arg_scope(
            [slim.conv2d, slim.fully_connected], weights_regularizer=slim.l2_regularizer(0.1)
        ):
            net = slim.conv2d(tf.ones([1, 4, 4, 2]), 3, [3, 3], scope="conv1")
            slim.fully_connected(slim.flatten(net), 2, scope="fc")
            slim.conv2d(tf.ones([1, 4, 4, 2]), 3, [3, 3], scope="conv1", reuse=True)
        losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
        assert [t.op.name for t in losses] == [
            "conv1/kernel/Regularizer/l2_regularizer",
            "fc/kernel/Regularizer/l2_regularizer",
        ]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got, w = sess.run([losses[0], tf.global_variables()[0]])
    np.testing.assert_allclose(got, 0.1 * np.sum(w**2) / 2, rtol=1e-5)


@pytest.mark.bad_input
def test_regularizer_scale_errors():
    with pytest.raises(ValueError, match="scale cannot be an integer: 2"):
        L.l2_regularizer(2)
    with pytest.raises(ValueError, match=r"Setting a scale less than 0 on a regularizer: -0\.5"):
        L.l1_regularizer(-0.5)
    with tf.Graph().as_default(), pytest.raises(ValueError, match=r"No weights to regularize\."):
        L.apply_regularization(L.l2_regularizer(0.5))


# --- arg_scope, slim ---------------------------------------------------------------------------
# TF 1.15 contrib/framework/python/ops/arg_scope.py and contrib/layers layers.py (repeat, stack)


def test_arg_scope_defaults_overrides_nesting_and_reuse():
    with tf.Graph().as_default():
        with slim.arg_scope([slim.conv2d], padding="VALID", activation_fn=None) as sc:
            a = slim.conv2d(tf.ones([1, 5, 5, 1]), 2, 3)
            b = slim.conv2d(tf.ones([1, 5, 5, 1]), 2, 3, padding="SAME")
            with slim.arg_scope([slim.conv2d, slim.fully_connected], padding="SAME"):
                c = slim.conv2d(tf.ones([1, 5, 5, 1]), 2, 3)
        with slim.arg_scope(sc):
            d = slim.conv2d(tf.ones([1, 5, 5, 1]), 2, 3)
        e = slim.conv2d(tf.ones([1, 5, 5, 1]), 2, 3)
        shapes = [t.shape.as_list()[1] for t in (a, b, c, d, e)]
        assert shapes == [3, 5, 5, 3, 5]
        assert [t.op.name for t in (a, e)] == ["Conv/BiasAdd", "Conv_4/Relu"]
        key = tf.contrib.framework.arg_scope_func_key(slim.conv2d)
        assert sc[key] == {"padding": "VALID", "activation_fn": None}
        assert "padding" in tf.contrib.framework.arg_scoped_arguments(slim.conv2d)


@pytest.mark.bad_input
def test_arg_scope_errors():
    def plain(x, y=1):
        return x

    with (
        pytest.raises(ValueError, match="is not decorated with @add_arg_scope"),
        slim.arg_scope([plain], y=2),
    ):
        pass
    with (
        pytest.raises(TypeError, match="list_ops_or_scope must either be a list/tuple"),
        slim.arg_scope(plain, y=2),
    ):
        pass
    with pytest.raises(ValueError, match="kwargs must be empty"), slim.arg_scope({}, y=2):
        pass


def test_slim_repeat_stack_and_variable_queries():
    with tf.Graph().as_default():
        x = tf.ones([1, 6, 6, 2])
        net = slim.repeat(x, 2, slim.conv2d, 4, [3, 3], scope="conv1")
        net = slim.max_pool2d(net, [2, 2], scope="pool1")
        net = slim.stack(slim.flatten(net), slim.fully_connected, [8, (4,)], scope="fc")
        slim.repeat(x, 1, slim.conv2d, 4, 1)
        slim.model_variable("extra", shape=[2], initializer=tf.zeros_initializer())
        slim.variable("plain", shape=[1], collections=["mine"])
        names = _names(slim.get_model_variables())
        assert names == [
            "conv1/conv1_1/weights",
            "conv1/conv1_1/biases",
            "conv1/conv1_2/weights",
            "conv1/conv1_2/biases",
            "fc/fc_1/weights",
            "fc/fc_1/biases",
            "fc/fc_2/weights",
            "fc/fc_2/biases",
            "Repeat/convolution2d_1/weights",
            "Repeat/convolution2d_1/biases",
            "extra",
        ]
        assert _names(tf.get_collection("mine")) == ["plain"]
        assert "plain" not in _names(tf.global_variables())
        restore = _names(slim.get_variables_to_restore(exclude=["fc", "Repeat"]))
        assert restore == [*names[:4], "extra"]
        assert _names(slim.get_variables_to_restore(include=["fc/fc_2"])) == names[6:8]
        assert _names(slim.get_variables_by_name("biases")) == [n for n in names if "biases" in n]
        assert slim.get_unique_variable("extra").op.name == "extra"
        assert _names(slim.get_variables("conv1", suffix="weights")) == names[0:3:2]
        with pytest.raises(TypeError, match="exclude is provided but is not a list or a tuple"):
            slim.get_variables_to_restore(exclude="fc")
        assert slim.losses is tf.contrib.losses  # TF 1.15: slim imports tf.contrib.losses


# --- optimize_loss -----------------------------------------------------------------------------
# TF 1.15 optimizers.py: variable_scope(name, 'OptimizeLoss'); a float learning_rate becomes the
# variable OptimizeLoss/learning_rate; UPDATE_OPS run before the loss.


def _quadratic(mod, w0):
    w = mod.get_variable("w", initializer=mod.constant(w0))
    x = mod.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    return w, mod.reduce_sum(mod.square(mod.matmul(x, w) - 1.0))


@pytest.mark.parametrize("optimizer", ["SGD", "Adam", "Momentum", "Adagrad", "RMSProp", "Ftrl"])
def test_optimize_loss_matches_tf_optimizers(optimizer):
    w0 = RNG.standard_normal((3, 1)).astype(np.float32)
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        w, loss = _quadratic(tf, w0)
        train = L.optimize_loss(loss, step, 0.01, optimizer, clip_gradients=5.0)
        names = _names(tf.global_variables())
        summaries = [t.op.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = [sess.run(train) for _ in range(4)]
            ours = [*losses, sess.run(w), sess.run(step)]
    assert names[:3] == ["global_step", "w", "OptimizeLoss/learning_rate"]
    assert summaries == [
        "OptimizeLoss/global_norm/gradient_norm",
        "OptimizeLoss/loss",
        "OptimizeLoss/global_norm/clipped_gradient_norm",
    ]
    make = {
        "SGD": lambda: T.train.GradientDescentOptimizer(0.01),
        "Adam": lambda: T.train.AdamOptimizer(0.01),
        "Momentum": lambda: T.train.MomentumOptimizer(0.01, momentum=0.9),
        "Adagrad": lambda: T.train.AdagradOptimizer(0.01),
        "RMSProp": lambda: T.train.RMSPropOptimizer(0.01),
        "Ftrl": lambda: T.train.FtrlOptimizer(0.01),
    }[optimizer]
    with real_tf.Graph().as_default():
        step = T.train.get_or_create_global_step()
        w, loss = _quadratic(T, w0)
        grads, vs = zip(*make().compute_gradients(loss))
        grads, _ = T.clip_by_global_norm(grads, 5.0)
        apply = make_opt = make()
        op = make_opt.apply_gradients(zip(grads, vs), global_step=step)
        with T.control_dependencies([op]):
            train = T.identity(loss)
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            theirs = [sess.run(train) for _ in range(4)] + [sess.run(w), sess.run(step)]
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-6)
    del apply


def test_optimize_loss_runs_update_ops_first():
    with tf.Graph().as_default():
        x = tf.constant(RNG.standard_normal((4, 3)).astype(np.float32))
        y = L.batch_norm(x, decay=0.5)
        loss = tf.reduce_mean(tf.square(L.fully_connected(y, 1, activation_fn=None)))
        train = L.optimize_loss(
            loss, None, 0.1, tf.train.GradientDescentOptimizer, summaries=["loss", "gradients"]
        )
        mm = tf.get_default_graph().get_tensor_by_name("BatchNorm/moving_mean:0")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
            assert np.abs(sess.run(mm)).sum() > 0


@pytest.mark.bad_input
def test_optimize_loss_errors():
    with tf.Graph().as_default():
        _, loss = _quadratic(tf, np.ones((3, 1), np.float32))
        with pytest.raises(ValueError, match="Optimizer name should be one of"):
            L.optimize_loss(loss, None, 0.1, "Nesterov")
        with pytest.raises(ValueError, match="Learning rate is None, but should be specified"):
            L.optimize_loss(loss, None, None, "SGD")
        with pytest.raises(ValueError, match="Summaries should be one of"):
            L.optimize_loss(loss, None, 0.1, "SGD", summaries=["weights"])
        with pytest.raises(ValueError, match="Learning rate should be 0d Tensor or float"):
            L.optimize_loss(loss, None, 1, "SGD")


# --- summaries ---------------------------------------------------------------------------------


def test_summarize_tensor_activation_collection():
    with tf.Graph().as_default():
        s = L.summarize_tensor(tf.constant(1.0, name="c"))
        h = L.summarize_tensor(tf.constant([1.0, 2.0], name="v"))
        act = tf.nn.relu(tf.constant([-1.0, 2.0]), name="act")
        L.summarize_activation(act)
        tf.add_to_collection("acts", act)
        L.summarize_collection("acts")
        tags = [t.op.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)]
        assert (s.op.type, h.op.type) == ("ScalarSummary", "HistogramSummary")
        assert tags == ["c_summary", "v_summary", "act/zeros", "act/activation", "act_summary"]
        zeros = tf.get_collection(tf.GraphKeys.SUMMARIES)[2]
        value = tf.Summary.FromString(tf.Session().run(zeros)).value[0]
        assert (value.tag, value.simple_value) == ("act/zeros", 0.5)


# --- layer_norm, unit_norm, bias_add, softmax -------------------------------------------------
# TF 1.15 layers.py: layer_norm in variable_scope 'LayerNorm' (beta, gamma over
# shape[begin_params_axis:], moments over axes from begin_norm_axis, epsilon 1e-12);
# bias_add: 'BiasAdd/biases'; softmax over the last axis; unit_norm: x / sqrt(eps + sum(x^2)).


def test_layer_norm_unit_norm_bias_add_softmax():
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32) * 3 + 1
    with tf.Graph().as_default():
        xt = tf.constant(x)
        ln = L.layer_norm(xt)
        ln2 = L.layer_norm(xt, begin_norm_axis=-1, center=False)
        ba = L.bias_add(xt, initializer=tf.constant_initializer(0.5), activation_fn=tf.nn.relu)
        sm = L.softmax(xt)
        un = L.unit_norm(xt, 1)
        assert _names(tf.global_variables()) == [
            "LayerNorm/beta",
            "LayerNorm/gamma",
            "LayerNorm_1/gamma",
            "BiasAdd/biases",
        ]
        assert tf.global_variables()[0].shape.as_list() == [4]
        (g,) = tf.gradients(tf.reduce_sum(ln * ln * xt), [xt])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = sess.run([ln, ln2, ba, sm, un, g])

    def ref():
        xt = T.constant(x)
        m, v = T.nn.moments(xt, [1, 2], keep_dims=True)
        ln = T.nn.batch_normalization(xt, m, v, T.zeros([4]), T.ones([4]), 1e-12)
        m2, v2 = T.nn.moments(xt, [2], keep_dims=True)
        ln2 = T.nn.batch_normalization(xt, m2, v2, None, T.ones([4]), 1e-12)
        return [
            ln,
            ln2,
            T.nn.relu(xt + 0.5),
            T.nn.softmax(xt),
            xt / T.sqrt(1e-7 + T.reduce_sum(T.square(xt), 1, keepdims=True)),
            T.gradients(T.reduce_sum(ln * ln * xt), [xt])[0],
        ]

    for o, t in zip(ours, _run_tf(ref)):
        np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-5)


@pytest.mark.bad_input
def test_layer_norm_and_bias_add_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"must be < rank\(inputs\) \(2\)"):
            L.layer_norm(tf.zeros([2, 3]), begin_norm_axis=2)
        with pytest.raises(ValueError, match="is not fully defined"):
            L.layer_norm(tf.placeholder(tf.float32, [2, None]))
        with pytest.raises(ValueError, match="Data format NCHW only supports 4D Tensor"):
            L.bias_add(tf.zeros([2, 3]), data_format="NCHW")
        with pytest.raises(ValueError, match="dim must be positive but smaller"):
            L.unit_norm(tf.zeros([2, 3]), 2)


# --- separable_conv2d --------------------------------------------------------------------------
# TF 1.15 layers.py separable_convolution2d: variable_scope 'SeparableConv2d', the layer's
# depthwise_kernel/pointwise_kernel renamed depthwise_weights/pointwise_weights; num_outputs=None
# runs the depthwise convolution alone.


@pytest.mark.parametrize("num_outputs", [5, None])
def test_separable_conv2d_values_names(num_outputs):
    x = RNG.standard_normal((2, 6, 6, 3)).astype(np.float32)
    dw = RNG.standard_normal((3, 3, 3, 2)).astype(np.float32)
    pw = RNG.standard_normal((1, 1, 6, 5)).astype(np.float32)
    with tf.Graph().as_default():
        xt = tf.constant(x)
        y = L.separable_conv2d(
            xt,
            num_outputs,
            3,
            depth_multiplier=2,
            stride=2,
            weights_initializer=tf.constant_initializer(dw),
            pointwise_initializer=tf.constant_initializer(pw),
            biases_initializer=tf.constant_initializer(0.25),
        )
        names = _names(tf.global_variables())
        (g,) = tf.gradients(tf.reduce_sum(y), [xt])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = sess.run([y, g])
    expected = ["SeparableConv2d/depthwise_weights", "SeparableConv2d/biases"]
    if num_outputs:
        expected.insert(1, "SeparableConv2d/pointwise_weights")
    assert names == expected

    def ref():
        xt = T.constant(x)
        if num_outputs:
            y = T.nn.separable_conv2d(xt, dw, pw, [1, 2, 2, 1], "SAME")
        else:
            y = T.nn.depthwise_conv2d(xt, dw, [1, 2, 2, 1], "SAME")
        y = T.nn.relu(y + 0.25)
        return [y, T.gradients(T.reduce_sum(y), [xt])[0]]

    for o, t in zip(ours, _run_tf(ref)):
        np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-4)


# TF 1.15 layers.py: convolution1d/convolution3d call convolution(..., conv_dims=1/3), also in
# variable_scope 'Conv'; weights [*kernel_size, in, out]
def test_conv1d_conv3d_values_names():
    x1 = RNG.standard_normal((2, 9, 3)).astype(np.float32)
    w1 = RNG.standard_normal((3, 3, 4)).astype(np.float32)
    x3 = RNG.standard_normal((1, 4, 5, 5, 2)).astype(np.float32)
    w3 = RNG.standard_normal((2, 3, 3, 2, 3)).astype(np.float32)
    with tf.Graph().as_default():
        y1 = L.conv1d(
            tf.constant(x1), 4, 3, stride=2, weights_initializer=tf.constant_initializer(w1)
        )
        y3 = L.conv3d(
            tf.constant(x3),
            3,
            [2, 3, 3],
            padding="VALID",
            activation_fn=None,
            weights_initializer=tf.constant_initializer(w3),
        )
        shapes = [(v.op.name, v.shape.as_list()) for v in tf.global_variables()]
        with pytest.raises(ValueError, match="Convolution expects input with rank 5, got 3"):
            L.conv3d(tf.constant(x1), 3, 2)
        ours = _run_session([y1, y3])
    assert shapes == [
        ("Conv/weights", [3, 3, 4]),
        ("Conv/biases", [4]),
        ("Conv_1/weights", [2, 3, 3, 2, 3]),
        ("Conv_1/biases", [3]),
    ]
    theirs = _run_tf(
        lambda: [
            T.nn.relu(T.nn.conv1d(T.constant(x1), w1, 2, "SAME")),
            T.nn.conv3d(T.constant(x3), w3, [1, 1, 1, 1, 1], "VALID"),
        ]
    )
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-4)


def test_batch_norm_unfused_and_nchw():
    # fused=False: tf.layers' BatchNormalization(fused=False), whose moving variance takes the
    # biased batch variance; NCHW normalises over dimension 1
    xs = [RNG.standard_normal((4, 3, 3, 2)).astype(np.float32) for _ in range(2)]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [4, 3, 3, 2])
        y = L.batch_norm(x, decay=0.7, fused=False, scale=True)
        y_nchw = L.batch_norm(tf.transpose(x, [0, 3, 1, 2]), decay=0.7, data_format="NCHW")
        upd = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = [sess.run([y, y_nchw, *upd], {x: v})[:2] for v in xs]
            ours_vars = sess.run(tf.global_variables())
    with real_tf.Graph().as_default():
        x = T.placeholder(T.float32, [4, 3, 3, 2])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = T.layers.batch_normalization(
                x, momentum=0.7, epsilon=0.001, training=True, fused=False, name="BatchNorm"
            )
            y2 = T.layers.batch_normalization(
                x,
                momentum=0.7,
                epsilon=0.001,
                training=True,
                fused=True,
                center=True,
                scale=False,
                name="BatchNorm_1",
            )
        upd = T.get_collection(T.GraphKeys.UPDATE_OPS)
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            theirs = [sess.run([y, y2, *upd], {x: v})[:2] for v in xs]
            theirs_vars = sess.run(T.global_variables())
    for (o, o_nchw), (t, t2) in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(np.transpose(o_nchw, [0, 2, 3, 1]), t2, rtol=1e-4, atol=1e-5)
    for o, t in zip(ours_vars, theirs_vars):
        np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-5)


def test_optimize_loss_decay_fn_tensor_lr_and_multipliers():
    w0 = RNG.standard_normal((3, 1)).astype(np.float32)

    def decay(lr, step):
        return lr * 0.5 ** tf.cast(step, tf.float32)

    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        w, loss = _quadratic(tf, w0)
        train = L.optimize_loss(
            loss,
            step,
            0.02,
            "SGD",
            learning_rate_decay_fn=decay,
            gradient_multipliers={w: 0.5},
            summaries=["learning_rate", "gradient_norm"],
        )
        tags = [t.op.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = [sess.run(train) for _ in range(3)] + [sess.run(w)]
    assert tags == [  # (the variable OptimizeLoss/learning_rate holds the plain name)
        "OptimizeLoss/learning_rate_1",
        "OptimizeLoss/global_norm/gradient_norm",
        "OptimizeLoss/gradient_norm/w_0",
    ]
    with real_tf.Graph().as_default():
        step = T.train.get_or_create_global_step()
        w, loss = _quadratic(T, w0)
        lr = 0.02 * 0.5 ** T.cast(step, T.float32)
        (g,) = T.gradients(loss, [w])
        update = T.train.GradientDescentOptimizer(lr).apply_gradients([(g * 0.5, w)], step)
        with T.control_dependencies([update]):
            train = T.identity(loss)
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            theirs = [sess.run(train) for _ in range(3)] + [sess.run(w)]
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-5, atol=1e-6)


def test_pool3d_defaults_and_names():
    x = RNG.standard_normal((1, 5, 6, 7, 2)).astype(np.float32)
    with tf.Graph().as_default():
        m = L.max_pool3d(tf.constant(x), 2)
        a = L.avg_pool3d(tf.constant(x), [3, 2, 2], stride=1, padding="SAME")
        assert m.op.name.startswith("MaxPool3D/") and a.op.name.startswith("AvgPool3D/")
        ours = tf.Session().run([m, a])
    theirs = _run_tf(
        lambda: [
            T.nn.max_pool3d(T.constant(x), [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID"),
            T.nn.avg_pool3d(T.constant(x), [1, 3, 2, 2, 1], [1, 1, 1, 1, 1], "SAME"),
        ]
    )
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-5, atol=1e-6)


def test_dense_to_sparse_and_scale_gradient():
    # TF 1.15 layers.py: dense_to_sparse keeps the elements != eos_token; scale_gradient is the
    # identity whose gradient is multiplied
    dense = np.array([[1, 0, 3], [0, 0, 2]], np.int32)
    x = np.array([1.0, -2.0], np.float32)
    with tf.Graph().as_default():
        sp = L.dense_to_sparse(tf.constant(dense))
        sp2 = L.dense_to_sparse(tf.constant(dense), eos_token=3)
        xt = tf.constant(x)
        z = L.scale_gradient(xt, 0.25)
        (g,) = tf.gradients(tf.reduce_sum(z * z), [xt])
        ours = tf.Session().run([sp.indices, sp.values, sp.dense_shape, sp2.values, z, g])
    with real_tf.Graph().as_default():
        s = real_tf.sparse.from_dense(dense)
        keep = T.not_equal(dense, 3)
        theirs = T.Session().run(
            [s.indices, s.values, s.dense_shape, T.boolean_mask(dense, keep), T.constant(x)]
        )
    for o, t in zip(ours[:5], theirs):
        np.testing.assert_array_equal(o, t)
    np.testing.assert_allclose(ours[5], 2 * x * 0.25)
