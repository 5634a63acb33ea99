"""Checkpoints interoperate with real TensorFlow (tensorflow-cpu 2.21, ``compat.v1``).

TensorFlow reads what tflite_core writes (every tensor bit-exact, index blocks split as TF splits
them), tflite_core restores what TensorFlow's Saver writes into the same network, both write the
same bytes for the same variables, TensorFlow parses and imports tflite_core's ``.meta`` and both
read each other's ``checkpoint`` state file.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest
import tensorflow as real_tf  # required: CI installs tensorflow-cpu==2.21.0 (the test extra)
from tensorflow.core.framework import variable_pb2
from tensorflow.core.protobuf import saver_pb2

import tflite_core as tf
from tflite_core.io import _leveldb_table as table
from tflite_core.io import _tensor_bundle as bundle

tf1 = real_tf.compat.v1
DTYPES = [np.float32, np.float64, np.int32, np.int64, np.bool_]
SHAPES = [(), (7,), (3, 5), (0, 4), (2, 3, 4), (1,)]


def bits(a) -> np.ndarray:
    a = np.ascontiguousarray(a)
    return a.view(f"u{a.dtype.itemsize}") if a.dtype.itemsize > 1 else a.view(np.uint8)


def _many_values(n=320, large=4_000_000):
    rng = np.random.default_rng(11)
    values = {}
    for i in range(n):
        dt, shape = DTYPES[i % len(DTYPES)], SHAPES[(i // len(DTYPES)) % len(SHAPES)]
        if dt is np.bool_:
            v = rng.integers(0, 2, shape).astype(bool)
        elif np.issubdtype(dt, np.integer):
            info = np.iinfo(dt)
            v = rng.integers(info.min, info.max, shape, dtype=dt, endpoint=True)
        else:
            v = (rng.standard_normal(shape) * 10.0 ** rng.integers(-30, 30)).astype(dt)
        values[f"net/layer_{i // 10}/sub_{i % 10}/Variable_{i}"] = v
    values["embedding/large"] = rng.standard_normal(large).astype(np.float32).reshape(-1, 1000)
    return values


def _save_with_tflite(values, prefix):
    with tf.Graph().as_default():
        variables = {}
        for name, v in values.items():
            scope, _, base = name.rpartition("/")
            with tf.name_scope(scope):
                variables[name] = tf.Variable(np.zeros_like(v), name=base)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for name, var in variables.items():
                var.load(values[name], sess)
            return saver.save(sess, prefix, write_meta_graph=False)


# ---- TensorFlow reads tflite_core's checkpoints ------------------------------------------------
@pytest.mark.parametrize("block_size", [262144, 2048])
def test_tensorflow_reads_every_variable(tmp_path, monkeypatch, block_size):
    assert table.BLOCK_SIZE == 262144  # TensorFlow's (table_options.h)
    monkeypatch.setattr(table, "BLOCK_SIZE", block_size)
    values = _many_values()
    prefix = _save_with_tflite(values, str(tmp_path / "model"))
    blocks = table.count_data_blocks((tmp_path / "model.index").read_bytes())
    assert blocks == 1 if block_size == 262144 else blocks >= 5
    for reader in (real_tf.train.load_checkpoint(prefix), tf1.train.NewCheckpointReader(prefix)):
        assert reader.get_variable_to_shape_map() == {n: list(v.shape) for n, v in values.items()}
        dtypes = reader.get_variable_to_dtype_map()
        for name, want in values.items():
            assert dtypes[name].as_numpy_dtype == want.dtype
            got = np.asarray(reader.get_tensor(name))
            assert got.shape == want.shape
            np.testing.assert_array_equal(bits(got), bits(want), err_msg=name)
    assert real_tf.train.list_variables(str(tmp_path)) == sorted(
        (n, list(v.shape)) for n, v in values.items()
    )


def _tf_saved_prefix(values, prefix, **saver_kw):
    g = real_tf.Graph()
    with g.as_default():
        for name, v in values.items():
            tf1.Variable(v, name=name)
        saver = tf1.train.Saver(**saver_kw)
        with tf1.Session(graph=g) as sess:
            sess.run(tf1.global_variables_initializer())
            return saver.save(sess, prefix, write_meta_graph=False)


def test_both_write_the_same_bytes(tmp_path):
    values = {
        "a": np.arange(6, dtype=np.float32).reshape(2, 3),
        "ab": np.array([True, False]),
        "emp": np.zeros((0, 3), np.float64),
        "scal": np.int64(-7),
        "dense/kernel": np.linspace(-1, 1, 40).reshape(8, 5),
        "step": np.int32(3),
    }
    ours = _save_with_tflite(values, str(tmp_path / "ours" / "m"))
    theirs = _tf_saved_prefix(values, str(tmp_path / "tf" / "m"))
    for suffix in (".index", ".data-00000-of-00001"):
        with open(ours + suffix, "rb") as a, open(theirs + suffix, "rb") as b:
            assert a.read() == b.read(), suffix


def test_many_keys_written_by_tensorflow_span_blocks_and_read_back(tmp_path):
    rng = np.random.default_rng(12)
    names = sorted(
        f"model/block_{i // 100:03d}/layer_{i % 100:02d}/{'kernel' if i % 2 else 'bias'}/"
        f"ExponentialMovingAverage_{'x' * (i % 23)}"
        for i in range(4000)
    )
    tensors = [rng.standard_normal(i % 5 + 1).astype(np.float32) for i in range(len(names))]
    prefix = str(tmp_path / "tf")
    real_tf.raw_ops.SaveV2(
        prefix=prefix, tensor_names=names, shape_and_slices=[""] * len(names), tensors=tensors
    )
    index = (tmp_path / "tf.index").read_bytes()
    assert table.count_data_blocks(index) >= 2  # TF's own 256 KiB blocks
    reader = tf.train.NewCheckpointReader(prefix)
    assert sorted(reader.get_variable_to_shape_map()) == names
    for name, t in zip(names, tensors):
        np.testing.assert_array_equal(bits(reader.get_tensor(name)), bits(t))
    # and writing the same tensors gives the same index, block boundaries and separators included
    bundle.write_bundle(str(tmp_path / "ours"), zip(names, tensors))
    assert (tmp_path / "ours.index").read_bytes() == index
    assert (tmp_path / "ours.data-00000-of-00001").read_bytes() == (
        tmp_path / "tf.data-00000-of-00001"
    ).read_bytes()


# ---- tflite_core restores TensorFlow's checkpoints ---------------------------------------------
def _net(lib, x):
    """Two dense layers (ReLU) and a softmax; ``lib`` is tflite_core or tf.compat.v1."""
    with lib.name_scope("dense1"):
        w1 = lib.Variable(lib.random_normal([4, 16], seed=1), name="kernel")
        b1 = lib.Variable(lib.zeros([16]), name="bias")
    with lib.name_scope("dense2"):
        w2 = lib.Variable(lib.random_normal([16, 3], seed=2), name="kernel")
        b2 = lib.Variable(lib.zeros([3]), name="bias")
    h = lib.nn.relu(lib.matmul(x, w1) + b1)
    logits = lib.matmul(h, w2) + b2
    return logits, lib.nn.softmax(logits)


def test_tensorflow_saver_checkpoint_restores_into_tflite_net(tmp_path):
    rng = np.random.default_rng(13)
    xv = rng.standard_normal((5, 4)).astype(np.float32)
    yv = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 5)]
    g = real_tf.Graph()
    with g.as_default():
        x = tf1.placeholder(real_tf.float32, [None, 4])
        y = tf1.placeholder(real_tf.float32, [None, 3])
        logits, probs = _net(tf1, x)
        loss = tf1.reduce_mean(tf1.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
        step = tf1.train.GradientDescentOptimizer(0.5).minimize(loss)
        saver = tf1.train.Saver()
        with tf1.Session(graph=g) as sess:
            sess.run(tf1.global_variables_initializer())
            for _ in range(3):
                sess.run(step, {x: xv, y: yv})
            want = sess.run(probs, {x: xv})
            prefix = saver.save(sess, str(tmp_path / "tfnet"), global_step=3)
    assert sorted(n for n, _ in tf.train.list_variables(prefix)) == [
        "dense1/bias",
        "dense1/kernel",
        "dense2/bias",
        "dense2/kernel",
    ]
    with tf.Graph().as_default():
        xt = tf.placeholder(tf.float32, [None, 4])
        _, probs_t = _net(tf, xt)
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, tf.train.latest_checkpoint(str(tmp_path)))
            got = sess.run(probs_t, {xt: xv})
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    assert np.abs(want - 1 / 3).max() > 0.05  # trained weights, not a uniform softmax


# ---- the .meta file ----------------------------------------------------------------------------
def test_tensorflow_parses_and_imports_the_meta_graph(tmp_path):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        _net(tf, x)
        tf.Variable(5, name="global_step", trainable=False)
        saver = tf.train.Saver(max_to_keep=3, keep_checkpoint_every_n_hours=2.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values = {v.op.name: sess.run(v) for v in tf.global_variables()}  # what TF must restore
            prefix = saver.save(sess, str(tmp_path / "m"), global_step=1)
    mg = tf1.MetaGraphDef.FromString((tmp_path / "m-1.meta").read_bytes())
    nodes = {n.name: n for n in mg.graph_def.node}
    assert {"x", "dense1/kernel", "dense1/kernel/Assign", "dense1/kernel/read"} <= set(nodes)
    assert nodes["dense1/kernel"].op == "VariableV2"
    var_defs = [
        variable_pb2.VariableDef.FromString(b)
        for b in mg.collection_def["variables"].bytes_list.value
    ]
    assert [(d.variable_name, d.snapshot_name, d.trainable) for d in var_defs] == [
        ("dense1/kernel:0", "dense1/kernel/read:0", True),
        ("dense1/bias:0", "dense1/bias/read:0", True),
        ("dense2/kernel:0", "dense2/kernel/read:0", True),
        ("dense2/bias:0", "dense2/bias/read:0", True),
        ("global_step:0", "global_step/read:0", False),
    ]
    assert len(mg.collection_def["trainable_variables"].bytes_list.value) == 4
    # TensorFlow imports the graph, builds a Saver for its variables and restores our checkpoint
    g = real_tf.Graph()
    with g.as_default():
        tf_saver = tf1.train.import_meta_graph(str(tmp_path / "m-1.meta"))
        with tf1.Session(graph=g) as sess:
            tf_saver.restore(sess, prefix)
            for name, want in values.items():
                np.testing.assert_array_equal(sess.run(name + ":0"), want)
    # the Saver's settings as TensorFlow's SaverDef
    sd = saver_pb2.SaverDef.FromString(saver.as_saver_def().SerializeToString())
    assert (sd.max_to_keep, sd.keep_checkpoint_every_n_hours, sd.version) == (3, 2.0, sd.V2)


# ---- the checkpoint state file -----------------------------------------------------------------
def test_checkpoint_state_files_match_tensorflow(tmp_path):
    odd = tmp_path / 'run "é\\1'
    values = {"w": np.float32(1.0)}
    ours_dir, theirs_dir = odd / "ours", odd / "tf"
    odd.mkdir()  # each Saver creates the last directory level only (as TF's BundleWriter)
    with tf.Graph().as_default():
        w = tf.Variable(1.0, name="w")
        saver = tf.train.Saver(max_to_keep=2)
        with tf.Session() as sess:
            sess.run(w.initializer)
            for s in range(4):
                saver.save(sess, str(ours_dir / "m"), global_step=s, write_meta_graph=False)
    g = real_tf.Graph()
    with g.as_default():
        tf1.Variable(values["w"], name="w")
        tf_saver = tf1.train.Saver(max_to_keep=2)
        with tf1.Session(graph=g) as sess:
            sess.run(tf1.global_variables_initializer())
            for s in range(4):
                tf_saver.save(sess, str(theirs_dir / "m"), global_step=s, write_meta_graph=False)
    ours = (ours_dir / "checkpoint").read_text()
    theirs = (theirs_dir / "checkpoint").read_text()
    assert 'run \\"é\\\\1' in ours  # quote and backslash escaped, UTF-8 as is
    assert ours == theirs.replace("/tf/", "/ours/")
    tf_state = real_tf.train.get_checkpoint_state(str(ours_dir))
    assert tf_state.model_checkpoint_path == str(ours_dir / "m-3")
    assert list(tf_state.all_model_checkpoint_paths) == [str(ours_dir / f"m-{s}") for s in (2, 3)]
    our_state = tf.train.get_checkpoint_state(str(theirs_dir))
    assert our_state.all_model_checkpoint_paths == [str(theirs_dir / f"m-{s}") for s in (2, 3)]
    # (TF's latest_checkpoint and checkpoint deletion glob the path, so the backslash here hides
    # the files from TF: it finds no latest checkpoint and deletes none)
    assert tf.train.latest_checkpoint(str(theirs_dir)) == str(theirs_dir / "m-3")
    assert sorted(os.listdir(ours_dir)) == ["checkpoint"] + [
        f"m-{s}.{ext}" for s in (2, 3) for ext in ("data-00000-of-00001", "index")
    ]
