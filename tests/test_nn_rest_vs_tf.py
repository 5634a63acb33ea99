"""tf.nn's sparse embedding lookups, loss scaling and RNN cell wrappers side by side with
TensorFlow 2.21 compat.v1 graph mode: values, gradients, variable names and errors."""

import numpy as np
import pytest

import tflite_core as tf


@pytest.fixture(scope="module")
def T():
    import tensorflow

    return tensorflow.compat.v1


def run_both(T, build, fetch_grads=True):
    """``build(mod)`` -> (outputs, table); returns ([ours, grads], [theirs, grads])."""
    res = []
    for mod, graph_cls in ((tf, tf.Graph), (T, T.Graph)):
        with graph_cls().as_default():
            outs, wrt = build(mod)
            fetch = list(outs)
            if fetch_grads and wrt is not None:
                total = mod.add_n([mod.reduce_sum(o * (i + 1.0)) for i, o in enumerate(outs)])
                fetch += [mod.convert_to_tensor(g) for g in mod.gradients(total, wrt)]
            with mod.Session() as s:
                if mod.global_variables():
                    s.run(mod.global_variables_initializer())
                res.append(s.run(fetch))
    return res


_rng = np.random.default_rng(5)
TABLE = _rng.standard_normal((7, 3)).astype(np.float32)
IDS = {
    "plain": ([[0, 0], [0, 1], [1, 0], [3, 0], [3, 1], [3, 2]], [1, 3, 3, 0, 6, 6], [4, 3]),
    "skips_rows": ([[0, 0], [2, 0], [2, 1]], [5, 2, 5], [3, 2]),
}


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn", None])
@pytest.mark.parametrize("kind", sorted(IDS))
def test_embedding_lookup_sparse_values_and_gradients(T, kind, combiner, weighted):
    ind, vals, dims = IDS[kind]
    w = _rng.uniform(0.5, 2.0, len(vals)).astype(np.float32)

    def build(mod):
        table = mod.constant(TABLE)
        sp = mod.SparseTensor(ind, mod.constant(vals, mod.int64), dims)
        spw = mod.SparseTensor(ind, mod.constant(w), dims) if weighted else None
        out = mod.nn.embedding_lookup_sparse(table, sp, spw, combiner=combiner)
        return [out], [table]

    ours, theirs = run_both(T, build)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_embedding_lookup_sparse_partitioned_and_max_norm(T, strategy):
    ind, vals, dims = IDS["plain"]

    def build(mod):
        parts = [mod.constant(TABLE[:4]), mod.constant(TABLE[4:])]
        if strategy == "mod":
            parts = [mod.constant(TABLE[0::2]), mod.constant(TABLE[1::2])]
        sp = mod.SparseTensor(ind, mod.constant(vals, mod.int64), dims)
        a = mod.nn.embedding_lookup_sparse(parts, sp, None, partition_strategy=strategy)
        full = mod.constant(TABLE)
        b = mod.nn.embedding_lookup_sparse(full, sp, None, max_norm=0.5, combiner="sum")
        return [a, b], [*parts, full]

    ours, theirs = run_both(T, build)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


SAFE_IDS = {
    "rank2": ([[0, 0], [0, 1], [2, 0], [3, 0]], [1, -1, 4, -3], [5, 2]),
    "rank3": ([[0, 0, 0], [0, 1, 0], [1, 0, 1], [1, 1, 0]], [2, 6, -1, 0], [2, 2, 2]),
}


@pytest.mark.parametrize("default_id", [None, 2])
@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("kind", sorted(SAFE_IDS))
@pytest.mark.parametrize("weighted", [False, True])
def test_safe_embedding_lookup_sparse_prunes_and_fills(T, kind, combiner, default_id, weighted):
    ind, vals, dims = SAFE_IDS[kind]
    w = np.array([1.0, 2.0, -1.0, 0.5][: len(vals)], np.float32)

    def build(mod):
        table = mod.constant(TABLE)
        sp = mod.SparseTensor(ind, mod.constant(vals, mod.int64), dims)
        spw = mod.SparseTensor(ind, mod.constant(w), dims) if weighted else None
        out = mod.nn.safe_embedding_lookup_sparse(
            table, sp, spw, combiner=combiner, default_id=default_id
        )
        return [out], [table]

    ours, theirs = run_both(T, build)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert ours[0].shape == theirs[0].shape


def test_safe_embedding_lookup_sparse_names_and_static_shape(T):
    ind, vals, dims = SAFE_IDS["rank3"]
    names = {}
    for mod, graph_cls in ((tf, tf.Graph), (T, T.Graph)):
        with graph_cls().as_default():
            sp = mod.SparseTensor(ind, mod.constant(vals, mod.int64), dims)
            out = mod.nn.safe_embedding_lookup_sparse(mod.constant(TABLE), sp, name="emb")
            out2 = mod.nn.safe_embedding_lookup_sparse(mod.constant(TABLE), sp, default_id=1)
            names[mod is tf] = (out.shape.as_list(), out2.shape.as_list(), out.op.type)
    assert names[True] == names[False]


