"""Neural-network ops (``tf.nn``): relu, softmax, log_softmax, fused softmax cross-entropy,
l2_loss, bias_add, with their gradients."""

from __future__ import annotations

from . import dtypes as _dt
from .array_ops import reshape, stop_gradient, transpose
from .graph import convert_to_tensor, name_scope, shape_error
from .math_ops import add, exp, reduce_sum, sigmoid, square, tanh  # noqa: F401 - re-exported
from .op_util import (
    FLOATS,
    NUMERIC,
    check_dtype_in,
    check_same_dtype,
    make_op,
    make_tensor,
    same_shape,
    to_tensors,
)
from .registry import RegisterGradient, register_op
from .tensor_shape import TensorShape

# ---- Relu ----------------------------------------------------------------------------------------
register_op("Relu", same_shape, "relu")
register_op("ReluGrad", same_shape, "relu_grad")


def relu(features, name=None):
    """``max(features, 0)`` elementwise: ``out = tf.nn.relu(y)``."""
    x = convert_to_tensor(features)
    check_dtype_in("Relu", x, NUMERIC, "features")
    return make_tensor("Relu", [x], x.dtype, None, name or "Relu")


@RegisterGradient("Relu")
def _relu_grad(op, grad):
    # d relu(x) = dx where relu(x) > 0
    return [make_tensor("ReluGrad", [grad, op.outputs[0]], grad.dtype, None, "ReluGrad")]


@RegisterGradient("ReluGrad")
def _relu_grad_grad(op, grad):
    # ReluGrad(g, y) = g where y > 0: linear in g, piecewise constant in y (as TF)
    y = op.inputs[1]
    from .array_ops import zeros_like

    return [make_tensor("ReluGrad", [grad, y], grad.dtype, None, "ReluGrad"), zeros_like(y)]


# ---- Softmax, LogSoftmax -------------------------------------------------------------------------
def _softmax_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    if s.ndims == 0:
        raise shape_error(op.type, op.name, "Shape must be at least rank 1 but is rank 0", [s])
    return [s]


register_op("Softmax", _softmax_shape, "softmax")
register_op("LogSoftmax", _softmax_shape, "log_softmax")


@RegisterGradient("Softmax")
def _softmax_grad(op, grad):
    y = op.outputs[0]  # dx = (g - sum(g * y, -1)) * y
    return [(grad - reduce_sum(grad * y, -1, keepdims=True)) * y]


@RegisterGradient("LogSoftmax")
def _log_softmax_grad(op, grad):
    y = op.outputs[0]  # dx = g - exp(y) * sum(g, -1)
    return [grad - exp(y) * reduce_sum(grad, -1, keepdims=True)]


def _last_axis_op(op_type, logits, axis, name):
    x = convert_to_tensor(logits)
    check_dtype_in(op_type, x, FLOATS, "logits")
    r = x.shape.ndims
    if axis is None or axis == -1 or (r is not None and axis == r - 1):
        return make_tensor(op_type, [x], x.dtype, None, name or op_type)
    if r is None:
        raise ValueError(f"{op_type} over axis {axis} needs a tensor of known rank")
    a = axis % r
    perm = list(range(r))
    perm[a], perm[-1] = perm[-1], perm[a]
    with name_scope(name, op_type, [x]):
        return transpose(make_tensor(op_type, [transpose(x, perm)], x.dtype, None, op_type), perm)


def softmax(logits, axis=None, name=None, dim=None):
    """``exp(x) / sum(exp(x))`` along ``axis`` (default: the last); outputs sum to 1."""
    return _last_axis_op("Softmax", logits, dim if axis is None else axis, name)


def log_softmax(logits, axis=None, name=None, dim=None):
    return _last_axis_op("LogSoftmax", logits, dim if axis is None else axis, name)


# ---- SoftmaxCrossEntropyWithLogits ---------------------------------------------------------------
def _xent_shape(op, in_shapes, value_of):
    a, b = in_shapes
    for s in (a, b):
        if s.ndims is not None and s.ndims != 2:
            raise shape_error(
                op.type, op.name, f"Shape must be rank 2 but is rank {s.ndims}", in_shapes
            )
    if not a.is_compatible_with(b):
        raise shape_error(op.type, op.name, "logits and labels must be same size", in_shapes)
    s = a.merge_with(b)
    n = s.as_list()[0] if s.ndims is not None else None
    return [TensorShape([n]), s if s.ndims is not None else TensorShape([None, None])]


register_op("SoftmaxCrossEntropyWithLogits", _xent_shape, "softmax_xent")


@RegisterGradient("SoftmaxCrossEntropyWithLogits")
def _xent_grad(op, grad_loss, grad_backprop):
    # d loss / d logits = softmax(logits) - labels (the op's second output, for labels that sum
    # to 1, as TF); d loss / d labels = -log_softmax(logits). The second output, backprop, gets a
    # gradient in second derivatives: d backprop / d logits = the softmax Jacobian, and
    # d backprop / d labels = -1.
    logits = op.inputs[0]
    d_logits = d_labels = None
    if grad_loss is not None:
        g = reshape(grad_loss, [-1, 1])
        d_logits, d_labels = g * op.outputs[1], g * -log_softmax(logits)
    if grad_backprop is not None:
        sm = softmax(logits)
        jvp = (grad_backprop - reduce_sum(grad_backprop * sm, -1, keepdims=True)) * sm
        d_logits = jvp if d_logits is None else d_logits + jvp
        d_labels = -grad_backprop if d_labels is None else d_labels - grad_backprop
    return [d_logits, d_labels]


