"""The image decoders of ``tf.image`` / ``tf.io`` (TF's ``DecodeJpeg``, ``DecodePng``,
``DecodeGif``, ``DecodeBmp``, ``DecodeImage``, ``DecodeAndCropJpeg``, ``ExtractJpegShape``):
host ops (``OpKind.HOST``) that read a scalar string of encoded bytes when the graph runs.

As TF 2's kernels, every decoder sniffs the format from the first bytes and decodes any of JPEG,
PNG, GIF and BMP, with the op's own rules: ``DecodeGif`` always returns ``[frames, h, w, 3]``;
the others refuse an animated GIF; ``DecodeBmp`` only BMP; ``DecodeAndCropJpeg`` only JPEG.
JPEG is libjpeg-turbo through ``simplejpeg`` (TF's decoder: the same pixels for every
``dct_method``, ``fancy_upscaling`` and ``ratio``); PNG, GIF and BMP are Pillow (16-bit colour
PNGs: ``image_png_codec``). ``try_recover_truncated=True`` decodes what libjpeg-turbo recovers
(``acceptable_fraction`` is not checked). ``DecodeAndCropJpeg`` crops the full decode: where TF's
libjpeg-turbo decodes the window alone, a subsampled (4:2:0, 4:2:2) JPEG with fancy upsampling
differs from TF's in the window's first and last column (by at most 2); 4:4:4, grayscale and
``fancy_upscaling=False`` are exact.
"""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
import simplejpeg
from PIL import Image

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor, shape_error
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from .image_ops import convert_image_dtype
from .image_png_codec import decode_png16, png_header
from .string_ops import bytes_array, op_error, string_input

_JPEG, _PNG, _GIF, _BMP = "JPEG", "PNG", "GIF", "BMP"
_UNKNOWN = "Unknown image file format. One of JPEG, JPEG XL, PNG, GIF, BMP, WebP required."
_DECODERS = (
    "DecodeJpeg",
    "DecodePng",
    "DecodeGif",
    "DecodeBmp",
    "DecodeImage",
    "DecodeAndCropJpeg",
)


def sniff(data: bytes) -> str | None:
    """The image format of encoded bytes by their magic number (None: unknown)."""
    if data[:3] == b"\xff\xd8\xff":
        return _JPEG
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return _PNG
    if data[:3] == b"GIF":
        return _GIF
    if data[:2] == b"BM":
        return _BMP
    return None


def scalar_bytes(op: Operation, value: Any) -> bytes:
    arr = bytes_array(value)
    if arr.ndim != 0:
        shape = "[" + ",".join(str(d) for d in arr.shape) + "]"
        raise op_error(op, f"contents must be scalar, got shape {shape}")
    return arr.item()


# ---- JPEG ---------------------------------------------------------------------------------------
def _jpeg_header(op: Operation, data: bytes) -> tuple[int, int, int]:
    """(height, width, components) of a JPEG; TF's error when it is not one."""
    try:
        h, w, space, _ = simplejpeg.decode_jpeg_header(data, strict=False)
    except ValueError:
        raise op_error(op, f"Invalid JPEG data, size {len(data)}") from None
    return h, w, {"Gray": 1, "CMYK": 4}.get(space, 3)


def _decode_jpeg(op: Operation, data: bytes, channels: int, crop=None) -> np.ndarray:
    h, w, native = _jpeg_header(op, data)
    get = op._attrs.get  # (the other decoders use DecodeJpeg's defaults)
    ratio = int(get("ratio", 1))
    kw: dict[str, Any] = {
        "fastdct": get("dct_method", "") != "INTEGER_ACCURATE",
        "fastupsample": not get("fancy_upscaling", True),
        "strict": not get("try_recover_truncated", False),
    }
    if ratio > 1:
        kw.update(min_height=math.ceil(h / ratio), min_width=math.ceil(w / ratio), min_factor=ratio)
    gray = (channels or native) == 1
    try:
        image = simplejpeg.decode_jpeg(data, colorspace="GRAY" if gray else "RGB", **kw)
    except ValueError:
        raise op_error(op, "jpeg::Uncompress failed. Invalid JPEG data or crop window.") from None
    image = image.reshape(image.shape[0], image.shape[1], -1)
    if crop is not None:
        y, x, ch, cw = (int(v) for v in crop)
        if y < 0 or x < 0 or ch <= 0 or cw <= 0 or y + ch > h or x + cw > w:
            raise op_error(op, "jpeg::Uncompress failed. Invalid JPEG data or crop window.")
        image = image[y : y + ch, x : x + cw]
    return np.ascontiguousarray(image)


