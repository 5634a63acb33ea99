"""A while_loop of 10,000 iterations of a small body, side by side: tflite_core and TF compat.v1.

The loop carries a counter and a float32 vector of 16 (``x = x * 0.999 + 0.5``) until the counter
reaches 10,000; one ``Session.run`` fetches the final vector. tflite_core runs the whole loop as one
step of its plan (the cond and body are compiled plans the step runs); TF compat.v1 runs the same
graph code (control flow v2: a While op whose bodies are functions). Both results are checked
against NumPy. Also timed: ``tf.map_fn`` over 10,000 rows of 16 and ``tf.scan`` over the same rows.

Run: ``python benchmarks/bench_control_flow.py [--threads 1] [--quick]``.
Target: tflite_core's while_loop >= 10x faster than TF compat.v1's.
"""

from __future__ import annotations

import sys

import common

ARGS = common.setup(__doc__)

import numpy as np

import tflite_core

N, WIDTH = 10_000, 16
X0 = np.linspace(0.0, 1.0, WIDTH, dtype=np.float32)
ROWS = np.random.default_rng(0).standard_normal((N, WIDTH)).astype(np.float32)


def reference():
    x = X0.astype(np.float32)
    for _ in range(N):
        x = x * np.float32(0.999) + np.float32(0.5)
    return x, ROWS * ROWS + 1.0, np.cumsum(ROWS.astype(np.float64), 0)


def graph_impl(name, kind, tfm, config):
    g = tfm.Graph()
    with g.as_default():
        x = tfm.placeholder(tfm.float32, [WIDTH], name="x")
        rows = tfm.placeholder(tfm.float32, [N, WIDTH], name="rows")
        _, loop = tfm.while_loop(
            lambda i, v: i < N, lambda i, v: (i + 1, v * 0.999 + 0.5), (tfm.constant(0), x)
        )
        mapped = tfm.map_fn(lambda r: r * r + 1.0, rows)
        scanned = tfm.scan(lambda a, r: a + r, rows)
    sess = tfm.Session(graph=g, config=config)
    return (
        name,
        kind,
        lambda: sess.run(loop, {x: X0}),
        lambda: sess.run(mapped, {rows: ROWS}),
        lambda: sess.run(scanned, {rows: ROWS}),
    )


def build_impls():
    tflite_core.set_num_threads(ARGS.threads)
    config = tflite_core.ConfigProto(intra_op_parallelism_threads=ARGS.threads)
    impls = [graph_impl("tflite_core", common.TFLITE, tflite_core, config)]
    tf = common.optional_import("tensorflow")
    if tf is not None and common.wanted("TF compat.v1"):
        tf.get_logger().setLevel("ERROR")
        cfg = tf.compat.v1.ConfigProto(
            intra_op_parallelism_threads=ARGS.threads, inter_op_parallelism_threads=ARGS.threads
        )
        impls.append(graph_impl("TF compat.v1", common.REFERENCE, tf.compat.v1, cfg))
    return impls


def _verify(loop, mapped, scanned):
    want_loop, want_map, want_scan = reference()
    np.testing.assert_allclose(loop(), want_loop, rtol=1e-4, err_msg="while_loop")
    np.testing.assert_allclose(mapped(), want_map, rtol=1e-6, err_msg="map_fn")
    np.testing.assert_allclose(scanned(), want_scan, rtol=1e-3, atol=1e-3, err_msg="scan")


def main() -> int:
    impls = build_impls()
    vers = {"tflite_core": tflite_core.__version__, "numpy": np.__version__}
    vers.update({m: sys.modules[m].__version__ for m in ("tensorflow",) if m in sys.modules})
    common.header(f"while_loop of {N} iterations, map_fn and scan over {N} rows", vers)
    cases = []
    for name, kind, loop, mapped, scanned in impls:
        cases += [
            common.Case(name, "while_loop 10k", loop, kind),
            common.Case(name, "map_fn 10k", mapped, kind),
            common.Case(name, "scan 10k", scanned, kind),
        ]
    common.measure(cases)
    for name, _, loop, mapped, scanned in impls:
        common.check(name, "values vs NumPy", lambda a=loop, b=mapped, c=scanned: _verify(a, b, c))
    base = impls[0][0]
    common.report(cases, {c.step: base for c in cases}, unit="ms")
    med = {(c.impl, c.step): c.median for c in cases if c.kept}
    ref = [n for n, k, *_ in impls if k == common.REFERENCE]
    if ref:
        ratio = med.get((ref[0], "while_loop 10k"), float("nan")) / med.get(
            (base, "while_loop 10k"), float("nan")
        )
        common.target("tflite_core while_loop >= 10x faster than TF compat.v1", ratio, 10.0, False)
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
