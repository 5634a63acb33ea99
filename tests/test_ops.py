"""THE OP TABLE: one row per registered op type, every check on every row.

A row builds its op through the public API (``tf.add``, ``x[1:, ::2]``, ``tf.gradients`` for the
internal gradient helpers, ...), says how to draw inputs with hypothesis and gives a NumPy
reference. Every row is then checked for:

* forward values against NumPy through ``tf.Session`` (float32 and float64, ints where the op
  takes them), with the static shape equal to the runtime shape when the inputs are fully known;
* the same with placeholders whose leading dimension is unknown (static shape compatible);
* gradients against central differences in float64 (``grad_check``), or, for ops declared
  NotDifferentiable, ``tf.gradients`` returning None.

Meta-tests fail when a registered op type lacks a shape function, lacks both a gradient and
NotDifferentiable, or has no row here. NaN and Inf must propagate as in NumPy through elementwise
ops, reductions and softmax.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Callable

import conv_reference as cr
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tflite_core as tf
from tflite_core import reference as backend_numpy
from tflite_core.framework import registry
from tflite_core.nn import lstm_ops

F32, F64, I32, I64, BOOL = (np.dtype(t) for t in ("float32", "float64", "int32", "int64", "bool"))
FLOATS = (F32, F64)
NUMERIC = (F32, F64, I32, I64)
ALL = (*NUMERIC, BOOL)
FWD_TOL = {F32: {"rtol": 1e-5, "atol": 1e-6}, F64: {"rtol": 1e-12, "atol": 1e-12}}


# ---- drawing inputs ------------------------------------------------------------------------------
class Ctx:
    """What a row's ``draw`` gets: hypothesis draws, the dtype and the mode.

    Modes: "forward" (any shape, empty ones included), "partial" (rank >= 1 where the row allows,
    non-empty: the leading dimension is made unknown), "grad" (float64, small non-empty shapes,
    values away from the op's kinks).
    """

    def __init__(self, data, dtype, mode):
        self.data, self.dtype, self.mode = data, np.dtype(dtype), mode
        self.grad = mode == "grad"

    def draw(self, strategy):
        return self.data.draw(strategy)

    def _sides(self, max_side):
        return (0 if self.mode == "forward" else 1), (min(max_side, 3) if self.grad else max_side)

    def shape(self, min_dims=0, max_dims=3, max_side=4):
        if self.mode == "partial":
            min_dims = max(min_dims, 1)
        lo, hi = self._sides(max_side)
        return self.draw(
            hnp.array_shapes(
                min_dims=min_dims, max_dims=max(min_dims, max_dims), min_side=lo, max_side=hi
            )
        )

    def bcast(self, n=2):
        lo, hi = self._sides(4)
        bs = self.draw(
            hnp.mutually_broadcastable_shapes(
                num_shapes=n,
                min_dims=1 if self.mode == "partial" else 0,
                max_dims=3,
                min_side=lo,
                max_side=hi,
            )
        )
        return bs.input_shapes, bs.result_shape

    def values(self, shape, *intervals, dtype=None, unique=False):
        """An array of ``dtype`` (default: the row's) with elements in the union of intervals."""
        dt = np.dtype(dtype or self.dtype)
        intervals = intervals or ((-5.0, 5.0),)
        if dt.kind == "b":
            el = st.booleans()
        elif dt.kind == "i":
            el = st.one_of(*[st.integers(math.ceil(lo), math.floor(hi)) for lo, hi in intervals])
        else:
            el = st.one_of(
                *[
                    st.floats(
                        float(dt.type(lo)),
                        float(dt.type(hi)),
                        width=8 * dt.itemsize,
                        allow_subnormal=False,
                    )
                    for lo, hi in intervals
                ]
            )
        return self.draw(hnp.arrays(dt, shape, elements=el, unique=unique))

    def grid(self, shape, lo=-2, hi=2, dtype=None):
        """Small integers in any dtype: ties and equal values happen often."""
        dt = np.dtype(dtype or self.dtype)
        el = st.booleans() if dt.kind == "b" else st.integers(lo, hi).map(dt.type)
        return self.draw(hnp.arrays(dt, shape, elements=el))

    def distinct(self, shape):
        """Distinct values at least 0.25 apart (no ties for max/min gradients)."""
        return self.draw(
            hnp.arrays(
                self.dtype,
                shape,
                unique=True,
                elements=st.integers(-60, 60).map(lambda i: i * 0.25),
            )
        )

    def axis(self, ndim):
        """A reduction ``axis``: None, an int or a list (negative entries included)."""
        options = [st.none(), st.just([])]
        if ndim:
            options.append(st.integers(-ndim, ndim - 1))
            options.append(
                st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim).flatmap(
                    lambda axes: st.tuples(*[st.sampled_from([a, a - ndim]) for a in axes]).map(
                        list
                    )
                )
            )
        return self.draw(st.one_of(*options))


def away(lo, hi):
    return (-hi, -lo), (lo, hi)


def np_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def reduced_shape(shape, axis, keepdims):
    axes = (
        range(len(shape))
        if axis is None
        else [a % len(shape) for a in ([axis] if isinstance(axis, int) else axis)]
    )
    return (
        tuple(1 if i in axes else d for i, d in enumerate(shape))
        if keepdims
        else tuple(d for i, d in enumerate(shape) if i not in axes)
    )


# ---- the row type and its runner -----------------------------------------------------------------
class Steps(list):
    """Fetches run one after another in one session (variable updates, then reads)."""


@dataclass
class Row:
    """One op type: how to build it, its NumPy reference and how to draw its inputs.

    ``build(*inputs, **kw)`` gets placeholders (``feed="placeholder"``) or the NumPy arrays
    themselves (``feed="value"``) and returns a Tensor, a list of them, or ``Steps``.
    ``ref(*arrays, **kw)`` returns the expected values (same structure, exact dtypes).
    ``grad``: "check" (central differences) or "none" (NotDifferentiable: gradients are None).
    """

    op: str
    build: Callable
    ref: Callable
    draw: Callable
    dtypes: tuple = FLOATS
    grad: str = "check"
    feed: str = "placeholder"
    eps: float = 1e-6
    tol: dict = field(default_factory=dict)


def flatten(out):
    if isinstance(out, (list, tuple)):
        return [t for o in out for t in flatten(o)]
    return [out]


def build_graph(row, arrays, kw, partial=False):
    """A fresh graph holding the row's op: (graph, inputs, outputs, feed_dict)."""
    g = tf.Graph()
    with g.as_default():
        if row.feed == "value":
            ins, feeds = list(arrays), {}
        else:
            ins = [
                tf.placeholder(
                    tf.as_dtype(a.dtype),
                    [None, *a.shape[1:]] if partial and a.ndim else list(a.shape),
                )
                for a in arrays
            ]
            feeds = dict(zip(ins, arrays))
        out = row.build(*ins, **kw)
        init = tf.global_variables_initializer() if tf.global_variables() else None
    return g, ins, out, feeds, init


def run_graph(g, out, feeds, init):
    with tf.Session(graph=g) as sess:
        if init is not None:
            sess.run(init, feeds)
        if isinstance(out, Steps):
            return [sess.run(o, feeds) for o in out]
        return sess.run(out, feeds)


def assert_values(got, want, tol):
    if want is None:
        assert got is None
        return
    if isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(want)
        for a, b in zip(got, want):
            assert_values(a, b, tol)
        return
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"shape {got.shape} != {want.shape}"
    assert got.dtype == want.dtype, f"dtype {got.dtype} != {want.dtype}"
    if got.dtype.kind == "f":
        np.testing.assert_allclose(got, want, equal_nan=True, **{**FWD_TOL[got.dtype], **tol})
    else:
        np.testing.assert_array_equal(got, want)


def assert_static_shapes(out, got, exact):
    for t, v in zip(flatten(out), flatten(got)):
        if isinstance(t, tf.Operation) or v is None:
            continue
        runtime = list(np.shape(v))
        if exact:
            assert t.shape.is_fully_defined() and t.shape.as_list() == runtime, (
                f"static {t.shape} != runtime {runtime} for {t.name}"
            )
        else:
            assert t.shape.is_compatible_with(runtime), (
                f"static {t.shape} incompatible with runtime {runtime} for {t.name}"
            )


def reference(row, arrays, kw):
    with np.errstate(all="ignore"):
        return row.ref(*[a.copy() for a in arrays], **kw)


# ---- grad_check: analytical gradients against central differences --------------------------------
def grad_check(build, arrays, kw=None, eps=1e-6, rtol=1e-5, atol=1e-6, seed=0):
    """Checks ``tf.gradients`` of ``sum(output * W)`` (W random) against central differences.

    Every floating input is perturbed element by element by +-``eps``; an analytical gradient of
    None must correspond to a numerical gradient of zero (the output does not depend on it).
    """
    kw = kw or {}
    g = tf.Graph()
    with g.as_default():
        xs = [tf.placeholder(tf.as_dtype(a.dtype), list(a.shape)) for a in arrays]
        ys = [y for y in flatten(build(*xs, **kw)) if isinstance(y, tf.Tensor)]
        feeds = dict(zip(xs, arrays))
        with tf.Session(graph=g) as sess:
            y0 = sess.run(ys, feeds)
            rng = np.random.default_rng(seed)
            ws = [rng.uniform(-1, 1, np.shape(v)).astype(y.dtype.np) for y, v in zip(ys, y0)]
            w_phs = [tf.placeholder(y.dtype, list(np.shape(v))) for y, v in zip(ys, y0)]
            wrt = [i for i, a in enumerate(arrays) if a.dtype.kind == "f"]
            grads = tf.gradients(ys, [xs[i] for i in wrt], grad_ys=w_phs)
            feeds.update(zip(w_phs, ws))
            fetch = [gr for gr in grads if gr is not None]
            analytic = iter(sess.run(fetch, feeds)) if fetch else iter(())

            def loss(values):
                f = dict(feeds)
                f.update(zip(xs, values))
                outs = sess.run(ys, f)
                return sum(float(np.sum(np.asarray(o, np.float64) * w)) for o, w in zip(outs, ws))

            for i, gr in zip(wrt, grads):
                numeric = np.zeros(arrays[i].shape)
                for j in range(arrays[i].size):
                    vals = [a.copy() for a in arrays]
                    vals[i].flat[j] += eps
                    up = loss(vals)
                    vals[i].flat[j] -= 2 * eps
                    numeric.flat[j] = (up - loss(vals)) / (2 * eps)
                got = np.zeros(arrays[i].shape) if gr is None else next(analytic)
                assert np.shape(got) == arrays[i].shape, f"gradient shape of input {i}"
                np.testing.assert_allclose(
                    got, numeric, rtol=rtol, atol=atol, err_msg=f"gradient of input {i}"
                )


# ---- NumPy references ----------------------------------------------------------------------------
def np_histogram(x):
    """TensorFlow's histogram (core/lib/histogram/histogram.cc), written out plainly."""
    pos, v = [], 1.0e-12
    while v < 1.0e20:
        pos.append(v)
        v *= 1.1
    pos.append(np.finfo(np.float64).max)
    limits = [-p for p in reversed(pos)] + [0.0] + pos
    counts = [0.0] * len(limits)
    values = [float(e) for e in np.asarray(x, np.float64).reshape(-1)]
    for e in values:
        counts[bisect.bisect_right(limits, e)] += 1
    h = tf.HistogramProto(
        min=min(values, default=limits[-1]),
        max=max(values, default=-limits[-1]),
        num=len(values),
        sum=_seq_sum(values),  # TF adds one value at a time
        sum_squares=_seq_sum([e * e for e in values]),
    )
    i = 0
    while i < len(counts):  # a run of empty buckets is written as its last one
        end, count = limits[i], counts[i]
        i += 1
        if count <= 0:
            while i < len(counts) and counts[i] <= 0:
                end, count = limits[i], counts[i]
                i += 1
        h.bucket_limit.append(end)
        h.bucket.append(count)
    return h


def _seq_sum(values):
    total = 0.0
    for e in values:
        total += e
    return total


def np_summary(values):
    """The bytes of ``Summary(value=[...])`` from ``(tag, field, value)`` triples."""
    s = tf.Summary()
    for tag, kind, v in values:
        if kind == "histo":
            s.value.add(tag=tag, histo=v)
        else:
            s.value.add(tag=tag, simple_value=v)
    return np.array(s.SerializeToString())


def np_sigmoid(x):
    return (1 / (1 + np.exp(-x))).astype(x.dtype)


def np_relu(x):
    return np.maximum(x, np.zeros_like(x))


def np_pow(x, y):
    r = np.power(x, y)
    if x.dtype.kind == "f":  # C's pow, as TF: NumPy takes x ** 0.5 as sqrt(x), NaN at -inf
        r = np.where((y == 0.5) & (x == -np.inf), x.dtype.type(np.inf), r)
    return r


def np_reduce(fn):
    def ref(x, axis=None, keepdims=False):
        ax = np_axis(axis)
        if x.dtype.kind == "f":
            return np.asarray(fn(x.astype(np.float64), axis=ax, keepdims=keepdims)).astype(x.dtype)
        return np.asarray(fn(x, axis=ax, keepdims=keepdims, dtype=np.int64)).astype(x.dtype)

    return ref


def np_mean(x, axis=None, keepdims=False):
    ax = np_axis(axis)
    n = x.size // max(1, int(np.prod(reduced_shape(x.shape, axis, True)))) if x.size else 0
    if x.dtype.kind == "f":
        s = np.sum(x.astype(np.float64), axis=ax, keepdims=keepdims)
        return np.asarray(s / n if n else s * np.nan).astype(x.dtype)
    s = np.asarray(np.sum(x, axis=ax, keepdims=keepdims, dtype=np.int64))
    q = np.abs(s) // max(n, 1) * np.sign(s)  # C-style division, toward zero (as TF)
    return q.astype(x.dtype)


def np_extreme(fn):
    def ref(x, axis=None, keepdims=False):
        return np.asarray(fn(x, axis=np_axis(axis), keepdims=keepdims)).astype(x.dtype)

    return ref


def np_log_softmax(x, axis=-1):
    z = x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


def np_softmax(x, axis=None):
    ax = -1 if axis is None else axis
    z = np.exp(x - np.max(x, axis=ax, keepdims=True, initial=-np.inf))
    return z / np.sum(z, axis=ax, keepdims=True)


def np_sum_to(g, shape):
    lead = g.ndim - len(shape)
    s = np.sum(g, axis=tuple(range(lead))) if lead else g
    axes = tuple(i for i, d in enumerate(shape) if d == 1 and s.shape[i] != 1)
    return np.sum(s, axis=axes, keepdims=True).reshape(shape) if axes else s.reshape(shape)


def np_prod_grad(x, g, axis=None):
    """d prod(x over axis) / dx times g (kept dims), element by element (exact with zeros)."""
    kept = reduced_shape(x.shape, axis, True)
    gk = np.broadcast_to(g.reshape(kept), x.shape)
    out = np.empty_like(x)
    for j in range(x.size):
        others = x.copy()
        others.flat[j] = 1
        p = np.broadcast_to(np.prod(others, axis=np_axis(axis), keepdims=True), x.shape)
        out.flat[j] = p.flat[j] * gk.flat[j]
    return out


def np_random(kernel, shape, dtype, seeds, scale, shift):
    out = np.empty(shape, dtype)
    backend_numpy.run_kernel(kernel, [np.zeros(1, np.int64)], [out], seeds)  # the first run
    return out * dtype.type(scale) + dtype.type(shift)


# ---- draws ---------------------------------------------------------------------------------------
def unary(fwd=(-5.0, 5.0), grad=((-3.0, 3.0),)):
    def draw(ctx):
        shape = ctx.shape()
        return [ctx.values(shape, *(grad if ctx.grad else (fwd,)))], {}

    return draw


def binary(fwd_a=(-5.0, 5.0), fwd_b=(-5.0, 5.0), grad_a=((-3.0, 3.0),), grad_b=((-3.0, 3.0),)):
    def draw(ctx):
        (sa, sb), _ = ctx.bcast()
        if ctx.grad:
            return [ctx.values(sa, *grad_a), ctx.values(sb, *grad_b)], {}
        return [ctx.values(sa, fwd_a), ctx.values(sb, fwd_b)], {}

    return draw


def add_n_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape) for _ in range(ctx.draw(st.integers(2, 4)))], {}


