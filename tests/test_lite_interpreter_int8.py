"""``tf.lite.Interpreter`` on full-integer int8 models written by TF 2.21's converter, side by
side with LiteRT (``ai_edge_litert``) running its builtin int8 kernels: the digits CNN (all 297
held-out digits, float and int8 inputs and outputs) and EfficientNet-Lite0 (four photos) agree
within one quantization step of the output; tensor details, batch resizing, threads, and the
error for what the int8 path does not run (uint8 models) are checked too.

These models run on the C++ runtime (``cpp/lite/``, through ``_core.LiteInterpreter``), whose
integer arithmetic follows LiteRT's builtin kernels (``BUILTIN_WITHOUT_DEFAULT_DELEGATES``);
LiteRT's default XNNPACK delegate computes in its own way (up to 9 steps from its builtin
kernels on a digit here).
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf
from ai_edge_litert.interpreter import Interpreter as LiteRT
from ai_edge_litert.interpreter import OpResolverType
from lite_int8_models import (
    digits,
    digits_int8_tf,
    efficientnet_int8_tf,
    int8_converter,
    photos,
    run_each,
)

import tflite_core as tf
from tflite_core.framework.runtime import get_num_threads

BUILTIN = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
STEP = 1 / 256  # the scale of an int8 softmax output: one quantization step of a probability


@pytest.fixture(scope="module")
def models():
    (float_io, int8_io, uint8_io), held_out = digits_int8_tf((None, real_tf.int8, real_tf.uint8))
    return {"float": float_io, "int8": int8_io, "uint8": uint8_io, "x": held_out}


def litert_each(content: bytes, xs: np.ndarray, kind=BUILTIN) -> np.ndarray:
    """LiteRT's outputs for each sample of xs (the models have a batch of 1)."""
    return run_each(LiteRT(model_content=content, experimental_op_resolver_type=kind), xs)


def ours_batched(content: bytes, xs: np.ndarray, **kwargs) -> np.ndarray:
    it = tf.lite.Interpreter(model_content=content, **kwargs)
    d = it.get_input_details()[0]
    it.resize_tensor_input(d["index"], list(xs.shape))
    it.allocate_tensors()
    it.set_tensor(d["index"], xs)
    it.invoke()
    return it.get_tensor(it.get_output_details()[0]["index"])


def quantize(x: np.ndarray, detail: dict) -> np.ndarray:
    scale, zero = detail["quantization"]
    return np.clip(np.round(x / scale) + zero, -128, 127).astype(np.int8)


def test_digits_float_io_within_one_step_of_litert(models):
    xs = models["x"]
    want = litert_each(models["float"], xs)
    got = ours_batched(models["float"], xs)
    assert got.dtype == np.float32 and got.shape == (len(xs), 10)
    assert np.abs(got - want).max() <= STEP + 1e-7
    assert np.mean(got.argmax(1) == want.argmax(1)) >= 0.99
    # XNNPACK, LiteRT's default, computes its own way (its softmax): as far from us as from
    # LiteRT's builtin kernels, but for the step between those
    xnnpack = litert_each(models["float"], xs, OpResolverType.AUTO)
    assert np.abs(got - xnnpack).max() <= np.abs(want - xnnpack).max() + STEP + 1e-7
    # (a digits classifier: most held-out digits right)
    assert np.mean(got.argmax(1) == digits()[1][1500:]) > 0.85


def test_digits_int8_io_details_and_values_as_litert(models):
    content = models["int8"]
    ours, theirs = tf.lite.Interpreter(model_content=content), LiteRT(model_content=content)
    ours.allocate_tensors()
    theirs.allocate_tensors()
    for mine, want in [
        (ours.get_input_details()[0], theirs.get_input_details()[0]),
        (ours.get_output_details()[0], theirs.get_output_details()[0]),
    ]:
        assert mine["dtype"] == want["dtype"] == np.int8
        assert mine["index"] == want["index"] and mine["name"] == want["name"]
        np.testing.assert_array_equal(mine["shape"], want["shape"])
        assert mine["quantization"] == pytest.approx(want["quantization"])
        q, qw = mine["quantization_parameters"], want["quantization_parameters"]
        np.testing.assert_allclose(q["scales"], qw["scales"])
        np.testing.assert_array_equal(q["zero_points"], qw["zero_points"])
    d = ours.get_input_details()[0]
    xq = quantize(models["x"], d)
    got = ours_batched(content, xq)
    want = litert_each(content, xq)
    assert got.dtype == np.int8
    assert np.abs(got.astype(int) - want.astype(int)).max() <= 1
    # a float input for an int8 tensor: LiteRT's ValueError
    with pytest.raises(ValueError, match="Got value of type FLOAT32 but expected type INT8"):
        ours.set_tensor(d["index"], models["x"][:1])


