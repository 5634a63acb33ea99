"""The composite convolutions and poolings of ``tf.nn`` side by side with TF 2.21 ``compat.v1``:
conv1d/conv1d_transpose, conv2d_transpose, conv_transpose, convolution, atrous_conv2d (and its
transpose), separable_conv2d, conv3d/conv3d_transpose/conv3d_backprop_filter(_v2), the 1-D and
3-D poolings, max_pool_v2/avg_pool_v2, pool (dilated), max_pool_with_argmax, dilation2d and
erosion2d: values, gradients with respect to the input and the filter, static output shapes
(unknown batch sizes included) and output names; bad input gets TF's error class and words."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(15)


def _r(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


X1, F1 = _r(3, 9, 4), _r(3, 4, 5)
X2, F2, DY2 = _r(2, 9, 8, 3), _r(3, 2, 3, 4), _r(2, 4, 4, 4)
DW, PW = _r(3, 3, 3, 2), _r(1, 1, 6, 5)
X3, F3 = _r(2, 5, 6, 7, 3), _r(3, 2, 3, 3, 4)
DY3, F3T = _r(2, 3, 3, 4, 4), _r(3, 2, 3, 2, 4)
K2 = _r(3, 2, 3)


def _run(mod, build):
    """Builds ``build(mod, ph)`` (``ph(array, shape)``: a fed placeholder) in a fresh graph;
    returns the outputs' names, static shapes, values and the gradients of the sum of their
    squares with respect to the tensors ``build`` lists."""
    graph = tf.Graph() if mod is tf else real_tf.Graph()
    with graph.as_default():
        feeds = {}

        def ph(arr, shape=None):
            p = mod.placeholder(mod.float32, arr.shape if shape is None else shape)
            feeds[p] = arr
            return p

        outs, wrt = build(mod, ph)
        floats = [o for o in outs if o.dtype.is_floating]
        loss = mod.add_n([mod.reduce_sum(o * o) for o in floats])
        grads = mod.gradients(loss, wrt) if wrt else []
        with mod.Session(graph=graph) as sess:
            vals = sess.run([outs, grads], feeds)
    return [o.name for o in outs], [o.shape.as_list() for o in outs], vals


def _compare(build, names=True, tol=1e-4, shapes=None):
    """Same values, gradients, static shapes (of the outputs ``shapes`` indexes; all when None)
    and, with ``names``, output names."""
    n_ours, s_ours, (v_ours, g_ours) = _run(tf, build)
    n_tf, s_tf, (v_tf, g_tf) = _run(T, build)
    keep = range(len(s_tf)) if shapes is None else shapes
    assert [s_ours[i] for i in keep] == [s_tf[i] for i in keep]
    if names:
        assert n_ours == n_tf
    for a, b in zip(v_ours + g_ours, v_tf + g_tf):
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


PADS = ("SAME", "VALID")


@pytest.mark.parametrize("padding", PADS)
@pytest.mark.parametrize("stride,dilation", [(1, 1), (2, 1), (1, 2), ([3], None)])
def test_conv1d_and_convolution_1d(padding, stride, dilation):
    def build(m, ph):
        x, f = ph(X1, (None, 9, 4)), ph(F1)
        y = m.nn.conv1d(x, f, stride, padding, dilations=dilation)
        s = [stride] if isinstance(stride, int) else stride
        r = None if dilation is None else [dilation]
        z = m.nn.convolution(x, f, padding, strides=s, dilation_rate=r)
        return [y, z], [x, f]

    _compare(build, names=dilation in (1, None))  # (TF dilates with space_to_batch)


def test_conv1d_with_extra_batch_dimensions():
    x4 = _r(2, 3, 9, 4)

    def build(m, ph):
        x, f = ph(x4, (None, 3, 9, 4)), ph(F1)
        return [m.nn.conv1d(x, f, 2, "SAME")], [x, f]

    _compare(build)


@pytest.mark.parametrize("padding,out_w", [("SAME", 10), ("VALID", 11)])
def test_conv1d_transpose(padding, out_w):
    dy1 = _r(3, 5, 5)

    def build(m, ph):
        dy, f = ph(dy1, (None, 5, 5)), ph(F1)
        y = m.nn.conv1d_transpose(dy, f, [3, out_w, 4], 2, padding)
        z = m.nn.conv_transpose(dy, f, [3, out_w, 4], [2], padding, name="ct")
        batch = m.shape(dy)[0]
        v = m.nn.conv1d_transpose(dy, f, [batch, out_w, 4], 2, padding)
        w = m.nn.conv1d_transpose(dy, f, m.stack([batch, out_w, 4]), 2, padding)
        return [y, z, v, w], [dy, f]

    _compare(build)


@pytest.mark.parametrize("padding,out_hw", [("SAME", [7, 8]), ("VALID", [9, 8])])
def test_conv2d_transpose_static_and_dynamic_output_shape(padding, out_hw):
    def build(m, ph):
        dy, f = ph(DY2, (None, 4, 4, 4)), ph(F2)
        y = m.nn.conv2d_transpose(dy, f, [2, *out_hw, 3], [1, 2, 2, 1], padding)
        dyn = m.stack([m.shape(dy)[0], *out_hw, 3])
        z = m.nn.conv_transpose(dy, f, dyn, 2, padding)
        return [y, z], [dy, f]

    _compare(build)


@pytest.mark.parametrize("padding", PADS)
@pytest.mark.parametrize("rate", [1, 2, 3])
def test_atrous_conv2d_and_transpose(padding, rate):
    f2 = F2[:, :, :, :3]

    def build(m, ph):
        x, f = ph(X2, (None, 9, 8, 3)), ph(f2)
        y = m.nn.atrous_conv2d(x, f, rate, padding)
        size = [2, 9, 8, 3] if padding == "SAME" else [2, 9 + 2 * rate, 8 + rate, 3]
        z = m.nn.atrous_conv2d_transpose(x, f, size, rate, padding)
        return [y, z], [x, f]

    _compare(build, names=False)  # (TF builds the dilation with space_to_batch)


@pytest.mark.parametrize("padding", PADS)
@pytest.mark.parametrize(
    "strides,rate", [(1, None), ([1, 2, 2, 1], None), (1, [2, 2]), (1, [1, 3])]
)
def test_separable_conv2d(padding, strides, rate):
    s = [1, strides, strides, 1] if isinstance(strides, int) else strides

    def build(m, ph):
        x, dw, pw = ph(X2, (None, 9, 8, 3)), ph(DW), ph(PW)
        return [m.nn.separable_conv2d(x, dw, pw, s, padding, rate=rate)], [x, dw, pw]

    _compare(build)


CONV3D = [
    ([1, 1, 1, 1, 1], [1, 1, 1, 1, 1]),
    ([1, 2, 1, 2, 1], [1, 1, 1, 1, 1]),
    ([1, 1, 1, 1, 1], [1, 2, 2, 2, 1]),  # (TF's static shape swaps unequal h/w dilations)
    ([1, 3, 2, 1, 1], [1, 1, 1, 1, 1]),
]


@pytest.mark.parametrize("padding", PADS)
@pytest.mark.parametrize("strides,dilations", CONV3D)
def test_conv3d(padding, strides, dilations):
    def build(m, ph):
        x, f = ph(X3, (None, 5, 6, 7, 3)), ph(F3)
        y = m.nn.conv3d(x, f, strides, padding, dilations=dilations)
        z = m.nn.convolution(x, f, padding, strides=strides[1:4], dilation_rate=dilations[1:4])
        x_any_depth = ph(X3, (None, None, 6, 7, 3))
        v = m.nn.conv3d(x_any_depth, f, strides, padding, dilations=dilations, name="v")
        return [y, z, v], [x, f, x_any_depth]

    _compare(build, names=dilations == [1, 1, 1, 1, 1])  # (TF dilates with space_to_batch)


TRANSPOSE3D = [
    ([1, 2, 2, 2, 1], None, (6, 6, 8), (7, 6, 9)),
    (1, None, (3, 3, 4), (5, 4, 6)),
    ([1, 3, 2, 2, 1], None, (7, 5, 7), (9, 6, 9)),
    (1, [1, 2, 1, 1, 1], (3, 3, 4), (7, 4, 6)),
]


@pytest.mark.parametrize("padding", PADS)
@pytest.mark.parametrize("strides,dilations,same,valid", TRANSPOSE3D)
def test_conv3d_transpose_and_backprop_filter(padding, strides, dilations, same, valid):
    size = same if padding == "SAME" else valid
    x_in = _r(2, *size, 2)
    s5 = strides if isinstance(strides, list) else [1, 1, 1, 1, 1]

    def build(m, ph):
        dy, f = ph(DY3, (None, 3, 3, 4, 4)), ph(F3T)
        y = m.nn.conv3d_transpose(dy, f, [2, *size, 2], strides, padding, dilations=dilations)
        dyn = m.stack([m.shape(dy)[0], *size, 2])
        z = m.nn.conv_transpose(dy, f, dyn, strides, padding, dilations=dilations)
        r = dilations or [1, 1, 1, 1, 1]
        df = m.nn.conv3d_backprop_filter_v2(x_in, [3, 2, 3, 2, 4], DY3, s5, padding, dilations=r)
        df1 = m.nn.conv3d_backprop_filter(x_in, [3, 2, 3, 2, 4], DY3, s5, padding, dilations=r)
        # depths known only when run (the patches path)
        xi, dyu = ph(x_in, (None, None, *size[1:], 2)), ph(DY3, (None, None, 3, 4, 4))
        shape_u = m.stack([m.shape(dyu)[0], m.shape(xi)[1], *size[1:], 2])
        u = m.nn.conv3d_transpose(dyu, f, shape_u, strides, padding, dilations=dilations, name="u")
        dfu = m.nn.conv3d_backprop_filter(xi, [3, 2, 3, 2, 4], dyu, s5, padding, dilations=r)
        return [y, z, df, df1, u, dfu], [dy, f, xi, dyu]

    _compare(build)


@pytest.mark.parametrize("padding", PADS)
@pytest.mark.parametrize("ksize,strides", [(2, 2), ([2, 3, 2], [1, 2, 3]), ([3, 1, 2], [2, 1, 1])])
def test_pool3d_and_pool_v2(padding, ksize, strides):
    def build(m, ph):
        x = ph(X3, (None, 5, None, 7, 3))
        outs = [
            m.nn.max_pool3d(x, ksize, strides, padding),
            m.nn.avg_pool3d(x, ksize, strides, padding),
            m.nn.max_pool_v2(x, ksize, strides, padding),
            m.nn.avg_pool_v2(x, ksize, strides, padding),
        ]
        return outs, [x]

    _compare(build)


@pytest.mark.parametrize("padding", PADS)
@pytest.mark.parametrize("ksize,strides", [(2, 2), (3, 1), ([3], [2])])
def test_pool1d(padding, ksize, strides):
    def build(m, ph):
        x = ph(X1, (None, 9, 4))
        outs = [
            m.nn.max_pool1d(x, ksize, strides, padding),
            m.nn.avg_pool1d(x, ksize, strides, padding),
            m.nn.max_pool_v2(x, ksize, strides, padding),
            m.nn.avg_pool_v2(x, ksize, strides, padding),
        ]
        return outs, [x]

    _compare(build)


POOL = [
    ("VALID", [2, 2], [2, 2], None),
    ("VALID", [3, 2], [1, 3], [1, 1]),
    ("SAME", [3, 3], None, [2, 2]),
    ("VALID", [3, 3], None, [2, 3]),
]


@pytest.mark.parametrize("kind", ["MAX", "AVG"])
@pytest.mark.parametrize("padding,window,rate,strides", POOL)
def test_pool_with_dilation(kind, padding, window, rate, strides):
    def build(m, ph):
        x = ph(X2, (None, 9, 8, 3))
        y = m.nn.pool(x, window, kind, padding, dilation_rate=rate, strides=strides)
        y1 = m.nn.pool(
            x[:, 0],
            window[:1],
            kind,
            padding,
            dilation_rate=rate and rate[:1],
            strides=strides and strides[:1],
        )
        x3 = m.reshape(x, [-1, 3, 3, 8, 3])
        y3 = m.nn.pool(
            x3,
            [2, *window],
            kind,
            padding,
            dilation_rate=rate and [1, *rate],
            strides=strides and [1, *strides],
        )
        return [y, y1, y3], [x]

    _compare(build, names=False)


@pytest.mark.parametrize("padding", PADS)
@pytest.mark.parametrize(
    "ksize,strides", [([1, 2, 2, 1], [1, 2, 2, 1]), ([1, 3, 2, 1], [1, 1, 3, 1])]
)
def test_max_pool_with_argmax(padding, ksize, strides):
    def build(m, ph):
        x = ph(X2, (None, 9, 8, 3))
        y, a = m.nn.max_pool_with_argmax(x, ksize, strides, padding)
        _, b = m.nn.max_pool_with_argmax(
            x, ksize, strides, padding, Targmax=m.int32, include_batch_in_index=True
        )
        return [y, a, b], [x]

    _compare(build, names=False)


@pytest.mark.parametrize("padding", PADS)
@pytest.mark.parametrize(
    "strides,rates", [([1, 1, 1, 1], [1, 1, 1, 1]), ([1, 2, 1, 1], [1, 1, 2, 1])]
)
def test_dilation2d_and_erosion2d(padding, strides, rates):
    def build(m, ph):
        x, k = ph(X2, (None, 9, 8, 3)), ph(K2)
        y = m.nn.dilation2d(x, k, strides, rates, padding)
        z = m.nn.erosion2d(x, k, strides, rates, padding)
        return [y, z], [x, k]

    _compare(build)


def test_depthwise_backprop_aliases():
    x, f = _r(2, 6, 6, 3), _r(3, 3, 3, 2)

    def build(m, ph):
        dy = ph(_DYD, (2, 6, 6, 6))
        gi = m.nn.depthwise_conv2d_backprop_input([2, 6, 6, 3], f, dy, [1, 1, 1, 1], "SAME")
        gf = m.nn.depthwise_conv2d_backprop_filter(x, [3, 3, 3, 2], dy, [1, 1, 1, 1], "SAME")
        return [gi, gf], [dy]

    _compare(build)


_DYD = _r(2, 6, 6, 6)


def test_with_space_to_batch_runs_the_op_dilated():
    def build(m, ph):
        x = ph(X2, (None, 9, 8, 3))
        f = m.constant(F2[:, :, :, :3])

        def op(inp, n, padding):
            return m.nn.conv2d(inp, f, [1, 1, 1, 1], padding)

        y = m.nn.with_space_to_batch(x, [2, 3], "SAME", op, filter_shape=[3, 2])
        z = m.nn.with_space_to_batch(x, [2, 2], "VALID", op)
        return [y, z], [x]

    _compare(build, names=False)


# ---- bad input: TF's error class and words ------------------------------------------------------
def _error(mod, fn):
    graph = tf.Graph() if mod is tf else real_tf.Graph()
    with graph.as_default():
        try:
            out = fn(mod)
            with mod.Session(graph=graph) as sess:
                sess.run(out)
        except Exception as e:
            return type(e).__name__, str(e)
    return None, ""


def _ph(m, shape):
    return m.placeholder(m.float32, shape)


BAD = {
    "conv3d_rank": (
        lambda m: m.nn.conv3d(_ph(m, (2, 5, 6, 3)), _ph(m, (2, 3, 3, 3, 4)), [1] * 5, "SAME"),
        "Shape must be rank 5 but is rank 4",
    ),
    "conv3d_channels": (
        lambda m: m.nn.conv3d(_ph(m, (2, 5, 6, 6, 3)), _ph(m, (2, 3, 3, 4, 4)), [1] * 5, "SAME"),
        "Depth of input (3) is not a multiple of input depth of filter (4)",
    ),
    "conv3d_padding": (
        lambda m: m.nn.conv3d(_ph(m, (2, 5, 6, 6, 3)), _ph(m, (2, 3, 3, 3, 4)), [1] * 5, "FOO"),
        "Attr 'padding' of 'Conv3D' Op passed string 'FOO' not in",
    ),
    "conv3d_strides_length": (
        lambda m: m.nn.conv3d(_ph(m, (2, 5, 6, 6, 3)), _ph(m, (2, 3, 3, 3, 4)), [1] * 4, "SAME"),
        "Attr 'strides' of 'Conv3D' Op passed list of length 4 less than minimum 5.",
    ),
    "conv3d_batch_stride": (
        lambda m: m.nn.conv3d(X3, F3, [2, 1, 1, 1, 1], "SAME"),
        "does not yet support strides in the batch and depth dimensions",
    ),
    "conv3d_negative_size": (
        lambda m: m.nn.conv3d(_ph(m, (2, 1, 6, 6, 3)), _ph(m, (2, 3, 3, 3, 4)), [1] * 5, "VALID"),
        "Negative dimension size caused by subtracting 2 from 1",
    ),
    "conv3d_int": (
        lambda m: m.nn.conv3d(
            np.ones((2, 5, 6, 6, 3), np.int32), np.ones((2, 3, 3, 3, 4), np.int32), [1] * 5, "VALID"
        ),
        "DataType int32 not in list of allowed values",
    ),
    "conv1d_channels": (
        lambda m: m.nn.conv1d(_ph(m, (2, 5, 3)), _ph(m, (2, 4, 4)), 1, "SAME"),
        "",
    ),
    "conv1d_padding": (
        lambda m: m.nn.conv1d(_ph(m, (2, 5, 3)), _ph(m, (2, 3, 4)), 1, "same"),
        "padding",
    ),
    "conv1d_data_format": (
        lambda m: m.nn.conv1d(_ph(m, (2, 5, 3)), _ph(m, (2, 3, 4)), 1, "SAME", data_format="NHC"),
        "`data_format` must be 'NWC' or 'NCW'",
    ),
    "conv2d_transpose_channels": (
        lambda m: m.nn.conv2d_transpose(
            _ph(m, (3, 5, 5, 4)), _ph(m, (3, 3, 2, 5)), [3, 10, 10, 2], [1, 2, 2, 1]
        ),
        "",
    ),
    "conv_transpose_length": (
        lambda m: m.nn.conv_transpose(_ph(m, (3, 5, 5, 4)), _ph(m, (3, 3, 2, 4)), [1] * 6, 1),
        "`output_shape` must be of length 3, 4 or 5",
    ),
    "convolution_strides_and_dilation": (
        lambda m: m.nn.convolution(
            _ph(m, (2, 9, 8, 3)), _ph(m, (3, 3, 3, 2)), "SAME", strides=[2, 2], dilation_rate=[2, 2]
        ),
        "",
    ),
    "atrous_transpose_rate": (
        lambda m: m.nn.atrous_conv2d_transpose(
            _ph(m, (2, 9, 8, 3)), _ph(m, (3, 3, 3, 3)), [2, 9, 8, 3], 0, "SAME"
        ),
        "`rate` cannot be less than one",
    ),
    "atrous_transpose_padding": (
        lambda m: m.nn.atrous_conv2d_transpose(
            _ph(m, (2, 9, 8, 3)), _ph(m, (3, 3, 3, 3)), [2, 9, 8, 3], 2, "FULL"
        ),
        "`padding` must be either 'VALID' or 'SAME'",
    ),
    "separable_pointwise_shape": (
        lambda m: m.nn.separable_conv2d(
            _ph(m, (2, 9, 8, 3)), _ph(m, (3, 3, 3, 2)), _ph(m, (2, 1, 6, 5)), [1, 1, 1, 1], "SAME"
        ),
        "Dimensions 2 and 1 are not compatible",
    ),
    "max_pool3d_rank": (
        lambda m: m.nn.max_pool3d(_ph(m, (3, 5, 5, 4)), 2, 2, "SAME"),
        "Shape must be rank 5 but is rank 4",
    ),
    "max_pool3d_ksize_length": (
        lambda m: m.nn.max_pool3d(_ph(m, (3, 5, 5, 5, 4)), [2, 2], 2, "SAME"),
        "ksize should be of length 1, 3 or 5. Received: ksize=[2, 2] of length 2",
    ),
    "avg_pool3d_batch_window": (
        lambda m: m.nn.avg_pool3d(X3, [2, 2, 2, 2, 1], 2, "SAME"),
        "Pooling is not yet supported on the batch dimension.",
    ),
    "max_pool3d_negative_size": (
        lambda m: m.nn.max_pool3d(_ph(m, (3, 1, 5, 5, 4)), 2, 2, "VALID"),
        "Negative dimension size caused by subtracting 2 from 1",
    ),
    "max_pool1d_rank": (
        lambda m: m.nn.max_pool1d(_ph(m, (3, 5, 5, 4)), 2, 2, "VALID"),
        "Shape must be rank 4 but is rank 5",
    ),
    "avg_pool1d_padding": (lambda m: m.nn.avg_pool1d(_ph(m, (3, 5, 4)), 2, 2, "VAL"), "padding"),
    "max_pool_v2_rank": (
        lambda m: m.nn.max_pool_v2(_ph(m, (3, 5)), 2, 2, "VALID"),
        "`input.shape.rank` must be 3, 4 or 5",
    ),
    "pool_same_dilated": (
        lambda m: m.nn.pool(_ph(m, (2, 9, 8, 3)), [2, 2], "MAX", "SAME", dilation_rate=[2, 2]),
        "pooling with 'SAME' padding is not implemented for `dilation_rate` > 1",
    ),
    "pool_strides_over_window": (
        lambda m: m.nn.pool(_ph(m, (2, 9, 8, 3)), [2, 2], "AVG", "VALID", strides=[3, 3]),
        "`strides` > `window_shape` not supported",
    ),
    "pool_window_length": (
        lambda m: m.nn.pool(_ph(m, (2, 9, 8, 3)), [2, 2, 2, 2], "AVG", "VALID"),
        "`len(window_shape)` must be 1, 2, or 3",
    ),
    "argmax_data_format": (
        lambda m: m.nn.max_pool_with_argmax(
            _ph(m, (2, 3, 9, 8)), [1, 2, 2, 1], [1, 2, 2, 1], "SAME", data_format="NCHW"
        ),
        "`data_format` values other  than 'NHWC' are not supported",
    ),
    "dilation2d_rank": (
        lambda m: m.nn.dilation2d(_ph(m, (2, 9, 8)), _ph(m, (3, 2, 3)), [1] * 4, [1] * 4, "SAME"),
        "Shape must be rank 4 but is rank 3",
    ),
    "dilation2d_channels": (
        lambda m: m.nn.dilation2d(
            _ph(m, (2, 9, 8, 4)), _ph(m, (3, 2, 3)), [1] * 4, [1] * 4, "SAME"
        ),
        "Dimensions must be equal, but are 4 and 3",
    ),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_raises_tfs_error(case):
    fn, words = BAD[case]
    ours, ours_msg = _error(tf, fn)
    theirs, tf_msg = _error(T, fn)
    assert theirs is not None and ours == theirs, (ours, ours_msg, theirs, tf_msg)
    assert words in ours_msg and words in tf_msg, (ours_msg, tf_msg)


def test_ncdhw_conv3d_transpose_and_pools():
    x5, dy5 = _r(2, 3, 5, 6, 7), _r(2, 4, 3, 3, 4)
    f5 = F3

    def build(m, ph):
        x, f, dy = ph(x5, (None, 3, 5, 6, 7)), ph(f5), ph(dy5, (None, 4, 3, 3, 4))
        fmt = "NCDHW"
        outs = [
            m.nn.conv3d(x, f, [1, 1, 2, 1, 2], "SAME", data_format=fmt),
            m.nn.conv3d_transpose(dy, F3T, [2, 2, 6, 6, 8], [1, 1, 2, 2, 2], data_format=fmt),
            m.nn.max_pool3d(x, 2, 2, "SAME", data_format=fmt),
            m.nn.avg_pool3d(x, [1, 1, 2, 3, 1], [1, 1, 1, 2, 2], "VALID", data_format=fmt),
        ]
        return outs, [x, f, dy]

    _compare(build, names=False)


# ---- fractional pooling -------------------------------------------------------------------------
XF = _r(2, 8, 9, 3)


def _fractional_reference(x, rows, cols, overlapping, is_max):
    """Each region's maximum or mean, from the pooling sequences (TF's definition)."""
    out = np.zeros((x.shape[0], len(rows) - 1, len(cols) - 1, x.shape[3]), np.float32)
    extra = 1 if overlapping else 0
    for i in range(len(rows) - 1):
        for j in range(len(cols) - 1):
            r1, c1 = min(rows[i + 1] + extra, x.shape[1]), min(cols[j + 1] + extra, x.shape[2])
            w = x[:, rows[i] : r1, cols[j] : c1]
            out[:, i, j] = w.max((1, 2)) if is_max else w.mean((1, 2))
    return out


@pytest.mark.parametrize("kind", ["fractional_max_pool", "fractional_avg_pool"])
@pytest.mark.parametrize("pseudo_random", [False, True])
@pytest.mark.parametrize("overlapping", [False, True])
def test_fractional_pool_regular_regions_match_tf(kind, pseudo_random, overlapping):
    # when the output divides the input, TF's regions are regular: values and gradients agree
    def build(m, ph):
        batch = None if kind == "fractional_max_pool" else 2  # (TF's avg gradient needs it)
        x = ph(XF, (batch, 8, 9, 3))
        y, rows, cols = getattr(m.nn, kind)(x, [1, 2, 3, 1], pseudo_random, overlapping)
        return [y, rows, cols], [x]

    # (TF's static shape of the sequences is [out], one short of the out + 1 they hold)
    _compare(build, names=False, shapes=[0])


@pytest.mark.parametrize("kind", ["fractional_max_pool", "fractional_avg_pool"])
@pytest.mark.parametrize("pseudo_random", [False, True])
@pytest.mark.parametrize("overlapping", [False, True])
@pytest.mark.parametrize("deterministic", [False, True])
def test_fractional_pool_random_regions(kind, pseudo_random, overlapping, deterministic):
    # random regions: each side's output is its own sequences' pooling, the sequences obey TF's law
    ratio = [1.0, 1.44, 1.73, 1.0]
    for mod in (tf, T):
        graph = tf.Graph() if mod is tf else real_tf.Graph()
        with graph.as_default():
            fn = getattr(mod.nn, kind)
            y, rows, cols = fn(XF, ratio, pseudo_random, overlapping, deterministic)
            assert y.shape.as_list() == [2, 5, 5, 3]
            with mod.Session(graph=graph) as sess:
                runs = [sess.run([y, rows, cols]) for _ in range(2)]
        for yv, rv, cv in runs:
            ref = _fractional_reference(XF, rv, cv, overlapping, kind == "fractional_max_pool")
            np.testing.assert_allclose(yv, ref, rtol=1e-5, atol=1e-6)
            for seq, size in ((rv, 8), (cv, 9)):
                assert seq[0] == 0 and seq[-1] == size and len(seq) == 6
                assert set(np.diff(seq)) <= {1, 2}
        if deterministic:
            np.testing.assert_array_equal(runs[0][1], runs[1][1])


@pytest.mark.bad_input
def test_fractional_pool_seeds_need_deterministic():
    for mod in (tf, T):
        graph = tf.Graph() if mod is tf else real_tf.Graph()
        with graph.as_default(), pytest.raises(mod.errors.InvalidArgumentError, match="seed2"):
            y = mod.nn.fractional_max_pool(XF, [1, 2, 2, 1], seed=3)
            with mod.Session(graph=graph) as sess:
                sess.run(y)


@pytest.mark.parametrize("hw", [(8, 8), (7, 9)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pool_gradient_of_tiling_windows_with_ties_as_tf(hw, dtype):
    """Windows that tile the input (stride = window, VALID): the gradient goes to each window's
    first maximum, ties included (values on a coarse grid), and rows or columns no window
    covers get 0, as TF's MaxPoolGrad."""
    x = RNG.integers(-2, 3, (3, *hw, 5)).astype(dtype)
    dy = RNG.standard_normal((3, hw[0] // 2, hw[1] // 2, 5)).astype(dtype)
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            xp = mod.placeholder(dtype, x.shape)
            y = mod.nn.max_pool(xp, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
            (g,) = mod.gradients(y, [xp], grad_ys=mod.constant(dy))
            with mod.Session(graph=graph) as sess:
                out.append(sess.run([y, g], {xp: x}))
    np.testing.assert_array_equal(out[0][0], out[1][0])
    np.testing.assert_array_equal(out[0][1], out[1][1])