def compare_draw(ctx):
    (sa, sb), _ = ctx.bcast()
    return [ctx.grid(sa), ctx.grid(sb)], {}


def reduce_draw(kind):
    def draw(ctx):
        nonempty = kind in ("max", "min")
        shape = ctx.shape(max_side=3 if kind == "prod" else 4)
        if nonempty:
            shape = tuple(max(d, 1) for d in shape)
        if ctx.grad and nonempty:
            x = ctx.distinct(shape)
        elif ctx.grad and kind == "prod":  # zeros too: the gradient is exact there
            x = ctx.values(shape, (-1.5, -0.5), (0.0, 0.0), (0.5, 1.5))
        else:
            x = ctx.values(shape, (-2.0, 2.0) if kind == "prod" else (-50.0, 50.0))
        return [x], {"axis": ctx.axis(len(shape)), "keepdims": ctx.draw(st.booleans())}

    return draw


def reduce_row(op, fn, ref, kind):
    return Row(
        op,
        lambda x, axis, keepdims: fn(x, axis=axis, keepdims=keepdims),
        ref,
        reduce_draw(kind),
        NUMERIC,
    )


def arg_draw(ctx):
    shape = list(ctx.shape(min_dims=1))
    axis = ctx.draw(st.integers(-len(shape), len(shape) - 1))
    shape[axis] = max(shape[axis], 1)
    return [ctx.grid(tuple(shape))], {"axis": axis}


