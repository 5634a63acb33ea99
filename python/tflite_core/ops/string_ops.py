"""String ops of ``tf.strings`` (TF's ``string_ops.cc`` kernels) as HOST ops: each runs in Python
on NumPy object arrays of ``bytes`` when the graph runs; a numeric output (``StringLength``)
is computed before the plan and fed to kernels that read it (``feeds_plan``).

This file holds the element-wise ops (join, length, lower/upper, strip, substr, the base64
codecs) and what the other string op files share; the regular expressions are in
``string_regex_ops.py``.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor, shape_error
from ..framework.op_util import broadcast_shapes, graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape

# ---- shared by the string op files ---------------------------------------------------------------


def string_input(value: Any, op_type: str, param: str, name: str = "input") -> Tensor:
    """``value`` as a string tensor for input ``param`` of ``op_type``, with TF's TypeErrors: a
    tensor of another dtype, or a Python value holding a non-string."""
    if isinstance(value, Tensor) or hasattr(value, "_tflite_as_tensor"):
        t = convert_to_tensor(value)
        if t.dtype != _dt.string:
            raise TypeError(
                f"Input '{param}' of '{op_type}' Op has type {t.dtype.name} that does not "
                "match expected type of string."
            )
        return t
    arr = np.asarray(value, dtype=object)
    bad = next((x for x in arr.reshape(-1) if not isinstance(x, (str, bytes))), None)
    if bad is not None:
        raise TypeError(
            f"Expected string passed to parameter '{param}' of op '{op_type}', got {value!r} "
            f"of type '{type(value).__name__}' instead. Error: Expected string, but got "
            f"{bad} of type '{type(bad).__name__}'."
        )
    return convert_to_tensor(value, dtype=_dt.string, name=name)


def check_choice(op_type: str, attr: str, value: str, allowed: tuple[str, ...]) -> None:
    """TF's ValueError for a string attribute outside its allowed values."""
    if value not in allowed:
        names = ", ".join(f'"{a}"' for a in allowed)
        raise ValueError(
            f"Attr '{attr}' of '{op_type}' Op passed string '{value}' not in: {names}."
        )


def op_error(op: Operation, msg: str) -> errors.InvalidArgumentError:
    """The InvalidArgumentError of a failed string op when it runs, naming the node."""
    return errors.InvalidArgumentError(None, op, f"{msg}\n\t [[node {op.name}]]")


def bytes_array(value: Any) -> np.ndarray:
    """A string tensor's value as an object array of ``bytes`` (a fed NumPy array of ``str``
    may reach a host op as given: its elements are encoded as UTF-8 here)."""
    arr = np.asarray(value, dtype=object)
    if any(isinstance(x, str) for x in arr.reshape(-1)):
        arr = np.array([x.encode() if isinstance(x, str) else x for x in arr.reshape(-1)], object)
        arr = arr.reshape(np.shape(value))
    return arr


def map_strings(fn, arr: np.ndarray, dtype: Any = object) -> np.ndarray:
    """``fn`` on each element of ``arr``: an array of the same shape."""
    out = np.empty(arr.shape, dtype)
    flat_out, flat_in = out.reshape(-1), arr.reshape(-1)
    for i, x in enumerate(flat_in):
        flat_out[i] = fn(x)
    return out


def dims_str(shape: tuple) -> str:
    """A concrete shape as TF's kernels write it: ``[2,3]``."""
    return "[" + ",".join(str(d) for d in shape) + "]"


def same_shape(op: Operation, in_shapes: list, value_of) -> list:
    return [in_shapes[0]]


def register_string_op(type_name: str, shape_fn, host_fn) -> None:
    """A HOST op on strings without a type attribute, and without a gradient (as TF's)."""
    register_op(
        type_name,
        shape_fn,
        kind=OpKind.HOST,
        host_fn=host_fn,
        feeds_plan=True,
        graphdef_dtype=lambda op: None,
    )
    NotDifferentiable(type_name)


