"""``tf.lite.Interpreter`` on mutated ``.tflite`` files raises only TF's error classes.

Valid models written by the converter (a small CNN with conv, depthwise conv, pooling, fully
connected, softmax, reshape, concat, mean and a strided slice; an LSTM sequence model; and, by
TF's converter, a full-integer int8 CNN, which runs on the C++ runtime) are
cut short, have bytes changed (offsets pointing anywhere, shapes and buffer sizes that disagree,
op codes we lack), or have 4-byte words overwritten with extreme values. Each result is loaded,
allocated, resized, given input and invoked. What may come out: a ``tf.errors.OpError``
(``DataLossError``, ``InvalidArgumentError``, ``NotFoundError``, ``ResourceExhaustedError``,
...), ``ValueError`` (the Model* errors of LiteRT's API are also ValueErrors), ``TypeError``,
and LiteRT's ``RuntimeError`` for a node that cannot be prepared; never another exception, a crash
or a hang (a watchdog ends the process after 120 s). The ``ci`` profile runs 25 examples per test;
``HYPOTHESIS_PROFILE=thorough`` runs 500. CI runs the mutations again against the
AddressSanitizer build (``bad_input``).
"""

from __future__ import annotations

import contextlib
import faulthandler
import struct
import sys

import numpy as np
import pytest
import tensorflow as real_tf
from hypothesis import given
from hypothesis import strategies as st
from lite_int8_models import int8_converter

import tflite_core as tf

ALLOWED = (tf.errors.OpError, ValueError, TypeError)
# LiteRT's RuntimeErrors (allocate_tensors / invoke): a node that cannot be prepared
LITERT_RUNTIME = ("Node number ", "Invoke called on model that is not ready.")
RNG = np.random.default_rng(9)


def _cnn_model() -> bytes:
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 8, 8, 3], name="x")
        w = tf.constant(RNG.standard_normal((3, 3, 3, 4)).astype(np.float32))
        h = tf.nn.relu6(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME") + 0.1)
        d = tf.constant(RNG.standard_normal((3, 3, 4, 1)).astype(np.float32))
        h = tf.nn.depthwise_conv2d(h, d, [1, 2, 2, 1], "SAME")
        p = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
        f = tf.reshape(p, [1, 16])
        f = tf.concat([f, tf.reduce_mean(h, [1, 2])], 1)
        y = tf.nn.softmax(tf.matmul(f, tf.constant(RNG.standard_normal((20, 5)), tf.float32)))
        y = tf.identity(y[:, 1:4], name="y")
        with tf.Session() as sess:
            return tf.lite.TFLiteConverter.from_session(sess, [x], [y]).convert()


def _lstm_model() -> bytes:
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 5, 3], name="x")
        cell = tf.nn.rnn_cell.BasicLSTMCell(4)
        out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return tf.lite.TFLiteConverter.from_session(sess, [x], [out]).convert()


def _int8_model() -> bytes:
    """conv relu6, max pool, fully connected, softmax: TF's full-integer conversion."""
    g = real_tf.Graph()
    with g.as_default():
        T = real_tf.compat.v1
        x = T.placeholder(T.float32, [1, 8, 8, 3], name="x")
        w = T.constant(RNG.standard_normal((3, 3, 3, 4)).astype(np.float32))
        h = T.nn.relu6(T.nn.conv2d(x, w, [1, 1, 1, 1], "SAME") + 0.1)
        h = T.reshape(T.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"), [1, 64])
        y = T.nn.softmax(T.matmul(h, T.constant(RNG.standard_normal((64, 5)), T.float32)))
        with T.Session() as sess:
            samples = RNG.standard_normal((8, 1, 8, 8, 3)).astype(np.float32)
            return int8_converter(sess, [x], [T.identity(y, name="y")], samples[:, 0])


MODELS = {"cnn": _cnn_model(), "lstm": _lstm_model(), "int8": _int8_model()}


def _load_and_run(content: bytes) -> None:
    try:
        _run(content)
    except RuntimeError as e:  # (as LiteRT raises them; other RuntimeErrors are failures)
        if not str(e).startswith(LITERT_RUNTIME):
            raise


def _run(content: bytes) -> None:
    it = tf.lite.Interpreter(model_content=content)
    it.allocate_tensors()
    details = it.get_input_details()
    for d in details:
        shape = [int(s) for s in d["shape"]]
        if any(s < 0 or s > 64 for s in shape) or np.prod(shape) > 4096:
            continue
        it.set_tensor(d["index"], RNG.standard_normal(shape).astype(d["dtype"]))
    it.invoke()
    for d in it.get_output_details():
        it.get_tensor(d["index"])
    if details:  # a resize, then the model runs again (or says why not)
        shape = [int(s) for s in details[0]["shape"]]
        if shape and 0 < shape[0] <= 8:
            it.resize_tensor_input(details[0]["index"], [shape[0] + 1, *shape[1:]])
            it.allocate_tensors()
            it.invoke()


@pytest.fixture(autouse=True)
def _watchdog():
    # (to the process's own stderr: under --capture=sys, as CI's sanitizer run uses,
    # sys.stderr has no file descriptor)
    faulthandler.dump_traceback_later(120, exit=True, file=sys.__stderr__)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.mark.parametrize("name", list(MODELS))
def test_the_models_run(name):
    it = tf.lite.Interpreter(model_content=MODELS[name])
    it.allocate_tensors()
    d = it.get_input_details()[0]
    it.set_tensor(d["index"], RNG.standard_normal(d["shape"]).astype(np.float32))
    it.invoke()
    out = it.get_tensor(it.get_output_details()[0]["index"])
    assert out.size and np.isfinite(out).all()
    # (all fix their batch: the cnns by their reshapes to [1, n], the lstm by its state
    # variables; a resize is refused as LiteRT refuses it)
    it.resize_tensor_input(d["index"], [d["shape"][0] + 1, *d["shape"][1:]])
    with pytest.raises(RuntimeError, match=r"Node number \d+ \((RESHAPE|UNIDIRECTIONAL_SEQ)"):
        it.allocate_tensors()


@pytest.mark.bad_input
@given(st.sampled_from(list(MODELS)), st.data())
def test_cut_or_changed_bytes_raise_only_tf_errors(name, data):
    content = bytearray(MODELS[name])
    if data.draw(st.integers(0, 3)) == 0:
        content = content[: data.draw(st.integers(0, len(content) - 1))]
    for _ in range(data.draw(st.integers(1, 8))):
        if not content:
            break
        i = data.draw(st.integers(0, len(content) - 1))
        content[i] = data.draw(st.integers(0, 255))
    with contextlib.suppress(*ALLOWED):
        _load_and_run(bytes(content))


@pytest.mark.bad_input
@given(st.sampled_from(list(MODELS)), st.data())
def test_words_set_to_extreme_values_raise_only_tf_errors(name, data):
    """Offsets, lengths, indices and dimensions are 4-byte words: set some to edge values."""
    content = bytearray(MODELS[name])
    words = [0, 1, 2**31 - 1, 2**31, 2**32 - 1, 0x7FFF, 0xFFFF, 64, len(content)]
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, (len(content) - 4) // 4)) * 4
        content[at : at + 4] = struct.pack("<I", data.draw(st.sampled_from(words)))
    with contextlib.suppress(*ALLOWED):
        _load_and_run(bytes(content))
