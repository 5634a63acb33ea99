"""Op types of our own in written graphs, side by side with TF 2.21 ``compat.v1``: the gradient
helpers (``ReducedShape``, ``ReductionSize``, ``SumToShape``, ``SplitLike``, ``ProdGrad``) and the
fused LSTM ops (``LSTMBlockSequence``/``Grad``, ``LSTMBlockStep``/``Grad``) are written as TF's
own nodes (``framework/own_op_forms.py``, ``lstm_forms.py``), so that a ``.meta`` of a training
graph, or a GraphDef / SavedModel of an LSTM, loads in TF and runs to our values, and loads back
here (``BlockLSTM`` read as our fused op). The few written as they are (no TF form) load here."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf
from tensorflow.core.framework import graph_pb2
from tensorflow.python.framework import op_def_registry

import tflite_core as tf

T = real_tf.compat.v1
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
RNG = np.random.default_rng(31)
X = RNG.standard_normal((8, 4)).astype(np.float32)
LAB = RNG.integers(0, 3, 8).astype(np.int64)
W0 = (RNG.standard_normal((4, 6)) * 0.5).astype(np.float32)
W1 = (RNG.standard_normal((9, 3)) * 0.5).astype(np.float32)
SEQ = RNG.standard_normal((3, 5, 4)).astype(np.float32)
LENGTHS = np.array([5, 2, 4], np.int32)


def _not_tf(graph_def) -> set:
    return {n.op for n in graph_def.node if op_def_registry.get(n.op) is None}


def _tf_graph_def(gd):
    return graph_pb2.GraphDef.FromString(gd.SerializeToString())


def _mlp():
    """An MLP whose gradients need every helper: split/unstack/stack/concat (SplitLike, its
    sizes known and, along the batch, known only when run), a mean kept and subtracted
    (ReducedShape, ReductionSize, SumToShape of a batch-sized shape), a product over two
    axes (ProdGrad); softmax cross-entropy; Adam."""
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    lab = tf.placeholder(tf.int64, [None], name="lab")
    w0 = tf.get_variable("w0", initializer=W0)
    b0 = tf.get_variable("b0", initializer=np.zeros(6, np.float32))
    h = tf.nn.relu(tf.matmul(x, w0) + b0)
    a, b = tf.split(h, [2, 4], axis=1)
    parts = tf.unstack(tf.reshape(h, [-1, 3, 2]), axis=1)
    z = tf.concat([a * 2.0, b, tf.stack(parts, axis=1)[:, :, 0]], axis=1)
    z = tf.concat([z[:3], z[3:]], axis=0)
    z = z - tf.reduce_mean(z, axis=1, keepdims=True)
    w1 = tf.get_variable("w1", initializer=W1)
    logits = tf.matmul(z, w1, name="logits")
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=logits)
    grid = tf.reshape(tf.sigmoid(h), [-1, 2, 3])
    loss = tf.identity(
        tf.reduce_mean(xent) + 0.1 * tf.reduce_sum(tf.reduce_prod(grid, [1, 2])), name="loss"
    )
    tf.train.AdamOptimizer(0.05).minimize(loss)
    return loss


def test_training_meta_graph_trains_in_tf_and_here_as_it_did_here(tmp_path):
    feed = {"x:0": X, "lab:0": LAB}
    with tf.Graph().as_default() as g:
        loss = _mlp()
        (train,) = g.get_collection("train_op")
        assert {"SplitLike", "SumToShape", "ReducedShape", "ReductionSize", "ProdGrad"} <= {
            op.type for op in g.get_operations()
        }
        saver = tf.train.Saver()
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            path = saver.save(s, str(tmp_path / "mlp"))
            want = [s.run([loss, train], feed)[0] for _ in range(4)]
        assert not _not_tf(g.as_graph_def())
    with real_tf.Graph().as_default() as tg:
        tsaver = T.train.import_meta_graph(path + ".meta")
        (ttrain,) = tg.get_collection("train_op")
        with T.Session() as s:
            tsaver.restore(s, path)
            theirs = [s.run(["loss:0", ttrain], feed)[0] for _ in range(4)]
    with tf.Graph().as_default() as g2:
        saver2 = tf.train.import_meta_graph(path + ".meta")
        (train2,) = g2.get_collection("train_op")
        with tf.Session() as s:
            saver2.restore(s, path)
            back = [s.run(["loss:0", train2], feed)[0] for _ in range(4)]
    np.testing.assert_allclose(theirs, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(back, want, rtol=1e-5, atol=1e-6)
    assert want[-1] < want[0]


def _lstm(cell: str, lengths: bool):
    """dynamic_rnn over [batch, 5, 4] (batch known when run): outputs, final state and the
    gradients of a loss of both (inputs and variables), by name."""
    x = tf.placeholder(tf.float32, [None, 5, 4], name="x")
    seq = tf.placeholder(tf.int32, [None], name="lengths") if lengths else None
    make = {"basic": tf.nn.rnn_cell.BasicLSTMCell, "lstm": tf.nn.rnn_cell.LSTMCell}[cell]
    out, state = tf.nn.dynamic_rnn(make(6), x, sequence_length=seq, dtype=tf.float32)
    loss = tf.reduce_sum(out * out) + tf.reduce_sum(state.c)
    grads = tf.gradients(loss, [x, *tf.trainable_variables()])
    fetch = [tf.identity(out, name="out"), tf.identity(state.c, name="c")]
    fetch += [tf.identity(gr, name=f"grad_{i}") for i, gr in enumerate(grads)]
    return [t.name for t in fetch]


@pytest.mark.parametrize("lengths", [False, True], ids=["whole", "lengths"])
@pytest.mark.parametrize("cell", ["basic", "lstm"])
def test_lstm_graph_def_with_gradients_runs_in_tf_and_here(cell, lengths):
    feed = {"x:0": SEQ, **({"lengths:0": LENGTHS} if lengths else {})}
    with tf.Graph().as_default() as g:
        names = _lstm(cell, lengths)
        types = {op.type for op in g.get_operations()}
        fused = "LSTMBlockSequence" if cell == "basic" and not lengths else "LSTMBlockStep"
        assert {fused, fused + "Grad"} <= types
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            want = s.run(names, feed)
            gd = tf.graph_util.convert_variables_to_constants(
                s, g.as_graph_def(), [n[:-2] for n in names]
            )
    assert not _not_tf(gd)
    with real_tf.Graph().as_default():
        T.import_graph_def(_tf_graph_def(gd), name="")
        with T.Session() as s:
            theirs = s.run(names, feed)
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(gd, name="")
        with tf.Session() as s:
            back = s.run(names, feed)
        if fused == "LSTMBlockSequence":  # read back as our one-op kernels
            assert {"LSTMBlockSequence", "LSTMBlockSequenceGrad"} <= {
                op.type for op in g2.get_operations()
            }
    for name, w, t, b in zip(names, want, theirs, back):
        np.testing.assert_allclose(t, w, rtol=1e-5, atol=1e-5, err_msg=name)
        np.testing.assert_allclose(b, w, rtol=1e-5, atol=1e-5, err_msg=name)


def test_lstm_saved_model_loads_in_tf_and_here_and_differentiates_alike(tmp_path):
    """A forward-only SavedModel (simple_save): BlockLSTM in TF, with TF's own gradient of it;
    our LSTMBlockSequence back here."""
    export = str(tmp_path / "lstm")
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 5, 4], name="x")
        out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(6), x, dtype=tf.float32)
        y = tf.identity(out, name="y")
        gx = tf.gradients(tf.reduce_sum(y * y), x)[0]
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            want, want_gx = s.run([y, gx], {x: SEQ})
            tf.saved_model.simple_save(s, export, {"x": x}, {"y": y})
        assert not _not_tf(g.as_graph_def())

    def load(m, graph):
        with graph.as_default(), T.Session() if m is T else tf.Session() as s:
            meta = m.saved_model.loader.load(s, ["serve"], export)
            sig = meta.signature_def["serving_default"]
            xi = graph.get_tensor_by_name(sig.inputs["x"].name)
            yi = graph.get_tensor_by_name(sig.outputs["y"].name)
            gxi = m.gradients(m.reduce_sum(yi * yi), xi)[0]
            return s.run([yi, gxi], {xi: SEQ})

    for got, got_gx in (load(T, real_tf.Graph()), load(tf, tf.Graph())):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got_gx, want_gx, rtol=1e-5, atol=1e-5)


def _dynamic_cases():
    """Gradient graphs whose helpers see shapes, ranks or axes known only when run."""

    def mean_over_fed_axes():
        x = tf.placeholder(tf.float32, [None, 4, 5], name="x")
        ax = tf.placeholder(tf.int32, [None], name="ax")
        y = tf.reduce_mean(x * x, axis=ax, keepdims=True)
        return x, y, {"ax:0": np.array([-1, 0], np.int32)}

    def unknown_rank():
        x = tf.placeholder(tf.float32, None, name="x")
        return x, tf.reduce_mean(tf.square(x), axis=1) * tf.cast(tf.size(x), tf.float32), {}

    def broadcast_both_ways():
        x = tf.placeholder(tf.float32, [None, 4, 5], name="x")
        col = tf.reduce_sum(x, axis=2, keepdims=True)  # [?, 4, 1]
        row = tf.reduce_max(x, axis=1, keepdims=True)  # [?, 1, 5]
        prod = tf.reshape(tf.reduce_prod(x, axis=[0, 2]), [1, 4, 1])  # (the batch: when run)
        return x, col * row + prod, {}

    def concat_on_fed_axis():
        x = tf.placeholder(tf.float32, [None, 4, 5], name="x")
        axis = tf.placeholder(tf.int32, [], name="axis")
        y = tf.concat([x, x * 2.0, x * x], axis=axis)
        return x, y, {"axis:0": np.int32(-2)}

    return {
        "mean_over_fed_axes": mean_over_fed_axes,
        "unknown_rank": unknown_rank,
        "broadcast_both_ways": broadcast_both_ways,
        "concat_on_fed_axis": concat_on_fed_axis,
    }


@pytest.mark.parametrize("case", sorted(_dynamic_cases()))
def test_gradient_helpers_of_shapes_known_when_run_as_tf(case):
    xv = RNG.standard_normal((3, 4, 5)).astype(np.float32)
    with tf.Graph().as_default() as g:
        x, y, feed = _dynamic_cases()[case]()
        gx = tf.identity(tf.gradients(tf.reduce_sum(y * y), x)[0], name="gx")
        feed = {"x:0": xv, **feed}
        with tf.Session() as s:
            want = s.run(gx, feed)
        gd = g.as_graph_def()
    assert not _not_tf(gd)
    with real_tf.Graph().as_default():
        T.import_graph_def(_tf_graph_def(gd), name="")
        with T.Session() as s:
            theirs = s.run("gx:0", feed)
    with tf.Graph().as_default():
        tf.import_graph_def(gd, name="")
        with tf.Session() as s:
            back = s.run("gx:0", feed)
    np.testing.assert_allclose(theirs, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(back, want, rtol=1e-5, atol=1e-5)


def _as_they_are():
    """Graphs with op types written as they are (no TF form): these load here only."""

    def prod_over_fed_axes():
        x = tf.placeholder(tf.float64, [3, 4, 5], name="x")
        ax = tf.placeholder(tf.int32, [None], name="ax")
        y = tf.reduce_prod(x, axis=ax)
        feed = {"x:0": RNG.standard_normal((3, 4, 5)), "ax:0": np.array([0, 2], np.int32)}
        return [tf.gradients(tf.reduce_sum(y), x)[0]], feed, {"ProdGrad"}

    def float64_lstm():
        x = tf.placeholder(tf.float64, [5, 2, 3], name="x")
        cell = tf.nn.rnn_cell.BasicLSTMCell(4)
        out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float64, time_major=True)
        grads = tf.gradients(tf.reduce_sum(out * out), [x, *tf.trainable_variables()])
        feed = {"x:0": RNG.standard_normal((5, 2, 3))}
        return [out, *grads], feed, {"LSTMBlockSequence", "LSTMBlockSequenceGrad"}

    def sparse_adam():
        emb = tf.get_variable("emb", initializer=RNG.standard_normal((6, 3)).astype(np.float32))
        ids = tf.placeholder(tf.int32, [None], name="ids")
        loss = tf.reduce_sum(tf.square(tf.nn.embedding_lookup(emb, ids)))
        with tf.control_dependencies([tf.train.AdamOptimizer(0.1).minimize(loss)]):
            after = tf.identity(emb)
        return [after], {"ids:0": np.array([1, 3, 1], np.int32)}, {"SparseApplyAdam"}

    return {f.__name__: f for f in (prod_over_fed_axes, float64_lstm, sparse_adam)}


@pytest.mark.parametrize("case", sorted(_as_they_are()))
def test_types_without_tf_form_load_back_here(tmp_path, case):
    with tf.Graph().as_default() as g:
        fetch, feed, own = _as_they_are()[case]()
        names = [t.name for t in fetch]
        saver = tf.train.Saver() if tf.global_variables() else None
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            path = saver.save(s, str(tmp_path / "m")) if saver else None
            want = s.run(names, feed)
        assert _not_tf(g.as_graph_def()) == own
        meta = tf.train.export_meta_graph()
    with tf.Graph().as_default():
        loaded = tf.train.import_meta_graph(meta)
        with tf.Session() as s:
            if path:
                loaded.restore(s, path)
            back = s.run(names, feed)
    for w, b in zip(want, back):
        np.testing.assert_allclose(b, w, rtol=1e-6, atol=1e-7)
