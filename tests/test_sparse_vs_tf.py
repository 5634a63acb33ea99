"""``tf.sparse`` and the TF 1.x ``sparse_*`` names side by side with TF 2.21 ``compat.v1``:
values, dense shapes and gradients on the same inputs; SparseTensors fetched and fed through
``Session.run``; bad input with TF's error class and a message naming the op."""

from __future__ import annotations

import collections

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(5)

# a 3x4 SparseTensor in row-major order, and a second one overlapping it
IND = np.array([[0, 1], [0, 3], [1, 0], [2, 2], [2, 3]], np.int64)
VAL = np.array([1.5, -2.0, 3.0, 0.5, 4.0])
SHAPE = np.array([3, 4], np.int64)
IND2 = np.array([[0, 1], [1, 1], [2, 3]], np.int64)
VAL2 = np.array([-1.5, 2.5, 1.0])
IND3 = np.array([[0, 0, 1], [0, 1, 0], [1, 0, 2], [1, 1, 1], [1, 1, 2]], np.int64)
SHAPE3 = np.array([2, 2, 3], np.int64)


def _both(build, feeds):
    """``sess.run(build(module, *placeholders))`` in tflite_core and in TF on the same feeds."""
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            ps = [mod.placeholder(mod.as_dtype(v.dtype), v.shape) for v in feeds]
            fetch = build(mod, *ps)
            with mod.Session(graph=graph) as sess:
                out.append(sess.run(fetch, dict(zip(ps, feeds))))
    return out


def _same(got, want, tol=1e-10):
    if type(want).__name__ == "IndexedSlicesValue":  # TF's sparse gradient, dense
        dense = np.zeros(want.dense_shape, want.values.dtype)
        np.add.at(dense, want.indices, want.values)
        want = dense
    if isinstance(want, real_tf.compat.v1.SparseTensorValue):
        assert isinstance(got, tf.SparseTensorValue), got
        for g, w in zip(got, want):
            _same(g, w, tol)
        return
    if isinstance(want, (list, tuple)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w, tol)
        return
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got, want)
    if got.dtype.kind == "f":
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    else:
        np.testing.assert_array_equal(got, want)


def _check(build, feeds, tol=1e-10):
    ours, theirs = _both(build, feeds)
    _same(ours, theirs, tol)


def _sp(m, i, v, s):
    return m.SparseTensor(i, v, s)


