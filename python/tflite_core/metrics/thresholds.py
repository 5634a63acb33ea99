"""TF 1.x's metrics over a list of thresholds (``ops/metrics_impl.py``): the
true/false positive/negative counts at each threshold, ``precision_at_thresholds``,
``recall_at_thresholds``, ``auc`` (ROC or PR; trapezoidal, careful_interpolation, minoring or
majoring sums), ``sensitivity_at_specificity`` and ``specificity_at_sensitivity``.

A prediction is positive at threshold ``t`` when it is ``> t``; predictions must lie in
``[0, 1]`` (InvalidArgumentError at run time otherwise) and labels are cast to bool.

>>> import tflite_core as tf
>>> with tf.Graph().as_default():
...     tp, update = tf.metrics.true_positives_at_thresholds([1, 0, 1], [0.9, 0.6, 0.3], [0.5])
...     with tf.Session() as sess:
...         sess.run(tf.local_variables_initializer())
...         print(sess.run(update), tp.name)
[1.] true_positives/Identity:0
"""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework import tf_logging as logging
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, control_dependencies
from ..ops.array_ops import cast, identity, ones_like, reshape
from ..ops.check_ops import assert_greater_equal, assert_less_equal
from ..ops.indexing_ops import where
from ..ops.math_extra_ops import cumsum, div_no_nan, logical_and, logical_not
from ..ops.math_ops import abs as _abs
from ..ops.math_ops import (
    argmax,
    argmin,
    divide,
    equal,
    greater,
    log,
    maximum,
    minimum,
    multiply,
    reduce_min,
    reduce_sum,
)
from ..ops.variable_scope import variable_scope
from ..ops.variables import assign_add
from .metric_utils import add_to_collections, broadcast_weights, metric_variable, squeeze_or_expand

_ALL = ("tp", "fn", "tn", "fp")
_NAMES = {
    "tp": "true_positives",
    "fn": "false_negatives",
    "tn": "true_negatives",
    "fp": "false_positives",
}


def confusion_matrix_at_thresholds(labels, predictions, thresholds, weights=None, includes=None):
    """For each key of ``includes`` (of 'tp', 'fn', 'tn', 'fp'), a float32 ``[len(thresholds)]``
    metric variable (``true_positives`` ...) and the op adding this batch's (weighted) counts
    at each threshold. Returns ``(values, update_ops)``, dicts by key."""
    if includes is None:
        includes = _ALL
    else:
        for key in includes:
            if key not in _ALL:
                raise ValueError(f"Invalid key: {key}")
    predictions = convert_to_tensor(predictions)
    checks = [
        assert_greater_equal(
            predictions, cast(0.0, predictions.dtype), message="predictions must be in [0, 1]"
        ),
        assert_less_equal(
            predictions, cast(1.0, predictions.dtype), message="predictions must be in [0, 1]"
        ),
    ]
    with control_dependencies(checks):
        predictions, labels, weights = squeeze_or_expand(
            cast(predictions, _dt.float32), cast(labels, _dt.bool), weights
        )
    num_thresholds = len(thresholds)
    thresh = reshape(constant(list(thresholds), _dt.float32), [num_thresholds, 1])
    pred_is_pos = greater(reshape(predictions, [1, -1]), thresh)
    label_is_pos = logical_and(reshape(labels, [1, -1]), ones_like(pred_is_pos))
    pred_is_neg, label_is_neg = logical_not(pred_is_pos), logical_not(label_is_pos)
    weights_row = None
    if weights is not None:
        weights = broadcast_weights(cast(weights, _dt.float32), predictions)
        weights_row = reshape(weights, [1, -1])
    masks = {
        "tp": (label_is_pos, pred_is_pos),
        "fn": (label_is_pos, pred_is_neg),
        "tn": (label_is_neg, pred_is_neg),
        "fp": (label_is_neg, pred_is_pos),
    }
    values: dict[str, Any] = {}
    update_ops: dict[str, Tensor] = {}
    for key in _ALL:
        if key not in includes:
            continue
        var = metric_variable([num_thresholds], _dt.float32, name=_NAMES[key])
        hits = cast(logical_and(*masks[key]), _dt.float32)
        if weights_row is not None:
            hits = hits * weights_row
        update_ops[key] = assign_add(var, reduce_sum(hits, 1))
        values[key] = var
    return values, update_ops


