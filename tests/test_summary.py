"""Summary ops, event files and the GraphDef, checked against TensorFlow 2.21 (compat.v1) run in
the same process: the same tags, bit-identical histograms, event files TensorFlow's own reader
accepts, and a GraphDef TensorFlow imports and runs to the same values."""

import numpy as np
import pytest

import tflite_core as tf
from tflite_core import errors


@pytest.fixture(scope="module")
def T():
    import tensorflow

    return tensorflow


def _tags(summary_bytes):
    return [v.tag for v in tf.Summary.FromString(summary_bytes).value]


def _tf_run(T, build):
    g = T.Graph()
    with g.as_default():
        out = build()
        with T.compat.v1.Session() as s:
            return s.run(out)


# ---- scalar summaries and their tags ------------------------------------------------------------
def test_scalar_tags_follow_name_scopes_as_in_tf(g, T):
    def build(mod):
        scalar = mod.summary.scalar if mod is tf else mod.compat.v1.summary.scalar
        scope = mod.name_scope if mod is tf else mod.compat.v1.name_scope
        c = mod.constant(2.5)
        out = [scalar("loss", c), scalar("loss", c)]
        with scope("train"):
            out.append(scalar("loss", c * 2.0))
            out.append(scalar("bad name!", c))
        return out

    theirs = _tf_run(T, lambda: build(T))
    with tf.Session() as sess:
        ours = sess.run(build(tf))
    assert [_tags(b) for b in ours] == [_tags(b) for b in theirs]
    assert [_tags(b) for b in ours] == [["loss"], ["loss_1"], ["train/loss"], ["train/bad_name_"]]
    values = [tf.Summary.FromString(b).value[0].simple_value for b in ours]
    assert values == [2.5, 2.5, 5.0, 2.5]
    assert ours[2] == theirs[2]  # the serialized Summary itself is TF's


def test_old_scalar_summary_keeps_tags_as_given(g):
    v = tf.constant([1.0, 2.0])
    with tf.name_scope("layer"):
        s = tf.scalar_summary(["a/x", "b"], v)
    assert s.op.name == "layer/ScalarSummary" and s.op.type == "ScalarSummary"
    with tf.Session() as sess:
        summ = tf.Summary.FromString(sess.run(s))
    assert [(x.tag, x.simple_value) for x in summ.value] == [("a/x", 1.0), ("b", 2.0)]


@pytest.mark.bad_input
def test_scalar_summary_shape_mismatch_is_invalid_argument(g):
    s = tf.scalar_summary("one_tag", tf.constant([1.0, 2.0]))
    with tf.Session() as sess, pytest.raises(errors.InvalidArgumentError, match=r"\[\] != \[2\]"):
        sess.run(s)


def test_summaries_join_the_summaries_collection(g):
    a = tf.summary.scalar("a", tf.constant(1.0))
    b = tf.summary.histogram("b", tf.constant([1.0]))
    c = tf.summary.scalar("c", tf.constant(1.0), collections=["mine"])
    assert g.get_collection(tf.GraphKeys.SUMMARIES) == [a, b]
    assert g.get_collection("mine") == [c]


# ---- histograms ---------------------------------------------------------------------------------
_rng = np.random.default_rng(3)
HISTOGRAM_INPUTS = {
    "normal_f32": _rng.standard_normal(1000).astype(np.float32),
    "wide_f64": _rng.standard_normal(300) * 1e6,
    "zeros": np.zeros(7, np.float32),
    "empty": np.zeros(0, np.float32),
    "tiny_and_huge": np.array([1e-13, -1e-13, 0.0, 3e38, -3e38, 1e-12], np.float32),
    "int32": np.arange(-50, 50, dtype=np.int32),
    "signed_zeros": np.array([-0.0, 0.0, -0.0], np.float32),
    "matrix": _rng.uniform(-1, 1, (17, 5)).astype(np.float32),
}


