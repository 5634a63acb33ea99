"""Graph construction against TensorFlow 1.x: dtypes, static shapes, the Graph object, op naming,
Tensor properties, operator overloads, control dependencies, group/no_op/identity/stop_gradient."""

import threading

import numpy as np
import pytest

import tflite_core as tf


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


# ---- dtypes ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, dtype",
    [
        ("float", tf.float32),
        ("float32", tf.float32),
        ("double", tf.float64),
        ("float64", tf.float64),
        ("int32", tf.int32),
        ("int64", tf.int64),
        ("bool", tf.bool),
    ],
)
def test_dtype_names(g, name, dtype):
    assert tf.as_dtype(name) is dtype
    assert tf.placeholder(name).dtype is dtype


def test_python_values_infer_tf_dtypes(g):
    assert tf.constant(1.5).dtype == tf.float32
    assert tf.constant([1.0, 2.0]).dtype == tf.float32
    assert tf.constant(3).dtype == tf.int32
    assert tf.constant([[1, 2]]).dtype == tf.int32
    assert tf.constant(True).dtype == tf.bool
    assert tf.constant(2**40).dtype == tf.int64  # does not fit int32
    assert tf.Variable(1.0).dtype == tf.float32


def test_numpy_values_keep_their_dtype(g):
    c = tf.constant(np.array([1.0, 2.0]))
    assert c.dtype == tf.float64
    assert tf.constant(np.float64(2.0)).dtype == tf.float64
    assert tf.constant(np.array([1, 2], np.int64)).dtype == tf.int64
    assert tf.constant(np.array([1.0], np.float32)).dtype == tf.float32
    out = _run(c * 2.0)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [2.0, 4.0])


@pytest.mark.bad_input
def test_explicit_dtype_converts_python_values(g):
    c = tf.constant([1, 2], dtype=tf.float64)
    assert c.dtype == tf.float64
    assert _run(c).dtype == np.float64
    with pytest.raises(TypeError):
        tf.constant(1.5, dtype=tf.int32)


@pytest.mark.bad_input
def test_dtype_properties_and_equality():
    assert tf.float32.as_numpy_dtype is np.float32
    assert tf.float64.name == "float64"
    assert tf.float32.is_floating and not tf.float32.is_integer
    assert tf.int64.is_integer and tf.int64.size == 8
    assert tf.float32 == np.float32 and tf.float32 == "float32"
    assert tf.float32 != tf.float64
    assert tf.double is tf.float64
    assert tf.as_dtype(np.dtype("int32")) is tf.int32
    assert tf.as_dtype(float) is tf.float32 and tf.as_dtype(int) is tf.int32
    with pytest.raises(TypeError):
        tf.as_dtype("not_a_type")
    with pytest.raises(TypeError):
        tf.as_dtype(None)
    assert tf.float64 != None  # noqa: E711 - DType equality must not treat None as a dtype


# ---- TensorShape and Dimension -----------------------------------------------------------------
@pytest.mark.bad_input
def test_dimension_semantics():
    assert tf.Dimension(None).value is None
    assert tf.Dimension(3).value == 3
    assert (tf.Dimension(3) == 3) is True
    assert (tf.Dimension(3) == 4) is False
    assert (tf.Dimension(None) == 3) is None  # unknown: TF answers None
    assert str(tf.Dimension(None)) == "?" and str(tf.Dimension(5)) == "5"
    assert tf.Dimension(None).is_compatible_with(7)
    assert not tf.Dimension(3).is_compatible_with(4)
    assert tf.Dimension(None).merge_with(7).value == 7
    assert tf.Dimension(7).merge_with(None).value == 7
    with pytest.raises(ValueError):
        tf.Dimension(3).merge_with(4)
    with pytest.raises(ValueError):
        tf.Dimension(-1)
    assert int(tf.Dimension(4)) == 4
    with pytest.raises(TypeError):
        int(tf.Dimension(None))


def test_tensor_shape_unknown_dims():
    s = tf.TensorShape([None, 3])
    assert s.as_list() == [None, 3]
    assert s.ndims == 2 and len(s) == 2
    assert s[0].value is None and s[1].value == 3
    assert not s.is_fully_defined()
    assert s.num_elements() is None
    assert tf.TensorShape([2, 3]).num_elements() == 6
    assert tf.TensorShape([tf.Dimension(2), 3]).as_list() == [2, 3]


