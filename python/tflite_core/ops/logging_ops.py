"""Checks and printing that run with the graph: ``tf.Assert``, ``tf.check_numerics``,
``tf.Print`` and ``tf.print``.

``Assert`` and ``CheckNumerics`` are C++ kernel steps (``cpp/logging.cc``); when one fails, the
Session builds TF's message from the op's data inputs, read from their plan buffers
(``OpDef.error_fn``). ``Print`` and ``PrintV2`` are plan steps that call back into Python while
the plan runs (``OpKind.CALLBACK``) and write to ``sys.stderr`` (or the stream asked for).

>>> x = tf.placeholder(tf.float32, [2])
>>> check = tf.Assert(tf.reduce_all(x > 0), ["x must be positive:", x])
>>> with tf.control_dependencies([check]):
...     y = tf.identity(x)
>>> with tf.Session() as sess:
...     print(sess.run(y, {x: [1.0, 2.0]}))
[1. 2.]
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor, constant_value, get_default_graph, name_scope
from ..framework.op_util import graph_of, make_op, same_shape
from ..framework.registry import NotDifferentiable, OpKind, RegisterGradient, register_op
from .control_flow_ops import group

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


# ---- TF's SummarizeValue (the text of a tensor in messages) --------------------------------------
def _c_escape(s: bytes) -> str:
    """TF's ``Utf8SafeCHexEscape``: quotes, backslashes and control bytes escaped."""
    out = []
    for ch in s.decode("utf-8", "surrogateescape"):
        o = ord(ch)
        if ch in "\"'\\":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o == 0x7F or 0xDC80 <= o <= 0xDCFF:
            out.append(f"\\x{o & 0xFF:02x}")
        else:
            out.append(ch)
    return "".join(out)


def format_element(x: Any, v2: bool = False) -> str:
    """One element as TF's C++ prints it: floats in the fewest of 6/9 (float32) or 15/17
    (float64) significant digits that read back exactly; bools as 1/0; strings escaped (and
    quoted by ``tf.print``)."""
    if isinstance(x, (bytes, str)):
        b = x.encode() if isinstance(x, str) else x
        return f'"{_c_escape(b)}"' if v2 else _c_escape(b)
    if isinstance(x, (np.bool_, bool)):
        return "1" if x else "0"
    if isinstance(x, np.floating):
        if not np.isfinite(x):
            return "nan" if np.isnan(x) else ("inf" if x > 0 else "-inf")
        if x.dtype == np.float64:
            s = f"{float(x):.15g}"
            return s if float(s) == x else f"{float(x):.17g}"
        digits = 6 if x.dtype == np.float32 else 3
        s = f"{float(x):.{digits}g}"
        if x.dtype.type(s) == x:
            return s
        return f"{float(x):.{9 if x.dtype == np.float32 else 5}g}"
    return str(int(x)) if isinstance(x, (np.integer, int)) else str(x)


def summarize_value(value: Any, summarize: int = 3) -> str:
    """TF's ``Tensor::SummarizeValue(summarize)``: at most ``summarize`` elements (all when
    negative), nested in brackets by dimension, ``...`` where elements are left out."""
    a = np.asarray(value)
    flat = a.reshape(-1)
    n = flat.size
    limit = n if summarize < 0 else min(summarize, n)
    if a.ndim == 0:
        return format_element(flat[0]) if n else ""
    out: list[str] = []
    index = [0]

    def one_dim(d: int) -> None:
        if index[0] >= limit:
            return
        if d == a.ndim - 1:
            for i in range(a.shape[d]):
                if index[0] >= limit:
                    if d != 0:
                        out.append("...")
                    return
                if i > 0:
                    out.append(" ")
                out.append(format_element(flat[index[0]]))
                index[0] += 1
            return
        for _ in range(a.shape[d]):
            opened = index[0] < limit
            if opened:
                out.append("[")
            one_dim(d + 1)
            if index[0] < limit or opened:
                out.append("]")

    one_dim(0)
    if n > limit:
        out.append("...")
    return "".join(out)