@pytest.mark.parametrize("name", sorted(HISTOGRAM_INPUTS))
def test_histogram_is_bit_identical_to_tf(g, T, name):
    arr = HISTOGRAM_INPUTS[name]
    theirs = _tf_run(T, lambda: T.compat.v1.summary.histogram("h", T.constant(arr)))
    with tf.Session() as sess:
        ours = sess.run(tf.summary.histogram("h", tf.constant(arr)))
    assert ours == theirs
    h = tf.Summary.FromString(ours).value[0].histo
    assert h.num == arr.size
    if arr.size:
        assert (h.min, h.max) == (arr.min(), arr.max())
        assert h.sum == pytest.approx(float(arr.astype(np.float64).sum()))
        assert sum(h.bucket) == arr.size


def test_histogram_buckets_are_tfs_defaults():
    from tflite_core.ops.summary_ops import BUCKET_LIMITS

    pos = BUCKET_LIMITS[BUCKET_LIMITS > 0]
    assert pos[0] == 1e-12 and pos[-1] == np.finfo(np.float64).max
    np.testing.assert_allclose(pos[1:-1] / pos[:-2], 1.1, rtol=1e-12)
    np.testing.assert_array_equal(BUCKET_LIMITS[: len(pos)], -pos[::-1])
    assert BUCKET_LIMITS[len(pos)] == 0.0 and len(BUCKET_LIMITS) == 2 * len(pos) + 1


@pytest.mark.bad_input
def test_histogram_of_nan_names_the_tag(g):
    x = tf.placeholder(tf.float32, [3])
    h = tf.summary.histogram("weights", x)
    with tf.Session() as sess:
        with pytest.raises(
            errors.InvalidArgumentError, match="Nan in summary histogram for: weights"
        ):
            sess.run(h, {x: [1.0, np.nan, 2.0]})
        assert _tags(sess.run(h, {x: [1.0, 2.0, 3.0]})) == ["weights"]  # the session still works


# ---- merging ------------------------------------------------------------------------------------
def test_merge_all_in_a_training_run_sees_pre_update_values(g):
    x = tf.placeholder("float", [1, 3])
    w = tf.Variable([[0.5], [-0.25], [1.0]], name="w")
    loss = tf.reduce_sum(tf.square(tf.matmul(x, w)))
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("w", w)
    merged = tf.summary.merge_all()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    xv = np.array([[1.0, 2.0, 3.0]], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            w_before = sess.run(w)
            _, s = sess.run([train, merged], {x: xv})
            summ = tf.Summary.FromString(s)
            assert [v.tag for v in summ.value] == ["loss", "w_1"]  # "w" is the variable's name
            expect = float(np.sum((xv @ w_before) ** 2, dtype=np.float32))
            assert summ.value[0].simple_value == pytest.approx(expect, rel=1e-6)
            assert summ.value[1].histo.sum == pytest.approx(float(w_before.sum()), rel=1e-6)


@pytest.mark.bad_input
def test_merge_rejects_duplicate_tags_and_merge_all_of_nothing_is_none(g):
    assert tf.summary.merge_all() is None and tf.merge_all_summaries() is None
    a = tf.scalar_summary("same", tf.constant(1.0))
    b = tf.scalar_summary("same", tf.constant(2.0))
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="Duplicate tag same"):
            sess.run(tf.merge_summary([a, b]))
        assert _tags(sess.run(tf.merge_summary([a]))) == ["same"]


def test_summary_of_a_fed_placeholder(g):
    x = tf.placeholder(tf.float32, [], name="x")
    s = tf.summary.scalar("x", x)
    with tf.Session() as sess:
        assert tf.Summary.FromString(sess.run(s, {x: 4.0})).value[0].simple_value == 4.0
        assert tf.Summary.FromString(sess.run(s, {x: -1.5})).value[0].simple_value == -1.5


@pytest.mark.bad_input
def test_numeric_op_cannot_consume_a_summary(g):
    s = tf.summary.scalar("x", tf.constant(1.0))
    with pytest.raises((TypeError, ValueError)):
        tf.Session().run(tf.identity(s) + 1)
