"""RNN cells and networks: the deck's LSTM step (slide 31) against NumPy, the fused LSTM step
against the composed ops, dynamic_rnn against static_rnn, and every cell against TensorFlow 1.x
(``compat.v1``) through a checkpoint that TF's Saver writes and ours restores."""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

import tflite_core as tf


def sig(x):
    return 1 / (1 + np.exp(-x))


def np_lstm(xs, kernel, bias, c, h, forget_bias=1.0):
    """The deck's step in NumPy over a list of inputs: (outputs, c, h)."""
    outs = []
    for x in xs:
        i, j, f, o = np.split(np.concatenate([x, h], 1) @ kernel + bias, 4, axis=1)
        c = c * sig(f + forget_bias) + sig(i) * np.tanh(j)
        h = np.tanh(c) * sig(o)
        outs.append(h)
    return outs, c, h


def _assign_all(sess, values):
    """Sets variables by name ({'rnn/basic_lstm_cell/kernel': array})."""
    by_name = {v.op.name: v for v in tf.global_variables()}
    sess.run([tf.assign(by_name[k], v) for k, v in values.items()])


# ---- the deck's cell (slide 31) ------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("state_is_tuple", [True, False])
def test_slide31_cell_and_5_step_static_rnn_match_numpy(state_is_tuple, dtype):
    rng = np.random.default_rng(0)
    b, d, n, steps = 3, 5, 4, 5
    xs = [rng.normal(size=(b, d)).astype(dtype) for _ in range(steps)]
    kernel = (rng.normal(size=(d + n, 4 * n)) * 0.5).astype(dtype)
    bias = (rng.normal(size=4 * n) * 0.5).astype(dtype)
    c0, h0 = (rng.normal(size=(b, n)).astype(dtype) for _ in range(2))
    want_outs, want_c, want_h = np_lstm(xs, kernel, bias, c0, h0)
    with tf.Graph().as_default():
        cell = tf.nn.rnn_cell.BasicLSTMCell(n, state_is_tuple=state_is_tuple)
        ph = [tf.placeholder(tf.as_dtype(dtype), [None, d]) for _ in range(steps)]
        init = (
            tf.nn.rnn_cell.LSTMStateTuple(tf.constant(c0), tf.constant(h0))
            if state_is_tuple
            else tf.concat(1, [c0, h0])  # the deck's concat(concat_dim, values)
        )
        outs, state = tf.nn.static_rnn(cell, ph, initial_state=init)
        names = sorted(v.op.name for v in tf.global_variables())
        assert names == ["rnn/basic_lstm_cell/bias", "rnn/basic_lstm_cell/kernel"]
        # The slide's step written out with the same variables, one step from the same state.
        with tf.variable_scope("rnn/basic_lstm_cell", reuse=True):
            w, bb = tf.get_variable("kernel", dtype=dtype), tf.get_variable("bias", dtype=dtype)
        c, h = (init.c, init.h) if state_is_tuple else tf.split(1, 2, init)  # split(dim, n, v)
        concat = tf.matmul(tf.concat([ph[0], h], 1), w) + bb
        i, j, f, o = tf.split(concat, 4, axis=1)
        slide_c = c * tf.sigmoid(f + 1.0) + tf.sigmoid(i) * tf.tanh(j)
        slide_h = tf.tanh(slide_c) * tf.sigmoid(o)
        with tf.Session() as sess:
            _assign_all(
                sess, {"rnn/basic_lstm_cell/kernel": kernel, "rnn/basic_lstm_cell/bias": bias}
            )
            feed = dict(zip(ph, xs))
            got = sess.run([outs, state, slide_c, slide_h], feed)
    got_outs, got_state, sc, sh = got
    tol = {"rtol": 0, "atol": 1e-6}
    for a, e in zip(got_outs, want_outs):
        np.testing.assert_allclose(a, e, **tol)
    gc, gh = got_state if state_is_tuple else np.split(got_state, 2, axis=1)
    np.testing.assert_allclose(gc, want_c, **tol)
    np.testing.assert_allclose(gh, want_h, **tol)
    _one, c1, h1 = np_lstm(xs[:1], kernel, bias, c0, h0)
    np.testing.assert_allclose(sc, c1, **tol)
    np.testing.assert_allclose(sh, h1, **tol)
    np.testing.assert_allclose(got_outs[0], sh, **tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_step_equals_composed_ops_forward_and_gradients(dtype):
    """static_rnn over BasicLSTMCell (one fused LSTMBlockSequence op for all steps) against the
    same cell with the step composed of split/sigmoid/tanh ops (a non-default activation object
    that computes tanh)."""
    rng = np.random.default_rng(1)
    b, d, n, steps = 4, 3, 5, 4
    xs = rng.normal(size=(steps, b, d)).astype(dtype)
    kernel = (rng.normal(size=(d + n, 4 * n)) * 0.6).astype(dtype)
    bias = (rng.normal(size=4 * n) * 0.5).astype(dtype)
    w_out = rng.normal(size=(b, n)).astype(dtype)
    results = []
    for activation in (None, lambda x: tf.tanh(x)):
        with tf.Graph().as_default():
            x = tf.placeholder(tf.as_dtype(dtype), [steps, b, d])
            cell = tf.nn.rnn_cell.BasicLSTMCell(n, forget_bias=0.7, activation=activation)
            outs, state = tf.nn.static_rnn(cell, tf.unstack(x), dtype=tf.as_dtype(dtype))
            loss = tf.add_n([tf.reduce_sum(o * w_out) for o in outs]) + tf.reduce_sum(state.c)
            types = {op.type for op in tf.get_default_graph().get_operations()}
            assert ("LSTMBlockSequence" in types) == (activation is None)
            grads = tf.gradients(loss, [x, *tf.trainable_variables()])
            with tf.Session() as sess:
                _assign_all(
                    sess,
                    {"rnn/basic_lstm_cell/kernel": kernel, "rnn/basic_lstm_cell/bias": bias},
                )
                results.append(sess.run([outs, state, grads], {x: xs}))
    (fo, fs, fg), (co, cs, cg) = results
    tol = {"rtol": 0, "atol": 1e-6}
    for a, e in zip(fo + list(fs) + fg, co + list(cs) + cg):
        np.testing.assert_allclose(a, e, **tol)


@pytest.mark.parametrize("mode", ["tuple_state", "concat_state", "separate_inputs", "cell_first"])
def test_whole_sequence_op_equals_unrolled_steps(mode):
    """The one-op path (LSTMBlockSequence) against the unrolled composed steps: unknown batch,
    a given initial state (tuple or concatenated), static_rnn over separate placeholders (the
    inputs are stacked), and a cell called directly before static_rnn (its variables reused)."""
    rng = np.random.default_rng(3)
    t, b, d, n = 4, 3, 5, 6
    xs = rng.normal(size=(b, t, d)).astype(np.float32)
    kernel = (rng.normal(size=(d + n, 4 * n)) * 0.4).astype(np.float32)
    bias = rng.normal(size=4 * n).astype(np.float32)
    c0, h0 = rng.normal(size=(b, n)).astype(np.float32), rng.normal(size=(b, n)).astype(np.float32)
    results = []
    for activation in (None, lambda v: tf.tanh(v)):
        with tf.Graph().as_default() as g:
            cell = tf.nn.rnn_cell.BasicLSTMCell(
                n, activation=activation, state_is_tuple=mode != "concat_state"
            )
            x = tf.placeholder(tf.float32, [None, t, d])
            feed, init = {x: xs}, None
            if mode == "tuple_state":
                init = tf.nn.rnn_cell.LSTMStateTuple(tf.constant(c0), tf.constant(h0))
            elif mode == "concat_state":
                init = tf.constant(np.concatenate([c0, h0], 1))
            if mode in ("separate_inputs", "cell_first"):
                steps = [tf.placeholder(tf.float32, [None, d]) for _ in range(t)]
                feed = {p: xs[:, k] for k, p in enumerate(steps)}
                if mode == "cell_first":  # makes rnn/basic_lstm_cell/*; static_rnn reuses them
                    with tf.variable_scope("rnn"):
                        cell(steps[0], cell.zero_state(b, tf.float32))
                outs, state = tf.nn.static_rnn(cell, steps, dtype=tf.float32)
                out, wrt = tf.stack(outs, 1), steps
            else:
                out, state = tf.nn.dynamic_rnn(cell, x, initial_state=init, dtype=tf.float32)
                wrt = [x] + ([init] if mode == "concat_state" else list(init))
            flat_state = list(state) if isinstance(state, tuple) else [state]
            loss = tf.reduce_sum(out * out) + tf.add_n([tf.reduce_sum(s) for s in flat_state])
            variables = tf.trainable_variables()
            assert [v.op.name for v in variables] == [
                "rnn/basic_lstm_cell/kernel",
                "rnn/basic_lstm_cell/bias",
            ]
            types = {op.type for op in g.get_operations()}
            assert ("LSTMBlockSequence" in types) == (activation is None)
            grads = tf.gradients(loss, wrt + variables)
            with tf.Session() as sess:
                sess.run([tf.assign(variables[0], kernel), tf.assign(variables[1], bias)])
                results.append(sess.run([out, *flat_state, *grads], feed))
    for fused, composed in zip(*results):
        np.testing.assert_allclose(fused, composed, rtol=1e-5, atol=1e-5)


def test_fused_gradient_matches_central_differences():
    rng = np.random.default_rng(2)
    xs = rng.normal(size=(3, 2, 3))
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [3, 2, 3])
        cell = tf.nn.rnn_cell.BasicLSTMCell(4)
        outs, st = tf.nn.static_rnn(cell, tf.unstack(x), dtype=tf.float64)
        w = rng.normal(size=(2, 4))
        loss = tf.reduce_sum(outs[-1] * w) + tf.reduce_sum(st.c * w)
        (gx,) = tf.gradients(loss, [x])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run(gx, {x: xs})
            num = np.zeros_like(xs)
            for idx in np.ndindex(xs.shape):
                p, m = xs.copy(), xs.copy()
                p[idx] += 1e-6
                m[idx] -= 1e-6
                num[idx] = (sess.run(loss, {x: p}) - sess.run(loss, {x: m})) / 2e-6
    np.testing.assert_allclose(got, num, rtol=1e-6, atol=1e-8)


