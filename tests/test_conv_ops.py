"""Convolution and pooling beyond the op table: graph-build errors in TF's words, GraphDef
attributes, agreement with real TensorFlow (values, gradients, ties in max pooling, GraphDefs run
by TF), the oneDNN and reference backends against each other, and a small CNN trained by SGD.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf  # required: CI installs tensorflow-cpu==2.21.0 (the test extra)
from hypothesis import given
from hypothesis import strategies as st

import tflite_core as tf
from tflite_core import _core

tf1 = real_tf.compat.v1


# ---- graph-build errors --------------------------------------------------------------------------
def _x(shape=(1, 4, 4, 1)):
    return tf.placeholder(tf.float32, list(shape))


ERRORS = [
    (
        lambda: tf.nn.conv2d(_x(), tf.zeros([5, 5, 1, 1]), [1, 1, 1, 1], "VALID"),
        r"\[Conv2D\] Negative dimension size caused by subtracting 5 from 4 for 'Conv2D' "
        r"\(op: 'Conv2D'\) with input shapes: \[1,4,4,1\], \[5,5,1,1\]\.",
    ),
    (  # dilation 2 makes a 3-wide filter span 5
        lambda: tf.nn.conv2d(_x(), tf.zeros([3, 3, 1, 1]), 1, "VALID", dilations=2),
        r"subtracting 5 from 4 .* \[1,4,4,1\], \[3,3,1,1\]",
    ),
    (
        lambda: tf.nn.conv2d(_x((1, 4, 4, 3)), tf.zeros([3, 3, 2, 1]), 1, "SAME"),
        r"\[Conv2D\] Dimensions must be equal, but are 3 and 2 .* \[1,4,4,3\], \[3,3,2,1\]",
    ),
    (
        lambda: tf.nn.conv2d(_x((4, 4, 1)), tf.zeros([3, 3, 1, 1]), 1, "SAME"),
        r"\[Conv2D\] Shape must be rank 4 but is rank 3 .* \[4,4,1\], \[3,3,1,1\]",
    ),
    (
        lambda: tf.nn.conv2d(_x(), tf.zeros([3, 3, 1]), 1, "SAME"),
        r"\[Conv2D\] Shape must be rank 4 but is rank 3 .* \[1,4,4,1\], \[3,3,1\]",
    ),
    (
        lambda: tf.nn.conv2d(_x(), tf.zeros([3, 3, 1, 1]), [1, 1, 1], "SAME"),
        r"\[Conv2D\] strides should be of length 1, 2 or 4 but was 3 .* \[1,4,4,1\], \[3,3,1,1\]",
    ),
    (
        lambda: tf.nn.conv2d(_x(), tf.zeros([3, 3, 1, 1]), [2, 1, 1, 1], "SAME"),
        r"strides in the batch and depth dimensions must be 1",
    ),
    (
        lambda: tf.nn.conv2d(_x(), tf.zeros([3, 3, 1, 1]), 1, "FOO"),
        r"\[Conv2D\] padding must be 'SAME' or 'VALID', got 'FOO' .* \[1,4,4,1\], \[3,3,1,1\]",
    ),
    (
        lambda: tf.nn.conv2d(_x(), tf.zeros([3, 3, 1, 1]), 1, "SAME", data_format="NCHW"),
        r"\[Conv2D\] data_format 'NCHW' is not supported: only NHWC",
    ),
    (
        lambda: tf.nn.max_pool(_x(), [1, 5, 5, 1], [1, 1, 1, 1], "VALID"),
        r"\[MaxPool\] Negative dimension size caused by subtracting 5 from 4 .* \[1,4,4,1\]\.",
    ),
    (
        lambda: tf.nn.avg_pool(_x(), [1, 2, 2], [1, 1, 1, 1], "VALID"),
        r"\[AvgPool\] ksize should be of length 1, 2 or 4 but was 3",
    ),
    (
        lambda: tf.nn.depthwise_conv2d(_x((1, 4, 4, 2)), tf.zeros([5, 1, 2, 1]), [1] * 4, "VALID"),
        r"\[DepthwiseConv2dNative\] Negative dimension size caused by subtracting 5 from 4",
    ),
    (
        lambda: tf.nn.depthwise_conv2d(_x(), tf.zeros([3, 3, 1, 1]), [1, 2, 2, 1], "SAME", rate=2),
        r"strides > 1 not supported in conjunction with dilation_rate > 1",
    ),
    (
        lambda: tf.nn.conv2d_backprop_input(
            [1, 4, 4, 1], tf.zeros([3, 3, 1, 2]), tf.zeros([1, 3, 3, 2]), 1, "SAME"
        ),
        r"\[Conv2DBackpropInput\] out_backprop has shape \[1,3,3,2\], but the forward "
        r"convolution gives \[1,4,4,2\]",
    ),
]


@pytest.mark.bad_input
@pytest.mark.parametrize("build, message", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_bad_input_raises_value_error_at_graph_build(g, build, message):
    before = len(g.get_operations())
    with pytest.raises(ValueError, match=message):
        build()
    assert not [op for op in g.get_operations()[before:] if op.type in ("Conv2D", "MaxPool")]


@pytest.mark.bad_input
def test_int64_input_is_a_type_error(g):  # (TF's Conv2D allows int32, not int64)
    with pytest.raises(TypeError, match="Conv2D"):
        tf.nn.conv2d(tf.zeros([1, 4, 4, 1], tf.int64), tf.zeros([3, 3, 1, 1], tf.int64), 1, "SAME")


def test_filters_keyword_and_int_strides(g):
    x = np.random.default_rng(0).normal(size=(1, 5, 5, 2)).astype(np.float32)
    f = np.random.default_rng(1).normal(size=(3, 3, 2, 4)).astype(np.float32)
    a = tf.nn.conv2d(x, filters=f, strides=2, padding="SAME")
    b = tf.nn.conv2d(x, f, [1, 2, 2, 1], "SAME")
    assert a.shape.as_list() == [1, 3, 3, 4]
    with tf.Session() as sess:
        va, vb = sess.run([a, b])
    np.testing.assert_array_equal(va, vb)


# ---- GraphDef ------------------------------------------------------------------------------------
def test_graph_def_has_tf_attributes(g):
    x = tf.placeholder(tf.float32, [None, 8, 8, 3], name="x")
    y = tf.nn.conv2d(x, tf.zeros([3, 3, 3, 4]), [1, 2, 2, 1], "SAME", dilations=[1, 1, 1, 1])
    tf.nn.max_pool(y, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    tf.gradients(tf.reduce_sum(y), x)
    nodes = {n.name: n for n in g.as_graph_def().node}
    conv = nodes["Conv2D"]
    assert conv.op == "Conv2D"
    assert list(conv.attr["strides"].list.i) == [1, 2, 2, 1]
    assert list(conv.attr["dilations"].list.i) == [1, 1, 1, 1]
    assert conv.attr["padding"].s == b"SAME" and conv.attr["data_format"].s == b"NHWC"
    assert conv.attr["T"].type == tf.float32.as_datatype_enum
    pool = nodes["MaxPool"]
    assert list(pool.attr["ksize"].list.i) == [1, 2, 2, 1] and pool.attr["padding"].s == b"VALID"
    bwd = nodes["gradients/Conv2D_grad/Conv2DBackpropInput"]
    assert bwd.op == "Conv2DBackpropInput"
    assert bwd.attr["T"].type == tf.float32.as_datatype_enum  # not the int32 of input_sizes


def _cnn(tfm, x, f1, f2):
    """conv -> relu -> max pool -> depthwise -> avg pool, and gradients of a weighted sum."""
    h = tfm.nn.relu(tfm.nn.conv2d(x, f1, [1, 1, 1, 1], "SAME"))
    p = tfm.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    d = tfm.nn.depthwise_conv2d(p, f2, [1, 2, 2, 1], "SAME")  # TF: equal strides only
    out = tfm.nn.avg_pool(d, [1, 3, 2, 1], [1, 1, 2, 1], "SAME")
    w = np.linspace(-1, 1, num=int(np.prod(out.shape.as_list()))).reshape(out.shape.as_list())
    return [out, *tfm.gradients(out, [x, f1, f2], grad_ys=tfm.constant(w.astype(np.float32)))]


def _run_tf(build, feeds):
    with tf1.Graph().as_default() as graph:
        fetch = build(tf1)
        with tf1.Session(graph=graph) as sess:
            return sess.run(fetch, {graph.get_tensor_by_name(k): v for k, v in feeds.items()})


def test_cnn_values_and_gradients_match_tensorflow():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 9, 8, 3)).astype(np.float32)
    f1 = rng.normal(size=(3, 4, 3, 5)).astype(np.float32)
    f2 = rng.normal(size=(2, 3, 5, 2)).astype(np.float32)

    def build(tfm):
        ph = tfm.placeholder(tfm.float32, [2, 9, 8, 3], name="x")
        return _cnn(tfm, ph, tfm.constant(f1), tfm.constant(f2))

    with tf.Graph().as_default():
        fetch = build(tf)
        with tf.Session() as sess:
            ours = sess.run(fetch, {"x:0": x})
    theirs = _run_tf(build, {"x:0": x})
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4 * np.abs(b).max())


def test_max_pool_gradient_ties_follow_tensorflow():
    """Windows full of equal values: TF (and we) send the gradient to the first maximum."""
    x = np.array([[1, 3, 3, 0], [3, 1, 2, 2], [0, 0, 5, 5], [0, 0, 5, 5]], np.float32)
    x = x.reshape(1, 4, 4, 1)

    def build(tfm):
        ph = tfm.placeholder(tfm.float32, [1, 4, 4, 1], name="x")
        outs = []
        for ksize, strides, pad in (([1, 2, 2, 1], [1, 2, 2, 1], "VALID"), (3, 1, "SAME")):
            y = tfm.nn.max_pool(ph, ksize, strides, pad)
            outs.append(tfm.gradients(y, ph, grad_ys=tfm.ones_like(y) * 2.0)[0])
        return outs

    with tf.Graph().as_default():
        fetch = build(tf)
        with tf.Session() as sess:
            ours = sess.run(fetch, {"x:0": x})
    theirs = _run_tf(build, {"x:0": x})
    # VALID 2x2 windows, stride 2: [[1,3],[3,1]] -> (0,1); [[3,0],[2,2]] -> (0,2);
    # [[0,0],[0,0]] -> (2,0); [[5,5],[5,5]] -> (2,2)
    first = np.zeros((4, 4), np.float32)
    first[0, 1] = first[0, 2] = first[2, 0] = first[2, 2] = 2.0
    np.testing.assert_array_equal(ours[0][0, :, :, 0], first)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_tensorflow_runs_our_graph_def():
    """TF imports our GraphDef (conv, pooling and their gradient ops) and computes our values."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 7, 6, 3)).astype(np.float32)
    f1 = rng.normal(size=(2, 2, 3, 5)).astype(np.float32)
    f2 = rng.normal(size=(3, 3, 5, 1)).astype(np.float32)
    with tf.Graph().as_default() as g:
        ph = tf.placeholder(tf.float32, [2, 7, 6, 3], name="x")
        fetch = _cnn(tf, ph, tf.constant(f1), tf.constant(f2))
        names = [t.name for t in fetch]
        with tf.Session() as sess:
            ours = sess.run(fetch, {ph: x})
        gd = g.as_graph_def().SerializeToString()
    with tf1.Graph().as_default() as graph:
        graph_def = tf1.GraphDef()
        graph_def.ParseFromString(gd)
        tf1.import_graph_def(graph_def, name="")
        types = {op.type for op in graph.get_operations()}
        assert {"Conv2DBackpropInput", "Conv2DBackpropFilter", "MaxPoolGrad"} <= types
        assert {"DepthwiseConv2dNativeBackpropFilter", "AvgPoolGrad"} <= types
        with tf1.Session(graph=graph) as sess:
            theirs = sess.run(names, {"x:0": x})
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4 * np.abs(b).max())


