"""Unicode encodings of strings, as HOST ops with TF's kernel semantics (TF runs them on ICU;
here Python's codecs):

* ``UnicodeTranscode`` (``tf.strings.unicode_transcode``): each string decoded from
  ``input_encoding`` and encoded to ``output_encoding`` (UTF-8, UTF-16-BE or UTF-32-BE); an
  invalid sequence is an error (``errors="strict"``), dropped (``"ignore"``) or
  ``replacement_char`` (``"replace"``); ``replace_control_characters`` also replaces the C0
  controls (U+0000-U+001F);
* ``UnicodeEncode`` (``tf.strings.unicode_encode`` of a dense tensor): the code points of each
  row of an int32 ``[..., N]`` tensor as one string (TF's op takes the flat code points and the
  rows' splits, as a RaggedTensor holds them); an invalid code point (negative, past U+10FFFF,
  a surrogate) is handled as ``errors`` says.

Not here: the ``unicode_*`` names whose TF 1.x results are RaggedTensors, and
``unicode_script`` (ICU's script table).
"""

from __future__ import annotations

import codecs
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, shape_error
from ..framework.op_util import graph_of
from ..framework.tensor_shape import TensorShape
from . import array_ops, indexing_ops, math_ops
from .string_ops import (
    bytes_array,
    check_choice,
    make_string_op,
    map_strings,
    op_error,
    register_string_op,
    same_shape,
    string_input,
)

_OUTPUT_ENCODINGS = ("UTF-8", "UTF-16-BE", "UTF-32-BE")
_ERRORS = ("strict", "replace", "ignore")
_CODECS = {"UTF-8": "utf-8", "UTF-16-BE": "utf-16-be", "UTF-32-BE": "utf-32-be"}
_MARK = "\ud800"  # a lone surrogate: no valid decoding yields one, so it marks an invalid part


def _mark(e: UnicodeError) -> tuple[str, int]:
    assert isinstance(e, UnicodeDecodeError)  # (only decoders use this handler)
    return _MARK, e.end


codecs.register_error("tflite_core.unicode_mark", _mark)


def _codec(name: str) -> str | None:
    """Python's codec for an encoding name ICU accepts (UTF-8, UTF-16-BE, ISO-8859-1, ...)."""
    try:
        return codecs.lookup(_CODECS.get(name, name)).name
    except LookupError:
        return None


def _replacement(op) -> str:
    return "" if op.get_attr("errors") == "ignore" else chr(op.get_attr("replacement_char"))


def _transcode(op, values):
    source = _codec(op.get_attr("input_encoding"))
    if source is None:
        raise op_error(
            op, f"Could not create converter for input encoding: {op.get_attr('input_encoding')}"
        )
    target = _CODECS[op.get_attr("output_encoding")]
    strict = op.get_attr("errors") == "strict"
    repl = _replacement(op)
    controls = op.get_attr("replace_control_characters")

    def one(s: bytes) -> bytes:
        text = s.decode(source, "tflite_core.unicode_mark")
        if _MARK in text:
            if strict:
                raise op_error(op, "Invalid formatting on input string")
            text = text.replace(_MARK, repl)
        if controls:
            text = "".join(chr(op.get_attr("replacement_char")) if c < " " else c for c in text)
        return text.encode(target)

    return [map_strings(one, bytes_array(values))]


register_string_op("UnicodeTranscode", same_shape, _transcode)


def unicode_transcode(
    input: Any,
    input_encoding: str,
    output_encoding: str,
    errors: str = "replace",
    replacement_char: int = 65533,
    replace_control_characters: bool = False,
    name: str | None = None,
) -> Tensor:
    """Each string re-encoded from ``input_encoding`` to ``output_encoding`` (TF's
    ``UnicodeTranscode``).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.strings.unicode_transcode(["h\\u00e9"], "UTF-8", "UTF-16-BE")))
    [b'\\x00h\\x00\\xe9']
    """
    check_choice("UnicodeTranscode", "output_encoding", output_encoding, _OUTPUT_ENCODINGS)
    check_choice("UnicodeTranscode", "errors", errors, _ERRORS)
    t = string_input(input, "UnicodeTranscode", "input")
    attrs = {
        "input_encoding": input_encoding,
        "output_encoding": output_encoding,
        "errors": errors,
        "replacement_char": int(replacement_char),
        "replace_control_characters": bool(replace_control_characters),
    }
    return make_string_op("UnicodeTranscode", [t], _dt.string, attrs, name)


