"""TensorBoard reads our event files: the real ``tensorboard`` package's ``EventAccumulator``, and a
``tensorboard --logdir`` server on 127.0.0.1 queried through its HTTP API."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest

import tflite_core as tf

STEPS = 12


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The tutorial's slide-28 loop: a scalar and a histogram per step, and the graph."""
    logdir = str(tmp_path_factory.mktemp("logs"))
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(5)
        x = tf.placeholder("float", [1, 3], name="x")
        answer = tf.constant([[0.0, 1.0, 0.0]])
        with tf.name_scope("relu"):
            w = tf.Variable(tf.random_normal([3, 3]), name="w")
            relu = tf.nn.relu(tf.matmul(x, w))
        with tf.name_scope("softmax"):
            sw = tf.Variable(tf.random_normal([3, 3]), name="w")
            logits = tf.matmul(relu, sw)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=answer))
        tf.scalar_summary("loss", loss)
        tf.histogram_summary("relu/w", w)
        merged = tf.merge_all_summaries()
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        losses, weights = [], []
        with tf.Session() as sess:
            writer = tf.train.SummaryWriter(logdir, sess.graph)
            graph_ops = [n.name for n in g.as_graph_def().node]  # (TF's Const inputs too)
            sess.run(tf.initialize_all_variables())
            for step in range(STEPS):
                loss_v, w_v = sess.run([loss, w], {x: [[1.0, 2.0, 3.0]]})
                _, summ = sess.run([train, merged], {x: [[1.0, 2.0, 3.0]]})
                losses.append(float(loss_v))
                weights.append(w_v)
                writer.add_summary(summ, step)
            writer.close()
    return {"logdir": logdir, "losses": losses, "weights": weights, "graph_ops": graph_ops}


def test_event_accumulator_reads_scalars_histograms_and_graph(run):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(run["logdir"], size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    tags = acc.Tags()
    assert tags["scalars"] == ["loss"] and tags["histograms"] == ["relu/w"] and tags["graph"]
    scalars = acc.Scalars("loss")
    assert [s.step for s in scalars] == list(range(STEPS))
    np.testing.assert_allclose([s.value for s in scalars], run["losses"], rtol=1e-6)
    assert run["losses"][-1] < run["losses"][0]  # it trained
    histos = acc.Histograms("relu/w")
    assert [h.step for h in histos] == list(range(STEPS))
    for h, w in zip(histos, run["weights"]):
        v = h.histogram_value
        assert v.num == 9 and v.min == w.min() and v.max == w.max()
        assert v.sum == pytest.approx(float(w.astype(np.float64).sum()), rel=1e-6)
    nodes = acc.Graph().node
    assert [n.name for n in nodes] == run["graph_ops"]
    names = {n.name: n.op for n in nodes}
    assert names["relu/MatMul"] == "MatMul" and names["softmax/MatMul"] == "MatMul"
    assert names["relu/w"] == "VariableV2" and names["relu/Relu"] == "Relu"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read()


def test_tensorboard_server_serves_our_scalars_and_graph(run, tmp_path):
    port = _free_port()
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
    cmd = [
        sys.executable,
        "-m",
        "tensorboard.main",
        "--logdir",
        run["logdir"],
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--reload_interval",
        "1",
        "--load_fast",
        "false",
    ]
    log = open(tmp_path / "tensorboard.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, points = time.monotonic() + 90, None
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "tensorboard.log").read_text()
            try:
                points = json.loads(_get(f"{base}/data/plugin/scalars/scalars?run=.&tag=loss"))
                if len(points) == STEPS:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert points is not None and len(points) == STEPS
        assert [p[1] for p in points] == list(range(STEPS))
        np.testing.assert_allclose([p[2] for p in points], run["losses"], rtol=1e-6)
        runs = json.loads(_get(f"{base}/data/runs"))
        assert runs == ["."]
        graph = _get(f"{base}/data/plugin/graphs/graph?run=.").decode()
        assert 'name: "relu/MatMul"' in graph and 'input: "relu/w/read"' in graph
        assert 'name: "softmax/MatMul"' in graph and 'op: "VariableV2"' in graph
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
    assert proc.returncode is not None
