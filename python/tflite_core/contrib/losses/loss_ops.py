"""``tf.contrib.losses`` (also ``tf.contrib.slim.losses``): TF 1.x's first loss functions
(``contrib/losses/python/losses/loss_ops.py``), which ``tf.losses`` replaced with the argument
order changed: here ``predictions``/``logits`` come first (``softmax_cross_entropy(logits,
onehot_labels)``, ``mean_squared_error(predictions, labels)``).

``compute_weighted_loss(losses, weights)``: ``weights`` (a scalar, or ``[batch, d1, .. dK]``
aligned with the leading dimensions of ``losses``; a trailing dimension of 1 is dropped) scales
the losses summed over the remaining dimensions; the total is divided by the number of
elements the non-zero weights cover (0 when none), and added to the LOSSES collection.
``hinge_loss`` returns the unreduced element losses, as TF 1.x's.
"""

from __future__ import annotations

from typing import Any

from ...framework import dtypes as _dt
from ...framework.constant_op import convert_to_tensor
from ...framework.graph import GraphKeys, add_to_collection, get_collection, name_scope
from ...nn.nn_ops import (
    relu,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
)
from ...nn.sampled_loss_ops import sigmoid_cross_entropy_with_logits
from ...ops.array_ops import cast, ones, ones_like, reshape, shape, size, squeeze, zeros_like
from ...ops.indexing_ops import where
from ...ops.math_ops import (
    abs as _abs,
)
from ...ops.math_ops import (
    add_n,
    equal,
    greater,
    log,
    multiply,
    not_equal,
    reduce_prod,
    reduce_sum,
    square,
    subtract,
)
from ..framework.arg_scope import add_arg_scope


def _to_float(x):
    return cast(x, _dt.float32)


def _scale_losses(losses, weights):
    start = max(0, weights.get_shape().ndims)
    reduced = reduce_sum(losses, list(range(start, losses.get_shape().ndims)))
    return reduce_sum(multiply(reduced, weights))


def _safe_div(numerator, denominator, name="value"):
    safe = where(equal(denominator, 0), ones_like(denominator), denominator)
    return where(greater(denominator, 0), numerator / safe, zeros_like(numerator), name=name)


def _num_present(losses, weights, per_batch=False):
    if weights.get_shape().ndims == 0:
        batch_size = reshape(shape(losses)[:1], [])
        per = _to_float(size(losses)) / _to_float(batch_size)
        per = where(equal(weights, 0), 0.0, per)
        per = multiply(ones(reshape(batch_size, [1])), per)
        return per if per_batch else reduce_sum(per)
    nonzero = reduce_sum(
        _to_float(not_equal(weights, 0)), list(range(1, weights.get_shape().ndims))
    )
    broadcast = _to_float(reduce_prod(shape(losses)[weights.get_shape().ndims :]))
    per = multiply(nonzero, broadcast)
    return per if per_batch else reduce_sum(per)


@add_arg_scope
def add_loss(loss: Any, loss_collection: str = GraphKeys.LOSSES) -> None:
    """Adds ``loss`` to ``loss_collection``."""
    if loss_collection:
        add_to_collection(loss_collection, loss)


def get_losses(scope: str | None = None, loss_collection: str = GraphKeys.LOSSES) -> list:
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope: str | None = None) -> list:
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_total_loss(add_regularization_losses: bool = True, name: str = "total_loss"):
    """``add_n`` of the losses (and the regularization losses)."""
    losses = get_losses()
    if add_regularization_losses:
        losses += get_regularization_losses()
    return add_n(losses, name=name)


def compute_weighted_loss(losses: Any, weights: Any = 1.0, scope: str | None = None):
    """The weighted mean over the present elements (see the module doc); ValueError for an
    unknown rank of ``losses`` or ``weights``."""
    with name_scope(scope, "weighted_loss", [losses, weights]):
        losses = convert_to_tensor(losses)
        input_dtype = losses.dtype
        losses = _to_float(losses)
        weights = _to_float(convert_to_tensor(weights))
        if losses.get_shape().ndims is None:
            raise ValueError("losses.get_shape().ndims cannot be None")
        wshape = weights.get_shape()
        if wshape.ndims is None:
            raise ValueError("weights.get_shape().ndims cannot be None")
        if wshape.ndims > 1 and wshape.dims[-1].is_compatible_with(1):
            weights = squeeze(weights, [-1])
        total = _scale_losses(losses, weights)
        mean = _safe_div(reduce_sum(total), _num_present(losses, weights))
        mean = cast(mean, input_dtype)
        add_loss(mean)
        return mean


def _pair(predictions, labels):
    predictions, labels = convert_to_tensor(predictions), convert_to_tensor(labels)
    predictions.get_shape().assert_is_compatible_with(labels.get_shape())
    return _to_float(predictions), _to_float(labels)


def absolute_difference(predictions, labels=None, weights=1.0, scope=None):
    """``compute_weighted_loss(|predictions - labels|, weights)``."""
    with name_scope(scope, "absolute_difference", [predictions, labels, weights]) as sc:
        p, y = _pair(predictions, labels)
        return compute_weighted_loss(_abs(subtract(p, y)), weights, scope=sc)


