"""Division, modulo, top_k's fed k and empty tensors side by side with TF 2.21 ``compat.v1``
(graph mode, the same inputs): values, dtypes, static and run-time shapes, error classes and
message substrings.

TF's VALID windows larger than their input are compared in float64: TF's default float32 kernels
there are oneDNN's, which crash the process (max_pool: SIGFPE) or give another shape (conv2d);
its Eigen kernels (float64, or ``TF_ENABLE_ONEDNN_OPTS=0``) give the empty outputs followed here.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest
import tensorflow as real_tf  # the test extra, as in test_session_semantics

import tflite_core as tf

T = real_tf.compat.v1


def _both(build, feeds=None):
    """``build(module)`` -> (fetches, {name: value} feeds) run in tflite_core and in TF: a pair
    of (values or exception, static shapes) per side."""
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            try:
                fetches, placeholders = build(mod)
            except Exception as e:
                out.append((e, None))
                continue
            statics = [t.shape.as_list() if t.shape.ndims is not None else None for t in fetches]
            fd = {placeholders[k]: v for k, v in (feeds or {}).items()}
            with mod.Session(graph=graph) as sess:
                try:
                    out.append((sess.run(fetches, fd), statics))
                except Exception as e:
                    out.append((e, statics))
    return out


def _same_values(ours, theirs, rtol=0.0):
    assert isinstance(ours, list) and isinstance(theirs, list), (ours, theirs)
    for a, b in zip(ours, theirs):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape, (a, b)
        if rtol:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=0, equal_nan=True)
        else:
            np.testing.assert_array_equal(a, b)  # exact (NaN == NaN)
        if a.dtype.kind == "f":  # and the sign of zero
            np.testing.assert_array_equal(np.signbit(a), np.signbit(b))


def _same_error(ours, theirs, substring):
    assert isinstance(theirs, Exception) and substring in str(theirs), theirs
    assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)
    assert substring in str(ours), ours


def _check(build, feeds=None, error=None, rtol=0.0):
    (ours, s_ours), (theirs, s_theirs) = _both(build, feeds)
    if error is not None:
        _same_error(ours, theirs, error)
    else:
        _same_values(ours, theirs, rtol)
    if s_theirs is not None or s_ours is not None:
        assert s_ours == s_theirs, (s_ours, s_theirs)


# ---- integer and float division ------------------------------------------------------------------
INT_X = [7, -7, 7, -7, 0, 1, -1, 6, -6, 5]
INT_Y = [2, 2, -2, -2, 3, -3, 3, 3, -3, 7]


def _int_operands(dtype):
    info = np.iinfo(dtype)
    x = np.array([*INT_X, info.min, info.min, info.max, info.max, info.min + 1], dtype)
    y = np.array([*INT_Y, -1, 1, -1, info.min, -1], dtype)
    return x, y


DIVISION_BUILDERS = {
    "//": lambda m, a, b: a // b,
    "%": lambda m, a, b: a % b,
    "div": lambda m, a, b: m.div(a, b),
    "floordiv": lambda m, a, b: m.floordiv(a, b),
    "floor_div": lambda m, a, b: m.floor_div(a, b),
    "floormod": lambda m, a, b: m.floormod(a, b),
    "mod": lambda m, a, b: m.mod(a, b),
    "truncatediv": lambda m, a, b: m.truncatediv(a, b),
    "truncatemod": lambda m, a, b: m.truncatemod(a, b),
    "math.floordiv": lambda m, a, b: m.math.floordiv(a, b),
    "math.floormod": lambda m, a, b: m.math.floormod(a, b),
    "math.mod": lambda m, a, b: m.math.mod(a, b),
}


@pytest.mark.parametrize("fn", sorted(DIVISION_BUILDERS))
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_integer_division_matches_tf(fn, dtype):
    """Negative operands, INT_MIN // -1 (INT_MIN), INT_MIN % -1 (0), INT_MAX // INT_MIN: the same
    values, dtype, node name and op type as TF."""
    x, y = _int_operands(dtype)
    build = DIVISION_BUILDERS[fn]

    def graph(m):
        a, b = m.placeholder(m.as_dtype(dtype), [None]), m.constant(y)
        out = build(m, a, b)
        return [out, m.constant(x) // 3, 11 // b, 11 % b, b % 4], {"a": a}

    _check(graph, {"a": x})
    names = []
    for m, g in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with g.as_default():
            out = build(m, m.constant(x), m.constant(y))
            names.append((out.name, out.op.type, out.dtype.name))
    assert names[0] == names[1]


@pytest.mark.parametrize("fn", ["//", "%", "div", "floordiv", "mod", "truncatediv", "truncatemod"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_division_matches_tf(fn, dtype):
    """Floats: floor(x / y) for FloorDiv, Python's sign rule for FloorMod (fmod moved by y),
    trunc/fmod for the Truncate ops, RealDiv for tf.div; infinities, NaN, zeros and -0.0."""
    specials = [np.inf, -np.inf, np.nan, 0.0, -0.0, 1.0, -1.0, 5.5, -5.5, 3.0]
    x = np.array([*specials, 7, -7, 7, -7, 0.5, 1e30], dtype)
    x, y = np.meshgrid(x, np.array([*specials, 2, 2, -2, -2, 0.25, 3e-30], dtype))
    build = DIVISION_BUILDERS[fn]

    def graph(m):
        a, b = m.placeholder(m.as_dtype(dtype), None), m.placeholder(m.as_dtype(dtype), None)
        return [build(m, a, b), build(m, a, m.constant(y[:, :1]))], {"a": a, "b": b}

    # (TF's float32 RealDiv multiplies by an approximate reciprocal: 1 / 1 = 0.99999994)
    # (TF's RealDiv multiplies by an approximate reciprocal: 1 / 1 = 0.99999994 in float32, 7 / 3
    # one ulp off in float64; the other ops are exact)
    rtol = {np.float32: 1e-6, np.float64: 1e-15}[dtype] if fn == "div" else 0.0
    _check(graph, {"a": x, "b": y}, rtol=rtol)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize(
    "fn, cls, message",
    [
        ("//", "InvalidArgumentError", "Integer division by zero"),
        ("%", "InvalidArgumentError", "Integer division by zero"),
        ("div", "InvalidArgumentError", "Integer division by zero"),
        ("floordiv", "InvalidArgumentError", "Integer division by zero"),
        ("mod", "InvalidArgumentError", "Integer division by zero"),
        # TF names only Div, Mod, FloorDiv and FloorMod in its zero-division check: the
        # Truncate ops give the binary op's generic INTERNAL error
        ("truncatediv", "InternalError", "Unexpected error in binary operator"),
        ("truncatemod", "InternalError", "Unexpected error in binary operator"),
    ],
)
def test_integer_division_by_zero_is_tfs_error(dtype, fn, cls, message):
    build = DIVISION_BUILDERS[fn]
    results = []
    for m, g in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with g.as_default():
            a, b = m.placeholder(m.as_dtype(dtype), [3]), m.placeholder(m.as_dtype(dtype), [3])
            out = build(m, a, b)
            with m.Session() as sess:
                with pytest.raises(m.errors.OpError) as info:
                    sess.run(out, {a: [1, 2, 3], b: [1, 0, 1]})
                # the session keeps working afterwards
                results.append((info.value, sess.run(out, {a: [7, -7, 3], b: [2, 2, -1]})))
    (ours, after_ours), (theirs, after_theirs) = results
    assert type(theirs).__name__ == cls and message in str(theirs)
    _same_error(ours, theirs, message)
    np.testing.assert_array_equal(after_ours, after_theirs)


def test_division_type_rules_match_tf():
    """Bool operands and a float Python number against an int tensor are TypeErrors in both;
    tf.div of Python ints is an int FloorDiv, of floats a RealDiv."""
    for build in (
        lambda m: m.floordiv(m.constant([True]), m.constant([True])),
        lambda m: m.constant([1, 2]) // 2.5,
        lambda m: m.floormod(m.constant([1, 2]), m.constant([1.0, 2.0])),
    ):
        errs = []
        for m, g in ((tf, tf.Graph()), (T, real_tf.Graph())):
            with g.as_default(), pytest.raises(TypeError) as info:
                build(m)
            errs.append(info.value)
        assert all(isinstance(e, TypeError) for e in errs)
    _check(lambda m: ([m.div(7, 2), m.div(-7, 2), m.div(7.0, 2), m.floordiv(-7, 2)], {}))


def test_division_gradients_match_tf():
    """FloorMod's gradient is TF's (dx = g, dy = -floor_div(x, y) g); FloorDiv, TruncateDiv and
    integer inputs give None; RealDiv and tf.div of floats TF's; TruncateMod has none
    (LookupError)."""
    x = np.array([[7.0, -7.0, 5.5], [0.5, -2.5, 9.0]])
    y = np.array([2.0, 2.0, -2.0])

    def graph(m):
        a, b = m.placeholder(m.float64, [2, 3]), m.placeholder(m.float64, [3])
        fetches = [
            *m.gradients(a % b, [a, b]),
            *m.gradients(m.floormod(a, b) * a, [a, b]),
            *m.gradients(m.realdiv(a, b), [a, b]),
            *m.gradients(m.div(a, b), [a, b]),
        ]
        return fetches, {"a": a, "b": b}

    _check(graph, {"a": x, "b": y})
    for m, g in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with g.as_default():
            a, b = m.constant(x), m.constant(y)
            assert m.gradients(a // b, [a, b]) == [None, None]
            assert m.gradients(m.truncatediv(a, b), [a, b]) == [None, None]
            i, j = m.constant([7, -7]), m.constant([2, 2])
            assert m.gradients(i % j, [i, j]) == [None, None]
            with pytest.raises(LookupError, match="No gradient defined for operation"):
                m.gradients(m.truncatemod(a, b), [a, b])


# ---- top_k with a fed k --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "k, error",
    [
        (5, "input must have at least k columns. Had 3, needed 5"),
        (-1, "Need k >= 0, got -1"),
        (0, None),
        (2, None),
        (3, None),
    ],
)
@pytest.mark.parametrize("known", [True, False], ids=["known", "unknown"])
def test_top_k_with_a_fed_k_matches_tf(k, error, known):
    x = np.array([[1.0, 3.0, 2.0], [5.0, 4.0, 6.0]], np.float32)

    def graph(m):
        a = m.placeholder(m.float32, [2, 3] if known else None)
        kk = m.placeholder(m.int32, [])
        values, indices = m.nn.top_k(a, kk)
        return [values, indices], {"a": a, "k": kk}

    _check(graph, {"a": x, "k": k}, error)


def test_top_k_with_a_computed_k_matches_tf():
    """k computed in the graph from a fed value (k = n + 2): TF's InvalidArgumentError."""

    def graph(m):
        a, n = m.placeholder(m.float32, [2, 3]), m.placeholder(m.int32, [])
        return list(m.nn.top_k(a, n + 2)), {"a": a, "n": n}

    _check(graph, {"a": np.ones((2, 3), np.float32), "n": 3}, "Had 3, needed 5")
    _check(graph, {"a": np.ones((2, 3), np.float32), "n": 0})


