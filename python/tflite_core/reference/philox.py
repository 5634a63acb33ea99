"""The Philox4x32-10 block function (``cpp/philox.h``), shared by the random kernels and
the candidate sampler.
"""

from __future__ import annotations

import numpy as np

_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_LO32 = np.uint64(0xFFFFFFFF)


def _philox(key0: int, key1: int, c0, c1, c2, c3) -> list[np.ndarray]:
    """Ten Philox rounds on uint64 arrays holding 32-bit counter words -> four uint64 words."""
    k0, k1 = key0, key1
    c = [np.asarray(w, np.uint64) for w in (c0, c1, c2, c3)]
    c = list(np.broadcast_arrays(*c))
    for _ in range(10):
        p0 = _M0 * c[0]
        p1 = _M1 * c[2]
        n0 = (p1 >> np.uint64(32)) ^ c[1] ^ np.uint64(k0)
        n2 = (p0 >> np.uint64(32)) ^ c[3] ^ np.uint64(k1)
        c = [n0, p1 & _LO32, n2, p0 & _LO32]
        k0 = (k0 + _W0) & 0xFFFFFFFF
        k1 = (k1 + _W1) & 0xFFFFFFFF
    return c


def _to_unit(hi, lo) -> np.ndarray:
    """[0, 1) with 53 bits from two 32-bit words."""
    v = (hi << np.uint64(21)) ^ (lo >> np.uint64(11))
    return v.astype(np.float64) * 2.0**-53
