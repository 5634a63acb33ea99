"""TF 1.x's queue-based input side by side with TF 2.21 ``compat.v1``: readers (text lines,
TFRecords, fixed-length records, whole files, identity; keys as TF's), ``read_up_to`` and the
readers' counters, and ``tf.train``'s input functions run by queue runners under a
``Coordinator`` to their end (``string_input_producer``, ``range_input_producer``,
``slice_input_producer``, ``batch``, ``batch_join``, ``maybe_batch``, ``shuffle_batch``,
``dynamic_pad``, ``allow_smaller_final_batch``, ``match_filenames_once``), with the same op
names as TF's and no thread left running."""

from __future__ import annotations

import threading

import lmdb
import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("queue_input")
    out = {"dir": str(d)}
    texts = []
    for f in range(2):
        p = d / f"t{f}.txt"
        p.write_bytes(b"header\n" + b"".join(b"line %d of %d\n" % (i, f) for i in range(3)))
        texts.append(str(p))
    out["text"] = texts
    recs = []
    for f in range(2):
        p = str(d / f"r{f}.tfrecord")
        with real_tf.io.TFRecordWriter(p) as w:
            for i in range(4):
                w.write(b"rec-%d-%d" % (f, i) + b"x" * i)
        recs.append(p)
    out["records"] = recs
    gz = str(d / "g.tfrecord")
    with real_tf.io.TFRecordWriter(gz, real_tf.io.TFRecordOptions(compression_type="GZIP")) as w:
        for i in range(3):
            w.write(b"gz-%d" % i)
    out["gzip"] = [gz]
    fixed = d / "fixed.bin"
    fixed.write_bytes(b"HH" + bytes(range(30)) + b"F")
    out["fixed"] = [str(fixed)]
    db = str(d / "pairs.mdb")
    env = lmdb.open(db, subdir=False, map_size=1 << 20)
    with env.begin(write=True) as txn:
        for k, v in ((b"b", b"two"), (b"a", b"one"), (b"c", b"x" * 300)):
            txn.put(k, v)
    env.close()
    out["lmdb"] = [db, db]
    return out


def _drain(m, fetch, limit=200, feed=None, init_locals=True):
    """Runs ``fetch`` until OutOfRangeError with the queue runners started; the values, and
    whether every thread ended."""
    values = []
    with m.Session() as s:
        s.run(m.global_variables_initializer())
        if init_locals:
            s.run(m.local_variables_initializer())
        coord = m.train.Coordinator()
        threads = m.train.start_queue_runners(s, coord)
        try:
            for _ in range(limit):
                values.append(s.run(fetch, feed))
        except m.errors.OutOfRangeError:
            pass
        finally:
            coord.request_stop()
            coord.join(threads, stop_grace_period_secs=10)
        alive = [t for t in threads if t.is_alive()]
    return values, alive


def _both(build, **kw):
    out = []
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            fetch = build(m)
            # (TF 2.21's compat.v1 variables are resource variables: its counter is a
            # ResourceCountUpTo where TF 1.x's, and ours, is a CountUpTo)
            names = sorted(
                op.name.replace("ResourceCountUpTo", "CountUpTo")
                for op in m.get_default_graph().get_operations()
                if "Queue" in op.type or "Reader" in op.type or "CountUpTo" in op.type
            )
            values, alive = _drain(m, fetch, **kw)
            assert alive == []
        out.append((values, names))
    return out


def _same(a, b):
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, dict):
        assert sorted(a) == sorted(b)
        for k in a:
            _same(a[k], b[k])
    else:
        x, y = np.asarray(a), np.asarray(b)
        assert x.dtype == y.dtype and x.shape == y.shape, (x, y)
        assert x.tolist() == y.tolist(), (x, y)


READERS = {
    "text": lambda m, f: (m.TextLineReader(skip_header_lines=1), f["text"]),
    "tfrecord": lambda m, f: (m.TFRecordReader(), f["records"]),
    "tfrecord_gzip": lambda m, f: (
        m.TFRecordReader(
            options=m.python_io.TFRecordOptions(m.python_io.TFRecordCompressionType.GZIP)
        ),
        f["gzip"],
    ),
    "fixed": lambda m, f: (
        m.FixedLengthRecordReader(6, header_bytes=2, footer_bytes=1),
        f["fixed"],
    ),
    "fixed_hop": lambda m, f: (
        m.FixedLengthRecordReader(4, header_bytes=2, footer_bytes=1, hop_bytes=3),
        f["fixed"],
    ),
    "whole_file": lambda m, f: (m.WholeFileReader(), f["text"]),
    "identity": lambda m, f: (m.IdentityReader(), f["records"]),
}


@pytest.mark.parametrize("kind", sorted(READERS))
def test_reader_records_and_keys_as_tf(files, kind):
    def build(m):
        reader, names = READERS[kind](m, files)
        q = m.train.string_input_producer(names, num_epochs=1, shuffle=False)
        return reader.read(q)

    (theirs, tnames), (ours, onames) = _both(build)
    assert len(ours) > 0
    _same(theirs, ours)
    assert onames == tnames


def test_lmdb_reader_pairs_in_key_order(files):
    """TF 2.21 removed LMDB support (its LMDBReader raises UnimplementedError); TF 1.x's gave
    each database's (key, value) pairs in key order, as the lmdb library iterates them."""
    with tf.Graph().as_default():
        q = tf.train.string_input_producer(files["lmdb"], num_epochs=1, shuffle=False)
        values, alive = _drain(tf, tf.LMDBReader().read(q))
    assert alive == []
    want = [(b"a", b"one"), (b"b", b"two"), (b"c", b"x" * 300)] * 2
    assert [(bytes(k), bytes(v)) for k, v in values] == want
    with T.Graph().as_default():
        q = T.FIFOQueue(2, T.string, shapes=[[]])
        fill = q.enqueue([files["lmdb"][0]])
        k, _ = T.LMDBReader().read(q)
        with T.Session() as s:
            s.run(fill)
            with pytest.raises(real_tf.errors.UnimplementedError):
                s.run(k)


