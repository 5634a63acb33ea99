"""``tf.contrib.legacy_seq2seq`` side by side with TF 2.21 ``compat.v1`` (TF 1.15's contrib is not
installable): each decoder is rebuilt step by step from TF ops on the weights our graph
created (``BasicRNNCell``: ``tanh([x, h] @ kernel + bias)``), and the losses from
``sparse_softmax_cross_entropy_with_logits``. Variable names are TF 1.15's, from
``tensorflow/contrib/legacy_seq2seq/python/ops/seq2seq.py`` (its linear maps are
``core_rnn_cell._Linear``: variables ``kernel`` and ``bias``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import tensorflow as real_tf
from tensorflow.python.ops import rnn_cell_impl

import tflite_core as tf

T = real_tf.compat.v1
S = tf.contrib.legacy_seq2seq
RNG = np.random.default_rng(11)
B, D, H = 3, 4, 5


def _values(sess):
    return {v.op.name: sess.run(v) for v in tf.global_variables()}


def _rnn_step(x, h, w, b):
    return T.tanh(T.matmul(T.concat([x, h], 1), w) + b)


def _lin(args, w, b):
    return T.matmul(T.concat(args, 1), w) + b


def _run_tf(build):
    with real_tf.Graph().as_default():
        out = build()
        with T.Session() as sess:
            return sess.run(out)


def _close(ours, theirs, rtol=1e-4, atol=1e-5):
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=rtol, atol=atol)


def test_rnn_decoder_values_names_and_loop_function():
    xs = [RNG.standard_normal((B, D)).astype(np.float32) for _ in range(3)]
    h0 = RNG.standard_normal((B, H)).astype(np.float32)
    with tf.Graph().as_default():
        cell = tf.nn.rnn_cell.BasicRNNCell(H)
        outs, state = S.rnn_decoder([tf.constant(x) for x in xs], tf.constant(h0), cell)
        proj = tf.constant(RNG.standard_normal((H, D)).astype(np.float32))
        cell2 = tf.nn.rnn_cell.BasicRNNCell(H)
        louts, _ = S.rnn_decoder(
            [tf.constant(x) for x in xs],
            tf.constant(h0),
            cell2,
            loop_function=lambda prev, i: tf.matmul(prev, proj),
            scope="greedy",
        )
        names = [v.op.name for v in tf.global_variables()]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = sess.run([*outs, state, *louts])
            vals, p = _values(sess), sess.run(proj)
    assert names == [
        "rnn_decoder/basic_rnn_cell/kernel",
        "rnn_decoder/basic_rnn_cell/bias",
        "greedy/basic_rnn_cell/kernel",
        "greedy/basic_rnn_cell/bias",
    ]

    def ref():
        w, b = vals["rnn_decoder/basic_rnn_cell/kernel"], vals["rnn_decoder/basic_rnn_cell/bias"]
        h, outs = T.constant(h0), []
        for x in xs:
            h = _rnn_step(x, h, w, b)
            outs.append(h)
        w2, b2 = vals["greedy/basic_rnn_cell/kernel"], vals["greedy/basic_rnn_cell/bias"]
        h, louts, inp = T.constant(h0), [], T.constant(xs[0])
        for _ in xs:
            h = _rnn_step(inp, h, w2, b2)
            louts.append(h)
            inp = T.matmul(h, p)
        return [*outs, outs[-1], *louts]

    _close(ours, _run_tf(ref))


def _attention_ref(vals, xs, h0, st, num_heads, initial_state_attention, p="attention_decoder"):
    """TF 1.15's attention_decoder, step by step, in TF 2.21 ops with our weights."""
    attn_len, attn_size = st.shape[1], st.shape[2]
    hidden = T.reshape(st, [-1, attn_len, 1, attn_size])
    feats = [
        T.nn.conv2d(hidden, vals[f"{p}/AttnW_{a}"], [1, 1, 1, 1], "SAME") for a in range(num_heads)
    ]

    def attention(query):
        ds = []
        for a in range(num_heads):
            y = _lin([query], vals[f"{p}/Attention_{a}/kernel"], vals[f"{p}/Attention_{a}/bias"])
            y = T.reshape(y, [-1, 1, 1, attn_size])
            s = T.reduce_sum(vals[f"{p}/AttnV_{a}"] * T.tanh(feats[a] + y), [2, 3])
            w = T.nn.softmax(s)
            d = T.reduce_sum(T.reshape(w, [-1, attn_len, 1, 1]) * hidden, [1, 2])
            ds.append(T.reshape(d, [-1, attn_size]))
        return ds

    h = T.constant(h0)
    attns = (
        attention(h)
        if initial_state_attention
        else [T.zeros([xs[0].shape[0], attn_size]) for _ in range(num_heads)]
    )
    outputs = []
    for x in xs:
        inp = _lin([T.constant(x), *attns], vals[f"{p}/kernel"], vals[f"{p}/bias"])
        h = _rnn_step(inp, h, vals[f"{p}/basic_rnn_cell/kernel"], vals[f"{p}/basic_rnn_cell/bias"])
        attns = attention(h)
        outputs.append(
            _lin(
                [h, *attns],
                vals[f"{p}/AttnOutputProjection/kernel"],
                vals[f"{p}/AttnOutputProjection/bias"],
            )
        )
    return [*outputs, h]