def make_string_op(
    op_type: str, inputs: list, dtype: _dt.DType, attrs: dict, name: str | None
) -> Tensor:
    g = graph_of(*inputs)
    with g.as_default():
        return g.create_op(op_type, inputs, [dtype], attrs, name or op_type).outputs[0]


# ---- StringJoin ----------------------------------------------------------------------------------
def _join_shape(op, in_shapes, value_of):
    out = TensorShape([])
    seen = None
    for s in in_shapes:
        if s.ndims == 0:
            continue
        if seen is not None and not out.is_compatible_with(s):
            a, b = out.as_list(), s.as_list()
            if len(a) != len(b):
                msg = f"Shapes must be equal rank, but are {len(a)} and {len(b)}"
            else:
                d = next(i for i, (p, q) in enumerate(zip(a, b)) if p and q and p != q)
                msg = (
                    f"Dimension {d} in both shapes must be equal, but are {a[d]} and {b[d]}. "
                    f"Shapes are {seen} and {s}."
                )
            raise shape_error(op.type, op.name, msg, in_shapes)
        out = s if seen is None else out.merge_with(s)
        seen = out
    return [out]


def _join(op, *values):
    arrays = [bytes_array(v) for v in values]
    shape: tuple = ()
    for a in arrays:
        if a.ndim:
            if shape and a.shape != shape:
                raise op_error(
                    op,
                    f"Input shapes do not match: {dims_str(shape)} vs. {dims_str(a.shape)}",
                )
            shape = a.shape
    sep = op.get_attr("separator").encode()
    wide = [np.broadcast_to(a, shape).reshape(-1) for a in arrays]
    out = np.empty(shape, object)
    flat = out.reshape(-1)
    for i in range(flat.size):
        flat[i] = sep.join(w[i] for w in wide)
    return [out]


register_string_op("StringJoin", _join_shape, _join)


def string_join(inputs: list, separator: str = "", name: str | None = None) -> Tensor:
    """Joins the strings of ``inputs`` (tensors of one shape, or scalars) element-wise with
    ``separator`` (TF's ``StringJoin``).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.strings.join([["a", "b"], "c"], separator="-")))
    [b'a-c' b'b-c']
    """
    if isinstance(inputs, Tensor):
        inputs = [inputs]
    ts = []
    for i, v in enumerate(inputs):
        if isinstance(v, Tensor) and v.dtype != _dt.string:
            types = [(x.dtype.name if isinstance(x, Tensor) else "string") for x in inputs]
            raise TypeError(
                f"Tensors in list passed to 'inputs' of 'StringJoin' Op have types "
                f"[{', '.join(types)}] that do not match expected type string."
            )
        ts.append(string_input(v, "StringJoin", "inputs", name=f"inputs_{i}"))
    attrs = {"N": len(ts), "separator": separator}
    return make_string_op("StringJoin", ts, _dt.string, attrs, name)


# ---- StringLength, StringLower, StringUpper, StringStrip -----------------------------------------
def _is_trail(b: int) -> bool:
    """A UTF-8 continuation byte (10xxxxxx): TF counts every other byte as a character start."""
    return 0x80 <= b < 0xC0


def _utf8_len(s: bytes) -> int:
    return sum(1 for b in s if not _is_trail(b))


def _length(op, values):
    utf8 = op.get_attr("unit") == "UTF8_CHAR"
    return [map_strings(_utf8_len if utf8 else len, bytes_array(values), np.int32)]


register_string_op("StringLength", same_shape, _length)


def string_length(input: Any, name: str | None = None, unit: str = "BYTE") -> Tensor:
    """The length of each string: bytes (``unit="BYTE"``) or UTF-8 characters
    (``"UTF8_CHAR"``), int32 (TF's ``StringLength``)."""
    check_choice("StringLength", "unit", unit, ("BYTE", "UTF8_CHAR"))
    t = string_input(input, "StringLength", "input")
    return make_string_op("StringLength", [t], _dt.int32, {"unit": unit}, name)


