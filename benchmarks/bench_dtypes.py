"""Elementwise ops on 8- and 16-bit dtypes, side by side with NumPy: int8 and float16 (and
bfloat16, which NumPy computes through ml_dtypes) add, multiply and maximum of two arrays.

Rows per step: ``numpy.<op>(a, b, out=c)``; tflite_core's kernel called directly
(``_core.run_kernel('add', [a, b], [c])``); tflite_core ``Session.run`` of the op on two fed
placeholders. float16/bfloat16 store 16 bits and compute in float32 (F16C / AVX-512 BF16
conversions where the CPU has them: the probe's choice is printed); each row's result is checked
bit for bit against NumPy's. NumPy and the kernel write into the same output array: at 64 KiB an
operand is in L2 and the time depends on where the three arrays lie relative to each other (4K
aliasing, cache-line splits; up to 40 % on Zen 2), so each case gives both the same memory.

Run: ``python benchmarks/bench_dtypes.py [--threads 1] [--quick] [--sizes 65536,1048576]``.
Target: the tflite_core kernel at least as fast as NumPy (>= 1.0x) for int8 and float16 at
every size and op.
"""

from __future__ import annotations

import sys

import common

ARGS = common.setup(
    __doc__,
    extra=lambda p: p.add_argument(
        "--sizes", default="65536,1048576", help="comma-separated element counts"
    ),
)
SIZES = [int(s) for s in ARGS.sizes.split(",")]

import ml_dtypes
import numpy as np

import tflite_core
from tflite_core import _core

KERNEL = "tflite_core kernel (run_kernel)"
DTYPES = {"int8": np.dtype(np.int8), "float16": np.dtype(np.float16)}
DTYPES["bfloat16"] = np.dtype(ml_dtypes.bfloat16)
OPS = {"add": (np.add, "add"), "mul": (np.multiply, "mul"), "max": (np.maximum, "maximum")}
TARGETED = ("int8", "float16")


def inputs(dt: np.dtype, n: int):
    rng = np.random.default_rng(n)
    if dt.kind == "i":
        return (rng.integers(-128, 128, n).astype(dt), rng.integers(-128, 128, n).astype(dt))
    return (rng.uniform(-8, 8, n).astype(dt), rng.uniform(-8, 8, n).astype(dt))


def graph_op(dt_name: str, op: str, config):
    g = tflite_core.Graph()
    with g.as_default():
        dt = tflite_core.as_dtype(dt_name)
        pa = tflite_core.placeholder(dt, [None])
        pb = tflite_core.placeholder(dt, [None])
        y = {"add": tflite_core.add, "mul": tflite_core.multiply, "max": tflite_core.maximum}[op](
            pa, pb
        )
    sess = tflite_core.Session(graph=g, config=config)
    return lambda a, b: sess.run(y, feed_dict={pa: a, pb: b})


def rows(dt_name: str, op: str, n: int, config):
    dt = DTYPES[dt_name]
    a, b = inputs(dt, n)
    np_fn, kernel = OPS[op]

    c = np.empty(n, dt)  # (shared: the same placement of a, b and c for both rows)

    def with_out(f):
        return lambda: (f(c), c)[1]

    run = graph_op(dt_name, op, config)
    out = [
        ("numpy (out=)", common.REFERENCE, with_out(lambda c: np_fn(a, b, out=c))),
        (KERNEL, common.TFLITE, with_out(lambda c: _core.run_kernel(kernel, [a, b], [c]))),
        ("tflite_core Session.run (fed)", common.TFLITE, lambda: run(a, b)),
    ]
    want = np_fn(a, b)
    return out, want


def check_equal(got, want) -> None:
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


def cpu_paths() -> str:
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next(ln for ln in f if ln.startswith("flags"))
    except (OSError, StopIteration):
        pass
    have = [f for f in ("avx2", "f16c", "avx512f", "avx512_bf16") if f" {f}" in flags]
    return "CPU flags used by the 16-bit float paths: " + (", ".join(have) or "none")


def main() -> int:
    n_thr = ARGS.threads
    tflite_core.set_num_threads(n_thr)
    config = tflite_core.ConfigProto(intra_op_parallelism_threads=n_thr)
    vers = common.versions(tflite_core.__version__)
    common.header("8- and 16-bit elementwise ops vs NumPy (us/call)", vers)
    common.note(cpu_paths())
    cases, baseline = [], {}
    for dt_name in DTYPES:
        for op in OPS:
            for n in SIZES:
                impls, want = rows(dt_name, op, n, config)
                step = f"{dt_name} {op} n={n}"
                baseline[step] = KERNEL
                batch = [common.Case(name, step, fn, kind) for name, kind, fn in impls]
                common.measure(batch)
                for name, _, fn in impls:
                    common.check(
                        name, f"{step} vs NumPy", lambda fn=fn, w=want: check_equal(fn(), w)
                    )
                cases += batch
                print(f"  measured {step}", flush=True)
    common.report(cases, baseline)
    by = {(c.impl, c.step): c.median for c in cases if c.kept}
    for dt_name in TARGETED:
        worst = min(
            (
                by[("numpy (out=)", s)] / by[(KERNEL, s)]
                for s in baseline
                if s.startswith(dt_name + " ") and ("numpy (out=)", s) in by and (KERNEL, s) in by
            ),
            default=float("nan"),
        )
        common.target(
            f"tflite_core {dt_name} kernel >= 1.0x NumPy (worst op and size)",
            worst,
            1.0,
            at_most=False,
        )
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
