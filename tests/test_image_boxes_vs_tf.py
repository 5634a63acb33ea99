"""``tf.image``'s box and filter functions side by side with TF 2.21 ``compat.v1``:
``crop_and_resize`` (both methods, crops of one pixel, boxes past the image, gradients for
the image and the boxes), ``draw_bounding_boxes`` (default and given colours, 1/3/4
channels), ``non_max_suppression`` and its ``_with_scores`` (hard and soft), ``_overlaps``
and ``_padded`` forms (same indices, ties included), ``combined_non_max_suppression``,
``extract_glimpse`` (its noise from another generator), ``sobel_edges``, ``ssim``,
``ssim_multiscale``; ``sample_distorted_bounding_box`` (another generator: its invariants);
TF's errors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(19)
IMG = RNG.random((2, 6, 7, 3)).astype(np.float32)
BOXES = np.array(
    [[0.1, 0.2, 0.8, 0.9], [-0.2, 0.3, 1.2, 0.6], [0.5, 0.5, 0.5, 0.5], [0.9, 0.9, 0.1, 0.2]],
    np.float32,
)
BOX_IND = np.array([0, 1, 1, 0], np.int32)
NMS_BOXES = RNG.random((40, 4)).astype(np.float32)
NMS_BOXES[:, 2:] = NMS_BOXES[:, :2] + NMS_BOXES[:, 2:] * 0.5
NMS_BOXES[3] = NMS_BOXES[3, [2, 3, 0, 1]]  # flipped corners
SCORES = RNG.random(40).astype(np.float32)
SCORES[5] = SCORES[6] = SCORES[7]  # ties
NMS_BOXES[6] = NMS_BOXES[5]
OVERLAPS = RNG.random((40, 40)).astype(np.float32)
CROP_W = RNG.random((4, 3, 4, 3)).astype(np.float32)


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
        assert len(a) == len(b)
        for x, y in zip(a, b):
            check(x, y, tol)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    if a.dtype.kind in "iub":
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
@pytest.mark.parametrize("crop", [(3, 4), (1, 1), (5, 1)])
def test_crop_and_resize(method, crop):
    for img in (IMG, (IMG * 255).astype(np.uint8), IMG.astype(np.float64)):
        check(
            *both(
                lambda m, img=img: m.image.crop_and_resize(
                    img, BOXES, BOX_IND, crop, method=method, extrapolation_value=-1.5
                )
            )
        )
    check(*both(lambda m: m.image.crop_and_resize(IMG, BOXES, box_indices=BOX_IND, crop_size=crop)))


def test_crop_and_resize_gradients_and_dynamic_boxes():
    def build(m):
        i, b = m.constant(IMG), m.constant(BOXES)
        out = m.image.crop_and_resize(i, b, BOX_IND, [3, 4])
        return [out, *m.gradients(m.reduce_sum(out * CROP_W), [i, b])]

    check(*both(build))

    def dyn(m):
        b = m.placeholder_with_default(BOXES, [None, 4])
        i = m.placeholder_with_default(IMG, [None, None, None, 3])
        return m.image.crop_and_resize(i, b, BOX_IND, [2, 5])

    check(*both(dyn))


@pytest.mark.parametrize("depth", [1, 3, 4])
def test_draw_bounding_boxes(depth):
    img = RNG.random((2, 9, 8, depth)).astype(np.float32)
    boxes = RNG.random((2, 12, 4)).astype(np.float32) * 1.4 - 0.2
    boxes[0, 0] = [0.0, 0.0, 1.0, 1.0]
    boxes[1, 0] = [0.2, 0.3, 0.7, 0.6]
    for colors in (None, np.array([[1, 0, 0, 1], [0, 0.5, 1, 1], [0.2, 0.2, 0.2, 1]], np.float32)):
        check(
            *both(lambda m, colors=colors: m.image.draw_bounding_boxes(img, boxes, colors=colors))
        )


@pytest.mark.parametrize(
    "iou, score_thr, max_out", [(0.5, -np.inf, 10), (0.2, 0.3, 40), (0.7, 0.0, 3)]
)
def test_nms_family(iou, score_thr, max_out):
    check(*both(lambda m: m.image.non_max_suppression(NMS_BOXES, SCORES, max_out, iou, score_thr)))
    for sigma in (0.0, 0.5):
        check(
            *both(
                lambda m, sigma=sigma: list(
                    m.image.non_max_suppression_with_scores(
                        NMS_BOXES, SCORES, max_out, iou, score_thr, soft_nms_sigma=sigma
                    )
                )
            )
        )
    check(
        *both(
            lambda m: m.image.non_max_suppression_overlaps(
                OVERLAPS, SCORES, max_out, iou, score_thr
            )
        )
    )


@pytest.mark.parametrize("pad", [False, True])
@pytest.mark.parametrize("max_out", [5, 60])
def test_nms_padded(pad, max_out):
    """Without a score threshold TF 2.21's tiled algorithm keeps the same boxes as the greedy
    one (with one, it can keep more; tflite_core keeps TF 1.x's greedy selection)."""
    check(
        *both(
            lambda m: list(
                m.image.non_max_suppression_padded(
                    m.constant(NMS_BOXES),
                    m.constant(SCORES),
                    max_out,
                    0.5,
                    pad_to_max_output_size=pad,
                )
            )
        )
    )


@pytest.mark.parametrize("max_out", [5, 40])
def test_nms_padded_batched(max_out):
    bx = RNG.random((2, 3, 30, 4)).astype(np.float32)
    bx[..., 2:] = bx[..., :2] + bx[..., 2:] * 0.8
    sc = RNG.random((2, 3, 30)).astype(np.float32)
    check(
        *both(
            lambda m: list(
                m.image.non_max_suppression_padded(
                    m.constant(bx), m.constant(sc), max_out, 0.4, pad_to_max_output_size=True
                )
            )
        )
    )


def test_nms_dynamic_count_and_half():
    def build(m):
        b = m.placeholder_with_default(NMS_BOXES, [None, 4])
        s = m.placeholder_with_default(SCORES, [None])
        return [
            m.image.non_max_suppression(b, s, 7, 0.4),
            m.image.non_max_suppression(m.cast(b, m.float16), m.cast(s, m.float16), 7, 0.4),
        ]

    check(*both(build))


@pytest.mark.parametrize("centered", [True, False])
@pytest.mark.parametrize("normalized", [True, False])
@pytest.mark.parametrize("uniform_noise", [True, False])
def test_extract_glimpse_inside(centered, normalized, uniform_noise):
    """Glimpses inside the image: TF's values exactly (offsets truncated as the kernel)."""
    x = RNG.random((2, 8, 10, 3)).astype(np.float32)
    if normalized:
        offs = np.array([[0.1, -0.2], [0.3, 0.25]] if centered else [[0.1, 0.2], [0.3, 0.25]])
    else:
        offs = np.array([[1.0, 2.0], [3.3, -1.7]] if centered else [[1.0, 2.0], [3.3, 1.7]])
    offs = offs.astype(np.float32)
    check(
        *both(
            lambda m: m.image.extract_glimpse(x, [3, 4], offs, centered, normalized, uniform_noise)
        )
    )


def test_extract_glimpse_noise():
    """Outside the image: noise from tflite_core's generator (not TF's): the covered part is
    TF's, the rest lies within the image's range."""
    x = RNG.random((2, 8, 10, 3)).astype(np.float32)
    offs = np.array([[-0.9, 0.95], [0.0, 0.0]], np.float32)
    theirs, ours = both(lambda m: m.image.extract_glimpse(x, [5, 6], offs))
    assert theirs.shape == ours.shape == (2, 5, 6, 3)
    np.testing.assert_array_equal(theirs[1], ours[1])
    assert np.sum(theirs[0] == ours[0]) > 0
    assert x[0].min() <= ours[0].min() and ours[0].max() <= x[0].max()


@pytest.mark.parametrize("q", [1, 3])
@pytest.mark.parametrize(
    "kw",
    [
        {"max_output_size_per_class": 4, "max_total_size": 7},
        {
            "max_output_size_per_class": 4,
            "max_total_size": 30,
            "pad_per_class": True,
            "score_threshold": 0.4,
            "clip_boxes": False,
        },
        {"max_output_size_per_class": 10, "max_total_size": 5, "iou_threshold": 0.3},
    ],
)
def test_combined_non_max_suppression(q, kw):
    bx = RNG.random((2, 20, q, 4)).astype(np.float32)
    bx[..., 2:] = bx[..., :2] + bx[..., 2:] * 0.6 - 0.1
    sc = RNG.random((2, 20, 3)).astype(np.float32)
    check(*both(lambda m: list(m.image.combined_non_max_suppression(bx, sc, **kw))))


def test_filters():
    img2 = np.clip(IMG + RNG.normal(0, 0.1, IMG.shape), 0, 1).astype(np.float32)
    check(*both(lambda m: m.image.sobel_edges(m.constant(IMG))))
    big = RNG.random((2, 14, 15, 3)).astype(np.float32)
    big2 = np.clip(big + RNG.normal(0, 0.1, big.shape), 0, 1).astype(np.float32)
    check(*both(lambda m: m.image.ssim(big, big2, 1.0)))
    check(*both(lambda m: m.image.ssim(big, big2, 1.0, filter_size=5, filter_sigma=1.0)))
    u1, u2 = (big * 255).astype(np.uint8), (big2 * 255).astype(np.uint8)
    check(*both(lambda m: m.image.ssim(u1, u2, 255)))
    check(*both(lambda m: m.image.psnr(IMG, img2, 1.0)))

    def grads(m):
        x = m.constant(big)
        return m.gradients(m.reduce_sum(m.image.ssim(x, big2, 1.0)), x)[0]

    check(*both(grads))
    a = RNG.random((1, 170, 165, 2)).astype(np.float32)
    b = np.clip(a + RNG.normal(0, 0.2, a.shape), 0, 1).astype(np.float32)
    # contrast-structure terms cancel at the coarse scales: the convolutions' sum order shows
    check(*both(lambda m: m.image.ssim_multiscale(a, b, 1.0)), tol=1e-4)


def test_sample_distorted_bounding_box_invariants():
    """Random: tflite_core's generator is not TF's, so the crops differ; each must lie in the
    image, keep its area fraction and aspect ratio within the ranges (up to the kernel's
    rounding to whole pixels), cover ``min_object_covered`` of the box, and have TF's
    shapes and dtypes."""
    box = np.array([[[0.1, 0.2, 0.6, 0.7]]], np.float32)
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            m.set_random_seed(1)
            begin, size, bboxes = m.image.sample_distorted_bounding_box(
                [100, 80, 3], box, min_object_covered=0.5, area_range=[0.1, 0.9], seed=3
            )
            assert begin.dtype == size.dtype == m.int32 and bboxes.dtype == m.float32
            with m.Session() as sess:
                for _ in range(20):
                    b, s, bb = sess.run([begin, size, bboxes])
                    assert b.shape == s.shape == (3,) and bb.shape == (1, 1, 4)
                    assert b[2] == 0 and s[2] == -1
                    h, w = s[:2]
                    assert b[0] >= 0 and b[0] + h <= 100 and b[1] >= 0 and b[1] + w <= 80
                    assert 0.1 * 8000 <= h * w <= 0.9 * 8000
                    assert 0.75 - 0.05 <= w / h <= 1.33 + 0.05
                    iy = max(0, min(b[0] + h, 60) - max(b[0], 10))
                    ix = max(0, min(b[1] + w, 56) - max(b[1], 16))
                    assert iy * ix >= 0.5 * 50 * 40
                    np.testing.assert_allclose(
                        bb[0, 0], [b[0] / 100, b[1] / 80, (b[0] + h) / 100, (b[1] + w) / 80]
                    )
    with tf.Graph().as_default():  # an impossible constraint: the whole image
        begin, size, _ = tf.image.sample_distorted_bounding_box(
            [10, 10, 1], [[[0.0, 0.0, 1.0, 1.0]]], min_object_covered=1.0, area_range=[0.1, 0.5]
        )
        with tf.Session() as sess:
            b, s = sess.run([begin, size])
        assert b.tolist() == [0, 0, 0] and s.tolist() == [10, 10, -1]


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
            lambda m: m.image.crop_and_resize(IMG, BOXES, [0, 1, 2, 0], [2, 2]),
            "OutOfRangeError",
            "box_index has values outside [0, batch_size)",
        ),
        (
            lambda m: m.image.crop_and_resize(IMG, BOXES, BOX_IND, [0, 2]),
            "InvalidArgumentError",
            "crop dimensions must be positive",
        ),
        (
            lambda m: m.image.crop_and_resize(IMG[0], BOXES, BOX_IND, [2, 2]),
            "ValueError",
            "Shape must be rank 4 but is rank 3",
        ),
        (
            lambda m: m.image.draw_bounding_boxes(
                np.zeros((1, 4, 4, 2), np.float32), [[[0, 0, 1, 1]]]
            ),
            "ValueError",
            "Channel depth should be either 1 (GRY), 3 (RGB), or 4 (RGBA)",
        ),
        (
            lambda m: m.image.non_max_suppression(NMS_BOXES[None], SCORES, 3),
            "ValueError",
            "Shape must be rank 2 but is rank 3",
        ),
        (
            lambda m: m.image.non_max_suppression(NMS_BOXES, SCORES[None], 3),
            "ValueError",
            "Shape must be rank 1 but is rank 2",
        ),
        (
            lambda m: m.image.non_max_suppression(NMS_BOXES, SCORES, -1),
            "InvalidArgumentError",
            "output size must be non-negative",
        ),
        (
            lambda m: m.image.non_max_suppression(NMS_BOXES, SCORES, 3, iou_threshold=1.5),
            "InvalidArgumentError",
            "iou_threshold must be in [0, 1]",
        ),
        (
            lambda m: m.image.sample_distorted_bounding_box(
                [10, 10, 1], np.zeros((1, 0, 4), np.float32)
            )[0],
            "InvalidArgumentError",
            "No bounding boxes provided as input.",
        ),
        (
            lambda m: m.image.sample_distorted_bounding_box([10, 10, 1], [[[0, 0, 1.5, 1]]])[0],
            "InvalidArgumentError",
            "All bounding box coordinates must be in [0.0, 1.0]",
        ),
    ],
)
def test_bad_input(build, cls, text):
    theirs, ours = _errors(build)
    assert type(theirs).__name__ == cls and text in str(theirs), theirs
    assert type(ours).__name__ == cls and text in str(ours), ours


