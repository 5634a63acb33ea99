"""A trained digits CNN as a SavedModel, side by side with TF 2.21 ``compat.v1``: TF trains it
and saves it with a predict signature, and it serves here through that signature with TF's
probabilities (1e-5); trained and saved here (the training ops in the graph), it serves in TF's
loader with ours. The network: scikit-learn's 8 x 8 digits, conv 3x3 -> ReLU -> max pool ->
dense -> softmax, 30 Adam steps."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf
from sklearn.datasets import load_digits

import tflite_core as tf

T = real_tf.compat.v1
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
_D = load_digits()
IMAGES = (_D.images / 16.0).astype(np.float32)[..., None]
LABELS = _D.target.astype(np.int64)
RNG = np.random.default_rng(5)
W1 = (RNG.standard_normal((3, 3, 1, 8)) * 0.3).astype(np.float32)
W2 = (RNG.standard_normal((128, 10)) * 0.1).astype(np.float32)


def _train_and_save(m, graph, session, export_dir):
    """Trains the CNN with ``m``'s ops and saves it; returns its probabilities on 64 images."""
    with graph.as_default():
        x = m.placeholder(m.float32, [None, 8, 8, 1], name="images")
        labels = m.placeholder(m.int64, [None], name="labels")
        w1 = m.Variable(W1, name="conv/kernel")
        b1 = m.Variable(np.zeros(8, np.float32), name="conv/bias")
        h = m.nn.relu(m.nn.bias_add(m.nn.conv2d(x, w1, [1, 1, 1, 1], "SAME"), b1))
        p = m.reshape(m.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"), [-1, 128])
        w2 = m.Variable(W2, name="dense/kernel")
        logits = m.matmul(p, w2)
        probs = m.nn.softmax(logits, name="probs")
        loss = m.reduce_mean(
            m.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        )
        train = m.train.AdamOptimizer(0.01).minimize(loss)
        with session(graph) as s:
            s.run(m.global_variables_initializer())
            for i in range(30):
                batch = slice(64 * i % 1500, 64 * i % 1500 + 64)
                s.run(train, {x: IMAGES[batch], labels: LABELS[batch]})
            want = s.run(probs, {x: IMAGES[-64:]})
            b = m.saved_model.builder.SavedModelBuilder(export_dir)
            sig = m.saved_model.signature_def_utils.predict_signature_def(
                {"images": x}, {"probabilities": probs}
            )
            b.add_meta_graph_and_variables(
                s, [m.saved_model.tag_constants.SERVING], signature_def_map={"predict": sig}
            )
            b.save()
    return want


def _serve(m, graph, session, export_dir):
    with graph.as_default(), session(graph) as s:
        meta = m.saved_model.loader.load(s, ["serve"], export_dir)
        sig = meta.signature_def["predict"]
        x = m.saved_model.utils.get_tensor_from_tensor_info(sig.inputs["images"])
        y = m.saved_model.utils.get_tensor_from_tensor_info(sig.outputs["probabilities"])
        return s.run(y, {x: IMAGES[-64:]})


def _ours():
    return tf, tf.Graph(), lambda g: tf.Session(graph=g)


def _tfs():
    return T, real_tf.Graph(), lambda g: T.Session(graph=g)


def test_tf_trained_digits_cnn_serves_here(tmp_path):
    d = str(tmp_path / "tf_digits")
    want = _train_and_save(*_tfs(), d)
    got = _serve(*_ours(), d)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)
    assert np.mean(np.argmax(got, 1) == LABELS[-64:]) > 0.6  # (trained: chance is 0.1)


def test_digits_cnn_trained_here_serves_in_tf(tmp_path):
    d = str(tmp_path / "our_digits")
    want = _train_and_save(*_ours(), d)
    got = _serve(*_tfs(), d)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)
    assert np.mean(np.argmax(got, 1) == LABELS[-64:]) > 0.6
