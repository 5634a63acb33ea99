"""The rest of ``tf.math``: trigonometric, hyperbolic, rounding and special functions, float
classification and logical ops, the "no NaN" binary ops, cumulative sums and products, the
segment reductions beyond ``unsorted_segment_sum``, and the composites TF builds from them
(``reduce_logsumexp``, ``reduce_variance``, ``l2_normalize``, ``count_nonzero``, ...), each
with TF's gradient (``math_grad.py``) beside it."""

from __future__ import annotations

import math as _pymath

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import name_scope, shape_error
from ..framework.op_util import (
    FLOATS,
    NUMERIC,
    check_dtype_in,
    check_same_dtype,
    int_arg,
    make_tensor,
    same_shape,
    scalar_int,
    to_tensors,
)
from ..framework.registry import NotDifferentiable, RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import (
    broadcast_to,
    cast,
    concat,
    ones,
    ones_like,
    reshape,
    shape,
    stop_gradient,
    sum_to,
    zeros_like,
)
from .indexing_ops import INDEX_DTYPES, gather, unsorted_segment_sum, where_v2
from .math_ops import (
    _binary_shape,
    add_n,
    equal,
    exp,
    greater,
    less,
    less_equal,
    log,
    maximum,
    minimum,
    negative,
    not_equal,
    reciprocal,
    reduce_max,
    reduce_mean,
    reduce_sum,
    sign,
    sqrt,
    square,
)
from .math_ops import abs as _abs

__all__ = []  # the namespaces re-export by name

# ---- unary: float -> float -----------------------------------------------------------------------
_UNARY = {  # op type -> kernel
    "Sin": "sin",
    "Cos": "cos",
    "Tan": "tan",
    "Asin": "asin",
    "Acos": "acos",
    "Atan": "atan",
    "Sinh": "sinh",
    "Cosh": "cosh",
    "Asinh": "asinh",
    "Acosh": "acosh",
    "Atanh": "atanh",
    "Ceil": "ceil",
    "Rint": "rint",
    "Round": "rint",  # floats: halves to even, as Rint
    "Expm1": "expm1",
    "Log1p": "log1p",
    "Rsqrt": "rsqrt",
    "Erf": "erf",
    "Erfc": "erfc",
    "Lgamma": "lgamma",
    "Digamma": "digamma",
    "Softsign": "softsign",
    "Ndtri": "ndtri",
    "Erfinv": "erfinv",
    "BesselI0": "bessel_i0",
    "BesselI0e": "bessel_i0e",
    "BesselI1": "bessel_i1",
    "BesselI1e": "bessel_i1e",
}
for _t, _k in _UNARY.items():
    register_op(_t, same_shape, _k)
for _t in ("Ceil", "Rint", "Round"):
    NotDifferentiable(_t)  # as TF: None (zero almost everywhere)


def _unary(op_type, x, name, arg="x"):
    x = convert_to_tensor(x)
    check_dtype_in(op_type, x, FLOATS, arg)
    return make_tensor(op_type, [x], x.dtype, None, name or op_type)


def sin(x, name=None):
    return _unary("Sin", x, name)


def cos(x, name=None):
    return _unary("Cos", x, name)


def tan(x, name=None):
    return _unary("Tan", x, name)


def asin(x, name=None):
    return _unary("Asin", x, name)


def acos(x, name=None):
    return _unary("Acos", x, name)


def atan(x, name=None):
    return _unary("Atan", x, name)


def sinh(x, name=None):
    return _unary("Sinh", x, name)


def cosh(x, name=None):
    return _unary("Cosh", x, name)


def asinh(x, name=None):
    return _unary("Asinh", x, name)


def acosh(x, name=None):
    return _unary("Acosh", x, name)


def atanh(x, name=None):
    return _unary("Atanh", x, name)


def ceil(x, name=None):
    return _unary("Ceil", x, name)


def rint(x, name=None):
    """Nearest integer, halves to even (``np.rint``)."""
    return _unary("Rint", x, name)


def round(x, name=None):
    """Banker's rounding, as TF: halves to even; integers are returned as they are."""
    x = convert_to_tensor(x)
    if x.dtype.is_integer:
        return x
    return _unary("Round", x, name)


def expm1(x, name=None):
    return _unary("Expm1", x, name)


def log1p(x, name=None):
    return _unary("Log1p", x, name)


def rsqrt(x, name=None):
    return _unary("Rsqrt", x, name)


def erf(x, name=None):
    """The error function. At +-inf: +-1 (TF 2.21's float64 kernel gives NaN there; its float32
    one gives +-1, as here)."""
    return _unary("Erf", x, name)


def erfc(x, name=None):
    return _unary("Erfc", x, name)


def lgamma(x, name=None):
    return _unary("Lgamma", x, name)


def digamma(x, name=None):
    return _unary("Digamma", x, name)


def ndtri(x, name=None):
    """The standard normal quantile (the inverse of its CDF): -inf at 0, inf at 1."""
    return _unary("Ndtri", x, name)


def erfinv(x, name=None):
    """The inverse error function: -inf at -1, inf at 1."""
    return _unary("Erfinv", x, name)


def erfcinv(x, name=None):
    """The inverse complementary error function, ``-ndtri(x / 2) / sqrt(2)`` as TF."""
    with name_scope(name, "erfcinv", [x]):
        x = convert_to_tensor(x)
        check_dtype_in("Erfcinv", x, FLOATS)
        return negative(ndtri(constant(0.5, dtype=x.dtype) * x)) * constant(
            _pymath.sqrt(0.5), dtype=x.dtype
        )


