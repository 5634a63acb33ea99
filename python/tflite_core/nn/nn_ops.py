"""Neural-network ops (``tf.nn``): activations (relu, relu6, elu, softplus), softmax and
log_softmax, the softmax cross-entropies (dense and sparse labels), l2_loss, bias_add, dropout,
top_k and in_top_k, each op type with its gradient beside it.

>>> logits = tf.constant([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
>>> loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1], logits=logits)
>>> loss.shape.as_list(), loss.op.type
([2], 'SparseSoftmaxCrossEntropyWithLogits')
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, constant_value, name_scope, shape_error
from ..framework.op_util import (
    FLOATS,
    NUMERIC,
    check_dtype_in,
    check_same_dtype,
    make_op,
    make_tensor,
    same_shape,
    to_tensors,
)
from ..framework.registry import NotDifferentiable, RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from ..ops.array_ops import (
    reshape,
    shape,
    stop_gradient,
    transpose,
    zeros_like,
)
from ..ops.indexing_ops import INDEX_DTYPES, num_elements, select, unsorted_segment_sum
from ..ops.indexing_ops import range as _range
from ..ops.math_ops import (
    abs,
    add,
    divide,
    exp,
    floor,
    greater,
    log,
    maximum,
    minimum,
    multiply,
    negative,
    reduce_sum,
    square,
    subtract,
)
from ..ops.random_ops import random_uniform

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        AxisLike,
        ShapeTensorLike,
        TensorLike,
    )

# ---- Relu ----------------------------------------------------------------------------------------
register_op("Relu", same_shape, "relu", inplace=0)
register_op("ReluGrad", same_shape, "relu_grad", inplace=0)


def relu(features: TensorLike, name: str | None = None) -> Tensor:
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


def softmax(
    logits: TensorLike,
    axis: AxisLike | None = None,
    name: str | None = None,
    dim: AxisLike | None = None,
) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis`` (default: the last); outputs sum to 1."""
    return _last_axis_op("Softmax", logits, dim if axis is None else axis, name)


def log_softmax(
    logits: TensorLike,
    axis: AxisLike | None = None,
    name: str | None = None,
    dim: AxisLike | None = None,
) -> Tensor:
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
        return reshape(loss, shape(reduce_sum(logits, -1)), name=name)
    return reshape(loss, shp[:-1], name=name)


def softmax_cross_entropy_with_logits(
    logits: TensorLike | None = None,
    labels: TensorLike | None = None,
    dim: AxisLike = -1,
    name: str | None = None,
    axis: AxisLike | None = None,
    _sentinel: Any = None,
) -> Tensor:
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


def softmax_cross_entropy_with_logits_v2(
    labels: TensorLike | None = None,
    logits: TensorLike | None = None,
    axis: AxisLike = -1,
    name: str | None = None,
    dim: AxisLike | None = None,
) -> Tensor:
    """TF 1.x's v2: gradients also flow into ``labels``."""
    if logits is None or labels is None:
        raise ValueError("Both labels and logits must be provided.")
    return _xent(logits, labels, axis if dim is None else dim, name)


# ---- composites ----------------------------------------------------------------------------------
def l2_loss(t: TensorLike, name: str | None = None) -> Tensor:
    """``sum(t ** 2) / 2``."""
    x = convert_to_tensor(t)
    with name_scope(name, "L2Loss", [x]):
        return reduce_sum(square(x)) * 0.5


def bias_add(
    value: TensorLike, bias: TensorLike, data_format: str | None = None, name: str | None = None
) -> Tensor:
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


# ---- activations (composites) --------------------------------------------------------------------
def relu6(features: TensorLike, name: str | None = None) -> Tensor:
    """``min(max(features, 0), 6)``; as TF, the gradient is 0 at 0 and at 6."""
    x = convert_to_tensor(features)
    check_dtype_in("Relu6", x, NUMERIC, "features")
    with name_scope(name, "Relu6", [x]) as scope:
        six = constant(6, dtype=x.dtype, name="six")
        return minimum(six, relu(x), name=scope)  # ties go to `six`: no gradient at 6


