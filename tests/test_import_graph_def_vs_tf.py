"""``tf.import_graph_def`` side by side with TF 2.21 ``compat.v1``: graphs TF writes (MLPs and
CNNs with resource and ref variables, ``tf.layers``, frozen graphs) import here and give TF's
values; ``input_map``, ``return_elements`` and the name prefix behave as TF's; graphs this
library writes import in TF and back here; bad input raises TF's error classes and messages."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
# TF's tf.layers and graph_util warn that they are deprecated
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
RNG = np.random.default_rng(17)
W1 = RNG.standard_normal((3, 3, 3, 4)).astype(np.float32)
W2 = RNG.standard_normal((64, 10)).astype(np.float32)
X = RNG.standard_normal((5, 8, 8, 3)).astype(np.float32)


def _cnn(m, use_resource=None):
    """A small CNN over the op types TF's compat.v1 writes for one (names fixed)."""
    x = m.placeholder(m.float32, [None, 8, 8, 3], name="x")
    w = m.get_variable("w", initializer=W1, use_resource=use_resource)
    c = m.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    b = m.get_variable("b", [4], initializer=m.constant_initializer(0.3), use_resource=use_resource)
    h = m.nn.relu6(m.nn.bias_add(c, b))
    p = m.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    f = m.reshape(p, [-1, 64])
    w2 = m.get_variable("w2", initializer=W2, use_resource=use_resource)
    y = m.nn.softmax(m.matmul(f, w2) + 1.0, name="y")
    s = m.reduce_mean(y, axis=1, name="s")
    a = m.argmax(y, 1, name="am", output_type=m.int32)
    st = m.stack([s, m.cast(a, m.float32)], axis=1, name="st")
    u = m.unstack(st, axis=1, name="un")
    t = m.transpose(st, name="tr")
    cc = m.concat([st, st[:, 1:]], axis=1, name="cc")
    sp = m.split(cc, [1, 2], axis=1, name="sp")
    sq = m.reduce_sum(m.square(m.tanh(sp[1])), name="sq")
    return [y, s, a, st, u[0], u[1], t, cc, sp[0], sp[1], sq]


def _tf_run(build, feeds, **kw):
    g = real_tf.Graph()
    with g.as_default():
        outs = build(T, **kw)
        init = T.global_variables_initializer()
        with T.Session(graph=g) as s:
            s.run(init)
            vals = s.run(outs, feeds)
    return g, [o.name for o in outs], vals, init.name


def _to_tf(gd):
    """Our GraphDef as TF's class (same bytes)."""
    return T.GraphDef.FromString(gd.SerializeToString())


def _close(a, b, tol=1e-6):
    for x, y in zip(a, b):
        x, y = np.asarray(x), np.asarray(y)
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_allclose(y.astype(np.float64), x.astype(np.float64), atol=tol, rtol=tol)


@pytest.mark.parametrize("use_resource", [True, False])
def test_tf_cnn_imports_and_runs_as_tf(use_resource):
    g, names, ref, init = _tf_run(_cnn, {"x:0": X}, use_resource=use_resource)
    with tf.Graph().as_default():
        r = tf.import_graph_def(g.as_graph_def(), return_elements=[*names, init], name="")
        with tf.Session() as s:
            s.run(r[-1])
            got = s.run(r[:-1], {"x:0": X})
    _close(ref, got)


def _layers_mlp(m):
    x = m.placeholder(m.float32, [None, 6], name="x")
    m.set_random_seed(3)
    h = m.layers.dense(x, 16, activation=m.nn.relu, name="d1")
    h = m.layers.batch_normalization(h, training=False, name="bn")
    h = m.layers.dropout(h, 0.5, training=False)
    return [m.layers.dense(h, 3, name="logits")]


def _layers_cnn(m):
    x = m.placeholder(m.float32, [None, 8, 8, 3], name="x")
    m.set_random_seed(3)
    h = m.layers.conv2d(x, 4, 3, padding="same", activation=m.nn.relu, name="c1")
    h = m.layers.max_pooling2d(h, 2, 2)
    h = m.layers.average_pooling2d(h, 2, 1)
    h = m.layers.flatten(h)
    logits = m.layers.dense(h, 5, name="logits")
    return [m.nn.softmax(logits, name="probs"), m.nn.log_softmax(logits)]


