"""The image encoders and JPEG-quality functions of ``tf.image`` / ``tf.io``: TF's ``EncodeJpeg``,
``EncodeJpegVariableQuality`` and ``EncodePng`` (host ops: uint8/uint16 pixels in, a scalar
string out), ``is_jpeg``, ``adjust_jpeg_quality`` and ``random_jpeg_quality``.

JPEG is encoded with Pillow's libjpeg (``jpeg_set_quality``, the ISLOW DCT, 4:2:0 or 4:4:4
chroma as TF's ``chroma_downsampling``): decoded, its pixels are TF's. The JFIF density is
written as TF writes it. PNG is ``image_png_codec``'s encoder (zlib at ``compression``): other
bytes than libpng's, the same pixels.
"""

from __future__ import annotations

import io
import struct
from typing import Any

import numpy as np
from PIL import Image

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor, shape_error
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from . import math_ops, random_ops
from .image_codec_ops import _op, decode_jpeg
from .image_ops import convert_image_dtype
from .image_png_codec import encode_png as _png
from .string_ops import op_error, string_input, substr

_UNITS = {"in": 1, "cm": 2}


def _shape_str(shape: tuple) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def jpeg_bytes(op: Operation, image: np.ndarray, quality: int) -> bytes:
    """``image`` ([h, w, 1 or 3] uint8) as a JPEG with the op's attributes."""
    if image.ndim != 3:
        raise op_error(op, f"image must be 3-dimensional{_shape_str(image.shape)}")
    c = image.shape[2]
    fmt = op.get_attr("format") if "format" in op._attrs else ""
    want = {"grayscale": 1, "rgb": 3}.get(fmt)
    if want is not None and c != want:
        raise op_error(op, f"format {fmt} expects {want} channels, got {_shape_str(image.shape)}")
    if c not in (1, 3):
        raise op_error(op, f"image must have 1 or 3 channels, got {_shape_str(image.shape)}")
    if not 0 <= quality <= 100:
        raise op_error(op, f"quality must be in [0,100], got {quality}")
    get = op._attrs.get
    kw: dict[str, Any] = {
        "quality": max(quality, 1),  # (libjpeg reads 0 as 1)
        "subsampling": 2 if get("chroma_downsampling", True) else 0,
        "progressive": bool(get("progressive", False)),
        "optimize": bool(get("optimize_size", False)),
    }
    xmp = get("xmp_metadata", "")
    if xmp:
        kw["xmp"] = xmp.encode() if isinstance(xmp, str) else xmp
    buf = io.BytesIO()
    Image.fromarray(image[..., 0] if c == 1 else image, "L" if c == 1 else "RGB").save(
        buf, "JPEG", **kw
    )
    data = bytearray(buf.getvalue())
    if data[6:11] == b"JFIF\x00":  # TF's density: unit (in/cm) and x, y
        unit = _UNITS.get(get("density_unit", "in"), 1)
        data[13:18] = struct.pack(
            ">BHH", unit, int(get("x_density", 300)), int(get("y_density", 300))
        )
    return bytes(data)


def _encode_jpeg(op: Operation, image) -> list:
    return [np.array(jpeg_bytes(op, np.asarray(image), int(op.get_attr("quality"))), object)]


def _encode_jpeg_variable(op: Operation, image, quality) -> list:
    return [np.array(jpeg_bytes(op, np.asarray(image), int(quality)), object)]


def _encode_png(op: Operation, image) -> list:
    image = np.asarray(image)
    if image.ndim != 3:
        raise op_error(op, f"image must be 3-dimensional{_shape_str(image.shape)}")
    if image.shape[2] not in (1, 2, 3, 4):
        raise op_error(op, f"image must have 1, 2, 3, or 4 channels, got {image.shape[2]}")
    return [np.array(_png(image, int(op.get_attr("compression"))), object)]


def _encode_shape(op: Operation, shapes: list, value_of) -> list:
    for i, rank in enumerate((3, 0)[: len(shapes)]):
        s = shapes[i]
        at_least = op.type == "EncodePng"  # (TF: rank >= 3 at build, 3 when it runs)
        if s.ndims is not None and (s.ndims < rank if at_least else s.ndims != rank):
            kind = "at least rank" if at_least else "rank"
            raise shape_error(
                op.type, op.name, f"Shape must be {kind} {rank} but is rank {s.ndims}", shapes
            )
    return [TensorShape([])]


def _input_dtype(op: Operation) -> Any:
    return op._inputs[0].dtype


def _no_dtype(op: Operation) -> None:
    return None


for _type, _fn in (
    ("EncodeJpeg", _encode_jpeg),
    ("EncodeJpegVariableQuality", _encode_jpeg_variable),
    ("EncodePng", _encode_png),
):
    register_op(
        _type,
        _encode_shape,
        kind=OpKind.HOST,
        host_fn=_fn,
        feeds_plan=True,
        graphdef_dtype=(lambda op: op._inputs[0].dtype)
        if _type == "EncodePng"
        else (lambda op: None),
    )
    NotDifferentiable(_type)