def elu(features: TensorLike, name: str | None = None) -> Tensor:
    """``features`` where positive, else ``exp(features) - 1``."""
    x = convert_to_tensor(features)
    check_dtype_in("Elu", x, FLOATS, "features")
    with name_scope(name, "Elu", [x]) as scope:
        zero = constant(0, dtype=x.dtype)
        # exp of min(x, 0): the unselected branch stays finite, so its zero gradient is too
        neg = subtract(exp(minimum(x, zero)), constant(1, dtype=x.dtype))
        return select(greater(x, zero), x, neg, scope)


def softplus(features: TensorLike, name: str | None = None) -> Tensor:
    """``log(1 + exp(features))``, accurate for large and very negative inputs.

    Computed as ``max(x, 0) + log1p(exp(-|x|))`` (``log1p`` with the rounding of ``1 + z``
    corrected); the ``max`` is half ``relu`` and half ``maximum``, so the gradient at 0 is
    sigmoid(0) = 0.5 as in TF.
    """
    x = convert_to_tensor(features)
    check_dtype_in("Softplus", x, FLOATS, "features")
    with name_scope(name, "Softplus", [x]) as scope:
        half = constant(0.5, dtype=x.dtype)
        pos = half * relu(x) + half * maximum(x, constant(0, dtype=x.dtype))
        z = exp(-abs(x))
        one = constant(1, dtype=x.dtype)
        u = one + z
        log1p = log(u) - ((u - one) - z) / u
        return add(pos, log1p, name=scope)


# ---- dropout -------------------------------------------------------------------------------------
def log_sigmoid(x, name=None) -> Tensor:
    """``log(sigmoid(x))``, computed stably as ``-softplus(-x)`` (as TF)."""
    with name_scope(name, "LogSigmoid", [x]):
        x = convert_to_tensor(x)
        return negative(softplus(negative(x)))


