"""``Session.run`` against TensorFlow 1.x: fetch and feed forms, session lifetime, default
sessions, variable state and initialisers, random seeds and thread settings."""

import collections

import numpy as np
import pytest

import tflite_core as tf

XV = np.array([[1.0, 2.0, 3.0]], np.float32)
WV = np.arange(9, dtype=np.float32).reshape(3, 3) - 4.0


@pytest.fixture
def net(g):
    """The tutorial's net: ``relu(x @ w)`` with x a [1, 3] placeholder, w known."""
    x = tf.placeholder("float", [1, 3], name="x")
    w = tf.Variable(WV, name="w")
    y = tf.matmul(x, w)
    return x, w, y, tf.nn.relu(y)


@pytest.fixture
def restore_threads():
    n = tf.get_num_threads()
    yield
    tf.set_num_threads(n)


# ---- fetches -----------------------------------------------------------------------------------
def test_run_tensor_operation_variable_and_name(net):
    x, w, _, relu = net
    with tf.Session() as sess:
        assert sess.run(w.initializer) is None  # an Operation fetches as None
        np.testing.assert_array_equal(sess.run(w), WV)
        out = sess.run(relu, feed_dict={x: XV})
        assert isinstance(out, np.ndarray) and out.dtype == np.float32
        np.testing.assert_allclose(out, np.maximum(XV @ WV, 0))
        np.testing.assert_allclose(sess.run("MatMul:0", {"x:0": XV}), XV @ WV)
        assert sess.run("w/Assign") is None  # an op name


def test_nested_fetch_structures(net):
    x, w, y, relu = net
    pair = collections.namedtuple("pair", "mm relu")
    with tf.Session() as sess:
        sess.run(w.initializer)
        out = sess.run({"a": [y, (relu, w.initializer)], "b": pair(y, [relu]), "c": (y,)}, {x: XV})
    assert set(out) == {"a", "b", "c"}
    assert isinstance(out["a"], list) and isinstance(out["a"][1], tuple)
    assert isinstance(out["b"], pair) and isinstance(out["b"].relu, list)
    np.testing.assert_allclose(out["a"][0], XV @ WV)
    np.testing.assert_allclose(out["a"][1][0], np.maximum(XV @ WV, 0))
    assert out["a"][1][1] is None
    np.testing.assert_allclose(out["b"].mm, XV @ WV)
    np.testing.assert_allclose(out["b"].relu[0], np.maximum(XV @ WV, 0))
    np.testing.assert_allclose(out["c"][0], XV @ WV)


def test_same_tensor_fetched_twice_gives_equal_independent_arrays(net):
    x, w, y, _ = net
    with tf.Session() as sess:
        sess.run(w.initializer)
        a, b = sess.run([y, y], {x: XV})
        np.testing.assert_array_equal(a, b)
        a[...] = 0.0  # results are the caller's: writing them changes nothing inside
        np.testing.assert_allclose(sess.run(y, {x: XV}), XV @ WV)
        sess.run(w)[...] = 0.0
        np.testing.assert_array_equal(sess.run(w), WV)


def test_scalar_fetches_are_numpy_scalars(g):
    x = tf.placeholder(tf.float32, [None, 3])
    with tf.Session() as sess:
        s, n = sess.run([tf.reduce_sum(x), tf.size(x)], {x: np.ones((2, 3))})
    assert isinstance(s, np.float32) and s == 6.0
    assert isinstance(n, np.int32) and n == 6


# ---- feeds -------------------------------------------------------------------------------------
def test_feed_value_forms(g):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    s = tf.placeholder(tf.float32, [], name="s")
    k = tf.placeholder(tf.int32, [], name="k")
    out = tf.reduce_sum(x) * s
    with tf.Session() as sess:
        assert sess.run(out, {x: np.ones((2, 3)), s: np.float64(0.5)}) == 3.0  # converted
        assert sess.run(out, {x: [[1, 2, 3]], s: 2}) == 12.0  # Python list and int
        assert sess.run(out, {"x:0": [[1.0, 1.0, 1.0]], "s:0": 1.5}) == 4.5  # names as keys
        assert sess.run(k * 3, {k: np.int64(7)}) == 21
        assert sess.run(s, {s: 2.5}) == np.float32(2.5)


def test_feeding_a_computed_tensor_cuts_the_graph(net):
    _, _, y, relu = net
    yv = np.array([[-1.0, 2.0, -3.0]], np.float32)
    with tf.Session() as sess:  # neither x nor w is needed: y is given
        np.testing.assert_array_equal(sess.run(relu, {y: yv}), [[0.0, 2.0, 0.0]])
        np.testing.assert_array_equal(sess.run(y, {y: yv}), yv)


