"""The string ops whose TF 1.x results are RaggedTensors (TF's ``ops/ragged/ragged_string_ops.py``):
``tf.strings.bytes_split``, ``unicode_decode``, ``unicode_decode_with_offsets``, ``unicode_split``
and ``unicode_split_with_offsets``.

A scalar input gives a Tensor; an input of rank k >= 1 a RaggedTensor of ragged rank k (its outer
k - 1 dimensions uniform, as ``RaggedTensor.from_tensor`` makes them). As in TF, the input is
flattened and one op decodes every string: ``UnicodeDecode`` / ``UnicodeDecodeWithOffsets`` (HOST
ops with TF's kernel semantics; TF decodes with ICU, here a decoder of UTF-8, UTF-16-BE and
UTF-32-BE that replaces each maximal invalid subsequence, and Python's codecs for single-byte
encodings) give the rows' splits, the code points and each one's byte offset;
``bytes_split`` is ``StringSplit`` with an empty delimiter, and ``unicode_split`` re-encodes each
code point (``UnicodeEncode``).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.graph import Operation, Tensor, name_scope, shape_error
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from . import array_ops
from .ragged_tensor import RaggedTensor
from .string_ops import bytes_array, check_choice, op_error, string_input
from .string_split_ops import string_split
from .string_unicode_ops import _ERRORS, _codec, unicode_encode

# ---- decoding one string: (byte offset, code point or None for an invalid subsequence) -----------
Chars = list[tuple[int, "int | None"]]  # (byte offset, code point or None: invalid)


def _utf8(s: bytes) -> Chars:
    try:  # valid UTF-8 (almost always): vectorised
        cps = np.frombuffer(s.decode("utf-8").encode("utf-32-le"), "<u4").astype(np.int64)
    except UnicodeDecodeError:
        pass
    else:
        lengths = 1 + (cps >= 0x80) + (cps >= 0x800) + (cps >= 0x10000)
        starts = np.cumsum(lengths) - lengths
        return list(zip(starts.tolist(), cps.tolist()))
    out: Chars = []
    i, n = 0, len(s)
    while i < n:
        b = s[i]
        if b < 0x80:
            out.append((i, b))
            i += 1
            continue
        # (continuation bytes after the first, the first's allowed range, the value bits)
        if 0xC2 <= b <= 0xDF:
            need, lo, hi, cp = 1, 0x80, 0xBF, b & 0x1F
        elif b == 0xE0:
            need, lo, hi, cp = 2, 0xA0, 0xBF, b & 0x0F
        elif b == 0xED:
            need, lo, hi, cp = 2, 0x80, 0x9F, b & 0x0F
        elif 0xE1 <= b <= 0xEF:
            need, lo, hi, cp = 2, 0x80, 0xBF, b & 0x0F
        elif b == 0xF0:
            need, lo, hi, cp = 3, 0x90, 0xBF, b & 0x07
        elif 0xF1 <= b <= 0xF3:
            need, lo, hi, cp = 3, 0x80, 0xBF, b & 0x07
        elif b == 0xF4:
            need, lo, hi, cp = 3, 0x80, 0x8F, b & 0x07
        else:
            out.append((i, None))
            i += 1
            continue
        j, ok = i + 1, True
        for k in range(need):
            lo_k, hi_k = (lo, hi) if k == 0 else (0x80, 0xBF)
            if j >= n or not lo_k <= s[j] <= hi_k:
                ok = False
                break
            cp = (cp << 6) | (s[j] & 0x3F)
            j += 1
        out.append((i, cp if ok else None))  # invalid: its maximal subpart s[i:j], one mark
        i = j
    return out


def _utf16be(s: bytes) -> Chars:
    out: Chars = []
    i, n = 0, len(s)
    while i < n:
        if i + 2 > n:
            out.append((i, None))
            break
        u = (s[i] << 8) | s[i + 1]
        if 0xD800 <= u <= 0xDBFF and i + 4 <= n:
            v = (s[i + 2] << 8) | s[i + 3]
            if 0xDC00 <= v <= 0xDFFF:
                out.append((i, 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00)))
                i += 4
                continue
        out.append((i, None if 0xD800 <= u <= 0xDFFF else u))
        i += 2
    return out


def _utf32be(s: bytes) -> Chars:
    out: Chars = []
    for i in range(0, len(s), 4):
        if i + 4 > len(s):
            out.append((i, None))
            break
        c = int.from_bytes(s[i : i + 4], "big")
        out.append((i, c if c <= 0x10FFFF and not 0xD800 <= c <= 0xDFFF else None))
    return out


def _single_byte(codec: str):
    table = bytes(range(256)).decode(codec, "replace")
    if len(table) != 256:
        return None
    cps = [None if c == "\ufffd" else ord(c) for c in table]
    return lambda s: [(i, cps[b]) for i, b in enumerate(s)]


@functools.lru_cache(maxsize=64)
def _decoder_for(name: str):
    """The decoder of an encoding ICU names (None: none here), made once per name."""
    codec = _codec(name)
    if codec is None:
        return None
    fn = {"utf-8": _utf8, "utf-16-be": _utf16be, "utf-32-be": _utf32be}.get(codec)
    return fn if fn is not None else _single_byte(codec)


def _decoder(op: Operation):
    name = op.get_attr("input_encoding")
    fn = _decoder_for(name)
    if fn is None:
        raise op_error(op, f"Could not create converter for input encoding: {name}")
    return fn


def _decode(op: Operation, values: Any, with_offsets: bool) -> list:
    arr = bytes_array(values)
    if arr.ndim != 1:
        raise op_error(op, f"input must be a vector, got shape: {TensorShape(arr.shape)}")
    decode = _decoder(op)
    errors = op.get_attr("errors")
    repl = int(op.get_attr("replacement_char"))
    controls = op.get_attr("replace_control_characters")
    splits, cps, offs = [0], [], []
    for s in arr:
        for start, cp in decode(bytes(s)):
            if cp is None:
                if errors == "strict":
                    raise op_error(op, "Invalid formatting on input string")
                if errors == "ignore":
                    continue
                cp = repl
            elif controls and cp < 0x20:
                cp = repl
            cps.append(cp)
            offs.append(start)
        splits.append(len(cps))
    out = [np.array(splits, np.int64), np.array(cps, np.int32).reshape(-1)]
    return [*out, np.array(offs, np.int64).reshape(-1)] if with_offsets else out


def _decode_shape(op: Operation, in_shapes: list, value_of) -> list:
    if in_shapes[0].ndims not in (None, 1):
        raise shape_error(
            op.type, op.name, f"Shape must be rank 1 but is rank {in_shapes[0].ndims}", in_shapes
        )
    rows = in_shapes[0].as_list()[0] if in_shapes[0].ndims == 1 else None
    splits = TensorShape([None if rows is None else rows + 1])
    return [splits, TensorShape([None])] + ([TensorShape([None])] * (len(op.outputs) - 2))


for _type, _offsets in (("UnicodeDecode", False), ("UnicodeDecodeWithOffsets", True)):
    register_op(
        _type,
        _decode_shape,
        kind=OpKind.HOST,
        host_fn=lambda op, values, _o=_offsets: _decode(op, values, _o),
        feeds_plan=True,
        graphdef_dtype=lambda op: None,
    )
    NotDifferentiable(_type)


# ---- the API -------------------------------------------------------------------------------------
def _string_rank(t: Tensor, op_type: str) -> int:
    rank = t.shape.ndims
    if rank is None:
        raise ValueError(f"Rank of `input` must be statically known ({op_type})")
    return rank


def _flat_and_rebuild(t: Tensor, rank: int):
    """The strings as a vector, and a function that gives per-string rows (row splits and
    values) ``t``'s shape: a Tensor for a scalar, a RaggedTensor of ragged rank ``rank``."""
    if rank == 0:
        return array_ops.reshape(t, [1]), lambda splits, values: values
    if rank == 1:
        flat, outer = t, None
    else:
        outer = RaggedTensor.from_tensor(t, ragged_rank=rank - 1)
        flat = outer.flat_values

    def rebuild(splits, values):
        rt = RaggedTensor.from_row_splits(values, splits, validate=False)
        return rt if outer is None else outer.with_flat_values(rt)

    return flat, rebuild


