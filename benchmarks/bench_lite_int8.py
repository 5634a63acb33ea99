"""Full-integer int8 TFLite models side by side: EfficientNet-Lite0 (ImageNet weights), one image.

The int8 file is written by tflite_core's own converter (``optimizations=[Optimize.DEFAULT]``,
a representative dataset of four of scikit-image's photos; the quantization TF's converter
chooses) from ``tf.applications.efficientnet_lite0``; then it runs in

- LiteRT (``ai_edge_litert``) with its default XNNPACK delegate (``num_threads`` = ``--threads``),
  the speed to beat;
- LiteRT's builtin int8 kernels (``BUILTIN_WITHOUT_DEFAULT_DELEGATES``), whose integer
  arithmetic tflite_core follows;
- tflite_core's ``tf.lite.Interpreter`` (its C++ runtime: oneDNN's int8 convolutions for the
  exact int32 sums, then TFLite's requantization).

Our probabilities are checked against LiteRT's builtin kernels (within one step of 1/256).

Run: ``python benchmarks/bench_lite_int8.py [--threads 1] [--quick]``.
Target (issue 18): our Interpreter >= 0.8x LiteRT's int8 (XNNPACK) at 1 image.
"""

from __future__ import annotations

import sys
import time

import common

ARGS = common.setup(__doc__)

import numpy as np
import skimage.data

import tflite_core

PHOTOS = ("chelsea", "coffee", "astronaut", "rocket")
LITERT = "LiteRT + XNNPACK, int8 (invoke)"
BUILTIN = "LiteRT builtin int8 kernels (invoke)"
INTERP = "tflite_core tf.lite.Interpreter, int8 (invoke)"


def main() -> int:
    threads = ARGS.threads
    tflite_core.set_num_threads(threads)
    apps = tflite_core.applications
    photos = apps.preprocess_input(
        np.stack([apps.load_image(getattr(skimage.data, n)()) for n in PHOTOS])
    ).astype(np.float32)
    x_in = photos[:1]
    g = tflite_core.Graph()
    with g.as_default():
        x = tflite_core.placeholder(tflite_core.float32, [1, 224, 224, 3])
        y = apps.efficientnet_lite0(x)
    with tflite_core.Session(graph=g) as sess:
        conv = tflite_core.lite.TFLiteConverter.from_session(sess, [x], [y])
        conv.optimizations = [tflite_core.lite.Optimize.DEFAULT]
        conv.representative_dataset = lambda: ([p[None]] for p in photos)
        t0 = time.perf_counter()
        content = conv.convert()
        convert_s = time.perf_counter() - t0

    ours = common.tflite_run(
        tflite_core.lite.Interpreter(model_content=content, num_threads=threads), x_in
    )
    impls = [(INTERP, common.TFLITE, ours)]
    litert = common.optional_import("ai_edge_litert.interpreter")
    reference = None
    if litert is not None and common.wanted("LiteRT"):
        xnnpack = litert.Interpreter(model_content=content, num_threads=threads)
        builtin = litert.Interpreter(
            model_content=content,
            num_threads=threads,
            experimental_op_resolver_type=litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        )
        impls.append((LITERT, common.REFERENCE, common.tflite_run(xnnpack, x_in)))
        impls.append((BUILTIN, common.REFERENCE, common.tflite_run(builtin, x_in)))
        reference = common.tflite_run(builtin, x_in)()
    common.header(
        "EfficientNet-Lite0 as a full-integer int8 .tflite, 1 image (ms)",
        common.versions(tflite_core.__version__),
    )
    common.note(
        f"- conversion with calibration on {len(photos)} photos: {convert_s:.1f} s, "
        f"{len(content) / 1e6:.1f} MB"
    )
    cases = [common.Case(name, "1 image", fn, kind) for name, kind, fn in impls]
    # LiteRT's builtin kernels are timed on their own, after the others: their worker threads
    # (ruy's) keep spinning after each invoke and slowed the interleaved rows by up to 1.6x
    common.measure([c for c in cases if c.impl != BUILTIN])
    common.measure([c for c in cases if c.impl == BUILTIN])
    if reference is not None:

        def same_as_litert():
            np.testing.assert_allclose(ours(), reference, rtol=0, atol=1 / 256)

        common.check(
            INTERP, "probabilities vs LiteRT's builtin int8 kernels (1 step)", same_as_litert
        )
    common.report(cases, {c.step: INTERP for c in cases}, unit="ms")
    by = {c.impl: c.median for c in cases if c.kept}
    if LITERT in by and INTERP in by:
        common.target(f"{INTERP} vs LiteRT int8 (x)", by[LITERT] / by[INTERP], 0.8, at_most=False)
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