# ---- PNG, GIF, BMP ------------------------------------------------------------------------------
def _open(op: Operation, data: bytes, fmt: str):
    try:
        im = Image.open(io.BytesIO(data))
        im.load()
    except Exception:  # (Pillow raises OSError, SyntaxError, ValueError ... on bad data)
        raise op_error(op, _bad_data(fmt, data)) from None
    return im


def _bad_data(fmt: str, data: bytes) -> str:
    if fmt == _PNG:
        return f"Invalid PNG data, size {len(data)}"
    if fmt == _GIF:
        return f"Invalid GIF data (size {len(data)}), failed to slurp gif file: Failed to read"
    return f"Invalid {fmt} data, size {len(data)}"


def _decode_png(op: Operation, data: bytes) -> np.ndarray:
    try:
        _, _, depth, ctype, _ = png_header(data)
    except ValueError:
        raise op_error(op, _bad_data(_PNG, data)) from None
    if depth == 16 and ctype in (2, 4, 6):
        try:
            return decode_png16(data)
        except Exception:
            raise op_error(op, _bad_data(_PNG, data)) from None
    im = _open(op, data, _PNG)
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif im.mode == "1":
        im = im.convert("L")
    arr = np.asarray(im)
    if depth == 16:  # (Pillow's "I;16" or "I": one channel)
        return arr.astype(np.uint16).reshape(arr.shape[0], arr.shape[1], 1)
    return arr.reshape(arr.shape[0], arr.shape[1], -1)


def _decode_gif(op: Operation, data: bytes) -> np.ndarray:
    im = _open(op, data, _GIF)
    frames = []
    try:
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            frames.append(np.asarray(im.convert("RGB")))
    except Exception:
        raise op_error(op, _bad_data(_GIF, data)) from None
    return np.stack(frames)


def _decode_bmp(op: Operation, data: bytes) -> np.ndarray:
    im = _open(op, data, _BMP)
    arr = np.asarray(im.convert("RGBA" if im.mode == "RGBA" else "RGB"))
    return arr


# ---- channels and dtypes ------------------------------------------------------------------------
def _to_channels(image: np.ndarray, channels: int) -> np.ndarray:
    """``image`` ([..., c]) with ``channels`` channels (0: as it is), as libpng converts them."""
    c = image.shape[-1]
    if channels in (0, c):
        return image
    top = np.iinfo(image.dtype).max
    if c <= 2:  # gray (+ alpha)
        gray = image[..., :1]
        if channels == 1:
            return gray
        rgb = np.concatenate([gray] * 3, axis=-1)
        alpha = image[..., 1:] if c == 2 else np.full_like(gray, top)
        return rgb if channels == 3 else np.concatenate([rgb, alpha], axis=-1)
    if channels == 1:  # libpng's rgb_to_gray with TF's 0.299, 0.587 (in 1/32768: truncated
        # at 8 bits, rounded at 16)
        w = np.array([9797, 19234, 3737], np.int64)
        rnd = 16384 if image.dtype == np.uint16 else 0
        gray = (image[..., :3].astype(np.int64) @ w + rnd) >> 15
        return gray.astype(image.dtype)[..., None]
    if channels == 3:
        return image[..., :3]
    return np.concatenate([image, np.full_like(image[..., :1], top)], axis=-1)