def dropout(
    x: TensorLike,
    keep_prob: float | Tensor | None = None,
    noise_shape: ShapeTensorLike | None = None,
    seed: int | None = None,
    name: str | None = None,
    rate: float | Tensor | None = None,
) -> Tensor:
    """TF 1.x dropout: ``x / keep_prob * floor(keep_prob + uniform)``, a new mask each run.

    ``rate`` (= 1 - keep_prob) may be given instead of ``keep_prob``; ``noise_shape`` broadcasts
    one mask over dimensions; ``seed`` follows TF's seed rules.
    """
    if keep_prob is not None and rate is not None:
        raise ValueError("Cannot specify both 'keep_prob' and 'rate'.")
    if keep_prob is None:
        if rate is None:
            raise ValueError("You must provide a rate to dropout.")
        if isinstance(rate, numbers.Real) and not 0 <= float(rate) < 1:
            raise ValueError(
                f"rate must be a scalar tensor or a float in the range [0, 1), got {rate:g}"
            )
        keep_prob = 1 - rate
    with name_scope(name, "dropout", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError(
                "x has to be a floating point tensor since it's going to be scaled. Got a "
                f"{x.dtype.name} tensor instead."
            )
        if isinstance(keep_prob, numbers.Real) and not 0 < float(keep_prob) <= 1:
            raise ValueError(
                "keep_prob must be a scalar tensor or a float in the range (0, 1], got "
                f"{keep_prob:g}"
            )
        keep_prob = convert_to_tensor(keep_prob, dtype=x.dtype, name="keep_prob")
        keep_prob.shape.assert_is_compatible_with(TensorShape([]))
        kp = constant_value(keep_prob)
        if kp is not None and float(kp) == 1.0:
            return x
        noise_shape = shape(x) if noise_shape is None else noise_shape
        random_tensor = keep_prob + random_uniform(noise_shape, seed=seed, dtype=x.dtype)
        binary_tensor = floor(random_tensor)  # 1 with probability keep_prob
        ret = multiply(divide(x, keep_prob), binary_tensor, name=scope)
        ret.set_shape(x.shape)
        return ret


# ---- TopKV2 --------------------------------------------------------------------------------------
def _k_value(op, value_of):
    k = value_of(1)
    if k is None:
        return None
    k = int(np.asarray(k).reshape(()))
    if k < 0:
        raise shape_error(op.type, op.name, f"Need k >= 0, got {k}", [op.inputs[1].shape])
    return k


def _top_k_shape(op, in_shapes, value_of):
    s, k = in_shapes[0], _k_value(op, value_of)
    if s.ndims == 0:
        raise shape_error(
            "TopKV2", op.name, "Shape must be at least rank 1 but is rank 0", in_shapes
        )
    if s.ndims is None:
        return [TensorShape(None)] * 2
    d = s.as_list()
    if k is not None and d[-1] is not None and d[-1] < k:
        raise shape_error(
            "TopKV2",
            op.name,
            f"input must have at least k columns. Had {d[-1]}, needed {k}",
            in_shapes,
        )
    out = TensorShape([*d[:-1], k])
    return [out, out]


register_op(
    "TopKV2",
    _top_k_shape,
    "top_k",
    kernel_inputs=(0,),
    value_inputs=(1,),
    attrs_fn=lambda op, i, o, v: ([_k_value(op, v), int(op.get_attr("sorted"))], []),
)


@RegisterGradient("TopKV2")
def _top_k_grad(op, grad_values, grad_indices):
    # Each value's gradient goes back to the position it came from: flat positions
    # row * n + index, summed into a zero vector of the input's size (unsorted_segment_sum).
    x, idx = op.inputs[0], op.outputs[1]
    n = x.shape.as_list()[-1] if x.shape.ndims else None
    kv = constant_value(op.inputs[1])
    if n is None or kv is None:
        raise ValueError(f"The gradient of '{op.name}' needs k and the last dimension known")
    k = int(kv)
    if grad_values is None or n == 0 or k == 0:
        return [zeros_like(x), None]
    total = num_elements(x)
    offsets = reshape(_range(0, total, n), [-1, 1])  # row * n, one per row
    flat_ids = reshape(reshape(idx, [-1, k]) + offsets, [-1])
    summed = unsorted_segment_sum(reshape(grad_values, [-1]), flat_ids, total)
    return [reshape(summed, shape(x)), None]


def top_k(
    input: TensorLike, k: int | Tensor = 1, sorted: bool = True, name: str | None = None
) -> tuple[Tensor, Tensor]:
    """The ``k`` largest entries of the last dimension: ``(values, indices)``, values descending
    (ties: the lower index first), indices int32.

    >>> values, indices = tf.nn.top_k(tf.constant([[1.0, 3.0, 2.0]]), k=2)
    >>> with tf.Session() as sess:
    ...     print(sess.run([values, indices]))
    [array([[3., 2.]], dtype=float32), array([[1, 2]], dtype=int32)]
    """
    x = convert_to_tensor(input)
    check_dtype_in("TopKV2", x, NUMERIC, "input")
    with name_scope(name, "TopKV2", [x]) as scope:
        kt = k if isinstance(k, Tensor) else constant(np.int32(k), name="k")
        check_dtype_in("TopKV2", kt, (_dt.int32,), "k")
        op = make_op(
            "TopKV2", [x, kt], [x.dtype, _dt.int32], {"sorted": bool(sorted), "T": x.dtype}, scope
        )
        return op.outputs[0], op.outputs[1]


def _approx_k(x, k, dim, largest):
    x = convert_to_tensor(x)
    r = x.shape.ndims
    if r is None:
        raise ValueError("approx_max_k/approx_min_k need the operand's rank known")
    dim = dim % r
    perm = [*[i for i in range(r) if i != dim], dim]
    moved = x if dim == r - 1 else transpose(x, perm)
    values, indices = top_k(moved if largest else negative(moved), k)
    if not largest:
        values = negative(values)
    if dim != r - 1:
        back = _inverse_perm(perm)
        values, indices = transpose(values, back), transpose(indices, back)
    return values, indices


def _inverse_perm(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return inv


def approx_max_k(
    operand,
    k,
    reduction_dimension=-1,
    recall_target=0.95,
    reduction_input_size_override=-1,
    aggregate_to_topk=True,
    name=None,
):
    """The ``k`` largest entries along ``reduction_dimension`` and their int32 indices (exact,
    as TF on CPU)."""
    with name_scope(name, "ApproxTopK", [operand]):
        return _approx_k(operand, k, reduction_dimension, True)


def approx_min_k(
    operand,
    k,
    reduction_dimension=-1,
    recall_target=0.95,
    reduction_input_size_override=-1,
    aggregate_to_topk=True,
    name=None,
):
    """The ``k`` smallest entries along ``reduction_dimension`` (ascending) and their indices."""
    with name_scope(name, "ApproxTopK", [operand]):
        return _approx_k(operand, k, reduction_dimension, False)


# ---- InTopKV2 ------------------------------------------------------------------------------------
def _in_top_k_shape(op, in_shapes, value_of):
    p, t = in_shapes[0], in_shapes[1]
    if p.ndims not in (None, 2):
        raise shape_error(
            "InTopKV2", op.name, f"Shape must be rank 2 but is rank {p.ndims}", in_shapes
        )
    if t.ndims not in (None, 1):
        raise shape_error(
            "InTopKV2", op.name, f"Shape must be rank 1 but is rank {t.ndims}", in_shapes
        )
    b = p[0] if p.ndims is not None else None
    c = t[0] if t.ndims is not None else None
    if b is not None and c is not None and not b.is_compatible_with(c):
        raise shape_error(
            "InTopKV2", op.name, f"Dimensions must be equal, but are {b} and {c}", in_shapes
        )
    n = b.value if b is not None and b.value is not None else (None if c is None else c.value)
    return [TensorShape([n])]


def _in_top_k_attrs(op, in_shapes, out_shapes, value_of):
    k = value_of(2)
    return [int(np.asarray(k).reshape(()))], []


register_op(
    "InTopKV2",
    _in_top_k_shape,
    "in_top_k",
    kernel_inputs=(0, 1),
    value_inputs=(2,),
    attrs_fn=_in_top_k_attrs,
)
NotDifferentiable("InTopKV2")


def in_top_k(predictions: Any, targets: Any, k: TensorLike, name: str | None = None) -> Tensor:
    """Whether ``targets[i]`` is among the ``k`` highest ``predictions[i]``: fewer than ``k``
    classes score strictly higher (ties count in its favour); a non-finite score or a target
    outside ``[0, classes)`` gives False."""
    p = convert_to_tensor(predictions)
    t = convert_to_tensor(targets)
    check_dtype_in("InTopKV2", p, FLOATS, "predictions")
    check_dtype_in("InTopKV2", t, INDEX_DTYPES, "targets")
    with name_scope(name, "in_top_k", [p, t]) as scope:
        kt = k if isinstance(k, Tensor) else constant(np.asarray(k, t.dtype.np), name="k")
        if kt.dtype != t.dtype:
            raise TypeError(
                f"k must have the dtype of targets ({t.dtype.name}), got {kt.dtype.name}"
            )
        return make_op("InTopKV2", [p, t, kt], [_dt.bool], {"T": t.dtype}, scope).outputs[0]


# ---- SparseSoftmaxCrossEntropyWithLogits ---------------------------------------------------------
def _sparse_xent_shape(op, in_shapes, value_of):
    logits, labels = in_shapes
    if logits.ndims not in (None, 2):
        raise shape_error(
            op.type, op.name, f"Shape must be rank 2 but is rank {logits.ndims}", in_shapes
        )
    if labels.ndims not in (None, 1):
        raise shape_error(
            op.type, op.name, f"Shape must be rank 1 but is rank {labels.ndims}", in_shapes
        )
    n = logits[0] if logits.ndims is not None else None
    m = labels[0] if labels.ndims is not None else None
    if n is not None and m is not None and not n.is_compatible_with(m):
        raise shape_error(
            op.type, op.name, f"Dimensions must be equal, but are {n} and {m}", in_shapes
        )
    rows = (n.value if n is not None else None) or (m.value if m is not None else None)
    cols = logits[1].value if logits.ndims is not None else None
    return [TensorShape([rows]), TensorShape([rows, cols])]


register_op("SparseSoftmaxCrossEntropyWithLogits", _sparse_xent_shape, "sparse_softmax_xent")


@RegisterGradient("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_xent_grad(op, grad_loss, grad_backprop):
    # d loss / d logits = softmax(logits) - onehot(labels), the op's second output; the labels
    # get none. Second derivatives: d backprop / d logits is the softmax Jacobian.
    d_logits = None
    if grad_loss is not None:
        d_logits = reshape(grad_loss, [-1, 1]) * op.outputs[1]
    if grad_backprop is not None:
        sm = softmax(op.inputs[0])
        jvp = (grad_backprop - reduce_sum(grad_backprop * sm, -1, keepdims=True)) * sm
        d_logits = jvp if d_logits is None else d_logits + jvp
    return [d_logits, None]


def sparse_softmax_cross_entropy_with_logits(
    _sentinel: Any = None,
    labels: TensorLike | None = None,
    logits: TensorLike | None = None,
    name: str | None = None,
) -> Tensor:
    """``-log_softmax(logits)[..., labels]``: cross-entropy with integer class labels.

    ``labels`` (int32/int64) has the shape of ``logits`` without its last dimension. A label
    outside ``[0, classes)`` is an InvalidArgumentError when run. Keywords only, as TF 1.x.
    """
    if _sentinel is not None:
        raise ValueError(
            "Only call `sparse_softmax_cross_entropy_with_logits` with named arguments "
            "(labels=..., logits=..., ...)"
        )
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    op_type = "SparseSoftmaxCrossEntropyWithLogits"
    with name_scope(name, op_type, [labels, logits]):
        labels = convert_to_tensor(labels)
        logits = convert_to_tensor(logits)
        check_dtype_in(op_type, logits, FLOATS, "features")
        check_dtype_in(op_type, labels, INDEX_DTYPES, "labels")
        ls, ys = logits.shape, labels.shape
        if ls.ndims == 0:
            raise ValueError(f"Logits cannot be scalars - received shape {ls}.")
        if ls.ndims is not None and ys.ndims is not None and ys.ndims != ls.ndims - 1:
            raise ValueError(
                f"Rank mismatch: Rank of labels (received {ys.ndims}) should equal rank of "
                f"logits minus 1 (received {ls.ndims})."
            )
        if ls.ndims is not None and not ys.is_compatible_with(ls[:-1]):
            raise ValueError(
                f"Shape mismatch: The shape of labels (received {ys}) should equal the shape of "
                f"logits except for the last dimension (received {ls})."
            )
        op_name = name or op_type
        attrs = {"T": logits.dtype, "Tlabels": labels.dtype}
        if ls.ndims == 2:
            return make_op(op_type, [logits, labels], [logits.dtype] * 2, attrs, op_name).outputs[0]
        classes = ls.as_list()[-1] if ls.ndims is not None else None
        if classes is None:
            raise ValueError(f"logits must have a known last dimension, got {ls}")
        flat = make_op(
            op_type,
            [reshape(logits, [-1, classes]), reshape(labels, [-1])],
            [logits.dtype] * 2,
            attrs,
            op_name,
        ).outputs[0]
        out = reshape(flat, shape(labels))
        out.set_shape(ys)
        return out
