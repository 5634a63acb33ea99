"""Names of the model-building namespaces that the family tests reach only indirectly, side by side
with TF 2.21 ``compat.v1``: the initializers ``he_uniform``, ``lecun_normal`` and
``uniform_unit_scaling`` (configuration and distribution); ``tf.losses.compute_weighted_loss``
under every reduction and ``get_regularization_losses``; ``SessionRunContext`` /
``SessionRunValues`` as hooks see them; ``ChiefSessionCreator`` restoring a checkpoint and
``WorkerSessionCreator`` waiting for a ready model."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(151)


# (initializer, its variance for a [fan_in, fan_out] kernel, its bound if uniform)
INITS = {
    "he_uniform": (lambda m: m.initializers.he_uniform(seed=5), lambda n: 2.0 / n, 6.0),
    "lecun_normal": (lambda m: m.initializers.lecun_normal(seed=6), lambda n: 1.0 / n, None),
    "uniform_unit_scaling_factor": (
        lambda m: m.uniform_unit_scaling_initializer(factor=1.3, seed=7),
        lambda n: 1.3**2 / n,
        3.0 * 1.3**2,
    ),
    "uniform_unit_scaling": (
        lambda m: m.initializers.uniform_unit_scaling(seed=8),
        lambda n: 1.0 / n,
        3.0,
    ),
}


@pytest.mark.parametrize("name", sorted(INITS))
def test_seeded_initializers_as_tfs(name):
    """TF's configuration, and samples of TF's distribution: the variance of each (stateful
    random streams are TF's unspecified detail), the bound of the uniform ones, and a seed that
    gives the same values again."""
    make, variance, bound = INITS[name]
    assert make(tf).get_config() == make(T).get_config()
    fan_in = 120
    for mod in (tf, T):
        with mod.Graph().as_default():
            v = mod.get_variable("w", [fan_in, 500], initializer=make(mod))
            again = mod.get_variable("again", [fan_in, 500], initializer=make(mod))
            with mod.Session() as sess:
                sess.run(mod.global_variables_initializer())
                w, w2 = sess.run([v, again])
        np.testing.assert_array_equal(w, w2)  # the same op seed: the same numbers
        assert abs(w.mean()) < 4 * np.sqrt(variance(fan_in) / w.size)
        np.testing.assert_allclose(w.var(), variance(fan_in), rtol=0.03)
        if bound is not None:
            assert np.abs(w).max() <= np.sqrt(bound / fan_in)
            assert np.abs(w).max() > 0.99 * np.sqrt(bound / fan_in)


R = tf.losses.Reduction


@pytest.mark.parametrize(
    "reduction", [R.NONE, R.SUM, R.MEAN, R.SUM_OVER_BATCH_SIZE, R.SUM_BY_NONZERO_WEIGHTS]
)
@pytest.mark.parametrize("weights", ["scalar", "column", "full"])
def test_compute_weighted_loss_as_tf(reduction, weights):
    losses = RNG.standard_normal((4, 3)).astype(np.float32)
    w = {
        "scalar": np.float32(0.5),
        "column": np.array([[1.0], [0.0], [2.0], [0.5]], np.float32),
        "full": (RNG.random((4, 3)) > 0.4).astype(np.float32) * 1.5,
    }[weights]
    out = []
    for mod in (tf, T):
        with mod.Graph().as_default() as g:
            lp = mod.placeholder(mod.float32, [None, 3])
            loss = mod.losses.compute_weighted_loss(lp, w, reduction=reduction)
            (grad,) = mod.gradients(mod.reduce_sum(loss), [lp])
            names = [t.name for t in g.get_collection(mod.GraphKeys.LOSSES)]
            with mod.Session() as sess:
                out.append((*sess.run([loss, grad], {lp: losses}), names))
    (l1, g1, n1), (l2, g2, n2) = out
    np.testing.assert_allclose(l1, l2, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(g1, g2, rtol=1e-6, atol=1e-7)
    assert n1 == n2


@pytest.mark.filterwarnings("ignore::UserWarning")  # (TF's tf.layers deprecation notice)
def test_get_regularization_losses_as_tf():
    x = RNG.standard_normal((2, 4)).astype(np.float32)
    out = []
    for mod in (tf, T):
        with mod.Graph().as_default():

            def reg(w, _m=mod):
                return 0.1 * _m.reduce_sum(_m.square(w))

            with mod.variable_scope("block"):
                h = mod.layers.dense(x, 3, kernel_regularizer=reg, name="fc1")
            mod.layers.dense(h, 2, bias_regularizer=reg, name="fc2")
            got = mod.losses.get_regularization_losses()
            scoped = mod.losses.get_regularization_losses(scope="block")
            with mod.Session() as sess:
                sess.run(mod.global_variables_initializer())
                kernel = sess.run(mod.trainable_variables()[0])
                out.append((sess.run(got), [t.name for t in scoped], kernel))
    (ours, our_scoped, k1), (theirs, their_scoped, k2) = out
    assert len(ours) == len(theirs) == 2 and our_scoped == their_scoped
    np.testing.assert_allclose(ours[0], 0.1 * np.sum(k1**2), rtol=1e-5)
    np.testing.assert_allclose(theirs[0], 0.1 * np.sum(k2**2), rtol=1e-5)
    np.testing.assert_allclose([ours[1], theirs[1]], [0.0, 0.0])  # fc2's bias starts at zeros


def test_session_run_context_and_values_as_hooks_see_them():
    seen = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            gs = mod.train.get_or_create_global_step()
            inc = mod.assign_add(gs, 1)
            x = mod.constant(3.0)

            class Hook(mod.train.SessionRunHook):
                def before_run(self, run_context, _seen=seen, _m=mod, _x=x):
                    assert isinstance(run_context, _m.train.SessionRunContext)
                    _seen.append(("args", sorted(run_context.original_args._fields)))
                    return _m.train.SessionRunArgs({"x": _x})

                def after_run(self, run_context, run_values, _seen=seen, _m=mod):
                    assert isinstance(run_values, _m.train.SessionRunValues)
                    _seen.append(("values", run_values.results["x"], run_values._fields))
                    if run_values.results["x"] == 3.0:
                        run_context.request_stop()
                    _seen.append(("stop", run_context.stop_requested))

            with mod.train.MonitoredSession(hooks=[Hook()]) as sess:
                sess.run(inc)
                seen.append(("should_stop", sess.should_stop()))
    half = len(seen) // 2
    assert seen[:half] == seen[half:]
    assert seen[:half] == [
        ("args", ["feed_dict", "fetches", "options"]),
        ("values", 3.0, ("results", "options", "run_metadata")),
        ("stop", True),
        ("should_stop", True),
    ]
    ctx = tf.train.SessionRunContext(tf.train.SessionRunArgs(fetches=None), None)
    assert not ctx.stop_requested and ctx.session is None


def test_chief_session_creator_restores_and_worker_creator_waits(tmp_path):
    values = []
    for mod, sub in ((tf, "ours"), (T, "tf")):
        d = str(tmp_path / sub)
        with mod.Graph().as_default():
            v = mod.get_variable("v", [3], initializer=mod.constant_initializer([1.0, 2.0, 3.0]))
            bump = mod.assign_add(v, [10.0, 10.0, 10.0])
            gs = mod.train.get_or_create_global_step()
            step = mod.assign_add(gs, 1)
            saver = mod.train.Saver()
            with mod.Session() as sess:
                sess.run(mod.global_variables_initializer())
                sess.run([bump, step])
                saver.save(sess, d + "/model.ckpt", global_step=gs)
            creator = mod.train.ChiefSessionCreator(checkpoint_dir=d)
            with mod.train.MonitoredSession(session_creator=creator) as sess:
                values.append(sess.run([v, gs]))
            worker = mod.train.WorkerSessionCreator(max_wait_secs=0.5)
            with mod.Session() as chief:  # the chief's session: the model is ready
                saver.restore(chief, d + "/model.ckpt-1")
                values.append(chief.run(v))
            with pytest.raises(mod.errors.DeadlineExceededError):
                worker.create_session()  # nobody initialises this worker's own session
    ours, ours_chief, theirs, theirs_chief = values
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[0], [11.0, 12.0, 13.0])
    assert ours[1] == theirs[1] == 1
    np.testing.assert_array_equal(ours_chief, theirs_chief)
