"""``tf.lite.TFLiteConverter`` full-integer int8 quantization (``optimizations=[Optimize.DEFAULT]``
and a ``representative_dataset``) side by side with TF 2.21's own converter on the same network,
weights and representative data: both files run in LiteRT's builtin int8 kernels (and ours in
tflite_core's interpreter). The digits CNN and the tutorial's network come out within one
quantization step of TF's output (equal, here); EfficientNet-Lite0's every scale and zero point
agrees with TF's to 1e-6 and its top-1 is TF's. Int8 inputs and outputs, the dataset's forms, and
the errors for what is not quantized are checked too.

Why EfficientNet-Lite0 is not equal to the step: calibration runs each converter's own float
kernels, whose sums differ in the last bits (activation ranges agree to 7.5e-7 relative), and
across 60 requantized layers the odd flipped rounding moves a few probabilities by several
steps of 1/256.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf
from ai_edge_litert.interpreter import Interpreter as LiteRT
from ai_edge_litert.interpreter import OpResolverType
from lite_int8_models import (
    T,
    digits,
    digits_cnn,
    digits_weights,
    efficientnet_int8_tf,
    int8_converter,
    photos,
    run_each,
)

import tflite_core as tf
from tflite_core.lite.model_file import read_model

BUILTIN = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
STEP = 1 / 256  # a softmax output's quantization step


def ours(sess, ins, outs, samples, io_type=None, **options) -> bytes:
    return int8_converter(sess, ins, outs, samples, io_type, lite=tf.lite, **options)


def litert(content: bytes, xs: np.ndarray) -> np.ndarray:
    return run_each(LiteRT(model_content=content, experimental_op_resolver_type=BUILTIN), xs)


def quantization_of(content: bytes) -> list[tuple]:
    """(op code, [(type, scales, zero points, dimension) of each input and output]) per op."""
    sg = read_model(content).subgraphs[0]
    out = []
    for op in sg.operators:
        ts = [sg.tensors[i] for i in op.inputs + op.outputs if i >= 0]
        q = [(t.type, t.quantization.scales, t.quantization.zero_points) for t in ts]
        out.append((op.opcode, q, [t.quantization.quantized_dimension for t in ts]))
    return out


@pytest.fixture(scope="module")
def digits_models():
    x_all, _ = digits()
    w = digits_weights()
    models = {}
    for module in (T, tf):
        with module.Graph().as_default():
            x = module.placeholder(module.float32, [None, 8, 8, 1], name="x")
            probs = digits_cnn(module, x, [module.constant(v) for v in w])
            with module.Session() as sess:
                if module is T:
                    models["tf"] = int8_converter(sess, [x], [probs], x_all[:100])
                    models["tf_int8_io"] = int8_converter(
                        sess, [x], [probs], x_all[:100], real_tf.int8
                    )
                else:
                    models["ours"] = ours(sess, [x], [probs], x_all[:100])
                    models["ours_int8_io"] = ours(sess, [x], [probs], x_all[:100], tf.int8)
                    models["float"] = sess.run(probs, {x: x_all[797:]})
    return models


def test_digits_int8_as_tfs_converter_on_1000_digits(digits_models):
    xs = digits()[0][797:]  # the last 1,000 digits
    mine, theirs = litert(digits_models["ours"], xs), litert(digits_models["tf"], xs)
    assert np.abs(mine - theirs).max() <= STEP + 1e-7
    assert np.mean(mine.argmax(1) == theirs.argmax(1)) >= 0.99
    assert np.mean(mine.argmax(1) == digits_models["float"].argmax(1)) >= 0.99
    # every scale, zero point and quantized dimension as TF's converter chose them
    for (code, q, dims), (code_tf, q_tf, dims_tf) in zip(
        quantization_of(digits_models["ours"]), quantization_of(digits_models["tf"])
    ):
        assert code == code_tf and dims == dims_tf and len(q) == len(q_tf)
        for (t, s, z), (t_tf, s_tf, z_tf) in zip(q, q_tf):
            assert t == t_tf
            np.testing.assert_allclose(s, s_tf, rtol=1e-6)
            np.testing.assert_array_equal(z, z_tf)
    # and in tflite_core's interpreter (the C++ runtime's int8 kernels), LiteRT's outputs
    it = tf.lite.Interpreter(model_content=digits_models["ours"])
    assert np.abs(run_each(it, xs[:200]) - mine[:200]).max() <= STEP + 1e-7


def test_digits_int8_inputs_and_outputs_as_tfs(digits_models):
    xs = digits()[0][797:997]
    mine, theirs = (
        LiteRT(model_content=digits_models["ours_int8_io"]),
        LiteRT(model_content=digits_models["tf_int8_io"]),
    )
    mine.allocate_tensors()
    theirs.allocate_tensors()
    for get in ("get_input_details", "get_output_details"):
        d, d_tf = getattr(mine, get)()[0], getattr(theirs, get)()[0]
        assert d["dtype"] == d_tf["dtype"] == np.int8
        assert d["quantization"] == pytest.approx(d_tf["quantization"], rel=1e-6)
    scale, zero = mine.get_input_details()[0]["quantization"]
    xq = np.clip(np.round(xs / scale) + zero, -128, 127).astype(np.int8)
    a = litert(digits_models["ours_int8_io"], xq).astype(int)
    b = litert(digits_models["tf_int8_io"], xq).astype(int)
    assert np.abs(a - b).max() <= 1


def test_tutorial_network_int8_as_tfs_converter():
    rng = np.random.default_rng(5)
    w1, b1 = rng.normal(0, 0.1, (784, 100)), rng.normal(0, 0.1, 100)
    w2, b2 = rng.normal(0, 0.1, (100, 10)), rng.normal(0, 0.1, 10)
    samples = rng.random((50, 784)).astype(np.float32)
    files = {}
    for name, module in (("tf", T), ("ours", tf)):
        with module.Graph().as_default():
            x = module.placeholder(module.float32, [1, 784], name="x")
            c = [module.constant(v.astype(np.float32)) for v in (w1, b1, w2, b2)]
            h = module.nn.relu(module.matmul(x, c[0]) + c[1])
            y = module.nn.softmax(module.matmul(h, c[2]) + c[3], name="softmax")
            with module.Session() as sess:
                convert = int8_converter if module is T else ours
                files[name] = convert(sess, [x], [y], samples)
    xs = rng.random((200, 784)).astype(np.float32)
    assert np.abs(litert(files["ours"], xs) - litert(files["tf"], xs)).max() <= STEP + 1e-7


def test_efficientnet_lite0_int8_scales_and_top1_as_tfs_converter():
    images = photos()
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 224, 224, 3], name="images")
        probs = tf.applications.efficientnet_lite0(x)
        with tf.Session() as sess:
            mine = ours(sess, [x], [probs], images)
    theirs = efficientnet_int8_tf()
    q, q_tf = quantization_of(mine), quantization_of(theirs)
    assert [c for c, _, _ in q] == [c for c, _, _ in q_tf]
    for (_, tensors, dims), (_, tensors_tf, dims_tf) in zip(q, q_tf):
        assert dims == dims_tf
        for (t, s, z), (t_tf, s_tf, z_tf) in zip(tensors, tensors_tf):
            assert t == t_tf
            if len(s) == 1:  # activations (per-channel weights: below)
                np.testing.assert_allclose(s, s_tf, rtol=1e-6)
                np.testing.assert_array_equal(z, z_tf)
    weight_scales = [s for _, ts, _ in q for t, s, _ in ts if t == 9 and len(s) > 1]
    weight_scales_tf = [s for _, ts, _ in q_tf for t, s, _ in ts if t == 9 and len(s) > 1]
    for s, s_tf in zip(weight_scales, weight_scales_tf):
        np.testing.assert_allclose(s, s_tf, rtol=1e-6)
    a, b = litert(mine, images), litert(theirs, images)
    np.testing.assert_array_equal(a.argmax(1), b.argmax(1))
    steps = np.abs(a - b) / STEP
    assert np.mean(steps <= 1) >= 0.99 and steps.max() <= 10
    # and tflite_core's interpreter runs our file as LiteRT does
    it = tf.lite.Interpreter(model_content=mine)
    assert np.abs(run_each(it, images[:2]) - a[:2]).max() <= STEP + 1e-7


def test_representative_dataset_forms():
    x_all = digits()[0][:20]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="x")
        probs = digits_cnn(tf, x, [tf.constant(v) for v in digits_weights()])
        with tf.Session() as sess:
            plain = ours(sess, [x], [probs], x_all)
            wrapped = tf.lite.RepresentativeDataset(lambda: ([s[None]] for s in x_all))
            assert ours(sess, [x], [probs], [], representative_dataset=wrapped) == plain
            by_name = lambda: ({"x": s[None]} for s in x_all)  # noqa: E731
            assert ours(sess, [x], [probs], [], representative_dataset=by_name) == plain
            batched = lambda: iter([[x_all]])  # noqa: E731  (one sample of 20 digits)
            one_batch = ours(sess, [x], [probs], [], representative_dataset=batched)
    # (the same ranges, to the last bits that a batch's sums may change)
    for (_, q, _), (_, q_plain, _) in zip(quantization_of(one_batch), quantization_of(plain)):
        for (_, s, z), (_, s_plain, z_plain) in zip(q, q_plain):
            np.testing.assert_allclose(s, s_plain, rtol=1e-6)
            np.testing.assert_array_equal(z, z_plain)


@pytest.mark.bad_input
def test_what_is_not_quantized_raises():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 4], name="x")
        with tf.Session() as sess:
            y = tf.tanh(tf.matmul(x, tf.ones([4, 3])))
            with pytest.raises(tf.lite.ConverterError, match="quantization of TANH"):
                ours(sess, [x], [y], np.ones((2, 4), np.float32))
            y = tf.nn.relu(tf.matmul(x, tf.ones([4, 3])))
            with pytest.raises(tf.lite.ConverterError, match="inference input/output type uint8"):
                ours(sess, [x], [y], np.ones((2, 4), np.float32), tf.uint8)
            with pytest.raises(ValueError, match="gave no samples"):
                ours(sess, [x], [y], np.ones((0, 4), np.float32))
            two = lambda: iter([[np.ones((1, 4), np.float32)] * 2])  # noqa: E731
            with pytest.raises(ValueError, match="has 2 arrays; the model has 1 inputs"):
                ours(sess, [x], [y], [], representative_dataset=two)
            conv = tf.lite.TFLiteConverter.from_session(sess, [x], [y])
            conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            with pytest.raises(tf.lite.ConverterError, match="needs full-integer"):
                conv.convert()
