"""Plan-level fusion of a convolution with its bias and activation (conv_fusion.py): a chain
Conv2D / DepthwiseConv2dNative -> BiasAdd [-> Relu [-> relu6's Minimum]] runs as one step. It
must change nothing but speed: values against NumPy, NaN kept, and no fusion where an
intermediate tensor is fetched or read elsewhere."""

import numpy as np
import pytest
from test_fusion import _kernels

import tflite_core as tf
from tflite_core.client.config_options import RewriterConfig

# the convolutions here read constants: constant folding (on by default) would compute them
# once when the plan compiles, leaving no steps to look at
_UNFOLDED = tf.ConfigProto()
_UNFOLDED.graph_options.rewrite_options.constant_folding = RewriterConfig.OFF


def _np_conv_same(x, f, depthwise=False):
    """SAME 3x3 (or 1x1) stride-1 convolution in float64."""
    k = f.shape[0]
    p = k // 2
    xp = np.pad(x.astype(np.float64), ((0, 0), (p, p), (p, p), (0, 0)))
    _n, h, w, _c = x.shape
    out = 0.0
    for a in range(k):
        for b in range(k):
            tap = xp[:, a : a + h, b : b + w]
            out = out + (tap * f[a, b, :, 0] if depthwise else tap @ f[a, b].astype(np.float64))
    return out


def _data(seed, c=3, o=4, depthwise=False):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 6, 5, c)).astype(np.float32) * 3
    f = rng.standard_normal((3, 3, c, 1 if depthwise else o)).astype(np.float32)
    b = rng.standard_normal(c if depthwise else o).astype(np.float32)
    return x, f, b


@pytest.mark.parametrize("backend", ["onednn", "reference"])
@pytest.mark.parametrize("act", ["none", "relu", "relu6"])
@pytest.mark.parametrize("depthwise", [False, True])
def test_fused_chain_equals_numpy(g, backend, act, depthwise):
    x, f, b = _data(0, depthwise=depthwise)
    x[0, 2, 2, 0] = np.nan  # NaN stays NaN through the fused activation, as through Relu
    xt = tf.placeholder(tf.float32, x.shape)
    conv = tf.nn.depthwise_conv2d if depthwise else tf.nn.conv2d
    y = tf.nn.bias_add(conv(xt, tf.constant(f), [1, 1, 1, 1], "SAME"), tf.constant(b))
    y = {"none": y, "relu": tf.nn.relu(y), "relu6": tf.nn.relu6(y)}[act]
    want = _np_conv_same(x, f, depthwise) + b
    if act != "none":
        want = np.where(np.isnan(want), want, np.clip(want, 0, 6 if act == "relu6" else np.inf))
    saved = tf.get_conv_backend()
    tf.set_conv_backend(backend)
    try:
        with tf.Session(config=_UNFOLDED) as sess:
            got = sess.run(y, {xt: x})
            kernels = _kernels(sess, y)
    finally:
        tf.set_conv_backend(saved)
    fused = "depthwise_conv2d_bias_act" if depthwise else "conv2d_bias_act"
    assert kernels == [fused]
    assert np.isnan(got).sum() == np.isnan(want).sum() > 0
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_bias_first_and_float64(g):
    x, f, b = (a.astype(np.float64) for a in _data(1))
    y = tf.nn.relu(tf.constant(b) + tf.nn.conv2d(tf.constant(x), tf.constant(f), [1] * 4, "SAME"))
    with tf.Session(config=_UNFOLDED) as sess:
        np.testing.assert_allclose(sess.run(y), np.maximum(_np_conv_same(x, f) + b, 0), rtol=1e-12)
        assert _kernels(sess, y) == ["conv2d_bias_act"]


def test_intermediates_fetched_or_shared_are_not_fused(g):
    x, f, b = _data(2)
    conv = tf.nn.conv2d(tf.constant(x), tf.constant(f), [1] * 4, "SAME")
    pre = tf.nn.bias_add(conv, tf.constant(b))
    act = tf.nn.relu6(pre)
    other = tf.reduce_sum(conv)  # a second reader of the convolution's output
    want_conv = _np_conv_same(x, f)
    with tf.Session(config=_UNFOLDED) as sess:
        got_pre, got_act = sess.run([pre, act])
        # pre is fetched: conv + bias fuse, the activation runs in a step of its own
        # (relu6's Relu and Minimum run as one elementwise step)
        assert _kernels(sess, [pre, act]) == ["conv2d_bias_act", "fused_elementwise"]
        np.testing.assert_allclose(got_pre, want_conv + b, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got_act, np.clip(want_conv + b, 0, 6), rtol=1e-5, atol=1e-5)
        got_act, got_other = sess.run([act, other])
        assert _kernels(sess, [act, other])[0] == "conv2d"
        assert "conv2d_bias_act" not in _kernels(sess, [act, other])
        np.testing.assert_allclose(got_act, np.clip(want_conv + b, 0, 6), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got_other, want_conv.sum(), rtol=1e-5)


def test_bias_that_broadcasts_further_is_not_fused(g):
    x, f, _ = _data(3)
    conv = tf.nn.conv2d(tf.constant(x), tf.constant(f), [1] * 4, "SAME")
    y = conv + tf.constant(np.arange(4, dtype=np.float32).reshape(1, 1, 1, 4))  # not 1-D
    z = conv + tf.constant(np.float32(2.0))  # a scalar: Add, but not a bias
    with tf.Session(config=_UNFOLDED) as sess:
        np.testing.assert_allclose(sess.run(y), _np_conv_same(x, f) + np.arange(4), rtol=1e-5,
                                   atol=1e-5)  # fmt: skip
        assert _kernels(sess, y) == ["conv2d", "add"]
        np.testing.assert_allclose(sess.run(z), _np_conv_same(x, f) + 2, rtol=1e-5, atol=1e-5)
        assert _kernels(sess, z) == ["conv2d", "add"]


def test_training_gradients_unchanged(g):
    """In a training graph the activations' outputs feed their gradients, so only what is safe
    fuses; the gradients equal the unfused graph's (the intermediates fetched)."""
    x, f0, b0 = _data(4)
    f, b = tf.Variable(f0), tf.Variable(b0)
    pre = tf.nn.bias_add(tf.nn.conv2d(tf.constant(x), f, [1] * 4, "SAME"), b)
    loss = tf.reduce_sum(tf.square(tf.nn.relu6(pre)))
    grads = tf.gradients(loss, [f, b])
    with tf.Session(config=_UNFOLDED) as sess:
        sess.run(tf.global_variables_initializer())
        fast = sess.run(grads)
        slow = sess.run([*grads, pre])[:2]  # pre fetched: nothing fuses past the convolution
    for a, w in zip(fast, slow):
        np.testing.assert_allclose(a, w, rtol=1e-6, atol=1e-6)
    pre_np = _np_conv_same(x, f0) + b0
    act = np.clip(pre_np, 0, 6)
    dpre = 2 * act * ((pre_np > 0) & (pre_np < 6))
    np.testing.assert_allclose(fast[1], dpre.sum((0, 1, 2)), rtol=1e-4, atol=1e-4)
