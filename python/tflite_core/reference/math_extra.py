"""The rest of tf.math's kernels (``cpp/math_extra.cc``): trigonometric, hyperbolic, rounding and
special functions (float -> float), is_finite / is_inf / is_nan (-> bool), the logical ops,
betainc (a, b, x of one shape),
atan2 xlogy xdivy div_no_nan mul_no_nan zeta polygamma nextafter squared_difference
(broadcasting), cumsum / cumprod / cumulative_logsumexp (ints = [axis, exclusive, reverse]) and
unsorted_segment_max / _min / _prod.

digamma, zeta, polygamma, ndtri, erfinv, betainc and the Bessel functions follow the kernel's
algorithms (reflection, recurrence and the asymptotic series; Cephes' Euler-Maclaurin summation;
Acklam's approximation refined by Halley and Newton steps; the power series up to |x| = 30 and
the asymptotic expansion beyond) element by element in float64.
"""

from __future__ import annotations

import math

import numpy as np

from .registry import KernelError, _check_ids, _float_only, _kernel

_NAN, _INF = float("nan"), float("inf")


def _digamma(x: float) -> float:
    if math.isnan(x) or x == -_INF:
        return _NAN
    if x == _INF:
        return x
    result = 0.0
    if x <= 0.0:
        if x == math.floor(x):
            return _NAN
        result = -math.pi / math.tan(math.pi * x)
        x = 1.0 - x
    while x < 10.0:
        result -= 1.0 / x
        x += 1.0
    z = 1.0 / (x * x)
    series = z * (
        1.0 / 12
        - z
        * (
            1.0 / 120
            - z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z / 12))))
        )
    )
    return result + math.log(x) - 0.5 / x - series


_ZETA_A = [
    12.0,
    -720.0,
    30240.0,
    -1209600.0,
    47900160.0,
    -1.8924375803183791606e9,
    7.47242496e10,
    -2.950130727918164224e12,
    1.1646782814350067249e14,
    -4.5979787224074726105e15,
    1.8152105401943546773e17,
    -7.1661652561756670113e18,
]
_EPS = 1.11022302462515654042e-16


def _pow(a: float, b: float) -> float:
    try:
        return math.pow(a, b)
    except OverflowError:
        return _INF
    except ValueError:
        return _NAN


def _zeta(x: float, q: float) -> float:
    if math.isnan(x) or math.isnan(q):
        return _NAN
    if x == 1.0:
        return _INF
    if x < 1.0:
        return _NAN
    if q <= 0.0:
        if q == math.floor(q):
            return _INF
        if x != math.floor(x):
            return _NAN
    s, a, b, i = _pow(q, -x), q, 0.0, 0
    while i < 9 or a <= 9.0:
        i += 1
        a += 1.0
        b = _pow(a, -x)
        s += b
        if abs(b / s) < _EPS:
            return s
    w = a
    s += b * w / (x - 1.0)
    s -= 0.5 * b
    a, k = 1.0, 0.0
    for j in range(12):
        a *= x + k
        b /= w
        t = a * b / _ZETA_A[j]
        s += t
        if abs(t / s) < _EPS:
            return s
        k += 1.0
        a *= x + k
        b /= w
        k += 1.0
    return s


def _polygamma(n: float, x: float) -> float:
    if not n >= 0.0 or n != math.floor(n):
        return _NAN
    if n == 0.0:
        return _digamma(x)
    factorial = math.exp(math.lgamma(n + 1.0))
    return (1.0 if math.fmod(n, 2.0) == 1.0 else -1.0) * factorial * _zeta(n + 1.0, x)


_ACKLAM_A = [
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
]
_ACKLAM_B = [
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
]
_ACKLAM_C = [
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
]
_ACKLAM_D = [
    7.784695709041462e-03,
    3.224671290700398e-01,
    2.445134137142996e00,
    3.754408661907416e00,
]


def _ndtri(p: float) -> float:
    """Acklam's approximation, then one Halley step (the kernel's algorithm)."""
    if not 0.0 <= p <= 1.0:
        return _NAN
    if p == 0.0:
        return -_INF
    if p == 1.0:
        return _INF
    if p > 0.5:
        return -_ndtri(1.0 - p)
    a, b, c, d = _ACKLAM_A, _ACKLAM_B, _ACKLAM_C, _ACKLAM_D
    if p < 0.02425:
        q = math.sqrt(-2.0 * math.log(p))
        z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
            (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0
        )
    else:
        q = p - 0.5
        r = q * q
        z = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (
            ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0
        )
    e = 0.5 * math.erfc(-z / math.sqrt(2.0)) - p
    u = e * math.sqrt(2.0 * math.pi) * math.exp(z * z / 2.0)
    return z - u / (1.0 + z * u / 2.0)


