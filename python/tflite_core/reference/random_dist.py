"""The distributions of ``cpp/random_dist.cc``, step for step in Python integers and floats (the
same Philox stream, the same conversions and rejection loops; small sizes only).

Stateless kernels take ``inputs[0]`` = the int32/int64 seed pair; stateful ones the int64[1] run
counter (advanced by one) and ``ints = [seed, seed2]``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
from typing import Any

import numpy as np

from .registry import KernelError, _kernel

_M32 = 0xFFFFFFFF


def _block(key: tuple[int, int], c: list[int]) -> list[int]:
    k0, k1 = key
    c0, c1, c2, c3 = c
    for _ in range(10):
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & _M32, (p0 >> 32) ^ c3 ^ k1, p0 & _M32
        k0 = (k0 + 0x9E3779B9) & _M32
        k1 = (k1 + 0xBB67AE85) & _M32
    return [c0, c1, c2, c3]


class _Stream:
    """A Philox key and a 128-bit counter; ``next()`` gives a block and advances it."""

    def __init__(self, key: tuple[int, int], counter: int):
        self.key, self.counter = key, counter

    def skipped(self, n: int) -> _Stream:
        return _Stream(self.key, (self.counter + n) % 2**128)

    def next(self) -> list[int]:
        c = self.counter
        words = [(c >> (32 * i)) & _M32 for i in range(4)]
        self.counter = (c + 1) % 2**128
        return _block(self.key, words)


class _Single:
    """One word at a time (TF's SingleSampleAdapter)."""

    def __init__(self, s: _Stream):
        self.s = s
        self.buf: list[int] = []

    def __call__(self) -> int:
        if not self.buf:
            self.buf = self.s.next()
        return self.buf.pop(0)


def _seed_stream(op: str, seed: np.ndarray) -> _Stream:
    if seed.ndim != 1 or seed.size != 2:
        raise KernelError(f"[{op}] seed must have shape [2], not {list(seed.shape)}")
    if seed.dtype not in (np.int32, np.int64):
        raise KernelError(f"[{op}] seed must be int32 or int64, got {seed.dtype}")
    s0, s1 = (int(v) % 2**64 for v in seed)
    m = _block((0x3EC8F720, 0x02461E29), [s0 & _M32, s0 >> 32, s1 & _M32, s1 >> 32])
    return _Stream((m[0], m[1]), (m[2] << 64) | (m[3] << 96))


def _stateless_stream(op: str, inputs: list, ints: list) -> tuple[_Stream, int]:
    """The seed pair (``ints`` empty), or TF's V2 counter int64[2] and key int64[1] (``ints =
    [1]``); and the number of inputs they take."""
    if not ints or ints[0] != 1:
        return _seed_stream(op, inputs[0]), 1
    counter, key = inputs[0], inputs[1]
    if counter.dtype != np.int64 or key.dtype != np.int64:
        raise KernelError(f"[{op}] counter and key must be int64")
    if counter.size != 2 or key.size != 1:
        raise KernelError(f"[{op}] counter must have 2 elements and key 1")
    c0, c1 = (int(v) % 2**64 for v in counter.reshape(-1))
    k = int(key.reshape(-1)[0]) % 2**64
    return _Stream((k & _M32, k >> 32), c0 | (c1 << 64)), 2


def _run_stream(op: str, counter: np.ndarray, ints: list) -> _Stream:
    if counter.dtype != np.int64 or counter.size < 1:
        raise KernelError(f"[{op}] run counter must be an int64[1]")
    run = int(counter.reshape(-1)[0]) % 2**64
    counter.reshape(-1)[0] += 1
    seed, seed2 = int(ints[0]) % 2**64, int(ints[1]) % 2**64
    key = ((seed ^ (seed >> 32)) & _M32, ((seed2 ^ (seed2 >> 32)) & _M32) ^ 0x5BD1E995)
    return _Stream(key, ((run & _M32) << 64) | (((run >> 32) ^ 0x40000000) << 96))


def _u32_to_f32(x: int) -> np.float32:
    return np.uint32((127 << 23) | (x & 0x7FFFFF)).view(np.float32) - np.float32(1.0)


def _u64_to_f64(x0: int, x1: int) -> float:
    v = (1023 << 52) | ((x0 & 0xFFFFF) << 32) | x1
    return float(np.uint64(v).view(np.float64)) - 1.0


def _box_muller_f32(x0: int, x1: int) -> tuple:
    u1 = max(_u32_to_f32(x0), np.float32(1e-7))
    v1 = np.float32(2.0 * math.pi * float(_u32_to_f32(x1)))
    u2 = np.sqrt(np.float32(-2.0) * np.log(u1))
    return np.sin(v1) * u2, np.cos(v1) * u2


def _box_muller_f64(x0: int, x1: int, x2: int, x3: int) -> tuple:
    u1 = max(_u64_to_f64(x0, x1), 1e-7)
    v1 = 2 * math.pi * _u64_to_f64(x2, x3)
    u2 = math.sqrt(-2.0 * math.log(u1))
    return math.sin(v1) * u2, math.cos(v1) * u2


def _fill(base: _Stream, n: int, per: int, make) -> list:
    out: list = []
    s = base.skipped(0)
    while len(out) < n:
        out.extend(make(s.next())[: n - len(out)])
    return out


def _float_out(op: str, out: np.ndarray) -> None:
    if out.dtype not in (np.float32, np.float64):
        raise KernelError(f"[{op}] unsupported dtype {out.dtype}")


@_kernel("stateless_random_uniform")
def _stateless_uniform(inputs, outputs, ints, floats):
    op, out = "StatelessRandomUniform", outputs[0]
    base, _ = _stateless_stream(op, inputs, ints)
    _float_out(op, out)
    if out.dtype == np.float32:
        vals = _fill(base, out.size, 4, lambda w: [_u32_to_f32(x) for x in w])
    else:
        vals = _fill(
            base, out.size, 2, lambda w: [_u64_to_f64(w[0], w[1]), _u64_to_f64(w[2], w[3])]
        )
    out[...] = np.asarray(vals, out.dtype).reshape(out.shape)


@_kernel("stateless_random_normal")
def _stateless_normal(inputs, outputs, ints, floats):
    op, out = "StatelessRandomNormal", outputs[0]
    base, _ = _stateless_stream(op, inputs, ints)
    _float_out(op, out)
    if out.dtype == np.float32:
        vals = _fill(
            base,
            out.size,
            4,
            lambda w: [*_box_muller_f32(w[0], w[1]), *_box_muller_f32(w[2], w[3])],
        )
    else:
        vals = _fill(base, out.size, 2, lambda w: list(_box_muller_f64(*w)))
    out[...] = np.asarray(vals, out.dtype).reshape(out.shape)


@_kernel("stateless_truncated_normal")
def _stateless_truncated(inputs, outputs, ints, floats):
    op, out = "StatelessTruncatedNormal", outputs[0]
    base, _ = _stateless_stream(op, inputs, ints)
    _float_out(op, out)
    per = 4 if out.dtype == np.float32 else 2
    vals: list = []
    k = 0
    while len(vals) < out.size:
        g = _Single(base.skipped(k * per * 256 // 4))
        group: list = []
        while len(group) < per:
            f = _box_muller_f32(g(), g()) if per == 4 else _box_muller_f64(g(), g(), g(), g())
            for v in f:
                if len(group) < per and abs(v) < 2:
                    group.append(v)
        vals.extend(group)
        k += 1
    out[...] = np.asarray(vals[: out.size], out.dtype).reshape(out.shape)


def _uniform_int(op, base, lo_t, hi_t, out):
    if out.dtype not in (np.int32, np.int64):
        raise KernelError(f"[{op}] unsupported dtype {out.dtype}")
    for t, what in ((lo_t, "minval"), (hi_t, "maxval")):
        if t.dtype != out.dtype:
            raise KernelError(f"[{op}] dtype mismatch: {t.dtype} vs {out.dtype}")
        if t.size != 1:
            raise KernelError(f"[{op}] {what} must be a scalar, got shape {list(t.shape)}")
    lo, hi = int(lo_t.reshape(-1)[0]), int(hi_t.reshape(-1)[0])
    if out.size == 0:
        return
    if not lo < hi:
        raise KernelError(f"[{op}] Need minval < maxval, got {lo} >= {hi}")
    bits = 32 if out.dtype == np.int32 else 64
    rng = (hi - lo) % 2**bits
    if bits == 32:
        raw = _fill(base, out.size, 4, lambda w: w)
    else:
        raw = _fill(base, out.size, 2, lambda w: [w[0] | w[1] << 32, w[2] | w[3] << 32])
    vals = [((lo + r % rng) + 2 ** (bits - 1)) % 2**bits - 2 ** (bits - 1) for r in raw]
    out[...] = np.asarray(vals, out.dtype).reshape(out.shape)


@_kernel("stateless_random_uniform_int")
def _stateless_uniform_int(inputs, outputs, ints, floats):
    op = "StatelessRandomUniformInt"
    base, k = _stateless_stream(op, inputs, ints)
    _uniform_int(op, base, inputs[k], inputs[k + 1], outputs[0])


@_kernel("random_uniform_int")
def _random_uniform_int(inputs, outputs, ints, floats):
    op = "RandomUniformInt"
    _uniform_int(op, _run_stream(op, inputs[0], ints), inputs[1], inputs[2], outputs[0])


@_kernel("stateless_random_uniform_full_int")
def _stateless_full_int(inputs, outputs, ints, floats):
    op, out = "StatelessRandomUniformFullInt", outputs[0]
    base, _ = _stateless_stream(op, inputs, ints)
    if out.dtype == np.int32:
        raw = _fill(base, out.size, 4, lambda w: w)
    elif out.dtype == np.int64:
        raw = _fill(base, out.size, 2, lambda w: [w[0] | w[1] << 32, w[2] | w[3] << 32])
    else:
        raise KernelError(f"[{op}] unsupported dtype {out.dtype}")
    out[...] = (
        np.asarray(raw, np.uint64)
        .astype(out.dtype.str.replace("i", "u"))
        .view(out.dtype)
        .reshape(out.shape)
    )


# ---- the samplers of variable cost ---------------------------------------------------------------
def _unif(g: _Single) -> float:
    x0 = g()
    return _u64_to_f64(x0, g())


def _normal(g: _Single) -> float:
    x0, x1, x2, x3 = g(), g(), g(), g()
    return _box_muller_f64(x0, x1, x2, x3)[0]


def _gamma(alpha: float, gen: _Stream) -> float:
    """TF's gamma sampler: normals and uniforms two per block, each pair taken last-first."""
    if not alpha > 0:
        return math.nan
    normals: list[float] = []
    uniforms: list[float] = []

    def normal() -> float:
        if not normals:
            normals.extend(_box_muller_f64(*gen.next()))
        return normals.pop()

    def uniform() -> float:
        if not uniforms:
            w = gen.next()
            uniforms.extend([_u64_to_f64(w[0], w[1]), _u64_to_f64(w[2], w[3])])
        return uniforms.pop()

    if alpha == 1.0:
        return -math.log1p(-uniform())
    boost = alpha < 1
    d = alpha + (2.0 / 3 if boost else -1.0 / 3)
    c = 1.0 / 3 / math.sqrt(d)
    while True:
        x = normal()
        v = 1 + c * x
        if v <= 0:
            continue
        v = v * v * v
        u = uniform()
        if (u < 1 - 0.0331 * (x * x) * (x * x)) or (
            math.log(u) < 0.5 * x * x + d * (1 - v + math.log(v))
        ):
            r = d * v
            if boost:
                r *= math.pow(uniform(), 1 / alpha)
            return r


def _gamma_fill(op: str, base: _Stream, alpha: np.ndarray, out: np.ndarray) -> None:
    _check_same_dtype(op, alpha, out)
    n, p = out.size, alpha.size
    if n == 0:
        return
    if p == 0:
        raise KernelError(f"[{op}] Input alpha should have non-zero element count, got: 0")
    if n % p:
        raise KernelError(f"[{op}] Shape passed in must end with broadcasted shape.")
    a = alpha.reshape(-1)
    vals = [
        _gamma(float(a[i % p]), base.skipped(((i % p) * (n // p) + i // p) * 256)) for i in range(n)
    ]
    out[...] = np.asarray(vals, out.dtype).reshape(out.shape)


def _libm_f32():
    """C's float functions (expf, logf, lgammaf), as the C++ kernel calls them."""
    libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    fns = {}
    for name in ("expf", "logf", "lgammaf"):
        fn = getattr(libm, name)
        fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
        fns[name] = fn
    return fns


_F32 = _libm_f32()


def _poisson(rate: float, gen: _Stream, single: bool) -> float:
    """TF's Poisson sampler in the rate's precision (``single``: float32) on double uniforms
    taken last-first from each block."""
    if math.isnan(rate):
        return math.nan
    if math.isinf(rate):
        return rate if rate > 0 else 0.0
    ct: Any
    if single:
        ct = np.float32

        def exp(x):
            return ct(_F32["expf"](float(x)))

        def log(x):
            return ct(_F32["logf"](float(x)))

        def lgamma(x):
            return ct(_F32["lgammaf"](float(x)))

        def sqrt(x):
            return np.sqrt(ct(x))

    else:
        ct = float
        exp, log, lgamma, sqrt = math.exp, math.log, math.lgamma, math.sqrt
    uniforms: list[float] = []

    def uniform():
        if not uniforms:
            w = gen.next()
            uniforms.extend([_u64_to_f64(w[0], w[1]), _u64_to_f64(w[2], w[3])])
        return ct(uniforms.pop())

    r = ct(rate)
    if r < ct(10):
        limit, prod, x = exp(-r), ct(1), ct(0)
        while True:
            prod = ct(prod * uniform())
            if prod <= limit:
                return float(x)
            x = ct(x + ct(1))
    log_rate = log(r)
    b = ct(ct(0.931) + ct(ct(2.53) * sqrt(r)))
    a = ct(ct(-0.059) + ct(ct(0.02483) * b))
    inv_alpha = ct(ct(1.1239) + ct(ct(1.1328) / ct(b - ct(3.4))))
    vr = ct(ct(0.9277) - ct(ct(3.6224) / ct(b - ct(2))))
    while True:
        u = ct(uniform() - ct(0.5))
        v = uniform()
        us = ct(ct(0.5) - abs(u))
        k = ct(math.floor(ct(ct(ct(ct(ct(ct(2) * a) / us) + b) * u) + r) + ct(0.43)))
        if us >= ct(0.07) and v <= vr:
            return float(k)
        if k < 0 or (us < ct(0.013) and v > us):
            continue
        s = log(ct(ct(v * inv_alpha) / ct(ct(a / ct(us * us)) + b)))
        t = ct(ct(-r + ct(k * log_rate)) - lgamma(ct(k + ct(1))))
        if s <= t:
            return float(k)


def _poisson_fill(op: str, base: _Stream, rate: np.ndarray, out: np.ndarray) -> None:
    if rate.dtype == np.bool_:
        raise KernelError(f"[{op}] rate must be numeric")
    n, p = out.size, rate.size
    if n == 0:
        return
    if p == 0:
        raise KernelError(f"[{op}] Input rate should have non-zero element count, got: 0")
    if n % p:
        raise KernelError(f"[{op}] Shape passed in must end with broadcasted shape.")
    flat = rate.reshape(-1)
    single = rate.dtype == np.float32
    for i in range(n):
        g = base.skipped(((i % p) * (n // p) + i // p) * 256)
        _store_value(out, i, _poisson(float(flat[i % p]), g, single))


def _stirling_tail(k: float) -> float:
    return math.lgamma(k + 1) - (
        (k + 0.5) * math.log(k + 1) - (k + 1) + 0.5 * math.log(2 * math.pi)
    )


def _binomial(n: float, p: float, g: _Single) -> float:
    if not n >= 0 or not 0 <= p <= 1:
        return math.nan
    if n == 0 or p == 0:
        return 0.0
    if p == 1:
        return n
    if p > 0.5:
        return n - _binomial(n, 1 - p, g)
    if n * p < 10:
        log1mp, total, count = math.log1p(-p), 0.0, 0.0
        while True:
            gap = math.log(1.0 - _unif(g)) / log1mp  # inf for a tiny p, as in C++: done
            total += math.ceil(gap) if math.isfinite(gap) else gap
            if total > n:
                return count
            count += 1
    spq = math.sqrt(n * p * (1 - p))
    b = 1.15 + 2.53 * spq
    a, c, vr = -0.0873 + 0.0248 * b + 0.01 * p, n * p + 0.5, 0.92 - 4.2 / b
    r, alpha, m = p / (1 - p), (2.83 + 5.1 / b) * spq, math.floor((n + 1) * p)
    while True:
        u = _unif(g) - 0.5
        us = 0.5 - abs(u)
        v = _unif(g)
        k = math.floor((2 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= vr:
            return float(k)
        v = math.log(v * alpha / (a / (us * us) + b))
        bound = (
            (m + 0.5) * math.log((m + 1) / (r * (n - m + 1)))
            + (n + 1) * math.log((n - m + 1) / (n - k + 1))
            + (k + 0.5) * math.log(r * (n - k + 1) / (k + 1))
            + _stirling_tail(m)
            + _stirling_tail(n - m)
            - _stirling_tail(k)
            - _stirling_tail(n - k)
        )
        if v <= bound:
            return float(k)


def _truncated_std(lo: float, hi: float, g: _Single) -> float:
    if not lo < hi:
        return math.nan
    if lo <= 0 <= hi and hi - lo >= 1.3:
        while True:
            z = _normal(g)
            if lo <= z <= hi:
                return z
    sign = 1.0
    if hi <= 0:
        lo, hi, sign = -hi, -lo, -1.0
    if lo < 0 or (hi - lo) * lo < 1:
        peak = lo * lo if lo > 0 else 0.0
        while True:
            z = lo + (hi - lo) * _unif(g)
            if _unif(g) <= math.exp(0.5 * (peak - z * z)):
                return sign * z
    alpha = 0.5 * (lo + math.sqrt(lo * lo + 4))
    while True:
        z = lo - math.log1p(-_unif(g)) / alpha
        if z > hi:
            continue
        if _unif(g) <= math.exp(-0.5 * (z - alpha) * (z - alpha)):
            return sign * z


def _ptn(p: list, g: _Single) -> float:
    mean, sd, lo, hi = p
    if not sd > 0:
        return math.nan
    z = _truncated_std((lo - mean) / sd, (hi - mean) / sd, g)
    return min(max(mean + sd * z, lo), hi)


def _store_value(out: np.ndarray, i: int, v: float) -> None:
    flat = out.reshape(-1)
    if out.dtype.kind == "f":
        flat[i] = v
    elif math.isnan(v):
        flat[i] = 0
    else:
        flat[i] = int(min(v, float(np.iinfo(out.dtype).max)))


def _sample_each(op: str, base: _Stream, params: list, out: np.ndarray, draw) -> None:
    p = params[0].size if params else 1
    for t in params:
        if t.dtype == np.bool_:
            raise KernelError(f"[{op}] parameter must be numeric")
        if t.size != p:
            raise KernelError(f"[{op}] parameters must have one size, got {t.size} and {p}")
    if out.size == 0:
        return
    if p == 0 or out.size % p:
        raise KernelError(f"[{op}] output size {out.size} is not a multiple of the parameters' {p}")
    flat = [t.reshape(-1) for t in params]
    for i in range(out.size):
        g = _Single(base.skipped(i * 64))
        _store_value(out, i, draw([float(f[i % p]) for f in flat], g))


def _check_same_dtype(op, a, b):
    if a.dtype != b.dtype:
        raise KernelError(f"[{op}] dtype mismatch: {a.dtype} vs {b.dtype}")


@_kernel("random_gamma")
def _random_gamma(inputs, outputs, ints, floats):
    op = "RandomGamma"
    _gamma_fill(op, _run_stream(op, inputs[0], ints), inputs[1], outputs[0])


@_kernel("stateless_random_gamma")
def _stateless_gamma(inputs, outputs, ints, floats):
    op = "StatelessRandomGammaV2"
    _gamma_fill(op, _seed_stream(op, inputs[0]), inputs[1], outputs[0])


@_kernel("random_poisson")
def _random_poisson(inputs, outputs, ints, floats):
    op = "RandomPoissonV2"
    _poisson_fill(op, _run_stream(op, inputs[0], ints), inputs[1], outputs[0])


@_kernel("stateless_random_poisson")
def _stateless_poisson(inputs, outputs, ints, floats):
    op = "StatelessRandomPoisson"
    _poisson_fill(op, _seed_stream(op, inputs[0]), inputs[1], outputs[0])


@_kernel("stateless_random_binomial")
def _stateless_binomial(inputs, outputs, ints, floats):
    op = "StatelessRandomBinomial"
    _sample_each(
        op,
        _seed_stream(op, inputs[0]),
        inputs[1:],
        outputs[0],
        lambda p, g: _binomial(p[0], p[1], g),
    )


@_kernel("stateless_parameterized_truncated_normal")
def _stateless_ptn(inputs, outputs, ints, floats):
    op = "StatelessParameterizedTruncatedNormal"
    _sample_each(op, _seed_stream(op, inputs[0]), inputs[1:], outputs[0], _ptn)


def _multinomial(op: str, base: _Stream, logits: np.ndarray, out: np.ndarray) -> None:
    if out.dtype not in (np.int32, np.int64):
        raise KernelError(f"[{op}] output_dtype must be int32 or int64, got {out.dtype}")
    if logits.ndim != 2:
        raise KernelError(f"[{op}] logits should be a matrix, got shape {list(logits.shape)}")
    rows, classes = logits.shape
    if out.ndim != 2 or out.shape[0] != rows:
        raise KernelError(f"[{op}] output shape {list(out.shape)} does not match logits")
    ns = out.shape[1]
    if rows * ns == 0:
        return
    if classes == 0:
        raise KernelError(f"[{op}] num_classes should be positive, got: 0")
    if logits.dtype.kind != "f":
        raise KernelError(f"[{op}] unsupported dtype {logits.dtype}")
    for r in range(rows):
        row = [float(v) for v in logits[r]]
        finite = [v for v in row if math.isfinite(v)]
        mx = max(finite) if finite else -math.inf
        cdf, total = [], 0.0
        for v in row:
            total += math.exp(v - mx) if math.isfinite(v) else 0.0
            cdf.append(total)
        for j in range(ns):
            w = base.skipped(r * ns + j).next()
            u = _u64_to_f64(w[0], w[1]) * total
            c = int(np.searchsorted(np.asarray(cdf), u, side="right"))
            out[r, j] = min(c, classes - 1)


@_kernel("multinomial")
def _multinomial_kernel(inputs, outputs, ints, floats):
    op = "Multinomial"
    _multinomial(op, _run_stream(op, inputs[0], ints), inputs[1], outputs[0])


@_kernel("stateless_multinomial")
def _stateless_multinomial(inputs, outputs, ints, floats):
    op = "StatelessMultinomial"
    _multinomial(op, _seed_stream(op, inputs[0]), inputs[1], outputs[0])


@_kernel("random_shuffle")
def _random_shuffle(inputs, outputs, ints, floats):
    op = "RandomShuffle"
    base = _run_stream(op, inputs[0], ints)
    x, out = inputs[1], outputs[0]
    _check_same_dtype(op, x, out)
    if x.shape != out.shape:
        raise KernelError(f"[{op}] shape mismatch: {list(x.shape)} vs {list(out.shape)}")
    out[...] = x
    if x.ndim == 0 or x.shape[0] <= 1:
        return
    g = _Single(base)
    for i in range(x.shape[0] - 1, 0, -1):
        lo = g()
        j = (lo | g() << 32) % (i + 1)
        if j != i:
            out[[i, j]] = out[[j, i]]


def _igamma_p(a: float, x: float) -> float:
    if x <= 0:
        return 0.0
    lx = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = 1.0 / a
        total = term
        for n in range(1, 100000):
            term *= x / (a + n)
            total += term
            if abs(term) < abs(total) * 1e-17:
                break
        return total * math.exp(lx)
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 100000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        h *= d * c
        if abs(d * c - 1) < 1e-16:
            break
    return 1 - math.exp(lx) * h


def _gamma_sample_grad(alpha: float, x: float) -> float:
    if not alpha > 0 or not x > 0 or not math.isfinite(x):
        return 0.0
    h = 1e-5 * max(alpha, 1e-3)
    dp = (_igamma_p(alpha + h, x) - _igamma_p(alpha - h, x)) / (2 * h)
    return -dp / math.exp((alpha - 1) * math.log(x) - x - math.lgamma(alpha))


@_kernel("random_gamma_grad")
def _random_gamma_grad(inputs, outputs, ints, floats):
    op = "RandomGammaGrad"
    alpha, x = inputs
    out = outputs[0]
    _check_same_dtype(op, alpha, x)
    _check_same_dtype(op, alpha, out)
    _float_out(op, out)
    n, na, nx = out.size, alpha.size, x.size
    if n and (na == 0 or nx == 0 or n % na or n % nx):
        raise KernelError(
            f"[{op}] alpha {list(alpha.shape)} and sample {list(x.shape)} do not broadcast"
        )
    a, s = alpha.reshape(-1), x.reshape(-1)
    vals = [_gamma_sample_grad(float(a[i % na]), float(s[i % nx])) for i in range(n)]
    out[...] = np.asarray(vals, out.dtype).reshape(out.shape)


@_kernel("rng_read_and_skip")
def _rng_read_and_skip(inputs, outputs, ints, floats):
    op = "RngReadAndSkip"
    state, alg, delta = inputs
    out = outputs[0]
    if state.dtype != np.int64 or out.dtype != np.int64:
        raise KernelError(f"[{op}] state must be int64")
    if state.size != 3 or out.size != 3:
        raise KernelError(f"[{op}] The size of the state must be 3 for Philox, got {state.size}")
    if alg.size != 1 or delta.size != 1:
        raise KernelError(f"[{op}] alg and delta must be scalars")
    a, d = int(alg.reshape(-1)[0]), int(delta.reshape(-1)[0])
    if a not in (1, 3):
        raise KernelError(f"[{op}] Unsupported algorithm id: {a}")
    if d < 0:
        raise KernelError(f"[{op}] delta must be nonnegative, got {d}")
    flat = state.reshape(-1)
    out[...] = flat.reshape(out.shape)
    counter = (int(flat[0]) % 2**64 | (int(flat[1]) % 2**64) << 64) + d * 256
    words = [counter % 2**64, (counter >> 64) % 2**64]
    flat[0], flat[1] = (w - 2**64 if w >= 2**63 else w for w in words)


def _index_shuffle(index: int, key: list, max_index: int, rounds: int) -> int:
    if max_index == 0:
        return 0
    bits = math.ceil(math.log2(float(max_index)))
    bits = max(bits + bits % 2, 16)
    w = min(bits, 64) // 2
    mask = (1 << w) - 1

    def rotl(x, r):
        return ((x << r) | (x >> (w - r))) & mask

    def rotr(x, r):
        return ((x >> r) | (x << (w - r))) & mask

    def f(x):
        return (rotl(x, 1) & rotl(x, 8)) ^ rotl(x, 2)

    rk = [k & mask for k in key]
    c, z = 0xFFFFFFFC & mask, 0x7369F885192C0EF5 & mask
    for i in range(3, rounds):
        rk.append(c ^ (z & 1) ^ rk[i - 3] ^ rotr(rk[i - 1], 3) ^ rotr(rk[i - 1], 4))
        z >>= 1
    v = index
    while True:
        left, right = (v >> w) & mask, v & mask
        for i in range(0, len(rk) - 1, 2):
            left ^= f(right) ^ rk[i]
            right ^= f(left) ^ rk[i + 1]
        v = (left << w) | right
        if v <= max_index:
            return v


@_kernel("random_index_shuffle")
def _random_index_shuffle(inputs, outputs, ints, floats):
    op = "RandomIndexShuffle"
    idx, seed, mx = inputs
    out = outputs[0]
    if idx.dtype != mx.dtype or idx.dtype != out.dtype:
        raise KernelError(f"[{op}] dtype mismatch: {idx.dtype} vs {mx.dtype}")
    if idx.dtype not in (np.int32, np.int64):
        raise KernelError(f"[{op}] index must be int32 or int64, got {idx.dtype}")
    if seed.dtype not in (np.int32, np.int64):
        raise KernelError(f"[{op}] seed must be int32 or int64, got {seed.dtype}")
    rounds = int(ints[0])
    if rounds < 4 or rounds % 2:
        raise KernelError(f"[{op}] rounds must be an even number >= 4, got {rounds}")
    if idx.ndim > 1 or mx.ndim > 1:
        raise KernelError(f"[{op}] index and max_index must be scalars or vectors")
    n = idx.size
    if not (seed.shape == (3,) or (seed.ndim == 2 and seed.shape == (n, 3))):
        raise KernelError(f"[{op}] Seed must be a vector of size [3] or a matrix of size [{n}, 3]")
    if mx.ndim == 1 and mx.shape[0] != n:
        raise KernelError(f"[{op}] max_index must have {n} elements")
    flat_i, flat_m, seeds = idx.reshape(-1), mx.reshape(-1), seed.reshape(-1, 3)
    vals = []
    for i in range(n):
        key = [int(k) % 2**32 for k in seeds[i if seed.ndim == 2 else 0]]
        m = int(flat_m[i if mx.ndim == 1 else 0]) % 2**64
        vals.append(_index_shuffle(int(flat_i[i]) % 2**64, key, m, rounds))
    bits = 8 * idx.dtype.itemsize
    wrapped = [(v + 2 ** (bits - 1)) % 2**bits - 2 ** (bits - 1) for v in vals]
    out[...] = np.asarray(wrapped, out.dtype).reshape(out.shape)