def _to_dtype(image: np.ndarray, dtype: _dt.DType, fmt: str) -> np.ndarray:
    """As TF: times 1/255 (1/65535) in float32; 8-bit PNG samples widened by libpng (x 257),
    other 8-bit images shifted (x 256); 16-bit samples truncated to 8."""
    if dtype == _dt.float32 and fmt == _PNG and image.dtype == np.uint8:
        image = image.astype(np.uint16) * np.uint16(257)  # (libpng widens it first)
    if dtype == _dt.float32:
        scale = np.float32(1.0 / np.iinfo(image.dtype).max)
        return (image.astype(np.float32) * scale).astype(np.float32)
    if dtype == _dt.uint16 and image.dtype == np.uint8:
        return image.astype(np.uint16) * np.uint16(257 if fmt == _PNG else 256)
    if dtype == _dt.uint8 and image.dtype == np.uint16:
        return (image >> 8).astype(np.uint8)
    return image


_CHANNEL_RULES = {  # format -> (allowed channels, message)
    _JPEG: ((0, 1, 3), "JPEG does not support {c} channels"),
    _BMP: ((0, 3, 4), "`channels` must be 0, 3 or 4 for BMP, but got {c}"),
    _GIF: ((0, 3), "channels must be 0 or 3 for GIF, got {c}"),
}


def _decode(op: Operation, contents, crop=None) -> list:
    data = scalar_bytes(op, contents)
    kind = op.type
    channels = int(op.get_attr("channels")) if "channels" in op._attrs else 0
    if channels not in (0, 1, 3, 4):
        raise op_error(op, f"`channels` must be 0, 1, 3 or 4 but got {channels}")
    fmt = sniff(data)
    if fmt is None:
        raise op_error(
            op, "Unknown image file format. One of JPEG, JPEG XL, PNG, GIF, BMP, WebP required."
        )
    if kind == "DecodeAndCropJpeg" and fmt != _JPEG:
        raise op_error(op, f"DecodeAndCropJpeg operation can run on JPEG only, but detected {fmt}.")
    if kind == "DecodeBmp" and fmt != _BMP:
        raise op_error(
            op,
            f"Trying to decode {fmt} format using DecodeBmp op. Use `decode_{fmt.lower()}` or "
            "`decode_image` instead.",
        )
    if fmt == _BMP and kind in ("DecodeJpeg", "DecodePng"):
        raise op_error(
            op,
            "Trying to decode BMP format using a wrong op. Use `decode_bmp` or `decode_image` "
            f"instead. Op used: {kind}",
        )
    allowed, msg = _CHANNEL_RULES.get(fmt, ((0, 1, 3, 4), ""))
    if channels not in allowed:
        raise op_error(op, msg.format(c=channels))
    if fmt == _JPEG:
        image = _decode_jpeg(op, data, channels, crop)
    elif fmt == _PNG:
        image = _decode_png(op, data)
    elif fmt == _GIF:
        image = _decode_gif(op, data)
    else:
        image = _decode_bmp(op, data)
    animated = kind == "DecodeGif" or (kind == "DecodeImage" and op.get_attr("expand_animations"))
    if fmt == _GIF and not animated:
        if image.shape[0] != 1 and kind != "DecodeImage":
            raise op_error(
                op,
                f"Got {image.shape[0]} frames, but animated gifs can only be decoded by "
                "tf.io.decode_gif or tf.io.decode_image",
            )
        image = image[0]
    elif fmt != _GIF and kind == "DecodeGif":
        image = image[None]
    image = _to_channels(image, channels)
    dtype = op.get_attr("dtype") if "dtype" in op._attrs else _dt.uint8
    return [np.ascontiguousarray(_to_dtype(image, dtype, fmt))]


