"""The direct int8 depthwise sums (``cpp/quantized_depthwise.cc``) on every CPU path: AVX2
(``TFLITE_CORE_MAX_ISA=avx2``: vpmaddwd), AVX-512 VNNI where the CPU has it (unset: vpdpwssd)
and the portable loop (``baseline``: oneDNN's sums, or the kernel's own loop), each in a fresh
process (the cap is read once). Every path must give the NumPy twin's bytes on layers whose
channel counts reach the 32- and 16-channel blocks and the channels after them, with padding,
strides and dilations, and on EfficientNet-Lite0's depthwise shapes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = r"""
import numpy as np
from tflite_core import _core, reference as ref
rng = np.random.default_rng(7)
shapes = [  # (h, w, c, kh, kw, stride, dilation, pads t b l r)
    (112, 112, 32, 3, 3, 1, 1, (1, 1, 1, 1)),
    (56, 56, 144, 5, 5, 2, 1, (1, 2, 1, 2)),
    (7, 7, 1152, 5, 5, 1, 1, (2, 2, 2, 2)),
]
for _ in range(60):
    kh, kw = rng.integers(1, 6, 2)
    shapes.append((int(rng.integers(1, 12)), int(rng.integers(1, 12)),
                   int(rng.choice([3, 8, 16, 17, 31, 32, 48, 67])), int(kh), int(kw),
                   int(rng.integers(1, 3)), int(rng.integers(1, 3)),
                   tuple(int(v) for v in rng.integers(0, 3, 4))))
for h, w, c, kh, kw, s, d, (pt, pb, pl, pr) in shapes:
    x = rng.integers(-128, 128, (1, h, w, c)).astype(np.int8)
    f = rng.integers(-128, 128, (1, kh, kw, c)).astype(np.int8)
    b = rng.integers(-30000, 30000, c).astype(np.int32)
    oh = max(0, (h + pt + pb - (kh - 1) * d - 1) // s + 1)
    ow = max(0, (w + pl + pr - (kw - 1) * d - 1) // s + 1)
    ints = [s, s, d, d, pt, pb, pl, pr, 1, int(rng.integers(-128, 128)),
            int(rng.integers(-128, 128)), -128, 127]
    mults = list(rng.uniform(1e-4, 0.02, c))
    got, want = np.zeros((1, oh, ow, c), np.int8), np.zeros((1, oh, ow, c), np.int8)
    _core.run_kernel("qconv2d", [x, f, b], [got], ints, mults)
    ref.run_kernel("qconv2d", [x, f, b], [want], ints, mults)
    assert np.array_equal(got, want), (h, w, c, kh, kw, s, d, pt, pb, pl, pr)
print("ok")
"""


@pytest.mark.parametrize("isa", ["baseline", "avx2", ""])
def test_depthwise_sums_are_exact_on_every_path(isa):
    env = dict(os.environ, TFLITE_CORE_MAX_ISA=isa)
    r = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]