@pytest.mark.parametrize(
    "build,x", [(_layers_mlp, X[:, 0, 0, :2].repeat(3, 1)), (_layers_cnn, X)], ids=["mlp", "cnn"]
)
def test_frozen_tf_layers_graph_imports_and_runs_as_tf(build, x):
    """TF freezes its graph (convert_variables_to_constants); the frozen GraphDef runs here."""
    g = real_tf.Graph()
    with g.as_default():
        outs = build(T)
        with T.Session() as s:
            s.run(T.global_variables_initializer())
            ref = s.run(outs, {"x:0": x})
            frozen = T.graph_util.convert_variables_to_constants(
                s, g.as_graph_def(), [o.op.name for o in outs]
            )
    names = [o.name for o in outs]
    with tf.Graph().as_default() as ours:
        r = tf.import_graph_def(frozen, return_elements=names)
        assert [t.name for t in r] == ["import/" + n for n in names]
        with tf.Session() as s:
            got = s.run(r, {"import/x:0": x})
    assert {op.type for op in ours.get_operations()} >= {"Const", "MatMul"}
    _close(ref, got, 1e-5)


def test_input_map_return_elements_and_prefix_as_tf():
    g = real_tf.Graph()
    with g.as_default():
        x = T.placeholder(T.float32, [None, 3], name="x")
        w = T.constant(RNG.standard_normal((3, 2)).astype(np.float32), name="w")
        y = T.nn.relu(T.matmul(x, w), name="y")
        T.identity(y * 2.0, name="z")
    gd = g.as_graph_def()
    feed = RNG.standard_normal((4, 3)).astype(np.float32)

    def run(m, sess_cls):
        with m.Graph().as_default() as gg:
            with m.name_scope("outer"):
                pass
            xin = m.constant(feed, name="feed")
            y1, z1, x_op = m.import_graph_def(
                gd, input_map={"x": xin}, return_elements=["y:0", "z:0", "x"]
            )
            (z2,) = m.import_graph_def(gd, input_map={"x:0": xin}, return_elements=["z:0"])
            with m.name_scope("outer2"):
                (z3,) = m.import_graph_def(
                    gd, input_map={"x:0": xin}, return_elements=["z:0"], name="mine"
                )
            assert m.import_graph_def(gd, input_map={"x:0": xin}, name="") is None
            with sess_cls() as s:
                vals = s.run([y1, z1, z2, z3, gg.get_tensor_by_name("z:0")])
            names = [y1.name, z1.name, x_op.name, x_op.type, z2.name, z3.name]
            consumers = [o.name for o in gg.get_operations() if xin in list(o.inputs)]
        return vals, names, consumers

    ref, ref_names, ref_cons = run(real_tf.compat.v1, T.Session)
    got, got_names, got_cons = run(tf, tf.Session)
    _close(ref, got)
    assert got_names == ref_names
    assert got_cons == ref_cons


def test_control_input_map_as_tf():
    def run(m, sess_cls):
        g = m.Graph()
        with g.as_default():
            v = m.get_variable("v", initializer=np.float32(1.0), use_resource=False)
            inc = m.assign_add(v, 1.0, name="inc")
            with m.control_dependencies([inc]):
                m.identity(m.constant(5.0), name="out")
        gd = g.as_graph_def()
        with m.Graph().as_default():
            v = m.get_variable("v", initializer=np.float32(10.0), use_resource=False)
            twice = m.assign_add(v, 10.0, name="twice")
            (out,) = m.import_graph_def(
                gd, input_map={"^inc": twice}, return_elements=["out:0"], name="i"
            )
            with sess_cls() as s:
                s.run(v.initializer)
                return [s.run(out), s.run(v)]

    assert run(tf, tf.Session) == run(real_tf.compat.v1, T.Session)


