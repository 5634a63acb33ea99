"""``tf.image``'s encoders and JPEG helpers side by side with TF 2.21 ``compat.v1``:
encode_jpeg's bytes decoded by TF equal TF's own encode -> decode round trip bit for bit (both
are libjpeg with the ISLOW DCT and TF's quantisation tables; the bytes themselves differ only in
Huffman tables and markers), its JFIF density as TF writes it; encode_png lossless at 8 and 16
bits; extract_jpeg_shape, is_jpeg, decode_and_crop_jpeg, adjust_jpeg_quality (TF's decoded
pixels) and random_jpeg_quality (its range, its seeds); a decode -> resize -> cast -> kernel
pipeline; TF's errors for bad input, after which the session keeps working."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
import tensorflow as real_tf
from test_image_codecs_vs_tf import (
    ASTRONAUT,
    CHELSEA,
    GIF,
    JPEGS,
    PNGS,
    WEBPS,
    check_same,
    run,
)

import tflite_core as tf

T = real_tf.compat.v1

GRAY = CHELSEA[..., 1:2].copy()


def run_value(m, build):
    g = m.Graph()
    with g.as_default(), m.Session(graph=g) as sess:
        return sess.run(build(m))


def tf_decode(data: bytes) -> np.ndarray:
    return run(T, lambda m, s: m.image.decode_jpeg(s, dct_method="INTEGER_ACCURATE"), data)


ENCODE_OPTIONS = {
    "default": {},
    "q50": {"quality": 50},
    "q5_444": {"quality": 5, "chroma_downsampling": False},
    "q100": {"quality": 100},
    "progressive": {"progressive": True, "quality": 80},
    "optimize_size": {"optimize_size": True},
    "rgb_format": {"format": "rgb", "quality": 70},
}


@pytest.mark.parametrize("opts", ENCODE_OPTIONS.values(), ids=ENCODE_OPTIONS.keys())
@pytest.mark.parametrize("image", [CHELSEA, ASTRONAUT], ids=["chelsea", "astronaut"])
def test_encode_jpeg_decodes_as_tfs_round_trip(image, opts):
    ours = run_value(tf, lambda m: m.image.encode_jpeg(m.constant(image), **opts))
    theirs = run_value(T, lambda m: m.image.encode_jpeg(m.constant(image), **opts))
    assert ours[:3] == b"\xff\xd8\xff"
    np.testing.assert_array_equal(tf_decode(ours), tf_decode(theirs))


@pytest.mark.parametrize("fmt", ["", "grayscale"])
def test_encode_jpeg_grayscale(fmt):
    ours = run_value(tf, lambda m: m.image.encode_jpeg(GRAY, format=fmt, quality=60))
    theirs = run_value(T, lambda m: m.image.encode_jpeg(GRAY, format=fmt, quality=60))
    a, b = tf_decode(ours), tf_decode(theirs)
    assert a.shape == (120, 157, 1)
    np.testing.assert_array_equal(a, b)


def test_encode_jpeg_density_and_xmp():
    kw = {"density_unit": "cm", "x_density": 72, "y_density": 150, "xmp_metadata": "<x:xmpmeta/>"}
    ours = run_value(tf, lambda m: m.image.encode_jpeg(CHELSEA[:16, :16], **kw))
    theirs = run_value(T, lambda m: m.image.encode_jpeg(CHELSEA[:16, :16], **kw))
    assert ours[11:18] == theirs[11:18]  # JFIF version, units, densities
    assert b"<x:xmpmeta/>" in ours and b"http://ns.adobe.com/xap/1.0/" in ours


@pytest.mark.parametrize("compression", [-1, 0, 9])
@pytest.mark.parametrize("channels", [1, 2, 3, 4])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_encode_png_is_lossless_for_tf(dtype, channels, compression):
    rng = np.random.default_rng(channels)
    image = rng.integers(0, np.iinfo(dtype).max, (9, 13, channels), endpoint=True).astype(dtype)
    ours = run_value(tf, lambda m: m.image.encode_png(image, compression=compression))
    back = run(T, lambda m, s: m.image.decode_png(s, dtype=m.as_dtype(dtype)), ours)
    np.testing.assert_array_equal(back, image)
    # and our decoder reads it as TF's does
    check_same(lambda m, s: m.image.decode_png(s, dtype=m.as_dtype(dtype)), ours)


@pytest.mark.parametrize("output_type", ["int32", "int64"])
@pytest.mark.parametrize("name", ["q95_420", "gray", "q75_422"])
def test_extract_jpeg_shape(name, output_type):
    out = check_same(
        lambda m, s: m.image.extract_jpeg_shape(s, output_type=getattr(m, output_type)),
        JPEGS[name],
    )
    assert out.dtype == np.dtype(output_type) and out[2] == (1 if name == "gray" else 3)


def test_is_jpeg():
    for data in (JPEGS["q95_420"], PNGS["rgb8"], GIF, b"", b"\xff\xd8"):
        assert check_same(lambda m, s: m.image.is_jpeg(s), data) == data.startswith(b"\xff\xd8\xff")


WINDOWS = [[0, 0, 120, 157], [3, 5, 40, 33], [16, 16, 16, 16], [100, 150, 20, 7]]


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize(
    "name, opts",
    [
        ("q50_444", {}),
        ("gray", {}),
        ("q95_420", {"fancy_upscaling": False}),
        ("q95_420", {"channels": 1}),
        ("q50_444", {"dct_method": "INTEGER_ACCURATE"}),
    ],
)
def test_decode_and_crop_jpeg_exact(name, opts, window):
    out = check_same(lambda m, s: m.image.decode_and_crop_jpeg(s, window, **opts), JPEGS[name])
    assert out.shape[:2] == tuple(window[2:])


@pytest.mark.parametrize("window", WINDOWS)
def test_decode_and_crop_jpeg_subsampled_chroma(window):
    """A 4:2:0 JPEG with fancy upsampling: TF's libjpeg-turbo decodes the window alone and
    upsamples its chroma with the window's edges as image edges; ours crops the full decode. The
    two differ only in the window's first and last column, by at most 2."""
    build = lambda m, s: m.image.decode_and_crop_jpeg(s, window)  # noqa: E731
    ours, theirs = run(tf, build, JPEGS["q95_420"]), run(T, build, JPEGS["q95_420"])
    assert ours.shape == theirs.shape == (window[2], window[3], 3)
    np.testing.assert_array_equal(ours[:, 1:-1], theirs[:, 1:-1])
    assert np.abs(ours.astype(int) - theirs).max() <= 2


