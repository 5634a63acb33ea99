"""The random kernels (``cpp/random.cc``), bit for bit.

``inputs[0]`` is the int64[1] run counter, read and incremented as the C++ kernel does, and
``ints = [seed, seed2]``.
"""

from __future__ import annotations

import numpy as np

from .philox import _LO32, _philox, _to_unit
from .registry import Kernel, KernelError, _float_only, _kernel


def _normal_from(w: list) -> np.ndarray:
    u1 = 1.0 - _to_unit(w[0], w[1])  # (0, 1]
    u2 = _to_unit(w[2], w[3])
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(6.283185307179586 * u2)


def _make_random(name: str) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        (counter,) = inputs
        out = outputs[0]
        if counter.dtype != np.int64 or counter.size != 1:
            raise KernelError(f"[{name}] run counter must be an int64[1]")
        _float_only(name, out)
        seed, seed2 = (int(ints[0]) & 0xFFFFFFFFFFFFFFFF, int(ints[1]) & 0xFFFFFFFFFFFFFFFF)
        key0 = (seed ^ (seed >> 32)) & 0xFFFFFFFF
        key1 = ((seed2 ^ (seed2 >> 32)) & 0xFFFFFFFF) ^ 0x5BD1E995
        run = int(counter.reshape(-1)[0]) & 0xFFFFFFFFFFFFFFFF
        counter.reshape(-1)[0] += 1  # the kernel takes the next run index, as the C++ one
        r0, r1 = run & 0xFFFFFFFF, run >> 32
        i = np.arange(out.size, dtype=np.uint64)
        i0, i1 = i & _LO32, i >> np.uint64(32)
        if name == "random_uniform":
            w = _philox(key0, key1, i0, i1, r0, r1)
            if out.dtype == np.float32:
                y = (w[0] >> np.uint64(8)).astype(np.float32) * np.float32(2.0**-24)
            else:
                y = _to_unit(w[0], w[1])
        elif name == "random_normal":
            y = _normal_from(_philox(key0, key1, i0, i1, r0, r1))
        else:  # truncated at two standard deviations: redraw with a new counter word
            y = np.zeros(out.size)
            todo = np.ones(out.size, bool)
            attempt = 0
            while todo.any():
                c1 = (i1[todo] ^ np.uint64((attempt << 16) & 0xFFFFFFFF)) & _LO32
                z = _normal_from(_philox(key0, key1, i0[todo], c1, r0, r1 ^ 0x80000000))
                ok = (np.abs(z) <= 2.0) & (np.abs(z).astype(out.dtype) <= 2)
                idx = np.flatnonzero(todo)
                y[idx[ok]] = z[ok]
                todo[idx[ok]] = False
                attempt += 1
        out[...] = y.reshape(out.shape).astype(out.dtype)

    return kernel


for _n in ("random_uniform", "random_normal", "truncated_normal"):
    _kernel(_n)(_make_random(_n))
