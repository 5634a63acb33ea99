"""The op table's state rows: variables, assignments, NoOp (tf.group) and the optimisers'
dense and sparse updates (Apply*, SparseApply*), run as steps in one session and replayed in
NumPy from TF's formulas.

Every row gets the table's checks (``op_table.table_tests``); beyond the table: the gradient with
respect to a variable.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_table import ALL, FLOATS, NUMERIC, Row, Steps, np_reduce, table_tests

import tflite_core as tf


# ---- variables and dense updates -----------------------------------------------------------------
def variable_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape, (-50.0, 50.0))], {"init": ctx.values(shape, (-50.0, 50.0))}


def build_assign(fn):
    def build(x, init):
        v = tf.Variable(init)
        return Steps([fn(v, x), v.value()])

    return build


def build_noop(x):
    """tf.group (a NoOp) runs its control inputs: here an assignment, read back afterwards."""
    v = tf.Variable(np.zeros((), x.dtype.np))
    return Steps([tf.group(tf.assign(v, tf.reduce_sum(x))), v.value()])


def build_apply_gd(g, init, lr):
    v = tf.Variable(init)
    step = tf.train.GradientDescentOptimizer(lr).apply_gradients([(g, v)])
    return Steps([step, v.value()])


def gd_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape)], {
        "init": ctx.values(shape),
        "lr": ctx.draw(st.floats(0.0, 2.0, width=32)),
    }


# the other optimisers: two steps with the same gradient, replayed in NumPy from TF's formulas
OPTIMIZERS = {
    "ApplyMomentum": lambda kw: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=kw["nesterov"]),
    "ApplyAdam": lambda kw: tf.train.AdamOptimizer(0.01, 0.9, 0.999, 1e-8),
    "ApplyAdagrad": lambda kw: tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.1),
    "ApplyRMSProp": lambda kw: tf.train.RMSPropOptimizer(0.01, decay=0.9, momentum=0.5),
}
# the l1/l2-regularised updates and Adadelta, with hyper-parameters exact in float32 (TF's dense
# proximal updates take the rates in the variable's dtype: constants of that dtype)
REGULARISED = {
    "Adadelta": lambda kw: tf.train.AdadeltaOptimizer(0.5, rho=0.875, epsilon=2.0**-20),
    "ProximalGradientDescent": lambda kw: tf.train.ProximalGradientDescentOptimizer(
        *(tf.constant(h, kw["dtype"]) for h in (0.25, 0.0625, 0.125))
    ),
    "ProximalAdagrad": lambda kw: tf.train.ProximalAdagradOptimizer(
        tf.constant(0.25, kw["dtype"]),
        0.125,
        tf.constant(0.0625, kw["dtype"]),
        tf.constant(0.125, kw["dtype"]),
    ),
    "AdagradDA": lambda kw: tf.train.AdagradDAOptimizer(
        0.25, tf.constant(np.int64(2)), 0.125, 0.0625, 0.125
    ),
    "Ftrl": lambda kw: tf.train.FtrlOptimizer(
        0.25, -0.75, 0.125, l1_regularization_strength=0.0625, l2_regularization_strength=0.125
    ),
    "FtrlV2": lambda kw: tf.train.FtrlOptimizer(
        0.25, -0.5, 0.125, 0.0625, 0.125, l2_shrinkage_regularization_strength=0.25
    ),
    "CenteredRMSProp": lambda kw: tf.train.RMSPropOptimizer(
        0.25, 0.875, 0.5, 2.0**-20, centered=True
    ),
}
OPTIMIZERS.update({"Apply" + k: v for k, v in REGULARISED.items()})


def _prox(v, rate, l1, l2):
    return np.sign(v) * np.maximum(np.abs(v) - rate * l1, 0) / (1 + l2 * rate)


def regularised_step(kind, var, a, b, g):
    """One step of ``REGULARISED[kind]`` in float64 from TF's formulas; returns var, a, b."""
    if kind == "Adadelta":
        a = 0.875 * a + 0.125 * g * g
        d = np.sqrt(b + 2.0**-20) / np.sqrt(a + 2.0**-20) * g
        return var - 0.5 * d, a, 0.875 * b + 0.125 * d * d
    if kind == "ProximalGradientDescent":
        return _prox(var - 0.25 * g, 0.25, 0.0625, 0.125), a, b
    if kind == "ProximalAdagrad":
        a = a + g * g
        rate = 0.25 / np.sqrt(a)
        return _prox(var - rate * g, rate, 0.0625, 0.125), a, b
    if kind == "AdagradDA":  # t = global_step + 1 = 3
        a, b = a + g, b + g * g
        num = np.sign(a) * np.maximum(np.abs(a) - 3 * 0.0625, 0)
        return -0.25 * num / (0.125 * 3 * 0.25 + np.sqrt(b)), a, b
    if kind in ("RMSProp", "CenteredRMSProp"):  # a: ms, b: mom (mg kept in the closure below)
        return _rms_prop_step(kind, var, a, b, g)
    p, shrink = (-0.75, 0.0) if kind == "Ftrl" else (-0.5, 0.25)
    fresh = a + g * g
    b = b + g + 2 * shrink * var - (fresh**-p - a**-p) / 0.25 * var
    quad = fresh**-p / 0.25 + 2 * 0.125
    var = np.where(np.abs(b) > 0.0625, (np.sign(b) * 0.0625 - b) / quad, 0.0)
    return var, fresh, b


