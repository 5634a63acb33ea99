"""``tf.image``'s geometry, dtype and statistics functions side by side with TF 2.21
``compat.v1``: flips, ``rot90``, ``transpose``, crops and pads (static and placeholder shapes),
``central_crop``, ``resize_image_with_crop_or_pad``, ``convert_image_dtype`` between every
pair of dtypes (bit-exact, with and without saturation), ``per_image_standardization``,
``total_variation``, ``image_gradients``, ``psnr``, the random flips (their values come from a
different generator, so their invariants are checked), and TF's errors for bad input."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(16)
IMG = RNG.random((5, 7, 3)).astype(np.float32)
BATCH = RNG.random((2, 5, 7, 3)).astype(np.float32)
U8 = (RNG.random((2, 6, 4, 3)) * 256).astype(np.uint8)


def both(build, feeds=()):
    """Runs ``build(module, *placeholders)`` in TF and here; ``feeds``: (value, shape)."""
    out = []
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            phs = [m.placeholder(m.as_dtype(v.dtype), s) for v, s in feeds]
            fetch = build(m, *phs)
            with m.Session() as sess:
                out.append(sess.run(fetch, {p: v for p, (v, _) in zip(phs, feeds)}))
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
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("fn", ["flip_left_right", "flip_up_down", "transpose", "rot90"])
@pytest.mark.parametrize("x", [IMG, BATCH, U8], ids=["3d", "4d", "uint8"])
def test_geometry(fn, x):
    check(*both(lambda m: getattr(m.image, fn)(m.constant(x))))
    # unknown height and width
    shape = [None] * (x.ndim - 1) + [3]
    check(*both(lambda m, p: getattr(m.image, fn)(p), [(x, shape)]))


@pytest.mark.parametrize("k", [0, 1, 2, 3, -1, 6])
def test_rot90_k(k):
    check(*both(lambda m: m.image.rot90(m.constant(BATCH), k)))


@pytest.mark.parametrize("x", [IMG, BATCH, U8], ids=["3d", "4d", "uint8"])
def test_rot90_k_known_when_run(x):
    """``k`` from a placeholder on non-square images, with the gradient."""
    for k in range(-1, 5):

        def build(m, k=k):
            xt = m.constant(x)
            out = m.image.rot90(xt, m.placeholder_with_default(np.int32(k), []))
            if x.dtype == np.uint8:
                return out
            return [out, m.gradients(m.reduce_sum(out * out), xt)[0]]

        check(*both(build))


def test_geometry_static_shapes():
    for m in (T, tf):
        with (real_tf.Graph() if m is T else tf.Graph()).as_default():
            p = m.placeholder(m.float32, [None, 7, 3])
            assert m.image.flip_left_right(p).shape.as_list() == [None, 7, 3]
            assert m.image.transpose_image(p).shape.as_list() == [7, None, 3]
            q = m.placeholder(m.float32, [2, 5, 7, 3])
            assert m.image.transpose(q).shape.as_list() == [2, 7, 5, 3]


@pytest.mark.parametrize("x", [IMG, BATCH, U8], ids=["3d", "4d", "uint8"])
def test_crop_pad(x):
    check(*both(lambda m: m.image.crop_to_bounding_box(m.constant(x), 1, 2, 3, 2)))
    check(*both(lambda m: m.image.pad_to_bounding_box(m.constant(x), 1, 2, 9, 10)))
    for th, tw in [(3, 2), (9, 10), (4, 9), (x.shape[-3], x.shape[-2])]:
        check(*both(lambda m, th=th, tw=tw: m.image.resize_image_with_crop_or_pad(x, th, tw)))
        check(*both(lambda m, th=th, tw=tw: m.image.resize_with_crop_or_pad(x, th, tw)))


def test_crop_pad_dynamic():
    shape = [None, None, None]

    def build(m, p):
        return [
            m.image.crop_to_bounding_box(p, 1, 2, 3, 2),
            m.image.pad_to_bounding_box(p, 1, 2, 9, 10),
            m.image.resize_image_with_crop_or_pad(p, 4, 9),
        ]

    check(*both(build, [(IMG, shape)]))
    for m in (T, tf):
        with (real_tf.Graph() if m is T else tf.Graph()).as_default():
            p = m.placeholder(m.float32, [None, None, 3])
            assert m.image.crop_to_bounding_box(p, 1, 2, 3, 2).shape.as_list() == [3, 2, 3]
            assert m.image.pad_to_bounding_box(p, 1, 2, 9, 10).shape.as_list() == [9, 10, 3]


@pytest.mark.parametrize("frac", [0.5, 0.33, 1.0, 0.9])
def test_central_crop(frac):
    for x in (IMG, BATCH, U8):
        check(*both(lambda m, x=x: m.image.central_crop(m.constant(x), frac)))
    check(*both(lambda m, p: m.image.central_crop(p, frac), [(BATCH, [None, None, None, 3])]))


DTYPES = ["uint8", "int8", "uint16", "int16", "int32", "int64", "float16", "float32", "float64"]


@pytest.mark.parametrize("src", DTYPES)
@pytest.mark.parametrize("saturate", [False, True])
def test_convert_image_dtype(src, saturate):
    if np.dtype(src).kind == "f":
        x = np.concatenate([RNG.random(20), [0.0, 0.5, 1.0, 0.999, 1.2, -0.1]]).astype(src)
    else:
        info = np.iinfo(src)
        x = np.concatenate([RNG.integers(0, info.max, 20), [0, 1, info.max]]).astype(src)
    for dst in DTYPES:
        if np.dtype(src).kind == "f" and np.dtype(dst).kind != "f" and not saturate:
            xs = np.clip(x, 0, 1)  # out-of-range floats overflow the cast (undefined in C++)
        else:
            xs = x
        if src == "float16" and np.dtype(dst).kind in "iu":
            continue  # TF's scale (dtype.max + 0.5) overflows float16 itself
        a, b = both(
            lambda m, xs=xs, dst=dst: m.image.convert_image_dtype(
                m.constant(xs), dst, saturate=saturate
            )
        )
        check(a, b, tol=1e-3 if "float16" in (src, dst) else 1e-6)


def test_per_image_standardization_and_stats():
    for x in (IMG, BATCH, U8, np.ones((3, 4, 1), np.float32)):
        check(*both(lambda m, x=x: m.image.per_image_standardization(m.constant(x))))
    check(*both(lambda m: m.image.total_variation(m.constant(BATCH))))
    check(*both(lambda m: m.image.total_variation(m.constant(IMG))))
    check(*both(lambda m: list(m.image.image_gradients(m.constant(BATCH)))))
    b2 = np.clip(BATCH + RNG.normal(0, 0.1, BATCH.shape), 0, 1).astype(np.float32)
    check(*both(lambda m: m.image.psnr(m.constant(BATCH), m.constant(b2), 1.0)))
    u2 = (U8 // 2 + 3).astype(np.uint8)
    check(*both(lambda m: m.image.psnr(m.constant(U8), m.constant(u2), 255)))


def test_stats_gradients():
    def build(m):
        x = m.constant(BATCH)
        loss = m.reduce_sum(m.image.per_image_standardization(x) ** 2 * 0.3)
        loss += m.reduce_sum(m.image.total_variation(x))
        return m.gradients(loss, x)[0]

    check(*both(build))


def test_random_flips_invariants():
    """Random: TF's generator differs, so each output must be the image or its mirror, both
    occur, and a seeded graph repeats itself run to run with a fixed graph seed."""
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        x = tf.constant(BATCH)
        lr = tf.image.random_flip_left_right(x, seed=1)
        ud = tf.image.random_flip_up_down(tf.constant(IMG), seed=2)
        assert lr.shape.as_list() == [2, 5, 7, 3] and ud.shape.as_list() == [5, 7, 3]
        seen = set()
        with tf.Session() as sess:
            for _ in range(30):
                a, b = sess.run([lr, ud])
                for i in range(2):
                    same = np.array_equal(a[i], BATCH[i])
                    assert same or np.array_equal(a[i], BATCH[i, :, ::-1])
                    seen.add(same)
                assert np.array_equal(b, IMG) or np.array_equal(b, IMG[::-1])
        assert seen == {True, False}
    runs = []
    for _ in range(2):
        with tf.Graph().as_default():
            tf.set_random_seed(5)
            out = tf.image.random_flip_left_right(tf.constant(BATCH), seed=7)
            with tf.Session() as sess:
                runs.append([sess.run(out) for _ in range(3)])
    np.testing.assert_array_equal(runs[0], runs[1])


def test_extract_patches_and_random_crop():
    x = RNG.random((1, 6, 6, 2)).astype(np.float32)
    check(
        *both(
            lambda m: m.image.extract_patches(x, [1, 2, 3, 1], [1, 2, 2, 1], [1, 1, 1, 1], "SAME")
        )
    )
    check(
        *both(
            lambda m: m.image.extract_image_patches(
                x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 2, 2, 1], "VALID"
            )
        )
    )
    with tf.Graph().as_default():
        c = tf.image.random_crop(tf.constant(IMG), [3, 4, 3], seed=1)
        with tf.Session() as sess:
            v = sess.run(c)
        hits = [
            (i, j)
            for i in range(3)
            for j in range(4)
            if np.array_equal(IMG[i : i + 3, j : j + 4], v)
        ]
        assert c.shape.as_list() == [3, 4, 3] and len(hits) == 1


def _errors(build):
    """The error class and message of ``build`` (graph build and run) in TF and here."""
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


def _same_error(build, cls_name, text):
    theirs, ours = _errors(build)
    assert type(theirs).__name__ == cls_name and text in str(theirs), theirs
    assert type(ours).__name__ == cls_name and text in str(ours), ours


@pytest.mark.bad_input
def test_bad_rank_and_boxes():
    _same_error(lambda m: m.image.flip_left_right(m.zeros([3, 4])), "ValueError", "must be")
    _same_error(
        lambda m: m.image.rot90(m.zeros([1, 2, 3, 4, 5])), "ValueError", "3 or 4 dimensions"
    )
    _same_error(
        lambda m: m.image.crop_to_bounding_box(m.zeros([4, 4, 1]), 2, 0, 3, 3),
        "ValueError",
        "height must be >= target + offset.",
    )
    _same_error(
        lambda m: m.image.crop_to_bounding_box(m.zeros([4, 4, 1]), -1, 0, 3, 3),
        "ValueError",
        "offset_height must be >= 0.",
    )
    _same_error(
        lambda m: m.image.pad_to_bounding_box(m.zeros([4, 4, 1]), 2, 0, 5, 5),
        "ValueError",
        "height must be <= target - offset",
    )
    _same_error(
        lambda m: m.image.resize_image_with_crop_or_pad(m.zeros([4, 4, 1]), 0, 3),
        "ValueError",
        "target_height must be > 0.",
    )
    _same_error(
        lambda m: m.image.central_crop(m.zeros([4, 4, 1]), 1.5),
        "ValueError",
        "central_fraction must be within (0, 1]",
    )
    _same_error(
        lambda m: m.image.image_gradients(m.zeros([4, 4, 1])),
        "ValueError",
        "image_gradients expects a 4D tensor",
    )
    _same_error(
        lambda m: m.image.total_variation(m.zeros([4, 4])),
        "ValueError",
        "'images' must be either 3 or 4-dimensional.",
    )


@pytest.mark.bad_input
def test_bad_crop_when_run():
    """A crop window past the image, known only when run: InvalidArgumentError in both (TF's
    from its Assert; here the plan's shape check of the Slice fires first, naming the op)."""

    def build(m):
        p = m.placeholder_with_default(np.zeros((4, 4, 1), np.float32), [None, None, 1])
        return m.image.crop_to_bounding_box(p, 2, 0, 3, 3)

    theirs, ours = _errors(build)
    assert type(theirs).__name__ == type(ours).__name__ == "InvalidArgumentError"
    assert "height must be >= target + offset." in str(theirs)
    assert "crop_to_bounding_box" in str(ours)


@pytest.mark.bad_input
def test_convert_image_dtype_bad_dtype():
    _same_error(
        lambda m: m.image.convert_image_dtype(m.zeros([2, 2, 1]), m.bool),
        "AttributeError",
        "dtype must be either floating point or integer",
    )
