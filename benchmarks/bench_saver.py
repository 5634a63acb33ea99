"""Checkpoint save and restore of 100 MB of variables, side by side: tflite_core and TF's Saver.

25 float32 variables of 1000 x 1000 (100 MB), saved with ``saver.save(sess, prefix)`` (the V2
format: ``prefix.index`` + ``prefix.data-00000-of-00001``, and the ``checkpoint`` file) without
and with the ``.meta`` graph, and restored with ``saver.restore(sess, prefix)`` into a session
whose variables are initialised (so every restore overwrites them). tflite_core and TensorFlow
2.21's ``compat.v1`` Saver run in one process, interleaved, each writing to its own directory
under ``--dir`` (the same file system), so the files stay in the page cache: the figures are
the cost of the libraries over a warm cache, not of the disk. After timing, each implementation
saves distinct values, restores them into a fresh session and must read back the same bytes.

Run: ``python benchmarks/bench_saver.py [--dir DIR] [--quick]``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

import common

ARGS = common.setup(
    __doc__,
    extra=lambda p: p.add_argument(
        "--dir", default="", help="directory for the checkpoints (default: a temporary one)"
    ),
)

import numpy as np

import tflite_core

N_VARS, SHAPE = 25, (1000, 1000)
MB = N_VARS * SHAPE[0] * SHAPE[1] * 4 / 1e6


def _values(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(SHAPE).astype(np.float32) for _ in range(N_VARS)]


def graph_impl(label: str, kind: str, tfm, directory: str):
    """(label, kind, save, save_with_meta, restore, check) for a TF 1.x graph-mode library."""
    g = tfm.Graph()
    with g.as_default():
        # fill: a small graph, so the .meta holds no 100 MB constant (TF's zeros does the same)
        variables = [
            tfm.Variable(tfm.fill(list(SHAPE), 0.0), name=f"layer{i}/kernel") for i in range(N_VARS)
        ]
        placeholders = [tfm.placeholder(tfm.float32, SHAPE) for _ in variables]
        assign = tfm.group(*[v.assign(p) for v, p in zip(variables, placeholders)])
        saver = tfm.train.Saver()
    sess = tfm.Session(graph=g)
    sess.run(assign, dict(zip(placeholders, _values(1))))
    prefix = os.path.join(directory, "model")

    def in_graph(fn):  # TF's Saver works on the default graph (eager otherwise)
        def run():
            with g.as_default():
                return fn()

        return run

    def check():
        want = _values(2)
        sess.run(assign, dict(zip(placeholders, want)))
        saved = saver.save(sess, prefix)
        fresh = tfm.Session(graph=g)
        saver.restore(fresh, saved)
        for v, w in zip(fresh.run(variables), want):
            np.testing.assert_array_equal(v.view(np.uint32), w.view(np.uint32))
        fresh.close()

    return (
        label,
        kind,
        in_graph(lambda: saver.save(sess, prefix, write_meta_graph=False)),
        in_graph(lambda: saver.save(sess, prefix)),
        in_graph(lambda: saver.restore(sess, prefix)),
        in_graph(check),
    )


def main() -> int:
    directory = ARGS.dir or tempfile.mkdtemp(prefix="bench_saver_")
    tflite_core.set_num_threads(ARGS.threads)
    impls = [
        graph_impl(
            "tflite_core Saver", common.TFLITE, tflite_core, os.path.join(directory, "tflite")
        )
    ]
    os.makedirs(os.path.join(directory, "tflite"), exist_ok=True)
    tf = common.optional_import("tensorflow")
    if tf is not None and common.wanted("TF compat.v1"):
        tf.get_logger().setLevel("ERROR")
        os.makedirs(os.path.join(directory, "tf"), exist_ok=True)
        impls.append(
            graph_impl(
                "TF compat.v1 Saver", common.REFERENCE, tf.compat.v1, os.path.join(directory, "tf")
            )
        )
    versions = {"tflite_core": tflite_core.__version__, "numpy": np.__version__}
    if tf is not None:
        versions["tensorflow"] = tf.__version__
    common.header(f"Saver: 25 float32 variables of 1000x1000 ({MB:.0f} MB), page cache", versions)
    for _, _, save, _, restore, _ in impls:  # write the files once: restores read warm files
        save()
        restore()
    cases = []
    for label, kind, save, save_meta, restore, _ in impls:
        cases += [
            common.Case(label, "save", save, kind),
            common.Case(label, "save + .meta", save_meta, kind),
            common.Case(label, "restore", restore, kind),
        ]
    common.measure(cases)
    for label, _, _, _, _, check in impls:
        common.check(label, "save, then restore into a new session: same bytes", check)
    base = impls[0][0]
    common.report(
        cases,
        {c.step: base for c in cases},
        unit="ms",
        value=lambda c: MB / c.median,
        value_name="MB/s",
    )
    if not ARGS.dir:
        shutil.rmtree(directory, ignore_errors=True)
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