def test_ours_imports_in_tf_and_back():
    """A graph built here: its GraphDef runs in TF, and imported here again gives the same
    nodes and values."""

    def build(m):
        x = m.placeholder(m.float32, [None, 8, 8, 3], name="x")
        return _cnn_body(m, x)

    def _cnn_body(m, x):
        w = m.constant(W1, name="w")
        c = m.nn.relu(m.nn.conv2d(x, w, [1, 2, 2, 1], "VALID"))
        r = m.reduce_max(c, axis=[1, 2], keepdims=True, name="rmax")
        return [m.reshape(r, [-1, 4], name="out"), m.reduce_mean(c, name="mean")]

    with tf.Graph().as_default() as ours:
        outs = build(tf)
        with tf.Session() as s:
            want = s.run(outs, {"x:0": X})
    names = [t.name for t in outs]
    gd = ours.as_graph_def()
    with real_tf.Graph().as_default():
        r = real_tf.import_graph_def(_to_tf(gd), return_elements=names, name="")
        with T.Session() as s:
            ref = s.run(r, {"x:0": X})
    _close(ref, want)
    with tf.Graph().as_default() as again:
        r = tf.import_graph_def(gd, return_elements=names, name="")
        with tf.Session() as s:
            got = s.run(r, {"x:0": X})
    _close(ref, got)
    # the same nodes; attributes as written, plus the defaults the import filled in
    again_nodes = {n.name: n for n in again.as_graph_def().node}
    assert list(again_nodes) == [n.name for n in gd.node]
    for n in gd.node:
        m = again_nodes[n.name]
        assert (m.op, list(m.input), m.device) == (n.op, list(n.input), n.device)
        assert all(m.attr[k] == n.attr[k] for k in n.attr)


def test_tf_graph_through_ours_back_to_tf():
    g, names, ref, init = _tf_run(_cnn, {"x:0": X}, use_resource=False)
    with tf.Graph().as_default() as ours:
        tf.import_graph_def(g.as_graph_def(), name="")
    with real_tf.Graph().as_default():
        gd = _to_tf(ours.as_graph_def())
        r = real_tf.import_graph_def(gd, return_elements=[*names, init], name="")
        with T.Session() as s:
            s.run(r[-1])
            got = s.run(r[:-1], {"x:0": X})
    _close(ref, got)


def test_node_order_and_devices_as_tf():
    g = real_tf.Graph()
    with g.as_default():
        with g.device("/cpu:0"):
            x = T.placeholder(T.float32, [2], name="x")
        T.identity(x * 3.0, name="y")
    gd = g.as_graph_def()
    rev = T.GraphDef()
    rev.node.extend(reversed(list(gd.node)))
    with real_tf.Graph().as_default():
        ry, rx = real_tf.import_graph_def(rev, return_elements=["y:0", "x"])
        with T.Session() as s:
            ref = s.run(ry, {rx.outputs[0]: [1.0, 2.0]})
    with tf.Graph().as_default():
        y, x = tf.import_graph_def(rev, return_elements=["y:0", "x"])
        with tf.Session() as s:
            got = s.run(y, {x.outputs[0]: [1.0, 2.0]})
    _close([ref], [got])
    assert x.device == rx.device


# ---- bad input ---------------------------------------------------------------------------------
def _small_gd():
    g = real_tf.Graph()
    with g.as_default():
        x = T.placeholder(T.float32, [2], name="x")
        T.identity(x * 2.0, name="y")
    return g.as_graph_def()


def _both(call_tf, call_ours):
    with real_tf.Graph().as_default(), pytest.raises(Exception) as ref:
        call_tf()
    with tf.Graph().as_default(), pytest.raises(Exception) as got:
        call_ours()
    return ref.value, got.value


def _edited(edit):
    gd = T.GraphDef()
    gd.CopyFrom(_small_gd())
    edit(gd)
    return gd


