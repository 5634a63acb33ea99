"""``tf.gradients`` and ``tf.train.GradientDescentOptimizer`` against NumPy: analytic gradients,
central differences (float64), optimizer updates, global steps, var lists, and convergence."""

import numpy as np
import pytest

import tflite_core as tf


def _central_difference(sess, loss, x, xv, feed, eps=1e-6):
    """d loss / d x at ``xv`` by central differences (float64 graphs)."""
    grad = np.zeros_like(xv)
    for i in np.ndindex(xv.shape):
        plus, minus = xv.copy(), xv.copy()
        plus[i] += eps
        minus[i] -= eps
        grad[i] = (sess.run(loss, {**feed, x: plus}) - sess.run(loss, {**feed, x: minus})) / (
            2 * eps
        )
    return grad


# ---- tf.gradients ------------------------------------------------------------------------------
def test_two_layer_net_matches_numpy_and_central_differences(g):
    rng = np.random.RandomState(0)
    xv, yv = rng.randn(4, 3), rng.randn(4, 2)
    w1v, b1v, w2v = rng.randn(3, 5), rng.randn(5), rng.randn(5, 2)
    x, y = tf.placeholder(tf.float64, [None, 3]), tf.placeholder(tf.float64, [None, 2])
    w1, b1, w2 = (tf.placeholder(tf.float64, s) for s in ([3, 5], [5], [5, 2]))
    h = tf.nn.relu(tf.matmul(x, w1) + b1)
    loss = tf.reduce_sum(tf.square(tf.matmul(h, w2) - y))
    grads = tf.gradients(loss, [w1, b1, w2])
    assert [gr.shape.as_list() for gr in grads] == [[3, 5], [5], [5, 2]]
    # NumPy backprop
    pre = xv @ w1v + b1v
    hv = np.maximum(pre, 0)
    d_out = 2 * (hv @ w2v - yv)
    d_w2 = hv.T @ d_out
    d_pre = (d_out @ w2v.T) * (pre > 0)
    want = [xv.T @ d_pre, d_pre.sum(axis=0), d_w2]
    feed = {x: xv, y: yv, w1: w1v, b1: b1v, w2: w2v}
    with tf.Session() as sess:
        got = sess.run(grads, feed)
        for gr, wv, var, val in zip(got, want, [w1, b1, w2], [w1v, b1v, w2v]):
            np.testing.assert_allclose(gr, wv, rtol=1e-10, atol=1e-10)
            np.testing.assert_allclose(
                gr, _central_difference(sess, loss, var, val, feed), rtol=1e-5, atol=1e-6
            )


def test_fan_in_sums_gradients(g):
    rng = np.random.RandomState(1)
    xv = rng.randn(3, 3)
    x = tf.placeholder(tf.float64, [3, 3])
    twice = tf.reduce_sum(x * x + 3.0 * x)  # x used by two ops, and twice by one
    squared = tf.reduce_sum(tf.matmul(x, x))  # both operands of one matmul
    g_twice, g_squared = tf.gradients(twice, x)[0], tf.gradients(squared, x)[0]
    ones = np.ones((3, 3))
    with tf.Session() as sess:
        got_twice, got_squared = sess.run([g_twice, g_squared], {x: xv})
        np.testing.assert_allclose(got_twice, 2 * xv + 3)
        np.testing.assert_allclose(got_squared, ones @ xv.T + xv.T @ ones)
        np.testing.assert_allclose(
            got_squared, _central_difference(sess, squared, x, xv, {}), rtol=1e-6, atol=1e-6
        )


def test_gradient_of_several_ys_is_summed(g):
    xv = np.array([1.0, -2.0, 3.0])
    x = tf.placeholder(tf.float64, [3])
    y1, y2 = tf.reduce_sum(x * x), tf.reduce_sum(2.0 * x)
    (gx,) = tf.gradients([y1, y2], [x])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(gx, {x: xv}), 2 * xv + 2)


@pytest.mark.parametrize("b_shape", [[3], [1, 3]])
def test_broadcast_operand_gradient_is_reduced_to_its_shape(g, b_shape):
    rng = np.random.RandomState(2)
    xv, bv = rng.randn(4, 3), rng.randn(*b_shape)
    x, b = tf.placeholder(tf.float64, [None, 3]), tf.placeholder(tf.float64, b_shape)
    loss = tf.reduce_sum(tf.square(x + b)) + tf.reduce_sum(x * b)
    gx, gb = tf.gradients(loss, [x, b])
    assert gb.shape.as_list() == b_shape
    with tf.Session() as sess:
        got_x, got_b = sess.run([gx, gb], {x: xv, b: bv})
        assert got_b.shape == tuple(b_shape)
        np.testing.assert_allclose(got_x, 2 * (xv + bv) + bv)
        want_b = (2 * (xv + bv) + xv).sum(axis=0).reshape(b_shape)
        np.testing.assert_allclose(got_b, want_b)
        np.testing.assert_allclose(
            got_b, _central_difference(sess, loss, b, bv, {x: xv}), rtol=1e-6, atol=1e-6
        )