@pytest.mark.parametrize("num_heads,initial_state_attention", [(1, False), (2, True)])
def test_attention_decoder_matches_tf_step_by_step(num_heads, initial_state_attention):
    xs = [RNG.standard_normal((B, D)).astype(np.float32) for _ in range(3)]
    h0 = RNG.standard_normal((B, H)).astype(np.float32)
    states = RNG.standard_normal((B, 6, 7)).astype(np.float32)
    with tf.Graph().as_default():
        cell = tf.nn.rnn_cell.BasicRNNCell(H)
        st = tf.placeholder(tf.float32, [None, 6, 7])
        outs, state = S.attention_decoder(
            [tf.constant(x) for x in xs],
            tf.constant(h0),
            st,
            cell,
            output_size=8,
            num_heads=num_heads,
            initial_state_attention=initial_state_attention,
        )
        names = [v.op.name for v in tf.global_variables()]
        xt = st
        grad = tf.gradients(tf.reduce_sum(outs[-1]), [xt])[0]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = sess.run([*outs, state], {st: states})
            g_ours = sess.run(grad, {st: states})
            vals = _values(sess)
    heads = [n for a in range(num_heads) for n in (f"AttnW_{a}", f"AttnV_{a}")]
    attn = [n for a in range(num_heads) for n in (f"Attention_{a}/kernel", f"Attention_{a}/bias")]
    step = ["kernel", "bias", "basic_rnn_cell/kernel", "basic_rnn_cell/bias"]
    order = heads + (attn + step if initial_state_attention else step + attn)
    order += ["AttnOutputProjection/kernel", "AttnOutputProjection/bias"]
    assert names == ["attention_decoder/" + n for n in order]
    assert vals["attention_decoder/kernel"].shape == (D + 7 * num_heads, D)
    assert vals["attention_decoder/AttnW_0"].shape == (1, 1, 7, 7)

    def ref():
        st = T.constant(states)
        out = _attention_ref(vals, xs, h0, st, num_heads, initial_state_attention)
        return [*out, T.gradients(T.reduce_sum(out[-2]), [st])[0]]

    theirs = _run_tf(ref)
    _close(ours, theirs[:-1])
    np.testing.assert_allclose(g_ours, theirs[-1], rtol=1e-3, atol=1e-4)


