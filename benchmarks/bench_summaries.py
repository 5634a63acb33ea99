"""A training loop that logs summaries every step, side by side with TF compat.v1: an MLP
64-128-128-128-64-10 (batch 32, ReLU, softmax cross-entropy, SGD) whose step runs the train op and
``merge_all`` of 14 ``tf.summary.histogram`` (the 10 weights and biases, the 4 hidden activations)
and 2 ``tf.summary.scalar`` (loss, accuracy), then ``FileWriter.add_summary`` of the merged bytes.
The same code runs on tflite_core and on TF's ``compat.v1``, each with its own FileWriter.

Steps: **train + 16 summaries** (the loop above) and **train only** (the same graph, the train op
alone: what the summaries cost on top). After timing, one step of each library on a fresh graph
is checked: the merged ``Summary`` has the 16 tags in the same order, and the histograms of the
(identical) initial weights are equal to TF's, field by field.

``--events-out FILE``: also run 5 fixed steps on tflite_core with ``time.time`` pinned and write
that event file's bytes to FILE (its SHA-256 is printed), so that two versions of the library can
be compared byte for byte.

Run: ``python benchmarks/bench_summaries.py [--threads 2] [--quick] [--events-out FILE]``.
Target: tflite_core's train + 16 summaries step >= 2x TF compat.v1's speed.
"""

from __future__ import annotations

import glob
import hashlib
import os
import sys
import tempfile
from unittest import mock

import common


def _options(p):
    p.add_argument("--events-out", default="", help="write a fixed run's event file here")


ARGS = common.setup(__doc__, extra=_options)

import numpy as np

import tflite_core

LR = 0.05
SIZES = [64, 128, 128, 128, 64, 10]
BATCH = 32
STEPS = ("train + 16 summaries", "train only")


def _params0():
    rng = np.random.default_rng(0)
    out = []
    for a, b in zip(SIZES, SIZES[1:]):
        out += [
            (rng.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype(np.float32),
            (rng.standard_normal(b) * 0.01).astype(np.float32),
        ]
    return out


def _batch(seed: int):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    y = np.eye(SIZES[-1], dtype=np.float32)[rng.integers(0, SIZES[-1], BATCH)]
    return x, y


PARAMS0 = _params0()
X, Y = _batch(1)


def build(m):
    """(graph, x, labels, train_op, merged summary) on module ``m`` (tflite_core or compat.v1)."""
    g = m.Graph()
    with g.as_default():
        x = m.placeholder(m.float32, [None, SIZES[0]], name="x")
        labels = m.placeholder(m.float32, [None, SIZES[-1]], name="labels")
        h = x
        n_layers = len(SIZES) - 1
        for i in range(n_layers):
            with m.name_scope(f"layer{i}"):
                w = m.Variable(PARAMS0[2 * i], name="weights")
                b = m.Variable(PARAMS0[2 * i + 1], name="biases")
                m.summary.histogram("weights", w)
                m.summary.histogram("biases", b)
                h = m.matmul(h, w) + b
                if i < n_layers - 1:
                    h = m.nn.relu(h)
                    m.summary.histogram("activations", h)
        loss = m.reduce_mean(m.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=h))
        correct = m.equal(m.argmax(h, 1), m.argmax(labels, 1))
        accuracy = m.reduce_mean(m.cast(correct, m.float32))
        m.summary.scalar("loss", loss)
        m.summary.scalar("accuracy", accuracy)
        train_op = m.train.GradientDescentOptimizer(LR).minimize(loss)
        merged = m.summary.merge_all()
        init = m.global_variables_initializer()
    return g, x, labels, train_op, merged, init


def session(m, config):
    g, x, labels, train_op, merged, init = build(m)
    sess = m.Session(graph=g, config=config)
    sess.run(init)
    return sess, {x: X, labels: Y}, train_op, merged


