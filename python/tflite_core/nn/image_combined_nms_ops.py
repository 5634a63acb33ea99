"""``tf.image.combined_non_max_suppression`` (op CombinedNonMaxSuppression), composed from
existing ops: the greedy selection per image and class (boxes scoring above
``score_threshold``, by descending score, dropped when their IOU with a kept box of the class
exceeds ``iou_threshold``, at most ``max_output_size_per_class``), all classes' survivors
of an image ranked by score (``top_k``), the first ``max_total_size`` kept, zero-padded and
optionally clipped to [0, 1]. Every (image, class) pair advances in one ``while_loop`` step,
one candidate each (``greedy_nms_rows``).

A C++ kernel would pay off here (one loop step per candidate).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..framework.tensor_util import get_static_value
from ..ops.array_ops import cast, concat, expand_dims, fill, reshape, shape, stack, transpose
from ..ops.image_nms_ops import greedy_nms_rows
from ..ops.indexing_ops import gather, where_v2
from ..ops.indexing_ops import range as _range
from ..ops.math_ops import (
    less,
    maximum,
    minimum,
    reduce_sum,
)
from ..ops.slicing_ops import tile
from .nn_ops import top_k

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike

F32 = _dt.float32
I32 = _dt.int32


def _static_int(v: Any, what: str) -> int:
    value = get_static_value(v) if isinstance(v, Tensor) else v
    if value is None:
        raise ValueError(
            f"tflite_core's combined_non_max_suppression needs {what} known when the graph is built"
        )
    return int(np.asarray(value))


def combined_non_max_suppression(
    boxes: TensorLike,
    scores: TensorLike,
    max_output_size_per_class: Any,
    max_total_size: Any,
    iou_threshold: Any = 0.5,
    score_threshold: Any = float("-inf"),
    pad_per_class: bool = False,
    clip_boxes: bool = True,
    name: str | None = None,
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """``(nmsed_boxes, nmsed_scores, nmsed_classes, valid_detections)`` for ``boxes``
    [batch, num_boxes, q, 4] (q: 1, or one box per class) and ``scores`` [batch, num_boxes,
    num_classes]: per-class greedy NMS, then the best ``max_total_size`` of each image."""
    with name_scope(name, "combined_non_max_suppression"):
        b = convert_to_tensor(boxes, F32, name="boxes")
        s = convert_to_tensor(scores, F32, name="scores")
        if b.shape.ndims is not None and b.shape.ndims != 4:
            raise ValueError(
                f"Shape must be rank 4 but is rank {b.shape.ndims} for "
                "'{{node CombinedNonMaxSuppression}}' (boxes)"
            )
        if s.shape.ndims is not None and s.shape.ndims != 3:
            raise ValueError(
                f"Shape must be rank 3 but is rank {s.shape.ndims} for "
                "'{{node CombinedNonMaxSuppression}}' (scores)"
            )
        per_class = _static_int(max_output_size_per_class, "max_output_size_per_class")
        total = _static_int(max_total_size, "max_total_size")
        if per_class <= 0:
            raise ValueError("max_size_per_class must be > 0")
        if total <= 0:
            raise ValueError("max_total_size must be > 0")
        thr = cast(convert_to_tensor(iou_threshold, F32, name="iou_threshold"), F32)
        sthr = cast(convert_to_tensor(score_threshold, F32, name="score_threshold"), F32)
        nb, n, q = shape(b)[0], shape(b)[1], shape(b)[2]
        nc = shape(s)[2]
        ncls = s.shape.as_list()[2] if s.shape.ndims == 3 else None
        # rows: one per (image, class)
        bt = transpose(b, [0, 2, 1, 3])  # [B, q, N, 4]
        bt = tile(bt, stack([1, nc // q, 1, 1]))  # q == 1: the boxes shared by every class
        rows_b = reshape(bt, stack([-1, n, 4]))
        rows_s = reshape(transpose(s, [0, 2, 1]), stack([-1, n]))
        spc = minimum(constant(per_class, I32), n)
        _, _, sel = greedy_nms_rows(rows_b, rows_s, spc, thr, sthr)
        neg_inf = constant(-np.inf, F32)
        per_batch = total
        if pad_per_class:
            if ncls is None:
                raise ValueError(
                    "tflite_core's combined_non_max_suppression needs the number of classes "
                    "known when the graph is built (pad_per_class)"
                )
            per_batch = min(total, per_class * ncls)
        kept = where_v2(sel, rows_s, neg_inf)
        flat = reshape(kept, stack([nb, -1]))  # [B, C * N]
        flat = concat([flat, fill(stack([nb, per_batch]), neg_inf)], 1)
        top, idx = top_k(flat, per_batch)
        count = reduce_sum(cast(sel, I32), axis=1)
        count = reduce_sum(reshape(count, stack([nb, -1])), axis=1)
        valid = minimum(count, per_batch)
        live = less(expand_dims(_range(per_batch), 0), expand_dims(valid, 1))  # [B, K]
        idx = minimum(idx, nc * n - 1)
        cls = idx // n
        rows_per_image = nc * n
        flat_idx = expand_dims(_range(nb) * rows_per_image, 1) + idx
        picked = gather(reshape(bt, [-1, 4]), flat_idx)  # [B, K, 4]
        if clip_boxes:
            picked = minimum(maximum(picked, 0.0), 1.0)
        live3 = expand_dims(live, 2)
        out_boxes = where_v2(live3, picked, 0.0)
        out_scores = where_v2(live, top, 0.0)
        out_classes = where_v2(live, cast(cls, F32), 0.0)
        return out_boxes, out_scores, out_classes, valid
