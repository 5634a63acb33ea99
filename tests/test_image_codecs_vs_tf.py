"""The image decoders of ``tf.image`` side by side with TF 2.21 ``compat.v1``, on images made
here (NumPy patterns and scikit-image's bundled photographs, encoded with Pillow or TF): JPEG for
every quality/subsampling variant, ``dct_method``, ``fancy_upscaling`` and ``ratio`` bit-exact;
PNG at 8 and 16 bits with 1 to 4 channels and every ``channels`` conversion; animated GIF; BMP;
``decode_image``'s dispatch, dtypes and ``expand_animations``; strings fed through placeholders
and given as constants; TF's static shapes. Encoders, the JPEG helpers, a pipeline and bad input
are in test_image_codecs_more_vs_tf.py."""

from __future__ import annotations

import io

import numpy as np
import pytest
import skimage.data
import tensorflow as real_tf
from PIL import Image

import tflite_core as tf

T = real_tf.compat.v1

CHELSEA = skimage.data.chelsea()[:120, :157]  # odd sizes: partial MCUs at the edges
ASTRONAUT = skimage.data.astronaut()[::4, ::4]


def pil_bytes(array: np.ndarray, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, fmt, **kw)
    return buf.getvalue()


def run(m, build, data):
    """``build(m, contents)`` on ``data`` fed through a string placeholder, in module ``m``'s
    graph and session."""
    g = m.Graph()
    with g.as_default():
        p = m.placeholder(m.string, [])
        out = build(m, p)
        with m.Session(graph=g) as sess:
            return sess.run(out, {p: data})


def check_same(build, data):
    ours, theirs = run(tf, build, data), run(T, build, data)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)
    return ours


JPEGS = {
    "q95_420": pil_bytes(CHELSEA, "JPEG", quality=95),
    "q50_444": pil_bytes(CHELSEA, "JPEG", quality=50, subsampling=0),
    "q75_422": pil_bytes(ASTRONAUT, "JPEG", quality=75, subsampling=1),
    "q20_420_progressive": pil_bytes(ASTRONAUT, "JPEG", quality=20, progressive=True),
    "gray": pil_bytes(CHELSEA[..., 1], "JPEG", quality=85),
}
JPEG_OPTIONS = {
    "default": {},
    "integer_fast": {"dct_method": "INTEGER_FAST"},
    "integer_accurate": {"dct_method": "INTEGER_ACCURATE"},
    "no_fancy_upscaling": {"fancy_upscaling": False},
    "accurate_no_fancy": {"dct_method": "INTEGER_ACCURATE", "fancy_upscaling": False},
    "ratio2": {"ratio": 2},
    "ratio4": {"ratio": 4},
    "ratio8_accurate": {"ratio": 8, "dct_method": "INTEGER_ACCURATE"},
    "gray_out": {"channels": 1},
    "rgb_out": {"channels": 3},
}


@pytest.mark.parametrize("opts", JPEG_OPTIONS.values(), ids=JPEG_OPTIONS.keys())
@pytest.mark.parametrize("name", JPEGS)
def test_decode_jpeg_bit_exact(name, opts):
    out = check_same(lambda m, s: m.image.decode_jpeg(s, **opts), JPEGS[name])
    assert out.dtype == np.uint8 and out.ndim == 3 and out.std() > 10


def test_decode_jpeg_from_a_constant_and_the_static_shape():
    data = JPEGS["q95_420"]

    def build(m, _):
        c = m.constant(data)
        d0, d3 = m.image.decode_jpeg(c), m.image.decode_jpeg(c, channels=3, ratio=2)
        assert d0.shape.as_list() == [None, None, None]
        assert d3.shape.as_list() == [None, None, 3]
        return d3

    out = check_same(build, b"")
    assert out.shape == (60, 79, 3)


PNG_IMAGES = {
    "gray8": CHELSEA[..., 0],
    "rgb8": CHELSEA,
    "rgba8": np.dstack([ASTRONAUT, ASTRONAUT[..., 0]]),
    "gray_alpha8": np.dstack([CHELSEA[..., 0], CHELSEA[..., 2]]),
}
# 16-bit PNGs written by TF's encoder (libpng's adaptive filters: Sub, Up, Average, Paeth)
_RNG = np.random.default_rng(0)
_SMOOTH = (CHELSEA[:40, :48].astype(np.uint16) * 257 + _RNG.integers(0, 255, (40, 48, 3))).astype(
    np.uint16
)
PNG16_IMAGES = {
    "gray16": _SMOOTH[..., :1],
    "gray_alpha16": _SMOOTH[..., :2],
    "rgb16": _SMOOTH,
    "rgba16": np.dstack([_SMOOTH, _SMOOTH[..., :1] ^ 0x5A5A]),
}


def tf_png(image: np.ndarray) -> bytes:
    with T.Session(graph=T.Graph()) as sess:
        return sess.run(T.image.encode_png(image))


PNGS = {k: pil_bytes(v, "PNG") for k, v in PNG_IMAGES.items()}
PNGS.update({k: tf_png(v) for k, v in PNG16_IMAGES.items()})


def _palette_png() -> bytes:
    buf = io.BytesIO()
    Image.fromarray(CHELSEA).quantize(16).save(buf, "PNG")
    return buf.getvalue()


PNGS["palette"] = _palette_png()


