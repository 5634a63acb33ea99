"""check_ops, ``tf.Assert`` and ``tf.check_numerics`` side by side with TF 2.21 ``compat.v1``:
the same graphs pass or fail the same way, with the same error classes and messages (the
``assertion failed: [...]`` line with its data summary; build-time messages whole)."""

from __future__ import annotations

import re

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


def _run_both(build, feeds):
    """Runs ``build(module, *placeholders)`` in tflite_core and TF: per library, the fetched
    value or the raised exception."""
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            ps = [mod.placeholder(mod.as_dtype(v.dtype), [None] * v.ndim) for v in feeds]
            fetch = build(mod, *ps)
            with mod.Session(graph=graph) as sess:
                try:
                    out.append(sess.run(fetch, dict(zip(ps, feeds))))
                except Exception as e:
                    out.append(e)
    return out


def _build_both(build):
    """``build(module)`` at graph build in both libraries: the exception each raises (or
    None)."""
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            try:
                build(mod)
                out.append(None)
            except Exception as e:
                out.append(e)
    return out


def _assert_line(e: Exception) -> str:
    m = re.search(r"^(assertion failed: .*|In\[0\] should be .*)$", str(e), re.M)
    assert m, str(e)
    return m.group(1)


def _same_failure(ours, theirs):
    assert isinstance(theirs, Exception), theirs
    assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)
    assert _assert_line(ours) == _assert_line(theirs)


def _checked(check):
    """A fetch that runs ``check(m, x, y)`` before returning x."""

    def build(m, x, y):
        c = check(m, x, y)
        with m.control_dependencies([c]):
            return m.identity(x)

    return build


BINARY = [
    ("assert_equal", [1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 2.0, 4.0]),
    ("assert_none_equal", [1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [4.0, 2.0, 6.0]),
    ("assert_less", [1.0, 2.0, 3.0], [2.0, 3.0, 4.0], [2.0, 2.0, 4.0]),
    ("assert_less_equal", [1.0, 2.0, 3.0], [1.0, 3.0, 3.0], [1.0, 1.0, 3.0]),
    ("assert_greater", [3.0, 4.0, 5.0], [2.0, 3.0, 4.0], [3.0, 4.0, 6.0]),
    ("assert_greater_equal", [3, 4, 5], [3, 3, 5], [3, 5, 5]),
]


@pytest.mark.parametrize(("name", "x", "ok", "bad"), BINARY, ids=[b[0] for b in BINARY])
def test_binary_asserts_pass_and_fail_as_tf(name, x, ok, bad):
    x = np.array(x)
    x = x.astype(np.int32) if x.dtype.kind == "i" else x.astype(np.float32)
    build = _checked(lambda m, a, b: getattr(m, name)(a, b, message="check", summarize=2))
    ours, theirs = _run_both(build, [x, np.array(ok, x.dtype)])
    np.testing.assert_array_equal(ours, theirs)
    ours, theirs = _run_both(build, [x, np.array(bad, x.dtype)])
    _same_failure(ours, theirs)


UNARY = [
    ("assert_positive", [1.0, 2.0], [1.0, 0.0, -1.0]),
    ("assert_negative", [-1.0, -2.0], [-1.0, 0.0]),
    ("assert_non_negative", [0.0, 2.0], [0.0, -2.0]),
    ("assert_non_positive", [0, -2], [0, 5, 7, 9]),
]


@pytest.mark.parametrize(("name", "ok", "bad"), UNARY, ids=[u[0] for u in UNARY])
def test_unary_asserts_pass_and_fail_as_tf(name, ok, bad):
    dt = np.int64 if isinstance(ok[0], int) else np.float64

    def build(m, x):
        with m.control_dependencies([getattr(m, name)(x, message="sign")]):
            return m.identity(x)

    ours, theirs = _run_both(build, [np.array(ok, dt)])
    np.testing.assert_array_equal(ours, theirs)
    ours, theirs = _run_both(build, [np.array(bad, dt)])
    _same_failure(ours, theirs)


@pytest.mark.bad_input
def test_assert_near_fails_with_tf_message():
    build = _checked(lambda m, a, b: m.assert_near(a, b, rtol=0.01, atol=0.001))
    x = np.array([1.0, 2.0, 3.0], np.float32)
    ours, theirs = _run_both(build, [x, x * 1.001])
    np.testing.assert_array_equal(ours, theirs)
    ours, theirs = _run_both(build, [x, x * 1.1])
    assert type(ours).__name__ == type(theirs).__name__ == "InvalidArgumentError"
    # TF's message names its rtol/atol tensors ("assert_near/rtol:0"): compare with them removed
    scrub = re.compile(r"Tensor\(.*?\)")
    assert scrub.sub("T", _assert_line(ours)) == scrub.sub("T", _assert_line(theirs))


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "check",
    [
        lambda m: m.assert_equal(m.constant([1, 2]), m.constant([1, 3])),
        lambda m: m.assert_positive(m.constant([1.0, -2.0, 3.0]), message="msg"),
        lambda m: m.assert_rank(m.constant([1, 2]), 2),
        lambda m: m.assert_rank_at_least(m.constant([1, 2]), 2, message="r"),
        lambda m: m.assert_rank_in(m.constant([1]), (0, 2)),
        lambda m: m.assert_scalar(m.constant([1, 2])),
        lambda m: m.assert_integer(m.constant(1.0)),
        lambda m: m.assert_type(m.constant(1.0), m.int32),
        lambda m: m.assert_same_float_dtype([m.constant(1.0), m.constant(1.0, m.float64)]),
        lambda m: m.assert_same_float_dtype([m.constant(1)]),
        lambda m: m.assert_proper_iterable(np.zeros(2)),
        lambda m: m.assert_proper_iterable(3),
        lambda m: m.assert_rank(m.constant([1, 2]), m.constant([1])),
    ],
)
def test_static_checks_raise_at_graph_build_as_tf(check):
    ours, theirs = _build_both(check)
    assert theirs is not None
    assert type(ours) is type(theirs) or type(ours).__name__ == type(theirs).__name__
    assert str(ours) == str(theirs)


