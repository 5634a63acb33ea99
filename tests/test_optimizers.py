"""The optimisers side by side with TensorFlow 2.21's compat.v1 ones: the same small net from the
same initial values, trained a few steps, gives the same weights, slots and variable names."""

import numpy as np
import pytest

import tflite_core as tf


@pytest.fixture(scope="module")
def T():
    import tensorflow

    return tensorflow


RNG = np.random.default_rng(11)
X = RNG.standard_normal((8, 5)).astype(np.float32)
Y = np.eye(3, dtype=np.float32)[RNG.integers(0, 3, 8)]
W0 = RNG.standard_normal((5, 4)).astype(np.float32) * 0.5
B0 = np.zeros(4, np.float32)
V0 = RNG.standard_normal((4, 3)).astype(np.float32) * 0.5

CASES = {
    "momentum": lambda m: m.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda m: m.MomentumOptimizer(0.05, 0.8, use_nesterov=True),
    "adam": lambda m: m.AdamOptimizer(0.01),
    "adagrad": lambda m: m.AdagradOptimizer(0.2, initial_accumulator_value=0.05),
    "rmsprop": lambda m: m.RMSPropOptimizer(0.01, decay=0.8, momentum=0.3, epsilon=1e-6),
    "sgd_decayed": lambda m: m.GradientDescentOptimizer(
        m.exponential_decay(0.5, m.get_or_create_global_step(), 2, 0.5, staircase=True)
    ),
}


def _train(lib, v1, case, steps=6):
    """Builds the net with ``lib`` (tflite_core or tf.compat.v1) and trains it."""
    g = lib.Graph()
    with g.as_default():
        x = v1.placeholder(lib.float32, [None, 5], name="x")
        y = v1.placeholder(lib.float32, [None, 3], name="y")
        with v1.variable_scope("dense"):
            w = v1.get_variable("w", initializer=W0)
            b = v1.get_variable("b", initializer=B0)
        v = v1.get_variable("out", initializer=V0)
        logits = lib.matmul(lib.nn.relu(lib.matmul(x, w) + b), v)
        loss = lib.reduce_mean(
            v1.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits)
            if lib is not tf
            else tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits)
        )
        step = v1.train.get_or_create_global_step()
        train = CASES[case](v1.train).minimize(loss, global_step=step)
        names = sorted(var.op.name for var in v1.global_variables())
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            losses = [sess.run([train, loss], {x: X, y: Y})[1] for _ in range(steps)]
            values = {var.op.name: sess.run(var) for var in v1.global_variables()}
    return names, losses, values


@pytest.mark.parametrize("case", sorted(CASES))
def test_trains_like_tensorflow(T, case):
    names, losses, values = _train(tf, tf, case)
    t_names, t_losses, t_values = _train(T, T.compat.v1, case)
    assert names == t_names  # slots and non-slot variables named as TF names them
    np.testing.assert_allclose(losses, t_losses, rtol=2e-5, atol=1e-6)
    for name in names:
        np.testing.assert_allclose(values[name], t_values[name], rtol=2e-5, atol=1e-6, err_msg=name)
    assert losses[-1] < losses[0]
    assert values["global_step"] == 6


def test_saver_checkpoints_slots_under_tf_names(tmp_path, T):
    _names, _, _values = _train(tf, tf, "adam", steps=2)
    g = tf.Graph()
    with g.as_default():
        with tf.variable_scope("dense"):
            w = tf.get_variable("w", initializer=W0)
        opt = tf.train.AdamOptimizer(0.01)
        opt.minimize(tf.reduce_sum(tf.square(w)))
        assert [v.op.name for v in opt.variables()] == [
            "dense/w/Adam",
            "dense/w/Adam_1",
            "beta1_power",
            "beta2_power",
        ]
        assert opt.get_slot(w, "m").op.name == "dense/w/Adam"
        assert opt.get_slot_names() == ["m", "v"]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            path = tf.train.Saver().save(sess, str(tmp_path / "ckpt"))
    reader = T.train.load_checkpoint(path)
    keys = set(reader.get_variable_to_shape_map())
    assert {"dense/w", "dense/w/Adam", "dense/w/Adam_1", "beta1_power", "beta2_power"} <= keys
    assert reader.get_tensor("beta1_power") == np.float32(0.9)


def test_exponential_decay_matches_formula():
    with tf.Graph().as_default():
        step = tf.placeholder(tf.int64, [])
        smooth = tf.train.exponential_decay(0.1, step, 10, 0.5)
        stairs = tf.train.exponential_decay(0.1, step, 10, 0.5, staircase=True)
        with tf.Session() as sess:
            for s in (0, 5, 10, 25):
                a, b = sess.run([smooth, stairs], {step: s})
                assert a == pytest.approx(0.1 * 0.5 ** (s / 10), rel=1e-6)
                assert b == pytest.approx(0.1 * 0.5 ** (s // 10), rel=1e-6)


@pytest.mark.bad_input
def test_global_step_helpers():
    with tf.Graph().as_default() as g:
        assert tf.train.get_global_step() is None
        step = tf.train.create_global_step()
        assert step.dtype == tf.int64 and step.op.name == "global_step"
        assert step not in tf.trainable_variables()
        assert g.get_collection(tf.GraphKeys.GLOBAL_STEP) == [step]
        with pytest.raises(ValueError, match="already exists"):
            tf.train.create_global_step()
        assert tf.train.get_or_create_global_step() is step
        with tf.Session() as sess:
            sess.run(step.initializer)
            assert tf.train.global_step(sess, step) == 0


@pytest.mark.bad_input
def test_bad_hyper_parameters_and_shapes():
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)
    with tf.Graph().as_default():
        w = tf.Variable(np.ones((2, 3), np.float32))
        with pytest.raises(ValueError, match="ApplyAdam"):
            tf.train.AdamOptimizer().apply_gradients([(tf.ones([3, 2]), w)])


@pytest.mark.bad_input
def test_uninitialised_slot_is_failed_precondition():
    with tf.Graph().as_default():
        w = tf.Variable(np.ones(3, np.float32), name="w")
        train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(tf.reduce_sum(w * w))
        with tf.Session() as sess:
            sess.run(w.initializer)
            with pytest.raises(tf.errors.FailedPreconditionError, match="w/Momentum"):
                sess.run(train)
