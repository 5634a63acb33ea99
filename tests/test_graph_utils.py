"""Graph utilities side by side with TF 2.21 ``compat.v1``: printing (``tf.Print``,
``tf.print``), ``tf.nest``, ``custom_gradient`` and friends, ``hessians``,
``gradient_override_map``, ``make_template``, ``get_static_value``, ``ensure_shape``,
``identity_n``, scopes, the ``tf.errors`` helpers and the small top-level names."""

from __future__ import annotations

import collections
import re
import sys

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(5)


def _both(build, feeds=()):
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            ps = [mod.placeholder(mod.as_dtype(v.dtype), v.shape) for v in feeds]
            fetch = build(mod, *ps)
            with mod.Session(graph=graph) as sess:
                if mod.global_variables():
                    sess.run(mod.global_variables_initializer())
                out.append(sess.run(fetch, dict(zip(ps, feeds))))
    return out


def _close(ours, theirs, **tol):
    if isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _close(a, b, **tol)
        return
    np.testing.assert_allclose(ours, theirs, **({"rtol": 1e-6, "atol": 1e-7} | tol))


# ---- printing ----------------------------------------------------------------------------------
def _printed(capfd, mod, graph, build, feeds, runs=1):
    with graph.as_default():
        ps = [mod.placeholder(mod.as_dtype(v.dtype), [None] * v.ndim) for v in feeds]
        fetch = build(mod, *ps)
        with mod.Session(graph=graph) as sess:
            capfd.readouterr()
            for _ in range(runs):
                sess.run(fetch, dict(zip(ps, feeds)))
    sys.stdout.flush()
    sys.stderr.flush()
    return capfd.readouterr()


@pytest.mark.parametrize(
    ("summarize", "first_n", "x"),
    [
        (None, None, np.array([1.0, 2.0, 3.0, 4.0], np.float32)),
        (4, 2, np.arange(6.0).reshape(2, 3) / 3.0),
        (-1, -1, np.array([[True, False]])),
        (2, None, np.arange(-3, 3, dtype=np.int64)),
    ],
)
def test_print_writes_what_tf_writes(capfd, summarize, first_n, x):
    def build(m, p):
        y = m.Print(p, [p, "mid", p * 2], message="x: ", summarize=summarize, first_n=first_n)
        return m.identity(y)

    if x.dtype == np.bool_:

        def build(m, p):
            return m.Print(p, [p, "mid"], message="x: ", summarize=summarize, first_n=first_n)

    ours = _printed(capfd, tf, tf.Graph(), build, [x], runs=3)
    theirs = _printed(capfd, T, real_tf.Graph(), build, [x], runs=3)
    want = [ln for ln in theirs.err.splitlines() if ln.startswith("x: ")]
    assert want and ours.err.splitlines() == want


@pytest.mark.parametrize(
    ("kw", "x"),
    [
        ({}, np.arange(30.0).reshape(5, 6)),
        ({"summarize": 2, "sep": "|", "end": "!\n"}, np.arange(30.0).reshape(5, 6)),
        ({"summarize": -1}, np.arange(8, dtype=np.int32).reshape(2, 2, 2)),
        ({"summarize": 1}, np.array([[True, False, True]])),
        ({}, np.array(2.5, np.float32)),
        ({}, np.zeros((2, 0), np.float32)),
    ],
)
def test_tf_print_writes_what_tf_writes(capfd, kw, x):
    def build(m, p):
        return m.print("vals:", p, {"a": p}, [1, "two"], output_stream=sys.stderr, **kw)

    ours = _printed(capfd, tf, tf.Graph(), build, [x])
    theirs = _printed(capfd, T, real_tf.Graph(), build, [x])
    tail = theirs.err[theirs.err.index("vals:") :]
    assert ours.err == tail


def test_tf_print_to_stdout_and_a_file(capfd, tmp_path):
    x = tf.constant([1, 2, 3])
    path = tmp_path / "log.txt"
    with tf.Session() as sess:
        capfd.readouterr()
        sess.run(tf.print("x =", x, output_stream=sys.stdout))
        sess.run(tf.print("x =", x, output_stream=f"file://{path}"))
    assert capfd.readouterr().out == "x = [1 2 3]\n"
    assert path.read_text() == "x = [1 2 3]\n"


