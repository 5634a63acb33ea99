"""The op table's rows of the image codecs (``tf.image.decode_*`` / ``encode_*``: host ops on
scalar strings of encoded bytes): drawn images encoded with Pillow and decoded by the op against
the drawn pixels (lossless formats) or Pillow's libjpeg decode (JPEG, ISLOW DCT as
``dct_method="INTEGER_ACCURATE"``); the encoders through a decode of their bytes. Every row gets
the table's checks (``op_table.table_tests``); the behaviour beside TF is tested in
test_image_codecs_vs_tf.py and test_image_codecs_more_vs_tf.py."""

from __future__ import annotations

import io

import numpy as np
from hypothesis import strategies as st
from op_table import F32, Row, table_tests
from PIL import Image

import tflite_core as tf

U8 = np.dtype("uint8")
NONE = {"grad": "none", "dtypes": (F32,), "static": False}


def _image(ctx, channels=(1, 3, 4), dtype=U8):
    h, w = ctx.draw(st.integers(1, 12)), ctx.draw(st.integers(1, 12))
    c = ctx.draw(st.sampled_from(channels))
    top = np.iinfo(dtype).max
    return ctx.values((h, w, c), (0, top), dtype=dtype)


def _pil(image: np.ndarray, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    arr = image[..., 0] if image.shape[-1] == 1 else image
    Image.fromarray(arr).save(buf, fmt, **kw)
    return buf.getvalue()


def _pil_decode(data: bytes) -> np.ndarray:
    arr = np.asarray(Image.open(io.BytesIO(data)))
    return arr.reshape(arr.shape[0], arr.shape[1], -1)


def _bytes(data: bytes) -> np.ndarray:
    return np.array(data, dtype=object)


def _draw_png(ctx):
    return [_bytes(_pil(_image(ctx), "PNG"))], {}


def _draw_bmp(ctx):
    return [_bytes(_pil(_image(ctx, (3,)), "BMP"))], {}


def _draw_jpeg(ctx):
    q = ctx.draw(st.integers(10, 100))
    return [_bytes(_pil(_image(ctx, (1, 3)), "JPEG", quality=q))], {}


def _draw_gif(ctx):
    palette = np.array([[0, 0, 0], [255, 0, 0], [10, 200, 30], [90, 90, 250]], np.uint8)
    n = ctx.draw(st.integers(1, 3))
    h, w = ctx.draw(st.integers(1, 10)), ctx.draw(st.integers(1, 10))
    frames = [palette[ctx.values((h, w), (0, 3), dtype=U8)] for _ in range(n)]
    ims = [Image.fromarray(f) for f in frames]
    buf = io.BytesIO()
    ims[0].save(buf, "GIF", save_all=True, append_images=ims[1:], optimize=False, disposal=1)
    return [_bytes(buf.getvalue())], {}


def _draw_crop(ctx):
    image = _image(ctx, (3,))
    h, w = image.shape[:2]
    y, x = ctx.draw(st.integers(0, h - 1)), ctx.draw(st.integers(0, w - 1))
    window = [y, x, ctx.draw(st.integers(1, h - y)), ctx.draw(st.integers(1, w - x))]
    # 4:4:4: TF decodes the window alone, upsampling subsampled chroma from it (image_codec_ops)
    return [_bytes(_pil(image, "JPEG", quality=90, subsampling=0))], {"window": window}


def _draw_raw(ctx):
    return [_image(ctx, (1, 3))], {}


def _draw_raw_png(ctx):
    dtype = ctx.draw(st.sampled_from([U8, np.dtype("uint16")]))
    return [_image(ctx, (1, 2, 3, 4), dtype)], {}


def _jpeg_round_trip(image, quality=95):
    return _pil_decode(_pil(image, "JPEG", quality=quality))


ACCURATE = {"dct_method": "INTEGER_ACCURATE"}

ROWS = [
    Row(
        "DecodeJpeg",
        lambda s: tf.image.decode_jpeg(s, **ACCURATE),
        lambda s: _pil_decode(s.item()),
        _draw_jpeg,
        **NONE,
    ),
    Row(
        "DecodeAndCropJpeg",
        lambda s, window: tf.image.decode_and_crop_jpeg(s, window, **ACCURATE),
        lambda s, window: _pil_decode(s.item())[
            window[0] : window[0] + window[2], window[1] : window[1] + window[3]
        ],
        _draw_crop,
        **NONE,
    ),
    Row(
        "ExtractJpegShape",
        tf.image.extract_jpeg_shape,
        lambda s: np.array(_pil_decode(s.item()).shape, np.int32),
        _draw_jpeg,
        **NONE,
    ),
    Row(
        "DecodeWebP",
        tf.image.decode_webp,
        lambda s: _pil_decode(s.item())[None],
        lambda ctx: ([_bytes(_pil(_image(ctx, (3, 4)), "WEBP", lossless=True))], {}),
        **NONE,
    ),
    Row("DecodePng", tf.image.decode_png, lambda s: _pil_decode(s.item()), _draw_png, **NONE),
    Row("DecodeBmp", tf.image.decode_bmp, lambda s: _pil_decode(s.item()), _draw_bmp, **NONE),
    Row(
        "DecodeImage",
        lambda s: tf.image.decode_image(s, expand_animations=False),
        lambda s: _pil_decode(s.item()),
        _draw_png,
        **NONE,
    ),
    Row(
        "DecodeGif",
        tf.image.decode_gif,
        lambda s: np.stack(
            [np.asarray(f.convert("RGB")) for f in _frames(Image.open(io.BytesIO(s.item())))]
        ),
        _draw_gif,
        **NONE,
    ),
    Row(
        "EncodeJpeg",
        lambda x: tf.image.decode_jpeg(tf.image.encode_jpeg(x), **ACCURATE),
        _jpeg_round_trip,
        _draw_raw,
        **NONE,
    ),
    Row(
        "EncodeJpegVariableQuality",
        lambda x: tf.image.adjust_jpeg_quality(x, 40, **ACCURATE),
        lambda x: _jpeg_round_trip(x, 40),
        lambda ctx: ([_image(ctx, (3,))], {}),
        **NONE,
    ),
    Row(
        "EncodePng",
        lambda x: tf.image.decode_png(tf.image.encode_png(x), dtype=x.dtype),
        lambda x: x,
        _draw_raw_png,
        **NONE,
    ),
]


def _frames(im):
    for i in range(getattr(im, "n_frames", 1)):
        im.seek(i)
        yield im


globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
