"""The op table's array rows: constants, placeholders, identity, shape and size, reshape,
transpose, concat/split, slicing, fill, cast, the broadcasting helpers (SumToShape, BroadcastTo),
expand_dims/squeeze and pad, with the gradient helpers ``tf.gradients`` makes for them
(SplitLike, StridedSliceGrad).

Every row gets the table's checks (``op_table.table_tests``); beyond the table: a cast from an
integer passes no gradient.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import ALL, F32, F64, I32, I64, Row, table_tests, unary

import tflite_core as tf


# ---- draws and NumPy references ------------------------------------------------------------------
def transpose_draw(ctx):
    shape = ctx.shape(max_dims=4)
    perm = ctx.draw(st.one_of(st.none(), st.permutations(range(len(shape)))))
    return [ctx.values(shape)], {"perm": None if perm is None else list(perm)}


def tile_draw(ctx):
    shape = ctx.shape(max_dims=3, max_side=3)
    m = ctx.draw(st.lists(st.integers(0 if ctx.mode == "forward" else 1, 3), min_size=len(shape),
                          max_size=len(shape)))  # fmt: skip
    return [ctx.values(shape)], {"multiples": m}


def slice_op_draw(ctx):
    """begin and size in bounds (size -1: to the end), fed as int32 tensors (so the op is
    ``Slice``, not the ``StridedSlice`` of bounds known at graph build)."""
    shape = ctx.shape(min_dims=1, max_dims=3)
    begin, size = [], []
    for d in shape:
        b = ctx.draw(st.integers(0, d))
        begin.append(b)
        size.append(ctx.draw(st.sampled_from([-1, *range(d - b + 1)])))
    return [ctx.values(shape), np.asarray(begin, np.int32), np.asarray(size, np.int32)], {}


def np_slice(x, begin, size):
    return x[tuple(slice(b, None if n == -1 else b + n) for b, n in zip(begin, size))]


def invert_permutation_draw(ctx):
    n = ctx.draw(st.integers(0, 6))
    perm = ctx.draw(st.permutations(range(n)))
    return [np.asarray(perm, ctx.dtype)], {}


def reshape_draw(ctx):
    shape = ctx.shape(max_dims=4)
    n = int(np.prod(shape))
    targets = [[n], list(reversed(shape)), [1, *shape, 1]]
    if n:
        d = ctx.draw(st.sampled_from([k for k in range(1, n + 1) if n % k == 0]))
        targets += [[-1], [d, -1], [-1, d], [d, n // d]]
    if n == 1:
        targets.append([])
    return [ctx.values(shape)], {"shape": ctx.draw(st.sampled_from(targets))}


def pieces_draw(ctx, count, min_piece=0):
    """Shapes equal except along ``axis``, for concat / split."""
    base = list(ctx.shape(min_dims=1))
    axis = ctx.draw(st.integers(-len(base), len(base) - 1))
    lo = max(min_piece, 0 if ctx.mode == "forward" else 1)
    sizes = [ctx.draw(st.integers(lo, 3)) for _ in range(count)]
    return base, axis, sizes


def concat_draw(ctx):
    base, axis, sizes = pieces_draw(ctx, ctx.draw(st.integers(2, 3)))
    shapes = [tuple(s if i == axis % len(base) else d for i, d in enumerate(base)) for s in sizes]
    return [ctx.values(s) for s in shapes], {"axis": axis}


def split_draw(ctx):
    base, axis, sizes = pieces_draw(ctx, ctx.draw(st.integers(1, 3)))
    a = axis % len(base)
    if ctx.draw(st.booleans()):  # num_split: equal pieces
        k = ctx.draw(st.integers(1, 3))
        base[a] = k * sizes[0]
        spec = k
    else:  # explicit sizes, maybe one -1
        base[a] = sum(sizes)
        spec = list(sizes)
        if ctx.draw(st.booleans()):
            spec[ctx.draw(st.integers(0, len(spec) - 1))] = -1
    n = spec if isinstance(spec, int) else len(spec)
    keep = ctx.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    return [ctx.values(tuple(base))], {"spec": spec, "axis": axis, "keep": sorted(keep)}


def np_split(x, spec, axis, keep):
    if isinstance(spec, int):
        parts = np.split(x, spec, axis=axis)
    else:
        sizes = list(spec)
        if -1 in sizes:
            sizes[sizes.index(-1)] = x.shape[axis] - sum(s for s in sizes if s != -1)
        parts = np.split(x, np.cumsum(sizes)[:-1], axis=axis)
    return [parts[i] for i in keep]


def concat_grad_draw(ctx):
    arrays, kw = concat_draw(ctx)
    a, b = arrays[:2]
    return [a, b, ctx.values(np.concatenate([a, b], axis=kw["axis"]).shape)], kw


def slice_key(ctx, shape):
    """A NumPy basic index: ints, slices (any step), newaxis, maybe an ellipsis."""
    key = []
    for n in shape:
        kinds = ["slice"] + (["int"] if n > 0 else [])
        if ctx.draw(st.sampled_from(kinds)) == "int":
            key.append(ctx.draw(st.integers(-n, n - 1)))
        else:
            bound = st.one_of(st.none(), st.integers(-n - 2, n + 2))
            step = ctx.draw(st.sampled_from([None, 1, 2, 3, -1, -2]))
            key.append(slice(ctx.draw(bound), ctx.draw(bound), step))
    how = ctx.draw(st.sampled_from(["full", "truncated", "ellipsis"]))
    if how == "truncated" and key:  # trailing entries left out
        key = key[: ctx.draw(st.integers(1, len(key)))]
    if ctx.draw(st.booleans()):
        key.insert(ctx.draw(st.integers(0, len(key))), None)
    if how == "ellipsis":  # an ellipsis standing for the entries key[i:j] it replaces
        i = ctx.draw(st.integers(0, len(key)))
        key[i : ctx.draw(st.integers(i, len(key)))] = [Ellipsis]
    return tuple(key)


def strided_slice_draw(ctx):
    shape = ctx.shape(max_dims=4)
    x = ctx.values(shape)
    if not ctx.grad and shape and ctx.draw(st.booleans()):  # tf.slice(begin, size)
        begin = [ctx.draw(st.integers(0, max(n - 1, 0))) for n in shape]
        size = [
            ctx.draw(st.sampled_from([-1, max(0, n - b)])) if n else -1
            for n, b in zip(shape, begin)
        ]
        return [x], {"key": None, "begin": begin, "size": size}
    return [x], {"key": slice_key(ctx, shape), "begin": None, "size": None}


def build_strided_slice(x, key, begin, size):
    return x[key] if key is not None else tf.slice(x, begin, size)


def np_strided_slice(x, key, begin, size):
    if key is not None:
        return np.array(x[key])
    return x[tuple(slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))].copy()


def sliced_grad_draw(ctx):
    shape = ctx.shape(max_dims=3)
    key = slice_key(ctx, shape)
    x = ctx.values(shape)
    return [x, ctx.values(np.shape(x[key]))], {"key": key}


def np_strided_slice_grad(x, g, key):
    z = np.zeros_like(x)
    z[key] = g
    return z


def fill_draw(ctx):
    shape = ctx.shape()
    how = ctx.draw(st.sampled_from(["dims", "shape_of"]))
    return [ctx.values(shape), ctx.values(())], {"how": how, "dims": list(shape)}


def build_fill(x, v, how, dims):
    return tf.fill(dims if how == "dims" else tf.shape(x), v)


def cast_draw(ctx):
    if ctx.grad:  # float64 -> float32 on a grid float32 holds exactly, eps one grid step
        return [
            ctx.draw(
                hnp.arrays(F64, ctx.shape(), elements=st.integers(-256, 256).map(lambda i: i / 64))
            )
        ], {"dst": F32}
    dst = ctx.draw(st.sampled_from([d for d in ALL if d != ctx.dtype]))
    return [ctx.values(ctx.shape(), (-100.0, 100.0))], {"dst": dst}


def sum_to_draw(ctx):
    r = ctx.shape(min_dims=1)
    k = ctx.draw(st.integers(0, len(r)))
    sb = tuple(1 if ctx.draw(st.booleans()) else d for d in r[len(r) - k :])
    if sb == r:
        sb = r[1:]  # at least one broadcast dimension
    return [ctx.values(r), ctx.values(sb), ctx.values(r)], {}


def build_sum_to(a, b, g):
    return tf.gradients(tf.add(a, b), [a, b], grad_ys=g)


def np_sum_to(g, shape):
    lead = g.ndim - len(shape)
    s = np.sum(g, axis=tuple(range(lead))) if lead else g
    axes = tuple(i for i, d in enumerate(shape) if d == 1 and s.shape[i] != 1)
    return np.sum(s, axis=axes, keepdims=True).reshape(shape) if axes else s.reshape(shape)


def broadcast_to_draw(ctx):
    r = ctx.shape()
    k = ctx.draw(st.integers(0, len(r)))
    sx = tuple(1 if ctx.draw(st.booleans()) else d for d in r[len(r) - k :])
    return [ctx.values(sx)], {"shape": list(r)}


def expand_dims_draw(ctx):
    x = ctx.values(ctx.shape())
    return [x], {"axis": ctx.draw(st.integers(-x.ndim - 1, x.ndim))}


def squeeze_draw(ctx):
    shape = list(ctx.shape(max_dims=4))
    for i in range(len(shape)):
        if ctx.draw(st.booleans()):
            shape[i] = 1
    ones = [i for i, d in enumerate(shape) if d == 1]
    axis = None
    if ones and ctx.draw(st.booleans()):
        picked = ctx.draw(st.lists(st.sampled_from(ones), min_size=1, unique=True))
        axis = [ctx.draw(st.sampled_from([a, a - len(shape)])) for a in picked]
    return [ctx.values(tuple(shape))], {"axis": axis}


def np_squeeze(x, axis):
    return np.squeeze(x, axis=None if axis is None else tuple(axis))


def pad_draw(ctx):
    x = ctx.values(ctx.shape())
    paddings = [[ctx.draw(st.integers(0, 2)), ctx.draw(st.integers(0, 2))] for _ in x.shape]
    return [x], {"paddings": paddings}


def np_pad(x, paddings, value=0):
    if x.ndim == 0:
        return x.copy()  # np.pad rejects a scalar's empty paddings
    return np.pad(x, paddings, constant_values=value)


def pad_v2_draw(ctx):
    [x], kw = pad_draw(ctx)
    if x.dtype.kind == "b":
        value = True
    elif x.dtype.kind in "iu":
        value = ctx.draw(st.integers(1 if x.dtype.kind == "u" else -9, 9).filter(bool))
    else:
        value = ctx.draw(st.sampled_from([-1.5, 0.25, 7.0]))
    return [x], {**kw, "value": value}


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    # constants, placeholders and identities
    Row(
        "Const",
        tf.constant,
        lambda x: x,
        lambda ctx: ([ctx.values(ctx.shape())], {}),
        ALL,
        "none",
        feed="value",
    ),
    Row(
        "Placeholder",
        lambda x: x,
        lambda x: x,
        lambda ctx: ([ctx.values(ctx.shape())], {}),
        ALL,
        "none",
    ),
    Row("Identity", tf.identity, lambda x: x, unary(), ALL),
    Row(
        "PlaceholderWithDefault",
        lambda x: tf.placeholder_with_default(x, x.shape),
        lambda x: x,
        unary(),
        ALL,
    ),
    Row("StopGradient", tf.stop_gradient, lambda x: x, unary(), ALL, "none"),
    # shapes
    Row(
        "Shape",
        lambda x, out_type: tf.shape(x, out_type=out_type),
        lambda x, out_type: np.array(x.shape, out_type.np),
        lambda ctx: (
            [ctx.values(ctx.shape())],
            {"out_type": ctx.draw(st.sampled_from([tf.int32, tf.int64]))},
        ),
        ALL,
        "none",
    ),
    Row(
        "ReductionSize",
        tf.size,
        lambda x: np.int32(x.size),
        lambda ctx: ([ctx.values(ctx.shape())], {}),
        ALL,
        "none",
    ),
    Row(
        "Reshape",
        lambda x, shape: tf.reshape(x, shape),
        lambda x, shape: x.reshape(shape),
        reshape_draw,
        ALL,
    ),
    Row(
        "Transpose",
        lambda x, perm: tf.transpose(x, perm),
        lambda x, perm: np.transpose(x, perm),
        transpose_draw,
        ALL,
    ),
    Row(
        "InvertPermutation",
        tf.invert_permutation,
        lambda p: np.argsort(p).astype(p.dtype),
        invert_permutation_draw,
        (I32, I64),
        "none",
        feed="value",
    ),
    Row(
        "Tile",
        lambda x, multiples: tf.tile(x, multiples),
        lambda x, multiples: np.tile(x, multiples) if x.ndim else x.copy(),
        tile_draw,
        ALL,
    ),
    Row(
        "Slice",
        tf.slice,
        np_slice,
        slice_op_draw,
        ALL,
        static=False,  # the shape follows the fed begin and size
    ),
    Row(
        "ExpandDims",
        lambda x, axis: tf.expand_dims(x, axis),
        lambda x, axis: np.expand_dims(x, axis),
        expand_dims_draw,
        ALL,
    ),
    Row("Squeeze", lambda x, axis: tf.squeeze(x, axis), np_squeeze, squeeze_draw, ALL),
    # concat, split and slicing
    Row(
        "ConcatV2",
        lambda *xs, axis: tf.concat(list(xs), axis),
        lambda *xs, axis: np.concatenate(xs, axis),
        concat_draw,
        ALL,
    ),
    Row(
        "Split",
        lambda x, spec, axis, keep: [tf.split(x, spec, axis)[i] for i in keep],
        np_split,
        split_draw,
        ALL,
    ),
    Row(
        "SplitLike",
        lambda a, b, g, axis: tf.gradients(tf.concat([a, b], axis), [a, b], grad_ys=g),
        lambda a, b, g, axis: np.split(g, [a.shape[axis]], axis),
        concat_grad_draw,
    ),
    Row("StridedSlice", build_strided_slice, np_strided_slice, strided_slice_draw, ALL),
    Row(
        "StridedSliceGrad",
        lambda x, g, key: tf.gradients(x[key], x, grad_ys=g)[0],
        np_strided_slice_grad,
        sliced_grad_draw,
    ),
    Row(
        "Pad",
        lambda x, paddings: tf.pad(x, paddings),
        np_pad,
        pad_draw,
        ALL,
    ),
    Row(
        "PadV2",
        lambda x, paddings, value: tf.pad(x, paddings, constant_values=value),
        np_pad,
        pad_v2_draw,
        ALL,
    ),
    # fill, cast and broadcasting
    Row("Fill", build_fill, lambda x, v, how, dims: np.full(x.shape, v, v.dtype), fill_draw, ALL),
    Row(
        "Cast",
        lambda x, dst: tf.cast(x, tf.as_dtype(dst)),
        lambda x, dst: x.astype(dst),
        cast_draw,
        ALL,
        eps=1 / 64,
    ),
    Row("SumToShape", build_sum_to, lambda a, b, g: [g, np_sum_to(g, b.shape)], sum_to_draw),
    Row(
        "BroadcastTo",
        lambda x, shape: tf.broadcast_to(x, shape),
        lambda x, shape: np.broadcast_to(x, shape).copy(),
        broadcast_to_draw,
        ALL,
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows


# ---- beyond the table ----------------------------------------------------------------------------
def test_cast_from_integer_has_no_gradient():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.int32, [3])
        assert tf.gradients(tf.cast(x, tf.float64), x) == [None]
