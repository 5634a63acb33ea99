"""The op table's math rows: elementwise binary ops (with broadcasting), comparisons,
elementwise unary ops and activations, add_n, reductions, argmax/argmin, matmul, and the gradient
helpers that ``tf.gradients`` makes for them (ReducedShape, ProdGrad, ReluGrad, SigmoidGrad,
TanhGrad).

Every row gets the table's checks (``op_table.table_tests``). Beyond the table: gradients at the
kinks where central differences do not apply (TF 1.x's documented choices), and NaN and Inf
propagating as in NumPy through elementwise ops, reductions and argmax/argmin.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st
from op_table import (
    ALL,
    FLOATS,
    NUMERIC,
    Row,
    assert_values,
    away,
    np_axis,
    np_reduce,
    run_public,
    table_tests,
    unary,
)

import tflite_core as tf


# ---- NumPy references ----------------------------------------------------------------------------
def np_sigmoid(x):
    return (1 / (1 + np.exp(-x))).astype(x.dtype)


def np_relu(x):
    return np.maximum(x, np.zeros_like(x))


def np_pow(x, y):
    r = np.power(x, y)
    if x.dtype.kind == "f":  # C's pow, as TF: NumPy takes x ** 0.5 as sqrt(x), NaN at -inf
        r = np.where((y == 0.5) & (x == -np.inf), x.dtype.type(np.inf), r)
    return r


def np_division(kind):
    """TF's FloorDiv/FloorMod/TruncateDiv/TruncateMod (C's / and % for integers, adjusted)."""

    def ref(x, y):
        if x.dtype.kind == "f":
            q = x / y
            r = np.fmod(x, y)
            fixed = np.where((r != 0) & ((r < 0) != (y < 0)), r + y, r)
            return {"fd": np.floor(q), "td": np.trunc(q), "tm": r, "fm": fixed}[kind]
        r = np.fmod(x, y)
        q = (x - r) // y
        adjust = (r != 0) & ((r < 0) != (y < 0))
        return {"td": q, "tm": r, "fd": q - adjust, "fm": np.where(adjust, r + y, r)}[kind]

    return ref


def division_draw(ctx):
    """Divisors away from 0 (integer zero divisors are errors, tested beside TF); for gradients,
    quotients away from integers (FloorMod's jumps)."""
    (sa, sb), _ = ctx.bcast()
    if ctx.grad:
        a = ctx.values(sa, (-2.75, -2.25), (-0.75, -0.25), (0.25, 0.75), (2.25, 2.75))
        return [a, ctx.values(sb, (-1.1, -1.0), (1.0, 1.1))], {}
    return [ctx.values(sa, (-9.0, 9.0)), ctx.values(sb, (-4.0, -1.0), (1.0, 4.0))], {}


def reduced_shape(shape, axis, keepdims):
    axes = (
        range(len(shape))
        if axis is None
        else [a % len(shape) for a in ([axis] if isinstance(axis, int) else axis)]
    )
    return (
        tuple(1 if i in axes else d for i, d in enumerate(shape))
        if keepdims
        else tuple(d for i, d in enumerate(shape) if i not in axes)
    )


def np_mean(x, axis=None, keepdims=False):
    ax = np_axis(axis)
    n = x.size // max(1, int(np.prod(reduced_shape(x.shape, axis, True)))) if x.size else 0
    if x.dtype.kind == "f":
        s = np.sum(x.astype(np.float64), axis=ax, keepdims=keepdims)
        return np.asarray(s / n if n else s * np.nan).astype(x.dtype)
    s = np.asarray(np.sum(x, axis=ax, keepdims=keepdims, dtype=np.int64))
    q = np.abs(s) // max(n, 1) * np.sign(s)  # C-style division, toward zero (as TF)
    return q.astype(x.dtype)


def np_extreme(fn):
    def ref(x, axis=None, keepdims=False):
        return np.asarray(fn(x, axis=np_axis(axis), keepdims=keepdims)).astype(x.dtype)

    return ref


def np_prod_grad(x, g, axis=None):
    """d prod(x over axis) / dx times g (kept dims), element by element (exact with zeros)."""
    kept = reduced_shape(x.shape, axis, True)
    gk = np.broadcast_to(g.reshape(kept), x.shape)
    out = np.empty_like(x)
    for j in range(x.size):
        others = x.copy()
        others.flat[j] = 1
        p = np.broadcast_to(np.prod(others, axis=np_axis(axis), keepdims=True), x.shape)
        out.flat[j] = p.flat[j] * gk.flat[j]
    return out


def np_matmul(a, b, transpose_a, transpose_b):
    a, b = (a.T if transpose_a else a), (b.T if transpose_b else b)
    if a.dtype.kind == "f":
        return (a.astype(np.float64) @ b.astype(np.float64)).astype(a.dtype)
    return a @ b


def np_batch_matmul(a, b, adjoint_a, adjoint_b):
    a = np.swapaxes(a, -1, -2) if adjoint_a else a
    b = np.swapaxes(b, -1, -2) if adjoint_b else b
    if a.dtype.kind == "f":
        return np.matmul(a.astype(np.float64), b.astype(np.float64)).astype(a.dtype)
    return np.matmul(a, b)


# ---- draws ---------------------------------------------------------------------------------------
def binary(fwd_a=(-5.0, 5.0), fwd_b=(-5.0, 5.0), grad_a=((-3.0, 3.0),), grad_b=((-3.0, 3.0),)):
    def draw(ctx):
        (sa, sb), _ = ctx.bcast()
        if ctx.grad:
            return [ctx.values(sa, *grad_a), ctx.values(sb, *grad_b)], {}
        return [ctx.values(sa, fwd_a), ctx.values(sb, fwd_b)], {}

    return draw


MAX_MIN_GRAD_A = ((-3.0, -2.0), (0.0, 1.0))  # a and b never within 0.5 of each other
MAX_MIN_GRAD_B = ((-1.5, -0.5), (1.5, 2.5))


def add_n_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape) for _ in range(ctx.draw(st.integers(2, 4)))], {}


