"""Small top-level names side by side with TF 2.21 ``compat.v1``: arg_max/arg_min, the v2 conv
backprops, OpError, tf.config's devices and threads, tf.test (TestCase, the gradient checker)."""

from __future__ import annotations

import os

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(8)


def _both(build, feeds):
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            ps = [mod.placeholder(mod.as_dtype(v.dtype), v.shape) for v in feeds]
            fetch = build(mod, *ps)
            with mod.Session(graph=graph) as sess:
                out.append(sess.run(fetch, dict(zip(ps, feeds))))
    return out


def test_arg_max_arg_min_as_tf():
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    ours, theirs = _both(
        lambda m, p: [m.arg_max(p, 1), m.arg_min(p, 0), m.arg_max(p, 0, output_type=m.int32)], [x]
    )
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_conv2d_backprop_v2_as_tf():
    x = RNG.standard_normal((2, 5, 5, 3)).astype(np.float32)
    f = RNG.standard_normal((3, 3, 3, 4)).astype(np.float32)
    dy = RNG.standard_normal((2, 5, 5, 4)).astype(np.float32)

    def build(m, x, f, dy):
        if m is T:  # TF registers no CPU kernel for the v2 ops: its v1 ops, the same maths
            return [
                m.nn.conv2d_backprop_filter(x, m.shape(f), dy, [1, 1, 1, 1], "SAME"),
                m.nn.conv2d_backprop_input(m.shape(x), f, dy, [1, 1, 1, 1], "SAME"),
            ]
        return [
            m.conv2d_backprop_filter_v2(x, f, dy, [1, 1, 1, 1], "SAME"),
            m.conv2d_backprop_input_v2(x, f, dy, [1, 1, 1, 1], "SAME"),
        ]

    ours, theirs = _both(build, [x, f, dy])
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_op_error_is_the_errors_base_class():
    assert tf.OpError is tf.errors.OpError
    assert issubclass(tf.errors.InvalidArgumentError, tf.OpError)
    assert issubclass(T.errors.InvalidArgumentError, T.OpError)


def test_config_devices_and_threads_as_tf():
    ours = [(d.name, d.device_type) for d in tf.config.list_physical_devices("CPU")]
    theirs = [(d.name, d.device_type) for d in real_tf.config.list_physical_devices("CPU")]
    assert ours == theirs
    assert tf.config.list_physical_devices("GPU") == []
    assert [d.name for d in tf.config.list_logical_devices("CPU")] == ["/device:CPU:0"]
    before = tf.get_num_threads() if hasattr(tf, "get_num_threads") else None
    tf.config.threading.set_intra_op_parallelism_threads(1)
    try:
        assert tf.config.threading.get_intra_op_parallelism_threads() == 1
        assert tf._core.get_num_threads() == 1
    finally:
        tf.config.threading.set_intra_op_parallelism_threads(before or 0)
    with pytest.raises(ValueError):
        tf.config.set_visible_devices(["/physical_device:GPU:0"])


class _Case(tf.test.TestCase):
    __test__ = False  # run by test_test_case_runs_its_tests (pytest does not collect it)

    def test_session_and_asserts(self):
        x = tf.constant([1.0, 2.0, 3.0])
        with self.cached_session() as sess:
            self.assertAllClose(sess.run(x * 2.0), [2.0, 4.0, 6.0])
            self.assertAllEqual(self.evaluate(tf.shape(x)), [3])
        self.assertArrayNear([1.0, 2.0], [1.0, 2.0 + 1e-7], 1e-6)
        self.assertShapeEqual(np.zeros(3), x)
        self.assertAllInRange(self.evaluate(x), 1.0, 3.0)
        y = tf.placeholder(tf.float32, [None])
        with self.assertRaisesOpError("Incompatible|shape|broadcast"), self.cached_session() as s:
            s.run(x + y, {y: [1.0, 2.0]})

    def test_fails_when_values_differ(self):
        with self.assertRaises(AssertionError):
            self.assertAllClose([1.0, 2.0], [1.0, 2.5])