# ---- shapes and registrations -------------------------------------------------------------------
def _rank_check(op: Operation, shapes: list, index: int, rank: int) -> None:
    s = shapes[index]
    if s.ndims is not None and s.ndims != rank:
        raise shape_error(
            op.type, op.name, f"Shape must be rank {rank} but is rank {s.ndims}", shapes
        )


def _decode_shape(op: Operation, shapes: list, value_of) -> list:
    _rank_check(op, shapes, 0, 0)
    if op.type == "DecodeAndCropJpeg":
        _rank_check(op, shapes, 1, 1)
    if op.type == "DecodeGif":
        return [TensorShape([None, None, None, 3])]
    if op.type == "DecodeImage" and op.get_attr("expand_animations"):
        return [TensorShape(None)]
    channels = int(op.get_attr("channels"))
    return [TensorShape([None, None, channels or None])]


def _extract_shape(op: Operation, contents) -> list:
    data = scalar_bytes(op, contents)
    h, w, c = _jpeg_header(op, data)
    return [np.array([h, w, c], op.get_attr("output_type").as_numpy_dtype)]


def _extract_shape_fn(op: Operation, shapes: list, value_of) -> list:
    _rank_check(op, shapes, 0, 0)
    return [TensorShape([3])]


for _type in (
    "DecodeJpeg",
    "DecodePng",
    "DecodeGif",
    "DecodeBmp",
    "DecodeImage",
    "DecodeAndCropJpeg",
):
    register_op(
        _type,
        _decode_shape,
        kind=OpKind.HOST,
        host_fn=_decode,
        feeds_plan=True,
        graphdef_dtype=lambda op: None,
    )
    NotDifferentiable(_type)
register_op(
    "ExtractJpegShape",
    _extract_shape_fn,
    kind=OpKind.HOST,
    host_fn=_extract_shape,
    feeds_plan=True,
    graphdef_dtype=lambda op: None,
)
NotDifferentiable("ExtractJpegShape")


def _op(op_type: str, inputs: list, dtype: _dt.DType, attrs: dict, name: str | None) -> Tensor:
    g = graph_of(*inputs)
    with g.as_default(), g.name_scope(name or op_type) as scope:
        ts = [convert_to_tensor(x) for x in inputs]
        return g.create_op(op_type, ts, [dtype], attrs, scope).outputs[0]


def _jpeg_attrs(
    channels: int,
    ratio: int,
    fancy_upscaling: bool,
    try_recover_truncated: bool,
    acceptable_fraction: float,
    dct_method: str,
) -> dict:
    return {
        "channels": int(channels),
        "ratio": int(ratio),
        "fancy_upscaling": bool(fancy_upscaling),
        "try_recover_truncated": bool(try_recover_truncated),
        "acceptable_fraction": float(acceptable_fraction),
        "dct_method": dct_method,
    }


def decode_jpeg(
    contents: Any,
    channels: int = 0,
    ratio: int = 1,
    fancy_upscaling: bool = True,
    try_recover_truncated: bool = False,
    acceptable_fraction: float = 1,
    dct_method: str = "",
    name: str | None = None,
) -> Tensor:
    """A JPEG (any of JPEG, PNG, GIF, BMP, as TF 2) decoded to a uint8 ``[h, w, c]`` tensor
    (TF's ``DecodeJpeg``): ``channels`` 0 (the file's), 1 or 3; ``ratio`` 1, 2, 4 or 8
    downscales while decoding; ``dct_method`` "" / "INTEGER_FAST" / "INTEGER_ACCURATE".

    >>> import tflite_core as tf
    >>> png = tf.image.encode_png(tf.zeros([2, 3, 3], tf.uint8))
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.image.decode_jpeg(png)).shape)
    (2, 3, 3)
    """
    t = string_input(contents, "DecodeJpeg", "contents")
    attrs = _jpeg_attrs(
        channels, ratio, fancy_upscaling, try_recover_truncated, acceptable_fraction, dct_method
    )
    return _op("DecodeJpeg", [t], _dt.uint8, attrs, name)