@pytest.mark.bad_input
def test_tensor_shape_unknown_rank():
    s = tf.TensorShape(None)
    assert s.ndims is None
    with pytest.raises(ValueError):
        s.as_list()
    assert s.is_compatible_with([1, 2, 3])
    assert s.merge_with([None, 4]).as_list() == [None, 4]


@pytest.mark.parametrize(
    "a, b, ok",
    [
        ([None, 3], [2, 3], True),
        ([None, 3], [2, 4], False),
        ([None, 3], [2, 3, 1], False),
        ([1, 3], [1, 3], True),
        ([None, None], [5, 6], True),
        ([], [], True),
        ([], [1], False),
    ],
)
def test_tensor_shape_is_compatible_with(a, b, ok):
    assert tf.TensorShape(a).is_compatible_with(b) is ok
    assert tf.TensorShape(b).is_compatible_with(tf.TensorShape(a)) is ok


def test_tensor_shape_truth_value():
    assert bool(tf.TensorShape([])) and bool(tf.TensorShape([0])) and bool(tf.TensorShape([None]))
    assert not tf.TensorShape(None)  # only an unknown rank is falsy, as in TF


@pytest.mark.bad_input
def test_tensor_shape_merge_with():
    assert tf.TensorShape([None, 3]).merge_with([2, None]).as_list() == [2, 3]
    assert tf.TensorShape([2, None]).merge_with(tf.TensorShape(None)).as_list() == [2, None]
    with pytest.raises(ValueError):
        tf.TensorShape([1, 3]).merge_with([2, 3])
    with pytest.raises(ValueError):
        tf.TensorShape([1, 3]).merge_with([1, 3, 1])


@pytest.mark.parametrize(
    "dims, text",
    [([None, 3], "(?, 3)"), ([2, 3], "(2, 3)"), ([3], "(3,)"), ([], "()"), (None, "<unknown>")],
)
def test_tensor_shape_str(dims, text):
    assert str(tf.TensorShape(dims)) == text


def test_static_shapes_flow_through_ops(g):
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.matmul(x, tf.ones([3, 4]))
    assert y.get_shape().as_list() == [None, 4]
    assert (y + tf.ones([4])).shape.as_list() == [None, 4]
    assert tf.placeholder(tf.float32).shape.ndims is None
    assert tf.reduce_sum(y, axis=1).shape.as_list() == [None]


# ---- the Graph object --------------------------------------------------------------------------
def test_default_graph_and_as_default():
    outer = tf.get_default_graph()
    g1 = tf.Graph()
    with g1.as_default() as entered:
        assert entered is g1 and tf.get_default_graph() is g1
        c = tf.constant(1.0)
        g2 = tf.Graph()
        with g2.as_default():
            assert tf.get_default_graph() is g2
        assert tf.get_default_graph() is g1
    assert tf.get_default_graph() is outer
    assert c.graph is g1
    assert c.op not in outer.get_operations()


def test_default_graph_stack_is_per_thread():
    g1 = tf.Graph()
    seen = []
    with g1.as_default():
        t = threading.Thread(target=lambda: seen.append(tf.get_default_graph()))
        t.start()
        t.join()
    # as in TF, a new thread starts at the global default graph, not at g1
    assert seen == [tf.get_default_graph()]
    assert seen[0] is not g1


def test_get_operations_in_creation_order(g):
    x = tf.placeholder(tf.float32, [1, 3], name="x")
    w = tf.constant(np.eye(3, dtype=np.float32), name="w")
    y = tf.matmul(x, w)
    assert [op.name for op in g.get_operations()] == ["x", "w", "MatMul"]
    assert g.get_operations()[2] is y.op


@pytest.mark.bad_input
def test_get_tensor_and_operation_by_name(g):
    y = tf.matmul(tf.ones([1, 3]), tf.ones([3, 2]))
    assert g.get_tensor_by_name("MatMul:0") is y
    assert g.get_operation_by_name("MatMul") is y.op
    with pytest.raises(KeyError, match="Nope"):
        g.get_tensor_by_name("Nope:0")
    with pytest.raises(KeyError, match="only has 1 outputs"):
        g.get_tensor_by_name("MatMul:1")
    with pytest.raises(KeyError, match="Nope"):
        g.get_operation_by_name("Nope")
    with pytest.raises(ValueError, match="MatMul"):
        g.get_tensor_by_name("MatMul")  # an op name, not a tensor name


