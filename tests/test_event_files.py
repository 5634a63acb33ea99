"""Event files: TFRecord framing with masked CRC-32C, read back by TensorFlow's own reader; the
writer's queue, background flushing, close/reopen and the graph event."""

import glob
import os
import time
from pathlib import Path

import numpy as np
import pytest

import tflite_core as tf
from tflite_core import errors


@pytest.fixture(scope="module")
def T():
    import tensorflow

    return tensorflow


def _event_files(logdir):
    return sorted(glob.glob(os.path.join(logdir, "events.out.tfevents.*")))


def _write_run(logdir, steps=5):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [], name="value")
        tf.summary.scalar("x", x)
        tf.summary.histogram("xs", tf.fill([4], x) * tf.constant([1.0, -1.0, 2.0, 0.0]))
        merged = tf.summary.merge_all()
        with tf.Session() as sess, tf.summary.FileWriter(logdir, sess.graph) as w:
            for step in range(steps):
                w.add_summary(sess.run(merged, {x: step * 0.5}), global_step=step)
    return g


def test_tensorflow_reads_our_event_file(tmp_path, T):
    g = _write_run(str(tmp_path))
    (path,) = _event_files(str(tmp_path))
    ours = list(tf.train.summary_iterator(path))
    theirs = list(T.compat.v1.train.summary_iterator(path))  # checks both CRCs of every record
    assert [e.SerializeToString() for e in ours] == [e.SerializeToString() for e in theirs]
    assert theirs[0].file_version == "brain.Event:2"
    gd = T.compat.v1.GraphDef.FromString(theirs[1].graph_def)
    assert [n.name for n in gd.node] == [op.name for op in g.get_operations()]
    scalars = [(e.step, v.simple_value) for e in theirs for v in e.summary.value if v.tag == "x"]
    assert scalars == [(s, s * 0.5) for s in range(5)]


def test_framing_is_tfrecord_with_masked_crc32c(tmp_path):
    from tflite_core import _core
    from tflite_core.io.event_writer import tfrecord

    rec = tfrecord(b"hello")
    assert rec[:8] == (5).to_bytes(8, "little") and rec[12:17] == b"hello" and len(rec) == 21
    crc = _core.crc32c(b"hello")
    assert int.from_bytes(rec[17:], "little") == (((crc >> 15) | (crc << 17)) + 0xA282EAD8) % 2**32
    assert _core.crc32c_unmask(int.from_bytes(rec[17:], "little")) == crc


@pytest.mark.bad_input
@pytest.mark.parametrize("where", ["length_crc", "data", "data_crc"])
def test_a_flipped_byte_is_data_loss(tmp_path, T, where):
    _write_run(str(tmp_path), steps=2)
    (path,) = _event_files(str(tmp_path))
    data = bytearray(Path(path).read_bytes())
    n = int.from_bytes(data[:8], "little")
    data[{"length_crc": 9, "data": 12 + n // 2, "data_crc": 12 + n + 1}[where]] ^= 0x10
    Path(path).write_bytes(bytes(data))
    with pytest.raises(errors.DataLossError, match="corrupted record at 0"):
        list(tf.train.summary_iterator(path))
    with pytest.raises(T.errors.DataLossError):
        list(T.compat.v1.train.summary_iterator(path))


@pytest.mark.bad_input
def test_truncated_file_is_data_loss(tmp_path):
    _write_run(str(tmp_path), steps=2)
    (path,) = _event_files(str(tmp_path))
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[:-3])
    with pytest.raises(errors.DataLossError, match="truncated record"):
        list(tf.train.summary_iterator(path))


def test_a_truncated_last_record_is_read_as_tensorflow_reads_it(tmp_path, T):
    # cut inside the last record's 12-byte header: the file ends there; cut later: DataLossError
    _write_run(str(tmp_path), steps=2)
    (path,) = _event_files(str(tmp_path))
    data = Path(path).read_bytes()
    starts, pos = [], 0
    while pos < len(data):
        starts.append(pos)
        pos += 16 + int.from_bytes(data[pos : pos + 8], "little")
    last = len(data) - starts[-1]
    outcomes = set()
    for cut in range(1, last + 1):
        Path(path).write_bytes(data[:-cut])
        got = []
        for it in (tf.train.summary_iterator, T.compat.v1.train.summary_iterator):
            try:
                got.append(sum(1 for _ in it(path)))
            except (errors.DataLossError, T.errors.DataLossError) as e:
                got.append(type(e).__name__)
        assert got[0] == got[1], (cut, got)
        outcomes.add(got[0])
    assert outcomes == {"DataLossError", len(starts) - 1}  # both cases were seen


def _count_events(logdir):
    return sum(1 for p in _event_files(logdir) for _ in tf.train.summary_iterator(p))


def test_queue_is_written_when_full_and_by_the_background_flush(tmp_path):
    d1, d2 = str(tmp_path / "full"), str(tmp_path / "timed")
    s = tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=1.0)])
    w = tf.summary.FileWriter(d1, max_queue=3, flush_secs=1000)
    w.add_summary(s, 1)
    w.add_summary(s, 2)
    assert _count_events(d1) == 1  # only the file version so far
    w.add_summary(s, 3)
    assert _count_events(d1) == 4
    w.close()
    w2 = tf.summary.FileWriter(d2, flush_secs=0.05)
    w2.add_summary(s, 1)
    deadline = time.monotonic() + 10
    while _count_events(d2) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _count_events(d2) == 2  # written without flush() or close()
    w2.close()


