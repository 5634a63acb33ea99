"""The learning-rate schedules of ``tf.train`` side by side with TF 2.21 ``compat.v1``: every
schedule with several settings at many global steps (fed, and as the global-step variable),
float64 and tensor learning rates, the output names TF gives them, TF's ValueErrors (missing
global step, piecewise dtypes and lengths); ``noisy_linear_cosine_decay``'s noise by its bounds,
its determinism under a graph seed and, without noise, its values."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
STEPS = [0, 1, 2, 3, 5, 7, 9, 10, 11, 15, 19, 20, 21, 29, 30, 31, 37, 45, 60, 75, 99, 100, 1000]

SCHEDULES = {
    "exponential": lambda m, s: m.train.exponential_decay(0.1, s, 10, 0.5),
    "exponential_staircase": lambda m, s: m.train.exponential_decay(0.1, s, 7, 0.9, True),
    "natural_exp": lambda m, s: m.train.natural_exp_decay(0.1, s, 10, 0.5),
    "natural_exp_staircase": lambda m, s: m.train.natural_exp_decay(0.2, s, 5, 0.1, True),
    "inverse_time": lambda m, s: m.train.inverse_time_decay(0.1, s, 10, 0.5),
    "inverse_time_staircase": lambda m, s: m.train.inverse_time_decay(0.1, s, 3, 2.0, True),
    "polynomial": lambda m, s: m.train.polynomial_decay(0.1, s, 30),
    "polynomial_power": lambda m, s: m.train.polynomial_decay(0.1, s, 30, 0.01, power=0.5),
    "polynomial_cycle": lambda m, s: m.train.polynomial_decay(0.1, s, 10, 0.01, 2.0, cycle=True),
    "piecewise": lambda m, s: m.train.piecewise_constant(
        s, [np.int64(10), np.int64(20), np.int64(45)], [1.0, 0.5, 0.1, 0.01]
    ),
    "piecewise_int32_bounds": lambda m, s: m.train.piecewise_constant(s, [10, 30], [3, 2, 1]),
    "piecewise_decay_alias": lambda m, s: m.train.piecewise_constant_decay(
        s, [np.int64(5)], [0.3, 0.2]
    ),
    "cosine": lambda m, s: m.train.cosine_decay(0.1, s, 40),
    "cosine_alpha": lambda m, s: m.train.cosine_decay(0.1, s, 40, alpha=0.2),
    "cosine_restarts": lambda m, s: m.train.cosine_decay_restarts(0.1, s, 5),
    "cosine_restarts_mul": lambda m, s: m.train.cosine_decay_restarts(
        0.1, s, 4, t_mul=1.5, m_mul=0.8, alpha=0.05
    ),
    "cosine_restarts_equal_periods": lambda m, s: m.train.cosine_decay_restarts(
        0.1, s, 6, t_mul=1.0, m_mul=0.9
    ),
    "linear_cosine": lambda m, s: m.train.linear_cosine_decay(0.1, s, 50),
    "linear_cosine_periods": lambda m, s: m.train.linear_cosine_decay(
        0.1, s, 50, num_periods=2.0, alpha=0.1, beta=0.01
    ),
    "noisy_linear_cosine_no_noise": lambda m, s: m.train.noisy_linear_cosine_decay(
        0.1, s, 50, initial_variance=0.0, num_periods=1.5, alpha=0.05
    ),
}


def values_at(m, make, steps, dtype="int64"):
    graph = m.Graph() if m is tf else real_tf.Graph()
    with graph.as_default():
        step = m.placeholder(getattr(m, dtype), [])
        lr = make(m, step)
        with m.Session() as sess:
            return np.array([sess.run(lr, {step: k}) for k in steps]), lr


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_matches_tf(name):
    ours, our_t = values_at(tf, SCHEDULES[name], STEPS)
    theirs, their_t = values_at(T, SCHEDULES[name], STEPS)
    assert our_t.dtype.name == their_t.dtype.name
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", ["exponential", "polynomial_cycle", "cosine_restarts_mul"])
def test_int32_steps(name):
    ours, _ = values_at(tf, SCHEDULES[name], STEPS, "int32")
    theirs, _ = values_at(T, SCHEDULES[name], STEPS, "int32")
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)


NAMED = {
    "exponential": "ExponentialDecay:0",
    "natural_exp": "ExponentialDecay:0",
    "inverse_time": "InverseTimeDecay:0",
    "polynomial": "PolynomialDecay:0",
    "cosine_restarts": "SGDRDecay:0",
    "linear_cosine": "LinearCosineDecay:0",
}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_output_names(name):
    _, ours = values_at(tf, SCHEDULES[name], [0])
    _, theirs = values_at(T, SCHEDULES[name], [0])
    assert ours.name == theirs.name == NAMED[name]


def test_custom_name_and_global_step_variable_and_float64_rate():
    out = []
    for m in (tf, T):
        graph = m.Graph() if m is tf else real_tf.Graph()
        with graph.as_default():
            gs = m.train.get_or_create_global_step()
            lr64 = m.constant(0.5, m.float64)
            a = m.train.polynomial_decay(lr64, gs, 12, 0.05, power=3.0, name="poly")
            b = m.train.cosine_decay_restarts(m.constant(0.3), gs, 3, 2.0, 0.7, name="sgdr")
            c = m.train.piecewise_constant(gs, [np.int64(4), np.int64(9)], [0.3, 0.2, 0.1])
            inc = m.assign_add(gs, 1)
            with m.Session() as sess:
                sess.run(m.global_variables_initializer())
                vals = []
                for _ in range(25):
                    vals.append(sess.run([a, b, c]))
                    sess.run(inc)
            out.append((np.array(vals), a.dtype.name, a.name, b.name))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-5, atol=1e-7)
    assert out[0][1:] == out[1][1:] == ("float64", "poly:0", "sgdr:0")


def test_noisy_linear_cosine_decay_noise():
    """The noise is TF's normal draws, not reproduced: its bounds, shape, dtype and its
    determinism under a graph seed are compared instead."""

    def run(seed):
        graph = tf.Graph()
        with graph.as_default():
            tf.set_random_seed(seed)
            step = tf.placeholder(tf.int64, [])
            lr = tf.train.noisy_linear_cosine_decay(0.1, step, 50, initial_variance=0.25)
            quiet = tf.train.linear_cosine_decay(0.1, step, 50)
            assert lr.shape.as_list() == [] and lr.dtype == tf.float32
            with tf.Session() as sess:
                got = [sess.run([lr, quiet], {step: k}) for k in STEPS for _ in range(3)]
        return np.array(got)

    a, b, c = run(7), run(7), run(8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a[:, 0], c[:, 0])
    steps = np.repeat(np.minimum(STEPS, 50), 3).astype(np.float64)
    std = np.sqrt(0.25 / (1 + steps) ** 0.55)
    cosine = 0.5 * (1 + np.cos(np.pi * steps / 50))
    # lr - quiet = 0.1 * noise * cosine with |noise| < 6 std (the draws differ run to run)
    assert np.all(np.abs(a[:, 0] - a[:, 1]) <= 0.1 * 6 * std * cosine + 1e-7)
    assert len(set(a[:12, 0].tolist())) > 1


# ---- bad input -----------------------------------------------------------------------------------
BAD = {
    "exponential_no_step": lambda m: m.train.exponential_decay(0.1, None, 10, 0.5),
    "polynomial_no_step": lambda m: m.train.polynomial_decay(0.1, None, 10),
    "cosine_no_step": lambda m: m.train.cosine_decay(0.1, None, 10),
    "piecewise_lengths": lambda m: m.train.piecewise_constant(
        m.constant(np.int64(3)), [np.int64(1), np.int64(2)], [0.1, 0.2]
    ),
    "piecewise_boundary_dtype": lambda m: m.train.piecewise_constant(
        m.constant(3), [1.5], [0.1, 0.2]
    ),
    "piecewise_value_dtypes": lambda m: m.train.piecewise_constant(
        m.constant(3), [1], [0.1, m.constant(2, m.int32)]
    ),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_value_errors(name):
    msgs = []
    for m in (T, tf):
        graph = m.Graph() if m is tf else real_tf.Graph()
        with graph.as_default(), pytest.raises(ValueError) as e:
            BAD[name](m)
        msgs.append(str(e.value))
    if name.startswith("piecewise"):
        assert msgs[0] == msgs[1]
