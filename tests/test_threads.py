"""The thread count follows the machine's load: while another process keeps a core busy, kernels
use the free cores only (a 2-thread region would wait at its barrier for a thread that cannot
run), and take the core back once it is idle. Results never depend on the thread count."""

import os
import subprocess
import sys
import time

import numpy as np

import tflite_core as tf
from tflite_core import _core


def _wait_for(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def test_effective_threads_follow_outside_load():
    assert os.cpu_count() >= 2, "this project's machines have 2 cores"
    tf.set_num_threads(2)
    _core.effective_threads()  # starts the monitor
    # The premise: nothing else keeps the machine busy for long (CI runs nothing beside us).
    idle = "no other process may keep a core busy for 20 s during this test"
    assert _wait_for(lambda: _core.effective_threads() == 2, 20.0), idle
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        assert _wait_for(lambda: _core.effective_threads() == 1, 5.0), "a busy core is given up"
        x = tf.placeholder(tf.float32, [None])
        y = tf.reduce_sum(x * 3.0)
        with tf.Session() as sess:  # and work still runs, single-threaded, with the same result
            data = np.arange(1 << 20, dtype=np.float32) % 7
            assert sess.run(y, {x: data}) == np.float32(3.0 * data.astype(np.float64).sum())
    finally:
        hog.kill()
        hog.wait()
    assert _wait_for(lambda: _core.effective_threads() == 2, 20.0), (
        "the core is taken back; " + idle
    )
    assert tf.get_num_threads() == 2  # the configured count never changed


def test_configured_thread_count_caps_the_effective_one():
    tf.set_num_threads(1)
    try:
        assert _core.effective_threads() == 1
    finally:
        tf.set_num_threads(2)
