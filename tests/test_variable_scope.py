"""``tf.variable_scope`` / ``tf.get_variable`` and the initializers (TF 1.x semantics).

Naming and reuse are checked against real TensorFlow (``compat.v1``) running the same program;
initial values against the Philox reference in ``tflite_core.reference`` under TF's seed rules
(op seed with the default graph seed 87654321) and against the documented distributions;
checkpoints written under ``get_variable`` names are read back by tflite_core and by TensorFlow.
"""

from __future__ import annotations

import math
import os
import threading

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest
import tensorflow as real_tf  # the test extra (tensorflow-cpu), as test_checkpoint_tf_interop

import tflite_core as tf
from tflite_core import reference as kernel_twins

tf1 = real_tf.compat.v1
DEFAULT_GRAPH_SEED = 87654321
TRUNC_STD = 0.87962566103423978  # std of a unit normal cut at +-2


def philox(kernel, shape, dtype, seed):
    """The first run of a random op seeded (DEFAULT_GRAPH_SEED, seed): the numbers TF's seed
    rule gives an op seed without a graph seed."""
    out = np.empty(shape, dtype)
    kernel_twins.run_kernel(kernel, [np.zeros(1, np.int64)], [out], [DEFAULT_GRAPH_SEED, seed])
    return out


def run_init(var_or_vars):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(var_or_vars)


# ---- naming and reuse, against TensorFlow --------------------------------------------------------
def naming_program(t):
    """A program using variable scopes; returns the names it produced. Runs on both libraries."""
    names = []
    with t.variable_scope("foo") as foo:
        names.append(t.get_variable("w", [2, 3]).name)
        names.append(t.constant(1.0, name="c").name)
        with t.variable_scope("bar"):
            names.append(t.get_variable("v", [1]).name)
            names.append(t.constant(1.0, name="c").name)
        with t.name_scope("ns"):
            names.append(t.get_variable("u", [1]).name)  # name scopes do not prefix variables
            names.append(t.constant(1.0, name="c").name)
    with t.variable_scope("foo", reuse=True):  # a second name scope, same variables
        names.append(t.get_variable("w", [2, 3]).name)
        names.append(t.constant(1.0, name="c").name)
    with t.variable_scope(foo):  # a scope object: its name, a new name scope
        names.append(t.get_variable_scope().name)
        names.append(t.get_variable_scope().original_name_scope)
        names.append(t.constant(1.0, name="c").name)
    # the documented way back into foo/
    with (
        t.variable_scope(foo, auxiliary_name_scope=False) as vs1,
        t.name_scope(vs1.original_name_scope),
    ):
        names.append(t.constant(1.0, name="d").name)
    with t.variable_scope("foo"):
        with t.variable_scope(None, default_name="bar"):
            names.append(t.get_variable("a", [1]).name)
        with t.variable_scope(None, default_name="bar"):
            names.append(t.get_variable("b", [1]).name)
    # counters restart on re-entry
    with t.variable_scope(foo), t.variable_scope(None, default_name="bar"):
        names.append(t.get_variable("e", [1]).name)
    with t.variable_scope("outer", reuse=True), t.variable_scope("inner") as inner:
        names.append(str(inner.reuse))  # reuse is inherited
    with t.variable_scope("flag", reuse=False) as flag:
        names.append(str(flag.reuse))  # False means "inherit": the root's False
    with t.variable_scope("auto", reuse=t.AUTO_REUSE):
        first = t.get_variable("z", [2])
    with t.variable_scope("auto", reuse=t.AUTO_REUSE):
        names.append(str(t.get_variable("z", [2]) is first))
    with t.variable_scope("x"), t.variable_scope("x"):
        names.append(t.get_variable("x", []).name)
    names.append(t.get_variable("top", [3]).name)
    with t.variable_scope(None, default_name="layer"):
        names.append(t.get_variable_scope().name)
    with t.variable_scope(None, default_name="layer"):
        names.append(t.get_variable_scope().name)
    return names