def _rms_prop_step(kind, var, ms, mom_mg, g):
    """RMSProp (lr 0.25, decay 0.875, momentum 0.5, epsilon 2^-20); centered: ``mom_mg`` holds
    the momentum and mean gradient side by side on a new last axis."""
    ms = 0.875 * ms + 0.125 * g * g
    if kind == "CenteredRMSProp":
        mom, mg = mom_mg[..., 0], 0.875 * mom_mg[..., 1] + 0.125 * g
        mom = 0.5 * mom + 0.25 * g / np.sqrt(ms - mg * mg + 2.0**-20)
        return var - mom, ms, np.stack([mom, mg], axis=-1)
    mom = 0.5 * mom_mg + 0.25 * g / np.sqrt(ms + 2.0**-20)
    return var - mom, ms, mom


def regularised_slots(kind, var):
    """The slots' initial values (a, b) of ``REGULARISED[kind]``."""
    if kind in ("RMSProp", "CenteredRMSProp"):
        b = np.zeros((*var.shape, 2)) if kind == "CenteredRMSProp" else np.zeros_like(var)
        return np.ones_like(var), b
    a = np.full_like(var, 0.0 if kind in ("Adadelta", "AdagradDA") else 0.125)
    b = np.full_like(var, 0.125 if kind == "AdagradDA" else 0.0)
    return a, b


def build_optimizer(op_type):
    def build(g, init, nesterov):
        v = tf.Variable(init)
        kw = {"nesterov": nesterov, "dtype": g.dtype}
        step = OPTIMIZERS[op_type](kw).apply_gradients([(g, v)])
        return Steps([step, step, v.value()])

    return build


