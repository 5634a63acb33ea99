"""The pieces every streaming metric shares, as TF 1.x's ``ops/metrics_impl.py`` helpers:
``metric_variable`` (a zero-initialised, non-trainable variable in LOCAL_VARIABLES and
METRIC_VARIABLES), the squeezing of a trailing size-1 dimension from labels, predictions and
weights, TF's weight broadcasting rule (a scalar, or the values' rank with each dimension 1 or
the values') and the streaming confusion matrix of ``mean_iou``.

>>> import tflite_core as tf
>>> with tf.Graph().as_default():
...     v = metric_variable([2], tf.float32, name="total")
...     print(v.name, tf.get_collection(tf.GraphKeys.METRIC_VARIABLES) == [v])
total:0 True
"""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import GraphKeys, Tensor, add_to_collection, constant_value, name_scope
from ..framework.graph import control_dependencies as _control_dependencies
from ..framework.tensor_shape import TensorShape
from ..ops.array_ops import (
    cast,
    concat,
    expand_dims,
    fill,
    ones_like,
    reshape,
    shape,
    size,
    squeeze,
    zeros,
)
from ..ops.check_ops import assert_less, assert_non_negative
from ..ops.control_flow_ops import no_op
from ..ops.indexing_ops import unsorted_segment_sum
from ..ops.logging_ops import Assert
from ..ops.math_extra_ops import logical_and, logical_or, reduce_all
from ..ops.math_ops import equal, multiply, not_equal
from ..ops.slicing_ops import slice as slice_
from ..ops.variables import (
    Variable,
    VariableAggregation,
    VariableSynchronization,
    assign_add,
)

_PREFIX = "weights can not be broadcast to values."


def _rank(x: Tensor) -> Tensor:
    """The rank of ``x`` as a scalar int32 tensor (known when run, even for an unknown rank)."""
    return size(shape(x), name="rank")


def metric_variable(shape_: Any, dtype: Any, validate_shape: bool = True, name: str | None = None):
    """A non-trainable variable of zeros in the LOCAL_VARIABLES and METRIC_VARIABLES
    collections (so ``tf.local_variables_initializer()`` resets the metric). A shape with
    unknown dimensions is TF's ValueError."""
    if isinstance(shape_, TensorShape) and not shape_.is_fully_defined():
        raise ValueError(f"Cannot convert a partially known TensorShape {shape_} to a Tensor.")
    return Variable(
        lambda: zeros(shape_, dtype),
        trainable=False,
        collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
        validate_shape=validate_shape,
        synchronization=VariableSynchronization.ON_READ,
        aggregation=VariableAggregation.SUM,
        name=name,
    )


def add_to_collections(names: Any, value: Any) -> None:
    """Adds ``value`` to each collection of ``names`` (nothing for None or empty)."""
    if not names:
        return
    for n in [names] if isinstance(names, str) else list(dict.fromkeys(names)):
        add_to_collection(n, value)


def remove_squeezable_dimensions(labels: Any, predictions: Any, expected_rank_diff: int = 0):
    """Squeezes the last dimension of ``predictions`` (or ``labels``) when it is 1 and their
    ranks differ by one more (or less) than ``expected_rank_diff``, as TF's
    ``confusion_matrix.remove_squeezable_dimensions``."""
    with name_scope(None, "remove_squeezable_dimensions", [labels, predictions]):
        predictions = convert_to_tensor(predictions)
        labels = convert_to_tensor(labels)
        p_shape, l_shape = predictions.get_shape(), labels.get_shape()
        p_rank, l_rank = p_shape.ndims, l_shape.ndims
        if p_rank is not None and l_rank is not None:
            diff = p_rank - l_rank
            if diff == expected_rank_diff + 1 and p_shape.dims[-1].is_compatible_with(1):
                predictions = squeeze(predictions, [-1])
            elif diff == expected_rank_diff - 1 and l_shape.dims[-1].is_compatible_with(1):
                labels = squeeze(labels, [-1])
            return labels, predictions
        # ranks known only when run: TF's conds, as reshapes (tflite_core compiles both branches
        # of a cond, and a Squeeze of the branch not taken may not fit the fed shapes)
        rank_diff = _rank(predictions) - _rank(labels)
        if p_rank is None or p_shape.dims[-1].is_compatible_with(1):
            predictions = _drop_last_dim_if(predictions, equal(expected_rank_diff + 1, rank_diff))
        if l_rank is None or l_shape.dims[-1].is_compatible_with(1):
            labels = _drop_last_dim_if(labels, equal(expected_rank_diff - 1, rank_diff))
        return labels, predictions