def test_seq2seq_model_variable_names():
    with tf.Graph().as_default():
        enc = [tf.zeros([B, D]) for _ in range(3)]
        S.basic_rnn_seq2seq(enc, enc[:2], tf.nn.rnn_cell.BasicRNNCell(H))
        S.tied_rnn_seq2seq(enc, enc[:2], tf.nn.rnn_cell.BasicRNNCell(H))
        ids = [tf.zeros([B], tf.int32) for _ in range(2)]
        S.embedding_rnn_seq2seq(ids, ids, tf.nn.rnn_cell.BasicRNNCell(H), 7, 6, 4)
        outs, _ = S.embedding_attention_seq2seq(ids, ids, tf.nn.rnn_cell.GRUCell(H), 7, 6, 4)
        assert outs[0].shape.as_list() == [B, 6]
        names = [v.op.name for v in tf.global_variables()]
    cell = "basic_rnn_cell/"
    ers = "embedding_rnn_seq2seq/"
    eas = "embedding_attention_seq2seq/"
    dec = eas + "embedding_attention_decoder/attention_decoder/"
    assert names == [
        "basic_rnn_seq2seq/rnn/" + cell + "kernel",
        "basic_rnn_seq2seq/rnn/" + cell + "bias",
        "basic_rnn_seq2seq/rnn_decoder/" + cell + "kernel",
        "basic_rnn_seq2seq/rnn_decoder/" + cell + "bias",
        "combined_tied_rnn_seq2seq/tied_rnn_seq2seq/" + cell + "kernel",
        "combined_tied_rnn_seq2seq/tied_rnn_seq2seq/" + cell + "bias",
        ers + "rnn/embedding_wrapper/embedding",
        ers + "rnn/embedding_wrapper/" + cell + "kernel",
        ers + "rnn/embedding_wrapper/" + cell + "bias",
        ers + "embedding_rnn_decoder/embedding",
        ers + "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/" + cell + "kernel",
        ers + "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/" + cell + "bias",
        ers + "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/kernel",
        ers + "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/bias",
        eas + "rnn/embedding_wrapper/embedding",
        eas + "rnn/embedding_wrapper/gru_cell/gates/kernel",
        eas + "rnn/embedding_wrapper/gru_cell/gates/bias",
        eas + "rnn/embedding_wrapper/gru_cell/candidate/kernel",
        eas + "rnn/embedding_wrapper/gru_cell/candidate/bias",
        eas + "embedding_attention_decoder/embedding",
        dec + "AttnW_0",
        dec + "AttnV_0",
        dec + "kernel",
        dec + "bias",
        dec + "output_projection_wrapper/gru_cell/gates/kernel",
        dec + "output_projection_wrapper/gru_cell/gates/bias",
        dec + "output_projection_wrapper/gru_cell/candidate/kernel",
        dec + "output_projection_wrapper/gru_cell/candidate/bias",
        dec + "output_projection_wrapper/kernel",
        dec + "output_projection_wrapper/bias",
        dec + "Attention_0/kernel",
        dec + "Attention_0/bias",
        dec + "AttnOutputProjection/kernel",
        dec + "AttnOutputProjection/bias",
    ]


@pytest.mark.parametrize("feed", ["greedy", "teacher", "tensor"])
def test_embedding_rnn_seq2seq_feed_previous_matches_tf(feed):
    # a bool tensor feed_previous builds both decoders under tf.cond (TF 1.15), sharing variables
    enc_ids = [RNG.integers(0, 7, B).astype(np.int32) for _ in range(3)]
    dec_ids = [RNG.integers(0, 6, B).astype(np.int32) for _ in range(3)]
    with tf.Graph().as_default():
        flag = tf.placeholder(tf.bool, []) if feed == "tensor" else feed == "greedy"
        outs, state = S.embedding_rnn_seq2seq(
            [tf.constant(i) for i in enc_ids],
            [tf.constant(i) for i in dec_ids],
            tf.nn.rnn_cell.BasicRNNCell(H),
            7,
            6,
            4,
            feed_previous=flag,
        )
        n_vars = len(tf.global_variables())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if feed == "tensor":
                runs = [sess.run([*outs, state], {flag: f}) for f in (True, False)]
            else:
                runs = [sess.run([*outs, state])]
            v = _values(sess)
    assert n_vars == 8
    p = "embedding_rnn_seq2seq/"
    d = p + "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/"

    def ref(greedy):
        h = T.zeros([B, H])
        for i in enc_ids:
            x = T.gather(v[p + "rnn/embedding_wrapper/embedding"], i)
            h = _rnn_step(
                x,
                h,
                v[p + "rnn/embedding_wrapper/basic_rnn_cell/kernel"],
                v[p + "rnn/embedding_wrapper/basic_rnn_cell/bias"],
            )
        emb = v[p + "embedding_rnn_decoder/embedding"]
        x, outs = T.gather(emb, dec_ids[0]), []
        for t in range(len(dec_ids)):
            h = _rnn_step(x, h, v[d + "basic_rnn_cell/kernel"], v[d + "basic_rnn_cell/bias"])
            out = _lin([h], v[d + "kernel"], v[d + "bias"])
            outs.append(out)
            nxt = T.argmax(out, 1) if greedy else dec_ids[min(t + 1, len(dec_ids) - 1)]
            x = T.gather(emb, nxt)  # greedy: the previous output's argmax
        return [*outs, h]

    modes = {"greedy": [True], "teacher": [False], "tensor": [True, False]}[feed]
    for ours, greedy in zip(runs, modes):
        _close(ours, _run_tf(lambda g=greedy: ref(g)))


