"""The fused LSTM step and sequence kernels and their gradients (``cpp/lstm.cc``)."""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _float_only, _kernel


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _lstm_rows(op, t, rows, cols, what):
    if t.shape != (rows, cols):
        raise KernelError(f"[{op}] {what} must be [{rows},{cols}], got {list(t.shape)}")


@_kernel("lstm_step")
def _lstm_step(inputs, outputs, ints, floats):
    # i, j, f, o = split(gates, 4, 1); new_c = c_prev*sigmoid(f + forget_bias) +
    # sigmoid(i)*tanh(j); new_h = tanh(new_c)*sigmoid(o); act = the activated gates.
    op = "LSTMBlockStep"
    gates, c_prev = inputs
    _float_only(op, gates)
    if gates.ndim != 2 or gates.shape[1] % 4:
        raise KernelError(f"[{op}] gates must be [batch, 4*units], got {list(gates.shape)}")
    if not floats:
        raise KernelError(f"[{op}] missing real attribute 0")
    b, h = gates.shape[0], gates.shape[1] // 4
    _lstm_rows(op, c_prev, b, h, "c_prev")
    for o, w, name in zip(outputs, (h, h, 4 * h, h), ("new_c", "new_h", "act", "tanh_c")):
        _lstm_rows(op, o, b, w, name)
    dt = gates.dtype.type
    i, j, f, o = np.split(gates, 4, axis=1)
    i, j, f, o = _sigmoid(i), np.tanh(j), _sigmoid(f + dt(floats[0])), _sigmoid(o)
    c = c_prev * f + i * j
    t = np.tanh(c)
    outputs[0][...], outputs[1][...], outputs[3][...] = c, t * o, t
    outputs[2][...] = np.concatenate([i, j, f, o], axis=1)


@_kernel("lstm_step_grad")
def _lstm_step_grad(inputs, outputs, ints, floats):
    op = "LSTMBlockStepGrad"
    act, c_prev, tanh_c, d_c, d_h = inputs
    _float_only(op, act)
    if act.ndim != 2 or act.shape[1] % 4:
        raise KernelError(f"[{op}] act must be [batch, 4*units], got {list(act.shape)}")
    b, h = act.shape[0], act.shape[1] // 4
    for t, name in zip(inputs[1:], ("c_prev", "tanh_c", "d_new_c", "d_new_h")):
        _lstm_rows(op, t, b, h, name)
    _lstm_rows(op, outputs[0], b, 4 * h, "d_gates")
    _lstm_rows(op, outputs[1], b, h, "d_c_prev")
    i, j, f, o = np.split(act, 4, axis=1)
    dc = d_c + d_h * o * (1 - tanh_c * tanh_c)
    outputs[0][...] = np.concatenate(
        [
            dc * j * i * (1 - i),
            dc * i * (1 - j * j),
            dc * c_prev * f * (1 - f),
            d_h * tanh_c * o * (1 - o),
        ],
        axis=1,
    )
    outputs[1][...] = dc * f


def _seq_dims(op, inputs):
    x, c0, h0, w = inputs[:4]
    _float_only(op, x)
    if x.ndim != 3:
        raise KernelError(f"[{op}] x must be [time, batch, depth], got {list(x.shape)}")
    t, b, d = x.shape
    if w.ndim != 2 or w.shape[1] % 4 or w.shape[0] != d + w.shape[1] // 4:
        raise KernelError(f"[{op}] w must be [depth + units, 4*units] with depth {d}")
    h = w.shape[1] // 4
    _lstm_rows(op, c0, b, h, "c0")
    _lstm_rows(op, h0, b, h, "h0")
    for a in inputs[1:]:
        if a.dtype != x.dtype:
            raise KernelError(f"[{op}] dtypes differ: {x.dtype} and {a.dtype}")
    return t, b, d, h


def _seq_out(op, a, shape, what):
    if a.shape != tuple(shape):
        raise KernelError(f"[{op}] {what} must be {list(shape)}, got {list(a.shape)}")