def bessel_i0(x, name=None):
    """The modified Bessel function of the first kind of order 0 (NaN at +-inf, as TF)."""
    return _unary("BesselI0", x, name)


def bessel_i0e(x, name=None):
    """``exp(-|x|) * bessel_i0(x)``, without overflow."""
    return _unary("BesselI0e", x, name)


def bessel_i1(x, name=None):
    """The modified Bessel function of the first kind of order 1 (NaN at +-inf, as TF)."""
    return _unary("BesselI1", x, name)


def bessel_i1e(x, name=None):
    """``exp(-|x|) * bessel_i1(x)``, without overflow."""
    return _unary("BesselI1e", x, name)


def softsign(features, name=None):
    """``features / (1 + |features|)``."""
    return _unary("Softsign", features, name, "features")


def _x(op):
    return op.inputs[0]


@RegisterGradient("Sin")
def _sin_grad(op, grad):
    return [grad * cos(_x(op))]


@RegisterGradient("Cos")
def _cos_grad(op, grad):
    return [negative(grad) * sin(_x(op))]


@RegisterGradient("Tan")
def _tan_grad(op, grad):
    return [grad * square(reciprocal(cos(_x(op))))]


def _one_minus_x2(op):
    x = _x(op)
    return constant(1, dtype=x.dtype) - square(x)


@RegisterGradient("Asin")
def _asin_grad(op, grad):
    return [grad * reciprocal(sqrt(_one_minus_x2(op)))]


@RegisterGradient("Acos")
def _acos_grad(op, grad):
    return [negative(grad * reciprocal(sqrt(_one_minus_x2(op))))]


@RegisterGradient("Atan")
def _atan_grad(op, grad):
    x = _x(op)
    return [grad * reciprocal(constant(1, dtype=x.dtype) + square(x))]


@RegisterGradient("Sinh")
def _sinh_grad(op, grad):
    return [grad * cosh(_x(op))]


@RegisterGradient("Cosh")
def _cosh_grad(op, grad):
    return [grad * sinh(_x(op))]


@RegisterGradient("Asinh")
def _asinh_grad(op, grad):
    return [grad / cosh(op.outputs[0])]


@RegisterGradient("Acosh")
def _acosh_grad(op, grad):
    return [grad / sinh(op.outputs[0])]


@RegisterGradient("Atanh")
def _atanh_grad(op, grad):
    return [grad * reciprocal(_one_minus_x2(op))]


@RegisterGradient("Expm1")
def _expm1_grad(op, grad):
    return [grad * exp(_x(op))]


@RegisterGradient("Log1p")
def _log1p_grad(op, grad):
    x = _x(op)
    return [grad * reciprocal(constant(1, dtype=x.dtype) + x)]


@RegisterGradient("Rsqrt")
def _rsqrt_grad(op, grad):
    y = op.outputs[0]  # d x^-1/2 = -1/2 x^-3/2 dx = -1/2 y^3 dx
    return [grad * (-0.5 * y * y * y)]


@RegisterGradient("Erf")
def _erf_grad(op, grad):
    x = _x(op)
    return [grad * (2.0 / _pymath.sqrt(_pymath.pi)) * exp(negative(square(x)))]


@RegisterGradient("Erfc")
def _erfc_grad(op, grad):
    x = _x(op)
    return [grad * (-2.0 / _pymath.sqrt(_pymath.pi)) * exp(negative(square(x)))]


@RegisterGradient("Lgamma")
def _lgamma_grad(op, grad):
    return [grad * digamma(_x(op))]


@RegisterGradient("Digamma")
def _digamma_grad(op, grad):
    x = _x(op)
    return [grad * polygamma(constant(1, dtype=x.dtype), x)]


@RegisterGradient("Ndtri")
def _ndtri_grad(op, grad):
    y = op.outputs[0]  # d ndtri = sqrt(2 pi) exp(y^2 / 2) dx
    return [grad * _pymath.sqrt(2 * _pymath.pi) * exp(square(y) / 2.0)]


@RegisterGradient("Erfinv")
def _erfinv_grad(op, grad):
    y = op.outputs[0]  # d erfinv = sqrt(pi) / 2 exp(y^2) dx
    return [grad * (_pymath.sqrt(_pymath.pi) / 2) * exp(square(y))]


@RegisterGradient("BesselI0")
def _bessel_i0_grad(op, grad):
    return [grad * bessel_i1(_x(op))]


@RegisterGradient("BesselI0e")
def _bessel_i0e_grad(op, grad):
    x, y = _x(op), op.outputs[0]
    return [grad * (bessel_i1e(x) - sign(x) * y)]


def _bessel_i1_grad_of(op, grad, scaled):
    # as TF: d I1 = I0 - I1 / x (minus sign(x) I1e for the scaled one); 0.5 at x = 0
    x, y = _x(op), op.outputs[0]
    eps = constant(float(np.finfo(x.dtype.np).eps), dtype=x.dtype)
    not_tiny = greater(_abs(x), eps)
    safe_x = where_v2(not_tiny, x, eps + zeros_like(x))
    if scaled:
        dy_dx = bessel_i0e(safe_x) - y * (sign(safe_x) + reciprocal(safe_x))
    else:
        dy_dx = bessel_i0(safe_x) - y * reciprocal(safe_x)
    half = constant(0.5, dtype=x.dtype) + zeros_like(x)
    return [grad * where_v2(not_tiny, dy_dx, half)]


