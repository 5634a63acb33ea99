"""TF 1.x's top-k metrics (``ops/metrics_impl.py``): ``precision_at_k``, ``recall_at_k``,
``precision_at_top_k``, ``recall_at_top_k``, ``average_precision_at_k`` and the deprecated
``sparse_*`` aliases.

Labels are int64 class ids, a dense ``[D1, ... DN, num_labels]`` tensor (every entry, -1
included, is a label) or ``[D1, ... DN]`` (one label each), or a SparseTensor of ids. TF
compares the top-k ids with the labels through set operations; here each row's labels are a
dense block of ids with a validity mask (the present entries of a SparseTensor), and the set
sizes (duplicates counted once) come from pairwise comparisons.

>>> import tflite_core as tf
>>> with tf.Graph().as_default():
...     p, update = tf.metrics.precision_at_k(tf.constant([[1], [0]], tf.int64),
...                                           [[0.1, 0.9, 0.0], [0.2, 0.1, 0.7]], k=2)
...     with tf.Session() as sess:
...         sess.run(tf.local_variables_initializer())
...         print(sess.run(update), p.name)
0.5 precision_at_2:0
"""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.graph import Tensor, control_dependencies, name_scope
from ..framework.sparse_tensor import SparseTensor, convert_to_tensor_or_sparse_tensor
from ..nn.nn_ops import top_k
from ..ops.array_ops import cast, concat, expand_dims, ones_like, reshape, shape, size
from ..ops.check_ops import assert_equal
from ..ops.cond import cond
from ..ops.indexing_ops import range as _range
from ..ops.indexing_ops import where_v2
from ..ops.math_extra_ops import cumsum, div_no_nan, logical_and, logical_not, reduce_any
from ..ops.math_ops import (
    add,
    divide,
    equal,
    greater_equal,
    less,
    minimum,
    multiply,
    reduce_max,
    reduce_sum,
)
from ..ops.sparse_ops import sparse_tensor_to_dense, sparse_to_dense
from ..ops.variables import assign_add
from .metric_utils import add_to_collections, assert_broadcastable, metric_variable
from .metric_utils import broadcast_weights as _broadcast_weights


class _Ids:
    """A block of class ids ``[..., n]`` with a mask of the entries present (all of a dense
    tensor; the stored entries of a SparseTensor) and whether it came from a SparseTensor."""

    def __init__(self, ids: Tensor, mask: Tensor | None, sparse: bool) -> None:
        self.ids, self.mask, self.sparse = ids, mask, sparse

    def present(self) -> Tensor:
        return ones_like(self.ids, _dt.bool) if self.mask is None else self.mask

    def expand(self) -> _Ids:
        mask = None if self.mask is None else expand_dims(self.mask, -1)
        return _Ids(expand_dims(self.ids, -1), mask, self.sparse)


def _as_ids(labels: Any) -> _Ids:
    labels = convert_to_tensor_or_sparse_tensor(labels)
    if isinstance(labels, SparseTensor):
        ids = sparse_tensor_to_dense(labels, default_value=-1)
        mask = sparse_to_dense(labels.indices, labels.dense_shape, True, False)
        return _Ids(ids, mask, True)
    return _Ids(labels, None, False)


def _maybe_expand_labels(labels: _Ids, predictions: Tensor) -> _Ids:
    """Labels ``[D1, ... DN]`` become ``[D1, ... DN, 1]`` to match predictions
    ``[D1, ... DN, k]``; other ranks are a ValueError."""
    with name_scope(None, "expand_labels", [labels.ids, predictions]):
        l_rank, p_rank = labels.ids.get_shape().ndims, predictions.get_shape().ndims
        if l_rank is None and p_rank is not None:
            # a SparseTensor of unknown rank: [D1..DN] or [D1..DN, n] ids both fit this shape
            target = concat([shape(predictions)[:-1], [-1]], 0)
            mask = None if labels.mask is None else reshape(labels.mask, target)
            return _Ids(reshape(labels.ids, target), mask, labels.sparse)
        if p_rank == l_rank:
            return labels
        if l_rank is not None and p_rank == l_rank + 1:
            return labels.expand()
        if labels.sparse:
            return labels
        raise ValueError(
            f"Unexpected labels shape {labels.ids.get_shape()} for predictions shape "
            f"{predictions.get_shape()}. Predictions rank should be the same rank as labels "
            "rank or labels rank plus one ."
        )


