"""A chain of elementwise ops side by side: the tanh GELU of a biased activation,
``y = 0.5 * z * (1 + tanh(0.7978845608 * (z + 0.044715 * z * z * z)))`` with ``z = h + b``
(``h`` a fed [--rows, --cols] float32 batch, ``b`` a bias row), and its gradient into ``h`` and
``b`` of ``sum(y * w)``.

tflite_core runs each chain as one fused step (``client/elementwise_fusion.py``: one pass over
memory); the row "tflite_core unfused" is the same graph with TF's remapper switch off
(``RewriterConfig(remapping=OFF)``), one step per op, to show what the fusion gives. TF
compat.v1 runs the same graph; PyTorch eager and NumPy run the same maths op by op. Values are
checked against NumPy (1e-5) and the fused and unfused rows against each other bit for bit.

Run: ``python benchmarks/bench_elementwise.py [--threads 2] [--quick] [--rows 256 --cols
4096]``. No target of an issue: the ratios are reported.
"""

from __future__ import annotations

import sys

import common


def _options(p):
    p.add_argument("--rows", type=int, default=256, help="batch rows")
    p.add_argument("--cols", type=int, default=4096, help="features")


ARGS = common.setup(__doc__, extra=_options)

import numpy as np

import tflite_core
from tflite_core.client.config_options import RewriterConfig

C0, C1 = 0.7978845608, 0.044715


def gelu(m, z):
    return 0.5 * z * (1.0 + m.tanh(C0 * (z + C1 * z * z * z)))


def graph(m, config, b, w):
    """(session, {step: fetch}, placeholder) for module ``m``."""
    g = m.Graph()
    with g.as_default():
        h = m.placeholder(m.float32, [ARGS.rows, ARGS.cols], name="h")
        bias = m.constant(b)
        y = gelu(m, h + bias)
        grads = m.gradients(m.reduce_sum(y * m.constant(w)), [h, bias])
    return m.Session(graph=g, config=config), {"forward": y, "forward+backward": grads}, h


def numpy_steps(h, b, w):
    def forward(h=h):
        z = h + b
        return 0.5 * z * (1.0 + np.tanh(C0 * (z + C1 * z * z * z)))

    def backward(h=h):
        z = h + b
        u = C0 * (z + C1 * z * z * z)
        t = np.tanh(u)
        dz = w * (0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * C0 * (1.0 + 3.0 * C1 * z * z))
        return [dz, dz.sum(axis=0)]

    return {"forward": forward, "forward+backward": backward}


def torch_steps(torch, h, b, w):
    th, tb, tw = (torch.from_numpy(a) for a in (h, b, w))

    def forward():
        with torch.no_grad():
            return gelu(torch, th + tb)

    def backward():
        hh = th.clone().requires_grad_(True)
        bb = tb.clone().requires_grad_(True)
        (gelu(torch, hh + bb) * tw).sum().backward()
        return [hh.grad, bb.grad]

    return {"forward": forward, "forward+backward": backward}


def _listed(v) -> list:
    return list(v) if isinstance(v, (list, tuple)) else [v]


def main() -> int:
    rng = np.random.default_rng(0)
    h = rng.normal(size=(ARGS.rows, ARGS.cols)).astype(np.float32)
    b = rng.normal(size=(ARGS.cols,)).astype(np.float32)
    w = rng.normal(size=(ARGS.rows, ARGS.cols)).astype(np.float32)
    cases, results, baseline = [], {}, {}
    impls = common.graph_libraries(ARGS.threads, tflite_core)
    if common.wanted("tflite_core unfused"):
        config = tflite_core.ConfigProto(intra_op_parallelism_threads=ARGS.threads)
        config.graph_options.rewrite_options.remapping = RewriterConfig.OFF
        impls.insert(1, ("tflite_core unfused", common.REFERENCE, tflite_core, config))
    for label, kind, m, config in impls:
        sess, fetches, x = graph(m, config, b, w)
        for step, fetch in fetches.items():
            results[(label, step)] = sess.run(fetch, {x: h})
            run = lambda s=sess, f=fetch, x=x: s.run(f, {x: h})  # noqa: E731
            cases.append(common.Case(label, step, run, kind))
            baseline[step] = "tflite_core"
    others = {"NumPy": numpy_steps(h, b, w)}
    torch = common.optional_import("torch")
    if torch is not None and common.wanted("PyTorch eager"):
        torch.set_num_threads(ARGS.threads)
        others["PyTorch eager"] = torch_steps(torch, h, b, w)
    for label, steps in others.items():
        for step, fn in steps.items():
            results[(label, step)] = fn()
            cases.append(common.Case(label, step, fn))
    vers = common.versions(f"{tflite_core.__version__} ({tflite_core._core.matmul_backend()})")
    common.header(
        f"tanh GELU of h + b, h [{ARGS.rows}, {ARGS.cols}] float32: forward, and forward + "
        "backward into h and b (us/call)",
        vers,
    )
    common.measure(cases)
    want = numpy_steps(h.astype(np.float64), b.astype(np.float64), w.astype(np.float64))
    for step in ("forward", "forward+backward"):
        exact = want[step]()

        def close(step=step, exact=exact):
            for g, e in zip(_listed(results[("tflite_core", step)]), _listed(exact)):
                np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-4 * np.abs(e).max())

        common.check("tflite_core", f"{step} vs NumPy in float64", close)
        if ("tflite_core unfused", step) in results:

            def same(step=step):
                fused = _listed(results[("tflite_core", step)])
                unfused = _listed(results[("tflite_core unfused", step)])
                for a, u in zip(fused, unfused):
                    assert a.tobytes() == u.tobytes()

            common.check("tflite_core", f"{step} fused and unfused bit for bit", same)
    common.report(cases, baseline)
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
