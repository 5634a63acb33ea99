"""The image decoders of ``tf.image`` / ``tf.io`` (TF's ``DecodeJpeg``, ``DecodePng``,
``DecodeGif``, ``DecodeBmp``, ``DecodeWebP``, ``DecodeImage``, ``DecodeAndCropJpeg``,
``ExtractJpegShape``):
host ops (``OpKind.HOST``) that read a scalar string of encoded bytes when the graph runs.

As TF 2's kernels, every decoder sniffs the format from the first bytes and decodes any of JPEG,
PNG, GIF, BMP and WebP, with the op's own rules: ``DecodeGif`` always returns
``[frames, h, w, 3]``; the others refuse an animated GIF; ``DecodeBmp`` only BMP (or WebP);
``DecodeAndCropJpeg`` only JPEG (or WebP, window ignored); a WebP is ``[frames, h, w, c]`` in
every decoder but ``DecodeImage`` with ``expand_animations=False``, as TF 2.21's. The pixels of
each format are image_formats'.

Known differences from TF: ``try_recover_truncated=True`` decodes what libjpeg-turbo's
TurboJPEG recovers (``acceptable_fraction`` is not checked): the rows before the cut and the
mid-gray rows after it are TF's, the MCU rows at the cut are not (TF's source manager recovers
more of them). ``DecodeAndCropJpeg`` crops the full decode: where TF's libjpeg-turbo decodes the
window alone, a subsampled (4:2:0, 4:2:2) JPEG with fancy upsampling differs from TF's in the
window's first and last column (by a few levels: at most 2 on photographs); 4:4:4, grayscale and
``fancy_upscaling=False`` are exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor, shape_error
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from .image_formats import (
    BMP,
    GIF,
    JPEG,
    PNG,
    WEBP,
    decode_bmp_bytes,
    decode_gif_bytes,
    decode_jpeg_bytes,
    decode_png_bytes,
    decode_webp_bytes,
    jpeg_header,
    scalar_bytes,
    sniff,
    to_channels,
    to_dtype,
)
from .image_ops import convert_image_dtype
from .string_ops import op_error, string_input

_DECODERS = (
    "DecodeJpeg",
    "DecodePng",
    "DecodeGif",
    "DecodeBmp",
    "DecodeImage",
    "DecodeAndCropJpeg",
    "DecodeWebP",
)

_CHANNEL_RULES = {  # format -> (allowed channels, message)
    JPEG: ((0, 1, 3), "JPEG does not support {c} channels"),
    BMP: ((0, 3, 4), "`channels` must be 0, 3 or 4 for BMP, but got {c}"),
    GIF: ((0, 3), "channels must be 0 or 3 for GIF, got {c}"),
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
    if fmt == WEBP:  # (every decoder: frames; DecodeAndCropJpeg ignores its window, as TF)
        frames = decode_webp_bytes(op, data, channels)
        if kind == "DecodeImage" and not op.get_attr("expand_animations"):
            return [np.ascontiguousarray(frames[0])]
        return [frames]
    if kind == "DecodeAndCropJpeg" and fmt != JPEG:
        raise op_error(op, f"DecodeAndCropJpeg operation can run on JPEG only, but detected {fmt}.")
    if kind == "DecodeBmp" and fmt != BMP:
        raise op_error(
            op,
            f"Trying to decode {fmt} format using DecodeBmp op. Use `decode_{fmt.lower()}` or "
            "`decode_image` instead.",
        )
    if fmt == BMP and kind in ("DecodeJpeg", "DecodePng"):
        raise op_error(
            op,
            "Trying to decode BMP format using a wrong op. Use `decode_bmp` or `decode_image` "
            f"instead. Op used: {kind}",
        )
    allowed, msg = _CHANNEL_RULES.get(fmt, ((0, 1, 3, 4), ""))
    if channels not in allowed:
        raise op_error(op, msg.format(c=channels))
    if fmt == JPEG:
        image = decode_jpeg_bytes(op, data, channels, crop)
    elif fmt == PNG:
        image = decode_png_bytes(op, data)
    elif fmt == GIF:
        image = decode_gif_bytes(op, data)
    else:
        image = decode_bmp_bytes(op, data)
    animated = kind == "DecodeGif" or (kind == "DecodeImage" and op.get_attr("expand_animations"))
    if fmt == GIF and not animated:
        if image.shape[0] != 1 and kind != "DecodeImage":
            raise op_error(
                op,
                f"Got {image.shape[0]} frames, but animated gifs can only be decoded by "
                "tf.io.decode_gif or tf.io.decode_image",
            )
        image = image[0]
    elif fmt != GIF and kind == "DecodeGif":
        image = image[None]
    image = to_channels(image, channels)
    dtype = op.get_attr("dtype") if "dtype" in op._attrs else _dt.uint8
    return [np.ascontiguousarray(to_dtype(image, dtype, fmt))]


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
    if op.type == "DecodeWebP":
        return [TensorShape(None)]
    if op.type == "DecodeImage" and op.get_attr("expand_animations"):
        return [TensorShape(None)]
    channels = int(op.get_attr("channels"))
    return [TensorShape([None, None, channels or None])]


def _extract_shape(op: Operation, contents) -> list:
    data = scalar_bytes(op, contents)
    h, w, c = jpeg_header(op, data)
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
    "DecodeWebP",
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


def decode_webp(
    contents: Any, channels: int = 0, dtype: Any = _dt.uint8, name: str | None = None
) -> Tensor:
    """The frames of a WebP as a uint8 ``[frames, h, w, c]`` tensor, ``c`` the file's 3 or 4
    (TF's ``DecodeWebP``; other formats decode as ``decode_png`` does)."""
    dt = _dt.as_dtype(dtype)
    if dt != _dt.uint8:
        raise TypeError(
            f"Value passed to parameter 'dtype' has DataType {dt.name} not in list of allowed "
            "values: uint8"
        )
    t = string_input(contents, "DecodeWebP", "contents")
    return _op("DecodeWebP", [t], dt, {"channels": int(channels), "dtype": dt}, name)


def extract_jpeg_shape(
    contents: Any, output_type: Any = _dt.int32, name: str | None = None
) -> Tensor:
    """The ``[height, width, channels]`` of a JPEG from its header (TF's ``ExtractJpegShape``)."""
    dt = _dt.as_dtype(output_type)
    t = string_input(contents, "ExtractJpegShape", "contents")
    return _op("ExtractJpegShape", [t], dt, {"output_type": dt}, name)
