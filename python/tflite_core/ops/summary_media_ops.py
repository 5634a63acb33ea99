"""Summary ops for images, audio and tensors: ``ImageSummary``, ``AudioSummaryV2`` and
``TensorSummaryV2``, host ops returning a serialized ``Summary`` as TensorFlow's kernels do, and
TF 1.x's ``tf.summary.image`` / ``audio`` / ``text`` / ``tensor_summary`` over them.

Images are PNG-encoded (8 bits per channel; gray, RGB or RGBA by the channel count). Float images
are scaled one image at a time as TF's ``ImageSummary`` kernel does: when no finite value is
negative, by ``255 / max``; otherwise by ``127 / max(|min|, |max|)`` around 128, in the image's
own precision, then truncated to ``uint8``; a pixel with a non-finite channel gets the
``bad_color`` (red). Audio is a 16-bit PCM WAV: each sample ``x`` becomes
``roundf(x * 32768)`` (halves away from zero) clipped to the int16 range, with the sample
rate rounded to an integer.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterable
from typing import Any

import numpy as np
from google.protobuf import json_format

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import GraphKeys, Tensor, get_default_graph, name_scope
from ..framework.graph_def import shape_proto
from ..framework.op_util import make_op
from ..framework.protos import protos
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from .summary_ops import _clean_tag, _string_const, _summary_bytes, _tag

_IMAGE_DTYPES = (_dt.uint8, _dt.float32, _dt.float16, _dt.float64)
_BAD_COLOR = np.array([255, 0, 0, 255], dtype=np.uint8)
_V2_SUMMARIES = "_SUMMARY_V2"  # TF's GraphKeys._SUMMARY_COLLECTION


def _scalar_string_shape(op, in_shapes, value_of):
    return [TensorShape([])]


def _fail(op, message: str):
    return errors.InvalidArgumentError(None, op, f"{message}\n\t [[node {op.name}]]")


# ---- PNG and WAV encoders -----------------------------------------------------------------------
def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_png(image: np.ndarray) -> bytes:
    """A PNG of a ``[height, width, channels]`` uint8 image (1: gray, 3: RGB, 4: RGBA)."""
    h, w, depth = image.shape
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[depth]
    rows = np.concatenate(
        [np.zeros((h, 1), np.uint8), np.ascontiguousarray(image, np.uint8).reshape(h, w * depth)],
        axis=1,
    )  # filter type 0 (none) before every row
    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows.tobytes()))
        + _png_chunk(b"IEND", b"")
    )


def encode_wav(samples: np.ndarray, sample_rate: int) -> bytes:
    """A 16-bit PCM WAV of float ``samples`` (``[frames, channels]``, in [-1, 1])."""
    channels = samples.shape[1]
    scaled = samples.astype(np.float32) * np.float32(32768.0)
    rounded = np.sign(scaled) * np.floor(np.abs(scaled) + np.float32(0.5))  # C's roundf
    pcm = np.clip(rounded, -32768, 32767)
    data = pcm.astype("<i2").tobytes()
    block = 2 * channels
    fmt = struct.pack("<HHIIHH", 1, channels, sample_rate, sample_rate * block, block, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + len(data))
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )


# ---- ImageSummary -------------------------------------------------------------------------------
def _normalize_image(img: np.ndarray, bad_color: np.ndarray) -> np.ndarray:
    """TF's float-image normalization, in the image's precision (``[h*w, depth]`` in)."""
    t = img.dtype.type
    finite = np.isfinite(img).all(axis=1)
    good = img[finite].astype(np.float32)
    lo = float(good.min()) if good.size else float("inf")
    hi = float(good.max()) if good.size else float("-inf")
    if lo < 0:
        max_val = max(abs(lo), abs(hi))
        scale, offset = (0.0 if max_val < 1e-6 else np.float32(127.0) / np.float32(max_val)), 128.0
    else:
        scale, offset = (0.0 if hi < 1e-6 else np.float32(255.0) / np.float32(hi)), 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = img * t(np.float32(scale)) + t(offset)
        out = np.where(finite[:, None], scaled, 0).astype(np.uint8)
    out[~finite] = bad_color[: img.shape[1]]
    return out


def _image_summary_value(op, tag, tensor):
    if tag.shape != ():
        raise _fail(op, f"Tags must be a scalar, not shape {list(tag.shape)}")
    shape = list(tensor.shape)
    if tensor.ndim != 4 or shape[3] not in (1, 3, 4):
        raise _fail(
            op, f"Tensor must be 4-D with last dim 1, 3, or 4, not [{','.join(map(str, shape))}]"
        )
    if shape[1] == 0 or shape[2] == 0:
        raise _fail(op, f"input tensor must have non-zero dims. Found: {shape}.")
    batch, h, w, depth = shape
    max_images = op._attrs.get("max_images", 3)
    base = _tag(tag[()])
    s = protos().Summary()
    for i in range(min(max_images, batch)):
        img = tensor[i]
        if img.dtype != np.uint8:
            img = _normalize_image(img.reshape(h * w, depth), _BAD_COLOR).reshape(h, w, depth)
        v = s.value.add(tag=f"{base}/image/{i}" if max_images > 1 else f"{base}/image")
        v.image.height, v.image.width, v.image.colorspace = h, w, depth
        v.image.encoded_image_string = encode_png(img)
    return [_summary_bytes(s)]


register_op(
    "ImageSummary",
    _scalar_string_shape,
    kind=OpKind.HOST,
    host_fn=_image_summary_value,
    graphdef_dtype=lambda op: op._inputs[1].dtype,
)
NotDifferentiable("ImageSummary")


# ---- AudioSummaryV2 -----------------------------------------------------------------------------
def _audio_summary_value(op, tag, tensor, sample_rate):
    if tag.shape != ():
        raise _fail(op, f"Tags must be a scalar, not shape {list(tag.shape)}")
    if sample_rate.size != 1:
        raise _fail(op, "sample_rate must be rank-0 or contain a single value")
    rate = np.float32(sample_rate.reshape(-1)[0])
    if not rate > 0:
        raise _fail(op, "sample_rate must be > 0")
    if tensor.ndim not in (2, 3):
        raise _fail(op, f"Tensor must be 3-D or 2-D, got: [{','.join(map(str, tensor.shape))}]")
    batch, frames = tensor.shape[:2]
    channels = tensor.shape[2] if tensor.ndim == 3 else 1
    wav_rate = max(1, int(np.rint(rate)))
    max_outputs = op._attrs.get("max_outputs", 3)
    base = _tag(tag[()])
    s = protos().Summary()
    for i in range(min(max_outputs, batch)):
        if frames and not channels:
            raise _fail(op, "audio is null")
        if wav_rate >= 1 << 32:
            raise _fail(op, f"sample_rate must be in (0, 2^32), got: {wav_rate}")
        v = s.value.add(tag=f"{base}/audio/{i}" if max_outputs > 1 else f"{base}/audio")
        a = v.audio
        a.sample_rate, a.num_channels, a.length_frames = float(rate), channels, frames
        a.content_type = "audio/wav"
        a.encoded_audio_string = encode_wav(tensor[i].reshape(frames, channels), wav_rate)
    return [_summary_bytes(s)]


register_op(
    "AudioSummaryV2",
    _scalar_string_shape,
    kind=OpKind.HOST,
    host_fn=_audio_summary_value,
    graphdef_dtype=lambda op: None,
)
NotDifferentiable("AudioSummaryV2")


# ---- TensorSummaryV2 ----------------------------------------------------------------------------
def tensor_proto_of(value: np.ndarray, dtype: _dt.DType) -> Any:
    """The ``TensorProto`` TF's summary kernel writes: strings in ``string_val``, other types as
    raw ``tensor_content``."""
    p = protos().TensorProto()
    p.dtype = dtype.as_datatype_enum
    p.tensor_shape.CopyFrom(shape_proto(list(value.shape)))
    if dtype is _dt.string:
        p.string_val.extend(
            _tag(x).encode() if not isinstance(x, bytes) else x for x in value.reshape(-1).tolist()
        )
    else:
        p.tensor_content = np.ascontiguousarray(value, dtype=dtype.np).tobytes()
    return p


def _tensor_summary_value(op, tag, tensor, metadata):
    if tag.shape != ():
        raise _fail(op, "tag must be scalar")
    if metadata.shape != ():
        raise _fail(op, "serialized_summary_metadata must be scalar")
    s = protos().Summary()
    v = s.value.add(tag=_tag(tag[()]))
    v.tensor.CopyFrom(tensor_proto_of(np.asarray(tensor), op._inputs[1].dtype))
    raw = metadata[()]
    v.metadata.ParseFromString(raw if isinstance(raw, bytes) else str(raw).encode())
    return [_summary_bytes(s)]


register_op(
    "TensorSummaryV2",
    _scalar_string_shape,
    kind=OpKind.HOST,
    host_fn=_tensor_summary_value,
    graphdef_dtype=lambda op: op._inputs[1].dtype,
)
NotDifferentiable("TensorSummaryV2")


# ---- public functions ---------------------------------------------------------------------------
class _SummaryScope:
    """TF's ``summary_op_util.summary_scope``: yields ``(tag, scope)``; with a ``family`` the
    scope is ``family/name`` and the tag gets the family again in front."""

    def __init__(self, name: str, family: str | None):
        self._name, self._family = _clean_tag(name), family
        base = self._name if family is None else f"{_clean_tag(family)}/{self._name}"
        self._scope = name_scope(base)

    def __enter__(self) -> tuple[str, str]:
        scope = self._scope.__enter__()
        tag = scope.rstrip("/")
        if self._family is not None:
            tag = f"{_clean_tag(self._family)}/{tag}"
        return tag, scope

    def __exit__(self, *exc: Any) -> None:
        self._scope.__exit__(*exc)


def _collect(t: Tensor, collections: Iterable[str] | None) -> Tensor:
    for key in (GraphKeys.SUMMARIES,) if collections is None else collections:
        get_default_graph().add_to_collection(key, t)
    return t


def _check_max(value: int, attr: str, op_type: str) -> int:
    if value < 1:
        raise ValueError(f"Attr '{attr}' of '{op_type}' Op passed {value} less than minimum 1.")
    return int(value)


def image(
    name: str,
    tensor: Any,
    max_outputs: int = 3,
    collections: Iterable[str] | None = None,
    family: str | None = None,
) -> Tensor:
    """TF 1.x's ``tf.summary.image``: up to ``max_outputs`` PNG images from a 4-D
    ``[batch, height, width, channels]`` tensor (uint8, or float scaled per image), tagged
    ``name/image/0``, ``name/image/1``... (``name/image`` when ``max_outputs`` is 1)."""
    tensor = convert_to_tensor(tensor)
    if tensor.dtype.base_dtype not in _IMAGE_DTYPES:
        raise TypeError(
            f"Value passed to parameter 'tensor' has DataType {tensor.dtype.name} not in list of "
            "allowed values: uint8, float32, float16, float64"
        )
    max_outputs = _check_max(max_outputs, "max_images", "ImageSummary")
    with _SummaryScope(name, family) as (tag, scope):
        tag_t = _string_const(tag, "tag")
        op = make_op(
            "ImageSummary", [tag_t, tensor], [_dt.string], {"max_images": max_outputs}, scope
        )
    return _collect(op.outputs[0], collections)


def audio(
    name: str,
    tensor: Any,
    sample_rate: Any,
    max_outputs: int = 3,
    collections: Iterable[str] | None = None,
    family: str | None = None,
) -> Tensor:
    """TF 1.x's ``tf.summary.audio``: up to ``max_outputs`` 16-bit WAV clips from a float32
    ``[batch, frames]`` or ``[batch, frames, channels]`` tensor with values in [-1, 1], tagged
    ``name/audio/0``... (``name/audio`` when ``max_outputs`` is 1)."""
    tensor = convert_to_tensor(tensor) if isinstance(tensor, Tensor) else tensor
    if isinstance(tensor, Tensor) and tensor.dtype.base_dtype is not _dt.float32:
        raise TypeError(
            f"Input 'tensor' of 'AudioSummaryV2' Op has type {tensor.dtype.name} that does not "
            "match expected type of float32."
        )
    tensor = convert_to_tensor(tensor, dtype=_dt.float32)
    max_outputs = _check_max(max_outputs, "max_outputs", "AudioSummaryV2")
    with _SummaryScope(name, family) as (tag, scope):
        rate = convert_to_tensor(sample_rate, dtype=_dt.float32, name="sample_rate")
        tag_t = _string_const(tag, "tag")
        op = make_op(
            "AudioSummaryV2",
            [tag_t, tensor, rate],
            [_dt.string],
            {"max_outputs": max_outputs},
            scope,
        )
    return _collect(op.outputs[0], collections)


def _string_or_tensor(value: Any) -> Tensor:
    """``value`` as a tensor; Python strings (and arrays of them) become a string ``Const`` here,
    since ``tf.constant`` makes no string tensors in tflite_core."""
    if not isinstance(value, Tensor):
        arr = np.asarray(value) if not isinstance(value, (str, bytes)) else None
        if arr is None or arr.dtype.kind in "SUO":
            return _string_const(value, "Const")
    return convert_to_tensor(value)


def tensor_summary(
    name: str,
    tensor: Any,
    summary_description: str | None = None,
    collections: Iterable[str] | None = None,
    summary_metadata: Any = None,
    family: str | None = None,
    display_name: str | None = None,
) -> Tensor:
    """TF 1.x's ``tf.summary.tensor_summary``: a ``Summary`` whose value holds the whole tensor as
    a ``TensorProto`` with ``summary_metadata`` (description and display name set in it)."""
    if summary_metadata is None:
        summary_metadata = protos().SummaryMetadata()
    if summary_description is not None:
        summary_metadata.summary_description = summary_description
    if display_name is not None:
        summary_metadata.display_name = display_name
    serialized = summary_metadata.SerializeToString()
    tensor = _string_or_tensor(tensor)
    with _SummaryScope(name, family) as (tag, scope):
        tag_t = _string_const(tag, "tag")
        meta = _string_const(serialized, "serialized_summary_metadata")
        op = make_op("TensorSummaryV2", [tag_t, tensor, meta], [_dt.string], {}, scope)
    return _collect(op.outputs[0], collections)


def text(name: str, tensor: Any, collections: Iterable[str] | None = None) -> Tensor:
    """TF 1.x's ``tf.summary.text``: a tensor summary of a string tensor with the TensorBoard
    ``text`` plugin's metadata; a non-string tensor is a ``ValueError``."""
    tensor = _string_or_tensor(tensor)
    if tensor.dtype is not _dt.string:
        raise ValueError(
            f"Expected tensor {tensor.name} to have dtype string, "
            f"got <dtype: '{tensor.dtype.name}'>"
        )
    meta = protos().SummaryMetadata()
    meta.plugin_data.plugin_name = "text"
    return tensor_summary(name, tensor, summary_metadata=meta, collections=collections)


def get_summary_description(node_def: Any) -> Any:
    """``tf.summary.get_summary_description``: the ``SummaryDescription`` that a ``TensorSummary``
    node's ``description`` attribute holds as JSON; a ``ValueError`` for any other op."""
    if node_def.op != "TensorSummary":
        raise ValueError(f"Can't get_summary_description on {node_def.op}")
    description = node_def.attr["description"].s
    if isinstance(description, bytes):
        description = description.decode("utf-8")
    out = protos().SummaryDescription()
    json_format.Parse(description or json.dumps({}), out)
    return out


def all_v2_summary_ops() -> list[Tensor]:
    """``tf.summary.all_v2_summary_ops``: the graph's TF 2-style summary ops (its
    ``_SUMMARY_V2`` collection); TF 1.x summaries are not among them."""
    return get_default_graph().get_collection(_V2_SUMMARIES)
