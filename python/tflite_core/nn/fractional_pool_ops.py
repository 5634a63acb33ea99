"""Fractional pooling (``tf.nn.fractional_max_pool``, ``fractional_avg_pool``; TF's
``FractionalMaxPool``/``FractionalAvgPool``, Graham 2014): the rows and the columns of an NHWC
input cut into ``floor(size / ratio)`` regions of ``k`` or ``k + 1`` elements
(``k = size // out``), each region pooled.

The boundaries (TF's "pooling sequence", ``out + 1`` of them from 0 to ``size``) are drawn in the
graph as TF draws them: "random" shuffles the ``size % out`` longer regions among the others,
"pseudo-random" takes ``ceil(alpha * (i + u)) - 1`` with ``alpha = size / out`` and one uniform
``u`` (bounded as TF bounds it); when ``out`` divides ``size`` both are the regular ``k`` steps.
The draws come from this package's random ops (each run), or from NumPy once when the graph is
built (``deterministic``: a fixed region for the op, from ``seed``/``seed2`` if given), so they
differ from TF's stream (the regions' law is the same). ``overlapping`` regions also take the
next region's first element. A region is pooled with ``unsorted_segment_max``/``_sum`` over the
rows, then over the columns (a rectangle's maximum and mean separate that way), whose gradients
these take.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope, shape_error
from ..framework.op_util import FLOATS, check_dtype_in
from ..ops.array_ops import cast, concat, expand_dims, identity, reshape, transpose
from ..ops.indexing_ops import gather, unsorted_segment_sum
from ..ops.indexing_ops import range as _range
from ..ops.math_extra_ops import ceil, cumsum, unsorted_segment_max
from ..ops.math_ops import add, divide, greater_equal, maximum, multiply, reduce_sum
from ..ops.random_ops import random_shuffle, random_uniform

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


def _sequence(size: int, out: int, pseudo_random: bool, rng: np.random.Generator | None):
    """The ``out + 1`` region boundaries (int64, from 0 to ``size``) of one dimension: drawn
    by random ops each run (``rng`` None), or once now (``deterministic``) from ``rng``."""
    k = size // out
    if size % out == 0:  # (both draws are the regular steps then)
        return constant(np.arange(out + 1, dtype=np.int64) * k)
    alpha = size / out
    max_u = min((k + 2) / alpha - 1, (size + 1 - k) / alpha - (out - 1))
    diff = np.full(out, k, np.int64)
    diff[: size % out] += 1
    if rng is not None:
        if pseudo_random:
            inner = np.ceil(alpha * (np.arange(1, out) + rng.random() * max_u)) - 1
            seq = np.r_[0, inner, size]
        else:
            seq = np.r_[0, np.cumsum(rng.permutation(diff))]
        return constant(seq.astype(np.int64))
    if pseudo_random:
        u = multiply(random_uniform([], dtype=_dt.float64), constant(max_u, _dt.float64))
        i = constant(np.arange(1, out, dtype=np.float64))
        inner_t = cast(ceil(multiply(constant(alpha, _dt.float64), add(i, u))), _dt.int64) - 1
        return concat([constant([0], _dt.int64), inner_t, constant([size], _dt.int64)], 0)
    steps = random_shuffle(constant(diff))
    return concat([constant([0], _dt.int64), cumsum(steps)], 0)


def _pool_axis(x: Tensor, seq: Tensor, size: int, out: int, overlapping: bool, is_max: bool):
    """Pools the first axis of ``x`` (length ``size``) over the regions of ``seq``."""
    rows = expand_dims(_range(0, size, dtype=_dt.int64), 1)
    ids = reduce_sum(cast(greater_equal(rows, expand_dims(seq[1:out], 0)), _dt.int32), axis=1)
    y = unsorted_segment_max(x, ids, out) if is_max else unsorted_segment_sum(x, ids, out)
    if overlapping and out > 1:  # each region but the last also takes the next one's first row
        edge = gather(x, seq[1:out])
        if is_max:
            y = concat([maximum(y[: out - 1], edge), y[out - 1 :]], 0)
        else:
            y = concat([add(y[: out - 1], edge), y[out - 1 :]], 0)
    if is_max:
        return y
    counts = cast(seq[1:] - seq[:-1], x.dtype)
    if overlapping and out > 1:
        counts = add(counts, constant(np.r_[np.ones(out - 1), 0.0], dtype=x.dtype))
    shape = [out] + [1] * (int(x.shape.ndims or 1) - 1)
    return divide(y, reshape(counts, shape))


def _fractional(op, value, ratio, pseudo_random, overlapping, deterministic, seed, seed2, name):
    with name_scope(name, op, [value]) as scope:
        x = convert_to_tensor(value, name="value")
        check_dtype_in(op, x, FLOATS, "value")
        r = [float(a) for a in ratio]
        if len(r) != 4:
            raise ValueError(f"pooling_ratio field must specify 4 dimensions, got {len(r)} ({op})")
        if r[0] != 1.0 or r[3] != 1.0:
            raise errors.UnimplementedError(
                None,
                None,
                "Fractional average pooling is not yet supported on the batch nor channel "
                "dimension."
                if op == "FractionalAvgPool"
                else "Fractional max pooling is not yet supported on the batch nor channel "
                "dimension.",
            )
        if x.shape.ndims is not None and x.shape.ndims != 4:
            raise shape_error(
                op, op, f"Shape must be rank 4 but is rank {x.shape.ndims}", [x.shape]
            )
        _, h, w, _ = x.shape.as_list() if x.shape.ndims else [None] * 4
        if h is None or w is None:
            raise ValueError(f"{op}: the input's height and width must be known")
        if min(r) < 1.0:
            raise errors.InvalidArgumentError(
                None, None, f"pooling_ratio cannot be smaller than 1, got: {min(r)}"
            )
        oh, ow = math.floor(h / r[1]), math.floor(w / r[2])
        if oh <= 0 or ow <= 0:
            raise errors.InvalidArgumentError(
                None, None, f"{op}: the output size is not positive ({oh}, {ow})"
            )
        if not deterministic and (seed or seed2):
            raise errors.InvalidArgumentError(
                None, None, "Both seed and seed2 should be 0 if deterministic is false."
            )
        rng = None
        if deterministic:  # one draw for the op, fixed over runs (TF: from the seeds if given)
            rng = np.random.default_rng([int(seed), int(seed2)] if seed or seed2 else None)
        rows = _sequence(h, oh, pseudo_random, rng)
        cols = _sequence(w, ow, pseudo_random, rng)
        is_max = op == "FractionalMaxPool"
        y = transpose(x, [1, 0, 2, 3])  # [H, B, W, C]
        y = _pool_axis(y, rows, h, oh, overlapping, is_max)
        y = transpose(y, [2, 1, 0, 3])  # [W, B, oh, C]
        y = _pool_axis(y, cols, w, ow, overlapping, is_max)
        rows = identity(rows, name="row_pooling_sequence")
        cols = identity(cols, name="col_pooling_sequence")
        return transpose(y, [1, 2, 0, 3], name=scope), rows, cols


def fractional_max_pool(
    value: TensorLike,
    pooling_ratio: Any,
    pseudo_random: bool = False,
    overlapping: bool = False,
    deterministic: bool = False,
    seed: int = 0,
    seed2: int = 0,
    name: str | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """``(output, row_pooling_sequence, col_pooling_sequence)``: the maximum of each region of
    rows and columns of an NHWC ``value`` (TF's ``FractionalMaxPool``); ``pooling_ratio`` is 4
    floats ``[1.0, rows, cols, 1.0]``, the output ``floor(size / ratio)``; the sequences are the
    int64 region boundaries. Height and width must be known when the graph is built."""
    return _fractional(
        "FractionalMaxPool",
        value,
        pooling_ratio,
        pseudo_random,
        overlapping,
        deterministic,
        seed,
        seed2,
        name,
    )


def fractional_avg_pool(
    value: TensorLike,
    pooling_ratio: Any,
    pseudo_random: bool = False,
    overlapping: bool = False,
    deterministic: bool = False,
    seed: int = 0,
    seed2: int = 0,
    name: str | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """As ``fractional_max_pool``, with each region's mean (TF's ``FractionalAvgPool``)."""
    return _fractional(
        "FractionalAvgPool",
        value,
        pooling_ratio,
        pseudo_random,
        overlapping,
        deterministic,
        seed,
        seed2,
        name,
    )


__all__ = ["fractional_avg_pool", "fractional_max_pool"]
