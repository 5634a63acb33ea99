"""``tf.nn.fused_batch_norm``, ``batch_norm_with_global_normalization``, ``lrn`` /
``local_response_normalization``, ``leaky_relu`` and ``selu`` side by side with TF 2.21
``compat.v1``: values, gradients, static shapes (unknown batch), output names, and TF's errors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(21)
X = (RNG.standard_normal((2, 3, 4, 5)) * 2 + 1).astype(np.float32)
S, OFF, M = (RNG.standard_normal(5).astype(np.float32) for _ in range(3))
V = (RNG.random(5) + 0.5).astype(np.float32)


def _run(mod, build):
    graph = tf.Graph() if mod is tf else real_tf.Graph()
    with graph.as_default():
        x = mod.placeholder(mod.float32, (None, *X.shape[1:]))
        outs, wrt = build(mod, x)
        loss = mod.add_n([mod.reduce_sum(o * o * o) for o in outs if o.dtype.is_floating])
        grads = mod.gradients(loss, [x, *wrt])
        with mod.Session(graph=graph) as sess:
            vals = sess.run([outs, grads], {x: X})
    return [o.name for o in outs], [o.shape.as_list() for o in outs], vals


def _compare(build, names=(0,), tol=2e-4):
    n_ours, s_ours, (v_ours, g_ours) = _run(tf, build)
    n_tf, s_tf, (v_tf, g_tf) = _run(T, build)
    assert s_ours == s_tf
    assert [n_ours[i] for i in names] == [n_tf[i] for i in names]
    assert [g is None for g in g_ours] == [g is None for g in g_tf]
    for a, b in zip(v_ours + g_ours, v_tf + g_tf):
        if b is None:
            continue
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


FUSED = {
    "training": {},
    "inference": {"is_training": False, "mean": M, "variance": V},
    "exponential_avg": {"exponential_avg_factor": 0.3, "mean": M, "variance": V},
    "nchw": {"data_format": "NCHW"},
    "epsilon": {"epsilon": 0.1, "name": "bn"},
}


@pytest.mark.parametrize("case", sorted(FUSED))
def test_fused_batch_norm(case):
    kw = FUSED[case]
    n = 3 if kw.get("data_format") == "NCHW" else 5

    def build(m, x):
        s, o = m.constant(S[:n]), m.constant(OFF[:n])
        y, mean, var = m.nn.fused_batch_norm(x, s, o, **kw)
        return [y, mean, var], [s, o]

    _compare(build)


def test_fused_batch_norm_5d():
    def build(m, x):
        x5 = m.reshape(x, [-1, 3, 2, 2, 5])
        y, mean, var = m.nn.fused_batch_norm(x5, S, OFF, data_format="NDHWC")
        return [y, mean, var], []

    _compare(build, names=())


def test_batch_norm_with_global_normalization():
    def build(m, x):
        g = m.constant(S)
        y = m.nn.batch_norm_with_global_normalization(x, M, V, OFF, g, 0.01, True)
        z = m.nn.batch_norm_with_global_normalization(
            input=x,
            mean=M,
            variance=V,
            beta=OFF,
            gamma=g,
            variance_epsilon=0.01,
            scale_after_normalization=False,
        )
        return [y, z], [g]

    _compare(build, names=())  # (batch_normalization's inner op names are its own)


LRN = [
    {},
    {"depth_radius": 2, "bias": 2.0, "alpha": 0.5, "beta": 0.75},
    {"depth_radius": 0},
    {"depth_radius": 9, "beta": 1.0, "name": "norm"},
]


@pytest.mark.parametrize("kw", LRN)
def test_lrn(kw):
    def build(m, x):
        return [m.nn.lrn(x, **kw), m.nn.local_response_normalization(x, **kw)], []

    _compare(build, names=(0, 1))


@pytest.mark.parametrize("alpha", [0.2, 0.01, 1.5, np.float32(0.3)])
def test_leaky_relu_and_selu(alpha):
    def build(m, x):
        z = m.concat([m.reshape(x, [-1]), m.zeros([2]), m.constant([100.0, -100.0])], 0)
        return [m.nn.leaky_relu(z, alpha), m.nn.selu(z, name="s"), m.nn.leaky_relu(x)], []

    _compare(build, names=(0, 1, 2))


def test_leaky_relu_casts_integers():
    for mod in (tf, T):
        graph = tf.Graph() if mod is tf else real_tf.Graph()
        with graph.as_default():
            y = mod.nn.leaky_relu([-3, 4])
            assert y.dtype == mod.float32
            with mod.Session() as sess:
                np.testing.assert_allclose(sess.run(y), [-0.6, 4.0], rtol=1e-6)


def _error(mod, fn):
    graph = tf.Graph() if mod is tf else real_tf.Graph()
    with graph.as_default():
        try:
            fn(mod)
        except Exception as e:
            return type(e).__name__, str(e)
    return None, ""


def _ph(m, shape, dtype=None):
    return m.placeholder(dtype or m.float32, shape)


BAD = {
    "fused_rank": (
        lambda m: m.nn.fused_batch_norm(_ph(m, (2, 4, 5)), S, OFF),
        "Shape must be rank 4 but is rank 3",
    ),
    "fused_channels": (
        lambda m: m.nn.fused_batch_norm(_ph(m, (2, 3, 4, 5)), S[:4], OFF),
        "Dimensions must be equal, but are 5 and 4",
    ),
    "fused_float64": (
        lambda m: m.nn.fused_batch_norm(_ph(m, (2, 3, 4, 5), m.float64), S, OFF),
        "has DataType float64 not in list of allowed values: float16, bfloat16, float32",
    ),
    "fused_data_format": (
        lambda m: m.nn.fused_batch_norm(_ph(m, (2, 3, 4, 5)), S, OFF, data_format="NWC"),
        "Attr 'data_format' of 'FusedBatchNormV3' Op passed string 'NWC' not in",
    ),
    "fused_inference_needs_moments": (
        lambda m: m.nn.fused_batch_norm(_ph(m, (2, 3, 4, 5)), S, OFF, is_training=False),
        "Both `mean` and `variance` must be a 1D tensor when `is_training` is False",
    ),
    "lrn_rank": (lambda m: m.nn.lrn(_ph(m, (3, 4, 5))), "Shape must be rank 4 but is rank 3"),
    "selu_int": (
        lambda m: m.nn.selu(np.array([-1, 2], np.int32)),
        "DataType int32 not in list of allowed values",
    ),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_raises_tfs_error(case):
    fn, words = BAD[case]
    ours, ours_msg = _error(tf, fn)
    theirs, tf_msg = _error(T, fn)
    assert theirs is not None and ours == theirs, (ours, ours_msg, theirs, tf_msg)
    assert words in ours_msg and words in tf_msg, (ours_msg, tf_msg)
