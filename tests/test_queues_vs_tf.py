"""Queues side by side with TF 2.21 ``compat.v1`` (graph mode): ``FIFOQueue``,
``PaddingFIFOQueue``, ``PriorityQueue``, ``RandomShuffleQueue`` (values, sizes, closing, TF's
error classes and messages), ``tf.count_up_to``, and closing a session while threads wait."""

from __future__ import annotations

import threading
import time

import numpy as np
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


def _both(script):
    """``script(m, sess)`` (m: the library module) run for TF's compat.v1 and for ours."""
    out = []
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            out.append(script(m))
    return out


def core_message(message: str) -> str:
    """The kernel's words in an error message (TF's graph-mode messages wrap them: "Graph
    execution error:", the op's stack, "Node: 'name'", then the words)."""
    lines = message.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("Node: '") and i + 1 < len(lines):
            return lines[i + 1]
    return lines[0]


def _outcome(sess, fetch, m, feed=None):
    try:
        v = sess.run(fetch, feed)
        return ("ok", v)
    except m.errors.OpError as e:
        return (type(e).__name__, core_message(e.message))


def _same(a, b):
    if isinstance(a, tuple) and a and a[0] == "ok":
        assert b[0] == "ok", (a, b)
        _same(a[1], b[1])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, dict):
        assert sorted(a) == sorted(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, str):
        assert a == b, (a, b)
    else:
        x, y = np.asarray(a), np.asarray(b)
        assert x.dtype == y.dtype and x.shape == y.shape, (x, y)
        assert x.tolist() == y.tolist(), (x, y)


def test_fifo_queue_sequence_as_tf():
    def script(m):
        q = m.FIFOQueue(5, [m.int32, m.string], shapes=[[2], []])
        enq = q.enqueue(([1, 2], "a"))
        many = q.enqueue_many(([[3, 4], [5, 6], [7, 8]], ["b", "c", "d"]))
        one = q.dequeue()
        two = q.dequeue_many(2)
        up = q.dequeue_up_to(3)
        out = []
        with m.Session() as s:
            s.run(enq)
            s.run(many)
            out.append(_outcome(s, q.size(), m))
            out.append(_outcome(s, one, m))
            out.append(_outcome(s, two, m))
            out.append(_outcome(s, [q.size(), q.is_closed()], m))
            s.run(q.close())
            out.append(_outcome(s, q.is_closed(), m))
            out.append(_outcome(s, enq, m))  # enqueue on a closed queue
            out.append(_outcome(s, two, m))  # too few left
            out.append(_outcome(s, up, m))  # what is left
            out.append(_outcome(s, one, m))  # empty and closed
        return out

    theirs, ours = _both(script)
    for a, b in zip(theirs, ours):
        if a[0] != "ok":
            assert a[0] == b[0]
            # (TF names the queue by its resource: ours too, in TF's words)
            assert a[1].split("'")[0] == b[1].split("'")[0], (a, b)
            assert a[1].split("'")[-1] == b[1].split("'")[-1], (a, b)
        else:
            _same(a, b)


def test_padding_priority_and_named_queues_as_tf():
    def script(m):
        pq = m.PaddingFIFOQueue(4, [m.float32, m.int64], shapes=[[None], [None, 2]])
        e1 = pq.enqueue(([1.0], [[1, 2]]))
        e2 = pq.enqueue(([1.0, 2.0, 3.0], [[3, 4], [5, 6]]))
        pad = pq.dequeue_many(2)
        prio = m.PriorityQueue(4, [m.string], shapes=[[]])
        pe = prio.enqueue_many(([5, 1, 3], ["five", "one", "three"]))
        pd = prio.dequeue_many(3)
        nq = m.FIFOQueue(3, [m.int32, m.float32], shapes=[[], []], names=["a", "b"])
        ne = nq.enqueue({"a": 7, "b": 0.5})
        nd = nq.dequeue()
        with m.Session() as s:
            s.run([e1])
            s.run(e2)
            s.run(pe)
            s.run(ne)
            return [s.run(pad), s.run(pd), s.run(nd)]

    theirs, ours = _both(script)
    _same(theirs, ours)


def test_random_shuffle_queue_keeps_min_after_dequeue():
    def script(m):
        q = m.RandomShuffleQueue(10, 4, [m.int64], shapes=[[]], seed=3)
        enq = q.enqueue_many([np.arange(8, dtype=np.int64)])
        got = q.dequeue_up_to(10)
        with m.Session() as s:
            s.run(enq)
            first = s.run(q.dequeue_many(4))
            size = s.run(q.size())
            s.run(q.close())
            rest = s.run(got)
            return sorted(first.tolist() + rest.tolist()), size, len(rest)

    theirs, ours = _both(script)
    assert theirs == ours
    assert ours[0] == list(range(8))


def test_dequeue_many_needs_shapes_and_enqueue_checks_them():
    def script(m):
        q = m.FIFOQueue(3, m.float32)
        e = q.enqueue(1.0)
        d = q.dequeue_many(1)
        q2 = m.FIFOQueue(3, m.float32, shapes=[[2]])
        ph = m.placeholder(m.float32)
        e2 = q2.enqueue(ph)
        with m.Session() as s:
            s.run(e)
            return [_outcome(s, d, m)[0], _outcome(s, e2, m, {ph: [1.0, 2.0, 3.0]})]

    theirs, ours = _both(script)
    assert ours[0] == theirs[0] == "InvalidArgumentError"
    assert ours[1][0] == theirs[1][0] == "InvalidArgumentError"
    assert ours[1][1] in theirs[1][1] or theirs[1][1].endswith(ours[1][1])


def test_count_up_to_as_tf():
    def script(m):
        v = m.Variable(0, dtype=m.int64)
        c = m.count_up_to(v, 3)
        with m.Session() as s:
            s.run(v.initializer)
            return [_outcome(s, c, m) for _ in range(4)] + [s.run(v)]

    theirs, ours = _both(script)
    _same(theirs[:3], ours[:3])
    assert ours[3][0] == theirs[3][0] == "OutOfRangeError"
    assert ours[3][1] == theirs[3][1].strip()
    assert ours[4] == theirs[4] == 3


def test_blocked_dequeue_is_fed_by_another_thread():
    q = tf.FIFOQueue(2, tf.float32, shapes=[[]])
    x = q.dequeue() * 2.0
    enq = q.enqueue(21.0)
    with tf.Session() as s:
        t = threading.Thread(target=lambda: (time.sleep(0.2), s.run(enq)))
        t.start()
        assert s.run(x) == 42.0
        t.join()


def test_closing_session_cancels_waiting_threads():
    q = tf.FIFOQueue(1, tf.float32, shapes=[[]])
    enq = q.enqueue(1.0)
    deq = q.dequeue_many(3)
    errors = []

    def run(op):
        try:
            while True:
                s.run(op)
        except (tf.errors.CancelledError, RuntimeError) as e:
            errors.append(type(e).__name__)

    s = tf.Session()
    threads = [threading.Thread(target=run, args=(op,)) for op in (enq, deq)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    s.close()
    for t in threads:
        t.join(timeout=5)
    assert not any(t.is_alive() for t in threads)
    assert sorted(errors) == ["CancelledError", "CancelledError"]