def summarize_value_v2(value: Any, summarize: int = 3) -> str:
    """``tf.print``'s form (TF's ``SummarizeValue(summarize, print_v2=true)``): NumPy-like, the
    first and last ``summarize`` entries of each dimension with ``...`` between (all when
    negative)."""
    a = np.asarray(value)
    if a.ndim == 0:
        return format_element(a[()], v2=True)
    ends = a.size if summarize < 0 else min(summarize, a.size)
    nd = a.ndim

    def spacing(d: int) -> str:
        return " " if d == nd - 1 else "\n" * (nd - d - 1) + " " * (d + 1)

    def one_dim(d: int, sub: np.ndarray) -> str:
        if d == nd:
            return format_element(sub[()], v2=True)
        count = a.shape[d]
        parts = [one_dim(d + 1, sub[i]) for i in range(min(ends, count))]
        tail = [one_dim(d + 1, sub[i]) for i in range(max(ends, count - ends), count)]
        s = "[" + spacing(d).join(parts)
        if count > 2 * ends:
            s += spacing(d) + "..."
        for t in tail:
            s += spacing(d) + t
        return s + "]"

    return one_dim(0, a)


def _data_tensor(d: Any) -> Tensor:
    """A data item as a tensor: a Python string becomes a string constant (bytes)."""
    if isinstance(d, (str, bytes)):
        v = np.array(d.encode() if isinstance(d, str) else d, dtype=object)
        return make_op(
            "Const", [], [_dt.string], {"value": v, "dtype": _dt.string}, "Const"
        ).outputs[0]
    return convert_to_tensor(d)


def _string_value(t: Tensor, what: str) -> Any:
    """A string tensor's value (string data must be constants: strings have no kernels)."""
    v = constant_value(t)
    if v is None:
        raise TypeError(f"{what}: string tensor {t.name} must be a constant")
    return v


def _numeric_inputs(op: Operation, first: int = 0) -> list[int]:
    """The inputs from ``first`` on that kernels compute (strings are constants read here)."""
    return [i for i in range(first, len(op._inputs)) if op._inputs[i].dtype != _dt.string]


# ---- Assert --------------------------------------------------------------------------------------
def _assert_error(op: Operation, message: str, values: list) -> errors.OpError:
    body = message[len("[Assert] ") :] if message.startswith("[Assert] ") else message
    if body == "assertion failed":
        summarize = op.get_attr("summarize")
        parts = [
            "[" + summarize_value(v, summarize) + "]" if v is not None else "[?]"
            for v in values[1:]
        ]
        body = "assertion failed: " + " ".join(parts)
    return errors.InvalidArgumentError(None, op, f"{body}\n\t [[node {op.name}]]")


register_op(
    "Assert",
    lambda op, s, v: [],
    "assert",
    kernel_inputs=lambda op: [0, *_numeric_inputs(op, 1)],
    stateful=True,
    error_fn=_assert_error,
)
NotDifferentiable("Assert")


def Assert(
    condition: TensorLike,
    data: Sequence[Any],
    summarize: int | None = None,
    name: str | None = None,
) -> Operation:
    """An op that fails with InvalidArgumentError when ``condition`` (a bool scalar) is False
    at run time, its message showing ``data`` (tensors, at most ``summarize`` entries each).
    Run it, or make other ops depend on it with ``tf.control_dependencies``."""
    with name_scope(name, "Assert", [condition, *data]):
        cond = convert_to_tensor(condition, name="Condition")
        if cond.dtype != _dt.bool:
            raise TypeError(
                f"Input 'condition' of 'Assert' Op has type {cond.dtype.name} that does not "
                "match expected type of bool."
            )
        ts = [_data_tensor(d) for d in data]
        for t in ts:
            if t.dtype == _dt.string:
                _string_value(t, "Assert")
        return make_op(
            "Assert",
            [cond, *ts],
            [],
            {"summarize": 3 if summarize is None else int(summarize), "T": [t.dtype for t in ts]},
            "Assert",
        )


# ---- CheckNumerics -------------------------------------------------------------------------------
def _check_numerics_error(op: Operation, message: str, values: list) -> errors.OpError:
    prefix = "[CheckNumerics] "
    body = message[len(prefix) :] if message.startswith(prefix) else message
    if body.startswith("Tensor had"):
        body = f"{op.get_attr('message')} : {body}"
    return errors.InvalidArgumentError(None, op, f"{body}\n\t [[node {op.name}]]")


register_op("CheckNumerics", same_shape, "check_numerics", error_fn=_check_numerics_error)


@RegisterGradient("CheckNumerics")
def _check_numerics_grad(op, grad):
    # d/dx x = 1; the gradient is checked too, as TF's
    return [
        check_numerics(
            grad,
            "Not a number (NaN) or infinity (Inf) values detected in "
            "gradient. " + op.get_attr("message"),
        )
    ]