def test_names_and_reuse_match_tensorflow():
    with tf1.Graph().as_default():
        want = naming_program(tf1)
    with tf.Graph().as_default():
        got = naming_program(tf)
    assert got == want
    # spot checks of the documented behaviour, independent of the oracle
    assert got[:2] == ["foo/w:0", "foo/c:0"]
    assert got[6:8] == ["foo/w:0", "foo_1/c:0"]
    assert got[8:12] == ["foo", "foo/", "foo_2/c:0", "foo/d:0"]
    assert got[12:15] == ["foo/bar/a:0", "foo/bar_1/b:0", "foo/bar/e:0"]


def error_program(t, case):
    """One misuse per case; the ValueError / TypeError message is compared with TensorFlow's."""
    if case == "exists":
        with t.variable_scope("foo"):
            t.get_variable("w", [2])
            t.get_variable("w", [2])
    elif case == "missing":
        with t.variable_scope("foo", reuse=True):
            t.get_variable("w", [2])
    elif case == "shape":
        with t.variable_scope("foo"):
            t.get_variable("w", [3, 2])
        with t.variable_scope("foo", reuse=True):
            t.get_variable("w", [2, 3])
    elif case == "reuse_default_name":
        with t.variable_scope(None, default_name="d", reuse=True):
            pass
    elif case == "no_name":
        t.variable_scope(None)
    elif case == "bad_reuse":
        t.variable_scope("s", reuse="yes")
    elif case == "const_with_shape":
        t.get_variable("k", [2], initializer=t.constant([1.0, 2.0]))
    elif case == "init_dtype":
        t.get_variable("k", initializer=t.constant([1, 2]), dtype=t.float32)
    elif case == "bad_scope_type":
        with t.variable_scope(3):
            pass


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "case",
    [
        "exists",
        "missing",
        "shape",
        "reuse_default_name",
        "no_name",
        "bad_reuse",
        "const_with_shape",
        "init_dtype",
        "bad_scope_type",
    ],
)
def test_errors_match_tensorflow(case):
    with tf1.Graph().as_default(), pytest.raises((ValueError, TypeError)) as want:
        error_program(tf1, case)
    with tf.Graph().as_default(), pytest.raises(want.type) as got:
        error_program(tf, case)
    # TF adds "Originally defined at: <traceback>" for ref variables only: compare the sentence
    assert str(got.value).split(" Originally")[0] == str(want.value).split(" Originally")[0]


@pytest.mark.bad_input
def test_exact_messages_of_the_reuse_errors(g):
    with tf.variable_scope("foo"):
        tf.get_variable("w", [3, 2])
        with pytest.raises(ValueError) as e:
            tf.get_variable("w", [3, 2])
    msg = str(e.value)
    assert msg.startswith(
        "Variable foo/w already exists, disallowed. Did you mean to set reuse=True or "
        "reuse=tf.AUTO_REUSE in VarScope? Originally defined at:"
    )
    assert "test_variable_scope.py" in msg  # where the first one was made
    with tf.variable_scope("foo", reuse=True):
        with pytest.raises(ValueError, match=r"^Variable foo/q does not exist, or was not created "
                           r"with tf.get_variable\(\). Did you mean to set reuse=tf.AUTO_REUSE "
                           r"in VarScope\?$"):  # fmt: skip
            tf.get_variable("q", [1])
        with pytest.raises(ValueError, match=r"specified shape \(2, 3\) and found shape \(3, 2\)"):
            tf.get_variable("w", [2, 3])
        with pytest.raises(ValueError, match="specified dtype float64 and found dtype float32"):
            tf.get_variable("w", [3, 2], dtype=tf.float64)
        assert tf.get_variable("w") is tf.get_variable("w", [None, 2])  # compatible shapes


