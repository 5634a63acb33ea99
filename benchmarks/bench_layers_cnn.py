"""tf.layers CNN training step side by side (tflite_core vs TF compat.v1 running identical code),
and the cost of a MonitoredTrainingSession with four hooks over a bare Session.run loop.

The model is ``examples/digits_layers_cnn.py``'s: conv-bn-relu-pool twice, dense, batch 64 of the
digits upscaled to 28x28, sparse softmax cross-entropy, Adam after the batch-norm UPDATE_OPS.
``build(tf)`` is the same function for both libraries. Every step is fed the same batch.

The hooks row runs the same train op through ``tf.train.MonitoredTrainingSession`` with
StopAtStepHook, CheckpointSaverHook (every 500 steps), SummarySaverHook (every 100 steps, the loss
scalar) and LoggingTensorHook (every 100 steps); its figure is per step, checkpoint and summary
costs included (amortised over their periods).

Run: ``python benchmarks/bench_layers_cnn.py [--threads 1] [--quick]``.
Targets: TF compat.v1 train step >= 1.5x tflite_core's; hooks loop <= 1.10x the bare loop.
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

import common

ARGS = common.setup(__doc__)
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # TF 2.21's compat.v1.layers needs Keras 2
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))

import digits_layers_cnn as model
import numpy as np

import tflite_core

BATCH = 64


def _feed():
    x_train, _, y_train, _ = model.data(0)
    return x_train[:BATCH], y_train[:BATCH]


X, Y = _feed()


def graph_train_step(tfm, config, values=None):
    """A session of ``tfm`` (tflite_core or TF's compat.v1) with the model built, its variables
    set to ``values`` (by name) when given; returns a step function and the initial values."""
    graph = tfm.Graph()
    with graph.as_default():
        images, labels, training, loss, train_op, _ = model.build(tfm, 0)
        sess = tfm.Session(graph=graph, config=config)
        sess.run(tfm.global_variables_initializer())
        variables = tfm.global_variables()
        for v in variables if values else []:
            v.load(values[v.op.name], sess)
        initial = dict(zip([v.op.name for v in variables], sess.run(variables)))
    feed = {images: X, labels: Y, training: True}

    def step():
        return sess.run([train_op, loss], feed)[1]

    return step, initial


def monitored_step(tfm, config, logdir):
    """The same train op inside ``MonitoredTrainingSession`` with the four hooks."""
    graph = tfm.Graph()
    with graph.as_default():
        images, labels, training, loss, train_op, _ = model.build(tfm, 0)
        tfm.summary.scalar("loss", loss)
        hooks = [
            tfm.train.StopAtStepHook(last_step=10**9),
            tfm.train.LoggingTensorHook({"loss": loss}, every_n_iter=100),
        ]
        sess = tfm.train.MonitoredTrainingSession(
            checkpoint_dir=logdir,
            hooks=hooks,
            save_checkpoint_steps=500,
            save_summaries_steps=100,
            log_step_count_steps=None,
            config=config,
        )
    feed = {images: X, labels: Y, training: True}
    return lambda: sess.run([train_op, loss], feed)[1]


def main() -> int:
    threads = ARGS.threads
    tflite_core.set_num_threads(threads)
    tflite_core.logging.set_verbosity(tflite_core.logging.WARN)
    ours_cfg = tflite_core.ConfigProto(intra_op_parallelism_threads=threads)
    bare, values = graph_train_step(tflite_core, ours_cfg)
    cases = [common.Case("tflite_core Session.run", "train step", bare, common.TFLITE)]
    tf = common.optional_import("tensorflow")
    if tf is not None and common.wanted("TF compat.v1"):
        tf.get_logger().setLevel("ERROR")
        cfg = tf.compat.v1.ConfigProto(
            intra_op_parallelism_threads=threads, inter_op_parallelism_threads=threads
        )
        cases.append(
            common.Case(
                "TF compat.v1 Session.run",
                "train step",
                graph_train_step(tf.compat.v1, cfg, values)[0],
            )
        )
    logdir = tempfile.mkdtemp(prefix="bench_layers_cnn_")
    cases.append(
        common.Case(
            "tflite_core MonitoredTrainingSession + 4 hooks",
            "train step",
            monitored_step(tflite_core, ours_cfg, logdir),
            common.TFLITE,
        )
    )
    vers = common.versions(f"{tflite_core.__version__} ({tflite_core._core.matmul_backend()})")
    common.header("tf.layers CNN (conv-bn-relu-pool x2, dense), batch 64, 28x28, Adam", vers)
    losses = {c.impl: c.fn() for c in cases[:2]}
    if len(losses) == 2:
        common.check(
            "TF compat.v1 Session.run",
            "first-step loss vs tflite_core (same initial variables)",
            lambda: np.testing.assert_allclose(*losses.values(), rtol=1e-4),
        )
    common.measure(cases)
    common.report(cases, {"train step": "tflite_core Session.run"}, unit="ms")
    by = {c.impl: c for c in cases}
    tf_case = by.get("TF compat.v1 Session.run")
    if tf_case is not None:
        common.target(
            "TF compat.v1 / tflite_core train step >= 1.5",
            tf_case.median / by["tflite_core Session.run"].median,
            1.5,
            at_most=False,
        )
    common.target(
        "MonitoredTrainingSession + 4 hooks / bare Session.run <= 1.10",
        by["tflite_core MonitoredTrainingSession + 4 hooks"].median
        / by["tflite_core Session.run"].median,
        1.10,
    )
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
