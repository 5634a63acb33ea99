"""Helpers of ``tf.contrib.layers`` (TF 1.x ``contrib/layers/python/layers/utils.py``):
output collections with aliases, per-variable collections, ``smart_cond`` on a Python bool or a
tensor, and argument normalisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...framework.constant_op import convert_to_tensor
from ...framework.graph import Tensor, add_to_collection, get_collection_ref
from ...framework.tensor_util import get_static_value
from ...ops.cond import cond
from ...ops.variables import Variable


def append_tensor_alias(tensor: Any, alias: str) -> Any:
    """Appends ``alias`` (less a trailing ``/``) to ``tensor.aliases``."""
    if alias.endswith("/"):
        alias = alias[:-1]
    if hasattr(tensor, "aliases"):
        tensor.aliases.append(alias)
    else:
        tensor.aliases = [alias]
    return tensor


def collect_named_outputs(collections: Any, alias: str, outputs: Any) -> Any:
    """Adds ``outputs`` (aliased ``alias``) to each of ``collections``; returns ``outputs``."""
    if collections:
        append_tensor_alias(outputs, alias)
        for c in collections if isinstance(collections, (list, tuple, set)) else [collections]:
            add_to_collection(c, outputs)
    return outputs


def convert_collection_to_dict(collection: str, clear_collection: bool = False) -> dict:
    """``{alias: tensor}`` for the aliased outputs of ``collection``."""
    from_graph = get_collection_ref(collection)
    out = {}
    for t in from_graph:
        for alias in getattr(t, "aliases", []):
            out[alias] = t
    if clear_collection:
        del from_graph[:]
    return out


def get_variable_collections(variables_collections: Any, name: str) -> Any:
    """``variables_collections[name]`` for a dict, else ``variables_collections`` itself."""
    if isinstance(variables_collections, dict):
        return variables_collections.get(name, None)
    return variables_collections


def constant_value(value_or_tensor: Any) -> Any:
    """A Python bool/number as is; a tensor's statically known value, or None."""
    if isinstance(value_or_tensor, (Tensor, Variable)):
        v = get_static_value(value_or_tensor)
        return None if v is None else v.item() if hasattr(v, "item") else v
    return value_or_tensor


def smart_cond(pred: Any, fn1: Callable[[], Any], fn2: Callable[[], Any], name: str | None = None):
    """``fn1()`` or ``fn2()`` chosen now when ``pred`` is known statically, else ``tf.cond``."""
    if isinstance(pred, (Tensor, Variable)):
        known = constant_value(pred)
        if known is None:
            return cond(convert_to_tensor(pred), fn1, fn2, name=name)
        pred = known
    if not isinstance(pred, (bool, int)) and not hasattr(pred, "__bool__"):
        raise TypeError(
            f"`pred` must be a Tensor, or a Python bool, or 1 or 0. Found instead: {pred}"
        )
    return fn1() if pred else fn2()


def n_ints(value: Any, n: int, what: str) -> list[int]:
    """An int or a length-``n`` sequence of ints as a list of ``n`` ints (ValueError else)."""
    if isinstance(value, int):
        return [value] * n
    try:
        vals = [int(v) for v in value]
    except TypeError:
        raise ValueError(
            f"The `{what}` argument must be a tuple of {n} integers. Received: {value}"
        ) from None
    if len(vals) != n:
        raise ValueError(
            f"The `{what}` argument must be a tuple of {n} integers. Received: {value}"
        )
    return vals


def two_element_tuple(int_or_tuple: Any) -> tuple[int, int]:
    """``(v, v)`` for an int, the pair for a length-2 list/tuple/TensorShape (ValueError else)."""
    if isinstance(int_or_tuple, (list, tuple)):
        if len(int_or_tuple) != 2:
            raise ValueError(f"Must be a list with 2 elements: {int_or_tuple}")
        return int(int_or_tuple[0]), int(int_or_tuple[1])
    if isinstance(int_or_tuple, int):
        return int(int_or_tuple), int(int_or_tuple)
    raise ValueError("Must be an int, a list with 2 elements or a TensorShape of length 2")