def test_rerun_with_different_batch_sizes(g):
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.constant(WV)
    y = tf.reduce_sum(tf.matmul(x, w), axis=1)
    rng = np.random.RandomState(0)
    with tf.Session() as sess:
        for n in (2, 5, 1, 2, 7, 5):
            xv = rng.randn(n, 3).astype(np.float32)
            out = sess.run(y, {x: xv})
            assert out.shape == (n,)
            np.testing.assert_allclose(out, (xv @ WV).sum(axis=1), rtol=1e-5, atol=1e-5)


# ---- session lifetime and default sessions -------------------------------------------------------
@pytest.mark.bad_input
def test_with_session_closes_and_installs_default(net):
    x, w, y, _ = net
    with tf.Session() as sess:
        assert tf.get_default_session() is sess
        sess.run(w.initializer)
        np.testing.assert_allclose(y.eval(feed_dict={x: XV}), XV @ WV)
    assert tf.get_default_session() is None
    with pytest.raises(RuntimeError):
        sess.run(w)


@pytest.mark.bad_input
def test_close(net):
    _, w, _, _ = net
    sess = tf.Session()
    sess.run(w.initializer)
    sess.close()
    with pytest.raises(RuntimeError, match="closed"):
        sess.run(w)


@pytest.mark.bad_input
def test_as_default_and_eval(net):
    x, w, y, _ = net
    sess = tf.Session()
    with sess.as_default():
        assert tf.get_default_session() is sess
        w.initializer.run()  # Operation.run uses the default session
        np.testing.assert_array_equal(w.eval(), WV)
        np.testing.assert_allclose(y.eval({x: XV}), XV @ WV)
    assert tf.get_default_session() is None
    np.testing.assert_allclose(y.eval(feed_dict={x: XV}, session=sess), XV @ WV)
    with pytest.raises(ValueError, match="default session"):
        y.eval({x: XV})
    sess.close()


def test_interactive_session(g):
    sess = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is sess
        v = tf.Variable([1.0, 2.0])
        tf.global_variables_initializer().run()
        np.testing.assert_array_equal((v * 3.0).eval(), [3.0, 6.0])
        v.assign_add([1.0, 1.0]).op.run()
        np.testing.assert_array_equal(v.eval(), [2.0, 3.0])
    finally:
        sess.close()
    assert tf.get_default_session() is None


def test_session_on_explicit_graph():
    g1 = tf.Graph()
    with g1.as_default():
        c = tf.constant([1.0, 2.0]) * 2.0
    assert tf.get_default_graph() is not g1
    sess = tf.Session(graph=g1)
    assert sess.graph is g1
    np.testing.assert_array_equal(sess.run(c), [2.0, 4.0])
    sess.close()


@pytest.mark.bad_input
def test_two_sessions_have_independent_variable_state(g):
    v = tf.Variable(1.0)
    inc = v.assign_add(1.0)
    s1, s2 = tf.Session(), tf.Session()
    s1.run(v.initializer)
    s1.run(inc)
    s1.run(inc)
    with pytest.raises(tf.errors.FailedPreconditionError):
        s2.run(v)  # initialised in s1 only
    s2.run(v.initializer)
    assert s2.run(v) == 1.0
    assert s1.run(v) == 3.0
    s2.run(inc)
    assert (s1.run(v), s2.run(v)) == (3.0, 2.0)
    s1.close()
    s2.close()


# ---- variables and initialisers ------------------------------------------------------------------
@pytest.mark.parametrize(
    "make_init",
    [
        lambda: tf.initialize_all_variables(),
        lambda: tf.global_variables_initializer(),
        lambda: tf.variables_initializer(tf.global_variables()),
        lambda: tf.group(*[v.initializer for v in tf.all_variables()]),
    ],
)
def test_initializers(g, make_init):
    a = tf.Variable(np.array([1.0, 2.0]), name="a")
    b = tf.Variable(3, name="b", trainable=False)
    init = make_init()
    with tf.Session() as sess:
        sess.run(init)
        np.testing.assert_array_equal(sess.run(a), [1.0, 2.0])
        assert sess.run(b) == 3 and sess.run(b).dtype == np.int32


@pytest.mark.bad_input
def test_variables_initializer_covers_only_its_list(g):
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    with tf.Session() as sess:
        sess.run(tf.variables_initializer([a]))
        assert sess.run(a) == 1.0
        with pytest.raises(tf.errors.FailedPreconditionError, match="b"):
            sess.run(b)
    assert tf.variables_initializer([]).type == "NoOp"