def ref_optimizer(op_type):
    if op_type.removeprefix("Apply") in REGULARISED:
        kind = op_type.removeprefix("Apply")

        def ref_regularised(g, init, nesterov):
            var, g = init.astype(np.float64), g.astype(np.float64)
            a, b = regularised_slots(kind, var)
            for _ in (1, 2):
                var, a, b = regularised_step(kind, var, a, b, g)
            return [None, None, var.astype(init.dtype)]

        return ref_regularised

    f = np.float32  # hyper-parameters are float32 constants, cast to the variable's dtype

    def ref(g, init, nesterov):
        g, var = g.astype(np.float64), init.astype(np.float64)
        lr = {"ApplyAdam": f(0.01), "ApplyRMSProp": f(0.01)}.get(op_type, f(0.1))
        m9, b1, b2, d9, m5 = f(0.9), f(0.9), f(0.999), f(0.9), f(0.5)
        b1p, b2p = f(1), f(1)
        a, b = np.zeros_like(var), np.zeros_like(var)
        if op_type == "ApplyAdagrad":
            a += 0.1
        if op_type == "ApplyRMSProp":
            a += 1.0
        lr, m9, b1, b2, d9, m5 = (float(h) for h in (lr, m9, b1, b2, d9, m5))
        for _ in (1, 2):
            if op_type == "ApplyMomentum":
                a = m9 * a + g
                var = var - (lr * g + lr * m9 * a if nesterov else lr * a)
            elif op_type == "ApplyAdam":
                b1p, b2p = f(b1p * f(b1)), f(b2p * f(b2))  # beta powers: float32 variables
                lr_t = lr * np.sqrt(1 - float(b2p)) / (1 - float(b1p))
                a = b1 * a + (1 - b1) * g
                b = b2 * b + (1 - b2) * g * g
                var = var - lr_t * a / (np.sqrt(b) + float(f(1e-8)))
            elif op_type == "ApplyAdagrad":
                a = a + g * g
                var = var - lr * g / np.sqrt(a)
            else:
                a = d9 * a + (1 - d9) * g * g
                b = m5 * b + lr * g / np.sqrt(a + float(f(1e-10)))
                var = var - b
        return [None, None, var.astype(init.dtype)]

    return ref


def optimizer_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape)], {
        "init": ctx.values(shape),
        "nesterov": ctx.draw(st.booleans()),
    }


# ---- sparse updates ------------------------------------------------------------------------------
SPARSE_OPTIMIZERS = {
    "SparseApplyGradientDescent": lambda kw: tf.train.GradientDescentOptimizer(0.1),
    "SparseApplyMomentum": lambda kw: tf.train.MomentumOptimizer(
        0.1, 0.9, use_nesterov=kw["nesterov"]
    ),
    "SparseApplyAdam": lambda kw: tf.train.AdamOptimizer(0.01, 0.9, 0.999, 1e-8),
    "SparseApplyAdagrad": lambda kw: tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.1),
    **{"SparseApply" + k: v for k, v in REGULARISED.items()},
    "SparseApplyRMSProp": lambda kw: tf.train.RMSPropOptimizer(0.25, 0.875, 0.5, 2.0**-20),
}


def sparse_optimizer_draw(ctx):
    rows = ctx.draw(st.integers(1, 5))
    inner = list(ctx.shape(max_dims=2))
    ids = ctx.draw(st.lists(st.integers(0, rows - 1), min_size=0, max_size=6))
    return [ctx.values(tuple([len(ids), *inner]))], {
        "init": ctx.values(tuple([rows, *inner])),
        "ids": ids,
        "nesterov": ctx.draw(st.booleans()),
    }


def build_sparse_optimizer(op_type):
    def build(values, init, ids, nesterov):
        v = tf.Variable(init)
        g = tf.IndexedSlices(values, tf.constant(np.array(ids, np.int64)), tf.shape(v))
        kw = {"nesterov": nesterov, "dtype": v.dtype.base_dtype}
        step = SPARSE_OPTIMIZERS[op_type](kw).apply_gradients([(g, v)])
        return Steps([step, step, v.value()])

    return build


