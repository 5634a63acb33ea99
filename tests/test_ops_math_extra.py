"""The op table's rows for the rest of tf.math (``ops/math_extra_ops.py``): trigonometric,
hyperbolic, rounding and special functions, float classification, the logical ops, the "no NaN"
binary ops, zeta and polygamma, cumsum / cumprod and the unsorted segment max / min / prod.

Every row gets the table's checks (``op_table.table_tests``). The composites TF builds from these
(reduce_logsumexp, reduce_variance, segment_sum, l2_normalize, bincount, ...) are checked side by
side with TF in test_math_vs_tf.py.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import BOOL, NUMERIC, Row, away, table_tests, unary

import tflite_core as tf
from tflite_core.reference.math_extra import (
    _bessel_i,
    _bessel_ie,
    _betainc,
    _digamma,
    _erfinv,
    _igamma,
    _ndtri,
    _polygamma,
    _zeta,
)

SPECIAL_TOL = {"rtol": 1e-5, "atol": 1e-6}  # libm against Python's math module, float32 too


def per_element(fn):
    def ref(*arrays, **kw):
        b = np.broadcast_arrays(*[a.astype(np.float64) for a in arrays])
        out = [fn(*(float(v) for v in vs)) for vs in zip(*(a.reshape(-1) for a in b))]
        return np.array(out, np.float64).reshape(b[0].shape).astype(arrays[0].dtype)

    return ref


def binary(fwd_a=(-5.0, 5.0), fwd_b=(-5.0, 5.0), grad_a=((-3.0, 3.0),), grad_b=((-3.0, 3.0),)):
    def draw(ctx):
        (sa, sb), _ = ctx.bcast()
        if ctx.grad:
            return [ctx.values(sa, *grad_a), ctx.values(sb, *grad_b)], {}
        return [ctx.values(sa, fwd_a), ctx.values(sb, fwd_b)], {}

    return draw


def zeros_often(ctx):
    """Small integers in the row's float dtype as the second input: zero often."""
    (sa, sb), _ = ctx.bcast()
    if ctx.grad:
        return [ctx.values(sa), ctx.values(sb, *away(0.5, 3.0))], {}
    return [ctx.values(sa), ctx.grid(sb)], {}


def first_zero_often(ctx):
    (sa, sb), _ = ctx.bcast()
    if ctx.grad:
        return [ctx.values(sa, *away(0.5, 3.0)), ctx.values(sb, (0.5, 3.0))], {}
    return [ctx.grid(sa), ctx.values(sb, (0.0, 5.0))], {}


def specials_draw(ctx):
    specials = st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -1.5, 2.0])
    return [ctx.draw(hnp.arrays(ctx.dtype, ctx.shape(), elements=specials))], {}


def logical_draw(n):
    def draw(ctx):
        if n == 1:
            return [ctx.grid(ctx.shape())], {}
        (sa, sb), _ = ctx.bcast()
        return [ctx.grid(sa), ctx.grid(sb)], {}

    return draw


def zeta_draw(kind):
    """The differentiable input (q or x) fed; the other (x or the order) a constant."""

    def draw(ctx):
        (sa, sb), _ = ctx.bcast()
        first = ctx.values(sa, (1.5, 5.0)) if kind == "zeta" else ctx.grid(sa, 0, 3)
        return [ctx.values(sb, (0.5, 5.0) if ctx.grad else (0.25, 8.0))], {"first": first}

    return draw


def igamma_draw(ctx):
    """x fed (the gradient is with respect to x only); a a constant."""
    (sa, sb), _ = ctx.bcast()
    a = ctx.values(sa, (0.5, 6.0))
    return [ctx.values(sb, (0.2, 8.0) if ctx.grad else (0.0, 12.0))], {"a": a}


