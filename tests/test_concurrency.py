"""One Session used from several Python threads: training concurrently, serialised variable
updates, independent fetches, and flat memory over a long training loop."""

import threading

import numpy as np
import pytest

import tflite_core as tf

XV = np.array([[1.0, 2.0, 3.0]], np.float32)
LV = np.array([[0.5, 1.0, 0.0]], np.float32)
W0 = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [0.4, 0.2, 0.9]], np.float32)


def _tutorial_net():
    """The tutorial's training graph: relu(x @ w) fitted to labels with an l2 loss."""
    x = tf.placeholder("float", [1, 3])
    w = tf.Variable(W0, name="w")
    relu_out = tf.nn.relu(tf.matmul(x, w))
    labels = tf.placeholder("float", [1, 3])
    loss = tf.nn.l2_loss(relu_out - labels)
    train_op = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    return x, labels, w, loss, train_op


def _run_threads(target, n):
    """Runs ``target(i)`` on ``n`` threads; re-raises the first exception any of them raised."""
    errors = []

    def wrap(i):
        try:
            target(i)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def _rss_bytes() -> int:
    """Resident set size of this process."""
    try:
        import psutil
    except ImportError:
        with open("/proc/self/statm") as f:
            import os

            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return psutil.Process().memory_info().rss


@pytest.mark.slow
def test_threads_train_the_same_op(g):
    x, labels, w, loss, train_op = _tutorial_net()
    feed = {x: XV, labels: LV}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        start_loss = sess.run(loss, feed)

        def train(_):
            for _ in range(10_000):
                sess.run(train_op, feed_dict=feed)

        _run_threads(train, 4)
        wv = sess.run(w)
        end_loss = sess.run(loss, feed)
    assert np.all(np.isfinite(wv))
    assert np.isfinite(end_loss) and end_loss < 1e-3 < start_loss
    np.testing.assert_allclose(np.maximum(XV @ wv, 0), LV, atol=0.05)


@pytest.mark.slow
def test_concurrent_counter_updates_are_serialised(g):
    v = tf.Variable(0.0, name="counter")
    inc = v.assign_add(1.0)
    with tf.Session() as sess:
        sess.run(v.initializer)

        def count(_):
            for _ in range(10_000):
                sess.run(inc)

        _run_threads(count, 4)
        assert sess.run(v) == 40_000.0


def test_threads_with_different_fetches_get_their_own_values(g):
    rng = np.random.RandomState(0)
    wv = rng.randn(3, 4).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.Variable(wv)
    mm = tf.matmul(x, w)
    fetches = [mm, tf.reduce_sum(mm, axis=1), tf.nn.relu(mm), tf.reduce_max(x * 2.0)]
    numpy_fns = [
        lambda a: a @ wv,
        lambda a: (a @ wv).sum(axis=1),
        lambda a: np.maximum(a @ wv, 0),
        lambda a: (a * 2.0).max(),
    ]
    with tf.Session() as sess:
        sess.run(w.initializer)

        def work(i):
            local = np.random.RandomState(100 + i)
            for step in range(500):
                xv = local.randn(1 + (step + i) % 4, 3).astype(np.float32)
                got = sess.run(fetches[i], {x: xv})
                np.testing.assert_allclose(got, numpy_fns[i](xv), rtol=1e-5, atol=1e-5)

        _run_threads(work, 4)


def test_threads_reading_while_another_trains(g):
    x, labels, w, loss, train_op = _tutorial_net()
    feed = {x: XV, labels: LV}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())

        def work(i):
            for _ in range(2000):
                if i == 0:
                    sess.run(train_op, feed)
                else:
                    wv = sess.run(w)
                    assert wv.shape == (3, 3) and np.all(np.isfinite(wv))
                    assert np.isfinite(sess.run(loss, feed))

        _run_threads(work, 3)


def test_graph_building_in_threads_uses_each_threads_default_graph():
    graphs = [tf.Graph() for _ in range(4)]
    results = [None] * 4

    def build_and_run(i):
        with graphs[i].as_default():
            for _ in range(50):
                c = tf.constant(float(i)) * 2.0
                assert c.graph is graphs[i]
            with tf.Session() as sess:
                results[i] = sess.run(c)

    _run_threads(build_and_run, 4)
    assert results == [0.0, 2.0, 4.0, 6.0]


@pytest.mark.slow
def test_rss_stays_flat_over_a_long_training_loop(g):
    x, labels, w, _, train_op = _tutorial_net()
    feed = {x: XV, labels: LV}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(10_000):  # warm-up: plans compiled, pools and caches filled
            sess.run(train_op, feed_dict=feed)
        before = _rss_bytes()
        for _ in range(100_000):
            sess.run(train_op, feed_dict=feed)
        after = _rss_bytes()
        assert np.all(np.isfinite(sess.run(w)))
    assert after - before <= 2 * 2**20, f"RSS grew by {(after - before) / 2**20:.2f} MiB"


def test_name_scopes_and_control_dependencies_are_per_thread():
    # TF keeps the name scope and control-dependency stacks per thread: two threads building
    # into one graph at once do not see each other's scopes.
    g = tf.Graph()
    entered = threading.Barrier(2)
    names = {}

    def build(tag):
        with g.as_default(), tf.name_scope(tag):
            entered.wait()  # both threads are inside their own scope now
            c = tf.constant(1.0, name="c")
            entered.wait()
            names[tag] = c.op.name

    threads = [threading.Thread(target=build, args=(t,)) for t in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert names == {"left": "left/c", "right": "right/c"}
    with g.as_default():
        gate = tf.no_op(name="gate")
        seen = {}

        def other():
            with g.as_default():  # the same graph, another thread: no inherited dependencies
                seen["deps"] = tf.constant(2.0, name="free").op.control_inputs

        with tf.control_dependencies([gate]):
            t = threading.Thread(target=other)
            t.start()
            t.join()
            assert tf.constant(3.0).op.control_inputs == [gate]
        assert seen["deps"] == []
