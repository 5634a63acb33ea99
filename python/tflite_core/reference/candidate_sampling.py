"""``cpp/candidate_sampling.cc``: the candidate sampler over class weights (uniform, fixed,
learned), step for step.

``inputs = [run counter (int64 [1], or [1 + range_max] with the learned counts), true_classes]``,
``ints = [seed, seed2]``, ``floats = [unique, kind, range_max, fixed weights...]``.
"""

from __future__ import annotations

import math

import numpy as np

from .random_dist import _block
from .registry import KernelError, _kernel


@_kernel("candidate_sampler")
def _candidate_sampler(inputs, outputs, ints, floats):
    op = "CandidateSampler"
    state, truth = inputs
    sampled, true_ec, sampled_ec = outputs
    if state.dtype != np.int64 or truth.dtype != np.int64:
        raise KernelError(f"[{op}] run counter and true_classes must be int64")
    unique, kind, range_max = floats[0] != 0.0, int(floats[1]), int(floats[2])
    if kind == 1 and len(floats) != 3 + range_max:
        raise KernelError(
            f"[{op}] range is {range_max} must be equal to weights size  {len(floats) - 3}"
        )
    if range_max < 1:
        raise KernelError(f"[{op}] range_max must be positive, got {range_max}")
    flat_state = state.reshape(-1)
    if state.size != (1 + range_max if kind == 2 else 1):
        raise KernelError(f"[{op}] run counter holds {state.size} words")
    t = [int(v) for v in truth.reshape(-1)]
    for c in t:
        if not 0 <= c < range_max:
            raise KernelError(f"[{op}] true class {c} is not in [0, {range_max})")
    if kind == 2:
        w = [1.0 + float(flat_state[1 + c]) for c in range(range_max)]
    elif kind == 1:
        w = [float(v) for v in floats[3:]]
    else:
        w = [1.0] * range_max
    cdf = np.cumsum(np.asarray(w, np.float64))
    total = float(cdf[-1])
    if not total > 0:
        raise KernelError(f"[{op}] the classes' weights sum to 0")
    n = sampled.size
    if unique and n > sum(1 for v in w if v > 0):
        raise KernelError(f"[{op}] Sampler's range is too small")
    seed, seed2 = int(ints[0]) % 2**64, int(ints[1]) % 2**64
    key = ((seed ^ (seed >> 32)) & 0xFFFFFFFF, ((seed2 ^ (seed2 >> 32)) & 0xFFFFFFFF) ^ 0x2545F491)
    run = int(flat_state[0]) % 2**64
    flat_state[0] += 1
    got: list[int] = []
    tries = 0
    while len(got) < n:
        b = _block(key, [tries & 0xFFFFFFFF, tries >> 32, run & 0xFFFFFFFF, run >> 32])
        tries += 1
        u = float((b[0] << 21) ^ (b[1] >> 11)) * 2.0**-53 * total
        c = min(int(np.searchsorted(cdf, u, side="right")), range_max - 1)
        if unique and c in got:
            continue
        got.append(c)
    sampled[...] = np.array(got, np.int64).reshape(sampled.shape)

    def expected(c: int) -> float:
        p = w[c] / total
        if not unique:
            return p * n
        if p >= 1:  # log1p(-1) = -inf, as in C: 0 * -inf is NaN
            return math.nan if tries == 0 else 1.0
        return -math.expm1(tries * math.log1p(-p))

    true_ec[...] = np.array([expected(c) for c in t], np.float32).reshape(true_ec.shape)
    sampled_ec[...] = np.array([expected(c) for c in got], np.float32).reshape(sampled_ec.shape)
    if kind == 2:
        for c in t:
            flat_state[1 + c] += 1