def _same_batch(preds: Tensor, labels: _Ids, extra: tuple[int, ...] = ()) -> list[Any]:
    """TF's set operations need the same leading ("batch") dimensions in the predictions and
    labels: ValueError when the static shapes differ, else (when unknown) a run-time check."""
    p_shape, l_shape = preds.get_shape(), labels.ids.get_shape()
    if p_shape.ndims is not None and l_shape.ndims is not None:
        pb, lb = p_shape.as_list()[:-1], l_shape.as_list()[:-1]
        for i, (a, b) in enumerate(zip(pb, lb)):
            if a is not None and b is not None and a != b:
                pa, la = [*pb, *extra], [*lb, *extra]
                raise ValueError(
                    f"Dimension {i} in both shapes must be equal, but are {a} and {b}. Shapes "
                    f"are {_dims(pa)} and {_dims(la)}."
                )
        if None not in pb and None not in lb:
            return []
    return [
        assert_equal(
            shape(preds)[:-1],
            shape(labels.ids)[:-1],
            message="Mismatched shapes (the leading dimensions of the predictions and labels)",
        )
    ]


def _dims(dims: list[Any]) -> str:
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


def _check_dtypes(a: Tensor, b: Tensor) -> None:
    if a.dtype != b.dtype:
        raise TypeError(
            f"Types don't match, <dtype: '{a.dtype.name}'> vs <dtype: '{b.dtype.name}'>."
        )


def _first_present(ids: _Ids) -> Tensor:
    """Per entry: present and no earlier present entry of its row holds the same id (so each
    distinct id of a row is counted once)."""
    n = shape(ids.ids)[-1]
    r = _range(n)
    earlier = less(expand_dims(r, 0), expand_dims(r, 1))  # [i, j]: j < i
    same = equal(expand_dims(ids.ids, -1), expand_dims(ids.ids, -2))
    same = logical_and(same, expand_dims(ids.present(), -2))
    dup = reduce_any(logical_and(same, earlier), -1)
    return logical_and(ids.present(), logical_not(dup))


def _in_other(a: _Ids, b: _Ids) -> Tensor:
    """Per entry of ``a``: some present entry of the same row of ``b`` holds its id."""
    hit = equal(expand_dims(a.ids, -1), expand_dims(b.ids, -2))
    return reduce_any(logical_and(hit, expand_dims(b.present(), -2)), -1)


def _count(mask: Tensor) -> Tensor:
    return reduce_sum(cast(mask, _dt.float64), -1)


def _intersection_size(a: _Ids, b: _Ids) -> Tensor:
    return _count(logical_and(_first_present(a), _in_other(a, b)))


def _difference_size(a: _Ids, b: _Ids) -> Tensor:
    """The number of distinct ids of each row of ``a`` missing from ``b``'s row."""
    return _count(logical_and(_first_present(a), logical_not(_in_other(a, b))))


def _select_class_id(ids: _Ids, class_id: int) -> _Ids:
    keep = logical_and(ids.present(), equal(ids.ids, cast(class_id, ids.ids.dtype)))
    return _Ids(ids.ids, keep, True)


def _weighted(counts: Tensor, weights: Any) -> Tensor:
    if weights is None:
        return counts
    # TF's set sizes have no static shape: its broadcast check is always the run-time one
    with control_dependencies([assert_broadcastable(weights, counts, static=False)]):
        return multiply(counts, cast(weights, _dt.float64))


def _at_k_name(name: str, k: int | None = None, class_id: int | None = None) -> str:
    name = f"{name}_at_{k}" if k is not None else f"{name}_at_k"
    if class_id is not None:
        name = f"{name}_class{class_id}"
    return name


