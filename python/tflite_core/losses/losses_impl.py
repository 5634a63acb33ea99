"""``tf.losses``' loss functions, as TF 1.x's ``ops/losses/losses_impl.py``: each computes
elementwise losses in float32, weights them (a scalar, or a tensor of the losses' rank whose
dimensions are 1 or the losses'), reduces them by a :class:`Reduction` and adds the result to
the LOSSES collection.

>>> import tflite_core as tf
>>> with tf.Graph().as_default():
...     loss = tf.losses.mean_squared_error([[1.0, 2.0]], [[1.5, 2.0]], weights=[[2.0, 0.0]])
...     with tf.Session() as sess:
...         print(sess.run(loss), tf.get_collection(tf.GraphKeys.LOSSES) == [loss])
0.5 True
"""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import GraphKeys, Tensor, control_dependencies, name_scope
from ..nn.nn_ops import (
    relu,
    softmax_cross_entropy_with_logits_v2,
    sparse_softmax_cross_entropy_with_logits,
)
from ..nn.sampled_loss_ops import sigmoid_cross_entropy_with_logits
from ..ops.array_ops import cast, ones_like, rank, shape, size, squeeze, stop_gradient, zeros_like
from ..ops.control_flow_ops import no_op
from ..ops.indexing_ops import range as _range
from ..ops.indexing_ops import where
from ..ops.logging_ops import Assert
from ..ops.math_extra_ops import div_no_nan, logical_or, squared_difference
from ..ops.math_ops import abs as _abs
from ..ops.math_ops import equal, log, maximum, minimum, multiply, reduce_sum, square, subtract
from .util import add_loss

_PREFIX = "weights can not be broadcast to values."


