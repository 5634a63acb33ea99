"""``tf.contrib.metrics`` (also ``tf.contrib.slim.metrics``): TF 1.x's ``streaming_*`` metrics
(``contrib/metrics/python/ops/metric_ops.py``), each the ``tf.metrics`` function of the same
meaning with ``predictions`` before ``labels`` (``streaming_accuracy(predictions, labels)`` is
``tf.metrics.accuracy(labels=labels, predictions=predictions)``), returning its
``(value, update_op)``; and ``aggregate_metrics`` / ``aggregate_metric_map``, which split such
pairs into values and updates.
"""

from __future__ import annotations

from typing import Any

from ... import metrics as _m

Pair = tuple[Any, Any]


def _colls(metrics_collections, updates_collections, name):
    return dict(
        metrics_collections=metrics_collections,
        updates_collections=updates_collections,
        name=name,
    )


def streaming_true_positives(
    predictions, labels, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.true_positives(
        labels=labels,
        predictions=predictions,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_true_negatives(
    predictions, labels, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.true_negatives(
        labels=labels,
        predictions=predictions,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_false_positives(
    predictions, labels, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.false_positives(
        labels=labels,
        predictions=predictions,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_false_negatives(
    predictions, labels, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.false_negatives(
        labels=labels,
        predictions=predictions,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_mean(
    values, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.mean(
        values=values, weights=weights, **_colls(metrics_collections, updates_collections, name)
    )


def streaming_mean_tensor(
    values, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.mean_tensor(
        values=values, weights=weights, **_colls(metrics_collections, updates_collections, name)
    )


def streaming_accuracy(
    predictions, labels, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.accuracy(
        labels=labels,
        predictions=predictions,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_precision(
    predictions, labels, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.precision(
        labels=labels,
        predictions=predictions,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_recall(
    predictions, labels, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.recall(
        labels=labels,
        predictions=predictions,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_auc(
    predictions,
    labels,
    weights=None,
    num_thresholds=200,
    metrics_collections=None,
    updates_collections=None,
    curve="ROC",
    name=None,
    summation_method="trapezoidal",
) -> Pair:
    return _m.auc(
        labels=labels,
        predictions=predictions,
        weights=weights,
        num_thresholds=num_thresholds,
        curve=curve,
        summation_method=summation_method,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_precision_at_thresholds(
    predictions,
    labels,
    thresholds,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
) -> Pair:
    return _m.precision_at_thresholds(
        labels=labels,
        predictions=predictions,
        thresholds=thresholds,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_recall_at_thresholds(
    predictions,
    labels,
    thresholds,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
) -> Pair:
    return _m.recall_at_thresholds(
        labels=labels,
        predictions=predictions,
        thresholds=thresholds,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_sensitivity_at_specificity(
    predictions,
    labels,
    specificity,
    weights=None,
    num_thresholds=200,
    metrics_collections=None,
    updates_collections=None,
    name=None,
) -> Pair:
    return _m.sensitivity_at_specificity(
        labels=labels,
        predictions=predictions,
        specificity=specificity,
        weights=weights,
        num_thresholds=num_thresholds,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_specificity_at_sensitivity(
    predictions,
    labels,
    sensitivity,
    weights=None,
    num_thresholds=200,
    metrics_collections=None,
    updates_collections=None,
    name=None,
) -> Pair:
    return _m.specificity_at_sensitivity(
        labels=labels,
        predictions=predictions,
        sensitivity=sensitivity,
        weights=weights,
        num_thresholds=num_thresholds,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_mean_absolute_error(
    predictions, labels, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.mean_absolute_error(
        labels=labels,
        predictions=predictions,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_mean_relative_error(
    predictions,
    labels,
    normalizer,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
) -> Pair:
    return _m.mean_relative_error(
        labels=labels,
        predictions=predictions,
        normalizer=normalizer,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_mean_squared_error(
    predictions, labels, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.mean_squared_error(
        labels=labels,
        predictions=predictions,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_root_mean_squared_error(
    predictions, labels, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.root_mean_squared_error(
        labels=labels,
        predictions=predictions,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_mean_cosine_distance(
    predictions,
    labels,
    dim,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
) -> Pair:
    return _m.mean_cosine_distance(
        labels=labels,
        predictions=predictions,
        dim=dim,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_percentage_less(
    values, threshold, weights=None, metrics_collections=None, updates_collections=None, name=None
) -> Pair:
    return _m.percentage_below(
        values=values,
        threshold=threshold,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_mean_iou(
    predictions,
    labels,
    num_classes,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
) -> Pair:
    return _m.mean_iou(
        labels=labels,
        predictions=predictions,
        num_classes=num_classes,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_sparse_precision_at_k(
    predictions,
    labels,
    k,
    class_id=None,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
) -> Pair:
    return _m.sparse_precision_at_k(
        labels=labels,
        predictions=predictions,
        k=k,
        class_id=class_id,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_sparse_recall_at_k(
    predictions,
    labels,
    k,
    class_id=None,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
) -> Pair:
    return _m.recall_at_k(
        labels=labels,
        predictions=predictions,
        k=k,
        class_id=class_id,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def streaming_sparse_average_precision_at_k(
    predictions,
    labels,
    k,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
) -> Pair:
    return _m.sparse_average_precision_at_k(
        labels=labels,
        predictions=predictions,
        k=k,
        weights=weights,
        **_colls(metrics_collections, updates_collections, name),
    )


def aggregate_metrics(*value_update_tuples: Pair) -> tuple[list, list]:
    """``([values], [update_ops])`` of the pairs; ValueError for none."""
    if not value_update_tuples:
        raise ValueError("Expected at least one value_tensor/update_op pair")
    values, updates = zip(*value_update_tuples)
    return list(values), list(updates)


def aggregate_metric_map(names_to_tuples: dict) -> tuple[dict, dict]:
    """``({name: value}, {name: update_op})`` of a dict of pairs."""
    names = list(names_to_tuples.keys())
    values, updates = zip(*names_to_tuples.values())
    return dict(zip(names, values)), dict(zip(names, updates))
