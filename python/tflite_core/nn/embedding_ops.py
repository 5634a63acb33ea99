"""``tf.nn.embedding_lookup``: rows of a table at ids of
any shape. The gradient of the table is a ``tf.IndexedSlices`` that optimisers apply to the
looked-up rows only.

>>> table = tf.constant([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
>>> with tf.Session() as sess:
...     print(sess.run(tf.nn.embedding_lookup(table, [[2], [0]])))
[[[4. 5.]]
<BLANKLINE>
 [[0. 1.]]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..ops.array_ops import cast, expand_dims, zeros_like
from ..ops.indexing_ops import gather, where_v2
from ..ops.math_ops import equal, floor, less, maximum, minimum
from .clip_ops import clip_by_norm

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        TensorLike,
    )

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        TensorLike,
    )


def _floordiv(ids: Tensor, n: int) -> Tensor:
    """``ids // n`` for non-negative int ids below 2**53 (through float64: exact there)."""
    return cast(floor(cast(ids, _dt.float64) / float(n)), ids.dtype)


def _partition(ids: Tensor, n: int, strategy: str, total: int):
    """TF's id -> (partition, id within it) for ``n`` partitions of ``total`` rows."""
    if strategy == "mod":
        q = _floordiv(ids, n)
        return ids - q * n, q
    per, extras = total // n, total % n
    p = _floordiv(ids, per + 1)
    if per > 0:
        p = maximum(p, _floordiv(ids - extras, per))
    # ids outside the table go to the first or last partition, whose lookup then names them
    p = maximum(minimum(p, n - 1), 0)
    first = less(p, extras)
    in_first = ids - p * (per + 1)
    in_rest = ids - extras - p * per
    return p, where_v2(first, in_first, in_rest)


def embedding_lookup(
    params: TensorLike,
    ids: TensorLike,
    partition_strategy: str = "mod",
    name: str | None = None,
    validate_indices: bool = True,
    max_norm: TensorLike | None = None,
) -> Tensor:
    """``params[ids]``: the rows at ``ids`` (any shape); the result has shape
    ``ids.shape + params.shape[1:]``.

    Args:
        params: a table ``[rows, ...]`` (a Variable or tensor) or a list of partitions of one,
            split as TF splits them: ``"mod"`` puts id ``i`` in partition ``i % n`` at row
            ``i // n``; ``"div"`` gives each partition a contiguous range, the first
            ``rows % n`` partitions one row more. Each partition's gradient is an
            ``IndexedSlices`` (ids of other partitions contribute zero rows at row 0).
        partition_strategy: ``"mod"`` or ``"div"``.
        ids: int32/int64 ids; one outside the table is an InvalidArgumentError naming the op
            and the id.
        max_norm: when given, rows whose L2 norm exceeds it are scaled down to it.
    """
    if partition_strategy not in ("mod", "div"):
        raise ValueError(f"Unrecognized partition_strategy: {partition_strategy}")
    parts = list(params) if isinstance(params, (list, tuple)) else [params]
    if not parts:
        raise ValueError("Need at least one param")
    with name_scope(name, "embedding_lookup", [*parts, ids]):
        ids = convert_to_tensor(ids)
        if ids.dtype not in (_dt.int32, _dt.int64):
            raise TypeError(f"ids must be int32 or int64, got {ids.dtype.name}")
        if len(parts) == 1:
            out = gather(parts[0], ids)
        else:
            out = _lookup_partitioned(parts, ids, partition_strategy)
        if max_norm is not None:
            out = _clip(out, max_norm, ids)
        return out


def _lookup_partitioned(parts: Sequence[TensorLike], ids: Tensor, strategy: str) -> Tensor:
    tables = [convert_to_tensor(p) for p in parts]
    rows = [t.shape.as_list()[0] if t.shape.ndims else None for t in tables]
    if any(r is None for r in rows):
        raise ValueError("embedding_lookup over partitions needs partitions with known rows")
    n = len(tables)
    p, local = _partition(ids, n, strategy, sum(r for r in rows if r is not None))
    out: Tensor | None = None
    for i, t in enumerate(tables):
        mine = equal(p, convert_to_tensor(i, dtype=p.dtype))
        safe = where_v2(mine, local, zeros_like(local))  # other partitions' ids read row 0
        got = gather(t, safe)
        mask = mine
        for _ in range((t.shape.ndims or 1) - 1):
            mask = expand_dims(mask, -1)
        out = got if out is None else where_v2(mask, got, out)
    assert out is not None  # at least one partition
    return out


def _clip(x, max_norm, ids):
    axes = list(range(ids.shape.ndims, x.shape.ndims))
    return clip_by_norm(x, max_norm, axes=axes)