def _erfinv(x: float) -> float:
    """ndtri's value as a start, then three Newton steps on erf (erfc near +-1)."""
    if not -1.0 <= x <= 1.0:
        return _NAN
    if x in (-1.0, 1.0):
        return x * _INF
    if x == 0.0:
        return x
    ax = abs(x)
    y = -_ndtri((1.0 - ax) / 2.0) / math.sqrt(2.0)
    for _ in range(3):
        f = (1.0 - ax) - math.erfc(y) if ax > 0.5 else math.erf(y) - ax
        y -= f / (2.0 / math.sqrt(math.pi) * math.exp(-y * y))
    return -y if x < 0 else y


def _bessel_ie(nu: int, x: float) -> float:
    """exp(-|x|) I_nu(x): the series up to |x| = 30, the asymptotic expansion beyond."""
    if math.isnan(x):
        return x
    ax = abs(x)
    if ax <= 30.0:
        q = ax * ax / 4.0
        term = 1.0 if nu == 0 else ax / 2.0
        total = term
        for k in range(1, 500):
            term *= q / (k * (k + nu))
            total += term
            if term < 1e-17 * total:
                break
        r = total * math.exp(-ax)
    else:
        if math.isinf(ax):
            return 0.0
        mu = 4.0 * nu * nu
        term = total = 1.0
        for k in range(1, 60):
            odd = 2.0 * k - 1.0
            term *= -(mu - odd * odd) / (k * 8.0 * ax)
            total += term
            if abs(term) < 1e-17 * abs(total):
                break
        r = total / math.sqrt(2.0 * math.pi * ax)
    return -r if nu == 1 and x < 0 else r


def _bessel_i(nu: int, x: float) -> float:
    ax = abs(x)
    if math.isinf(ax):
        return _NAN  # 0 * inf, as the kernel (and TF)
    try:
        return _bessel_ie(nu, x) * math.exp(ax)
    except OverflowError:
        return math.copysign(_INF, x) if nu == 1 else _INF