def test_variable_lists(g):
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b", trainable=False)
    c = tf.Variable(3.0, name="c")
    assert tf.global_variables() == [a, b, c]
    assert tf.all_variables() == [a, b, c]
    assert tf.trainable_variables() == [a, c]
    assert a.trainable and not b.trainable


@pytest.mark.bad_input
def test_assign_ops_and_reads(g):
    v = tf.Variable([1.0, 2.0], name="v")
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(v.assign([5.0, 6.0])), [5.0, 6.0])
        np.testing.assert_array_equal(sess.run(v.assign_add([1.0, 1.0])), [6.0, 7.0])
        np.testing.assert_array_equal(sess.run(v.assign_sub([2.0, 4.0])), [4.0, 3.0])
        np.testing.assert_array_equal(sess.run(tf.assign(v, [0.0, 1.0])), [0.0, 1.0])
        np.testing.assert_array_equal(sess.run(tf.assign_add(v, [2.0, 2.0])), [2.0, 3.0])
        np.testing.assert_array_equal(sess.run(tf.assign_sub(v, [1.0, 1.0])), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(v.value()), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(v.read_value()), [1.0, 2.0])
        sess.run(v.initializer)  # re-running the initializer restores the initial value
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])
    with pytest.raises(ValueError):
        v.assign([1.0, 2.0, 3.0])  # shape mismatch at graph build


def test_initializer_from_another_variable(g):
    a = tf.Variable([1.0, 2.0])
    b = tf.Variable(a.initialized_value() * 2.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(b), [2.0, 4.0])


def test_variable_load(g):
    v = tf.Variable(np.zeros((2, 2), np.float32))
    with tf.Session() as sess:
        v.load(np.eye(2), sess)  # initialises it too
        np.testing.assert_array_equal(sess.run(v * 2.0), 2 * np.eye(2))


# ---- random ops --------------------------------------------------------------------------------
def _seeded_draws(graph_seed, op_seed):
    with tf.Graph().as_default():
        tf.set_random_seed(graph_seed)
        r = tf.random_normal([5], seed=op_seed)
        u = tf.random_uniform([4], seed=op_seed)
        with tf.Session() as sess:
            return [sess.run(r), sess.run(r), sess.run(u)]


def test_seeded_random_ops_repeat_in_a_new_graph_and_session():
    first = _seeded_draws(1, 7)
    again = _seeded_draws(1, 7)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    other = _seeded_draws(2, 7)
    assert not np.array_equal(first[0], other[0])
    # successive runs of one random op give new numbers, as in TF
    assert not np.array_equal(first[0], first[1])
    assert np.all((first[2] >= 0.0) & (first[2] < 1.0))


def test_graph_seed_alone_is_repeatable():
    def draw():
        with tf.Graph().as_default():
            tf.set_random_seed(42)
            r = tf.random_uniform([6])
            with tf.Session() as sess:
                return sess.run(r)

    np.testing.assert_array_equal(draw(), draw())


def test_seeded_op_restarts_in_each_session(g):
    r = tf.random_normal([3], seed=3)
    with tf.Session() as s1:
        a1, a2 = s1.run(r), s1.run(r)
    with tf.Session() as s2:
        b1, b2 = s2.run(r), s2.run(r)
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)


def test_unseeded_random_differs_between_sessions(g):
    r = tf.random_normal([8])
    with tf.Session() as s1:
        a = s1.run(r)
    with tf.Session() as s2:
        b = s2.run(r)
    assert not np.array_equal(a, b)


def test_random_statistics(g):
    tf.set_random_seed(0)
    n = tf.random_normal([20000], mean=1.0, stddev=2.0, seed=1)
    t = tf.truncated_normal([20000], stddev=1.0, seed=2)
    u = tf.random_uniform([20000], minval=-1.0, maxval=3.0, seed=3)
    with tf.Session() as sess:
        nv, tv, uv = sess.run([n, t, u])
    assert abs(nv.mean() - 1.0) < 0.1 and abs(nv.std() - 2.0) < 0.1
    assert np.all(np.abs(tv) <= 2.0)
    assert uv.min() >= -1.0 and uv.max() < 3.0 and abs(uv.mean() - 1.0) < 0.1


# ---- threads -----------------------------------------------------------------------------------
def test_config_proto_intra_op_threads(g, restore_threads):
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.reduce_sum(tf.matmul(x, tf.constant(WV)))
    config = tf.ConfigProto(intra_op_parallelism_threads=1)
    assert config.intra_op_parallelism_threads == 1
    with tf.Session(config=config) as sess:
        assert tf.get_num_threads() == 1
        np.testing.assert_allclose(sess.run(y, {x: XV}), (XV @ WV).sum())