# ---- empty tensors -------------------------------------------------------------------------------
RESHAPES = [
    ((0, 4), [-1, 4], None),
    ((0, 4), [0, -1], None),
    ((0, 4), [-1, 0], None),
    ((0, 4), [-1, 2, 0], None),
    ((0, 4), [-1, 5, 0], None),
    ((0, 4), [-1], None),
    ((0, 4), [2, -1, 3], None),
    ((0, 4), [0, 3], None),
    ((0, 3, 4), [-1, 0], None),
    ((0,), [-1, 0, 0], None),
    ((0, 4), [-1, -1], "Only one input size may be -1, not both 0 and 1"),
    ((3, 4), [-1, -1], "Only one input size may be -1, not both 0 and 1"),
]


@pytest.mark.parametrize("known", [True, False], ids=["known", "unknown"])
@pytest.mark.parametrize("shape, target, error", RESHAPES, ids=[str(r[:2]) for r in RESHAPES])
def test_reshape_of_empty_tensors_matches_tf(shape, target, error, known):
    """The static shape at build (TF's shape inference: a -1 beside a 0 stays unknown) and the
    run-time shape (TF's kernel: a 0 in the target leaves the input's 0 dims out of the count,
    so [0,4] -> [-1,0] is [4,0])."""

    def graph(m):
        a = m.placeholder(m.float32, list(shape) if known else None)
        return [m.reshape(a, target)], {"a": a}

    _check(graph, {"a": np.zeros(shape, np.float32)}, error)


