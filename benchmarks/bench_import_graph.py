"""A frozen TF graph served here and in TF (the tutorial's slide 33, as TF's classify_image.py).

TF 2.21 compat.v1 builds EfficientNet-Lite0 (ImageNet weights, as variables) behind the
``DecodeJpeg -> Cast -> ExpandDims -> ResizeBilinear -> Sub -> Mul`` front and freezes it with
``convert_variables_to_constants`` (18.6 MB). Both libraries then run TF's flow on a JPEG of
scikit-image's chelsea (451 x 300): read the ``.pb``, ``import_graph_def``, open a Session, feed
``DecodeJpeg/contents:0``, fetch ``softmax:0``.

- **import + first run**: the time of that whole flow for the first photo, in a fresh process
  whose library is already imported (``import tensorflow`` / ``import tflite_core`` not
  counted), the median of ``--loads`` processes per library, alternating;
- **steady inference**: later runs of the same Session on the same photo (1 image), timed by the
  interleaved harness of ``common.py``.

The probabilities of both are checked against each other (1e-5).

Run: ``python benchmarks/bench_import_graph.py [--threads 2] [--quick] [--loads 5]``.
Targets (issue 17): import + first run <= 0.5x TF's time; steady inference >= 1.3x TF's speed.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time

import common

if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--child":
    ARGS = None
else:
    ARGS = common.setup(__doc__, extra=lambda p: p.add_argument("--loads", type=int, default=5))

import numpy as np

OURS = "tflite_core"
TF = "TF 2.21 compat.v1"
INPUT, OUTPUT = "DecodeJpeg/contents:0", "softmax:0"


def _load_and_first_run(lib: str, graph: str, jpeg: str) -> tuple[float, np.ndarray, object]:
    """(seconds, probabilities, a function running the session again) for TF's flow."""
    if lib == "tf":
        import tensorflow as real_tf

        tf = real_tf.compat.v1
        tf.disable_eager_execution()
    else:
        import tflite_core as tf
    with open(jpeg, "rb") as f:
        data = f.read()
    t0 = time.perf_counter()
    with open(graph, "rb") as f:
        gd = tf.GraphDef()
        gd.ParseFromString(f.read())
    g = tf.Graph()
    with g.as_default():
        tf.import_graph_def(gd, name="")
    sess = tf.Session(graph=g)
    softmax = g.get_tensor_by_name(OUTPUT)
    probs = sess.run(softmax, {INPUT: data})
    seconds = time.perf_counter() - t0
    return seconds, probs, lambda: sess.run(softmax, {INPUT: data})


def _child(lib: str, graph: str, jpeg: str, out: str) -> int:
    if lib == "tf":
        import tensorflow  # noqa: F401  (imported before the clock starts)
    else:
        import tflite_core  # noqa: F401
    seconds, probs, _ = _load_and_first_run(lib, graph, jpeg)
    np.save(out, probs)
    print(f"{seconds:.6f}")
    return 0


def _make_files(d: str, tf) -> tuple[str, str]:
    """The frozen graph (TF's) and the photo."""
    import skimage.data
    from PIL import Image

    from tflite_core.applications import efficientnet_lite

    jpeg = os.path.join(d, "chelsea.jpg")
    buf = io.BytesIO()
    Image.fromarray(skimage.data.chelsea()).save(buf, "JPEG", quality=90)
    with open(jpeg, "wb") as f:
        f.write(buf.getvalue())
    T = tf.compat.v1
    g = tf.Graph()
    with g.as_default():
        efficientnet_lite.build_jpeg_classifier(T, efficientnet_lite.load_weights(), variables=True)
        with T.Session(graph=g) as sess:
            sess.run(T.global_variables_initializer())
            gd = T.graph_util.convert_variables_to_constants(sess, g.as_graph_def(), ["softmax"])
    graph = os.path.join(d, "frozen.pb")
    with open(graph, "wb") as f:
        f.write(gd.SerializeToString())
    return graph, jpeg


def _loads(libs: list[str], graph: str, jpeg: str, d: str) -> dict[str, list[float]]:
    """Seconds of import + first run, one fresh process each, alternating libraries."""
    times: dict[str, list[float]] = {lib: [] for lib in libs}
    for i in range(ARGS.loads):
        for lib in libs if i % 2 == 0 else libs[::-1]:
            out = os.path.join(d, f"probs_{lib}.npy")
            cmd = [sys.executable, __file__, "--child", lib, graph, jpeg, out]
            res = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=600)
            times[lib].append(float(res.stdout.split()[-1]))
    return times


def main() -> int:
    import tflite_core

    threads = ARGS.threads
    tflite_core.set_num_threads(threads)
    tf = common.optional_import("tensorflow")
    if tf is None:
        common.skip(TF, "tensorflow is not installed: the frozen graph is TF's")
        return common.finish()
    tf.get_logger().setLevel("ERROR")
    d = tempfile.mkdtemp(prefix="bench_import_graph_")
    graph, jpeg = _make_files(d, tf)
    vers = common.versions(tflite_core.__version__)
    common.header("A frozen TF graph: EfficientNet-Lite0 behind a JPEG front, 1 image", vers)
    libs = ["ours", "tf"]
    times = _loads(libs, graph, jpeg, d)
    first = {lib: statistics.median(ts) for lib, ts in times.items()}
    for lib, name in (("ours", OURS), ("tf", TF)):
        runs = ", ".join(f"{t * 1e3:.0f}" for t in times[lib])
        common.note(f"- import + first run, {name}: {first[lib] * 1e3:.0f} ms (runs: {runs})")
    common.check(OURS, "first-run probabilities vs TF's", lambda: np.testing.assert_allclose(
        np.load(os.path.join(d, "probs_ours.npy")), np.load(os.path.join(d, "probs_tf.npy")),
        rtol=0, atol=1e-5))  # fmt: skip
    _, want, tf_run = _load_and_first_run("tf", graph, jpeg)
    _, _, our_run = _load_and_first_run("ours", graph, jpeg)
    cases = [
        common.Case(f"{OURS} Session.run", "1 image", our_run, common.TFLITE),
        common.Case(f"{TF} Session.run", "1 image", tf_run, common.REFERENCE),
    ]
    common.measure(cases)
    common.check(OURS, "steady probabilities vs TF's", lambda: np.testing.assert_allclose(
        our_run(), want, rtol=0, atol=1e-5))  # fmt: skip
    common.report(cases, {"1 image": cases[0].impl}, unit="ms")
    common.target("import + first run, tflite_core / TF (x)", first["ours"] / first["tf"], 0.5)
    if cases[0].kept and cases[1].kept:
        speed = cases[1].median / cases[0].median
        common.target("steady inference, TF time / tflite_core time (x)", speed, 1.3, False)
    return common.finish()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.exit(_child(*sys.argv[2:6]))
    sys.exit(main())