def _decode_op(input, input_encoding, errors, replacement_char, controls, offsets, name):
    check_choice("UnicodeDecode", "errors", errors, _ERRORS)
    t = string_input(input, "UnicodeDecode", "input")
    g = graph_of(t)
    op_type = "UnicodeDecodeWithOffsets" if offsets else "UnicodeDecode"
    with g.as_default(), name_scope(name or op_type):
        rank = _string_rank(t, op_type)
        flat, rebuild = _flat_and_rebuild(t, rank)
        attrs = {
            "input_encoding": input_encoding,
            "errors": errors,
            "replacement_char": int(replacement_char),
            "replace_control_characters": bool(controls),
            "Tsplits": _dt.int64,
        }
        types = [_dt.int64, _dt.int32] + ([_dt.int64] if offsets else [])
        op = g.create_op(op_type, [flat], types, attrs, op_type)
        splits, cps = op.outputs[0], op.outputs[1]
        codepoints = rebuild(splits, cps)
        if not offsets:
            return codepoints
        return codepoints, rebuild(splits, op.outputs[2])


def unicode_decode(
    input: Any,
    input_encoding: str,
    errors: str = "replace",
    replacement_char: int = 65533,
    replace_control_characters: bool = False,
    name: str | None = None,
) -> Any:
    """The code points (int32) of each string: a Tensor for a scalar ``input``, a RaggedTensor
    of rows otherwise (TF's ``UnicodeDecode``). ``errors``: ``"replace"`` each invalid
    subsequence by ``replacement_char``, ``"ignore"`` it, or ``"strict"`` (an error).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     sess.run(tf.strings.unicode_decode(["h\\u00e9", "!"], "UTF-8")).to_list()
    [[104, 233], [33]]
    """
    return _decode_op(
        input, input_encoding, errors, replacement_char, replace_control_characters, False, name
    )


