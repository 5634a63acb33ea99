"""The copy kernels of an image pipeline's augmentations on image-shaped tensors ([H, W, C] with
few channels), against NumPy and TF 2.21 compat.v1: ``pad``, ``reverse`` (``flip_left_right``),
``gather`` along the width, strided slices, and ``slice`` / ``random_crop`` with a begin known
only when the graph runs (one plan serves every begin; the kernel checks it in TF's words)."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(11)
DTYPES = [np.uint8, np.int64, np.float32, np.complex128]  # 1, 8, 4 and 16 bytes per element


def _image(dtype, shape=(13, 11, 3)):
    a = RNG.integers(0, 250, shape)
    return (a + 1j * a[::-1]).astype(dtype) if np.dtype(dtype).kind == "c" else a.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_pad_reverse_gather_and_strided_slices_of_images_as_numpy(g, dtype):
    x = _image(dtype)
    p = tf.placeholder(tf.as_dtype(x.dtype), x.shape)
    cols = np.array([3, 0, 10, 10, 5], np.int32)
    fetches = {
        "pad hw": tf.pad(p, [[2, 3], [4, 1], [0, 0]]),
        "pad c": tf.pad(p, [[0, 0], [0, 0], [1, 2]]),
        "pad none": tf.pad(p, [[0, 0], [0, 0], [0, 0]]),
        "flip w": tf.reverse(p, [1]),
        "flip h": tf.reverse(p, [0]),
        "flip hc": tf.reverse(p, [0, 2]),
        "flip all": tf.reverse(p, [0, 1, 2]),
        "gather w": tf.gather(p, cols, axis=1),
        "gather h": tf.gather(p, cols, axis=0),
        "crop": p[2:9, 1:10],
        "crop stride": p[1::3, 2:9:2],
        "one channel": p[:, :, 1:2],
        "one row": p[4:5],
    }
    want = {
        "pad hw": np.pad(x, [[2, 3], [4, 1], [0, 0]]),
        "pad c": np.pad(x, [[0, 0], [0, 0], [1, 2]]),
        "pad none": x,
        "flip w": x[:, ::-1],
        "flip h": x[::-1],
        "flip hc": x[::-1, :, ::-1],
        "flip all": x[::-1, ::-1, ::-1],
        "gather w": x[:, cols],
        "gather h": x[cols],
        "crop": x[2:9, 1:10],
        "crop stride": x[1::3, 2:9:2],
        "one channel": x[:, :, 1:2],
        "one row": x[4:5],
    }
    with tf.Session() as sess:
        got = sess.run(fetches, {p: x})
    for k, v in want.items():
        assert got[k].dtype == v.dtype, k
        np.testing.assert_array_equal(got[k], v, err_msg=k)


def _slice_graph(mod, x, size):
    p = mod.placeholder(mod.as_dtype(x.dtype), x.shape)
    b = mod.placeholder(mod.int32, [x.ndim])
    y = mod.slice(p, b, size)
    return p, b, y, mod.gradients(mod.reduce_sum(mod.cast(y, mod.float32) ** 2), p)[0]


@contextlib.contextmanager
def _both_slices(x, size):
    """``(sess, (p, b, y, dx))`` of tflite_core's slice graph and TF's (in its own graph)."""
    ours = _slice_graph(tf, x, size)
    with real_tf.Graph().as_default(), T.Session() as ref:
        theirs = _slice_graph(T, x, size)
        with tf.Session() as sess:
            yield (sess, ours), (ref, theirs)


def test_slice_with_a_fed_begin_runs_one_plan_and_matches_tf(g):
    x = _image(np.float32, (9, 8, 3))
    with _both_slices(x, [4, 5, 3]) as ((sess, (p, b, y, dx)), (ref, (rp, rb, ry, rdx))):
        for begin in ([0, 0, 0], [5, 3, 0], [2, 1, 0], [5, 0, 0]):
            got = sess.run([y, dx], {p: x, b: begin})
            want = ref.run([ry, rdx], {rp: x, rb: begin})
            for a, w in zip(got, want):
                np.testing.assert_allclose(a, w, rtol=1e-6)
        # the slice's plan serves every begin (the gradient's pad is planned per begin)
        sess.run(y, {p: x, b: [1, 1, 0]})
        sess.run(y, {p: x, b: [3, 2, 0]})
        exe = next(e for e in sess._cache.values() if e.plan_fetches == [y])
        assert len(exe.pools) == 1


@pytest.mark.bad_input
def test_slice_begin_out_of_range_at_run_time_raises_tfs_error(g):
    x = _image(np.float32, (5, 6, 3))
    with _both_slices(x, [2, 3, 3]) as ((sess, (p, b, y, _)), (ref, (rp, rb, ry, _))):
        for begin in ([4, 0, 0], [0, 4, 0], [-1, 0, 0], [0, 0, 4]):
            with pytest.raises(real_tf.errors.InvalidArgumentError) as theirs:
                ref.run(ry, {rp: x, rb: begin})
            with pytest.raises(tf.errors.InvalidArgumentError) as ours:
                sess.run(y, {p: x, b: begin})
            lines = theirs.value.message.splitlines()
            want = next(line for line in lines if "Expected" in line).split(" [[")[0].strip()
            assert want in ours.value.message, (want, ours.value.message)
            assert "Slice" in ours.value.message
        np.testing.assert_array_equal(sess.run(y, {p: x, b: [3, 3, 0]}), x[3:5, 3:6])


def test_random_crop_draws_crops_of_the_input_with_one_plan(g):
    x = np.arange(10 * 10 * 3, dtype=np.float32).reshape(10, 10, 3)
    p = tf.placeholder(tf.float32, x.shape)
    crop = tf.random_crop(p, [7, 7, 3], seed=3)
    offsets = set()
    with tf.Session() as sess:
        for _ in range(60):
            c = sess.run(crop, {p: x})
            i, j = divmod(int(c[0, 0, 0]) // 3, 10)
            np.testing.assert_array_equal(c, x[i : i + 7, j : j + 7])
            offsets.add((i, j))
        exe = next(e for e in sess._cache.values() if e.plan_fetches == [crop])
        assert len(exe.pools) == 1
    assert len(offsets) > 8  # of the 16 possible


def test_string_slice_with_a_fed_begin_runs_on_the_host_as_tf(g):
    """A string tensor's Slice (run by the kernels' NumPy twin on the host) reads its begin when
    it runs too: values and TF's error for a begin out of range."""
    v = np.array([[f"{i}{j}".encode() for j in range(3)] for i in range(4)], dtype=object)
    results = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            x, b = mod.placeholder(mod.string, [4, 3]), mod.placeholder(mod.int32, [2])
            y = mod.slice(x, b, [2, 2])
            with mod.Session() as sess:
                got = [sess.run(y, {x: v, b: begin}) for begin in ([1, 1], [2, 0], [0, 1])]
                with pytest.raises(mod.errors.InvalidArgumentError) as e:
                    sess.run(y, {x: v, b: [3, 0]})
                results.append((got, e.value.message))
    (ours, our_error), (theirs, their_error) = results
    for a, w in zip(ours, theirs):
        np.testing.assert_array_equal(a, w)
    assert "Expected size[0] in [0, 1], but got 2" in their_error
    assert "Expected size[0] in [0, 1], but got 2" in our_error
