"""Histogram summaries on C++ (``cpp/summary.cc``): their bytes equal the NumPy + protobuf
implementation tflite_core had before (``tests/summary_reference.py``) over drawn inputs, every
bucket edge and its neighbours, and TF 2.21's ``compat.v1.summary.histogram``; a NaN or infinity
is TF's InvalidArgumentError, with TF's message for the first one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from summary_reference import BUCKET_LIMITS, histogram_summary

import tflite_core as tf
from tflite_core import errors
from tflite_core.framework.runtime import core

_F32 = [float(np.float32(v)) for v in (1e-10, 1e-12, 3.4e38)]
FLOAT_VALUES = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.floats(-_F32[0], _F32[0], width=32),  # tiny, around the first edges
    st.sampled_from([0.0, -0.0, _F32[1], -_F32[1], _F32[2], -_F32[2]]),
)
DTYPES = [np.float32, np.float64, np.int8, np.int32, np.int64, np.uint8, np.uint64]


def _values(dtype):
    if np.dtype(dtype).kind == "f":
        elements = (
            st.floats(allow_nan=False, allow_infinity=False) | FLOAT_VALUES
            if dtype is np.float64
            else FLOAT_VALUES
        )
    else:
        elements = None  # the dtype's whole range
    return hnp.arrays(dtype, st.integers(0, 300), elements=elements)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_cpp_bytes_equal_the_numpy_reference(dtype, data):
    arr = data.draw(_values(dtype))
    with np.errstate(over="ignore"):  # sum_squares of huge values: inf on both sides
        want = histogram_summary("layer/w", arr)
    assert core.histogram_summary(b"layer/w", arr) == want


def test_every_edge_and_its_neighbours_and_a_large_array():
    edges = BUCKET_LIMITS
    with np.errstate(over="ignore"):
        up = np.nextafter(edges, np.inf)
        down = np.nextafter(edges, -np.inf)
        for arr in (edges, up[np.isfinite(up)], down[np.isfinite(down)], -edges):
            arr = np.ascontiguousarray(arr)
            assert core.histogram_summary(b"e", arr) == histogram_summary("e", arr)
    rng = np.random.default_rng(0)
    big = (rng.standard_normal(1_000_003) * np.exp(rng.uniform(-60, 60, 1_000_003))).astype(
        np.float32
    )
    assert core.histogram_summary(b"big", big) == histogram_summary("big", big)
    np.testing.assert_array_equal(core.histogram_bucket_limits(), edges)


def test_session_runs_the_cpp_histogram(g):
    rng = np.random.default_rng(1)
    x = tf.placeholder(tf.float32, [None, 3])
    h = tf.summary.histogram("acts", x)
    with tf.Session() as sess:
        for n in (0, 1, 500):
            v = rng.standard_normal((n, 3)).astype(np.float32)
            assert sess.run(h, {x: v}) == histogram_summary("acts", v)


@settings(max_examples=12, deadline=None)
@given(arr=hnp.arrays(st.sampled_from([np.float32, np.float64, np.int32]), st.integers(0, 50)))
def test_drawn_histograms_equal_tfs(arr):
    import tensorflow as T

    arr = np.nan_to_num(arr, nan=0.5, posinf=1e30, neginf=-1e30)
    # TF 2.21's Histogram::Add indexes past its buckets for DBL_MAX itself (its last limit) and
    # corrupts its heap ("malloc(): invalid size"), so drawn values stay below it; and TF's
    # kernels run with denormals flushed to zero (float32 subnormals read as 0; a float64 sum or
    # square that would be subnormal is 0), not so here, as in NumPy: such values are left out
    if arr.dtype == np.float64:
        arr = np.clip(arr, -1e300, 1e300)
        arr[np.abs(arr) < 1e-150] = 0.0
    if arr.dtype == np.float32:
        arr[np.abs(arr) < np.finfo(np.float32).tiny] = 0.0
    g = T.Graph()
    with g.as_default():
        s = T.compat.v1.summary.histogram("h", T.constant(arr))
        with T.compat.v1.Session() as sess:
            theirs = sess.run(s)
    with tf.Graph().as_default(), tf.Session() as sess:
        assert sess.run(tf.summary.histogram("h", tf.constant(arr))) == theirs


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "values,word",
    [
        ([1.0, np.nan, np.inf], "Nan in summary histogram"),
        ([1.0, -np.inf, np.nan], "Infinity in Histogram"),  # TF 2.21's words for an infinity
        ([np.inf], "Infinity in Histogram"),
    ],
)
def test_the_first_value_not_finite_names_the_error_as_in_tf(g, values, word):
    import tensorflow as T

    arr = np.array(values, np.float32)
    with T.Graph().as_default():
        s = T.compat.v1.summary.histogram("w", T.constant(arr))
        with T.compat.v1.Session() as sess, pytest.raises(T.errors.InvalidArgumentError) as e:
            sess.run(s)
    assert f"{word} for: w" in e.value.message
    x = tf.placeholder(tf.float32, [None])
    h = tf.summary.histogram("w", x)
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match=f"{word} for: w"):
            sess.run(h, {x: arr})
        assert sess.run(h, {x: [1.0]}) == histogram_summary("w", np.array([1.0], np.float32))
