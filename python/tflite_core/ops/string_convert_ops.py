"""Strings to numbers and numbers to strings, as HOST ops with TF's kernel semantics:
``StringToNumber`` (``tf.strings.to_number``: TF's ``safe_strto*`` parsing, its error),
``AsString`` (``tf.as_string``: C's printf formats built from ``precision``, ``scientific``,
``shortest``, ``width`` and ``fill``, as TF's kernel builds them) and ``StringFormat``
(``tf.strings.format``: tensors summarized as ``tf.print`` shows them).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from .string_ops import (
    bytes_array,
    make_string_op,
    map_strings,
    op_error,
    register_string_op,
    same_shape,
    string_input,
)

# ---- StringToNumber ------------------------------------------------------------------------------
_SPACE = b" \t\n\v\f\r"
_DECIMAL = re.compile(rb"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_HEX = re.compile(rb"[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?\d+)?")
_INF = re.compile(rb"[+-]?(inf|infinity)", re.IGNORECASE)
_NAN = re.compile(rb"[+-]?nan(\([0-9A-Za-z_]*\))?", re.IGNORECASE)
_SIGNED = re.compile(rb"[+-]?\d+")
_UNSIGNED = re.compile(rb"\+?\d+")


def _parse_float(s: bytes) -> float | None:
    if _DECIMAL.fullmatch(s):
        return float(s)
    if _HEX.fullmatch(s):
        text = s.decode()
        sign = -1.0 if text.startswith("-") else 1.0
        body = text.lstrip("+-")
        if "p" not in body.lower():
            body += "p0"
        return sign * float.fromhex(body)
    if _INF.fullmatch(s):
        return float("-inf") if s.startswith(b"-") else float("inf")
    if _NAN.fullmatch(s):
        return float("nan")
    return None


def _parse(s: bytes, dtype: _dt.DType) -> Any:
    s = s.strip(_SPACE)
    if dtype.is_floating:
        return _parse_float(s)
    if not (_UNSIGNED if dtype.is_unsigned else _SIGNED).fullmatch(s):
        return None
    v = int(s)
    info = np.iinfo(dtype.np)
    return v if info.min <= v <= info.max else None


def _to_number(op, values):
    dtype = op.outputs[0].dtype
    arr = bytes_array(values)
    out = np.empty(arr.shape, dtype.np)
    flat = out.reshape(-1)
    for i, s in enumerate(arr.reshape(-1)):
        v = _parse(s, dtype)
        if v is None:
            text = s.decode("utf-8", "replace")
            raise op_error(op, f"StringToNumberOp could not correctly convert string: {text}")
        with np.errstate(over="ignore"):
            flat[i] = v
    return [out]


register_string_op("StringToNumber", same_shape, _to_number)

_NUMBER_TYPES = (_dt.float32, _dt.float64, _dt.int32, _dt.int64, _dt.uint32, _dt.uint64)


def string_to_number(
    string_tensor: Any = None,
    out_type: Any = _dt.float32,
    name: str | None = None,
    input: Any = None,
) -> Tensor:
    """The number each string spells (TF's ``StringToNumber``): decimal, hexadecimal,
    ``inf``/``nan`` for floats, decimal integers in range for ints; surrounding whitespace is
    allowed; anything else is an InvalidArgumentError when the graph runs.

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.strings.to_number(["1.5", " 2 ", "-inf"])))
    [ 1.5  2.  -inf]
    """
    if input is not None:
        if string_tensor is not None:
            raise ValueError("Cannot specify both 'string_tensor' and 'input'.")
        string_tensor = input
    dtype = _dt.as_dtype(out_type)
    if dtype not in _NUMBER_TYPES:
        raise TypeError(
            f"Value passed to parameter 'out_type' has DataType {dtype.name} not in list of "
            f"allowed values: {', '.join(d.name for d in _NUMBER_TYPES)}"
        )
    t = string_input(string_tensor, "StringToNumber", "string_tensor", name="string_tensor")
    return make_string_op("StringToNumber", [t], dtype, {"out_type": dtype}, name)


# ---- AsString ------------------------------------------------------------------------------------
_FLOATING = (_dt.float16, _dt.bfloat16, _dt.float32, _dt.float64, _dt.complex64, _dt.complex128)


def _as_string_format(op) -> str:
    """TF's printf format for ``op``'s attributes (or its InvalidArgumentError)."""
    dtype = op._inputs[0].dtype
    precision, width = op.get_attr("precision"), op.get_attr("width")
    scientific, shortest = op.get_attr("scientific"), op.get_attr("shortest")
    fill = op.get_attr("fill")
    if dtype not in _FLOATING:
        if scientific or shortest:
            raise op_error(
                op, f"scientific and shortest format not supported for datatype {dtype.name}"
            )
        if precision >= 0:
            raise op_error(op, f"precision not supported for datatype {dtype.name}")
    if len(fill) > 1:
        raise op_error(op, "Fill string must be one or fewer characters")
    if scientific and shortest:
        raise op_error(op, "Cannot select both scientific and shortest notation")
    fmt = "%"
    if fill:
        if fill not in " +-0#":
            raise op_error(op, f'Fill argument not supported: "{fill}"')
        fmt += fill
    if width > -1:
        fmt += str(width)
    if precision > -1:
        fmt += f".{precision}"
    if dtype in _FLOATING:
        fmt += "e" if scientific else ("g" if shortest else "f")
        if dtype.is_complex:
            fmt = f"({fmt},{fmt})"
        return fmt
    return fmt + "d"


def _as_string(op, values):
    dtype = op._inputs[0].dtype
    arr = np.asarray(values)
    if dtype == _dt.string:
        return [bytes_array(values)]
    fmt = _as_string_format(op)
    if dtype == _dt.bool:
        return [map_strings(lambda v: b"true" if v else b"false", arr)]
    if dtype.is_complex:
        return [map_strings(lambda v: (fmt % (v.real, v.imag)).encode(), arr)]
    if dtype in _FLOATING:  # (C's printf pads inf and nan with spaces, never zeros)
        plain = fmt.replace("%0", "%") if fmt.startswith("%0") else fmt

        def one(v: Any) -> bytes:
            f = float(v)
            return ((fmt if f - f == 0 else plain) % f).encode()

        return [map_strings(one, arr)]
    return [map_strings(lambda v: (fmt % int(v)).encode(), arr)]


register_op(
    "AsString",
    same_shape,
    kind=OpKind.HOST,
    host_fn=_as_string,
    feeds_plan=True,
    graphdef_dtype=lambda op: op._inputs[0].dtype,
)
NotDifferentiable("AsString")


def as_string(
    input: Any,
    precision: int = -1,
    scientific: bool = False,
    shortest: bool = False,
    width: int = -1,
    fill: str = "",
    name: str | None = None,
) -> Tensor:
    """Each element as a string (TF's ``AsString``): floats as C's ``%f`` (``%e`` when
    ``scientific``, ``%g`` when ``shortest``) with ``precision`` digits, numbers padded to
    ``width`` with ``fill`` (one of `` +-0#``), bools as ``true``/``false``.

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.as_string([1.5, 2.0], precision=2)))
    [b'1.50' b'2.00']
    """
    t = input if isinstance(input, Tensor) else convert_to_tensor(input, name="input")
    attrs = {
        "precision": int(precision),
        "scientific": bool(scientific),
        "shortest": bool(shortest),
        "width": int(width),
        "fill": fill,
    }
    return make_string_op("AsString", [t], _dt.string, attrs, name)


# ---- StringFormat --------------------------------------------------------------------------------
def _element(v: Any, dtype: _dt.DType) -> str:
    """One element as TF's ``StrCat`` writes it (shortest of 6/9 digits for float32, 15/17 for
    float64, ``"quoted"`` strings, bools as 1/0, complex numbers as ``?``)."""
    if dtype == _dt.string:
        return '"' + bytes(v).decode("utf-8", "replace") + '"'
    if dtype == _dt.bool:
        return "1" if v else "0"
    if dtype.is_floating:
        f = float(v)
        if dtype == _dt.float64:
            text = f"{f:.15g}"
            return text if float(text) == f or f != f else f"{f:.17g}"
        text = f"{f:.6g}"
        return text if np.float32(text) == np.float32(f) or f != f else f"{f:.9g}"
    if dtype.is_complex:
        return "?"  # (as TF's tensor summaries)
    return str(int(v))


def _summarize(arr: np.ndarray, dtype: _dt.DType, summarize: int) -> str:
    if arr.ndim == 0:
        return _element(arr.item() if dtype != _dt.string else arr[()], dtype)
    if arr.size == 0:  # (TF's summary of an empty tensor with rows)
        return "[]" if arr.shape[0] == 0 else "[" + "\n" * (arr.ndim - 1) + " ...]"

    def rec(a: np.ndarray, depth: int) -> str:
        n = a.shape[0]
        elide = summarize >= 0 and n > 2 * summarize
        keep = [*range(summarize), None, *range(n - summarize, n)] if elide else range(n)
        if a.ndim == 1:
            return "[" + " ".join("..." if i is None else _element(a[i], dtype) for i in keep) + "]"
        sep = "\n" * (a.ndim - 1) + " " * (depth + 1)
        return "[" + sep.join("..." if i is None else rec(a[i], depth + 1) for i in keep) + "]"

    return rec(arr, 0)


def _format(op, *values):
    template = op.get_attr("template")
    parts = template.split(op.get_attr("placeholder"))
    summarize = op.get_attr("summarize")
    out = [parts[0]]
    for part, v, t in zip(parts[1:], values, op._inputs):
        arr = bytes_array(v) if t.dtype == _dt.string else np.asarray(v)
        out += [_summarize(arr, t.dtype, summarize), part]
    return [np.array("".join(out).encode(), object)]


def _format_shape(op, in_shapes, value_of):
    return [TensorShape([])]


register_string_op("StringFormat", _format_shape, _format)


def string_format(
    template: str,
    inputs: Any,
    placeholder: str = "{}",
    summarize: int = 3,
    name: str | None = None,
) -> Tensor:
    """A scalar string: ``template`` with each ``placeholder`` replaced by one of ``inputs``
    summarized as ``tf.print`` does (``summarize`` first and last entries per dimension; -1:
    all) (TF's ``StringFormat``).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.strings.format("x={}", [tf.constant([1, 2])])))
    b'x=[1 2]'
    """
    if isinstance(inputs, Tensor) or hasattr(inputs, "_tflite_as_tensor"):
        inputs = [inputs]
    count = template.count(placeholder)
    if count != len(inputs):
        raise ValueError(
            f"The template expects {count} tensors, but the inputs only has {len(inputs)}. "
            "Please ensure the number of placeholders in template matches inputs length."
        )
    if not isinstance(inputs, (list, tuple)):  # (a Python string: its length counted, as TF)
        raise TypeError(f"Expected list for 'inputs' argument to 'StringFormat' Op, not {inputs}.")
    g = graph_of(*inputs)
    with g.as_default():
        ts = [convert_to_tensor(v) for v in inputs]
    attrs = {
        "T": [t.dtype for t in ts],
        "template": template,
        "placeholder": placeholder,
        "summarize": int(summarize),
    }
    return make_string_op("StringFormat", ts, _dt.string, attrs, name)
