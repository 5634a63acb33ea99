"""``tf.nn.compute_accidental_hits``: where sampled candidates are among an example's true
classes (for removing them from a sampled softmax), as TF's ``ComputeAccidentalHits`` kernel."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..ops.array_ops import cast, expand_dims, fill, shape
from ..ops.indexing_ops import where_indices
from ..ops.math_extra_ops import reduce_any
from ..ops.math_ops import argmax, equal
from ..ops.permute_ops import reverse_v2
from ..ops.scatter_ops import gather_nd


def compute_accidental_hits(
    true_classes: Any,
    sampled_candidates: Any,
    num_true: int,
    seed: int | None = None,
    name: str | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """For each example ``i`` and each of its ``num_true`` true classes found among
    ``sampled_candidates`` (in that order): ``indices`` (``i``, int32), ``ids`` (the position of
    the class among the sampled candidates -- its last one when it repeats -- int64) and
    ``weights`` (``-FLOAT_MAX``, float32). ``seed`` is unused, as in TF."""
    with name_scope(name, "ComputeAccidentalHits", [true_classes, sampled_candidates]):
        true_classes = convert_to_tensor(true_classes, dtype=_dt.int64, name="true_classes")
        sampled = convert_to_tensor(sampled_candidates, dtype=_dt.int64, name="sampled_candidates")
        if true_classes.shape.ndims not in (None, 2):
            raise ValueError(
                f"Shape must be rank 2 but is rank {true_classes.shape.ndims} for "
                "'ComputeAccidentalHits'"
            )
        cols = true_classes.shape.as_list()[1] if true_classes.shape.ndims == 2 else None
        if cols is not None and cols != num_true:
            raise ValueError(
                f"Dimension must be {num_true} but is {cols} for 'ComputeAccidentalHits' with "
                f"input shapes: {true_classes.shape.as_list()}, {sampled.shape.as_list()}."
            )
        hit = equal(expand_dims(true_classes, 2), expand_dims(expand_dims(sampled, 0), 0))
        found = reduce_any(hit, axis=2)  # [batch, num_true]
        n = shape(sampled, out_type=_dt.int64)[0]
        last = n - 1 - argmax(reverse_v2(cast(hit, _dt.int32), [2]), axis=2)
        at = where_indices(found)
        indices = cast(at[:, 0], _dt.int32)
        ids = gather_nd(last, at)
        weights = fill(shape(indices), np.float32(-np.finfo(np.float32).max))
        return indices, ids, weights