def _streaming_count(kind: str, labels: _Ids, preds: _Ids, k, class_id, weights, checks):
    """A float64 metric variable ``<kind>_at_<k>`` and its update by this batch's (weighted)
    count: ``true_positive`` (predicted and a label), ``false_positive`` (predicted, not a
    label) or ``false_negative`` (a label, not predicted)."""
    with name_scope(None, _at_k_name(kind, k, class_id=class_id)) as scope:
        sub = {
            "true_positive": "true_positives",
            "false_positive": "false_positives",
            "false_negative": "false_negatives",
        }[kind]
        with name_scope(None, sub), control_dependencies(checks):
            if class_id is not None:
                labels, preds = (
                    _select_class_id(labels, class_id),
                    _select_class_id(preds, class_id),
                )
            if kind == "true_positive":
                counts = _intersection_size(preds, labels)
            elif kind == "false_positive":
                counts = _difference_size(preds, labels)
            else:
                counts = _difference_size(labels, preds)
            counts = _weighted(counts, weights)
        batch_total = reduce_sum(counts)
        var = metric_variable([], _dt.float64, name=scope)
        return var, assign_add(var, batch_total, name="update")


def _top_k_ratio(kind, labels, predictions_idx, k, class_id, weights, mc, uc, name):
    other = "false_positive" if kind == "precision" else "false_negative"
    with name_scope(name, _at_k_name(kind, k, class_id=class_id)) as scope:
        preds_t = cast(predictions_idx, _dt.int64)
        ids = _maybe_expand_labels(_as_ids(labels), preds_t)
        _check_dtypes(preds_t, ids.ids)
        preds = _Ids(preds_t, None, False)
        checks = _same_batch(preds_t, ids)
        tp, tp_update = _streaming_count("true_positive", ids, preds, k, class_id, weights, checks)
        miss, miss_update = _streaming_count(other, ids, preds, k, class_id, weights, checks)
        value = divide(tp, add(tp, miss), name=scope)
        update = divide(tp_update, add(tp_update, miss_update), name="update")
        add_to_collections(mc, value)
        add_to_collections(uc, update)
        return value, update