@pytest.mark.bad_input
def test_tf_print_refuses_unknown_streams():
    with pytest.raises(ValueError, match="Unsupported output stream"):
        tf.print("x", output_stream=object())
    with pytest.raises(ValueError, match="Unrecognized keyword"):
        tf.print("x", colour="red")


def test_print_inside_a_training_step_passes_gradients():
    def build(m, x):
        y = m.Print(x * x, [x], "sq ")
        return m.gradients(m.reduce_sum(y), x)[0]

    ours, theirs = _both(build, [np.array([1.0, -2.0])])
    _close(ours, theirs)


# ---- nest --------------------------------------------------------------------------------------
N = collections.namedtuple("N", "a b")
STRUCTURES = [
    {"b": 1, "a": [2, (3, None)]},
    [1, N(a=2, b=[3, 4]), (5,)],
    collections.OrderedDict([("z", 1), ("y", {"q": 2, "p": 3})]),
    "atom",
    None,
    [],
    ((), [[]], {}),
]


@pytest.mark.parametrize("s", STRUCTURES, ids=range(len(STRUCTURES)))
def test_nest_matches_tf(s):
    tn = real_tf.nest
    assert tf.nest.flatten(s) == tn.flatten(s)
    assert tf.nest.is_nested(s) == tn.is_nested(s)
    flat = list(range(100, 100 + len(tn.flatten(s))))
    ours, theirs = tf.nest.pack_sequence_as(s, flat), tn.pack_sequence_as(s, flat)
    assert ours == theirs and type(ours) is type(theirs)
    f = str
    assert tf.nest.map_structure(f, s) == tn.map_structure(f, s)


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("a", "b", "kw"),
    [
        ([1, 2], [1, (2, 3)], {}),
        ([1, 2], (1, 2), {}),
        ({"a": 1}, {"b": 1}, {}),
        ([1, [2]], [1, 2, 3], {}),
        (N(1, 2), (1, 2), {}),
        ([1, 2], [1, 2, 3], {}),
        ([1, (2, 3)], [4, [5, 6]], {"check_types": False}),
    ],
)
def test_nest_structure_errors_match_tf(a, b, kw):
    def outcome(fn):
        try:
            fn(a, b, **kw)
            return None
        except Exception as e:
            return type(e), str(e)

    assert outcome(tf.nest.assert_same_structure) == outcome(real_tf.nest.assert_same_structure)


@pytest.mark.bad_input
def test_nest_pack_and_map_errors_match_tf():
    for args in [([1, [2]], [1, 2, 3]), ([1, [2]], 5), ("x", [1, 2])]:
        errs = []
        for nest in (tf.nest, real_tf.nest):
            with pytest.raises((ValueError, TypeError)) as e:
                nest.pack_sequence_as(*args)
            errs.append((type(e.value), str(e.value)))
        assert errs[0] == errs[1]
    for nest in (tf.nest, real_tf.nest):
        with pytest.raises(ValueError, match="Must provide at least one structure"):
            nest.map_structure(lambda x: x)
        with pytest.raises(ValueError, match="Only valid keyword arguments"):
            nest.map_structure(lambda x: x, [1], foo=1)
    add = lambda x, y: x + y  # noqa: E731
    assert tf.nest.map_structure(add, [1, 2], (3, 4), check_types=False) == [4, 6]


# ---- custom gradients ------------------------------------------------------------------------
def test_custom_gradient_matches_tf():
    def build(m, x):
        @m.custom_gradient
        def log1pexp(v):
            e = m.exp(v)

            def grad(dy):
                return dy * (1 - 1 / (1 + e))

            return m.log(1 + e), grad

        y = log1pexp(x)
        return [y, m.gradients(m.reduce_sum(y * y), x)[0]]

    ours, theirs = _both(build, [np.array([0.0, 1.0, 100.0])])
    _close(ours, theirs)
    assert np.isfinite(ours[1]).all()


def test_custom_gradient_several_inputs_and_outputs():
    def build(m, a, b):
        @m.custom_gradient
        def f(x, y):
            def grad(du, dv):
                return du * 2.0 + dv, du - dv * 3.0

            return (x * y, x + y), grad

        u, v = f(a, b)
        return m.gradients(m.reduce_sum(u) + 2.0 * m.reduce_sum(v), [a, b])

    ours, theirs = _both(build, [np.array([1.0, 2.0]), np.array([3.0, -1.0])])
    _close(ours, theirs)


