"""Every C++ kernel against its NumPy reference (``tflite_core.reference``).

One row per kernel name: a hypothesis strategy drawing the kernel's inputs, preallocated outputs
and attributes. Both implementations run on copies of the same arrays and must agree (exactly for
integers, booleans and data movement; within a few ulps for float maths). A kernel without a row
fails ``test_every_kernel_has_a_row``. The Philox random kernels also have rows (the reference
re-implements the generator bit for bit) and, below, statistical and determinism tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tflite_core import _core
from tflite_core import reference as ref

F32, F64, I32, I64, BOOL = (np.dtype(t) for t in ("float32", "float64", "int32", "int64", "bool"))
FLOATS = [F32, F64]
INTS = [I32, I64]
NUMERIC = FLOATS + INTS
ALL = [*NUMERIC, BOOL]
SPECIALS = [np.nan, np.inf, -np.inf, 0.0, -0.0]
RANDOM = ("random_uniform", "random_normal", "truncated_normal")


@dataclass
class Case:
    """One kernel call: inputs, output templates (copied; their contents are the initial values
    for in-place kernels, NaN or a sentinel otherwise), attributes and the comparison to use."""

    inputs: list
    outputs: list
    ints: list = field(default_factory=list)
    floats: list = field(default_factory=list)
    tol: object = None  # None: by dtype; "matmul": scaled by |A| @ |B|; a dict: dtype -> tol


# ---- strategies ----------------------------------------------------------------------------------
def elements(dtype, lo=-10.0, hi=10.0, specials=False):
    if dtype.kind == "b":
        return st.booleans()
    if dtype.kind == "i":
        return st.integers(int(lo), int(hi))
    base = st.floats(lo, hi, width=8 * dtype.itemsize, allow_subnormal=False)
    return st.one_of(base, st.sampled_from(SPECIALS)) if specials else base


def arrays(draw, dtype, shape, lo=-10.0, hi=10.0, specials=False):
    return draw(hnp.arrays(dtype, shape, elements=elements(dtype, lo, hi, specials)))


def shapes(min_dims=0, max_dims=4, min_side=0, max_side=4):
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def blank(shape, dtype):
    """An output buffer full of a value the kernel must overwrite."""
    fill = {"f": np.nan, "i": -12345 if dtype.itemsize > 1 else -77, "b": True}[dtype.kind]
    return np.full(shape, fill, dtype)


@st.composite
def binary_case(draw, dtypes, lo=-1000.0, hi=1000.0, specials=True, lo_b=None, hi_b=None):
    dt = draw(st.sampled_from(dtypes))
    bs = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4))
    a = arrays(draw, dt, bs.input_shapes[0], lo, hi, specials)
    b = arrays(
        draw,
        dt,
        bs.input_shapes[1],
        lo if lo_b is None else lo_b,
        hi if hi_b is None else hi_b,
        specials,
    )
    return Case([a, b], [blank(bs.result_shape, dt)])


@st.composite
def division_case(draw):
    """Integer division: any dividend (the extremes included), divisors without 0."""
    dt = draw(st.sampled_from(INTS))
    info = np.iinfo(dt)
    bs = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4))
    near = st.one_of(st.integers(-50, 50), st.sampled_from([info.min, info.min + 1, info.max]))
    a = draw(hnp.arrays(dt, bs.input_shapes[0], elements=near))
    b = draw(hnp.arrays(dt, bs.input_shapes[1], elements=near.filter(lambda v: v != 0)))
    return Case([a, b], [blank(bs.result_shape, dt)])


@st.composite
def compare_case(draw):
    dt = draw(st.sampled_from(ALL))
    bs = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4))
    if dt.kind == "f":  # small integers so that ties happen, plus NaN and infinities
        el = st.one_of(st.integers(-3, 3).map(float), st.sampled_from(SPECIALS))
    else:
        el = elements(dt, -3, 3)
    a = draw(hnp.arrays(dt, bs.input_shapes[0], elements=el))
    b = draw(hnp.arrays(dt, bs.input_shapes[1], elements=el))
    return Case([a, b], [blank(bs.result_shape, BOOL)])


@st.composite
def unary_case(draw, dtypes, lo=-20.0, hi=20.0):
    dt = draw(st.sampled_from(dtypes))
    x = arrays(draw, dt, draw(shapes()), lo, hi, specials=True)
    return Case([x], [blank(x.shape, dt)])


@st.composite
def cast_case(draw):
    src, dst = draw(st.sampled_from(ALL)), draw(st.sampled_from(ALL))
    # float -> int of NaN, infinities or out-of-range values gives the lowest value on both sides
    x = arrays(draw, src, draw(shapes()), -1000, 1000, specials=True)
    return Case([x], [blank(x.shape, dst)])


@st.composite
def copy_case(draw):
    dt = draw(st.sampled_from(ALL))
    x = arrays(draw, dt, draw(shapes()))
    out_shape = draw(st.sampled_from([x.shape, (x.size,), (1, x.size)]))
    return Case([x], [blank(out_shape, dt)])


@st.composite
def identity_n_case(draw):
    xs = [
        arrays(draw, draw(st.sampled_from(ALL)), draw(shapes()))
        for _ in range(draw(st.integers(0, 3)))
    ]
    return Case(xs, [blank(x.shape, x.dtype) for x in xs])


@st.composite
def assert_case(draw):
    cond = np.array(True).reshape(draw(st.sampled_from([(), (1,)])))
    data = [
        arrays(draw, draw(st.sampled_from(ALL)), draw(shapes()))
        for _ in range(draw(st.integers(0, 2)))
    ]
    return Case([cond, *data], [])


@st.composite
def check_numerics_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    x = arrays(draw, dt, draw(shapes()))
    return Case([x], [blank(x.shape, dt)])


@st.composite
def fill_case(draw):
    dt = draw(st.sampled_from(ALL))
    v = arrays(draw, dt, draw(st.sampled_from([(), (1,)])), specials=dt.kind == "f")
    return Case([v], [blank(draw(shapes()), dt)])


@st.composite
def add_n_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    shape = draw(shapes())
    xs = [
        arrays(draw, dt, shape, -1000, 1000, specials=True) for _ in range(draw(st.integers(1, 4)))
    ]
    return Case(xs, [blank(shape, dt)])


@st.composite
def broadcast_to_case(draw):
    dt = draw(st.sampled_from(ALL))
    out_shape = draw(shapes())
    k = draw(st.integers(0, len(out_shape)))
    in_shape = tuple(1 if draw(st.booleans()) else d for d in out_shape[len(out_shape) - k :])
    x = arrays(draw, dt, in_shape, specials=dt.kind == "f")
    return Case([x], [blank(out_shape, dt)])


def _drop_reduced(shape, mask, keep):
    return (
        tuple(1 if m else d for d, m in zip(shape, mask))
        if keep
        else tuple(d for d, m in zip(shape, mask) if not m)
    )


@st.composite
def reduce_case(draw, kind):
    dt = draw(st.sampled_from(NUMERIC))
    if kind == "prod":
        x = arrays(draw, dt, draw(shapes(max_side=3)), -2, 2, specials=True)
    else:  # empty axes too: max/min give their identities (-inf/lowest, +inf/highest), as TF
        x = arrays(draw, dt, draw(shapes()), -1000, 1000, specials=True)
    mask = [int(draw(st.booleans())) for _ in x.shape]
    out = blank(_drop_reduced(x.shape, mask, draw(st.booleans())), dt)
    return Case([x], [out], mask)


@st.composite
def arg_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    shape = draw(shapes(min_dims=1, min_side=1))
    el = (
        st.one_of(st.integers(-3, 3).map(float), st.sampled_from([np.nan, np.inf, -np.inf]))
        if dt.kind == "f"
        else elements(dt, -3, 3)
    )
    x = draw(hnp.arrays(dt, shape, elements=el))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    out_shape = shape[: axis % len(shape)] + shape[axis % len(shape) + 1 :]
    return Case([x], [blank(out_shape, I64)], [axis])


@st.composite
def prod_grad_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    x = draw(
        hnp.arrays(
            dt, draw(shapes(max_side=3)), elements=st.one_of(st.just(0.0), elements(dt, -2, 2))
        )
    )
    mask = [int(draw(st.booleans())) for _ in x.shape]
    dy = arrays(draw, dt, _drop_reduced(x.shape, mask, draw(st.booleans())))
    return Case([x, dy], [blank(x.shape, dt)], mask)


@st.composite
def matmul_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    dim = st.one_of(st.integers(0, 6), st.sampled_from([24, 33]))  # big ones reach the BLAS path
    m, k, n = draw(dim), draw(dim), draw(dim)
    ta, tb = draw(st.booleans()), draw(st.booleans())
    a = arrays(draw, dt, (k, m) if ta else (m, k), -100, 100)
    b = arrays(draw, dt, (n, k) if tb else (k, n), -100, 100)
    return Case([a, b], [blank((m, n), dt)], [int(ta), int(tb)], tol="matmul")


@st.composite
def batch_matmul_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    dim = st.one_of(st.integers(0, 5), st.sampled_from([24, 33]))
    m, k, n = draw(dim), draw(dim), draw(dim)
    batch = draw(st.lists(st.integers(0, 3), min_size=0, max_size=2))
    ba = [d if draw(st.booleans()) else 1 for d in batch]
    bb = [d if draw(st.booleans()) else 1 for d in batch]
    ta, tb = draw(st.booleans()), draw(st.booleans())
    a = arrays(draw, dt, (*ba, k, m) if ta else (*ba, m, k), -100, 100)
    b = arrays(draw, dt, (*bb, n, k) if tb else (*bb, k, n), -100, 100)
    out = (*np.broadcast_shapes(tuple(ba), tuple(bb)), m, n)
    return Case([a, b], [blank(out, dt)], [int(ta), int(tb)], tol="matmul")


@st.composite
def matmul_apply_gd_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    dim = st.one_of(st.integers(0, 6), st.sampled_from([24, 33]))
    m, k, n = draw(dim), draw(dim), draw(dim)
    ta, tb = draw(st.booleans()), draw(st.booleans())
    a = arrays(draw, dt, (k, m) if ta else (m, k), -100, 100)
    b = arrays(draw, dt, (n, k) if tb else (k, n), -100, 100)
    alpha = np.array(draw(st.floats(-2, 2, width=8 * dt.itemsize)), dt)
    var = arrays(draw, dt, (m, n), -100, 100)  # updated in place
    return Case([a, b, alpha], [var], [int(ta), int(tb)], tol="matmul")


@st.composite
def loop_product_sum_case(draw):
    """Stacks P [T, k, m] and Q [T, k, n]; T * k = 0 gives zeros."""
    dt = draw(st.sampled_from(FLOATS))
    t, k = draw(st.integers(0, 4)), draw(st.one_of(st.integers(0, 5), st.just(33)))
    m, n = draw(st.one_of(st.integers(0, 6), st.just(24))), draw(st.integers(0, 40))
    p = arrays(draw, dt, (t, k, m), -100, 100)
    q = arrays(draw, dt, (t, k, n), -100, 100)
    return Case([p, q], [blank((m, n), dt)], tol="matmul")


# fused_elementwise codes whose float32 results NumPy rounds as the kernel does (one IEEE
# operation, or two in a fixed order); the others (pow and the transcendental ones: their ulps
# differ between libm and NumPy) come last in a program, where no later instruction amplifies
# their difference beyond SPECIAL_FN_TOL.
FUSED_EXACT = [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 18, 23, 24, 25, 26, 27]
FUSED_LAST = [6, 19, 20, 21, 22]


@st.composite
def fused_elementwise_case(draw):
    """A program of 1-6 instructions over 1-3 float32 inputs: each of the output's shape, one
    value, or the output's trailing dimensions."""
    out_shape = draw(shapes(max_dims=3))
    inputs = []
    for _ in range(draw(st.integers(1, 3))):
        k = draw(st.integers(0, len(out_shape)))
        shape = draw(st.sampled_from([out_shape, (), out_shape[k:]]))
        inputs.append(arrays(draw, F32, shape, -4, 4, specials=True))
    nin, n = len(inputs), draw(st.integers(1, 6))
    ints = [n]
    for i in range(n):
        codes = FUSED_EXACT + (FUSED_LAST if i == n - 1 else [])
        code = draw(st.sampled_from(codes))
        a, b = (draw(st.integers(0, nin + i - 1)) for _ in range(2))
        ints += [code, nin + i, a, b if code < 16 else 0]
    return Case(inputs, [blank(out_shape, F32)], ints, tol=SPECIAL_FN_TOL)


@st.composite
def softmax_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    x = arrays(draw, dt, draw(shapes(min_dims=1)), -50, 50, specials=True)
    return Case([x], [blank(x.shape, dt)])


@st.composite
def xent_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    shape = draw(shapes(min_dims=2, max_dims=2, max_side=5))
    logits = arrays(draw, dt, shape, -50, 50, specials=True)
    labels = arrays(draw, dt, shape, 0, 1)
    loss_shape = draw(st.sampled_from([(shape[0],), (shape[0], 1)]))
    return Case([logits, labels], [blank(loss_shape, dt), blank(shape, dt)])


@st.composite
def batch_norm_case(draw, grad=False):
    """fused_batch_norm(_grad): x of rank 2-5, channels last or second, training or not."""
    dt = draw(st.sampled_from(FLOATS))
    x = arrays(draw, dt, draw(shapes(min_dims=2, max_dims=5)), -5, 5)
    last, training = draw(st.booleans()), draw(st.booleans())
    c = x.shape[-1 if last else 1]
    scale, offset, mean = (arrays(draw, dt, (c,), -2, 2) for _ in range(3))
    var = arrays(draw, dt, (c,), 0.125, 3)
    if grad:
        dy = arrays(draw, dt, x.shape, -2, 2)
        outs = [blank(x.shape, dt), blank((c,), dt), blank((c,), dt), blank((0,), dt)]
        return Case([dy, x, scale, mean, var], [*outs, blank((0,), dt)], [training, last], [1e-3])
    factor = draw(st.sampled_from([1.0, 0.25]))
    outs = [blank(x.shape, dt), *(blank((c,), dt) for _ in range(4)), blank((0,), dt)]
    return Case([x, scale, offset, mean, var], outs, [training, last], [1e-3, factor])


@st.composite
def transpose_case(draw):
    dt = draw(st.sampled_from(ALL))
    x = arrays(draw, dt, draw(shapes()))
    perm = draw(st.permutations(range(x.ndim)))
    return Case([x], [blank(tuple(x.shape[p] for p in perm), dt)], list(perm))


@st.composite
def tile_case(draw):
    dt = draw(st.sampled_from(ALL))
    x = arrays(draw, dt, draw(shapes()))
    m = draw(st.lists(st.integers(0, 3), min_size=x.ndim, max_size=x.ndim))
    return Case([x], [blank(tuple(k * n for k, n in zip(m, x.shape)), dt)], m)


@st.composite
def invert_permutation_case(draw):
    dt = draw(st.sampled_from([I32, I64]))
    perm = np.asarray(draw(st.permutations(range(draw(st.integers(0, 8))))), dt)
    return Case([perm], [blank(perm.shape, dt)], [])


@st.composite
def slice_geometry(draw, shape):
    """begin, strides, sizes per dim (in bounds), and an output shape holding prod(sizes)."""
    begin, strides, sizes = [], [], []
    for d in shape:
        s = draw(st.integers(-3, 3).filter(bool))
        if d == 0:
            b, n = 0, 0
        else:
            b = draw(st.integers(0, d - 1))
            room = b // -s if s < 0 else (d - 1 - b) // s
            n = draw(st.integers(0, room + 1))
        begin.append(b), strides.append(s), sizes.append(n)
    out_shape = [n for n in sizes if n != 1 or draw(st.booleans())]  # shrunk dims may go
    if draw(st.booleans()):
        out_shape.insert(draw(st.integers(0, len(out_shape))), 1)  # or a new axis may appear
    return begin + strides + sizes, sizes, tuple(out_shape)