def test_reuse_variables_and_scope_properties(g):
    with tf.variable_scope("foo") as scope:
        v = tf.get_variable("v", [1])
        assert scope.reuse is False and scope.name == "foo"
        scope.reuse_variables()
        assert tf.get_variable_scope().reuse is True
        assert tf.get_variable("v", [1]) is v
        with tf.variable_scope("sub") as sub:  # inherited
            assert sub.reuse is True and sub.name == "foo/sub"
    assert tf.get_variable_scope().name == "" and tf.get_variable_scope().reuse is False
    assert scope.global_variables() == [v] and scope.trainable_variables() == [v]


def test_variables_are_plain_variables_with_tf_node_names(g):
    with tf.variable_scope("layer"):
        w = tf.get_variable("w", [2, 2], initializer=tf.ones_initializer())
    assert isinstance(w, tf.Variable)
    assert (w.op.name, w.op.type, w.value().name) == ("layer/w", "VariableV2", "layer/w/read:0")
    assert w.initializer.name == "layer/w/Assign"
    assert g.get_operation_by_name("layer/w/Initializer/ones").type == "Const"
    assert tf.global_variables() == [w] and tf.trainable_variables() == [w]


def test_trainable_collections_and_local_variables(g):
    a = tf.get_variable("a", [1], trainable=False)
    b = tf.get_variable("b", [1], collections=["mine"])
    c = tf.get_local_variable("c", [1])
    assert tf.trainable_variables() == [b]
    assert tf.global_variables() == [a]
    assert tf.get_collection("mine") == [b]
    assert tf.local_variables() == [c] and c not in tf.trainable_variables()


def test_variable_creation_ignores_control_dependencies(g):
    x = tf.placeholder(tf.float32, [])
    with tf.control_dependencies([tf.identity(x)]):
        v = tf.get_variable("v", [2], initializer=tf.zeros_initializer())
    assert v.op.control_inputs == [] and v.initializer.control_inputs == []
    assert run_init(v).tolist() == [0.0, 0.0]  # needs no feed


def test_scope_initializer_dtype_and_regularizer(g):
    with tf.variable_scope("s", initializer=tf.constant_initializer(3.0), dtype=tf.float64):
        a = tf.get_variable("a", [2])
        b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())  # explicit wins
        with tf.variable_scope("in"):  # inherited
            c = tf.get_variable("c", [1])
        tf.get_variable_scope().set_initializer(tf.ones_initializer())
        d = tf.get_variable("d", [1])
    with tf.variable_scope("r", regularizer=lambda v: tf.reduce_sum(v * v)):
        r = tf.get_variable("w", [2], initializer=tf.constant_initializer([1.0, 2.0]))
        tf.get_variable("n", [1], regularizer=tf.no_regularizer)
    assert a.dtype == tf.float64 and c.dtype == tf.float64
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 1 and losses[0].name.startswith("r/w/Regularizer/")
    got = run_init([a, b, c, d, r, losses[0]])
    assert [x.tolist() for x in got[:4]] == [[3.0, 3.0], [0.0, 0.0], [3.0], [1.0]]
    assert got[5] == 5.0


def test_initializer_from_a_tensor_and_default_initializers(g):
    k = tf.get_variable("k", initializer=tf.constant([[1, 2]], dtype=tf.int64))
    i = tf.get_variable("i", [3], dtype=tf.int32)  # integers: zeros
    flag = tf.get_variable("flag", [2], dtype=tf.bool)  # bools: False
    f = tf.get_variable("f", [], initializer=lambda shape, dtype, partition_info=None: 2.5)
    assert k.dtype == tf.int64 and k.shape.as_list() == [1, 2]
    got = run_init([k, i, flag, f])
    assert got[0].tolist() == [[1, 2]] and got[1].tolist() == [0, 0, 0]
    assert got[2].tolist() == [False, False] and got[3] == 2.5


