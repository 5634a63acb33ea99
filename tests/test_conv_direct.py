"""The float32 convolutions of our own (cpp/conv_1x1.cc, cpp/depthwise_f32.cc) against the NumPy
twins in float64, and against oneDNN's primitives with them turned off
(``_core.set_conv_direct``): every tile shape (row and column tails, masked channel vectors),
both sweep orders of the 1x1 product, the depthwise borders and paddings, one and two threads,
the three activations, and NaN kept through ReLU and ReLU6 as TF keeps it."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tflite_core
from tflite_core import _core
from tflite_core import reference as ref

F32 = np.float32
# where the direct kernels run: AVX-512F, no TFLITE_CORE_MAX_ISA cap below it
with open("/proc/cpuinfo") as _f:
    DIRECT = "avx512f" in _f.read() and os.environ.get("TFLITE_CORE_MAX_ISA", "") == ""


def check(kernel, inputs, ints, out_shape):
    """The kernel with the direct path on and off against its twin in float64, to the error
    bound of float32 sums: (taps + 2) eps times the same sums of absolute values (no
    activation: ReLU6 only brings values closer)."""
    wide = [a.astype(np.float64) for a in inputs]
    want, bound = np.zeros(out_shape), np.zeros(out_shape)
    with np.errstate(invalid="ignore"):  # (inf - inf in the sums: NaN, as in float32)
        ref.run_kernel(kernel, wide, [want], ints)
        plain = [*ints[:8], 0, 0] if len(ints) == 10 else ints
        ref.run_kernel(kernel, [np.abs(a) for a in wide], [bound], plain)
    taps = (
        inputs[1].shape[0]
        * inputs[1].shape[1]
        * (1 if "depthwise" in kernel else inputs[1].shape[2])
    )
    bound *= (taps + 2) * np.finfo(F32).eps
    for direct in (True, False):
        before, calls = _core.set_conv_direct(direct), _core.conv_direct_calls()
        got = np.full(out_shape, np.nan, F32)
        try:
            _core.run_kernel(kernel, inputs, [got], ints)
        finally:
            _core.set_conv_direct(before)
        assert _core.conv_direct_calls() - calls == int(direct and DIRECT), direct
        nan, finite = np.isnan(want), np.isfinite(want) & np.isfinite(bound)
        np.testing.assert_array_equal(np.isnan(got), nan, err_msg=f"NaN places, direct={direct}")
        inf = ~nan & ~finite & np.isinf(want)
        np.testing.assert_array_equal(got[inf], want[inf], err_msg=f"infinities, direct={direct}")
        err = np.abs(got[finite].astype(np.float64) - want[finite])
        assert np.all(err <= bound[finite] + 1e-30), (direct, float(err.max(initial=0)))


def specials(draw, rng, x):
    """NaN and infinities in a few inputs, half the time."""
    if draw(st.booleans()):
        flat = x.reshape(-1)
        flat[rng.integers(0, flat.size, 3)] = [np.nan, np.inf, -np.inf]


def call(draw, rng, x, f, conv, oc, kernel):
    """The plain kernel or the fused one (a bias and an activation)."""
    if draw(st.booleans()):
        return kernel, [x, f], conv
    bias = rng.uniform(-1, 1, oc).astype(F32)
    return kernel + "_bias_act", [x, f, bias], [*conv, draw(st.integers(0, 2)), 0]


@st.composite
def conv1x1_case(draw):
    n, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 9)), draw(st.integers(1, 9))
    c = draw(st.sampled_from([1, 3, 16, 17, 40, 70]))
    oc = draw(st.sampled_from([1, 5, 16, 17, 32, 47, 48, 49, 96, 100, 130]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.uniform(-2, 2, (n, h, w, c)).astype(F32)
    specials(draw, rng, x)
    f = rng.uniform(-1, 1, (1, 1, c, oc)).astype(F32)
    kernel, inputs, ints = call(draw, rng, x, f, [1, 1, 1, 1, 0, 0, 0, 0], oc, "conv2d")
    return kernel, inputs, ints, (n, h, w, oc)


@st.composite
def depthwise_case(draw):
    n, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 12)), draw(st.integers(1, 12))
    c = draw(st.sampled_from([1, 5, 16, 17, 32, 40]))
    k, s = draw(st.sampled_from([3, 5])), draw(st.integers(1, 2))
    pads = [draw(st.integers(0, k)) for _ in range(4)]
    pt, pb, pl, pr = pads
    oh, ow = (h + pt + pb - k) // s + 1, (w + pl + pr - k) // s + 1
    if oh <= 0 or ow <= 0:
        oh, ow = max(oh, 0), max(ow, 0)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.uniform(-2, 2, (n, h, w, c)).astype(F32)
    specials(draw, rng, x)
    f = rng.uniform(-1, 1, (k, k, c, 1)).astype(F32)
    conv = [s, s, 1, 1, *pads]
    kernel, inputs, ints = call(draw, rng, x, f, conv, c, "depthwise_conv2d")
    return kernel, inputs, ints, (n, oh, ow, c)


@given(case=conv1x1_case())
def test_conv1x1_direct_matches_numpy(case):
    check(*case)


@given(case=depthwise_case())
def test_depthwise_direct_matches_numpy(case):
    kernel, inputs, ints, shape = case
    if min(shape) == 0:  # (an empty output: nothing runs, the direct kernel included)
        return
    check(kernel, inputs, ints, shape)


LARGE = [
    ("conv2d", (1, 32, 32, 64), (1, 1, 64, 96), 1, 0),  # many row blocks: threads share them
    ("conv2d", (1, 5, 4, 384), (1, 1, 384, 400), 1, 0),  # a filter over half an L2
    ("conv2d", (2, 7, 7, 200), (1, 1, 200, 1000), 1, 0),  # both, with tails
    ("depthwise_conv2d", (1, 56, 56, 144), (3, 3, 144, 1), 1, 1),
    ("depthwise_conv2d", (1, 112, 112, 96), (3, 3, 96, 1), 2, 0),  # TF's SAME at stride 2
    ("depthwise_conv2d", (2, 14, 14, 680), (5, 5, 680, 1), 1, 2),  # a masked last block
]


@pytest.mark.parametrize("kernel,x_shape,f_shape,stride,pad", LARGE)
@pytest.mark.parametrize("threads", [1, 2])
def test_direct_large(kernel, x_shape, f_shape, stride, pad, threads):
    rng = np.random.default_rng(sum(x_shape) + sum(f_shape))
    x = rng.uniform(-1, 1, x_shape).astype(F32)
    f = rng.uniform(-1, 1, f_shape).astype(F32)
    oc = f_shape[2] if kernel == "depthwise_conv2d" else f_shape[3]
    bias = rng.uniform(-1, 1, oc).astype(F32)
    k = f_shape[0]
    after = max(0, k - stride - pad) if stride == 2 else pad
    oh = (x_shape[1] + pad + after - k) // stride + 1
    ow = (x_shape[2] + pad + after - k) // stride + 1
    ints = [stride, stride, 1, 1, pad, after, pad, after, 2, 0]
    before = tflite_core.get_num_threads()
    tflite_core.set_num_threads(threads)
    try:
        check(kernel + "_bias_act", [x, f, bias], ints, (x_shape[0], oh, ow, oc))
    finally:
        tflite_core.set_num_threads(before)


def test_bf16_mode_leaves_1x1_convolutions_to_onednn():
    """In fpmath bf16 mode a 1x1 convolution is oneDNN's bf16 primitive (bfloat16-rounded
    operands), not the float32 direct kernel; depthwise ones stay direct (float32 in that mode).
    Where the CPU has no bf16 instructions the mode is refused."""
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, (1, 8, 8, 64)).astype(F32)
    f = rng.uniform(-1, 1, (1, 1, 64, 64)).astype(F32)
    try:
        tflite_core.set_fpmath_mode("bf16")
    except tflite_core.errors.UnimplementedError:
        return  # (the refusal; test_fpmath_bf16.py tests the mode where it runs)
    try:
        y = np.zeros((1, 8, 8, 64), F32)
        calls = _core.conv_direct_calls()
        _core.run_kernel("conv2d", [x, f], [y], [1, 1, 1, 1, 0, 0, 0, 0])
        assert _core.conv_direct_calls() == calls
        rx = x.view(np.uint32) + 0x7FFF + ((x.view(np.uint32) >> 16) & 1)  # (round to bf16)
        rf = f.view(np.uint32) + 0x7FFF + ((f.view(np.uint32) >> 16) & 1)
        xb = (rx & 0xFFFF0000).view(F32).astype(np.float64)
        fb = (rf & 0xFFFF0000).view(F32).astype(np.float64)
        want = xb.reshape(-1, 64) @ fb.reshape(64, 64)
        np.testing.assert_allclose(y.reshape(-1, 64), want, rtol=1e-5, atol=1e-5)
    finally:
        tflite_core.set_fpmath_mode("strict")
