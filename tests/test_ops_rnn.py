"""The op table's LSTM rows: the fused step (LSTMBlockStep) and the whole recurrence in one op
(LSTMBlockSequence), each with its backward op. Every row gets the table's checks
(``op_table.table_tests``); the forward ops' gradients are checked through all their outputs.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_table import Row, table_tests

import tflite_core as tf
from tflite_core.nn import lstm_ops


# ---- LSTMBlockStep (the fused LSTM step of lstm_ops) ---------------------------------------------
def lstm_draw(ctx):
    b = ctx.draw(st.integers(1 if ctx.mode != "forward" else 0, 3))
    h = ctx.draw(st.integers(1, 3 if ctx.grad else 4))
    g = ctx.values((b, 4 * h), (-3.0, 3.0))
    c = ctx.values((b, h), (-2.0, 2.0))
    return [g, c], {"fb": ctx.draw(st.sampled_from([0.0, 1.0]))}


def np_lstm_step(g, c, fb):
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    i, j, f, o = np.split(g, 4, axis=1)
    new_c = c * sig(f + g.dtype.type(fb)) + sig(i) * np.tanh(j)
    return [new_c.astype(g.dtype), (np.tanh(new_c) * sig(o)).astype(g.dtype)]


def lstm_grad_draw(ctx):
    (g, c), kw = lstm_draw(ctx)
    return [g, c, ctx.values(c.shape), ctx.values(c.shape)], kw


def build_lstm_step_grad(g, c, dc, dh, fb):
    new_c, new_h = lstm_ops.lstm_step(g, c, fb)
    return tf.gradients([new_c, new_h], [g, c], grad_ys=[dc, dh])


def np_lstm_step_grad(g, c, dc, dh, fb):
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    i, j, f, o = np.split(g, 4, axis=1)
    i, j, f, o = sig(i), np.tanh(j), sig(f + g.dtype.type(fb)), sig(o)
    t = np.tanh(c * f + i * j)
    d = dc + dh * o * (1 - t * t)
    dg = np.concatenate(
        [d * j * i * (1 - i), d * i * (1 - j * j), d * c * f * (1 - f), dh * t * o * (1 - o)],
        axis=1,
    )
    return [dg.astype(g.dtype), (d * f).astype(g.dtype)]


# ---- LSTMBlockSequence (the whole recurrence in one op) ------------------------------------------
def lstm_seq_draw(ctx):
    lo, hi = (0 if ctx.mode == "forward" else 1), (2 if ctx.grad else 3)
    t, b, d, h = (ctx.draw(st.integers(lo, hi)) for _ in range(4))
    x = ctx.values((t, b, d), (-2.0, 2.0))
    c0, h0 = ctx.values((b, h), (-2.0, 2.0)), ctx.values((b, h), (-1.0, 1.0))
    w = ctx.values((d + h, 4 * h), (-1.0, 1.0))
    return [x, c0, h0, w, ctx.values((4 * h,), (-1.0, 1.0))], {
        "fb": ctx.draw(st.sampled_from([0.0, 1.0]))
    }


def build_lstm_seq(x, c0, h0, w, b, fb):
    c, _ = lstm_ops.lstm_sequence(x, c0, h0, w, b, fb)
    return list(c.op.outputs[:4])  # c, h, act, tanh_c (not the panels' work buffer): gradients


def np_lstm_seq(x, c0, h0, w, b, fb):
    """Every step's (c, h, activated gates, tanh(c)), from concat([x[t], h]) @ w + b."""
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    c, h, outs = c0, h0, []
    for t in range(x.shape[0]):
        i, j, f, o = np.split(np.concatenate([x[t], h], 1) @ w + b, 4, axis=1)
        i, j, f, o = sig(i), np.tanh(j), sig(f + x.dtype.type(fb)), sig(o)
        c = c * f + i * j
        h = np.tanh(c) * o
        outs.append((c, h, np.concatenate([i, j, f, o], 1), np.tanh(c)))
    shapes = [c0.shape, c0.shape, (x.shape[1], w.shape[1]), c0.shape]
    return [
        np.stack([o[k] for o in outs]).astype(x.dtype)
        if outs
        else np.zeros((0, *shapes[k]), x.dtype)
        for k in range(4)
    ]


def lstm_seq_grad_draw(ctx):
    ins, kw = lstm_seq_draw(ctx)
    hs = (ins[0].shape[0], *ins[1].shape)
    return [*ins, ctx.values(hs), ctx.values(hs)], kw


def build_lstm_seq_grad(x, c0, h0, w, b, dc, dh, fb):
    c, h = lstm_ops.lstm_sequence(x, c0, h0, w, b, fb)
    return tf.gradients([c, h], [x, c0, h0, w, b], grad_ys=[dc, dh])


def np_lstm_seq_grad(x, c0, h0, w, b, dc, dh, fb):
    """Back-propagation through time of np_lstm_seq (float64 inside)."""
    dt = x.dtype
    x, c0, h0, w, b, dc, dh = (a.astype(np.float64) for a in (x, c0, h0, w, b, dc, dh))
    c, h, act, tc = np_lstm_seq(x, c0, h0, w, b, fb)
    d = x.shape[2]
    grads = [np.zeros_like(x), np.zeros_like(c0), np.zeros_like(h0), np.zeros_like(w)]
    grads.append(np.zeros_like(b))
    dc_next, dh_next = np.zeros_like(c0), np.zeros_like(h0)
    for t in reversed(range(x.shape[0])):
        i, j, f, o = np.split(act[t], 4, axis=1)
        c_prev, h_prev = (c[t - 1], h[t - 1]) if t else (c0, h0)
        d_h = dh[t] + dh_next
        d_c = dc[t] + dc_next + d_h * o * (1 - tc[t] ** 2)
        dg = np.concatenate(
            [
                d_c * j * i * (1 - i),
                d_c * i * (1 - j * j),
                d_c * c_prev * f * (1 - f),
                d_h * tc[t] * o * (1 - o),
            ],
            1,
        )
        grads[3] += np.concatenate([x[t], h_prev], 1).T @ dg
        grads[4] += dg.sum(0)
        dxh = dg @ w.T
        grads[0][t], dh_next, dc_next = dxh[:, :d], dxh[:, d:], d_c * f
    grads[1], grads[2] = dc_next, dh_next
    return [g.astype(dt) for g in grads]


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    Row(
        "LSTMBlockStep",
        lambda g, c, fb: list(lstm_ops.lstm_step(g, c, fb)),
        np_lstm_step,
        lstm_draw,
    ),
    Row("LSTMBlockStepGrad", build_lstm_step_grad, np_lstm_step_grad, lstm_grad_draw, grad="none"),
    Row("LSTMBlockSequence", build_lstm_seq, np_lstm_seq, lstm_seq_draw),
    Row(
        "LSTMBlockSequenceGrad",
        build_lstm_seq_grad,
        np_lstm_seq_grad,
        lstm_seq_grad_draw,
        grad="none",
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
