"""``sort``, ``argsort`` and ``approx_top_k``, built on ``top_k`` (TopKV2) as TF builds them:
the sorted axis moved last, ``top_k`` of all its elements (descending, ties: the lower index
first, so both directions are stable), ascending order from the negated values (integers:
``-x - 1``, which maps the minimum onto the maximum).

>>> with tf.Session() as sess:
...     print(sess.run(tf.argsort([3, 1, 2, 1])))
[1 3 2 0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, constant_value, name_scope
from ..framework.op_util import check_dtype_in
from ..ops.array_ops import transpose
from ..ops.indexing_ops import size_of_dim
from ..ops.math_ops import negative, subtract
from .nn_ops import _approx_k, top_k

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike

_DIRECTIONS = ("ASCENDING", "DESCENDING")


def _descending(values: Tensor, axis: int, argsort: bool) -> Tensor:
    r = values.shape.ndims
    if r is None:
        raise ValueError("sort/argsort need values of known rank")
    if not -r <= axis < r:
        raise ValueError(f"axis {axis} is out of range for values of rank {r}")
    axis %= r
    perm = None
    x = values
    if axis != r - 1:  # swap axis and the last one (its own inverse)
        perm = [*range(axis), r - 1, *range(axis + 1, r - 1), axis]
        x = transpose(values, perm)
    vals, idx = top_k(x, size_of_dim(x, r - 1))
    out = idx if argsort else vals
    return transpose(out, perm) if perm is not None else out


def _sort_or_argsort(values: Any, axis: Any, direction: str, argsort: bool) -> Tensor:
    if direction not in _DIRECTIONS:
        raise ValueError(
            f"Argument `direction` should be one of ASCENDING, DESCENDING. Received: "
            f"direction={direction}"
        )
    a = constant_value(axis) if isinstance(axis, Tensor) else np.asarray(axis)
    if a is None or np.ndim(a) != 0:
        raise ValueError(f"Argument `axis` must be a constant scalar. Received: axis={axis}.")
    ax = int(a)
    v = convert_to_tensor(values, name="values")
    if direction == "DESCENDING":
        return _descending(v, ax, argsort)
    if v.dtype.is_integer:
        one = constant(1, v.dtype)
        out = _descending(subtract(negative(v), one), ax, argsort)
        return out if argsort else subtract(negative(out), one)
    out = _descending(negative(v), ax, argsort)
    return out if argsort else negative(out)


def sort(
    values: TensorLike, axis: int = -1, direction: str = "ASCENDING", name: str | None = None
) -> Tensor:
    """``values`` sorted along ``axis`` (a constant int), ``direction`` "ASCENDING" or
    "DESCENDING".

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sort([[3.0, 1.0, 2.0]], direction="DESCENDING")))
    [[3. 2. 1.]]
    """
    with name_scope(name, "sort", []):
        return _sort_or_argsort(values, axis, direction, False)


def argsort(
    values: TensorLike,
    axis: int = -1,
    direction: str = "ASCENDING",
    stable: bool = False,
    name: str | None = None,
) -> Tensor:
    """The int32 indices that sort ``values`` along ``axis``; equal values keep their order in
    either direction (so ``stable`` changes nothing, as in TF)."""
    del stable
    with name_scope(name, "argsort", []):
        return _sort_or_argsort(values, axis, direction, True)


def approx_top_k(
    input: TensorLike,
    k: int,
    reduction_dimension: int = -1,
    recall_target: float = 0.95,
    is_max_k: bool = True,
    reduction_input_size_override: int = -1,
    aggregate_to_topk: bool = True,
    name: str | None = None,
) -> tuple[Tensor, Tensor]:
    """The ``k`` largest (``is_max_k``) or smallest entries along ``reduction_dimension``:
    ``(values, indices)``. Exact, as TF's CPU kernel (``top_k``; TF's CPU kernel takes only
    ``reduction_dimension=-1`` and ``is_max_k=True``, this one any)."""
    x = convert_to_tensor(input)
    check_dtype_in("ApproxTopK", x, (_dt.float32,), "input")  # as TF's op
    with name_scope(name, "ApproxTopK", [x]):
        return _approx_k(x, k, reduction_dimension, bool(is_max_k))