@pytest.mark.parametrize("channels", [0, 1, 3, 4])
@pytest.mark.parametrize("name", PNGS)
def test_decode_png_exact(name, channels):
    if name == "palette" and channels == 4:  # (TF 2.21 gives an alpha of 15 here: left out)
        channels = 3
    out = check_same(lambda m, s: m.image.decode_png(s, channels=channels), PNGS[name])
    src = PNG_IMAGES.get(name)
    if src is not None and channels == 0:
        np.testing.assert_array_equal(out, src.reshape(out.shape))


@pytest.mark.parametrize("name", ["gray8", "rgba8", "gray16", "rgb16", "rgba16"])
def test_decode_png_uint16(name):
    out = check_same(lambda m, s: m.image.decode_png(s, dtype=m.uint16), PNGS[name])
    assert out.dtype == np.uint16
    if name.endswith("16"):
        np.testing.assert_array_equal(out, PNG16_IMAGES[name])


def _animated_gif() -> bytes:
    frames = [Image.fromarray(a) for a in (CHELSEA, 255 - CHELSEA, CHELSEA[:, ::-1].copy())]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=50)
    return buf.getvalue()


GIF = _animated_gif()
GIF1 = pil_bytes(ASTRONAUT, "GIF")
BMP = pil_bytes(CHELSEA, "BMP")


def test_decode_gif_animated_and_single():
    out = check_same(lambda m, s: m.image.decode_gif(s), GIF)
    assert out.shape == (3, 120, 157, 3) and not np.array_equal(out[0], out[1])
    assert check_same(lambda m, s: m.image.decode_gif(s), GIF1).shape[0] == 1
    # a JPEG read by decode_gif: one frame, as TF
    assert check_same(lambda m, s: m.image.decode_gif(s), JPEGS["q95_420"]).shape[0] == 1


@pytest.mark.parametrize("channels", [0, 3, 4])
def test_decode_bmp_exact(channels):
    out = check_same(lambda m, s: m.image.decode_bmp(s, channels=channels), BMP)
    if channels in (0, 3):
        np.testing.assert_array_equal(out, CHELSEA)


IMAGE_CASES = {
    "jpeg": JPEGS["q50_444"],
    "png_rgba": PNGS["rgba8"],
    "png16": PNGS["rgb16"],
    "gif_animated": GIF,
    "gif_single": GIF1,
    "bmp": BMP,
}


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"expand_animations": False},
        {"channels": 3},
        {"channels": 3, "expand_animations": False},
        {"dtype": "float32"},
        {"dtype": "uint16"},
    ],
    ids=["default", "no_expand", "rgb", "rgb_no_expand", "float32", "uint16"],
)
@pytest.mark.parametrize("name", IMAGE_CASES)
def test_decode_image_dispatch(name, kw):
    def build(m, s):
        args = dict(kw)
        if "dtype" in args:
            args["dtype"] = getattr(m, args["dtype"])
        return m.image.decode_image(s, **args)

    out = check_same(build, IMAGE_CASES[name])
    gif_4d = name.startswith("gif") and kw.get("expand_animations", True)
    assert out.ndim == (4 if gif_4d else 3)


def test_decode_image_float64_is_converted_and_static_shapes():
    def build(m, s):
        a = m.image.decode_image(s)
        b = m.image.decode_image(s, channels=3, expand_animations=False)
        assert a.shape.ndims is None and b.shape.as_list() == [None, None, 3]
        return m.image.decode_image(s, dtype=m.float64)

    out = check_same(build, PNGS["rgb16"])
    assert out.dtype == np.float64 and 0 < out.max() <= 1


def test_decoders_read_each_others_formats_as_tf():
    for fn in ("decode_jpeg", "decode_png"):
        for data in (JPEGS["q75_422"], PNGS["rgb8"], GIF1):
            check_same(lambda m, s, fn=fn: getattr(m.image, fn)(s), data)


# (TF 2.21 crashes on animated WebP: only still images here)
WEBPS = {
    "lossy_rgb": pil_bytes(CHELSEA, "WEBP", quality=80),
    "lossy_rgba": pil_bytes(np.dstack([ASTRONAUT, ASTRONAUT[..., 0]]), "WEBP", quality=60),
    "lossless_rgb": pil_bytes(CHELSEA, "WEBP", lossless=True),
}


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, s: m.image.decode_webp(s),
        lambda m, s: m.image.decode_image(s),
        lambda m, s: m.image.decode_image(s, expand_animations=False),
        lambda m, s: m.image.decode_jpeg(s),  # (TF: frames from every decoder)
        lambda m, s: m.image.decode_png(s),
    ],
    ids=["webp", "image", "image_no_expand", "jpeg", "png"],
)
@pytest.mark.parametrize("name", WEBPS)
def test_decode_webp_exact(name, fn):
    out = check_same(fn, WEBPS[name])
    assert out.shape[-3:-1] == ((120, 157) if name[-3:] == "rgb" else (128, 128))


def test_decode_webp_channels_and_other_formats():
    check_same(lambda m, s: m.image.decode_webp(s, channels=3), WEBPS["lossy_rgb"])
    check_same(lambda m, s: m.image.decode_webp(s, channels=4), WEBPS["lossy_rgba"])
    out = check_same(lambda m, s: m.image.decode_webp(s), PNGS["rgb8"])  # a PNG: [h, w, 3]
    np.testing.assert_array_equal(out, CHELSEA)
