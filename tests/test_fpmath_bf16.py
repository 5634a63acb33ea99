"""tf.set_fpmath_mode("bf16"): float32 matrix products and convolutions with bfloat16 operands.

In bf16 mode MatMul, BatchMatMul, the LSTM's products and the convolutions (forward, input and
filter gradients, the fused conv + bias steps) round their two operands to bfloat16 (nearest even)
and sum the products in float32. The tests check exactly that: each result equals the float64
product (or convolution) of the bfloat16-rounded operands to float32 summation error, and is not
the float32 result. Where the CPU has no AVX512-BF16 or AMX-BF16 the mode is refused with
UnimplementedError (tested everywhere through TFLITE_CORE_MAX_ISA=avx2) and the tests that need the
instructions say so in their skip reason.
"""

import os
import re
import subprocess
import sys

import ml_dtypes
import numpy as np
import pytest

import tflite_core as tf
from tflite_core.framework.runtime import fpmath_bf16_unavailable

WHY = fpmath_bf16_unavailable()
needs_bf16 = pytest.mark.skipif(bool(WHY), reason=f"bf16 maths unavailable here: {WHY}")


@pytest.fixture(autouse=True)
def strict_after():
    yield
    tf.set_fpmath_mode("strict")


def bf(x):
    """x rounded to bfloat16 (nearest even), as float64."""
    return np.asarray(x, np.float32).astype(ml_dtypes.bfloat16).astype(np.float64)


def assert_sum_of_products(got, want, scale, k):
    """got == want up to float32 summation error: k terms of size `scale` (|a| @ |b|)."""
    np.testing.assert_array_less(np.abs(got - want), 4 * k * 2.0**-24 * scale + 1e-30)


def run_modes(fetches, feed=None, modes=("strict", "bf16")):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        out = {}
        for m in modes:
            tf.set_fpmath_mode(m)
            out[m] = s.run(fetches, feed)
        return out


# ---- the switch -------------------------------------------------------------------------------
def test_mode_names_default_and_bad_names():
    assert tf.get_fpmath_mode() == "strict"
    with pytest.raises(ValueError, match="fpmath mode must be one of"):
        tf.set_fpmath_mode("tf32")
    tf.set_fpmath_mode(None)
    assert tf.get_fpmath_mode() == "strict"


def test_bf16_refused_without_the_instructions():
    code = (
        "import tflite_core as tf\n"
        "try:\n    tf.set_fpmath_mode('bf16')\n"
        "except tf.errors.UnimplementedError as e:\n    print('refused:', e)\n"
        "print('mode:', tf.get_fpmath_mode())\n"
    )
    env = dict(os.environ, TFLITE_CORE_MAX_ISA="avx2")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"refused: set_fpmath_mode\('bf16'\): .*(AVX512-BF16|oneDNN)", out), out
    assert "mode: strict" in out


@pytest.mark.skipif(not WHY, reason="this CPU has bf16 instructions: the refusal is tested above")
def test_bf16_refused_on_this_cpu():
    with pytest.raises(tf.errors.UnimplementedError, match="set_fpmath_mode"):
        tf.set_fpmath_mode("bf16")
    assert tf.get_fpmath_mode() == "strict"


def test_config_proto_field_sets_the_mode():
    tf.set_fpmath_mode("strict")
    if WHY:
        with pytest.raises(tf.errors.UnimplementedError):
            tf.Session(config=tf.ConfigProto(fpmath_mode="bf16"))
        return
    tf.Session(config=tf.ConfigProto(fpmath_mode="bf16"))
    assert tf.get_fpmath_mode() == "bf16"
    tf.Session(config=tf.ConfigProto(fpmath_mode="strict"))
    assert tf.get_fpmath_mode() == "strict"


# ---- matrix products ---------------------------------------------------------------------------
@needs_bf16
@pytest.mark.parametrize("ta,tb", [(False, False), (False, True), (True, False), (True, True)])
@pytest.mark.parametrize("m,k,n", [(64, 96, 80), (130, 257, 33), (1, 1024, 512)])
def test_matmul_multiplies_bf16_operands(ta, tb, m, k, n):
    rng = np.random.default_rng(m + k + n)
    a = rng.standard_normal((k, m) if ta else (m, k)).astype(np.float32)
    b = rng.standard_normal((n, k) if tb else (k, n)).astype(np.float32)
    tf.reset_default_graph()
    y = tf.matmul(tf.constant(a), tf.constant(b), transpose_a=ta, transpose_b=tb)
    out = run_modes(y)
    a2, b2 = (a.T if ta else a), (b.T if tb else b)
    want = bf(a2) @ bf(b2)
    scale = np.abs(bf(a2)) @ np.abs(bf(b2))
    assert_sum_of_products(out["bf16"], want, scale, k)
    exact = a2.astype(np.float64) @ b2.astype(np.float64)
    assert_sum_of_products(out["strict"], exact, np.abs(a2) @ np.abs(b2), k)
    # the operands were rounded: bf16's result is far from the float32 one
    assert np.abs(out["bf16"] - exact).max() > 100 * np.abs(out["bf16"] - want).max()


