"""The op table's indexing rows: select/where (v1 and broadcasting v2), gather,
unsorted_segment_sum and range. Every row gets the table's checks (``op_table.table_tests``).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import ALL, BOOL, I32, I64, NUMERIC, Row, table_tests

import tflite_core as tf


# ---- draws and NumPy references ------------------------------------------------------------------
def select_draw(ctx):
    shape = ctx.shape()
    return [ctx.grid(shape, dtype=BOOL), ctx.values(shape), ctx.values(shape)], {}


def select_v2_draw(ctx):
    (sc, sx, sy), _ = ctx.bcast(3)
    return [ctx.grid(sc, dtype=BOOL), ctx.values(sx), ctx.values(sy)], {}


def gather_draw(ctx):
    params_shape = list(ctx.shape(min_dims=1))
    axis = ctx.draw(st.integers(-len(params_shape), len(params_shape) - 1))
    ids_shape = ctx.shape(max_dims=2)
    n = params_shape[axis]
    if n == 0 and ctx.mode == "forward" and int(np.prod(ids_shape)):
        params_shape[axis] = n = 1
    ids_dt = ctx.draw(st.sampled_from([I32, I64]))
    ids = ctx.draw(hnp.arrays(ids_dt, ids_shape, elements=st.integers(0, max(n - 1, 0))))
    return [ctx.values(tuple(params_shape)), ids], {"axis": axis}


def uss_draw(ctx):
    data_shape = ctx.shape(min_dims=1)
    k = ctx.draw(st.integers(1, len(data_shape)))
    ids_shape = data_shape[:k]
    num = ctx.draw(st.integers(1 if int(np.prod(ids_shape)) else 0, 4))
    ids_dt = ctx.draw(st.sampled_from([I32, I64]))
    # negative ids too: as TF, their rows are dropped (and get a zero gradient)
    ids = ctx.draw(hnp.arrays(ids_dt, ids_shape, elements=st.integers(-2, max(num - 1, 0))))
    return [ctx.values(data_shape), ids], {"num_segments": num}


def np_unsorted_segment_sum(data, ids, num_segments):
    out = np.zeros((num_segments, *data.shape[ids.ndim :]), data.dtype)
    keep = ids >= 0
    np.add.at(out, ids[keep], data[keep])
    return out


def range_draw(ctx):
    if ctx.dtype.kind in "iu":
        start = ctx.draw(st.integers(0 if ctx.dtype.kind == "u" else -6, 6))
        deltas = [1, 2, 3] if ctx.dtype.kind == "u" else [-3, -2, -1, 1, 2, 3]
        delta = ctx.draw(st.sampled_from(deltas))
        steps, extra = ctx.draw(st.integers(0, 5)), ctx.draw(st.integers(0, 1))
        limit = start + delta * steps + (extra if delta > 0 else -extra)
    else:
        start = ctx.draw(st.floats(-5, 5, width=32))
        delta = ctx.draw(st.sampled_from([-1.5, -0.5, 0.25, 0.5, 2.0]))
        limit = start + delta * ctx.draw(st.floats(0, 6, width=32))
    arrays = [np.array(v, ctx.dtype) for v in (start, limit, delta)]
    return arrays, {}


def np_range(start, limit, delta):
    if (
        start.dtype.kind == "f"
    ):  # counted in the dtype, as TF's kernel: ceil(|(limit - start) / delta|)
        n = int(np.ceil(np.abs((limit - start) / delta)))
    else:
        n = int(np.ceil(abs((float(limit) - float(start)) / float(delta))))
    return (start + np.arange(n).astype(start.dtype) * delta).astype(start.dtype)


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    Row("Select", tf.where, np.where, select_draw, ALL),
    Row("SelectV2", tf.where_v2, np.where, select_v2_draw, ALL),
    Row(
        "GatherV2",
        lambda p, i, axis: tf.gather(p, i, axis=axis),
        lambda p, i, axis: np.take(p, i, axis=axis),
        gather_draw,
        ALL,
    ),
    Row(
        "UnsortedSegmentSum",
        tf.unsorted_segment_sum,
        np_unsorted_segment_sum,
        uss_draw,
        NUMERIC,
    ),
    Row("Range", tf.range, np_range, range_draw, NUMERIC, "none", feed="value"),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