@pytest.mark.parametrize(
    "shape, target, error",
    [
        (
            (3, 4),
            [-1, 0],
            "Input to reshape is a tensor with 12 values, but the requested shape has 0",
        ),
        ((3, 4), [-1, 5], "requested shape requires a multiple of 5"),
        (
            (3, 4),
            [5, 2],
            "Input to reshape is a tensor with 12 values, but the requested shape has 10",
        ),
    ],
)
def test_reshape_errors_at_run_time_match_tf(shape, target, error):
    def graph(m):
        a = m.placeholder(m.float32, None)
        return [m.reshape(a, target)], {"a": a}

    _check(graph, {"a": np.zeros(shape, np.float32)}, error)


@pytest.mark.parametrize(
    "shape, target, message",
    [
        ((3, 4), [-1, 0], "Cannot reshape a tensor with 12 elements to shape [?,0] (0 elements)"),
        ((3, 4), [-1, 5], "Dimension size must be evenly divisible by 5 but is 12"),
        ((3, 4), [5, 2], "Cannot reshape a tensor with 12 elements to shape [5,2] (10 elements)"),
    ],
)
def test_reshape_errors_at_build_match_tf(shape, target, message):
    for m, g in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with g.as_default(), pytest.raises(ValueError) as info:
            m.reshape(m.zeros(shape), target)
        assert message in str(info.value)


