"""bf16 maths for float32 models (``tf.set_fpmath_mode("bf16")``) against float32, side by side.

The same graphs and sessions run in both modes, switched before every call (the mode is
process-wide), interleaved in one run:

- conv2d NHWC [32,56,56,64] * 3x3x64x64, SAME (``bench_conv.py``'s): forward, and forward+backward
  (``loss = sum(conv * W)`` with the input and filter gradients);
- MLP 784-512-512-10, batch 128, SGD (``bench_mlp.py``'s): train step and inference;
- EfficientNet-Lite0 inference at batch 32 (ImageNet weights; where the weights package is
  installed).

Accuracy, printed after the timings: the digits CNN (``examples/digits_cnn.py``, seed 0) trained in
each mode, its test accuracy; EfficientNet-Lite0's top-1 and top-5 agreement between the modes on
scikit-image's photos; the largest relative difference of the conv output and the MLP softmax.

On a CPU without AVX512-BF16 or AMX-BF16 it says so and exits 0 with nothing timed.

Run: ``python benchmarks/bench_fpmath_bf16.py [--threads 1] [--quick] [--no-accuracy]``.
Targets (issue 19): bf16 conv2d forward >= 1.6x and MLP train step >= 1.4x float32's speed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import common

ARGS = common.setup(
    __doc__,
    extra=lambda p: p.add_argument(
        "--no-accuracy", action="store_true", help="timings only (no digits training)"
    ),
)

import numpy as np

import tflite_core as tf
from tflite_core.framework.runtime import fpmath_bf16_unavailable

ROOT = Path(__file__).resolve().parents[1]
MODES = ("strict", "bf16")
LABEL = {"strict": "tflite_core float32", "bf16": "tflite_core bf16 maths"}


def in_mode(mode: str, fn):
    def call():
        tf.set_fpmath_mode(mode)
        return fn()

    return call


def conv_graph():
    import bench_conv as bc

    im = bc.graph_impl("conv", common.TFLITE, tf, None)
    return {
        "conv forward": im.forward,
        "conv forward+backward": im.fwd_bwd,
        "_y": lambda: im.results()[0],
    }


def mlp_graph():
    import bench_mlp as bm

    im = bm.graph_impl("mlp", common.TFLITE, tf, None)
    return {
        "MLP train step": lambda: im.train(bm.X, bm.Y),
        "MLP inference": lambda: im.infer(bm.X),
        "_p": lambda: im.infer(bm.X_CHECK),
    }


def photos():
    import skimage.data

    from tflite_core.applications import load_image, preprocess_input

    out = []
    for n in ("chelsea", "coffee", "astronaut", "rocket", "cat", "camera", "coins", "horse"):
        im = getattr(skimage.data, n)()
        im = np.stack([im] * 3, -1) if im.ndim == 2 else im[..., :3]
        out.append(load_image(im))
    return preprocess_input(np.stack(out))


def efficientnet_graph():
    from tflite_core.applications import efficientnet_lite0

    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 224, 224, 3])
        p = efficientnet_lite0(x)
    s = tf.Session(graph=g)
    imgs = photos()
    batch = np.concatenate([imgs] * 4)[:32]
    return {
        "EfficientNet-Lite0 batch 32": lambda: s.run(p, {x: batch}),
        "_top": lambda: s.run(p, {x: imgs}),
    }


def digits_accuracy(mode: str) -> str:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "digits_cnn.py"), "--seed", "0", "--fpmath", mode],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    m = re.search(r"test accuracy: ([\d.]+)", proc.stdout)
    return m.group(1) if m else f"failed ({proc.stderr.strip()[-200:]})"


def main() -> int:
    why = fpmath_bf16_unavailable()
    vers = common.versions(f"{tf.__version__} ({tf._core.matmul_backend()})")
    common.header("bf16 maths (set_fpmath_mode) against float32", vers)
    if why:
        common.note(f"- not timed: {why}")
        return common.finish()
    graphs = {**conv_graph(), **mlp_graph()}
    try:
        graphs.update(efficientnet_graph())
    except Exception as e:  # the weights package is optional
        common.skip("EfficientNet-Lite0", f"{type(e).__name__}: {str(e)[:80]}")
    steps = [k for k in graphs if not k.startswith("_")]
    cases = [
        common.Case(LABEL[m], step, in_mode(m, graphs[step]), common.TFLITE)
        for step in steps
        for m in MODES
    ]
    common.measure(cases)
    common.report(cases, {c.step: LABEL["bf16"] for c in cases}, unit="ms")
    by = {(c.impl, c.step): c for c in cases}

    def speedup(step: str) -> float:
        f32, b16 = by[(LABEL["strict"], step)], by[(LABEL["bf16"], step)]
        return f32.median / b16.median if f32.kept and b16.kept else float("nan")

    for step in steps:
        common.note(f"- {step}: bf16 maths {speedup(step):.2f}x float32's speed")
    common.target("bf16 conv2d forward speed-up", speedup("conv forward"), 1.6, at_most=False)
    common.target("bf16 MLP train step speed-up", speedup("MLP train step"), 1.4, at_most=False)

    # accuracy
    res = {}
    for m in MODES:
        tf.set_fpmath_mode(m)
        res[m] = {k: graphs[k]() for k in graphs if k.startswith("_")}
    y32, y16 = res["strict"]["_y"], res["bf16"]["_y"]
    common.note(
        f"- conv output: largest difference {np.abs(y16 - y32).max() / np.abs(y32).max():.1e} "
        "of the largest output"
    )
    p32, p16 = res["strict"]["_p"], res["bf16"]["_p"]
    common.note(
        f"- MLP softmax: largest difference {np.abs(p16 - p32).max():.1e}; argmax agreement "
        f"{(p16.argmax(1) == p32.argmax(1)).mean():.3f}"
    )
    if "_top" in res["strict"]:
        t32 = np.argsort(-res["strict"]["_top"], 1)[:, :5]
        t16 = np.argsort(-res["bf16"]["_top"], 1)[:, :5]
        top1 = (t32[:, 0] == t16[:, 0]).mean()
        top5 = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(t32, t16)])
        common.note(
            f"- EfficientNet-Lite0 on {len(t32)} scikit-image photos: top-1 agreement {top1:.3f}, "
            f"top-5 overlap {top5:.3f}"
        )
    tf.set_fpmath_mode("strict")
    if not ARGS.no_accuracy:
        for m in MODES:
            common.note(f"- digits CNN (examples/digits_cnn.py, seed 0) {m}: test accuracy "
                        f"{digits_accuracy(m)}")  # fmt: skip
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