def test_inception_style_preprocessing():
    """The classic TF 1.x augmentation program (distorted box crop, resize, flip, colour
    jitter, standardisation) runs on images of sizes known only when run; random, so its
    results are compared with TF's by shape, dtype and standardised statistics."""

    def build(m):
        img = m.placeholder(m.uint8, [None, None, 3])
        image = m.image.convert_image_dtype(img, m.float32)
        begin, size, _ = m.image.sample_distorted_bounding_box(
            m.shape(image),
            bounding_boxes=m.zeros([1, 0, 4]),
            min_object_covered=0.1,
            use_image_if_no_bounding_boxes=True,
        )
        out = m.image.resize_images(m.slice(image, begin, size), [32, 32])
        out.set_shape([32, 32, 3])
        out = m.image.random_flip_left_right(out)
        out = m.image.random_brightness(out, max_delta=32.0 / 255.0)
        out = m.image.random_saturation(out, lower=0.5, upper=1.5)
        out = m.image.random_hue(out, max_delta=0.2)
        out = m.image.random_contrast(out, lower=0.5, upper=1.5)
        return img, m.image.per_image_standardization(m.clip_by_value(out, 0.0, 1.0))

    data = (RNG.random((50, 60, 3)) * 255).astype(np.uint8)
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            img, out = build(m)
            assert out.shape.as_list() == [32, 32, 3]
            with m.Session() as sess:
                v = sess.run(out, {img: data})
        assert v.shape == (32, 32, 3) and v.dtype == np.float32
        assert abs(v.mean()) < 1e-5 and abs(v.std() - 1) < 1e-3
