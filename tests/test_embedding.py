"""embedding_lookup, its IndexedSlices gradient and the sparse optimiser updates: values against
NumPy and TensorFlow 2.21's compat.v1, only the looked-up rows touched, no dense gradient of the
table allocated, ids checked."""

import tracemalloc

import numpy as np
import pytest

import tflite_core as tf


@pytest.fixture(scope="module")
def T():
    import tensorflow

    return tensorflow


RNG = np.random.default_rng(5)
TABLE = RNG.standard_normal((7, 3)).astype(np.float32)


def test_lookup_ids_of_any_shape_and_max_norm():
    ids = np.array([[6, 0, 6], [2, 2, 1]], np.int64)
    with tf.Graph().as_default(), tf.Session() as sess:
        out = tf.nn.embedding_lookup(tf.constant(TABLE), ids)
        clipped = tf.nn.embedding_lookup([tf.constant(TABLE)], ids.astype(np.int32), max_norm=0.5)
        assert out.shape.as_list() == [2, 3, 3]
        got, got_c = sess.run([out, clipped])
    np.testing.assert_array_equal(got, TABLE[ids])
    norms = np.linalg.norm(TABLE[ids], axis=-1, keepdims=True)
    want = TABLE[ids] * np.minimum(1.0, 0.5 / norms)
    np.testing.assert_allclose(got_c, want, rtol=1e-6)


def test_gradient_is_indexed_slices_concatenated_and_densified():
    ids_a, ids_b = np.array([[1, 4], [4, 6]]), np.array([0, 4])
    with tf.Graph().as_default(), tf.Session() as sess:
        table = tf.Variable(TABLE)
        a = tf.nn.embedding_lookup(table, ids_a)
        b = tf.nn.embedding_lookup(table, ids_b)
        w = tf.constant(RNG.standard_normal(3).astype(np.float32))
        loss = tf.reduce_sum(a * w) + 2.0 * tf.reduce_sum(b * w)
        (g,) = tf.gradients(loss, table)
        assert isinstance(g, tf.IndexedSlices)
        (g_mixed,) = tf.gradients(loss + tf.reduce_sum(table), table)  # + a dense gradient
        assert isinstance(g_mixed, tf.Tensor)
        sess.run(tf.global_variables_initializer())
        values, indices, dense, mixed = sess.run([g.values, g.indices, g, g_mixed])
    want = np.zeros_like(TABLE)
    np.add.at(want, ids_a.reshape(-1), np.ones((4, 3)))
    np.add.at(want, ids_b, 2 * np.ones((2, 3)))
    assert sorted(indices.tolist()) == sorted(ids_a.reshape(-1).tolist() + ids_b.tolist())
    assert values.shape == (6, 3)
    np.testing.assert_allclose(dense / dense[4], (want / want[4]), rtol=1e-6)
    np.testing.assert_allclose(mixed, dense + 1.0, rtol=1e-6)


@pytest.mark.bad_input
def test_out_of_range_ids_are_invalid_argument_naming_op_and_id():
    with tf.Graph().as_default(), tf.Session() as sess:
        table = tf.Variable(TABLE)
        ids = tf.placeholder(tf.int32, [None])
        emb = tf.nn.embedding_lookup(table, ids)
        step = tf.train.GradientDescentOptimizer(0.5).minimize(tf.reduce_sum(tf.square(emb)))
        g = tf.IndexedSlices(tf.ones([2, 3]), ids, tf.shape(table))
        sparse_step = tf.train.AdagradOptimizer(0.5).apply_gradients([(g, table)])
        sess.run(tf.global_variables_initializer())
        for bad in (7, -1):
            with pytest.raises(tf.errors.InvalidArgumentError, match=rf"GatherV2.*= {bad}\b"):
                sess.run(step, {ids: [0, bad]})
            with pytest.raises(
                tf.errors.InvalidArgumentError, match=rf"SparseApplyAdagrad.*= {bad}\b"
            ):
                sess.run(sparse_step, {ids: [0, bad]})
        np.testing.assert_array_equal(sess.run(table), TABLE)  # nothing written


def test_one_step_on_a_million_rows_touches_only_the_looked_up_rows():
    rows, dim = 1_000_000, 64
    with tf.Graph().as_default(), tf.Session() as sess:
        table = tf.Variable(tf.random_uniform([rows, dim], -1.0, 1.0, seed=3))
        ids = tf.placeholder(tf.int32, [None])
        loss = tf.reduce_sum(tf.square(tf.nn.embedding_lookup(table, ids)))
        step = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
        sess.run(tf.global_variables_initializer())
        before = sess.run(table)
        idv = np.array([5, rows - 1, 5, 123_456, 0], np.int32)
        tracemalloc.start()
        try:
            sess.run(step, {ids: idv})  # compiles the plan and runs it once
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        after = sess.run(table)
    assert peak < 64 * 2**20, f"{peak / 2**20:.1f} MB allocated by one step (table: 256 MB)"
    touched = np.unique(idv)
    others = np.setdiff1d(np.arange(rows), touched)
    assert after[others].tobytes() == before[others].tobytes()  # bit-identical
    grad = np.zeros((len(touched), dim), np.float64)
    for k, i in enumerate(touched):
        grad[k] = 2.0 * before[i] * np.count_nonzero(idv == i)
    np.testing.assert_allclose(after[touched], before[touched] - 0.25 * grad, rtol=1e-5, atol=1e-6)


