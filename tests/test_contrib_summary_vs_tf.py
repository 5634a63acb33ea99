"""tf.contrib.summary and tf.summary.initialize side by side with TF 2.21 in graph mode.

TF 1.15's ``tf.contrib.summary`` re-exported ``summary_ops_v2``'s legacy functions, which TF 2.21
still has (``create_file_writer``, ``scalar``, ``histogram``, ``image``, ``audio``, ``generic``,
``graph_v1``, ``import_event``, the recording conditions) and ``tf.compat.v1.summary.initialize``.
The same program runs on both; the event files are read back with TF's ``summary_iterator`` and
compared event by event (tags, steps, values, plugin metadata; wall times left out; PNG images by
their decoded pixels), as are the fetched values, collections and errors.
"""

from __future__ import annotations

import glob
import os
import re
import types

import numpy as np
import pytest
import tensorflow as real_tf
from tensorflow.core.framework import summary_pb2
from tensorflow.core.util import event_pb2
from tensorflow.python.ops import summary_ops_v2 as tf_so
from tensorflow.python.summary.summary_iterator import summary_iterator

import tflite_core as tf
from tflite_core.training import summary_ops_v2 as our_so

T = real_tf.compat.v1
TF_CONTRIB = types.SimpleNamespace(
    create_file_writer=tf_so.create_file_writer,
    scalar=tf_so.scalar,
    histogram=tf_so.histogram,
    image=tf_so.image,
    audio=tf_so.audio,
    generic=tf_so.generic,
    graph=tf_so.graph_v1,
    import_event=tf_so.import_event,
    flush=tf_so.flush,
    always_record_summaries=tf_so.always_record_summaries,
    never_record_summaries=tf_so.never_record_summaries,
    record_summaries_every_n_global_steps=tf_so.record_summaries_every_n_global_steps,
    should_record_summaries=tf_so._legacy_contrib_should_record_summaries,
    all_summary_ops=tf_so.all_v2_summary_ops,
    summary_writer_initializer_op=tf_so.summary_writer_initializer_op,
    initialize=T.summary.initialize,
    eval_dir=tf_so.eval_dir,
)
SIDES = [(T, TF_CONTRIB), (tf, tf.contrib.summary)]


def _events(logdir):
    """The events of the one event file in ``logdir`` (TF's reader): the first (file version)
    apart, the others without wall time, images as decoded pixels, sorted."""
    files = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    assert len(files) == 1, files
    events = list(summary_iterator(files[0]))
    first, rest = events[0], []
    for e in events[1:]:
        e.ClearField("wall_time")
        if e.HasField("graph_def"):
            e.graph_def = b"<graph>" if e.graph_def else b""
        for v in e.summary.value:
            if v.HasField("image"):
                pixels = real_tf.io.decode_png(v.image.encoded_image_string).numpy()
                v.image.encoded_image_string = pixels.tobytes()
        rest.append(str(e))
    return first, sorted(rest)


def _first_event_fields(first):
    return first.file_version, first.source_metadata.writer, first.step


def _both(program, tmp_path):
    """Runs ``program(lib, contrib, logdir)`` with TF and with tflite_core; returns both results
    and both logdirs' events."""
    out = []
    for i, (lib, contrib) in enumerate(SIDES):
        logdir = str(tmp_path / f"side{i}")
        graph = real_tf.Graph() if lib is T else tf.Graph()
        with graph.as_default():
            result = program(lib, contrib, logdir)
        out.append((result, _events(logdir)))
    return out


def _values(x):
    return [np.asarray(v).tolist() for v in x]