def decode_and_crop_jpeg(
    contents: Any,
    crop_window: Any,
    channels: int = 0,
    ratio: int = 1,
    fancy_upscaling: bool = True,
    try_recover_truncated: bool = False,
    acceptable_fraction: float = 1,
    dct_method: str = "",
    name: str | None = None,
) -> Tensor:
    """The window ``crop_window`` = ``[y, x, height, width]`` of a decoded JPEG (TF's
    ``DecodeAndCropJpeg``; a window outside the image is an InvalidArgumentError)."""
    t = string_input(contents, "DecodeAndCropJpeg", "contents")
    window = convert_to_tensor(crop_window, dtype=_dt.int32)
    attrs = _jpeg_attrs(
        channels, ratio, fancy_upscaling, try_recover_truncated, acceptable_fraction, dct_method
    )
    return _op("DecodeAndCropJpeg", [t, window], _dt.uint8, attrs, name)


def decode_png(
    contents: Any, channels: int = 0, dtype: Any = _dt.uint8, name: str | None = None
) -> Tensor:
    """A PNG (or JPEG, GIF, BMP) decoded to a ``[h, w, c]`` uint8 or uint16 tensor (TF's
    ``DecodePng``; 8-bit data read as uint16 is scaled by 257)."""
    dt = _dt.as_dtype(dtype)
    if dt not in (_dt.uint8, _dt.uint16):
        raise TypeError(
            f"Value passed to parameter 'dtype' has DataType {dt.name} not in list of allowed "
            "values: uint8, uint16"
        )
    t = string_input(contents, "DecodePng", "contents")
    return _op("DecodePng", [t], dt, {"channels": int(channels), "dtype": dt}, name)


def decode_gif(contents: Any, name: str | None = None) -> Tensor:
    """The frames of a GIF as a uint8 ``[frames, h, w, 3]`` tensor (TF's ``DecodeGif``)."""
    t = string_input(contents, "DecodeGif", "contents")
    return _op("DecodeGif", [t], _dt.uint8, {}, name)


def decode_bmp(contents: Any, channels: int = 0, name: str | None = None) -> Tensor:
    """A BMP decoded to a uint8 ``[h, w, c]`` tensor (TF's ``DecodeBmp``)."""
    t = string_input(contents, "DecodeBmp", "contents")
    return _op("DecodeBmp", [t], _dt.uint8, {"channels": int(channels)}, name)


def decode_image(
    contents: Any,
    channels: int | None = None,
    dtype: Any = _dt.uint8,
    name: str | None = None,
    expand_animations: bool = True,
) -> Tensor:
    """Any of JPEG, PNG, GIF, BMP decoded (TF's ``DecodeImage``): ``[h, w, c]``, or
    ``[frames, h, w, 3]`` for a GIF when ``expand_animations``; ``dtype`` uint8, uint16 or
    float32 (in [0, 1]); another dtype is decoded as uint16 and converted."""
    dt = _dt.as_dtype(dtype)
    t = string_input(contents, "DecodeImage", "contents")
    op_dt = dt if dt in (_dt.uint8, _dt.uint16, _dt.float32) else _dt.uint16
    attrs = {
        "channels": int(channels or 0),
        "dtype": op_dt,
        "expand_animations": bool(expand_animations),
    }
    g = graph_of(t)
    with g.as_default(), g.name_scope(name or "decode_image") as scope:
        out = _op("DecodeImage", [t], op_dt, attrs, None)
        if op_dt != dt:
            return convert_image_dtype(out, dt, name=scope)
        return out


def extract_jpeg_shape(
    contents: Any, output_type: Any = _dt.int32, name: str | None = None
) -> Tensor:
    """The ``[height, width, channels]`` of a JPEG from its header (TF's ``ExtractJpegShape``)."""
    dt = _dt.as_dtype(output_type)
    t = string_input(contents, "ExtractJpegShape", "contents")
    return _op("ExtractJpegShape", [t], dt, {"output_type": dt}, name)
