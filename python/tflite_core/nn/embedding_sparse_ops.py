"""``tf.nn.embedding_lookup_sparse`` and ``tf.nn.safe_embedding_lookup_sparse``: per row of a
SparseTensor of ids, the (weighted) sum, mean or sqrt-n combination of the embedding rows.

As TF 2.21: without weights, one table and no ``max_norm``, the table's rows are combined by
``SparseSegmentSum/Mean/SqrtN`` straight from the ids; otherwise the unique ids are looked up
(``embedding_lookup``, partitioned tables included), gathered back, multiplied by the weights and
reduced with ``SegmentSum`` (``mean``: divided by the weight sum, ``sqrtn``: by the root of the
sum of squared weights, both ``div_no_nan``).
"""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_shape import TensorShape
from ..ops.array_ops import (
    cast,
    concat,
    expand_dims,
    ones,
    ones_like,
    rank,
    reshape,
    shape,
    stack,
    zeros_like,
)
from ..ops.array_ops import size as array_size
from ..ops.indexing_ops import gather, where
from ..ops.math_extra_ops import div_no_nan, logical_and, segment_sum
from ..ops.math_ops import greater, greater_equal, pow, reduce_prod, sqrt
from ..ops.partition_ops import unique
from ..ops.slicing_ops import slice as array_slice
from ..ops.slicing_ops import tile
from ..ops.sparse_ops import (
    sparse_fill_empty_rows,
    sparse_reshape,
    sparse_retain,
    sparse_segment_mean,
    sparse_segment_sqrt_n,
    sparse_segment_sum,
)
from ..ops.variables import Variable
from .embedding_ops import embedding_lookup

_SEGMENT_FNS = {
    "sum": sparse_segment_sum,
    "mean": sparse_segment_mean,
    "sqrtn": sparse_segment_sqrt_n,
}


def _combine(params, segment_ids, sp_weights, ids, combiner, max_norm, strategy, name):
    segment_ids = convert_to_tensor(segment_ids, name="segment_ids")
    ignore_weights = sp_weights is None
    if len(params) == 1 and not isinstance(params[0], (Tensor, Variable)):
        params = [convert_to_tensor(params[0], name="params")]
    if len(params) == 1 and max_norm is None and ignore_weights:
        idx, embeddings = ids, params[0]
    else:
        ids, idx = unique(ids)
        embeddings = embedding_lookup(params, ids, partition_strategy=strategy, max_norm=max_norm)
    if ignore_weights:
        if segment_ids.dtype not in (_dt.int32, _dt.int64):
            segment_ids = cast(segment_ids, _dt.int32)
        return _SEGMENT_FNS[combiner](embeddings, idx, segment_ids, name=name)
    if segment_ids.dtype != _dt.int32:
        segment_ids = cast(segment_ids, _dt.int32)
    weights = sp_weights.values
    embeddings = gather(embeddings, idx)
    original_dtype = embeddings.dtype
    if embeddings.dtype in (_dt.float16, _dt.bfloat16):
        embeddings = cast(embeddings, _dt.float32)
    if weights.dtype != embeddings.dtype:
        weights = cast(weights, embeddings.dtype)
    ones_shape = expand_dims(rank(embeddings) - 1, 0)
    weights_shape = shape(weights)
    bcast_shape = concat([weights_shape, ones(ones_shape, dtype=weights_shape.dtype)], 0)
    orig_shape = weights.shape
    weights = reshape(weights, bcast_shape)
    if embeddings.shape.ndims is not None:
        weights.set_shape(orig_shape.concatenate([1] * (embeddings.shape.ndims - 1)))
    embeddings = embeddings * weights
    if combiner == "sum":
        out = segment_sum(embeddings, segment_ids, name=name)
    elif combiner == "mean":
        summed = segment_sum(embeddings, segment_ids)
        out = div_no_nan(summed, segment_sum(weights, segment_ids), name=name)
    else:
        summed = segment_sum(embeddings, segment_ids)
        total = sqrt(segment_sum(pow(weights, 2), segment_ids))
        out = div_no_nan(summed, total, name=name)
    if out.dtype != original_dtype:
        out = cast(out, original_dtype)
    return out


def _param_list(params: Any) -> list:
    if hasattr(params, "_get_variable_list"):  # a PartitionedVariable
        return list(params)
    return list(params) if isinstance(params, (list, tuple)) else [params]


