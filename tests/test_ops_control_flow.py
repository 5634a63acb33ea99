"""The op table's control-flow rows: If (tf.cond), While (tf.while_loop), the TensorArray row
kernels, LoopAccumulate (a gradient loop's running sum, added in place), LoopProductSum (a loop
weight's gradient summed over the iterations' stacked rows after the loop) and ForwardShape (an If
gradient's stand-in for a forward value's shape). Every row gets the
table's checks (``op_table.table_tests``): forward values against NumPy, partially known shapes,
central-difference gradients. The semantics beyond one op (nested loops, structures, second-order
gradients, errors) are checked side by side with TF in test_control_flow_vs_tf.py.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_table import ALL, NUMERIC, Row, table_tests

import tflite_core as tf
from tflite_core import int32
from tflite_core.framework.op_util import make_tensor
from tflite_core.ops.control_flow_grad import accumulate_into
from tflite_core.ops.tensor_array_ops import add_rows, zero_rows


# ---- draws and NumPy references ------------------------------------------------------------------
def one_draw(ctx):
    return [ctx.values(ctx.shape(), (-2.0, -0.5), (0.5, 2.0))], {}


def rows_draw(ctx):
    """A stack of at least 2 rows and a row index."""
    shape = list(ctx.shape(min_dims=1))
    shape[0] = max(shape[0], 2)
    i = ctx.draw(st.integers(0, shape[0] - 1))
    return [ctx.values(tuple(shape))], {"i": i}


def rows_and_value_draw(ctx):
    shape = list(ctx.shape(min_dims=1))
    shape[0] = max(shape[0], 2)
    i = ctx.draw(st.integers(0, shape[0] - 1))
    return [ctx.values(tuple(shape)), ctx.values(tuple(shape[1:]))], {"i": i}


def scatter_draw(ctx):
    shape = list(ctx.shape(min_dims=1))
    shape[0] = max(shape[0], 2)
    k = ctx.draw(st.integers(1, shape[0]))
    idx = ctx.draw(st.permutations(range(shape[0])))[:k]
    return [ctx.values(tuple(shape)), ctx.values((k, *shape[1:]))], {"idx": list(idx)}


def two_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape), ctx.values(shape)], {}


def product_sum_draw(ctx):
    """Stacks P [T, k, m] and Q [T, k, n] (T may be 0: a loop that ran no iteration)."""
    t, k, m, n = ctx.shape(min_dims=4, max_dims=4)
    return [ctx.values((t, k, m)), ctx.values((t, k, n))], {}


def product_sum_build(p, q):
    return make_tensor("LoopProductSum", [p, q, tf.shape(p)[0]], p.dtype, None, "LoopProductSum")


def cond_build(x):  # more positive elements than negative ones: stable under small changes
    pos = tf.reduce_sum(tf.cast(x > 0, tf.int32))
    neg = tf.reduce_sum(tf.cast(x < 0, tf.int32))
    return tf.cond(pos > neg, lambda: x * x, lambda: x - 1)


def cond_ref(x):
    return x * x if (x > 0).sum() > (x < 0).sum() else x - 1


def while_build(x):
    def body(i, s):
        return i + 1, s * x + x

    return tf.while_loop(lambda i, s: i < 3, body, (tf.constant(0), x))[1]


def while_ref(x):
    s = x
    for _ in range(3):
        s = s * x + x
    return s


def write_build(rows, value, i):
    ta = tf.TensorArray(rows.dtype, size=tf.shape(rows)[0]).unstack(rows)
    return ta.write(i, value).stack()


def write_ref(rows, value, i):
    out = rows.copy()
    out[i] = value
    return out


def scatter_build(rows, values, idx):
    return (
        tf.TensorArray(rows.dtype, size=tf.shape(rows)[0])
        .unstack(rows)
        .scatter(idx, values)
        .stack()
    )


def scatter_ref(rows, values, idx):
    out = rows.copy()
    out[idx] = values
    return out


def zero_rows_ref(rows, i):
    out = rows.copy()
    out[i] = 0
    return out


def add_rows_ref(rows, value, i):
    out = rows.copy()
    out[i] += value
    return out


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    Row("If", cond_build, cond_ref, one_draw, NUMERIC),
    Row("While", while_build, while_ref, one_draw, NUMERIC),
    Row("LoopAccumulate", accumulate_into, np.add, two_draw, NUMERIC),
    Row(
        "LoopProductSum",
        product_sum_build,
        lambda p, q: np.einsum("tkm,tkn->mn", p, q),
        product_sum_draw,
    ),
    Row("TensorArrayWrite", write_build, write_ref, rows_and_value_draw, ALL),
    Row(
        "TensorArrayRead",
        lambda rows, i: tf.TensorArray(rows.dtype, size=tf.shape(rows)[0]).unstack(rows).read(i),
        lambda rows, i: rows[i],
        rows_draw,
        ALL,
    ),
    Row("TensorArrayScatter", scatter_build, scatter_ref, scatter_draw, ALL),
    Row(
        # the shape of a forward value of an If branch in the other branch (the compiler probes
        # the branch and fills the box; here the box is filled as it would be)
        "ForwardShape",
        lambda x: make_tensor(
            "ForwardShape", [], int32, {"rank": x.ndim, "_box": {"value": np.array(x.shape)}}
        ),
        lambda x: np.array(x.shape, np.int32),
        one_draw,
        NUMERIC,
        "none",
        feed="value",
    ),
    Row("TensorArrayZeroRows", lambda r, i: zero_rows(r, i), zero_rows_ref, rows_draw, ALL),
    Row(
        "TensorArrayAddRows",
        lambda r, v, i: add_rows(r, [i], tf.expand_dims(v, 0)),
        add_rows_ref,
        rows_and_value_draw,
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
