"""Child process of tests/test_checkpoint_crash.py: trains (a stand-in step) and saves in a loop.

Usage: ``python checkpoint_crash_child.py DIR MODE``: MODE ``numbered`` saves to
``DIR/model-<step>`` (``global_step=``), ``fixed`` to ``DIR/model`` every time. The process
imports everything once, then for each ``go`` line on stdin forks a worker, prints ``worker
<pid>``, waits for it and prints ``exited <pid> <wait status>`` (the test kills workers, so one
process serves many kills).

A worker holds 25 float32 variables of 1M elements (100 MB); variable ``i`` at global step ``s``
equals ``base(i) + s`` exactly. It resumes from ``tf.train.latest_checkpoint(DIR)`` when there is
one (else starts at step 0), then repeats: one step, ``begin <step>``, ``saver.save(...)``,
``saved <step> <seconds>``, each line flushed, until it is killed.
"""

import os
import sys
import time
import warnings

import numpy as np

import tflite_core as tf

N_VARS, SIZE = 25, 1_000_000


def base(i: int) -> np.ndarray:
    """Variable i's value at step 0: small integers, so ``+ step`` is exact in float32."""
    return ((np.arange(SIZE) % 1000) + 1000 * i).astype(np.float32)


def build():
    """(variables, global_step, step op, saver): the same names in the child and the test."""
    variables = [tf.Variable(tf.fill([SIZE], 0.0), name=f"v{i}") for i in range(N_VARS)]
    step = tf.Variable(0, name="global_step", trainable=False)
    one = tf.fill([SIZE], 1.0)
    with tf.control_dependencies([v.assign_add(one) for v in variables]):
        train = step.assign_add(1)
    return variables, step, train, tf.train.Saver(max_to_keep=2)


def main(directory: str, mode: str) -> None:
    variables, step, train, saver = build()
    sess = tf.Session()
    latest = tf.train.latest_checkpoint(directory)
    if latest:
        saver.restore(sess, latest)
        saver.recover_last_checkpoints(
            tf.train.get_checkpoint_state(directory).all_model_checkpoint_paths
        )
    else:
        sess.run(tf.global_variables_initializer())
        for i, v in enumerate(variables):
            v.load(base(i), sess)
    print("ready", sess.run(step), flush=True)
    while True:
        s = sess.run(train)
        print("begin", s, flush=True)
        t0 = time.perf_counter()
        saver.save(sess, f"{directory}/model", global_step=s if mode == "numbered" else None)
        print("saved", s, f"{time.perf_counter() - t0:.4f}", flush=True)


def serve(directory: str, mode: str) -> None:
    with tf.Graph().as_default() as g:  # warm up: the first GraphDef imports its protobufs
        tf.Variable(0.0)
        g.as_graph_def()
    print("serving", flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        with warnings.catch_warnings():  # Python >= 3.12 warns about fork with threads
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            try:
                main(directory, mode)
            finally:
                os._exit(1)
        print("worker", pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print("exited", pid, status, flush=True)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
