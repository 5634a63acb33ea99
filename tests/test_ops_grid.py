"""The op table's rows of grids, bins and shape values: LinSpace, UnravelIndex, LowerBound,
UpperBound, HistogramFixedWidth and BroadcastArgs. Every row gets the table's checks
(``op_table.table_tests``); beyond the table: bad arguments name the op.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import FLOATS, I32, I64, NUMERIC, Row, table_tests

import tflite_core as tf


# ---- draws and NumPy references ------------------------------------------------------------------
def lin_space_draw(ctx):
    start, stop = (ctx.values((), (-5.0, 5.0)) for _ in range(2))
    low = 0 if ctx.mode == "forward" else 1  # (TF's LinSpace op itself requires num > 0)
    return [start, stop], {"num": ctx.draw(st.integers(low, 6))}


def np_lin_space(start, stop, num):
    out = np.empty(num, start.dtype)
    if num == 1:
        out[0] = start
    elif num > 1:
        step = (stop - start) / start.dtype.type(num - 1)
        out[:-1] = start + step * np.arange(num - 1).astype(start.dtype)
        out[-1] = stop
    return out


def unravel_draw(ctx):
    dims = ctx.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    total = int(np.prod(dims))
    shape = () if ctx.mode == "forward" and ctx.draw(st.booleans()) else ctx.shape(1, 1)
    dt = ctx.draw(st.sampled_from([I32, I64]))
    idx = ctx.draw(hnp.arrays(dt, shape, elements=st.integers(0, total - 1)))
    return [idx], {"dims": np.array(dims, dt)}


def np_unravel(indices, dims):
    out = np.array(np.unravel_index(indices, tuple(dims)))
    return out.astype(indices.dtype)


def bound_draw(ctx):
    # (no empty rows: searchsorted reshapes to [-1, n], which TF cannot do for n = 0 either)
    shape = [max(d, 1) for d in ctx.shape(min_dims=1, max_dims=3)]
    s = np.sort(ctx.grid(tuple(shape), -3, 3), axis=-1)
    m = ctx.draw(st.integers(1, 4))
    v = ctx.grid((*shape[:-1], m), -4, 4)
    return [s, v], {"out_type": ctx.draw(st.sampled_from([tf.int32, tf.int64]))}


def np_bound(side):
    def ref(s, v, out_type):
        rows_s = s.reshape(-1, s.shape[-1])
        rows_v = v.reshape(-1, v.shape[-1])
        out = [np.searchsorted(a, b, side=side) for a, b in zip(rows_s, rows_v)]
        return np.array(out, out_type.as_numpy_dtype).reshape(v.shape)

    return ref


def histogram_draw(ctx):
    v = ctx.values(ctx.shape(), (-3.0, 6.0))
    lo = ctx.draw(st.integers(-2, 1))
    hi = lo + ctx.draw(st.integers(1, 4))
    nbins = ctx.draw(st.integers(1, 6))
    return [v], {
        "value_range": np.array([lo, hi], v.dtype),
        "nbins": nbins,
        "dtype": ctx.draw(st.sampled_from([tf.int32, tf.int64])),
    }


def np_histogram(v, value_range, nbins, dtype):
    lo, hi = value_range
    step = float(v.dtype.type(hi - lo)) / nbins
    above = (np.maximum(v, lo) - lo).astype(v.dtype)
    b = np.minimum(above.astype(np.float64) / step, nbins - 1).astype(np.int64)
    return np.bincount(b.reshape(-1), minlength=nbins).astype(dtype.as_numpy_dtype)


def broadcast_args_draw(ctx):
    (a, b), _ = ctx.bcast(2)
    dt = ctx.draw(st.sampled_from([I32, I64]))
    return [np.array(a, dt), np.array(b, dt)], {}


def np_broadcast_args(a, b):
    return np.array(np.broadcast_shapes(tuple(a), tuple(b)), a.dtype)


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    Row("LinSpace", tf.lin_space, np_lin_space, lin_space_draw, FLOATS),
    Row("UnravelIndex", tf.unravel_index, np_unravel, unravel_draw, (I32,), "none"),
    Row(
        "LowerBound",
        lambda s, v, out_type: tf.searchsorted(s, v, "left", out_type),
        np_bound("left"),
        bound_draw,
        NUMERIC,
        "none",
    ),
    Row(
        "UpperBound",
        lambda s, v, out_type: tf.searchsorted(s, v, "right", out_type),
        np_bound("right"),
        bound_draw,
        NUMERIC,
        "none",
    ),
    Row(
        "HistogramFixedWidth",
        tf.histogram_fixed_width,
        np_histogram,
        histogram_draw,
        NUMERIC,
        "none",
    ),
    Row(
        "BroadcastArgs",
        tf.broadcast_dynamic_shape,
        np_broadcast_args,
        broadcast_args_draw,
        (I32,),
        "none",
        static=False,
    ),
]
globals().update(table_tests(ROWS))


# ---- beyond the table ----------------------------------------------------------------------------
@pytest.mark.bad_input
def test_bad_arguments_name_the_op():
    with tf.Graph().as_default():
        i = tf.placeholder(tf.int32, [2])
        r = tf.placeholder(tf.float32, [2])
        a = tf.placeholder(tf.int32, [2])
        with tf.Session() as sess:
            with pytest.raises(
                tf.errors.InvalidArgumentError, match=r"\[UnravelIndex\] index out of bounds"
            ):
                sess.run(tf.unravel_index(i, [2, 3]), {i: [1, 6]})
            with pytest.raises(
                tf.errors.InvalidArgumentError,
                match=r"\[HistogramFixedWidth\] value_range should satisfy value_range\[0\] < ",
            ):
                sess.run(tf.histogram_fixed_width([1.0], r, 3), {r: [1.0, 1.0]})
            with pytest.raises(
                tf.errors.InvalidArgumentError, match=r"\[BroadcastArgs\] Incompatible shapes"
            ):
                sess.run(tf.broadcast_dynamic_shape(a, [3]), {a: [2, 2]})
        with pytest.raises(ValueError, match="side"):
            tf.searchsorted([1, 2], [1], side="middle")


def test_broadcast_static_shape_and_shape_n():
    assert tf.broadcast_static_shape(
        tf.TensorShape([2, 1, None]), tf.TensorShape([4, 1])
    ).as_list() == [2, 4, None]
    with pytest.raises(ValueError, match="Incompatible shapes for broadcasting"):
        tf.broadcast_static_shape(tf.TensorShape([2]), tf.TensorShape([3]))
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [None, 3])
        a, b = tf.shape_n([p, tf.zeros([4])])
        with tf.Session() as sess:
            av, bv = sess.run([a, b], {p: np.zeros((2, 3))})
        assert av.tolist() == [2, 3] and bv.tolist() == [4]


def test_sequence_mask_max_of_fed_lengths():
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [None])
        m = tf.sequence_mask(n)
        with tf.Session() as sess:
            assert sess.run(m, {n: [1, 3]}).tolist() == [[True, False, False], [True, True, True]]
            assert sess.run(m, {n: [2]}).tolist() == [[True, True]]