@pytest.mark.bad_input
def test_unknown_op_type_is_tfs_not_found_error():
    gd = _edited(lambda gd: setattr(gd.node[1], "op", "FooBarOp"))
    ref, got = _both(lambda: real_tf.import_graph_def(gd), lambda: tf.import_graph_def(gd))
    assert isinstance(ref, real_tf.errors.NotFoundError)
    assert isinstance(got, tf.errors.NotFoundError)
    assert str(ref).startswith("Op type not registered 'FooBarOp' in binary running on ")
    assert str(got).startswith("Op type not registered 'FooBarOp' in binary running on ")
    tail = str(ref).split(". ", 1)[1]
    assert str(got).split(". ", 1)[1] == tail


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "kw",
    [
        {"input_map": {"nope:0": "X"}},
        {"input_map": {"nope": "X"}},
        {"input_map": {"x:1": "X"}},
        {"input_map": {"x:0": "I"}},
        {"return_elements": ["nope:0"]},
        {"return_elements": ["nope"]},
        {"return_elements": ["y:3"]},
        {"input_map": [1]},
        {"return_elements": [3]},
    ],
    ids=lambda kw: repr(kw),
)
def test_bad_arguments_are_tfs_errors(kw):
    gd = _small_gd()

    def call(m):
        args = dict(kw)
        if "input_map" in args and isinstance(args["input_map"], dict):
            const = {"X": m.constant([1.0, 2.0]), "I": m.constant([1, 2])}
            args["input_map"] = {k: const[v] for k, v in args["input_map"].items()}
        return lambda: m.import_graph_def(gd, **args)

    ref, got = _both(lambda: call(real_tf)(), lambda: call(tf)())
    assert type(got).__name__ == type(ref).__name__
    assert str(got) == str(ref).replace("import/_inputs/Const", "Const")


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "edit",
    [
        lambda gd: gd.node[-1].input.__setitem__(0, "mul:x"),
        lambda gd: gd.node[-1].input.__setitem__(0, "missing"),
        lambda gd: gd.node[-1].input.__setitem__(0, "mul:5"),
        lambda gd: gd.node[-1].input.append("^zz"),
        lambda gd: setattr(gd.node[-1], "name", "x"),
    ],
    ids=["malformed", "missing", "bad-index", "missing-control", "duplicate"],
)
def test_malformed_graph_defs_are_tfs_value_errors(edit):
    gd = _edited(edit)
    ref, got = _both(lambda: real_tf.import_graph_def(gd), lambda: tf.import_graph_def(gd))
    assert type(ref) is ValueError and type(got) is ValueError
    assert str(got) == str(ref)


@pytest.mark.bad_input
def test_missing_attr_and_wrong_argument_types():
    gd = _edited(lambda gd: gd.node[-1].attr.pop("T"))
    ref, got = _both(lambda: real_tf.import_graph_def(gd), lambda: tf.import_graph_def(gd))
    assert type(ref) is ValueError and type(got) is ValueError
    assert str(got).split(" from ")[0] == str(ref).split(" from ")[0]
    ref, got = _both(lambda: real_tf.import_graph_def(3), lambda: tf.import_graph_def(3))
    assert type(ref) is type(got) is TypeError and str(got) == str(ref)


# ---- op by op: what TF writes for the common layers' functions -----------------------------------
X4 = RNG.standard_normal((2, 4, 4, 3)).astype(np.float32)
OPS = {
    "dyn_reshape": lambda m, x: m.reshape(x, m.stack([m.shape(x)[0], -1])),
    "squeeze_expand": lambda m, x: m.squeeze(m.expand_dims(x[:, :1], 1), [1, 2]),
    "fill_range": lambda m, x: m.fill(m.shape(x)[1:3], 2.0) + m.cast(m.range(4), m.float32),
    "gather": lambda m, x: m.gather(x, [2, 0], axis=2),
    "pad": lambda m, x: m.pad(x, [[0, 0], [1, 1], [2, 0], [0, 0]]),
    "elu": lambda m, x: m.nn.elu(x),
    "leaky_relu": lambda m, x: m.nn.leaky_relu(x, 0.1),
    "softplus": lambda m, x: m.nn.softplus(x * 30.0),
    "selu": lambda m, x: m.nn.selu(x),
    "sigmoid_tanh": lambda m, x: m.sigmoid(x) * m.tanh(x),
    "sqdiff_rsqrt": lambda m, x: m.rsqrt(m.squared_difference(x, 1.0) + 1.0),
    "fused_bn": lambda m, x: m.nn.fused_batch_norm(
        x, m.ones([3]), m.zeros([3]), m.ones([3]) * 0.5, m.ones([3]) * 2.0, is_training=False
    )[0],
    "moments": lambda m, x: m.nn.moments(x, [0, 1, 2])[1],
    "l2_normalize": lambda m, x: m.nn.l2_normalize(x, 3),
    "avg_pool": lambda m, x: m.nn.avg_pool(x, [1, 2, 2, 1], [1, 1, 1, 1], "SAME"),
    "depthwise": lambda m, x: m.nn.depthwise_conv2d(x, m.ones([3, 3, 3, 2]), [1, 1, 1, 1], "SAME"),
    "conv_transpose": lambda m, x: m.nn.conv2d_transpose(
        x, m.ones([3, 3, 5, 3]), [2, 8, 8, 5], [1, 2, 2, 1], "SAME"
    ),
    "where_zeros_like": lambda m, x: m.where(x > 0, x, m.zeros_like(x)) + m.ones_like(x),
    "argmin_max": lambda m, x: m.cast(m.argmin(x, axis=3), m.float32) + m.reduce_max(x),
    "slice": lambda m, x: m.slice(x, [0, 1, 1, 0], [1, 2, -1, 2]),
    "tile": lambda m, x: m.tile(x, [1, 2, 1, 1]),
    "softmax_xent": lambda m, x: m.nn.softmax_cross_entropy_with_logits_v2(
        labels=m.nn.softmax(x), logits=x
    ),
    "clip": lambda m, x: m.clip_by_value(x, -0.5, 0.5),
    "top_k": lambda m, x: m.cast(m.nn.top_k(x, 2).indices, m.float32),
    "cumsum": lambda m, x: m.cumsum(x, axis=1),
    "batch_matmul": lambda m, x: m.matmul(x, x, transpose_b=True),
    "identity_n": lambda m, x: m.identity_n([x, x])[1],
}