def test_custom_gradient_with_variables():
    def build(m, x):
        with m.variable_scope("cg"):
            w = m.get_variable(
                "w", initializer=m.constant([2.0, 3.0], m.float64), use_resource=True
            )

        @m.custom_gradient
        def scaled(v):
            def grad(dy, variables=None):
                return dy * 10.0, [dy * v * 100.0]

            return v * w, grad

        y = scaled(x)
        return m.gradients(m.reduce_sum(y), [x, w])

    ours, theirs = _both(build, [np.array([1.0, -1.0])])
    _close(ours, theirs)


@pytest.mark.bad_input
def test_custom_gradient_needs_the_variables_argument():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            w = mod.get_variable("w", initializer=1.0, use_resource=True)

            @mod.custom_gradient
            def f(v, w=w):
                return v * w, lambda dy: dy

            with pytest.raises(TypeError, match="must accept keyword argument 'variables'"):
                f(mod.constant(1.0))


def test_grad_pass_through_and_recompute_grad():
    def build(m, x):
        rounded = m.grad_pass_through(m.round)(x * 3.0)
        recomputed = m.recompute_grad(lambda v: m.sin(v) * v)(x)
        return [
            rounded,
            m.gradients(m.reduce_sum(rounded), x)[0],
            recomputed,
            m.gradients(m.reduce_sum(recomputed), x)[0],
        ]

    ours, theirs = _both(build, [np.array([0.2, 0.7, -1.4])])
    _close(ours, theirs)


def test_gradient_override_map_and_register_gradient_match_tf():
    results = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        name = f"TripleGrad{id(graph)}"

        @mod.RegisterGradient(name)
        def _triple(op, grad):
            return [grad * 3.0]

        with graph.as_default():
            x = mod.constant([1.0, 2.0])
            with graph.gradient_override_map({"Identity": name}):
                y = mod.identity(x)
            z = mod.identity(x)
            g = mod.gradients(y + z, x)[0]
            assert y.op.get_attr("_gradient_op_type") == name.encode() or (
                y.op.get_attr("_gradient_op_type") == name
            )
            with mod.Session(graph=graph) as sess:
                results.append(sess.run(g))
    _close(*results)
    np.testing.assert_array_equal(results[0], [4.0, 4.0])


def test_no_gradient_and_not_differentiable_for_overrides():
    with tf.Graph().as_default() as g:
        tf.no_gradient("NoGradHere")
        x = tf.constant([1.0, 2.0])
        with g.gradient_override_map({"Identity": "NoGradHere"}):
            y = tf.identity(x)
        assert tf.gradients(y, x) == [None]


def test_unconnected_gradients_and_hessians_match_tf():
    def build(m, x, y):
        z = m.reduce_sum(x * x * x) + m.reduce_sum(m.matmul(m.reshape(x, [1, 3]), y))
        unconnected = m.gradients(m.reduce_sum(x), [x, y], unconnected_gradients="zero")
        mixed = m.reduce_sum(m.matmul(m.reshape(x * x, [1, 3]), y * y))
        return [*unconnected, *m.hessians(z, [x]), *m.hessians(mixed, [y])]

    x = RNG.standard_normal(3)
    y = RNG.standard_normal((3, 2))
    ours, theirs = _both(build, [x, y])
    assert ours[2].shape == (3, 3) and ours[3].shape == (3, 2, 3, 2)
    _close(ours, theirs, rtol=1e-10, atol=1e-12)
    assert tf.UnconnectedGradients.ZERO.value == T.UnconnectedGradients.ZERO.value
    with pytest.raises(ValueError, match="Unknown value for unconnected_gradients"):
        tf.gradients(tf.constant(1.0), tf.constant(2.0), unconnected_gradients="maybe")


def test_identity_n_and_ensure_shape_match_tf():
    def build(m, x):
        a, b = m.identity_n([x, m.constant([1, 2])])
        e = m.ensure_shape(x, [2, None])
        return [a, b, e, m.gradients(m.reduce_sum(a * e), x)[0]]

    ours, theirs = _both(build, [np.ones((2, 3))])
    _close(ours, theirs)
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            x = mod.placeholder(mod.float32, [None, 3])
            assert mod.ensure_shape(x, [2, None]).shape.as_list() == [2, 3]
            assert [t.shape.as_list() for t in mod.identity_n([x, x])] == [[None, 3]] * 2