def test_unconnected_xs_get_none(g):
    x = tf.placeholder(tf.float32, [2])
    unused = tf.placeholder(tf.float32, [2])
    v = tf.Variable([1.0, 2.0])
    y = tf.reduce_sum(x * 2.0)
    gx, gu, gv = tf.gradients(y, [x, unused, v])
    assert gu is None and gv is None
    assert tf.gradients(y, unused) == [None]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(gx, {x: [1.0, 1.0]}), [2.0, 2.0])


def test_grad_ys_weights_the_output(g):
    rng = np.random.RandomState(3)
    xv, wv, gyv = rng.randn(2, 3), rng.randn(3, 4), rng.randn(2, 4)
    x = tf.placeholder(tf.float64, [2, 3])
    gy = tf.placeholder(tf.float64, [2, 4])
    y = tf.matmul(x, tf.constant(wv))
    (gx,) = tf.gradients(y, x, grad_ys=gy)
    (gx_list,) = tf.gradients([y], [x], grad_ys=[gyv])  # values are converted
    (gx_default,) = tf.gradients(y, x)  # default: ones
    with tf.Session() as sess:
        got, got_list, got_default = sess.run([gx, gx_list, gx_default], {x: xv, gy: gyv})
    np.testing.assert_allclose(got, gyv @ wv.T)
    np.testing.assert_allclose(got_list, gyv @ wv.T)
    np.testing.assert_allclose(got_default, np.ones((2, 4)) @ wv.T)


def test_gradient_with_respect_to_a_variable(g):
    v = tf.Variable([1.0, -2.0, 3.0])
    loss = tf.reduce_sum(v * v * v)
    (gv,) = tf.gradients(loss, v)
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_allclose(sess.run(gv), 3 * np.array([1.0, 4.0, 9.0]))


# ---- the optimizer -----------------------------------------------------------------------------
def _quadratic(g):
    """loss = sum((w - t)^2) + sum(b * 2), with w trainable, b trainable, s not."""
    w = tf.Variable([1.0, 2.0], name="w")
    b = tf.Variable(0.5, name="b")
    s = tf.Variable(3.0, name="s", trainable=False)
    loss = tf.reduce_sum(tf.square(w - tf.constant([3.0, -1.0]))) + b * 2.0 + s
    return w, b, s, loss


def test_compute_gradients(g):
    w, b, _, loss = _quadratic(g)
    unused = tf.Variable(0.0, name="unused")
    opt = tf.train.GradientDescentOptimizer(0.1)
    pairs = opt.compute_gradients(loss)
    assert [v for _, v in pairs] == [w, b, unused]  # trainable variables, s excluded
    assert pairs[2][0] is None
    only_w = opt.compute_gradients(loss, var_list=[w])
    assert [v for _, v in only_w] == [w]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        gw, gb = sess.run([pairs[0][0], pairs[1][0]])
    np.testing.assert_allclose(gw, 2 * (np.array([1.0, 2.0]) - [3.0, -1.0]))
    assert gb == 2.0


def test_apply_gradients_and_global_step(g):
    w, b, s, loss = _quadratic(g)
    step = tf.Variable(0, trainable=False, name="global_step")
    opt = tf.train.GradientDescentOptimizer(0.1)
    train = opt.apply_gradients(opt.compute_gradients(loss, var_list=[w, b]), global_step=step)
    assert isinstance(train, tf.Operation) and train.name == "GradientDescent"
    assert train in tf.get_collection(tf.GraphKeys.TRAIN_OP)
    wv, bv = np.array([1.0, 2.0]), 0.5
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(3):
            assert sess.run(train) is None
            wv = wv - 0.1 * 2 * (wv - [3.0, -1.0])
            bv -= 0.1 * 2.0
            np.testing.assert_allclose(sess.run(w), wv, rtol=1e-6)
            assert sess.run(b) == pytest.approx(bv, rel=1e-6)
            assert sess.run(step) == i + 1
        assert sess.run(s) == 3.0


