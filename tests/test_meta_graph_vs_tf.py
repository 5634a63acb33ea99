"""``tf.train.export_meta_graph`` / ``import_meta_graph`` side by side with TF 2.21
``compat.v1``: ``.meta`` files and checkpoints TF writes (ref and resource variables, training
graphs with their optimizers) import here, restore, run and keep training with TF's losses; ours
import in TF; collections, ``export_scope``/``import_scope``, ``clear_devices`` and text files as
TF's; bad files raise TF's errors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf
from tensorflow.core.framework import variable_pb2

import tflite_core as tf
from tflite_core.framework.meta_graph_protos import meta_protos

T = real_tf.compat.v1
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
RNG = np.random.default_rng(23)
X = RNG.standard_normal((8, 3)).astype(np.float32)
LAB = RNG.integers(0, 3, 8).astype(np.int64)
W0 = RNG.standard_normal((3, 4)).astype(np.float32) * 0.5
W1 = RNG.standard_normal((4, 3)).astype(np.float32) * 0.5


def _model(m, use_resource, optimizer=None):
    """An MLP with its loss (and a train_op when ``optimizer`` is given); names fixed."""
    x = m.placeholder(m.float32, [None, 3], name="x")
    lab = m.placeholder(m.int64, [None], name="lab")
    w0 = m.get_variable("w0", initializer=W0, use_resource=use_resource)
    b0 = m.get_variable("b0", [4], initializer=m.zeros_initializer(), use_resource=use_resource)
    h = m.nn.relu(m.nn.bias_add(m.matmul(x, w0), b0))
    w1 = m.get_variable("w1", initializer=W1, use_resource=use_resource)
    logits = m.identity(m.matmul(h, w1), name="logits")
    loss = m.identity(m.losses.sparse_softmax_cross_entropy(lab, logits), name="loss")
    m.add_to_collection("outputs", logits)
    m.add_to_collection("sizes", 3)
    m.add_to_collection("rates", 0.5)
    m.add_to_collection("labels", b"digits")
    if optimizer is not None:
        step = m.train.get_or_create_global_step()
        opt = {
            "sgd": lambda: m.train.GradientDescentOptimizer(0.5),
            "momentum": lambda: m.train.MomentumOptimizer(0.2, 0.9),
            "adam": lambda: m.train.AdamOptimizer(0.05),
        }[optimizer]()
        train = opt.minimize(loss, global_step=step)
        if train not in m.get_collection("train_op"):  # (TF's minimize adds it)
            m.add_to_collection("train_op", train)
    return loss


def _tf_checkpoint(tmp_path, use_resource, optimizer=None, steps=2):
    """TF builds, trains ``steps`` steps, saves; then its losses for 3 more steps."""
    g = real_tf.Graph()
    with g.as_default():
        loss = _model(T, use_resource, optimizer)
        saver = T.train.Saver()
        with T.Session() as s:
            s.run(T.global_variables_initializer())
            train = g.get_collection("train_op")
            for _ in range(steps if train else 0):
                s.run(train, {"x:0": X, "lab:0": LAB})
            path = saver.save(s, str(tmp_path / "tf_model"))
            more = [s.run([loss, *train], {"x:0": X, "lab:0": LAB})[0] for _ in range(3)]
            logits = s.run("logits:0", {"x:0": X})
    return path, logits, more


def _collections(g, keys=("variables", "trainable_variables", "outputs", "sizes", "rates")):
    return {k: [getattr(v, "name", v) for v in g.get_collection(k)] for k in keys}


@pytest.mark.parametrize("use_resource", [True, False], ids=["resource", "ref"])
def test_tf_meta_and_checkpoint_restore_and_run_here(tmp_path, use_resource):
    path, ref, _ = _tf_checkpoint(tmp_path, use_resource)
    with real_tf.Graph().as_default() as tg:
        T.train.import_meta_graph(path + ".meta")
        want = _collections(tg)
        want_labels = tg.get_collection("labels")
    with tf.Graph().as_default() as g:
        saver = tf.train.import_meta_graph(path + ".meta")
        assert _collections(g) == want
        assert g.get_collection("labels") == want_labels
        with tf.Session() as s:
            saver.restore(s, path)
            got = s.run("logits:0", {"x:0": X})
    np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("use_resource", [True, False], ids=["resource", "ref"])
def test_tf_training_meta_resumes_here_with_tfs_losses(tmp_path, use_resource, optimizer):
    path, _, want = _tf_checkpoint(tmp_path, use_resource, optimizer)
    with tf.Graph().as_default() as g:
        saver = tf.train.import_meta_graph(path + ".meta")
        (train,) = g.get_collection("train_op")
        with tf.Session() as s:
            saver.restore(s, path)
            got = [s.run(["loss:0", train], {"x:0": X, "lab:0": LAB})[0] for _ in range(3)]
            step = s.run(tf.train.get_global_step())
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert step == 5


def test_ours_meta_and_checkpoint_import_in_tf(tmp_path):
    """An inference graph of ours (our training graphs hold gradient op types of our own that
    TF lacks) with values changed before saving."""
    with tf.Graph().as_default() as g:
        _model(tf, False)
        saver = tf.train.Saver()
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            for v in tf.global_variables():
                s.run(v.assign(v * 1.5 + 0.25))
            path = saver.save(s, str(tmp_path / "ours"))
            want = s.run("logits:0", {"x:0": X})
        ours = _collections(g)
    with real_tf.Graph().as_default() as tg:
        tsaver = T.train.import_meta_graph(path + ".meta")
        assert _collections(tg, ("variables", "trainable_variables")) == {
            k: ours[k] for k in ("variables", "trainable_variables")
        }
        with T.Session() as s:
            tsaver.restore(s, path)
            got = s.run("logits:0", {"x:0": X})
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_export_meta_graph_as_tf(tmp_path):
    """The same graph exported by both: collection kinds and contents, node names, the
    scoped export's names and unbound inputs, a text file read back by both."""

    def export(m, **kw):
        with m.Graph().as_default():
            x = m.placeholder(m.float32, [None, 3], name="x")
            with m.name_scope("net"), m.device("/cpu:0"):
                w = m.Variable(W0, name="w", use_resource=False)
                y = m.identity(m.matmul(x, w), name="y")
            m.add_to_collection("outputs", y)
            m.add_to_collection("sizes", 3)
            return m.train.export_meta_graph(**kw)

    for kw in ({}, {"export_scope": "net", "clear_devices": True}, {"collection_list": ["sizes"]}):
        want = export(T, **kw)
        got = export(tf, **kw)
        assert sorted(got.collection_def) == sorted(want.collection_def)
        for k in want.collection_def:
            a, b = want.collection_def[k], got.collection_def[k]
            assert a.WhichOneof("kind") == b.WhichOneof("kind")
            if k in ("variables", "trainable_variables"):
                va = [variable_pb2.VariableDef.FromString(v) for v in a.bytes_list.value]
                vb = [meta_protos().VariableDef.FromString(v) for v in b.bytes_list.value]
                assert [(v.variable_name, v.snapshot_name, v.initializer_name) for v in va] == [
                    (v.variable_name, v.snapshot_name, v.initializer_name) for v in vb
                ]
            elif a.WhichOneof("kind") != "bytes_list":
                assert list(getattr(b, b.WhichOneof("kind")).value) == list(
                    getattr(a, a.WhichOneof("kind")).value
                )
        names = [n.name for n in want.graph_def.node if not n.name.startswith("net/w/Initial")]
        ours = [n.name for n in got.graph_def.node]
        assert set(names) <= set(ours)
        assert [bool(n.device) for n in got.graph_def.node if n.name in names] == [
            bool(n.device) for n in want.graph_def.node if n.name in names
        ]
    path = str(tmp_path / "text.meta")
    with tf.Graph().as_default():
        tf.placeholder(tf.float32, [2], name="x")
        tf.add_to_collection("sizes", 7)
        tf.train.export_meta_graph(path, as_text=True)
    with real_tf.Graph().as_default() as tg:
        assert T.train.import_meta_graph(path) is None
        assert tg.get_collection("sizes") == [7]
    with tf.Graph().as_default() as g:
        assert tf.train.import_meta_graph(path) is None
        assert g.get_collection("sizes") == [7]