def _case(upper: bool):
    def run(op, values):
        utf8 = op.get_attr("encoding").lower() in ("utf-8", "utf8")

        def one(s: bytes) -> bytes:
            if not utf8:  # ASCII letters only, as TF without an encoding
                return s.upper() if upper else s.lower()
            text = s.decode("utf-8", "replace")
            return (text.upper() if upper else text.lower()).encode("utf-8")

        return [map_strings(one, bytes_array(values))]

    return run


register_string_op("StringLower", same_shape, _case(upper=False))
register_string_op("StringUpper", same_shape, _case(upper=True))


def _case_op(op_type: str, input: Any, encoding: str, name: str | None) -> Tensor:
    t = string_input(input, op_type, "input")
    return make_string_op(op_type, [t], _dt.string, {"encoding": encoding}, name)


def lower(input: Any, encoding: str = "", name: str | None = None) -> Tensor:
    """Lower-cases each string: ASCII letters (``encoding=""``) or every Unicode letter of UTF-8
    text (``encoding="utf-8"``; Python's case mapping where TF uses ICU's) (TF's
    ``StringLower``)."""
    return _case_op("StringLower", input, encoding, name)


def upper(input: Any, encoding: str = "", name: str | None = None) -> Tensor:
    """Upper-cases each string, as :func:`lower` (TF's ``StringUpper``)."""
    return _case_op("StringUpper", input, encoding, name)


def _strip(op, values):
    return [map_strings(lambda s: s.strip(b" \t\n\v\f\r"), bytes_array(values))]


register_string_op("StringStrip", same_shape, _strip)


def string_strip(input: Any, name: str | None = None) -> Tensor:
    """Strips leading and trailing ASCII whitespace from each string (TF's ``StringStrip``)."""
    t = string_input(input, "StringStrip", "input")
    return make_string_op("StringStrip", [t], _dt.string, {}, name)


# ---- Substr --------------------------------------------------------------------------------------
def _substr_shape(op, in_shapes, value_of):
    s, pos, ln = in_shapes
    if ln.ndims is not None and pos.ndims is not None and pos.ndims != ln.ndims:
        raise shape_error(
            op.type, op.name, f"Shape must be rank {ln.ndims} but is rank {pos.ndims}", in_shapes
        )
    if pos.ndims is not None and ln.ndims is not None:
        for p, q in zip(pos.as_list(), ln.as_list()):
            if p != q:
                raise shape_error(
                    op.type, op.name, f"pos and len shapes must match: {pos} vs. {ln}", in_shapes
                )
    return [broadcast_shapes(op, s, pos)]


def _char_starts(s: bytes) -> list[int]:
    return [i for i, b in enumerate(s) if not _is_trail(b)]


def _substr(op, values, pos, length):
    arr, pos, length = bytes_array(values), np.asarray(pos), np.asarray(length)
    utf8 = op.get_attr("unit") == "UTF8_CHAR"
    if pos.shape != length.shape:
        raise op_error(
            op, f"pos and len should have the same shape, got: {pos.shape} vs. {length.shape}"
        )
    shape = np.broadcast_shapes(arr.shape, pos.shape)
    broadcast = pos.shape != arr.shape and pos.ndim > 0  # (TF's kernel: ranks 1 and 2 only)
    if broadcast and len(shape) > 2:
        raise errors.UnimplementedError(
            None,
            op,
            f"Substr broadcast not implemented for {len(shape)} dimensions\n\t [[node {op.name}]]",
        )
    s_b, p_b, l_b = (np.broadcast_to(a, shape).reshape(-1) for a in (arr, pos, length))
    out = np.empty(shape, object)
    flat = out.reshape(-1)
    for i in range(flat.size):
        s, p, n = s_b[i], int(p_b[i]), int(l_b[i])
        starts = _char_starts(s) if utf8 else None
        size = len(starts) if starts is not None else len(s)
        if p > size or p < -size:
            where = "" if utf8 else f" b'{s.decode('utf-8', 'replace')}'"
            index: Any = i
            if broadcast and len(shape) == 2:  # (TF's UTF8_CHAR message names the row only)
                row, col = divmod(i, shape[1])
                index = row if utf8 else f"({row}, {col})"
            raise op_error(op, f"pos {p} out of range for string{where} at index {index}")
        if p < 0:
            p += size
        end = size if n < 0 else min(size, p + n)
        if starts is not None:
            starts = [*starts, len(s)]
            p, end = starts[p], starts[end]
        flat[i] = s[p:end]
    return [out]