def precision_at_top_k(
    labels,
    predictions_idx,
    k=None,
    class_id=None,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """``tp / (tp + fp)`` of the given top-k ids ``predictions_idx`` (``[D1, ... DN, k]``)
    against ``labels``, over all classes or only ``class_id``: float64 variables
    ``true_positive_at_<k>`` and ``false_positive_at_<k>``."""
    return _top_k_ratio(
        "precision",
        labels,
        predictions_idx,
        k,
        class_id,
        weights,
        metrics_collections,
        updates_collections,
        name,
    )


def recall_at_top_k(
    labels,
    predictions_idx,
    k=None,
    class_id=None,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """``tp / (tp + fn)`` of the given top-k ids against ``labels``: float64 variables
    ``true_positive_at_<k>`` and ``false_negative_at_<k>``."""
    return _top_k_ratio(
        "recall",
        labels,
        predictions_idx,
        k,
        class_id,
        weights,
        metrics_collections,
        updates_collections,
        name,
    )


def precision_at_k(
    labels,
    predictions,
    k,
    class_id=None,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """``precision_at_top_k`` of the ``k`` highest ``predictions`` (logits or scores)."""
    with name_scope(name, _at_k_name("precision", k, class_id=class_id)) as scope:
        _, idx = top_k(predictions, k)
        return precision_at_top_k(
            labels, idx, k, class_id, weights, metrics_collections, updates_collections, scope
        )


def recall_at_k(
    labels,
    predictions,
    k,
    class_id=None,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """``recall_at_top_k`` of the ``k`` highest ``predictions``."""
    with name_scope(name, _at_k_name("recall", k, class_id=class_id)) as scope:
        _, idx = top_k(predictions, k)
        return recall_at_top_k(
            labels, idx, k, class_id, weights, metrics_collections, updates_collections, scope
        )


def sparse_precision_at_k(
    labels,
    predictions,
    k,
    class_id=None,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """Deprecated alias of ``precision_at_k``."""
    return precision_at_k(
        labels, predictions, k, class_id, weights, metrics_collections, updates_collections, name
    )


def _average_precision(labels: _Ids, predictions_idx: Tensor) -> Tensor:
    """Per row: the mean over the relevant labels (at most k) of the precision at each rank
    where a label was retrieved."""
    with name_scope(None, "average_precision") as scope:
        preds = cast(predictions_idx, _dt.int64, name="predictions_idx")
        if preds.get_shape().ndims == 0:
            raise ValueError("The rank of `predictions_idx` must be at least 1.")
        k = preds.get_shape().as_list()[-1]
        if k is None:
            raise ValueError(
                "The last dimension of predictions_idx must be set. Currently, it is None."
            )
        labels = _maybe_expand_labels(labels, preds)
        _check_dtypes(preds, labels.ids)
        checks = _same_batch(preds, labels, (k,))
        # relevant[..., i]: whether the i-th prediction is a label (TF tiles the labels k times)
        per_k = _Ids(expand_dims(preds, -1), None, False)
        labels_per_k = _Ids(
            expand_dims(labels.ids, -2),
            None if labels.mask is None else expand_dims(labels.mask, -2),
            labels.sparse,
        )
        with control_dependencies(checks):
            relevant = _count(_in_other(per_k, labels_per_k))
        tp_per_k = cumsum(relevant, axis=-1, name="tp_per_k")
        retrieved = cumsum(ones_like(relevant), axis=-1, name="retrieved_per_k")
        precision_per_k = divide(tp_per_k, retrieved, name="precision_per_k")
        precision_sum = reduce_sum(multiply(precision_per_k, relevant), axis=(-1,))
        if labels.sparse:
            num_labels = _count(_first_present(labels))
        else:
            num_labels = _count(greater_equal(labels.ids, 0))
        num_relevant = minimum(num_labels, float(k))
        return divide(precision_sum, num_relevant, name=scope)


def _clean_out_of_range(labels: _Ids, num_classes: Tensor) -> _Ids:
    """Ids ``>= num_classes`` become -1 (never predicted)."""
    max_label = reduce_max(labels.ids)
    ids = labels.ids

    def cleaned():
        return where_v2(greater_equal(ids, num_classes), -1 * ones_like(ids), ids)

    new = cond(greater_equal(max_label, num_classes), cleaned, lambda: ids)
    return _Ids(new, labels.mask, labels.sparse)


def average_precision_at_k(
    labels,
    predictions,
    k,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """The (weighted) mean over rows of the average precision of the ``k`` highest
    ``predictions``: float64 variables ``max`` (TF names it ``max_1``: the sum of the weights)
    and ``total`` (the weighted sum of average precisions)."""
    if k < 1:
        raise ValueError(f"Invalid k={k}. `k` should be >= 1.")
    with name_scope(name, _at_k_name("average_precision", k)) as scope:
        _, idx = top_k(predictions, k)
        num_classes = cast(shape(predictions)[-1], _dt.int64)
        ids = _as_ids(labels)
        _check_ids_dtype(ids.ids, num_classes)
        ids = _clean_out_of_range(ids, num_classes)
        ap = _average_precision(ids, idx)
        if weights is not None:
            weights = _broadcast_weights(cast(weights, _dt.float64), ap)
            ap = multiply(ap, weights)
        with name_scope(None, "max") as max_scope:
            max_var = metric_variable([], _dt.float64, name=max_scope)
            if weights is None:
                batch_max = cast(size(ap, name="batch_max"), _dt.float64)
            else:
                batch_max = reduce_sum(weights, name="batch_max")
            max_update = assign_add(max_var, batch_max, name="update")
        with name_scope(None, "total") as total_scope:
            total_var = metric_variable([], _dt.float64, name=total_scope)
            total_update = assign_add(total_var, reduce_sum(ap, name="batch_total"), name="update")
        value = div_no_nan(total_var, max_var, name="mean")
        update = div_no_nan(total_update, max_update, name=scope)
        add_to_collections(metrics_collections, value)
        add_to_collections(updates_collections, update)
        return value, update


def _check_ids_dtype(ids: Tensor, num_classes: Tensor) -> None:
    if ids.dtype != num_classes.dtype:
        raise TypeError(
            f"Input 'y' of 'GreaterEqual' Op has type {num_classes.dtype.name} that does not "
            f"match type {ids.dtype.name} of argument 'x'."
        )


def sparse_average_precision_at_k(
    labels,
    predictions,
    k,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """Deprecated alias of ``average_precision_at_k``."""
    return average_precision_at_k(
        labels, predictions, k, weights, metrics_collections, updates_collections, name
    )
