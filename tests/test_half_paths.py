"""float16/bfloat16 conversions on every CPU path (``cpp/half.cc``): the portable code
(``TFLITE_CORE_MAX_ISA=baseline``), AVX2 + F16C (``avx2``) and AVX-512 BF16 (unset), each in a
fresh process (the cap is read once). Every path must round exactly as ml_dtypes / NumPy (and
so TF): all 65536 float16 bit patterns to float32, and float32 values around every rounding
boundary, subnormals, infinities and NaN back to float16 and bfloat16.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = r"""
import numpy as np, ml_dtypes
from tflite_core import _core
bf16 = np.dtype(ml_dtypes.bfloat16)
h = np.arange(65536, dtype=np.uint16).view(np.float16)
out = np.empty(h.shape, np.float32)
_core.run_kernel("cast", [h], [out])
want = h.astype(np.float32)
nan = np.isnan(want)  # (F16C quiets signalling NaNs: NaN stays NaN, its payload may not)
assert np.array_equal(np.isnan(out), nan)
assert np.array_equal(out[~nan].view(np.uint32), want[~nan].view(np.uint32))
rng = np.random.default_rng(0)
bits = np.concatenate([
    rng.integers(0, 2**32, 200000, dtype=np.uint64).astype(np.uint32),
    np.arange(0, 2**20, dtype=np.uint32),                       # float32 subnormals
    (np.arange(65536, dtype=np.uint32) << 13) + np.uint32(0x0FFF),  # near float16 ties
    (np.arange(65536, dtype=np.uint32) << 13) + np.uint32(0x1000),
    (np.arange(65536, dtype=np.uint32) << 16) + np.uint32(0x8000),  # bfloat16 ties
    (np.arange(65536, dtype=np.uint32) << 16) + np.uint32(0x7FFF),
])
f = bits.view(np.float32)
f = f[~np.isnan(f)]  # NaN payloads may differ; NaN itself is checked below
special = [np.nan, np.inf, -np.inf, 0.0, -0.0, 65520.0, 65519.99]
f = np.concatenate([f, np.array(special, np.float32)])
for dt in (np.dtype(np.float16), bf16):
    got = np.empty(f.shape, dt)
    _core.run_kernel("cast", [f], [got])
    with np.errstate(all="ignore"):
        ref = f.astype(dt)
    nan = np.isnan(ref.astype(np.float32))
    assert np.array_equal(np.isnan(got.astype(np.float32)), nan), dt
    g, r = got.view(np.uint16)[~nan], ref.view(np.uint16)[~nan]
    bad = np.flatnonzero(g != r)
    assert bad.size == 0, (dt, f[~nan][bad[:5]], g[bad[:5]], r[bad[:5]])
print("ok")
"""


@pytest.mark.parametrize("isa", ["baseline", "avx2", ""])
def test_conversions_are_exact_on_every_path(isa):
    env = dict(os.environ, TFLITE_CORE_MAX_ISA=isa)
    r = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]
