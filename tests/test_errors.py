"""Errors as TensorFlow 1.x raises them: the exception class, a message naming what went wrong,
and a session that still works afterwards."""

import numpy as np
import pytest

import tflite_core as tf

pytestmark = pytest.mark.bad_input

XV = np.array([[1.0, 2.0, 3.0]], np.float32)


@pytest.fixture
def net(g):
    """``relu(x @ w)`` with x a [None, 3] placeholder named ``x`` and w a Variable named ``w``."""
    x = tf.placeholder("float", [None, 3], name="x")
    w = tf.Variable(np.eye(3, dtype=np.float32), name="w")
    return x, w, tf.nn.relu(tf.matmul(x, w))


def _assert_session_works(sess, net):
    """After an error the same session still initialises, runs and gives correct values."""
    x, w, out = net
    sess.run(w.initializer)
    np.testing.assert_array_equal(sess.run(out, {x: XV}), XV)
    np.testing.assert_array_equal(sess.run(out, {x: -XV}), np.zeros_like(XV))


# ---- graph build -------------------------------------------------------------------------------
def test_matmul_shape_mismatch_at_graph_build(g):
    a = tf.placeholder(tf.float32, [1, 3])
    b = tf.placeholder(tf.float32, [4, 4])
    n_ops = len(g.get_operations())
    with pytest.raises(ValueError) as info:
        tf.matmul(a, b)
    msg = str(info.value)
    assert "MatMul" in msg and "[1,3]" in msg and "[4,4]" in msg
    assert len(g.get_operations()) == n_ops  # the failed op was not added


def test_elementwise_shape_mismatch_at_graph_build(g):
    with pytest.raises(ValueError) as info:
        tf.add(tf.ones([2, 3]), tf.ones([4]))
    msg = str(info.value)
    assert "Add" in msg and "[2,3]" in msg and "[4]" in msg


def test_dtype_mismatch_at_graph_build(g):
    with pytest.raises(TypeError):
        tf.constant(1) + tf.constant(1.0)
    with pytest.raises(TypeError):
        tf.matmul(tf.ones([1, 2]), tf.ones([2, 1], dtype=tf.float64))


def test_op_from_two_graphs(g):
    other = tf.Graph()
    with other.as_default():
        c = tf.constant(1.0)
    with pytest.raises(ValueError):
        tf.add(c, tf.constant(1.0))


# ---- feeds ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(1, 4), (3,), (2, 3, 1)])
def test_feed_of_wrong_shape(net, shape):
    x, w, out = net
    with tf.Session() as sess:
        sess.run(w.initializer)
        with pytest.raises(ValueError) as info:
            sess.run(out, {x: np.ones(shape, np.float32)})
        msg = str(info.value)
        assert "x:0" in msg and str(shape) in msg and "(?, 3)" in msg
        _assert_session_works(sess, net)


def test_missing_feed(net):
    _, w, out = net
    with tf.Session() as sess:
        sess.run(w.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(out)
        assert "placeholder tensor 'x'" in str(info.value)
        assert info.value.error_code == tf.errors.INVALID_ARGUMENT
        with pytest.raises(tf.errors.InvalidArgumentError):  # again: the error is not cached away
            sess.run(out)
        _assert_session_works(sess, net)


def test_missing_feed_of_one_of_two_placeholders(g):
    a = tf.placeholder(tf.float32, [2], name="first")
    b = tf.placeholder(tf.float32, [2], name="second")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="second"):
            sess.run(a + b, {a: [1.0, 2.0]})
        np.testing.assert_array_equal(sess.run(a + b, {a: [1.0, 2.0], b: [3.0, 4.0]}), [4.0, 6.0])


def test_tensor_as_feed_value(net):
    x, _, out = net
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="Tensor"):
            sess.run(out, {x: tf.ones([1, 3])})
        _assert_session_works(sess, net)


def test_unknown_feed_key(net):
    _, _, out = net
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="feed_dict key"):
            sess.run(out, {"nope:0": XV})
        with pytest.raises(TypeError, match="feed_dict key"):
            sess.run(out, {1: XV})
        _assert_session_works(sess, net)


def test_unconvertible_feed_value(net):
    x, _, out = net
    with tf.Session() as sess:
        with pytest.raises(ValueError):
            sess.run(out, {x: [["a", "b", "c"]]})
        _assert_session_works(sess, net)