def compare_draw(ctx):
    (sa, sb), _ = ctx.bcast()
    return [ctx.grid(sa), ctx.grid(sb)], {}


def reduce_draw(kind):
    def draw(ctx):
        nonempty = kind in ("max", "min")
        shape = ctx.shape(max_side=3 if kind == "prod" else 4)
        if nonempty:
            shape = tuple(max(d, 1) for d in shape)
        if ctx.grad and nonempty:
            x = ctx.distinct(shape)
        elif ctx.grad and kind == "prod":  # zeros too: the gradient is exact there
            x = ctx.values(shape, (-1.5, -0.5), (0.0, 0.0), (0.5, 1.5))
        else:
            x = ctx.values(shape, (-2.0, 2.0) if kind == "prod" else (-50.0, 50.0))
        return [x], {"axis": ctx.axis(len(shape)), "keepdims": ctx.draw(st.booleans())}

    return draw


def reduce_row(op, fn, ref, kind):
    return Row(
        op,
        lambda x, axis, keepdims: fn(x, axis=axis, keepdims=keepdims),
        ref,
        reduce_draw(kind),
        NUMERIC,
    )


def arg_draw(ctx):
    shape = list(ctx.shape(min_dims=1))
    axis = ctx.draw(st.integers(-len(shape), len(shape) - 1))
    shape[axis] = max(shape[axis], 1)
    return [ctx.grid(tuple(shape))], {"axis": axis}


def matmul_draw(ctx):
    lo, hi = ctx._sides(5)
    m, k, n = (ctx.draw(st.integers(lo, hi)) for _ in range(3))
    ta, tb = ctx.draw(st.booleans()), ctx.draw(st.booleans())
    a = ctx.values((k, m) if ta else (m, k), (-3.0, 3.0))
    b = ctx.values((n, k) if tb else (k, n), (-3.0, 3.0))
    return [a, b], {"transpose_a": ta, "transpose_b": tb}


