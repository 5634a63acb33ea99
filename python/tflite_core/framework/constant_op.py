"""Constants and conversion to tensors: the ``Const`` op, ``constant`` and ``convert_to_tensor``
(which every op family uses on its arguments)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import dtypes as _dt
from .graph import Tensor, get_default_graph
from .registry import NotDifferentiable, OpKind, register_op
from .tensor_shape import Dimension, TensorShape, as_shape

if TYPE_CHECKING:
    from .type_aliases import DTypeLike, ShapeLike, TensorLike


# ---- Const ------------------------------------------------------------------------------------
def _const_shape(op, in_shapes, value_of):
    return [TensorShape(op.get_attr("value").shape)]


register_op("Const", _const_shape, kind=OpKind.CONST)
NotDifferentiable("Const")


def _is_text(value) -> bool:
    """Whether ``value`` is str/bytes or a (nested) sequence or array whose first leaf is."""
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "SU" or (
            value.dtype == object and value.size > 0 and isinstance(value.flat[0], (str, bytes))
        )
    return isinstance(value, (str, bytes))


def _string_value(value) -> np.ndarray:
    """A string tensor's value: an object array of ``bytes`` (``str`` encoded as UTF-8)."""
    arr = np.array(value, dtype=object)
    flat = arr.reshape(-1)
    for i, x in enumerate(flat):
        if isinstance(x, str):
            flat[i] = x.encode("utf-8")
        elif isinstance(x, bytes):
            flat[i] = bytes(x)
        else:
            raise TypeError(f"Expected string, got {x!r} of type '{type(x).__name__}' instead.")
    return arr


def _infer_value(value, dtype: _dt.DType | None) -> np.ndarray:
    if isinstance(value, Dimension):  # as TF 1.x's conversion function for Dimension
        if value.value is None:
            raise ValueError("Cannot convert an unknown Dimension to a Tensor: ?")
        value = value.value
    is_numpy = isinstance(value, (np.ndarray, np.generic))
    if isinstance(value, Tensor):
        raise TypeError("constant() takes a Python or NumPy value, not a Tensor")
    if dtype is _dt.string or (dtype is None and _is_text(value)):
        return _string_value(value)
    arr = np.asarray(value)
    if arr.dtype == object:
        raise TypeError(f"Cannot convert {value!r} to a tensor: ragged or non-numeric")
    if dtype is None:
        if arr.dtype.kind == "f" and not is_numpy:
            arr = arr.astype(np.float32)  # Python floats are float32, as in TF
        elif arr.dtype.kind in "iu" and not is_numpy:
            big = arr.size and (
                arr.max() > np.iinfo(np.int32).max or arr.min() < np.iinfo(np.int32).min
            )
            arr = arr.astype(np.int64 if big else np.int32)
        elif arr.dtype.kind in "SUO":
            raise TypeError(f"Unsupported value type {arr.dtype} for a tensor")
        return np.array(arr, order="C")
    np_dt = dtype.np
    if arr.dtype.kind == "f" and np_dt.kind in "iub" and not np.all(np.equal(np.mod(arr, 1), 0)):
        raise TypeError(
            f"Expected {dtype.name}, got {value!r} of type '{type(value).__name__}' instead."
        )
    if arr.dtype.kind == "c" and np_dt.kind != "c":
        raise TypeError(
            f"Expected {dtype.name}, got {value!r} of type '{type(value).__name__}' instead."
        )
    if arr.dtype.kind == "b" and np_dt.kind != "b":
        raise TypeError(f"Expected {dtype.name}, got a bool value instead.")
    return np.array(arr, dtype=np_dt, order="C")