@pytest.mark.parametrize(
    "check",
    [
        lambda m: m.assert_equal(m.constant([1, 2]), m.constant([1, 2])),
        lambda m: m.assert_rank(m.constant([1, 2]), 1),
        lambda m: m.assert_rank_at_least(m.constant([[1]]), 1),
        lambda m: m.assert_rank_in(m.constant([1]), (1, 2)),
        lambda m: m.assert_integer(m.constant(1)),
        lambda m: m.assert_type(m.constant(1.0), m.float32),
        lambda m: m.assert_scalar(m.constant(1)),
        lambda m: m.assert_proper_iterable([1, 2]),
    ],
)
def test_static_checks_that_hold_build_without_error(check):
    assert _build_both(check) == [None, None]


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("name", "rank", "x"),
    [
        ("assert_rank", 2, np.zeros(3, np.float32)),
        ("assert_rank_at_least", 3, np.zeros((2, 2), np.float32)),
    ],
)
def test_rank_checks_at_run_time(name, rank, x):
    def build(m, _):
        u = m.placeholder(m.float32, None, name="u")
        with m.control_dependencies([getattr(m, name)(u, rank)]):
            return m.identity(u)

    outs = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            y = build(mod, None)
            with mod.Session(graph=graph) as sess:
                u = graph.get_tensor_by_name("u:0")
                ok = np.zeros((1,) * rank, np.float32)
                np.testing.assert_array_equal(sess.run(y, {u: ok}), ok)
                with pytest.raises(Exception) as e:
                    sess.run(y, {u: x})
                outs.append(e.value)
    _same_failure(*outs)


def test_assert_rank_in_at_run_time():
    outs = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            u = mod.placeholder(mod.float32, None, name="u")
            with mod.control_dependencies([mod.assert_rank_in(u, (1, 3))]):
                y = mod.identity(u)
            with mod.Session(graph=graph) as sess:
                assert sess.run(y, {u: np.ones(2)}).shape == (2,)
                with pytest.raises(Exception) as e:
                    sess.run(y, {u: np.ones((2, 2))})
                outs.append(e.value)
    _same_failure(*outs)


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("data", "summarize"),
    [
        (lambda m: [m.constant([1.5, 2.0, 1 / 3.0]), "hello", m.constant(3)], None),
        (lambda m: [m.constant(np.arange(10))], None),
        (lambda m: [m.constant([[True, False]])], None),
        (lambda m: [m.constant(np.arange(10.0)) / 3.0, m.constant([[1, 2, 3], [4, 5, 6]])], 4),
        (lambda m: [m.constant(np.arange(24).reshape(2, 3, 4))], 7),
        (lambda m: [m.constant([np.inf, -np.inf, np.nan, 1e-30, 123456789.0])], -1),
        (lambda m: ['quote " and \\ backslash', m.constant(np.zeros((2, 0)))], None),
        (lambda m: [m.constant(7.25, m.float64), m.constant(-3, m.int64)], 2),
    ],
)
def test_assert_data_summary_matches_tf(data, summarize):
    outs = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            c = mod.placeholder(mod.bool, [])
            a = mod.Assert(c, data(mod), summarize=summarize)
            with mod.Session(graph=graph) as sess:
                sess.run(a, {c: True})
                with pytest.raises(Exception) as e:
                    sess.run(a, {c: False})
                outs.append(e.value)
    _same_failure(*outs)


