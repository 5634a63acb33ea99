"""Pixels from the bytes of each image format, for the decoders of image_codec_ops: JPEG with
libjpeg-turbo through ``simplejpeg`` (TF's decoder: the same pixels for every ``dct_method``,
``fancy_upscaling`` and ``ratio``), PNG, GIF, BMP and WebP with Pillow (16-bit colour PNGs:
``image_png_codec``), and the channel and dtype conversions TF's decoders make. Each raises TF's
InvalidArgumentError naming the node on bad data.
"""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
import simplejpeg
from PIL import Image

from ..framework import dtypes as _dt
from ..framework.graph import Operation
from .image_png_codec import decode_png16, png_header
from .string_ops import bytes_array, op_error

JPEG, PNG, GIF, BMP, WEBP = "JPEG", "PNG", "GIF", "BMP", "WebP"
UNKNOWN = "Unknown image file format. One of JPEG, JPEG XL, PNG, GIF, BMP, WebP required."


def sniff(data: bytes) -> str | None:
    """The image format of encoded bytes by their magic number (None: unknown)."""
    if data[:3] == b"\xff\xd8\xff":
        return JPEG
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return PNG
    if data[:3] == b"GIF":
        return GIF
    if data[:2] == b"BM":
        return BMP
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def scalar_bytes(op: Operation, value: Any) -> bytes:
    arr = bytes_array(value)
    if arr.ndim != 0:
        shape = "[" + ",".join(str(d) for d in arr.shape) + "]"
        raise op_error(op, f"contents must be scalar, got shape {shape}")
    return arr.item()


# ---- JPEG ---------------------------------------------------------------------------------------
def jpeg_header(op: Operation, data: bytes) -> tuple[int, int, int]:
    """(height, width, components) of a JPEG; TF's error when it is not one."""
    try:
        h, w, space, _ = simplejpeg.decode_jpeg_header(data, strict=False)
    except (ValueError, KeyError):  # (KeyError: a header with no known colour space)
        raise op_error(op, f"Invalid JPEG data, size {len(data)}") from None
    return h, w, {"Gray": 1, "CMYK": 4}.get(space, 3)


def decode_jpeg_bytes(op: Operation, data: bytes, channels: int, crop=None) -> np.ndarray:
    h, w, native = jpeg_header(op, data)
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
    except (ValueError, KeyError):
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
    if fmt == PNG:
        return f"Invalid PNG data, size {len(data)}"
    if fmt == GIF:
        return f"Invalid GIF data (size {len(data)}), failed to slurp gif file: Failed to read"
    return f"Invalid {fmt} data, size {len(data)}"


def decode_png_bytes(op: Operation, data: bytes) -> np.ndarray:
    try:
        _, _, depth, ctype, _ = png_header(data)
    except ValueError:
        raise op_error(op, _bad_data(PNG, data)) from None
    if depth == 16 and ctype in (2, 4, 6):
        try:
            return decode_png16(data)
        except Exception:
            raise op_error(op, _bad_data(PNG, data)) from None
    im = _open(op, data, PNG)
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif im.mode == "1":
        im = im.convert("L")
    arr = np.asarray(im)
    if depth == 16:  # (Pillow's "I;16" or "I": one channel)
        return arr.astype(np.uint16).reshape(arr.shape[0], arr.shape[1], 1)
    return arr.reshape(arr.shape[0], arr.shape[1], -1)


def decode_gif_bytes(op: Operation, data: bytes) -> np.ndarray:
    im = _open(op, data, GIF)
    frames = []
    try:
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            frames.append(np.asarray(im.convert("RGB")))
    except Exception:
        raise op_error(op, _bad_data(GIF, data)) from None
    return np.stack(frames)


def decode_webp_bytes(op: Operation, data: bytes, channels: int) -> np.ndarray:
    """The frames of a WebP, ``[frames, h, w, 3 or 4]`` (TF 2.21 decodes a WebP as frames in
    every decoder; a ``channels`` other than the file's is an error, as TF's)."""
    if channels not in (0, 3, 4):
        raise op_error(op, "WebP only supports 3 or 4 channels")
    if op._attrs.get("dtype", _dt.uint8) != _dt.uint8:
        raise op_error(op, "WebP only supports uint8 for dtype")
    try:
        im = Image.open(io.BytesIO(data))
        mode = "RGBA" if "A" in im.mode else "RGB"
        frames = []
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            frames.append(np.asarray(im.convert(mode)))
    except Exception:
        raise op_error(op, "Failed to decode WebP image.") from None
    if channels and channels != frames[0].shape[-1]:
        raise op_error(op, "Number of channels requested does not match input")
    return np.stack(frames)


def decode_bmp_bytes(op: Operation, data: bytes) -> np.ndarray:
    im = _open(op, data, BMP)
    arr = np.asarray(im.convert("RGBA" if im.mode == "RGBA" else "RGB"))
    return arr


# ---- channels and dtypes ------------------------------------------------------------------------
def to_channels(image: np.ndarray, channels: int) -> np.ndarray:
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


def to_dtype(image: np.ndarray, dtype: _dt.DType, fmt: str) -> np.ndarray:
    """As TF: times 1/255 (1/65535) in float32; 8-bit PNG samples widened by libpng (x 257),
    other 8-bit images shifted (x 256); 16-bit samples truncated to 8."""
    if dtype == _dt.float32 and fmt == PNG and image.dtype == np.uint8:
        image = image.astype(np.uint16) * np.uint16(257)  # (libpng widens it first)
    if dtype == _dt.float32:
        scale = np.float32(1.0 / np.iinfo(image.dtype).max)
        return (image.astype(np.float32) * scale).astype(np.float32)
    if dtype == _dt.uint16 and image.dtype == np.uint8:
        return image.astype(np.uint16) * np.uint16(257 if fmt == PNG else 256)
    if dtype == _dt.uint8 and image.dtype == np.uint16:
        return (image >> 8).astype(np.uint8)
    return image
