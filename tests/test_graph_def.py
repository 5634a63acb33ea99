"""``Graph.as_graph_def()``: TensorFlow's GraphDef of the tutorial's network, and TensorFlow 2.21
importing it and computing the same values."""

import numpy as np

import tflite_core as tf


def _tutorial_forward(seed=3):
    rng = np.random.default_rng(seed)
    w0 = rng.uniform(-1, 1, (3, 3)).astype(np.float32)
    w1 = rng.uniform(-1, 1, (3, 2)).astype(np.float32)
    x = tf.placeholder("float", [1, 3], name="x")
    with tf.name_scope("relu"):
        w = tf.Variable(w0, name="w")
        b = tf.Variable(tf.zeros([3]), name="b")
        relu = tf.nn.relu(tf.matmul(x, w) + b)
    with tf.name_scope("softmax"):
        sw = tf.Variable(w1, name="w")
        out = tf.nn.softmax(tf.matmul(relu, sw, transpose_b=False) - 0.5)
    return x, out, (w0, w1)


def test_nodes_carry_scoped_names_inputs_and_attrs(g):
    _x, _out, _ = _tutorial_forward()
    gd = g.as_graph_def()
    nodes = {n.name: n for n in gd.node}
    assert [n.name for n in gd.node] == [op.name for op in g.get_operations()]
    assert nodes["x"].op == "Placeholder"
    assert nodes["x"].attr["dtype"].type == 1  # DT_FLOAT
    assert [d.size for d in nodes["x"].attr["shape"].shape.dim] == [1, 3]
    mm = nodes["relu/MatMul"]
    assert mm.op == "MatMul" and list(mm.input) == ["x", "relu/w/read"]
    assert mm.attr["T"].type == 1
    assert mm.attr["transpose_a"].b is False and mm.attr["transpose_b"].b is False
    assert nodes["relu/w"].op == "VariableV2"
    assert list(nodes["relu/w/Assign"].input) == ["relu/w", "relu/w/initial_value"]
    assert nodes["softmax/Softmax"].op == "Softmax"
    assert gd.versions.producer > 0


def test_constants_round_trip_through_tensor_proto(g):
    values = {
        "f32": np.arange(6, dtype=np.float32).reshape(2, 3) / 7,
        "f64": np.array([1.5, -2.25]),
        "i32": np.array([[1, -2], [3, 4]], np.int32),
        "i64": np.array([2**40, -5], np.int64),
        "b": np.array([True, False, True]),
        "scalar": np.float32(0.1),
    }
    for name, v in values.items():
        tf.constant(v, name=name)
    from tensorflow.python.framework import tensor_util

    nodes = {n.name: n for n in g.as_graph_def().node}
    for name, v in values.items():
        got = tensor_util.MakeNdarray(nodes[name].attr["value"].tensor)
        assert got.dtype == np.asarray(v).dtype, name
        np.testing.assert_array_equal(got, v)


def test_control_inputs_and_output_indices(g):
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]], name="a")
    parts = tf.split(a, 2, axis=0, name="parts")
    with tf.control_dependencies([parts[0].op]):
        c = tf.identity(parts[1], name="c")
    n = {x.name: x for x in g.as_graph_def(add_shapes=True).node}["c"]
    assert list(n.input) == ["parts:1", "^parts"]
    assert [d.size for d in n.attr["_output_shapes"].list.shape[0].dim] == [1, 2]
    assert c.op.node_def.name == "c"


def test_device_is_recorded(g):
    with tf.device("/cpu:0"):
        tf.constant(1.0, name="on_cpu")
    assert {n.name: n.device for n in g.as_graph_def().node}["on_cpu"] == "/device:CPU:0"  # TF's


def test_tensorflow_imports_the_graph_and_computes_the_same(g):
    import tensorflow as T

    x, out, (_w0, _w1) = _tutorial_forward()
    xv = np.array([[1.0, -2.0, 3.0]], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        ours = sess.run(out, {x: xv})
        gd_bytes = sess.graph_def.SerializeToString()
    tg = T.Graph()
    with tg.as_default():
        gd = T.compat.v1.GraphDef.FromString(gd_bytes)
        T.compat.v1.import_graph_def(gd, name="")
        with T.compat.v1.Session(graph=tg) as s:
            s.run(
                [
                    tg.get_operation_by_name(n)
                    for n in ("relu/w/Assign", "relu/b/Assign", "softmax/w/Assign")
                ]
            )
            theirs = s.run(out.name, {"x:0": xv})
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
