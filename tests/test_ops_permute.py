"""The op table's rows of the ops that move elements: ReverseV2, Roll, ReverseSequence,
SpaceToDepth, DepthToSpace, SpaceToBatchND and BatchToSpaceND. Every row gets the table's checks
(``op_table.table_tests``); beyond the table: bad arguments name the op.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import ALL, I32, I64, NUMERIC, Row, table_tests

import tflite_core as tf


# ---- draws and NumPy references ------------------------------------------------------------------
def reverse_draw(ctx):
    shape = ctx.shape()
    r = len(shape)
    axes = ctx.draw(st.lists(st.integers(0, max(r - 1, 0)), unique=True, max_size=r)) if r else []
    axes = [a - r if ctx.draw(st.booleans()) else a for a in axes]
    return [ctx.values(shape)], {"axis": axes}


def np_reverse(x, axis):
    return np.flip(x, tuple(axis)) if axis else x


def roll_draw(ctx):
    shape = ctx.shape(min_dims=1)
    r = len(shape)
    n = ctx.draw(st.integers(1, 3))
    axes = ctx.draw(st.lists(st.integers(-r, r - 1), min_size=n, max_size=n))
    shifts = ctx.draw(st.lists(st.integers(-7, 7), min_size=n, max_size=n))
    return [ctx.values(shape)], {"shift": shifts, "axis": axes}


def np_roll(x, shift, axis):
    return np.roll(x, shift, axis)


def reverse_sequence_draw(ctx):
    shape = ctx.shape(min_dims=2)
    r = len(shape)
    sd, bd = ctx.draw(st.permutations(range(r)))[:2]
    dt = ctx.draw(st.sampled_from([I32, I64]))
    lens = ctx.draw(hnp.arrays(dt, (shape[bd],), elements=st.integers(0, shape[sd])))
    return [ctx.values(shape), lens], {"seq_axis": sd, "batch_axis": bd}


def np_reverse_sequence(x, lens, seq_axis, batch_axis):
    out = x.copy()
    for b, n in enumerate(lens):
        idx = [slice(None)] * x.ndim
        idx[batch_axis] = b
        idx[seq_axis] = slice(0, int(n))
        out[tuple(idx)] = np.flip(x[tuple(idx)], seq_axis - (batch_axis < seq_axis))
    return out


def depth_draw(to_depth):
    def draw(ctx):
        b = ctx.draw(st.integers(2, 3))
        lo = 0 if ctx.mode == "forward" else 1
        n = ctx.draw(st.integers(max(lo, 1) if ctx.mode == "partial" else lo, 2))
        h, w = (ctx.draw(st.integers(lo, 2)) for _ in range(2))
        c = ctx.draw(st.integers(1, 2))
        shape = (n, h * b, w * b, c) if to_depth else (n, h, w, c * b * b)
        return [ctx.values(shape)], {"block_size": b}

    return draw


def np_space_to_depth(x, block_size):
    b = block_size
    n, h, w, c = x.shape
    y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    return y.reshape(n, h // b, w // b, b * b * c)


def np_depth_to_space(x, block_size):
    b = block_size
    n, h, w, d = x.shape
    y = x.reshape(n, h, w, b, b, d // (b * b)).transpose(0, 1, 3, 2, 4, 5)
    return y.reshape(n, h * b, w * b, d // (b * b))


def _blocks(ctx, rank_rest):
    m = ctx.draw(st.integers(1, 2))
    block = [ctx.draw(st.integers(1, 3)) for _ in range(m)]
    lo = 0 if ctx.mode == "forward" else 1
    batch = ctx.draw(st.integers(lo, 2))
    rest = [ctx.draw(st.integers(1, 2)) for _ in range(rank_rest)]
    return m, block, batch, rest


def space_to_batch_draw(ctx):
    _m, block, batch, rest = _blocks(ctx, ctx.draw(st.integers(0, 1)))
    spatial, pads = [], []
    for b in block:  # a padded size divisible by the block, split into before, input, after
        total = b * ctx.draw(st.integers(1, 3))
        before = ctx.draw(st.integers(0, min(2, total - 1)))
        size = ctx.draw(st.integers(1 if ctx.mode != "forward" else 0, total - before))
        spatial.append(size)
        pads.append([before, total - before - size])
    if ctx.mode != "forward":
        batch = max(batch, 1)
    x = ctx.values((batch, *spatial, *rest))
    return [x], {"block_shape": block, "paddings": pads}


def np_space_to_batch(x, block_shape, paddings):
    m = len(block_shape)
    x = np.pad(x, [(0, 0), *[tuple(p) for p in paddings], *[(0, 0)] * (x.ndim - 1 - m)])
    b = x.shape[0]
    shp = [b]
    for i, k in enumerate(block_shape):
        shp += [x.shape[1 + i] // k, k]
    rest = list(x.shape[1 + m :])
    y = x.reshape(shp + rest)
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)]
    y = y.transpose(perm + list(range(1 + 2 * m, y.ndim)))
    return y.reshape([b * int(np.prod(block_shape)), *[shp[1 + 2 * i] for i in range(m)], *rest])


def batch_to_space_draw(ctx):
    m, block, batch, rest = _blocks(ctx, ctx.draw(st.integers(0, 1)))
    if ctx.mode != "forward":
        batch = max(batch, 1)
    spatial = [ctx.draw(st.integers(1, 3)) for _ in range(m)]
    crops = []
    for s, b in zip(spatial, block):
        total = s * b
        c0 = ctx.draw(st.integers(0, total))
        c1 = ctx.draw(st.integers(0, total - c0))
        crops.append([c0, c1])
    x = ctx.values((batch * int(np.prod(block)), *spatial, *rest))
    return [x], {"block_shape": block, "crops": crops}


def np_batch_to_space(x, block_shape, crops):
    m = len(block_shape)
    n = int(np.prod(block_shape))
    b = x.shape[0] // n
    rest = list(x.shape[1 + m :])
    y = x.reshape([*block_shape, b, *x.shape[1 : 1 + m], *rest])
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    y = y.transpose(perm + list(range(2 * m + 1, y.ndim)))
    y = y.reshape([b, *[x.shape[1 + i] * block_shape[i] for i in range(m)], *rest])
    sl = [slice(None)] + [slice(c0, y.shape[1 + i] - c1) for i, (c0, c1) in enumerate(crops)]
    return y[tuple(sl)]


def patches_draw(ctx):
    lo = 0 if ctx.mode == "forward" else 1
    shape = (max(lo, ctx.draw(st.integers(0, 2))), *(ctx.draw(st.integers(1, 5)) for _ in range(2)))
    shape = (*shape, ctx.draw(st.integers(1, 2)))
    k, s, r = ([1, ctx.draw(st.integers(1, 3)), ctx.draw(st.integers(1, 3)), 1] for _ in range(3))
    padding = ctx.draw(st.sampled_from(["VALID", "SAME"]))
    if too_small(shape[1:3], k[1:3], s[1:3], r[1:3]):
        padding = "SAME"  # (VALID: TF refuses windows past the input by two strides)
    return [ctx.values(shape)], {"ksizes": k, "strides": s, "rates": r, "padding": padding}


def too_small(sizes, ks, ss, rs):
    """Whether a VALID window is larger than its input by two strides or more (TF's error)."""
    return any(n - (k + (k - 1) * (r - 1)) + st_ <= -st_ for n, k, st_, r in zip(sizes, ks, ss, rs))


def np_patches(x, ksizes, strides, rates, padding):
    b, h, w, d = x.shape
    (kr, kc), (sr, sc), (rr, rc) = ksizes[1:3], strides[1:3], rates[1:3]
    dims = []
    for n, k, s, r in ((h, kr, sr, rr), (w, kc, sc, rc)):
        eff = k + (k - 1) * (r - 1)
        if padding == "VALID":
            dims.append((max(-(-(n - eff + 1) // s), 0), 0))
        else:
            m = -(-n // s)
            dims.append((m, int(((m - 1) * s + eff - n) / 2)))  # Eigen's: may be negative
    (rows, top), (cols, left) = dims
    out = np.zeros((b, rows, cols, kr, kc, d), x.dtype)
    for i in range(rows):
        for j in range(cols):
            for a in range(kr):
                for c in range(kc):
                    y, z = i * sr + a * rr - top, j * sc + c * rc - left
                    if 0 <= y < h and 0 <= z < w:
                        out[:, i, j, a, c] = x[:, y, z]
    return out.reshape(b, rows, cols, kr * kc * d)


def volume_draw(ctx):
    lo = 0 if ctx.mode == "forward" else 1
    shape = (max(lo, ctx.draw(st.integers(0, 2))), *(ctx.draw(st.integers(1, 4)) for _ in range(3)))
    shape = (*shape, ctx.draw(st.integers(1, 2)))
    k, s = ([1, *(ctx.draw(st.integers(1, 3)) for _ in range(3)), 1] for _ in range(2))
    padding = ctx.draw(st.sampled_from(["VALID", "SAME"]))
    if too_small(shape[1:4], k[1:4], s[1:4], [1, 1, 1]):
        padding = "SAME"
    return [ctx.values(shape)], {"ksizes": k, "strides": s, "padding": padding}


def np_volume(x, ksizes, strides, padding):
    k, s, dims = ksizes[1:4], strides[1:4], x.shape[1:4]
    wins = []
    for n, kk, ss in zip(dims, k, s):
        if padding == "VALID":
            wins.append((max(-(-(n - kk + 1) // ss), 0), 0))
        else:
            m = -(-n // ss)
            wins.append((m, int(((m - 1) * ss + kk - n) / 2)))  # Eigen's: may be negative
    outs = [m for m, _ in wins]
    res = np.zeros((x.shape[0], *outs, *k, x.shape[4]), x.dtype)
    for o in np.ndindex(*outs):
        for w in np.ndindex(*k):
            pos = [o[a] * s[a] + w[a] - wins[a][1] for a in range(3)]
            if all(0 <= pos[a] < dims[a] for a in range(3)):
                dst, src = (slice(None), *o, *w), (slice(None), *pos)
                res[dst] = x[src]
    return res.reshape((x.shape[0], *outs, int(np.prod(k)) * x.shape[4]))


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    Row("ReverseV2", tf.reverse_v2, np_reverse, reverse_draw, ALL),
    Row("Roll", tf.roll, np_roll, roll_draw, ALL),
    Row("ReverseSequence", tf.reverse_sequence, np_reverse_sequence, reverse_sequence_draw, ALL),
    Row("SpaceToDepth", tf.space_to_depth, np_space_to_depth, depth_draw(True), ALL),
    Row("DepthToSpace", tf.depth_to_space, np_depth_to_space, depth_draw(False), ALL),
    Row("SpaceToBatchND", tf.space_to_batch_nd, np_space_to_batch, space_to_batch_draw, ALL),
    Row("BatchToSpaceND", tf.batch_to_space_nd, np_batch_to_space, batch_to_space_draw, ALL),
    Row("ExtractImagePatches", tf.extract_image_patches, np_patches, patches_draw, ALL),
    # (TF's ExtractVolumePatches takes no bool)
    Row("ExtractVolumePatches", tf.extract_volume_patches, np_volume, volume_draw, NUMERIC),
]
globals().update(table_tests(ROWS))


# ---- beyond the table ----------------------------------------------------------------------------
@pytest.mark.bad_input
def test_reverse_sequence_lengths_are_checked_when_run():
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [2])
        y = tf.reverse_sequence(tf.zeros([2, 3]), n, seq_axis=1)
        with (
            tf.Session() as sess,
            pytest.raises(
                tf.errors.InvalidArgumentError,
                match=r"\[ReverseSequence\] seq_lengths\(1\) > input.dims\(1\)",
            ),
        ):
            sess.run(y, {n: [1, 4]})


def test_shape_errors_at_graph_build():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="SpaceToDepth"):
            tf.space_to_depth(tf.zeros([1, 3, 4, 1]), 2)
        with pytest.raises(ValueError, match="not divisible by block_shape"):
            tf.space_to_batch_nd(tf.zeros([1, 3, 4, 1]), [2, 2], [[0, 0], [0, 0]])
        with pytest.raises(ValueError, match="specified more than once"):
            tf.reverse(tf.zeros([2, 3]), [1, -1])
        with pytest.raises(ValueError, match="NHWC"):
            tf.depth_to_space(tf.zeros([1, 4, 1, 1]), 2, data_format="NCHW")


def test_roll_shift_fed_when_run():
    with tf.Graph().as_default():
        s = tf.placeholder(tf.int32, [])
        y = tf.roll([1, 2, 3, 4, 5], s, 0)
        with tf.Session() as sess:
            assert sess.run(y, {s: 2}).tolist() == [4, 5, 1, 2, 3]
            assert sess.run(y, {s: -1}).tolist() == [2, 3, 4, 5, 1]