def matmul_draw(ctx):
    lo, hi = ctx._sides(5)
    m, k, n = (ctx.draw(st.integers(lo, hi)) for _ in range(3))
    ta, tb = ctx.draw(st.booleans()), ctx.draw(st.booleans())
    a = ctx.values((k, m) if ta else (m, k), (-3.0, 3.0))
    b = ctx.values((n, k) if tb else (k, n), (-3.0, 3.0))
    return [a, b], {"transpose_a": ta, "transpose_b": tb}


def np_matmul(a, b, transpose_a, transpose_b):
    a, b = (a.T if transpose_a else a), (b.T if transpose_b else b)
    if a.dtype.kind == "f":
        return (a.astype(np.float64) @ b.astype(np.float64)).astype(a.dtype)
    return a @ b


def softmax_draw(ctx):
    shape = ctx.shape(min_dims=1)
    axis = ctx.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    return [ctx.values(shape, (-2.0, 2.0) if ctx.grad else (-30.0, 30.0))], {"axis": axis}


def xent_draw(ctx):
    rank = 2 if ctx.mode == "partial" else ctx.draw(st.integers(1, 3))
    shape = ctx.shape(min_dims=rank, max_dims=rank)
    shape = (*shape[:-1], max(shape[-1], 1))  # at least one class
    logits = ctx.values(shape, (-3.0, 3.0) if ctx.grad else (-20.0, 20.0))
    u = ctx.values(shape, (0.1, 1.0))
    labels = (u / np.maximum(u.sum(-1, keepdims=True), 1e-30)).astype(u.dtype)
    return [logits, labels], {}


def np_xent(logits, labels):
    return (-np.sum(labels * np_log_softmax(logits), axis=-1)).astype(logits.dtype)


def transpose_draw(ctx):
    shape = ctx.shape(max_dims=4)
    perm = ctx.draw(st.one_of(st.none(), st.permutations(range(len(shape)))))
    return [ctx.values(shape)], {"perm": None if perm is None else list(perm)}


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


def broadcast_to_draw(ctx):
    r = ctx.shape()
    k = ctx.draw(st.integers(0, len(r)))
    sx = tuple(1 if ctx.draw(st.booleans()) else d for d in r[len(r) - k :])
    return [ctx.values(sx)], {"shape": list(r)}


def reduced_grad_draw(ctx):
    x = ctx.values(ctx.shape(min_dims=1))
    axis = ctx.axis(x.ndim)
    return [x, ctx.values(reduced_shape(x.shape, axis, False))], {"axis": axis}


def prod_grad_draw(ctx):
    x = ctx.values(ctx.shape(min_dims=1, max_side=3), (-1.5, -0.5), (0.0, 0.0), (0.5, 1.5))
    axis = ctx.axis(x.ndim)
    return [x, ctx.values(reduced_shape(x.shape, axis, False))], {"axis": axis}


def act_grad_draw(lo, hi):
    def draw(ctx):
        shape = ctx.shape()
        return [ctx.values(shape, *away(lo, hi)), ctx.values(shape)], {}

    return draw


def concat_grad_draw(ctx):
    arrays, kw = concat_draw(ctx)
    a, b = arrays[:2]
    return [a, b, ctx.values(np.concatenate([a, b], axis=kw["axis"]).shape)], kw


def variable_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape, (-50.0, 50.0))], {"init": ctx.values(shape, (-50.0, 50.0))}


def build_assign(fn):
    def build(x, init):
        v = tf.Variable(init)
        return Steps([fn(v, x), v.value()])

    return build


def build_apply_gd(g, init, lr):
    v = tf.Variable(init)
    step = tf.train.GradientDescentOptimizer(lr).apply_gradients([(g, v)])
    return Steps([step, v.value()])


def gd_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape)], {
        "init": ctx.values(shape),
        "lr": ctx.draw(st.floats(0.0, 2.0, width=32)),
    }


# the other optimisers: two steps with the same gradient, replayed in NumPy from TF's formulas
OPTIMIZERS = {
    "ApplyMomentum": lambda kw: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=kw["nesterov"]),
    "ApplyAdam": lambda kw: tf.train.AdamOptimizer(0.01, 0.9, 0.999, 1e-8),
    "ApplyAdagrad": lambda kw: tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.1),
    "ApplyRMSProp": lambda kw: tf.train.RMSPropOptimizer(0.01, decay=0.9, momentum=0.5),
}


def build_optimizer(op_type):
    def build(g, init, nesterov):
        v = tf.Variable(init)
        step = OPTIMIZERS[op_type]({"nesterov": nesterov}).apply_gradients([(g, v)])
        return Steps([step, step, v.value()])

    return build


def ref_optimizer(op_type):
    f = np.float32  # hyper-parameters are float32 constants, cast to the variable's dtype

    def ref(g, init, nesterov):
        g, var = g.astype(np.float64), init.astype(np.float64)
        lr = {"ApplyAdam": f(0.01), "ApplyRMSProp": f(0.01)}.get(op_type, f(0.1))
        m9, b1, b2, d9, m5 = f(0.9), f(0.9), f(0.999), f(0.9), f(0.5)
        b1p, b2p = f(1), f(1)
        a, b = np.zeros_like(var), np.zeros_like(var)
        if op_type == "ApplyAdagrad":
            a += 0.1
        if op_type == "ApplyRMSProp":
            a += 1.0
        lr, m9, b1, b2, d9, m5 = (float(h) for h in (lr, m9, b1, b2, d9, m5))
        for _ in (1, 2):
            if op_type == "ApplyMomentum":
                a = m9 * a + g
                var = var - (lr * g + lr * m9 * a if nesterov else lr * a)
            elif op_type == "ApplyAdam":
                b1p, b2p = f(b1p * f(b1)), f(b2p * f(b2))  # beta powers: float32 variables
                lr_t = lr * np.sqrt(1 - float(b2p)) / (1 - float(b1p))
                a = b1 * a + (1 - b1) * g
                b = b2 * b + (1 - b2) * g * g
                var = var - lr_t * a / (np.sqrt(b) + float(f(1e-8)))
            elif op_type == "ApplyAdagrad":
                a = a + g * g
                var = var - lr * g / np.sqrt(a)
            else:
                a = d9 * a + (1 - d9) * g * g
                b = m5 * b + lr * g / np.sqrt(a + float(f(1e-10)))
                var = var - b
        return [None, None, var.astype(init.dtype)]

    return ref


def optimizer_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape)], {
        "init": ctx.values(shape),
        "nesterov": ctx.draw(st.booleans()),
    }


def build_noop(x):
    """tf.group (a NoOp) runs its control inputs: here an assignment, read back afterwards."""
    v = tf.Variable(np.zeros((), x.dtype.np))
    return Steps([tf.group(tf.assign(v, tf.reduce_sum(x))), v.value()])


def random_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape)], {
        "how": ctx.draw(st.sampled_from(["dims", "shape_of"])),
        "dims": list(shape),
        "seeds": [ctx.draw(st.integers(1, 2**31 - 1)), ctx.draw(st.integers(1, 2**31 - 1))],
        "scale": ctx.draw(st.sampled_from([0.5, 1.0, 2.0])),
        "shift": ctx.draw(st.sampled_from([0.0, -1.0, 3.0])),
    }


def build_random(kind):
    def build(x, how, dims, seeds, scale, shift):
        tf.set_random_seed(seeds[0])
        shape = dims if how == "dims" else tf.shape(x)
        dt = x.dtype
        if kind == "RandomUniform":  # minval + U * (maxval - minval)
            return tf.random_uniform(
                shape, minval=shift, maxval=shift + scale, dtype=dt, seed=seeds[1]
            )
        fn = tf.random_normal if kind == "RandomStandardNormal" else tf.truncated_normal
        return fn(shape, mean=shift, stddev=scale, dtype=dt, seed=seeds[1])

    return build


def ref_random(kernel):
    def ref(x, how, dims, seeds, scale, shift):
        if kernel == "random_uniform":
            dt = x.dtype.type
            scale = dt(shift + scale) - dt(shift)
        return np_random(kernel, x.shape, x.dtype, seeds, scale, shift)

    return ref


# ---- draws and references: indexing, padding and nn ops (issue 4) -------------------------------
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


