"""Python functions as graph ops: ``tf.py_func``, ``tf.numpy_function``, ``tf.py_function``.

They are host ops (``OpKind.HOST``) whose outputs kernels may read (``OpDef.feeds_plan``): the
Session runs the graph up to the function's inputs (a pre-plan), calls the function, and feeds
its results to the plan of the rest (their shapes are known only then), with the values both
plans read (so a random draw is drawn once a run). Inside ``tf.cond`` / ``tf.while_loop``
bodies they are refused (the bodies run inside the plan). An exception inside the
function fails the run with TF's error class (``ValueError``/``TypeError``: InvalidArgumentError,
``StopIteration``: OutOfRangeError, others: UnknownError) naming the op; the
Session keeps working.

>>> x = tf.placeholder(tf.float32, [None])
>>> y = tf.py_func(lambda a: np.sort(a), [x], tf.float32)
>>> with tf.Session() as sess:
...     print(sess.run(y * 2, {x: [3.0, 1.0, 2.0]}))
[2. 4. 6.]
"""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape

_TOKENS = itertools.count()

_TF_TYPE_NAMES = {
    "float32": "float",
    "float64": "double",
    "float16": "half",
}


def _type_name(d: _dt.DType) -> str:
    """TF's ``DataTypeString`` of a dtype ("float", "double", "int32", ...)."""
    return _TF_TYPE_NAMES.get(d.name, d.name)


def python_error_class(e: BaseException) -> type[errors.OpError]:
    """TF's error class for an exception Python code run by an op raised (``py_func``'s rule):
    ValueError/TypeError: InvalidArgumentError, StopIteration: OutOfRangeError, MemoryError:
    ResourceExhaustedError, NotImplementedError: UnimplementedError, others: UnknownError."""
    if isinstance(e, (ValueError, TypeError)):
        return errors.InvalidArgumentError
    if isinstance(e, StopIteration):
        return errors.OutOfRangeError
    if isinstance(e, MemoryError):
        return errors.ResourceExhaustedError
    if isinstance(e, NotImplementedError):
        return errors.UnimplementedError
    return errors.UnknownError


def python_error_text(e: BaseException) -> str:
    """``"Type: message"`` and the traceback of ``e``, as TF's ``py_func`` errors give them."""
    tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    body = f"{type(e).__name__}: {e}\n{tb.replace('Traceback (most recent call last):', '')}"
    return body.rstrip("\n")


def _error_for(op: Operation, e: BaseException) -> errors.OpError:
    """TF's error for an exception the function raised: its class by the exception's type, the
    message ``"Type: message"`` and the traceback, naming the node."""
    if isinstance(e, errors.OpError):
        return type(e)(None, op, f"{e.message}\n\t [[node {op.name}]]")
    return python_error_class(e)(None, op, f"{python_error_text(e)}\n\t [[node {op.name}]]")


class EagerValue(np.ndarray):
    """An input of a ``tf.py_function``: a NumPy array with the ``numpy()`` of TF's eager
    tensors."""

    def numpy(self) -> np.ndarray:
        return np.asarray(self)


def _as_output(value: Any, want: _dt.DType, i: int, op: Operation, eager: bool) -> np.ndarray:
    if eager and hasattr(value, "numpy"):
        value = value.numpy()
    if eager:  # (py_function converts to the declared dtype, as TF's EagerPyFunc)
        value = np.asarray(value, dtype=object if want == _dt.string else want.np)
    arr = np.asarray(value)
    if want == _dt.string:
        if arr.dtype.kind in "SUO":
            return (
                np.vectorize(
                    lambda v: v if isinstance(v, bytes) else str(v).encode(), otypes=[object]
                )(arr)
                if arr.size
                else arr.astype(object)
            )
    elif arr.dtype == want.np:
        return np.array(arr, order="C", copy=None)
    got = "string" if arr.dtype.kind in "SUO" else _type_name(_dt.as_dtype(arr.dtype))
    raise errors.InvalidArgumentError(
        None,
        op,
        f"{i}-th value returned by {op.get_attr('token')} is {got}, but expects "
        f"{_type_name(want)}\n\t [[node {op.name}]]",
    )


