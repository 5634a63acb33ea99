"""FarmHash (Google's string hashes, as TF's ``tensorflow/core/platform/fingerprint.h`` uses
them), written from the published algorithm on Python ints (64-bit arithmetic masked with
``_M``): ``fingerprint64`` (``farmhashna::Hash64``: TF's ``Fingerprint64``, behind
``tf.strings.to_hash_bucket_fast``) and ``fingerprint128`` (``farmhashcc``'s CityHash128: TF's
``Fingerprint128``, behind ``tf.train.sdca_fprint``).
"""

from __future__ import annotations

_M = (1 << 64) - 1
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F
_KMUL = 0x9DDFEA08EB382D69


def _u64(b: bytes, i: int) -> int:
    return int.from_bytes(b[i : i + 8], "little")


def _u32(b: bytes, i: int) -> int:
    return int.from_bytes(b[i : i + 4], "little")


def _rot(v: int, s: int) -> int:
    return v if s == 0 else ((v >> s) | (v << (64 - s))) & _M


def _shift_mix(v: int) -> int:
    return v ^ (v >> 47)


def _mix16(u: int, v: int, mul: int = _KMUL) -> int:
    """Two words to one (Murmur-like): FarmHash's ``HashLen16``."""
    a = ((u ^ v) * mul) & _M
    a ^= a >> 47
    b = ((v ^ a) * mul) & _M
    b ^= b >> 47
    return (b * mul) & _M


def _short(s: bytes, n: int) -> int:
    """The 64-bit hash of ``n <= 16`` bytes (FarmHash's ``HashLen0to16``)."""
    if n >= 8:
        mul = (_K2 + n * 2) & _M
        a = (_u64(s, 0) + _K2) & _M
        b = _u64(s, n - 8)
        c = (_rot(b, 37) * mul + a) & _M
        d = ((_rot(a, 25) + b) * mul) & _M
        return _mix16(c, d, mul)
    if n >= 4:
        mul = (_K2 + n * 2) & _M
        return _mix16((n + (_u32(s, 0) << 3)) & _M, _u32(s, n - 4), mul)
    if n > 0:
        y = s[0] + (s[n >> 1] << 8)
        z = n + (s[n - 1] << 2)
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _M) * _K2) & _M
    return _K2


def _weak32(s: bytes, i: int, a: int, b: int) -> tuple[int, int]:
    """FarmHash's ``WeakHashLen32WithSeeds`` of ``s[i:i+32]`` and two seeds."""
    w, x, y, z = (_u64(s, i + 8 * k) for k in range(4))
    a = (a + w) & _M
    b = _rot((b + a + z) & _M, 21)
    c = a
    a = (a + x + y) & _M
    b = (b + _rot(a, 44)) & _M
    return (a + z) & _M, (b + c) & _M


def _city_murmur(s: bytes, lo: int, hi: int) -> tuple[int, int]:
    n = len(s)
    a, b, c, d = lo, hi, 0, 0
    if n <= 16:
        a = (_shift_mix((a * _K1) & _M) * _K1) & _M
        c = (b * _K1 + _short(s, n)) & _M
        d = _shift_mix((a + (_u64(s, 0) if n >= 8 else c)) & _M)
    else:
        c = _mix16((_u64(s, n - 8) + _K1) & _M, a)
        d = _mix16((b + n) & _M, (c + _u64(s, n - 16)) & _M)
        a = (a + d) & _M
        i, left = 0, n - 16
        while True:
            a ^= (_shift_mix((_u64(s, i) * _K1) & _M) * _K1) & _M
            a = (a * _K1) & _M
            b ^= a
            c ^= (_shift_mix((_u64(s, i + 8) * _K1) & _M) * _K1) & _M
            c = (c * _K1) & _M
            d ^= c
            i += 16
            left -= 16
            if left <= 0:
                break
    a = _mix16(a, c)
    b = _mix16(d, b)
    return a ^ b, _mix16(b, a)


def _city128_seeded(s: bytes, lo: int, hi: int) -> tuple[int, int]:
    n = len(s)
    if n < 128:
        return _city_murmur(s, lo, hi)
    x, y, z = lo, hi, (n * _K1) & _M
    v0 = (_rot(y ^ _K1, 49) * _K1 + _u64(s, 0)) & _M
    v1 = (_rot(v0, 42) * _K1 + _u64(s, 8)) & _M
    w0 = (_rot((y + z) & _M, 35) * _K1 + x) & _M
    w1 = (_rot((x + _u64(s, 88)) & _M, 53) * _K1) & _M
    i, left = 0, n
    while True:
        for _ in range(2):  # (two 64-byte rounds per 128 bytes)
            x = (_rot((x + y + v0 + _u64(s, i + 8)) & _M, 37) * _K1) & _M
            y = (_rot((y + v1 + _u64(s, i + 48)) & _M, 42) * _K1) & _M
            x ^= w1
            y = (y + v0 + _u64(s, i + 40)) & _M
            z = (_rot((z + w0) & _M, 33) * _K1) & _M
            v0, v1 = _weak32(s, i, (v1 * _K1) & _M, (x + w0) & _M)
            w0, w1 = _weak32(s, i + 32, (z + w1) & _M, (y + _u64(s, i + 16)) & _M)
            z, x = x, z
            i += 64
        left -= 128
        if left < 128:
            break
    x = (x + _rot((v0 + z) & _M, 49) * _K0) & _M
    y = (y * _K0 + _rot(w1, 37)) & _M
    z = (z * _K0 + _rot(w0, 27)) & _M
    w0 = (w0 * 9) & _M
    v0 = (v0 * _K0) & _M
    done = 0
    while done < left:  # up to 4 chunks of 32 bytes from the end
        done += 32
        y = (_rot((x + y) & _M, 42) * _K0 + v1) & _M
        w0 = (w0 + _u64(s, i + left - done + 16)) & _M
        x = (x * _K0 + w0) & _M
        z = (z + w1 + _u64(s, i + left - done)) & _M
        w1 = (w1 + v0) & _M
        v0, v1 = _weak32(s, i + left - done, (v0 + z) & _M, v1)
        v0 = (v0 * _K0) & _M
    x = _mix16(x, v0)
    y = _mix16((y + z) & _M, w0)
    return (
        (_mix16((x + v1) & _M, w1) + y) & _M,
        _mix16((x + w1) & _M, (y + v1) & _M),
    )


