"""Child process of tests/test_monitored_session_vs_tf.py: trains tests/monitored_session_model.py
with ``MonitoredTrainingSession`` (checkpoints every 5 steps) until ``last_step``.

Usage: ``python monitored_session_child.py DIR LAST_STEP BLOCK_AT``. Prints ``start <global step>
<w as a list>`` once the session is created (restored from DIR's latest checkpoint, if any), then
``step <global step>`` after every run; at global step BLOCK_AT it prints ``blocked`` and waits
on stdin (the test kills it there with SIGKILL). Each line is flushed. TF's INFO log goes to
stderr.
"""

import json
import sys

import monitored_session_model as model

import tflite_core as tf


def main(directory: str, last_step: int, block_at: int) -> None:
    tf.logging.set_verbosity(tf.logging.INFO)  # (as TF 1.x training scripts do: to stderr)
    _, _, train, w = model.build(tf)
    gs = tf.train.get_global_step()

    class Report(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            value = session.run(w).ravel().tolist()
            print("start", session.run(gs), json.dumps(value), flush=True)

        def after_run(self, run_context, run_values):
            step = run_context.session.run(gs)
            print("step", step, flush=True)
            if step == block_at:
                print("blocked", flush=True)
                sys.stdin.readline()

    hooks = [tf.train.StopAtStepHook(last_step=last_step), Report()]
    with tf.train.MonitoredTrainingSession(
        checkpoint_dir=directory,
        save_checkpoint_steps=5,
        save_summaries_steps=5,
        log_step_count_steps=None,
        hooks=hooks,
    ) as sess:
        while not sess.should_stop():
            sess.run(train)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
