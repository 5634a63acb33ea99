"""The int8 kernels (``cpp/quantized.cc``, ``cpp/quantized_depthwise.cc``) on every CPU path, each
in a fresh process (the cap is read once): AVX2 (``TFLITE_CORE_MAX_ISA=avx2``: the depthwise sums
by vpmaddwd, the requantization, QUANTIZE and ADD in 8-lane loops), AVX-512 where the CPU has it
(unset: the depthwise sums by VNNI's vpdpbusd over a ring of input rows, 16-lane loops), and the
portable loops (``baseline``).

- The depthwise probe gives the NumPy twin's bytes on layers whose channel counts reach the
  vector blocks and the channels after them, with padding, strides and dilations, on a batch of
  two (a new image empties the ring), and on EfficientNet-Lite0's depthwise shapes.
- The int8 rows of ``test_kernels_vs_numpy.py`` (every int8 kernel against its NumPy twin, drawn
  by hypothesis) run again under each cap.
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
    x = rng.integers(-128, 128, (2, h, w, c)).astype(np.int8)
    f = rng.integers(-128, 128, (1, kh, kw, c)).astype(np.int8)
    b = rng.integers(-30000, 30000, c).astype(np.int32)
    oh = max(0, (h + pt + pb - (kh - 1) * d - 1) // s + 1)
    ow = max(0, (w + pl + pr - (kw - 1) * d - 1) // s + 1)
    ints = [s, s, d, d, pt, pb, pl, pr, 1, int(rng.integers(-128, 128)),
            int(rng.integers(-128, 128)), -128, 127]
    mults = list(rng.uniform(1e-4, 0.02, c))
    got, want = np.zeros((2, oh, ow, c), np.int8), np.zeros((2, oh, ow, c), np.int8)
    _core.run_kernel("qconv2d", [x, f, b], [got], ints, mults)
    ref.run_kernel("qconv2d", [x, f, b], [want], ints, mults)
    assert np.array_equal(got, want), (h, w, c, kh, kw, s, d, pt, pb, pl, pr)
print("ok")
"""


INT8_ROWS = "quantize or qconv2d or qfully or qadd or qmean or qsoftmax or qmax_pool or int8"


@pytest.mark.parametrize("isa", ["baseline", "avx2", ""])
def test_depthwise_sums_are_exact_on_every_path(isa):
    env = dict(os.environ, TFLITE_CORE_MAX_ISA=isa)
    r = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]


@pytest.mark.parametrize("isa", ["baseline", "avx2"])
def test_int8_kernels_match_numpy_on_every_path(isa, request):
    """(the unset cap runs them in this process, with the rest of the suite)"""
    here = os.path.dirname(os.path.abspath(__file__))
    profile = request.config.getoption("--hypothesis-profile", default=None) or "ci"
    env = dict(os.environ, TFLITE_CORE_MAX_ISA=isa)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    cmd += [f"--hypothesis-profile={profile}", "-k", INT8_ROWS]
    r = subprocess.run(
        [*cmd, os.path.join(here, "test_kernels_vs_numpy.py")],
        env=env,
        cwd=here,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0 and " passed" in r.stdout and "failed" not in r.stdout, (
        r.stdout[-3000:] + r.stderr[-2000:]
    )