@needs_bf16
def test_small_products_and_float64_stay_exact():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((8, 16)).astype(np.float32)  # 8 * 16 * 8 multiply-adds: float32
    b = rng.standard_normal((16, 8)).astype(np.float32)
    a64 = rng.standard_normal((64, 128))
    tf.reset_default_graph()
    out = run_modes([tf.matmul(a, b), tf.matmul(a64, a64.T)])
    np.testing.assert_array_equal(out["bf16"][0], out["strict"][0])
    np.testing.assert_array_equal(out["bf16"][1], out["strict"][1])


@needs_bf16
def test_batch_matmul_multiplies_bf16_operands():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 40, 64)).astype(np.float32)
    b = rng.standard_normal((3, 64, 48)).astype(np.float32)
    tf.reset_default_graph()
    out = run_modes(tf.matmul(a, b))
    assert_sum_of_products(out["bf16"], bf(a) @ bf(b), np.abs(bf(a)) @ np.abs(bf(b)), 64)


@needs_bf16
def test_sgd_train_step_in_bf16_mode():
    """The fused matmul + SGD update (W -= lr * x^T dy, alpha and beta of the product) rounds
    lr * x^T and dy: its update is the float64 one of those rounded operands."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((128, 96)).astype(np.float32)
    w0 = rng.standard_normal((96, 64)).astype(np.float32)
    lr = 0.5
    tf.reset_default_graph()
    w = tf.Variable(w0)
    loss = tf.reduce_sum(tf.matmul(x, w)) / 2.0  # dL/dy = 0.5 everywhere (exact in bf16)
    train = tf.train.GradientDescentOptimizer(lr).minimize(loss)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        tf.set_fpmath_mode("bf16")
        s.run(train)
        got = s.run(w)
    dy = np.full((128, 64), 0.5)
    want_delta = bf(-lr * x.T) @ dy  # -lr * x^T rounded (lr a power of 2: either path), times dy
    delta = got.astype(np.float64) - w0
    np.testing.assert_allclose(delta, want_delta, rtol=1e-5, atol=1e-4)
    assert np.abs(delta - (-lr * x.T.astype(np.float64) @ dy)).max() > 1e-3  # rounded


# ---- convolutions ------------------------------------------------------------------------------
def conv64(x, f, strides, padding):
    """float64 convolution (tflite_core's float64 kernels: exact products, float64 sums)."""
    g = tf.Graph()
    with g.as_default():
        y = tf.nn.conv2d(tf.constant(x), tf.constant(f), strides, padding)
        return tf.Session(graph=g).run(y)


@needs_bf16
@pytest.mark.parametrize("stride,padding", [(1, "SAME"), (2, "VALID"), (1, "VALID")])
def test_conv_and_its_gradients_multiply_bf16_operands(stride, padding):
    rng = np.random.default_rng(stride)
    x = rng.standard_normal((4, 13, 11, 24)).astype(np.float32)
    f = rng.standard_normal((3, 3, 24, 32)).astype(np.float32)
    strides = [1, stride, stride, 1]
    tf.reset_default_graph()
    X, F = tf.constant(x), tf.constant(f)
    y = tf.nn.conv2d(X, F, strides, padding)
    dy = rng.standard_normal(y.shape.as_list()).astype(np.float32)
    dx, df = tf.gradients(y, [X, F], grad_ys=tf.constant(dy))
    out = run_modes([y, dx, df])
    k = 3 * 3 * 24
    want = conv64(bf(x), bf(f), strides, padding)
    assert_sum_of_products(out["bf16"][0], want, conv64(np.abs(bf(x)), np.abs(bf(f)), strides,
                                                        padding), k)  # fmt: skip
    # the gradients against float64 ones of the rounded operands (TF's own float64 kernels)
    import tensorflow as real_tf

    v1 = real_tf.compat.v1
    with real_tf.Graph().as_default():
        xs, fs, dys = (v1.constant(bf(v)) for v in (x, f, dy))
        ys = v1.nn.conv2d(xs, fs, strides, padding)
        gx, gf = v1.gradients(ys, [xs, fs], grad_ys=dys)
        ax, af, ady = (v1.constant(np.abs(bf(v))) for v in (x, f, dy))
        ya = v1.nn.conv2d(ax, af, strides, padding)
        sx, sf = v1.gradients(ya, [ax, af], grad_ys=ady)
        want_dx, want_df, scale_dx, scale_df = v1.Session().run([gx, gf, sx, sf])
    assert_sum_of_products(out["bf16"][1], want_dx, scale_dx, 3 * 3 * 32)
    n_terms = int(np.prod(dy.shape[:3]))
    assert_sum_of_products(out["bf16"][2], want_df, scale_df, n_terms)
    for got, strict in zip(out["bf16"], out["strict"]):
        assert np.abs(got - strict).max() > 0  # rounded operands, not float32's
        np.testing.assert_allclose(got, strict, rtol=0.05, atol=0.05 * np.abs(strict).max())


@needs_bf16
def test_fused_conv_bias_relu_and_depthwise():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 10, 10, 16)).astype(np.float32)
    f = rng.standard_normal((3, 3, 16, 24)).astype(np.float32)
    b = rng.standard_normal(24).astype(np.float32)
    fd = rng.standard_normal((3, 3, 16, 2)).astype(np.float32)
    tf.reset_default_graph()
    X = tf.placeholder(tf.float32, x.shape)
    y = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(X, f, [1, 1, 1, 1], "SAME"), b))
    yd = tf.nn.depthwise_conv2d(X, fd, [1, 1, 1, 1], "SAME")
    out = run_modes([y, yd], {X: x})
    want = np.maximum(conv64(bf(x), bf(f), [1, 1, 1, 1], "SAME") + b, 0)
    scale = conv64(np.abs(bf(x)), np.abs(bf(f)), [1, 1, 1, 1], "SAME") + np.abs(b)
    assert_sum_of_products(out["bf16"][0], want, scale, 3 * 3 * 16 + 1)
    np.testing.assert_array_equal(out["bf16"][1], out["strict"][1])  # depthwise: float32