def test_import_scope_and_scoped_export_as_tf(tmp_path):
    path, ref, _ = _tf_checkpoint(tmp_path, False)

    def run(m, sess_cls):
        with m.Graph().as_default() as g:
            saver = m.train.import_meta_graph(path + ".meta", import_scope="imp")
            names = _collections(g, ("variables", "outputs"))
            with sess_cls() as s:
                saver.restore(s, path)
                out = s.run(g.get_collection("outputs")[0], {"imp/x:0": X})
            with m.Graph().as_default():
                m.train.import_meta_graph(
                    m.train.export_meta_graph(graph=g, export_scope="imp"),
                    import_scope="again",
                )
                scoped = [o.name for o in m.get_default_graph().get_operations()]
        return names, out, scoped

    want = run(real_tf.compat.v1, T.Session)
    got = run(tf, tf.Session)
    assert got[0] == want[0]
    np.testing.assert_allclose(got[1], ref, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(want[1], ref, rtol=1e-6, atol=1e-6)
    # (TF's Saver builds save/restore ops; ours needs none)
    assert set(got[2]) == {n for n in want[2] if "save" not in n.split("/")[:2]}


# ---- bad input ---------------------------------------------------------------------------------
@pytest.mark.bad_input
def test_missing_and_corrupt_files_are_tfs_errors(tmp_path):
    missing = str(tmp_path / "nope.meta")
    with real_tf.Graph().as_default(), pytest.raises(OSError) as ref:
        T.train.import_meta_graph(missing)
    with tf.Graph().as_default(), pytest.raises(OSError) as got:
        tf.train.import_meta_graph(missing)
    assert str(got.value) == str(ref.value) == f"File does not exist. Received: {missing}."
    text = tmp_path / "text.meta"
    text.write_text("graph_def { node { name: ")
    binary = tmp_path / "binary.meta"
    binary.write_bytes(b"\x0a\xff\xff\x01garbage{")
    for path, cls in ((str(text), OSError), (str(binary), ValueError)):
        with real_tf.Graph().as_default(), pytest.raises(cls) as ref:
            T.train.import_meta_graph(path)
        with tf.Graph().as_default(), pytest.raises(cls) as got:
            tf.train.import_meta_graph(path)
        assert str(got.value).startswith(f"Cannot parse file {path}: ")
    assert isinstance(got.value, tf.errors.DataLossError)


@pytest.mark.bad_input
def test_unbound_inputs_need_an_input_map_as_tf():
    def run(m):
        with m.Graph().as_default() as g:
            x = m.placeholder(m.float32, [2], name="x")
            with m.name_scope("net"):
                m.identity(x * 2.0, name="y")
            meta = m.train.export_meta_graph(graph=g, export_scope="net")
        with m.Graph().as_default(), pytest.raises(ValueError) as e:
            m.train.import_meta_graph(meta)
        return str(e.value)

    assert run(tf) == run(T)
