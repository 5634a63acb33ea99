"""The op table's rows of the ops whose output sizes depend on input values: Where (one
argument), Unique, UniqueWithCounts, ListDiff, DynamicPartition and DynamicStitch. Every row gets
the table's checks (``op_table.table_tests``); beyond the table: values computed in the graph
(a pre-plan computes them each run), and bad partitions.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import ALL, BOOL, I32, NUMERIC, Row, table_tests

import tflite_core as tf


# ---- draws and NumPy references ------------------------------------------------------------------
def where_draw(ctx):
    dt = ctx.draw(st.sampled_from([BOOL, ctx.dtype]))
    return [ctx.grid(ctx.shape(), -1, 1, dtype=dt)], {}


def np_unique(x, out_idx=tf.int32, counts=False):
    ys, idx, cnt = [], [], []
    seen: dict = {}
    for v in x.tolist():
        key = 0 if v == 0 else v
        if key not in seen:
            seen[key] = len(ys)
            ys.append(v)
            cnt.append(0)
        cnt[seen[key]] += 1
        idx.append(seen[key])
    out = [np.array(ys, x.dtype), np.array(idx, out_idx.as_numpy_dtype)]
    return [*out, np.array(cnt, out_idx.as_numpy_dtype)] if counts else out


def unique_draw(ctx):
    n = ctx.draw(st.integers(0 if ctx.mode == "forward" else 1, 8))
    x = ctx.grid((n,), -3, 3)
    return [x], {"out_idx": ctx.draw(st.sampled_from([tf.int32, tf.int64]))}


def list_diff_draw(ctx):
    lo = 0 if ctx.mode == "forward" else 1
    x = ctx.grid((ctx.draw(st.integers(lo, 8)),), -3, 3)
    y = ctx.grid((ctx.draw(st.integers(lo, 4)),), -3, 3)
    return [x, y], {"index_dtype": ctx.draw(st.sampled_from([tf.int32, tf.int64]))}


def np_setdiff1d(x, y, index_dtype):
    keep = ~np.isin(x, y)
    return [x[keep], np.flatnonzero(keep).astype(index_dtype.as_numpy_dtype)]


def partition_draw(ctx):
    shape = ctx.shape(min_dims=1)
    k = ctx.draw(st.integers(1, len(shape)))
    n = ctx.draw(st.integers(1, 3))
    parts = ctx.draw(hnp.arrays(I32, shape[:k], elements=st.integers(0, n - 1)))
    return [ctx.values(shape), parts], {"num_partitions": n}


def np_dynamic_partition(data, parts, num_partitions):
    rows = data.reshape((parts.size, *data.shape[parts.ndim :]))
    return [rows[parts.reshape(-1) == p] for p in range(num_partitions)]


def stitch_draw(ctx):
    rest = ctx.shape(max_dims=2)
    n = ctx.draw(st.integers(1, 3))
    total = ctx.draw(st.integers(n if ctx.mode != "forward" else 0, 7))
    perm = ctx.draw(st.permutations(range(total)))  # distinct indices: each row stitched once
    cuts = sorted(ctx.draw(st.lists(st.integers(0, total), min_size=n - 1, max_size=n - 1)))
    if ctx.mode != "forward":  # every piece non-empty
        cuts = list(range(1, n))
    bounds = [0, *cuts, total]
    ids = [np.array(perm[a:b], I32) for a, b in zip(bounds, bounds[1:])]
    data = [ctx.values((len(i), *rest)) for i in ids]
    return [*ids, *data], {}


def build_stitch(*args):
    n = len(args) // 2
    return tf.dynamic_stitch(list(args[:n]), list(args[n:]))


def np_dynamic_stitch(*args):
    n = len(args) // 2
    ids, data = args[:n], args[n:]
    size = max([int(i.max()) for i in ids if i.size], default=-1) + 1
    out = np.zeros((size, *data[0].shape[ids[0].ndim :]), data[0].dtype)
    for i, d in zip(ids, data):
        out[i.reshape(-1)] = d.reshape((i.size, *out.shape[1:]))
    return out


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    Row(
        "Where",
        tf.where,
        lambda c: np.argwhere(c).astype(np.int64),
        where_draw,
        NUMERIC,
        "none",
        static=False,
    ),
    Row(
        "Unique",
        lambda x, out_idx: list(tf.unique(x, out_idx)),
        np_unique,
        unique_draw,
        ALL,
        "none",
        static=False,
    ),
    Row(
        "UniqueWithCounts",
        lambda x, out_idx: list(tf.unique_with_counts(x, out_idx)),
        lambda x, out_idx: np_unique(x, out_idx, counts=True),
        unique_draw,
        ALL,
        "none",
        static=False,
    ),
    Row(
        "ListDiff",
        lambda x, y, index_dtype: list(tf.setdiff1d(x, y, index_dtype)),
        np_setdiff1d,
        list_diff_draw,
        NUMERIC,
        "none",
        static=False,
    ),
    Row(
        "DynamicPartition",
        tf.dynamic_partition,
        np_dynamic_partition,
        partition_draw,
        ALL,
        static=False,
    ),
    Row("DynamicStitch", build_stitch, np_dynamic_stitch, stitch_draw, ALL, static=False),
]
globals().update(table_tests(ROWS))


# ---- beyond the table ----------------------------------------------------------------------------
def test_values_computed_in_the_graph_decide_the_sizes_each_run():
    """The mask comes from a variable: a pre-plan computes it each run, so the output follows
    the variable's value after it changes."""
    with tf.Graph().as_default():
        v = tf.Variable([1.0, -2.0, 3.0, -4.0])
        kept = tf.boolean_mask(v, v > 0)
        y, idx = tf.unique(tf.cast(tf.abs(v), tf.int32) // 2)
        flip = tf.assign(v, -v)
        with tf.Session() as sess:
            sess.run(v.initializer)
            assert sess.run(kept).tolist() == [1.0, 3.0]
            assert sess.run(y).tolist() == [0, 1, 2]
            sess.run(flip)
            assert sess.run(kept).tolist() == [2.0, 4.0]
            sess.run(tf.assign(v, [5.0, 5.0, 5.0, 5.0]))
            k, yv, iv = sess.run([kept, y, idx])
            assert (k.tolist(), yv.tolist(), iv.tolist()) == ([5.0] * 4, [2], [0, 0, 0, 0])


def test_fed_values_give_one_plan_each():
    with tf.Graph().as_default():
        m = tf.placeholder(tf.bool, [4])
        out = tf.boolean_mask(tf.range(4), m)
        with tf.Session() as sess:
            assert sess.run(out, {m: [True, False, True, True]}).tolist() == [0, 2, 3]
            assert sess.run(out, {m: [False] * 4}).tolist() == []
            assert sess.run(out, {m: [True, False, True, True]}).tolist() == [0, 2, 3]


def test_unique_counts_nans_apart():
    with tf.Graph().as_default():
        y, idx = tf.unique([np.nan, 1.0, np.nan, -0.0, 0.0])
        with tf.Session() as sess:
            yv, iv = sess.run([y, idx])
        assert len(yv) == 4 and np.isnan(yv[0]) and np.isnan(yv[2])
        assert iv.tolist() == [0, 1, 2, 3, 3]


@pytest.mark.bad_input
def test_bad_partitions_and_stitch_indices_name_the_op():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.int32, [3])
        parts = tf.dynamic_partition([1.0, 2.0, 3.0], p, 2)
        i = tf.placeholder(tf.int32, [2])
        st_ = tf.dynamic_stitch([i], [[1.0, 2.0]])
        with tf.Session() as sess:
            with pytest.raises(
                tf.errors.InvalidArgumentError,
                match=r"\[DynamicPartition\] partitions\[2\] = 2 is not in \[0, 2\)",
            ):
                sess.run(parts, {p: [0, 1, 2]})
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[DynamicStitch\]"):
                sess.run(st_, {i: [0, -1]})
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Unique"):
            tf.unique(tf.zeros([2, 2]))
        with pytest.raises(ValueError, match="mask cannot be scalar"):
            tf.boolean_mask([1, 2], True)