@RegisterGradient("BesselI1")
def _bessel_i1_grad(op, grad):
    return _bessel_i1_grad_of(op, grad, False)


@RegisterGradient("BesselI1e")
def _bessel_i1e_grad(op, grad):
    return _bessel_i1_grad_of(op, grad, True)


@RegisterGradient("Softsign")
def _softsign_grad(op, grad):
    x = _x(op)
    return [grad / square(constant(1, dtype=x.dtype) + _abs(x))]


# ---- unary: float -> bool, logical ops -----------------------------------------------------------
for _t, _k in (("IsFinite", "is_finite"), ("IsInf", "is_inf"), ("IsNan", "is_nan")):
    register_op(_t, same_shape, _k)
    NotDifferentiable(_t)
register_op("LogicalNot", same_shape, "logical_not")
register_op("LogicalAnd", _binary_shape, "logical_and")
register_op("LogicalOr", _binary_shape, "logical_or")
for _t in ("LogicalNot", "LogicalAnd", "LogicalOr"):
    NotDifferentiable(_t)


def _classify(op_type, x, name):
    x = convert_to_tensor(x)
    check_dtype_in(op_type, x, FLOATS)
    return make_tensor(op_type, [x], _dt.bool, None, name or op_type)


def is_finite(x, name=None):
    return _classify("IsFinite", x, name)


def is_inf(x, name=None):
    return _classify("IsInf", x, name)


def is_nan(x, name=None):
    return _classify("IsNan", x, name)


def _bool(op_type, x, arg="x"):
    x = convert_to_tensor(x, dtype=_dt.bool) if not hasattr(x, "dtype") else convert_to_tensor(x)
    check_dtype_in(op_type, x, (_dt.bool,), arg)
    return x


def logical_not(x, name=None):
    x = _bool("LogicalNot", x)
    return make_tensor("LogicalNot", [x], _dt.bool, None, name or "LogicalNot")


def logical_and(x, y, name=None):
    x, y = _bool("LogicalAnd", x), _bool("LogicalAnd", y, "y")
    return make_tensor("LogicalAnd", [x, y], _dt.bool, None, name or "LogicalAnd")


def logical_or(x, y, name=None):
    x, y = _bool("LogicalOr", x), _bool("LogicalOr", y, "y")
    return make_tensor("LogicalOr", [x, y], _dt.bool, None, name or "LogicalOr")


def logical_xor(x, y, name="LogicalXor"):
    """``(x or y) and not (x and y)``, as TF composes it."""
    with name_scope(name, "LogicalXor", [x, y]):
        return logical_and(logical_or(x, y), logical_not(logical_and(x, y)))


# ---- binary, with broadcasting -------------------------------------------------------------------
_BINARY = {  # op type -> (kernel, dtypes)
    "Atan2": ("atan2", FLOATS),
    "Xlogy": ("xlogy", FLOATS),
    "Xdivy": ("xdivy", FLOATS),
    "DivNoNan": ("div_no_nan", FLOATS),
    "MulNoNan": ("mul_no_nan", FLOATS),
    "SquaredDifference": ("squared_difference", NUMERIC),
    "Zeta": ("zeta", FLOATS),
    "Igamma": ("igamma", FLOATS),
    "Igammac": ("igammac", FLOATS),
    "Polygamma": ("polygamma", FLOATS),
    "NextAfter": ("nextafter", FLOATS),
}
for _t, (_k, _) in _BINARY.items():
    register_op(_t, _binary_shape, _k)


def _binary(op_type, x, y, name, names=("x", "y")):
    x, y = to_tensors([x, y])
    check_same_dtype(op_type, [x, y], names)
    check_dtype_in(op_type, x, _BINARY[op_type][1], names[0])
    return make_tensor(op_type, [x, y], x.dtype, None, name or op_type)


def atan2(y, x, name=None):
    """The angle of ``(x, y)``: ``np.arctan2(y, x)``."""
    return _binary("Atan2", y, x, name, ("y", "x"))


def xlogy(x, y, name=None):
    """``x * log(y)``, 0 where ``x == 0``."""
    return _binary("Xlogy", x, y, name)


def xdivy(x, y, name=None):
    """``x / y``, 0 where ``x == 0``."""
    return _binary("Xdivy", x, y, name)


def div_no_nan(x, y, name=None):
    """``x / y``, 0 where ``y == 0``."""
    return _binary("DivNoNan", x, y, name or "div_no_nan")


divide_no_nan = div_no_nan


def multiply_no_nan(x, y, name=None):
    """``x * y``, 0 where ``y == 0`` (even where ``x`` is NaN or infinite)."""
    return _binary("MulNoNan", x, y, name or "multiply_no_nan")


def squared_difference(x, y, name=None):
    """``(x - y) ** 2``, broadcasting."""
    return _binary("SquaredDifference", x, y, name)


def zeta(x, q, name=None):
    """The Hurwitz zeta function ``sum_k (k + q) ** -x``."""
    return _binary("Zeta", x, q, name, ("x", "q"))