def select_draw(ctx):
    shape = ctx.shape()
    return [ctx.grid(shape, dtype=BOOL), ctx.values(shape), ctx.values(shape)], {}


def select_v2_draw(ctx):
    (sc, sx, sy), _ = ctx.bcast(3)
    return [ctx.grid(sc, dtype=BOOL), ctx.values(sx), ctx.values(sy)], {}


def gather_draw(ctx):
    params_shape = list(ctx.shape(min_dims=1))
    axis = ctx.draw(st.integers(-len(params_shape), len(params_shape) - 1))
    ids_shape = ctx.shape(max_dims=2)
    n = params_shape[axis]
    if n == 0 and ctx.mode == "forward" and int(np.prod(ids_shape)):
        params_shape[axis] = n = 1
    ids_dt = ctx.draw(st.sampled_from([I32, I64]))
    ids = ctx.draw(hnp.arrays(ids_dt, ids_shape, elements=st.integers(0, max(n - 1, 0))))
    return [ctx.values(tuple(params_shape)), ids], {"axis": axis}


def uss_draw(ctx):
    data_shape = ctx.shape(min_dims=1)
    k = ctx.draw(st.integers(1, len(data_shape)))
    ids_shape = data_shape[:k]
    num = ctx.draw(st.integers(1 if int(np.prod(ids_shape)) else 0, 4))
    ids_dt = ctx.draw(st.sampled_from([I32, I64]))
    ids = ctx.draw(hnp.arrays(ids_dt, ids_shape, elements=st.integers(0, max(num - 1, 0))))
    return [ctx.values(data_shape), ids], {"num_segments": num}


def np_unsorted_segment_sum(data, ids, num_segments):
    out = np.zeros((num_segments, *data.shape[ids.ndim :]), data.dtype)
    np.add.at(out, ids, data)
    return out


def range_draw(ctx):
    if ctx.dtype.kind == "i":
        start = ctx.draw(st.integers(-6, 6))
        delta = ctx.draw(st.sampled_from([-3, -2, -1, 1, 2, 3]))
        steps, extra = ctx.draw(st.integers(0, 5)), ctx.draw(st.integers(0, 1))
        limit = start + delta * steps + (extra if delta > 0 else -extra)
    else:
        start = ctx.draw(st.floats(-5, 5, width=32))
        delta = ctx.draw(st.sampled_from([-1.5, -0.5, 0.25, 0.5, 2.0]))
        limit = start + delta * ctx.draw(st.floats(0, 6, width=32))
    arrays = [np.array(v, ctx.dtype) for v in (start, limit, delta)]
    return arrays, {}


def np_range(start, limit, delta):
    if (
        start.dtype.kind == "f"
    ):  # counted in the dtype, as TF's kernel: ceil(|(limit - start) / delta|)
        n = int(np.ceil(np.abs((limit - start) / delta)))
    else:
        n = int(np.ceil(abs((float(limit) - float(start)) / float(delta))))
    return (start + np.arange(n).astype(start.dtype) * delta).astype(start.dtype)


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
    elif x.dtype.kind == "i":
        value = ctx.draw(st.integers(-9, 9).filter(bool))
    else:
        value = ctx.draw(st.sampled_from([-1.5, 0.25, 7.0]))
    return [x], {**kw, "value": value}


def top_k_draw(ctx):
    shape = list(ctx.shape(min_dims=1))
    x = ctx.distinct(tuple(shape)) if ctx.grad else ctx.grid(tuple(shape), -3, 3)
    k = ctx.draw(st.integers(0, shape[-1]))
    return [x], {"k": k, "sorted": ctx.draw(st.booleans())}


def np_top_k(x, k, sorted):
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]  # ties: the lower index first
    return [np.take_along_axis(x, order, -1), order.astype(np.int32)]


def in_top_k_draw(ctx):
    lo, hi = ctx._sides(4)
    b, c = ctx.draw(st.integers(max(lo, 1), hi)), ctx.draw(st.integers(1, 5))
    pred = ctx.grid((b, c), -2, 2)  # many ties
    tdt = ctx.draw(st.sampled_from([I32, I64]))
    targets = ctx.draw(hnp.arrays(tdt, (b,), elements=st.integers(-1, c)))  # some out of range
    return [pred, targets], {"k": ctx.draw(st.integers(0, c + 1))}


def np_in_top_k(pred, targets, k):
    """TF's rule: fewer than k scores strictly above the target's; False for a target out of
    range or a non-finite score in the row."""
    out = np.zeros(len(targets), bool)
    for i, t in enumerate(targets):
        if 0 <= t < pred.shape[1] and np.isfinite(pred[i]).all():
            out[i] = np.sum(pred[i] > pred[i, t]) < k
    return out


def sparse_xent_draw(ctx):
    rank = 2 if ctx.mode == "partial" else ctx.draw(st.integers(1, 3))
    shape = ctx.shape(min_dims=rank, max_dims=rank)
    shape = (*shape[:-1], max(shape[-1], 1))
    logits = ctx.values(shape, (-3.0, 3.0) if ctx.grad else (-20.0, 20.0))
    ldt = ctx.draw(st.sampled_from([I32, I64]))
    labels = ctx.draw(hnp.arrays(ldt, shape[:-1], elements=st.integers(0, shape[-1] - 1)))
    return [logits, labels], {}


def np_sparse_xent(logits, labels):
    lsm = np_log_softmax(logits.astype(np.float64))
    picked = np.take_along_axis(lsm, labels[..., None].astype(np.int64), -1)[..., 0]
    return (-picked).astype(logits.dtype)


# ---- THE TABLE -----------------------------------------------------------------------------------
MAX_MIN_GRAD_A = ((-3.0, -2.0), (0.0, 1.0))  # a and b never within 0.5 of each other
MAX_MIN_GRAD_B = ((-1.5, -0.5), (1.5, 2.5))


# ---- sparse updates and the candidate sampler (issue 5) -----------------------------------------
SPARSE_OPTIMIZERS = {
    "SparseApplyGradientDescent": lambda kw: tf.train.GradientDescentOptimizer(0.1),
    "SparseApplyMomentum": lambda kw: tf.train.MomentumOptimizer(
        0.1, 0.9, use_nesterov=kw["nesterov"]
    ),
    "SparseApplyAdam": lambda kw: tf.train.AdamOptimizer(0.01, 0.9, 0.999, 1e-8),
    "SparseApplyAdagrad": lambda kw: tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.1),
}


def sparse_optimizer_draw(ctx):
    rows = ctx.draw(st.integers(1, 5))
    inner = list(ctx.shape(max_dims=2))
    ids = ctx.draw(st.lists(st.integers(0, rows - 1), min_size=0, max_size=6))
    return [ctx.values(tuple([len(ids), *inner]))], {
        "init": ctx.values(tuple([rows, *inner])),
        "ids": ids,
        "nesterov": ctx.draw(st.booleans()),
    }


def build_sparse_optimizer(op_type):
    def build(values, init, ids, nesterov):
        v = tf.Variable(init)
        g = tf.IndexedSlices(values, tf.constant(np.array(ids, np.int64)), tf.shape(v))
        step = SPARSE_OPTIMIZERS[op_type]({"nesterov": nesterov}).apply_gradients([(g, v)])
        return Steps([step, step, v.value()])

    return build


def ref_sparse_optimizer(op_type):
    """Two steps replayed in float64 from TF's formulas: duplicate ids summed, only their rows
    updated (Adam: TF 1.x's dense decay of m and v and dense step of the variable)."""
    f = np.float32

    def ref(values, init, ids, nesterov):
        var = init.astype(np.float64)
        grad = np.zeros_like(var)
        np.add.at(grad, np.array(ids, np.int64), values.astype(np.float64))
        r = np.unique(np.array(ids, np.int64))
        g = grad[r]
        lr = float(f(0.01) if op_type == "SparseApplyAdam" else f(0.1))
        m9, b1, b2, eps = float(f(0.9)), float(f(0.9)), float(f(0.999)), float(f(1e-8))
        a = np.full_like(var, 0.1 if op_type == "SparseApplyAdagrad" else 0.0)
        b = np.zeros_like(var)
        b1p, b2p = f(1), f(1)
        for _ in (1, 2):
            if op_type == "SparseApplyGradientDescent":
                var[r] -= lr * g
            elif op_type == "SparseApplyMomentum":
                a[r] = m9 * a[r] + g
                var[r] -= lr * g + lr * m9 * a[r] if nesterov else lr * a[r]
            elif op_type == "SparseApplyAdagrad":
                a[r] += g * g
                var[r] -= lr * g / np.sqrt(a[r])
            else:
                b1p, b2p = f(b1p * f(0.9)), f(b2p * f(0.999))
                lr_t = lr * np.sqrt(1 - float(b2p)) / (1 - float(b1p))
                a *= b1
                a[r] += (1 - b1) * g
                b *= b2
                b[r] += (1 - b2) * g * g
                var = var - lr_t * a / (np.sqrt(b) + eps)
        return [None, None, var.astype(init.dtype)]

    return ref