def test_close_reopen_and_closed_writer_drops_events(tmp_path):
    d = str(tmp_path)
    s = tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=2.0)])
    w = tf.summary.FileWriter(d)
    w.add_summary(s.SerializeToString(), 0)
    w.close()
    w.add_summary(s, 1)  # dropped, as in TensorFlow
    w.close()  # closing twice is fine
    assert _count_events(d) == 2
    w.reopen()
    w.add_summary(s, 2)
    w.flush()
    assert len(_event_files(d)) == 2 and _count_events(d) == 4
    w.close()
    assert w.get_logdir() == d


@pytest.mark.bad_input
def test_old_summary_writer_takes_the_graph_def(tmp_path):
    g = tf.Graph()
    with g.as_default():
        tf.nn.relu(tf.placeholder("float", [1, 3], name="x"), name="r")
        sess = tf.Session()
        w = tf.train.SummaryWriter(str(tmp_path), sess.graph_def)
        w.close()
        with pytest.raises(ValueError, match="only graph or graph_def"):
            tf.summary.FileWriter(str(tmp_path / "b"), sess.graph, graph_def=sess.graph_def)
        with pytest.raises(TypeError):
            tf.summary.FileWriter(str(tmp_path / "c"), graph=42)
    (path,) = _event_files(str(tmp_path))
    events = list(tf.train.summary_iterator(path))
    gd = tf.GraphDef.FromString(events[1].graph_def)
    assert [(n.name, n.op) for n in gd.node] == [("x", "Placeholder"), ("r", "Relu")]


def test_histogram_event_values(tmp_path):
    rng = np.random.default_rng(0)
    vals = rng.standard_normal(50).astype(np.float32)
    g = tf.Graph()
    with g.as_default():
        h = tf.summary.histogram("h", tf.constant(vals))
        with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path)) as w:
            w.add_summary(sess.run(h), 7)
    (path,) = _event_files(str(tmp_path))
    ev = list(tf.train.summary_iterator(path))[1]
    assert ev.step == 7
    histo = ev.summary.value[0].histo
    assert histo.num == 50 and histo.min == vals.min() and histo.max == vals.max()


def test_write_graph_text_and_binary(tmp_path, T):
    g = tf.Graph()
    with g.as_default():
        tf.nn.relu(tf.placeholder("float", [1, 3], name="x"), name="r")
    from google.protobuf import text_format

    text = tf.train.write_graph(g, str(tmp_path), "g.pbtxt")
    binary = tf.train.write_graph(g.as_graph_def(), str(tmp_path), "g.pb", as_text=False)
    theirs = text_format.Parse(Path(text).read_text(), T.compat.v1.GraphDef())
    assert [(n.name, n.op) for n in theirs.node] == [("x", "Placeholder"), ("r", "Relu")]
    assert T.compat.v1.GraphDef.FromString(Path(binary).read_bytes()) == theirs


def test_importing_the_package_does_not_load_the_protobuf_modules():
    import subprocess
    import sys

    code = "import sys, tflite_core; print('tensorboardX' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_add_summary_takes_tensorflows_own_summary_class(tmp_path, T):
    theirs = T.compat.v1.Summary(value=[T.compat.v1.Summary.Value(tag="t", simple_value=2.5)])
    with tf.summary.FileWriter(str(tmp_path)) as w:
        w.add_summary(theirs, 4)
    (path,) = _event_files(str(tmp_path))
    ev = list(tf.train.summary_iterator(path))[1]
    assert (ev.step, ev.summary.value[0].tag, ev.summary.value[0].simple_value) == (4, "t", 2.5)