def test_scalar_histogram_generic_events_as_tf(tmp_path):
    def program(lib, so, logdir):
        step = lib.train.get_or_create_global_step()
        writer = so.create_file_writer(logdir)
        with writer.as_default(), so.always_record_summaries():
            with lib.name_scope("train"):
                ops = [
                    so.scalar("loss", lib.constant(2.5), family="fam"),
                    so.scalar("loss", lib.constant(7, lib.int64), step=11),
                    so.histogram("w", lib.constant([[1.0, -2.0], [0.0, 3.5]])),
                ]
            ops.append(so.generic("gen", lib.constant([1, 2, 3]), step=4))
            ops.append(so.scalar("x y", lib.constant(1.25, lib.float64)))
            ops.append(so.scalar("py", 3, step=1))  # Python values: Identity/input constants
            ops.append(so.histogram("py_h", [1, 2], step=1))
            ops.append(so.generic("py_g", [[1.5]], step=2))
        names = [t.name for t in ops]
        graph = lib.get_default_graph()
        inputs = [
            graph.get_operation_by_name(f"{n}/Identity").inputs[0].op.name for n in ("py", "py_h")
        ]
        n_ops = len(so.all_summary_ops())
        n_init = len(so.summary_writer_initializer_op())
        with lib.Session() as sess:
            sess.run(step.initializer)
            sess.run(so.summary_writer_initializer_op())
            sess.run(lib.assign(step, 3))
            fetched = [sess.run(t) for t in ops]
            sess.run(lib.assign(step, 5))
            fetched.append(sess.run(ops[0]))
            sess.run(writer.flush())
        return names, inputs, n_ops, n_init, _values(fetched)

    (tf_res, (tf_first, tf_events)), (our_res, (our_first, our_events)) = _both(program, tmp_path)
    assert our_res == tf_res
    assert _first_event_fields(our_first) == _first_event_fields(tf_first)
    assert our_events == tf_events
    assert any('tag: "fam/train/fam/loss"' in e and "step: 5" in e for e in our_events)


def test_recording_conditions_write_what_tf_writes(tmp_path):
    def program(lib, so, logdir):
        step = lib.train.get_or_create_global_step()
        inc = lib.assign_add(step, 1)
        writer = so.create_file_writer(logdir)
        with writer.as_default():
            with so.record_summaries_every_n_global_steps(3):
                every = so.scalar("every3", lib.constant(1.0))
                should = so.should_record_summaries()
            with so.never_record_summaries():
                never = so.scalar("never", lib.constant(2.0))
            default = so.scalar("default", lib.constant(3.0))  # contrib: off unless asked
            default_should = so.should_record_summaries()
        outside = so.should_record_summaries()
        no_writer = so.scalar("no_writer", 1.0)
        fetched = []
        with lib.Session() as sess:
            sess.run(step.initializer)
            with writer.as_default():
                so.initialize(session=sess)
            for _ in range(8):
                fetched.append(sess.run([every, never, default, should, default_should, outside]))
                sess.run(inc)
            sess.run(writer.flush())
        return no_writer.type, [_values(f) for f in fetched]

    (tf_res, (_, tf_events)), (our_res, (_, our_events)) = _both(program, tmp_path)
    assert our_res == tf_res
    assert our_events == tf_events
    assert len(our_events) == 3  # steps 0, 3, 6


def test_image_and_audio_events_as_tf(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (4, 3, 5, 3)).astype(np.float32)
    gray = rng.integers(0, 256, (2, 4, 4, 1)).astype(np.uint8)
    # (samples off the half-way points of the int16 grid: ops.summary_media_ops.encode_wav
    # rounds halves to even, TF's encoder away from zero)
    sound = ((rng.integers(-32000, 32000, (3, 50, 2)) + 0.25) / 32768).astype(np.float32)

    def program(lib, so, logdir):
        writer = so.create_file_writer(logdir, filename_suffix=".x")
        with writer.as_default(), so.always_record_summaries():
            ops = [
                so.image("img", lib.constant(images), step=1),
                so.image("gray", lib.constant(gray), max_images=1, step=2),
                so.audio("snd", lib.constant(sound), 8000, max_outputs=2, step=3),
            ]
        with lib.Session() as sess, writer.as_default():
            so.initialize(session=sess)
            sess.run(ops)
            sess.run(writer.flush())
        return None

    (_, (_, tf_events)), (_, (_, our_events)) = _both(program, tmp_path)
    assert our_events == tf_events
    assert len(our_events) == 3


def test_generic_plugin_metadata_as_tf2_scalar(tmp_path):
    """tf.compat.v2.summary.scalar (the TensorBoard plugin API) writes a tensor with the
    ``scalars`` plugin's metadata: generic() with that metadata writes the same event."""
    tf_dir, our_dir = str(tmp_path / "tf"), str(tmp_path / "ours")
    with real_tf.Graph().as_default():
        x = T.placeholder(real_tf.float32, [])
        with real_tf.summary.create_file_writer(tf_dir).as_default():
            with real_tf.summary.record_if(True):
                op = real_tf.summary.scalar("loss", x, step=9)
            with T.Session() as sess:
                T.summary.initialize(session=sess)
                sess.run(op, {x: 0.75})
                sess.run(real_tf.summary.flush())
    (_, tf_events) = _events(tf_dir)
    tf_event = event_pb2.Event()
    path = glob.glob(os.path.join(tf_dir, "events.*"))[0]
    tf_event = list(summary_iterator(path))[1]
    metadata = tf_event.summary.value[0].metadata
    assert metadata.plugin_data.plugin_name == "scalars"
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [])
        writer = tf.contrib.summary.create_file_writer(our_dir)
        with writer.as_default(), tf.contrib.summary.always_record_summaries():
            op = tf.contrib.summary.generic(
                "loss", x, metadata=metadata.SerializeToString(), step=9
            )
        with tf.Session() as sess, writer.as_default():
            tf.summary.initialize(session=sess)
            sess.run(op, {x: 0.75})
    (_, our_events) = _events(our_dir)
    assert our_events == tf_events
    assert summary_pb2.SummaryMetadata  # (the proto TF reads our metadata with)


