"""The op table's nd-indexing rows: GatherNd, ScatterNd, TensorScatter{Update,Add,Sub,Max,Min}
and the in-place updates of variables Scatter{Update,Add,Sub,Mul,Div,Max,Min} and
ScatterNd{Update,Add,Sub}. Every row gets the table's checks (``op_table.table_tests``); beyond
the table: out-of-range indices name the op, as TF's errors do.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import ALL, FLOATS, I32, I64, NUMERIC, Row, Steps, table_tests

import tflite_core as tf


# ---- draws and NumPy references ------------------------------------------------------------------
def _nd_indices(ctx, shape, depth, batch, unique=False):
    """Valid nd indices ``batch + [depth]`` into ``shape`` (distinct rows if ``unique``)."""
    dt = ctx.draw(st.sampled_from([I32, I64]))
    n = int(np.prod(batch))
    if depth == 0:
        return np.zeros((*batch, 0), dt)
    cells = int(np.prod(shape[:depth]))
    if unique:
        flat = ctx.draw(st.permutations(range(cells)))[:n]
    else:
        flat = ctx.draw(st.lists(st.integers(0, max(cells - 1, 0)), min_size=n, max_size=n))
    rows = np.array(np.unravel_index(np.asarray(flat, np.int64), shape[:depth])).T
    return rows.reshape((*batch, depth)).astype(dt)


def _target_and_indices(ctx, unique=False, min_depth=0, scatter=False):
    """A target shape, an index depth, the indices' batch shape and the indices. For a scatter
    with index rows, as TF requires: a non-empty target and an index depth of at least 1."""
    shape = list(ctx.shape(min_dims=max(1, min_depth)))
    batch = list(ctx.shape(min_dims=0 if ctx.mode == "forward" else 1, max_dims=2))
    if unique:
        batch = batch[:1]
    if scatter and int(np.prod(batch)) > 0:
        shape = [max(d, 1) for d in shape]
        min_depth = max(min_depth, 1)
    depth = ctx.draw(st.integers(min_depth, len(shape)))
    shape[:depth] = [max(d, 1) for d in shape[:depth]]  # something to index
    cells = int(np.prod(shape[:depth]))
    if unique and batch:
        batch[0] = min(batch[0], cells)
    return tuple(shape), depth, tuple(batch), _nd_indices(ctx, shape, depth, batch, unique)


def gather_nd_draw(ctx):
    # (grad mode: the gradient is a ScatterNd, which TF refuses into an empty target)
    shape, _depth, _batch, idx = _target_and_indices(ctx, scatter=ctx.grad)
    return [ctx.values(shape), idx], {}


def np_gather_nd(params, indices):
    depth = indices.shape[-1]
    rows = indices.reshape(int(np.prod(indices.shape[:-1])), depth)
    out = np.zeros((len(rows), *params.shape[depth:]), params.dtype)
    for k, r in enumerate(rows):
        out[k] = params[tuple(r)]
    return out.reshape((*indices.shape[:-1], *params.shape[depth:]))


def scatter_nd_draw(ctx):
    shape, depth, batch, idx = _target_and_indices(ctx, scatter=True)
    updates = ctx.values((*batch, *shape[depth:]))
    return [idx, updates], {"shape": list(shape)}


def np_scatter_nd(indices, updates, shape):
    out = np.zeros(shape, updates.dtype)
    _apply(out, indices, updates, np.add)
    return out


def _apply(target, indices, updates, fn):
    depth = indices.shape[-1]
    rows = indices.reshape(int(np.prod(indices.shape[:-1])), depth)
    ups = updates.reshape((len(rows), *target.shape[depth:]))
    for r, u in zip(rows, ups):
        target[tuple(r)] = fn(target[tuple(r)], u)


def tensor_scatter_draw(unique=False, distinct=False):
    def draw(ctx):
        shape, depth, batch, idx = _target_and_indices(ctx, unique=unique, scatter=True)
        ushape = (*batch, *shape[depth:])
        if distinct and ctx.dtype.kind == "f":
            both = ctx.distinct((int(np.prod(shape)) + int(np.prod(ushape)),))
            t = both[: int(np.prod(shape))].reshape(shape)
            u = both[int(np.prod(shape)) :].reshape(ushape)
            return [t, idx, u], {}
        return [ctx.values(shape), idx, ctx.values(ushape)], {}

    return draw


def np_tensor_scatter(fn):
    def ref(tensor, indices, updates):
        out = tensor.copy()
        _apply(out, indices, updates, fn)
        return out

    return ref


def _keep(_old, new):
    return new


# the updates of variables: one step, then the variable read back
def scatter_ref_draw(nd, nonzero=False):
    def draw(ctx):
        if nd:
            shape, depth, batch, idx = _target_and_indices(ctx, min_depth=1, scatter=True)
            ushape = (*batch, *shape[depth:])
        else:
            shape = list(ctx.shape(min_dims=1))
            shape[0] = max(shape[0], 1)
            shape = tuple(shape)
            batch = ctx.shape(max_dims=2)
            dt = ctx.draw(st.sampled_from([I32, I64]))
            idx = ctx.draw(hnp.arrays(dt, batch, elements=st.integers(0, shape[0] - 1)))
            ushape = (*batch, *shape[1:])
        rng = ((-5.0, -0.5), (0.5, 5.0)) if nonzero else ((-5.0, 5.0),)
        return [idx, ctx.values(ushape, *rng)], {"init": ctx.values(shape)}

    return draw


def build_scatter_ref(fn):
    def build(indices, updates, init):
        v = tf.Variable(init)
        return Steps([fn(v, indices, updates), v.value()])

    return build


def np_scatter_ref(fn, nd):
    def ref(indices, updates, init):
        out = init.copy()
        idx = indices if nd else indices[..., None]
        _apply(out, idx, updates, fn)
        return [out, out]

    return ref


def _div(a, b):
    if np.asarray(a).dtype.kind == "i":
        return (np.sign(a) * np.sign(b) * (np.abs(a) // np.abs(b))).astype(np.asarray(a).dtype)
    return a / b


REF_FNS = {
    "Update": _keep,
    "Add": np.add,
    "Sub": np.subtract,
    "Mul": np.multiply,
    "Div": _div,
    "Max": np.maximum,
    "Min": np.minimum,
}
REF_API = {
    "Update": tf.scatter_update,
    "Add": tf.scatter_add,
    "Sub": tf.scatter_sub,
    "Mul": tf.scatter_mul,
    "Div": tf.scatter_div,
    "Max": tf.scatter_max,
    "Min": tf.scatter_min,
}
ND_API = {"Update": tf.scatter_nd_update, "Add": tf.scatter_nd_add, "Sub": tf.scatter_nd_sub}


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    Row("GatherNd", tf.gather_nd, np_gather_nd, gather_nd_draw, ALL),
    Row("ScatterNd", tf.scatter_nd, np_scatter_nd, scatter_nd_draw, NUMERIC),
    Row(
        "TensorScatterUpdate",
        tf.tensor_scatter_nd_update,
        np_tensor_scatter(_keep),
        tensor_scatter_draw(unique=True),
        ALL,
    ),
    Row(
        "TensorScatterAdd",
        tf.tensor_scatter_nd_add,
        np_tensor_scatter(np.add),
        tensor_scatter_draw(),
        NUMERIC,
    ),
    Row(
        "TensorScatterSub",
        tf.tensor_scatter_nd_sub,
        np_tensor_scatter(np.subtract),
        tensor_scatter_draw(),
        NUMERIC,
    ),
    Row(
        "TensorScatterMax",
        tf.tensor_scatter_nd_max,
        np_tensor_scatter(np.maximum),
        tensor_scatter_draw(distinct=True),
        NUMERIC,
    ),
    Row(
        "TensorScatterMin",
        tf.tensor_scatter_nd_min,
        np_tensor_scatter(np.minimum),
        tensor_scatter_draw(distinct=True),
        NUMERIC,
    ),
    *[
        Row(
            f"Scatter{k}",
            build_scatter_ref(REF_API[k]),
            np_scatter_ref(REF_FNS[k], nd=False),
            scatter_ref_draw(False, nonzero=k == "Div"),
            NUMERIC,
            "none",
        )
        for k in REF_API
    ],
    *[
        Row(
            f"ScatterNd{k}",
            build_scatter_ref(ND_API[k]),
            np_scatter_ref(REF_FNS[k], nd=True),
            scatter_ref_draw(True),
            NUMERIC,
            "none",
        )
        for k in ND_API
    ],
]
globals().update(table_tests(ROWS))


# ---- beyond the table ----------------------------------------------------------------------------
def _run(fetch, init=None):
    with tf.Session() as sess:
        if init is not None:
            sess.run(init)
        return sess.run(fetch)


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: tf.gather_nd(np.zeros((2, 3)), [[1, 0], [2, 1]]),
            r"\[GatherNd\] indices\[1\] = \[2, 1\] does not index into param shape \[2,3\]",
        ),
        (
            lambda: tf.scatter_nd([[4]], [1.0], [4]),
            r"\[ScatterNd\] indices\[0\] = \[4\] does not index into shape \[4\]",
        ),
        (
            lambda: tf.tensor_scatter_nd_update(np.zeros(3), [[-1]], [1.0]),
            r"\[TensorScatterUpdate\] indices\[0\] = \[-1\] does not index into shape \[3\]",
        ),
        (
            lambda: tf.tensor_scatter_nd_max(np.zeros((2, 2)), [[[0, 2]]], [[1.0]]),
            r"\[TensorScatterMax\] indices\[0,0\] = \[0, 2\]",
        ),
    ],
)
def test_out_of_range_indices_name_the_op(build, message):
    with tf.Graph().as_default():
        t = build()
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            _run(t)


@pytest.mark.bad_input
def test_variable_scatter_out_of_range_leaves_the_variable():
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0, 3.0])
        up = tf.scatter_update(v, [0, 3], [9.0, 9.0])
        nd = tf.scatter_nd_add(v, [[1], [-1]], [1.0, 1.0])
        with tf.Session() as sess:
            sess.run(v.initializer)
            with pytest.raises(
                tf.errors.InvalidArgumentError,
                match=r"\[ScatterUpdate\] indices\[1\] = 3 is not in \[0, 3\)",
            ):
                sess.run(up)
            with pytest.raises(
                tf.errors.InvalidArgumentError, match=r"\[ScatterNdAdd\] indices\[1\]"
            ):
                sess.run(nd)
            np.testing.assert_array_equal(sess.run(v), [1.0, 2.0, 3.0])


def test_scatter_update_with_a_scalar_and_an_integer_division_by_zero():
    with tf.Graph().as_default():
        v = tf.Variable([[1, 2], [3, 4], [5, 6]])
        up = tf.scatter_update(v, [2, 0], 7)
        div = tf.scatter_div(v, [1], [[0, 1]])
        with tf.Session() as sess:
            sess.run(v.initializer)
            np.testing.assert_array_equal(sess.run(up), [[7, 7], [3, 4], [7, 7]])
            with pytest.raises(tf.errors.InvalidArgumentError, match="ScatterDiv"):
                sess.run(div)


def test_gather_nd_gradient_of_depth_one_is_indexed_slices():
    with tf.Graph().as_default():
        p = tf.constant(np.arange(6.0).reshape(3, 2))
        g = tf.gradients(tf.reduce_sum(tf.gather_nd(p, [[2], [2], [0]])), p)[0]
        assert isinstance(g, tf.IndexedSlices)
        np.testing.assert_array_equal(_run(g), [[1, 1], [0, 0], [2, 2]])


@pytest.mark.parametrize("dtype", FLOATS)
def test_batch_scatter_update(dtype):
    with tf.Graph().as_default():
        v = tf.Variable(np.zeros((2, 4), dtype))
        up = tf.batch_scatter_update(v, [[1, 3], [0, 0]], np.array([[1, 2], [3, 4]], dtype))
        with tf.Session() as sess:
            sess.run(v.initializer)
            np.testing.assert_array_equal(sess.run(up), [[0, 1, 0, 2], [4, 0, 0, 0]])
