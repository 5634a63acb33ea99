"""TFLite models side by side: EfficientNet-Lite0 (ImageNet weights), float32, one image.

- LiteRT (``ai_edge_litert``, the official TFLite interpreter, with its default XNNPACK
  delegate; ``num_threads`` = ``--threads``) running the ``.tflite`` file that tflite_core's
  ``tf.lite.TFLiteConverter`` wrote from ``tf.applications.efficientnet_lite0``;
- tflite_core's ``tf.lite.Interpreter`` running the same file (set_tensor, invoke, get_tensor);
- tflite_core's ``Session.run`` of the graph the file was converted from;
- tflite_core's C++ runtime (``tflite_run``, cpp/lite/, no Python): its own median of 50
  invokes, in three runs alternating with 50 invokes of our ``tf.lite.Interpreter`` timed the
  same way (the command is built by ctest's CMake configuration: ``--runtime PATH``, by default
  ``build/ctest/tflite_run``).

Every row's probabilities are checked against the Session's (1e-5; the C++ runtime's by its
``--expect``). The conversion's time is reported beside them.

Run: ``python benchmarks/bench_lite.py [--threads 1] [--quick] [--runtime PATH]``.
Targets (issue 18): our Interpreter and our Session >= 1.0x LiteRT+XNNPACK at 1 image; the C++
runtime's latency within 5 % of the Interpreter's.
"""

from __future__ import annotations

import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

import common

ROOT = pathlib.Path(__file__).resolve().parents[1]
ARGS = common.setup(
    __doc__,
    extra=lambda p: p.add_argument(
        "--runtime", default=str(ROOT / "build/ctest/tflite_run"), help="the tflite_run command"
    ),
)

import numpy as np

import tflite_core

X = np.random.default_rng(0).uniform(-1, 1, (1, 224, 224, 3)).astype(np.float32)
LITERT = "LiteRT + XNNPACK (invoke)"
INTERP = "tflite_core tf.lite.Interpreter (invoke)"
SESSION = "tflite_core Session.run"


def main() -> int:
    threads = ARGS.threads
    tflite_core.set_num_threads(threads)
    config = tflite_core.ConfigProto(intra_op_parallelism_threads=threads)
    g = tflite_core.Graph()
    with g.as_default():
        x = tflite_core.placeholder(tflite_core.float32, [1, 224, 224, 3])
        y = tflite_core.applications.efficientnet_lite0(x)
    sess = tflite_core.Session(graph=g, config=config)
    t0 = time.perf_counter()
    content = tflite_core.lite.TFLiteConverter.from_session(sess, [x], [y]).convert()
    convert_s = time.perf_counter() - t0
    want = sess.run(y, {x: X})

    impls = [(SESSION, common.TFLITE, lambda: sess.run(y, {x: X}))]
    ours = tflite_core.lite.Interpreter(model_content=content, num_threads=threads)
    impls.append((INTERP, common.TFLITE, common.tflite_run(ours, X)))
    litert = common.optional_import("ai_edge_litert.interpreter")
    if litert is not None and common.wanted("LiteRT"):
        impls.append(
            (
                LITERT,
                common.REFERENCE,
                common.tflite_run(
                    litert.Interpreter(model_content=content, num_threads=threads), X
                ),
            )
        )
    vers = common.versions(tflite_core.__version__)
    common.header("EfficientNet-Lite0 as .tflite, float32, 1 image (ms)", vers)
    common.note(
        f"- conversion (tf.lite.TFLiteConverter.from_session): {convert_s * 1e3:.0f} ms, "
        f"{len(content) / 1e6:.1f} MB"
    )
    cases = [common.Case(name, "1 image", fn, kind) for name, kind, fn in impls]
    common.measure(cases)
    for name, _, fn in impls:
        common.check(name, "probabilities vs the Session's", lambda fn=fn: (
            np.testing.assert_allclose(fn(), want, rtol=1e-5, atol=1e-5)))  # fmt: skip
    common.report(cases, {c.step: INTERP for c in cases}, unit="ms")
    by = {c.impl: c.median for c in cases if c.kept}
    cpp_vs_python(
        content,
        want,
        common.tflite_run(
            tflite_core.lite.Interpreter(model_content=content, num_threads=threads), X
        ),
    )
    if LITERT in by:
        for name in (INTERP, SESSION):
            if name in by:
                common.target(f"{name} vs LiteRT (x)", by[LITERT] / by[name], 1.0, at_most=False)
    return common.finish()


def cpp_vs_python(content: bytes, want, interp_run) -> None:
    """The C++ runtime's median invoke (tflite_run's own clock) against the Interpreter's, three
    alternating runs of 50 invokes each."""
    exe = pathlib.Path(ARGS.runtime)
    if not exe.exists():
        common.skip("C++ runtime", f"{exe} is not built (cmake -DTFLITE_CORE_RUNTIME=ON)")
        return
    runs = 10 if ARGS.quick else 50
    with tempfile.TemporaryDirectory() as d:
        model, x, expect = (pathlib.Path(d) / n for n in ("m.tflite", "x.npy", "want.npy"))
        model.write_bytes(content)
        np.save(x, X)
        np.save(expect, want)
        cmd = [str(exe), str(model), "--input", str(x), "--expect", str(expect)]
        cmd += ["--runs", str(runs), "--threads", str(ARGS.threads)]
        cpp, py = [], []
        for _ in range(3):
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            if out.returncode != 0:
                common.check("C++ runtime", "tflite_run", lambda o=out: (_ for _ in ()).throw(
                    AssertionError(o.stdout + o.stderr)))  # fmt: skip
                return
            cpp.append(float(re.search(r"latency: ([0-9.]+) ms median", out.stdout).group(1)))
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                interp_run()
                times.append((time.perf_counter() - t0) * 1e3)
            py.append(statistics.median(times))
    c, p = statistics.median(cpp), statistics.median(py)
    common.note(
        f"- C++ runtime (tflite_run, outputs checked by --expect): {c:.2f} ms median invoke "
        f"(runs {', '.join(f'{v:.2f}' for v in cpp)}); tf.lite.Interpreter the same way: "
        f"{p:.2f} ms (runs {', '.join(f'{v:.2f}' for v in py)})"
    )
    common.target("C++ runtime / Interpreter latency (x)", c / p, 1.05)


if __name__ == "__main__":
    sys.exit(main())