@pytest.mark.parametrize("case", list(OPS))
def test_tf_op_forms_import_and_run_as_tf(case):
    g = real_tf.Graph()
    with g.as_default():
        x = T.placeholder(T.float32, [None, 4, 4, 3], name="x")
        y = T.identity(OPS[case](T, x), name="out")
        with T.Session() as s:
            ref = s.run(y, {x: X4})
    with tf.Graph().as_default():
        (yy,) = tf.import_graph_def(g.as_graph_def(), return_elements=["out:0"], name="")
        with tf.Session() as s:
            got = s.run(yy, {"x:0": X4})
    _close([ref], [got], 2e-6)


def test_tf_layers_initializers_give_tfs_values_here():
    """tf.layers' default initializers (stateless: StatelessRandomGetKeyCounter +
    StatelessRandomUniformV2 from the graph seed) give TF's initial values here, and the
    unfrozen graph runs as TF's."""
    g = real_tf.Graph()
    with g.as_default():
        T.set_random_seed(5)
        x = T.placeholder(T.float32, [None, 8, 8, 3], name="x")
        h = T.layers.conv2d(x, 4, 3, activation=T.nn.relu, name="c1")
        y = T.layers.dense(T.layers.flatten(h), 5, name="out")
        init = T.global_variables_initializer()
        names = [v.op.name for v in T.global_variables()]
        with T.Session() as s:
            s.run(init)
            ref = s.run([*T.global_variables(), y], {x: X})  # (resource variables' values)
    with tf.Graph().as_default() as ours:
        tf.import_graph_def(g.as_graph_def(), name="")
        with tf.Session() as s:
            s.run(ours.get_operation_by_name(init.name))
            got = s.run([n + ":0" for n in names] + [y.name], {"x:0": X})
    _close(ref, got, 1e-6)


# ---- functional control flow: tf.cond and tf.while_loop as TF 2.21's compat.v1 writes them ----
CONTROL = {
    "cond": lambda m, x: m.cond(m.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0),
    "cond_tuple": lambda m, x: m.add_n(
        m.cond(m.reduce_max(x) > 1.0, lambda: (x, x * 3.0), lambda: (x * 0.5, m.abs(x)))
    ),
    "while": lambda m, x: m.while_loop(
        lambda i, a: i < 3, lambda i, a: (i + 1, a * 1.5 + x), [0, x]
    )[1],
    "while_max_iterations": lambda m, x: m.while_loop(
        lambda i, a: m.reduce_sum(a) < 1e6,
        lambda i, a: (i + 1, a * 2.0 + 1.0),
        [0, x],
        maximum_iterations=4,
    )[1],
    "cond_in_while": lambda m, x: m.while_loop(
        lambda i, a: i < 4,
        lambda i, a: (
            i + 1,
            m.cond(m.equal(m.math.floormod(i, 2), 0), lambda: a + x, lambda: a * 0.5),
        ),
        [0, x],
    )[1],
    "while_in_cond": lambda m, x: m.cond(
        m.reduce_sum(x) > -100.0,
        lambda: m.while_loop(lambda j, b: j < 2, lambda j, b: (j + 1, m.tanh(b)), [0, x])[1],
        lambda: x,
    ),
}