def _xent(logits, labels, axis, name):
    """The fused op over ``axis`` of logits of any rank >= 1 (flattened to 2-D around it)."""
    op_type = "SoftmaxCrossEntropyWithLogits"
    logits, labels = to_tensors([logits, labels])
    check_same_dtype(op_type, [logits, labels], ("features", "labels"))
    check_dtype_in(op_type, logits, FLOATS, "features")
    r = logits.shape.ndims
    if r is not None and axis not in (-1, r - 1):
        perm = list(range(r))
        perm[axis], perm[-1] = perm[-1], perm[axis]
        logits, labels = transpose(logits, perm), transpose(labels, perm)
    if r is None or r == 2:
        return make_op(
            op_type, [logits, labels], [logits.dtype] * 2, None, name or op_type
        ).outputs[0]
    shp = logits.shape.as_list()
    if r == 0 or shp[-1] is None:
        raise ValueError(f"logits must have rank >= 1 and a known last dimension, got {shp}")
    flat_l = reshape(logits, [-1, shp[-1]])
    flat_y = reshape(labels, [-1, shp[-1]])
    loss = make_op(op_type, [flat_l, flat_y], [logits.dtype] * 2, None, op_type).outputs[0]
    if None in shp[:-1]:
        # Unknown leading dims: the shape of a last-axis reduction of the logits, known when
        # the plan is compiled (the reduction itself never runs).
        from .array_ops import shape as _shape

        return reshape(loss, _shape(reduce_sum(logits, -1)), name=name)
    return reshape(loss, shp[:-1], name=name)


def softmax_cross_entropy_with_logits(
    logits=None, labels=None, dim=-1, name=None, axis=None, _sentinel=None
):
    """Softmax cross-entropy per row: ``-sum(labels * log_softmax(logits))``.

    Takes the deck's positional ``(logits, labels)`` as well as keywords. As TF 1.x's version,
    no gradient flows into ``labels``.
    """
    if logits is None or labels is None:
        raise ValueError("Both labels and logits must be provided.")
    logits, labels = to_tensors([logits, labels])
    # As TF: the op is named `name` exactly, and its helpers live in that scope.
    with name_scope(name, "softmax_cross_entropy_with_logits_sg", [logits, labels]) as scope:
        labels = stop_gradient(labels, name="labels_stop_gradient")
        return _xent(logits, labels, dim if axis is None else axis, scope)


def softmax_cross_entropy_with_logits_v2(labels=None, logits=None, axis=-1, name=None, dim=None):
    """TF 1.x's v2: gradients also flow into ``labels``."""
    if logits is None or labels is None:
        raise ValueError("Both labels and logits must be provided.")
    return _xent(logits, labels, axis if dim is None else dim, name)


# ---- composites ----------------------------------------------------------------------------------
def l2_loss(t, name=None):
    """``sum(t ** 2) / 2``."""
    x = convert_to_tensor(t)
    with name_scope(name, "L2Loss", [x]):
        return reduce_sum(square(x)) * 0.5


def bias_add(value, bias, data_format=None, name=None):
    """``value + bias``, ``bias`` 1-D over the channel dimension: the last one ("NHWC", the
    default), or dimension 1 ("NCHW"); its size must equal the channel dimension's."""
    v, b = to_tensors([value, bias])
    if data_format not in (None, "NHWC", "NCHW", "N..C", "NC.."):
        raise ValueError(f"data_format must be NHWC or NCHW, got {data_format!r}")
    channels_first = data_format in ("NCHW", "NC..")
    shapes = [v.shape, b.shape]
    op_name = name or "BiasAdd"
    if b.shape.ndims not in (None, 1):
        raise shape_error(
            "BiasAdd", op_name, f"Shape must be rank 1 but is rank {b.shape.ndims}", shapes
        )
    r = v.shape.ndims
    if r is not None and r < 2:
        raise shape_error(
            "BiasAdd", op_name, f"Shape must be at least rank 2 but is rank {r}", shapes
        )
    if r is not None and b.shape.ndims is not None:
        c, n = v.shape[1 if channels_first else -1], b.shape[0]
        if not c.is_compatible_with(n):
            raise shape_error(
                "BiasAdd", op_name, f"Dimensions must be equal, but are {c} and {n}", shapes
            )
    if not channels_first:
        return add(v, b, name=op_name)
    if r is None:
        raise ValueError("bias_add with data_format NCHW needs a value of known rank")
    with name_scope(name, "BiasAdd", [v, b]) as scope:
        return add(v, reshape(b, [-1] + [1] * (r - 2)), name=scope)


__all__ = [
    "relu",
    "softmax",
    "log_softmax",
    "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_v2",
    "l2_loss",
    "bias_add",
    "sigmoid",
    "tanh",
]
_ = _dt
