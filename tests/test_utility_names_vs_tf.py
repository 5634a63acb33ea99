"""Top-level utilities side by side with TF 2.21 ``compat.v1``: ``tf.logging`` (a program's stderr),
``tf.resource_loader``, ``make_tensor_proto``/``make_ndarray`` (the serialized protos byte for
byte), ``variable_creator_scope``, ``tables_initializer``, ``tf.initializers.identity`` and
``orthogonal``, and ``tf.GraphKeys``."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import ml_dtypes
import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1

LOGGING_PROGRAM = """
    import tensorflow.compat.v1 as tf

    tf.logging.info("hidden at the default level")
    tf.logging.warning("a warning %d", 1)
    tf.logging.set_verbosity(tf.logging.INFO)
    print(tf.logging.get_verbosity(), tf.logging.INFO, tf.logging.WARN, tf.logging.FATAL)
    tf.logging.info("step %d loss %.2f", 3, 0.5)
    tf.logging.vlog(tf.logging.ERROR, "vlog %s", "x")
    tf.logging.log(tf.logging.DEBUG, "not shown")
    tf.logging.log_if(tf.logging.INFO, "if %d", True, 1)
    tf.logging.log_if(tf.logging.INFO, "if %d", False, 2)
    for i in range(7):
        tf.logging.log_every_n(tf.logging.INFO, "every %d", 3, i)
    tf.logging.TaskLevelStatusMessage("status")
    tf.logging.set_verbosity(tf.logging.ERROR)
    tf.logging.warn("dropped")
    tf.logging.error("kept %s", "e")
