"""examples/digits_layers_cnn.py: the tf.layers CNN with batch normalization reaches 97% test
accuracy on the digits, and evaluation (``training`` False) normalizes with the moving
statistics (updated through UPDATE_OPS with the train op): an example's logits do not depend on
the batch it is evaluated in, unlike in training mode."""

import importlib.util
import re
from pathlib import Path

import numpy as np
from example_runs import run_example

import tflite_core as tf

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "digits_layers_cnn.py"


def _example():
    spec = importlib.util.spec_from_file_location("digits_layers_cnn", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_reaches_97_percent():
    out = run_example(SCRIPT)
    acc = float(re.search(r"test accuracy: ([\d.]+)", out).group(1))
    epochs = [float(v) for v in re.findall(r"epoch \d+ loss: ([\d.]+)", out)]
    assert acc >= 0.97, out
    assert epochs[-1] < epochs[0] / 3, out


def test_eval_uses_the_moving_statistics(g):
    ex = _example()
    x_train, x_test, y_train, _ = ex.data(0)
    images, labels, training, _, train_op, _ = ex.build(tf, 0)
    logits = g.get_tensor_by_name("dense/BiasAdd:0")
    moving = [v for v in tf.global_variables() if "moving_" in v.op.name]
    assert sorted(v.op.name for v in moving) == [
        "batch_normalization/moving_mean",
        "batch_normalization/moving_variance",
        "batch_normalization_1/moving_mean",
        "batch_normalization_1/moving_variance",
    ]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(moving)
        for i in range(0, 320, 64):
            sess.run(
                train_op, {images: x_train[i : i + 64], labels: y_train[i : i + 64], training: True}
            )
        after = sess.run(moving)
        for b, a in zip(before, after):  # the UPDATE_OPS ran with the train op
            assert not np.allclose(a, b)
        whole = sess.run(logits, {images: x_test[:16]})
        one_by_one = np.concatenate(
            [sess.run(logits, {images: x_test[i : i + 1]}) for i in range(16)]
        )
        np.testing.assert_allclose(one_by_one, whole, rtol=1e-4, atol=1e-4)
        in_training = sess.run(logits, {images: x_test[:16], training: True})
        assert not np.allclose(in_training, whole, atol=1e-3)  # batch statistics differ
