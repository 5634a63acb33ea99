"""``tf.import_graph_def`` of TF 1.x control flow side by side with TF 2.21 ``compat.v1``
(``disable_control_flow_v2``): conds (Switch/Merge) and while loops (Enter/Merge/Switch/
NextIteration/Exit/LoopCond), nested either way, import as our If/While and give TF's values, as
do a frozen ``dynamic_rnn`` LSTM with ``sequence_length`` and ``tf.map_fn`` (TF's TensorArrayV3
ops); the Merge and Exit names are fetchable; malformed loop frames are errors naming the node."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
RNG = np.random.default_rng(31)
XV = RNG.standard_normal(3).astype(np.float32)
YV = RNG.standard_normal(3).astype(np.float32)


def _tf_v1(build, feeds_list):
    """``build()`` in a TF graph with v1 control flow: its GraphDef, fetch names, values."""
    g = real_tf.Graph()
    T.disable_control_flow_v2()
    try:
        with g.as_default():
            outs = build()
            with T.Session() as s:
                refs = [s.run(outs, f) for f in feeds_list]
    finally:
        T.enable_control_flow_v2()
    return g.as_graph_def(), [o.name for o in outs], refs


def _ours(gd, names, feeds_list, name=""):
    with tf.Graph().as_default():
        outs = tf.import_graph_def(gd, return_elements=names, name=name)
        assert {o.op.type for o in outs} == {"Identity"}  # the aliases of If/While outputs
        assert {o.op.inputs[0].op.type for o in outs} <= {"If", "While"}
        with tf.Session() as s:
            return [s.run(outs, f) for f in feeds_list]


def _close(refs, gots, tol=1e-5):
    for ref, got in zip(refs, gots):
        assert len(ref) == len(got)
        for a, b in zip(ref, got):
            a, b = np.asarray(a), np.asarray(b)
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_allclose(b, a, atol=tol, rtol=tol)


def _ops(gd):
    return {n.op for n in gd.node}


def _cond_several_outputs():
    x = T.placeholder(T.float32, [3], name="x")
    y = T.placeholder(T.float32, [3], name="y")
    a, b, c = T.cond(
        T.reduce_sum(x) > 0,
        lambda: (x * 2.0 + y, x, T.constant(1)),
        lambda: (x - 1.0, y * 3.0, T.constant(-1)),
    )
    return [a, b, c]


def test_cond_with_several_outputs_and_a_capture():
    feeds = [{"x:0": XV, "y:0": YV}, {"x:0": -np.abs(XV), "y:0": YV}]
    gd, names, refs = _tf_v1(_cond_several_outputs, feeds)
    assert {"Switch", "Merge"} <= _ops(gd) and "If" not in _ops(gd)
    assert all(n.startswith("cond/Merge") for n in names)  # fetched by the Merge names
    got = _ours(gd, names, [{"x:0": f["x:0"], "y:0": f["y:0"]} for f in feeds])
    _close(refs, got)
    with tf.Graph().as_default() as g:  # under a prefix, by get_tensor_by_name
        tf.import_graph_def(gd, name="imp")
        merge = g.get_tensor_by_name("imp/cond/Merge_1:0")
        with tf.Session() as s:
            np.testing.assert_allclose(s.run(merge, {"imp/x:0": XV, "imp/y:0": YV}), refs[0][1])


def _while_counter():
    x = T.placeholder(T.float32, [3], name="x")
    i, acc = T.while_loop(
        lambda i, a: i < 10, lambda i, a: (i + 1, a * 0.5 + x), (0, x), maximum_iterations=4
    )
    return [i, acc]


def test_while_counter_and_accumulator_with_maximum_iterations():
    feeds = [{"x:0": XV}, {"x:0": XV * 3}]
    gd, names, refs = _tf_v1(_while_counter, feeds)
    assert {"Enter", "Exit", "NextIteration", "LoopCond"} <= _ops(gd)
    assert all("Exit" in n for n in names)
    assert refs[0][0] == 4  # maximum_iterations stopped it
    _close(refs, _ours(gd, names, feeds))
    with tf.Graph().as_default(), pytest.raises(ValueError, match=r"inside TF 1\.x control flow"):
        tf.import_graph_def(gd, return_elements=["while/add_2:0"])  # a node of the body


def _nested():
    x = T.placeholder(T.float32, [3], name="x")
    n = T.placeholder(T.int32, [], name="n")
    _, a = T.while_loop(
        lambda i, a: i < n,
        lambda i, a: (
            i + 1,
            T.cond(T.equal(i % 2, 0), lambda: a + x, lambda: a * 0.5 - T.cast(i, T.float32)),
        ),
        (0, x),
    )
    b = T.cond(
        T.reduce_sum(x) > 0.0,
        lambda: T.while_loop(lambda j, b: j < n, lambda j, b: (j + 1, T.tanh(b) + x), (0, x))[1],
        lambda: x * 2.0,
    )
    _, c = T.while_loop(  # a loop in a loop
        lambda i, c: i < 3,
        lambda i, c: (
            i + 1,
            T.while_loop(lambda j, d: j < i + 1, lambda j, d: (j + 1, d * 1.1 + x), (0, c))[1],
        ),
        (0, x),
    )
    return [a, b, c]


def test_cond_in_while_while_in_cond_and_while_in_while():
    feeds = [{"x:0": XV, "n:0": 5}, {"x:0": -np.abs(XV), "n:0": 2}, {"x:0": XV, "n:0": 0}]
    gd, names, refs = _tf_v1(_nested, feeds)
    frames = {n.attr["frame_name"].s for n in gd.node if n.op == "Enter"}
    assert len(frames) == 4
    ours = [{"nest/" + k: v for k, v in f.items()} for f in feeds]
    _close(refs, _ours(gd, names, ours, name="nest"))


def _lstm():
    x = T.placeholder(T.float32, [None, 6, 3], name="x")
    lengths = T.placeholder(T.int32, [None], name="lengths")
    cell = T.nn.rnn_cell.BasicLSTMCell(4)
    with T.variable_scope("lstm", initializer=T.random_uniform_initializer(-0.5, 0.5, seed=3)):
        out, state = T.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=T.float32)
    return [out, state.c, state.h]


def test_frozen_dynamic_rnn_lstm_with_sequence_length():
    xv = RNG.standard_normal((3, 6, 3)).astype(np.float32)
    feeds = [{"x:0": xv, "lengths:0": np.array([6, 2, 4], np.int32)}]
    feeds.append({"x:0": xv[:1], "lengths:0": np.array([3], np.int32)})
    g = real_tf.Graph()
    T.disable_control_flow_v2()
    try:
        with g.as_default():
            outs = _lstm()
            names = [o.name for o in outs]
            with T.Session() as s:
                s.run(T.global_variables_initializer())
                refs = [s.run(names, f) for f in feeds]
                frozen = T.graph_util.convert_variables_to_constants(
                    s, g.as_graph_def(), [n.split(":")[0] for n in names]
                )
    finally:
        T.enable_control_flow_v2()
    ops = _ops(frozen)
    assert {"TensorArrayV3", "TensorArrayWriteV3", "LoopCond", "Select"} <= ops
    assert "VariableV2" not in ops and "VarHandleOp" not in ops
    assert "Exit" in names[1] and "Exit" in names[2]  # the final state: Exit names
    ours = [{"rnn_import/" + k: v for k, v in f.items()} for f in feeds]
    got = _ours(frozen, names[1:], ours, name="rnn_import")
    _close([r[1:] for r in refs], got)
    with tf.Graph().as_default() as ours:  # the outputs (a Transpose after the loop) too
        tf.import_graph_def(frozen, name="")
        out = ours.get_tensor_by_name(names[0])
        with tf.Session() as s:
            _close([[refs[0][0]]], [[s.run(out, feeds[0])]])


def _map_fn():
    x = T.placeholder(T.float32, [None, 3], name="x")
    y = T.map_fn(lambda r: T.reduce_sum(r * r) + r, x)
    z = T.map_fn(
        lambda r: (r[0] * 2.0, T.cast(r[1] > 0, T.int32)), (x, x), dtype=(T.float32, T.int32)
    )
    # (the reductions TF writes as All/Any, as dynamic_rnn's length check does)
    w = T.map_fn(lambda r: T.reduce_any(r > 1.0, keepdims=True), x, dtype=T.bool)
    return [y, z[0], z[1], w, T.reduce_all(x > -1.0, axis=0)]


def test_map_fn():
    xv = RNG.standard_normal((4, 3)).astype(np.float32)
    feeds = [{"x:0": xv}, {"x:0": xv[:1]}]
    gd, names, refs = _tf_v1(_map_fn, feeds)
    assert {"TensorArrayScatterV3", "All", "Any"} <= _ops(gd)
    with tf.Graph().as_default():
        outs = tf.import_graph_def(gd, return_elements=names, name="")
        with tf.Session() as s:
            got = [s.run(outs, f) for f in feeds]
    _close(refs, got)


def _loop_gd():
    gd, _, _ = _tf_v1(_while_counter, [])
    return gd


def _drop(gd, name):
    out = type(gd)()
    out.CopyFrom(gd)
    del out.node[:]
    out.node.extend(n for n in gd.node if n.name != name)
    return out


@pytest.mark.bad_input
def test_loop_frame_without_next_iteration_is_an_error_naming_the_node():
    gd = _drop(_loop_gd(), "while/NextIteration_1")
    with tf.Graph().as_default(), pytest.raises(ValueError, match="while/Merge_1"):
        tf.import_graph_def(gd)
    gd = _loop_gd()  # the Merge reads only its Enter: TF's loop is broken
    for n in gd.node:
        if n.name == "while/Merge_1":
            del n.input[1:]
    gd = _drop(gd, "while/NextIteration_1")
    with tf.Graph().as_default(), pytest.raises(ValueError, match="while/Merge_1"):
        tf.import_graph_def(gd)


@pytest.mark.bad_input
def test_merge_of_switches_on_two_predicates_is_an_error_naming_it():
    gd, _, _ = _tf_v1(_cond_several_outputs, [])
    for n in gd.node:  # one data Switch of the cond on another predicate
        if n.name == "cond/mul/Switch":
            n.input[1] = "x"
    with tf.Graph().as_default(), pytest.raises(ValueError, match="cond/Merge"):
        tf.import_graph_def(gd)


@pytest.mark.bad_input
def test_loop_without_loop_cond_and_cycles_are_errors():
    gd = _loop_gd()
    for n in gd.node:
        if n.op == "Switch":
            n.input[1] = "while/LogicalAnd"
    gd = _drop(gd, "while/LoopCond")
    with tf.Graph().as_default(), pytest.raises(ValueError, match="while/"):
        tf.import_graph_def(gd)
    gd = _loop_gd()  # a cycle that no NextIteration closes
    for n in gd.node:
        if n.name == "while/add_2":
            n.input[1] = "while/NextIteration_2"
    with tf.Graph().as_default(), pytest.raises(ValueError, match="cycle"):
        tf.import_graph_def(gd)
