"""The op table's convolution and pooling rows: builders, hypothesis draws and NumPy references.

The references are plain loops over output pixels and filter taps (float64), written from
TensorFlow's documented semantics, independent of ``tflite_core.reference``:

* ``VALID``: no padding, ``out = (in - k_eff) // stride + 1``, ``k_eff = (k - 1) * dilation + 1``;
  ``SAME``: ``out = ceil(in / stride)``, ``pad = max((out - 1) * stride + k_eff - in, 0)``, of
  which ``pad // 2`` goes before and the rest after;
* conv2d is a cross-correlation with an HWIO filter; depthwise maps input channel ``c`` through
  ``filter[:, :, c, m]`` to output channel ``c * multiplier + m``;
* pooling leaves padded elements out: max over the window's inputs, mean over their count; the
  max-pooling gradient goes to the window's first maximum in row-major order (TF's CPU kernel).

Forward and partial-shape draws use multiples of 1/4 (exact sums in float32, with ties for max
pooling); gradient draws use distinct values where max pooling needs them.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tflite_core as tf


# ---- geometry ------------------------------------------------------------------------------------
def tf_out_and_pad(size, k, stride, dilation, padding):
    """(output length, padding before) along one dim, by TF's rule."""
    ek = (k - 1) * dilation + 1
    if padding == "SAME":
        out = -(-size // stride)
        return out, max((out - 1) * stride + ek - size, 0) // 2
    return (size - ek) // stride + 1, 0


def taps(x_hw, k_hw, strides, padding, dilations=(1, 1)):
    """Output size and, per output pixel (i, j), the valid taps ``(a, b, ih, iw)`` in row-major
    order of the window."""
    (oh, pt), (ow, pl) = (
        tf_out_and_pad(x_hw[d], k_hw[d], strides[d], dilations[d], padding) for d in (0, 1)
    )
    window = {}
    for i in range(oh):
        for j in range(ow):
            window[i, j] = [
                (
                    a,
                    b,
                    i * strides[0] - pt + a * dilations[0],
                    j * strides[1] - pl + b * dilations[1],
                )
                for a in range(k_hw[0])
                for b in range(k_hw[1])
                if 0 <= i * strides[0] - pt + a * dilations[0] < x_hw[0]
                and 0 <= j * strides[1] - pl + b * dilations[1] < x_hw[1]
            ]
    return (oh, ow), window


def hw(v):
    """The (h, w) pair of an int or a list of 1, 2 or 4 ints."""
    v = [v] if np.isscalar(v) else list(v)
    return (v[0], v[0]) if len(v) == 1 else (v[0], v[1]) if len(v) == 2 else (v[1], v[2])


# ---- NumPy references ----------------------------------------------------------------------------
def np_conv(x, f, strides, padding, dilations=1, depthwise=False):
    n, _, _, c = x.shape
    (oh, ow), window = taps(x.shape[1:3], f.shape[:2], hw(strides), padding, hw(dilations))
    oc = c * f.shape[3] if depthwise else f.shape[3]
    y = np.zeros((n, oh, ow, oc))
    for (i, j), ts in window.items():
        for a, b, ih, iw in ts:
            xv, fv = x[:, ih, iw].astype(np.float64), f[a, b].astype(np.float64)
            y[:, i, j] += (xv[:, :, None] * fv).reshape(n, oc) if depthwise else xv @ fv
    return y.astype(x.dtype)


def np_conv_backprop_input(f, dy, x_shape, strides, padding, dilations=1, depthwise=False):
    """d sum(conv(x, f) * dy) / dx."""
    n, _, _, c = x_shape
    _, window = taps(x_shape[1:3], f.shape[:2], hw(strides), padding, hw(dilations))
    dx = np.zeros(x_shape)
    for (i, j), ts in window.items():
        g = dy[:, i, j].astype(np.float64)
        for a, b, ih, iw in ts:
            fv = f[a, b].astype(np.float64)
            if depthwise:
                dx[:, ih, iw] += (g.reshape(n, c, f.shape[3]) * fv).sum(-1)
            else:
                dx[:, ih, iw] += g @ fv.T
    return dx.astype(f.dtype)


def np_conv_backprop_filter(x, dy, f_shape, strides, padding, dilations=1, depthwise=False):
    """d sum(conv(x, f) * dy) / df."""
    n, _, _, c = x.shape
    _, window = taps(x.shape[1:3], f_shape[:2], hw(strides), padding, hw(dilations))
    df = np.zeros(f_shape)
    for (i, j), ts in window.items():
        g = dy[:, i, j].astype(np.float64)
        for a, b, ih, iw in ts:
            xv = x[:, ih, iw].astype(np.float64)
            if depthwise:
                df[a, b] += (xv[:, :, None] * g.reshape(n, c, f_shape[3])).sum(0)
            else:
                df[a, b] += xv.T @ g
    return df.astype(x.dtype)


def _pool_windows(x, ksize, strides, padding):
    return taps(x.shape[1:3], hw(ksize), hw(strides), padding)


def np_pool(x, ksize, strides, padding, kind):
    n, _, _, c = x.shape
    (oh, ow), window = _pool_windows(x, ksize, strides, padding)
    y = np.zeros((n, oh, ow, c))
    for (i, j), ts in window.items():
        vals = np.stack([x[:, ih, iw].astype(np.float64) for _, _, ih, iw in ts])
        y[:, i, j] = vals.max(0) if kind == "max" else vals.mean(0)
    return y.astype(x.dtype)


def _first_max(x, ts, nn, cc):
    """The tap (ih, iw) of the first maximum of x[nn, :, :, cc] in the window's taps."""
    vals = [x[nn, ih, iw, cc] for _, _, ih, iw in ts]
    _, _, ih, iw = ts[int(np.argmax(vals))]  # argmax: the first of equal maxima
    return ih, iw


def np_max_pool_grad(x, dy, ksize, strides, padding):
    _, window = _pool_windows(x, ksize, strides, padding)
    dx = np.zeros(x.shape)
    for (i, j), ts in window.items():
        for nn in range(x.shape[0]):
            for cc in range(x.shape[3]):
                ih, iw = _first_max(x, ts, nn, cc)
                dx[nn, ih, iw, cc] += dy[nn, i, j, cc]
    return dx.astype(x.dtype)


def np_max_pool_grad_grad(x, gx, ksize, strides, padding):
    n, _, _, c = x.shape
    (oh, ow), window = _pool_windows(x, ksize, strides, padding)
    y = np.zeros((n, oh, ow, c))
    for (i, j), ts in window.items():
        for nn in range(n):
            for cc in range(c):
                ih, iw = _first_max(x, ts, nn, cc)
                y[nn, i, j, cc] = gx[nn, ih, iw, cc]
    return y.astype(x.dtype)


def np_avg_pool_grad(x, dy, ksize, strides, padding):
    _, window = _pool_windows(x, ksize, strides, padding)
    dx = np.zeros(x.shape)
    for (i, j), ts in window.items():
        for _, _, ih, iw in ts:
            dx[:, ih, iw] += dy[:, i, j].astype(np.float64) / len(ts)
    return dx.astype(x.dtype)


# ---- draws ---------------------------------------------------------------------------------------
def quarters(ctx, shape, distinct=False):
    """Multiples of 1/4 in [-3, 3] (grad mode: any values; ``distinct``: at least 1/4 apart)."""
    if distinct:
        return ctx.distinct(shape)
    if ctx.grad:
        return ctx.values(shape, (-2.0, 2.0))
    if ctx.dtype.kind in "iu":  # integers: small whole numbers (non-negative when unsigned)
        el = st.integers(0 if ctx.dtype.kind == "u" else -3, 3)
    else:
        el = st.integers(-12, 12).map(lambda i: i * 0.25)
    return ctx.draw(hnp.arrays(ctx.dtype, shape, elements=el))


def _side(ctx, lo, hi):
    return ctx.draw(st.integers(lo, hi))


def conv_geometry(ctx, depthwise):
    """Shapes and attributes of a convolution: odd and even filter sizes, strides 1-3, dilations
    1-2, both paddings; empty batch and channel dims in forward mode."""
    small = ctx.grad
    empty_ok = ctx.mode == "forward"
    n = _side(ctx, 0 if empty_ok else 1, 2 if small else 3)
    c = _side(ctx, 0 if empty_ok else 1, 2 if small else 3)
    o = _side(ctx, 0 if empty_ok else 1, 2 if small else 3)
    kh, kw = _side(ctx, 1, 3 if small else 4), _side(ctx, 1, 3 if small else 4)
    padding = ctx.draw(st.sampled_from(["SAME", "VALID"]))
    sh, sw = _side(ctx, 1, 3), _side(ctx, 1, 3)
    dh, dw = _side(ctx, 1, 2), _side(ctx, 1, 2)
    if depthwise and max(dh, dw) > 1:  # TF's depthwise_conv2d: a rate above 1 needs strides 1
        sh = sw = 1
    ekh, ekw = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    extra = 3 if small else 5
    h = _side(ctx, ekh if padding == "VALID" else 1, ekh + extra)
    w = _side(ctx, ekw if padding == "VALID" else 1, ekw + extra)
    if depthwise:  # TF's depthwise_conv2d takes 4 strides
        strides = [1, sh, sw, 1]
    elif sh == sw:
        strides = ctx.draw(st.sampled_from([[1, sh, sw, 1], [sh, sw], sh]))
    else:
        strides = ctx.draw(st.sampled_from([[1, sh, sw, 1], [sh, sw]]))
    kw_ = {"strides": strides, "padding": padding, "dilations": [1, dh, dw, 1]}
    x_shape, f_shape = (n, h, w, c), (kh, kw, c, o)
    (oh, ow), _ = taps((h, w), (kh, kw), (sh, sw), padding, (dh, dw))
    y_shape = (n, oh, ow, c * o if depthwise else o)
    return x_shape, f_shape, y_shape, kw_


def conv_draw(depthwise, pass_):
    def draw(ctx):
        x, f, y, kw = conv_geometry(ctx, depthwise)
        if pass_ == "fwd":
            return [quarters(ctx, x), quarters(ctx, f)], kw
        if pass_ == "input":
            return [quarters(ctx, f), quarters(ctx, y)], {**kw, "x_shape": x}
        return [quarters(ctx, x), quarters(ctx, y)], {**kw, "f_shape": f}

    return draw


def pool_draw(kind):
    """Window 1-4 (even too), strides 1-3, both paddings; ties in forward mode, distinct values
    for gradients of max pooling."""

    def draw(ctx):
        small = ctx.grad
        n = _side(ctx, 0 if ctx.mode == "forward" else 1, 2)
        c = _side(ctx, 0 if ctx.mode == "forward" else 1, 2 if small else 3)
        kh, kw = _side(ctx, 1, 3 if small else 4), _side(ctx, 1, 3 if small else 4)
        padding = ctx.draw(st.sampled_from(["SAME", "VALID"]))
        sh, sw = _side(ctx, 1, 3), _side(ctx, 1, 3)
        extra = 2 if small else 5  # grad mode: at most 100 distinct values
        h = _side(ctx, kh if padding == "VALID" else 1, kh + extra)
        w = _side(ctx, kw if padding == "VALID" else 1, kw + extra)
        ksize = ctx.draw(st.sampled_from([[1, kh, kw, 1], [kh, kw]]))
        kwargs = {"ksize": ksize, "strides": [1, sh, sw, 1], "padding": padding}
        x = quarters(ctx, (n, h, w, c), distinct=small and kind != "avg")
        if kind in ("max", "avg"):
            return [x], kwargs
        (oh, ow), _ = taps((h, w), (kh, kw), (sh, sw), padding)
        other = (n, h, w, c) if kind == "max_grad_grad" else (n, oh, ow, c)
        return [x, quarters(ctx, other)], kwargs

    return draw


# ---- builders ------------------------------------------------------------------------------------
def build_conv(x, f, strides, padding, dilations):
    return tf.nn.conv2d(x, f, strides=strides, padding=padding, dilations=dilations)


def build_conv_backprop_input(f, dy, x_shape, strides, padding, dilations):
    return tf.nn.conv2d_backprop_input(
        list(x_shape), f, dy, strides=strides, padding=padding, dilations=dilations
    )


def build_conv_backprop_filter(x, dy, f_shape, strides, padding, dilations):
    return tf.nn.conv2d_backprop_filter(
        x, list(f_shape), dy, strides=strides, padding=padding, dilations=dilations
    )


def build_depthwise(x, f, strides, padding, dilations):
    return tf.nn.depthwise_conv2d(x, f, strides, padding, rate=dilations[1:3])


def build_depthwise_backprop_input(f, dy, x_shape, strides, padding, dilations):
    return tf.nn.depthwise_conv2d_native_backprop_input(
        list(x_shape), f, dy, strides, padding, dilations=dilations
    )


def build_depthwise_backprop_filter(x, dy, f_shape, strides, padding, dilations):
    return tf.nn.depthwise_conv2d_native_backprop_filter(
        x, list(f_shape), dy, strides, padding, dilations=dilations
    )


def build_pool(kind):
    def build(x, ksize, strides, padding):
        fn = tf.nn.max_pool if kind == "max" else tf.nn.avg_pool
        return fn(x, ksize, strides, padding)

    return build


def build_pool_grad(kind):
    """MaxPoolGrad / AvgPoolGrad through ``tf.gradients`` of the pooling."""

    def build(x, dy, ksize, strides, padding):
        y = build_pool(kind)(x, ksize, strides, padding)
        return tf.gradients(y, x, grad_ys=dy)[0]

    return build


def build_max_pool_grad_grad(x, gx, ksize, strides, padding):
    """MaxPoolGradGrad: the gradient of MaxPoolGrad with respect to its ``dy``."""
    y = tf.nn.max_pool(x, ksize, strides, padding)
    dy = tf.zeros_like(y)
    dx = tf.gradients(y, x, grad_ys=dy)[0]
    return tf.gradients(dx, dy, grad_ys=gx)[0]


def ref_conv(depthwise):
    return lambda x, f, strides, padding, dilations: np_conv(
        x, f, strides, padding, dilations, depthwise
    )


def ref_conv_backprop_input(depthwise):
    return lambda f, dy, x_shape, strides, padding, dilations: np_conv_backprop_input(
        f, dy, x_shape, strides, padding, dilations, depthwise
    )


def ref_conv_backprop_filter(depthwise):
    return lambda x, dy, f_shape, strides, padding, dilations: np_conv_backprop_filter(
        x, dy, f_shape, strides, padding, dilations, depthwise
    )


def ref_pool(kind):
    return lambda x, ksize, strides, padding: np_pool(x, ksize, strides, padding, kind)