def polygamma(a, x, name=None):
    """The ``a``-th derivative of digamma at ``x`` (``a`` a whole number, as floats)."""
    return _binary("Polygamma", a, x, name, ("a", "x"))


def nextafter(x1, x2, name=None):
    """The next representable value after ``x1`` toward ``x2`` (``np.nextafter``)."""
    return _binary("NextAfter", x1, x2, name, ("x1", "x2"))


NotDifferentiable("NextAfter")


@RegisterGradient("Atan2")
def _atan2_grad(op, grad):
    y, x = op.inputs
    grad_inv = grad / (square(x) + square(y))
    return [sum_to(x * grad_inv, y), sum_to(negative(y) * grad_inv, x)]


@RegisterGradient("SquaredDifference")
def _squared_difference_grad(op, grad):
    x, y = op.inputs
    two = constant(2, dtype=grad.dtype)
    x_grad = two * grad * (x - y)
    return [sum_to(x_grad, x), sum_to(negative(x_grad), y)]


def _not_zero(x):
    return cast(not_equal(x, constant(0, dtype=x.dtype)), x.dtype)


@RegisterGradient("Xlogy")
def _xlogy_grad(op, grad):
    x, y = op.inputs
    return [sum_to(xlogy(_not_zero(x), y) * grad, x), sum_to(xdivy(x, y) * grad, y)]


@RegisterGradient("Xdivy")
def _xdivy_grad(op, grad):
    x, y = op.inputs
    return [
        sum_to(xdivy(_not_zero(x), y) * grad, x),
        sum_to(xdivy(negative(x), square(y)) * grad, y),
    ]


@RegisterGradient("DivNoNan")
def _div_no_nan_grad(op, grad):
    x, y = op.inputs
    return [sum_to(div_no_nan(grad, y), x), sum_to(grad * div_no_nan(div_no_nan(-x, y), y), y)]


@RegisterGradient("MulNoNan")
def _mul_no_nan_grad(op, grad):
    x, y = op.inputs
    return [sum_to(multiply_no_nan(grad, y), x), sum_to(multiply_no_nan(x, grad), y)]


@RegisterGradient("Zeta")
def _zeta_grad(op, grad):
    x, q = op.inputs  # as TF: no gradient for x; d zeta / dq = -x zeta(x + 1, q)
    one = constant(1, dtype=x.dtype)
    return [None, sum_to(grad * negative(x) * zeta(x + one, q), q)]


def igamma(a, x, name=None):
    """The regularized lower incomplete gamma function ``P(a, x)`` (``scipy.special.gammainc``):
    ``1 / Gamma(a) * integral_0^x t^(a-1) e^-t dt``; NaN for ``a <= 0`` or ``x < 0``."""
    return _binary("Igamma", a, x, name, ("a", "x"))


def igammac(a, x, name=None):
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``."""
    return _binary("Igammac", a, x, name, ("a", "x"))


def _igamma_grad_x(op, grad):
    # d P(a, x) / dx = x^(a-1) e^-x / Gamma(a), in log space (Gamma(a) grows large)
    a, x = op.inputs
    one = constant(1, dtype=x.dtype)
    return exp(negative(x) + (a - one) * log(x) - lgamma(a)) * grad


@RegisterGradient("Igamma")
def _igamma_grad(op, grad):
    # TF also differentiates a (its IgammaGradA kernel); here only x is: a's gradient is None
    return [None, sum_to(_igamma_grad_x(op, grad), op.inputs[1])]


@RegisterGradient("Igammac")
def _igammac_grad(op, grad):
    return [None, sum_to(negative(_igamma_grad_x(op, grad)), op.inputs[1])]


@RegisterGradient("Polygamma")
def _polygamma_grad(op, grad):
    a, x = op.inputs  # as TF: no gradient for the order
    one = constant(1, dtype=x.dtype)
    return [None, sum_to(grad * polygamma(a + one, x), x)]


# ---- betainc -------------------------------------------------------------------------------------
def _betainc_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    for t in in_shapes[1:]:
        if not s.is_compatible_with(t):
            raise shape_error("Betainc", op.name, "Shapes of a, b and x must be equal", in_shapes)
        s = s.merge_with(t)
    return [s]


register_op("Betainc", _betainc_shape, "betainc")


def betainc(a, b, x, name=None):
    """The regularized incomplete beta function ``I_x(a, b)``; as TF, ``a``, ``b`` and ``x``
    have one shape or are scalars (NaN where ``a <= 0``, ``b <= 0`` or ``x`` is outside [0, 1])."""
    a, b, x = to_tensors([a, b, x])
    check_same_dtype("Betainc", [a, b, x], ("a", "b", "x"))
    check_dtype_in("Betainc", a, FLOATS, "a")
    with name_scope(name, "Betainc", [a, b, x]) as scope:
        ts = [a, b, x]
        full = [t for t in ts if t.shape.ndims != 0]
        if full and len(full) < 3:  # scalars take the others' shape, as TF's kernel
            ts = [broadcast_to(t, shape(full[0])) if t.shape.ndims == 0 else t for t in ts]
        return make_tensor("Betainc", ts, a.dtype, None, scope)


@RegisterGradient("Betainc")
def _betainc_grad(op, grad):
    a, b, x = op.inputs  # as TF: the gradient with respect to x only (None for a and b)
    one = constant(1, dtype=x.dtype)
    log_beta = lgamma(a) + lgamma(b) - lgamma(a + b)
    partial_x = exp(xlog1py(b - one, negative(x)) + xlogy(a - one, x) - log_beta)
    return [None, None, partial_x * grad]


# ---- cumsum / cumprod ----------------------------------------------------------------------------
def _cum_axis(op, rank, value_of):
    a = value_of(1)
    if a is None:
        return None
    a = int(np.asarray(a).reshape(()))
    if not -rank <= a < rank:
        raise shape_error(
            op.type, op.name, f"Expected axis in the range [{-rank}, {rank}), but got {a}", []
        )
    return a % rank


def _cum_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    if s.ndims is not None:
        if s.ndims == 0:
            raise shape_error(op.type, op.name, "Shape must be at least rank 1 but is rank 0", [s])
        _cum_axis(op, s.ndims, value_of)
    return [s]


def _cum_attrs(op, in_shapes, out_shapes, value_of):
    axis = _cum_axis(op, len(in_shapes[0]), value_of)
    return [axis, int(op.get_attr("exclusive")), int(op.get_attr("reverse"))], []


for _t, _k in (
    ("Cumsum", "cumsum"),
    ("Cumprod", "cumprod"),
    ("CumulativeLogsumexp", "cumulative_logsumexp"),
):
    register_op(_t, _cum_shape, _k, kernel_inputs=(0,), value_inputs=(1,), attrs_fn=_cum_attrs)


def _cumulative(op_type, x, axis, exclusive, reverse, name):
    x = convert_to_tensor(x)
    check_dtype_in(op_type, x, FLOATS if op_type == "CumulativeLogsumexp" else NUMERIC)
    known, extra = int_arg(axis, "axis")
    a = extra[0] if extra else constant(np.int32(scalar_int(known)), name="axis")
    attrs = {"exclusive": bool(exclusive), "reverse": bool(reverse), "Tidx": a.dtype}
    return make_tensor(op_type, [x, a], x.dtype, attrs, name or op_type)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sums along ``axis`` (``exclusive``: each without itself; ``reverse``: from the
    end)."""
    return _cumulative("Cumsum", x, axis, exclusive, reverse, name)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running products along ``axis``, as ``cumsum``."""
    return _cumulative("Cumprod", x, axis, exclusive, reverse, name)


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running ``log(sum(exp(x)))`` along ``axis``, computed stably (-inf over nothing)."""
    return _cumulative("CumulativeLogsumexp", x, axis, exclusive, reverse, name)