@pytest.mark.bad_input
def test_ensure_shape_errors_as_tf():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            x = mod.placeholder(mod.float32, [None, 3], name="x")
            with pytest.raises(ValueError, match="3"):
                mod.ensure_shape(x, [2, 4])
            y = mod.ensure_shape(x, [2, None])
            with (
                mod.Session(graph=graph) as sess,
                pytest.raises(mod.errors.InvalidArgumentError) as e,
            ):
                sess.run(y, {x: np.ones((3, 3))})
        msg = re.search(
            r"Shape of tensor \S+ \[3,3\] is not compatible with expected shape \[2,\?\]\.",
            str(e.value),
        )
        assert msg, str(e.value)


# ---- templates, static values, scopes ----------------------------------------------------------
def test_make_template_shares_variables_as_tf():
    def build(m, x):
        def layer(v, scale=1.0):
            w = m.get_variable("w", [2], initializer=m.constant_initializer([1.0, 2.0]))
            return v * w * scale

        t = m.make_template("layer", layer, scale=3.0)
        a, b = t(x), t(x + 1.0)
        names = [v.name for v in m.global_variables()]
        return [a, b], names, t.variable_scope_name, [v.name for v in t.trainable_variables]

    outs = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            x = mod.placeholder(mod.float32, [2])
            fetch, names, scope, own = build(mod, x)
            with mod.Session(graph=graph) as sess:
                sess.run(mod.global_variables_initializer())
                outs.append((sess.run(fetch, {x: [1.0, 1.0]}), names, scope, own))
    (ours, o_names, o_scope, o_own), (theirs, t_names, t_scope, t_own) = outs
    _close(ours, theirs)
    assert o_names == t_names == ["layer/w:0"]
    assert o_scope == t_scope == "layer/" and o_own == t_own


@pytest.mark.bad_input
def test_make_template_refuses_new_trainables_later():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            t = mod.make_template("bad", lambda m=mod: m.Variable(1.0))
            t()
            with pytest.raises(ValueError, match="Trainable variable created"):
                t()


def test_get_static_value_matches_tf():
    def cases(m):
        x = m.placeholder(m.float32, [None, 3])
        c = m.constant([[1, 2], [3, 4]])
        return [
            c,
            m.shape(c),
            m.size(c),
            m.rank(c),
            m.cast(c, m.float32),
            m.concat([c, c], 0),
            m.stack([m.constant(1), m.constant(2)]),
            m.fill([2], 7),
            m.range(4),
            m.identity(c),
            c + 1,
            x,
            m.shape(x),
        ]

    with tf.Graph().as_default():
        ours = [tf.get_static_value(t) for t in cases(tf)]
    with real_tf.Graph().as_default():
        theirs = [T.get_static_value(t) for t in cases(T)]
    for a, b in zip(ours, theirs):
        if b is None:
            assert a is None
        else:
            np.testing.assert_array_equal(a, b)
            assert np.asarray(a).dtype == np.asarray(b).dtype
    assert tf.get_static_value(5) == T.get_static_value(5) == 5


def test_scopes_match_tf():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            a = mod.constant(1.0, name="a")
            with mod.control_dependencies([a]):
                with mod.init_scope():
                    free = mod.constant(2.0, name="free")
                bound = mod.constant(3.0, name="bound")
            assert free.op.control_inputs == [] and bound.op.control_inputs == [a.op]
            with mod.colocate_with(a):
                b = mod.identity(a, name="b")
            assert b.op.get_attr("_class") == [b"loc:@a"]
            with mod.container("box"):
                v = mod.Variable(1.0, name="v")
            assert v.op.get_attr("container") == b"box" or v.op.get_attr("container") == "box"
            with mod.op_scope([a], "outer"):
                c = mod.identity(a, name="c")
            assert c.name == "outer/c:0"
            mod.add_to_collections(["k1", "k2"], a)
            assert mod.get_collection("k1") == mod.get_collection("k2") == [a]
            mod.add_to_collection(mod.GraphKeys.MODEL_VARIABLES, v)
            mod.add_to_collection(mod.GraphKeys.MOVING_AVERAGE_VARIABLES, v)
            assert mod.model_variables() == mod.moving_average_variables() == [v]