# ---- variables ---------------------------------------------------------------------------------
def test_uninitialised_variable(net):
    x, w, out = net
    with tf.Session() as sess:
        for fetch in (w, out, w.value(), w.assign_add(np.ones((3, 3), np.float32))):
            with pytest.raises(tf.errors.FailedPreconditionError) as info:
                sess.run(fetch, {x: XV})
            assert "uninitialized value w" in str(info.value)
            assert info.value.error_code == tf.errors.FAILED_PRECONDITION
        _assert_session_works(sess, net)


def test_uninitialised_variable_names_the_right_one(g):
    a = tf.Variable(1.0, name="alpha")
    b = tf.Variable(2.0, name="beta")
    with tf.Session() as sess:
        sess.run(a.initializer)
        with pytest.raises(tf.errors.FailedPreconditionError, match="beta"):
            sess.run(a + b)
        sess.run(b.initializer)
        assert sess.run(a + b) == 3.0


# ---- fetches and sessions ----------------------------------------------------------------------
def test_closed_session(net):
    x, w, out = net
    sess = tf.Session()
    sess.run(w.initializer)
    sess.close()
    with pytest.raises(RuntimeError, match="closed"):
        sess.run(out, {x: XV})
    with pytest.raises(RuntimeError):
        sess.run(w.initializer)


def test_fetch_from_another_graph(net):
    other = tf.Graph()
    with other.as_default():
        c = tf.constant(1.0)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="graph"):
            sess.run(c)
        with pytest.raises(ValueError):
            c.eval(session=sess)
        _assert_session_works(sess, net)


def test_fetch_none_and_bad_types(net):
    with tf.Session() as sess:
        with pytest.raises(TypeError):
            sess.run(None)
        with pytest.raises(TypeError):
            sess.run([net[2], None], {net[0]: XV})
        with pytest.raises(TypeError):
            sess.run(3)
        _assert_session_works(sess, net)


def test_fetch_unknown_name(net):
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="nope"):
            sess.run("nope:0")
        _assert_session_works(sess, net)


def test_gradient_of_integer_tensor(g):
    # As TF >= 1.9: integer ys get a default gradient of ones, and no gradient flows into
    # integer tensors, so the result is None; a bool y has no default gradient (TypeError).
    x = tf.constant([1, 2])
    assert tf.gradients(x * 2, x) == [None]
    with pytest.raises(TypeError, match="numeric"):
        tf.gradients(tf.equal(x, 1), x)


# ---- the error classes -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls_name, code, value",
    [
        ("CancelledError", "CANCELLED", 1),
        ("UnknownError", "UNKNOWN", 2),
        ("InvalidArgumentError", "INVALID_ARGUMENT", 3),
        ("DeadlineExceededError", "DEADLINE_EXCEEDED", 4),
        ("NotFoundError", "NOT_FOUND", 5),
        ("AlreadyExistsError", "ALREADY_EXISTS", 6),
        ("PermissionDeniedError", "PERMISSION_DENIED", 7),
        ("ResourceExhaustedError", "RESOURCE_EXHAUSTED", 8),
        ("FailedPreconditionError", "FAILED_PRECONDITION", 9),
        ("AbortedError", "ABORTED", 10),
        ("OutOfRangeError", "OUT_OF_RANGE", 11),
        ("UnimplementedError", "UNIMPLEMENTED", 12),
        ("InternalError", "INTERNAL", 13),
        ("UnavailableError", "UNAVAILABLE", 14),
        ("DataLossError", "DATA_LOSS", 15),
        ("UnauthenticatedError", "UNAUTHENTICATED", 16),
    ],
)
def test_error_classes_and_codes(cls_name, code, value):
    cls = getattr(tf.errors, cls_name)
    assert getattr(tf.errors, code) == value
    assert issubclass(cls, tf.errors.OpError) and issubclass(cls, Exception)
    err = cls(None, None, "something broke")
    assert err.error_code == value
    assert err.message == "something broke" and str(err) == "something broke"
    assert err.op is None and err.node_def is None
    with pytest.raises(tf.errors.OpError):
        raise err


def test_op_error_base():
    assert tf.errors.OK == 0
    err = tf.errors.OpError(None, None, "msg", tf.errors.ABORTED)
    assert err.error_code == tf.errors.ABORTED and err.message == "msg"
    assert not issubclass(tf.errors.InvalidArgumentError, tf.errors.FailedPreconditionError)


def test_failed_precondition_carries_the_variable_op(g):
    v = tf.Variable(1.0, name="v")
    with tf.Session() as sess, pytest.raises(tf.errors.OpError) as info:
        sess.run(v * 2.0)
    assert isinstance(info.value, tf.errors.FailedPreconditionError)
    assert info.value.op is v.op
