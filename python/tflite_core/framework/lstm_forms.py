"""TF's form of the fused LSTM ops of ``nn/lstm_ops.py`` (``own_op_forms``).

``LSTMBlockSequence`` (x, c0, h0, w, b; forget_bias) is TF's ``BlockLSTM`` (the same gate
layout i, j, f, o, its ``forget_bias``, no peepholes, ``cell_clip`` -1: none) over all steps
(``seq_len_max`` the length of x); its outputs, in our order: ``cs``, ``h``, the activated gates
joined (``ConcatV2`` of ``i``, ``ci``, ``f``, ``o``), ``co`` (tanh of cs), and for the work buffer
an empty constant (nothing reads it). ``LSTMBlockSequenceGrad`` is ``BlockLSTMGrad`` of the same
values (its gradients of x, c0, h0, w and b; its bias input only gives the size, so zeros).
``import_lstm`` reads both back into our ops. ``LSTMBlockStep`` and ``LSTMBlockStepGrad`` (the
step of an unrolled ``BasicLSTMCell``) are the elementwise nodes TF's ``BasicLSTMCell`` builds.

``BlockLSTM`` has float and half kernels only: a sequence of another dtype (float64), or a
gradient that also receives gradients of the activated gates (an 11th input, which no public
function makes), is written as it is (it then loads here only).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import dtypes as _dt
from .graph_def_forms import Form, Nodes

_BLOCK_DTYPES = (_dt.float32, _dt.float16)


def _units(op) -> int | None:
    """H: from w's ``[D + H, 4H]``, else from c0's ``[B, H]``."""
    w, c0 = op._inputs[3], op._inputs[1]
    if w.shape.ndims == 2 and w.shape.as_list()[1] is not None:
        return int(w.shape.as_list()[1]) // 4
    if c0.shape.ndims == 2:
        return c0.shape.as_list()[1]
    return None


def _seq_len_max(b: Nodes, op):
    """The number of steps (x's first dimension) as BlockLSTM's int64 scalar."""
    x = op._inputs[0]
    steps = x.shape.as_list()[0] if x.shape.ndims == 3 else None
    if steps is not None:
        return b.const(steps, _dt.int64)
    shape = b("Shape", 0, T=x.dtype, out_type=_dt.int64)
    masks = dict.fromkeys(("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask"), 0)
    bounds = [b.const([k], _dt.int32) for k in (0, 1, 1)]
    return b(
        "StridedSlice", shape, *bounds, T=_dt.int64, Index=_dt.int32, shrink_axis_mask=1, **masks
    )


def _lstm_sequence(op) -> Form | None:
    x = op._inputs[0]
    h = _units(op)
    if h is None or x.dtype not in _BLOCK_DTYPES:
        return None
    b, dt = Nodes(), x.dtype
    zeros = b.const(np.zeros(h), dt)
    attrs = {"T": dt, "forget_bias": float(op._attrs["forget_bias"]), "cell_clip": -1.0}
    # seq_len_max, x, cs_prev, h_prev, w, wci, wcf, wco, b
    ins = [_seq_len_max(b, op), 0, 1, 2, 3, zeros, zeros, zeros, 4]
    block = b("BlockLSTM", *ins, **attrs, use_peephole=False)
    axis = b.const(2, _dt.int32)
    gates = [(block, k) for k in (0, 4, 2, 3)]  # i, ci, f, o
    act = b("ConcatV2", *gates, axis, N=4, T=dt, Tidx=_dt.int32)
    work = b.const(np.zeros(0), dt)
    outs = [(block, 1), (block, 6), act, (block, 5), work]
    return Form("IdentityN", outs, {"T": [dt] * 5}, replace=True, work=(4,))


def _lstm_sequence_grad(op) -> Form | None:
    x = op._inputs[0]
    h = _units(op)
    if h is None or x.dtype not in _BLOCK_DTYPES or len(op._inputs) != 10:
        return None
    b, dt = Nodes(), x.dtype
    zeros, zeros4 = b.const(np.zeros(h), dt), b.const(np.zeros(4 * h), dt)
    split = b("Split", b.const(2, _dt.int32), 6, T=dt, num_split=4)
    i, ci, f, o = split, (split, 1), (split, 2), (split, 3)
    # seq_len_max, x, cs_prev, h_prev, w, wci, wcf, wco, b, i, cs, f, o, ci, co, h, cs_grad, h_grad
    ins = [_seq_len_max(b, op), 0, 1, 2, 3, zeros, zeros, zeros, zeros4, i, 4, f, o, ci, 7, 5, 8, 9]
    grad = b("BlockLSTMGrad", *ins, T=dt, use_peephole=False)
    work = b.const(np.zeros(0), dt)
    outs = [grad, (grad, 1), (grad, 2), (grad, 3), (grad, 7), work, work]
    return Form("IdentityN", outs, {"T": [dt] * 7}, replace=True, work=(5, 6))


def _lstm_step(op) -> Form | None:
    """new_c = c_prev * sigmoid(f + forget_bias) + sigmoid(i) * tanh(j); new_h = tanh(new_c) *
    sigmoid(o); with the activated gates joined and tanh(new_c)."""
    b, dt = Nodes(), op._inputs[0].dtype
    split = b("Split", b.const(1, _dt.int32), 0, T=dt, num_split=4)
    i = b("Sigmoid", split, T=dt)
    j = b("Tanh", (split, 1), T=dt)
    bias = b.const(float(op._attrs["forget_bias"]), dt)
    f = b("Sigmoid", b("AddV2", (split, 2), bias, T=dt), T=dt)
    o = b("Sigmoid", (split, 3), T=dt)
    c = b("AddV2", b("Mul", 1, f, T=dt), b("Mul", i, j, T=dt), T=dt)
    tanh_c = b("Tanh", c, T=dt)
    new_h = b("Mul", tanh_c, o, T=dt)
    act = b("ConcatV2", i, j, f, o, b.const(1, _dt.int32), N=4, T=dt, Tidx=_dt.int32)
    return Form("IdentityN", [c, new_h, act, tanh_c], {"T": [dt] * 4}, replace=True)


def _lstm_step_grad(op) -> Form | None:
    """From act (i, j, f, o activated), c_prev, tanh(new_c), d new_c, d new_h: d gates (the
    pre-activations') and d c_prev, as TF's ``LSTMBlockCellGrad`` computes them."""
    b, dt = Nodes(), op._inputs[0].dtype

    def mul(*xs):
        out = xs[0]
        for x in xs[1:]:
            out = b("Mul", out, x, T=dt)
        return out

    one = b.const(1, dt)
    split = b("Split", b.const(1, _dt.int32), 0, T=dt, num_split=4)
    i, j, f, o = split, (split, 1), (split, 2), (split, 3)
    d_h, tanh_c = 4, 2
    dc = b("AddV2", 3, mul(d_h, o, b("Sub", one, mul(tanh_c, tanh_c), T=dt)), T=dt)
    d_i = mul(dc, j, i, b("Sub", one, i, T=dt))
    d_j = mul(dc, i, b("Sub", one, mul(j, j), T=dt))
    d_f = mul(dc, 1, f, b("Sub", one, f, T=dt))
    d_o = mul(d_h, tanh_c, o, b("Sub", one, o, T=dt))
    d_gates = b("ConcatV2", d_i, d_j, d_f, d_o, b.const(1, _dt.int32), N=4, T=dt, Tidx=_dt.int32)
    return Form("IdentityN", [d_gates, mul(dc, f)], {"T": [dt] * 2}, replace=True)


LSTM_FORMS: dict[str, Callable[..., Form | None]] = {
    "LSTMBlockSequence": _lstm_sequence,
    "LSTMBlockSequenceGrad": _lstm_sequence_grad,
    "LSTMBlockStep": _lstm_step,
    "LSTMBlockStepGrad": _lstm_step_grad,
}
