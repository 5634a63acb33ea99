"""``tf.make_tensor_proto`` and ``tf.make_ndarray``: values to ``TensorProto`` and back, in the
forms TF writes (``tensor_content`` bytes for a full tensor of more than one element of a fixed
width type; typed ``*_val`` fields otherwise, which a reader pads with the last value).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import dtypes as _dt
from .graph_def import shape_proto
from .protos import protos
from .tensor_shape import Dimension, TensorShape

# the dtypes TF writes as raw little-endian bytes when the proto holds the whole tensor
_CONTENT_DTYPES = frozenset(
    {
        _dt.float16,
        _dt.bfloat16,
        _dt.float32,
        _dt.float64,
        _dt.int8,
        _dt.int16,
        _dt.int32,
        _dt.int64,
        _dt.uint8,
        _dt.uint32,
        _dt.uint64,
        _dt.qint8,
        _dt.quint8,
        _dt.qint16,
        _dt.quint16,
        _dt.qint32,
    }
)
_INT_VAL = frozenset(
    {_dt.int8, _dt.int16, _dt.int32, _dt.uint8, _dt.uint16}
    | {_dt.qint8, _dt.quint8, _dt.qint16, _dt.quint16, _dt.qint32}
)
_TYPED_FIELD = {
    _dt.float32: "float_val",
    _dt.float64: "double_val",
    _dt.int64: "int64_val",
    _dt.uint32: "uint32_val",
    _dt.uint64: "uint64_val",
    _dt.bool: "bool_val",
}


def _dense_dims(values: Any) -> list[int]:
    """The shape a nested list would have if it were dense (its first elements' lengths)."""
    dims = []
    while isinstance(values, (list, tuple)):
        dims.append(len(values))
        if not values:
            break
        values = values[0]
    return dims


def _is_stringy(values: Any) -> bool:
    while isinstance(values, (list, tuple)) and values:
        values = values[0]
    return isinstance(values, (bytes, str))


def _as_bytes(x: Any) -> bytes:
    if isinstance(x, bytes):
        return x
    if isinstance(x, str):
        return x.encode("utf-8")
    raise TypeError(
        f"Failed to convert elements of {x!r} to Tensor. Consider casting elements to a "
        "supported type."
    )


def _flatten(values: Any) -> list:
    if isinstance(values, (list, tuple)):
        return [x for v in values for x in _flatten(v)]
    return [values]


def _check_compatible(values: Any, dtype: _dt.DType | None) -> None:
    """TF's TypeError for Python values the requested dtype's Python types do not include (a
    float for an integer dtype, a number for bool, ...)."""
    if dtype is None:
        return
    if dtype is _dt.bool:
        ok: tuple = (bool, np.bool_)
    elif dtype.is_quantized:
        ok = ()  # (TF takes quantized values as arrays only)
    elif dtype.is_integer:
        ok = (numbers.Integral, np.integer, Dimension)
    elif dtype.is_floating:
        ok = (numbers.Real, np.integer, np.floating)
    elif dtype.is_complex:
        ok = (numbers.Complex, np.number)
    else:
        return
    for v in _flatten(values):
        if isinstance(v, np.ndarray) and issubclass(v.dtype.type, ok):
            continue
        if not isinstance(v, ok):
            raise TypeError(f"Expected {dtype.name}, but got {v!r} of type '{type(v).__name__}'.")


def _to_array(values: Any, dtype: _dt.DType | None, shape: list[int] | None) -> np.ndarray:
    quantized = dtype is not None and dtype.is_quantized
    np_dt = None if dtype is None or dtype is _dt.string else dtype.np
    if hasattr(values, "__array__") and not isinstance(values, (np.ndarray, np.generic)):
        values = np.asarray(values)
    if isinstance(values, (np.ndarray, np.generic)):
        return values.astype(np_dt) if np_dt is not None else np.asarray(values)
    if values is None:
        raise ValueError("None values not supported.")
    if shape is not None and int(np.prod(shape, dtype=np.int64)) == 0:
        return np.empty(shape, dtype=np_dt if np_dt is not None else np.float32)
    if dtype is _dt.string or (dtype is None and _is_stringy(values)):
        arr = np.array(values, dtype=object)
        if list(arr.shape) != _dense_dims(values):
            raise ValueError(
                f"Expected values {values} to be a dense tensor with shape "
                f"{_dense_dims(values)}, but got shape {list(arr.shape)}."
            )
        return arr
    _check_compatible(values, dtype)
    try:
        arr = np.array(values, dtype=np_dt)
    except (ValueError, TypeError) as e:
        raise ValueError(
            f"Expected values {values} to be a dense tensor with shape {_dense_dims(values)}: {e}"
        ) from None
    if list(arr.shape) != _dense_dims(values) and not quantized:
        raise ValueError(
            f"Expected values {values} to be a dense tensor with shape {_dense_dims(values)}, "
            f"but got shape {list(arr.shape)}."
        )
    if dtype is None and arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    elif dtype is None and arr.dtype == np.int64:
        small = arr.astype(np.int32)
        if np.array_equal(small, arr):
            arr = small
    return arr


def make_tensor_proto(
    values: Any,
    dtype: Any = None,
    shape: Any = None,
    verify_shape: bool = False,
    allow_broadcast: bool = False,
) -> Any:
    """A ``TensorProto`` holding ``values`` (TF's conversion: Python floats become float32, Python
    ints int32 when they fit; ``shape`` may ask for more elements than given, which a reader fills
    with the last one)."""
    if allow_broadcast and verify_shape:
        raise ValueError("allow_broadcast and verify_shape are not both allowed.")
    if isinstance(values, protos().TensorProto):
        return values
    dtype = _dt.as_dtype(dtype) if dtype else None
    dims = None if shape is None else [int(d) for d in TensorShape(shape).as_list()]  # type: ignore[arg-type]
    arr = _to_array(values, dtype, dims)
    if arr.dtype.kind in "OSU":
        arr_dtype = _dt.string
    else:
        try:
            arr_dtype = _dt.as_dtype(arr.dtype)
        except TypeError:
            raise TypeError(f"Unrecognized data type: {arr.dtype}.") from None
    if dtype is not None and dtype.is_quantized:
        arr_dtype = dtype
    elif dtype is not None and dtype.base_dtype != arr_dtype:
        raise TypeError(f"`dtype` {dtype} is not compatible with {values} of dtype {arr.dtype}.")
    if dims is None:
        dims, same_size = list(arr.shape), True
    else:
        want = int(np.prod(dims, dtype=np.int64))
        same_size = want == arr.size
        if allow_broadcast:
            if arr.shape not in ((1,), ()) and arr.size != want:
                raise TypeError(f"Expected Tensor's shape: {tuple(dims)}, but got {arr.shape}.")
        else:
            if verify_shape and arr.shape != tuple(dims):
                raise TypeError(f"Expected Tensor's shape: {tuple(dims)}, but got {arr.shape}.")
            if arr.size > want:
                raise ValueError(
                    f"Too many elements provided. Takes at most {want:d}, but got {arr.size:d}."
                )
    p = protos().TensorProto()
    p.dtype = arr_dtype.as_datatype_enum
    p.tensor_shape.CopyFrom(shape_proto(dims))
    flat = arr.reshape(-1)
    if arr_dtype in (_dt.uint32, _dt.uint64) and not (same_size and arr.size > 1) and arr.size:
        # (TF writes uint32_val/uint64_val here, fields the TensorProto class we use lacks: the
        # same values as raw bytes, padded with the last as a reader would)
        full = np.pad(flat, (0, int(np.prod(dims, dtype=np.int64)) - flat.size), "edge")
        p.tensor_content = np.ascontiguousarray(full).tobytes()
    elif same_size and arr_dtype in _CONTENT_DTYPES and arr.size > 1:
        if arr.nbytes >= 1 << 31:
            raise ValueError("Cannot create a tensor proto whose content is larger than 2GB.")
        p.tensor_content = np.ascontiguousarray(arr).tobytes()
    elif arr_dtype is _dt.string:
        p.string_val.extend(_as_bytes(x) for x in flat.tolist())
    elif arr_dtype in (_dt.float16, _dt.bfloat16):
        p.half_val.extend(flat.view(np.uint16).tolist())
    elif arr_dtype in _INT_VAL:
        p.int_val.extend(int(x) for x in flat.tolist())
    elif arr_dtype in (_dt.complex64, _dt.complex128):
        field = p.scomplex_val if arr_dtype is _dt.complex64 else p.dcomplex_val
        field.extend(v for x in flat.tolist() for v in (x.real, x.imag))
    elif arr_dtype in _TYPED_FIELD:
        getattr(p, _TYPED_FIELD[arr_dtype]).extend(flat.tolist())
    else:
        raise TypeError(f"Element type not supported in TensorProto: {arr_dtype.name}.")
    return p


def make_ndarray(tensor: Any) -> np.ndarray:
    """The NumPy array a ``TensorProto`` holds (typed values shorter than the shape are padded
    with the last one, as TF's reader does)."""
    dims = [d.size for d in tensor.tensor_shape.dim]
    n = int(np.prod(dims, dtype=np.int64))
    try:
        dtype = _dt.as_dtype(tensor.dtype)
    except (TypeError, ValueError):
        raise TypeError(f"Unsupported tensor type: {tensor.dtype}.") from None
    if dtype is _dt.string:
        strings = list(tensor.string_val)
        strings += [strings[-1] if strings else b""] * max(0, n - len(strings))
        return np.array(strings, dtype=object).reshape(dims)
    np_dt = dtype.np
    if tensor.tensor_content:
        return np.frombuffer(tensor.tensor_content, dtype=np_dt).copy().reshape(dims)
    if dtype in (_dt.float16, _dt.bfloat16):
        values = np.array(list(tensor.half_val), dtype=np.uint16).view(np_dt)
    elif dtype in _INT_VAL:
        values = np.array(list(tensor.int_val), dtype=np_dt)
    elif dtype in (_dt.complex64, _dt.complex128):
        parts = list(tensor.scomplex_val if dtype is _dt.complex64 else tensor.dcomplex_val)
        values = np.array([complex(r, i) for r, i in zip(parts[::2], parts[1::2])], dtype=np_dt)
    elif dtype in _TYPED_FIELD:
        values = np.array(list(getattr(tensor, _TYPED_FIELD[dtype], ())), dtype=np_dt)
    else:
        raise TypeError(f"Unsupported tensor type: {tensor.dtype}.")
    if values.size == 0:
        return np.zeros(dims, np_dt)
    if values.size != n:
        values = np.pad(values, (0, n - values.size), "edge")
    return values.reshape(dims)
