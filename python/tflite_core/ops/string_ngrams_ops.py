"""``tf.strings.ngrams`` of dense tensors (TF's ``StringNGrams`` as a HOST op): the n-grams of
each row (the last axis) for each width in turn, tokens joined by ``separator``, padded with
``pad_values`` (``padding_width`` on each side, at most width - 1; default width - 1), a
too-short row kept whole when ``preserve_short_sequences``. TF's op takes the flat tokens and
the rows' splits (a RaggedTensor's) and gives the flat n-grams and theirs; a dense input's rows
are equally long, so the result is dense, as TF 1.x returns it for a dense input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, shape_error
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from . import array_ops, indexing_ops, math_ops
from .string_ops import bytes_array, op_error, string_input


def _pad_width(pad_width: int, width: int) -> int:
    return min(width - 1 if pad_width < 0 else pad_width, width - 1)


def _ngrams_of(op, row: list, width: int, count: int, pad: int) -> list:
    sep = op.get_attr("separator").encode()
    left, right = op.get_attr("left_pad").encode(), op.get_attr("right_pad").encode()
    out = []
    for k in range(count):
        lp = max(0, pad - k)
        rp = max(0, pad - (count - (k + 1)))
        tokens = width - lp - rp
        start = 0 if lp > 0 else k - pad
        out.append(sep.join([left] * lp + row[start : start + tokens] + [right] * rp))
    return out


def _ngrams(op, data, splits):
    data, splits = bytes_array(data).reshape(-1), np.asarray(splits).reshape(-1)
    if splits.size and (splits[0] != 0 or splits[-1] != data.size or np.any(np.diff(splits) < 0)):
        raise op_error(op, "Invalid split value.")
    widths = op.get_attr("ngram_widths")
    pad_attr = op.get_attr("pad_width")
    out: list = []
    out_splits = [0]
    for i in range(max(splits.size - 1, 0)):
        row = list(data[splits[i] : splits[i + 1]])
        start = len(out)
        for w in widths:
            pad = _pad_width(pad_attr, w)
            count = max(0, len(row) + 2 * pad - w + 1)
            out += _ngrams_of(op, row, w, count, pad)
        if op.get_attr("preserve_short_sequences") and len(out) == start and row:
            whole = len(row) + 2 * pad_attr
            out += _ngrams_of(op, row, whole, 1, _pad_width(pad_attr, whole))
        out_splits.append(len(out))
    return [np.array(out, object).reshape(-1), np.array(out_splits, splits.dtype)]


def _ngrams_shape(op, in_shapes, value_of):
    for k in (0, 1):
        if in_shapes[k].ndims not in (None, 1):
            raise shape_error(
                op.type,
                op.name,
                f"Shape must be rank 1 but is rank {in_shapes[k].ndims}",
                in_shapes,
            )
    return [TensorShape([None]), in_shapes[1]]


register_op(
    "StringNGrams",
    _ngrams_shape,
    kind=OpKind.HOST,
    host_fn=_ngrams,
    feeds_plan=True,
    graphdef_dtype=lambda op: None,
)
NotDifferentiable("StringNGrams")


def _is_text(v: Any) -> bool:
    return isinstance(v, (str, bytes))


def _text(v: str | bytes) -> str:
    return v.decode() if isinstance(v, bytes) else v


def ngrams(
    data: Any,
    ngram_width: Any,
    separator: str = " ",
    pad_values: Any = None,
    padding_width: int | None = None,
    preserve_short_sequences: bool = False,
    name: str | None = None,
) -> Tensor:
    """The n-grams of each row (last axis) of the string tensor ``data``, for each width of
    ``ngram_width`` in turn: a tensor of ``data``'s shape with the last axis holding the row's
    n-grams (TF's ``StringNGrams``).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.strings.ngrams(["a", "b", "c"], 2)))
    [b'a b' b'b c']
    """
    if pad_values is None:
        left = right = ""
    elif isinstance(pad_values, (list, tuple)):
        if not (_is_text(pad_values[0]) and _is_text(pad_values[1])):
            raise TypeError("pad_values must be a string, tuple of strings, or None.")
        left, right = _text(pad_values[0]), _text(pad_values[1])
    elif _is_text(pad_values):
        left = right = _text(pad_values)
    else:
        raise TypeError("pad_values must be a string, tuple of strings, or None.")
    if padding_width is not None and padding_width < 1:
        raise ValueError("padding_width must be greater than 0.")
    if padding_width is not None and pad_values is None:
        raise ValueError("pad_values must be provided if padding_width is set.")
    widths = list(ngram_width) if isinstance(ngram_width, (list, tuple)) else [ngram_width]
    g = graph_of(data)
    with g.as_default(), g.name_scope(name or "StringNGrams"):
        x = string_input(data, "StringNGrams", "data", name="data")
        if x.shape.ndims is None:
            raise ValueError("Rank of data must be known.")
        if x.shape.ndims == 0:
            raise ValueError("Data must have rank>0")
        for w in widths:
            if w < 1:
                raise ValueError(f"All ngram_widths must be greater than 0. Got {ngram_width}")
        pad = 0 if pad_values is None else (-1 if padding_width is None else int(padding_width))
        dims = array_ops.shape(x, out_type=_dt.int64)
        rows = math_ops.reduce_prod(dims[:-1])
        splits = indexing_ops.range(rows + 1) * dims[-1]
        attrs = {
            "separator": separator,
            "ngram_widths": [int(w) for w in widths],
            "left_pad": left,
            "right_pad": right,
            "pad_width": pad,
            "preserve_short_sequences": bool(preserve_short_sequences),
            "Tsplits": _dt.int64,
        }
        flat = array_ops.reshape(x, [-1])
        op = g.create_op(
            "StringNGrams", [flat, splits], [_dt.string, _dt.int64], attrs, "StringNGrams"
        )
        out = op.outputs[0]
        if x.shape.ndims == 1:
            return out
        # (an int32 shape: TF reads a GraphDef Reshape as taking one)
        lead = array_ops.cast(dims[:-1], _dt.int32)
        shape = array_ops.concat([lead, convert_to_tensor([-1], _dt.int32)], 0)
        out = array_ops.reshape(out, shape)
        out.set_shape(x.shape[:-1].concatenate([None]))
        return out
