"""TF 1.x's streaming means and counts (``ops/metrics_impl.py``): ``mean``, ``accuracy``, the
error means, ``mean_tensor``, ``percentage_below``, ``mean_per_class_accuracy``, ``mean_iou``,
the true/false positive/negative counts, ``precision`` and ``recall``.

Each returns ``(value, update_op)``: ``update_op`` adds a batch to the metric's local variables
(created under ``variable_scope(name, <default>)``, in LOCAL_VARIABLES and METRIC_VARIABLES)
and returns the updated value; ``value`` reads the variables without changing them.

>>> import tflite_core as tf
>>> with tf.Graph().as_default():
...     acc, update = tf.metrics.accuracy([1, 2, 3], [1, 2, 0])
...     with tf.Session() as sess:
...         sess.run(tf.local_variables_initializer())
...         print(round(float(sess.run(update)), 4), acc.name)
0.6667 accuracy/value:0
"""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, control_dependencies
from ..ops.array_ops import cast, identity, ones, ones_like, reshape, shape, size, zeros_like
from ..ops.check_ops import assert_rank_in, assert_type
from ..ops.indexing_ops import where
from ..ops.linalg_ops import matrix_diag_part
from ..ops.math_extra_ops import div_no_nan, logical_and, squared_difference
from ..ops.math_ops import abs as _abs
from ..ops.math_ops import (
    divide,
    equal,
    greater,
    less,
    maximum,
    multiply,
    not_equal,
    reduce_mean,
    reduce_sum,
    sqrt,
    subtract,
)
from ..ops.scatter_ops import scatter_add
from ..ops.variable_scope import variable_scope
from ..ops.variables import assign_add
from .metric_utils import (
    add_to_collections,
    broadcast_weights,
    metric_variable,
    remove_squeezable_dimensions,
    squeeze_or_expand,
    streaming_confusion_matrix,
)


def _finish(value: Tensor, update: Tensor, metrics_collections: Any, updates_collections: Any):
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update)
    return value, update


def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of ``values``: float32 variables ``total`` and ``count``; weights
    broadcast to ``values`` by TF's rule (ValueError when the static shapes cannot)."""
    with variable_scope(name, "mean", [values, weights]):
        values = cast(values, _dt.float32)
        total = metric_variable([], _dt.float32, name="total")
        count = metric_variable([], _dt.float32, name="count")
        if weights is None:
            num_values = cast(size(values), _dt.float32)
        else:
            values, _, weights = squeeze_or_expand(values, None, weights)
            weights = broadcast_weights(cast(weights, _dt.float32), values)
            values = multiply(values, weights)
            num_values = reduce_sum(weights)
        update_total = assign_add(total, reduce_sum(values))
        with control_dependencies([values]):
            update_count = assign_add(count, num_values)
        value = div_no_nan(total, maximum(count, 0), name="value")
        update = div_no_nan(update_total, maximum(update_count, 0), name="update_op")
        return _finish(value, update, metrics_collections, updates_collections)


def accuracy(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None, name=None
):
    """How often ``predictions`` equals ``labels``: the (weighted) mean of the matches."""
    predictions, labels, weights = squeeze_or_expand(predictions, labels, weights)
    predictions.get_shape().assert_is_compatible_with(labels.get_shape())
    if labels.dtype != predictions.dtype:
        predictions = cast(predictions, labels.dtype)
    is_correct = cast(equal(predictions, labels), _dt.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections, name or "accuracy")


def mean_absolute_error(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None, name=None
):
    """The (weighted) mean of ``|predictions - labels|``."""
    predictions, labels, weights = squeeze_or_expand(predictions, labels, weights)
    errors = _abs(predictions - labels)
    return mean(
        errors, weights, metrics_collections, updates_collections, name or "mean_absolute_error"
    )


def mean_squared_error(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None, name=None
):
    """The (weighted) mean of ``(labels - predictions) ** 2``."""
    predictions, labels, weights = squeeze_or_expand(predictions, labels, weights)
    errors = squared_difference(labels, predictions)
    return mean(
        errors, weights, metrics_collections, updates_collections, name or "mean_squared_error"
    )


def root_mean_squared_error(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None, name=None
):
    """The square root of the streaming ``mean_squared_error`` (its variables)."""
    predictions, labels, weights = squeeze_or_expand(predictions, labels, weights)
    mse, update_mse = mean_squared_error(
        labels, predictions, weights, None, None, name or "root_mean_squared_error"
    )
    return _finish(sqrt(mse), sqrt(update_mse), metrics_collections, updates_collections)