def test_efficientnet_int8_within_one_step_of_litert():
    content = efficientnet_int8_tf()
    xs = photos()
    want = litert_each(content, xs)
    it = tf.lite.Interpreter(model_content=content, num_threads=2)
    it.allocate_tensors()
    d, o = it.get_input_details()[0], it.get_output_details()[0]
    got = []
    for x in xs:  # (at the file's batch of 1: the runtime's own buffers)
        it.tensor(d["index"])()[...] = x[None]
        it.invoke()
        got.append(it.get_tensor(o["index"])[0])
    got = np.stack(got)
    assert got.shape == (4, 1000)
    assert np.abs(got - want).max() <= STEP + 1e-7
    np.testing.assert_array_equal(got.argmax(1), want.argmax(1))


def test_threads_do_not_change_values_and_are_restored(models):
    xs = models["x"][:40]
    before = get_num_threads()
    one = ours_batched(models["float"], xs, num_threads=1)
    assert get_num_threads() == before
    np.testing.assert_array_equal(one, ours_batched(models["float"], xs, num_threads=2))


def test_resize_other_than_the_batch_is_refused(models):
    it = tf.lite.Interpreter(model_content=models["float"])
    d = it.get_input_details()[0]
    it.resize_tensor_input(d["index"], [1, 9, 8, 1])
    with pytest.raises(tf.errors.UnimplementedError, match=r"input shapes.*\[\[1, 9, 8, 1\]\]"):
        it.allocate_tensors()
    it.resize_tensor_input(d["index"], [1, 8, 8, 1])  # back to the file's shape: it runs
    it.allocate_tensors()
    it.set_tensor(d["index"], models["x"][:1])
    it.invoke()
    got = it.get_tensor(it.get_output_details()[0]["index"])
    assert np.abs(got - litert_each(models["float"], models["x"][:1])).max() <= STEP + 1e-7


def test_uint8_io_is_refused_naming_the_tensor(models):
    LiteRT(model_content=models["uint8"]).allocate_tensors()  # (LiteRT runs it)
    with pytest.raises(tf.errors.UnimplementedError, match="is quantized UINT8") as e:
        tf.lite.Interpreter(model_content=models["uint8"])
    assert isinstance(e.value, ValueError)  # (as LiteRT's errors are)


@pytest.mark.bad_input
def test_a_cut_int8_model_is_a_data_loss_error(models):
    content = models["float"]
    with pytest.raises(tf.errors.DataLossError):
        tf.lite.Interpreter(model_content=content[: len(content) // 2])


def test_int8_mean_bytes_as_litert():
    """MEAN over H and W without keep_dims (EfficientNet-Lite0's pooling, Keras' global average
    pooling), byte for byte as LiteRT's builtin kernel: the count is folded into the rescaling
    multiplier before the one rounding multiply (a division after it, as before, was one step
    off for 1-3 % of the outputs)."""
    rng = np.random.default_rng(11)
    samples = rng.uniform(-1, 7, (30, 7, 7, 96)).astype(np.float32)
    with real_tf.Graph().as_default():
        x = real_tf.compat.v1.placeholder(real_tf.float32, [1, 7, 7, 96])
        f = rng.normal(0, 0.3, (1, 1, 96, 96)).astype(np.float32)
        h = real_tf.nn.relu6(real_tf.nn.conv2d(x, f, [1, 1, 1, 1], "VALID"))
        y = real_tf.reduce_mean(h, axis=[1, 2])
        with real_tf.compat.v1.Session() as sess:
            content = int8_converter(sess, [x], [y], samples, io_type=real_tf.int8)
    xs = rng.integers(-128, 128, (40, 7, 7, 96)).astype(np.int8)
    want = litert_each(content, xs)
    got = run_each(tf.lite.Interpreter(model_content=content), xs)
    np.testing.assert_array_equal(got, want)
