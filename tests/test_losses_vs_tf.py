"""``tf.losses`` side by side with TF 2.21 ``compat.v1``: every loss function under every
reduction, with scalar, per-element and broadcast weights (zeros among them), placeholders of
unknown batch size; the gradients; the op names and the LOSSES / REGULARIZATION_LOSSES
collections; ``get_total_loss``; and TF's errors for weights that cannot broadcast."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(15)
R = tf.losses.Reduction
REDUCTIONS = [R.NONE, R.SUM, R.MEAN, R.SUM_OVER_BATCH_SIZE, R.SUM_BY_NONZERO_WEIGHTS]

LABELS01 = (RNG.random((4, 3)) > 0.5).astype(np.float32)
PRED = RNG.random((4, 3)).astype(np.float32) * 0.9 + 0.05
LOGITS = RNG.standard_normal((4, 3)).astype(np.float32) * 2
UNIT = RNG.standard_normal((4, 3)).astype(np.float32)
UNIT /= np.linalg.norm(UNIT, axis=1, keepdims=True)
UNIT2 = RNG.standard_normal((4, 3)).astype(np.float32)
UNIT2 /= np.linalg.norm(UNIT2, axis=1, keepdims=True)
ONEHOT = np.eye(3, dtype=np.float32)[[0, 2, 1, 2]]
IDS = np.array([0, 2, 1, 2], np.int32)

# name -> (call(module, a, b, weights, reduction), a, b, weights shape)
LOSSES = {
    "absolute_difference": (
        lambda m, a, b, w, r: m.losses.absolute_difference(a, b, w, reduction=r),
        LABELS01,
        PRED,
    ),
    "mean_squared_error": (
        lambda m, a, b, w, r: m.losses.mean_squared_error(a, b, w, reduction=r),
        LABELS01,
        PRED,
    ),
    "huber_loss": (
        lambda m, a, b, w, r: m.losses.huber_loss(a, b * 3, w, delta=0.7, reduction=r),
        LABELS01,
        PRED,
    ),
    "log_loss": (lambda m, a, b, w, r: m.losses.log_loss(a, b, w, reduction=r), LABELS01, PRED),
    "hinge_loss": (
        lambda m, a, b, w, r: m.losses.hinge_loss(a, b, w, reduction=r),
        LABELS01,
        LOGITS,
    ),
    "cosine_distance": (
        lambda m, a, b, w, r: m.losses.cosine_distance(a, b, axis=1, weights=w, reduction=r),
        UNIT,
        UNIT2,
    ),
    "sigmoid_cross_entropy": (
        lambda m, a, b, w, r: m.losses.sigmoid_cross_entropy(
            a, b, w, label_smoothing=0.1, reduction=r
        ),
        LABELS01,
        LOGITS,
    ),
    "softmax_cross_entropy": (
        lambda m, a, b, w, r: m.losses.softmax_cross_entropy(
            a, b, w, label_smoothing=0.2, reduction=r
        ),
        ONEHOT,
        LOGITS,
    ),
    "sparse_softmax_cross_entropy": (
        lambda m, a, b, w, r: m.losses.sparse_softmax_cross_entropy(a, b, w, reduction=r),
        IDS,
        LOGITS,
    ),
}
# the weights' shapes each loss accepts: per element (or per example) and broadcast ones
WEIGHTS = {
    "cosine_distance": [(4, 1), (1, 1)],
    "softmax_cross_entropy": [(4,)],
    "sparse_softmax_cross_entropy": [(4,), (4, 1)],
}


def _weights(name):
    out = [1.0, 0.0, 2.5]
    for shp in WEIGHTS.get(name, [(4, 3), (4, 1), (1, 3)]):
        w = RNG.random(shp).astype(np.float32)
        w.flat[0] = 0.0  # a zero weight: SUM_BY_NONZERO_WEIGHTS counts only the others
        out.append(w)
    return out


def _run(mod, graph, name, weights, reduction, dynamic):
    call, a, b = LOSSES[name]
    with graph.as_default():
        pa = mod.placeholder(mod.as_dtype(a.dtype), (None, *a.shape[1:]) if dynamic else a.shape)
        pb = mod.placeholder(mod.float32, (None, *b.shape[1:]) if dynamic else b.shape)
        loss = call(mod, pa, pb, weights, reduction)
        grad = mod.gradients(loss, pb)[0]
        with mod.Session(graph=graph) as sess:
            return sess.run([loss, grad], {pa: a, pb: b}), loss


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_losses_match_tf(name):
    for dynamic in (False, True):
        for w in _weights(name):
            for r in REDUCTIONS:
                (ours, g_ours), t_ours = _run(tf, tf.Graph(), name, w, r, dynamic)
                (theirs, g_theirs), t_theirs = _run(T, real_tf.Graph(), name, w, r, dynamic)
                msg = f"{name} weights={np.shape(w)} {r} dynamic={dynamic}"
                assert t_ours.name == t_theirs.name, msg
                assert np.shape(ours) == np.shape(theirs), msg
                np.testing.assert_allclose(ours, theirs, rtol=2e-6, atol=1e-6, err_msg=msg)
                np.testing.assert_allclose(g_ours, g_theirs, rtol=2e-5, atol=1e-6, err_msg=msg)


def test_mean_pairwise_squared_error_matches_tf():
    a = RNG.standard_normal((3, 4, 2)).astype(np.float32)
    b = RNG.standard_normal((3, 4, 2)).astype(np.float32)
    for w in (1.0, np.array([[[0.0]], [[2.0]], [[0.5]]], np.float32), 0.0):
        got = []
        for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
            with graph.as_default():
                pb = mod.placeholder(mod.float32, (None, 4, 2))
                loss = mod.losses.mean_pairwise_squared_error(a, pb, weights=w)
                grad = mod.gradients(loss, pb)[0]
                with mod.Session(graph=graph) as sess:
                    got.append((loss.name, *sess.run([loss, grad], {pb: b})))
                    assert mod.get_collection(mod.GraphKeys.LOSSES) == [loss]
        assert got[0][0] == got[1][0]
        np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(got[0][2], got[1][2], rtol=1e-5, atol=1e-6)


def test_collections_and_total_loss_match_tf():
    got = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            v = mod.Variable(np.float32(3.0), name="v")
            mod.add_to_collection(mod.GraphKeys.REGULARIZATION_LOSSES, 0.1 * v * v)
            with mod.name_scope("head"):
                l1 = mod.losses.mean_squared_error([[1.0, 2.0]], [[0.0, 4.0]])
            l2 = mod.losses.absolute_difference([1.0], [3.0], loss_collection=None)
            mod.losses.add_loss(v * 2.0)
            total = mod.losses.get_total_loss()
            no_reg = mod.losses.get_total_loss(add_regularization_losses=False, name="plain")
            reg = mod.losses.get_regularization_loss()
            names = [t.name for t in mod.losses.get_losses()]
            scoped = [t.name for t in mod.losses.get_losses(scope="head")]
            with mod.Session(graph=graph) as sess:
                sess.run(mod.global_variables_initializer())
                vals = sess.run([l1, l2, total, no_reg, reg])
            got.append((names, scoped, total.name, reg.name, no_reg.name, vals))
    assert got[0][:5] == got[1][:5]
    np.testing.assert_allclose(got[0][5], got[1][5], rtol=1e-6)


def test_empty_regularization_and_total_loss_as_tf():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            with mod.Session() as sess:
                assert sess.run(mod.losses.get_regularization_loss()) == 0.0
            with pytest.raises(ValueError, match="at least one Tensor"):
                mod.losses.get_total_loss()


@pytest.mark.parametrize(
    "w_shape, match",
    [
        ((4,), "values.rank=2. weights.rank=1"),
        ((2, 3), "Mismatch at dim 0"),
        ((4, 2), "Mismatch at dim 1"),
    ],
)
def test_weights_that_cannot_broadcast_raise_tfs_value_error(w_shape, match):
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with (
            graph.as_default(),
            pytest.raises(ValueError, match=f"weights can not be broadcast to values. {match}"),
        ):
            mod.losses.mean_squared_error(LABELS01, PRED, weights=np.ones(w_shape, np.float32))


def test_dynamic_weights_of_the_wrong_rank_fail_at_run_time_as_tf():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            w = mod.placeholder(mod.float32)
            loss = mod.losses.mean_squared_error(LABELS01, PRED, weights=w)
            with mod.Session() as sess:
                with pytest.raises(
                    mod.errors.InvalidArgumentError, match="weights can not be broadcast"
                ):
                    sess.run(loss, {w: np.ones(3, np.float32)})
                np.testing.assert_allclose(
                    sess.run(loss, {w: 2.0}), 2 * np.mean((LABELS01 - PRED) ** 2), rtol=1e-6
                )


def test_bad_arguments_as_tf():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            with pytest.raises(ValueError, match="Invalid Reduction Key"):
                mod.losses.mean_squared_error(LABELS01, PRED, reduction="mean")
            with pytest.raises(ValueError, match="must specify argument `axis`"):
                mod.losses.cosine_distance(UNIT, UNIT2)
            with pytest.raises(ValueError, match="`labels` must not be None"):
                mod.losses.log_loss(None, PRED)
            with pytest.raises(ValueError):
                mod.losses.mean_squared_error(LABELS01, PRED[:, :2])
