"""The op table's rows for the SparseTensor ops (``ops/sparse_ops.py``; Where's row is in
test_ops_partition.py): forward
against NumPy, static against runtime shapes, gradients against central differences.

A SparseTensor's three parts are fed as placeholders (indices int64 [N, rank] in row-major
order unless the op reorders them, values [N], dense_shape int64 [rank]); outputs whose size
depends on values (Where, the segments, a dense shape fed at run time) have no exact static
shape, as in TF.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import FLOATS, I32, I64, NUMERIC, Row, table_tests

import tflite_core as tf
from tflite_core import reference


# ---- draws ---------------------------------------------------------------------------------------
def _sparse(ctx, min_dims=1, max_dims=3, shuffle=False, min_entries=0):
    """indices (unique, row-major unless shuffled), values, dense_shape of a random pattern."""
    shape = ctx.shape(min_dims=min_dims, max_dims=max_dims)
    mask = ctx.draw(hnp.arrays(np.bool_, shape))
    if min_entries and mask.sum() < min_entries and mask.size:
        mask.flat[0] = True
    ind = np.argwhere(mask).astype(np.int64).reshape(-1, len(shape))
    if shuffle and len(ind) > 1:
        perm = ctx.draw(st.permutations(list(range(len(ind)))))
        ind = ind[np.array(perm)]
    vals = ctx.values((len(ind),))
    return ind, vals, np.array(shape, np.int64)


def _dense_of(ind, vals, shape, fill=0):
    out = np.full(tuple(shape), fill, vals.dtype)
    if len(ind):
        out[tuple(ind.T)] = vals
    return out


def where_draw(ctx):
    return [ctx.grid(ctx.shape(), -1, 1)], {}


def to_dense_draw(ctx):
    ind, vals, shape = _sparse(ctx)
    return [ind, shape, vals, ctx.values(())], {"validate": ctx.draw(st.booleans())}


def matmul_draw(ctx):
    adj_a, adj_b = ctx.draw(st.booleans()), ctx.draw(st.booleans())
    ind, vals, shape = _sparse(ctx, 2, 2)
    inner = int(shape[0] if adj_a else shape[1])
    m = ctx.draw(st.integers(1 if ctx.mode != "forward" else 0, 3))
    b = ctx.values((m, inner) if adj_b else (inner, m))
    return [ind, vals, shape, b], {"adjoint_a": adj_a, "adjoint_b": adj_b}


def np_matmul(ind, vals, shape, b, adjoint_a, adjoint_b):
    a = _dense_of(ind, vals, shape)
    a, b = (a.T if adjoint_a else a), (b.T if adjoint_b else b)
    if a.dtype.kind == "f":
        return (a.astype(np.float64) @ b.astype(np.float64)).astype(a.dtype)
    return a @ b


def reorder_draw(ctx):
    return list(_sparse(ctx, 1, 3, shuffle=True)), {}


def np_reorder(ind, vals, shape):
    order = np.lexsort(ind.T[::-1]) if ind.size else np.arange(len(ind))
    return [ind[order], vals[order]]


def segment_draw(with_n):
    def draw(ctx):
        rows = ctx.draw(st.integers(1, 4))
        inner = ctx.shape(max_dims=1 if ctx.grad else 2)
        data = ctx.values((rows, *inner))
        n = ctx.draw(st.integers(1 if ctx.mode != "forward" else 0, 5))
        idt = ctx.draw(st.sampled_from([I32, I64]))
        ids = ctx.draw(hnp.arrays(idt, (n,), elements=st.integers(0, rows - 1)))
        seg = np.sort(ctx.draw(hnp.arrays(idt, (n,), elements=st.integers(0, 3))))
        kw = {"num_segments": int(seg.max(initial=-1)) + 1 + ctx.draw(st.integers(0, 2))}
        return [data, ids, seg], kw if with_n else {}

    return draw


def np_segment(mode):
    def ref(data, ids, seg, num_segments=None):
        n = num_segments if num_segments is not None else (int(seg[-1]) + 1 if len(seg) else 0)
        out = np.zeros((n, *data.shape[1:]), np.float64)
        np.add.at(out, seg, data[ids].astype(np.float64))
        counts = np.maximum(np.bincount(seg, minlength=n), 1).astype(np.float64)
        scale = {"Sum": np.ones_like(counts), "Mean": counts, "SqrtN": np.sqrt(counts)}[mode]
        return (out / scale.reshape((-1,) + (1,) * (data.ndim - 1))).astype(data.dtype)

    return ref


def segment_row(mode, with_n):
    fn = {
        "Sum": tf.sparse.segment_sum,
        "Mean": tf.sparse.segment_mean,
        "SqrtN": tf.sparse.segment_sqrt_n,
    }[mode]
    return Row(
        f"SparseSegment{mode}" + ("WithNumSegments" if with_n else ""),
        lambda d, i, s, num_segments=None: fn(d, i, s, num_segments=num_segments),
        np_segment(mode),
        segment_draw(with_n),
        FLOATS,
        static=False,
    )


def dense_add_draw(ctx):
    ind, vals, shape = _sparse(ctx)
    return [ind, vals, shape, ctx.values(tuple(int(d) for d in shape))], {}


def np_dense_add(ind, vals, shape, b):
    out = b.copy()
    if len(ind):
        np.add.at(out, tuple(ind.T), vals)
    return out


def reduce_draw(ctx):
    ind, vals, shape = _sparse(ctx, 1, 3)
    r = len(shape)
    axes = ctx.draw(st.one_of(st.none(), st.lists(st.integers(-r, r - 1), min_size=1, max_size=r)))
    if axes is not None and len({a % r for a in axes}) != len(axes):
        axes = sorted({a % r for a in axes})
    return [ind, vals, shape], {"axis": axes, "keepdims": ctx.draw(st.booleans())}


def np_reduce_sum(ind, vals, shape, axis, keepdims):
    d = _dense_of(ind, vals, shape)
    ax = None if axis is None else tuple(a % len(shape) for a in axis)
    if d.dtype.kind == "f":
        return np.asarray(np.sum(d.astype(np.float64), axis=ax, keepdims=keepdims)).astype(d.dtype)
    return np.asarray(np.sum(d, axis=ax, keepdims=keepdims)).astype(d.dtype)


def np_reduce_max(ind, vals, shape, axis, keepdims):
    """The largest entry per group, 0 where no entry falls (as TF)."""
    present = _dense_of(ind, np.ones(len(ind), bool), shape, False)
    low = -np.inf if vals.dtype.kind == "f" else np.iinfo(vals.dtype).min
    d = _dense_of(ind, vals, shape, low)
    ax = None if axis is None else tuple(a % len(shape) for a in axis)
    m = np.max(d, axis=ax, keepdims=keepdims, initial=low)
    any_ = np.any(present, axis=ax, keepdims=keepdims)
    return np.asarray(np.where(any_, m, 0)).astype(vals.dtype)


def softmax_draw(ctx):
    ind, vals, shape = _sparse(ctx, 2, 3)
    return [ind, vals, shape], {}


def np_sparse_softmax(ind, vals, shape):
    out = np.empty_like(vals)
    keys = [tuple(r[:-1]) for r in ind.tolist()]
    for k in set(keys):
        at = np.array([i for i, kk in enumerate(keys) if kk == k])
        v = vals[at].astype(np.float64)
        e = np.exp(v - v.max())
        out[at] = e / e.sum()
    return out


def cross_draw(ctx):
    batch = ctx.draw(st.integers(1 if ctx.mode == "partial" else 0, 3))
    cols = ctx.draw(st.integers(1, 3))
    mask = ctx.draw(hnp.arrays(np.bool_, (batch, cols)))
    ind = np.argwhere(mask).astype(np.int64).reshape(-1, 2)
    vals = ctx.values((len(ind),), (-1000, 1000), dtype=I64)
    dense = ctx.values((batch, ctx.draw(st.integers(0, 2))), (-1000, 1000), dtype=I64)
    return [ind, vals, np.array([batch, cols], np.int64), dense], {
        "num_buckets": ctx.draw(st.sampled_from([0, 10]))
    }


def np_cross(ind, vals, shape, dense, num_buckets):
    counts = np.bincount(ind[:, 0], minlength=shape[0]) * dense.shape[1]
    nnz = int(counts.sum())
    outs = [np.empty((nnz, 2), np.int64), np.empty((nnz,), np.int64), np.empty((2,), np.int64)]
    reference.run_kernel("sparse_cross", [ind, vals, shape, dense], outs, [1, num_buckets, KEY])
    return outs


KEY = 0xDECAFCAFFE


def np_cross_strings(ind, vals, shape, dense, num_buckets):
    """The crosses as TF's strings, row by row, the last input fastest."""
    out = []
    for r in range(shape[0]):
        for f in vals[ind[:, 0] == r]:
            out += [f"{f}_X_{g}".encode() for g in dense[r]]
    values = np.empty(len(out), object)
    values[:] = out
    return values


