"""The structure of a dataset's elements: nested tuples, namedtuples and dicts of tensors.

As in TF's ``tf.data`` (its own ``nest``), a list is an atom, converted to one tensor, not a
structure: ``from_tensor_slices(([1, 2], [3, 4]))`` has elements of two scalars, and
``from_tensor_slices([[1, 2], [3, 4]])`` elements of one vector. A function given to ``map``
may return a list, which is read as a tuple (TF 1.x's rule too).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_shape import TensorShape, as_shape


class TensorSpec:
    """The dtype and static shape of one component of an element (``element_spec``)."""

    def __init__(self, shape: Any, dtype: Any = _dt.float32, name: str | None = None) -> None:
        self.shape = as_shape(shape)
        self.dtype = _dt.as_dtype(dtype)
        self.name = name

    def is_compatible_with(self, other: Any) -> bool:
        return self.dtype == other.dtype and self.shape.is_compatible_with(other.shape)

    def _dims(self) -> list | None:
        return self.shape.as_list() if self.shape.rank is not None else None

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TensorSpec)
            and self.dtype == other.dtype
            and self._dims() == other._dims()
        )

    def __hash__(self) -> int:
        dims = self._dims()
        return hash((self.dtype, None if dims is None else tuple(dims)))

    def __repr__(self) -> str:
        dims = self._dims()
        if dims is None:
            shape = "<unknown>"
        else:
            shape = "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"
        return f"TensorSpec(shape={shape}, dtype={self.dtype!r}, name={self.name!r})"


def is_nested(x: Any) -> bool:
    """Whether ``x`` is a structure of ``tf.data`` (a tuple, namedtuple or mapping)."""
    return isinstance(x, (tuple, Mapping))


def _keys(d: Mapping) -> list:
    return sorted(d)


def flatten(structure: Any) -> list:
    """The atoms of ``structure``, depth first (mapping values in sorted key order)."""
    if not is_nested(structure):
        return [structure]
    children = (
        [structure[k] for k in _keys(structure)] if isinstance(structure, Mapping) else structure
    )
    out: list = []
    for c in children:
        out.extend(flatten(c))
    return out


def _rebuild(template: Any, children: list) -> Any:
    if isinstance(template, Mapping):
        d = dict(zip(_keys(template), children))
        if type(template) is dict:
            return d
        cls: Any = type(template)  # (an OrderedDict, a Mapping subclass built from pairs)
        return cls((k, d[k]) for k in template)
    if hasattr(type(template), "_fields"):
        return type(template)(*children)
    return tuple(children)


def pack(structure: Any, flat: list) -> Any:
    """``flat`` (as ``flatten`` orders it) arranged like ``structure``."""
    it = iter(flat)

    def build(s: Any) -> Any:
        if not is_nested(s):
            return next(it)
        kids = [s[k] for k in _keys(s)] if isinstance(s, Mapping) else list(s)
        return _rebuild(s, [build(k) for k in kids])

    return build(structure)


def map_structure(fn: Callable[[Any], Any], structure: Any) -> Any:
    return pack(structure, [fn(x) for x in flatten(structure)])


def same_structure(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` nest alike (types of tuples and mappings, and keys)."""
    if is_nested(a) != is_nested(b):
        return False
    if not is_nested(a):
        return True
    if isinstance(a, Mapping):
        return (
            isinstance(b, Mapping)
            and _keys(a) == _keys(b)
            and all(same_structure(a[k], b[k]) for k in a)
        )
    if isinstance(b, Mapping) or len(a) != len(b):
        return False
    return all(same_structure(x, y) for x, y in zip(a, b))


def to_tensors(element: Any, what: str = "element") -> Any:
    """``element`` with each atom converted to a Tensor (a list becomes one tensor)."""

    def conv(x: Any) -> Tensor:
        if isinstance(x, SparseTensor):
            raise TypeError(f"tflite_core's tf.data does not take SparseTensor components ({what})")
        if x is None:
            raise TypeError(f"Failed to convert {what}: None values not supported.")
        return convert_to_tensor(x)

    return map_structure(conv, element)


def normalize_returned(value: Any) -> Any:
    """A function's return value as an element structure (a list read as a tuple)."""
    if isinstance(value, list):
        return tuple(normalize_returned(v) for v in value)
    if isinstance(value, tuple) and not hasattr(type(value), "_fields"):
        return tuple(normalize_returned(v) for v in value)
    if isinstance(value, Mapping):
        if type(value) is dict:
            return {k: normalize_returned(v) for k, v in value.items()}
        cls: Any = type(value)
        return cls((k, normalize_returned(v)) for k, v in value.items())
    return value


def spec_of(tensors: Any) -> Any:
    """The ``TensorSpec`` structure of a structure of tensors."""
    return map_structure(lambda t: TensorSpec(t.shape, t.dtype), tensors)


def types_of(spec: Any) -> Any:
    return map_structure(lambda s: s.dtype, spec)


def shapes_of(spec: Any) -> Any:
    return map_structure(lambda s: s.shape, spec)


def classes_of(spec: Any) -> Any:
    return map_structure(lambda s: Tensor, spec)


def spec_from(types: Any, shapes: Any = None) -> Any:
    """The ``TensorSpec`` structure of ``output_types`` and ``output_shapes`` (default unknown)."""
    if shapes is None:
        return map_structure(lambda d: TensorSpec(TensorShape(None), d), types)
    flat_t, flat_s = flatten(types), flatten(shapes)
    if not same_structure(types, shapes) or len(flat_t) != len(flat_s):
        raise ValueError(
            "The two structures don't have the same nested structure.\n\n"
            f"First structure: {types!r}\n\nSecond structure: {shapes!r}"
        )
    return pack(types, [TensorSpec(as_shape(s), d) for d, s in zip(flat_t, flat_s)])


def check_value(value: Any, spec: TensorSpec, what: str) -> np.ndarray:
    """``value`` as an array of ``spec``'s dtype and compatible shape (TypeError/ValueError)."""
    if spec.dtype == _dt.string:
        arr = np.asarray(value, dtype=object)
        flat = arr.reshape(-1)
        for i, x in enumerate(flat):
            if isinstance(x, str):
                flat[i] = x.encode()
            elif not isinstance(x, bytes):
                raise TypeError(f"{what}: expected a string, got {type(x).__name__}")
    else:
        arr = np.asarray(value)
        if arr.dtype.kind in "OUS":
            raise TypeError(f"{what}: expected {spec.dtype.name}, got a string or object value")
        if arr.dtype != spec.dtype.np:
            cast = arr.astype(spec.dtype.np)
            if (
                arr.dtype.kind == "f"
                and spec.dtype.np.kind in "iub"
                and not np.array_equal(cast, arr)
            ):
                raise TypeError(
                    f"{what}: cannot convert {arr.dtype.name} values to {spec.dtype.name}"
                )
            arr = cast
    if not spec.shape.is_compatible_with(TensorShape(arr.shape)):
        raise ValueError(
            f"{what}: shape {list(arr.shape)} is not compatible with the expected shape "
            f"{spec.shape}"
        )
    return arr
