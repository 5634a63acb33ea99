"""``python -m tflite_core.run`` runs an unmodified TensorFlow 1.x program (its output compared
with the same program under TF 2.21), and ``python -m tflite_core.check`` lists the TF names a
program uses that tflite_core lacks, without running it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import tflite_core as tf
from tflite_core import check

PROGRAMS = {  # (both use tf.cond and a loop: tf.while_loop, tf.foldl)
    "import tensorflow as tf": """
        import sys
        import numpy as np
        import tensorflow as tf

        tf.compat.v1.disable_eager_execution()
        x = tf.compat.v1.placeholder(tf.float32, [None, 3])
        w = tf.Variable(np.arange(6.0, dtype=np.float32).reshape(3, 2))
        s = tf.reduce_sum(tf.tile(x, [1, 2]), axis=1, keepdims=True)
        y = tf.nn.softmax(tf.matmul(x, w)) * s
        y = tf.cond(tf.reduce_sum(y) > 0, lambda: y * 2.0, lambda: -y)
        _, z = tf.while_loop(lambda i, v: i < 5, lambda i, v: (i + 1, v * 0.5 + y), (0, y))
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            out = sess.run(z, {x: np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]], np.float32)})
        print(np.round(out, 4).tolist(), sys.argv[1:])
    """,
    "import tensorflow.compat.v1 as tf": """
        import sys
        import numpy as np
        import tensorflow.compat.v1 as tf

        tf.disable_v2_behavior()
        x = tf.placeholder(tf.float32, [4, 1])
        w = tf.get_variable("w", [1, 1], initializer=tf.zeros_initializer())
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 2.0 * x))
        loss = tf.cond(loss > 100.0, lambda: loss * 0.0, lambda: loss)
        loss += tf.foldl(lambda a, r: a + r, tf.reshape(w, [1])) * 0.0
        step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(20):
                sess.run(step, {x: np.arange(4.0).reshape(4, 1)})
            print(round(float(sess.run(w)[0, 0]), 4), tf.executing_eagerly(), sys.argv[1:])
    """,
}


def _run(args, env_path=None):
    env = dict(os.environ)
    if env_path is not None:
        env["PYTHONPATH"] = env_path
    r = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=300, env=env
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("imports", list(PROGRAMS), ids=["tensorflow", "compat.v1"])
def test_run_executes_an_unmodified_tensorflow_program(tmp_path, imports):
    prog = tmp_path / "program.py"
    prog.write_text(textwrap.dedent(PROGRAMS[imports]))
    package_root = os.path.dirname(os.path.dirname(tf.__file__))
    ours = _run(["-m", "tflite_core.run", str(prog), "--flag", "7"], env_path=package_root)
    theirs = _run([str(prog), "--flag", "7"])  # the same program under TensorFlow 2.21
    assert ours == theirs


def test_check_lists_the_missing_names(tmp_path, capsys):
    prog = tmp_path / "program.py"
    prog.write_text(
        textwrap.dedent("""
        import tensorflow.compat.v1 as tf
        from tensorflow.compat.v1 import nn
        x = tf.placeholder(tf.float32, [None, 3])
        y = nn.relu(tf.layers_that_do_not_exist.dense(x, 2))
        est = tf.estimator.Estimator(model_fn=None)
        sess = tf.Session()
        """)
    )
    used, missing = check.check(str(prog))
    assert {"placeholder", "float32", "nn.relu", "Session", "estimator.Estimator"} <= set(used)
    assert missing == {"layers_that_do_not_exist": 5, "estimator": 6}
    assert check.main([str(prog)]) == 1
    out = capsys.readouterr().out
    assert "tflite_core lacks 2" in out and "tf.estimator  (line 6)" in out
    ok = tmp_path / "ok.py"
    ok.write_text("import tensorflow as tf\nx = tf.compat.v1.placeholder(tf.float32)\n")
    assert check.main([str(ok)]) == 0