@pytest.mark.bad_input
def test_assert_condition_must_be_a_scalar():
    outs = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            c = mod.placeholder(mod.bool, [None])
            a = mod.Assert(c, [1])
            with mod.Session(graph=graph) as sess:
                with pytest.raises(Exception) as e:
                    sess.run(a, {c: [False, True]})
                outs.append(e.value)
    _same_failure(*outs)


def test_assert_fails_the_whole_run_and_the_session_goes_on():
    with tf.Graph().as_default():
        _check_whole_run_fails()


def _check_whole_run_fails():
    x = tf.placeholder(tf.float32, [None])
    v = tf.Variable(0.0)
    check = tf.assert_positive(x)
    with tf.control_dependencies([check]):
        step = tf.assign_add(v, tf.reduce_sum(x))
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(step, {x: [1.0, 2.0]}) == 3.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="did not hold"):
            sess.run(step, {x: [1.0, -2.0]})
        assert sess.run(v) == 3.0  # the update did not run
        assert sess.run(step, {x: [4.0]}) == 7.0


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "values",
    [[1.0, np.nan], [1.0, np.inf], [-np.inf, np.nan], [np.nan, np.nan]],
)
def test_check_numerics_fails_as_tf(values):
    outs = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            x = mod.placeholder(mod.float64, [None])
            y = mod.check_numerics(x * 2.0, "bad x")
            with mod.Session(graph=graph) as sess:
                np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])
                with pytest.raises(Exception) as e:
                    sess.run(y, {x: values})
                outs.append(e.value)
    ours, theirs = outs
    assert type(ours).__name__ == type(theirs).__name__ == "InvalidArgumentError"
    line = re.compile(r"^bad x : Tensor had .*$", re.M)
    assert line.search(str(ours)).group(0) == line.search(str(theirs)).group(0)


def test_check_numerics_gradient_and_verify_tensor_all_finite():
    def build(m, x):
        y = m.check_numerics(x * x, "sq")
        z = m.verify_tensor_all_finite(y, "finite")
        return [z, m.gradients(m.reduce_sum(z), x)[0]]

    x = np.array([1.0, -2.0, 3.0])
    ours, theirs = _run_both(build, [x])
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b)


@pytest.mark.bad_input
def test_add_check_numerics_ops_checks_every_float_tensor():
    outs = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            x = mod.placeholder(mod.float32, [2], name="x")
            y = mod.log(x, name="log")
            z = mod.identity(y * 2.0, name="z")
            check = mod.add_check_numerics_ops()
            with mod.Session(graph=graph) as sess:
                np.testing.assert_allclose(
                    sess.run([z, check], {x: [1.0, 2.0]})[0], 2 * np.log([1.0, 2.0])
                )
                with pytest.raises(Exception) as e:
                    sess.run([z, check], {x: [-1.0, 2.0]})
                outs.append(e.value)
    ours, theirs = outs
    assert type(ours).__name__ == type(theirs).__name__ == "InvalidArgumentError"
    line = re.compile(r"^log:0 : Tensor had NaN values$", re.M)
    assert line.search(str(ours)) and line.search(str(theirs))


def test_predicates_match_tf():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            f, b, i = mod.constant(1.0), mod.constant(True), mod.constant(2)
            assert [mod.is_numeric_tensor(t) for t in (f, b, i, 1.0)] == [True, False, True, False]
            assert [mod.is_tensor(t) for t in (f, 1.0, np.zeros(1))] == [True, False, False]
            assert mod.debugging.is_numeric_tensor(f) if mod is T else True
        assert mod.assert_same_float_dtype(None, None) == mod.float32


def test_variable_state_queries():
    with tf.Graph().as_default():
        _check_variable_state_queries()


def _check_variable_state_queries():
    v = tf.Variable([1.0, 2.0], name="v")
    tf.get_variable("w", [2, 3])
    init_v = tf.is_variable_initialized(v)
    report = tf.report_uninitialized_variables()
    ranks = tf.assert_variables_initialized()
    with tf.Session() as sess:
        assert not sess.run(init_v)
        np.testing.assert_array_equal(sess.run(report), [b"v", b"w"])
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value"):
            sess.run(ranks)
        sess.run(v.initializer)
        assert sess.run(init_v)
        np.testing.assert_array_equal(sess.run(report), [b"w"])
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(ranks), [1, 2])
        assert sess.run(report).shape == (0,)
    with tf.Session() as other:  # state is per session
        assert not other.run(init_v)