@RegisterGradient("CumulativeLogsumexp")
def _cumulative_logsumexp_grad(op, grad):
    x, axis = op.inputs  # as TF: the positive and negative parts of grad in log space
    result = op.outputs[0]
    ex, rev = op.get_attr("exclusive"), op.get_attr("reverse")
    lowest = constant(float(np.finfo(grad.dtype.np).min), dtype=grad.dtype)
    lowest = lowest * ones_like(grad)
    zero = zeros_like(grad)
    pos = where_v2(
        greater(grad, zero), log(where_v2(greater(grad, zero), grad, ones_like(grad))), lowest
    )
    neg = where_v2(
        less(grad, zero), log(where_v2(less(grad, zero), -grad, ones_like(grad))), lowest
    )
    out_pos = exp(cumulative_logsumexp(pos - result, axis, exclusive=ex, reverse=not rev) + x)
    out_neg = exp(cumulative_logsumexp(neg - result, axis, exclusive=ex, reverse=not rev) + x)
    return [out_pos - out_neg, None]


@RegisterGradient("Cumsum")
def _cumsum_grad(op, grad):
    ex, rev = op.get_attr("exclusive"), op.get_attr("reverse")
    return [cumsum(grad, op.inputs[1], exclusive=ex, reverse=not rev), None]


@RegisterGradient("Cumprod")
def _cumprod_grad(op, grad):
    x, axis = op.inputs  # as TF: divides by x (NaN or Inf where x has zeros)
    ex, rev = op.get_attr("exclusive"), op.get_attr("reverse")
    prod = cumprod(x, axis, exclusive=ex, reverse=rev)
    out = cumsum(prod * grad, axis, exclusive=ex, reverse=not rev)
    return [out / x, None]


# ---- unsorted segment max / min / prod and the segment composites --------------------------------
def _segment_shape(op_type):
    def shape_fn(op, in_shapes, value_of):
        d, ids = in_shapes[0], in_shapes[1]
        n = value_of(2)
        n = None if n is None else int(np.asarray(n).reshape(()))
        if n is not None and n < 0:
            raise shape_error(op_type, op.name, f"num_segments must be >= 0, got {n}", in_shapes)
        if d.ndims is None or ids.ndims is None:
            return [TensorShape(None)]
        prefix = TensorShape(d.as_list()[: ids.ndims])
        if ids.ndims > d.ndims or not prefix.is_compatible_with(ids):
            raise shape_error(
                op_type, op.name, "segment_ids.shape must be a prefix of data.shape", in_shapes
            )
        return [TensorShape([n, *d.as_list()[ids.ndims :]])]

    return shape_fn


_SEGMENT = {
    "UnsortedSegmentMax": "unsorted_segment_max",
    "UnsortedSegmentMin": "unsorted_segment_min",
    "UnsortedSegmentProd": "unsorted_segment_prod",
}
for _t, _k in _SEGMENT.items():
    register_op(_t, _segment_shape(_t), _k, kernel_inputs=(0, 1), value_inputs=(2,))