def test_collections(g):
    tf.add_to_collection("mine", 1)
    g.add_to_collection("mine", 2)
    assert tf.get_collection("mine") == [1, 2]
    copy = tf.get_collection("mine")
    copy.append(3)
    assert g.get_collection("mine") == [1, 2]  # get_collection returns a copy
    ref = tf.get_collection_ref("mine")
    ref.append(3)
    assert g.get_collection("mine") == [1, 2, 3]  # the ref is the live list
    assert tf.get_collection("never_added") == []


def test_variable_collections_and_scope_filter(g):
    with tf.name_scope("a"):
        va = tf.Variable(1.0, name="v")
    with tf.name_scope("b"):
        vb = tf.Variable(2.0, name="v", trainable=False)
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [va, vb]
    assert tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES) == [va]
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope="b") == [vb]
    assert tf.global_variables(scope="a/") == [va]


@pytest.mark.bad_input
def test_reset_default_graph():
    tf.reset_default_graph()
    before = tf.get_default_graph()
    tf.Variable(1.0, name="v")
    assert len(tf.global_variables()) == 1
    tf.reset_default_graph()
    after = tf.get_default_graph()
    assert after is not before
    assert after.get_operations() == [] and tf.global_variables() == []
    assert tf.constant(1.0).name == "Const:0"  # names start over in the new graph
    with tf.Graph().as_default(), pytest.raises(AssertionError):
        tf.reset_default_graph()


# ---- naming ------------------------------------------------------------------------------------
def test_op_names_and_uniquification(g):
    a = tf.constant([[1.0, 2.0]])
    assert tf.matmul(a, tf.ones([2, 1])).name == "MatMul:0"
    assert tf.matmul(a, tf.ones([2, 1])).name == "MatMul_1:0"
    assert tf.add(a, a).name == "Add:0"
    assert tf.add(a, a).name == "Add_1:0"
    assert tf.add(a, a).name == "Add_2:0"
    assert tf.identity(a, name="out").name == "out:0"
    assert tf.identity(a, name="out").name == "out_1:0"
    assert a.name == "Const:0"


def test_name_scope_in_a_loop_like_the_tutorial(g):
    out = tf.placeholder("float", [1, 3], name="x")
    layers = []
    for _ in range(2):
        with tf.name_scope("relu") as scope:
            w = tf.Variable(tf.random_normal([3, 3]), name="w")
            b = tf.Variable(tf.zeros([1, 3]), name="b")
            mm = tf.matmul(out, w)
            out = tf.nn.relu(mm + b)
            layers.append((scope, w, b, mm, out))
    (s0, w0, b0, mm0, r0), (s1, w1, b1, mm1, r1) = layers
    assert (s0, s1) == ("relu/", "relu_1/")
    assert (w0.name, b0.name, mm0.name, r0.name) == (
        "relu/w:0",
        "relu/b:0",
        "relu/MatMul:0",
        "relu/Relu:0",
    )
    assert (w1.name, b1.name, mm1.name, r1.name) == (
        "relu_1/w:0",
        "relu_1/b:0",
        "relu_1/MatMul:0",
        "relu_1/Relu:0",
    )
    assert all(op.name.startswith(("x", "relu/", "relu_1/")) for op in g.get_operations())


def test_nested_name_scopes(g):
    with tf.name_scope("outer"):
        with tf.name_scope("inner") as scope:
            c = tf.constant(1.0, name="c")
        with tf.name_scope("inner"):
            d = tf.constant(1.0, name="c")
        e = tf.constant(1.0)
    assert scope == "outer/inner/"
    assert (c.name, d.name, e.name) == ("outer/inner/c:0", "outer/inner_1/c:0", "outer/Const:0")
    with tf.name_scope("outer/inner/"):  # a trailing slash re-enters the exact scope
        assert tf.constant(2.0, name="k").name == "outer/inner/k:0"
    assert tf.constant(3.0, name="c").name == "c:0"


