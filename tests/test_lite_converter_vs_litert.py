"""``tf.lite.TFLiteConverter`` checked by LiteRT (``ai_edge_litert``, the official TFLite
interpreter): models built here (the same builders as ``test_lite_interpreter_vs_tf.py``, with
tflite_core as the module, and a CNN trained on scikit-learn's digits) are converted and run in
LiteRT and in tflite_core's own interpreter, their outputs equal to the Session's to 1e-5;
fusion as TF's converter fuses (the same builtins as TF's conversion of the same network);
frozen graphs, SavedModels (signature runners), float16 weights; errors for what is not
converted."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
import tensorflow as real_tf
from ai_edge_litert.interpreter import Interpreter as LiteRT
from sklearn.datasets import load_digits
from test_lite_interpreter_vs_tf import MODELS, cnn, convert, inputs_for, run

import tflite_core as tf
from tflite_core.lite.builtin_ops import BUILTINS
from tflite_core.lite.model_file import read_model


def builtins_of(content: bytes) -> list[str]:
    return sorted({BUILTINS[op.opcode][0] for op in read_model(content).subgraphs[0].operators})


def check_runs_as_session(content: bytes, sess, ins, outs, seeds=(0, 1), batch=None) -> None:
    for it in (LiteRT(model_content=content), tf.lite.Interpreter(model_content=content)):
        if batch is not None:
            it.resize_tensor_input(it.get_input_details()[0]["index"], batch)
        it.allocate_tensors()
        for seed in seeds:
            values = inputs_for(it.get_input_details(), seed)
            got = run(it, values)
            want = sess.run(outs, dict(zip(ins, values)))
            for d, g, w in zip(it.get_output_details(), got, want):
                assert g.shape == np.shape(w), (d["name"], g.shape, np.shape(w))
                np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5, err_msg=d["name"])


@pytest.mark.parametrize("name", list(MODELS))
def test_converted_models_run_in_litert_as_in_the_session(name):
    with tf.Graph().as_default():
        ins, outs = MODELS[name](tf)
        with tf.Session() as sess:
            content = tf.lite.TFLiteConverter.from_session(sess, ins, outs).convert()
            check_runs_as_session(content, sess, ins, outs)
            if name == "cnn":  # (a batch dimension left unknown: any batch runs)
                check_runs_as_session(content, sess, ins, outs, (2,), batch=[3, 16, 16, 3])


def test_fusion_gives_the_builtins_of_tfs_converter():
    with tf.Graph().as_default():
        ins, outs = cnn(tf)
        with tf.Session() as sess:
            ours = tf.lite.TFLiteConverter.from_session(sess, ins, outs).convert()
    assert builtins_of(ours) == builtins_of(convert(cnn))
    ops = read_model(ours).subgraphs[0].operators
    assert len(ops) == len(read_model(convert(cnn)).subgraphs[0].operators)
    fused = [op.options.scalar(3, "b", 0) for op in ops if op.opcode == 3]  # CONV_2D
    assert fused == [3, 0]  # relu6, then none (the tanh stays an op)


@pytest.fixture(scope="module")
def digits_cnn(tmp_path_factory):
    """A CNN (tf.layers, variables) trained 60 Adam steps on the 8x8 digits; its session."""
    digits = load_digits()
    x_all = (digits.images / 16.0).astype(np.float32)[..., None]
    y_all = digits.target.astype(np.int64)
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(0)
        x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="x")
        y = tf.placeholder(tf.int64, [None])
        h = tf.layers.conv2d(x, 16, 3, padding="same", activation=tf.nn.relu)
        h = tf.layers.max_pooling2d(h, 2, 2)
        h = tf.layers.conv2d(h, 32, 3, padding="same", activation=tf.nn.relu6)
        h = tf.layers.flatten(h)
        logits = tf.layers.dense(tf.layers.dense(h, 64, activation=tf.nn.relu), 10)
        probs = tf.nn.softmax(logits, name="probs")
        loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
        train = tf.train.AdamOptimizer(1e-2).minimize(loss)
        sess = tf.Session(graph=g)
        sess.run(tf.global_variables_initializer())
        for step in range(60):
            k = np.arange(step * 64, step * 64 + 64) % len(y_all)
            sess.run(train, {x: x_all[k], y: y_all[k]})
    yield sess, x, probs, x_all, y_all
    sess.close()


def test_trained_digits_cnn_converts(digits_cnn, tmp_path):
    sess, x, probs, x_all, y_all = digits_cnn
    content = tf.lite.TFLiteConverter.from_session(sess, [x], [probs]).convert()
    assert {"CONV_2D", "FULLY_CONNECTED", "MAX_POOL_2D", "SOFTMAX"} <= set(builtins_of(content))
    it = LiteRT(model_content=content)
    it.resize_tensor_input(0, [len(y_all), 8, 8, 1])
    it.allocate_tensors()
    got = run(it, [x_all])[0]
    want = sess.run(probs, {x: x_all})
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert (got.argmax(1) == y_all).mean() > 0.9  # (the network learned)

    # frozen by graph_util, written as a .pb, converted from the file
    frozen = tf.graph_util.convert_variables_to_constants(
        sess, sess.graph.as_graph_def(), ["probs"]
    )
    path = tmp_path / "frozen.pb"
    path.write_bytes(frozen.SerializeToString())
    conv = tf.lite.TFLiteConverter.from_frozen_graph(
        str(path), ["x"], ["probs"], {"x": [5, 8, 8, 1]}
    )
    it = LiteRT(model_content=conv.convert())
    it.allocate_tensors()
    assert list(it.get_input_details()[0]["shape"]) == [5, 8, 8, 1]
    np.testing.assert_allclose(run(it, [x_all[:5]])[0], want[:5], rtol=1e-5, atol=1e-6)

    # float16 weights: half the size, outputs near the float32 ones
    conv = tf.lite.TFLiteConverter.from_session(sess, [x], [probs])
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.target_spec.supported_types = [tf.float16]
    half = conv.convert()
    assert "DEQUANTIZE" in builtins_of(half) and len(half) < 0.6 * len(content)
    for interp in (LiteRT, tf.lite.Interpreter):
        it = interp(model_content=half)
        it.resize_tensor_input(0, [len(y_all), 8, 8, 1])
        it.allocate_tensors()
        np.testing.assert_allclose(run(it, [x_all])[0], want, atol=2e-3)


def test_saved_model_signature_runs_in_litert(digits_cnn, tmp_path):
    sess, x, probs, x_all, _ = digits_cnn
    # the serving graph: the trained network frozen (the training graph's gradient ops are
    # tflite_core's own types, which neither TF's importer nor ours reads)
    frozen = tf.graph_util.convert_variables_to_constants(
        sess, sess.graph.as_graph_def(), ["probs"]
    )
    with tf.Graph().as_default() as g:
        tf.import_graph_def(frozen, name="")
        with tf.Session(graph=g) as serving:
            image, out = g.get_tensor_by_name("x:0"), g.get_tensor_by_name("probs:0")
            tf.saved_model.simple_save(
                serving, str(tmp_path / "sm"), {"image": image}, {"probs": out}
            )
    content = tf.lite.TFLiteConverter.from_saved_model(str(tmp_path / "sm")).convert()
    theirs = LiteRT(model_content=content)
    assert theirs.get_signature_list() == {
        "serving_default": {"inputs": ["image"], "outputs": ["probs"]}
    }
    got = theirs.get_signature_runner("serving_default")(image=x_all[:7])
    np.testing.assert_allclose(got["probs"], sess.run(probs, {x: x_all[:7]}), rtol=1e-5, atol=1e-6)
    ours = tf.lite.Interpreter(model_content=content).get_signature_runner()(image=x_all[:7])
    np.testing.assert_allclose(ours["probs"], got["probs"], rtol=1e-5, atol=1e-6)


def test_configuration_names_as_tf():
    assert tf.lite.Optimize.DEFAULT.value == real_tf.lite.Optimize.DEFAULT.value
    assert [o.value for o in tf.lite.OpsSet] == [o.value for o in real_tf.lite.OpsSet]
    assert tf.lite.OpsSet.get_options() == real_tf.lite.OpsSet.get_options()
    spec, theirs = tf.lite.TargetSpec(), real_tf.lite.TargetSpec()
    assert {o.value for o in spec.supported_ops} == {o.value for o in theirs.supported_ops}
    assert list(spec.supported_types) == list(theirs.supported_types)
    gen = lambda: iter([[np.zeros(3, np.float32)]])  # noqa: E731
    assert tf.lite.RepresentativeDataset(gen).input_gen is gen
    v1 = real_tf.compat.v1.lite.constants
    for name in ("FLOAT", "FLOAT16", "INT32", "INT64", "STRING", "QUANTIZED_UINT8", "INT8"):
        assert getattr(tf.lite.constants, name).name == getattr(v1, name).name, name
    assert (
        tf.lite.constants.TFLITE == v1.TFLITE and tf.lite.constants.GRAPHVIZ_DOT == v1.GRAPHVIZ_DOT
    )


def test_what_is_not_converted_raises():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [4], name="x")
        z = tf.placeholder(tf.float32, [4], name="z")
        y = tf.cumsum(x, name="running")
        with tf.Session() as sess:
            with pytest.raises(tf.lite.ConverterError, match="op 'running' of type Cumsum"):
                tf.lite.TFLiteConverter.from_session(sess, [x], [y]).convert()
            with pytest.raises(tf.lite.ConverterError, match="placeholder 'z'"):
                tf.lite.TFLiteConverter.from_session(sess, [x], [x + z]).convert()
            conv = tf.lite.TFLiteConverter.from_session(sess, [x], [x * 2.0])
            conv.optimizations = [tf.lite.Optimize.DEFAULT]
            with pytest.raises(tf.lite.ConverterError, match="dynamic-range quantization"):
                conv.convert()
            conv = tf.lite.TFLiteConverter.from_session(sess, [x], [x * 2.0])
            conv.target_spec.supported_ops = {tf.lite.OpsSet.SELECT_TF_OPS}
            with pytest.raises(tf.lite.ConverterError, match="builtins only"):
                conv.convert()
    with pytest.raises(OSError, match="does not exist"):
        tf.lite.TFLiteConverter.from_frozen_graph("/nonexistent.pb", ["x"], ["y"])


def test_tutorial_network_converts():
    """The tutorial's network (examples/tutorial.py): relu(x w + b) -> softmax, variables."""
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        x = tf.placeholder(tf.float32, [None, 784], name="x")
        w = tf.Variable(tf.truncated_normal([784, 100], stddev=0.1))
        b = tf.Variable(tf.zeros([100]))
        relu_out = tf.nn.relu(tf.matmul(x, w) + b)
        softmax_w = tf.Variable(tf.truncated_normal([100, 10], stddev=0.1))
        softmax_b = tf.Variable(tf.zeros([10]))
        softmax = tf.nn.softmax(tf.matmul(relu_out, softmax_w) + softmax_b, name="softmax")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            content = tf.lite.TFLiteConverter.from_session(sess, [x], [softmax]).convert()
            assert builtins_of(content) == ["FULLY_CONNECTED", "SOFTMAX"]
            check_runs_as_session(content, sess, [x], [softmax], batch=[16, 784])