def unicode_decode_with_offsets(
    input: Any,
    input_encoding: str,
    errors: str = "replace",
    replacement_char: int = 65533,
    replace_control_characters: bool = False,
    name: str | None = None,
) -> tuple:
    """``unicode_decode``'s code points and each one's starting byte offset (int64), in the same
    structure (TF's ``UnicodeDecodeWithOffsets``)."""
    return _decode_op(
        input, input_encoding, errors, replacement_char, replace_control_characters, True, name
    )


def _encode_each(codepoints: Any, encoding: str, errors: str, replacement_char: int) -> Any:
    """Each code point as a one-character string in ``encoding``, in ``codepoints``' structure."""
    flat = codepoints.flat_values if isinstance(codepoints, RaggedTensor) else codepoints
    chars = unicode_encode(array_ops.expand_dims(flat, -1), encoding, errors, replacement_char)
    return codepoints.with_flat_values(chars) if isinstance(codepoints, RaggedTensor) else chars


def unicode_split(
    input: Any,
    input_encoding: str,
    errors: str = "replace",
    replacement_char: int = 65533,
    name: str | None = None,
) -> Any:
    """Each string split into its characters, each encoded in ``input_encoding`` (an invalid
    subsequence becomes ``replacement_char``, or is dropped or an error as ``errors`` says).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.strings.unicode_split("h\\u00e9", "UTF-8")))
    [b'h' b'\\xc3\\xa9']
    """
    g = graph_of(input)
    with g.as_default(), name_scope(name or "UnicodeSplit"):
        cps = unicode_decode(input, input_encoding, errors, replacement_char)
        return _encode_each(cps, input_encoding, errors, replacement_char)


def unicode_split_with_offsets(
    input: Any,
    input_encoding: str,
    errors: str = "replace",
    replacement_char: int = 65533,
    name: str | None = None,
) -> tuple:
    """``unicode_split``'s characters and each one's starting byte offset (int64)."""
    g = graph_of(input)
    with g.as_default(), name_scope(name or "UnicodeSplitWithOffsets"):
        cps, offsets = unicode_decode_with_offsets(input, input_encoding, errors, replacement_char)
        return _encode_each(cps, input_encoding, errors, replacement_char), offsets


def string_bytes_split(input: Any, name: str | None = None) -> Any:
    """Each string split into its bytes: a Tensor for a scalar ``input``, a RaggedTensor of rows
    otherwise (TF's ``tf.strings.bytes_split``: ``StringSplit`` with an empty delimiter).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     sess.run(tf.strings.bytes_split(["ab", "", "c"])).to_list()
    [[b'a', b'b'], [], [b'c']]
    """
    t = string_input(input, "StringSplit", "input")
    g = graph_of(t)
    with g.as_default(), name_scope(name or "StringsByteSplit"):
        rank = _string_rank(t, "StringsByteSplit")
        flat, rebuild = _flat_and_rebuild(t, rank)
        st = string_split(flat, delimiter="", skip_empty=False)
        rows = RaggedTensor.from_value_rowids(
            st.values, st.indices[:, 0], nrows=st.dense_shape[0], validate=False
        )
        return rebuild(rows.row_splits, rows.values)
