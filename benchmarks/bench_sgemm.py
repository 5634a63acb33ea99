"""n x n float32 matmul, side by side: GFLOP/s of tflite_core and reference libraries.

Rows: ``numpy.matmul(a, b, out=c)``; tflite_core's kernel called directly
(``_core.run_kernel('matmul', [a, b], [c], [0, 0])``); tflite_core ``Session.run`` of a matmul of
two fed placeholders; ``torch.mm(a, b, out=c)``; TF compat.v1 ``Session.run`` of the same graph.
Each size is measured on its own, interleaved across the rows; each row's result is then checked
against a float64 NumPy product.

Run: ``python benchmarks/bench_sgemm.py [--threads 1] [--quick] [--sizes 64,256]``.
Target: the tflite_core kernel at least as fast as ``numpy.matmul`` (>= 1.0x) at every size.
"""

from __future__ import annotations

import sys

import common

ARGS = common.setup(
    __doc__,
    extra=lambda p: p.add_argument(
        "--sizes", default="64,128,256,512,1024,2048", help="comma-separated matrix sizes"
    ),
)
SIZES = [int(s) for s in ARGS.sizes.split(",")]

import numpy as np

import tflite_core
from tflite_core import _core

KERNEL = "tflite_core kernel (run_kernel)"


def graph_matmul(tfm, config):
    """A matmul of two fed [None, None] placeholders: returns ``run(a, b)``."""
    g = tfm.Graph()
    with g.as_default():
        pa = tfm.placeholder(tfm.float32, [None, None], name="a")
        pb = tfm.placeholder(tfm.float32, [None, None], name="b")
        prod = tfm.matmul(pa, pb)
    sess = tfm.Session(graph=g, config=config)
    return lambda a, b: sess.run(prod, feed_dict={pa: a, pb: b})


def rows(n: int, tf, torch):
    """([(name, kind, fn)], a, b): each fn computes a @ b and returns the product."""
    rng = np.random.default_rng(n)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    out = []

    def with_out(f):
        c = np.empty((n, n), np.float32)
        return lambda: (f(c), c)[1]

    out.append(
        ("numpy.matmul (out=)", common.REFERENCE, with_out(lambda c: np.matmul(a, b, out=c)))
    )
    out.append(
        (KERNEL, common.TFLITE, with_out(lambda c: _core.run_kernel("matmul", [a, b], [c], [0, 0])))
    )
    run = GRAPHS["tflite_core"]
    out.append(("tflite_core Session.run (fed)", common.TFLITE, lambda: run(a, b)))
    if torch is not None and common.wanted("PyTorch"):
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        out.append(
            (
                "PyTorch torch.mm (out=)",
                common.REFERENCE,
                with_out(lambda c, t=torch.from_numpy: torch.mm(ta, tb, out=t(c))),
            )
        )
    if tf is not None and common.wanted("TF compat.v1"):
        run_tf = GRAPHS["tf"]
        out.append(("TF compat.v1 Session.run (fed)", common.REFERENCE, lambda: run_tf(a, b)))
    return out, a, b


GRAPHS: dict = {}


def check_product(got, want, n: int) -> None:
    """float32 product against the float64 one, relative to its largest entry."""
    scale = np.abs(want).max()
    np.testing.assert_allclose(
        np.asarray(got, np.float64) / scale, want / scale, rtol=0, atol=1e-5 * max(1.0, np.log2(n))
    )


def main() -> int:
    n_thr = ARGS.threads
    tflite_core.set_num_threads(n_thr)
    GRAPHS["tflite_core"] = graph_matmul(
        tflite_core, tflite_core.ConfigProto(intra_op_parallelism_threads=n_thr)
    )
    tf = common.optional_import("tensorflow")
    if tf is not None:
        GRAPHS["tf"] = graph_matmul(
            tf.compat.v1,
            tf.compat.v1.ConfigProto(
                intra_op_parallelism_threads=n_thr, inter_op_parallelism_threads=n_thr
            ),
        )
    torch = common.optional_import("torch")
    if torch is not None:
        torch.set_num_threads(n_thr)
    vers = common.versions(f"{tflite_core.__version__} ({_core.matmul_backend()})")
    common.header("sgemm: n x n float32 matmul (GFLOP/s)", vers)

    cases, flops = [], {}
    for n in SIZES:
        impls, a, b = rows(n, tf, torch)
        step = f"n={n}"
        flops[step] = 2.0 * n**3
        batch = [common.Case(name, step, fn, kind) for name, kind, fn in impls]
        common.measure(batch)
        want = a.astype(np.float64) @ b.astype(np.float64)
        for name, _, fn in impls:
            common.check(
                name,
                f"{step} product vs NumPy float64",
                lambda fn=fn, want=want, n=n: check_product(fn(), want, n),
            )
        cases += batch
        print(f"  measured {step}", flush=True)
    common.report(
        cases,
        {s: KERNEL for s in flops},
        value=lambda c: flops[c.step] / c.median / 1e9,
        value_name="GFLOP/s",
    )
    by = {(c.impl, c.step): c.median for c in cases if c.kept}
    for step, f in flops.items():
        if (KERNEL, step) in by and int(step[2:]) >= 512:
            common.peak_fraction(f"tflite_core kernel {step}", f / by[(KERNEL, step)] / 1e9)
    worst = min(
        (
            by[("numpy.matmul (out=)", s)] / by[(KERNEL, s)]
            for s in flops
            if ("numpy.matmul (out=)", s) in by and (KERNEL, s) in by
        ),
        default=float("nan"),
    )
    common.target(
        "tflite_core kernel >= 1.0x numpy.matmul at every size (worst size)",
        worst,
        1.0,
        at_most=False,
    )
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