@pytest.mark.parametrize(
    "avg_t,avg_b", [(True, True), (False, True), (True, False), (False, False)]
)
def test_sequence_losses_match_tf(avg_t, avg_b):
    logits = [RNG.standard_normal((B, 6)).astype(np.float32) for _ in range(4)]
    targets = [RNG.integers(0, 6, B).astype(np.int32) for _ in range(4)]
    weights = [RNG.random(B).astype(np.float32) for _ in range(3)] + [np.zeros(B, np.float32)]
    with tf.Graph().as_default():
        lt = [tf.constant(x) for x in logits]
        by_ex = S.sequence_loss_by_example(lt, targets, weights, average_across_timesteps=avg_t)
        loss = S.sequence_loss(lt, targets, weights, avg_t, avg_b, name="seq")
        assert loss.op.name.startswith("seq/")
        grads = tf.gradients(loss, lt)
        ours = tf.Session().run([by_ex, loss, *grads])

    def ref():
        lt = [T.constant(x) for x in logits]
        parts = [
            T.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=x) * w
            for x, t, w in zip(lt, targets, weights)
        ]
        per = T.add_n(parts)
        if avg_t:
            per = per / (T.add_n(weights) + 1e-12)
        total = T.reduce_sum(per)
        if avg_b:
            total = total / B
        return [per, total, *T.gradients(total, lt)]

    _close(ours, _run_tf(ref))


def test_sequence_loss_custom_softmax_loss_function():
    logits = [RNG.standard_normal((B, 6)).astype(np.float32) for _ in range(2)]
    labels = [np.eye(6, dtype=np.float32)[RNG.integers(0, 6, B)] for _ in range(2)]
    w = [np.ones(B, np.float32)] * 2
    with tf.Graph().as_default():
        loss = S.sequence_loss(
            [tf.constant(x) for x in logits],
            [tf.constant(y) for y in labels],
            w,
            softmax_loss_function=tf.nn.softmax_cross_entropy_with_logits_v2,
        )
        ours = tf.Session().run(loss)
    theirs = _run_tf(
        lambda: (
            T.reduce_sum(
                T.add_n(
                    [
                        T.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x)
                        for x, y in zip(logits, labels)
                    ]
                )
                / (2 + 1e-12)
            )
            / B
        )
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)