register_op(
    "Substr",
    _substr_shape,
    kind=OpKind.HOST,
    host_fn=_substr,
    feeds_plan=True,
    graphdef_dtype=lambda op: op._inputs[1].dtype,
)
NotDifferentiable("Substr")


def substr(
    input: Any, pos: Any, len: Any, name: str | None = None, unit: str = "BYTE"
) -> Tensor:  # (TF's argument names)
    """The substrings of ``len`` bytes or UTF-8 characters (``unit``) at ``pos`` (negative: from
    the end) of each string; ``pos`` and ``len`` have one shape that broadcasts against
    ``input``'s (TF's ``Substr``; a ``pos`` outside a string is an InvalidArgumentError).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.strings.substr(["hello", "world"], 1, 3)))
    [b'ell' b'orl']
    """
    check_choice("Substr", "unit", unit, ("BYTE", "UTF8_CHAR"))
    t = string_input(input, "Substr", "input")
    g = graph_of(t, pos, len)
    with g.as_default():
        p = _index_input(pos, "pos", None)
        n = _index_input(len, "len", p.dtype)
    if n.dtype != p.dtype:
        raise TypeError(
            f"Input 'len' of 'Substr' Op has type {n.dtype.name} that does not match type "
            f"{p.dtype.name} of argument 'pos'."
        )
    return make_string_op("Substr", [t, p, n], _dt.string, {"unit": unit}, name)


def _index_input(v: Any, param: str, dtype: _dt.DType | None) -> Tensor:
    t = v if isinstance(v, Tensor) else convert_to_tensor(v, dtype=dtype, name=param)
    if t.dtype not in (_dt.int32, _dt.int64):
        raise TypeError(
            f"Value passed to parameter '{param}' has DataType {t.dtype.name} not in list of "
            "allowed values: int32, int64"
        )
    return t


# ---- EncodeBase64, DecodeBase64 ------------------------------------------------------------------
_B64 = re.compile(rb"[A-Za-z0-9_-]*")


def _encode64(op, values):
    pad = op.get_attr("pad")

    def one(s: bytes) -> bytes:
        out = base64.urlsafe_b64encode(s)
        return out if pad else out.rstrip(b"=")

    return [map_strings(one, bytes_array(values))]


def _decode64(op, values):
    def one(s: bytes) -> bytes:
        body = s
        if body.endswith(b"="):
            if len(body) % 4:
                raise op_error(op, "Invalid character found in base64.")
            body = body[:-2] if body.endswith(b"==") else body[:-1]
        if not _B64.fullmatch(body):
            raise op_error(op, "Invalid character found in base64.")
        if len(body) % 4 == 1:
            raise op_error(op, "Base64 string length cannot be 1 modulo 4.")
        try:
            return base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4))
        except binascii.Error:  # (not reached: the checks above are TF's)
            raise op_error(op, "Invalid character found in base64.") from None

    return [map_strings(one, bytes_array(values))]


register_string_op("EncodeBase64", same_shape, _encode64)
register_string_op("DecodeBase64", same_shape, _decode64)


def encode_base64(input: Any, pad: bool = False, name: str | None = None) -> Tensor:
    """Web-safe base64 (``-`` and ``_`` for ``+`` and ``/``) of each string, ``=``-padded when
    ``pad`` (TF's ``EncodeBase64``)."""
    t = string_input(input, "EncodeBase64", "input")
    return make_string_op("EncodeBase64", [t], _dt.string, {"pad": bool(pad)}, name)


def decode_base64(input: Any, name: str | None = None) -> Tensor:
    """The bytes of each web-safe base64 string, padded or not (TF's ``DecodeBase64``)."""
    t = string_input(input, "DecodeBase64", "input")
    return make_string_op("DecodeBase64", [t], _dt.string, {}, name)