def test_custom_getters_nest_as_tf():
    def run(t):
        calls = []

        def outer(getter, name, *args, **kwargs):
            calls.append("outer:" + name)
            return getter(name + "_o", *args, **kwargs)

        def inner(getter, name, *args, **kwargs):
            calls.append("inner:" + name)
            return getter(name + "_i", *args, **kwargs)

        with t.variable_scope("a", custom_getter=outer), t.variable_scope("b", custom_getter=inner):
            v = t.get_variable("v", [1])
        return calls, v.name

    with tf1.Graph().as_default():
        want = run(tf1)
    with tf.Graph().as_default():
        assert run(tf) == want == (["inner:a/b/v", "outer:a/b/v_i"], "a/b/v_i_o:0")


def test_variable_scope_is_per_thread_and_the_store_is_shared(g):
    with tf.variable_scope("main") as main_scope:
        v = tf.get_variable("v", [1])
    seen = {}

    def worker():
        with g.as_default():
            seen["root"] = tf.get_variable_scope().name
            with tf.variable_scope(main_scope, reuse=True):
                seen["v"] = tf.get_variable("v", [1])
            try:
                with tf.variable_scope("main"):
                    tf.get_variable("v", [1])
            except ValueError as e:
                seen["error"] = str(e)

    with tf.variable_scope("busy"):
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert seen["root"] == "" and seen["v"] is v
    assert seen["error"].startswith("Variable main/v already exists")


def test_get_variable_trains_and_shares(g):
    def model(x):
        with tf.variable_scope("lin", reuse=tf.AUTO_REUSE):
            w = tf.get_variable("w", [2, 1], initializer=tf.constant_initializer([[1.0], [2.0]]))
        return tf.matmul(x, w)

    x = tf.placeholder(tf.float32, [None, 2])
    loss = tf.reduce_sum(model(x)) + tf.reduce_sum(model(2.0 * x))  # one shared w
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    assert len(tf.trainable_variables()) == 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step, {x: [[1.0, 0.0], [0.0, 1.0]]})
        w = sess.run(tf.trainable_variables()[0])
    # d loss / d w = 3 * sum of the rows of x = [3, 3]
    np.testing.assert_allclose(w, [[1.0 - 0.3], [2.0 - 0.3]], rtol=1e-6)


# ---- initializers: values ------------------------------------------------------------------------
@pytest.mark.bad_input
def test_zeros_ones_constant(g):
    vals = [
        tf.zeros_initializer()([2, 2]),
        tf.ones_initializer(dtype=tf.int32)([3]),
        tf.constant_initializer(5)([2], dtype=tf.int64),
        tf.constant_initializer([1.0, 2.0, 3.0])([2, 3]),  # padded with the last value
        tf.constant_initializer(np.arange(6.0).reshape(2, 3), verify_shape=True)([2, 3]),
    ]
    got = run_init(vals)
    assert got[0].tolist() == [[0, 0], [0, 0]] and got[0].dtype == np.float32
    assert got[1].tolist() == [1, 1, 1] and got[1].dtype == np.int32
    assert got[2].tolist() == [5, 5] and got[2].dtype == np.int64
    assert got[3].tolist() == [[1, 2, 3], [3, 3, 3]]
    assert got[4].tolist() == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match=r"Too many elements provided\. Needed at most 2"):
        tf.constant_initializer([1, 2, 3])([2])
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        tf.constant_initializer([1, 2], verify_shape=True)([1, 2])
    with pytest.raises(TypeError, match="Invalid type for initial value"):
        tf.constant_initializer({"a": 1})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_seeded_initializers_give_the_philox_numbers(g, dtype):
    shape = (4, 6)
    dt = tf.as_dtype(dtype)
    cases = [
        (tf.random_uniform_initializer(-2.0, 3.0, seed=7), "random_uniform", 5.0, -2.0),
        (tf.random_normal_initializer(1.0, 0.5, seed=8), "random_normal", 0.5, 1.0),
        (tf.truncated_normal_initializer(-1.0, 2.0, seed=9), "truncated_normal", 2.0, -1.0),
    ]
    got = run_init([init(shape, dtype=dt) for init, *_ in cases])
    for (init, kernel, scale, shift), value in zip(cases, got):
        want = philox(kernel, shape, dtype, init.seed) * dtype(scale) + dtype(shift)
        assert value.dtype == dtype
        np.testing.assert_allclose(value, want, rtol=1e-6 if dtype == np.float32 else 1e-14)