# ---- values and gradients ------------------------------------------------------------------------
CASES = {
    "to_dense": (lambda m, i, v, s: m.sparse.to_dense(_sp(m, i, v, s)), [IND, VAL, SHAPE]),
    "to_dense default": (
        lambda m, i, v, s: m.sparse_tensor_to_dense(_sp(m, i, v, s), default_value=7.0),
        [IND, VAL, SHAPE],
    ),
    "sparse_to_dense": (
        lambda m, i, v, s: m.sparse_to_dense(i, s, v, default_value=-1.0),
        [IND, VAL, SHAPE],
    ),
    "sparse_to_dense scalar value": (
        lambda m, i, s: m.sparse_to_dense(i, s, 2.0),
        [IND, SHAPE],
    ),
    "sparse_to_dense vector indices": (
        lambda m, i, v: m.sparse_to_dense(i, [6], v),
        [np.array([0, 2, 5]), np.array([1.0, 2.0, 3.0])],
    ),
    "from_dense": (lambda m, x: m.sparse.from_dense(x), [np.array([[0.0, 2.0], [3.0, 0.0]])]),
    "from_dense int 3-d": (
        lambda m, x: m.sparse.from_dense(x),
        [RNG.integers(-1, 2, (2, 3, 2)).astype(np.int32)],
    ),
    "where": (lambda m, x: m.where(x), [RNG.random((3, 4)) > 0.5]),
    "reorder": (
        lambda m, i, v, s: m.sparse.reorder(_sp(m, i, v, s)),
        [IND[::-1].copy(), VAL, SHAPE],
    ),
    "retain": (
        lambda m, i, v, s: m.sparse_retain(_sp(m, i, v, s), [True, False, True, True, False]),
        [IND, VAL, SHAPE],
    ),
    "reset_shape": (
        lambda m, i, v, s: m.sparse.reset_shape(_sp(m, i, v, s), [5, 6]),
        [IND, VAL, SHAPE],
    ),
    "reset_shape tight": (
        lambda m, i, v, s: m.sparse_reset_shape(_sp(m, i, v, s)),
        [IND[:3], VAL[:3], SHAPE],
    ),
    "transpose": (lambda m, i, v, s: m.sparse.transpose(_sp(m, i, v, s)), [IND, VAL, SHAPE]),
    "transpose perm": (
        lambda m, i, v, s: m.sparse_transpose(_sp(m, i, v, s), [2, 0, 1]),
        [IND3, VAL, SHAPE3],
    ),
    "eye": (lambda m: m.sparse.eye(3, 5, dtype=m.float64), []),
    "eye square": (lambda m: m.sparse.eye(4), []),
    "expand_dims": (
        lambda m, i, v, s: m.sparse.expand_dims(_sp(m, i, v, s), 1),
        [IND, VAL, SHAPE],
    ),
    "expand_dims last": (
        lambda m, i, v, s: m.sparse.expand_dims(_sp(m, i, v, s), -1),
        [IND, VAL, SHAPE],
    ),
    "slice": (
        lambda m, i, v, s: m.sparse.slice(_sp(m, i, v, s), [1, 1], [5, 2]),
        [IND, VAL, SHAPE],
    ),
    "split": (
        lambda m, i, v, s: m.sparse.split(sp_input=_sp(m, i, v, s), num_split=3, axis=1),
        [IND, VAL, SHAPE],
    ),
    "split rows": (
        lambda m, i, v, s: m.sparse_split(sp_input=_sp(m, i, v, s), num_split=2, axis=0),
        [IND, VAL, SHAPE],
    ),
    "concat axis 1": (
        lambda m, i, v, s, j, w: m.sparse.concat(1, [_sp(m, i, v, s), _sp(m, j, w, s)]),
        [IND, VAL, SHAPE, IND2, VAL2],
    ),
    "concat axis 0": (
        lambda m, i, v, s, j, w: m.sparse_concat(0, [_sp(m, i, v, s), _sp(m, j, w, s)]),
        [IND, VAL, SHAPE, IND2, VAL2],
    ),
    "concat expand": (
        lambda m, i, v, s, j, w: m.sparse.concat(
            1, [_sp(m, i, v, s), _sp(m, j, w, [3, 2])], expand_nonconcat_dim=True
        ),
        [IND, VAL, SHAPE, IND2[:2] * [1, 0] + [0, 1], VAL2[:2]],
    ),
    "reshape": (
        lambda m, i, v, s: m.sparse.reshape(_sp(m, i, v, s), [2, -1]),
        [IND, VAL, SHAPE],
    ),
    "reshape fed shape": (
        lambda m, i, v, s, n: m.sparse.reshape(_sp(m, i, v, s), n),
        [IND3, VAL, SHAPE3, np.array([-1, 2, 2], np.int64)],
    ),
    "reshape 3-d": (
        lambda m, i, v, s: m.sparse_reshape(_sp(m, i, v, s), [4, 3]),
        [IND3, VAL, SHAPE3],
    ),
    "fill_empty_rows": (
        lambda m, i, v, s: list(m.sparse.fill_empty_rows(_sp(m, i, v, s), -1.0)),
        [IND[[0, 1, 3]], VAL[[0, 1, 3]], np.array([4, 4], np.int64)],
    ),
    "merge": (
        lambda m, i, ids, v: m.sparse_merge(_sp(m, i, ids, [3, 2]), _sp(m, i, v, [3, 2]), 5),
        [
            np.array([[0, 0], [0, 1], [2, 0]], np.int64),
            np.array([4, 1, 2], np.int64),
            np.array([0.5, 1.5, -1.0]),
        ],
    ),
    "to_indicator": (
        lambda m, i, ids: m.sparse.to_indicator(_sp(m, i, ids, [3, 2]), 5),
        [np.array([[0, 0], [0, 1], [2, 0]], np.int64), np.array([4, 1, 2], np.int64)],
    ),
    "add sparse dense": (
        lambda m, i, v, s, d: m.sparse.add(_sp(m, i, v, s), d),
        [IND, VAL, SHAPE, RNG.standard_normal((3, 4))],
    ),
    "add dense sparse": (
        lambda m, i, v, s, d: m.sparse_add(d, _sp(m, i, v, s)),
        [IND, VAL, SHAPE, RNG.standard_normal((3, 4))],
    ),
    "add sparse sparse": (
        lambda m, i, v, s, j, w: m.sparse.add(_sp(m, i, v, s), _sp(m, j, w, s)),
        [IND, VAL, SHAPE, IND2, VAL2],
    ),
    "add thresh": (
        lambda m, i, v, s, j, w: m.sparse_add(_sp(m, i, v, s), _sp(m, j, w, s), 0.5),
        [IND, VAL, SHAPE, IND2, VAL2],
    ),
    "maximum": (
        lambda m, i, v, s, j, w: m.sparse.maximum(_sp(m, i, v, s), _sp(m, j, w, s)),
        [IND, VAL, SHAPE, IND2, VAL2],
    ),
    "minimum": (
        lambda m, i, v, s, j, w: m.sparse_minimum(_sp(m, i, v, s), _sp(m, j, w, s)),
        [IND, VAL, SHAPE, IND2, VAL2],
    ),
    "reduce_sum all": (
        lambda m, i, v, s: m.sparse.reduce_sum(_sp(m, i, v, s)),
        [IND, VAL, SHAPE],
    ),
    "reduce_sum axis": (
        lambda m, i, v, s: [
            m.sparse.reduce_sum(_sp(m, i, v, s), 1),
            m.sparse_reduce_sum(_sp(m, i, v, s), [0], keepdims=True),
        ],
        [IND, VAL, SHAPE],
    ),
    "reduce_sum 3-d": (
        lambda m, i, v, s: m.sparse.reduce_sum(_sp(m, i, v, s), [0, -1]),
        [IND3, VAL, SHAPE3],
    ),
    "reduce_max": (
        lambda m, i, v, s: [
            m.sparse.reduce_max(_sp(m, i, v, s), 1),
            m.sparse_reduce_max(_sp(m, i, v, s)),
        ],
        [IND, -np.abs(VAL), np.array([4, 4], np.int64)],
    ),
    "reduce_sum_sparse": (
        lambda m, i, v, s: m.sparse.reduce_sum_sparse(_sp(m, i, v, s), 1),
        [IND3, VAL, SHAPE3],
    ),
    "reduce_max_sparse": (
        lambda m, i, v, s: m.sparse_reduce_max_sparse(_sp(m, i, v, s), [0], keepdims=True),
        [IND3, VAL, SHAPE3],
    ),
    "softmax": (lambda m, i, v, s: m.sparse.softmax(_sp(m, i, v, s)), [IND, VAL, SHAPE]),
    "softmax 3-d": (lambda m, i, v, s: m.sparse_softmax(_sp(m, i, v, s)), [IND3, VAL, SHAPE3]),
    "segment_sum": (
        lambda m, d, i, s: m.sparse.segment_sum(d, i, s),
        [RNG.standard_normal((4, 3)), np.array([0, 3, 1, 3]), np.array([0, 0, 2, 2])],
    ),
    "segment_mean": (
        lambda m, d, i, s: m.sparse_segment_mean(d, i, s),
        [RNG.standard_normal((4, 3)), np.array([0, 3, 1, 3]), np.array([0, 0, 2, 2])],
    ),
    "segment_sqrt_n": (
        lambda m, d, i, s: m.sparse.segment_sqrt_n(d, i, s),
        [RNG.standard_normal((4,)), np.array([0, 3, 1]), np.array([1, 1, 1])],
    ),
    "segment_sum num_segments": (
        lambda m, d, i, s: m.sparse.segment_sum(d, i, s, num_segments=5),
        [RNG.standard_normal((4, 2)), np.array([0, 3, 1]), np.array([0, 0, 3])],
    ),
    "segment_mean num_segments": (
        lambda m, d, i, s: m.sparse_segment_mean(d, i, s, num_segments=4),
        [RNG.standard_normal((4, 2)), np.array([0, 3, 1]), np.array([0, 0, 3])],
    ),
    "segment_sqrt_n num_segments": (
        lambda m, d, i, s: m.sparse_segment_sqrt_n(d, i, s, num_segments=3),
        [RNG.standard_normal((4, 2)), np.array([0, 3, 1]), np.array([1, 1, 2])],
    ),
    "sparse_dense_matmul": (
        lambda m, i, v, s, b: m.sparse.sparse_dense_matmul(_sp(m, i, v, s), b),
        [IND, VAL, SHAPE, RNG.standard_normal((4, 2))],
    ),
    "matmul adjoint_a": (
        lambda m, i, v, s, b: m.sparse.matmul(_sp(m, i, v, s), b, adjoint_a=True),
        [IND, VAL, SHAPE, RNG.standard_normal((3, 2))],
    ),
    "matmul adjoint_b": (
        lambda m, i, v, s, b: m.sparse_tensor_dense_matmul(_sp(m, i, v, s), b, adjoint_b=True),
        [IND, VAL, SHAPE, RNG.standard_normal((5, 4))],
    ),
    "matmul both adjoint": (
        lambda m, i, v, s, b: m.sparse_tensor_dense_matmul(
            _sp(m, i, v, s), b, adjoint_a=True, adjoint_b=True
        ),
        [IND, VAL, SHAPE, RNG.standard_normal((2, 3))],
    ),
    "sparse_matmul": (
        lambda m, a, b: m.sparse_matmul(a, b, transpose_b=True, a_is_sparse=True),
        [
            RNG.standard_normal((3, 4)).astype(np.float32),
            RNG.standard_normal((2, 4)).astype(np.float32),
        ],
    ),
    "cross_hashed": (
        lambda m, i, v, s, j, w, d: m.sparse.cross_hashed([_sp(m, i, v, s), _sp(m, j, w, s), d]),
        [
            IND,
            RNG.integers(-(2**62), 2**62, 5),
            SHAPE,
            IND2,
            np.array([5, -1, 2**40]),
            RNG.integers(-9, 9, (3, 2)),
        ],
    ),
    "cross_hashed buckets key": (
        lambda m, i, v, s, d: m.sparse.cross_hashed(
            [d, _sp(m, i, v, s)], num_buckets=1000, hash_key=12345
        ),
        [IND, np.array([3, 1, 4, 1, 5]), SHAPE, RNG.integers(0, 9, (3, 3))],
    ),
    "cross": (
        lambda m, i, v, s, j, w, d: m.sparse.cross([_sp(m, i, v, s), _sp(m, j, w, s), d]),
        [
            IND,
            np.array([3, -1, 4, 1, 5]),
            SHAPE,
            IND2,
            np.array([5, -1, 2**40]),
            RNG.integers(-9, 9, (3, 2)),
        ],
    ),
    "cross separator": (
        lambda m, d, i, v, s: m.sparse.cross([d, _sp(m, i, v, s)], separator="|"),
        [RNG.integers(0, 9, (3, 2)), IND, np.array([3, 1, 4, 1, 5]), SHAPE],
    ),
    "cross_hashed dense only": (
        lambda m, d, e: m.sparse.cross_hashed([d, e], num_buckets=7),
        [RNG.integers(0, 9, (2, 3)), RNG.integers(0, 9, (2, 2))],
    ),
    "bincount": (
        lambda m, x: m.sparse.bincount(x),
        [np.array([[1, 3, 3], [0, 3, 7]], np.int64)],
    ),
    "bincount rows": (
        lambda m, x, w: m.sparse.bincount(x, weights=w, axis=-1, minlength=9),
        [np.array([[1, 3, 3], [0, 3, 7]], np.int64), RNG.standard_normal((2, 3))],
    ),
    "bincount binary maxlength": (
        lambda m, x: m.sparse.bincount(x, maxlength=4, binary_output=True),
        [np.array([1, 3, 3, 0, 3, 7], np.int64)],
    ),
    "bincount sparse": (
        lambda m, i, v: m.sparse.bincount(_sp(m, i, v, [2, 3]), axis=-1),
        [np.array([[0, 0], [0, 2], [1, 1]], np.int64), np.array([2, 2, 5], np.int64)],
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_values_match_tf(case):
    build, feeds = CASES[case]
    _check(build, feeds, tol=1e-6 if case == "sparse_matmul" else 1e-10)


def _with_grads(build):
    """``build`` plus the gradients of sum(out * w) (w fixed) w.r.t. the float placeholders."""

    def full(m, *ps):
        out = build(m, *ps)
        outs = out if isinstance(out, list) else [out]
        dense = [o.values if isinstance(o, m.SparseTensor) else o for o in outs]
        loss = m.add_n([m.reduce_sum(m.sin(d) * d) for d in dense])
        xs = [p for p in ps if p.dtype == m.float64]
        return [*dense, *m.gradients(loss, xs)]

    return full


GRAD_CASES = [
    "to_dense",
    "to_dense default",
    "sparse_to_dense",
    "reorder",
    "retain",
    "transpose",
    "slice",
    "add sparse dense",
    "add sparse sparse",
    "add thresh",
    "reduce_sum axis",
    "reduce_sum 3-d",
    "softmax",
    "softmax 3-d",
    "segment_sum",
    "segment_mean",
    "segment_sqrt_n",
    "segment_sum num_segments",
    "segment_mean num_segments",
    "sparse_dense_matmul",
    "matmul adjoint_a",
    "matmul adjoint_b",
    "matmul both adjoint",
    "fill_empty_rows",
    "from_dense",
]


@pytest.mark.parametrize("case", GRAD_CASES, ids=GRAD_CASES)
def test_gradients_match_tf(case):
    build, feeds = CASES[case]
    if case == "fill_empty_rows":  # the values and the default value both get gradients

        def build(m, i, v, s, d):
            return m.sparse.fill_empty_rows(_sp(m, i, v, s), d)[0]

        feeds = [*feeds, np.array(-1.0)]

    _check(_with_grads(build), feeds)


# ---- Session: fetching and feeding SparseTensors ---------------------------------------------
def test_sparse_placeholder_feeds_a_value_or_a_tuple():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            sp = mod.sparse_placeholder(mod.float64, shape=[3, 4], name="sp")
            assert sp.shape.as_list() == [3, 4]
            dense = mod.sparse.to_dense(sp)
            with mod.Session(graph=graph) as sess:
                v = mod.SparseTensorValue(IND, VAL, SHAPE)
                a = sess.run(dense, {sp: v})
                b = sess.run(dense, {sp: (IND[:2], VAL[:2], [3, 4])})
                back = sess.run(sp, {sp: v})
        if mod is tf:
            ours = (a, b, back)
        else:
            theirs = (a, b, back)
    _same(list(ours), list(theirs))


def test_sparse_placeholder_without_shape_and_partial_shape():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            sp = mod.sparse_placeholder(mod.float64)
            part = mod.sparse_placeholder(mod.float64, shape=[None, 4])
            assert part.shape.as_list() == [None, 4]
            out = [mod.sparse.reduce_sum(sp, 1), mod.sparse.to_dense(part)]
            with mod.Session(graph=graph) as sess:
                got = sess.run(
                    out,
                    {sp: (IND, VAL, SHAPE), part: mod.SparseTensorValue(IND, VAL, [5, 4])},
                )
        if mod is tf:
            ours = got
        else:
            theirs = got
    _same(ours, theirs)


def test_sparse_tensors_in_fetch_structures():
    Pair = collections.namedtuple("Pair", ["sp", "dense"])
    g = tf.Graph()
    with g.as_default():
        st = tf.SparseTensor(IND, VAL, SHAPE)
        d = tf.sparse.to_dense(st)
        with tf.Session() as sess:
            got = sess.run({"a": [st, d], "b": Pair(st, d), "c": (st,)})
            assert isinstance(got["a"][0], tf.SparseTensorValue)
            assert isinstance(got["b"], Pair) and isinstance(got["b"].sp, tf.SparseTensorValue)
            np.testing.assert_array_equal(got["c"][0].indices, IND)
            np.testing.assert_array_equal(got["c"][0].values, VAL)
            np.testing.assert_array_equal(got["c"][0].dense_shape, SHAPE)
            e = st.eval()
            assert isinstance(e, tf.SparseTensorValue)
            np.testing.assert_array_equal(e.values, got["b"].sp.values)


def test_varying_sparse_feeds_reuse_the_executable():
    """Feeds of different nnz each get a plan (the counts decide shapes) and stay correct."""
    g = tf.Graph()
    with g.as_default():
        sp = tf.sparse_placeholder(tf.float64, shape=[3, 4])
        out = tf.sparse.retain(sp, tf.greater(sp.values, 0.0))
        with tf.Session() as sess:
            for k in (5, 2, 5, 0, 3):
                got = sess.run(out, {sp: (IND[:k], VAL[:k], SHAPE)})
                keep = VAL[:k] > 0
                np.testing.assert_array_equal(got.indices, IND[:k][keep])
                np.testing.assert_array_equal(got.values, VAL[:k][keep])


def test_convert_to_tensor_or_sparse_tensor_and_static_shapes():
    g = tf.Graph()
    with g.as_default():
        v = tf.SparseTensorValue(IND, VAL, SHAPE)
        st = tf.convert_to_tensor_or_sparse_tensor(v)
        assert isinstance(st, tf.SparseTensor) and st.dtype == tf.float64
        assert tf.convert_to_tensor_or_sparse_tensor(st) is st
        assert isinstance(tf.convert_to_tensor_or_sparse_tensor([1.0]), tf.Tensor)
        with pytest.raises(RuntimeError, match="Sparse dtype mismatch"):
            tf.convert_to_tensor_or_sparse_tensor(st, dtype=tf.int32)
        assert st.shape.as_list() == [3, 4]
        assert tf.sparse.to_dense(st).shape.as_list() == [3, 4]
        assert tf.sparse.transpose(st).shape.as_list() == [4, 3]
        assert tf.sparse.expand_dims(st, 0).shape.as_list() == [1, 3, 4]
        assert tf.sparse.reshape(st, [-1, 6]).shape.as_list() == [2, 6]
        assert tf.sparse.eye(3, 5).shape.as_list() == [3, 5]
        assert tf.sparse.reduce_sum(st, 1).shape.as_list() == [3]
        assert tf.sparse.sparse_dense_matmul(st, tf.zeros([4, 7], tf.float64)).shape.as_list() == [
            3,
            7,
        ]


def test_sparse_mask_of_indexed_slices():
    vals = RNG.standard_normal((4, 2))
    idx = np.array([12, 26, 7, 26])
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            a = mod.IndexedSlices(mod.constant(vals), mod.constant(idx), mod.constant([30, 2]))
            m = mod.sparse.mask(a, [26, 3])
            with mod.Session(graph=graph) as sess:
                out.append(sess.run([m.values, m.indices]))
    _same(out[0], out[1])


# ---- bad input: TF's error class and a message naming the op ----------------------------------
BAD = {
    "to_dense out of bounds": (
        lambda m, i, v, s: m.sparse.to_dense(_sp(m, i, v, s)),
        [np.array([[0, 1], [0, 5]]), np.array([1.0, 2.0]), SHAPE],
        "SparseToDense",
        r"indices\[1\] = \[0,5\] is out of bounds: need 0 <= index < \[3,4\]",
    ),
    "to_dense unordered": (
        lambda m, i, v, s: m.sparse.to_dense(_sp(m, i, v, s)),
        [np.array([[0, 2], [0, 1]]), np.array([1.0, 2.0]), SHAPE],
        "SparseToDense",
        r"indices\[1\] = \[0,1\] is out of order",
    ),
    "to_dense repeated": (
        lambda m, i, v, s: m.sparse.to_dense(_sp(m, i, v, s)),
        [np.array([[0, 1], [0, 1]]), np.array([1.0, 2.0]), SHAPE],
        "SparseToDense",
        r"indices\[1\] = \[0,1\] is repeated",
    ),
    "matmul column out of bounds": (
        lambda m, i, v, s, b: m.sparse.sparse_dense_matmul(_sp(m, i, v, s), b),
        [np.array([[0, 1], [1, 7]]), np.array([1.0, 2.0]), SHAPE, np.ones((4, 2))],
        "SparseTensorDenseMatMul",
        r"k \(7\) from index\[1,1\] out of bounds \(>=4\)",
    ),
    "matmul row out of bounds": (
        lambda m, i, v, s, b: m.sparse.sparse_dense_matmul(_sp(m, i, v, s), b),
        [np.array([[0, 1], [4, 1]]), np.array([1.0, 2.0]), SHAPE, np.ones((4, 2))],
        "SparseTensorDenseMatMul",
        r"m \(4\) from index\[1,0\] out of bounds \(>=3\)",
    ),
    "segment ids not increasing": (
        lambda m, d, i, s: m.sparse.segment_sum(d, i, s),
        [np.ones((3, 2)), np.array([0, 1]), np.array([1, 0])],
        "SparseSegmentSum",
        "segment ids are not increasing",
    ),
    "segment index out of range": (
        lambda m, d, i, s: m.sparse.segment_mean(d, i, s),
        [np.ones((3, 2)), np.array([0, 5]), np.array([0, 1])],
        "SparseSegmentMean",
        r"Bad: indices\[1\] == 5 out of range \[0, 3\)",
    ),
    "segment id past num_segments": (
        lambda m, d, i, s: m.sparse.segment_sum(d, i, s, num_segments=2),
        [np.ones((3, 2)), np.array([0, 1]), np.array([0, 3])],
        "SparseSegmentSumWithNumSegments",
        "segment ids must be < num_segments",
    ),
    "dense add shape mismatch": (
        lambda m, i, v, s, d: m.sparse.add(_sp(m, i, v, s), d),
        [IND, VAL, SHAPE, np.ones((3, 5))],
        "SparseTensorDenseAdd",
        "Dimension 1 does not equal",
    ),
    "dense add index out of range": (
        lambda m, i, v, s, d: m.sparse.add(_sp(m, i, v, s), d),
        [np.array([[0, 1], [4, 0]]), np.array([1.0, 2.0]), SHAPE, np.ones((3, 4))],
        "SparseTensorDenseAdd",
        r"invalid index on dimension 0: a_indices\(1,0\) = 4",
    ),
    "add shapes differ": (
        lambda m, i, v, s, j, w, t: m.sparse.add(_sp(m, i, v, s), _sp(m, j, w, t)),
        [IND, VAL, SHAPE, IND2, VAL2, np.array([3, 5])],
        "SparseAdd",
        "Operands' shapes do not match",
    ),
    "reshape two unknowns": (
        lambda m, i, v, s, n: m.sparse.reshape(_sp(m, i, v, s), n),
        [IND, VAL, SHAPE, np.array([-1, -1])],
        "SparseReshape",
        "only one output dimension may be -1, not both 0 and 1",
    ),
    "reshape size mismatch": (
        lambda m, i, v, s, n: m.sparse.reshape(_sp(m, i, v, s), n),
        [IND, VAL, SHAPE, np.array([3, 3])],
        "SparseReshape",
        r"Input to reshape is a tensor with 12 dense values, but the requested shape has 9. "
        r"input_shape=\[3,4\] output_shape=\[3,3\]",
    ),
    "reshape no multiple": (
        lambda m, i, v, s, n: m.sparse.reshape(_sp(m, i, v, s), n),
        [IND, VAL, SHAPE, np.array([5, -1])],
        "SparseReshape",
        "requested shape requires a multiple of 5",
    ),
    "concat shapes differ": (
        lambda m, i, v, s, j, w, t: m.sparse.concat(1, [_sp(m, i, v, s), _sp(m, j, w, t)]),
        [IND, VAL, SHAPE, IND2, VAL2, np.array([4, 5])],
        "SparseConcat",
        "Input shapes must match: expected 3 for dimension 0 but got 4 at position 1",
    ),
    "slice start of another rank": (
        lambda m, i, v, s, b, z: m.sparse.slice(_sp(m, i, v, s), b, z),
        [IND, VAL, SHAPE, np.array([0, 0, 0]), np.array([2, 2])],
        "SparseSlice",
        "Expected start to be a vector of length 2 but got length 3",
    ),
    "softmax of a vector": (
        lambda m, i, v, s: m.sparse.softmax(_sp(m, i, v, s)),
        [np.array([[0], [2]]), np.array([1.0, 2.0]), np.array([3])],
        "SparseSoftmax",
        "Input should have rank >= 2",
    ),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_like_tf(case):
    build, feeds, op_type, message = BAD[case]
    for mod, graph, err in (
        (tf, tf.Graph(), tf.errors.InvalidArgumentError),
        (T, real_tf.Graph(), real_tf.errors.InvalidArgumentError),
    ):
        with graph.as_default():
            ps = [mod.placeholder(mod.as_dtype(np.asarray(v).dtype), np.shape(v)) for v in feeds]
            fetch = build(mod, *ps)
            with mod.Session(graph=graph) as sess, pytest.raises(err, match=message) as info:
                sess.run(fetch, dict(zip(ps, feeds)))
        if mod is tf:
            assert op_type in str(info.value)
