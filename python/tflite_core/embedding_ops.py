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

from . import dtypes as _dt
from .graph import Tensor, convert_to_tensor, name_scope
from .indexing_ops import gather


def embedding_lookup(
    params,
    ids,
    partition_strategy="mod",
    name=None,
    validate_indices=True,
    max_norm=None,
) -> Tensor:
    """``params[ids]``: the rows at ``ids`` (any shape); the result has shape
    ``ids.shape + params.shape[1:]``.

    Args:
        params: a table ``[rows, ...]`` (a Variable or tensor), or a list holding one (lists
            of several partitions are not implemented yet).
        partition_strategy: ``"mod"`` or ``"div"`` (only checked while there is one table).
        ids: int32/int64 ids; one outside the table is an InvalidArgumentError naming the op
            and the id.
        max_norm: when given, rows whose L2 norm exceeds it are scaled down to it.
    """
    if partition_strategy not in ("mod", "div"):
        raise ValueError(f"Unrecognized partition_strategy: {partition_strategy}")
    parts = list(params) if isinstance(params, (list, tuple)) else [params]
    if not parts:
        raise ValueError("Need at least one param")
    with name_scope(name, "embedding_lookup", parts + [ids]):
        ids = convert_to_tensor(ids)
        if ids.dtype not in (_dt.int32, _dt.int64):
            raise TypeError(f"ids must be int32 or int64, got {ids.dtype.name}")
        if len(parts) > 1:
            raise NotImplementedError(
                "embedding_lookup over a list of partitioned params is not implemented; pass "
                "one table"
            )
        out = gather(parts[0], ids)
        if max_norm is not None:
            out = _clip(out, max_norm, ids)
        return out


def _clip(x, max_norm, ids):
    from .clip_ops import clip_by_norm

    axes = list(range(ids.shape.ndims, x.shape.ndims))
    return clip_by_norm(x, max_norm, axes=axes)