def betainc_draw(ctx):
    """x fed (the gradient is TF's: with respect to x only); a and b constants, of x's shape or
    scalars."""
    shape = ctx.shape()
    a, b = (ctx.values(shape if ctx.draw(st.booleans()) else (), (0.5, 6.0)) for _ in range(2))
    return [ctx.values(shape, (0.05, 0.95) if ctx.grad else (0.0, 1.0))], {"a": a, "b": b}


def cumulative_draw(prod):
    def draw(ctx):
        shape = ctx.shape(min_dims=1)
        if ctx.grad and prod:
            x = ctx.values(shape, *away(0.5, 2.0))
        else:
            x = ctx.values(shape, (-2.0, 2.0) if prod else (-5.0, 5.0))
        kw = {
            "axis": ctx.draw(st.integers(-len(shape), len(shape) - 1)),
            # exclusive log-sum-exps start at -inf: no central differences there
            "exclusive": ctx.draw(st.booleans()) and not (ctx.grad and prod == "lse"),
            "reverse": ctx.draw(st.booleans()),
        }
        return [x], kw

    return draw


def np_cumulative(prod):
    def ref(x, axis, exclusive, reverse):
        y = np.moveaxis(x, axis, -1).astype(np.float64 if x.dtype.kind == "f" else np.int64)
        if reverse:
            y = y[..., ::-1]
        if exclusive:
            first = {True: 1, False: 0, "lse": -np.inf}[prod]
            y = np.concatenate([np.full((*y.shape[:-1], 1), first, y.dtype), y], -1)
            y = y[..., :-1]
        if prod == "lse":
            y = np.logaddexp.accumulate(y, -1)
        else:
            y = np.cumprod(y, -1) if prod else np.cumsum(y, -1)
        if reverse:
            y = y[..., ::-1]
        return np.moveaxis(y, -1, axis).astype(x.dtype)

    return ref


def segment_draw(kind):
    def draw(ctx):
        n = ctx.draw(st.integers(1, 4))
        inner = ctx.shape(max_dims=2, max_side=3)
        if ctx.grad:  # every segment non-empty, values apart (no ties, no huge empty values)
            m = ctx.draw(st.integers(n, n + 3))
            ids = np.array(
                ctx.draw(
                    st.permutations(
                        [
                            *range(n),
                            *(
                                ctx.draw(
                                    st.lists(st.integers(0, n - 1), min_size=m - n, max_size=m - n)
                                )
                            ),
                        ]
                    )
                ),
                np.int32,
            )
            shape = (m, *inner)
            if kind == "prod":
                data = ctx.values(shape, (-1.5, -0.5), (0.0, 0.0), (0.5, 1.5))
            else:
                data = ctx.distinct(shape)
        else:
            m = ctx.draw(st.integers(1 if ctx.mode == "partial" else 0, 5))
            ids = np.array(ctx.draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)))
            ids = ids.astype(ctx.draw(st.sampled_from([np.int32, np.int64])))
            lo, hi = (-2, 2) if kind == "prod" else (-50, 50)
            data = ctx.values((m, *inner), (lo, hi))
        return [data], {"ids": ids, "n": n}

    return draw


def np_segment(ufunc, init):
    def ref(data, ids, n):
        dt = data.dtype
        acc = np.full((n, *data.shape[1:]), init(dt), dt)
        ufunc.at(acc, ids, data)
        return acc

    return ref


def _lowest(dt):
    return np.finfo(dt).min if dt.kind == "f" else np.iinfo(dt).min


def _highest(dt):
    return np.finfo(dt).max if dt.kind == "f" else np.iinfo(dt).max


def seg_row(op, fn, ufunc, init, kind):
    return Row(
        op,
        lambda d, ids, n: fn(d, ids, n),
        np_segment(ufunc, init),
        segment_draw(kind),
        NUMERIC,
    )


def _lgamma(x):
    try:
        return math.lgamma(x)
    except ValueError:
        return math.inf