OPTIMIZERS = {
    "sgd": lambda m: m.GradientDescentOptimizer(0.3),
    "momentum": lambda m: m.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda m: m.MomentumOptimizer(0.1, 0.8, use_nesterov=True),
    "adagrad": lambda m: m.AdagradOptimizer(0.2, initial_accumulator_value=0.05),
    "adam": lambda m: m.AdamOptimizer(0.05),
}
IDS = np.array([[3, 1], [3, 5], [0, 3]], np.int32)  # duplicates


def _train(lib, v1, case, steps=4):
    g = lib.Graph()
    with g.as_default():
        table = v1.Variable(TABLE, name="table")
        w = v1.Variable(RNG_W, name="w")
        ids = v1.placeholder(lib.int32, [None, 2])
        h = lib.reduce_sum(lib.nn.embedding_lookup(table, ids), 1)
        loss = lib.reduce_sum(lib.square(lib.matmul(h, w) - 1.0))
        train = OPTIMIZERS[case](v1.train).minimize(loss)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            losses = [sess.run([train, loss], {ids: IDS})[1] for _ in range(steps)]
            values = {v.op.name: sess.run(v) for v in v1.global_variables()}
    return losses, values


RNG_W = np.random.default_rng(8).standard_normal((3, 2)).astype(np.float32) * 0.5


@pytest.mark.parametrize("case", sorted(OPTIMIZERS))
def test_sparse_updates_train_like_tensorflow(T, case):
    losses, values = _train(tf, tf, case)
    t_losses, t_values = _train(T, T.compat.v1, case)
    assert sorted(values) == sorted(t_values)
    np.testing.assert_allclose(losses, t_losses, rtol=1e-5, atol=1e-6)
    for name in values:
        np.testing.assert_allclose(values[name], t_values[name], rtol=1e-5, atol=1e-6, err_msg=name)
    if case != "adam":  # TF 1.x sparse Adam moves every row; the others only rows 0, 1, 3, 5
        for r in (2, 4, 6):
            assert values["table"][r].tobytes() == TABLE[r].tobytes()


@pytest.mark.parametrize("strategy", ["mod", "div"])
@pytest.mark.parametrize("n_parts", [2, 3])
def test_partitioned_lookup_and_gradients_match_tensorflow(T, strategy, n_parts):
    rows, dim = 11, 3
    full = np.random.default_rng(n_parts).standard_normal((rows, dim)).astype(np.float32)
    if strategy == "mod":
        parts = [full[i::n_parts] for i in range(n_parts)]
    else:
        sizes = [rows // n_parts + (i < rows % n_parts) for i in range(n_parts)]
        parts = np.split(full, np.cumsum(sizes)[:-1])
    ids = np.array([[10, 0, 4], [7, 4, 1]], np.int32)
    w = np.arange(1.0, dim + 1, dtype=np.float32)

    def run(lib, v1):
        with lib.Graph().as_default():
            ps = [lib.constant(p) for p in parts]
            out = v1.nn.embedding_lookup(ps, lib.constant(ids), partition_strategy=strategy)
            gs = v1.gradients(lib.reduce_sum(out * w), ps)
            with v1.Session() as sess:
                return sess.run([out] + [v1.convert_to_tensor(g) for g in gs])

    got, want = run(tf, tf), run(T, T.compat.v1)
    np.testing.assert_array_equal(got[0], full[ids])
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.bad_input
@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_partitioned_lookup_out_of_range_ids_fail(strategy):
    parts = [np.zeros((3, 2), np.float32), np.zeros((2, 2), np.float32)]
    with tf.Graph().as_default(), tf.Session() as sess:
        ids = tf.placeholder(tf.int64, [None])
        out = tf.nn.embedding_lookup([tf.constant(p) for p in parts], ids, strategy)
        assert sess.run(out, {ids: [4]}).shape == (1, 2)
        for bad in (5, -1, 100):
            with pytest.raises(tf.errors.InvalidArgumentError, match="GatherV2"):
                sess.run(out, {ids: [0, bad]})


@pytest.mark.bad_input
def test_unknown_partition_strategy_is_a_value_error():
    with tf.Graph().as_default(), pytest.raises(ValueError, match="partition_strategy"):
        tf.nn.embedding_lookup(tf.constant(TABLE), [0], partition_strategy="x")
