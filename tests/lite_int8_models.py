"""Full-integer int8 ``.tflite`` models written by TF 2.21's own converter (``compat.v1``
``TFLiteConverter.from_session`` with ``Optimize.DEFAULT``, a representative dataset and
``TFLITE_BUILTINS_INT8``), for the tests of ``tf.lite.Interpreter`` on int8 models and for
ctest's runs of the C++ runtime (``tests/cpp/make_lite_models.py``):

- ``digits_int8_tf``: a CNN (conv relu, max pool, conv relu6, dense relu, dense, softmax)
  trained 150 Adam steps with TF on scikit-learn's 8x8 digits, calibrated on 100 of them;
- ``efficientnet_int8_tf``: EfficientNet-Lite0 built with TF's ops from the pip package's
  ImageNet weights, calibrated on four of scikit-image's photos (``photos``).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import skimage.data
import tensorflow as real_tf
from sklearn.datasets import load_digits

import tflite_core as tf
from tflite_core.applications import efficientnet_lite

T = real_tf.compat.v1
PHOTOS = ("chelsea", "coffee", "astronaut", "rocket")


def int8_converter(sess, ins, outs, samples, io_type=None, lite=None, **options) -> bytes:
    """The full-integer conversion of TF's converter (``lite`` None) or of ``lite`` (another
    module's ``lite``, tflite_core's), calibrated on ``samples`` (one at a time); ``io_type``
    (``tf.int8``, ``tf.uint8``) for quantized inputs and outputs (default: float, with QUANTIZE
    and DEQUANTIZE in the model); ``options``: more converter attributes."""
    lite = lite or T.lite
    conv = lite.TFLiteConverter.from_session(sess, ins, outs)
    conv.optimizations = [lite.Optimize.DEFAULT]
    conv.representative_dataset = lambda: ([s[None]] for s in samples)
    conv.target_spec.supported_ops = [lite.OpsSet.TFLITE_BUILTINS_INT8]
    if io_type is not None:
        conv.inference_input_type = conv.inference_output_type = io_type
    for k, v in options.items():
        setattr(conv, k, v)
    return conv.convert()


def run_each(interpreter, xs: np.ndarray) -> np.ndarray:
    """An interpreter's (ours or LiteRT's) first output for each sample of ``xs`` (the models
    have a batch of 1)."""
    interpreter.allocate_tensors()
    i = interpreter.get_input_details()[0]["index"]
    o = interpreter.get_output_details()[0]["index"]
    out = []
    for x in xs:
        interpreter.set_tensor(i, x[None])
        interpreter.invoke()
        out.append(interpreter.get_tensor(o)[0])
    return np.stack(out)


def photos() -> np.ndarray:
    imgs = [tf.applications.load_image(getattr(skimage.data, n)()) for n in PHOTOS]
    return tf.applications.preprocess_input(np.stack(imgs)).astype(np.float32)


def efficientnet_int8_tf() -> bytes:
    with T.Graph().as_default():
        x = T.placeholder(T.float32, [1, 224, 224, 3], name="images")
        y = efficientnet_lite.build(T, x, efficientnet_lite.load_weights())
        with T.Session() as sess:
            return int8_converter(sess, [x], [y], photos())


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 digits as [n, 8, 8, 1] float32 in [0, 1], and their labels."""
    d = load_digits()
    return (d.images / 16.0).astype(np.float32)[..., None], d.target.astype(np.int64)


def digits_cnn(m: Any, x: Any, w: list[np.ndarray]) -> Any:
    """The digits CNN's probabilities in module ``m`` (TF's compat.v1 or tflite_core) for
    images ``x`` [n, 8, 8, 1], from the weights ``w`` (Variables or arrays)."""
    h = m.nn.relu(m.nn.conv2d(x, w[0], 1, "SAME") + w[1])
    h = m.nn.max_pool(h, 2, 2, "VALID")
    h = m.nn.relu6(m.nn.conv2d(h, w[2], 1, "SAME") + w[3])
    h = m.nn.relu(m.matmul(m.reshape(h, [-1, 512]), w[4]) + w[5])
    return m.nn.softmax(m.matmul(h, w[6]) + w[7], name="probs")


@functools.cache
def digits_weights() -> list[np.ndarray]:
    """The digits CNN's weights after 150 Adam steps with TF on the first 1,500 digits."""
    x_all, y_all = digits()
    rng = np.random.default_rng(0)
    with T.Graph().as_default():
        T.set_random_seed(0)
        x = T.placeholder(T.float32, [None, 8, 8, 1], name="x")
        labels = T.placeholder(T.int64, [None])
        shapes = [([3, 3, 1, 16], 0.3), ([16], 0.1), ([3, 3, 16, 32], 0.1), ([32], 0.1)]
        shapes += [([512, 64], 0.05), ([64], 0.1), ([64, 10], 0.1), ([10], 0.1)]
        w = [T.Variable(T.truncated_normal(shape, stddev=std)) for shape, std in shapes]
        logits = digits_cnn(T, x, w).op.inputs[0]
        loss = T.reduce_mean(
            T.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        )
        step = T.train.AdamOptimizer(0.01).minimize(loss)
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            for _ in range(150):
                idx = rng.integers(0, 1500, 64)
                sess.run(step, {x: x_all[idx], labels: y_all[idx]})
            return sess.run(w)


def digits_int8_tf(io_types=(None,)) -> tuple[list[bytes], np.ndarray]:
    """The trained digits CNN converted by TF once per entry of ``io_types`` (see
    ``int8_converter``), calibrated on the first 100 digits; and the 297 held-out digits
    (1500:), neither trained nor calibrated on."""
    x_all, _ = digits()
    with T.Graph().as_default():
        x = T.placeholder(T.float32, [None, 8, 8, 1], name="x")
        probs = digits_cnn(T, x, [T.constant(v) for v in digits_weights()])
        with T.Session() as sess:
            models = [int8_converter(sess, [x], [probs], x_all[:100], t) for t in io_types]
            return models, x_all[1500:]