def _unsorted_segment(op_type, data, segment_ids, num_segments, name):
    d = convert_to_tensor(data)
    ids = convert_to_tensor(segment_ids)
    check_dtype_in(op_type, d, NUMERIC, "data")
    check_dtype_in(op_type, ids, INDEX_DTYPES, "segment_ids")
    with name_scope(name, op_type, [d, ids]) as scope:
        n = num_segments
        if not hasattr(n, "dtype") or not hasattr(n, "op"):
            n = constant(np.int32(n), name="num_segments")
        attrs = {"Tindices": ids.dtype, "Tnumsegments": n.dtype}
        return make_tensor(op_type, [d, ids, n], d.dtype, attrs, scope)


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """Per segment the largest element (the dtype's lowest value for an empty segment)."""
    return _unsorted_segment("UnsortedSegmentMax", data, segment_ids, num_segments, name)


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """Per segment the smallest element (the dtype's highest value for an empty segment)."""
    return _unsorted_segment("UnsortedSegmentMin", data, segment_ids, num_segments, name)


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """Per segment the product (1 for an empty segment)."""
    return _unsorted_segment("UnsortedSegmentProd", data, segment_ids, num_segments, name)


def _segment_min_or_max_grad(op, grad):
    data, ids, n = op.inputs  # shared equally by the elements equal to their segment's extremum
    is_selected = equal(data, gather(op.outputs[0], ids))
    num_selected = unsorted_segment_sum(cast(is_selected, grad.dtype), ids, n)
    weighted = grad / num_selected
    return [where_v2(is_selected, gather(weighted, ids), zeros_like(data)), None, None]


RegisterGradient("UnsortedSegmentMax")(_segment_min_or_max_grad)
RegisterGradient("UnsortedSegmentMin")(_segment_min_or_max_grad)


@RegisterGradient("UnsortedSegmentProd")
def _segment_prod_grad(op, grad):
    data, ids, n = op.inputs  # as TF: exact where a segment holds one zero, 0 where more
    is_zero = equal(data, zeros_like(data))
    num_zeros = unsorted_segment_sum(cast(is_zero, _dt.int32), ids, n)
    grad = where_v2(greater(num_zeros, constant(1, _dt.int32)), zeros_like(grad), grad)
    non_zero_data = where_v2(is_zero, ones_like(data), data)
    non_zero_prod = unsorted_segment_prod(non_zero_data, ids, n)
    by_el = gather(op.outputs[0], ids) / data
    partial = where_v2(is_zero, gather(non_zero_prod, ids), by_el)
    return [gather(grad, ids) * partial, None, None]


def _segment_counts(data, ids, n):
    """Per segment its number of elements, shaped to broadcast against the segment results."""
    counts = unsorted_segment_sum(ones(shape(ids), data.dtype), ids, n)
    extra = data.shape.ndims - ids.shape.ndims
    return reshape(counts, concat([shape(counts), ones([extra], _dt.int32)], 0))


def _check_known_ranks(what, d, ids):
    if d.shape.ndims is None or ids.shape.ndims is None:
        raise ValueError(f"{what} needs the ranks of data and segment_ids known")


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """Per segment the mean (0 for an empty segment)."""
    d, ids = convert_to_tensor(data), convert_to_tensor(segment_ids)
    _check_known_ranks("unsorted_segment_mean", d, ids)
    with name_scope(name, "UnsortedSegmentMean", [d, ids]):
        n = _segment_counts(d, ids, num_segments)
        return unsorted_segment_sum(d, ids, num_segments) / maximum(n, ones_like(n))


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """Per segment the sum divided by the square root of its size (0 for an empty segment)."""
    d, ids = convert_to_tensor(data), convert_to_tensor(segment_ids)
    _check_known_ranks("unsorted_segment_sqrt_n", d, ids)
    with name_scope(name, "UnsortedSegmentSqrtN", [d, ids]):
        n = _segment_counts(d, ids, num_segments)
        return unsorted_segment_sum(d, ids, num_segments) / sqrt(maximum(n, ones_like(n)))


def _sorted_count(ids):
    """``segment_ids[-1] + 1`` for sorted ids (0 when there are none), known when run."""
    ids = convert_to_tensor(ids)
    flat = reshape(ids, [-1])
    last = reduce_max(concat([constant([-1], dtype=ids.dtype), flat], 0))
    return last + constant(1, dtype=ids.dtype)


def segment_sum(data, segment_ids, name=None):
    """Per segment the sum, for sorted ``segment_ids`` (segments up to the last id)."""
    with name_scope(name, "SegmentSum", [data, segment_ids]):
        return unsorted_segment_sum(data, segment_ids, _sorted_count(segment_ids))


def segment_prod(data, segment_ids, name=None):
    with name_scope(name, "SegmentProd", [data, segment_ids]):
        return unsorted_segment_prod(data, segment_ids, _sorted_count(segment_ids))


def segment_mean(data, segment_ids, name=None):
    with name_scope(name, "SegmentMean", [data, segment_ids]):
        return unsorted_segment_mean(data, segment_ids, _sorted_count(segment_ids))


def _segment_extreme(fn, data, segment_ids):
    d, ids = convert_to_tensor(data), convert_to_tensor(segment_ids)
    _check_known_ranks("segment_max/min", d, ids)
    n = _sorted_count(ids)
    out = fn(d, ids, n)
    counts = _segment_counts(d, ids, n)
    return where_v2(greater(counts, zeros_like(counts)), out, zeros_like(out))  # empty: 0