# ---- dynamic_rnn ---------------------------------------------------------------------------------
@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("with_lengths", [False, True])
def test_dynamic_rnn_equals_static_rnn(time_major, with_lengths):
    """Same outputs and final state; past each length, zero outputs and the state carried."""
    rng = np.random.default_rng(3)
    b, t, d, n = 4, 6, 3, 5
    xs = rng.normal(size=(b, t, d)).astype(np.float32)
    lengths = np.array([6, 2, 0, 4], np.int32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, t, d])
        seq = tf.placeholder(tf.int32, [None]) if with_lengths else None
        cell = tf.nn.rnn_cell.BasicLSTMCell(n)
        xin = tf.transpose(x, [1, 0, 2]) if time_major else x
        d_out, d_state = tf.nn.dynamic_rnn(
            cell, xin, sequence_length=seq, dtype=tf.float32, time_major=time_major
        )
        s_out, s_state = tf.nn.static_rnn(
            cell, tf.unstack(x, axis=1), sequence_length=seq, dtype=tf.float32
        )
        assert len(tf.global_variables()) == 2  # one cell, its variables shared
        w = rng.normal(size=(t, b, n) if time_major else (b, t, n)).astype(np.float32)
        d_grads = tf.gradients(tf.reduce_sum(d_out * w), [x, *tf.trainable_variables()])
        s_stack = tf.stack(s_out, 0 if time_major else 1)
        s_grads = tf.gradients(tf.reduce_sum(s_stack * w), [x, *tf.trainable_variables()])
        feed = {x: xs, **({seq: lengths} if with_lengths else {})}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            do, ds, so, ss, dg, sg = sess.run(
                [d_out, d_state, s_out, s_state, d_grads, s_grads], feed
            )
        for a, e in zip(dg, sg):
            np.testing.assert_allclose(a, e, rtol=0, atol=1e-5)
    so = np.stack(so, 0 if time_major else 1)
    # dynamic_rnn multiplies all inputs by the kernel's input rows at once: the same sums, in
    # another order
    tol = {"rtol": 0, "atol": 1e-6}
    np.testing.assert_allclose(do, so, **tol)
    np.testing.assert_allclose(ds.c, ss.c, **tol)
    np.testing.assert_allclose(ds.h, ss.h, **tol)
    if with_lengths:
        outs_bt = do.transpose(1, 0, 2) if time_major else do
        for k, length in enumerate(lengths):
            assert np.all(outs_bt[k, length:] == 0)
            if length:
                np.testing.assert_array_equal(ds.h[k], outs_bt[k, length - 1])
            else:
                assert np.all(ds.c[k] == 0) and np.all(ds.h[k] == 0)