def test_read_up_to_and_counters_as_tf(files):
    got = []
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            q = m.FIFOQueue(5, m.string, shapes=[[]])
            fill = q.enqueue_many([files["records"]])
            reader = m.TFRecordReader()
            k, v = reader.read_up_to(q, 3)
            counts = [reader.num_records_produced(), reader.num_work_units_completed()]
            out = []
            with m.Session() as s:
                s.run(fill)
                s.run(q.close())
                for _ in range(6):
                    try:
                        out.append(s.run([k, v]))
                    except m.errors.OutOfRangeError:
                        out.append("end")
                        break
                out.append(s.run(counts))
                s.run(reader.reset())
                out.append(s.run(counts))
            got.append(out)
    _same(got[0], got[1])


def test_string_producer_shuffled_epochs_are_permutations(files):
    def build(m):
        q = m.train.string_input_producer(files["records"] * 3, num_epochs=2, seed=4)
        return q.dequeue()

    (theirs, tn), (ours, on) = _both(build)
    assert sorted(ours) == sorted(theirs)
    assert len(ours) == 12
    assert on == tn


def test_range_and_slice_input_producers_as_tf():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    words = np.array([b"a", b"b", b"c", b"d", b"e", b"f"], dtype=object)

    def build(m):
        r = m.train.range_input_producer(4, num_epochs=2, shuffle=False).dequeue()
        row, w = m.train.slice_input_producer([x, words], num_epochs=1, shuffle=False)
        return [r, row, w]

    (theirs, tn), (ours, on) = _both(build)
    _same(theirs, ours)
    assert on == tn


@pytest.mark.parametrize("variant", ["batch", "batch_small", "dynamic_pad", "maybe", "join"])
def test_batch_functions_as_tf(files, variant):
    def build(m):
        q = m.train.string_input_producer(files["records"], num_epochs=2, shuffle=False)
        k, v = m.TFRecordReader().read(q)
        n = m.strings.length(v)
        if variant == "batch":
            return m.train.batch([k, n], 3)
        if variant == "batch_small":
            return m.train.batch({"k": k, "n": n}, 3, allow_smaller_final_batch=True)
        if variant == "dynamic_pad":
            ragged = m.range(n - 4)
            return m.train.batch([ragged, n], 4, dynamic_pad=True)
        if variant == "maybe":
            return m.train.maybe_batch([k, n], m.equal(n % 2, 0), 2, allow_smaller_final_batch=True)
        k2, v2 = m.TFRecordReader().read(q)
        return m.train.batch_join([[k, n], [k2, m.strings.length(v2)]], 2)

    (theirs, tn), (ours, on) = _both(build)
    assert len(ours) > 0
    if variant == "join":  # (two readers at once: which one reads which file is up to threads)
        flat = lambda vs: sorted(x for b in vs for x in b[0].tolist())  # noqa: E731
        assert flat(ours) == flat(theirs)
    else:
        _same(theirs, ours)
    if variant != "maybe":  # (TF enqueues inside a tf.cond; ours: a masked enqueue_many)
        assert on == tn


def test_shuffle_batch_contents_and_summaries_as_tf(files):
    def build(m):
        q = m.train.string_input_producer(files["records"], num_epochs=3, shuffle=False)
        _, v = m.TFRecordReader().read(q)
        b = m.train.shuffle_batch(
            [v],
            4,
            capacity=10,
            min_after_dequeue=3,
            num_threads=2,
            seed=1,
            allow_smaller_final_batch=True,
        )
        summaries = sorted(s.name for s in m.get_collection(m.GraphKeys.SUMMARIES))
        m.add_to_collection("test_summaries", summaries)
        return b

    (theirs, tn), (ours, on) = _both(build)
    flat = lambda vs: sorted(x for b in vs for x in b.tolist())  # noqa: E731
    assert flat(ours) == flat(theirs)
    assert len(flat(ours)) == 24
    assert on == tn


def test_match_filenames_once_as_tf(files):
    got = []
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            names = m.train.match_filenames_once(files["dir"] + "/r*.tfrecord")
            with m.Session() as s:
                s.run(m.local_variables_initializer())
                got.append(sorted(s.run(names).tolist()))
    assert got[1] == got[0]
    assert len(got[1]) == 2
    with tf.Graph().as_default():  # (ours is a tensor: it feeds string_input_producer)
        names = tf.train.match_filenames_once(files["dir"] + "/r*.tfrecord")
        q = tf.train.string_input_producer(names, num_epochs=1, shuffle=False)
        values, alive = _drain(tf, tf.TFRecordReader().read(q)[1])
    assert alive == [] and len(values) == 8


def test_session_closed_while_runners_wait_leaves_no_thread(files):
    before = set(threading.enumerate())
    with tf.Graph().as_default():
        q = tf.train.string_input_producer(files["records"])  # (forever: runners keep waiting)
        k, _ = tf.TFRecordReader().read(q)
        b = tf.train.shuffle_batch([k], 2, capacity=8, min_after_dequeue=2)
        s = tf.Session()
        threads = tf.train.start_queue_runners(s)
        assert s.run(b).shape == (2,)
        s.close()
        for t in threads:
            t.join(timeout=10)
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert left == []