def ref_sparse_optimizer(op_type):
    """Two steps replayed in float64 from TF's formulas: duplicate ids summed, only their rows
    updated (Adam: TF 1.x's dense decay of m and v and dense step of the variable)."""
    f = np.float32

    def ref(values, init, ids, nesterov):
        var = init.astype(np.float64)
        grad = np.zeros_like(var)
        np.add.at(grad, np.array(ids, np.int64), values.astype(np.float64))
        r = np.unique(np.array(ids, np.int64))
        g = grad[r]
        kind = op_type.removeprefix("SparseApply")
        if kind in REGULARISED or kind == "RMSProp":  # the dense step on the rows named
            a, b = regularised_slots(kind, var)
            for _ in (1, 2):
                var[r], a[r], b[r] = regularised_step(kind, var[r], a[r], b[r], g)
            return [None, None, var.astype(init.dtype)]
        lr = float(f(0.01) if op_type == "SparseApplyAdam" else f(0.1))
        m9, b1, b2, eps = float(f(0.9)), float(f(0.9)), float(f(0.999)), float(f(1e-8))
        a = np.full_like(var, 0.1 if op_type == "SparseApplyAdagrad" else 0.0)
        b = np.zeros_like(var)
        b1p, b2p = f(1), f(1)
        for _ in (1, 2):
            if op_type == "SparseApplyGradientDescent":
                var[r] -= lr * g
            elif op_type == "SparseApplyMomentum":
                a[r] = m9 * a[r] + g
                var[r] -= lr * g + lr * m9 * a[r] if nesterov else lr * a[r]
            elif op_type == "SparseApplyAdagrad":
                a[r] += g * g
                var[r] -= lr * g / np.sqrt(a[r])
            else:
                b1p, b2p = f(b1p * f(0.9)), f(b2p * f(0.999))
                lr_t = lr * np.sqrt(1 - float(b2p)) / (1 - float(b1p))
                a *= b1
                a[r] += (1 - b1) * g
                b *= b2
                b[r] += (1 - b2) * g * g
                var = var - lr_t * a / (np.sqrt(b) + eps)
        return [None, None, var.astype(init.dtype)]

    return ref


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    # variables and control
    Row(
        "NoOp",
        build_noop,
        lambda x: [None, np_reduce(np.sum)(x)],
        lambda ctx: ([ctx.values(ctx.shape())], {}),
        NUMERIC,
        "none",
    ),
    Row(
        "VariableV2",
        lambda x: tf.Variable(x).value(),
        lambda x: x,
        lambda ctx: ([ctx.values(ctx.shape())], {}),
        ALL,
        "none",
        feed="value",
    ),
    Row("Assign", build_assign(tf.assign), lambda x, init: [x, x], variable_draw, ALL, "none"),
    Row(
        "AssignAdd",
        build_assign(tf.assign_add),
        lambda x, init: [init + x] * 2,
        variable_draw,
        NUMERIC,
        "none",
    ),
    Row(
        "AssignSub",
        build_assign(tf.assign_sub),
        lambda x, init: [init - x] * 2,
        variable_draw,
        NUMERIC,
        "none",
    ),
    # optimiser updates
    Row(
        "ApplyGradientDescent",
        build_apply_gd,
        lambda g, init, lr: [None, init - g.dtype.type(lr) * g],
        gd_draw,
        FLOATS,
        "none",
    ),
    *[
        Row(t, build_optimizer(t), ref_optimizer(t), optimizer_draw, FLOATS, "none")
        for t in OPTIMIZERS
    ],
    *[
        Row(
            t,
            build_sparse_optimizer(t),
            ref_sparse_optimizer(t),
            sparse_optimizer_draw,
            FLOATS,
            "none",
        )
        for t in SPARSE_OPTIMIZERS
    ],
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows


# ---- beyond the table ----------------------------------------------------------------------------
def test_gradient_wrt_a_variable():
    """d/dW of sum(matmul(x, W) * C), with W a variable moved by ``load``."""
    rng = np.random.default_rng(1)
    x0, w0, c = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    g = tf.Graph()
    with g.as_default():
        w = tf.Variable(w0)
        loss = tf.reduce_sum(tf.matmul(tf.constant(x0), w) * c)
        (dw,) = tf.gradients(loss, [w])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run(dw)
    np.testing.assert_allclose(got, x0.T @ c, rtol=1e-12)
