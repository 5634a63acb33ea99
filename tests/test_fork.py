"""libgomp is not fork-safe: a child forked after an OpenMP region hangs at its next one unless it
drops to one thread (tflite_core registers that with os.register_at_fork)."""

import os
import signal

import numpy as np

import tflite_core as tf


def _big_sum_graph():
    x = tf.placeholder(tf.float32, [None])
    return x, tf.reduce_sum(x * 2.0)


def test_forked_child_runs_parallel_kernels():
    tf.set_num_threads(2)
    x, y = _big_sum_graph()
    data = np.ones(1 << 20, np.float32)  # large enough for the parallel code path
    with tf.Session() as sess:
        assert sess.run(y, {x: data}) == 2.0 * data.size  # the OpenMP pool now exists
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: must finish, single-threaded, with the right value
            try:
                ok = sess.run(y, {x: data}) == 2.0 * data.size and tf.get_num_threads() == 1
                os.write(w, b"1" if ok else b"0")
            finally:
                os._exit(0)
        os.close(w)
        signal.signal(signal.SIGALRM, lambda *a: os.kill(pid, signal.SIGKILL))
        signal.alarm(20)  # a hang would kill the child and fail the test below
        try:
            _, status = os.waitpid(pid, 0)
        finally:
            signal.alarm(0)
        assert os.read(r, 1) == b"1", "child hung or computed a wrong value"
        assert os.WIFEXITED(status)
        assert sess.run(y, {x: data}) == 2.0 * data.size  # the parent keeps both threads
        assert tf.get_num_threads() == 2