@pytest.mark.parametrize(
    "make, kernel, spread",
    [
        # glorot_uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out))
        (lambda: tf.glorot_uniform_initializer(seed=3), "random_uniform", lambda fi, fo: (
            math.sqrt(6.0 / (fi + fo)))),
        # glorot_normal: truncated normal, stddev sqrt(2 / (fan_in + fan_out)) / .8796
        (lambda: tf.glorot_normal_initializer(seed=3), "truncated_normal", lambda fi, fo: (
            math.sqrt(2.0 / (fi + fo)) / TRUNC_STD)),
        # variance_scaling default (scale 1, fan_in, truncated normal)
        (lambda: tf.variance_scaling_initializer(seed=3), "truncated_normal", lambda fi, fo: (
            math.sqrt(1.0 / fi) / TRUNC_STD)),
        (lambda: tf.variance_scaling_initializer(2.0, "fan_out", "uniform", seed=3),
         "random_uniform", lambda fi, fo: math.sqrt(3.0 * 2.0 / fo)),
        (lambda: tf.variance_scaling_initializer(3.0, "fan_avg", "untruncated_normal", seed=3),
         "random_normal", lambda fi, fo: math.sqrt(3.0 / ((fi + fo) / 2))),
        (lambda: tf.initializers.he_normal(seed=3), "truncated_normal", lambda fi, fo: (
            math.sqrt(2.0 / fi) / TRUNC_STD)),
        (lambda: tf.initializers.lecun_uniform(seed=3), "random_uniform", lambda fi, fo: (
            math.sqrt(3.0 / fi))),
    ],
)  # fmt: skip
@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 4, 6), (7,)])
def test_variance_scaling_family(g, make, kernel, spread, shape):
    fan_in, fan_out = _fans(shape)
    got = run_init(make()(list(shape)))
    s = np.float32(spread(fan_in, fan_out))
    if kernel == "random_uniform":  # U * (limit - -limit) + -limit, in float32
        want = philox(kernel, shape, np.float32, 3) * (s - -s) + -s
    else:
        want = philox(kernel, shape, np.float32, 3) * s
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-7)


def _fans(shape):
    """TF's fans, written out: receptive field times input / output channels."""
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


def test_get_variable_defaults_to_glorot_uniform(g):
    tf.set_random_seed(5)
    w = tf.get_variable("w", [30, 20])
    op_seed = g.get_operation_by_name("w/Initializer/random_uniform/RandomUniform").get_attr(
        "seed2"
    )
    value = run_init(w)
    limit = np.float32(math.sqrt(6.0 / 50))
    u = np.empty((30, 20), np.float32)
    kernel_twins.run_kernel("random_uniform", [np.zeros(1, np.int64)], [u], [5, op_seed])
    np.testing.assert_allclose(value, u * (limit - -limit) + -limit, rtol=1e-6, atol=1e-7)


def test_seeds_follow_tf_rules():
    def values(graph_seed, op_seed):
        with tf.Graph().as_default():
            if graph_seed is not None:
                tf.set_random_seed(graph_seed)
            v = tf.get_variable("v", [50], initializer=tf.random_normal_initializer(seed=op_seed))
            return run_init(v)

    np.testing.assert_array_equal(values(None, 4), values(None, 4))  # op seed alone: fixed
    np.testing.assert_array_equal(values(1, None), values(1, None))  # graph seed alone: fixed
    assert not np.array_equal(values(1, 4), values(2, 4))
    assert not np.array_equal(values(None, None), values(None, None))  # no seed: fresh numbers