def test_variable_nodes(g):
    w = tf.Variable(tf.zeros([2, 3]), name="w")
    assert w.name == "w:0" and w.op.name == "w" and w.op.type == "VariableV2"
    assert w.initializer.name == "w/Assign" and w.initializer.type == "Assign"
    assert w.value().name == "w/read:0" and w.value().op.type == "Identity"
    assert g.get_operation_by_name("w/read").inputs[0] is g.get_tensor_by_name("w:0")
    assert w.initializer.inputs[0] is g.get_tensor_by_name("w:0")
    assert w.get_shape().as_list() == [2, 3] and w.dtype == tf.float32


def test_gradient_ops_are_under_gradients_scope(g):
    x = tf.placeholder(tf.float32, [2, 3])
    w = tf.Variable(tf.ones([3, 1]), name="w")
    loss = tf.reduce_sum(tf.matmul(x, w))
    before = set(g.get_operations())
    (gw,) = tf.gradients(loss, [w])
    new = [op for op in g.get_operations() if op not in before]
    assert new and all(op.name.startswith("gradients/") for op in new)
    assert gw.name.startswith("gradients/")
    before = set(g.get_operations())
    tf.gradients(loss, [x])
    assert all(op.name.startswith("gradients_1/") for op in g.get_operations() if op not in before)


# ---- Tensor properties -------------------------------------------------------------------------
def test_tensor_properties(g):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.matmul(x, tf.ones([3, 2]), name="y")
    assert y.op.type == "MatMul" and y.op.name == "y"
    assert y.graph is g and y.op.graph is g
    assert isinstance(y.shape, tf.TensorShape)
    assert y.get_shape().as_list() == [None, 2]
    assert y.name == "y:0" and y.value_index == 0
    assert y.dtype == tf.float32
    assert y.op.outputs[0] is y
    assert y.op.inputs[0] is x
    assert x.consumers() == [y.op]


@pytest.mark.bad_input
def test_tensor_identity_semantics(g):
    a = tf.constant(1.0)
    b = tf.constant(1.0)
    assert a == a and a != b
    assert {a: 1, b: 2}[b] == 2
    with pytest.raises(TypeError):
        bool(a)


# ---- operator overloads ------------------------------------------------------------------------
def test_binary_operators_match_numpy(g):
    av = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]], np.float32)
    bv = np.array([[2.0, 1.0, -1.0], [3.0, -2.0, 0.25]], np.float32)
    a, b = tf.constant(av), tf.constant(bv)
    ops = {
        "+": a + b,
        "-": a - b,
        "*": a * b,
        "/": a / b,
        "@": a @ tf.transpose(b),
        "neg": -a,
        "r+": 1.0 + a,
        "r-": 1.0 - a,
        "r*": 2.0 * a,
        "r/": 1.0 / b,
    }
    want = {
        "+": av + bv,
        "-": av - bv,
        "*": av * bv,
        "/": av / bv,
        "@": av @ bv.T,
        "neg": -av,
        "r+": 1.0 + av,
        "r-": 1.0 - av,
        "r*": 2.0 * av,
        "r/": 1.0 / bv,
    }
    got = _run(ops)
    for k in ops:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-6, err_msg=k)


def test_comparison_operators_match_numpy(g):
    av = np.array([1.0, 2.0, 3.0], np.float32)
    bv = np.array([3.0, 2.0, 1.0], np.float32)
    a, b = tf.constant(av), tf.constant(bv)
    got = _run([a < b, a <= b, a > b, a >= b])
    for out, want in zip(got, [av < bv, av <= bv, av > bv, av >= bv]):
        assert out.dtype == np.bool_
        np.testing.assert_array_equal(out, want)


def test_numpy_operand_on_the_left(g):
    c = tf.constant([1.0, 2.0, 3.0])
    left = np.array([10.0, 20.0, 30.0])
    s = left + c
    m = np.float32(2.0) * c
    assert isinstance(s, tf.Tensor) and isinstance(m, tf.Tensor)
    assert s.dtype == tf.float32  # converted to the tensor's dtype, as in TF
    got_s, got_m = _run([s, m])
    np.testing.assert_allclose(got_s, [11.0, 22.0, 33.0])
    np.testing.assert_allclose(got_m, [2.0, 4.0, 6.0])