def _drop_last_dim_if(x: Tensor, flag: Tensor) -> Tensor:
    """``squeeze(x, [-1])`` where the scalar bool ``flag`` holds when run, else ``x`` (a size
    mismatch is InvalidArgumentError, as TF's Squeeze of a dimension that is not 1)."""
    dims = shape(x)
    keep = size(dims) - cast(flag, _dt.int32)
    return reshape(x, slice_(dims, [0], reshape(keep, [1])))


def _add_last_dim_if(x: Tensor, flag: Tensor) -> Tensor:
    """``expand_dims(x, -1)`` where the scalar bool ``flag`` holds when run, else ``x``."""
    ones_ = fill(reshape(cast(flag, _dt.int32), [1]), 1)
    return reshape(x, concat([shape(x), ones_], 0))


def squeeze_or_expand(predictions: Any, labels: Any, weights: Any):
    """TF's ``_remove_squeezable_dimensions``: squeezes a size-1 last dimension from
    ``predictions`` or ``labels`` when their ranks differ by one, then squeezes or expands the
    last dimension of ``weights`` (a scalar stays a scalar) to match the predictions' rank."""
    predictions = convert_to_tensor(predictions)
    if labels is not None:
        labels, predictions = remove_squeezable_dimensions(labels, predictions)
        predictions.get_shape().assert_is_compatible_with(labels.get_shape())
    if weights is None:
        return predictions, labels, None
    weights = convert_to_tensor(weights)
    w_rank = weights.get_shape().ndims
    if w_rank == 0:
        return predictions, labels, weights
    p_rank = predictions.get_shape().ndims
    if p_rank is not None and w_rank is not None:
        if w_rank - p_rank == 1:
            weights = squeeze(weights, [-1])
        elif p_rank - w_rank == 1:
            weights = expand_dims(weights, [-1])
        return predictions, labels, weights
    w_rank_t = _rank(weights)
    diff = w_rank_t - _rank(predictions)
    nonscalar = not_equal(w_rank_t, 0)
    if w_rank is None or weights.get_shape().dims[-1].is_compatible_with(1):
        weights = _drop_last_dim_if(weights, logical_and(nonscalar, equal(diff, 1)))
    weights = _add_last_dim_if(weights, logical_and(nonscalar, equal(diff, -1)))
    return predictions, labels, weights