# ---- against TensorFlow 1.x ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def tf1():
    import tensorflow as real_tf
    from tensorflow.python.ops import rnn as tf_rnn
    from tensorflow.python.ops import rnn_cell_impl

    v1 = real_tf.compat.v1
    v1.logging.set_verbosity(v1.logging.ERROR)
    ns = type("TF1", (), {})()
    ns.tf, ns.cells, ns.rnn = v1, rnn_cell_impl, tf_rnn
    return ns


class Ours:
    tf = tf
    cells = tf.nn.rnn_cell
    rnn = tf.nn


def _flat(x):
    if isinstance(x, (list, tuple)):
        return [t for e in x for t in _flat(e)]
    return [x]


def _tf_then_ours(tf1, build, feeds, tmp_path, atol=1e-6):
    """Builds the net in TF (random weights), saves it with TF's Saver, rebuilds it here,
    restores with ours: same variable names, same outputs."""
    prefix = str(tmp_path / "ckpt")
    rng = np.random.default_rng(4)
    g = tf1.tf.Graph()
    with g.as_default(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # TF's deprecation notices for the cells
        phs = [tf1.tf.placeholder(tf1.tf.as_dtype(a.dtype), a.shape) for a in feeds]
        outs = _flat(build(tf1, *phs))
        with tf1.tf.Session() as sess:
            sess.run(tf1.tf.global_variables_initializer())
            for v in tf1.tf.global_variables():  # non-trivial biases too
                shape = v.shape.as_list()
                v.load(rng.normal(size=shape).astype(np.float32) * 0.5, sess)
            want = sess.run(outs, dict(zip(phs, feeds)))
            tf1.tf.train.Saver().save(sess, prefix)
            tf_names = sorted(v.op.name for v in tf1.tf.global_variables())
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape) for a in feeds]
        outs = _flat(build(Ours, *phs))
        assert sorted(v.op.name for v in tf.global_variables()) == tf_names
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, prefix)
            got = sess.run(outs, dict(zip(phs, feeds)))
    assert len(got) == len(want)
    for a, e in zip(got, want):
        np.testing.assert_allclose(a, e, rtol=0, atol=atol)
    return tf_names