@pytest.mark.bad_input
def test_broadcasting_operators(g):
    xv = np.arange(6, dtype=np.float32).reshape(2, 3)
    bv = np.array([1.0, -1.0, 2.0], np.float32)
    x = tf.constant(xv)
    np.testing.assert_allclose(_run(x * tf.constant(bv) - 1.0), xv * bv - 1.0)
    with pytest.raises(ValueError):
        x + tf.constant([1.0, 2.0])


def test_variable_operators_use_its_value(g):
    v = tf.Variable([1.0, 2.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        added, scaled, negated = sess.run([v + 1.0, 2.0 * v, -v])
    np.testing.assert_array_equal(added, [2.0, 3.0])
    np.testing.assert_array_equal(scaled, [2.0, 4.0])
    np.testing.assert_array_equal(negated, [-1.0, -2.0])


def test_basic_slicing_matches_numpy(g):
    av = np.arange(12, dtype=np.float32).reshape(3, 4)
    a = tf.constant(av)
    cases = {
        "a[1]": (a[1], av[1]),
        "a[-1]": (a[-1], av[-1]),
        "a[1:]": (a[1:], av[1:]),
        "a[:, 2]": (a[:, 2], av[:, 2]),
        "a[::2, 1:3]": (a[::2, 1:3], av[::2, 1:3]),
        "a[::-1]": (a[::-1], av[::-1]),
        "a[..., 0]": (a[..., 0], av[..., 0]),
        "a[0, 3]": (a[0, 3], av[0, 3]),
    }
    got = _run({k: t for k, (t, _) in cases.items()})
    for k, (t, want) in cases.items():
        assert t.shape.as_list() == list(want.shape), k
        np.testing.assert_array_equal(got[k], want, err_msg=k)


# ---- control flow helpers ----------------------------------------------------------------------
def test_control_dependencies_order_execution(g):
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([inc]):
        after = tf.identity(v)
        doubled = tf.constant(2.0) * 3.0
    assert after.op.control_inputs == [inc.op]  # a Tensor stands for its op
    assert doubled.op.control_inputs == [inc.op]
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(after) == 1.0
        assert sess.run(after) == 2.0
        assert sess.run(doubled) == 6.0
        assert sess.run(v) == 3.0  # running `doubled` ran the increment too


@pytest.mark.bad_input
def test_nested_and_cleared_control_dependencies(g):
    a = tf.no_op(name="a")
    b = tf.no_op(name="b")
    with tf.control_dependencies([a]):
        with tf.control_dependencies([b]):
            both = tf.constant(1.0)
        with tf.control_dependencies(None):
            none = tf.constant(1.0)
    assert set(both.op.control_inputs) == {a, b}
    assert none.op.control_inputs == []
    with pytest.raises(TypeError), tf.control_dependencies([1.0]):
        pass


def test_group_and_no_op(g):
    v = tf.Variable(0.0)
    w = tf.Variable(10.0)
    grouped = tf.group(tf.assign_add(v, 1.0), tf.assign_sub(w, 2.0), name="both")
    nop = tf.no_op()
    assert isinstance(grouped, tf.Operation) and grouped.type == "NoOp"
    assert grouped.name == "both" and nop.name == "NoOp"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(grouped) is None
        assert sess.run(nop) is None
        assert sess.run([v, w]) == [1.0, 8.0]


def test_identity(g):
    xv = np.array([[1.0, 2.0]], np.float32)
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.identity(x)
    assert y is not x and y.op.type == "Identity" and y.name == "Identity:0"
    assert y.shape.as_list() == [None, 2]
    np.testing.assert_array_equal(_run(y, {x: xv}), xv)
    (gx,) = tf.gradients(tf.reduce_sum(y * y), x)
    np.testing.assert_allclose(_run(gx, {x: xv}), 2 * xv)


def test_stop_gradient(g):
    xv = np.array([1.0, 2.0, -3.0], np.float32)
    x = tf.placeholder(tf.float32, [3])
    s = tf.stop_gradient(x * 2.0)
    assert tf.gradients(s, x) == [None]
    assert tf.gradients(tf.reduce_sum(s * s), x) == [None]
    (gx,) = tf.gradients(tf.reduce_sum(s * x + x), x)  # s is a constant: d/dx = s + 1
    value, grad = _run([s, gx], {x: xv})
    np.testing.assert_array_equal(value, 2 * xv)
    np.testing.assert_allclose(grad, 2 * xv + 1)