@st.composite
def strided_slice_case(draw):
    """A strided slice, or Slice's form: unit strides, its begin an int input read when it runs
    (the attributes' begin then zeros, as the compiler writes them)."""
    dt = draw(st.sampled_from(ALL))
    x = arrays(draw, dt, draw(shapes()))
    if draw(st.booleans()):
        ints, _, out_shape = draw(slice_geometry(x.shape))
        return Case([x], [blank(out_shape, dt)], ints)
    nd = x.ndim
    begin = [draw(st.integers(0, d)) for d in x.shape]
    sizes = [draw(st.integers(0, d - b)) for d, b in zip(x.shape, begin)]
    bt = np.array(begin, draw(st.sampled_from([np.int32, np.int64])))
    return Case([x, bt], [blank(tuple(sizes), dt)], [0] * nd + [1] * nd + sizes)


@st.composite
def strided_slice_grad_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    dx_shape = draw(shapes())
    ints, _, dy_shape = draw(slice_geometry(dx_shape))
    return Case([arrays(draw, dt, dy_shape)], [blank(dx_shape, dt)], ints)


@st.composite
def concat_split_pieces(draw):
    dt = draw(st.sampled_from(ALL))
    shape = list(draw(shapes(min_dims=1)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    a = axis % len(shape)
    pieces = []
    for _ in range(draw(st.integers(1, 4))):
        s = list(shape)
        s[a] = draw(st.integers(0, 3))
        pieces.append(arrays(draw, dt, tuple(s)))
    return dt, axis, pieces


@st.composite
def concat_case(draw):
    dt, axis, pieces = draw(concat_split_pieces())
    whole = np.concatenate(pieces, axis=axis)
    return Case(pieces, [blank(whole.shape, dt)], [axis])


@st.composite
def split_case(draw):
    dt, axis, pieces = draw(concat_split_pieces())
    whole = np.concatenate(pieces, axis=axis)
    return Case([whole], [blank(p.shape, dt) for p in pieces], [axis])


@st.composite
def random_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    counter = np.array([draw(st.integers(0, 2**40))], np.int64)
    seeds = [draw(st.integers(-(2**63), 2**63 - 1)), draw(st.integers(-(2**63), 2**63 - 1))]
    return Case([counter], [blank(draw(shapes(max_side=6)), dt)], seeds)


@st.composite
def assign_case(draw, dtypes):
    dt = draw(st.sampled_from(dtypes))
    shape = draw(shapes())
    var = arrays(draw, dt, shape, -1000, 1000)
    return Case([arrays(draw, dt, shape, -1000, 1000)], [var])


@st.composite
def apply_gd_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    shape = draw(shapes())
    alpha = arrays(draw, dt, draw(st.sampled_from([(), (1,)])), 0, 1)
    return Case([alpha, arrays(draw, dt, shape)], [arrays(draw, dt, shape)])


@st.composite
def select_case(draw):
    dt = draw(st.sampled_from(ALL))
    bs = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=4))
    c = draw(hnp.arrays(BOOL, bs.input_shapes[0]))
    x = (
        arrays(draw, dt, bs.input_shapes[1])
        if dt != BOOL
        else draw(hnp.arrays(BOOL, bs.input_shapes[1]))
    )
    y = (
        arrays(draw, dt, bs.input_shapes[2])
        if dt != BOOL
        else draw(hnp.arrays(BOOL, bs.input_shapes[2]))
    )
    return Case([c, x, y], [blank(bs.result_shape, dt)])


def index_array(draw, shape, limit, dtype=None):
    dt = dtype or draw(st.sampled_from(INTS))
    return draw(hnp.arrays(dt, shape, elements=st.integers(0, limit - 1)))


@st.composite
def gather_case(draw):
    dt = draw(st.sampled_from(ALL))
    shape = draw(shapes(min_dims=1, min_side=1))
    params = draw(hnp.arrays(dt, shape)) if dt == BOOL else arrays(draw, dt, shape)
    axis = draw(st.integers(0, len(shape) - 1))
    ids = index_array(draw, draw(shapes(max_dims=2)), shape[axis])
    out_shape = shape[:axis] + ids.shape + shape[axis + 1 :]
    return Case([params, ids], [blank(out_shape, dt)], [axis])


@st.composite
def segment_sum_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    ids_shape = draw(shapes(max_dims=2))
    inner = draw(shapes(max_dims=2))
    nseg = draw(st.integers(1, 5))
    ids = index_array(draw, ids_shape, nseg)
    if draw(st.booleans()):  # some negative ids: their rows are dropped, as TF
        ids = np.where(draw(hnp.arrays(np.bool_, ids_shape)), ids.dtype.type(-1), ids)
    data = arrays(draw, dt, ids_shape + inner, -100, 100)
    return Case([data, ids], [blank((nseg, *inner), dt)])


@st.composite
def pad_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    x = arrays(draw, dt, draw(shapes()))
    pads = [draw(st.integers(0, 2)) for _ in range(2 * x.ndim)]
    out = tuple(d + pads[2 * i] + pads[2 * i + 1] for i, d in enumerate(x.shape))
    return Case([x], [blank(out, dt)], pads, [float(draw(st.integers(-3, 3)))])


@st.composite
def range_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    start, delta = draw(st.integers(-10, 10)), draw(st.sampled_from([-3, -1, 1, 2, 5]))
    limit = start + (1 if delta > 0 else -1) * draw(st.integers(0, 15))
    n = -(-(limit - start) // delta)
    vals = [np.array(v, dt) for v in (start, limit, delta)]
    return Case(vals, [blank((n,), dt)])


@st.composite
def sparse_xent_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    n, c = draw(st.integers(0, 5)), draw(st.integers(1, 6))
    logits = arrays(draw, dt, (n, c), -20, 20)
    labels = index_array(draw, (n,), c)
    return Case([logits, labels], [blank((n,), dt), blank((n, c), dt)])


@st.composite
def top_k_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    shape = draw(shapes(min_dims=1))
    x = draw(hnp.arrays(dt, shape, elements=st.integers(-3, 3)))  # many ties
    k = draw(st.integers(0, shape[-1]))
    out = (*shape[:-1], k)
    return Case([x], [blank(out, dt), blank(out, I32)], [k, 1])


@st.composite
def in_top_k_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    b, c = draw(st.integers(0, 5)), draw(st.integers(1, 6))
    pred = draw(hnp.arrays(dt, (b, c), elements=st.sampled_from([-1.0, 0.0, 0.5, 2.0, np.nan])))
    targets = draw(hnp.arrays(draw(st.sampled_from(INTS)), (b,), elements=st.integers(-1, c)))
    return Case([pred, targets], [blank((b,), BOOL)], [draw(st.integers(0, c))])


@st.composite
def optimizer_case(draw, n_hyper, n_slots, hyper=(0.01, 0.99)):
    dt = draw(st.sampled_from(FLOATS))
    shape = draw(shapes())
    scalars = [np.array(draw(st.floats(*hyper)), dt) for _ in range(n_hyper)]
    grad = arrays(draw, dt, shape, -2, 2)
    slots = [arrays(draw, dt, shape, 0.125, 2) for _ in range(n_slots)]
    return Case([*scalars, grad], [arrays(draw, dt, shape), *slots], [draw(st.integers(0, 1))])


@st.composite
def momentum_case(draw):
    c = draw(optimizer_case(2, 1))
    lr, mom, grad = c.inputs
    return Case([lr, grad, mom], c.outputs, c.ints)


@st.composite
def conv_case(draw, depthwise, pass_):
    """A convolution with explicit paddings (the kernels' contract; any paddings >= 0)."""
    dt = draw(st.sampled_from(FLOATS))
    n, c = draw(st.integers(0, 3)), draw(st.integers(0, 4))
    h, w = draw(st.integers(0, 7)), draw(st.integers(0, 7))
    kh, kw, o = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(0, 4))
    ints = [draw(st.integers(1, 3)) for _ in range(2)] + [draw(st.integers(1, 2)) for _ in range(2)]
    ints += [draw(st.integers(0, 3)) for _ in range(4)]
    sh, sw, dh, dw, pt, pb, pl, pr = ints
    oh, ow = ref._out_len(h, kh, sh, dh, pt, pb), ref._out_len(w, kw, sw, dw, pl, pr)
    x, f = (n, h, w, c), (kh, kw, c, o)
    y = (n, oh, ow, c * o if depthwise else o)
    a, b, out = {"fwd": (x, f, y), "input": (f, y, x), "filter": (x, y, f)}[pass_]
    return Case([arrays(draw, dt, a), arrays(draw, dt, b)], [blank(out, dt)], ints, tol="conv")


@st.composite
def conv_bias_act_case(draw, depthwise):
    """A fused convolution step: conv_case's forward, a bias and an activation (0-2)."""
    c = draw(conv_case(depthwise, "fwd"))
    out = c.outputs[0]
    bias = arrays(draw, out.dtype, out.shape[3:])
    act = draw(st.integers(0, 2))
    filter_id = _core.new_constant_id() if draw(st.booleans()) else 0  # a fresh one or none
    return Case([*c.inputs, bias], c.outputs, [*c.ints, act, filter_id], tol="conv")


@st.composite
def pool_case(draw, kind):
    """A pooling (window, strides, paddings below the window); maxima on a grid (ties)."""
    dt = draw(st.sampled_from(FLOATS))
    n, c = draw(st.integers(0, 3)), draw(st.integers(0, 4))
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    ints = [kh, kw, draw(st.integers(1, 3)), draw(st.integers(1, 3))]
    ints += [draw(st.integers(0, kh - 1)) for _ in range(2)]
    ints += [draw(st.integers(0, kw - 1)) for _ in range(2)]
    oh = ref._out_len(h, kh, ints[2], 1, ints[4], ints[5])
    ow = ref._out_len(w, kw, ints[3], 1, ints[6], ints[7])
    xs, ys = (n, h, w, c), (n, oh, ow, c)
    x = draw(hnp.arrays(dt, xs, elements=st.integers(-3, 3).map(float)))
    y = blank(ys, dt)
    if kind in ("max_pool_grad", "max_pool_grad_grad"):
        ref.run_kernel("max_pool", [x], [y], ints)
    if kind in ("max_pool", "avg_pool"):
        return Case([x], [y], ints)
    if kind == "max_pool_grad":
        return Case([x, y, arrays(draw, dt, ys)], [blank(xs, dt)], ints)
    if kind == "max_pool_grad_grad":
        return Case([x, y, arrays(draw, dt, xs)], [blank(ys, dt)], ints)
    return Case([arrays(draw, dt, ys)], [blank(xs, dt)], ints)  # avg_pool_grad


@st.composite
def lstm_case(draw, kind):
    dt = draw(st.sampled_from(FLOATS))
    b, h = draw(st.integers(0, 4)), draw(st.integers(0, 5))
    gates = arrays(draw, dt, (b, 4 * h), -6, 6)
    c_prev = arrays(draw, dt, (b, h), -3, 3)
    fb = draw(st.sampled_from([0.0, 1.0, -0.5]))
    outs = [blank((b, h), dt), blank((b, h), dt), blank((b, 4 * h), dt), blank((b, h), dt)]
    if kind == "lstm_step":
        return Case([gates, c_prev], outs, [], [fb])
    ref.run_kernel("lstm_step", [gates, c_prev], outs, [], [fb])  # a consistent act, tanh_c
    d_c, d_h = arrays(draw, dt, (b, h), -2, 2), arrays(draw, dt, (b, h), -2, 2)
    return Case([outs[2], c_prev, outs[3], d_c, d_h], [blank((b, 4 * h), dt), blank((b, h), dt)])


# Sums of up to T*B + 4H products (values below ~3) in another order: a few ulps of the terms.
SEQ_TOL = {F32: {"rtol": 2e-5, "atol": 2e-5}, F64: {"rtol": 1e-12, "atol": 1e-13}}


@st.composite
def lstm_seq_case(draw, kind):
    dt = draw(st.sampled_from(FLOATS))
    t, b, d, h = (draw(st.integers(0, 3)) for _ in range(4))
    if kind == "lstm_seq" and draw(st.booleans()):  # float32: the packed panels' path
        b, h = draw(st.integers(1, 13)), draw(st.sampled_from([16, 32]))
    x = arrays(draw, dt, (t, b, d), -2, 2)
    c0, h0 = arrays(draw, dt, (b, h), -2, 2), arrays(draw, dt, (b, h), -1, 1)
    w = arrays(draw, dt, (d + h, 4 * h), -1, 1)
    bias = arrays(draw, dt, (4 * h,), -1, 1)
    fb = draw(st.sampled_from([0.0, 1.0, -0.5]))
    outs = [blank((t, b, k * h), dt) for k in (1, 1, 4, 1)] + [blank((4 * h * h,), dt)]
    if kind == "lstm_seq":
        return Case([x, c0, h0, w, bias], outs, [], [fb], SEQ_TOL)
    ref.run_kernel("lstm_seq", [x, c0, h0, w, bias], outs, [], [fb])  # consistent c, h, act
    outs = outs[:4]
    grads = [arrays(draw, dt, (t, b, h), -2, 2) for _ in range(2)]
    if draw(st.booleans()):
        grads.append(arrays(draw, dt, (t, b, 4 * h), -1, 1))
    shapes = [(t, b, d), (b, h), (b, h), (d + h, 4 * h), (4 * h,), (t, b, 4 * h), (t, b, d + h)]
    return Case([x, c0, h0, w, *outs, *grads], [blank(s, dt) for s in shapes], [], [], SEQ_TOL)


# ---- math_extra.cc -------------------------------------------------------------------------------
# libm's float32 functions and Python's math module (erf, lgamma) differ by a few ulps; lgamma near
# its roots and the summed series (digamma, zeta, polygamma) lose relative precision.
SPECIAL_FN_TOL = {F32: {"rtol": 1e-5, "atol": 1e-6}, F64: {"rtol": 1e-10, "atol": 1e-12}}
MATH_UNARY = [
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "asinh",
    "acosh",
    "atanh",
    "ceil",
    "rint",
    "expm1",
    "log1p",
    "rsqrt",
    "erf",
    "erfc",
    "lgamma",
    "digamma",
    "ndtri",
    "erfinv",
    "bessel_i0",
    "bessel_i0e",
    "bessel_i1",
    "bessel_i1e",
    "softsign",
]


def with_tol(strategy, tol):
    return strategy.map(lambda c: Case(c.inputs, c.outputs, c.ints, c.floats, tol))


@st.composite
def classify_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    x = arrays(draw, dt, draw(shapes()), -10, 10, specials=True)
    return Case([x], [blank(x.shape, BOOL)])


@st.composite
def logical_case(draw, n):
    if n == 1:
        x = arrays(draw, BOOL, draw(shapes()))
        return Case([x], [blank(x.shape, BOOL)])
    bs = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4))
    a, b = (arrays(draw, BOOL, s) for s in bs.input_shapes)
    return Case([a, b], [blank(bs.result_shape, BOOL)])


@st.composite
def zeta_case(draw, kind):
    dt = draw(st.sampled_from(FLOATS))
    bs = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    if kind == "zeta":
        a = arrays(draw, dt, bs.input_shapes[0], 1.5, 6)
        b = arrays(draw, dt, bs.input_shapes[1], 0.5, 10)
    elif kind == "igamma":  # a > 0, x >= 0, and both sides of x = a + 1; and the specials
        a = arrays(draw, dt, bs.input_shapes[0], -0.5, 20, specials=True)
        b = arrays(draw, dt, bs.input_shapes[1], -0.5, 30, specials=True)
    else:
        a = draw(hnp.arrays(dt, bs.input_shapes[0], elements=st.integers(0, 3).map(float)))
        b = arrays(draw, dt, bs.input_shapes[1], 0.25, 10)
    return Case([a, b], [blank(bs.result_shape, dt)], tol=SPECIAL_FN_TOL)


