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


# ---- compute_accidental_hits -----------------------------------------------------------------
@pytest.mark.parametrize(
    "true,sampled",
    [
        ([[1, 5], [2, 2], [7, 0]], [5, 2, 9, 5, 0]),
        ([[3], [4]], [1, 2]),
        ([[0, 1, 2]], [2, 2, 1, 0, 0]),
    ],
)
def test_compute_accidental_hits_as_tf(T, true, sampled):
    def build(mod):
        t = mod.constant(np.array(true, np.int64))
        s = mod.constant(np.array(sampled, np.int64))
        return list(mod.nn.compute_accidental_hits(t, s, num_true=len(true[0]))), None

    ours, theirs = run_both(T, build, fetch_grads=False)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.bad_input
def test_compute_accidental_hits_num_true_mismatch_as_tf(T):
    for mod, graph_cls in ((tf, tf.Graph), (T, T.Graph)):
        with (
            graph_cls().as_default(),
            pytest.raises(ValueError, match="Dimension must be 3 but is 2"),
        ):
            t = mod.constant(np.array([[1, 2]], np.int64))
            mod.nn.compute_accidental_hits(t, mod.constant(np.array([1], np.int64)), num_true=3)


# ---- static_bidirectional_rnn / static_state_saving_rnn ----------------------------------------
@_TF_CELL_DEPRECATED
@pytest.mark.parametrize("lengths", [None, [3, 1, 2, 3]])
def test_static_bidirectional_rnn_as_tf(T, lengths):
    x = _rng.standard_normal((3, 4, 2)).astype(np.float32)
    names = {}

    def build(mod):
        fw, bw = mod.nn.rnn_cell.BasicRNNCell(3), mod.nn.rnn_cell.GRUCell(2)
        inputs = mod.constant(x)
        with mod.variable_scope("m", initializer=mod.constant_initializer(0.3)):
            outs, st_fw, st_bw = mod.nn.static_bidirectional_rnn(
                fw, bw, mod.unstack(inputs), dtype=mod.float32, sequence_length=lengths
            )
        names[mod is tf] = [v.name for v in mod.global_variables()]
        return [*outs, st_fw, st_bw], [inputs]

    ours, theirs = run_both(T, build)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert names[True] == names[False]


class _VariableStateSaver:
    """A state saver over variables: ``state(name)`` reads, ``save_state`` assigns."""

    def __init__(self, mod, sizes):
        self._mod = mod
        self._vars = {
            k: mod.get_variable(f"saved_{k}", [2, n], initializer=mod.constant_initializer(0.5))
            for k, n in sizes.items()
        }

    def state(self, name):
        return self._vars[name].read_value() if self._mod is not tf else self._vars[name] + 0.0

    def save_state(self, name, value):
        return self._vars[name].assign(value)


@_TF_CELL_DEPRECATED
@pytest.mark.parametrize("kind", ["single", "tuple"])
def test_static_state_saving_rnn_as_tf(T, kind):
    x = _rng.standard_normal((3, 2, 2)).astype(np.float32)
    res = []
    for mod, graph_cls in ((tf, tf.Graph), (T, T.Graph)):
        with graph_cls().as_default():
            if kind == "single":
                cell, names, sizes = mod.nn.rnn_cell.GRUCell(3), "h", {"h": 3}
            else:
                cell = mod.nn.rnn_cell.BasicLSTMCell(3, state_is_tuple=True)
                names, sizes = ("c", "h"), {"c": 3, "h": 3}
            with mod.variable_scope("m", initializer=mod.constant_initializer(0.2)):
                saver = _VariableStateSaver(mod, sizes)
                outs, state = mod.nn.static_state_saving_rnn(
                    cell, mod.unstack(mod.constant(x)), saver, names
                )
            with mod.Session() as s:
                s.run(mod.global_variables_initializer())
                first = s.run([outs[-1], state])
                second = s.run(outs[-1])  # starts from the saved state
                res.append([first[0], *mod.nest.flatten(first[1]), second])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@_TF_CELL_DEPRECATED
@pytest.mark.bad_input
def test_rnn_static_bad_arguments_as_tf(T):
    for mod, graph_cls in ((tf, tf.Graph), (T, T.Graph)):
        with graph_cls().as_default():
            cell = mod.nn.rnn_cell.BasicRNNCell(2)
            with pytest.raises(
                TypeError,
                match=r"The argument 'cell_fw' .* is not an RNNCell: 'output_size' property",
            ):
                mod.nn.static_bidirectional_rnn(object(), cell, [mod.zeros([1, 2])])
            with pytest.raises(ValueError, match="Argument `inputs` must not be empty"):
                mod.nn.static_bidirectional_rnn(cell, cell, [])
            with pytest.raises(
                ValueError, match="Argument `state_name` should be the same type as"
            ):
                mod.nn.static_state_saving_rnn(cell, [mod.zeros([1, 2])], None, ("a", "b"))