def batch_matmul_draw(ctx):
    """Batches of matrices, the batch dimensions broadcast (a rank-2 side too)."""
    lo, hi = ctx._sides(4)
    m, k, n = (ctx.draw(st.integers(max(lo, 1) if ctx.mode == "partial" else lo, hi))
               for _ in range(3))  # fmt: skip
    batch = ctx.draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))
    ba = [d if ctx.draw(st.booleans()) else 1 for d in batch]
    bb = [d if ctx.draw(st.booleans()) else 1 for d in batch]
    if ctx.draw(st.booleans()):
        bb = bb[1:]  # fewer batch dimensions on one side
    ta, tb = ctx.draw(st.booleans()), ctx.draw(st.booleans())
    a = ctx.values((*ba, k, m) if ta else (*ba, m, k), (-3.0, 3.0))
    b = ctx.values((*bb, n, k) if tb else (*bb, k, n), (-3.0, 3.0))
    return [a, b], {"adjoint_a": ta, "adjoint_b": tb}


def reduced_grad_draw(ctx):
    x = ctx.values(ctx.shape(min_dims=1))
    axis = ctx.axis(x.ndim)
    return [x, ctx.values(reduced_shape(x.shape, axis, False))], {"axis": axis}


def prod_grad_draw(ctx):
    x = ctx.values(ctx.shape(min_dims=1, max_side=3), (-1.5, -0.5), (0.0, 0.0), (0.5, 1.5))
    axis = ctx.axis(x.ndim)
    return [x, ctx.values(reduced_shape(x.shape, axis, False))], {"axis": axis}