@st.composite
def cumulative_case(draw, prod):
    dt = draw(st.sampled_from(FLOATS if prod == "lse" else NUMERIC))
    lo, hi = (-2, 2) if prod is True else (-100, 100)
    x = arrays(draw, dt, draw(shapes(min_dims=1)), lo, hi, specials=prod == "lse")
    axis = draw(st.integers(-x.ndim, x.ndim - 1))
    ints = [axis, int(draw(st.booleans())), int(draw(st.booleans()))]
    return Case([x], [blank(x.shape, dt)], ints)


@st.composite
def segment_case(draw, kind):
    dt = draw(st.sampled_from(NUMERIC))
    ids_shape = draw(shapes(max_dims=2))
    inner = draw(shapes(max_dims=2))
    nseg = draw(st.integers(1, 5))
    ids = index_array(draw, ids_shape, nseg)
    lo, hi = (-3, 3) if kind == "prod" else (-100, 100)
    data = arrays(draw, dt, ids_shape + inner, lo, hi, specials=kind != "prod")
    return Case([data, ids], [blank((nseg, *inner), dt)])


@st.composite
def betainc_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    shape = draw(shapes(max_dims=3))
    a, b = (arrays(draw, dt, shape, -0.5, 20) for _ in range(2))
    x = arrays(draw, dt, shape, -0.125, 1.125)
    return Case([a, b, x], [blank(shape, dt)], tol=SPECIAL_FN_TOL)


MATH_ROWS = {
    **{k: with_tol(unary_case(FLOATS), SPECIAL_FN_TOL) for k in MATH_UNARY},
    **{k: classify_case() for k in ("is_finite", "is_inf", "is_nan")},
    "logical_not": logical_case(1),
    "logical_and": logical_case(2),
    "logical_or": logical_case(2),
    **{
        k: with_tol(binary_case(FLOATS, -10, 10), SPECIAL_FN_TOL)
        for k in ("atan2", "xlogy", "xdivy", "div_no_nan", "mul_no_nan")
    },
    "zeta": zeta_case("zeta"),
    "igamma": zeta_case("igamma"),
    "igammac": zeta_case("igamma"),
    "betainc": betainc_case(),
    "polygamma": zeta_case("polygamma"),
    "squared_difference": binary_case(NUMERIC, -1000, 1000),
    "cumsum": cumulative_case(False),
    "cumprod": cumulative_case(True),
    "cumulative_logsumexp": with_tol(cumulative_case("lse"), SPECIAL_FN_TOL),
    "nextafter": binary_case(FLOATS, -10, 10),
    **{f"unsorted_segment_{k}": segment_case(k) for k in ("max", "min", "prod")},
}


# ---- the table: one row per kernel name ----------------------------------------------------------
INTEGERS = [np.dtype(t) for t in ("int8", "int16", "int32", "int64")] + [
    np.dtype(t) for t in ("uint8", "uint16", "uint32", "uint64")
]


def sentinel(shape, dtype):
    """An output buffer full of a value the kernel must overwrite (any dtype)."""
    fill = {"f": np.nan, "c": np.nan, "i": -7, "u": 7, "b": True}[dtype.kind]
    return np.full(shape, fill, dtype)


@st.composite
def bitwise_case(draw, kind):
    """Integers of every width, the extremes included; shift counts past the width too."""
    dt = draw(st.sampled_from(INTEGERS))
    info = np.iinfo(dt)
    near = st.one_of(
        st.integers(-50, 50).filter(lambda v: v >= info.min), st.sampled_from([info.min, info.max])
    )
    if kind == "unary":
        x = draw(hnp.arrays(dt, draw(shapes()), elements=near))
        return Case([x], [sentinel(x.shape, dt)])
    bs = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4))
    a = draw(hnp.arrays(dt, bs.input_shapes[0], elements=near))
    bits = 8 * dt.itemsize
    counts = st.integers(max(int(info.min), -3), bits + 3) if kind == "shift" else near
    b = draw(hnp.arrays(dt, bs.input_shapes[1], elements=counts))
    return Case([a, b], [sentinel(bs.result_shape, dt)])