def sampler_draw(ctx):
    range_max = ctx.draw(st.integers(1, 300))
    unique = ctx.draw(st.booleans())
    num_true = ctx.draw(st.integers(1, 2))
    batch = ctx.draw(st.integers(0, 3))
    truth = ctx.draw(hnp.arrays(I64, (batch, num_true), elements=st.integers(0, range_max - 1)))
    return [truth], {
        "num_true": num_true,
        "num_sampled": ctx.draw(st.integers(0, min(range_max, 12) if unique else 12)),
        "unique": unique,
        "range_max": range_max,
        "seeds": [ctx.draw(st.integers(1, 2**31 - 1)), ctx.draw(st.integers(1, 2**31 - 1))],
    }


def build_sampler(t, num_true, num_sampled, unique, range_max, seeds):
    tf.set_random_seed(seeds[0])
    return list(
        tf.nn.log_uniform_candidate_sampler(
            t, num_true, num_sampled, unique, range_max, seed=seeds[1]
        )
    )


def ref_sampler(t, num_true, num_sampled, unique, range_max, seeds):
    """The first run with TF's seed rule (graph seed, op seed), from the NumPy twin of the
    kernel; expected counts from TF's formulas."""
    outs = [np.empty(num_sampled, I64), np.empty(t.shape, np.float32)]
    outs.append(np.empty(num_sampled, np.float32))
    backend_numpy.run_kernel(
        "log_uniform_candidate_sampler",
        [np.zeros(1, I64), t],
        outs,
        seeds,
        [float(unique), float(range_max)],
    )
    s = outs[0]
    assert ((s >= 0) & (s < range_max)).all()
    if unique:
        assert len(set(s.tolist())) == num_sampled
    else:
        p = lambda c: (np.log(c + 2.0) - np.log(c + 1.0)) / np.log(range_max + 1.0)  # noqa: E731
        np.testing.assert_allclose(outs[2], (p(s) * num_sampled).astype(np.float32), rtol=1e-6)
    return outs


# ---- LSTMBlockStep (the fused LSTM step of lstm_ops) ---------------------------------------------
def lstm_draw(ctx):
    b = ctx.draw(st.integers(1 if ctx.mode != "forward" else 0, 3))
    h = ctx.draw(st.integers(1, 3 if ctx.grad else 4))
    g = ctx.values((b, 4 * h), (-3.0, 3.0))
    c = ctx.values((b, h), (-2.0, 2.0))
    return [g, c], {"fb": ctx.draw(st.sampled_from([0.0, 1.0]))}


def np_lstm_step(g, c, fb):
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    i, j, f, o = np.split(g, 4, axis=1)
    new_c = c * sig(f + g.dtype.type(fb)) + sig(i) * np.tanh(j)
    return [new_c.astype(g.dtype), (np.tanh(new_c) * sig(o)).astype(g.dtype)]


def lstm_grad_draw(ctx):
    (g, c), kw = lstm_draw(ctx)
    return [g, c, ctx.values(c.shape), ctx.values(c.shape)], kw


def build_lstm_step_grad(g, c, dc, dh, fb):
    new_c, new_h = lstm_ops.lstm_step(g, c, fb)
    return tf.gradients([new_c, new_h], [g, c], grad_ys=[dc, dh])


def np_lstm_step_grad(g, c, dc, dh, fb):
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    i, j, f, o = np.split(g, 4, axis=1)
    i, j, f, o = sig(i), np.tanh(j), sig(f + g.dtype.type(fb)), sig(o)
    t = np.tanh(c * f + i * j)
    d = dc + dh * o * (1 - t * t)
    dg = np.concatenate(
        [d * j * i * (1 - i), d * i * (1 - j * j), d * c * f * (1 - f), dh * t * o * (1 - o)],
        axis=1,
    )
    return [dg.astype(g.dtype), (d * f).astype(g.dtype)]


# ---- LSTMBlockSequence (the whole recurrence in one op) ------------------------------------------
def lstm_seq_draw(ctx):
    lo, hi = (0 if ctx.mode == "forward" else 1), (2 if ctx.grad else 3)
    t, b, d, h = (ctx.draw(st.integers(lo, hi)) for _ in range(4))
    x = ctx.values((t, b, d), (-2.0, 2.0))
    c0, h0 = ctx.values((b, h), (-2.0, 2.0)), ctx.values((b, h), (-1.0, 1.0))
    w = ctx.values((d + h, 4 * h), (-1.0, 1.0))
    return [x, c0, h0, w, ctx.values((4 * h,), (-1.0, 1.0))], {
        "fb": ctx.draw(st.sampled_from([0.0, 1.0]))
    }


def build_lstm_seq(x, c0, h0, w, b, fb):
    c, _ = lstm_ops.lstm_sequence(x, c0, h0, w, b, fb)
    return list(c.op.outputs[:4])  # c, h, act, tanh_c (not the panels' work buffer): gradients
    # through all four are checked


def np_lstm_seq(x, c0, h0, w, b, fb):
    """Every step's (c, h, activated gates, tanh(c)), from concat([x[t], h]) @ w + b."""
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    c, h, outs = c0, h0, []
    for t in range(x.shape[0]):
        i, j, f, o = np.split(np.concatenate([x[t], h], 1) @ w + b, 4, axis=1)
        i, j, f, o = sig(i), np.tanh(j), sig(f + x.dtype.type(fb)), sig(o)
        c = c * f + i * j
        h = np.tanh(c) * o
        outs.append((c, h, np.concatenate([i, j, f, o], 1), np.tanh(c)))
    shapes = [c0.shape, c0.shape, (x.shape[1], w.shape[1]), c0.shape]
    return [
        np.stack([o[k] for o in outs]).astype(x.dtype)
        if outs
        else np.zeros((0, *shapes[k]), x.dtype)
        for k in range(4)
    ]


def lstm_seq_grad_draw(ctx):
    ins, kw = lstm_seq_draw(ctx)
    hs = (ins[0].shape[0], *ins[1].shape)
    return [*ins, ctx.values(hs), ctx.values(hs)], kw


def build_lstm_seq_grad(x, c0, h0, w, b, dc, dh, fb):
    c, h = lstm_ops.lstm_sequence(x, c0, h0, w, b, fb)
    return tf.gradients([c, h], [x, c0, h0, w, b], grad_ys=[dc, dh])


def np_lstm_seq_grad(x, c0, h0, w, b, dc, dh, fb):
    """Back-propagation through time of np_lstm_seq (float64 inside)."""
    dt = x.dtype
    x, c0, h0, w, b, dc, dh = (a.astype(np.float64) for a in (x, c0, h0, w, b, dc, dh))
    c, h, act, tc = np_lstm_seq(x, c0, h0, w, b, fb)
    d = x.shape[2]
    grads = [np.zeros_like(x), np.zeros_like(c0), np.zeros_like(h0), np.zeros_like(w)]
    grads.append(np.zeros_like(b))
    dc_next, dh_next = np.zeros_like(c0), np.zeros_like(h0)
    for t in reversed(range(x.shape[0])):
        i, j, f, o = np.split(act[t], 4, axis=1)
        c_prev, h_prev = (c[t - 1], h[t - 1]) if t else (c0, h0)
        d_h = dh[t] + dh_next
        d_c = dc[t] + dc_next + d_h * o * (1 - tc[t] ** 2)
        dg = np.concatenate(
            [
                d_c * j * i * (1 - i),
                d_c * i * (1 - j * j),
                d_c * c_prev * f * (1 - f),
                d_h * tc[t] * o * (1 - o),
            ],
            1,
        )
        grads[3] += np.concatenate([x[t], h_prev], 1).T @ dg
        grads[4] += dg.sum(0)
        dxh = dg @ w.T
        grads[0][t], dh_next, dc_next = dxh[:, :d], dxh[:, d:], d_c * f
    grads[1], grads[2] = dc_next, dh_next
    return [g.astype(dt) for g in grads]