@pytest.mark.parametrize("quality", [5, 50, 90])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_adjust_jpeg_quality(dtype, quality):
    image = CHELSEA if dtype == "uint8" else (CHELSEA / 255.0).astype(np.float32)

    def build(m):
        q = m.constant(quality) if quality == 50 else quality  # a tensor or a Python int
        return m.image.adjust_jpeg_quality(m.constant(image), q)

    ours, theirs = run_value(tf, build), run_value(T, build)
    assert ours.dtype == theirs.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(ours, theirs)


def test_random_jpeg_quality_range_and_seeds():
    image = ASTRONAUT[:32, :32]

    def qualities(seed):
        outs = []
        g = tf.Graph()
        with g.as_default():
            tf.set_random_seed(seed)
            out = tf.image.random_jpeg_quality(image, 20, 60)
            with tf.Session() as sess:
                outs = [sess.run(out) for _ in range(4)]
        return outs

    a, b = qualities(1), qualities(1)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)  # the same seed, the same qualities
    # every output is the image at some quality in [20, 60)
    cands = [
        run_value(T, lambda m, q=q: m.image.adjust_jpeg_quality(image, q)) for q in range(20, 60)
    ]
    for x in a:
        assert any(np.array_equal(x, c) for c in cands)
    assert len({x.tobytes() for x in a}) > 1  # drawn anew each run
    with pytest.raises(ValueError, match="must be less than"):
        tf.image.random_jpeg_quality(image, 60, 20)
    with pytest.raises(ValueError, match="between 0 and 100"):
        tf.image.random_jpeg_quality(image, 20, 160)