@st.composite
def bitcast_case(draw):
    src = draw(st.sampled_from([*INTEGERS, F32, F64, np.dtype("float16"), np.dtype("complex64")]))
    dst = draw(st.sampled_from([*INTEGERS, np.dtype("complex128")]))  # compared exactly
    n = draw(st.integers(0, 4)) * 16  # bytes, a multiple of every element size
    raw = draw(hnp.arrays(np.uint8, (n,)))
    x = raw.view(src).copy()
    if src.kind in "fc":  # NaN payloads compare unequal in NumPy: only finite values
        x = np.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0)
    return Case([x], [sentinel((n // dst.itemsize,), dst)])


@st.composite
def complex_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    bs = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4))
    a, b = (arrays(draw, dt, s, -100, 100, specials=True) for s in bs.input_shapes)
    out = np.dtype(np.complex64 if dt == F32 else np.complex128)
    return Case([a, b], [sentinel(bs.result_shape, out)])


@st.composite
def complex_part_case(draw, to_real):
    dt = draw(st.sampled_from([np.dtype(np.complex64), np.dtype(np.complex128)]))
    shape = draw(shapes())
    re, im = (arrays(draw, np.dtype(dt.char.lower()), shape, -100, 100) for _ in range(2))
    x = np.empty(shape, dt)
    x.real, x.imag = re, im
    out = np.dtype(dt.char.lower()) if to_real else dt
    return Case([x], [sentinel(shape, out)])


ROWS = {
    "add": binary_case(NUMERIC),
    "sub": binary_case(NUMERIC),
    "mul": binary_case(NUMERIC),
    "div": binary_case(FLOATS),
    "maximum": binary_case(NUMERIC),
    "minimum": binary_case(NUMERIC),
    "pow": st.one_of(binary_case(FLOATS, -4, 4), binary_case(INTS, -6, 6, lo_b=0, hi_b=6)),
    "relu_grad": binary_case(NUMERIC),
    "sigmoid_grad": binary_case(FLOATS, -2, 2),
    "tanh_grad": binary_case(FLOATS, -2, 2),
    **{
        k: st.one_of(binary_case(FLOATS), division_case())
        for k in ("floor_div", "floor_mod", "truncate_div", "truncate_mod")
    },
    **{
        k: compare_case()
        for k in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal")
    },
    **{k: unary_case(NUMERIC, -1000, 1000) for k in ("neg", "abs", "relu", "square", "sign")},
    **{
        k: unary_case(FLOATS)
        for k in ("sigmoid", "tanh", "exp", "log", "sqrt", "reciprocal", "floor")
    },
    "cast": cast_case(),
    "copy": copy_case(),
    "identity_n": identity_n_case(),
    "assert": assert_case(),
    "check_numerics": check_numerics_case(),
    "fill": fill_case(),
    "add_n": add_n_case(),
    "broadcast_to": broadcast_to_case(),
    **{f"reduce_{k}": reduce_case(k) for k in ("sum", "mean", "max", "min", "prod")},
    "argmax": arg_case(),
    "argmin": arg_case(),
    "reduce_prod_grad": prod_grad_case(),
    "matmul": matmul_case(),
    "matmul_apply_gd": matmul_apply_gd_case(),
    "loop_product_sum": loop_product_sum_case(),
    "fused_elementwise": fused_elementwise_case(),
    "softmax": softmax_case(),
    "log_softmax": softmax_case(),
    "softmax_xent": xent_case(),
    "fused_batch_norm": batch_norm_case(),
    "fused_batch_norm_grad": batch_norm_case(grad=True),
    "transpose": transpose_case(),
    "batch_matmul": batch_matmul_case(),
    "tile": tile_case(),
    "invert_permutation": invert_permutation_case(),
    "strided_slice": strided_slice_case(),
    "strided_slice_grad": strided_slice_grad_case(),
    "concat": concat_case(),
    "split": split_case(),
    **{k: random_case() for k in RANDOM},
    "assign": assign_case(ALL),
    "assign_add": assign_case(NUMERIC),
    "assign_sub": assign_case(NUMERIC),
    **{k: bitwise_case("binary") for k in ("bitwise_and", "bitwise_or", "bitwise_xor")},
    **{k: bitwise_case("shift") for k in ("left_shift", "right_shift")},
    "invert": bitwise_case("unary"),
    "bitcast": bitcast_case(),
    "complex": complex_case(),
    **{k: complex_part_case(True) for k in ("real", "imag", "angle", "complex_abs")},
    "conj": complex_part_case(False),
    "apply_gradient_descent": apply_gd_case(),
    "select": select_case(),
    "gather": gather_case(),
    "unsorted_segment_sum": segment_sum_case(),
    "pad": pad_case(),
    "range": range_case(),
    "sparse_softmax_xent": sparse_xent_case(),
    "top_k": top_k_case(),
    "in_top_k": in_top_k_case(),
    "apply_momentum": momentum_case(),
    "apply_adam": optimizer_case(6, 2),
    "apply_adagrad": optimizer_case(1, 1),
    "apply_rms_prop": optimizer_case(4, 2),
    "conv2d": conv_case(False, "fwd"),
    "conv2d_backprop_input": conv_case(False, "input"),
    "conv2d_backprop_filter": conv_case(False, "filter"),
    "depthwise_conv2d": conv_case(True, "fwd"),
    "depthwise_conv2d_backprop_input": conv_case(True, "input"),
    "depthwise_conv2d_backprop_filter": conv_case(True, "filter"),
    "conv2d_bias_act": conv_bias_act_case(False),
    "depthwise_conv2d_bias_act": conv_bias_act_case(True),
    **{k: pool_case(k) for k in ("max_pool", "avg_pool", "max_pool_grad", "max_pool_grad_grad")},
    "avg_pool_grad": pool_case("avg_pool_grad"),
    "lstm_step": lstm_case("lstm_step"),
    "lstm_step_grad": lstm_case("lstm_step_grad"),
    "lstm_seq": lstm_seq_case("lstm_seq"),
    "lstm_seq_grad": lstm_seq_case("lstm_seq_grad"),
    **MATH_ROWS,
}

TOL = {F32: {"rtol": 2e-6, "atol": 1e-6}, F64: {"rtol": 1e-13, "atol": 1e-14}}
# float32 transcendental functions may differ by a few ulps between NumPy and libm.
LOOSE_F32 = {
    "sigmoid",
    "tanh",
    "exp",
    "log",
    "pow",
    "softmax",
    "log_softmax",
    "softmax_xent",
    "fused_batch_norm",  # float64 sums combined in another order
    "fused_batch_norm_grad",
    "sigmoid_grad",
    "tanh_grad",
    "reduce_mean",
    "sparse_softmax_xent",
    "apply_adam",
    "apply_adagrad",
    "apply_rms_prop",
    "avg_pool",  # sum / count or sum * (1 / count); sums in another order
    "avg_pool_grad",
    "max_pool_grad",
    "lstm_step",
    "lstm_step_grad",
}


def _matmul_operands(name, case):
    """The product's operands as op(A), op(B) (batches: the last two dimensions)."""
    a, b = case.inputs[:2]
    if name == "loop_product_sum":  # P [T, k, m], Q [T, k, n]: P^T @ Q over the T * k rows
        rows = a.shape[0] * a.shape[1]
        return a.reshape(rows, a.shape[2]).T, b.reshape(rows, b.shape[2])
    a = np.swapaxes(a, -1, -2) if case.ints[0] else a
    b = np.swapaxes(b, -1, -2) if case.ints[1] else b
    return a, b


def assert_same(name, got, want, case):
    assert got.shape == want.shape and got.dtype == want.dtype
    if got.dtype.kind == "c" and isinstance(case.tol, dict):  # (transforms: rounding differs)
        np.testing.assert_allclose(got, want, err_msg=name, **case.tol[got.dtype])
        return
    if got.dtype.kind == "i" and isinstance(case.tol, dict) and got.dtype in case.tol:
        diff = np.abs(got.astype(np.int64) - want.astype(np.int64))  # (steps apart)
        assert diff.max(initial=0) <= case.tol[got.dtype], (name, diff.max())
        return
    if got.dtype.kind != "f":
        np.testing.assert_array_equal(got, want, err_msg=name)
        return
    if case.tol == "matmul":
        a, b = _matmul_operands(name, case)
        bound = np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64)
        if len(case.inputs) == 3:  # var - alpha * A @ B: scaled product plus the variable
            bound = abs(float(case.inputs[2])) * bound + np.abs(case.outputs[0]).astype(np.float64)
        # both sides round k products and sums: the classic (k + 2) eps |A| |B| bound
        eps = (a.shape[-1] + 2) * np.finfo(got.dtype).eps
        assert np.all(np.abs(got.astype(np.float64) - want) <= eps * bound + 1e-30), name
        return
    if case.tol == "conv":  # sums of products: bounded by the same sums of absolute values
        bound = np.zeros(got.shape)
        ref.run_kernel(
            name, [np.abs(a).astype(np.float64) for a in case.inputs], [bound], case.ints
        )
        eps = (max(a.size for a in case.inputs) + 2) * np.finfo(got.dtype).eps
        assert np.all(np.abs(got.astype(np.float64) - want) <= eps * bound + 1e-30), name
        return
    if case.tol == "signs":  # eigen/singular vectors: each column is defined up to its sign
        if got.ndim >= 2 and got.size:
            flip = np.sign(np.sum(got.astype(np.float64) * want, axis=-2, keepdims=True))
            got = (got * np.where(flip == 0, 1, flip)).astype(got.dtype)
        np.testing.assert_allclose(got, want, equal_nan=True, err_msg=name, **LINALG_TOL[got.dtype])
        return
    tol = dict(TOL[got.dtype])
    if isinstance(case.tol, dict):
        tol = case.tol[got.dtype]
    elif got.dtype == F32 and name in CANCELLING_F32:
        tol = {"rtol": 1e-4, "atol": 1e-5}
    elif got.dtype == F32 and name in LOOSE_F32:
        tol = {"rtol": 1e-5, "atol": 1e-6}
    np.testing.assert_allclose(got, want, equal_nan=True, err_msg=name, **tol)


# ---- sparse updates and the log-uniform sampler (cpp/sparse.cc) ----------------------------------
@st.composite
def sparse_update_case(draw, n_extra, n_slots, hyper=(0.01, 0.99)):
    dt = draw(st.sampled_from(FLOATS))
    shape = draw(shapes(min_dims=1, max_dims=3, min_side=1))
    ids = index_array(draw, (draw(st.integers(0, 6)),), shape[0])
    values = arrays(draw, dt, ids.shape + shape[1:], -2, 2)
    lr, *extra = [np.array(draw(st.floats(*hyper)), dt) for _ in range(1 + n_extra)]
    slots = [arrays(draw, dt, shape, 0.125, 2) for _ in range(n_slots)]
    outs = [arrays(draw, dt, shape), *slots]
    return Case([lr, values, ids, *extra], outs, [draw(st.integers(0, 1))])


@st.composite
def sparse_adam_case(draw):
    c = draw(sparse_update_case(5, 2))
    lr, values, ids, *e = c.inputs  # beta1_power, beta2_power, beta1, beta2, epsilon
    return Case([e[0], e[1], lr, e[2], e[3], e[4], values, ids], c.outputs, c.ints)


@st.composite
def log_uniform_case(draw):
    counter = np.array([draw(st.integers(0, 2**40))], np.int64)
    seeds = [draw(st.integers(-(2**63), 2**63 - 1)), draw(st.integers(-(2**63), 2**63 - 1))]
    range_max = draw(st.integers(1, 1000))
    unique = draw(st.booleans())
    n = draw(st.integers(0, min(range_max, 20) if unique else 20))
    truth = index_array(draw, (draw(st.integers(0, 3)), 2), range_max, np.int64)
    outs = [blank((n,), np.dtype(np.int64)), blank(truth.shape, F32), blank((n,), F32)]
    return Case([counter, truth], outs, seeds, [float(unique), float(range_max)])


# ---- tensor_array.cc -----------------------------------------------------------------------------
@st.composite
def ta_case(draw, kind):
    dt = draw(st.sampled_from(ALL))
    shape = draw(shapes(min_dims=1))
    rows = max(shape[0], 1)
    shape = (rows, *shape[1:])
    flow = arrays(draw, dt, shape)
    ix_dt = draw(st.sampled_from([np.dtype(np.int32), np.dtype(np.int64)]))
    if kind in ("write", "read"):
        ix = np.array(draw(st.integers(0, rows - 1)), ix_dt)
    else:
        k = draw(st.integers(0, rows))
        ix = np.array(draw(st.permutations(range(rows)))[:k], ix_dt)
    if kind == "read":
        return Case([flow, ix], [blank(shape[1:], dt)])
    if kind == "zero_rows":
        return Case([flow, ix], [blank(shape, dt)])
    if kind == "add_rows":
        dt = draw(st.sampled_from(FLOATS))
        flow = flow.astype(dt)
        return Case([flow, ix, arrays(draw, dt, (ix.size, *shape[1:]))], [blank(shape, dt)])
    value_shape = shape[1:] if kind == "write" else (ix.size, *shape[1:])
    return Case([flow, ix, arrays(draw, dt, value_shape)], [blank(shape, dt)])


ROWS.update({f"ta_{k}": ta_case(k) for k in ("write", "read", "scatter", "zero_rows", "add_rows")})


# ---- fake_quant.cc -------------------------------------------------------------------------------
@st.composite
def fake_quant_case(draw, kind):
    x = arrays(draw, F32, draw(shapes(min_dims=1)), -8, 8)
    bits, narrow = draw(st.integers(2, 16)), draw(st.integers(0, 1))
    lo = draw(st.floats(-6, -0.125, width=32))
    hi = draw(st.floats(0.125, 6, width=32))
    if kind == "args":
        return Case([x], [blank(x.shape, F32)], [bits, narrow], [lo, hi])
    if kind == "args_grad":
        dy = arrays(draw, F32, x.shape)
        return Case([dy, x], [blank(x.shape, F32)], [bits, narrow], [lo, hi])
    per_channel = draw(st.booleans())
    shape = (x.shape[-1],) if per_channel else ()
    mn = np.asarray(np.full(shape, lo) - arrays(draw, F32, shape, 0, 1), F32)
    mx = np.asarray(np.full(shape, hi) + arrays(draw, F32, shape, 0, 1), F32)
    if kind == "vars":
        return Case([x, mn, mx], [blank(x.shape, F32)], [bits, narrow])
    dy = arrays(draw, F32, x.shape)
    outs = [blank(x.shape, F32), blank(shape, F32), blank(shape, F32)]
    return Case([dy, x, mn, mx], outs, [bits, narrow], [], {F32: {"rtol": 1e-5, "atol": 1e-4}})


ROWS.update(
    {
        "fake_quant": fake_quant_case("args"),
        "fake_quant_grad": fake_quant_case("args_grad"),
        "fake_quant_vars": fake_quant_case("vars"),
        "fake_quant_vars_grad": fake_quant_case("vars_grad"),
    }
)


ROWS.update(
    {
        "sparse_apply_gradient_descent": sparse_update_case(0, 0),
        "sparse_apply_momentum": sparse_update_case(1, 1),
        "sparse_apply_adagrad": sparse_update_case(0, 1),
        "sparse_apply_adam": sparse_adam_case(),
        "log_uniform_candidate_sampler": log_uniform_case(),
    }
)
LOOSE_F32 |= {"sparse_apply_adam", "sparse_apply_adagrad", "log_uniform_candidate_sampler"}


# ---- random_dist.cc: stateless (seed pair) and stateful (run counter) distributions --------------
def seed_pair(draw):
    dt = draw(st.sampled_from(INTS))
    info = np.iinfo(dt)
    return np.array([draw(st.integers(info.min, info.max)) for _ in range(2)], dt)


def run_counter(draw):
    counter = np.array([draw(st.integers(0, 2**40))], np.int64)
    seeds = [draw(st.integers(-(2**63), 2**63 - 1)), draw(st.integers(-(2**63), 2**63 - 1))]
    return counter, seeds


def key_counter(draw):
    """TF's V2 inputs (counter int64[2], key int64[1]) with ints [1], or a seed pair."""
    if draw(st.booleans()):
        words = [draw(st.integers(-(2**63), 2**63 - 1)) for _ in range(3)]
        return [np.array(words[:2], np.int64), np.array(words[2:], np.int64)], [1]
    return [seed_pair(draw)], []


@st.composite
def stateless_case(draw, dtypes):
    ins, ints = key_counter(draw)
    return Case(ins, [blank(draw(shapes(max_side=5)), draw(st.sampled_from(dtypes)))], ints)


@st.composite
def index_shuffle_case(draw):
    dt = draw(st.sampled_from(INTS))
    n = draw(st.integers(0, 5))
    mx = draw(st.sampled_from([0, 1, 5, 300, 70000, 2**31 - 1]))
    idx = np.array([draw(st.integers(0, mx)) for _ in range(n)], dt)
    if n == 1 and draw(st.booleans()):
        idx = idx.reshape(())
    sdt = draw(st.sampled_from(INTS))
    info = np.iinfo(sdt)
    rows = n if idx.ndim == 1 and draw(st.booleans()) else None
    seed_shape = (rows, 3) if rows is not None else (3,)
    seed = draw(hnp.arrays(sdt, seed_shape, elements=st.integers(info.min, info.max)))
    max_index = np.array(mx, dt) if draw(st.booleans()) or idx.ndim == 0 else np.full(n, mx, dt)
    rounds = draw(st.sampled_from([4, 6, 8]))
    return Case([idx, seed, max_index], [blank(idx.shape, dt)], [rounds])


@st.composite
def read_and_skip_case(draw):
    state = np.array([draw(st.integers(-(2**63), 2**63 - 1)) for _ in range(3)], np.int64)
    alg = np.array(draw(st.sampled_from([1, 3])), np.int32)
    delta = np.array(draw(st.integers(0, 2**62)), np.int64)
    return Case([state, alg, delta], [blank((3,), I64)])


@st.composite
def uniform_int_case(draw, stateful):
    dt = draw(st.sampled_from(INTS))
    info = np.iinfo(dt)
    lo = draw(st.integers(info.min, info.max - 1))
    hi = draw(st.integers(lo + 1, info.max))
    if draw(st.booleans()):  # small ranges too
        lo, hi = draw(st.integers(-5, 5)), draw(st.integers(6, 20))
    outs = [blank(draw(shapes(max_side=5)), dt)]
    bounds = [np.array(lo, dt), np.array(hi, dt)]
    if stateful:
        counter, seeds = run_counter(draw)
        return Case([counter, *bounds], outs, seeds)
    ins, ints = key_counter(draw)
    return Case([*ins, *bounds], outs, ints)


@st.composite
def params_case(draw, n_params, lo, hi, out_dtypes, stateful, same_dtype=False):
    """Parameters of one shape P, the output ``[k] + P`` (stateful: shape + params' shape)."""
    pshape = draw(shapes(max_dims=2, min_side=1, max_side=3))
    pdt = draw(st.sampled_from(FLOATS))
    params = [arrays(draw, pdt, pshape, lo[i], hi[i]) for i in range(n_params)]
    out_dt = pdt if same_dtype else draw(st.sampled_from(out_dtypes))
    outs = [blank((draw(st.integers(0, 4)), *pshape), out_dt)]
    if stateful:
        counter, seeds = run_counter(draw)
        return Case([counter, *params], outs, seeds)
    return Case([seed_pair(draw), *params], outs)


@st.composite
def ptn_case(draw):
    shape = draw(shapes(max_dims=2, min_side=1, max_side=3))
    dt = draw(st.sampled_from(FLOATS))
    mean = arrays(draw, dt, shape, -3, 3)
    sd = arrays(draw, dt, shape, 0.125, 3)
    lo = arrays(draw, dt, shape, -6, 5)
    hi = np.asarray(lo + arrays(draw, dt, shape, 0.0625, 8), dt)
    return Case([seed_pair(draw), mean, sd, lo, hi], [blank(shape, dt)])


@st.composite
def multinomial_case(draw, stateful):
    dt = draw(st.sampled_from(FLOATS))
    rows, classes = draw(st.integers(0, 3)), draw(st.integers(1, 5))
    logits = arrays(draw, dt, (rows, classes), -5, 5)
    if draw(st.booleans()) and rows:
        logits[0, 0] = -np.inf
    outs = [blank((rows, draw(st.integers(0, 6))), draw(st.sampled_from(INTS)))]
    if stateful:
        counter, seeds = run_counter(draw)
        return Case([counter, logits], outs, seeds)
    return Case([seed_pair(draw), logits], outs)


@st.composite
def shuffle_case(draw):
    dt = draw(st.sampled_from(ALL))
    x = arrays(draw, dt, draw(shapes(max_side=6)), -100, 100)
    counter, seeds = run_counter(draw)
    return Case([counter, x], [blank(x.shape, dt)], seeds)


@st.composite
def gamma_grad_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    alpha = arrays(draw, dt, (draw(st.integers(1, 3)),), 0.25, 8)
    x = arrays(draw, dt, (draw(st.integers(0, 3)), alpha.shape[0]), 0.0625, 12)
    return Case(
        [alpha, x],
        [blank(x.shape, dt)],
        tol={F32: {"rtol": 1e-4, "atol": 1e-5}, F64: {"rtol": 1e-7, "atol": 1e-9}},
    )


@st.composite
def candidate_sampler_case(draw):
    kind = draw(st.integers(0, 2))
    range_max = draw(st.integers(1, 40))
    unique = draw(st.booleans())
    weights = []
    if kind == 1:
        weights = [float(draw(st.integers(0, 5))) for _ in range(range_max)]
        weights[draw(st.integers(0, range_max - 1))] = 1.0
    nonzero = sum(1 for v in weights if v > 0) if kind == 1 else range_max
    n = draw(st.integers(0, min(nonzero, 8) if unique else 8))
    counter, seeds = run_counter(draw)
    if kind == 2:
        counts = draw(hnp.arrays(I64, (range_max,), elements=st.integers(0, 9)))
        counter = np.concatenate([counter, counts])
    truth = index_array(draw, (draw(st.integers(0, 3)), 2), range_max, np.int64)
    outs = [blank((n,), np.dtype(np.int64)), blank(truth.shape, F32), blank((n,), F32)]
    return Case(
        [counter, truth], outs, seeds, [float(unique), float(kind), float(range_max), *weights]
    )


ROWS.update(
    {
        "stateless_random_uniform": stateless_case(FLOATS),
        "stateless_random_normal": stateless_case(FLOATS),
        "stateless_truncated_normal": stateless_case(FLOATS),
        "stateless_random_uniform_full_int": stateless_case(INTS),
        "stateless_random_uniform_int": uniform_int_case(False),
        "random_uniform_int": uniform_int_case(True),
        "random_gamma": params_case(1, [0.125], [9.0], FLOATS, True, same_dtype=True),
        "stateless_random_gamma": params_case(1, [0.125], [9.0], FLOATS, False, same_dtype=True),
        "random_poisson": params_case(1, [0.0], [40.0], NUMERIC, True),
        "stateless_random_poisson": params_case(1, [0.0], [40.0], NUMERIC, False),
        "stateless_random_binomial": params_case(2, [0.0, 0.0], [80.0, 1.0], NUMERIC, False),
        "stateless_parameterized_truncated_normal": ptn_case(),
        "multinomial": multinomial_case(True),
        "stateless_multinomial": multinomial_case(False),
        "random_shuffle": shuffle_case(),
        "random_gamma_grad": gamma_grad_case(),
        "candidate_sampler": candidate_sampler_case(),
        "rng_read_and_skip": read_and_skip_case(),
        "random_index_shuffle": index_shuffle_case(),
    }
)
LOOSE_F32 |= {
    "stateless_random_normal",
    "stateless_truncated_normal",
    "stateless_parameterized_truncated_normal",
}
COUNTERS = (
    *RANDOM,
    "log_uniform_candidate_sampler",
    "random_uniform_int",
    "random_gamma",
    "random_poisson",
    "multinomial",
    "random_shuffle",
    "candidate_sampler",
)  # kernels that advance a run counter


# ---- linalg.cc: matrices from a drawn seed (distinct singular values and eigenvalues, so the
# factors' signs are the algorithm's, not an accident of ties), well conditioned where a solve
# or a factorisation needs it
LINALG_TOL = {F32: {"rtol": 2e-4, "atol": 2e-4}, F64: {"rtol": 1e-9, "atol": 1e-9}}


@st.composite
def matrix_case(draw, kind, n_out=1, ints=(), rect=False, rhs=False):
    dt = draw(st.sampled_from(FLOATS))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    batch = tuple(draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3)))
    m = draw(st.integers(0, 5))
    n = draw(st.integers(0, 5)) if rect else m
    a = rng.standard_normal((*batch, m, n))
    if kind == "spd":
        a = a @ np.swapaxes(a, -1, -2) + m * np.eye(m)
    elif kind == "dominant":
        a = a + 3 * m * np.eye(m)
    elif kind == "positive":  # eigenvalues near m: a principal square root exists
        a = 0.3 * a + m * np.eye(m)
    a = a.astype(dt)
    flags = [draw(st.booleans()) for _ in ints]
    p, k = min(m, n), draw(st.integers(0, 3))
    inputs = [a]
    if kind == "qr":
        qc = m if flags[0] else p
        outs = [blank((*batch, m, qc), dt), blank((*batch, qc, n), dt)]
    elif kind == "svd":
        uv, full = flags
        u = (*batch, m, m if full else p) if uv else (0,)
        v = (*batch, n, n if full else p) if uv else (0,)
        outs = [blank((*batch, p), dt), blank(u, dt), blank(v, dt)]
    elif kind == "eig":
        outs = [blank((*batch, m), dt), blank((*batch, m, m) if flags[0] else (0,), dt)]
    elif kind == "lu":
        idx = draw(st.sampled_from(INTS))
        outs = [blank(a.shape, dt), blank((*batch, m), idx)]
    elif rhs:
        b_batch = batch
        if kind == "triangular":  # broadcast batch dimensions
            b_batch = tuple(1 if draw(st.booleans()) else d for d in batch)
        rows = m
        b = rng.standard_normal((*b_batch, rows, k)).astype(dt)
        inputs.append(b)
        out_n = n if kind == "ls" else m
        outs = [blank((*batch, out_n, k), dt)]
    elif n_out == 0:
        outs = [blank(batch, dt)]
    elif n_out == 2:
        outs = [blank(batch, dt), blank(batch, dt)]
    else:
        outs = [blank(a.shape, dt)]
    tol: object = "signs" if kind in ("svd", "eig") else LINALG_TOL
    return Case(inputs, outs, [int(f) for f in flags], tol=tol)