def constant(
    value: Any,
    dtype: DTypeLike | None = None,
    shape: ShapeLike | None = None,
    name: str = "Const",
    verify_shape: bool = False,
) -> Tensor:
    """A constant tensor: ``tf.constant([[1., 2.]])`` (Python floats become float32).

    >>> tf.constant([1.0, 2.0]).dtype
    tf.float32
    """
    dtype = None if dtype is None else _dt.as_dtype(dtype)
    arr = _infer_value(value, dtype)
    if shape is not None:
        dims = [int(d) for d in as_shape(shape).as_list()]  # type: ignore[arg-type]  # None: TypeError
        if arr.size == 1:
            arr = np.full(dims, arr.reshape(()), dtype=arr.dtype)
        elif verify_shape and list(arr.shape) != dims:
            raise TypeError(f"Expected Tensor's shape: {tuple(dims)}, got {arr.shape}.")
        elif int(np.prod(dims)) == arr.size:
            arr = arr.reshape(dims)
        else:
            raise ValueError(
                f"Too many elements provided. Needed at most {int(np.prod(dims))}, "
                f"but received {arr.size}"
            )
    out_dtype = _dt.as_dtype(arr.dtype)
    attrs = {"value": arr, "dtype": out_dtype}
    return get_default_graph().create_op("Const", [], [out_dtype], attrs, name).outputs[0]


def convert_to_tensor(
    value: TensorLike,
    dtype: DTypeLike | None = None,
    name: str | None = None,
    preferred_dtype: DTypeLike | None = None,
) -> Tensor:
    """Converts Tensors, Variables, NumPy arrays, Python scalars and lists to a ``Tensor``."""
    if isinstance(value, Tensor):
        if dtype is not None and _dt.as_dtype(dtype) != value.dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} for "
                f"Tensor with dtype {value.dtype.name}: {value!r}"
            )
        return value
    if hasattr(value, "_tflite_as_tensor"):  # a Variable: its `read` tensor
        return convert_to_tensor(value._tflite_as_tensor(), dtype, name)
    if isinstance(value, (list, tuple)) and _autopack and _holds_tensors(value):
        return _autopack[0](value, dtype, name)
    for _, base, fn in _conversion_functions:
        if isinstance(value, base):
            t = fn(value, dtype=dtype, name=name, as_ref=False)
            if t is not NotImplemented:
                if not isinstance(t, Tensor):
                    raise RuntimeError(
                        f"Conversion function {fn!r} for type {base} returned non-Tensor: {t!r}"
                    )
                if dtype is not None and t.dtype != _dt.as_dtype(dtype):
                    raise RuntimeError(
                        f"Conversion function {fn!r} for type {base} returned incompatible "
                        f"dtype: requested = {_dt.as_dtype(dtype).name}, actual = {t.dtype.name}"
                    )
                return t
    return constant(value, dtype=dtype, name=name or "Const")


_conversion_functions: list = []
"""``(priority, base type, function)`` from ``register_tensor_conversion_function``, lowest
priority first (registration order among equals)."""


def register_tensor_conversion_function(
    base_type: Any, conversion_func: Any, priority: int = 100
) -> None:
    """Makes ``convert_to_tensor`` (and so every op) accept values of ``base_type``:
    ``conversion_func(value, dtype=None, name=None, as_ref=False)`` returns a Tensor (or
    ``NotImplemented`` to pass); functions of lower ``priority`` are tried first."""
    types = base_type if isinstance(base_type, tuple) else (base_type,)
    if any(not isinstance(t, type) for t in types):
        raise TypeError("base_type must be a type or a tuple of types.")
    if any(issubclass(t, (Tensor, np.ndarray, np.generic, int, float, str, bytes)) for t in types):
        raise TypeError(
            "Cannot register conversions for Python numeric types and NumPy scalars and arrays."
        )
    if not callable(conversion_func):
        raise TypeError("conversion_func must be callable.")
    _conversion_functions.append((priority, types, conversion_func))
    _conversion_functions.sort(key=lambda e: e[0])


_autopack: list = []
"""The function that packs a (nested) list holding tensors into one tensor (TF's autopacking
conversion: ``tf.stack`` of its elements); ``ops.array_ops`` registers it."""


def register_autopack(fn) -> None:
    _autopack[:] = [fn]


def _holds_tensors(value) -> bool:
    return any(
        isinstance(v, Tensor)
        or hasattr(v, "_tflite_as_tensor")
        or (isinstance(v, (list, tuple)) and _holds_tensors(v))
        for v in value
    )
