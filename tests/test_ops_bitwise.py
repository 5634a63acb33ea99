"""The op table's rows for ``tf.bitwise`` and ``tf.bitcast`` (``ops/bitwise_ops.py``), on every
integer dtype: shifts follow TF's kernels (the count clamped to ``[0, bits - 1]``); none is
differentiable. TF's values on the same inputs: test_dtypes_vs_tf.py.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import Row, table_tests

import tflite_core as tf

INTS = tuple(
    np.dtype(t) for t in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
)


def ints(ctx, shape, lo=None, hi=None):
    """Integers of the row's dtype: its extremes and small values (or ``[lo, hi]``)."""
    info = np.iinfo(ctx.dtype)
    if lo is not None:
        el = st.integers(max(lo, int(info.min)), min(hi, int(info.max)))
    else:
        el = st.one_of(
            st.integers(max(-40, int(info.min)), 40),
            st.sampled_from([int(info.min), int(info.max)]),
        )
    return ctx.draw(hnp.arrays(ctx.dtype, shape, elements=el))


def binary_draw(shift=False):
    def draw(ctx):
        (sa, sb), _ = ctx.bcast()
        bits = 8 * ctx.dtype.itemsize
        b = ints(ctx, sb, -3, bits + 3) if shift else ints(ctx, sb)
        return [ints(ctx, sa), b], {}

    return draw


def shift_ref(fn):
    def ref(x, y):
        count = np.clip(y.astype(np.int64), 0, 8 * x.dtype.itemsize - 1).astype(x.dtype)
        return fn(x, count).astype(x.dtype)

    return ref


def bitcast_draw(ctx):
    dst = ctx.draw(
        st.sampled_from(
            [d for d in (*INTS, np.dtype("float32"), np.dtype("float64")) if d.itemsize <= 8]
        )
    )
    shape = list(ctx.shape(max_dims=2))
    ratio = dst.itemsize // ctx.dtype.itemsize
    if ratio > 1:  # the last dimension holds one output element's bytes
        shape.append(ratio)
    x = ints(ctx, tuple(shape)) if ctx.dtype.kind in "iu" else ctx.values(tuple(shape))
    if dst.kind == "f":  # finite floats only: their bit patterns from small integers' bytes
        x = (x.reshape(-1).view(np.uint8) % 64).astype(np.uint8).view(ctx.dtype).reshape(x.shape)
    return [x], {"type": tf.as_dtype(dst)}


def bitcast_ref(x, type):
    dst = np.dtype(type.as_numpy_dtype)
    y = x.reshape(-1).view(dst)
    if dst.itemsize > x.dtype.itemsize:
        return y.reshape(x.shape[:-1])
    if dst.itemsize < x.dtype.itemsize:
        return y.reshape((*x.shape, x.dtype.itemsize // dst.itemsize))
    return y.reshape(x.shape)


ROWS = [
    Row("BitwiseAnd", tf.bitwise.bitwise_and, np.bitwise_and, binary_draw(), INTS, grad="none"),
    Row("BitwiseOr", tf.bitwise.bitwise_or, np.bitwise_or, binary_draw(), INTS, grad="none"),
    Row("BitwiseXor", tf.bitwise.bitwise_xor, np.bitwise_xor, binary_draw(), INTS, grad="none"),
    Row(
        "LeftShift",
        tf.bitwise.left_shift,
        shift_ref(np.left_shift),
        binary_draw(shift=True),
        INTS,
        grad="none",
    ),
    Row(
        "RightShift",
        tf.bitwise.right_shift,
        shift_ref(np.right_shift),
        binary_draw(shift=True),
        INTS,
        grad="none",
    ),
    Row(
        "Invert",
        tf.bitwise.invert,
        np.invert,
        lambda ctx: ([ints(ctx, ctx.shape())], {}),
        INTS,
        grad="none",
    ),
    Row("Bitcast", tf.bitcast, bitcast_ref, bitcast_draw, INTS, grad="none"),
]

globals().update(table_tests(ROWS))