@needs_bf16
def test_strict_again_gives_float32_bits():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 12, 12, 8)).astype(np.float32)
    f = rng.standard_normal((3, 3, 8, 16)).astype(np.float32)
    tf.reset_default_graph()
    y = tf.nn.conv2d(x, f, [1, 1, 1, 1], "SAME")
    z = tf.matmul(tf.reshape(y, [4, -1]), tf.constant(rng.standard_normal((12 * 12 * 16, 64)),
                                                        tf.float32))  # fmt: skip
    out = run_modes([y, z], modes=("strict", "bf16", "strict"))
    assert not np.array_equal(out["bf16"][1], out["strict"][1])
    with tf.Session() as s:
        first = s.run([y, z])
    for a, b in zip(first, out["strict"]):
        np.testing.assert_array_equal(a, b)


@needs_bf16
def test_lstm_runs_in_bf16_mode_close_to_float32():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((16, 20, 64)).astype(np.float32)
    tf.reset_default_graph()
    cell = tf.nn.rnn_cell.BasicLSTMCell(128)
    outputs, _ = tf.nn.dynamic_rnn(cell, tf.constant(x), dtype=tf.float32)
    grads = tf.gradients(tf.reduce_sum(outputs * outputs), tf.trainable_variables())
    out = run_modes([outputs, *grads])
    for got, strict in zip(out["bf16"], out["strict"]):
        assert np.abs(got - strict).max() > 0
        np.testing.assert_allclose(got, strict, rtol=0.05, atol=0.03 * np.abs(strict).max())


# ---- accuracy ----------------------------------------------------------------------------------
@needs_bf16
def test_efficientnet_top5_agrees_with_float32():
    import skimage.data

    from tflite_core.applications import efficientnet_lite0, load_image, preprocess_input

    imgs = []
    for name in ("chelsea", "coffee", "astronaut", "rocket", "cat", "camera", "coins", "horse"):
        im = getattr(skimage.data, name)()
        im = np.stack([im] * 3, -1) if im.ndim == 2 else im[..., :3]
        imgs.append(load_image(im))
    x = preprocess_input(np.stack(imgs))
    tf.reset_default_graph()
    X = tf.placeholder(tf.float32, [None, 224, 224, 3])
    out = run_modes(efficientnet_lite0(X), {X: x})
    t32 = np.argsort(-out["strict"], 1)[:, :5]
    t16 = np.argsort(-out["bf16"], 1)[:, :5]
    np.testing.assert_array_equal(t16[:, 0], t32[:, 0])
    overlap = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(t32, t16)])
    assert overlap >= 0.9, (t32, t16)
    np.testing.assert_allclose(out["bf16"], out["strict"], atol=0.05)