def _call(op: Operation, *inputs: Any) -> list:
    func = op.get_attr("_func")
    eager = op.type == "EagerPyFunc"
    args = [np.asarray(v).view(EagerValue) if eager else v for v in inputs]
    try:
        ret = func(*args)
    except Exception as e:
        raise _error_for(op, e) from None
    touts = op.get_attr("Tout")
    if not touts and ret is None:
        return []
    rets = list(ret) if isinstance(ret, (list, tuple)) else [ret]
    if eager and len(touts) == 1 and len(rets) != 1:
        rets = [ret]
    if len(rets) != len(touts):
        raise errors.InvalidArgumentError(
            None,
            op,
            f"{op.get_attr('token')} returns {len(rets)} values, but expects to see "
            f"{len(touts)} values.\n\t [[node {op.name}]]",
        )
    return [_as_output(r, t, i, op, eager) for i, (r, t) in enumerate(zip(rets, touts))]


def _unknown_shapes(op, in_shapes, value_of):
    return [TensorShape(None) for _ in op._outputs]


for _type in ("PyFunc", "PyFuncStateless", "EagerPyFunc"):
    register_op(
        _type,
        _unknown_shapes,
        kind=OpKind.HOST,
        host_fn=_call,
        feeds_plan=True,
        stateful=_type != "PyFuncStateless",
    )
    NotDifferentiable(_type)


def _py_func_op(
    op_type: str, func: Callable[..., Any], inp: Any, Tout: Any, name: str | None
) -> Any:
    if not callable(func):
        raise ValueError(f"Expected func to be callable, got func of type {type(func)}")
    ins = [convert_to_tensor(x) for x in (inp if isinstance(inp, (list, tuple)) else [inp])]
    single = not isinstance(Tout, (list, tuple))
    touts = [_dt.as_dtype(t) for t in ([Tout] if single else Tout)]
    attrs = {
        "token": f"pyfunc_{next(_TOKENS)}",
        "Tin": [t.dtype for t in ins],
        "Tout": touts,
        "_func": func,
    }
    if op_type == "EagerPyFunc":
        attrs["is_async"] = False
    g = graph_of(*ins)
    op = g.create_op(op_type, ins, touts, attrs, name or op_type)
    if single:
        return op.outputs[0]
    return op.outputs if op.outputs else op


def py_func(
    func: Callable[..., Any],
    inp: Sequence[Any],
    Tout: Any,
    stateful: bool = True,
    name: str | None = None,
) -> Tensor | list[Tensor] | Operation:
    """An op that calls ``func`` on the NumPy values of ``inp`` when the graph runs; its
    outputs (dtypes ``Tout``: one dtype gives one tensor, a list a list) have shapes known only
    then. ``stateful=False`` marks it pure (op type ``PyFuncStateless``)."""
    return _py_func_op("PyFunc" if stateful else "PyFuncStateless", func, inp, Tout, name)


def numpy_function(
    func: Callable[..., Any],
    inp: Sequence[Any],
    Tout: Any,
    stateful: bool = True,
    name: str | None = None,
) -> Tensor | list[Tensor] | Operation:
    """``py_func``: ``func`` takes and returns NumPy arrays."""
    return py_func(func, inp, Tout, stateful=stateful, name=name)


def py_function(
    func: Callable[..., Any], inp: Sequence[Any], Tout: Any, name: str | None = None
) -> Tensor | list[Tensor] | Operation:
    """As ``py_func`` (op type ``EagerPyFunc``), but ``func`` receives tensors with ``numpy()``
    (arrays here) and its results are converted to ``Tout``."""
    return _py_func_op("EagerPyFunc", func, inp, Tout, name)
