"""The fused LSTM step (TF's ``LSTMBlockCell`` design): one op for the cell's elementwise work.

The gate pre-activations come from one matmul ``[x, h] @ kernel + bias`` (an ordinary MatMul);
``LSTMBlockStep`` then computes, in one pass (gates in TF's i, j, f, o order)::

    new_c = c_prev * sigmoid(f + forget_bias) + sigmoid(i) * tanh(j)
    new_h = tanh(new_c) * sigmoid(o)

and also returns what its backward needs: the activated gates and ``tanh(new_c)``. The backward
``LSTMBlockStepGrad`` is its own kernel and op type.

>>> import numpy as np, tflite_core as tf
>>> g = tf.constant(np.zeros((1, 4), np.float32))
>>> c, h = lstm_step(g, tf.constant(np.ones((1, 1), np.float32)), forget_bias=0.0)
>>> tf.Session().run(c)  # 1 * sigmoid(0) + sigmoid(0) * tanh(0)
array([[0.5]], dtype=float32)
"""

from __future__ import annotations

from .array_ops import concat, split, zeros_like
from .graph import name_scope, shape_error
from .op_util import FLOATS, check_dtype_in, check_same_dtype, make_op, to_tensors
from .registry import NotDifferentiable, RegisterGradient, register_op
from .tensor_shape import TensorShape


def _merge_rows(op, in_shapes, shapes_and_widths):
    """Merges [batch, width] shapes (width in units of h) -> (batch, units); ValueError if not."""
    batch, units = None, None
    for s, k in shapes_and_widths:
        if s.ndims is None:
            continue
        if s.ndims != 2:
            raise shape_error(
                op.type, op.name, f"Shape must be rank 2 but is rank {s.ndims}", in_shapes
            )
        b, w = s.as_list()
        if b is not None:
            if batch is not None and b != batch:
                raise shape_error(
                    op.type,
                    op.name,
                    f"Dimensions must be equal, but are {batch} and {b}",
                    in_shapes,
                )
            batch = b
        if w is not None:
            if w % k:
                raise shape_error(
                    op.type, op.name, f"Dimension {w} must be divisible by {k}", in_shapes
                )
            if units is not None and w // k != units:
                raise shape_error(
                    op.type,
                    op.name,
                    f"Dimensions must be equal, but are {units * k} and {w}",
                    in_shapes,
                )
            units = w // k
    return batch, units


# ---- LSTMBlockStep -------------------------------------------------------------------------------
def _step_shape(op, in_shapes, value_of):
    b, h = _merge_rows(op, in_shapes, [(in_shapes[0], 4), (in_shapes[1], 1)])
    hs = TensorShape([b, h])
    return [hs, hs, TensorShape([b, None if h is None else 4 * h]), hs]


register_op(
    "LSTMBlockStep",
    _step_shape,
    "lstm_step",
    attrs_fn=lambda op, i, o, v: ([], [op.get_attr("forget_bias")]),
)


@RegisterGradient("LSTMBlockStep")
def _step_grad(op, d_c, d_h, d_act, d_tanh_c):
    # The backward kernel: d gates, d c_prev from d new_c, d new_h. Gradients reaching the
    # auxiliary outputs (act, tanh_c) are folded in: d tanh(c)/dc = 1 - tanh(c)^2, and each
    # activated gate's derivative in its pre-activation (sigmoid: a(1-a); tanh: 1-a^2).
    _, c_prev = op.inputs
    new_c, new_h, act, tanh_c = op.outputs
    if d_c is None and d_h is None and d_act is None and d_tanh_c is None:
        return [None, None]
    d_c = zeros_like(new_c) if d_c is None else d_c
    d_h = zeros_like(new_h) if d_h is None else d_h
    if d_tanh_c is not None:
        d_c = d_c + d_tanh_c * (1 - tanh_c * tanh_c)
    d_gates, d_c_prev = make_op(
        "LSTMBlockStepGrad",
        [act, c_prev, tanh_c, d_c, d_h],
        [act.dtype] * 2,
        None,
        "LSTMBlockStepGrad",
    ).outputs
    if d_act is not None:
        i, j, f, o = split(act, 4, axis=1)
        slope = concat([i * (1 - i), 1 - j * j, f * (1 - f), o * (1 - o)], 1)
        d_gates = d_gates + d_act * slope
    return [d_gates, d_c_prev]


# ---- LSTMBlockStepGrad ---------------------------------------------------------------------------
def _step_grad_shape(op, in_shapes, value_of):
    b, h = _merge_rows(op, in_shapes, [(in_shapes[0], 4)] + [(s, 1) for s in in_shapes[1:]])
    return [TensorShape([b, None if h is None else 4 * h]), TensorShape([b, h])]


register_op("LSTMBlockStepGrad", _step_grad_shape, "lstm_step_grad")
NotDifferentiable("LSTMBlockStepGrad")  # as TF's LSTMBlockCellGrad: no second derivatives


def lstm_step(gates, c_prev, forget_bias: float = 1.0, name=None):
    """The fused LSTM step: ``(new_c, new_h)`` from gate pre-activations and ``c_prev``.

    Args:
        gates: ``[batch, 4 * units]`` pre-activations ``[x, h] @ kernel + bias``, in TF's
            i, j, f, o order.
        c_prev: ``[batch, units]`` previous cell state.
        forget_bias: added to the forget gate's pre-activation.
        name: the op's name.

    Returns:
        ``(new_c, new_h)``, each ``[batch, units]``.
    """
    op_type = "LSTMBlockStep"
    gates, c_prev = to_tensors([gates, c_prev], names=("gates", "c_prev"))
    check_same_dtype(op_type, [gates, c_prev], ("gates", "c_prev"))
    check_dtype_in(op_type, gates, FLOATS, "gates")
    with name_scope(name, "lstm_step"):
        op = make_op(
            op_type,
            [gates, c_prev],
            [gates.dtype] * 4,
            {"forget_bias": float(forget_bias)},
            op_type,
        )
    return op.outputs[0], op.outputs[1]