def test_test_case_runs_its_tests():
    suite = __import__("unittest").defaultTestLoader.loadTestsFromTestCase(_Case)
    with open(os.devnull, "w") as sink:
        result = __import__("unittest").TextTestRunner(stream=sink).run(suite)
    assert result.testsRun == 3 and len(result.skipped) == 1  # (test_session: not a test)
    assert result.wasSuccessful(), result.failures + result.errors
    assert tf.test.is_gpu_available() is False and tf.test.gpu_device_name() == ""


def test_compute_gradient_as_tf():
    x0 = RNG.standard_normal((2, 3))
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            x = mod.placeholder(mod.float64, [2, 3])
            y = mod.reduce_sum(mod.sin(x) * x, axis=1)
            with mod.Session(graph=graph).as_default():
                jt, jn = mod.test.compute_gradient(x, [2, 3], y, [2], x_init_value=x0)
                err = mod.test.compute_gradient_error(x, [2, 3], y, [2], x_init_value=x0)
            out.append((jt, jn, err))
    (jt, jn, err), (tjt, tjn, terr) = out
    np.testing.assert_allclose(jt, tjt, rtol=1e-10)
    np.testing.assert_allclose(jn, tjn, rtol=1e-6, atol=1e-8)
    assert err == pytest.approx(terr, rel=1e-3, abs=1e-9)
    assert err < 1e-5


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (6, 2), (2, 3, 4)])
def test_orthogonal_initializer_gives_orthonormal_rows_or_columns(shape):
    with tf.Graph().as_default():
        init = tf.orthogonal_initializer(gain=2.0, seed=3)
        v = tf.get_variable("w", shape, initializer=init)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            w = sess.run(v).reshape(-1, shape[-1]) / 2.0
    rows, cols = w.shape
    gram = w.T @ w if rows >= cols else w @ w.T
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-5)
    assert tf.orthogonal_initializer(seed=1).get_config()["gain"] == 1.0
    assert T.orthogonal_initializer(seed=1).get_config()["gain"] == 1.0


def test_version_module_as_tf():
    assert tf.version.VERSION == tf.VERSION
    assert tf.version.GRAPH_DEF_VERSION == tf.GRAPH_DEF_VERSION
    assert tf.version.GIT_VERSION == tf.GIT_VERSION and tf.version.COMPILER_VERSION


def test_config_option_messages_as_tf():
    for name in ("GPUOptions", "GraphOptions", "OptimizerOptions"):
        ours, theirs = getattr(tf, name)(), getattr(T, name)()
        for field in vars(ours):
            want = getattr(theirs, field)
            got = getattr(ours, field)
            if name == "GraphOptions" and field == "optimizer_options":
                assert got == tf.OptimizerOptions()
                continue
            if name == "GraphOptions" and field == "rewrite_options":  # (a RewriterConfig)
                for f in vars(got):
                    assert getattr(got, f) == getattr(want, f), f
                for enum in ("NO_MEM_OPT", "DEFAULT_MEM_OPT", "HEURISTICS", "OFF", "ON"):
                    assert getattr(type(got), enum) == getattr(type(want), enum), enum
                continue
            assert got == want, (name, field)
    cfg = tf.ConfigProto(gpu_options=tf.GPUOptions(allow_growth=True))
    assert cfg.gpu_options.allow_growth is True
    cfg2 = tf.ConfigProto()
    cfg2.gpu_options.per_process_gpu_memory_fraction = 0.5
    assert tf.ConfigProto().gpu_options.per_process_gpu_memory_fraction == 0.0
    assert tf.OptimizerOptions.L1 == T.OptimizerOptions.L1
    with pytest.raises(ValueError):
        tf.GPUOptions(not_a_field=1)
    with pytest.raises(ValueError):
        T.GPUOptions(not_a_field=1)
    with tf.Session(config=tf.ConfigProto(graph_options=tf.GraphOptions())) as sess:
        assert sess.run(tf.constant(2.0)) == 2.0