def test_model_with_buckets_shares_variables():
    with tf.Graph().as_default():
        enc = [tf.zeros([B, D]) for _ in range(4)]
        dec = [tf.zeros([B, D]) for _ in range(3)]
        targets = [tf.zeros([B], tf.int32) for _ in range(3)]
        weights = [tf.ones([B]) for _ in range(3)]
        cell = tf.contrib.rnn.OutputProjectionWrapper(tf.nn.rnn_cell.BasicRNNCell(H), 6)
        outputs, losses = S.model_with_buckets(
            enc,
            dec,
            targets,
            weights,
            [(2, 2), (4, 3)],
            lambda e, d: S.basic_rnn_seq2seq(e, d, cell),
        )
        assert [len(o) for o in outputs] == [2, 3] and len(losses) == 2
        # one set of variables for both buckets: the encoder's copy of the wrapped cell and the
        # decoder's, each a projection over a basic_rnn_cell
        wrap = "output_projection_wrapper/"
        assert [v.op.name for v in tf.global_variables()] == [
            f"basic_rnn_seq2seq/{part}/{name}"
            for part in ("rnn", "rnn_decoder")
            for name in (
                wrap + "basic_rnn_cell/kernel",
                wrap + "basic_rnn_cell/bias",
                wrap + "kernel",
                wrap + "bias",
            )
        ]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            short, full = sess.run(losses)
        assert np.isfinite(short) and np.isfinite(full)


@pytest.mark.bad_input
def test_errors():
    with tf.Graph().as_default():
        x = [tf.zeros([B, 6])] * 2
        with pytest.raises(ValueError, match="Lengths of logits, weights, and targets must be"):
            S.sequence_loss_by_example(x, [tf.zeros([B], tf.int32)], [tf.ones([B])] * 2)
        cell = tf.nn.rnn_cell.BasicRNNCell(H)
        states = tf.zeros([B, 6, 7])
        with pytest.raises(ValueError, match="Must provide at least 1 input to attention decoder"):
            S.attention_decoder([], tf.zeros([B, H]), states, cell)
        with pytest.raises(ValueError, match="With less than 1 heads"):
            S.attention_decoder(x, tf.zeros([B, H]), states, cell, num_heads=0)
        with pytest.raises(ValueError, match=r"Shape\[2\] of attention_states must be known"):
            S.attention_decoder(x, tf.zeros([B, H]), tf.placeholder(tf.float32, [B, 6, None]), cell)
        with pytest.raises(ValueError, match=r"Length of encoder_inputs \(1\) must be at least"):
            S.model_with_buckets(x[:1], x, x, x, [(2, 2)], None)


def test_input_projection_and_output_projection_wrappers():
    # TF 1.15 contrib/rnn/python/ops/core_rnn_cell.py: the wrappers are layers named
    # input_projection_wrapper / output_projection_wrapper; _Linear's kernel (and bias)
    x = RNG.standard_normal((B, D)).astype(np.float32)
    h0 = RNG.standard_normal((B, H)).astype(np.float32)
    with tf.Graph().as_default():
        inner = tf.nn.rnn_cell.BasicRNNCell(H)
        cell = tf.contrib.rnn.OutputProjectionWrapper(
            tf.contrib.rnn.InputProjectionWrapper(inner, 3), 2
        )
        assert (cell.output_size, cell.state_size) == (2, H)
        out, state = cell(tf.constant(x), tf.constant(h0))
        names = [v.op.name for v in tf.global_variables()]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = sess.run([out, state])
            v = _values(sess)
    o, i = "output_projection_wrapper/", "output_projection_wrapper/input_projection_wrapper/"
    assert names == [
        i + "kernel",
        i + "basic_rnn_cell/kernel",
        i + "basic_rnn_cell/bias",
        o + "kernel",
        o + "bias",
    ]

    def ref():
        proj = T.matmul(x, v[i + "kernel"])
        h = _rnn_step(
            proj, T.constant(h0), v[i + "basic_rnn_cell/kernel"], v[i + "basic_rnn_cell/bias"]
        )
        return [_lin([h], v[o + "kernel"], v[o + "bias"]), h]

    _close(ours, _run_tf(ref))


