"""``tf.nn.raw_rnn`` side by side with TF 2.21 ``compat.v1``: an LSTM (and a GRU) cell driven by a
``loop_fn`` that reads a TensorArray of inputs and stops each example at its length; emitted
outputs, final state, final loop state and gradients (variables and inputs) equal TF's with the
same weights; static and unknown batch sizes, an explicit emit structure (nested), a loop state,
a scope, variable names; TF's errors for a non-callable ``loop_fn`` and a non-cell."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # TF's notices for its cells
STEPS, BATCH, DEPTH, UNITS = 6, 3, 4, 5


def _model(lib, cell_kind, lengths_np, static_batch, emit_kind, use_loop_state, scope):
    x = lib.placeholder(lib.float32, [STEPS, BATCH if static_batch else None, DEPTH])
    lengths = lib.placeholder(lib.int32, [None])
    inputs_ta = lib.TensorArray(lib.float32, size=STEPS).unstack(x)
    if cell_kind == "lstm":
        cell = lib.nn.rnn_cell.LSTMCell(UNITS)
    else:
        cell = lib.nn.rnn_cell.GRUCell(UNITS)

    def loop_fn(time, cell_output, cell_state, loop_state):
        batch = lib.shape(x)[1]  # (here: a shape read in the loop body, not a captured value)
        if cell_output is None:  # time 0
            next_state = cell.zero_state(batch, lib.float32)
            structure = (lib.zeros([UNITS]), {"s": lib.zeros([1])})
            emit = structure if emit_kind == "structure" else None
            next_loop_state = lib.constant(0.0) if use_loop_state else None
        else:
            next_state = cell_state
            if emit_kind == "structure":
                emit = (cell_output * 2.0, {"s": lib.reduce_sum(cell_output, 1, keepdims=True)})
            else:
                emit = cell_output
            next_loop_state = loop_state + lib.reduce_sum(cell_output) if use_loop_state else None
        finished = time >= lengths
        next_input = lib.cond(
            lib.reduce_all(finished),
            lambda: lib.zeros([batch, DEPTH], lib.float32),
            lambda: inputs_ta.read(lib.minimum(time, STEPS - 1)),
        )
        return finished, next_input, next_state, emit, next_loop_state

    kw = {"scope": scope} if scope else {}
    emit_ta, final_state, final_loop_state = lib.nn.raw_rnn(cell, loop_fn, **kw)
    flat_ta = lib.nest.flatten(emit_ta)
    outs = [ta.stack() for ta in flat_ta]
    flat_state = lib.nest.flatten(final_state)
    loss = sum(lib.reduce_sum(o * o) for o in outs) + sum(
        lib.reduce_sum(s * (i + 1.0)) for i, s in enumerate(flat_state)
    )
    if final_loop_state is not None:
        loss = loss + final_loop_state * 0.1
    variables = lib.trainable_variables()
    grads = lib.gradients(loss, [*variables, x])
    fetch = {"outs": outs, "state": flat_state, "grads": grads}
    if final_loop_state is not None:
        fetch["loop_state"] = final_loop_state
    return x, lengths, variables, fetch, final_loop_state


def _run(lib, feeds_np, weights=None, **kw):
    graph, session = (real_tf.Graph, T.Session) if lib is T else (tf.Graph, tf.Session)
    with graph().as_default():
        if lib is T:
            T.set_random_seed(3)
        x, lengths, variables, fetch, final_loop_state = _model(lib, **kw)
        with session() as sess:
            sess.run(lib.global_variables_initializer())
            if weights is not None:
                for v, w in zip(variables, weights):
                    v.load(w, sess)
            got = sess.run(fetch, {x: feeds_np[0], lengths: feeds_np[1]})
            return got, sess.run(variables), [v.op.name for v in variables], final_loop_state


CASES = [
    # cell, lengths, static batch, emit, loop state, scope
    ("lstm", [6, 2, 4], True, None, False, None),
    ("lstm", [3, 1, 5], False, None, True, "decoder"),
    ("lstm", [6, 6, 6], False, "structure", False, None),
    ("gru", [2, 5, 0], True, "structure", True, None),
    ("gru", [1, 1, 1], False, None, False, None),
]


@pytest.mark.parametrize("cell_kind, lengths, static_batch, emit_kind, loop_state, scope", CASES)
def test_raw_rnn_matches_tf(cell_kind, lengths, static_batch, emit_kind, loop_state, scope):
    rng = np.random.default_rng(len(lengths) + sum(lengths))
    feeds = (rng.standard_normal((STEPS, BATCH, DEPTH)).astype(np.float32), np.int32(lengths))
    kw = dict(
        cell_kind=cell_kind,
        lengths_np=lengths,
        static_batch=static_batch,
        emit_kind=emit_kind,
        use_loop_state=loop_state,
        scope=scope,
    )
    theirs, weights, names_tf, ls_tf = _run(T, feeds, **kw)
    ours, _, names, ls = _run(tf, feeds, weights, **kw)
    assert names == names_tf
    assert (ls is None) == (ls_tf is None)
    assert len(ours["outs"]) == len(theirs["outs"])
    for a, b in zip(ours["outs"], theirs["outs"]):
        assert a.shape == b.shape == (max(lengths), BATCH, a.shape[2])
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for a, b in zip(ours["state"], theirs["state"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for a, b in zip(ours["grads"], theirs["grads"]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    if "loop_state" in theirs:
        # (a float32 sum over the steps, of weights TF drew unseeded: whichever tests ran before
        # decide them, and a sum that cancels to near 0 needs the outputs' atol too)
        np.testing.assert_allclose(ours["loop_state"], theirs["loop_state"], rtol=1e-5, atol=1e-6)


def test_emit_ta_static_shapes_match_tf():
    shapes = []
    for lib, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            cell = lib.nn.rnn_cell.LSTMCell(UNITS)

            def loop_fn(time, out, state, ls, lib=lib, cell=cell):
                state = cell.zero_state(BATCH, lib.float32) if out is None else state
                return time >= 2, lib.ones([BATCH, DEPTH]), state, out, None

            ta, state, ls = lib.nn.raw_rnn(cell, loop_fn)
            shapes.append((ta.element_shape.as_list(), ta.dtype, state.h.shape.as_list(), ls))
    assert shapes[0] == shapes[1]


def _error(lib, cell_fn, loop_fn):
    with (real_tf.Graph() if lib is T else tf.Graph()).as_default():
        try:
            lib.nn.raw_rnn(cell_fn(lib), loop_fn)
        except (TypeError, ValueError) as e:
            return e
    raise AssertionError("no error")


@pytest.mark.bad_input
def test_non_callable_loop_fn_raises_type_error():
    theirs, ours = (_error(lib, lambda m: m.nn.rnn_cell.LSTMCell(3), 3) for lib in (T, tf))
    assert type(theirs) is type(ours) is TypeError
    assert str(ours) == str(theirs) == "Argument `loop_fn` must be a callable. Received: 3."


@pytest.mark.bad_input
def test_non_cell_raises_type_error():
    theirs, ours = (_error(lib, lambda m: object(), lambda *a: None) for lib in (T, tf))
    assert type(theirs) is type(ours) is TypeError
    assert "is not an RNNCell" in str(theirs) and "is not an RNNCell" in str(ours)
    assert "'output_size' property is missing" in str(ours)


def _docs_example(lib):
    """TF's docstring example of raw_rnn (static batch size, inputs read from a TensorArray)."""
    max_time, batch_size, input_depth, num_units = 4, 2, 3, 5
    inputs = lib.placeholder(shape=(max_time, batch_size, input_depth), dtype=lib.float32)
    sequence_length = lib.placeholder(shape=(batch_size,), dtype=lib.int32)
    inputs_ta = lib.TensorArray(dtype=lib.float32, size=max_time).unstack(inputs)
    cell = lib.nn.rnn_cell.LSTMCell(num_units)

    def loop_fn(time, cell_output, cell_state, loop_state):
        emit_output = cell_output  # == None for time == 0
        if cell_output is None:  # time == 0
            next_cell_state = cell.zero_state(batch_size, lib.float32)
        else:
            next_cell_state = cell_state
        elements_finished = time >= sequence_length
        finished = lib.reduce_all(elements_finished)
        next_input = lib.cond(
            finished,
            lambda: lib.zeros([batch_size, input_depth], dtype=lib.float32),
            lambda: inputs_ta.read(time),
        )
        return elements_finished, next_input, next_cell_state, emit_output, None

    outputs_ta, final_state, _ = lib.nn.raw_rnn(cell, loop_fn)
    return inputs, sequence_length, outputs_ta.stack(), final_state


def test_docs_example_matches_tf():
    x = np.random.default_rng(9).standard_normal((4, 2, 3)).astype(np.float32)
    results = []
    weights = None
    for lib, graph, session in ((T, real_tf.Graph, T.Session), (tf, tf.Graph, tf.Session)):
        with graph().as_default():
            inputs, lengths, out, state = _docs_example(lib)
            with session() as sess:
                sess.run(lib.global_variables_initializer())
                variables = lib.trainable_variables()
                if weights is None:
                    weights = sess.run(variables)
                for v, w in zip(variables, weights):
                    v.load(w, sess)
                results.append(sess.run([out, state], {inputs: x, lengths: [3, 4]}))
    (out_tf, state_tf), (out, state) = results
    np.testing.assert_allclose(out, out_tf, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(state.c, state_tf.c, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(state.h, state_tf.h, rtol=1e-5, atol=1e-6)