def segment_max(data, segment_ids, name=None):
    """Per segment the largest element (0 for an empty segment, as TF's SegmentMax)."""
    with name_scope(name, "SegmentMax", [data, segment_ids]):
        return _segment_extreme(unsorted_segment_max, data, segment_ids)


def segment_min(data, segment_ids, name=None):
    with name_scope(name, "SegmentMin", [data, segment_ids]):
        return _segment_extreme(unsorted_segment_min, data, segment_ids)


# ---- reductions built from the others, as TF builds them -----------------------------------------
def _axis_kw(axis, keepdims, reduction_indices, keep_dims):
    if axis is None:
        axis = reduction_indices
    if keepdims is None:
        keepdims = bool(keep_dims)
    return axis, bool(keepdims)


def reduce_all(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """Logical and over ``axis`` (True over nothing)."""
    axis, keepdims = _axis_kw(axis, keepdims, reduction_indices, keep_dims)
    x = _bool("All", input_tensor, "input")
    with name_scope(name, "All", [x]):
        falses = reduce_sum(cast(logical_not(x), _dt.int64), axis, keepdims=keepdims)
        return equal(falses, constant(0, _dt.int64))  # over nothing: True


def reduce_any(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """Logical or over ``axis`` (False over nothing)."""
    axis, keepdims = _axis_kw(axis, keepdims, reduction_indices, keep_dims)
    x = _bool("Any", input_tensor, "input")
    with name_scope(name, "Any", [x]):
        trues = reduce_sum(cast(x, _dt.int64), axis, keepdims=keepdims)
        return greater(trues, constant(0, _dt.int64))  # over nothing: False


def reduce_logsumexp(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """``log(sum(exp(x)))`` over ``axis``, computed stably (the maximum taken out), as TF."""
    axis, keepdims = _axis_kw(axis, keepdims, reduction_indices, keep_dims)
    x = convert_to_tensor(input_tensor)
    check_dtype_in("ReduceLogSumExp", x, FLOATS, "input_tensor")
    with name_scope(name, "ReduceLogSumExp", [x]):
        raw_max = reduce_max(x, axis, keepdims=True)
        my_max = stop_gradient(where_v2(is_finite(raw_max), raw_max, zeros_like(raw_max)))
        result = log(reduce_sum(exp(x - my_max), axis, keepdims=keepdims))
        if not keepdims:
            my_max = reshape(my_max, shape(result))
        return result + my_max


def reduce_variance(
    input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None
):
    """The mean squared deviation from the mean over ``axis`` (floats only, as TF)."""
    axis, keepdims = _axis_kw(axis, keepdims, reduction_indices, keep_dims)
    x = convert_to_tensor(input_tensor)
    if not x.dtype.is_floating:
        raise TypeError(f"Input must be either real or complex. Received integer type {x.dtype}.")
    with name_scope(name, "reduce_variance", [x]):
        means = reduce_mean(x, axis, keepdims=True)
        d = x - means
        return reduce_mean(d * d, axis, keepdims=keepdims)


def reduce_std(
    input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None
):
    """The square root of ``reduce_variance``."""
    with name_scope(name, "reduce_std", [input_tensor]):
        return sqrt(
            reduce_variance(input_tensor, axis, keepdims, None, reduction_indices, keep_dims)
        )


def reduce_euclidean_norm(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """``sqrt(sum(x ** 2))`` over ``axis`` (integers: computed in float64 and truncated, as
    TF's integer kernel)."""
    axis, keepdims = _axis_kw(axis, keepdims, reduction_indices, keep_dims)
    x = convert_to_tensor(input_tensor)
    check_dtype_in("EuclideanNorm", x, NUMERIC, "input")
    with name_scope(name, "EuclideanNorm", [x]):
        if x.dtype.is_integer:
            return cast(sqrt(reduce_sum(square(cast(x, _dt.float64)), axis, keepdims)), x.dtype)
        return sqrt(reduce_sum(square(x), axis, keepdims=keepdims))


def count_nonzero(
    input_tensor=None,
    axis=None,
    keepdims=None,
    dtype=_dt.int64,
    name=None,
    reduction_indices=None,
    keep_dims=None,
    input=None,
):
    """The number of elements not equal to zero (False) over ``axis``."""
    if input_tensor is None:
        input_tensor = input
    axis, keepdims = _axis_kw(axis, keepdims, reduction_indices, keep_dims)
    x = convert_to_tensor(input_tensor)
    with name_scope(name, "count_nonzero", [x]):
        nz = cast(not_equal(x, zeros_like(x)), _dt.int64)
        return cast(reduce_sum(nz, axis, keepdims=keepdims), dtype)


# ---- other composites ----------------------------------------------------------------------------
def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """``x / sqrt(max(sum(x ** 2, axis), epsilon))``."""
    axis = dim if axis is None else axis
    with name_scope(name, "l2_normalize", [x]):
        x = convert_to_tensor(x)
        square_sum = reduce_sum(square(x), axis, keepdims=True)
        eps = constant(epsilon, dtype=x.dtype)
        return x * rsqrt(maximum(square_sum, eps))


def zero_fraction(value, name=None):
    """The fraction of elements equal to zero, as a float32 scalar."""
    with name_scope(name, "zero_fraction", [value]):
        v = convert_to_tensor(value)
        return reduce_mean(cast(equal(v, zeros_like(v)), _dt.float32))


def scalar_mul(scalar, x, name=None):
    """``scalar * x`` for a scalar (rank-0) ``scalar``."""
    x = convert_to_tensor(x)
    s = convert_to_tensor(scalar, dtype=x.dtype)
    if s.shape.ndims not in (None, 0):
        raise ValueError(f"Only scalar multiply works, got shape {s.shape}")
    with name_scope(name, "scalar_mul", [s, x]):
        return s * x


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """The sum of same-shape tensors (as ``add_n``)."""
    inputs = list(inputs)
    if not inputs:
        raise ValueError("inputs must be an iterable of at least one Tensor/IndexedSlices")
    return add_n(inputs, name=name)


def polyval(coeffs, x, name=None):
    """``coeffs[0] * x ** (n-1) + ... + coeffs[n-1]`` by Horner's rule (0 for no coefficients)."""
    if not isinstance(coeffs, list):
        raise ValueError(f"Argument coeffs must be list type found {type(coeffs)}.")
    with name_scope(name, "polyval", [x]):
        x = convert_to_tensor(x)
        if not coeffs:
            return zeros_like(x)
        cs = [convert_to_tensor(c) for c in coeffs]  # as TF: not cast to x's dtype
        p = cs[0]
        for c in cs[1:]:
            p = c + p * x
        return p


def lbeta(x, name=None):
    """``log(|B(x)|)`` along the last axis: ``sum(lgamma(x)) - lgamma(sum(x))``."""
    with name_scope(name, "lbeta", [x]):
        x = convert_to_tensor(x)
        return reduce_sum(lgamma(x), [-1]) - lgamma(reduce_sum(x, [-1]))


def is_non_decreasing(x, name=None):
    """Whether each element of the flattened ``x`` is <= the next (True for fewer than 2)."""
    with name_scope(name, "is_non_decreasing", [x]):
        flat = reshape(convert_to_tensor(x), [-1])
        return reduce_all(less_equal(flat[:-1], flat[1:]))


def is_strictly_increasing(x, name=None):
    """Whether each element of the flattened ``x`` is < the next (True for fewer than 2)."""
    with name_scope(name, "is_strictly_increasing", [x]):
        flat = reshape(convert_to_tensor(x), [-1])
        return reduce_all(less(flat[:-1], flat[1:]))


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=_dt.int32, name=None):
    """Counts of each value in the non-negative int32 ``arr`` (or sums of ``weights``): a vector
    of ``max(arr) + 1`` entries, at least ``minlength`` and at most ``maxlength``."""
    with name_scope(name, "bincount", [arr, weights]):
        a = reshape(convert_to_tensor(arr), [-1])
        check_dtype_in("Bincount", a, (_dt.int32,), "arr")
        size = reduce_max(concat([constant([-1], _dt.int32), a], 0)) + constant(1, _dt.int32)
        if minlength is not None:
            size = maximum(size, convert_to_tensor(minlength, dtype=_dt.int32))
        if maxlength is not None:
            size = minimum(size, convert_to_tensor(maxlength, dtype=_dt.int32))
        if weights is None:
            w = ones(shape(a), _dt.as_dtype(dtype))
        else:
            w = reshape(convert_to_tensor(weights), [-1])
        keep = less(a, size)  # values beyond maxlength are dropped
        ids = where_v2(keep, a, zeros_like(a))
        return unsorted_segment_sum(where_v2(keep, w, zeros_like(w)), ids, size)


def confusion_matrix(
    labels, predictions, num_classes=None, weights=None, dtype=_dt.int32, name=None
):
    """``m[i, j]``: how often label ``i`` was predicted as ``j`` (summing ``weights``)."""
    with name_scope(name, "confusion_matrix", [labels, predictions, weights]):
        lab = cast(reshape(convert_to_tensor(labels), [-1]), _dt.int64)
        pred = cast(reshape(convert_to_tensor(predictions), [-1]), _dt.int64)
        if num_classes is None:
            both = concat([constant([-1], _dt.int64), lab, pred], 0)
            n = reduce_max(both) + constant(1, _dt.int64)
        else:
            n = cast(convert_to_tensor(num_classes), _dt.int64)
        if weights is None:
            w = ones(shape(lab), _dt.as_dtype(dtype))
        else:
            w = cast(reshape(convert_to_tensor(weights), [-1]), dtype)
        flat = unsorted_segment_sum(w, lab * n + pred, n * n)
        return reshape(flat, cast(concat([reshape(n, [1]), reshape(n, [1])], 0), _dt.int32))


def reciprocal_no_nan(x, name=None):
    """``1 / x``, 0 where ``x == 0``."""
    with name_scope(name, "reciprocal_no_nan", [x]):
        x = convert_to_tensor(x)
        return div_no_nan(ones_like(x), x)


def xlog1py(x, y, name=None):
    """``x * log1p(y)``, 0 where ``x == 0``."""
    with name_scope(name, "xlog1py", [x, y]):
        x, y = to_tensors([x, y])
        z = x * log1p(where_v2(equal(x, zeros_like(x)), zeros_like(y), y))
        return where_v2(equal(x, zeros_like(x)), zeros_like(z), z)