ROWS = [
    # elementwise binary, with broadcasting
    Row("Add", tf.add, np.add, binary(), NUMERIC),
    Row("Sub", lambda a, b: a - b, np.subtract, binary(), NUMERIC),
    Row("Mul", tf.multiply, np.multiply, binary(), NUMERIC),
    Row("RealDiv", lambda a, b: a / b, np.true_divide, binary(grad_b=away(0.5, 2.0)), NUMERIC),
    Row(
        "Maximum",
        tf.maximum,
        np.maximum,
        binary(grad_a=MAX_MIN_GRAD_A, grad_b=MAX_MIN_GRAD_B),
        NUMERIC,
    ),
    Row(
        "Minimum",
        tf.minimum,
        np.minimum,
        binary(grad_a=MAX_MIN_GRAD_A, grad_b=MAX_MIN_GRAD_B),
        NUMERIC,
    ),
    Row(
        "Pow",
        tf.pow,
        np_pow,
        binary((-3.0, 3.0), (0.0, 3.0), ((0.5, 2.0),), ((-2.0, 2.0),)),
        NUMERIC,
    ),
    # comparisons
    Row("Equal", tf.equal, np.equal, compare_draw, ALL, "none"),
    Row("NotEqual", tf.not_equal, np.not_equal, compare_draw, ALL, "none"),
    Row("Less", lambda a, b: a < b, np.less, compare_draw, NUMERIC, "none"),
    Row("LessEqual", lambda a, b: a <= b, np.less_equal, compare_draw, NUMERIC, "none"),
    Row("Greater", lambda a, b: a > b, np.greater, compare_draw, NUMERIC, "none"),
    Row("GreaterEqual", tf.greater_equal, np.greater_equal, compare_draw, NUMERIC, "none"),
    # elementwise unary
    Row("Neg", lambda x: -x, np.negative, unary(), NUMERIC),
    Row("Abs", tf.abs, np.abs, unary(grad=away(0.1, 3.0)), NUMERIC),
    Row("Sigmoid", tf.sigmoid, np_sigmoid, unary((-30.0, 30.0))),
    Row("Tanh", tf.nn.tanh, np.tanh, unary((-20.0, 20.0))),
    Row("Exp", tf.exp, np.exp, unary((-20.0, 20.0))),
    Row("Log", tf.log, np.log, unary((0.0, 50.0), ((0.5, 3.0),))),
    Row("Sqrt", tf.sqrt, np.sqrt, unary((0.0, 50.0), ((0.5, 3.0),))),
    Row("Square", tf.square, np.square, unary(), NUMERIC),
    Row("Reciprocal", tf.reciprocal, np.reciprocal, unary(grad=away(0.5, 3.0))),
    Row("Sign", tf.sign, np.sign, unary(grad=away(0.1, 3.0)), NUMERIC),
    Row("Floor", tf.floor, np.floor, unary(), FLOATS, "none"),
    Row("Relu", tf.nn.relu, np_relu, unary(grad=away(0.1, 3.0)), NUMERIC),
    Row(
        "AddN", lambda *xs: tf.add_n(list(xs)), lambda *xs: sum(xs[1:], xs[0]), add_n_draw, NUMERIC
    ),
    Row(
        "Cast",
        lambda x, dst: tf.cast(x, tf.as_dtype(dst)),
        lambda x, dst: x.astype(dst),
        cast_draw,
        ALL,
        eps=1 / 64,
    ),
    # reductions
    reduce_row("Sum", tf.reduce_sum, np_reduce(np.sum), "sum"),
    reduce_row("Mean", tf.reduce_mean, np_mean, "mean"),
    reduce_row("Max", tf.reduce_max, np_extreme(np.max), "max"),
    reduce_row("Min", tf.reduce_min, np_extreme(np.min), "min"),
    reduce_row("Prod", tf.reduce_prod, np_reduce(np.prod), "prod"),
    Row(
        "ArgMax",
        lambda x, axis: tf.argmax(x, axis),
        lambda x, axis: np.argmax(x, axis),
        arg_draw,
        NUMERIC,
        "none",
    ),
    Row(
        "ArgMin",
        lambda x, axis: tf.argmin(x, axis=axis),
        lambda x, axis: np.argmin(x, axis),
        arg_draw,
        NUMERIC,
        "none",
    ),
    # linear algebra and nn
    Row("MatMul", tf.matmul, np_matmul, matmul_draw, NUMERIC),
    Row("Softmax", lambda x, axis: tf.nn.softmax(x, axis=axis), np_softmax, softmax_draw),
    Row(
        "LogSoftmax",
        lambda x, axis: tf.nn.log_softmax(x, axis=axis),
        lambda x, axis: np_log_softmax(x, -1 if axis is None else axis),
        softmax_draw,
    ),
    Row(
        "SoftmaxCrossEntropyWithLogits",
        lambda x, y: tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x),
        np_xent,
        xent_draw,
    ),
    # array ops
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
    Row("StopGradient", tf.stop_gradient, lambda x: x, unary(), ALL, "none"),
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
        "ReducedShape",
        lambda x, g, axis: tf.gradients(tf.reduce_sum(x, axis=axis), x, grad_ys=g)[0],
        lambda x, g, axis: np.broadcast_to(
            g.reshape(reduced_shape(x.shape, axis, True)), x.shape
        ).copy(),
        reduced_grad_draw,
        grad="none",
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
    Row("Fill", build_fill, lambda x, v, how, dims: np.full(x.shape, v, v.dtype), fill_draw, ALL),
    Row("SumToShape", build_sum_to, lambda a, b, g: [g, np_sum_to(g, b.shape)], sum_to_draw),
    Row(
        "BroadcastTo",
        lambda x, shape: tf.broadcast_to(x, shape),
        lambda x, shape: np.broadcast_to(x, shape).copy(),
        broadcast_to_draw,
        ALL,
    ),
    # indexing, padding and nn ops with kernels (issue 4)
    Row(
        "ExpandDims",
        lambda x, axis: tf.expand_dims(x, axis),
        lambda x, axis: np.expand_dims(x, axis),
        expand_dims_draw,
        ALL,
    ),
    Row("Squeeze", lambda x, axis: tf.squeeze(x, axis), np_squeeze, squeeze_draw, ALL),
    Row("Select", tf.where, np.where, select_draw, ALL),
    Row("SelectV2", tf.where_v2, np.where, select_v2_draw, ALL),
    Row(
        "GatherV2",
        lambda p, i, axis: tf.gather(p, i, axis=axis),
        lambda p, i, axis: np.take(p, i, axis=axis),
        gather_draw,
        ALL,
    ),
    Row(
        "UnsortedSegmentSum",
        tf.unsorted_segment_sum,
        np_unsorted_segment_sum,
        uss_draw,
        NUMERIC,
    ),
    Row("Range", tf.range, np_range, range_draw, NUMERIC, "none", feed="value"),
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
    Row(
        "TopKV2",
        lambda x, k, sorted: list(tf.nn.top_k(x, k, sorted)),
        np_top_k,
        top_k_draw,
        NUMERIC,
    ),
    Row(
        "InTopKV2",
        lambda p, t, k: tf.nn.in_top_k(p, t, k),
        np_in_top_k,
        in_top_k_draw,
        FLOATS,
        "none",
    ),
    Row(
        "SparseSoftmaxCrossEntropyWithLogits",
        lambda x, y: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x),
        np_sparse_xent,
        sparse_xent_draw,
    ),
    # gradient helpers made by tf.gradients
    Row(
        "ProdGrad",
        lambda x, g, axis: tf.gradients(tf.reduce_prod(x, axis=axis), x, grad_ys=g)[0],
        np_prod_grad,
        prod_grad_draw,
        grad="none",
    ),
    Row(
        "ReluGrad",
        lambda x, g: tf.gradients(tf.nn.relu(x), x, grad_ys=g)[0],
        lambda x, g: g * (x > 0),
        act_grad_draw(0.1, 3.0),
    ),
    Row(
        "SigmoidGrad",
        lambda x, g: tf.gradients(tf.sigmoid(x), x, grad_ys=g)[0],
        lambda x, g: g * np_sigmoid(x) * (1 - np_sigmoid(x)),
        act_grad_draw(0.0, 3.0),
    ),
    Row(
        "TanhGrad",
        lambda x, g: tf.gradients(tf.tanh(x), x, grad_ys=g)[0],
        lambda x, g: g * (1 - np.tanh(x) ** 2),
        act_grad_draw(0.0, 3.0),
    ),
    # state and control
    Row(
        "NoOp",
        build_noop,
        lambda x: [None, np_reduce(np.sum)(x)],
        lambda ctx: ([ctx.values(ctx.shape())], {}),
        NUMERIC,
        "none",
    ),
    Row(
        "VariableV2",
        lambda x: tf.Variable(x).value(),
        lambda x: x,
        lambda ctx: ([ctx.values(ctx.shape())], {}),
        ALL,
        "none",
        feed="value",
    ),
    Row("Assign", build_assign(tf.assign), lambda x, init: [x, x], variable_draw, ALL, "none"),
    Row(
        "AssignAdd",
        build_assign(tf.assign_add),
        lambda x, init: [init + x] * 2,
        variable_draw,
        NUMERIC,
        "none",
    ),
    Row(
        "AssignSub",
        build_assign(tf.assign_sub),
        lambda x, init: [init - x] * 2,
        variable_draw,
        NUMERIC,
        "none",
    ),
    Row(
        "ApplyGradientDescent",
        build_apply_gd,
        lambda g, init, lr: [None, init - g.dtype.type(lr) * g],
        gd_draw,
        FLOATS,
        "none",
    ),
    *[
        Row(t, build_optimizer(t), ref_optimizer(t), optimizer_draw, FLOATS, "none")
        for t in ("ApplyMomentum", "ApplyAdam", "ApplyAdagrad", "ApplyRMSProp")
    ],
    # random
    Row(
        "RandomUniform",
        build_random("RandomUniform"),
        ref_random("random_uniform"),
        random_draw,
        FLOATS,
        "none",
    ),
    Row(
        "RandomStandardNormal",
        build_random("RandomStandardNormal"),
        ref_random("random_normal"),
        random_draw,
        FLOATS,
        "none",
    ),
    Row(
        "TruncatedNormal",
        build_random("TruncatedNormal"),
        ref_random("truncated_normal"),
        random_draw,
        FLOATS,
        "none",
    ),
    # summaries: serialized Summary protobufs, built here from the definitions in summary.proto
    Row(
        "ScalarSummary",
        lambda x: tf.scalar_summary("t", x),
        lambda x: np_summary([("t", "simple_value", float(x))]),
        lambda ctx: ([ctx.values(())], {}),
        ALL,
        "none",
    ),
    Row(
        "HistogramSummary",
        lambda x: tf.histogram_summary("h", x),
        lambda x: np_summary([("h", "histo", np_histogram(x))]),
        lambda ctx: ([ctx.values(ctx.shape(), (-1e3, -1e-3), (1e-3, 1e3))], {}),
        NUMERIC,
        "none",
    ),
    Row(
        "MergeSummary",
        lambda x, y: tf.merge_summary([tf.scalar_summary("a", x), tf.histogram_summary("b", y)]),
        lambda x, y: np_summary([("a", "simple_value", float(x)), ("b", "histo", np_histogram(y))]),
        lambda ctx: ([ctx.values(()), ctx.values(ctx.shape())], {}),
        NUMERIC,
        "none",
    ),
    # convolution and pooling: draws and plain NumPy references in conv_reference.py
    Row("Conv2D", cr.build_conv, cr.ref_conv(False), cr.conv_draw(False, "fwd")),
    Row(
        "Conv2DBackpropInput",
        cr.build_conv_backprop_input,
        cr.ref_conv_backprop_input(False),
        cr.conv_draw(False, "input"),
    ),
    Row(
        "Conv2DBackpropFilter",
        cr.build_conv_backprop_filter,
        cr.ref_conv_backprop_filter(False),
        cr.conv_draw(False, "filter"),
    ),
    Row("DepthwiseConv2dNative", cr.build_depthwise, cr.ref_conv(True), cr.conv_draw(True, "fwd")),
    Row(
        "DepthwiseConv2dNativeBackpropInput",
        cr.build_depthwise_backprop_input,
        cr.ref_conv_backprop_input(True),
        cr.conv_draw(True, "input"),
    ),
    Row(
        "DepthwiseConv2dNativeBackpropFilter",
        cr.build_depthwise_backprop_filter,
        cr.ref_conv_backprop_filter(True),
        cr.conv_draw(True, "filter"),
    ),
    Row("MaxPool", cr.build_pool("max"), cr.ref_pool("max"), cr.pool_draw("max")),
    Row("AvgPool", cr.build_pool("avg"), cr.ref_pool("avg"), cr.pool_draw("avg")),
    Row("MaxPoolGrad", cr.build_pool_grad("max"), cr.np_max_pool_grad, cr.pool_draw("max_grad")),
    Row("AvgPoolGrad", cr.build_pool_grad("avg"), cr.np_avg_pool_grad, cr.pool_draw("avg_grad")),
    Row(
        "MaxPoolGradGrad",
        cr.build_max_pool_grad_grad,
        cr.np_max_pool_grad_grad,
        cr.pool_draw("max_grad_grad"),
    ),
    *[
        Row(
            t,
            build_sparse_optimizer(t),
            ref_sparse_optimizer(t),
            sparse_optimizer_draw,
            FLOATS,
            "none",
        )
        for t in SPARSE_OPTIMIZERS
    ],
    Row(
        "LogUniformCandidateSampler",
        build_sampler,
        ref_sampler,
        sampler_draw,
        (I64,),
        "none",
    ),
    Row(
        "LSTMBlockStep",
        lambda g, c, fb: list(lstm_ops.lstm_step(g, c, fb)),
        np_lstm_step,
        lstm_draw,
    ),
    Row("LSTMBlockStepGrad", build_lstm_step_grad, np_lstm_step_grad, lstm_grad_draw, grad="none"),
    Row("LSTMBlockSequence", build_lstm_seq, np_lstm_seq, lstm_seq_draw),
    Row(
        "LSTMBlockSequenceGrad",
        build_lstm_seq_grad,
        np_lstm_seq_grad,
        lstm_seq_grad_draw,
        grad="none",
    ),
]
BY_OP = {r.op: r for r in ROWS}
GRAD_ROWS = [r for r in ROWS if r.grad == "check"]
NONE_ROWS = [r for r in ROWS if r.grad == "none"]


