"""``tf.train.ExponentialMovingAverage`` and ``assert_global_step`` side by side with TF 2.21
``compat.v1``: the shadow variables' names and values over several updates (constant decay,
``num_updates``, tensors with and without ``zero_debias``, float64), the update op's name, the
MOVING_AVERAGE_VARIABLES collection, ``average``/``average_name``/``variables_to_restore``, a
``Saver`` restoring the averages; TF's TypeErrors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


def graph_of(m):
    return m.Graph() if m is tf else real_tf.Graph()


def run_ema(m, make, steps=5, dtype=np.float32, var_list="all"):
    """Builds w, b (variables) and a loss tensor, applies the EMA, runs ``steps`` updates with
    moving values; returns what the comparison needs."""
    with graph_of(m).as_default():
        w = m.Variable(np.array([1.0, 2.0], dtype), name="w")
        b = m.Variable(np.array(3.0, dtype), name="b")
        x = m.placeholder(dtype, [])
        loss = m.reduce_mean(m.square(w - x))
        gs = m.train.get_or_create_global_step()
        ema = make(m, gs)
        chosen = {"all": [w, b, loss], "vars": [w, b], "default": None}[var_list]
        op = ema.apply(chosen) if chosen is not None else ema.apply()
        inc = m.assign_add(gs, 1)
        values = []
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            for k in range(steps):
                sess.run([m.assign(w, np.array([k, -2 * k], dtype)), m.assign(b, dtype(k) / 3)])
                sess.run(op, {x: k + 0.5})
                sess.run(inc)
                values.append(sess.run(m.global_variables()))
        return {
            "op": (op.name, op.type),
            "globals": [v.name for v in m.global_variables()],
            "moving": [v.name for v in m.get_collection(m.GraphKeys.MOVING_AVERAGE_VARIABLES)],
            "averages": [ema.average(v).name for v in (w, b)]
            + ([ema.average(loss).name] if var_list == "all" else []),
            "average_names": [ema.average_name(v) for v in (w, b)],
            "restore": sorted((k, v.name) for k, v in ema.variables_to_restore().items()),
            "values": values,
            "name": ema.name,
        }


EMAS = {
    "decay": lambda m, gs: m.train.ExponentialMovingAverage(0.9),
    "num_updates": lambda m, gs: m.train.ExponentialMovingAverage(0.99, num_updates=gs),
    "zero_debias": lambda m, gs: m.train.ExponentialMovingAverage(0.8, zero_debias=True),
    "named": lambda m, gs: m.train.ExponentialMovingAverage(0.7, name="Avg"),
    "tensor_decay": lambda m, gs: m.train.ExponentialMovingAverage(m.constant(0.6)),
}


def compare(ours, theirs):
    for key in ("op", "globals", "moving", "averages", "average_names", "restore", "name"):
        assert ours[key] == theirs[key], key
    for a, b in zip(ours["values"], theirs["values"]):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(EMAS))
@pytest.mark.parametrize("var_list", ["all", "vars", "default"])
def test_ema_matches_tf(name, var_list):
    compare(run_ema(tf, EMAS[name], var_list=var_list), run_ema(T, EMAS[name], var_list=var_list))


def test_float64():
    compare(
        run_ema(tf, EMAS["zero_debias"], dtype=np.float64),
        run_ema(T, EMAS["zero_debias"], dtype=np.float64),
    )


def test_average_name_before_apply_and_two_emas():
    out = []
    for m in (tf, T):
        with graph_of(m).as_default():
            w = m.Variable(1.0, name="w")
            a, b = m.train.ExponentialMovingAverage(0.5), m.train.ExponentialMovingAverage(0.5)
            before = a.average_name(w)
            op_a, op_b = a.apply([w]), b.apply([w])
            again = a.apply([w])  # the same shadow, a second update op
            out.append(
                (
                    before,
                    a.average(w).name,
                    b.average(w).name,
                    b.average_name(w),
                    op_a.name,
                    op_b.name,
                    again.name,
                    [v.name for v in m.global_variables()],
                    m.get_collection(m.GraphKeys.MOVING_AVERAGE_VARIABLES) == [w, w],
                )
            )
    assert out[0] == out[1]


def test_saver_restores_the_averages(tmp_path):
    """Train, save, then restore ``variables_to_restore()`` into fresh variables: they hold the
    averages (both libraries)."""
    results = []
    for m in (tf, T):
        with graph_of(m).as_default():
            w = m.Variable([1.0, 2.0], name="w")
            ema = m.train.ExponentialMovingAverage(0.5)
            op = ema.apply([w])
            saver = m.train.Saver()
            with m.Session() as sess:
                sess.run(m.global_variables_initializer())
                for k in range(3):
                    sess.run(m.assign(w, [k * 2.0, -k * 1.0]))
                    sess.run(op)
                want = sess.run(ema.average(w))
                path = saver.save(sess, str(tmp_path / f"{m.__name__}.ckpt"))
        with graph_of(m).as_default():
            w = m.Variable([0.0, 0.0], name="w")
            ema = m.train.ExponentialMovingAverage(0.5)
            restorer = m.train.Saver(ema.variables_to_restore())
            with m.Session() as sess:
                restorer.restore(sess, path)
                results.append((want, sess.run(w)))
    for want, got in results:
        np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6)


def test_assert_global_step_accepts():
    with tf.Graph().as_default():
        tf.train.assert_global_step(tf.train.get_or_create_global_step())
        tf.train.assert_global_step(tf.constant(3))
        tf.train.assert_global_step(tf.placeholder(tf.int32, [None]))


# ---- bad input -----------------------------------------------------------------------------------
BAD_STEPS = {
    "float": lambda m: m.Variable(1.0, name="s"),
    "vector": lambda m: m.constant([1, 2]),
    "python int": lambda m: 3,
}


@pytest.mark.bad_input
@pytest.mark.parametrize("name", sorted(BAD_STEPS))
def test_assert_global_step_errors(name):
    msgs = []
    for m in (T, tf):
        with graph_of(m).as_default(), pytest.raises(TypeError) as e:
            m.train.assert_global_step(BAD_STEPS[name](m))
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


@pytest.mark.bad_input
def test_apply_refuses_integer_variables():
    msgs = []
    for m in (T, tf):
        with graph_of(m).as_default():
            v = m.Variable(3, name="count")
            with pytest.raises(TypeError) as e:
                m.train.ExponentialMovingAverage(0.9).apply([v])
            msgs.append(str(e.value))
    assert msgs[0] == msgs[1]