@pytest.mark.bad_input
def test_initializers_namespace_and_errors():
    assert tf.initializers.glorot_uniform is tf.glorot_uniform_initializer
    assert tf.initializers.zeros is tf.zeros_initializer
    assert tf.initializers.global_variables is tf.global_variables_initializer
    with pytest.raises(ValueError, match="positive float"):
        tf.variance_scaling_initializer(scale=0.0)
    with pytest.raises(ValueError, match="Invalid `mode` argument"):
        tf.variance_scaling_initializer(mode="fan")
    with pytest.raises(ValueError, match="Invalid `distribution` argument"):
        tf.variance_scaling_initializer(distribution="cauchy")
    with pytest.raises(ValueError, match="Expected floating point type, got <dtype: 'int32'>"):
        tf.random_normal_initializer(dtype=tf.int32)
    cfg = tf.random_uniform_initializer(-1.0, 1.0, seed=2).get_config()
    assert cfg == {"minval": -1.0, "maxval": 1.0, "seed": 2, "dtype": "float32"}


# ---- initializers: distributions ---------------------------------------------------------------
def test_unseeded_draws_follow_the_documented_distributions(g):
    n = 200_000
    u = tf.random_uniform_initializer(-3.0, 1.0)([n])
    z = tf.random_normal_initializer(2.0, 0.5)([n])
    t = tf.truncated_normal_initializer(0.0, 2.0)([n])
    gu = tf.glorot_uniform_initializer()([400, 500])
    u, z, t, gu = (x.astype(np.float64) for x in run_init([u, z, t, gu]))
    se = 5 / math.sqrt(n)  # five standard errors of the mean, per unit of standard deviation
    assert u.min() >= -3.0 and u.max() < 1.0
    assert abs(u.mean() - -1.0) < 4 / math.sqrt(12) * se
    assert abs(u.var() - 16 / 12) < 0.02
    assert abs(z.mean() - 2.0) < 0.5 * se and abs(z.std() - 0.5) < 0.005
    assert np.abs(t).max() <= 4.0 and abs(t.mean()) < 2 * TRUNC_STD * se
    assert abs(t.std() - 2.0 * TRUNC_STD) < 0.02
    limit = math.sqrt(6 / 900)
    # (the kernel scales by the limit rounded to float32, which may lie just above it)
    assert np.abs(gu).max() <= np.float32(limit) and abs(gu.var() - limit**2 / 3) < 0.01 * limit**2


# ---- checkpoints ---------------------------------------------------------------------------------
def test_saver_round_trip_with_get_variable_names(tmp_path):
    prefix = str(tmp_path / "model.ckpt")
    with tf.Graph().as_default():
        with tf.variable_scope("net"):
            with tf.variable_scope("layer1"):
                w = tf.get_variable("w", [3, 2])
                b = tf.get_variable("b", [2], initializer=tf.constant_initializer(0.5))
            step = tf.get_variable("step", [], dtype=tf.int64)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(tf.assign(step, 41))
            saved = sess.run([w, b, step])
            saver.save(sess, prefix)
    names = dict(tf.train.list_variables(prefix))
    assert names == {"net/layer1/w": [3, 2], "net/layer1/b": [2], "net/step": []}
    with tf.Graph().as_default():  # restored into fresh get_variable variables
        with tf.variable_scope("net"):
            with tf.variable_scope("layer1"):
                w2 = tf.get_variable("w", [3, 2], initializer=tf.zeros_initializer())
                b2 = tf.get_variable("b", [2])
            step2 = tf.get_variable("step", [], dtype=tf.int64)
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, prefix)
            got = sess.run([w2, b2, step2])
    for x, y in zip(got, saved):
        np.testing.assert_array_equal(x, y)
    with tf1.Graph().as_default():  # and TensorFlow reads them by the same names
        with tf1.variable_scope("net"), tf1.variable_scope("layer1"):
            tw = tf1.get_variable("w", [3, 2], use_resource=False)
        with tf1.Session() as sess:
            tf1.train.Saver([tw]).restore(sess, prefix)
            np.testing.assert_array_equal(sess.run(tw), saved[0])
