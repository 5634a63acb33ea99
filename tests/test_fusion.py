"""Plan-level fusion: a gradient-descent update whose gradient is a MatMul used by nothing else
runs as one sgemm into the variable (var -= lr * A @ B). It must change nothing but speed."""

import numpy as np

import tflite_core as tf


def _kernels(sess, fetch):
    """The kernel names of the cached plan that ran `fetch` (read, not run)."""
    key = fetch if not isinstance(fetch, list) else (list, tuple(fetch))
    exe = next(e for (f, _), e in sess._cache.items() if f == key)
    plan = next(p for pool in exe.pools.values() for p in pool)
    return [kernel for _, kernel in plan.core.steps]


def _net(seed):
    rng = np.random.default_rng(seed)
    x = tf.placeholder(tf.float32, [None, 5])
    y = tf.placeholder(tf.float32, [None, 3])
    w1 = tf.Variable(rng.standard_normal((5, 4)).astype(np.float32))
    w2 = tf.Variable(rng.standard_normal((4, 3)).astype(np.float32))
    logits = tf.matmul(tf.nn.relu(tf.matmul(x, w1)), w2)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=y))
    feed = {
        x: rng.standard_normal((8, 5)).astype(np.float32),
        y: np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)],
    }
    return loss, [w1, w2], feed


def _numpy_step(w1, w2, x, y, lr):
    h = np.maximum(x @ w1, 0)
    z = h @ w2
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    g = (p - y) / len(x)
    dw2 = h.T @ g
    dw1 = x.T @ ((g @ w2.T) * (h > 0))
    return w1 - lr * dw1, w2 - lr * dw2


def test_update_fused_and_equal_to_numpy(g):
    loss, (w1, w2), feed = _net(0)
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v1, v2 = sess.run([w1, w2])
        sess.run(train, feed)
        assert _kernels(sess, train).count("matmul_apply_gd") == 2
        assert "apply_gradient_descent" not in _kernels(sess, train)
        want1, want2 = _numpy_step(v1, v2, *feed.values(), 0.5)
        got1, got2 = sess.run([w1, w2])
    np.testing.assert_allclose(got1, want1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got2, want2, rtol=1e-5, atol=1e-6)


def test_fetched_gradient_is_not_fused_and_matches(g):
    loss, (w1, w2), feed = _net(1)
    opt = tf.train.GradientDescentOptimizer(0.5)
    gv = opt.compute_gradients(loss)
    train = opt.apply_gradients(gv)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v1, v2 = sess.run([w1, w2])
        grad_w1 = next(gr for gr, v in gv if v is w1)
        fetch = [train, grad_w1]
        _, g1 = sess.run(fetch, feed)
        assert _kernels(sess, fetch).count("matmul_apply_gd") == 1  # only w2's update
        want1, _ = _numpy_step(v1, v2, *feed.values(), 0.5)
        np.testing.assert_allclose(v1 - 0.5 * g1, want1, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(sess.run(w1), want1, rtol=1e-5, atol=1e-6)


def test_operand_reading_the_variable_is_not_fused(g):
    # loss = sum(stop_gradient(w) @ w): the gradient is one MatMul, w^T @ ones, whose operand
    # reads w itself; fused, the sgemm would overwrite w while still reading it.
    w0 = np.array([[1.0, 2.0, 0.5], [-0.5, 0.25, 3.0], [2.0, -1.0, 1.5]], np.float32)
    w = tf.Variable(w0)
    loss = tf.reduce_sum(tf.matmul(tf.stop_gradient(w), w))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        assert "matmul_apply_gd" not in _kernels(sess, train)
        grad = w0.T @ np.ones((3, 3), np.float32)  # d sum(S W) / dW with S held constant
        np.testing.assert_allclose(sess.run(w), w0 - 0.1 * grad, rtol=1e-6)
