"""The fused LSTM step (TF's ``LSTMBlockCell`` design): one op for the cell's elementwise work.

The gate pre-activations come from one matmul ``[x, h] @ kernel + bias`` (an ordinary MatMul);
``LSTMBlockStep`` then computes, in one pass (gates in TF's i, j, f, o order)::

    new_c = c_prev * sigmoid(f + forget_bias) + sigmoid(i) * tanh(j)
    new_h = tanh(new_c) * sigmoid(o)

and also returns what its backward needs: the activated gates and ``tanh(new_c)``. The backward
``LSTMBlockStepGrad`` is its own kernel and op type.

``LSTMBlockSequence`` runs the whole recurrence over time-major inputs ``x [T, B, D]`` in one op
(TF's ``BlockLSTM`` design, without peepholes or clipping): one matmul ``x @ kernel[:D]`` for every
step's input part, then per step ``h_prev @ kernel[D:]``, the bias and the fused step, writing each
step's ``c``, ``h``, activated gates and ``tanh(c)`` into ``[T, B, ...]`` outputs. A fifth output,
a work buffer, holds ``kernel[D:]`` packed once into 16-unit panels, which the C++ kernel's
per-step product reads (``cpp/lstm_recurrence.cc``). Its backward
``LSTMBlockSequenceGrad`` goes back in time with one ``[B, 4H] x [4H, H]`` matmul a step and
then computes the kernel's gradient as one matmul over all steps (``[x, h_prev]^T @ d_gates``,
no sum of per-step products) and the inputs' gradient as another.

>>> import numpy as np, tflite_core as tf
>>> g = tf.constant(np.zeros((1, 4), np.float32))
>>> c, h = lstm_step(g, tf.constant(np.ones((1, 1), np.float32)), forget_bias=0.0)
>>> tf.Session().run(c)  # 1 * sigmoid(0) + sigmoid(0) * tanh(0)
array([[0.5]], dtype=float32)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..framework.graph import name_scope, shape_error
from ..framework.op_util import FLOATS, check_dtype_in, check_same_dtype, make_op, to_tensors
from ..framework.registry import NotDifferentiable, RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from ..ops.array_ops import concat, split, zeros_like

if TYPE_CHECKING:
    from ..framework.graph import Tensor
    from ..framework.type_aliases import (
        TensorLike,
    )


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


# ---- LSTMBlockSequence ---------------------------------------------------------------------------
def _seq_dims(op, in_shapes):
    """(T, B, D, H) from x [T,B,D], c0 [B,H], h0 [B,H], w [D+H,4H] (None where unknown);
    ValueError for ranks or sizes that do not fit."""
    x, c0, h0, w = in_shapes[:4]
    t = b = d = h = None
    if x.ndims is not None:
        if x.ndims != 3:
            raise shape_error(
                op.type, op.name, f"Shape must be rank 3 but is rank {x.ndims}", in_shapes
            )
        t, b, d = x.as_list()
    b2, h = _merge_rows(op, in_shapes, [(c0, 1), (h0, 1)])
    if b is not None and b2 is not None and b != b2:
        raise shape_error(
            op.type, op.name, f"Dimensions must be equal, but are {b} and {b2}", in_shapes
        )
    b = b if b is not None else b2
    if w.ndims is not None:
        if w.ndims != 2:
            raise shape_error(
                op.type, op.name, f"Shape must be rank 2 but is rank {w.ndims}", in_shapes
            )
        rows, cols = w.as_list()
        if cols is not None:
            if cols % 4:
                raise shape_error(
                    op.type, op.name, f"Dimension {cols} must be divisible by 4", in_shapes
                )
            if h is not None and cols != 4 * h:
                raise shape_error(
                    op.type,
                    op.name,
                    f"Dimensions must be equal, but are {cols} and {4 * h}",
                    in_shapes,
                )
            h = cols // 4
        if rows is not None and h is not None:
            if d is not None and rows != d + h:
                raise shape_error(
                    op.type,
                    op.name,
                    f"Dimensions must be equal, but are {rows} and {d + h}",
                    in_shapes,
                )
            if d is None and rows >= h:
                d = rows - h
    return t, b, d, h


def _mul(a, k):
    return None if a is None or k is None else a * k


def _seq_shape(op, in_shapes, value_of):
    t, b, _d, h = _seq_dims(op, in_shapes)
    bias = in_shapes[4]
    if bias.ndims is not None and (bias.ndims != 1 or not bias.is_compatible_with([_mul(h, 4)])):
        raise shape_error(op.type, op.name, f"bias must be [{_mul(h, 4)}], got {bias}", in_shapes)
    hs = TensorShape([t, b, h])
    return [hs, hs, TensorShape([t, b, _mul(h, 4)]), hs, TensorShape([_mul(_mul(h, 4), h)])]


register_op(
    "LSTMBlockSequence",
    _seq_shape,
    "lstm_seq",
    attrs_fn=lambda op, i, o, v: ([], [op.get_attr("forget_bias")]),
)


@RegisterGradient("LSTMBlockSequence")
def _seq_grad(op, d_c, d_h, d_act, d_tanh_c, _d_panels):
    # As LSTMBlockStep's gradient, for all steps at once: gradients reaching tanh_c fold into
    # d_c; those reaching act become an extra term of each step's gate gradient (inside the
    # kernel, since it feeds the earlier steps). The panels are a work buffer: nothing flows.
    x, c0, h0, w, _ = op.inputs
    c, h, act, tanh_c = op.outputs[:4]
    if d_c is None and d_h is None and d_act is None and d_tanh_c is None:
        return [None] * 5
    d_c = zeros_like(c) if d_c is None else d_c
    d_h = zeros_like(h) if d_h is None else d_h
    if d_tanh_c is not None:
        d_c = d_c + d_tanh_c * (1 - tanh_c * tanh_c)
    ins = [x, c0, h0, w, c, h, act, tanh_c, d_c, d_h]
    if d_act is not None:
        i, j, f, o = split(act, 4, axis=2)
        ins.append(d_act * concat([i * (1 - i), 1 - j * j, f * (1 - f), o * (1 - o)], 2))
    grad = make_op(
        "LSTMBlockSequenceGrad", ins, [x.dtype] * 7, None, "LSTMBlockSequenceGrad"
    ).outputs
    return list(grad[:5])


# ---- LSTMBlockSequenceGrad -----------------------------------------------------------------------
def _seq_grad_shape(op, in_shapes, value_of):
    t, b, d, h = _seq_dims(op, in_shapes)
    for k, s in enumerate(in_shapes[4:], 4):
        width = _mul(h, 4) if k in (6, 10) else h
        if s.ndims is not None and not s.is_compatible_with([t, b, width]):
            raise shape_error(
                op.type, op.name, f"input {k} must be [{t}, {b}, {width}], got {s}", in_shapes
            )
    dh = None if d is None or h is None else d + h
    st = TensorShape([b, h])
    return [
        TensorShape([t, b, d]),
        st,
        st,
        TensorShape([dh, _mul(h, 4)]),
        TensorShape([_mul(h, 4)]),
        TensorShape([t, b, _mul(h, 4)]),
        TensorShape([t, b, dh]),
    ]


register_op("LSTMBlockSequenceGrad", _seq_grad_shape, "lstm_seq_grad")
NotDifferentiable("LSTMBlockSequenceGrad")


def lstm_sequence(
    x: TensorLike,
    c0: Any,
    h0: Any,
    w: Any,
    b: TensorLike,
    forget_bias: float = 1.0,
    name: str | None = None,
) -> tuple[Tensor, Tensor]:
    """The whole LSTM recurrence in one op: ``(c, h)``, each ``[T, B, units]``.

    Args:
        x: ``[T, B, depth]`` time-major inputs.
        c0, h0: ``[B, units]`` initial state.
        w: ``[depth + units, 4 * units]`` kernel (rows for ``x``, then for ``h``; gates in TF's
            i, j, f, o order).
        b: ``[4 * units]`` bias.
        forget_bias: added to the forget gate's pre-activation.
        name: the op's name.

    Returns:
        ``(c, h)``: every step's cell state and output; step ``t`` is the state after
        ``lstm_step(concat([x[t], h[t-1]], 1) @ w + b, c[t-1])``.
    """
    op_type = "LSTMBlockSequence"
    names = ("x", "c0", "h0", "w", "b")
    x, c0, h0, w, b = to_tensors([x, c0, h0, w, b], names=names)
    check_same_dtype(op_type, [x, c0, h0, w, b], names)
    check_dtype_in(op_type, x, FLOATS, "x")
    with name_scope(name, "lstm_sequence"):
        op = make_op(
            op_type,
            [x, c0, h0, w, b],
            [x.dtype] * 5,
            {"forget_bias": float(forget_bias)},
            op_type,
        )
    return op.outputs[0], op.outputs[1]


def lstm_step(
    gates: TensorLike, c_prev: TensorLike, forget_bias: float = 1.0, name: str | None = None
) -> tuple[Tensor, Tensor]:
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