def mean_squared_error(predictions, labels=None, weights=1.0, scope=None):
    """``compute_weighted_loss((predictions - labels) ** 2, weights)``."""
    with name_scope(scope, "mean_squared_error", [predictions, labels, weights]) as sc:
        p, y = _pair(predictions, labels)
        return compute_weighted_loss(square(subtract(p, y)), weights, scope=sc)


def log_loss(predictions, labels=None, weights=1.0, epsilon=1e-7, scope=None):
    """``-y log(p + eps) - (1 - y) log(1 - p + eps)``, weighted."""
    with name_scope(scope, "log_loss", [predictions, labels, weights]) as sc:
        p, y = _pair(predictions, labels)
        losses = -multiply(y, log(p + epsilon)) - multiply(1 - y, log(1 - p + epsilon))
        return compute_weighted_loss(losses, weights, scope=sc)


def sigmoid_cross_entropy(logits, multi_class_labels, weights=1.0, label_smoothing=0, scope=None):
    """Sigmoid cross-entropy of ``logits`` (labels smoothed towards 1/2), weighted."""
    with name_scope(
        scope, "sigmoid_cross_entropy_loss", [logits, multi_class_labels, weights]
    ) as sc:
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(multi_class_labels)
        logits.get_shape().assert_is_compatible_with(labels.get_shape())
        labels = cast(labels, logits.dtype)
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope=sc)


def softmax_cross_entropy(logits, onehot_labels, weights=1.0, label_smoothing=0, scope=None):
    """Softmax cross-entropy of ``logits`` against one-hot labels (smoothed towards
    1/num_classes), weighted."""
    with name_scope(scope, "softmax_cross_entropy_loss", [logits, onehot_labels, weights]) as sc:
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(onehot_labels)
        logits.get_shape().assert_is_compatible_with(labels.get_shape())
        labels = cast(labels, logits.dtype)
        if label_smoothing > 0:
            num_classes = cast(shape(labels)[1], logits.dtype)
            labels = labels * (1.0 - label_smoothing) + label_smoothing / num_classes
        losses = softmax_cross_entropy_with_logits(labels=labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope=sc)


def sparse_softmax_cross_entropy(logits, labels, weights=1.0, scope=None):
    """Softmax cross-entropy of ``logits`` against int labels ``[batch]`` or ``[batch, 1]``,
    weighted."""
    with name_scope(scope, "sparse_softmax_cross_entropy_loss", [logits, labels, weights]) as sc:
        labels = convert_to_tensor(labels)
        labels = reshape(labels, [shape(labels)[0]])
        losses = sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits, name="xentropy"
        )
        return compute_weighted_loss(losses, weights, scope=sc)


def hinge_loss(logits, labels=None, scope=None):
    """The unreduced hinge losses ``relu(1 - (2 * labels - 1) * logits)``."""
    with name_scope(scope, "hinge_loss", [logits, labels]):
        logits, labels = convert_to_tensor(logits), convert_to_tensor(labels)
        logits.get_shape().assert_is_compatible_with(labels.get_shape())
        labels = _to_float(labels)
        all_ones = ones_like(labels)
        labels = subtract(2 * labels, all_ones)
        return relu(subtract(all_ones, multiply(labels, logits)))


def mean_pairwise_squared_error(predictions, labels=None, weights=1.0, scope=None):
    """The mean over pairs of elements (within each example) of the squared difference of
    their differences, weighted per example."""
    with name_scope(scope, "mean_pairwise_squared_error", [predictions, labels, weights]):
        p, y = _pair(predictions, labels)
        weights = _to_float(convert_to_tensor(weights))
        diffs = subtract(p, y)
        rank = diffs.get_shape().ndims
        if rank is None:
            raise ValueError("diffs.get_shape().ndims cannot be None")
        if weights.get_shape().ndims is None:
            raise ValueError("weights.get_shape().ndims cannot be None")
        axes = list(range(1, rank))
        present = _num_present(diffs, weights, per_batch=True)
        term1 = 2.0 * _safe_div(reduce_sum(square(diffs), axes), present)
        term2 = 2.0 * _safe_div(square(reduce_sum(diffs, axes)), square(present))
        loss = _scale_losses(term1 - term2, weights)
        mean = where(reduce_sum(present) > 0, loss, zeros_like(loss), name="value")
        add_loss(mean)
        return mean


def cosine_distance(predictions, labels=None, axis=None, weights=1.0, scope=None, dim=None):
    """``1 - sum(predictions * labels, axis)`` (unit-normalised inputs), weighted;
    ValueError without ``axis`` (or the old ``dim``)."""
    if axis is None:
        axis = dim
    elif dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    with name_scope(scope, "cosine_distance_loss", [predictions, labels, weights]) as sc:
        p, y = _pair(predictions, labels)
        losses = 1 - reduce_sum(multiply(p, y), [axis])
        return compute_weighted_loss(losses, weights, scope=sc)
