"""The tf.math family side by side with TF 2.21 ``compat.v1``: the same graph built in both,
values compared (1e-5 for floats, exactly for integers and booleans), gradients too; the
composites (reduce_logsumexp, segment_sum, bincount, ...) as well as the kernels."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(11)
X = RNG.uniform(-3, 3, (3, 4))
POS = RNG.uniform(0.2, 4, (3, 4))
UNIT = RNG.uniform(-0.95, 0.95, (3, 4))
SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -2.5, 1e-30])
B1 = np.array([[True, False, True, False], [False, False, True, True]])
B2 = np.array([True, False, False, True])


def run_both(build, feeds, grad=False):
    """Values of ``build(module, *placeholders)`` (and, with ``grad``, the gradient of their sum
    with respect to the float inputs) in tflite_core and TF."""
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            phs = [mod.placeholder(mod.as_dtype(a.dtype), a.shape) for a in feeds]
            y = build(mod, *phs)
            fetch = [y]
            if grad:
                xs = [p for p, a in zip(phs, feeds) if a.dtype.kind == "f"]
                fetch += mod.gradients(mod.reduce_sum(y * y), xs)
            with mod.Session(graph=graph) as sess:
                out.append(sess.run(fetch, dict(zip(phs, feeds))))
    return out


def assert_same(ours, theirs, tol=1e-5):
    for a, b in zip(ours, theirs):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, (a.shape, b.shape)
        assert a.dtype == b.dtype, (a.dtype, b.dtype)
        if a.dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=tol, atol=tol, equal_nan=True)
        else:
            np.testing.assert_array_equal(a, b)


UNARY = {  # name -> input
    "sin": X,
    "cos": X,
    "tan": UNIT,
    "asin": UNIT,
    "acos": UNIT,
    "atan": X,
    "sinh": X,
    "cosh": X,
    "asinh": X,
    "acosh": POS + 1,
    "atanh": UNIT,
    "expm1": X,
    "log1p": POS,
    "rsqrt": POS,
    "erf": X,
    "erfc": X,
    "lgamma": POS,
    "digamma": POS,
    "softsign": X,
    "ndtri": (UNIT + 1) / 2,
    "erfinv": UNIT,
    "erfcinv": UNIT + 1,
    "bessel_i0": X,
    "bessel_i0e": X,
    "bessel_i1": X,
    "bessel_i1e": X,
    "log_sigmoid": X,
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_values_and_gradients(name, dtype):
    x = UNARY[name].astype(dtype)
    ours, theirs = run_both(lambda m, p: getattr(m.math, name)(p), [x], grad=True)
    assert_same(ours, theirs, 1e-5 if dtype == np.float32 else 1e-9)


@pytest.mark.parametrize(
    "name",
    [
        "sin",
        "tan",
        "asin",
        "acosh",
        "atanh",
        "expm1",
        "log1p",
        "rsqrt",
        "erf",
        "erfc",
        "lgamma",
        "digamma",
        "ndtri",
        "erfinv",
        "erfcinv",
        "bessel_i0",
        "bessel_i0e",
        "bessel_i1",
        "bessel_i1e",
        "softsign",
        "ceil",
        "rint",
        "round",
        "is_finite",
        "is_inf",
        "is_nan",
    ],
)
def test_special_values(name):
    x = SPECIAL
    if name == "erf":  # TF's float64 Erf gives NaN at +-inf (its float32 one +-1, as ours)
        x = SPECIAL[np.isfinite(SPECIAL)]
        assert_same(*run_both(lambda m, p: m.math.erf(p), [SPECIAL.astype(np.float32)]))
    ours, theirs = run_both(lambda m, p: getattr(m.math, name)(p), [x])
    assert_same(ours, theirs, 1e-9)


def test_rounding_halves_to_even():
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.7, -3.2], np.float32)
    for name in ("round", "rint", "ceil"):
        assert_same(*run_both(lambda m, p, n=name: getattr(m.math, n)(p), [x]))
    assert_same(*run_both(lambda m, p: m.math.round(p), [np.array([1, -2, 3], np.int32)]))


BIN_A = np.array([[0.0, 0.0, 1.0, -2.0], [3.0, 0.5, -1.5, 2.0]])
BIN_B = np.array([0.0, 2.0, 0.0, 0.5])


@pytest.mark.parametrize(
    "name",
    [
        "atan2",
        "xlogy",
        "xdivy",
        "divide_no_nan",
        "multiply_no_nan",
        "squared_difference",
        "xlog1py",
    ],
)
def test_binary_broadcasting(name):
    b = np.abs(BIN_B) if name in ("xlogy", "xlog1py") else BIN_B
    ours, theirs = run_both(lambda m, x, y: getattr(m.math, name)(x, y), [BIN_A, b])
    assert_same(ours, theirs, 1e-9)
    ours, theirs = run_both(
        lambda m, x, y: getattr(m.math, name)(x, y), [POS, POS[0] + 0.5], grad=True
    )
    assert_same(ours, theirs, 1e-9)


def test_zeta_polygamma_and_reciprocal_no_nan():
    q = np.array([0.5, 1.0, 2.5, 7.0])
    x = np.array([2.0, 3.0, 1.5, 4.0])  # as TF: no gradient for x (None), so a constant
    assert_same(*run_both(lambda m, a: m.math.zeta(x, a), [q], grad=True), 1e-9)
    n = np.array([0.0, 1.0, 2.0, 3.0])
    assert_same(*run_both(lambda m, a: m.math.polygamma(n, a), [q], grad=True), 1e-9)
    assert_same(*run_both(lambda m, a: m.math.reciprocal_no_nan(a), [BIN_B]))


def test_logical_ops():
    for name in ("logical_and", "logical_or", "logical_xor"):
        assert_same(*run_both(lambda m, a, b, n=name: getattr(m.math, n)(a, b), [B1, B2]))
    assert_same(*run_both(lambda m, a: m.math.logical_not(a), [B1]))


@pytest.mark.parametrize("axis", [None, 0, 1, -1, [0, 1]])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(axis, keepdims):
    kw = {"axis": axis, "keepdims": keepdims}
    for name in ("reduce_all", "reduce_any"):
        assert_same(*run_both(lambda m, a, n=name: getattr(m.math, n)(a, **kw), [B1]))
    for name in ("reduce_logsumexp", "reduce_std", "reduce_variance", "reduce_euclidean_norm"):
        assert_same(
            *run_both(lambda m, a, n=name: getattr(m.math, n)(a, **kw), [X], grad=True), 1e-9
        )
    ints = np.array([[3, 0, -4], [1, 0, 0]], np.int32)
    assert_same(*run_both(lambda m, a: m.math.reduce_euclidean_norm(a, **kw), [ints]))
    assert_same(*run_both(lambda m, a: m.math.count_nonzero(a, **kw), [ints]))
    assert_same(*run_both(lambda m, a: m.math.count_nonzero(a, **kw), [B1]))


def test_reductions_of_nothing_and_infinities():
    empty = np.zeros((0, 3), bool)
    for name in ("reduce_all", "reduce_any"):
        assert_same(*run_both(lambda m, a, n=name: getattr(m.math, n)(a, axis=0), [empty]))
    x = np.array([[np.inf, 1.0], [-np.inf, -np.inf], [1000.0, 1000.0]])
    assert_same(*run_both(lambda m, a: m.math.reduce_logsumexp(a, axis=1), [x]))


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_cumsum_cumprod(axis, exclusive, reverse):
    kw = {"axis": axis, "exclusive": exclusive, "reverse": reverse}
    for name in ("cumsum", "cumprod"):
        assert_same(
            *run_both(lambda m, a, n=name: getattr(m.math, n)(a, **kw), [POS], grad=True), 1e-9
        )
        ints = np.arange(1, 13, dtype=np.int64).reshape(3, 4)
        assert_same(*run_both(lambda m, a, n=name: getattr(m.math, n)(a, **kw), [ints]))


DATA = np.array([[1.0, -2.0], [3.0, 4.0], [0.0, 6.0], [-7.0, 0.5], [2.0, 2.0]])
SORTED = np.array([0, 0, 1, 3, 3], np.int32)
UNSORTED = np.array([3, 0, 3, 1, 0], np.int64)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod"])
def test_segment_reductions(name):
    fn = f"segment_{name}"
    assert_same(
        *run_both(lambda m, d, i: getattr(m.math, fn)(d, i), [DATA, SORTED], grad=True), 1e-9
    )


@pytest.mark.parametrize("name", ["max", "min", "prod", "mean", "sqrt_n"])
def test_unsorted_segment_reductions(name):
    fn = f"unsorted_segment_{name}"
    assert_same(
        *run_both(lambda m, d, i: getattr(m.math, fn)(d, i, 5), [DATA, UNSORTED], grad=True), 1e-9
    )
    ints = np.array([[1, 2], [3, 4], [5, 6]], np.int32)
    if name in ("max", "min", "prod"):
        ids = np.array([2, 0, 2], np.int32)
        assert_same(*run_both(lambda m, d, i: getattr(m.math, fn)(d, i, 4), [ints, ids]))


def test_other_composites():
    assert_same(*run_both(lambda m, a: m.math.l2_normalize(a, axis=1), [X], grad=True), 1e-9)
    assert_same(*run_both(lambda m, a: m.nn.l2_normalize(a), [X]), 1e-9)
    assert_same(*run_both(lambda m, a: m.math.zero_fraction(a), [BIN_A]))
    assert_same(*run_both(lambda m, a: m.math.scalar_mul(2.5, a), [X], grad=True), 1e-9)
    assert_same(*run_both(lambda m, a, b: m.math.accumulate_n([a, b, a]), [X, POS]), 1e-9)
    assert_same(
        *run_both(
            lambda m, a: m.math.polyval([1.5, -2.0, 0.5], a), [X.astype(np.float32)], grad=True
        )
    )
    assert_same(*run_both(lambda m, a: m.math.lbeta(a), [POS], grad=True), 1e-9)
    for x in (np.array([1, 2, 2, 5]), np.array([[1, 2], [3, 4]]), np.array([3]), np.array([2, 1])):
        for name in ("is_non_decreasing", "is_strictly_increasing"):
            assert_same(*run_both(lambda m, a, n=name: getattr(m.math, n)(a), [x.astype(np.int32)]))


def test_bincount_and_confusion_matrix():
    arr = np.array([1, 1, 4, 0, 4, 4], np.int32)
    w = np.array([0.5, 1.0, 2.0, 1.0, 1.0, 3.0], np.float32)
    assert_same(*run_both(lambda m, a: m.math.bincount(a), [arr]))
    assert_same(*run_both(lambda m, a: m.math.bincount(a, minlength=8), [arr]))
    assert_same(*run_both(lambda m, a: m.math.bincount(a, maxlength=3), [arr]))
    assert_same(*run_both(lambda m, a, b: m.math.bincount(a, weights=b), [arr, w]))
    labels = np.array([0, 2, 1, 2, 2], np.int32)
    preds = np.array([0, 1, 1, 2, 0], np.int32)
    assert_same(*run_both(lambda m, a, b: m.math.confusion_matrix(a, b), [labels, preds]))
    assert_same(
        *run_both(lambda m, a, b: m.math.confusion_matrix(a, b, num_classes=4), [labels, preds])
    )


def test_nextafter_and_cumulative_logsumexp():
    a, b = np.array([1.0, 0.0, -2.0, 5.0]), np.array([2.0, -1.0, -2.0, 0.0])
    for dt in (np.float32, np.float64):
        assert_same(*run_both(lambda m, x, y: m.math.nextafter(x, y), [a.astype(dt), b.astype(dt)]))
    for kw in ({}, {"axis": 1}, {"exclusive": True}, {"reverse": True, "axis": -1}):
        assert_same(
            *run_both(lambda m, x, kw=kw: m.math.cumulative_logsumexp(x, **kw), [X], grad=True),
            1e-9,
        )
    x = np.array([[-np.inf, 1.0, np.inf], [1000.0, 1000.0, -1000.0]])
    assert_same(*run_both(lambda m, p: m.math.cumulative_logsumexp(p, axis=1), [x]))


def test_real_numbers_as_complex_ones():
    x = np.array([[-1.5, 0.0, 2.0], [3.0, -0.0, -4.0]], np.float32)
    for name in ("conj", "real", "imag", "angle"):
        assert_same(*run_both(lambda m, p, n=name: getattr(m.math, n)(p), [x]))
        assert getattr(tf, name) is getattr(tf.math, name)


def test_approx_max_k_and_min_k():
    """TF's CPU kernel has only approx_max_k along the last dimension (exact there): compared
    with TF; approx_min_k and other dimensions, which TF runs only on XLA devices, with NumPy."""
    x = np.array([[3.0, 1.0, 4.0, 1.0], [5.0, 9.0, 2.0, 6.0], [5.0, 3.0, 5.0, 8.0]], np.float32)
    assert_same(*run_both(lambda m, p: list(m.math.approx_max_k(p, 2)), [x]))
    for dim in (0, 1, -1):
        with tf.Graph().as_default(), tf.Session() as sess:
            got = sess.run(
                [
                    tf.math.approx_max_k(x, 2, reduction_dimension=dim),
                    tf.math.approx_min_k(x, 2, reduction_dimension=dim),
                ]
            )
        order = np.argsort(-x, axis=dim, kind="stable")
        idx = np.take(order, [0, 1], axis=dim)
        np.testing.assert_array_equal(got[0][0], np.take_along_axis(x, idx, dim))
        np.testing.assert_array_equal(got[0][1], idx)
        order = np.argsort(x, axis=dim, kind="stable")
        idx = np.take(order, [0, 1], axis=dim)
        np.testing.assert_array_equal(got[1][0], np.take_along_axis(x, idx, dim))
        np.testing.assert_array_equal(got[1][1], idx)


def test_bessel_functions_over_their_range():
    x = np.array([0.0, -0.0, 1e-20, -0.3, 2.0, -12.0, 29.5, 30.5, -45.0, 100.0, 700.0, np.inf])
    for name in ("bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e"):
        assert_same(*run_both(lambda m, p, n=name: getattr(m.math, n)(p), [x]), 1e-12)
        assert getattr(tf.math.special, name) is getattr(tf.math, name)
    g = np.array([0.0, 1e-20, -1.0, 3.0])  # the gradients at 0 (0.5 for the order-1 ones)
    for name in ("bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e"):
        assert_same(*run_both(lambda m, p, n=name: getattr(m.math, n)(p), [g], grad=True), 1e-12)


def test_betainc():
    a = np.array([0.5, 2.0, 3.0, 1.0, 0.0, -1.0, 2.0, np.nan, 1e-3, 50.0, 0.1, 30.0])
    b = np.array([0.5, 3.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1e-3, 60.0, 20.0, 20.0])
    x = np.array([0.2, 0.9, 0.5, 0.0, 0.5, 0.5, 1.0, 0.5, 0.3, 0.45, 0.01, 1.5])
    assert_same(*run_both(lambda m, p, q, r: m.math.betainc(p, q, r), [a, b, x]), 1e-9)
    assert_same(
        *run_both(lambda m, r: m.math.betainc(np.float64(2.5), a[:4] + 1, r), [x[:4]], grad=True),
        1e-9,
    )
    x32 = np.array([0.1, 0.5, 0.99], np.float32)
    assert_same(*run_both(lambda m, r: m.math.betainc(np.float32(2.0), np.float32(3.0), r), [x32]))
