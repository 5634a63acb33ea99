"""Nested structures (``tf.nest``): lists, tuples, namedtuples and mappings of values.

A structure's atoms are everything else (None, strings, arrays, tensors). Mappings are walked in
sorted key order and rebuilt in their own key order, as TF's ``nest``.

>>> tf.nest.flatten({"b": 1, "a": [2, (3, None)]})
[2, 3, None, 1]
>>> tf.nest.map_structure(lambda x, y: x + y, [1, {"k": 2}], [3, {"k": 4}])
[4, {'k': 6}]
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable, Mapping, MappingView
from typing import Any, cast


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(seq: Any) -> bool:
    """Whether ``seq`` is a structure (list, tuple, namedtuple, mapping, mapping view) rather
    than an atom."""
    return isinstance(seq, (list, tuple, Mapping, MappingView))


is_sequence = is_nested


def _sorted_keys(d: Mapping) -> list:
    try:
        return sorted(d)
    except TypeError as e:
        raise TypeError("nest only supports dicts with sortable keys.") from e


def _children(x: Any) -> list:
    """The elements of structure ``x``, in the order ``flatten`` visits them."""
    if isinstance(x, Mapping):
        return [x[k] for k in _sorted_keys(x)]
    return list(cast("Iterable[Any]", x))


def flatten(structure: Any, expand_composites: bool = False) -> list:
    """The atoms of ``structure``, depth first (a non-structure: ``[structure]``)."""
    if not is_nested(structure):
        return [structure]
    out: list = []
    for c in _children(structure):
        out.extend(flatten(c))
    return out


def _sequence_like(instance: Any, args: list) -> Any:
    """A structure of ``instance``'s type holding ``args`` (in ``flatten``'s element order)."""
    if isinstance(instance, Mapping):
        result = dict(zip(_sorted_keys(instance), args))
        if isinstance(instance, collections.defaultdict):
            d: Any = collections.defaultdict(instance.default_factory)
        else:
            d = type(instance)()
        for k in instance:
            d[k] = result[k]
        return d
    if isinstance(instance, MappingView):
        return list(args)
    if _is_namedtuple(instance):
        return type(instance)(*args)
    return type(instance)(args)


def _packed(structure: Any, flat: list, index: int) -> tuple[int, Any]:
    if not is_nested(structure):
        return index + 1, flat[index]
    args = []
    for c in _children(structure):
        index, v = _packed(c, flat, index)
        args.append(v)
    return index, _sequence_like(structure, args)


def pack_sequence_as(structure: Any, flat_sequence: Any, expand_composites: bool = False) -> Any:
    """``flat_sequence``'s atoms in the shape of ``structure`` (the inverse of ``flatten``)."""
    if not is_nested(flat_sequence):
        raise TypeError(
            f"Attempted to pack value:\n  {flat_sequence}\ninto a structure, but found "
            f"incompatible type `{type(flat_sequence)}` instead."
        )
    flat = list(flat_sequence)
    if not is_nested(structure):
        if len(flat) != 1:
            raise ValueError(
                f"The target structure is of type `{type(structure)}`\n  {structure}\nHowever "
                f"the input is a sequence ({type(flat_sequence)}) of length {len(flat)}.\n  "
                f"{flat_sequence}\nnest cannot guarantee that it is safe to map one to the "
                "other."
            )
        return flat[0]
    n = len(flatten(structure))
    if n != len(flat):
        raise ValueError(
            f"Could not pack sequence. Structure had {n} atoms, but flat_sequence had "
            f"{len(flat)} items.  Structure: {structure}, flat_sequence: {flat_sequence}."
        )
    return _packed(structure, flat, 0)[1]


class _Dot:
    def __repr__(self) -> str:
        return "."


def _desc(x: Any) -> str:
    return f"type={type(x).__name__} str={x}"


class _Mismatch(Exception):
    def __init__(self, cls: type[Exception], detail: str):
        super().__init__(detail)
        self.cls = cls
        self.detail = detail


def _compare(a: Any, b: Any, check_types: bool) -> None:
    na, nb = is_nested(a), is_nested(b)
    if na != nb:
        seq, atom = (a, b) if na else (b, a)
        raise _Mismatch(
            ValueError,
            f'Substructure "{_desc(seq)}" is a sequence, while substructure "{_desc(atom)}" is not',
        )
    if not na:
        return
    if check_types and type(a) is not type(b):
        raise _Mismatch(
            TypeError,
            "The two namedtuples don't have the same sequence type. First structure "
            f"{_desc(a)} has type {type(a).__name__}, while second structure {_desc(b)} has "
            f"type {type(b).__name__}",
        )
    if isinstance(a, Mapping) and isinstance(b, Mapping) and set(a) != set(b):
        raise _Mismatch(
            ValueError,
            "The two dictionaries don't have the same set of keys. First structure has keys "
            f"{_desc(list(a))}, while second structure has keys {_desc(list(b))}",
        )
    ca, cb = _children(a), _children(b)
    for x, y in zip(ca, cb):
        _compare(x, y, check_types)
    if len(ca) != len(cb):
        raise _Mismatch(
            ValueError,
            "The two structures don't have the same number of elements. First structure: "
            f"{_desc(a)}. Second structure: {_desc(b)}",
        )


def _dots(x: Any) -> str:
    if not is_nested(x):
        return "."
    return str(_packed(x, [_Dot()] * len(flatten(x)), 0)[1])


def assert_same_structure(
    nest1: Any, nest2: Any, check_types: bool = True, expand_composites: bool = False
) -> None:
    """Raises ValueError unless ``nest1`` and ``nest2`` nest the same way (TypeError, with
    ``check_types``, where their sequence types differ)."""
    try:
        _compare(nest1, nest2, check_types)
    except _Mismatch as m:
        raise m.cls(
            "The two structures don't have the same nested structure.\n\n"
            f"First structure: {_desc(nest1)}\n\nSecond structure: {_desc(nest2)}\n\n"
            f"More specifically: {m.detail}\nEntire first structure:\n{_dots(nest1)}\n"
            f"Entire second structure:\n{_dots(nest2)}"
        ) from None


def map_structure(func: Callable[..., Any], *structure: Any, **kwargs: Any) -> Any:
    """``func`` applied to the atoms of ``structure`` (several structures of the same nesting:
    their corresponding atoms), in the first structure's shape."""
    if not callable(func):
        raise TypeError(f"func must be callable, got: {func}")
    if not structure:
        raise ValueError("Must provide at least one structure")
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", False)
    if kwargs:
        raise ValueError(
            "Only valid keyword arguments are `check_types` and `expand_composites`, not: "
            + ", ".join(f"`{k}`" for k in kwargs)
        )
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    flat = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*x) for x in zip(*flat)])