def _basic_lstm_static(ns, x):
    cell = ns.cells.BasicLSTMCell(5)
    return ns.rnn.static_rnn(cell, ns.tf.unstack(x, axis=1), dtype=ns.tf.float32)


def _basic_lstm_concat_state(ns, x):
    cell = ns.cells.BasicLSTMCell(5, forget_bias=0.5, state_is_tuple=False)
    return ns.rnn.static_rnn(cell, ns.tf.unstack(x, axis=1), dtype=ns.tf.float32)


def _lstm_peephole_proj(ns, x):
    cell = ns.cells.LSTMCell(6, use_peepholes=True, num_proj=4, cell_clip=0.8)
    return ns.rnn.dynamic_rnn(cell, x, dtype=ns.tf.float32)


def _lstm_plain(ns, x):
    return ns.rnn.dynamic_rnn(ns.cells.LSTMCell(6), x, dtype=ns.tf.float32)


def _gru(ns, x):
    return ns.rnn.dynamic_rnn(ns.cells.GRUCell(5), x, dtype=ns.tf.float32)


def _basic_rnn(ns, x):
    return ns.rnn.dynamic_rnn(ns.cells.BasicRNNCell(5), x, dtype=ns.tf.float32)


def _multi(ns, x):
    cells = [ns.cells.BasicLSTMCell(5), ns.cells.GRUCell(4), ns.cells.LSTMCell(3, num_proj=2)]
    return ns.rnn.dynamic_rnn(ns.cells.MultiRNNCell(cells), x, dtype=ns.tf.float32)


def _dynamic_time_major_lengths(ns, x, lengths):
    cell = ns.cells.BasicLSTMCell(5)
    x = ns.tf.transpose(x, [1, 0, 2])
    return ns.rnn.dynamic_rnn(
        cell, x, sequence_length=lengths, dtype=ns.tf.float32, time_major=True
    )


def _dynamic_lengths(ns, x, lengths):
    cell = ns.cells.LSTMCell(5)
    return ns.rnn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=ns.tf.float32)


def _bidirectional(ns, x, lengths):
    fw, bw = ns.cells.BasicLSTMCell(4), ns.cells.GRUCell(3)
    return ns.rnn.bidirectional_dynamic_rnn(fw, bw, x, sequence_length=lengths, dtype=ns.tf.float32)