WINDOWS = {
    "max_pool": lambda m, x: m.nn.max_pool(x, [1, 3, 3, 1], [1, 1, 1, 1], "VALID"),
    "avg_pool": lambda m, x: m.nn.avg_pool(x, [1, 3, 3, 1], [1, 1, 1, 1], "VALID"),
    "max_pool_s2": lambda m, x: m.nn.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "VALID"),
    "conv2d": lambda m, x: m.nn.conv2d(x, m.ones([3, 3, 1, 2], x.dtype), [1, 1, 1, 1], "VALID"),
    "conv2d_s2": lambda m, x: m.nn.conv2d(x, m.ones([3, 3, 1, 2], x.dtype), [1, 2, 2, 1], "VALID"),
    "depthwise": lambda m, x: m.nn.depthwise_conv2d(
        x, m.ones([3, 3, 1, 2], x.dtype), [1, 1, 1, 1], "VALID"
    ),
    "conv2d_same": lambda m, x: m.nn.conv2d(x, m.ones([3, 3, 1, 2], x.dtype), [1, 1, 1, 1], "SAME"),
}
INPUTS = [(1, 2, 2, 1), (1, 3, 2, 1), (2, 1, 5, 1), (0, 4, 4, 1), (0, 2, 2, 1), (1, 0, 0, 1)]