def test_initialize_writes_the_graph_once(tmp_path):
    def program(lib, so, logdir):
        writer = so.create_file_writer(logdir)
        with writer.as_default(), so.always_record_summaries():
            op = so.scalar("s", lib.constant(1.0), step=2)
            with lib.Session() as sess:
                so.initialize(graph=lib.get_default_graph())
                so.initialize()  # the writer exists: no second file
                sess.run(op)
                sess.run(writer.flush())
        return None

    (_, (_, tf_events)), (_, (_, our_events)) = _both(program, tmp_path)
    assert our_events == tf_events
    assert len(our_events) == 2
    files = [glob.glob(str(tmp_path / f"side{i}" / "*"))[0] for i in range(2)]
    graph_defs = [[e.graph_def for e in summary_iterator(f) if e.graph_def] for f in files]
    ours = tf.GraphDef.FromString(graph_defs[1][0])
    assert {n.name for n in ours.node} >= {"s", "s/Const"}


def test_writer_file_name_close_and_shared_name(tmp_path):
    def program(lib, so, logdir):
        a = so.create_file_writer(logdir, filename_suffix=".mine")
        b = so.create_file_writer(logdir)  # the same shared name: one resource, a's file
        with b.as_default(), so.always_record_summaries():
            op = so.scalar("s", lib.constant(1.0), step=1)
        with lib.Session() as sess:
            sess.run(a.init())  # (TF runs the collection's two init ops in any order)
            sess.run(so.summary_writer_initializer_op())
            sess.run(op)
            sess.run(a.close())
            error = _error(lambda: sess.run(op), "does not exist")
        return os.listdir(logdir), error

    (tf_res, (_, tf_events)), (our_res, (_, our_events)) = _both(program, tmp_path)
    assert our_events == tf_events
    names = [tf_res[0], our_res[0]]
    pattern = r"events\.out\.tfevents\.\d{10}\.[^.]+\.\d+\.\d+\.mine"
    assert all(len(n) == 1 and re.fullmatch(pattern, n[0]) for n in names), names
    assert our_res[1][0] == tf_res[1][0] == "NotFoundError"
    assert our_res[1][1].replace("side1", "side0").strip() == tf_res[1][1].strip()


def test_namespace_and_helpers_as_tf():
    assert tf.summary.initialize is tf.contrib.summary.initialize
    assert tf.contrib.summary.eval_dir("/m") == tf_so.eval_dir("/m")
    assert tf.contrib.summary.eval_dir("/m", "x") == tf_so.eval_dir("/m", "x")
    with tf.Graph().as_default():
        noop = tf.contrib.summary.create_file_writer(None)
        with noop.as_default():
            assert tf.contrib.summary.scalar("s", 1.0).type == "NoOp"
        assert tf.contrib.summary.flush().type == "NoOp"
        assert isinstance(noop, tf.contrib.summary.SummaryWriter)


# ---- bad input ----------------------------------------------------------------------------------
def _error(fn, key=None):
    """The error ``fn()`` raises: its class and the first line of its message (the first line
    holding ``key``: TF's run-time errors start with "Graph execution error:")."""
    try:
        fn()
    except Exception as e:  # the class and message are compared
        lines = str(e).split("\n")
        return type(e).__name__, next((ln for ln in lines if key is None or key in ln), "")
    return None


@pytest.mark.bad_input
def test_initialize_errors_as_tf(tmp_path):
    for lib, so in SIDES:
        graph = real_tf.Graph() if lib is T else tf.Graph()
        with graph.as_default():
            writer = so.create_file_writer(str(tmp_path))
            no_writer = _error(lambda so=so: so.initialize(session=object()))
            with writer.as_default():
                no_session = _error(so.initialize)
        if lib is T:
            expected = (no_writer, no_session)
        else:
            assert (no_writer, no_session) == expected
    assert expected[0] == ("RuntimeError", "No default tf.contrib.summary.SummaryWriter found")
    assert expected[1][0] == "ValueError"