def check_numerics(tensor: TensorLike, message: str, name: str | None = None) -> Tensor:
    """``tensor`` itself, but the run fails (InvalidArgumentError ``"message : Tensor had NaN
    values"``) when it holds a NaN or an Inf."""
    x = convert_to_tensor(tensor)
    if not x.dtype.is_floating:
        raise TypeError(
            f"Value passed to parameter 'tensor' has DataType {x.dtype.name} not in list of "
            "allowed values: bfloat16, float16, float32, float64"
        )
    return make_op(
        "CheckNumerics", [x], [x.dtype], {"message": str(message)}, name or "CheckNumerics"
    ).outputs[0]


def verify_tensor_all_finite(
    t: TensorLike | None = None,
    msg: str | None = None,
    name: str | None = None,
    x: TensorLike | None = None,
    message: str | None = None,
) -> Tensor:
    """``t`` after a check that it holds no NaN or Inf (``check_numerics`` with ``msg``)."""
    t = t if t is not None else x
    msg = msg if msg is not None else message
    if t is None or msg is None:
        raise ValueError("verify_tensor_all_finite needs a tensor and a message")
    with name_scope(name, "VerifyFinite", [t]):
        return check_numerics(convert_to_tensor(t, name="t"), message=msg)


def add_check_numerics_ops() -> Operation:
    """A group of ``check_numerics`` of every float tensor of the default graph (as TF's: each
    op's outputs, in creation order, each check after the previous one; variables and
    assignments, whose outputs are references in TF, are left out)."""
    g = get_default_graph()
    check_op: list[Operation] = []
    for op in list(g.get_operations()):
        skip = (OpKind.HOST, OpKind.CALLBACK, OpKind.VARIABLE, OpKind.ASSIGN)  # (refs, as TF)
        if op.type == "CheckNumerics" or op._def.kind in skip:
            continue
        for out in op._outputs:
            if out.dtype in (_dt.float16, _dt.float32, _dt.float64):
                message = op.name + ":" + str(out.value_index)
                with g.control_dependencies(check_op):
                    check_op = [check_numerics(out, message=message).op]
    return group(*check_op)


# ---- Print (v1) ----------------------------------------------------------------------------------
def _print_fn(op: Operation, sess: Any):
    message = op.get_attr("message")
    summarize = op.get_attr("summarize")
    first_n = op.get_attr("first_n")
    counter = sess._random_counter(op)  # a per-session int64 counter of this op
    data = op._inputs[1:]
    strings = {i: _string_value(t, "Print") for i, t in enumerate(data) if t.dtype == _dt.string}

    def fn(ins: list, outs: list) -> None:
        outs[0][...] = ins[0]
        if first_n >= 0:
            if counter[0] >= first_n:
                return
            counter[0] += 1
        vals = iter(ins[1:])
        parts = [
            summarize_value(strings[i] if i in strings else next(vals), summarize)
            for i in range(len(data))
        ]
        sys.stderr.write(message + "".join(f"[{p}]" for p in parts) + "\n")
        sys.stderr.flush()

    return fn


register_op(
    "Print",
    lambda op, s, v: [s[0]],
    kind=OpKind.CALLBACK,
    kernel_inputs=lambda op: [0, *_numeric_inputs(op, 1)],
    callback_fn=_print_fn,
    stateful=True,
)


@RegisterGradient("Print")
def _print_grad(op, *grad):
    # identity for the input; the data are only printed
    return [grad[0]] + [None] * (len(op.inputs) - 1)


def Print(
    input_: TensorLike,
    data: Sequence[Any],
    message: str | None = None,
    first_n: int | None = None,
    summarize: int | None = None,
    name: str | None = None,
) -> Tensor:
    """``input_`` itself; when it is computed, prints ``message`` and each of ``data`` (at most
    ``summarize`` entries each, for the first ``first_n`` runs) to standard error."""
    x = convert_to_tensor(input_)
    ts = [_data_tensor(d) for d in data]
    for t in ts:
        if t.dtype == _dt.string:
            _string_value(t, "Print")
    attrs = {
        "message": "" if message is None else str(message),
        "first_n": -1 if first_n is None else int(first_n),
        "summarize": 3 if summarize is None else int(summarize),
        "U": [t.dtype for t in ts],
    }
    g = graph_of(x, *ts)
    return g.create_op("Print", [x, *ts], [x.dtype], attrs, name or "Print").outputs[0]