# ---- the two backends ----------------------------------------------------------------------------
@pytest.fixture
def backend_restored():
    before = _core.conv_backend()
    yield
    _core.set_conv_backend(before)


@pytest.mark.bad_input
def test_backend_switch(backend_restored):
    with pytest.raises(_core.KernelError, match="unknown backend 'cudnn'"):
        _core.set_conv_backend("cudnn")
    _core.set_conv_backend("reference")
    assert _core.conv_backend() == "reference"
    if _core.matmul_backend() == "onednn":
        _core.set_conv_backend("onednn")
        assert _core.conv_backend() == "onednn"
    else:  # the OpenBLAS build has only the reference backend
        with pytest.raises(_core.KernelError, match="no oneDNN backend"):
            _core.set_conv_backend("onednn")


@pytest.mark.bad_input
@given(data=st.data())
def test_onednn_and_reference_agree(data):
    """Random conv/depthwise/pool networks: outputs and gradients of both backends within 1e-5."""
    if _core.matmul_backend() != "onednn":
        with pytest.raises(_core.KernelError):
            _core.set_conv_backend("onednn")
        return
    d = data.draw
    n, h, w, c = (
        d(st.integers(1, 3)),
        d(st.integers(3, 12)),
        d(st.integers(3, 12)),
        d(st.integers(1, 8)),
    )
    k, o, m = d(st.integers(1, 4)), d(st.integers(1, 8)), d(st.integers(1, 3))
    s, dil = d(st.integers(1, 3)), d(st.integers(1, 2))
    pad, pool = d(st.sampled_from(["SAME", "VALID"])), d(st.sampled_from(["max", "avg"]))
    if pad == "VALID":
        h, w = max(h, (k - 1) * dil + 1), max(w, (k - 1) * dil + 1)
    rng = np.random.default_rng(d(st.integers(0, 2**16)))
    x = rng.normal(size=(n, h, w, c)).astype(np.float32)
    f = rng.normal(size=(k, k, c, o)).astype(np.float32)
    fd = rng.normal(size=(k, k, o, m)).astype(np.float32)
    g = tf.Graph()
    with g.as_default():
        xs = tf.placeholder(tf.float32, x.shape)
        fs, fds = tf.placeholder(tf.float32, f.shape), tf.placeholder(tf.float32, fd.shape)
        y = tf.nn.conv2d(xs, fs, s, pad, dilations=dil)
        y = tf.nn.depthwise_conv2d_native(y, fds, [1, 1, 1, 1], "SAME", dilations=[1, dil, dil, 1])
        pool_fn = tf.nn.max_pool if pool == "max" else tf.nn.avg_pool
        _, yh, yw, _ = y.shape.as_list()
        y = pool_fn(y, [1, 2, 3, 1], [1, 2, 1, 1], pad if yh >= 2 and yw >= 3 else "SAME")
        wts = rng.normal(size=y.shape.as_list()).astype(np.float32)
        fetch = [y, *tf.gradients(tf.reduce_sum(y * wts), [xs, fs, fds])]
        feeds = {xs: x, fs: f, fds: fd}
        results, before = [], _core.conv_backend()
        try:
            for backend in ("onednn", "reference"):
                _core.set_conv_backend(backend)
                with tf.Session(graph=g) as sess:
                    results.append(sess.run(fetch, feeds))
        finally:
            _core.set_conv_backend(before)
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * max(1.0, np.abs(b).max()))