# ---- UnicodeEncode -------------------------------------------------------------------------------
def _valid(c: int) -> bool:
    return 0 <= c <= 0x10FFFF and not 0xD800 <= c <= 0xDFFF


def _encode(op, values, splits):
    codes, splits = np.asarray(values).reshape(-1), np.asarray(splits).reshape(-1)
    strict = op.get_attr("errors") == "strict"
    repl = _replacement(op)
    target = _CODECS[op.get_attr("output_encoding")]
    out = np.empty((max(len(splits) - 1, 0),), object)
    for i in range(out.size):
        chars = []
        for c in codes[splits[i] : splits[i + 1]]:
            if _valid(int(c)):
                chars.append(chr(int(c)))
            elif strict:
                raise op_error(op, "Code point is out of range for Unicode, or is a surrogate.")
            else:
                chars.append(repl)
        out[i] = "".join(chars).encode(target)
    return [out]


def _encode_shape(op, in_shapes, value_of):
    for k in (0, 1):
        if in_shapes[k].ndims not in (None, 1):
            raise shape_error(
                op.type,
                op.name,
                f"Shape must be rank 1 but is rank {in_shapes[k].ndims}",
                in_shapes,
            )
    rows = in_shapes[1].as_list()[0] if in_shapes[1].ndims else None
    return [TensorShape([None if rows is None else rows - 1])]


register_string_op("UnicodeEncode", _encode_shape, _encode)


def unicode_encode(
    input: Any,
    output_encoding: str,
    errors: str = "replace",
    replacement_char: int = 65533,
    name: str | None = None,
) -> Tensor:
    """The code points of each row of the int32 tensor ``input`` (rank >= 1; the last axis is
    the row) as one string in ``output_encoding``: a tensor of ``input``'s shape without its
    last axis (TF's ``UnicodeEncode``).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.strings.unicode_encode([[104, 105], [233, 33]], "UTF-8")))
    [b'hi' b'\\xc3\\xa9!']
    """
    check_choice("UnicodeEncode", "output_encoding", output_encoding, _OUTPUT_ENCODINGS)
    check_choice("UnicodeEncode", "errors", errors, _ERRORS)
    g = graph_of(input)
    with g.as_default(), g.name_scope(name or "UnicodeEncode"):
        x = input if isinstance(input, Tensor) else convert_to_tensor(input, _dt.int32, "input")
        if x.dtype != _dt.int32:
            raise TypeError(
                f"Input 'input_values' of 'UnicodeEncode' Op has type {x.dtype.name} that does "
                "not match expected type of int32."
            )
        if x.shape.ndims == 0:
            raise ValueError("Rank of input must be known and >= 1")  # (TF's ragged conversion)
        dims = array_ops.shape(x, out_type=_dt.int64)
        width = dims[-1]
        rows = math_ops.reduce_prod(dims[:-1])
        splits = indexing_ops.range(rows + 1) * width
        attrs = {
            "errors": errors,
            "output_encoding": output_encoding,
            "replacement_char": int(replacement_char),
            "Tsplits": _dt.int64,
        }
        flat = array_ops.reshape(x, [-1])
        out = make_string_op("UnicodeEncode", [flat, splits], _dt.string, attrs, "UnicodeEncode")
        # (an int32 shape: TF reads a GraphDef Reshape as taking one)
        return array_ops.reshape(out, array_ops.cast(dims[:-1], _dt.int32))
