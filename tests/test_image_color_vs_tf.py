"""``tf.image``'s colour functions side by side with TF 2.21 ``compat.v1``: ``rgb_to_hsv`` /
``hsv_to_rgb`` and ``adjust_hue`` / ``adjust_saturation`` (TF's kernels; float32 bit-exact on
pixels with ties between channels, greys and black), ``adjust_contrast`` / ``_brightness`` /
``_gamma`` (float and uint8, uint8 bit-exact), grayscale and YIQ / YUV conversions, their
gradients, the ``random_*`` forms (another generator: the result must be the adjustment by
some factor in the range) and TF's errors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(17)
RGB = RNG.random((2, 5, 6, 3)).astype(np.float32)
RGB[0, 0, :6] = [[0.5] * 3, [0.2, 0.7, 0.7], [0.7, 0.7, 0.2], [0, 0, 0], [1, 0, 0], [0.3, 0.1, 0.3]]
RGB[1, 0, :4] = [[0, 1, 0], [0, 0, 1], [1, 1, 1], [0.7, 0.2, 0.7]]
U8 = (RNG.random((4, 5, 3)) * 256).astype(np.uint8)
F64 = RGB.astype(np.float64)
WEIGHTS = RNG.random(RGB.shape).astype(np.float32)


def both(build):
    out = []
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            fetch = build(m)
            with m.Session() as sess:
                out.append(sess.run(fetch))
    return out


def check(a, b, tol=1e-6):
    if isinstance(a, (list, tuple)):
        for x, y in zip(a, b):
            check(x, y, tol)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    if a.dtype.kind in "iub":
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("x", [RGB, F64, RGB[0, 0]], ids=["f32", "f64", "1d"])
def test_hsv_round_trip(x):
    check(*both(lambda m: m.image.rgb_to_hsv(m.constant(x))))
    check(*both(lambda m: m.image.hsv_to_rgb(m.constant(x))))
    check(*both(lambda m: m.image.hsv_to_rgb(m.image.rgb_to_hsv(m.constant(x)))))


@pytest.mark.parametrize("delta", [0.0, 0.3, -0.7, 0.999, -1.0, 0.5])
@pytest.mark.parametrize("x", [RGB, U8, F64], ids=["f32", "u8", "f64"])
def test_adjust_hue(delta, x):
    check(*both(lambda m: m.image.adjust_hue(m.constant(x), delta)))


@pytest.mark.parametrize("factor", [0.0, 0.4, 1.0, 1.7, 5.0])
@pytest.mark.parametrize("x", [RGB, U8, F64], ids=["f32", "u8", "f64"])
def test_adjust_saturation_contrast(factor, x):
    check(*both(lambda m: m.image.adjust_saturation(m.constant(x), factor)))
    check(*both(lambda m: m.image.adjust_contrast(m.constant(x), factor)), tol=1e-5)


@pytest.mark.parametrize("x", [RGB, U8, F64], ids=["f32", "u8", "f64"])
def test_brightness_gamma_gray(x):
    for d in (-0.3, 0.0, 0.25):
        check(*both(lambda m, d=d: m.image.adjust_brightness(m.constant(x), d)))
    for g, gain in ((0.5, 1.0), (1.0, 1.0), (2.2, 0.8)):
        check(*both(lambda m, g=g, gain=gain: m.image.adjust_gamma(m.constant(x), g, gain)))
    check(*both(lambda m: m.image.rgb_to_grayscale(m.constant(x))))
    gray = both(lambda m: m.image.rgb_to_grayscale(m.constant(x)))[0]
    check(*both(lambda m: m.image.grayscale_to_rgb(m.constant(gray))))


def test_yiq_yuv():
    for fn in ("rgb_to_yiq", "yiq_to_rgb", "rgb_to_yuv", "yuv_to_rgb"):
        for x in (RGB, F64):
            check(*both(lambda m, fn=fn, x=x: getattr(m.image, fn)(m.constant(x))))


def test_dynamic_shapes():
    def build(m):
        p = m.placeholder_with_default(RGB, [None, None, None, 3])
        g = m.placeholder_with_default(RGB[..., :1], [None, None, None, None])
        return [
            m.image.adjust_hue(p, 0.2),
            m.image.adjust_saturation(p, 0.5),
            m.image.rgb_to_hsv(p),
            m.image.adjust_contrast(p, 2.0),
            m.image.grayscale_to_rgb(g),
        ]

    check(*both(build), tol=1e-5)


def test_gradients():
    """TF registers no gradient for AdjustContrastv2 / AdjustHue / AdjustSaturation (ours are
    differentiable, being composites); the rest are compared, RGBToHSV's being TF's own
    formula (grey pixels included)."""

    def build(m):
        x = m.constant(RGB * 0.8 + 0.1)
        w = m.constant(WEIGHTS)
        outs = [
            m.image.rgb_to_hsv(x),
            m.image.adjust_brightness(x, 0.1),
            m.image.adjust_gamma(x, 1.5, 0.9),
            m.image.rgb_to_grayscale(x),
            m.image.rgb_to_yuv(x),
        ]
        return [m.gradients(m.reduce_sum(o * w[..., : o.shape.as_list()[-1]]), x)[0] for o in outs]

    check(*both(build), tol=1e-4)


def test_random_adjustments_are_adjustments_in_range():
    """Random: the draws come from tflite_core's generator, not TF's, so each result must equal
    the deterministic adjustment by some factor within the given range (found from the
    output), and a seeded graph repeats itself."""
    with tf.Graph().as_default():
        tf.set_random_seed(4)
        x = tf.constant(RGB)
        b = tf.image.random_brightness(x, 0.3, seed=1)
        c = tf.image.random_contrast(x, 0.5, 1.5, seed=2)
        s = tf.image.random_saturation(x, 0.2, 1.8, seed=3)
        h = tf.image.random_hue(x, 0.4, seed=4)
        with tf.Session() as sess:
            vb, vc, vs, vh = sess.run([b, c, s, h])
    delta = float(np.mean(vb - RGB))
    assert -0.3 <= delta < 0.3
    np.testing.assert_allclose(vb, RGB + np.float32(delta), atol=1e-6)
    mean = RGB.mean(axis=(1, 2), keepdims=True)
    factor = float(np.sum((vc - mean) * (RGB - mean)) / np.sum((RGB - mean) ** 2))
    assert 0.5 <= factor < 1.5
    np.testing.assert_allclose(vc, (RGB - mean) * factor + mean, atol=1e-5)
    hsv_in = both(lambda m: m.image.rgb_to_hsv(RGB))[0]
    with tf.Graph().as_default(), tf.Session() as sess:
        hs, hh = sess.run([tf.image.rgb_to_hsv(vs), tf.image.rgb_to_hsv(vh)])
    ratio = hs[..., 1][hsv_in[..., 1] > 0.1] / hsv_in[..., 1][hsv_in[..., 1] > 0.1]
    unsat = ratio[hs[..., 1][hsv_in[..., 1] > 0.1] < 0.999]
    assert 0.2 - 1e-4 <= np.median(unsat) <= 1.8 + 1e-4
    shift = (hh[..., 0] - hsv_in[..., 0]) % 1.0
    coloured = hsv_in[..., 1] > 0.05
    d = np.median(shift[coloured])
    assert min(d, 1 - d) <= 0.4 + 1e-4
    runs = []
    for _ in range(2):
        with tf.Graph().as_default():
            tf.set_random_seed(9)
            out = tf.image.random_hue(tf.constant(RGB), 0.5, seed=2)
            with tf.Session() as sess:
                runs.append(sess.run(out))
    np.testing.assert_array_equal(runs[0], runs[1])


def _errors(build):
    got = []
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            try:
                out = build(m)
                with m.Session() as sess:
                    sess.run(out)
            except Exception as e:
                got.append(e)
            else:
                got.append(None)
    return got


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "build, cls, text",
    [
        (
            lambda m: m.image.adjust_hue(m.zeros([2, 2, 4]), 0.1),
            "InvalidArgumentError",
            "input must have 3 channels but instead has 4 channels.",
        ),
        (
            lambda m: m.image.adjust_saturation(m.zeros([2, 2, 2]), 0.1),
            "InvalidArgumentError",
            "input must have 3 channels but instead has 2 channels.",
        ),
        (lambda m: m.image.adjust_hue(m.zeros([2, 3]), 0.1), "ValueError", "at least rank 3"),
        (lambda m: m.image.random_hue(m.zeros([2, 2, 3]), 0.6), "ValueError", "<= 0.5"),
        (
            lambda m: m.image.random_contrast(m.zeros([2, 2, 3]), 0.5, 0.4),
            "ValueError",
            "upper must be > lower.",
        ),
        (
            lambda m: m.image.random_saturation(m.zeros([2, 2, 3]), -0.5, 0.4),
            "ValueError",
            "lower must be non-negative.",
        ),
        (
            lambda m: m.image.random_brightness(m.zeros([2, 2, 3]), -0.5),
            "ValueError",
            "max_delta must be non-negative.",
        ),
        (
            lambda m: m.image.adjust_gamma(m.zeros([2, 2, 3]), -1.0),
            "ValueError",
            "Gamma should be a non-negative real number.",
        ),
        (
            lambda m: m.image.grayscale_to_rgb(m.zeros([2, 2, 3])),
            "ValueError",
            "Last dimension of a grayscale image should be size 1.",
        ),
        (
            lambda m: m.image.rgb_to_hsv(m.zeros([2, 2, 3], m.int32)),
            "TypeError",
            "int32",
        ),
    ],
)
def test_bad_input(build, cls, text):
    theirs, ours = _errors(build)
    assert type(theirs).__name__ == cls and text in str(theirs), theirs
    assert type(ours).__name__ == cls and text in str(ours), ours