def test_float64_runs_on_the_reference_backend(backend_restored):
    """float64 always takes the reference path, whichever backend float32 uses."""
    rng = np.random.default_rng(4)
    x, f = rng.normal(size=(2, 6, 5, 3)), rng.normal(size=(3, 2, 3, 4))
    outs = []
    for backend in ["reference"] + (["onednn"] if _core.matmul_backend() == "onednn" else []):
        _core.set_conv_backend(backend)
        with tf.Graph().as_default():
            y = tf.nn.conv2d(tf.constant(x), tf.constant(f), [1, 2, 1, 1], "SAME")
            with tf.Session() as sess:
                outs.append(sess.run(y))
    # SAME: 3 x 5 outputs; one padded row and one padded column, both after the input (TF puts
    # the odd one after): rows (3 - 1) * 2 + 3 - 6 = 1, columns (5 - 1) * 1 + 2 - 5 = 1
    want = np.zeros((2, 3, 5, 4))
    xp = np.pad(x, ((0, 0), (0, 1), (0, 1), (0, 0)))
    for i in range(3):
        for j in range(5):
            want[:, i, j] = np.einsum("nabc,abco->no", xp[:, 2 * i : 2 * i + 3, j : j + 2], f)
    for got in outs:
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


# ---- training ------------------------------------------------------------------------------------
def test_small_cnn_learns_digits():
    """conv -> relu -> max pool -> dense on scikit-learn's 8x8 digits: SGD brings the training
    loss down and classifies most held-out digits."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = np.eye(10, dtype=np.float32)[digits.target]
    x_train, y_train, x_test, y_test = x[:1500], y[:1500], x[1500:], digits.target[1500:]
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        xs, ys = tf.placeholder(tf.float32, [None, 8, 8, 1]), tf.placeholder(tf.float32, [None, 10])
        f = tf.Variable(tf.truncated_normal([3, 3, 1, 16], stddev=0.3))
        h = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(xs, f, 1, "SAME")), 2, 2, "VALID")
        wd = tf.Variable(tf.truncated_normal([4 * 4 * 16, 10], stddev=0.1))
        logits = tf.matmul(tf.reshape(h, [-1, 4 * 4 * 16]), wd)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=ys, logits=logits))
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(loss, {xs: x_train, ys: y_train})
            for _epoch in range(15):
                for i in range(0, 1500, 50):
                    sess.run(train, {xs: x_train[i : i + 50], ys: y_train[i : i + 50]})
            last = sess.run(loss, {xs: x_train, ys: y_train})
            pred = sess.run(logits, {xs: x_test}).argmax(1)
    assert last < 0.25 * first
    assert np.mean(pred == y_test) > 0.9