def ids(rows):
    return [r.op for r in rows]


# ---- meta-tests ----------------------------------------------------------------------------------
def table_gaps(ops, rows_by_op):
    """What the op table misses for the op definitions ``ops``: one line per gap."""
    gaps = []
    for name, d in sorted(ops.items()):
        if not callable(d.shape_fn):
            gaps.append(f"{name}: no shape function")
        if d.grad is None and not d.not_differentiable:
            gaps.append(f"{name}: neither a gradient nor NotDifferentiable")
        row = rows_by_op.get(name)
        if row is None:
            gaps.append(f"{name}: no row in the op table")
        elif (row.grad == "none") != d.not_differentiable:
            gaps.append(f"{name}: the row's gradient mode does not match the registration")
    gaps += [f"{name}: a row for an unregistered op" for name in sorted(set(rows_by_op) - set(ops))]
    return gaps


def test_op_table_is_complete():
    assert len(ROWS) == len(BY_OP), "an op type has two rows"
    assert table_gaps(registry.registered_ops(), BY_OP) == []


def test_table_gaps_flags_each_kind_of_gap():
    probe = registry.OpDef("Probe", shape_fn=None)
    ops = {**registry.registered_ops(), "Probe": probe}
    rows = {**BY_OP, "Ghost": ROWS[0]}
    assert table_gaps(ops, rows) == [
        "Probe: no shape function",
        "Probe: neither a gradient nor NotDifferentiable",
        "Probe: no row in the op table",
        "Ghost: a row for an unregistered op",
    ]
    mismatch = {**BY_OP, "Add": BY_OP["Equal"]}  # a "none" row for a differentiable op
    assert table_gaps(registry.registered_ops(), mismatch) == [
        "Add: the row's gradient mode does not match the registration"
    ]


# ---- forward, static and partial shapes ----------------------------------------------------------
def check_row(row, data, mode):
    dtype = data.draw(st.sampled_from(row.dtypes), label="dtype")
    arrays, kw = row.draw(Ctx(data, dtype, mode))
    g, _, out, feeds, init = build_graph(row, arrays, kw, partial=mode == "partial")
    assert row.op in {op.type for op in g.get_operations()}, f"the row does not build {row.op}"
    got = run_graph(g, out, feeds, init)
    assert_values(got, reference(row, arrays, kw), row.tol)
    assert_static_shapes(out, got, exact=mode == "forward")


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
@given(data=st.data())
def test_forward_matches_numpy(row, data):
    check_row(row, data, "forward")


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
@given(data=st.data())
def test_partially_unknown_shapes(row, data):
    check_row(row, data, "partial")


# ---- gradients -----------------------------------------------------------------------------------
@pytest.mark.parametrize("row", GRAD_ROWS, ids=ids(GRAD_ROWS))
@given(data=st.data())
def test_gradient_matches_central_differences(row, data):
    arrays, kw = row.draw(Ctx(data, F64, "grad"))
    grad_check(row.build, arrays, kw, eps=row.eps, seed=data.draw(st.integers(0, 2**16)))