class Reduction:
    """How a weighted loss is reduced (TF 1.x's ``tf.losses.Reduction``)."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple[str, ...]:
        return (
            cls.NONE,
            cls.SUM,
            cls.MEAN,
            cls.SUM_OVER_BATCH_SIZE,
            cls.SUM_OVER_NONZERO_WEIGHTS,
            cls.SUM_BY_NONZERO_WEIGHTS,
        )

    @classmethod
    def validate(cls, key: str) -> None:
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}. Key should be one of {cls.all()}.")


def assert_broadcastable(weights: Any, values: Any):
    """A no-op when the static shapes show that ``weights`` broadcasts to ``values`` (a scalar,
    or the same rank with each dimension 1 or the values'); ValueError when they show it does
    not; otherwise an op that raises InvalidArgumentError at run time."""
    with name_scope(None, "assert_broadcastable", [weights, values]):
        weights, values = convert_to_tensor(weights), convert_to_tensor(values)
        w_shape, v_shape = weights.get_shape(), values.get_shape()
        if w_shape.ndims is not None and v_shape.ndims is not None:
            if w_shape.ndims == 0:
                return no_op(name="static_scalar_check_success")
            if w_shape.ndims != v_shape.ndims:
                raise ValueError(
                    f"{_PREFIX} values.rank={v_shape.ndims}. weights.rank={w_shape.ndims}. "
                    f"values.shape={v_shape}. weights.shape={w_shape}. "
                    f"Received weights={weights}, values={values}"
                )
            if w_shape.is_fully_defined() and v_shape.is_fully_defined():
                ws, vs = w_shape.as_list(), v_shape.as_list()
                for i, (w, v) in enumerate(zip(ws, vs)):
                    if w not in (1, v):
                        raise ValueError(
                            f"{_PREFIX} Mismatch at dim {i}. values.shape={vs}, weights.shape="
                            f"{ws}. Received weights={weights}, values={values}"
                        )
                return no_op(name="static_dims_check_success")
        # Dynamic shapes: the ranks are checked at run time (a scalar, or the values' rank); the
        # dimensions then by the multiplication's own broadcasting (InvalidArgumentError).
        w_rank, v_rank = size(shape(weights)), size(shape(values))  # (ranks known when run)
        is_scalar = equal(0, w_rank, name="is_scalar")
        valid = logical_or(is_scalar, equal(w_rank, v_rank))
        return Assert(
            valid,
            [
                _PREFIX,
                "weights.shape=",
                weights.name,
                shape(weights),
                "values.shape=",
                values.name,
                shape(values),
                "is_scalar=",
                is_scalar,
            ],
            name="is_valid_shape",
        )


def _num_elements(losses: Tensor) -> Tensor:
    with name_scope(None, "num_elements", [losses]) as scope:
        return cast(size(losses, name=scope), losses.dtype)


def _broadcast_weights(weights: Tensor, values: Tensor) -> Tensor:
    with name_scope(None, "broadcast_weights", [weights, values]) as scope:
        w_shape, v_shape = weights.get_shape(), values.get_shape()
        if (
            w_shape.is_fully_defined()
            and v_shape.is_fully_defined()
            and w_shape.is_compatible_with(v_shape)
        ):
            return weights
        with control_dependencies([assert_broadcastable(weights, values)]):
            return multiply(weights, ones_like(values), name=scope)


def _num_present(losses: Tensor, weights: Any, per_batch: bool = False) -> Tensor:
    """The number of elements whose weight is not 0 (per batch entry with ``per_batch``)."""
    if isinstance(weights, float) and weights != 0.0:
        return _num_elements(losses)
    with name_scope(None, "num_present", [losses, weights]) as scope:
        weights = cast(weights, _dt.float32)
        present = where(equal(weights, 0.0), zeros_like(weights), ones_like(weights))
        present = _broadcast_weights(present, losses)
        if per_batch:
            return reduce_sum(present, axis=_range(1, rank(present)), keepdims=True, name=scope)
        return reduce_sum(present, name=scope)


def _safe_mean(losses: Tensor, num_present: Tensor) -> Tensor:
    return div_no_nan(reduce_sum(losses), num_present, name="value")


def compute_weighted_loss(
    losses: Any,
    weights: Any = 1.0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """``losses * weights`` reduced by ``reduction``, in the losses' dtype, added to
    ``loss_collection``."""
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", [losses, weights]):
        losses = convert_to_tensor(losses)
        with control_dependencies([assert_broadcastable(weights, losses)]):
            input_dtype = losses.dtype
            losses = cast(losses, _dt.float32)
            weights = cast(weights, _dt.float32)
            weighted = multiply(losses, weights)
            if reduction == Reduction.NONE:
                loss = weighted
            else:
                loss = reduce_sum(weighted)
                if reduction == Reduction.MEAN:
                    loss = _safe_mean(loss, reduce_sum(ones_like(losses) * weights))
                elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                    loss = _safe_mean(loss, _num_present(losses, weights))
                elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                    loss = _safe_mean(loss, _num_elements(losses))
            loss = cast(loss, input_dtype)
            add_loss(loss, loss_collection)
            return loss


def _floats(predictions: Any, labels: Any, what: str = "predictions") -> tuple[Tensor, Tensor]:
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if predictions is None:
        raise ValueError(f"Argument `{what}` must not be None.")
    predictions, labels = cast(predictions, _dt.float32), cast(labels, _dt.float32)
    predictions.get_shape().assert_is_compatible_with(labels.get_shape())
    return predictions, labels


def absolute_difference(
    labels,
    predictions,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """``|predictions - labels|``, weighted and reduced."""
    with name_scope(scope, "absolute_difference", [predictions, labels, weights]) as scope:
        predictions, labels = _floats(predictions, labels)
        losses = _abs(subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def cosine_distance(
    labels,
    predictions,
    axis=None,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
    dim=None,
):
    """``1 - sum(predictions * labels, axis)`` for unit-normalized inputs."""
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'")
        axis = dim
    if axis is None:
        raise ValueError("You must specify argument `axis`.")
    with name_scope(scope, "cosine_distance_loss", [predictions, labels, weights]) as scope:
        predictions, labels = _floats(predictions, labels)
        losses = 1 - reduce_sum(multiply(predictions, labels), axis=(axis,), keepdims=True)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def hinge_loss(
    labels,
    logits,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """``relu(1 - (2 * labels - 1) * logits)`` for 0/1 labels."""
    with name_scope(scope, "hinge_loss", [logits, labels, weights]) as scope:
        logits, labels = _floats(logits, labels, "logits")
        all_ones = ones_like(labels)
        labels = subtract(2 * labels, all_ones)
        losses = relu(subtract(all_ones, multiply(labels, logits)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def huber_loss(
    labels,
    predictions,
    weights=1.0,
    delta=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """Quadratic within ``delta`` of the labels, linear beyond."""
    with name_scope(scope, "huber_loss", [predictions, labels, weights]) as scope:
        predictions, labels = _floats(predictions, labels)
        abs_error = _abs(subtract(predictions, labels))
        quadratic = minimum(abs_error, delta)
        linear = subtract(abs_error, quadratic)
        losses = convert_to_tensor(0.5, dtype=quadratic.dtype) * (quadratic * quadratic) + multiply(
            delta, linear
        )
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def log_loss(
    labels,
    predictions,
    weights=1.0,
    epsilon=1e-7,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """The binary cross-entropy of probabilities, ``epsilon`` inside the logs."""
    with name_scope(scope, "log_loss", [predictions, labels, weights]) as scope:
        predictions, labels = _floats(predictions, labels)
        losses = -multiply(labels, log(predictions + epsilon)) - multiply(
            (1 - labels), log(1 - predictions + epsilon)
        )
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def mean_pairwise_squared_error(
    labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES
):
    """The mean of the squared differences between all pairs of elements of each batch entry
    (of predictions minus labels), weighted per batch entry and summed."""
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if predictions is None:
        raise ValueError("Argument `predictions` must not be None.")
    with name_scope(scope, "mean_pairwise_squared_error", [predictions, labels, weights]) as scope:
        weights = cast(weights, _dt.float32)
        labels = cast(labels, _dt.float32)
        with control_dependencies([assert_broadcastable(weights, labels)]):
            predictions = cast(predictions, _dt.float32)
            predictions.get_shape().assert_is_compatible_with(labels.get_shape())
            diffs = subtract(predictions, labels)
            axis = _range(1, rank(diffs))
            sum_sq = reduce_sum(square(diffs), axis=axis, keepdims=True)
            n = _num_present(diffs, weights, per_batch=True)
            term1 = 2.0 * div_no_nan(sum_sq, maximum(n - 1, 0), name="value")
            sum_diff = reduce_sum(diffs, axis=axis, keepdims=True)
            term2 = 2.0 * div_no_nan(square(sum_diff), maximum(multiply(n, n - 1), 0), name="value")
            loss = reduce_sum(multiply(term1 - term2, weights))
            mean_loss = where(reduce_sum(n) > 0, loss, zeros_like(loss), name="value")
            add_loss(mean_loss, loss_collection)
            return mean_loss


def mean_squared_error(
    labels,
    predictions,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """``(predictions - labels) ** 2``, weighted and reduced."""
    with name_scope(scope, "mean_squared_error", [predictions, labels, weights]) as scope:
        predictions, labels = _floats(predictions, labels)
        losses = squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def sigmoid_cross_entropy(
    multi_class_labels,
    logits,
    weights=1.0,
    label_smoothing=0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """Sigmoid cross-entropy of logits against 0/1 labels, optionally smoothed towards 1/2."""
    if multi_class_labels is None:
        raise ValueError("Argument `multi_class_labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    with name_scope(
        scope, "sigmoid_cross_entropy_loss", [logits, multi_class_labels, weights]
    ) as scope:
        logits = convert_to_tensor(logits)
        labels = cast(multi_class_labels, logits.dtype)
        logits.get_shape().assert_is_compatible_with(labels.get_shape())
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def softmax_cross_entropy(
    onehot_labels,
    logits,
    weights=1.0,
    label_smoothing=0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """Softmax cross-entropy against one-hot labels, optionally smoothed over the classes."""
    if onehot_labels is None:
        raise ValueError("Argument `onehot_labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    with name_scope(scope, "softmax_cross_entropy_loss", [logits, onehot_labels, weights]) as scope:
        logits = convert_to_tensor(logits)
        labels = cast(onehot_labels, logits.dtype)
        logits.get_shape().assert_is_compatible_with(labels.get_shape())
        if label_smoothing > 0:
            num_classes = cast(shape(labels)[-1], logits.dtype)
            labels = labels * (1.0 - label_smoothing) + label_smoothing / num_classes
        labels = stop_gradient(labels, name="labels_stop_gradient")
        losses = softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def _remove_squeezable_dimensions(labels, logits, weights):
    """Labels of the logits' rank with a last dimension of 1 lose it; weights one rank above the
    labels lose their last dimension (static ranks, as TF when they are known)."""
    labels, logits = convert_to_tensor(labels), convert_to_tensor(logits)
    l_shape, p_shape = labels.get_shape(), logits.get_shape()
    if l_shape.ndims is not None and p_shape.ndims is not None:
        diff = p_shape.ndims - l_shape.ndims
        if diff == 2 and p_shape.dims[-1].is_compatible_with(1):
            logits = squeeze(logits, [-1])
        elif diff == 0 and l_shape.dims[-1].is_compatible_with(1):
            labels = squeeze(labels, [-1])
    weights = convert_to_tensor(weights)
    l_rank, w_rank = labels.get_shape().ndims, weights.get_shape().ndims
    if l_rank is not None and w_rank is not None and w_rank - l_rank == 1:
        weights = squeeze(weights, [-1])
    return labels, logits, weights


def sparse_softmax_cross_entropy(
    labels,
    logits,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """Softmax cross-entropy against integer class ids."""
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    with name_scope(scope, "sparse_softmax_cross_entropy_loss", [logits, labels, weights]) as scope:
        labels, logits, weights = _remove_squeezable_dimensions(labels, logits, weights)
        losses = sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits, name="xentropy"
        )
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)