def fixed_run(path: str) -> str:
    """5 steps on tflite_core, 1 thread (the matmuls' splits follow the threads, which follow the
    machine's load), with ``time.time`` pinned; the event file's bytes go to ``path``. Returns
    their SHA-256."""
    tflite_core.set_num_threads(1)
    sess, feed, train_op, merged = session(tflite_core, None)
    with tempfile.TemporaryDirectory() as d, mock.patch("time.time", return_value=1.7e9):
        writer = tflite_core.summary.FileWriter(d)
        for step in range(5):
            _, s = sess.run([train_op, merged], feed)
            writer.add_summary(s, step)
        writer.close()
        (name,) = glob.glob(os.path.join(d, "events.out.tfevents.*"))
        with open(name, "rb") as f:
            data = f.read()
    with open(path, "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


def build_merged_only(m):
    """The merged summary of a fresh graph (fed the fixed batch), run before any train step."""
    g, x, labels, _, merged, init = build(m)
    sess = m.Session(graph=g)
    sess.run(init)
    return sess.run(merged, {x: X, labels: Y})


def main() -> int:
    threads = ARGS.threads
    if ARGS.events_out:
        digest = fixed_run(ARGS.events_out)
        common.note(f"- fixed run's event file: {ARGS.events_out}, sha256 {digest}")
    impls = common.graph_libraries(threads, tflite_core)
    cases, baseline, writers, dirs = [], {}, [], []
    for label, kind, m, config in impls:
        sess, feed, train_op, merged = session(m, config)
        d = tempfile.TemporaryDirectory()
        dirs.append(d)
        with sess.graph.as_default():  # TF's v1 FileWriter refuses eager mode
            writer = m.summary.FileWriter(d.name, max_queue=10, flush_secs=120)
        writers.append(writer)

        def logged(s=sess, f=feed, t=train_op, mg=merged, w=writer):
            _, summ = s.run([t, mg], f)
            w.add_summary(summ, 0)

        cases.append(common.Case(label, STEPS[0], logged, kind))
        cases.append(
            common.Case(label, STEPS[1], lambda s=sess, f=feed, t=train_op: s.run(t, f), kind)
        )
        for step in STEPS:
            baseline[step] = "tflite_core"
    vers = common.versions(f"{tflite_core.__version__} ({tflite_core._core.matmul_backend()})")
    common.header(
        "MLP 64-128-128-128-64-10, batch 32, SGD, logging 14 histograms + 2 scalars a step "
        "(merge_all + FileWriter.add_summary), ms/step",
        vers,
    )
    common.measure(cases)
    for w in writers:
        w.close()
    if len(impls) > 1:
        compat = impls[1][2]  # TF's compat.v1

        def check():
            ours = tflite_core.Summary.FromString(build_merged_only(tflite_core))
            theirs = compat.Summary.FromString(build_merged_only(compat))
            assert [v.tag for v in ours.value] == [v.tag for v in theirs.value]
            for a, b in zip(ours.value, theirs.value):
                if a.tag.endswith(("weights", "biases")):
                    want = b.histo.SerializeToString()
                    assert a.histo.SerializeToString() == want, a.tag

        common.check(
            "tflite_core", "merged summary (tags, initial weights' histograms) vs TF", check
        )
    common.report(cases, baseline, unit="ms")
    by = {(c.impl, c.step): c.median for c in cases if c.kept}
    if ("TF compat.v1", STEPS[0]) in by:
        for label in ("tflite_core", "TF compat.v1"):
            cost = by[(label, STEPS[0])] - by[(label, STEPS[1])]
            common.note(
                f"- {label}: the 16 summaries and add_summary cost {cost * 1e3:.3g} ms a step"
            )
        common.target(
            "tflite_core train + 16 summaries >= 2x TF compat.v1 (time TF / time tflite_core)",
            by[("TF compat.v1", STEPS[0])] / by[("tflite_core", STEPS[0])],
            2.0,
            at_most=False,
        )
    for d in dirs:
        d.cleanup()
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
