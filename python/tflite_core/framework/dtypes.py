"""Data types (``tf.float32`` …) and ``as_dtype``, which also takes the deck's ``"float"``."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

import ml_dtypes
import numpy as np

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        DTypeLike,
    )


class DType:
    """A tensor element type, as ``tf.DType``."""

    def __init__(self, name: str, np_type: Any, kind: str | None = None) -> None:
        self._name = name
        self._np = np.dtype(np_type)
        # "f" float, "i"/"u" (unsigned) integer, "b" bool, "c" complex, "q" quantized,
        # "O" string, "x" (resource, variant: no NumPy type)
        self._kind = kind or self._np.kind

    name = property(lambda self: self._name)
    base_dtype = property(lambda self: self)
    is_floating = property(lambda self: self._kind == "f")
    is_integer = property(lambda self: self._kind in "iu")
    is_unsigned = property(lambda self: self._kind == "u")
    is_bool = property(lambda self: self._kind == "b")
    is_complex = property(lambda self: self._kind == "c")
    is_quantized = property(lambda self: self._kind == "q")
    is_numpy_compatible = property(lambda self: self._kind != "x")

    @property
    def as_numpy_dtype(self):
        if self._kind == "x":
            raise KeyError(self.as_datatype_enum)  # as TF (no NumPy type for it)
        if self._kind == "q":
            return self._np
        return self._np.type

    @property
    def size(self) -> int:
        return 0 if self._kind in "xO" else self._np.itemsize  # (strings: 0, as TF)

    @property
    def real_dtype(self) -> DType:
        """The dtype of the real and imaginary parts (complex64 -> float32); itself otherwise."""
        return {"complex64": float32, "complex128": float64}.get(self._name, self)

    @property
    def as_datatype_enum(self) -> int:
        """TensorFlow's ``DataType`` enum value (``types.proto``): float32 = 1, string = 7, …"""
        return _ENUM[self._name]

    @property
    def np(self) -> np.dtype:
        return self._np

    @property
    def min(self):
        if self._kind == "f":
            return _finfo(self._np).min
        if self._kind in "iu":
            return np.iinfo(self._np).min
        if self._kind == "b":
            return False
        raise TypeError(f"Cannot find minimum value of {self}.")

    @property
    def max(self):
        if self._kind == "f":
            return _finfo(self._np).max
        if self._kind in "iu":
            return np.iinfo(self._np).max
        if self._kind == "b":
            return True
        raise TypeError(f"Cannot find maximum value of {self}.")

    def is_compatible_with(self, other: DTypeLike) -> builtins.bool:
        return as_dtype(other) is self

    def __repr__(self) -> str:
        return f"tf.{self._name}"

    def __eq__(self, other: object) -> builtins.bool:
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self._name)

    def __reduce__(self):
        return as_dtype, (self._name,)


def _finfo(d: np.dtype):
    return ml_dtypes.finfo(d) if d == _np_bfloat16 else np.finfo(d)


_np_bfloat16 = np.dtype(ml_dtypes.bfloat16)

float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
bool = DType("bool", np.bool_)
float16 = DType("float16", np.float16)
bfloat16 = DType("bfloat16", _np_bfloat16, "f")  # ml_dtypes.bfloat16, as TF's NumPy bfloat16
uint8 = DType("uint8", np.uint8)
uint16 = DType("uint16", np.uint16)
uint32 = DType("uint32", np.uint32)
uint64 = DType("uint64", np.uint64)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
complex64 = DType("complex64", np.complex64)
complex128 = DType("complex128", np.complex128)
string = DType("string", np.object_, "O")  # Python bytes in an object array (summaries)
# quantized types: TF's NumPy types are one-field structured dtypes
qint8 = DType("qint8", np.dtype([("qint8", np.int8)]), "q")
quint8 = DType("quint8", np.dtype([("quint8", np.uint8)]), "q")
qint16 = DType("qint16", np.dtype([("qint16", np.int16)]), "q")
quint16 = DType("quint16", np.dtype([("quint16", np.uint16)]), "q")
qint32 = DType("qint32", np.dtype([("qint32", np.int32)]), "q")
resource = DType("resource", np.object_, "x")
variant = DType("variant", np.object_, "x")
double = float64
half = float16

QUANTIZED_DTYPES = frozenset([qint8, quint8, qint16, quint16, qint32])

_ALL = [
    float32,
    float64,
    int32,
    int64,
    bool,
    float16,
    bfloat16,
    uint8,
    uint16,
    uint32,
    uint64,
    int8,
    int16,
    complex64,
    complex128,
    string,
    qint8,
    quint8,
    qint16,
    quint16,
    qint32,
    resource,
    variant,
]
_ENUM = {
    "float32": 1,
    "float64": 2,
    "int32": 3,
    "uint8": 4,
    "int16": 5,
    "int8": 6,
    "string": 7,
    "complex64": 8,
    "int64": 9,
    "bool": 10,
    "qint8": 11,
    "quint8": 12,
    "qint32": 13,
    "bfloat16": 14,
    "qint16": 15,
    "quint16": 16,
    "uint16": 17,
    "complex128": 18,
    "float16": 19,
    "resource": 20,
    "variant": 21,
    "uint32": 22,
    "uint64": 23,
}
_BY_ENUM = {_ENUM[d.name]: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"float": float32, "double": float64, "half": float16, "int": int32, "long": int64})
_BY_NP = {d.np: d for d in _ALL if d._kind not in "Ox"}
_BY_NP[np.dtype(np.object_)] = string
# dtypes the C++ kernels compute in (every numeric dtype and bool; not strings, quantized types,
# resources or variants)
KERNEL_DTYPES = (
    float32,
    float64,
    int32,
    int64,
    bool,
    int8,
    int16,
    uint8,
    uint16,
    uint32,
    uint64,
    float16,
    bfloat16,
    complex64,
    complex128,
)


_pybool = builtins.bool  # this module defines tf.bool


def as_dtype(type_value: DTypeLike | Any) -> DType:
    """Converts ``type_value`` (a DType, NumPy dtype, Python type or name) to a ``DType``."""
    if isinstance(type_value, DType):
        return type_value
    if type(type_value) is int and type_value in _BY_ENUM:  # a DataType enum value
        return _BY_ENUM[type_value]
    if isinstance(type_value, str):
        if type_value in _BY_NAME:
            return _BY_NAME[type_value]
        raise TypeError(f"Cannot convert value {type_value!r} to a TensorFlow DType.")
    if type_value is float:
        return float32
    if type_value is int:
        return int32
    if type_value is _pybool:
        return bool
    if type_value is None:  # np.dtype(None) would be float64; TF rejects it
        raise TypeError("Cannot convert value None to a TensorFlow DType.")
    try:
        return _BY_NP[np.dtype(type_value)]  # type: ignore[arg-type]  # others: TypeError
    except (TypeError, KeyError):
        raise TypeError(f"Cannot convert value {type_value!r} to a TensorFlow DType.") from None