def test_embedding_tied_rnn_seq2seq_names_and_greedy_values():
    enc_ids = [RNG.integers(0, 7, B).astype(np.int32) for _ in range(2)]
    dec_ids = [RNG.integers(0, 7, B).astype(np.int32) for _ in range(3)]
    with tf.Graph().as_default():
        outs, state = S.embedding_tied_rnn_seq2seq(
            [tf.constant(i) for i in enc_ids],
            [tf.constant(i) for i in dec_ids],
            tf.nn.rnn_cell.BasicRNNCell(H),
            7,
            4,
            feed_previous=True,
        )
        names = [v.op.name for v in tf.global_variables()]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = sess.run([*outs, state])
            v = _values(sess)
    p = "embedding_tied_rnn_seq2seq/"
    c = p + "combined_tied_rnn_seq2seq/tied_rnn_seq2seq/output_projection_wrapper/"
    assert names == [
        p + "embedding",
        c + "basic_rnn_cell/kernel",
        c + "basic_rnn_cell/bias",
        c + "kernel",
        c + "bias",
    ]

    def ref():
        emb, h = v[p + "embedding"], T.zeros([B, H])
        step = (v[c + "basic_rnn_cell/kernel"], v[c + "basic_rnn_cell/bias"])
        for i in enc_ids:
            h = _rnn_step(T.gather(emb, i), h, *step)
        x, outs = T.gather(emb, dec_ids[0]), []
        for _ in dec_ids:
            h = _rnn_step(x, h, *step)
            outs.append(_lin([h], v[c + "kernel"], v[c + "bias"]))
            x = T.gather(emb, T.argmax(outs[-1], 1))
        return [*outs, h]

    _close(ours, _run_tf(ref))


def test_block_cells_match_tf_kernels():
    # TF 1.15 contrib/rnn lstm_ops.LSTMBlockCell ('lstm_cell/kernel', 'lstm_cell/bias';
    # cell_clip None -> -1) and gru_ops.GRUBlockCell ('gru_cell/w_ru', 'b_ru', 'w_c', 'b_c'),
    # checked against TF 2.21's own LSTMBlockCell and GRUBlockCell kernels (tf.raw_ops)
    x = RNG.standard_normal((B, D)).astype(np.float32)
    c0 = RNG.standard_normal((B, H)).astype(np.float32)
    h0 = RNG.standard_normal((B, H)).astype(np.float32)
    with tf.Graph().as_default():
        lstm = tf.contrib.rnn.LSTMBlockCell(H, forget_bias=0.5)
        gru = tf.contrib.rnn.GRUBlockCell(H)
        lo, ls = lstm(
            tf.constant(x), tf.nn.rnn_cell.LSTMStateTuple(tf.constant(c0), tf.constant(h0))
        )
        go, _ = gru(tf.constant(x), tf.constant(h0))
        names = [v.op.name for v in tf.global_variables()]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = sess.run([lo, ls.c, go])
            v = _values(sess)
    assert names == [
        "lstm_cell/kernel",
        "lstm_cell/bias",
        "gru_cell/w_ru",
        "gru_cell/b_ru",
        "gru_cell/w_c",
        "gru_cell/b_c",
    ]
    np.testing.assert_array_equal(v["gru_cell/b_ru"], np.ones(2 * H, np.float32))

    def ref():
        z = np.zeros(H, np.float32)
        lstm_out = real_tf.raw_ops.LSTMBlockCell(
            x=x,
            cs_prev=c0,
            h_prev=h0,
            w=v["lstm_cell/kernel"],
            wci=z,
            wcf=z,
            wco=z,
            b=v["lstm_cell/bias"],
            forget_bias=0.5,
            cell_clip=-1.0,
            use_peephole=False,
        )
        gru_out = real_tf.raw_ops.GRUBlockCell(
            x=x,
            h_prev=h0,
            w_ru=v["gru_cell/w_ru"],
            w_c=v["gru_cell/w_c"],
            b_ru=v["gru_cell/b_ru"],
            b_c=v["gru_cell/b_c"],
        )
        return [lstm_out.h, lstm_out.cs, gru_out.h]

    _close(ours, _run_tf(ref))