def _count_at_thresholds(key: str):
    default = _NAMES[key]

    def metric(
        labels,
        predictions,
        thresholds,
        weights=None,
        metrics_collections=None,
        updates_collections=None,
        name=None,
    ):
        with variable_scope(name, default, [predictions, labels, weights]):
            values, updates = confusion_matrix_at_thresholds(
                labels, predictions, thresholds, weights=weights, includes=(key,)
            )
            value = identity(values[key])
            add_to_collections(metrics_collections, value)
            add_to_collections(updates_collections, updates[key])
            return value, updates[key]

    metric.__name__ = metric.__qualname__ = f"{default}_at_thresholds"
    metric.__doc__ = (
        f"The (weighted) number of {default.replace('_', ' ')} at each threshold: a float32 "
        f"variable ``{default}`` of ``[len(thresholds)]``."
    )
    return metric


true_positives_at_thresholds = _count_at_thresholds("tp")
false_positives_at_thresholds = _count_at_thresholds("fp")
true_negatives_at_thresholds = _count_at_thresholds("tn")
false_negatives_at_thresholds = _count_at_thresholds("fn")


def _finish(value, update, metrics_collections, updates_collections):
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update)
    return value, update


def precision_at_thresholds(
    labels,
    predictions,
    thresholds,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """``tp / (tp + fp + 1e-7)`` at each threshold."""
    with variable_scope(name, "precision_at_thresholds", [predictions, labels, weights]):
        values, updates = confusion_matrix_at_thresholds(
            labels, predictions, thresholds, weights, includes=("tp", "fp")
        )

        def compute(tp, fp, suffix):
            return divide(tp, 1e-07 + tp + fp, name="precision_" + suffix)

        return _finish(
            compute(values["tp"], values["fp"], "value"),
            compute(updates["tp"], updates["fp"], "update_op"),
            metrics_collections,
            updates_collections,
        )


def recall_at_thresholds(
    labels,
    predictions,
    thresholds,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """``tp / (tp + fn + 1e-7)`` at each threshold."""
    with variable_scope(name, "recall_at_thresholds", [predictions, labels, weights]):
        values, updates = confusion_matrix_at_thresholds(
            labels, predictions, thresholds, weights, includes=("tp", "fn")
        )

        def compute(tp, fn, suffix):
            return divide(tp, 1e-07 + tp + fn, name="recall_" + suffix)

        return _finish(
            compute(values["tp"], values["fn"], "value"),
            compute(updates["tp"], updates["fn"], "update_op"),
            metrics_collections,
            updates_collections,
        )


def _interpolate_pr_auc(tp, fp, fn, n):
    """The PR-AUC integrated exactly between thresholds (Davis & Goadrich interpolation)."""
    dtp = tp[: n - 1] - tp[1:]
    p = tp + fp
    prec_slope = div_no_nan(dtp, maximum(p[: n - 1] - p[1:], 0), name="prec_slope")
    intercept = tp[1:] - multiply(prec_slope, p[1:])
    safe_p_ratio = where(
        logical_and(p[: n - 1] > 0, p[1:] > 0),
        div_no_nan(p[: n - 1], maximum(p[1:], 0), name="recall_relative_ratio"),
        ones_like(p[1:]),
    )
    increments = div_no_nan(
        prec_slope * (dtp + intercept * log(safe_p_ratio)),
        maximum(tp[1:] + fn[1:], 0),
        name="pr_auc_increment",
    )
    return reduce_sum(increments, name="interpolate_pr_auc")


def auc(
    labels,
    predictions,
    weights=None,
    num_thresholds=200,
    metrics_collections=None,
    updates_collections=None,
    curve="ROC",
    name=None,
    summation_method="trapezoidal",
    thresholds=None,
):
    """The area under the ROC or PR curve, summed over ``num_thresholds`` thresholds evenly
    spaced in [0, 1] (or the given ``thresholds``, plus -1e-7 and 1 + 1e-7)."""
    with variable_scope(name, "auc", [labels, predictions, weights]):
        if curve not in ("ROC", "PR"):
            raise ValueError(f"Curve must be either ROC or PR. Curve {curve} is unknown.")
        kepsilon = 1e-07
        if thresholds is not None:
            thresholds = sorted(thresholds)
            num_thresholds = len(thresholds) + 2
        else:
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        thresholds = [0.0 - kepsilon, *thresholds, 1.0 + kepsilon]
        values, updates = confusion_matrix_at_thresholds(labels, predictions, thresholds, weights)
        n = num_thresholds
        epsilon = 1e-06

        def compute(tp, fn, tn, fp, op_name):
            if curve == "PR":
                if summation_method == "trapezoidal":
                    logging.warning(
                        "Trapezoidal rule is known to produce incorrect PR-AUCs; please switch "
                        'to "careful_interpolation" instead.'
                    )
                elif summation_method == "careful_interpolation":
                    return _interpolate_pr_auc(tp, fp, fn, n)
            rec = divide(tp + epsilon, tp + fn + epsilon)
            if curve == "ROC":
                x, y = divide(fp, fp + tn + epsilon), rec
            else:
                x, y = rec, divide(tp + epsilon, tp + fp + epsilon)
            dx = x[: n - 1] - x[1:]
            if summation_method in ("trapezoidal", "careful_interpolation"):
                heights = (y[: n - 1] + y[1:]) / 2.0
            elif summation_method == "minoring":
                heights = minimum(y[: n - 1], y[1:])
            elif summation_method == "majoring":
                heights = maximum(y[: n - 1], y[1:])
            else:
                raise ValueError(
                    f"Invalid summation_method: {summation_method} summation_method should be "
                    "'trapezoidal', 'careful_interpolation', 'minoring', or 'majoring'."
                )
            return reduce_sum(multiply(dx, heights), name=op_name)

        value = compute(values["tp"], values["fn"], values["tn"], values["fp"], "value")
        update = compute(updates["tp"], updates["fn"], updates["tn"], updates["fp"], "update_op")
        return _finish(value, update, metrics_collections, updates_collections)


def _even_thresholds(num_thresholds: int, last: float) -> list[float]:
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - 1e-07, *inner, last]


def sensitivity_at_specificity(
    labels,
    predictions,
    specificity,
    weights=None,
    num_thresholds=200,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """The sensitivity (recall) at the threshold whose specificity is closest to
    ``specificity`` (the first such threshold)."""
    if specificity < 0 or specificity > 1:
        raise ValueError(
            "`specificity` must be in the range [0, 1]. Currently, `specificity` got "
            f"{specificity}."
        )
    with variable_scope(name, "sensitivity_at_specificity", [predictions, labels, weights]):
        thresholds = _even_thresholds(num_thresholds, 1.0 + 1e-07)
        values, updates = confusion_matrix_at_thresholds(labels, predictions, thresholds, weights)

        def compute(tp, tn, fp, fn, op_name):
            specificities = divide(tn, tn + fp + 1e-07)
            index = cast(argmin(_abs(specificities - specificity), 0), _dt.int32)
            return divide(tp[index], tp[index] + fn[index] + 1e-07, name=op_name)

        value = compute(values["tp"], values["tn"], values["fp"], values["fn"], "value")
        update = compute(updates["tp"], updates["tn"], updates["fp"], updates["fn"], "update_op")
        return _finish(value, update, metrics_collections, updates_collections)


def specificity_at_sensitivity(
    labels,
    predictions,
    sensitivity,
    weights=None,
    num_thresholds=200,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """The specificity at the threshold whose sensitivity is closest to ``sensitivity`` (the
    last such threshold)."""
    if sensitivity < 0 or sensitivity > 1:
        raise ValueError(
            f"`sensitivity` must be in the range [0, 1]. Currently, `sensitivity` is {sensitivity}."
        )
    with variable_scope(name, "specificity_at_sensitivity", [predictions, labels, weights]):
        thresholds = _even_thresholds(num_thresholds, 1.0 - 1e-07)
        values, updates = confusion_matrix_at_thresholds(labels, predictions, thresholds, weights)

        def compute(tp, tn, fp, fn, op_name):
            distance = _abs(divide(tp, tp + fn + 1e-07) - sensitivity)
            at_min = cast(equal(distance, reduce_min(distance)), _dt.int64)
            index = cast(argmax(cumsum(at_min), 0), _dt.int32)
            return divide(tn[index], tn[index] + fp[index] + 1e-07, name=op_name)

        value = compute(values["tp"], values["tn"], values["fp"], values["fn"], "value")
        update = compute(updates["tp"], updates["tn"], updates["fp"], updates["fn"], "update_op")
        return _finish(value, update, metrics_collections, updates_collections)