# ---- nd indexing, moves, value-sized outputs, grids (scatter.cc, permute.cc, partition.cc,
# grid.cc) ----------------------------------------------------------------------------------------
def data_array(draw, dt, shape):
    return draw(hnp.arrays(dt, shape)) if dt == BOOL else arrays(draw, dt, shape)


@st.composite
def nd_target(draw, min_depth=0, scatter=False):
    """A target shape, an index depth and valid nd indices into it (a scatter with index rows:
    into a non-empty target, at depth 1 or more, as TF requires)."""
    shape = list(draw(shapes(min_dims=max(1, min_depth), max_dims=3)))
    batch = draw(shapes(max_dims=2))
    if scatter and int(np.prod(batch)) > 0:
        shape = [max(d, 1) for d in shape]
        min_depth = max(min_depth, 1)
    depth = draw(st.integers(min_depth, len(shape)))
    shape[:depth] = [max(d, 1) for d in shape[:depth]]
    dt = draw(st.sampled_from(INTS))
    cols = [index_array(draw, batch, shape[j], dt) for j in range(depth)]
    idx = np.stack(cols, -1) if cols else np.zeros((*batch, 0), dt)
    return tuple(shape), depth, batch, idx


@st.composite
def gather_nd_case(draw):
    dt = draw(st.sampled_from(ALL))
    shape, depth, batch, idx = draw(nd_target())
    out = blank((*batch, *shape[depth:]), dt)
    return Case([data_array(draw, dt, shape), idx], [out])


@st.composite
def scatter_nd_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    shape, depth, batch, idx = draw(nd_target(scatter=True))
    return Case([idx, arrays(draw, dt, (*batch, *shape[depth:]))], [blank(shape, dt)])


@st.composite
def tensor_scatter_case(draw):
    mode = draw(st.integers(0, 4))
    dt = draw(st.sampled_from(ALL if mode == 0 else NUMERIC))
    shape, depth, batch, idx = draw(nd_target(scatter=True))
    ups = data_array(draw, dt, (*batch, *shape[depth:]))
    return Case([data_array(draw, dt, shape), idx, ups], [blank(shape, dt)], [mode])


@st.composite
def scatter_ref_case(draw):
    mode, nd = draw(st.integers(0, 6)), draw(st.integers(0, 1))
    dt = draw(st.sampled_from(NUMERIC))
    if nd:
        shape, depth, batch, idx = draw(nd_target(min_depth=1))
        ushape = (*batch, *shape[depth:])
    else:
        shape = draw(shapes(min_dims=1, max_dims=3, min_side=1))
        idx = index_array(draw, draw(shapes(max_dims=2)), shape[0])
        ushape = () if draw(st.booleans()) else idx.shape + shape[1:]
    ups = arrays(draw, dt, ushape, 1, 5) * draw(st.sampled_from([1, -1]))  # no zero divisors
    return Case([idx, np.asarray(ups, dt)], [arrays(draw, dt, shape)], [mode, nd])


@st.composite
def reverse_case(draw):
    dt = draw(st.sampled_from(ALL))
    shape = draw(shapes())
    flags = [int(draw(st.booleans())) for _ in shape]
    return Case([data_array(draw, dt, shape)], [blank(shape, dt)], flags)


@st.composite
def roll_case(draw):
    dt = draw(st.sampled_from(ALL))
    shape = draw(shapes())
    shifts = [draw(st.integers(0, max(d - 1, 0))) for d in shape]
    return Case([data_array(draw, dt, shape)], [blank(shape, dt)], shifts)


@st.composite
def reverse_sequence_case(draw):
    dt = draw(st.sampled_from(ALL))
    shape = draw(shapes(min_dims=2))
    sd, bd = draw(st.permutations(range(len(shape))))[:2]
    lens = draw(
        hnp.arrays(draw(st.sampled_from(INTS)), (shape[bd],), elements=st.integers(0, shape[sd]))
    )
    return Case([data_array(draw, dt, shape), lens], [blank(shape, dt)], [sd, bd])


@st.composite
def depth_case(draw, to_depth):
    dt = draw(st.sampled_from(ALL))
    b = draw(st.integers(2, 3))
    n, h, w, c = (draw(st.integers(0, 2)) for _ in range(4))
    if to_depth:
        x, y = (n, h * b, w * b, c), (n, h, w, c * b * b)
    else:
        x, y = (n, h, w, c * b * b), (n, h * b, w * b, c)
    return Case([data_array(draw, dt, x)], [blank(y, dt)], [b])


