"""This machine's measured float32 peak: independent chains of fused multiply-adds in registers on
the widest vectors the library uses here (AVX-512, AVX2+FMA or SSE2; ``TFLITE_CORE_MAX_ISA``
caps it), at 1 thread and at every thread count up to ``--threads``. It is the ceiling of every
matmul-bound row: ``bench_sgemm`` (n >= 512), ``bench_mlp``, ``bench_conv`` and ``bench_lstm``
print their fraction of it (``common.peak_fraction``).

Run: ``python benchmarks/peak.py [--threads 2]``.
"""

from __future__ import annotations

import sys

import common

ARGS = common.setup(__doc__)

import tflite_core


def main() -> int:
    common.header("float32 FMA peak", common.versions(tflite_core.__version__))
    common.note(f"- CPU: {common.cpu_name()}")
    for t in range(1, ARGS.threads + 1):
        gflops, _, isa = common.fp32_peak(t)
        common.note(f"- {t} thread{'s' if t > 1 else ''}: {gflops:.1f} GFLOP/s ({isa} FMA chains)")
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