@_kernel("lstm_seq")
def _lstm_seq(inputs, outputs, ints, floats):
    # lstm_step over time: gates[t] = x[t] @ w[:D] + h[t-1] @ w[D:] + b (h[-1] = h0, c[-1] = c0).
    op = "LSTMBlockSequence"
    if len(inputs) != 5 or len(outputs) != 5:
        raise KernelError(f"[{op}] expects 5 inputs and 5 outputs")
    t_len, b, d, h = _seq_dims(op, inputs)
    x, c0, h0, w, bias = inputs
    if bias.shape != (4 * h,) or bias.dtype != x.dtype:
        raise KernelError(f"[{op}] b must be [{4 * h}], got {list(bias.shape)}")
    for o, k, name in zip(outputs, (1, 1, 4, 1), ("c", "h", "act", "tanh_c")):
        _seq_out(op, o, (t_len, b, k * h), name)
    _seq_out(op, outputs[4], (4 * h * h,), "w_h_panels")
    if not floats:
        raise KernelError(f"[{op}] missing real attribute 0")
    # the work buffer: w[D:] as panels, per block of 16 units (the last may be narrower) and gate
    w_h = w[d:]
    blocks = [w_h[:, g * h + u : g * h + min(u + 16, h)] for u in range(0, h, 16) for g in range(4)]
    outputs[4][...] = np.concatenate([p.ravel() for p in blocks]) if h else []
    c, hp = c0, h0
    for t in range(t_len):
        gates = (x[t] @ w[:d] + hp @ w[d:]) + bias
        outs = [np.empty_like(c0), np.empty_like(c0), np.empty_like(gates), np.empty_like(c0)]
        _lstm_step([gates, c], outs, [], floats)
        for o, v in zip(outputs, outs):
            o[t] = v
        c, hp = outs[0], outs[1]


@_kernel("lstm_seq_grad")
def _lstm_seq_grad(inputs, outputs, ints, floats):
    # Backward in time through lstm_step_grad; d_h of step t also receives d_gates[t+1] @ w[D:]^T.
    # Then d_w = xh^T @ d_gates over all steps (xh[t] = [x[t], h[t-1]]), d_x = d_gates @ w[:D]^T,
    # d_b = the sum of d_gates over steps and rows; d_gates and xh are returned too.
    op = "LSTMBlockSequenceGrad"
    if len(inputs) not in (10, 11) or len(outputs) != 7:
        raise KernelError(f"[{op}] expects 10 or 11 inputs and 7 outputs")
    t_len, b, d, h = _seq_dims(op, inputs)
    x, c0, h0, w, c, hs, act, tanh_c, d_c, d_h = inputs[:10]
    extra = inputs[10] if len(inputs) == 11 else None
    names = ("c", "h", "act", "tanh_c", "d_c", "d_h", "d_act_extra")
    for k, a in enumerate(inputs[4:]):
        _seq_out(op, a, (t_len, b, 4 * h if names[k] in ("act", "d_act_extra") else h), names[k])
        if a.dtype != x.dtype:
            raise KernelError(f"[{op}] dtypes differ: {x.dtype} and {a.dtype}")
    shapes = [(t_len, b, d), (b, h), (b, h), (d + h, 4 * h), (4 * h,), (t_len, b, 4 * h)]
    shapes.append((t_len, b, d + h))
    for o, s, name in zip(outputs, shapes, ("d_x", "d_c0", "d_h0", "d_w", "d_b", "d_gates", "xh")):
        _seq_out(op, o, s, name)
    d_x, d_c0, d_h0, d_w, d_b, d_gates, xh = outputs
    dc_next, dh_next = np.zeros_like(c0), np.zeros_like(c0)
    for t in reversed(range(t_len)):
        c_prev = c[t - 1] if t > 0 else c0
        dg, dcp = np.empty_like(act[t]), np.empty_like(c0)
        _lstm_step_grad(
            [act[t], c_prev, tanh_c[t], d_c[t] + dc_next, d_h[t] + dh_next], [dg, dcp], [], []
        )
        if extra is not None:
            dg += extra[t]
        d_gates[t] = dg
        dc_next, dh_next = dcp, dg @ w[d:].T
    d_c0[...], d_h0[...] = dc_next, dh_next
    if t_len:
        xh[...] = np.concatenate([x, np.concatenate([h0[None], hs[:-1]])], axis=2)
    flat = d_gates.reshape(t_len * b, 4 * h)
    d_w[...] = xh.reshape(t_len * b, d + h).T @ flat
    d_x[...] = (flat @ w[:d].T).reshape(d_x.shape)
    d_b[...] = flat.sum(axis=0)
