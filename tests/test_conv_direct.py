"""The float32 convolutions of our own (cpp/conv_1x1.cc) against float64 NumPy, and against
oneDNN's primitives with them turned off (``_core.set_conv_direct``): every tile shape (row and
column tails, masked channel vectors), both sweep orders, one and two threads, the three
activations, and NaN kept through ReLU and ReLU6 as TF keeps it."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tflite_core
from tflite_core import _core

F32 = np.float32
# where the direct kernels run: AVX-512F, no TFLITE_CORE_MAX_ISA cap below it
with open("/proc/cpuinfo") as _f:
    DIRECT = "avx512f" in _f.read() and os.environ.get("TFLITE_CORE_MAX_ISA", "") == ""


def reference(x, f, bias, act):
    """act(x * f + bias) in float64 for a 1x1 filter [1, 1, c, oc], and the error bound of a
    float32 sum of c products (|x| * |f| + |bias| times (c + 2) eps)."""
    n, h, w, c = x.shape
    rows = x.reshape(-1, c).astype(np.float64)
    fm = f.reshape(c, -1).astype(np.float64)
    b = np.zeros(fm.shape[1]) if bias is None else bias.astype(np.float64)
    v = rows @ fm + b
    bound = np.abs(rows) @ np.abs(fm) + np.abs(b)
    if act:
        hi = 6.0 if act == 2 else np.inf
        v = np.where(np.isnan(v), v, np.minimum(np.maximum(v, 0.0), hi))
    shape = (n, h, w, fm.shape[1])
    return v.reshape(shape), (c + 2) * np.finfo(F32).eps * bound.reshape(shape)


def run(x, f, bias, act):
    """conv2d_bias_act (or conv2d without a bias) at stride 1 without padding."""
    y = np.full((*x.shape[:3], f.shape[3]), np.nan, F32)
    conv = [1, 1, 1, 1, 0, 0, 0, 0]
    if bias is None:
        _core.run_kernel("conv2d", [x, f], [y], conv)
    else:
        _core.run_kernel("conv2d_bias_act", [x, f, bias], [y], [*conv, act, 0])
    return y


def check(x, f, bias, act):
    with np.errstate(invalid="ignore"):  # (inf - inf in the sums: NaN, as in float32)
        want, bound = reference(x, f, bias, act)
    for direct in (True, False):
        before, calls = _core.set_conv_direct(direct), _core.conv_direct_calls()
        try:
            got = run(x, f, bias, act)
        finally:
            _core.set_conv_direct(before)
        assert _core.conv_direct_calls() - calls == int(direct and DIRECT), direct
        nan, finite = np.isnan(want), np.isfinite(want) & np.isfinite(bound)
        np.testing.assert_array_equal(np.isnan(got), nan, err_msg=f"NaN places, direct={direct}")
        inf = ~nan & ~finite & np.isinf(want)
        np.testing.assert_array_equal(got[inf], want[inf], err_msg=f"infinities, direct={direct}")
        err = np.abs(got[finite].astype(np.float64) - want[finite])
        assert np.all(err <= bound[finite] + 1e-30), (direct, float(err.max(initial=0)))


@st.composite
def conv1x1_case(draw):
    n, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 9)), draw(st.integers(1, 9))
    c = draw(st.sampled_from([1, 3, 16, 17, 40, 70]))
    oc = draw(st.sampled_from([1, 5, 16, 17, 32, 47, 48, 49, 96, 100, 130]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.uniform(-2, 2, (n, h, w, c)).astype(F32)
    f = rng.uniform(-1, 1, (1, 1, c, oc)).astype(F32)
    if draw(st.booleans()):  # NaN and infinities in a few inputs
        flat = x.reshape(-1)
        flat[rng.integers(0, flat.size, 3)] = [np.nan, np.inf, -np.inf]
    bias = None if draw(st.booleans()) else rng.uniform(-1, 1, oc).astype(F32)
    act = 0 if bias is None else draw(st.integers(0, 2))
    return x, f, bias, act


@given(case=conv1x1_case())
def test_conv1x1_direct_matches_numpy(case):
    check(*case)


@pytest.mark.parametrize(
    "shape",
    [
        (1, 32, 32, 64, 96),  # many row blocks: two threads share them
        (1, 5, 4, 384, 400),  # a filter over half an L2: column blocks outermost
        (2, 7, 7, 200, 1000),  # both, with tails
    ],
)
@pytest.mark.parametrize("threads", [1, 2])
def test_conv1x1_direct_large(shape, threads):
    n, h, w, c, oc = shape
    rng = np.random.default_rng(sum(shape))
    x = rng.uniform(-1, 1, (n, h, w, c)).astype(F32)
    f = rng.uniform(-1, 1, (1, 1, c, oc)).astype(F32)
    bias = rng.uniform(-1, 1, oc).astype(F32)
    before = tflite_core.get_num_threads()
    tflite_core.set_num_threads(threads)
    try:
        check(x, f, bias, 2)
    finally:
        tflite_core.set_num_threads(before)
