"""``tf.image``'s resizers side by side with TF 2.21 ``compat.v1``: ``resize_bilinear``,
``resize_nearest_neighbor``, ``resize_bicubic`` and ``resize_area`` under every pixel
convention (legacy, ``align_corners``, ``half_pixel_centers``), up and down, for uint8 /
integer / float inputs, sizes known only when run, their gradients (TF's ResizeBilinearGrad /
ResizeNearestNeighborGrad / ResizeBicubicGrad); ``resize_images`` / ``resize`` with each
``ResizeMethod`` and ``preserve_aspect_ratio``; ``resize_image_with_pad``; TF's errors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(18)
F32 = RNG.random((2, 5, 7, 3)).astype(np.float32)
U8 = (RNG.random((1, 6, 4, 2)) * 256).astype(np.uint8)
F64 = RNG.random((1, 4, 5, 1))
I32 = RNG.integers(-50, 50, (1, 3, 4, 2)).astype(np.int32)
GRAD_W = {}


def both(build):
    out = []
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            fetch = build(m)
            with m.Session() as sess:
                out.append(sess.run(fetch))
    return out


def check(a, b, tol=1e-5):
    if isinstance(a, (list, tuple)):
        for x, y in zip(a, b):
            check(x, y, tol)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    if a.dtype.kind in "iub":
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol * max(1.0, np.abs(a).max()))


MODES = [(False, False), (True, False), (False, True)]
SIZES = [(9, 11), (3, 4), (5, 7), (1, 1), (2, 13)]


@pytest.mark.parametrize("fn", ["resize_bilinear", "resize_nearest_neighbor", "resize_bicubic"])
@pytest.mark.parametrize("mode", MODES, ids=["legacy", "align", "half"])
def test_resize_values_and_gradients(fn, mode):
    ac, hp = mode
    for size in SIZES:
        for x in (F32, U8, F64, I32):

            def build(m, x=x, size=size):
                xt = m.constant(x)
                out = getattr(m.image, fn)(xt, size, align_corners=ac, half_pixel_centers=hp)
                if x.dtype.kind != "f":
                    return out
                key = tuple(out.shape.as_list())
                w = GRAD_W.setdefault(key, RNG.random(key).astype(np.float32) - 0.5)
                return [out, m.gradients(m.reduce_sum(m.cast(out, m.float32) * w), xt)[0]]

            check(*both(build))


@pytest.mark.parametrize("ac", [False, True])
def test_resize_area(ac):
    for size in SIZES:
        for x in (F32, U8, F64, I32):
            check(*both(lambda m, x=x, size=size: m.image.resize_area(x, size, align_corners=ac)))


@pytest.mark.parametrize("fn", ["resize_bilinear", "resize_nearest_neighbor", "resize_bicubic"])
def test_sizes_known_when_run(fn):
    def build(m):
        x = m.placeholder_with_default(F32, [None, None, None, 3])
        size = m.placeholder_with_default(np.array([8, 3], np.int32), [2])
        out = getattr(m.image, fn)(x, size, half_pixel_centers=True)
        assert out.shape.as_list() == [None, None, None, 3]
        return out

    check(*both(build))

    def build_static(m):
        x = m.placeholder(m.float32, [None, None, None, 3])
        return getattr(m.image, fn)(x, [4, 6]).shape.as_list()

    theirs, ours = [], []
    with real_tf.Graph().as_default():
        theirs = build_static(T)
    with tf.Graph().as_default():
        ours = build_static(tf)
    assert theirs == ours == [None, 4, 6, 3]


@pytest.mark.parametrize("method", [0, 1, 2, 3, "bilinear", "nearest", "bicubic", "area"])
def test_resize_images(method):
    for x in (F32, U8[0], F64):
        for size in ((7, 9), (2, 3), x.shape[-3:-1]):
            for par in (False, True):

                def build(m, x=x, size=size, par=par):
                    return m.image.resize_images(
                        x, size, method=method, align_corners=False, preserve_aspect_ratio=par
                    )

                check(*both(build))
    check(*both(lambda m: m.image.resize(F32, [6, 6], method, align_corners=True)))
    for k in ("BILINEAR", "NEAREST_NEIGHBOR", "BICUBIC", "AREA"):
        assert getattr(tf.image.ResizeMethod, k) == getattr(T.image.ResizeMethod, k)


def test_resize_image_with_pad():
    for x in (F32, U8):
        for th, tw in ((9, 4), (3, 12), (6, 4)):
            for method in (0, 1):
                check(
                    *both(
                        lambda m, x=x, th=th, tw=tw, method=method: m.image.resize_image_with_pad(
                            x, th, tw, method
                        )
                    )
                )


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
            lambda m: m.image.resize_bilinear(np.zeros((4, 4, 1), np.float32), [2, 2]),
            "ValueError",
            "Shape must be rank 4 but is rank 3",
        ),
        (
            lambda m: m.image.resize_bicubic(
                np.zeros((1, 4, 4, 1), np.float32),
                [2, 2],
                align_corners=True,
                half_pixel_centers=True,
            ),
            "InvalidArgumentError",
            "If half_pixel_centers is True, align_corners must be False.",
        ),
        (
            lambda m: m.image.resize_images(np.zeros((4, 4), np.float32), [2, 2]),
            "ValueError",
            "'images' must have either 3 or 4 dimensions.",
        ),
        (
            lambda m: m.image.resize_images(np.zeros((4, 4, 1), np.float32), [2, 2, 2]),
            "ValueError",
            "'size' must be a 1-D Tensor of 2 elements",
        ),
        (
            lambda m: m.image.resize_images(np.zeros((4, 4, 1), np.float32), [2, 3], method=7),
            "ValueError",
            "Resize method is not implemented: 7",
        ),
        (
            lambda m: m.image.resize_images(np.zeros((4, 4, 1), np.float32), [2.5, 3]),
            "ValueError",
            "'size' must be a 1-D int32 Tensor",
        ),
    ],
)
def test_bad_input(build, cls, text):
    theirs, ours = _errors(build)
    assert type(theirs).__name__ == cls and text in str(theirs), theirs
    assert type(ours).__name__ == cls and text in str(ours), ours


@pytest.mark.bad_input
def test_non_positive_size_when_run():
    def build(m):
        size = m.placeholder_with_default(np.array([0, 3], np.int32), [2])
        return m.image.resize_bilinear(np.zeros((1, 4, 4, 1), np.float32), size)

    theirs, ours = _errors(build)
    assert type(theirs).__name__ == type(ours).__name__ == "InvalidArgumentError"
    assert "output dimensions must be positive" in str(ours)


def test_result_names_are_tfs():
    """The kernel-backed composites put TF's op name on their result."""

    def names(m):
        x = np.zeros((1, 4, 4, 3), np.float32)
        return [
            m.image.resize_bilinear(x, [2, 2]).name,
            m.image.resize_nearest_neighbor(x, [2, 2]).name,
            m.image.resize_bicubic(x, [2, 2]).name,
            m.image.resize_area(x, [2, 2]).name,
            m.image.resize_images(x, [2, 2]).name,
            m.image.crop_and_resize(x, [[0, 0, 1, 1.0]], [0], [2, 2]).name,
            m.image.rgb_to_hsv(x).name,
            m.image.hsv_to_rgb(x).name,
            m.image.non_max_suppression([[0, 0, 1, 1.0]], [1.0], 1).name,
            m.image.draw_bounding_boxes(x, [[[0, 0, 1, 1.0]]]).name,
            m.image.adjust_hue(x, 0.1).name,
            m.image.per_image_standardization(x).name,
        ]

    with real_tf.Graph().as_default():
        theirs = names(T)
    with tf.Graph().as_default():
        ours = names(tf)
    assert ours == theirs