def test_efficientnet_lite0_converts(efficientnet_photos):
    """EfficientNet-Lite0 (tf.applications, ImageNet weights) converted: LiteRT gives the
    Session's probabilities and top-5 on scikit-image's chelsea and coffee."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 224, 224, 3], name="images")
        probs = tf.applications.efficientnet_lite0(x)
        with tf.Session() as sess:
            content = tf.lite.TFLiteConverter.from_session(sess, [x], [probs]).convert()
            want = sess.run(probs, {x: efficientnet_photos})
    assert builtins_of(content) == [
        "ADD",
        "CONV_2D",
        "DEPTHWISE_CONV_2D",
        "FULLY_CONNECTED",
        "MEAN",
        "SOFTMAX",
    ]
    for interp in (LiteRT, tf.lite.Interpreter):
        it = interp(model_content=content)
        it.resize_tensor_input(0, list(efficientnet_photos.shape))
        it.allocate_tensors()
        got = run(it, [efficientnet_photos])[0]
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(np.argsort(-got, 1)[:, :5], np.argsort(-want, 1)[:, :5])


@pytest.fixture(scope="module")
def efficientnet_photos():
    """chelsea and coffee, centre-cropped to 224 and scaled to [-1, 1]: [2, 224, 224, 3]."""
    imgs = [tf.applications.load_image(getattr(skimage.data, n)()) for n in ("chelsea", "coffee")]
    return tf.applications.preprocess_input(np.stack(imgs))


@pytest.mark.parametrize("rnn", ["static_rnn", "dynamic_rnn"])
def test_lstm_converts_to_the_fused_sequence_op(rnn):
    """An LSTM (BasicLSTMCell, forget_bias 1) run by static_rnn or dynamic_rnn becomes one
    UNIDIRECTIONAL_SEQUENCE_LSTM; LiteRT gives the Session's outputs and final h."""
    with tf.Graph().as_default():
        tf.set_random_seed(5)
        x = tf.placeholder(tf.float32, [3, 6, 8], name="x")
        cell = tf.nn.rnn_cell.BasicLSTMCell(16)
        if rnn == "static_rnn":
            outs, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
            fetches = [outs[-1], state.h]
        else:
            outs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
            fetches = [outs, state.h]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            content = tf.lite.TFLiteConverter.from_session(sess, [x], fetches).convert()
            assert "UNIDIRECTIONAL_SEQUENCE_LSTM" in builtins_of(content)
            check_runs_as_session(content, sess, [x], fetches, seeds=(0,))
            with pytest.raises(tf.lite.ConverterError, match="cell states are used"):
                tf.lite.TFLiteConverter.from_session(sess, [x], [state.c]).convert()


