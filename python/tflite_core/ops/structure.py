"""Nested structures of values (lists, tuples, namedtuples, dicts), as ``tf.nest`` sees them: the
loop variables of ``tf.while_loop``, the results of ``tf.cond`` branches, the elements of
``tf.map_fn``. Dicts flatten in sorted key order; everything else is a leaf."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable


def is_nested(x: Any) -> bool:
    return isinstance(x, (list, tuple, Mapping))


def _children(x: Any) -> list:
    if isinstance(x, Mapping):
        return [x[k] for k in sorted(x)]
    return list(x)


def flatten(x: Any) -> list:
    """The leaves of ``x``, depth first (``None`` is a leaf)."""
    if not is_nested(x):
        return [x]
    out: list = []
    for c in _children(x):
        out.extend(flatten(c))
    return out


def _rebuild(template: Any, children: list) -> Any:
    if isinstance(template, Mapping):
        keys = sorted(template)
        d = dict(zip(keys, children))
        if type(template) is dict:
            return {k: d[k] for k in template}
        return type(template)((k, d[k]) for k in template)  # type: ignore[call-arg]
    if isinstance(template, tuple) and hasattr(template, "_fields"):  # namedtuple
        return type(template)(*children)
    return type(template)(children)


def pack_sequence_as(structure: Any, flat: list) -> Any:
    """``flat`` (leaves) in the shape of ``structure``."""
    it = iter(flat)

    def build(s: Any) -> Any:
        if not is_nested(s):
            return next(it)
        return _rebuild(s, [build(c) for c in _children(s)])

    out = build(structure)
    rest = list(it)
    if rest:
        raise ValueError(
            f"Structure had {len(flat) - len(rest)} elements, but flat_sequence had {len(flat)}."
        )
    return out


def map_structure(fn: Callable[..., Any], *structures: Any) -> Any:
    for s in structures[1:]:
        assert_same_structure(structures[0], s)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*xs) for xs in zip(*flats)])


def assert_same_structure(a: Any, b: Any, check_types: bool = True) -> None:
    """ValueError when ``a`` and ``b`` nest differently (TypeError when only the sequence
    types differ and ``check_types``)."""

    def walk(x: Any, y: Any) -> None:
        if is_nested(x) != is_nested(y):
            raise ValueError(
                "The two structures don't have the same nested structure.\n\n"
                f"First structure: {a}\n\nSecond structure: {b}\n\n"
                f'More specifically: Substructure "{x}" is a sequence, while substructure '
                f'"{y}" is not'
                if is_nested(x)
                else "The two structures don't have the same nested structure.\n\n"
                f"First structure: {a}\n\nSecond structure: {b}\n\n"
                f'More specifically: Substructure "{y}" is a sequence, while substructure '
                f'"{x}" is not'
            )
        if not is_nested(x):
            return
        if check_types and type(x) is not type(y):
            raise TypeError(
                "The two structures don't have the same sequence type. Input structure has "
                f"type {type(x)}, while shallow structure has type {type(y)}."
            )
        if isinstance(x, Mapping) and sorted(x) != sorted(y):
            raise ValueError(
                "The two structures don't have the same keys. First structure has keys "
                f"{sorted(x)}, while second structure has keys {sorted(y)}."
            )
        cx, cy = _children(x), _children(y)
        if len(cx) != len(cy):
            raise ValueError(
                "The two structures don't have the same nested structure.\n\n"
                f"First structure: {a}\n\nSecond structure: {b}\n\n"
                f"More specifically: The two namedtuples don't have the same sequence type. "
                f"First structure {x} has length {len(cx)}, while second structure {y} has "
                f"length {len(cy)}"
            )
        for u, v in zip(cx, cy):
            walk(u, v)

    walk(a, b)