def _beta_cf(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (tiny if abs(d) < tiny else d)
    h = d
    for m in range(1, 1001):
        m2 = 2.0 * m
        for aa in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + aa * d
            d = 1.0 / (tiny if abs(d) < tiny else d)
            c = 1.0 + aa / c
            c = tiny if abs(c) < tiny else c
            h *= d * c
        if abs(d * c - 1.0) < 1e-16:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function: its continued fraction (the kernel's)."""
    if not (a > 0.0 and b > 0.0 and 0.0 <= x <= 1.0):
        return _NAN
    if x in (0.0, 1.0):
        return x
    lbt = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x)
    bt = math.exp(lbt + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return bt * _beta_cf(a, b, x) / a
    return 1.0 - bt * _beta_cf(b, a, 1.0 - x) / b


@_kernel("betainc")
def _betainc_kernel(inputs, outputs, ints, floats):
    out = outputs[0]
    if any(t.shape != out.shape or t.dtype != out.dtype for t in inputs) or len(inputs) != 3:
        raise KernelError("[Betainc] a, b and x must have the output's shape and dtype")
    _float_only("Betainc", out)
    out[...] = _elementwise(_betainc)(*inputs)


def _lgamma(x: float) -> float:
    try:
        return math.lgamma(x)
    except (ValueError, OverflowError):
        return _INF  # the poles (0 and the negative integers)


def _elementwise(fn):
    def apply(*arrays):
        dtype = arrays[0].dtype
        b = np.broadcast_arrays(*[a.astype(np.float64) for a in arrays])
        out = np.array([fn(*(float(v) for v in vs)) for vs in zip(*(a.reshape(-1) for a in b))])
        return out.reshape(b[0].shape).astype(dtype)

    return apply


_UNARY = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "asin": np.arcsin,
    "acos": np.arccos,
    "atan": np.arctan,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "asinh": np.arcsinh,
    "acosh": np.arccosh,
    "atanh": np.arctanh,
    "ceil": np.ceil,
    "rint": np.rint,
    "expm1": np.expm1,
    "log1p": np.log1p,
    "rsqrt": lambda x: 1 / np.sqrt(x),
    "erf": _elementwise(math.erf),
    "erfc": _elementwise(math.erfc),
    "lgamma": _elementwise(_lgamma),
    "digamma": _elementwise(_digamma),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "ndtri": _elementwise(_ndtri),
    "erfinv": _elementwise(_erfinv),
    "bessel_i0": _elementwise(lambda x: _bessel_i(0, x)),
    "bessel_i0e": _elementwise(lambda x: _bessel_ie(0, x)),
    "bessel_i1": _elementwise(lambda x: _bessel_i(1, x)),
    "bessel_i1e": _elementwise(lambda x: _bessel_ie(1, x)),
}


def _make_unary(name, fn):
    def kernel(inputs, outputs, ints, floats):
        (x,) = inputs
        if x.dtype != outputs[0].dtype or x.shape != outputs[0].shape:
            raise KernelError(f"[{name}] input and output differ in dtype or shape")
        _float_only(name, x)
        outputs[0][...] = np.asarray(fn(x)).astype(x.dtype, copy=False)

    return kernel


for _n, _f in _UNARY.items():
    _kernel(_n)(_make_unary(_n, _f))

_CLASSIFY = {"is_finite": np.isfinite, "is_inf": np.isinf, "is_nan": np.isnan}


def _make_classify(name, fn):
    def kernel(inputs, outputs, ints, floats):
        (x,) = inputs
        if outputs[0].dtype != np.bool_ or x.shape != outputs[0].shape:
            raise KernelError(f"[{name}] the output must be bool of the input's shape")
        _float_only(name, x)
        outputs[0][...] = fn(x)

    return kernel


for _n, _f in _CLASSIFY.items():
    _kernel(_n)(_make_classify(_n, _f))


@_kernel("logical_not")
def _logical_not(inputs, outputs, ints, floats):
    (x,) = inputs
    if x.dtype != np.bool_ or outputs[0].dtype != np.bool_ or x.shape != outputs[0].shape:
        raise KernelError("[LogicalNot] input and output must be bool of one shape")
    outputs[0][...] = ~x


def _broadcast_into(name, out, a, b, fn):
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        shape = None
    if shape != out.shape:
        raise KernelError(f"[{name}] incompatible shapes {a.shape}, {b.shape} and {out.shape}")
    with np.errstate(all="ignore"):
        out[...] = fn(a, b)


def _make_logical(name, fn):
    def kernel(inputs, outputs, ints, floats):
        a, b = inputs
        if a.dtype != np.bool_ or b.dtype != np.bool_ or outputs[0].dtype != np.bool_:
            raise KernelError(f"[{name}] inputs and output must be bool")
        _broadcast_into(name, outputs[0], a, b, fn)

    return kernel


_kernel("logical_and")(_make_logical("logical_and", np.logical_and))
_kernel("logical_or")(_make_logical("logical_or", np.logical_or))


def _igamma(a: float, x: float, upper: bool) -> float:
    """P(a, x) (or Q = 1 - P when ``upper``): the series of P for x < a + 1, else the continued
    fraction of Q (modified Lentz), as the kernel."""
    if math.isnan(a) or math.isnan(x):
        return _NAN
    if x == 0.0 and a > 0.0:
        return 1.0 if upper else 0.0
    if x < 0.0 or a <= 0.0:
        return _NAN
    if math.isinf(x):
        return 0.0 if upper else 1.0
    pre = math.exp(a * math.log(x) - x - math.lgamma(a))
    if x < a + 1.0:
        term = total = 1.0 / a
        ap = a
        for _ in range(2000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-17:
                break
        p = total * pre
        return 1.0 - p if upper else p
    tiny = 1e-300
    b = x + 1.0 - a
    c, d = 1.0 / tiny, 1.0 / b
    h = d
    for i in range(1, 2000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        h *= d * c
        if abs(d * c - 1.0) < 1e-17:
            break
    q = pre * h
    return q if upper else 1.0 - q


def _where_zero(cond, value):
    return np.where(cond, np.zeros_like(value), value)


_BINARY = {
    "atan2": np.arctan2,
    "xlogy": lambda x, y: _where_zero(x == 0, x * np.log(y)),
    "xdivy": lambda x, y: _where_zero(x == 0, x / y),
    "div_no_nan": lambda x, y: _where_zero(y == 0, x / y),
    "mul_no_nan": lambda x, y: _where_zero(y == 0, x * y),
    "zeta": _elementwise(_zeta),
    "igamma": _elementwise(lambda a, x: _igamma(a, x, False)),
    "igammac": _elementwise(lambda a, x: _igamma(a, x, True)),
    "polygamma": _elementwise(_polygamma),
    "nextafter": np.nextafter,
}


def _make_binary(name, fn):
    def kernel(inputs, outputs, ints, floats):
        a, b = inputs
        if a.dtype != b.dtype or a.dtype != outputs[0].dtype:
            raise KernelError(f"[{name}] dtype mismatch: {a.dtype} vs {b.dtype}")
        _float_only(name, a)
        _broadcast_into(name, outputs[0], a, b, lambda x, y: np.asarray(fn(x, y)).astype(a.dtype))

    return kernel


for _n, _f in _BINARY.items():
    _kernel(_n)(_make_binary(_n, _f))


@_kernel("squared_difference")
def _squared_difference(inputs, outputs, ints, floats):
    a, b = inputs
    if a.dtype != b.dtype or a.dtype != outputs[0].dtype:
        raise KernelError("[SquaredDifference] dtype mismatch")
    _broadcast_into("SquaredDifference", outputs[0], a, b, lambda x, y: (x - y) * (x - y))


def _log_add_exp(acc, v):
    a, b = np.maximum(acc, v), np.minimum(acc, v)
    a = np.where(np.isnan(acc) | np.isnan(v), np.nan, a)
    done = (b == -np.inf) | (a == np.inf) | np.isnan(a)
    return np.where(done, a, a + np.log1p(np.exp(b - a)))


def _cumulative(name, prod):
    def kernel(inputs, outputs, ints, floats):
        (x,) = inputs
        out = outputs[0]
        if x.ndim < 1 or x.shape != out.shape or x.dtype != out.dtype:
            raise KernelError(f"[{name}] input must have rank >= 1 and match the output")
        axis, exclusive, reverse = int(ints[0]), bool(ints[1]), bool(ints[2])
        if not -x.ndim <= axis < x.ndim:
            raise KernelError(f"[{name}] axis {axis} is out of range for rank {x.ndim}")
        src = np.moveaxis(x, axis, -1)
        dst = np.empty_like(src)
        n = src.shape[-1]
        if prod == "lse":
            _float_only(name, x)
        acc = np.full(src.shape[:-1], {True: 1, False: 0, "lse": -np.inf}[prod], x.dtype)
        with np.errstate(all="ignore"):
            for j in range(n):  # one element at a time, in the kernel's order
                at = n - 1 - j if reverse else j
                v = src[..., at]
                if exclusive:
                    dst[..., at] = acc
                if prod == "lse":
                    acc = _log_add_exp(acc, v).astype(x.dtype)
                else:
                    acc = (acc * v if prod else acc + v).astype(x.dtype)
                if not exclusive:
                    dst[..., at] = acc
        out[...] = np.moveaxis(dst, -1, axis)

    return kernel


_kernel("cumsum")(_cumulative("Cumsum", False))
_kernel("cumprod")(_cumulative("Cumprod", True))
_kernel("cumulative_logsumexp")(_cumulative("CumulativeLogsumexp", "lse"))


def _segment(name, ufunc, init):
    def kernel(inputs, outputs, ints, floats):
        data, ids = inputs
        out = outputs[0]
        if data.shape[: ids.ndim] != ids.shape or data.dtype != out.dtype:
            raise KernelError(f"[{name}] segment_ids must be a prefix of data's shape")
        _check_ids(name, ids, out.shape[0], "segment_ids")
        acc = np.full(out.shape, init(out.dtype), out.dtype)
        with np.errstate(all="ignore"):
            ufunc.at(acc, ids.reshape(-1), data.reshape((ids.size, *out.shape[1:])))
        out[...] = acc

    return kernel


def _lowest(dt):
    return np.finfo(dt).min if dt.kind == "f" else np.iinfo(dt).min


def _highest(dt):
    return np.finfo(dt).max if dt.kind == "f" else np.iinfo(dt).max


_kernel("unsorted_segment_max")(_segment("UnsortedSegmentMax", np.maximum, _lowest))
_kernel("unsorted_segment_min")(_segment("UnsortedSegmentMin", np.minimum, _highest))
_kernel("unsorted_segment_prod")(_segment("UnsortedSegmentProd", np.multiply, lambda dt: 1))