def mean_relative_error(
    labels,
    predictions,
    normalizer,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """The (weighted) mean of ``|labels - predictions| / normalizer`` (0 where the normalizer
    is 0)."""
    predictions, labels, weights = squeeze_or_expand(predictions, labels, weights)
    predictions, normalizer = remove_squeezable_dimensions(predictions, normalizer)
    predictions.get_shape().assert_is_compatible_with(normalizer.get_shape())
    relative = where(
        equal(normalizer, 0.0),
        zeros_like(labels),
        divide(_abs(labels - predictions), normalizer),
    )
    return mean(
        relative, weights, metrics_collections, updates_collections, name or "mean_relative_error"
    )


def mean_cosine_distance(
    labels,
    predictions,
    dim,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """``1 - mean(sum(labels * predictions, dim))`` (the inputs are taken as unit-normalised)."""
    predictions, labels, weights = squeeze_or_expand(predictions, labels, weights)
    radial = reduce_sum(multiply(predictions, labels), axis=[dim], keepdims=True)
    mean_distance, update = mean(radial, weights, None, None, name or "mean_cosine_distance")
    return _finish(
        subtract(1.0, mean_distance),
        subtract(1.0, update),
        metrics_collections,
        updates_collections,
    )


def mean_tensor(
    values, weights=None, metrics_collections=None, updates_collections=None, name=None
):
    """The elementwise (weighted) mean over the stream: variables ``total_tensor`` and
    ``count_tensor`` of ``values``' static shape."""
    with variable_scope(name, "mean", [values, weights]):
        values = cast(values, _dt.float32)
        total = metric_variable(values.get_shape(), _dt.float32, name="total_tensor")
        count = metric_variable(values.get_shape(), _dt.float32, name="count_tensor")
        num_values = ones_like(values)
        if weights is not None:
            values, _, weights = squeeze_or_expand(values, None, weights)
            weights = broadcast_weights(cast(weights, _dt.float32), values)
            values = multiply(values, weights)
            num_values = multiply(num_values, weights)
        update_total = assign_add(total, values)
        with control_dependencies([values]):
            update_count = assign_add(count, num_values)
        value = div_no_nan(total, maximum(count, 0), name="value")
        update = div_no_nan(update_total, maximum(update_count, 0), name="update_op")
        return _finish(value, update, metrics_collections, updates_collections)


def percentage_below(
    values, threshold, weights=None, metrics_collections=None, updates_collections=None, name=None
):
    """The (weighted) fraction of ``values`` below ``threshold``."""
    below = cast(less(values, threshold), _dt.float32)
    return mean(
        below,
        weights,
        metrics_collections,
        updates_collections,
        name or "percentage_below_threshold",
    )


def mean_per_class_accuracy(
    labels,
    predictions,
    num_classes,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """The mean over classes of each class's accuracy: ``[num_classes]`` variables ``total``
    (weighted count of each label) and ``count`` (weighted correct ones)."""
    with variable_scope(name, "mean_accuracy", [predictions, labels, weights]):
        labels = cast(labels, _dt.int64)
        predictions = convert_to_tensor(predictions)
        if labels.get_shape().ndims > 1:
            labels = reshape(labels, [-1])
        if predictions.get_shape().ndims > 1:
            predictions = reshape(predictions, [-1])
        predictions.get_shape().assert_is_compatible_with(labels.get_shape())
        total = metric_variable([num_classes], _dt.float32, name="total")
        count = metric_variable([num_classes], _dt.float32, name="count")
        ones_ = ones(reshape(size(labels), [1]), _dt.float32)
        if labels.dtype != predictions.dtype:
            predictions = cast(predictions, labels.dtype)
        is_correct = cast(equal(predictions, labels), _dt.float32)
        if weights is not None:
            weights = convert_to_tensor(weights)
            if weights.get_shape().ndims > 1:
                weights = reshape(weights, [-1])
            weights = cast(weights, _dt.float32)
            is_correct = is_correct * weights
            ones_ = ones_ * weights
        update_total = scatter_add(total, labels, ones_)
        update_count = scatter_add(count, labels, is_correct)
        value = reduce_mean(div_no_nan(count, maximum(total, 0)), name="mean_accuracy")
        update = div_no_nan(update_count, maximum(update_total, 0), name="update_op")
        return _finish(value, update, metrics_collections, updates_collections)


def mean_iou(
    labels,
    predictions,
    num_classes,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """The mean intersection-over-union of the classes present, from a float64 streaming
    confusion matrix ``total_confusion_matrix``; ``update_op`` returns that matrix."""
    with variable_scope(name, "mean_iou", [predictions, labels, weights]):
        predictions, labels = convert_to_tensor(predictions), convert_to_tensor(labels)
        predictions.get_shape().assert_is_compatible_with(labels.get_shape())
        if weights is not None:
            weights = convert_to_tensor(weights)
        total_cm, update = streaming_confusion_matrix(labels, predictions, num_classes, weights)
        sum_over_row = cast(reduce_sum(total_cm, 0), _dt.float32)
        sum_over_col = cast(reduce_sum(total_cm, 1), _dt.float32)
        cm_diag = cast(matrix_diag_part(total_cm), _dt.float32)
        denominator = sum_over_row + sum_over_col - cm_diag
        num_valid = reduce_sum(cast(not_equal(denominator, 0), _dt.float32))
        denominator = where(greater(denominator, 0), denominator, ones_like(denominator))
        iou = divide(cm_diag, denominator)
        value = where(
            greater(num_valid, 0), reduce_sum(iou, name="mean_iou") / num_valid, 0.0 * num_valid
        )
        add_to_collections(metrics_collections, value)
        add_to_collections(updates_collections, update)
        return value, update


def _count_condition(values, weights, metrics_collections, updates_collections):
    assert_type(values, _dt.bool)
    count = metric_variable([], _dt.float32, name="count")
    values = cast(values, _dt.float32)
    if weights is not None:
        weights = convert_to_tensor(weights)
        v_rank = values.get_shape().ndims
        v_rank_t = v_rank if v_rank is not None else size(shape(values))
        with control_dependencies([assert_rank_in(weights, (0, v_rank_t))]):
            weights = cast(weights, _dt.float32)
            values = multiply(values, weights)
    value = identity(count)
    update = assign_add(count, reduce_sum(values))
    return _finish(value, update, metrics_collections, updates_collections)


def _as_bool_inputs(labels, predictions, weights):
    return squeeze_or_expand(cast(predictions, _dt.bool), cast(labels, _dt.bool), weights)


def _counter(default: str, want_label: bool, want_prediction: bool):
    def metric(
        labels,
        predictions,
        weights=None,
        metrics_collections=None,
        updates_collections=None,
        name=None,
    ):
        with variable_scope(name, default, [predictions, labels, weights]):
            predictions, labels, weights = _as_bool_inputs(labels, predictions, weights)
            hit = logical_and(equal(labels, want_label), equal(predictions, want_prediction))
            return _count_condition(hit, weights, metrics_collections, updates_collections)

    metric.__name__ = metric.__qualname__ = default
    metric.__doc__ = (
        f"The (weighted) number of {default.replace('_', ' ')}: a float32 variable ``count``; "
        "labels and predictions are cast to bool."
    )
    return metric


true_positives = _counter("true_positives", True, True)
false_positives = _counter("false_positives", False, True)
true_negatives = _counter("true_negatives", False, False)
false_negatives = _counter("false_negatives", True, False)


def _ratio(hit: Tensor, miss: Tensor, name: str) -> Tensor:
    total = hit + miss
    return where(greater(total, 0), divide(hit, total), 0.0 * total, name=name)


def precision(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None, name=None
):
    """``tp / (tp + fp)`` (0 before any positive prediction), from the ``true_positives`` and
    ``false_positives`` counts."""
    with variable_scope(name, "precision", [predictions, labels, weights]):
        predictions, labels, weights = _as_bool_inputs(labels, predictions, weights)
        tp, tp_update = true_positives(labels, predictions, weights)
        fp, fp_update = false_positives(labels, predictions, weights)
        value = _ratio(tp, fp, "value")
        update = _ratio(tp_update, fp_update, "update_op")
        return _finish(value, update, metrics_collections, updates_collections)


def recall(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None, name=None
):
    """``tp / (tp + fn)`` (0 before any positive label), from the ``true_positives`` and
    ``false_negatives`` counts."""
    with variable_scope(name, "recall", [predictions, labels, weights]):
        predictions, labels, weights = _as_bool_inputs(labels, predictions, weights)
        tp, tp_update = true_positives(labels, predictions, weights)
        fn, fn_update = false_negatives(labels, predictions, weights)
        value = _ratio(tp, fn, "value")
        update = _ratio(tp_update, fn_update, "update_op")
        return _finish(value, update, metrics_collections, updates_collections)
