"""Writes the .tflite models, inputs and LiteRT outputs that ctest's runs of ``tflite_run`` (the
C++ runtime, cpp/lite/) check against: ``python make_lite_models.py OUTDIR``.

For each model M: ``M.tflite``, its inputs ``M_in<i>.npy`` and the outputs of LiteRT (the
official interpreter, ``ai_edge_litert``) on them, ``M_litert<i>.npy``:

- ``tutorial``: the tutorial's network (relu(x w + b) -> softmax), converted by tflite_core;
- ``efficientnet_lite0``: EfficientNet-Lite0 with ImageNet weights (the pip package's file),
  converted by tflite_core, on scikit-image's chelsea;
- ``cnn_tf`` and ``cnn_tf_fp16``: tests/test_lite_interpreter_vs_tf.py's CNN (conv, depthwise,
  dilation, relu/relu6/tanh, max and average pools, concat, reshape, fully connected, softmax,
  logistic) converted by TF's own converter, float32 and with float16 weights.

- ``efficientnet_lite0_int8_tf`` and ``digits_int8_tf``: full-integer int8 models of TF's
  converter (a representative dataset of scikit-image's photos, of the digits): EfficientNet-Lite0
  built with TF's ops from the same weights, and a CNN trained here with TF on scikit-learn's
  digits; for the digits, also ``digits_int8_tf_all_in.npy`` (200 digits) and LiteRT's outputs
  for each, ``digits_int8_tf_all_litert.npy``. Their outputs are those of LiteRT's builtin int8
  kernels (without the XNNPACK delegate).

And models the runtime must refuse: ``bad_truncated`` (the tutorial cut in half),
``bad_identifier``, ``bad_vtable`` (the root table's vtable offset pointing outside the file),
``bad_buffer`` (a constant whose buffer disagrees with its shape) and ``bad_op`` (an op the
runtime lacks: TF's L2_NORMALIZATION).
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np
import skimage.data
from ai_edge_litert.interpreter import Interpreter as LiteRT
from ai_edge_litert.interpreter import OpResolverType

TESTS = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

from lite_int8_models import digits_int8_tf, efficientnet_int8_tf, photos  # noqa: E402
from test_lite_interpreter_vs_tf import T, _tiny_model, cnn, convert  # noqa: E402

import tflite_core as tf  # noqa: E402


def tutorial() -> bytes:
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        x = tf.placeholder(tf.float32, [1, 784], name="x")
        w = tf.Variable(tf.truncated_normal([784, 100], stddev=0.1))
        b = tf.Variable(tf.random_normal([100], stddev=0.1))
        relu_out = tf.nn.relu(tf.matmul(x, w) + b)
        softmax_w = tf.Variable(tf.truncated_normal([100, 10], stddev=0.1))
        softmax_b = tf.Variable(tf.random_normal([10], stddev=0.1))
        softmax = tf.nn.softmax(tf.matmul(relu_out, softmax_w) + softmax_b, name="softmax")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return tf.lite.TFLiteConverter.from_session(sess, [x], [softmax]).convert()


def efficientnet() -> bytes:
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 224, 224, 3], name="images")
        probs = tf.applications.efficientnet_lite0(x)
        with tf.Session() as sess:
            return tf.lite.TFLiteConverter.from_session(sess, [x], [probs]).convert()


def l2(m):
    x = m.placeholder(m.float32, [2, 5], name="x")
    return [x], [m.identity(m.nn.l2_normalize(x, 1), name="out")]


# int8 models: LiteRT's builtin int8 kernels, whose integer arithmetic the runtime follows (its
# XNNPACK delegate requantizes in its own way: EfficientNet-Lite0's probabilities move by up to
# 2 steps of 1/256)
BUILTIN = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES


def write(out: pathlib.Path, name: str, content: bytes, inputs: list[np.ndarray]) -> None:
    (out / f"{name}.tflite").write_bytes(content)
    kind = BUILTIN if "int8" in name else OpResolverType.AUTO
    it = LiteRT(model_content=content, experimental_op_resolver_type=kind)
    it.allocate_tensors()
    for d, v in zip(it.get_input_details(), inputs):
        it.set_tensor(d["index"], v)
    it.invoke()
    for i, v in enumerate(inputs):
        np.save(out / f"{name}_in{i}.npy", v)
    for i, d in enumerate(it.get_output_details()):
        np.save(out / f"{name}_litert{i}.npy", it.get_tensor(d["index"]))
    print(f"{name}: {len(content)} bytes, {len(it.get_output_details())} outputs")


def main(out: pathlib.Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    tut = tutorial()
    write(out, "tutorial", tut, [rng.random((1, 784), np.float32)])
    photo = tf.applications.load_image(skimage.data.chelsea())
    write(
        out, "efficientnet_lite0", efficientnet(), [tf.applications.preprocess_input(photo[None])]
    )
    image = rng.normal(0, 1.5, (1, 16, 16, 3)).astype(np.float32)
    with T.Graph().as_default():
        ins, outs = cnn(T)
        with T.Session() as sess:  # (a fixed batch of 1: the runtime runs the file's shapes)
            conv = T.lite.TFLiteConverter.from_session(sess, ins, outs)
            write(out, "cnn_tf", conv.convert(), [image])
    write(out, "cnn_tf_fp16", convert(cnn, fp16=True), [image])
    write(out, "efficientnet_lite0_int8_tf", efficientnet_int8_tf(), [photos()[:1]])
    (digits,), held_out = digits_int8_tf()
    held_out = held_out[:200]
    write(out, "digits_int8_tf", digits, [held_out[:1]])
    it = LiteRT(model_content=digits, experimental_op_resolver_type=BUILTIN)
    it.allocate_tensors()
    want = []
    for d in held_out:
        it.set_tensor(it.get_input_details()[0]["index"], d[None])
        it.invoke()
        want.append(it.get_tensor(it.get_output_details()[0]["index"])[0])
    np.save(out / "digits_int8_tf_all_in.npy", held_out)
    np.save(out / "digits_int8_tf_all_litert.npy", np.stack(want))
    (out / "bad_truncated.tflite").write_bytes(tut[: len(tut) // 2])
    (out / "bad_identifier.tflite").write_bytes(tut[:4] + b"TFL2" + tut[8:])
    bad = bytearray(tut)
    root = int.from_bytes(tut[:4], "little")
    bad[root : root + 4] = (-(10**6)).to_bytes(4, "little", signed=True)
    (out / "bad_vtable.tflite").write_bytes(bytes(bad))
    (out / "bad_buffer.tflite").write_bytes(_tiny_model(b"\0" * 16, [2, 3]))
    (out / "bad_op.tflite").write_bytes(convert(l2))


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