def test_thread_count_does_not_change_results(g, restore_threads):
    rng = np.random.RandomState(1)
    av = rng.randn(512, 300).astype(np.float32)
    bv = rng.randn(300, 512).astype(np.float32)
    vv = rng.randn(1 << 19).astype(np.float32)  # long enough for the chunked parallel sum
    a = tf.placeholder(tf.float32, [None, 300])
    v = tf.placeholder(tf.float32, [None])
    mm = tf.matmul(a, tf.constant(bv))
    fetches = [
        mm,
        tf.reduce_sum(mm),
        tf.reduce_mean(mm, axis=0),
        tf.reduce_max(mm, axis=1),
        tf.reduce_sum(v),
        tf.reduce_mean(v * v),
    ]
    results = []
    for n in (1, 2):
        tf.set_num_threads(n)
        assert tf.get_num_threads() == n
        with tf.Session() as sess:
            results.append(sess.run(fetches, {a: av, v: vv}))
    for one, two in zip(*results):
        np.testing.assert_array_equal(one, two)
    want = av.astype(np.float64) @ bv.astype(np.float64)
    np.testing.assert_allclose(results[0][0], want, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(results[0][1], want.sum(), rtol=1e-3)
    np.testing.assert_allclose(results[0][2], want.mean(axis=0), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(results[0][3], want.max(axis=1), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(results[0][4], vv.astype(np.float64).sum(), rtol=1e-4)
    np.testing.assert_allclose(results[0][5], np.mean(vv.astype(np.float64) ** 2), rtol=1e-5)


@pytest.mark.bad_input
def test_fed_shape_tensors_decide_shapes_at_run_time():
    # As TF: a shape may come from a feed (reshape to a fed shape, fill fed dims); each new value
    # gets its own plan, and a bad value is an InvalidArgumentError naming the op.
    x = tf.placeholder(tf.float32, [None, 6])
    s = tf.placeholder(tf.int32, [2])
    d = tf.placeholder(tf.int32, [None])
    r = tf.reshape(x, s)
    f = tf.fill(d, 2.5)
    xv = np.arange(12, dtype=np.float32).reshape(2, 6)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(r, {x: xv, s: [3, 4]}), xv.reshape(3, 4))
        np.testing.assert_array_equal(sess.run(r, {x: xv, s: [4, 3]}), xv.reshape(4, 3))
        np.testing.assert_array_equal(sess.run(r, {x: xv, s: [-1, 2]}), xv.reshape(6, 2))
        np.testing.assert_array_equal(sess.run(f, {d: [2, 3]}), np.full((2, 3), 2.5, np.float32))
        with pytest.raises(tf.errors.InvalidArgumentError, match="Reshape"):
            sess.run(r, {x: xv, s: [5, 5]})
        np.testing.assert_array_equal(sess.run(r, {x: xv, s: [3, 4]}), xv.reshape(3, 4))


def test_feeding_one_output_of_a_multi_output_op():
    # Feeding one piece of a split replaces that piece only; the others are still computed.
    x = tf.placeholder(tf.float32, [4])
    a, b = tf.split(x, 2)
    total = tf.reduce_sum(a) * 10.0 + tf.reduce_sum(b)
    with tf.Session() as sess:
        got = sess.run(total, {x: [1.0, 2.0, 3.0, 4.0], a: [100.0, 200.0]})
    assert got == np.float32(3000.0 + 7.0)


def test_same_tensors_in_list_tuple_and_namedtuple_keep_their_types():
    # Flat list/tuple fetches have a fast cache key; a namedtuple of the same tensors must not
    # share its cached plan (its result is rebuilt as the namedtuple).
    import collections

    pair = collections.namedtuple("pair", "a b")
    a, b = tf.constant(1.0), tf.constant([2.0, 3.0])
    with tf.Session() as sess:
        as_list = sess.run([a, b])
        as_tuple = sess.run((a, b))
        as_pair = sess.run(pair(a, b))
        nested = sess.run([a, (b, a)])
    assert type(as_list) is list and type(as_tuple) is tuple and type(as_pair) is pair
    assert as_pair.a == 1.0 and list(as_pair.b) == [2.0, 3.0]
    assert as_list[0] == 1.0 and as_tuple[0] == 1.0
    assert type(nested[1]) is tuple and nested[1][1] == 1.0