@pytest.mark.parametrize("case", list(CONTROL))
def test_tf_functional_control_flow_imports_and_runs_as_tf(case):
    g = real_tf.Graph()
    with g.as_default():
        x = T.placeholder(T.float32, [None, 4, 4, 3], name="x")
        y = T.identity(CONTROL[case](T, x), name="out")
        with T.Session() as s:
            refs = [s.run(y, {x: v}) for v in (X4, -X4 - 2.0)]
    assert {n.op for n in g.as_graph_def().node} & {"StatelessIf", "StatelessWhile", "If", "While"}
    with tf.Graph().as_default():
        (yy,) = tf.import_graph_def(g.as_graph_def(), return_elements=["out:0"], name="")
        with tf.Session() as s:
            got = [s.run(yy, {"x:0": v}) for v in (X4, -X4 - 2.0)]
    _close(refs, got, 2e-6)


def test_frozen_graph_with_control_flow_runs_as_tf():
    g = real_tf.Graph()
    with g.as_default():
        x = T.placeholder(T.float32, [None, 3], name="x")
        w = T.get_variable("w", initializer=RNG.standard_normal((3, 3)).astype(np.float32))
        h = T.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, T.tanh(T.matmul(a, w))), [0, x])
        y = T.cond(T.reduce_mean(h[1]) > 0, lambda: h[1] * 2.0, lambda: -h[1])
        T.identity(y, name="out")
        with T.Session() as s:
            s.run(T.global_variables_initializer())
            feed = RNG.standard_normal((5, 3)).astype(np.float32)
            ref = s.run("out:0", {x: feed})
            frozen = T.graph_util.convert_variables_to_constants(s, g.as_graph_def(), ["out"])
    with tf.Graph().as_default():
        (out,) = tf.import_graph_def(frozen, return_elements=["out:0"])
        with tf.Session() as s:
            got = s.run(out, {"import/x:0": feed})
    _close([ref], [got], 2e-6)


def test_tf_png_front_and_every_resizer_import_and_run_as_tf():
    """A ``DecodePng`` front and TF's four resize nodes (nearest, bicubic, area, bilinear with
    align_corners) import here with TF's values (area to TF's float32 rounding)."""
    import io

    import skimage.data
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(skimage.data.astronaut()[::4, ::4]).save(buf, "PNG")
    png = buf.getvalue()
    g = real_tf.Graph()
    with g.as_default():
        c = T.placeholder(T.string, [], name="contents")
        img = T.expand_dims(T.image.decode_png(c, channels=3), 0)
        T.image.resize_nearest_neighbor(img, [50, 70], name="nn")
        T.image.resize_bicubic(img, [40, 30], half_pixel_centers=True, name="bic")
        T.image.resize_area(img, [40, 30], name="area")
        T.image.resize_bilinear(img, [33, 31], align_corners=True, name="bl")
        names = ["nn:0", "bic:0", "area:0", "bl:0"]
        with T.Session(graph=g) as s:
            want = s.run(names, {"contents:0": png})
    with tf.Graph().as_default() as h:
        tf.import_graph_def(tf.GraphDef.FromString(g.as_graph_def().SerializeToString()), name="")
        assert {op.type for op in h.get_operations()} >= {"DecodePng"}
        with tf.Session(graph=h) as s:
            got = s.run(names, {"contents:0": png})
    for a, b in zip(got, want):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-4)


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "edit",
    [
        lambda gd: gd.node[-1].input.pop(),
        lambda gd: gd.node[-1].input.append("x"),
        lambda gd: gd.node[-1].attr["T"].__setattr__("i", 3),
        lambda gd: gd.node[-1].attr["T"].Clear(),
        lambda gd: next(n for n in gd.node if n.op == "Mul").input.__setitem__(0, "y"),
    ],
    ids=["too-few-inputs", "too-many-inputs", "attr-kind", "attr-empty", "cycle"],
)
def test_inputs_attr_kinds_and_cycles_checked_as_tf(edit):
    """What TF's importer checks before it builds: a NodeDef's inputs against its op's
    arguments (types as TF names them), each attribute's kind, and cycles (TF's count)."""
    gd = _edited(edit)
    ref, got = _both(lambda: real_tf.import_graph_def(gd), lambda: tf.import_graph_def(gd))
    assert type(ref) is ValueError and type(got) is ValueError
    want = str(ref).split("; Op<name=")[0].split("; NodeDef:")[0]
    assert str(got).startswith(want), (str(got), str(ref))