def _image_input(image: Any, op_type: str, allowed: tuple) -> Tensor:
    has_dtype = isinstance(image, Tensor) or hasattr(image, "dtype")
    t = convert_to_tensor(image, dtype=None if has_dtype else _dt.uint8)
    if t.dtype not in allowed:
        names = ", ".join(d.name for d in allowed)
        raise TypeError(
            f"Value passed to parameter 'image' has DataType {t.dtype.name} not in list of "
            f"allowed values: {names}"
        )
    return t


def encode_jpeg(
    image: Any,
    format: str = "",
    quality: int = 95,
    progressive: bool = False,
    optimize_size: bool = False,
    chroma_downsampling: bool = True,
    density_unit: str = "in",
    x_density: int = 300,
    y_density: int = 300,
    xmp_metadata: str = "",
    name: str | None = None,
) -> Tensor:
    """A uint8 ``[h, w, 1 or 3]`` image as JPEG bytes, a scalar string (TF's ``EncodeJpeg``).

    >>> import tflite_core as tf
    >>> jpeg = tf.image.encode_jpeg(tf.fill([8, 8, 3], tf.constant(200, tf.uint8)))
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.image.decode_jpeg(jpeg))[0, 0])
    [200 200 200]
    """
    for attr, value, allowed in (
        ("format", format, ("", "grayscale", "rgb")),
        ("density_unit", density_unit, ("in", "cm")),
    ):
        if value not in allowed:
            names = ", ".join(f'"{a}"' for a in allowed)
            raise ValueError(
                f"Attr '{attr}' of 'EncodeJpeg' Op passed string '{value}' not in: {names}."
            )
    t = _image_input(image, "EncodeJpeg", (_dt.uint8,))
    attrs = {
        "format": format,
        "quality": int(quality),
        "progressive": bool(progressive),
        "optimize_size": bool(optimize_size),
        "chroma_downsampling": bool(chroma_downsampling),
        "density_unit": density_unit,
        "x_density": int(x_density),
        "y_density": int(y_density),
        "xmp_metadata": xmp_metadata,
    }
    return _op("EncodeJpeg", [t], _dt.string, attrs, name)


def encode_png(image: Any, compression: int = -1, name: str | None = None) -> Tensor:
    """A uint8 or uint16 ``[h, w, 1..4]`` image as PNG bytes (TF's ``EncodePng``; ``compression``
    -1 is zlib's default, 0..9 its levels)."""
    t = _image_input(image, "EncodePng", (_dt.uint8, _dt.uint16))
    return _op("EncodePng", [t], _dt.string, {"compression": int(compression)}, name)


def is_jpeg(contents: Any, name: str | None = None) -> Tensor:
    """Whether ``contents`` starts with the JPEG magic bytes ``FF D8 FF`` (TF's composite)."""
    t = string_input(contents, "Substr", "input")
    return math_ops.equal(substr(t, 0, 3), b"\xff\xd8\xff", name=name or "is_jpeg")


def adjust_jpeg_quality(
    image: Any, jpeg_quality: Any, dct_method: str = "", name: str | None = None
) -> Tensor:
    """``image`` encoded as a JPEG of quality ``jpeg_quality`` (0..100) and decoded again, in its
    own dtype (TF's composite of ``convert_image_dtype``, ``EncodeJpegVariableQuality`` and
    ``DecodeJpeg``); the channel count (1 or 3) must be known."""
    t = convert_to_tensor(image, name="image")
    g = t.graph
    with g.as_default(), g.name_scope(name or "adjust_jpeg_quality"):
        channels = t.shape.as_list()[-1]
        orig = t.dtype
        u8 = convert_image_dtype(t, _dt.uint8, saturate=True)
        q = convert_to_tensor(jpeg_quality, dtype=_dt.int32)
        enc = _op("EncodeJpegVariableQuality", [u8, q], _dt.string, {}, None)
        dec = decode_jpeg(enc, channels=channels or 0, dct_method=dct_method)
        return convert_image_dtype(dec, orig, saturate=True)


def random_jpeg_quality(
    image: Any, min_jpeg_quality: int, max_jpeg_quality: int, seed: int | None = None
) -> Tensor:
    """``adjust_jpeg_quality`` with a quality drawn uniformly from
    ``[min_jpeg_quality, max_jpeg_quality)`` each run (TF's ``random_jpeg_quality``)."""
    if not (0 <= min_jpeg_quality <= 100 and 0 <= max_jpeg_quality <= 100):
        raise ValueError("jpeg encoding range must be between 0 and 100.")
    if min_jpeg_quality >= max_jpeg_quality:
        raise ValueError("`min_jpeg_quality` must be less than `max_jpeg_quality`.")
    q = random_ops.random_uniform(
        [], min_jpeg_quality, max_jpeg_quality, seed=seed, dtype=_dt.int32
    )
    return adjust_jpeg_quality(image, q)