@pytest.mark.bad_input
def test_embedding_lookup_sparse_bad_arguments_as_tf(T):
    for mod, graph_cls in ((tf, tf.Graph), (T, T.Graph)):
        with graph_cls().as_default():
            sp = mod.SparseTensor([[0, 0]], mod.constant([1], mod.int64), [1, 1])
            with pytest.raises(
                ValueError, match="combiner must be one of 'mean', 'sqrtn' or 'sum', got max"
            ):
                mod.nn.embedding_lookup_sparse(mod.constant(TABLE), sp, None, combiner="max")
            with pytest.raises(TypeError, match="sp_ids must be SparseTensor"):
                mod.nn.embedding_lookup_sparse(mod.constant(TABLE), mod.constant([1]), None)
            with pytest.raises(TypeError, match="sp_weights must be either None or SparseTensor"):
                mod.nn.embedding_lookup_sparse(mod.constant(TABLE), sp, mod.constant([1.0]))
            with pytest.raises(ValueError, match="Missing embedding_weights"):
                mod.nn.safe_embedding_lookup_sparse([], sp)


# ---- compute_average_loss / scale_regularization_loss --------------------------------------------
@pytest.mark.parametrize(
    "loss_shape,weight_shape,batch",
    [
        ((4,), None, None),
        ((4, 3), (4,), None),
        ((4, 1), (4, 1, 1), 10),
        ((0,), None, None),
        ((3, 2), (), 6),
    ],
)
def test_compute_average_loss_as_tf(T, loss_shape, weight_shape, batch):
    loss = _rng.standard_normal(loss_shape).astype(np.float32)
    w = None if weight_shape is None else _rng.uniform(0, 2, weight_shape).astype(np.float32)

    def build(mod):
        x = mod.constant(loss)
        out = mod.nn.compute_average_loss(
            x, sample_weight=None if w is None else mod.constant(w), global_batch_size=batch
        )
        reg = mod.nn.scale_regularization_loss(x * 2.0)
        return [out, reg], [x]

    ours, theirs = run_both(T, build)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.bad_input
def test_compute_average_loss_bad_input_as_tf(T):
    errs = []
    for mod, graph_cls in ((tf, tf.Graph), (T, T.Graph)):
        with graph_cls().as_default():
            got = []
            for kw in ({}, {"global_batch_size": 2.5}, {"global_batch_size": [2, 3]}):
                x = mod.constant(1.0) if not kw else mod.constant([1.0, 2.0])
                with pytest.raises((ValueError, TypeError)) as e:
                    mod.nn.compute_average_loss(x, **kw)
                got.append((type(e.value), str(e.value).split(".")[0]))
            errs.append(got)
    assert [c for c, _ in errs[0]] == [c for c, _ in errs[1]]
    assert errs[0][0][1] == errs[1][0][1]
    assert "global_batch_size must be an integer" in errs[0][1][1]
    assert "global_batch_size must be scalar" in errs[0][2][1]


# ---- ResidualWrapper / DeviceWrapper ---------------------------------------------------------
_TF_CELL_DEPRECATED = pytest.mark.filterwarnings("ignore:`tf.nn.rnn_cell")


@_TF_CELL_DEPRECATED
@pytest.mark.parametrize("wrapper", ["residual", "residual_fn", "device"])
def test_rnn_cell_wrappers_as_tf(T, wrapper):
    x = _rng.standard_normal((4, 2, 3)).astype(np.float32)
    names = {}

    def build(mod):
        cell = mod.nn.rnn_cell.BasicRNNCell(3)
        if wrapper == "residual":
            cell = mod.nn.rnn_cell.ResidualWrapper(cell)
        elif wrapper == "residual_fn":
            cell = mod.nn.rnn_cell.ResidualWrapper(cell, residual_fn=lambda i, o: i * 2.0 - o)
        else:
            cell = mod.nn.rnn_cell.DeviceWrapper(cell, "/cpu:0")
        inputs = mod.constant(x)
        with mod.variable_scope("v", initializer=mod.constant_initializer(0.1)):
            outs, state = mod.nn.static_rnn(cell, mod.unstack(inputs), dtype=mod.float32)
        zs = cell.zero_state(2, mod.float32)
        names[mod is tf] = ([v.name for v in mod.global_variables()], zs.op.name.split("/")[0])
        return [*outs, state], [inputs]

    ours, theirs = run_both(T, build)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert names[True] == names[False]


@_TF_CELL_DEPRECATED
@pytest.mark.bad_input
def test_residual_wrapper_shape_mismatch_as_tf(T):
    for mod, graph_cls in ((tf, tf.Graph), (T, T.Graph)):
        with graph_cls().as_default():
            cell = mod.nn.rnn_cell.ResidualWrapper(mod.nn.rnn_cell.BasicRNNCell(3))
            with pytest.raises(ValueError, match=r"Shapes \(2, 4\) and \(2, 3\) are incompatible"):
                cell(mod.zeros([2, 4]), cell.zero_state(2, mod.float32))