@pytest.mark.parametrize("row", NONE_ROWS, ids=ids(NONE_ROWS))
@given(data=st.data())
def test_not_differentiable_gives_none(row, data):
    dtype = F64 if F64 in row.dtypes else row.dtypes[0]
    arrays, kw = row.draw(Ctx(data, dtype, "grad"))
    g, ins, _, _, _ = build_graph(row, arrays, kw)
    placeholders = [t for t in ins if isinstance(t, tf.Tensor)]
    with g.as_default():
        for op in [o for o in g.get_operations() if o.type == row.op]:
            xs = list(op.inputs) + [p for p in placeholders if p.op is not op]
            for y in op.outputs:
                if y.dtype == tf.string:  # summaries: as in TF, no default gradient exists
                    with pytest.raises(TypeError, match="must be numeric"):
                        tf.gradients(y, xs)
                    continue
                y = tf.cast(y, tf.float64) if y.dtype == tf.bool else y
                assert all(gr is None for gr in tf.gradients(y, xs)), (
                    f"{row.op} is NotDifferentiable but a gradient flowed"
                )


def test_grad_check_detects_a_wrong_gradient():
    """grad_check must fail when the analytical gradient is wrong: x * stop_gradient(x) has
    derivative 2x, but tf.gradients sees only x."""
    with pytest.raises(AssertionError, match="gradient of input 0"):
        grad_check(lambda x: x * tf.stop_gradient(x), [np.array([0.5, 1.5])])
    grad_check(lambda x: x * x, [np.array([0.5, 1.5])])  # and passes on the right one


def test_gradient_wrt_a_variable():
    """d/dW of sum(matmul(x, W) * C), with W a variable moved by ``load``."""
    rng = np.random.default_rng(1)
    x0, w0, c = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    g = tf.Graph()
    with g.as_default():
        w = tf.Variable(w0)
        loss = tf.reduce_sum(tf.matmul(tf.constant(x0), w) * c)
        (dw,) = tf.gradients(loss, [w])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run(dw)
    np.testing.assert_allclose(got, x0.T @ c, rtol=1e-12)


@given(data=st.data())
def test_xent_second_derivatives(data):
    """Gradients of the cross-entropy's gradients (through its backprop output)."""
    ctx = Ctx(data, F64, "grad")
    (logits, labels), _ = xent_draw(ctx)

    def first_order(x, y, g):
        loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x)
        return tf.gradients(loss, [x, y], grad_ys=g)

    g = ctx.values(logits.shape[:-1])
    grad_check(first_order, [logits, labels, g], seed=data.draw(st.integers(0, 2**16)))


@pytest.mark.parametrize(
    "kind, kernel",
    [
        ("RandomUniform", "random_uniform"),
        ("RandomStandardNormal", "random_normal"),
        ("TruncatedNormal", "truncated_normal"),
    ],
)
def test_seeded_random_ops_advance_per_run_and_restart_per_session(kind, kernel):
    """Run r of a seeded random op gives the Philox numbers of run r; a new session restarts."""
    g = tf.Graph()
    with g.as_default():
        t = build_random(kind)(np.zeros((4, 5), np.float32), "dims", [4, 5], [11, 22], 1.0, 0.0)
        runs = []
        for _ in range(2):
            with tf.Session(graph=g) as sess:
                runs.append([sess.run(t) for _ in range(3)])
    for r in range(3):
        want = np.empty((4, 5), np.float32)
        backend_numpy.run_kernel(kernel, [np.array([r], np.int64)], [want], [11, 22])
        np.testing.assert_allclose(runs[0][r], want, rtol=1e-6, atol=1e-7)
        np.testing.assert_array_equal(runs[1][r], runs[0][r])
    assert np.mean(runs[0][0] == runs[0][1]) < 0.2


def test_gradients_at_kinks_follow_tf():
    """Where central differences do not apply, TF 1.x's documented choices: reduce_max splits
    the gradient equally among tied maxima, maximum/minimum send it to x on ties, and relu, abs
    and sign have gradient 0 at 0."""
    g = tf.Graph()
    with g.as_default():
        x = tf.constant([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], tf.float64)
        y = tf.constant([[1.0, 0.0, 3.0], [5.0, 2.0, -1.0]], tf.float64)
        z = tf.constant([0.0, -1.0, 2.0], tf.float64)
        fetch = [
            tf.gradients(tf.reduce_max(x, axis=1), x)[0],
            tf.gradients(tf.reduce_min(x), x)[0],
            *tf.gradients(tf.maximum(x, y), [x, y]),
            *tf.gradients(tf.minimum(x, y), [x, y]),
            tf.gradients(tf.nn.relu(z), z)[0],
            tf.gradients(tf.abs(z), z)[0],
            tf.gradients(tf.sign(z), z)[0],
        ]
        with tf.Session() as sess:
            out = sess.run(fetch)
    third = 1 / 3
    want = [
        [[0, 0.5, 0.5], [third, third, third]],
        [[1, 0, 0], [0, 0, 0]],
        [[1, 1, 1], [0, 1, 1]],
        [[0, 0, 0], [1, 0, 0]],
        [[1, 0, 1], [1, 1, 0]],
        [[0, 1, 0], [0, 0, 1]],
        [0, 0, 1],
        [0, -1, 1],
        [0, 0, 0],
    ]
    for got, w in zip(out, want):
        np.testing.assert_allclose(got, w, rtol=1e-15)


def test_cast_from_integer_has_no_gradient():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.int32, [3])
        assert tf.gradients(tf.cast(x, tf.float64), x) == [None]


def test_xent_v1_passes_no_gradient_to_labels():
    g = tf.Graph()
    with g.as_default():
        logits = tf.placeholder(tf.float64, [2, 3])
        labels = tf.placeholder(tf.float64, [2, 3])
        loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        d_logits, d_labels = tf.gradients(loss, [logits, labels])
        assert d_labels is None and d_logits is not None


# ---- NaN and Inf propagate as in NumPy -----------------------------------------------------------
SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -3.0])
ELEMENTWISE_UNARY = [
    "Neg",
    "Abs",
    "Sigmoid",
    "Tanh",
    "Exp",
    "Log",
    "Sqrt",
    "Square",
    "Reciprocal",
    "Sign",
    "Relu",
]
ELEMENTWISE_BINARY = [
    "Add",
    "Sub",
    "Mul",
    "RealDiv",
    "Maximum",
    "Minimum",
    "Pow",
    "Equal",
    "NotEqual",
    "Less",
    "LessEqual",
    "Greater",
    "GreaterEqual",
]


def run_public(row, arrays, kw=None):
    kw = kw or {}
    g, _, out, feeds, init = build_graph(row, arrays, kw)
    return run_graph(g, out, feeds, init), reference(row, arrays, kw)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("op", ELEMENTWISE_UNARY)
def test_nan_inf_propagate_unary(op, dtype):
    got, want = run_public(BY_OP[op], [SPECIAL.astype(dtype)])
    assert_values(got, want, {})


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("op", ELEMENTWISE_BINARY)
def test_nan_inf_propagate_binary(op, dtype):
    a, b = np.meshgrid(SPECIAL, SPECIAL, indexing="ij")
    got, want = run_public(BY_OP[op], [a.astype(dtype), b.astype(dtype)])
    assert_values(got, want, {})
    # broadcasting a row of specials against a column as well
    got, want = run_public(BY_OP[op], [SPECIAL[:, None].astype(dtype), SPECIAL.astype(dtype)])
    assert_values(got, want, {})


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("op", ["Sum", "Mean", "Max", "Min", "Prod"])
def test_nan_inf_propagate_reductions(op, axis):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(6, 5))
    for i, v in enumerate([np.nan, np.inf, -np.inf, np.inf, 0.0]):
        x[i, (2 * i) % 5] = v  # rows 0-3: one NaN or infinity each, in different columns
    x[5, 0], x[5, 1] = np.inf, -np.inf  # +inf and -inf in one row: a NaN sum
    for dtype in FLOATS:
        got, want = run_public(BY_OP[op], [x.astype(dtype)], {"axis": axis, "keepdims": False})
        assert_values(got, want, {})


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax"])
def test_nan_inf_propagate_softmax(op):
    x = np.array(
        [
            [np.nan, 1.0, 2.0],
            [np.inf, 1.0, 2.0],
            [-np.inf, 1.0, 2.0],
            [-np.inf, -np.inf, -np.inf],
            [np.inf, np.inf, 0.0],
            [0.0, 1.0, 2.0],
        ]
    )
    for dtype in FLOATS:
        got, want = run_public(BY_OP[op], [x.astype(dtype)], {"axis": None})
        assert_values(got, want, {})
        assert np.isnan(got[0]).all() and np.isfinite(got[5]).all()


def test_nan_wins_argmax_and_argmin_as_numpy():
    x = np.array([[1.0, np.nan, 3.0, np.nan], [np.inf, 2.0, -np.inf, 0.0]])
    for op in ("ArgMax", "ArgMin"):
        for axis in (0, 1):
            got, want = run_public(BY_OP[op], [x], {"axis": axis})
            assert_values(got, want, {})
