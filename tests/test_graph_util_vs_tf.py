"""``tf.graph_util`` side by side with TF 2.21 ``compat.v1``: freezing the same graph in both
(ref and resource variables, allow and deny lists) gives the same nodes and values, and each
side's frozen graph runs on the other; ``extract_sub_graph``, ``remove_training_nodes``,
``must_run_on_cpu`` and ``tensor_shape_from_node_def_name`` give TF's answers, and TF's errors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
RNG = np.random.default_rng(21)
W = RNG.standard_normal((3, 2)).astype(np.float32)
V = RNG.standard_normal((2,)).astype(np.float32)
X = RNG.standard_normal((4, 3)).astype(np.float32)


def _to_tf(gd):
    return T.GraphDef.FromString(gd.SerializeToString())


def _build(m, use_resource):
    x = m.placeholder(m.float32, [None, 3], name="x")
    w = m.get_variable("w", initializer=W, use_resource=use_resource)
    v = m.get_variable("v", initializer=V, use_resource=use_resource)
    u = m.get_variable("unused", initializer=np.float32(3.0), use_resource=use_resource)
    h = m.check_numerics(m.matmul(x, w) + v, "bad", name="check")
    y = m.identity(m.nn.relu(h), name="y")
    m.identity(u * 2.0, name="other")
    return y


def _freeze(m, sess_cls, use_resource, **kw):
    g = m.Graph()
    with g.as_default():
        _build(m, use_resource)
        with sess_cls() as s:
            s.run(m.global_variables_initializer())
            ref = s.run("y:0", {"x:0": X})
            gd = g.as_graph_def()
            frozen = m.graph_util.convert_variables_to_constants(s, gd, ["y"], **kw)
    return frozen, ref


def _nodes(gd):
    return {n.name: (n.op, [i for i in n.input]) for n in gd.node}


def _run(m, sess_cls, gd, feeds):
    with m.Graph().as_default():
        (y,) = m.import_graph_def(gd, return_elements=["y:0"], name="")
        with sess_cls() as s:
            return s.run(y, feeds)


@pytest.mark.parametrize(
    "kw",
    [{}, {"variable_names_blacklist": ["v"]}, {"variable_names_whitelist": ["w"]}],
    ids=["all", "deny-v", "allow-w"],
)
def test_convert_variables_to_constants_as_tf(kw):
    """Ref variables here, as this library builds them; the same graph frozen in TF."""
    ours, ref_ours = _freeze(tf, tf.Session, False, **kw)
    theirs, ref = _freeze(T, T.Session, False, **kw)
    np.testing.assert_allclose(ref_ours, ref, rtol=1e-6)
    want = _nodes(theirs)
    got = _nodes(ours)
    assert list(got) == list(want)
    assert {k: v[0] for k, v in got.items()} == {k: v[0] for k, v in want.items()}
    for n, m in zip(ours.node, theirs.node):
        if n.op == "Const" and m.op == "Const":
            np.testing.assert_array_equal(
                tf.make_ndarray(n.attr["value"].tensor),
                real_tf.make_ndarray(m.attr["value"].tensor),
            )
    if not kw:  # fully frozen: each side's graph runs on the other
        np.testing.assert_allclose(_run(T, T.Session, _to_tf(ours), {"x:0": X}), ref, rtol=1e-6)
        np.testing.assert_allclose(_run(tf, tf.Session, theirs, {"x:0": X}), ref, rtol=1e-6)


def test_tf_frozen_resource_variables_run_here():
    """TF's resource variables frozen by TF (ReadVariableOp -> Identity) import and run here;
    a TF graph with resource variables imported here freezes to what TF writes."""
    theirs, ref = _freeze(T, T.Session, True)
    np.testing.assert_allclose(_run(tf, tf.Session, theirs, {"x:0": X}), ref, rtol=1e-6)
    g = real_tf.Graph()
    with g.as_default():
        _build(T, True)
        init = T.global_variables_initializer()
    with tf.Graph().as_default() as ours:
        tf.import_graph_def(g.as_graph_def(), name="")
        with tf.Session() as s:
            s.run(ours.get_operation_by_name(init.name))
            frozen = tf.graph_util.convert_variables_to_constants(s, ours.as_graph_def(), ["y"])
    assert {n.op for n in frozen.node} == {n.op for n in theirs.node}
    np.testing.assert_allclose(_run(tf, tf.Session, frozen, {"x:0": X}), ref, rtol=1e-6)


def _tf_graph_def():
    g = real_tf.Graph()
    with g.as_default():
        _build(T, False)
        T.identity(T.identity(T.constant(1, name="c"), name="i1"), name="i2")
        with T.control_dependencies([g.get_operation_by_name("i1")]):
            T.no_op(name="after")
    return g, g.as_graph_def()


@pytest.mark.parametrize("dest", [["y"], ["other", "after"], ["i2"], ["x"]])
def test_extract_sub_graph_as_tf(dest):
    _, gd = _tf_graph_def()
    want = T.graph_util.extract_sub_graph(gd, dest)
    got = tf.graph_util.extract_sub_graph(gd, dest)
    assert _nodes(got) == _nodes(want)
    assert type(got) is type(want) and got == want


@pytest.mark.parametrize("protected", [None, ["i1"], ["w/read"]])
def test_remove_training_nodes_as_tf(protected):
    _, gd = _tf_graph_def()
    want = T.graph_util.remove_training_nodes(gd, protected)
    got = tf.graph_util.remove_training_nodes(gd, protected)
    assert type(got) is type(want) and got == want


def test_must_run_on_cpu_as_tf():
    g, gd = _tf_graph_def()
    with real_tf.Graph().as_default() as g2:
        T.constant("s", name="str")
        T.cast(T.constant(1), T.float32, name="cast")
        T.dynamic_stitch([[0]], [[1]], name="stitch")
        extra = g2.as_graph_def().node
    for node in [*gd.node, *extra]:
        for pin in (False, True):
            want = T.graph_util.must_run_on_cpu(node, pin)
            assert tf.graph_util.must_run_on_cpu(node, pin) == want, node.name
    with tf.Graph().as_default():
        c = tf.constant(1, name="c")
        f = tf.constant(1.0, name="f")
    assert tf.graph_util.must_run_on_cpu(c.op) is True
    assert tf.graph_util.must_run_on_cpu(f.op) is False
    assert T.graph_util.must_run_on_cpu(g.get_operation_by_name("c")) is True


def test_tensor_shape_from_node_def_name_as_tf():
    g, _ = _tf_graph_def()
    with tf.Graph().as_default() as ours:
        _build(tf, False)
    for name in ("x", "x:0", "w", "y", "add:0"):
        want = T.graph_util.tensor_shape_from_node_def_name(g, name)
        got = tf.graph_util.tensor_shape_from_node_def_name(ours, name)
        assert got.as_list() == want.as_list()


@pytest.mark.bad_input
def test_bad_arguments_as_tf():
    _, gd = _tf_graph_def()
    for call in (
        lambda m: m.graph_util.extract_sub_graph(3, ["y"]),
        lambda m: m.graph_util.extract_sub_graph(gd, "y"),
        lambda m: m.graph_util.extract_sub_graph(gd, ["nope"]),
    ):
        with pytest.raises(Exception) as ref:
            call(T)
        with pytest.raises(Exception) as got:
            call(tf)
        assert type(got.value) is type(ref.value)
        want = str(ref.value).replace("tensorflow.core.framework", "")
        assert str(got.value).split("got type")[0] == want.split("got type")[0]
    g, _ = _tf_graph_def()
    with tf.Graph().as_default() as ours:
        _build(tf, False)
    with pytest.raises(KeyError) as ref:
        T.graph_util.tensor_shape_from_node_def_name(g, "nope")
    with pytest.raises(KeyError) as got:
        tf.graph_util.tensor_shape_from_node_def_name(ours, "nope")
    assert str(got.value) == str(ref.value)