@pytest.mark.bad_input
def test_apply_gradients_skips_none_and_rejects_empty(g):
    w, b, _, loss = _quadratic(g)
    opt = tf.train.GradientDescentOptimizer(1.0)
    ((gw, _),) = opt.compute_gradients(loss, var_list=[w])
    train = opt.apply_gradients([(gw, w), (None, b)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), [1.0 - 2 * (1.0 - 3.0), 2.0 - 2 * (2.0 + 1.0)])
        assert sess.run(b) == 0.5
    with pytest.raises(ValueError):
        opt.apply_gradients([])


def test_minimize_with_global_step_and_var_list(g):
    w, b, _, loss = _quadratic(g)
    step = tf.Variable(10, trainable=False, name="global_step")
    train = tf.train.GradientDescentOptimizer(0.25).minimize(loss, global_step=step, var_list=[b])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(4):
            sess.run(train)
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])  # not in var_list
        assert sess.run(b) == pytest.approx(0.5 - 4 * 0.25 * 2.0)
        assert sess.run(step) == 14


@pytest.mark.bad_input
def test_minimize_without_gradients_raises(g):
    v = tf.Variable(1.0)
    x = tf.placeholder(tf.float32, [])
    with pytest.raises(ValueError, match="No gradients"):
        tf.train.GradientDescentOptimizer(0.1).minimize(x * 2.0, var_list=[v])
    with pytest.raises(ValueError):
        tf.train.GradientDescentOptimizer(0.1).compute_gradients(x * 2.0, var_list=[])


@pytest.mark.parametrize("kind", ["float", "constant", "placeholder", "float64 constant"])
def test_learning_rate_forms(g, kind):
    v = tf.Variable([2.0, -4.0])
    loss = tf.reduce_sum(tf.square(v))
    feed = {}
    if kind == "float":
        lr = 0.125
    elif kind == "constant":
        lr = tf.constant(0.125)
    elif kind == "float64 constant":
        lr = tf.constant(0.125, dtype=tf.float64)  # cast to the variable's dtype
    else:
        lr = tf.placeholder(tf.float32, [])
        feed = {lr: 0.125}
    train = tf.train.GradientDescentOptimizer(lr).minimize(loss)
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(train, feed)
        np.testing.assert_allclose(sess.run(v), [2.0 - 0.125 * 4.0, -4.0 + 0.125 * 8.0])
        if kind == "placeholder":
            sess.run(train, {lr: 0.0})  # a new rate each run
            np.testing.assert_allclose(sess.run(v), [1.5, -3.0])
            sess.run(train, {lr: 0.5})
            np.testing.assert_allclose(sess.run(v), [0.0, 0.0])


def test_tutorial_training_matches_numpy_sgd(g):
    w0 = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [-0.4, 0.2, 0.9]], np.float32)
    xv = np.array([[1.0, 2.0, 3.0]], np.float32)
    lv = np.array([[0.5, 1.0, 0.0]], np.float32)
    x = tf.placeholder("float", [1, 3])
    w = tf.Variable(w0, name="w")
    relu_out = tf.nn.relu(tf.matmul(x, w))
    labels = tf.placeholder("float", [1, 3])
    loss = tf.nn.l2_loss(relu_out - labels)
    train_op = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    wv = w0.astype(np.float64)
    with tf.Session() as sess:
        sess.run(tf.initialize_all_variables())
        for _ in range(20):
            _, loss_v = sess.run([train_op, loss], {x: xv, labels: lv})
            pre = xv @ wv
            want_loss = 0.5 * np.sum((np.maximum(pre, 0) - lv) ** 2)
            assert loss_v == pytest.approx(want_loss, rel=1e-5)  # loss before this step's update
            wv = wv - 0.01 * xv.T @ ((np.maximum(pre, 0) - lv) * (pre > 0))
        np.testing.assert_allclose(sess.run(w), wv, rtol=1e-5, atol=1e-6)


def test_least_squares_converges_to_lstsq(g):
    rng = np.random.RandomState(4)
    av = rng.randn(50, 3)
    yv = av @ np.array([1.5, -2.0, 0.5]) + 0.1 * rng.randn(50) + 0.3
    a = tf.placeholder(tf.float64, [None, 3])
    y = tf.placeholder(tf.float64, [None])
    w = tf.Variable(np.zeros((3, 1)))
    b = tf.Variable(np.zeros(1))
    pred = tf.reshape(tf.matmul(a, w), [-1]) + b
    loss = tf.reduce_mean(tf.square(pred - y))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(500):
            sess.run(train, {a: av, y: yv})
        got = np.concatenate([sess.run(w).ravel(), sess.run(b)])
    design = np.hstack([av, np.ones((50, 1))])
    want = np.linalg.lstsq(design, yv, rcond=None)[0]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
