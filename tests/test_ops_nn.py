"""The op table's nn rows: softmax and log_softmax, the softmax cross-entropies (dense
labels and sparse ones), top_k and in_top_k. (relu, sigmoid and tanh are elementwise: their rows
are in test_ops_math.py.)

Every row gets the table's checks (``op_table.table_tests``). Beyond the table: the
cross-entropy's second derivatives, the v1 cross-entropy passing no gradient to its labels, and
NaN and Inf propagating through softmax as in NumPy.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import (
    F32,
    F64,
    FLOATS,
    I32,
    I64,
    NUMERIC,
    Ctx,
    Row,
    assert_values,
    grad_check,
    run_public,
    table_tests,
)

import tflite_core as tf


# ---- draws and NumPy references ------------------------------------------------------------------
def np_log_softmax(x, axis=-1):
    z = x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


def np_softmax(x, axis=None):
    ax = -1 if axis is None else axis
    z = np.exp(x - np.max(x, axis=ax, keepdims=True, initial=-np.inf))
    return z / np.sum(z, axis=ax, keepdims=True)


def softmax_draw(ctx):
    shape = ctx.shape(min_dims=1)
    axis = ctx.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    return [ctx.values(shape, (-2.0, 2.0) if ctx.grad else (-30.0, 30.0))], {"axis": axis}


def xent_draw(ctx):
    rank = 2 if ctx.mode == "partial" else ctx.draw(st.integers(1, 3))
    shape = ctx.shape(min_dims=rank, max_dims=rank)
    shape = (*shape[:-1], max(shape[-1], 1))  # at least one class
    logits = ctx.values(shape, (-3.0, 3.0) if ctx.grad else (-20.0, 20.0))
    u = ctx.values(shape, (0.1, 1.0))
    labels = (u / np.maximum(u.sum(-1, keepdims=True), 1e-30)).astype(u.dtype)
    return [logits, labels], {}


def np_xent(logits, labels):
    return (-np.sum(labels * np_log_softmax(logits), axis=-1)).astype(logits.dtype)


def sparse_xent_draw(ctx):
    rank = 2 if ctx.mode == "partial" else ctx.draw(st.integers(1, 3))
    shape = ctx.shape(min_dims=rank, max_dims=rank)
    shape = (*shape[:-1], max(shape[-1], 1))
    logits = ctx.values(shape, (-3.0, 3.0) if ctx.grad else (-20.0, 20.0))
    ldt = ctx.draw(st.sampled_from([I32, I64]))
    labels = ctx.draw(hnp.arrays(ldt, shape[:-1], elements=st.integers(0, shape[-1] - 1)))
    return [logits, labels], {}


def np_sparse_xent(logits, labels):
    lsm = np_log_softmax(logits.astype(np.float64))
    picked = np.take_along_axis(lsm, labels[..., None].astype(np.int64), -1)[..., 0]
    return (-picked).astype(logits.dtype)


def top_k_draw(ctx):
    shape = list(ctx.shape(min_dims=1))
    x = ctx.distinct(tuple(shape)) if ctx.grad else ctx.grid(tuple(shape), -3, 3)
    k = ctx.draw(st.integers(0, shape[-1]))
    return [x], {"k": k, "sorted": ctx.draw(st.booleans())}


def np_top_k(x, k, sorted):
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]  # ties: the lower index first
    return [np.take_along_axis(x, order, -1), order.astype(np.int32)]


def in_top_k_draw(ctx):
    lo, hi = ctx._sides(4)
    b, c = ctx.draw(st.integers(max(lo, 1), hi)), ctx.draw(st.integers(1, 5))
    pred = ctx.grid((b, c), -2, 2)  # many ties
    tdt = ctx.draw(st.sampled_from([I32, I64]))
    targets = ctx.draw(hnp.arrays(tdt, (b,), elements=st.integers(-1, c)))  # some out of range
    return [pred, targets], {"k": ctx.draw(st.integers(0, c + 1))}


def np_in_top_k(pred, targets, k):
    """TF's rule: fewer than k scores strictly above the target's; False for a target out of
    range or a non-finite score in the row."""
    out = np.zeros(len(targets), bool)
    for i, t in enumerate(targets):
        if 0 <= t < pred.shape[1] and np.isfinite(pred[i]).all():
            out[i] = np.sum(pred[i] > pred[i, t]) < k
    return out


# ---- fused batch norm (TF's op is float32 only, as its op table: the rows are float32) --------
def _bn_op(x, scale, offset, mean, var, training, fmt):
    return tf.nn.fused_batch_norm(
        x, scale, offset, mean, var, epsilon=0.01, data_format=fmt, is_training=training
    )


def np_bn(x, scale, offset, mean, var, training, fmt):
    c = 3 if fmt == "NHWC" else 1
    axes = tuple(a for a in range(4) if a != c)
    bshape = [-1 if a == c else 1 for a in range(4)]
    n = int(np.prod([x.shape[a] for a in axes]))
    if training:
        mean = x.astype(np.float64).mean(axes) if n else np.full(x.shape[c], np.nan)
        var = x.astype(np.float64).var(axes) if n else np.full(x.shape[c], np.nan)
    r = 1.0 / np.sqrt(np.asarray(var, np.float64) + 0.01)
    y = (x - mean.reshape(bshape)) * (r * scale).reshape(bshape) + offset.reshape(bshape)
    out_var = var * n / max(n - 1, 1) if training else var
    return [y.astype(x.dtype), mean.astype(x.dtype), out_var.astype(x.dtype)]


def bn_draw(ctx):
    fmt = ctx.draw(st.sampled_from(["NHWC", "NCHW"]))
    shape = ctx.shape(min_dims=4, max_dims=4)
    c = shape[3 if fmt == "NHWC" else 1]
    x = ctx.values(shape, (-3.0, 3.0))
    scale, offset, mean = (ctx.values((c,), (-2.0, 2.0)) for _ in range(3))
    var = ctx.values((c,), (0.5, 2.0))
    training = ctx.draw(st.booleans()) and (ctx.mode != "grad" or np.prod(shape) > 2 * c)
    return [x, scale, offset, mean, var], {"training": training, "fmt": fmt}


def _bn_grads(x, scale, offset, mean, var, dy, training, fmt):
    y = _bn_op(x, scale, offset, mean, var, training, fmt)[0]
    return tf.gradients(y, [x, scale, offset], grad_ys=dy)


def np_bn_grads(x, scale, offset, mean, var, dy, training, fmt):
    c = 3 if fmt == "NHWC" else 1
    axes = tuple(a for a in range(4) if a != c)
    bshape = [-1 if a == c else 1 for a in range(4)]
    x64, dy64 = x.astype(np.float64), dy.astype(np.float64)
    n = int(np.prod([x.shape[a] for a in axes]))
    if training:  # (an empty batch's statistics are NaN)
        mean = x64.mean(axes) if n else np.full(x.shape[c], np.nan)
        var = x64.var(axes) if n else np.full(x.shape[c], np.nan)
    r = 1.0 / np.sqrt(var + 0.01)
    xc = x64 - mean.reshape(bshape)
    s_dy, s_dyxc = dy64.sum(axes), (dy64 * xc).sum(axes)
    k = (scale * r).reshape(bshape)
    if training and n:
        dx = k * (dy64 - s_dy.reshape(bshape) / n - xc * (r * r * s_dyxc).reshape(bshape) / n)
    else:
        dx = k * dy64
    return [dx.astype(x.dtype), (s_dyxc * r).astype(x.dtype), s_dy.astype(x.dtype)]


def bn_grad_draw(ctx):
    arrays, kw = bn_draw(ctx)
    return [*arrays, ctx.values(arrays[0].shape, (-1.0, 1.0))], kw


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    # softmax and the cross-entropies
    Row("Softmax", lambda x, axis: tf.nn.softmax(x, axis=axis), np_softmax, softmax_draw),
    Row(
        "LogSoftmax",
        lambda x, axis: tf.nn.log_softmax(x, axis=axis),
        lambda x, axis: np_log_softmax(x, -1 if axis is None else axis),
        softmax_draw,
    ),
    Row(
        "SoftmaxCrossEntropyWithLogits",
        lambda x, y: tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x),
        np_xent,
        xent_draw,
    ),
    Row(
        "SparseSoftmaxCrossEntropyWithLogits",
        lambda x, y: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x),
        np_sparse_xent,
        sparse_xent_draw,
    ),
    # fused batch norm: the forward (training and inference, NHWC and NCHW) and its gradient op
    Row(  # "own": as TF, no gradient through the batch statistics (values: test_nn_norm_*)
        "FusedBatchNormV3",
        _bn_op,
        np_bn,
        bn_draw,
        (F32,),
        grad="own",
        tol={"rtol": 1e-4, "atol": 1e-5},
    ),
    Row(
        "FusedBatchNormGradV3",
        _bn_grads,
        np_bn_grads,
        bn_grad_draw,
        (F32,),
        grad="none",
        tol={"rtol": 1e-4, "atol": 1e-4},
    ),
    # top_k
    Row(
        "TopKV2",
        lambda x, k, sorted: list(tf.nn.top_k(x, k, sorted)),
        np_top_k,
        top_k_draw,
        NUMERIC,
    ),
    Row(
        "InTopKV2",
        lambda p, t, k: tf.nn.in_top_k(p, t, k),
        np_in_top_k,
        in_top_k_draw,
        (F32,),  # TF's InTopKV2 takes float32 predictions only
        "none",
    ),
]
BY_OP = {r.op: r for r in ROWS}
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows


# ---- beyond the table ----------------------------------------------------------------------------
@given(data=st.data())
def test_xent_second_derivatives(data):
    """Gradients of the cross-entropy's gradients (through its backprop output)."""
    ctx = Ctx(data, F64, "grad")
    (logits, labels), _ = xent_draw(ctx)

    def first_order(x, y, g):
        loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x)
        return tf.gradients(loss, [x, y], grad_ys=g)

    g = ctx.values(logits.shape[:-1])
    grad_check(first_order, [logits, labels, g], seed=data.draw(st.integers(0, 2**16)))


def test_xent_v1_passes_no_gradient_to_labels():
    g = tf.Graph()
    with g.as_default():
        logits = tf.placeholder(tf.float64, [2, 3])
        labels = tf.placeholder(tf.float64, [2, 3])
        loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        d_logits, d_labels = tf.gradients(loss, [logits, labels])
        assert d_labels is None and d_logits is not None


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax"])
def test_nan_inf_propagate_softmax(op):
    x = np.array(
        [
            [np.nan, 1.0, 2.0],
            [np.inf, 1.0, 2.0],
            [-np.inf, 1.0, 2.0],
            [-np.inf, -np.inf, -np.inf],
            [np.inf, np.inf, 0.0],
            [0.0, 1.0, 2.0],
        ]
    )
    for dtype in FLOATS:
        got, want = run_public(BY_OP[op], [x.astype(dtype)], {"axis": None})
        assert_values(got, want, {})
        assert np.isnan(got[0]).all() and np.isfinite(got[5]).all()