def embedding_lookup_sparse(
    params: Any,
    sp_ids: SparseTensor,
    sp_weights: SparseTensor | None,
    partition_strategy: str = "mod",
    name: str | None = None,
    combiner: str | None = None,
    max_norm: Any = None,
    allow_fast_lookup: bool = False,
) -> Tensor:
    """For each row ``r`` of the ``[batch, ...]`` SparseTensor ``sp_ids``, the combination of
    ``params[id]`` over its ids (``combiner`` ``"sum"``, ``"mean"`` (the default) or ``"sqrtn"``),
    weighted by ``sp_weights``' values when given: shape ``[rows, dim...]`` with as many rows as
    the largest row index + 1."""
    if combiner is None:
        combiner = "mean"
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum', got {combiner}")
    params = _param_list(params)
    if not isinstance(sp_ids, SparseTensor):
        raise TypeError(f"sp_ids must be SparseTensor, got {type(sp_ids)}")
    if sp_weights is not None:
        if not isinstance(sp_weights, SparseTensor):
            raise TypeError(
                f"sp_weights must be either None or SparseTensor,got {type(sp_weights)}"
            )
        sp_ids.values.shape.assert_is_compatible_with(sp_weights.values.shape)
        sp_ids.indices.shape.assert_is_compatible_with(sp_weights.indices.shape)
        sp_ids.dense_shape.shape.assert_is_compatible_with(sp_weights.dense_shape.shape)
    with name_scope(name, "embedding_lookup_sparse", [*params, sp_ids]) as scope:
        segment_ids = sp_ids.indices[:, 0]
        return _combine(
            params,
            segment_ids,
            sp_weights,
            sp_ids.values,
            combiner,
            max_norm,
            partition_strategy,
            scope,
        )


def _prune_invalid_ids(sparse_ids, sparse_weights):
    valid = greater_equal(sparse_ids.values, 0)
    if sparse_weights is not None:
        valid = logical_and(valid, ones_like(sparse_weights.values, dtype=_dt.bool))
    sparse_ids = sparse_retain(sparse_ids, valid)
    if sparse_weights is not None:
        sparse_weights = sparse_retain(sparse_weights, valid)
    return sparse_ids, sparse_weights


def _prune_invalid_weights(sparse_ids, sparse_weights):
    if sparse_weights is not None:
        valid = greater(sparse_weights.values, 0)
        sparse_ids = sparse_retain(sparse_ids, valid)
        sparse_weights = sparse_retain(sparse_weights, valid)
    return sparse_ids, sparse_weights


def safe_embedding_lookup_sparse(
    embedding_weights: Any,
    sparse_ids: SparseTensor,
    sparse_weights: SparseTensor | None = None,
    combiner: str = "mean",
    default_id: int | None = None,
    name: str | None = None,
    partition_strategy: str = "div",
    max_norm: Any = None,
    allow_fast_lookup: bool = False,
) -> Tensor:
    """``embedding_lookup_sparse`` over ids of any rank ``[d0, ..., dn-1, k]`` that drops
    negative ids (and, unless ``combiner="sum"``, non-positive weights); a row left empty gives
    ``embedding_weights[default_id]``, or zeros when ``default_id`` is None. The result has
    shape ``[d0, ..., dn-1, dim...]``."""
    if embedding_weights is None:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    embedding_weights = _param_list(embedding_weights)
    if len(embedding_weights) < 1:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    dtype = sparse_weights.dtype if sparse_weights is not None else None
    embedding_weights = [
        w
        if isinstance(w, Variable) and dtype in (None, w.dtype)
        else convert_to_tensor(w, dtype=dtype)
        for w in embedding_weights
    ]
    extra = [sparse_ids] + ([sparse_weights] if sparse_weights is not None else [])
    with name_scope(name, "embedding_lookup", embedding_weights + extra) as scope:
        original_shape = sparse_ids.dense_shape
        rank_dim = original_shape.shape.as_list()[0] if original_shape.shape.ndims else None
        original_rank = array_size(original_shape) if rank_dim is None else rank_dim
        sparse_ids = sparse_reshape(
            sparse_ids,
            [
                reduce_prod(array_slice(original_shape, [0], [original_rank - 1])),
                gather(original_shape, original_rank - 1),
            ],
        )
        if sparse_weights is not None:
            sparse_weights = SparseTensor(
                sparse_ids.indices, sparse_weights.values, sparse_ids.dense_shape
            )
        sparse_ids, sparse_weights = _prune_invalid_ids(sparse_ids, sparse_weights)
        if combiner != "sum":
            sparse_ids, sparse_weights = _prune_invalid_weights(sparse_ids, sparse_weights)
        sparse_ids, is_row_empty = sparse_fill_empty_rows(sparse_ids, default_id or 0)
        if sparse_weights is not None:
            sparse_weights, _ = sparse_fill_empty_rows(sparse_weights, 1.0)
        result = embedding_lookup_sparse(
            embedding_weights,
            sparse_ids,
            sparse_weights,
            combiner=combiner,
            partition_strategy=partition_strategy,
            name=None if default_id is None else scope,
            max_norm=max_norm,
            allow_fast_lookup=allow_fast_lookup,
        )
        if default_id is None:
            is_row_empty = tile(reshape(is_row_empty, [-1, 1]), stack([1, shape(result)[1]]))
            result = where(is_row_empty, zeros_like(result), result, name=scope)
        final = reshape(
            result,
            concat(
                [
                    array_slice(cast(original_shape, _dt.int32), [0], [original_rank - 1]),
                    array_slice(shape(result), [1], [-1]),
                ],
                0,
            ),
        )
        lead = None if rank_dim is None else rank_dim - 1
        final.set_shape(
            TensorShape([None] * lead if lead is not None else None).concatenate(result.shape[1:])
        )
        return final