"""


def _run(args, env_path=None):
    env = dict(os.environ)
    if env_path is not None:
        env["PYTHONPATH"] = env_path
    r = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=300, env=env
    )
    assert r.returncode == 0, r.stderr
    tf_noise = ("oneDNN", "cpu_feature_guard", "rebuild TensorFlow", "To enable the following")
    err = [ln for ln in r.stderr.splitlines() if not any(n in ln for n in tf_noise)]
    err = [ln for ln in err if not ln.startswith(("WARNING: All log messages", "I0000", "E0000"))]
    return r.stdout.splitlines(), err


def test_logging_program_prints_as_tf(tmp_path):
    prog = tmp_path / "program.py"
    prog.write_text(textwrap.dedent(LOGGING_PROGRAM))
    root = os.path.dirname(os.path.dirname(tf.__file__))
    ours = _run(["-m", "tflite_core.run", str(prog)], env_path=root)
    theirs = _run([str(prog)])
    assert ours == theirs
    assert "INFO:tensorflow:step 3 loss 0.50" in ours[1]  # the assertion cannot pass vacuously


def test_log_first_n_counts_per_call_site():
    """(TF 2.21 keys every call site to one shared counter; TF 1.x, and we, count per line.)"""
    got: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: got.append(record.getMessage())  # type: ignore[method-assign]
    tf.get_logger().addHandler(handler)
    try:
        for i in range(5):
            tf.logging.log_first_n(tf.logging.ERROR, "first %d", 2, i)
            tf.logging.log_every_n(tf.logging.ERROR, "every %d", 2, i)
    finally:
        tf.get_logger().removeHandler(handler)
    assert got == ["first 0", "every 0", "first 1", "every 2", "every 4"]


def test_logging_names_as_tf():
    names = sorted(n for n in dir(T.logging) if not n.startswith("_"))
    assert names == sorted(n for n in dir(tf.logging) if not n.startswith("_"))
    for n in ("DEBUG", "ERROR", "FATAL", "INFO", "WARN"):
        assert getattr(tf.logging, n) == getattr(T.logging, n)


def test_resource_loader_as_tf():
    here = os.path.dirname(os.path.abspath(__file__))
    for mod in (tf, T):
        assert mod.resource_loader.get_data_files_path() == here
        assert mod.resource_loader.get_path_to_datafile("x.txt") == os.path.join(here, "x.txt")
        assert mod.resource_loader.readahead_file_path("/a/b") == "/a/b"
        # (no runfiles: the loader's own folder, TF's platform/ and ours)
        own = os.path.dirname(
            sys.modules[mod.resource_loader.get_data_files_path.__module__].__file__
        )
        assert mod.resource_loader.get_root_dir_with_all_resources() == own
    with open(os.path.join(os.path.dirname(tf.__file__), "py.typed"), "rb") as f:
        assert tf.resource_loader.load_resource("py.typed") == f.read()
    with pytest.raises(OSError):
        tf.resource_loader.load_resource("no/such/file")


BF16 = ml_dtypes.bfloat16
PROTO_CASES = [
    (1.5, None, None),
    (3, None, None),
    (2**40, None, None),
    ([1, 2, 3], None, None),
    ([[1.0, 2.0], [3.0, 4.0]], None, None),
    (np.arange(6, dtype=np.float64).reshape(2, 3), None, None),
    (np.arange(6, dtype=np.int64), None, None),
    ([1, 2], "int64", None),
    (7, "float32", [2, 3]),
    ([1.0, 2.0], "float32", [4]),
    ([], "float32", [0, 3]),
    (True, None, None),
    ([True, False], None, None),
    (np.array([1.5, -2.25], np.float16), None, None),
    (np.array(0.5, np.float16), None, None),
    (np.array([1.5, 2.0], BF16), None, None),
    (np.array([1 + 2j, 3 - 4j], np.complex64), None, None),
    (np.complex128(1 - 1j), None, None),
    (np.array([2**32 - 1], np.uint32), None, None),
    (np.uint64(2**63 + 5), None, None),
    (np.array([7, 8], np.uint64), None, None),
    (np.array([-3, 4], np.int8), None, None),
    (np.array(9, np.uint16), None, None),
    ([b"ab", b"c"], None, None),
    ("héllo", None, None),
    ([["a", "b"]], "string", [1, 2]),
    (np.array([1, 2], np.uint8), "quint8", None),
]


@pytest.mark.parametrize("values,dtype,shape", PROTO_CASES)
def test_make_tensor_proto_and_make_ndarray_as_tf(values, dtype, shape):
    ours = tf.make_tensor_proto(values, dtype=dtype, shape=shape)
    theirs = T.make_tensor_proto(values, dtype=dtype, shape=shape)
    if theirs.uint32_val or theirs.uint64_val:  # (fields our TensorProto class lacks: raw bytes)
        assert ours.tensor_content and not theirs.tensor_content
    else:
        assert ours.SerializeToString() == theirs.SerializeToString()
    read_by_tf = T.make_ndarray(T.make_tensor_proto(0).FromString(ours.SerializeToString()))
    np.testing.assert_array_equal(read_by_tf, T.make_ndarray(theirs))
    a, b = tf.make_ndarray(ours), T.make_ndarray(theirs)
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "values,kwargs",
    [
        (1.5, {"dtype": "int32"}),
        ([1, 2, 3], {"shape": [2]}),
        ([1, 2], {"shape": [3], "verify_shape": True}),
        ([1, 2], {"shape": [3], "allow_broadcast": True}),
        ([[1, 2], [3]], {}),
        (None, {}),
        ("a", {"dtype": "int32"}),
        ([1, 2], {"dtype": "quint8"}),
        (1, {"verify_shape": True, "allow_broadcast": True}),
    ],
)
def test_make_tensor_proto_errors_as_tf(values, kwargs):
    with pytest.raises((TypeError, ValueError)) as theirs:
        T.make_tensor_proto(values, **kwargs)
    with pytest.raises(type(theirs.value)):
        tf.make_tensor_proto(values, **kwargs)


def test_make_tensor_proto_feeds_a_constant():
    p = tf.make_tensor_proto(np.arange(4, dtype=np.float32).reshape(2, 2))
    with tf.Graph().as_default(), tf.Session() as sess:
        np.testing.assert_array_equal(
            sess.run(tf.constant(tf.make_ndarray(p)) * 2), [[0, 2], [4, 6]]
        )


def _creator_run(mod, graph):
    seen = []

    def outer(next_creator, **kwargs):
        seen.append(("outer", kwargs["name"], sorted(kwargs)))
        kwargs["trainable"] = False
        return next_creator(**kwargs)

    def inner(next_creator, **kwargs):
        seen.append(("inner", kwargs["name"]))
        kwargs["initial_value"] = 5.0
        return next_creator(**kwargs)

    with graph.as_default():
        with mod.variable_creator_scope(outer):
            a = mod.Variable(1.0, name="a")
            w = mod.get_variable("w", [], initializer=mod.ones_initializer())
            with mod.variable_creator_scope(inner):
                u = mod.Variable(2.0, name="u")
        free = mod.Variable(3.0, name="free")
        names = (
            [v.name for v in mod.trainable_variables()],
            [v.name for v in mod.global_variables()],
        )
        with mod.Session(graph=graph) as sess:
            sess.run(mod.global_variables_initializer())
            values = sess.run([a, w, u, free])
    return seen, names, values


def test_variable_creator_scope_as_tf():
    ours = _creator_run(tf, tf.Graph())
    theirs = _creator_run(T, real_tf.Graph())
    assert ours == theirs
    assert theirs[2] == [1.0, 1.0, 5.0, 3.0] and theirs[1][0] == ["free:0"]


def test_tables_initializer_as_tf():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            empty = mod.tables_initializer()
            assert empty.type == "NoOp" and empty.name == "init_all_tables"
            v = mod.Variable(0.0, name="v")
            mod.add_to_collection(mod.GraphKeys.TABLE_INITIALIZERS, v.initializer)
            init = mod.initializers.tables_initializer(name="tables")
            assert init.name == "tables" and mod.initialize_all_tables().type == "NoOp"
            with mod.Session(graph=graph) as sess:
                sess.run(init)
                assert sess.run(v) == 0.0


def test_identity_and_orthogonal_initializers_as_tf():
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            a = mod.get_variable("a", [3, 4], initializer=mod.initializers.identity(gain=2.0))
            b = mod.get_variable("b", [5, 3], initializer=mod.initializers.orthogonal(seed=1))
            with mod.Session(graph=graph) as sess:
                sess.run(mod.global_variables_initializer())
                out.append(sess.run([a, b]))
            with pytest.raises(ValueError):
                mod.initializers.identity()([2, 2, 2])
    np.testing.assert_array_equal(out[0][0], out[1][0])
    for q in (out[0][1], out[1][1]):  # the draws differ; both have orthonormal columns
        np.testing.assert_allclose(q.T @ q, np.eye(3), atol=1e-5)


def test_graph_keys_as_tf():
    theirs = {
        k: v
        for k, v in vars(T.GraphKeys).items()
        if k.isupper() and isinstance(v, str) and not k.startswith("_")
    }
    ours = {k: getattr(tf.GraphKeys, k, None) for k in theirs}
    assert ours == theirs
