"""``tf.image.combined_non_max_suppression`` (op CombinedNonMaxSuppression), composed from
existing ops: the greedy selection per image and class (boxes scoring above
``score_threshold``, by descending score, dropped when their IOU with a kept box of the class
exceeds ``iou_threshold``, at most ``max_output_size_per_class``), all classes' survivors
of an image ranked by score (``top_k``), the first ``max_total_size`` kept, zero-padded and
optionally clipped to [0, 1]. Every (image, class) pair advances in one ``while_loop`` step,
one candidate each.

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
from ..ops.indexing_ops import gather, where_v2
from ..ops.indexing_ops import range as _range
from ..ops.math_extra_ops import logical_and, logical_not, logical_or, reduce_any
from ..ops.math_ops import (
    argmax,
    equal,
    greater,
    less,
    less_equal,
    maximum,
    minimum,
    reduce_sum,
)
from ..ops.slicing_ops import tile
from ..ops.while_loop import while_loop
from .nn_ops import top_k

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike

F32 = _dt.float32
I32 = _dt.int32


def _iou_rows(boxes: Tensor, cand: Tensor) -> Tensor:
    """IOU of box ``cand[p]`` of each row with every box of that row: [P, N]."""
    y1, x1, y2, x2 = (boxes[:, :, k] for k in range(4))
    ymin, ymax = minimum(y1, y2), maximum(y1, y2)
    xmin, xmax = minimum(x1, x2), maximum(x1, x2)
    area = (ymax - ymin) * (xmax - xmin)
    nrow, n = shape(cand)[0], shape(boxes)[1]
    flat_idx = _range(nrow) * n + cand

    def pick(t: Tensor) -> Tensor:
        return expand_dims(gather(reshape(t, [-1]), flat_idx), 1)

    cy0, cy1, cx0, cx1, ca = (pick(t) for t in (ymin, ymax, xmin, xmax, area))
    ih = maximum(minimum(cy1, ymax) - maximum(cy0, ymin), 0.0)
    iw = maximum(minimum(cx1, xmax) - maximum(cx0, xmin), 0.0)
    inter = ih * iw
    iou = inter / (ca + area - inter)
    return where_v2(logical_or(less_equal(ca, 0.0), less_equal(area, 0.0)), 0.0, iou)


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
        neg_inf = constant(-np.inf, F32)
        cur0 = where_v2(greater(rows_s, sthr), rows_s, neg_inf)
        nrows = shape(rows_s)[0]

        def active(cur, cnt):
            return logical_and(less(cnt, spc), reduce_any(greater(cur, sthr), axis=1))

        def cond_fn(cur, sel, cnt):
            return reduce_any(active(cur, cnt))

        def body(cur, sel, cnt):
            act = active(cur, cnt)
            c = cast(argmax(cur, 1), I32)
            iou = _iou_rows(rows_b, c)
            sup = reduce_any(logical_and(sel, greater(iou, thr)), axis=1)
            take = logical_and(act, logical_not(sup))
            at_c = logical_and(
                equal(expand_dims(_range(n), 0), expand_dims(c, 1)), expand_dims(act, 1)
            )
            sel = logical_or(sel, logical_and(at_c, expand_dims(take, 1)))
            cur = where_v2(at_c, neg_inf, cur)
            return cur, sel, cnt + cast(take, I32)

        zeros_b = fill(stack([nrows, n]), False)
        _, sel, _ = while_loop(
            cond_fn, body, [cur0, zeros_b, fill(reshape(nrows, [1]), 0)], back_prop=False
        )
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
