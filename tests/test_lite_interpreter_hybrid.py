"""``tf.lite.Interpreter`` on dynamic-range models of TF 2.21's converter (``Optimize.DEFAULT``
without a representative dataset: int8 weights, float activations), side by side with LiteRT's
builtin hybrid kernels: a CNN whose large conv and fully connected weights are int8, depthwise
convolutions with int8 filters, and EfficientNet-Lite0 (45 hybrid convolutions).

Our hybrid kernels follow TFLite's reference code: each batch (row) of the input quantized
asymmetrically, ``round(zp + x * (1 / scale))`` half away from zero, exact integer sums. LiteRT's
x86 kernels round a value that lands within float rounding of a tie their own way now and then;
one such input value moves a layer's outputs by a weight times a quantization step, and a deep
network carries it on: EfficientNet-Lite0's probabilities agree to about 0.005 and its top-1
everywhere. A FULLY_CONNECTED written here covers an all-zero input row and the refusal of
symmetric input quantization.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf
from ai_edge_litert.interpreter import Interpreter as LiteRT
from ai_edge_litert.interpreter import OpResolverType
from lite_int8_models import T, photos
from test_lite_interpreter_vs_tf import cnn

import tflite_core as tf
from tflite_core.applications import efficientnet_lite
from tflite_core.lite.flatbuffer_writer import OutModel, OutOperator, OutTensor, write_model
from tflite_core.lite.model_file import read_model

BUILTIN = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES


def dynamic_range(build) -> bytes:
    with T.Graph().as_default():
        ins, outs = build(T)
        with T.Session() as sess:
            conv = T.lite.TFLiteConverter.from_session(sess, ins, outs)
            conv.optimizations = [real_tf.lite.Optimize.DEFAULT]
            return conv.convert()


def hybrid_ops(content: bytes) -> list[int]:
    """The opcodes of the operators reading int8 weights with a float input."""
    sg = read_model(content).subgraphs[0]
    return [
        op.opcode
        for op in sg.operators
        if len(op.inputs) > 1
        and sg.tensors[op.inputs[0]].type == 0
        and sg.tensors[op.inputs[1]].type == 9
    ]


def side_by_side(content: bytes, inputs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    ours, theirs = (
        tf.lite.Interpreter(model_content=content),
        LiteRT(model_content=content, experimental_op_resolver_type=BUILTIN),
    )
    got, want = [], []
    for it, out in ((ours, got), (theirs, want)):
        it.allocate_tensors()
        for x in inputs:
            it.set_tensor(it.get_input_details()[0]["index"], x)
            it.invoke()
            out.append(it.get_tensor(it.get_output_details()[0]["index"]))
    return np.stack(got), np.stack(want)


def cnn_probabilities(m):
    ins, outs = cnn(m)
    return ins, outs[:1]


def test_cnn_with_hybrid_conv_and_fully_connected_as_litert():
    content = dynamic_range(cnn_probabilities)
    assert sorted(hybrid_ops(content)) == [3, 9]  # CONV_2D and FULLY_CONNECTED
    rng = np.random.default_rng(4)
    xs = [rng.normal(0, 1.5, (1, 16, 16, 3)).astype(np.float32) for _ in range(20)]
    got, want = side_by_side(content, xs)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("multiplier, stride", [(2, 2), (1, 1)])
def test_hybrid_depthwise_as_litert(multiplier, stride):
    rng = np.random.default_rng(multiplier)
    f = rng.normal(0, 0.3, (3, 3, 128, multiplier)).astype(np.float32)
    bias = rng.normal(size=128 * multiplier).astype(np.float32)

    def build(m):
        x = m.placeholder(m.float32, [1, 9, 9, 128], name="x")
        y = m.nn.depthwise_conv2d(x, f, [1, stride, stride, 1], "SAME") + bias
        return [x], [m.identity(m.nn.relu6(y), name="y")]

    content = dynamic_range(build)
    assert hybrid_ops(content) == [4]  # DEPTHWISE_CONV_2D
    xs = [rng.normal(0, 2, (1, 9, 9, 128)).astype(np.float32) for _ in range(5)]
    got, want = side_by_side(content, xs)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_efficientnet_lite0_dynamic_range_as_litert():
    def build(m):
        x = m.placeholder(m.float32, [1, 224, 224, 3], name="images")
        return [x], [efficientnet_lite.build(m, x, efficientnet_lite.load_weights())]

    content = dynamic_range(build)
    assert len(hybrid_ops(content)) == 46
    images = photos()
    got, want = side_by_side(content, [p[None] for p in images])
    np.testing.assert_array_equal(got.argmax(-1), want.argmax(-1))
    assert np.abs(got - want).max() < 0.01
    # and the float model it came from, on the Session: the same classes
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 224, 224, 3])
        probs = tf.applications.efficientnet_lite0(x)
        with tf.Session() as sess:
            floats = np.stack([sess.run(probs, {x: p[None]}) for p in images])
    assert np.mean(floats.argmax(-1) == got.argmax(-1)) >= 0.75


def hybrid_fully_connected(asymmetric: bool) -> bytes:
    """x [2, 40] -> FULLY_CONNECTED with int8 weights [6, 40] (per channel), a float bias and
    ReLU; ``asymmetric``: its asymmetric_quantize_inputs option (TF's converter sets it)."""
    rng = np.random.default_rng(7)
    w = rng.integers(-127, 128, (6, 40)).astype(np.int8)
    scales = rng.uniform(0.001, 0.01, 6).astype(np.float32)
    bias = rng.normal(size=6).astype(np.float32)
    tensors = [
        OutTensor("x", 0, [2, 40], [2, 40]),
        OutTensor("w", 9, [6, 40], [6, 40], buffer=1, quantization=(scales, np.zeros(6), 0)),
        OutTensor("b", 0, [6], [6], buffer=2),
        OutTensor("y", 0, [2, 6], [2, 6]),
    ]
    # FullyConnectedOptions (union tag 8): fused_activation_function RELU, asymmetric inputs
    options = [(0, "i8", 1), (3, "bool", asymmetric)]
    op = OutOperator(0, [0, 1, 2], [3], 8, options)
    buffers = [b"", w.tobytes(), bias.tobytes()]
    return write_model(OutModel(tensors, [op], [(9, 12)], [0], [3], buffers))


def test_hybrid_fully_connected_written_here_as_litert():
    content = hybrid_fully_connected(asymmetric=True)
    rng = np.random.default_rng(8)
    xs = [rng.normal(0, 3, (2, 40)).astype(np.float32) for _ in range(10)]
    xs.append(np.zeros((2, 40), np.float32))  # (an all-zero row: scale 1, nothing quantized)
    got, want = side_by_side(content, xs)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_symmetric_input_quantization_is_refused():
    content = hybrid_fully_connected(asymmetric=False)
    LiteRT(model_content=content).allocate_tensors()  # (LiteRT has that kernel)
    with pytest.raises(tf.errors.UnimplementedError, match="symmetric input quantization"):
        tf.lite.Interpreter(model_content=content)