def add_draw(ctx):
    shape = ctx.shape(min_dims=1, max_dims=3)
    parts = []
    for _ in range(2):
        ind = np.argwhere(ctx.draw(hnp.arrays(np.bool_, shape))).astype(np.int64)
        parts += [ind.reshape(-1, len(shape)), ctx.grid((len(ind),), -3, 3)]
    thresh = ctx.draw(st.sampled_from([0, 0, 1, 2])) if not ctx.grad else 0
    return [*parts, np.array(shape, np.int64)], {"thresh": thresh}


def np_sparse_add(ai, av, bi, bv, shape, thresh):
    a = {tuple(r): v for r, v in zip(ai.tolist(), av)}
    b = {tuple(r): v for r, v in zip(bi.tolist(), bv)}
    rows, vals = [], []
    for r in sorted(set(a) | set(b)):
        v = a[r] + b[r] if r in a and r in b else a.get(r, b.get(r))
        if r in a and r in b and abs(v) < thresh:
            continue
        rows.append(r)
        vals.append(v)
    return [
        np.array(rows, np.int64).reshape(-1, len(shape)),
        np.array(vals, av.dtype),
        shape,
    ]


def add_grad_draw(ctx):
    (ai, av, bi, bv, shape), kw = add_draw(ctx)
    n = len(np_sparse_add(ai, av, bi, bv, shape, kw["thresh"])[1])
    return [ai, av, bi, bv, shape, ctx.values((n,))], kw