def act_grad_draw(lo, hi):
    def draw(ctx):
        shape = ctx.shape()
        return [ctx.values(shape, *away(lo, hi)), ctx.values(shape)], {}

    return draw


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    # elementwise binary, with broadcasting
    Row("Add", tf.add, np.add, binary(), NUMERIC),
    Row("Sub", lambda a, b: a - b, np.subtract, binary(), NUMERIC),
    Row("Mul", tf.multiply, np.multiply, binary(), NUMERIC),
    Row("RealDiv", lambda a, b: a / b, np.true_divide, binary(grad_b=away(0.5, 2.0)), NUMERIC),
    Row(
        "Maximum",
        tf.maximum,
        np.maximum,
        binary(grad_a=MAX_MIN_GRAD_A, grad_b=MAX_MIN_GRAD_B),
        NUMERIC,
    ),
    Row(
        "Minimum",
        tf.minimum,
        np.minimum,
        binary(grad_a=MAX_MIN_GRAD_A, grad_b=MAX_MIN_GRAD_B),
        NUMERIC,
    ),
    Row(
        "Pow",
        tf.pow,
        np_pow,
        binary((-3.0, 3.0), (0.0, 3.0), ((0.5, 2.0),), ((-2.0, 2.0),)),
        NUMERIC,
    ),
    Row("FloorDiv", lambda a, b: a // b, np_division("fd"), division_draw, NUMERIC, "none"),
    Row("FloorMod", lambda a, b: a % b, np_division("fm"), division_draw, NUMERIC),
    Row("TruncateDiv", tf.truncatediv, np_division("td"), division_draw, NUMERIC, "none"),
    # TruncateMod: no gradient registered, as TF (tf.gradients raises LookupError; tested in
    # test_integer_semantics.py), so neither the gradient check nor the None check applies
    Row("TruncateMod", tf.truncatemod, np_division("tm"), division_draw, NUMERIC, "lookup"),
    # comparisons
    Row("Equal", tf.equal, np.equal, compare_draw, ALL, "none"),
    Row("NotEqual", tf.not_equal, np.not_equal, compare_draw, ALL, "none"),
    Row("Less", lambda a, b: a < b, np.less, compare_draw, NUMERIC, "none"),
    Row("LessEqual", lambda a, b: a <= b, np.less_equal, compare_draw, NUMERIC, "none"),
    Row("Greater", lambda a, b: a > b, np.greater, compare_draw, NUMERIC, "none"),
    Row("GreaterEqual", tf.greater_equal, np.greater_equal, compare_draw, NUMERIC, "none"),
    # elementwise unary
    Row("Neg", lambda x: -x, np.negative, unary(), NUMERIC),
    Row("Abs", tf.abs, np.abs, unary(grad=away(0.1, 3.0)), NUMERIC),
    Row("Sigmoid", tf.sigmoid, np_sigmoid, unary((-30.0, 30.0))),
    Row("Tanh", tf.nn.tanh, np.tanh, unary((-20.0, 20.0))),
    Row("Exp", tf.exp, np.exp, unary((-20.0, 20.0))),
    Row("Log", tf.log, np.log, unary((0.0, 50.0), ((0.5, 3.0),))),
    Row("Sqrt", tf.sqrt, np.sqrt, unary((0.0, 50.0), ((0.5, 3.0),))),
    Row("Square", tf.square, np.square, unary(), NUMERIC),
    Row("Reciprocal", tf.reciprocal, np.reciprocal, unary(grad=away(0.5, 3.0))),
    Row("Sign", tf.sign, np.sign, unary(grad=away(0.1, 3.0)), NUMERIC),
    Row("Floor", tf.floor, np.floor, unary(), FLOATS, "none"),
    Row("Relu", tf.nn.relu, np_relu, unary(grad=away(0.1, 3.0)), NUMERIC),
    Row(
        "AddN", lambda *xs: tf.add_n(list(xs)), lambda *xs: sum(xs[1:], xs[0]), add_n_draw, NUMERIC
    ),
    # reductions
    reduce_row("Sum", tf.reduce_sum, np_reduce(np.sum), "sum"),
    reduce_row("Mean", tf.reduce_mean, np_mean, "mean"),
    reduce_row("Max", tf.reduce_max, np_extreme(np.max), "max"),
    reduce_row("Min", tf.reduce_min, np_extreme(np.min), "min"),
    reduce_row("Prod", tf.reduce_prod, np_reduce(np.prod), "prod"),
    Row(
        "ArgMax",
        lambda x, axis: tf.argmax(x, axis),
        lambda x, axis: np.argmax(x, axis),
        arg_draw,
        NUMERIC,
        "none",
    ),
    Row(
        "ArgMin",
        lambda x, axis: tf.argmin(x, axis=axis),
        lambda x, axis: np.argmin(x, axis),
        arg_draw,
        NUMERIC,
        "none",
    ),
    # linear algebra
    Row("MatMul", tf.matmul, np_matmul, matmul_draw, NUMERIC),
    Row("BatchMatMulV2", tf.matmul, np_batch_matmul, batch_matmul_draw, NUMERIC),
    # gradient helpers made by tf.gradients
    Row(
        "ReducedShape",
        lambda x, g, axis: tf.gradients(tf.reduce_sum(x, axis=axis), x, grad_ys=g)[0],
        lambda x, g, axis: np.broadcast_to(
            g.reshape(reduced_shape(x.shape, axis, True)), x.shape
        ).copy(),
        reduced_grad_draw,
        grad="none",
    ),
    Row(
        "ProdGrad",
        lambda x, g, axis: tf.gradients(tf.reduce_prod(x, axis=axis), x, grad_ys=g)[0],
        np_prod_grad,
        prod_grad_draw,
        grad="none",
    ),
    Row(
        "ReluGrad",
        lambda x, g: tf.gradients(tf.nn.relu(x), x, grad_ys=g)[0],
        lambda x, g: g * (x > 0),
        act_grad_draw(0.1, 3.0),
    ),
    Row(
        "SigmoidGrad",
        lambda x, g: tf.gradients(tf.sigmoid(x), x, grad_ys=g)[0],
        lambda x, g: g * np_sigmoid(x) * (1 - np_sigmoid(x)),
        act_grad_draw(0.0, 3.0),
    ),
    Row(
        "TanhGrad",
        lambda x, g: tf.gradients(tf.tanh(x), x, grad_ys=g)[0],
        lambda x, g: g * (1 - np.tanh(x) ** 2),
        act_grad_draw(0.0, 3.0),
    ),
]
BY_OP = {r.op: r for r in ROWS}
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows


# ---- gradients at kinks --------------------------------------------------------------------------
def test_gradients_at_kinks_follow_tf():
    """Where central differences do not apply, TF 1.x's documented choices: reduce_max splits
    the gradient equally among tied maxima, maximum/minimum send it to x on ties, and relu, abs
    and sign have gradient 0 at 0."""
    g = tf.Graph()
    with g.as_default():
        x = tf.constant([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], tf.float64)
        y = tf.constant([[1.0, 0.0, 3.0], [5.0, 2.0, -1.0]], tf.float64)
        z = tf.constant([0.0, -1.0, 2.0], tf.float64)
        fetch = [
            tf.gradients(tf.reduce_max(x, axis=1), x)[0],
            tf.gradients(tf.reduce_min(x), x)[0],
            *tf.gradients(tf.maximum(x, y), [x, y]),
            *tf.gradients(tf.minimum(x, y), [x, y]),
            tf.gradients(tf.nn.relu(z), z)[0],
            tf.gradients(tf.abs(z), z)[0],
            tf.gradients(tf.sign(z), z)[0],
        ]
        with tf.Session() as sess:
            out = sess.run(fetch)
    third = 1 / 3
    want = [
        [[0, 0.5, 0.5], [third, third, third]],
        [[1, 0, 0], [0, 0, 0]],
        [[1, 1, 1], [0, 1, 1]],
        [[0, 0, 0], [1, 0, 0]],
        [[1, 0, 1], [1, 1, 0]],
        [[0, 1, 0], [0, 0, 1]],
        [0, 0, 1],
        [0, -1, 1],
        [0, 0, 0],
    ]
    for got, w in zip(out, want):
        np.testing.assert_allclose(got, w, rtol=1e-15)


# ---- NaN and Inf propagate as in NumPy -----------------------------------------------------------
SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -3.0])
ELEMENTWISE_UNARY = [
    "Neg",
    "Abs",
    "Sigmoid",
    "Tanh",
    "Exp",
    "Log",
    "Sqrt",
    "Square",
    "Reciprocal",
    "Sign",
    "Relu",
]
ELEMENTWISE_BINARY = [
    "Add",
    "Sub",
    "Mul",
    "RealDiv",
    "Maximum",
    "Minimum",
    "Pow",
    "Equal",
    "NotEqual",
    "Less",
    "LessEqual",
    "Greater",
    "GreaterEqual",
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("op", ELEMENTWISE_UNARY)
def test_nan_inf_propagate_unary(op, dtype):
    got, want = run_public(BY_OP[op], [SPECIAL.astype(dtype)])
    assert_values(got, want, {})


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("op", ELEMENTWISE_BINARY)
def test_nan_inf_propagate_binary(op, dtype):
    a, b = np.meshgrid(SPECIAL, SPECIAL, indexing="ij")
    got, want = run_public(BY_OP[op], [a.astype(dtype), b.astype(dtype)])
    assert_values(got, want, {})
    # broadcasting a row of specials against a column as well
    got, want = run_public(BY_OP[op], [SPECIAL[:, None].astype(dtype), SPECIAL.astype(dtype)])
    assert_values(got, want, {})


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("op", ["Sum", "Mean", "Max", "Min", "Prod"])
def test_nan_inf_propagate_reductions(op, axis):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(6, 5))
    for i, v in enumerate([np.nan, np.inf, -np.inf, np.inf, 0.0]):
        x[i, (2 * i) % 5] = v  # rows 0-3: one NaN or infinity each, in different columns
    x[5, 0], x[5, 1] = np.inf, -np.inf  # +inf and -inf in one row: a NaN sum
    for dtype in FLOATS:
        got, want = run_public(BY_OP[op], [x.astype(dtype)], {"axis": axis, "keepdims": False})
        assert_values(got, want, {})


def test_nan_wins_argmax_and_argmin_as_numpy():
    x = np.array([[1.0, np.nan, 3.0, np.nan], [np.inf, 2.0, -np.inf, 0.0]])
    for op in ("ArgMax", "ArgMin"):
        for axis in (0, 1):
            got, want = run_public(BY_OP[op], [x], {"axis": axis})
            assert_values(got, want, {})