def test_axes_and_permutations_computed_from_inputs():
    """Reductions, transposes, splits and arg-max whose axes or permutation are computed from
    an input at run time become TFLite ops reading that tensor."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3, 4], name="x")
        k = tf.placeholder(tf.int32, [], name="k")
        outs = [
            tf.reduce_sum(x, k, keepdims=True),
            tf.transpose(x, tf.stack([k, 2, 1])),
            tf.transpose(x),
            tf.split(x, 2, axis=k + 2)[1],
            tf.reduce_mean(x, tf.constant([1, 2]) + 0 * k, keepdims=True),
            tf.argmax(x, k + 1),
        ]
        with tf.Session() as sess:
            content = tf.lite.TFLiteConverter.from_session(sess, [x, k], outs).convert()
            for it in (LiteRT(model_content=content), tf.lite.Interpreter(model_content=content)):
                it.allocate_tensors()
                xv = np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32)
                it.set_tensor(it.get_input_details()[0]["index"], xv)
                it.set_tensor(it.get_input_details()[1]["index"], np.int32(0))
                it.invoke()
                want = sess.run(outs, {x: xv, k: 0})
                for d, w in zip(it.get_output_details(), want):
                    np.testing.assert_allclose(it.get_tensor(d["index"]), w, err_msg=d["name"])
            # (TFLite's CONCATENATION takes its axis as an option: it must be known)
            cat = tf.concat([x, x], tf.constant(0) + 0 * k)
            with pytest.raises(tf.lite.ConverterError, match="a computed concat axis"):
                tf.lite.TFLiteConverter.from_session(sess, [x, k], [cat]).convert()