def add_grad_build(ai, av, bi, bv, shape, g, thresh):
    out = tf.sparse.add(_sp(ai, av, shape), _sp(bi, bv, shape), thresh)
    return tf.gradients(out.values, [av, bv], grad_ys=g)


def np_add_grad(ai, av, bi, bv, shape, g, thresh):
    si = np_sparse_add(ai, av, bi, bv, shape, thresh)[0]
    at = {tuple(r): k for k, r in enumerate(si.tolist())}
    return [
        np.array([g[at[tuple(r)]] if tuple(r) in at else 0 for r in x.tolist()], g.dtype)
        for x in (ai, bi)
    ]


def reshape_draw(ctx):
    ind, vals, shape = _sparse(ctx, 1, 3)
    total = int(np.prod(shape))
    firsts = [d for d in range(1, total + 1) if total % d == 0] if total else [0]
    a = ctx.draw(st.sampled_from(firsts))
    new = [a, total // a] if a else [0, ctx.draw(st.integers(0, 3))]
    if total and ctx.draw(st.booleans()):
        new[ctx.draw(st.integers(0, 1))] = -1
    return [ind, vals, shape, np.array(new, np.int64)], {}


def np_sparse_reshape(ind, vals, shape, new):
    new = [int(d) for d in new]
    if -1 in new:
        new[new.index(-1)] = int(np.prod(shape)) // int(np.prod([d for d in new if d != -1]))
    flat = np.ravel_multi_index(tuple(ind.T), tuple(shape)) if len(ind) else np.zeros(0, int)
    out = np.stack(np.unravel_index(flat, new), axis=1) if len(ind) else np.zeros((0, 2))
    return [out.astype(np.int64), np.array(new, np.int64)]


def concat_draw(ctx):
    rank = ctx.draw(st.integers(1, 3))
    axis = ctx.draw(st.integers(-rank, rank - 1))
    base = list(ctx.shape(min_dims=rank, max_dims=rank))
    arrays = []
    for _ in range(2):
        shape = list(base)
        shape[axis] = ctx.draw(st.integers(0, 3))
        ind = np.argwhere(ctx.draw(hnp.arrays(np.bool_, tuple(shape)))).astype(np.int64)
        arrays += [ind.reshape(-1, rank), ctx.values((len(ind),)), np.array(shape, np.int64)]
    return arrays, {"axis": axis}


def np_sparse_concat(i1, v1, s1, i2, v2, s2, axis):
    rank = len(s1)
    a = axis % rank
    ind = np.concatenate([i1, i2 + np.eye(rank, dtype=np.int64)[a] * s1[a]]).reshape(-1, rank)
    val = np.concatenate([v1, v2])
    order = np.lexsort(ind.T[::-1]) if len(ind) else np.arange(0)
    dims = s1.copy()
    dims[a] += s2[a]
    return [ind[order], val[order], dims]


def slice_draw(ctx):
    ind, vals, shape = _sparse(ctx, 1, 3)
    start = np.array([ctx.draw(st.integers(0, 3)) for _ in shape], np.int64)
    size = np.array([ctx.draw(st.integers(0, 4)) for _ in shape], np.int64)
    return [ind, vals, shape, start, size], {}


def np_sparse_slice(ind, vals, shape, start, size):
    keep = np.all((ind >= start) & (ind - start < size), axis=1) if len(ind) else np.zeros(0, bool)
    dims = np.maximum(np.minimum(start + size, shape) - start, 0)
    return [(ind[keep] - start).reshape(-1, len(shape)), vals[keep], dims]


def _sp(i, v, s):
    return tf.SparseTensor(i, v, s)


def _parts3(sp):
    return [sp.indices, sp.values, sp.dense_shape]


def _parts(sp):
    return [sp.indices, sp.values]


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    Row(
        "SparseToDense",
        lambda i, s, v, d, validate: tf.sparse_to_dense(i, s, v, d, validate_indices=validate),
        lambda i, s, v, d, validate: _dense_of(i, v, s, d),
        to_dense_draw,
        NUMERIC,
        static=False,
    ),
    Row(
        "SparseTensorDenseMatMul",
        lambda i, v, s, b, adjoint_a, adjoint_b: tf.sparse.sparse_dense_matmul(
            _sp(i, v, s), b, adjoint_a=adjoint_a, adjoint_b=adjoint_b
        ),
        np_matmul,
        matmul_draw,
        NUMERIC,
        static=False,
    ),
    Row(
        "SparseReorder",
        lambda i, v, s: _parts(tf.sparse.reorder(_sp(i, v, s))),
        np_reorder,
        reorder_draw,
        NUMERIC,
    ),
    *[segment_row(m, w) for m in ("Sum", "Mean", "SqrtN") for w in (False, True)],
    Row(
        "SparseTensorDenseAdd",
        lambda i, v, s, b: tf.sparse.add(_sp(i, v, s), b),
        np_dense_add,
        dense_add_draw,
        NUMERIC,
    ),
    Row(
        "SparseReduceSum",
        lambda i, v, s, axis, keepdims: tf.sparse.reduce_sum(_sp(i, v, s), axis, keepdims),
        np_reduce_sum,
        reduce_draw,
        NUMERIC,
        static=False,
    ),
    Row(
        "SparseReduceMax",
        lambda i, v, s, axis, keepdims: tf.sparse.reduce_max(_sp(i, v, s), axis, keepdims),
        np_reduce_max,
        reduce_draw,
        NUMERIC,
        "none",
        static=False,
    ),
    Row(
        "SparseSoftmax",
        lambda i, v, s: tf.sparse.softmax(_sp(i, v, s)).values,
        np_sparse_softmax,
        softmax_draw,
        FLOATS,
    ),
    Row(
        "SparseCross",
        lambda i, v, s, d, num_buckets: _parts3(
            tf.sparse.cross_hashed([_sp(i, v, s), d], num_buckets=num_buckets)
        ),
        np_cross,
        cross_draw,
        (I64,),
        "none",
        static=False,
    ),
    Row(
        "SparseCrossV2",
        lambda i, v, s, d, num_buckets: tf.sparse.cross([_sp(i, v, s), d]).values,
        np_cross_strings,
        cross_draw,
        (I64,),
        "none",
        static=False,
    ),
    Row(
        "SparseReshape",
        lambda i, v, s, n: _parts3(tf.sparse.reshape(_sp(i, v, s), n))[::2],
        np_sparse_reshape,
        reshape_draw,
        FLOATS,
        "none",
    ),
    Row(
        "SparseConcat",
        lambda i1, v1, s1, i2, v2, s2, axis: _parts3(
            tf.sparse.concat(axis, [_sp(i1, v1, s1), _sp(i2, v2, s2)])
        ),
        np_sparse_concat,
        concat_draw,
        NUMERIC,
        "none",
    ),
    Row(
        "SparseSlice",
        lambda i, v, s, b, z: _parts3(tf.sparse.slice(_sp(i, v, s), b, z)),
        np_sparse_slice,
        slice_draw,
        NUMERIC,
        static=False,
    ),
    Row(
        "SparseAdd",
        lambda ai, av, bi, bv, s, thresh: _parts3(
            tf.sparse.add(_sp(ai, av, s), _sp(bi, bv, s), thresh)
        ),
        np_sparse_add,
        add_draw,
        NUMERIC,
        static=False,
    ),
    Row("SparseAddGrad", add_grad_build, np_add_grad, add_grad_draw, FLOATS, "none", static=False),
]
BY_OP = {r.op: r for r in ROWS}
globals().update(table_tests(ROWS))
