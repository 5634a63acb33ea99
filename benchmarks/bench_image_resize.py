"""``tf.image.resize_bilinear`` side by side with TF compat.v1: the resize in front of an imported
image classifier (``DecodeJpeg -> Cast -> ExpandDims -> ResizeBilinear -> normalise -> CNN``),
a [1, 300, 451, 3] photo to 224x224, each library's ``Session.run`` of the same graph on a fed
image.

Steps: **float32** (the classifier's front: the decoded image already cast to float32), **uint8**
(the decoded bytes resized directly: TF's kernel reads uint8, tflite_core casts first), and
**gradient** (``tf.gradients`` of ``sum(resize * W)`` into the float32 image: TF's
ResizeBilinearGrad). Both libraries run TF's arithmetic: every value is checked bit for bit
against TF's (the gradient within 1e-5).

Run: ``python benchmarks/bench_image_resize.py [--threads 2] [--quick] [--height 300 --width
451 --size 224]``. Target: tflite_core's float32 resize at least as fast as TF's (>= 1.0x).
"""

from __future__ import annotations

import sys

import common


def _options(p):
    p.add_argument("--height", type=int, default=300, help="input image height")
    p.add_argument("--width", type=int, default=451, help="input image width")
    p.add_argument("--size", type=int, default=224, help="output height and width")


ARGS = common.setup(__doc__, extra=_options)

import numpy as np

import tflite_core

STEPS = ("float32", "uint8", "gradient")


def graphs(m, config):
    """{step: (session, fetch, placeholder)} for module ``m`` (tflite_core or TF's compat.v1)."""
    h, w, s = ARGS.height, ARGS.width, ARGS.size
    out = {}
    for step in STEPS:
        g = m.Graph()
        with g.as_default():
            dtype = m.uint8 if step == "uint8" else m.float32
            x = m.placeholder(dtype, [1, h, w, 3], name="image")
            y = m.image.resize_bilinear(x, [s, s])
            if step == "gradient":
                wts = np.random.default_rng(1).random((1, s, s, 3), dtype=np.float32) - 0.5
                y = m.gradients(m.reduce_sum(y * m.constant(wts)), x)[0]
        out[step] = (m.Session(graph=g, config=config), y, x)
    return out


def main() -> int:
    threads = ARGS.threads
    rng = np.random.default_rng(0)
    image = (rng.random((1, ARGS.height, ARGS.width, 3)) * 256).astype(np.uint8)
    feeds = {"float32": image.astype(np.float32), "uint8": image}
    feeds["gradient"] = feeds["float32"]
    impls = common.graph_libraries(threads, tflite_core)
    cases, results, baseline = [], {}, {}
    for label, kind, m, config in impls:
        for step, (sess, y, x) in graphs(m, config).items():
            feed = {x: feeds[step]}
            results[(label, step)] = sess.run(y, feed)
            cases.append(common.Case(label, step, lambda s=sess, y=y, f=feed: s.run(y, f), kind))
            baseline[step] = "tflite_core"
    vers = common.versions(f"{tflite_core.__version__} ({tflite_core._core.matmul_backend()})")
    common.header(
        f"tf.image.resize_bilinear: [1, {ARGS.height}, {ARGS.width}, 3] -> {ARGS.size}x"
        f"{ARGS.size}, Session.run of a fed image (us/call)",
        vers,
    )
    common.measure(cases)
    for step in STEPS:
        if ("TF compat.v1", step) not in results:
            continue
        theirs, ours = results[("TF compat.v1", step)], results[("tflite_core", step)]

        def same(a=theirs, b=ours, step=step):
            assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, a.shape, b.dtype, b.shape)
            if step == "gradient":
                np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5)
            else:
                np.testing.assert_array_equal(b, a)

        common.check("tflite_core", f"{step} vs TF compat.v1", same)
    common.report(cases, baseline)
    by = {(c.impl, c.step): c.median for c in cases if c.kept}
    if ("TF compat.v1", "float32") in by:
        common.target(
            "tflite_core float32 resize >= 1.0x TF compat.v1 (time TF / time tflite_core)",
            by[("TF compat.v1", "float32")] / by[("tflite_core", "float32")],
            1.0,
            at_most=False,
        )
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