def assert_broadcastable(weights: Any, values: Any, static: bool = True):
    """TF's ``weights_broadcast_ops.assert_broadcastable``: a no-op when the static shapes show
    that ``weights`` broadcasts to ``values``, ValueError when they show it does not, otherwise
    an Assert op (InvalidArgumentError at run time). With ``static=False`` the check is always
    the run-time one (for values whose shape TF does not know when building, as the sizes of
    its set operations)."""
    with name_scope(None, "assert_broadcastable", [weights, values]) as scope:
        with name_scope(None, "weights", [weights]) as w_scope:
            weights = convert_to_tensor(weights, name=w_scope)
            w_shape = shape(weights, name="shape")
            w_rank = _rank(weights)
        with name_scope(None, "values", [values]) as v_scope:
            values = convert_to_tensor(values, name=v_scope)
            v_shape = shape(values, name="shape")
            v_rank = _rank(values)
        ws, vs = weights.get_shape(), values.get_shape()
        if not static and ws.ndims == 0:
            return no_op(name="static_scalar_check_success")
        if static and ws.ndims is not None and vs.ndims is not None:
            if ws.ndims == 0:
                return no_op(name="static_scalar_check_success")
            if ws.ndims != vs.ndims:
                raise ValueError(
                    f"{_PREFIX} values.rank={vs.ndims}. weights.rank={ws.ndims}. "
                    f"values.shape={vs}. weights.shape={ws}. "
                    f"Received weights={weights}, values={values}"
                )
            w_static, v_static = constant_value(w_shape), constant_value(v_shape)
            if w_static is not None and v_static is not None:
                wl, vl = [int(d) for d in w_static], [int(d) for d in v_static]
                for i, (w, v) in enumerate(zip(wl, vl)):
                    if w not in (1, v):
                        raise ValueError(
                            f"{_PREFIX} Mismatch at dim {i}. values.shape={v_static}, "
                            f"weights.shape={w_static}. Received weights={weights}, "
                            f"values={values}"
                        )
                return no_op(name="static_dims_check_success")
        is_scalar = equal(0, w_rank, name="is_scalar")
        data = [
            _PREFIX,
            "weights.shape=",
            weights.name,
            w_shape,
            "values.shape=",
            values.name,
            v_shape,
            "is_scalar=",
            is_scalar,
        ]

        # (without conds: the dimensions are compared against the values' shape cut or padded
        # to the weights' rank, which counts only when the ranks are equal)
        same_rank = equal(v_rank, w_rank, name="is_same_rank")
        v_cut = slice_(concat([v_shape, w_shape], 0), [0], reshape(w_rank, [1]))
        dims_ok = reduce_all(logical_or(equal(w_shape, v_cut), equal(w_shape, 1)))
        valid = logical_or(is_scalar, logical_and(same_rank, dims_ok), name="is_valid_shape")
        return Assert(valid, data, name=scope)


def broadcast_weights(weights: Any, values: Any) -> Tensor:
    """``weights`` broadcast to the shape of ``values`` (after TF's broadcastability check)."""
    with name_scope(None, "broadcast_weights", [weights, values]) as scope:
        values = convert_to_tensor(values, name="values")
        weights = convert_to_tensor(weights, dtype=values.dtype.base_dtype, name="weights")
        ws, vs = weights.get_shape(), values.get_shape()
        if ws.is_fully_defined() and vs.is_fully_defined() and ws.is_compatible_with(vs):
            return weights
        with _control_dependencies([assert_broadcastable(weights, values)]):
            return multiply(weights, ones_like(values), name=scope)


def streaming_confusion_matrix(labels: Any, predictions: Any, num_classes: int, weights: Any):
    """A float64 ``[num_classes, num_classes]`` metric variable ``total_confusion_matrix`` and
    the op adding this batch's confusion matrix (rows: labels, columns: predictions) to it.
    Negative or out-of-range ids raise InvalidArgumentError at run time, as TF's."""
    total_cm = metric_variable(
        [num_classes, num_classes], _dt.float64, name="total_confusion_matrix"
    )
    predictions = cast(predictions, _dt.int64)
    labels = cast(labels, _dt.int64)
    if predictions.get_shape().ndims > 1:
        predictions = reshape(predictions, [-1])
    if labels.get_shape().ndims > 1:
        labels = reshape(labels, [-1])
    if weights is not None and weights.get_shape().ndims > 1:
        weights = reshape(weights, [-1])
    with name_scope(None, "confusion_matrix", [predictions, labels, weights]):
        labels, predictions = remove_squeezable_dimensions(labels, predictions)
        n = cast(num_classes, _dt.int64)
        checks = [
            assert_non_negative(labels, message="`labels` contains negative values"),
            assert_non_negative(predictions, message="`predictions` contains negative values"),
            assert_less(labels, n, message="`labels` out of bound"),
            assert_less(predictions, n, message="`predictions` out of bound"),
        ]
        if weights is not None:
            weights = convert_to_tensor(weights, name="weights")
            predictions.get_shape().assert_is_compatible_with(weights.get_shape())
            w = cast(weights, _dt.float64)
        else:
            w = ones_like(predictions, _dt.float64)
        with _control_dependencies(checks):
            flat = unsorted_segment_sum(w, labels * n + predictions, n * n)
        current = reshape(flat, [num_classes, num_classes])
    return total_cm, assign_add(total_cm, current)