NETS = {
    "basic_lstm_static": (_basic_lstm_static, "rnn/basic_lstm_cell/kernel"),
    "basic_lstm_concat_state": (_basic_lstm_concat_state, "rnn/basic_lstm_cell/kernel"),
    "lstm_peephole_proj_clip": (_lstm_peephole_proj, "rnn/lstm_cell/projection/kernel"),
    "lstm_plain": (_lstm_plain, "rnn/lstm_cell/kernel"),
    "gru": (_gru, "rnn/gru_cell/gates/kernel"),
    "basic_rnn": (_basic_rnn, "rnn/basic_rnn_cell/kernel"),
    "multi": (_multi, "rnn/multi_rnn_cell/cell_2/lstm_cell/projection/kernel"),
    "dynamic_time_major_lengths": (_dynamic_time_major_lengths, "rnn/basic_lstm_cell/bias"),
    "dynamic_lengths": (_dynamic_lengths, "rnn/lstm_cell/kernel"),
    "bidirectional": (_bidirectional, "bidirectional_rnn/bw/gru_cell/candidate/kernel"),
}


@pytest.mark.parametrize("net", sorted(NETS))
def test_matches_tensorflow_from_its_checkpoint(tf1, net, tmp_path):
    build, expected_name = NETS[net]
    rng = np.random.default_rng(5)
    feeds = [rng.normal(size=(4, 6, 3)).astype(np.float32)]
    if "lengths" in build.__code__.co_varnames[: build.__code__.co_argcount]:
        feeds.append(np.array([6, 3, 0, 5], np.int32))
    names = _tf_then_ours(tf1, build, feeds, tmp_path)
    assert expected_name in names


# ---- errors --------------------------------------------------------------------------------------
@pytest.mark.bad_input
def test_input_depth_change_raises_value_error():
    with tf.Graph().as_default():
        cell = tf.nn.rnn_cell.BasicLSTMCell(4)
        s = cell.zero_state(2, tf.float32)
        cell(tf.zeros([2, 3]), s)
        with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
            cell(tf.zeros([2, 5]), s)
        with pytest.raises(ValueError, match=r"inputs\.shape\[-1\] to be known"):
            tf.nn.rnn_cell.GRUCell(3)(tf.placeholder(tf.float32, [2, None]), tf.zeros([2, 3]))
        with pytest.raises(ValueError, match="dtype must be specified"):
            tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(3), [tf.zeros([2, 3])])


@pytest.mark.bad_input
def test_wrong_state_shapes_raise_value_error():
    with tf.Graph().as_default():
        x = tf.zeros([2, 3])
        with pytest.raises(ValueError):
            st = tf.nn.rnn_cell.LSTMStateTuple(tf.zeros([2, 5]), tf.zeros([2, 4]))
            tf.nn.rnn_cell.BasicLSTMCell(4)(x, st)
        with pytest.raises(ValueError):
            tf.nn.rnn_cell.BasicLSTMCell(4, state_is_tuple=False)(x, tf.zeros([2, 6]))
        with pytest.raises(ValueError):
            tf.nn.rnn_cell.GRUCell(4)(x, tf.zeros([3, 4]))
        with pytest.raises(ValueError):
            tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(4)] * 2)(x, (tf.zeros([2, 4]),))


# ---- DropoutWrapper, aliases ---------------------------------------------------------------------
def test_dropout_wrapper_scales_kept_outputs_and_keeps_names():
    rng = np.random.default_rng(6)
    xs = rng.normal(size=(64, 3)).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [64, 3])
        inner = tf.nn.rnn_cell.BasicLSTMCell(50)
        cell = tf.nn.rnn_cell.DropoutWrapper(inner, output_keep_prob=0.5, seed=3)
        s = cell.zero_state(64, tf.float32)
        out, st = cell(x, s)
        plain, _ = inner(x, s)  # same variables: the wrapper adds no scope
        assert [v.op.name for v in tf.global_variables()] == [
            "basic_lstm_cell/kernel",
            "basic_lstm_cell/bias",
        ]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            o, p, h = sess.run([out, plain, st.h], {x: xs})
    kept = o != 0
    np.testing.assert_allclose(o[kept], p[kept] / 0.5, rtol=1e-6)
    np.testing.assert_array_equal(h, p)  # the state is not dropped (state_keep_prob = 1)
    assert 0.35 < kept.mean() < 0.65


def test_aliases():
    assert tf.contrib.rnn.BasicLSTMCell is tf.nn.rnn_cell.BasicLSTMCell
    assert tf.contrib.rnn.static_rnn is tf.nn.static_rnn is tf.nn.rnn
