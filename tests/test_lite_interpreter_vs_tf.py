"""``tf.lite.Interpreter`` side by side with LiteRT (``ai_edge_litert``, the official TFLite
interpreter): models built in TF 2.21 ``compat.v1`` and converted by TF's own
``TFLiteConverter.from_session`` (and ``from_saved_model``) run in both; outputs to 1e-5, tensor
details, resizing, signature runners and the errors of bad models and bad calls compared.

The models between them hold every builtin that ``tflite_core.lite.builtin_ops`` maps (the
test ``test_every_builtin_is_exercised`` checks that from the converted files)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import tensorflow as real_tf
import tf_keras
from ai_edge_litert.interpreter import Interpreter as LiteRT
from ai_edge_litert.interpreter import OpResolverType

import tflite_core as tf
from tflite_core.lite.builtin_ops import BUILTINS
from tflite_core.lite.flatbuffer_writer import OutModel, OutOperator, OutTensor, write_model
from tflite_core.lite.model_file import read_model

# LiteRT without its XNNPACK delegate, which frees the constants it takes over: every tensor
# of the model stays readable
NO_DELEGATE = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES

T = real_tf.compat.v1


# ---- the models (built with TF's compat.v1 module ``m``) -----------------------------------------
def cnn(m):
    rng = np.random.default_rng(1)
    f32 = np.float32
    x = m.placeholder(m.float32, [None, 16, 16, 3], name="image")
    k1 = m.constant(rng.normal(0, 0.3, (3, 3, 3, 8)).astype(f32))
    y = m.nn.conv2d(x, k1, [1, 2, 2, 1], "SAME") + m.constant(rng.normal(size=8).astype(f32))
    y = m.nn.relu6(y)
    kd = m.constant(rng.normal(0, 0.3, (3, 3, 8, 2)).astype(f32))
    y = m.nn.depthwise_conv2d(y, kd, [1, 1, 1, 1], "VALID")
    y = m.nn.relu(y + m.constant(rng.normal(size=16).astype(f32)))
    k2 = m.constant(rng.normal(0, 0.3, (3, 3, 16, 8)).astype(f32))
    y = m.tanh(m.nn.conv2d(y, k2, [1, 1, 1, 1], "SAME", dilations=[1, 2, 2, 1]))
    a = m.nn.max_pool(y, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    b = m.nn.avg_pool(y, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    y = m.reshape(m.concat([a, b], axis=3), [-1, 3 * 3 * 16])
    w = m.constant(rng.normal(0, 0.1, (144, 10)).astype(f32))
    logits = m.matmul(y, w) + m.constant(rng.normal(size=10).astype(f32))
    return [x], [m.identity(m.nn.softmax(logits), name="probs"), m.sigmoid(logits, name="sig")]


def elementwise(m):
    a = m.placeholder(m.float32, [2, 3, 4], name="a")
    b = m.placeholder(m.float32, [4], name="b")
    c = m.constant(np.array([0.5, 1.0, 1.5, 2.0], np.float32))
    outs = [
        *(a + b, a - b, a * b, a / (m.abs(b) + 1.0), m.maximum(a, b), m.minimum(a, c)),
        *(m.squared_difference(a, b), m.exp(a), m.log(m.abs(a) + 1.0), m.sqrt(m.abs(a))),
        *(m.rsqrt(m.abs(a) + 1.0), -a, m.square(a), m.floor(a), m.nn.leaky_relu(a, 0.3)),
        *(m.clip_by_value(a, -1.0, 1.0), a * m.nn.relu6(a + 3.0) / 6.0, m.nn.log_softmax(a)),
        *(m.nn.relu(a * b), m.nn.relu6(a)),
    ]
    return [a, b], [m.identity(o, name=f"out{k}") for k, o in enumerate(outs)]


def shapes(m):
    x = m.placeholder(m.float32, [2, 4, 6, 3], name="x")
    idx = m.placeholder(m.int32, [5], name="idx")
    outs = [
        *(m.reduce_mean(x, [1, 2], keepdims=True), m.reduce_sum(x, 3), m.reduce_max(x, [1])),
        *(m.reduce_min(x, [2], keepdims=True), m.reduce_prod(x[:, :2], [1])),
        m.pad(x, [[0, 0], [1, 2], [0, 1], [0, 0]]),
        m.pad(x, [[0, 0], [1, 0], [2, 1], [0, 0]], constant_values=1.5),
        *(m.squeeze(x[:, :1], [1]), m.transpose(x, [0, 3, 1, 2]), x[:, 1:3, ::2, 1]),
        *(x[-1], x[:, -1, ..., -2], x[:, m.newaxis, 1:, ::-2]),
        *(m.slice(x, [0, 1, 2, 0], [2, 2, 3, 2]), m.tile(x[:, :1], [1, 2, 1, 1])),
        *(m.expand_dims(x, 1), m.stack([x[:, 0], x[:, 1]], axis=1), m.unstack(x, axis=3)[1]),
        *(m.split(x, 3, axis=2)[2], m.gather(x, idx, axis=2), m.argmax(x, 3)),
        *(m.argmin(x, 1, output_type=m.int32), m.cast(m.argmax(x, 2), m.float32)),
        *(m.image.resize_bilinear(x, [7, 9]), m.image.resize_bilinear(x, [3, 5], True)),
        m.image.resize_nearest_neighbor(x, [8, 12]),
        m.image.resize_bilinear(x, [5, 7], half_pixel_centers=True),
    ]
    return [x, idx], [m.identity(o, name=f"out{k}") for k, o in enumerate(outs)]


def logic(m):
    a = m.placeholder(m.float32, [2, 3, 4], name="a")
    b = m.placeholder(m.float32, [4], name="b")
    n = m.placeholder(m.int32, [], name="n")

    def f(t):
        return m.cast(t, m.float32)

    fa, fb, pos = m.floor(a), m.floor(b), m.abs(b) + 0.5
    outs = [
        *(f(a > b), f(a >= b), f(a < b), f(a <= b), f(m.equal(fa, fb)), f(m.not_equal(fa, b))),
        *(m.where(a > 0, a, a * b), m.where_v2(b > 0, a, 0.5)),
        *(
            f(m.logical_and(a > 0, b > 0)),
            f(m.logical_or(a > 0, b > 0)),
            f(m.logical_not(m.logical_and(a > 0, b < 1))),
        ),
        *(m.ceil(a), m.sin(a), m.cos(a), m.pow(m.abs(a) + 1.0, b)),
        *(m.floordiv(a, pos), m.floormod(a, pos), m.cast(m.range(1, n, 2), m.float32)),
    ]
    return [a, b, n], [m.identity(o, name=f"out{k}") for k, o in enumerate(outs)]


def dynamic(m):
    """Unknown dimensions: the converter keeps EXPAND_DIMS and SQUEEZE as themselves."""
    x = m.placeholder(m.float32, [None, None, 3], name="x")
    y = m.squeeze(m.expand_dims(x, 1) * 2.0, [1])
    filled = m.fill(m.shape(x)[:1], 2.5)
    outs = [m.reduce_sum(y, 2), m.shape(x), filled]
    return [x], [m.identity(o, name=n) for o, n in zip(outs, ("out", "shape", "filled"))]


MODELS = {
    "cnn": cnn,
    "elementwise": elementwise,
    "shapes": shapes,
    "logic": logic,
    "dynamic": dynamic,
}


def convert(build, fp16: bool = False) -> bytes:
    with T.Graph().as_default():
        ins, outs = build(T)
        with T.Session() as sess:
            conv = T.lite.TFLiteConverter.from_session(sess, ins, outs)
            if fp16:
                conv.optimizations = [real_tf.lite.Optimize.DEFAULT]
                conv.target_spec.supported_types = [real_tf.float16]
            return conv.convert()


def keras_lstm(return_sequences: bool) -> bytes:
    """An LSTM layer (tf_keras, TF's converter fuses it into UNIDIRECTIONAL_SEQUENCE_LSTM with
    a cell clip of 10)."""
    tf_keras.utils.set_random_seed(0)
    layer = tf_keras.layers.LSTM(16, return_sequences=return_sequences)
    model = tf_keras.Sequential([tf_keras.layers.InputLayer((5, 8), batch_size=2), layer])
    return real_tf.lite.TFLiteConverter.from_keras_model(model).convert()


EXTRA = ("cnn_fp16", "lstm_seq", "lstm_last")


@pytest.fixture(scope="module")
def models() -> dict:
    out = {name: convert(build) for name, build in MODELS.items()}
    out["cnn_fp16"] = convert(cnn, fp16=True)
    out["lstm_seq"], out["lstm_last"] = keras_lstm(True), keras_lstm(False)
    return out


def inputs_for(details: list, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    vals = []
    for d in details:
        shape = [int(s) for s in d["shape"]]
        if d["dtype"] == np.int32:
            vals.append(rng.integers(0, 6, shape).astype(np.int32) + (d["name"] == "n") * 9)
        else:
            vals.append(rng.normal(0, 1.5, shape).astype(d["dtype"]) * (1 + 2 * seed))
    return vals


def run(it, values: list) -> list:
    for d, v in zip(it.get_input_details(), values):
        it.set_tensor(d["index"], v)
    it.invoke()
    return [it.get_tensor(d["index"]) for d in it.get_output_details()]


def both(content: bytes, **kw):
    ours, theirs = tf.lite.Interpreter(model_content=content, **kw), LiteRT(model_content=content)
    ours.allocate_tensors()
    theirs.allocate_tensors()
    return ours, theirs


def assert_details_equal(ours: list, theirs: list) -> None:
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a["name"] == b["name"] and a["index"] == b["index"], (a, b)
        assert a["dtype"] == b["dtype"], (a["name"], a["dtype"], b["dtype"])
        np.testing.assert_array_equal(a["shape"], b["shape"], err_msg=a["name"])
        np.testing.assert_array_equal(a["shape_signature"], b["shape_signature"])
        assert a["quantization"] == b["quantization"]
        for k in ("scales", "zero_points"):
            np.testing.assert_array_equal(
                a["quantization_parameters"][k], b["quantization_parameters"][k]
            )


# ---- fidelity ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [*MODELS, *EXTRA])
def test_outputs_match_litert(models, name):
    ours, theirs = both(models[name])
    assert_details_equal(ours.get_input_details(), theirs.get_input_details())
    assert_details_equal(ours.get_output_details(), theirs.get_output_details())
    for seed in (0, 1):
        values = inputs_for(theirs.get_input_details(), seed)
        got, want = run(ours, values), run(theirs, values)
        for d, g, w in zip(theirs.get_output_details(), got, want):
            assert g.dtype == w.dtype and g.shape == w.shape, (d["name"], g.shape, w.shape)
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5, err_msg=d["name"])


def test_every_builtin_is_exercised(models):
    seen = {op.opcode for m in models.values() for op in read_model(m).subgraphs[0].operators}
    assert {BUILTINS[c][0] for c in set(BUILTINS) - seen} == set()


def test_tensor_details_and_constants_match_litert(models):
    ours = tf.lite.Interpreter(model_content=models["cnn"])
    theirs = LiteRT(model_content=models["cnn"], experimental_op_resolver_type=NO_DELEGATE)
    for it in (ours, theirs):
        it.allocate_tensors()
    n = len(read_model(models["cnn"]).subgraphs[0].tensors)
    details = theirs.get_tensor_details()[
        :n
    ]  # (after them, the scratch tensors of LiteRT's kernels)
    assert_details_equal(ours.get_tensor_details(), details)
    computed = {o["index"] for o in ops_outputs(ours)} | {
        d["index"] for d in ours.get_input_details()
    }
    constants = [d for d in details if d["index"] not in computed]
    assert len(constants) >= 9  # (the weights, biases and shapes)
    for d in constants:
        np.testing.assert_array_equal(ours.get_tensor(d["index"]), theirs.get_tensor(d["index"]))


def ops_outputs(it) -> list:
    """The details of the tensors that operators compute."""
    computed = {i for op in it._sg.operators for i in op.outputs}
    return [d for d in it.get_tensor_details() if d["index"] in computed]


def test_resize_batch_and_dynamic_dims(models):
    ours, theirs = both(models["cnn"])
    for it in (ours, theirs):
        it.resize_tensor_input(0, [4, 16, 16, 3], strict=True)
        it.allocate_tensors()
    assert_details_equal(ours.get_output_details(), theirs.get_output_details())
    values = inputs_for(theirs.get_input_details(), 3)
    for g, w in zip(run(ours, values), run(theirs, values)):
        assert g.shape == w.shape == (4, 10)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
    ours, theirs = both(models["dynamic"])
    for it in (ours, theirs):
        it.resize_tensor_input(0, [3, 5, 3])
        it.allocate_tensors()
    values = inputs_for(theirs.get_input_details(), 4)
    np.testing.assert_allclose(run(ours, values)[0], run(theirs, values)[0], rtol=1e-5)
    with pytest.raises(ValueError, match="only allows mutating unknown dimensions"):
        ours.resize_tensor_input(0, [3, 5, 4], strict=True)


def test_float_models_run_on_the_cpp_runtime_where_it_can(models):
    """A float32 model runs on the C++ runtime (its buffers in one planned arena) at the file's
    shapes, and on the graph after a resize, with intermediates preserved, or with an LSTM's
    state; the two give the same outputs."""
    ours = tf.lite.Interpreter(model_content=models["cnn"])
    ours.allocate_tensors()
    assert ours._native is not None
    values = inputs_for(ours.get_input_details(), 7)
    native = run(ours, values)
    ours.resize_tensor_input(0, [3, 16, 16, 3])
    ours.allocate_tensors()
    assert ours._native is None
    batch = run(ours, [np.concatenate([values[0]] * 3)])
    for n, b in zip(native, batch):
        np.testing.assert_allclose(b, np.concatenate([n] * 3), rtol=1e-5, atol=1e-6)
    ours.resize_tensor_input(0, [1, 16, 16, 3])
    ours.allocate_tensors()
    assert ours._native is not None
    for name, kw in (("cnn", {"experimental_preserve_all_tensors": True}), ("lstm_seq", {})):
        it = tf.lite.Interpreter(model_content=models[name], **kw)
        it.allocate_tensors()
        assert it._native is None, name


def test_tensor_view_writes_the_input(models):
    ours, theirs = both(models["dynamic"])
    x = inputs_for(theirs.get_input_details(), 5)[0]
    for it in (ours, theirs):
        it.tensor(0)()[...] = x
        it.invoke()
    out = ours.get_output_details()[0]["index"]
    np.testing.assert_allclose(ours.get_tensor(out), theirs.get_tensor(out), rtol=1e-5)


def test_num_threads_and_preserved_intermediates(models):
    ours = tf.lite.Interpreter(
        model_content=models["cnn"], num_threads=1, experimental_preserve_all_tensors=True
    )
    with warnings.catch_warnings():  # (LiteRT warns that the option is for debugging)
        warnings.simplefilter("ignore")
        theirs = LiteRT(
            model_content=models["cnn"],
            experimental_preserve_all_tensors=True,
            experimental_op_resolver_type=NO_DELEGATE,
        )
    for it in (ours, theirs):
        it.allocate_tensors()
    values = inputs_for(theirs.get_input_details(), 6)
    threads = tf.get_num_threads()
    run(ours, values)
    assert tf.get_num_threads() == threads  # num_threads is the interpreter's, not the process's
    run(theirs, values)
    for d in ours.get_tensor_details():
        np.testing.assert_allclose(
            ours.get_tensor(d["index"]), theirs.get_tensor(d["index"]), rtol=1e-5, atol=1e-5
        )


def test_signature_runner_of_a_saved_model(tmp_path):
    with T.Graph().as_default():
        ins, outs = cnn(T)
        with T.Session() as sess:
            T.saved_model.simple_save(
                sess, str(tmp_path / "sm"), {"image": ins[0]}, {"probs": outs[0]}
            )
    content = real_tf.lite.TFLiteConverter.from_saved_model(str(tmp_path / "sm")).convert()
    ours, theirs = tf.lite.Interpreter(model_content=content), LiteRT(model_content=content)
    assert ours.get_signature_list() == theirs.get_signature_list()
    x = np.random.default_rng(7).normal(size=(2, 16, 16, 3)).astype(np.float32)
    got, want = ours.get_signature_runner()(image=x), theirs.get_signature_runner()(image=x)
    assert got.keys() == want.keys() == {"probs"}
    np.testing.assert_allclose(got["probs"], want["probs"], rtol=1e-5, atol=1e-6)
    runner = ours.get_signature_runner("serving_default")
    assert list(runner.get_input_details()) == ["image"]
    with pytest.raises(ValueError, match="Invalid Input name"):
        runner(picture=x)
    with pytest.raises(ValueError, match="signature_key is invalid"):
        ours.get_signature_runner("nope")


def test_model_path(models, tmp_path):
    p = tmp_path / "m.tflite"
    p.write_bytes(models["dynamic"])
    it = tf.lite.Interpreter(model_path=str(p))
    it.allocate_tensors()
    assert it.get_input_details()[0]["name"] == "x"


# ---- bad input -----------------------------------------------------------------------------------
def same_error(call_ours, call_theirs):
    errs = []
    for call in (call_ours, call_theirs):
        with pytest.raises(Exception) as e:
            call()
        errs.append(e.value)
    # ours: LiteRT's class, or TF's error class that is also LiteRT's (lite_errors)
    assert isinstance(errs[0], type(errs[1])), errs
    return [str(e) for e in errs]


def test_bad_calls_raise_litert_errors(models):
    ours, theirs = (
        tf.lite.Interpreter(model_content=models["cnn"]),
        LiteRT(model_content=models["cnn"]),
    )
    x = np.zeros((1, 16, 16, 3), np.float32)
    a, b = same_error(ours.invoke, theirs.invoke)
    assert a in b  # (LiteRT says it twice)
    a, b = same_error(lambda: ours.get_tensor(0), lambda: theirs.get_tensor(0))
    assert a == b
    a, b = same_error(lambda: ours.set_tensor(0, x), lambda: theirs.set_tensor(0, x))
    assert a == b
    for it in (ours, theirs):
        it.allocate_tensors()
    wrong = (x.astype(np.float64), np.zeros((2, 16, 16, 3), np.float32), x[0])
    for bad in wrong:  # dtype, a dimension, the rank
        a, b = same_error(
            lambda v=bad: ours.set_tensor(0, v), lambda v=bad: theirs.set_tensor(0, v)
        )
        assert a == b
    a, b = same_error(lambda: ours.get_tensor(999), lambda: theirs.get_tensor(999))
    # (LiteRT counts the scratch tensors its kernels add; ours, the model's)
    assert (
        a.rsplit(" ", 1)[0]
        == b.rsplit(" ", 1)[0]
        == "Invalid tensor index 999 exceeds max tensor index"
    )
    a, b = same_error(lambda: tf.lite.Interpreter(), lambda: LiteRT())
    assert a == b
    a, b = same_error(
        lambda: tf.lite.Interpreter(model_path="/nonexistent.tflite"),
        lambda: LiteRT(model_path="/nonexistent.tflite"),
    )
    assert a == b


def test_corrupt_models_raise_value_error(models):
    content = models["cnn"]
    for bad in (b"", b"1234", content[:4] + b"XXXX" + content[8:], content[:64], content[:200]):
        with pytest.raises(tf.errors.DataLossError):
            tf.lite.Interpreter(model_content=bad)
    with pytest.raises(ValueError, match="identifier 'XXXX', should be 'TFL3'"):
        tf.lite.Interpreter(model_content=content[:4] + b"XXXX" + content[8:])
    # byte flips anywhere: a ValueError/RuntimeError or a model that runs; never another error
    rng = np.random.default_rng(0)
    x = np.zeros((1, 16, 16, 3), np.float32)
    for _ in range(300):
        b = bytearray(content)
        for at in rng.integers(0, len(b), 3):
            b[at] = int(rng.integers(0, 256))
        try:
            it = tf.lite.Interpreter(model_content=bytes(b))
            it.allocate_tensors()
            it.set_tensor(it.get_input_details()[0]["index"], x)
            it.invoke()
        except (ValueError, RuntimeError, tf.errors.OpError):
            pass


def test_unsupported_op_is_refused_at_load():
    def l2(m):
        x = m.placeholder(m.float32, [2, 5], name="x")
        return [x], [m.identity(m.nn.l2_normalize(x, 1), name="out")]

    content = convert(l2)
    with pytest.raises(tf.errors.NotFoundError, match="Didn't find op for builtin opcode 11 v"):
        tf.lite.Interpreter(model_content=content)
    LiteRT(model_content=content).allocate_tensors()  # (LiteRT has it)


def _tiny_model(data: bytes, shape: list[int]) -> bytes:
    """A model (by our writer) whose one constant has ``data`` for ``shape``: out = c + x."""
    tensors = [
        OutTensor("x", 0, [2, 3], [2, 3]),
        OutTensor("c", 0, shape, shape, buffer=1),
        OutTensor("out", 0, [2, 3], [2, 3]),
    ]
    op = OutOperator(0, [0, 1], [2], 11, [])
    return write_model(OutModel(tensors, [op], [(0, 1)], [0], [2], [b"", data]))


def test_error_classes_name_what_is_wrong(models):
    good = _tiny_model(np.arange(6, dtype=np.float32).tobytes(), [2, 3])
    it = tf.lite.Interpreter(model_content=good)
    it.allocate_tensors()
    it.set_tensor(0, np.ones((2, 3), np.float32))
    it.invoke()
    np.testing.assert_array_equal(it.get_tensor(2), np.arange(6).reshape(2, 3) + 1.0)
    # a buffer that disagrees with its tensor's shape: InvalidArgumentError naming the tensor
    with pytest.raises(tf.errors.InvalidArgumentError, match="'c' of shape \\[2, 3\\] has 16"):
        tf.lite.Interpreter(model_content=_tiny_model(b"\0" * 16, [2, 3]))
    # offsets outside the buffer (the root, a vtable), truncation: DataLossError
    bad_root = (10**6).to_bytes(4, "little") + good[4:]
    bad_vtable = bytearray(good)
    root = int.from_bytes(good[:4], "little")
    bad_vtable[root : root + 4] = (-(10**6)).to_bytes(4, "little", signed=True)
    for bad in (bad_root, bytes(bad_vtable), good[: len(good) // 2], b"\0" * 3):
        with pytest.raises(tf.errors.DataLossError, match="not a valid Flatbuffer"):
            tf.lite.Interpreter(model_content=bad)
    with pytest.raises(tf.errors.DataLossError, match="identifier"):
        tf.lite.Interpreter(model_content=good[:4] + b"TFL2" + good[8:])
    with pytest.raises(tf.errors.NotFoundError, match="Could not open"):
        tf.lite.Interpreter(model_path="/nonexistent/m.tflite")
    # (each is also the ValueError LiteRT raises)
    with pytest.raises(ValueError):
        tf.lite.Interpreter(model_content=bad_root)


def test_lstm_state_carries_over_invokes_until_reset(models):
    """TFLite's LSTM state tensors are variables: each invoke starts where the last ended;
    ``reset_all_variables`` zeroes them (as LiteRT)."""
    ours, theirs = both(models["lstm_last"])
    x = inputs_for(theirs.get_input_details(), 2)
    got, want = [], []
    for it, out in ((ours, got), (theirs, want)):
        out.append(run(it, x)[0])
        out.append(run(it, x)[0])
        it.reset_all_variables()
        out.append(run(it, x)[0])
    assert not np.allclose(want[0], want[1])  # (the state carried over)
    np.testing.assert_allclose(want[0], want[2], rtol=1e-6)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)


def test_huge_or_negative_tensor_shapes_are_refused_before_allocating():
    """A model whose intermediate tensor claims 2^50 elements, or a negative dimension: TF's
    ResourceExhaustedError / InvalidArgumentError naming the tensor, no allocation tried."""
    for shape, error in (
        ([1 << 25, 1 << 25], tf.errors.ResourceExhaustedError),
        ([2, -3], ValueError),
    ):
        tensors = [
            OutTensor("x", 0, [2, 3], [2, 3]),
            OutTensor("c", 0, [2, 3], [2, 3], buffer=1),
            OutTensor("huge", 0, shape, shape),
            OutTensor("out", 0, [2, 3], [2, 3]),
        ]
        ops = [OutOperator(0, [0, 1], [3], 11, [])]
        data = np.zeros(6, np.float32).tobytes()
        content = write_model(OutModel(tensors, ops, [(0, 1)], [0], [3], [b"", data]))
        it = tf.lite.Interpreter(model_content=content)
        with pytest.raises(error, match="'huge'"):
            it.allocate_tensors()