def test_pipeline_decode_resize_cast_kernels():
    data = JPEGS["q75_422"]

    def build(m, s):
        image = m.image.decode_jpeg(s, channels=3)
        small = m.image.resize_bilinear(m.expand_dims(image, 0), [32, 40])
        x = m.cast(small, m.float32) / 255.0
        w = m.constant(np.linspace(-1, 1, 3 * 3 * 3 * 4, dtype=np.float32).reshape(3, 3, 3, 4))
        y = m.nn.relu(m.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"))
        return [m.reduce_mean(y, [1, 2]), m.shape(image), m.image.rgb_to_grayscale(x)]

    ours, theirs = run(tf, build, data), run(T, build, data)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_try_recover_truncated():
    """A JPEG cut at two thirds: both decode it whole; the rows before the cut's MCU row are
    TF's, the rows after it mid-gray as TF's; TF's source manager recovers a little more of the
    cut MCU rows (rows 63..96 here differ; documented in image_codec_ops)."""
    data = JPEGS["q95_420"][: len(JPEGS["q95_420"]) * 2 // 3]
    kw = {"try_recover_truncated": True, "acceptable_fraction": 0.5}
    ours = run(tf, lambda m, s: m.image.decode_jpeg(s, **kw), data)
    theirs = run(T, lambda m, s: m.image.decode_jpeg(s, **kw), data)
    assert ours.shape == theirs.shape == (120, 157, 3)
    np.testing.assert_array_equal(ours[:63], theirs[:63])
    np.testing.assert_array_equal(ours[97:], theirs[97:])
    assert (ours[97:] == 128).all()
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid JPEG data"):
        run(tf, lambda m, s: m.image.decode_jpeg(s), data)  # (without recovery: TF's error)


BAD = {
    "corrupt_jpeg": (
        lambda m, s: m.image.decode_jpeg(s),
        JPEGS["q95_420"][:2000] + b"\x00" * 50,
        "Invalid JPEG data or crop window",
    ),
    "truncated_png": (
        lambda m, s: m.image.decode_png(s),
        PNGS["rgb8"][:900],
        "Invalid PNG data",
    ),
    "not_an_image": (
        lambda m, s: m.image.decode_image(s),
        b"hello, world",
        "Unknown image file format. One of JPEG, JPEG XL, PNG, GIF, BMP, WebP required.",
    ),
    "bad_channels": (lambda m, s: m.image.decode_png(s, channels=2), PNGS["rgb8"], "0, 1, 3 or 4"),
    "jpeg_4_channels": (
        lambda m, s: m.image.decode_jpeg(s, channels=4),
        JPEGS["gray"],
        "JPEG does not support 4 channels",
    ),
    "gif_1_channel": (lambda m, s: m.image.decode_image(s, channels=1), GIF, "0 or 3 for GIF"),
    "animated_gif_in_decode_png": (lambda m, s: m.image.decode_png(s), GIF, "Got 3 frames"),
    "png_in_decode_bmp": (lambda m, s: m.image.decode_bmp(s), PNGS["rgb8"], "using DecodeBmp op"),
    "png_in_decode_and_crop": (
        lambda m, s: m.image.decode_and_crop_jpeg(s, [0, 0, 2, 2]),
        PNGS["rgb8"],
        "can run on JPEG only",
    ),
    "crop_outside": (
        lambda m, s: m.image.decode_and_crop_jpeg(s, [100, 0, 40, 10]),
        JPEGS["q95_420"],
        "Invalid JPEG data or crop window",
    ),
    "truncated_webp": (
        lambda m, s: m.image.decode_webp(s),
        WEBPS["lossy_rgb"][:300],
        "Failed to decode WebP image.",
    ),
    "webp_1_channel": (
        lambda m, s: m.image.decode_image(s, channels=1),
        WEBPS["lossy_rgb"],
        "WebP only supports 3 or 4 channels",
    ),
    "webp_channels_mismatch": (
        lambda m, s: m.image.decode_webp(s, channels=4),
        WEBPS["lossy_rgb"],
        "Number of channels requested does not match input",
    ),
    "webp_float32": (
        lambda m, s: m.image.decode_image(s, dtype=m.float32),
        WEBPS["lossy_rgb"],
        "WebP only supports uint8 for dtype",
    ),
    "shape_of_png": (lambda m, s: m.image.extract_jpeg_shape(s), PNGS["rgb8"], "Invalid JPEG"),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("case", BAD)
def test_bad_input_raises_tfs_error_and_the_session_keeps_working(case):
    build, data, msg = BAD[case]
    for m in (tf, T):
        g = m.Graph()
        with g.as_default():
            p = m.placeholder(m.string, [])
            out = build(m, p)
            good = m.image.decode_jpeg(p)
            with m.Session(graph=g) as sess:
                with pytest.raises(m.errors.InvalidArgumentError, match=msg.replace(".", r"\.")):
                    sess.run(out, {p: data})
                assert sess.run(good, {p: JPEGS["gray"]}).shape == (120, 157, 1)


@pytest.mark.bad_input
def test_bad_input_at_graph_build_as_tf():
    for m in (tf, T):
        with m.Graph().as_default():
            with pytest.raises(ValueError, match="must be rank 0"):
                m.image.decode_jpeg(m.placeholder(m.string, [2]))
            with pytest.raises(ValueError, match="must be at least rank 3"):
                m.image.encode_png(m.placeholder(m.uint8, [4, 4]))
            with pytest.raises(TypeError):
                m.image.encode_jpeg(m.placeholder(m.float32, [4, 4, 3]))
            with pytest.raises(TypeError):
                m.image.decode_png(m.placeholder(m.string, []), dtype=m.float32)
    for m in (tf, T):  # the encoders' runtime checks
        with m.Graph().as_default(), m.Session() as sess:
            with pytest.raises(m.errors.InvalidArgumentError, match="1 or 3 channels"):
                sess.run(m.image.encode_jpeg(np.zeros((4, 4, 2), np.uint8)))
            with pytest.raises(m.errors.InvalidArgumentError, match="expects 1 channels"):
                sess.run(m.image.encode_jpeg(np.zeros((4, 4, 3), np.uint8), format="grayscale"))
            with pytest.raises(m.errors.InvalidArgumentError, match="1, 2, 3, or 4 channels"):
                sess.run(m.image.encode_png(np.zeros((4, 4, 5), np.uint8)))


def test_bundled_astronaut_round_trip_through_png_and_jpeg_constants():
    image = skimage.data.astronaut()[:64, :64]

    def build(m, _):
        png = m.image.encode_png(m.constant(image))
        return [
            m.image.decode_png(png),
            m.image.decode_jpeg(m.image.encode_jpeg(image, quality=90)),
        ]

    ours, theirs = run(tf, build, b""), run(T, build, b"")
    np.testing.assert_array_equal(ours[0], image)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])
