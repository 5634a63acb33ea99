"""``TensorShape`` and ``Dimension``: static shapes with unknown dimensions (``None``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Callable, overload

if TYPE_CHECKING:
    from .type_aliases import ShapeLike


class Dimension:
    """One dimension of a static shape; ``value`` is an int or ``None`` (unknown)."""

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:  # an int, Dimension, None or NumPy integer
        if isinstance(value, Dimension):
            value = value.value
        if value is not None:
            value = int(value)
            if value < 0:
                raise ValueError(f"Dimension {value} must be >= 0")
        self._value: int | None = value

    @property
    def value(self) -> int | None:
        return self._value

    def __int__(self) -> int:
        if self._value is None:
            raise TypeError("Cannot convert an unknown Dimension to an int")
        return self._value

    __index__ = __int__

    def __eq__(self, other: object) -> bool | None:  # type: ignore[override]  # None: unknown, as TF
        other = other.value if isinstance(other, Dimension) else other
        if self._value is None or other is None:
            return None
        return self._value == other

    def __ne__(self, other: object) -> bool | None:  # type: ignore[override]  # as __eq__
        eq = self.__eq__(other)
        return None if eq is None else not eq

    def __hash__(self) -> int:
        return hash(self._value)

    def _arith(self, other: Dimension | int | None, fn: Callable[[int, int], int]) -> Dimension:
        other = other.value if isinstance(other, Dimension) else other
        if self._value is None or other is None:
            return Dimension(None)
        return Dimension(fn(self._value, other))

    def __add__(self, o: Dimension | int | None) -> Dimension:
        return self._arith(o, lambda a, b: a + b)

    def __mul__(self, o: Dimension | int | None) -> Dimension:
        return self._arith(o, lambda a, b: a * b)

    def __floordiv__(self, o: Dimension | int | None) -> Dimension:
        return self._arith(o, lambda a, b: a // b)

    __radd__, __rmul__ = __add__, __mul__

    def is_compatible_with(self, other: Dimension | int | None) -> bool:
        other = Dimension(other)
        return self._value is None or other.value is None or self._value == other.value

    def merge_with(self, other: Dimension | int | None) -> Dimension:
        other = Dimension(other)
        if not self.is_compatible_with(other):
            raise ValueError(f"Dimensions {self} and {other} are not compatible")
        return self if self._value is not None else other

    def __repr__(self) -> str:
        return f"Dimension({self._value})"

    def __str__(self) -> str:
        return "?" if self._value is None else str(self._value)


class TensorShape:
    """A static shape: ``TensorShape([1, 3])``, ``TensorShape([None, 3])`` or unknown rank."""

    def __init__(self, dims: TensorShape | Iterable[Any] | int | None = None) -> None:
        self._dims: tuple[int | None, ...] | None
        if dims is None:
            self._dims = None
        elif isinstance(dims, TensorShape):
            self._dims = dims._dims
        else:
            try:
                it = list(dims)  # type: ignore[arg-type]  # TypeError: a scalar
            except TypeError:
                it = [dims]
            self._dims = tuple(Dimension(d).value for d in it)

    @property
    def dims(self) -> list[Dimension] | None:
        return None if self._dims is None else [Dimension(d) for d in self._dims]

    @property
    def ndims(self) -> int | None:
        return None if self._dims is None else len(self._dims)

    rank = ndims

    def __bool__(self) -> bool:
        """As in TF: True unless the rank is unknown (a scalar shape ``()`` is True)."""
        return self._dims is not None

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of a shape with unknown rank.")
        return len(self._dims)

    def __iter__(self) -> Iterator[Dimension]:
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(Dimension(d) for d in self._dims)

    @overload
    def __getitem__(self, key: int) -> Dimension: ...
    @overload
    def __getitem__(self, key: slice) -> TensorShape: ...
    def __getitem__(self, key: int | slice) -> Dimension | TensorShape:
        if self._dims is None:
            return TensorShape(None) if isinstance(key, slice) else Dimension(None)
        if isinstance(key, slice):
            return TensorShape(self._dims[key])
        return Dimension(self._dims[key])

    def as_list(self) -> list[int | None]:
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def as_tuple(self) -> tuple[int | None, ...] | None:
        return self._dims

    def is_fully_defined(self) -> bool:
        return self._dims is not None and all(d is not None for d in self._dims)

    def num_elements(self) -> int | None:
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims or ():
            if d is not None:
                n *= d
        return n

    def is_compatible_with(self, other: ShapeLike | None) -> bool:
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        if len(self._dims) != len(other._dims):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self._dims, other._dims))

    def merge_with(self, other: ShapeLike | None) -> TensorShape:
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        return TensorShape([a if a is not None else b for a, b in zip(self._dims, other._dims)])

    def concatenate(self, other: ShapeLike | None) -> TensorShape:
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return TensorShape(None)
        return TensorShape(self._dims + other._dims)

    def assert_is_compatible_with(self, other: ShapeLike | None) -> None:
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are incompatible")

    def assert_has_rank(self, rank: int) -> None:
        if self._dims is not None and len(self._dims) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")

    def with_rank(self, rank: int) -> TensorShape:
        if self._dims is None:
            return TensorShape([None] * rank)
        self.assert_has_rank(rank)
        return self

    def __eq__(self, other: object) -> bool:
        try:
            shape = as_shape(other)  # type: ignore[arg-type]  # anything: TypeError
        except (TypeError, ValueError):
            return NotImplemented
        return self._dims == shape._dims

    def __hash__(self) -> int:
        return hash(self._dims)

    def __repr__(self) -> str:
        if self._dims is None:
            return "TensorShape(None)"
        return f"TensorShape({list(self._dims)})"

    def __str__(self) -> str:
        if self._dims is None:
            return "<unknown>"
        inner = ", ".join("?" if d is None else str(d) for d in self._dims)
        return f"({inner},)" if len(self._dims) == 1 else f"({inner})"


def as_shape(shape: ShapeLike | None) -> TensorShape:
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def unknown_shape(rank: int | None = None) -> TensorShape:
    return TensorShape(None if rank is None else [None] * rank)


def shape_str(shape: ShapeLike | None) -> str:
    """``[1,3]`` / ``[?,3]`` as in TF's error messages."""
    s = as_shape(shape)
    if s.ndims is None:
        return "<unknown>"
    return "[" + ",".join("?" if d is None else str(d) for d in s.as_list()) + "]"


def dimension_value(dimension: Dimension | int | None) -> int | None:
    """The int (or None) of a shape entry, whether a ``Dimension`` or already an int."""
    if isinstance(dimension, Dimension):
        return dimension.value
    return dimension


def dimension_at_index(shape: ShapeLike | None, index: int) -> Dimension:
    """Entry ``index`` of ``shape`` as a ``Dimension`` (an unknown one when the rank is)."""
    s = as_shape(shape)
    if s.ndims is None:
        return Dimension(None)
    return Dimension(s.as_list()[index])