@st.composite
def space_batch_case(draw, to_batch):
    dt = draw(st.sampled_from(ALL))
    m = draw(st.integers(1, 2))
    block = [draw(st.integers(1, 3)) for _ in range(m)]
    batch = draw(st.integers(0, 2))
    rest = list(draw(shapes(max_dims=1)))
    small, big, pads = [], [], []
    for b in block:
        total = b * draw(st.integers(0, 3))
        before = draw(st.integers(0, total))
        size = draw(st.integers(0, total - before))
        small.append(size)
        big.append(total // b)
        pads += [before, total - before - size]
    wide = (batch, *small, *rest)
    narrow = (batch * int(np.prod(block)), *big, *rest)
    ints = [m, *block, *pads]
    if to_batch:
        return Case([data_array(draw, dt, wide)], [blank(narrow, dt)], ints)
    return Case([data_array(draw, dt, narrow)], [blank(wide, dt)], ints)


@st.composite
def patches_case(draw):
    dt = draw(st.sampled_from(ALL))
    x = data_array(
        draw, dt, (draw(st.integers(0, 2)), *(draw(st.integers(1, 5)) for _ in range(2)), 2)
    )
    ints = [draw(st.integers(1, 3)) for _ in range(6)] + [draw(st.integers(0, 2)) for _ in range(2)]
    rows, cols = (draw(st.integers(0, 4)) for _ in range(2))
    return Case([x], [blank((x.shape[0], rows, cols, ints[0] * ints[1] * 2), dt)], ints)


@st.composite
def volume_case(draw):
    dt = draw(st.sampled_from(ALL))
    x = data_array(
        draw, dt, (draw(st.integers(0, 2)), *(draw(st.integers(1, 4)) for _ in range(3)), 2)
    )
    ints = [draw(st.integers(1, 3)) for _ in range(6)] + [draw(st.integers(0, 2)) for _ in range(3)]
    outs = [draw(st.integers(0, 3)) for _ in range(3)]
    return Case([x], [blank((x.shape[0], *outs, ints[0] * ints[1] * ints[2] * 2), dt)], ints)


# ---- SparseTensor kernels (sparse_tensor.cc) ----------------------------------------------------
def sparse_parts(draw, dt, min_dims=1, max_dims=3, shuffle=False):
    """indices [N, rank] int64 (unique; row-major unless shuffled), values [N], dense shape."""
    shape = draw(shapes(min_dims=min_dims, max_dims=max_dims))
    ind = np.argwhere(draw(hnp.arrays(BOOL, shape))).astype(np.int64).reshape(-1, len(shape))
    if shuffle and len(ind) > 1:
        ind = ind[np.array(draw(st.permutations(list(range(len(ind))))))]
    return ind, arrays(draw, dt, (len(ind),), -100, 100), np.array(shape, np.int64)


@st.composite
def where_case(draw):
    dt = draw(st.sampled_from(ALL))
    x = draw(hnp.arrays(dt, draw(shapes()), elements=elements(dt, -1, 1)))
    return Case([x], [blank((int(np.count_nonzero(x)), x.ndim), I64)])


@st.composite
def unique_case(draw):
    dt = draw(st.sampled_from(ALL))
    x = draw(hnp.arrays(dt, (draw(st.integers(0, 8)),), elements=elements(dt, -3, 3)))
    n = len({(0 if v == 0 else v) for v in x.tolist()})
    idt = draw(st.sampled_from(INTS))
    outs = [blank((n,), dt), blank(x.shape, idt)]
    if draw(st.booleans()):
        outs.append(blank((n,), idt))
    return Case([x], outs)


@st.composite
def list_diff_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    x = draw(hnp.arrays(dt, (draw(st.integers(0, 8)),), elements=elements(dt, -3, 3)))
    y = draw(hnp.arrays(dt, (draw(st.integers(0, 4)),), elements=elements(dt, -3, 3)))
    n = int((~np.isin(x, y)).sum())
    return Case([x, y], [blank((n,), dt), blank((n,), draw(st.sampled_from(INTS)))])


@st.composite
def dynamic_partition_case(draw):
    dt = draw(st.sampled_from(ALL))
    shape = draw(shapes(min_dims=1, max_dims=3))
    k = draw(st.integers(1, len(shape)))
    n = draw(st.integers(1, 3))
    parts = index_array(draw, shape[:k], n, I32)
    outs = [blank((int((parts == p).sum()), *shape[k:]), dt) for p in range(n)]
    return Case([data_array(draw, dt, shape), parts], outs)


@st.composite
def dynamic_stitch_case(draw):
    dt = draw(st.sampled_from(ALL))
    rest = draw(shapes(max_dims=2))
    first = draw(st.integers(1, 6))
    n = draw(st.integers(1, 3))
    ids = [index_array(draw, draw(shapes(max_dims=2, max_side=3)), first, I32) for _ in range(n)]
    data = [data_array(draw, dt, i.shape + rest) for i in ids]
    return Case([*ids, *data], [blank((first, *rest), dt)])


@st.composite
def search_sorted_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    rows, n, m = (draw(st.integers(0, 4)) for _ in range(3))
    s = np.sort(arrays(draw, dt, (rows, n), -5, 5), axis=-1)
    v = arrays(draw, dt, (rows, m), -6, 6)
    return Case([s, v], [blank((rows, m), draw(st.sampled_from(INTS)))], [draw(st.integers(0, 1))])


@st.composite
def lin_space_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    start, stop = (arrays(draw, dt, (), -10, 10) for _ in range(2))
    return Case([start, stop], [blank((draw(st.integers(0, 7)),), dt)])


@st.composite
def unravel_index_case(draw):
    dt = draw(st.sampled_from(INTS))
    dims = np.array(draw(st.lists(st.integers(1, 4), max_size=3)), dt)
    total = int(np.prod(dims))
    shape = draw(st.sampled_from([(), (draw(st.integers(0, 4)),)]))
    idx = index_array(draw, shape, total, dt)
    out = (len(dims),) if idx.ndim == 0 else (len(dims), idx.size)
    return Case([idx, dims], [blank(out, dt)])


@st.composite
def histogram_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    v = arrays(draw, dt, draw(shapes()), -20, 20)
    lo = draw(st.integers(-5, 5))
    r = np.array([lo, lo + draw(st.integers(1, 10))], dt)
    return Case([v, r], [blank((draw(st.integers(1, 6)),), draw(st.sampled_from(INTS)))])


@st.composite
def sparse_to_dense_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    ind, vals, shape = sparse_parts(draw, dt)
    if draw(st.booleans()):
        vals = vals[:1].reshape(()) if len(vals) else arrays(draw, dt, ())
    dflt = arrays(draw, dt, (), -5, 5)
    out = blank(tuple(int(d) for d in shape), dt)
    return Case([ind, shape, vals, dflt], [out], [int(draw(st.booleans()))])


@st.composite
def sparse_dense_matmul_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    ind, vals, shape = sparse_parts(draw, dt, 2, 2)
    adj_a, adj_b = draw(st.booleans()), draw(st.booleans())
    rows, inner = (int(shape[1]), int(shape[0])) if adj_a else (int(shape[0]), int(shape[1]))
    m = draw(st.integers(0, 4))
    b = arrays(draw, dt, (m, inner) if adj_b else (inner, m), -100, 100)
    return Case([ind, vals, shape, b], [blank((rows, m), dt)], [int(adj_a), int(adj_b)])


@st.composite
def sparse_reorder_case(draw):
    dt = draw(st.sampled_from(ALL))
    ind, vals, shape = sparse_parts(draw, dt, shuffle=True)
    return Case([ind, vals, shape], [blank(ind.shape, I64), blank(vals.shape, dt)])


@st.composite
def sparse_segment_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    data = arrays(draw, dt, draw(shapes(min_dims=1, min_side=1)), -100, 100)
    n = draw(st.integers(0, 6))
    ids = index_array(draw, (n,), data.shape[0])
    seg = np.sort(index_array(draw, (n,), 4, ids.dtype))
    with_n = draw(st.booleans())
    nseg = int(seg.max(initial=-1)) + 1 + (draw(st.integers(0, 2)) if with_n else 0)
    return Case(
        [data, ids, seg],
        [blank((nseg, *data.shape[1:]), dt)],
        [draw(st.integers(0, 2)), int(with_n)],
    )


@st.composite
def sparse_dense_add_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    ind, vals, shape = sparse_parts(draw, dt)
    b = arrays(draw, dt, tuple(int(d) for d in shape), -100, 100)
    return Case([ind, vals, shape, b], [blank(b.shape, dt)])


@st.composite
def sparse_reduce_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    ind, vals, shape = sparse_parts(draw, dt)
    mask = [int(draw(st.booleans())) for _ in shape]
    kept = tuple(int(d) for d, m in zip(shape, mask) if not m)
    return Case([ind, vals, shape], [blank(kept, dt)], [int(draw(st.booleans())), *mask])


@st.composite
def sparse_softmax_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    ind, vals, shape = sparse_parts(draw, dt, 2, 3, shuffle=True)
    return Case([ind, vals, shape], [blank(vals.shape, dt)])


@st.composite
def sparse_cross_case(draw):
    batch = draw(st.integers(0, 3))
    ns, nd = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    feature = st.integers(-(2**63), 2**63 - 1)
    inds, vals, dims, dense = [], [], [], []
    for _ in range(ns):
        cols = draw(st.integers(1, 3))
        mask = draw(hnp.arrays(BOOL, (batch, cols)))
        ind = np.argwhere(mask).astype(np.int64).reshape(-1, 2)
        inds.append(ind)
        vals.append(draw(hnp.arrays(I64, (len(ind),), elements=feature)))
        dims.append(np.array([batch, cols], np.int64))
    for _ in range(nd):
        dense.append(draw(hnp.arrays(I64, (batch, draw(st.integers(0, 2))), elements=feature)))
    counts = [np.bincount(i[:, 0], minlength=batch) for i in inds] + [
        np.full(batch, d.shape[1]) for d in dense
    ]
    per_row = np.prod(np.stack(counts), axis=0) if counts else np.zeros(batch, np.int64)
    nnz = int(per_row.sum())
    ints = [ns, draw(st.sampled_from([0, 1, 7, 2**40])), draw(st.integers(-(2**63), 2**63 - 1))]
    outs = [blank((nnz, 2), I64), blank((nnz,), I64), blank((2,), I64)]
    return Case([*inds, *vals, *dims, *dense], outs, ints)


def sparse_pair(draw, dt):
    """Two SparseTensors of one shape, row-major, overlapping at random."""
    shape = draw(shapes(min_dims=1, max_dims=3))
    parts = []
    for _ in range(2):
        ind = np.argwhere(draw(hnp.arrays(BOOL, shape))).astype(np.int64)
        parts += [ind.reshape(-1, len(shape)), arrays(draw, dt, (len(ind),), -5, 5)]
    return parts, np.array(shape, np.int64)


def _union_rows(a_ind, b_ind, rank):
    rows = {tuple(r) for r in a_ind.tolist()} | {tuple(r) for r in b_ind.tolist()}
    return np.array(sorted(rows), np.int64).reshape(-1, rank)


@st.composite
def sparse_add_case(draw):
    dt = draw(st.sampled_from(NUMERIC))
    (ai, av, bi, bv), shape = sparse_pair(draw, dt)
    thresh = np.array(draw(st.sampled_from([0, 0, 1, 3])), dt)
    n = _add_nnz(ai, av, bi, bv, thresh)
    outs = [blank((n, len(shape)), I64), blank((n,), dt), blank((len(shape),), I64)]
    return Case([ai, av, shape, bi, bv, shape, thresh], outs)


def _add_nnz(ai, av, bi, bv, thresh):
    """Entries of the sum: one per index, less the sums smaller in magnitude than thresh."""
    a = {tuple(r): v for r, v in zip(ai.tolist(), av)}
    b = {tuple(r): v for r, v in zip(bi.tolist(), bv)}
    both = set(a) & set(b)
    dropped = sum(abs(float(av.dtype.type(a[r] + b[r]))) < float(thresh) for r in both)
    return len(set(a) | set(b)) - dropped


@st.composite
def sparse_add_grad_case(draw):
    dt = draw(st.sampled_from(FLOATS))
    (ai, _, bi, _), shape = sparse_pair(draw, dt)
    si = _union_rows(ai, bi, len(shape))
    if len(si) and draw(st.booleans()):  # a sum that dropped entries
        si = si[np.array(draw(hnp.arrays(BOOL, (len(si),))))]
    grad = arrays(draw, dt, (len(si),), -5, 5)
    return Case([grad, ai, bi, si], [blank((len(ai),), dt), blank((len(bi),), dt)])


@st.composite
def sparse_reshape_case(draw):
    ind, _, shape = sparse_parts(draw, I64)
    total = int(np.prod(shape))
    new = [d for d in range(1, total + 1) if total % d == 0] if total else [0]
    first = draw(st.sampled_from(new))
    target = [first, total // first if first else draw(st.integers(0, 3))]
    if total and draw(st.booleans()):
        target[draw(st.integers(0, 1))] = -1
    outs = [blank((len(ind), 2), I64), blank((2,), I64)]
    return Case([ind, shape, np.array(target, np.int64)], outs)


@st.composite
def sparse_concat_case(draw):
    dt = draw(st.sampled_from(ALL))
    rank = draw(st.integers(1, 3))
    axis = draw(st.integers(-rank, rank - 1))
    base = list(draw(shapes(min_dims=rank, max_dims=rank)))
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        shape = list(base)
        shape[axis] = draw(st.integers(0, 3))
        ind = np.argwhere(draw(hnp.arrays(BOOL, tuple(shape)))).astype(np.int64).reshape(-1, rank)
        parts.append((ind, arrays(draw, dt, (len(ind),)), np.array(shape, np.int64)))
    n, total = len(parts), sum(len(p[0]) for p in parts)
    ins = [p[0] for p in parts] + [p[1] for p in parts] + [p[2] for p in parts]
    outs = [blank((total, rank), I64), blank((total,), dt), blank((rank,), I64)]
    return Case(ins, outs, [n, axis])


@st.composite
def sparse_slice_case(draw):
    dt = draw(st.sampled_from(ALL))
    ind, vals, shape = sparse_parts(draw, dt)
    start = np.array([draw(st.integers(0, 4)) for _ in shape], np.int64)
    size = np.array([draw(st.integers(0, 4)) for _ in shape], np.int64)
    m = int(np.sum(np.all((ind >= start) & (ind - start < size), axis=1))) if len(ind) else 0
    outs = [blank((m, len(shape)), I64), blank((m,), dt), blank((len(shape),), I64)]
    return Case([ind, vals, shape, start, size], outs)


ROWS.update(
    {
        "cholesky": matrix_case("spd"),
        "matrix_determinant": matrix_case("dominant", n_out=0),
        "log_matrix_determinant": matrix_case("dominant", n_out=2),
        "matrix_inverse": matrix_case("dominant", ints=("adjoint",)),
        "matrix_solve": matrix_case("dominant", ints=("adjoint",), rhs=True),
        "matrix_triangular_solve": matrix_case("dominant", ints=("lower", "adjoint"), rhs=True),
        "matrix_solve_ls": matrix_case("ls", rect=True, rhs=True),
        "qr": matrix_case("qr", ints=("full_matrices",), rect=True),
        "svd": matrix_case("svd", ints=("compute_uv", "full_matrices"), rect=True),
        "self_adjoint_eig": matrix_case("eig", ints=("compute_v",)),
        "lu": matrix_case("lu"),
        "matrix_square_root": matrix_case("positive"),
        "matrix_exponential": matrix_case("plain"),
        "gather_nd": gather_nd_case(),
        "scatter_nd": scatter_nd_case(),
        "tensor_scatter": tensor_scatter_case(),
        "scatter_ref": scatter_ref_case(),
        "reverse": reverse_case(),
        "roll": roll_case(),
        "reverse_sequence": reverse_sequence_case(),
        "space_to_depth": depth_case(True),
        "depth_to_space": depth_case(False),
        "space_to_batch_nd": space_batch_case(True),
        "batch_to_space_nd": space_batch_case(False),
        "extract_image_patches": patches_case(),
        "extract_volume_patches": volume_case(),
        "where": where_case(),
        "unique": unique_case(),
        "list_diff": list_diff_case(),
        "dynamic_partition": dynamic_partition_case(),
        "dynamic_stitch": dynamic_stitch_case(),
        "search_sorted": search_sorted_case(),
        "lin_space": lin_space_case(),
        "unravel_index": unravel_index_case(),
        "histogram_fixed_width": histogram_case(),
        "sparse_slice": sparse_slice_case(),
        "sparse_concat": sparse_concat_case(),
        "sparse_reshape": sparse_reshape_case(),
        "sparse_add": sparse_add_case(),
        "sparse_add_grad": sparse_add_grad_case(),
        "sparse_cross": sparse_cross_case(),
        "sparse_to_dense": sparse_to_dense_case(),
        "sparse_dense_matmul": sparse_dense_matmul_case(),
        "sparse_reorder": sparse_reorder_case(),
        "sparse_segment": sparse_segment_case(),
        "sparse_dense_add": sparse_dense_add_case(),
        "sparse_reduce": sparse_reduce_case(),
        "sparse_softmax": sparse_softmax_case(),
    }
)
LOOSE_F32 |= {"sparse_dense_matmul", "sparse_segment", "sparse_reduce", "sparse_softmax"}


# ---- fft.cc --------------------------------------------------------------------------------------
@st.composite
def fft_case(draw, kind):
    k = draw(st.integers(1, 3))
    shape = draw(shapes(min_dims=k, max_dims=4, min_side=1, max_side=5))
    if kind == "fft":
        dt = draw(st.sampled_from([np.dtype(np.complex64), np.dtype(np.complex128)]))
        x = (arrays(draw, F64, shape) + 1j * arrays(draw, F64, shape)).astype(dt)
        return Case([x], [np.zeros(shape, dt)], [k, int(draw(st.booleans()))], tol=FFT_TOL)
    rdt = draw(st.sampled_from(FLOATS))
    cdt = np.dtype(np.complex64 if rdt == F32 else np.complex128)
    half = (*shape[:-1], shape[-1] // 2 + 1)
    if kind == "rfft":
        return Case([arrays(draw, rdt, shape)], [np.zeros(half, cdt)], [k], tol=FFT_TOL)
    x = (arrays(draw, F64, half) + 1j * arrays(draw, F64, half)).astype(cdt)
    return Case([x], [blank(shape, rdt)], [k], tol=FFT_TOL)


FFT_TOL = {
    F32: {"rtol": 1e-4, "atol": 1e-3},
    F64: {"rtol": 1e-9, "atol": 1e-9},
    np.dtype(np.complex64): {"rtol": 1e-4, "atol": 1e-3},
    np.dtype(np.complex128): {"rtol": 1e-9, "atol": 1e-9},
}
ROWS.update({k: fft_case(k) for k in ("fft", "rfft", "irfft")})


# ---- image_resize.cc -----------------------------------------------------------------------------
@st.composite
def resize_bilinear_case(draw, grad):
    """Up and down, every pixel convention, 1-pixel sides, same-size copies; NaN and infinities
    in the images (the lerps of equal corners keep them); the gradient into float32 and float64."""
    n, c = draw(st.integers(0, 2)), draw(st.integers(1, 4))
    h, w, oh, ow = (draw(st.integers(1, 7)) for _ in range(4))
    ints = draw(st.sampled_from([[0, 0], [1, 0], [0, 1]]))
    if grad:
        g = arrays(draw, F32, (n, oh, ow, c), -10, 10)
        return Case([g], [blank((n, h, w, c), draw(st.sampled_from(FLOATS)))], ints)
    x = arrays(draw, F32, (n, h, w, c), -100, 100, specials=True)
    return Case([x], [blank((n, oh, ow, c), F32)], ints)


ROWS["resize_bilinear"] = resize_bilinear_case(False)
ROWS["resize_bilinear_grad"] = resize_bilinear_case(True)


# ---- clock.cc ------------------------------------------------------------------------------------
# two clocks read a moment apart: equal within a minute
ROWS["timestamp"] = st.just(Case([], [blank((), F64)], tol={F64: {"rtol": 0, "atol": 60.0}}))


# ---- Adadelta, proximal, Adagrad-DA and FTRL updates (cpp/optim.cc, cpp/sparse.cc) ---------------
def _step():
    return st.integers(1, 100).map(lambda t: np.array(t, np.int64))


def _power(dt):
    return st.sampled_from([-0.5, -0.25, -0.7, 0.0]).map(lambda p: np.array(p, dt))


@st.composite
def ftrl_case(draw, v2, sparse):
    n_extra = 3 if v2 else 2  # l1, l2 (, l2_shrinkage) after lr
    c = draw(sparse_update_case(n_extra, 2) if sparse else optimizer_case(1 + n_extra, 2))
    dt = c.outputs[0].dtype
    power = draw(_power(dt))
    if sparse:
        lr, values, ids, *extra = c.inputs
        return Case([values, ids, lr, *extra, power], c.outputs, c.ints)
    *hyper, grad = c.inputs
    return Case([grad, *hyper, power], c.outputs, c.ints)


@st.composite
def adagrad_da_case(draw, sparse):
    c = draw(sparse_update_case(2, 2) if sparse else optimizer_case(3, 2))
    step = draw(_step())
    if sparse:
        lr, values, ids, l1, l2 = c.inputs
        return Case([values, ids, lr, l1, l2, step], c.outputs, c.ints)
    lr, l1, l2, grad = c.inputs
    return Case([grad, lr, l1, l2, step], c.outputs, c.ints)


@st.composite
def sparse_hyper_first(draw, n_hyper, n_slots, centered=False):
    """[hyper..., values, indices] for the SparseApply* kernels whose scalars come first
    (centered RMSProp: its ``mg`` slot small enough that ``ms - mg^2`` stays positive)."""
    c = draw(sparse_update_case(n_hyper - 1, n_slots))
    lr, values, ids, *extra = c.inputs
    outs = c.outputs
    if centered:
        dt = outs[0].dtype
        outs = [outs[0], np.asarray(outs[1] * 0.1, dt), np.asarray(outs[2] + 1, dt), outs[3]]
    return Case([lr, *extra, values, ids], outs, c.ints)


@st.composite
def centered_rms_prop_case(draw):
    c = draw(optimizer_case(4, 3))
    var, mg, ms, mom = c.outputs
    shrunk, raised = (np.asarray(a, var.dtype) for a in (mg * 0.1, ms + 1))
    return Case(c.inputs, [var, shrunk, raised, mom], c.ints)


ROWS.update(
    {
        "apply_adadelta": optimizer_case(3, 2),
        "apply_proximal_gradient_descent": optimizer_case(3, 0),
        "apply_proximal_adagrad": optimizer_case(3, 1),
        "apply_adagrad_da": adagrad_da_case(False),
        "apply_ftrl": ftrl_case(False, False),
        "apply_ftrl_v2": ftrl_case(True, False),
        "sparse_apply_adadelta": sparse_hyper_first(3, 2),
        "sparse_apply_proximal_gradient_descent": sparse_hyper_first(3, 0),
        "sparse_apply_proximal_adagrad": sparse_hyper_first(3, 1),
        "sparse_apply_adagrad_da": adagrad_da_case(True),
        "sparse_apply_ftrl": ftrl_case(False, True),
        "sparse_apply_ftrl_v2": ftrl_case(True, True),
        "apply_centered_rms_prop": centered_rms_prop_case(),
        "sparse_apply_rms_prop": sparse_hyper_first(4, 2),
        "sparse_apply_centered_rms_prop": sparse_hyper_first(4, 3, centered=True),
    }
)
LOOSE_F32 |= {
    "apply_adadelta",
    "apply_proximal_gradient_descent",
    "apply_proximal_adagrad",
    "apply_adagrad_da",
    "apply_ftrl",
    "apply_ftrl_v2",
    "sparse_apply_adadelta",
    "sparse_apply_proximal_gradient_descent",
    "sparse_apply_proximal_adagrad",
    "sparse_apply_adagrad_da",
    "sparse_apply_ftrl",
    "sparse_apply_ftrl_v2",
    "apply_centered_rms_prop",
    "sparse_apply_rms_prop",
    "sparse_apply_centered_rms_prop",
}


# ---- quantized.cc: TFLite's int8 kernels ---------------------------------------------------------
I8 = np.dtype("int8")


def int8s(draw, shape):
    return arrays(draw, I8, shape, -128, 127)


def zero_point(draw):
    return draw(st.integers(-128, 127))


def act_bounds(draw):
    lo = draw(st.integers(-128, 0))
    return lo, draw(st.integers(lo, 127))


def multiplier(draw):  # scale products over the output scale: below 1, and a few above
    return draw(st.one_of(st.floats(1e-5, 0.99), st.floats(1.0, 300.0)))


@st.composite
def quantize_case(draw, direction):
    shape = draw(shapes())
    scale = draw(st.floats(2**-10, 10.0, width=32))
    if direction == "in":
        x = arrays(draw, F32, shape, -3000, 3000, specials=True)
        lo, hi = act_bounds(draw)
        return Case([x], [blank(shape, I8)], [zero_point(draw), lo, hi], [scale])
    return Case([int8s(draw, shape)], [blank(shape, F32)], [zero_point(draw)], [scale])


@st.composite
def qconv_case(draw):
    depthwise = draw(st.booleans())
    n, h, w, c = (
        draw(st.integers(0, 2)),
        draw(st.integers(1, 6)),
        draw(st.integers(1, 6)),
        draw(st.integers(1, 10)),
    )
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw, dh, dw = (draw(st.integers(1, 2)) for _ in range(4))
    pt, pb, pl, pr = (draw(st.integers(0, 2)) for _ in range(4))
    # (up to 20 channels: the AVX-512 requantization's 8-channel blocks and its scalar tail)
    oc = c * draw(st.integers(1, 2)) if depthwise else draw(st.integers(1, 20))
    x = int8s(draw, (n, h, w, c))
    f = int8s(draw, (1, kh, kw, oc) if depthwise else (oc, kh, kw, c))
    bias = arrays(draw, I32, (oc,), -20000, 20000)
    oh = max(0, (h + pt + pb - (kh - 1) * dh - 1) // sh + 1)
    ow = max(0, (w + pl + pr - (kw - 1) * dw - 1) // sw + 1)
    lo, hi = act_bounds(draw)
    mults = [multiplier(draw) for _ in range(draw(st.sampled_from([1, oc])))]
    ints = [sh, sw, dh, dw, pt, pb, pl, pr, int(depthwise), zero_point(draw), zero_point(draw)]
    return Case([x, f, bias], [blank((n, oh, ow, oc), I8)], [*ints, lo, hi], mults)


@st.composite
def qfully_connected_case(draw):
    rows, n_in, n_out = draw(st.integers(0, 3)), draw(st.integers(1, 8)), draw(st.integers(1, 20))
    x, w = int8s(draw, (rows, n_in)), int8s(draw, (n_out, n_in))
    bias = arrays(draw, I32, (n_out,), -20000, 20000)
    lo, hi = act_bounds(draw)
    mults = [multiplier(draw) for _ in range(draw(st.sampled_from([1, n_out])))]
    # (weights' zero point 0, TFLite's, takes the oneDNN path; another one the loop)
    zps = [zero_point(draw), draw(st.sampled_from([0, -3, 5])), zero_point(draw)]
    return Case([x, w, bias], [blank((rows, n_out), I8)], [*zps, lo, hi], mults)


@st.composite
def qadd_case(draw):
    shape = draw(shapes())
    lo, hi = act_bounds(draw)
    scales = [draw(st.floats(2**-10, 1.0, width=32)) for _ in range(3)]
    zps = [zero_point(draw) for _ in range(3)]
    return Case(
        [int8s(draw, shape), int8s(draw, shape)], [blank(shape, I8)], [*zps, lo, hi], scales
    )


@st.composite
def qmean_case(draw):
    shape = draw(shapes(min_dims=1, min_side=1))
    mask = [draw(st.integers(0, 1)) for _ in shape]
    out = [d for d, m in zip(shape, mask) if not m]
    scales = [draw(st.floats(2**-10, 1.0, width=32)) for _ in range(2)]
    return Case(
        [int8s(draw, shape)], [blank(out, I8)], [zero_point(draw), zero_point(draw), *mask], scales
    )


@st.composite
def qsoftmax_case(draw):
    shape = draw(shapes(min_dims=1))
    s = draw(st.floats(2**-10, 0.5, width=32))
    # float32 exp (libm's and NumPy's) and float32 sums may put a value on the other side of a
    # rounding boundary: one step apart at most
    return Case([int8s(draw, shape)], [blank(shape, I8)], [zero_point(draw)], [s, 1 / 256], {I8: 1})


@st.composite
def qmax_pool_case(draw):
    n, h, w, c = (draw(st.integers(1, 5)) for _ in range(4))
    kh, kw, sh, sw = (draw(st.integers(1, 3)) for _ in range(4))
    pt, pb, pl, pr = (
        draw(st.integers(0, kh - 1)),
        draw(st.integers(0, kh - 1)),
        draw(st.integers(0, kw - 1)),
        draw(st.integers(0, kw - 1)),
    )
    oh, ow = (h + pt + pb - kh) // sh + 1, (w + pl + pr - kw) // sw + 1
    if oh <= 0 or ow <= 0:
        oh, ow = max(oh, 0), max(ow, 0)
    lo, hi = act_bounds(draw)
    ints = [kh, kw, sh, sw, pt, pb, pl, pr, lo, hi]
    return Case([int8s(draw, (n, h, w, c))], [blank((n, oh, ow, c), I8)], ints)


ROWS.update(
    {
        "quantize": quantize_case("in"),
        "dequantize": quantize_case("out"),
        "qconv2d": qconv_case(),
        "qfully_connected": qfully_connected_case(),
        "qadd": qadd_case(),
        "qmean": qmean_case(),
        "qsoftmax": qsoftmax_case(),
        "qmax_pool": qmax_pool_case(),
    }
)


# FTRL's new weight is (sign(linear) l1 - linear) / quadratic, with linear updated through
# float32 powers of the accumulators (libm's powf vs NumPy's differ by an ulp): the subtraction
# can cancel most digits (seen: 2.3e-5 relative on one element)
CANCELLING_F32 = {"apply_ftrl", "apply_ftrl_v2", "sparse_apply_ftrl", "sparse_apply_ftrl_v2"}


def test_every_kernel_has_a_row():
    """A kernel added to the C++ registry must get a row here (and a NumPy reference)."""
    names = set(_core.kernel_names())
    assert names - set(ROWS) == set(), "kernels without a row"
    assert set(ROWS) - names == set(), "rows for kernels that do not exist"
    assert set(ref.kernel_names()) == names


@pytest.mark.parametrize("name", sorted(ROWS))
@given(data=st.data())
def test_kernel_matches_numpy(name, data):
    case = data.draw(ROWS[name], label="case")
    ins_c, ins_n = [a.copy() for a in case.inputs], [a.copy() for a in case.inputs]
    outs_c, outs_n = [o.copy() for o in case.outputs], [o.copy() for o in case.outputs]
    _core.run_kernel(name, ins_c, outs_c, case.ints, case.floats)
    ref.run_kernel(name, ins_n, outs_n, case.ints, case.floats)
    for got, want in zip(outs_c, outs_n):
        assert_same(name, got, want, case)
    for got, want, orig in zip(ins_c, ins_n, case.inputs):
        # Inputs are read-only, except the random run counter, which both advance by one, and
        # the Generator's state that rng_read_and_skip advances (both sides alike).
        np.testing.assert_array_equal(got, want)
        if name not in COUNTERS and name != "rng_read_and_skip":
            np.testing.assert_array_equal(got, orig)
    if name in COUNTERS:
        assert ins_c[0][0] == case.inputs[0][0] + 1


@pytest.mark.parametrize("backend", ["onednn", "reference"])
@pytest.mark.parametrize("name", ["qconv2d", "qfully_connected"])
@given(data=st.data())
def test_int8_products_match_numpy_on_each_conv_backend(name, backend, data):
    """The int8 convolution and fully connected kernels take oneDNN's exact int32 sums (then
    requantize them) or their own loop, by the conv backend: both give the NumPy twin's bytes.
    oneDNN runs on tiles of output rows: with 1-byte tiles, one row each (the padding of the
    first and last rows' tiles, the strided and dilated rows between), which oneDNN takes
    wherever it takes the whole layer."""
    case = data.draw(ROWS[name], label="case")
    outs_n = [o.copy() for o in case.outputs]
    ref.run_kernel(name, [a.copy() for a in case.inputs], outs_n, case.ints, case.floats)
    before = _core.conv_backend()
    _core.set_conv_backend(backend)
    fallbacks = []
    try:
        for tile in (1 << 20, 1) if backend == "onednn" else (1 << 20,):
            tile_before = _core.set_int8_conv_tile_bytes(tile)
            try:
                count = _core.int8_conv_fallbacks()
                outs_c = [o.copy() for o in case.outputs]
                _core.run_kernel(
                    name, [a.copy() for a in case.inputs], outs_c, case.ints, case.floats
                )
                fallbacks.append(_core.int8_conv_fallbacks() - count)
            finally:
                _core.set_int8_conv_tile_bytes(tile_before)
            assert_same(name, outs_c[0], outs_n[0], case)
    finally:
        _core.set_conv_backend(before)
    assert len(set(fallbacks)) == 1, fallbacks


@st.composite
def qdepthwise_case(draw):
    """A depthwise int8 convolution with depth multiplier 1 and channel counts that reach every
    part of the direct kernel: blocks of 32 and of 16 channels and the channels after them,
    kernels up to 5x5 (an odd tap count pairs its last tap with a zero one), padding on every
    side (the pixels whose taps move along the row, and those next to the border), extreme
    values (the largest sums) and zero points."""
    c = draw(st.sampled_from([1, 15, 16, 24, 32, 40, 48, 67]))
    n, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    sh, sw, dh, dw = (draw(st.integers(1, 2)) for _ in range(4))
    pt, pb, pl, pr = (draw(st.integers(0, 3)) for _ in range(4))
    extreme = draw(st.booleans())
    x = np.full((n, h, w, c), -128, I8) if extreme else int8s(draw, (n, h, w, c))
    f = np.full((1, kh, kw, c), -128, I8) if extreme else int8s(draw, (1, kh, kw, c))
    bias = arrays(draw, I32, (c,), -20000, 20000)
    oh = max(0, (h + pt + pb - (kh - 1) * dh - 1) // sh + 1)
    ow = max(0, (w + pl + pr - (kw - 1) * dw - 1) // sw + 1)
    lo, hi = act_bounds(draw)
    mults = [multiplier(draw) for _ in range(draw(st.sampled_from([1, c])))]
    xzp = 127 if extreme else zero_point(draw)
    ints = [sh, sw, dh, dw, pt, pb, pl, pr, 1, xzp, zero_point(draw)]
    return Case([x, f, bias], [blank((n, oh, ow, c), I8)], [*ints, lo, hi], mults)


@given(case=qdepthwise_case())
def test_int8_depthwise_direct_matches_numpy(case):
    """The direct depthwise sums (AVX2, or AVX-512 VNNI where the CPU has it) give the NumPy
    twin's bytes, as oneDNN's sums do with the direct kernel turned off."""
    want = [o.copy() for o in case.outputs]
    ref.run_kernel("qconv2d", [a.copy() for a in case.inputs], want, case.ints, case.floats)
    for direct in (True, False):
        before = _core.set_int8_depthwise_direct(direct)
        try:
            got = [o.copy() for o in case.outputs]
            _core.run_kernel(
                "qconv2d", [a.copy() for a in case.inputs], got, case.ints, case.floats
            )
        finally:
            _core.set_int8_depthwise_direct(before)
        assert_same("qconv2d", got[0], want[0], case)


@pytest.mark.parametrize("dtype", FLOATS)
def test_pow_special_values_follow_c(dtype):
    """C99 pow (and TF): pow(-inf, 0.5) = +inf, pow(-0, -0.5) = +inf, pow(-1, +-inf) = 1,
    pow(x, 0) = 1 even for NaN, pow(1, y) = 1 even for NaN."""
    x = np.array([-np.inf, -np.inf, -0.0, -1.0, -1.0, np.nan, 1.0, -8.0], dtype)
    y = np.array([0.5, 3.0, -0.5, np.inf, -np.inf, 0.0, np.nan, 1 / 3], dtype)
    want = np.array([np.inf, -np.inf, np.inf, 1.0, 1.0, 1.0, 1.0, np.nan], dtype)
    for run in (_core.run_kernel, ref.run_kernel):
        out = blank(x.shape, np.dtype(dtype))
        run("pow", [x, y], [out])
        np.testing.assert_array_equal(out, want)


# ---- errors: both sides reject the same malformed calls ------------------------------------------
f32 = np.ones((2, 3), np.float32)
BAD_CALLS = [
    ("reduce_sum", [f32], [np.empty(2, np.float32)], [1]),  # mask of the wrong length
    ("argmax", [f32], [np.empty(3, np.int64)], [2]),  # axis out of range
    ("argmax", [f32], [np.empty(3, np.int32)], [0]),  # output must be int64
    ("matmul", [f32, f32], [np.empty((2, 3), np.float32)], [0, 0]),  # inner dims 3 vs 2
    ("transpose", [f32], [np.empty((3, 2), np.float32)], [0, 0]),  # not a permutation
    ("tile", [f32], [np.empty((4, 3), np.float32)], [2, -1]),  # negative multiples
    (
        "batch_matmul",
        [np.ones((2, 2, 3), np.float32), np.ones((3, 4, 2), np.float32)],
        [np.empty((3, 2, 2), np.float32)],
        [0, 0],
    ),  # batch 2 vs 3: not broadcastable
    (
        "batch_matmul",
        [np.ones((2, 3), np.float32), np.ones((2, 2), np.float32)],
        [np.empty((2, 2), np.float32)],
        [0, 0],
    ),  # inner dimensions 3 vs 2
    ("tile", [f32], [np.empty((4, 3), np.float32)], [2]),  # one multiple for rank 2
    (
        "resize_bilinear",
        [np.ones((1, 4, 4, 3), np.float32)],
        [np.empty((1, 2, 2, 3), np.float32)],
        [1, 1],
    ),  # align_corners with half_pixel_centers
    (
        "resize_bilinear",
        [np.ones((1, 0, 4, 3), np.float32)],
        [np.empty((1, 2, 2, 3), np.float32)],
        [0, 0],
    ),  # an image of no rows
    (
        "resize_bilinear",
        [np.ones((1, 4, 4, 3), np.float32)],
        [np.empty((1, 2, 2, 2), np.float32)],
        [0, 0],
    ),  # 2 output channels for 3
    ("resize_bilinear", [f32], [np.empty((2, 3), np.float32)], [0, 0]),  # not 4-D
    (
        "resize_bilinear_grad",
        [np.ones((1, 2, 2, 3), np.float32)],
        [np.empty((1, 4, 4, 3), np.int32)],
        [0, 0],
    ),  # an integer gradient
    ("invert_permutation", [np.array([0, 0], np.int32)], [np.empty(2, np.int32)], []),
    ("invert_permutation", [np.array([0, 2], np.int64)], [np.empty(2, np.int64)], []),
    ("strided_slice", [f32], [np.empty(3, np.float32)], [0, 1, 1, 1, 1, 3]),  # out of bounds
    ("concat", [f32, np.ones((2, 2), np.float32)], [np.empty((4, 3), np.float32)], [0]),
    ("split", [f32], [np.empty((2, 1), np.float32)], [1]),  # pieces do not add up
    ("add", [f32, np.ones((2,), np.float32)], [np.empty((2, 3), np.float32)], []),
    ("softmax", [np.float32(1.0).reshape(())], [np.empty((), np.float32)], []),
    ("log", [np.ones(2, np.int32)], [np.empty(2, np.int32)], []),  # float-only kernel
    ("pow", [np.full(2, 2, np.int32), np.array([1, -1], np.int32)], [np.empty(2, np.int32)], []),
    ("floor_div", [np.ones(2, np.int32), np.array([1, 0], np.int32)], [np.empty(2, np.int32)], []),
    ("floor_mod", [np.ones(2, np.int64), np.array([0, 1], np.int64)], [np.empty(2, np.int64)], []),
    ("truncate_div", [np.ones(1, np.int32), np.zeros(1, np.int32)], [np.empty(1, np.int32)], []),
    ("truncate_mod", [np.ones(1, np.int64), np.zeros(1, np.int64)], [np.empty(1, np.int64)], []),
    ("no_such_kernel", [f32], [np.empty((2, 3), np.float32)], []),
    (
        "conv2d",
        [np.ones((1, 4, 4, 3), np.float32), np.ones((3, 3, 2, 2), np.float32)],
        [np.empty((1, 2, 2, 2), np.float32)],
        [1, 1, 1, 1, 0, 0, 0, 0],
    ),  # in depth 3 vs 2
    (
        "conv2d",
        [np.ones((1, 4, 4, 3), np.float32), np.ones((3, 3, 3, 2), np.float32)],
        [np.empty((1, 3, 3, 2), np.float32)],
        [1, 1, 1, 1, 0, 0, 0, 0],
    ),  # output 2x2, not 3x3
    (
        "conv2d_bias_act",
        [
            np.ones((1, 4, 4, 3), np.float32),
            np.ones((3, 3, 3, 2), np.float32),
            np.ones(3, np.float32),
        ],
        [np.empty((1, 2, 2, 2), np.float32)],
        [1, 1, 1, 1, 0, 0, 0, 0, 2, 0],
    ),  # bias [3] for 2 output channels
    (
        "depthwise_conv2d_bias_act",
        [
            np.ones((1, 4, 4, 3), np.float32),
            np.ones((3, 3, 3, 1), np.float32),
            np.ones(3, np.float32),
        ],
        [np.empty((1, 2, 2, 3), np.float32)],
        [1, 1, 1, 1, 0, 0, 0, 0, 3, 0],
    ),  # activation 3
    (
        "max_pool",
        [np.ones((1, 4, 4, 3), np.float32)],
        [np.empty((1, 2, 2, 3), np.float32)],
        [2, 2, 2, 2, 2, 0, 0, 0],
    ),  # padding as large as the window
    (
        "avg_pool",
        [np.ones((1, 4, 4, 3), np.int32)],
        [np.empty((1, 2, 2, 3), np.int32)],
        [2, 2, 2, 2, 0, 0, 0, 0],
    ),  # float-only kernel
    (
        "lstm_seq",
        [
            np.ones((2, 1, 3), np.float32),
            *([np.ones((1, 2), np.float32)] * 2),
            np.ones((4, 8), np.float32),
            np.ones(8, np.float32),
        ],
        [np.empty((2, 1, k), np.float32) for k in (2, 2, 8, 2)] + [np.empty(16, np.float32)],
        [],
    ),  # w has 4 rows, not depth 3 + units 2
    (
        "lstm_seq_grad",
        [np.ones((2, 1, 3), np.float32), *[np.ones((1, 2), np.float32)] * 2]
        + [np.ones((5, 8), np.float32)]
        + [np.ones((2, 1, k), np.float32) for k in (2, 2, 8, 2, 2)],
        [np.empty(s, np.float32) for s in [(2, 1, 3), (1, 2), (1, 2), (5, 8), (8,), (2, 1, 8)]]
        + [np.empty((2, 1, 5), np.float32)],
        [],
    ),  # d_h missing: 9 inputs
    ("assert", [np.array(False)], [], []),  # the condition is False
    ("assert", [np.array([True, True])], [], []),  # not a scalar
    ("assert", [np.array(1.0)], [], []),  # not a bool
    ("check_numerics", [np.array([1.0, np.nan])], [np.empty(2)], []),
    ("check_numerics", [np.array([np.inf], np.float32)], [np.empty(1, np.float32)], []),
    ("check_numerics", [np.array([1], np.int32)], [np.empty(1, np.int32)], []),  # not float
    ("identity_n", [f32, f32], [np.empty((2, 3), np.float32)], []),  # 2 inputs, 1 output
    ("identity_n", [f32], [np.empty((3, 2), np.float32)], []),  # shape differs
]


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "name, inputs, outputs, ints", BAD_CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD_CALLS)]
)
def test_malformed_calls_raise(name, inputs, outputs, ints):
    with pytest.raises(_core.KernelError, match=r"^\["):
        _core.run_kernel(name, inputs, [o.copy() for o in outputs], ints)
    with pytest.raises(ref.KernelError):
        ref.run_kernel(name, inputs, [o.copy() for o in outputs], ints)


@pytest.mark.parametrize("dtype", INTS)
def test_integer_division_edges_follow_tf(dtype):
    """TF's integer FloorDiv/FloorMod/TruncateDiv/TruncateMod (checked against TF 2.21 in
    test_integer_semantics.py): floor toward -inf, INT_MIN / -1 wraps to INT_MIN and
    INT_MIN % -1 is 0; a zero divisor raises, TruncateDiv/TruncateMod's as InternalKernelError."""
    lo = np.iinfo(dtype).min
    x = np.array([7, -7, 7, -7, lo, lo, 0], dtype)
    y = np.array([2, 2, -2, -2, -1, 1, -3], dtype)
    want = {
        "floor_div": [3, -4, -4, 3, lo, lo, 0],
        "floor_mod": [1, 1, -1, -1, 0, 0, 0],
        "truncate_div": [3, -3, -3, 3, lo, lo, 0],
        "truncate_mod": [1, -1, 1, -1, 0, 0, 0],
    }
    for name, w in want.items():
        for run in (_core.run_kernel, ref.run_kernel):
            out = blank(x.shape, np.dtype(dtype))
            run(name, [x, y], [out])
            np.testing.assert_array_equal(out, np.array(w, dtype), err_msg=name)
    zero = [x, np.zeros_like(y)]
    for name in ("floor_div", "floor_mod"):
        with pytest.raises(_core.KernelError, match=r"^\[Floor\w+\] Integer division by zero$"):
            _core.run_kernel(name, zero, [blank(x.shape, np.dtype(dtype))])
    for name in ("truncate_div", "truncate_mod"):
        with pytest.raises(_core.InternalKernelError, match="Unexpected error in binary operator"):
            _core.run_kernel(name, zero, [blank(x.shape, np.dtype(dtype))])
        with pytest.raises(ref.InternalKernelError):
            ref.run_kernel(name, zero, [blank(x.shape, np.dtype(dtype))])
    out = np.empty((0, 7), dtype)  # an empty output divides nothing: no error
    _core.run_kernel("floor_div", [np.empty((0, 7), dtype), np.zeros(7, dtype)], [out])


def test_core_kernel_error_is_a_runtime_error():
    assert issubclass(_core.KernelError, RuntimeError)


# ---- random kernels: distribution, range, determinism --------------------------------------------
N = 100_000


def draw_random(name, dtype, seed=(42, 7), counter=0, n=N):
    c = np.array([counter], np.int64)
    out = np.empty(n, dtype)
    _core.run_kernel(name, [c], [out], list(seed))
    assert c[0] == counter + 1  # each call takes the next run index
    return out


def _truncated_std(k=2.0):
    phi = math.exp(-k * k / 2) / math.sqrt(2 * math.pi)
    mass = math.erf(k / math.sqrt(2))
    return math.sqrt(1 - 2 * k * phi / mass)


@pytest.mark.parametrize("dtype", FLOATS)
def test_random_uniform_distribution(dtype):
    x = draw_random("random_uniform", dtype)
    assert x.dtype == dtype
    assert x.min() >= 0.0 and x.max() < 1.0
    # Mean 1/2 and std 1/sqrt(12), within five standard errors.
    se = (1 / math.sqrt(12)) / math.sqrt(N)
    assert abs(x.mean() - 0.5) < 5 * se
    assert abs(x.std() - 1 / math.sqrt(12)) < 5 * (1 / math.sqrt(12)) / math.sqrt(2 * N) * 1.2
    counts, _ = np.histogram(x, bins=10, range=(0, 1))
    p = 0.1
    assert np.all(np.abs(counts / N - p) < 5 * math.sqrt(p * (1 - p) / N))


@pytest.mark.parametrize("dtype", FLOATS)
def test_random_normal_distribution(dtype):
    x = draw_random("random_normal", dtype).astype(np.float64)
    assert np.all(np.isfinite(x))
    assert abs(x.mean()) < 5 / math.sqrt(N)
    assert abs(x.std() - 1.0) < 5 / math.sqrt(2 * N)
    # Tails as a standard normal: P(|z| > 2) = 4.55%, P(|z| > 3) = 0.27%.
    for k, p in ((1.0, 0.3173), (2.0, 0.0455), (3.0, 0.0027)):
        assert abs(np.mean(np.abs(x) > k) - p) < 5 * math.sqrt(p * (1 - p) / N)


@pytest.mark.parametrize("dtype", FLOATS)
def test_truncated_normal_distribution(dtype):
    x = draw_random("truncated_normal", dtype).astype(np.float64)
    assert np.all(np.abs(x) <= 2.0)  # within two standard deviations
    sd = _truncated_std(2.0)  # 0.8796 for a standard normal truncated at +-2
    assert abs(x.mean()) < 5 * sd / math.sqrt(N)
    assert abs(x.std() - sd) < 0.01
    # Inside the window the shape is normal: P(|z| < 1 | |z| < 2) = 0.6827 / 0.9545.
    p = 0.682689 / 0.954500
    assert abs(np.mean(np.abs(x) < 1) - p) < 5 * math.sqrt(p * (1 - p) / N)


@pytest.mark.parametrize("name", RANDOM)
@pytest.mark.parametrize("dtype", FLOATS)
def test_random_determinism(name, dtype):
    a = draw_random(name, dtype, seed=(3, 11), counter=5, n=1000)
    b = draw_random(name, dtype, seed=(3, 11), counter=5, n=1000)
    np.testing.assert_array_equal(a, b)  # same seeds and run index: same numbers
    nxt = draw_random(name, dtype, seed=(3, 11), counter=6, n=1000)
    other = draw_random(name, dtype, seed=(3, 12), counter=5, n=1000)
    assert np.mean(a == nxt) < 0.01 and np.mean(a == other) < 0.01
    # Element i depends only on (seeds, run, i): a shorter draw is a prefix of a longer one.
    np.testing.assert_array_equal(draw_random(name, dtype, seed=(3, 11), counter=5, n=10), a[:10])


@pytest.mark.parametrize("name", RANDOM)
def test_random_next_run_differs_through_one_counter(name):
    """Two calls sharing a counter array give different numbers (the counter advances)."""
    c = np.zeros(1, np.int64)
    first, second = np.empty(500, np.float32), np.empty(500, np.float32)
    _core.run_kernel(name, [c], [first], [1, 2])
    _core.run_kernel(name, [c], [second], [1, 2])
    assert c[0] == 2
    assert np.mean(first == second) < 0.01


@pytest.mark.parametrize("name", RANDOM)
def test_random_thread_count_does_not_change_numbers(name):
    before = _core.get_num_threads()
    try:
        _core.set_num_threads(1)
        one = draw_random(name, np.float32, n=20_000)
        _core.set_num_threads(2)
        two = draw_random(name, np.float32, n=20_000)
    finally:
        _core.set_num_threads(before)
    np.testing.assert_array_equal(one, two)


# ---- large inputs: the parallel, chunked and BLAS code paths -------------------------------------
def _large_cases():
    rng = np.random.default_rng(3)
    big = rng.normal(size=300_000)  # above 4 * kParallelGrain: chunked single-output reductions
    mat = rng.normal(size=(1000, 300))
    wide = rng.normal(size=(300, 1000))
    cases = []
    for dt in FLOATS:
        b, m, w = big.astype(dt), mat.astype(dt), wide.astype(dt)
        for red in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min"):
            cases += [
                (red, Case([b], [blank((), dt)], [1])),
                (red, Case([m], [blank((300,), dt)], [1, 0])),
                (red, Case([m], [blank((1000,), dt)], [0, 1])),
                (red, Case([m.reshape(10, 100, 300)], [blank((100,), dt)], [1, 0, 1])),
            ]
        cases += [
            ("reduce_prod", Case([np.exp(b / 1000)], [blank((), dt)], [1])),
            ("add", Case([m, m[:1]], [blank(m.shape, dt)])),
            ("mul", Case([m, m[:, :1]], [blank(m.shape, dt)])),
            ("exp", Case([m], [blank(m.shape, dt)])),
            ("softmax", Case([m], [blank(m.shape, dt)])),
            ("log_softmax", Case([w], [blank(w.shape, dt)])),
            ("softmax_xent", Case([m, np.abs(m)], [blank((1000,), dt), blank(m.shape, dt)])),
            ("transpose", Case([m], [blank((300, 1000), dt)], [1, 0])),
            ("argmax", Case([m], [blank((300,), I64)], [0])),
            ("argmin", Case([w], [blank((300,), I64)], [1])),
            (
                "matmul",
                Case([m[:200, :150], w[:150, :100]], [blank((200, 100), dt)], [0, 0], tol="matmul"),
            ),
            (
                "matmul",
                Case([m[:150, :200], w[:100, :150]], [blank((200, 100), dt)], [1, 1], tol="matmul"),
            ),
            ("strided_slice", Case([m], [blank((500, 100), dt)], [1, 2, 2, 3, 500, 100])),
            ("concat", Case([m, m[:, :7]], [blank((1000, 307), dt)], [1])),
            ("cast", Case([m], [blank(m.shape, I32)])),
        ]
    return cases


LARGE = _large_cases()


@pytest.mark.parametrize("name, case", LARGE, ids=[f"{n}-{i}" for i, (n, _) in enumerate(LARGE)])
def test_large_inputs_match_numpy(name, case):
    case.inputs = [np.ascontiguousarray(a) for a in case.inputs]
    outs_c = [o.copy() for o in case.outputs]
    outs_n = [o.copy() for o in case.outputs]
    _core.run_kernel(name, case.inputs, outs_c, case.ints)
    ref.run_kernel(name, case.inputs, outs_n, case.ints)
    for got, want in zip(outs_c, outs_n):
        if got.dtype.kind == "f" and case.tol is None:
            # long sums in a different order: errors grow with the number of terms
            np.testing.assert_allclose(
                got,
                want,
                rtol=1e-5 if got.dtype == F32 else 1e-10,
                atol=1e-5 if got.dtype == F32 else 1e-10,
                err_msg=name,
            )
        else:
            assert_same(name, got, want, case)


def _int8_large_cases() -> list:
    """int8 kernels at a network's sizes, past the 8- and 16-lane loops' first blocks."""
    rng = np.random.default_rng(11)

    def i8(*shape):
        return rng.integers(-128, 128, shape).astype(I8)

    x = rng.normal(0, 3, (1, 37, 29, 5)).astype(F32)
    x.flat[::97] = np.nan
    x.flat[5::131] = np.inf
    x.flat[7::151] = -np.inf
    x.flat[9::10] = (np.arange(x.size)[9::10] % 7 - 3) * 0.5  # (ties: half to even)
    mults = [*rng.uniform(1e-4, 0.9, 24), 1.5, 40.0, 0.0]
    return [
        ("quantize", Case([x], [blank(x.shape, I8)], [-3, -128, 127], [0.5])),
        (
            "qadd",
            Case(
                [i8(2, 57, 31), i8(2, 57, 31)],
                [blank((2, 57, 31), I8)],
                [3, -7, 1, -128, 127],
                [0.02, 0.05, 0.06],
            ),
        ),
        (
            "qmean",
            Case([i8(2, 7, 9, 40)], [blank((2, 1, 1, 40), I8)], [-5, 2, 0, 1, 1, 0], [0.1, 0.03]),
        ),
        ("qmean", Case([i8(3, 8, 10)], [blank((8,), I8)], [4, -1, 1, 0, 1], [0.1, 0.2])),
        (
            "qconv2d",
            Case(
                [i8(1, 15, 13, 24), i8(27, 3, 3, 24), rng.integers(-9000, 9000, 27).astype(I32)],
                [blank((1, 8, 7, 27), I8)],
                [2, 2, 1, 1, 1, 1, 1, 1, 0, -3, 4, -128, 120],
                mults,
            ),
        ),
        (
            "qconv2d",
            Case(
                [i8(2, 14, 14, 24), i8(1, 5, 5, 24), rng.integers(-9000, 9000, 24).astype(I32)],
                [blank((2, 14, 14, 24), I8)],
                [1, 1, 1, 1, 2, 2, 2, 2, 1, 7, -2, -100, 127],
                mults[:24],
            ),
        ),
        (
            "qfully_connected",
            Case(
                [i8(3, 300), i8(37, 300), rng.integers(-9000, 9000, 37).astype(I32)],
                [blank((3, 37), I8)],
                [5, 0, -4, -128, 127],
                [0.003],
            ),
        ),
    ]


@pytest.mark.parametrize("backend", ["onednn", "reference"])
@pytest.mark.parametrize(
    "name, case", _int8_large_cases(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_int8_kernels_at_network_sizes_match_numpy(name, case, backend):
    before = _core.conv_backend()
    _core.set_conv_backend(backend)
    try:
        got = [o.copy() for o in case.outputs]
        _core.run_kernel(name, case.inputs, got, case.ints, case.floats)
    finally:
        _core.set_conv_backend(before)
    want = [o.copy() for o in case.outputs]
    ref.run_kernel(name, case.inputs, want, case.ints, case.floats)
    assert_same(name, got[0], want[0], case)


def test_large_reductions_do_not_depend_on_thread_count():
    x = np.random.default_rng(5).normal(size=(300_000,)).astype(np.float32)
    before = _core.get_num_threads()
    results = []
    try:
        for n in (1, 2):
            _core.set_num_threads(n)
            out = np.empty((), np.float32)
            _core.run_kernel("reduce_sum", [x], [out], [1])
            results.append(out.copy())
    finally:
        _core.set_num_threads(before)
    assert results[0].tobytes() == results[1].tobytes()
