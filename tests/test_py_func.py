"""``tf.py_func``, ``tf.numpy_function`` and ``tf.py_function`` side by side with TF 2.21
``compat.v1``: values, shapes known only when run, chains with kernels, and the error classes
and messages of failing functions (after which the session keeps working)."""

from __future__ import annotations

import re

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


def _both(build, feeds):
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            ps = [mod.placeholder(mod.as_dtype(v.dtype), [None] * v.ndim) for v in feeds]
            fetch = build(mod, *ps)
            with mod.Session(graph=graph) as sess:
                out.append(sess.run(fetch, dict(zip(ps, feeds))))
    return out


def _same(ours, theirs):
    if isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
        return
    a, b = np.asarray(ours), np.asarray(theirs)
    assert a.dtype == b.dtype and a.shape == b.shape, (a, b)
    np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("maker", ["py_func", "numpy_function"])
def test_values_shapes_and_kernels_after_the_function(maker):
    def build(m, x):
        y, n = getattr(m, maker)(
            lambda a: (np.sort(a) * 2, np.int32(a.size)), [x], [m.float32, m.int32]
        )
        first = getattr(m, maker)(lambda a: a[:2], [y + 1.0], m.float32)  # a chain
        return [y, n, first * 10.0, m.shape(first), m.reshape(x, m.stack([n, 1]))]

    x = np.array([3.0, 1.0, 2.0], np.float32)
    ours, theirs = _both(build, [x])
    _same(ours, theirs)


def test_static_shapes_are_unknown_as_in_tf():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            x = mod.placeholder(mod.float32, [3])
            single = mod.py_func(lambda a: a, [x], mod.float32)
            pair = mod.py_func(lambda a: (a, a), [x], [mod.float32, mod.float32])
            assert single.shape.ndims is None
            assert isinstance(pair, list) and len(pair) == 2
            assert single.op.type == "PyFunc"
            assert mod.py_func(lambda a: a, [x], mod.float32, stateful=False).op.type == (
                "PyFuncStateless"
            )
            assert mod.py_function(lambda a: a, [x], mod.float32).op.type == "EagerPyFunc"


def test_py_function_gets_tensors_with_numpy():
    def build(m, x):
        return m.py_function(lambda a: a.numpy() * 3.0 + 1.0, [x], m.float32)

    ours, theirs = _both(build, [np.array([1.0, 2.0], np.float32)])
    _same(ours, theirs)


def test_side_effects_run_once_per_run():
    calls = []

    def record(a):
        calls.append(a.copy())
        return a + 1.0

    x = tf.placeholder(tf.float32, [None])
    y = tf.py_func(record, [x], tf.float32)
    z = y * 2.0
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run([y, z], {x: [1.0]}), [[2.0], [4.0]])
        assert len(calls) == 1
        sess.run(z, {x: [5.0, 6.0]})
        assert len(calls) == 2 and calls[-1].tolist() == [5.0, 6.0]


def _failure(mod, graph, fn, tout="float32"):
    with graph.as_default():
        x = mod.constant([1.0, 2.0])
        y = getattr(mod, fn[0])(fn[1], [x], getattr(mod, tout))
        with mod.Session(graph=graph) as sess:
            with pytest.raises(Exception) as e:
                sess.run(y)
            ok = sess.run(x * 2.0)  # the session still works
    np.testing.assert_array_equal(ok, [2.0, 4.0])
    return e.value


def _bad_value(a):
    raise ValueError("boom")


def _bad_key(a):
    raise KeyError("kk")


def _bad_stop(a):
    raise StopIteration("s")


def _bad_index(a):
    return a[10]


CASES = [
    (maker, fn)
    for maker in ("py_func", "numpy_function", "py_function")
    for fn in (_bad_value, _bad_key, _bad_stop, _bad_index)
    if not (maker == "py_function" and fn is _bad_index)  # (TF's own slicing error there)
]


@pytest.mark.bad_input
@pytest.mark.parametrize(("maker", "fn"), CASES)
def test_exceptions_become_tf_errors(maker, fn):
    ours = _failure(tf, tf.Graph(), (maker, fn))
    theirs = _failure(T, real_tf.Graph(), (maker, fn))
    assert type(ours).__name__ == type(theirs).__name__
    first = re.compile(
        r"^(ValueError|KeyError|StopIteration|IndexError|InvalidArgument\w*): .*$", re.M
    )
    assert first.search(str(ours)).group(0) == first.search(str(theirs)).group(0)
    assert fn.__name__ in str(ours)  # the traceback names the function


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "fn",
    [
        lambda a: a.astype(np.float64),  # wrong dtype
        lambda a: [a, a],  # wrong count
        lambda a: 1.0,  # a Python float is a double
    ],
)
def test_wrong_results_are_invalid_argument(fn):
    ours = _failure(tf, tf.Graph(), ("py_func", fn))
    theirs = _failure(T, real_tf.Graph(), ("py_func", fn))
    assert type(ours).__name__ == type(theirs).__name__ == "InvalidArgumentError"
    token = re.compile(r"pyfunc_\d+")
    line = re.compile(r"^.*pyfunc_\d+.*$", re.M)
    assert token.sub("T", line.search(str(ours)).group(0)) == token.sub(
        "T", line.search(str(theirs)).group(0)
    )


def test_no_outputs_runs_for_its_effect():
    seen = []
    x = tf.placeholder(tf.float32, [2])
    op = tf.py_func(lambda a: seen.append(a.sum()), [x], [])
    assert isinstance(op, tf.Operation)
    with tf.Session() as sess:
        sess.run(op, {x: [1.0, 2.0]})
    assert seen == [3.0]


@pytest.mark.bad_input
def test_not_callable():
    with pytest.raises(ValueError, match="callable"):
        tf.py_func(3, [tf.constant(1.0)], tf.float32)


def test_values_read_by_the_function_and_by_kernels_are_computed_once():
    def build(m):
        r = m.random_uniform([4], seed=3)
        y = m.py_func(lambda a: a * 1, [r], m.float32)
        return [r - y, m.reduce_sum(m.abs(r - y))]

    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            fetch = build(mod)
            with mod.Session(graph=graph) as sess:
                diff, total = sess.run(fetch)
        np.testing.assert_array_equal(diff, np.zeros(4, np.float32))
        assert total == 0.0


def test_gradient_of_a_function_output_read_for_its_shape_only():
    # the gradient of c * f(part) reduces to f's shape (SumToShape reads f only for its shape):
    # f runs first, so that its shape is known when the plan is compiled (Print: a plan step)
    part = tf.constant(np.ones((1, 4)))
    f = tf.py_func(lambda a: np.concatenate([a, 2 * a, 3 * a]), [part], tf.float64)
    f.set_shape([None, 4])
    c = tf.constant(np.arange(12.0).reshape(3, 4))
    grad = tf.gradients(tf.reduce_sum(c * f), f)[0]
    with tf.Session() as sess:
        np.testing.assert_array_equal(
            sess.run(tf.Print(grad, [grad])), np.arange(12.0).reshape(3, 4)
        )