def test_dimension_helpers_and_constants_match_tf():
    s, ts = tf.TensorShape([2, None]), T.TensorShape([2, None])
    assert tf.dimension_value(s[0]) == T.dimension_value(ts[0]) == 2
    assert tf.dimension_value(3) == T.dimension_value(3) == 3
    assert tf.dimension_at_index(s, 1).value == T.dimension_at_index(ts, 1).value is None
    assert tf.dimension_at_index(tf.TensorShape(None), 4).value is None
    for name in ("ADD_N", "DEFAULT", "EXPERIMENTAL_TREE", "EXPERIMENTAL_ACCUMULATE_N"):
        assert getattr(tf.AggregationMethod, name) == getattr(T.AggregationMethod, name)
    for ours, theirs in (
        (tf.VariableAggregation, T.VariableAggregation),
        (tf.VariableSynchronization, T.VariableSynchronization),
        (tf.UnconnectedGradients, T.UnconnectedGradients),
    ):
        assert [(e.name, e.value) for e in ours] == [(e.name, e.value) for e in theirs]
    assert tf.VERSION.startswith("1.") and isinstance(tf.GIT_VERSION, str)
    assert tf.COMPILER_VERSION.split()[0] in ("GCC", "Clang")
    assert tf.GRAPH_DEF_VERSION_MIN_CONSUMER <= tf.GRAPH_DEF_VERSION
    assert tf.Graph().as_graph_def().versions.producer == tf.GRAPH_DEF_VERSION
    assert tf.get_logger() is T.get_logger()


def test_errors_helpers_match_tf():
    for code in range(1, 17):
        assert tf.errors.exception_type_from_error_code(code).__name__ == (
            T.errors.exception_type_from_error_code(code).__name__
        )
        cls = tf.errors.exception_type_from_error_code(code)
        assert tf.errors.error_code_from_exception_type(cls) == code
    with pytest.raises(KeyError):
        tf.errors.exception_type_from_error_code(99)
    with pytest.warns(UserWarning, match="Unknown class exception"):
        assert isinstance(
            tf.errors.error_code_from_exception_type(KeyError), tf.errors.UnknownError
        )
    with tf.errors.raise_exception_on_not_ok_status() as status:
        pass
    with (
        pytest.raises(tf.errors.NotFoundError, match="missing"),
        tf.errors.raise_exception_on_not_ok_status() as status,
    ):
        status.code, status.message = tf.errors.NOT_FOUND, "missing"


def test_v2_switches_are_recorded():
    try:
        assert not tf.control_flow_v2_enabled() and not tf.resource_variables_enabled()
        tf.enable_control_flow_v2()
        assert tf.control_flow_v2_enabled() and not tf.resource_variables_enabled()
        tf.enable_resource_variables()
        assert tf.resource_variables_enabled()
        tf.disable_control_flow_v2()
        assert not tf.control_flow_v2_enabled()
        tf.enable_v2_behavior()
        assert tf.control_flow_v2_enabled()
        for fn in (tf.enable_tensor_equality, tf.enable_v2_tensorshape):
            fn()
    finally:
        tf.disable_v2_behavior()
    assert not tf.control_flow_v2_enabled() and not tf.resource_variables_enabled()


class _Celsius:
    def __init__(self, degrees):
        self.degrees = degrees


def test_register_tensor_conversion_function_and_indexed_slices():
    def convert(value, dtype=None, name=None, as_ref=False):
        return tf.constant(value.degrees + 273.15, dtype=dtype or tf.float32, name=name)

    tf.register_tensor_conversion_function(_Celsius, convert)
    with tf.Graph().as_default(), tf.Session() as sess:
        k = tf.add(_Celsius(10.0), 0.0)
        assert abs(sess.run(k) - 283.15) < 1e-4
        s = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0]), tf.constant([2, 1]))
        assert tf.convert_to_tensor_or_indexed_slices(s) is s
        t = tf.convert_to_tensor_or_indexed_slices([1.0, 2.0])
        assert isinstance(t, tf.Tensor)
        with pytest.raises(ValueError, match="requested dtype"):
            tf.convert_to_tensor_or_indexed_slices(s, tf.int32)
    with pytest.raises(TypeError):
        tf.register_tensor_conversion_function(int, convert)