U = unary
ROWS = [
    Row("Sin", tf.sin, np.sin, U((-10.0, 10.0))),
    Row("Cos", tf.cos, np.cos, U((-10.0, 10.0))),
    Row("Tan", tf.tan, np.tan, U((-1.5, 1.5), ((-1.2, 1.2),)), tol=SPECIAL_TOL),
    Row("Asin", tf.asin, np.arcsin, U((-1.0, 1.0), ((-0.9, 0.9),))),
    Row("Acos", tf.acos, np.arccos, U((-1.0, 1.0), ((-0.9, 0.9),))),
    Row("Atan", tf.atan, np.arctan, U((-50.0, 50.0))),
    Row("Sinh", tf.sinh, np.sinh, U((-10.0, 10.0)), tol=SPECIAL_TOL),
    Row("Cosh", tf.cosh, np.cosh, U((-10.0, 10.0)), tol=SPECIAL_TOL),
    Row("Asinh", tf.asinh, np.arcsinh, U((-50.0, 50.0))),
    Row("Acosh", tf.acosh, np.arccosh, U((1.0, 50.0), ((1.2, 3.0),))),
    Row("Atanh", tf.atanh, np.arctanh, U((-0.99, 0.99), ((-0.9, 0.9),)), tol=SPECIAL_TOL),
    Row("Ceil", tf.ceil, np.ceil, U(), grad="none"),
    Row("Rint", tf.rint, np.rint, U(), grad="none"),
    Row("Round", tf.round, np.round, lambda ctx: ([ctx.grid(ctx.shape()) * 0.5], {}), grad="none"),
    Row("Expm1", tf.expm1, np.expm1, U((-20.0, 20.0)), tol=SPECIAL_TOL),
    Row("Log1p", tf.log1p, np.log1p, U((-0.99, 50.0), ((-0.5, 3.0),)), tol=SPECIAL_TOL),
    Row("Rsqrt", tf.rsqrt, lambda x: 1 / np.sqrt(x), U((0.0, 50.0), ((0.5, 3.0),))),
    Row("Erf", tf.erf, per_element(math.erf), U(), tol=SPECIAL_TOL),
    Row("Erfc", tf.erfc, per_element(math.erfc), U(), tol=SPECIAL_TOL),
    Row("Lgamma", tf.lgamma, per_element(_lgamma), U((0.1, 10.0), ((0.5, 5.0),)), tol=SPECIAL_TOL),
    Row(
        "Digamma",
        tf.digamma,
        per_element(_digamma),
        U((-4.9, 10.0), ((0.5, 5.0),)),
        tol=SPECIAL_TOL,
    ),
    Row(
        "Ndtri", tf.math.ndtri, per_element(_ndtri), U((0.0, 1.0), ((0.05, 0.95),)), tol=SPECIAL_TOL
    ),
    Row(
        "Erfinv",
        tf.math.erfinv,
        per_element(_erfinv),
        U((-1.0, 1.0), ((-0.9, 0.9),)),
        tol=SPECIAL_TOL,
    ),
    *[
        Row(
            op,
            fn,
            per_element(lambda x, nu=nu, f=f: f(nu, x)),
            U((-40.0, 40.0), away(0.1, 3.0)),  # |x| has a kink at 0
            tol=SPECIAL_TOL,
        )
        for op, fn, nu, f in (
            ("BesselI0", tf.math.bessel_i0, 0, _bessel_i),
            ("BesselI0e", tf.math.bessel_i0e, 0, _bessel_ie),
            ("BesselI1", tf.math.bessel_i1, 1, _bessel_i),
            ("BesselI1e", tf.math.bessel_i1e, 1, _bessel_ie),
        )
    ],
    Row("Softsign", tf.math.softsign, lambda x: x / (1 + np.abs(x)), U()),
    Row("IsFinite", tf.is_finite, np.isfinite, specials_draw, grad="none"),
    Row("IsInf", tf.is_inf, np.isinf, specials_draw, grad="none"),
    Row("IsNan", tf.is_nan, np.isnan, specials_draw, grad="none"),
    Row("LogicalNot", tf.logical_not, np.logical_not, logical_draw(1), (BOOL,), "none"),
    Row("LogicalAnd", tf.logical_and, np.logical_and, logical_draw(2), (BOOL,), "none"),
    Row("LogicalOr", tf.logical_or, np.logical_or, logical_draw(2), (BOOL,), "none"),
    Row("Atan2", tf.atan2, np.arctan2, binary(grad_a=away(0.5, 2.0), grad_b=away(0.5, 2.0))),
    Row(
        "Xlogy",
        tf.math.xlogy,
        lambda x, y: np.where(x == 0, 0, x * np.log(y)).astype(x.dtype),
        first_zero_often,
    ),
    Row(
        "Xdivy",
        tf.math.xdivy,
        lambda x, y: np.where(x == 0, 0, x / y).astype(x.dtype),
        first_zero_often,
    ),
    Row(
        "DivNoNan",
        tf.math.divide_no_nan,
        lambda x, y: np.where(y == 0, 0, x / y).astype(x.dtype),
        zeros_often,
    ),
    Row(
        "MulNoNan",
        tf.math.multiply_no_nan,
        lambda x, y: np.where(y == 0, 0, x * y).astype(x.dtype),
        zeros_often,
    ),
    Row(
        "SquaredDifference",
        tf.squared_difference,
        lambda x, y: (x - y) * (x - y),
        binary(),
        NUMERIC,
    ),
    Row(
        "Zeta",
        lambda q, first: tf.zeta(first, q),
        lambda q, first: per_element(_zeta)(first.astype(q.dtype), q),
        zeta_draw("zeta"),
        tol=SPECIAL_TOL,
    ),
    Row(
        "Igamma",
        lambda x, a: tf.igamma(a, x),
        lambda x, a: per_element(lambda p, q: _igamma(p, q, False))(a.astype(x.dtype), x),
        igamma_draw,
        tol=SPECIAL_TOL,
    ),
    Row(
        "Igammac",
        lambda x, a: tf.math.igammac(a, x),
        lambda x, a: per_element(lambda p, q: _igamma(p, q, True))(a.astype(x.dtype), x),
        igamma_draw,
        tol=SPECIAL_TOL,
    ),
    Row(
        "Polygamma",
        lambda x, first: tf.polygamma(first, x),
        lambda x, first: per_element(_polygamma)(first.astype(x.dtype), x),
        zeta_draw("polygamma"),
        tol={"rtol": 1e-5, "atol": 1e-5},
    ),
    Row(
        "Cumsum",
        tf.cumsum,
        np_cumulative(False),
        cumulative_draw(False),
        NUMERIC,
        tol={"atol": 1e-5},
    ),
    Row(
        "Cumprod",
        tf.cumprod,
        np_cumulative(True),
        cumulative_draw(True),
        NUMERIC,
        tol={"atol": 1e-5},
    ),
    Row(
        "CumulativeLogsumexp",
        tf.math.cumulative_logsumexp,
        np_cumulative("lse"),
        cumulative_draw("lse"),
        tol=SPECIAL_TOL,
    ),
    Row(
        "Betainc",
        lambda x, a, b: tf.math.betainc(a, b, x),
        lambda x, a, b: per_element(_betainc)(a.astype(x.dtype), b.astype(x.dtype), x),
        betainc_draw,
        tol=SPECIAL_TOL,
    ),
    Row("NextAfter", tf.math.nextafter, np.nextafter, binary(), grad="none"),
    seg_row("UnsortedSegmentMax", tf.unsorted_segment_max, np.maximum, _lowest, "max"),
    seg_row("UnsortedSegmentMin", tf.unsorted_segment_min, np.minimum, _highest, "min"),
    seg_row("UnsortedSegmentProd", tf.unsorted_segment_prod, np.multiply, lambda dt: 1, "prod"),
]
BY_OP = {r.op: r for r in ROWS}
globals().update(table_tests(ROWS))