@pytest.mark.parametrize("shape", INPUTS, ids=str)
@pytest.mark.parametrize("op", sorted(WINDOWS))
def test_windows_larger_than_the_input_match_tf(op, shape):
    """Input smaller than a VALID window, fed through an unknown static shape: TF's kernel rule,
    (size - window + stride) / stride rounded toward zero, an empty output where that is 0 and
    TF's InvalidArgumentError where it is negative (an empty input)."""
    x = np.ones(shape, np.float64)
    stride = 2 if "s2" in op else 1
    error = None
    if "same" not in op and any(int((n - 3 + stride) / stride) < 0 for n in shape[1:3]):
        error = "Computed output size would be negative"

    def graph(m):
        a = m.placeholder(m.float64, [None, None, None, 1])
        return [WINDOWS[op](m, a)], {"a": a}

    _check(graph, {"a": x}, error)
    # float32 (TF's float64 kernels as the reference): the same shapes and values
    _, (theirs, _) = _both(graph, {"a": x})
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [None, None, None, 1])
        y = WINDOWS[op](tf, a)
        with tf.Session() as sess:
            if error:
                with pytest.raises(tf.errors.InvalidArgumentError, match="would be negative"):
                    sess.run(y, {a: x.astype(np.float32)})
            else:
                got = sess.run(y, {a: x.astype(np.float32)})
                np.testing.assert_array_equal(got, np.asarray(theirs[0], np.float32))


@pytest.mark.parametrize("shape", [(1, 2, 2, 1), (1, 3, 2, 1)], ids=str)
@pytest.mark.parametrize("op", ["max_pool", "avg_pool", "conv2d", "depthwise"])
def test_windows_larger_than_a_known_input_fail_at_build_as_tf(op, shape):
    for m, g in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with g.as_default(), pytest.raises(ValueError) as info:
            WINDOWS[op](m, m.zeros(shape, m.float64))
        assert "Negative dimension size caused by subtracting 3 from 2" in str(info.value)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
@pytest.mark.parametrize("axis", [0, 1, None, [0, 1]], ids=str)
@pytest.mark.parametrize(
    "fn", ["reduce_max", "reduce_min", "reduce_sum", "reduce_prod", "reduce_mean"]
)
@pytest.mark.parametrize("known", [True, False], ids=["known", "unknown"])
def test_reductions_over_empty_axes_match_tf(fn, axis, dtype, known):
    """max/min give -inf/+inf for floats and the dtype's lowest/highest for integers; sum 0,
    prod 1, mean NaN (0 for integers)."""

    def graph(m):
        a = m.placeholder(m.as_dtype(dtype), [0, 3] if known else None)
        reduce = getattr(m, fn)
        return [reduce(a, axis), reduce(a, axis, keepdims=True)], {"a": a}

    _check(graph, {"a": np.zeros((0, 3), dtype)})


@pytest.mark.parametrize(
    "ids, error",
    [
        ([0, -1, 1, 1], None),
        ([-5, -1, -2, -3], None),
        ([[0, -1], [1, -7]], None),
        ([0, 2, 1, 1], "segment_ids[1] = 2 is out of range [0, 2)"),
        ([[0, 7], [1, 1]], "segment_ids[0,1] = 7 is out of range [0, 2)"),
        ([-1, 5, 1, 1], "segment_ids[1] = 5 is out of range [0, 2)"),
    ],
)
def test_unsorted_segment_sum_drops_negative_ids_as_tf(ids, error):
    ids = np.array(ids, np.int32)
    data = np.arange(8, dtype=np.float64).reshape(4, 2)[: ids.size].reshape(*ids.shape, -1)
    data = data if ids.ndim == 1 else np.arange(8, dtype=np.float64).reshape(2, 2, 2)

    def graph(m):
        d, i = m.placeholder(m.float64, data.shape), m.placeholder(m.int32, ids.shape)
        out = m.unsorted_segment_sum(d, i, 2)
        fetches = [out] if error else [out, m.gradients(out * out, d)[0]]
        return fetches, {"d": d, "i": i}

    _check(graph, {"d": data, "i": ids}, error)
