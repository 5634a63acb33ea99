"""The op table's shared machinery: one row per registered op type, every check on every row.

The table itself is split by op family into ``tests/test_ops_<family>.py`` (array, math, indexing,
nn, conv, rnn, random, state, summary); this module (not a test file) holds what they share.

A row builds its op through the public API (``tf.add``, ``x[1:, ::2]``, ``tf.gradients`` for the
internal gradient helpers, ...), says how to draw inputs with hypothesis and gives a NumPy
reference. ``table_tests(ROWS)`` gives a family file the table's checks on its rows:

* ``test_forward_matches_numpy``: forward values against NumPy through ``tf.Session`` (float32
  and float64, ints where the op takes them), with the static shape equal to the runtime shape
  when the inputs are fully known;
* ``test_partially_unknown_shapes``: the same with placeholders whose leading dimension is
  unknown (static shape compatible);
* ``test_gradient_matches_central_differences``: gradients against central differences in
  float64 (``grad_check``);
* ``test_not_differentiable_gives_none``: for ops declared NotDifferentiable, ``tf.gradients``
  returning None.

test_op_table.py gathers the rows of every family file and fails when a registered op type lacks
a shape function, lacks both a gradient and NotDifferentiable, or has no row.

A family file is its draws, references and ``ROWS``, one line of glue that defines the checks
on those rows in the family's module, and the family's own tests beyond the table::

    globals().update(table_tests(ROWS))
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tflite_core as tf

F32, F64, I32, I64, BOOL = (np.dtype(t) for t in ("float32", "float64", "int32", "int64", "bool"))
BF16 = np.dtype(ml_dtypes.bfloat16)
FLOATS = (F32, F64)
NUMERIC = (F32, F64, I32, I64)
ALL = (*NUMERIC, BOOL)
FWD_TOL = {F32: {"rtol": 1e-5, "atol": 1e-6}, F64: {"rtol": 1e-12, "atol": 1e-12}}


def real_dtype(dt):
    """The real counterpart of a complex dtype; other dtypes are their own."""
    return {np.dtype("complex64"): F32, np.dtype("complex128"): F64}.get(np.dtype(dt), np.dtype(dt))


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
        """An array of ``dtype`` (default: the row's) with elements in the union of intervals
        (clipped to the dtype's range: an unsigned dtype keeps the non-negative parts; complex
        numbers take real and imaginary parts from them)."""
        dt = np.dtype(dtype or self.dtype)
        intervals = intervals or ((-5.0, 5.0),)
        if dt.kind == "b":
            return self.draw(hnp.arrays(dt, shape, elements=st.booleans(), unique=unique))
        if dt.kind in "iu":
            info = np.iinfo(dt)
            ranges = [
                (max(math.ceil(lo), int(info.min)), min(math.floor(hi), int(info.max)))
                for lo, hi in intervals
            ]
            ranges = [(lo, hi) for lo, hi in ranges if lo <= hi] or [(0, min(5, int(info.max)))]
            el = st.one_of(*[st.integers(lo, hi) for lo, hi in ranges])
            return self.draw(hnp.arrays(dt, shape, elements=el, unique=unique))
        real = real_dtype(dt)  # float16 and bfloat16 are drawn as float32, then rounded
        width = 32 if real == BF16 else 8 * real.itemsize
        el = st.one_of(
            *[
                st.floats(
                    float(real.type(lo)), float(real.type(hi)), width=width, allow_subnormal=False
                )
                for lo, hi in intervals
            ]
        )
        draw_dt = F32 if real == BF16 else real
        if dt.kind == "c":
            re_, im = (self.draw(hnp.arrays(draw_dt, shape, elements=el)) for _ in range(2))
            return np.asarray(re_ + 1j * im.astype(np.float64)).astype(dt)
        return self.draw(hnp.arrays(draw_dt, shape, elements=el, unique=unique)).astype(dt)

    def grid(self, shape, lo=-2, hi=2, dtype=None):
        """Small integers in any dtype: ties and equal values happen often."""
        dt = np.dtype(dtype or self.dtype)
        if dt.kind == "b":
            return self.draw(hnp.arrays(dt, shape, elements=st.booleans()))
        lo = max(lo, 0) if dt.kind == "u" else lo
        ints = self.draw(hnp.arrays(I64, shape, elements=st.integers(lo, max(lo, hi))))
        return np.asarray(ints).astype(dt)

    def distinct(self, shape):
        """Distinct values at least 0.25 apart (no ties for max/min gradients); distinct small
        integers in an integer dtype."""
        dt = self.dtype
        half = max(60, math.prod(shape))  # enough distinct values for the shape
        lo, hi = (0, 2 * half) if dt.kind == "u" else (-half, half)
        n = self.draw(hnp.arrays(I64, shape, unique=True, elements=st.integers(lo, hi)))
        return np.asarray(n if dt.kind in "iu" else n * 0.25).astype(dt)

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


# ---- the row type and its runner -----------------------------------------------------------------
class Steps(list):
    """Fetches run one after another in one session (variable updates, then reads)."""


@dataclass
class Row:
    """One op type: how to build it, its NumPy reference and how to draw its inputs.

    ``build(*inputs, **kw)`` gets placeholders (``feed="placeholder"``) or the NumPy arrays
    themselves (``feed="value"``) and returns a Tensor, a list of them, or ``Steps``.
    ``ref(*arrays, **kw)`` returns the expected values (same structure, exact dtypes).
    ``grad``: "check" (central differences), "none" (NotDifferentiable: gradients are None),
    "lookup" (no gradient registered, as TF: ``tf.gradients`` raises LookupError; checked by the
    family's own tests) or "own" (a registered gradient that is not the derivative, such as the
    straight-through gradient of fake quantization; checked side by side with TF by the family's
    own tests).
    ``static``: whether the static output shapes are exact when the input shapes are (False for
    ops whose output shape depends on a fed input's value, as in TF).
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
    static: bool = True


def ids(rows):
    return [r.op for r in rows]


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
    # This module is no test file, so pytest does not rewrite its asserts: each says what it saw.
    if want is None:
        assert got is None, f"expected None, got {got!r}"
        return
    if isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(want), (
            f"expected {len(want)} values, got {got!r}"
        )
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


def run_public(row, arrays, kw=None):
    kw = kw or {}
    g, _, out, feeds, init = build_graph(row, arrays, kw)
    return run_graph(g, out, feeds, init), reference(row, arrays, kw)


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
                assert np.shape(got) == arrays[i].shape, (
                    f"gradient shape of input {i}: {np.shape(got)} != {arrays[i].shape}"
                )
                np.testing.assert_allclose(
                    got, numeric, rtol=rtol, atol=atol, err_msg=f"gradient of input {i}"
                )


# ---- shared draws and references -----------------------------------------------------------------
def unary(fwd=(-5.0, 5.0), grad=((-3.0, 3.0),)):
    def draw(ctx):
        shape = ctx.shape()
        return [ctx.values(shape, *(grad if ctx.grad else (fwd,)))], {}

    return draw


def np_reduce(fn):
    def ref(x, axis=None, keepdims=False):
        ax = np_axis(axis)
        if x.dtype.kind == "f":
            return np.asarray(fn(x.astype(np.float64), axis=ax, keepdims=keepdims)).astype(x.dtype)
        return np.asarray(fn(x, axis=ax, keepdims=keepdims, dtype=np.int64)).astype(x.dtype)

    return ref


# ---- the table's checks --------------------------------------------------------------------------
def check_row(row, data, mode):
    dtype = data.draw(st.sampled_from(row.dtypes), label="dtype")
    arrays, kw = row.draw(Ctx(data, dtype, mode))
    g, _, out, feeds, init = build_graph(row, arrays, kw, partial=mode == "partial")
    assert row.op in {op.type for op in g.get_operations()}, f"the row does not build {row.op}"
    got = run_graph(g, out, feeds, init)
    assert_values(got, reference(row, arrays, kw), row.tol)
    assert_static_shapes(out, got, exact=mode == "forward" and row.static)


def check_no_gradient(row, data):
    """Every output of the row's op has gradient None with respect to its inputs and the
    placeholders."""
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


def table_tests(rows):
    """The table's checks on a family's ``rows``: test functions by name, for ``globals()``.

    A check with no rows to run on (a family without differentiable ops, say) is left out rather
    than collected as an empty parametrization.
    """
    grad_rows = [r for r in rows if r.grad == "check"]
    none_rows = [r for r in rows if r.grad == "none"]

    @pytest.mark.parametrize("row", rows, ids=ids(rows))
    @given(data=st.data())
    def test_forward_matches_numpy(row, data):
        check_row(row, data, "forward")

    @pytest.mark.parametrize("row", rows, ids=ids(rows))
    @given(data=st.data())
    def test_partially_unknown_shapes(row, data):
        check_row(row, data, "partial")

    @pytest.mark.parametrize("row", grad_rows, ids=ids(grad_rows))
    @given(data=st.data())
    def test_gradient_matches_central_differences(row, data):
        arrays, kw = row.draw(Ctx(data, F64, "grad"))
        grad_check(row.build, arrays, kw, eps=row.eps, seed=data.draw(st.integers(0, 2**16)))

    @pytest.mark.parametrize("row", none_rows, ids=ids(none_rows))
    @given(data=st.data())
    def test_not_differentiable_gives_none(row, data):
        check_no_gradient(row, data)

    tests = [
        (rows, test_forward_matches_numpy),
        (rows, test_partially_unknown_shapes),
        (grad_rows, test_gradient_matches_central_differences),
        (none_rows, test_not_differentiable_gives_none),
    ]
    return {fn.__name__: fn for some, fn in tests if some}