def fingerprint128(s: bytes) -> tuple[int, int]:
    """FarmHash's ``Fingerprint128`` of ``s``: ``(low 64 bits, high 64 bits)``, unsigned."""
    if len(s) >= 16:
        return _city128_seeded(s[16:], _u64(s, 0), (_u64(s, 8) + _K0) & _M)
    return _city128_seeded(s, _K0, _K1)


def _len17to32(s: bytes, n: int) -> int:
    mul = (_K2 + n * 2) & _M
    a = (_u64(s, 0) * _K1) & _M
    b = _u64(s, 8)
    c = (_u64(s, n - 8) * mul) & _M
    d = (_u64(s, n - 16) * _K2) & _M
    return _mix16(
        (_rot((a + b) & _M, 43) + _rot(c, 30) + d) & _M,
        (a + _rot((b + _K2) & _M, 18) + c) & _M,
        mul,
    )


def _len33to64(s: bytes, n: int) -> int:
    mul = (_K2 + n * 2) & _M
    a = (_u64(s, 0) * _K2) & _M
    b = _u64(s, 8)
    c = (_u64(s, n - 8) * mul) & _M
    d = (_u64(s, n - 16) * _K2) & _M
    y = (_rot((a + b) & _M, 43) + _rot(c, 30) + d) & _M
    z = _mix16(y, (a + _rot((b + _K2) & _M, 18) + c) & _M, mul)
    e = (_u64(s, 16) * mul) & _M
    f = _u64(s, 24)
    g = ((y + _u64(s, n - 32)) * mul) & _M
    h = ((z + _u64(s, n - 24)) * mul) & _M
    return _mix16(
        (_rot((e + f) & _M, 43) + _rot(g, 30) + h) & _M,
        (e + _rot((f + a) & _M, 18) + g) & _M,
        mul,
    )


def fingerprint64(s: bytes) -> int:
    """FarmHash's ``Fingerprint64`` (``farmhashna::Hash64``) of ``s``, unsigned."""
    n = len(s)
    if n <= 16:
        return _short(s, n)
    if n <= 32:
        return _len17to32(s, n)
    if n <= 64:
        return _len33to64(s, n)
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _M
    z = (_shift_mix((y * _K2 + 113) & _M) * _K2) & _M
    v0 = v1 = w0 = w1 = 0
    x = (x * _K2 + _u64(s, 0)) & _M
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    i = 0
    while True:
        x = (_rot((x + y + v0 + _u64(s, i + 8)) & _M, 37) * _K1) & _M
        y = (_rot((y + v1 + _u64(s, i + 48)) & _M, 42) * _K1) & _M
        x ^= w1
        y = (y + v0 + _u64(s, i + 40)) & _M
        z = (_rot((z + w0) & _M, 33) * _K1) & _M
        v0, v1 = _weak32(s, i, (v1 * _K1) & _M, (x + w0) & _M)
        w0, w1 = _weak32(s, i + 32, (z + w1) & _M, (y + _u64(s, i + 16)) & _M)
        z, x = x, z
        i += 64
        if i == end:
            break
    mul = (_K1 + ((z & 0xFF) << 1)) & _M
    i = last64
    w0 = (w0 + ((n - 1) & 63)) & _M
    v0 = (v0 + w0) & _M
    w0 = (w0 + v0) & _M
    x = (_rot((x + y + v0 + _u64(s, i + 8)) & _M, 37) * mul) & _M
    y = (_rot((y + v1 + _u64(s, i + 48)) & _M, 42) * mul) & _M
    x ^= (w1 * 9) & _M
    y = (y + v0 * 9 + _u64(s, i + 40)) & _M
    z = (_rot((z + w0) & _M, 33) * mul) & _M
    v0, v1 = _weak32(s, i, (v1 * mul) & _M, (x + w0) & _M)
    w0, w1 = _weak32(s, i + 32, (z + w1) & _M, (y + _u64(s, i + 16)) & _M)
    z, x = x, z
    return _mix16(
        (_mix16(v0, w0, mul) + _shift_mix(y) * _K0 + z) & _M,
        (_mix16(v1, w1, mul) + x) & _M,
        mul,
    )
