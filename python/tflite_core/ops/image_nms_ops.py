"""``tf.image``'s non-maximum suppression: ``non_max_suppression`` and its ``_with_scores``
(Soft-NMS), ``_overlaps`` and ``_padded`` forms, TF's greedy NonMaxSuppressionV3/V4/V5 selection
composed from existing ops: candidates by score (ties to the lower index), a ``while_loop``
taking one candidate per step, the candidate compared with the boxes kept since it was last
looked at, a soft-suppressed candidate going back among the others with its decayed score.

``non_max_suppression_padded`` is TF 1.x's (NonMaxSuppressionV4: the same greedy selection,
zero-padded); TF 2.21's compat.v1 form runs a tiled approximation instead that can keep more
boxes when ``score_threshold`` is set. Batched boxes run ``greedy_nms_rows``: every row's
greedy selection advancing in the same ``while_loop`` step (also used by
``combined_non_max_suppression``).

A C++ kernel would pay off here (one loop step per candidate).

>>> with tf.Session() as sess:
...     print(sess.run(tf.image.non_max_suppression(
...         [[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 2, 1, 3]], [0.9, 0.8, 0.7], 3)))
[0 2]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from .array_ops import cast, concat, expand_dims, fill, reshape, shape, stack, unstack, zeros
from .image_ops import with_dependencies
from .indexing_ops import gather, where_v2
from .indexing_ops import range as _range
from .logging_ops import Assert
from .math_extra_ops import logical_and, logical_not, logical_or, reduce_any
from .math_ops import (
    argmax,
    equal,
    exp,
    greater,
    greater_equal,
    less,
    less_equal,
    maximum,
    minimum,
    reduce_prod,
)
from .slicing_ops import slice as _slice
from .while_loop import while_loop

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike

F32 = _dt.float32
I32 = _dt.int32


def _iou_row(boxes: Tensor, c: Tensor) -> Tensor:
    """The IOU of box ``c`` with every box (TF's IOU: corners sorted, 0 for empty boxes)."""
    y1, x1, y2, x2 = unstack(boxes, 4, axis=1)
    ymin, ymax = minimum(y1, y2), maximum(y1, y2)
    xmin, xmax = minimum(x1, x2), maximum(x1, x2)
    area = (ymax - ymin) * (xmax - xmin)
    cy0, cy1, cx0, cx1, ca = (gather(t, c) for t in (ymin, ymax, xmin, xmax, area))
    ih = maximum(minimum(cy1, ymax) - maximum(cy0, ymin), 0.0)
    iw = maximum(minimum(cx1, xmax) - maximum(cx0, xmin), 0.0)
    inter = ih * iw
    iou = inter / (ca + area - inter)
    empty = logical_or(less_equal(ca, 0.0), less_equal(area, 0.0))
    return where_v2(empty, 0.0, iou)


def _nms(
    op: str,
    sim_source: Tensor,
    scores: Tensor,
    max_output_size: Any,
    threshold: Tensor,
    score_threshold: Tensor,
    soft_sigma: Tensor | None,
    overlaps: bool,
) -> tuple[Tensor, Tensor, Tensor]:
    """TF's greedy selection: (indices, scores, count), the first two of length num_boxes
    (entries past count are 0)."""
    sc = cast(scores, F32)
    thr = cast(threshold, F32)
    sthr = cast(score_threshold, F32)
    mo = convert_to_tensor(max_output_size, I32, name="max_output_size")
    checks = [Assert(greater_equal(mo, 0), ["output size must be non-negative"])]
    if not overlaps:
        in_unit = logical_and(greater_equal(thr, 0.0), less_equal(thr, 1.0))
        checks.append(Assert(in_unit, ["iou_threshold must be in [0, 1]"]))
    mo = with_dependencies(checks, mo)
    nbox = shape(sc)[0]
    pos = _range(nbox)
    neg_inf = constant(-np.inf, F32)
    scale = (-0.5 / cast(soft_sigma, F32)) if soft_sigma is not None else None
    is_soft = greater(cast(soft_sigma, F32), 0.0) if soft_sigma is not None else None
    cur0 = where_v2(greater(sc, sthr), sc, neg_inf)

    def cond_fn(n, cur, begin, sel, sel_s):
        return logical_and(less(n, mo), reduce_any(greater(cur, sthr)))

    def body(n, cur, begin, sel, sel_s):
        c = cast(argmax(cur, 0), I32)
        s0 = gather(cur, c)
        row = gather(sim_source, c) if overlaps else _iou_row(sim_source, c)
        sims = gather(row, sel)
        mask = logical_and(greater_equal(pos, gather(begin, c)), less(pos, n))
        over = greater(sims, thr)
        hard_w = where_v2(over, 0.0, 1.0)
        hard = reduce_any(logical_and(mask, over))
        if scale is not None and is_soft is not None:
            soft_w = exp(scale * sims * sims)
            wts = where_v2(is_soft, soft_w, hard_w)
            hard = logical_and(logical_not(is_soft), hard)
        else:
            wts = hard_w
        s1 = s0 * reduce_prod(where_v2(mask, wts, 1.0))
        take = logical_and(logical_not(hard), equal(s1, s0))
        again = logical_and(logical_and(logical_not(hard), logical_not(take)), greater(s1, sthr))
        at_c = equal(pos, c)
        cur = where_v2(at_c, where_v2(again, s1, neg_inf), cur)
        begin = where_v2(at_c, n, begin)
        slot = logical_and(equal(pos, n), take)
        sel = where_v2(slot, c, sel)
        sel_s = where_v2(slot, s1, sel_s)
        return n + cast(take, I32), cur, begin, sel, sel_s

    n, _, _, sel, sel_s = while_loop(
        cond_fn,
        body,
        [constant(0, I32), cur0, zeros(shape(sc), I32), zeros(shape(sc), I32), zeros(shape(sc))],
        back_prop=False,
        name=f"{op}_loop",
    )
    return sel, cast(sel_s, scores.dtype), n


def _check_boxes(op: str, boxes: Tensor, scores: Tensor) -> None:
    if boxes.shape.ndims is not None and boxes.shape.ndims != 2:
        raise ValueError(f"Shape must be rank 2 but is rank {boxes.shape.ndims} for '{op}'")
    if boxes.shape.ndims == 2 and boxes.shape.as_list()[1] not in (None, 4):
        raise ValueError(
            f"Dimension must be 4 but is {boxes.shape.as_list()[1]} for '{op}' (boxes)"
        )
    if scores.shape.ndims is not None and scores.shape.ndims != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {scores.shape.ndims} for '{op}'")


def _first(t: Tensor, n: Tensor, name: str | None = None) -> Tensor:
    return _slice(t, [0], reshape(n, [1]), name=name)


def non_max_suppression(
    boxes: TensorLike,
    scores: TensorLike,
    max_output_size: Any,
    iou_threshold: Any = 0.5,
    score_threshold: Any = float("-inf"),
    name: str | None = None,
) -> Tensor:
    """Indices (int32) of the boxes kept by greedy non-maximum suppression: by descending
    score, a box is kept unless its IOU with a kept box exceeds ``iou_threshold``; boxes
    scoring at most ``score_threshold`` are dropped; at most ``max_output_size``
    (op NonMaxSuppressionV3)."""
    with name_scope(name, "non_max_suppression"):
        b = convert_to_tensor(boxes, name="boxes")
        s = convert_to_tensor(scores, name="scores")
        _check_boxes("NonMaxSuppressionV3", b, s)
        sel, _, n = _nms(
            "NonMaxSuppressionV3",
            cast(b, F32),
            s,
            max_output_size,
            convert_to_tensor(iou_threshold, name="iou_threshold"),
            convert_to_tensor(score_threshold, name="score_threshold"),
            None,
            False,
        )
        return _first(sel, n, name="NonMaxSuppressionV3")


def non_max_suppression_with_scores(
    boxes: TensorLike,
    scores: TensorLike,
    max_output_size: Any,
    iou_threshold: Any = 0.5,
    score_threshold: Any = float("-inf"),
    soft_nms_sigma: Any = 0.0,
    name: str | None = None,
) -> tuple[Tensor, Tensor]:
    """``(indices, scores)`` of non-maximum suppression; with ``soft_nms_sigma`` > 0, Soft-NMS:
    overlapping boxes' scores decay by ``exp(-iou**2 / (2 sigma))`` instead of being dropped
    (op NonMaxSuppressionV5)."""
    with name_scope(name, "non_max_suppression_with_scores"):
        b = convert_to_tensor(boxes, name="boxes")
        s = convert_to_tensor(scores, name="scores")
        _check_boxes("NonMaxSuppressionV5", b, s)
        sel, sel_s, n = _nms(
            "NonMaxSuppressionV5",
            cast(b, F32),
            s,
            max_output_size,
            convert_to_tensor(iou_threshold, name="iou_threshold"),
            convert_to_tensor(score_threshold, name="score_threshold"),
            convert_to_tensor(soft_nms_sigma, name="soft_nms_sigma"),
            False,
        )
        return _first(sel, n), _first(sel_s, n)


def non_max_suppression_overlaps(
    overlaps: TensorLike,
    scores: TensorLike,
    max_output_size: Any,
    overlap_threshold: Any = 0.5,
    score_threshold: Any = float("-inf"),
    name: str | None = None,
) -> Tensor:
    """Non-maximum suppression on a given [num_boxes, num_boxes] ``overlaps`` matrix
    (op NonMaxSuppressionWithOverlaps)."""
    with name_scope(name, "non_max_suppression_overlaps"):
        ov = convert_to_tensor(overlaps, F32, name="overlaps")
        s = convert_to_tensor(scores, name="scores")
        if ov.shape.ndims is not None and ov.shape.ndims != 2:
            raise ValueError(
                f"Shape must be rank 2 but is rank {ov.shape.ndims} for "
                "'NonMaxSuppressionWithOverlaps' (overlaps must be 2-D)"
            )
        sel, _, n = _nms(
            "NonMaxSuppressionWithOverlaps",
            ov,
            s,
            max_output_size,
            convert_to_tensor(overlap_threshold, name="overlap_threshold"),
            convert_to_tensor(score_threshold, name="score_threshold"),
            None,
            True,
        )
        return _first(sel, n)


def non_max_suppression_padded(
    boxes: TensorLike,
    scores: TensorLike,
    max_output_size: Any,
    iou_threshold: Any = 0.5,
    score_threshold: Any = float("-inf"),
    pad_to_max_output_size: bool = False,
    name: str | None = None,
    sorted_input: bool = False,
    canonicalized_coordinates: bool = False,
    tile_size: int = 512,
) -> tuple[Tensor, Tensor]:
    """``(indices, num_valid)`` of non-maximum suppression; with ``pad_to_max_output_size``
    the indices are zero-padded to ``max_output_size``. Batched boxes ([..., num_boxes, 4],
    scores [..., num_boxes]) need ``pad_to_max_output_size``: indices [..., max_output_size],
    num_valid [...]."""
    with name_scope(name, "non_max_suppression_padded"):
        b = convert_to_tensor(boxes, name="boxes")
        s = convert_to_tensor(scores, name="scores")
        nd = b.shape.ndims
        if not pad_to_max_output_size and nd is not None and nd > 2:
            raise ValueError(
                f"'pad_to_max_output_size' (value {pad_to_max_output_size}) must be True for "
                "batched input"
            )
        mo = convert_to_tensor(max_output_size, I32, name="max_output_size")
        thr = convert_to_tensor(iou_threshold, name="iou_threshold")
        sthr = convert_to_tensor(score_threshold, name="score_threshold")
        if nd is not None and nd > 2:
            bshape = shape(b)
            n = bshape[-2]
            order, count, _ = greedy_nms_rows(
                reshape(cast(b, F32), stack([-1, n, 4])),
                reshape(cast(s, F32), stack([-1, n])),
                mo,
                cast(thr, F32),
                cast(sthr, F32),
            )
            rows = shape(order)[0]
            width = minimum(mo, n)
            idx = _slice(order, [0, 0], stack([rows, width]))
            idx = concat([idx, fill(stack([rows, mo - width]), 0)], 1)
            batch = bshape[:-2]
            return reshape(idx, concat([batch, reshape(mo, [1])], 0)), reshape(count, batch)
        _check_boxes("NonMaxSuppressionV4", b, s)
        sel, _, n = _nms("NonMaxSuppressionV4", cast(b, F32), s, mo, thr, sthr, None, False)
        if not pad_to_max_output_size:
            return _first(sel, n), n
        return _pad_to(_first(sel, minimum(mo, shape(sel)[0])), mo), n


def _rows_iou(boxes: Tensor, cand: Tensor) -> Tensor:
    """IOU of box ``cand[p]`` of each row with every box of that row: [P, N]."""
    y1, x1, y2, x2 = unstack(boxes, 4, axis=2)
    ymin, ymax = minimum(y1, y2), maximum(y1, y2)
    xmin, xmax = minimum(x1, x2), maximum(x1, x2)
    area = (ymax - ymin) * (xmax - xmin)
    flat_idx = _range(shape(cand)[0]) * shape(boxes)[1] + cand

    def pick(t: Tensor) -> Tensor:
        return expand_dims(gather(reshape(t, [-1]), flat_idx), 1)

    cy0, cy1, cx0, cx1, ca = (pick(t) for t in (ymin, ymax, xmin, xmax, area))
    ih = maximum(minimum(cy1, ymax) - maximum(cy0, ymin), 0.0)
    iw = maximum(minimum(cx1, xmax) - maximum(cx0, xmin), 0.0)
    inter = ih * iw
    iou = inter / (ca + area - inter)
    return where_v2(logical_or(less_equal(ca, 0.0), less_equal(area, 0.0)), 0.0, iou)


def greedy_nms_rows(
    boxes: Tensor, scores: Tensor, limit: Any, iou_threshold: Tensor, score_threshold: Tensor
) -> tuple[Tensor, Tensor, Tensor]:
    """Hard greedy NMS on every row at once (boxes [P, N, 4], scores [P, N], float32): each
    ``while_loop`` step takes every unfinished row's best remaining candidate. Returns the
    kept indices per row in selection order (zero-padded, [P, N] int32), their count and the
    kept mask ([P, N] bool)."""
    n = shape(scores)[1]
    neg_inf = constant(-np.inf, F32)
    cols = expand_dims(_range(n), 0)
    cur0 = where_v2(greater(scores, score_threshold), scores, neg_inf)

    def active(cur, cnt):
        return logical_and(less(cnt, limit), reduce_any(greater(cur, score_threshold), axis=1))

    def cond_fn(cur, sel, order, cnt):
        return reduce_any(active(cur, cnt))

    def body(cur, sel, order, cnt):
        act = active(cur, cnt)
        c = cast(argmax(cur, 1), I32)
        iou = _rows_iou(boxes, c)
        take = logical_and(
            act, logical_not(reduce_any(logical_and(sel, greater(iou, iou_threshold)), axis=1))
        )
        at_c = logical_and(equal(cols, expand_dims(c, 1)), expand_dims(act, 1))
        sel = logical_or(sel, logical_and(at_c, expand_dims(take, 1)))
        slot = logical_and(equal(cols, expand_dims(cnt, 1)), expand_dims(take, 1))
        order = where_v2(slot, expand_dims(c, 1), order)
        return where_v2(at_c, neg_inf, cur), sel, order, cnt + cast(take, I32)

    rows = shape(scores)[0]
    _, sel, order, count = while_loop(
        cond_fn,
        body,
        [cur0, fill(shape(scores), False), zeros(shape(scores), I32), fill(reshape(rows, [1]), 0)],
        back_prop=False,
    )
    return order, count, sel


def _pad_to(t: Tensor, size: Tensor) -> Tensor:
    extra = maximum(size - shape(t)[0], 0)
    return concat([t, fill(reshape(extra, [1]), constant(0, t.dtype))], 0)
