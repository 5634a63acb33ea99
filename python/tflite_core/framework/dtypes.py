"""Data types (``tf.float32`` …) and ``as_dtype``, which also takes the deck's ``"float"``."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        DTypeLike,
    )


class DType:
    """A tensor element type, as ``tf.DType``."""

    def __init__(self, name: str, np_type: Any) -> None:
        self._name = name
        self._np = np.dtype(np_type)

    name = property(lambda self: self._name)
    as_numpy_dtype = property(lambda self: self._np.type)
    base_dtype = property(lambda self: self)
    size = property(lambda self: self._np.itemsize)
    is_floating = property(lambda self: self._np.kind == "f")
    is_integer = property(lambda self: self._np.kind in "iu")
    is_bool = property(lambda self: self._np.kind == "b")
    is_complex = property(lambda self: False)
    is_numpy_compatible = property(lambda self: True)

    @property
    def as_datatype_enum(self) -> int:
        """TensorFlow's ``DataType`` enum value (``types.proto``): float32 = 1, string = 7, …"""
        return _ENUM[self._name]

    @property
    def np(self) -> np.dtype:
        return self._np

    @property
    def min(self):
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

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


float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
bool = DType("bool", np.bool_)
float16 = DType("float16", np.float16)
uint8 = DType("uint8", np.uint8)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
string = DType("string", np.object_)  # Python bytes in an object array (summaries)
double = float64
half = float16

_ALL = [float32, float64, int32, int64, bool, float16, uint8, int8, int16, string]
_ENUM = {
    "float32": 1,
    "float64": 2,
    "int32": 3,
    "uint8": 4,
    "int16": 5,
    "int8": 6,
    "string": 7,
    "int64": 9,
    "bool": 10,
    "float16": 19,
}
_BY_ENUM = {_ENUM[d.name]: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"float": float32, "double": float64, "half": float16, "int": int32, "long": int64})
_BY_NP = {d.np: d for d in _ALL}
# dtypes the C++ kernels compute in
KERNEL_DTYPES = (float32, float64, int32, int64, bool)


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