# ---- tf.print (PrintV2) --------------------------------------------------------------------------
_STREAMS = ("stderr", "stdout", "log(info)", "log(warning)", "log(error)")


def _write(stream: str, text: str, end: str) -> None:
    if stream == "stderr":
        sys.stderr.write(text + end)
        sys.stderr.flush()
    elif stream == "stdout":
        sys.stdout.write(text + end)
        sys.stdout.flush()
    elif stream.startswith("log("):
        level = {"info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
        logging.getLogger("tensorflow").log(level[stream[4:-1]], text)
    elif stream.startswith("file://"):
        with open(stream[len("file://") :], "a") as f:
            f.write(text + end)


def _print_v2_fn(op: Operation, sess: Any):
    template = op.get_attr("template")
    summarize = op.get_attr("summarize")
    stream = op.get_attr("output_stream")
    end = op.get_attr("end")
    strings = {
        i: _string_value(t, "print") for i, t in enumerate(op._inputs) if t.dtype == _dt.string
    }

    def fn(ins: list, outs: list) -> None:
        vals = iter(ins)
        parts = [
            summarize_value_v2(strings[i] if i in strings else next(vals), summarize)
            for i in range(len(op._inputs))
        ]
        pieces = template.split(_MARK)
        text = pieces[0] + "".join(p + rest for p, rest in zip(parts, pieces[1:]))
        _write(stream, text, end)

    return fn


register_op(
    "PrintV2",
    lambda op, s, v: [],
    kind=OpKind.CALLBACK,
    kernel_inputs=lambda op: _numeric_inputs(op),
    callback_fn=_print_v2_fn,
    stateful=True,
)
NotDifferentiable("PrintV2")


_MARK = "\x00"  # where a tensor goes in PrintV2's template


class _Placeholder:
    def __repr__(self) -> str:
        return _MARK


def print_v2(*inputs: Any, **kwargs: Any) -> Operation:
    """``tf.print``: an op that, when run, prints ``inputs`` separated by ``sep`` and followed by
    ``end`` to ``output_stream`` (``sys.stderr``; ``sys.stdout``; ``"log(info)"``,
    ``"log(warning)"``, ``"log(error)"``; ``"file://path"``), tensors as NumPy-like text with
    ``summarize`` entries at each end of each dimension."""
    output_stream = kwargs.pop("output_stream", sys.stderr)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", "\n")
    summarize = kwargs.pop("summarize", 3)
    name = kwargs.pop("name", None)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments for tf.print: {kwargs}")
    if output_stream is sys.stderr or output_stream == "stderr":
        stream = "stderr"
    elif output_stream is sys.stdout or output_stream == "stdout":
        stream = "stdout"
    elif isinstance(output_stream, str) and (
        output_stream in _STREAMS or output_stream.startswith("file://")
    ):
        stream = output_stream
    else:
        raise ValueError(
            f"Unsupported output stream, logging level, or file.{output_stream}. Supported "
            "streams are sys.stdout, sys.stderr, tf.compat.v1.logging.info, "
            "tf.compat.v1.logging.warning, tf.compat.v1.logging.error, or a file path "
            'prefixed by "file://"'
        )
    tensors: list[Tensor] = []
    pieces: list[str] = []
    for x in inputs:
        if isinstance(x, str):
            pieces.append(x)
        elif isinstance(x, Tensor) or hasattr(x, "_tflite_as_tensor"):
            tensors.append(convert_to_tensor(x))
            pieces.append(_MARK)
        elif isinstance(x, (list, tuple, dict)):
            pieces.append(_structure_template(x, tensors))
        else:
            pieces.append(str(x))
    attrs = {
        "template": sep.join(pieces),
        "summarize": -1 if summarize is None else int(summarize),
        "output_stream": stream,
        "end": end,
    }
    g = graph_of(*tensors)
    return g.create_op("PrintV2", tensors, [], attrs, name or "PrintV2")


def _structure_template(x: Any, tensors: list) -> str:
    """``str`` of a list/tuple/dict with each tensor in it replaced by a ``{}`` placeholder."""

    def sub(v: Any) -> Any:
        if isinstance(v, Tensor) or hasattr(v, "_tflite_as_tensor"):
            tensors.append(convert_to_tensor(v))
            return _Placeholder()
        if isinstance(v, dict):
            return {k: sub(w) for k, w in v.items()}
        if isinstance(v, (list, tuple)):
            return type(v)(sub(w) for w in v)
        return v

    return str(sub(x))
