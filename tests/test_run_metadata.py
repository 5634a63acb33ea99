"""``tf.RunOptions`` / ``tf.RunMetadata``: TensorFlow's messages (the bytes parse with TF 2.21's
own classes), and ``Session.run(options=FULL_TRACE, run_metadata=...)`` filling
``step_stats`` that TF's timeline reads."""

from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as real_tf
from tensorflow.python.client import timeline

import tflite_core as tf

T = real_tf.compat.v1


def test_messages_have_tf_fields_and_bytes():
    for level in ("NO_TRACE", "SOFTWARE_TRACE", "HARDWARE_TRACE", "FULL_TRACE"):
        assert getattr(tf.RunOptions, level) == getattr(T.RunOptions, level)
    ours = tf.RunOptions(
        trace_level=tf.RunOptions.FULL_TRACE,
        timeout_in_ms=250,
        inter_op_thread_pool=1,
        output_partition_graphs=True,
        report_tensor_allocations_upon_oom=True,
    )
    theirs = T.RunOptions.FromString(ours.SerializeToString())
    assert theirs.trace_level == T.RunOptions.FULL_TRACE and theirs.timeout_in_ms == 250
    assert theirs.report_tensor_allocations_upon_oom
    assert T.RunOptions(trace_level=3, timeout_in_ms=250).SerializeToString() == (
        tf.RunOptions(trace_level=3, timeout_in_ms=250).SerializeToString()
    )


def _traced(sess, fetch, feeds):
    md = tf.RunMetadata()
    opts = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    return sess.run(fetch, feeds, options=opts, run_metadata=md), md


def test_full_trace_fills_step_stats():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        w = tf.Variable(tf.ones([3, 2]), name="w")
        h = tf.nn.relu(tf.matmul(x, w, name="mm"), name="act")
        p = tf.py_func(lambda a: a * 2, [h], tf.float32, name="py")
        loss = tf.reduce_sum(p + 1.0, name="loss")
        step = tf.assign_add(w, tf.ones([3, 2]) * 0.0, name="step")
        with tf.Session() as sess:
            sess.run(w.initializer)
            plain = sess.run(loss, {x: np.ones((2, 3))})
            (value, _), md = _traced(sess, [loss, step], {x: np.ones((2, 3))})
            assert value == plain == 28.0
            (dev,) = md.step_stats.dev_stats
            assert dev.device == "/job:localhost/replica:0/task:0/device:CPU:0"
            names = [n.node_name for n in dev.node_stats]
            for node in ("mm", "act", "py", "loss", "step"):
                assert node in names
            assert names.index("mm") < names.index("act") < names.index("py") < names.index("loss")
            by = {n.node_name: n for n in dev.node_stats}
            assert by["mm"].timeline_label == "mm = MatMul(x, w/read)"
            for n in dev.node_stats:
                assert n.all_start_micros > 1.5e15  # wall clock (after 2017)
                assert (
                    n.all_end_rel_nanos >= 0 and n.op_end_rel_micros == n.all_end_rel_nanos // 1000
                )
            # no trace asked for: the metadata is left alone
            md2 = tf.RunMetadata()
            sess.run(loss, {x: np.ones((2, 3))}, run_metadata=md2)
            assert not md2.step_stats.dev_stats
            # TF's own classes and timeline read it
            theirs = T.RunMetadata.FromString(md.SerializeToString())
            trace = json.loads(timeline.Timeline(theirs.step_stats).generate_chrome_trace_format())
            events = {e["name"] for e in trace["traceEvents"] if e.get("ph") == "X"}
            assert {"MatMul", "Relu", "PyFunc"} <= events


def test_tracing_a_failing_run_raises_as_usual():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None])
        check = tf.assert_positive(x)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="did not hold"):
                _traced(sess, check, {x: [-1.0]})
            _, md = _traced(sess, check, {x: [1.0]})
            assert any("Assert" in n.node_name for n in md.step_stats.dev_stats[0].node_stats)


def test_run_metadata_goes_into_event_files(tmp_path):
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [2])  # (fed: constants would be folded, no steps)
        y = tf.reduce_sum(x * x)
        with tf.Session() as sess:
            _, md = _traced(sess, y, {x: [1.0, 2.0]})
        writer = tf.summary.FileWriter(str(tmp_path), g)
        writer.add_run_metadata(md, "step1", global_step=1)
        writer.close()
    events = [
        e
        for f in tmp_path.iterdir()
        for e in real_tf.compat.v1.train.summary_iterator(str(f))
        if e.HasField("tagged_run_metadata")
    ]
    (e,) = events
    assert e.tagged_run_metadata.tag == "step1"
    parsed = T.RunMetadata.FromString(e.tagged_run_metadata.run_metadata)
    assert len(parsed.step_stats.dev_stats[0].node_stats) >= 1