@pytest.mark.bad_input
def test_build_errors_as_tf(tmp_path):
    def errs(lib, so, logdir):
        writer = so.create_file_writer(logdir)
        with writer.as_default(), so.always_record_summaries():
            return [
                _error(lambda: so.scalar("s", lib.constant(1.0), step=[1, 2])),
                _error(lambda: so.scalar("s", lib.constant(True))),
                _error(lambda: so.histogram("h", lib.constant(1 + 2j))),
                _error(lambda: so.graph(b"not a tensor")),
                _error(lambda: so.flush(writer="nope")),
            ]

    results = []
    for i, (lib, so) in enumerate(SIDES):
        graph = real_tf.Graph() if lib is T else tf.Graph()
        with graph.as_default():
            results.append(errs(lib, so, str(tmp_path / str(i))))
    assert results[1] == results[0]
    assert all(r is not None for r in results[0])


@pytest.mark.bad_input
def test_run_errors_as_tf(tmp_path):
    def errs(lib, so, logdir):
        writer = so.create_file_writer(logdir)
        with writer.as_default(), so.always_record_summaries():
            s = so.scalar("s", lib.constant(1.0), step=1)
            h = so.histogram("h", lib.constant([1.0, np.nan]), step=1)
            imgs = lib.constant(np.full((1, 2, 2, 3), 0.5, np.float32))
            bad_images = [
                so.image("a", imgs, bad_color=lib.constant([[1, 2, 3]], lib.uint8), step=1),
                so.image("b", imgs, bad_color=lib.constant([1, 2], lib.uint8), step=1),
                so.image("c", lib.constant(np.zeros((1, 2, 2, 2), np.float32)), step=1),
            ]
        with lib.Session() as sess:
            before = _error(lambda: sess.run(s), "does not exist")
            sess.run(so.summary_writer_initializer_op())
            nan = _error(lambda: sess.run(h), "Nan")
            image_errors = [_error(lambda t=t: sess.run(t), "must") for t in bad_images]
            image_errors[1] = _error(lambda: sess.run(bad_images[1]), "expected depth")
            sess.run(writer.close())
            after = _error(lambda: sess.run(s), "does not exist")
        return [before, nan, after, *image_errors]

    results = []
    for lib, so in SIDES:
        graph = real_tf.Graph() if lib is T else tf.Graph()
        with graph.as_default():
            out = errs(lib, so, str(tmp_path / "logs"))
            results.append([(c, m.strip()) if c else None for c, m in out])
    assert results[1] == results[0]
    assert results[0][0][0] == "NotFoundError"
    assert results[0][1] == ("InvalidArgumentError", "Nan in summary histogram for: h")
    assert [r[0] for r in results[0][3:]] == ["InvalidArgumentError"] * 3


def test_bad_color_import_event_set_as_default_as_tf(tmp_path):
    images = np.linspace(-2, 3, 2 * 2 * 3 * 3, dtype=np.float32).reshape(2, 2, 3, 3)
    images[0, 1, 2, 1] = np.nan
    images[1, 0, 0, 0] = np.inf
    event = event_pb2.Event(step=42)
    event.summary.value.add(tag="imported", simple_value=4.5)
    raw = event.SerializeToString()

    def program(lib, so, logdir):
        step = lib.Variable(0, dtype=lib.int64, name="my_step")
        writer = so.create_file_writer(logdir)
        writer.set_as_default()
        with so.record_summaries_every_n_global_steps(2, global_step=step):
            img = so.image(
                "img", lib.constant(images), bad_color=lib.constant([0, 9, 200], lib.uint8)
            )
            imported = so.import_event(raw)
        with lib.Session() as sess:
            sess.run(lib.global_variables_initializer())  # my_step and the global step
            so.initialize(graph=lib.get_default_graph().as_graph_def())
            fetched = [sess.run([img, imported])[0] for _ in range(2)]
            sess.run(lib.assign(step, 4))
            fetched.append(sess.run([img, imported])[0])
            sess.run(writer.flush())
        return _values(fetched), sorted(v.op.name for v in lib.global_variables())

    try:
        (tf_res, (_, tf_events)), (our_res, (_, our_events)) = _both(program, tmp_path)
    finally:
        # (set_as_default: the default for the rest of the thread)
        tf_so._summary_state.writer = our_so._state.writer = None
    assert our_res == tf_res
    assert our_events == tf_events
    assert sum('tag: "imported"' in e for e in our_events) == 3
