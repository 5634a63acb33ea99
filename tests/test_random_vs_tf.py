"""``tf.random`` side by side with TF 2.21 ``compat.v1``, and the distributions checked against
theory.

- Stateless uniform / normal / truncated normal / gamma / Poisson / integers, ``split``,
  ``fold_in``,
  ``random_index_shuffle`` and the ``Generator``'s draws: TF's values bit for bit (TF defines
  them from the seed or state through Philox).
- Stateful ops (whose streams TF leaves unspecified) and the stateless binomial /
  categorical / bounded truncated normal: moments against theory with tolerances from the sample
  size, Kolmogorov-Smirnov distances against exact CDFs, supports, determinism per seed.
- Static shapes, dtypes, op types and errors as TF's; RandomGammaGrad's values as TF's.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf
from tflite_core.reference.random_dist import _igamma_p

T = real_tf.compat.v1


def run(fetch, graph=None, init=False):
    with tf.Session(graph=graph) as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        return sess.run(fetch)


def run_tf(build):
    """``build(compat.v1)`` run in a TF graph."""
    g = real_tf.Graph()
    with g.as_default():
        fetch = build(T)
        with T.Session(graph=g) as sess:
            return sess.run(fetch)


def run_ours(build):
    g = tf.Graph()
    with g.as_default():
        fetch = build(tf)
        with tf.Session(graph=g) as sess:
            return sess.run(fetch)


def ks_distance(samples, cdf):
    """The Kolmogorov-Smirnov statistic of ``samples`` against ``cdf`` (a vectorized CDF)."""
    x = np.sort(np.asarray(samples, np.float64))
    n = x.size
    f = cdf(x)
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


def ks_bound(n):
    return 2.7 / math.sqrt(n)  # P(D > bound) < 1e-6 for the right distribution


def normal_cdf(x):
    return 0.5 * (1 + np.vectorize(math.erf)(np.asarray(x) / math.sqrt(2)))


def gamma_cdf(alpha):
    return np.vectorize(lambda v: _igamma_p(alpha, float(v)))


def assert_mean(x, mean, var, sigmas=6.0):
    """The sample mean within ``sigmas`` standard errors of the theoretical one."""
    n = np.asarray(x).size
    assert abs(np.mean(x) - mean) <= sigmas * math.sqrt(var / n), (np.mean(x), mean)


def assert_var(x, var, kurt_excess, sigmas=6.0):
    """The sample variance within ``sigmas`` standard errors: Var(s^2) ~ var^2 (2 + k) / n."""
    n = np.asarray(x).size
    se = var * math.sqrt((2 + kurt_excess) / n)
    assert abs(np.var(x) - var) <= sigmas * se, (np.var(x), var)


# ---- stateless: TF's values bit for bit -------------------------------------------------------
SEEDS = [[1, 2], [-7, 123456789], [0, 0], [2**31 - 1, -(2**31)]]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [[1], [7], [3, 5], [4001]])
def test_stateless_floats_are_tfs_values(seed, dtype, shape):
    def build(m):
        s = np.array(seed, np.int64 if seed[0] > 2**20 else np.int32)
        return [
            m.random.stateless_uniform(shape, s, minval=-2.0, maxval=3.0, dtype=dtype),
            m.random.stateless_normal(shape, s, mean=1.0, stddev=2.0, dtype=dtype),
            m.random.stateless_truncated_normal(shape, s, mean=-1.0, stddev=0.5, dtype=dtype),
        ]

    for got, want in zip(run_ours(build), run_tf(build)):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)


def test_stateless_truncated_normal_long_run_is_tfs():
    """Many groups (each in its own stretch of the stream), float32 and float64."""
    for dt in ("float32", "float64"):

        def build(m, dt=dt):
            return m.random.stateless_truncated_normal([100003], [5, 6], dtype=dt)

        np.testing.assert_array_equal(run_ours(build), run_tf(build))


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_stateless_integers_are_tfs_values(dtype):
    def build(m):
        return [
            m.random.stateless_uniform([1001], [3, 4], minval=-7, maxval=1000, dtype=dtype),
            m.random.stateless_uniform([5, 3], [3, 4], minval=None, maxval=None, dtype=dtype),
            m.random.stateless_uniform([9], [-1, 8], minval=-(2**30), maxval=2**30, dtype=dtype),
        ]

    for got, want in zip(run_ours(build), run_tf(build)):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_split_and_fold_in_are_tfs_values():
    def build(m):
        return [
            m.random.split([1, 2], num=3),
            m.random.split(np.array([5, -9], np.int64)),
            m.random.fold_in([1, 2], 3),
            m.random.fold_in(np.array([7, 8], np.int64), np.int64(2**40)),
        ]

    for got, want in zip(run_ours(build), run_tf(build)):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    # TF's documented example
    np.testing.assert_array_equal(
        run_ours(lambda m: m.random.split([1, 2], num=3)),
        [[1105988140, 1738052849], [-335576002, 370444179], [10670227, -246211131]],
    )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_stateless_gamma_is_tfs_values(dtype):
    def build(m):
        return [
            m.random.stateless_gamma([400, 3], [3, 4], alpha=[0.3, 1.0, 4.5], dtype=dtype),
            m.random.stateless_gamma(
                [5, 2, 2], [-1, 9], alpha=[[0.7], [12.0]], beta=[1.0, 3.0], dtype=dtype
            ),
        ]

    for got, want in zip(run_ours(build), run_tf(build)):
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("lam_dtype", ["float32", "float64", "int32"])
@pytest.mark.parametrize("dtype", ["int32", "int64", "float32"])
def test_stateless_poisson_is_tfs_values(lam_dtype, dtype):
    lam = np.array([[0.5, 3.0, 9.0], [10.0, 42.0, 700.0]]).astype(lam_dtype)

    def build(m):
        return m.random.stateless_poisson([300, 2, 3], [5, -6], lam=lam, dtype=dtype)

    got, want = run_ours(build), run_tf(build)
    assert got.dtype == want.dtype and got.shape == want.shape
    # TF's build fuses some multiply-adds of the PTRS test (FMA), ours rounds each step: a test
    # sitting on the boundary can flip an accept (here 1 draw in 1800 for float32 rates)
    assert np.mean(got != want) <= 0.002, np.argwhere(got != want)


def test_stateless_static_shapes_dtypes_and_op_types():
    def build(m):
        s = [2, 3]
        return [
            m.random.stateless_uniform(s, [1, 2]),
            m.random.stateless_normal(s, [1, 2], dtype="float64"),
            m.random.stateless_uniform(s, [1, 2], 0, 5, dtype="int64"),
            m.random.stateless_gamma([4, 3], [1, 2], alpha=[1.0, 2.0, 3.0]),
            m.random.stateless_poisson([4, 3], [1, 2], lam=[1.0, 2.0, 3.0]),
            m.random.stateless_binomial([4, 3], [1, 2], counts=10.0, probs=[0.1, 0.2, 0.3]),
            m.random.stateless_categorical([[0.0, 1.0]], 5, [1, 2]),
            m.random.stateless_multinomial([[0.0, 1.0]], 5, [1, 2], output_dtype="int32"),
            m.random.stateless_parameterized_truncated_normal([4, 3], [1, 2]),
        ]

    with tf.Graph().as_default():
        ours = build(tf)
    with real_tf.Graph().as_default():
        theirs = build(T)
    for a, b in zip(ours, theirs):
        assert a.shape.as_list() == b.shape.as_list()
        assert a.dtype.name == b.dtype.name


def test_stateless_argument_errors_as_tf():
    for m in (tf, T):
        g = tf.Graph() if m is tf else real_tf.Graph()
        with g.as_default():
            with pytest.raises(ValueError, match="must be both None or not None"):
                m.random.stateless_uniform([2], [1, 2], minval=None, maxval=3, dtype="int32")
            with pytest.raises(ValueError, match="Argument `dtype` got invalid value"):
                m.random.stateless_categorical([[0.0, 1.0]], 2, [1, 2], dtype="float32")


@pytest.mark.bad_input
def test_stateless_uniform_int_empty_range_fails_when_run_as_tf():
    def build(m):
        return m.random.stateless_uniform([3], [1, 2], minval=5, maxval=5, dtype="int32")

    with pytest.raises(real_tf.errors.InvalidArgumentError, match="Need minval < maxval"):
        run_tf(build)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval"):
        run_ours(build)


@pytest.mark.parametrize("max_index", [0, 5, 300, 65536, 2**31 - 1])
@pytest.mark.parametrize("rounds", [4, 8])
def test_random_index_shuffle_is_tfs_permutation(max_index, rounds):
    n = min(max_index + 1, 2000)
    idx = np.arange(n, dtype=np.int64)

    def build(m):
        return [
            m.random_index_shuffle(idx, [5, -6, 7], np.int64(max_index), rounds=rounds),
            m.random_index_shuffle(
                (np.array([0, 1, 2]) % (max_index + 1)).astype(np.int32),
                np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], np.int64),
                np.array([max_index] * 3, np.int32),
                rounds=rounds,
            ),
        ]

    ours, theirs = run_ours(build), run_tf(build)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    if n == max_index + 1:  # the whole range: a permutation
        assert sorted(ours[0].tolist()) == list(range(n))


@pytest.mark.bad_input
def test_random_index_shuffle_bad_seed_shape_fails_as_tf():
    def build(m):
        return m.random_index_shuffle(
            np.arange(2, dtype=np.int64), np.ones((2, 2), np.int64), np.int64(5)
        )

    with pytest.raises((ValueError, real_tf.errors.InvalidArgumentError)):
        run_tf(build)
    with pytest.raises(ValueError, match="Seed must have shape"):
        run_ours(build)


# ---- the Generator: TF's values for a state ----------------------------------------------------
def test_generator_draws_are_tfs_values_run_after_run():
    ours_g = tf.Graph()
    with ours_g.as_default():
        gen = tf.random.Generator.from_state([17, 0, 5], "philox")
        draws = [
            gen.normal([3]),
            gen.uniform([7], dtype="float64"),
            gen.truncated_normal([5], mean=1.0, stddev=2.0),
            gen.uniform([4], minval=-3, maxval=10, dtype="int32"),
            gen.uniform_full_int([2], dtype="int64"),
        ]
        state = gen.state.value()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = [[sess.run(d) for d in draws] for _ in range(2)]
            got_state = sess.run(state)
    want_gen = real_tf.random.Generator.from_state([17, 0, 5], "philox")
    for run_values in got:
        want = [
            want_gen.normal([3]).numpy(),
            want_gen.uniform([7], dtype="float64").numpy(),
            want_gen.truncated_normal([5], mean=1.0, stddev=2.0).numpy(),
            want_gen.uniform([4], minval=-3, maxval=10, dtype="int32").numpy(),
            want_gen.uniform_full_int([2], dtype="int64").numpy(),
        ]
        for a, b in zip(run_values, want):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(got_state, want_gen.state.numpy())


def test_generator_seeds_split_and_state_helpers_as_tf():
    with tf.Graph().as_default():
        gen = tf.random.Generator.from_seed(1234)
        seeds = gen.make_seeds(3)
        state = tf.random.create_rng_state(1234, "philox")
        st2 = tf.random.create_rng_state([12, 34], "threefry")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got_seeds, got_state, got_st2 = sess.run([seeds, state, st2])
            children = gen.split(2)
            sess.run(tf.variables_initializer([c.state for c in children]))
            got_children = [sess.run(c.normal([4])) for c in children]
    want = real_tf.random.Generator.from_seed(1234)
    np.testing.assert_array_equal(got_seeds, want.make_seeds(3).numpy())
    np.testing.assert_array_equal(got_state, [1234, 0, 0])
    np.testing.assert_array_equal(got_st2, [12, 34])
    for c, w in zip(got_children, want.split(2)):
        np.testing.assert_array_equal(c, w.normal([4]).numpy())
    assert tf.random.Algorithm.PHILOX.value == real_tf.random.Algorithm.PHILOX.value


def test_global_generator_is_per_graph_and_replaceable():
    with tf.Graph().as_default():
        g1 = tf.random.get_global_generator()
        assert tf.random.get_global_generator() is g1
        mine = tf.random.Generator.from_seed(5)
        tf.random.set_global_generator(mine)
        assert tf.random.get_global_generator() is mine
        x = tf.random.get_global_generator().normal([1000])
        v = run(x, init=True)
    assert_mean(v, 0.0, 1.0)
    with tf.Graph().as_default():
        assert tf.random.get_global_generator() is not mine


def test_generator_binomial_moments():
    with tf.Graph().as_default():
        gen = tf.random.Generator.from_seed(7)
        b = gen.binomial([20000], counts=40.0, probs=0.3)
        v = run(b, init=True)
    assert v.dtype == np.int32
    assert_mean(v, 12.0, 8.4)
    assert_var(v, 8.4, 0.0)


# ---- stateful ops: distributions against theory -------------------------------------------------
@pytest.mark.parametrize("alpha", [0.3, 1.0, 2.5, 12.0])
def test_random_gamma_matches_gamma_distribution(alpha):
    beta = 2.0
    with tf.Graph().as_default():
        x = tf.random_gamma([20000], alpha, beta=beta, dtype=tf.float64, seed=3)
        v = run(x)
    assert v.shape == (20000,) and (v > 0).all()
    assert_mean(v, alpha / beta, alpha / beta**2)
    assert_var(v, alpha / beta**2, 6.0 / alpha)
    assert ks_distance(v * beta, gamma_cdf(alpha)) < ks_bound(v.size)


def test_random_gamma_shapes_broadcast_and_float32():
    with tf.Graph().as_default():
        x = tf.random_gamma([4000, 2], alpha=[[1.0], [4.0]], beta=[1.0, 2.0], seed=1)
        assert x.shape.as_list() == [4000, 2, 2, 2]
        v = run(x)
    assert v.dtype == np.float32
    for i, a in enumerate([1.0, 4.0]):
        for j, b in enumerate([1.0, 2.0]):
            assert_mean(v[:, :, i, j], a / b, a / b**2)


@pytest.mark.parametrize("lam", [0.5, 3.0, 9.9, 10.0, 37.0, 400.0])
def test_random_poisson_mean_equals_variance(lam):
    with tf.Graph().as_default():
        x = tf.random_poisson(lam, [20000], dtype=tf.int64, seed=5)
        v = run(x)
    assert v.dtype == np.int64 and (v >= 0).all()
    assert_mean(v, lam, lam)
    assert_var(v, lam, 1.0 / lam)
    if lam < 20:  # the probabilities of the first values against the pmf
        for k in range(5):
            p = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
            assert abs(np.mean(v == k) - p) <= 6 * math.sqrt(p * (1 - p) / v.size) + 1e-12


def test_random_poisson_v1_argument_order_shapes_and_dtypes_as_tf():
    def build(m):
        return [
            m.random_poisson([1.0, 2.0], [5, 3]),
            m.random.poisson(np.ones((2, 2), np.float64), [4], dtype="int32"),
        ]

    with tf.Graph().as_default():
        ours = build(tf)
    with real_tf.Graph().as_default():
        theirs = build(T)
    for a, b in zip(ours, theirs):
        assert a.shape.as_list() == b.shape.as_list() and a.dtype.name == b.dtype.name


def test_categorical_frequencies_match_softmax():
    logits = np.array([[0.0, 1.0, 2.0, -np.inf], [3.0, 3.0, -1.0, 0.5]], np.float32)
    with tf.Graph().as_default():
        c = tf.random.categorical(logits, 20000, seed=4)
        m = tf.multinomial(logits, 10, seed=4, output_dtype=tf.int32)
        assert c.shape.as_list() == [2, 20000] and c.dtype == tf.int64
        assert m.shape.as_list() == [2, 10] and m.dtype == tf.int32
        v = run(c)
    for row, lg in zip(v, logits):
        p = np.exp(lg - lg.max())
        p /= p.sum()
        freq = np.bincount(row, minlength=4) / row.size
        assert (np.abs(freq - p) <= 6 * np.sqrt(p * (1 - p) / row.size) + 1e-12).all(), (freq, p)


def test_categorical_static_shapes_and_errors_as_tf():
    for m in (tf, T):
        g = tf.Graph() if m is tf else real_tf.Graph()
        with g.as_default():
            with pytest.raises(ValueError, match="rank 2"):
                m.random.categorical([0.0, 1.0], 3)
            with pytest.raises(ValueError, match="Argument `dtype` got invalid value"):
                m.random.categorical([[0.0, 1.0]], 3, dtype="float32")
            ph = m.placeholder("float32", [None, 4])
            assert m.random.categorical(ph, 7).shape.as_list() == [None, 7]


def test_random_shuffle_is_a_permutation_of_rows():
    x = np.arange(60).reshape(20, 3)
    with tf.Graph().as_default():
        s = tf.random_shuffle(x, seed=2)
        assert s.shape.as_list() == [20, 3]
        with tf.Session() as sess:
            runs = [sess.run(s) for _ in range(400)]
    for r in runs[:5]:
        assert sorted(map(tuple, r)) == sorted(map(tuple, x))  # rows kept whole
    assert any(not np.array_equal(a, runs[0]) for a in runs[1:])
    # element 0's position is uniform over the 20 places
    pos = np.array([int(np.flatnonzero(r[:, 0] == 0)[0]) for r in runs])
    counts = np.bincount(pos, minlength=20)
    chi2 = ((counts - 20.0) ** 2 / 20.0).sum()
    assert chi2 < 60  # 19 degrees of freedom: P(chi2 > 60) < 1e-5


def test_random_shuffle_scalar_and_empty_as_tf():
    def build(m):
        return [m.random_shuffle(5.0, seed=1), m.random_shuffle(np.zeros((0, 2)), seed=1)]

    for a, b in zip(run_ours(build), run_tf(build)):
        np.testing.assert_array_equal(a, b)


def test_random_crop_is_a_contiguous_window():
    x = np.arange(6 * 7 * 2).reshape(6, 7, 2)
    with tf.Graph().as_default():
        c = tf.random_crop(x, [3, 4, 2], seed=9)
        assert c.shape.as_list() == [3, 4, 2]
        with tf.Session() as sess:
            runs = [sess.run(c) for _ in range(300)]
    offsets = set()
    for r in runs:
        i, j = divmod(int(r[0, 0, 0]) // 2, 7)
        np.testing.assert_array_equal(r, x[i : i + 3, j : j + 4, :])
        offsets.add((i, j))
    assert offsets == {(i, j) for i in range(4) for j in range(4)}


@pytest.mark.bad_input
def test_random_crop_larger_than_value_fails_when_run():
    def build(m):
        return m.random_crop(np.zeros((2, 3)), [3, 3], seed=1)

    with pytest.raises(real_tf.errors.InvalidArgumentError):
        run_tf(build)
    with pytest.raises(tf.errors.InvalidArgumentError):
        run_ours(build)


def test_random_uniform_integers_as_tf():
    def build(m):
        return [
            m.random_uniform([5000], minval=-3, maxval=4, dtype="int32", seed=1),
            m.random.uniform([2, 3], maxval=2**40, dtype="int64", seed=2),
        ]

    with tf.Graph().as_default():
        ours = build(tf)
        assert [o.op.type for o in ours] == ["RandomUniformInt"] * 2
        v, w = run(ours)
    with real_tf.Graph().as_default():
        theirs = build(T)
    for a, b in zip(ours, theirs):
        assert a.shape.as_list() == b.shape.as_list() and a.dtype.name == b.dtype.name
    assert v.min() == -3 and v.max() == 3
    assert (
        np.abs(np.bincount(v + 3) / v.size - 1 / 7) < 6 * math.sqrt(1 / 7 * 6 / 7 / v.size)
    ).all()
    assert w.dtype == np.int64 and ((w >= 0) & (w < 2**40)).all()
    for m in (tf, T):
        g = tf.Graph() if m is tf else real_tf.Graph()
        with g.as_default(), pytest.raises(ValueError, match="Must specify maxval for integer"):
            m.random_uniform([2], dtype="int32")


@pytest.mark.bad_input
def test_random_uniform_int_empty_range_fails_when_run_as_tf():
    def build(m):
        return m.random_uniform([2], minval=3, maxval=3, dtype="int32", seed=1)

    with pytest.raises(real_tf.errors.InvalidArgumentError, match="Need minval < maxval"):
        run_tf(build)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval"):
        run_ours(build)


def test_stateful_ops_are_deterministic_per_seed_and_differ_across_seeds():
    def draws(graph_seed, op_seed):
        g = tf.Graph()
        with g.as_default():
            tf.set_random_seed(graph_seed)
            fetch = [
                tf.random_gamma([50], 2.0, seed=op_seed),
                tf.random_poisson(3.0, [50], seed=op_seed),
                tf.random.categorical([[0.0, 0.0, 0.0]], 50, seed=op_seed),
                tf.random_shuffle(np.arange(50), seed=op_seed),
                tf.random_uniform([50], maxval=1000, dtype=tf.int32, seed=op_seed),
            ]
            with tf.Session(graph=g) as sess:
                return [sess.run(fetch) for _ in range(2)]

    a, b, c = draws(1, 2), draws(1, 2), draws(1, 3)
    for r in range(2):
        for x, y, z in zip(a[r], b[r], c[r]):
            np.testing.assert_array_equal(x, y)  # same seeds: same values, session after session
            assert not np.array_equal(x, z)  # another op seed: other values
    for x, y in zip(a[0], a[1]):
        assert not np.array_equal(x, y)  # the next run: new values


# ---- stateless parameterized distributions -------------------------------------------------------
def test_stateless_gamma_poisson_binomial_moments_and_determinism():
    with tf.Graph().as_default():
        g = tf.random.stateless_gamma([20000, 2], [1, 2], alpha=[0.5, 4.0], beta=[1.0, 0.5])
        p = tf.random.stateless_poisson([20000, 2], [3, 4], lam=[2.0, 60.0])
        b = tf.random.stateless_binomial([20000, 2], [5, 6], counts=[10.0, 500.0], probs=0.3)
        v1 = run([g, p, b])
        v2 = run([g, p, b])
        other = run(tf.random.stateless_gamma([20000, 2], [1, 3], alpha=[0.5, 4.0]))
    for x, y in zip(v1, v2):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(v1[0][:, 0], other[:, 0])
    gv, pv, bv = v1
    for j, (a, beta) in enumerate([(0.5, 1.0), (4.0, 0.5)]):
        assert_mean(gv[:, j], a / beta, a / beta**2)
        assert ks_distance(gv[:, j] * beta, gamma_cdf(a)) < ks_bound(20000)
    assert pv.dtype == np.int32
    for j, lam in enumerate([2.0, 60.0]):
        assert_mean(pv[:, j], lam, lam)
        assert_var(pv[:, j], lam, 1 / lam)
    for j, n in enumerate([10.0, 500.0]):
        var = n * 0.3 * 0.7
        assert ((bv[:, j] >= 0) & (bv[:, j] <= n)).all()
        assert_mean(bv[:, j], n * 0.3, var)
        assert_var(bv[:, j], var, (1 - 6 * 0.3 * 0.7) / var)


@pytest.mark.parametrize(
    ("mean", "sd", "lo", "hi"),
    [
        (0.0, 1.0, -2.0, 2.0),
        (1.0, 2.0, 0.0, 3.0),
        (0.0, 1.0, 3.0, 6.0),
        (0.0, 1.0, -0.2, 0.1),
        (5.0, 0.5, -10.0, 4.0),
    ],
)
def test_stateless_parameterized_truncated_normal_matches_its_cdf(mean, sd, lo, hi):
    with tf.Graph().as_default():
        x = tf.random.stateless_parameterized_truncated_normal(
            [20000], [7, 8], means=mean, stddevs=sd, minvals=lo, maxvals=hi
        )
        v = run(x).astype(np.float64)
    assert ((v >= lo) & (v <= hi)).all()
    a, b = normal_cdf((lo - mean) / sd), normal_cdf((hi - mean) / sd)

    def cdf(y):
        return (normal_cdf((y - mean) / sd) - a) / (b - a)

    assert ks_distance(v, cdf) < ks_bound(v.size)


def test_stateless_categorical_frequencies():
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 1e-30]]))
    with tf.Graph().as_default():
        v = run(tf.random.stateless_categorical(logits, 20000, [1, 2]))
    for row, p in zip(v, np.exp(logits)):
        freq = np.bincount(row, minlength=3) / row.size
        assert (np.abs(freq - p) <= 6 * np.sqrt(p * (1 - p) / row.size) + 1e-9).all()


def test_truncated_normal_and_normal_moments():
    with tf.Graph().as_default():
        t = tf.random.stateless_truncated_normal([50000], [1, 1], dtype=tf.float64)
        n = tf.random.stateless_normal([50000], [1, 1], dtype=tf.float64)
        tv, nv = run([t, n])
    assert (np.abs(tv) < 2).all()
    a = normal_cdf(-2.0)
    assert ks_distance(tv, lambda y: (normal_cdf(y) - a) / (1 - 2 * a)) < ks_bound(tv.size)
    assert ks_distance(nv, normal_cdf) < ks_bound(nv.size)


# ---- the gamma sample's gradient -----------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_random_gamma_grad_values_as_tf(dtype):
    alpha = np.array([0.3, 0.9, 1.0, 2.5, 7.0, 30.0], dtype)
    sample = np.array([[0.05, 0.5, 1.0, 2.0, 6.0, 28.0], [1.5, 0.2, 3.0, 0.7, 9.0, 35.0]], dtype)
    with tf.Graph().as_default():
        from tflite_core.ops.random_ops import random_gamma_grad

        got = run(random_gamma_grad(alpha, sample))
    want = real_tf.raw_ops.RandomGammaGrad(alpha=alpha, sample=sample).numpy()
    rtol = 1e-4 if dtype == "float32" else 1e-6
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-6)


def test_random_gamma_gradient_is_tfs_implicit_gradient():
    """d/d alpha of sum(w * sample) = sum(w * RandomGammaGrad(alpha, sample)) over the sample
    dimensions (TF's rule), with TF's RandomGammaGrad on our samples; beta's part by the
    quotient rule."""
    alpha = np.array([0.7, 3.0])
    with tf.Graph().as_default():
        a = tf.constant(alpha)
        b = tf.constant(2.0, tf.float64)
        x = tf.random_gamma([50, 3], a, beta=b, dtype=tf.float64, seed=4)
        w = np.linspace(-1, 1, 300).reshape(50, 3, 2)
        ga, gb = tf.gradients(tf.reduce_sum(x * w), [a, b])
        xv, gav, gbv = run([x, ga, gb])
    partial = real_tf.raw_ops.RandomGammaGrad(alpha=alpha, sample=xv * 2.0).numpy()
    np.testing.assert_allclose(gav, (w * partial / 2.0).sum(axis=(0, 1)), rtol=1e-6)
    np.testing.assert_allclose(gbv, (w * -xv / 2.0).sum(), rtol=1e-10)


# ---- candidate samplers --------------------------------------------------------------------------
def test_fixed_unigram_sampler_frequencies_and_expected_counts_as_tf():
    unigrams = [1.0, 2.0, 3.0, 4.0, 10.0]
    t = np.array([[0], [4]], np.int64)

    def build(m, unique=False, n=5):
        return m.nn.fixed_unigram_candidate_sampler(
            t, 1, n, unique, 6, unigrams=unigrams, distortion=0.5, num_reserved_ids=1, seed=3
        )

    ours, theirs = run_ours(build), run_tf(build)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)  # true expected counts
    w = np.array([0.0] + [u**0.5 for u in unigrams])
    p = w / w.sum()
    np.testing.assert_allclose(ours[2], (p[ours[0]] * 5).astype(np.float32), rtol=1e-6)
    with tf.Graph().as_default():
        s = tf.nn.fixed_unigram_candidate_sampler(
            t, 1, 4000, False, 6, unigrams=unigrams, distortion=0.5, num_reserved_ids=1, seed=3
        )[0]
        v = run(s)
    freq = np.bincount(v, minlength=6) / v.size
    assert (np.abs(freq - p) <= 6 * np.sqrt(p * (1 - p) / v.size) + 1e-12).all()


@pytest.mark.bad_input
def test_fixed_unigram_weights_must_fill_the_range_as_tf():
    t = np.array([[0]], np.int64)

    def build(m):
        return m.nn.fixed_unigram_candidate_sampler(t, 1, 2, False, 4, unigrams=[1.0, 2.0, 3.0])

    for mod_run, err in (
        (run_tf, real_tf.errors.InvalidArgumentError),
        (run_ours, tf.errors.InvalidArgumentError),
    ):
        with pytest.raises(err, match="range is 4 must be equal to weights size  3"):
            mod_run(build)


def test_uniform_and_all_samplers_as_tf():
    t = np.array([[0, 1], [2, 3]], np.int64)

    def build(m):
        u = m.random.uniform_candidate_sampler(t, 2, 4, True, 10, seed=1)
        a = m.random.all_candidate_sampler(t, 2, 5, True)
        return [u[1], a[0], a[1], a[2]]

    ours, theirs = run_ours(build), run_tf(build)
    np.testing.assert_array_equal(ours[1], theirs[1])
    np.testing.assert_array_equal(ours[2], theirs[2])
    np.testing.assert_array_equal(ours[3], theirs[3])
    # unique draws: expected counts 1 - (1 - 1/10)^tries, tries >= 4
    tries = math.log1p(-float(ours[0][0, 0])) / math.log1p(-0.1)
    assert abs(tries - round(tries)) < 1e-3 and round(tries) >= 4
    with tf.Graph().as_default():
        s = tf.random.uniform_candidate_sampler(t, 2, 10, True, 10, seed=1)[0]
        assert sorted(run(s).tolist()) == list(range(10))


def test_learned_unigram_sampler_learns_from_true_classes():
    t = np.array([[3]], np.int64)
    with tf.Graph().as_default():
        s, te, _ = tf.random.learned_unigram_candidate_sampler(t, 1, 1, False, 4, seed=2)
        with tf.Session() as sess:
            first = sess.run(te)[0, 0]
            for _ in range(95):
                sess.run(s)
            last_te = sess.run(te)[0, 0]  # the 97th run sees 96 updates of class 3
            draws = np.concatenate([sess.run(s) for _ in range(2000)])
        with tf.Session() as sess:  # a new session starts again from weight 1 each
            assert sess.run(te)[0, 0] == pytest.approx(0.25)
    assert first == pytest.approx(0.25)  # 1 / 4 before any update
    assert last_te == pytest.approx(97 / 100)
    assert np.mean(draws == 3) > 0.95