def test_layer_norm_basic_lstm_cell_matches_tf_ops():
    # TF 1.15 contrib/rnn/python/ops/rnn_cell.py LayerNormBasicLSTMCell: kernel (no bias), and
    # gamma/beta under input, transform, forget, output, state; layer_norm epsilon 1e-12
    x = RNG.standard_normal((B, D)).astype(np.float32)
    c0 = RNG.standard_normal((B, H)).astype(np.float32)
    h0 = RNG.standard_normal((B, H)).astype(np.float32)
    with tf.Graph().as_default():
        cell = tf.contrib.rnn.LayerNormBasicLSTMCell(H, norm_gain=1.5, norm_shift=0.1)
        out, st = cell(
            tf.constant(x), tf.nn.rnn_cell.LSTMStateTuple(tf.constant(c0), tf.constant(h0))
        )
        names = [v.op.name for v in tf.global_variables()]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = sess.run([out, st.c])
            v = _values(sess)
    p = "layer_norm_basic_lstm_cell/"
    parts = ["input", "transform", "forget", "output", "state"]
    assert names == [p + "kernel"] + [p + f"{s}/{n}" for s in parts for n in ("gamma", "beta")]

    def ref():
        def norm(t, s):
            m, var = T.nn.moments(t, [1], keep_dims=True)
            return T.nn.batch_normalization(
                t, m, var, v[p + s + "/beta"], v[p + s + "/gamma"], 1e-12
            )

        z = T.matmul(T.concat([x, h0], 1), v[p + "kernel"])
        i, j, f, o = T.split(z, 4, 1)
        i, j, f, o = (norm(t, s) for t, s in zip((i, j, f, o), parts))
        c = norm(c0 * T.sigmoid(f + 1.0) + T.sigmoid(i) * T.tanh(j), "state")
        return [T.tanh(c) * T.sigmoid(o), c]

    _close(ours, _run_tf(ref))


@pytest.mark.parametrize("dynamic", [True, False])
def test_stack_bidirectional_rnn_matches_tf(dynamic):
    # TF 1.15 contrib/rnn/python/ops/rnn.py: layer i in stack_bidirectional_rnn/cell_<i>, its
    # cells under bidirectional_rnn/fw and /bw; rebuilt in TF 2.21 from tf.nn's bidirectional
    # RNNs and TF's own GRUCell with the same weights
    x = RNG.standard_normal((B, 4, D)).astype(np.float32)
    lengths = np.array([4, 2, 3], np.int32)
    with tf.Graph().as_default():
        cells = [[tf.nn.rnn_cell.GRUCell(H) for _ in range(2)] for _ in range(2)]
        if dynamic:
            out, sf, sb = tf.contrib.rnn.stack_bidirectional_dynamic_rnn(
                cells[0], cells[1], tf.constant(x), sequence_length=lengths, dtype=tf.float32
            )
        else:
            out, sf, sb = tf.contrib.rnn.stack_bidirectional_rnn(
                cells[0],
                cells[1],
                tf.unstack(tf.constant(x), axis=1),
                sequence_length=lengths,
                dtype=tf.float32,
            )
            out = tf.stack(out, 1)
        names = sorted(v.op.name for v in tf.global_variables())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = sess.run([out, *sf, *sb])
            v = _values(sess)
    assert names[0] == "stack_bidirectional_rnn/cell_0/bidirectional_rnn/bw/gru_cell/candidate/bias"
    with real_tf.Graph().as_default(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prev, sf, sb = T.constant(x), [], []
        with T.variable_scope("stack_bidirectional_rnn"):
            for i in range(2):
                with T.variable_scope(f"cell_{i}"):
                    fw, bw = rnn_cell_impl.GRUCell(H), rnn_cell_impl.GRUCell(H)
                    if dynamic:
                        outs, (f, b) = T.nn.bidirectional_dynamic_rnn(
                            fw, bw, prev, sequence_length=lengths, dtype=T.float32
                        )
                        prev = T.concat(outs, 2)
                    else:
                        outs, f, b = T.nn.static_bidirectional_rnn(
                            fw,
                            bw,
                            T.unstack(prev, axis=1),
                            sequence_length=lengths,
                            dtype=T.float32,
                        )
                        prev = T.stack(outs, 1)
                sf.append(f)
                sb.append(b)
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            assert sorted(w.op.name for w in T.global_variables()) == names
            for w in T.global_variables():
                w.load(v[w.op.name], sess)
            theirs = sess.run([prev, *sf, *sb])
    _close(ours, theirs)
